package nash

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"sort"
	"time"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/internal/budget"
)

// EnumMixed finds every extreme Nash equilibrium of a 2-player game.
//
// An extreme equilibrium is a completely labelled pair of vertices of the
// two best-response polytopes
//
//	P = {x >= 0 : Bᵀx <= 1}   (player 1's mixed strategy, scaled)
//	Q = {y >= 0 : A y <= 1}   (player 2's mixed strategy, scaled)
//
// with payoffs shifted to be positive. Both polytopes are enumerated by a
// depth-first walk over lexicographically feasible bases (a symbolic
// perturbation of the right-hand side makes the polytope simple, so the walk
// reaches every vertex even in degenerate games); a vertex is identified by
// its set of tight constraints (its labels). The two walks are interleaved
// and every new vertex is matched at once against the other side's vertices
// found so far, so a run stopped by ctx still reports what it found.
//
// With opt.Rational the walk pivots in fraction-free integer arithmetic
// (exact, regret exactly 0); otherwise in float64 with tolerances.
// Equilibria sharing a vertex belong to the same connected component of the
// equilibrium set (Avis, Rosenberg, Savani, von Stengel 2010); Component
// numbers those components.
func EnumMixed(ctx context.Context, g *game.Strategic, opt Options) (out *Result, outErr error) {
	defer certifyGame(ctx, "enummixed", g, &out, &outErr)
	start := time.Now()
	if g.NumPlayers() != 2 {
		return nil, fmt.Errorf("enummixed: needs a 2-player game, this one has %d players", g.NumPlayers())
	}
	if opt.Rational && !g.IsExact() {
		return nil, fmt.Errorf("enummixed: rational arithmetic needs exact payoffs, and this game has some given as decimals only")
	}
	m, n := len(g.Strategies[0]), len(g.Strategies[1])
	res := &Result{Method: "enummixed", Complete: true, Stats: map[string]float64{}}

	// Two tableaux of k rows and d+k+1 columns; exact entries are big
	// integers that grow along the walk.
	per := int64(8)
	if opt.Rational {
		per = 32 + 32
	}
	if err := budget.Check(ctx, fmt.Sprintf("enummixed tableaux (%d×%d strategies)", m, n),
		budget.Mul(2, int64(max(m, n)), int64(m+n+1), per), "use --method lcp for one equilibrium, or lcp --all"); err != nil {
		return nil, fmt.Errorf("enummixed: %w", err)
	}
	var tp, tq tableau
	if opt.Rational {
		a, bt := exactMatrices(g)
		if err := ctx.Err(); err != nil {
			return &Result{Method: "enummixed", Reason: stopReason(err), Stats: map[string]float64{}}, nil
		}
		tp, tq = newExactTableau(bt, n, m), newExactTableau(a, m, n)
	} else {
		a, bt := floatMatrices(g)
		tp, tq = newFloatTableau(bt, n, m), newFloatTableau(a, m, n)
	}
	// P's variables are x_i (label i) then slacks of Bᵀx<=1 (label m+j);
	// Q's are y_j (label m+j) then slacks of Ay<=1 (label i).
	sp := newSide(tp, m, n, func(v int) int { return v })
	sq := newSide(tq, n, m, func(v int) int {
		if v < n {
			return m + v
		}
		return v - n
	})
	// Exact pivots on a large tableau take long: the walks and the pivots
	// themselves check ctx.
	sp.e.ctx, sq.e.ctx = ctx, ctx
	if et, ok := tp.(*exactTableau); ok {
		et.ctx = ctx
		tq.(*exactTableau).ctx = ctx
	}

	var pairs [][2]int // (P vertex id, Q vertex id)
	match := func(v int, self, other *side, selfIsP bool) {
		vx := &self.verts[v]
		if vx.origin {
			return
		}
		req := vx.labels.complement(m + n)
		add := func(w int) {
			if selfIsP {
				pairs = append(pairs, [2]int{v, w})
			} else {
				pairs = append(pairs, [2]int{w, v})
			}
		}
		if !vx.degenerate {
			if w, ok := other.simple.get(req); ok && !other.verts[w].origin {
				add(w)
			}
			for _, w := range other.degen {
				if other.verts[w].labels.contains(req) && !other.verts[w].origin {
					add(w)
				}
			}
			return
		}
		for w := range other.verts {
			if !other.verts[w].origin && other.verts[w].labels.contains(req) {
				add(w)
			}
		}
	}

	steps := 0
	for !sp.done || !sq.done {
		if steps++; steps&63 == 0 {
			if stop, why := stopped(ctx); stop {
				res.Complete, res.Reason = false, why
				break
			}
			if sp.e.bases+sq.e.bases > enumMixedMaxBases {
				res.Complete = false
				res.Reason = fmt.Sprintf("basis limit %d reached (memory); use lcp for games this large", enumMixedMaxBases)
				break
			}
			if opt.Progress != nil && steps&4095 == 0 {
				opt.Progress(fmt.Sprintf("%d+%d vertices, %s", len(sp.verts), len(sq.verts), equilibria(len(pairs))))
			}
		}
		if !sp.done {
			if v, ok := sp.advance(); ok {
				match(v, sp, sq, true)
			}
		}
		if !sq.done {
			if v, ok := sq.advance(); ok {
				match(v, sq, sp, false)
			}
		}
	}
	if res.Complete && (sp.e.err != nil || sq.e.err != nil) {
		res.Complete, res.Reason = false, stopReason(ctx.Err())
	}
	res.Stats["vertices1"] = float64(len(sp.verts))
	res.Stats["vertices2"] = float64(len(sq.verts))
	res.Stats["bases"] = float64(sp.e.bases + sq.e.bases)
	res.Stats["pivots"] = float64(sp.e.pivots + sq.e.pivots)
	res.Stats["degenerate"] = float64(len(sp.degen) + len(sq.degen))

	eqs := make([]Equilibrium, 0, len(pairs))
	keep := make([][2]int, 0, len(pairs))
	dropped := 0
	span := payoffSpan(g)
	for i, pr := range pairs {
		// Checking a pair costs a regret over the whole table: on a
		// degenerate game with many candidate pairs this takes seconds, so
		// the time limit is honoured here too.
		if i%256 == 255 {
			if stop, why := stopped(ctx); stop {
				if res.Complete {
					res.Complete, res.Reason = false, why
				}
				break
			}
		}
		x, xr, err := sp.point(pr[0])
		if err != nil {
			return nil, fmt.Errorf("enummixed: %w", err)
		}
		y, yr, err := sq.point(pr[1])
		if err != nil {
			return nil, fmt.Errorf("enummixed: %w", err)
		}
		e := Equilibrium{Profile: [][]float64{x, y}, Component: -1}
		if xr != nil {
			e.Exact = [][]*big.Rat{xr, yr}
			if r := exactRegret2(g, e.Exact); r.Sign() != 0 {
				return nil, fmt.Errorf("enummixed: exact profile has regret %s (a bug: please report it with the game)", r.RatString())
			}
		} else {
			e.Regret = g.Regret(e.Profile)
			// Payoff differences near float64's resolution of the payoff
			// range look like ties to the walk and make spurious vertex
			// pairs; keep only pairs that are equilibria to 1e-9 of the
			// range (a true extreme equilibrium is one to ~1e-14).
			if e.Regret > 1e-9*span {
				dropped++
				continue
			}
		}
		eqs = append(eqs, e)
		keep = append(keep, pr)
	}
	pairs = keep
	if dropped > 0 {
		res.Stats["dropped"] = float64(dropped)
	}
	order := make([]int, len(eqs))
	for i := range order {
		order[i] = i
	}
	// Gambit's listing (enummixed_order.go): each equilibrium keeps the
	// numbers of the lines gambit-enummixed prints it on, for
	// GambitListing. When it cannot be reconstructed (a degenerate vertex
	// with too many bases), GambitListing gives the profiles in their
	// order. Equilibria themselves are sorted from the largest
	// lexicographically (player 1's probabilities first).
	zeroP := func(v int) gambitVertex {
		labels := sp.verts[v].labels
		return func(l int) bool {
			if l > 0 {
				return labels.has(l - 1)
			}
			return labels.has(m - l - 1)
		}
	}
	zeroQ := func(v int) gambitVertex {
		labels := sq.verts[v].labels
		return func(l int) bool {
			if l > 0 {
				return labels.has(m + l - 1)
			}
			return labels.has(-l - 1)
		}
	}
	var gord *gambitOrder
	lerr := errGambitOrder
	if opt.GambitOrder {
		gord, lerr = gambitListing(ctx, g, opt.Rational, pairs, zeroP, zeroQ)
	}
	if lerr == nil && !opt.Rational {
		// The walk's coordinates carry the rounding of every pivot since
		// the last refactorisation (up to 4e-10 on the 6×6 game with
		// payoffs in the millions); the vertex solved afresh from its
		// basis is accurate to float64's rounding, as Gambit's is, which
		// matters for -d 10. It replaces the walk's when it is no worse
		// an equilibrium.
		for i, pr := range pairs {
			x := normalised(gord.pointP[pr[0]], zeroP(pr[0]))
			y := normalised(gord.pointQ[pr[1]], zeroQ(pr[1]))
			if x == nil || y == nil {
				continue
			}
			prof := [][]float64{x, y}
			if r := g.Regret(prof); r <= eqs[i].Regret || r <= 1e-12*span {
				eqs[i].Profile, eqs[i].Regret = prof, r
			}
		}
	}
	if lerr == nil {
		for pos, i := range gord.lines {
			eqs[i].gambitLines = append(eqs[i].gambitLines, pos)
		}
	} else if stop, why := stopped(ctx); opt.GambitOrder && stop && res.Complete {
		res.Complete, res.Reason = false, why
	}
	sort.SliceStable(order, func(a, b int) bool { return profileGreater(eqs[order[a]], eqs[order[b]]) })

	// Components: union-find over vertices, P's ids first then Q's.
	parent := make([]int, len(sp.verts)+len(sq.verts))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, pr := range pairs {
		a, b := find(pr[0]), find(len(sp.verts)+pr[1])
		if a != b {
			parent[a] = b
		}
	}
	compID := map[int]int{}
	for _, i := range order {
		root := find(pairs[i][0])
		id, ok := compID[root]
		if !ok {
			id = len(compID)
			compID[root] = id
		}
		eqs[i].Component = id
		res.Equilibria = append(res.Equilibria, eqs[i])
	}
	res.Stats["components"] = float64(len(compID))
	res.Elapsed = time.Since(start)
	return res, nil
}

// normalised returns pt divided by its sum, with the variables zero says
// are zero at the vertex set to 0 (pt's are structural labels 1..len(pt));
// nil when pt is nil or does not sum to a positive number.
func normalised(pt []float64, zero gambitVertex) []float64 {
	if pt == nil {
		return nil
	}
	out := make([]float64, len(pt))
	sum := 0.0
	for i, v := range pt {
		if !zero(i + 1) {
			sum += v
		}
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		return nil
	}
	for i, v := range pt {
		if !zero(i + 1) {
			out[i] = v / sum
		}
	}
	return out
}

// enumMixedMaxBases bounds the bases both walks may visit together; each
// one is remembered, so this bounds memory (under 1 GB). A 15×15
// random game needs about 82 000.
const enumMixedMaxBases = 1_500_000

// payoffSpan is the range of all payoffs of g (1 if they are all equal).
func payoffSpan(g *game.Strategic) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range g.Payoffs {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if hi <= lo {
		return 1
	}
	return hi - lo
}

// profileGreater orders profiles lexicographically from the largest first,
// which puts pure strategies on the first strategy at the top as Gambit
// tends to.
func profileGreater(a, b Equilibrium) bool {
	for p := range a.Profile {
		for s := range a.Profile[p] {
			if a.Exact != nil {
				if c := a.Exact[p][s].Cmp(b.Exact[p][s]); c != 0 {
					return c > 0
				}
				continue
			}
			// Rounding must not reorder profiles that are equal here.
			if math.Abs(a.Profile[p][s]-b.Profile[p][s]) > 1e-12 {
				return a.Profile[p][s] > b.Profile[p][s]
			}
		}
	}
	return false
}

// intMatrix is exactMatrices' conversion for player p when every payoff
// is an integer of at most 62 bits (the usual case): no rational
// arithmetic at all. It returns nil otherwise.
func intMatrix(ex []*big.Rat, p, rows, cols int, at func(r, c int) int) [][]*big.Int {
	vals := make([]int64, rows*cols)
	lo := int64(math.MaxInt64)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			v := ex[at(r, c)*2+p]
			if !v.IsInt() || !v.Num().IsInt64() {
				return nil
			}
			x := v.Num().Int64()
			if x > 1<<61 || x < -(1<<61) {
				return nil
			}
			vals[r*cols+c] = x
			lo = min(lo, x)
		}
	}
	out := make([][]*big.Int, rows)
	ints := make([]big.Int, rows*cols)
	// One backing array for all the (one-word, positive) values instead of
	// an allocation per big.Int.
	words := make([]big.Word, rows*cols)
	for r := range out {
		out[r] = make([]*big.Int, cols)
		for c := range out[r] {
			i := r*cols + c
			words[i] = big.Word(vals[i] - lo + 1)
			out[r][c] = ints[i].SetBits(words[i : i+1 : i+1])
		}
	}
	return out
}

// exactMatrices returns A (m×n, player 1) and Bᵀ (n×m, player 2) as
// positive integers: each player's payoffs shifted and scaled by a positive
// affine map, which leaves the equilibria unchanged.
func exactMatrices(g *game.Strategic) (a, bt [][]*big.Int) {
	m, n := len(g.Strategies[0]), len(g.Strategies[1])
	ex := g.Exact()
	conv := func(p int, rows, cols int, at func(r, c int) int) [][]*big.Int {
		if out := intMatrix(ex, p, rows, cols, at); out != nil {
			return out
		}
		minv := (*big.Rat)(nil)
		lcm := big.NewInt(1)
		g0 := new(big.Int)
		for r := 0; r < rows; r++ {
			for c := 0; c < cols; c++ {
				v := ex[at(r, c)*2+p]
				if minv == nil || v.Cmp(minv) < 0 {
					minv = v
				}
				d := v.Denom()
				g0.GCD(nil, nil, lcm, d)
				lcm.Mul(lcm, new(big.Int).Quo(d, g0))
			}
		}
		l := new(big.Rat).SetInt(lcm)
		out := make([][]*big.Int, rows)
		t := new(big.Rat)
		for r := range out {
			out[r] = make([]*big.Int, cols)
			for c := range out[r] {
				t.Sub(ex[at(r, c)*2+p], minv)
				t.Mul(t, l)
				// t is an integer now.
				out[r][c] = new(big.Int).Add(t.Num(), big.NewInt(1))
			}
		}
		return out
	}
	a = conv(0, m, n, func(i, j int) int { return i + j*m })
	bt = conv(1, n, m, func(j, i int) int { return i + j*m })
	return a, bt
}

// floatMatrices is exactMatrices for float64: payoffs mapped into [1, 2].
func floatMatrices(g *game.Strategic) (a, bt [][]float64) {
	m, n := len(g.Strategies[0]), len(g.Strategies[1])
	conv := func(p int, rows, cols int, at func(r, c int) int) [][]float64 {
		lo, hi := math.Inf(1), math.Inf(-1)
		for r := 0; r < rows; r++ {
			for c := 0; c < cols; c++ {
				v := g.Payoffs[at(r, c)*2+p]
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		span := hi - lo
		if span == 0 {
			span = 1
		}
		out := make([][]float64, rows)
		for r := range out {
			out[r] = make([]float64, cols)
			for c := range out[r] {
				out[r][c] = 1 + (g.Payoffs[at(r, c)*2+p]-lo)/span
			}
		}
		return out
	}
	return conv(0, m, n, func(i, j int) int { return i + j*m }), conv(1, n, m, func(j, i int) int { return i + j*m })
}

// bitset is a set of small non-negative integers.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i int)      { b[i>>6] |= 1 << uint(i&63) }
func (b bitset) clear(i int)    { b[i>>6] &^= 1 << uint(i&63) }
func (b bitset) has(i int) bool { return b[i>>6]&(1<<uint(i&63)) != 0 }

func (b bitset) count() int {
	c := 0
	for _, w := range b {
		for ; w != 0; w &= w - 1 {
			c++
		}
	}
	return c
}

// complement returns the set {0..n-1} minus b.
func (b bitset) complement(n int) bitset {
	c := newBitset(n)
	for i := 0; i < n; i++ {
		if !b.has(i) {
			c.set(i)
		}
	}
	return c
}

// contains reports whether b ⊇ o.
func (b bitset) contains(o bitset) bool {
	for i, w := range o {
		if b[i]&w != w {
			return false
		}
	}
	return true
}

// keyMap maps bitsets to ints; sets of at most 64 elements, the usual
// case, are keyed by their single word, which is much faster than strings.
type keyMap struct {
	small map[uint64]int
	large map[string]int
}

func newKeyMap(n int) keyMap {
	if n <= 64 {
		return keyMap{small: map[uint64]int{}}
	}
	return keyMap{large: map[string]int{}}
}

func (k keyMap) get(b bitset) (int, bool) {
	if k.small != nil {
		v, ok := k.small[b[0]]
		return v, ok
	}
	v, ok := k.large[b.key()]
	return v, ok
}

func (k keyMap) put(b bitset, v int) {
	if k.small != nil {
		k.small[b[0]] = v
		return
	}
	k.large[b.key()] = v
}

func (b bitset) key() string {
	buf := make([]byte, 8*len(b))
	for i, w := range b {
		for j := 0; j < 8; j++ {
			buf[8*i+j] = byte(w >> (8 * j))
		}
	}
	return string(buf)
}

// tableau is a simplex tableau for {z >= 0 : M z <= 1} in the variables
// z (d of them) and the slacks s (k of them), k rows. Rows are identified by
// their basic variable; the slack columns hold B⁻¹, which the lexicographic
// ratio test reads.
type tableau interface {
	// ratio returns the row that leaves when column c enters, by the
	// lexicographic minimum-ratio rule, or -1 if no entry is positive.
	ratio(c int) int
	pivot(r, c int)
	// undo returns to the basis before the last pivot(r, c), which made
	// variable left nonbasic.
	undo(r, c, left int, rowVar []int)
	zeroRHS(r int) bool
	// value returns the value of the basic variable of row r.
	value(r int) float64
}

// enumerator walks the lexicographically feasible bases of one polytope
// depth first, from the origin (all slacks basic).
type enumerator struct {
	t       tableau
	d, k    int
	nvar    int
	basic   bitset
	rowVar  []int
	visited keyMap
	stack   []frame
	started bool
	bases   int
	pivots  int
	// ctx stops the walk: nextBasis then returns false with err set,
	// and the tableau may be mid-pivot, so the walk is over.
	ctx   context.Context
	err   error
	iters int
}

// stopped reports (and records) whether the walk's context is done.
func (e *enumerator) stopped() bool {
	if e.ctx == nil {
		return false
	}
	if err := e.ctx.Err(); err != nil {
		e.err = err
		return true
	}
	return false
}

type frame struct {
	next         int
	row, entered int
	left         int // -1 for the root
}

func newEnumerator(t tableau, d, k int) *enumerator {
	e := &enumerator{t: t, d: d, k: k, nvar: d + k, basic: newBitset(d + k), rowVar: make([]int, k), visited: newKeyMap(d + k)}
	for r := 0; r < k; r++ {
		e.rowVar[r] = d + r
		e.basic.set(d + r)
	}
	return e
}

// nextBasis moves the tableau to the next unvisited basis; false when the
// walk is over.
func (e *enumerator) nextBasis() bool {
	if !e.started {
		e.started = true
		e.visited.put(e.basic, 0)
		e.stack = append(e.stack, frame{left: -1})
		e.bases++
		return true
	}
	for len(e.stack) > 0 {
		if e.iters++; e.iters&7 == 0 && e.stopped() {
			return false
		}
		f := &e.stack[len(e.stack)-1]
		if f.next >= e.nvar {
			done := *f
			e.stack = e.stack[:len(e.stack)-1]
			if done.left >= 0 {
				e.basic.clear(done.entered)
				e.basic.set(done.left)
				e.rowVar[done.row] = done.left
				e.t.undo(done.row, done.entered, done.left, e.rowVar)
				e.pivots++
				if e.stopped() {
					return false
				}
			}
			continue
		}
		c := f.next
		f.next++
		if e.basic.has(c) {
			continue
		}
		r := e.t.ratio(c)
		if r < 0 {
			continue
		}
		left := e.rowVar[r]
		e.basic.clear(left)
		e.basic.set(c)
		if _, seen := e.visited.get(e.basic); seen {
			e.basic.clear(c)
			e.basic.set(left)
			continue
		}
		e.visited.put(e.basic, 0)
		e.rowVar[r] = c
		e.t.pivot(r, c)
		e.pivots++
		if e.stopped() {
			return false
		}
		e.bases++
		e.stack = append(e.stack, frame{row: r, entered: c, left: left})
		return true
	}
	return false
}

// side is one polytope's walk plus its distinct vertices.
type side struct {
	e      *enumerator
	label  func(v int) int // variable -> label
	nlab   int
	verts  []vertex
	byKey  keyMap
	simple keyMap // labels -> vertex, for vertices with exactly d labels
	degen  []int
	done   bool
	exact  bool
	// points caches point's results: a vertex is often in many equilibria.
	points map[int]vertexPoint
}

type vertexPoint struct {
	f []float64
	r []*big.Rat
}

// vertex is one distinct vertex of a polytope. Exact walks keep its basis
// (the exact point is solved for at the end, for vertices in equilibria
// only); float walks keep its coordinates. Both are kept small: a large
// game has millions of vertices.
type vertex struct {
	labels     bitset
	basis      []int32 // basic variable of each row (exact walks)
	coords     []float64
	origin     bool
	degenerate bool
}

func newSide(t tableau, d, k int, label func(int) int) *side {
	_, exact := t.(*exactTableau)
	return &side{e: newEnumerator(t, d, k), label: label, nlab: d + k, byKey: newKeyMap(d + k), simple: newKeyMap(d + k), exact: exact}
}

// advance walks to the next basis; it returns the vertex id when that basis
// is a vertex not seen before.
func (s *side) advance() (int, bool) {
	if !s.e.nextBasis() {
		s.done = true
		return 0, false
	}
	e := s.e
	lab := newBitset(s.nlab)
	for v := 0; v < e.nvar; v++ {
		if !e.basic.has(v) {
			lab.set(s.label(v))
		}
	}
	for r := 0; r < e.k; r++ {
		if e.t.zeroRHS(r) {
			lab.set(s.label(e.rowVar[r]))
		}
	}
	if _, ok := s.byKey.get(lab); ok {
		return 0, false
	}
	vx := vertex{labels: lab}
	if s.exact {
		vx.basis = make([]int32, len(e.rowVar))
		for r, v := range e.rowVar {
			vx.basis[r] = int32(v)
		}
	}
	cnt := lab.count()
	vx.degenerate = cnt > e.d
	vx.origin = true
	for r := 0; r < e.k; r++ {
		if e.rowVar[r] < e.d && !e.t.zeroRHS(r) {
			vx.origin = false
		}
	}
	if !s.exact {
		vx.coords = make([]float64, e.d)
		for r := 0; r < e.k; r++ {
			if v := e.rowVar[r]; v < e.d {
				vx.coords[v] = e.t.value(r)
			}
		}
	}
	id := len(s.verts)
	s.verts = append(s.verts, vx)
	s.byKey.put(lab, id)
	if vx.degenerate {
		s.degen = append(s.degen, id)
	} else {
		s.simple.put(lab, id)
	}
	return id, true
}

// point returns the vertex as a mixed strategy (normalised), with the exact
// version when the walk was exact.
func (s *side) point(id int) ([]float64, []*big.Rat, error) {
	if p, ok := s.points[id]; ok {
		return p.f, p.r, nil
	}
	f, r, err := s.computePoint(id)
	if err == nil {
		if s.points == nil {
			s.points = map[int]vertexPoint{}
		}
		s.points[id] = vertexPoint{f, r}
	}
	return f, r, err
}

func (s *side) computePoint(id int) ([]float64, []*big.Rat, error) {
	vx := &s.verts[id]
	d := s.e.d
	if !s.exact {
		// A variable whose label is tight is zero at this vertex; its
		// coordinate may carry rounding noise of either sign (which would
		// print as -0.000000 in Gambit's format), so it is set to 0.
		out := make([]float64, d)
		sum := 0.0
		for i, v := range vx.coords {
			if !vx.labels.has(s.label(i)) {
				sum += v
			}
		}
		for i, v := range vx.coords {
			if !vx.labels.has(s.label(i)) {
				out[i] = v / sum
			}
		}
		return out, nil, nil
	}
	t := s.e.t.(*exactTableau)
	z, err := t.solve(vx.basis)
	if err != nil {
		return nil, nil, err
	}
	sum := new(big.Rat)
	for _, v := range z[:d] {
		sum.Add(sum, v)
	}
	out := make([]float64, d)
	ex := make([]*big.Rat, d)
	for i := 0; i < d; i++ {
		ex[i] = new(big.Rat).Quo(z[i], sum)
		out[i], _ = ex[i].Float64()
	}
	return out, ex, nil
}

// exactTableau is a fraction-free integer tableau (every entry is det(B)
// times the entry of B⁻¹[M I 1]); pivoting divides exactly by the old
// determinant, so entries stay integers of modest size.
type exactTableau struct {
	m      [][]*big.Int // the constraint matrix, k×d
	d, k   int
	cols   int // d + k + 1; last column is the right-hand side
	t      []big.Int
	det    big.Int
	t1, t2 big.Int
	rem    big.Int   // remainder of the exact divisions, kept to reuse its storage
	pc     []big.Int // copy of the pivot column
	// rowOf[v] is the row of basic variable v, -1 for a nonbasic one. A
	// basic column is det times a unit vector, so pivots set it instead of
	// computing it, which halves their work.
	rowOf []int
	// ctx, when done, makes pivot return at once and leave the tableau
	// unusable (the walk checks ctx after each pivot and ends).
	ctx context.Context
}

func newExactTableau(m [][]*big.Int, k, d int) *exactTableau {
	e := &exactTableau{m: m, d: d, k: k, cols: d + k + 1}
	e.t = make([]big.Int, k*e.cols)
	e.pc = make([]big.Int, k)
	// One-word positive entries share one backing array (capacity 1 each,
	// so an entry that grows gets its own); this saves an allocation per
	// entry on large games.
	words := make([]big.Word, k*e.cols)
	set := func(i int, v *big.Int) {
		if b := v.Bits(); len(b) == 1 && v.Sign() > 0 {
			words[i] = b[0]
			e.t[i].SetBits(words[i : i+1 : i+1])
			return
		}
		e.t[i].Set(v)
	}
	one := big.NewInt(1)
	for r := 0; r < k; r++ {
		for c := 0; c < d; c++ {
			set(r*e.cols+c, m[r][c])
		}
		set(r*e.cols+d+r, one)
		set(r*e.cols+d+k, one)
	}
	e.det.SetInt64(1)
	e.rowOf = make([]int, d+k)
	for v := range e.rowOf {
		e.rowOf[v] = -1
		if v >= d {
			e.rowOf[v] = v - d
		}
	}
	return e
}

func (e *exactTableau) at(r, c int) *big.Int { return &e.t[r*e.cols+c] }

func (e *exactTableau) ratio(c int) int {
	best := -1
	rhs := e.d + e.k
	for r := 0; r < e.k; r++ {
		a := e.at(r, c)
		if a.Sign() <= 0 {
			continue
		}
		if best < 0 {
			best = r
			continue
		}
		b := e.at(best, c)
		// compare row r / a with row best / b, column rhs then slacks
		cmp := e.cross(r, best, rhs, a, b)
		for s := 0; cmp == 0 && s < e.k; s++ {
			cmp = e.cross(r, best, e.d+s, a, b)
		}
		if cmp < 0 {
			best = r
		}
	}
	return best
}

// cross compares T[r][col]/a with T[s][col]/b (a, b > 0).
func (e *exactTableau) cross(r, s, col int, a, b *big.Int) int {
	e.t1.Mul(e.at(r, col), b)
	e.t2.Mul(e.at(s, col), a)
	return e.t1.Cmp(&e.t2)
}

func (e *exactTableau) pivot(r, c int) {
	for i := 0; i < e.k; i++ {
		e.pc[i].Set(e.at(i, c))
	}
	p := &e.pc[r]
	row := e.t[r*e.cols : (r+1)*e.cols]
	left := -1
	for v, rv := range e.rowOf {
		if rv == r {
			left = v
			break
		}
	}
	for i := 0; i < e.k; i++ {
		if i == r {
			continue
		}
		if i&31 == 31 && e.ctx != nil && e.ctx.Err() != nil {
			return
		}
		ti := e.t[i*e.cols : (i+1)*e.cols]
		f := &e.pc[i]
		fz := f.Sign() == 0
		for j := range ti {
			if j < e.d+e.k && e.rowOf[j] >= 0 && j != left {
				// A basic column other than the leaving one stays a unit
				// column (scaled to the new determinant below); the
				// entering column becomes one.
				continue
			}
			if j == c {
				continue
			}
			if fz {
				if ti[j].Sign() == 0 {
					continue
				}
				e.t1.Mul(&ti[j], p)
			} else {
				e.t1.Mul(&ti[j], p)
				e.t2.Mul(f, &row[j])
				e.t1.Sub(&e.t1, &e.t2)
			}
			ti[j].QuoRem(&e.t1, &e.det, &e.rem)
		}
	}
	// Unit columns: every basic variable but the leaving one keeps its row,
	// now holding the new determinant; the entering one takes row r.
	for v, rv := range e.rowOf {
		if rv < 0 || v == left {
			continue
		}
		for i := 0; i < e.k; i++ {
			if i == rv {
				e.at(i, v).Set(p)
			} else {
				e.at(i, v).SetInt64(0)
			}
		}
	}
	for i := 0; i < e.k; i++ {
		if i != r {
			e.at(i, c).SetInt64(0)
		}
	}
	if left >= 0 {
		e.rowOf[left] = -1
	}
	e.rowOf[c] = r
	e.det.Set(p)
}

func (e *exactTableau) undo(r, c, left int, _ []int) { e.pivot(r, left) }

func (e *exactTableau) zeroRHS(r int) bool { return e.at(r, e.d+e.k).Sign() == 0 }

func (e *exactTableau) value(r int) float64 {
	v, _ := new(big.Rat).SetFrac(e.at(r, e.d+e.k), &e.det).Float64()
	return v
}

// solve returns the values of the d structural variables at the basis
// (basic variable per row), by exact Gaussian elimination on the tight
// rows only: a row whose slack is basic does not constrain the point, and
// the rows whose slack is nonbasic are as many as the basic structural
// variables (the support), which is small at an equilibrium of a large
// game.
func (e *exactTableau) solve(basis []int32) ([]*big.Rat, error) {
	slackBasic := make([]bool, e.k)
	var cols []int
	for _, v32 := range basis {
		if v := int(v32); v < e.d {
			cols = append(cols, v)
		} else {
			slackBasic[v-e.d] = true
		}
	}
	var rows []int
	for r := 0; r < e.k; r++ {
		if !slackBasic[r] {
			rows = append(rows, r)
		}
	}
	s := len(cols)
	if len(rows) != s {
		return nil, fmt.Errorf("vertex basis with %d tight rows for %d structural variables", len(rows), s)
	}
	// Exact arithmetic in small fractions while they fit (num).
	a := make([][]num, s)
	for i, r := range rows {
		a[i] = make([]num, s+1)
		for j, v := range cols {
			a[i][j] = numInt(e.m[r][v])
		}
		a[i][s] = num{q: qrat{1, 1}}
	}
	for c := 0; c < s; c++ {
		p := -1
		for r := c; r < s; r++ {
			if a[r][c].Sign() != 0 {
				p = r
				break
			}
		}
		if p < 0 {
			return nil, fmt.Errorf("singular vertex basis")
		}
		a[c], a[p] = a[p], a[c]
		piv := a[c][c]
		for j := c; j <= s; j++ {
			a[c][j] = numQuo(a[c][j], piv)
		}
		for r := 0; r < s; r++ {
			if r == c || a[r][c].Sign() == 0 {
				continue
			}
			f := a[r][c]
			for j := c; j <= s; j++ {
				a[r][j] = numSub(a[r][j], numMul(f, a[c][j]))
			}
		}
	}
	z := make([]*big.Rat, e.d)
	for i := range z {
		z[i] = new(big.Rat)
	}
	for j, v := range cols {
		z[v] = a[j][s].Rat()
	}
	return z, nil
}

// floatTableau is the float64 tableau. Backtracking pivots back, and every
// floatRefactor-th time refactors from the basis instead, so rounding
// errors do not pile up along a long walk.
type floatTableau struct {
	m     [][]float64
	d, k  int
	cols  int
	t     []float64
	perm  []float64
	saved []float64
	undos int
}

// Tolerances for a tableau whose constraint entries lie in [1, 2].
const (
	floatPivotTol = 1e-12
	floatTieTol   = 1e-12
	floatZeroTol  = 1e-12
)

func newFloatTableau(m [][]float64, k, d int) *floatTableau {
	f := &floatTableau{m: m, d: d, k: k, cols: d + k + 1, t: make([]float64, k*(d+k+1))}
	f.reset()
	return f
}

func (f *floatTableau) reset() {
	for i := range f.t {
		f.t[i] = 0
	}
	for r := 0; r < f.k; r++ {
		copy(f.t[r*f.cols:], f.m[r])
		f.t[r*f.cols+f.d+r] = 1
		f.t[r*f.cols+f.d+f.k] = 1
	}
}

func (f *floatTableau) ratio(c int) int {
	best := -1
	rhs := f.d + f.k
	for r := 0; r < f.k; r++ {
		a := f.t[r*f.cols+c]
		if a <= floatPivotTol {
			continue
		}
		if best < 0 {
			best = r
			continue
		}
		b := f.t[best*f.cols+c]
		cmp := cmpTol(f.t[r*f.cols+rhs]/a, f.t[best*f.cols+rhs]/b)
		for s := 0; cmp == 0 && s < f.k; s++ {
			cmp = cmpTol(f.t[r*f.cols+f.d+s]/a, f.t[best*f.cols+f.d+s]/b)
		}
		if cmp < 0 {
			best = r
		}
	}
	return best
}

func cmpTol(x, y float64) int {
	if math.Abs(x-y) <= floatTieTol*(1+math.Max(math.Abs(x), math.Abs(y))) {
		return 0
	}
	if x < y {
		return -1
	}
	return 1
}

func (f *floatTableau) pivot(r, c int) {
	row := f.t[r*f.cols : (r+1)*f.cols]
	inv := 1 / row[c]
	for j := range row {
		row[j] *= inv
	}
	row[c] = 1
	for i := 0; i < f.k; i++ {
		if i == r {
			continue
		}
		ti := f.t[i*f.cols : (i+1)*f.cols]
		a := ti[c]
		if a == 0 {
			continue
		}
		for j := range ti {
			ti[j] -= a * row[j]
		}
		ti[c] = 0
	}
}

// undo pivots back; every floatRefactor undos it refactors the tableau
// from the basis rowVar (already restored) instead, which bounds the
// rounding error a long walk can pile up.
func (f *floatTableau) undo(r, _, left int, rowVar []int) {
	if f.undos++; f.undos%floatRefactor != 0 {
		f.pivot(r, left)
		return
	}
	if f.saved == nil {
		f.saved = make([]float64, len(f.t))
	}
	copy(f.saved, f.t)
	if !f.refactor(rowVar) {
		// A basis too ill-conditioned to refactor: pivot back instead.
		copy(f.t, f.saved)
		f.pivot(r, left)
	}
}

const floatRefactor = 32

// refactor recomputes the tableau for the basis rowVar from the constraint
// matrix; it reports false if the basis looks singular.
func (f *floatTableau) refactor(rowVar []int) bool {
	f.reset()
	// Bring each basic column to a unit vector in its row; the row for each
	// variable is fixed by rowVar, so choose pivots by partial pivoting on a
	// permutation and then reorder rows to match rowVar.
	k := f.k
	assigned := make([]int, k) // tableau row -> rowVar index
	used := make([]bool, k)
	for i := range assigned {
		assigned[i] = -1
	}
	for idx, v := range rowVar {
		best, bv := -1, 0.0
		for r := 0; r < k; r++ {
			if used[r] {
				continue
			}
			if a := math.Abs(f.t[r*f.cols+v]); a > bv {
				best, bv = r, a
			}
		}
		if best < 0 || bv < floatPivotTol {
			return false
		}
		used[best] = true
		assigned[best] = idx
		f.pivot(best, v)
	}
	if f.perm == nil {
		f.perm = make([]float64, len(f.t))
	}
	for r := 0; r < k; r++ {
		copy(f.perm[assigned[r]*f.cols:(assigned[r]+1)*f.cols], f.t[r*f.cols:(r+1)*f.cols])
	}
	f.t, f.perm = f.perm, f.t
	return true
}

func (f *floatTableau) zeroRHS(r int) bool {
	return math.Abs(f.t[r*f.cols+f.d+f.k]) <= floatZeroTol
}

func (f *floatTableau) value(r int) float64 { return f.t[r*f.cols+f.d+f.k] }
