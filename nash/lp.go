package nash

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/truce-dev/truce/game"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// LP computes the value and a pair of optimal (maximin) strategies of a
// 2-player constant-sum game, as Gambit's gambit-lp does. In float64 it
// solves player 1's and player 2's linear programs with gonum's simplex
// method. With opt.Rational it runs exact Lemke–Howson (LCP) instead: in a
// constant-sum game every equilibrium is a pair of optimal strategies, so
// that gives the value and strategies in exact rationals. The value (player
// 1's expected payoff) is in Result.Stats["value"].
func LP(ctx context.Context, g *game.Strategic, opt Options) (*Result, error) {
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
	// which makes the value positive and the programs below feasible.
	mn := shiftMin(g)
	a := func(i, j int) float64 { return g.Payoffs[2*(i+j*m)] - mn }
	if opt.Progress != nil {
		opt.Progress("simplex, player 1")
	}
	// Player 1: min sum(u) s.t. Aᵀu - t = 1, u, t >= 0; x = u/sum(u).
	x, su, err := solveLP(n, m, func(row, col int) float64 { return a(col, row) }, -1)
	if err != nil {
		return nil, fmt.Errorf("lp: player 1's program: %w", err)
	}
	if opt.Progress != nil {
		opt.Progress("simplex, player 2")
	}
	if done, why := stopped(ctx); done {
		return &Result{Method: "lp", Reason: why, Elapsed: time.Since(start)}, nil
	}
	// Player 2: max sum(w) s.t. A w + s = 1, w, s >= 0; y = w/sum(w).
	y, sw, err := solveLP(m, n, a, +1)
	if err != nil {
		return nil, fmt.Errorf("lp: player 2's program: %w", err)
	}
	_ = sw
	prof := [][]float64{x, y}
	value := 1/su + mn
	res := &Result{Method: "lp", Complete: true,
		Equilibria: []Equilibrium{{Profile: prof, Regret: g.Regret(prof), Component: -1}},
		Stats:      map[string]float64{"value": value},
		Elapsed:    time.Since(start)}
	return res, nil
}

// solveLP solves, for a rows×cols matrix M given by at, the program
// min sum(z) s.t. M z - s = 1 (sign -1) or max sum(z) s.t. M z + s = 1
// (sign +1), z, s >= 0, and returns z normalised and sum(z).
func solveLP(rows, cols int, at func(r, c int) float64, sign float64) ([]float64, float64, error) {
	nv := cols + rows
	A := make([]float64, rows*nv)
	b := make([]float64, rows)
	c := make([]float64, nv)
	for r := 0; r < rows; r++ {
		for k := 0; k < cols; k++ {
			A[r*nv+k] = at(r, k)
		}
		A[r*nv+cols+r] = sign
		b[r] = 1
	}
	for k := 0; k < cols; k++ {
		c[k] = -sign // min sum(z) (sign -1) or min -sum(z) (sign +1)
	}
	_, z, err := lp.Simplex(c, mat.NewDense(rows, nv, A), b, 1e-12, nil)
	if err != nil {
		return nil, 0, err
	}
	out := make([]float64, cols)
	sum := 0.0
	for k := range out {
		out[k] = math.Max(z[k], 0)
		sum += out[k]
	}
	for k := range out {
		out[k] /= sum
	}
	return out, sum, nil
}

// checkConstantSum returns an error unless g is a 2-player game whose
// payoffs add up to the same constant in every profile.
func checkConstantSum(g *game.Strategic) error {
	if g.NumPlayers() != 2 {
		return fmt.Errorf("lp: needs a 2-player constant-sum game, this one has %d players", g.NumPlayers())
	}
	k := g.NumProfiles()
	if g.IsExact() {
		var c, s big.Rat
		c.Add(g.Exact[0], g.Exact[1])
		for i := 1; i < k; i++ {
			if s.Add(g.Exact[2*i], g.Exact[2*i+1]).Cmp(&c) != 0 {
				return fmt.Errorf("lp: the game is not constant-sum: payoffs add to %s in the first profile and %s in profile %d", c.RatString(), s.RatString(), i+1)
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
	v := new(big.Rat)
	var w big.Rat
	for k := 0; k < g.NumProfiles(); k++ {
		i, j := k%m, k/m
		if ex[0][i].Sign() == 0 || ex[1][j].Sign() == 0 {
			continue
		}
		w.Mul(ex[0][i], ex[1][j])
		w.Mul(&w, g.Exact[2*k])
		v.Add(v, &w)
	}
	return v
}
