package main

import (
	"os"

	"github.com/truce-dev/truce/internal/hostile"
)

// fileInput copies a file as the input of a case (for cases that would
// write over it if they failed).
func fileInput(path string) func() []byte {
	return func() []byte {
		b, err := os.ReadFile(path)
		if err != nil {
			panic(err)
		}
		return b
	}
}

// hostileScenarioCases: scenario files (reading, checking, analysing).
func hostileScenarioCases() []hostileCase {
	return []hostileCase{
		{name: "nested 100k", input: func() []byte { return hostile.NestedYAML(100_000) },
			args: []string{"check", "{in}"}, code: 1, want: []string{":1:199: error: the YAML nests more than 100 levels deep"}, cpu: 10e9},
		{name: "nested 100k on stdin", input: func() []byte { return hostile.NestedYAML(100_000) }, stdin: true,
			args: []string{"check", "-"}, code: 1, want: []string{"<stdin>:1:199: error: the YAML nests"}, cpu: 10e9},
		{name: "nested flow", input: func() []byte { return hostile.NestedFlowYAML(50_000) },
			args: []string{"check", "{in}"}, code: 1, want: []string{"nests more than 100 levels"}, cpu: 10e9},
		{name: "200k documents", input: func() []byte { return hostile.MultiDocYAML(200_000) },
			args: []string{"check", "{in}"}, code: 1, want: []string{":3:1: error: more than one YAML document"}, cpu: 10e9},
		{name: "value .inf", file: "value-inf.yaml", args: []string{"check", "{in}"}, code: 1,
			want: []string{"value-inf.yaml:9:14: error: value must be finite, got +Inf"}},
		{name: "weights .inf .nan", file: "weight-inf.yaml", args: []string{"check", "{in}"}, code: 1,
			want: []string{"weight-inf.yaml:5:33: error: weight must be finite, got +Inf", "weight-inf.yaml:6:33: error: weight must be finite, got NaN"}},
		{name: "YAML 1.2 numbers", file: "yaml12-numbers.yaml", args: []string{"check", "{in}"}, code: 0,
			want: []string{"ok: "}},
		{name: "tiny probability", file: "tiny-probability.yaml", args: []string{"check", "{in}"}, code: 1,
			want: []string{"tiny-probability.yaml:9:29: error: probability 1.0e-17 is below 1e-12"}},
		{name: "int overflow probability", file: "int-overflow-probability.yaml", args: []string{"check", "{in}"}, code: 1,
			want: []string{"int-overflow-probability.yaml:9:29: error: probability 9223372036854775807 * 9223372036854775807 = 8.50706e+37 is outside [0, 1]"}},
		// -1e20 per step for A while at peace, which ends with probability
		// 0.1 a step: V = -1e20 / (1 - 0.9·0.9) = -5.263e20.
		{name: "int overflow payoff", file: "int-overflow-payoff.yaml", args: []string{"analyze", "{in}", "--format", "json"}, code: 0,
			want: []string{`"mean": -5.263157894736843e+20`}},
		{name: "byte-order mark", file: "bom.yaml", args: []string{"check", "{in}"}, code: 0, want: []string{"ok: "}},
		{name: "50,000 states", large: true, input: func() []byte { return hostile.ChainStates(50_000, 10) },
			args: []string{"check", "{in}"}, code: 0, want: []string{"50001 states"}, cpu: 60e9},
		{name: "5,000 states", input: func() []byte { return hostile.ChainStates(5_000, 10) },
			args: []string{"check", "{in}"}, code: 0, want: []string{"5001 states"}},
		// About 10 s of CPU each (the YAML reader, then 2,000,000
		// evaluations of the draw checks); the CPU bound leaves room, and the
		// wall-clock guard (ten times it) for a loaded machine, where they
		// took 50 s.
		{name: "100k parameters", large: true,
			input: func() []byte { return hostile.UnusedParameters(100_000) },
			// 818 MB resident for this 4.2 MB file before the slimmer YAML
			// tree and the sized parameter tables; 500 MB measured since.
			args: []string{"check", "{in}"}, code: 0, want: []string{"100000 parameters"}, cpu: 120e9, rss: 640 << 20},
		{name: "50k parameters read by payoffs", large: true,
			input: func() []byte { return hostile.ManyParameters(50_000) },
			args:  []string{"check", "{in}"}, code: 0, want: []string{"50000 parameters"}, cpu: 120e9},
		{name: "2,000 states × horizon 100,000",
			input: func() []byte { return hostile.LongChain(2_000, 100_000) },
			args:  []string{"analyze", "{in}"}, code: 1, want: []string{"reach curves of 2001 states over 100001 steps", "(--max-memory); use a shorter horizon"}},
		{name: "20,000 states × horizon 100,000", large: true,
			input: func() []byte { return hostile.LongChain(20_000, 100_000) },
			args:  []string{"analyze", "{in}"}, code: 1, want: []string{"reach curves of 20001 states over 100001 steps", "over the limit of 4.0 GiB (--max-memory); use a shorter horizon"}, cpu: 60e9},
		{name: "one draw cancelled by the time limit",
			input: func() []byte { return hostile.MemoryOne(200, 6, 100_000) },
			args:  []string{"analyze", "{in}", "--draws", "2", "--timeout", "2s"}, code: 124,
			want: []string{"time limit of 2s reached"}, cpu: 20e9},
		{name: "analyze --draws 1e9", input: func() []byte { return hostile.ChainStates(3, 10) },
			args: []string{"analyze", "{in}", "--draws", "1e9"}, code: 2, want: []string{`"--draws" flag: out of range: want 1 to 10000000`}},
	}
}

// hostileCLICases: flags, outputs, exit codes.
func hostileCLICases() []hostileCase {
	return []hostileCase{
		{name: "report over its input", file: "bom.yaml", args: []string{"report", "{in}", "-o", "{in}"}, code: 1,
			want: []string{"refusing to write", "it is the input"}},
		{name: "convert over its input", input: fileInput("../../nash/testdata/gambit/pd.nfg"), ext: ".nfg", args: []string{"convert", "{in}", "{in}"}, code: 1,
			want: []string{"refusing to write"}},
		{name: "--workers -3", file: "bom.yaml", args: []string{"analyze", "{in}", "--workers", "-3"}, code: 2,
			want: []string{`invalid argument "-3" for "--workers" flag: out of range: want 0 to 1024`}},
		{name: "--decimals 100000", file: "../../nash/testdata/gambit/pd.nfg", args: []string{"nash", "{in}", "--decimals", "100000"}, code: 2,
			want: []string{`"--decimals" flag: out of range: want 1 to 17`}},
		{name: "--timeout -1s", file: "../../nash/testdata/gambit/pd.nfg", args: []string{"nash", "{in}", "--timeout", "-1s"}, code: 2,
			want: []string{`"--timeout" flag: out of range`}},
		{name: "--lambda NaN", file: "../../nash/testdata/gambit/pd.nfg", args: []string{"nash", "{in}", "--method", "logit", "--lambda", "NaN"}, code: 2,
			want: []string{`"--lambda" flag: want a finite number`}},
		{name: "usage error as JSON", file: "bom.yaml", args: []string{"analyze", "{in}", "--format", "json", "--draws", "0"}, code: 2,
			want: []string{`"code": "usage"`, `"exit_code": 2`}},
		{name: "input error as JSON", args: []string{"solve", "no/such/file.yaml", "--format", "json"}, code: 1,
			want: []string{`"code": "error"`, "no such file"}},
		{name: "--max-memory 2MiB", file: "bom.yaml", args: []string{"analyze", "{in}", "--max-memory", "2MiB"}, code: 0,
			want: []string{"peace"}},
	}
}
