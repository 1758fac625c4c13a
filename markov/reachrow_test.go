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

// TestPullRowSameBits: pulling the edges into each node (pullRow, sums
// in vector registers on amd64 with AVX, and pullRowGo) gives the bits of
// pushing every predecessor's row in order (addRowsGo), on blocks of every
// width 1..53, rows with repeated successors and masses spread over many
// magnitudes.
func TestPullRowSameBits(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 5))
	for B := 1; B <= 53; B++ {
		for trial := 0; trial < 20; trial++ {
			n := 1 + r.IntN(12)
			// A chain's rows: node x's edges, then x+1's.
			var rowPtr []int32
			var col []int32
			var w []float64
			for x := 0; x < n; x++ {
				rowPtr = append(rowPtr, int32(len(col)))
				for k := r.IntN(4); k > 0; k-- {
					col = append(col, int32(r.IntN(n)))
					w = append(w, r.Float64()*math.Pow(10, float64(r.IntN(9)-6)))
				}
			}
			rowPtr = append(rowPtr, int32(len(col)))
			m := make([]float64, n*B)
			for i := range m {
				if r.IntN(4) > 0 {
					m[i] = r.Float64() * math.Pow(10, float64(r.IntN(17)-12))
				}
			}
			want := make([]float64, n*B)
			for x := 0; x < n; x++ {
				lo, hi := rowPtr[x], rowPtr[x+1]
				addRowsGo(want, col[lo:hi], w[lo:hi], m[x*B:x*B+B])
			}
			// The transpose: edges into y in the order of the rows.
			var tcol [][]int32
			var tw [][]float64
			tcol, tw = make([][]int32, n), make([][]float64, n)
			for x := 0; x < n; x++ {
				for e := rowPtr[x]; e < rowPtr[x+1]; e++ {
					tcol[col[e]] = append(tcol[col[e]], int32(x))
					tw[col[e]] = append(tw[col[e]], w[e])
				}
			}
			for name, pull := range map[string]func(q []float64, col []int32, w []float64, m []float64){"pullRow": pullRow, "pullRowGo": pullRowGo} {
				q := make([]float64, n*B)
				for y := 0; y < n; y++ {
					pull(q[y*B:y*B+B], tcol[y], tw[y], m)
				}
				for i := range q {
					if math.Float64bits(q[i]) != math.Float64bits(want[i]) {
						t.Fatalf("%s, B=%d, n=%d, %d edges: q[%d] = %v, pushed %v", name, B, n, len(col), i, q[i], want[i])
					}
				}
			}
		}
	}
}
