package equilibrium

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/markov"
)

// This file checks strategy profiles for one-shot deviations, directly from
// the Game and the Profile (it shares no code with the MPE solvers, so it
// can certify them). A memory-one profile is a Markov chain on nodes
// (state, which rule each actor's strategy follows there); the nodes are
// every state entered at the start or after any joint action of any state,
// on or off the path, because a threat is about what happens off the path.

// credChain is the node graph of a whole profile with every actor's play
// at every node.
type credChain struct {
	*nodeGraph
	prof markov.Profile
	// playID[n*nA+a] numbers actor a's play at node n, plays[id] over
	// Avail[state][a]: nodes with the same number have the same play (one
	// read-only slice), so that rows can be shared (rows.go).
	playID []int32
	plays  [][]float64
	nA     int
	tabs   []int32   // scratch of shareRows: tableIDs
	cr     *credRows // the rows, once built (rows)
	// noShare gives every node a row of its own (tests).
	noShare bool
}

// credBuild enumerates the nodes of profile p.
func credBuild(ctx context.Context, g *markov.Game, p markov.Profile) (*credChain, error) {
	return credBuildIn(ctx, nil, g, p)
}

// credBuildIn is credBuild reusing a graph of gr (nil: none).
func credBuildIn(ctx context.Context, gr *Graphs, g *markov.Game, p markov.Profile) (*credChain, error) {
	owner := make([]int, len(p))
	for a := range owner {
		owner[a] = a
	}
	return credBuildNodes(ctx, gr, g, p, p, owner)
}

// credBuildNodes enumerates the nodes of the tracked strategies strats (of
// actors owner), which must begin with profile p's, with p's play at each,
// reusing a graph of gr (nil: none).
func credBuildNodes(ctx context.Context, gr *Graphs, g *markov.Game, p markov.Profile, strats []markov.Strategy, owner []int) (*credChain, error) {
	if err := validateNodeGame(g); err != nil {
		return nil, err
	}
	nA := len(g.Actors)
	if len(p) != nA {
		return nil, fmt.Errorf("profile has %d strategies for %d actors", len(p), nA)
	}
	ng, err := gr.nodes(ctx, g, strats, owner)
	if err != nil {
		return nil, err
	}
	return chainOn(ng, p)
}

// chainOn is profile p's play at the nodes of ng, which must have been
// built from strategies that begin with p's, or from strategies with the
// same rules as p's (the nodes depend on the rules only, not on the play).
func chainOn(ng *nodeGraph, p markov.Profile) (*credChain, error) {
	g := ng.g
	nA := len(g.Actors)
	c := &credChain{nodeGraph: ng, prof: p, playID: make([]int32, len(ng.nodes)*nA), nA: nA}
	// A play depends on the actor, the state and the rule in force, and on
	// the step only through a strategy's own play for that step (Timed):
	// nodes that share the rest share one play, so that a clocked game's
	// every step does not copy the same play again. The plays live in one
	// backing array, grown as needed (a slice taken before it grows still
	// reads the old one, which it never writes again).
	nS := len(g.States)
	memo := make([][]int32, nA*nS) // memo[a*nS+s][ri+1]: the play's number + 1
	room := 0
	for _, av := range g.Avail {
		for _, x := range av {
			room += len(x)
		}
	}
	buf := make([]float64, 0, room)
	for n, nd := range ng.nodes {
		for a := 0; a < nA; a++ {
			ri, ph := nd.fired[a], nd.phase
			timed := ri < 0 && ph < g.Clock && ph < len(p[a].Timed) && p[a].Timed[ph] != nil && p[a].Timed[ph][nd.state] != nil
			var row []int32
			if !timed {
				row = memo[a*nS+nd.state]
				if ri+1 < len(row) && row[ri+1] > 0 {
					c.playID[n*nA+a] = row[ri+1] - 1
					continue
				}
			}
			at := len(buf)
			var err error
			if buf, err = appendPlay(buf, g, a, p[a], nd.state, ri, ph); err != nil {
				return nil, err
			}
			id := int32(len(c.plays))
			c.plays = append(c.plays, buf[at:len(buf):len(buf)])
			c.playID[n*nA+a] = id
			if !timed {
				for len(row) <= ri+1 {
					row = append(row, 0)
				}
				row[ri+1] = id + 1
				memo[a*nS+nd.state] = row
			}
		}
	}
	return c, nil
}

// play is actor a's play at node n, over Avail[state][a] (read-only).
func (c *credChain) play(n, a int) []float64 { return c.plays[c.playID[n*c.nA+a]] }

// jointProb is the probability of joint action j at node n, leaving out
// actor skip (skip = -1 leaves out nobody).
func (c *credChain) jointProb(n, j, skip int, k []int) float64 {
	c.g.Decode(c.nodes[n].state, j, k)
	p := 1.0
	for a := range k {
		if a != skip {
			p *= c.play(n, a)[k[a]]
		}
	}
	return p
}

// validateNodeGame is markov.Game.ValidateDiscounted for the analyses on
// node graphs, which handle a clock (by backward induction over the
// layers before it runs out): the game must be valid and its stationary
// part discounted.
func validateNodeGame(g *markov.Game) error {
	if g.Clock == 0 {
		return g.ValidateDiscounted()
	}
	if err := g.Validate(); err != nil {
		return err
	}
	st := *g
	st.Clock, st.Timed = 0, nil
	return st.ValidateDiscounted()
}

// credRows are the rows of a profile's chain, shared by the nodes with
// the same state, tables and play of every actor (rows.go): per joint
// action of a row, its probability and each actor's utility of its flow.
type credRows struct {
	row  []int32   // row[n] is node n's row
	at   []int32   // at[r] is the node row r was built at
	off  []int32   // the joint actions of row r are off[r] … off[r+1]-1
	jp   []float64 // per joint action: its probability (every actor's play)
	skip []float64 // at (off[r]+j)*nA+b: the probability of the others' actions
	kpos []int32   // at (off[r]+j)*nA+b: the position of actor b's action
	fu   []float64 // at (off[r]+j)*nA+b: actor b's utility of the flow
	// entry[s*nA+b] is actor b's utility on entering state s.
	entry []float64
}

// rows returns the chain's shared rows, built on first use; with noShare
// every node has a row of its own (tests compare the two).
func (c *credChain) rows(ctx context.Context) (*credRows, error) {
	if c.cr != nil {
		return c.cr, nil
	}
	g := c.g
	nA, nS := len(g.Actors), len(g.States)
	rep := shareRows(c, -1, nil)
	cr := &credRows{row: rep}
	joints := 0
	for n, nd := range c.nodes {
		if int(rep[n]) == n {
			cr.row[n] = int32(len(cr.at))
			cr.at = append(cr.at, int32(n))
			joints += g.NumJoint(nd.state)
		} else {
			cr.row[n] = cr.row[rep[n]]
		}
	}
	if err := budget.Check(ctx, "joint-action probabilities and utilities at every decision point", budget.Mul(int64(joints), int64(1+3*nA), 8),
		"use a profile with fewer remembered moves"); err != nil {
		return nil, err
	}
	cr.off = make([]int32, len(cr.at)+1)
	cr.jp = make([]float64, joints)
	cr.skip = make([]float64, joints*nA)
	cr.kpos = make([]int32, joints*nA)
	cr.fu = make([]float64, joints*nA)
	k := make([]int, nA)
	o := 0
	for r, n := range cr.at {
		nd := c.nodes[n]
		flow := g.FlowAt(nd.phase, nd.state)
		cr.off[r] = int32(o)
		for j := 0; j < g.NumJoint(nd.state); j++ {
			cr.jp[o] = c.jointProb(int(n), j, -1, k) // also decodes j into k
			for b := 0; b < nA; b++ {
				x := o*nA + b
				cr.kpos[x] = int32(k[b])
				cr.skip[x] = c.jointProb(int(n), j, b, k)
				cr.fu[x] = utility(g, flow[j], b)
			}
			o++
		}
	}
	cr.off[len(cr.at)] = int32(o)
	cr.entry = make([]float64, nS*nA)
	for s := range g.States {
		if s < len(g.Entry) {
			for b := 0; b < nA; b++ {
				cr.entry[s*nA+b] = utility(g, g.Entry[s], b)
			}
		}
	}
	c.cr = cr
	return cr, nil
}

// values solves every actor's discounted value at every node.
func (c *credChain) values(ctx context.Context) ([][]float64, error) {
	g := c.g
	nA := len(g.Actors)
	cr, err := c.rows(ctx)
	if err != nil {
		return nil, err
	}
	V := make([][]float64, nA)
	// Per row and actor, the expected reward and the arcs (discount ×
	// probability per transition to a decision point), built once for
	// the nodes of every step that share the row.
	b := make([]float64, len(cr.at))
	aoff := make([]int32, len(cr.at)+1)
	room := 0 // the arcs of every transition: room for any actor's
	for _, n := range cr.at {
		nd := c.nodes[n]
		for _, tr := range g.TransAt(nd.phase, nd.state) {
			room += len(tr)
		}
	}
	arcs := make([]mdpArc, 0, room)
	var lin linScratch // the dense system, reused by every actor's solve
	for a := 0; a < nA; a++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d := g.Actors[a].Discount
		arcs = arcs[:0]
		for r, n := range cr.at {
			nd := c.nodes[n]
			trans := g.TransAt(nd.phase, nd.state)
			aoff[r] = int32(len(arcs))
			o := int(cr.off[r])
			sum := 0.0
			for j, pj := range cr.jp[o:cr.off[r+1]] {
				if pj == 0 {
					continue
				}
				sum += pj * cr.fu[(o+j)*nA+a]
				for i, t := range trans[j] {
					if c.next[n][j][i] >= 0 {
						arcs = append(arcs, mdpArc{j: int32(j), i: int32(i), p: pj * d * t.P})
					} else {
						sum += pj * d * t.P * cr.entry[t.State*nA+a]
					}
				}
			}
			b[r] = sum
		}
		aoff[len(cr.at)] = int32(len(arcs))
		lin.x = nil // V[a] keeps it
		x, err := c.linSolveTo(ctx, "profile values", "use a profile with fewer remembered moves", false, 0, true, &lin,
			func(n int, arc func(to int, p float64)) float64 {
				r := cr.row[n]
				next := c.next[n]
				for _, e := range arcs[aoff[r]:aoff[r+1]] {
					arc(next[e.j][e.i], e.p)
				}
				return b[r]
			})
		if err != nil {
			return nil, err
		}
		V[a] = x
	}
	return V, nil
}

// actionValues writes into q (one entry per action of actor a at node n)
// actor a's value at node n of each available action played once, the
// profile followed afterwards. The chain's rows must have been built
// (values builds them).
func (c *credChain) actionValues(q []float64, V [][]float64, n, a int) []float64 {
	g := c.g
	nA := len(g.Actors)
	cr := c.cr
	nd := c.nodes[n]
	q = q[:len(g.Avail[nd.state][a])]
	clear(q)
	d := g.Actors[a].Discount
	trans := g.TransAt(nd.phase, nd.state)
	r := cr.row[n]
	o := int(cr.off[r])
	next := c.next[n]
	for j := range int(cr.off[r+1]) - o {
		x := (o+j)*nA + a
		p := cr.skip[x]
		if p == 0 {
			continue
		}
		u := cr.fu[x]
		for i, t := range trans[j] {
			if nx := next[j][i]; nx >= 0 {
				u += d * t.P * V[a][nx]
			} else {
				u += d * t.P * cr.entry[t.State*nA+a]
			}
		}
		q[cr.kpos[x]] += p * u
	}
	return q
}

// OneShotGain returns the largest gain any actor can get by deviating from
// profile p for one step, in any state and after any remembered previous
// move, then following p again. By the one-shot deviation principle it is
// 0 exactly when p is subgame perfect (for a stationary profile: an MPE).
func OneShotGain(g *markov.Game, p markov.Profile) (float64, error) {
	return OneShotGainContext(context.Background(), g, p)
}

// OneShotGainContext is OneShotGain stopping with ctx's error when ctx is
// done and refusing, by the memory budget in ctx, chains too large for it.
func OneShotGainContext(ctx context.Context, g *markov.Game, p markov.Profile) (float64, error) {
	c, err := credBuild(ctx, g, p)
	if err != nil {
		return 0, fmt.Errorf("one-shot gain: %w", err)
	}
	V, err := c.values(ctx)
	if err != nil {
		return 0, fmt.Errorf("one-shot gain: %w", err)
	}
	gain := 0.0
	var q []float64
	for n, nd := range c.nodes {
		for a := range g.Actors {
			q = slices.Grow(q[:0], len(g.Avail[nd.state][a]))
			for _, v := range c.actionValues(q, V, n, a) {
				gain = math.Max(gain, v-V[a][n])
			}
		}
	}
	return gain, nil
}

// Kinds of prescribed play, as the credibility report sorts them.
const (
	// KindThreat is a play selected by another actor's last move that
	// leaves that actor worse off than the reacting actor's base play would
	// (a punishment).
	KindThreat = "threat"
	// KindPromise is such a play that leaves it better off (a reward).
	KindPromise = "promise"
	// KindReaction is a play selected by another actor's last move that
	// makes no difference to it.
	KindReaction = "reaction"
	// KindPlay is ordinary play: the strategy's base play, or a rule that
	// reacts only to the actor's own last move.
	KindPlay = "play"
)

// Threat is what a profile prescribes to one actor at one decision point
// (a state and the rules in force there), and whether carrying it out is in
// that actor's interest when the moment comes.
type Threat struct {
	Actor      string
	ActorIndex int
	State      string
	StateIndex int
	// Step is, in a clocked game, the step of the decision point before
	// the clock runs out, or the clock (markov.Game.Clock) for every step
	// from then on; Clock is the game's clock (0: no clock, Step 0).
	Step, Clock int
	// Kind is KindThreat, KindPromise, KindReaction or KindPlay.
	Kind string
	// After describes the previous move the actor's own rule reacts to
	// ("IR: hormuz"), empty for base play; Target is the other actor whose
	// move it reacts to (empty for ordinary play). Context describes the
	// remembered moves that select the other actors' rules at this decision
	// point, which make it a different point from the same state without
	// them.
	After, Target, Context string
	// Play is the prescribed distribution (global action indices).
	Play     []markov.ActionProb
	PlayText string // e.g. "withdraw" or "strike 0.6, withdraw 0.4"
	// Support lists, for each action the play uses, how much less it is
	// worth than the best action here (0 for a best response). A mix is
	// credible when every action in it is a best response: the
	// equilibrium condition, whatever the weights.
	Support []SupportAction
	// BestDeviation names the best action to play instead: the best
	// action when the play is not credible, else the best action outside
	// the play's support.
	BestDeviation string
	// Gain is what the best one-shot deviation adds to the prescribed
	// play's value (0 if none is profitable): the certificate.
	Gain float64
	// Credible is true when every action of the play is a best response
	// (its shortfall at most CredibleTol, relative to the payoff scale).
	Credible bool
	// Margin is, for a credible play, the worst action in its support minus
	// the best action outside it (positive: credible with room to spare;
	// 0 when every action is in the support); for a play that is not
	// credible, minus the largest shortfall of an action in its support.
	Margin float64
	// TargetEffect is what the play, against the actor's base play in this
	// state, does to Target's value (negative for a threat).
	TargetEffect float64
}

// SupportAction is one action of a prescribed mix.
type SupportAction struct {
	Action    string
	P         float64
	Shortfall float64
}

// CredibleTol is the largest shortfall still counted as a best response,
// relative to the largest action value (at least 1).
const CredibleTol = 1e-9

// String renders the threat as one line of the credibility table.
func (t Threat) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", t.Actor, t.PlayText)
	if t.After != "" {
		fmt.Fprintf(&b, " after %s", t.After)
	}
	fmt.Fprintf(&b, " in %s", t.State)
	if t.Clock > 0 {
		fmt.Fprintf(&b, " at %s", PhaseLabel(t.Clock, t.Step))
	}
	if t.Context != "" {
		fmt.Fprintf(&b, " (with %s remembered)", t.Context)
	}
	b.WriteString(" — ")
	switch {
	case t.Credible:
		fmt.Fprintf(&b, "credible, margin %s", credNum(t.Margin))
	case len(t.Support) > 1:
		var bad []string
		for _, s := range t.Support {
			if s.Shortfall > 0 {
				bad = append(bad, fmt.Sprintf("%s loses %s", s.Action, credNum(s.Shortfall)))
			}
		}
		fmt.Fprintf(&b, "not credible: %s against %s", strings.Join(bad, ", "), t.BestDeviation)
	default:
		fmt.Fprintf(&b, "not credible, gain %s by %s", credNum(t.Gain), t.BestDeviation)
	}
	return b.String()
}

func credNum(x float64) string {
	if math.Abs(x) < 1e-12 {
		x = 0
	}
	return strconv.FormatFloat(x, 'g', 3, 64)
}

// Credibility returns, for each actor and decision point where the actor
// has a choice, the prescribed play, its kind and whether it is credible.
// It returns nil when p does not fit g (Assess and OneShotGain say why).
func Credibility(g *markov.Game, p markov.Profile) []Threat {
	out, err := Assess(context.Background(), g, p)
	if err != nil {
		return nil
	}
	return out
}

// Assess is Credibility with a context (cancellation and the memory
// budget) and the reason when p does not fit g.
func Assess(ctx context.Context, g *markov.Game, p markov.Profile) ([]Threat, error) {
	return assess(ctx, nil, g, p, -1)
}

// AssessActor is Assess for actor a's plays only: the threats of Assess
// whose ActorIndex is a, in the same order (a hypothesis about one
// actor's threats need not describe every other actor's play at every
// decision point).
// With gr (may be nil) it reuses the decision points built on an earlier
// game of the same shape (Graphs).
func AssessActor(ctx context.Context, g *markov.Game, p markov.Profile, a int, gr *Graphs) ([]Threat, error) {
	if a < 0 || a >= len(g.Actors) {
		return nil, fmt.Errorf("credibility: actor %d out of range", a)
	}
	return assess(ctx, gr, g, p, a)
}

// assess is Assess for actor only (-1: every actor).
func assess(ctx context.Context, gr *Graphs, g *markov.Game, p markov.Profile, only int) ([]Threat, error) {
	c, err := credBuildIn(ctx, gr, g, p)
	if err != nil {
		return nil, fmt.Errorf("credibility: %w", err)
	}
	return c.assess(ctx, only)
}

// assess is assess on the profile's chain.
func (c *credChain) assess(ctx context.Context, only int) ([]Threat, error) {
	g := c.g
	V, err := c.values(ctx)
	if err != nil {
		return nil, fmt.Errorf("credibility: %w", err)
	}
	nA, nS, nPh := len(g.Actors), len(g.States), g.Clock+1
	// The threats come out ordered by actor, state and step, stably (by
	// actor, then node): a counting sort on that key gives each decision
	// point with a choice its place before any is made. The slices of
	// every threat's play and support share two backing arrays, sized
	// here too.
	bucket := make([]int32, nA*nS*nPh+1)
	key := func(a int, nd node) int { return (a*nS+nd.state)*nPh + nd.phase }
	choices, used := 0, 0
	for a := range g.Actors {
		if only >= 0 && a != only {
			continue
		}
		for n, nd := range c.nodes {
			if len(g.Avail[nd.state][a]) >= 2 {
				choices++
				bucket[key(a, nd)+1]++
				for _, pr := range c.play(n, a) {
					if pr != 0 {
						used++
					}
				}
			}
		}
	}
	for i := 1; i < len(bucket); i++ {
		bucket[i] += bucket[i-1]
	}
	out := make([]Threat, choices)
	supports := make([]SupportAction, used)
	plays := make([]markov.ActionProb, used)
	// What depends only on the rules in force (the remembered moves) or
	// only on the play (its text) is worked out once: a clocked game
	// repeats both at every step.
	type described struct {
		after, target, context string
		ok                     bool
	}
	var descr []described          // by combination of rules (node.combo), for actor a
	texts := make([]string, 0, 16) // texts[playID] for actor a, "" if not yet
	var q, base []float64
	for a, act := range g.Actors {
		if only >= 0 && a != only {
			continue
		}
		texts, descr = texts[:0], descr[:0]
		for n, nd := range c.nodes {
			av := g.Avail[nd.state][a]
			if len(av) < 2 {
				continue
			}
			if n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, fmt.Errorf("credibility: %w", err)
				}
			}
			play := c.play(n, a)
			q = c.actionValues(slices.Grow(q[:0], len(av)), V, n, a)
			cur := V[a][n]
			best, bestK := math.Inf(-1), -1
			alt, altK := math.Inf(-1), -1
			worstIn := math.Inf(1)
			scale := 1.0
			for k, v := range q {
				scale = math.Max(scale, math.Abs(v))
				if v > best {
					best, bestK = v, k
				}
				if play[k] == 0 && v > alt {
					alt, altK = v, k
				}
				if play[k] > 0 {
					worstIn = math.Min(worstIn, v)
				}
			}
			tol := CredibleTol * scale
			pos := bucket[key(a, nd)]
			bucket[key(a, nd)]++
			t := &out[pos]
			*t = Threat{Actor: act.ID, ActorIndex: a, State: g.States[nd.state].ID, StateIndex: nd.state, Step: nd.phase, Clock: g.Clock, Kind: KindPlay}
			for int(nd.combo) >= len(descr) {
				descr = append(descr, described{})
			}
			ds := &descr[nd.combo]
			if !ds.ok {
				ds.after, ds.target, ds.context = c.describe(n, a)
				ds.ok = true
			}
			t.After, t.Target, t.Context = ds.after, ds.target, ds.context
			t.Gain = math.Max(0, best-cur)
			maxShort := 0.0
			m := 0
			for _, pr := range play {
				if pr != 0 {
					m++
				}
			}
			t.Support, supports = supports[:0:m], supports[m:]
			t.Play, plays = plays[:0:m], plays[m:]
			for k, pr := range play {
				if pr == 0 {
					continue
				}
				sh := math.Max(0, best-q[k])
				if sh <= tol {
					sh = 0
				}
				maxShort = math.Max(maxShort, sh)
				t.Support = append(t.Support, SupportAction{Action: g.Actions[a][av[k]], P: pr, Shortfall: sh})
				t.Play = append(t.Play, markov.ActionProb{Action: av[k], P: pr})
			}
			id := int(c.playID[n*nA+a])
			for len(texts) <= id {
				texts = append(texts, "")
			}
			if texts[id] == "" {
				texts[id] = playText(g, a, av, play)
			}
			t.PlayText = texts[id]
			t.Credible = maxShort == 0
			switch {
			case !t.Credible:
				t.Margin = -maxShort
				t.BestDeviation = g.Actions[a][av[bestK]]
			case altK >= 0:
				t.Margin = worstIn - alt
				t.BestDeviation = g.Actions[a][av[altK]]
			}
			if t.Target != "" {
				b := c.actorIndex(t.Target)
				base, err = appendPlay(base[:0], g, a, c.prof[a], nd.state, -1, nd.phase)
				if err == nil {
					t.TargetEffect = c.valueWith(V, n, a, play, b) - c.valueWith(V, n, a, base, b)
				}
				switch teff := t.TargetEffect; {
				case teff < -tol:
					t.Kind = KindThreat
				case teff > tol:
					t.Kind = KindPromise
				default:
					t.Kind = KindReaction
				}
			}
		}
	}
	return out, nil
}

// playText renders actor a's play over the actions av: "withdraw", or
// "strike 0.6, withdraw 0.4".
func playText(g *markov.Game, a int, av []int, play []float64) string {
	var parts []string
	for k, pr := range play {
		if pr == 0 {
			continue
		}
		name := g.Actions[a][av[k]]
		if pr == 1 {
			parts = append(parts, name)
		} else {
			parts = append(parts, name+" "+credNum(pr))
		}
	}
	return strings.Join(parts, ", ")
}

// describe splits node n's remembered moves for actor a: after is what a's
// own rule reacts to, target the first other actor it reacts to (empty if
// it reacts to nobody else's move), context what the others' rules react
// to.
func (c *credChain) describe(n, a int) (after, target, context string) {
	g := c.g
	nd := c.nodes[n]
	cond := func(cd markov.Cond) string {
		names := make([]string, 0, len(cd.Actions))
		for _, x := range cd.Actions {
			names = append(names, g.Actions[cd.Actor][x])
		}
		return g.Actors[cd.Actor].ID + ": " + strings.Join(names, "|")
	}
	var own, others []string
	seen := map[string]bool{}
	for i, ri := range nd.fired {
		if ri < 0 || i >= len(c.prof) {
			continue
		}
		for _, cd := range c.strats[i].Rules[ri].After {
			s := cond(cd)
			if c.owner[i] == a {
				own = append(own, s)
				if cd.Actor != a && target == "" {
					target = g.Actors[cd.Actor].ID
				}
			} else if !seen[s] {
				seen[s] = true
				others = append(others, s)
			}
		}
	}
	return strings.Join(own, ", "), target, strings.Join(others, ", ")
}

func (c *credChain) actorIndex(id string) int {
	for b, act := range c.g.Actors {
		if act.ID == id {
			return b
		}
	}
	return -1
}

// valueWith is actor b's value at node n when actor a plays x there once
// and everybody follows the profile afterwards (the rows must have been
// built).
func (c *credChain) valueWith(V [][]float64, n, a int, x []float64, b int) float64 {
	g := c.g
	nA := len(g.Actors)
	cr := c.cr
	nd := c.nodes[n]
	d := g.Actors[b].Discount
	trans := g.TransAt(nd.phase, nd.state)
	r := cr.row[n]
	o := int(cr.off[r])
	next := c.next[n]
	v := 0.0
	for j := range int(cr.off[r+1]) - o {
		xa := (o+j)*nA + a
		p := cr.skip[xa] * x[cr.kpos[xa]]
		if p == 0 {
			continue
		}
		u := cr.fu[(o+j)*nA+b]
		for i, t := range trans[j] {
			if nx := next[j][i]; nx >= 0 {
				u += d * t.P * V[b][nx]
			} else {
				u += d * t.P * cr.entry[t.State*nA+b]
			}
		}
		v += p * u
	}
	return v
}

// ThreatSummary is one decision point's credibility across parameter
// draws.
type ThreatSummary struct {
	Actor, State, After, Context string
	// Step and Clock are those of Threat.
	Step, Clock int
	// Kind and Play are those of the first draw (a kind can change with
	// the parameters; Kinds counts each).
	Kind  string
	Kinds map[string]int
	Play  string
	// Draws counts the draws with this decision point, Credible those in
	// which the play was credible.
	Draws, Credible int
	// MedianMargin is the median of Margin over those draws.
	MedianMargin float64
}

// CredibleShare is Credible/Draws.
func (s ThreatSummary) CredibleShare() float64 {
	if s.Draws == 0 {
		return 0
	}
	return float64(s.Credible) / float64(s.Draws)
}

// SummarizeThreats aggregates the credibility reports of several draws of
// one profile, decision point by decision point, in the order first seen.
func SummarizeThreats(draws [][]Threat) []ThreatSummary {
	var out []ThreatSummary
	margins := map[string][]float64{}
	index := map[string]int{}
	for _, ths := range draws {
		for _, t := range ths {
			key := t.Actor + "\x00" + t.State + "\x00" + t.After + "\x00" + t.Context + "\x00" + strconv.Itoa(t.Step)
			i, ok := index[key]
			if !ok {
				i = len(out)
				index[key] = i
				out = append(out, ThreatSummary{Actor: t.Actor, State: t.State, After: t.After, Context: t.Context, Step: t.Step, Clock: t.Clock,
					Kind: t.Kind, Kinds: map[string]int{}, Play: t.PlayText})
			}
			s := &out[i]
			s.Draws++
			s.Kinds[t.Kind]++
			if t.Credible {
				s.Credible++
			}
			margins[key] = append(margins[key], t.Margin)
		}
	}
	for key, i := range index {
		m := margins[key]
		sort.Float64s(m)
		if n := len(m); n%2 == 1 {
			out[i].MedianMargin = m[n/2]
		} else {
			out[i].MedianMargin = (m[n/2-1] + m[n/2]) / 2
		}
	}
	return out
}
