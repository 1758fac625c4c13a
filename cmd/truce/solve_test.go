package main

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The war of attrition's symmetric MPE quits with q = c/(δV+c) = 1/10
// (c = 1, V = 10, δ = 0.9 in the example file), certified, and the
// file's own "mixed" profile, which is that equilibrium, is credible.
func TestSolveCommandWarOfAttrition(t *testing.T) {
	out, errs, code := run(t, "solve", "--method", "homotopy", "--format", "json", "../../examples/crises/war-of-attrition.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep struct {
		Converged        bool                                     `json:"converged"`
		MaxDeviationGain float64                                  `json:"max_deviation_gain"`
		Equilibrium      map[string]map[string]map[string]float64 `json:"equilibrium"`
		Values           map[string]map[string]float64            `json:"values"`
		Credibility      map[string][]struct {
			Actor    string  `json:"actor"`
			Credible bool    `json:"credible"`
			Gain     float64 `json:"gain"`
		} `json:"credibility"`
		Draws []json.RawMessage `json:"draws"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out)
	}
	if !rep.Converged || rep.MaxDeviationGain > 1e-9 {
		t.Fatalf("converged %v, certificate %g", rep.Converged, rep.MaxDeviationGain)
	}
	for _, a := range []string{"A", "B"} {
		if q := rep.Equilibrium[a]["contest"]["quit"]; math.Abs(q-0.1) > 1e-9 {
			t.Errorf("%s quits with %.12g, want 0.1", a, q)
		}
		if v := rep.Values[a]["contest"]; math.Abs(v) > 1e-9 {
			t.Errorf("%s's value %g, want 0", a, v)
		}
	}
	for _, th := range rep.Credibility["mixed"] {
		if !th.Credible {
			t.Errorf("mixed profile: %s not credible (gain %g)", th.Actor, th.Gain)
		}
	}
	stubborn := rep.Credibility["a_stubborn"]
	if len(stubborn) != 2 || stubborn[1].Actor != "B" || stubborn[1].Credible {
		t.Errorf("a_stubborn: B's mixing against a stubborn A should not be credible: %+v", stubborn)
	}
	if len(rep.Draws) != 1 {
		t.Errorf("%d draws, want 1", len(rep.Draws))
	}
}

func TestSolveCommandText(t *testing.T) {
	out, errs, code := run(t, "solve", "../../examples/crises/audience-costs.yaml", "--draws", "3", "--seed", "5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"audience-costs — draw 0 (", "Markov-perfect equilibrium (", "largest one-shot deviation gain",
		"Credibility across 3 draws (seed 5)", "profile firm_deters:", "D: fight in showdown  ", "credible in "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "Markov-perfect equilibrium ("); n != 3 {
		t.Errorf("%d equilibria printed for 3 draws", n)
	}
}

func TestSolveCommandErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"solve", "--method", "magic", "../../examples/crises/war-of-attrition.yaml"}, codeUsage},
		{[]string{"solve", "--format", "xml", "../../examples/crises/war-of-attrition.yaml"}, codeUsage},
		{[]string{"solve", "--draws", "0", "../../examples/crises/war-of-attrition.yaml"}, codeUsage},
		{[]string{"solve", "--method", "shapley", "../../examples/crises/war-of-attrition.yaml"}, codeFailure},
		{[]string{"solve", "no/such/file.yaml"}, codeFailure},
	} {
		_, errs, code := run(t, tc.args...)
		if code != tc.code || errs == "" {
			t.Errorf("%v: exit %d (want %d), stderr %q", tc.args, code, tc.code, errs)
		}
	}
}

// solveAllJSON is the part of solve --format json that lists the set.
type solveAllJSON struct {
	Seed       uint64 `json:"seed"`
	Equilibria []struct {
		Equilibrium      map[string]map[string]map[string]float64 `json:"equilibrium"`
		Values           map[string]map[string]float64            `json:"values"`
		MaxDeviationGain float64                                  `json:"max_deviation_gain"`
		BasinShare       float64                                  `json:"basin_share"`
		Selected         bool                                     `json:"selected"`
		Outcome          int                                      `json:"outcome"`
		Endings          map[string]struct {
			WithinHorizon float64 `json:"within_horizon"`
			Eventually    float64 `json:"eventually"`
		} `json:"endings"`
	} `json:"equilibria"`
	Set struct {
		Found    int     `json:"found"`
		Outcomes int     `json:"outcomes"`
		Complete bool    `json:"complete"`
		Spread   float64 `json:"spread"`
		Selected int     `json:"selected"`
		Summary  string  `json:"summary"`
	} `json:"equilibrium_set"`
}

// The coordination example has exactly the three equilibria its comments
// derive (hotline 10.526, embassy 5.263, mixed p = 1/3 worth 3.509); solve
// --all finds them, proves the list complete and selects the hotline.
func TestSolveCommandAllCoordination(t *testing.T) {
	out, errs, code := run(t, "solve", "--all", "--format", "json", "--starts", "6", "../../examples/coordination.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep solveAllJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out)
	}
	if rep.Set.Found != 3 || rep.Set.Outcomes != 3 || !rep.Set.Complete || len(rep.Equilibria) != 3 || rep.Seed != 1 {
		t.Fatalf("set %+v, %d equilibria, seed %d", rep.Set, len(rep.Equilibria), rep.Seed)
	}
	want := map[float64]float64{1: 2 / 0.19, 0: 1 / 0.19, 1.0 / 3: (2.0 / 3) / 0.19} // P(hotline) -> value
	for _, e := range rep.Equilibria {
		p := e.Equilibrium["A"]["crisis"]["hotline"]
		ok := false
		for wp, wv := range want {
			if math.Abs(p-wp) < 1e-9 && math.Abs(e.Values["A"]["crisis"]-wv) < 1e-9 && math.Abs(e.Values["B"]["crisis"]-wv) < 1e-9 {
				ok = true
				delete(want, wp)
			}
		}
		if !ok || e.MaxDeviationGain > 1e-9 {
			t.Errorf("unexpected equilibrium %v worth %v (certificate %g)", e.Equilibrium, e.Values, e.MaxDeviationGain)
		}
		if en := e.Endings["over"]; math.Abs(en.Eventually-1) > 1e-12 || math.Abs(en.WithinHorizon-(1-math.Pow(0.9, 10))) > 1e-12 {
			t.Errorf("endings %+v", en)
		}
	}
	if first := rep.Equilibria[0]; !first.Selected || first.Equilibrium["A"]["crisis"]["hotline"] != 1 || rep.Set.Selected != 0 {
		t.Errorf("selected %v first=%v", rep.Set.Selected, first.Equilibrium)
	}
	if math.Abs(rep.Set.Spread-(2-2.0/3)/0.19) > 1e-9 {
		t.Errorf("spread %g", rep.Set.Spread)
	}
	text, _, code := run(t, "solve", "../../examples/coordination.yaml", "--starts", "2")
	if code != 0 || !strings.Contains(text, "Equilibrium set: 3 equilibria found from 3 starts, proved complete; the actors' values from the start differ by up to 7.02 (A) (seed 1).") ||
		!strings.Contains(text, "truce solve --all lists them.") {
		t.Errorf("text output:\n%s", text)
	}
}

// The set and everything printed depend on --seed only, not on --workers.
func TestSolveCommandWorkersDeterministic(t *testing.T) {
	a, _, ca := run(t, "solve", "--all", "--format", "json", "--starts", "6", "--workers", "1", "../../examples/crises/war-of-attrition.yaml")
	b, _, cb := run(t, "solve", "--all", "--format", "json", "--starts", "6", "--workers", "3", "../../examples/crises/war-of-attrition.yaml")
	if ca != 0 || cb != 0 || a != b {
		t.Fatalf("exit %d/%d; outputs differ: %v", ca, cb, a != b)
	}
	var rep solveAllJSON
	if err := json.Unmarshal([]byte(a), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Set.Found != 3 || rep.Set.Complete {
		t.Errorf("war of attrition: %+v", rep.Set)
	}
}

// TestSolveProb: solve's text prints probabilities without exponents of
// rounding noise (issue #17: "unresolved 4.88e-39"); JSON keeps them.
func TestSolveProb(t *testing.T) {
	for _, c := range []struct {
		p    float64
		want string
	}{
		{0, "0"}, {-1e-17, "0"}, {4.88e-39, "<1e-9"}, {1e-9, "1e-09"}, {0.0108, "0.0108"},
		{0.98912, "0.989"}, {1, "1"}, {1 - 1e-15, "1"}, {math.NaN(), "-"},
	} {
		if got := solveProb(c.p); got != c.want {
			t.Errorf("solveProb(%g) = %q, want %q", c.p, got, c.want)
		}
	}
}

// TestSolveAllTextNoNoise: an outcome of the bundled scenario without its
// clock (solve lists no members of a clocked game's set) whose unresolved
// share is rounding noise (about 1e-39 in JSON) prints as "<1e-9" or "0"
// in text, and no ending prints an exponent.
func TestSolveAllTextNoNoise(t *testing.T) {
	out, errs, code := run(t, "solve", "--all", "--starts", "4", "../../scenarios/testdata/us-iran-2026-unclocked.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	seen := false
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, "endings within the horizon") {
			continue
		}
		seen = true
		for _, m := range regexp.MustCompile(`e-(\d+)`).FindAllStringSubmatch(line, -1) {
			if e, _ := strconv.Atoi(m[1]); e > 9 {
				t.Errorf("a probability below 1e-9 printed as a number in %q", line)
			}
		}
	}
	if !seen {
		t.Fatalf("no endings line in\n%s", out)
	}
}

// --method policy (policy iteration) answers with one of the war of
// attrition's three MPE in closed form: one side quits at once and the
// other stays, or both quit with q = c/(δV+c) = 1/10; it is certified
// and says which method found it.
func TestSolveCommandPolicy(t *testing.T) {
	out, errs, code := run(t, "solve", "--method", "policy", "--format", "json", "../../examples/crises/war-of-attrition.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep struct {
		Converged        bool                                     `json:"converged"`
		Method           string                                   `json:"method"`
		MaxDeviationGain float64                                  `json:"max_deviation_gain"`
		Equilibrium      map[string]map[string]map[string]float64 `json:"equilibrium"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out)
	}
	if !rep.Converged || rep.MaxDeviationGain > 1e-9 || rep.Method != "policy iteration" {
		t.Fatalf("converged %v, certificate %g, method %q", rep.Converged, rep.MaxDeviationGain, rep.Method)
	}
	qa, qb := rep.Equilibrium["A"]["contest"]["quit"], rep.Equilibrium["B"]["contest"]["quit"]
	ok := false
	for _, eq := range [][2]float64{{0, 1}, {1, 0}, {0.1, 0.1}} {
		if math.Abs(qa-eq[0]) < 1e-9 && math.Abs(qb-eq[1]) < 1e-9 {
			ok = true
		}
	}
	if !ok {
		t.Errorf("A quits with %g, B with %g: not one of the game's three MPE", qa, qb)
	}
	text, _, code := run(t, "solve", "--method", "policy", "--starts", "0", "../../examples/crises/war-of-attrition.yaml")
	if code != 0 || !strings.Contains(text, "(policy iteration, ") || !strings.Contains(text, "selected by method policy") {
		t.Errorf("exit %d; the text does not name policy iteration:\n%s", code, text)
	}
}
