package scenario

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/truce-dev/truce/markov"
)

const tol = 1e-12

func loadExample(t testing.TB, name string) *Scenario {
	t.Helper()
	path := "../examples/" + name
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc, ds := Parse(path, src)
	if sc == nil {
		t.Fatalf("%s does not parse: %v", path, ds)
	}
	for _, d := range ds {
		t.Errorf("unexpected diagnostic: %s", d)
	}
	return sc
}

// analyzeCentral runs the exact analysis of one profile at the central draw.
func analyzeCentral(t *testing.T, sc *Scenario, profile string) *markov.Analysis {
	t.Helper()
	g, profs, err := sc.Build(sc.Central())
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := markov.Analyze(context.Background(), g, profs[profile], sc.Horizon)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > tol*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.15g, want %.15g (diff %.3g)", what, got, want, got-want)
	}
}

func TestTwoStateExample(t *testing.T) {
	sc := loadExample(t, "two-state.yaml")
	a := analyzeCentral(t, sc, "baseline")
	war := 1
	for step := 0; step <= sc.Horizon; step++ {
		near(t, "reach(war)", a.Reach[war][step], 1-math.Pow(0.9, float64(step)))
	}
	near(t, "absorb(war)", a.Absorb[war], 1)
	near(t, "time(war)", a.Time[war], 10)
	near(t, "value(A, material)", a.Value[0][0], 10.0/19)
	near(t, "value(B, material)", a.Value[1][0], -10.0/19)
	near(t, "value(B, cost)", a.Value[1][1], -18.0/19)
	near(t, "total(B)", a.Total[1], -28.0/19)
}

// solve2 solves [a b; c d] x = [e f] by Cramer's rule.
func solve2(a, b, c, d, e, f float64) (float64, float64) {
	det := a*d - b*c
	return (e*d - b*f) / det, (a*f - e*c) / det
}

func TestTitForTatExample(t *testing.T) {
	sc := loadExample(t, "tit-for-tat.yaml")
	a := analyzeCentral(t, sc, "standoff")
	const q, d, delta = 0.8, 0.2, 0.9
	war := 1
	near(t, "absorb(war)", a.Absorb[war], 1)
	near(t, "time(war)", a.Time[war], 55)
	near(t, "reach(war, 1)", a.Reach[war][1], 0)
	near(t, "reach(war, 2)", a.Reach[war][2], 0.02)
	near(t, "reach(war, 3)", a.Reach[war][3], 0.038)
	// Forward recursion over A's last action for the whole curve.
	pC, pD, pW := q, d, 0.0 // after step 0 (no war possible: B cooperates)
	for step := 2; step <= sc.Horizon; step++ {
		nW := pW + pD*d/2
		nC := (pC + pD) * q
		nD := pC*d + pD*d/2
		pC, pD, pW = nC, nD, nW
		near(t, "reach(war) by recursion", a.Reach[war][step], pW)
	}
	// A: (1-δq) V_C - δd V_D = 3q + 5d ; -δq V_C + (1 - δd/2) V_D = d(1 - 5δ)
	vC, vD := solve2(1-delta*q, -delta*d, -delta*q, 1-delta*d/2, 3*q+5*d, d*(1-5*delta))
	near(t, "V_D closed form", vD, 5630.0/313)
	near(t, "value(A)", a.Total[0], vC)
	near(t, "value(A) closed form", a.Total[0], 51940.0/2191)
	// B: (1-δq) W_C - δd W_D = 3q ; -δq W_C + (1-δd/2) W_D = 5q + d(1-5δ)
	wC, _ := solve2(1-delta*q, -delta*d, -delta*q, 1-delta*d/2, 3*q, 5*q+d*(1-5*delta))
	near(t, "value(B)", a.Total[1], wC)
}

func TestPrestigeExample(t *testing.T) {
	sc := loadExample(t, "prestige.yaml")
	a := analyzeCentral(t, sc, "baseline")
	const c = 0.25
	S := func(delta float64) float64 { return 1 / (1 - delta*(1-c)) }
	prestige, material := 0, 1
	deal := 1
	near(t, "absorb(deal)", a.Absorb[deal], 1)
	near(t, "time(deal)", a.Time[deal], 4)
	for step := 0; step <= sc.Horizon; step++ {
		near(t, "reach(deal)", a.Reach[deal][step], 1-math.Pow(0.75, float64(step)))
	}
	s := S(0.8)
	near(t, "US prestige", a.Value[0][prestige], 2*c*s-0.5*(1-c)*s+3*0.8*c*s)
	near(t, "US prestige number", a.Value[0][prestige], 1.8125)
	near(t, "US material", a.Value[0][material], -1.25)
	near(t, "US total", a.Total[0], 2.375)
	s = S(0.5)
	near(t, "IR prestige", a.Value[1][prestige], -c*s+(1-c)*s-1.5*0.5*c*s)
	near(t, "IR total", a.Total[1], 0.5)
	s = S(0.9)
	near(t, "GCC prestige", a.Value[2][prestige], -0.9625*s)
	near(t, "GCC material", a.Value[2][material], 1.35*s)
	near(t, "GCC total", a.Total[2], 0.3875/0.325)
}

// TestAnalyzeReportsExamples checks that Analyze carries the exact figures
// into its report and evaluates hypotheses on them.
func TestAnalyzeReportsExamples(t *testing.T) {
	sc := loadExample(t, "two-state.yaml")
	r, err := Analyze(context.Background(), sc, AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Draws != 1 {
		t.Errorf("fixed parameters: draws = %d, want 1", r.Draws)
	}
	p := r.Profiles["baseline"]
	near(t, "report time(war)", float64(p.Time["war"].Mean), 10)
	near(t, "report reach(war,10)", float64(p.Reach["war"][10]), 1-math.Pow(0.9, 10))
	near(t, "report value A", float64(p.Value["A"].Total.Mean), 10.0/19)
	if len(r.Hypotheses) != 2 || r.Hypotheses[0].Verdict != "supported" || r.Hypotheses[1].Verdict != "rejected" {
		t.Errorf("hypotheses = %+v", r.Hypotheses)
	}
	near(t, "quantity", float64(r.Hypotheses[1].Quantities[`time("war", "baseline")`]), 10)
}
