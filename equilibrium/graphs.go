package equilibrium

import (
	"context"
	"encoding/binary"
	"slices"

	"github.com/truce-dev/truce/markov"
)

// Graphs keeps the decision-point graphs built on one game for reuse on
// later games of the same shape: the parameter draws of a scenario differ
// in their numbers, not in which states, actions and transitions exist,
// and a graph (nodes.go) depends only on those and on the strategies'
// rules, not on their play or payoffs. On a clocked game, whose graph
// holds every step before the clock runs out, building it again on every
// draw was the largest part of a best response.
//
// A graph is reused only when the new game's shape (its states, which are
// terminal, the actions, every step's transitions' targets and which of
// them have positive probability) and the tracked strategies' rules equal
// those it was built from, so it is exactly the graph a new build would
// make. It also keeps the memory of the last best response's decision
// process for the next. A Graphs is not safe for concurrent use: keep one
// per worker.
type Graphs struct {
	m map[string][]*cachedGraph
	// shape is scratch for the shape of the game asked about (worked out
	// on every call: a game is compared by its contents, never by its
	// address).
	shape []int32
	// Hits and Builds count the graphs reused and built (tests).
	Hits, Builds int
	// mdp is the memory of the last best response's decision process,
	// reused by the next (respond.go).
	mdp mdpScratch
}

// mdpScratch returns the decision processes' memory, nil without a cache.
func (gr *Graphs) mdpScratch() *mdpScratch {
	if gr == nil {
		return nil
	}
	return &gr.mdp
}

type cachedGraph struct {
	ng    *nodeGraph
	shape []int32
}

// maxCachedGraphs bounds the graphs kept: a scenario asks for a few (one
// per profile and combination of profiles its hypotheses read), and a
// design can move a probability to 0 and back (a different shape without
// a clock), so each rules key keeps up to maxShapes shapes.
const (
	maxCachedGraphs = 64
	maxShapes       = 4
)

// NewGraphs returns an empty cache.
func NewGraphs() *Graphs { return &Graphs{m: map[string][]*cachedGraph{}} }

// gameShape appends to sh what a node graph depends on in g besides the
// rules.
func gameShape(sh []int32, g *markov.Game) []int32 {
	nS, nA := len(g.States), len(g.Actors)
	sh = append(sh, int32(nS), int32(nA), int32(g.Clock), int32(g.Initial))
	for s, st := range g.States {
		if st.Terminal {
			sh = append(sh, -1)
			continue
		}
		for a := 0; a < nA; a++ {
			sh = append(sh, int32(len(g.Avail[s][a])))
		}
	}
	for ph := 0; ph <= g.Clock; ph++ {
		for s, st := range g.States {
			if st.Terminal {
				continue
			}
			tr := g.TransAt(ph, s)
			if ph > 0 && len(tr) > 0 {
				if prev := g.TransAt(ph-1, s); len(prev) > 0 && &prev[0] == &tr[0] {
					// The previous step's table itself (a builder shares
					// the tables of steps where nothing differs): its
					// contents are already listed.
					sh = append(sh, -2)
					continue
				}
			}
			sh = append(sh, int32(len(tr)))
			for _, nx := range tr {
				sh = append(sh, int32(len(nx)))
				for _, t := range nx {
					x := 2 * int32(t.State)
					// Which transitions have positive probability tells
					// the start nodes apart without a clock (a state with
					// no way in is a start); with one every state is.
					if t.P > 0 && g.Clock == 0 {
						x++
					}
					sh = append(sh, x)
				}
			}
		}
	}
	return sh
}

// rulesKey encodes the tracked strategies' rules and owners: what a node
// graph depends on in them.
func rulesKey(strats []markov.Strategy, owner []int) string {
	var b []byte
	put := func(x int) { b = binary.AppendVarint(b, int64(x)) }
	put(len(strats))
	for i, st := range strats {
		put(owner[i])
		put(len(st.Rules))
		for _, r := range st.Rules {
			put(r.State)
			put(len(r.Steps))
			for _, on := range r.Steps {
				if on {
					b = append(b, 1)
				} else {
					b = append(b, 0)
				}
			}
			put(len(r.After))
			for _, cd := range r.After {
				put(cd.Actor)
				put(len(cd.Actions))
				for _, x := range cd.Actions {
					put(x)
				}
			}
		}
	}
	return string(b)
}

// nodes returns buildNodes(ctx, g, strats, owner), reusing a graph built on
// a game of the same shape with the same rules (gr may be nil: no cache).
func (gr *Graphs) nodes(ctx context.Context, g *markov.Game, strats []markov.Strategy, owner []int) (*nodeGraph, error) {
	if gr == nil {
		return buildNodes(ctx, g, strats, owner)
	}
	for i, st := range strats {
		if err := checkStrategy(g, owner[i], st); err != nil {
			return nil, err
		}
	}
	gr.shape = gameShape(gr.shape[:0], g)
	key := rulesKey(strats, owner)
	for _, e := range gr.m[key] {
		if slices.Equal(e.shape, gr.shape) {
			gr.Hits++
			ng := *e.ng
			ng.g, ng.strats, ng.owner = g, strats, owner
			return &ng, nil
		}
	}
	ng, err := buildNodes(ctx, g, strats, owner)
	if err != nil {
		return nil, err
	}
	gr.Builds++
	if _, ok := gr.m[key]; !ok && len(gr.m) >= maxCachedGraphs {
		clear(gr.m)
	}
	list := gr.m[key]
	if len(list) >= maxShapes {
		list = list[1:]
	}
	gr.m[key] = append(list, &cachedGraph{ng: ng, shape: slices.Clone(gr.shape)})
	return ng, nil
}
