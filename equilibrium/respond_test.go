package equilibrium

import (
	"context"
	"math"
	"testing"

	"github.com/truce-dev/truce/markov"
	"pgregory.net/rapid"
)

// drawStrategy draws actor a's strategy on g: random base play, and with
// rules a few memory-one overrides conditioned on another actor's move.
func drawStrategy(t *rapid.T, g *markov.Game, a int, rules bool) markov.Strategy {
	st := markov.Strategy{Base: make([][]float64, len(g.States))}
	w := rapid.IntRange(0, 4)
	for s, gs := range g.States {
		if gs.Terminal {
			continue
		}
		k := len(g.Avail[s][a])
		p := make([]float64, k)
		tot := 0.0
		for i := range p {
			p[i] = float64(w.Draw(t, "w"))
			tot += p[i]
		}
		if tot == 0 {
			p[0], tot = 1, 1
		}
		for i := range p {
			p[i] /= tot
		}
		st.Base[s] = p
	}
	if !rules {
		return st
	}
	for range rapid.IntRange(0, 2).Draw(t, "rules") {
		s := rapid.IntRange(-1, len(g.States)-2).Draw(t, "rule state") // the last state is terminal
		b := rapid.IntRange(0, len(g.Actors)-1).Draw(t, "cond actor")
		x := rapid.IntRange(0, len(g.Actions[b])-1).Draw(t, "cond action")
		// play the first action available wherever the rule applies
		act := g.Avail[0][a][0]
		if s >= 0 {
			act = g.Avail[s][a][rapid.IntRange(0, len(g.Avail[s][a])-1).Draw(t, "play")]
		}
		st.Rules = append(st.Rules, markov.Rule{State: s, After: []markov.Cond{{Actor: b, Actions: []int{x}}},
			Play: []markov.ActionProb{{Action: act, P: 1}}})
	}
	return st
}

// pureStrategies lists every pure memoryless strategy of actor a.
func pureStrategies(g *markov.Game, a int) []markov.Strategy {
	out := []markov.Strategy{{Base: make([][]float64, len(g.States))}}
	for s, gs := range g.States {
		if gs.Terminal {
			continue
		}
		var next []markov.Strategy
		for _, st := range out {
			for k := range g.Avail[s][a] {
				base := make([][]float64, len(g.States))
				copy(base, st.Base)
				base[s] = make([]float64, len(g.Avail[s][a]))
				base[s][k] = 1
				next = append(next, markov.Strategy{Base: base})
			}
		}
		out = next
	}
	return out
}

// valueOf is actor a's discounted value of profile p by package markov's
// exact analysis, which shares no code with the best response.
func valueOf(t interface{ Fatalf(string, ...any) }, g *markov.Game, p markov.Profile, a int) float64 {
	an, err := markov.Analyze(context.Background(), g, p, 1)
	if err != nil {
		t.Fatalf("analyze: %v", err)
	}
	return an.Total[a]
}

// The best response to memoryless strategies is the best of the
// responder's pure stationary policies, found here by brute force and
// evaluated by package markov. Against memory-one strategies it is at
// least as good as every one of them, and its value, recomputed by
// package markov from the memory-one strategy it returns, is the one it
// reports. Every best response satisfies the Bellman equation and agrees
// with value iteration.
func TestBestResponseBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := mpeDrawGame(t, false)
		a := rapid.IntRange(0, len(g.Actors)-1).Draw(t, "responder")
		memory := rapid.Bool().Draw(t, "memory")
		p := make(markov.Profile, len(g.Actors))
		for b := range p {
			p[b] = drawStrategy(t, g, b, memory && b != a)
		}
		r, err := BestResponse(context.Background(), g, p, a)
		if err != nil {
			t.Fatal(err)
		}
		scale := 0.0
		for _, q := range r.Nodes {
			for _, v := range q.Q {
				scale = math.Max(scale, math.Abs(v))
			}
		}
		tol := 1e-9 * (1 + scale)
		if r.BellmanResidual > tol || r.ValueIterationGap > 1e-7*(1+scale) {
			t.Fatalf("Bellman residual %g, value-iteration gap %g", r.BellmanResidual, r.ValueIterationGap)
		}
		best := math.Inf(-1)
		for _, st := range pureStrategies(g, a) {
			q := append(markov.Profile(nil), p...)
			q[a] = st
			best = math.Max(best, valueOf(t, g, q, a))
		}
		if r.Value < best-tol {
			t.Fatalf("best response worth %.12g, a pure stationary policy %.12g", r.Value, best)
		}
		if !memory && r.Value > best+tol {
			t.Fatalf("against memoryless play the best response is worth %.12g, more than the best pure policy %.12g", r.Value, best)
		}
		q := append(markov.Profile(nil), p...)
		q[a] = r.Strategy()
		if v := valueOf(t, g, q, a); math.Abs(v-r.Value) > tol {
			t.Fatalf("the best response as a strategy is worth %.12g by package markov, %.12g by the MDP", v, r.Value)
		}
		own := valueOf(t, g, p, a)
		if math.Abs(own-r.ProfileValue) > tol || math.Abs(r.Gain-math.Max(0, r.Value-own)) > tol {
			t.Fatalf("profile value %.12g (markov %.12g), gain %.12g", r.ProfileValue, own, r.Gain)
		}
	})
}

// At a Markov-perfect equilibrium nobody gains by responding differently;
// away from it, the gain of the best response is at least the one-shot
// deviation gain at the start (a one-shot deviation is one policy).
func TestBestResponseAtEquilibrium(t *testing.T) {
	g := mpeWarOfAttrition(1, 5, 5, 0.9)
	r, err := Solve(context.Background(), g, Options{})
	if err != nil || !r.Converged {
		t.Fatalf("%v %+v", err, r)
	}
	for a := range g.Actors {
		br, err := BestResponse(context.Background(), g, r.Profile(g), a)
		if err != nil {
			t.Fatal(err)
		}
		if br.Gain > 1e-9 {
			t.Errorf("actor %d gains %g against the MPE", a, br.Gain)
		}
		for _, n := range br.Nodes {
			if n.Changes {
				t.Errorf("actor %d changes its MPE play in %s", a, n.Label())
			}
		}
		moves, loss, err := Responds(context.Background(), g, r.Profile(g), r.Profile(g), a)
		if err != nil || moves || loss > 1e-9 {
			t.Errorf("responds to itself: %v, loss %g, %v", moves, loss, err)
		}
	}
	// Both always stay: quitting at once is worth c/(1−δ) = 10 more.
	stay := markov.Strategy{Base: [][]float64{{1, 0}, nil, nil, nil}}
	br, err := BestResponse(context.Background(), g, markov.Profile{stay, stay}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(br.Gain-10) > 1e-9 || br.Nodes[br.Init].Policy[1] != 1 || !br.Nodes[br.Init].Changes {
		t.Fatalf("gain %g, policy %v", br.Gain, br.Nodes[br.Init].Policy)
	}
}

// The US's threat to withdraw after Iran closes Hormuz (see
// TestCredibilityRememberedMove, here with the end of the talks costing
// Iran 3). Against a US that always negotiates Iran is indifferent
// (closing Hormuz costs nothing and changes nothing); against the threat,
// closing Hormuz once ends the talks, which costs Iran 0.9·3, so it
// complies. Ties do not count as a move: complying is already a best
// response to the soft US, so the threat does not force Iran to move.
// With a symbolic gain of 0.5 a step for closing Hormuz, Iran strictly
// prefers Hormuz against the soft US, and the threat moves it: the US
// withdraws the step after Hormuz, so closing it is worth
// 0.5 + 0.9·(0.5 − 0.9·3) = −1.48 against 0 for complying.
func TestRespondsToThreat(t *testing.T) {
	g := mpeMemoryGame()
	g.Entry[1] = []float64{-2, -3}
	soft := markov.Strategy{Base: [][]float64{{1, 0}, nil}}
	threat := markov.Strategy{Base: [][]float64{{1, 0}, nil},
		Rules: []markov.Rule{{State: 0, After: []markov.Cond{{Actor: 1, Actions: []int{1}}}, Play: []markov.ActionProb{{Action: 1, P: 1}}}}}
	for _, irPlay := range [][]float64{{1, 0}, {0, 1}} { // Iran's own play must not matter
		ir := markov.Strategy{Base: [][]float64{irPlay, nil}}
		ctx := context.Background()
		rs, err := BestResponse(ctx, g, markov.Profile{soft, ir}, 1)
		if err != nil {
			t.Fatal(err)
		}
		if rs.Gain > 1e-12 || rs.Value != 0 {
			t.Fatalf("against a soft US: value %g, gain %g", rs.Value, rs.Gain)
		}
		rt, err := BestResponse(ctx, g, markov.Profile{threat, ir}, 1)
		if err != nil {
			t.Fatal(err)
		}
		if rt.Value != 0 || rt.Nodes[rt.Init].Policy[0] != 1 {
			t.Fatalf("against the threat: value %g, policy %v; want 0 by complying", rt.Value, rt.Nodes[rt.Init].Policy)
		}
		for _, pair := range [][2]markov.Strategy{{soft, threat}, {threat, soft}} {
			moves, loss, err := Responds(ctx, g, markov.Profile{pair[0], ir}, markov.Profile{pair[1], ir}, 1)
			if err != nil {
				t.Fatal(err)
			}
			if moves || loss > 1e-12 {
				t.Errorf("indifferent Iran moves %v (loss %g)", moves, loss)
			}
		}
	}
	// Closing Hormuz now pays Iran 0.5 a step.
	for j := range g.Flow[0] {
		if j >= 2 { // Iran's action is hormuz in joint actions 2 and 3
			g.Flow[0][j][1] = 0.5
		}
	}
	ir := markov.Strategy{Base: [][]float64{{1, 0}, nil}}
	ctx := context.Background()
	for _, pair := range [][2]markov.Strategy{{soft, threat}, {threat, soft}} {
		moves, loss, err := Responds(ctx, g, markov.Profile{pair[0], ir}, markov.Profile{pair[1], ir}, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !moves || loss <= 0 {
			t.Errorf("moves %v (loss %g), want true", moves, loss)
		}
	}
	// soft -> threat: keeping to Hormuz under the threat is worth −1.48
	// against 0 for complying.
	if _, loss, _ := Responds(ctx, g, markov.Profile{soft, ir}, markov.Profile{threat, ir}, 1); math.Abs(loss-1.48) > 1e-12 {
		t.Errorf("loss %g, want 1.48", loss)
	}
}
