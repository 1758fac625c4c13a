package sensitivity

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"
)

// PRIM (Friedman and Fisher 1999, "Bump hunting in high-dimensional
// data") finds a box of input space, a range per input, in which an event
// (a hypothesis holding) is much more frequent than overall. Peeling starts
// from the box that holds every point and repeatedly trims the share Alpha
// of the points in it from one end of one input's range, choosing the trim
// that raises the share of events in the box most per point removed, until
// the box holds fewer than MinMass of the points or only events. Each box
// on the way has a coverage (the share of all events that fall inside) and
// a density (the share of the points inside that are events): the
// trajectory is the trade-off curve between the two. One box is chosen from
// it, pasted (an end moved back out by Alpha while that raises the
// density) and simplified (restrictions that do not significantly raise the
// density dropped).

// PrimOptions control Prim.
type PrimOptions struct {
	Alpha   float64 // share of the box's points peeled or pasted per step; default 0.05
	MinMass float64 // peeling stops before the box holds fewer than this share of points; default 0.05
	// MinCoverage chooses the box: the densest box on the trajectory that
	// keeps at least this share of the events (ties: more coverage).
	// Default 0.8.
	MinCoverage float64
	// Significance: a restriction of the chosen box whose quasi-p-value
	// (one-sided binomial test of the box's events against the density
	// without it) is at or above this is dropped. Default 0.05; 1 keeps
	// every restriction.
	Significance float64
}

// Box is a product of closed ranges, one per input (±Inf where the input
// is not restricted), with what it holds.
type Box struct {
	Lo, Hi   []float64
	Points   int     // points inside
	Events   int     // events inside
	Coverage float64 // Events / all events
	Density  float64 // Events / Points
	Mass     float64 // Points / all points
}

// Restriction is one restricted input of a box.
type Restriction struct {
	Input  string
	Lo, Hi float64 // ±Inf on an open side
	// Density and coverage of the box without this restriction, and the
	// quasi-p-value of keeping it.
	DensityWithout, CoverageWithout float64
	PValue                          float64
}

// PrimResult is PRIM's answer for one event.
type PrimResult struct {
	Inputs      []string
	Points      int
	Events      int
	BaseDensity float64 // Events / Points
	Trajectory  []Box   // peeling, from the whole space inwards
	Chosen      int     // the trajectory box chosen by MinCoverage
	// Box is the chosen box after pasting and simplification; its
	// restrictions, most significant first.
	Box          Box
	Restrictions []Restriction
	// Dropped names the restrictions removed as not significant.
	Dropped []string
	Note    string // when there is nothing to find
}

// Prim runs PRIM on points x (n rows of len(inputs) values) with event[i]
// whether point i is an event.
func Prim(ctx context.Context, inputs []string, x [][]float64, event []bool, opt PrimOptions) (*PrimResult, error) {
	if opt.Alpha == 0 {
		opt.Alpha = 0.05
	}
	if opt.MinMass == 0 {
		opt.MinMass = 0.05
	}
	if opt.MinCoverage == 0 {
		opt.MinCoverage = 0.8
	}
	if opt.Significance == 0 {
		opt.Significance = 0.05
	}
	if !(opt.Alpha > 0 && opt.Alpha < 0.5) || !(opt.MinMass > 0 && opt.MinMass < 1) || !(opt.MinCoverage > 0 && opt.MinCoverage <= 1) || !(opt.Significance > 0 && opt.Significance <= 1) {
		return nil, fmt.Errorf("prim: alpha %v, min mass %v, min coverage %v, significance %v out of range", opt.Alpha, opt.MinMass, opt.MinCoverage, opt.Significance)
	}
	n, k := len(x), len(inputs)
	if n != len(event) {
		return nil, fmt.Errorf("prim: %d points, %d outcomes", n, len(event))
	}
	for i, row := range x {
		if len(row) != k {
			return nil, fmt.Errorf("prim: point %d has %d values for %d inputs", i, len(row), k)
		}
		for j, v := range row {
			if math.IsNaN(v) {
				return nil, fmt.Errorf("prim: point %d, input %s is NaN", i, inputs[j])
			}
		}
	}
	p := &primRun{x: x, ev: event, k: k, n: n, opt: opt}
	for _, e := range event {
		if e {
			p.events++
		}
	}
	res := &PrimResult{Inputs: inputs, Points: n, Events: p.events}
	if n == 0 {
		res.Note = "no points"
		return res, nil
	}
	res.BaseDensity = float64(p.events) / float64(n)
	switch p.events {
	case 0:
		res.Note = "the event never occurs: there is no region to find"
		return res, nil
	case n:
		res.Note = "the event occurs at every point: the whole space is the box"
	}
	in := make([]int, n)
	for i := range in {
		in[i] = i
	}
	lo, hi := make([]float64, k), make([]float64, k)
	for j := range lo {
		lo[j], hi[j] = math.Inf(-1), math.Inf(1)
	}
	res.Trajectory = append(res.Trajectory, p.box(lo, hi, in))
	for res.Trajectory[len(res.Trajectory)-1].Density < 1 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		nlo, nhi, nin, ok := p.peel(lo, hi, in)
		if !ok {
			break
		}
		lo, hi, in = nlo, nhi, nin
		res.Trajectory = append(res.Trajectory, p.box(lo, hi, in))
	}
	best := 0
	for i, b := range res.Trajectory {
		cb := res.Trajectory[best]
		if b.Coverage >= opt.MinCoverage && (b.Density > cb.Density || (b.Density == cb.Density && b.Coverage > cb.Coverage)) {
			best = i
		}
	}
	res.Chosen = best
	ch := res.Trajectory[best]
	lo, hi = append([]float64(nil), ch.Lo...), append([]float64(nil), ch.Hi...)
	lo, hi = p.paste(lo, hi)
	res.Box, res.Restrictions, res.Dropped = p.simplify(inputs, lo, hi)
	if len(res.Restrictions) == 0 && res.Note == "" {
		res.Note = "no box is markedly denser than the whole space: the event is spread out, not confined to one region"
	}
	return res, nil
}

type primRun struct {
	x      [][]float64
	ev     []bool
	k, n   int
	events int
	opt    PrimOptions
}

func (p *primRun) inside(i int, lo, hi []float64) bool {
	for j, v := range p.x[i] {
		if v < lo[j] || v > hi[j] {
			return false
		}
	}
	return true
}

// box describes the box (lo, hi) holding points in; bounds at or beyond
// the data's extremes are written as unrestricted.
func (p *primRun) box(lo, hi []float64, in []int) Box {
	b := Box{Lo: append([]float64(nil), lo...), Hi: append([]float64(nil), hi...), Points: len(in)}
	for _, i := range in {
		if p.ev[i] {
			b.Events++
		}
	}
	b.Coverage = float64(b.Events) / float64(max(p.events, 1))
	b.Density = float64(b.Events) / float64(max(b.Points, 1))
	b.Mass = float64(b.Points) / float64(p.n)
	return b
}

// peel makes the best trim of the box (lo, hi) holding in; ok is false
// when no trim keeps at least MinMass of the points.
func (p *primRun) peel(lo, hi []float64, in []int) (nlo, nhi []float64, nin []int, ok bool) {
	m := len(in)
	hits := 0
	for _, i := range in {
		if p.ev[i] {
			hits++
		}
	}
	mean := float64(hits) / float64(m)
	minKeep := int(math.Ceil(p.opt.MinMass * float64(p.n)))
	cut := max(1, int(p.opt.Alpha*float64(m)))
	bestObj, bestJ, bestSide, bestThr := math.Inf(-1), -1, 0, 0.0
	vals := make([]float64, m)
	for j := 0; j < p.k; j++ {
		for a, i := range in {
			vals[a] = p.x[i][j]
		}
		sort.Float64s(vals)
		if vals[0] == vals[m-1] {
			continue
		}
		for side := 0; side < 2; side++ {
			// New bound: the cut-th value from this end, moved inwards
			// past ties so that something is removed.
			var thr float64
			if side == 0 {
				thr = vals[cut]
				if thr == vals[0] {
					a := sort.SearchFloat64s(vals, math.Nextafter(vals[0], math.Inf(1)))
					thr = vals[a]
				}
			} else {
				thr = vals[m-1-cut]
				if thr == vals[m-1] {
					a := sort.SearchFloat64s(vals, vals[m-1]) - 1
					thr = vals[a]
				}
			}
			kept, keptHits := 0, 0
			for _, i := range in {
				v := p.x[i][j]
				if (side == 0 && v >= thr) || (side == 1 && v <= thr) {
					kept++
					if p.ev[i] {
						keptHits++
					}
				}
			}
			if kept < minKeep || kept == m {
				continue
			}
			obj := (float64(keptHits)/float64(kept) - mean) / float64(m-kept)
			if obj > bestObj {
				bestObj, bestJ, bestSide, bestThr = obj, j, side, thr
			}
		}
	}
	if bestJ < 0 {
		return nil, nil, nil, false
	}
	nlo, nhi = append([]float64(nil), lo...), append([]float64(nil), hi...)
	if bestSide == 0 {
		nlo[bestJ] = bestThr
	} else {
		nhi[bestJ] = bestThr
	}
	for _, i := range in {
		v := p.x[i][bestJ]
		if v >= nlo[bestJ] && v <= nhi[bestJ] {
			nin = append(nin, i)
		}
	}
	return nlo, nhi, nin, true
}

// paste moves restricted ends of (lo, hi) back out, Alpha of the box's
// points at a time, while that raises the density.
func (p *primRun) paste(lo, hi []float64) ([]float64, []float64) {
	for {
		var in []int
		for i := range p.x {
			if p.inside(i, lo, hi) {
				in = append(in, i)
			}
		}
		cur := p.box(lo, hi, in)
		add := max(1, int(p.opt.Alpha*float64(cur.Points)))
		bestD, bestJ, bestSide, bestThr := cur.Density, -1, 0, 0.0
		for j := 0; j < p.k; j++ {
			for side := 0; side < 2; side++ {
				if (side == 0 && math.IsInf(lo[j], -1)) || (side == 1 && math.IsInf(hi[j], 1)) {
					continue
				}
				// Points outside only because of this end, nearest first.
				var cand []float64
				for i := range p.x {
					v := p.x[i][j]
					if (side == 0 && v >= lo[j]) || (side == 1 && v <= hi[j]) {
						continue
					}
					if p.insideExcept(i, lo, hi, j) {
						cand = append(cand, v)
					}
				}
				if len(cand) == 0 {
					continue
				}
				sort.Float64s(cand)
				var thr float64
				if side == 0 {
					thr = cand[max(0, len(cand)-add)]
				} else {
					thr = cand[min(len(cand)-1, add-1)]
				}
				pts, evs := cur.Points, cur.Events
				for i := range p.x {
					v := p.x[i][j]
					if ((side == 0 && v >= thr && v < lo[j]) || (side == 1 && v <= thr && v > hi[j])) && p.insideExcept(i, lo, hi, j) {
						pts++
						if p.ev[i] {
							evs++
						}
					}
				}
				if d := float64(evs) / float64(pts); d > bestD {
					bestD, bestJ, bestSide, bestThr = d, j, side, thr
				}
			}
		}
		if bestJ < 0 {
			return lo, hi
		}
		if bestSide == 0 {
			lo[bestJ] = bestThr
		} else {
			hi[bestJ] = bestThr
		}
	}
}

func (p *primRun) insideExcept(i int, lo, hi []float64, skip int) bool {
	for j, v := range p.x[i] {
		if j != skip && (v < lo[j] || v > hi[j]) {
			return false
		}
	}
	return true
}

// simplify opens ends at or beyond the data's extremes, then drops the
// least significant restriction while its quasi-p-value is at or above
// Significance.
func (p *primRun) simplify(inputs []string, lo, hi []float64) (Box, []Restriction, []string) {
	for j := 0; j < p.k; j++ {
		mn, mx := math.Inf(1), math.Inf(-1)
		for _, row := range p.x {
			mn, mx = math.Min(mn, row[j]), math.Max(mx, row[j])
		}
		if lo[j] <= mn {
			lo[j] = math.Inf(-1)
		}
		if hi[j] >= mx {
			hi[j] = math.Inf(1)
		}
	}
	var dropped []string
	for {
		b := p.boxOf(lo, hi)
		var rs []Restriction
		worst := -1
		for j := 0; j < p.k; j++ {
			if math.IsInf(lo[j], -1) && math.IsInf(hi[j], 1) {
				continue
			}
			wl, wh := append([]float64(nil), lo...), append([]float64(nil), hi...)
			wl[j], wh[j] = math.Inf(-1), math.Inf(1)
			w := p.boxOf(wl, wh)
			pv := 1.0
			if b.Events > 0 {
				pv = distuv.Binomial{N: float64(b.Points), P: w.Density}.Survival(float64(b.Events - 1))
			}
			rs = append(rs, Restriction{Input: inputs[j], Lo: lo[j], Hi: hi[j], DensityWithout: w.Density, CoverageWithout: w.Coverage, PValue: pv})
			if pv >= p.opt.Significance && (worst < 0 || pv > rs[worst].PValue) {
				worst = len(rs) - 1
			}
		}
		if worst < 0 {
			sort.SliceStable(rs, func(a, c int) bool { return rs[a].PValue < rs[c].PValue })
			return b, rs, dropped
		}
		dropped = append(dropped, rs[worst].Input)
		j := indexOfName(inputs, rs[worst].Input)
		lo[j], hi[j] = math.Inf(-1), math.Inf(1)
	}
}

func (p *primRun) boxOf(lo, hi []float64) Box {
	var in []int
	for i := range p.x {
		if p.inside(i, lo, hi) {
			in = append(in, i)
		}
	}
	return p.box(lo, hi, in)
}

func indexOfName(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

// String reads like "walkout_cost_us ≥ 0.18 and 0.035 ≤ p_harden ≤ 0.14".
func (r *PrimResult) String() string {
	var parts []string
	for _, x := range r.Restrictions {
		parts = append(parts, x.String())
	}
	if len(parts) == 0 {
		return "anywhere in the range"
	}
	return strings.Join(parts, " and ")
}

// String reads like "0.035 ≤ p_harden ≤ 0.14" or "walkout_cost_us ≥ 0.18".
func (x Restriction) String() string {
	switch {
	case math.IsInf(x.Lo, -1):
		return fmt.Sprintf("%s ≤ %.4g", x.Input, x.Hi)
	case math.IsInf(x.Hi, 1):
		return fmt.Sprintf("%s ≥ %.4g", x.Input, x.Lo)
	}
	return fmt.Sprintf("%.4g ≤ %s ≤ %.4g", x.Lo, x.Input, x.Hi)
}
