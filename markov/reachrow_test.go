package markov

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAddRowsSameBits: addRows (four targets per instruction on amd64
// with AVX) gives addRowsGo's bits, on blocks of every width 1..53 (the
// sixteen-at-a-time part, the four-at-a-time part and the one-at-a-time
// tail), rows with repeated successors
// and masses spread over many magnitudes.
func TestAddRowsSameBits(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 4))
	for B := 1; B <= 53; B++ {
		for trial := 0; trial < 20; trial++ {
			n := 1 + r.IntN(12)
			ne := r.IntN(3 * n)
			col := make([]int32, ne)
			w := make([]float64, ne)
			for e := range col {
				col[e] = int32(r.IntN(n))
				w[e] = r.Float64() * math.Pow(10, float64(r.IntN(9)-6))
			}
			m := make([]float64, B)
			for i := range m {
				if r.IntN(4) > 0 {
					m[i] = r.Float64() * math.Pow(10, float64(r.IntN(17)-12))
				}
			}
			q := make([]float64, n*B)
			for i := range q {
				q[i] = r.Float64()
			}
			want := slices.Clone(q)
			addRowsGo(want, col, w, m)
			addRows(q, col, w, m)
			for i := range q {
				if math.Float64bits(q[i]) != math.Float64bits(want[i]) {
					t.Fatalf("B=%d, n=%d, %d edges: q[%d] = %v, scalar %v", B, n, ne, i, q[i], want[i])
				}
			}
		}
	}
}
