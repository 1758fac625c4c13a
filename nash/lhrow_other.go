//go:build !amd64

package nash

// lhRows updates every row but pr of the R×C tableau t for a pivot on
// (pr, pc): fcol[i] ← t[i][pc], then lhRowGo's update of row i with
// f = fcol[i]. It is the inner loop of IPA's Lemke–Howson pivot (lhPivot).
func lhRows(t, fcol []float64, R, C, pr, pc int, pv, den float64) {
	lhRowsGo(t, fcol, R, C, pr, pc, pv, den)
}

// elimRows is elimRowsGo: the inner loop of the float Lemke–Howson
// pivot (lcp).
func elimRows(t []float64, rows, st, pr, pc int) {
	elimRowsGo(t, rows, st, pr, pc)
}
