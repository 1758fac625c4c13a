package equilibrium

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/truce-dev/truce/internal/budget"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// The homotopy follows the logit Markov quantal-response equilibrium (MQRE)
// of Eibelshäuser & Poensgen (2019) from precision λ = 0, where everybody
// mixes uniformly and the equilibrium is unique, up to large λ, where the
// MQRE approaches a Markov-perfect equilibrium; the last point is then
// polished by Newton's method on the equilibrium's support. Unknowns per
// actor a and non-terminal state s are the log-probabilities β_ask of every
// available action and the value V_as; equations are
//
//	Σ_k exp(β_ask) = 1
//	β_ask − β_as0 = λ (Q_ask − Q_as0)        k ≥ 1
//	V_as = Σ_k exp(β_ask) Q_ask
//
// with Q_ask the expected flow plus discounted continuation of action k.
// Log coordinates keep probabilities that vanish as λ grows well
// conditioned (they go to −∞ linearly). Payoffs are divided by their
// largest magnitude so that λ means the same for every scenario.

const (
	mpeHomotopyMaxLambda = 1e9
	mpeHomotopyMaxSteps  = 20000
	// The polish is first tried once the path point's one-shot gain (on
	// payoffs scaled to magnitude 1) is below mpePolishStartGain, and its
	// result must lie within √gain of the path point, clamped to
	// [mpePolishMinMove, mpePolishMaxMove] in every probability (in
	// degenerate games, with ties, the path approaches its limit only as
	// fast as √gain).
	mpePolishStartGain = 1e-3
	mpePolishMinMove   = 1e-3
	mpePolishMaxMove   = 2e-2
)

type mpeTracer struct {
	m   *mpeModel // scaled model
	off [][]int   // off[a][s]: first unknown of block (a, s)
	n   int
	sig [][][]float64
	V   [][]float64
	d   *mpeDeriv
	// J is (n+1)×(n+1): the Jacobian's rows (copied from jv by jacobian),
	// last row the tangent.
	J  *mat.Dense
	H  []float64
	lp []float64 // log-prior offset of each log-probability (nil: uniform prior)
	// pat[i] lists the columns the rows of state nt[i] can have nonzero:
	// every actor's log-probabilities there, the values there and at its
	// successors, and λ. eval writes only these entries, packed in jv:
	// the work of one evaluation grows with the states, not their square,
	// and touches contiguous memory (written into the dense J, whose
	// rows are (n+1) long, the scattered entries cost a cache miss each:
	// on 400-state games clearing, writing and reading them back for
	// GMRES took a quarter of a path's CPU).
	pat [][]int
	// jv holds the Jacobian's rows on their patterns: row r (r < n), of
	// state nt[i], at jv[jrow[r]:jrow[r]+len(pat[i])], rows in the order
	// state, actor, unknown. colpos is eval's scratch: a column's
	// position in the pattern of the state being evaluated.
	jv     []float64
	jrow   []int
	colpos []int
	// isBeta[i] says whether unknown i is a log-probability.
	isBeta []bool
}

// Large systems (mpeKrylovMinUnknowns or more factored unknowns) correct
// a trial step by Newton's method whose systems GMRES solves with the
// factorisation of an earlier point as preconditioner (mpeKrylov), and
// factor afresh only when GMRES does not converge within mpeKrylovBasis
// iterations, or took more than mpeKrylovRefresh for one solve of the
// step just accepted (the old factors have become a poor preconditioner,
// and a factorisation, about as costly as 80 iterations at 400 two-actor
// states, now pays). Newton's corrections are solved to a residual of
// mpeKrylovTol relative to H, the tangent to mpeKrylovTanTol.
// (Options.krylovAlways sets it to 0 so that a test can follow a
// large game's path with the small systems' corrector as well.)
const mpeKrylovMinUnknowns = 300

const (
	mpeKrylovBasis   = 40
	mpeKrylovRefresh = 12
	mpeKrylovNewton  = 8
	mpeKrylovTol     = 1e-3
	mpeKrylovTanTol  = 1e-8
	// mpeKrylovFloor: Newton's corrections under this fraction of the
	// step's limit need not contract (correctKrylov).
	mpeKrylovFloor = 1e-3
	// mpeChordMinUnknowns: the polish reuses its first factorisation
	// (Newton–chord) only when the system has at least this many
	// unknowns.
	mpeChordMinUnknowns = 300
)

// Step control. Each trial step's first Newton correction must be at most
// lim = min(0.05, f·h) for a step of length h, and the new tangent must
// turn by less than acos(c) from the last one. The predictor's error grows
// as κh²/2 on a path of curvature κ, so f bounds the turn per step at
// about 2f radians as well. On large systems (those that use GMRES) the
// paths of large games turn tightly again and again (the 400-state
// benchmark game's folds took 10–20 steps each), so they get about twice
// the turn: f = 0.25 and 18° instead of f = 0.1 and 11.5°. Small systems
// keep the old control, and so their paths bit for bit.
const (
	mpeStepLim      = 0.1
	mpeStepCos      = 0.98
	mpeLargeStepLim = 0.25
	mpeLargeStepCos = 0.95
)

// Large systems also predict to second order: y + hτ + ½h²κ, with κ =
// (τ − τ')/‖y − y'‖ the change of the tangent over the last accepted step
// (from y' to y) as the path's curvature vector. The predictor's error
// then grows as h³, the first correction shrinks, and the step control
// above lets the steps grow until the tangent's turn (18°) bounds them:
// on the 400-state benchmark games 6–27% fewer steps, the same
// equilibria. κ is used only when the last step turned by less than
// acos(mpeCurvCos) ≈ 26°; after a sharper turn the estimate is poor and
// the step predicts along the tangent alone.
const mpeCurvCos = 0.9

// mpeSingularMax is the number of trial steps in a row whose matrix is
// singular to working precision after which a large system's path (one
// that uses GMRES) is declared stalled: far along the path,
// at λ in the millions, that is what the matrix is at every step size, and
// each refusal costs a dense factorisation of the whole system (half a
// CPU-second at 400 two-actor states; halving the step down to 10⁻¹² took
// 40 of them). Small systems keep halving to the end.
const mpeSingularMax = 8

// mpeSingularCandMax replaces mpeSingularMax once a polished equilibrium
// is awaiting confirmation (the path has settled within the polish's
// reach of it): the path's end is then polished from its last point as
// after eight refusals, without six more dense factorisations of the
// whole system. The path can end a few steps sooner than with eight (the
// 400-state benchmark game, seed 5: at step 1,809, λ ≈ 1.5·10⁶, instead
// of 1,813, λ ≈ 1.8·10⁶, where the path had got past two refusals), on
// the same equilibrium (to 1.6·10⁻¹³ in every probability).
const mpeSingularCandMax = 2

// mpeBetaWeight weighs a log-probability's Newton correction by
// min(1, mpeBetaWeight·probability) in the step-size control: only actions
// played with probability about 1/mpeBetaWeight or more count in full.
const mpeBetaWeight = 10

func newMPETracer(m *mpeModel) *mpeTracer {
	t := &mpeTracer{m: m, off: make([][]int, m.nA)}
	for a := 0; a < m.nA; a++ {
		t.off[a] = make([]int, m.nS)
		for _, s := range m.nt {
			t.off[a][s] = t.n
			t.n += m.K[s][a] + 1
		}
	}
	t.sig = m.uniform()
	t.V = make([][]float64, m.nA)
	for a := range t.V {
		t.V[a] = make([]float64, m.nS)
	}
	t.d = m.newDeriv()
	t.J = mat.NewDense(t.n+1, t.n+1, nil)
	t.pat = make([][]int, len(m.nt))
	for i, s := range m.nt {
		var p []int
		for a := 0; a < m.nA; a++ {
			for k := 0; k < m.K[s][a]; k++ {
				p = append(p, t.off[a][s]+k)
			}
		}
		for a := 0; a < m.nA; a++ {
			p = append(p, t.vcol(a, s))
			for _, ti := range m.succ[s] {
				if st := m.nt[ti]; st != s {
					p = append(p, t.vcol(a, st))
				}
			}
		}
		p = append(p, t.n)
		t.pat[i] = p
	}
	t.jrow = make([]int, t.n)
	nnz := 0
	for i, s := range m.nt {
		for a := 0; a < m.nA; a++ {
			for r := t.off[a][s]; r <= t.vcol(a, s); r++ {
				t.jrow[r] = nnz
				nnz += len(t.pat[i])
			}
		}
	}
	t.jv = make([]float64, nnz)
	t.colpos = make([]int, t.n+1)
	t.H = make([]float64, t.n)
	t.isBeta = make([]bool, t.n+1)
	for a := 0; a < m.nA; a++ {
		for _, s := range m.nt {
			for k := 0; k < m.K[s][a]; k++ {
				t.isBeta[t.off[a][s]+k] = true
			}
		}
	}
	return t
}

func (t *mpeTracer) vcol(a, s int) int { return t.off[a][s] + t.m.K[s][a] }

// load sets sig and V from y.
func (t *mpeTracer) load(y []float64) {
	m := t.m
	for a := 0; a < m.nA; a++ {
		for _, s := range m.nt {
			o := t.off[a][s]
			for k := 0; k < m.K[s][a]; k++ {
				t.sig[a][s][k] = math.Exp(y[o+k])
			}
			t.V[a][s] = y[o+m.K[s][a]]
		}
	}
}

// jacobian copies the Jacobian's rows from jv into the first n rows of
// t.J (the entries off the patterns stay zero) and returns t.J.
func (t *mpeTracer) jacobian() *mat.Dense {
	m := t.m
	for i, s := range m.nt {
		p := t.pat[i]
		for a := 0; a < m.nA; a++ {
			for r := t.off[a][s]; r <= t.vcol(a, s); r++ {
				row := t.J.RawRowView(r)
				for j, v := range t.jv[t.jrow[r] : t.jrow[r]+len(p)] {
					row[p[j]] = v
				}
			}
		}
	}
	return t.J
}

// eval computes H(y) into t.H and, when jac, the Jacobian into jv.
func (t *mpeTracer) eval(y []float64, jac bool) {
	m := t.m
	t.load(y)
	lam := y[t.n]
	if jac {
		clear(t.jv)
	}
	d := t.d
	// row r of the state being evaluated is t.jv[t.jrow[r]:], column c
	// at its position pos[c]
	pos := t.colpos
	for i, s := range m.nt {
		if jac {
			for j, c := range t.pat[i] {
				pos[c] = j
			}
		}
		m.deriv(s, t.sig, t.V, d)
		for a := 0; a < m.nA; a++ {
			o := t.off[a][s]
			K := m.K[s][a]
			sg := t.sig[a][s]
			q := d.Q[a]
			sum := -1.0
			for k := 0; k < K; k++ {
				sum += sg[k]
			}
			t.H[o] = sum
			for k := 1; k < K; k++ {
				t.H[o+k] = y[o+k] - y[o] - lam*(q[k]-q[0])
				if t.lp != nil {
					t.H[o+k] -= t.lp[o+k] - t.lp[o]
				}
			}
			ev := 0.0
			for k := 0; k < K; k++ {
				ev += sg[k] * q[k]
			}
			t.H[o+K] = y[o+K] - ev
			if !jac {
				continue
			}
			// row o: Σσ − 1
			r0 := t.jv[t.jrow[o]:]
			for k := 0; k < K; k++ {
				r0[pos[o+k]] = sg[k]
			}
			// rows o+k: logit ratios
			for k := 1; k < K; k++ {
				r := t.jv[t.jrow[o+k]:]
				r[pos[o+k]] += 1
				r[pos[o]] -= 1
				for b := 0; b < m.nA; b++ {
					if b == a {
						continue
					}
					ob := t.off[b][s]
					for mm := 0; mm < m.K[s][b]; mm++ {
						r[pos[ob+mm]] -= lam * (d.dS[a][k][b][mm] - d.dS[a][0][b][mm]) * t.sig[b][s][mm]
					}
				}
				for _, ti := range m.succ[s] {
					if v := d.dV[a][k][ti] - d.dV[a][0][ti]; v != 0 {
						r[pos[t.vcol(a, m.nt[ti])]] -= lam * v
					}
				}
				r[pos[t.n]] = -(q[k] - q[0])
			}
			// row o+K: value equation
			r := t.jv[t.jrow[o+K]:]
			r[pos[o+K]] += 1
			for k := 0; k < K; k++ {
				r[pos[o+k]] -= sg[k] * q[k]
			}
			for b := 0; b < m.nA; b++ {
				if b == a {
					continue
				}
				ob := t.off[b][s]
				for mm := 0; mm < m.K[s][b]; mm++ {
					v := 0.0
					for k := 0; k < K; k++ {
						v += sg[k] * d.dS[a][k][b][mm]
					}
					r[pos[ob+mm]] -= v * t.sig[b][s][mm]
				}
			}
			for _, ti := range m.succ[s] {
				v := 0.0
				for k := 0; k < K; k++ {
					v += sg[k] * d.dV[a][k][ti]
				}
				if v != 0 {
					r[pos[t.vcol(a, m.nt[ti])]] -= v
				}
			}
		}
	}
}

func mpeNormInf(x []float64) float64 {
	r := 0.0
	for _, v := range x {
		r = math.Max(r, math.Abs(v))
	}
	return r
}

// mpeHomotopy traces the logit MQRE path and polishes its end.
func mpeHomotopy(ctx context.Context, m *mpeModel, opt Options) (*Result, error) {
	sig, steps, reason, err := mpeTrace(ctx, m, opt, nil)
	if err != nil {
		return nil, fmt.Errorf("homotopy: %w", err)
	}
	return m.result(sig, "homotopy", steps, opt.Tol, reason)
}

// mpeTrace returns the polished end of the path, or the last point reached
// and why it stopped. With a prior (a profile with every probability
// positive) it follows instead the path σ_ask ∝ prior_ask·exp(λ Q_ask),
// which starts at the prior and also ends at an MPE as λ grows; nil is the
// uniform prior.
func mpeTrace(ctx context.Context, m *mpeModel, opt Options, prior [][][]float64) ([][][]float64, int, string, error) {
	p, err := mpeTraceStart(m, opt, prior)
	if err != nil {
		return nil, 0, "", err
	}
	sig, reason, st := p.advance(ctx, p.maxSteps)
	if st == mpePathCapped {
		sig, reason = p.finish(fmt.Sprintf("no confirmed equilibrium after %d path steps", p.steps()))
	}
	return sig, p.steps(), reason, nil
}

// mpePathStatus says why mpePath.advance returned.
type mpePathStatus int

const (
	mpePathDone    mpePathStatus = iota // the path ended: an equilibrium, or a failure with its reason
	mpePathCapped                       // the step limit was reached; advance can go on
	mpePathStopped                      // the context ended; advance can go on with another context
)

// mpePath is a logit path being followed, which can be paused (at a step
// limit or when a context ends) and resumed exactly where it stopped:
// auto interleaves it with value iteration.
type mpePath struct {
	maxSteps int
	// advance follows the path until it ends, until limit steps in all
	// have been taken, or until ctx ends, and returns the equilibrium (or
	// last point) and why it stopped.
	advance func(ctx context.Context, limit int) ([][][]float64, string, mpePathStatus)
	// finish polishes the current point if an equilibrium is close to it,
	// else returns it with why.
	finish func(why string) ([][][]float64, string)
	steps  func() int
}

// mpeTraceStart prepares the path of mpeTrace, at λ = 0.
func mpeTraceStart(m *mpeModel, opt Options, prior [][][]float64) (*mpePath, error) {
	maxSteps := opt.MaxIter
	if maxSteps <= 0 {
		maxSteps = mpeHomotopyMaxSteps
	}
	if len(m.nt) == 0 {
		return &mpePath{maxSteps: maxSteps,
			advance: func(context.Context, int) ([][][]float64, string, mpePathStatus) { return m.uniform(), "", mpePathDone },
			finish:  func(why string) ([][][]float64, string) { return m.uniform(), why },
			steps:   func() int { return 0 }}, nil
	}
	tol := opt.Tol
	if tol <= 0 {
		tol = mpeDefaultTol
	}
	if err := m.tracerBudget(); err != nil {
		return nil, err
	}
	ms := m.scaledBy(1 / m.scale)
	t := newMPETracer(ms)
	n := t.n
	// Start: uniform play, values of uniform play, λ = 0.
	if prior != nil {
		t.lp = make([]float64, n)
		for a := 0; a < ms.nA; a++ {
			for _, s := range ms.nt {
				for k := 0; k < ms.K[s][a]; k++ {
					t.sig[a][s][k] = prior[a][s][k]
					t.lp[t.off[a][s]+k] = math.Log(prior[a][s][k])
				}
			}
		}
	}
	V0, err := ms.evaluate(t.sig)
	if err != nil {
		return nil, err
	}
	y := make([]float64, n+1)
	for a := 0; a < ms.nA; a++ {
		for _, s := range ms.nt {
			o := t.off[a][s]
			K := ms.K[s][a]
			for k := 0; k < K; k++ {
				y[o+k] = math.Log(t.sig[a][s][k])
			}
			y[o+K] = V0[a][s]
		}
	}
	tau := make([]float64, n+1)
	tau[n] = 1
	// tangent at the start
	lu := newMPESchur(t)
	e := mat.NewVecDense(n+1, nil)
	e.SetVec(n, 1)
	var sol mat.VecDense
	tangent := func() bool {
		copy(t.J.RawRowView(n), tau)
		lu.factor(t.jacobian())
		if err := lu.solveVec(&sol, e); err != nil {
			return false
		}
		nrm := mat.Norm(&sol, 2)
		if nrm == 0 || math.IsNaN(nrm) {
			return false
		}
		for i := range tau {
			tau[i] = sol.AtVec(i) / nrm
		}
		return true
	}
	t.eval(y, true)
	if !tangent() {
		return nil, fmt.Errorf("singular Jacobian at the start of the path")
	}
	// The orientation of the path, the sign of det [J; τ], is the same at
	// every regular point of one branch. A step whose corrector lands on
	// another branch passing close by (near a bifurcation of the symmetric
	// game this one perturbs, e.g. a war of attrition with slightly
	// different costs) usually shows as a flip of that sign, and is
	// retried shorter.
	orient := lu.detSign()

	sigOf := func(y []float64) ([][][]float64, [][]float64) {
		t.load(y)
		sig := mpeCopy(t.sig)
		V := make([][]float64, m.nA)
		for a := range V {
			V[a] = make([]float64, m.nS)
			for _, s := range m.nt {
				tot := 0.0
				for _, p := range sig[a][s] {
					tot += p
				}
				for k := range sig[a][s] {
					sig[a][s][k] /= tot
				}
				V[a][s] = t.V[a][s] * m.scale
			}
		}
		return sig, V
	}
	// gainOf is the largest one-shot deviation gain of the path point y
	// (scaled units), read off the path's own values: on the path V solves
	// the evaluation equations of σ, so max_k Q_ask − V_as is the gain.
	gainOf := func(y []float64) float64 {
		t.load(y)
		g := 0.0
		for _, s := range ms.nt {
			ms.deriv(s, t.sig, t.V, t.d)
			for a := 0; a < ms.nA; a++ {
				best, cur := math.Inf(-1), 0.0
				for k := 0; k < ms.K[s][a]; k++ {
					best = math.Max(best, t.d.Q[a][k])
					cur += t.sig[a][s][k] * t.d.Q[a][k]
				}
				g = math.Max(g, best-cur)
			}
		}
		return g
	}
	// tryPolish attempts to turn the path point y, whose gain is gain, into
	// the exact MPE the path is approaching. Newton on a guessed support
	// converges to whatever equilibrium has that support, so the result is
	// accepted only if it lies within move of the path point: early on the
	// path (λ small) every action looks "in the support" and Newton would
	// land on a fully mixed equilibrium the path does not lead to.
	tryPolish := func(y []float64, gain float64) [][][]float64 {
		sig, V := sigOf(y)
		move := math.Min(mpePolishMaxMove, math.Max(mpePolishMinMove, math.Sqrt(gain)))
		var last []bool
		for _, thr := range []float64{1e-3, 1e-6, 1e-9} {
			// the same support again would give the same answer
			supp := mpeSupportList(m, sig, thr)
			if slices.Equal(supp, last) {
				continue
			}
			last = supp
			if p, pg, ok := m.polish(sig, V, mpeSupportOf(sig, thr)); ok && pg <= tol && mpeDist(p, sig) <= move {
				return p
			}
		}
		return nil
	}

	// finish ends a path that could not be followed further: the
	// equilibrium polished from its last point if there is one close to
	// it (then why is a note), else the last point and why.
	step := 0
	finish := func(y []float64, why string) ([][][]float64, string, mpePathStatus) {
		if p := tryPolish(y, gainOf(y)); p != nil {
			return p, why + "; returned the equilibrium polished from its last point, the nearest to where the path was heading", mpePathDone
		}
		sig, _ := sigOf(y)
		return sig, why, mpePathDone
	}

	h := 0.05
	polishAt := mpePolishStartGain
	var cand [][][]float64 // polished point awaiting confirmation
	candDist := 0.0        // its distance from the path point then
	yp := make([]float64, n+1)
	yc := make([]float64, n+1)
	rhs := mat.NewVecDense(n+1, nil)

	// correct runs the corrector from yp into yc with the factorisation in
	// lu, factored at yp: up to maxIt Newton–chord
	// corrections, each at most rate times the previous, the first at most lim
	// (it measures the predictor's error, which grows as h², and sets the
	// next step size). haveH says t.H already holds H(yp). It reports
	// whether the residual fell below 1e-8, the corrections made and the
	// first correction's size.
	// weigh is the size that counts in the step control of a correction d
	// of unknown i of yc: an action whose probability is negligible does
	// not shape the path, so its log-probability's error, λ times the
	// values' error, is weighted by what the probability could become.
	weigh := func(i int, d float64) float64 {
		if t.isBeta[i] {
			d *= math.Min(1, mpeBetaWeight*math.Exp(math.Max(yc[i], yc[i]+d)))
		}
		return d
	}
	correct := func(haveH bool, maxIt int, rate, lim float64) (bool, int, float64) {
		copy(yc, yp)
		prev := math.Inf(1)
		dn0 := 0.0
		for it := 0; it < maxIt; it++ {
			if it > 0 || !haveH {
				t.eval(yc, false)
			}
			if mpeNormInf(t.H) < 1e-8 {
				return true, it + 1, dn0
			}
			for i := 0; i < n; i++ {
				rhs.SetVec(i, -t.H[i])
			}
			rhs.SetVec(n, 0)
			if err := lu.solveVec(&sol, rhs); err != nil {
				return false, it + 1, dn0
			}
			dn := 0.0
			for i := range yc {
				d := sol.AtVec(i)
				dn = math.Max(dn, math.Abs(weigh(i, d)))
				yc[i] += d
			}
			if it == 0 {
				dn0 = dn
			}
			if math.IsNaN(dn) || dn > rate*prev || (it == 0 && dn > lim) {
				return false, it + 1, dn0
			}
			prev = dn
		}
		return false, maxIt, dn0
	}

	// On small games a factorisation costs less than GMRES's extra
	// products and solves (the 20-state 3×3 game took twice the CPU with
	// the chord corrector that came before it).
	useKrylov := opt.krylovAlways || len(lu.ridx) >= mpeKrylovMinUnknowns
	krylovOK := false // lu holds a factorisation usable as GMRES's preconditioner
	var kr *mpeKrylov
	var kx, kb []float64
	stepLim, stepCos := mpeStepLim, mpeStepCos
	if useKrylov {
		stepLim, stepCos = mpeLargeStepLim, mpeLargeStepCos
		kr = newMPEKrylov(t, lu, mpeKrylovBasis)
		lu.slu.simd = true
		kx, kb = make([]float64, n+1), make([]float64, n+1)
	}
	// correctKrylov is Newton's corrector from yp into yc with the exact
	// Jacobian of every iterate, solved by kr: it reports whether the
	// residual fell below 1e-8, the corrections made, the first
	// correction's size (as correct), and whether it failed because GMRES
	// did not converge (stale: a fresh factorisation may still succeed).
	correctKrylov := func(lim float64) (ok bool, iters int, dn0 float64, stale bool) {
		copy(yc, yp)
		prev := math.Inf(1)
		for it := 0; it < mpeKrylovNewton; it++ {
			t.eval(yc, true)
			if mpeNormInf(t.H) < 1e-8 {
				return true, it + 1, dn0, false
			}
			for i := 0; i < n; i++ {
				kb[i] = -t.H[i]
			}
			kb[n] = 0
			if !kr.solve(kx, kb, nil, tau, mpeKrylovTol) {
				return false, it + 1, dn0, true
			}
			dn := 0.0
			for i, d := range kx {
				dn = math.Max(dn, math.Abs(weigh(i, d)))
				yc[i] += d
			}
			if it == 0 {
				dn0 = dn
			}
			// GMRES's corrections are exact only to mpeKrylovTol of the
			// residual, which the log-probabilities of actions that have
			// died out can dominate: corrections that small in what
			// counts need not contract, only the equations must come to
			// hold (far along the path, at λ ≈ 2,500 on the 400-state
			// benchmark game's seed 3, insisting on it halved the step
			// to nothing and the path crawled for 1,500 steps).
			if math.IsNaN(dn) || (dn > 0.5*prev && dn > mpeKrylovFloor*lim) || (it == 0 && dn > lim) {
				return false, it + 1, dn0, false
			}
			prev = dn
		}
		// Not converged in mpeKrylovNewton corrections: let a fresh
		// factorisation, whose solves are exact, try.
		return false, mpeKrylovNewton, dn0, true
	}
	singular := 0 // trial steps in a row refused as singular
	// curv is κ of the second-order predictor (large systems), valid when
	// haveCurv; noteCurv sets it as the step from y to yc is accepted, τ
	// already the tangent at yc and old the one at y.
	var curv []float64
	haveCurv := false
	if useKrylov {
		curv = make([]float64, n+1)
	}
	noteCurv := func(old []float64) {
		if curv == nil {
			return
		}
		d, c := 0.0, 0.0
		for i := range yc {
			d += (yc[i] - y[i]) * (yc[i] - y[i])
			c += old[i] * tau[i]
		}
		d = math.Sqrt(d)
		if haveCurv = c > mpeCurvCos && d > 0; haveCurv {
			for i := range curv {
				curv[i] = (tau[i] - old[i]) / d
			}
		}
	}
	advance := func(ctx context.Context, limit int) ([][][]float64, string, mpePathStatus) {
		for step < limit {
			if err := ctx.Err(); err != nil {
				sig, _ := sigOf(y)
				return sig, "stopped: " + err.Error(), mpePathStopped
			}
			step++
			if opt.Progress != nil && step%100 == 0 {
				opt.Progress(fmt.Sprintf("homotopy: step %d, λ=%.3g", step, y[n]))
			}
			accepted := false
			rejected := false
			var oldTau []float64
			for !accepted {
				if h < 1e-12 {
					return finish(y, fmt.Sprintf("path tracking stalled at λ=%.3g (step size underflow)", y[n]))
				}
				if haveCurv {
					for i := range yp {
						yp[i] = y[i] + h*tau[i] + 0.5*h*h*curv[i]
					}
				} else {
					for i := range yp {
						yp[i] = y[i] + h*tau[i]
					}
				}
				oldTau = append(oldTau[:0], tau...)
				lim := math.Min(0.05, stepLim*h) + 1e-6
				if krylovOK {
					// Newton's method with the exact Jacobian of every
					// iterate, its systems solved by GMRES preconditioned by
					// the factorisation of an earlier point (mpeKrylov): while
					// that stays a good preconditioner a step costs a few
					// sparse evaluations and triangular solves instead of a
					// dense factorisation.
					ok, iters, dn0, stale := correctKrylov(lim)
					if ok {
						// the tangent at the corrected point
						clear(kb)
						kb[n] = 1
						// from the last tangent, scaled to meet the last row
						if ok = kr.solve(kx, kb, oldTau, oldTau, mpeKrylovTanTol); !ok {
							stale = true
						} else if kr.ritzSign() < 0 {
							// The orientation seems to have flipped (the
							// corrector may have landed on another branch):
							// a fresh factorisation checks it.
							ok, stale = false, true
						}
					}
					switch {
					case ok:
						nrm := 0.0
						for _, v := range kx {
							nrm += v * v
						}
						nrm = math.Sqrt(nrm)
						cosang := 0.0
						for i := range kx {
							cosang += oldTau[i] * kx[i] / nrm
						}
						if cosang < stepCos && h > 1e-6 {
							h /= 2
							rejected = true
							continue
						}
						for i := range tau {
							tau[i] = kx[i] / nrm
						}
						noteCurv(oldTau)
						copy(y, yc)
						accepted = true
						h *= mpeStepGrow(lim, dn0, iters, rejected)
						h = math.Min(h, 10*(1+math.Abs(y[n])))
						// Factor afresh at the next step once the old factors
						// make GMRES work for it.
						krylovOK = kr.its <= mpeKrylovRefresh
						continue
					case !stale:
						// The step was too long for Newton's method: the
						// same as after a fresh factorisation.
						h *= mpeStepShrink(lim, dn0)
						rejected = true
						continue
					}
					// GMRES did not converge: factor afresh at this step.
				}
				t.eval(yp, true)
				copy(t.J.RawRowView(n), tau)
				krylovOK = false
				if !lu.factor(t.jacobian()) {
					maxSingular := mpeSingularMax
					if cand != nil {
						maxSingular = mpeSingularCandMax
					}
					if singular++; useKrylov && singular >= maxSingular {
						return finish(y, fmt.Sprintf("path tracking stalled at λ=%.3g (matrix singular to working precision at %d step sizes in a row)", y[n], singular))
					}
					h /= 2
					continue
				}
				singular = 0
				if krylovOK = useKrylov; krylovOK {
					kr.its = 0
				}
				if sg := lu.detSign(); sg != orient {
					if h > 1e-6 {
						krylovOK = false // a factorisation on another branch
						h /= 2
						continue
					}
					// A flip that persists at the smallest steps is a genuine
					// branch point on the path (a symmetric game's pitchfork):
					// the path goes straight through and the orientation flips.
					orient = sg
				}
				ok, iters, dn0 := correct(true, 12, 0.5, lim)
				if !ok {
					h *= mpeStepShrink(lim, dn0)
					rejected = true
					continue
				}
				// tangent at the predicted point, oriented by the old one
				e.Zero()
				e.SetVec(n, 1)
				if err := lu.solveVec(&sol, e); err != nil {
					h /= 2
					continue
				}
				nrm := mat.Norm(&sol, 2)
				cosang := 0.0
				for i := range tau {
					cosang += oldTau[i] * sol.AtVec(i) / nrm
				}
				if cosang < stepCos && h > 1e-6 {
					h /= 2
					rejected = true
					continue
				}
				for i := range tau {
					tau[i] = sol.AtVec(i) / nrm
				}
				noteCurv(oldTau)
				copy(y, yc)
				accepted = true
				h *= mpeStepGrow(lim, dn0, iters, rejected)
				h = math.Min(h, 10*(1+math.Abs(y[n])))
			}
			if y[n] < -1e-6 {
				sig, _ := sigOf(y)
				return sig, "path turned back below λ=0", mpePathDone
			}
			// The path has settled near its limit when the point's own
			// deviation gain is small; a polish is tried at each tenfold drop
			// of the gain, as package nash's logit does. A polished point is
			// returned only when it is confirmed at the next check: the path
			// has come at least twice as close to it while the gain dropped
			// tenfold (so a path that passes near an equilibrium and then
			// turns away from it, as in a slightly asymmetric war of
			// attrition, does not stop there).
			if gain := gainOf(y); gain < polishAt {
				for polishAt > gain {
					polishAt /= 3
				}
				if p := tryPolish(y, gain); p != nil {
					sig, _ := sigOf(y)
					d := mpeDist(sig, p)
					if cand != nil && mpeDist(p, cand) <= candDist && d <= 0.75*candDist {
						return p, "", mpePathDone
					}
					cand, candDist = p, d
				} else {
					cand = nil
				}
				if gain*m.scale <= tol {
					sig, _ := sigOf(y)
					return sig, "", mpePathDone
				}
			}
			if y[n] > mpeHomotopyMaxLambda {
				return finish(y, fmt.Sprintf("reached λ=%.3g without a confirmed equilibrium", y[n]))
			}
		}
		sig, _ := sigOf(y)
		return sig, "", mpePathCapped
	}
	return &mpePath{maxSteps: maxSteps, advance: advance, steps: func() int { return step },
		finish: func(why string) ([][][]float64, string) {
			sig, reason, _ := finish(y, fmt.Sprintf("%s (λ=%.3g)", why, y[n]))
			return sig, reason
		}}, nil
}

// mpeStepGrow is the factor by which an accepted step's length changes:
// the step whose predictor error (the first correction dn0) would be 0.7
// of the limit lim on a path of the same curvature, between half and
// double, at most 0.7 after a slow corrector (more than 5 iterations) and
// at most 1 right after a refused trial.
func mpeStepGrow(lim, dn0 float64, iters int, rejected bool) float64 {
	grow := 2.0
	if dn0 > 0 {
		grow = math.Min(2, math.Max(0.5, 0.7*math.Sqrt(lim/dn0)))
	}
	if iters > 5 {
		grow = math.Min(grow, 0.7)
	}
	if rejected {
		grow = math.Min(grow, 1)
	}
	return grow
}

// mpeStepShrink is the factor by which a refused trial step shrinks: to
// where the predictor's error would be within the limit, with a margin
// (between a tenth and a half), or by half when the first correction was
// within the limit (the corrector failed later).
func mpeStepShrink(lim, dn0 float64) float64 {
	if dn0 > lim && !math.IsNaN(dn0) {
		return math.Min(0.5, math.Max(0.1, 0.7*math.Sqrt(lim/dn0)))
	}
	return 0.5
}

// tracerBudget asks the memory budget for the path tracer's matrices: the
// dense Jacobian with its tangent row, (n+1)² for n = Σ (actions + 1) over
// actors and non-terminal states, plus the blocks and Schur complement of
// its block elimination.
func (m *mpeModel) tracerBudget() error {
	var n, sumB2, sumB, maxB int64
	for _, s := range m.nt {
		nb := int64(0)
		for _, k := range m.K[s] {
			n += int64(k + 1)
			nb += int64(k)
		}
		sumB2 = budget.Add(sumB2, budget.Mul(nb, nb))
		sumB += nb
		maxB = max(maxB, nb)
	}
	nr := int64(m.nA*len(m.nt) + 1)
	// (2·sumB·nr bounds the blocks Z_s and M[β_s, R], which keep only
	// their pattern's columns; GMRES keeps two bases of mpeKrylovBasis+1
	// vectors and J packed on its pattern: a row holds at most a state's
	// log-probabilities, the values and λ.)
	krylov := budget.Add(budget.Mul(2, mpeKrylovBasis+1, n+1), budget.Mul(n+1, maxB+nr))
	need := budget.Mul(8, budget.Add(budget.Mul(n+1, n+1), budget.Mul(2, nr, nr), budget.Mul(2, sumB, nr), sumB2, krylov))
	return budget.Check(m.ctx, fmt.Sprintf("the homotopy's Jacobian (%d × %d dense) and its block elimination", n+1, n+1), need,
		"use --method iterate, or fewer actions or states")
}

// scaledBy returns a copy of m with every utility multiplied by f; the
// structure is shared.
func (m *mpeModel) scaledBy(f float64) *mpeModel {
	c := *m
	c.uflow = make([][]float64, m.nS)
	c.entry = make([][]float64, m.nS)
	for s := 0; s < m.nS; s++ {
		c.entry[s] = make([]float64, m.nA)
		for a := range c.entry[s] {
			c.entry[s][a] = m.entry[s][a] * f
		}
		if m.uflow[s] != nil {
			c.uflow[s] = make([]float64, len(m.uflow[s]))
			for i, v := range m.uflow[s] {
				c.uflow[s][i] = v * f
			}
		}
	}
	c.scale = m.scale * math.Abs(f)
	return &c
}

// mpeSchur solves the path's bordered linear systems by block elimination.
// The rows of state s involve only that state's log-probabilities β_s (a
// small square block A_s) and the values V (and λ), so eliminating every
// β_s leaves a dense system in the values, λ and the tangent row only:
// (nA·states + 1)² instead of (Σ(K+1)·states + 1)². When some A_s is
// nearly singular it falls back to the dense LU of the whole matrix.
type mpeSchur struct {
	n     int
	bidx  [][]int      // β indices of each non-terminal state (rows = columns)
	rrows [][]int      // reduced rows touching β_s: the state's value rows and the tangent row
	pc    [][]int      // reduced columns (positions in ridx) in the pattern of state s
	ridx  []int        // reduced indices: every value, then λ / the tangent row
	rpos  []int        // full index -> position in ridx, or -1
	As    []*mat.Dense // scratch: the blocks A_s
	MBR   []*mat.Dense // scratch: M[β_s, R], the columns pc[s] only
	Z     []*mat.Dense // A_s⁻¹ M[β_s, R], the columns pc[s] only
	S     *mat.Dense
	slu   mpeLU
	// mrb[si] is M[rrows[si], bidx[si]], copied at factor time so that a
	// factorisation stays usable after the matrix it came from is
	// overwritten.
	mrb   []*mat.Dense
	inv   [][]float64 // row-major inverse of each block A_s
	sign  []float64   // sign of each block's determinant
	gj    []float64   // scratch of mpeInvert
	dense mat.LU
	whole bool // using the dense fallback
	y     [][]float64
	rR    *mat.VecDense
}

func newMPESchur(t *mpeTracer) *mpeSchur {
	m := t.m
	c := &mpeSchur{n: t.n + 1, rpos: make([]int, t.n+1)}
	for i := range c.rpos {
		c.rpos[i] = -1
	}
	for _, s := range m.nt {
		var b, rr []int
		for a := 0; a < m.nA; a++ {
			o := t.off[a][s]
			for k := 0; k < m.K[s][a]; k++ {
				b = append(b, o+k)
			}
			rr = append(rr, t.vcol(a, s))
		}
		c.bidx = append(c.bidx, b)
		c.rrows = append(c.rrows, append(rr, t.n))
	}
	for a := 0; a < m.nA; a++ {
		for _, s := range m.nt {
			c.ridx = append(c.ridx, t.vcol(a, s))
		}
	}
	c.ridx = append(c.ridx, t.n)
	for i, r := range c.ridx {
		c.rpos[r] = i
	}
	nr := len(c.ridx)
	// A state's β rows are nonzero only in its pattern: the reduced
	// columns among them are all that its blocks Z_s and M[β_s, R] need.
	for i := range c.bidx {
		var pc []int
		for _, col := range t.pat[i] {
			if j := c.rpos[col]; j >= 0 {
				pc = append(pc, j)
			}
		}
		c.pc = append(c.pc, pc)
	}
	c.sign = make([]float64, len(c.bidx))
	c.Z = make([]*mat.Dense, len(c.bidx))
	c.y = make([][]float64, len(c.bidx))
	for i, b := range c.bidx {
		nb := len(b)
		c.Z[i] = mat.NewDense(nb, len(c.pc[i]), nil)
		c.y[i] = make([]float64, nb)
		c.As = append(c.As, mat.NewDense(nb, nb, nil))
		c.MBR = append(c.MBR, mat.NewDense(nb, len(c.pc[i]), nil))
		c.mrb = append(c.mrb, mat.NewDense(len(c.rrows[i]), nb, nil))
		c.inv = append(c.inv, make([]float64, nb*nb))
		if need := 2 * nb * nb; len(c.gj) < need {
			c.gj = make([]float64, need)
		}
	}
	c.S = mat.NewDense(nr, nr, nil)
	c.rR = mat.NewVecDense(nr, nil)
	return c
}

// factor prepares solves with M; false means M is (numerically) singular.
func (c *mpeSchur) factor(M *mat.Dense) bool {
	c.whole = false
	for i, r := range c.ridx {
		row := M.RawRowView(r)
		srow := c.S.RawRowView(i)
		for j, cc := range c.ridx {
			srow[j] = row[cc]
		}
	}
	for si, b := range c.bidx {
		As, MBR := c.As[si], c.MBR[si]
		for i, r := range b {
			row := M.RawRowView(r)
			for j, cc := range b {
				As.Set(i, j, row[cc])
			}
			for jj, j := range c.pc[si] {
				MBR.Set(i, jj, row[c.ridx[j]])
			}
		}
		// The blocks are small (the actors' actions in one state): an
		// explicit inverse by Gauss–Jordan costs less than LAPACK's calls,
		// and gives the exact 1-norm condition number.
		nb := len(b)
		sg, cd := mpeInvert(nb, As.RawMatrix().Data, c.inv[si], c.gj)
		if cd > 1e13 || math.IsNaN(cd) {
			return c.factorWhole(M)
		}
		c.sign[si] = sg
		inv := c.inv[si]
		npc := len(c.pc[si])
		mb := MBR.RawMatrix().Data
		zd := c.Z[si].RawMatrix().Data
		for i := 0; i < nb; i++ {
			zr := zd[i*npc : (i+1)*npc]
			clear(zr)
			for k := 0; k < nb; k++ {
				if v := inv[i*nb+k]; v != 0 {
					for j, x := range mb[k*npc : (k+1)*npc] {
						zr[j] += v * x
					}
				}
			}
		}
		for ri, r := range c.rrows[si] {
			row := M.RawRowView(r)
			srow := c.S.RawRowView(c.rpos[r])
			mrow := c.mrb[si].RawRowView(ri)
			for k, bc := range b {
				mrow[k] = row[bc]
				if v := row[bc]; v != 0 {
					zrow := c.Z[si].RawRowView(k)
					for jj, j := range c.pc[si] {
						srow[j] -= v * zrow[jj]
					}
				}
			}
		}
	}
	// Far along the path the entries grow with λ and the pivots spread
	// with them while the solves stay usable (the corrector and the
	// tangent's angle check them): only a spread no float can carry
	// counts as singular.
	cd := c.slu.factor(c.S)
	return !(cd > 1e20 || math.IsNaN(cd))
}

// detSign is the sign of the determinant of the last factored M: the
// product of the signs of every block's and of the Schur complement's (the
// partition permutes rows and columns alike, which keeps the sign).
func (c *mpeSchur) detSign() float64 {
	if c.whole {
		_, s := c.dense.LogDet()
		return s
	}
	s := c.slu.detSign()
	for _, si := range c.sign {
		s *= si
	}
	return s
}

func (c *mpeSchur) factorWhole(M *mat.Dense) bool {
	c.whole = true
	c.dense.Factorize(M)
	cd := c.dense.Cond()
	return !(cd > 1e16 || math.IsNaN(cd))
}

// conditionOK drops gonum's mat.Condition warning: far along the path the
// system is badly scaled (entries grow with λ) and gonum's estimate of its
// condition passes 1e16 while the solution is still usable; factor has
// already refused the truly singular systems, and the corrector and the
// tangent's angle check every solution.
func conditionOK(err error) error {
	var c mat.Condition
	if errors.As(err, &c) {
		return nil
	}
	return err
}

// solveVec sets dst to M⁻¹ b for the last factored M.
func (c *mpeSchur) solveVec(dst *mat.VecDense, b *mat.VecDense) error {
	if c.whole {
		return conditionOK(dst.SolveVec(&c.dense, b))
	}
	if dst.IsEmpty() {
		dst.ReuseAsVec(c.n)
	}
	// Raw slices: this runs several times per path step, and the
	// accessors' cost showed in profiles.
	bv, dv := b.RawVector(), dst.RawVector()
	bd, dd := bv.Data, dv.Data
	at := func(i int) float64 { return bd[i*bv.Inc] }
	rr := c.rR.RawVector().Data
	for i, r := range c.ridx {
		rr[i] = at(r)
	}
	for si, bi := range c.bidx {
		y := c.y[si]
		inv := c.inv[si]
		nb := len(bi)
		for k := range y {
			s := 0.0
			row := inv[k*nb : (k+1)*nb]
			for j, r := range bi {
				s += row[j] * at(r)
			}
			y[k] = s
		}
		for ri, r := range c.rrows[si] {
			mrow := c.mrb[si].RawRowView(ri)
			s := 0.0
			for k, yk := range y {
				s += mrow[k] * yk
			}
			rr[c.rpos[r]] -= s
		}
	}
	c.slu.solve(rr)
	xr := rr
	for i, r := range c.ridx {
		dd[r*dv.Inc] = xr[i]
	}
	for si, bi := range c.bidx {
		for k, r := range bi {
			zrow := c.Z[si].RawRowView(k)
			s := c.y[si][k]
			for jj, j := range c.pc[si] {
				s -= zrow[jj] * xr[j]
			}
			dd[r*dv.Inc] = s
		}
	}
	return nil
}

// mpeLU is a dense LU factorisation (LAPACK's getrf, row-major) with its
// own triangular solves: gonum's solve of one right-hand side goes
// through a general matrix routine whose overhead dominated the path's
// solves.
type mpeLU struct {
	n    int
	a    []float64
	ipiv []int
	// simd: the triangular solves' dot products go through gonum's
	// assembly kernel, which sums in another order (so the bits of the
	// result differ from the plain loop's). Set on large systems, where
	// GMRES makes these solves the bulk of a path step; small systems keep
	// the plain loop and so their paths bit for bit.
	simd bool
}

// factor factors A (copied) and returns the ratio of its largest to its
// smallest pivot (+Inf when singular), a lower bound of its condition
// number: LAPACK's condition estimate (gecon) cost a fifth of the
// factorisation itself on large games, and the path needs only to
// refuse systems that are singular to working precision.
func (f *mpeLU) factor(A *mat.Dense) float64 {
	n, _ := A.Dims()
	if f.n != n {
		f.n = n
		f.a = make([]float64, n*n)
		f.ipiv = make([]int, n)
	}
	for i := 0; i < n; i++ {
		copy(f.a[i*n:(i+1)*n], A.RawRowView(i))
	}
	g := blas64.General{Rows: n, Cols: n, Stride: n, Data: f.a}
	if !lapack64.Getrf(g, f.ipiv) {
		return math.Inf(1)
	}
	lo, hi := math.Inf(1), 0.0
	for i := 0; i < n; i++ {
		v := math.Abs(f.a[i*n+i])
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if lo == 0 || math.IsNaN(lo) || math.IsNaN(hi) {
		return math.Inf(1)
	}
	return hi / lo
}

// detSign is the sign of the determinant of the factored matrix.
func (f *mpeLU) detSign() float64 {
	s := 1.0
	for i := 0; i < f.n; i++ {
		if f.ipiv[i] != i {
			s = -s
		}
		if f.a[i*f.n+i] < 0 {
			s = -s
		}
	}
	return s
}

// solve overwrites b with A⁻¹ b.
func (f *mpeLU) solve(b []float64) {
	n := f.n
	for i := 0; i < n; i++ {
		if p := f.ipiv[i]; p != i {
			b[i], b[p] = b[p], b[i]
		}
	}
	if f.simd {
		for i := 1; i < n; i++ {
			b[i] -= floats.Dot(f.a[i*n:i*n+i], b[:i])
		}
		for i := n - 1; i >= 0; i-- {
			b[i] = (b[i] - floats.Dot(f.a[i*n+i+1:(i+1)*n], b[i+1:n])) / f.a[i*n+i]
		}
		return
	}
	for i := 1; i < n; i++ {
		row := f.a[i*n : i*n+i]
		s := b[i]
		for j, v := range row {
			s -= v * b[j]
		}
		b[i] = s
	}
	for i := n - 1; i >= 0; i-- {
		row := f.a[i*n+i+1 : (i+1)*n]
		s := b[i]
		for j, v := range row {
			s -= v * b[i+1+j]
		}
		b[i] = s / f.a[i*n+i]
	}
}

// mpeSupportList lists, for every actor, non-terminal state and action in
// order, whether mpeSupportOf(sig, thr) counts it in the support.
func mpeSupportList(m *mpeModel, sig [][][]float64, thr float64) []bool {
	in := mpeSupportOf(sig, thr)
	var l []bool
	for a := 0; a < m.nA; a++ {
		for _, s := range m.nt {
			for k := range sig[a][s] {
				l = append(l, in(a, s, k))
			}
		}
	}
	return l
}

// mpeInvert writes into inv the inverse of the n×n row-major matrix a (left
// intact), by Gauss–Jordan elimination with partial pivoting in the
// scratch w (at least 2n² long). It returns the sign of a's determinant
// and its 1-norm condition number ‖a‖₁‖a⁻¹‖₁ (+Inf when singular).
func mpeInvert(n int, a, inv, w []float64) (float64, float64) {
	w = w[:2*n*n]
	// w holds [a | I] row by row, 2n wide.
	for i := 0; i < n; i++ {
		r := w[i*2*n : (i+1)*2*n]
		copy(r, a[i*n:(i+1)*n])
		clear(r[n:])
		r[n+i] = 1
	}
	sign := 1.0
	for c := 0; c < n; c++ {
		p, best := c, math.Abs(w[c*2*n+c])
		for r := c + 1; r < n; r++ {
			if v := math.Abs(w[r*2*n+c]); v > best {
				p, best = r, v
			}
		}
		if best == 0 || math.IsNaN(best) {
			return 0, math.Inf(1)
		}
		if p != c {
			rp, rc := w[p*2*n:(p+1)*2*n], w[c*2*n:(c+1)*2*n]
			for j := range rp {
				rp[j], rc[j] = rc[j], rp[j]
			}
			sign = -sign
		}
		rc := w[c*2*n : (c+1)*2*n]
		d := rc[c]
		if d < 0 {
			sign = -sign
		}
		for j := range rc {
			rc[j] /= d
		}
		for r := 0; r < n; r++ {
			if r == c {
				continue
			}
			rr := w[r*2*n : (r+1)*2*n]
			if f := rr[c]; f != 0 {
				for j := range rr {
					rr[j] -= f * rc[j]
				}
			}
		}
	}
	var na, ni float64
	for j := 0; j < n; j++ {
		var sa, si float64
		for i := 0; i < n; i++ {
			inv[i*n+j] = w[i*2*n+n+j]
			sa += math.Abs(a[i*n+j])
			si += math.Abs(inv[i*n+j])
		}
		na, ni = math.Max(na, sa), math.Max(ni, si)
	}
	return sign, na * ni
}
