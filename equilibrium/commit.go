package equilibrium

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/truce-dev/truce/markov"
)

// Optimal commitment (strong Stackelberg): the leader announces a
// stationary strategy and carries it out; the follower, knowing it, plays
// its exact best response, breaking ties in the leader's favour. In a
// one-state game whose stage game is fixed (see staticGame) the optimum is
// found exactly by the multiple-LP method of Conitzer & Sandholm (2006):
// for every pure strategy j of the follower, the linear program
//
//	max Σ_i x_i u_L(i, j)  s.t.  Σ_i x_i (u_F(i, j') − u_F(i, j)) ≤ 0  ∀ j',  x ∈ Δ
//
// gives the leader's best commitment that makes j a best response, and the
// best of them is optimal. In a stochastic game the problem is NP-hard
// (Letchford & Conitzer 2010); truce searches: every pure stationary
// commitment when there are few, the leader's play in the game's
// equilibria, random mixed commitments, then improves the best candidates
// state by state with the same linear programs on the stage games given
// the current continuation values, accepting a change only when the exactly
// evaluated leader value rises. The result is the best commitment found,
// not a proved optimum.
//
// In a clocked game (markov.Game.Clock > 0) the leader commits to a play
// per state and step before the clock runs out, and a stationary play per
// state from then on: the same kind of (non-stationary Markov) strategy as
// the game's equilibria, since the rules, and so the best threats, may
// differ by step. The follower's best response is then itself
// non-stationary (respond.go). The search starts from the stationary
// candidates above (the same play at every step) and the equilibrium's
// timed play, and its improvement step visits every (state, step): the
// stage game of that step with the continuation values of the next step.

// CommitOptions tunes Commit. The zero value asks for the defaults.
type CommitOptions struct {
	// Seed seeds the random candidates of the search.
	Seed uint64
	// Candidates bounds the pure stationary commitments tried one by one
	// (default 4096); beyond it a random sample of that size is tried.
	Candidates int
	// Equilibrium, when set, is the leader's value in the selected
	// equilibrium, for the value of commitment.
	Equilibrium *Result
}

// Commitment is the leader's best commitment found.
type Commitment struct {
	Leader, Follower     int
	LeaderID, FollowerID string
	// Strategy[s] is the leader's committed play in state s over
	// Avail[s][leader] (nil for terminal states); in a clocked game, from
	// step Clock on.
	Strategy [][]float64
	// Timed[t][s], in a clocked game, is the committed play in state s at
	// step t < Clock (nil without a clock).
	Timed [][][]float64
	// Response is the follower's best response to it, ties broken in the
	// leader's favour; Response.Value is the follower's value.
	Response *Response
	// LeaderValue and FollowerValue are the values from the initial state.
	LeaderValue, FollowerValue float64
	// Exact is true when the optimum is proved (one-state games without a
	// clock, by the multiple LPs); Method says how it was found.
	Exact  bool
	Method string
	// Tried counts the commitments evaluated exactly.
	Tried int
	// EquilibriumLeaderValue is the leader's value in CommitOptions'
	// equilibrium (NaN if none was given) and ValueOfCommitment the gain
	// of committing over it.
	EquilibriumLeaderValue, ValueOfCommitment float64
}

// Commit computes the leader's optimal commitment in a two-actor game.
func Commit(ctx context.Context, g *markov.Game, leader, follower int, opt CommitOptions) (*Commitment, error) {
	if err := validateNodeGame(g); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	if len(g.Actors) != 2 {
		return nil, fmt.Errorf("commit: needs a game of two actors, this one has %d", len(g.Actors))
	}
	if leader < 0 || leader > 1 || follower != 1-leader {
		return nil, fmt.Errorf("commit: leader %d and follower %d must be the two actors", leader, follower)
	}
	if opt.Candidates <= 0 {
		opt.Candidates = 4096
	}
	stat := *g
	stat.Clock, stat.Timed = 0, nil
	m, err := newMPEModel(ctx, &stat)
	if err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	cs := &commitSearch{ctx: ctx, g: g, m: m, leader: leader, follower: follower}
	var best *commitEval
	shape, pay, static := m.staticGame()
	if static && g.Clock == 0 {
		x, err := cs.multipleLP(shape, pay)
		if err != nil {
			return nil, fmt.Errorf("commit: %w", err)
		}
		sig := m.uniform()[leader]
		sig[m.nt[0]] = x
		if best, err = cs.eval(sig, nil); err != nil {
			return nil, fmt.Errorf("commit: %w", err)
		}
		best.exact = true
		best.method = "exact: multiple linear programs (Conitzer & Sandholm 2006) on the one-state game"
	} else if best, err = cs.search(opt); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	// The search skipped the follower's value under the profile itself
	// (Response.ProfileValue, Gain); the best commitment's response is
	// computed again in full, the same response.
	if c, err := cs.chain(best.sig, best.timed); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	} else if best.resp, _, err = strongResponseOn(ctx, c, follower, leader, true); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	if g.Clock > 0 { // spell out the play of every step
		timed := make([][][]float64, g.Clock)
		for t := range timed {
			timed[t] = make([][]float64, len(g.States))
			for st := range timed[t] {
				timed[t][st] = best.sig[st]
				if best.timed != nil && best.timed[t] != nil && best.timed[t][st] != nil {
					timed[t][st] = best.timed[t][st]
				}
			}
		}
		best.timed = timed
	}
	c := &Commitment{Leader: leader, Follower: follower, LeaderID: g.Actors[leader].ID, FollowerID: g.Actors[follower].ID,
		Strategy: best.sig, Timed: best.timed, Response: best.resp, LeaderValue: best.vL, FollowerValue: best.resp.Value,
		Exact: best.exact, Method: best.method, Tried: cs.tried, EquilibriumLeaderValue: math.NaN(), ValueOfCommitment: math.NaN()}
	if e := opt.Equilibrium; e != nil && e.Converged {
		c.EquilibriumLeaderValue = e.Values[leader][g.Initial]
		if len(e.TimedValues) > 0 {
			c.EquilibriumLeaderValue = e.TimedValues[0][leader][g.Initial]
		}
		c.ValueOfCommitment = c.LeaderValue - c.EquilibriumLeaderValue
	}
	return c, nil
}

type commitSearch struct {
	ctx              context.Context
	g                *markov.Game
	m                *mpeModel
	leader, follower int
	tried            int
	ng               *nodeGraph       // the decision points of every commitment (chain)
	ev               *commitEvaluator // evaluates commitments on them (commit_eval.go)
	models           []*mpeModel      // improve's stage models by step, built once
}

// commitEval is one commitment evaluated exactly.
type commitEval struct {
	sig   [][]float64   // leader's play per state (from the clock on)
	timed [][][]float64 // per step before the clock runs out, nil: sig
	resp  *Response     // the follower's response (the best commitment's only)
	vL    float64       // leader's value from the start
	// core is the evaluation as improve changes it (nil once the search
	// no longer needs it).
	core   *commitCore
	exact  bool
	method string
}

// eval evaluates a commitment (sig, and timed play before the clock runs
// out if any): the follower's best response with ties broken for the
// leader, and the leader's value.
func (cs *commitSearch) eval(sig [][]float64, timed [][][]float64) (*commitEval, error) {
	cs.tried++
	return cs.evalCore(sig, timed)
}

// evalCore is eval without counting the commitment as tried.
func (cs *commitSearch) evalCore(sig [][]float64, timed [][][]float64) (*commitEval, error) {
	if err := cs.ctx.Err(); err != nil {
		return nil, err
	}
	if cs.ev == nil {
		c, err := cs.chain(sig, timed)
		if err != nil {
			return nil, err
		}
		cs.ev = newCommitEvaluator(c, cs.leader, cs.follower)
	}
	cr, err := cs.ev.full(cs.ctx, sig, timed)
	if err != nil {
		return nil, err
	}
	return &commitEval{sig: sig, timed: timed, vL: cr.VL[cs.ev.start], core: cr}, nil
}

// evalChange is eval of commitment (sig, timed), which differs from
// base's only in the play of state s at step ph before the clock runs out.
func (cs *commitSearch) evalChange(base *commitEval, sig [][]float64, timed [][][]float64, s, ph int) (*commitEval, error) {
	if err := cs.ctx.Err(); err != nil {
		return nil, err
	}
	cs.tried++
	cr, err := cs.ev.change(cs.ctx, base.core, sig, timed, s, ph)
	if err != nil {
		return nil, err
	}
	return &commitEval{sig: sig, timed: timed, vL: cr.VL[cs.ev.start], core: cr}, nil
}

// chain is the commitment (sig, timed) and the follower's uniform play at
// the decision points. Neither strategy has rules, so the decision points
// are the same for every commitment: they are enumerated once per search
// (the enumeration, with its string keys, used to cost more than the
// response itself).
func (cs *commitSearch) chain(sig [][]float64, timed [][][]float64) (*credChain, error) {
	p := make(markov.Profile, 2)
	p[cs.leader] = markov.Strategy{Base: sig, Timed: timed}
	p[cs.follower] = markov.Strategy{Base: cs.m.uniform()[cs.follower]}
	if cs.ng == nil {
		c, err := credBuild(cs.ctx, cs.g, p)
		if err != nil {
			return nil, err
		}
		cs.ng = c.nodeGraph
		return c, nil
	}
	return chainOn(cs.ng, p)
}

// strongResponse is the best response of actor f to profile p with ties
// broken in favour of actor l: among f's optimal actions at every node it
// picks those that maximise l's value (a second decision process, on f's
// optimal actions, with l's payoffs and discount). It returns l's values
// at the nodes.
func strongResponse(ctx context.Context, g *markov.Game, p markov.Profile, f, l int) (*Response, []float64, error) {
	c, err := credBuild(ctx, g, p)
	if err != nil {
		return nil, nil, fmt.Errorf("best response: %w", err)
	}
	return strongResponseOn(ctx, c, f, l, true)
}

// strongResponseOn is strongResponse on the profile's node graph c;
// profileValues as in bestResponseOn.
func strongResponseOn(ctx context.Context, c *credChain, f, l int, profileValues bool) (*Response, []float64, error) {
	// The search evaluates thousands of commitments: each response is
	// certified by its Bellman residual, without the value-iteration
	// cross-check (thousands of sweeps for discounts near 1).
	r, err := bestResponseOn(ctx, c, f, ResponseOptions{NoCrossCheck: true}, profileValues)
	if err != nil {
		return nil, nil, err
	}
	ml, err := newMDPFor(ctx, c, f, l)
	if err != nil {
		return nil, nil, err
	}
	allowed := make([][]int, len(c.nodes))
	for n := range allowed {
		allowed[n] = r.Nodes[n].Best
	}
	VL, err := ml.restrictedOptimum(ctx, allowed)
	if err != nil {
		return nil, nil, err
	}
	// the tie-broken policy: at each node the allowed action best for l
	pol := make([][]float64, len(c.nodes))
	for n := range pol {
		pol[n] = make([]float64, len(r.Nodes[n].Q))
		best, bestK := math.Inf(-1), allowed[n][0]
		for _, k := range allowed[n] {
			if q := ml.q(n, k, VL); q > best+ml.tol {
				best, bestK = q, k
			}
		}
		pol[n][bestK] = 1
	}
	// The follower's values are unchanged (it still plays optimal actions
	// only), its policy is the tie-broken one.
	for n := range pol {
		r.Nodes[n].Policy = pol[n]
		r.Nodes[n].Changes = false
		for k, x := range r.Nodes[n].ProfilePlay {
			if x > 0 && !containsInt(r.Nodes[n].Best, k) {
				r.Nodes[n].Changes = true
			}
		}
	}
	return r, VL, nil
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// multipleLP is the exact optimal commitment of the leader in the stage
// game (shape, pay), by Conitzer & Sandholm's multiple linear programs.
func (cs *commitSearch) multipleLP(shape []int, pay []float64) ([]float64, error) {
	L, F := cs.leader, cs.follower
	nL, nF := shape[L], shape[F]
	u := func(a, i, j int) float64 { // payoff of actor a when leader plays i, follower j
		k := make([]int, 2)
		k[L], k[F] = i, j
		return pay[(k[0]+k[1]*shape[0])*2+a]
	}
	var best []float64
	bestV := math.Inf(-1)
	for j := 0; j < nF; j++ {
		x, v, err := commitLP(nL, nF, j, func(i, jj int) float64 { return u(L, i, jj) }, func(i, jj int) float64 { return u(F, i, jj) })
		if err != nil {
			if errors.Is(err, errInfeasible) {
				continue
			}
			return nil, fmt.Errorf("linear program for follower action %d: %w", j, err)
		}
		if v > bestV+1e-12*math.Max(1, math.Abs(v)) {
			best, bestV = x, v
		}
	}
	if best == nil {
		return nil, fmt.Errorf("no follower action can be induced (numerical failure)")
	}
	return best, nil
}

// commitLP solves, for follower action j, max Σ_i x_i uL(i, j) subject to
// j being a best response of the follower to x, over the simplex. It
// returns the optimal x and value.
func commitLP(nL, nF, j int, uL, uF func(i, j int) float64) ([]float64, float64, error) {
	var D [][]float64
	for jj := 0; jj < nF; jj++ {
		if jj == j {
			continue
		}
		row := make([]float64, nL)
		for i := range row {
			row[i] = uF(i, jj) - uF(i, j)
		}
		D = append(D, row)
	}
	c := make([]float64, nL)
	for i := range c {
		c[i] = uL(i, j)
	}
	x, err := commitSimplex(c, D)
	if err != nil {
		return nil, 0, err
	}
	tot := 0.0
	for _, v := range x {
		tot += v
	}
	v := 0.0
	for i := range x {
		x[i] /= tot
		v += x[i] * uL(i, j)
	}
	// The simplex works to a tolerance: check that j is a best response
	// to x (to 1e-9 of the payoffs) and report infeasible otherwise.
	for _, row := range D {
		d, sc := 0.0, 0.0
		for i := range x {
			d += x[i] * row[i]
			sc = math.Max(sc, math.Abs(row[i]))
		}
		if d > 1e-9*(1+sc) {
			return nil, 0, errInfeasible
		}
	}
	return x, v, nil
}

// search is the heuristic for stochastic games.
func (cs *commitSearch) search(opt CommitOptions) (*commitEval, error) {
	m, L := cs.m, cs.leader
	rng := rand.New(rand.NewPCG(opt.Seed, 0x636f6d6d6974))
	var cands []*commitEval
	try := func(sig [][]float64, timed [][][]float64) error {
		e, err := cs.eval(sig, timed)
		if err != nil {
			return err
		}
		cs.ev.release(e.core) // improve evaluates the best few again
		e.core = nil
		cands = append(cands, e)
		return nil
	}
	// Pure stationary commitments: all of them, or a random sample.
	count := 1
	for _, s := range m.nt {
		if count <= opt.Candidates {
			count *= m.K[s][L]
		}
	}
	pure := func(pick func(s int) int) [][]float64 {
		sig := m.uniform()[L]
		for _, s := range m.nt {
			clear(sig[s])
			sig[s][pick(s)] = 1
		}
		return sig
	}
	exhaustive := count <= opt.Candidates
	if exhaustive {
		pos := make([]int, len(m.nt))
		for i := 0; i < count; i++ {
			if err := try(pure(func(s int) int { return pos[m.ntIdx[s]] }), nil); err != nil {
				return nil, err
			}
			for x := range pos {
				if pos[x]++; pos[x] < m.K[m.nt[x]][L] {
					break
				}
				pos[x] = 0
			}
		}
	} else {
		for i := 0; i < opt.Candidates; i++ {
			if err := try(pure(func(s int) int { return rng.IntN(m.K[s][L]) }), nil); err != nil {
				return nil, err
			}
		}
	}
	// The leader's play in an equilibrium, and random mixed commitments.
	if e := opt.Equilibrium; e != nil && e.Converged {
		var timed [][][]float64
		if cs.g.Clock > 0 && len(e.Timed) == cs.g.Clock {
			timed = make([][][]float64, cs.g.Clock)
			for t := range timed {
				timed[t] = mpeCopy(e.Timed[t])[L]
			}
		}
		if err := try(mpeCopy(e.Strategies)[L], timed); err != nil {
			return nil, err
		}
	}
	for i := 0; i < 32; i++ {
		if err := try(m.randomProfile(rng)[L], nil); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].vL > cands[j].vL })
	// Improve the best few state by state.
	best := cands[0]
	for _, c := range cands[:min(5, len(cands))] {
		imp, err := cs.improve(c)
		if err != nil {
			return nil, err
		}
		if imp.vL > best.vL {
			best = imp
		}
	}
	what := "a random sample of"
	if exhaustive {
		what = "all"
	}
	best.method = fmt.Sprintf("search, not proved optimal: %s %d pure stationary commitments, the equilibrium's, 32 random mixed ones, then state-by-state linear programs on the stage games from the best five", what, min(count, opt.Candidates))
	if cs.g.Clock > 0 {
		best.method = fmt.Sprintf("search, not proved optimal: %s %d pure commitments that play the same at every step, the equilibrium's (by step), 32 random mixed ones, then linear programs on the stage game of every state and step (with the next step's continuation values) from the best five", what, min(count, opt.Candidates))
	}
	return best, nil
}

// improve raises the leader's value of a commitment state by state (and,
// in a clocked game, step by step, the stationary play first): in each,
// the multiple-LP optimum of the stage game given the current
// continuation values, kept when the exact leader value rises.
func (cs *commitSearch) improve(c *commitEval) (*commitEval, error) {
	m, L, F, C := cs.m, cs.leader, cs.follower, cs.g.Clock
	if cs.models == nil {
		cs.models = make([]*mpeModel, C+1)
		cs.models[C] = m
	}
	models := cs.models
	// The candidates kept no evaluation (search released them): the
	// commitment is evaluated again, into a core of improve's own.
	cur, err := cs.evalCore(c.sig, c.timed)
	if err != nil {
		return nil, err
	}
	nodes, start := cs.ev.c.nodes, cs.ev.c.start
	for round := 0; round < 50; round++ {
		improved := false
		// continuation values per step and state: the follower's
		// best-response values and the leader's. A commitment and the
		// follower's strategy in eval have no rules, so there is one
		// decision point per state and step.
		vF := make([][]float64, C+1)
		vL := make([][]float64, C+1)
		for ph := range vF {
			vF[ph], vL[ph] = make([]float64, m.nS), make([]float64, m.nS)
		}
		for n, nd := range nodes {
			if start[nd.state] == n || start[nd.state] < 0 || nd.phase > 0 {
				vF[nd.phase][nd.state], vL[nd.phase][nd.state] = cur.core.V[n], cur.core.VL[n]
			}
		}
		for ph := C; ph >= 0; ph-- {
			mt := models[ph]
			if mt == nil {
				var err error
				if mt, err = stageModel(cs.ctx, cs.g, ph); err != nil {
					return nil, err
				}
				models[ph] = mt
			}
			next := min(ph+1, C)
			for _, s := range m.nt {
				if m.K[s][L] < 2 {
					continue
				}
				V := make([][]float64, 2)
				V[L], V[F] = vL[next], vF[next]
				u := make([]float64, m.nJ[s]*2)
				mt.stagePayoff(s, V, u)
				x, err := cs.multipleLP(m.K[s], u)
				if err != nil {
					continue // a numerical failure of one stage LP just skips the state
				}
				sig, timed := cur.sig, cur.timed
				var e *commitEval
				if ph == C {
					sig = append([][]float64(nil), sig...)
					sig[s] = x
					e, err = cs.eval(sig, timed)
				} else {
					if timed == nil {
						timed = make([][][]float64, C)
					}
					timed = append([][][]float64(nil), timed...)
					row := make([][]float64, m.nS)
					if timed[ph] != nil {
						copy(row, timed[ph])
					} else {
						copy(row, sig)
					}
					row[s] = x
					timed[ph] = row
					// Steps after ph are untouched: only ph down to 0
					// are solved again.
					e, err = cs.evalChange(cur, sig, timed, s, ph)
				}
				if err != nil {
					return nil, err
				}
				if e.vL > cur.vL+1e-9*math.Max(1, math.Abs(cur.vL)) {
					cs.ev.release(cur.core) // read by nothing else: cur came from evalCore or here
					cur, improved = e, true
				} else {
					cs.ev.release(e.core)
				}
			}
		}
		if !improved {
			break
		}
	}
	return cur, nil
}

// newMDPFor is newMDP with the payoffs and discount of actor payee while
// actor chooser acts. Its tolerance is scaled by the flow payoffs only.
func newMDPFor(ctx context.Context, c *credChain, chooser, payee int) (*mdp, error) {
	return newMDPPaid(ctx, c, chooser, payee, payee == chooser)
}
