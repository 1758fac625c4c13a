package scenario

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/truce-dev/truce/internal/cputime"
)

// usIranWith parses the bundled scenario with its hypotheses replaced by
// hyps (YAML list items).
func usIranWith(tb testing.TB, hyps string) *Scenario {
	tb.Helper()
	src, err := os.ReadFile("../scenarios/us-iran-2026.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	text, _, ok := strings.Cut(string(src), "\nhypotheses:\n")
	if !ok {
		tb.Fatal("no hypotheses section in the bundled scenario")
	}
	sc, ds := Parse("us-iran-2026.yaml", []byte(text+"\nhypotheses:\n"+hyps))
	if sc == nil {
		tb.Fatal(ds)
	}
	return sc
}

// BenchmarkClaimsPerDraw is the per-draw cost of the claims over the
// equilibrium set and of the commitment claims on the bundled scenario:
// one op is one parameter draw analysed as `truce analyze` analyses it
// (Build, the equilibrium profile's selection, the claim's quantities),
// without the set search at central values that analyze adds once. The
// ops cycle over draws 0, 1, 2, ... of seed 1. Run on a shared machine
// with
//
//	go test ./scenario -run '^$' -bench ClaimsPerDraw -benchtime 10x
//
// and read cpu-s/op (CPU seconds per draw).
func BenchmarkClaimsPerDraw(b *testing.B) {
	for _, c := range []struct{ name, hyp string }{
		{"max_reach", `  - {id: H14, label: eq, claim: x, expr: 'max_reach("war", 52, "equilibrium") < 0.5'}` + "\n"},
		{"set-all", `  - {id: H14, label: eq, claim: x, expr: 'equilibria("equilibrium") > 1 && min_value("US", "equilibrium") < max_value("US", "equilibrium") && min_absorb("war", "equilibrium") <= max_reach("war", 52, "equilibrium")'}` + "\n"},
		{"commit_gain", `  - {id: H15, label: cm, claim: x, expr: 'commit_gain("US", "baseline") > 0'}` + "\n"},
		{"commit_value", `  - {id: H15, label: cm, claim: x, expr: 'commit_value("US") > commit_follower_value("US")'}` + "\n"},
	} {
		b.Run(c.name, func(b *testing.B) {
			sc := usIranWith(b, c.hyp)
			ctx := context.Background()
			run, err := newAnalysisRun(ctx, sc, AnalyzeOptions{Draws: 1000, Seed: DefaultSeed, Workers: 1})
			if err != nil {
				b.Fatal(err)
			}
			cpu0 := cputime.Now().Seconds()
			defer cpuPerOp(b, cpu0)
			i := 0
			for b.Loop() {
				if r := sc.analyzeDraw(ctx, i, run.opt, run.needed, run.plan, run.qlim, nil); r.err != nil {
					b.Fatal(r.err)
				}
				i++
			}
		})
	}
}
