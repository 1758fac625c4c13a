package nash

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/internal/budget"
)

// TreeLP solves a two-player zero-sum tree with perfect recall by the
// sequence-form linear programs (Koller, Megiddo and von Stengel 1994):
// each player's maxmin realization plan, in polynomial time in the size of
// the tree. It returns one equilibrium (a behaviour profile, with equal
// weights where a player's own plan never reaches an information set) and
// the game value for player 1 in Stats["value"]. Arithmetic is floating
// point.
func TreeLP(ctx context.Context, t *game.Tree, opts Options) (out *Result, outErr error) {
	defer certifyTree(ctx, "lp", t, &out, &outErr)
	start := time.Now()
	if err := treeCheck(t, "lp"); err != nil {
		return nil, err
	}
	if !treeZeroSum(t) {
		return nil, fmt.Errorf("lp: the tree is not zero-sum; use lcp")
	}
	sf, err := newSeqForm(t)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := budget.Check(ctx, fmt.Sprintf("sequence-form linear programs (%d and %d sequences)", sf.ns[0], sf.ns[1]),
		seqLPBytes(sf), "use --method cfr (memory linear in the tree)"); err != nil {
		return nil, fmt.Errorf("lp: %w", err)
	}
	// Scale payoffs to at most 1 in size: the simplex's tolerances are
	// absolute.
	pay := make([]seqPay, len(sf.entries))
	scale := 0.0
	for i, e := range sf.entries {
		v := e.pay[0].Float64()
		pay[i] = seqPay{e.s1, e.s2, v}
		scale = max(scale, math.Abs(v))
	}
	if scale == 0 {
		scale = 1
	}
	opp := make([]seqPay, len(pay))
	for i := range pay {
		pay[i].v /= scale
		opp[i] = seqPay{pay[i].opp, pay[i].own, -pay[i].v}
	}
	x, v1, err := seqLPSolve(sf, 0, pay)
	if err != nil {
		return nil, fmt.Errorf("lp: player 1's program: %w", err)
	}
	y, _, err := seqLPSolve(sf, 1, opp)
	if err != nil {
		return nil, fmt.Errorf("lp: player 2's program: %w", err)
	}
	prof := sf.behaviour([2][]float64{x, y})
	eq := Equilibrium{Profile: prof, Regret: t.Regret(prof), Component: -1}
	res := &Result{Method: "lp", Complete: true, Equilibria: []Equilibrium{eq},
		Stats: map[string]float64{"value": v1 * scale, "sequences": float64(sf.ns[0] + sf.ns[1])}}
	if eq.Regret > 1e-9 && t.IsExact() {
		// Payoffs of very different sizes defeat floating point; the exact
		// sequence-form LCP finds an equilibrium, whose payoff is the value.
		ex, err := TreeLCP(ctx, t, Options{Rational: true})
		if err != nil {
			return nil, fmt.Errorf("lp: exact fallback: %w", err)
		}
		if len(ex.Equilibria) > 0 {
			res.Equilibria = ex.Equilibria
			res.Stats["value"] = t.Payoffs(ex.Equilibria[0].Profile)[0]
			res.Stats["exact_fallback"] = 1
		}
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// seqConstraints returns player p's sequence constraint matrix as rows of
// (sequence, coefficient): row 0 says the empty sequence has weight 1, row
// k+1 that the weights of infoset k's sequences add up to its parent's.
func seqConstraints(sf *seqForm, p int) [][][2]float64 {
	t := sf.t
	rows := [][][2]float64{{{0, 1}}}
	for k, is := range t.PlayerInfosets[p] {
		row := [][2]float64{{float64(sf.parent[p][k]), -1}}
		for a := range t.Infosets[is].Actions {
			row = append(row, [2]float64{float64(1 + t.ActionOffset(is) + a), 1})
		}
		rows = append(rows, row)
	}
	return rows
}

// seqLPSolve finds player p's maxmin realization plan: maximise the value
// q0 of the opponent's dual subject to F'q <= A'x (A the payoff to p by
// own sequence i and the opponent's j), E x = e, x >= 0.
func seqLPSolve(sf *seqForm, p int, payoff []seqPay) ([]float64, float64, error) {
	o := 1 - p
	nx, ny := sf.ns[p], sf.ns[o]
	E := seqConstraints(sf, p)
	F := seqConstraints(sf, o)
	nq := len(F)
	// variables: x (nx), q+ (nq), q- (nq), s (ny)
	nv := nx + 2*nq + ny
	nr := len(E) + ny
	A := seqDense{r: nr, c: nv, v: make([]float64, nr*nv)}
	b := make([]float64, nr)
	for r, row := range E {
		for _, e := range row {
			A.Set(r, int(e[0]), A.At(r, int(e[0]))+e[1])
		}
	}
	b[0] = 1
	for r, row := range F {
		for _, e := range row {
			j := int(e[0])
			A.Set(len(E)+j, nx+r, A.At(len(E)+j, nx+r)+e[1])
			A.Set(len(E)+j, nx+nq+r, A.At(len(E)+j, nx+nq+r)-e[1])
		}
	}
	for _, e := range payoff {
		A.Set(len(E)+e.opp, e.own, -e.v)
	}
	for j := 0; j < ny; j++ {
		A.Set(len(E)+j, nx+2*nq+j, 1)
	}
	c := make([]float64, nv)
	c[nx] = -1
	c[nx+nq] = 1
	z, xs, err := seqSimplex(c, A, b)
	if err != nil {
		return nil, 0, err
	}
	x := make([]float64, nx)
	for i := range x {
		x[i] = max(xs[i], 0)
	}
	return x, -z, nil
}

// seqPay is one entry of a sequence-form payoff matrix: the payoff to
// the player whose program it is, by own and opponent's sequence.
type seqPay struct {
	own, opp int
	v        float64
}

// seqLPBytes estimates the memory of the larger of the two programs
// seqLPSolve builds: the constraint matrix and the simplex tableau, both
// dense.
func seqLPBytes(sf *seqForm) int64 {
	worst := int64(0)
	for p := 0; p < 2; p++ {
		nx, ny := int64(sf.ns[p]), int64(sf.ns[1-p])
		nq := int64(len(sf.t.PlayerInfosets[1-p]) + 1)
		nr := int64(len(sf.t.PlayerInfosets[p])+1) + ny
		nv := nx + 2*nq + ny
		worst = max(worst, budget.Add(budget.Mul(nr, nv, 8), budget.Mul(nr+1, nv+nr+1, 8)))
	}
	return worst
}

// seqDense is a small row-major matrix.
type seqDense struct {
	r, c int
	v    []float64
}

func (d seqDense) At(i, j int) float64     { return d.v[i*d.c+j] }
func (d seqDense) Set(i, j int, x float64) { d.v[i*d.c+j] = x }

// seqSimplex minimises c'z subject to A z = b, z >= 0, by the two-phase
// tableau simplex method with Bland's rule (no cycling on the degenerate
// programs sequence forms give). It returns the optimum and a solution.
func seqSimplex(c []float64, A seqDense, b []float64) (float64, []float64, error) {
	m, n := A.r, A.c
	const eps = 1e-9
	w := n + m + 1 // columns: variables, artificials, right-hand side
	T := make([]float64, (m+1)*w)
	basis := make([]int, m)
	signs := make([]float64, m)
	for i := 0; i < m; i++ {
		sign := 1.0
		if b[i] < 0 {
			sign = -1
		}
		signs[i] = sign
		for j := 0; j < n; j++ {
			T[i*w+j] = sign * A.At(i, j)
		}
		T[i*w+n+i] = 1
		// Sequence-form programs are highly degenerate (one nonzero in b);
		// a small distinct perturbation of each right-hand side keeps the
		// simplex from stalling, and the final basis is re-solved against
		// the true b below.
		T[i*w+w-1] = sign*b[i] + 1e-7*float64(1+(i*7919)%97)/97
		basis[i] = n + i
	}
	obj := T[m*w : (m+1)*w]
	pivot := func(r, col int) {
		pr := T[r*w : (r+1)*w]
		pv := pr[col]
		for j := range pr {
			pr[j] /= pv
		}
		for i := 0; i <= m; i++ {
			if i == r {
				continue
			}
			ri := T[i*w : (i+1)*w]
			f := ri[col]
			if f == 0 {
				continue
			}
			for j, v := range pr {
				if v != 0 {
					ri[j] -= f * v
				}
			}
			ri[col] = 0
		}
		basis[r] = col
	}
	run := func(ncols int) error {
		degenerate := 0
		for iter := 0; ; iter++ {
			if iter > 50*(m+n)+1000 {
				return fmt.Errorf("simplex: too many pivots")
			}
			// Dantzig's rule, switching to Bland's (which cannot cycle)
			// after a run of degenerate pivots.
			bland := degenerate > 50
			col := -1
			for j := 0; j < ncols; j++ {
				if obj[j] < -eps && (col < 0 || (!bland && obj[j] < obj[col])) {
					col = j
					if bland {
						break
					}
				}
			}
			if col < 0 {
				return nil
			}
			row := -1
			best := math.Inf(1)
			for i := 0; i < m; i++ {
				if a := T[i*w+col]; a > eps {
					ratio := max(T[i*w+w-1], 0) / a
					if ratio < best-eps || (ratio <= best+eps && (row < 0 || basis[i] < basis[row])) {
						best, row = ratio, i
					}
				}
			}
			if row < 0 {
				return fmt.Errorf("simplex: unbounded program")
			}
			if best < eps {
				degenerate++
			} else {
				degenerate = 0
			}
			pivot(row, col)
		}
	}
	// phase 1: minimise the sum of artificials
	for j := range obj {
		obj[j] = 0
	}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			obj[j] -= T[i*w+j]
		}
		obj[w-1] -= T[i*w+w-1]
	}
	if err := run(n); err != nil {
		return 0, nil, err
	}
	if -obj[w-1] > 1e-5 {
		return 0, nil, fmt.Errorf("simplex: infeasible program")
	}
	// drive artificials out of the basis where possible
	for i := 0; i < m; i++ {
		if basis[i] < n {
			continue
		}
		for j := 0; j < n; j++ {
			if math.Abs(T[i*w+j]) > 1e-9 {
				pivot(i, j)
				break
			}
		}
	}
	// phase 2
	for j := range obj {
		obj[j] = 0
	}
	copy(obj, c)
	for i := 0; i < m; i++ {
		if bj := basis[i]; bj < n && c[bj] != 0 {
			f := c[bj]
			for j := 0; j < w; j++ {
				obj[j] -= f * T[i*w+j]
			}
		}
	}
	// artificials may not re-enter: only the first n columns are priced
	if err := run(n); err != nil {
		return 0, nil, err
	}
	// re-solve the optimal basis for the unperturbed right-hand side:
	// the artificial columns hold the basis inverse.
	z := make([]float64, n)
	for i := 0; i < m; i++ {
		if basis[i] < n {
			v := 0.0
			for k := 0; k < m; k++ {
				if b[k] != 0 {
					v += T[i*w+n+k] * signs[k] * b[k]
				}
			}
			z[basis[i]] = v
		}
	}
	val := 0.0
	for j := range z {
		val += c[j] * z[j]
	}
	return val, z, nil
}
