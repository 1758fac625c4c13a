package markov

import (
	"context"
	"fmt"
	"math"

	"github.com/truce-dev/truce/internal/budget"
)

// reachBlockSize is how many non-terminal targets one forward pass
// propagates together on a chain of n nodes: each node then holds one mass
// per target, and its row of the chain is read once per step for all of
// them instead of once per target. Blocks hold up to 8 MiB of masses and
// distances (all targets of a small chain, 16 to 128 on large ones).
func reachBlockSize(n int) int {
	return min(128, max(16, (8<<20)/(20*max(n, 1))))
}

// reachBlock computes the reach curves of the non-terminal states ts (at
// most reachBlockSize) in one forward pass. For target s, the mass that
// has not yet entered s moves on the nodes U_s that are neither terminal
// nor in s and can still reach s; mass more than H−t steps away from s at
// step t is dropped, as it cannot enter in time. Each target's arithmetic
// is exactly that of propagating it alone with the nodes taken in index
// order, so the curves do not depend on how targets are grouped.
func (an *analyzer) reachBlock(ctx context.Context, ts []int, sc *scratch) ([][]float64, error) {
	c, H := an.c, an.opt.Horizon
	n, B := c.NumNodes(), len(ts)
	need := budget.Add(budget.Mul(int64(n), int64(B), 8+8+8+4), budget.Mul(int64(len(c.Col)), 4))
	if err := budget.Check(ctx, fmt.Sprintf("reach curves of %d states on %d chain nodes", B, n), need, "analyse fewer non-terminal states"); err != nil {
		return nil, err
	}
	out := make([][]float64, B)
	// dist[x*B+i]: distance from x to target i; noReach if it cannot be
	// reached (or x is in the target or an ending), so that the mass
	// added there is dropped when it is read: "dist > H−t" covers both.
	const noReach = math.MaxInt32
	sc.rdist = grow(sc.rdist, n*B)
	dist := sc.rdist
	p, q := zeroed(&sc.rp, n*B), zeroed(&sc.rq, n*B)
	live := false
	for i, s := range ts {
		out[i] = make([]float64, H+1)
		if c.State[c.Init] == s {
			for t := range out[i] {
				out[i][t] = 1
			}
			for x := 0; x < n; x++ {
				dist[x*B+i] = noReach // nothing to propagate
			}
			continue
		}
		inS := func(x int32) bool { return c.State[x] == s }
		blocked := func(x int32) bool { return c.State[x] == s || c.term[x] }
		an.backDist(sc, inS, blocked)
		for x := 0; x < n; x++ {
			d := sc.dist[x]
			if d < 0 || blocked(int32(x)) {
				d = noReach // mass never moves on from s or an ending
			}
			dist[x*B+i] = d
		}
		if dist[c.Init*B+i] != noReach {
			p[c.Init*B+i] = 1
			live = true
		}
	}
	// tIdx[s] is the position of state s in ts, or -1: the targets are
	// distinct states, so a node belongs to at most one of them.
	tIdx := make([]int32, len(c.Game.States))
	for s := range tIdx {
		tIdx[s] = -1
	}
	for i, s := range ts {
		tIdx[s] = int32(i)
	}
	// only[i]: the one node of target i's state, or -1 when it has
	// several (memory, a clock) or none. The mass entering such a node
	// for target i is added to q there, in node and edge order, and
	// dropped when read: after the step that sum is the mass absorbed.
	only := make([]int32, B)
	for i := range only {
		only[i] = -1
	}
	nodesOf := make([]int32, B)
	for x := 0; x < n; x++ {
		if k := tIdx[c.State[x]]; k >= 0 {
			nodesOf[k]++
			only[k] = int32(x)
		}
	}
	for i, m := range nodesOf {
		if m != 1 {
			only[i] = -1
		}
	}
	// ek[e]: the position in ts of the state edge e enters when that
	// state has several nodes (its absorbed mass summed edge by edge), or
	// -1.
	ek := make([]int32, len(c.Col))
	for e, y := range c.Col {
		if y < 0 || int(y) >= n {
			return nil, fmt.Errorf("chain edge %d leads to node %d of %d", e, y, n)
		}
		ek[e] = -1
		if k := tIdx[c.State[y]]; k >= 0 && only[k] < 0 {
			ek[e] = k
		}
	}
	// keep[x*B+i] is 0 where dist is noReach, else 1, and maxd[x] the
	// largest other distance at x: while H−t >= maxd[x], the mass x moves
	// on for target i is its mass times keep (times 1 the same number,
	// times 0 the +0 the test gives: masses are finite and not negative),
	// without a test per target.
	keep := make([]float64, n*B)
	maxd := make([]int32, n)
	for x := 0; x < n; x++ {
		maxd[x] = -1
		for i, d := range dist[x*B : x*B+B] {
			if d != noReach {
				keep[x*B+i] = 1
				maxd[x] = max(maxd[x], d)
			}
		}
	}
	absorbed := make([]float64, B)
	// mm[x*B+i]: the mass node x moves on for target i at this step (0
	// where it moves none), pulled by the nodes it leads to.
	sc.rm = grow(sc.rm, n*B)
	mmAll := sc.rm
	tRowPtr, tCol, tVal := an.tRowPtr, an.tCol, an.tVal
	// pull lists the nodes some node that moves mass leads to at this
	// step (marked[y] == t+1): the others receive nothing and keep their
	// cleared masses, so a step costs the edges into where mass is.
	sc.rmark = grow(sc.rmark, n)
	marked, pull := sc.rmark, sc.rpull[:0]
	clear(marked)
	defer func() { sc.rpull = pull }()
	for t := 0; t < H && live; t++ {
		if t&15 == 15 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		clear(absorbed)
		lim := int32(H - t)
		pull = pull[:0]
		for x := 0; x < n; x++ {
			px := p[x*B : x*B+B : x*B+B]
			dx := dist[x*B : x*B+B : x*B+B]
			mm := mmAll[x*B : x*B+B : x*B+B]
			any := false
			if lim >= maxd[x] {
				kx, m := keep[x*B:x*B+B:x*B+B], mm[:B:B]
				for i, v := range px {
					m[i] = v * kx[i]
				}
				clear(px)
				for _, v := range m {
					if v != 0 {
						any = true
						break
					}
				}
			} else {
				for i, m := range px {
					if m == 0 {
						mm[i] = 0
						continue
					}
					px[i] = 0
					if dx[i] > lim {
						mm[i] = 0
						continue
					}
					mm[i], any = m, true
				}
			}
			if !any {
				continue
			}
			// Mass entering target k's state is absorbed, in node,
			// then edge order.
			lo, hi := c.RowPtr[x], c.RowPtr[x+1]
			for e := lo; e < hi; e++ {
				if k := ek[e]; k >= 0 {
					absorbed[k] += mm[k] * c.P[e]
				}
				if y := c.Col[e]; marked[y] != int32(t+1) {
					marked[y] = int32(t + 1)
					pull = append(pull, y)
				}
			}
		}
		// Each node pulls the masses of its predecessors for every
		// target, in the order of their rows (the transpose lists them
		// by predecessor, then edge): each target's additions come in
		// node, then edge order, as pushing the rows did. Mass on a node
		// from which a target cannot be reached (noReach, which includes
		// the target's own nodes) is added and dropped when read at the
		// next step, so the inner loop has no test. A zero mass (a node
		// that moves none) adds zero and leaves every sum as it was; a
		// node no moving node leads to is not visited.
		for _, y := range pull {
			lo, hi := tRowPtr[y], tRowPtr[y+1]
			pullRow(q[int(y)*B:int(y)*B+B], tCol[lo:hi], tVal[lo:hi], mmAll)
		}
		for i, y := range only {
			if y >= 0 {
				absorbed[i] = q[int(y)*B+i]
			}
		}
		for i := range ts {
			out[i][t+1] = math.Min(1, out[i][t]+absorbed[i])
		}
		p, q = q, p
	}
	return out, nil
}
