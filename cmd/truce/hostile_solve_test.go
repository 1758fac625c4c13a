package main

import (
	"github.com/truce-dev/truce/internal/hostile"
)

// hostileSolveCases: Markov-perfect equilibria (solve, and analyze of
// equilibrium profiles).
func hostileSolveCases() []hostileCase {
	return []hostileCase{
		// The model: 3 actors × 20 actions × 200 states asked the
		// homotopy for a 12601 × 12601 dense Jacobian (1.27 GB) and died.
		// Under a budget smaller than that, the homotopy refuses before
		// allocating it, naming the size, the limit and the alternative.
		{name: "solve 3 actors × 20 actions × 200 states, homotopy over budget",
			input: func() []byte { return hostile.StageGame(3, 20, 200) },
			args:  []string{"solve", "{in}", "--method", "homotopy", "--max-memory", "1GiB"}, code: 1,
			want: []string{"the homotopy's Jacobian (12601 × 12601 dense) and its block elimination needs about 1.3 GiB of memory, over the limit of 1.0 GiB (--max-memory); use --method iterate"},
			rss:  768 << 20, cpu: 120e9, large: true},
		// With the default method the homotopy fits the default budget
		// (4 GiB) and the value iteration after it is slow on 8,000 joint
		// actions per state: the time limit ends it, said as a time limit,
		// with the memory it used bounded (the Jacobian and the model).
		{name: "solve 3 actors × 20 actions × 200 states, time limit",
			input: func() []byte { return hostile.StageGame(3, 20, 200) },
			args:  []string{"solve", "{in}", "--timeout", "10s"}, code: 124, want: []string{"time limit of 10s reached (--timeout)"},
			rss: 2 << 30, cpu: 120e9, large: true},
		{name: "solve --draws 1e9", input: func() []byte { return hostile.StageGame(2, 2, 3) },
			args: []string{"solve", "{in}", "--draws", "1e9"}, code: 2, want: []string{`"--draws" flag: out of range: want 1 to 10000`}},
	}
}
