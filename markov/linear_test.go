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
	c, err := BuildChain(g, prof)
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
