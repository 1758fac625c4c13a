package equilibrium

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/markov"
	"gonum.org/v1/gonum/mat"
)

// Options tunes Solve. The zero value asks for the defaults.
type Options struct {
	// Method is "auto" (default), "iterate", "homotopy", "shapley" or
	// "policy" (policy iteration from uniform play, mpe_policy.go).
	Method string
	// Tol is the largest one-shot deviation gain accepted as an equilibrium
	// (default 1e-9, in the actors' utility units).
	Tol float64
	// MaxIter caps sweeps (iterate, shapley) or path steps (homotopy);
	// 0 = the method's default.
	MaxIter int
	// Progress, when non-nil, is called now and then with a short status.
	Progress func(status string)

	// For tests: autoFirstSteps > 0 replaces mpeAutoFirstSteps (auto then
	// pauses a small game's path early and goes through its later turns);
	// krylovAlways makes the homotopy correct by GMRES at every size (see
	// mpeKrylovMinUnknowns).
	autoFirstSteps int
	krylovAlways   bool
	// policyNoPolish turns off policy iteration's polish of near
	// equilibria on settled supports (mpePolicyPolishGain).
	policyNoPolish bool
}

// Result is a stationary Markov strategy profile found by Solve and
// its certificate. It is an equilibrium only when Converged is true.
type Result struct {
	// Strategies[a][s] is actor a's distribution over Avail[s][a] in state s
	// (nil for terminal states).
	Strategies [][][]float64
	// Values[a][s] is actor a's expected discounted utility (weighted sum of
	// components) from state s on under Strategies; for a terminal state it
	// is the utility paid on entering it.
	Values [][]float64
	// MaxDeviationGain is the largest gain any actor gets from a one-shot
	// deviation in any state: 0 in an exact MPE.
	MaxDeviationGain float64
	// Converged is true when MaxDeviationGain <= Tol.
	Converged bool
	// Method is the method that produced this profile.
	Method string
	// Iterations counts sweeps or path steps of that method.
	Iterations int
	// Reason says why the method stopped when it did not converge, or notes
	// a fallback taken by "auto".
	Reason string
	// Timed[t][a][s] and TimedValues[t][a][s], in a clocked game, are
	// the play and values at step t < Clock found by backward induction
	// (clock.go); Strategies and Values hold from step Clock on.
	Timed       [][][][]float64
	TimedValues [][][]float64
}

// Profile returns the result as a memoryless Profile for Analyze/Simulate.
func (r *Result) Profile(g *markov.Game) markov.Profile {
	p := make(markov.Profile, len(g.Actors))
	for a := range p {
		base := make([][]float64, len(g.States))
		for s := range base {
			if a < len(r.Strategies) && s < len(r.Strategies[a]) && r.Strategies[a][s] != nil {
				base[s] = append([]float64(nil), r.Strategies[a][s]...)
			}
		}
		p[a] = markov.Strategy{Base: base}
		if len(r.Timed) > 0 {
			p[a].Timed = make([][][]float64, len(r.Timed))
			for t := range r.Timed {
				p[a].Timed[t] = r.Timed[t][a]
			}
		}
	}
	return p
}

const (
	mpeDefaultTol = 1e-9
	// mpePolishSVDMax bounds the size of support systems solved by the
	// (slow) pseudo-inverse when they are singular.
	mpePolishSVDMax = 200
)

// Solve computes a stationary Markov-perfect equilibrium of g. A result
// whose Converged is false is the method's last iterate, not an equilibrium;
// its MaxDeviationGain says how far from one it is. An error means the game
// is malformed or ctx was cancelled before any profile was found.
func Solve(ctx context.Context, g *markov.Game, opt Options) (*Result, error) {
	if g != nil && g.Clock > 0 {
		if err := g.Validate(); err != nil {
			return nil, fmt.Errorf("solve MPE: %w", err)
		}
		return solveClocked(ctx, g, opt)
	}
	if err := g.ValidateDiscounted(); err != nil {
		return nil, fmt.Errorf("solve MPE: %w", err)
	}
	if opt.Tol <= 0 {
		opt.Tol = mpeDefaultTol
	}
	m, err := newMPEModel(ctx, g)
	if err != nil {
		return nil, fmt.Errorf("solve MPE: %w", err)
	}
	switch opt.Method {
	case "", "auto":
		return mpeAuto(ctx, m, opt)
	case "iterate":
		return mpeIterate(ctx, m, opt)
	case "policy":
		return mpePolicyIterate(ctx, m, opt, nil, 0)
	case "homotopy":
		return mpeHomotopy(ctx, m, opt)
	case "shapley":
		if why := m.zeroSumReason(); why != "" {
			return nil, fmt.Errorf("solve MPE: method shapley needs a two-actor zero-sum game: %s", why)
		}
		return mpeShapley(ctx, m, opt)
	default:
		return nil, fmt.Errorf("solve MPE: unknown method %q (want auto, iterate, homotopy, shapley or policy)", opt.Method)
	}
}

// auto's first turns. The homotopy goes first, for at most
// mpeAutoFirstSteps path steps and at most mpeAutoFirstWork floating-point
// operations of its dense factorisations (one per trial step, about
// ⅔·(actors·states+1)³ each), and, under a deadline, half the time left;
// then value iteration for at most mpeAutoFirstSweeps sweeps; then each
// goes on from where it stopped up to its own cap. The caps are counts,
// not times, so that without a deadline the answer is the same on every
// machine. 1,000 steps is longer than the path of every literature-grade
// test and of the benchmark games up to 200 states (at most 911), except
// the 50-state three-actor one, which would otherwise spend 9 of its 12
// CPU-s on the path before value iteration converges.
// (Options.autoFirstSteps replaces it in tests.)
const (
	mpeAutoFirstSteps  = 1000
	mpeAutoFirstWork   = 2e10
	mpeAutoMinSteps    = 3
	mpeAutoFirstSweeps = 2000
)

// mpeAutoPolicyIter caps each of auto's eight runs of policy iteration
// (from the path's point where auto paused it and from uniform play,
// with the values the stage games are solved at damped by each of
// mpeAutoPolicyDampingOf in turn: 1 is plain policy iteration), and of
// its random runs below. Games above about 200 two-actor states evaluate
// by sparse sweeps (policySparse); above about 670 the runs are skipped
// (mpeAutoPolicyIters). Which run certifies an
// equilibrium, if any, varies from game to game: on the 400-state random
// games of seeds 10–60, with at most 200 iterations a run, each of the
// eight certified one on 7–22 of the 51, all eight together on 45, after
// 19–191 iterations (one of the runs damped by ½ or ⅒ on 10 where the
// first four failed; seeds 25 and 27 needed more than the 100 iterations
// a run had before).
const (
	mpeAutoPolicyIter    = 200
	mpeAutoPolicyMinIter = 50
)

// mpeAutoPolicyDamping lists the damping of auto's runs of policy
// iteration, two runs each, in order (mpePolicyIterateDamped's beta).
var mpeAutoPolicyDamping = []float64{1, 0.25, 0.5, 0.1}

// When those eight runs fail, auto runs policy iteration from up to
// mpeAutoPolicyRandom random profiles (mpeModel.randomPlay, drawn in
// turn from one stream of the fixed seed mpeAutoPolicySeed, so the same
// on every machine), damped by ½ and ¼ in turn, each capped as above.
// Of the 400-state random games of seeds 10–60, the eight runs fail on
// six (35, 36, 39, 41, 51, 58); the random starts certify one on all
// six, by the first to the sixth draw (auto 4.5–7.8 CPU-s, load 10–17).
const (
	mpeAutoPolicyRandom = 8
	mpeAutoPolicySeed   = 1
)

// mpeAutoPolicyIters is the iteration cap of each of auto's runs of
// policy iteration on m: mpeAutoPolicyIter, or 0 (no runs) where the
// runs could not polish (policyNoPolish: above about 670 two-actor
// states). Without the polish they certified none of the 1,000-state
// random games of seeds 6–9 and cost 11–20 CPU-s each before value
// iteration (seed 6: 20.5 instead of 9.3 CPU-s).
func mpeAutoPolicyIters(m *mpeModel) int {
	if m.policyNoPolish() {
		return 0
	}
	return mpeAutoPolicyIter
}

// mpeAutoPolicyDampingOf is the damping of auto's runs on m, in order:
// mpeAutoPolicyDamping for two actors; for three or more the damped runs
// first, whose stage games (package nash's logit path, about ten times
// the cost of a 2 × 2 one) change less from one iteration to the next:
// on the 50-state three-actor random games of seeds 2, 3 and 6 the
// plain runs that fail cost 0.7–4.0 CPU-s each, the damped ones 0.4–0.9.
func mpeAutoPolicyDampingOf(m *mpeModel) []float64 {
	if m.nA == 2 {
		return mpeAutoPolicyDamping
	}
	return []float64{0.5, 0.25, 0.1, 1}
}

// mpeAutoFirstStepCap is the homotopy's first turn in auto on m, in path
// steps.
func mpeAutoFirstStepCap(m *mpeModel, opt Options) int {
	steps := mpeAutoFirstSteps
	if opt.autoFirstSteps > 0 {
		steps = opt.autoFirstSteps
	}
	nr := float64(m.nA*len(m.nt) + 1)
	c := mpeAutoFirstWork / (2.0 / 3 * nr * nr * nr)
	return int(math.Max(mpeAutoMinSteps, math.Min(float64(steps), c)))
}

// mpeAuto picks Shapley for zero-sum two-actor games, else the homotopy,
// interleaved with value iteration (see mpeAutoFirstSteps) so that a long
// path does not keep value iteration from a quick answer, nor a cycling
// iteration the path from its. A failure's reason, errors included (a
// memory refusal), is kept in the final result's Reason or error.
func mpeAuto(ctx context.Context, m *mpeModel, opt Options) (*Result, error) {
	var why []string // every failure so far, in order
	var errs []error // the errors among them
	var best *Result // the closest to an equilibrium so far
	keep := func(r *Result, err error, name string) bool {
		switch {
		case err != nil:
			why = append(why, name+": "+err.Error())
			errs = append(errs, err)
		case r.Converged:
			return true
		default:
			why = append(why, name+": "+r.Reason)
			if best == nil || r.MaxDeviationGain < best.MaxDeviationGain {
				best = r
			}
		}
		return false
	}
	if m.zeroSumReason() == "" {
		if r, err := mpeShapley(ctx, m, opt); keep(r, err, "Shapley iteration") {
			return r, nil
		}
	}
	var path *mpePath
	var iter *mpeIter
	path, err := mpeTraceStart(m, opt, nil)
	if err != nil {
		why = append(why, "homotopy: "+err.Error())
		errs = append(errs, err)
	}
	pathResult := func(sig [][][]float64, reason string) (*Result, error) {
		return m.result(sig, "homotopy", path.steps(), opt.Tol, reason)
	}
	// runPath gives the path its turn up to limit steps (with hctx's
	// deadline); it reports whether an equilibrium was found, and drops
	// the path when it has ended. pausedAt is the path's point when it
	// paused at its step limit.
	var pausedAt [][][]float64
	runPath := func(hctx context.Context, limit int, last bool) (*Result, bool) {
		sig, reason, st := path.advance(hctx, limit)
		switch {
		case st == mpePathStopped && ctx.Err() != nil:
			return nil, false
		case st == mpePathCapped && !last:
			pausedAt = sig
			return nil, false
		case st == mpePathStopped:
			return nil, false // paused
		case st == mpePathCapped:
			sig, reason = path.finish(fmt.Sprintf("no confirmed equilibrium after %d path steps", path.steps()))
		}
		r, err := pathResult(sig, reason)
		path = nil
		return r, keep(r, err, "homotopy")
	}
	runIter := func(limit int, last bool) (*Result, bool) {
		if iter == nil {
			var err error
			if iter, err = mpeIterateStart(m, opt, mpeStageDefault, nil); err != nil {
				why = append(why, "value iteration: "+err.Error())
				errs = append(errs, err)
				return nil, false
			}
		}
		r, st, err := iter.advance(ctx, limit)
		switch {
		case st == mpePathStopped:
			return nil, false
		case st == mpePathCapped && !last:
			return nil, false
		case st == mpePathCapped:
			r, err = iter.finish()
		}
		iter = nil
		return r, keep(r, err, "value iteration")
	}
	if path != nil {
		hctx, cancel := ctx, context.CancelFunc(func() {})
		if dl, ok := ctx.Deadline(); ok {
			hctx, cancel = context.WithDeadline(ctx, time.Now().Add(time.Until(dl)/2))
		}
		r, ok := runPath(hctx, min(path.maxSteps, mpeAutoFirstStepCap(m, opt)), false)
		cancel()
		if ok {
			return r, nil
		}
	}
	// Policy iteration, from the path's point where it paused and from
	// uniform play, plain and damped, each for at most mpeAutoPolicyIters
	// iterations.
	var policyWhy []string
	if its := mpeAutoPolicyIters(m); its > 0 && ctx.Err() == nil {
		type start struct {
			sig  [][][]float64
			name string
			beta float64
		}
		var starts []start
		for _, beta := range mpeAutoPolicyDampingOf(m) {
			what := ""
			if beta < 1 {
				what = fmt.Sprintf(" with values damped by %g", beta)
			}
			if pausedAt != nil {
				starts = append(starts, start{pausedAt, fmt.Sprintf("the logit path's point after %d steps%s", path.steps(), what), beta})
			}
			starts = append(starts, start{m.uniform(), "uniform play" + what, beta})
		}
		rng := rand.New(rand.NewPCG(mpeAutoPolicySeed, 0))
		for i := 0; i < mpeAutoPolicyRandom; i++ {
			beta := []float64{0.5, 0.25}[i%2]
			starts = append(starts, start{m.randomPlay(rng), fmt.Sprintf("random play (draw %d of seed %d) with values damped by %g", i+1, mpeAutoPolicySeed, beta), beta})
		}
		for _, st := range starts {
			if ctx.Err() != nil {
				break
			}
			r, err := mpePolicyIterateDamped(ctx, m, opt, st.sig, its, st.beta)
			n := len(why)
			if keep(r, err, "policy iteration from "+st.name) {
				if path != nil {
					r.Reason = fmt.Sprintf("selected by policy iteration from %s, not by the logit path's limit: the path had not ended after %d steps, the share auto gives it before trying policy and value iteration", st.name, path.steps())
				} else {
					r.Reason = strings.Join(why, "; ") + "; policy iteration from " + st.name + " used instead"
				}
				return r, nil
			}
			policyWhy = append(policyWhy, why[n:]...)
		}
	}
	if ctx.Err() == nil {
		sweeps := mpeIterateMaxSweeps
		if opt.MaxIter > 0 {
			sweeps = opt.MaxIter
		}
		if path != nil {
			sweeps = min(sweeps, mpeAutoFirstSweeps)
		}
		r, ok := runIter(sweeps, path == nil)
		if ok {
			if path != nil {
				r.Reason = fmt.Sprintf("selected by value iteration, not by the logit path's limit: the path had not ended after %d steps, the share auto gives it before trying value iteration", path.steps())
				if len(policyWhy) > 0 {
					r.Reason = fmt.Sprintf("selected by value iteration, not by the logit path's limit: the path had not ended after %d steps, the share auto gives it before trying policy and value iteration, and policy iteration found none (%s)", path.steps(), strings.Join(policyWhy, "; "))
				}
			} else {
				r.Reason = strings.Join(why, "; ") + "; value iteration used instead"
			}
			return r, nil
		}
	}
	if path != nil && ctx.Err() == nil {
		if r, ok := runPath(ctx, path.maxSteps, true); ok {
			return r, nil
		}
	}
	if iter != nil && ctx.Err() == nil {
		if r, ok := runIter(iter.maxSweeps, true); ok {
			r.Reason = strings.Join(why, "; ") + "; value iteration used instead"
			return r, nil
		}
	}
	if err := ctx.Err(); err != nil {
		why = append(why, "stopped: "+err.Error())
		errs = append(errs, err)
	}
	if best == nil {
		return nil, fmt.Errorf("solve MPE: %w", &mpeAutoError{why, errs})
	}
	best.Reason = strings.Join(why, "; ")
	return best, nil
}

// mpeAutoError is auto's failure when no method left a profile: every
// method's reason in order, and the errors among them (a memory refusal,
// the context's end) for errors.Is and errors.As.
type mpeAutoError struct {
	why  []string
	errs []error
}

func (e *mpeAutoError) Error() string   { return strings.Join(e.why, "; ") }
func (e *mpeAutoError) Unwrap() []error { return e.errs }

// mpeModel is a Game flattened for the solvers: utilities already weighted,
// joint actions decoded once.
type mpeModel struct {
	g      *markov.Game
	nA, nS int
	disc   []float64
	nt     []int   // non-terminal states
	ntIdx  []int   // state -> position in nt, -1 for terminal
	K      [][]int // K[s][a] actions of a in s
	nJ     []int
	kpos   [][]int     // kpos[s][j*nA+a] position of a's action in joint j
	uflow  [][]float64 // uflow[s][j*nA+a] weighted flow utility
	entry  [][]float64 // entry[s][a] weighted entry utility (terminal states)
	trans  [][][]markov.Next
	// succ[s] lists, in increasing order, the positions in nt of the
	// non-terminal states reachable from s in one step: the only values
	// a state's action values depend on, which keeps every Jacobian row
	// sparse in the states.
	succ  [][]int
	scale float64 // largest |utility|, at least 1e-300
	// ctx is the context of the solve the model was made for: its memory
	// budget is asked before every dense matrix, and long loops stop when
	// it is done. A model lives for one call, never longer.
	ctx context.Context
}

// mpeModelBytes estimates the memory of the model of g: per state and
// joint action, a position and a utility per actor.
func mpeModelBytes(g *markov.Game) int64 {
	var n int64
	for s := range g.States {
		n = budget.Add(n, budget.Mul(int64(g.NumJoint(s)), int64(len(g.Actors)), 16))
	}
	return n
}

// newMPEModel flattens g for the solvers, after asking the budget in ctx.
func newMPEModel(ctx context.Context, g *markov.Game) (*mpeModel, error) {
	if err := budget.Check(ctx, "the equilibrium solver's payoff tables (states × joint actions × actors)", mpeModelBytes(g),
		"use fewer actions per actor or fewer states"); err != nil {
		return nil, err
	}
	nA, nS, nC := len(g.Actors), len(g.States), len(g.Components)
	m := &mpeModel{g: g, nA: nA, nS: nS, trans: g.Trans, ctx: ctx}
	m.disc = make([]float64, nA)
	for a, act := range g.Actors {
		m.disc[a] = act.Discount
	}
	m.ntIdx = make([]int, nS)
	m.K = make([][]int, nS)
	m.nJ = make([]int, nS)
	m.kpos = make([][]int, nS)
	m.uflow = make([][]float64, nS)
	m.entry = make([][]float64, nS)
	util := func(vec []float64, a int) float64 {
		if len(vec) == 0 {
			return 0
		}
		u := 0.0
		for c := 0; c < nC; c++ {
			u += g.Actors[a].Weights[c] * vec[a*nC+c]
		}
		return u
	}
	for s, st := range g.States {
		m.entry[s] = make([]float64, nA)
		if st.Terminal {
			m.ntIdx[s] = -1
			for a := 0; a < nA; a++ {
				m.entry[s][a] = util(g.Entry[s], a)
				m.scale = math.Max(m.scale, math.Abs(m.entry[s][a]))
			}
			continue
		}
		m.ntIdx[s] = len(m.nt)
		m.nt = append(m.nt, s)
		m.K[s] = make([]int, nA)
		for a := 0; a < nA; a++ {
			m.K[s][a] = len(g.Avail[s][a])
		}
		nj := g.NumJoint(s)
		m.nJ[s] = nj
		m.kpos[s] = make([]int, nj*nA)
		m.uflow[s] = make([]float64, nj*nA)
		for j := 0; j < nj; j++ {
			g.Decode(s, j, m.kpos[s][j*nA:(j+1)*nA])
			for a := 0; a < nA; a++ {
				u := util(g.Flow[s][j], a)
				m.uflow[s][j*nA+a] = u
				m.scale = math.Max(m.scale, math.Abs(u))
			}
		}
	}
	if m.scale == 0 {
		m.scale = 1
	}
	m.initSucc()
	return m, nil
}

// initSucc fills m.succ from m.trans.
func (m *mpeModel) initSucc() {
	m.succ = make([][]int, m.nS)
	seen := make([]int, len(m.nt))
	for i := range seen {
		seen[i] = -1
	}
	for _, s := range m.nt {
		var l []int
		for _, nxs := range m.trans[s] {
			for _, nx := range nxs {
				if t := m.ntIdx[nx.State]; t >= 0 && seen[t] != s {
					seen[t] = s
					l = append(l, t)
				}
			}
		}
		slices.Sort(l)
		m.succ[s] = l
	}
}

// newMPEStageModel wraps a one-shot N-player game (payoffs in Gambit order,
// pay[j*N+a]) as a one-state model with no future, so that the Markov
// solvers also solve stage games.
func newMPEStageModel(ctx context.Context, shape []int, pay []float64) *mpeModel {
	nA := len(shape)
	nj := len(pay) / nA
	m := &mpeModel{nA: nA, nS: 1, nt: []int{0}, ntIdx: []int{0}, disc: make([]float64, nA), ctx: ctx}
	m.K = [][]int{append([]int(nil), shape...)}
	m.nJ = []int{nj}
	m.kpos = [][]int{make([]int, nj*nA)}
	m.uflow = [][]float64{pay}
	m.entry = [][]float64{make([]float64, nA)}
	self := []markov.Next{{State: 0, P: 1}}
	m.trans = [][][]markov.Next{make([][]markov.Next, nj)}
	for j := 0; j < nj; j++ {
		r := j
		for a := 0; a < nA; a++ {
			m.kpos[0][j*nA+a] = r % shape[a]
			r /= shape[a]
		}
		m.trans[0][j] = self
		for a := 0; a < nA; a++ {
			m.scale = math.Max(m.scale, math.Abs(pay[j*nA+a]))
		}
	}
	if m.scale == 0 {
		m.scale = 1
	}
	m.initSucc()
	return m
}

// zeroSumReason returns "" when the game is a two-actor zero-sum game in
// utilities with a common discount factor, else why it is not.
func (m *mpeModel) zeroSumReason() string {
	if m.nA != 2 {
		return fmt.Sprintf("it has %d actors", m.nA)
	}
	if m.disc[0] != m.disc[1] {
		return "the actors' discount factors differ"
	}
	tol := 1e-12 * m.scale
	for s := 0; s < m.nS; s++ {
		if m.ntIdx[s] < 0 {
			if math.Abs(m.entry[s][0]+m.entry[s][1]) > tol {
				return fmt.Sprintf("entry payoffs of state %s do not sum to zero", m.stateID(s))
			}
			continue
		}
		for j := 0; j < m.nJ[s]; j++ {
			if math.Abs(m.uflow[s][2*j]+m.uflow[s][2*j+1]) > tol {
				return fmt.Sprintf("flow payoffs in state %s do not sum to zero", m.stateID(s))
			}
		}
	}
	return ""
}

func (m *mpeModel) stateID(s int) string {
	if m.g != nil {
		return m.g.States[s].ID
	}
	return fmt.Sprint(s)
}

// uniform returns the profile that mixes uniformly everywhere.
// randomPlay is a profile drawn from r: every actor's distribution in
// every non-terminal state uniform on the simplex (normalised
// exponentials), every probability positive.
func (m *mpeModel) randomPlay(r *rand.Rand) [][][]float64 {
	sig := m.uniform()
	for a := range sig {
		for _, s := range m.nt {
			tot := 0.0
			for k := range sig[a][s] {
				sig[a][s][k] = r.ExpFloat64() + 1e-3
				tot += sig[a][s][k]
			}
			for k := range sig[a][s] {
				sig[a][s][k] /= tot
			}
		}
	}
	return sig
}

func (m *mpeModel) uniform() [][][]float64 {
	sig := make([][][]float64, m.nA)
	for a := range sig {
		sig[a] = make([][]float64, m.nS)
		for _, s := range m.nt {
			k := m.K[s][a]
			sig[a][s] = make([]float64, k)
			for i := range sig[a][s] {
				sig[a][s][i] = 1 / float64(k)
			}
		}
	}
	return sig
}

// cont is what actor a gets on arriving in state s given values V.
func (m *mpeModel) cont(V [][]float64, a, s int) float64 {
	if m.ntIdx[s] < 0 {
		return m.entry[s][a]
	}
	return V[a][s]
}

// stagePayoff writes into u[j*nA+a] the stage-game payoff in state s given
// continuation values V: flow plus discounted expected continuation.
func (m *mpeModel) stagePayoff(s int, V [][]float64, u []float64) {
	nA := m.nA
	for j := 0; j < m.nJ[s]; j++ {
		for a := 0; a < nA; a++ {
			c := 0.0
			for _, nx := range m.trans[s][j] {
				c += nx.P * m.cont(V, a, nx.State)
			}
			u[j*nA+a] = m.uflow[s][j*nA+a] + m.disc[a]*c
		}
	}
}

// actionValues writes into q[a][k] the expected stage payoff u of each
// action k of each actor a in state s against the others' play sig.
func (m *mpeModel) actionValues(s int, sig [][][]float64, u []float64, q [][]float64) {
	nA := m.nA
	for a := 0; a < nA; a++ {
		for k := range q[a][:m.K[s][a]] {
			q[a][k] = 0
		}
	}
	for j := 0; j < m.nJ[s]; j++ {
		kp := m.kpos[s][j*nA : (j+1)*nA]
		for a := 0; a < nA; a++ {
			w := 1.0
			for b := 0; b < nA; b++ {
				if b != a {
					w *= sig[b][s][kp[b]]
				}
			}
			if w != 0 {
				q[a][kp[a]] += w * u[j*nA+a]
			}
		}
	}
}

// evaluate returns every actor's value of the stationary profile sig, by
// solving (I - δ_a P_σ) V_a = r_a over the non-terminal states.
func (m *mpeModel) evaluate(sig [][][]float64) ([][]float64, error) {
	V, solve, err := m.valuesStart()
	if !solve || err != nil {
		return V, err
	}
	n, nA := len(m.nt), m.nA
	for a := 0; a < nA; a++ {
		if err := m.ctx.Err(); err != nil {
			return nil, err
		}
		A := mat.NewDense(n, n, nil)
		rhs := mat.NewVecDense(n, nil)
		for i, s := range m.nt {
			rhs.SetVec(i, m.bellmanRow(sig, a, s, i, A.RawRowView(i)))
		}
		var x mat.VecDense
		if err := x.SolveVec(A, rhs); err != nil {
			return nil, fmt.Errorf("evaluating profile: %w", err)
		}
		for i, s := range m.nt {
			V[a][s] = x.AtVec(i)
		}
	}
	return V, nil
}

// valuesStart is evaluate's and policyValues' common start: the values
// with the terminal states' entry utilities filled in, and whether there
// are non-terminal states to solve for (after the memory check of their
// dense system).
func (m *mpeModel) valuesStart() (V [][]float64, solve bool, err error) {
	V = make([][]float64, m.nA)
	for a := range V {
		V[a] = make([]float64, m.nS)
		for s := 0; s < m.nS; s++ {
			if m.ntIdx[s] < 0 {
				V[a][s] = m.entry[s][a]
			}
		}
	}
	n := len(m.nt)
	if n == 0 {
		return V, false, nil
	}
	if err := denseCheck(m.ctx, "the profile's value equations", n, "use fewer states"); err != nil {
		return nil, false, err
	}
	return V, true, nil
}

// bellmanRow writes row i of actor a's value equations under sig, the
// row of I − δ·P_sig for non-terminal state s (row is zero on entry), and
// returns its right-hand side: the expected flow plus the discounted entry
// payoffs of the terminal states reached. evaluate and policyValues
// (policy iteration's cheaper solve) share it, so both solve the same
// system.
func (m *mpeModel) bellmanRow(sig [][][]float64, a, s, i int, row []float64) float64 {
	nA := m.nA
	row[i] = 1
	r := 0.0
	for j := 0; j < m.nJ[s]; j++ {
		kp := m.kpos[s][j*nA : (j+1)*nA]
		pj := 1.0
		for b := 0; b < nA; b++ {
			pj *= sig[b][s][kp[b]]
		}
		if pj == 0 {
			continue
		}
		r += pj * m.uflow[s][j*nA+a]
		for _, nx := range m.trans[s][j] {
			w := pj * nx.P * m.disc[a]
			if t := m.ntIdx[nx.State]; t >= 0 {
				row[t] -= w
			} else {
				r += w * m.entry[nx.State][a]
			}
		}
	}
	return r
}

// certificate evaluates sig exactly and returns the largest one-shot
// deviation gain and the values.
func (m *mpeModel) certificate(sig [][][]float64) (float64, [][]float64, error) {
	V, err := m.evaluate(sig)
	if err != nil {
		return math.Inf(1), nil, err
	}
	return m.gainAt(sig, V), V, nil
}

// gainAt is the largest one-shot deviation gain of sig when the values
// are V (+Inf when it is NaN).
func (m *mpeModel) gainAt(sig [][][]float64, V [][]float64) float64 {
	gain := 0.0
	q := m.newQ()
	for _, s := range m.nt {
		u := make([]float64, m.nJ[s]*m.nA)
		m.stagePayoff(s, V, u)
		m.actionValues(s, sig, u, q)
		for a := 0; a < m.nA; a++ {
			cur, best := 0.0, math.Inf(-1)
			for k := 0; k < m.K[s][a]; k++ {
				cur += sig[a][s][k] * q[a][k]
				best = math.Max(best, q[a][k])
			}
			gain = math.Max(gain, best-cur)
		}
	}
	if math.IsNaN(gain) {
		gain = math.Inf(1)
	}
	return gain
}

func (m *mpeModel) newQ() [][]float64 {
	maxK := 1
	for _, s := range m.nt {
		for _, k := range m.K[s] {
			maxK = max(maxK, k)
		}
	}
	q := make([][]float64, m.nA)
	for a := range q {
		q[a] = make([]float64, maxK)
	}
	return q
}

// result packages a profile with its exact values and certificate.
func (m *mpeModel) result(sig [][][]float64, method string, iters int, tol float64, reason string) (*Result, error) {
	gain, V, err := m.certificate(sig)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	r := &Result{Strategies: sig, Values: V, MaxDeviationGain: gain, Converged: gain <= tol,
		Method: method, Iterations: iters, Reason: reason}
	if !r.Converged && r.Reason == "" {
		r.Reason = fmt.Sprintf("largest one-shot deviation gain %.3g exceeds tolerance %.3g", gain, tol)
	}
	return r, nil
}

// copyProfile deep-copies sig.
func mpeCopy(sig [][][]float64) [][][]float64 {
	out := make([][][]float64, len(sig))
	for a := range sig {
		out[a] = make([][]float64, len(sig[a]))
		for s := range sig[a] {
			if sig[a][s] != nil {
				out[a][s] = append([]float64(nil), sig[a][s]...)
			}
		}
	}
	return out
}

// mpeDist is the largest absolute difference between two profiles.
func mpeDist(x, y [][][]float64) float64 {
	d := 0.0
	for a := range x {
		for s := range x[a] {
			for k := range x[a][s] {
				d = math.Max(d, math.Abs(x[a][s][k]-y[a][s][k]))
			}
		}
	}
	return d
}

// polish refines a near-equilibrium sig by Newton's method on the system
// that fixes each actor's support in each state: every supported action
// earns the state's value, probabilities sum to one, and values solve the
// Bellman equations. It returns the refined profile when it is a valid
// distribution, with its certificate.
func (m *mpeModel) polish(sig [][][]float64, V [][]float64, support func(a, s, k int) bool) ([][][]float64, float64, bool) {
	nA := m.nA
	// index unknowns: per (a, s) the supported σ then V_as
	type block struct {
		off  int
		supp []int // supported positions
		col  []int // column of each position or -1
	}
	blocks := make([][]block, nA)
	n := 0
	for a := 0; a < nA; a++ {
		blocks[a] = make([]block, m.nS)
		for _, s := range m.nt {
			b := block{off: n, col: make([]int, m.K[s][a])}
			for k := 0; k < m.K[s][a]; k++ {
				b.col[k] = -1
				if support(a, s, k) {
					b.col[k] = n + len(b.supp)
					b.supp = append(b.supp, k)
				}
			}
			if len(b.supp) == 0 {
				return nil, 0, false
			}
			n += len(b.supp) + 1
			blocks[a][s] = b
		}
	}
	vcol := func(a, s int) int { b := blocks[a][s]; return b.off + len(b.supp) }
	// The polish only speeds up or sharpens convergence: a support system
	// too large for the memory budget is skipped, not an error.
	if denseCheck(m.ctx, "the polish's Newton matrix", n, "") != nil {
		return nil, 0, false
	}
	x := make([]float64, n)
	cur := mpeCopy(sig)
	for a := 0; a < nA; a++ {
		for _, s := range m.nt {
			b := blocks[a][s]
			tot := 0.0
			for _, k := range b.supp {
				tot += sig[a][s][k]
			}
			for k := range cur[a][s] {
				cur[a][s][k] = 0
			}
			for i, k := range b.supp {
				p := 1 / float64(len(b.supp))
				if tot > 0 {
					p = sig[a][s][k] / tot
				}
				x[b.off+i] = p
				cur[a][s][k] = p
			}
			x[vcol(a, s)] = V[a][s]
		}
	}
	Vc := make([][]float64, nA)
	for a := range Vc {
		Vc[a] = make([]float64, m.nS)
	}
	unpack := func() {
		for a := 0; a < nA; a++ {
			for _, s := range m.nt {
				b := blocks[a][s]
				for i, k := range b.supp {
					cur[a][s][k] = x[b.off+i]
				}
				Vc[a][s] = x[vcol(a, s)]
			}
		}
	}
	F := make([]float64, n)
	J := mat.NewDense(n, n, nil)
	d := m.newDeriv()
	var lu mat.LU
	fv := mat.NewVecDense(n, F)
	var dx mat.VecDense
	// assemble fills F and, when withJ, the Jacobian J at x.
	assemble := func(withJ bool) {
		unpack()
		if withJ {
			J.Zero()
		}
		for _, s := range m.nt {
			m.deriv(s, cur, Vc, d)
			for a := 0; a < nA; a++ {
				b := blocks[a][s]
				row := b.off
				for _, k := range b.supp {
					F[row] = d.Q[a][k] - Vc[a][s]
					if withJ {
						J.Set(row, vcol(a, s), -1)
						for bb := 0; bb < nA; bb++ {
							if bb == a {
								continue
							}
							ob := blocks[bb][s]
							for mm, c := range ob.col {
								if c >= 0 {
									J.Set(row, c, J.At(row, c)+d.dS[a][k][bb][mm])
								}
							}
						}
						for _, ti := range m.succ[s] {
							if v := d.dV[a][k][ti]; v != 0 {
								c := vcol(a, m.nt[ti])
								J.Set(row, c, J.At(row, c)+v)
							}
						}
					}
					row++
				}
				sum := -1.0
				for i := range b.supp {
					sum += x[b.off+i]
					if withJ {
						J.Set(row, b.off+i, 1)
					}
				}
				F[row] = sum
			}
		}
	}
	// Newton–chord on large systems (mpeChordMinUnknowns or more): the LU
	// of the first Jacobian is reused while each step cuts the residual at
	// least fourfold, so a large game's support system is factored once or
	// twice instead of at every step. Small systems (every stage game of
	// value iteration) keep plain Newton: the factorisation is cheap there,
	// and value iteration's course is sensitive to the last bits of its
	// stage equilibria (with the chord the 50-state three-actor game took
	// 369 sweeps instead of 255). A singular system takes the
	// pseudo-inverse path, a fresh SVD per step.
	chord := n >= mpeChordMinUnknowns
	res0, prevRes := 0.0, math.Inf(1)
	haveLU := false
	for it := 0; it < 25; it++ {
		if m.ctx.Err() != nil {
			return nil, 0, false
		}
		assemble(!haveLU)
		res := 0.0
		for _, f := range F {
			res = math.Max(res, math.Abs(f))
		}
		if res <= 1e-14*m.scale && it > 0 {
			break
		}
		// Newton from a good start converges in a few steps; a residual
		// that grows means the guessed support is wrong.
		if it == 0 {
			res0 = res
		} else if !(res <= 1e3*res0+1e-12*m.scale) {
			return nil, 0, false
		}
		if haveLU && res > 0.25*prevRes {
			assemble(true)
			haveLU = false
		}
		if !haveLU {
			// A support system above the SVD's size that is singular
			// for its pattern alone (the 400-state benchmark path's
			// supports at λ ≈ 279 and 836: an actor mixing in a state
			// where the other plays pure, with no mixing elsewhere that
			// sets its indifference) fails the condition test below;
			// a matching finds that without the dense factorisation.
			if it == 0 && n > mpePolishSVDMax && mpeStructurallySingular(J) {
				return nil, 0, false
			}
			lu.Factorize(J)
		}
		if haveLU || lu.Cond() < 1e12 {
			if err := dx.SolveVec(&lu, fv); err != nil {
				return nil, 0, false
			}
			haveLU = chord
		} else if n <= mpePolishSVDMax {
			// A minimum-norm step that no longer reduces the residual
			// means the system is inconsistent (the guessed support has
			// no equilibrium): stop instead of repeating the SVD until
			// the iteration cap, as every caller then rejects the result.
			// (At a singular but consistent solution Newton still gains
			// a factor of about 2 per step, so only a residual that keeps
			// 90% of its size counts as stalled.)
			if it >= 2 && res > 0.9*prevRes && res > 1e-8*m.scale {
				return nil, 0, false
			}
			// A degenerate game has a continuum of equilibria on this
			// support: the system is rank-deficient, and the minimum-norm
			// Newton step (pseudo-inverse) still converges onto it.
			var svd mat.SVD
			if !svd.Factorize(J, mat.SVDThin) {
				return nil, 0, false
			}
			rank := svd.Rank(1e-11)
			if rank == 0 {
				return nil, 0, false
			}
			svd.SolveVecTo(&dx, fv, rank)
		} else {
			return nil, 0, false
		}
		prevRes = res
		step := 0.0
		for i := range x {
			x[i] -= dx.AtVec(i)
			step = math.Max(step, math.Abs(dx.AtVec(i)))
		}
		if math.IsNaN(step) || math.IsInf(step, 0) {
			return nil, 0, false
		}
		if step <= 1e-15*(1+m.scale) {
			break
		}
	}
	unpack()
	// A valid distribution needs nonnegative probabilities; tiny negatives
	// are rounding and are clipped before the exact certificate.
	for a := 0; a < nA; a++ {
		for _, s := range m.nt {
			tot := 0.0
			for k, p := range cur[a][s] {
				if p < -1e-9 || math.IsNaN(p) {
					return nil, 0, false
				}
				if p < 0 {
					cur[a][s][k] = 0
				}
				tot += cur[a][s][k]
			}
			for k := range cur[a][s] {
				cur[a][s][k] /= tot
			}
		}
	}
	gain, _, err := m.certificate(cur)
	if err != nil {
		return nil, 0, false
	}
	return cur, gain, true
}

// mpeStructurallySingular reports whether the square matrix J is
// singular for its pattern of nonzero entries alone: no assignment of
// rows to distinct columns through nonzero entries (a maximum bipartite
// matching, by augmenting paths, falls short of a perfect one). Such a
// matrix is singular whatever its values; the converse does not hold.
func mpeStructurallySingular(J *mat.Dense) bool {
	n, _ := J.Dims()
	start := make([]int, n+1)
	var cols []int
	for r := 0; r < n; r++ {
		for c, v := range J.RawRowView(r) {
			if v != 0 {
				cols = append(cols, c)
			}
		}
		start[r+1] = len(cols)
	}
	rowOf := make([]int, n) // column -> its matched row, -1 if free
	for c := range rowOf {
		rowOf[c] = -1
	}
	seen := make([]int, n) // column -> the last search that visited it
	// A depth-first search for an augmenting path from a free row, with
	// an explicit stack (a path can be as long as the matrix): each frame
	// is a row, the next of its entries to try, and the matched column
	// through which the search reached it (-1 for the free row).
	type frame struct{ r, i, in int }
	var stack []frame
	for r := 0; r < n; r++ {
		search := r + 1
		stack = append(stack[:0], frame{r, start[r], -1})
		found := false
		for len(stack) > 0 && !found {
			f := &stack[len(stack)-1]
			if f.i == start[f.r+1] {
				stack = stack[:len(stack)-1]
				continue
			}
			c := cols[f.i]
			f.i++
			if seen[c] == search {
				continue
			}
			seen[c] = search
			if rowOf[c] >= 0 {
				stack = append(stack, frame{rowOf[c], start[rowOf[c]], c})
				continue
			}
			// Free column: each row on the path takes the column after
			// it, freeing the one it came in by for the row before.
			for k := len(stack) - 1; k >= 0; k-- {
				rowOf[c] = stack[k].r
				c = stack[k].in
			}
			found = true
		}
		if !found {
			return true
		}
	}
	return false
}

// mpeDeriv holds a state's action values and their derivatives.
type mpeDeriv struct {
	Q  [][]float64     // [a][k]
	dS [][][][]float64 // [a][k][b][m]: ∂Q_ak/∂σ_bm, b ≠ a
	dV [][][]float64   // [a][k][t]: ∂Q_ak/∂V_a(nt[t])
	u  []float64       // stage payoffs
	w  []float64       // per-actor scratch
}

func (m *mpeModel) newDeriv() *mpeDeriv {
	maxK, maxJ := 1, 1
	for _, s := range m.nt {
		for _, k := range m.K[s] {
			maxK = max(maxK, k)
		}
		maxJ = max(maxJ, m.nJ[s])
	}
	d := &mpeDeriv{u: make([]float64, maxJ*m.nA), w: make([]float64, m.nA)}
	d.Q = make([][]float64, m.nA)
	d.dS = make([][][][]float64, m.nA)
	d.dV = make([][][]float64, m.nA)
	for a := 0; a < m.nA; a++ {
		d.Q[a] = make([]float64, maxK)
		d.dS[a] = make([][][]float64, maxK)
		d.dV[a] = make([][]float64, maxK)
		for k := 0; k < maxK; k++ {
			d.dS[a][k] = make([][]float64, m.nA)
			for b := 0; b < m.nA; b++ {
				d.dS[a][k][b] = make([]float64, maxK)
			}
			d.dV[a][k] = make([]float64, len(m.nt))
		}
	}
	return d
}

// deriv computes in d the action values of state s under (sig, V) and their
// partial derivatives with respect to the others' (unnormalised)
// probabilities and to the actor's own continuation values.
func (m *mpeModel) deriv(s int, sig [][][]float64, V [][]float64, d *mpeDeriv) {
	nA := m.nA
	K := m.K[s]
	for a := 0; a < nA; a++ {
		for k := 0; k < K[a]; k++ {
			d.Q[a][k] = 0
			for b := 0; b < nA; b++ {
				clear(d.dS[a][k][b][:K[b]])
			}
			for _, ti := range m.succ[s] {
				d.dV[a][k][ti] = 0
			}
		}
	}
	u := d.u
	m.stagePayoff(s, V, u)
	for j := 0; j < m.nJ[s]; j++ {
		kp := m.kpos[s][j*nA : (j+1)*nA]
		for a := 0; a < nA; a++ {
			ka := kp[a]
			ua := u[j*nA+a]
			w := 1.0
			for b := 0; b < nA; b++ {
				if b != a {
					w *= sig[b][s][kp[b]]
				}
			}
			d.Q[a][ka] += w * ua
			for b := 0; b < nA; b++ {
				if b == a {
					continue
				}
				// product over the actors other than a and b
				wb := 1.0
				for c := 0; c < nA; c++ {
					if c != a && c != b {
						wb *= sig[c][s][kp[c]]
					}
				}
				d.dS[a][ka][b][kp[b]] += wb * ua
			}
			if w != 0 && m.disc[a] != 0 {
				for _, nx := range m.trans[s][j] {
					if t := m.ntIdx[nx.State]; t >= 0 {
						d.dV[a][ka][t] += w * m.disc[a] * nx.P
					}
				}
			}
		}
	}
}
