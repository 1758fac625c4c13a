package markov

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// naivePlay is actor a's play in state s after prev (nil at step 0), read
// straight from the Strategy: an independent implementation of the rule
// semantics.
func naivePlay(g *Game, st Strategy, a, s int, prev []int, t int) []float64 {
	for _, r := range st.Rules {
		if r.State != s && r.State != -1 {
			continue
		}
		if r.Steps != nil && !r.Steps[min(t, g.Clock)] {
			continue
		}
		ok := true
		for _, c := range r.After {
			if prev == nil || !slices.Contains(c.Actions, prev[c.Actor]) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		d := make([]float64, len(g.Avail[s][a]))
		for _, ap := range r.Play {
			for k, x := range g.Avail[s][a] {
				if x == ap.Action {
					d[k] += ap.P
				}
			}
		}
		return d
	}
	if t < g.Clock && len(st.Timed) > 0 && st.Timed[t] != nil && st.Timed[t][s] != nil {
		return st.Timed[t][s]
	}
	return st.Base[s]
}

type naiveKey struct {
	s    int
	prev [4]int
	has  bool
}

// naiveRun propagates the law of (state, every actor's previous action)
// for H steps, without merging histories. With target >= 0 that state
// absorbs and reach[t] is the probability of having entered it by step t;
// it also returns flow and entry payoffs discounted and truncated at H
// (meaningful for target -1).
func naiveRun(g *Game, p Profile, H, target int) (reach []float64, valueBy [][]float64) {
	nA, nC := len(g.Actors), len(g.Components)
	reach = make([]float64, H+1)
	valueBy = make([][]float64, nA)
	for a := range valueBy {
		valueBy[a] = make([]float64, nC)
	}
	if g.Initial == target {
		for t := range reach {
			reach[t] = 1
		}
		return reach, valueBy
	}
	entry := func(s int, w float64, t int) {
		if len(g.Entry[s]) == 0 {
			return
		}
		for a := 0; a < nA; a++ {
			f := w * math.Pow(g.Actors[a].Discount, float64(t))
			for c := 0; c < nC; c++ {
				valueBy[a][c] += f * g.Entry[s][a*nC+c]
			}
		}
	}
	cur := map[naiveKey]float64{{s: g.Initial}: 1}
	if g.States[g.Initial].Terminal {
		entry(g.Initial, 1, 0)
		cur = nil
	}
	k := make([]int, nA)
	for t := 0; t < H; t++ {
		next := map[naiveKey]float64{}
		absorbed := 0.0
		for key, m := range cur {
			s := key.s
			var prev []int
			if key.has {
				prev = key.prev[:nA]
			}
			dists := make([][]float64, nA)
			for a := 0; a < nA; a++ {
				dists[a] = naivePlay(g, p[a], a, s, prev, t)
			}
			for j := 0; j < g.NumJoint(s); j++ {
				g.Decode(s, j, k)
				pj := m
				nk := naiveKey{has: true}
				for a := 0; a < nA; a++ {
					pj *= dists[a][k[a]]
					nk.prev[a] = g.Avail[s][a][k[a]]
				}
				if pj == 0 {
					continue
				}
				for a := 0; a < nA; a++ {
					f := pj * math.Pow(g.Actors[a].Discount, float64(t))
					for c := 0; c < nC; c++ {
						valueBy[a][c] += f * g.FlowAt(t, s)[j][a*nC+c]
					}
				}
				for _, nx := range g.TransAt(t, s)[j] {
					w := pj * nx.P
					switch {
					case nx.State == target:
						absorbed += w
					case g.States[nx.State].Terminal:
						entry(nx.State, w, t+1)
					default:
						nk.s = nx.State
						next[nk] += w
					}
				}
			}
		}
		reach[t+1] = reach[t] + absorbed
		cur = next
	}
	return reach, valueBy
}

func closeTo(got, want, tol float64) bool {
	if math.IsNaN(got) || math.IsNaN(want) {
		return math.IsNaN(got) && math.IsNaN(want)
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// TestAnalysisProperties checks, on random games with memory-one rules,
// the algebraic facts of the analysis and its agreement with a naive
// history-by-history propagation.
func TestAnalysisProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		seed := rapid.Uint64().Draw(rt, "seed")
		nS := rapid.IntRange(2, 6).Draw(rt, "states")
		nTerm := rapid.IntRange(0, min(2, nS-1)).Draw(rt, "terminal")
		nA := rapid.IntRange(1, 3).Draw(rt, "actors")
		nAct := rapid.IntRange(1, 3).Draw(rt, "actions")
		rules := rapid.Bool().Draw(rt, "rules")
		H := rapid.IntRange(0, 8).Draw(rt, "horizon")
		g, prof := randomGame(rand.New(rand.NewPCG(seed, 7)), nS, nA, nAct, nTerm, rules)

		an, err := Analyze(context.Background(), g, prof, H)
		if err != nil {
			rt.Fatal(err)
		}
		it, err := AnalyzeWith(context.Background(), g, prof, AnalyzeOptions{Horizon: H, denseLimit: -1, Workers: 2})
		if err != nil {
			rt.Fatal(err)
		}
		sumAbs, occ, atH := 0.0, 0.0, 0.0
		for s := range g.States {
			r := an.Reach[s]
			if len(r) != H+1 {
				rt.Fatalf("reach %d has %d points", s, len(r))
			}
			for tt, x := range r {
				if x < 0 || x > 1 || (tt > 0 && x < r[tt-1]) {
					rt.Fatalf("reach[%d][%d] = %v (previous %v)", s, tt, x, r[max(0, tt-1)])
				}
			}
			if (s == g.Initial) != (r[0] == 1) || (s != g.Initial && r[0] != 0) {
				rt.Fatalf("reach[%d][0] = %v", s, r[0])
			}
			if r[H] > an.Absorb[s]+1e-12 {
				rt.Fatalf("reach[%d][H] = %v > absorb %v", s, r[H], an.Absorb[s])
			}
			if g.States[s].Terminal {
				sumAbs += an.Absorb[s]
			}
			occ += an.Occupancy[s]
			atH += an.AtHorizon[s]
			// The sparse solver guarantees a backward error of 1e-13; the
			// forward error grows with the conditioning, of the order of
			// the longest expected first-entry time.
			cond := 1.0
			for _, tm := range an.Time {
				if !math.IsNaN(tm) {
					cond = math.Max(cond, tm)
				}
			}
			if !closeTo(it.Absorb[s], an.Absorb[s], 1e-10*cond) || !closeTo(it.Time[s], an.Time[s], 1e-9*cond) {
				rt.Fatalf("state %d: iterative absorb %v time %v, dense %v %v", s, it.Absorb[s], it.Time[s], an.Absorb[s], an.Time[s])
			}
			want, _ := naiveRun(g, prof, H, s)
			for tt := range want {
				if !closeTo(r[tt], want[tt], 1e-12) {
					rt.Fatalf("reach[%d][%d] = %v, naive propagation gives %v", s, tt, r[tt], want[tt])
				}
			}
		}
		if sumAbs > 1+1e-12 {
			rt.Fatalf("terminal absorption sums to %v", sumAbs)
		}
		if !closeTo(occ, float64(H), 1e-12) || !closeTo(atH, 1, 1e-12) {
			rt.Fatalf("occupancy sums to %v (horizon %d), distribution at horizon to %v", occ, H, atH)
		}
		_, vb := naiveRun(g, prof, H, -1)
		for a := range g.Actors {
			for c := range g.Components {
				if !closeTo(an.ValueBy[a][c], vb[a][c], 1e-12) {
					rt.Fatalf("value by horizon [%d][%d] = %v, naive %v", a, c, an.ValueBy[a][c], vb[a][c])
				}
				if !closeTo(it.Value[a][c], an.Value[a][c], 1e-9) {
					rt.Fatalf("value [%d][%d]: iterative %v, dense %v", a, c, it.Value[a][c], an.Value[a][c])
				}
			}
		}
	})
}

// TestValueIsLongHorizonLimit: with a long enough horizon the truncated
// value and reach approach the no-horizon value and absorption.
func TestValueIsLongHorizonLimit(t *testing.T) {
	for i := uint64(0); i < 10; i++ {
		g, prof := randomGame(rand.New(rand.NewPCG(i, 3)), 5, 2, 2, 2, true)
		an, err := Analyze(context.Background(), g, prof, 30000)
		if err != nil {
			t.Fatal(err)
		}
		for a := range g.Actors {
			for c := range g.Components {
				if !closeTo(an.ValueBy[a][c], an.Value[a][c], 1e-9) {
					t.Errorf("game %d: value by 30000 steps %v, value %v", i, an.ValueBy[a][c], an.Value[a][c])
				}
			}
		}
		for s := range g.States {
			if !closeTo(an.Reach[s][30000], an.Absorb[s], 1e-9) {
				t.Errorf("game %d: reach by 30000 steps %v, absorb %v", i, an.Reach[s][30000], an.Absorb[s])
			}
			if an.Reach[s][30000] > 1e-6 && !closeTo(an.TimeBy[s], an.Time[s], 1e-6) {
				t.Errorf("game %d state %d: time by 30000 steps %v, time %v", i, s, an.TimeBy[s], an.Time[s])
			}
		}
	}
}

// TestAgainstNaiveManyGames runs the naive comparison on many small games
// with memory-one rules (some of them for terminal states, which never
// fire), beyond what the random property test samples.
func TestAgainstNaiveManyGames(t *testing.T) {
	const H = 6
	for i := uint64(0); i < 300; i++ {
		g, prof := randomGame(rand.New(rand.NewPCG(i, 7)), 4, 2, 2, 1+int(i%2), true)
		an, err := Analyze(context.Background(), g, prof, H)
		if err != nil {
			t.Fatal(err)
		}
		for s := range g.States {
			want, _ := naiveRun(g, prof, H, s)
			for tt := range want {
				if !closeTo(an.Reach[s][tt], want[tt], 1e-12) {
					t.Fatalf("game %d: reach[%d][%d] = %v, naive propagation gives %v", i, s, tt, an.Reach[s][tt], want[tt])
				}
			}
		}
		_, vb := naiveRun(g, prof, H, -1)
		for a := range g.Actors {
			for c := range g.Components {
				if !closeTo(an.ValueBy[a][c], vb[a][c], 1e-12) {
					t.Fatalf("game %d: value by horizon [%d][%d] = %v, naive %v", i, a, c, an.ValueBy[a][c], vb[a][c])
				}
			}
		}
	}
}

// randomStage draws a timed stage of g: for about half the non-terminal
// states, another distribution over two successors and other flows for
// every joint action (nil tables elsewhere: the stationary game's).
func randomStage(r *rand.Rand, g *Game) Stage {
	nS := len(g.States)
	st := Stage{Trans: make([][][]Next, nS), Flow: make([][][]float64, nS)}
	for s := range g.States {
		if g.States[s].Terminal || r.IntN(2) == 0 {
			continue
		}
		nj := g.NumJoint(s)
		st.Trans[s] = make([][]Next, nj)
		st.Flow[s] = make([][]float64, nj)
		for j := 0; j < nj; j++ {
			// Another successor distribution over the same states.
			w := map[int]float64{r.IntN(nS): 0.2 + r.Float64(), r.IntN(nS): 0.2 + r.Float64()}
			sum := 0.0
			for _, x := range w {
				sum += x
			}
			for y := 0; y < nS; y++ {
				if x, ok := w[y]; ok {
					st.Trans[s][j] = append(st.Trans[s][j], Next{y, x / sum})
				}
			}
			f := make([]float64, len(g.Flow[s][j]))
			for i := range f {
				f[i] = 4 * (r.Float64() - 0.5)
			}
			st.Flow[s][j] = f
		}
	}
	return st
}

// clockGame adds a clock of the given length to g and prof: random
// transitions and flows at some steps for some states, random base play
// at some steps, and step masks on the rules.
func clockGame(r *rand.Rand, g *Game, prof Profile, clock int) {
	nS := len(g.States)
	g.Clock = clock
	g.Timed = make([]Stage, clock)
	for t := 0; t < clock; t++ {
		if r.IntN(3) == 0 {
			continue // this step as the stationary game
		}
		g.Timed[t] = randomStage(r, g)
	}
	for a := range prof {
		prof[a].Timed = make([][][]float64, clock)
		for t := 0; t < clock; t++ {
			if r.IntN(2) == 0 {
				continue
			}
			prof[a].Timed[t] = make([][]float64, nS)
			for s := range g.States {
				if g.States[s].Terminal || r.IntN(2) == 0 {
					continue
				}
				d := make([]float64, len(g.Avail[s][a]))
				d[r.IntN(len(d))] = 1
				prof[a].Timed[t][s] = d
			}
		}
		for i := range prof[a].Rules {
			if r.IntN(2) == 0 {
				continue
			}
			m := make([]bool, clock+1)
			for k := range m {
				m[k] = r.IntN(2) == 0
			}
			prof[a].Rules[i].Steps = m
		}
	}
}

// TestClockedAgainstNaive: on random clocked games (transitions, flows,
// base play and rules that depend on the step until the clock runs out)
// reach curves and truncated values match the naive propagation, step by
// step; absorption agrees with a long horizon; every figure from the
// initial state is the same whether or not the chain adds other starts;
// and Monte Carlo agrees within its error bars.
func TestClockedAgainstNaive(t *testing.T) {
	for i := uint64(0); i < 200; i++ {
		r := rand.New(rand.NewPCG(i, 11))
		g, prof := randomGame(r, 4, 2, 2, 1+int(i%2), i%3 != 0)
		clockGame(r, g, prof, 1+int(i%5))
		if err := g.Validate(); err != nil {
			t.Fatalf("game %d: %v", i, err)
		}
		const H = 9
		an, err := Analyze(context.Background(), g, prof, H)
		if err != nil {
			t.Fatalf("game %d: %v", i, err)
		}
		for s := range g.States {
			want, _ := naiveRun(g, prof, H, s)
			for tt := range want {
				if !closeTo(an.Reach[s][tt], want[tt], 1e-12) {
					t.Fatalf("game %d: reach[%d][%d] = %v, naive propagation gives %v", i, s, tt, an.Reach[s][tt], want[tt])
				}
			}
		}
		_, vb := naiveRun(g, prof, H, -1)
		for a := range g.Actors {
			for c := range g.Components {
				if !closeTo(an.ValueBy[a][c], vb[a][c], 1e-12) {
					t.Fatalf("game %d: value by horizon [%d][%d] = %v, naive %v", i, a, c, an.ValueBy[a][c], vb[a][c])
				}
			}
		}
		if i%20 == 0 {
			long, err := Analyze(context.Background(), g, prof, 20000)
			if err != nil {
				t.Fatal(err)
			}
			for s := range g.States {
				if g.States[s].Terminal && !closeTo(long.Reach[s][20000], an.Absorb[s], 1e-8) {
					t.Errorf("game %d: reach of ending %d by 20000 steps %v, absorb %v", i, s, long.Reach[s][20000], an.Absorb[s])
				}
			}
			for a := range g.Actors {
				if !closeTo(long.TotalBy[a], an.Total[a], 1e-8) {
					t.Errorf("game %d: value by 20000 steps %v, value %v", i, long.TotalBy[a], an.Total[a])
				}
			}
		}
	}
}
