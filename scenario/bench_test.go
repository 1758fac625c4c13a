package scenario

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/internal/cputime"
)

// BenchmarkAnalyze1000Draws is `truce analyze --draws 1000` on the
// uncertain two-state example (Build + exact analysis + hypotheses per draw).
func BenchmarkAnalyze1000Draws(b *testing.B) {
	for _, w := range []int{1, 2} {
		b.Run(map[int]string{1: "workers=1", 2: "workers=2"}[w], func(b *testing.B) {
			sc := loadFile(b, "testdata/uncertain.yaml")
			for b.Loop() {
				if _, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: 1000, Seed: 1, Workers: w}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAnalyzeTitForTat1000Draws runs 1000 draws of the memory-one
// example (its parameter fixed here by a uniform around it).
func BenchmarkAnalyzeTitForTat1000Draws(b *testing.B) {
	src, err := os.ReadFile("../examples/tit-for-tat.yaml")
	if err != nil {
		b.Fatal(err)
	}
	src = []byte(replaceOnce(string(src), "d: {value: 0.2,", "d: {dist: uniform, min: 0.1, max: 0.3,"))
	sc, ds := Parse("tft.yaml", src)
	if sc == nil {
		b.Fatal(ds)
	}
	for b.Loop() {
		if _, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: 1000, Seed: 1, Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

func replaceOnce(s, old, new string) string {
	for i := 0; i+len(old) <= len(s); i++ {
		if s[i:i+len(old)] == old {
			return s[:i] + new + s[i+len(old):]
		}
	}
	panic("replaceOnce: " + old + " not found")
}

// BenchmarkParse is `truce check` on the bundled US–Iran scenario.
func BenchmarkParse(b *testing.B) {
	src, err := os.ReadFile("../scenarios/us-iran-2026.yaml")
	if err != nil {
		b.Skip(err)
	}
	for b.Loop() {
		if sc, ds := Parse("us-iran-2026.yaml", src); sc == nil {
			b.Fatal(ds)
		}
	}
}

// BenchmarkBuild is one draw's markov.Game and profiles.
func BenchmarkBuild(b *testing.B) {
	sc := loadFile(b, "../examples/tit-for-tat.yaml")
	d := sc.Central()
	for b.Loop() {
		if _, _, err := sc.Build(d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnalyzeUSIran1000Draws is `truce analyze
// scenarios/us-iran-2026.yaml` with its defaults (1000 draws, every profile
// with given strategies).
func BenchmarkAnalyzeUSIran1000Draws(b *testing.B) {
	src, err := os.ReadFile("../scenarios/us-iran-2026.yaml")
	if err != nil {
		b.Skip(err)
	}
	sc, ds := Parse("us-iran-2026.yaml", src)
	if sc == nil {
		b.Fatal(ds)
	}
	for _, w := range []int{1, 2} {
		b.Run(map[int]string{1: "workers=1", 2: "workers=2"}[w], func(b *testing.B) {
			for b.Loop() {
				if _, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: 1000, Seed: 1, Workers: w}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWalk10001 is `truce analyze scenario/testdata/walk10001.yaml`:
// a 10,001-state chain written as one family, asked for its endings (the
// default: terminal states and what hypotheses read). "parse" is reading
// and checking the file. "every-state" is the cost of asking for all
// states (--states all): one reach pass per block and two solves per
// state; it takes minutes, so it runs only with TRUCE_SLOW_BENCH=1.
func BenchmarkWalk10001(b *testing.B) {
	src, err := os.ReadFile("testdata/walk10001.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("parse", func(b *testing.B) {
		for b.Loop() {
			if sc, ds := Parse("walk10001.yaml", src); sc == nil {
				b.Fatal(ds)
			}
		}
	})
	sc, ds := Parse("walk10001.yaml", src)
	if sc == nil {
		b.Fatal(ds)
	}
	b.Run("endings", func(b *testing.B) {
		for b.Loop() {
			if _, err := Analyze(context.Background(), sc, AnalyzeOptions{Workers: 1}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("every-state", func(b *testing.B) {
		if os.Getenv("TRUCE_SLOW_BENCH") == "" {
			b.Skip("set TRUCE_SLOW_BENCH=1: minutes per run")
		}
		for b.Loop() {
			if _, err := Analyze(context.Background(), sc, AnalyzeOptions{Workers: 1, States: []string{"*"}}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// usIranClock reads the bundled scenario's variant without the clock and
// the bundled (clocked) scenario, each
// without its hypotheses when bare (the analysis of the profiles alone),
// else with them (the leverage ones need best responses and credibility
// checks on every draw).
func usIranClock(b *testing.B, bare bool) (plain, clocked *Scenario) {
	read := func(file string) *Scenario {
		src, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		s := string(src)
		if i := strings.Index(s, "\nhypotheses:\n"); i >= 0 && bare {
			s = s[:i+1]
		}
		sc, ds := Parse(file, []byte(s))
		if sc == nil {
			b.Fatal(ds)
		}
		return sc
	}
	plain, clocked = read("../scenarios/testdata/us-iran-2026-unclocked.yaml"), read("../scenarios/us-iran-2026.yaml")
	if clocked.Clock != 30 || plain.Clock != 0 {
		b.Fatalf("the bundled scenario's clock is %d, want 30; its unclocked variant's %d, want 0", clocked.Clock, plain.Clock)
	}
	return plain, clocked
}

// BenchmarkUSIranClock: `truce analyze --draws 200` (every profile with
// given strategies, no hypotheses), the same with the hypotheses on 20
// draws (best responses, responds, credibility and the *_from figures on
// every draw) and the Markov-perfect equilibrium at the central draw
// (`truce solve`'s selection: the stationary game from the clock's end
// on, then backward induction), on the bundled scenario without its clock
// (scenarios/testdata/us-iran-2026-unclocked.yaml, "plain") and with it
// (scenarios/us-iran-2026.yaml: the truce dated to the 60-day extension's
// end, the midterm campaign; the chain carries the week to step 30). Run with -benchtime 1x; cpu-s/op is the
// steadier figure on a shared machine.
func BenchmarkUSIranClock(b *testing.B) {
	plain, clocked := usIranClock(b, true)
	plainH, clockedH := usIranClock(b, false)
	for _, c := range []struct {
		name      string
		sc, withH *Scenario
	}{{"no-clock", plain, plainH}, {"clock30", clocked, clockedH}} {
		b.Run("analyze/"+c.name, func(b *testing.B) {
			cpu0 := cputime.Now().Seconds()
			defer cpuPerOp(b, cpu0)
			for b.Loop() {
				if _, err := Analyze(context.Background(), c.sc, AnalyzeOptions{Draws: 200, Seed: 1, Workers: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("hypotheses/"+c.name, func(b *testing.B) {
			cpu0 := cputime.Now().Seconds()
			defer cpuPerOp(b, cpu0)
			for b.Loop() {
				if _, err := Analyze(context.Background(), c.withH, AnalyzeOptions{Draws: 20, Seed: 1, Workers: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("solve/"+c.name, func(b *testing.B) {
			g, _, err := c.sc.Build(c.sc.Central())
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				r, err := equilibrium.Solve(context.Background(), g, equilibrium.Options{})
				if err != nil || !r.Converged {
					b.Fatal(err, r.Reason)
				}
			}
		})
	}
}
