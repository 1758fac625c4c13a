package equilibrium

import (
	"context"
	"math"
	"testing"

	"github.com/truce-dev/truce/markov"
	"pgregory.net/rapid"
)

// drawCommitPlay draws a play over k actions: pure (the rows the search
// keeps for every commitment) or mixed.
func drawCommitPlay(t *rapid.T, k int, label string) []float64 {
	x := make([]float64, k)
	if rapid.Bool().Draw(t, label+" pure") {
		x[rapid.IntRange(0, k-1).Draw(t, label+" action")] = 1
		return x
	}
	tot := 0.0
	for i := range x {
		x[i] = float64(rapid.IntRange(0, 4).Draw(t, label+" weight"))
		tot += x[i]
	}
	if tot == 0 {
		x[0], tot = 1, 1
	}
	for i := range x {
		x[i] /= tot
	}
	return x
}

// sameBits fails unless a and b hold the same numbers to the bit.
func sameBits(t *rapid.T, what string, a, b []float64) {
	if len(a) != len(b) {
		t.Fatalf("%s: %d values, want %d", what, len(a), len(b))
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			t.Fatalf("%s[%d] = %v, want %v (the full evaluation's)", what, i, a[i], b[i])
		}
	}
}

// TestCommitEvalMatchesFull checks the commitment search's evaluator
// (commit_eval.go) against the plain evaluation it replaces, the follower's
// best response with ties broken for the leader on the commitment's own
// node graph (strongResponseOn): on random clocked games, a random
// commitment (pure or mixed, stationary or by step) and then a random
// change of one state's play at one step, as the improvement step makes,
// must give the follower's values, its optimal actions and the leader's
// values to the bit. A change that keeps steps after it but solves them
// wrongly, or a row kept from a pure play for the wrong tables, fails.
func TestCommitEvalMatchesFull(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		nS := rapid.IntRange(1, 4).Draw(t, "states")
		g := mpeRandomGame(rapid.Uint64().Draw(t, "seed"), nS, 2, rapid.IntRange(2, 3).Draw(t, "actions"), 0.9)
		drawClock(t, g)
		C := g.Clock
		L := rapid.IntRange(0, 1).Draw(t, "leader")
		F := 1 - L
		ctx := context.Background()
		sig := make([][]float64, len(g.States))
		for s := range nS {
			sig[s] = drawCommitPlay(t, len(g.Avail[s][L]), "stationary")
		}
		var timed [][][]float64
		if rapid.Bool().Draw(t, "timed") {
			timed = make([][][]float64, C)
			for ph := range timed {
				if rapid.Bool().Draw(t, "timed step") {
					timed[ph] = make([][]float64, len(g.States))
					for s := range nS {
						timed[ph][s] = drawCommitPlay(t, len(g.Avail[s][L]), "timed")
					}
				}
			}
		}
		follower := iranUniform(g, F)
		reference := func(sig [][]float64, timed [][][]float64) ([]float64, [][]int, []float64) {
			p := make(markov.Profile, 2)
			p[L], p[F] = markov.Strategy{Base: sig, Timed: timed}, follower
			c, err := credBuild(ctx, g, p)
			if err != nil {
				t.Fatal(err)
			}
			r, VL, err := strongResponseOn(ctx, c, F, L, false)
			if err != nil {
				t.Fatal(err)
			}
			V := make([]float64, len(r.Nodes))
			best := make([][]int, len(r.Nodes))
			for n, nd := range r.Nodes {
				V[n], best[n] = nd.Value, nd.Best
			}
			return V, best, VL
		}
		check := func(what string, cr *commitCore, sig [][]float64, timed [][][]float64) {
			V, best, VL := reference(sig, timed)
			sameBits(t, what+": follower's values", cr.V, V)
			sameBits(t, what+": leader's values", cr.VL, VL)
			for n := range best {
				if len(best[n]) != len(cr.best[n]) {
					t.Fatalf("%s: node %d: optimal actions %v, want %v", what, n, cr.best[n], best[n])
				}
				for i := range best[n] {
					if best[n][i] != cr.best[n][i] {
						t.Fatalf("%s: node %d: optimal actions %v, want %v", what, n, cr.best[n], best[n])
					}
				}
			}
		}
		p := make(markov.Profile, 2)
		p[L], p[F] = markov.Strategy{Base: sig, Timed: timed}, follower
		c, err := credBuild(ctx, g, p)
		if err != nil {
			t.Fatal(err)
		}
		ev := newCommitEvaluator(c, L, F)
		cr, err := ev.full(ctx, sig, timed)
		if err != nil {
			t.Fatal(err)
		}
		check("full", cr, sig, timed)
		for range rapid.IntRange(1, 3).Draw(t, "changes") {
			s := rapid.IntRange(0, nS-1).Draw(t, "changed state")
			ph := rapid.IntRange(0, C-1).Draw(t, "changed step")
			x := drawCommitPlay(t, len(g.Avail[s][L]), "change")
			// as improve changes a commitment
			nt := make([][][]float64, C)
			if timed != nil {
				copy(nt, timed)
			}
			row := make([][]float64, len(g.States))
			if nt[ph] != nil {
				copy(row, nt[ph])
			} else {
				copy(row, sig)
			}
			row[s] = x
			nt[ph] = row
			next, err := ev.change(ctx, cr, sig, nt, s, ph)
			if err != nil {
				t.Fatal(err)
			}
			check("after a change", next, sig, nt)
			// the base is left as it was
			check("the base after a change", cr, sig, timed)
			// as improve: the core not kept goes back to the evaluator,
			// whose next evaluation writes over it
			if rapid.Bool().Draw(t, "keep") {
				ev.release(cr)
				cr, timed = next, nt
			} else {
				ev.release(next)
			}
		}
	})
}
