package markov

import "context"

// BuildChainOutcomes is BuildChain that also keeps, for every node, the
// (joint action, successor) pairs its row of P sums over. A hidden Markov
// model whose observations depend on the joint action played needs them:
// what is seen at a step is then correlated with the move to the next.
func BuildChainOutcomes(ctx context.Context, g *Game, p Profile) (*Chain, error) {
	return buildChain(ctx, g, p, true, nil)
}

// HasOutcomes reports whether the chain was built by BuildChainOutcomes.
func (c *Chain) HasOutcomes() bool { return c.outOff != nil }

// OutcomeRange returns the outcomes of node x as the index range [lo, hi)
// for Outcome: empty for a terminal node or a chain built without them.
func (c *Chain) OutcomeRange(x int) (lo, hi int) {
	if c.outOff == nil {
		return 0, 0
	}
	return int(c.outOff[x]), int(c.outOff[x+1])
}

// Outcome returns outcome k of node x (lo <= k < hi of OutcomeRange(x)):
// the joint action played (numbered as in Game, in x's state), the
// successor node, and the probability of both. The probabilities of a
// node's outcomes sum to 1, and those with the same successor sum to that
// entry of P.
func (c *Chain) Outcome(x, k int) (joint, next int, p float64) {
	return int(c.outSJ[k] - c.sjOff[int(c.phase[x])*len(c.Game.States)+c.State[x]]), int(c.outNext[k]), c.outP[k]
}
