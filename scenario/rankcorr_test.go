package scenario

import (
	"context"
	"math"
	"testing"
)

func TestSpearman(t *testing.T) {
	for _, c := range []struct {
		x, y []float64
		want float64
	}{
		{[]float64{1, 2, 3, 4, 5}, []float64{1, 4, 9, 16, 25}, 1},
		{[]float64{1, 2, 3, 4, 5}, []float64{5, 4, 3, 2, 1}, -1},
		// Ties take their average rank (scipy.stats.spearmanr gives
		// 0.8207826816681233 for these).
		{[]float64{1, 2, 3, 4, 5}, []float64{5, 6, 7, 8, 7}, 8 / math.Sqrt(95)},
		// NaN pairs are left out.
		{[]float64{1, 2, math.NaN(), 3, 4}, []float64{2, 4, 1, 6, 8}, 1},
	} {
		if got := spearman(c.x, c.y); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("spearman(%v, %v) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
	if got := spearman([]float64{1, 2, 3}, []float64{1, 1, 1}); !math.IsNaN(got) {
		t.Errorf("constant output: %v, want NaN", got)
	}
}

// On the linear model (y = 7 + 0.5x1 − 3x2 + 0·x3 + 10x4 + 1.5x5, uniform
// inputs) x5 carries most of the variance: its rank correlation with y is
// near 1, x2's is negative, x3's near 0.
func TestAnalyzeRankCorrelations(t *testing.T) {
	sc := loadFile(t, "../sensitivity/testdata/linear.yaml")
	rep, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: 2000, Seed: 1, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	rc := rep.RankCorrelations
	if rc == nil || rc.Draws != 2000 || len(rc.Parameters) != 5 || len(rc.Outputs) != 2 {
		t.Fatalf("rank correlations %+v", rc)
	}
	y := rc.Outputs[0]
	if y.Output != `value("A", "f")` || y.Kind != "quantity" || rc.Outputs[1].Kind != "hypothesis" {
		t.Fatalf("outputs %+v", rc.Outputs)
	}
	rho := map[string]float64{}
	for i, p := range rc.Parameters {
		rho[p] = float64(y.Spearman[i])
	}
	// Var shares: x5 3/3.354, x2 0.1875/3.354, x1 and x4 0.0833/3.354.
	if !(rho["x5"] > 0.9 && rho["x2"] < -0.1 && rho["x1"] > 0.05 && rho["x4"] > 0.05 && math.Abs(rho["x3"]) < 0.06) {
		t.Fatalf("correlations %v", rho)
	}
	names, _ := rc.Strongest(y, 2)
	if len(names) != 2 || names[0] != "x5" || names[1] != "x2" {
		t.Fatalf("strongest %v", names)
	}
	// A fixed scenario has none.
	fixed := loadFile(t, "../examples/two-state.yaml")
	rep, err = Analyze(context.Background(), fixed, AnalyzeOptions{})
	if err != nil || rep.RankCorrelations != nil {
		t.Fatalf("fixed scenario: %v, %v", rep.RankCorrelations, err)
	}
}
