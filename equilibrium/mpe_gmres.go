package equilibrium

import "math"

// mpeGMRES solves square systems A x = b by GMRES (Saad & Schultz 1986)
// with a right preconditioner, without restarts: the homotopy uses it with
// an earlier factorisation of the path's matrix as the preconditioner, so
// that a few iterations (each one product with the sparse current matrix
// and one solve with the old factors) replace a new dense factorisation.
type mpeGMRES struct {
	n, m   int
	v, z   [][]float64 // Arnoldi basis and its preconditioned images
	h      [][]float64 // (m+1) × m Hessenberg matrix, rotated in place
	cs, sn []float64   // Givens rotations
	g      []float64   // rotated right-hand side
	w      []float64
}

func newMPEGMRES(n, m int) *mpeGMRES {
	g := &mpeGMRES{n: n, m: m, cs: make([]float64, m), sn: make([]float64, m), g: make([]float64, m+1), w: make([]float64, n)}
	for j := 0; j <= m; j++ {
		g.v = append(g.v, make([]float64, n))
		g.h = append(g.h, make([]float64, m))
		if j < m {
			g.z = append(g.z, make([]float64, n))
		}
	}
	return g
}

func mpeDot(x, y []float64) float64 {
	s := 0.0
	for i, v := range x {
		s += v * y[i]
	}
	return s
}

// solve sets x to an approximate solution of A x = b with
// ‖b − A x‖₂ ≤ tol ‖b‖₂, where mul(dst, x) sets dst = A x and prec(dst,
// src) sets dst = P⁻¹ src. It returns the iterations used and whether the
// tolerance was met within m iterations (x is left unchanged if not).
func (g *mpeGMRES) solve(mul func(dst, x []float64), prec func(dst, src []float64) error, b, x []float64, tol float64) (int, bool) {
	beta := math.Sqrt(mpeDot(b, b))
	if beta == 0 {
		clear(x)
		return 0, true
	}
	if math.IsNaN(beta) || math.IsInf(beta, 0) {
		return 0, false
	}
	for i, v := range b {
		g.v[0][i] = v / beta
	}
	clear(g.g)
	g.g[0] = beta
	for j := 0; j < g.m; j++ {
		if err := prec(g.z[j], g.v[j]); err != nil {
			return j, false
		}
		mul(g.w, g.z[j])
		// modified Gram–Schmidt
		for i := 0; i <= j; i++ {
			hij := mpeDot(g.w, g.v[i])
			g.h[i][j] = hij
			for k, vk := range g.v[i] {
				g.w[k] -= hij * vk
			}
		}
		hn := math.Sqrt(mpeDot(g.w, g.w))
		g.h[j+1][j] = hn
		for i := 0; i < j; i++ {
			a, c := g.h[i][j], g.h[i+1][j]
			g.h[i][j] = g.cs[i]*a + g.sn[i]*c
			g.h[i+1][j] = -g.sn[i]*a + g.cs[i]*c
		}
		d := math.Hypot(g.h[j][j], hn)
		if d == 0 || math.IsNaN(d) {
			return j + 1, false
		}
		g.cs[j], g.sn[j] = g.h[j][j]/d, hn/d
		g.h[j][j], g.h[j+1][j] = d, 0
		g.g[j+1] = -g.sn[j] * g.g[j]
		g.g[j] *= g.cs[j]
		if math.Abs(g.g[j+1]) <= tol*beta || hn == 0 {
			// back-substitute the triangular system, then x = Z y
			y := g.g[:j+1]
			for i := j; i >= 0; i-- {
				s := y[i]
				for k := i + 1; k <= j; k++ {
					s -= g.h[i][k] * y[k]
				}
				y[i] = s / g.h[i][i]
			}
			clear(x)
			for i := 0; i <= j; i++ {
				for k, zk := range g.z[i] {
					x[k] += y[i] * zk
				}
			}
			return j + 1, true
		}
		for k := range g.w {
			g.v[j+1][k] = g.w[k] / hn
		}
	}
	return g.m, false
}
