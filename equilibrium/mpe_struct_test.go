package equilibrium

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestMPEStructurallySingular(t *testing.T) {
	cases := []struct {
		name string
		n    int
		nz   [][2]int // nonzero entries (row, column)
		want bool
	}{
		{"identity", 3, [][2]int{{0, 0}, {1, 1}, {2, 2}}, false},
		{"zero row", 3, [][2]int{{0, 0}, {0, 1}, {2, 2}}, true},
		{"two rows on one column", 3, [][2]int{{0, 0}, {0, 1}, {1, 0}, {2, 0}, {2, 2}, {1, 2}}, false},
		{"three rows on two columns", 3, [][2]int{{0, 0}, {0, 1}, {1, 0}, {2, 0}, {0, 2}}, true},
		// the greedy first choice (row 0 → column 0) must be undone
		// along a path of length two
		{"needs augmenting", 3, [][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 2}, {2, 0}}, false},
		{"empty", 2, nil, true},
	}
	for _, c := range cases {
		J := mat.NewDense(c.n, c.n, nil)
		for _, e := range c.nz {
			J.Set(e[0], e[1], 1)
		}
		if got := mpeStructurallySingular(J); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

// Random sparse patterns against a brute-force search over every
// permutation for a perfect matching.
func TestMPEStructurallySingularBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for trial := 0; trial < 400; trial++ {
		n := 1 + r.IntN(6)
		J := mat.NewDense(n, n, nil)
		p := 0.15 + 0.4*r.Float64()
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if r.Float64() < p {
					J.Set(i, j, r.NormFloat64())
				}
			}
		}
		perm := make([]int, n)
		used := make([]bool, n)
		var match func(i int) bool
		match = func(i int) bool {
			if i == n {
				return true
			}
			for j := 0; j < n; j++ {
				if !used[j] && J.At(i, j) != 0 {
					used[j], perm[i] = true, j
					if match(i + 1) {
						return true
					}
					used[j] = false
				}
			}
			return false
		}
		want := !match(0)
		if got := mpeStructurallySingular(J); got != want {
			t.Fatalf("trial %d: got %v, want %v for\n%v", trial, got, want, mat.Formatted(J))
		}
	}
}
