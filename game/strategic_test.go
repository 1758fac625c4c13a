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
