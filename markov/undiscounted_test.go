package markov

import (
	"context"
	"math"
	"testing"
)

// TestUndiscountedFiniteHorizon: a truce costs 1.5 per step and ends in
// war (entry -20) with probability p per step. Over the first T steps,
// undiscounted, the expected cost is Σ_{t<T} (1-p)^t·1.5 = 1.5·(1-(1-p)^T)/p
// from the flows plus -20·(1-(1-p)^T) from entering war by step T. The
// value without horizon is undefined (NaN); the truncated values at other
// steps and with a discount below 1 follow the same sums with δ^t.
func TestUndiscountedFiniteHorizon(t *testing.T) {
	const p, flow, entry, H = 0.07, 1.5, -20.0, 52
	for _, delta := range []float64{1, 0.97} {
		g, prof := twoState(p, flow, entry, delta)
		a, err := AnalyzeWith(context.Background(), g, prof, AnalyzeOptions{Horizon: H, ValueSteps: []int{0, 1, 10, H, 10}})
		if err != nil {
			t.Fatal(err)
		}
		want := func(T int) float64 {
			v := 0.0
			for s := 0; s < T; s++ {
				v += math.Pow(delta, float64(s)) * math.Pow(1-p, float64(s)) * flow
				v += math.Pow(delta, float64(s+1)) * math.Pow(1-p, float64(s)) * p * entry
			}
			return v
		}
		if delta == 1 {
			near(t, "closed form at H", want(H), flow*(1-math.Pow(1-p, H))/p+entry*(1-math.Pow(1-p, H)))
			if !math.IsNaN(a.Value[0][0]) || !math.IsNaN(a.Total[0]) {
				t.Errorf("undiscounted value without horizon = %v, want NaN", a.Value[0][0])
			}
		} else {
			near(t, "value", a.Value[0][0], (flow+delta*p*entry)/(1-delta*(1-p)))
		}
		for _, T := range []int{0, 1, 10, H} {
			near(t, "value_at", a.ValueAt[T][0][0], want(T))
			near(t, "total_at", a.TotalAt[T][0], 2*want(T))
		}
		if a.ValueAt[H][0][0] != a.ValueBy[0][0] {
			t.Errorf("ValueAt[H] %v != ValueBy %v", a.ValueAt[H][0][0], a.ValueBy[0][0])
		}
		if len(a.ValueAt) != 4 {
			t.Errorf("ValueAt has %d steps, want 4", len(a.ValueAt))
		}
	}
	g, prof := twoState(p, flow, entry, 1)
	if _, err := AnalyzeWith(context.Background(), g, prof, AnalyzeOptions{Horizon: H, ValueSteps: []int{H + 1}}); err == nil {
		t.Error("a value beyond the horizon was accepted")
	}
	if err := g.ValidateDiscounted(); err == nil {
		t.Error("ValidateDiscounted accepts discount 1")
	}
}
