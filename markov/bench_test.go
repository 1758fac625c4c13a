package markov

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkSimulate: Monte Carlo on a random 50-state, 3-actor game with
// memory-one rules, horizon 52; reports simulated steps per second.
func BenchmarkSimulate(b *testing.B) {
	r := rand.New(rand.NewPCG(50, 3))
	g, prof := randomGame(r, 50, 3, 3, 3, true)
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			steps := int64(0)
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				st, err := Simulate(context.Background(), g, prof, SimOptions{Runs: 20000, Horizon: 52, Seed: 1, Workers: w})
				if err != nil {
					b.Fatal(err)
				}
				steps += st.Steps
			}
			b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
			if cpu := (cpuTime() - cpu0).Seconds(); cpu > 0 {
				b.ReportMetric(float64(steps)/cpu, "steps/cpu-s")
			}
		})
	}
}

// chain10k is a random 10,000-state chain (one actor, one action), three
// successors at most per state and two terminal states.
func chain10k(b testing.TB) *Chain {
	r := rand.New(rand.NewPCG(10000, 1))
	g, prof := randomGame(r, 10000, 1, 1, 2, false)
	c, err := BuildChain(context.Background(), g, prof)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkAnalyze10k: exact analysis of a 10,000-state chain, horizon 52.
// "endings": reach curves, absorption and first-entry times of the
// terminal states, plus values; "per-state": the extra cost of one
// non-terminal state's reach curve, absorption and time.
func BenchmarkAnalyze10k(b *testing.B) {
	c := chain10k(b)
	b.Logf("nodes %d, transitions %d", c.NumNodes(), len(c.Col))
	b.Run("build", func(b *testing.B) {
		r := rand.New(rand.NewPCG(10000, 1))
		g, prof := randomGame(r, 10000, 1, 1, 2, false)
		cpu0 := cpuTime()
		defer reportCPU(b, cpu0)
		for b.Loop() {
			if _, err := BuildChain(context.Background(), g, prof); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("endings/workers=%d", w), func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				if _, err := c.Analyze(context.Background(), AnalyzeOptions{Horizon: 52, States: []int{}, Workers: w}); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu0)
		})
	}
	// The parts of "endings": the horizon pass (every terminal reach
	// curve), absorption with first-entry times (two solves), values (one
	// solve per distinct discount); the solves start from the horizon
	// pass's sums, as in Analyze.
	parts := []struct {
		name string
		run  func(an *analyzer, res *Analysis, sc *scratch) error
	}{
		{"reach", func(an *analyzer, res *Analysis, sc *scratch) error { return an.horizonPass(context.Background(), res) }},
		{"absorb+time", func(an *analyzer, res *Analysis, sc *scratch) error {
			return an.terminals(context.Background(), res, sc)
		}},
		{"values", func(an *analyzer, res *Analysis, sc *scratch) error { return an.values(context.Background(), res, sc) }},
	}
	for _, part := range parts {
		b.Run(part.name, func(b *testing.B) {
			an := &analyzer{c: c, opt: AnalyzeOptions{Horizon: 52}, denseLimit: denseMax}
			an.transpose()
			sc := newScratch(c.NumNodes())
			g := c.Game
			newRes := func() *Analysis {
				return &Analysis{Absorb: make([]float64, len(g.States)), Time: make([]float64, len(g.States)),
					Reach: make([][]float64, len(g.States)), AtHorizon: make([]float64, len(g.States)),
					Occupancy: make([]float64, len(g.States)), ActionShare: [][]float64{make([]float64, 1)},
					ValueBy: [][]float64{make([]float64, 2)}, Value: make([][]float64, 1)}
			}
			// Analyze always runs the horizon pass first, and the solves
			// start from its sums: run it once, untimed.
			_ = an.horizonPass(context.Background(), newRes())
			cpu0 := cpuTime()
			for b.Loop() {
				res := newRes()
				if err := part.run(an, res, sc); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu0)
		})
	}
	b.Run("per-state", func(b *testing.B) {
		an := &analyzer{c: c, opt: AnalyzeOptions{Horizon: 52}, denseLimit: denseMax}
		an.transpose()
		sc := newScratch(c.NumNodes())
		s := 1
		cpu0 := cpuTime()
		defer reportCPU(b, cpu0)
		for b.Loop() {
			if _, _, err := an.target(context.Background(), s, sc); err != nil {
				b.Fatal(err)
			}
			if _, err := an.reachBlock(context.Background(), []int{s}, sc); err != nil {
				b.Fatal(err)
			}
			s = 1 + s%100
		}
	})
	// Reach curves of 16 non-terminal states: one pass each, or one pass
	// for all (the same numbers, see TestReachBlockMatchesOneByOne).
	ts := make([]int, 16)
	for i := range ts {
		ts[i] = 1 + 7*i
	}
	for _, together := range []bool{false, true} {
		name := "reach16/one-by-one"
		if together {
			name = "reach16/together"
		}
		b.Run(name, func(b *testing.B) {
			an := &analyzer{c: c, opt: AnalyzeOptions{Horizon: 52}, denseLimit: denseMax}
			an.transpose()
			sc := newScratch(c.NumNodes())
			cpu0 := cpuTime()
			defer reportCPU(b, cpu0)
			for b.Loop() {
				if together {
					if _, err := an.reachBlock(context.Background(), ts, sc); err != nil {
						b.Fatal(err)
					}
					continue
				}
				for _, s := range ts {
					if _, err := an.reachBlock(context.Background(), []int{s}, sc); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// reportCPU reports CPU milliseconds per operation since cpu0: on a shared
// machine wall time says more about the neighbours than about the code.
func reportCPU(b *testing.B, cpu0 time.Duration) {
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkSimulatePaths: the sampling loop alone (no chain building,
// goroutines or merging), per CPU-second, one path at a time and
// simLanes together, on the game of
// BenchmarkSimulate (horizon 52) and on
// a 50-state, 3-actor, 4-action game without endings, horizon 1000 (the
// shape of the performance issue's Monte Carlo row). -benchmem shows the
// loop allocation-free.
func BenchmarkSimulatePaths(b *testing.B) {
	games := []struct {
		name      string
		nAct, nT  int
		rules     bool
		horizon   int
		pathsPerL int
	}{
		{"50x3x3-memory/H=52", 3, 3, true, 52, 1024},
		{"50x3x4/H=1000", 4, 0, false, 1000, 64},
	}
	for _, gm := range games {
		r := rand.New(rand.NewPCG(50, 3))
		g, prof := randomGame(r, 50, 3, gm.nAct, gm.nT, gm.rules)
		c, err := buildChain(context.Background(), g, prof, true, nil)
		if err != nil {
			b.Fatal(err)
		}
		sm := c.newSampler(gm.horizon, simHooks{})
		for _, lanes := range []int{1, simLanes} {
			b.Run(fmt.Sprintf("%s/lanes=%d", gm.name, lanes), func(b *testing.B) {
				pws := make([]*pathWork, lanes)
				for k := range pws {
					pws[k] = newPathWork(sm, c.NumNodes(), len(g.States))
				}
				sums := newSums(len(g.States), sm.nCounters, len(g.Actors)*len(g.Components), len(g.Actors))
				b.ReportAllocs()
				cpu0 := cpuTime()
				path := 0
				for b.Loop() {
					for range gm.pathsPerL / lanes {
						runGroup(sm, c.Init, 1, path, pws, sums)
						path += lanes
					}
				}
				b.ReportMetric(float64(sums.steps)/b.Elapsed().Seconds(), "steps/s")
				b.ReportMetric(float64(sums.steps)/float64(path), "steps/path")
				if cpu := (cpuTime() - cpu0).Seconds(); cpu > 0 {
					b.ReportMetric(float64(sums.steps)/cpu, "steps/cpu-s")
				}
			})
		}
	}
}

// BenchmarkAnalyzeAllStates: every state's reach curve, absorption and
// first-entry time on a random 1,000-state chain, horizon 52, with 1 and 2
// workers (each non-terminal state is its own forward pass and solves).
func BenchmarkAnalyzeAllStates(b *testing.B) {
	r := rand.New(rand.NewPCG(1000, 1))
	g, prof := randomGame(r, 1000, 1, 1, 2, false)
	c, err := BuildChain(context.Background(), g, prof)
	if err != nil {
		b.Fatal(err)
	}
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				if _, err := c.Analyze(context.Background(), AnalyzeOptions{Horizon: 52, Workers: w}); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu0)
		})
	}
}

// clockedBench is a random 22-state, 2-actor game with memory-one rules
// and a 60-step clock split by three dates into four classes of equal
// steps (as a truce's expiry and an electoral calendar split the US–Iran
// model's): the steps of a class share their tables, a timed play of one
// actor covers the second class, and one rule holds only in the last.
func clockedBench(b testing.TB) (*Game, Profile) {
	r := rand.New(rand.NewPCG(22, 60))
	g, prof := randomGame(r, 22, 2, 3, 3, true)
	const clock = 60
	dates := []int{0, 8, 26, 44, clock}
	g.Clock = clock
	g.Timed = make([]Stage, clock)
	nS := len(g.States)
	for k := 0; k+1 < len(dates); k++ {
		st := Stage{Trans: make([][][]Next, nS), Flow: make([][][]float64, nS)}
		for s := range g.States {
			if g.States[s].Terminal || s%3 != k%3 {
				continue
			}
			nj := g.NumJoint(s)
			st.Trans[s] = make([][]Next, nj)
			st.Flow[s] = make([][]float64, nj)
			for j := 0; j < nj; j++ {
				st.Trans[s][j] = g.Trans[(s+k+1)%(nS-3)][0]
				st.Flow[s][j] = g.Flow[s][(j+k)%nj]
			}
		}
		for t := dates[k]; t < dates[k+1]; t++ {
			g.Timed[t] = st // one backing per class: sameStage
		}
	}
	timed := make([][]float64, nS)
	for s := range g.States {
		if !g.States[s].Terminal && s%2 == 0 {
			d := make([]float64, len(g.Avail[s][0]))
			d[0] = 1
			timed[s] = d
		}
	}
	prof[0].Timed = make([][][]float64, clock)
	for t := dates[1]; t < dates[2]; t++ {
		prof[0].Timed[t] = timed
	}
	steps := make([]bool, clock+1)
	for t := dates[3]; t <= clock; t++ {
		steps[t] = true
	}
	prof[1].Rules[0].Steps = steps
	if err := g.Validate(); err != nil {
		b.Fatal(err)
	}
	return g, prof
}

// BenchmarkClock: the analysis of a clocked chain (clockedBench), horizon
// 104, as a scenario's draws ask for it: "analyze" every state's figures
// from the initial state, "from" the figures from every start as well,
// "build" building the chain and "refill" refilling it in place.
func BenchmarkClock(b *testing.B) {
	g, prof := clockedBench(b)
	ctx := context.Background()
	all := make([]int, len(g.States))
	for s := range all {
		all[s] = s
	}
	c, err := BuildChainFrom(ctx, g, prof, all)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("states %d, clock %d, nodes %d, transitions %d", len(g.States), g.Clock, c.NumNodes(), len(c.Col))
	b.Run("build", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cpuTime()
		for b.Loop() {
			if _, err := BuildChainFrom(ctx, g, prof, all); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu0)
	})
	b.Run("refill", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cpuTime()
		for b.Loop() {
			if ok, err := c.Refill(ctx, g, prof); !ok || err != nil {
				b.Fatal(ok, err)
			}
		}
		reportCPU(b, cpu0)
	})
	for _, tc := range []struct {
		name string
		opt  AnalyzeOptions
	}{
		{"analyze", AnalyzeOptions{Horizon: 104}},
		{"from", AnalyzeOptions{Horizon: 104, From: true, FromStates: []int{0, 1}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				if _, err := c.Analyze(ctx, tc.opt); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu0)
		})
	}
}
