package markov

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Linear systems (I - scale·M_UU) X = B on a subset U of chain nodes, M the
// transition matrix or its transpose, with k right-hand sides. Small
// systems are solved densely by LU; large ones by BiCGSTAB on the sparse
// rows (symmetric Gauss–Seidel if it breaks down), which never forms a
// dense matrix.

const (
	// denseMax is the largest system solved densely.
	denseMax = 200
	// solveTol is the backward error iterative solves must reach:
	// ‖b - Ax‖∞ ≤ solveTol·max(‖b‖∞, ‖x‖∞).
	solveTol = 1e-13
	// maxSweeps bounds Gauss–Seidel sweeps before giving up.
	maxSweeps = 200000
)

// linSystem is I - scale·M restricted to the nodes U.
type linSystem struct {
	n      int
	rowPtr []int32
	col    []int32 // local indices, no diagonal
	val    []float64
	diag   []float64
	lu     *mat.LU
	// ilu is the incomplete LU factorisation preconditioning the
	// iterative solves, built on first use and shared by every solve.
	ilu *ilu0
	// denseLimit overrides denseMax (tests force the iterative path).
	denseLimit int
	// lay, on a clocked chain, solves the nodes before the clock by
	// substitution and the rest as a smaller system (nil: one system).
	lay *layered
}

// csr is a sparse matrix in compressed rows: the chain's transition
// matrix or its transpose.
type csr struct {
	rowPtr []int32
	col    []int32
	val    []float64
}

// newLinSystem builds I - scale·M on nodes U, for M the chain's matrix or
// its transpose; local maps a chain node to its index in U or -1. Columns
// outside U are dropped (their values are known and belong in the
// right-hand side).
func newLinSystem(m csr, U []int32, local []int32, scale float64, denseLimit int) (*linSystem, error) {
	return newLinSystemClocked(m, U, local, scale, denseLimit, nil, 0, nil)
}

// newLinSystemClocked is newLinSystem on a clocked chain, phase[x] being
// node x's phase (Chain.phase; nil or clock 0: no clock). A node before
// the clock runs out only leads to nodes of the next phase or to endings,
// so the nodes of U before the clock are solved by substitution, phase by
// phase, reading their rows from m itself, and only the stationary nodes
// (phase clock) form a system, as large as an unclocked chain's (see
// layered). The system's memory comes from mem (nil: new memory); it is
// valid until mem's next use, and m, U and local must stay as they are
// while the system is used.
func newLinSystemClocked(m csr, U []int32, local []int32, scale float64, denseLimit int, phase []int32, clock int, mem *lsMem) (*linSystem, error) {
	if mem == nil {
		mem = &lsMem{}
	}
	if clock > 0 && phase != nil {
		ls, err := newLayered(m, U, local, scale, denseLimit, phase, clock, mem)
		if err != nil || ls != nil {
			return ls, err
		}
	}
	ls := buildRows(m, U, local, scale, denseLimit, &mem.rows)
	if err := ls.factorIn(mem); err != nil {
		return nil, err
	}
	return ls, nil
}

// rowsMem is the memory of a system's sparse rows, reused from system to
// system.
type rowsMem struct {
	rowPtr, col []int32
	val, diag   []float64
}

// buildRows is the sparse rows of I - scale·M on U (see newLinSystem), in
// mem's memory.
func buildRows(m csr, U []int32, local []int32, scale float64, denseLimit int, mem *rowsMem) *linSystem {
	n := len(U)
	nnz := 0
	for _, x := range U {
		nnz += int(m.rowPtr[x+1] - m.rowPtr[x])
	}
	mem.rowPtr = grow(mem.rowPtr, n+1)
	mem.diag = grow(mem.diag, n)
	mem.col = grow(mem.col, nnz)[:0]
	mem.val = grow(mem.val, nnz)[:0]
	ls := &linSystem{n: n, rowPtr: mem.rowPtr, diag: mem.diag, denseLimit: denseLimit}
	ls.rowPtr[0] = 0
	col, val := mem.col, mem.val
	for i, x := range U {
		d := 1.0
		for e := m.rowPtr[x]; e < m.rowPtr[x+1]; e++ {
			y := m.col[e]
			ly := local[y]
			if ly < 0 {
				continue
			}
			if ly == int32(i) {
				d -= scale * m.val[e]
				continue
			}
			col = append(col, ly)
			val = append(val, scale*m.val[e])
		}
		ls.diag[i] = d
		ls.rowPtr[i+1] = int32(len(col))
	}
	ls.col, ls.val = col, val
	return ls
}

// grow returns s resliced to length n, reallocated if its capacity is
// short; the contents are unspecified.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4)
	}
	return s[:n]
}

// factorIn factorises the system densely when it is small enough, in
// mem's memory (nil: new memory).
func (ls *linSystem) factorIn(mem *lsMem) error {
	n := ls.n
	if n <= ls.denseLimit && n > 0 {
		var a *mat.Dense
		lu := new(mat.LU)
		if mem != nil {
			a = mat.NewDense(n, n, zeroed(&mem.dense, n*n))
			lu = &mem.lu
		} else {
			a = mat.NewDense(n, n, nil)
		}
		for i := 0; i < n; i++ {
			a.Set(i, i, ls.diag[i])
			for e := ls.rowPtr[i]; e < ls.rowPtr[i+1]; e++ {
				a.Set(i, int(ls.col[e]), a.At(i, int(ls.col[e]))-ls.val[e])
			}
		}
		lu.Factorize(a)
		if cond := lu.Cond(); math.IsInf(cond, 0) || cond > 1e14 {
			return fmt.Errorf("markov: linear system of %d nodes is singular (condition %.3g): the chain leaves some of its states with a probability per step too small for float64 arithmetic", n, cond)
		}
		ls.lu = lu
	}
	return nil
}

// solve returns X (n×k, row-major) with (I - scale·Q_UU) X = B.
func (ls *linSystem) solve(ctx context.Context, b []float64, k int) ([]float64, error) {
	return ls.solveFrom(ctx, b, k, nil)
}

// solveFrom is solve with an initial guess x0 for the iterative path (one
// right-hand side; nil means zero). A good guess only saves iterations:
// the answer meets the same backward-error target.
func (ls *linSystem) solveFrom(ctx context.Context, b []float64, k int, x0 []float64) ([]float64, error) {
	return ls.solveInto(ctx, nil, b, k, x0)
}

// solveInto is solveFrom writing the solution of a layered system into
// *dst (resized as needed; nil: new memory), which must not be b.
func (ls *linSystem) solveInto(ctx context.Context, dst *[]float64, b []float64, k int, x0 []float64) ([]float64, error) {
	n := ls.n
	if n == 0 || k == 0 {
		return make([]float64, n*k), nil
	}
	if ls.lay != nil {
		return ls.solveLayered(ctx, dst, b, k, x0)
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
	out := make([]float64, n*k)
	bj := make([]float64, n)
	var w *bicgWork
	for j := 0; j < k; j++ {
		for i := range bj {
			bj[i] = b[i*k+j]
		}
		if w == nil {
			w = newBicgWork(n)
		}
		var guess []float64
		if k == 1 {
			guess = x0
		}
		x, err := ls.bicgstabFrom(ctx, bj, w, guess)
		if err != nil {
			// BiCGSTAB broke down or stagnated: fall back to Gauss–Seidel,
			// slower but monotone for these M-matrices.
			if x, err = ls.gaussSeidel(ctx, bj); err != nil {
				return nil, err
			}
		}
		for i, v := range x {
			out[i*k+j] = v
		}
	}
	return out, nil
}

// matvec sets y = (I - scale·M_UU) x.
func (ls *linSystem) matvec(y, x []float64) {
	if ls.lay != nil {
		ls.matvecLayered(y, x)
		return
	}
	for i := 0; i < ls.n; i++ {
		acc := ls.diag[i] * x[i]
		for e := ls.rowPtr[i]; e < ls.rowPtr[i+1]; e++ {
			acc -= ls.val[e] * x[ls.col[e]]
		}
		y[i] = acc
	}
}

// matvecDot sets y = (I - scale·M_UU) x and returns r·y, in one pass.
func (ls *linSystem) matvecDot(y, x, r []float64) float64 {
	d := 0.0
	y, x, r = y[:ls.n], x[:ls.n], r[:ls.n]
	diag := ls.diag[:len(y)]
	for i := range y {
		lo, hi := ls.rowPtr[i], ls.rowPtr[i+1]
		col, val := ls.col[lo:hi], ls.val[lo:hi]
		acc := diag[i] * x[i]
		for e, c := range col {
			acc -= val[e] * x[c]
		}
		y[i] = acc
		d += r[i] * acc
	}
	return d
}

// matvecDot2 sets y = (I - scale·M_UU) x and returns y·y and y·s.
func (ls *linSystem) matvecDot2(y, x, s []float64) (float64, float64) {
	yy, ys := 0.0, 0.0
	y, x, s = y[:ls.n], x[:ls.n], s[:ls.n]
	diag := ls.diag[:len(y)]
	for i := range y {
		lo, hi := ls.rowPtr[i], ls.rowPtr[i+1]
		col, val := ls.col[lo:hi], ls.val[lo:hi]
		acc := diag[i] * x[i]
		for e, c := range col {
			acc -= val[e] * x[c]
		}
		y[i] = acc
		yy += acc * acc
		ys += acc * s[i]
	}
	return yy, ys
}

type bicgWork struct{ r, rh, p, v, y, s, z, t, inv []float64 }

func newBicgWork(n int) *bicgWork {
	w := &bicgWork{}
	for _, v := range []*[]float64{&w.r, &w.rh, &w.p, &w.v, &w.y, &w.s, &w.z, &w.t, &w.inv} {
		*v = make([]float64, n)
	}
	return w
}

func normInf(a []float64) float64 {
	m := 0.0
	for _, x := range a {
		if x < 0 {
			x = -x
		}
		if x > m || x != x {
			m = x
		}
	}
	return m
}

// converged reports whether x solves the system to backward error
// solveTol: ‖b - Ax‖∞ ≤ solveTol·max(‖b‖∞, ‖x‖∞), r being b - Ax.
func converged(r, b, x []float64) bool {
	return normInf(r) <= solveTol*max(normInf(b), normInf(x))
}

// bicgstab solves with ILU(0)-preconditioned BiCGSTAB (right
// preconditioning, so the residual is the true one's recursion), restarting from the
// true residual (iterative refinement) so the answer meets the backward
// error target. Vector operations are fused to limit passes over memory.
func (ls *linSystem) bicgstab(ctx context.Context, b []float64, w *bicgWork) ([]float64, error) {
	return ls.bicgstabFrom(ctx, b, w, nil)
}

// bicgstabFrom is bicgstab from the initial guess x0 (nil: zero), which is
// dropped if its residual is larger than b's.
func (ls *linSystem) bicgstabFrom(ctx context.Context, b []float64, w *bicgWork, x0 []float64) ([]float64, error) {
	n := ls.n
	x := make([]float64, n)
	bn := normInf(b)
	if bn == 0 {
		return x, nil
	}
	if len(x0) == n {
		copy(x, x0)
		ls.matvec(w.r, x)
		rn := 0.0
		for i, v := range w.r {
			rn = max(rn, math.Abs(b[i]-v))
		}
		if !(rn < bn) {
			clear(x)
		}
	}
	if ls.ilu == nil {
		ls.ilu = newILU0(ls)
	}
	pc := ls.ilu
	const maxIter = 5000
	iter := 0
	for restart := 0; restart < 8; restart++ {
		// r = b - A x
		ls.matvec(w.r, x)
		for i := range w.r {
			w.r[i] = b[i] - w.r[i]
		}
		if converged(w.r, b, x) {
			return x, nil
		}
		// The shadow residual: r itself is the usual choice, but the
		// right-hand sides here are often one-hot (e_Init), which makes
		// r·r̂ vanish after one step; a fixed pseudo-random perturbation
		// avoids that breakdown and keeps runs deterministic.
		rn := normInf(w.r)
		rhoNew := 0.0
		for i := range w.rh {
			w.rh[i] = w.r[i] + rn*(float64(splitmix64(uint64(i))>>11)/(1<<53)-0.5)
			rhoNew += w.rh[i] * w.r[i]
		}
		clear(w.p)
		clear(w.v)
		rho, alpha, omega := 1.0, 1.0, 1.0
		stop := 1e-3 * solveTol * rn // also stop when far below where we started
		for ; iter < maxIter; iter++ {
			if iter%64 == 63 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			if rhoNew == 0 || omega == 0 {
				break // restart from the true residual
			}
			beta := rhoNew / rho * alpha / omega
			rho = rhoNew
			p, r, v, y := w.p[:n], w.r[:n], w.v[:n], w.y[:n]
			for i := range p {
				p[i] = r[i] + beta*(p[i]-omega*v[i])
			}
			pc.apply(y, p)
			den := ls.matvecDot(v, y, w.rh)
			if den == 0 {
				break
			}
			alpha = rho / den
			sv, z := w.s[:n], w.z[:n]
			for i := range sv {
				sv[i] = r[i] - alpha*v[i]
			}
			pc.apply(z, sv)
			tt, ts := ls.matvecDot2(w.t, z, sv)
			omega = 0
			if tt > 0 {
				omega = ts / tt
			}
			rhoNew = 0
			rmax, xmax := 0.0, 0.0
			for i := range x {
				x[i] += alpha*y[i] + omega*z[i]
				r[i] = sv[i] - omega*w.t[i]
				rhoNew += w.rh[i] * r[i]
				// Plain comparisons: the max builtin's NaN and signed-zero
				// rules cost more than the rest of this loop. A NaN is
				// caught through alpha and omega below.
				if a := math.Abs(r[i]); a > rmax {
					rmax = a
				}
				if a := math.Abs(x[i]); a > xmax {
					xmax = a
				}
			}
			if omega != omega || alpha != alpha {
				return nil, fmt.Errorf("markov: BiCGSTAB broke down")
			}
			// Recompute the true residual once the recursive one is small.
			if rmax <= stop || rmax <= 0.5*solveTol*max(bn, xmax) {
				iter++
				break
			}
		}
		if iter >= maxIter {
			break
		}
	}
	return nil, fmt.Errorf("markov: BiCGSTAB on %d nodes did not converge", n)
}

// gaussSeidel solves by symmetric Gauss–Seidel sweeps.
func (ls *linSystem) gaussSeidel(ctx context.Context, b []float64) ([]float64, error) {
	n, k := ls.n, 1
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

// ilu0 is the incomplete LU factorisation of I - scale·M_UU on its own
// sparsity pattern: L unit lower triangular, U upper, LU equal to the
// matrix on every stored entry. For these M-matrices it exists and is
// stable (Meijerink and van der Vorst), and as a preconditioner it cuts
// BiCGSTAB iterations several-fold against Jacobi at about the cost of
// one more matrix-vector product per application.
type ilu0 struct {
	n      int
	rowPtr []int32 // rows sorted by column, diagonal included
	col    []int32
	val    []float64
	dpos   []int32 // position of the diagonal in each row
	invD   []float64
}

func newILU0(ls *linSystem) *ilu0 {
	n := ls.n
	f := &ilu0{n: n, rowPtr: make([]int32, n+1), col: make([]int32, 0, len(ls.col)+n),
		val: make([]float64, 0, len(ls.col)+n), dpos: make([]int32, n), invD: make([]float64, n)}
	for i := 0; i < n; i++ {
		start := len(f.col)
		f.col = append(f.col, int32(i))
		f.val = append(f.val, ls.diag[i])
		for e := ls.rowPtr[i]; e < ls.rowPtr[i+1]; e++ {
			f.col = append(f.col, ls.col[e])
			f.val = append(f.val, -ls.val[e])
		}
		// Insertion sort: rows are short. Duplicate columns (parallel
		// transitions) are merged.
		c, v := f.col[start:], f.val[start:]
		for a := 1; a < len(c); a++ {
			for b := a; b > 0 && c[b-1] > c[b]; b-- {
				c[b-1], c[b] = c[b], c[b-1]
				v[b-1], v[b] = v[b], v[b-1]
			}
		}
		m := 0
		for a := range c {
			if m > 0 && c[m-1] == c[a] {
				v[m-1] += v[a]
				continue
			}
			c[m], v[m] = c[a], v[a]
			m++
		}
		f.col, f.val = f.col[:start+m], f.val[:start+m]
		f.rowPtr[i+1] = int32(len(f.col))
	}
	pos := make([]int32, n)
	for i := range pos {
		pos[i] = -1
	}
	for i := 0; i < n; i++ {
		lo, hi := f.rowPtr[i], f.rowPtr[i+1]
		for e := lo; e < hi; e++ {
			pos[f.col[e]] = e
		}
		for e := lo; e < hi; e++ {
			k := f.col[e]
			if k >= int32(i) {
				f.dpos[i] = e
				break
			}
			f.val[e] *= f.invD[k]
			lik := f.val[e]
			for q := f.dpos[k] + 1; q < f.rowPtr[k+1]; q++ {
				if p := pos[f.col[q]]; p >= 0 {
					f.val[p] -= lik * f.val[q]
				}
			}
		}
		f.invD[i] = 1 / f.val[f.dpos[i]]
		for e := lo; e < hi; e++ {
			pos[f.col[e]] = -1
		}
	}
	return f
}

// apply sets z = (LU)⁻¹ r.
func (f *ilu0) apply(z, r []float64) {
	z, r = z[:f.n], r[:f.n]
	for i := range z {
		lo, hi := f.rowPtr[i], f.dpos[i]
		col, val := f.col[lo:hi], f.val[lo:hi]
		acc := r[i]
		for e, c := range col {
			acc -= val[e] * z[c]
		}
		z[i] = acc
	}
	invD := f.invD[:len(z)]
	for i := len(z) - 1; i >= 0; i-- {
		lo, hi := f.dpos[i]+1, f.rowPtr[i+1]
		col, val := f.col[lo:hi], f.val[lo:hi]
		acc := z[i]
		for e, c := range col {
			acc -= val[e] * z[c]
		}
		z[i] = acc * invD[i]
	}
}
