package nash

import (
	"context"
	"math"
	"testing"
	"time"
)

// The agent logit path: wherever it finishes, its end is an equilibrium
// (certificate <= 1e-9); how often it lands on Gambit's gambit-logit end
// (to the 6 digits Gambit prints) is logged — see docs/trees.md.
func TestTreeLogitEndsAtEquilibrium(t *testing.T) {
	match, n, finished := 0, 0, 0
	for _, c := range treeRefCases(t, "logit") {
		if len(c.ne) == 0 {
			continue
		}
		tr := treeLoad(t, c.efg)
		if tr.PerfectRecall() != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		res, err := TreeLogit(ctx, tr, Options{})
		cancel()
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		n++
		eq := res.Equilibria[0]
		if res.Complete {
			finished++
			if eq.Regret > 1e-9 {
				t.Errorf("%s: path finished with certificate %g", c.name, eq.Regret)
			}
		}
		worst, k := 0.0, 0
		for _, row := range eq.Profile {
			for _, v := range row {
				w, _ := c.ne[0][k].Float64()
				worst = math.Max(worst, math.Abs(v-w))
				k++
			}
		}
		if worst < 1e-5 {
			match++
		} else {
			t.Logf("%s: differs from Gambit by %.2g (lambda %.3g, certificate %.2g, finished %v)", c.name, worst, eq.Lambda, eq.Regret, res.Complete)
		}
	}
	if finished == 0 {
		t.Fatal("no logit path finished")
	}
	t.Logf("%d trees, %d paths finished, %d ends match Gambit to 1e-5", n, finished, match)
}
