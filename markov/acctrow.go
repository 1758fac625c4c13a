package markov

// acctWidth is the width of a node's row in sampler.acct: four vectors
// of four, holding its action shares then its expected flows.
const acctWidth = 16

// accountRowsGo is the reference of accountRows: for each visited node j
// (rows row idx[j] of acctWidth entries), dst[c] += wo[j]·row[c] for the
// columns c < split (plays: steps at the node times its shares) and
// dst[c] += wd[j]·row[c] for the others (payoffs: discounted steps times
// its expected flows), in the order of idx, each product rounded, then
// added, as the per-node loops of pathWork.account did it.
func accountRowsGo(dst *[acctWidth]float64, rows []float64, idx []int32, wo, wd []float64, split int) {
	for j, x := range idx {
		row := rows[int(x)*acctWidth : int(x)*acctWidth+acctWidth]
		o, d := wo[j], wd[j]
		for c := 0; c < split; c++ {
			dst[c] += float64(o * row[c])
		}
		for c := split; c < acctWidth; c++ {
			dst[c] += float64(d * row[c])
		}
	}
}
