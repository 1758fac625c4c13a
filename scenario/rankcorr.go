package scenario

import (
	"math"
	"sort"
)

// RankCorrelations are Spearman's rank correlations between each drawn
// parameter and each output of an analysis, computed from the draws
// Analyze makes anyway: the outputs are every quantity the hypotheses read
// and each hypothesis as 1 (holds) or 0. A correlation near ±1 says the
// output rises (falls) steadily with the parameter; near 0, that it does
// not move monotonically with it alone (it may still matter through
// interactions: see truce sensitivity --method sobol). Undefined
// correlations (an output or parameter constant over the draws) are null.
type RankCorrelations struct {
	// Draws is the number of draws used: all of them, or the first
	// MaxRankCorrDraws.
	Draws      int              `json:"draws"`
	Parameters []string         `json:"parameters"`
	Outputs    []RankCorrOutput `json:"outputs"`
}

// RankCorrOutput is one output's correlations, in Parameters order.
type RankCorrOutput struct {
	Output   string   `json:"output"`
	Kind     string   `json:"kind"` // "quantity" or "hypothesis"
	Spearman []Number `json:"spearman"`
	// Draws, set only when fewer than RankCorrelations.Draws, is the
	// number of draws the output was computed on: a hypothesis with
	// `draws:` (and a quantity only such hypotheses read) is correlated
	// over its subsample only.
	Draws int `json:"draws,omitempty"`
}

// MaxRankCorrDraws bounds the draws kept for rank correlations: ranks need
// every value, and a run of millions of draws does not need them all.
const MaxRankCorrDraws = 100_000

// Strongest returns the parameters of o with the largest |ρ|, at most n,
// strongest first (file order on ties), and their correlations.
func (rc *RankCorrelations) Strongest(o RankCorrOutput, n int) ([]string, []float64) {
	idx := make([]int, 0, len(o.Spearman))
	for i, r := range o.Spearman {
		if !math.IsNaN(float64(r)) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		return math.Abs(float64(o.Spearman[idx[a]])) > math.Abs(float64(o.Spearman[idx[b]]))
	})
	var names []string
	var rhos []float64
	for _, i := range idx[:min(n, len(idx))] {
		names = append(names, rc.Parameters[i])
		rhos = append(rhos, float64(o.Spearman[i]))
	}
	return names, rhos
}

// rankCorrelations computes the correlations of the drawn parameters
// (params[i][draw], scenario order) with the quantities (quants[q][draw])
// and hypotheses (holds[h][draw]).
func (sc *Scenario) rankCorrelations(params [][]float64, quants [][]float64, holds [][]float64) *RankCorrelations {
	rc := &RankCorrelations{}
	var pr [][]float64
	for i, p := range sc.Parameters {
		if p.Dist.Kind == "fixed" {
			continue
		}
		rc.Parameters = append(rc.Parameters, p.Name)
		pr = append(pr, params[i])
	}
	if len(pr) == 0 {
		return nil
	}
	rc.Draws = len(pr[0])
	add := func(name, kind string, y []float64) {
		o := RankCorrOutput{Output: name, Kind: kind, Spearman: make([]Number, len(pr))}
		if n := len(y) - countNaN(y); n < rc.Draws {
			o.Draws = n
		}
		for i, x := range pr {
			o.Spearman[i] = Number(spearman(x, y))
		}
		rc.Outputs = append(rc.Outputs, o)
	}
	for q, qu := range sc.quantities {
		add(qu.key, "quantity", quants[q])
	}
	for h, hy := range sc.Hypotheses {
		add(hy.ID, "hypothesis", holds[h])
	}
	return rc
}

// spearman is Pearson's correlation of the ranks of x and y (ties given
// their average rank) over the pairs where both are finite; NaN when fewer
// than three such pairs or either is constant.
func spearman(x, y []float64) float64 {
	var xs, ys []float64
	for i := range x {
		if i < len(y) && finite(x[i]) && finite(y[i]) {
			xs, ys = append(xs, x[i]), append(ys, y[i])
		}
	}
	if len(xs) < 3 {
		return math.NaN()
	}
	rx, ry := ranks(xs), ranks(ys)
	n := float64(len(rx))
	mx, my := (n+1)/2, (n+1)/2 // mean rank, ties included
	var sxy, sxx, syy float64
	for i := range rx {
		dx, dy := rx[i]-mx, ry[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}

// countNaN counts the NaNs in y (the draws an output was not computed on).
func countNaN(y []float64) int {
	n := 0
	for _, v := range y {
		if math.IsNaN(v) {
			n++
		}
	}
	return n
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// ranks are 1-based ranks, ties at their average.
func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		avg := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = avg
		}
		i = j + 1
	}
	return r
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
