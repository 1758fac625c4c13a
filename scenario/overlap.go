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

// earlierDeciders lists, in increasing order, the rules before r2 that
// decide (match first) at least one of the cases r2 matches (m2). A pair
// of rules whose order matters needs such a case, so the pair checks run
// over these instead of every earlier rule: their cost grows with the
// number of matches, not with the square of the number of rules (a
// chain of 50,000 states, one rule each, took minutes).
func earlierDeciders(r2 int, m2 map[ruleCase]bool, decider func(ruleCase) int) []int {
	var out []int
	seen := map[int]bool{}
	for cs := range m2 {
		if d := decider(cs); d >= 0 && d < r2 && !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	sort.Ints(out)
	return out
}

// TransitionOverlaps lists the pairs of transition rules whose order
// decides some probabilities (see RuleOverlap), in file order of the later
// rule, then the earlier.
func (sc *Scenario) TransitionOverlaps() []RuleOverlap {
	if sc.transOf == nil {
		return nil
	}
	matches := sc.transMatches()
	decider := func(cs ruleCase) int { return sc.transOf[cs.state][cs.j] }
	// inStates counts rule r's cases in a state set, going over the
	// smaller of the two: the cases (looked up in the set as a map) or
	// the states (with byState[r][s], how many cases r matches in state
	// s, made on first use).
	byState := make([]map[int]int, len(sc.trans))
	inStates := func(r int, states []int, set map[int]bool) int {
		if len(states) >= len(matches[r]) {
			n := 0
			for cs := range matches[r] {
				if set[cs.state] {
					n++
				}
			}
			return n
		}
		if byState[r] == nil {
			byState[r] = map[int]int{}
			for cs := range matches[r] {
				byState[r][cs.state]++
			}
		}
		n := 0
		for _, s := range states { // a state set: no repeats
			n += byState[r][s]
		}
		return n
	}
	var out []RuleOverlap
	for r2 := range sc.trans {
		from2 := map[int]bool{}
		for _, s := range sc.trans[r2].from {
			from2[s] = true
		}
		for _, r1 := range earlierDeciders(r2, matches[r2], decider) {
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
			scope := inStates(r1, sc.trans[r2].from, from2)
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
