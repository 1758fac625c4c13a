package nash

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// The vector kernels (in assembly where the processor has AVX) give the
// Go loops' bits, and both give the formula's with each product rounded,
// for every length (the four-at-a-time part and the tail), and leave
// what lies beyond x's length alone.
func TestVecKernelsSameBits(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 37).Draw(t, "n")
		fl := rapid.OneOf(rapid.Float64Range(-1e9, 1e9), rapid.SampledFrom([]float64{0, math.Copysign(0, -1), math.Inf(-1), 1e-300, 3}))
		x := rapid.SliceOfN(fl, n, n).Draw(t, "x")
		y := rapid.SliceOfN(fl, n+3, n+3).Draw(t, "y")
		a := fl.Draw(t, "a")
		for _, k := range []struct {
			name   string
			fast   func(y, x []float64, a float64)
			slow   func(y, x []float64, a float64)
			entry  func(y, x, a float64) float64
			divide bool
		}{
			{"addScaled", addScaled, addScaledGo, func(y, x, a float64) float64 { return y + float64(a*x) }, false},
			{"subScaled", subScaled, subScaledGo, func(y, x, a float64) float64 { return y - float64(a*x) }, false},
			{"divideBy", func(y, x []float64, a float64) { divideBy(y[:len(x)], a) }, func(y, x []float64, a float64) { divideByGo(y[:len(x)], a) }, func(y, x, a float64) float64 { return y / a }, true},
		} {
			f, s := append([]float64(nil), y...), append([]float64(nil), y...)
			k.fast(f, x, a)
			k.slow(s, x, a)
			for j := range y {
				want := y[j]
				if j < n {
					want = k.entry(y[j], x[j], a)
				}
				if !sameBits(f[j], s[j]) || !sameBits(s[j], want) {
					t.Fatalf("%s entry %d of %d: %v (Go %v), want %v", k.name, j, n, f[j], s[j], want)
				}
			}
		}
	})
}

// sameBits: a and b are the same float64, NaNs of any payload alike.
func sameBits(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || a != a && b != b
}

// eliminate (logit's Gaussian elimination, rows updated by subScaled)
// gives pathSolve's solution bit for bit on equilibrated systems
// (solveDense's), singular ones included, so that logit's path is the
// one it followed through pathSolve.
func TestEliminateSameBits(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 33).Draw(t, "n")
		fl := rapid.OneOf(rapid.Float64Range(-10, 10), rapid.SampledFrom([]float64{0, 0, 1, -1, 1e-15}))
		a := rapid.SliceOfN(fl, n*n, n*n).Draw(t, "a")
		b := rapid.SliceOfN(fl, n, n).Draw(t, "b")
		if rapid.Bool().Draw(t, "repeat a row") && n > 1 {
			copy(a[(n-1)*n:], a[:n])
		}
		// Equilibrate as solveDense does; skip zero rows (solveDense
		// refuses them before eliminating).
		for r := 0; r < n; r++ {
			mx := 0.0
			for _, v := range a[r*n : (r+1)*n] {
				mx = math.Max(mx, math.Abs(v))
			}
			if mx == 0 {
				t.Skip("zero row")
			}
			for j := r * n; j < (r+1)*n; j++ {
				a[j] /= mx
			}
			b[r] /= mx
		}
		a1, b1 := append([]float64(nil), a...), append([]float64(nil), b...)
		a2, b2 := append([]float64(nil), a...), append([]float64(nil), b...)
		ok1 := eliminate(a1, b1, n)
		_, ok2 := pathSolve(a2, b2, n)
		if ok1 != ok2 {
			t.Fatalf("eliminate %v, pathSolve %v", ok1, ok2)
		}
		for i := range b1 {
			if ok1 && !sameBits(b1[i], b2[i]) {
				t.Fatalf("x[%d] = %v, pathSolve %v", i, b1[i], b2[i])
			}
		}
	})
}

// luSolve (IPA's Crout LU, its sums above the diagonal four rows at a
// time) gives the reference's row-by-row bits (refLUSolve, ipa_ref_test.go)
// on random systems of every size, singular and zero-row ones included.
func TestLUSolveSameBits(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "n")
		fl := rapid.OneOf(rapid.Float64Range(-10, 10), rapid.SampledFrom([]float64{0, 0, 0, 1, -1}))
		a := rapid.SliceOfN(fl, n*n, n*n).Draw(t, "a")
		b := rapid.SliceOfN(fl, n, n).Draw(t, "b")
		if rapid.Bool().Draw(t, "repeat a row") && n > 1 {
			copy(a[(n-1)*n:], a[:n])
		}
		a1, b1 := append([]float64(nil), a...), append([]float64(nil), b...)
		a2, b2 := append([]float64(nil), a...), append([]float64(nil), b...)
		p1, p2 := make([]int, n), make([]int, n)
		ok1 := luSolve(a1, b1, p1, make([]float64, n), make([]float64, n), n)
		ok2 := refLUSolve(a2, b2, p2, make([]float64, n), make([]float64, n), n)
		if ok1 != ok2 {
			t.Fatalf("luSolve %v, reference %v", ok1, ok2)
		}
		for i := range b1 {
			if ok1 && !sameBits(b1[i], b2[i]) {
				t.Fatalf("x[%d] = %v, reference %v", i, b1[i], b2[i])
			}
		}
		for i := range a1 {
			if ok1 && !sameBits(a1[i], a2[i]) {
				t.Fatalf("LU entry %d = %v, reference %v", i, a1[i], a2[i])
			}
		}
	})
}
