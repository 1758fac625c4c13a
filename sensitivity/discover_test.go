package sensitivity

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/scenario"
)

// Discover recovers the box planted in a scenario file (the whole path:
// draws, probe, hypothesis, PRIM).
func TestDiscoverPlantedBox(t *testing.T) {
	sc, _ := parseFile(t, "testdata/planted-box.yaml")
	res, err := Discover(context.Background(), sc, DiscoverOptions{Draws: 2000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Discoveries) != 1 {
		t.Fatalf("%d discoveries", len(res.Discoveries))
	}
	d := res.Discoveries[0]
	if d.Hypothesis != "H1" || math.Abs(d.BaseDensity-0.16) > 0.03 {
		t.Fatalf("H1 holds in %v of draws, want about 0.16", d.BaseDensity)
	}
	if len(d.Restrictions) != 2 {
		t.Fatalf("restrictions %v", d.Restrictions)
	}
	want := map[string][2]float64{"a": {0.2, 0.6}, "b": {0.5, 0.9}}
	for _, r := range d.Restrictions {
		w := want[r.Input]
		if math.Abs(r.Lo-w[0]) > 0.02 || math.Abs(r.Hi-w[1]) > 0.02 {
			t.Errorf("%v, want %v", r, w)
		}
	}
	if d.Box.Density != 1 || d.Box.Coverage < 0.9 {
		t.Errorf("box density %v coverage %v", d.Box.Density, d.Box.Coverage)
	}
	// Where it fails is the complement of a box: every trim of the whole
	// space removes only failures, so no box is denser than the whole.
	res, err = Discover(context.Background(), sc, DiscoverOptions{Draws: 500, Seed: 1, Fails: true})
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Discoveries[0]; !f.Fails || len(f.Restrictions) != 0 || f.Note == "" || f.Box.Density != f.BaseDensity {
		t.Errorf("fails: %d restrictions, note %q, base %v box %v", len(f.Restrictions), f.Note, f.BaseDensity, f.Box.Density)
	}
}

func TestDiscoverWorkers(t *testing.T) {
	sc, _ := parseFile(t, "../scenarios/us-iran-2026.yaml")
	var ref string
	for _, w := range []int{1, 2, 8} {
		res, err := Discover(context.Background(), sc, DiscoverOptions{Hypotheses: []string{"H12"}, Draws: 200, Seed: 3, Eval: EvalOptions{Workers: w}})
		if err != nil {
			t.Fatal(err)
		}
		s := fmt.Sprint(res.Discoveries[0].Restrictions, res.Discoveries[0].Trajectory)
		if ref == "" {
			ref = s
		} else if s != ref {
			t.Fatalf("workers %d differ", w)
		}
	}
}

// Discover over an analysis's verdicts (AnalysisReport.Verdicts, as the
// report and the demo run it) finds what it finds evaluating the
// hypotheses again on the same draws: the verdicts are the same draw by
// draw, and so are the boxes. With verdicts that do not cover the run
// (other draws, a subset of hypotheses) it evaluates.
func TestDiscoverOverAnalysisVerdicts(t *testing.T) {
	ctx := context.Background()
	sc, _ := parseFile(t, "../scenarios/us-iran-2026.yaml")
	const draws = 40
	ar, err := scenario.Analyze(ctx, sc, scenario.AnalyzeOptions{Draws: draws, Seed: 1, States: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ar.Verdicts) != len(sc.Hypotheses) {
		t.Fatalf("%d hypotheses' verdicts kept, want %d", len(ar.Verdicts), len(sc.Hypotheses))
	}
	ids, holds, err := HypothesisDraws(ctx, sc, nil, draws, 1, equilibrium.Options{}, EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mixed := 0
	for h := range ids {
		if !slices.Equal(holds[h], ar.Verdicts[h]) {
			t.Errorf("%s: analyze %v, evaluated again %v", ids[h], ar.Verdicts[h], holds[h])
		}
		if slices.Contains(holds[h], true) && slices.Contains(holds[h], false) {
			mixed++
		}
	}
	if mixed == 0 {
		t.Fatal("no hypothesis both holds and fails on these draws: the comparison says little")
	}
	fresh, err := Discover(ctx, sc, DiscoverOptions{Draws: draws, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	reused, err := Discover(ctx, sc, DiscoverOptions{Draws: draws, Seed: 1, Verdicts: ar.Verdicts})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fresh, reused) {
		t.Errorf("over the analysis's verdicts:\n%+v\nevaluated again:\n%+v", *reused.Discoveries[0].PrimResult, *fresh.Discoveries[0].PrimResult)
	}
	// Verdicts of the wrong length are not used: every hypothesis flipped
	// would change the boxes if they were.
	flipped := make([][]bool, len(ar.Verdicts))
	for h, v := range ar.Verdicts {
		for _, b := range v[:draws-1] {
			flipped[h] = append(flipped[h], !b)
		}
	}
	other, err := Discover(ctx, sc, DiscoverOptions{Draws: draws, Seed: 1, Verdicts: flipped})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fresh, other) {
		t.Errorf("verdicts of %d draws were used for a run of %d", draws-1, draws)
	}
}
