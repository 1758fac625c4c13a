package nash

import (
	"context"
	"math"
	"testing"

	"github.com/truce-dev/truce/game/gen"
)

func TestTreeLPZeroSum(t *testing.T) {
	kuhn := gen.Kuhn()
	res, err := TreeLP(context.Background(), kuhn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v := res.Stats["value"]; math.Abs(v+1.0/18) > 1e-9 {
		t.Errorf("Kuhn value %g, want -1/18", v)
	}
	if r := res.Equilibria[0].Regret; r > 1e-9 {
		t.Errorf("Kuhn regret %g", r)
	}
	leduc := gen.Leduc()
	res, err = TreeLP(context.Background(), leduc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Equilibria[0].Regret; r > 1e-9 {
		t.Errorf("Leduc regret %g", r)
	}
	t.Logf("Leduc value %.6f", res.Stats["value"])
	n := 0
	for _, c := range treeRefCases(t, "lcp") {
		if len(c.ne) == 0 {
			continue
		}
		tr := treeLoad(t, c.efg)
		if !treeZeroSum(tr) {
			continue
		}
		res, err := TreeLP(context.Background(), tr, Options{})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		eq := res.Equilibria[0]
		if eq.Regret > 1e-9 {
			t.Errorf("%s: regret %g", c.name, eq.Regret)
		}
		// every equilibrium of a zero-sum game has the same value
		lcp, err := TreeLCP(context.Background(), tr, Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := tr.Payoffs(lcp.Equilibria[0].Profile)[0]
		if got := res.Stats["value"]; math.Abs(got-want) > 1e-9 {
			t.Errorf("%s: value %g, lcp's equilibrium pays %g", c.name, got, want)
		}
		n++
	}
	t.Logf("%d zero-sum reference trees", n)
}
