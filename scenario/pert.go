package scenario

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"
)

// A pert distribution is a beta distribution rescaled to [min, max] whose
// mode is the expert's most likely value: with w = max - min,
// α = 1 + λ(mode - min)/w and β = 1 + λ(max - mode)/w (λ = 4 by default, the
// classic PERT weighting; mean (min + λ·mode + max)/(λ + 2)). Experts often
// give a most likely value and a range they are, say, 80% sure of rather
// than absolute bounds; {dist: pert, mode: 0.2, p10: 0.1, p90: 0.4} is the
// pert with that mode whose 10% and 90% quantiles are 0.1 and 0.4, its min
// and max fitted (FitPert), as @Risk's PertAlt does.

// percentKey reads a quantile key pNN (p1 ... p99; p5 and p05 alike) as a
// probability.
func percentKey(k string) (float64, bool) {
	if len(k) < 2 || k[0] != 'p' {
		return 0, false
	}
	n, err := strconv.Atoi(k[1:])
	if err != nil || n < 1 || n > 99 || strings.ContainsAny(k[1:], "+-_") {
		return 0, false
	}
	return float64(n) / 100, true
}

func (c *compiler) parsePert(d *Dist, name string, kvs []kv, get map[string]kv, num func(string) float64, bad func(k, format string, args ...any)) {
	d.Mode, d.Lambda = num("mode"), 4
	if _, ok := get["lambda"]; ok {
		d.Lambda = num("lambda")
		if !(d.Lambda > 0) {
			bad("lambda", "lambda must be positive")
			return
		}
	}
	var qs []kv
	for _, f := range kvs {
		if _, ok := percentKey(f.key); ok {
			qs = append(qs, f)
		}
	}
	_, hasMin := get["min"]
	_, hasMax := get["max"]
	hint := "write min and max, or two quantiles such as p10: LOW, p90: HIGH"
	switch {
	case len(qs) == 0 && hasMin && hasMax:
		d.Min, d.Max = num("min"), num("max")
		if !(d.Min <= d.Mode && d.Mode <= d.Max && d.Min < d.Max) {
			bad("mode", "need min <= mode <= max and min < max")
		}
	case len(qs) == 2 && !hasMin && !hasMax:
		lo, hi := qs[0], qs[1]
		plo, _ := percentKey(lo.key)
		phi, _ := percentKey(hi.key)
		if plo > phi {
			lo, hi, plo, phi = hi, lo, phi, plo
		}
		if plo == phi {
			c.d.errorf(hi.kpos, hint, "parameter %s: two quantiles at the same level %s", name, hi.key)
			return
		}
		d.Fitted, d.PLo, d.PHi = true, plo, phi
		d.Low, d.High = num(lo.key), num(hi.key)
		if !(d.Low < d.Mode && d.Mode < d.High) {
			c.d.errorf(posOf(get["mode"].val), "the most likely value lies between the low and the high quantile",
				"parameter %s: need %s < mode < %s (%v < %v < %v)", name, lo.key, hi.key, d.Low, d.Mode, d.High)
			return
		}
		d.Min, d.Max = FitPert(d.Mode, d.PLo, d.Low, d.PHi, d.High, d.Lambda)
	default:
		c.d.errorf(get["dist"].kpos, hint, "parameter %s: pert needs min and max, or two quantiles (pNN keys), not both", name)
	}
}

// pertBeta is the beta distribution on [0, 1] behind a pert on [min, max].
func pertBeta(mode, min, max, lambda float64) distuv.Beta {
	s := (mode - min) / (max - min)
	return distuv.Beta{Alpha: 1 + lambda*s, Beta: 1 + lambda*(1-s)}
}

// FitPert returns the support [min, max] of the pert with the given mode and
// weight lambda whose quantile pLo is low and quantile pHi is high
// (pLo < pHi, low < mode < high).
//
// With w = max - min and s = (mode - min)/w, the quantile at p is
// mode + w·(q_p(s) - s), q_p(s) the p-quantile of Beta(1+λs, 1+λ(1-s)).
// Eliminating w leaves one equation in s:
//
//	f(s) = (mode - low)·(q_hi(s) - s) - (high - mode)·(s - q_lo(s)) = 0.
//
// At s = 0 both quantiles lie above s, so f > 0; at s = 1 both lie below,
// so f < 0: bisection on [0, 1] finds a root, at which both brackets are
// positive (q_lo < q_hi), and w = (high - mode)/(q_hi(s) - s).
func FitPert(mode, pLo, low, pHi, high, lambda float64) (min, max float64) {
	q := func(s, p float64) float64 {
		return distuv.Beta{Alpha: 1 + lambda*s, Beta: 1 + lambda*(1-s)}.Quantile(p)
	}
	f := func(s float64) float64 {
		return (mode-low)*(q(s, pHi)-s) - (high-mode)*(s-q(s, pLo))
	}
	a, b := 0.0, 1.0
	for i := 0; i < 200 && b-a > 1e-15; i++ {
		m := (a + b) / 2
		if f(m) > 0 {
			a = m
		} else {
			b = m
		}
	}
	s := (a + b) / 2
	w := (high - mode) / (q(s, pHi) - s)
	min = mode - s*w
	return min, min + w
}

// String describes d as the file would, e.g. "pert(min 0.05, mode 0.2,
// max 0.6; fitted to p10 0.1, p90 0.4)".
func (d Dist) String() string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }
	switch d.Kind {
	case "fixed":
		return f(d.Value)
	case "uniform":
		return fmt.Sprintf("uniform(%s, %s)", f(d.Min), f(d.Max))
	case "triangular":
		return fmt.Sprintf("triangular(%s, %s, %s)", f(d.Min), f(d.Mode), f(d.Max))
	case "normal":
		s := fmt.Sprintf("normal(%s, %s)", f(d.Mean), f(d.SD))
		if d.HasMin || d.HasMax {
			lo, hi := "-inf", "inf"
			if d.HasMin {
				lo = f(d.Min)
			}
			if d.HasMax {
				hi = f(d.Max)
			}
			s += fmt.Sprintf(" in [%s, %s]", lo, hi)
		}
		return s
	case "lognormal":
		return fmt.Sprintf("lognormal(%s, %s)", f(d.Mu), f(d.Sigma))
	case "beta":
		return fmt.Sprintf("beta(%s, %s)", f(d.A), f(d.B))
	case "pert":
		s := fmt.Sprintf("pert(min %s, mode %s, max %s", f(d.Min), f(d.Mode), f(d.Max))
		if d.Lambda != 4 {
			s += ", lambda " + f(d.Lambda)
		}
		if d.Fitted {
			s += fmt.Sprintf("; fitted to p%d %s, p%d %s", int(math.Round(d.PLo*100)), f(d.Low), int(math.Round(d.PHi*100)), f(d.High))
		}
		return s + ")"
	case "choice":
		var vs []string
		for _, v := range d.Values {
			vs = append(vs, f(v))
		}
		return "choice(" + strings.Join(vs, ", ") + ")"
	}
	return d.Kind
}
