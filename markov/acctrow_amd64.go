package markov

// accountRowsAVX is accountRowsGo with the sixteen sums in four vector
// registers (acctrow_amd64.s): per node, the same products and additions,
// each rounded as the scalar ones are. mask[k] is all ones where quad k
// of a row is weighted by wo (its columns are below split), else zero.
//
//go:noescape
func accountRowsAVX(dst *[acctWidth]float64, rows *float64, idx *int32, wo, wd *float64, n int, mask *[acctWidth]uint64)

// accountRows: see accountRowsGo; split must be a multiple of 4. The
// vector unit keeps the sixteen sums in registers across the path's
// nodes.
func accountRows(dst *[acctWidth]float64, rows []float64, idx []int32, wo, wd []float64, split int) {
	if !hasAVX() || len(idx) == 0 || split%4 != 0 {
		accountRowsGo(dst, rows, idx, wo, wd, split)
		return
	}
	_, _ = wo[len(idx)-1], wd[len(idx)-1]
	for _, x := range idx {
		if x < 0 || int(x) >= len(rows)/acctWidth {
			panic("markov: accountRows: node out of range")
		}
	}
	var mask [acctWidth]uint64
	for c := 0; c < split; c++ {
		mask[c] = ^uint64(0)
	}
	accountRowsAVX(dst, &rows[0], &idx[0], &wo[0], &wd[0], len(idx), &mask)
}
