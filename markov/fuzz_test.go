package markov

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// FuzzAnalyzeSimulate builds a small random game from the fuzzer's seed,
// corrupts it as the bytes say, and checks that analysis and simulation
// either fail with an error or answer within the invariants — never panic.
func FuzzAnalyzeSimulate(f *testing.F) {
	f.Add(uint64(1), []byte{})
	f.Add(uint64(2), []byte{3, 1, 200, 7})
	f.Add(uint64(3), []byte{0, 0, 0, 0, 9, 9, 9, 9})
	f.Fuzz(func(t *testing.T, seed uint64, edits []byte) {
		r := rand.New(rand.NewPCG(seed, 11))
		g, p := randomGame(r, 2+int(seed%5), 1+int(seed/5%3), 1+int(seed/15%3), int(seed/45%2), seed%2 == 0)
		vals := []float64{-1, 0, 0.5, 1, 2, math.NaN(), math.Inf(-1), 1e300}
		for i := 0; i+3 < len(edits); i += 4 {
			what, a, b, v := edits[i], int(edits[i+1]), int(edits[i+2])-128, vals[int(edits[i+3])%len(vals)]
			s := a % len(g.States)
			if len(p) == 0 {
				break
			}
			switch what % 10 {
			case 0:
				g.Initial = b
			case 1:
				g.Actors[a%len(g.Actors)].Discount = v
			case 2:
				if len(g.Trans[s]) > 0 {
					g.Trans[s][0][0] = Next{State: b, P: v}
				}
			case 3:
				if len(g.Flow[s]) > 0 {
					g.Flow[s][0] = []float64{v}
				}
			case 4:
				g.States[s].Terminal = !g.States[s].Terminal
			case 5:
				p[a%len(p)].Base[s] = []float64{v, 1 - v}
			case 6:
				p[a%len(p)].Rules = append(p[a%len(p)].Rules, Rule{State: b, After: []Cond{{Actor: a % 4, Actions: []int{b}}}, Play: []ActionProb{{a % 4, v}}})
			case 7:
				g.Avail[s] = [][]int{{b}}
			case 8:
				g.Entry[s] = []float64{v}
			case 9:
				p = p[:a%(len(p)+1)]
			}
		}
		H := int(seed % 7)
		an, err := Analyze(context.Background(), g, p, H)
		if err == nil {
			for s := range g.States {
				for tt, x := range an.Reach[s] {
					if !(x >= 0 && x <= 1) || (tt > 0 && x < an.Reach[s][tt-1]) {
						t.Fatalf("reach[%d][%d] = %v", s, tt, x)
					}
				}
			}
		}
		_, _ = Simulate(context.Background(), g, p, SimOptions{Runs: 2, Horizon: H, Seed: seed, Workers: 1})
	})
}
