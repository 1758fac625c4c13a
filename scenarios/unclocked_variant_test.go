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

// TestUnclockedVariant: testdata/us-iran-2026-unclocked.yaml is the
// bundled scenario as it was before #17 gave it the clock (the ceasefire
// as two states to 22 April, a stationary game), kept to measure what the
// clock costs and changes. It keeps the bundled file's parameters (only
// p_lapse and campaign_us are the clock's), so that it cannot drift from
// the file it stands for; the clock check (checkClock) fails on it and
// passes on the bundled file; and the clock does what its comments say:
// the truce cannot harden into a stalemate while the extension runs (to
// step 15), can from then on, and without the clock it can before.
func TestUnclockedVariant(t *testing.T) {
	const file = "testdata/us-iran-2026-unclocked.yaml"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	un, ds := scenario.Parse(file, src)
	if un == nil {
		t.Fatalf("%s: %v", file, ds)
	}
	sc := parse(t)
	if un.Clock != 0 || sc.Clock != 30 {
		t.Errorf("the rules depend on the step until %d in the variant (want 0) and %d in the bundled file (want 30, the midterms of step 29)", un.Clock, sc.Clock)
	}
	params := map[string]scenario.Parameter{}
	for _, p := range sc.Parameters {
		params[p.Name] = p
	}
	for _, p := range un.Parameters {
		q, ok := params[p.Name]
		if !ok {
			t.Errorf("the variant has parameter %s, which the bundled file lacks", p.Name)
			continue
		}
		if !reflect.DeepEqual(p.Dist, q.Dist) || p.Info.Source != q.Info.Source {
			t.Errorf("parameter %s differs from the bundled file's: %+v, %+v", p.Name, p.Dist, q.Dist)
		}
		delete(params, p.Name)
	}
	if len(params) != 2 || params["p_lapse"].Name == "" || params["campaign_us"].Name == "" {
		t.Errorf("the bundled file adds parameters %v to the variant; want p_lapse and campaign_us", params)
	}
	derived := map[string]string{}
	for _, d := range sc.Derived {
		derived[d.Name] = d.Expr
	}
	for _, d := range un.Derived {
		if derived[d.Name] != d.Expr {
			t.Errorf("derived parameter %s is %q in the variant, %q in the bundled file", d.Name, d.Expr, derived[d.Name])
		}
	}
	if err := checkClock(load(t, file, src)); err == nil {
		t.Errorf("the clock check passes on the variant without a clock: it shows nothing")
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
	if p := stalemate(sc, 15); p != 0 {
		t.Errorf("with the clock the truce hardens by step 15 with probability %g; it has a date until then", p)
	}
	if p := stalemate(sc, 52); p <= 0 {
		t.Errorf("with the clock the truce never hardens within the year")
	}
	if p := stalemate(un, 15); p <= 0 {
		t.Errorf("the variant's truce does not harden by step 15 either (%g): the check shows nothing", p)
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
