package markov

import (
	"context"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"

	"pgregory.net/rapid"
)

// refSimulate is the general sampler written plainly: one path at a time,
// the same draws from the same alias tables, and every figure recorded at
// every step (each actor's discount as a running product, the expected
// plays and flow of the node added step by step, per state directly).
func refSimulate(c *Chain, opt SimOptions) *SimStats {
	g := c.Game
	sm := c.newSampler(opt.Horizon, simHooks{})
	H, nS, nA, nC, nK := opt.Horizon, len(g.States), len(g.Actors), len(g.Components), sm.nCounters
	total := newSums(nS, nK, nA*nC, nA)
	occ, first := make([]int32, nS), make([]int32, nS)
	plays, pay, disc := make([]float64, nK), make([]float64, nA*nC), make([]float64, nA)
	for path := 0; path < opt.Runs; path++ {
		s1, s2 := pathSeeds(opt.Seed, path)
		rng := pcg{s1, s2}
		clear(occ)
		clear(plays)
		clear(pay)
		for s := range first {
			first[s] = -1
		}
		for a := range disc {
			disc[a] = 1
		}
		x, steps := c.Init, 0
		first[c.State[x]] = 0
		if c.Terminal(x) { // entered at step 0: its entry payoff, undiscounted
			for i, e := range g.Entry[c.State[x]] {
				pay[i] += e
			}
		}
		for t := 0; t < H; t++ {
			s := c.State[x]
			if c.Terminal(x) {
				occ[s] += int32(H - t)
				break
			}
			occ[s]++
			steps++
			for ci := 0; ci < nK; ci++ {
				plays[ci] += sm.share[x*nK+ci]
			}
			for a := 0; a < nA; a++ {
				for cc := 0; cc < nC; cc++ {
					pay[a*nC+cc] += disc[a] * c.reward[(x*nA+a)*nC+cc]
				}
				disc[a] *= g.Actors[a].Discount
			}
			nd := sm.nodes[x]
			hi, lo := bits.Mul64(rng.next(), uint64(nd.cnt))
			slot := sm.slots[nd.off+int32(hi)]
			if lo < slot.thr {
				x = int(slot.next[0])
			} else {
				x = int(slot.next[1])
			}
			if s := c.State[x]; first[s] < 0 {
				first[s] = int32(t + 1)
			}
			if c.Terminal(x) {
				for a := 0; a < nA; a++ {
					for cc, e := range g.Entry[c.State[x]] {
						if cc/nC == a {
							pay[cc] += disc[a] * e
						}
					}
				}
			}
		}
		total.n++
		total.steps += int64(steps)
		n := float64(steps)
		total.nSum += n
		total.nSq += n * n
		for s := 0; s < nS; s++ {
			if first[s] >= 0 {
				total.addState(s, occ[s], first[s])
			}
		}
		total.addPlaysPay(n, plays, pay, sm.weights, nC)
	}
	return sm.stats(g, total, opt)
}

// sameEstimate: means within tol (relative, or absolute below 1), standard
// errors within tol too, or, when tol > 0, within 1e-6 of the mean: the
// standard error of figures that hardly vary is the square root of a
// difference of nearly equal sums, whose rounding (about 1e-16 of the
// squares) the root lifts to about 1e-8 of the mean.
func sameEstimate(e, f Estimate, tol float64) bool {
	near := func(x, y, tol float64) bool {
		if math.IsNaN(x) || math.IsNaN(y) {
			return math.IsNaN(x) == math.IsNaN(y)
		}
		return math.Abs(x-y) <= tol*math.Max(1, math.Abs(y))
	}
	seTol := tol
	if tol > 0 {
		seTol = max(tol, 1e-6*math.Abs(f.Mean))
	}
	return near(e.Mean, f.Mean, tol) && near(e.SE, f.SE, seTol)
}

// TestSimulateMatchesReference: the sampler (four paths at a time, records
// per node, the loop chosen for the game: no discounted steps without
// payoffs, one discount or several, nodes that are states or not) gives
// the numbers of the plain general loop on random games: the state
// figures exactly, plays and payoffs to rounding (they are summed in
// another order).
func TestSimulateMatchesReference(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		r := rand.New(rand.NewPCG(rapid.Uint64().Draw(rt, "seed"), 7))
		g, prof := drawSimGame(rt, r)
		opt := SimOptions{Runs: rapid.IntRange(1, 40).Draw(rt, "runs"), Horizon: rapid.IntRange(0, 30).Draw(rt, "horizon"),
			Seed: rapid.Uint64().Draw(rt, "sim seed"), Workers: rapid.IntRange(1, 3).Draw(rt, "workers")}
		c, err := buildChain(context.Background(), g, prof, false, nil)
		if err != nil {
			rt.Fatal(err)
		}
		got, err := c.simulate(context.Background(), opt)
		if err != nil {
			rt.Fatal(err)
		}
		want := refSimulate(c, opt)
		if got.Steps != want.Steps {
			rt.Fatalf("steps %d, reference %d", got.Steps, want.Steps)
		}
		for s := range got.States {
			gs, ws := got.States[s], want.States[s]
			if !sameEstimate(gs.Steps, ws.Steps, 0) || !sameEstimate(gs.Entered, ws.Entered, 0) || !sameEstimate(gs.FirstEntry, ws.FirstEntry, 0) {
				rt.Fatalf("state %s: %+v, reference %+v", gs.ID, gs, ws)
			}
		}
		for a := range got.Actors {
			ga, wa := got.Actors[a], want.Actors[a]
			for k := range ga.Actions {
				if !sameEstimate(ga.Actions[k].Share, wa.Actions[k].Share, 1e-9) {
					rt.Fatalf("%s plays %s: %+v, reference %+v", ga.ID, ga.Actions[k].Action, ga.Actions[k].Share, wa.Actions[k].Share)
				}
			}
			for k := range ga.Components {
				if !sameEstimate(ga.Components[k].Value, wa.Components[k].Value, 1e-9) {
					rt.Fatalf("%s %s: %+v, reference %+v", ga.ID, ga.Components[k].Component, ga.Components[k].Value, wa.Components[k].Value)
				}
			}
			if !sameEstimate(ga.Total, wa.Total, 1e-9) {
				rt.Fatalf("%s total: %+v, reference %+v", ga.ID, ga.Total, wa.Total)
			}
		}
	})
}

// stageFlows returns the flow tables of a clocked game's timed stages.
func stageFlows(g *Game) [][][]float64 {
	var out [][][]float64
	for _, st := range g.Timed {
		out = append(out, st.Flow...)
	}
	return out
}

// TestSimulateLoopAllocatesNothing: sampling a group of paths and adding
// them to the sums allocates nothing, on a game with memory (nodes are
// not states) and several discounts, and on one whose nodes are states.
func TestSimulateLoopAllocatesNothing(t *testing.T) {
	for _, rules := range []bool{true, false} {
		r := rand.New(rand.NewPCG(3, 3))
		g, prof := randomGame(r, 12, 3, 3, 2, rules)
		c, err := buildChain(context.Background(), g, prof, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		sm := c.newSampler(40, simHooks{})
		if sm.oneNodeEach == rules {
			t.Fatalf("rules %v: one node per state: %v", rules, sm.oneNodeEach)
		}
		pws := make([]*pathWork, simLanes)
		for k := range pws {
			pws[k] = newPathWork(sm, c.NumNodes(), len(g.States))
		}
		sums := newSums(len(g.States), sm.nCounters, len(g.Actors)*len(g.Components), len(g.Actors))
		path := 0
		if n := testing.AllocsPerRun(20, func() {
			runGroup(sm, c.Init, 1, path, pws, sums)
			path += simLanes
		}); n != 0 {
			t.Errorf("rules %v: %v allocations per group of paths", rules, n)
		}
		if sums.steps == 0 {
			t.Errorf("rules %v: no steps sampled", rules)
		}
	}
}

// drawSimGame draws a random game for the sampler's property tests: up to
// nine states with up to two terminal ones, one to three actors with one
// to three actions, memory-one rules or none, a clock or none, one
// discount or several, payoffs or none, and sometimes a terminal initial
// state.
func drawSimGame(rt *rapid.T, r *rand.Rand) (*Game, Profile) {
	nS := rapid.IntRange(2, 9).Draw(rt, "states")
	nTerm := rapid.IntRange(0, min(2, nS-1)).Draw(rt, "terminal")
	g, prof := randomGame(r, nS, rapid.IntRange(1, 3).Draw(rt, "actors"), rapid.IntRange(1, 3).Draw(rt, "actions"), nTerm, rapid.Bool().Draw(rt, "memory"))
	if rapid.Bool().Draw(rt, "clock") {
		clockGame(r, g, prof, rapid.IntRange(1, 4).Draw(rt, "clock length"))
	}
	if rapid.Bool().Draw(rt, "one discount") {
		for a := range g.Actors {
			g.Actors[a].Discount = g.Actors[0].Discount
		}
	}
	if rapid.Bool().Draw(rt, "no payoffs") {
		for _, fl := range append(append([][][]float64{}, g.Flow...), stageFlows(g)...) {
			for _, f := range fl {
				clear(f)
			}
		}
		for _, e := range g.Entry {
			clear(e)
		}
	}
	if rapid.Bool().Draw(rt, "initial terminal") && nTerm > 0 {
		g.Initial = nS - 1
	}
	return g, prof
}
