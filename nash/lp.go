package nash

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/truce-dev/truce/game"
)

// LP computes the value and a pair of optimal (maximin) strategies of a
// 2-player constant-sum game, as Gambit's gambit-lp does. In float64 it
// solves player 2's linear program by the primal simplex method
// (lexicographic, so it cannot cycle on degenerate games) and reads player
// 1's strategy from the dual prices. With opt.Rational it runs exact Lemke–Howson (LCP) instead: in a
// constant-sum game every equilibrium is a pair of optimal strategies, so
// that gives the value and strategies in exact rationals. The value (player
// 1's expected payoff) is in Result.Stats["value"].
func LP(ctx context.Context, g *game.Strategic, opt Options) (out *Result, outErr error) {
	defer certifyGame(ctx, "lp", g, &out, &outErr)
	start := time.Now()
	if err := checkConstantSum(g); err != nil {
		return nil, err
	}
	if opt.Rational {
		res, err := LCP(ctx, g, Options{Rational: true, Progress: opt.Progress})
		if err != nil {
			return nil, err
		}
		res.Method = "lp"
		if len(res.Equilibria) > 0 {
			v := exactValue(g, res.Equilibria[0].Exact)
			res.Stats["value"], _ = v.Float64()
		}
		res.Elapsed = time.Since(start)
		return res, nil
	}
	if done, why := stopped(ctx); done {
		return &Result{Method: "lp", Reason: why}, nil
	}
	shape := g.Shape()
	m, n := shape[0], shape[1]
	// A[i][j]: player 1's payoff shifted so every entry is at least 1,
	// which makes the value positive and the slack basis feasible.
	mn := shiftMin(g)
	if opt.Progress != nil {
		opt.Progress("simplex")
	}
	w, u, iters, err := simplexMaxSum(ctx, m, n, func(i, j int) float64 { return g.Payoffs[2*(i+j*m)] - mn })
	if err != nil {
		return nil, fmt.Errorf("lp: %w", err)
	}
	if w == nil {
		_, why := stopped(ctx)
		return &Result{Method: "lp", Reason: why, Elapsed: time.Since(start), Stats: map[string]float64{"pivots": float64(iters)}}, nil
	}
	// max 1ᵀw s.t. A w <= 1 has optimum 1/v for the shifted value v; its
	// dual min 1ᵀu s.t. Aᵀu >= 1 gives player 1's strategy.
	sw, su := 0.0, 0.0
	for _, v := range w {
		sw += v
	}
	for _, v := range u {
		su += v
	}
	x := make([]float64, m)
	for i := range x {
		x[i] = u[i] / su
	}
	y := make([]float64, n)
	for j := range y {
		y[j] = w[j] / sw
	}
	prof := [][]float64{x, y}
	res := &Result{Method: "lp", Complete: true,
		Equilibria: []Equilibrium{{Profile: prof, Regret: g.Regret(prof), Component: -1}},
		Stats:      map[string]float64{"value": 1/sw + mn, "pivots": float64(iters)},
		Elapsed:    time.Since(start)}
	return res, nil
}

// simplexMaxSum solves max 1ᵀw s.t. A w + s = 1, w, s >= 0 for an m×n
// matrix A > 0 (given by at) with the primal simplex method on a flat
// tableau: the slack basis is feasible, the entering column has the most
// negative reduced cost and the leaving row is chosen by the lexicographic
// ratio test, which cannot cycle. It returns w, the dual prices u of the
// rows (the optimum of min 1ᵀu s.t. Aᵀu >= 1) and the number of pivots;
// w is nil when ctx ended first.
func simplexMaxSum(ctx context.Context, m, n int, at func(i, j int) float64) (w, u []float64, iters int, err error) {
	st := n + m + 1 // structural, slack, rhs
	t := make([]float64, (m+1)*st)
	obj := t[m*st:] // reduced costs of min -1ᵀw, and -objective in rhs
	basis := make([]int, m)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			t[i*st+j] = at(i, j)
		}
		t[i*st+n+i] = 1
		t[i*st+st-1] = 1
		basis[i] = n + i
	}
	for j := 0; j < n; j++ {
		obj[j] = -1
	}
	const costEps, posEps = 1e-12, 1e-12
	ties := make([]int, 0, m)
	limit := 100*(m+n) + 10000
	for ; ; iters++ {
		if iters&63 == 0 {
			if done, _ := stopped(ctx); done {
				return nil, nil, iters, nil
			}
		}
		if iters > limit {
			return nil, nil, iters, fmt.Errorf("simplex did not finish in %d pivots", limit)
		}
		col := -1
		best := -costEps
		for j := 0; j < n+m; j++ {
			if obj[j] < best {
				best, col = obj[j], j
			}
		}
		if col < 0 {
			break // optimal
		}
		minRatio := math.Inf(1)
		for r := 0; r < m; r++ {
			if a := t[r*st+col]; a > posEps {
				minRatio = math.Min(minRatio, t[r*st+st-1]/a)
			}
		}
		if math.IsInf(minRatio, 1) {
			return nil, nil, iters, fmt.Errorf("unbounded program (payoffs not finite?)")
		}
		tol := 1e-12 * (1 + minRatio)
		ties = ties[:0]
		for r := 0; r < m; r++ {
			if a := t[r*st+col]; a > posEps && t[r*st+st-1]/a <= minRatio+tol {
				ties = append(ties, r)
			}
		}
		for c := 0; len(ties) > 1 && c < m; c++ {
			lo := math.Inf(1)
			for _, r := range ties {
				lo = math.Min(lo, t[r*st+n+c]/t[r*st+col])
			}
			keep := ties[:0]
			for _, r := range ties {
				if t[r*st+n+c]/t[r*st+col] <= lo+1e-12*(1+math.Abs(lo)) {
					keep = append(keep, r)
				}
			}
			ties = keep
		}
		row := ties[0]
		prow := t[row*st : row*st+st]
		inv := 1 / prow[col]
		for j := range prow {
			prow[j] *= inv
		}
		prow[col] = 1
		for r := 0; r <= m; r++ {
			if r == row {
				continue
			}
			rr := t[r*st : r*st+st]
			f := rr[col]
			if f == 0 {
				continue
			}
			for j, p := range prow {
				rr[j] -= f * p
			}
			rr[col] = 0
		}
		basis[row] = col
	}
	w = make([]float64, n)
	for r, v := range basis {
		if v < n {
			w[v] = math.Max(t[r*st+st-1], 0)
		}
	}
	u = make([]float64, m)
	for i := range u {
		u[i] = math.Max(obj[n+i], 0)
	}
	return w, u, iters, nil
}

// checkConstantSum returns an error unless g is a 2-player game whose
// payoffs add up to the same constant in every profile.
func checkConstantSum(g *game.Strategic) error {
	if g.NumPlayers() != 2 {
		return fmt.Errorf("lp: needs a 2-player constant-sum game, this one has %d players", g.NumPlayers())
	}
	for _, v := range g.Payoffs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("lp: payoff %v is not a finite number", v)
		}
	}
	k := g.NumProfiles()
	if ex := g.Exact(); ex != nil {
		var c, s big.Rat
		c.Add(ex[0], ex[1])
		for i := 1; i < k; i++ {
			if s.Add(ex[2*i], ex[2*i+1]).Cmp(&c) != 0 {
				return fmt.Errorf("lp: the game is not constant-sum: payoffs add to %s in the first profile and %s in profile %d", shortRat(&c), shortRat(&s), i+1)
			}
		}
		return nil
	}
	c := g.Payoffs[0] + g.Payoffs[1]
	for i := 1; i < k; i++ {
		s := g.Payoffs[2*i] + g.Payoffs[2*i+1]
		if math.Abs(s-c) > 1e-9*(1+math.Abs(c)) {
			return fmt.Errorf("lp: the game is not constant-sum: payoffs add to %g in the first profile and %g in profile %d", c, s, i+1)
		}
	}
	return nil
}

// exactValue is player 1's expected payoff under an exact profile.
func exactValue(g *game.Strategic, ex [][]*big.Rat) *big.Rat {
	m := len(g.Strategies[0])
	pay := g.Exact()
	v := new(big.Rat)
	var w big.Rat
	for k := 0; k < g.NumProfiles(); k++ {
		i, j := k%m, k/m
		if ex[0][i].Sign() == 0 || ex[1][j].Sign() == 0 {
			continue
		}
		w.Mul(ex[0][i], ex[1][j])
		w.Mul(&w, pay[2*k])
		v.Add(v, &w)
	}
	return v
}

// shortRat writes a rational for a message: exactly when short, else as
// a float with 6 significant digits.
func shortRat(r *big.Rat) string {
	if s := r.RatString(); len(s) <= 24 {
		return s
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'g', 6, 64)
}
