package nash

import (
	"math"
	"math/big"
	"math/bits"
)

// The exact sequence-form tableau of a typical tree holds small numbers
// (a few bits: chance probabilities and payoffs of a handful of digits),
// yet big.Rat spends most of a pivot normalising them. qTab keeps every
// entry as an int64 fraction and checks each operation for overflow; the
// first overflow hands the work to ratTab (big.Rat), which replays the
// pivots made so far. Either way the arithmetic is exact, so the path and
// the equilibrium are those of ratTab, pivot for pivot.

// qrat is a fraction n/d in lowest terms with d > 0.
type qrat struct{ n, d int64 }

func gcd64(a, b uint64) uint64 {
	if a == 0 {
		return b
	}
	if b == 0 {
		return a
	}
	shift := bits.TrailingZeros64(a | b)
	a >>= bits.TrailingZeros64(a)
	for b != 0 {
		b >>= bits.TrailingZeros64(b)
		if a > b {
			a, b = b, a
		}
		b -= a
	}
	return a << shift
}

func abs64(x int64) uint64 {
	if x < 0 {
		return uint64(-x)
	}
	return uint64(x)
}

// mulChecked returns a*b and whether it fits in an int64 (and is not
// math.MinInt64, so that it can be negated).
func mulChecked(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(abs64(a), abs64(b))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if (a < 0) != (b < 0) {
		return -int64(lo), true
	}
	return int64(lo), true
}

func subChecked(a, b int64) (int64, bool) {
	c := a - b
	if (a >= 0) != (b >= 0) && (c >= 0) != (a >= 0) || c == math.MinInt64 {
		return 0, false
	}
	return c, true
}

func qnorm(n, d int64) qrat {
	if n == 0 {
		return qrat{0, 1}
	}
	if d == 1 {
		return qrat{n, 1}
	}
	if g := int64(gcd64(abs64(n), uint64(d))); g > 1 {
		n, d = n/g, d/g
	}
	return qrat{n, d}
}

// qmul returns a*b.
func qmul(a, b qrat) (qrat, bool) {
	if a.n == 0 || b.n == 0 {
		return qrat{0, 1}, true
	}
	if a.d == 1 && b.d == 1 {
		n, ok := mulChecked(a.n, b.n)
		return qrat{n, 1}, ok
	}
	g1, g2 := int64(1), int64(1)
	if b.d != 1 {
		g1 = int64(gcd64(abs64(a.n), uint64(b.d)))
	}
	if a.d != 1 {
		g2 = int64(gcd64(abs64(b.n), uint64(a.d)))
	}
	n, ok1 := mulChecked(a.n/g1, b.n/g2)
	d, ok2 := mulChecked(a.d/g2, b.d/g1)
	return qrat{n, d}, ok1 && ok2
}

// qsub returns a-b.
func qsub(a, b qrat) (qrat, bool) {
	if b.n == 0 {
		return a, true
	}
	if a.d == b.d {
		n, ok := subChecked(a.n, b.n)
		return qnorm(n, a.d), ok
	}
	g := int64(gcd64(uint64(a.d), uint64(b.d)))
	x, ok1 := mulChecked(a.n, b.d/g)
	y, ok2 := mulChecked(b.n, a.d/g)
	n, ok3 := subChecked(x, y)
	d, ok4 := mulChecked(a.d, b.d/g)
	if !(ok1 && ok2 && ok3 && ok4) {
		return qrat{}, false
	}
	return qnorm(n, d), true
}

// qdiv returns a/b for b != 0.
func qdiv(a, b qrat) (qrat, bool) {
	inv := qrat{b.d, b.n}
	if inv.d < 0 {
		if inv.n == math.MinInt64 || inv.d == math.MinInt64 {
			return qrat{}, false
		}
		inv.n, inv.d = -inv.n, -inv.d
	}
	return qmul(a, inv)
}

// qcmp compares a and b exactly.
func qcmp(a, b qrat) int {
	// a.n*b.d vs b.n*a.d in 128 bits
	lhsHi, lhsLo := mul128(a.n, b.d)
	rhsHi, rhsLo := mul128(b.n, a.d)
	switch {
	case lhsHi != rhsHi:
		if lhsHi < rhsHi {
			return -1
		}
		return 1
	case lhsLo != rhsLo:
		if lhsLo < rhsLo {
			return -1
		}
		return 1
	}
	return 0
}

// mul128 returns the signed 128-bit product of a and b (b > 0) as a high
// signed word and a low unsigned word.
func mul128(a, b int64) (int64, uint64) {
	hi, lo := bits.Mul64(abs64(a), uint64(b))
	if a < 0 {
		// two's complement negation of (hi, lo)
		lo = ^lo + 1
		hi = ^hi
		if lo == 0 {
			hi++
		}
	}
	return int64(hi), lo
}

func (q qrat) rat() *big.Rat { return big.NewRat(q.n, q.d) }

// toQrat converts r when it fits.
func toQrat(r *big.Rat) (qrat, bool) {
	if !r.Num().IsInt64() || !r.Denom().IsInt64() || r.Num().Int64() == math.MinInt64 {
		return qrat{}, false
	}
	return qrat{r.Num().Int64(), r.Denom().Int64()}, true
}

// qTab is the int64-fraction Lemke tableau (see ratTab for the layout).
type qTab struct {
	m    int
	w    int    // 2m+2
	t    []qrat // rows 1..m, row-major, row 0 unused
	lab  []int
	pos  []int // pos[label+m]: row of the basic label, 0 if nonbasic
	npiv int
	a0   []qrat
	nz   []int
	cand []int // positiveRows' buffer
}

// newQTab builds the tableau of L, or returns false when an entry does
// not fit.
func newQTab(L *seqLCP) (*qTab, bool) {
	m := L.m
	w := 2*m + 2
	q := &qTab{m: m, w: w, t: make([]qrat, (m+1)*w), lab: make([]int, m+1), pos: make([]int, 2*m+1), a0: make([]qrat, m+1)}
	for i := range q.t {
		q.t[i].d = 1
	}
	for i := 1; i <= m; i++ {
		a0, ok := toQrat(L.a0[i])
		b, ok2 := toQrat(L.b[i])
		if !ok || !ok2 {
			return nil, false
		}
		q.t[i*w] = a0
		q.t[i*w+m+i] = qrat{1, 1}
		q.t[i*w+2*m+1] = b
		q.lab[i] = -i
		q.pos[m-i] = i
		q.a0[i] = a0
	}
	for _, c := range L.cells {
		if c.v.b != nil {
			return nil, false
		}
		q.t[c.i*w+c.j] = c.v.q
	}
	return q, true
}

func (q *qTab) col(label int) int {
	if label >= 0 {
		return label
	}
	return q.m - label
}

func (q *qTab) label(row int) int { return q.lab[row] }
func (q *qTab) find(l int) int    { return q.pos[l+q.m] }
func (q *qTab) pivots() int       { return q.npiv }

func (q *qTab) positiveRows(label int) []int {
	c := q.col(label)
	out := q.cand[:0]
	for i := 1; i <= q.m; i++ {
		if q.t[i*q.w+c].n > 0 {
			out = append(out, i)
		}
	}
	q.cand = out
	return out
}

// lexMin keeps the candidates minimising T[i][cc]/T[i][in]; the ratios
// are compared exactly, in big.Rat when an int64 product would overflow.
func (q *qTab) lexMin(cand []int, inlabel, c int) []int {
	in := q.col(inlabel)
	cc := 2*q.m + 1
	if c >= 1 {
		cc = q.m + c
	}
	ratio := func(i int) (qrat, bool) { return qdiv(q.t[i*q.w+cc], q.t[i*q.w+in]) }
	cmp := func(i, k int) int {
		a, ok1 := ratio(i)
		b, ok2 := ratio(k)
		if ok1 && ok2 {
			return qcmp(a, b)
		}
		ra := new(big.Rat).Quo(q.t[i*q.w+cc].rat(), q.t[i*q.w+in].rat())
		rb := new(big.Rat).Quo(q.t[k*q.w+cc].rat(), q.t[k*q.w+in].rat())
		return ra.Cmp(rb)
	}
	best := cand[0]
	for _, i := range cand[1:] {
		if cmp(i, best) < 0 {
			best = i
		}
	}
	out := cand[:0] // in place: best is kept, and read before it could move
	for _, i := range cand {
		if i == best || cmp(i, best) == 0 {
			out = append(out, i)
		}
	}
	return out
}

// pivot makes inlabel basic in row; false on overflow, when the tableau
// is left half-updated and must be discarded.
func (q *qTab) pivot(row, inlabel int) bool {
	c := q.col(inlabel)
	w := q.w
	pr := q.t[row*w : (row+1)*w]
	piv := pr[c]
	nz := q.nz[:0]
	for j := range pr {
		if pr[j].n != 0 {
			v, ok := qdiv(pr[j], piv)
			if !ok {
				return false
			}
			pr[j] = v
			nz = append(nz, j)
		}
	}
	q.nz = nz
	for i := 1; i <= q.m; i++ {
		if i == row {
			continue
		}
		ri := q.t[i*w : (i+1)*w]
		f := ri[c]
		if f.n == 0 {
			continue
		}
		for _, j := range nz {
			p, ok := qmul(f, pr[j])
			if !ok {
				return false
			}
			if ri[j], ok = qsub(ri[j], p); !ok {
				return false
			}
		}
	}
	q.pos[q.lab[row]+q.m] = 0
	q.lab[row] = inlabel
	q.pos[inlabel+q.m] = row
	q.npiv++
	return true
}

// setCover changes A(row,0) and recomputes column 0 (nonbasic) as B⁻¹a0,
// B⁻¹ being the slack block; false on overflow.
func (q *qTab) setCover(row int, v *big.Rat) bool {
	a, ok := toQrat(v)
	if !ok {
		return false
	}
	q.a0[row] = a
	for i := 1; i <= q.m; i++ {
		s := qrat{0, 1}
		for k := 1; k <= q.m; k++ {
			if q.a0[k].n == 0 {
				continue
			}
			b := q.t[i*q.w+q.m+k]
			if b.n == 0 {
				continue
			}
			p, ok := qmul(b, q.a0[k])
			if !ok {
				return false
			}
			if s, ok = qsub(s, qrat{-p.n, p.d}); !ok {
				return false
			}
		}
		q.t[i*q.w] = s
	}
	return true
}

func (q *qTab) value(row int) float64 {
	v := q.t[row*q.w+2*q.m+1]
	return float64(v.n) / float64(v.d)
}

func (q *qTab) valueExact(row int) *big.Rat { return q.t[row*q.w+2*q.m+1].rat() }
func (q *qTab) positive(row int) bool       { return q.t[row*q.w+2*q.m+1].n > 0 }

func (q *qTab) clone() *qTab {
	c := *q
	c.t = append([]qrat(nil), q.t...)
	c.lab = append([]int(nil), q.lab...)
	c.a0 = append([]qrat(nil), q.a0...)
	c.nz, c.cand = nil, nil
	c.pos = append([]int(nil), q.pos...)
	return &c
}

// exactTab is the exact seqTab: a qTab while the numbers fit in int64,
// then a ratTab rebuilt by replaying the pivots and cover changes made.
type exactTab struct {
	L    *seqLCP
	q    *qTab
	r    *ratTab
	hist []exactOp
}

// exactOp is a pivot (row, inlabel) or, with cover set, a change of the
// covering vector in row.
type exactOp struct {
	row, inlabel int
	cover        *big.Rat
}

func newExactTab(L *seqLCP) seqTab {
	if q, ok := newQTab(L); ok {
		return &exactTab{L: L, q: q}
	}
	return newRatTab(L)
}

// big switches to big.Rat: the initial tableau with every operation so
// far replayed.
func (e *exactTab) big() {
	r := newRatTab(e.L)
	for _, op := range e.hist {
		if op.cover != nil {
			r.setCover(op.row, op.cover)
		} else {
			r.pivot(op.row, op.inlabel)
		}
	}
	e.r, e.q, e.hist = r, nil, nil
}

func (e *exactTab) size() int { return e.L.m }

func (e *exactTab) label(row int) int {
	if e.r != nil {
		return e.r.label(row)
	}
	return e.q.label(row)
}

func (e *exactTab) find(l int) int {
	if e.r != nil {
		return e.r.find(l)
	}
	return e.q.find(l)
}

func (e *exactTab) positiveRows(label int) []int {
	if e.r != nil {
		return e.r.positiveRows(label)
	}
	return e.q.positiveRows(label)
}

func (e *exactTab) lexMin(cand []int, inlabel, c int) []int {
	if e.r != nil {
		return e.r.lexMin(cand, inlabel, c)
	}
	return e.q.lexMin(cand, inlabel, c)
}

func (e *exactTab) pivot(row, inlabel int) {
	if e.q != nil {
		if e.q.pivot(row, inlabel) {
			e.hist = append(e.hist, exactOp{row: row, inlabel: inlabel})
			return
		}
		e.big()
	}
	e.r.pivot(row, inlabel)
}

func (e *exactTab) setCover(row int, v *big.Rat) {
	if e.q != nil {
		if e.q.setCover(row, v) {
			e.hist = append(e.hist, exactOp{row: row, cover: new(big.Rat).Set(v)})
			return
		}
		e.big()
	}
	e.r.setCover(row, v)
}

func (e *exactTab) value(row int) float64 {
	if e.r != nil {
		return e.r.value(row)
	}
	return e.q.value(row)
}

func (e *exactTab) valueExact(row int) *big.Rat {
	if e.r != nil {
		return e.r.valueExact(row)
	}
	return e.q.valueExact(row)
}

func (e *exactTab) positive(row int) bool {
	if e.r != nil {
		return e.r.positive(row)
	}
	return e.q.positive(row)
}

func (e *exactTab) clone() seqTab {
	if e.r != nil {
		return &exactTab{L: e.L, r: e.r.clone().(*ratTab)}
	}
	return &exactTab{L: e.L, q: e.q.clone(), hist: append([]exactOp(nil), e.hist...)}
}

func (e *exactTab) pivots() int {
	if e.r != nil {
		return e.r.pivots()
	}
	return e.q.pivots()
}
