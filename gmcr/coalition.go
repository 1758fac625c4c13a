package gmcr

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/truce-dev/truce/internal/budget"
)

// Coalition is a set of decision makers, as indices ascending.
type Coalition []int

// CoalitionName writes a coalition as "MoE+UR".
func (c *Conflict) CoalitionName(h Coalition) string {
	ids := make([]string, len(h))
	for i, d := range h {
		ids[i] = c.DMs[d].ID
	}
	return strings.Join(ids, "+")
}

// ParseCoalition reads "MoE+UR" (or "MoE,UR").
func (c *Conflict) ParseCoalition(s string) (Coalition, error) {
	var h Coalition
	seen := map[int]bool{}
	for _, id := range strings.FieldsFunc(s, func(r rune) bool { return r == '+' || r == ',' }) {
		d, ok := c.DMIndex(strings.TrimSpace(id))
		if !ok {
			return nil, fmt.Errorf("coalition %q: unknown decision maker %q", s, id)
		}
		if !seen[d] {
			seen[d] = true
			h = append(h, d)
		}
	}
	if len(h) < 2 {
		return nil, fmt.Errorf("coalition %q: a coalition has at least two decision makers", s)
	}
	for i := 1; i < len(h); i++ {
		for j := i; j > 0 && h[j] < h[j-1]; j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
	return h, nil
}

// AllCoalitions lists every coalition of two or more decision makers (and
// fewer than all of them, who have no one left to sanction them, unless
// grand is set), smallest first.
func (c *Conflict) AllCoalitions(grand bool) []Coalition {
	n := len(c.DMs)
	var out []Coalition
	for size := 2; size <= n; size++ {
		if size == n && !grand {
			break
		}
		for mask := 0; mask < 1<<uint(n); mask++ {
			if popcount(mask) != size {
				continue
			}
			var h Coalition
			for d := 0; d < n; d++ {
				if mask&(1<<uint(d)) != 0 {
					h = append(h, d)
				}
			}
			out = append(out, h)
		}
	}
	return out
}

func popcount(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// CoalitionMove is a coalitional improvement that upsets an equilibrium: the
// coalition's members move in turn (a legal sequence, no one twice in a
// row) from State to a state every member strictly prefers, and no
// sanction by the decision makers outside it deters the move under the
// concept.
type CoalitionMove struct {
	Coalition Coalition
	State     int
	Moves     []Move // the coalition's moves; the last one's To is the improvement
	Sanction  []Move // nil: none (only set for a deterred move, in Deterred)
}

// CoalitionResult is the coalition analysis of the equilibria under one
// concept (Kilgour, Hipel, Fang & Peng 2001; Inohara & Hipel 2008): an
// equilibrium of the individual analysis is coalitionally stable when no
// coalition has an improvement that the others cannot sanction.
type CoalitionResult struct {
	Concept    Concept
	Coalitions []Coalition
	// Stable lists the equilibria that survive every coalition.
	Stable []int
	// Upset lists, for each equilibrium that does not survive, the first
	// coalition (smallest first) that upsets it and how.
	Upset []CoalitionMove
}

// maxCoalitionStates bounds coalition analysis: it searches the reachable
// states of every coalition from every equilibrium.
const maxCoalitionStates = 1 << 14

// Coalitions runs the coalition analysis of the equilibria under concept k.
// A coalition H's improvement from s is a state t reachable by a legal
// sequence of its members' moves that every member strictly prefers to s.
// It is sanctioned when the decision makers outside H can reach (by legal
// sequences; for SEQ by their own unilateral improvements) a state u that
// is not an improvement for every member of H; for SMR, also every state
// H can then reach from u must not be. With no one outside H, nothing
// sanctions. The singletons are the individual analysis in r.
func (r *Result) Coalitions(ctx context.Context, k Concept, coalitions []Coalition) (*CoalitionResult, error) {
	c := r.C
	if len(c.Codes) > maxCoalitionStates {
		return nil, fmt.Errorf("coalition analysis of %d states: the limit is %d", len(c.Codes), maxCoalitionStates)
	}
	if err := budget.Check(ctx, "the coalition analysis", budget.Mul(int64(len(c.Codes)), int64(len(c.DMs)), 8), "analyse fewer coalitions"); err != nil {
		return nil, err
	}
	out := &CoalitionResult{Concept: k, Coalitions: coalitions}
	for _, s := range r.Equilibria(k) {
		var upset *CoalitionMove
		for _, h := range coalitions {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("coalition analysis: %w", err)
			}
			if m := r.coalitionUpsets(k, h, s); m != nil {
				upset = m
				break
			}
		}
		if upset != nil {
			out.Upset = append(out.Upset, *upset)
		} else {
			out.Stable = append(out.Stable, s)
		}
	}
	return out, nil
}

// improvesAll reports whether every member of h strictly prefers t to s.
func (c *Conflict) improvesAll(h Coalition, s, t int) bool {
	for _, d := range h {
		if c.Rank[d][t] <= c.Rank[d][s] {
			return false
		}
	}
	return true
}

// complement lists the decision makers outside h.
func (c *Conflict) complement(h Coalition) []int {
	in := make([]bool, len(c.DMs))
	for _, d := range h {
		in[d] = true
	}
	var out []int
	for d := range c.DMs {
		if !in[d] {
			out = append(out, d)
		}
	}
	return out
}

// coalitionUpsets returns h's first unsanctioned improvement from s, or nil.
func (r *Result) coalitionUpsets(k Concept, h Coalition, s int) *CoalitionMove {
	c := r.C
	rest := c.complement(h)
	// The coalition's own move is a legal sequence of its members' moves
	// in either sanction mode: it acts together, as a joint move.
	paths := legalPaths(c, h, s, false, false)
	for _, t := range sortedKeys(paths) {
		if !c.improvesAll(h, s, t) {
			continue
		}
		if k == Nash || !r.coalitionSanctioned(k, h, rest, s, t) {
			return &CoalitionMove{Coalition: h, State: s, Moves: paths[t]}
		}
	}
	return nil
}

func (r *Result) coalitionSanctioned(k Concept, h Coalition, rest []int, s, t int) bool {
	c := r.C
	if len(rest) == 0 {
		return false
	}
	for u := range legalPaths(c, rest, t, k == SEQ, r.Sanctions == SingleMoves) {
		if c.improvesAll(h, s, u) {
			continue
		}
		if k == SMR {
			ok := true
			for w := range legalPaths(c, h, u, false, false) {
				if c.improvesAll(h, s, w) {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
		}
		return true
	}
	return false
}

// legalPaths returns, for every state reachable from s by a legal sequence
// of moves by members of h (uiOnly: each a unilateral improvement for its
// mover; single: one move), a shortest such sequence.
func legalPaths(c *Conflict, h []int, s int, uiOnly, single bool) map[int][]Move {
	type node struct{ state, last int }
	root := node{s, -1}
	parent := map[node]node{}
	out := map[int][]Move{}
	expand := func(cur node) []node {
		var next []node
		for _, j := range h {
			if j == cur.last {
				continue
			}
			for _, t := range c.Moves(j, cur.state) {
				if uiOnly && c.Rank[j][t] <= c.Rank[j][cur.state] {
					continue
				}
				n := node{int(t), j}
				if _, seen := parent[n]; seen {
					continue
				}
				parent[n] = cur
				next = append(next, n)
				if _, ok := out[n.state]; !ok && n.state != s {
					var path []Move
					for x := n; x != root; x = parent[x] {
						path = append([]Move{{DM: x.last, From: parent[x].state, To: x.state}}, path...)
					}
					out[n.state] = path
				}
			}
		}
		return next
	}
	queue := expand(root)
	for !single && len(queue) > 0 {
		cur := queue[0]
		queue = append(queue[1:], expand(cur)...)
	}
	return out
}

func sortedKeys(m map[int][]Move) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
