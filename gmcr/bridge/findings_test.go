package bridge_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/truce-dev/truce/gmcr"
	"github.com/truce-dev/truce/gmcr/bridge"
)

func loadBridge(t *testing.T, path string) (*bridge.Report, *gmcr.Result) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := loadConflict(t, path, src)
	rep, ds, err := bridge.Load(context.Background(), f, path, filepath.Dir(path))
	if err != nil || rep == nil {
		t.Fatal(err, ds)
	}
	res, err := gmcr.Analyze(context.Background(), f.Conflict, gmcr.Sequences)
	if err != nil {
		t.Fatal(err)
	}
	return rep, res
}

// TestFindings: on the bundled US–Iran bridge the lenses disagree, so
// nothing is robust. The rebuilt scenario's selected equilibrium ends in
// war, which every concept finds stable (agree), but it spends its time
// before war in the truce, which no concept finds stable (disagree), and
// never reaches the agreement every concept finds stable (disagree). On a
// conflict whose stable states are exactly where the cardinal equilibrium
// goes, they agree.
func TestFindings(t *testing.T) {
	for _, tc := range []struct {
		path   string
		robust bool
		kinds  map[bridge.Kind]int
		texts  []string
	}{
		{"../../examples/gmcr/us-iran-bridge.yaml", false, map[bridge.Kind]int{bridge.Agree: 1, bridge.Disagree: 2},
			[]string{"most likely ending, war (eventually ends there 100.0%), is stable", "most visited state, truce (spends 1.9% there), is stable in the ordinal lens under no concept",
				"agreement is stable in the ordinal lens under Nash, GMR, SMR, SEQ, but the cardinal equilibrium spends only 0.0%"}},
		{"testdata/agree.yaml", true, map[bridge.Kind]int{bridge.Agree: 2},
			[]string{"most likely ending, war (eventually ends there 100.0%)", "most visited state, peace"}},
	} {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			rep, res := loadBridge(t, tc.path)
			fs := rep.Findings(res, gmcr.Concepts)
			got := map[bridge.Kind]int{}
			var all []string
			for _, f := range fs {
				got[f.Kind]++
				all = append(all, string(f.Kind)+": "+f.Text)
			}
			for k, n := range tc.kinds {
				if got[k] != n {
					t.Errorf("%d %s findings, want %d:\n%s", got[k], k, n, strings.Join(all, "\n"))
				}
			}
			if len(fs) != len(all) || bridge.Robust(fs) != tc.robust {
				t.Errorf("Robust = %v, want %v:\n%s", bridge.Robust(fs), tc.robust, strings.Join(all, "\n"))
			}
			joined := strings.Join(all, "\n")
			for _, w := range tc.texts {
				if !strings.Contains(joined, w) {
					t.Errorf("no finding says %q:\n%s", w, joined)
				}
			}
		})
	}
}

// TestRobust: a verdict is robust only with an agreement and nothing else.
func TestRobust(t *testing.T) {
	a, d, n := bridge.Finding{Kind: bridge.Agree}, bridge.Finding{Kind: bridge.Disagree}, bridge.Finding{Kind: bridge.NotCompared}
	for _, tc := range []struct {
		fs   []bridge.Finding
		want bool
	}{
		{nil, false},
		{[]bridge.Finding{a}, true},
		{[]bridge.Finding{a, a}, true},
		{[]bridge.Finding{a, d}, false},
		{[]bridge.Finding{d, a}, false},
		{[]bridge.Finding{a, n}, false},
		{[]bridge.Finding{n}, false},
	} {
		if got := bridge.Robust(tc.fs); got != tc.want {
			t.Errorf("Robust(%v) = %v, want %v", tc.fs, got, tc.want)
		}
	}
}
