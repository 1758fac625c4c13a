package nash

import (
	"context"
	"errors"
	"math"
	"math/big"
)

// seqTab is a full Lemke tableau T = B⁻¹[A | I | b] over rows 1..m, kept
// in exact rationals or in floats. Labels follow Gambit's lemketab: label
// j >= 0 is column j of A (0 is the covering vector), label -i is the slack
// of row i. The pivoting rules reproduce Gambit's so that, in exact
// arithmetic, the same path and so the same equilibrium comes out.
type seqTab interface {
	size() int
	label(row int) int
	find(label int) int // row holding label, 0 if not basic
	// positiveRows returns the rows whose entry in label's column is > 0.
	positiveRows(label int) []int
	// lexMin keeps the candidate rows minimising the ratio of column c
	// (0: right-hand side; c >= 1: slack column of row c) to the entering
	// column.
	lexMin(cand []int, inlabel, c int) []int
	pivot(row, inlabel int)
	setCover(row int, v *big.Rat) // change A(row,0) and refresh column 0 (nonbasic)
	value(row int) float64
	valueExact(row int) *big.Rat // nil for float tableaux
	positive(row int) bool       // basic value above the tolerance
	clone() seqTab
	pivots() int
}

var (
	errSeqRay   = errors.New("sequence-form LCP: Lemke path ended on a ray")
	errSeqCycle = errors.New("sequence-form LCP: too many pivots (numerical cycling)")
)

// seqExitIndex is Gambit's SF_ExitIndex: the minimum-ratio row, ties
// broken lexicographically (Eaves); 0 when the column has no positive entry.
func seqExitIndex(tb seqTab, inlabel int) int {
	best := tb.positiveRows(inlabel)
	if len(best) == 0 {
		return 0
	}
	for c := 0; len(best) > 1 && c <= tb.size(); c++ {
		best = tb.lexMin(best, inlabel, c)
	}
	return best[0]
}

// seqPivotIn is SF_PivotIn: returns the label that left, or inlabel when
// the column is unbounded.
func seqPivotIn(tb seqTab, inlabel int) int {
	out := seqExitIndex(tb, inlabel)
	if out == 0 {
		return inlabel
	}
	outlabel := tb.label(out)
	tb.pivot(out, inlabel)
	return outlabel
}

// seqPath is SF_LCPPath: complementary pivoting until the covering
// variable leaves (1) or a ray is met (0).
func seqPath(ctx context.Context, tb seqTab, dup int) (int, error) {
	enter := dup
	limit := tb.pivots() + 50*tb.size() + 1000
	for {
		if tb.pivots() > limit {
			return 0, errSeqCycle
		}
		if tb.pivots()%64 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		exit := seqPivotIn(tb, enter)
		if exit == enter {
			return 0, nil
		}
		if exit == 0 {
			return 1, nil
		}
		enter = -exit
	}
}

// ---------------------------------------------------------------- exact

type ratTab struct {
	m    int
	t    [][]*big.Rat // rows 1..m, columns 0..2m+1
	lab  []int        // lab[row]
	pos  map[int]int
	npiv int
	a0   []*big.Rat // current column 0 of A
	tmp  *big.Rat
	tmp2 *big.Rat
}

func (r *ratTab) col(label int) int {
	if label >= 0 {
		return label
	}
	return r.m - label
}

func newRatTab(L *seqLCP) *ratTab {
	m := L.m
	r := &ratTab{m: m, lab: make([]int, m+1), pos: map[int]int{}, tmp: new(big.Rat), tmp2: new(big.Rat)}
	r.t = make([][]*big.Rat, m+1)
	r.a0 = make([]*big.Rat, m+1)
	for i := 1; i <= m; i++ {
		row := make([]*big.Rat, 2*m+2)
		for j := range row {
			row[j] = new(big.Rat)
		}
		row[0].Set(L.a0[i])
		row[m+i].SetInt64(1)
		row[2*m+1].Set(L.b[i])
		r.t[i] = row
		r.lab[i] = -i
		r.pos[-i] = i
		r.a0[i] = new(big.Rat).Set(L.a0[i])
	}
	for _, c := range L.cells {
		r.t[c.i][c.j].Set(c.v.big())
	}
	return r
}

func (r *ratTab) size() int         { return r.m }
func (r *ratTab) label(row int) int { return r.lab[row] }
func (r *ratTab) find(l int) int    { return r.pos[l] }
func (r *ratTab) pivots() int       { return r.npiv }

func (r *ratTab) positiveRows(label int) []int {
	c := r.col(label)
	var out []int
	for i := 1; i <= r.m; i++ {
		if r.t[i][c].Sign() > 0 {
			out = append(out, i)
		}
	}
	return out
}

func (r *ratTab) lexMin(cand []int, inlabel, c int) []int {
	in := r.col(inlabel)
	cc := 2*r.m + 1
	if c >= 1 {
		cc = r.m + c
	}
	ratios := make([]*big.Rat, len(cand))
	var min *big.Rat
	for k, i := range cand {
		ratios[k] = new(big.Rat).Quo(r.t[i][cc], r.t[i][in])
		if min == nil || ratios[k].Cmp(min) < 0 {
			min = ratios[k]
		}
	}
	out := cand[:0:0]
	for k, i := range cand {
		if ratios[k].Cmp(min) <= 0 {
			out = append(out, i)
		}
	}
	return out
}

func (r *ratTab) pivot(row, inlabel int) {
	c := r.col(inlabel)
	pr := r.t[row]
	piv := new(big.Rat).Set(pr[c])
	for j := range pr {
		if pr[j].Sign() != 0 {
			pr[j].Quo(pr[j], piv)
		}
	}
	for i := 1; i <= r.m; i++ {
		if i == row {
			continue
		}
		ri := r.t[i]
		f := ri[c]
		if f.Sign() == 0 {
			continue
		}
		f = new(big.Rat).Set(f)
		for j := range ri {
			if pr[j].Sign() != 0 {
				r.tmp.Mul(f, pr[j])
				ri[j].Sub(ri[j], r.tmp)
			}
		}
	}
	delete(r.pos, r.lab[row])
	r.lab[row] = inlabel
	r.pos[inlabel] = row
	r.npiv++
}

func (r *ratTab) setCover(row int, v *big.Rat) {
	r.a0[row].Set(v)
	// column 0 is nonbasic: T[:,0] = B⁻¹ a0, and B⁻¹ is the slack block.
	for i := 1; i <= r.m; i++ {
		s := new(big.Rat)
		for k := 1; k <= r.m; k++ {
			if r.a0[k].Sign() != 0 && r.t[i][r.m+k].Sign() != 0 {
				s.Add(s, r.tmp.Mul(r.t[i][r.m+k], r.a0[k]))
			}
		}
		r.t[i][0] = s
	}
}

func (r *ratTab) value(row int) float64 {
	f, _ := r.t[row][2*r.m+1].Float64()
	return f
}

func (r *ratTab) valueExact(row int) *big.Rat { return r.t[row][2*r.m+1] }
func (r *ratTab) positive(row int) bool       { return r.t[row][2*r.m+1].Sign() > 0 }

func (r *ratTab) clone() seqTab {
	c := &ratTab{m: r.m, lab: append([]int(nil), r.lab...), pos: map[int]int{}, npiv: r.npiv, tmp: new(big.Rat), tmp2: new(big.Rat)}
	for k, v := range r.pos {
		c.pos[k] = v
	}
	c.t = make([][]*big.Rat, r.m+1)
	for i := 1; i <= r.m; i++ {
		c.t[i] = make([]*big.Rat, len(r.t[i]))
		for j, v := range r.t[i] {
			c.t[i][j] = new(big.Rat).Set(v)
		}
	}
	c.a0 = make([]*big.Rat, r.m+1)
	for i := 1; i <= r.m; i++ {
		c.a0[i] = new(big.Rat).Set(r.a0[i])
	}
	return c
}

// ---------------------------------------------------------------- float

type floatTab struct {
	m    int
	w    int
	t    []float64 // row-major, rows 1..m (row 0 unused)
	lab  []int
	pos  []int // pos[label+m]: row of the basic label, 0 if nonbasic
	npiv int
	a0   []float64
	eps  float64
	nz   []int
	// scratch for the ratio tests
	cand   []int
	ratios []float64
}

func newFloatTab(L *seqLCP) *floatTab {
	m := L.m
	w := 2*m + 2
	f := &floatTab{m: m, w: w, t: make([]float64, (m+1)*w), lab: make([]int, m+1), pos: make([]int, 2*m+1), a0: make([]float64, m+1), eps: 1e-9}
	for i := 1; i <= m; i++ {
		f.t[i*w], _ = L.a0[i].Float64()
		f.t[i*w+m+i] = 1
		f.t[i*w+2*m+1], _ = L.b[i].Float64()
		f.lab[i] = -i
		f.pos[m-i] = i
		f.a0[i] = f.t[i*w]
	}
	for _, c := range L.cells {
		f.t[c.i*w+c.j] = c.v.Float64()
	}
	return f
}

func (f *floatTab) col(label int) int {
	if label >= 0 {
		return label
	}
	return f.m - label
}
func (f *floatTab) size() int         { return f.m }
func (f *floatTab) label(row int) int { return f.lab[row] }
func (f *floatTab) find(l int) int    { return f.pos[l+f.m] }
func (f *floatTab) pivots() int       { return f.npiv }

// positiveRows returns the rows whose entry in label's column is above
// the tolerance, in a buffer reused by the next call.
func (f *floatTab) positiveRows(label int) []int {
	c := f.col(label)
	out := f.cand[:0]
	for i := 1; i <= f.m; i++ {
		if f.t[i*f.w+c] > f.eps {
			out = append(out, i)
		}
	}
	f.cand = out
	return out
}

func (f *floatTab) lexMin(cand []int, inlabel, c int) []int {
	in := f.col(inlabel)
	cc := 2*f.m + 1
	if c >= 1 {
		cc = f.m + c
	}
	min := math.Inf(1)
	if cap(f.ratios) < len(cand) {
		f.ratios = make([]float64, len(cand))
	}
	ratios := f.ratios[:len(cand)]
	for k, i := range cand {
		ratios[k] = f.t[i*f.w+cc] / f.t[i*f.w+in]
		if ratios[k] < min {
			min = ratios[k]
		}
	}
	// filter in place: cand is positiveRows' buffer or an earlier result
	out := cand[:0]
	for k, i := range cand {
		if ratios[k] <= min+f.eps {
			out = append(out, i)
		}
	}
	return out
}

func (f *floatTab) pivot(row, inlabel int) {
	c := f.col(inlabel)
	w := f.w
	pr := f.t[row*w : (row+1)*w]
	piv := pr[c]
	// The tableau stays sparse: update only the pivot row's nonzeros.
	nz := f.nz[:0]
	for j, v := range pr {
		if v != 0 {
			pr[j] = v / piv
			nz = append(nz, j)
		}
	}
	f.nz = nz
	pr[c] = 1
	for i := 1; i <= f.m; i++ {
		if i == row {
			continue
		}
		ri := f.t[i*w : (i+1)*w]
		x := ri[c]
		if x == 0 {
			continue
		}
		ri = ri[:len(pr)]
		for _, j := range nz {
			v := ri[j] - x*pr[j]
			if v < 1e-15 && v > -1e-15 {
				v = 0 // flush round-off so the tableau stays sparse
			}
			ri[j] = v
		}
		ri[c] = 0
	}
	f.pos[f.lab[row]+f.m] = 0
	f.lab[row] = inlabel
	f.pos[inlabel+f.m] = row
	f.npiv++
}

func (f *floatTab) setCover(row int, v *big.Rat) {
	f.a0[row], _ = v.Float64()
	for i := 1; i <= f.m; i++ {
		s := 0.0
		for k := 1; k <= f.m; k++ {
			s += f.t[i*f.w+f.m+k] * f.a0[k]
		}
		f.t[i*f.w] = s
	}
}

func (f *floatTab) value(row int) float64       { return f.t[row*f.w+2*f.m+1] }
func (f *floatTab) valueExact(row int) *big.Rat { return nil }
func (f *floatTab) positive(row int) bool       { return f.value(row) > 1e-9 }

func (f *floatTab) clone() seqTab {
	c := *f
	c.t = append([]float64(nil), f.t...)
	c.lab = append([]int(nil), f.lab...)
	c.a0 = append([]float64(nil), f.a0...)
	c.nz, c.cand, c.ratios = nil, nil, nil
	c.pos = append([]int(nil), f.pos...)
	return &c
}
