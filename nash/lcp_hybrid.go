package nash

import (
	"errors"
	"math"
	"math/big"

	"github.com/truce-dev/truce/game"
)

// Exact Lemke–Howson, fast: lhHybrid follows the paths in float64 and
// takes in exact arithmetic every decision whose float margin is thin.
//
// A pivot's outcome depends only on the current basis, so a decision the
// floats make with a wide margin (a clear minimum ratio, pivot entries far
// from zero) is the exact decision. When the margin is thin (ties, which
// degenerate games have by the dozen, or entries near zero) the exact
// tableau of the current basis is built by fraction-free elimination from
// the game's integer data, the pivot is made there by the exact
// lexicographic rule, and the float tableau is reloaded from it. At every
// equilibrium the basis is solved exactly (a k×k system, k the support
// size): the profile is exact, and a basis that is exactly infeasible,
// which only a wrong float decision could produce, makes LCP redo the
// whole run in pure exact arithmetic.

// errLHUncertain is returned by a guarded float pivot that needs an exact
// decision.
var errLHUncertain = errors.New("lcp: float margin too thin")

const (
	lhGuardZero  = 1e-8 // |entry| between 1e-14 and this: sign not trusted
	lhGuardRatio = 1e-7 // runner-up ratio within this (relative): tie not excluded
)

// uncertain reports whether the float ratio test for col in s could differ
// from the exact one.
func (t *lhFloat) uncertain(s *sysF, col int, best float64) bool {
	if math.IsInf(best, 1) {
		return true
	}
	st, rhs := s.stride, s.stride-1
	near := 0
	lim := best*(1+lhGuardRatio) + 1e-12
	for r := 0; r < s.rows; r++ {
		a := s.t[r*st+col]
		if abs := math.Abs(a); abs > 1e-14 && abs < lhGuardZero {
			return true
		}
		if a > lhPosEps && s.t[r*st+rhs]/a <= lim {
			near++
		}
	}
	return near > 1
}

type lhHybrid struct {
	f    *lhFloat
	base *lhExact // the exact initial tableau, shared and never changed
	info *lhHybridInfo
}

// lhHybridInfo is shared by all tableaux of one run.
type lhHybridInfo struct {
	exactPivots int  // decisions taken exactly
	failed      bool // an equilibrium basis was exactly infeasible
}

func newLHHybrid(g *game.Strategic) *lhHybrid {
	f := newLHFloat(g)
	f.guard = true
	return &lhHybrid{f: f, base: newLHExact(g), info: &lhHybridInfo{}}
}

func (h *lhHybrid) labels() int        { return h.f.labels() }
func (h *lhHybrid) isBasic(v int) bool { return h.f.isBasic(v) }
func (h *lhHybrid) key() string        { return h.f.key() }
func (h *lhHybrid) clone() lhTableau {
	return &lhHybrid{f: h.f.clone().(*lhFloat), base: h.base, info: h.info}
}

func (h *lhHybrid) pivotIn(v int) (int, error) {
	leave, err := h.f.pivotIn(v)
	if err != errLHUncertain {
		return leave, err
	}
	h.info.exactPivots++
	ex := h.exactAt()
	leave, err = ex.pivotIn(v)
	if err != nil {
		return 0, err
	}
	h.f.load(ex)
	return leave, nil
}

func (h *lhHybrid) equilibrium(g *game.Strategic) (Equilibrium, bool) {
	m, n := h.f.m, h.f.n
	L := m + n
	// player 1's mix x solves system 1 (rows: player 2's strategies),
	// player 2's mix y system 0
	x, okx := h.solveBasis(1, m, 0, L+m)
	y, oky := h.solveBasis(0, n, m, L)
	if !okx || !oky {
		h.info.failed = true
		return Equilibrium{}, false
	}
	sx := new(big.Int)
	for _, v := range x {
		sx.Add(sx, v)
	}
	if sx.Sign() == 0 {
		return Equilibrium{}, false // the artificial equilibrium
	}
	norm := func(v []*big.Int) []*big.Rat {
		sum := new(big.Int)
		for _, z := range v {
			sum.Add(sum, z)
		}
		out := make([]*big.Rat, len(v))
		for i, z := range v {
			out[i] = new(big.Rat)
			if z.Sign() != 0 {
				out[i].SetFrac(z, sum)
			}
		}
		return out
	}
	return exactEquilibrium(g, [][]*big.Rat{norm(x), norm(y)}), true
}

// solveBasis solves system si of the current basis exactly. Its strategy
// variables are ids first..first+cols-1 and the slack of its row r is id
// slack0+r. With T the basic strategy variables and S the rows whose
// slacks are not basic (|S| = |T|), it solves A[S,T] z = 1 by fraction-free
// elimination and returns each strategy variable's value times a common
// positive factor. ok is false when the basis is not exactly feasible.
func (h *lhHybrid) solveBasis(si, cols, first, slack0 int) ([]*big.Int, bool) {
	base := &h.base.sys[si]
	var T, S []int
	for c := 0; c < cols; c++ {
		if h.f.where[first+c] >= 0 {
			T = append(T, c)
		}
	}
	for r := 0; r < base.rows; r++ {
		if h.f.where[slack0+r] < 0 {
			S = append(S, r)
		}
	}
	out := make([]*big.Int, cols)
	for c := range out {
		out[c] = new(big.Int)
	}
	k := len(T)
	if k != len(S) {
		return out, false
	}
	if k == 0 {
		return out, true
	}
	// [A[S,T] | 1] in integers, then Gauss–Jordan without fractions
	sys := &sysZ{rows: k, stride: k + 1}
	sys.t = make([]big.Int, k*(k+1))
	sys.det.SetInt64(1)
	for a, r := range S {
		for b, c := range T {
			sys.t[a*(k+1)+b].Set(&base.t[r*base.stride+c])
		}
		sys.t[a*(k+1)+k].SetInt64(1)
	}
	used := make([]bool, k)
	pivRow := make([]int, k)
	for b := 0; b < k; b++ {
		row := -1
		for a := 0; a < k; a++ {
			if !used[a] && sys.t[a*(k+1)+b].Sign() != 0 {
				row = a
				break
			}
		}
		if row < 0 {
			return out, false // singular: not a basis
		}
		used[row] = true
		pivRow[b] = row
		h.base.pivotAt(sys, row, b)
	}
	det := &sys.det
	sign := det.Sign()
	for b, c := range T {
		out[c].Set(&sys.t[pivRow[b]*(k+1)+k])
		if sign < 0 {
			out[c].Neg(out[c])
		}
		if out[c].Sign() < 0 {
			return out, false
		}
	}
	// the basic slacks must be nonnegative: sum_T A[r,c] z_c <= |det|
	absDet := new(big.Int).Abs(det)
	var acc, tmp big.Int
	for r := 0; r < base.rows; r++ {
		if h.f.where[slack0+r] < 0 {
			continue
		}
		acc.SetInt64(0)
		for _, c := range T {
			tmp.Mul(&base.t[r*base.stride+c], out[c])
			acc.Add(&acc, &tmp)
		}
		if acc.Cmp(absDet) > 0 {
			return out, false
		}
	}
	return out, true
}

// exactAt builds the exact tableau of the float tableau's current basis:
// starting from the initial one, each basic strategy variable is pivoted
// (fraction-free) into the row of a slack that is not basic any more.
// Because the basis is nonsingular such a row with a nonzero entry always
// exists.
func (h *lhHybrid) exactAt() *lhExact {
	ex := h.base.clone().(*lhExact)
	L := h.f.m + h.f.n
	for si := range ex.sys {
		s := &ex.sys[si]
		for _, v := range h.f.sys[si].basis {
			if v >= L {
				continue // a slack: already basic in the initial tableau
			}
			_, col := locate(v, h.f.m, h.f.n)
			row := -1
			for r := 0; r < s.rows; r++ {
				u := s.basis[r]
				if u >= L && h.f.where[u] < 0 && s.t[r*s.stride+col].Sign() != 0 {
					row = r
					break
				}
			}
			if row < 0 {
				// cannot happen for a nonsingular basis; fall back safely
				h.info.failed = true
				continue
			}
			ex.pivotAt(s, row, col)
			leave := s.basis[row]
			s.basis[row] = v
			ex.where[leave] = -1
			ex.where[v] = row
		}
		if s.det.Sign() < 0 {
			// keep det > 0, as the ratio tests assume
			s.det.Neg(&s.det)
			for j := range s.t {
				s.t[j].Neg(&s.t[j])
			}
		}
	}
	return ex
}

// load copies the exact tableau ex (basis and values) into the float one.
func (t *lhFloat) load(ex *lhExact) {
	copy(t.where, ex.where)
	for si := range t.sys {
		s, e := &t.sys[si], &ex.sys[si]
		copy(s.basis, e.basis)
		det := bigFloat(&e.det)
		for j := range s.t {
			if e.t[j].Sign() == 0 {
				s.t[j] = 0
			} else {
				s.t[j] = bigFloat(&e.t[j]) / det
			}
		}
	}
}

// bigFloat converts x to the nearest float64 (±Inf beyond its range).
func bigFloat(x *big.Int) float64 {
	if x.IsInt64() {
		return float64(x.Int64())
	}
	f, _ := new(big.Float).SetInt(x).Float64()
	return f
}
