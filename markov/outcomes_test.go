package markov

import (
	"context"
	"math"
	"testing"
)

// TestOutcomesSumToP checks on the memory-one test games that each node's
// outcomes are probabilities summing to 1, and that grouped by successor
// they give the node's row of P.
func TestOutcomesSumToP(t *testing.T) {
	g, p := tft(0.9, 0.3, 0.2, 0.6)
	c, err := BuildChainOutcomes(context.Background(), g, p)
	if err != nil {
		t.Fatal(err)
	}
	if !c.HasOutcomes() {
		t.Fatal("built with outcomes but HasOutcomes is false")
	}
	plain, err := BuildChain(context.Background(), g, p)
	if err != nil {
		t.Fatal(err)
	}
	if plain.HasOutcomes() {
		t.Fatal("BuildChain kept outcomes")
	}
	for x := 0; x < c.NumNodes(); x++ {
		lo, hi := c.OutcomeRange(x)
		if c.Terminal(x) {
			if lo != hi {
				t.Fatalf("terminal node %d has outcomes", x)
			}
			continue
		}
		row := map[int]float64{}
		sum := 0.0
		nj := g.NumJoint(c.State[x])
		for k := lo; k < hi; k++ {
			j, y, q := c.Outcome(x, k)
			if j < 0 || j >= nj || q <= 0 {
				t.Fatalf("node %d outcome %d: joint %d of %d, p %v", x, k, j, nj, q)
			}
			// The joint action's probability is the product of the
			// actors' play at x.
			kk := make([]int, len(g.Actors))
			g.Decode(c.State[x], j, kk)
			pj := 1.0
			for a := range g.Actors {
				pj *= c.Dist(x, a)[kk[a]]
			}
			if q > pj+1e-15 {
				t.Fatalf("node %d: outcome p %v above its joint action's %v", x, q, pj)
			}
			row[y] += q
			sum += q
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Fatalf("node %d: outcomes sum to %v", x, sum)
		}
		for i := c.RowPtr[x]; i < c.RowPtr[x+1]; i++ {
			if math.Abs(row[int(c.Col[i])]-c.P[i]) > 1e-15 {
				t.Fatalf("node %d -> %d: outcomes give %v, P %v", x, c.Col[i], row[int(c.Col[i])], c.P[i])
			}
		}
	}
}
