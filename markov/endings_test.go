package markov

import (
	"context"
	"math"
	"testing"
)

// trapGame: from A the process ends in E with probability p per step,
// falls into the non-terminal trap T (never left) with probability q, and
// stays in A otherwise.
func trapGame(p, q float64) (*Game, Profile) {
	g := &Game{
		Actors:     []Actor{{ID: "X", Discount: 0.9, Weights: []float64{1}}},
		Components: []string{"m"},
		States:     []State{{ID: "A"}, {ID: "T"}, {ID: "E", Terminal: true}},
		Actions:    [][]string{{"go"}},
		Avail:      [][][]int{{{0}}, {{0}}, nil},
		Trans:      [][][]Next{{{{0, 1 - p - q}, {1, q}, {2, p}}}, {{{1, 1}}}, nil},
		Flow:       [][][]float64{{{0}}, {{0}}, nil},
		Entry:      [][]float64{nil, nil, nil},
	}
	return g, Profile{{Base: [][]float64{{1}, {1}, nil}}}
}

// TestEndingsAccountForEveryPath: within the horizon, endings plus the
// unresolved share sum to 1; eventually, endings plus the share that never
// ends sum to 1; both against closed forms.
func TestEndingsAccountForEveryPath(t *testing.T) {
	const p, q, H = 0.05, 0.02, 30
	for _, dense := range []int{0, -1} {
		g, prof := trapGame(p, q)
		c, err := BuildChain(context.Background(), g, prof)
		if err != nil {
			t.Fatal(err)
		}
		an, err := c.Analyze(context.Background(), AnalyzeOptions{Horizon: H, denseLimit: dense})
		if err != nil {
			t.Fatal(err)
		}
		r := 1 - p - q
		rH := math.Pow(r, H)
		near(t, "eventually E", an.Absorb[2], p/(p+q))
		near(t, "never ends", an.NeverEnds, q/(p+q))
		near(t, "within horizon E", an.AtHorizon[2], p/(p+q)*(1-rH))
		near(t, "at horizon in A", an.AtHorizon[0], rH)
		near(t, "at horizon in T", an.AtHorizon[1], q/(p+q)*(1-rH))
		near(t, "unresolved", an.Unresolved(g), 1-p/(p+q)*(1-rH))
		near(t, "within + unresolved", an.AtHorizon[2]+an.Unresolved(g), 1)
		near(t, "eventually + never", an.Absorb[2]+an.NeverEnds, 1)
	}
}

// TestNeverEndsZeroWhenEveryStateCanEnd: a chain that ends almost surely
// reports exactly 0, not rounding noise.
func TestNeverEndsZeroWhenEveryStateCanEnd(t *testing.T) {
	g, prof := threeState(0.3, 0.2, 0.1)
	an, err := Analyze(context.Background(), g, prof, 10)
	if err != nil {
		t.Fatal(err)
	}
	if an.NeverEnds != 0 {
		t.Errorf("never ends = %g, want exactly 0", an.NeverEnds)
	}
	g, prof = trapGame(0, 0.1) // the ending cannot be reached at all
	an, err = Analyze(context.Background(), g, prof, 10)
	if err != nil {
		t.Fatal(err)
	}
	if an.NeverEnds != 1 || an.Absorb[2] != 0 {
		t.Errorf("never ends = %g, absorb = %g; want 1 and 0", an.NeverEnds, an.Absorb[2])
	}
}
