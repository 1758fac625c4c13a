package equilibrium

import (
	"context"
	"testing"

	"github.com/truce-dev/truce/internal/cputime"
	"github.com/truce-dev/truce/markov"
)

// benchCPUPerOp reports the process's CPU seconds per op since cpu0 (the
// steadier figure on a shared machine).
func benchCPUPerOp(b *testing.B, cpu0 float64) {
	if cpu := cputime.Now().Seconds() - cpu0; cpu > 0 {
		b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
	}
}

func benchCPU() float64 { return cputime.Now().Seconds() }

// clockedRandomGame is mpeRandomGame (two actors, three actions, discount
// 0.95) with a clock of C steps before which every flow grows toward the
// deadline: at step t it is (1 + t/C) times the stationary flow.
func clockedRandomGame(nS, C int) *markov.Game {
	g := mpeRandomGame(1, nS, 2, 3, 0.95)
	g.Clock = C
	g.Timed = make([]markov.Stage, C)
	for t := range g.Timed {
		fl := make([][][]float64, len(g.States))
		for s, st := range g.States {
			if st.Terminal {
				continue
			}
			fl[s] = make([][]float64, len(g.Flow[s]))
			for j, v := range g.Flow[s] {
				fl[s][j] = make([]float64, len(v))
				for a, x := range v {
					fl[s][j][a] = x * (1 + float64(t)/float64(C))
				}
			}
		}
		g.Timed[t].Flow = fl
	}
	return g
}

// BenchmarkBestResponseClock52 is a best response (with the value-iteration
// cross-check) on a 20-state game with a 52-step clock, by backward
// induction over the clock, and the same on the game unrolled into 53 × 20
// states (one dense solve per policy over all of them): the layered solve
// is what makes weekly clocks affordable. Run with -benchtime 10x on a
// shared machine and read cpu-s/op.
func BenchmarkBestResponseClock52(b *testing.B) {
	g := clockedRandomGame(20, 52)
	p := markov.Profile{iranUniform(g, 0), iranUniform(g, 1)}
	u, us, _ := unrollClock(g, p)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		g    *markov.Game
		p    markov.Profile
	}{{"layered", g, p}, {"unrolled", u, us[0]}} {
		b.Run(tc.name, func(b *testing.B) {
			cpu0 := benchCPU()
			defer benchCPUPerOp(b, cpu0)
			for b.Loop() {
				if _, err := BestResponse(ctx, tc.g, tc.p, 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCommitClock8 is truce commit's search on a 5-state game with
// an 8-step clock (3^5 = 243 stationary pure commitments, then the
// improvement over every state and step).
func BenchmarkCommitClock8(b *testing.B) {
	g := clockedRandomGame(5, 8)
	ctx := context.Background()
	cpu0 := benchCPU()
	defer benchCPUPerOp(b, cpu0)
	for b.Loop() {
		if _, err := Commit(ctx, g, 0, 1, CommitOptions{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAssessClock52 is a credibility report (every actor, a
// memory-one profile) and a best response with a Graphs kept across calls
// (as one worker of truce analyze keeps it across draws) on a 20-state
// game with a 52-step clock whose steps fall into four classes of equal
// tables (a dated clock: the builder shares the tables of steps where
// nothing differs), so that rows are shared across steps. Run with
// -benchtime 10x -benchmem on a shared machine and read cpu-s/op.
func BenchmarkAssessClock52(b *testing.B) {
	g := clockedRandomGame(20, 52)
	for t := range g.Timed {
		g.Timed[t] = g.Timed[t/13*13]
	}
	p := markov.Profile{iranUniform(g, 0), iranUniform(g, 1)}
	p[0].Rules = []markov.Rule{{State: -1, After: []markov.Cond{{Actor: 1, Actions: []int{0}}},
		Play: []markov.ActionProb{{Action: g.Avail[0][0][0], P: 1}}}}
	ctx := context.Background()
	gr := NewGraphs()
	b.Run("assess", func(b *testing.B) {
		cpu0 := benchCPU()
		defer benchCPUPerOp(b, cpu0)
		for b.Loop() {
			if _, err := AssessActor(ctx, g, p, 0, gr); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("respond", func(b *testing.B) {
		cpu0 := benchCPU()
		defer benchCPUPerOp(b, cpu0)
		for b.Loop() {
			if _, err := BestResponseWith(ctx, g, p, 1, ResponseOptions{NoCrossCheck: true, NoProfileValue: true, Graphs: gr}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
