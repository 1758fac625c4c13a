package nash

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/internal/budget"
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
	ex := g.Exact()
	exact := ex != nil
	rows := newPlanRows(red)
	perEq := int64(2*(24+24*n) + 64)
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
		if seqPureNash(g, k, idx, strides, ex) {
			if err := budget.Check(ctx, "pure equilibria found", budget.Mul(int64(len(res.Equilibria)+1), perEq), ""); err != nil {
				return nil, fmt.Errorf("enumpure: %w", err)
			}
			eq := Equilibrium{Component: -1, Profile: make([][]float64, n)}
			if exact {
				eq.Exact = make([][]*big.Rat, n)
			}
			for p := 0; p < n; p++ {
				eq.Profile[p] = rows.float(p, idx[p])
				if exact {
					eq.Exact[p] = rows.exact(p, idx[p])
				}
			}
			// The regret of a pure profile in the reduced game; both it and
			// the tree's are 0 at a pure equilibrium.
			eq.Regret = pureRegret(g, idx)
			res.Equilibria = append(res.Equilibria, eq)
		}
	}
	res.Stats["profiles"] = float64(g.NumProfiles())
	res.Elapsed = time.Since(start)
	return res, nil
}

// seqPureNash reports whether pure profile k (strategies idx) is a Nash
// equilibrium of g.
func seqPureNash(g *game.Strategic, k int, idx, strides []int, ex []*big.Rat) bool {
	exact := ex != nil
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
			if exact && a == b && ex[k2*n+p].Cmp(ex[k*n+p]) > 0 {
				return false
			}
		}
	}
	return true
}

// planRows hands out the behaviour rows of reduced strategies, one per
// player and strategy, shared by every equilibrium that plays it.
type planRows struct {
	red *game.Reduced
	f   [][][]float64
	r   [][][]*big.Rat
}

func newPlanRows(red *game.Reduced) *planRows {
	n := red.Game.NumPlayers()
	c := &planRows{red: red, f: make([][][]float64, n), r: make([][][]*big.Rat, n)}
	for p := range n {
		c.f[p] = make([][]float64, len(red.Plans[p]))
		c.r[p] = make([][]*big.Rat, len(red.Plans[p]))
	}
	return c
}

func (c *planRows) float(p, s int) []float64 {
	if c.f[p][s] == nil {
		c.f[p][s] = c.red.PlanBehaviour(p, s)
	}
	return c.f[p][s]
}

func (c *planRows) exact(p, s int) []*big.Rat {
	if c.r[p][s] == nil {
		f := c.float(p, s)
		row := make([]*big.Rat, len(f))
		for i, v := range f {
			row[i] = new(big.Rat).SetInt64(int64(v))
		}
		c.r[p][s] = row
	}
	return c.r[p][s]
}
