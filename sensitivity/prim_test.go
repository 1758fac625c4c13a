package sensitivity

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// plantedBox draws n uniform points in [0,1]^k; the event has probability
// pIn inside [0.2, 0.6] × [0.5, 0.9] (the first two inputs) and pOut
// outside.
func plantedBox(n, k int, pIn, pOut float64, seed uint64) ([]string, [][]float64, []bool) {
	rng := rand.New(rand.NewPCG(seed, 1))
	inputs := make([]string, k)
	for j := range inputs {
		inputs[j] = string(rune('a' + j))
	}
	x := make([][]float64, n)
	ev := make([]bool, n)
	for i := range x {
		x[i] = make([]float64, k)
		for j := range x[i] {
			x[i][j] = rng.Float64()
		}
		in := x[i][0] >= 0.2 && x[i][0] <= 0.6 && x[i][1] >= 0.5 && x[i][1] <= 0.9
		p := pOut
		if in {
			p = pIn
		}
		ev[i] = rng.Float64() < p
	}
	return inputs, x, ev
}

func TestPrimPlantedBox(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		inputs, x, ev := plantedBox(3000, 6, 0.95, 0.03, seed)
		res, err := Prim(context.Background(), inputs, x, ev, PrimOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Restrictions) != 2 {
			t.Fatalf("seed %d: restrictions %v (dropped %v), want a and b only", seed, res.Restrictions, res.Dropped)
		}
		want := map[string][2]float64{"a": {0.2, 0.6}, "b": {0.5, 0.9}}
		for _, r := range res.Restrictions {
			w, ok := want[r.Input]
			if !ok || math.Abs(r.Lo-w[0]) > 0.03 || math.Abs(r.Hi-w[1]) > 0.03 || r.PValue > 1e-6 {
				t.Errorf("seed %d: restriction %v (p %.2g), want %v", seed, r, r.PValue, w)
			}
			if r.DensityWithout >= res.Box.Density {
				t.Errorf("seed %d: %s: density without it %v not below %v", seed, r.Input, r.DensityWithout, res.Box.Density)
			}
		}
		// Inside the planted box the event has probability 0.95; the box
		// found should be about that dense and catch most events
		// (0.16·0.95 / (0.16·0.95 + 0.84·0.03) ≈ 86% of events are inside).
		if res.Box.Density < 0.88 || res.Box.Coverage < 0.75 {
			t.Errorf("seed %d: box density %.3f coverage %.3f", seed, res.Box.Density, res.Box.Coverage)
		}
		// The trajectory trades coverage for density from the whole space.
		tr := res.Trajectory
		if tr[0].Coverage != 1 || tr[0].Mass != 1 || math.Abs(tr[0].Density-res.BaseDensity) > 1e-12 {
			t.Errorf("seed %d: first box %+v", seed, tr[0])
		}
		for i := 1; i < len(tr); i++ {
			if tr[i].Points >= tr[i-1].Points || tr[i].Coverage > tr[i-1].Coverage {
				t.Fatalf("seed %d: box %d (%d points, coverage %v) after %d points, coverage %v", seed, i, tr[i].Points, tr[i].Coverage, tr[i-1].Points, tr[i-1].Coverage)
			}
			if tr[i].Mass < 0.05 {
				t.Fatalf("seed %d: box %d below the minimum mass: %v", seed, i, tr[i].Mass)
			}
		}
	}
}

// Discrete inputs (few values, many ties) are peeled a value at a time.
func TestPrimDiscrete(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	var x [][]float64
	var ev []bool
	for i := 0; i < 1000; i++ {
		a, b := float64(rng.IntN(4)), rng.Float64()
		x = append(x, []float64{a, b})
		ev = append(ev, a >= 2 && rng.Float64() < 0.9)
	}
	res, err := Prim(context.Background(), []string{"level", "noise"}, x, ev, PrimOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Restrictions) != 1 || res.Restrictions[0].Input != "level" || res.Restrictions[0].Lo != 2 || !math.IsInf(res.Restrictions[0].Hi, 1) {
		t.Fatalf("restrictions %v", res.Restrictions)
	}
	if got := res.String(); got != "level ≥ 2" {
		t.Fatalf("text %q", got)
	}
}

func TestPrimEdgeCases(t *testing.T) {
	x := [][]float64{{1}, {2}, {3}}
	res, err := Prim(context.Background(), []string{"a"}, x, []bool{false, false, false}, PrimOptions{})
	if err != nil || res.Note == "" || len(res.Trajectory) != 0 {
		t.Fatalf("no events: %+v, %v", res, err)
	}
	res, err = Prim(context.Background(), []string{"a"}, x, []bool{true, true, true}, PrimOptions{})
	if err != nil || res.Note == "" || res.Box.Density != 1 || len(res.Restrictions) != 0 {
		t.Fatalf("all events: %+v, %v", res, err)
	}
	if _, err := Prim(context.Background(), []string{"a"}, x, []bool{true}, PrimOptions{}); err == nil {
		t.Fatal("length mismatch accepted")
	}
	if _, err := Prim(context.Background(), []string{"a"}, [][]float64{{math.NaN()}}, []bool{true}, PrimOptions{}); err == nil {
		t.Fatal("NaN accepted")
	}
	if _, err := Prim(context.Background(), []string{"a"}, x, []bool{true, false, true}, PrimOptions{Alpha: 0.7}); err == nil {
		t.Fatal("alpha 0.7 accepted")
	}
}

func BenchmarkPrim(b *testing.B) {
	inputs, x, ev := plantedBox(2000, 33, 0.95, 0.03, 1)
	for b.Loop() {
		if _, err := Prim(context.Background(), inputs, x, ev, PrimOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
