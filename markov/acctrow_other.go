//go:build !amd64

package markov

// accountRows: see accountRowsGo.
func accountRows(dst *[acctWidth]float64, rows []float64, idx []int32, wo, wd []float64, split int) {
	accountRowsGo(dst, rows, idx, wo, wd, split)
}
