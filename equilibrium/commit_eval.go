package equilibrium

import (
	"context"
	"math"

	"github.com/truce-dev/truce/markov"
)

// The commitment search evaluates thousands of commitments, each the
// follower's best response to it (policy iteration on the stationary
// block, backward induction over the clock) and the leader's value with
// ties broken for the leader (strongResponseOn without the profile's own
// values). Two things make that cheap without changing a number:
//
//   - A commitment and the follower's strategy have no rules, so every
//     commitment has the same decision points: one per state and step. A
//     node's row depends only on its tables and the leader's play there:
//     rows of pure plays (every candidate of the first stage) are built
//     once per search and read by every commitment that plays them.
//   - The improvement step changes the play of one state at one step t
//     before the clock runs out. Nothing from step t+1 on depends on it:
//     the values, optimal actions and rows there are the current
//     commitment's, and only steps t down to 0 are solved again, by the
//     same backward induction. When the change moves a tolerance (the
//     largest payoff a play reaches scales it), the commitment is
//     evaluated in full instead.
//
// Every row is built by mdp.fillRow and every value by the mdp's own
// policy iteration and backward induction, so each number is the one the
// full evaluation computes, to the bit (TestCommitEvalMatchesFull).

// commitEvaluator evaluates commitments on one game for a search.
type commitEvaluator struct {
	g           *markov.Game
	c           *credChain // the decision points; rows read only its graph
	L, F        int
	fplay       [][]float64 // per node: the follower's (uniform) play
	tab         []int32     // per node: its tables' number (tableIDs)
	nTab        int
	start       int // the initial state's node
	discF       float64
	discL       float64
	pureF       [][]*evalRow // per table number and leader action: the row of the pure play, follower's payoffs
	pureL       [][]*evalRow // and the leader's
	k, cnt      []int
	lin         linScratch
	valid       []float64 // appendPlay's scratch (validation)
	seen        [][]*float64
	own         []ownRow // rows of mixed plays built for the commitment being evaluated
	pol, polL   []float64
	pols, polLs [][]float64
	q           []float64     // bestAt's scratch
	off         []int         // per node: where its optimal actions begin in a core's bestBuf
	pool        []*commitCore // released cores
}

// evalRow is one row of a decision process with its tolerance scale.
type evalRow struct {
	r     []float64
	succ  [][]mdpArc
	scale float64
}

// ownRow is a row of a mixed play, shared by the nodes with its tables
// and the same play slice.
type ownRow struct {
	tab    int32
	play   *float64
	rF, rL *evalRow
}

// commitCore is an evaluated commitment as the evaluator keeps it for
// the next change. Its memory is the evaluator's (get, release): the
// search evaluates tens of thousands of commitments and keeps few.
type commitCore struct {
	fm, lm  mdp       // the follower's decision process with its payoffs and with the leader's
	sF, sL  []float64 // per node: its rows' scales
	V, VL   []float64 // per node: the follower's values and the leader's
	best    [][]int   // per node: the follower's optimal actions, in bestBuf
	bestBuf []int     // node n's at off[n]
}

// newCommitEvaluator returns the evaluator on the decision points of c
// (a commitment profile's chain).
func newCommitEvaluator(c *credChain, L, F int) *commitEvaluator {
	g := c.g
	ev := &commitEvaluator{g: g, c: &credChain{nodeGraph: c.nodeGraph, nA: c.nA}, L: L, F: F,
		start: c.start[g.Initial], discF: g.Actors[F].Discount, discL: g.Actors[L].Discount,
		k: make([]int, len(g.Actors)), seen: make([][]*float64, len(g.States))}
	ev.fplay = make([][]float64, len(c.nodes))
	for n := range c.nodes {
		ev.fplay[n] = c.play(n, F)
	}
	ev.tab = tableIDs(g, nil)
	tabs := make([]int32, len(c.nodes))
	for n, nd := range c.nodes {
		tabs[n] = ev.tab[nd.phase*len(g.States)+nd.state]
		ev.nTab = max(ev.nTab, int(tabs[n])+1)
	}
	ev.tab = tabs
	ev.pureF, ev.pureL = make([][]*evalRow, ev.nTab), make([][]*evalRow, ev.nTab)
	ev.off = make([]int, len(c.nodes)+1)
	for n, nd := range c.nodes {
		ev.off[n+1] = ev.off[n] + len(g.Avail[nd.state][F])
	}
	return ev
}

// playAt is the leader's play in commitment (sig, timed) at node n, as
// appendPlay selects it (validated by it when first seen).
func (ev *commitEvaluator) playAt(sig [][]float64, timed [][][]float64, n int) ([]float64, error) {
	g, nd := ev.g, ev.c.nodes[n]
	s, ph := nd.state, nd.phase
	base := sig
	if ph < g.Clock && ph < len(timed) && timed[ph] != nil && timed[ph][s] != nil {
		base = timed[ph]
	}
	if s < len(base) && len(base[s]) > 0 {
		p := &base[s][0]
		for _, q := range ev.seen[s] {
			if q == p {
				return base[s], nil
			}
		}
		ev.seen[s] = append(ev.seen[s], p)
	}
	var err error
	if ev.valid, err = appendPlay(ev.valid[:0], g, ev.L, markov.Strategy{Base: sig, Timed: timed}, s, -1, ph); err != nil {
		return nil, err
	}
	return base[s], nil
}

// pureAction is k when play is the pure play of action k, else -1.
func pureAction(play []float64) int {
	k := -1
	for i, x := range play {
		switch {
		case x == 0:
		case x == 1 && k < 0:
			k = i
		default:
			return -1
		}
	}
	return k
}

// rowsAt returns node n's rows (follower's payoffs, leader's) when the
// leader plays play there.
func (ev *commitEvaluator) rowsAt(n int, play []float64) (*evalRow, *evalRow) {
	tab := ev.tab[n]
	if k := pureAction(play); k >= 0 && tab >= 0 {
		if ev.pureF[tab] == nil {
			ev.pureF[tab], ev.pureL[tab] = make([]*evalRow, len(play)), make([]*evalRow, len(play))
		}
		if ev.pureF[tab][k] == nil {
			ev.pureF[tab][k], ev.pureL[tab][k] = ev.buildRow(n, play, ev.F), ev.buildRow(n, play, ev.L)
		}
		return ev.pureF[tab][k], ev.pureL[tab][k]
	}
	if tab >= 0 {
		for _, o := range ev.own {
			if o.tab == tab && o.play == &play[0] {
				return o.rF, o.rL
			}
		}
	}
	rF, rL := ev.buildRow(n, play, ev.F), ev.buildRow(n, play, ev.L)
	if tab >= 0 {
		ev.own = append(ev.own, ownRow{tab, &play[0], rF, rL})
	}
	return rF, rL
}

// buildRow builds node n's row of the follower's decision process with
// payee's payoffs and discount (the tolerance's scale counts entry
// payoffs for the follower's own, as newMDPFor), the leader playing play.
func (ev *commitEvaluator) buildRow(n int, play []float64, payee int) *evalRow {
	g, nd := ev.g, ev.c.nodes[n]
	m := &mdp{c: ev.c, actor: ev.F, disc: g.Actors[payee].Discount}
	K := len(g.Avail[nd.state][ev.F])
	row := &evalRow{r: make([]float64, K), succ: make([][]mdpArc, K)}
	narcs := 0
	for _, tr := range g.TransAt(nd.phase, nd.state) {
		narcs += len(tr)
	}
	k := ev.k
	w := func(_, j int) float64 { // as credChain.jointProb, leaving out the follower
		g.Decode(nd.state, j, k)
		p := 1.0
		for a := range k {
			if a != ev.F {
				p *= play[k[a]]
			}
		}
		return p
	}
	ev.cnt, _, row.scale = m.fillRow(n, nd, row.r, row.succ, payee, payee == ev.F, k, ev.cnt, make([]mdpArc, narcs), w)
	return row
}

// get returns a core of the evaluator's memory (its contents stale).
func (ev *commitEvaluator) get() *commitCore {
	if k := len(ev.pool); k > 0 {
		cr := ev.pool[k-1]
		ev.pool = ev.pool[:k-1]
		return cr
	}
	N := len(ev.c.nodes)
	cr := &commitCore{sF: make([]float64, N), sL: make([]float64, N), V: make([]float64, N), VL: make([]float64, N),
		best: make([][]int, N), bestBuf: make([]int, ev.off[N])}
	cr.fm = mdp{c: ev.c, actor: ev.F, disc: ev.discF, r: make([][]float64, N), succ: make([][][]mdpArc, N), lin: &ev.lin}
	cr.lm = mdp{c: ev.c, actor: ev.F, disc: ev.discL, r: make([][]float64, N), succ: make([][][]mdpArc, N), lin: &ev.lin}
	return cr
}

// release gives a core no one reads any more back to the evaluator.
func (ev *commitEvaluator) release(cr *commitCore) {
	if cr != nil {
		ev.pool = append(ev.pool, cr)
	}
}

// setRows gives node n of cr its rows when the leader plays play there.
func (ev *commitEvaluator) setRows(cr *commitCore, n int, play []float64) {
	rF, rL := ev.rowsAt(n, play)
	cr.fm.r[n], cr.fm.succ[n], cr.sF[n] = rF.r, rF.succ, rF.scale
	cr.lm.r[n], cr.lm.succ[n], cr.sL[n] = rL.r, rL.succ, rL.scale
}

// tolerances sets the processes' tolerances from the rows' scales, as
// newMDPIn does.
func (ev *commitEvaluator) tolerances(cr *commitCore) {
	sF, sL := 0.0, 0.0
	for n := range cr.sF {
		sF, sL = math.Max(sF, cr.sF[n]), math.Max(sL, cr.sL[n])
	}
	cr.fm.tol = 1e-9 * math.Max(1, sF/(1-cr.fm.disc))
	cr.lm.tol = 1e-9 * math.Max(1, sL/(1-cr.lm.disc))
}

// policies returns fresh copies of the follower's play at every node, in
// scratch the next call reuses.
func (ev *commitEvaluator) policies() [][]float64 {
	N := len(ev.c.nodes)
	ev.pol, ev.pols = ev.pol[:0], grow(ev.pols, N)
	for n := range ev.pols {
		at := len(ev.pol)
		ev.pol = append(ev.pol, ev.fplay[n]...)
		ev.pols[n] = ev.pol[at:len(ev.pol):len(ev.pol)]
	}
	return ev.pols
}

// bestAt sets cr.best[n]: the actions within the follower's tolerance of
// its best at node n given cr.V (as bestResponseOn).
func (ev *commitEvaluator) bestAt(cr *commitCore, n int) {
	m := &cr.fm
	ev.q = ev.q[:0]
	for k := range m.r[n] {
		ev.q = append(ev.q, m.q(n, k, cr.V))
	}
	cr.setBest(n, ev.off[n], ev.q)
}

// setBest sets cr.best[n], its storage at off in bestBuf, from the
// actions' values q at node n.
func (cr *commitCore) setBest(n, off int, q []float64) {
	best := math.Inf(-1)
	for _, x := range q {
		best = math.Max(best, x)
	}
	bs := cr.bestBuf[off:off]
	for k, x := range q {
		if x >= best-cr.fm.tol {
			bs = append(bs, k)
		}
	}
	cr.best[n] = bs[:len(bs):len(bs)]
}

// leaderPolicies returns the leader's starting policy in the follower's
// optimal actions (the first at every node, as restrictedOptimum), in
// scratch the next call reuses.
func (ev *commitEvaluator) leaderPolicies(cr *commitCore) [][]float64 {
	N := len(ev.c.nodes)
	ev.polL, ev.polLs = grow(ev.polL, ev.off[N]), grow(ev.polLs, N)
	for n := range ev.polLs {
		ev.polLs[n] = ev.polL[ev.off[n]:ev.off[n+1]:ev.off[n+1]]
		ev.polLs[n][cr.best[n][0]] = 1
	}
	return ev.polLs
}

// full evaluates commitment (sig, timed) from scratch.
func (ev *commitEvaluator) full(ctx context.Context, sig [][]float64, timed [][][]float64) (*commitCore, error) {
	for s := range ev.seen {
		ev.seen[s] = ev.seen[s][:0]
	}
	ev.own = ev.own[:0]
	cr := ev.get()
	for n := range ev.c.nodes {
		play, err := ev.playAt(sig, timed, n)
		if err != nil {
			return nil, err
		}
		ev.setRows(cr, n, play)
	}
	ev.tolerances(cr)
	// The values are solved into the core's own memory.
	ev.lin.x = cr.V
	V, _, err := cr.fm.optimize(ctx, ev.policies(), nil)
	ev.lin.x = nil
	if err != nil {
		return nil, err
	}
	cr.V = V
	for n := range V {
		ev.bestAt(cr, n)
	}
	ev.lin.x = cr.VL
	VL, _, err := cr.lm.optimize(ctx, ev.leaderPolicies(cr), cr.best)
	ev.lin.x = nil
	if err != nil {
		return nil, err
	}
	cr.VL = VL
	return cr, nil
}

// change evaluates commitment (sig, timed), which differs from base's
// only in the play of state s at step ph before the clock runs out.
func (ev *commitEvaluator) change(ctx context.Context, base *commitCore, sig [][]float64, timed [][][]float64, s, ph int) (*commitCore, error) {
	g := ev.g
	for s := range ev.seen {
		ev.seen[s] = ev.seen[s][:0]
	}
	ev.own = ev.own[:0]
	cr := ev.get()
	copy(cr.sF, base.sF)
	copy(cr.sL, base.sL)
	copy(cr.fm.r, base.fm.r)
	copy(cr.fm.succ, base.fm.succ)
	copy(cr.lm.r, base.lm.r)
	copy(cr.lm.succ, base.lm.succ)
	fm, lm := &cr.fm, &cr.lm
	at := ev.c.at[ph*len(g.States)+s]
	for _, n := range at {
		play, err := ev.playAt(sig, timed, int(n))
		if err != nil {
			return nil, err
		}
		ev.setRows(cr, int(n), play)
	}
	ev.tolerances(cr)
	if fm.tol != base.fm.tol || lm.tol != base.lm.tol {
		ev.release(cr)
		return ev.full(ctx, sig, timed)
	}
	copy(cr.V, base.V)
	copy(cr.VL, base.VL)
	copy(cr.bestBuf, base.bestBuf)
	for n, b := range base.best {
		cr.best[n] = cr.bestBuf[ev.off[n] : ev.off[n]+len(b) : ev.off[n]+len(b)]
	}
	pols := ev.policies()
	for t := ph; t >= 0; t-- {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		layer := ev.c.layers[t]
		if t == ph {
			layer = layer[:0:0]
			for _, n := range at {
				layer = append(layer, int(n))
			}
		}
		for _, n := range layer {
			fm.backNode(n, pols[n], nil, false, cr.V)
			// its successors' values unchanged since: the values
			// backNode worked out
			cr.setBest(n, ev.off[n], fm.qs)
			ev.polL = grow(ev.polL, len(fm.r[n]))
			ev.polL[cr.best[n][0]] = 1
			lm.backNode(n, ev.polL, cr.best[n], true, cr.VL)
		}
	}
	return cr, nil
}
