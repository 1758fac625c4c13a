package equilibrium

import (
	"context"
	"fmt"
	"math"

	"github.com/truce-dev/truce/markov"
)

// A best response of one actor to the others' fixed (memory-one)
// strategies is an optimal policy of a single-agent Markov decision
// process: its states are the decision points of the profile (a game state
// and the rules the strategies follow there, on and off the path), its
// actions the actor's, and the others' play, the transitions and the
// payoffs are fixed by the profile. It is solved exactly by policy
// iteration (each policy evaluated by a linear solve), checked against the
// Bellman equation and cross-checked by value iteration.
//
// In a clocked game the decision process is not stationary: its decision
// points carry the step until the clock runs out (nodes.go). Policy
// iteration solves the stationary process from step Clock on; backward
// induction then gives the optimal play and values at steps Clock-1 down
// to 0, each step with its own rules and payoffs and the others' play at
// that step. The best response is a policy per decision point and step.

// Response is one actor's exact best response to a profile.
type Response struct {
	Actor   int
	ActorID string
	// Nodes are the actor's decision points, Nodes[Init] the initial state.
	Nodes []ResponseNode
	Init  int
	// Value is the actor's expected discounted utility from the initial
	// state when it plays its best response; ProfileValue when it plays
	// its strategy in the profile; Gain is their difference (≥ 0).
	Value, ProfileValue, Gain float64
	// BellmanResidual is the largest |max_k Q(n, k) − V(n)| over the
	// nodes, with V the exact values of the returned policy: 0 (up to
	// rounding) exactly when the policy is optimal everywhere. It is the
	// certificate of the best response.
	BellmanResidual float64
	// ValueIterationGap is the largest difference between V and the
	// values found by plain value iteration, an independent cross-check.
	ValueIterationGap float64
	// PolicyIterations counts improvement steps.
	PolicyIterations int
	// Clock is the game's clock (0: none). With a clock, Nodes hold one
	// decision point per step before it runs out (ResponseNode.Step) and
	// the policy may differ by step.
	Clock int

	c      *credChain // the profile's node graph
	graphs *Graphs    // ResponseOptions.Graphs, for RespondsGiven
}

// ResponseNode is one decision point of the responder.
type ResponseNode struct {
	State   int
	StateID string
	// Step is, in a clocked game, the step of the decision point before
	// the clock runs out, or the clock for every step from then on (0
	// without a clock).
	Step int
	// After is the remembered move that selects the strategies' rules here
	// ("IR: hormuz"), empty for base play.
	After string
	// Policy is the best response's play over Avail[State][actor]: the
	// profile's own play where that is already optimal, else the first
	// optimal action.
	Policy []float64
	// Best lists the positions of every optimal action (ties within
	// 1e-9 relative to the payoff scale).
	Best []int
	// Q[k] is the value of playing action k here once and the best
	// response afterwards; Value = max Q.
	Q     []float64
	Value float64
	// ProfilePlay is what the actor's strategy in the profile plays here.
	ProfilePlay []float64
	// Changes is true when the profile's play here is not a best response
	// (some action it plays is worth less than the best by more than the
	// tolerance): the best response plays Policy instead.
	Changes bool
}

// Label names the node: the state, and the remembered move if any (not
// the step: StepLabel).
func (n ResponseNode) Label() string {
	if n.After == "" {
		return n.StateID
	}
	return n.StateID + " after " + n.After
}

// StepLabel names the node's step in a game with clock clock: "step 3",
// "steps ≥ 8", or "" without a clock.
func (n ResponseNode) StepLabel(clock int) string { return PhaseLabel(clock, n.Step) }

// mdp is the responder's decision process on a profile's node graph.
type mdp struct {
	c     *credChain
	actor int
	disc  float64
	// per node and action position: expected immediate utility (flow and
	// discounted entry payoffs) and discounted transitions to nodes. Nodes
	// whose rows are equal share one (read-only) slice: see newMDPPaid.
	r    [][]float64
	succ [][][]mdpArc
	tol  float64
	lin  *linScratch // evaluate's memory: it returns lin.x
	qs   []float64   // improveNode's action values
}

// mdpArc is the transition drawn as Trans[j][i] after joint action j, to
// node c.next[n][j][i] of the node n whose row it is in: rows are shared
// by nodes whose successors differ only in their step.
type mdpArc struct {
	j, i int32
	p    float64 // discount × probability
}

// newMDP builds actor a's decision process against the others' play in c,
// in the memory gr keeps for it (gr may be nil). The others' play at each
// node is fixed; the actor's own is free.
func newMDP(ctx context.Context, c *credChain, a int, gr *Graphs) (*mdp, error) {
	return newMDPIn(ctx, c, a, a, true, gr.mdpScratch())
}

// newMDPPaid builds the decision process of actor a (the chooser) with the
// payoffs and discount of actor payee; entryScale says whether the payoffs
// on entering terminal states count in the tolerance's scale.
//
// A node's row (rewards, and arcs as transitions with their probability)
// depends only on its state's flows and transitions at its step and on
// the others' play there. Nodes that differ only in the chooser's own
// remembered rule share one row, and so, on a clocked game, do the nodes
// of steps that share tables (a builder shares the tables of steps where
// nothing differs) where the same rules are in force: a row is built once
// and read with each node's own successors. Only equal
// slices are shared (the same tables, the same play), so every number is
// the one a row of its own would hold.
func newMDPPaid(ctx context.Context, c *credChain, a, payee int, entryScale bool) (*mdp, error) {
	return newMDPIn(ctx, c, a, payee, entryScale, nil)
}

// mdpScratch is the memory of a decision process, kept by a Graphs for
// the next one the same worker builds (the next profile or draw): its
// rows and arcs, which only the process reads, and policy iteration's
// linear system. A process built in it lives until the next is built.
type mdpScratch struct {
	r     [][]float64
	succ  [][][]mdpArc
	rs    []float64
	arcs  []mdpArc
	succs [][]mdpArc
	rep   []int32
	lin   linScratch
}

// newMDPIn is newMDPPaid in the memory of sc (nil: its own).
func newMDPIn(ctx context.Context, c *credChain, a, payee int, entryScale bool, sc *mdpScratch) (*mdp, error) {
	g := c.g
	nA := len(g.Actors)
	if sc == nil {
		sc = &mdpScratch{}
	}
	sc.r, sc.succ = grow(sc.r, len(c.nodes)), grow(sc.succ, len(c.nodes))
	m := &mdp{c: c, actor: a, disc: g.Actors[payee].Discount, r: sc.r, succ: sc.succ}
	// The values escape (optimize returns them): each process solves
	// into values of its own, the rest of the system is reused.
	sc.lin.x = nil
	m.lin = &sc.lin
	k := make([]int, nA)
	scale := 0.0
	// rep[n] is the node whose row node n shares (rows.go): the same
	// state, the same tables at its step and the same play of the others.
	sc.rep = shareRows(c, a, sc.rep)
	rep := sc.rep
	// Every row's rewards, and its arcs, live in one slice each, the arcs
	// of each action with room for all its transitions (the commitment
	// search builds thousands of these processes: appending arc by arc
	// made allocation and garbage collection most of its cost).
	nr, narcs := 0, 0
	for n, nd := range c.nodes {
		if int(rep[n]) != n {
			continue
		}
		nr += len(g.Avail[nd.state][a])
		for _, tr := range g.TransAt(nd.phase, nd.state) {
			narcs += len(tr)
		}
	}
	sc.rs, sc.arcs, sc.succs = grow(sc.rs, nr), grow(sc.arcs, narcs), grow(sc.succs, nr)
	rs, arcs := sc.rs, sc.arcs
	succs := sc.succs // per row and action: the arcs
	cnt := make([]int, 0, 8)
	w := func(n, j int) float64 { return c.jointProb(n, j, a, k) } // also decodes j into k
	for n, nd := range c.nodes {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if r := int(rep[n]); r != n {
			m.r[n], m.succ[n] = m.r[r], m.succ[r]
			continue
		}
		K := len(g.Avail[nd.state][a])
		m.r[n], rs = rs[:K:K], rs[K:]
		m.succ[n], succs = succs[:K:K], succs[K:]
		var rowScale float64
		cnt, arcs, rowScale = m.fillRow(n, nd, m.r[n], m.succ[n], payee, entryScale, k, cnt, arcs, w)
		scale = math.Max(scale, rowScale)
	}
	m.tol = 1e-9 * math.Max(1, scale/(1-m.disc))
	return m, nil
}

// fillRow fills node n's row (r, zero on entry, and succ with the arcs,
// which it carves from arcs, returning the rest): the chooser's expected
// immediate utility per action, with payee's payoffs, and the discounted
// transitions, the others playing joint action j with probability w(n, j),
// which also decodes j into k. It returns cnt (scratch) and the largest
// |utility| the tolerance's scale counts (entry payoffs with entryScale).
// Every decision process builds its rows here, so that a row built again
// (the commitment search keeps rows from one commitment to the next) holds
// the same numbers to the bit.
func (m *mdp) fillRow(n int, nd node, r []float64, succ [][]mdpArc, payee int, entryScale bool, k, cnt []int, arcs []mdpArc, w func(n, j int) float64) ([]int, []mdpArc, float64) {
	g, a := m.c.g, m.actor
	flow, trans := g.FlowAt(nd.phase, nd.state), g.TransAt(nd.phase, nd.state)
	scale := 0.0
	cnt = cnt[:0]
	for range r {
		cnt = append(cnt, 0)
	}
	for j := 0; j < g.NumJoint(nd.state); j++ {
		g.Decode(nd.state, j, k)
		cnt[k[a]] += len(trans[j])
	}
	for ka := range cnt {
		succ[ka], arcs = arcs[:0:cnt[ka]], arcs[cnt[ka]:]
	}
	next := m.c.next[n]
	for j := 0; j < g.NumJoint(nd.state); j++ {
		w := w(n, j)
		if w == 0 {
			continue
		}
		ka := k[a]
		u := utility(g, flow[j], payee)
		scale = math.Max(scale, math.Abs(u))
		r[ka] += w * u
		for i, t := range trans[j] {
			if nx := next[j][i]; nx >= 0 {
				succ[ka] = append(succ[ka], mdpArc{j: int32(j), i: int32(i), p: w * m.disc * t.P})
			} else {
				e := utility(g, g.Entry[t.State], payee)
				if entryScale {
					scale = math.Max(scale, math.Abs(e))
				}
				r[ka] += w * m.disc * t.P * e
			}
		}
	}
	return cnt, arcs, scale
}

// q returns the value of action k at node n given values V.
func (m *mdp) q(n, k int, V []float64) float64 {
	v := m.r[n][k]
	next := m.c.next[n]
	for _, arc := range m.succ[n][k] {
		v += arc.p * V[next[arc.j][arc.i]]
	}
	return v
}

// evaluate returns the exact values of policy pol (a distribution per node)
// on the stationary block, by one linear solve (dense LU when the budget
// allows, else Gauss–Seidel sweeps on the sparse rows to rounding error);
// the nodes before the clock runs out are left at 0: optimize improves the
// stationary block with them, then gives the earlier steps their values by
// backward induction (which reads only values it has already set).
func (m *mdp) evaluate(ctx context.Context, pol [][]float64) ([]float64, error) {
	V, err := m.c.linSolveTo(ctx, "best-response values", "", true, m.tol*1e9, false, m.lin,
		func(n int, arc func(to int, p float64)) float64 {
			r := 0.0
			next := m.c.next[n]
			for k, p := range pol[n] {
				if p == 0 {
					continue
				}
				r += p * m.r[n][k]
				for _, a := range m.succ[n][k] {
					arc(next[a.j][a.i], p*a.p)
				}
			}
			return r
		})
	if err != nil {
		return nil, fmt.Errorf("best-response values: %w", err)
	}
	return V, nil
}

// optimize improves policy pol (in place) to an optimal one among the
// actions allowed[n] at each node n (nil: every action): policy iteration
// on the stationary block, an action switched only for a gain above the
// tolerance (so it ends, and keeps pol's play wherever that is optimal),
// then backward induction over the steps before the clock runs out. It
// returns the values of the final policy and the improvement steps.
func (m *mdp) optimize(ctx context.Context, pol [][]float64, allowed [][]int) ([]float64, int, error) {
	only := func(n int) []int {
		if allowed == nil {
			return nil
		}
		return allowed[n]
	}
	stat := m.c.layers[len(m.c.layers)-1]
	var V []float64
	var err error
	it := 0
	for ; ; it++ {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		if V, err = m.evaluate(ctx, pol); err != nil {
			return nil, 0, err
		}
		changed := false
		for _, n := range stat {
			changed = m.improveNode(n, pol[n], only(n), allowed != nil, V) || changed
		}
		if !changed || it > 10*len(stat)+100 {
			break
		}
	}
	// Backward induction: a node's successors lie one step on, their
	// values already final.
	for ph := len(m.c.layers) - 2; ph >= 0; ph-- {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		for _, n := range m.c.layers[ph] {
			m.backNode(n, pol[n], only(n), allowed != nil, V)
		}
	}
	return V, it + 1, nil
}

// improveNode switches node n's policy pol to the best of its actions
// (of allowed, when restricted) given values V, if that gains more than
// the tolerance over pol's play; it reports whether it switched. The
// actions' values are left in m.qs.
func (m *mdp) improveNode(n int, pol []float64, allowed []int, restricted bool, V []float64) bool {
	qs := m.qs[:0]
	for k := range pol {
		qs = append(qs, m.q(n, k, V))
	}
	m.qs = qs
	cur, best, bestK := 0.0, math.Inf(-1), -1
	for k, x := range pol {
		if x != 0 {
			cur += x * qs[k]
		}
	}
	if !restricted {
		for k, q := range qs {
			if q > best {
				best, bestK = q, k
			}
		}
	} else {
		for _, k := range allowed {
			if qs[k] > best {
				best, bestK = qs[k], k
			}
		}
	}
	if best > cur+m.tol {
		clear(pol)
		pol[bestK] = 1
		return true
	}
	return false
}

// backNode is one step of backward induction at node n before the clock
// runs out, its successors' values in V final (a node's arcs lead one
// step on, so V[n] is not among them): it improves pol as improveNode
// and sets V[n] to the value of the result. The actions' values are left
// in m.qs.
func (m *mdp) backNode(n int, pol []float64, allowed []int, restricted bool, V []float64) {
	m.improveNode(n, pol, allowed, restricted, V)
	v := 0.0
	for k, x := range pol {
		if x != 0 {
			v += x * m.qs[k]
		}
	}
	V[n] = v
}

// BestResponse computes actor a's exact best response to the other
// actors' strategies in profile p (memory-one strategies included), on
// and off the path.
func BestResponse(ctx context.Context, g *markov.Game, p markov.Profile, a int) (*Response, error) {
	return BestResponseWith(ctx, g, p, a, ResponseOptions{})
}

// ResponseOptions tunes BestResponseWith and RespondsWith.
type ResponseOptions struct {
	// NoCrossCheck skips the value-iteration cross-check
	// (ValueIterationGap stays 0). The Bellman residual still certifies
	// the response; value iteration needs about log(1e-13)/log(δ) sweeps,
	// thousands for weekly discounts near 1, which dominates when a
	// hypothesis asks for best responses on every parameter draw.
	NoCrossCheck bool
	// NoProfileValue skips the values of the profile itself (a linear
	// solve per actor over every decision point): ProfileValue and Gain
	// are then NaN and the cross-check is skipped too. A hypothesis that
	// reads only the response's value or its optimal actions needs neither.
	NoProfileValue bool
	// Graphs, if set, keeps the decision points for the next game of the
	// same shape (the next parameter draw) and reuses those of the last:
	// see Graphs. RespondsGiven reuses them too.
	Graphs *Graphs
}

// BestResponseWith is BestResponse with options.
func BestResponseWith(ctx context.Context, g *markov.Game, p markov.Profile, a int, opt ResponseOptions) (*Response, error) {
	if a < 0 || a >= len(g.Actors) {
		return nil, fmt.Errorf("best response: actor %d out of range", a)
	}
	c, err := credBuildIn(ctx, opt.Graphs, g, p)
	if err != nil {
		return nil, fmt.Errorf("best response: %w", err)
	}
	r, err := bestResponseOn(ctx, c, a, opt, !opt.NoProfileValue)
	if err != nil {
		return nil, err
	}
	r.graphs = opt.Graphs
	return r, nil
}

// bestResponseOn is BestResponseWith on the profile's node graph c.
// Without profileValues it skips the values of the profile itself (two
// linear solves per actor) and the cross-check that starts from them:
// ProfileValue and Gain are then NaN. The commitment search, which needs
// only the response, evaluates thousands of profiles so.
func bestResponseOn(ctx context.Context, c *credChain, a int, opt ResponseOptions, profileValues bool) (*Response, error) {
	g := c.g
	var Vp [][]float64
	if profileValues {
		var err error
		if Vp, err = c.values(ctx); err != nil {
			return nil, fmt.Errorf("best response: %w", err)
		}
	} else {
		opt.NoCrossCheck = true
	}
	m, err := newMDP(ctx, c, a, opt.Graphs)
	if err != nil {
		return nil, fmt.Errorf("best response: %w", err)
	}
	// Policy iteration (and backward induction over the clock) from the
	// profile's own play, which it keeps wherever that is optimal.
	pol := make([][]float64, len(c.nodes))
	nq := 0
	for n := range pol {
		nq += len(c.play(n, a))
	}
	polBuf := make([]float64, 0, nq) // every node's policy, in one slice
	for n := range pol {
		at := len(polBuf)
		polBuf = append(polBuf, c.play(n, a)...)
		pol[n] = polBuf[at:len(polBuf):len(polBuf)]
	}
	V, it, err := m.optimize(ctx, pol, nil)
	if err != nil {
		return nil, fmt.Errorf("best response: %w", err)
	}
	res := &Response{Actor: a, ActorID: g.Actors[a].ID, PolicyIterations: it, Init: c.start[g.Initial], Clock: g.Clock, c: c,
		Nodes: make([]ResponseNode, 0, len(c.nodes))}
	// A node's remembered move depends on its rules only: described once
	// per combination (a clocked game repeats them at every step).
	var afters []*string        // by combination of rules (node.combo)
	qbuf := make([]float64, nq) // every node's Q, in one slice
	bestBuf := make([]int, nq)  // and its optimal actions
	for n, nd := range c.nodes {
		for int(nd.combo) >= len(afters) {
			afters = append(afters, nil)
		}
		if afters[nd.combo] == nil {
			after := c.after(n)
			afters[nd.combo] = &after
		}
		after := *afters[nd.combo]
		rn := ResponseNode{State: nd.state, StateID: g.States[nd.state].ID, Step: nd.phase, After: after,
			Policy: pol[n], ProfilePlay: c.play(n, a), Value: V[n]}
		rn.Q, qbuf = qbuf[:len(pol[n]):len(pol[n])], qbuf[len(pol[n]):]
		best := math.Inf(-1)
		for k := range rn.Q {
			rn.Q[k] = m.q(n, k, V)
			best = math.Max(best, rn.Q[k])
		}
		res.BellmanResidual = math.Max(res.BellmanResidual, math.Abs(best-V[n]))
		rn.Best, bestBuf = bestBuf[:0:len(rn.Q)], bestBuf[len(rn.Q):]
		for k, q := range rn.Q {
			if q >= best-m.tol {
				rn.Best = append(rn.Best, k)
			} else if rn.ProfilePlay[k] > 0 {
				rn.Changes = true
			}
		}
		res.Nodes = append(res.Nodes, rn)
	}
	// Cross-check by value iteration from the profile's values.
	var W []float64
	if !opt.NoCrossCheck {
		W = append(W, Vp[a]...)
	}
	for sweep := 0; sweep < 1_000_000 && !opt.NoCrossCheck; sweep++ {
		if sweep%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("best response: %w", err)
			}
		}
		change := 0.0
		for n := range W {
			best := math.Inf(-1)
			for k := range pol[n] {
				best = math.Max(best, m.q(n, k, W))
			}
			change = math.Max(change, math.Abs(best-W[n]))
			W[n] = best
		}
		if change*m.disc <= 1e-13*(1-m.disc)*(1+m.tol*1e9) {
			break
		}
	}
	for n := range W {
		res.ValueIterationGap = math.Max(res.ValueIterationGap, math.Abs(W[n]-V[n]))
	}
	if res.Init >= 0 {
		res.Value, res.ProfileValue, res.Gain = V[res.Init], math.NaN(), math.NaN()
		if profileValues {
			res.ProfileValue = Vp[a][res.Init]
			res.Gain = math.Max(0, res.Value-res.ProfileValue)
		}
	}
	return res, nil
}

// Responds reports whether actor a's behaviour must move when the others'
// strategies change from profile pa to profile pb: true when none of a's
// best responses to pa (policies that are optimal at every decision point
// against pa) is a best response to pb from the initial state, that is,
// the best a can do against pb while keeping to actions optimal against pa
// falls short of its best against pb by more than the tolerance (1e-9
// relative to the payoff scale). Loss is that shortfall (≥ 0). Ties do not
// count as a move, and the answer does not depend on how a's own strategy
// in the profiles breaks them.
func Responds(ctx context.Context, g *markov.Game, pa, pb markov.Profile, a int) (moves bool, loss float64, err error) {
	return RespondsWith(ctx, g, pa, pb, a, ResponseOptions{})
}

// RespondsWith is Responds with options for its best responses.
func RespondsWith(ctx context.Context, g *markov.Game, pa, pb markov.Profile, a int, opt ResponseOptions) (moves bool, loss float64, err error) {
	ra, err := BestResponseWith(ctx, g, pa, a, opt)
	if err != nil {
		return false, 0, err
	}
	rb, err := BestResponseWith(ctx, g, pb, a, opt)
	if err != nil {
		return false, 0, err
	}
	return RespondsGiven(ctx, g, pa, pb, a, ra, rb)
}

// RespondsGiven is Responds for a caller that already has actor a's best
// responses ra to pa and rb to pb (from BestResponse or BestResponseWith
// on the same game), so that they are not computed again: the hypothesis
// functions share one best response per actor and profile on a draw
// between best_response_value and responds.
func RespondsGiven(ctx context.Context, g *markov.Game, pa, pb markov.Profile, a int, ra, rb *Response) (moves bool, loss float64, err error) {
	ca := ra.c
	// Nodes that know both profiles' rules: the others play as in pb, and
	// the rules of pa say which of ra's decision points the node is.
	nA := len(g.Actors)
	owner := make([]int, 2*nA)
	strats := make([]markov.Strategy, 0, 2*nA)
	for i := range owner {
		owner[i] = i % nA
	}
	strats = append(append(strats, pb...), pa...)
	cx, err := credBuildNodes(ctx, ra.graphs, g, pb, strats, owner)
	if err != nil {
		return false, 0, fmt.Errorf("responds: %w", err)
	}
	m, err := newMDP(ctx, cx, a, ra.graphs)
	if err != nil {
		return false, 0, fmt.Errorf("responds: %w", err)
	}
	allowed := make([][]int, len(cx.nodes))
	for n, nd := range cx.nodes {
		an, ok := ca.lookup(nd.state, nd.phase, nd.fired[nA:])
		if !ok {
			return false, 0, fmt.Errorf("responds: decision point of state %s missing from the first profile", g.States[nd.state].ID)
		}
		allowed[n] = ra.Nodes[an].Best
	}
	Vkeep, err := m.restrictedOptimum(ctx, allowed)
	if err != nil {
		return false, 0, fmt.Errorf("responds: %w", err)
	}
	init := cx.start[g.Initial]
	loss = math.Max(0, rb.Value-Vkeep[init])
	return loss > m.tol, loss, nil
}

// restrictedOptimum is the optimal value of the decision process when
// node n may only use the actions allowed[n].
func (m *mdp) restrictedOptimum(ctx context.Context, allowed [][]int) ([]float64, error) {
	pol := make([][]float64, len(m.r))
	nq := 0
	for n := range pol {
		nq += len(m.r[n])
	}
	buf := make([]float64, nq) // every node's policy, in one slice
	for n := range pol {
		pol[n], buf = buf[:len(m.r[n]):len(m.r[n])], buf[len(m.r[n]):]
		pol[n][allowed[n][0]] = 1
	}
	V, _, err := m.optimize(ctx, pol, allowed)
	return V, err
}

// Strategy returns the best response as a memory-one strategy of the
// actor, so that it can be analysed or simulated like any other. Its base
// play in state s is the policy where no other actor's rule is in force;
// for every combination of the others' rules that can be in force in s it
// has one rule whose conditions are the union of theirs, listed in the
// order of the others' rules (a rule's own position first, base play
// last), so that the first one that matches is exactly the combination in
// force. In a clocked game the play of each step before the clock runs out
// is the strategy's Timed base play and rules limited to that step.
func (r *Response) Strategy() markov.Strategy {
	c, a := r.c, r.Actor
	g := c.g
	nA := len(g.Actors)
	var others []int
	for b := 0; b < nA; b++ {
		if b != a {
			others = append(others, b)
		}
	}
	// policy per (state, phase, fired rules of the others); nodes that
	// differ only in the actor's own rule have the same optimal actions.
	pol := map[string][]float64{}
	for n, nd := range c.nodes {
		f := make([]int, len(others))
		for i, b := range others {
			f[i] = nd.fired[b]
		}
		if k := nodeKey(nd.state, nd.phase, f); pol[k] == nil {
			pol[k] = r.Nodes[n].Policy
		}
	}
	st := markov.Strategy{Base: make([][]float64, len(g.States))}
	if g.Clock > 0 {
		st.Timed = make([][][]float64, g.Clock)
		for t := range st.Timed {
			st.Timed[t] = make([][]float64, len(g.States))
		}
	}
	for ph := 0; ph <= g.Clock; ph++ {
		base := st.Base
		var steps []bool
		if ph < g.Clock {
			base = st.Timed[ph]
		}
		if g.Clock > 0 {
			steps = make([]bool, g.Clock+1)
			steps[ph] = true
		}
		for s, gs := range g.States {
			if gs.Terminal {
				continue
			}
			// combinations in lexicographic order, base play (-1) last
			choices := make([][]int, len(others))
			for i, b := range others {
				for ri, rl := range c.prof[b].Rules {
					if (rl.State == s || rl.State == -1) && (rl.Steps == nil || rl.Steps[ph]) {
						choices[i] = append(choices[i], ri)
					}
				}
				choices[i] = append(choices[i], -1)
			}
			idx := make([]int, len(others))
			for {
				f := make([]int, len(others))
				var conds []markov.Cond
				for i, b := range others {
					f[i] = choices[i][idx[i]]
					if f[i] >= 0 {
						conds = append(conds, c.prof[b].Rules[f[i]].After...)
					}
				}
				if p, ok := pol[nodeKey(s, ph, f)]; ok {
					if len(conds) == 0 && allBase(f) {
						base[s] = append([]float64(nil), p...)
					} else {
						rl := markov.Rule{State: s, After: conds, Steps: steps}
						for k, x := range p {
							if x > 0 {
								rl.Play = append(rl.Play, markov.ActionProb{Action: g.Avail[s][a][k], P: x})
							}
						}
						st.Rules = append(st.Rules, rl)
					}
				}
				i := len(idx) - 1
				for ; i >= 0; i-- {
					if idx[i]++; idx[i] < len(choices[i]) {
						break
					}
					idx[i] = 0
				}
				if i < 0 {
					break
				}
			}
			if base[s] == nil && ph == g.Clock { // never reached with base play: any policy of the state
				for k, nd := range c.nodes {
					if nd.state == s && nd.phase == ph {
						base[s] = append([]float64(nil), r.Nodes[k].Policy...)
						break
					}
				}
				if base[s] == nil { // no decision point at all: uniform
					base[s] = make([]float64, len(g.Avail[s][a]))
					for k := range base[s] {
						base[s][k] = 1 / float64(len(base[s]))
					}
				}
			}
		}
	}
	return st
}

func allBase(f []int) bool {
	for _, x := range f {
		if x >= 0 {
			return false
		}
	}
	return true
}
