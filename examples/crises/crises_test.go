// Package crises_test checks the classic crisis games in examples/crises
// against their textbook results (written in each file's header).
package crises_test

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/sensitivity"
)

const tol = 1e-12

func load(t *testing.T, file string) *scenario.Scenario {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sc, ds := scenario.Parse(file, src)
	if sc == nil {
		t.Fatalf("%s: %v", file, ds)
	}
	return sc
}

func analyze(t *testing.T, sc *scenario.Scenario, draws int, profiles ...string) *scenario.AnalysisReport {
	t.Helper()
	ar, err := scenario.Analyze(context.Background(), sc, scenario.AnalyzeOptions{Profiles: profiles, Draws: draws, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return ar
}

func near(t *testing.T, what string, got, want, eps float64) {
	t.Helper()
	if math.Abs(got-want) > eps {
		t.Errorf("%s = %.15g, want %.15g (±%g)", what, got, want, eps)
	}
}

func verdicts(t *testing.T, ar *scenario.AnalysisReport, want string) {
	t.Helper()
	for _, h := range ar.Hypotheses {
		if h.Verdict != want {
			t.Errorf("hypothesis %s: %s (holds in %v), want %s", h.ID, h.Verdict, h.HoldsShare, want)
		}
	}
}

// solve finds an MPE of the scenario's game at central values and checks
// its certificate independently with equilibrium.OneShotGain.
func solve(t *testing.T, sc *scenario.Scenario) (*markov.Game, *equilibrium.Result) {
	t.Helper()
	g, _, err := sc.Build(sc.Central())
	if err != nil {
		t.Fatal(err)
	}
	res, err := equilibrium.Solve(context.Background(), g, equilibrium.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converged {
		t.Fatalf("no MPE: %s after %d iterations, gain %g (%s)", res.Method, res.Iterations, res.MaxDeviationGain, res.Reason)
	}
	gain, err := equilibrium.OneShotGain(g, res.Profile(g))
	if err != nil {
		t.Fatal(err)
	}
	if gain > 1e-9 {
		t.Errorf("solver says equilibrium, one-shot deviation gains %g", gain)
	}
	return g, res
}

// prob is the probability actor a puts on action name in state s of res.
func prob(g *markov.Game, res *equilibrium.Result, a, s int, name string) float64 {
	for k, x := range g.Avail[s][a] {
		if g.Actions[a][x] == name {
			return res.Strategies[a][s][k]
		}
	}
	return math.NaN()
}

// TestChicken: the symmetric mixed equilibrium goes straight with p = 1/10;
// crash 1/100, each wins 9/100, compromise 81/100, value -0.1 paid one
// step later (-0.09); going straight against the mixture is worth the same.
func TestChicken(t *testing.T) {
	sc := load(t, "chicken.yaml")
	ar := analyze(t, sc, 1, "mixed", "a_hawk", "a_deviates")
	m := ar.Profiles["mixed"]
	for s, want := range map[string]float64{"crash": 0.01, "a_wins": 0.09, "b_wins": 0.09, "compromise": 0.81} {
		near(t, "mixed absorb "+s, float64(m.Absorb[s].Mean), want, tol)
		near(t, "mixed reach "+s+" by step 1", float64(m.Reach[s][1]), want, tol)
	}
	near(t, "value A mixed", float64(m.Value["A"].Total.Mean), -0.09, tol)
	near(t, "value B mixed", float64(m.Value["B"].Total.Mean), -0.09, tol)
	near(t, "value A straight vs mixed", float64(ar.Profiles["a_deviates"].Value["A"].Total.Mean), -0.09, tol)
	near(t, "a_hawk: A wins", float64(ar.Profiles["a_hawk"].Absorb["a_wins"].Mean), 1, tol)
	verdicts(t, ar, "supported")

	g, res := solve(t, sc)
	pa, pb := prob(g, res, 0, 0, "straight"), prob(g, res, 1, 0, "straight")
	switch {
	case pa == 1 && pb == 0, pa == 0 && pb == 1:
	case math.Abs(pa-0.1) < 1e-9 && math.Abs(pb-0.1) < 1e-9:
	default:
		t.Errorf("MPE plays straight with (%v, %v): not one of chicken's three equilibria", pa, pb)
	}
}

// TestAudienceCosts: the defender's threat is credible exactly when the
// audience cost exceeds the cost of fighting; in equilibrium the challenger
// then backs down, and presses otherwise.
func TestAudienceCosts(t *testing.T) {
	sc := load(t, "audience-costs.yaml")
	audience := -1
	for i, p := range sc.Parameters {
		if p.Name == "audience_cost" {
			audience = i
		}
	}
	if audience < 0 {
		t.Fatal("no audience_cost parameter")
	}
	const showdown, challenge = 1, 0
	for _, tc := range []struct {
		a        float64
		credible bool
	}{{0.2, false}, {0.9, false}, {1.1, true}, {1.9, true}} {
		fixed := sensitivity.WithParams(sc, audience, tc.a, true)
		g, profs, err := fixed.Build(fixed.Central())
		if err != nil {
			t.Fatal(err)
		}
		var threat *equilibrium.Threat
		for _, th := range equilibrium.Credibility(g, profs["firm_pressed"]) {
			if th.Actor == "D" && th.State == "showdown" {
				threat = &th
			}
		}
		if threat == nil {
			t.Fatalf("a=%v: no credibility row for D at the showdown", tc.a)
		}
		if threat.Credible != tc.credible {
			t.Errorf("a=%v: threat to fight credible=%v (gain %g), want %v", tc.a, threat.Credible, threat.Gain, tc.credible)
		}
		// not carrying it out gains fight_cost - audience_cost (1 - a), discounted once
		wantGain := math.Max(0, (1-tc.a)*0.9)
		near(t, "deviation gain", threat.Gain, wantGain, 1e-9)

		g, res := solve(t, fixed)
		fight := prob(g, res, 0, showdown, "fight")
		press := prob(g, res, 1, challenge, "press")
		if tc.credible && (fight != 1 || press != 0) {
			t.Errorf("a=%v: MPE fight %v, press %v; want D fights and C backs down", tc.a, fight, press)
		}
		if !tc.credible && (fight != 0 || press != 1) {
			t.Errorf("a=%v: MPE fight %v, press %v; want D backs down and C presses", tc.a, fight, press)
		}
	}
	// Over draws of audience_cost ~ U(0, 2): credible in half of them
	// (4 standard errors over 1000 draws: 0.063), the threshold always.
	ar := analyze(t, sc, 1000, "firm_pressed", "weak_pressed")
	for _, h := range ar.Hypotheses {
		switch h.ID {
		case "credible":
			near(t, "credible share", h.HoldsShare, 0.5, 4*math.Sqrt(0.25/1000))
		case "threshold":
			near(t, "threshold share", h.HoldsShare, 1, 0)
		}
	}
}

// TestWarOfAttrition: each side quits with q = c/(δV+c) = 1/10; the contest
// ends each round with probability 0.19; A wins 9/19, both quit 1/19; the
// ending comes at round 100/19 on average; the prize is dissipated (value 0).
func TestWarOfAttrition(t *testing.T) {
	sc := load(t, "war-of-attrition.yaml")
	ar := analyze(t, sc, 1, "mixed", "a_stubborn")
	m := ar.Profiles["mixed"]
	near(t, "A wins", float64(m.Absorb["a_wins"].Mean), 9.0/19, tol)
	near(t, "B wins", float64(m.Absorb["b_wins"].Mean), 9.0/19, tol)
	near(t, "both quit", float64(m.Absorb["both_quit"].Mean), 1.0/19, tol)
	for _, s := range []string{"a_wins", "b_wins", "both_quit"} {
		near(t, "time "+s, float64(m.Time[s].Mean), 100.0/19, 1e-9)
	}
	// reach by round 3: 1 - 0.81^3 of the mass, split 9:9:1
	near(t, "reach a_wins by 3", float64(m.Reach["a_wins"][3]), (1-math.Pow(0.81, 3))*9/19, tol)
	near(t, "value A", float64(m.Value["A"].Total.Mean), 0, 1e-12)
	near(t, "value A stubborn", float64(ar.Profiles["a_stubborn"].Value["A"].Total.Mean), 0, 1e-12)
	verdicts(t, ar, "supported")

	g, res := solve(t, sc)
	qa, qb := prob(g, res, 0, 0, "quit"), prob(g, res, 1, 0, "quit")
	switch {
	case qa == 0 && qb == 1, qa == 1 && qb == 0:
	case math.Abs(qa-0.1) < 1e-9 && math.Abs(qb-0.1) < 1e-9:
	default:
		t.Errorf("MPE quits with (%v, %v): not one of the three stationary equilibria", qa, qb)
	}
}

// TestBrinkmanship: each side backs down with q = rD/(V+rD) = 1/2; the
// crisis ends in disaster 1/31 of the time and each other ending 10/31;
// the prize is dissipated in risk (value 0).
func TestBrinkmanship(t *testing.T) {
	sc := load(t, "brinkmanship.yaml")
	ar := analyze(t, sc, 1, "mixed", "a_firm")
	m := ar.Profiles["mixed"]
	near(t, "disaster", float64(m.Absorb["disaster"].Mean), 1.0/31, tol)
	for _, s := range []string{"a_wins", "b_wins", "both_back_down"} {
		near(t, s, float64(m.Absorb[s].Mean), 10.0/31, tol)
		near(t, "time "+s, float64(m.Time[s].Mean), 1/0.775, 1e-9)
	}
	near(t, "value A", float64(m.Value["A"].Total.Mean), 0, 1e-12)
	near(t, "value A firm", float64(ar.Profiles["a_firm"].Value["A"].Total.Mean), 0, 1e-12)
	verdicts(t, ar, "supported")

	g, res := solve(t, sc)
	qa, qb := prob(g, res, 0, 0, "back_down"), prob(g, res, 1, 0, "back_down")
	switch {
	case qa == 0 && qb == 1, qa == 1 && qb == 0:
	case math.Abs(qa-0.5) < 1e-9 && math.Abs(qb-0.5) < 1e-9:
	default:
		t.Errorf("MPE backs down with (%v, %v): not one of the three stationary equilibria", qa, qb)
	}
}
