package nash

import "golang.org/x/sys/cpu"

// hasAVX: the processor and the operating system run AVX (256-bit
// vectors of four float64).
var hasAVX = cpu.X86.HasAVX

// lhRowsAVX is lhRowsGo in assembly (lhrow_amd64.s), four entries of a
// row per instruction: the same multiplications, subtraction and
// division per entry, each rounded as the scalar ones are, so the
// results are bit for bit lhRowsGo's. The divisions are most of IPA's
// time; the vector unit does four per instruction where the scalar one
// does one.
//
//go:noescape
func lhRowsAVX(t, fcol []float64, R, C, pr, pc int, pv, den float64)

// lhRows updates every row but pr of the R×C tableau t for a pivot on
// (pr, pc): fcol[i] ← t[i][pc], then lhRowGo's update of row i with
// f = fcol[i]. It is the inner loop of IPA's Lemke–Howson pivot (lhPivot).
func lhRows(t, fcol []float64, R, C, pr, pc int, pv, den float64) {
	if hasAVX && len(t) >= R*C && len(fcol) >= R && 0 <= pr && pr < R && 0 <= pc && pc < C {
		lhRowsAVX(t, fcol, R, C, pr, pc, pv, den)
		return
	}
	lhRowsGo(t, fcol, R, C, pr, pc, pv, den)
}

// elimRowsAVX is elimRowsGo in assembly (lhrow_amd64.s), four entries
// of a row per instruction, with the same multiplication and subtraction
// per entry (no fused multiply–add): bit for bit elimRowsGo's results.
//
//go:noescape
func elimRowsAVX(t []float64, rows, st, pr, pc int)

// elimRows is elimRowsGo, in assembly where the processor has AVX: the
// inner loop of the float Lemke–Howson pivot (lcp).
func elimRows(t []float64, rows, st, pr, pc int) {
	if hasAVX && len(t) >= rows*st && 0 <= pr && pr < rows && 0 <= pc && pc < st {
		elimRowsAVX(t, rows, st, pr, pc)
		return
	}
	elimRowsGo(t, rows, st, pr, pc)
}
