package markov

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// reachAlone is the reach curve of non-terminal state s propagated on its
// own: the mass not yet in s moves on the nodes that are reachable from
// the initial node without passing through s or an ending and can still
// reach s, visited in index order.
func reachAlone(an *analyzer, s int, sc *scratch) []float64 {
	c, H := an.c, an.opt.Horizon
	reach := make([]float64, H+1)
	if c.State[c.Init] == s {
		for t := range reach {
			reach[t] = 1
		}
		return reach
	}
	inS := func(x int32) bool { return c.State[x] == s }
	blocked := func(x int32) bool { return c.State[x] == s || c.Terminal(int(x)) }
	an.backDist(sc, inS, blocked)
	if sc.dist[c.Init] < 0 {
		return reach
	}
	U := an.forwardSet(sc, blocked, true)
	defer release(sc, U)
	U = slices.Clone(U)
	slices.Sort(U)
	p, q := make([]float64, c.NumNodes()), make([]float64, c.NumNodes())
	p[c.Init] = 1
	for t := 0; t < H; t++ {
		absorbed := 0.0
		lim := int32(H - t)
		for _, x := range U {
			m := p[x]
			if m == 0 {
				continue
			}
			p[x] = 0
			if sc.dist[x] > lim {
				continue
			}
			for e := c.RowPtr[x]; e < c.RowPtr[x+1]; e++ {
				y := c.Col[e]
				if c.State[y] == s {
					absorbed += m * c.P[e]
				} else if sc.local[y] >= 0 {
					q[y] += m * c.P[e]
				}
			}
		}
		reach[t+1] = math.Min(1, reach[t]+absorbed)
		p, q = q, p
	}
	return reach
}

// TestReachBlockMatchesOneByOne: the reach curves of several states
// propagated together are bit-identical to each propagated alone, on
// random games with memory-one rules (where states split into several
// nodes), whatever the grouping, and Analyze gives the same curves for any
// number of workers.
func TestReachBlockMatchesOneByOne(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 5))
	for trial := 0; trial < 8; trial++ {
		g, prof := randomGame(r, 30, 2, 3, 3, trial%2 == 0)
		c, err := BuildChain(context.Background(), g, prof)
		if err != nil {
			t.Fatal(err)
		}
		an := &analyzer{c: c, opt: AnalyzeOptions{Horizon: 40}, denseLimit: denseMax}
		an.transpose()
		sc := newScratch(c.NumNodes())
		var ts []int
		for s := range g.States {
			if !g.States[s].Terminal {
				ts = append(ts, s)
			}
		}
		for _, size := range []int{1, 5, len(ts)} {
			for i := 0; i < len(ts); i += size {
				block := ts[i:min(i+size, len(ts))]
				got, err := an.reachBlock(context.Background(), block, sc)
				if err != nil {
					t.Fatal(err)
				}
				for k, s := range block {
					want := reachAlone(an, s, sc)
					for step := range want {
						if got[k][step] != want[step] {
							t.Fatalf("trial %d, block of %d, state %d, step %d: %v together, %v alone", trial, size, s, step, got[k][step], want[step])
						}
					}
				}
			}
		}
		a1, err := c.Analyze(context.Background(), AnalyzeOptions{Horizon: 40, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		a3, err := c.Analyze(context.Background(), AnalyzeOptions{Horizon: 40, Workers: 3})
		if err != nil {
			t.Fatal(err)
		}
		for s := range g.States {
			if !slices.Equal(a1.Reach[s], a3.Reach[s]) {
				t.Fatalf("trial %d: reach of %d depends on the workers", trial, s)
			}
		}
	}
}
