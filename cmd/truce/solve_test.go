package main

import (
	"encoding/json"
	"math"
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
		"Credibility of profile firm_deters:", "D: fight in showdown — "} {
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
