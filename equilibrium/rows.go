package equilibrium

import (
	"encoding/binary"

	"github.com/truce-dev/truce/markov"
)

// Rows shared across nodes. What a node contributes to a linear system or
// a decision process (its expected reward and its transitions, as
// probabilities of (joint action, transition) pairs) depends only on its
// state's flow and transition tables at its step and on the actors' play
// there; the successors those transitions lead to are the node's own. On
// a clocked game the nodes of steps whose tables a builder shares (steps
// where nothing differs) where the same rules are in force therefore have
// equal rows: a row is built once and read with each node's successors.
// Only the same slices are shared (the same tables, the same play), so
// every number is the one a row of its own would hold, to the bit.

// tableIDs numbers, for every phase ph and state s at ph*nS+s, the
// distinct pairs of a state's flow and transition tables (the same state
// and slices get the same number; -1 for a terminal state or an empty table,
// which shares nothing).
func tableIDs(g *markov.Game, ids []int32) []int32 {
	type pair struct {
		flow  *[]float64
		trans *[]markov.Next
		id    int32
	}
	nS := len(g.States)
	ids = append(ids[:0], make([]int32, (g.Clock+1)*nS)...)
	seen := make([][]pair, nS)
	next := int32(0)
	for ph := 0; ph <= g.Clock; ph++ {
		for s, st := range g.States {
			id := int32(-1)
			flow, trans := g.FlowAt(ph, s), g.TransAt(ph, s)
			if !st.Terminal && len(flow) > 0 && len(trans) > 0 {
				for _, q := range seen[s] {
					if q.flow == &flow[0] && q.trans == &trans[0] {
						id = q.id
						break
					}
				}
				if id < 0 {
					id = next
					next++
					seen[s] = append(seen[s], pair{&flow[0], &trans[0], id})
				}
			}
			ids[ph*nS+s] = id
		}
	}
	return ids
}

// shareRows returns, for each node of c, the first node whose row it
// shares (itself if none): the same state and tables at its phase and the
// same play of every actor but skip (-1: of every actor). With c.noShare
// every node keeps a row of its own.
func shareRows(c *credChain, skip int, rep []int32) []int32 {
	g := c.g
	if c.noShare {
		rep = append(rep[:0], make([]int32, len(c.nodes))...)
		for n := range rep {
			rep[n] = int32(n)
		}
		return rep
	}
	c.tabs = tableIDs(g, c.tabs)
	return shareRowsKeyed(c, skip, rep, len(g.Actors) < len(rowKey{}))
}

// shareRowsKeyed is shareRows once the nodes' tables are numbered. The
// key is the tables' number and the plays' numbers: with small it is a
// fixed-size array (a faster map key than a string; up to len(rowKey)-1
// actors), else bytes.
func shareRowsKeyed(c *credChain, skip int, rep []int32, small bool) []int32 {
	nS, nA := len(c.g.States), len(c.g.Actors)
	rep = append(rep[:0], make([]int32, len(c.nodes))...)
	if small {
		rowOf := make(map[rowKey]int32, 64)
		for n, nd := range c.nodes {
			rep[n] = int32(n)
			tab := c.tabs[nd.phase*nS+nd.state]
			if tab < 0 {
				continue
			}
			var key rowKey
			key[0] = tab
			for b := 0; b < nA; b++ {
				if b != skip {
					key[b+1] = c.playID[n*nA+b]
				}
			}
			if r, ok := rowOf[key]; ok {
				rep[n] = r
			} else {
				rowOf[key] = int32(n)
			}
		}
		return rep
	}
	rowOf := make(map[string]int32, 64)
	var key []byte
	for n, nd := range c.nodes {
		rep[n] = int32(n)
		tab := c.tabs[nd.phase*nS+nd.state]
		if tab < 0 {
			continue
		}
		key = binary.LittleEndian.AppendUint32(key[:0], uint32(tab))
		for b := 0; b < nA; b++ {
			if b != skip {
				key = binary.LittleEndian.AppendUint32(key, uint32(c.playID[n*nA+b]))
			}
		}
		if r, ok := rowOf[string(key)]; ok {
			rep[n] = r
		} else {
			rowOf[string(key)] = int32(n)
		}
	}
	return rep
}

// rowKey is shareRows' key for games of up to three actors.
type rowKey [4]int32
