package nash

import (
	"math"
	"strings"
	"testing"
)

func TestReadPoints(t *testing.T) {
	pts, err := ReadPoints(strings.NewReader("# starts\n0.5, 0.5,1/3,2/3\n\n1,0,0,1\n"), "s.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 2 || pts[0].Pos != "s.csv:2" || pts[1].Pos != "s.csv:4" || pts[0].Values[2] != 1.0/3 {
		t.Fatalf("got %+v", pts)
	}
	for _, tc := range []struct{ in, want string }{
		{"0.5,0.5\n0.5,x\n", "s.csv:2:5: \"x\" is not a number"},
		{"0.5,,0.5\n", "s.csv:1:5: \"\" is not a number"},
		{"1e999\n", "s.csv:1:1: \"1e999\" is out of range"},
		{"# nothing\n", "s.csv: no points"},
		{"1/0\n", "is not a number"},
	} {
		if _, err := ReadPoints(strings.NewReader(tc.in), "s.csv"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want %q", tc.in, err, tc.want)
		}
	}
}

// FuzzReadPoints: any input gives points of finite numbers with their
// line, or an error; never a panic.
func FuzzReadPoints(f *testing.F) {
	for _, s := range []string{"0.5,0.5\n", "1/3, 2/3\n#c\n\n1,0", "", ",", "1e308,1e308", "-0,+1", "1/0", "0x1p3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pts, err := ReadPoints(strings.NewReader(s), "f")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		for _, p := range pts {
			if len(p.Values) == 0 || !strings.HasPrefix(p.Pos, "f:") {
				t.Fatalf("bad point %+v", p)
			}
			for _, v := range p.Values {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("not finite: %v", v)
				}
			}
		}
	})
}
