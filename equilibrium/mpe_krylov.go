package equilibrium

import (
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// mpeKrylov solves the path's bordered systems [J(y); τ] x = b, with J the
// Jacobian now in the tracer and τ a given last row, by GMRES
// preconditioned by an older factorisation of the same kind of system
// (Saad & Schultz 1986; right preconditioning, so the residual it
// monitors is the true one). On large games a path step's cost was the
// dense LU of the values' Schur complement, about ⅔·(actors·states)³
// operations; one GMRES iteration costs a product with the sparse J and a
// pair of triangular solves with the old factors, about 2·(actors·states)²
// operations, so while the old factors stay a good preconditioner (the
// path has moved little since they were made) a whole Newton corrector
// with exact Jacobians costs a few percent of one factorisation. When
// GMRES does not converge within its basis the caller factors afresh.
type mpeKrylov struct {
	t      *mpeTracer
	lu     *mpeSchur
	m      int         // largest basis
	v, z   [][]float64 // the orthonormal basis and its preconditioned images
	vv, zv []*mat.VecDense
	h      []float64 // (m+1)×m Hessenberg matrix, row-major
	hr     []float64 // the same before the Givens rotations
	hs     []float64 // scratch of ritzSign
	cs, sn []float64 // Givens rotations
	g, yk  []float64
	w      []float64
	// J's rows in the order the tracer packs them (t.jv), and each
	// row's pattern
	rows []int
	pat  [][]int
	// its is the largest number of iterations one solve took since the
	// counter was last reset: how stale the preconditioner has become.
	its int
	// last is the number of iterations of the last solve.
	last int
}

func newMPEKrylov(t *mpeTracer, lu *mpeSchur, m int) *mpeKrylov {
	n1 := t.n + 1
	k := &mpeKrylov{t: t, lu: lu, m: m, h: make([]float64, (m+1)*m), hr: make([]float64, (m+1)*m), hs: make([]float64, m*m),
		cs: make([]float64, m), sn: make([]float64, m), g: make([]float64, m+1),
		yk: make([]float64, m), w: make([]float64, n1)}
	tm := t.m
	for i, s := range tm.nt {
		for a := 0; a < tm.nA; a++ {
			for r := t.off[a][s]; r <= t.vcol(a, s); r++ {
				k.rows = append(k.rows, r)
				k.pat = append(k.pat, t.pat[i])
			}
		}
	}
	for j := 0; j <= m; j++ {
		k.v = append(k.v, make([]float64, n1))
		k.vv = append(k.vv, mat.NewVecDense(n1, k.v[j]))
		if j < m {
			k.z = append(k.z, make([]float64, n1))
			k.zv = append(k.zv, mat.NewVecDense(n1, k.z[j]))
		}
	}
	return k
}

// mul sets dst to [J; τ] x with J as the tracer last evaluated it.
func (k *mpeKrylov) mul(dst, x, tau []float64) {
	v := k.t.jv
	for ri, r := range k.rows {
		p := k.pat[ri]
		sum := 0.0
		for j, c := range p {
			sum += v[j] * x[c]
		}
		dst[r] = sum
		v = v[len(p):]
	}
	dst[k.t.n] = floats.Dot(tau, x)
}

// solve sets x to the solution of [J; τ] x = b (J as last evaluated), to a
// residual of at most rtol·‖b‖₂, starting from x0 (nil: from 0). It
// reports false when the basis of m vectors was not enough (or a
// preconditioner solve failed): the preconditioner is too stale, or the
// system singular.
func (k *mpeKrylov) solve(x, b, x0, tau []float64, rtol float64) bool {
	r0 := k.v[0]
	copy(r0, b)
	if x0 != nil {
		k.mul(k.w, x0, tau)
		for i, v := range k.w {
			r0[i] -= v
		}
	}
	bn, beta := 0.0, 0.0
	for i, v := range b {
		bn += v * v
		beta += r0[i] * r0[i]
	}
	bn, beta = math.Sqrt(bn), math.Sqrt(beta)
	if x0 != nil {
		copy(x, x0)
	} else {
		clear(x)
	}
	if beta <= rtol*bn {
		k.last = 0
		return true
	}
	if math.IsNaN(beta) || math.IsInf(beta, 0) {
		return false
	}
	for i := range r0 {
		r0[i] /= beta
	}
	m := k.m
	clear(k.g)
	k.g[0] = beta
	j := 0
	done := false
	for ; j < m && !done; j++ {
		if err := k.lu.solveVec(k.zv[j], k.vv[j]); err != nil {
			return false
		}
		w := k.w
		k.mul(w, k.z[j], tau)
		// modified Gram–Schmidt
		for i := 0; i <= j; i++ {
			vi := k.v[i]
			d := 0.0
			for l, wl := range w {
				d += wl * vi[l]
			}
			k.h[i*m+j] = d
			for l := range w {
				w[l] -= d * vi[l]
			}
		}
		nw := 0.0
		for _, wl := range w {
			nw += wl * wl
		}
		nw = math.Sqrt(nw)
		k.h[(j+1)*m+j] = nw
		for i := 0; i <= j+1; i++ {
			k.hr[i*m+j] = k.h[i*m+j]
		}
		if nw > 0 {
			vn := k.v[j+1]
			for l, wl := range w {
				vn[l] = wl / nw
			}
		}
		for i := 0; i < j; i++ {
			a, c := k.h[i*m+j], k.h[(i+1)*m+j]
			k.h[i*m+j] = k.cs[i]*a + k.sn[i]*c
			k.h[(i+1)*m+j] = -k.sn[i]*a + k.cs[i]*c
		}
		a, c := k.h[j*m+j], k.h[(j+1)*m+j]
		r := math.Hypot(a, c)
		if r == 0 || math.IsNaN(r) {
			return false
		}
		k.cs[j], k.sn[j] = a/r, c/r
		k.h[j*m+j], k.h[(j+1)*m+j] = r, 0
		k.g[j+1] = -k.sn[j] * k.g[j]
		k.g[j] = k.cs[j] * k.g[j]
		res := math.Abs(k.g[j+1])
		done = res <= rtol*bn || nw == 0
	}
	k.last = j
	k.its = max(k.its, j)
	if !done {
		return false
	}
	for i := j - 1; i >= 0; i-- {
		s := k.g[i]
		for l := i + 1; l < j; l++ {
			s -= k.h[i*m+l] * k.yk[l]
		}
		k.yk[i] = s / k.h[i*m+i]
	}
	for i := 0; i < j; i++ {
		yi, zi := k.yk[i], k.z[i]
		for l := range x {
			x[l] += yi * zi[l]
		}
	}
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// ritzSign is the sign of the determinant of the last solve's square
// Hessenberg matrix: the product of the Ritz values of [J; τ]·M⁻¹ (M the
// preconditioner) on its Krylov space. With a good preconditioner the
// spectrum clusters around 1, and an eigenvalue that has crossed zero
// since M was factored (the orientation of the path flipped: the
// corrector has landed on another branch) is an outlier that GMRES
// resolves, so the sign of det [J; τ] is about sign det M times this.
func (k *mpeKrylov) ritzSign() float64 {
	j, m := k.last, k.m
	if j == 0 {
		return 1
	}
	a := k.hs[:0]
	for i := 0; i < j; i++ {
		a = append(a, k.hr[i*m:i*m+j]...)
	}
	sign := 1.0
	for c := 0; c < j; c++ {
		p := c
		if c+1 < j && math.Abs(a[(c+1)*j+c]) > math.Abs(a[c*j+c]) {
			p = c + 1 // upper Hessenberg: only the next row can pivot
		}
		if p != c {
			for l := c; l < j; l++ {
				a[c*j+l], a[p*j+l] = a[p*j+l], a[c*j+l]
			}
			sign = -sign
		}
		d := a[c*j+c]
		if d == 0 {
			return 0
		}
		if d < 0 {
			sign = -sign
		}
		if c+1 < j {
			f := a[(c+1)*j+c] / d
			for l := c; l < j; l++ {
				a[(c+1)*j+l] -= f * a[c*j+l]
			}
		}
	}
	return sign
}
