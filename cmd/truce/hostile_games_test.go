package main

import (
	"bytes"
	"time"

	"github.com/truce-dev/truce/game/gambit"
	"github.com/truce-dev/truce/game/gen"
	"github.com/truce-dev/truce/internal/hostile"
)

func leducEFG() []byte {
	var b bytes.Buffer
	if err := gambit.WriteEFG(&b, gen.Leduc()); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func kuhnEFG() []byte {
	var b bytes.Buffer
	if err := gambit.WriteEFG(&b, gen.Kuhn()); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// hostileGameCases: game files and the nash, convert and gen commands
// (issue #11, the nash/game part).
func hostileGameCases() []hostileCase {
	// The reduced strategic form of Leduc poker and of a 1023-node binary
	// tree has more profiles than any memory holds: every command that
	// would build it refuses, naming the size, the limit and what to use
	// instead, before allocating anything.
	refuse := []string{"--max-memory", "use a method that works on the tree itself"}
	var cases []hostileCase
	for _, tree := range []struct {
		name string
		src  func() []byte
	}{{"leduc", leducEFG}, {"1023-node tree", func() []byte { return hostile.BinaryTree(9) }}} {
		for _, m := range []string{"enumpure", "logit", "simpdiv", "enummixed", "reduced-lcp"} {
			args := []string{"nash", "{in}", "--method", m, "--timeout", "20s"}
			if m == "enumpure" {
				args[3] = "reduced-enumpure"
			}
			cases = append(cases, hostileCase{name: tree.name + ", " + m + " on the reduced form", input: tree.src, ext: ".efg",
				args: args, code: 1, want: append([]string{"reduced strategic form ("}, refuse...), cpu: 20 * time.Second})
		}
		cases = append(cases, hostileCase{name: tree.name + ", convert to .nfg", input: tree.src, ext: ".efg",
			args: []string{"convert", "{in}", "{dir}/out.nfg"}, code: 1,
			want: []string{"--max-memory", "solve the tree itself"}, cpu: 20 * time.Second})
	}
	cases = append(cases, []hostileCase{
		// the tree methods still work on both
		{name: "leduc, enumpure on the tree", input: leducEFG, ext: ".efg",
			args: []string{"nash", "{in}", "--method", "enumpure", "--timeout", "10s"}, code: 1, want: refuse, cpu: 30 * time.Second},
		{name: "1023-node tree, sequence-form lcp", large: true, input: func() []byte { return hostile.BinaryTree(9) }, ext: ".efg",
			args: []string{"nash", "{in}", "--method", "lcp", "--format", "gambit"}, code: 0, want: []string{"NE,"}, cpu: 60 * time.Second},

		// Sequence-form tableaux of 65k- and 131k-node trees would take
		// 144 GiB and more: refused before the tableau is built.
		{name: "65k-node tree, sequence-form lcp", input: func() []byte { return hostile.BinaryTree(15) }, ext: ".efg",
			args: []string{"nash", "{in}", "--method", "lcp"}, code: 1,
			want: []string{"sequence-form tableau (98305 × 196612) needs about 144.0 GiB", "--max-memory"}, cpu: 30 * time.Second},
		{name: "131k-node tree, exact sequence-form lcp and agent logit", large: true, input: func() []byte { return hostile.BinaryTree(16) }, ext: ".efg",
			args: []string{"nash", "{in}", "--method", "lcp", "--rational"}, code: 1, want: []string{"TiB of memory", "--max-memory"}, cpu: 60 * time.Second},
		{name: "65k-node tree, agent logit", input: func() []byte { return hostile.BinaryTree(15) }, ext: ".efg",
			args: []string{"nash", "{in}", "--method", "agent-logit"}, code: 1, want: []string{"agent-logit Jacobian", "--max-memory"}, cpu: 30 * time.Second},

		// enumpure where every profile is an equilibrium: the time limit
		// is honoured and the list is labelled incomplete, never complete.
		// The limit is far below the time the full list takes (about 0.25 s
		// for 90,000 profiles on a quiet machine), so a fast machine cannot
		// finish first.
		{name: "enumpure all-zero 300×300 --timeout 10ms", input: func() []byte { return hostile.ZeroGame(300) }, ext: ".nfg",
			args: []string{"nash", "{in}", "--method", "enumpure", "--timeout", "10ms"}, code: 124,
			want: []string{"time limit of 10ms reached", "incomplete"}, cpu: 20 * time.Second},
		{name: "enumpure all-zero 150×150 --timeout 1ms, JSON", input: func() []byte { return hostile.ZeroGame(150) }, ext: ".nfg",
			args: []string{"nash", "{in}", "--method", "enumpure", "--timeout", "1ms", "--format", "json"}, code: 124,
			want: []string{`"complete": false`, "incomplete"}, cpu: 20 * time.Second},
		{name: "enumpure all-zero 150×150, all 22500 listed", input: func() []byte { return hostile.ZeroGame(150) }, ext: ".nfg",
			args: []string{"nash", "{in}", "--method", "enumpure"}, code: 0,
			want: []string{"22500 equilibria, complete"}, cpu: 30 * time.Second},

		// exact pivots check their context
		{name: "enummixed --rational 600×600 --timeout 1s", input: func() []byte { return hostile.RandomGame(600) }, ext: ".nfg",
			args: []string{"nash", "{in}", "--method", "enummixed", "--rational", "--timeout", "1s"}, code: 124,
			want: []string{"time limit of 1s reached"}, cpu: 20 * time.Second},
		{name: "lcp --all --rational 600×600 --timeout 1s", input: func() []byte { return hostile.RandomGame(600) }, ext: ".nfg",
			args: []string{"nash", "{in}", "--method", "lcp", "--all", "--rational", "--timeout", "1s"}, code: 124,
			want: []string{"time limit of 1s reached"}, cpu: 20 * time.Second},

		// spe on long chains: linear when the movers are never
		// indifferent, refused (not exhausted) when the ties multiply the
		// equilibria, and stopped by the time limit.
		{name: "spe on a 1100-move chain", input: func() []byte { return hostile.Chain(1100, false) }, ext: ".efg",
			args: []string{"nash", "{in}", "--method", "spe", "--format", "gambit"}, code: 0, want: []string{"NE,0,1,0,1,0,1,"}, cpu: 20 * time.Second},
		{name: "spe on a 1100-move chain of ties", input: func() []byte { return hostile.Chain(1100, true) }, ext: ".efg",
			args: []string{"nash", "{in}", "--method", "spe"}, code: 1, want: []string{"more than 100000 subgame-perfect equilibria"}, cpu: 20 * time.Second},
		{name: "spe --timeout 1ms on a chain", input: func() []byte { return hostile.Chain(1100, false) }, ext: ".efg",
			args: []string{"nash", "{in}", "--method", "spe", "--timeout", "1ms"}, code: 124, want: []string{"time limit of 1ms reached"}, cpu: 20 * time.Second},

		// payoffs near the float64 limit: a spread that fits is solved
		// (matching pennies times 1e307: (1/2, 1/2) is the equilibrium,
		// regret 0); one that overflows is refused by every reader.
		{name: "simpdiv near the float64 limit", input: hostile.HugePayoffGame, ext: ".nfg",
			args: []string{"nash", "{in}", "--method", "simpdiv", "--format", "gambit"}, code: 0, want: []string{"NE,0.500000,0.500000,0.500000,0.500000"}},
		{name: "nfg payoffs whose spread overflows", input: hostile.OverflowPayoffGame, ext: ".nfg",
			args: []string{"nash", "{in}", "--method", "simpdiv"}, code: 1, want: []string{":2:", "overflows float64"}},
		{name: "efg payoff of 10^1000", ext: ".efg",
			input: func() []byte {
				return []byte("EFG 2 R \"huge\" { \"1\" \"2\" } \"\"\np \"\" 1 1 \"\" { \"a\" \"b\" } 0\nt \"\" 1 \"\" { 1" + string(bytes.Repeat([]byte("0"), 1000)) + ", 0 }\nt \"\" 2 \"\" { 0, 0 }\n")
			},
			args: []string{"nash", "{in}"}, code: 1, want: []string{":3:"}},
		{name: "efg payoffs whose path sum overflows", ext: ".efg",
			input: func() []byte {
				return []byte("EFG 2 R \"sum\" { \"1\" \"2\" } \"\"\np \"\" 1 1 \"\" { \"a\" } 1 \"\" { 1.7e308, 0 }\nt \"\" 2 \"\" { 1.7e308, 0 }\n")
			},
			args: []string{"nash", "{in}"}, code: 1, want: []string{"add up to more than float64 can hold"}},
		{name: "json payoffs whose spread overflows", ext: ".json",
			input: func() []byte {
				return []byte(`{"format": "truce.strategic/1", "title": "", "players": [{"name": "a", "strategies": ["x", "y"]}], "payoffs": [[-1.7e308], [1.7e308]]}`)
			},
			args: []string{"nash", "{in}"}, code: 1, want: []string{"overflows float64"}},

		// byte-order marks and stdin
		{name: "nfg with a UTF-8 byte-order mark", ext: ".nfg",
			input: func() []byte { return append([]byte("\xef\xbb\xbf"), hostile.HugePayoffGame()...) },
			args:  []string{"nash", "{in}", "--method", "lcp", "--format", "gambit"}, code: 0, want: []string{"NE,0.500000,0.500000,0.500000,0.500000"}},
		{name: "efg with a UTF-8 byte-order mark", ext: ".efg",
			input: func() []byte { return append([]byte("\xef\xbb\xbf"), kuhnEFG()...) },
			args:  []string{"nash", "{in}", "--method", "lp", "--format", "json"}, code: 0, want: []string{`"value": -0.0555555555`}},
		{name: "efg on stdin, format sniffed", input: kuhnEFG, ext: ".efg", stdin: true,
			args: []string{"nash", "-", "--method", "lcp", "--rational", "--format", "gambit"}, code: 0,
			want: []string{"NE,2/3,1/3,1,0,1,0,1/3,2/3,0,1,1/2,1/2,1,0,2/3,1/3,0,1,0,1,2/3,1/3,1,0"}},
		{name: "convert refuses to overwrite its input", input: func() []byte { return hostile.HugePayoffGame() }, ext: ".nfg",
			args: []string{"convert", "{in}", "{in}"}, code: 1, want: []string{"refusing to write"}},
	}...)
	return cases
}
