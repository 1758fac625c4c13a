package gmcr

import (
	"context"
	"fmt"
)

// InverseSpec asks which preference orderings of one decision maker make a
// target state stable for it under a concept (inverse analysis: Kinsara,
// Kilgour & Hipel 2015). The orderings considered are the reorderings of
// Items (priority statements, or preference classes), keeping the first
// Keep items in place: "keep the US's top two priorities fixed".
type InverseSpec struct {
	DM      int
	Target  int
	Concept Concept
	// Statements, when set, are reordered (option prioritisation);
	// otherwise the decision maker's current preference classes are.
	Statements []*Formula
	Keep       int
}

// Ordering is one reordering of the items and the ranking it gives.
type Ordering struct {
	Order   []int   // item indices, most important or preferred first
	Classes [][]int // the decision maker's preference classes it gives, most preferred first
}

// InverseResult lists the orderings that make the target stable.
type InverseResult struct {
	Spec    InverseSpec
	Items   int // how many items were reordered (after Keep)
	Checked int // orderings tried
	Found   []Ordering
	// Always lists pairs (a, b) of items with a before b in every ordering
	// found: what the target's stability requires of the ordering.
	Always [][2]int
}

// MaxInverseItems bounds the items reordered: 9! = 362,880 orderings.
const MaxInverseItems = 9

// Inverse enumerates every ordering within the bounds and keeps those in
// which the target is stable for the decision maker. The reachable sets
// that sanction the decision maker's moves from the target do not depend
// on its own preferences, so they are found once; each ordering then costs
// one pass over them.
func (r *Result) Inverse(ctx context.Context, spec InverseSpec) (*InverseResult, error) {
	c := r.C
	d := spec.DM
	items := len(spec.Statements)
	var classes [][]int
	if items == 0 {
		classes = c.Classes(d)
		items = len(classes)
	}
	if spec.Keep < 0 || spec.Keep > items {
		return nil, fmt.Errorf("keep %d of %d items", spec.Keep, items)
	}
	free := items - spec.Keep
	if free > MaxInverseItems {
		return nil, fmt.Errorf("%d items to reorder (%d orderings): the limit is %d; keep more of the top fixed", free, factorial(free), MaxInverseItems)
	}
	res := &InverseResult{Spec: spec, Items: free}
	// Sanction sets for each move of d from the target.
	moves := c.Moves(d, spec.Target)
	rest := others(c, d)
	reach := make([][]int, len(moves))
	for i, t := range moves {
		for u := range legalPaths(c, rest, int(t), spec.Concept == SEQ, r.Sanctions == SingleMoves) {
			reach[i] = append(reach[i], u)
		}
	}
	order := make([]int, items)
	for i := range order {
		order[i] = i
	}
	ranks := make([]int64, len(c.Codes))
	rank32 := make([]int32, len(c.Codes))
	var err error
	permute(order[spec.Keep:], func() bool {
		if res.Checked&0xfff == 0 {
			if err = ctx.Err(); err != nil {
				return false
			}
		}
		res.Checked++
		if spec.Statements != nil {
			st := make([]*Formula, items)
			for i, k := range order {
				st[i] = spec.Statements[k]
			}
			copy(ranks, PriorityRanks(c, st))
		} else {
			for i, k := range order {
				for _, s := range classes[k] {
					ranks[s] = int64(items - i)
				}
			}
		}
		copy(rank32, denseRanks(ranks))
		if stableFor(c, d, spec.Concept, spec.Target, rank32, moves, reach) {
			o := Ordering{Order: append([]int(nil), order...)}
			tmp := c.Clone()
			tmp.Rank[d] = append([]int32(nil), rank32...)
			o.Classes = tmp.Classes(d)
			res.Found = append(res.Found, o)
		}
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("inverse analysis: %w", err)
	}
	res.Always = always(res.Found, order[spec.Keep:])
	return res, nil
}

// stableFor decides the stability of s for d under k with d's ranks rank,
// given the others' reachable sets from each of d's moves.
func stableFor(c *Conflict, d int, k Concept, s int, rank []int32, moves []int32, reach [][]int) bool {
	for i, t := range moves {
		if rank[t] <= rank[s] {
			continue
		}
		if k == Nash {
			return false
		}
		ok := false
		for _, u := range reach[i] {
			if rank[u] > rank[s] {
				continue
			}
			if k == SMR {
				best := rank[u]
				for _, w := range c.Moves(d, u) {
					best = max(best, rank[w])
				}
				if best > rank[s] {
					continue
				}
			}
			ok = true
			break
		}
		if !ok {
			return false
		}
	}
	return true
}

// permute calls f for every permutation of xs (in place, Heap's algorithm,
// iterative); f returns false to stop.
func permute(xs []int, f func() bool) {
	n := len(xs)
	c := make([]int, n)
	if !f() {
		return
	}
	for i := 0; i < n; {
		if c[i] < i {
			if i%2 == 0 {
				xs[0], xs[i] = xs[i], xs[0]
			} else {
				xs[c[i]], xs[i] = xs[i], xs[c[i]]
			}
			if !f() {
				return
			}
			c[i]++
			i = 0
		} else {
			c[i] = 0
			i++
		}
	}
}

func factorial(n int) int {
	f := 1
	for i := 2; i <= n; i++ {
		f *= i
	}
	return f
}

// always lists the pairs of free items in the same order in every found
// ordering.
func always(found []Ordering, free []int) [][2]int {
	if len(found) == 0 {
		return nil
	}
	var out [][2]int
	pos := func(o Ordering, item int) int {
		for i, k := range o.Order {
			if k == item {
				return i
			}
		}
		return -1
	}
	items := append([]int(nil), free...)
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && items[j] < items[j-1]; j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
	for _, a := range items {
		for _, b := range items {
			if a == b {
				continue
			}
			all := true
			for _, o := range found {
				if pos(o, a) > pos(o, b) {
					all = false
					break
				}
			}
			if all {
				out = append(out, [2]int{a, b})
			}
		}
	}
	return out
}
