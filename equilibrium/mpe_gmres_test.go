package equilibrium

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// GMRES with the exact inverse as preconditioner converges in one
// iteration; with an inverse of a nearby matrix in a few; both agree with
// gonum's LU solve.
func TestMPEGMRESAgreesWithLU(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 40
	A := mat.NewDense(n, n, nil)
	P := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			v := r.NormFloat64() / n
			if i == j {
				v += 2
			}
			A.Set(i, j, v)
			P.Set(i, j, v+0.02*r.NormFloat64()/n)
		}
	}
	b := make([]float64, n)
	for i := range b {
		b[i] = r.NormFloat64()
	}
	var want mat.VecDense
	if err := want.SolveVec(A, mat.NewVecDense(n, b)); err != nil {
		t.Fatal(err)
	}
	mul := func(dst, x []float64) { mat.NewVecDense(n, dst).MulVec(A, mat.NewVecDense(n, x)) }
	for _, c := range []struct {
		name   string
		M      *mat.Dense
		maxIts int
	}{{"exact", A, 1}, {"nearby", P, 6}} {
		var lu mat.LU
		lu.Factorize(c.M)
		prec := func(dst, src []float64) error {
			return lu.SolveVecTo(mat.NewVecDense(n, dst), false, mat.NewVecDense(n, src))
		}
		x := make([]float64, n)
		its, ok := newMPEGMRES(n, 20).solve(mul, prec, b, x, 1e-12)
		if !ok || its > c.maxIts {
			t.Fatalf("%s: ok %v after %d iterations", c.name, ok, its)
		}
		for i := range x {
			if math.Abs(x[i]-want.AtVec(i)) > 1e-10 {
				t.Fatalf("%s: x[%d] = %g, LU says %g", c.name, i, x[i], want.AtVec(i))
			}
		}
	}
}
