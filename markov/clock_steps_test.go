package markov

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"pgregory.net/rapid"
)

// datedClock gives g and prof a clock of the given length split by random
// dates into classes of equal steps, as a truce's expiry or an electoral
// calendar split a scenario's: the steps of a class share one stage (its
// own transitions and flows for some states, or the stationary game's),
// and, if readStep, actors have a timed play over some classes and rules
// limited to some classes (a mask equal across each class), so that
// strategies read the step as well as the game.
func datedClock(r *rand.Rand, g *Game, prof Profile, clock int, readStep bool) {
	nS := len(g.States)
	g.Clock = clock
	g.Timed = make([]Stage, clock)
	// dates[k]..dates[k+1]-1 is class k; the last class runs to the clock.
	dates := []int{0}
	for t := 1; t < clock; t++ {
		if r.IntN(4) == 0 {
			dates = append(dates, t)
		}
	}
	dates = append(dates, clock)
	nK := len(dates) - 1
	classOf := make([]int, clock+1)
	for k := 0; k < nK; k++ {
		for t := dates[k]; t < dates[k+1]; t++ {
			classOf[t] = k
		}
	}
	classOf[clock] = nK // from the clock on: the stationary game
	for k := 0; k < nK; k++ {
		if r.IntN(3) == 0 {
			continue // this class plays the stationary game
		}
		st := randomStage(r, g)
		for t := dates[k]; t < dates[k+1]; t++ {
			g.Timed[t] = st // one backing for the class
		}
	}
	if !readStep {
		return
	}
	for a := range prof {
		prof[a].Timed = make([][][]float64, clock)
		for k := 0; k < nK; k++ {
			if r.IntN(2) == 0 {
				continue
			}
			play := make([][]float64, nS)
			for s := range g.States {
				if !g.States[s].Terminal && r.IntN(2) == 0 {
					play[s] = randDist(r, len(g.Avail[s][a]))
				}
			}
			for t := dates[k]; t < dates[k+1]; t++ {
				prof[a].Timed[t] = play
			}
		}
		for i := range prof[a].Rules {
			if r.IntN(2) == 0 {
				continue
			}
			on := make([]bool, nK+1)
			for k := range on {
				on[k] = r.IntN(2) == 0
			}
			m := make([]bool, clock+1)
			for t := range m {
				m[t] = on[classOf[t]]
			}
			prof[a].Rules[i].Steps = m
		}
	}
}

// TestClockStepsAgree: on random clocked games whose clock is split by
// random dates into classes of equal steps, with strategies that read the
// step or not, the analysis that passes through the steps (the pre-clock
// nodes substituted layer by layer on the chain's own rows, only the
// stationary block solved as a system) agrees with the same chain solved
// as one plain system over all its unrolled nodes, and with the game
// unrolled into (state, step) states and analysed as a stationary game:
// the endings (absorption, first-entry times, never ending), the reach
// curves within the horizon, the values, and the figures from every start
// (endings, reach curves and values).
func TestClockStepsAgree(t *testing.T) {
	ctx := context.Background()
	rapid.Check(t, func(rt *rapid.T) {
		seed := rapid.Uint64().Draw(rt, "seed")
		nS := rapid.IntRange(2, 6).Draw(rt, "states")
		nTerm := rapid.IntRange(0, min(2, nS-1)).Draw(rt, "terminal")
		nA := rapid.IntRange(1, 2).Draw(rt, "actors")
		clock := rapid.IntRange(1, 30).Draw(rt, "clock")
		H := rapid.IntRange(0, 40).Draw(rt, "horizon")
		readStep := rapid.Bool().Draw(rt, "strategies read the step")
		iterative := rapid.Bool().Draw(rt, "iterative")
		r := rand.New(rand.NewPCG(seed, 41))
		g, prof := randomGame(r, nS, nA, 2, nTerm, rapid.Bool().Draw(rt, "rules"))
		datedClock(r, g, prof, clock, readStep)
		if err := g.Validate(); err != nil {
			rt.Fatal(err)
		}
		dl := 0
		if iterative {
			dl = -1
		}
		opt := AnalyzeOptions{Horizon: H, From: true, denseLimit: dl}
		an, err := AnalyzeWith(ctx, g, prof, opt)
		if err != nil {
			rt.Fatal(err)
		}
		plain := opt
		plain.unlayered = true
		pa, err := AnalyzeWith(ctx, g, prof, plain)
		if err != nil {
			rt.Fatal(err)
		}
		u, up, id := unrolled(g, prof, -1)
		ua, err := AnalyzeWith(ctx, u, up, AnalyzeOptions{Horizon: H, From: true, denseLimit: dl})
		if err != nil {
			rt.Fatal(err)
		}
		// The forward error of a solve grows with its conditioning, of
		// the order of the longest expected first-entry time (see
		// TestClockedEqualsUnrolled); passes within the horizon add in
		// the same order in all three and differ by rounding only where
		// the unrolled game's nodes are numbered differently.
		tolSolve, tolPass := 1e-11*longestTime(ua), 1e-12
		check := func(what string, got, plainV, want, tol float64) {
			if !closeTo(got, plainV, tol) {
				rt.Fatalf("%s: by steps %v, as one plain system %v", what, got, plainV)
			}
			if !closeTo(got, want, tol) {
				rt.Fatalf("%s: by steps %v, unrolled game %v", what, got, want)
			}
		}
		check("never ends", an.NeverEnds, pa.NeverEnds, ua.NeverEnds, tolSolve)
		for s, st := range g.States {
			if !st.Terminal {
				continue
			}
			x := id(s, 0)
			check(fmt.Sprintf("absorb %d", s), an.Absorb[s], pa.Absorb[s], ua.Absorb[x], tolSolve)
			check(fmt.Sprintf("time %d", s), an.Time[s], pa.Time[s], ua.Time[x], condTol(tolSolve, ua.Absorb[x]))
			for k := range an.Reach[s] {
				check(fmt.Sprintf("reach %d at %d", s, k), an.Reach[s][k], pa.Reach[s][k], ua.Reach[x][k], tolPass)
			}
			for s0 := range g.States {
				y := id(s0, 0)
				check(fmt.Sprintf("absorb %d from %d", s, s0), an.From.Absorb[s][s0], pa.From.Absorb[s][s0], ua.From.Absorb[x][y], tolSolve)
				check(fmt.Sprintf("time %d from %d", s, s0), an.From.Time[s][s0], pa.From.Time[s][s0], ua.From.Time[x][y], condTol(tolSolve, ua.From.Absorb[x][y]))
				for k := range an.From.Reach[s][s0] {
					check(fmt.Sprintf("reach %d from %d at %d", s, s0, k), an.From.Reach[s][s0][k], pa.From.Reach[s][s0][k], ua.From.Reach[x][y][k], tolPass)
				}
			}
		}
		for a := range g.Actors {
			for c := range g.Components {
				check(fmt.Sprintf("value %d/%d", a, c), an.Value[a][c], pa.Value[a][c], ua.Value[a][c], tolSolve)
				for s0 := range g.States {
					check(fmt.Sprintf("value %d/%d from %d", a, c, s0), an.From.Value[s0][a][c], pa.From.Value[s0][a][c], ua.From.Value[id(s0, 0)][a][c], tolSolve)
				}
			}
		}
		// Non-terminal states: absorption and first entry by steps and as
		// one plain system (their copies are many states of the unrolled
		// game; TestClockedEqualsUnrolled sums them).
		for s, st := range g.States {
			if st.Terminal {
				continue
			}
			check(fmt.Sprintf("absorb %d", s), an.Absorb[s], pa.Absorb[s], pa.Absorb[s], tolSolve)
			check(fmt.Sprintf("time %d", s), an.Time[s], pa.Time[s], pa.Time[s], condTol(tolSolve, pa.Absorb[s]))
		}
	})
}
