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

// datedClockGame is clockedRandomGame with nS states and a 30-step clock
// whose steps share tables as a dated clock's do (the builder shares the
// tables of steps where nothing differs), in the classes of the bundled
// US–Iran file: steps 0-14 (the truce), 15 (its expiry), 16-20, 21-29 (the
// campaign).
func datedClockGame(nS int) *markov.Game {
	g := clockedRandomGame(nS, 30)
	for t := range g.Timed {
		switch {
		case t < 15:
			g.Timed[t] = g.Timed[0]
		case t > 15 && t < 21:
			g.Timed[t] = g.Timed[16]
		case t >= 21:
			g.Timed[t] = g.Timed[21]
		}
	}
	return g
}

// BenchmarkCommitClock30 is truce commit's search, each actor leading, on
// an 8-state game with the bundled file's dated 30-step clock: 3^8 pure
// commitments, so a sample of 4096, then the improvement over every state
// and step (most of its evaluations change one step's play). Run with
// -benchtime 3x on a shared machine and read cpu-s/op.
func BenchmarkCommitClock30(b *testing.B) {
	g := datedClockGame(8)
	ctx := context.Background()
	for l := range 2 {
		b.Run(g.Actors[l].ID, func(b *testing.B) {
			cpu0 := benchCPU()
			defer benchCPUPerOp(b, cpu0)
			for b.Loop() {
				if _, err := Commit(ctx, g, l, 1-l, CommitOptions{Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCommitEvalClock30 is one commitment's evaluation on the game
// of BenchmarkCommitClock30, three ways: "chain", as the search evaluated
// every commitment before commit_eval.go (the profile's node chain and
// both decision processes built, strongResponseOn); "full", the
// evaluator's from scratch (a pure commitment: rows kept from earlier
// ones); "change", the evaluator's after the play of one state at step 10
// changed (the improvement step's usual evaluation). Read cpu-s/op; run
// with -benchtime 2000x.
func BenchmarkCommitEvalClock30(b *testing.B) {
	g := datedClockGame(8)
	ctx := context.Background()
	L, F := 0, 1
	sig := iranUniform(g, L).Base
	for s := range sig {
		if sig[s] != nil {
			sig[s] = make([]float64, len(sig[s]))
			sig[s][s%len(sig[s])] = 1
		}
	}
	p := markov.Profile{{Base: sig}, iranUniform(g, F)}
	c, err := credBuild(ctx, g, p)
	if err != nil {
		b.Fatal(err)
	}
	ev := newCommitEvaluator(c, L, F)
	b.Run("chain", func(b *testing.B) {
		cpu0 := benchCPU()
		defer benchCPUPerOp(b, cpu0)
		for b.Loop() {
			c, err := chainOn(c.nodeGraph, p)
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := strongResponseOn(ctx, c, F, L, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("full", func(b *testing.B) {
		cpu0 := benchCPU()
		defer benchCPUPerOp(b, cpu0)
		for b.Loop() {
			cr, err := ev.full(ctx, sig, nil)
			if err != nil {
				b.Fatal(err)
			}
			ev.release(cr)
		}
	})
	base, err := ev.full(ctx, sig, nil)
	if err != nil {
		b.Fatal(err)
	}
	timed := make([][][]float64, g.Clock)
	timed[10] = append([][]float64(nil), sig...)
	timed[10][0] = []float64{0.5, 0.25, 0.25}
	b.Run("change", func(b *testing.B) {
		cpu0 := benchCPU()
		defer benchCPUPerOp(b, cpu0)
		for b.Loop() {
			cr, err := ev.change(ctx, base, sig, timed, 0, 10)
			if err != nil {
				b.Fatal(err)
			}
			ev.release(cr)
		}
	})
}
