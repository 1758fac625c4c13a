package main

import (
	"github.com/truce-dev/truce/internal/hostile"
)

// hostileSolveCases: Markov-perfect equilibria (solve, and analyze of
// equilibrium profiles).
func hostileSolveCases() []hostileCase {
	return []hostileCase{
		{name: "solve 3 actors × 20 actions × 200 states", pending: "leverage: budget check before the dense Newton matrix",
			input: func() []byte { return hostile.StageGame(3, 20, 200) },
			args:  []string{"solve", "{in}", "--timeout", "20s"}, want: []string{"--max-memory"}, code: 1, wall: 60e9, large: true},
		{name: "solve --draws 1e9", input: func() []byte { return hostile.StageGame(2, 2, 3) },
			args: []string{"solve", "{in}", "--draws", "1e9"}, code: 2, want: []string{`"--draws" flag: out of range: want 1 to 10000`}},
	}
}
