package scenario

import (
	"context"
	"testing"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/internal/cputime"
)

// cpuPerOp reports the process's CPU seconds per op since cpu0: on a
// shared machine the steadier figure than wall time.
func cpuPerOp(b *testing.B, cpu0 float64) {
	if cpu := cputime.Now().Seconds() - cpu0; cpu > 0 {
		b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
	}
}

// BenchmarkLeverageUSIran is the leverage questions of #14 on the bundled
// scenario at central values, as `truce solve --all --starts 50`,
// `truce respond --actor IR --to walkaway_intr` and `truce commit --leader
// US` compute them (the CLI adds parsing and printing). Each sub-benchmark
// is one whole answer; run with -benchtime 1x on a shared machine.
func BenchmarkLeverageUSIran(b *testing.B) {
	sc := loadFile(b, "../scenarios/us-iran-2026.yaml")
	g, profs, err := sc.Build(sc.Central())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	us, ir := actorIdx(b, sc, "US"), actorIdx(b, sc, "IR")
	for _, w := range []int{1, 2} {
		b.Run(map[int]string{1: "all-50-starts/workers=1", 2: "all-50-starts/workers=2"}[w], func(b *testing.B) {
			cpu0 := cputime.Now().Seconds()
			defer cpuPerOp(b, cpu0)
			for b.Loop() {
				set, err := equilibrium.SolveAll(ctx, g, equilibrium.SetOptions{Starts: 50, Seed: DefaultSeed, Workers: w})
				if err != nil {
					b.Fatal(err)
				}
				if len(set.Equilibria) < 2 {
					b.Fatalf("%d equilibria, want the two known ones", len(set.Equilibria))
				}
			}
		})
	}
	b.Run("respond", func(b *testing.B) {
		p, err := sc.ProfileFor(ctx, g, profs, "walkaway_intr", equilibrium.Options{})
		if err != nil {
			b.Fatal(err)
		}
		cpu0 := cputime.Now().Seconds()
		defer cpuPerOp(b, cpu0)
		for b.Loop() {
			if _, err := equilibrium.BestResponse(ctx, g, p, ir); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("commit", func(b *testing.B) {
		cpu0 := cputime.Now().Seconds()
		defer cpuPerOp(b, cpu0)
		for b.Loop() {
			sel, err := equilibrium.Solve(ctx, g, equilibrium.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := equilibrium.Commit(ctx, g, us, ir, equilibrium.CommitOptions{Seed: DefaultSeed, Equilibrium: sel}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func actorIdx(b *testing.B, sc *Scenario, id string) int {
	b.Helper()
	for i, a := range sc.Actors {
		if a.ID == id {
			return i
		}
	}
	b.Fatalf("no actor %s", id)
	return -1
}
