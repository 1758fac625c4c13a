package markov

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// walk builds a birth-death chain on 0..n: from k it moves up with
// probability up(k), down with down(k) and stays otherwise; ends (0 and
// n, when terminal) pay entry[k] to the one actor, and every step pays 1.
func walk(n int, up, down func(k int) float64, terminalEnds bool, start int, delta float64) (*Game, Profile) {
	g := &Game{Components: []string{"m"}, Initial: start, Actions: [][]string{{"wait"}},
		Actors: []Actor{{ID: "X", Discount: delta, Weights: []float64{1}}}}
	prof := Profile{{Base: make([][]float64, n+1)}}
	for k := 0; k <= n; k++ {
		term := terminalEnds && (k == 0 || k == n)
		g.States = append(g.States, State{ID: fmt.Sprint(k), Terminal: term})
		if term {
			g.Avail = append(g.Avail, nil)
			g.Trans = append(g.Trans, nil)
			g.Flow = append(g.Flow, nil)
			g.Entry = append(g.Entry, []float64{float64(10 * k)})
			continue
		}
		var nx []Next
		u, d := up(k), down(k)
		if u > 0 {
			nx = append(nx, Next{k + 1, u})
		}
		if d > 0 {
			nx = append(nx, Next{k - 1, d})
		}
		if u+d < 1 {
			nx = append(nx, Next{k, 1 - u - d})
		}
		g.Avail = append(g.Avail, [][]int{{0}})
		g.Trans = append(g.Trans, [][]Next{nx})
		g.Flow = append(g.Flow, [][]float64{{1}})
		g.Entry = append(g.Entry, nil)
		prof[0].Base[k] = []float64{1}
	}
	return g, prof
}

// TestGamblersRuinFromEveryStart: the probability of reaching n before 0
// from k is (1 - (q/p)^k)/(1 - (q/p)^n) (k/n when p = q), and the expected
// duration E[T] = k/(q-p) - (n/(q-p))·(1-(q/p)^k)/(1-(q/p)^n) (k(n-k) when
// p = q) equals Σ over the two ends of time·absorb. Both come from one
// solve for all starts; every figure also matches the forward analysis of
// the game started in k.
func TestGamblersRuinFromEveryStart(t *testing.T) {
	const n, H = 10, 30
	for _, p := range []float64{0.5, 0.45, 0.6} {
		q := 1 - p
		g, prof := walk(n, func(int) float64 { return p }, func(int) float64 { return q }, true, 3, 0.95)
		for _, dense := range []int{0, -1} {
			a, err := AnalyzeWith(context.Background(), g, prof, AnalyzeOptions{Horizon: H, From: true, FromStates: []int{5}, denseLimit: dense})
			if err != nil {
				t.Fatal(err)
			}
			f := a.From
			if fmt.Sprint(f.Targets) != "[0 5 10]" {
				t.Fatalf("targets %v", f.Targets)
			}
			for k := 0; k <= n; k++ {
				win, dur := float64(k)/n, float64(k*(n-k))
				if p != q {
					r := q / p
					win = (1 - math.Pow(r, float64(k))) / (1 - math.Pow(r, n))
					dur = float64(k)/(q-p) - n/(q-p)*win
				}
				near(t, fmt.Sprintf("p=%v absorb(n | %d)", p, k), f.Absorb[n][k], win)
				near(t, fmt.Sprintf("p=%v absorb(0 | %d)", p, k), f.Absorb[0][k], 1-win)
				got := 0.0
				for _, e := range []int{0, n} {
					if f.Absorb[e][k] > 0 {
						got += f.Time[e][k] * f.Absorb[e][k]
					}
				}
				near(t, fmt.Sprintf("p=%v duration from %d", p, k), got, dur)
			}
			// Forward analysis from each start agrees.
			for k := 0; k <= n; k++ {
				gk, pk := walk(n, func(int) float64 { return p }, func(int) float64 { return q }, true, k, 0.95)
				if k == 0 || k == n {
					continue // a terminal initial state is its own test
				}
				fw, err := AnalyzeWith(context.Background(), gk, pk, AnalyzeOptions{Horizon: H, States: []int{5}})
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range f.Targets {
					near(t, fmt.Sprintf("absorb(%d | %d)", e, k), f.Absorb[e][k], fw.Absorb[e])
					near(t, fmt.Sprintf("time(%d | %d)", e, k), f.Time[e][k], fw.Time[e])
					for step := 0; step <= H; step++ {
						near(t, fmt.Sprintf("reach(%d, %d | %d)", e, step, k), f.Reach[e][k][step], fw.Reach[e][step])
					}
				}
				near(t, fmt.Sprintf("value | %d", k), f.Value[k][0][0], fw.Value[0][0])
				near(t, fmt.Sprintf("total | %d", k), f.Total[k][0], fw.Total[0])
			}
			near(t, "value at an end", f.Value[n][0][0], 10*n)
		}
	}
}

// TestFromMatchesForwardOnRandomGames: on random games with memory-one
// rules, the figures from start s equal those of the same game whose
// initial state is s, and adding the starts changes nothing from the
// initial state.
func TestFromMatchesForwardOnRandomGames(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2))
	for trial := 0; trial < 6; trial++ {
		g, prof := randomGame(r, 12, 2, 2, 2, true)
		const H = 15
		base, err := AnalyzeWith(context.Background(), g, prof, AnalyzeOptions{Horizon: H})
		if err != nil {
			t.Fatal(err)
		}
		a, err := AnalyzeWith(context.Background(), g, prof, AnalyzeOptions{Horizon: H, From: true, FromStates: []int{1, 4}})
		if err != nil {
			t.Fatal(err)
		}
		for s := range g.States {
			if base.Absorb[s] != a.Absorb[s] && !(math.IsNaN(base.Absorb[s]) && math.IsNaN(a.Absorb[s])) {
				t.Errorf("trial %d: absorb(%d) changed from %v to %v with the starts added", trial, s, base.Absorb[s], a.Absorb[s])
			}
		}
		if base.Value[0][0] != a.Value[0][0] {
			t.Errorf("trial %d: value changed with the starts added", trial)
		}
		for s := range g.States {
			if g.States[s].Terminal {
				continue
			}
			gs := *g
			gs.Initial = s
			fw, err := AnalyzeWith(context.Background(), &gs, prof, AnalyzeOptions{Horizon: H, States: []int{1, 4}})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range a.From.Targets {
				near(t, fmt.Sprintf("trial %d absorb(%d | %d)", trial, e, s), a.From.Absorb[e][s], fw.Absorb[e])
				near(t, fmt.Sprintf("trial %d time(%d | %d)", trial, e, s), a.From.Time[e][s], fw.Time[e])
				near(t, fmt.Sprintf("trial %d reach(%d, H | %d)", trial, e, s), a.From.Reach[e][s][H], fw.Reach[e][H])
			}
			for x := range g.Actors {
				for c := range g.Components {
					near(t, fmt.Sprintf("trial %d value(%d,%d | %d)", trial, x, c, s), a.From.Value[s][x][c], fw.Value[x][c])
				}
			}
		}
	}
}

// TestEhrenfestLongRun: the Ehrenfest urn with n balls (k → k-1 w.p. k/n,
// k → k+1 w.p. (n-k)/n) never ends; its stationary distribution is
// binomial(n, 1/2), its period 2, and by Kac's formula the mean recurrence
// time of k is 2^n / C(n, k). The lazy urn (stays w.p. 1/2) has the same
// stationary distribution and period 1.
func TestEhrenfestLongRun(t *testing.T) {
	const n = 12
	binom := func(k int) float64 {
		c := 1.0
		for i := 0; i < k; i++ {
			c = c * float64(n-i) / float64(i+1)
		}
		return c
	}
	for _, lazy := range []float64{1, 0.5} {
		up := func(k int) float64 { return lazy * float64(n-k) / n }
		down := func(k int) float64 { return lazy * float64(k) / n }
		g, prof := walk(n, up, down, false, 0, 0.9)
		for _, dense := range []int{0, -1} {
			a, err := AnalyzeWith(context.Background(), g, prof, AnalyzeOptions{Horizon: 5, LongRun: true, denseLimit: dense})
			if err != nil {
				t.Fatal(err)
			}
			lr := a.LongRun
			if len(lr.Classes) != 1 {
				t.Fatalf("%d classes", len(lr.Classes))
			}
			rc := lr.Classes[0]
			wantPeriod := 2
			if lazy < 1 {
				wantPeriod = 1
			}
			if rc.Period != wantPeriod || rc.Terminal || rc.Prob != 1 || len(rc.States) != n+1 {
				t.Errorf("lazy %v: class %+v", lazy, rc)
			}
			for k := 0; k <= n; k++ {
				pi := binom(k) / math.Pow(2, n)
				near(t, fmt.Sprintf("π(%d)", k), rc.Stationary[k], pi)
				near(t, fmt.Sprintf("share(%d)", k), lr.Share[k], pi)
				near(t, fmt.Sprintf("recurrence(%d)", k), rc.Recurrence[k], math.Pow(2, n)/binom(k))
			}
		}
	}
}

// TestLongRunClasses: a transient start that falls into one of two
// closed classes or a terminal state: the class probabilities are the
// absorption probabilities, the shares mix the classes' stationary
// distributions, and a terminal state's share is its absorption.
func TestLongRunClasses(t *testing.T) {
	// 0 → {1: 0.5, 3: 0.3, 5: 0.2}; {1, 2} alternate (period 2);
	// {3, 4}: 3 → 4 w.p. 0.2, 4 → 3 w.p. 0.6 (π = (0.75, 0.25)); 5 ends.
	g := &Game{Components: []string{"m"}, Actions: [][]string{{"w"}},
		Actors: []Actor{{ID: "X", Discount: 0.9, Weights: []float64{1}}}}
	trans := map[int][]Next{0: {{1, 0.5}, {3, 0.3}, {5, 0.2}}, 1: {{2, 1}}, 2: {{1, 1}}, 3: {{4, 0.2}, {3, 0.8}}, 4: {{3, 0.6}, {4, 0.4}}}
	prof := Profile{{Base: make([][]float64, 6)}}
	for s := 0; s < 6; s++ {
		g.States = append(g.States, State{ID: fmt.Sprint(s), Terminal: s == 5})
		if s == 5 {
			g.Avail, g.Trans, g.Flow, g.Entry = append(g.Avail, nil), append(g.Trans, nil), append(g.Flow, nil), append(g.Entry, nil)
			continue
		}
		g.Avail = append(g.Avail, [][]int{{0}})
		g.Trans = append(g.Trans, [][]Next{trans[s]})
		g.Flow = append(g.Flow, [][]float64{{0}})
		g.Entry = append(g.Entry, nil)
		prof[0].Base[s] = []float64{1}
	}
	a, err := AnalyzeWith(context.Background(), g, prof, AnalyzeOptions{Horizon: 3, LongRun: true})
	if err != nil {
		t.Fatal(err)
	}
	lr := a.LongRun
	if len(lr.Classes) != 3 {
		t.Fatalf("classes %+v", lr.Classes)
	}
	want := map[string]struct {
		prob   float64
		period int
	}{"[1 2]": {0.5, 2}, "[3 4]": {0.3, 1}, "[5]": {0.2, 0}}
	for _, rc := range lr.Classes {
		w, ok := want[fmt.Sprint(rc.States)]
		if !ok {
			t.Fatalf("unexpected class %v", rc.States)
		}
		near(t, fmt.Sprint("prob ", rc.States), rc.Prob, w.prob)
		if rc.Period != w.period {
			t.Errorf("class %v period %d, want %d", rc.States, rc.Period, w.period)
		}
	}
	for s, w := range []float64{0, 0.25, 0.25, 0.3 * 0.75, 0.3 * 0.25, 0.2} {
		near(t, fmt.Sprint("share ", s), lr.Share[s], w)
	}
}
