package scenario

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// Dist is a parameter's distribution. Kind is "fixed", "uniform",
// "triangular", "normal" (optionally truncated to [Min, Max]), "lognormal",
// "beta", "pert" or "choice"; the other fields are the ones that kind uses.
type Dist struct {
	Kind            string
	Value           float64 // fixed
	Min, Max, Mode  float64 // uniform, triangular, truncated normal, pert
	HasMin, HasMax  bool    // normal: truncation bounds given
	Mean, SD        float64 // normal
	Mu, Sigma       float64 // lognormal (of the underlying normal)
	A, B            float64 // beta
	Values, Weights []float64
	// Lambda is a pert's weight on the mode (4 unless given). A pert
	// written with two quantiles instead of min and max has Fitted set:
	// its quantile PLo is Low and its quantile PHi is High, and Min and
	// Max are the support fitted to them (see FitPert).
	Lambda              float64
	Fitted              bool
	PLo, Low, PHi, High float64
}

var distKinds = []string{"uniform", "triangular", "normal", "lognormal", "beta", "pert", "choice"}

// distKeys are the fields each kind requires and allows (a switch, not a
// map: nothing is built at start).
func distKeys(kind string) (need, allow []string, known bool) {
	switch kind {
	case "uniform":
		return []string{"min", "max"}, nil, true
	case "triangular":
		return []string{"min", "mode", "max"}, nil, true
	case "normal":
		return []string{"mean", "sd"}, []string{"min", "max"}, true
	case "lognormal":
		return []string{"mu", "sigma"}, nil, true
	case "beta":
		return []string{"a", "b"}, nil, true
	case "pert":
		return []string{"mode"}, []string{"min", "max", "lambda"}, true
	case "choice":
		return []string{"values"}, []string{"weights"}, true
	}
	return nil, nil, false
}

func (c *compiler) parseDist(p kv) (Dist, Info, bool) {
	if _, kind := scalarText(p.val); kind == "int" || kind == "float" {
		v, ok := c.constNum(p.val, "parameter "+p.key, p.kpos)
		if ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
			c.d.errorf(posOf(p.val), "", "parameter %s must be finite", p.key)
			ok = false
		}
		return Dist{Kind: "fixed", Value: v}, Info{}, ok
	}
	kvs, ok := c.mapping(p.val, "parameter "+p.key, p.kpos)
	if !ok {
		c.d.list[len(c.d.list)-1].Hint = "write a number, or a distribution such as {dist: uniform, min: 0, max: 1}"
		return Dist{}, Info{}, false
	}
	info := c.info(kvs)
	get := map[string]kv{}
	for _, f := range kvs {
		get[f.key] = f
	}
	if v, ok := get["value"]; ok {
		c.checkKeys(kvs, "parameter "+p.key, withInfo("value")...)
		x, ok := c.constNum(v.val, "value", v.kpos)
		return Dist{Kind: "fixed", Value: x}, info, ok && !math.IsNaN(x) && !math.IsInf(x, 0)
	}
	dk, ok := get["dist"]
	if !ok {
		c.d.errorf(p.kpos, "add dist: uniform (or triangular, normal, lognormal, beta, choice), or value: NUMBER", "parameter %s has neither `value` nor `dist`", p.key)
		return Dist{}, info, false
	}
	kind, kp, ok := c.name(dk.val, "dist", dk.kpos)
	if !ok {
		return Dist{}, info, false
	}
	need, allow, known := distKeys(kind)
	if !known {
		c.d.errorf(kp, suggest(kind, distKinds), "unknown distribution %q", kind)
		return Dist{}, info, false
	}
	allowed := withInfo(append(append([]string{"dist"}, need...), allow...)...)
	if kind == "pert" {
		for _, f := range kvs {
			if _, ok := percentKey(f.key); ok {
				allowed = append(allowed, f.key)
			}
		}
	}
	c.checkKeys(kvs, "parameter "+p.key, allowed...)
	nerr := len(c.d.list)
	for _, k := range need {
		if _, ok := get[k]; !ok {
			c.d.errorf(p.kpos, fmt.Sprintf("%s needs %v", kind, need), "parameter %s: missing %q", p.key, k)
		}
	}
	if len(c.d.list) > nerr {
		return Dist{}, info, false
	}
	num := func(k string) float64 {
		f := get[k]
		v, ok := c.constNum(f.val, k, f.kpos)
		if ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
			c.d.errorf(posOf(f.val), "", "%s must be finite", k)
		}
		return v
	}
	d := Dist{Kind: kind}
	bad := func(k, format string, args ...any) {
		c.d.errorf(posOf(get[k].val), "", "parameter %s: "+format, append([]any{p.key}, args...)...)
	}
	switch kind {
	case "uniform":
		d.Min, d.Max = num("min"), num("max")
		if !(d.Min <= d.Max) {
			bad("max", "max %v below min %v", d.Max, d.Min)
		}
	case "triangular":
		d.Min, d.Mode, d.Max = num("min"), num("mode"), num("max")
		if !(d.Min <= d.Mode && d.Mode <= d.Max && d.Min < d.Max) {
			bad("mode", "need min <= mode <= max and min < max")
		}
	case "normal":
		d.Mean, d.SD = num("mean"), num("sd")
		if !(d.SD > 0) {
			bad("sd", "sd must be positive")
		}
		if _, ok := get["min"]; ok {
			d.Min, d.HasMin = num("min"), true
		}
		if _, ok := get["max"]; ok {
			d.Max, d.HasMax = num("max"), true
		}
		if d.HasMin && d.HasMax && !(d.Min < d.Max) {
			bad("max", "max %v must be above min %v", d.Max, d.Min)
		}
	case "lognormal":
		d.Mu, d.Sigma = num("mu"), num("sigma")
		if !(d.Sigma > 0) {
			bad("sigma", "sigma must be positive")
		}
	case "beta":
		d.A, d.B = num("a"), num("b")
		if !(d.A > 0) {
			bad("a", "a must be positive")
		}
		if !(d.B > 0) {
			bad("b", "b must be positive")
		}
	case "pert":
		c.parsePert(&d, p.key, kvs, get, num, bad)
	case "choice":
		d.Values = c.numList(get["values"], "values")
		if w, ok := get["weights"]; ok {
			d.Weights = c.numList(w, "weights")
			if len(d.Weights) != len(d.Values) {
				bad("weights", "%d weights for %d values", len(d.Weights), len(d.Values))
			} else {
				sum := 0.0
				for _, x := range d.Weights {
					if !(x >= 0) {
						bad("weights", "weights must not be negative")
						break
					}
					sum += x
				}
				if !(sum > 0) {
					bad("weights", "weights must not all be zero")
				}
			}
		}
		if len(d.Values) == 0 {
			bad("values", "choice needs at least one value")
		}
	}
	return d, info, len(c.d.list) == nerr
}

func (c *compiler) numList(e kv, what string) []float64 {
	items, ok := c.sequence(e.val, what)
	if !ok {
		return nil
	}
	out := make([]float64, 0, len(items))
	for _, it := range items {
		v, ok := c.constNum(it, what, posOf(it))
		if ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
			c.d.errorf(posOf(it), "", "%s must be finite", what)
		}
		out = append(out, v)
	}
	return out
}

// Sample draws one value from d using rng.
func (d Dist) Sample(rng *rand.Rand) float64 {
	switch d.Kind {
	case "fixed":
		return d.Value
	case "uniform":
		return d.Min + (d.Max-d.Min)*rng.Float64()
	case "triangular":
		return distuv.NewTriangle(d.Min, d.Max, d.Mode, rng).Rand()
	case "normal":
		if !d.HasMin && !d.HasMax {
			return d.Mean + d.SD*rng.NormFloat64()
		}
		// Truncation by inverse CDF: one uniform per sample, no rejection
		// loop, so a far-off interval cannot stall sampling.
		n := distuv.Normal{Mu: d.Mean, Sigma: d.SD}
		lo, hi := 0.0, 1.0
		if d.HasMin {
			lo = n.CDF(d.Min)
		}
		if d.HasMax {
			hi = n.CDF(d.Max)
		}
		x := n.Quantile(lo + (hi-lo)*rng.Float64())
		return d.clip(x)
	case "lognormal":
		return math.Exp(d.Mu + d.Sigma*rng.NormFloat64())
	case "beta":
		return distuv.Beta{Alpha: d.A, Beta: d.B, Src: rng}.Rand()
	case "pert":
		b := pertBeta(d.Mode, d.Min, d.Max, d.Lambda)
		b.Src = rng
		return d.Min + (d.Max-d.Min)*b.Rand()
	case "choice":
		if len(d.Weights) == 0 {
			return d.Values[rng.IntN(len(d.Values))]
		}
		sum := 0.0
		for _, w := range d.Weights {
			sum += w
		}
		u := rng.Float64() * sum
		for i, w := range d.Weights {
			if u < w {
				return d.Values[i]
			}
			u -= w
		}
		return d.Values[len(d.Values)-1]
	}
	return math.NaN()
}

func (d Dist) clip(x float64) float64 {
	if d.HasMin && (x < d.Min || math.IsNaN(x)) {
		x = d.Min
	}
	if d.HasMax && x > d.Max {
		x = d.Max
	}
	return x
}

// Central is the value used for single-point runs (simulate): the
// distribution's mean, except for a truncated normal (its mean parameter
// clipped to the bounds) and choice (the most likely value, first on ties),
// so that a choice parameter keeps one of its values.
func (d Dist) Central() float64 {
	switch d.Kind {
	case "fixed":
		return d.Value
	case "uniform":
		return (d.Min + d.Max) / 2
	case "triangular":
		return (d.Min + d.Mode + d.Max) / 3
	case "normal":
		return d.clip(d.Mean)
	case "lognormal":
		return math.Exp(d.Mu + d.Sigma*d.Sigma/2)
	case "beta":
		return d.A / (d.A + d.B)
	case "pert":
		return (d.Min + d.Lambda*d.Mode + d.Max) / (d.Lambda + 2)
	case "choice":
		best := 0
		for i := range d.Values {
			if len(d.Weights) > 0 && d.Weights[i] > d.Weights[best] {
				best = i
			}
		}
		return d.Values[best]
	}
	return math.NaN()
}

// Bounds are the extremes validation tries: the support for uniform,
// triangular and choice (and a normal's truncation bounds), the 0.1% and
// 99.9% quantiles otherwise (normal, lognormal, beta), since a value beyond
// those has practically no weight.
func (d Dist) Bounds() (lo, hi float64) {
	switch d.Kind {
	case "fixed":
		return d.Value, d.Value
	case "uniform", "triangular", "pert":
		return d.Min, d.Max
	case "normal":
		n := distuv.Normal{Mu: d.Mean, Sigma: d.SD}
		lo, hi = n.Quantile(0.001), n.Quantile(0.999)
		if d.HasMin {
			lo = math.Max(lo, d.Min)
			if d.Min > hi {
				hi = d.Min
			}
		}
		if d.HasMax {
			hi = math.Min(hi, d.Max)
			if d.Max < lo {
				lo = d.Max
			}
		}
		return lo, hi
	case "lognormal":
		n := distuv.Normal{Mu: d.Mu, Sigma: d.Sigma}
		return math.Exp(n.Quantile(0.001)), math.Exp(n.Quantile(0.999))
	case "beta":
		b := distuv.Beta{Alpha: d.A, Beta: d.B}
		return b.Quantile(0.001), b.Quantile(0.999)
	case "choice":
		lo, hi = d.Values[0], d.Values[0]
		for i, v := range d.Values {
			if len(d.Weights) > 0 && d.Weights[i] == 0 {
				continue
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		return lo, hi
	}
	return math.NaN(), math.NaN()
}

// Quantile is the inverse of the distribution function at probability u in
// [0, 1]: the smallest x with P(X <= x) >= u. A design on the unit cube
// (global sensitivity) maps through it to parameter values with exactly
// the declared marginal. A choice takes its values in increasing order, so
// the quantile is monotone. u outside [0, 1] or NaN gives NaN; the ends of
// an unbounded distribution are ±Inf.
func (d Dist) Quantile(u float64) float64 {
	if !(u >= 0 && u <= 1) {
		return math.NaN()
	}
	switch d.Kind {
	case "fixed":
		return d.Value
	case "uniform":
		return d.Min + (d.Max-d.Min)*u
	case "triangular":
		return distuv.NewTriangle(d.Min, d.Max, d.Mode, nil).Quantile(u)
	case "normal":
		n := distuv.Normal{Mu: d.Mean, Sigma: d.SD}
		if !d.HasMin && !d.HasMax {
			return n.Quantile(u)
		}
		lo, hi := 0.0, 1.0
		if d.HasMin {
			lo = n.CDF(d.Min)
		}
		if d.HasMax {
			hi = n.CDF(d.Max)
		}
		return d.clip(n.Quantile(lo + (hi-lo)*u))
	case "lognormal":
		return math.Exp(distuv.Normal{Mu: d.Mu, Sigma: d.Sigma}.Quantile(u))
	case "beta":
		return distuv.Beta{Alpha: d.A, Beta: d.B}.Quantile(u)
	case "pert":
		return d.Min + (d.Max-d.Min)*pertBeta(d.Mode, d.Min, d.Max, d.Lambda).Quantile(u)
	case "choice":
		idx := make([]int, len(d.Values))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return d.Values[idx[a]] < d.Values[idx[b]] })
		w := func(i int) float64 {
			if len(d.Weights) == 0 {
				return 1
			}
			return d.Weights[i]
		}
		sum := 0.0
		for i := range d.Values {
			sum += w(i)
		}
		acc, last := 0.0, idx[len(idx)-1]
		for _, i := range idx {
			if w(i) == 0 {
				continue
			}
			acc += w(i)
			last = i
			if acc >= u*sum {
				return d.Values[i]
			}
		}
		return d.Values[last]
	}
	return math.NaN()
}
