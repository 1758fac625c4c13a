package markov

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// agree checks a Monte Carlo estimate against the exact figure: within 4
// standard errors (plus float rounding for figures with no spread).
func agree(t *testing.T, what string, e Estimate, exact float64) {
	t.Helper()
	if math.IsNaN(exact) || math.IsNaN(e.Mean) {
		if math.IsNaN(exact) != math.IsNaN(e.Mean) {
			t.Errorf("%s: monte carlo %v, exact %v", what, e.Mean, exact)
		}
		return
	}
	if math.IsNaN(e.SE) {
		return // one observation: nothing to test against
	}
	if d := math.Abs(e.Mean - exact); d > 4*e.SE+1e-9*math.Max(1, math.Abs(exact)) {
		t.Errorf("%s: monte carlo %.6g ± %.3g, exact %.6g (%.1f SE)", what, e.Mean, e.SE, exact, d/e.SE)
	}
}

func checkAgainstExact(t *testing.T, g *Game, prof Profile, runs, H int, seed uint64) {
	t.Helper()
	an, err := Analyze(context.Background(), g, prof, H)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Simulate(context.Background(), g, prof, SimOptions{Runs: runs, Horizon: H, Seed: seed, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if st.Runs != runs || len(st.States) != len(g.States) || len(st.Actors) != len(g.Actors) {
		t.Fatalf("stats shape: %+v", st)
	}
	for s, ss := range st.States {
		agree(t, "steps in "+ss.ID, ss.Steps, an.Occupancy[s])
		agree(t, "entered "+ss.ID, ss.Entered, an.Reach[s][H])
		agree(t, "first entry "+ss.ID, ss.FirstEntry, an.TimeBy[s])
	}
	for a, as := range st.Actors {
		for k, ac := range as.Actions {
			agree(t, as.ID+" plays "+ac.Action, ac.Share, an.ActionShare[a][k])
		}
		for c, cs := range as.Components {
			agree(t, as.ID+" "+cs.Component, cs.Value, an.ValueBy[a][c])
		}
		agree(t, as.ID+" total", as.Total, an.TotalBy[a])
	}
	if d := float64(st.Steps)/float64(runs) - an.Steps; math.Abs(d) > 0.1*math.Max(1, an.Steps) {
		t.Errorf("mean steps %v, exact %v", float64(st.Steps)/float64(runs), an.Steps)
	}
}

func TestSimulateTwoState(t *testing.T) {
	g, prof := twoState(0.07, 1.5, -20, 0.97)
	checkAgainstExact(t, g, prof, 20000, 52, 1)
}

func TestSimulateTitForTat(t *testing.T) {
	g, prof := tft(0.3, 0.25, 0.9, 0.95)
	checkAgainstExact(t, g, prof, 20000, 30, 2)
}

func TestSimulateRandom(t *testing.T) {
	for i := uint64(0); i < 4; i++ {
		r := rand.New(rand.NewPCG(i, 99))
		g, prof := randomGame(r, 6, 2, 3, 2, true)
		checkAgainstExact(t, g, prof, 10000, 25, i)
	}
}

func TestSimulateInitialTerminal(t *testing.T) {
	g, prof := twoState(0.5, 1, 7, 0.9)
	g.Initial = 1
	checkAgainstExact(t, g, prof, 10, 3, 1)
}

func TestSimulateWorkersIdentical(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	g, prof := randomGame(r, 8, 3, 3, 2, true)
	var first []byte
	for _, w := range []int{1, 2, 8} {
		var calls, last int
		st, err := Simulate(context.Background(), g, prof, SimOptions{Runs: 5000, Horizon: 20, Seed: 42, Workers: w,
			Progress: func(done int) { calls++; last = done }})
		if err != nil {
			t.Fatal(err)
		}
		if last != 5000 || calls != 5 {
			t.Errorf("workers %d: progress called %d times, last %d", w, calls, last)
		}
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = b
		} else if !bytes.Equal(first, b) {
			t.Errorf("workers %d: output differs from workers 1", w)
		}
	}
	st, err := Simulate(context.Background(), g, prof, SimOptions{Runs: 5000, Horizon: 20, Seed: 43, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(st); bytes.Equal(first, b) {
		t.Error("a different seed gave the same output")
	}
}

func TestSimulateCancel(t *testing.T) {
	g, prof := tft(0.3, 0.25, 0.9, 0.95)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Simulate(ctx, g, prof, SimOptions{Runs: 1 << 20, Horizon: 50, Workers: 2})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestAliasTable(t *testing.T) {
	w := []float64{0.5, 0.25, 0.125, 0.125, 0}
	thr := make([]uint64, len(w))
	alias := make([]int32, len(w))
	buildAlias(w, thr, alias, 10)
	// Probability of each outcome from the table, exactly.
	got := make([]float64, len(w))
	for i := range w {
		keep := float64(thr[i]) / (1 << 64)
		got[i] += keep / float64(len(w))
		got[alias[i]-10] += (1 - keep) / float64(len(w))
	}
	for i := range w {
		if math.Abs(got[i]-w[i]) > 1e-15 {
			t.Errorf("outcome %d: table gives %v, want %v", i, got[i], w[i])
		}
	}
}

// TestSimulateClocked: Monte Carlo of clocked games (the payoffs of each
// step read from that step's table) agrees with the exact figures.
func TestSimulateClocked(t *testing.T) {
	for i := uint64(0); i < 4; i++ {
		r := rand.New(rand.NewPCG(i, 17))
		g, prof := randomGame(r, 5, 2, 2, 1, true)
		clockGame(r, g, prof, 3+int(i))
		checkAgainstExact(t, g, prof, 20000, 12, 5+i)
	}
}

// TestPCGMatchesStdlib: the sampler's inlined PCG draws exactly the numbers
// of math/rand/v2's PCG from the same seeds, so that paths are the same
// whichever of the two draws them.
func TestPCGMatchesStdlib(t *testing.T) {
	for path := range 50 {
		s1, s2 := pathSeeds(uint64(path%3), path)
		std := rand.NewPCG(s1, s2)
		own := pcg{s1, s2}
		for i := range 1000 {
			if a, b := std.Uint64(), own.next(); a != b {
				t.Fatalf("path %d, draw %d: math/rand/v2 %#x, sampler %#x", path, i, a, b)
			}
		}
	}
}
