package main

import (
	"bytes"

	"github.com/truce-dev/truce/game/gambit"
	"github.com/truce-dev/truce/game/gen"
	"github.com/truce-dev/truce/internal/hostile"
)

// hostileGameCases: game files and the nash, convert and gen commands
// (issue #11, the nash/game part).
func hostileGameCases() []hostileCase {
	return []hostileCase{
		{name: "enumpure all-zero 300×300 --timeout 2s", pending: "nash: enumpure honours its context and memory",
			input: func() []byte { return hostile.ZeroGame(300) }, ext: ".nfg",
			args: []string{"nash", "{in}", "--method", "enumpure", "--timeout", "2s"}, code: 124,
			want: []string{"time limit of 2s reached"}, wall: 20e9},
		{name: "simpdiv near the float64 limit", pending: "nash: payoff ranges that overflow are refused",
			input: hostile.HugePayoffGame, ext: ".nfg",
			args: []string{"nash", "{in}", "--method", "simpdiv", "--format", "gambit"}, code: 1},
		{name: "leduc, enumpure on the reduced form", pending: "nash: reduced strategic form bounded by memory",
			input: func() []byte {
				var b bytes.Buffer
				if err := gambit.WriteEFG(&b, gen.Leduc()); err != nil {
					panic(err)
				}
				return b.Bytes()
			}, ext: ".efg",
			args: []string{"nash", "{in}", "--method", "enumpure", "--timeout", "10s"}, code: 1, want: []string{"--max-memory"}, wall: 30e9},
	}
}
