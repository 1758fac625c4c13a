package markov

import (
	"context"
	"fmt"
	"math"
	"sync"
)

// maxNodes bounds the chain a profile may induce, so that a profile whose
// memory blows up fails with an error instead of exhausting memory.
const maxNodes = 1 << 24

// Chain is the finite Markov chain that a Profile induces on a Game.
//
// A node is a game state together with what the actors remember of the
// previous step, but only as far as it changes play: two histories that make
// every actor use the same rule (or its base play) in the same state are one
// node. Concretely a node is (state, rule fired per actor); a terminal state
// is a single node. Node Init is the initial state at step 0, when no
// memory condition holds.
//
// Transitions are stored as a sparse matrix in compressed rows (CSR):
// the successors of node x are Col[RowPtr[x]:RowPtr[x+1]] with
// probabilities P[...]. Terminal nodes have no successors.
type Chain struct {
	Game *Game
	// State[x] is the game state of node x.
	State []int
	// Init is the node of the initial state at step 0.
	Init int
	// phase[x] is the step of node x as the game tells steps apart
	// (Game.Phase): 0 for every node of an unclocked game.
	phase []int32
	// Start[s] is the node of a process started in state s at step 0 (no
	// previous step), for the states BuildChainFrom was asked to start
	// from and the initial state; -1 otherwise.
	Start []int32

	RowPtr []int32
	Col    []int32
	P      []float64

	// dist[x*nA+a] is the distribution of actor a's play at node x, over
	// the positions of Avail[State[x]][a]; nil for terminal nodes.
	dist [][]float64
	// reward[x*nA*nC + a*nC + c] is the expected flow payoff of component
	// c to actor a for one step at node x (0 for terminal nodes).
	reward []float64
	// termNode[s] is the node of terminal state s, or -1.
	termNode []int32
	// firedOf[x*nA+a] is the rule actor a follows at node x (-1: base
	// play): with State and phase, what makes the node (Refill checks
	// successors against it).
	firedOf []int32
	// rules are the compiled rules of the profile the nodes were told
	// apart by (Refill checks a new profile against their shape).
	rules [][]cRule
	// refill is Refill's scratch, kept for the next call.
	refill *refillScratch
	// term[x] reports whether node x is terminal.
	term []bool
	// mem is the memory of the last analysis, for the next (Analyze).
	memMu sync.Mutex
	mem   *analyzeMem

	// Outcome tables, built only by BuildChainOutcomes: for node x the
	// outcomes outOff[x]..outOff[x+1] are (joint action, successor) pairs
	// with probability outP.
	outOff  []int32
	outSJ   []int32 // flat (state, joint action) index: sjOff[s]+j
	outNext []int32
	outP    []float64
	sjOff   []int32
}

// NumNodes returns the number of chain nodes.
func (c *Chain) NumNodes() int { return len(c.State) }

// Dist returns the distribution of actor a's play at node x over the
// positions of Avail[State[x]][a] (nil at a terminal node). Do not modify it.
func (c *Chain) Dist(x, a int) []float64 { return c.dist[x*len(c.Game.Actors)+a] }

// Reward returns the expected one-step flow payoff at node x, indexed
// a*C+c like Game.Flow. Do not modify it.
func (c *Chain) Reward(x int) []float64 {
	k := len(c.Game.Actors) * len(c.Game.Components)
	return c.reward[x*k : x*k+k]
}

// Terminal reports whether node x is a terminal state.
func (c *Chain) Terminal(x int) bool { return c.term[x] }

// Phase is the step of node x as a clocked game tells steps apart: the
// step itself before Game.Clock, Clock from then on (0 without a clock).
// A terminal node has phase 0: entering an ending is the same whenever.
func (c *Chain) Phase(x int) int { return int(c.phase[x]) }

// compiled forms of a profile, checked once.
type cRule struct {
	state int
	conds []cCond
	steps []bool // nil: every step
	play  []ActionProb
}

type cCond struct {
	actor int
	in    []bool // over Actions[actor]
}

type cProfile struct {
	rules [][]cRule // per actor
	// distCache[a][s][fired+1] caches the play distribution, nil = not yet.
	distCache [][][][]float64
}

// checkProfile validates p against g (already validated) and compiles it.
func checkProfile(g *Game, p Profile) (*cProfile, error) {
	nA, nS := len(g.Actors), len(g.States)
	if len(p) != nA {
		return nil, fmt.Errorf("markov: profile has %d strategies for %d actors", len(p), nA)
	}
	cp := &cProfile{rules: make([][]cRule, nA), distCache: make([][][][]float64, nA)}
	for a, st := range p {
		id := g.Actors[a].ID
		if len(st.Base) != nS {
			return nil, fmt.Errorf("markov: strategy of %s: base play for %d states, want %d", id, len(st.Base), nS)
		}
		for s, b := range st.Base {
			if g.States[s].Terminal {
				continue
			}
			if len(b) != len(g.Avail[s][a]) {
				return nil, fmt.Errorf("markov: strategy of %s in state %s: %d probabilities for %d available actions", id, g.States[s].ID, len(b), len(g.Avail[s][a]))
			}
			if err := checkDist(b); err != nil {
				return nil, fmt.Errorf("markov: strategy of %s in state %s: %w", id, g.States[s].ID, err)
			}
		}
		if len(st.Timed) != 0 && len(st.Timed) != g.Clock {
			return nil, fmt.Errorf("markov: strategy of %s: play for %d steps, want the clock's %d", id, len(st.Timed), g.Clock)
		}
		for t, base := range st.Timed {
			if base != nil && len(base) != nS {
				return nil, fmt.Errorf("markov: strategy of %s at step %d: play for %d states, want %d", id, t, len(base), nS)
			}
			for s, b := range base {
				if b == nil || g.States[s].Terminal {
					continue
				}
				if len(b) != len(g.Avail[s][a]) {
					return nil, fmt.Errorf("markov: strategy of %s in state %s at step %d: %d probabilities for %d available actions", id, g.States[s].ID, t, len(b), len(g.Avail[s][a]))
				}
				if err := checkDist(b); err != nil {
					return nil, fmt.Errorf("markov: strategy of %s in state %s at step %d: %w", id, g.States[s].ID, t, err)
				}
			}
		}
		if len(st.Rules) >= 1<<16-1 {
			return nil, fmt.Errorf("markov: strategy of %s has %d rules, at most %d", id, len(st.Rules), 1<<16-2)
		}
		cp.distCache[a] = make([][][]float64, nS)
		for s := range cp.distCache[a] {
			cp.distCache[a][s] = make([][]float64, len(st.Rules)+1)
		}
		for i, r := range st.Rules {
			if r.State < -1 || r.State >= nS {
				return nil, fmt.Errorf("markov: strategy of %s, rule %d: state %d out of range", id, i, r.State)
			}
			if r.Steps != nil && len(r.Steps) != g.Clock+1 {
				return nil, fmt.Errorf("markov: strategy of %s, rule %d: step mask of %d entries, want clock + 1 = %d", id, i, len(r.Steps), g.Clock+1)
			}
			cr := cRule{state: r.State, play: r.Play, steps: r.Steps}
			for _, cd := range r.After {
				if cd.Actor < 0 || cd.Actor >= nA {
					return nil, fmt.Errorf("markov: strategy of %s, rule %d: condition on actor %d out of range", id, i, cd.Actor)
				}
				in := make([]bool, len(g.Actions[cd.Actor]))
				for _, x := range cd.Actions {
					if x < 0 || x >= len(in) {
						return nil, fmt.Errorf("markov: strategy of %s, rule %d: condition on action %d of %s out of range", id, i, x, g.Actors[cd.Actor].ID)
					}
					in[x] = true
				}
				cr.conds = append(cr.conds, cCond{actor: cd.Actor, in: in})
			}
			ps := make([]float64, len(r.Play))
			seen := make(map[int]bool, len(r.Play))
			for k, ap := range r.Play {
				if ap.Action < 0 || ap.Action >= len(g.Actions[a]) {
					return nil, fmt.Errorf("markov: strategy of %s, rule %d: action %d out of range", id, i, ap.Action)
				}
				if seen[ap.Action] {
					return nil, fmt.Errorf("markov: strategy of %s, rule %d: action %s listed twice", id, i, g.Actions[a][ap.Action])
				}
				seen[ap.Action] = true
				ps[k] = ap.P
			}
			if err := checkDist(ps); err != nil {
				return nil, fmt.Errorf("markov: strategy of %s, rule %d: %w", id, i, err)
			}
			cp.rules[a] = append(cp.rules[a], cr)
		}
	}
	return cp, nil
}

// checkDist checks that ps is a probability distribution.
func checkDist(ps []float64) error {
	sum := 0.0
	for _, x := range ps {
		if !(x >= 0 && x <= 1) {
			return fmt.Errorf("probability %v outside [0,1]", x)
		}
		sum += x
	}
	if math.Abs(sum-1) > 1e-9 {
		return fmt.Errorf("probabilities sum to %v, want 1", sum)
	}
	return nil
}

// fired returns the index of the rule actor a follows in state s at phase
// ph given the previous step's global actions prev (nil at step 0), or -1
// for base play.
func (cp *cProfile) fired(g *Game, a, s int, prev []int, ph int) int {
	for i := range cp.rules[a] {
		r := &cp.rules[a][i]
		if r.state != s && !(r.state == -1 && !g.States[s].Terminal) {
			continue
		}
		if r.steps != nil && !r.steps[ph] {
			continue
		}
		ok := true
		for _, cd := range r.conds {
			if prev == nil || !cd.in[prev[cd.actor]] {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}

// playDist returns actor a's distribution over Avail[s][a] positions at
// phase ph when rule f fires (-1 = base play).
func (cp *cProfile) playDist(g *Game, p Profile, a, s, f, ph int) ([]float64, error) {
	if f < 0 && ph < g.Clock && len(p[a].Timed) > 0 && p[a].Timed[ph] != nil && p[a].Timed[ph][s] != nil {
		return p[a].Timed[ph][s], nil
	}
	if d := cp.distCache[a][s][f+1]; d != nil {
		return d, nil
	}
	var d []float64
	if f < 0 {
		d = p[a].Base[s]
	} else {
		av := g.Avail[s][a]
		d = make([]float64, len(av))
		for _, ap := range cp.rules[a][f].play {
			pos := -1
			for k, x := range av {
				if x == ap.Action {
					pos = k
					break
				}
			}
			if pos < 0 {
				if ap.P == 0 {
					continue
				}
				return nil, fmt.Errorf("markov: strategy of %s, rule %d plays %s, which is not available in state %s",
					g.Actors[a].ID, f, g.Actions[a][ap.Action], g.States[s].ID)
			}
			d[pos] = ap.P
		}
	}
	cp.distCache[a][s][f+1] = d
	return d, nil
}

// BuildChain builds the chain that profile p induces on g, checking both.
// It stops with ctx's error soon after ctx is done.
func BuildChain(ctx context.Context, g *Game, p Profile) (*Chain, error) {
	return buildChain(ctx, g, p, false, nil)
}

// BuildChainFrom is BuildChain with the nodes reachable from each state of
// starts added (a process started there at step 0), for figures from every
// start (AnalyzeOptions.From). The nodes reachable from the initial state
// come first and are numbered as by BuildChain, so every figure from the
// initial state is the same.
func BuildChainFrom(ctx context.Context, g *Game, p Profile, starts []int) (*Chain, error) {
	return buildChain(ctx, g, p, false, starts)
}

// checkChainInput checks g and p as buildChain and Refill need them: a
// valid game, a valid profile for it, finite payoffs and weights.
func checkChainInput(g *Game, p Profile) (*cProfile, error) {
	if g == nil {
		return nil, fmt.Errorf("markov: nil game")
	}
	if err := g.Validate(); err != nil {
		return nil, err
	}
	cp, err := checkProfile(g, p)
	if err != nil {
		return nil, err
	}
	for s := range g.States {
		if g.States[s].Terminal {
			for _, v := range g.Entry[s] {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, fmt.Errorf("markov: state %s: entry payoff %v is not finite", g.States[s].ID, v)
				}
			}
			continue
		}
		for t := 0; t <= g.Clock; t++ {
			flow := g.FlowAt(t, s)
			if t < g.Clock && (&flow[0] == &g.Flow[s][0] || g.sameStage(t)) {
				continue // the stationary table, checked at t = Clock, or the previous step's
			}
			for j := range flow {
				for _, v := range flow[j] {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						return nil, fmt.Errorf("markov: state %s, joint action %d: flow payoff %v is not finite", g.States[s].ID, j, v)
					}
				}
			}
		}
	}
	for _, act := range g.Actors {
		for _, w := range act.Weights {
			if math.IsNaN(w) || math.IsInf(w, 0) {
				return nil, fmt.Errorf("markov: actor %s: weight %v is not finite", act.ID, w)
			}
		}
	}
	return cp, nil
}

// buildChain explores the nodes reachable from the initial one breadth
// first, then those reachable from each of starts; withOutcomes also
// records the (joint action, successor) pairs (BuildChainOutcomes).
func buildChain(ctx context.Context, g *Game, p Profile, withOutcomes bool, starts []int) (*Chain, error) {
	cp, err := checkChainInput(g, p)
	if err != nil {
		return nil, err
	}
	nA, nC, nS := len(g.Actors), len(g.Components), len(g.States)
	c := &Chain{Game: g, termNode: make([]int32, nS)}
	for s := range c.termNode {
		c.termNode[s] = -1
	}
	nPh := g.Clock + 1 // phases: the steps before the clock runs out, then one for the rest
	// Room for one node per state and phase (as many as a game without
	// rules has at most) and a few successors each, capped: growing the
	// slices from empty cost a fifth of the build on clocked chains.
	nHint := min(nS*nPh, 1<<14)
	c.State = make([]int, 0, nHint)
	c.phase = make([]int32, 0, nHint)
	c.term = make([]bool, 0, nHint)
	c.RowPtr = make([]int32, 0, nHint+1)
	c.dist = make([][]float64, 0, nHint*nA)
	c.reward = make([]float64, 0, nHint*nA*nC)
	c.Col = make([]int32, 0, 4*nHint)
	c.P = make([]float64, 0, 4*nHint)
	if withOutcomes {
		// Flat (phase, state, joint action) indices: sjOff[ph*nS+s]+j.
		c.sjOff = make([]int32, nPh*nS+1)
		for i := 0; i < nPh*nS; i++ {
			c.sjOff[i+1] = c.sjOff[i] + int32(g.NumJoint(i%nS))
		}
		c.outOff = []int32{0}
	}

	// Node keys: the state followed by the fired rule of each actor, as
	// bytes (uint16 each, +1 so base play is 0). States where no rule can
	// apply (and terminal states) have one node, found without hashing.
	ruleFree := make([]bool, nS)
	plain := make([]int32, nS*nPh) // per phase and state
	for i := range plain {
		plain[i] = -1
	}
	for s := range ruleFree {
		ruleFree[s] = true
		if g.States[s].Terminal {
			continue // rules never fire in a terminal state
		}
		for a := range cp.rules {
			for _, r := range cp.rules[a] {
				if r.state == s || (r.state == -1 && !g.States[s].Terminal) {
					ruleFree[s] = false
				}
			}
		}
	}
	index := make(map[string]int32)
	key := make([]byte, 0, 8+2*nA)
	fired := make([]int32, nA)
	firedOf := make([]int32, 0, nHint*nA) // per node and actor
	// node returns the node of state s at phase ph after the previous
	// step's actions prev (nil at step 0); a terminal state is one node
	// whatever the phase.
	node := func(s int, prev []int, ph int) (int32, error) {
		if g.States[s].Terminal {
			ph = 0
		}
		if ruleFree[s] {
			if x := plain[ph*nS+s]; x >= 0 {
				return x, nil
			}
			for a := range fired {
				fired[a] = -1
			}
		} else {
			key = key[:0]
			key = append(key, byte(s), byte(s>>8), byte(s>>16), byte(s>>24))
			if nPh > 1 {
				key = append(key, byte(ph), byte(ph>>8), byte(ph>>16), byte(ph>>24))
			}
			for a := 0; a < nA; a++ {
				f := cp.fired(g, a, s, prev, ph)
				fired[a] = int32(f)
				key = append(key, byte(f+1), byte((f+1)>>8))
			}
			if x, ok := index[string(key)]; ok {
				return x, nil
			}
		}
		x := int32(len(c.State))
		if int(x) >= maxNodes {
			return 0, fmt.Errorf("markov: the profile induces more than %d chain nodes", maxNodes)
		}
		if ruleFree[s] {
			plain[ph*nS+s] = x
		} else {
			index[string(key)] = x
		}
		c.phase = append(c.phase, int32(ph))
		c.State = append(c.State, s)
		c.term = append(c.term, g.States[s].Terminal)
		if g.States[s].Terminal {
			c.termNode[s] = x
		}
		firedOf = append(firedOf, fired...)
		return x, nil
	}
	if _, err := node(g.Initial, nil, 0); err != nil {
		return nil, err
	}
	c.Init = 0
	c.Start = make([]int32, nS)
	for s := range c.Start {
		c.Start[s] = -1
	}
	c.Start[g.Initial] = 0
	for _, s := range starts {
		if s < 0 || s >= nS {
			return nil, fmt.Errorf("markov: start state %d out of range", s)
		}
	}
	nextStart := 0 // next of starts to root, once the nodes before are explored

	// Row scratch: slot[y] is y's position in the current row while
	// mark[y] equals the row number.
	slot, mark := make([]int32, 0, nHint), make([]int32, 0, nHint)
	prev := make([]int, nA)
	k := make([]int, nA)
	dists := make([][]float64, nA)
	nAC := nA * nC
	c.RowPtr = append(c.RowPtr, 0)
	for x := 0; ; x++ {
		for x == len(c.State) && nextStart < len(starts) {
			st := starts[nextStart]
			nextStart++
			y, err := node(st, nil, 0)
			if err != nil {
				return nil, err
			}
			c.Start[st] = y
		}
		if x == len(c.State) {
			break
		}
		s := c.State[x]
		if g.States[s].Terminal {
			for a := 0; a < nA; a++ {
				c.dist = append(c.dist, nil)
			}
			c.reward = append(c.reward, make([]float64, nAC)...)
			c.RowPtr = append(c.RowPtr, int32(len(c.Col)))
			if withOutcomes {
				c.outOff = append(c.outOff, int32(len(c.outP)))
			}
			continue
		}
		ph := int(c.phase[x])
		nextPh := min(ph+1, g.Clock)
		flows, trans := g.FlowAt(ph, s), g.TransAt(ph, s)
		for a := 0; a < nA; a++ {
			d, err := cp.playDist(g, p, a, s, int(firedOf[x*nA+a]), ph)
			if err != nil {
				return nil, err
			}
			dists[a] = d
			c.dist = append(c.dist, d)
		}
		rw := len(c.reward)
		c.reward = append(c.reward, make([]float64, nAC)...)
		rowStart := len(c.Col)
		// Enumerate joint actions in mixed radix, actor 0 fastest,
		// skipping those with probability zero.
		for a := range k {
			k[a] = 0
		}
		nj := g.NumJoint(s)
		for j := 0; j < nj; j++ {
			if j > 0 {
				for a := 0; a < nA; a++ {
					k[a]++
					if k[a] < len(dists[a]) {
						break
					}
					k[a] = 0
				}
			}
			pj := 1.0
			for a := 0; a < nA; a++ {
				pj *= dists[a][k[a]]
			}
			if pj == 0 {
				continue
			}
			for a := 0; a < nA; a++ {
				prev[a] = g.Avail[s][a][k[a]]
			}
			for i, v := range flows[j] {
				c.reward[rw+i] += pj * v
			}
			for _, nx := range trans[j] {
				if nx.P == 0 {
					continue
				}
				y, err := node(nx.State, prev, nextPh)
				if err != nil {
					return nil, err
				}
				w := pj * nx.P
				for len(mark) <= int(y) {
					mark = append(mark, -1)
					slot = append(slot, 0)
				}
				if mark[y] == int32(x) {
					c.P[slot[y]] += w
				} else {
					mark[y] = int32(x)
					slot[y] = int32(len(c.Col))
					c.Col = append(c.Col, y)
					c.P = append(c.P, w)
				}
				if withOutcomes {
					c.outSJ = append(c.outSJ, c.sjOff[ph*nS+s]+int32(j))
					c.outNext = append(c.outNext, y)
					c.outP = append(c.outP, w)
				}
			}
		}
		if len(c.Col)-rowStart == 0 {
			return nil, fmt.Errorf("markov: state %s: no successor has positive probability", g.States[s].ID)
		}
		if len(c.Col) > math.MaxInt32 {
			return nil, fmt.Errorf("markov: chain has too many transitions")
		}
		c.RowPtr = append(c.RowPtr, int32(len(c.Col)))
		if withOutcomes {
			c.outOff = append(c.outOff, int32(len(c.outP)))
		}
	}
	c.firedOf, c.rules = firedOf, cp.rules
	return c, nil
}
