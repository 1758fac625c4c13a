package scenarios_test

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"testing"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/scenarios"
)

// TestWarEquilibriumMechanism pins down why the selected equilibrium of
// the bundled scenario is war (docs/us-iran-2026.md, "Why the selected
// equilibrium is war"), so that a change to the file that alters the
// reason shows here and the doc's explanation is revisited:
//
//   - in a week the US decides for war, where the game goes does not depend
//     on Iran's move (the war rule is matched first), so Iran's move
//     changes only its own payoff that week;
//   - escalating then pays Iran w_sym_ir·victory − escalate_cost_ir more
//     than an intransigent week, which is positive at central values: a
//     strict best reply, not a tie;
//   - the selected equilibrium plays war (US) and escalate (Iran) in the
//     initial state, and Iran's margin there is that same amount.
func TestWarEquilibriumMechanism(t *testing.T) {
	b := load(t, scenarios.USIran2026Name, scenarios.USIran2026())
	us, ir := b.actor("US"), b.actor("IR")
	central := map[string]float64{}
	for i, p := range b.sc.Parameters {
		central[p.Name] = b.sc.Central().Values[i]
	}
	gain := central["w_sym_ir"]*central["victory"] - central["escalate_cost_ir"]
	if !(gain > 0) {
		t.Fatalf("escalation no longer pays for itself at central values (w_sym_ir·victory − escalate_cost_ir = %.4g): revisit the doc's explanation", gain)
	}
	for s, st := range b.g.States {
		if st.Terminal {
			continue
		}
		var first map[string]float64
		for _, ia := range b.g.Avail[s][ir] {
			nx := b.next(s, map[string]string{"US": "war", "IR": b.g.Actions[ir][ia]})
			if nx == nil {
				t.Fatalf("%s: US cannot play war against IR %s", st.ID, b.g.Actions[ir][ia])
			}
			if first == nil {
				first = nx
				continue
			}
			for k, p := range first {
				if math.Abs(nx[k]-p) > 1e-12 {
					t.Errorf("%s: with US war, IR %s moves to %s with %.4g, not %.4g: Iran's move is not irrelevant there", st.ID, b.g.Actions[ir][ia], k, nx[k], p)
				}
			}
		}
	}
	res, err := equilibrium.Solve(context.Background(), b.g, equilibrium.Options{})
	if err != nil || !res.Converged {
		t.Fatalf("solve: %v (converged %v)", err, res != nil && res.Converged)
	}
	s0 := b.g.Initial
	prob := func(a int, name string) float64 {
		for k, ai := range b.g.Avail[s0][a] {
			if b.g.Actions[a][ai] == name {
				return res.Strategies[a][s0][k]
			}
		}
		return 0
	}
	if prob(us, "war") < 0.999 || prob(ir, "escalate") < 0.999 {
		t.Fatalf("selected equilibrium in %s: US war %.3g, IR escalate %.3g; the doc says it is war against escalation", b.g.States[s0].ID, prob(us, "war"), prob(ir, "escalate"))
	}
	// Iran's one-week payoffs against US war in the initial state: escalate
	// beats intransigent by exactly the symbolic gain less the cost, since
	// the next state does not depend on Iran's move.
	flow := func(iract string) float64 {
		k := []int{0, 0}
		for a, name := range map[int]string{us: "war", ir: iract} {
			for pos, ai := range b.g.Avail[s0][a] {
				if b.g.Actions[a][ai] == name {
					k[a] = pos
				}
			}
		}
		f := b.g.Flow[s0][b.g.Encode(s0, k)]
		C := len(b.g.Components)
		u := 0.0
		for c := range C {
			u += b.g.Actors[ir].Weights[c] * f[ir*C+c]
		}
		return u
	}
	if d := flow("escalate") - flow("intransigent"); math.Abs(d-gain) > 1e-9 {
		t.Errorf("Iran's week with escalate beats intransigent by %.6g against US war, want w_sym_ir·victory − escalate_cost_ir = %.6g", d, gain)
	}
}

// TestWarEquilibriumMoves: with escalation no longer paying for itself
// (escalate_cost_ir fixed a little above w_sym_ir·victory at central
// values, everything else unchanged), the selected equilibrium no longer
// plays war in the initial state: the one-week gain is what the war
// equilibrium rests on (docs/us-iran-2026.md, "What moves the ending").
func TestWarEquilibriumMoves(t *testing.T) {
	b := load(t, scenarios.USIran2026Name, scenarios.USIran2026())
	central := map[string]float64{}
	for i, p := range b.sc.Parameters {
		central[p.Name] = b.sc.Central().Values[i]
	}
	cost := central["w_sym_ir"]*central["victory"] + 0.2
	re := regexp.MustCompile(`(?m)^  escalate_cost_ir: \{dist: pert, min: [0-9.]+, mode: [0-9.]+, max: [0-9.]+,`)
	src := scenarios.USIran2026()
	if !re.Match(src) {
		t.Fatal("escalate_cost_ir's line changed; update this test")
	}
	src = re.ReplaceAll(src, []byte(fmt.Sprintf("  escalate_cost_ir: {value: %.6g,", cost)))
	v := load(t, "escalation-costly.yaml", src)
	res, err := equilibrium.Solve(context.Background(), v.g, equilibrium.Options{})
	if err != nil || !res.Converged {
		t.Fatalf("solve: %v", err)
	}
	us, s0 := v.actor("US"), v.g.Initial
	for k, ai := range v.g.Avail[s0][us] {
		if v.g.Actions[us][ai] == "war" && res.Strategies[us][s0][k] > 0.01 {
			t.Errorf("with escalate_cost_ir = %.4g the selected equilibrium still plays war with %.3g in %s", cost, res.Strategies[us][s0][k], v.g.States[s0].ID)
		}
	}
	an, err := markov.Analyze(context.Background(), v.g, res.Profile(v.g), v.sc.Horizon)
	if err != nil {
		t.Fatal(err)
	}
	if w := an.Reach[v.state("war")][52]; w > 0.5 {
		t.Errorf("with escalate_cost_ir = %.4g war within the year is %.3g in the selected equilibrium, want below even odds", cost, w)
	}
}
