package markov

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Linear systems (I - scale·Q_UU) X = B on a subset U of chain nodes, with
// k right-hand sides. Small systems are solved densely by LU; large ones
// by symmetric Gauss–Seidel on the sparse rows, which never forms a dense
// matrix.

const (
	// denseMax is the largest system solved densely.
	denseMax = 200
	// solveTol is the target absolute accuracy (relative to the solution's
	// size when it exceeds 1) of iterative solves.
	solveTol = 1e-13
	// maxSweeps bounds Gauss–Seidel sweeps before giving up.
	maxSweeps = 200000
)

// linSystem is I - scale·Q restricted to the nodes U.
type linSystem struct {
	n      int
	rowPtr []int32
	col    []int32 // local indices, no diagonal
	val    []float64
	diag   []float64
	lu     *mat.LU
	// denseLimit overrides denseMax (tests force the iterative path).
	denseLimit int
}

// newLinSystem builds the system on nodes U; local maps a chain node to its
// index in U or -1. Columns outside U are dropped (their values are known
// and belong in the right-hand side).
func newLinSystem(c *Chain, U []int32, local []int32, scale float64, denseLimit int) (*linSystem, error) {
	n := len(U)
	ls := &linSystem{n: n, rowPtr: make([]int32, n+1), diag: make([]float64, n), denseLimit: denseLimit}
	for i, x := range U {
		d := 1.0
		for e := c.RowPtr[x]; e < c.RowPtr[x+1]; e++ {
			y := c.Col[e]
			ly := local[y]
			if ly < 0 {
				continue
			}
			if ly == int32(i) {
				d -= scale * c.P[e]
				continue
			}
			ls.col = append(ls.col, ly)
			ls.val = append(ls.val, scale*c.P[e])
		}
		ls.diag[i] = d
		ls.rowPtr[i+1] = int32(len(ls.col))
	}
	if n <= denseLimit && n > 0 {
		a := mat.NewDense(n, n, nil)
		for i := 0; i < n; i++ {
			a.Set(i, i, ls.diag[i])
			for e := ls.rowPtr[i]; e < ls.rowPtr[i+1]; e++ {
				a.Set(i, int(ls.col[e]), a.At(i, int(ls.col[e]))-ls.val[e])
			}
		}
		var lu mat.LU
		lu.Factorize(a)
		if cond := lu.Cond(); math.IsInf(cond, 0) || cond > 1e14 {
			return nil, fmt.Errorf("markov: linear system of %d nodes is singular (condition %.3g)", n, cond)
		}
		ls.lu = &lu
	}
	return ls, nil
}

// solve returns X (n×k, row-major) with (I - scale·Q_UU) X = B.
func (ls *linSystem) solve(ctx context.Context, b []float64, k int) ([]float64, error) {
	n := ls.n
	if n == 0 || k == 0 {
		return make([]float64, n*k), nil
	}
	if ls.lu != nil {
		bm := mat.NewDense(n, k, append([]float64(nil), b...))
		var x mat.Dense
		if err := ls.lu.SolveTo(&x, false, bm); err != nil {
			return nil, fmt.Errorf("markov: dense solve: %w", err)
		}
		out := make([]float64, n*k)
		for i := 0; i < n; i++ {
			for j := 0; j < k; j++ {
				out[i*k+j] = x.At(i, j)
			}
		}
		return out, nil
	}
	for _, d := range ls.diag {
		if !(d > 0) {
			return nil, fmt.Errorf("markov: linear system has a node that never leaves (diagonal %v)", d)
		}
	}
	x := make([]float64, n*k)
	acc := make([]float64, k)
	prevDiff := math.Inf(1)
	for sweep := 0; sweep < maxSweeps; sweep++ {
		if sweep%64 == 63 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		diff, size := 0.0, 0.0
		// Alternate sweep directions: information flows both along and
		// against the breadth-first order of U.
		lo, hi, step := 0, n, 1
		if sweep%2 == 1 {
			lo, hi, step = n-1, -1, -1
		}
		for i := lo; i != hi; i += step {
			copy(acc, b[i*k:i*k+k])
			for e := ls.rowPtr[i]; e < ls.rowPtr[i+1]; e++ {
				v := ls.val[e]
				xj := x[int(ls.col[e])*k : int(ls.col[e])*k+k]
				for j := range acc {
					acc[j] += v * xj[j]
				}
			}
			xi := x[i*k : i*k+k]
			d := ls.diag[i]
			for j := range acc {
				nv := acc[j] / d
				if dd := math.Abs(nv - xi[j]); dd > diff {
					diff = dd
				}
				if a := math.Abs(nv); a > size {
					size = a
				}
				xi[j] = nv
			}
		}
		if math.IsNaN(diff) || math.IsInf(size, 0) {
			return nil, fmt.Errorf("markov: iterative solve diverged")
		}
		tol := solveTol * math.Max(1, size)
		if diff == 0 {
			return x, nil
		}
		// The remaining error of a linearly converging iteration is about
		// diff·ρ/(1-ρ), with ρ estimated from successive changes.
		if sweep >= 2 && diff <= tol {
			rho := diff / prevDiff
			if rho < 1 && diff*rho/(1-rho) <= tol {
				return x, nil
			}
		}
		prevDiff = diff
	}
	return nil, fmt.Errorf("markov: iterative solve on %d nodes did not converge to %g in %d sweeps", n, solveTol, maxSweeps)
}
