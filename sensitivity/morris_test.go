package sensitivity

import (
	"context"
	"fmt"
	"math"
	"testing"
)

// On a linear model every elementary effect of input i is its coefficient
// (per unit of the unit scale): μ = b_i, μ* = |b_i|, σ = 0, whatever the
// trajectories, and μ* ranks the inputs by |b_i|.
func TestMorrisLinear(t *testing.T) {
	b := []float64{0.5, -3, 0, 10, 1.5, -0.25}
	m := funcModel{len(b), func(u []float64) float64 {
		s := 7.0
		for i, x := range u {
			s += b[i] * x
		}
		return s
	}}
	res, err := Morris(context.Background(), m, MorrisOptions{Trajectories: 10, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range res.Outputs[0].Effects {
		if math.Abs(e.Mu-b[i]) > 1e-12 || math.Abs(e.MuStar-math.Abs(b[i])) > 1e-12 || e.Sigma > 1e-12 {
			t.Errorf("%s: μ %v μ* %v σ %v, want %v, %v, 0", e.Input, e.Mu, e.MuStar, e.Sigma, b[i], math.Abs(b[i]))
		}
	}
	want := []string{"x4", "x2", "x5", "x1", "x6", "x3"}
	for i, e := range res.Outputs[0].Ranked() {
		if e.Input != want[i] {
			t.Fatalf("ranking %v, want %v", res.Outputs[0].Ranked(), want)
		}
	}
}

// An interaction shows as σ > 0 on both inputs; an input the output does
// not read has μ* = σ = 0.
func TestMorrisInteraction(t *testing.T) {
	m := funcModel{3, func(u []float64) float64 { return u[0] * u[1] }}
	res, err := Morris(context.Background(), m, MorrisOptions{Trajectories: 30, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	e := res.Outputs[0].Effects
	if !(e[0].Sigma > 0.1 && e[1].Sigma > 0.1) || e[2].MuStar != 0 || e[2].Sigma != 0 {
		t.Fatalf("effects %+v", e)
	}
	// EE of x1 is x2 on the grid {0, 1/3, 2/3, 1}: μ* between 0 and 1.
	if !(e[0].MuStar > 0.2 && e[0].MuStar < 0.8) || !(e[0].MuStarCI[0] <= e[0].MuStar && e[0].MuStar <= e[0].MuStarCI[1]) {
		t.Fatalf("μ* of x1 %v, interval %v", e[0].MuStar, e[0].MuStarCI)
	}
}

// Each trajectory stays on the grid and moves every input exactly once, by
// exactly Δ.
func TestMorrisDesign(t *testing.T) {
	for _, p := range []int{2, 4, 6} {
		d, err := NewMorrisDesign(5, 7, p, 11)
		if err != nil {
			t.Fatal(err)
		}
		prev, u := make([]float64, 5), make([]float64, 5)
		for r := 0; r < d.Rows(); r++ {
			d.Point(r, u)
			for _, x := range u {
				l := x * float64(p-1)
				if x < 0 || x > 1 || math.Abs(l-math.Round(l)) > 1e-9 {
					t.Fatalf("p=%d row %d: %v off the grid", p, r, u)
				}
			}
			if r%6 != 0 {
				moved := 0
				for i := range u {
					if u[i] != prev[i] {
						moved++
						if math.Abs(math.Abs(u[i]-prev[i])-d.Delta()) > 1e-12 {
							t.Fatalf("p=%d row %d: input %d moved by %v, Δ=%v", p, r, i, u[i]-prev[i], d.Delta())
						}
					}
				}
				if moved != 1 {
					t.Fatalf("p=%d row %d: %d inputs moved", p, r, moved)
				}
			} else if r > 0 {
				// The trajectory before moved each input once: it ends
				// Δ away from its start in every coordinate.
				start := make([]float64, 5)
				d.Point(r-6, start)
				for i := range start {
					if math.Abs(math.Abs(prev[i]-start[i])-d.Delta()) > 1e-12 {
						t.Fatalf("p=%d trajectory ending at row %d: input %d moved %v", p, r-1, i, prev[i]-start[i])
					}
				}
			}
			copy(prev, u)
		}
	}
	for _, c := range []struct{ k, r, p int }{{0, 5, 4}, {3, 1, 4}, {3, 5, 3}, {3, 5, 0}} {
		if _, err := NewMorrisDesign(c.k, c.r, c.p, 1); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}

func TestMorrisWorkers(t *testing.T) {
	var ref string
	for _, w := range []int{1, 2, 8} {
		res, err := Morris(context.Background(), funcModel{3, ishigami}, MorrisOptions{Seed: 3, Eval: EvalOptions{Workers: w}})
		if err != nil {
			t.Fatal(err)
		}
		if s := fmt.Sprint(res); ref == "" {
			ref = s
		} else if s != ref {
			t.Fatalf("workers %d differ", w)
		}
	}
}
