package sensitivity

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/scenarios"
)

func parseFile(t testing.TB, path string) (*scenario.Scenario, []byte) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseSrc(t, path, src), src
}

func parseSrc(t testing.TB, name string, src []byte) *scenario.Scenario {
	t.Helper()
	sc, ds := scenario.Parse(name, src)
	if sc == nil {
		t.Fatalf("parse %s: %v", name, ds)
	}
	return sc
}

// TestAudienceCostBreakEven: in Fearon's audience-cost game the defender's
// threat is credible exactly when the audience cost exceeds the cost of
// fighting (1 in the example file), so the sweep must put the flip there.
func TestAudienceCostBreakEven(t *testing.T) {
	sc, _ := parseFile(t, "../examples/crises/audience-costs.yaml")
	res, err := RunScenario(context.Background(), sc, ScenarioOptions{}, Options{Points: 6, Tolerance: 1e-6})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"credible", "threshold"} {
		flips := res.FlipsFor(id)
		if id == "threshold" {
			if len(flips) != 0 {
				t.Errorf("threshold holds everywhere, but flips %v", flips)
			}
			continue
		}
		if len(flips) != 1 {
			t.Fatalf("%s: flips %v, want one", id, flips)
		}
		f := flips[0]
		if f.Param != "audience_cost" || math.Abs(f.Value-1) > 3e-6 || f.Below != "rejected" || f.Above != "supported" {
			t.Errorf("flip %v, want credible flipping at audience_cost = 1 (rejected → supported)", f)
		}
	}
	var tn *Tornado
	for i := range res.Tornadoes {
		if res.Tornadoes[i].Output == `value("D", "weak_pressed")` {
			tn = &res.Tornadoes[i]
		}
	}
	if tn == nil {
		t.Fatalf("no tornado for D's value when weak; have %d", len(res.Tornadoes))
	}
	// D backs down at step 1, entering the ending at step 2: -a * 0.9^2.
	b := tn.Bars[0]
	if b.Param != "audience_cost" || math.Abs(b.AtLo-0) > 1e-12 || math.Abs(b.AtHi-(-2*0.81)) > 1e-12 {
		t.Errorf("tornado bar %+v, want audience_cost from 0 to -1.62", b)
	}
}

// setParams rewrites the parameters of a scenario file: every parameter
// with a distribution is fixed at the value given, through the YAML tree so
// that the file is otherwise unchanged.
func setParams(t testing.TB, src []byte, values map[string]float64) []byte {
	t.Helper()
	f, err := parser.ParseBytes(src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range values {
		p, err := yaml.PathString("$.parameters." + name)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.ReplaceWithReader(f, strings.NewReader(strconv.FormatFloat(v, 'g', -1, 64))); err != nil {
			t.Fatalf("replacing %s: %v", name, err)
		}
	}
	return []byte(f.String())
}

// TestFileEditFlipsVerdict is the check that the sensitivity table is
// right about the bundled scenario: for every break-even found, a copy of
// the file with the parameters fixed at their central values and the swept
// one set just below (above) the break-even gives the verdict the table
// says holds below (above).
func TestFileEditFlipsVerdict(t *testing.T) {
	sc, src := parseFile(t, "../scenarios/testdata/us-iran-2026-v1.yaml")
	res, err := RunScenario(context.Background(), sc, ScenarioOptions{}, Options{Points: 7, Tolerance: 1e-4})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.BreakEvens) < 3 {
		t.Fatalf("only %d break-evens; the test needs some to check", len(res.BreakEvens))
	}
	central := map[string]float64{}
	rng := map[string]Param{}
	for _, p := range res.Params {
		central[p.Name] = p.Central
		rng[p.Name] = p
	}
	verdicts := func(vals map[string]float64) map[string]string {
		edited := setParams(t, src, vals)
		sc2 := parseSrc(t, "edited.yaml", edited)
		if sc2.Random() {
			t.Fatal("edited file still has distributions")
		}
		var named []string
		for _, p := range sc2.Profiles {
			if p.Solve == "" {
				named = append(named, p.Name)
			}
		}
		ar, err := scenario.Analyze(context.Background(), sc2, scenario.AnalyzeOptions{Profiles: named[:1]})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, h := range ar.Hypotheses {
			out[h.ID] = h.Verdict
		}
		return out
	}
	// The unedited central point must agree with the sweep's central point.
	for id, v := range verdicts(central) {
		if want := scenario.Verdict(res.Central.Share[id]); v != want {
			t.Errorf("central file: %s is %s, sensitivity says %s", id, v, want)
		}
	}
	for _, be := range res.BreakEvens {
		p := rng[be.Param]
		d := 2e-3 * (p.Hi - p.Lo)
		for _, side := range []struct {
			x    float64
			want string
		}{{be.Value - d, be.Below}, {be.Value + d, be.Above}} {
			vals := map[string]float64{}
			for k, v := range central {
				vals[k] = v
			}
			vals[be.Param] = side.x
			got := verdicts(vals)[be.Hypothesis]
			if got != side.want {
				t.Errorf("%v: with %s = %v in the file, %s is %s, want %s", be, be.Param, side.x, be.Hypothesis, got, side.want)
			}
		}
	}
}

func TestParseOutput(t *testing.T) {
	sc, _ := parseFile(t, "../scenarios/us-iran-2026.yaml")
	tests := []struct {
		in, key, err string
	}{
		{`reach("war", 52, "baseline")`, `reach("war", 52, "baseline")`, ""},
		{`reach(war,10,baseline)`, `reach("war", 10, "baseline")`, ""},
		{`absorb("stalemate", "engage_intr")`, `absorb("stalemate", "engage_intr")`, ""},
		{`value("IR", "baseline", "domestic")`, `value("IR", "baseline", "domestic")`, ""},
		{`value("IR", "baseline")`, `value("IR", "baseline")`, ""},
		{`reach("war", 99, "baseline")`, "", "steps must be"},
		{`absorb("warr", "baseline")`, "", `no state "warr"`},
		{`value("IL", "baseline")`, "", `no actor "IL"`},
		{`value("IR", "baseline", "oil")`, "", `no component "oil"`},
		{`absorb("war", "nope")`, "", `no profile "nope"`},
		{`p_talks + 1`, "", "want reach"},
	}
	for _, tc := range tests {
		o, err := parseOutput(sc, tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("parseOutput(%s): error %v, want %q", tc.in, err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("parseOutput(%s): %v", tc.in, err)
		case tc.err == "" && o.key != tc.key:
			t.Errorf("parseOutput(%s) key %s, want %s", tc.in, o.key, tc.key)
		}
	}
}

// TestDrawsMode: with draws, the other parameters keep varying, so the
// share of a hypothesis at a sweep point equals the share analyze reports
// for a file with that parameter fixed (same seed, same draws).
func TestDrawsMode(t *testing.T) {
	sc, src := parseFile(t, "../examples/crises/audience-costs.yaml")
	_ = src
	ev, err := NewScenarioEvaluator(sc, ScenarioOptions{Draws: 200, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	pt, err := ev.Eval(context.Background(), -1, 0)
	if err != nil {
		t.Fatal(err)
	}
	// P[U(0,2) > 1] = 1/2; 200 draws: sd 0.035.
	if s := pt.Share["credible"]; math.Abs(s-0.5) > 4*0.036 {
		t.Errorf("credible share %v over 200 draws, want about 0.5", s)
	}
	ar, err := scenario.Analyze(context.Background(), sc, scenario.AnalyzeOptions{Draws: 200, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range ar.Hypotheses {
		if h.HoldsShare != pt.Share[h.ID] {
			t.Errorf("%s: evaluator share %v, analyze %v", h.ID, pt.Share[h.ID], h.HoldsShare)
		}
	}
}

func BenchmarkRunScenarioUSIran(b *testing.B) {
	sc, _ := parseFile(b, "../scenarios/us-iran-2026.yaml")
	for b.Loop() {
		if _, err := RunScenario(context.Background(), sc, ScenarioOptions{}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleRunScenario() {
	src := []byte(`truce: 1
name: deterrence
horizon: 5
discount: 0.9
actors:
  - {id: D, weights: {m: 1}}
parameters:
  cost: {dist: uniform, min: 0, max: 2, rationale: "cost of fighting"}
states:
  - {id: crisis, initial: true}
  - {id: war, terminal: true}
  - {id: retreat, terminal: true}
actions:
  D: {"*": [fight, retreat]}
transitions:
  - {from: crisis, when: {D: fight}, to: {war: 1}}
  - {from: crisis, to: {retreat: 1}}
payoffs:
  - {in: war, D: {m: -cost}}
  - {in: retreat, D: {m: -1}}
strategies:
  D:
    firm: {"*": {fight: 1}}
    soft: {"*": {retreat: 1}}
profiles:
  firm: {D: firm}
  soft: {D: soft}
hypotheses:
  - {id: fight, claim: fighting beats retreat, expr: 'value("D", "firm") > value("D", "soft")'}
`)
	sc, ds := scenario.Parse("deterrence.yaml", src)
	if sc == nil {
		fmt.Println(ds)
		return
	}
	res, err := RunScenario(context.Background(), sc, ScenarioOptions{}, Options{Tolerance: 1e-6})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, b := range res.FlipsFor("fight") {
		fmt.Println(b)
	}
	// Output: fight flips when cost > 1 (supported → rejected)
}

// FuzzParseOutput: no output text makes the parser panic, and what it
// accepts is canonical (parsing its key gives the same key).
func FuzzParseOutput(f *testing.F) {
	sc, _ := parseFile(f, "../scenarios/us-iran-2026.yaml")
	for _, s := range []string{`reach("war", 52, "baseline")`, `absorb(war, baseline)`, `value("IR","baseline","domestic")`,
		`time("talks", "engage_comply")`, `reach("war", -1, "baseline")`, `value(`, `reach("war", 9999999999999999999, "b")`, ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := parseOutput(sc, s)
		if err != nil {
			return
		}
		o2, err := parseOutput(sc, o.key)
		if err != nil || o2.key != o.key {
			t.Fatalf("key %q of %q does not parse back to itself: %v %q", o.key, s, err, o2.key)
		}
	})
}

// TestDrawsModeFileEdit: with the other parameters varying over draws, the
// sensitivity table's break-evens of H10 in p_harden are where fixing
// p_harden in the file (same draws, same seed) changes analyze's verdict.
func TestDrawsModeFileEdit(t *testing.T) {
	sc, src := parseFile(t, "../scenarios/testdata/us-iran-2026-v1.yaml")
	const draws, seed = 100, 5
	res, err := RunScenario(context.Background(), sc, ScenarioOptions{Draws: draws, Seed: seed, Hypotheses: []string{"H10", "H9"}},
		Options{Points: 9, Params: []string{"p_harden"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.BreakEvens) == 0 {
		t.Fatal("no break-even of H9/H10 in p_harden over draws")
	}
	p := res.Params[0]
	for _, pp := range res.Params {
		if pp.Name == "p_harden" {
			p = pp
		}
	}
	for _, be := range res.BreakEvens {
		d := 1e-3 * (p.Hi - p.Lo)
		for _, side := range []struct {
			x    float64
			want string
		}{{be.Value - d, be.Below}, {be.Value + d, be.Above}} {
			edited := setParams(t, src, map[string]float64{"p_harden": side.x})
			sc2 := parseSrc(t, "edited.yaml", edited)
			ar, err := scenario.Analyze(context.Background(), sc2, scenario.AnalyzeOptions{Profiles: []string{"baseline"}, Draws: draws, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range ar.Hypotheses {
				if h.ID == be.Hypothesis && h.Verdict != side.want {
					t.Errorf("%v: with p_harden = %v in the file, %s is %s (share %v), want %s", be, side.x, h.ID, h.Verdict, h.HoldsShare, side.want)
				}
			}
		}
	}
}

// TestRangeEditMatchesBreakEven: narrowing audience_cost's range in the
// file to one side of the break-even the sweep reports gives the verdict
// the table says holds on that side, over draws.
func TestRangeEditMatchesBreakEven(t *testing.T) {
	sc, src := parseFile(t, "../examples/crises/audience-costs.yaml")
	res, err := RunScenario(context.Background(), sc, ScenarioOptions{Hypotheses: []string{"credible"}}, Options{Points: 5})
	if err != nil {
		t.Fatal(err)
	}
	be := res.FlipsFor("credible")
	if len(be) != 1 {
		t.Fatalf("flips %v", be)
	}
	for _, tc := range []struct {
		rng  string
		want string
	}{
		{fmt.Sprintf("{dist: uniform, min: 0, max: %g}", be[0].Value-0.01), be[0].Below},
		{fmt.Sprintf("{dist: uniform, min: %g, max: 2}", be[0].Value+0.01), be[0].Above},
	} {
		f, err := parser.ParseBytes(src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		path, _ := yaml.PathString("$.parameters.audience_cost")
		if err := path.ReplaceWithReader(f, strings.NewReader(tc.rng)); err != nil {
			t.Fatal(err)
		}
		sc2 := parseSrc(t, "edited.yaml", []byte(f.String()))
		ar, err := scenario.Analyze(context.Background(), sc2, scenario.AnalyzeOptions{Draws: 300, Seed: 1, Profiles: []string{"firm_pressed"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range ar.Hypotheses {
			if h.ID == "credible" && h.Verdict != tc.want {
				t.Errorf("audience_cost: %s: credible is %s (share %v), want %s", tc.rng, h.Verdict, h.HoldsShare, tc.want)
			}
		}
	}
}

// The default outputs are the hypotheses' calls of reach, absorb, time and
// value by their whole names: best_response_value("IR", "p") and
// commit_value("US") are not value calls (reading them so charted the
// wrong figure, or failed on value("US")).
func TestQuantityREWholeNames(t *testing.T) {
	got := quantityRE().FindAllString(`commit_value("US") > 1 && best_response_value("IR", "p") > value("IR", "p") && time_from("war", "p", "s") < 3 && reach("war", 5, "p") > 0`, -1)
	want := []string{`value("IR", "p")`, `reach("war", 5, "p")`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("found %q, want %q", got, want)
	}
}

// A sweep evaluates only the hypotheses it reports: the bundled file's
// claims with their own draws: (E1–E4, a search of the equilibrium set
// or of the commitments on a draw) are evaluated only when named, and a
// named hypothesis is evaluated alone, so that a point does not pay for
// the others.
func TestScenarioEvaluatorOnlyItsHypotheses(t *testing.T) {
	sc, diags := scenario.Parse(scenarios.USIran2026Name, scenarios.USIran2026())
	if sc == nil {
		t.Fatal(diags)
	}
	costly := 0
	for _, h := range sc.Hypotheses {
		if h.Draws > 0 {
			costly++
		}
	}
	if costly == 0 {
		t.Fatal("the bundled file has no claim with its own draws: the test checks nothing")
	}
	all := len(sc.Hypotheses)
	ids := func(ev *ScenarioEvaluator) []string {
		var out []string
		for _, h := range ev.sc.Hypotheses {
			out = append(out, h.ID)
		}
		return out
	}
	ev, err := NewScenarioEvaluator(sc, ScenarioOptions{Hypotheses: []string{"H12"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(ev); len(got) != 1 || got[0] != "H12" {
		t.Errorf("named H12: evaluates %v", got)
	}
	ev, err = NewScenarioEvaluator(sc, ScenarioOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(ev); len(got) != all-costly {
		t.Errorf("none named: evaluates %v, want the %d without their own draws:", got, all-costly)
	}
	for _, h := range ev.sc.Hypotheses {
		if h.Draws > 0 {
			t.Errorf("none named: evaluates %s, which sets its own draws:", h.ID)
		}
	}
	ev, err = NewScenarioEvaluator(sc, ScenarioOptions{Hypotheses: []string{"E1"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(ev); len(got) != 1 || got[0] != "E1" {
		t.Errorf("named E1: evaluates %v", got)
	}
	if len(sc.Hypotheses) != all {
		t.Errorf("the caller's scenario lost hypotheses: %d of %d", len(sc.Hypotheses), all)
	}
}
