// Package sobol generates Sobol' low-discrepancy points in the unit cube
// with the Joe–Kuo direction numbers, plain or randomised by a linear
// matrix scramble and a digital shift. Point i is a pure function of the
// dimension, the seed and i, so any range of points can be computed
// anywhere and merged.
package sobol

import (
	"bufio"
	_ "embed"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
)

// The first 1024 dimensions of Joe and Kuo's new-joe-kuo-6.21201 (header,
// then dimensions 2..1024; dimension 1 is van der Corput's sequence). See
// README.md in this folder for the source and LICENSE-joe-kuo for its terms.
//
//go:embed new-joe-kuo-6.1024
var joeKuo string

// MaxDim is the largest dimension supported (the rows of the embedded table).
const MaxDim = 1024

// Bits is the number of binary digits of each coordinate: points are
// multiples of 2^-Bits, and at most 2^Bits points are distinct.
const Bits = 32

// MaxPoints is the number of points a sequence can give.
const MaxPoints = 1 << Bits

// dirRow is one parsed line of the table: degree s, coefficients a and
// initial direction numbers m_1..m_s.
type dirRow struct {
	s, a int
	m    []uint32
}

var (
	tableOnce sync.Once
	table     []dirRow // table[d] for dimension d+1; table[0] unused
	tableErr  error
)

func loadTable() {
	table = make([]dirRow, 1, MaxDim)
	sc := bufio.NewScanner(strings.NewReader(joeKuo))
	line := 0
	for sc.Scan() {
		line++
		if line == 1 {
			continue // header: d s a m_i
		}
		f := strings.Fields(sc.Text())
		if len(f) < 4 {
			tableErr = fmt.Errorf("sobol: direction table line %d: %d fields", line, len(f))
			return
		}
		nums := make([]int, len(f))
		for i, x := range f {
			v, err := strconv.Atoi(x)
			if err != nil {
				tableErr = fmt.Errorf("sobol: direction table line %d: %v", line, err)
				return
			}
			nums[i] = v
		}
		d, s, a := nums[0], nums[1], nums[2]
		if d != len(table)+1 || s < 1 || s >= Bits || len(nums) != 3+s {
			tableErr = fmt.Errorf("sobol: direction table line %d: malformed row for dimension %d", line, d)
			return
		}
		r := dirRow{s: s, a: a, m: make([]uint32, s)}
		for i := range r.m {
			r.m[i] = uint32(nums[3+i])
		}
		table = append(table, r)
	}
	if len(table) != MaxDim {
		tableErr = fmt.Errorf("sobol: direction table has %d dimensions, want %d", len(table), MaxDim)
	}
}

// directions returns the Bits direction numbers of dimension d (0-based),
// v[k] for digit k+1, as left-aligned 32-bit integers (Joe and Kuo's
// recurrence, Bratley and Fox algorithm 659).
func directions(d int) []uint32 {
	v := make([]uint32, Bits)
	if d == 0 {
		for k := range v {
			v[k] = 1 << (Bits - 1 - k)
		}
		return v
	}
	r := table[d]
	s := r.s
	for k := 0; k < s; k++ {
		v[k] = r.m[k] << (Bits - 1 - k)
	}
	for k := s; k < Bits; k++ {
		x := v[k-s] ^ (v[k-s] >> s)
		for i := 1; i < s; i++ {
			if (r.a>>(s-1-i))&1 == 1 {
				x ^= v[k-i]
			}
		}
		v[k] = x
	}
	return v
}

// Sequence is a d-dimensional Sobol' sequence.
type Sequence struct {
	dim   int
	v     [][]uint32 // per dimension, Bits direction numbers (scrambled)
	shift []uint32   // digital shift per dimension (zero when plain)
}

// New returns the plain (unscrambled) sequence in dim dimensions; its first
// point is the origin.
func New(dim int) (*Sequence, error) {
	if dim < 1 || dim > MaxDim {
		return nil, fmt.Errorf("sobol: dimension %d outside [1, %d]", dim, MaxDim)
	}
	tableOnce.Do(loadTable)
	if tableErr != nil {
		return nil, tableErr
	}
	s := &Sequence{dim: dim, v: make([][]uint32, dim), shift: make([]uint32, dim)}
	for d := range s.v {
		s.v[d] = directions(d)
	}
	return s, nil
}

// NewScrambled returns the sequence randomised by Matoušek's random linear
// scramble and a random digital shift, drawn from seed: in each dimension
// the generator matrix C is replaced by L·C, with L a random lower
// triangular binary matrix with a unit diagonal, and every point is XORed
// with a random shift. Each coordinate is then uniform on [0,1) and the
// first 2^m points still form a (t, m, d)-net with the same t as the plain
// sequence (Owen 2003, "Variance with alternative scramblings of digital
// nets"). This is the scramble SciPy's qmc.Sobol uses; Owen's nested
// scramble is not implemented.
func NewScrambled(dim int, seed uint64) (*Sequence, error) {
	s, err := New(dim)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x50b01_5c4a3b1e))
	for d := 0; d < dim; d++ {
		// Row r of L (r = 0 is the most significant digit): bit r set,
		// random bits above it (digits before r), zeros below.
		var rows [Bits]uint32
		for r := 0; r < Bits; r++ {
			top := uint32(1) << (Bits - 1 - r)
			rows[r] = top | (rng.Uint32() &^ (top | (top - 1)))
		}
		for k, c := range s.v[d] {
			var out uint32
			for r := 0; r < Bits; r++ {
				if bits.OnesCount32(rows[r]&c)&1 == 1 {
					out |= 1 << (Bits - 1 - r)
				}
			}
			s.v[d][k] = out
		}
		s.shift[d] = rng.Uint32()
	}
	return s, nil
}

// Dim is the number of coordinates of a point.
func (s *Sequence) Dim() int { return s.dim }

// Coord returns coordinate d of point i (natural order, i < MaxPoints)
// times 2^Bits.
func (s *Sequence) Coord(i uint64, d int) uint32 {
	x := s.shift[d]
	v := s.v[d]
	for k, n := 0, i; n != 0; k, n = k+1, n>>1 {
		if n&1 == 1 {
			x ^= v[k]
		}
	}
	return x
}

// Point writes point i (natural order, i < MaxPoints) into dst (length
// Dim). Coordinates are multiples of 2^-Bits in [0, 1).
func (s *Sequence) Point(i uint64, dst []float64) {
	for d := range dst {
		dst[d] = float64(s.Coord(i, d)) / MaxPoints
	}
}
