package scenario

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/internal/cputime"
)

// BenchmarkUSIranClock52 is #15's benchmark of a 52-step clock on the
// US–Iran scenario: the bundled file (scenarios/us-iran-2026.yaml, its
// clock to step 30) with its campaign dates
// moved so that the last one is step 51, so the chain carries the week
// through the whole 52-week horizon. "analyze" is `truce analyze --draws
// 200` of every profile with given strategies (no hypotheses), "solve" the
// Markov-perfect equilibrium at the central draw (backward induction over
// the 52 steps from the stationary game beyond them).
//
//	go test ./scenario -run XXX -bench USIranClock52 -benchtime 1x
func BenchmarkUSIranClock52(b *testing.B) {
	src, err := os.ReadFile("../scenarios/us-iran-2026.yaml")
	if err != nil {
		b.Fatal(err)
	}
	s := string(src)
	for _, r := range [][2]string{{"  campaign: 21\n", "  campaign: 44\n"}, {"  midterms: 29\n", "  midterms: 51\n"}} {
		if !strings.Contains(s, r[0]) {
			b.Fatalf("the clocked variant has no %q", r[0])
		}
		s = strings.Replace(s, r[0], r[1], 1)
	}
	if i := strings.Index(s, "\nhypotheses:\n"); i >= 0 {
		s = s[:i+1]
	}
	sc, ds := Parse("us-iran-2026-clock52.yaml", []byte(s))
	if sc == nil {
		b.Fatal(ds)
	}
	if sc.Clock != 52 {
		b.Fatalf("clock %d, want 52", sc.Clock)
	}
	b.Run("analyze", func(b *testing.B) {
		cpu0 := cputime.Now().Seconds()
		defer cpuPerOp(b, cpu0)
		for b.Loop() {
			if _, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: 200, Seed: 1, Workers: 1}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("solve", func(b *testing.B) {
		g, _, err := sc.Build(sc.Central())
		if err != nil {
			b.Fatal(err)
		}
		cpu0 := cputime.Now().Seconds()
		defer cpuPerOp(b, cpu0)
		for b.Loop() {
			r, err := equilibrium.Solve(context.Background(), g, equilibrium.Options{})
			if err != nil || !r.Converged {
				b.Fatal(err, r.Reason)
			}
		}
	})
}
