package scenario

import (
	"context"
	"os"
	"strings"
	"testing"
)

// The claims over the equilibrium set written for the bundled US–Iran file
// (testdata/us-iran-set-claims.txt) parse against it, carry their own
// draws: (E3, the selected equilibrium, is cheap and has none), are left
// out by --hypothesis-draws none, and evaluate on its first two draws,
// where the selected equilibrium, being one of the set, lies between the
// set's smallest and largest chance of war within the year.
func TestUSIranSetClaims(t *testing.T) {
	text, err := os.ReadFile("testdata/us-iran-set-claims.txt")
	if err != nil {
		t.Fatal(err)
	}
	sc := usIranWith(t, string(text))
	draws := map[string]int{}
	for _, h := range sc.Hypotheses {
		draws[h.ID] = h.Draws
		if !strings.Contains(h.Claim, "equilibri") {
			t.Errorf("%s: %q says nothing of equilibria", h.ID, h.Claim)
		}
	}
	if len(draws) != 4 || draws["E1"] != 20 || draws["E2"] != 20 || draws["E3"] != 0 || draws["E4"] != 20 {
		t.Fatalf("hypotheses and their draws: %v", draws)
	}
	if skipped := sc.SkipSubsampled(); len(skipped) != 3 || len(sc.Hypotheses) != 1 || sc.Hypotheses[0].ID != "E3" {
		t.Fatalf("--hypothesis-draws none skipped %d and kept %d", len(skipped), len(sc.Hypotheses))
	}

	// E1-E3 (E4's commitment search is left to docs/solve.md's command).
	i := strings.Index(string(text), "  - id: E4")
	sc = usIranWith(t, string(text)[:i])
	ctx := context.Background()
	run, err := newAnalysisRun(ctx, sc, AnalyzeOptions{Draws: 2, Seed: DefaultSeed, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	idx := map[string]int{}
	for qi, q := range sc.quantities {
		idx[q.key] = qi
	}
	for d := 0; d < 2; d++ {
		r := sc.analyzeDraw(ctx, d, run.opt, run.needed, run.plan, run.qlim, nil)
		if r.err != nil {
			t.Fatal(r.err)
		}
		lo, sel, hi := r.quant[idx[`min_reach("war", 52, "equilibrium")`]], r.quant[idx[`reach("war", 52, "equilibrium")`]], r.quant[idx[`max_reach("war", 52, "equilibrium")`]]
		if !(lo <= sel+1e-12 && sel <= hi+1e-12) || lo < 0 || hi > 1 {
			t.Errorf("draw %d: war within the year %g (selected) outside the set's [%g, %g]", d, sel, lo, hi)
		}
		for h, id := range []string{"E1", "E2", "E3"} {
			want := map[string]bool{"E1": lo < 0.5, "E2": hi < 0.5, "E3": sel < 0.5}[id]
			if r.holds[h] != want {
				t.Errorf("draw %d: %s holds %v, its figure says %v", d, id, r.holds[h], want)
			}
		}
	}
}
