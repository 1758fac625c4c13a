package nash

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// The float Lemke–Howson pivot's row update (elimRows, in assembly where
// the processor has AVX) gives elimRowsGo's bits, both give the
// formula's (each product rounded), rows whose pivot-column entry is zero
// (or −0) are left alone, NaN entries are updated as Go's f == 0 test
// says, and nothing beyond the tableau or in the pivot row changes.
func TestElimRowsSameBits(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		R := rapid.IntRange(1, 12).Draw(t, "R")
		C := rapid.IntRange(1, 41).Draw(t, "C")
		pr, pc := rapid.IntRange(0, R-1).Draw(t, "pr"), rapid.IntRange(0, C-1).Draw(t, "pc")
		fl := rapid.OneOf(rapid.Float64Range(-1e9, 1e9), rapid.SampledFrom([]float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), 1e-300}))
		tab := rapid.SliceOfN(fl, R*C+3, R*C+3).Draw(t, "t")
		a, b := append([]float64(nil), tab...), append([]float64(nil), tab...)
		elimRows(a, R, C, pr, pc)
		elimRowsGo(b, R, C, pr, pc)
		for j := range a {
			if math.Float64bits(a[j]) != math.Float64bits(b[j]) {
				t.Fatalf("entry %d (row %d) of %dx%d: %v against %v", j, j/C, R, C, a[j], b[j])
			}
			if (j/C == pr || j >= R*C) && math.Float64bits(a[j]) != math.Float64bits(tab[j]) {
				t.Fatalf("entry %d changed (pivot row or beyond the tableau)", j)
			}
		}
		for i := 0; i < R; i++ {
			f := tab[i*C+pc]
			for j := 0; i != pr && j < C; j++ {
				want := tab[i*C+j] - float64(f*tab[pr*C+j])
				switch {
				case f == 0:
					want = tab[i*C+j]
				case j == pc:
					want = 0
				}
				if math.Float64bits(b[i*C+j]) != math.Float64bits(want) {
					t.Fatalf("entry %d, %d: %v, want %v", i, j, b[i*C+j], want)
				}
			}
		}
	})
}
