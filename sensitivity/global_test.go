package sensitivity

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
)

// The whole path (scenario file, quantile transform, probe, design,
// estimators) reproduces the Ishigami closed forms: indices within 0.02
// and inside their bootstrap intervals at N = 4096.
func TestScenarioSobolIshigami(t *testing.T) {
	sc, _ := parseFile(t, "testdata/ishigami.yaml")
	m, err := NewScenarioModel(sc, ScenarioModelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(m.Inputs(), m.Outputs()) != `[b1 b2 x3] [value("A", "f") H1]` {
		t.Fatalf("inputs %v outputs %v", m.Inputs(), m.Outputs())
	}
	res, err := Sobol(context.Background(), m, SobolOptions{N: 4096, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	first, total := IshigamiIndices()
	checkIndices(t, "Ishigami scenario", res.Outputs[0].Indices, first, total, 0.02)
	// H1 (y > a/2) is an output in {0, 1}; its mean is the share of the
	// design where it holds, and y's sign is driven by sin x2 and sin x1.
	h := res.Outputs[1]
	if h.Indices == nil || !(h.Mean > 0.2 && h.Mean < 0.8) {
		t.Fatalf("H1: %+v", h)
	}
}

func TestScenarioSobolGFunction(t *testing.T) {
	sc, _ := parseFile(t, "testdata/gfunction.yaml")
	m, err := NewScenarioModel(sc, ScenarioModelOptions{Outputs: []string{`value("A", "f")`}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Sobol(context.Background(), m, SobolOptions{N: 4096, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	first, total := gIndices([]float64{0, 1, 4.5, 9, 99, 99})
	checkIndices(t, "G scenario", res.Outputs[0].Indices, first, total, 0.02)
}

// A linear model over every distribution family (normal, triangular,
// beta, lognormal, pert, uniform, choice): S_i = S_Ti = b_i² Var(x_i) / Var(y)
// in closed form (testdata/linear-dists.yaml), so the whole path, each
// family's quantile transform included, is checked against exact indices.
func TestScenarioSobolLinearDistributions(t *testing.T) {
	sc, _ := parseFile(t, "testdata/linear-dists.yaml")
	m, err := NewScenarioModel(sc, ScenarioModelOptions{Outputs: []string{`value("A", "f")`}})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(m.Inputs()); got != "[x1 x2 x3 x4 x5 x6 x7]" {
		t.Fatalf("inputs %s", got)
	}
	res, err := Sobol(context.Background(), m, SobolOptions{N: 4096, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	e25 := math.Exp(0.25)
	parts := []float64{
		4,                             // normal(0, 2)
		4 * 13.0 / 18,                 // 2 × triangular(0, 1, 4)
		100 * 10.0 / (49 * 8),         // 10 × beta(2, 5)
		(e25 - 1) * e25,               // lognormal(0, 0.5)
		4 * 25 * 1.8 * 4.2 / (36 * 7), // 2 × pert(0, 1, 5): 5 × beta(1.8, 4.2)
		9.0 / 12,                      // −1 × uniform(0, 3)
		10.0/3 - 16.0/9,               // choice {0, 1, 3}
	}
	v := 0.0
	for _, x := range parts {
		v += x
	}
	want := make([]float64, len(parts))
	for i, x := range parts {
		want[i] = x / v
	}
	o := res.Outputs[0]
	if math.Abs(o.Variance-v) > 0.03*v {
		t.Errorf("variance over the design %.4f, want %.4f", o.Variance, v)
	}
	checkIndices(t, "linear over every family", o.Indices, want, want, 0.02)
}

// Morris on the linear scenario: μ* = |b_i|·(max_i − min_i) exactly, σ = 0.
func TestScenarioMorrisLinear(t *testing.T) {
	sc, _ := parseFile(t, "testdata/linear.yaml")
	m, err := NewScenarioModel(sc, ScenarioModelOptions{Scale: ClampedQuantiles})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Morris(context.Background(), m, MorrisOptions{Trajectories: 12, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"x1": 1, "x2": 1.5, "x3": 0, "x4": 1, "x5": 6}
	o := res.Outputs[0]
	if o.Output != `value("A", "f")` {
		t.Fatalf("first output %s", o.Output)
	}
	for _, e := range o.Effects {
		if math.Abs(e.MuStar-want[e.Input]) > 1e-9 || e.Sigma > 1e-9 {
			t.Errorf("%s: μ* %v σ %v, want %v and 0", e.Input, e.MuStar, e.Sigma, want[e.Input])
		}
	}
	r := o.Ranked()
	if r[0].Input != "x5" || r[1].Input != "x2" || r[4].Input != "x3" {
		t.Errorf("ranking %v", r)
	}
}

// Seeded global runs give identical results for any number of workers.
func TestScenarioGlobalWorkers(t *testing.T) {
	sc, _ := parseFile(t, "../scenarios/testdata/us-iran-2026-v1.yaml")
	var refS, refM string
	for _, w := range []int{1, 2, 8} {
		m, err := NewScenarioModel(sc, ScenarioModelOptions{Hypotheses: []string{"H6", "H12"}})
		if err != nil {
			t.Fatal(err)
		}
		s, err := Sobol(context.Background(), m, SobolOptions{N: 16, Seed: 5, Bootstrap: 50, Eval: EvalOptions{Workers: w}})
		if err != nil {
			t.Fatal(err)
		}
		m.scale = ClampedQuantiles
		mo, err := Morris(context.Background(), m, MorrisOptions{Trajectories: 3, Seed: 5, Bootstrap: 50, Eval: EvalOptions{Workers: w}})
		if err != nil {
			t.Fatal(err)
		}
		if w == 1 {
			refS, refM = fmt.Sprint(s), fmt.Sprint(mo)
			continue
		}
		if fmt.Sprint(s) != refS || fmt.Sprint(mo) != refM {
			t.Fatalf("workers %d differ from workers 1", w)
		}
	}
}

// Correlated inputs are refused with the file position of the first pair,
// unless the caller asks for independent draws.
func TestScenarioModelCorrelations(t *testing.T) {
	sc, _ := parseFile(t, "../scenario/testdata/params.yaml")
	_, err := NewScenarioModel(sc, ScenarioModelOptions{})
	if err == nil || !strings.Contains(err.Error(), "params.yaml:15:6: the scenario correlates p_war and war_cost: ") || !strings.Contains(err.Error(), "--ignore-correlations") {
		t.Fatalf("error %v", err)
	}
	m, err := NewScenarioModel(sc, ScenarioModelOptions{IgnoreCorrelations: true, Scale: ClampedQuantiles})
	if err != nil {
		t.Fatal(err)
	}
	// Derived and fixed parameters are not inputs.
	if fmt.Sprint(m.Inputs()) != "[p_clash p_war war_cost]" {
		t.Fatalf("inputs %v", m.Inputs())
	}
	if _, err := Morris(context.Background(), m, MorrisOptions{Trajectories: 4, Bootstrap: 10}); err != nil {
		t.Fatal(err)
	}
}
