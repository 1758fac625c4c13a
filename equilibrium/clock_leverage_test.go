package equilibrium

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/truce-dev/truce/markov"
	"pgregory.net/rapid"
)

// deadlineLeverageGame is a deadline game whose best responses are solved
// by hand. One state, talks; the US waits or strikes, Iran holds or
// concedes. Conceding ends the talks in a deal (entered next step: Iran 2,
// US 5). Holding pays Iran 1 a step; if the US strikes while Iran holds,
// the US pays 1 and the talks end in war with probability 1/2 (entered
// next step: Iran -10, US -4). Before the deadline (steps 0 and 1, clock
// 2) conceding also pays Iran 0.5 at once (an early-deal bonus). Both
// discount by 0.9.
func deadlineLeverageGame() *markov.Game {
	g := mpeTestGame([]string{"US", "IR"}, []float64{0.9, 0.9}, [][]string{{"wait", "strike"}, {"hold", "concede"}},
		[]mpeTestState{
			{id: "talks", avail: [][]int{{0, 1}, {0, 1}},
				// joint j = us + 2·ir
				flow: [][]float64{{0, 1}, {-1, 1}, {0, 0}, {0, 0}},
				next: [][]markov.Next{mpeTo(0), {{State: 0, P: 0.5}, {State: 2, P: 0.5}}, mpeTo(1), mpeTo(1)}},
			{id: "deal", terminal: true, entry: []float64{5, 2}},
			{id: "war", terminal: true, entry: []float64{-4, -10}},
		})
	g.Clock = 2
	g.Timed = make([]markov.Stage, 2)
	for t := range g.Timed {
		g.Timed[t].Flow = [][][]float64{{{0, 1}, {-1, 1}, {0, 0.5}, {0, 0.5}}, nil, nil}
	}
	return g
}

// usPlays is the US strategy that waits or strikes (1 = strike) at steps
// 0, 1 and from step 2 on; iranHolds is Iran's strategy of always holding.
func usPlays(at0, at1, after float64) markov.Strategy {
	d := func(x float64) [][]float64 { return [][]float64{{1 - x, x}, nil, nil} }
	return markov.Strategy{Base: d(after), Timed: [][][]float64{d(at0), d(at1)}}
}

var iranHolds = markov.Strategy{Base: [][]float64{{1, 0}, nil, nil}}

// TestBestResponseDeadlineClosedForm: against a US that waits until the
// deadline and strikes from then on, Iran's best response is non-stationary.
// From step 2 on, holding for ever is worth (1 + 0.9·0.5·(−10))/(1 − 0.45)
// = −6.3636 and conceding 0.9·2 = 1.8, so V₂ = 1.8 (concede). At step 1
// holding is worth 1 + 0.9·1.8 = 2.62 against conceding's 0.5 + 1.8 = 2.3,
// so Iran holds (V₁ = 2.62); at step 0 holding gives 1 + 0.9·2.62 = 3.358.
// Holding throughout is worth 1 + 0.9·(1 + 0.9·(−6.3636)) = −3.2545.
func TestBestResponseDeadlineClosedForm(t *testing.T) {
	g := deadlineLeverageGame()
	p := markov.Profile{usPlays(0, 0, 1), iranHolds}
	r, err := BestResponse(context.Background(), g, p, 1)
	if err != nil {
		t.Fatal(err)
	}
	hold := (1 + 0.9*0.5*-10) / (1 - 0.45)
	want := map[int]struct {
		v    float64
		play int
	}{0: {1 + 0.9*(1+0.9*1.8), 0}, 1: {1 + 0.9*1.8, 0}, 2: {1.8, 1}}
	if r.Clock != 2 || len(r.Nodes) != 3 {
		t.Fatalf("clock %d, %d nodes, want 2 and one per step", r.Clock, len(r.Nodes))
	}
	for _, n := range r.Nodes {
		w := want[n.Step]
		if math.Abs(n.Value-w.v) > 1e-12 || n.Policy[w.play] != 1 {
			t.Errorf("step %d: value %v policy %v, want %v playing %d", n.Step, n.Value, n.Policy, w.v, w.play)
		}
		if n.Changes != (n.Step == 2) {
			t.Errorf("step %d: changes %v", n.Step, n.Changes)
		}
	}
	if got := r.Nodes[r.Init]; got.Step != 0 || math.Abs(r.Value-3.358) > 1e-12 {
		t.Errorf("value from the start %v (step %d), want 3.358", r.Value, got.Step)
	}
	if pv := 1 + 0.9*(1+0.9*hold); math.Abs(r.ProfileValue-pv) > 1e-12 || math.Abs(r.Gain-(3.358-pv)) > 1e-12 {
		t.Errorf("profile value %v gain %v, want %v and %v", r.ProfileValue, r.Gain, pv, 3.358-pv)
	}
	if r.BellmanResidual > 1e-12 || r.ValueIterationGap > 1e-9 {
		t.Errorf("certificate: residual %g, value-iteration gap %g", r.BellmanResidual, r.ValueIterationGap)
	}
	// The response as a strategy, analysed by package markov, is worth
	// what it says.
	q := markov.Profile{p[0], r.Strategy()}
	if v := valueOf(t, g, q, 1); math.Abs(v-r.Value) > 1e-9 {
		t.Errorf("the returned strategy is worth %v, the response says %v", v, r.Value)
	}

	// Against a US that never strikes Iran holds throughout (worth 10 at
	// every step): the deadline profile moves it, since holding after the
	// deadline loses 1.8 + 6.3636 there.
	patient := markov.Profile{usPlays(0, 0, 0), iranHolds}
	moves, loss, err := Responds(context.Background(), g, patient, p, 1)
	if err != nil {
		t.Fatal(err)
	}
	if wantLoss := 3.358 - (1 + 0.9*(1+0.9*hold)); !moves || math.Abs(loss-wantLoss) > 1e-9 {
		t.Errorf("responds: %v, loss %v; want true, %v", moves, loss, wantLoss)
	}
	// A US that strikes only at step 1 moves Iran too (it concedes at
	// step 1: holding there is worth 1 + 0.9·(0.5·10 − 5) = 1 < 2.3).
	if moves, _, err := Responds(context.Background(), g, patient, markov.Profile{usPlays(0, 1, 0), iranHolds}, 1); err != nil || !moves {
		t.Errorf("strike at step 1: responds %v, %v", moves, err)
	}
	// The same profile twice changes nothing.
	if moves, loss, err := Responds(context.Background(), g, p, markov.Profile{usPlays(0, 0, 1), iranHolds}, 1); err != nil || moves || loss > 1e-12 {
		t.Errorf("same profile: responds %v, loss %v, %v", moves, loss, err)
	}
}

// TestCommitDeadlineClosedForm: the US can do no better than a deal
// entered at step 1, worth 0.9·5 = 4.5 (every other flow of the US is ≤ 0).
// Committing to strike makes Iran concede at once (holding at step 0 is
// worth 1 + 0.9·(0.5·V₁ − 5) with V₁ = 2.3, i.e. −2.465 < 2.3), so the
// optimal commitment is worth exactly 4.5 to the US and 2.3 to Iran.
func TestCommitDeadlineClosedForm(t *testing.T) {
	g := deadlineLeverageGame()
	c, err := Commit(context.Background(), g, 0, 1, CommitOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(c.LeaderValue-4.5) > 1e-9 || math.Abs(c.FollowerValue-2.3) > 1e-9 {
		t.Errorf("commitment worth %v to the US and %v to Iran, want 4.5 and 2.3 (%s)", c.LeaderValue, c.FollowerValue, c.Method)
	}
	if c.Exact {
		t.Errorf("a clocked game's commitment is a search, not an exact optimum")
	}
	if len(c.Timed) != 2 {
		t.Errorf("commitment has play for %d steps before the clock runs out, want 2", len(c.Timed))
	}
	// Equilibrium: the value of commitment is measured against it.
	eq, err := Solve(context.Background(), g, Options{})
	if err != nil || !eq.Converged {
		t.Fatalf("solve: %v %v", err, eq)
	}
	c, err = Commit(context.Background(), g, 0, 1, CommitOptions{Seed: 1, Equilibrium: eq})
	if err != nil {
		t.Fatal(err)
	}
	if want := 4.5 - eq.TimedValues[0][0][0]; math.Abs(c.ValueOfCommitment-want) > 1e-9 {
		t.Errorf("value of commitment %v, want %v (equilibrium value %v)", c.ValueOfCommitment, want, eq.TimedValues[0][0][0])
	}
}

// TestClockedEquilibriumCertified: the one-shot deviation check accepts
// the equilibrium found by backward induction over the clock (it shares no
// code with it), and credibility calls every play of it credible.
func TestClockedEquilibriumCertified(t *testing.T) {
	g := deadlineLeverageGame()
	eq, err := Solve(context.Background(), g, Options{})
	if err != nil || !eq.Converged {
		t.Fatalf("solve: %v %v", err, eq)
	}
	gain, err := OneShotGain(g, eq.Profile(g))
	if err != nil || gain > 1e-9 {
		t.Fatalf("one-shot gain %v, %v", gain, err)
	}
	ths, err := Assess(context.Background(), g, eq.Profile(g))
	if err != nil {
		t.Fatal(err)
	}
	steps := map[int]bool{}
	for _, th := range ths {
		steps[th.Step] = true
		if !th.Credible || !strings.Contains(th.String(), "at step") {
			t.Errorf("%s", th)
		}
	}
	if len(steps) != 3 {
		t.Errorf("decision points at steps %v, want 0, 1 and ≥ 2", steps)
	}
	// Striking from the deadline on is a threat the US would not carry
	// out (it costs it 1 and risks war for nothing it values).
	ths, err = Assess(context.Background(), g, markov.Profile{usPlays(0, 0, 1), iranHolds})
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range ths {
		if th.Actor == "US" && th.Step == 2 && th.Credible {
			t.Errorf("striking at the deadline should not be credible: %s", th)
		}
	}
}

// TestClockedLeverageBadInput: a strategy whose timed play or step masks
// do not fit the clock is refused with a message, not a panic.
func TestClockedLeverageBadInput(t *testing.T) {
	g := deadlineLeverageGame()
	bad := usPlays(0, 0, 1)
	bad.Timed = bad.Timed[:1]
	if _, err := BestResponse(context.Background(), g, markov.Profile{bad, iranHolds}, 1); err == nil || !strings.Contains(err.Error(), "want the clock's 2") {
		t.Errorf("short timed play: %v", err)
	}
	mask := usPlays(0, 0, 1)
	mask.Rules = []markov.Rule{{State: 0, Steps: []bool{true}, Play: []markov.ActionProb{{Action: 0, P: 1}}}}
	if _, err := BestResponse(context.Background(), g, markov.Profile{mask, iranHolds}, 1); err == nil || !strings.Contains(err.Error(), "step mask") {
		t.Errorf("bad step mask: %v", err)
	}
	und := deadlineLeverageGame()
	und.Actors[1].Discount = 1
	if _, err := BestResponse(context.Background(), und, markov.Profile{usPlays(0, 0, 1), iranHolds}, 1); err == nil || !strings.Contains(err.Error(), "undiscounted") {
		t.Errorf("undiscounted: %v", err)
	}
}

// unrollClock writes a clocked game out as a stationary one whose states
// are (state, step) for the steps before the clock runs out and the
// states themselves from then on ("talks@0", "talks@1", "talks"), and a
// profile of it likewise: the timed play becomes the base play of the
// step's states, a rule limited to some steps one rule per state and step.
// It shares no code with the engine's backward induction.
func unrollClock(g *markov.Game, ps ...markov.Profile) (*markov.Game, []markov.Profile, func(s, ph int) int) {
	C, nS := g.Clock, len(g.States)
	id := func(s, ph int) int { // unrolled index; terminal states are not copied
		if ph >= C || g.States[s].Terminal {
			return C*nS + s
		}
		return ph*nS + s
	}
	N := (C + 1) * nS
	u := &markov.Game{Actors: g.Actors, Components: g.Components, Actions: g.Actions,
		States: make([]markov.State, N), Avail: make([][][]int, N), Trans: make([][][]markov.Next, N),
		Flow: make([][][]float64, N), Entry: make([][]float64, N), Initial: id(g.Initial, 0)}
	for ph := 0; ph <= C; ph++ {
		for s, st := range g.States {
			x := ph*nS + s
			u.States[x] = markov.State{ID: fmt.Sprintf("%s@%d", st.ID, ph), Terminal: st.Terminal}
			if ph == C {
				u.States[x].ID = st.ID
			}
			if st.Terminal {
				// copies before the clock are never entered: terminal too
				u.Entry[x] = g.Entry[s]
				continue
			}
			u.Avail[x] = g.Avail[s]
			u.Flow[x] = g.FlowAt(ph, s)
			for _, tr := range g.TransAt(ph, s) {
				var nx []markov.Next
				for _, t := range tr {
					nx = append(nx, markov.Next{State: id(t.State, ph+1), P: t.P})
				}
				u.Trans[x] = append(u.Trans[x], nx)
			}
		}
	}
	var out []markov.Profile
	for _, p := range ps {
		q := make(markov.Profile, len(p))
		for a, st := range p {
			base := make([][]float64, N)
			for ph := 0; ph <= C; ph++ {
				for s := range g.States {
					b := st.Base[s]
					if ph < C && len(st.Timed) > 0 && st.Timed[ph] != nil && st.Timed[ph][s] != nil {
						b = st.Timed[ph][s]
					}
					base[ph*nS+s] = b
				}
			}
			q[a] = markov.Strategy{Base: base}
			for _, r := range st.Rules {
				if r.State == -1 && r.Steps == nil {
					q[a].Rules = append(q[a].Rules, markov.Rule{State: -1, After: r.After, Play: r.Play})
					continue
				}
				for ph := 0; ph <= C; ph++ {
					if r.Steps != nil && !r.Steps[ph] {
						continue
					}
					for s, gs := range g.States {
						if gs.Terminal || (r.State != -1 && r.State != s) {
							continue
						}
						q[a].Rules = append(q[a].Rules, markov.Rule{State: ph*nS + s, After: r.After, Play: r.Play})
					}
				}
			}
		}
		out = append(out, q)
	}
	return u, out, id
}

// drawClock gives g a clock of 1 to 3 steps whose stages redraw the flows
// and transitions of some states.
func drawClock(t *rapid.T, g *markov.Game) {
	C := rapid.IntRange(1, 3).Draw(t, "clock")
	g.Clock = C
	g.Timed = make([]markov.Stage, C)
	pay := rapid.IntRange(-3, 3)
	nA := len(g.Actors)
	for ph := range g.Timed {
		for s, st := range g.States {
			if st.Terminal || !rapid.Bool().Draw(t, "timed") {
				continue
			}
			if g.Timed[ph].Flow == nil {
				g.Timed[ph].Flow = make([][][]float64, len(g.States))
				g.Timed[ph].Trans = make([][][]markov.Next, len(g.States))
			}
			nj := g.NumJoint(s)
			g.Timed[ph].Flow[s] = make([][]float64, nj)
			g.Timed[ph].Trans[s] = make([][]markov.Next, nj)
			for j := 0; j < nj; j++ {
				g.Timed[ph].Flow[s][j] = make([]float64, nA)
				for a := range nA {
					g.Timed[ph].Flow[s][j][a] = float64(pay.Draw(t, "timed flow"))
				}
				g.Timed[ph].Trans[s][j] = []markov.Next{{State: rapid.IntRange(0, len(g.States)-1).Draw(t, "timed to"), P: 1}}
			}
		}
	}
}

// drawTimed adds timed play and step-limited rules to strategy st of
// actor a.
func drawTimed(t *rapid.T, g *markov.Game, a int, st *markov.Strategy) {
	st.Timed = make([][][]float64, g.Clock)
	for ph := range st.Timed {
		if !rapid.Bool().Draw(t, "timed play") {
			continue
		}
		st.Timed[ph] = make([][]float64, len(g.States))
		for s, gs := range g.States {
			if gs.Terminal {
				continue
			}
			k := len(g.Avail[s][a])
			st.Timed[ph][s] = make([]float64, k)
			st.Timed[ph][s][rapid.IntRange(0, k-1).Draw(t, "timed action")] = 1
		}
	}
	for i := range st.Rules {
		if rapid.Bool().Draw(t, "mask") {
			st.Rules[i].Steps = make([]bool, g.Clock+1)
			for ph := range st.Rules[i].Steps {
				st.Rules[i].Steps[ph] = rapid.Bool().Draw(t, "step")
			}
		}
	}
}

// nodeName keys a decision point the same way in a clocked game and its
// unrolled form.
func nodeName(stateID string, step, clock int, after string) string {
	if clock > 0 && step < clock {
		stateID = fmt.Sprintf("%s@%d", stateID, step)
	}
	return stateID + "|" + after
}

// A clocked game and the same game unrolled into (state, step) states
// with no clock give the same best responses (value, profile value and
// play at every decision point), the same responds verdicts, the same
// credibility verdicts and margins, and the same values of a timed
// commitment with the follower's tie-broken best response.
func TestClockedLeverageEqualsUnrolled(t *testing.T) {
	ctx := context.Background()
	rapid.Check(t, func(t *rapid.T) {
		g := mpeDrawGame(t, false)
		drawClock(t, g)
		nA := len(g.Actors)
		a := rapid.IntRange(0, nA-1).Draw(t, "responder")
		var ps []markov.Profile
		for range 2 {
			p := make(markov.Profile, nA)
			for b := range p {
				p[b] = drawStrategy(t, g, b, b != a)
				drawTimed(t, g, b, &p[b])
			}
			ps = append(ps, p)
		}
		u, us, _ := unrollClock(g, ps...)
		const tol = 1e-9
		close := func(x, y float64) bool { return math.Abs(x-y) <= tol*(1+math.Abs(x)) }

		r, err := BestResponse(ctx, g, ps[0], a)
		if err != nil {
			t.Fatal(err)
		}
		ru, err := BestResponse(ctx, u, us[0], a)
		if err != nil {
			t.Fatal(err)
		}
		if !close(r.Value, ru.Value) || !close(r.ProfileValue, ru.ProfileValue) || !close(r.Gain, ru.Gain) {
			t.Fatalf("value %v / %v, profile value %v / %v, gain %v / %v", r.Value, ru.Value, r.ProfileValue, ru.ProfileValue, r.Gain, ru.Gain)
		}
		if r.BellmanResidual > tol || r.ValueIterationGap > 1e-7 {
			t.Fatalf("certificate: residual %g, value-iteration gap %g", r.BellmanResidual, r.ValueIterationGap)
		}
		un := map[string]ResponseNode{}
		for _, n := range ru.Nodes {
			un[nodeName(n.StateID, 0, 0, n.After)] = n
		}
		for _, n := range r.Nodes {
			m, ok := un[nodeName(n.StateID, n.Step, g.Clock, n.After)]
			if !ok {
				t.Fatalf("decision point %s at step %d missing from the unrolled game", n.Label(), n.Step)
			}
			if !close(n.Value, m.Value) || n.Changes != m.Changes {
				t.Fatalf("%s at step %d: value %v / %v, changes %v / %v", n.Label(), n.Step, n.Value, m.Value, n.Changes, m.Changes)
			}
			for k := range n.Q {
				if !close(n.Q[k], m.Q[k]) {
					t.Fatalf("%s at step %d: Q %v / %v", n.Label(), n.Step, n.Q, m.Q)
				}
			}
		}
		// The best response, as a strategy, is worth its value by package
		// markov's exact analysis of the clocked chain.
		q := append(markov.Profile(nil), ps[0]...)
		q[a] = r.Strategy()
		if v := valueOf(t, g, q, a); math.Abs(v-r.Value) > 1e-7*(1+math.Abs(v)) {
			t.Fatalf("the returned strategy is worth %v, the response says %v", v, r.Value)
		}

		moves, loss, err := Responds(ctx, g, ps[0], ps[1], a)
		if err != nil {
			t.Fatal(err)
		}
		movesU, lossU, err := Responds(ctx, u, us[0], us[1], a)
		if err != nil {
			t.Fatal(err)
		}
		if moves != movesU || !close(loss, lossU) {
			t.Fatalf("responds %v (loss %v) / %v (loss %v)", moves, loss, movesU, lossU)
		}

		ths, err := Assess(ctx, g, ps[1])
		if err != nil {
			t.Fatal(err)
		}
		thsU, err := Assess(ctx, u, us[1])
		if err != nil {
			t.Fatal(err)
		}
		tu := map[string]Threat{}
		for _, th := range thsU {
			tu[th.Actor+":"+nodeName(th.State, 0, 0, th.After+"/"+th.Context)] = th
		}
		for _, th := range ths {
			m, ok := tu[th.Actor+":"+nodeName(th.State, th.Step, g.Clock, th.After+"/"+th.Context)]
			if !ok {
				t.Fatalf("%s missing from the unrolled game", th)
			}
			if th.Credible != m.Credible || th.Kind != m.Kind || !close(th.Margin, m.Margin) || !close(th.Gain, m.Gain) {
				t.Fatalf("%s / %s", th, m)
			}
		}

		if nA == 2 {
			// A timed commitment of the leader (its play in ps[1]) and the
			// follower's tie-broken best response to it.
			L := a
			com := markov.Profile{{}, {}}
			com[L] = markov.Strategy{Base: ps[1][L].Base, Timed: ps[1][L].Timed}
			com[1-L] = iranUniform(g, 1-L)
			_, comU, _ := unrollClock(g, com)
			rF, vL, err := strongResponse(ctx, g, com, 1-L, L)
			if err != nil {
				t.Fatal(err)
			}
			rFU, vLU, err := strongResponse(ctx, u, comU[0], 1-L, L)
			if err != nil {
				t.Fatal(err)
			}
			if !close(rF.Value, rFU.Value) || !close(vL[rF.Init], vLU[rFU.Init]) {
				t.Fatalf("commitment: follower %v / %v, leader %v / %v", rF.Value, rFU.Value, vL[rF.Init], vLU[rFU.Init])
			}
		}
	})
}

// iranUniform is actor a's uniform memoryless strategy.
func iranUniform(g *markov.Game, a int) markov.Strategy {
	st := markov.Strategy{Base: make([][]float64, len(g.States))}
	for s, gs := range g.States {
		if gs.Terminal {
			continue
		}
		k := len(g.Avail[s][a])
		st.Base[s] = make([]float64, k)
		for i := range st.Base[s] {
			st.Base[s][i] = 1 / float64(k)
		}
	}
	return st
}
