package gmcr

import "context"

// Path is how the conflict can get from the status quo to one state.
type Path struct {
	To int
	// Moves is a shortest legal sequence of moves (no decision maker twice
	// in a row); nil when To is not reachable at all.
	Moves []Move
	// ByImprovements says whether Moves are all unilateral improvements for
	// their movers: the conflict can get there with every decision maker
	// acting in its own immediate interest. Otherwise reaching To needs at
	// least one move its mover does not prefer.
	ByImprovements bool
}

// StatusQuo finds, for each target, a shortest path from the status quo by
// unilateral improvements if there is one, else by any unilateral moves
// (status-quo analysis: Li, Hipel, Kilgour & Fang 2004; Xu et al. 2010).
func (c *Conflict) StatusQuo(ctx context.Context, from int, targets []int) ([]Path, error) {
	all := allDMs(c)
	ui := legalPaths(c, all, from, true, false)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	any := legalPaths(c, all, from, false, false)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]Path, 0, len(targets))
	for _, t := range targets {
		p := Path{To: t}
		switch {
		case t == from:
			p.Moves, p.ByImprovements = []Move{}, true
		case ui[t] != nil:
			p.Moves, p.ByImprovements = ui[t], true
		case any[t] != nil:
			p.Moves = any[t]
		}
		out = append(out, p)
	}
	return out, nil
}

func allDMs(c *Conflict) []int {
	h := make([]int, len(c.DMs))
	for d := range h {
		h[d] = d
	}
	return h
}

// Graph is the part of the conflict reachable from the status quo by
// unilateral improvements: the states and every improving move between
// them, each state with its distance (in moves) from the status quo.
type Graph struct {
	From  int
	Nodes []int // states, in order of distance then index
	Depth map[int]int
	Edges []Move
	// Truncated is set when the graph was cut at MaxGraphNodes states.
	Truncated bool
}

// MaxGraphNodes bounds the status-quo graph drawn in reports.
const MaxGraphNodes = 60

// StatusQuoGraph returns the improvement graph from the status quo.
func (c *Conflict) StatusQuoGraph(from int) *Graph {
	g := &Graph{From: from, Depth: map[int]int{from: 0}, Nodes: []int{from}}
	for i := 0; i < len(g.Nodes); i++ {
		s := g.Nodes[i]
		for d := range c.DMs {
			for _, t := range c.Moves(d, s) {
				if c.Rank[d][t] <= c.Rank[d][s] {
					continue
				}
				if _, seen := g.Depth[int(t)]; !seen {
					if len(g.Nodes) >= MaxGraphNodes {
						g.Truncated = true
						continue
					}
					g.Depth[int(t)] = g.Depth[s] + 1
					g.Nodes = append(g.Nodes, int(t))
				}
				g.Edges = append(g.Edges, Move{DM: d, From: s, To: int(t)})
			}
		}
	}
	return g
}
