package gen

import (
	"math/big"
	"testing"
)

func TestPokerShapes(t *testing.T) {
	tests := []struct {
		name            string
		nodes, infosets int // per player
	}{
		// Kuhn: 6 deals; P1 acts at "" and "cb", P2 at "c" and "b", per card
		{"kuhn", 55, 6},
		// Leduc: per card, 3 first-round histories per player, and 5
		// first-round endings × 3 public cards × 3 second-round histories
		{"leduc", 9451, 144},
	}
	for _, tt := range tests {
		tr := Kuhn()
		if tt.name == "leduc" {
			tr = Leduc()
		}
		if err := tr.PerfectRecall(); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if len(tr.Nodes) != tt.nodes || len(tr.PlayerInfosets[0]) != tt.infosets || len(tr.PlayerInfosets[1]) != tt.infosets {
			t.Errorf("%s: %d nodes, %d and %d infosets; want %d, %d", tt.name, len(tr.Nodes), len(tr.PlayerInfosets[0]), len(tr.PlayerInfosets[1]), tt.nodes, tt.infosets)
		}
		for _, o := range tr.Outcomes {
			if new(big.Rat).Add(o.Exact[0], o.Exact[1]).Sign() != 0 {
				t.Errorf("%s: outcome %q is not zero-sum", tt.name, o.Label)
			}
		}
		// uniform play: every leaf reached, probabilities sum to 1
		u := tr.Payoffs(tr.UniformBehaviour())
		if u[0]+u[1] != 0 {
			t.Errorf("%s: payoffs %v", tt.name, u)
		}
	}
}

func TestThreatPayoffs(t *testing.T) {
	p := DefaultThreat()
	p.AudienceCost = big.NewRat(3, 2)
	tr, err := Threat(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Nodes) != 7 || !tr.IsPerfectInformation() {
		t.Fatalf("%d nodes", len(tr.Nodes))
	}
	// backing down costs the challenger the audience cost
	found := false
	for _, o := range tr.Outcomes {
		if o.Label == "challenger backs down" {
			found = o.Exact[0].Cmp(big.NewRat(-3, 2)) == 0
		}
	}
	if !found {
		t.Error("backing down does not cost the audience cost")
	}
	if _, err := Threat(ThreatParams{}); err == nil {
		t.Error("missing parameters accepted")
	}
}
