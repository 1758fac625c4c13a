package nash

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/truce-dev/truce/game"
)

// SimpDiv computes one Nash equilibrium of an N-player game by simplicial
// subdivision with restarts, in the variable-dimension style of van der
// Laan and Talman.
//
// Each run starts at a point v of the product of simplices and follows a
// path of adjacent simplices of a triangulation with mesh d: the space
// around v is cut into cones spanned by the directions
// q(j,h) = e(j,h) − e(j,h−1) (h−1 cyclic within player j), each cone
// triangulated like Freudenthal's, and a simplex of the cone for the label
// set T carries every label of T. A vertex inside the product of simplices
// is labelled (j,h) with j the player with the largest regret and h his best
// reply; a vertex outside it (the path may step over the boundary) is
// labelled by its most negative coordinate, which keeps the path bounded.
// The path ends when some player's labels are all present, at an
// approximate equilibrium. Then the grid is halved and the next run starts
// from the best point found, until the regret is small enough for a Newton
// solve on the support to finish at regret below 1e-8 of the payoff range.
//
// Unlike Gambit's gambit-simpdiv (exact rationals, stopping at regret 1e-10
// on the grid alone), this works in float64 and lets Newton do the last
// digits, so it finishes on games where the grid would have to be very fine.
func SimpDiv(ctx context.Context, g *game.Strategic, opt Options) (out *Result, outErr error) {
	defer certifyGame(ctx, "simpdiv", g, &out, &outErr)
	start := time.Now()
	res := &Result{Method: "simpdiv", Complete: true, Stats: map[string]float64{}}
	ng, span := newNormGame(g)
	v := ng.uniform()
	finish := func(x []float64) (*Result, error) {
		e := Equilibrium{Profile: ng.split(x), Component: -1}
		e.Regret = g.Regret(e.Profile)
		res.Equilibria = append(res.Equilibria, e)
		res.Elapsed = time.Since(start)
		return res, nil
	}
	if span == 0 {
		return finish(v)
	}
	sd := newSimplicial(ng)
	d := 0.5
	maxN := 0
	for _, s := range ng.shape {
		maxN = max(maxN, s)
	}
	if maxN > 2 {
		d = 1 / float64(maxN)
	}

	for restart := 0; ; restart++ {
		sd.progress = opt.Progress
		best, reg, err := sd.run(ctx, v, d)
		res.Stats["restarts"] = float64(restart + 1)
		res.Stats["pivots"] = float64(sd.pivots)
		res.Stats["mesh"] = d
		if err != nil {
			res.Complete, res.Reason = false, err.Error()
			if best == nil {
				best = v
			}
			return finish(best)
		}
		v = best
		if reg < 1e-2 {
			if q, ok := polishSupport(ng, v, math.Max(4*d, 1e-2)); ok {
				return finish(q)
			}
		}
		// Without a support solve the grid has to do it alone: refine on
		// to far below the target, as long as the mesh allows.
		if reg < logitTol/1000 {
			return finish(v)
		}
		if d < 1e-13 {
			if reg >= logitTol {
				res.Complete, res.Reason = false, fmt.Sprintf("grid mesh %g reached with regret %.3g", d, reg)
			}
			return finish(v)
		}
		if opt.Progress != nil {
			opt.Progress(fmt.Sprintf("mesh %.3g, regret %.3g, %d pivots", d, reg, sd.pivots))
		}
		d /= 2
	}
}

// simplicial holds the work arrays of one path-following run.
type simplicial struct {
	ng        *normGame
	owner     []int // label (flat strategy) -> player
	pred      []int // cyclic predecessor within the player
	u         []float64
	y         []float64
	z         []int
	pivots    int
	maxPivots int
	progress  func(string)
}

// simpdivWork bounds the pivots of one run, counted in payoff-table cells
// read (each pivot labels one vertex, which reads the whole table), and
// the count is clamped to [1e5, 5e6] pivots: a few seconds of work. A
// 10×10×10 game needs about 1e5 pivots over all its runs. A run that needs
// more (on a degenerate game a fine grid can crawl along a whole segment
// of equilibria) is reported as incomplete rather than left to spin.
const simpdivWork = 2e9

func newSimplicial(ng *normGame) *simplicial {
	s := &simplicial{ng: ng, owner: make([]int, ng.tot), pred: make([]int, ng.tot), u: make([]float64, ng.tot), y: make([]float64, ng.tot), z: make([]int, ng.tot)}
	s.maxPivots = min(5_000_000, max(100_000, int(simpdivWork/float64(ng.nprof*ng.n))))
	for j, n := range ng.shape {
		o := ng.off[j]
		for h := 0; h < n; h++ {
			s.owner[o+h] = j
			s.pred[o+h] = o + (h+n-1)%n
		}
	}
	return s
}

// point sets s.y to v + d·Σ_i c_i q(i), where c = a plus one for each of
// the first k labels of pi.
func (s *simplicial) point(v []float64, d float64, a []int, inT []bool, pi []int, k int) {
	for i := range s.z {
		s.z[i] = 0
	}
	add := func(i, c int) {
		s.z[i] += c
		s.z[s.pred[i]] -= c
	}
	for i, in := range inT {
		if in && a[i] != 0 {
			add(i, a[i])
		}
	}
	for _, i := range pi[:k] {
		add(i, 1)
	}
	for i := range s.y {
		s.y[i] = v[i] + d*float64(s.z[i])
	}
}

// label labels s.y, and returns its regret (+Inf outside the product of
// simplices).
func (s *simplicial) label() (int, float64) {
	ng := s.ng
	neg, at := 0.0, -1
	for i, x := range s.y {
		if x < neg {
			neg, at = x, i
		}
	}
	if at >= 0 {
		return at, math.Inf(1)
	}
	ng.values(s.y, s.u, nil)
	worst, lab := -1.0, 0
	for j, n := range ng.shape {
		o := ng.off[j]
		bi, bv, cur := o, math.Inf(-1), 0.0
		for h := 0; h < n; h++ {
			if s.u[o+h] > bv {
				bi, bv = o+h, s.u[o+h]
			}
			cur += s.y[o+h] * s.u[o+h]
		}
		if r := bv - cur; r > worst {
			worst, lab = r, bi
		}
	}
	return lab, math.Max(worst, 0)
}

// run follows one path from v with mesh d and returns the vertex of least
// regret it met and that regret.
func (s *simplicial) run(ctx context.Context, v []float64, d float64) ([]float64, float64, error) {
	ng := s.ng
	inT := make([]bool, ng.tot)
	cntT := make([]int, ng.n)
	a := make([]int, ng.tot)
	var pi []int
	best := append([]float64(nil), v...)
	bestReg := math.Inf(1)
	labelAt := func(k int) int {
		s.point(v, d, a, inT, pi, k)
		l, r := s.label()
		if r < bestReg {
			bestReg = r
			copy(best, s.y)
		}
		return l
	}
	lab := []int{labelAt(0)}
	nv := 0
	for steps := 0; ; steps++ {
		if steps&1023 == 0 {
			if stop, why := stopped(ctx); stop {
				return best, bestReg, fmt.Errorf("%s", why)
			}
			if s.progress != nil && steps&(1<<16-1) == 0 && steps > 0 {
				s.progress(fmt.Sprintf("mesh %.3g, %d pivots, best regret %.3g", d, s.pivots, bestReg))
			}
		}
		if s.pivots++; steps > s.maxPivots {
			return best, bestReg, fmt.Errorf("simpdiv: pivot limit %d reached in one run", s.maxPivots)
		}
		L := lab[nv]
		if !inT[L] {
			j := s.owner[L]
			if cntT[j]+1 == ng.shape[j] {
				return best, bestReg, nil // every label of player j is present
			}
			inT[L] = true
			cntT[j]++
			a[L] = 0
			pi = append(pi, L)
			lab = append(lab, labelAt(len(pi)))
			nv = len(lab) - 1
			continue
		}
		k := -1
		for i, l := range lab {
			if l == L && i != nv {
				k = i
				break
			}
		}
		if k < 0 {
			return best, bestReg, fmt.Errorf("simpdiv: internal error: label %d not doubled", L)
		}
		for {
			t := len(pi)
			if k == t && a[pi[t-1]] == 0 {
				// The facet opposite the last vertex lies on the face of the
				// cone where pi[t-1]'s coefficient is zero: drop that label.
				removed := pi[t-1]
				pi = pi[:t-1]
				lab = lab[:t]
				inT[removed] = false
				cntT[s.owner[removed]]--
				if len(pi) == 0 {
					return best, bestReg, fmt.Errorf("simpdiv: internal error: path returned to its start")
				}
				k = -1
				for i, l := range lab {
					if l == removed {
						k = i
						break
					}
				}
				if k < 0 {
					return best, bestReg, fmt.Errorf("simpdiv: internal error: dropped label %d missing", removed)
				}
				continue
			}
			break
		}
		t := len(pi)
		switch {
		case k == 0:
			first := pi[0]
			a[first]++
			copy(pi, pi[1:])
			pi[t-1] = first
			copy(lab, lab[1:])
			lab[t] = labelAt(t)
			nv = t
		case k == t:
			last := pi[t-1]
			a[last]--
			copy(pi[1:], pi[:t-1])
			pi[0] = last
			copy(lab[1:], lab[:t])
			lab[0] = labelAt(0)
			nv = 0
		default:
			pi[k-1], pi[k] = pi[k], pi[k-1]
			lab[k] = labelAt(k)
			nv = k
		}
	}
}
