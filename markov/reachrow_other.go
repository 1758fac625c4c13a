//go:build !amd64

package markov

// addRows: see addRowsGo.
func addRows(q []float64, col []int32, w []float64, m []float64) { addRowsGo(q, col, w, m) }

// pullRow: see pullRowGo.
func pullRow(q []float64, col []int32, w []float64, m []float64) { pullRowGo(q, col, w, m) }
