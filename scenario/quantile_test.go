package scenario

import (
	"math"
	"sort"
	"testing"
)

// Dist.Quantile inverts the distribution that Dist.Sample draws from: at
// each probability p the share of 20,000 samples at or below Quantile(p) is
// p within the Kolmogorov–Smirnov 1% bound (1.63/sqrt(n) ≈ 0.0115). Every
// kind in distKinds has a case, so a new kind without a quantile fails here.
func TestQuantileInvertsSample(t *testing.T) {
	dists := map[string]Dist{
		"uniform":    {Kind: "uniform", Min: -2, Max: 3},
		"triangular": {Kind: "triangular", Min: 0.1, Mode: 0.3, Max: 1},
		"normal":     {Kind: "normal", Mean: 1, SD: 2},
		"lognormal":  {Kind: "lognormal", Mu: 0.5, Sigma: 0.7},
		"beta":       {Kind: "beta", A: 2, B: 18},
		"pert":       {Kind: "pert", Min: 0.05, Mode: 0.2, Max: 0.6, Lambda: 4},
		"choice":     {Kind: "choice", Values: []float64{3, 1, 2}, Weights: []float64{0.2, 0.5, 0.3}},
	}
	truncated := Dist{Kind: "normal", Mean: 0, SD: 1, Min: -0.5, Max: 2, HasMin: true, HasMax: true}
	const n = 20000
	check := func(name string, d Dist) {
		rng := DrawRNG(7, len(name))
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = d.Sample(rng)
		}
		sort.Float64s(xs)
		prev := math.Inf(-1)
		for _, p := range []float64{0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99} {
			q := d.Quantile(p)
			if math.IsNaN(q) || q < prev {
				t.Fatalf("%s: Quantile(%v) = %v after %v", name, p, q, prev)
			}
			prev = q
			atOrBelow := float64(sort.Search(n, func(i int) bool { return xs[i] > q })) / n
			below := float64(sort.Search(n, func(i int) bool { return xs[i] >= q })) / n
			if atOrBelow < p-0.0115 || below > p+0.0115 {
				t.Errorf("%s: Quantile(%v) = %v, but %.4f of samples are below it and %.4f at or below", name, p, q, below, atOrBelow)
			}
		}
	}
	for _, kind := range distKinds {
		d, ok := dists[kind]
		if !ok {
			t.Errorf("no quantile test for distribution kind %q", kind)
			continue
		}
		check(kind, d)
	}
	check("truncated normal", truncated)
}

func TestQuantileEnds(t *testing.T) {
	for _, c := range []struct {
		d      Dist
		lo, hi float64
	}{
		{Dist{Kind: "fixed", Value: 4}, 4, 4},
		{Dist{Kind: "uniform", Min: 1, Max: 1}, 1, 1},
		{Dist{Kind: "uniform", Min: 1, Max: 2}, 1, 2},
		{Dist{Kind: "triangular", Min: 0, Mode: 0, Max: 2}, 0, 2},
		{Dist{Kind: "beta", A: 2, B: 3}, 0, 1},
		{Dist{Kind: "normal", Mean: 0, SD: 1}, math.Inf(-1), math.Inf(1)},
		{Dist{Kind: "normal", Mean: 0, SD: 1, Min: -1, HasMin: true}, -1, math.Inf(1)},
		{Dist{Kind: "choice", Values: []float64{5, -1, 2}, Weights: []float64{1, 0, 1}}, 2, 5},
	} {
		if lo, hi := c.d.Quantile(0), c.d.Quantile(1); lo != c.lo || hi != c.hi {
			t.Errorf("%+v: Quantile(0), Quantile(1) = %v, %v; want %v, %v", c.d, lo, hi, c.lo, c.hi)
		}
	}
	for _, u := range []float64{-0.1, 1.1, math.NaN()} {
		if q := (Dist{Kind: "uniform", Min: 0, Max: 1}).Quantile(u); !math.IsNaN(q) {
			t.Errorf("Quantile(%v) = %v, want NaN", u, q)
		}
	}
}
