package sobol

import (
	"math"
	"testing"
)

// Apache Commons Math's SobolSequenceGeneratorTest: the first ten points in
// three dimensions in Gray-code order (see README.md).
var commonsMath3D = [][]float64{
	{0.0, 0.0, 0.0},
	{0.5, 0.5, 0.5},
	{0.75, 0.25, 0.25},
	{0.25, 0.75, 0.75},
	{0.375, 0.375, 0.625},
	{0.875, 0.875, 0.125},
	{0.625, 0.125, 0.875},
	{0.125, 0.625, 0.375},
	{0.1875, 0.3125, 0.9375},
	{0.6875, 0.8125, 0.4375},
}

func TestReferencePoints(t *testing.T) {
	s, err := New(3)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, 3)
	for n, want := range commonsMath3D {
		gray := uint64(n ^ (n >> 1)) // Gray-code order visits natural index gray(n)
		s.Point(gray, x)
		for d := range want {
			if x[d] != want[d] {
				t.Fatalf("point %d: got %v, want %v", n, x, want)
			}
		}
	}
}

// Every one-dimensional projection of the first 2^m points, plain or
// scrambled, puts exactly one point in each interval [k/2^m, (k+1)/2^m).
func TestOneDimensionalStratification(t *testing.T) {
	const m = 10
	for _, seed := range []int64{-1, 1, 2} {
		var s *Sequence
		var err error
		if seed < 0 {
			s, err = New(MaxDim)
		} else {
			s, err = NewScrambled(MaxDim, uint64(seed))
		}
		if err != nil {
			t.Fatal(err)
		}
		for d := 0; d < MaxDim; d++ {
			seen := make([]bool, 1<<m)
			for i := uint64(0); i < 1<<m; i++ {
				k := s.Coord(i, d) >> (Bits - m)
				if seen[k] {
					t.Fatalf("seed %d, dimension %d: two of the first %d points in interval %d", seed, d+1, 1<<m, k)
				}
				seen[k] = true
			}
		}
	}
}

// The first two dimensions form a (0, m, 2)-net: every elementary box of
// area 2^-m holds exactly one of the first 2^m points, scrambled or not.
func TestTwoDimensionalNet(t *testing.T) {
	const m = 8
	for _, seed := range []int64{-1, 7} {
		var s *Sequence
		if seed < 0 {
			s, _ = New(2)
		} else {
			s, _ = NewScrambled(2, uint64(seed))
		}
		for a := 0; a <= m; a++ {
			b := m - a
			count := map[[2]uint32]int{}
			for i := uint64(0); i < 1<<m; i++ {
				// A shift by Bits (a or b = 0) gives 0 in Go: one interval.
				key := [2]uint32{s.Coord(i, 0) >> (Bits - a), s.Coord(i, 1) >> (Bits - b)}
				count[key]++
			}
			if len(count) != 1<<m {
				t.Fatalf("seed %d, boxes 2^-%d × 2^-%d: %d of %d boxes hold a point", seed, a, b, len(count), 1<<m)
			}
		}
	}
}

func TestScrambledIsRandomisedAndDeterministic(t *testing.T) {
	a, _ := NewScrambled(5, 1)
	b, _ := NewScrambled(5, 1)
	c, _ := NewScrambled(5, 2)
	same, differ := true, false
	for i := uint64(0); i < 64; i++ {
		for d := 0; d < 5; d++ {
			same = same && a.Coord(i, d) == b.Coord(i, d)
			differ = differ || a.Coord(i, d) != c.Coord(i, d)
		}
	}
	if !same || !differ {
		t.Fatalf("same seed same points: %v; other seed other points: %v", same, differ)
	}
	// The scramble moves the origin.
	if a.Coord(0, 0) == 0 && a.Coord(0, 1) == 0 {
		t.Fatal("scrambled first point is the origin")
	}
}

// Randomised QMC integrates a smooth product far better than the Monte
// Carlo error 1/sqrt(n): ∫ Π_d (1 + (x_d - 1/2)) dx = 1 over [0,1]^8.
func TestIntegration(t *testing.T) {
	const dim, n = 8, 1 << 12
	s, _ := NewScrambled(dim, 3)
	x := make([]float64, dim)
	sum := 0.0
	for i := uint64(0); i < n; i++ {
		s.Point(i, x)
		p := 1.0
		for _, v := range x {
			p *= 0.5 + v
		}
		sum += p
	}
	// Monte Carlo's standard error here is about sqrt(((13/12)^8-1)/n) ≈ 0.013.
	if err := math.Abs(sum/n - 1); err > 1e-3 {
		t.Fatalf("RQMC estimate %v, error %v", sum/n, err)
	}
}

func TestDimensionBounds(t *testing.T) {
	for _, d := range []int{0, -1, MaxDim + 1} {
		if _, err := New(d); err == nil {
			t.Errorf("New(%d): no error", d)
		}
	}
}

func BenchmarkPoint(b *testing.B) {
	s, _ := NewScrambled(66, 1)
	x := make([]float64, 66)
	i := uint64(0)
	for b.Loop() {
		s.Point(i, x)
		i++
	}
}
