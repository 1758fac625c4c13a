package gmcr

import (
	"context"
	"fmt"
)

// Move is one unilateral move: decision maker DM changes its options and
// takes the conflict from state From to state To.
type Move struct {
	DM       int
	From, To int
}

// Answer is what the others can do after the focal decision maker takes one
// unilateral improvement: the improvement, and the sanction found for it
// (nil when there is none under the concept).
type Answer struct {
	To       int    // the improvement
	Sanction []Move // the others' moves, in order; the last one's To is the sanction state
	// Reply is, for SMR, the focal decision maker's best state after the
	// sanction (its own move from the sanction state, or staying): it is
	// still not preferred to the starting state.
	Reply int
}

// Why explains the stability of one state for one decision maker under one
// concept: each unilateral improvement and how the others answer it.
type Why struct {
	Concept Concept
	DM      int
	State   int
	Stable  bool
	Answers []Answer
}

// Explain finds, for each unilateral improvement of d from s, a shortest
// sanction under concept k (none for Nash, where any improvement makes the
// state unstable). It agrees with Analyze: Stable is true exactly when every
// improvement has a sanction.
func (r *Result) Explain(ctx context.Context, k Concept, d, s int) (*Why, error) {
	c := r.C
	w := &Why{Concept: k, DM: d, State: s, Stable: true}
	h := others(c, d)
	for _, t := range c.Improvements(d, s) {
		a := Answer{To: int(t), Reply: -1}
		if k != Nash {
			path, err := r.sanctionPath(ctx, k, d, s, int(t), h)
			if err != nil {
				return nil, err
			}
			a.Sanction = path
			if k == SMR && path != nil {
				a.Reply = bestReply(c, d, path[len(path)-1].To)
			}
		}
		if a.Sanction == nil {
			w.Stable = false
		}
		w.Answers = append(w.Answers, a)
	}
	if w.Stable != r.Stable(k, d, s) {
		return nil, fmt.Errorf("internal error: explanation of state %d for %s under %s disagrees with the analysis", c.Codes[s], c.DMs[d].ID, k.Title())
	}
	return w, nil
}

// bestReply is the state d likes best among u and its moves from u (the
// lowest-numbered among ties).
func bestReply(c *Conflict, d, u int) int {
	best := u
	for _, w := range c.Moves(d, u) {
		if c.Rank[d][w] > c.Rank[d][best] {
			best = int(w)
		}
	}
	return best
}

// sanctionPath finds a shortest sequence of the others' moves from t that
// ends in a state that sanctions d's move from s to t under k, or nil
// (among the shortest, the one ending in the lowest state).
func (r *Result) sanctionPath(ctx context.Context, k Concept, d, s, t int, h []int) ([]Move, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("explaining a sanction: %w", err)
	}
	c := r.C
	rank := c.Rank[d]
	var best []Move
	bestEnd := -1
	for u, path := range legalPaths(c, h, t, k == SEQ, r.Sanctions == SingleMoves) {
		v := rank[u]
		if k == SMR {
			v = rank[bestReply(c, d, u)]
		}
		if v > rank[s] {
			continue
		}
		if best == nil || len(path) < len(best) || len(path) == len(best) && u < bestEnd {
			best, bestEnd = path, u
		}
	}
	return best, nil
}
