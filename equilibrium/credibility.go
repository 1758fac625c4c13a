package equilibrium

import (
	"context"
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

// credChain is the node graph of a whole profile with every actor's play
// at every node.
type credChain struct {
	*nodeGraph
	play [][][]float64 // play[n][a][k] over Avail[state][a]
	prof markov.Profile
}

// credBuild enumerates the nodes of profile p.
func credBuild(ctx context.Context, g *markov.Game, p markov.Profile) (*credChain, error) {
	owner := make([]int, len(p))
	for a := range owner {
		owner[a] = a
	}
	return credBuildNodes(ctx, g, p, p, owner)
}

// credBuildNodes enumerates the nodes of the tracked strategies strats (of
// actors owner), which must begin with profile p's, with p's play at each.
func credBuildNodes(ctx context.Context, g *markov.Game, p markov.Profile, strats []markov.Strategy, owner []int) (*credChain, error) {
	if err := g.ValidateDiscounted(); err != nil {
		return nil, err
	}
	nA := len(g.Actors)
	if len(p) != nA {
		return nil, fmt.Errorf("profile has %d strategies for %d actors", len(p), nA)
	}
	ng, err := buildNodes(ctx, g, strats, owner)
	if err != nil {
		return nil, err
	}
	c := &credChain{nodeGraph: ng, prof: p, play: make([][][]float64, len(ng.nodes))}
	for n, nd := range ng.nodes {
		c.play[n] = make([][]float64, nA)
		for a := 0; a < nA; a++ {
			if c.play[n][a], err = playOf(g, a, p[a], nd.state, nd.fired[a]); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

// jointProb is the probability of joint action j at node n, leaving out
// actor skip (skip = -1 leaves out nobody).
func (c *credChain) jointProb(n, j, skip int, k []int) float64 {
	c.g.Decode(c.nodes[n].state, j, k)
	p := 1.0
	for a := range k {
		if a != skip {
			p *= c.play[n][a][k[a]]
		}
	}
	return p
}

// values solves every actor's discounted value at every node.
func (c *credChain) values(ctx context.Context) ([][]float64, error) {
	g := c.g
	nA, N := len(g.Actors), len(c.nodes)
	if err := denseCheck(ctx, "profile values", N, "use a profile with fewer remembered moves"); err != nil {
		return nil, err
	}
	V := make([][]float64, nA)
	k := make([]int, nA)
	for a := 0; a < nA; a++ {
		V[a] = make([]float64, N)
		if N == 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
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
				r += pj * utility(g, g.Flow[nd.state][j], a)
				for i, t := range g.Trans[nd.state][j] {
					if nx := c.next[n][j][i]; nx >= 0 {
						A.Set(n, nx, A.At(n, nx)-pj*d*t.P)
					} else {
						r += pj * d * t.P * utility(g, g.Entry[t.State], a)
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
		u := utility(g, g.Flow[nd.state][j], a)
		for i, t := range g.Trans[nd.state][j] {
			if nx := c.next[n][j][i]; nx >= 0 {
				u += d * t.P * V[a][nx]
			} else {
				u += d * t.P * utility(g, g.Entry[t.State], a)
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
	c, err := credBuild(context.Background(), g, p)
	if err != nil {
		return nil
	}
	V, err := c.values(context.Background())
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
				if c.play[n][a][k] == 0 && v > alt {
					alt, altK = v, k
				}
			}
			t := Threat{Actor: act.ID, ActorIndex: a, State: g.States[nd.state].ID, StateIndex: nd.state,
				After: c.after(n)}
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
			for k, pr := range c.play[n][a] {
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
