package nash

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/truce-dev/truce/game"
)

// LCP finds equilibria of a 2-player strategic game by the Lemke–Howson
// algorithm, as Gambit's gambit-lcp does. By default it follows the path
// of label 1 (player 1's first strategy) from the artificial equilibrium
// and returns the equilibrium at its end. With opt.All it finds every
// equilibrium accessible in the Lemke–Howson graph: it follows every label
// from the artificial equilibrium, then every label from each equilibrium
// found, depth first, deduplicating bases, which is the set Gambit's lcp
// reports.
//
// Degenerate games are handled by lexicographic pivoting with the same
// perturbation order as Gambit, so that the bases reached are those of one
// fixed perturbed nondegenerate game. With opt.Rational the equilibria
// carry exact rationals and the pivots are those of exact arithmetic: the
// paths are followed in float64, every decision with a thin float margin
// is taken exactly from the inverse of the basis (fraction-free integer
// elimination on big.Int), each equilibrium's basis is solved exactly, and
// a basis found exactly infeasible makes the run start again in pure exact
// pivoting on big.Int tableaux (see lcp_hybrid.go). Without it the run is
// in float64 throughout.
func LCP(ctx context.Context, g *game.Strategic, opt Options) (out *Result, outErr error) {
	defer certifyGame(ctx, "lcp", g, &out, &outErr)
	res, failed, err := lcpRun(ctx, g, opt, false, lhKeepDepth)
	if failed && err == nil {
		// a float decision of the hybrid was wrong (never seen in
		// practice): do it all again in pure exact arithmetic
		res, _, err = lcpRun(ctx, g, opt, true, lhKeepDepth)
	}
	return res, err
}

// lhKeepDepth is the depth of the --all search below which whole tableaux
// are kept for the labels still to follow; deeper levels keep only their
// basis and rebuild the tableau from it, so memory stays bounded however
// deep the search goes.
const lhKeepDepth = 64

// lcpRun runs LCP; with opt.Rational it uses the hybrid tableau unless
// pureExact, and reports whether the hybrid's exact check failed.
func lcpRun(ctx context.Context, g *game.Strategic, opt Options, pureExact bool, keepDepth int) (*Result, bool, error) {
	start := time.Now()
	if g.NumPlayers() != 2 {
		return nil, false, fmt.Errorf("lcp: needs a 2-player game, this one has %d players", g.NumPlayers())
	}
	if opt.Rational && !g.IsExact() {
		return nil, false, fmt.Errorf("lcp: --rational needs exact payoffs, and this game has some only as floating-point numbers")
	}
	for _, v := range g.Payoffs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, false, fmt.Errorf("lcp: payoff %v is not a finite number", v)
		}
	}
	var tab lhTableau
	var hybrid *lhHybrid
	switch {
	case opt.Rational && pureExact:
		tab = newLHExact(g)
	case opt.Rational:
		hybrid = newLHHybrid(g)
		tab = hybrid
	default:
		tab = newLHFloat(g)
	}
	s := &lhSearch{ctx: ctx, g: g, opt: opt, keepDepth: keepDepth, seen: map[string]bool{}, back: map[lhEdge]bool{}, res: &Result{Method: "lcp", Complete: true}}
	if opt.All {
		s.allLemke(tab, -1, 0)
	} else {
		if s.follow(tab, 0) {
			s.onBFS(tab)
		}
	}
	res := s.res
	res.Stats = map[string]float64{
		"pivots":     float64(s.pivots),
		"paths":      float64(s.paths),
		"equilibria": float64(len(res.Equilibria)),
	}
	failed := false
	if hybrid != nil {
		res.Stats["exact_pivots"] = float64(hybrid.info.exactPivots)
		failed = hybrid.info.failed
		if errors.Is(s.err, errLHLongPath) {
			// exact lexicographic pivoting cannot cycle: a float
			// decision must have gone wrong, redo it exactly
			return res, true, nil
		}
	}
	res.Elapsed = time.Since(start)
	return res, failed, s.err
}

// lhTableau is the pair of tableaux of the Lemke–Howson method, in float64
// or exact arithmetic.
type lhTableau interface {
	clone() lhTableau
	// cloneInto is clone reusing dst's storage when dst (possibly nil) is
	// a tableau of the same kind and size.
	cloneInto(dst lhTableau) lhTableau
	// pivotIn brings variable v into the basis by the lexicographic ratio
	// test and returns the variable that left.
	pivotIn(v int) (int, error)
	// isBasic reports whether variable v is basic.
	isBasic(v int) bool
	// key identifies the basis.
	key() string
	// equilibrium reads the mixed profile of the current basis; ok is
	// false at the artificial equilibrium (player 1's part all zero).
	equilibrium(g *game.Strategic) (eq Equilibrium, ok bool)
	labels() int
}

// lhSearch holds the state of one LCP run.
type lhEdge struct {
	basis string
	label int
}

type lhSearch struct {
	ctx       context.Context
	keepDepth int
	g         *game.Strategic
	opt       Options
	seen      map[string]bool
	// back marks (basis, label) pairs whose path is known to lead to a
	// basis already seen: the reverse of a path already followed, since
	// Lemke–Howson paths of the (lexicographically perturbed) game are
	// reversible. Skipping them halves the pivots of an --all search
	// without changing what it finds.
	back map[lhEdge]bool
	res  *Result
	// free holds tableaux whose search is over, for cloneInto to reuse.
	free   []lhTableau
	pivots int
	paths  int
	err    error
	last   time.Time
}

// stop checks the context and marks the result incomplete if it is done.
func (s *lhSearch) stop() bool {
	if !s.res.Complete {
		return true
	}
	if done, why := stopped(s.ctx); done {
		s.res.Complete = false
		s.res.Reason = why
		return true
	}
	return false
}

// maxPathPivots bounds one Lemke–Howson path. Lexicographic pivoting cannot
// cycle in exact arithmetic; the bound guards float runs against rounding.
const maxPathPivots = 1 << 20

// errLHLongPath reports a path longer than maxPathPivots.
var errLHLongPath = errors.New("lcp: a Lemke–Howson path did not close")

// follow runs the Lemke–Howson path that drops label k, as Gambit's
// LemkePath: the variable of label k that is nonbasic enters, and then the
// complement of each leaving variable, until a variable of label k leaves.
func (s *lhSearch) follow(t lhTableau, k int) bool {
	L := t.labels()
	enter := k
	if t.isBasic(k) {
		enter = L + k
	}
	s.paths++
	for n := 0; ; n++ {
		if n&63 == 0 && s.stop() {
			return false
		}
		leave, err := t.pivotIn(enter)
		if err != nil {
			s.err = err
			s.res.Complete = false
			s.res.Reason = err.Error()
			return false
		}
		s.pivots++
		if leave%L == k {
			return true
		}
		if n > maxPathPivots {
			s.err = fmt.Errorf("%w after %d pivots (float rounding?); try --rational", errLHLongPath, n)
			s.res.Complete = false
			s.res.Reason = s.err.Error()
			return false
		}
		enter = (leave + L) % (2 * L)
		if s.opt.Progress != nil && s.pivots&1023 == 0 {
			s.progress()
		}
	}
}

func (s *lhSearch) progress() {
	if s.opt.Progress == nil || time.Since(s.last) < 100*time.Millisecond {
		return
	}
	s.last = time.Now()
	s.opt.Progress(equilibria(len(s.res.Equilibria)) + ", " + strconv.Itoa(s.pivots) + " pivots")
}

// onBFS records the basis t is at; it returns false when the basis was
// seen before or is the artificial one, so the search should not go on
// from it.
func (s *lhSearch) onBFS(t lhTableau) bool {
	k := t.key()
	if s.seen[k] {
		return false
	}
	s.seen[k] = true
	eq, ok := t.equilibrium(s.g)
	if !ok {
		return false
	}
	s.res.Equilibria = append(s.res.Equilibria, eq)
	s.progress()
	return true
}

// allLemke is Gambit's AllLemke: from the basis t (reached by label j,
// -1 at the artificial start) follow every other label.
func (s *lhSearch) allLemke(t lhTableau, j, depth int) {
	if depth > 0 && !s.onBFS(t) {
		return
	}
	from := t.key()
	// Deep in the search only the basis is kept while the search goes
	// deeper still; the tableau is rebuilt from it when needed again.
	var snap func() lhTableau
	if sn, ok := t.(interface{ snapshot() func() lhTableau }); ok && depth > s.keepDepth {
		snap = sn.snapshot()
	}
	L := t.labels()
	var spare lhTableau
	for i := 0; i < L; i++ {
		if i == j || s.back[lhEdge{from, i}] {
			continue
		}
		if s.stop() {
			return
		}
		if t == nil {
			t = snap()
		}
		if spare == nil && len(s.free) > 0 {
			spare, s.free = s.free[len(s.free)-1], s.free[:len(s.free)-1]
		}
		c := t.cloneInto(spare) // reuse the tableau of a path that led nowhere new
		spare = nil
		if !s.follow(c, i) {
			return
		}
		k := c.key()
		s.back[lhEdge{k, i}] = true
		if s.seen[k] {
			spare = c
			continue // allLemke would stop there at once
		}
		if snap != nil {
			t = nil
		}
		s.allLemke(c, i, depth+1)
		// The search below c is done and nothing keeps c: its storage
		// serves the next path (a fresh process touches every new page
		// once, and an --all search visits hundreds of bases).
		s.free = append(s.free, c)
	}
	if spare != nil {
		s.free = append(s.free, spare)
	}
}

// Variables: label k (0 ≤ k < L = m+n) has a strategy variable, id k (x_k
// for k < m, y_{k-m} otherwise), and a slack variable, id L+k (r_k in
// player 1's system, s_{k-m} in player 2's). System 0 is
// A y + r = 1 (rows: player 1's strategies, columns y then r), system 1 is
// Bᵀ x + s = 1 (rows: player 2's strategies, columns x then s). A and B
// are the payoffs shifted as Gambit shifts them, so that every entry is
// positive.

// locate returns the system and column of variable v.
func locate(v, m, n int) (sys, col int) {
	L := m + n
	switch {
	case v < m:
		return 1, v
	case v < L:
		return 0, v - m
	case v < L+m:
		return 0, n + (v - L)
	default:
		return 1, m + (v - L - m)
	}
}

// shiftMin is Gambit's shift: payoffs are taken relative to min(0, least
// payoff) - 1, so every shifted payoff is at least 1.
func shiftMin(g *game.Strategic) float64 {
	mn := 0.0
	for _, v := range g.Payoffs {
		mn = math.Min(mn, v)
	}
	return mn - 1
}

// ----- float64 tableaux -----

type sysF struct {
	rows, stride, slack int // slack: column of the first slack; rhs at stride-1
	t                   []float64
	basis               []int
	ties                []int
	q                   []float64 // pivotIn's ratios, one per row
}

type lhFloat struct {
	m, n  int
	sys   [2]sysF
	where []int // row of each variable in its system, -1 when nonbasic
	// guard makes pivotIn refuse (errLHUncertain) decisions that float64
	// cannot take safely, for lhHybrid to take them exactly.
	guard bool
	// init is the initial tableau, shared, for rebuilding from a basis.
	init *lhFloat
}

func newLHFloat(g *game.Strategic) *lhFloat {
	shape := g.Shape()
	m, n := shape[0], shape[1]
	L := m + n
	mn := shiftMin(g)
	mx := 0.0
	for _, v := range g.Payoffs {
		mx = math.Max(mx, v)
	}
	fac := 1 / (mx - mn)
	t := &lhFloat{m: m, n: n, where: make([]int, 2*L)}
	for v := range t.where {
		t.where[v] = -1
	}
	mk := func(rows, structural int) sysF {
		s := sysF{rows: rows, stride: structural + rows + 1, slack: structural}
		s.t = make([]float64, rows*s.stride)
		s.basis = make([]int, rows)
		s.ties = make([]int, 0, rows)
		s.q = make([]float64, rows)
		for r := 0; r < rows; r++ {
			s.t[r*s.stride+structural+r] = 1
			s.t[r*s.stride+s.stride-1] = 1
		}
		return s
	}
	t.sys[0] = mk(m, n)
	t.sys[1] = mk(n, m)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			k := i + j*m // Gambit order: player 1 fastest
			t.sys[0].t[i*t.sys[0].stride+j] = fac * (g.Payoffs[2*k] - mn)
			t.sys[1].t[j*t.sys[1].stride+i] = fac * (g.Payoffs[2*k+1] - mn)
		}
	}
	for i := 0; i < m; i++ {
		t.sys[0].basis[i] = L + i
		t.where[L+i] = i
	}
	for j := 0; j < n; j++ {
		t.sys[1].basis[j] = L + m + j
		t.where[L+m+j] = j
	}
	t.init = t.clone().(*lhFloat)
	t.init.init = t.init
	return t
}

func (t *lhFloat) labels() int        { return t.m + t.n }
func (t *lhFloat) isBasic(v int) bool { return t.where[v] >= 0 }
func (t *lhFloat) key() string        { return basisKey(t.where, t.m+t.n) }
func (t *lhFloat) clone() lhTableau {
	c := &lhFloat{m: t.m, n: t.n, where: append([]int(nil), t.where...), guard: t.guard, init: t.init}
	for i := range t.sys {
		s := t.sys[i]
		c.sys[i] = sysF{rows: s.rows, stride: s.stride, slack: s.slack,
			t: append([]float64(nil), s.t...), basis: append([]int(nil), s.basis...),
			ties: make([]int, 0, s.rows), q: make([]float64, s.rows)}
	}
	return c
}

func basisKey(where []int, L int) string {
	b := make([]byte, (L+7)/8)
	for k := 0; k < L; k++ {
		if where[k] >= 0 {
			b[k/8] |= 1 << (k % 8)
		}
	}
	return string(b)
}

const (
	lhPosEps = 1e-11 // entries at or below this are not positive pivots
	lhTieTol = 1e-10 // relative tolerance when ratios tie
)

func (t *lhFloat) pivotIn(v int) (int, error) {
	si, col := locate(v, t.m, t.n)
	s := &t.sys[si]
	st, rhs := s.stride, s.stride-1
	// minimum ratio over rows with a positive entry. The ratios are taken
	// first, each row's quotient replaced by +∞ without a branch where its
	// entry is not positive (whether it is is as good as random, as in
	// IPA's ratio test), and kept in q for the ties below.
	q := s.q[:s.rows]
	for r := range q {
		a := s.t[r*st+col]
		keep := -uint64(b2u(a > lhPosEps))
		q[r] = math.Float64frombits(math.Float64bits(s.t[r*st+rhs]/a)&keep | posInfBits&^keep)
	}
	best := math.Inf(1)
	for _, v := range q {
		if v < best {
			best = v
		}
	}
	if t.guard && t.uncertain(s, col, best) {
		return 0, errLHUncertain
	}
	if math.IsInf(best, 1) {
		return 0, fmt.Errorf("lcp: unbounded pivot column (numerical trouble); try --rational")
	}
	tol := lhTieTol * (1 + math.Abs(best))
	s.ties = s.ties[:0]
	for r, v := range q {
		if v <= best+tol && s.t[r*st+col] > lhPosEps {
			s.ties = append(s.ties, r)
		}
	}
	// lexicographic tie-break on the columns of the basis inverse (the
	// slack columns), keeping the rows with the largest ratio, as Gambit.
	for c := 0; len(s.ties) > 1 && c < s.rows; c++ {
		cc := s.slack + c
		mx := math.Inf(-1)
		for _, r := range s.ties {
			if q := s.t[r*st+cc] / s.t[r*st+col]; q > mx {
				mx = q
			}
		}
		tol := lhTieTol * (1 + math.Abs(mx))
		keep := s.ties[:0]
		for _, r := range s.ties {
			if s.t[r*st+cc]/s.t[r*st+col] >= mx-tol {
				keep = append(keep, r)
			}
		}
		s.ties = keep
	}
	return t.pivotAt(s, s.ties[0], col, v), nil
}

// pivotAt brings variable v (column col of system s) into the basis in
// row row and returns the variable that left.
func (t *lhFloat) pivotAt(s *sysF, row, col, v int) int {
	st := s.stride
	prow := s.t[row*st : row*st+st]
	inv := 1 / prow[col]
	for j := range prow {
		prow[j] *= inv
	}
	prow[col] = 1
	elimRows(s.t, s.rows, st, row, col)
	leave := s.basis[row]
	s.basis[row] = v
	t.where[leave] = -1
	t.where[v] = row
	return leave
}

func (t *lhFloat) equilibrium(g *game.Strategic) (Equilibrium, bool) {
	x := make([]float64, t.m)
	y := make([]float64, t.n)
	read := func(out []float64, first int, s *sysF) float64 {
		sum := 0.0
		for i := range out {
			if r := t.where[first+i]; r >= 0 {
				v := s.t[r*s.stride+s.stride-1]
				if v < 0 {
					v = 0
				}
				out[i] = v
				sum += v
			}
		}
		return sum
	}
	sx := read(x, 0, &t.sys[1])
	if sx <= 0 {
		return Equilibrium{}, false
	}
	sy := read(y, t.m, &t.sys[0])
	for i := range x {
		x[i] /= sx
	}
	if sy > 0 {
		for j := range y {
			y[j] /= sy
		}
	}
	prof := [][]float64{x, y}
	return Equilibrium{Profile: prof, Regret: g.Regret(prof), Component: -1}, true
}

// ----- exact tableaux: fraction-free integer pivoting -----

// sysZ is one system in integer form: the true tableau is t/det, where
// det is the last pivot element, and every entry stays an integer.
type sysZ struct {
	rows, stride, slack int
	t                   []big.Int
	det                 big.Int
	basis               []int
}

type lhExact struct {
	m, n  int
	sys   [2]sysZ
	where []int
	// scratch
	a, b, c, d, rem big.Int
	ties            []int
}

func newLHExact(g *game.Strategic) *lhExact {
	shape := g.Shape()
	m, n := shape[0], shape[1]
	L := m + n
	// shift as Gambit does, then clear denominators
	mn := new(big.Rat)
	ex := g.Exact()
	for _, v := range ex {
		if v.Cmp(mn) < 0 {
			mn.Set(v)
		}
	}
	mn.Sub(mn, big.NewRat(1, 1))
	den := big.NewInt(1)
	var gcd, tmp big.Int
	for _, v := range ex {
		if !v.IsInt() {
			q := v.Denom()
			gcd.GCD(nil, nil, den, q)
			tmp.Quo(q, &gcd)
			den.Mul(den, &tmp)
		}
	}
	t := &lhExact{m: m, n: n, where: make([]int, 2*L), ties: make([]int, 0, max(m, n))}
	for v := range t.where {
		t.where[v] = -1
	}
	mk := func(rows, structural int) sysZ {
		s := sysZ{rows: rows, stride: structural + rows + 1, slack: structural}
		s.t = make([]big.Int, rows*s.stride)
		s.basis = make([]int, rows)
		s.det.SetInt64(1)
		for r := 0; r < rows; r++ {
			s.t[r*s.stride+structural+r].SetInt64(1)
			s.t[r*s.stride+s.stride-1].SetInt64(1)
		}
		return s
	}
	t.sys[0] = mk(m, n)
	t.sys[1] = mk(n, m)
	// z = (v - mn)·den, in integers: v·den - mn·den
	mnScaled := new(big.Int).Mul(mn.Num(), new(big.Int).Quo(den, mn.Denom()))
	var scale big.Int
	set := func(z *big.Int, v *big.Rat) {
		if v.IsInt() {
			z.Mul(v.Num(), den)
		} else {
			scale.Quo(den, v.Denom())
			z.Mul(v.Num(), &scale)
		}
		z.Sub(z, mnScaled)
	}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			k := i + j*m
			set(&t.sys[0].t[i*t.sys[0].stride+j], ex[2*k])
			set(&t.sys[1].t[j*t.sys[1].stride+i], ex[2*k+1])
		}
	}
	for i := 0; i < m; i++ {
		t.sys[0].basis[i] = L + i
		t.where[L+i] = i
	}
	for j := 0; j < n; j++ {
		t.sys[1].basis[j] = L + m + j
		t.where[L+m+j] = j
	}
	return t
}

func (t *lhExact) labels() int        { return t.m + t.n }
func (t *lhExact) isBasic(v int) bool { return t.where[v] >= 0 }
func (t *lhExact) key() string        { return basisKey(t.where, t.m+t.n) }
func (t *lhExact) clone() lhTableau {
	c := &lhExact{m: t.m, n: t.n, where: append([]int(nil), t.where...), ties: make([]int, 0, cap(t.ties))}
	for i := range t.sys {
		s := &t.sys[i]
		cs := &c.sys[i]
		cs.rows, cs.stride, cs.slack = s.rows, s.stride, s.slack
		cs.t = make([]big.Int, len(s.t))
		for j := range s.t {
			cs.t[j].Set(&s.t[j])
		}
		cs.det.Set(&s.det)
		cs.basis = append([]int(nil), s.basis...)
	}
	return c
}

var bigOne = big.NewInt(1)

// cmpRatio compares p1/q1 with p2/q2 for q1, q2 > 0.
func (t *lhExact) cmpRatio(p1, q1, p2, q2 *big.Int) int {
	t.a.Mul(p1, q2)
	t.b.Mul(p2, q1)
	return t.a.Cmp(&t.b)
}

func (t *lhExact) pivotIn(v int) (int, error) {
	si, col := locate(v, t.m, t.n)
	s := &t.sys[si]
	st, rhs := s.stride, s.stride-1
	// entries of the true tableau are t/det with det > 0, so signs and
	// ratios can be read off the integers directly.
	best := -1
	t.ties = t.ties[:0]
	for r := 0; r < s.rows; r++ {
		a := &s.t[r*st+col]
		if a.Sign() <= 0 {
			continue
		}
		if best < 0 {
			best = r
			t.ties = append(t.ties, r)
			continue
		}
		switch t.cmpRatio(&s.t[r*st+rhs], a, &s.t[best*st+rhs], &s.t[best*st+col]) {
		case -1:
			best = r
			t.ties = append(t.ties[:0], r)
		case 0:
			t.ties = append(t.ties, r)
		}
	}
	if best < 0 {
		return 0, fmt.Errorf("lcp: unbounded pivot column")
	}
	for c := 0; len(t.ties) > 1 && c < s.rows; c++ {
		cc := s.slack + c
		bestR := t.ties[0]
		keep := t.ties[:1]
		for _, r := range t.ties[1:] {
			switch t.cmpRatio(&s.t[r*st+cc], &s.t[r*st+col], &s.t[bestR*st+cc], &s.t[bestR*st+col]) {
			case 1:
				bestR = r
				keep = append(keep[:0], r)
			case 0:
				keep = append(keep, r)
			}
		}
		t.ties = keep
	}
	row := t.ties[0]
	t.pivotAt(s, row, col)
	leave := s.basis[row]
	s.basis[row] = v
	t.where[leave] = -1
	t.where[v] = row
	return leave, nil
}

// pivotAt makes the fraction-free pivot on (row, col) of system s:
// t[r][j] = (t[r][j]*p - t[r][col]*t[row][j]) / det for r != row, and det
// becomes the pivot p.
func (t *lhExact) pivotAt(s *sysZ, row, col int) {
	st := s.stride
	// Products go to scratch integers and the quotient back into place, so
	// that no big.Int operation aliases its result and nothing allocates
	// once the scratch space has grown.
	p := &t.c
	p.Set(&s.t[row*st+col])
	prow := s.t[row*st : row*st+st]
	f := &t.d
	one := s.det.Cmp(bigOne) == 0
	for r := 0; r < s.rows; r++ {
		if r == row {
			continue
		}
		rr := s.t[r*st : r*st+st]
		f.Set(&rr[col])
		fz := f.Sign() == 0
		for j := range rr {
			pz := prow[j].Sign() == 0
			if rr[j].Sign() == 0 && (fz || pz) {
				continue
			}
			t.a.Mul(&rr[j], p)
			if !fz && !pz {
				t.b.Mul(f, &prow[j])
				t.a.Sub(&t.a, &t.b)
			}
			if one {
				rr[j].Set(&t.a)
			} else {
				rr[j].QuoRem(&t.a, &s.det, &t.rem)
			}
		}
	}
	s.det.Set(p)
}

func (t *lhExact) equilibrium(g *game.Strategic) (Equilibrium, bool) {
	read := func(count, first int, s *sysZ) ([]*big.Rat, bool) {
		out := make([]*big.Rat, count)
		sum := new(big.Int)
		for i := range out {
			if r := t.where[first+i]; r >= 0 {
				sum.Add(sum, &s.t[r*s.stride+s.stride-1])
			}
		}
		if sum.Sign() == 0 {
			for i := range out {
				out[i] = new(big.Rat)
			}
			return out, false
		}
		for i := range out {
			out[i] = new(big.Rat)
			if r := t.where[first+i]; r >= 0 {
				out[i].SetFrac(&s.t[r*s.stride+s.stride-1], sum)
			}
		}
		return out, true
	}
	x, ok := read(t.m, 0, &t.sys[1])
	if !ok {
		return Equilibrium{}, false
	}
	y, _ := read(t.n, t.m, &t.sys[0])
	return exactEquilibrium(g, [][]*big.Rat{x, y}), true
}

// exactEquilibrium builds an Equilibrium from an exact profile, with its
// exact regret.
func exactEquilibrium(g *game.Strategic, ex [][]*big.Rat) Equilibrium {
	prof := make([][]float64, len(ex))
	for p := range ex {
		prof[p] = make([]float64, len(ex[p]))
		for s, v := range ex[p] {
			prof[p][s], _ = v.Float64()
		}
	}
	eq := Equilibrium{Profile: prof, Exact: ex, Component: -1}
	if len(ex) == 2 {
		eq.Regret, _ = exactRegret2(g, ex).Float64()
	} else if r, err := g.ExactRegret(ex); err == nil {
		eq.Regret, _ = r.Float64()
	} else {
		eq.Regret = g.Regret(prof)
	}
	return eq
}

// exactRegret2 is g.ExactRegret for 2-player games, summing only over the
// strategies played with positive probability, which makes it fast on the
// small supports of equilibria of large games.
func exactRegret2(g *game.Strategic, ex [][]*big.Rat) *big.Rat {
	pay := g.Exact()
	m, n := len(g.Strategies[0]), len(g.Strategies[1])
	worst := numZero
	for p := 0; p < 2; p++ {
		own, other := ex[p], ex[1-p]
		var supp []int
		var w []num
		for j, v := range other {
			if v.Sign() != 0 {
				supp = append(supp, j)
				w = append(w, numOf(v))
			}
		}
		size := m
		if p == 1 {
			size = n
		}
		cur := numZero
		var best num
		for i := 0; i < size; i++ {
			v := numZero
			for k, j := range supp {
				c := i + j*m // player 1 plays i, player 2 plays j
				if p == 1 {
					c = j + i*m
				}
				v = numAdd(v, numMul(w[k], numOf(pay[2*c+p])))
			}
			if own[i].Sign() != 0 {
				cur = numAdd(cur, numMul(numOf(own[i]), v))
			}
			if i == 0 || numCmp(v, best) > 0 {
				best = v
			}
		}
		if d := numSub(best, cur); numCmp(d, worst) > 0 {
			worst = d
		}
	}
	return worst.Rat()
}

// snapshot keeps t's basis and returns a function rebuilding the tableau
// of that basis from the initial one.
func (t *lhFloat) snapshot() func() lhTableau {
	where := append([]int(nil), t.where...)
	init, guard := t.init, t.guard
	return func() lhTableau { return init.rebuild(where, guard) }
}

// rebuild returns the tableau of the basis given by where (basic variables
// are those with where[v] >= 0): from the initial tableau, each basic
// strategy variable is pivoted into the row of a slack that leaves, the
// largest entry first for stability.
func (t *lhFloat) rebuild(where []int, guard bool) *lhFloat {
	c := t.clone().(*lhFloat)
	c.guard = guard
	L := t.m + t.n
	for v := 0; v < L; v++ {
		if where[v] < 0 {
			continue
		}
		si, col := locate(v, t.m, t.n)
		s := &c.sys[si]
		row, big := -1, 0.0
		for r := 0; r < s.rows; r++ {
			u := s.basis[r]
			if u >= L && where[u] < 0 {
				if a := math.Abs(s.t[r*s.stride+col]); a > big {
					row, big = r, a
				}
			}
		}
		if row >= 0 {
			c.pivotAt(s, row, col, v)
		}
	}
	return c
}

func (t *lhFloat) cloneInto(dst lhTableau) lhTableau {
	c, ok := dst.(*lhFloat)
	if !ok || c == nil {
		return t.clone()
	}
	c.m, c.n, c.guard, c.init = t.m, t.n, t.guard, t.init
	copy(c.where, t.where)
	for i := range t.sys {
		s, d := &t.sys[i], &c.sys[i]
		copy(d.t, s.t)
		copy(d.basis, s.basis)
	}
	return c
}

func (t *lhExact) cloneInto(lhTableau) lhTableau { return t.clone() }
