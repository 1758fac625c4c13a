package scenarios_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"slices"
	"testing"

	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/scenario"
)

// TestClockVariant: testdata/us-iran-2026-clock.yaml is the bundled
// scenario with the scenario clock in place of the ceasefire's two states
// (prepared for #17; docs/us-iran-2026.md says why it is not bundled). It
// keeps the bundled file's parameters (only p_lapse and campaign_us are
// new), so that it cannot drift from the file it stands for, and its clock
// does what its comments say: the truce cannot harden into a stalemate
// while the extension runs (to step 15), and can from then on.
func TestClockVariant(t *testing.T) {
	const file = "testdata/us-iran-2026-clock.yaml"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	cl, ds := scenario.Parse(file, src)
	if cl == nil {
		t.Fatalf("%s: %v", file, ds)
	}
	sc := parse(t)
	if cl.Clock != 30 {
		t.Errorf("the variant's rules depend on the step until %d, want 30 (the midterms of step 29)", cl.Clock)
	}
	params := map[string]scenario.Parameter{}
	for _, p := range cl.Parameters {
		params[p.Name] = p
	}
	for _, p := range sc.Parameters {
		q, ok := params[p.Name]
		if !ok {
			t.Errorf("the variant lacks parameter %s of the bundled file", p.Name)
			continue
		}
		if !reflect.DeepEqual(p.Dist, q.Dist) || p.Info.Source != q.Info.Source {
			t.Errorf("parameter %s differs from the bundled file's: %+v, %+v", p.Name, q.Dist, p.Dist)
		}
		delete(params, p.Name)
	}
	if len(params) != 2 || params["p_lapse"].Name == "" || params["campaign_us"].Name == "" {
		t.Errorf("the variant adds parameters %v; want p_lapse and campaign_us", params)
	}
	derived := map[string]string{}
	for _, d := range cl.Derived {
		derived[d.Name] = d.Expr
	}
	for _, d := range sc.Derived {
		if derived[d.Name] != d.Expr {
			t.Errorf("derived parameter %s is %q in the variant, %q in the bundled file", d.Name, derived[d.Name], d.Expr)
		}
	}
	stalemate := func(s *scenario.Scenario, steps int) float64 {
		g, profs, err := s.Build(s.Central())
		if err != nil {
			t.Fatal(err)
		}
		an, err := markov.Analyze(context.Background(), g, profs["baseline"], s.Horizon)
		if err != nil {
			t.Fatal(err)
		}
		for i, st := range g.States {
			if st.ID == "stalemate" {
				return an.Reach[i][steps]
			}
		}
		t.Fatal("no state stalemate")
		return 0
	}
	if p := stalemate(cl, 15); p != 0 {
		t.Errorf("with the clock the truce hardens by step 15 with probability %g; it has a date until then", p)
	}
	if p := stalemate(cl, 52); p <= 0 {
		t.Errorf("with the clock the truce never hardens within the year")
	}
	if p := stalemate(sc, 15); p <= 0 {
		t.Errorf("the bundled file's truce does not harden by step 15 either (%g): the check shows nothing", p)
	}
	if err := checkClock(load(t, file, src)); err != nil {
		t.Errorf("%s: %v", file, err)
	}
	// Every hypothesis, the leverage ones (best responses, credibility)
	// included, is evaluated on the clocked game.
	ar, err := scenario.Analyze(context.Background(), cl, scenario.AnalyzeOptions{Draws: 2, Seed: scenario.DefaultSeed, Strict: true})
	if err != nil {
		t.Fatalf("the clocked variant cannot be analysed: %v", err)
	}
	if len(ar.Hypotheses) != len(sc.Hypotheses) {
		t.Errorf("%d hypotheses evaluated on the variant, the bundled file has %d", len(ar.Hypotheses), len(sc.Hypotheses))
	}
}

// checkClock is what the clock must do in the US–Iran scenario (#17,
// point 7): the truce starts dated (the initial state, with a clock); it
// cannot harden into an open-ended stalemate before its extension runs
// out (extension_end), can lapse into strikes in that week whatever the
// US does short of force (no US move takes the lapse away by rule order),
// and can harden from the week after; and the US electoral calendar makes
// a round of strikes cost the US more at home in the campaign (campaign
// to midterms) than before it or after the vote.
func checkClock(b *built) error {
	if b.g.Clock == 0 {
		return fmt.Errorf("the game has no clock: its rules never depend on the step")
	}
	dates := map[string]int{}
	for _, d := range b.sc.Dates {
		dates[d.Name] = d.Step
	}
	end, ok1 := dates["extension_end"]
	campaign, ok2 := dates["campaign"]
	midterms, ok3 := dates["midterms"]
	if !ok1 || !ok2 || !ok3 {
		return fmt.Errorf("the clock names %v; want extension_end, campaign and midterms", dates)
	}
	truce := b.state("truce")
	if b.g.Initial != truce {
		return fmt.Errorf("the initial state is %s, not the dated truce", b.g.States[b.g.Initial].ID)
	}
	quiet := map[string]string{"US": "hold", "IR": "comply"}
	for t := range end {
		if n := b.nextAt(t, truce, quiet); n == nil || n["stalemate"] > 0 {
			return fmt.Errorf("at step %d, before the extension runs out (step %d), a quiet truce leads to %v", t, end, n)
		}
	}
	if n := b.nextAt(end+1, truce, quiet); n["stalemate"] <= 0 {
		return fmt.Errorf("after the extension (step %d) a quiet truce cannot harden: %v", end+1, n)
	}
	for _, us := range []string{"hold", "pressure", "withdraw", "negotiate"} {
		play := map[string]string{"US": us, "IR": "intransigent"}
		before, at := b.nextAt(0, truce, play), b.nextAt(end, truce, play)
		if before == nil || at == nil {
			return fmt.Errorf("US %s, IR intransigent is not a joint action of the truce", us)
		}
		if at["strikes"] <= before["strikes"] {
			return fmt.Errorf("US %s in the week the extension runs out: strikes %.3g, no more than at step 0 (%.3g): no lapse", us, at["strikes"], before["strikes"])
		}
	}
	us, strikes := b.actor("US"), b.state("strikes")
	j := b.joint(strikes, map[string]string{"US": "hold", "IR": "intransigent"})
	if j < 0 {
		return fmt.Errorf("US hold, IR intransigent is not a joint action of the strikes")
	}
	dom := slices.Index(b.g.Components, "domestic")
	pay := func(t int) float64 { return b.g.FlowAt(t, strikes)[j][us*len(b.g.Components)+dom] }
	for _, t := range []int{campaign, midterms} {
		if pay(t) >= pay(0) || pay(t) >= pay(midterms+1) {
			return fmt.Errorf("a week of strikes at step %d, in the campaign, costs the US at home %.3g; %.3g at step 0, %.3g after the vote", t, -pay(t), -pay(0), -pay(midterms+1))
		}
	}
	if pay(campaign-1) != pay(0) {
		return fmt.Errorf("the campaign's cost starts before step %d", campaign)
	}
	return nil
}
