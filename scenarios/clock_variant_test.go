package scenarios_test

import (
	"context"
	"os"
	"reflect"
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
