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
