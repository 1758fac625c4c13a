//go:build !amd64

package nash

// lhRow is the inner loop of the Lemke–Howson pivot of IPA (lhPivot):
// row[j] ← (row[j]·pv − f·prow[j]) / den for j < len(prow) ≤ len(row).
func lhRow(row, prow []float64, pv, f, den float64) { lhRowGo(row, prow, pv, f, den) }

// lhRows updates every row but pr of the R×C tableau t for a pivot on
// (pr, pc): fcol[i] ← t[i][pc], then lhRow on row i with f = fcol[i].
func lhRows(t, fcol []float64, R, C, pr, pc int, pv, den float64) {
	lhRowsGo(t, fcol, R, C, pr, pc, pv, den)
}
