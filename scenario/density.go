package scenario

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// LogPDF is the log density of the distribution at x (for choice and fixed,
// the log probability of the value): what a Metropolis move of a parameter
// needs (package evidence). Outside the support it is -Inf; for a kind it
// does not know, NaN.
func (d Dist) LogPDF(x float64) float64 {
	if math.IsNaN(x) {
		return math.Inf(-1)
	}
	switch d.Kind {
	case "fixed":
		if x == d.Value {
			return 0
		}
		return math.Inf(-1)
	case "uniform":
		if d.Min == d.Max {
			if x == d.Min {
				return 0
			}
			return math.Inf(-1)
		}
		if x < d.Min || x > d.Max {
			return math.Inf(-1)
		}
		return -math.Log(d.Max - d.Min)
	case "triangular":
		if x < d.Min || x > d.Max {
			return math.Inf(-1)
		}
		return distuv.NewTriangle(d.Min, d.Max, d.Mode, nil).LogProb(x)
	case "normal":
		n := distuv.Normal{Mu: d.Mean, Sigma: d.SD}
		if (d.HasMin && x < d.Min) || (d.HasMax && x > d.Max) {
			return math.Inf(-1)
		}
		lp := n.LogProb(x)
		if d.HasMin || d.HasMax {
			lo, hi := 0.0, 1.0
			if d.HasMin {
				lo = n.CDF(d.Min)
			}
			if d.HasMax {
				hi = n.CDF(d.Max)
			}
			lp -= math.Log(hi - lo)
		}
		return lp
	case "lognormal":
		if !(x > 0) {
			return math.Inf(-1)
		}
		return distuv.LogNormal{Mu: d.Mu, Sigma: d.Sigma}.LogProb(x)
	case "beta":
		if x < 0 || x > 1 {
			return math.Inf(-1)
		}
		return distuv.Beta{Alpha: d.A, Beta: d.B}.LogProb(x)
	case "pert":
		if x < d.Min || x > d.Max || !(d.Min < d.Max) {
			return math.Inf(-1)
		}
		w := d.Max - d.Min
		return pertBeta(d.Mode, d.Min, d.Max, d.Lambda).LogProb((x-d.Min)/w) - math.Log(w)
	case "choice":
		sum, at := 0.0, 0.0
		for i, v := range d.Values {
			w := 1.0
			if len(d.Weights) > 0 {
				w = d.Weights[i]
			}
			sum += w
			if v == x {
				at += w
			}
		}
		if at == 0 {
			return math.Inf(-1)
		}
		return math.Log(at / sum)
	}
	return math.NaN()
}

// Continuous reports whether the distribution has a density (as opposed to
// a fixed value or a choice among values).
func (d Dist) Continuous() bool {
	switch d.Kind {
	case "triangular", "normal", "lognormal", "beta", "pert":
		return true
	case "uniform":
		return d.Min < d.Max
	}
	return false
}

// CDF is the distribution function at x, P(X <= x).
func (d Dist) CDF(x float64) float64 {
	switch d.Kind {
	case "fixed":
		if x >= d.Value {
			return 1
		}
		return 0
	case "uniform":
		if d.Min == d.Max {
			if x >= d.Min {
				return 1
			}
			return 0
		}
		return math.Min(1, math.Max(0, (x-d.Min)/(d.Max-d.Min)))
	case "triangular":
		if x <= d.Min {
			return 0
		}
		if x >= d.Max {
			return 1
		}
		return distuv.NewTriangle(d.Min, d.Max, d.Mode, nil).CDF(x)
	case "normal":
		n := distuv.Normal{Mu: d.Mean, Sigma: d.SD}
		lo, hi := 0.0, 1.0
		if d.HasMin {
			lo = n.CDF(d.Min)
		}
		if d.HasMax {
			hi = n.CDF(d.Max)
		}
		return math.Min(1, math.Max(0, (n.CDF(x)-lo)/(hi-lo)))
	case "lognormal":
		if !(x > 0) {
			return 0
		}
		return distuv.LogNormal{Mu: d.Mu, Sigma: d.Sigma}.CDF(x)
	case "beta":
		return distuv.Beta{Alpha: d.A, Beta: d.B}.CDF(math.Min(1, math.Max(0, x)))
	case "pert":
		if x <= d.Min {
			return 0
		}
		if x >= d.Max {
			return 1
		}
		return pertBeta(d.Mode, d.Min, d.Max, d.Lambda).CDF((x - d.Min) / (d.Max - d.Min))
	case "choice":
		sum, below := 0.0, 0.0
		for i, v := range d.Values {
			w := 1.0
			if len(d.Weights) > 0 {
				w = d.Weights[i]
			}
			sum += w
			if v <= x {
				below += w
			}
		}
		return below / sum
	}
	return math.NaN()
}

// Prior is the joint prior density of a scenario's drawn parameters: the
// product of their marginals, times the Gaussian copula's density when
// some are correlated.
type Prior struct {
	ps []Parameter
	// copula members, the inverse of their normals' correlation matrix
	// minus the identity, and half the log of its determinant.
	members    []int
	rinvMI     [][]float64
	halfLogDet float64
}

// NewPrior prepares the joint prior density of sc's parameters. It fails
// when correlations make it undefined: a correlated choice parameter, or
// correlations so strong that the copula is degenerate.
func (sc *Scenario) NewPrior() (*Prior, error) {
	pr := &Prior{ps: sc.Parameters}
	if len(sc.Correlations) == 0 {
		return pr, nil
	}
	slot := map[int]int{}
	for _, c := range sc.Correlations {
		for _, p := range []int{c.A, c.B} {
			if _, ok := slot[p]; !ok {
				slot[p] = -1
			}
		}
	}
	for p := range sc.Parameters {
		if _, ok := slot[p]; ok {
			if !sc.Parameters[p].Dist.Continuous() {
				return nil, fmt.Errorf("parameter %s is correlated but has no density (%s): the joint prior has none either", sc.Parameters[p].Name, sc.Parameters[p].Dist.Kind)
			}
			slot[p] = len(pr.members)
			pr.members = append(pr.members, p)
		}
	}
	n := len(pr.members)
	r := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		r.SetSym(i, i, 1)
	}
	for _, c := range sc.Correlations {
		r.SetSym(slot[c.A], slot[c.B], 2*math.Sin(math.Pi*c.Rho/6))
	}
	var ch mat.Cholesky
	if !ch.Factorize(r) {
		return nil, fmt.Errorf("the correlations are too strong for a joint density (the copula's correlation matrix is singular)")
	}
	pr.halfLogDet = ch.LogDet() / 2
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		return nil, fmt.Errorf("inverting the copula's correlation matrix: %w", err)
	}
	pr.rinvMI = make([][]float64, n)
	for i := 0; i < n; i++ {
		pr.rinvMI[i] = make([]float64, n)
		for j := 0; j < n; j++ {
			pr.rinvMI[i][j] = inv.At(i, j)
			if i == j {
				pr.rinvMI[i][j]--
			}
		}
	}
	return pr, nil
}

// LogPDF is the log joint prior density at values (one per parameter,
// fixed ones included): -Inf outside the support, NaN when a parameter's
// kind has no density.
func (pr *Prior) LogPDF(values []float64) float64 {
	lp := 0.0
	for j, p := range pr.ps {
		if p.Dist.Kind == "fixed" {
			continue
		}
		lp += p.Dist.LogPDF(values[j])
	}
	if len(pr.members) == 0 || math.IsInf(lp, -1) || math.IsNaN(lp) {
		return lp
	}
	z := make([]float64, len(pr.members))
	for i, p := range pr.members {
		u := pr.ps[p].Dist.CDF(values[p])
		z[i] = distuv.UnitNormal.Quantile(math.Min(math.Max(u, 1e-300), 1-0x1p-53))
	}
	q := 0.0
	for i := range z {
		for j := range z {
			q += z[i] * pr.rinvMI[i][j] * z[j]
		}
	}
	return lp - q/2 - pr.halfLogDet
}
