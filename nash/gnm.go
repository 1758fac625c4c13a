package nash

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/internal/budget"
)

// GNM computes Nash equilibria of a game with any number of players by
// the global Newton method of Govindan and Wilson ("A global Newton method
// to compute Nash equilibria", J. Econ. Theory 110, 2003), the method of
// Gambit's gambit-gnm.
//
// A perturbation vector g gives every pure strategy a bonus λ·g_s. For λ
// large the perturbed game has one equilibrium, the profile of each
// player's strategy with the largest g_s; the method follows the
// equilibria of the perturbed games from there as λ falls. By the
// structure theorem of Kohlberg and Mertens the path is a curve that
// passes λ = 0 at an odd number of equilibria of the game itself before
// it leaves for λ → −∞; each crossing is one equilibrium found.
//
// truce follows the path in the coordinates of the support it is on: the
// probabilities of the strategies played, each player's value w_n and λ,
// with the equations "each played strategy earns w_n in the perturbed
// game" and "each player's probabilities sum to one". Where at most one
// player mixes (and in every 2-player game) the path is a straight line
// in these coordinates and it jumps from one change of support to the
// next, as Lemke–Howson pivots; elsewhere a predictor (the tangent, and
// the curve's turn over the last step) and a Newton corrector take
// adaptive arc-length steps. Changes of support (a
// probability reaching zero, an unused strategy reaching w_n) and the
// equilibria (λ = 0) are landed on exactly by Newton's method with the
// event's equation in place of the arc-length one, so each equilibrium is
// exact to rounding. The path ends where λ falls below
// opt.Search.LambdaEnd times its starting value (gambit-gnm's -m, default
// −10), or, when that is −∞, below the point where each player's strategy
// with the smallest g_s strictly dominates: beyond it the perturbed games
// have one equilibrium each, so no equilibrium can be left on the path.
// Stats["paths cut at lambda end"] counts the paths stopped at LambdaEnd
// before that point: they may hold more equilibria.
//
// opt.Search gives the perturbation vectors (Points) or their number
// (Starts, default 1) and seed; each vector is normalised to length one,
// and each player's largest entry must be unique. Payoffs are rescaled to
// [0, 1] first, as Gambit does. Equilibria found on several paths are
// listed once, in the order found.
func GNM(ctx context.Context, g *game.Strategic, opt Options) (out *Result, outErr error) {
	defer certifyGame(ctx, "gnm", g, &out, &outErr)
	start := time.Now()
	res := &Result{Method: "gnm", Complete: true, Stats: map[string]float64{}}
	ng, span := newNormGame(g)
	T := ng.tot
	if err := budget.Check(ctx, fmt.Sprintf("gnm payoff Jacobian (%d strategies)", T), budget.Mul(4, int64(T)+int64(ng.n)+1, int64(T)+int64(ng.n)+1, 8),
		"use --method lcp (2 players) or logit"); err != nil {
		return nil, fmt.Errorf("gnm: %w", err)
	}
	lambdaEnd := opt.Search.LambdaEnd
	switch {
	case lambdaEnd == 0:
		lambdaEnd = GNMDefaultLambdaEnd
	case lambdaEnd > 0 || math.IsNaN(lambdaEnd):
		return nil, fmt.Errorf("gnm: lambda end %g: must be negative (a multiple of the starting lambda)", lambdaEnd)
	}
	if !math.IsInf(lambdaEnd, -1) {
		res.Stats["lambda end"] = lambdaEnd
	}
	perts, err := opt.Search.perturbations(ng.shape, res)
	if err != nil {
		return nil, fmt.Errorf("gnm: %w", err)
	}
	res.Stats["paths"] = float64(len(perts))
	tr := newGNMTracer(ng)
	tr.progress = opt.Progress
	tr.trace = opt.Search.Trace
	var reasons []string
	for k, p := range perts {
		name := opt.Search.pointName("perturbation vector", k)
		if err := tr.setPerturbation(p); err != nil {
			return nil, fmt.Errorf("gnm: %s: %w", name, err)
		}
		tol := Tolerance(g.PayoffBounds())
		onEq := func(sigma []float64) {
			prof := splitFlat(sigma, ng.shape)
			eq := Equilibrium{Profile: prof, Regret: g.Regret(prof), Component: -1}
			res.Equilibria, _ = addDistinct(res.Equilibria, eq)
			if opt.Search.Trace != nil && eq.Regret <= tol {
				// gambit-gnm -V prints each crossing as it finds it.
				opt.Search.Trace("NE", prof)
			}
		}
		if span == 0 {
			// All payoffs equal: every profile is an equilibrium, the
			// path's start among them.
			onEq(tr.startProfile())
			continue
		}
		why, cut := tr.run(ctx, lambdaEnd, onEq)
		if why != "" {
			reasons = append(reasons, fmt.Sprintf("%s: %s", name, why))
		}
		if cut {
			res.Stats["paths cut at lambda end"]++
		}
		if stop, _ := stopped(ctx); stop {
			break
		}
	}
	res.Stats["steps"] = float64(tr.steps)
	res.Stats["support changes"] = float64(tr.pivots)
	res.Stats["equilibria crossed"] = float64(tr.crossings)
	markIncomplete(res, reasons, "paths")
	res.Elapsed = time.Since(start)
	return res, nil
}

// GNMDefaultLambdaEnd is where gnm stops a path unless told otherwise:
// λ at −10 times its starting value, gambit-gnm's default (-m).
const GNMDefaultLambdaEnd = -10.0

// gnmMaxSteps bounds the steps of one path (each a few linear solves of
// the support's size): a path that needs more is reported as incomplete.
const gnmMaxSteps = 200_000

// gnmTracer follows one GNM path. A point is y = (σ_B, w, λ): the
// probabilities of the strategies in the support B (in sup's order), one
// value per player and λ; d = |B| + N + 1 unknowns and d−1 equations.
type gnmTracer struct {
	ng    *normGame
	n, T  int
	owner []int     // player of each strategy
	pert  []float64 // the perturbation, normalised and gaps widened
	raw   []float64 // as given
	in    []bool
	sup   []int
	lam0  float64 // λ at the start
	// traceEnd is the λ below which no -V line is printed (the path's
	// lambda end, as gambit-gnm stops there).
	traceEnd float64
	muEnd    float64 // beyond λ = −muEnd every player has a dominant strategy

	sigma, u, du []float64
	// Scratch for the linear algebra, sized for the largest support.
	a, b, q []float64
	// The reduced coordinates (gnm_reduced.go): each player's first
	// support position and the other positions, for support redVer, and
	// scratch for the reduced system, the last row and the solution.
	first, rest   []int
	restFirst     []int       // the first position of each rest position's player
	f3            [][]float64 // contract3's two contractions
	jsMax         float64     // the largest |entry| of js at the loaded point
	pertMax       float64     // the largest |bonus| on support redVer
	rd            []float64
	redVer        int
	singular      bool // the support is structurally singular
	cnt           []int
	ra, rz, rc    []float64
	rg, rx, rzero []float64
	rt            []float64 // the reduced tangent (solveReducedTangent)
	// The LU factors solveReducedTangent kept in ra (its row swaps in
	// rpiv), for the corrector's chord iterations (chordSolve), and
	// scratch for their reduced last row.
	rpiv []int
	rl   []float64
	// Scratch for midpointOff.
	mid, midC, midX []float64
	// Set by correct on an ordinary step: the unit tangent it left in t
	// was computed with its last iteration's LU, with that sign of
	// det[A; τᵀ].
	tanOK   bool
	tanSign float64

	// The support's payoff tables (supTables), rebuilt when the support
	// changes (supVer counts the changes), and the last point loaded with
	// its Jacobian.
	sub, xsup       [][]float64
	subShape, supOf [][]int
	bufA, bufB      []float64
	supVer, tabVer  int
	cached          bool
	cacheVer        int
	cacheY          []float64
	// subS and subSShape are the support tables with each player's own
	// strategies restricted to his support too: Newton's iterations read
	// only the support's rows (js), a half of the work on a 10×10×10
	// path. subO and subOShape are those of his other strategies (outOf),
	// the rows the events read (3 players). cacheRows says which rows the
	// cached point has (rowsSup, rowsOut).
	subS, subO           [][]float64
	subSShape, subOShape [][]int
	outOf                [][]int
	cacheRows            int
	pos                  []int // support position of each strategy, −1 outside
	stride, idx          []int // the full tables' strides, an odometer
	// subV holds, for 3 players, each player's support table with his own
	// strategy slowest (row a: the others' support profiles, the lower
	// player fastest), for the support's values alone (supportValues3),
	// and wv the products of the others' probabilities in that order.
	subV, subOV [][]float64
	wv          []float64
	// js is the Jacobian restricted to the support, ∂u_s/∂σ_k for
	// support positions p (of s) and q (of k) at js[p*|B|+q]: zero within
	// a player's block (his own strategies do not enter his payoffs).
	js []float64

	steps, pivots, crossings int
	found                    int // equilibria on the current path
	// seen holds a hash of the state (support, point, direction) after
	// each event of the current path: the path is deterministic, so a
	// state seen twice means it goes round a loop (degenerate games).
	seen     map[uint64]bool
	orient   float64 // sign of det[A; τᵀ] in the current cell
	progress func(string)
	trace    func(string, [][]float64)
}

func newGNMTracer(ng *normGame) *gnmTracer {
	T, n := ng.tot, ng.n
	tr := &gnmTracer{ng: ng, n: n, T: T, owner: make([]int, T), pert: make([]float64, T), in: make([]bool, T),
		sigma: make([]float64, T), u: make([]float64, T), du: make([]float64, T*T)}
	for p, s := range ng.shape {
		for j := 0; j < s; j++ {
			tr.owner[ng.off[p]+j] = p
		}
	}
	D := T + n + 1
	tr.a = make([]float64, D*D)
	tr.js = make([]float64, T*T)
	tr.cnt = make([]int, n)
	tr.rd = make([]float64, T)
	tr.f3 = make([][]float64, 2)
	tr.cacheY = make([]float64, D)
	tr.tabVer = -1
	tr.b = make([]float64, D)
	tr.q = make([]float64, D)
	tr.ra = make([]float64, D*D)
	tr.rz, tr.rc = make([]float64, D), make([]float64, T)
	tr.rg, tr.rx, tr.rzero = make([]float64, D), make([]float64, D), make([]float64, D)
	tr.rt = make([]float64, D)
	tr.rpiv, tr.rl = make([]int, D), make([]float64, D)
	tr.mid, tr.midC, tr.midX = make([]float64, D), make([]float64, D), make([]float64, D)
	return tr
}

// setPerturbation checks and normalises the perturbation vector p.
func (tr *gnmTracer) setPerturbation(p []float64) error {
	unit, err := unitPerturbation(p, tr.ng)
	if err != nil {
		return err
	}
	tr.raw = p
	copy(tr.pert, unit)
	for pl := range tr.ng.shape {
		tr.widenGaps(pl)
	}
	return nil
}

// widenGaps lowers every bonus of player pl that is within 0.01 of his
// largest by 0.01, as Gambit's gametracer does before it scales the
// perturbation, so that both follow the same path.
func (tr *gnmTracer) widenGaps(pl int) {
	o, s := tr.ng.off[pl], tr.ng.shape[pl]
	best := o
	for j := 1; j < s; j++ {
		if tr.pert[o+j] > tr.pert[best] {
			best = o + j
		}
	}
	for j := 0; j < s; j++ {
		if o+j != best && tr.pert[best]-tr.pert[o+j] < 0.01 {
			tr.pert[o+j] -= 0.01
		}
	}
}

// startProfile is each player's strategy with the largest bonus.
func (tr *gnmTracer) startProfile() []float64 { return bestOfPerturbation(tr.pert, tr.ng) }

// gnmEvent is a point where the path changes support or crosses λ = 0.
type gnmEvent struct {
	kind  int // evLeave (σ_s reaches 0), evEnter (s reaches w_n), evLambda
	strat int
}

const (
	evNone = iota
	evLeave
	evEnter
	evLambda
)

func (tr *gnmTracer) dim() int   { return len(tr.sup) + tr.n + 1 }
func (tr *gnmTracer) lamIx() int { return len(tr.sup) + tr.n }

// load sets sigma from y and computes the strategy values (and, with jac,
// their derivatives with respect to the strategies in the support, the
// only ones the path's equations read). A point loaded with jac just
// before, on the same support, is not computed again.
func (tr *gnmTracer) load(y []float64, jac bool) {
	if !jac {
		tr.setSigma(y)
		tr.ng.values(tr.sigma, tr.u, nil)
		tr.cached = false
		return
	}
	tr.loadRows(y, rowsSup|rowsOut)
}

// loadSupport is load with the Jacobian's support rows only (js and the
// support's values): what Newton's iterations read, unless they land on
// a strategy's entry (its slack reads its row).
func (tr *gnmTracer) loadSupport(y []float64) {
	tr.loadRows(y, rowsSup)
}

// loadOutside is load with the other strategies' rows only (their values
// in u and their rows' support columns in du): what the events read.
// After a step, whose tangent came with its last Newton iteration, the
// support's rows at its end are not read before the next step's
// iterations move off it.
func (tr *gnmTracer) loadOutside(y []float64) {
	tr.loadRows(y, rowsOut)
}

// The rows of the Jacobian a load computes: the support's (js, and the
// support's values in u) and the other strategies' (du, and their values).
const (
	rowsSup = 1 << iota
	rowsOut
)

// loadRows loads the rows asked for at y, computing only those the
// cache does not hold there. Each row is computed alike whichever others
// are computed with it, so the values are the same to the bit either way.
func (tr *gnmTracer) loadRows(y []float64, rows int) {
	d := tr.dim()
	if tr.n != 3 && rows&rowsOut != 0 {
		rows |= rowsSup // computed together
	}
	if tr.cached && tr.cacheVer == tr.supVer && equalBits(tr.cacheY[:d], y[:d]) {
		if rows &^= tr.cacheRows; rows == 0 {
			return
		}
	} else {
		tr.cacheRows = 0
	}
	tr.setSigma(y)
	tr.supportJacobian(rows)
	tr.cached, tr.cacheVer = true, tr.supVer
	tr.cacheRows |= rows
	copy(tr.cacheY[:d], y[:d])
}

// setSigma sets the profile sigma to the point y's.
func (tr *gnmTracer) setSigma(y []float64) {
	for i := range tr.sigma {
		tr.sigma[i] = 0
	}
	for k, s := range tr.sup {
		tr.sigma[s] = y[k]
	}
}

func equalBits(a, b []float64) bool {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// supportJacobian computes, at sigma, the support's rows of the Jacobian
// into js and their values into u (rows&rowsSup) and the values of the
// other strategies and their rows' support columns into du (rows&rowsOut:
// what the events and the slacks read), from each player's payoff table
// restricted to the supports (supTables). Each entry is summed in the
// same order as normGame.derivatives sums it, so the values are the same
// to the bit either way; the rest of du, which the path never reads, is
// left as it was. With other than three players the support's rows are
// computed with the others' (the general loop below; rowsOut alone
// computes both).
func (tr *gnmTracer) supportJacobian(rows int) {
	ng, T := tr.ng, tr.T
	if tr.tabVer != tr.supVer || tr.sub == nil {
		tr.supTables()
	}
	n := ng.n
	if n == 1 {
		copy(tr.u, ng.pay)
		return
	}
	// The mixed strategies on the supports.
	for q := 0; q < n; q++ {
		xs := tr.xsup[q][:0]
		for _, c := range tr.supOf[q] {
			xs = append(xs, tr.sigma[ng.off[q]+c])
		}
		tr.xsup[q] = xs
	}
	if n == 3 {
		tr.supportJacobian3(rows)
		return
	}
	full := rows&rowsOut != 0
	ns := len(tr.sup)
	tables, shapes := tr.subS, tr.subSShape
	if full {
		tables, shapes = tr.sub, tr.subShape
	}
	jsMax := 0.0
	for i := 0; i < n; i++ {
		oi := ng.off[i]
		shape := shapes[i]
		ni := shape[i]
		for j := 0; j < n; j++ {
			if j == i {
				continue
			}
			oj := ng.off[j]
			cols := tr.supOf[j]
			mj := len(cols)
			// Entry (a, t) of the contraction is r[a*sa+t*st].
			var r []float64
			var sa, st int
			if n == 3 {
				sa, st = mj, 1
				if j == first3(i) {
					tr.contract3(i, tables[i], shape)
					r = tr.f3[0]
				} else {
					r = tr.f3[1] // j is the higher of i's two others
				}
			} else {
				r, sa, st = tr.contractSub(tables[i], shape, i, j), mj, 1
				if i < j {
					sa, st = 1, ni
				}
			}
			for a := 0; a < ni; a++ {
				s := a
				if !full {
					s = tr.supOf[i][a]
				}
				ra := r[a*sa:]
				if p := tr.pos[oi+s]; p >= 0 {
					// A support row: its block of js, compact, and the
					// largest entry for the solves' scale.
					at := p*ns + tr.pos[oj+cols[0]]
					row := tr.js[at : at+mj]
					for t := range row {
						v := ra[t*st]
						row[t] = v
						if av := abs(v); av > jsMax {
							jsMax = av
						}
					}
				} else {
					row := tr.du[(oi+s)*T+oj : (oi+s)*T+oj+ng.shape[j]]
					for t, c := range cols {
						row[c] = ra[t*st]
					}
				}
				if j == (i+1)%n {
					// u_is = Σ_t ∂u_is/∂x_jt · x_jt over j's support in
					// order (derivatives sums over all t, adding exact
					// zeros).
					v := 0.0
					for t, c := range cols {
						v += ra[t*st] * tr.sigma[oj+c]
					}
					tr.u[oi+s] = v
				}
			}
		}
	}
	tr.jsMax = jsMax
}

// supportJacobian3 is supportJacobian for three players, with the rows
// of each contraction copied whole instead of entry by entry through the
// general loop's index arithmetic: the same numbers, summed in the same
// order. The support's rows come from the tables restricted to each
// player's support (subS), the others' from those restricted to his other
// strategies (subO): contract3 sums each row alike in either.
func (tr *gnmTracer) supportJacobian3(rows int) {
	ng, T := tr.ng, tr.T
	ns := len(tr.sup)
	// The support's positions are sorted, and each player's strategies
	// are consecutive: player q's t-th support strategy is at p0[q] + t.
	var p0 [3]int
	for q := range p0 {
		p0[q] = tr.pos[ng.off[q]+tr.supOf[q][0]]
	}
	js := tr.js[:ns*ns]
	jsMax := 0.0
	for i := 0; i < 3; i++ {
		oi := ng.off[i]
		j, k := first3(i), 3-i-first3(i) // j < k
		mj, mk := len(tr.supOf[j]), len(tr.supOf[k])
		oj, ok := ng.off[j], ng.off[k]
		// u_is sums over the next player's support (supportJacobian's
		// order): j's for players 0 and 2, k's for player 1.
		xu := tr.xsup[j]
		if i == 1 {
			xu = tr.xsup[k]
		}
		for _, sup := range [2]bool{true, false} {
			var own []int
			if sup {
				if rows&rowsSup == 0 {
					continue
				}
				own = tr.supOf[i]
				tr.contract3(i, tr.subS[i], tr.subSShape[i])
			} else {
				if own = tr.outOf[i]; rows&rowsOut == 0 || len(own) == 0 {
					continue
				}
				tr.contract3(i, tr.subO[i], tr.subOShape[i])
			}
			ni := len(own)
			f0, f1 := tr.f3[0][:ni*mj], tr.f3[1][:ni*mk]
			fu, mu := f0, mj
			if i == 1 {
				fu, mu = f1, mk
			}
			for a, s := range own {
				r0, r1 := f0[a*mj:(a+1)*mj], f1[a*mk:(a+1)*mk]
				if sup {
					p := tr.pos[oi+s]
					d0 := js[p*ns+p0[j] : p*ns+p0[j]+mj]
					for t, v := range r0 {
						d0[t] = v
						if av := math.Abs(v); av > jsMax {
							jsMax = av
						}
					}
					d1 := js[p*ns+p0[k] : p*ns+p0[k]+mk]
					for t, v := range r1 {
						d1[t] = v
						if av := math.Abs(v); av > jsMax {
							jsMax = av
						}
					}
				} else {
					row := tr.du[(oi+s)*T : (oi+s+1)*T]
					for t, c := range tr.supOf[j] {
						row[oj+c] = r0[t]
					}
					for t, c := range tr.supOf[k] {
						row[ok+c] = r1[t]
					}
				}
			}
			// The rows' values, two at a time (two independent sums in
			// flight), each summed in order.
			a := 0
			for ; a+2 <= ni; a += 2 {
				ra, rb := fu[a*mu:(a+1)*mu], fu[(a+1)*mu:(a+2)*mu]
				ra, rb = ra[:len(xu)], rb[:len(xu)]
				va, vb := 0.0, 0.0
				for t, w := range xu {
					va += ra[t] * w
					vb += rb[t] * w
				}
				tr.u[oi+own[a]], tr.u[oi+own[a+1]] = va, vb
			}
			if a < ni {
				ru := fu[a*mu : (a+1)*mu]
				v := 0.0
				for t, w := range xu {
					v += ru[t] * w
				}
				tr.u[oi+own[a]] = v
			}
		}
	}
	if rows&rowsSup != 0 {
		tr.jsMax = jsMax
	}
}

// enteringRow3 computes, at the point loaded with the support's rows, the
// value of strategy s outside the support and its row's support columns
// (what its slack reads) in a 3-player game, summed as contract3 and
// supportJacobian3 sum them on a full load: a landing on s's entry then
// reads one row of the table, not all of them.
func (tr *gnmTracer) enteringRow3(s int) {
	ng, T := tr.ng, tr.T
	i := tr.owner[s]
	a := 0 // s's row in i's table of the strategies outside his support
	for tr.outOf[i][a] != s-ng.off[i] {
		a++
	}
	j, k := first3(i), 3-i-first3(i) // j < k
	mj, mk := len(tr.supOf[j]), len(tr.supOf[k])
	shape, table := tr.subOShape[i], tr.subO[i]
	n0, n1 := shape[0], shape[1]
	at := func(a0, a1, a2 int) float64 { return table[(a2*n1+a1)*n0+a0] }
	// r0 over j's support (summed over k's), r1 over k's (summed over j's),
	// each term in increasing order of the index summed over, zero
	// weights skipped.
	r0, r1 := tr.rc[:mj], tr.rd[:mk]
	clear(r0)
	clear(r1)
	xj, xk := tr.xsup[j], tr.xsup[k]
	for c, wk := range xk {
		for t, wj := range xj {
			var e float64
			switch i {
			case 0:
				e = at(a, t, c)
			case 1:
				e = at(t, a, c)
			default:
				e = at(t, c, a)
			}
			if wk != 0 {
				r0[t] += wk * e
			}
			if wj != 0 {
				r1[c] += wj * e
			}
		}
	}
	row := tr.du[s*T : (s+1)*T]
	for t, c := range tr.supOf[j] {
		row[ng.off[j]+c] = r0[t]
	}
	for t, c := range tr.supOf[k] {
		row[ng.off[k]+c] = r1[t]
	}
	ru, xu := r0, xj
	if i == 1 {
		ru, xu = r1, xk
	}
	v := 0.0
	for t, w := range xu {
		v += ru[t] * w
	}
	tr.u[s] = v
}

// supportValues3 sets sigma from y and computes the values of the
// support's strategies alone in a 3-player game, without their rows of
// the Jacobian (js is left as it was): the residual of a chord iteration
// (see correct). Strategy a's value is the dot product of his row of
// subV with the products of the others' probabilities, a multiply and an
// add per entry where the Jacobian's rows take two of each. The cache no
// longer holds the point's rows.
func (tr *gnmTracer) supportValues3(y []float64) {
	ng := tr.ng
	tr.setSigma(y)
	tr.cached = false
	for q := 0; q < 3; q++ {
		xs := tr.xsup[q][:0]
		for _, c := range tr.supOf[q] {
			xs = append(xs, tr.sigma[ng.off[q]+c])
		}
		tr.xsup[q] = xs
	}
	for i := 0; i < 3; i++ {
		j, k := first3(i), 3-i-first3(i) // j < k
		xj, xk := tr.xsup[j], tr.xsup[k]
		m := len(xj) * len(xk)
		if cap(tr.wv) < m {
			tr.wv = make([]float64, m)
		}
		w := tr.wv[:m]
		at := 0
		for _, wk := range xk {
			ws := w[at : at+len(xj)]
			for t, wj := range xj {
				ws[t] = wj * wk
			}
			at += len(xj)
		}
		table, u := tr.subV[i], tr.u[ng.off[i]:]
		for a, c := range tr.supOf[i] {
			u[c] = dot4(table[a*m:(a+1)*m], w)
		}
	}
}

// dot4 is the dot product of a and b (as long as a) in four running sums.
func dot4(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		a4, b4 := a[i:i+4:i+4], b[i:i+4:i+4]
		s0 += a4[0] * b4[0]
		s1 += a4[1] * b4[1]
		s2 += a4[2] * b4[2]
		s3 += a4[3] * b4[3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// ownMajor3 writes player i's table (restrict3's layout, of the given
// shape) with his own strategy slowest into dst (grown as needed): row a
// holds table(a, t, c) at t + c·m_j for his others j < k.
func ownMajor3(i int, table []float64, shape []int, dst []float64) []float64 {
	n0, n1, n2 := shape[0], shape[1], shape[2]
	size := n0 * n1 * n2
	if cap(dst) < size {
		dst = make([]float64, size)
	}
	dst = dst[:size]
	at := func(a0, a1, a2 int) float64 { return table[(a2*n1+a1)*n0+a0] }
	k := 0
	switch i {
	case 0:
		for a0 := 0; a0 < n0; a0++ {
			for a2 := 0; a2 < n2; a2++ {
				for a1 := 0; a1 < n1; a1++ {
					dst[k] = at(a0, a1, a2)
					k++
				}
			}
		}
	case 1:
		for a1 := 0; a1 < n1; a1++ {
			for a2 := 0; a2 < n2; a2++ {
				for a0 := 0; a0 < n0; a0++ {
					dst[k] = at(a0, a1, a2)
					k++
				}
			}
		}
	default:
		copy(dst, table)
	}
	return dst
}

// first3 is the lower of player i's two others in a 3-player game.
func first3(i int) int {
	if i == 0 {
		return 1
	}
	return 0
}

// contract3 is the contraction of player i's support table (shape) in a
// 3-player game towards both of his others at once, in one pass: with j <
// k the others, f3[0][a*m_j+t] = Σ_c table(a, t, c) x_k(c) and
// f3[1][a*m_k+c] = Σ_t table(a, t, c) x_j(t), where a runs over i's rows.
// Each entry is summed in increasing order of the index summed over,
// skipping zero weights, as contractTable sums it, so the two are the same
// to the bit.
func (tr *gnmTracer) contract3(i int, table []float64, shape []int) {
	n0, n1, n2 := shape[0], shape[1], shape[2]
	x0, x1, x2 := tr.xsup[0], tr.xsup[1], tr.xsup[2] // i's own is not read
	size := len(table)
	if cap(tr.f3[0]) < size {
		tr.f3[0], tr.f3[1] = make([]float64, size), make([]float64, size)
	}
	table = table[:n0*n1*n2]
	switch i {
	case 0: // f0[a0][a1] over a2, f1[a0][a2] over a1
		if noZero(x1) && noZero(x2) {
			f0, f1 := tr.f3[0][:n0*n1], tr.f3[1][:n0*n2]
			clear(f0)
			clear(f1)
			for a2, w2 := range x2 {
				for a1, w1 := range x1 {
					row := table[(a2*n1+a1)*n0 : (a2*n1+a1+1)*n0]
					for a0, e := range row {
						f0[a0*n1+a1] += w2 * e
						f1[a0*n2+a2] += w1 * e
					}
				}
			}
			return
		}
		f0, f1 := tr.f3[0][:n0*n1], tr.f3[1][:n0*n2]
		clear(f0)
		clear(f1)
		for a2, w2 := range x2 {
			for a1, w1 := range x1 {
				row := table[(a2*n1+a1)*n0 : (a2*n1+a1+1)*n0]
				for a0, e := range row {
					if w2 != 0 {
						f0[a0*n1+a1] += w2 * e
					}
					if w1 != 0 {
						f1[a0*n2+a2] += w1 * e
					}
				}
			}
		}
	case 1: // f0[a1][a0] over a2, f1[a1][a2] over a0
		if noZero(x0) && noZero(x2) {
			f0, f1 := tr.f3[0][:n1*n0], tr.f3[1][:n1*n2]
			clear(f0)
			clear(f1)
			x0 := x0[:n0]
			for a2, w2 := range x2 {
				a1 := 0
				// Two rows at a time: two independent sums in flight.
				for ; a1+2 <= n1; a1 += 2 {
					ra := table[(a2*n1+a1)*n0 : (a2*n1+a1+1)*n0]
					rb := table[(a2*n1+a1+1)*n0 : (a2*n1+a1+2)*n0]
					oa := f0[a1*n0 : (a1+1)*n0]
					ob := f0[(a1+1)*n0 : (a1+2)*n0]
					rb, oa, ob = rb[:len(ra)], oa[:len(ra)], ob[:len(ra)]
					x0 := x0[:len(ra)]
					va, vb := f1[a1*n2+a2], f1[(a1+1)*n2+a2]
					for a0, e := range ra {
						eb := rb[a0]
						oa[a0] += w2 * e
						ob[a0] += w2 * eb
						va += x0[a0] * e
						vb += x0[a0] * eb
					}
					f1[a1*n2+a2], f1[(a1+1)*n2+a2] = va, vb
				}
				for ; a1 < n1; a1++ {
					row := table[(a2*n1+a1)*n0 : (a2*n1+a1+1)*n0]
					out0 := f0[a1*n0 : (a1+1)*n0]
					out0 = out0[:len(row)]
					x0 := x0[:len(row)]
					v := f1[a1*n2+a2]
					for a0, e := range row {
						out0[a0] += w2 * e
						v += x0[a0] * e
					}
					f1[a1*n2+a2] = v
				}
			}
			return
		}
		f0, f1 := tr.f3[0][:n1*n0], tr.f3[1][:n1*n2]
		clear(f0)
		clear(f1)
		for a2, w2 := range x2 {
			for a1 := 0; a1 < n1; a1++ {
				row := table[(a2*n1+a1)*n0 : (a2*n1+a1+1)*n0]
				out0 := f0[a1*n0 : (a1+1)*n0]
				v := f1[a1*n2+a2]
				for a0, e := range row {
					if w2 != 0 {
						out0[a0] += w2 * e
					}
					if w0 := x0[a0]; w0 != 0 {
						v += w0 * e
					}
				}
				f1[a1*n2+a2] = v
			}
		}
	case 2: // f0[a2][a0] over a1, f1[a2][a1] over a0
		if noZero(x0) && noZero(x1) {
			f0, f1 := tr.f3[0][:n2*n0], tr.f3[1][:n2*n1]
			clear(f0)
			clear(f1)
			x0 := x0[:n0]
			for a2 := 0; a2 < n2; a2++ {
				out0 := f0[a2*n0 : (a2+1)*n0]
				a1 := 0
				// Two rows at a time: two independent sums in flight, and
				// each entry of out0 adds row a1's term, then row a1+1's.
				for ; a1+2 <= n1; a1 += 2 {
					wa, wb := x1[a1], x1[a1+1]
					ra := table[(a2*n1+a1)*n0 : (a2*n1+a1+1)*n0]
					rb := table[(a2*n1+a1+1)*n0 : (a2*n1+a1+2)*n0]
					rb = rb[:len(ra)]
					out0 := out0[:len(ra)]
					x0 := x0[:len(ra)]
					va, vb := f1[a2*n1+a1], f1[a2*n1+a1+1]
					for a0, e := range ra {
						eb := rb[a0]
						out0[a0] = out0[a0] + wa*e + wb*eb
						va += x0[a0] * e
						vb += x0[a0] * eb
					}
					f1[a2*n1+a1], f1[a2*n1+a1+1] = va, vb
				}
				for ; a1 < n1; a1++ {
					w1 := x1[a1]
					row := table[(a2*n1+a1)*n0 : (a2*n1+a1+1)*n0]
					out0 := out0[:len(row)]
					x0 := x0[:len(row)]
					v := f1[a2*n1+a1]
					for a0, e := range row {
						out0[a0] += w1 * e
						v += x0[a0] * e
					}
					f1[a2*n1+a1] = v
				}
			}
			return
		}
		f0, f1 := tr.f3[0][:n2*n0], tr.f3[1][:n2*n1]
		clear(f0)
		clear(f1)
		for a2 := 0; a2 < n2; a2++ {
			out0 := f0[a2*n0 : (a2+1)*n0]
			for a1, w1 := range x1 {
				row := table[(a2*n1+a1)*n0 : (a2*n1+a1+1)*n0]
				v := f1[a2*n1+a1]
				for a0, e := range row {
					if w1 != 0 {
						out0[a0] += w1 * e
					}
					if w0 := x0[a0]; w0 != 0 {
						v += w0 * e
					}
				}
				f1[a2*n1+a1] = v
			}
		}
	}
}

// noZero reports whether no weight in x is zero (contract3 then skips
// none, and needs no test per entry).
func noZero(x []float64) bool {
	for _, v := range x {
		if v == 0 {
			return false
		}
	}
	return true
}

// supTables builds, for each player i, his payoff table restricted to the
// other players' supports, with all of i's strategies (sub) and with his
// support's only (subS), lower players varying fastest, as normGame's
// tables are; and the support positions pos, with js's diagonal blocks
// cleared.
func (tr *gnmTracer) supTables() {
	ng := tr.ng
	n := ng.n
	ng.prepare()
	if tr.sub == nil {
		tr.sub, tr.subS, tr.subO = make([][]float64, n), make([][]float64, n), make([][]float64, n)
		tr.subV, tr.subOV = make([][]float64, n), make([][]float64, n)
		tr.subShape, tr.subSShape, tr.subOShape = make([][]int, n), make([][]int, n), make([][]int, n)
		tr.supOf, tr.outOf = make([][]int, n), make([][]int, n)
		tr.xsup = make([][]float64, n)
		for i := range tr.subShape {
			tr.subShape[i], tr.subSShape[i], tr.subOShape[i] = make([]int, n), make([]int, n), make([]int, n)
		}
		tr.pos = make([]int, tr.T)
		tr.stride, tr.idx = make([]int, n), make([]int, n)
		st := 1
		for q := 0; q < n; q++ {
			tr.stride[q] = st
			st *= ng.shape[q]
		}
	}
	for q := 0; q < n; q++ {
		tr.supOf[q], tr.outOf[q] = tr.supOf[q][:0], tr.outOf[q][:0]
	}
	for i := range tr.pos {
		tr.pos[i] = -1
	}
	for k, s := range tr.sup {
		q := tr.owner[s]
		tr.supOf[q] = append(tr.supOf[q], s-ng.off[q])
		tr.pos[s] = k
	}
	for s, in := range tr.in {
		if !in {
			q := tr.owner[s]
			tr.outOf[q] = append(tr.outOf[q], s-ng.off[q])
		}
	}
	ns := len(tr.sup)
	clear(tr.js[:ns*ns])
	for i := 0; i < n; i++ {
		if n == 3 {
			tr.subS[i] = tr.restrict3(i, tr.supOf[i], tr.subS[i], tr.subSShape[i])
			tr.subO[i] = tr.restrict3(i, tr.outOf[i], tr.subO[i], tr.subOShape[i])
			tr.subV[i] = ownMajor3(i, tr.subS[i], tr.subSShape[i], tr.subV[i])
			tr.subOV[i] = ownMajor3(i, tr.subO[i], tr.subOShape[i], tr.subOV[i])
			continue
		}
		tr.sub[i] = tr.restrictTable(i, tr.sub[i], tr.subShape[i])
		tr.subS[i] = tr.restrictOwn(i, tr.supOf[i], tr.subS[i], tr.subSShape[i])
	}
	tr.tabVer = tr.supVer
}

// restrict3 writes player i's payoff table in a 3-player game restricted
// to his strategies own and the others' supports into dst (grown as
// needed), player 0's index varying fastest, and its shape into shape.
func (tr *gnmTracer) restrict3(i int, own []int, dst []float64, shape []int) []float64 {
	ng := tr.ng
	var list [3][]int
	for q := range list {
		if list[q] = tr.supOf[q]; q == i {
			list[q] = own
		}
		shape[q] = len(list[q])
	}
	size := shape[0] * shape[1] * shape[2]
	if cap(dst) < size {
		dst = make([]float64, size)
	}
	dst = dst[:size]
	table := ng.byPlayer[i]
	st1, st2 := tr.stride[1], tr.stride[2]
	k := 0
	for _, c2 := range list[2] {
		for _, c1 := range list[1] {
			row := table[c2*st2+c1*st1:]
			out := dst[k : k+len(list[0])]
			for a, c0 := range list[0] {
				out[a] = row[c0]
			}
			k += len(out)
		}
	}
	return dst
}

// restrictTable writes player i's payoff table restricted to the other
// players' supports into dst (grown as needed) and its shape into shape.
func (tr *gnmTracer) restrictTable(i int, dst []float64, shape []int) []float64 {
	ng := tr.ng
	n := ng.n
	stride, idx := tr.stride, tr.idx
	size := 1
	for q := 0; q < n; q++ {
		if q == i {
			shape[q] = ng.shape[q]
		} else {
			shape[q] = len(tr.supOf[q])
		}
		size *= shape[q]
	}
	if cap(dst) < size {
		dst = make([]float64, size)
	}
	sub := dst[:size]
	table := ng.byPlayer[i]
	// An odometer over the restricted profiles, lower players fastest,
	// keeping the full table's index src up to date as each digit moves
	// (a support change rebuilds these tables).
	full := func(q, c int) int {
		if q == i {
			return c
		}
		return tr.supOf[q][c]
	}
	src := 0
	for q := range idx {
		idx[q] = 0
		src += full(q, 0) * stride[q]
	}
	for k := 0; k < size; k++ {
		sub[k] = table[src]
		for q := 0; q < n; q++ {
			old := full(q, idx[q])
			if idx[q]++; idx[q] < shape[q] {
				src += (full(q, idx[q]) - old) * stride[q]
				break
			}
			idx[q] = 0
			src += (full(q, 0) - old) * stride[q]
		}
	}
	if len(tr.bufA) < size {
		tr.bufA = make([]float64, size)
		tr.bufB = make([]float64, size)
	}
	return sub
}

// restrictOwn writes player i's table sub[i] restricted to his own
// strategies own too into dst (grown as needed) and its shape into shape:
// runs of the lower players' profiles copied whole.
func (tr *gnmTracer) restrictOwn(i int, own []int, dst []float64, shape []int) []float64 {
	copy(shape, tr.subShape[i])
	shape[i] = len(own)
	inner := 1
	for q := 0; q < i; q++ {
		inner *= shape[q]
	}
	src, ni := tr.sub[i], tr.subShape[i][i]
	outer := len(src) / (inner * ni)
	size := outer * len(own) * inner
	if cap(dst) < size {
		dst = make([]float64, size)
	}
	dst = dst[:size]
	k := 0
	for b := 0; b < outer; b++ {
		for _, c := range own {
			at := (b*ni + c) * inner
			k += copy(dst[k:k+inner], src[at:at+inner])
		}
	}
	return dst
}

// contractSub is normGame.contract on a support table of the given shape
// (the support's probabilities in xsup).
func (tr *gnmTracer) contractSub(table []float64, shape []int, keep1, keep2 int) []float64 {
	return contractTable(table, shape, tr.xsup, keep1, keep2, tr.bufA, tr.bufB)
}

// system writes the residual h (d−1) and, when a != nil, the Jacobian
// rows into a (row-major, d columns) at the loaded point y.
func (tr *gnmTracer) system(y, h, a []float64) {
	ns, d := len(tr.sup), tr.dim()
	lam := y[ns+tr.n]
	for k, s := range tr.sup {
		n := tr.owner[s]
		h[k] = tr.u[s] + lam*tr.pert[s] - y[ns+n]
	}
	for n := 0; n < tr.n; n++ {
		h[ns+n] = -1
	}
	for k, s := range tr.sup {
		h[ns+tr.owner[s]] += y[k]
	}
	if a == nil {
		return
	}
	for i := range a[:(d-1)*d] {
		a[i] = 0
	}
	for k, s := range tr.sup {
		n := tr.owner[s]
		row := a[k*d : (k+1)*d]
		copy(row[:ns], tr.js[k*ns:(k+1)*ns])
		row[ns+n] = -1
		row[ns+tr.n] = tr.pert[s]
		a[(ns+n)*d+k] = 1
	}
}

// slack is w_n − (u_j + λ g_j) for a strategy j outside the support: how
// far j is from being a best reply in the perturbed game.
func (tr *gnmTracer) slack(y []float64, j int) float64 {
	ns := len(tr.sup)
	return y[ns+tr.owner[j]] - tr.u[j] - y[ns+tr.n]*tr.pert[j]
}

// slackGrad writes the gradient of slack j in y's coordinates.
func (tr *gnmTracer) slackGrad(j int, grad []float64) {
	ns, n := len(tr.sup), tr.owner[j]
	for k, s := range tr.sup {
		if tr.owner[s] != n {
			grad[k] = -tr.du[j*tr.T+s]
		} else {
			grad[k] = 0
		}
	}
	for m := 0; m < tr.n; m++ {
		grad[ns+m] = 0
	}
	grad[ns+n] = 1
	grad[ns+tr.n] = -tr.pert[j]
}

// constraint is the value of event e's function at the loaded point y
// and, when grad != nil, its gradient.
func (tr *gnmTracer) constraint(e gnmEvent, y, grad []float64) float64 {
	d := tr.dim()
	switch e.kind {
	case evLeave:
		k := tr.supIndex(e.strat)
		if grad != nil {
			for i := range grad[:d] {
				grad[i] = 0
			}
			grad[k] = 1
		}
		return y[k]
	case evEnter:
		if grad != nil {
			tr.slackGrad(e.strat, grad)
		}
		return tr.slack(y, e.strat)
	default:
		if grad != nil {
			for i := range grad[:d] {
				grad[i] = 0
			}
			grad[tr.lamIx()] = 1
		}
		return y[tr.lamIx()]
	}
}

func (tr *gnmTracer) supIndex(s int) int {
	for k, v := range tr.sup {
		if v == s {
			return k
		}
	}
	return -1
}

// linearCell reports whether the equations are affine in y on this
// support: when at most one player mixes, or with two players.
func (tr *gnmTracer) linearCell() bool {
	if tr.n <= 2 {
		return true
	}
	mixing := 0
	cnt := tr.cnt
	clear(cnt)
	for _, s := range tr.sup {
		if cnt[tr.owner[s]]++; cnt[tr.owner[s]] == 2 {
			mixing++
		}
	}
	return mixing <= 1
}

// tangent computes the unit null vector t of the Jacobian A at the loaded
// point y (Householder QR of the transpose of its reduced form, see
// tangentReduced) and the sign of det[A; tᵀ].
// Along a path traversed in one direction that sign never changes within
// a cell, so a step that flips it has jumped to another branch. ok is
// false when the Jacobian has lost rank.
func (tr *gnmTracer) tangent(y, t []float64) (sign float64, ok bool) {
	return tr.tangentReduced(t)
}

// qrNull computes the unit null vector t (length d) of the m×d matrix
// whose rows are at's first m rows (stride d; overwritten) by Householder
// QR of its transpose, and the sign of det[A; tᵀ]. ok is false when a
// column falls below 1e-13 times scale (the rank is lost). betas holds m
// scratch values.
func qrNull(at []float64, m, d int, scale float64, betas, t []float64) (sign float64, ok bool) {
	// det[A; tᵀ] = det(R)·det(Q)⁻¹ with t = Q e_d, and Q is a product of
	// m reflections.
	sign = 1
	if m%2 == 1 {
		sign = -1
	}
	betas = betas[:m]
	for c := 0; c < m; c++ {
		col := at[c*d : (c+1)*d]
		nrm := 0.0
		for r := c; r < d; r++ {
			nrm += col[r] * col[r]
		}
		nrm = math.Sqrt(nrm)
		if nrm <= 1e-13*scale {
			return 0, false
		}
		alpha := -nrm
		if col[c] < 0 {
			alpha = nrm
		} else {
			sign = -sign
		}
		// v = col[c:] − alpha e_c, stored in place; beta = 2/(vᵀv).
		col[c] -= alpha
		vv := 0.0
		for r := c; r < d; r++ {
			vv += col[r] * col[r]
		}
		beta := 2 / vv
		betas[c] = beta
		for c2 := c + 1; c2 < m; c2++ {
			col2 := at[c2*d : (c2+1)*d]
			s := 0.0
			for r := c; r < d; r++ {
				s += col[r] * col2[r]
			}
			s *= beta
			for r := c; r < d; r++ {
				col2[r] -= s * col[r]
			}
		}
	}
	// t = H_0 H_1 … H_{m−1} e_{d−1}.
	for i := range t[:d] {
		t[i] = 0
	}
	t[d-1] = 1
	for c := m - 1; c >= 0; c-- {
		col := at[c*d : (c+1)*d]
		s := 0.0
		for r := c; r < d; r++ {
			s += col[r] * t[r]
		}
		s *= betas[c]
		for r := c; r < d; r++ {
			t[r] -= s * col[r]
		}
	}
	nrm := 0.0
	for _, v := range t[:d] {
		nrm += v * v
	}
	nrm = math.Sqrt(nrm)
	for i := range t[:d] {
		t[i] /= nrm
	}
	return sign, true
}

// orientLike turns t (with orientation sign) to point along ref, and
// returns its sign then.
func orientLike(t, ref []float64, sign float64) float64 {
	if dot(t, ref) < 0 {
		scale(-1, t)
		return -sign
	}
	return sign
}

// correct runs Newton's method from y on the path equations plus one
// more: the arc-length condition τ·(y − yp) = 0 (e.kind == evNone, with
// yp = y on entry) or event e's equation. It reports the iterations used
// and whether it converged; it fails when the first correction is longer
// than maxFirst (a predictor that left the curve's neighbourhood, from
// where Newton may reach another branch of the cell's solution set).
//
// With t != nil each iteration that factors the Jacobian (after the
// first on an ordinary step, with other than three players; every one
// with three, see the chord iterations below) also solves for the
// tangent with the same LU, [A; cᵀ] t = e_d with c the last row (τ, or
// the event's gradient), turned to point along τ: t is then the unit
// tangent at the last point where the Jacobian was taken, which the
// following corrections moved off by far less than the step, tr.tanOK is
// set and tr.tanSign is the sign of det[A; tᵀ]: the tangent costs no
// Jacobian and no LU of its own, where tangentLU at the point returned
// cost one of each. With three players that point is the predictor's, a
// first correction (1e-5 to 1e-3 on a 10×10×10 path) off the curve: the
// tangent is off by about that times the curvature, which moves the next
// predictor by far less than its own error, and run takes the exact one
// where a step from it is refused.
func (tr *gnmTracer) correct(y, tau []float64, e gnmEvent, maxFirst float64, t []float64) (float64, bool) {
	d := tr.dim()
	m := d - 1
	yp := tr.q[:d]
	copy(yp, y)
	prev, first := math.Inf(1), 0.0
	tr.tanOK = false
	tol := 1e-14
	if e.kind == evNone || e.kind != evLambda && !tr.linearCell() {
		tol = gnmStepTol
	}
	// In a 3-player game the iterations after the first are chord
	// iterations: the Jacobian and the LU of the first (at the predictor)
	// with the residual at the current point, which takes the values of
	// the support's strategies alone (supportValues3), not their
	// Jacobian, and no factorisation. Near the curve the chord converges
	// about as fast as Newton's method: its rate is the first
	// correction's length times the curve's curvature, 1e-3 to 1e-4 on a
	// 10×10×10 path. A chord iteration that contracts by less than
	// gnmChordRate makes the next iteration a full one. The tangent is
	// the full iterations' last: at the predictor point or closer.
	chordOK := tr.n == 3 && t != nil
	full := true
	for it := 1; it <= 12; it++ {
		switch {
		case !full:
			tr.supportValues3(y)
			if e.kind == evEnter {
				tr.enteringRow3(e.strat)
			}
		case e.kind == evEnter:
			// The entering strategy's slack reads its row.
			if tr.n == 3 {
				tr.loadSupport(y)
				tr.enteringRow3(e.strat)
			} else {
				tr.load(y, true)
			}
		default:
			tr.loadSupport(y)
		}
		bA, b := tr.b[:m], tr.rx[:d]
		tr.system(y, bA, nil)
		for i := range bA {
			bA[i] = -bA[i]
		}
		last, bl := tau[:d], 0.0
		if e.kind == evNone {
			for i := 0; i < d; i++ {
				bl -= tau[i] * (y[i] - yp[i])
			}
		} else {
			last = tr.rg[:d]
			if full {
				bl = -tr.constraint(e, y, last)
			} else {
				bl = -tr.constraint(e, y, nil) // the gradient of the first
			}
		}
		if full {
			// (On an ordinary step without chord iterations the first
			// iteration seldom ends the loop; a landing's may, in a linear
			// cell.)
			withT := t != nil && (chordOK || it > 1 || e.kind != evNone)
			var sign float64
			var ok bool
			if withT {
				sign, ok = tr.solveReducedTangent(bA, last, bl, b, t)
			} else {
				_, ok = tr.solveReduced(bA, last, bl, b)
			}
			if !ok {
				return first, false
			}
			if withT && dot(t[:d], tau[:d]) < 0 {
				// An event's row in place of τ: t solves [A; gᵀ] t = e_d, so
				// g·t > 0 and det[A; tᵀ] has the sign of det[A; gᵀ] (g is t's
				// multiple plus a vector of A's row space); turned to point
				// along τ, the sign turns too.
				scale(-1, t[:d])
				sign = -sign
			}
			tr.tanOK, tr.tanSign = withT, sign
		} else {
			tr.chordSolve(bA, last, bl, b)
		}
		wasFull := full
		full = !chordOK
		nrm, size := 0.0, 1.0
		for i := 0; i < d; i++ {
			y[i] += b[i]
			nrm = max(nrm, math.Abs(b[i]))
			size = max(size, math.Abs(y[i]))
		}
		if it == 1 {
			first = nrm
		}
		if nrm <= 1e-13*size {
			return first, true
		}
		if it == 1 && nrm > maxFirst {
			return first, false
		}
		if it > 1 && nrm > 0.5*prev {
			// Not contracting; accept only rounding noise.
			return first, nrm <= 1e-10*size
		}
		if !wasFull {
			// A chord iteration contracts linearly, by about nrm/prev
			// each time: the next correction is predicted at nrm²/prev.
			if nrm*nrm <= tol*size*prev {
				return first, true
			}
			full = nrm > gnmChordRate*prev
			prev = nrm
			continue
		}
		if it > 1 && nrm*nrm*nrm <= tol*size*prev*prev {
			// Newton converges quadratically here, so the next correction
			// would be about nrm·(nrm/prev²)·nrm, below tol: stop without
			// the Jacobian that would confirm it. On the events
			// (equilibria and changes of support) tol is 1e-14: each is
			// then within about 1e-14 of where a further iteration would
			// put it, far inside the 1e-12 the reference tests and the
			// certificate allow, for a sixth less work on a path. An
			// ordinary step's end is only where the next step starts and
			// where the events' values are read, so it needs to be on
			// the curve well within their tolerance, gnmFeasTol:
			// gnmStepTol is a tenth of it.
			return first, true
		}
		prev = nrm
	}
	return first, false
}

// gnmChordRate is the slowest contraction the corrector's chord
// iterations are left to go on at (see correct).
const gnmChordRate = 0.1

// events fills vals and slopes with every event function's value at the
// loaded point y and its derivative along t: index j < T is strategy j's
// (its probability when it is in the support, its slack otherwise), index
// T is λ.
func (tr *gnmTracer) events(y, t, vals, slopes []float64) {
	ns, d, T := len(tr.sup), tr.dim(), tr.T
	for k, s := range tr.sup {
		vals[s], slopes[s] = y[k], t[k]
	}
	lam, dl := y[ns+tr.n], t[ns+tr.n]
	for j := 0; j < T; j++ {
		if tr.in[j] {
			continue
		}
		n := tr.owner[j]
		row := tr.du[j*T : (j+1)*T]
		sl := t[ns+n] - tr.pert[j]*dl
		for k, s := range tr.sup {
			if tr.owner[s] != n {
				sl -= row[s] * t[k]
			}
		}
		vals[j] = y[ns+n] - tr.u[j] - lam*tr.pert[j]
		slopes[j] = sl
	}
	_ = d
	vals[T], slopes[T] = lam, dl
}

// eventsAt is events at y (on the current support) along t, with the
// rows they read computed first: for three players straight from each
// player's table of his strategies outside the support (subOV), two dot
// products per strategy, its value and its derivative along t; else by
// loadOutside.
func (tr *gnmTracer) eventsAt(y, t, vals, slopes []float64) {
	if tr.n != 3 {
		tr.loadOutside(y)
		tr.events(y, t, vals, slopes)
		return
	}
	if tr.tabVer != tr.supVer || tr.sub == nil {
		tr.supTables()
	}
	ng, T := tr.ng, tr.T
	ns := len(tr.sup)
	for k, s := range tr.sup {
		vals[s], slopes[s] = y[k], t[k]
	}
	lam, dl := y[ns+3], t[ns+3]
	// Player q's support probabilities are y's positions p0[q] on, in
	// order (the support is sorted, his strategies consecutive).
	var p0 [4]int
	for q := 0; q < 3; q++ {
		p0[q+1] = p0[q] + len(tr.supOf[q])
	}
	for i := 0; i < 3; i++ {
		own := tr.outOf[i]
		if len(own) == 0 {
			continue
		}
		j, k := first3(i), 3-i-first3(i) // j < k
		xj, xk := y[p0[j]:p0[j+1]], y[p0[k]:p0[k+1]]
		tj, tk := t[p0[j]:p0[j+1]], t[p0[k]:p0[k+1]]
		m := len(xj) * len(xk)
		if cap(tr.wv) < 2*m {
			tr.wv = make([]float64, 2*m)
		}
		w, wt := tr.wv[:m], tr.wv[m:2*m]
		at := 0
		for c, wk := range xk {
			dk := tk[c]
			ws, wts := w[at:at+len(xj)], wt[at:at+len(xj)]
			for a, wj := range xj {
				ws[a] = wj * wk
				wts[a] = tj[a]*wk + wj*dk
			}
			at += len(xj)
		}
		table := tr.subOV[i]
		o := ng.off[i]
		wi, ti := y[ns+i], t[ns+i]
		for a, s := range own {
			u, du := dot4x2(table[a*m:(a+1)*m], w, wt)
			js := o + s
			vals[js] = wi - u - lam*tr.pert[js]
			slopes[js] = ti - tr.pert[js]*dl - du
		}
	}
	vals[T], slopes[T] = lam, dl
}

// dot4x2 is dot4(a, b) and dot4(a, c) in one pass.
func dot4x2(a, b, c []float64) (float64, float64) {
	b, c = b[:len(a)], c[:len(a)]
	var s0, s1, s2, s3, r0, r1, r2, r3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		a4, b4, c4 := a[i:i+4:i+4], b[i:i+4:i+4], c[i:i+4:i+4]
		s0 += a4[0] * b4[0]
		s1 += a4[1] * b4[1]
		s2 += a4[2] * b4[2]
		s3 += a4[3] * b4[3]
		r0 += a4[0] * c4[0]
		r1 += a4[1] * c4[1]
		r2 += a4[2] * c4[2]
		r3 += a4[3] * c4[3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
		r0 += a[i] * c[i]
	}
	return (s0 + s1) + (s2 + s3), (r0 + r1) + (r2 + r3)
}

// eventOf names the event of function j (see events).
func (tr *gnmTracer) eventOf(j int) gnmEvent {
	switch {
	case j == tr.T:
		return gnmEvent{evLambda, -1}
	case tr.in[j]:
		return gnmEvent{evLeave, j}
	}
	return gnmEvent{evEnter, j}
}

// fnIndex is the index in events' arrays of event e's function.
func (tr *gnmTracer) fnIndex(e gnmEvent) int {
	if e.kind == evLambda {
		return tr.T
	}
	return e.strat
}

// firstEvent finds the nearest event along the straight line from the
// point whose event values and slopes are given (exact in a linear cell).
func (tr *gnmTracer) firstEvent(vals, slopes []float64) (float64, gnmEvent) {
	best, at := math.Inf(1), -1
	for j := 0; j < tr.T; j++ {
		if slopes[j] < 0 {
			if t := max(-vals[j]/slopes[j], 0); t < best {
				best, at = t, j
			}
		}
	}
	if lam, dl := vals[tr.T], slopes[tr.T]; lam*dl < 0 {
		if t := -lam / dl; t < best {
			best, at = t, tr.T
		}
	}
	if at < 0 {
		return best, gnmEvent{}
	}
	return best, tr.eventOf(at)
}

// gnmMinCos is the smallest cosine between the tangents at the two ends
// of a step in a curved cell, a turn of about 11.5°: a step that turns
// more may have jumped to another branch of the cell's solution set, and
// is taken again shorter. (It was 0.99, about 8°, then 0.95, about 18°,
// then 0.9, about 26°. At 0.95 and 0.9 the path of a 4×3×4×2 game with
// continuous payoffs crossed λ = 0 an even number of times, 24: it had
// jumped between branches and lost the 25th equilibrium that 0.98 and
// 0.99 find. The draw is kept in testdata/rapid/TestGNMOddCrossings. 0.98
// costs about a quarter more than 0.9 on the 10×10×10 paths, which give
// the same equilibria either way.)
const gnmMinCos = 0.98

// gnmMaxTurn is that turn in radians, and gnmTurnAim the share of it the
// step-size control aims at.
var gnmMaxTurn = math.Acos(gnmMinCos)

const gnmTurnAim = 0.7

// turnAngle is the angle between unit vectors a and b.
func turnAngle(a, b []float64) float64 {
	return math.Acos(math.Min(1, dot(a, b)))
}

// A landing of length gnmMidLen or more in a curved cell is checked at
// its midpoint: the cubic (Hermite) through its ends and their tangents
// is, halfway, within gnmMidTol of its length from the curve (by the first
// Newton correction there) when both ends are on the same branch of the
// cell's solution set. The landing's own checks (its first correction,
// the turn, the orientation, feasibility) read its ends only, and a long
// landing into a cell whose curvature no step has measured yet can end
// on another branch, from where the path goes round a loop: a 4×3×4×3
// game's path did, at λ = 0.152 with no equilibrium found (its jumped
// landing, 1.47 long, is 0.20 of its length off the curve halfway). On
// the 10×10×10 path of vector 3 the 429 landings this long are at most
// 0.0044 off, all 5,467 at most 0.011; a landing refused so is taken
// again shorter.
const (
	gnmMidLen = 0.1
	gnmMidTol = 0.05
)

// midpointOff is how far, relative to the step's length, the midpoint of
// the cubic through y0 and y1 with unit tangents t0 and t1 is from the
// curve: the first Newton correction there, with the step's direction as
// the last row (+Inf when the system is singular there).
func (tr *gnmTracer) midpointOff(y0, t0, y1, t1 []float64) float64 {
	d := tr.dim()
	H := 0.0
	for i := 0; i < d; i++ {
		H += (y1[i] - y0[i]) * (y1[i] - y0[i])
	}
	if H = math.Sqrt(H); H == 0 {
		return 0
	}
	m, c, x := tr.mid[:d], tr.midC[:d], tr.midX[:d]
	for i := 0; i < d; i++ {
		// The Hermite basis at u = 1/2: (y0 + y1)/2 + H/8 · (t0 − t1).
		m[i] = (y0[i]+y1[i])/2 + H/8*(t0[i]-t1[i])
		c[i] = (y1[i] - y0[i]) / H
	}
	tr.loadSupport(m)
	bA := tr.b[:d-1]
	tr.system(m, bA, nil)
	for i := range bA {
		bA[i] = -bA[i]
	}
	if _, ok := tr.solveReduced(bA, c, 0, x); !ok {
		return math.Inf(1)
	}
	nrm := 0.0
	for _, v := range x {
		nrm = max(nrm, math.Abs(v))
	}
	return nrm / H
}

// gnmFeasTol is how far an event function may be on the wrong side of
// zero, by rounding, at a point taken as inside the cell.
const gnmFeasTol = 1e-11

// gnmStepTol is how far from the curve, relative to the point's size,
// Newton's method may leave an ordinary step's end (by the predicted next
// correction): a tenth of gnmFeasTol, so that the events read there are
// as good as on the curve. (It was 1e-14, the events' own; at 1e-12 the
// third iteration of most steps is not needed: 11% fewer iterations on
// the 10×10×10 paths, the same equilibria within 3e-14.) A change of
// support in a curved cell is landed on to the same tolerance: the next
// cell's steps correct its point as they correct an ordinary step's.
// Equilibria (λ = 0) and the changes of support of linear cells, which
// the path jumps between without a corrector of its own, are landed on to
// 1e-14.
const gnmStepTol = 1e-12

// violated returns the most violated event function (probability or
// slack below zero) among vals, ignoring function skip, or −1.
func (tr *gnmTracer) violated(vals []float64, skip int) int {
	worst, at := -gnmFeasTol, -1
	for j := 0; j < tr.T; j++ {
		if j != skip && vals[j] < worst {
			worst, at = vals[j], j
		}
	}
	return at
}

// firstCrossed returns the event function that the step from values v0
// to v1 crossed first, by linear interpolation, and the fraction of the
// step where it did, or −1. Both a change of support and λ = 0 can fall in
// one step; taking the support change first would skip the equilibrium.
func (tr *gnmTracer) firstCrossed(v0, v1 []float64) (int, float64) {
	at, best := -1, math.Inf(1)
	for j := 0; j < tr.T; j++ {
		if v1[j] < -gnmFeasTol {
			if f := v0[j] / (v0[j] - v1[j]); f < best {
				at, best = j, f
			}
		}
	}
	if T := tr.T; v0[T]*v1[T] < 0 && !tr.lambdaNoise(v0[T], v1[T]) {
		if f := v0[T] / (v0[T] - v1[T]); f < best {
			at, best = T, f
		}
	}
	return at, best
}

// lambdaNoise reports whether a step whose λ went from l0 to l1 stayed
// within rounding of λ = 0 (the tolerance cross takes a change of support
// at as being at λ = 0): in a degenerate game the path can run along a
// segment of equilibria at λ = 0, and the signs of λ there are rounding
// noise, not crossings.
func (tr *gnmTracer) lambdaNoise(l0, l1 float64) bool {
	tol := 1e-12 * tr.lam0
	return math.Abs(l0) <= tol && math.Abs(l1) <= tol
}

// dipsBelow reports whether a function with values c0, c1 at the ends of
// a step of length h and slopes d0, d1 there, positive at both ends, dips
// below zero in between by its cubic (Hermite) interpolant: a pair of
// crossings that the step would otherwise skip.
func dipsBelow(c0, c1, d0, d1, h float64) bool {
	if c0 <= 0 || c1 <= 0 || d0 >= 0 || d1 <= 0 {
		return false
	}
	m0, m1 := d0*h, d1*h
	for i := 1; i < 16; i++ {
		s := float64(i) / 16
		s2, s3 := s*s, s*s*s
		p := (2*s3-3*s2+1)*c0 + (s3-2*s2+s)*m0 + (-2*s3+3*s2)*c1 + (s3-s2)*m1
		if p < 0 {
			return true
		}
	}
	return false
}

// run follows the path for the current perturbation, calling onEq at
// each equilibrium. why is empty when the path ended as the theory says
// it must; cut is true when it was stopped at lambdaEnd (a negative
// multiple of the starting λ) before that.
func (tr *gnmTracer) run(ctx context.Context, lambdaEnd float64, onEq func([]float64)) (why string, cut bool) {
	ng, T, n := tr.ng, tr.T, tr.n
	// The start: each player's strategy with the largest bonus, at a λ
	// where it is a strict best reply to the others' (Gambit's λ0: the
	// smallest such λ, plus one).
	tr.found = 0
	tr.seen = map[uint64]bool{}
	sigma0 := tr.startProfile()
	for i := range tr.in {
		tr.in[i] = sigma0[i] == 1
	}
	tr.sup = tr.sup[:0]
	tr.supVer++
	tr.cached = false
	for i, in := range tr.in {
		if in {
			tr.sup = append(tr.sup, i)
		}
	}
	ng.values(sigma0, tr.u, nil)
	tr.cached = false
	need := 0.0
	for j := 0; j < T; j++ {
		if tr.in[j] {
			continue
		}
		b := tr.sup[tr.owner[j]]
		need = math.Max(need, (tr.u[j]-tr.u[b])/(tr.pert[b]-tr.pert[j]))
	}
	tr.lam0 = need + 1
	tr.muEnd = tr.dominanceBound()
	stop := -tr.muEnd * (1 + 1e-9)
	userStop := lambdaEnd * tr.lam0
	if math.IsInf(tr.muEnd, 1) && math.IsInf(lambdaEnd, -1) {
		userStop = GNMDefaultLambdaEnd * tr.lam0 // ties among the smallest bonuses: no dominance bound
	}
	tr.traceEnd = userStop
	if tr.trace != nil {
		tr.trace("pert", splitFlat(tr.raw, ng.shape))
		tr.trace("start", splitFlat(sigma0, ng.shape))
	}

	D := T + n + 1
	y := make([]float64, D)
	tau := make([]float64, D)
	y1 := make([]float64, D)
	t1 := make([]float64, D)
	v0, s0 := make([]float64, T+1), make([]float64, T+1)
	v1, s1 := make([]float64, T+1), make([]float64, T+1)
	ns := n
	for k := range tr.sup {
		y[k] = 1
	}
	for p := 0; p < n; p++ {
		b := tr.sup[p]
		y[ns+p] = tr.u[b] + tr.lam0*tr.pert[b]
		tau[ns+p] = -tr.pert[b]
	}
	y[ns+n] = tr.lam0
	tau[ns+n] = -1
	normalize(tau[:tr.dim()])
	tr.load(y, true)
	if sg, ok := tr.tangent(y, t1); ok {
		tr.orient = orientLike(t1[:tr.dim()], tau[:tr.dim()], sg)
	} else {
		return "the path's Jacobian is singular at its start", false
	}
	lost := func(what string) string {
		return fmt.Sprintf("%s at lambda %.6g (%s found on the path)", what, y[tr.lamIx()]/tr.lam0, plural(tr.found, "equilibrium", "equilibria"))
	}

	// land tries to end a step on event e from the predictor y + t·τ: the
	// point must be in the cell and ahead, and the path must be crossing
	// the event there (its function falling through zero), not coming
	// back from a pair of crossings the step skipped. On success y1 is the
	// point.
	land := func(e gnmEvent, t float64) bool {
		d := tr.dim()
		copy(y1[:d], y[:d])
		axpy(t, tau[:d], y1[:d])
		if _, ok := tr.correct(y1, tau, e, 0.1*t+1e-9, t1); !ok {
			return false
		}
		sg, ok := tr.tanSign, tr.tanOK
		if !ok {
			tr.load(y1, true)
			sg, ok = tr.tangentLU(y1, tau, t1)
		}
		if !ok || sg != tr.orient {
			return false
		}
		if !tr.linearCell() && dot(t1[:d], tau[:d]) < gnmMinCos {
			return false
		}
		tr.eventsAt(y1, t1, v1, s1)
		f := tr.fnIndex(e)
		if tr.violated(v1, f) >= 0 || dotN(tau, y1, y, d) < -1e-12 {
			return false
		}
		if t >= gnmMidLen && !tr.linearCell() && tr.midpointOff(y, tau, y1, t1) > gnmMidTol {
			return false
		}
		if e.kind == evLambda {
			return v0[T]*s1[T] < 0 || v0[T] == 0
		}
		if v0[T]*v1[T] < 0 {
			return false // λ = 0 comes first: a shorter step lands on it
		}
		if v0[T] == 0 && v1[T]*s0[T] < 0 && !tr.lambdaNoise(v0[T], v1[T]) {
			// The landing left an equilibrium (λ = 0 exactly) to the side
			// its tangent points to and ended on the other: it crossed λ
			// = 0 again on the way, at an equilibrium a shorter step
			// lands on (the ordinary step's test of the same).
			return false
		}
		side := 1.0
		if v0[T] < 0 {
			side = -1
		}
		if dipsBelow(side*v0[T], side*v1[T], side*s0[T], side*s1[T], t) {
			return false // λ dips through 0 and back on the way
		}
		return s1[f] < 0
	}

	h := 0.1
	// The point and the tangent one ordinary step back in this cell, and
	// that step's length (0 when the last move was an event): with the
	// current ones, the predictor's cubic.
	tauPrev := make([]float64, D)
	yPrev := make([]float64, D)
	hPrev := 0.0
	// In a 3-player game an ordinary step's tangent is the one at its
	// predictor (see correct): roughTau says so of tau, and moved whether
	// the last iteration took a step or an event. A step refused from a
	// point whose tangent is rough takes the exact one there first: close
	// to a turn of the path the predictor's may be too far off for any
	// step to be taken along it.
	roughTau, moved := false, true
	// evOK says v0 and s0 hold the events at y along tau: a refused step
	// leaves both as they were.
	evOK := false
	for iter := 0; ; iter++ {
		d := tr.dim()
		lam := y[d-1]
		if lam < stop {
			return "", false
		}
		if lam < userStop {
			return "", true
		}
		if iter&63 == 0 {
			if s, reason := stopped(ctx); s {
				return reason, false
			}
			if tr.progress != nil && iter&4095 == 0 && iter > 0 {
				tr.progress(fmt.Sprintf("%d steps, %d support changes, lambda %.4g", tr.steps, tr.pivots, lam/tr.lam0))
			}
		}
		if tr.steps >= gnmMaxSteps {
			return lost(fmt.Sprintf("step limit %d reached", gnmMaxSteps)), false
		}
		tr.steps++
		if !moved && roughTau {
			tr.loadSupport(y)
			d := tr.dim()
			if sg, ok := tr.tangentLU(y, tau, t1); ok && sg == tr.orient {
				copy(tau[:d], t1[:d])
				evOK = false
			}
			roughTau = false
		}
		moved = false
		if !evOK {
			tr.eventsAt(y, tau, v0, s0)
		}
		evOK = true
		tEv, ev := tr.firstEvent(v0, s0)
		linear := tr.linearCell()
		if linear {
			if math.IsInf(tEv, 1) {
				if tau[d-1] < 0 {
					return "", false // a straight ray to λ = −∞: nothing more on it
				}
				return lost("the path left towards lambda = +infinity"), false
			}
			if ev.kind != evLambda && tau[d-1] < 0 && lam+tEv*tau[d-1] < stop {
				return "", false // the next change of support is past the end
			}
			h = tEv
		}
		if tEv <= h {
			if land(ev, tEv) {
				copy(y[:d], y1[:d])
				hPrev, evOK = 0, false
				moved, roughTau = true, false
				if msg := tr.cross(ev, y, tau, onEq); msg != "" {
					return lost(msg), false
				}
				if tr.looped(y, tau) {
					return lost("the path came back to a point it had passed, in the same direction (a loop: degenerate game?)"), false
				}
				continue
			}
			if linear {
				return lost("lost the path at a change of support (degenerate game?)"), false
			}
			if h = tEv / 2; h < 1e-14 {
				return lost("step size underflow"), false
			}
			continue
		}
		// An ordinary step along the curve.
		h0 := h
		copy(y1[:d], y[:d])
		axpy(h, tau[:d], y1[:d])
		if hPrev > 0 {
			// The cubic (Hermite) through the last two points with their
			// tangents, continued by h: a first correction of order h⁴,
			// where the tangent alone leaves one of order h² and the
			// quadratic y + hτ + h²/2 · (τ − τ_prev)/h_prev, which it
			// replaces, one of order h³. On the 10×10×10 path of vector 3
			// half as many ordinary steps start more than 1e-4 off the
			// curve, and Newton's method stops an iteration sooner on one
			// step in seven. (The Hermite basis on u ∈ [0, 1] from the
			// previous point to this one, h_prev apart, taken at u = 1 +
			// h/h_prev.)
			H := hPrev
			u := 1 + h/H
			u2, u3 := u*u, u*u*u
			h00, h10, h01, h11 := 2*u3-3*u2+1, u3-2*u2+u, -2*u3+3*u2, u3-u2
			for i := 0; i < d; i++ {
				y1[i] = h00*yPrev[i] + h10*H*tauPrev[i] + h01*y[i] + h11*H*tau[i]
			}
		}
		first, ok := tr.correct(y1, tau, gnmEvent{}, 0.1*h, t1)
		if ok {
			sg := tr.tanSign
			if !tr.tanOK {
				tr.load(y1, true)
				sg, ok = tr.tangentLU(y1, tau, t1)
			}
			if ok && sg != tr.orient {
				ok = false
			}
		}
		if ok {
			tr.eventsAt(y1, t1, v1, s1)
			bad, frac := tr.firstCrossed(v0, v1)
			if bad >= 0 {
				// The curve crossed an event before the step's end: land on
				// the first one, first guessed by linear interpolation.
				if land(tr.eventOf(bad), frac*h) {
					copy(y[:d], y1[:d])
					hPrev, evOK = 0, false
					moved, roughTau = true, false
					if msg := tr.cross(tr.eventOf(bad), y, tau, onEq); msg != "" {
						return lost(msg), false
					}
					if tr.looped(y, tau) {
						return lost("the path came back to a point it had passed, in the same direction (a loop: degenerate game?)"), false
					}
					h = math.Max(h*frac, 1e-6)
					continue
				}
				if h = math.Max(frac, 0.05) * h / 2; h < 1e-14 {
					return lost("step size underflow"), false
				}
				continue
			}
			skipped := false
			for j := 0; j <= T && !skipped; j++ {
				sg := 1.0
				if j == T && v0[T] < 0 {
					sg = -1
				}
				skipped = dipsBelow(sg*v0[j], sg*v1[j], sg*s0[j], sg*s1[j], h)
			}
			if v0[T] == 0 && v1[T]*s0[T] < 0 && !tr.lambdaNoise(v0[T], v1[T]) {
				// The step left an equilibrium (λ = 0 exactly, where cross
				// puts it) to the side its tangent points to and ended on
				// the other: it crossed λ = 0 again on the way, at an
				// equilibrium that firstCrossed cannot see (λ has no sign
				// at the start) and dipsBelow does not look for (it
				// starts at zero). A shorter step ends before that
				// crossing, and the next one lands on it.
				skipped = true
			}
			if !skipped && dot(t1[:d], tau[:d]) > gnmMinCos {
				turn := turnAngle(t1[:d], tau[:d])
				moved, roughTau = true, tr.n == 3
				copy(yPrev[:d], y[:d])
				hPrev = 0
				for i := 0; i < d; i++ {
					hPrev += (y1[i] - y[i]) * (y1[i] - y[i])
				}
				hPrev = math.Sqrt(hPrev)
				copy(y[:d], y1[:d])
				copy(tauPrev[:d], tau[:d])
				// The events at the new point along its tangent are those
				// just read at the step's end.
				v0, v1, s0, s1 = v1, v0, s1, s0
				copy(tau[:d], t1[:d])
				// The first correction grows with the square of the step:
				// aim at a twentieth of the largest one allowed (a tenth
				// gave the same equilibria on every reference path, with
				// 8% more work).
				switch r := first / (0.2 * h); {
				case r < 0.1:
					h *= 2
				case r < 0.3:
					h *= 1.4
				case r > 0.6:
					h *= 0.7
				}
				// The tangent turns in proportion to the step: aim at
				// gnmTurnAim of the largest turn allowed, so that the next
				// step is seldom refused for turning.
				if hTurn := h0 * gnmTurnAim * gnmMaxTurn / turn; turn > 0 && hTurn < h {
					h = hTurn
				}
				continue
			}
			if !skipped {
				// Refused for turning too far: shrink in proportion.
				if h = h0 * gnmTurnAim * gnmMaxTurn / turnAngle(t1[:d], tau[:d]); h < 1e-14 {
					return lost("step size underflow"), false
				}
				continue
			}
		}
		if h /= 2; h < 1e-14 {
			return lost("step size underflow"), false
		}
	}
}

// cross handles event e at the point y (on the event), updating the
// support, y and the oriented tangent tau. It returns a message when the
// path cannot go on.
func (tr *gnmTracer) cross(e gnmEvent, y, tau []float64, onEq func([]float64)) string {
	ng := tr.ng
	if e.kind != evLambda && y[tr.lamIx()] != 0 && math.Abs(y[tr.lamIx()]) <= 1e-12*tr.lam0 {
		// A change of support at λ = 0 (within rounding), as degenerate
		// games have: the point is also an equilibrium of the game.
		y[tr.lamIx()] = 0
		tr.crossings++
		tr.found++
		onEq(tr.profileAt(y))
	}
	switch e.kind {
	case evLambda:
		y[tr.lamIx()] = 0
		tr.crossings++
		tr.found++
		onEq(tr.profileAt(y))
		d := tr.dim()
		old := append(tr.rg[:0], tau[:d]...)
		tr.loadCross(y, -1)
		sg, ok := tr.tangent(y, tau)
		if !ok {
			return "the path's Jacobian lost rank at an equilibrium (degenerate game?)"
		}
		tr.orient = orientLike(tau[:d], old, sg)
		return ""
	case evLeave:
		k := tr.supIndex(e.strat)
		d := tr.dim()
		copy(y[k:d-1], y[k+1:d])
		tr.in[e.strat] = false
		tr.sup = append(tr.sup[:k], tr.sup[k+1:]...)
		tr.supVer++
	case evEnter:
		k := 0
		for k < len(tr.sup) && tr.sup[k] < e.strat {
			k++
		}
		d := tr.dim()
		copy(y[k+1:d+1], y[k:d])
		y[k] = 0
		tr.in[e.strat] = true
		tr.sup = append(tr.sup, 0)
		copy(tr.sup[k+1:], tr.sup[k:])
		tr.sup[k] = e.strat
		tr.supVer++
	}
	tr.pivots++
	d := tr.dim()

	left := -1
	if e.kind == evLeave {
		left = e.strat
	}
	tr.loadCross(y, left)
	sg, ok := tr.tangent(y, tau)
	if !ok {
		return "the path's Jacobian lost rank at a change of support (degenerate game?)"
	}
	// The path goes on into the new cell: the strategy that left becomes
	// worse than a best reply, the one that entered gets probability.
	var dir float64
	if e.kind == evLeave {
		g := tr.rg[:d]
		tr.slackGrad(e.strat, g)
		dir = dot(g, tau[:d])
	} else {
		dir = tau[tr.supIndex(e.strat)]
	}
	if dir < 0 {
		scale(-1, tau[:d])
		sg = -sg
	}
	tr.orient = sg
	if tr.trace != nil && y[d-1] >= tr.traceEnd {
		// gambit-gnm -V prints no point past its lambda end.
		tr.trace(strconv.FormatFloat(y[d-1]/tr.lam0, 'g', 6, 64), splitFlat(tr.sigma, ng.shape))
	}
	return ""
}

// loadCross loads at y what cross reads: the support's rows (the
// tangent's), and the row of strategy left (≥ 0) for its slack's
// gradient. With three players the other rows are left out: eventsAt
// does not read them.
func (tr *gnmTracer) loadCross(y []float64, left int) {
	if tr.n != 3 {
		tr.load(y, true)
		return
	}
	tr.loadSupport(y)
	if left >= 0 {
		tr.enteringRow3(left)
	}
}

// looped records the state after an event and reports whether it was
// seen before on this path: the support, and y and the direction τ
// rounded to 1e-9 (far coarser than the events' rounding, far finer than
// the distance between distinct events).
func (tr *gnmTracer) looped(y, tau []float64) bool {
	k := fnvOffset
	put := func(v uint64) { k = fnvWord(k, v) }
	for _, s := range tr.sup {
		put(uint64(s))
	}
	put(math.MaxUint64)
	d := tr.dim()
	for i := 0; i < d; i++ {
		put(uint64(int64(math.Round(y[i] / tr.scaleOf(i) * 1e9))))
		put(uint64(int64(math.Round(tau[i] * 1e9))))
	}
	if tr.seen[k] {
		return true
	}
	tr.seen[k] = true
	return false
}

// fnvOffset and fnvWord are hash/fnv's 64-bit FNV-1a without a call per
// value: fnvWord(h, v) is the hash h continued with v's eight bytes,
// little-endian.
const fnvOffset uint64 = 14695981039346656037

func fnvWord(h, v uint64) uint64 {
	for i := 0; i < 8; i++ {
		h ^= v & 0xff
		h *= 1099511628211
		v >>= 8
	}
	return h
}

// scaleOf is the unit coordinate i of y is rounded in: λ in units of its
// start, the rest (probabilities, payoffs in [0, 1]) as they are.
func (tr *gnmTracer) scaleOf(i int) float64 {
	if i == tr.lamIx() {
		return tr.lam0
	}
	return 1
}

// gnmZeroProb is the probability below which profileAt reads a
// strategy's as rounding noise: a strategy that left or is about to enter
// the support at the point (in degenerate games several events meet at an
// equilibrium, and which is landed on first is decided by rounding) has
// probability 0 up to a few ulps of 1, far below any printed digit.
const gnmZeroProb = 1e-14

// profileAt is the profile at the point y, rounding noise removed:
// probabilities below gnmZeroProb (negative ones, and rounding noise
// above zero) set to zero, each player's renormalised.
func (tr *gnmTracer) profileAt(y []float64) []float64 {
	ng := tr.ng
	tr.load(y, false)
	x := append([]float64(nil), tr.sigma...)
	for i, v := range x {
		if v < gnmZeroProb {
			x[i] = 0 // below zero, or a leave event's rounding (1e-16)
		}
	}
	for p, s := range ng.shape {
		o, sum := ng.off[p], 0.0
		for j := 0; j < s; j++ {
			sum += x[o+j]
		}
		for j := 0; j < s; j++ {
			x[o+j] /= sum
		}
	}
	return x
}

// dominanceBound is μ such that for λ < −μ each player's strategy with
// the smallest bonus strictly dominates his others in the perturbed game
// (so its equilibrium is unique): the largest ratio, over players, of the
// most any strategy can earn over that one to the smallest gap between
// bonuses. +Inf when a player's smallest bonus is tied.
func (tr *gnmTracer) dominanceBound() float64 {
	ng := tr.ng
	mu := 0.0
	idx := make([]int, ng.n)
	for p, s := range ng.shape {
		if s == 1 {
			continue
		}
		o := ng.off[p]
		a, gap := o, math.Inf(1)
		for j := 1; j < s; j++ {
			if tr.pert[o+j] < tr.pert[a] {
				a = o + j
			}
		}
		for j := 0; j < s; j++ {
			if o+j != a {
				gap = math.Min(gap, tr.pert[o+j]-tr.pert[a])
			}
		}
		if gap <= 0 {
			return math.Inf(1)
		}
		// The largest gain over strategy a against any pure profile of
		// the others (a multilinear function peaks at a pure profile).
		gain := 0.0
		for i := range idx {
			idx[i] = 0
		}
		stride := 1
		for q := 0; q < p; q++ {
			stride *= ng.shape[q]
		}
		for k := 0; k < ng.nprof; k++ {
			if (k/stride)%s == a-o {
				base := k - (a-o)*stride
				pa := ng.pay[k*ng.n+p]
				for j := 0; j < s; j++ {
					gain = math.Max(gain, ng.pay[(base+j*stride)*ng.n+p]-pa)
				}
			}
		}
		mu = math.Max(mu, gain/gap)
	}
	return mu
}

func normalize(x []float64) {
	nrm := math.Sqrt(dot(x, x))
	for i := range x {
		x[i] /= nrm
	}
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// dotN is τ·(y1 − y) over the first d coordinates.
func dotN(tau, y1, y []float64, d int) float64 {
	s := 0.0
	for i := 0; i < d; i++ {
		s += tau[i] * (y1[i] - y[i])
	}
	return s
}

func axpy(a float64, x, y []float64) {
	for i := range y {
		y[i] += a * x[i]
	}
}

func scale(a float64, x []float64) {
	for i := range x {
		x[i] *= a
	}
}

// pathSolve solves a x = b in place (b becomes x, a is overwritten) for an
// n×n row-major a by Gaussian elimination with partial pivoting, and
// returns the sign of det(a). The path's systems need no equilibration
// (unlike logit's, see solveDense): every row has an entry of size one
// (the −1 of a player's value, a probability's 1, a unit tangent), and
// payoffs are scaled to [0, 1]. ok is false when a pivot is below 1e-14
// times the largest entry.
func pathSolve(a, b []float64, n int) (sign float64, ok bool) {
	return pathSolveScaled(a, b, n, 0)
}

// pathSolveScaled is pathSolve with the singularity threshold 1e-14 times
// the larger of scale and a's largest entry: a reduced system (see
// solveReduced) is judged by the scale of the full one it stands for.
func pathSolveScaled(a, b []float64, n int, scale float64) (sign float64, ok bool) {
	return pathSolveScaled2(a, b, nil, n, scale, nil)
}

// pathSolveScaled2 is pathSolveScaled for two right-hand sides, b and
// (unless nil) b2, each solved with exactly the operations of one. With
// perm != nil (n entries) it also keeps the LU factors: the multipliers
// in a's lower triangle (rows swapped whole, so that a holds L and U of
// the rows in pivot order) and the row swapped into place at each column
// in perm, for pathLUSolve to solve other right-hand sides with.
func pathSolveScaled2(a, b, b2 []float64, n int, scale float64, perm []int) (sign float64, ok bool) {
	a, b = a[:n*n], b[:n]
	if b2 != nil {
		b2 = b2[:n]
	}
	if scale = maxAbs(a, scale); scale == 0 || math.IsInf(scale, 0) || scale != scale {
		return 0, false
	}
	tiny := 1e-14 * scale
	sign = 1
	// The pivot of column 0; each elimination below finds the next
	// column's as it updates the rows (the first row of the largest
	// entry, as a search after it would find).
	p, pv := 0, math.Abs(a[0])
	for r := 1; r < n; r++ {
		if v := math.Abs(a[r*n]); v > pv {
			p, pv = r, v
		}
	}
	for c := 0; c < n; c++ {
		if pv <= tiny {
			return 0, false
		}
		pr := a[c*n+c : c*n+n]
		if p != c {
			swapRowTails(a, b, n, c, p)
			if b2 != nil {
				b2[c], b2[p] = b2[p], b2[c]
			}
			if perm != nil {
				lc, lp := a[c*n:c*n+c], a[p*n:p*n+c]
				for j := range lc {
					lc[j], lp[j] = lp[j], lc[j]
				}
			}
			sign = -sign
		}
		if perm != nil {
			perm[c] = p
		}
		piv := pr[0]
		if piv < 0 {
			sign = -sign
		}
		inv := 1 / piv
		pr = pr[1:]
		bc := b[c]
		var bc2 float64
		if b2 != nil {
			bc2 = b2[c]
		}
		p, pv = c+1, -1.0
		for r := c + 1; r < n; r++ {
			rr := a[r*n+c : r*n+n]
			f := rr[0] * inv
			if perm != nil {
				rr[0] = f
			}
			if f != 0 {
				// rr[1:] −= f·pr, each product rounded, then the
				// difference (no fused multiply–add).
				row := rr[1:]
				row = row[:len(pr)]
				j := 0
				for ; j+4 <= len(pr); j += 4 {
					r4 := row[j : j+4 : j+4]
					p4 := pr[j : j+4 : j+4]
					r4[0] -= float64(f * p4[0])
					r4[1] -= float64(f * p4[1])
					r4[2] -= float64(f * p4[2])
					r4[3] -= float64(f * p4[3])
				}
				for ; j < len(pr); j++ {
					row[j] -= float64(f * pr[j])
				}
				b[r] -= f * bc
				if b2 != nil {
					b2[r] -= f * bc2
				}
			}
			if len(rr) > 1 {
				if v := math.Abs(rr[1]); v > pv {
					p, pv = r, v
				}
			}
		}
	}
	if b2 != nil {
		backSubstitute2(a, b, b2, n)
	} else {
		backSubstitute(a, b, n)
	}
	return sign, true
}

// pathLUSolve solves a x = b in place (b becomes x) with the LU factors
// pathSolveScaled2 kept in a and perm.
func pathLUSolve(a []float64, perm []int, b []float64, n int) {
	a, b = a[:n*n], b[:n]
	// The rows' swaps first (a's rows were swapped whole: its multipliers
	// are those of the rows in their final order), then L's rows, each a
	// dot product with the entries above it, then U's.
	for c, p := range perm[:n] {
		if p != c {
			b[c], b[p] = b[p], b[c]
		}
	}
	for r := 1; r < n; r++ {
		row := a[r*n : r*n+r]
		bs := b[:len(row)]
		s := b[r]
		for c, f := range row {
			s -= f * bs[c]
		}
		b[r] = s
	}
	backSubstitute(a, b, n)
}

// maxAbs is the largest of m and the |a[i]|, or NaN when an a[i] is NaN
// or infinite.
func maxAbs(a []float64, m float64) float64 {
	// Four running maxima (the largest is the same in any order), and a
	// sum of a[i]·0, which is 0 unless an entry is NaN or infinite.
	m0, m1, m2, m3 := m, m, m, m
	bad := 0.0
	i := 0
	for ; i+4 <= len(a); i += 4 {
		v0, v1, v2, v3 := a[i], a[i+1], a[i+2], a[i+3]
		bad += v0*0 + v1*0 + v2*0 + v3*0
		if v0 = math.Abs(v0); v0 > m0 {
			m0 = v0
		}
		if v1 = math.Abs(v1); v1 > m1 {
			m1 = v1
		}
		if v2 = math.Abs(v2); v2 > m2 {
			m2 = v2
		}
		if v3 = math.Abs(v3); v3 > m3 {
			m3 = v3
		}
	}
	for ; i < len(a); i++ {
		bad += a[i] * 0
		if v := math.Abs(a[i]); v > m0 {
			m0 = v
		}
	}
	if bad != 0 {
		return math.NaN()
	}
	return max(m0, m1, m2, m3)
}

// backSubstitute solves U x = b in place for the upper triangle U of the
// n×n row-major a.
func backSubstitute(a, b []float64, n int) {
	for c := n - 1; c >= 0; c-- {
		s := b[c]
		row := a[c*n+c+1 : c*n+n]
		bs := b[c+1 : n]
		bs = bs[:len(row)]
		for j, v := range row {
			s -= v * bs[j]
		}
		b[c] = s / a[c*n+c]
	}
}

// backSubstitute2 is backSubstitute for b and b2 at once (two
// independent sums, each term in backSubstitute's order).
func backSubstitute2(a, b, b2 []float64, n int) {
	b, b2 = b[:n], b2[:n]
	for c := n - 1; c >= 0; c-- {
		s, s2 := b[c], b2[c]
		row := a[c*n+c+1 : c*n+n]
		bs, bs2 := b[c+1:n], b2[c+1:n]
		bs, bs2 = bs[:len(row)], bs2[:len(row)]
		for j, v := range row {
			s -= v * bs[j]
			s2 -= v * bs2[j]
		}
		d := a[c*n+c]
		b[c], b2[c] = s/d, s2/d
	}
}

// tangentLU computes the unit tangent t at the loaded point y that points
// along ref (t·ref > 0), by solving [A; refᵀ] t = e_d, and the sign of
// det[A; tᵀ]: it is the sign of det[A; refᵀ], because ref differs from a
// positive multiple of t by a vector in A's row space. It replaces the QR
// of tangent wherever the direction to follow is known (every step but
// the start and the changes of support), at about a third of the cost.
func (tr *gnmTracer) tangentLU(y, ref, t []float64) (sign float64, ok bool) {
	d := tr.dim()
	x := t[:d]
	if sign, ok = tr.solveReduced(tr.rzero[:d-1], ref[:d], 1, x); !ok {
		return 0, false
	}
	normalize(x)
	return sign, true
}
