package equilibrium

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/truce-dev/truce/markov"
	"gonum.org/v1/gonum/mat"
)

// This file checks strategy profiles for one-shot deviations, directly from
// the Game and the Profile (it shares no code with the MPE solvers, so it
// can certify them). A memory-one profile is a Markov chain on nodes
// (state, which rule each actor's strategy follows there); the nodes are
// every state entered at the start or after any joint action of any state,
// on or off the path, because a threat is about what happens off the path.

// credNode is one chain node: a state and, per actor, the index of the rule
// in force there (-1 for the base play).
type credNode struct {
	state int
	rules []int
	play  [][]float64 // play[a][k] over Avail[state][a]
}

type credChain struct {
	g     *markov.Game
	nodes []credNode
	// next[n][j][i] is the node entered after joint action j in node n's
	// state when Trans[s][j][i] is drawn, or -1 for a terminal state.
	next [][][]int
	util func(vec []float64, a int) float64
	prof markov.Profile
}

// credBuild enumerates the nodes of profile p.
func credBuild(g *markov.Game, p markov.Profile) (*credChain, error) {
	if err := g.ValidateDiscounted(); err != nil {
		return nil, err
	}
	nA := len(g.Actors)
	if len(p) != nA {
		return nil, fmt.Errorf("profile has %d strategies for %d actors", len(p), nA)
	}
	nC := len(g.Components)
	c := &credChain{g: g, prof: p}
	for a := range p {
		for ri, r := range p[a].Rules {
			if r.State < -1 || r.State >= len(g.States) {
				return nil, fmt.Errorf("actor %s: rule %d: state %d out of range", g.Actors[a].ID, ri+1, r.State)
			}
			for _, cd := range r.After {
				if cd.Actor < 0 || cd.Actor >= nA {
					return nil, fmt.Errorf("actor %s: rule %d: condition on actor %d out of range", g.Actors[a].ID, ri+1, cd.Actor)
				}
				for _, x := range cd.Actions {
					if x < 0 || x >= len(g.Actions[cd.Actor]) {
						return nil, fmt.Errorf("actor %s: rule %d: condition on action %d out of range", g.Actors[a].ID, ri+1, x)
					}
				}
			}
		}
	}
	c.util = func(vec []float64, a int) float64 {
		if len(vec) == 0 {
			return 0
		}
		u := 0.0
		for k := 0; k < nC; k++ {
			u += g.Actors[a].Weights[k] * vec[a*nC+k]
		}
		return u
	}
	index := map[string]int{}
	// node returns the id of the node entered in state s with memory mem
	// (global action per actor, nil at the start).
	node := func(s int, mem []int) (int, error) {
		rules := make([]int, nA)
		for a := 0; a < nA; a++ {
			rules[a] = -1
			for ri, r := range p[a].Rules {
				if r.State != s && r.State != -1 {
					continue
				}
				ok := true
				for _, cd := range r.After {
					hit := false
					if mem != nil {
						for _, x := range cd.Actions {
							hit = hit || mem[cd.Actor] == x
						}
					}
					ok = ok && hit
				}
				if ok {
					rules[a] = ri
					break
				}
			}
		}
		key := fmt.Sprint(s, rules)
		if id, ok := index[key]; ok {
			return id, nil
		}
		play := make([][]float64, nA)
		for a := 0; a < nA; a++ {
			av := g.Avail[s][a]
			play[a] = make([]float64, len(av))
			if rules[a] < 0 {
				if s >= len(p[a].Base) || len(p[a].Base[s]) != len(av) {
					return 0, fmt.Errorf("actor %s: no base play for the %d actions of state %s", g.Actors[a].ID, len(av), g.States[s].ID)
				}
				copy(play[a], p[a].Base[s])
			} else {
				for _, ap := range p[a].Rules[rules[a]].Play {
					pos := -1
					for k, x := range av {
						if x == ap.Action {
							pos = k
						}
					}
					if pos < 0 {
						return 0, fmt.Errorf("actor %s: rule %d plays an action not available in state %s", g.Actors[a].ID, rules[a]+1, g.States[s].ID)
					}
					play[a][pos] += ap.P
				}
			}
			tot := 0.0
			for _, x := range play[a] {
				if !(x >= 0) {
					return 0, fmt.Errorf("actor %s: negative probability in state %s", g.Actors[a].ID, g.States[s].ID)
				}
				tot += x
			}
			if math.Abs(tot-1) > 1e-9 {
				return 0, fmt.Errorf("actor %s: play in state %s sums to %v", g.Actors[a].ID, g.States[s].ID, tot)
			}
		}
		id := len(c.nodes)
		index[key] = id
		c.nodes = append(c.nodes, credNode{state: s, rules: rules, play: play})
		return id, nil
	}
	// States with no way in other than the start get their start node.
	entered := make([]bool, len(g.States))
	for s, st := range g.States {
		if st.Terminal {
			continue
		}
		for j := range g.Trans[s] {
			for _, nx := range g.Trans[s][j] {
				if nx.P > 0 {
					entered[nx.State] = true
				}
			}
		}
	}
	for s, st := range g.States {
		if !st.Terminal && (s == g.Initial || !entered[s]) {
			if _, err := node(s, nil); err != nil {
				return nil, err
			}
		}
	}
	// Every state entered after any joint action of any state.
	k := make([]int, nA)
	mem := make([]int, nA)
	memOf := func(s, j int) []int {
		g.Decode(s, j, k)
		for a := 0; a < nA; a++ {
			mem[a] = g.Avail[s][a][k[a]]
		}
		return mem
	}
	succ := map[[2]int][]int{} // (state, joint) -> next node per transition
	for s, st := range g.States {
		if st.Terminal {
			continue
		}
		for j := 0; j < g.NumJoint(s); j++ {
			nx := make([]int, len(g.Trans[s][j]))
			for i, t := range g.Trans[s][j] {
				nx[i] = -1
				if g.States[t.State].Terminal {
					continue
				}
				id, err := node(t.State, memOf(s, j))
				if err != nil {
					return nil, err
				}
				nx[i] = id
			}
			succ[[2]int{s, j}] = nx
		}
	}
	c.next = make([][][]int, len(c.nodes))
	for n, nd := range c.nodes {
		nj := g.NumJoint(nd.state)
		c.next[n] = make([][]int, nj)
		for j := 0; j < nj; j++ {
			c.next[n][j] = succ[[2]int{nd.state, j}]
		}
	}
	return c, nil
}

// jointProb is the probability of joint action j at node n, leaving out
// actor skip (skip = -1 leaves out nobody).
func (c *credChain) jointProb(n, j, skip int, k []int) float64 {
	nd := c.nodes[n]
	c.g.Decode(nd.state, j, k)
	p := 1.0
	for a := range k {
		if a != skip {
			p *= nd.play[a][k[a]]
		}
	}
	return p
}

// values solves every actor's discounted value at every node.
func (c *credChain) values() ([][]float64, error) {
	g := c.g
	nA, N := len(g.Actors), len(c.nodes)
	V := make([][]float64, nA)
	k := make([]int, nA)
	for a := 0; a < nA; a++ {
		V[a] = make([]float64, N)
		if N == 0 {
			continue
		}
		d := g.Actors[a].Discount
		A := mat.NewDense(N, N, nil)
		b := mat.NewVecDense(N, nil)
		for n, nd := range c.nodes {
			A.Set(n, n, A.At(n, n)+1)
			r := 0.0
			for j := 0; j < g.NumJoint(nd.state); j++ {
				pj := c.jointProb(n, j, -1, k)
				if pj == 0 {
					continue
				}
				r += pj * c.util(g.Flow[nd.state][j], a)
				for i, t := range g.Trans[nd.state][j] {
					if nx := c.next[n][j][i]; nx >= 0 {
						A.Set(n, nx, A.At(n, nx)-pj*d*t.P)
					} else {
						r += pj * d * t.P * c.util(g.Entry[t.State], a)
					}
				}
			}
			b.SetVec(n, r)
		}
		var x mat.VecDense
		if err := x.SolveVec(A, b); err != nil {
			return nil, fmt.Errorf("profile values: %w", err)
		}
		for n := range V[a] {
			V[a][n] = x.AtVec(n)
		}
	}
	return V, nil
}

// actionValues returns actor a's value at node n of each available action
// played once, the profile followed afterwards.
func (c *credChain) actionValues(V [][]float64, n, a int) []float64 {
	g := c.g
	nd := c.nodes[n]
	k := make([]int, len(g.Actors))
	q := make([]float64, len(g.Avail[nd.state][a]))
	d := g.Actors[a].Discount
	for j := 0; j < g.NumJoint(nd.state); j++ {
		p := c.jointProb(n, j, a, k) // also decodes j into k
		if p == 0 {
			continue
		}
		u := c.util(g.Flow[nd.state][j], a)
		for i, t := range g.Trans[nd.state][j] {
			if nx := c.next[n][j][i]; nx >= 0 {
				u += d * t.P * V[a][nx]
			} else {
				u += d * t.P * c.util(g.Entry[t.State], a)
			}
		}
		q[k[a]] += p * u
	}
	return q
}

// OneShotGain returns the largest gain any actor can get by deviating from
// profile p for one step, in any state and after any remembered previous
// move, then following p again. By the one-shot deviation principle it is
// 0 exactly when p is subgame perfect (for a stationary profile: an MPE).
func OneShotGain(g *markov.Game, p markov.Profile) (float64, error) {
	c, err := credBuild(g, p)
	if err != nil {
		return 0, fmt.Errorf("one-shot gain: %w", err)
	}
	V, err := c.values()
	if err != nil {
		return 0, fmt.Errorf("one-shot gain: %w", err)
	}
	gain := 0.0
	for n := range c.nodes {
		for a := range g.Actors {
			for _, q := range c.actionValues(V, n, a) {
				gain = math.Max(gain, q-V[a][n])
			}
		}
	}
	return gain, nil
}

// Threat is what a profile prescribes to one actor at one chain node, and
// whether carrying it out is in that actor's interest when the moment comes.
type Threat struct {
	Actor      string
	ActorIndex int
	State      string
	StateIndex int
	// After describes the remembered previous move that selects this play
	// ("IR: hormuz"); empty for the strategy's base play.
	After string
	// Play is the prescribed distribution (global action indices).
	Play     []markov.ActionProb
	PlayText string // e.g. "withdraw" or "strike 0.6, withdraw 0.4"
	// BestDeviation names the best action to play instead: the best
	// profitable deviation when there is one, else the best action outside
	// the prescribed play's support.
	BestDeviation string
	// Gain is what the best one-shot deviation adds to the prescribed play's
	// value (0 if none is profitable).
	Gain float64
	// Credible is Gain <= 1e-9.
	Credible bool
	// Margin is the prescribed play's value minus the best alternative
	// action's value (positive: credible with room to spare). When every
	// action is in the play's support it is −Gain.
	Margin float64
}

// CredibleTol is the largest one-shot gain still counted as credible.
const CredibleTol = 1e-9

// String renders the threat as one line of the credibility table.
func (t Threat) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", t.Actor, t.PlayText)
	if t.After != "" {
		fmt.Fprintf(&b, " after %s", t.After)
	}
	fmt.Fprintf(&b, " in %s — ", t.State)
	if t.Credible {
		fmt.Fprintf(&b, "credible, margin %s", credNum(t.Margin))
	} else {
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

// Credibility returns, for each actor and chain node where the actor has a
// choice, the prescribed play, its best one-shot alternative and whether
// the play is credible. It returns nil when p does not fit g (OneShotGain
// reports why).
func Credibility(g *markov.Game, p markov.Profile) []Threat {
	c, err := credBuild(g, p)
	if err != nil {
		return nil
	}
	V, err := c.values()
	if err != nil {
		return nil
	}
	var out []Threat
	for a, act := range g.Actors {
		for n, nd := range c.nodes {
			av := g.Avail[nd.state][a]
			if len(av) < 2 {
				continue
			}
			q := c.actionValues(V, n, a)
			cur := V[a][n]
			best, bestK := math.Inf(-1), -1
			alt, altK := math.Inf(-1), -1
			for k, v := range q {
				if v > best {
					best, bestK = v, k
				}
				if nd.play[a][k] == 0 && v > alt {
					alt, altK = v, k
				}
			}
			t := Threat{Actor: act.ID, ActorIndex: a, State: g.States[nd.state].ID, StateIndex: nd.state,
				After: c.after(nd)}
			t.Gain = math.Max(0, best-cur)
			t.Credible = t.Gain <= CredibleTol
			if altK >= 0 {
				t.Margin = cur - alt
			} else {
				t.Margin = -t.Gain
			}
			switch {
			case !t.Credible:
				t.BestDeviation = g.Actions[a][av[bestK]]
			case altK >= 0:
				t.BestDeviation = g.Actions[a][av[altK]]
			}
			var parts []string
			for k, pr := range nd.play[a] {
				if pr == 0 {
					continue
				}
				t.Play = append(t.Play, markov.ActionProb{Action: av[k], P: pr})
				if pr == 1 {
					parts = append(parts, g.Actions[a][av[k]])
				} else {
					parts = append(parts, g.Actions[a][av[k]]+" "+credNum(pr))
				}
			}
			t.PlayText = strings.Join(parts, ", ")
			out = append(out, t)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].ActorIndex != out[j].ActorIndex {
			return out[i].ActorIndex < out[j].ActorIndex
		}
		return out[i].StateIndex < out[j].StateIndex
	})
	return out
}

// after describes the remembered move that selects a node's rules.
func (c *credChain) after(nd credNode) string {
	g := c.g
	var parts []string
	seen := map[string]bool{}
	for a, ri := range nd.rules {
		if ri < 0 {
			continue
		}
		for _, cd := range c.gRule(a, ri).After {
			names := make([]string, 0, len(cd.Actions))
			for _, x := range cd.Actions {
				names = append(names, g.Actions[cd.Actor][x])
			}
			s := g.Actors[cd.Actor].ID + ": " + strings.Join(names, "|")
			if !seen[s] {
				seen[s] = true
				parts = append(parts, s)
			}
		}
	}
	return strings.Join(parts, ", ")
}

func (c *credChain) gRule(a, ri int) markov.Rule { return c.prof[a].Rules[ri] }
