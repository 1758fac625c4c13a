package markov

import (
	"context"
	"fmt"
	"slices"
)

// refillScratch is the memory Refill reuses from call to call.
type refillScratch struct {
	ruleFree []bool
	fired    []int32
	prev     []int
	k        []int
	dists    [][]float64
}

// Refill makes c the chain that profile p induces on game g, reusing c's
// layout (nodes, rows and their columns) and memory instead of building a
// new chain, when g and p differ from the game and profile c was built
// from only in their numbers: the same states, actions, rules and clock,
// and, in every row, positive probability on exactly the same successors
// in the same order of first appearance. Then it reports true and c is,
// number for number, the chain BuildChain(ctx, g, p) (or BuildChainFrom
// with the same starts) would build; this is what repeated analyses of one
// scenario at many parameter values (a sensitivity design) save.
//
// When the structure differs (a probability that was positive is now 0,
// or the reverse) it reports false, and c is left in an unspecified state:
// build a new chain. It returns the errors BuildChain would for an invalid
// g or p (c is then unspecified too). Chains built with outcome tables
// (BuildChainOutcomes) are not refilled. Refill must not run while
// anything else reads c.
func (c *Chain) Refill(ctx context.Context, g *Game, p Profile) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("markov: refill: %w", err)
	}
	cp, err := checkChainInput(g, p)
	if err != nil {
		return false, err
	}
	if c.outOff != nil || !c.sameShape(g, cp) {
		return false, nil
	}
	nA, nC, nS := len(g.Actors), len(g.Components), len(g.States)
	rs := c.refill
	if rs == nil {
		rs = &refillScratch{ruleFree: make([]bool, nS), fired: make([]int32, nA), prev: make([]int, nA),
			k: make([]int, nA), dists: make([][]float64, nA)}
		c.refill = rs
	}
	for s := range rs.ruleFree {
		rs.ruleFree[s] = true
		if g.States[s].Terminal {
			continue
		}
		for a := range cp.rules {
			for _, r := range cp.rules[a] {
				if r.state == s || r.state == -1 {
					rs.ruleFree[s] = false
				}
			}
		}
	}
	// is reports whether node y is the node of state s at phase ph after
	// the previous step's actions prev (nil at step 0), as buildChain's
	// node function would find it.
	is := func(y int32, s int, prev []int, ph int) bool {
		if c.State[y] != s {
			return false
		}
		if g.States[s].Terminal {
			return true // one node whatever the phase and memory
		}
		if int(c.phase[y]) != ph {
			return false
		}
		for a := 0; a < nA; a++ {
			f := int32(-1)
			if !rs.ruleFree[s] {
				f = int32(cp.fired(g, a, s, prev, ph))
			}
			if c.firedOf[int(y)*nA+a] != f {
				return false
			}
		}
		return true
	}
	for s, x := range c.Start {
		if x >= 0 && !is(x, s, nil, 0) {
			return false, nil
		}
	}
	c.Game = g
	nAC := nA * nC
	for x := range c.State {
		if x%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return false, fmt.Errorf("markov: refill: %w", err)
			}
		}
		s := c.State[x]
		if g.States[s].Terminal {
			continue // no play, no flows, no successors: as built
		}
		ph := int(c.phase[x])
		nextPh := min(ph+1, g.Clock)
		flows, trans := g.FlowAt(ph, s), g.TransAt(ph, s)
		for a := 0; a < nA; a++ {
			d, err := cp.playDist(g, p, a, s, int(c.firedOf[x*nA+a]), ph)
			if err != nil {
				return false, err
			}
			rs.dists[a] = d
			c.dist[x*nA+a] = d
		}
		rw := c.reward[x*nAC : x*nAC+nAC]
		clear(rw)
		lo, hi := int(c.RowPtr[x]), int(c.RowPtr[x+1])
		next := lo // the next column not yet met in this row
		k := rs.k
		clear(k)
		nj := g.NumJoint(s)
		// The same enumeration as buildChain's, so that sums accumulate
		// in the same order and the numbers come out identical.
		for j := 0; j < nj; j++ {
			if j > 0 {
				for a := 0; a < nA; a++ {
					k[a]++
					if k[a] < len(rs.dists[a]) {
						break
					}
					k[a] = 0
				}
			}
			pj := 1.0
			for a := 0; a < nA; a++ {
				pj *= rs.dists[a][k[a]]
			}
			if pj == 0 {
				continue
			}
			for a := 0; a < nA; a++ {
				rs.prev[a] = g.Avail[s][a][k[a]]
			}
			for i, v := range flows[j] {
				rw[i] += pj * v
			}
			for _, nx := range trans[j] {
				if nx.P == 0 {
					continue
				}
				w := pj * nx.P
				at := -1
				for i := lo; i < next; i++ { // met before in this row
					if is(c.Col[i], nx.State, rs.prev, nextPh) {
						at = i
						break
					}
				}
				if at >= 0 {
					c.P[at] += w
					continue
				}
				if next == hi || !is(c.Col[next], nx.State, rs.prev, nextPh) {
					return false, nil // a successor the layout does not have here
				}
				c.P[next] = w
				next++
			}
		}
		if next != hi {
			return false, nil // a successor of the layout is no longer reached
		}
	}
	return true, nil
}

// sameShape reports whether g has the states, actors, actions and clock of
// the game c was built from, and cp the rules (where they apply, what they
// react to, at which steps) c's nodes were told apart by.
func (c *Chain) sameShape(g *Game, cp *cProfile) bool {
	old := c.Game
	if old == nil || c.firedOf == nil || len(g.States) != len(old.States) || len(g.Actors) != len(old.Actors) ||
		len(g.Components) != len(old.Components) || g.Initial != old.Initial || g.Clock != old.Clock {
		return false
	}
	for s := range g.States {
		if g.States[s].Terminal != old.States[s].Terminal {
			return false
		}
		if g.States[s].Terminal {
			continue
		}
		for a := range g.Actors {
			if !slices.Equal(g.Avail[s][a], old.Avail[s][a]) {
				return false
			}
		}
	}
	if len(cp.rules) != len(c.rules) {
		return false
	}
	for a := range cp.rules {
		if len(cp.rules[a]) != len(c.rules[a]) {
			return false
		}
		for i, r := range cp.rules[a] {
			o := c.rules[a][i]
			if r.state != o.state || !slices.Equal(r.steps, o.steps) || len(r.conds) != len(o.conds) {
				return false
			}
			for k, cd := range r.conds {
				if cd.actor != o.conds[k].actor || !slices.Equal(cd.in, o.conds[k].in) {
					return false
				}
			}
		}
	}
	return true
}
