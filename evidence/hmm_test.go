package evidence

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/scenario"
)

// smallGame is a random game on nS states (the last nTerm terminal), two
// actors with two or three actions, memory-one rules, and a random
// observation model over nE event classes: per state, or per state and
// joint action when byJoint.
func smallGame(r *rand.Rand, nS, nTerm, nE int, byJoint bool) (*markov.Game, markov.Profile, *scenario.Emission) {
	const nA = 2
	g := &markov.Game{Components: []string{"c"}}
	for a := 0; a < nA; a++ {
		g.Actors = append(g.Actors, markov.Actor{ID: string(rune('A' + a)), Discount: 0.9, Weights: []float64{1}})
		g.Actions = append(g.Actions, []string{"x", "y", "z"})
	}
	for s := 0; s < nS; s++ {
		g.States = append(g.States, markov.State{ID: string(rune('a' + s)), Terminal: s >= nS-nTerm})
	}
	g.Avail = make([][][]int, nS)
	g.Trans = make([][][]markov.Next, nS)
	g.Flow = make([][][]float64, nS)
	g.Entry = make([][]float64, nS)
	em := &scenario.Emission{ByJoint: byJoint, Of: make([][]int, nS)}
	for e := 0; e < nE; e++ {
		em.Events = append(em.Events, string(rune('p'+e)))
	}
	for s := 0; s < nS; s++ {
		if g.States[s].Terminal {
			em.Of[s] = []int{len(em.Rows)}
			em.Rows = append(em.Rows, randDist(r, nE))
			continue
		}
		g.Avail[s] = [][]int{{0, 1}, []int{0, 1, 2}[:2+r.IntN(2)]}
		nj := g.NumJoint(s)
		row := len(em.Rows)
		em.Rows = append(em.Rows, randDist(r, nE))
		for j := 0; j < nj; j++ {
			var nx []markov.Next
			for _, q := range randDist(r, nS) {
				nx = append(nx, markov.Next{State: len(nx), P: q})
			}
			nx = slices.DeleteFunc(nx, func(n markov.Next) bool { return n.P == 0 })
			g.Trans[s] = append(g.Trans[s], nx)
			g.Flow[s] = append(g.Flow[s], []float64{0, 0})
			if byJoint && j > 0 && r.IntN(2) == 0 {
				row = len(em.Rows)
				em.Rows = append(em.Rows, randDist(r, nE))
			}
			em.Of[s] = append(em.Of[s], row)
		}
	}
	prof := make(markov.Profile, nA)
	for a := 0; a < nA; a++ {
		st := markov.Strategy{Base: make([][]float64, nS)}
		for s := 0; s < nS; s++ {
			if !g.States[s].Terminal {
				st.Base[s] = randDist(r, len(g.Avail[s][a]))
			}
		}
		for i := 0; i < 1+r.IntN(2); i++ {
			s := r.IntN(nS - nTerm)
			rule := markov.Rule{State: s, After: []markov.Cond{{Actor: r.IntN(nA), Actions: []int{r.IntN(2)}}}}
			for k, q := range randDist(r, len(g.Avail[s][a])) {
				rule.Play = append(rule.Play, markov.ActionProb{Action: g.Avail[s][a][k], P: q})
			}
			st.Rules = append(st.Rules, rule)
		}
		prof[a] = st
	}
	return g, prof, em
}

func randDist(r *rand.Rand, n int) []float64 {
	d := make([]float64, n)
	sum := 0.0
	for i := range d {
		if r.IntN(4) > 0 {
			d[i] = r.Float64()
		}
		sum += d[i]
	}
	if sum == 0 {
		d[0], sum = 1, 1
	}
	for i := range d {
		d[i] /= sum
	}
	return d
}

// naivePlay reads actor a's play in state s after the previous step's
// global actions prev (nil at step 0) straight from its strategy.
func naivePlay(g *markov.Game, st markov.Strategy, a, s int, prev []int) []float64 {
	for _, r := range st.Rules {
		if r.State != s && r.State != -1 {
			continue
		}
		ok := prev != nil
		for _, c := range r.After {
			ok = ok && slices.Contains(c.Actions, prev[c.Actor])
		}
		if !ok && len(r.After) > 0 {
			continue
		}
		d := make([]float64, len(g.Avail[s][a]))
		for _, ap := range r.Play {
			d[slices.Index(g.Avail[s][a], ap.Action)] += ap.P
		}
		return d
	}
	return st.Base[s]
}

// bruteForce sums, over every history of states and joint actions up to
// step now, the probability of the history times that of the record given
// it: an enumeration of hidden paths independent of the chain's nodes.
func bruteForce(g *markov.Game, p markov.Profile, em *scenario.Emission, d *Data, now int) float64 {
	return bruteForceF(g, p, em, now, func(t, s int, row []float64) float64 {
		o := d.at(t)
		if o == nil {
			return 1
		}
		if o.state >= 0 && int(o.state) != s {
			return 0
		}
		f := 1.0
		for i, e := range o.ev {
			f *= math.Pow(row[e], o.w[i])
		}
		return f
	})
}

// bruteForceF is bruteForce with any factor per step, state and emission
// row.
func bruteForceF(g *markov.Game, p markov.Profile, em *scenario.Emission, now int, factor func(t, s int, row []float64) float64) float64 {
	var rec func(t, s int, prev []int, w float64) float64
	rec = func(t, s int, prev []int, w float64) float64 {
		if w == 0 {
			return 0
		}
		if g.States[s].Terminal {
			w *= factor(t, s, em.Rows[em.Of[s][0]])
			if t == now {
				return w
			}
			return rec(t+1, s, nil, w)
		}
		total := 0.0
		k := make([]int, len(g.Actors))
		for j := 0; j < g.NumJoint(s); j++ {
			g.Decode(s, j, k)
			pj := 1.0
			play := make([]int, len(g.Actors))
			for a := range g.Actors {
				pj *= naivePlay(g, p[a], a, s, prev)[k[a]]
				play[a] = g.Avail[s][a][k[a]]
			}
			wj := w * pj * factor(t, s, em.Rows[em.Of[s][j]])
			if t == now {
				total += wj
				continue
			}
			for _, nx := range g.Trans[s][j] {
				total += rec(t+1, nx.State, play, wj*nx.P)
			}
		}
		return total
	}
	return rec(0, g.Initial, nil, 1)
}

// randomData is a random record over steps 0..last: some steps unobserved,
// some with one or two event classes (counts 1-2, or a weight), some with
// a known state.
func randomData(r *rand.Rand, nS, nE, last int) *Data {
	d := &Data{Last: last, obs: make([]*stepObs, last+1)}
	for t := 0; t <= last; t++ {
		if r.IntN(4) == 0 && t != last {
			continue
		}
		o := &stepObs{state: -1}
		for i := 0; i < 1+r.IntN(2); i++ {
			e := int32(r.IntN(nE))
			if slices.Contains(o.ev, e) {
				continue
			}
			w := float64(1 + r.IntN(2))
			if r.IntN(5) == 0 {
				w = 0.5
			}
			o.ev, o.w = append(o.ev, e), append(o.w, w)
		}
		if r.IntN(6) == 0 {
			o.state = int32(r.IntN(nS))
		}
		d.obs[t] = o
	}
	return d
}

// TestForwardMatchesBruteForce: on random small games, with observations
// that depend on the state or on the joint action, the forward algorithm's
// log-likelihood equals the sum over every hidden path to 1e-12.
func TestForwardMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 1))
	checked, impossible := 0, 0
	for trial := 0; trial < 300; trial++ {
		nS := 2 + r.IntN(2)
		nTerm := r.IntN(2)
		byJoint := trial%2 == 1
		g, p, em := smallGame(r, nS, nTerm, 2+r.IntN(2), byJoint)
		build := markov.BuildChain
		if byJoint {
			build = markov.BuildChainOutcomes
		}
		ch, err := build(context.Background(), g, p)
		if err != nil {
			t.Fatal(err)
		}
		last := 2 + r.IntN(4)
		d := randomData(r, nS, len(em.Events), last)
		now := last + r.IntN(2)
		want := bruteForce(g, p, em, d, now)
		got := newHMM(ch, em).forward(d, now, true)
		if want == 0 {
			impossible++
			if !math.IsInf(got.LogL, -1) || got.Impossible < 0 {
				t.Fatalf("trial %d: brute force gives 0, forward %v (impossible at %d)", trial, got.LogL, got.Impossible)
			}
			continue
		}
		checked++
		if math.Abs(got.LogL-math.Log(want)) > 1e-12*math.Max(1, math.Abs(math.Log(want))) {
			t.Fatalf("trial %d (joint %v): forward log L %.17g, brute force %.17g", trial, byJoint, got.LogL, math.Log(want))
		}
		// The filtered distribution at now sums to 1 and puts weight
		// only where the record allows.
		sum := 0.0
		for x, q := range got.Now {
			sum += q
			if o := d.at(now); o != nil && o.state >= 0 && q > 0 && ch.State[x] != int(o.state) {
				t.Fatalf("trial %d: filtered weight %v on node %d outside the recorded state", trial, q, x)
			}
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Fatalf("trial %d: filtered distribution sums to %v", trial, sum)
		}
	}
	if checked < 150 || impossible == 0 {
		t.Fatalf("only %d possible and %d impossible records checked", checked, impossible)
	}
}

// TestFilteredMatchesBruteForce: the filtered probability of each state at
// now, and the predictive one at now+1, equal the ratios of brute-force
// sums with the state at that step fixed.
func TestFilteredMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 2))
	for trial := 0; trial < 100; trial++ {
		byJoint := trial%2 == 0
		g, p, em := smallGame(r, 3, 1, 2, byJoint)
		build := markov.BuildChain
		if byJoint {
			build = markov.BuildChainOutcomes
		}
		ch, err := build(context.Background(), g, p)
		if err != nil {
			t.Fatal(err)
		}
		d := randomData(r, 3, 2, 4)
		for _, o := range d.obs {
			if o != nil {
				o.state = -1
			}
		}
		h := newHMM(ch, em)
		f := h.forward(d, 4, true)
		if math.IsInf(f.LogL, -1) {
			continue
		}
		total := math.Exp(f.LogL)
		now, next := h.byState(f.Now, 3), h.byState(f.Next, 3)
		for s := 0; s < 3; s++ {
			for _, c := range []struct {
				step int
				got  float64
			}{{4, now[s]}, {5, next[s]}} {
				// Fix the state at the step and sum over paths.
				d2 := &Data{Last: c.step, obs: make([]*stepObs, c.step+1)}
				copy(d2.obs, d.obs)
				o := &stepObs{state: int32(s)}
				if old := d2.at(c.step); old != nil {
					o.ev, o.w = old.ev, old.w
				}
				d2.obs[c.step] = o
				want := bruteForce(g, p, em, d2, c.step) / total
				if math.Abs(c.got-want) > 1e-12 {
					t.Fatalf("trial %d: P(state %d at step %d | record) = %.15g, brute force %.15g", trial, s, c.step, c.got, want)
				}
			}
		}
	}
}

// TestPredictionsMatchBruteForce: the probabilities of being in a state at
// some step of the K steps after now, of being in it at the last of them,
// and of seeing an event class at least once in them, equal ratios of
// brute-force sums over hidden paths.
func TestPredictionsMatchBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 3))
	for trial := 0; trial < 60; trial++ {
		byJoint := trial%2 == 1
		g, p, em := smallGame(r, 3, 1, 2, byJoint)
		build := markov.BuildChain
		if byJoint {
			build = markov.BuildChainOutcomes
		}
		ch, err := build(context.Background(), g, p)
		if err != nil {
			t.Fatal(err)
		}
		const now, K = 2, 3
		d := randomData(r, 3, 2, now)
		for _, o := range d.obs {
			if o != nil {
				o.state = -1
			}
		}
		h := newHMM(ch, em)
		f := h.forward(d, now, true)
		if math.IsInf(f.LogL, -1) {
			continue
		}
		total := bruteForce(g, p, em, d, now)
		obs := func(tt, s int, row []float64) float64 {
			o := d.at(tt)
			if o == nil {
				return 1
			}
			v := 1.0
			for i, e := range o.ev {
				v *= math.Pow(row[e], o.w[i])
			}
			return v
		}
		at := h.byState(h.advance(f.Next, K-1), 3)
		for s := 0; s < 3; s++ {
			never := bruteForceF(g, p, em, now+K, func(tt, st int, row []float64) float64 {
				if tt > now && st == s {
					return 0
				}
				return obs(tt, st, row)
			}) / total
			if got := h.reachWithin(f.Next, s, K); math.Abs(got-(1-never)) > 1e-12 {
				t.Fatalf("trial %d: reach state %d within %d: %.15g, brute force %.15g", trial, s, K, got, 1-never)
			}
			there := bruteForceF(g, p, em, now+K, func(tt, st int, row []float64) float64 {
				if tt == now+K && st != s {
					return 0
				}
				return obs(tt, st, row)
			}) / total
			if math.Abs(at[s]-there) > 1e-12 {
				t.Fatalf("trial %d: in state %d at now+%d: %.15g, brute force %.15g", trial, s, K, at[s], there)
			}
		}
		for e := 0; e < 2; e++ {
			none := bruteForceF(g, p, em, now+K, func(tt, st int, row []float64) float64 {
				if tt > now {
					return 1 - row[e]
				}
				return obs(tt, st, row)
			}) / total
			if got := h.eventWithin(f.Next, e, K); math.Abs(got-(1-none)) > 1e-12 {
				t.Fatalf("trial %d (joint %v): event %d within %d: %.15g, brute force %.15g", trial, byJoint, e, K, got, 1-none)
			}
		}
	}
}
