package nash

import (
	"context"
	"math"
	"testing"

	"github.com/truce-dev/truce/game/gen"
)

func TestCFRPlusKuhn(t *testing.T) {
	tr := gen.Kuhn()
	res, err := CFR(context.Background(), tr, CFROptions{Iterations: 20000, TargetExploitability: 1e-4})
	if err != nil {
		t.Fatal(err)
	}
	expl := res.Stats["exploitability"]
	if expl >= 1e-3 {
		t.Errorf("exploitability %g after %v iterations, want < 1e-3", expl, res.Stats["iterations"])
	}
	if v := res.Stats["value"]; math.Abs(v+1.0/18) > 1e-3 {
		t.Errorf("value %g, want -1/18 = %g", v, -1.0/18)
	}
	if r := res.Equilibria[0].Regret; math.Abs(r-tr.Regret(res.Equilibria[0].Profile)) > 0 || r > 2*expl+1e-12 {
		t.Errorf("certificate %g inconsistent with exploitability %g", r, expl)
	}
	t.Logf("%v iterations, exploitability %g, value %g", res.Stats["iterations"], expl, res.Stats["value"])
}

func TestCFRLeducTrend(t *testing.T) {
	tr := gen.Leduc()
	for _, v := range []CFRVariant{CFRPlus, DiscountedCFR} {
		var checks []float64
		_, err := CFR(context.Background(), tr, CFROptions{Variant: v, Iterations: 256, CheckEvery: 1,
			OnCheck: func(it int, e float64) {
				if it&(it-1) == 0 { // powers of two
					checks = append(checks, e)
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		// exploitability at iterations 1, 2, 4, ..., 256 must fall on a log
		// scale: each doubling lowers it, and overall by a factor of 20.
		for i := 1; i < len(checks); i++ {
			if checks[i] >= checks[i-1] {
				t.Errorf("variant %d: exploitability rose from %g to %g at iteration %d", v, checks[i-1], checks[i], 1<<i)
			}
		}
		if checks[len(checks)-1] > checks[0]/20 {
			t.Errorf("variant %d: exploitability fell only from %g to %g", v, checks[0], checks[len(checks)-1])
		}
		t.Logf("variant %d checkpoints %v", v, checks)
	}
}
