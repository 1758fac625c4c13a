package sensitivity

import (
	"context"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// Discover runs PRIM on a hypothesis with draws: N over the first N draws:
// H3 of subsample.yaml (H1 on the first 13 draws) gets exactly the box
// H1 gets from a discovery over 13 draws.
func TestDiscoverSubsample(t *testing.T) {
	src, err := os.ReadFile("../scenario/testdata/subsample.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc := parseSrc(t, "subsample.yaml", src)
	ctx := context.Background()
	big, err := Discover(ctx, sc, DiscoverOptions{Hypotheses: []string{"H1", "H3"}, Draws: 200, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	small, err := Discover(ctx, sc, DiscoverOptions{Hypotheses: []string{"H1"}, Draws: 13, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	h1, h3 := big.Discoveries[0], big.Discoveries[1]
	if h1.EvaluatedDraws != 0 || h1.Points != 200 {
		t.Fatalf("H1 over every draw: %+v", h1)
	}
	if h3.EvaluatedDraws != 13 {
		t.Errorf("H3: evaluated draws %d, want 13", h3.EvaluatedDraws)
	}
	if !reflect.DeepEqual(h3.PrimResult, small.Discoveries[0].PrimResult) {
		t.Errorf("H3 over the first 13 of 200 draws:\n%+v\nH1 over 13 draws:\n%+v", h3.PrimResult, small.Discoveries[0].PrimResult)
	}
}

// A Morris or Sobol design leaves out the hypotheses with draws: unless
// they are named, and says why.
func TestGlobalLeavesOutSubsampled(t *testing.T) {
	src, err := os.ReadFile("../scenario/testdata/subsample.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc := parseSrc(t, "subsample.yaml", src)
	m, err := NewScenarioModel(sc, ScenarioModelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.LeftOut, []string{"H3", "H4"}) || slices.Contains(m.Outputs(), "H3") || slices.Contains(m.Outputs(), `time("war", "baseline")`) {
		t.Errorf("left out %v, outputs %v: want H3, H4 and their quantities out", m.LeftOut, m.Outputs())
	}
	if note := m.LeftOutNote(); !strings.Contains(note, "H3, H4 left out: they have `draws:`") || !strings.Contains(note, "--hypothesis") {
		t.Errorf("note %q", note)
	}
	named, err := NewScenarioModel(sc, ScenarioModelOptions{Hypotheses: []string{"H4"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(named.LeftOut) != 0 || !slices.Contains(named.Outputs(), "H4") {
		t.Errorf("named H4: left out %v, outputs %v", named.LeftOut, named.Outputs())
	}
	// Named, it is evaluated at every design point (row 40 > its 9 draws).
	y := make([]float64, len(named.Outputs()))
	if err := named.Eval(context.Background(), 40, []float64{0.01}, y); err != nil {
		t.Fatal(err)
	}
	if y[len(y)-1] != 1 { // p_war at its 1% quantile: time(war) = 1/p > 8
		t.Errorf("H4 at a low p_war: %v, want 1", y)
	}
}
