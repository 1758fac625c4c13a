package nash

import "golang.org/x/sys/cpu"

// hasAVX: the processor and the operating system run AVX (256-bit
// vectors of four float64).
var hasAVX = cpu.X86.HasAVX

// lhRowAVX is lhRowGo four entries at a time (lhrow_amd64.s): the same
// multiplications, subtraction and division per entry, each rounded as the
// scalar ones are, so the results are bit for bit lhRowGo's.
//
//go:noescape
func lhRowAVX(row, prow []float64, pv, f, den float64)

// lhRow is the inner loop of the Lemke–Howson pivot of IPA (lhPivot):
// row[j] ← (row[j]·pv − f·prow[j]) / den for j < len(prow) ≤ len(row).
// Its divisions are most of IPA's time; the vector unit does four per
// instruction where the scalar one does one.
func lhRow(row, prow []float64, pv, f, den float64) {
	if hasAVX {
		lhRowAVX(row[:len(prow)], prow, pv, f, den)
		return
	}
	lhRowGo(row, prow, pv, f, den)
}

// lhRowsAVX is lhRowsGo with the loop over the rows in assembly too
// (lhrow_amd64.s), lhRowAVX's arithmetic on each: the same bits.
//
//go:noescape
func lhRowsAVX(t, fcol []float64, R, C, pr, pc int, pv, den float64)

// lhRows updates every row but pr of the R×C tableau t for a pivot on
// (pr, pc): fcol[i] ← t[i][pc], then lhRow on row i with f = fcol[i].
func lhRows(t, fcol []float64, R, C, pr, pc int, pv, den float64) {
	if hasAVX && len(t) >= R*C && len(fcol) >= R && 0 <= pr && pr < R && 0 <= pc && pc < C {
		lhRowsAVX(t, fcol, R, C, pr, pc, pv, den)
		return
	}
	lhRowsGo(t, fcol, R, C, pr, pc, pv, den)
}
