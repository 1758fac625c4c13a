package nash

import (
	"errors"
	"fmt"
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
// decision is made by the exact lexicographic rule from the inverse of the
// basis, computed by fraction-free elimination from the game's integer
// data (see exactLeaveRow), and the float tableau pivots on the row chosen
// exactly. At every equilibrium the basis is solved exactly (a k×k system,
// k the support size): the profile is exact, and a basis that is exactly
// infeasible, which only a wrong float decision could produce, makes LCP
// redo the whole run in pure exact arithmetic.
//
// What "wide" means is a judgement on float64 rounding (relative margins of
// 1e-7 and entries above 1e-8 on payoffs scaled to [0,1]); it is not a
// proof. The exact solve at each equilibrium certifies what is returned,
// and a test checks that the same bases and pivot counts come out as with
// pure exact pivoting on games full of ties.

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
func (h *lhHybrid) cloneInto(dst lhTableau) lhTableau {
	var f lhTableau
	if d, ok := dst.(*lhHybrid); ok && d != nil {
		f = d.f
	}
	return &lhHybrid{f: h.f.cloneInto(f).(*lhFloat), base: h.base, info: h.info}
}

func (h *lhHybrid) clone() lhTableau {
	return &lhHybrid{f: h.f.clone().(*lhFloat), base: h.base, info: h.info}
}

func (h *lhHybrid) snapshot() func() lhTableau {
	f := h.f.snapshot()
	base, info := h.base, h.info
	return func() lhTableau { return &lhHybrid{f: f().(*lhFloat), base: base, info: info} }
}

func (h *lhHybrid) pivotIn(v int) (int, error) {
	leave, err := h.f.pivotIn(v)
	if err != errLHUncertain {
		return leave, err
	}
	h.info.exactPivots++
	si, col := locate(v, h.f.m, h.f.n)
	row, err := h.exactLeaveRow(si, v)
	if err != nil {
		return 0, err
	}
	return h.f.pivotAt(&h.f.sys[si], row, col, v), nil
}

// exactLeaveRow decides exactly which basic variable leaves system si when
// v enters, by the lexicographic ratio test, and returns its row in the
// float tableau.
//
// With T the basic strategy variables, S the rows whose slacks are not
// basic and R the others, the basis matrix is [A_ST 0; A_RT I] and its
// inverse [M 0; -A_RT M I] with M = A_ST⁻¹, a k×k inverse (k = |T|, the
// support size) computed by fraction-free elimination. Every tableau entry
// the test needs follows from M, scaled by M's common denominator, which
// does not change any ratio.
func (h *lhHybrid) exactLeaveRow(si, v int) (int, error) {
	m, n := h.f.m, h.f.n
	L := m + n
	base := &h.base.sys[si]
	fs := &h.f.sys[si]
	rows, st := base.rows, base.stride
	slack0 := L
	if si == 1 {
		slack0 = L + m
	}
	type basic struct {
		v, col int // variable; its structural column, or -1 for a slack
		row    int // slack's row, for slacks
	}
	var T []basic
	var Rs []basic
	var S []int
	for r := 0; r < rows; r++ {
		if h.f.where[slack0+r] < 0 {
			S = append(S, r)
		}
	}
	for _, u := range fs.basis {
		if u < L {
			_, c := locate(u, m, n)
			T = append(T, basic{v: u, col: c})
		} else {
			Rs = append(Rs, basic{v: u, col: -1, row: u - slack0})
		}
	}
	k := len(T)
	if k != len(S) {
		return 0, fmt.Errorf("lcp: inconsistent basis")
	}
	// [A_ST | I] → [det·I | det·M] up to row order, fraction-free
	w := 2 * k
	z := &sysZ{rows: k, stride: w}
	z.t = make([]big.Int, k*w)
	z.det.SetInt64(1)
	for a, r := range S {
		for b, tb := range T {
			z.t[a*w+b].Set(&base.t[r*st+tb.col])
		}
		z.t[a*w+k+a].SetInt64(1)
	}
	pr := make([]int, k) // pr[b]: the row that ends with column b's pivot
	used := make([]bool, k)
	for b := 0; b < k; b++ {
		row := -1
		for a := 0; a < k; a++ {
			if !used[a] && z.t[a*w+b].Sign() != 0 {
				row = a
				break
			}
		}
		if row < 0 {
			return 0, fmt.Errorf("lcp: singular basis")
		}
		used[row], pr[b] = true, row
		h.base.pivotAt(z, row, b)
	}
	neg := z.det.Sign() < 0
	det := new(big.Int).Abs(&z.det)
	// Mi(b, a) = det · M[b][a]
	Mi := func(b, a int) *big.Int {
		x := new(big.Int).Set(&z.t[pr[b]*w+k+a])
		if neg {
			x.Neg(x)
		}
		return x
	}
	// column of the tableau (times det) for an original column given by
	// orig(r), for every basic variable: structural ones first, in T
	// order, then the slacks in Rs order
	column := func(orig func(r int) *big.Int) []*big.Int {
		out := make([]*big.Int, 0, rows)
		var tmp big.Int
		for b := range T {
			x := new(big.Int)
			for a, r := range S {
				if o := orig(r); o.Sign() != 0 {
					tmp.Mul(Mi(b, a), o)
					x.Add(x, &tmp)
				}
			}
			out = append(out, x)
		}
		for _, rb := range Rs {
			x := new(big.Int).Mul(det, orig(rb.row))
			for b, tb := range T {
				if a := &base.t[rb.row*st+tb.col]; a.Sign() != 0 {
					tmp.Mul(a, out[b])
					x.Sub(x, &tmp)
				}
			}
			out = append(out, x)
		}
		return out
	}
	zero, one := new(big.Int), big.NewInt(1)
	_, ecol := locate(v, m, n)
	var enter []*big.Int
	if v < L {
		enter = column(func(r int) *big.Int { return &base.t[r*st+ecol] })
	} else {
		q := v - slack0
		enter = column(func(r int) *big.Int {
			if r == q {
				return one
			}
			return zero
		})
	}
	rhs := column(func(int) *big.Int { return one })
	all := append(append([]basic(nil), T...), Rs...)
	var cand []int
	for i, e := range enter {
		if e.Sign() > 0 {
			cand = append(cand, i)
		}
	}
	if len(cand) == 0 {
		return 0, fmt.Errorf("lcp: unbounded pivot column")
	}
	cmp := func(p1, q1, p2, q2 *big.Int) int {
		var x, y big.Int
		x.Mul(p1, q2)
		y.Mul(p2, q1)
		return x.Cmp(&y)
	}
	// minimum ratio rhs/enter
	keep := cand[:1]
	for _, i := range cand[1:] {
		switch cmp(rhs[i], enter[i], rhs[keep[0]], enter[keep[0]]) {
		case -1:
			keep = append(keep[:0], i)
		case 0:
			keep = append(keep, i)
		}
	}
	// lexicographic ties: columns of the basis inverse in row order,
	// largest ratio kept (Gambit's rule)
	for c := 0; len(keep) > 1 && c < rows; c++ {
		col := column(func(r int) *big.Int {
			if r == c {
				return one
			}
			return zero
		})
		next := keep[:1]
		for _, i := range keep[1:] {
			switch cmp(col[i], enter[i], col[next[0]], enter[next[0]]) {
			case 1:
				next = append(next[:0], i)
			case 0:
				next = append(next, i)
			}
		}
		keep = next
	}
	return h.f.where[all[keep[0]].v], nil
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
