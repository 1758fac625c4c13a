package nash

import (
	"context"
	"testing"
)

func TestTreeLCPMatchesGambit(t *testing.T) {
	match, other := 0, 0
	for _, c := range treeRefCases(t, "lcp") {
		if c.failed && len(c.ne) == 0 {
			continue
		}
		tr := treeLoad(t, c.efg)
		res, err := TreeLCP(context.Background(), tr, Options{Rational: true})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		eq := res.Equilibria[0]
		if eq.Regret > 1e-9 {
			t.Errorf("%s: regret %g", c.name, eq.Regret)
		}
		got := treeFlat(eq.Exact)
		if treeSameRats(got, c.ne[0]) {
			match++
		} else {
			other++
			t.Errorf("%s: got  %s\n want %s", c.name, treeRatsString(got), treeRatsString(c.ne[0]))
		}
	}
	t.Logf("match %d, other %d", match, other)
}
