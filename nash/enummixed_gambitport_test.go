package nash

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"path/filepath"
	"testing"

	"pgregory.net/rapid"

	"github.com/truce-dev/truce/game"
)

// gambitPort is a literal port of Gambit 17's vertex enumeration
// (src/solvers/linalg/vertenum.cc, lptab.cc, tableau.cc: the reverse search
// of Avis and Fukuda) and of gambit-enummixed's loop over vertex pairs
// (src/solvers/enummixed/enummixed.cc), in exact arithmetic with Gambit's
// zero tolerance eps (0 for Rational, 1e-8 for double). It recomputes the
// basis inverse at every node, so it is slow: a test oracle for the order
// in which EnumMixed prints, on small games.
type gambitPort struct {
	a     [][]*big.Rat // rows × cols
	b     []*big.Rat   // rows
	rows  int
	cols  int
	eps   *big.Rat
	label []int // label[i], i = 1..rows: basic variable of row i (<0 slack)
	inv   [][]*big.Rat
	verts []map[int]*big.Rat
}

func (t *gambitPort) isMember(j int) bool {
	for i := 1; i <= t.rows; i++ {
		if t.label[i] == j {
			return true
		}
	}
	return false
}

func (t *gambitPort) column(j int) []*big.Rat {
	c := make([]*big.Rat, t.rows+1)
	for i := 1; i <= t.rows; i++ {
		c[i] = new(big.Rat)
		if j > 0 {
			c[i].Set(t.a[i-1][j-1])
		} else if -j == i {
			c[i].SetInt64(1)
		}
	}
	return c
}

// refactor inverts the basis matrix (Gauss-Jordan on big.Rat).
func (t *gambitPort) refactor() {
	n := t.rows
	m := make([][]*big.Rat, n)
	for i := range m {
		m[i] = make([]*big.Rat, 2*n)
		for j := range m[i] {
			m[i][j] = new(big.Rat)
		}
		m[i][n+i].SetInt64(1)
	}
	for k := 1; k <= n; k++ {
		c := t.column(t.label[k])
		for i := 1; i <= n; i++ {
			m[i-1][k-1].Set(c[i])
		}
	}
	for col := 0; col < n; col++ {
		p := -1
		for r := col; r < n; r++ {
			if m[r][col].Sign() != 0 {
				p = r
				break
			}
		}
		if p < 0 {
			panic("singular basis")
		}
		m[col], m[p] = m[p], m[col]
		piv := new(big.Rat).Inv(m[col][col])
		for j := range m[col] {
			m[col][j].Mul(m[col][j], piv)
		}
		for r := 0; r < n; r++ {
			if r == col || m[r][col].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(m[r][col])
			for j := range m[r] {
				m[r][j].Sub(m[r][j], new(big.Rat).Mul(f, m[col][j]))
			}
		}
	}
	t.inv = make([][]*big.Rat, n+1)
	for i := 1; i <= n; i++ {
		t.inv[i] = make([]*big.Rat, n+1)
		for j := 1; j <= n; j++ {
			t.inv[i][j] = m[i-1][n+j-1]
		}
	}
}

func (t *gambitPort) solve(c []*big.Rat) []*big.Rat {
	out := make([]*big.Rat, t.rows+1)
	for i := 1; i <= t.rows; i++ {
		s := new(big.Rat)
		for j := 1; j <= t.rows; j++ {
			s.Add(s, new(big.Rat).Mul(t.inv[i][j], c[j]))
		}
		out[i] = s
	}
	return out
}

func (t *gambitPort) solveT(c []*big.Rat) []*big.Rat {
	out := make([]*big.Rat, t.rows+1)
	for j := 1; j <= t.rows; j++ {
		s := new(big.Rat)
		for i := 1; i <= t.rows; i++ {
			s.Add(s, new(big.Rat).Mul(c[i], t.inv[i][j]))
		}
		out[j] = s
	}
	return out
}

func (t *gambitPort) solution() []*big.Rat {
	b := make([]*big.Rat, t.rows+1)
	for i := 1; i <= t.rows; i++ {
		b[i] = t.b[i-1]
	}
	return t.solve(b)
}

func (t *gambitPort) solveColumn(j int) []*big.Rat { return t.solve(t.column(j)) }

func (t *gambitPort) dual() []*big.Rat {
	c := make([]*big.Rat, t.rows+1)
	for i := 1; i <= t.rows; i++ {
		c[i] = new(big.Rat)
		if t.label[i] > 0 {
			c[i].SetInt64(1)
		}
	}
	return t.solveT(c)
}

func gpDot(a, b []*big.Rat) *big.Rat {
	s := new(big.Rat)
	for i := 1; i < len(a); i++ {
		s.Add(s, new(big.Rat).Mul(a[i], b[i]))
	}
	return s
}

func (t *gambitPort) relCost(col int, dual []*big.Rat) *big.Rat {
	if col < 0 {
		return new(big.Rat).Neg(dual[-col])
	}
	return new(big.Rat).Sub(big.NewRat(1, 1), gpDot(dual, t.column(col)))
}

func (t *gambitPort) le0(x *big.Rat) bool { return x.Cmp(t.eps) <= 0 }
func (t *gambitPort) ge0(x *big.Rat) bool { return new(big.Rat).Neg(x).Cmp(t.eps) <= 0 }
func (t *gambitPort) gt0(x *big.Rat) bool { return !t.le0(x) }
func (t *gambitPort) lt0(x *big.Rat) bool { return !t.ge0(x) }
func (t *gambitPort) eq0(x *big.Rat) bool { return t.le0(x) && t.ge0(x) }

func gpSub(a, b *big.Rat) *big.Rat { return new(big.Rat).Sub(a, b) }
func gpQuo(a, b *big.Rat) *big.Rat { return new(big.Rat).Quo(a, b) }
func gpMul(a, b *big.Rat) *big.Rat { return new(big.Rat).Mul(a, b) }

func (t *gambitPort) isLexMin() bool {
	sol := t.solution()
	for i := 1; i <= t.rows; i++ {
		if t.eq0(sol[i]) {
			for j := -t.rows; j < t.label[i]; j++ {
				if j != 0 && t.lt0(t.solveColumn(j)[i]) {
					return false
				}
			}
		}
	}
	return true
}

func (t *gambitPort) reversePivots() [][2]int {
	var list [][2]int
	solution := t.solution()
	dual := t.dual()
	for j := -t.rows; j <= t.cols; j++ {
		if j == 0 || t.isMember(j) {
			continue
		}
		tmpcol := t.solveColumn(j)
		var best []int
		for i := 1; i <= t.rows; i++ {
			if t.gt0(tmpcol[i]) {
				best = append(best, i)
			}
		}
		if len(best) > 0 {
			ratio := gpQuo(solution[best[0]], tmpcol[best[0]])
			for _, i := range best[1:] {
				if x := gpQuo(solution[i], tmpcol[i]); t.gt0(gpSub(x, ratio)) {
					ratio = x
				}
			}
			for k := len(best) - 1; k >= 0; k-- {
				if x := gpQuo(solution[best[k]], tmpcol[best[k]]); t.lt0(gpSub(x, ratio)) {
					best = append(best[:k], best[k+1:]...)
				}
			}
			for k := len(best) - 1; k >= 0; k-- {
				bi := best[k]
				aij := gpQuo(big.NewRat(1, 1), tmpcol[bi])
				if t.le0(aij) {
					best = append(best[:k], best[k+1:]...)
					continue
				}
				b_i := gpQuo(solution[bi], tmpcol[bi])
				r := gpQuo(b_i, aij)
				for kk := 1; kk <= t.rows; kk++ {
					if kk == bi {
						continue
					}
					aik := new(big.Rat).Neg(gpMul(aij, tmpcol[kk]))
					bk := gpSub(solution[kk], gpMul(b_i, tmpcol[kk]))
					if t.gt0(aik) && t.gt0(gpSub(gpQuo(bk, aik), r)) {
						best = append(best[:k], best[k+1:]...)
						break
					} else if t.gt0(aik) && t.eq0(gpSub(gpQuo(bk, aik), r)) && t.label[kk] < j {
						best = append(best[:k], best[k+1:]...)
						break
					}
				}
			}
		}
		for k := len(best) - 1; k >= 0; k-- {
			bi := best[k]
			enter := t.label[bi]
			e := make([]*big.Rat, t.rows+1)
			for i := 1; i <= t.rows; i++ {
				e[i] = new(big.Rat)
			}
			e[bi].SetInt64(1)
			tmpdual := t.solveT(e)
			aij := gpDot(tmpdual, t.column(j))
			cj := t.relCost(j, dual)
			if t.eq0(aij) {
				best = append(best[:k], best[k+1:]...)
				continue
			}
			ratio := gpQuo(cj, aij)
			aikOf := func(k int) *big.Rat {
				if k < 0 {
					return tmpdual[-k]
				}
				return gpDot(tmpdual, t.column(k))
			}
			cjo := gpSub(t.relCost(enter, dual), gpMul(aikOf(enter), ratio))
			if t.ge0(cjo) {
				best = append(best[:k], best[k+1:]...)
				continue
			}
			for kk := -t.rows; kk < enter; kk++ {
				if kk == 0 {
					continue
				}
				if c := gpSub(t.relCost(kk, dual), gpMul(aikOf(kk), ratio)); t.lt0(c) {
					best = append(best[:k], best[k+1:]...)
					break
				}
			}
		}
		for _, i := range best {
			list = append(list, [2]int{i, j})
		}
	}
	return list
}

func (t *gambitPort) fullBFS() map[int]*big.Rat {
	sol := t.solution()
	out := map[int]*big.Rat{}
	for i := 1; i <= t.rows; i++ {
		out[t.label[i]] = sol[i]
	}
	return out
}

func (t *gambitPort) search() {
	if t.isLexMin() {
		t.verts = append(t.verts, t.fullBFS())
	}
	saved := append([]int(nil), t.label...)
	for _, p := range t.reversePivots() {
		copy(t.label, saved)
		t.label[p[0]] = p[1]
		t.refactor()
		t.search()
	}
	copy(t.label, saved)
	t.refactor()
}

func gambitPortVertices(a [][]*big.Rat, eps *big.Rat) []map[int]*big.Rat {
	t := &gambitPort{a: a, rows: len(a), cols: len(a[0]), eps: eps}
	t.label = make([]int, t.rows+1)
	for i := 1; i <= t.rows; i++ {
		t.label[i] = -i
		t.b = append(t.b, big.NewRat(-1, 1))
	}
	t.refactor()
	t.search()
	return t.verts
}

// gambitPortEnumMixed returns the profiles gambit-enummixed prints, in its
// order (exact values; float mode only changes eps).
func gambitPortEnumMixed(g *game.Strategic, float bool) [][]*big.Rat {
	m, n := len(g.Strategies[0]), len(g.Strategies[1])
	ex := g.Exact()
	lo, hi := new(big.Rat), new(big.Rat)
	for i, v := range ex {
		if i == 0 || v.Cmp(lo) < 0 {
			lo.Set(v)
		}
		if i == 0 || v.Cmp(hi) > 0 {
			hi.Set(v)
		}
	}
	if lo.Sign() > 0 {
		lo.SetInt64(0)
	}
	lo.Sub(lo, big.NewRat(1, 1))
	if hi.Sign() < 0 {
		hi.SetInt64(0)
	}
	fac := new(big.Rat).Inv(gpSub(hi, lo))
	a1 := make([][]*big.Rat, m)
	a2 := make([][]*big.Rat, n)
	for j := range a2 {
		a2[j] = make([]*big.Rat, m)
	}
	for i := 0; i < m; i++ {
		a1[i] = make([]*big.Rat, n)
		for j := 0; j < n; j++ {
			k := i + j*m
			a1[i][j] = gpMul(fac, gpSub(ex[2*k], lo))
			a2[j][i] = gpMul(fac, gpSub(ex[2*k+1], lo))
		}
	}
	eps := new(big.Rat)
	if float {
		eps.SetFloat64(1e-8)
	}
	v1 := gambitPortVertices(a1, eps)
	v2 := gambitPortVertices(a2, eps)
	tol := new(big.Rat)
	if float {
		tol.SetFloat64(1e-15)
	}
	isZero := func(x *big.Rat) bool { return new(big.Rat).Abs(x).Cmp(tol) <= 0 }
	var out [][]*big.Rat
	for i2 := 1; i2 < len(v2); i2++ {
		bfs1 := v2[i2]
		for i1 := 1; i1 < len(v1); i1++ {
			bfs2 := v1[i1]
			nash := true
			for k := 1; nash && k <= m; k++ {
				if x, ok := bfs1[k]; ok {
					if y, ok := bfs2[-k]; ok {
						nash = isZero(gpMul(x, y))
					}
				}
			}
			for k := 1; nash && k <= n; k++ {
				if x, ok := bfs2[k]; ok {
					if y, ok := bfs1[-k]; ok {
						nash = isZero(gpMul(x, y))
					}
				}
			}
			if !nash {
				continue
			}
			prof := make([]*big.Rat, m+n)
			s1, s2 := new(big.Rat), new(big.Rat)
			for k := 1; k <= m; k++ {
				prof[k-1] = new(big.Rat)
				if x, ok := bfs1[k]; ok {
					prof[k-1].Neg(x)
				}
				s1.Add(s1, prof[k-1])
			}
			for k := 1; k <= n; k++ {
				prof[m+k-1] = new(big.Rat)
				if x, ok := bfs2[k]; ok {
					prof[m+k-1].Neg(x)
				}
				s2.Add(s2, prof[m+k-1])
			}
			for k := 0; k < m; k++ {
				prof[k].Quo(prof[k], s1)
			}
			for k := m; k < m+n; k++ {
				prof[k].Quo(prof[k], s2)
			}
			out = append(out, prof)
		}
	}
	return out
}

// TestEnumMixedGambitOrderMatchesPort: the profiles GambitListing gives,
// in order and with repeats, are those the literal port of Gambit's
// algorithm (gambitPortEnumMixed, which reproduces gambit-enummixed's
// output byte for byte on all 44 reference games) prints, on random games
// up to 5×5 with payoffs from small sets (degenerate vertices with several
// bases, ties in the walk's ratio tests), in both arithmetics: exactly
// in rational mode, within 1e-9 in float mode.
func TestEnumMixedGambitOrderMatchesPort(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		shape := []int{rapid.IntRange(1, 5).Draw(t, "m"), rapid.IntRange(1, 5).Draw(t, "n")}
		sets := [][]int64{{0, 1}, {0, 1, 2}, {-1, 0, 3}, {0, 1, 2, 3, 5, 8}, {wideLo, -wideLo}}
		g := randomGame(t, shape, sets[rapid.IntRange(0, len(sets)-1).Draw(t, "values")])
		for _, rational := range []bool{true, false} {
			want := gambitPortEnumMixed(g, !rational)
			res, err := EnumMixed(context.Background(), g, Options{Rational: rational, GambitOrder: true})
			if err != nil {
				t.Fatal(err)
			}
			list := GambitListing(res)
			if len(list) != len(want) {
				t.Fatalf("rational %v: %d lines, Gambit's algorithm prints %d", rational, len(list), len(want))
			}
			for k, i := range list {
				eq := res.Equilibria[i]
				flat := append(append([]float64(nil), eq.Profile[0]...), eq.Profile[1]...)
				for s, w := range want[k] {
					if rational {
						ex := append(append([]*big.Rat(nil), eq.Exact[0]...), eq.Exact[1]...)
						if ex[s].Cmp(w) != 0 {
							t.Fatalf("line %d: %s, Gambit's algorithm prints %s", k+1, ratKey(ex), ratKey(want[k]))
						}
						continue
					}
					wf, _ := w.Float64()
					if math.Abs(flat[s]-wf) > 1e-9 {
						t.Fatalf("float line %d: %v, Gambit's algorithm prints %s", k+1, flat, ratKey(want[k]))
					}
				}
			}
		}
	})
}

// BenchmarkEnumMixedGambitOrder: what reconstructing Gambit's listing
// adds to enummixed (--format gambit) on the 6×6 game with 75 equilibria
// and the random 12×12 game.
func BenchmarkEnumMixedGambitOrder(b *testing.B) {
	for _, c := range []struct {
		name, file string
		rational   bool
	}{
		{"6x6-75-exact", "games/_catalog_journals_dcg_vonstengel1999_6x6_game_with_75_eq.nfg", true},
		{"12x12-float", "rand_12x12_s2012.nfg", false},
	} {
		g := loadNFG(b, filepath.Join(mixedData, c.file))
		for _, order := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/order=%v", c.name, order), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if _, err := EnumMixed(context.Background(), g, Options{Rational: c.rational, GambitOrder: order}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
