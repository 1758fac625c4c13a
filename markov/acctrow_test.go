package markov

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// TestAccountRowsSameBits: accountRows (the sums in vector registers on
// amd64 with AVX) gives accountRowsGo's bits for every split 0, 4, …, 16,
// rows visited in any order and repeatedly, weights and entries spread
// over many magnitudes and signs (flows are negative too).
func TestAccountRowsSameBits(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 4))
	num := func() float64 {
		if r.IntN(5) == 0 {
			return 0
		}
		return (r.Float64() - 0.3) * math.Pow(10, float64(r.IntN(17)-8))
	}
	for split := 0; split <= acctWidth; split += 4 {
		for trial := 0; trial < 50; trial++ {
			n := 1 + r.IntN(20)
			rows := make([]float64, n*acctWidth)
			for i := range rows {
				rows[i] = num()
			}
			m := r.IntN(60)
			idx := make([]int32, m)
			wo, wd := make([]float64, m), make([]float64, m)
			for j := range idx {
				idx[j] = int32(r.IntN(n))
				wo[j], wd[j] = float64(r.IntN(1000)), math.Abs(num())
			}
			var got, want [acctWidth]float64
			for c := range got {
				got[c] = num()
				want[c] = got[c]
			}
			accountRowsGo(&want, rows, idx, wo, wd, split)
			accountRows(&got, rows, idx, wo, wd, split)
			for c := range got {
				if math.Float64bits(got[c]) != math.Float64bits(want[c]) {
					t.Fatalf("split %d, %d nodes, %d visits: column %d = %v, scalar %v", split, n, m, c, got[c], want[c])
				}
			}
		}
	}
}

// TestAccountRowsSameStats: Simulate accounting paths with accountRows
// gives, to the last bit (the JSON of the statistics), what the per-node
// loops give, on random games with one discount shared by every actor
// (with payoffs, and with none), with and without memory-one rules,
// paths ending early and reaching the horizon.
func TestAccountRowsSameStats(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 3))
	used := 0
	for trial := 0; trial < 40; trial++ {
		nA, nAct := 1+r.IntN(3), 2+r.IntN(3)
		g, prof := randomGame(r, 3+r.IntN(12), nA, nAct, 1+r.IntN(2), trial%2 == 0)
		for a := range g.Actors {
			g.Actors[a].Discount = g.Actors[0].Discount
		}
		if trial%5 == 4 { // no payoffs at all
			for s := range g.Flow {
				for _, f := range g.Flow[s] {
					clear(f)
				}
			}
			for _, e := range g.Entry {
				clear(e)
			}
		}
		c, err := BuildChain(context.Background(), g, prof)
		if err != nil {
			t.Fatal(err)
		}
		if c.newSampler(5, simHooks{}).acct != nil {
			used++
		}
		opt := SimOptions{Runs: 3000, Horizon: 1 + r.IntN(60), Seed: uint64(trial), Workers: 2}
		var out [2][]byte
		for k, loops := range []bool{true, false} {
			opt.hooks.accountByLoops = loops
			st, err := Simulate(context.Background(), g, prof, opt)
			if err != nil {
				t.Fatal(err)
			}
			if out[k], err = json.Marshal(st); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(out[0], out[1]) {
			t.Fatalf("trial %d (%d actors, %d actions, horizon %d): accountRows changes the statistics:\n%s\nloops:\n%s", trial, nA, nAct, opt.Horizon, out[1], out[0])
		}
	}
	if used < 20 {
		t.Fatalf("accountRows served only %d of 40 games", used)
	}
}
