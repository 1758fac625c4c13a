package sensitivity

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/truce-dev/truce/internal/cputime"
)

// reportRun reports analyses per second of wall and of CPU time (the
// machine may be shared, so CPU seconds are the steadier figure).
func reportRun(b *testing.B, analyses int, cpu0 time.Duration) {
	n := float64(analyses) * float64(b.N)
	b.ReportMetric(n/b.Elapsed().Seconds(), "analyses/s")
	if cpu := (cputime.Now() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
	}
}

// BenchmarkSobolUSIran is `truce sensitivity scenarios/us-iran-2026.yaml
// --method sobol --samples 1024`: the 61 uncertain parameters of the
// bundled scenario as rebuilt for #17, every quantity the hypotheses read
// and every hypothesis (64,512 exact analyses, each of the profiles the
// hypotheses read), 1000 bootstrap resamples. Target (#13): under 60 s on
// 2 cores.
//
//	go test ./sensitivity -run XXX -bench SobolUSIran -benchtime 1x
func BenchmarkSobolUSIran(b *testing.B) {
	sc, _ := parseFile(b, "../scenarios/us-iran-2026.yaml")
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			m, err := NewScenarioModel(sc, ScenarioModelOptions{})
			if err != nil {
				b.Fatal(err)
			}
			cpu0 := cputime.Now()
			var rows int
			for b.Loop() {
				res, err := Sobol(context.Background(), m, SobolOptions{N: 1024, Seed: 1, Eval: EvalOptions{Workers: w}})
				if err != nil {
					b.Fatal(err)
				}
				rows = res.Rows
			}
			reportRun(b, rows, cpu0)
		})
	}
}

// BenchmarkMorrisUSIran is `truce sensitivity scenarios/us-iran-2026.yaml
// --method morris` (20 trajectories, 1,240 analyses).
func BenchmarkMorrisUSIran(b *testing.B) {
	sc, _ := parseFile(b, "../scenarios/us-iran-2026.yaml")
	m, err := NewScenarioModel(sc, ScenarioModelOptions{Scale: ClampedQuantiles})
	if err != nil {
		b.Fatal(err)
	}
	cpu0 := cputime.Now()
	var rows int
	for b.Loop() {
		res, err := Morris(context.Background(), m, MorrisOptions{Seed: 1, Eval: EvalOptions{Workers: 2}})
		if err != nil {
			b.Fatal(err)
		}
		rows = res.Rows
	}
	reportRun(b, rows, cpu0)
}

// BenchmarkDiscoverUSIran is `truce discover scenarios/us-iran-2026.yaml`
// (2000 draws, PRIM for each of the thirteen hypotheses).
func BenchmarkDiscoverUSIran(b *testing.B) {
	sc, _ := parseFile(b, "../scenarios/us-iran-2026.yaml")
	cpu0 := cputime.Now()
	for b.Loop() {
		if _, err := Discover(context.Background(), sc, DiscoverOptions{Seed: 1, Eval: EvalOptions{Workers: 2}}); err != nil {
			b.Fatal(err)
		}
	}
	reportRun(b, DefaultDiscoverDraws, cpu0)
}
