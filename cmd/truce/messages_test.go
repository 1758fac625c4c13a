package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMessages: what the command line prints reads correctly (issue #12,
// point 7; issue #11's size messages): counts agree with their nouns, sizes
// that saturated are said as lower bounds, and one mistake gets one
// message with a hint, not a second misleading one.
func TestMessages(t *testing.T) {
	dir := t.TempDir()
	leduc := filepath.Join(dir, "leduc.efg")
	if err := os.WriteFile(leduc, leducEFG(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		args    []string
		code    int
		want    []string // in stdout or stderr
		notWant []string
	}{
		{name: "check counts", args: []string{"check", "../../examples/two-state.yaml"},
			want:    []string{"2 actors, 2 states, 1 parameter, 1 profile, 2 hypotheses"},
			notWant: []string{"1 parameters", "1 profiles"}},
		{name: "leduc's reduced form", args: []string{"nash", leduc, "--method", "logit"}, code: 1,
			want:    []string{"reduced strategic form (strategies per player: 1.05e14 and more than 9.2e18) needs more than 8 EiB of memory"},
			notWant: []string{"about more than", "×over", "e+14"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := run(t, tc.args...)
			text := out + errs
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, text)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("output lacks %q:\n%s", w, text)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(text, w) {
					t.Errorf("output has %q:\n%s", w, text)
				}
			}
		})
	}
}
