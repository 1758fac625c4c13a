package scenario

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
)

// TestLogPDFIntegratesToOne: every continuous kind's density integrates to
// 1 over its support (truncated normal included), and choice's
// probabilities sum to 1; the density integrates between the 20% and 70%
// quantiles (Dist.Quantile, computed independently) to 0.5.
func TestLogPDFIntegratesToOne(t *testing.T) {
	for _, d := range []Dist{
		{Kind: "uniform", Min: -1, Max: 3},
		{Kind: "triangular", Min: 0.1, Mode: 0.3, Max: 1},
		{Kind: "normal", Mean: 1, SD: 2},
		{Kind: "normal", Mean: 0.2, SD: 0.3, Min: 0, Max: 1, HasMin: true, HasMax: true},
		{Kind: "normal", Mean: 5, SD: 1, Min: 4, HasMin: true},
		{Kind: "lognormal", Mu: 0.5, Sigma: 0.4},
		{Kind: "beta", A: 2, B: 5},
		{Kind: "beta", A: 4, B: 4},
	} {
		lo, hi := d.Bounds()
		w := hi - lo
		lo, hi = lo-w, hi+w
		if d.Kind == "beta" {
			lo, hi = 0, 1
		}
		got := quad.Fixed(func(x float64) float64 { return math.Exp(d.LogPDF(x)) }, lo, hi, 2000, nil, 0)
		if math.Abs(got-1) > 2e-3 {
			t.Errorf("%+v: density integrates to %v", d, got)
		}
		a, b := d.Quantile(0.2), d.Quantile(0.7)
		mid := quad.Fixed(func(x float64) float64 { return math.Exp(d.LogPDF(x)) }, a, b, 2000, nil, 0)
		if math.Abs(mid-0.5) > 1e-3 {
			t.Errorf("%+v: density between the 20%% and 70%% quantiles integrates to %v", d, mid)
		}
		if !d.Continuous() {
			t.Errorf("%s is not reported continuous", d.Kind)
		}
	}
	c := Dist{Kind: "choice", Values: []float64{1, 2, 2, 5}, Weights: []float64{1, 1, 2, 0}}
	if got := math.Exp(c.LogPDF(2)); math.Abs(got-0.75) > 1e-15 {
		t.Errorf("choice P(2) = %v, want 0.75", got)
	}
	if !math.IsInf(c.LogPDF(5), -1) || !math.IsInf(c.LogPDF(3), -1) {
		t.Error("choice gives weight to a value with weight 0 or not listed")
	}
	if c.Continuous() || (Dist{Kind: "uniform", Min: 1, Max: 1}).Continuous() {
		t.Error("choice or a degenerate uniform reported continuous")
	}
	for _, d := range []Dist{{Kind: "uniform", Min: 0, Max: 1}, {Kind: "beta", A: 2, B: 2}, {Kind: "lognormal", Mu: 0, Sigma: 1}} {
		if !math.IsInf(d.LogPDF(-0.5), -1) {
			t.Errorf("%s: density below the support", d.Kind)
		}
	}
	if !math.IsNaN((Dist{Kind: "unheard-of"}).LogPDF(1)) {
		t.Error("unknown kind must give NaN")
	}
}

// TestCDFInvertsQuantile: CDF(Quantile(u)) = u for every continuous kind.
func TestCDFInvertsQuantile(t *testing.T) {
	for _, d := range []Dist{
		{Kind: "uniform", Min: -1, Max: 3},
		{Kind: "triangular", Min: 0.1, Mode: 0.3, Max: 1},
		{Kind: "normal", Mean: 1, SD: 2},
		{Kind: "normal", Mean: 0.2, SD: 0.3, Min: 0, Max: 1, HasMin: true, HasMax: true},
		{Kind: "lognormal", Mu: 0.5, Sigma: 0.4},
		{Kind: "beta", A: 2, B: 5},
		{Kind: "pert", Min: 1, Mode: 2, Max: 6, Lambda: 4},
	} {
		for _, u := range []float64{0.01, 0.2, 0.5, 0.77, 0.99} {
			if got := d.CDF(d.Quantile(u)); math.Abs(got-u) > 1e-9 {
				t.Errorf("%s: CDF(Quantile(%v)) = %v", d.Kind, u, got)
			}
		}
	}
	c := Dist{Kind: "choice", Values: []float64{1, 2, 5}, Weights: []float64{1, 2, 1}}
	if c.CDF(0.5) != 0 || c.CDF(2) != 0.75 || c.CDF(5) != 1 {
		t.Errorf("choice CDF %v %v %v", c.CDF(0.5), c.CDF(2), c.CDF(5))
	}
}

// TestPriorWithCopula: the joint density of two correlated uniforms
// integrates to 1 and gives E[xy] equal to the mean over the scenario's own
// correlated draws.
func TestPriorWithCopula(t *testing.T) {
	src := strings.Replace(base, "  p: {dist: uniform, min: 0.1, max: 0.3}\n",
		"  p: {dist: uniform, min: 0.1, max: 0.3}\n  a: {dist: uniform, min: 0, max: 1}\n  b: {dist: pert, min: 0, mode: 0.3, max: 1}\n", 1) +
		"correlations:\n  - {between: [a, b], rho: 0.6}\n"
	sc, ds := Parse("t.yaml", []byte(src))
	if sc == nil {
		t.Fatal(ds)
	}
	pr, err := sc.NewPrior()
	if err != nil {
		t.Fatal(err)
	}
	ia, ib := 1, 2
	v := sc.Central().Values
	const n = 300
	total, exy := 0.0, 0.0
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			v[ia], v[ib] = (float64(i)+0.5)/n, (float64(j)+0.5)/n
			f := math.Exp(pr.LogPDF(v)-sc.Parameters[0].Dist.LogPDF(v[0])) / (n * n)
			total += f
			exy += f * v[ia] * v[ib]
		}
	}
	if math.Abs(total-1) > 5e-3 {
		t.Errorf("joint density integrates to %v", total)
	}
	m := 0.0
	const draws = 40000
	for i := 0; i < draws; i++ {
		d := sc.DrawAt(9, i)
		m += d.Values[ia] * d.Values[ib] / draws
	}
	if math.Abs(exy-m) > 4e-3 {
		t.Errorf("E[ab] = %v by the density, %v over draws", exy, m)
	}
	// Independence would give E[a]E[b] = 0.5 * 0.4.
	if math.Abs(exy-0.2) < 0.01 {
		t.Errorf("E[ab] = %v: the correlation is not in the density", exy)
	}
}
