package game

import (
	"math/big"
	"testing"
)

// matchingPennies is the textbook game whose only equilibrium is (1/2, 1/2).
func matchingPennies(t *testing.T) *Strategic {
	t.Helper()
	g, err := NewStrategic([]string{"1", "2"}, [][]string{{"H", "T"}, {"H", "T"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ a, b, u int64 }{{0, 0, 1}, {1, 0, -1}, {0, 1, -1}, {1, 1, 1}} {
		k := g.ProfileIndex([]int{int(c.a), int(c.b)})
		g.SetPayoff(k, 0, big.NewRat(c.u, 1))
		g.SetPayoff(k, 1, big.NewRat(-c.u, 1))
	}
	return g
}

func TestRegret(t *testing.T) {
	g := matchingPennies(t)
	tests := []struct {
		name  string
		sigma [][]float64
		want  float64
	}{
		{"equilibrium", [][]float64{{0.5, 0.5}, {0.5, 0.5}}, 0},
		{"pure", [][]float64{{1, 0}, {1, 0}}, 2},
		{"mixed", [][]float64{{0.75, 0.25}, {0.5, 0.5}}, 0.5},
	}
	for _, tt := range tests {
		if got := g.Regret(tt.sigma); got != tt.want {
			t.Errorf("%s: regret %v, want %v", tt.name, got, tt.want)
		}
	}
	half := big.NewRat(1, 2)
	r, err := g.ExactRegret([][]*big.Rat{{half, half}, {half, half}})
	if err != nil || r.Sign() != 0 {
		t.Fatalf("exact regret %v, %v", r, err)
	}
}

func TestProfileIndexGambitOrder(t *testing.T) {
	g, _ := NewStrategic([]string{"a", "b", "c"}, [][]string{{"1", "2"}, {"1", "2", "3"}, {"1", "2"}})
	if g.NumProfiles() != 12 {
		t.Fatalf("profiles %d", g.NumProfiles())
	}
	if k := g.ProfileIndex([]int{1, 2, 1}); k != 1+2*2+1*6 {
		t.Fatalf("index %d", k)
	}
}

func TestNewStrategicErrors(t *testing.T) {
	if _, err := NewStrategic(nil, nil); err == nil {
		t.Error("no players accepted")
	}
	if _, err := NewStrategic([]string{"a"}, [][]string{{}}); err == nil {
		t.Error("empty strategy set accepted")
	}
}

// Payoffs set directly leave no stale rationals behind: the game becomes
// a float game, and stays one until its exact payoffs are set again.
func TestExactNeverStale(t *testing.T) {
	g, err := NewStrategic([]string{"a", "b"}, [][]string{{"x", "y"}, {"x", "y"}})
	if err != nil {
		t.Fatal(err)
	}
	if !g.IsExact() || g.Exact()[3].Sign() != 0 {
		t.Fatal("a new game is exact, all zeros")
	}
	g.SetPayoff(1, 0, big.NewRat(1, 3))
	if ex := g.Exact(); ex == nil || ex[2].Cmp(big.NewRat(1, 3)) != 0 || g.Payoffs[2] != 1.0/3 {
		t.Fatalf("SetPayoff keeps the game exact: %v %v", ex, g.Payoffs)
	}
	g.Payoffs[5] = 2 // as several tests did
	if g.IsExact() || g.Exact() != nil {
		t.Fatal("payoffs set directly: the rationals are stale and must not be reported")
	}
	g.SetPayoff(0, 0, big.NewRat(1, 1))
	if g.Exact() != nil {
		t.Fatal("SetPayoff after a direct change: still stale")
	}
	vals := make([]*big.Rat, len(g.Payoffs))
	for i := range vals {
		vals[i] = big.NewRat(int64(i), 7)
	}
	if err := g.SetExact(vals); err != nil {
		t.Fatal(err)
	}
	if ex := g.Exact(); ex == nil || g.Payoffs[5] != 5.0/7 {
		t.Fatalf("SetExact: %v %v", ex, g.Payoffs)
	}
	g.Payoffs[5] = 5.0 / 7 // the same value: still in step
	if g.Exact() == nil {
		t.Fatal("rewriting a payoff with its own value made the game inexact")
	}
	g.SetPayoffFloat(0, 1, 0.5)
	if g.Exact() != nil {
		t.Fatal("SetPayoffFloat: no longer exact")
	}
	if err := g.SetExact(vals[:3]); err == nil {
		t.Fatal("SetExact with too few values accepted")
	}
}
