package markov

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
)

// refillCase is a random game and profile (memory-one rules; a clock on
// some) made from seed alone, so that two calls give two copies with the
// same structure and numbers that can then be changed apart.
func refillCase(seed uint64) (*Game, Profile) {
	r := rand.New(rand.NewPCG(seed, 11))
	g, p := randomGame(r, 3+r.IntN(6), 2+r.IntN(2), 2+r.IntN(2), 1+r.IntN(2), seed%4 != 0)
	if seed%3 == 0 {
		clockGame(r, g, p, 1+r.IntN(4))
	}
	return g, p
}

// renumber rescales the positive entries of d by random factors and
// renormalises: the same support, other numbers.
func renumber(r *rand.Rand, d []float64) {
	sum := 0.0
	for i, x := range d {
		if x > 0 {
			d[i] = x * (0.25 + r.Float64())
			sum += d[i]
		}
	}
	for i := range d {
		d[i] /= sum
	}
}

// renumberProbs is renumber on the probabilities prob(&xs[i]) of a list
// of outcomes (successors, or a rule's plays).
func renumberProbs[T any](r *rand.Rand, xs []T, prob func(*T) *float64) {
	d := make([]float64, len(xs))
	for i := range xs {
		d[i] = *prob(&xs[i])
	}
	renumber(r, d)
	for i := range xs {
		*prob(&xs[i]) = d[i]
	}
}

func renumberPayoffs(r *rand.Rand, f [][]float64) {
	for _, row := range f {
		for i := range row {
			row[i] = 6 * (r.Float64() - 0.5)
		}
	}
}

// renumberGame changes every number of g and p and keeps which
// probabilities are positive.
func renumberGame(r *rand.Rand, g *Game, p Profile) {
	for a := range g.Actors {
		g.Actors[a].Discount = 0.5 + 0.49*r.Float64()
		g.Actors[a].Weights[1] = r.Float64()
	}
	stages := [][][][]Next{g.Trans}
	flows := [][][][]float64{g.Flow}
	for _, st := range g.Timed {
		stages, flows = append(stages, st.Trans), append(flows, st.Flow)
	}
	for _, tr := range stages {
		for _, rows := range tr {
			for _, ns := range rows {
				renumberProbs(r, ns, func(n *Next) *float64 { return &n.P })
			}
		}
	}
	for _, fl := range flows {
		for _, f := range fl {
			renumberPayoffs(r, f)
		}
	}
	renumberPayoffs(r, g.Entry)
	for a := range p {
		for _, d := range p[a].Base {
			if d != nil {
				renumber(r, d)
			}
		}
		for _, base := range p[a].Timed {
			for _, d := range base {
				if d != nil {
					renumber(r, d)
				}
			}
		}
		for i := range p[a].Rules {
			renumberProbs(r, p[a].Rules[i].Play, func(ap *ActionProb) *float64 { return &ap.P })
		}
	}
}

// sameChain compares every field a chain's users and its analysis read.
func sameChain(t *testing.T, what string, got, want *Chain) {
	t.Helper()
	for _, f := range []struct {
		name      string
		got, want any
	}{
		{"State", got.State, want.State}, {"Init", got.Init, want.Init}, {"phase", got.phase, want.phase},
		{"Start", got.Start, want.Start}, {"RowPtr", got.RowPtr, want.RowPtr}, {"Col", got.Col, want.Col},
		{"P", got.P, want.P}, {"dist", got.dist, want.dist}, {"reward", got.reward, want.reward},
		{"termNode", got.termNode, want.termNode}, {"term", got.term, want.term}, {"firedOf", got.firedOf, want.firedOf},
	} {
		if !reflect.DeepEqual(f.got, f.want) {
			t.Fatalf("%s: %s differs after Refill:\n got %v\nwant %v", what, f.name, f.got, f.want)
		}
	}
	if got.Game != want.Game {
		t.Fatalf("%s: the refilled chain is not of the new game", what)
	}
}

// TestRefillEqualsBuild: on random games, with memory-one rules and
// clocks, a chain refilled with other numbers on the same structure is the
// chain BuildChainFrom builds from them, number for number; a change of
// structure is refused or, where it leaves every row's successors as they
// were, gives the built chain too.
func TestRefillEqualsBuild(t *testing.T) {
	ctx := context.Background()
	refilled := 0
	for seed := uint64(0); seed < 300; seed++ {
		g, p := refillCase(seed)
		var starts []int
		if seed%2 == 0 {
			starts = []int{len(g.States) - 1, 1, 0}
		}
		c, err := BuildChainFrom(ctx, g, p, starts)
		if err != nil {
			continue // a random game whose profile the builder rejects
		}
		r := rand.New(rand.NewPCG(seed, 12))
		for round := 0; round < 3; round++ {
			g2, p2 := refillCase(seed)
			renumberGame(r, g2, p2)
			want, err := BuildChainFrom(ctx, g2, p2, starts)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			ok, err := c.Refill(ctx, g2, p2)
			if err != nil || !ok {
				t.Fatalf("seed %d round %d: Refill = %v, %v on the same structure", seed, round, ok, err)
			}
			sameChain(t, "renumbered", c, want)
			refilled++
		}

		// Another structure: one positive transition probability moved
		// onto another successor (or a new one), one action's
		// probability set to 0.
		g3, p3 := refillCase(seed)
		renumberGame(r, g3, p3)
		s := r.IntN(len(g3.States))
		for g3.States[s].Terminal {
			s = r.IntN(len(g3.States))
		}
		ns := g3.Trans[s][r.IntN(len(g3.Trans[s]))]
		if len(ns) > 1 {
			ns[1].P += ns[0].P
			ns[0].P = 0
		} else {
			ns[0].State = (ns[0].State + 1) % len(g3.States)
		}
		if d := p3[0].Base[s]; len(d) > 1 && d[0] > 0 && d[0] < 1 {
			d[1] += d[0]
			d[0] = 0
		}
		want, err := BuildChainFrom(ctx, g3, p3, starts)
		if err != nil {
			continue
		}
		c, err = BuildChainFrom(ctx, g, p, starts)
		if err != nil {
			t.Fatal(err)
		}
		ok, err := c.Refill(ctx, g3, p3)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if ok {
			sameChain(t, "restructured", c, want)
		}
	}
	if refilled < 300 {
		t.Fatalf("only %d refills tested", refilled)
	}
}

// Refill refuses what it cannot reuse: another game's shape, a chain with
// sampling tables, invalid input (with BuildChain's error).
func TestRefillRefuses(t *testing.T) {
	ctx := context.Background()
	g, p := refillCase(1)
	c, err := BuildChain(ctx, g, p)
	if err != nil {
		t.Fatal(err)
	}
	other, op := refillCase(2)
	if ok, err := c.Refill(ctx, other, op); ok || err != nil {
		t.Fatalf("another game's shape: %v, %v", ok, err)
	}
	g2, p2 := refillCase(1)
	p2[0].Base[0][0] = 2
	_, berr := BuildChain(ctx, g2, p2)
	if ok, err := c.Refill(ctx, g2, p2); ok || err == nil || berr == nil || err.Error() != berr.Error() {
		t.Fatalf("invalid profile: %v, %v; BuildChain says %v", ok, err, berr)
	}
	mc, err := buildChain(ctx, g, p, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := mc.Refill(ctx, g, p); ok {
		t.Fatal("a chain with sampling tables was refilled")
	}
}

// BenchmarkRefill compares building a chain with refilling one, on a
// random 60-state game with memory-one rules.
func BenchmarkRefill(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 5))
	g, p := randomGame(r, 60, 2, 3, 3, true)
	ctx := context.Background()
	b.Run("build", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := BuildChain(ctx, g, p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("refill", func(b *testing.B) {
		c, err := BuildChain(ctx, g, p)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if ok, err := c.Refill(ctx, g, p); !ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	})
}
