package equilibrium

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// GMRES preconditioned by the factorisation of another point solves the
// path's bordered system [J(y); τ] x = b as a dense LU of that system
// does, and needs at most two iterations when the preconditioner is the
// system's own factorisation.
func TestMPEKrylovSolve(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		m, err := newMPEModel(context.Background(), mpeRandomGame(seed, 30, 2, 2, 0.9))
		if err != nil {
			t.Fatal(err)
		}
		ms := m.scaledBy(1 / m.scale)
		tr := newMPETracer(ms)
		n := tr.n
		r := rand.New(rand.NewPCG(seed, 99))
		point := func(lam float64) []float64 {
			y := make([]float64, n+1)
			for i := range y[:n] {
				if tr.isBeta[i] {
					y[i] = math.Log(0.2 + 0.6*r.Float64())
				} else {
					y[i] = r.Float64() - 0.5
				}
			}
			y[n] = lam
			return y
		}
		tau := make([]float64, n+1)
		for i := range tau {
			tau[i] = r.Float64() - 0.5
		}
		// two nearby points, as along the path
		y1 := point(3)
		y2 := make([]float64, n+1)
		for i := range y2 {
			y2[i] = y1[i] + 0.02*(r.Float64()-0.5)
		}
		// the preconditioner: the factorisation at y1
		lu := newMPESchur(tr)
		tr.eval(y1, true)
		copy(tr.J.RawRowView(n), tau)
		if !lu.factor(tr.jacobian()) {
			t.Fatalf("seed %d: singular at y1", seed)
		}
		kr := newMPEKrylov(tr, lu, mpeKrylovBasis)
		tr.eval(y2, true)
		copy(tr.J.RawRowView(n), tau)
		b := make([]float64, n+1)
		for i := range b {
			b[i] = r.Float64() - 0.5
		}
		x := make([]float64, n+1)
		if !kr.solve(x, b, nil, tau, 1e-12) {
			t.Fatalf("seed %d: GMRES did not converge in %d iterations", seed, mpeKrylovBasis)
		}
		var dlu mat.LU
		dlu.Factorize(tr.jacobian())
		var want mat.VecDense
		if err := dlu.SolveVecTo(&want, false, mat.NewVecDense(n+1, b)); err != nil {
			t.Fatal(err)
		}
		for i := range x {
			if d := math.Abs(x[i] - want.AtVec(i)); d > 1e-8*(1+math.Abs(want.AtVec(i))) {
				t.Fatalf("seed %d: x[%d] = %g, dense LU %g", seed, i, x[i], want.AtVec(i))
			}
		}
		// From a starting point that already solves the system, no
		// iteration is needed.
		x2 := make([]float64, n+1)
		if !kr.solve(x2, b, x, tau, 1e-6) || kr.last != 0 {
			t.Errorf("seed %d: a start at the solution took iterations", seed)
		}
		// With its own factorisation as preconditioner.
		if !lu.factor(tr.J) {
			t.Fatalf("seed %d: singular at y2", seed)
		}
		if !kr.solve(x, b, nil, tau, 1e-10) || kr.last > 2 {
			t.Errorf("seed %d: %d iterations with the exact preconditioner", seed, kr.last)
		}
		if s := kr.ritzSign(); s != 1 {
			t.Errorf("seed %d: Ritz sign %g with the exact preconditioner", seed, s)
		}
		// A preconditioner whose determinant has the other sign (its
		// last row negated): [J; τ]·M⁻¹ is diag(1, …, 1, −1), and the
		// solve must see the −1.
		neg := make([]float64, n+1)
		for i, v := range tau {
			neg[i] = -v
		}
		copy(tr.J.RawRowView(n), neg)
		if !lu.factor(tr.J) {
			t.Fatalf("seed %d: singular with −τ", seed)
		}
		if !kr.solve(x, b, nil, tau, 1e-10) {
			t.Fatalf("seed %d: no convergence with −τ", seed)
		}
		if s := kr.ritzSign(); s != -1 {
			t.Errorf("seed %d: Ritz sign %g with a preconditioner of the other orientation", seed, s)
		}
	}
}

// The Jacobian eval packs (and jacobian spreads into the dense matrix)
// is the derivative of H: central differences of H agree with every
// entry, and the entries off the rows' patterns are zero. Games with two
// and three actors and different numbers of actions per state.
func TestMPETracerJacobianMatchesDifferences(t *testing.T) {
	games := []struct {
		seed      uint64
		nS, nA, K int
	}{{1, 6, 2, 2}, {2, 5, 2, 3}, {3, 4, 3, 2}, {4, 3, 3, 3}}
	for _, c := range games {
		m, err := newMPEModel(context.Background(), mpeRandomGame(c.seed, c.nS, c.nA, c.K, 0.9))
		if err != nil {
			t.Fatal(err)
		}
		tr := newMPETracer(m.scaledBy(1 / m.scale))
		n := tr.n
		r := rand.New(rand.NewPCG(c.seed, 7))
		y := make([]float64, n+1)
		for i := range y[:n] {
			if tr.isBeta[i] {
				y[i] = math.Log(0.1 + 0.8*r.Float64())
			} else {
				y[i] = 2*r.Float64() - 1
			}
		}
		y[n] = 0.5 + 3*r.Float64()
		tr.eval(y, true)
		J := mat.DenseCopyOf(tr.jacobian())
		const h = 1e-6
		hp, hm := make([]float64, n), make([]float64, n)
		for j := 0; j <= n; j++ {
			yj := y[j]
			y[j] = yj + h
			tr.eval(y, false)
			copy(hp, tr.H)
			y[j] = yj - h
			tr.eval(y, false)
			copy(hm, tr.H)
			y[j] = yj
			for i := 0; i < n; i++ {
				fd := (hp[i] - hm[i]) / (2 * h)
				if d := math.Abs(J.At(i, j) - fd); d > 1e-6*(1+math.Abs(fd)) {
					t.Fatalf("game %d: ∂H%d/∂y%d = %g, differences %g", c.seed, i, j, J.At(i, j), fd)
				}
			}
		}
	}
}

// The large systems' tracer (the Newton–GMRES corrector, the
// second-order predictor, the looser step control), forced onto small
// games, ends each path at the same certified equilibrium as the small
// systems' tracer (a fresh factorisation and a first-order predictor at
// every step, the tighter control).
func TestMPEKrylovPathSameLimit(t *testing.T) {
	for _, c := range []struct {
		seed      uint64
		nS, nA, K int
	}{{1, 30, 2, 2}, {2, 30, 2, 2}, {3, 40, 2, 2}, {4, 12, 3, 2}} {
		g := mpeRandomGame(c.seed, c.nS, c.nA, c.K, 0.9)
		ref, err := Solve(context.Background(), g, Options{Method: "homotopy"})
		if err != nil {
			t.Fatal(err)
		}
		r, err := Solve(context.Background(), g, Options{Method: "homotopy", krylovAlways: true})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Converged || !ref.Converged {
			t.Fatalf("seed %d: not converged: %q, the small systems' tracer %q", c.seed, r.Reason, ref.Reason)
		}
		gain, err := OneShotGain(g, r.Profile(g))
		if err != nil {
			t.Fatal(err)
		}
		if gain > 1e-8 {
			t.Fatalf("seed %d: converged but the one-shot gain is %g", c.seed, gain)
		}
		for a := range r.Strategies {
			for s := range r.Strategies[a] {
				for k, p := range r.Strategies[a][s] {
					if q := ref.Strategies[a][s][k]; math.Abs(p-q) > 1e-9 {
						t.Fatalf("seed %d: actor %d state %d action %d: %g, the small systems' tracer %g", c.seed, a, s, k, p, q)
					}
				}
			}
		}
		t.Logf("seed %d: %d path steps, the small systems' tracer %d", c.seed, r.Iterations, ref.Iterations)
	}
}
