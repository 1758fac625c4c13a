package report

import (
	"context"
	"html/template"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/scenarios"
	"github.com/truce-dev/truce/sensitivity"
)

// bundledInput builds the report input the demo builds, with few draws:
// the bundled scenario analysed over its named profiles, its equilibrium
// at central values, credibility and a sensitivity sweep of a few
// parameters (among them those whose sweep flips a claim at central
// values: ir_probe flips H1 and H12, p_isr H3), small because the file is
// a clocked game and five tests build this input.
func bundledInput(t testing.TB) Input {
	t.Helper()
	sc, ds := scenario.Parse(scenarios.USIran2026Name, scenarios.USIran2026())
	if sc == nil {
		t.Fatalf("bundled scenario: %v", ds)
	}
	// The claims with their own draws: (a set search per draw) are not
	// what this tests: left out, as --hypothesis-draws none does.
	sc.SkipSubsampled()
	var named []string
	for _, p := range sc.Profiles {
		if p.Solve == "" {
			named = append(named, p.Name)
		}
	}
	ar, err := scenario.Analyze(context.Background(), sc, scenario.AnalyzeOptions{Profiles: named, Draws: 50, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	in := FromScenario(sc, ar)
	g, profs, err := sc.Build(sc.Central())
	if err != nil {
		t.Fatal(err)
	}
	res, err := equilibrium.Solve(context.Background(), g, equilibrium.Options{Method: "iterate"})
	if err != nil {
		t.Fatal(err)
	}
	in.Equilibria = append(in.Equilibria, EquilibriumFrom(g, "equilibrium", res))
	in.Credibility = append(in.Credibility, CredibilityFrom("baseline", equilibrium.Credibility(g, profs["baseline"]))...)
	sens, err := sensitivity.RunScenario(context.Background(), sc, sensitivity.ScenarioOptions{},
		sensitivity.Options{Points: 5, Params: []string{"ir_probe", "p_isr", "constraint_us", "victory", "p_war_hormuz"}})
	if err != nil {
		t.Fatal(err)
	}
	AddSensitivity(&in, sens)
	return in
}

// TestFromScenario checks the conversion of the bundled scenario's
// analysis into the page's input and the page's structure.
func TestFromScenario(t *testing.T) {
	in := bundledInput(t)
	if len(in.Profiles) != 9 || len(in.Hypotheses) != 13 || len(in.Actors) != 2 || len(in.States) != 9 {
		t.Fatalf("profiles %d, hypotheses %d, actors %d, states %d", len(in.Profiles), len(in.Hypotheses), len(in.Actors), len(in.States))
	}
	if len(in.Edges) < len(in.States) {
		t.Errorf("only %d edges in the state diagram", len(in.Edges))
	}
	for _, p := range in.Parameters {
		if p.Rationale == "" && p.Source == "" && p.Dist[:5] != "fixed" {
			t.Errorf("parameter %s has neither rationale nor source", p.Name)
		}
	}
	base := in.Profiles[0]
	if base.Name != "baseline" || base.Strategies["US"] != "selective_control" || base.Strategies["IR"] != "intransigence" {
		t.Errorf("first profile %s %v", base.Name, base.Strategies)
	}
	sum := 0.0
	for _, s := range []string{"war"} { // the only ending: stalemate and peace can be left
		sum += base.Absorb[s].Mean
	}
	if sum < 0.999 || sum > 1.000001 {
		t.Errorf("baseline endings sum to %v", sum)
	}
	if in.Hypotheses[0].Label == "" {
		t.Error("hypothesis labels not carried into the report")
	}
	if len(in.Credibility) == 0 {
		t.Error("no credibility rows for the baseline's reactions")
	}
	for _, c := range in.Credibility {
		if c.After == "" && c.Credible {
			t.Errorf("unreactive credible row kept: %+v", c)
		}
	}
	if len(in.Tornadoes) == 0 || len(in.BreakEvens) == 0 {
		t.Errorf("%d tornadoes, %d break-evens", len(in.Tornadoes), len(in.BreakEvens))
	}
	for i := 1; i < len(in.BreakEvens); i++ {
		if hypLess(in.BreakEvens[i].Hypothesis, in.BreakEvens[i-1].Hypothesis) {
			t.Errorf("break-evens not ordered by hypothesis: %s after %s", in.BreakEvens[i].Hypothesis, in.BreakEvens[i-1].Hypothesis)
		}
	}
	out := render(t, in)
	checkSelfContained(t, out)
}

func TestDistText(t *testing.T) {
	tests := []struct {
		d    scenario.Dist
		want string
	}{
		{scenario.Dist{Kind: "fixed", Value: 2}, "fixed 2"},
		{scenario.Dist{Kind: "uniform", Min: 0, Max: 2}, "uniform(0, 2): central 1, range 0 to 2"},
		{scenario.Dist{Kind: "triangular", Min: 1, Mode: 3, Max: 8}, "triangular(1, 3, 8): central 4, range 1 to 8"},
	}
	for _, tc := range tests {
		if got := DistText(tc.d); got != tc.want {
			t.Errorf("DistText(%+v) = %q, want %q", tc.d, got, tc.want)
		}
	}
	if got := DistText(scenario.Dist{Kind: "beta", A: 2, B: 8}); got[:8] != "beta(2, " {
		t.Errorf("beta: %q", got)
	}
}

func TestHypLess(t *testing.T) {
	if !hypLess("H2", "H10") || hypLess("H10", "H2") || !hypLess("A1", "H1") || hypLess("H1", "H1") {
		t.Error("hypLess does not order ids by prefix then number")
	}
}

// TestEndingsChartSumsToOne: on the bundled scenario, each profile's
// solid bars in the endings chart are its terminal states plus
// "unresolved" and their probabilities sum to 1; the initial state is
// not among them.
func TestEndingsChartSumsToOne(t *testing.T) {
	in := bundledInput(t)
	chart := endingsChart(in)
	re := regexp.MustCompile(`<rect class="within" data-profile="([^"]*)" data-ending="([^"]*)" data-p="([^"]*)"`)
	sums := map[string]float64{}
	rows := map[string][]string{}
	for _, m := range re.FindAllStringSubmatch(chart, -1) {
		p, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatal(err)
		}
		sums[m[1]] += p
		rows[m[1]] = append(rows[m[1]], m[2])
	}
	want := append(endingStates(in), "unresolved")
	if len(sums) != len(in.Profiles) {
		t.Fatalf("%d profiles in the chart, want %d", len(sums), len(in.Profiles))
	}
	for name, s := range sums {
		if math.Abs(s-1) > 1e-4 { // data-p carries 6 significant digits
			t.Errorf("%s: endings within the horizon sum to %v, want 1", name, s)
		}
		if strings.Join(rows[name], ",") != strings.Join(want, ",") {
			t.Errorf("%s: rows %v, want %v", name, rows[name], want)
		}
	}
}

// TestNoNaNInReports: the report of every bundled and example scenario
// shows no "NaN" (nor "Inf"): undefined figures are "—", explained once;
// it opens with the summary, and cites the source as the file's text.
func TestNoNaNInReports(t *testing.T) {
	var files []string
	for _, pat := range []string{"../scenarios/*.yaml", "../examples/*.yaml", "../examples/*/*.yaml"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	if len(files) < 5 {
		t.Fatalf("found %v", files)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(src), "\nkind: graph-model") {
			continue // a graph-model conflict (examples/gmcr), not a scenario
		}
		sc, ds := scenario.Parse(f, src)
		if sc == nil {
			t.Fatalf("%s: %v", f, ds)
		}
		sc.SkipSubsampled() // costly claims (a search per draw) are not what this tests
		ar, err := scenario.Analyze(context.Background(), sc, scenario.AnalyzeOptions{Draws: 20, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		in := FromScenario(sc, ar)
		var b strings.Builder
		if err := Write(&b, in); err != nil {
			t.Fatal(err)
		}
		page := b.String()
		for _, bad := range []string{"NaN", "Inf", "n/a"} {
			if i := strings.Index(page, bad); i >= 0 {
				t.Errorf("%s: report shows %q: …%s…", f, bad, page[max(0, i-80):min(len(page), i+40)])
			}
		}
		if strings.Index(page, `id="summary"`) > strings.Index(page, `id="scenario"`) {
			t.Errorf("%s: the summary does not come first", f)
		}
		if sc.Info.Source != "" && !strings.Contains(page, "Source: "+template.HTMLEscapeString(sc.Info.Source)) {
			t.Errorf("%s: the source is not cited as the file gives it", f)
		}
	}
}

// TestCredibilityFromMergesSteps: on the clocked bundled scenario, a
// decision point comes once per step before the clock runs out; the rows
// merge consecutive steps that differ only in the gain, say the steps in
// the state, and carry the range of the gain over them, so that every
// threat's gain lies in the range of a row with its state, and the page
// does not repeat a row thirty times.
func TestCredibilityFromMergesSteps(t *testing.T) {
	_, g, profs := bundledCentral(t)
	threats := equilibrium.Credibility(g, profs["walkaway_intr"])
	rows := CredibilityFrom("walkaway_intr", threats)
	kept := 0
	for _, th := range threats {
		if th.Kind == equilibrium.KindPlay && th.Credible {
			continue
		}
		kept++
		found := false
		for _, r := range rows {
			if r.Actor == th.Actor && strings.HasPrefix(r.State, th.State+" ") && r.Action == th.PlayText && r.Credible == th.Credible &&
				r.GainLow <= th.Gain && th.Gain <= r.Gain {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no row covers %s (gain %g)", th.String(), th.Gain)
		}
	}
	if len(rows) == 0 || len(rows)*5 > kept {
		t.Errorf("%d rows for %d threats and plays kept: the steps are not merged", len(rows), kept)
	}
	merged := false
	for _, r := range rows {
		merged = merged || strings.Contains(r.State, " at steps ") || strings.HasSuffix(r.State, " at every step") || regexp.MustCompile(` from step \d+ on$`).MatchString(r.State)
		if r.GainLow > r.Gain {
			t.Errorf("row %+v: gain range upside down", r)
		}
	}
	if !merged {
		t.Errorf("no row says the steps it stands for: %+v", rows)
	}
}
