package markov

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"sync"
	"testing"
)

// TestAnalyzeReusesMemory: a chain's analyses reuse its memory (the
// transpose, the horizon pass, the workers' scratch and linear systems),
// and none of it leaks into a result: analysing one chain again, after a
// refill with other numbers, with other options, or twice at once, gives
// to the last bit what a fresh chain gives, on clocked and unclocked games.
func TestAnalyzeReusesMemory(t *testing.T) {
	ctx := context.Background()
	enc := func(a *Analysis) []byte {
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for i := uint64(0); i < 30; i++ {
		r := rand.New(rand.NewPCG(i, 23))
		g, prof := randomGame(r, 5, 2, 2, 1+int(i%2), i%3 != 0)
		if i%2 == 0 {
			clockGame(r, g, prof, 1+int(i%6))
		}
		all := []int{0, 1, 2, 3, 4}
		opts := []AnalyzeOptions{
			{Horizon: 12, From: true, FromStates: []int{0}, Workers: 2, ValueSteps: []int{5}},
			{Horizon: 7, States: []int{1}, LongRun: true},
			{Horizon: 12, From: true, Workers: 1, denseLimit: -1},
		}
		c, err := BuildChainFrom(ctx, g, prof, all)
		if err != nil {
			t.Fatal(err)
		}
		for round := 0; round < 2; round++ {
			if round == 1 {
				// Other numbers, the same structure: every flow scaled.
				for s := range g.Flow {
					for j := range g.Flow[s] {
						f := append([]float64(nil), g.Flow[s][j]...)
						for k := range f {
							f[k] *= 1.5
						}
						g.Flow[s][j] = f
					}
				}
				if ok, err := c.Refill(ctx, g, prof); !ok || err != nil {
					t.Fatalf("game %d: refill %v %v", i, ok, err)
				}
			}
			for k, opt := range opts {
				fresh, err := BuildChainFrom(ctx, g, prof, all)
				if err != nil {
					t.Fatal(err)
				}
				want, err := fresh.Analyze(ctx, opt)
				if err != nil {
					t.Fatalf("game %d: %v", i, err)
				}
				got := make([][]byte, 2)
				var wg sync.WaitGroup
				for w := range got {
					wg.Add(1)
					go func() {
						defer wg.Done()
						a, err := c.Analyze(ctx, opt)
						if err != nil {
							t.Error(err)
							return
						}
						got[w] = enc(a)
					}()
				}
				wg.Wait()
				a, err := c.Analyze(ctx, opt)
				if err != nil {
					t.Fatal(err)
				}
				for _, b := range append(got, enc(a)) {
					if !bytes.Equal(b, enc(want)) {
						t.Fatalf("game %d, round %d, options %d: reused chain gives\n%s\nfresh chain\n%s", i, round, k, b, enc(want))
					}
				}
			}
		}
	}
}
