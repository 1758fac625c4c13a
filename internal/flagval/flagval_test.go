package flagval

import (
	"strings"
	"testing"
	"time"
)

// TestSet: every value accepts what its range allows, refuses the rest
// with a message naming the range, and leaves the value unchanged then.
func TestSet(t *testing.T) {
	var (
		i  int
		f  float64
		d  time.Duration
		sz int64
		e  string
		b  bool
		u  uint64
	)
	flags := map[string]Flag{
		"int":      IntFlag(&i, "int", 5, 1, 10, "n"),
		"float":    FloatFlag(&f, "float", 0.5, 0, 1, "x"),
		"duration": DurationFlag(&d, "duration", 0, time.Hour, "d"),
		"size":     SizeFlag(&sz, "size", 1<<30, 1<<20, "s"),
		"enum":     EnumFlag(&e, "enum", "a", "e", "a", "b"),
		"bool":     BoolFlag(&b, "bool", "b"),
		"uint64":   Uint64Flag(&u, "uint64", 1, "u"),
	}
	for _, tc := range []struct {
		flag, in, want, err string // want: String() after; err: part of the error
	}{
		{"int", "7", "7", ""},
		{"int", "1e1", "10", ""},
		{"int", "1_0", "10", ""},
		{"int", "11", "5", "out of range: want 1 to 10"},
		{"int", "2.5", "5", "want a whole number from 1 to 10"},
		{"int", "9e99", "5", "out of range"},
		{"float", "1", "1", ""},
		{"float", "NaN", "0.5", "want a finite number"},
		{"float", "-Inf", "0.5", "want a finite number"},
		{"float", "1.5", "0.5", "out of range: want 0 to 1"},
		{"duration", "90s", "1m30s", ""},
		{"duration", "-1s", "0s", "out of range"},
		{"duration", "2h", "0s", "out of range: want 0 to 1h0m0s"},
		{"duration", "soon", "0s", "want a duration"},
		{"size", "512MiB", "512.0 MiB", ""},
		{"size", "1KiB", "1.0 GiB", "want at least 1.0 MiB"},
		{"enum", "b", "b", ""},
		{"enum", "c", "a", "want a or b"},
		{"bool", "true", "true", ""},
		{"bool", "maybe", "false", "want true or false"},
		{"uint64", "0x10", "16", ""},
		{"uint64", "-1", "1", "want a whole number from 0 to 18446744073709551615"},
		{"uint64", "18446744073709551616", "1", "want a whole number from 0 to 18446744073709551615"},
	} {
		fl := flags[tc.flag]
		before := fl.Value.String()
		err := fl.Value.Set(tc.in)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("--%s %s: %v", tc.flag, tc.in, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("--%s %s: error %v, want %q", tc.flag, tc.in, err, tc.err)
		case tc.err != "" && fl.Value.String() != before:
			t.Errorf("--%s %s: refused but changed to %s", tc.flag, tc.in, fl.Value.String())
		case fl.Value.String() != tc.want:
			t.Errorf("--%s %s: %s, want %s", tc.flag, tc.in, fl.Value.String(), tc.want)
		}
		if tc.err == "" { // back to the default for the next case
			if err := fl.Value.Set(before); err != nil {
				t.Fatalf("--%s %s: %v", tc.flag, before, err)
			}
		}
	}
	if got := flags["int"].Help(); got != "n (1 to 10)" {
		t.Errorf("int usage %q", got)
	}
	if got := flags["enum"].Help(); got != "e: a or b" {
		t.Errorf("enum usage %q", got)
	}
	if got := flags["float"].Help(); got != "x (0 to 1)" {
		t.Errorf("float usage %q", got)
	}
	if got := flags["duration"].Help(); got != "d" {
		t.Errorf("duration usage %q", got)
	}
	if got := OrList([]string{"x", "y", "z"}); got != "x, y or z" {
		t.Errorf("OrList: %q", got)
	}
}
