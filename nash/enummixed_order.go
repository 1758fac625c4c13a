package nash

import (
	"context"
	"errors"
	"math"
	"math/big"
	"sort"

	"github.com/truce-dev/truce/game"
)

// Gambit's listing order for enummixed.
//
// gambit-enummixed enumerates the vertices of each best-response polytope
// by the reverse search of Avis and Fukuda (Gambit's
// src/solvers/linalg/vertenum.cc and lptab.cc): a depth-first walk over
// every feasible basis of {y >= 0 : A y <= 1} from the origin, where the
// parent of a basis is the one Bland's rule pivots to (the entering
// variable is the smallest label with negative reduced cost for the cost
// vector 1; the leaving row has the least ratio, ties going to the
// smallest label), and the children of a basis are taken by entering label
// (slacks -rows..-1, then structural 1..cols), then by row. A basis is
// listed when it passes Gambit's IsLexMin test, which some degenerate
// vertices pass with several bases: such a vertex is listed, and its
// equilibria printed, more than once. The tool then prints, for each listed
// vertex of player 1's polytope in walk order and each listed vertex of
// player 2's in walk order, the pair when it is an equilibrium.
//
// EnumMixed finds its vertices its own way (much faster), so the order is
// reconstructed: for every vertex in an equilibrium, the bases Gambit lists
// for it, and for each its path to the origin under Bland's rule, which
// gives its place in the walk. Gambit's polytopes are built from payoffs
// scaled by one map for both players, (u - min)/(max - min) with min below
// 0 and max above 0, as Gambit does, because the walk depends on the
// numbers, not only on the vertices. Exact runs compute in rationals with
// Gambit's Rational tolerance (none); float runs in float64 with its
// double tolerance (1e-8), as gambit-enummixed -d does.

// gambitOrderEps is Gambit's zero tolerance for double tableaux
// (TableauBase<double>::ComputeEpsilon(), 10^-8).
const gambitOrderEps = 1e-8

// maxGambitBases bounds the bases of one degenerate vertex examined for
// Gambit's listing; past it the listing order is not reconstructed.
const maxGambitBases = 1 << 12

var errGambitOrder = errors.New("Gambit's listing order not reconstructed")

// arith is the arithmetic of the order reconstruction: float64 with
// Gambit's double tolerance, or big.Rat exactly.
type arith[T any] interface {
	zero() T
	one() T
	sub(a, b T) T
	mul(a, b T) T
	quo(a, b T) T
	// sign is -1, 0 or 1: a < -eps, |a| <= eps, a > eps.
	sign(a T) int
}

// floatArith computes in float64. With exact false it decides signs with
// Gambit's double tolerance; with exact true it stands in for exact
// arithmetic and gives up (panics with errThinMargin) on a value within
// thinMargin of 0, where rounding could have changed its sign, and the
// caller redoes the work in rationals. Random games never come near;
// degenerate ones, whose ties are exact zeros, do.
type floatArith struct{ exact bool }

// thinMargin is the least magnitude floatArith trusts as nonzero when it
// stands in for exact arithmetic. Gambit's polytopes have entries in
// (0, 1], and the values compared are entries of B⁻¹[A | I | 1] and reduced
// costs, far above float64's rounding on the games this is for.
const thinMargin = 1e-9

var errThinMargin = errors.New("a sign too close to call in float64")

func (floatArith) zero() float64            { return 0 }
func (floatArith) one() float64             { return 1 }
func (floatArith) sub(a, b float64) float64 { return a - b }
func (floatArith) mul(a, b float64) float64 { return a * b }
func (floatArith) quo(a, b float64) float64 { return a / b }
func (f floatArith) sign(a float64) int {
	eps := gambitOrderEps
	if f.exact {
		if math.Abs(a) < thinMargin || math.IsNaN(a) {
			panic(errThinMargin)
		}
		eps = 0
	}
	switch {
	case a > eps:
		return 1
	case a < -eps:
		return -1
	}
	return 0
}

type ratArith struct{}

func (ratArith) zero() *big.Rat             { return new(big.Rat) }
func (ratArith) one() *big.Rat              { return big.NewRat(1, 1) }
func (ratArith) sub(a, b *big.Rat) *big.Rat { return new(big.Rat).Sub(a, b) }
func (ratArith) mul(a, b *big.Rat) *big.Rat { return new(big.Rat).Mul(a, b) }
func (ratArith) quo(a, b *big.Rat) *big.Rat { return new(big.Rat).Quo(a, b) }
func (ratArith) sign(a *big.Rat) int        { return a.Sign() }

// gambitPoly is one of Gambit's polytopes {y >= 0 : A y <= 1}: rows
// constraints with slack labels -1..-rows, cols structural variables
// labelled 1..cols. A dictionary is t = B⁻¹[A | I] with its right-hand
// side and reduced costs.
type gambitPoly[T any, A arith[T]] struct {
	ar         A
	a          [][]T
	rows, cols int
}

// col is the column index of label l in [A | I].
func (p *gambitPoly[T, A]) col(l int) int {
	if l > 0 {
		return l - 1
	}
	return p.cols - l - 1
}

// dict is a dictionary of p for a basis.
type dict[T any] struct {
	basis []int // label of each row
	t     [][]T // rows × (cols+rows)
	rhs   []T
}

// newDict solves the basis given by labels; ok is false when it is
// singular.
func (p *gambitPoly[T, A]) newDict(labels []int) (*dict[T], bool) {
	if a, ok := any(p.a).([][]float64); ok {
		d, ok := p.newDictFloat(a, labels)
		if !ok {
			return nil, false
		}
		return any(d).(*dict[T]), true
	}
	ar := p.ar
	w := p.cols + p.rows
	// Gauss-Jordan on [B | A | I | 1]: B's columns are the basis labels'.
	aug := make([][]T, p.rows)
	for r := range aug {
		aug[r] = make([]T, p.rows+w+1)
		for c := 0; c < p.rows; c++ {
			aug[r][c] = p.entry(r, labels[c])
		}
		for c := 0; c < p.cols; c++ {
			aug[r][p.rows+c] = p.a[r][c]
		}
		for c := 0; c < p.rows; c++ {
			if c == r {
				aug[r][p.rows+p.cols+c] = ar.one()
			} else {
				aug[r][p.rows+p.cols+c] = ar.zero()
			}
		}
		aug[r][p.rows+w] = ar.one()
	}
	for c := 0; c < p.rows; c++ {
		piv := -1
		for r := c; r < p.rows; r++ {
			if !isZero(ar, aug[r][c]) && (piv < 0 || absGreater(ar, aug[r][c], aug[piv][c])) {
				piv = r
			}
		}
		if piv < 0 || ar.sign(aug[piv][c]) == 0 {
			return nil, false
		}
		aug[c], aug[piv] = aug[piv], aug[c]
		inv := ar.quo(ar.one(), aug[c][c])
		for k := range aug[c] {
			aug[c][k] = ar.mul(aug[c][k], inv)
		}
		for r := 0; r < p.rows; r++ {
			if r == c {
				continue
			}
			f := aug[r][c]
			if isZero(ar, f) {
				continue
			}
			for k := range aug[r] {
				aug[r][k] = ar.sub(aug[r][k], ar.mul(f, aug[c][k]))
			}
		}
	}
	d := &dict[T]{basis: append([]int(nil), labels...), t: make([][]T, p.rows), rhs: make([]T, p.rows)}
	for r := range d.t {
		d.t[r] = aug[r][p.rows : p.rows+w]
		d.rhs[r] = aug[r][p.rows+w]
	}
	return d, true
}

// newDictFloat is newDict in float64 without the generic calls: the same
// operations in the same order on one flat array.
func (p *gambitPoly[T, A]) newDictFloat(a [][]float64, labels []int) (*dict[float64], bool) {
	rows, w := p.rows, p.cols+p.rows
	width := rows + w + 1
	flat := make([]float64, rows*width)
	aug := make([][]float64, rows)
	for r := range aug {
		row := flat[r*width : (r+1)*width : (r+1)*width]
		for c, l := range labels {
			if l > 0 {
				row[c] = a[r][l-1]
			} else if -l-1 == r {
				row[c] = 1
			}
		}
		copy(row[rows:], a[r])
		row[rows+p.cols+r] = 1
		row[rows+w] = 1
		aug[r] = row
	}
	for c := 0; c < rows; c++ {
		piv := -1
		for r := c; r < rows; r++ {
			if aug[r][c] != 0 && (piv < 0 || math.Abs(aug[r][c]) > math.Abs(aug[piv][c])) {
				piv = r
			}
		}
		if piv < 0 || p.ar.sign(any(aug[piv][c]).(T)) == 0 {
			return nil, false
		}
		aug[c], aug[piv] = aug[piv], aug[c]
		pr := aug[c]
		inv := 1 / pr[c]
		for k := range pr {
			pr[k] *= inv
		}
		for r := 0; r < rows; r++ {
			f := aug[r][c]
			if r == c || f == 0 {
				continue
			}
			ar := aug[r]
			for k, v := range pr {
				ar[k] -= f * v
			}
		}
	}
	d := &dict[float64]{basis: append([]int(nil), labels...), t: make([][]float64, rows), rhs: make([]float64, rows)}
	for r := range d.t {
		d.t[r] = aug[r][rows : rows+w]
		d.rhs[r] = aug[r][rows+w]
	}
	return d, true
}

// entry is row r of label l's column of [A | I].
func (p *gambitPoly[T, A]) entry(r, l int) T {
	if l > 0 {
		return p.a[r][l-1]
	}
	if -l-1 == r {
		return p.ar.one()
	}
	return p.ar.zero()
}

func isZero[T any, A arith[T]](ar A, x T) bool {
	switch v := any(x).(type) {
	case float64:
		return v == 0
	case *big.Rat:
		return v.Sign() == 0
	}
	return ar.sign(x) == 0
}

// absGreater reports |a| > |b| (partial pivoting in float64; any nonzero
// pivot does for rationals).
func absGreater[T any, A arith[T]](ar A, a, b T) bool {
	if fa, ok := any(a).(float64); ok {
		fb := any(b).(float64)
		return math.Abs(fa) > math.Abs(fb)
	}
	return false
}

// reducedCost is label l's reduced cost for the cost 1 on structural
// variables and 0 on slacks (Gambit's EnumerateVertices).
func (p *gambitPoly[T, A]) reducedCost(d *dict[T], l int) T {
	ar := p.ar
	c := ar.zero()
	if l > 0 {
		c = ar.one()
	}
	k := p.col(l)
	for r, b := range d.basis {
		if b > 0 {
			c = ar.sub(c, d.t[r][k])
		}
	}
	return c
}

// isLexMin is Gambit's Tableau::IsLexMin: every row with a zero value has
// no negative entry in the columns of the labels below its own.
func (p *gambitPoly[T, A]) isLexMin(d *dict[T]) bool {
	ar := p.ar
	basic := make([]bool, p.rows+p.cols+1) // by label + rows
	for _, l := range d.basis {
		basic[l+p.rows] = true
	}
	for r, lr := range d.basis {
		if ar.sign(d.rhs[r]) != 0 {
			continue
		}
		// A basic label's column is a unit vector: 0 in row r.
		for l := -p.rows; l < lr; l++ {
			if l != 0 && !basic[l+p.rows] && ar.sign(d.t[r][p.col(l)]) < 0 {
				return false
			}
		}
	}
	return true
}

// edge is one step down Gambit's walk: label j enters in row i.
type edge struct{ j, i int }

// walkKey returns the path from the origin to the basis of d in Gambit's
// walk (d is consumed).
func (p *gambitPoly[T, A]) walkKey(ctx context.Context, d *dict[T]) ([]edge, error) {
	ar := p.ar
	type up struct{ enter, leave int }
	var steps []up
	basic := make([]bool, p.rows+p.cols+1) // by label + rows
	for it := 0; ; it++ {
		if it&63 == 63 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if it > 1_000_000 {
			return nil, errGambitOrder
		}
		clear(basic)
		for _, l := range d.basis {
			basic[l+p.rows] = true
		}
		enter := 0
		for l := -p.rows; l <= p.cols; l++ {
			if l != 0 && !basic[l+p.rows] && ar.sign(p.reducedCost(d, l)) < 0 {
				enter = l
				break
			}
		}
		if enter == 0 {
			for _, l := range d.basis {
				if l > 0 {
					return nil, errGambitOrder // an optimum other than the origin
				}
			}
			break
		}
		k := p.col(enter)
		row := -1
		var best T
		for r := range d.basis {
			if ar.sign(d.t[r][k]) <= 0 {
				continue
			}
			ratio := ar.quo(d.rhs[r], d.t[r][k])
			if row < 0 {
				row, best = r, ratio
				continue
			}
			switch s := ar.sign(ar.sub(ratio, best)); {
			case s < 0, s == 0 && d.basis[r] < d.basis[row]:
				row, best = r, ratio
			}
		}
		if row < 0 {
			return nil, errGambitOrder
		}
		steps = append(steps, up{enter, d.basis[row]})
		p.pivot(d, row, k)
		d.basis[row] = enter
	}
	// Replay from the origin, whose row r holds slack -(r+1), to learn
	// the rows Gambit's tableau uses.
	rowOf := make(map[int]int, p.rows)
	for r := 1; r <= p.rows; r++ {
		rowOf[-r] = r
	}
	key := make([]edge, 0, len(steps))
	for s := len(steps) - 1; s >= 0; s-- {
		st := steps[s]
		i := rowOf[st.enter]
		delete(rowOf, st.enter)
		rowOf[st.leave] = i
		key = append(key, edge{st.leave, i})
	}
	return key, nil
}

func (p *gambitPoly[T, A]) pivot(d *dict[T], row, k int) {
	if t, ok := any(d.t).([][]float64); ok {
		// float64: the same operations, without the generic calls.
		rhs := any(d.rhs).([]float64)
		pr := t[row]
		inv := 1 / pr[k]
		for c := range pr {
			pr[c] *= inv
		}
		rhs[row] *= inv
		for r, tr := range t {
			f := tr[k]
			if r == row || f == 0 {
				continue
			}
			for c, v := range pr {
				tr[c] -= f * v
			}
			rhs[r] -= f * rhs[row]
		}
		return
	}
	ar := p.ar
	inv := ar.quo(ar.one(), d.t[row][k])
	for c := range d.t[row] {
		d.t[row][c] = ar.mul(d.t[row][c], inv)
	}
	d.rhs[row] = ar.mul(d.rhs[row], inv)
	for r := range d.t {
		if r == row {
			continue
		}
		f := d.t[r][k]
		if isZero(ar, f) {
			continue
		}
		for c := range d.t[r] {
			d.t[r][c] = ar.sub(d.t[r][c], ar.mul(f, d.t[row][c]))
		}
		d.rhs[r] = ar.sub(d.rhs[r], ar.mul(f, d.rhs[row]))
	}
}

// vertexKeys returns the walk positions of the bases Gambit lists for the
// vertex whose nonzero variables are support (labels) and whose zero
// variables are zeros.
// point is the vertex's structural variables, solved from the first of
// those bases.
func (p *gambitPoly[T, A]) vertexKeys(ctx context.Context, support, zeros []int) (keys [][]edge, point []T, err error) {
	need := p.rows - len(support)
	if need < 0 || need > len(zeros) {
		return nil, nil, errGambitOrder
	}
	tried := 0
	pick := make([]int, need)
	var rec func(from, k int) error
	rec = func(from, k int) error {
		if k == need {
			if tried++; tried > maxGambitBases {
				return errGambitOrder
			}
			labels := append(append([]int(nil), support...), pick...)
			d, ok := p.newDict(labels)
			if !ok || !p.isLexMin(d) {
				return nil
			}
			if point == nil {
				point = make([]T, p.cols)
				for c := range point {
					point[c] = p.ar.zero()
				}
				for r, l := range d.basis {
					if l > 0 {
						point[l-1] = d.rhs[r]
					}
				}
			}
			key, err := p.walkKey(ctx, d)
			if err != nil {
				return err
			}
			keys = append(keys, key)
			return nil
		}
		for i := from; i <= len(zeros)-(need-k); i++ {
			pick[k] = zeros[i]
			if err := rec(i+1, k+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := rec(0, 0); err != nil {
		return nil, nil, err
	}
	return keys, point, nil
}

func keyLess(a, b []edge) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i].j != b[i].j {
				return a[i].j < b[i].j
			}
			return a[i].i < b[i].i
		}
	}
	return len(a) < len(b)
}

// gambitMatrices returns Gambit's A1 (m×n, player 1) and A2 (n×m, player
// 2): payoffs mapped by (u - lo)/(hi - lo), lo = min(0, least payoff) - 1,
// hi = max(0, largest payoff).
func gambitMatrices[T any, A arith[T]](ar A, g *game.Strategic, conv func(k, p int, lo, span *big.Rat) T) (a1, a2 [][]T) {
	m, n := len(g.Strategies[0]), len(g.Strategies[1])
	lo, hi := gambitRange(g)
	span := new(big.Rat).Sub(hi, lo)
	a1 = make([][]T, m)
	for i := range a1 {
		a1[i] = make([]T, n)
	}
	a2 = make([][]T, n)
	for j := range a2 {
		a2[j] = make([]T, m)
	}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			k := i + j*m
			a1[i][j] = conv(k, 0, lo, span)
			a2[j][i] = conv(k, 1, lo, span)
		}
	}
	return a1, a2
}

// gambitRange is Gambit's min and max for the scaling: min(0, least
// payoff) - 1 and max(0, largest payoff).
func gambitRange(g *game.Strategic) (lo, hi *big.Rat) {
	lo, hi = new(big.Rat), new(big.Rat)
	if ex := g.Exact(); ex != nil {
		for _, v := range ex {
			if v.Cmp(lo) < 0 {
				lo.Set(v)
			}
			if v.Cmp(hi) > 0 {
				hi.Set(v)
			}
		}
	} else {
		for _, v := range g.Payoffs {
			f := new(big.Rat).SetFloat64(v)
			if f.Cmp(lo) < 0 {
				lo.Set(f)
			}
			if f.Cmp(hi) > 0 {
				hi.Set(f)
			}
		}
	}
	lo.Sub(lo, big.NewRat(1, 1))
	return lo, hi
}

// gambitOrderSide is what the reconstruction needs of one side's vertex:
// for Gambit label l (slack -r, structural c), whether it is zero there.
type gambitVertex func(l int) bool

// gambitListing returns, for EnumMixed's vertex pairs, the pair printed
// on each line of gambit-enummixed's output, in order (a pair may be
// printed several times, or not at all if Gambit lists none of its bases).
// zeroP(v) and zeroQ(v) describe player 1's and player 2's vertex v.
func gambitListing(ctx context.Context, g *game.Strategic, rational bool, pairs [][2]int, zeroP, zeroQ func(v int) gambitVertex) (*gambitOrder, error) {
	if rational {
		if out, err := floatListing(ctx, g, floatArith{exact: true}, pairs, zeroP, zeroQ); err != errThinMargin {
			return out, err
		}
		a1, a2 := gambitMatrices(ratArith{}, g, func(k, p int, lo, span *big.Rat) *big.Rat {
			v := new(big.Rat).Sub(g.Exact()[k*2+p], lo)
			return v.Quo(v, span)
		})
		return listing(ctx, &gambitPoly[*big.Rat, ratArith]{a: a1, rows: len(a1), cols: len(a1[0])},
			&gambitPoly[*big.Rat, ratArith]{a: a2, rows: len(a2), cols: len(a2[0])}, pairs, zeroP, zeroQ)
	}
	return floatListing(ctx, g, floatArith{}, pairs, zeroP, zeroQ)
}

// floatListing is gambitListing in float64; with ar.exact, a sign too
// close to call returns errThinMargin.
func floatListing(ctx context.Context, g *game.Strategic, ar floatArith, pairs [][2]int, zeroP, zeroQ func(v int) gambitVertex) (out *gambitOrder, err error) {
	if ar.exact {
		defer func() {
			if r := recover(); r != nil {
				if r != errThinMargin {
					panic(r)
				}
				out, err = nil, errThinMargin
			}
		}()
	}
	a1, a2 := gambitMatrices(ar, g, func(k, p int, lo, span *big.Rat) float64 {
		l, _ := lo.Float64()
		s, _ := span.Float64()
		return (g.Payoffs[k*2+p] - l) / s
	})
	return listing(ctx, &gambitPoly[float64, floatArith]{ar: ar, a: a1, rows: len(a1), cols: len(a1[0])},
		&gambitPoly[float64, floatArith]{ar: ar, a: a2, rows: len(a2), cols: len(a2[0])}, pairs, zeroP, zeroQ)
}

func listing[T any, A arith[T]](ctx context.Context, poly1, poly2 *gambitPoly[T, A], pairs [][2]int, zeroP, zeroQ func(v int) gambitVertex) (*gambitOrder, error) {
	keysOf := func(p *gambitPoly[T, A], zero gambitVertex) ([][]edge, []T, error) {
		var support, zeros []int
		for l := -p.rows; l <= p.cols; l++ {
			if l == 0 {
				continue
			}
			if zero(l) {
				zeros = append(zeros, l)
			} else {
				support = append(support, l)
			}
		}
		return p.vertexKeys(ctx, support, zeros)
	}
	// poly2 (A2, player 2's payoffs) has player 1's strategies as its
	// variables: gambit-enummixed's outer loop.
	keysP, keysQ := map[int][][]edge{}, map[int][][]edge{}
	res := &gambitOrder{pointP: map[int][]float64{}, pointQ: map[int][]float64{}}
	floats := func(pt []T) []float64 {
		out := make([]float64, len(pt))
		for i, v := range pt {
			f, ok := any(v).(float64)
			if !ok {
				return nil
			}
			out[i] = f
		}
		return out
	}
	for _, pr := range pairs {
		if _, ok := keysP[pr[0]]; !ok {
			k, pt, err := keysOf(poly2, zeroP(pr[0]))
			if err != nil {
				return nil, err
			}
			keysP[pr[0]] = k
			res.pointP[pr[0]] = floats(pt)
		}
		if _, ok := keysQ[pr[1]]; !ok {
			k, pt, err := keysOf(poly1, zeroQ(pr[1]))
			if err != nil {
				return nil, err
			}
			keysQ[pr[1]] = k
			res.pointQ[pr[1]] = floats(pt)
		}
	}
	type line struct {
		kp, kq []edge
		pair   int
	}
	var lines []line
	for i, pr := range pairs {
		for _, kp := range keysP[pr[0]] {
			for _, kq := range keysQ[pr[1]] {
				lines = append(lines, line{kp, kq, i})
			}
		}
	}
	sort.SliceStable(lines, func(a, b int) bool {
		la, lb := lines[a], lines[b]
		if keyLess(la.kp, lb.kp) {
			return true
		}
		if keyLess(lb.kp, la.kp) {
			return false
		}
		return keyLess(la.kq, lb.kq)
	})
	res.lines = make([]int, len(lines))
	for i, l := range lines {
		res.lines[i] = l.pair
	}
	return res, nil
}

// gambitOrder is what gambitListing reconstructs: the pair printed on
// each line, and, in float64, each vertex's structural variables solved
// from its first listed basis (unnormalised; nil for a vertex Gambit
// does not list).
type gambitOrder struct {
	lines          []int
	pointP, pointQ map[int][]float64
}
