//go:build !amd64

package nash

// lhRow is the inner loop of the Lemke–Howson pivot of IPA (lhPivot):
// row[j] ← (row[j]·pv − f·prow[j]) / den for j < len(prow) ≤ len(row).
func lhRow(row, prow []float64, pv, f, den float64) { lhRowGo(row, prow, pv, f, den) }
