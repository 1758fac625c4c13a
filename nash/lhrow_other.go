//go:build !amd64

package nash

// elimRows is elimRowsGo: the inner loop of the float Lemke–Howson
// pivot (lcp).
func elimRows(t []float64, rows, st, pr, pc int) {
	elimRowsGo(t, rows, st, pr, pc)
}
