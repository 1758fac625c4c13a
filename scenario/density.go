package scenario

import (
	"math"

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
	case "triangular", "normal", "lognormal", "beta":
		return true
	case "uniform":
		return d.Min < d.Max
	}
	return false
}
