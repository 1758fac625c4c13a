// Package hostile generates the large and malicious inputs that truce's
// tests and benchmarks attack it with: deeply nested YAML, scenarios with
// tens of thousands of states or parameters, chains too long to analyse,
// games too large to enumerate. Each generator is deterministic, so a
// failure can be reproduced by writing its output to a file.
package hostile

import (
	"fmt"
	"strings"
)

// NestedYAML is a YAML list nested depth levels deep on one line
// ("- - - … x"): 2 bytes a level.
func NestedYAML(depth int) []byte {
	return []byte(strings.Repeat("- ", depth) + "x\n")
}

// NestedFlowYAML is depth nested flow lists ("[[[…]]]").
func NestedFlowYAML(depth int) []byte {
	return []byte("x: " + strings.Repeat("[", depth) + "1" + strings.Repeat("]", depth) + "\n")
}

// MultiDocYAML is n YAML documents of one key each.
func MultiDocYAML(n int) []byte {
	return []byte(strings.Repeat("---\na: 1\n", n))
}

// header is the common start of generated scenarios.
func header(horizon int) *strings.Builder {
	var b strings.Builder
	fmt.Fprintf(&b, "truce: 1\nname: generated\nhorizon: %d\ndiscount: 0.9\n", horizon)
	return &b
}

// ChainStates is a valid scenario of n non-terminal states in a line
// s0 -> s1 -> … -> end, each moving on with probability 1/2, one passive
// actor and a payoff in every state: its size and its checks grow with n.
func ChainStates(n, horizon int) []byte {
	b := header(horizon)
	b.WriteString("actors: [{id: A}]\nstates:\n  - {id: s0, initial: true}\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(b, "  - s%d\n", i)
	}
	b.WriteString("  - {id: end, terminal: true}\ntransitions:\n")
	for i := 0; i+1 < n; i++ {
		fmt.Fprintf(b, "  - {from: s%d, to: {s%d: 1/2}}\n", i, i+1)
	}
	fmt.Fprintf(b, "  - {from: s%d, to: {end: 1/2}}\npayoffs:\n  - {A: {payoff: 1}}\n", n-1)
	return []byte(b.String())
}

// ManyParameters is a valid two-state scenario with n uncertain
// parameters, every one read by one payoff rule.
func ManyParameters(n int) []byte {
	b := header(10)
	b.WriteString("actors: [{id: A}]\nparameters:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(b, "  p%d: {dist: uniform, min: 0, max: 1}\n", i)
	}
	b.WriteString("states:\n  - {id: s0, initial: true}\n  - {id: end, terminal: true}\ntransitions:\n  - {from: s0, to: {end: 0.1}}\npayoffs:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(b, "  - {A: {payoff: p%d}}\n", i)
	}
	return []byte(b.String())
}

// UnusedParameters is ManyParameters with the parameters declared but
// none of them read.
func UnusedParameters(n int) []byte {
	b := header(10)
	b.WriteString("actors: [{id: A}]\nparameters:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(b, "  p%d: {dist: uniform, min: 0, max: 1}\n", i)
	}
	b.WriteString("states:\n  - {id: s0, initial: true}\n  - {id: end, terminal: true}\ntransitions:\n  - {from: s0, to: {end: 0.1}}\n")
	return []byte(b.String())
}

// LongChain is a valid scenario of n states in a cycle that each step
// stays with probability 1 - 1e-6 and moves on otherwise, ending after the
// last: its exact analysis holds n reach curves of horizon+1 numbers each
// (20,000 states and horizon 100,000 would be 16 GB).
func LongChain(n, horizon int) []byte {
	b := header(horizon)
	b.WriteString("actors: [{id: A}]\nstates:\n  - {id: s0, initial: true}\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(b, "  - s%d\n", i)
	}
	b.WriteString("  - {id: end, terminal: true}\ntransitions:\n")
	for i := 0; i+1 < n; i++ {
		fmt.Fprintf(b, "  - {from: s%d, to: {s%d: 1e-6}}\n", i, i+1)
	}
	fmt.Fprintf(b, "  - {from: s%d, to: {end: 1e-6}}\n", n-1)
	return []byte(b.String())
}

// MemoryOne is a scenario whose profile remembers the last move: two
// actors with k actions each in n states, each reacting to the other's
// last action, so that its chain has about n·k² nodes, with a long
// horizon. One exact analysis of it takes minutes; it is the case for
// cancelling a single draw.
func MemoryOne(n, k, horizon int) []byte {
	b := header(horizon)
	b.WriteString("parameters:\n  q: {dist: uniform, min: 0.1, max: 0.2}\n")
	b.WriteString("actors: [{id: A}, {id: B}]\nstates:\n  - {id: s0, initial: true}\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(b, "  - s%d\n", i)
	}
	b.WriteString("  - {id: end, terminal: true}\nactions:\n")
	acts := make([]string, k)
	for i := range acts {
		acts[i] = fmt.Sprintf("a%d", i)
	}
	list := "[" + strings.Join(acts, ", ") + "]"
	fmt.Fprintf(b, "  A: {\"*\": %s}\n  B: {\"*\": %s}\n", list, list)
	b.WriteString("transitions:\n")
	for i := 0; i < n; i++ {
		// Each state moves to the next when both play a0, and ends
		// rarely: the chain mixes slowly.
		fmt.Fprintf(b, "  - {from: s%d, when: {A: a0, B: a0}, to: {s%d: 0.5, end: 0.000001}}\n", i, (i+1)%n)
		fmt.Fprintf(b, "  - {from: s%d, to: {s%d: 0.3, end: 0.000001}}\n", i, (i+n-1)%n)
	}
	b.WriteString("strategies:\n")
	for _, actor := range []string{"A", "B"} {
		other := map[string]string{"A": "B", "B": "A"}[actor]
		fmt.Fprintf(b, "  %s:\n    react:\n      \"*\": {", actor)
		for i, a := range acts {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(b, "%s: %s", a, "1/"+fmt.Sprint(k))
		}
		b.WriteString("}\n      rules:\n")
		for i, a := range acts {
			next := acts[(i+1)%k]
			fmt.Fprintf(b, "        - {after: {%s: %s}, play: {%s: 1 - q, %s: q}}\n", other, a, next, a)
		}
	}
	b.WriteString("profiles:\n  react: {A: react, B: react}\n")
	return []byte(b.String())
}

// ZeroGame is a two-player Gambit .nfg game of n×n strategies whose
// payoffs are all zero: every profile is an equilibrium, so enumerating
// them is as large as the game gets.
func ZeroGame(n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "NFG 1 R \"zero %dx%d\" { \"1\" \"2\" } { %d %d }\n", n, n, n, n)
	for i := 0; i < n*n; i++ {
		b.WriteString("0 0 ")
		if i%32 == 31 {
			b.WriteByte('\n')
		}
	}
	b.WriteByte('\n')
	return []byte(b.String())
}

// HugePayoffGame is a 2×2 .nfg game whose payoffs are near the float64
// limit (the matching-pennies pattern times 1e307): its spread, 2e307,
// still fits in a float64, and its one equilibrium is (1/2, 1/2) for both.
func HugePayoffGame() []byte {
	return []byte("NFG 1 R \"huge\" { \"1\" \"2\" } { 2 2 }\n1e307 -1e307 -1e307 1e307 -1e307 1e307 1e307 -1e307\n")
}

// StageGame is a scenario with the given number of actors, actions per
// actor and states, every state reachable and every joint action moving to
// a random-looking state: solving it for a Markov-perfect equilibrium
// needs, per state, the joint actions (actions^actors) and a dense system
// over all actors' actions in all states. Each actor is paid for its
// first three actions only (three rules each): rules that apply to every
// state and joint action count against the reader's limit of 50,000,000
// (state, joint action, rule) combinations, which one rule per action
// would pass at 3 actors × 20 actions × 200 states, so that the solver's
// own budget would never be reached.
func StageGame(actors, actions, states int) []byte {
	b := header(50)
	b.WriteString("actors:\n")
	for a := 0; a < actors; a++ {
		fmt.Fprintf(b, "  - {id: P%d}\n", a)
	}
	b.WriteString("states:\n  - {id: s0, initial: true}\n")
	for s := 1; s < states; s++ {
		fmt.Fprintf(b, "  - s%d\n", s)
	}
	b.WriteString("  - {id: end, terminal: true}\nactions:\n")
	acts := make([]string, actions)
	for i := range acts {
		acts[i] = fmt.Sprintf("x%d", i)
	}
	for a := 0; a < actors; a++ {
		fmt.Fprintf(b, "  P%d: {\"*\": [%s]}\n", a, strings.Join(acts, ", "))
	}
	b.WriteString("transitions:\n")
	for s := 0; s < states; s++ {
		fmt.Fprintf(b, "  - {from: s%d, when: {P0: x0}, to: {s%d: 0.5, end: 0.05}}\n", s, (s*7+1)%states)
		fmt.Fprintf(b, "  - {from: s%d, to: {s%d: 0.5, end: 0.01}}\n", s, (s*3+2)%states)
	}
	b.WriteString("payoffs:\n")
	for a := 0; a < actors; a++ {
		for k := 0; k < min(actions, 3); k++ {
			fmt.Fprintf(b, "  - {when: {P%d: x%d}, P%d: {payoff: %d}}\n", a, k, a, (a*31+k*17)%11-5)
		}
	}
	b.WriteString("profiles:\n  eq: {solve: markov-perfect}\n")
	return []byte(b.String())
}

// OverflowPayoffGame is HugePayoffGame with payoffs of ±1.7e308: each fits
// in a float64, their difference does not, so no regret can be computed.
func OverflowPayoffGame() []byte {
	return []byte("NFG 1 R \"overflow\" { \"1\" \"2\" } { 2 2 }\n1.7e308 -1.7e308 -1.7e308 1.7e308 -1.7e308 1.7e308 1.7e308 -1.7e308\n")
}

// RandomGame is an n×n .nfg game with integer payoffs in [0, 100) drawn
// from a fixed linear congruential sequence.
func RandomGame(n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "NFG 1 R \"random %dx%d\" { \"1\" \"2\" } { %d %d }\n", n, n, n, n)
	x := uint64(2026)
	for i := 0; i < 2*n*n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
		fmt.Fprintf(&b, "%d ", (x>>33)%100)
		if i%32 == 31 {
			b.WriteByte('\n')
		}
	}
	b.WriteByte('\n')
	return []byte(b.String())
}

// BinaryTree is a two-player .efg tree of the given depth (2^(depth+1)-1
// nodes): players alternate, every node is its own information set, and
// the leaves' payoffs repeat with small periods. Its reduced strategic
// form has 2^(2^(depth-1)) strategies and more; its sequence form grows
// with the number of nodes.
func BinaryTree(depth int) []byte {
	var b strings.Builder
	b.WriteString("EFG 2 R \"binary tree\" { \"1\" \"2\" } \"\"\n")
	sets := [2]int{}
	out := 0
	var rec func(d int)
	rec = func(d int) {
		if d == depth {
			out++
			fmt.Fprintf(&b, "t \"\" %d \"\" { %d, %d }\n", out, out%7, -(out % 5))
			return
		}
		p := d % 2
		sets[p]++
		fmt.Fprintf(&b, "p \"\" %d %d \"\" { \"L\" \"R\" } 0\n", p+1, sets[p])
		rec(d + 1)
		rec(d + 1)
	}
	rec(0)
	return []byte(b.String())
}

// Chain is a two-player .efg tree of n moves in a row (a centipede): at
// each the mover stops (a leaf) or goes on. With ties every payoff is 0,
// so every mover is indifferent everywhere and there are 2^n pure
// subgame-perfect equilibria; without, the payoffs rise by one per move.
func Chain(n int, ties bool) []byte {
	var b strings.Builder
	b.WriteString("EFG 2 R \"chain\" { \"1\" \"2\" } \"\"\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "p \"\" %d %d \"\" { \"stop\" \"go\" } 0\n", 1+i%2, i/2+1)
		if ties {
			fmt.Fprintf(&b, "t \"\" %d \"\" { 0, 0 }\n", i+1)
		} else {
			fmt.Fprintf(&b, "t \"\" %d \"\" { %d, %d }\n", i+1, i, n-i)
		}
	}
	fmt.Fprintf(&b, "t \"\" %d \"\" { 0, 0 }\n", n+1)
	return []byte(b.String())
}
