package markov

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// TestSolversAgree solves the same systems (visits, discounted visits) of
// a random chain densely, by BiCGSTAB and by the Gauss–Seidel fallback.
func TestSolversAgree(t *testing.T) {
	g, prof := randomGame(rand.New(rand.NewPCG(4, 4)), 120, 2, 2, 2, true)
	c, err := BuildChain(context.Background(), g, prof)
	if err != nil {
		t.Fatal(err)
	}
	an := &analyzer{c: c}
	an.transpose()
	sc := newScratch(c.NumNodes())
	term := func(x int32) bool { return c.Terminal(int(x)) }
	an.backDist(sc, term, term)
	U := an.forwardSet(sc, term, true)
	defer release(sc, U)
	b := make([]float64, len(U))
	for i := range b {
		b[i] = float64(i%7) - 2
	}
	for _, scale := range []float64{1, 0.95} {
		for _, m := range []csr{{c.RowPtr, c.Col, c.P}, an.transposed()} {
			dense, err := newLinSystem(m, U, sc.local, scale, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			want, err := dense.solve(context.Background(), b, 1)
			if err != nil {
				t.Fatal(err)
			}
			sparse, err := newLinSystem(m, U, sc.local, scale, 0)
			if err != nil {
				t.Fatal(err)
			}
			bi, err := sparse.bicgstab(context.Background(), b, newBicgWork(len(U)))
			if err != nil {
				t.Fatal(err)
			}
			gs, err := sparse.gaussSeidel(context.Background(), b)
			if err != nil {
				t.Fatal(err)
			}
			size := normInf(want)
			for i := range want {
				if math.Abs(bi[i]-want[i]) > 1e-10*size || math.Abs(gs[i]-want[i]) > 1e-10*size {
					t.Fatalf("scale %v, x[%d]: dense %v, BiCGSTAB %v, Gauss–Seidel %v", scale, i, want[i], bi[i], gs[i])
				}
			}
			r := make([]float64, len(U))
			sparse.matvec(r, bi)
			for i := range r {
				r[i] = b[i] - r[i]
			}
			if !converged(r, b, bi) {
				t.Errorf("BiCGSTAB answer has backward error %v", normInf(r)/math.Max(normInf(b), normInf(bi)))
			}
		}
	}
}

// TestWarmStartAgrees: the iterative solves start from the horizon pass's
// sums (absorption, first-entry times, values); on a chain large enough
// for the slow mode to dominate at the horizon, and at horizons where it
// does not, they must agree with dense solves that start from nothing.
func TestWarmStartAgrees(t *testing.T) {
	g, prof := randomGame(rand.New(rand.NewPCG(400, 2)), 400, 2, 2, 2, false)
	c, err := BuildChain(context.Background(), g, prof)
	if err != nil {
		t.Fatal(err)
	}
	for _, H := range []int{1, 3, 52, 400} {
		dense, err := c.Analyze(context.Background(), AnalyzeOptions{Horizon: H, States: []int{}, denseLimit: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		it, err := c.Analyze(context.Background(), AnalyzeOptions{Horizon: H, States: []int{}, denseLimit: -1})
		if err != nil {
			t.Fatal(err)
		}
		cond := 1.0
		for _, tm := range dense.Time {
			if !math.IsNaN(tm) {
				cond = math.Max(cond, tm)
			}
		}
		for s := range g.States {
			if !g.States[s].Terminal {
				continue
			}
			if !closeTo(it.Absorb[s], dense.Absorb[s], 1e-10*cond) || !closeTo(it.Time[s], dense.Time[s], 1e-9*cond) {
				t.Errorf("H=%d state %d: iterative absorb %v time %v, dense %v %v", H, s, it.Absorb[s], it.Time[s], dense.Absorb[s], dense.Time[s])
			}
		}
		for a := range it.Value {
			for k := range it.Value[a] {
				if !closeTo(it.Value[a][k], dense.Value[a][k], 1e-10*math.Max(1, math.Abs(dense.Value[a][k]))) {
					t.Errorf("H=%d value[%d][%d]: iterative %v, dense %v", H, a, k, it.Value[a][k], dense.Value[a][k])
				}
			}
		}
	}
}

// TestBicgstabGuess: a close guess, a poor one and a wild one all give
// the dense answer to the backward-error target.
func TestBicgstabGuess(t *testing.T) {
	g, prof := randomGame(rand.New(rand.NewPCG(5, 5)), 150, 1, 2, 2, false)
	c, err := BuildChain(context.Background(), g, prof)
	if err != nil {
		t.Fatal(err)
	}
	an := &analyzer{c: c}
	an.transpose()
	sc := newScratch(c.NumNodes())
	term := func(x int32) bool { return c.Terminal(int(x)) }
	an.backDist(sc, term, term)
	U := an.forwardSet(sc, term, true)
	defer release(sc, U)
	b := make([]float64, len(U))
	b[0] = 1
	dense, err := newLinSystem(an.transposed(), U, sc.local, 1, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	want, err := dense.solve(context.Background(), b, 1)
	if err != nil {
		t.Fatal(err)
	}
	sparse, err := newLinSystem(an.transposed(), U, sc.local, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, spread := range []float64{1e-6, 0.5, 1e6} {
		x0 := make([]float64, len(U))
		for i := range x0 {
			x0[i] = want[i] * (1 + spread*(float64(i%5)-2))
		}
		got, err := sparse.solveFrom(context.Background(), b, 1, x0)
		if err != nil {
			t.Fatal(err)
		}
		size := normInf(want)
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-10*size {
				t.Fatalf("guess spread %g, x[%d]: dense %v, BiCGSTAB %v", spread, i, want[i], got[i])
			}
		}
	}
}
