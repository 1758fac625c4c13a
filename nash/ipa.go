package nash

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"time"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/internal/budget"
)

// IPA constants, Gambit's (gambit-ipa has no flags for them): the step
// towards the new approximation, the convergence threshold, the iterations
// of one run and the runs (each continuing from where the last stopped)
// before a perturbation vector is given up.
const (
	ipaAlpha       = 0.2
	ipaFuzz        = 1e-6
	ipaMaxIter     = 100
	ipaMaxRestarts = 100
)

// IPA computes one Nash equilibrium per perturbation vector of a game
// with any number of players by the iterated polymatrix approximation of
// Govindan and Wilson ("Computing Nash equilibria by iterated polymatrix
// approximation", J. Econ. Dynamics and Control 28, 2004), the method of
// Gambit's gambit-ipa, step for step.
//
// Around a profile σ̂ the game is approximated by a polymatrix game: the
// payoff of each pure strategy is linearised in the others' strategies,
// its Jacobian at σ̂ divided by N−1. The equilibrium of that game is a
// linear complementarity problem; IPA solves it on the last support when
// that gives a feasible answer and by Lemke–Howson, started at each
// player's strategy with the largest perturbation entry (the covering
// vector), otherwise. In Kohlberg–Mertens coordinates z (the strategy
// plus its payoff) it then moves the approximation point a step α = 0.2
// towards the new equilibrium (a secant, "false position", step once the
// support has settled) and retracts z onto the simplices. It stops when
// two successive points are within 1e-6 (at once in 2-player games, where
// the approximation is exact), after 100 iterations it starts again from
// where it stopped, and after 100 such runs it gives the vector up.
// Payoffs enter as Gambit gives them, shifted so that the smallest is 0
// but not rescaled (the method is not scale-invariant; gambit-ipa does
// the same).
//
// Gambit prints the iteration's end, an equilibrium of the approximation
// that is within about 1e-6 of one of the game; truce then polishes it by
// Newton's method on its support (as liap does) and certifies the result
// by its regret, so the printed profile agrees with gambit-ipa's to about
// 1e-6 and is exact to rounding. An end that cannot be polished is
// returned as it is, marked approximate when its regret is above the
// tolerance. opt.Search gives the perturbation vectors (Points) or their
// number (Starts, default 1) and seed; each player's largest entry must be
// unique. Equilibria found from several vectors are listed once, in the
// order found.
func IPA(ctx context.Context, g *game.Strategic, opt Options) (out *Result, outErr error) {
	defer certifyGame(ctx, "ipa", g, &out, &outErr)
	start := time.Now()
	res := &Result{Method: "ipa", Complete: true, Stats: map[string]float64{}}
	ng, span := newNormGame(g)
	T, N := ng.tot, ng.n
	raw := shiftedGame(g, ng)
	// The tableau, the record of its pivots (up to sixteen tableaux, see
	// ipaMaxSteps), the support system and DG with the Jacobian: about
	// twenty tableaux; with 3 players the payoff tables laid out by pair
	// (ipaJacobian), twice the payoffs.
	var tables int64
	if N == 3 {
		tables = budget.Mul(2, int64(len(raw.pay)), 8)
	}
	if err := budget.Check(ctx, fmt.Sprintf("ipa polymatrix tableau (%d strategies)", T),
		budget.Add(budget.Mul(20, budget.Mul(int64(T+N), int64(T+N+2), 8), 1), tables),
		"use --method lcp (2 players) or logit"); err != nil {
		return nil, fmt.Errorf("ipa: %w", err)
	}
	perts, err := opt.Search.perturbations(ng.shape, res)
	if err != nil {
		return nil, fmt.Errorf("ipa: %w", err)
	}
	res.Stats["vectors"] = float64(len(perts))
	it := newIPAIterator(raw)
	it.trace = opt.Search.Trace
	var reasons []string
	for k, p := range perts {
		name := opt.Search.pointName("perturbation vector", k)
		pert, err := unitPerturbation(p, ng)
		if err != nil {
			return nil, fmt.Errorf("ipa: %s: %w", name, err)
		}
		var sigma []float64
		if span == 0 || N == 1 {
			// Every profile is an equilibrium (all payoffs equal), or the
			// one player's best strategy is: start from the perturbation's
			// best reply as the method does and finish below.
			sigma = bestOfPerturbation(pert, ng)
			if N == 1 && span > 0 {
				sigma = it.bestReply()
			}
		} else {
			var why string
			sigma, why = it.solve(ctx, pert)
			if why != "" {
				reasons = append(reasons, fmt.Sprintf("%s: %s", name, why))
				if stop, _ := stopped(ctx); stop {
					break
				}
				continue
			}
		}
		x := it.polish(sigma)
		prof := splitFlat(x, ng.shape)
		res.Equilibria, _ = addDistinct(res.Equilibria, Equilibrium{Profile: prof, Regret: g.Regret(prof), Component: -1})
		if opt.Progress != nil {
			opt.Progress(fmt.Sprintf("%d of %d vectors, %s", k+1, len(perts), equilibria(len(res.Equilibria))))
		}
	}
	res.Stats["iterations"] = float64(it.iters)
	res.Stats["Lemke-Howson calls"] = float64(it.lhCalls)
	res.Stats["restarts"] = float64(it.restarts)
	markIncomplete(res, reasons, "vectors")
	res.Elapsed = time.Since(start)
	return res, nil
}

// markIncomplete marks res incomplete when some of its paths or vectors
// (what) stopped early, giving the first reason and how many more.
func markIncomplete(res *Result, reasons []string, what string) {
	if len(reasons) == 0 {
		return
	}
	res.Complete = false
	res.Reason = reasons[0]
	if len(reasons) > 1 {
		res.Reason += fmt.Sprintf(" (and %d more %s)", len(reasons)-1, what)
	}
}

// unitPerturbation checks a perturbation vector (finite, not zero, each
// player's largest entry unique) and returns it scaled to length one.
func unitPerturbation(p []float64, ng *normGame) ([]float64, error) {
	nrm := 0.0
	for _, v := range p {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("not a finite number")
		}
		nrm += v * v
	}
	if nrm == 0 {
		return nil, fmt.Errorf("every entry is zero")
	}
	nrm = math.Sqrt(nrm)
	out := make([]float64, len(p))
	for i, v := range p {
		out[i] = v / nrm
	}
	for pl, s := range ng.shape {
		o := ng.off[pl]
		best, ties := o, 0
		for j := 1; j < s; j++ {
			switch v := out[o+j]; {
			case v > out[best]:
				best, ties = o+j, 0
			case v == out[best]:
				ties++
			}
		}
		if ties > 0 {
			return nil, fmt.Errorf("player %d's largest entry is not unique (each player needs one strategy with the largest bonus)", pl+1)
		}
	}
	return out, nil
}

// bestOfPerturbation is the pure profile of each player's strategy with
// the largest perturbation entry.
func bestOfPerturbation(pert []float64, ng *normGame) []float64 {
	x := make([]float64, ng.tot)
	for pl, s := range ng.shape {
		o := ng.off[pl]
		best := o
		for j := 1; j < s; j++ {
			if pert[o+j] > pert[best] {
				best = o + j
			}
		}
		x[best] = 1
	}
	return x
}

// shiftedGame is ng with Gambit's payoffs for IPA: shifted so that the
// smallest is 0, not rescaled. With exact payoffs the shift is exact, then
// rounded once, as Gambit computes it.
func shiftedGame(g *game.Strategic, ng *normGame) *normGame {
	lo, _ := g.PayoffBounds()
	raw := *ng
	raw.byPlayer, raw.bufA, raw.bufB, raw.xs = nil, nil, nil, nil
	raw.pay = make([]float64, len(g.Payoffs))
	// The exact payoffs are used only when they are the float ones
	// (game.Strategic.Exact checks that).
	var exactLo *big.Rat
	ex := g.Exact()
	if ex != nil {
		exactLo = smallestExact(ex)
	}
	var d big.Rat
	for i, v := range g.Payoffs {
		if exactLo != nil {
			// Whole numbers (the usual .nfg) in machine integers: the
			// difference is exact and its conversion rounds as
			// gambitDouble's does.
			if a, b, ok := smallInts(ex[i], exactLo); ok {
				raw.pay[i] = float64(a - b)
				continue
			}
			raw.pay[i] = gambitDouble(d.Sub(ex[i], exactLo))
		} else {
			raw.pay[i] = v - lo
		}
	}
	return &raw
}

// smallestExact is the smallest of ex (nil when one is missing). Whole
// numbers that fit in an int64 (the usual .nfg) are compared as such:
// big.Rat's Cmp allocates two numbers per comparison.
func smallestExact(ex []*big.Rat) *big.Rat {
	var lo *big.Rat
	loInt, ints := int64(0), true // ints: every value so far an int64
	for _, v := range ex {
		if v == nil {
			return nil
		}
		switch {
		case ints && v.IsInt() && v.Num().IsInt64():
			if n := v.Num().Int64(); lo == nil || n < loInt {
				lo, loInt = v, n
			}
		case lo == nil || v.Cmp(lo) < 0:
			lo, ints = v, false
		default:
			ints = false
		}
	}
	return lo
}

// smallInts returns x and y as int64s when both are whole numbers of
// magnitude below 2^62 (so that x − y cannot overflow).
func smallInts(x, y *big.Rat) (int64, int64, bool) {
	if !x.IsInt() || !y.IsInt() || !x.Num().IsInt64() || !y.Num().IsInt64() {
		return 0, 0, false
	}
	a, b := x.Num().Int64(), y.Num().Int64()
	const lim = 1 << 62
	if a <= -lim || a >= lim || b <= -lim || b >= lim {
		return 0, 0, false
	}
	return a, b, true
}

// gambitDouble converts r to a float64 as Gambit's Rational does: the
// integer part, plus the remainder divided by the denominator, each
// rounded (so it can differ from the correctly rounded value in the last
// bit). For numerators or denominators beyond 2^53 it rounds correctly.
func gambitDouble(r *big.Rat) float64 {
	num, den := r.Num(), r.Denom()
	if num.IsInt64() && den.IsInt64() {
		n, m := num.Int64(), den.Int64()
		const exact = 1 << 53
		if n > -exact && n < exact && m < exact {
			a := n
			if a < 0 {
				a = -a
			}
			v := float64(a/m) + float64(a%m)/float64(m)
			if n < 0 {
				v = -v
			}
			return v
		}
	}
	f, _ := r.Float64()
	return f
}

// ipaIterator holds the game and the scratch space of IPA's iterations.
type ipaIterator struct {
	ng    *normGame // payoffs as Gambit's IPA takes them (shiftedGame)
	M, N  int
	owner []int
	u, du []float64  // strategy values and Jacobian, on ng's scale
	dg    []float64  // the approximation's payoff matrix, M×M
	lt    ipaTableau // Lemke–Howson's tableau, (M+N)×(M+N+2)
	phys  []int      // where the tableau stores each row (lemkeHowson)
	supp  []int      // the support's strategies (supportSystem)
	sup   []float64  // the support system, (M+N)×(M+N)
	rhs   []float64
	lu    []int
	vv    []float64 // luSolve's row scales, M+N
	col   []float64 // luSolve's working column, M+N
	srt   []float64
	desc  descending // sorts srt (retract)
	// the Lemke–Howson tableau's labels (rows, columns)
	rowLab, colLab []int
	pos            []int     // where each label stands (lemkeHowson)
	ratio          []float64 // the ratio test's quotients, M+N
	trace          func(string, [][]float64)
	// keepRows (for tests, which check both ways) keeps every v_p row in
	// its place in lemkeHowson's replays instead of storing them last and
	// leaving them out.
	keepRows bool
	// jac computes DG for 3-player games (nil otherwise, or when a test
	// asks for the general path).
	jac *ipaJacobian

	iters, lhCalls, restarts int
}

func newIPAIterator(ng *normGame) *ipaIterator {
	M, N := ng.tot, ng.n
	it := &ipaIterator{ng: ng, M: M, N: N, owner: make([]int, M),
		u: make([]float64, M), du: make([]float64, M*M), dg: make([]float64, M*M),
		sup: make([]float64, (M+N)*(M+N)),
		rhs: make([]float64, M+N), lu: make([]int, M+N), srt: make([]float64, M),
		vv: make([]float64, M+N), col: make([]float64, M+N),
		rowLab: make([]int, M+N), colLab: make([]int, M+N+2), phys: make([]int, M+N), supp: make([]int, 0, M),
		pos: make([]int, 2*(M+N)+3), ratio: make([]float64, M+N)}
	for p, s := range ng.shape {
		for j := 0; j < s; j++ {
			it.owner[ng.off[p]+j] = p
		}
	}
	it.jac = newIPAJacobian(ng)
	return it
}

// bestReply is a one-player game's best strategy (the first of the best).
func (it *ipaIterator) bestReply() []float64 {
	it.ng.values(make([]float64, it.M), it.u, nil)
	x := make([]float64, it.M)
	best := 0
	for j := 1; j < it.M; j++ {
		if it.u[j] > it.u[best] {
			best = j
		}
	}
	x[best] = 1
	return x
}

// solve runs IPA from perturbation pert (unit length) and returns the
// end profile, or why it failed.
func (it *ipaIterator) solve(ctx context.Context, pert []float64) ([]float64, string) {
	M := it.M
	zh := make([]float64, M)
	for i := range zh {
		zh[i] = 1
	}
	br := make([]int, it.N)
	for pl, s := range it.ng.shape {
		o := it.ng.off[pl]
		br[pl] = o
		for j := 1; j < s; j++ {
			if pert[o+j] > pert[br[pl]] {
				br[pl] = o + j
			}
		}
	}
	for run := 0; run < ipaMaxRestarts; run++ {
		if run > 0 {
			it.restarts++
		}
		s, status := it.run(ctx, pert, br, zh)
		switch status {
		case ipaConverged:
			return s, ""
		case ipaNonFinite:
			return nil, fmt.Sprintf("the iteration reached a profile that is not finite after %d iterations (gambit-ipa stops there too; try another perturbation vector)", it.iters)
		case ipaStopped:
			_, reason := stopped(ctx)
			return nil, reason
		}
	}
	return nil, fmt.Sprintf("no convergence in %d runs of %d iterations (gambit-ipa gives up there too; try another perturbation vector or --method gnm)", ipaMaxRestarts, ipaMaxIter)
}

const (
	ipaConverged = iota
	ipaMaxed
	ipaNonFinite
	ipaStopped
)

// run is one run of at most ipaMaxIter iterations from the point zh,
// which it updates in place (the next run continues from there).
func (it *ipaIterator) run(ctx context.Context, pert []float64, br []int, zh []float64) ([]float64, int) {
	M, N := it.M, it.N
	vec := func() []float64 { return make([]float64, M) }
	s, so, sh, sho := vec(), vec(), vec(), vec()
	z, y, yh, d, zt := vec(), vec(), vec(), vec(), vec()
	it.retract(sh, zh)
	copy(so, sh)
	for iter := 1; iter <= ipaMaxIter; iter++ {
		if ctx.Err() != nil {
			return nil, ipaStopped
		}
		it.iters++
		// The approximating polymatrix game's payoff matrix: the Jacobian
		// of the strategy values at sh, divided by N−1.
		f := float64(N - 1)
		switch {
		case it.jac != nil:
			// 3 players: DG directly, the same numbers (ipaJacobian).
			it.jac.fill(it.ng, sh, it.dg)
		case exactReciprocal(f) != 0:
			// N−1 a power of two (5 or 9 players): v/f = v·(1/f).
			it.ng.values(sh, it.u, it.du)
			rf := exactReciprocal(f)
			for i, v := range it.du {
				it.dg[i] = v * rf
			}
		default:
			it.ng.values(sh, it.u, it.du)
			copy(it.dg, it.du)
			divideBy(it.dg, f)
		}
		// Its equilibrium on the last support, when that is feasible.
		if !it.supportSolve(so, s) {
			it.lemkeHowson(pert, br, s)
			it.lhCalls++
		}
		// z = DG s + s.
		for i := 0; i < M; i++ {
			v := 0.0
			row := it.dg[i*M : (i+1)*M]
			for j, a := range row {
				v += a * s[j]
			}
			z[i] = v + s[i]
		}
		same := true
		for i := 0; i < M; i++ {
			if (s[i] > 0) != (so[i] > 0) {
				same = false
				break
			}
		}
		// Where the new point lies behind the approximation point along
		// the last step (or the support is settled), pull zh back onto the
		// line through sh.
		uu, uz := 0.0, 0.0
		for i := 0; i < M; i++ {
			ui := zh[i] - sh[i]
			uu += ui * ui
			uz += (z[i] - sh[i]) * ui
		}
		if uu != 0 {
			ell := uz / uu
			if ell <= 0 || same {
				for i := 0; i < M; i++ {
					zh[i] = (zh[i]-sh[i])*ell + sh[i]
					yh[i] = (yh[i]-sho[i])*ell + sho[i]
				}
			}
		}
		zdiff, sdiff := 0.0, 0.0
		for i := 0; i < M; i++ {
			zdiff += (z[i] - zh[i]) * (z[i] - zh[i])
			sdiff += (s[i] - sh[i]) * (s[i] - sh[i])
		}
		zdiff, sdiff = math.Sqrt(zdiff), math.Sqrt(sdiff)
		if it.trace != nil {
			it.trace("iter-"+strconv.Itoa(iter), splitFlat(s, it.ng.shape))
		}
		if math.IsNaN(zdiff) || math.IsInf(zdiff, 0) || math.IsNaN(sdiff) || math.IsInf(sdiff, 0) {
			return nil, ipaNonFinite
		}
		if N <= 2 || zdiff < ipaFuzz || sdiff < ipaFuzz {
			return s, ipaConverged
		}
		// The next approximation point: a step α towards z, or towards
		// the secant's root where the support has settled.
		for i := 0; i < M; i++ {
			d[i] = z[i] - zh[i] - y[i] + yh[i]
			target := z[i]
			if iter > 1 && same && d[i] > ipaFuzz {
				target = (yh[i]*z[i] - zh[i]*y[i]) / d[i]
			}
			zt[i] = (target*(ipaAlpha/(1-ipaAlpha)) + zh[i]) * (1 - ipaAlpha)
		}
		copy(so, s)
		copy(y, z)
		copy(sho, sh)
		copy(yh, zh)
		copy(zh, zt)
		it.retract(sh, zh)
		for i, v := range sh {
			if v < ipaFuzz {
				sh[i] = 0
			}
		}
		for p, n := range it.ng.shape {
			o, sum := it.ng.off[p], 0.0
			for j := 0; j < n; j++ {
				sum += sh[o+j]
			}
			for j := 0; j < n; j++ {
				sh[o+j] /= sum
			}
		}
	}
	return s, ipaMaxed
}

// descending is sort.Reverse(sort.Float64Slice(s)) without the two
// allocations of building it for every player at every iteration: the
// same comparisons, so sort.Sort makes the same moves.
type descending struct{ s []float64 }

func (d *descending) Len() int { return len(d.s) }
func (d *descending) Less(i, j int) bool {
	return d.s[j] < d.s[i] || (math.IsNaN(d.s[j]) && !math.IsNaN(d.s[i]))
}
func (d *descending) Swap(i, j int) { d.s[i], d.s[j] = d.s[j], d.s[i] }

// sortDescendingSmall sorts s (at most 12 numbers) as
// sort.Sort(&descending{s}) does: sort.Sort sorts so few by insertion,
// and this is that insertion sort with descending's comparison inlined,
// so it makes the same moves (equal numbers of different bits, ±0 or
// NaNs, end in the same places).
func sortDescendingSmall(s []float64) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0; j-- {
			a, b := s[j], s[j-1]
			// descending.Less(j, j−1)
			if !(b < a || (b != b && a == a)) {
				break
			}
			s[j], s[j-1] = b, a
		}
	}
}

// retract maps z onto the product of simplices: the Euclidean projection
// of each player's part, sh_i = max(z_i − v, 0) with v chosen so that they
// sum to one (the Kohlberg–Mertens retraction).
func (it *ipaIterator) retract(dst, z []float64) {
	for p, n := range it.ng.shape {
		o := it.ng.off[p]
		srt := it.srt[:n]
		copy(srt, z[o:o+n])
		if n <= 12 {
			sortDescendingSmall(srt)
		} else {
			it.desc.s = srt
			sort.Sort(&it.desc)
		}
		sum := srt[0]
		k := 1
		for ; k < n; k++ {
			if sum-float64(k)*srt[k] > 1 {
				break
			}
			sum += srt[k]
		}
		v := (sum - 1) / float64(k)
		for j := 0; j < n; j++ {
			dst[o+j] = math.Max(z[o+j]-v, 0)
		}
	}
}

// supportSolve solves the approximation on support so (the strategies
// with so > 0): every strategy in it earns its player's value, the
// probabilities sum to one, the others get none. It reports false when
// the system is singular or its solution is not an equilibrium of the
// approximation (a negative probability, or a strategy outside the support
// that earns more).
func (it *ipaIterator) supportSolve(so, s []float64) bool {
	M := it.M
	K := M + it.N
	a := it.sup
	it.supportSystem(so)
	ok, sure := luSolveFast(a, it.rhs, it.lu, it.vv, it.col, K)
	if !sure {
		// A zero in the solution or a number that is not finite: the
		// dense factorisation gives the bits (and zero signs) Gambit's
		// does.
		it.supportSystem(so)
		ok = luSolve(a, it.rhs, it.lu, it.vv, it.col, K)
	}
	if !ok {
		return false
	}
	for i := 0; i < M; i++ {
		if it.rhs[i] < 0 || math.IsNaN(it.rhs[i]) {
			return false
		}
	}
	for i := 0; i < M; i++ {
		s[i] = 0
		if so[i] > 0 {
			s[i] = it.rhs[i]
		}
	}
	return true
}

// supportSystem writes the linear system of supportSolve for support so
// into it.sup and it.rhs.
func (it *ipaIterator) supportSystem(so []float64) {
	M, N := it.M, it.N
	K := M + N
	a := it.sup
	clear(a)
	supp := it.supp[:0]
	for j := 0; j < M; j++ {
		if so[j] > 0 {
			supp = append(supp, j)
		}
	}
	// Unknowns: x_0..x_{M−1}, then the values v_0..v_{N−1}. Row i < M:
	// Σ_j DG_ij x_j − v_{p(i)} = 0 for i in the support. For i outside it
	// x_i stands in for the slack v_{p(i)} − Σ_j DG_ij x_j and must come
	// out ≥ 0, like the probabilities. Row M+p: player p's probabilities
	// on the support sum to one.
	for i := 0; i < M; i++ {
		row := a[i*K : (i+1)*K]
		dg := it.dg[i*M : (i+1)*M]
		for _, j := range supp {
			row[j] = dg[j]
		}
		if so[i] <= 0 {
			row[i] = 1
		}
		row[M+it.owner[i]] = -1
		it.rhs[i] = 0
	}
	for _, j := range supp {
		a[(M+it.owner[j])*K+j] = 1
	}
	for p := 0; p < N; p++ {
		it.rhs[M+p] = 1
	}
}

// luSolve solves a x = b in place (b becomes x) by Crout's LU
// decomposition with implicit (row-scaled) partial pivoting, the order of
// operations of Gambit's gametracer (Numerical Recipes' ludcmp and
// lubksb), so that IPA's iterates round as gambit-ipa's do. It reports
// false when a row is zero or a pivot is exactly zero. vv and col are
// scratch space of n entries.
func luSolve(a, b []float64, perm []int, vv, col []float64, n int) bool {
	vv, col = vv[:n], col[:n]
	for i := 0; i < n; i++ {
		mx := 0.0
		for _, v := range a[i*n : (i+1)*n] {
			// math.Max(mx, |v|), NaN included, without the call.
			if av := math.Abs(v); av > mx || av != av {
				mx = av
			}
		}
		if mx == 0 {
			return false
		}
		vv[i] = 1 / mx
	}
	for j := 0; j < n; j++ {
		// Column j is worked on in col, so that each row's sum reads two
		// contiguous slices; the sums are Crout's, term for term in the
		// same order. Above the diagonal each sum needs the ones before
		// it, below it they are independent and run four at a time.
		for i := range col {
			col[i] = a[i*n+j]
		}
		// Above the diagonal, four rows at a time too: their sums run
		// together over the terms whose col[k] is final (k < i), then each
		// takes its terms from the rows of the block before it, in order.
		// Every sum has the same terms in the same order as row by row;
		// only the four subtraction chains overlap in the processor.
		i := 0
		for ; i+4 <= j; i += 4 {
			r0 := a[i*n : i*n+i]
			r1 := a[(i+1)*n : (i+1)*n+i+1]
			r2 := a[(i+2)*n : (i+2)*n+i+2]
			r3 := a[(i+3)*n : (i+3)*n+i+3]
			s0, s1, s2, s3 := col[i], col[i+1], col[i+2], col[i+3]
			for k, c := range col[:i] {
				s0 -= r0[k] * c
				s1 -= r1[k] * c
				s2 -= r2[k] * c
				s3 -= r3[k] * c
			}
			s1, s2, s3 = lowerTri4(r1, r2, r3, i, s0, s1, s2, s3)
			col[i], col[i+1], col[i+2], col[i+3] = s0, s1, s2, s3
		}
		for ; i < j; i++ {
			row := a[i*n : i*n+i]
			sum := col[i]
			for k, v := range row {
				sum -= v * col[k]
			}
			col[i] = sum
		}
		cj := col[:j]
		i = j
		for ; i+4 <= n; i += 4 {
			r0 := a[i*n : i*n+j]
			r1 := a[(i+1)*n : (i+1)*n+j]
			r2 := a[(i+2)*n : (i+2)*n+j]
			r3 := a[(i+3)*n : (i+3)*n+j]
			s0, s1, s2, s3 := col[i], col[i+1], col[i+2], col[i+3]
			for k, c := range cj {
				s0 -= r0[k] * c
				s1 -= r1[k] * c
				s2 -= r2[k] * c
				s3 -= r3[k] * c
			}
			col[i], col[i+1], col[i+2], col[i+3] = s0, s1, s2, s3
		}
		for ; i < n; i++ {
			row := a[i*n : i*n+j]
			sum := col[i]
			for k, c := range cj {
				sum -= row[k] * c
			}
			col[i] = sum
		}
		big, imax := 0.0, j
		for i := 0; i < n; i++ {
			a[i*n+j] = col[i]
			if i >= j {
				if v := vv[i] * math.Abs(col[i]); v >= big {
					big, imax = v, i
				}
			}
		}
		if imax != j {
			for k := 0; k < n; k++ {
				a[imax*n+k], a[j*n+k] = a[j*n+k], a[imax*n+k]
			}
			vv[imax] = vv[j]
		}
		perm[j] = imax
		if a[j*n+j] == 0 {
			return false
		}
		if j != n-1 {
			inv := 1 / a[j*n+j]
			for i := j + 1; i < n; i++ {
				a[i*n+j] *= inv
			}
		}
	}
	luSubstitute(a, b, perm, n)
	return true
}

// luSubstitute solves with the factors luSolve and luSolveFast leave in a
// (L below the diagonal with a unit diagonal, U on and above it) and
// their row order perm, in place in b: forward substitution from the
// first nonzero entry (as Numerical Recipes' lubksb skips leading zeros),
// then back substitution.
//
// Once the first nonzero entry is found, the forward substitution runs
// four rows at a time: their swaps in order, then their sums together
// over the terms whose b[j] is final (j < i), then each takes its terms
// from the rows of the block before it, in order: every sum has the same
// terms in the same order as row by row (the block's terms come last in
// each), only the four subtraction chains overlap in the processor.
func luSubstitute(a, b []float64, perm []int, n int) {
	first := -1
	for i := 0; i < n; i++ {
		if first >= 0 && i+4 <= n {
			r0 := a[i*n : i*n+i]
			r1 := a[(i+1)*n : (i+1)*n+i+1]
			r2 := a[(i+2)*n : (i+2)*n+i+2]
			r3 := a[(i+3)*n : (i+3)*n+i+3]
			ip := perm[i]
			s0 := b[ip]
			b[ip] = b[i]
			ip = perm[i+1]
			s1 := b[ip]
			b[ip] = b[i+1]
			ip = perm[i+2]
			s2 := b[ip]
			b[ip] = b[i+2]
			ip = perm[i+3]
			s3 := b[ip]
			b[ip] = b[i+3]
			for j := first; j < i; j++ {
				bj := b[j]
				s0 -= r0[j] * bj
				s1 -= r1[j] * bj
				s2 -= r2[j] * bj
				s3 -= r3[j] * bj
			}
			s1, s2, s3 = lowerTri4(r1, r2, r3, i, s0, s1, s2, s3)
			b[i], b[i+1], b[i+2], b[i+3] = s0, s1, s2, s3
			i += 3
			continue
		}
		ip := perm[i]
		sum := b[ip]
		b[ip] = b[i]
		if first >= 0 {
			for j := first; j < i; j++ {
				sum -= a[i*n+j] * b[j]
			}
		} else if sum != 0 {
			first = i
		}
		b[i] = sum
	}
	for i := n - 1; i >= 0; i-- {
		sum := b[i]
		for j := i + 1; j < n; j++ {
			sum -= a[i*n+j] * b[j]
		}
		b[i] = sum / a[i*n+i]
	}
}

// luSolveFast is luSolve reorganised: the same factorisation (Crout's,
// with the same implicit partial pivoting) computed by rows, step k
// subtracting l_ik·u_kj from every a_ij below and right of the pivot, so
// that the inner loop runs along contiguous rows four entries per
// instruction (luEliminate). Each entry receives the same products in the
// same order as in Crout's sums (k = 0, 1, …), so the numbers are
// luSolve's; but it skips the rows whose multiplier l_ik is zero, and
// subtracting 0·u_kj = ±0 changes no number but a zero's sign, unless
// u_kj is not finite (0·∞ is NaN). So while every u_kj is finite the two
// agree but for the signs of zeros, which only a zero in x would show.
// It reports sure = false when a number of a is not finite, a row of U
// (final when it becomes the pivot row, and checked then) is not, or x
// has a zero or a number that is not finite (a multiplier that is not
// finite makes its row's diagonal so). Then a and b are to be rebuilt and
// solved by luSolve; otherwise ok, the row swaps and x are luSolve's to
// the bit. vv and w are scratch space of n entries.
func luSolveFast(a, b []float64, perm []int, vv, w []float64, n int) (ok, sure bool) {
	a, vv, w = a[:n*n], vv[:n], w[:n]
	for i := 0; i < n; i++ {
		mx, finite := rowMaxAbs(a[i*n : (i+1)*n])
		if !finite {
			return false, false
		}
		if mx == 0 {
			return false, true
		}
		vv[i] = 1 / mx
	}
	for k := 0; k < n; k++ {
		// The pivot: the last row i ≥ k whose vv[i]·|a[i][k]| is the
		// largest (luSolve's v ≥ big), taken without a branch per row.
		for i := k; i < n; i++ {
			w[i] = vv[i] * math.Abs(a[i*n+k])
		}
		imax := k
		if r := lastMax(w[k:]); r >= 0 {
			imax = k + r
		}
		if imax != k {
			r0, r1 := a[imax*n:(imax+1)*n], a[k*n:(k+1)*n]
			for j := range r0 {
				r0[j], r1[j] = r1[j], r0[j]
			}
			vv[imax] = vv[k]
		}
		perm[k] = imax
		if a[k*n+k] == 0 {
			return false, allFinite(a)
		}
		inv := 0.0
		if k != n-1 {
			inv = 1 / a[k*n+k]
		}
		if !luEliminate(a, n, k, inv) {
			return false, false
		}
	}
	luSubstitute(a, b, perm, n)
	for _, v := range b[:n] {
		if v == 0 || v-v != 0 {
			return false, false
		}
	}
	return true, true
}

// lastMaxGo is the index of the last largest number of w (NaNs never
// are; the numbers are ≥ 0), or −1 when every one is NaN: the i that
//
//	big, i := 0.0, −1; for j, v := range w { if v >= big { big, i = v, j } }
//
// leaves, for numbers that are not negative.
func lastMaxGo(w []float64) int {
	big, imax := 0.0, -1
	for i, v := range w {
		if v >= big {
			big, imax = v, i
		}
	}
	return imax
}

// luEliminateGo is step k of luSolveFast: every row i below k gets its
// multiplier l = a[i][k]·inv (inv = 1/a[k][k]) and, unless l is zero,
// a[i][j] −= l·a[k][j] for j > k, each product rounded on its own. It
// reports whether the pivot row from the diagonal on, a[k][k..n−1] (row k
// of U, final at this step), is finite.
func luEliminateGo(a []float64, n, k int, inv float64) bool {
	finite := allFinite(a[k*n+k : (k+1)*n])
	prow := a[k*n+k+1 : (k+1)*n]
	for i := k + 1; i < n; i++ {
		row := a[i*n+k : (i+1)*n]
		l := row[0] * inv
		row[0] = l
		if l == 0 {
			continue
		}
		subScaledGo(row[1:], prow, l)
	}
	return finite
}

// rowMaxAbsGo is the largest |x[j]| (or 0) and whether every x[j] is finite
// (the largest is meaningful only then).
func rowMaxAbsGo(x []float64) (float64, bool) {
	mx := 0.0
	for _, v := range x {
		if av := math.Abs(v); av > mx {
			mx = av
		}
	}
	return mx, allFinite(x)
}

// allFinite reports whether every number of x is finite.
func allFinite(x []float64) bool {
	for _, v := range x {
		if v-v != 0 {
			return false
		}
	}
	return true
}

// lemkeHowson finds an equilibrium of the polymatrix approximation by
// Lemke's method with covering vector pert, started at the pure profile
// br (each player's strategy with the largest entry of pert), and writes
// its strategies into s.
//
// Tableau (rows: the basic variables, M slacks w_i = Σ_j DG_ij x_j − v_p(i)
// and N sums; columns: the nonbasic ones, x_0..x_{M−1}, v_0..v_{N−1}, the
// covering variable λ and the constant 1). It is kept in the
// integer-pivoting form: every entry is a multiple of the last pivot D,
// rescaled to D = 1 when D grows past 1e6. Labels: basic variable of row r
// is rowLab[r], nonbasic of column c is colLab[c]; x_i is i+1, v_p is
// M+p+1, λ is M+N+1, the constant M+N+2, and slack or sum row r is −r−1.
//
// The tableau is stored by columns and brought up to date lazily (see
// ipaTableau): a pivot needs only its own column and the constant one, so
// a column is updated when it next enters, with the same operations on
// each entry as gametracer's Pivot, and not at all after its last entry.
func (it *ipaIterator) lemkeHowson(pert []float64, br []int, s []float64) {
	if !it.lemkeHowsonRows(pert, br, s, !it.keepRows) {
		it.lemkeHowsonRows(pert, br, s, false)
	}
}

// lemkeHowsonRows is lemkeHowson, the v_p rows stored last and left out
// of the replays after the start when drop is set. With drop it reports
// false (and must be run again without) if the first pivot on λ is on a
// v_p row: then that row takes part in the rest, where its place in the
// order of the rows breaks ties.
func (it *ipaIterator) lemkeHowsonRows(pert []float64, br []int, s []float64, drop bool) bool {
	M, N := it.M, it.N
	R, C := M+N, M+N+2
	lt := &it.lt
	lt.reset(R, C)
	t, S := lt.t, lt.S
	// Rows in storage order: every row but the slack rows of br, in
	// order, then those N. v_p enters in br(p)'s slack row at the start
	// and never leaves, so after the first pivot on λ no pivot reads
	// those rows, and the replays leave them out (dropping 4 of 20 rows
	// on 5×5×5, 4 of 36 on 10×10×10, rounded to the vector width).
	// phys[l] is where row l is stored; the ratio tests break ties in the
	// order of l, which the live rows keep.
	phys := it.phys[:R]
	r := 0
	for l := 0; l < R; l++ {
		if !drop || l >= M || br[it.owner[l]] != l {
			phys[l] = r
			r++
		}
	}
	for p := 0; drop && p < N; p++ {
		phys[br[p]] = r
		r++
	}
	// DG's rows, read along (each row of DG is one row of the tableau,
	// across its first M columns).
	for i := 0; i < M; i++ {
		dst := t[phys[i]:]
		for j, v := range it.dg[i*M : (i+1)*M] {
			dst[j*S] = v
		}
	}
	for j := 0; j < M; j++ {
		t[j*S+phys[M+it.owner[j]]] = 1
	}
	for i := 0; i < M; i++ {
		t[(M+it.owner[i])*S+phys[i]] = -1
		t[(M+N)*S+phys[i]] = pert[i]
	}
	for p := 0; p < N; p++ {
		t[(M+N+1)*S+phys[M+p]] = 1
	}
	// Labels and where each stands: pos[l+R] is the row (≥ 0) or the
	// column (−c−1) of label l, so that no pivot searches for a label.
	rowLab := it.rowLab[:R]
	colLab := it.colLab[:C]
	pos := it.pos
	for c := range colLab {
		colLab[c] = c + 1
		pos[c+1+R] = -c - 1
	}
	for l := range rowLab {
		rowLab[phys[l]] = -l - 1
		pos[-l-1+R] = phys[l]
	}
	pivot := func(pr, pc int) int {
		lt.pivot(pr, pc)
		left, entered := rowLab[pr], colLab[pc]
		rowLab[pr], colLab[pc] = entered, left
		pos[entered+R], pos[left+R] = pr, -pc-1
		return left
	}
	// Start at the pure profile br: x_br(p) enters for player p's sum row,
	// then v_p for x_br(p)'s slack.
	for p := 0; p < N; p++ {
		pivot(pos[-(M+p)-1+R], -pos[br[p]+1+R]-1)
		pivot(pos[-br[p]-1+R], -pos[M+p+1+R]-1)
	}
	K := C - 1
	lam := M + N + 1
	pc := -pos[lam+R] - 1
	a, b := lt.column(pc), lt.column(K)
	m, pr := math.Inf(-1), -1
	for l := 0; l < R; l++ {
		if r := phys[l]; a[r] < 0 {
			if q := b[r] / a[r]; q > m {
				m, pr = q, r
			}
		}
	}
	if m > 0 {
		live := R
		if drop {
			live = R - N
			if pr >= live {
				return false // v_p leaves here (Gambit's first test allows it)
			}
		}
		lt.rows = (live + 3) &^ 3
		left := pivot(pr, pc)
		q := it.ratio[:live]
		for steps := 0; left != lam && steps < 100*(R+C); steps++ {
			pc = -pos[-left+R] - 1
			// The ratios first (independent divisions, in flight
			// together), then the first smallest; v_p never leaves.
			lhRatios(lt.column(pc), lt.column(K), q)
			for p := 0; p < N; p++ {
				if r := pos[M+p+1+R]; r >= 0 && r < len(q) {
					q[r] = math.Inf(1)
				}
			}
			pr = firstMin(q)
			if pr < 0 {
				break // a ray: cannot happen in a nondegenerate polymatrix game
			}
			left = pivot(pr, pc)
		}
	}
	b = lt.column(K)
	for i := 0; i < M; i++ {
		s[i] = 0
		if r := pos[i+1+R]; r >= 0 {
			s[i] = b[r] / lt.D
		}
	}
	return true
}

// lhRatiosGo sets q[r] = b[r]/a[r] where a[r] > 0 and +∞ elsewhere (NaN
// included), for r < len(q). Without a branch (whether a > 0 is as good
// as random): the quotient is taken for every row and replaced by +∞
// where a ≤ 0.
func lhRatiosGo(a, b, q []float64) {
	a, b = a[:len(q)], b[:len(q)]
	for r := range q {
		keep := -uint64(b2u(a[r] > 0))
		q[r] = math.Float64frombits(math.Float64bits(b[r]/a[r])&keep | posInfBits&^keep)
	}
}

// firstMinGo is the index of the first smallest number of q below +∞
// (NaNs never are), or −1: the r that
//
//	m, r := +∞, −1; for i, v := range q { if v < m { m, r = v, i } }
//
// leaves.
func firstMinGo(q []float64) int {
	m, pr := math.Inf(1), -1
	for r, v := range q {
		if v < m {
			m, pr = v, r
		}
	}
	return pr
}

// posInfBits are the bits of +∞.
const posInfBits = 0x7ff0000000000000

// b2u is 1 for true and 0 for false, without a branch.
func b2u(b bool) uint64 {
	var u uint64
	if b {
		u = 1
	}
	return u
}

// ipaTableau is Lemke–Howson's tableau in gametracer's integer-pivoting
// form, R rows by C columns, stored by columns and updated lazily.
//
// gametracer's Pivot on (pr, pc) with pivot pv and last pivot D sets
// every entry off the pivot row to t_ij ← (t_ij·pv − t_i,pc·t_pr,j)/den,
// den = D·sgn pv, negates the pivot row when pv < 0, replaces the pivot
// column and divides the whole tableau by |pv| when that passes 1e6. A
// column's new entries depend only on its own entries and on the pivot
// column, so each pivot is recorded (the pivot column as it was, in hist,
// and pr, pv, den, the sign and the rescaling) and a column replays the
// pivots it has missed when it is next read (column): the same
// operations on the same numbers, in the same order, as the eager update,
// so every entry read has the eager tableau's bits. A pivot reads only
// the entering column and the constant one, so the columns that do not
// enter again before the end are never updated. The record is replayed
// into every column and cleared when it grows past ipaMaxSteps pivots,
// which bounds its memory by sixteen tableaux.
type ipaTableau struct {
	R, C  int
	S     int       // R rounded up to a multiple of 4: a column's stride
	rows  int       // the rows the next pivots update (a multiple of 4, ≤ S)
	t     []float64 // column c is t[c*S : c*S+R], zeros to c*S+S
	upto  []int     // column c has the first upto[c] recorded pivots
	hist  []float64 // pivot k's column is hist[k*S : k*S+R]
	steps []ipaStep
	D     float64 // the last pivot (integer-pivoting form)
	// flushEvery, when > 0, replaces ipaMaxSteps (tests make it small).
	flushEvery int
	// inRange: every step recorded since the reset updates at most S rows,
	// its pivot row among them (lhStepsInRange, checked as each is
	// recorded), so that the replays need not check again.
	inRange bool
}

// ipaStep is one recorded pivot. lhReplayAVX reads its fields at offsets
// 0, 8, 16, 24, 32, 40 and 48 (TestIPAStepLayout).
type ipaStep struct {
	pr           int
	pv, den, div float64 // div: the rescaling divisor (|pv|), or 0
	sign         uint64  // 1<<63 when pv < 0 (the pivot row is negated), else 0
	// rden is 1/den when den is a power of two (then x/den and x·rden
	// are the same number, the same exact quotient rounded once), else 0.
	rden float64
	n    int // the rows it updates (the first n; the others are not read again)
}

// exactReciprocal is 1/d when d is a power of two whose reciprocal is a
// normal number (then x/d = x·(1/d) for every x), else 0.
func exactReciprocal(d float64) float64 {
	if fr, e := math.Frexp(d); (fr == 0.5 || fr == -0.5) && e > -1000 && e < 1000 {
		return 1 / d
	}
	return 0
}

// ipaMaxSteps is how many pivots a tableau of C columns records before it
// updates every column and clears the record: up to 16 tableaux of
// memory. Fewer flushes leave more columns that never enter again
// without an update (with 4·C the flushes took 5 % of the 32-vector
// row's CPU, on its longer Lemke–Howson paths).
func ipaMaxSteps(C int) int { return max(16*C, 64) }

// reset makes an R×C tableau of zeros with D = 1 and no pivot recorded.
func (lt *ipaTableau) reset(R, C int) {
	S := (R + 3) &^ 3
	lt.R, lt.C, lt.S, lt.rows, lt.D, lt.inRange = R, C, S, S, 1, true
	if cap(lt.t) < S*C {
		lt.t = make([]float64, S*C)
		lt.upto = make([]int, C)
	}
	lt.t, lt.upto = lt.t[:S*C], lt.upto[:C]
	clear(lt.t)
	clear(lt.upto)
	lt.hist, lt.steps = lt.hist[:0], lt.steps[:0]
}

// column brings column c up to date and returns it.
func (lt *ipaTableau) column(c int) []float64 {
	S := lt.S
	col := lt.t[c*S : (c+1)*S]
	if k := lt.upto[c]; k < len(lt.steps) {
		if lt.inRange {
			lhReplayInRange(col, lt.hist[k*S:], lt.steps[k:])
		} else {
			lhReplay(col, lt.hist[k*S:], lt.steps[k:])
		}
		lt.upto[c] = len(lt.steps)
	}
	return col[:lt.R]
}

// lhReplayGo applies the recorded pivots steps to column col (R entries),
// pivot k's column at hist[k*R:]: p = col[pr] (the pivot row's entry),
// each of the step's first n rows (the pivot row too: its value is
// replaced next) becomes
// (col[i]·pv − hist[i]·p)/den as lhRowGo computes it (times rden instead
// where that is not 0: the same number), the pivot row's entry is p with
// its sign bit flipped by sign, and the whole column is divided by div
// when that is not 0.
func lhReplayGo(col, hist []float64, steps []ipaStep) {
	R := len(col)
	for k := range steps {
		st := &steps[k]
		c, h := col[:st.n], hist[k*R:k*R+st.n]
		p := c[st.pr]
		if st.rden != 0 {
			for i := range c {
				c[i] = (float64(c[i]*st.pv) - float64(p*h[i])) * st.rden
			}
		} else {
			lhRowGo(c, h, st.pv, p, st.den)
		}
		c[st.pr] = math.Float64frombits(math.Float64bits(p) ^ st.sign)
		if st.div != 0 {
			for i := range c {
				c[i] /= st.div
			}
		}
	}
}

// lhStepsInRange reports whether every step updates at most R rows, its
// pivot row among them.
func lhStepsInRange(steps []ipaStep, R int) bool {
	for k := range steps {
		if uint(steps[k].n) > uint(R) || uint(steps[k].pr) >= uint(steps[k].n) {
			return false
		}
	}
	return true
}

// pivot pivots on row pr and column pc.
func (lt *ipaTableau) pivot(pr, pc int) {
	if limit := ipaMaxSteps(lt.C); len(lt.steps) >= limit || (lt.flushEvery > 0 && len(lt.steps) >= lt.flushEvery) {
		for c := 0; c < lt.C; c++ {
			lt.column(c)
		}
		clear(lt.upto)
		lt.hist, lt.steps = lt.hist[:0], lt.steps[:0]
	}
	col := lt.column(pc)
	col = col[:lt.S] // with its padding (zeros, and kept so)
	pv := col[pr]
	sg := 1.0
	if pv < 0 {
		sg = -1
	}
	st := ipaStep{pr: pr, pv: pv, den: lt.D * sg, n: lt.rows}
	st.rden = exactReciprocal(st.den)
	if sg < 0 {
		st.sign = 1 << 63
	}
	lt.hist = append(lt.hist, col...)
	// The pivot column: negated when pv > 0, else kept (and the pivot row
	// negated instead), as gametracer does.
	if sg > 0 {
		for i := range col {
			col[i] = -col[i]
		}
	}
	col[pr] = sg * lt.D
	lt.D = math.Abs(pv)
	if lt.D > 1e6 {
		st.div = lt.D
		for i := range col {
			col[i] /= lt.D
		}
		lt.D = 1
	}
	lt.steps = append(lt.steps, st)
	lt.inRange = lt.inRange && lhStepsInRange(lt.steps[len(lt.steps)-1:], lt.S)
	lt.upto[pc] = len(lt.steps)
}

// polish makes the end of the iteration an equilibrium of the game to
// rounding when it can: Newton's method on the support the end plays,
// then on the supports polishSupport tries; a result that moved more than
// 1e-3 from the end, or whose regret is not smaller, is refused.
func (it *ipaIterator) polish(x []float64) []float64 {
	ng := it.ng
	u := make([]float64, ng.tot)
	ng.values(x, u, nil)
	reg := ng.regret(x, u)
	in := make([]bool, ng.tot)
	for i, v := range x {
		in[i] = v > 0
	}
	q, ok := polishOn(ng, x, in, 1e-3)
	if !ok {
		q, ok = polishSupport(ng, x, 1e-3)
	}
	if ok {
		ng.values(q, u, nil)
		if ng.regret(q, u) <= reg {
			return q
		}
	}
	return x
}

// lowerTri4 finishes a block of four rows of a forward substitution
// (rows r1..r3 of the unit lower triangle, the block starting at column
// i): each row subtracts the block's earlier results in the order the
// row-by-row loop would, so the bits are the same.
func lowerTri4(r1, r2, r3 []float64, i int, s0, s1, s2, s3 float64) (float64, float64, float64) {
	s1 -= r1[i] * s0
	s2 -= r2[i] * s0
	s3 -= r3[i] * s0
	s2 -= r2[i+1] * s1
	s3 -= r3[i+1] * s1
	s3 -= r3[i+2] * s2
	return s1, s2, s3
}
