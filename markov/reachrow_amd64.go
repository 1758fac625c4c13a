package markov

import "github.com/truce-dev/truce/internal/avx"

// hasAVX: the processor and the operating system run AVX (256-bit
// vectors of four float64). Asked on first use, not at start
// (internal/avx).
func hasAVX() bool { return avx.Enabled() }

// addRowsAVX is addRowsGo four targets at a time (reachrow_amd64.s): the
// same multiplication, then addition, per entry, each rounded as the
// scalar ones are, so the results are bit for bit addRowsGo's. It reads
// ne entries of col and w and b of m, and trusts col[e] < len(q)/b.
//
//go:noescape
func addRowsAVX(q *float64, col *int32, w *float64, ne int, m *float64, b int)

// addRows: see addRowsGo. The vector unit does four targets' products
// and sums per instruction, and the row is walked without a call per
// edge.
func addRows(q []float64, col []int32, w []float64, m []float64) {
	if !hasAVX() || len(col) == 0 || len(m) == 0 {
		addRowsGo(q, col, w, m)
		return
	}
	_ = w[len(col)-1]
	addRowsAVX(&q[0], &col[0], &w[0], len(col), &m[0], len(m))
}

// pullRowAVX is pullRowGo sixteen, then four, then one target at a time,
// the sums held in vector registers across the edges (reachrow_amd64.s):
// the same multiplication, then addition, per entry, each rounded as the
// scalar ones are. It reads ne entries of col and w, and b entries of m
// per predecessor, and trusts col[e] < len(m)/b.
//
//go:noescape
func pullRowAVX(q *float64, col *int32, w *float64, ne int, m *float64, b int)

// pullRow: see pullRowGo.
func pullRow(q []float64, col []int32, w []float64, m []float64) {
	if !hasAVX() || len(col) == 0 || len(q) == 0 {
		pullRowGo(q, col, w, m)
		return
	}
	_ = w[len(col)-1]
	pullRowAVX(&q[0], &col[0], &w[0], len(col), &m[0], len(q))
}
