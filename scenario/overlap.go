package scenario

import (
	"sort"

	"github.com/truce-dev/truce/markov"
)

// RuleOverlap is a pair of transition rules that both match some joint
// actions where the earlier one decides (first match wins) and would give
// different next states: on those cases the probabilities depend on the
// rules' order. Pairs where the earlier rule is a special case of the
// later one (an exception written above its default) are not overlaps in
// this sense (within the states the later rule covers, every case of the
// earlier is also a case of the later): their order is the point of
// writing them so.
type RuleOverlap struct {
	First, Second       int // indices of the rules, in file order
	FirstPos, SecondPos Pos
	Cases               int    // joint actions both match where First decides
	Example             string // one of them, e.g. "US: strike, IR: hormuz in truce"
}

// transMatches lists, per transition rule, the (state, joint action) cases
// it matches on its own, ignoring the rules before it.
func (sc *Scenario) transMatches() []map[ruleCase]bool {
	matches := make([]map[ruleCase]bool, len(sc.trans))
	k := make([]int, len(sc.Actors))
	for ri, r := range sc.trans {
		matches[ri] = map[ruleCase]bool{}
		for _, s := range r.from {
			if sc.States[s].Terminal {
				continue
			}
			for j := range sc.transOf[s] {
				markov.DecodeJoint(sc.Avail[s], j, k)
				if sc.condsHold(r.when, s, k) {
					matches[ri][ruleCase{s, j}] = true
				}
			}
		}
	}
	return matches
}

// TransitionOverlaps lists the pairs of transition rules whose order
// decides some probabilities (see RuleOverlap), in file order of the later
// rule, then the earlier.
func (sc *Scenario) TransitionOverlaps() []RuleOverlap {
	if sc.transOf == nil {
		return nil
	}
	matches := sc.transMatches()
	var out []RuleOverlap
	for r2 := range sc.trans {
		for r1 := 0; r1 < r2; r1++ {
			if sameOutcome(sc.trans[r1], sc.trans[r2]) {
				continue
			}
			m1, m2 := matches[r1], matches[r2]
			var cases []ruleCase
			both := 0
			for cs := range m2 {
				if m1[cs] {
					both++
					if sc.transOf[cs.state][cs.j] == r1 {
						cases = append(cases, cs)
					}
				}
			}
			// The earlier rule's cases in the states the later one covers:
			// when the later matches all of them, the earlier is an
			// exception written above its default there.
			scope := 0
			for cs := range m1 {
				if containsInt(sc.trans[r2].from, cs.state) {
					scope++
				}
			}
			if len(cases) == 0 || both == scope {
				continue // disjoint, settled by an earlier rule, or exception before default
			}
			sort.Slice(cases, func(i, j int) bool {
				if cases[i].state != cases[j].state {
					return cases[i].state < cases[j].state
				}
				return cases[i].j < cases[j].j
			})
			ex := cases[0]
			out = append(out, RuleOverlap{First: r1, Second: r2, FirstPos: sc.trans[r1].pos, SecondPos: sc.trans[r2].pos,
				Cases: len(cases), Example: sc.jointText(ex.state, ex.j) + " in " + sc.States[ex.state].ID})
		}
	}
	return out
}
