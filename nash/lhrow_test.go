package nash

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// The pivot's row update gives the same bits on every path (the vector
// one where the processor has it, and the scalar Go one), for every
// length, so that IPA's iterates do not depend on the machine.
func TestLHRowSameBits(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 41).Draw(t, "n")
		fl := rapid.Float64Range(-1e9, 1e9)
		prow := rapid.SliceOfN(fl, n, n).Draw(t, "prow")
		row := rapid.SliceOfN(fl, n+2, n+2).Draw(t, "row") // longer than prow: its tail is left alone
		pv, f := fl.Draw(t, "pv"), fl.Draw(t, "f")
		den := rapid.SampledFrom([]float64{1, -1, 3, -7.5, 1e-300, 123456.789}).Draw(t, "den")
		a, b := append([]float64(nil), row...), append([]float64(nil), row...)
		lhRow(a, prow, pv, f, den)
		lhRowGo(b, prow, pv, f, den)
		for j := range a {
			if math.Float64bits(a[j]) != math.Float64bits(b[j]) {
				t.Fatalf("entry %d of %d: %v against %v", j, n, a[j], b[j])
			}
			if j < n {
				want := (float64(row[j]*pv) - float64(f*prow[j])) / den
				if math.Float64bits(b[j]) != math.Float64bits(want) {
					t.Fatalf("entry %d: %v, want %v", j, b[j], want)
				}
			} else if a[j] != row[j] {
				t.Fatalf("entry %d beyond prow changed", j)
			}
		}
	})
}

// The whole pivot's update (lhRows, the loop over the rows in assembly
// where the processor has AVX) gives lhRowsGo's bits and pivot column,
// and leaves the pivot row and what lies beyond the tableau alone, for
// every shape and pivot position.
func TestLHRowsSameBits(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		R := rapid.IntRange(1, 12).Draw(t, "R")
		C := rapid.IntRange(1, 41).Draw(t, "C")
		pr, pc := rapid.IntRange(0, R-1).Draw(t, "pr"), rapid.IntRange(0, C-1).Draw(t, "pc")
		fl := rapid.Float64Range(-1e9, 1e9)
		tab := rapid.SliceOfN(fl, R*C+3, R*C+3).Draw(t, "t")
		pv := fl.Draw(t, "pv")
		den := rapid.SampledFrom([]float64{1, -1, 3, -7.5, 1e-300, 123456.789}).Draw(t, "den")
		a, b := append([]float64(nil), tab...), append([]float64(nil), tab...)
		fa, fb := make([]float64, R+1), make([]float64, R+1)
		lhRows(a, fa, R, C, pr, pc, pv, den)
		lhRowsGo(b, fb, R, C, pr, pc, pv, den)
		for j := range a {
			if math.Float64bits(a[j]) != math.Float64bits(b[j]) {
				t.Fatalf("entry %d (row %d) of %dx%d: %v against %v", j, j/C, R, C, a[j], b[j])
			}
			if (j/C == pr || j >= R*C) && a[j] != tab[j] {
				t.Fatalf("entry %d changed (pivot row or beyond the tableau)", j)
			}
		}
		for i := range fa {
			if math.Float64bits(fa[i]) != math.Float64bits(fb[i]) || i != pr && i < R && fa[i] != tab[i*C+pc] {
				t.Fatalf("pivot column %d: %v against %v", i, fa[i], fb[i])
			}
		}
	})
}
