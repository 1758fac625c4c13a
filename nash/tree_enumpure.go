package nash

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/truce-dev/truce/game"
)

// TreeEnumPure finds every pure-strategy Nash equilibrium of a tree through
// its reduced strategic form, as Gambit's enumpure does for trees, and
// returns each as a behaviour profile: 1 on the chosen action, and 0 at
// every action of an information set the player's own strategy never
// reaches (Gambit prints zeros there). Comparisons are exact when the
// tree is.
func TreeEnumPure(ctx context.Context, t *game.Tree, opts Options) (out *Result, outErr error) {
	defer certifyTree(ctx, "enumpure", t, &out, &outErr)
	start := time.Now()
	red, err := t.Reduced(ctx)
	if err != nil {
		return nil, fmt.Errorf("enumpure: %w", err)
	}
	g := red.Game
	res := &Result{Method: "enumpure", Complete: true, Stats: map[string]float64{}}
	n := g.NumPlayers()
	shape := g.Shape()
	strides := make([]int, n)
	st := 1
	for p := range shape {
		strides[p] = st
		st *= shape[p]
	}
	idx := make([]int, n)
	exact := g.IsExact()
	for k := 0; k < g.NumProfiles(); k++ {
		if k%4096 == 0 {
			if err := ctx.Err(); err != nil {
				res.Complete, res.Reason = false, reasonOf(err)
				break
			}
		}
		if k > 0 {
			for p := 0; p < n; p++ {
				idx[p]++
				if idx[p] < shape[p] {
					break
				}
				idx[p] = 0
			}
		}
		if seqPureNash(g, k, idx, strides, exact) {
			mixed := make([][]*big.Rat, n)
			for p := 0; p < n; p++ {
				mixed[p] = make([]*big.Rat, shape[p])
				for s := range mixed[p] {
					mixed[p][s] = new(big.Rat)
				}
				mixed[p][idx[p]].SetInt64(1)
			}
			eq := Equilibrium{Component: -1, Exact: red.BehaviourExact(mixed)}
			eq.Profile = ratsToFloats(eq.Exact)
			if !exact {
				eq.Exact = nil
			}
			// Regret against the tree, not the reduced game: both are 0 at a
			// pure equilibrium, but this is the certificate callers check.
			pure := make([][]float64, n)
			for p := range pure {
				pure[p] = make([]float64, shape[p])
				pure[p][idx[p]] = 1
			}
			eq.Regret = g.Regret(pure)
			res.Equilibria = append(res.Equilibria, eq)
		}
	}
	res.Stats["profiles"] = float64(g.NumProfiles())
	res.Elapsed = time.Since(start)
	return res, nil
}

// seqPureNash reports whether pure profile k (strategies idx) is a Nash
// equilibrium of g.
func seqPureNash(g *game.Strategic, k int, idx, strides []int, exact bool) bool {
	n := g.NumPlayers()
	for p := 0; p < n; p++ {
		base := k - idx[p]*strides[p]
		for s := 0; s < len(g.Strategies[p]); s++ {
			if s == idx[p] {
				continue
			}
			k2 := base + s*strides[p]
			// Floats rounded from exact values keep their order, so only
			// equal floats need the exact comparison.
			a, b := g.Payoffs[k2*n+p], g.Payoffs[k*n+p]
			if a > b {
				return false
			}
			if exact && a == b && g.Exact[k2*n+p].Cmp(g.Exact[k*n+p]) > 0 {
				return false
			}
		}
	}
	return true
}
