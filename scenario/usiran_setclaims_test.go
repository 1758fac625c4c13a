package scenario

import (
	"context"
	"os"
	"strings"
	"testing"
)

// The claims over the equilibrium set of the bundled US–Iran file (E1-E4)
// say so, carry their own draws: (each draw solves the equilibrium, E1, E2
// and E4 search the set, E4 the commitments), are left out by
// --hypothesis-draws none, and E1-E3 evaluate on the file's first two
// draws, where the selected equilibrium, being one of the set, lies
// between the set's smallest and largest chance of war within the year.
func TestUSIranSetClaims(t *testing.T) {
	src, err := os.ReadFile("../scenarios/us-iran-2026.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, ds := Parse("us-iran-2026.yaml", src)
	if sc == nil {
		t.Fatal(ds)
	}
	draws := map[string]int{}
	for _, h := range sc.Hypotheses {
		if !strings.HasPrefix(h.ID, "E") {
			continue
		}
		draws[h.ID] = h.Draws
		if !strings.Contains(h.Claim, "equilibri") || !strings.Contains(h.Claim, "backward induction") {
			t.Errorf("%s: %q says nothing of equilibria or of how they are extended over the clock", h.ID, h.Claim)
		}
		if h.ID != "E3" && !strings.Contains(h.Claim, "not proved complete") {
			t.Errorf("%s: %q does not say the search is not proved complete", h.ID, h.Claim)
		}
	}
	if len(draws) != 4 || draws["E1"] != 20 || draws["E2"] != 20 || draws["E3"] != 20 || draws["E4"] != 20 {
		t.Fatalf("hypotheses and their draws: %v", draws)
	}
	n := len(sc.Hypotheses)
	if skipped := sc.SkipSubsampled(); len(skipped) != 4 || len(sc.Hypotheses) != n-4 {
		t.Fatalf("--hypothesis-draws none skipped %d and kept %d of %d", len(skipped), len(sc.Hypotheses), n)
	}

	// E1-E3 alone (E4's commitment search is tested in equilibrium and
	// by the demo's kept run, cmd/truce TestDemoKeptClaims).
	text, _, _ := strings.Cut(string(src), "  - id: E4\n")
	sc, ds = Parse("us-iran-2026.yaml", []byte(text))
	if sc == nil {
		t.Fatal(ds)
	}
	sc.OnlySubsampled()
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
			if sc.Hypotheses[h].ID != id {
				t.Fatalf("hypothesis %d is %s, want %s", h, sc.Hypotheses[h].ID, id)
			}
			want := map[string]bool{"E1": lo < 0.5, "E2": hi < 0.5, "E3": sel < 0.5}[id]
			if r.holds[h] != want {
				t.Errorf("draw %d: %s holds %v, its figure says %v", d, id, r.holds[h], want)
			}
		}
	}
}
