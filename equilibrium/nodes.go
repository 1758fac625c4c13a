package equilibrium

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/markov"
)

// A memory-one strategy plays by the first of its rules that matches the
// state and the previous step's joint action, else by its base play. For a
// set of tracked strategies, a decision point (node) is a state together
// with the rule each tracked strategy follows there: two histories that
// select the same rules are the same node. The nodes are every state at
// the start, plus every state as entered after any joint action of any
// state, on or off the path, because threats are about what happens off
// the path. Credibility tracks every actor's strategy; a best response
// tracks the others' only.

// maxNodes bounds the decision points of one node graph.
const maxNodes = 1 << 20

// node is one decision point.
type node struct {
	state int
	fired []int // per tracked strategy: the rule in force, -1 for base play
}

// nodeGraph is the node set of some tracked strategies on a game.
type nodeGraph struct {
	g      *markov.Game
	strats []markov.Strategy
	owner  []int // owner[i] is the actor of strats[i]
	nodes  []node
	index  map[string]int
	// next[n][j][i] is the node entered after joint action j in node n's
	// state when Trans[s][j][i] is drawn, or -1 for a terminal state.
	next [][][]int
	// start[s] is the node of state s entered at step 0 (or with no memory
	// condition holding), -1 if none was made.
	start []int
}

// checkStrategy checks that a memory-one strategy of actor a refers only
// to states, actors and actions of g.
func checkStrategy(g *markov.Game, a int, st markov.Strategy) error {
	nA := len(g.Actors)
	for ri, r := range st.Rules {
		if r.State < -1 || r.State >= len(g.States) {
			return fmt.Errorf("actor %s: rule %d: state %d out of range", g.Actors[a].ID, ri+1, r.State)
		}
		for _, cd := range r.After {
			if cd.Actor < 0 || cd.Actor >= nA {
				return fmt.Errorf("actor %s: rule %d: condition on actor %d out of range", g.Actors[a].ID, ri+1, cd.Actor)
			}
			for _, x := range cd.Actions {
				if x < 0 || x >= len(g.Actions[cd.Actor]) {
					return fmt.Errorf("actor %s: rule %d: condition on action %d out of range", g.Actors[a].ID, ri+1, x)
				}
			}
		}
	}
	return nil
}

// firedRule returns the rule strategy st follows in state s after the
// previous step's global actions mem (nil at the start), or -1.
func firedRule(st markov.Strategy, s int, mem []int) int {
	for ri, r := range st.Rules {
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
			return ri
		}
	}
	return -1
}

// playOf returns what strategy st of actor a plays in state s under rule ri
// (-1: base play), as a distribution over Avail[s][a].
func playOf(g *markov.Game, a int, st markov.Strategy, s, ri int) ([]float64, error) {
	av := g.Avail[s][a]
	play := make([]float64, len(av))
	if ri < 0 {
		if s >= len(st.Base) || len(st.Base[s]) != len(av) {
			return nil, fmt.Errorf("actor %s: no base play for the %d actions of state %s", g.Actors[a].ID, len(av), g.States[s].ID)
		}
		copy(play, st.Base[s])
	} else {
		for _, ap := range st.Rules[ri].Play {
			pos := -1
			for k, x := range av {
				if x == ap.Action {
					pos = k
				}
			}
			if pos < 0 {
				return nil, fmt.Errorf("actor %s: rule %d plays an action not available in state %s", g.Actors[a].ID, ri+1, g.States[s].ID)
			}
			play[pos] += ap.P
		}
	}
	tot := 0.0
	for _, x := range play {
		if !(x >= 0) {
			return nil, fmt.Errorf("actor %s: negative probability in state %s", g.Actors[a].ID, g.States[s].ID)
		}
		tot += x
	}
	if math.Abs(tot-1) > 1e-9 {
		return nil, fmt.Errorf("actor %s: play in state %s sums to %v", g.Actors[a].ID, g.States[s].ID, tot)
	}
	return play, nil
}

// buildNodes enumerates the nodes of the strategies strats (of actors
// owner) on g.
func buildNodes(ctx context.Context, g *markov.Game, strats []markov.Strategy, owner []int) (*nodeGraph, error) {
	for i, st := range strats {
		if err := checkStrategy(g, owner[i], st); err != nil {
			return nil, err
		}
	}
	ng := &nodeGraph{g: g, strats: strats, owner: owner, index: map[string]int{}, start: make([]int, len(g.States))}
	get := func(s int, mem []int) (int, error) {
		fired := make([]int, len(strats))
		for i, st := range strats {
			fired[i] = firedRule(st, s, mem)
		}
		key := nodeKey(s, fired)
		if id, ok := ng.index[key]; ok {
			return id, nil
		}
		if len(ng.nodes) >= maxNodes {
			return 0, fmt.Errorf("more than %d decision points (states × remembered moves)", maxNodes)
		}
		id := len(ng.nodes)
		ng.index[key] = id
		ng.nodes = append(ng.nodes, node{state: s, fired: fired})
		return id, nil
	}
	// States with no way in other than the start get their start node.
	entered := make([]bool, len(g.States))
	for s, st := range g.States {
		ng.start[s] = -1
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
			id, err := get(s, nil)
			if err != nil {
				return nil, err
			}
			ng.start[s] = id
		}
	}
	nA := len(g.Actors)
	k := make([]int, nA)
	mem := make([]int, nA)
	succ := map[[2]int][]int{} // (state, joint) -> next node per transition
	for s, st := range g.States {
		if st.Terminal {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for j := 0; j < g.NumJoint(s); j++ {
			g.Decode(s, j, k)
			for a := 0; a < nA; a++ {
				mem[a] = g.Avail[s][a][k[a]]
			}
			nx := make([]int, len(g.Trans[s][j]))
			for i, t := range g.Trans[s][j] {
				nx[i] = -1
				if g.States[t.State].Terminal {
					continue
				}
				id, err := get(t.State, mem)
				if err != nil {
					return nil, err
				}
				nx[i] = id
			}
			succ[[2]int{s, j}] = nx
		}
	}
	ng.next = make([][][]int, len(ng.nodes))
	for n, nd := range ng.nodes {
		nj := g.NumJoint(nd.state)
		ng.next[n] = make([][]int, nj)
		for j := 0; j < nj; j++ {
			ng.next[n][j] = succ[[2]int{nd.state, j}]
		}
	}
	return ng, nil
}

func nodeKey(s int, fired []int) string {
	var kb strings.Builder
	kb.WriteString(strconv.Itoa(s))
	for _, f := range fired {
		kb.WriteByte(',')
		kb.WriteString(strconv.Itoa(f))
	}
	return kb.String()
}

// lookup finds the node of state s whose tracked strategies follow the
// rules fired.
func (ng *nodeGraph) lookup(s int, fired []int) (int, bool) {
	id, ok := ng.index[nodeKey(s, fired)]
	return id, ok
}

// after describes the remembered move that selects node n's rules
// ("IR: hormuz"), empty for base play everywhere.
func (ng *nodeGraph) after(n int) string {
	g := ng.g
	var parts []string
	seen := map[string]bool{}
	for i, ri := range ng.nodes[n].fired {
		if ri < 0 {
			continue
		}
		for _, cd := range ng.strats[i].Rules[ri].After {
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

// utility is actor a's weighted utility of a payoff vector indexed a*C+c.
func utility(g *markov.Game, vec []float64, a int) float64 {
	if len(vec) == 0 {
		return 0
	}
	nC := len(g.Components)
	u := 0.0
	for c := 0; c < nC; c++ {
		u += g.Actors[a].Weights[c] * vec[a*nC+c]
	}
	return u
}

// denseCheck asks the budget for an n×n dense float64 matrix.
func denseCheck(ctx context.Context, what string, n int, alternative string) error {
	return budget.Check(ctx, fmt.Sprintf("%s (%d × %d dense)", what, n, n), budget.Mul(int64(n), int64(n), 8), alternative)
}
