package markov

// addRows is the inner loop of the reach curves of a block of targets
// (reachBlock): for each edge e of one node's row, to successor col[e]
// with probability w[e], it adds w[e]·m[i] to q[col[e]·B+i] for every
// target i < B = len(m). Each product is rounded, then added, as
// gonum's floats.AddScaled did it per edge, so the curves keep their bits.
// Every col[e] must be below len(q)/B (reachBlock checks the chain once).
func addRowsGo(q []float64, col []int32, w []float64, m []float64) {
	B := len(m)
	for e, y := range col {
		qy := q[int(y)*B : int(y)*B+B]
		we := w[e]
		for i, v := range m {
			// float64(…) keeps the product rounded on its own: Go may
			// fuse a multiply and an add on arm64, ppc64, s390x, riscv64.
			qy[i] += float64(we * v)
		}
	}
}

// pullRowGo is the reach curves' step into one node y (reachBlock): for
// each edge e into y, from node col[e] with probability w[e], in the
// order of the chain's rows (predecessor, then edge), it adds
// w[e]·m[col[e]·B+i] to q[i] for every target i < B = len(q). Each sum
// gets the same products in the same order as addRowsGo pushing the rows
// of the predecessors one after the other, so the bits are the same; the
// sums stay in registers while the edges into y are read.
func pullRowGo(q []float64, col []int32, w []float64, m []float64) {
	B := len(q)
	for e, x := range col {
		mx := m[int(x)*B : int(x)*B+B]
		we := w[e]
		for i := range q {
			q[i] += float64(we * mx[i])
		}
	}
}
