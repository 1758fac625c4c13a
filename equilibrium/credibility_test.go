package equilibrium

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/truce-dev/truce/markov"
)

// mpeAudienceGame is Fearon's crisis bargaining with audience costs (as in
// examples/crises/audience-costs.yaml): the challenger C presses or backs
// down; if pressed, the defender D fights (war: D loses fight, C loses
// warC) or backs down (D's public punishes it by audience, C takes the
// prize). Sequential moves are states in which the other side waits.
func mpeAudienceGame(fight, audience, warC, prize, delta float64) *markov.Game {
	return mpeTestGame([]string{"D", "C"}, []float64{delta, delta},
		[][]string{{"wait", "fight", "back_down"}, {"press", "back_down", "wait"}},
		[]mpeTestState{
			{id: "challenge", avail: [][]int{{0}, {0, 1}},
				flow: [][]float64{{0, 0}, {0, 0}},
				next: [][]markov.Next{mpeTo(1), mpeTo(2)}},
			{id: "showdown", avail: [][]int{{1, 2}, {2}},
				flow: [][]float64{{0, 0}, {0, 0}},
				next: [][]markov.Next{mpeTo(3), mpeTo(4)}},
			{id: "status_quo", terminal: true, entry: []float64{0, 0}},
			{id: "war", terminal: true, entry: []float64{-fight, -warC}},
			{id: "d_backs_down", terminal: true, entry: []float64{-audience, prize}},
		})
}

// D's threat to fight when pressed is credible exactly when the audience
// cost of backing down is at least the cost of fighting: at the showdown
// fighting is worth δ(−fight) and backing down δ(−audience), so the
// margin is δ(audience − fight).
func TestCredibilityAudienceCostThreshold(t *testing.T) {
	const fight, delta = 1.0, 0.9
	for _, audience := range []float64{0, 0.5, 0.99, 1, 1.01, 1.5, 2} {
		t.Run(fmt.Sprintf("audience=%v", audience), func(t *testing.T) {
			g := mpeAudienceGame(fight, audience, 2, 1, delta)
			firm := markov.Strategy{Base: [][]float64{{1}, {1, 0}, nil, nil, nil}}
			yield := markov.Strategy{Base: [][]float64{{0, 1}, {1}, nil, nil, nil}}
			threats := Credibility(g, markov.Profile{firm, yield})
			var th *Threat
			for i := range threats {
				if threats[i].Actor == "D" && threats[i].State == "showdown" {
					th = &threats[i]
				}
			}
			if th == nil {
				t.Fatalf("no threat for D at the showdown in %v", threats)
			}
			wantCredible := audience >= fight
			if th.Credible != wantCredible {
				t.Fatalf("credible = %v, want %v: %s", th.Credible, wantCredible, th)
			}
			if want := delta * (audience - fight); math.Abs(th.Margin-want) > 1e-12 {
				t.Errorf("margin %g, want %g", th.Margin, want)
			}
			if want := math.Max(0, delta*(fight-audience)); math.Abs(th.Gain-want) > 1e-12 {
				t.Errorf("gain %g, want %g", th.Gain, want)
			}
			if th.PlayText != "fight" || th.BestDeviation != "back_down" {
				t.Errorf("play %q, best deviation %q", th.PlayText, th.BestDeviation)
			}
			verdict := "not credible"
			if wantCredible {
				verdict = "credible"
			}
			if !strings.Contains(th.String(), "— "+verdict) {
				t.Errorf("line %q does not say %q", th.String(), verdict)
			}
			// The MPE agrees: D fights at the showdown (and C then backs
			// down) exactly when the threat is credible.
			r, err := Solve(context.Background(), g, Options{})
			if err != nil {
				t.Fatal(err)
			}
			mpeCheckEquilibrium(t, g, r, 1e-9)
			if audience == fight {
				return // D is indifferent: fighting and backing down are both MPE play
			}
			fights := r.Strategies[0][1][0]
			if wantCredible && fights != 1 || !wantCredible && fights != 0 {
				t.Errorf("MPE: D fights with probability %g", fights)
			}
		})
	}
}

// mpeMemoryGame: in truce the US negotiates or withdraws (withdrawing costs
// it 1 now and ends talks, which costs it 2 and is worth 3 to Iran); Iran
// complies or closes Hormuz, which costs nothing by itself.
func mpeMemoryGame() *markov.Game {
	return mpeTestGame([]string{"US", "IR"}, []float64{0.9, 0.9},
		[][]string{{"negotiate", "withdraw"}, {"comply", "hormuz"}},
		[]mpeTestState{
			{id: "truce", avail: [][]int{{0, 1}, {0, 1}},
				flow: [][]float64{{0, 0}, {-1, 0}, {0, 0}, {-1, 0}},
				next: [][]markov.Next{mpeTo(0), mpeTo(1), mpeTo(0), mpeTo(1)}},
			{id: "talks_over", terminal: true, entry: []float64{-2, 3}},
		})
}

// The US threatens to withdraw after Iran closes Hormuz. Carrying it out
// costs 1 + 0.9·2 = 2.8 against negotiating on (worth 0, since Iran then
// complies for ever): not credible, gain 2.8. And the threat invites the
// move it punishes: closing Hormuz once is worth 0.9 · (0.9 · 3) = 2.43 to
// Iran against 0 for complying.
func TestCredibilityRememberedMove(t *testing.T) {
	g := mpeMemoryGame()
	us := markov.Strategy{Base: [][]float64{{1, 0}, nil},
		Rules: []markov.Rule{{State: 0, After: []markov.Cond{{Actor: 1, Actions: []int{1}}}, Play: []markov.ActionProb{{Action: 1, P: 1}}}}}
	ir := markov.Strategy{Base: [][]float64{{1, 0}, nil}}
	got := map[string]Threat{}
	for _, th := range Credibility(g, markov.Profile{us, ir}) {
		got[th.Actor+"|"+th.After+"|"+th.Context] = th
	}
	// The US's "threat" to withdraw after Hormuz in fact rewards Iran
	// (ending the talks is worth 3 to it): a promise, by its effect on
	// Iran's value against the US's base play there (0.9 · 3 = 2.7).
	want := []struct {
		key, line, kind string
		gain, effect    float64
	}{
		{"US||", "US: negotiate in truce — credible, margin 2.8", KindPlay, 0, 0},
		{"US|IR: hormuz|", "US: withdraw after IR: hormuz in truce — not credible, gain 2.8 by negotiate", KindPromise, 2.8, 2.7},
		{"IR||", "IR: comply in truce — not credible, gain 2.43 by hormuz", KindPlay, 2.43, 0},
		{"IR||IR: hormuz", "IR: comply in truce (with IR: hormuz remembered) — credible, margin 0", KindPlay, 0, 0},
	}
	if len(got) != len(want) {
		t.Errorf("got %d threats, want %d: %v", len(got), len(want), got)
	}
	for _, w := range want {
		th, ok := got[w.key]
		if !ok {
			t.Errorf("missing threat %s", w.key)
			continue
		}
		if th.String() != w.line || th.Kind != w.kind {
			t.Errorf("%s:\n got %q (%s)\nwant %q (%s)", w.key, th.String(), th.Kind, w.line, w.kind)
		}
		if math.Abs(th.Gain-w.gain) > 1e-12 || math.Abs(th.TargetEffect-w.effect) > 1e-12 {
			t.Errorf("%s: gain %.15g, effect %.15g; want %g, %g", w.key, th.Gain, th.TargetEffect, w.gain, w.effect)
		}
	}
	gain, err := OneShotGain(g, markov.Profile{us, ir})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(gain-2.8) > 1e-12 {
		t.Errorf("OneShotGain %g, want 2.8 (the largest of the threats' gains)", gain)
	}
}

// Every MPE is credible throughout: no node of its chain has a profitable
// one-shot deviation.
func TestCredibilityOfMPE(t *testing.T) {
	g := mpeRandomGame(11, 5, 2, 3, 0.9)
	r, err := Solve(context.Background(), g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mpeCheckEquilibrium(t, g, r, 1e-9)
	threats := Credibility(g, r.Profile(g))
	if len(threats) != 2*5 {
		t.Fatalf("%d threats, want one per actor and state (10)", len(threats))
	}
	for _, th := range threats {
		if !th.Credible {
			t.Errorf("MPE play not credible: %s", th)
		}
	}
}

func TestCredibilityBadProfile(t *testing.T) {
	g := mpeMemoryGame()
	bad := markov.Strategy{Base: [][]float64{{1, 0}, nil},
		Rules: []markov.Rule{{State: 0, After: []markov.Cond{{Actor: 5, Actions: []int{1}}}, Play: []markov.ActionProb{{Action: 1, P: 1}}}}}
	ok := markov.Strategy{Base: [][]float64{{1, 0}, nil}}
	if th := Credibility(g, markov.Profile{bad, ok}); th != nil {
		t.Fatalf("threats for a profile naming actor 5: %v", th)
	}
	if _, err := OneShotGain(g, markov.Profile{bad, ok}); err == nil {
		t.Fatal("no error for a rule on actor 5")
	}
}

func ExampleCredibility() {
	g := mpeAudienceGame(1, 1.5, 2, 1, 0.9) // audience cost 1.5 > fighting cost 1
	firm := markov.Strategy{Base: [][]float64{{1}, {1, 0}, nil, nil, nil}}
	yield := markov.Strategy{Base: [][]float64{{0, 1}, {1}, nil, nil, nil}}
	for _, th := range Credibility(g, markov.Profile{firm, yield}) {
		fmt.Println(th)
	}
	// Output:
	// D: fight in showdown — credible, margin 0.45
	// C: back_down in challenge — credible, margin 1.62
}

func ExampleSolve() {
	g := mpeWarOfAttrition(1, 5, 5, 0.9) // cost 1 a step, prize 5, δ = 0.9
	r, err := Solve(context.Background(), g, Options{Method: "homotopy"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("converged %v, quit with probability %.6f (c/(δV+c) = %.6f)\n",
		r.Converged, r.Strategies[0][0][1], 1/(0.9*5+1))
	// Output:
	// converged true, quit with probability 0.181818 (c/(δV+c) = 0.181818)
}

// #12: a planted threat is reported as a threat, apart from ordinary play;
// a mix of actions that are all best responses is credible whatever its
// weights; an analyst's 0.8/0.2 mix whose minor action is not a best
// response is not, and the report says which action loses how much.
//
// In mpeMemoryGame with Iran paying 3 when the talks end (entry −3 for IR,
// instead of +3), the US's withdrawal after Hormuz hurts Iran: a threat.
// The US's base play mixes negotiate and withdraw, whose values differ;
// Iran's play at the start mixes comply and hormuz, which are equally good
// for it against a US that always negotiates.
func TestCredibilityKinds(t *testing.T) {
	g := mpeMemoryGame()
	g.Entry[1] = []float64{-2, -3}
	threat := markov.Rule{State: 0, After: []markov.Cond{{Actor: 1, Actions: []int{1}}}, Play: []markov.ActionProb{{Action: 1, P: 1}}}
	us := markov.Strategy{Base: [][]float64{{0.8, 0.2}, nil}, Rules: []markov.Rule{threat}}
	ir := markov.Strategy{Base: [][]float64{{1, 0}, nil}}
	ths, err := Assess(context.Background(), g, markov.Profile{us, ir})
	if err != nil {
		t.Fatal(err)
	}
	var sawThreat, sawMix bool
	for _, th := range ths {
		switch {
		case th.Actor == "US" && th.After == "IR: hormuz":
			sawThreat = true
			if th.Kind != KindThreat || th.Target != "IR" || !(th.TargetEffect < 0) {
				t.Errorf("withdraw after Hormuz: kind %s, target %s, effect %g", th.Kind, th.Target, th.TargetEffect)
			}
		case th.Actor == "US" && th.After == "":
			sawMix = true
			// The value of the truce under the mix solves
			// V = 0.8·0.9V + 0.2·(−1 − 0.9·2), so V = −2: negotiating
			// once is worth 0.9V = −1.8, withdrawing −2.8, so withdraw
			// loses 1 and the mix is not credible, per action.
			if th.Kind != KindPlay || th.Credible || len(th.Support) != 2 || th.Support[0].Shortfall != 0 ||
				math.Abs(th.Support[1].Shortfall-1) > 1e-12 || math.Abs(th.Margin+1) > 1e-12 {
				t.Errorf("US base mix: %+v", th)
			}
			if !strings.Contains(th.String(), "withdraw loses 1 against negotiate") {
				t.Errorf("line %q", th.String())
			}
		}
	}
	if !sawThreat || !sawMix {
		t.Fatalf("threat seen %v, mix seen %v in %v", sawThreat, sawMix, ths)
	}
	// Iran indifferent between comply and hormuz (the US never reacts):
	// any mix of the two is credible, with margin 0 (nothing outside it).
	soft := markov.Strategy{Base: [][]float64{{1, 0}, nil}}
	mix := markov.Strategy{Base: [][]float64{{0.3, 0.7}, nil}}
	ths, err = Assess(context.Background(), g, markov.Profile{soft, mix})
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range ths {
		if th.Actor == "IR" && (!th.Credible || th.Margin != 0 || th.Gain > 1e-12) {
			t.Errorf("Iran's indifferent mix: %s", th)
		}
	}
}
