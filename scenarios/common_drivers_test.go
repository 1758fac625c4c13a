package scenarios_test

import (
	"math"
	"slices"
	"sort"
	"testing"

	"github.com/truce-dev/truce/scenario"
	"gonum.org/v1/gonum/stat"
)

// TestCommonDrivers: the correlations the file builds from a common driver
// (war_scale) hold over the draws as its comments state, while every
// drawn parameter stays independent (no `correlations:`), so that Sobol and
// Morris indices are defined.
func TestCommonDrivers(t *testing.T) {
	sc := parse(t)
	if len(sc.Correlations) != 0 {
		t.Fatalf("the file has correlations between drawn parameters; Sobol and Morris need independent inputs")
	}
	const n = 4000
	pick := map[string][]float64{}
	drawn := map[string]int{}
	for i, p := range sc.Parameters {
		drawn[p.Name] = i
	}
	derived := map[string]int{}
	for i, d := range sc.Derived {
		derived[d.Name] = i
	}
	for _, name := range []string{"p_war_clash", "p_war_escalate", "war_cost_us", "attack_damage_us"} {
		if _, ok := derived[name]; !ok {
			t.Fatalf("%s is not derived from the common driver", name)
		}
	}
	for i := range n {
		d := sc.DrawAt(scenario.DefaultSeed, i)
		dv, err := sc.DerivedValues(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"p_war_clash", "p_war_escalate", "war_cost_us", "attack_damage_us"} {
			pick[name] = append(pick[name], dv[derived[name]])
		}
		for _, name := range []string{"war_scale", "p_war_clash_own", "war_cost_us_own"} {
			pick[name] = append(pick[name], d.Values[drawn[name]])
		}
	}
	// The rank correlations the file states (about 0.4 and 0.3); with
	// 4000 draws their sampling error is about 0.015.
	for _, c := range []struct {
		a, b string
		rho  float64
	}{{"p_war_clash", "war_cost_us", 0.4}, {"p_war_escalate", "attack_damage_us", 0.3}, {"p_war_clash", "p_war_escalate", 0.3}} {
		if r := spearman(pick[c.a], pick[c.b]); math.Abs(r-c.rho) > 0.05 {
			t.Errorf("rank correlation of %s and %s is %.3f; the file states about %.1f", c.a, c.b, r, c.rho)
		}
	}
	// The inputs stay independent: the driver and the own parts.
	if r := spearman(pick["war_scale"], pick["p_war_clash_own"]); math.Abs(r) > 0.05 {
		t.Errorf("drawn parameters war_scale and p_war_clash_own are correlated (%.3f)", r)
	}
	// The marginals span about the ranges the sources give (5% and 95%
	// quantiles inside the former min and max).
	for _, c := range []struct {
		name   string
		lo, hi float64
	}{{"p_war_clash", 0.05, 0.5}, {"p_war_escalate", 0.01, 0.25}, {"war_cost_us", 20, 200}, {"attack_damage_us", 0.5, 5}} {
		x := slices.Clone(pick[c.name])
		sort.Float64s(x)
		q5, q95 := x[n/20], x[n-n/20]
		if q5 < c.lo || q95 > c.hi {
			t.Errorf("%s: 5–95%% of the draws span %.3g–%.3g, outside the sourced range %g–%g", c.name, q5, q95, c.lo, c.hi)
		}
	}
}

// spearman is the rank correlation of x and y (no ties in continuous draws).
func spearman(x, y []float64) float64 {
	return stat.Correlation(ranks(x), ranks(y), nil)
}

func ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	r := make([]float64, len(x))
	for k, i := range idx {
		r[i] = float64(k)
	}
	return r
}
