package nash

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/internal/budget"
)

// EnumPure finds every pure-strategy Nash equilibrium of an N-player
// strategic game, as Gambit's gambit-enumpure does. For each player it
// marks, for every choice of the others, the strategies that are best
// responses; the profiles marked by every player are the equilibria, listed
// in Gambit's profile order (player 1's strategy varying fastest). In exact
// games, payoffs that are equal as floats are compared as rationals, so
// ties are judged exactly. The equilibria share their profile rows (one
// vector per strategy played), so a game where every profile is an
// equilibrium lists them in little memory; do not modify the rows.
func EnumPure(ctx context.Context, g *game.Strategic, opt Options) (out *Result, outErr error) {
	defer certifyGame(ctx, "enumpure", g, &out, &outErr)
	start := time.Now()
	res := &Result{Method: "enumpure", Complete: true}
	n := g.NumPlayers()
	shape := g.Shape()
	total := g.NumProfiles()
	marks := make([]uint16, total)
	ex := g.Exact()
	exact := ex != nil
	stride := 1
	checked := 4096 // check the context before the first block
	for p := 0; p < n; p++ {
		ns := shape[p]
		block := stride * ns
		for base := 0; base < total; base += block {
			if checked >= 4096 {
				checked = 0
				if done, why := stopped(ctx); done {
					res.Complete, res.Reason = false, why
					res.Elapsed = time.Since(start)
					return res, nil
				}
			}
			checked += ns
			for inner := 0; inner < stride; inner++ {
				k0 := base + inner
				best := math.Inf(-1)
				for s := 0; s < ns; s++ {
					if v := g.Payoffs[(k0+s*stride)*n+p]; v > best {
						best = v
					}
				}
				// Distinct rationals may round to the same float, so in an
				// exact game the best among the float-ties is found exactly.
				var bestExact *big.Rat
				if exact {
					ties := 0
					for s := 0; s < ns; s++ {
						i := (k0+s*stride)*n + p
						if g.Payoffs[i] == best {
							ties++
							if bestExact == nil || ex[i].Cmp(bestExact) > 0 {
								bestExact = ex[i]
							}
						}
					}
					if ties == 1 {
						bestExact = nil
					}
				}
				for s := 0; s < ns; s++ {
					k := k0 + s*stride
					i := k*n + p
					if g.Payoffs[i] != best {
						continue
					}
					if bestExact != nil && ex[i].Cmp(bestExact) != 0 {
						continue
					}
					if int(marks[k]) == p {
						marks[k]++
					}
				}
			}
		}
		stride = block
	}
	count := 0
	for _, m := range marks {
		if int(m) == n {
			count++
		}
	}
	// Each equilibrium shares its rows with the others (see pureRows), so
	// it costs its slice headers; a game where every profile is an
	// equilibrium (all payoffs equal) still has to fit.
	perEq := int64(2*(24+24*n) + 64)
	if err := budget.Check(ctx, fmt.Sprintf("%d pure equilibria", count), budget.Mul(int64(count), perEq), ""); err != nil {
		return nil, err
	}
	rows := newPureRows(g)
	res.Equilibria = make([]Equilibrium, 0, count)
	pure := make([]int, n)
	for k := 0; k < total; k++ {
		if int(marks[k]) != n {
			continue
		}
		if len(res.Equilibria)%4096 == 4095 {
			if done, why := stopped(ctx); done {
				res.Complete, res.Reason = false, why
				break
			}
			if opt.Progress != nil {
				opt.Progress(strconv.Itoa(len(res.Equilibria)) + " equilibria")
			}
		}
		rest := k
		for p := 0; p < n; p++ {
			pure[p] = rest % shape[p]
			rest /= shape[p]
		}
		res.Equilibria = append(res.Equilibria, rows.equilibrium(g, pure))
	}
	res.Stats = map[string]float64{"profiles": float64(total), "equilibria": float64(count)}
	res.Elapsed = time.Since(start)
	return res, nil
}

// pureRows hands out the rows of pure profiles: one vector per player and
// strategy with a 1 at that strategy, shared by every equilibrium that
// plays it, so that listing many pure equilibria costs little memory.
// Callers must not modify the rows of a pure equilibrium.
type pureRows struct {
	f [][][]float64
	r [][][]*big.Rat
}

func newPureRows(g *game.Strategic) *pureRows {
	n := g.NumPlayers()
	c := &pureRows{f: make([][][]float64, n), r: make([][][]*big.Rat, n)}
	for p := range n {
		c.f[p] = make([][]float64, len(g.Strategies[p]))
		c.r[p] = make([][]*big.Rat, len(g.Strategies[p]))
	}
	return c
}

// equilibrium builds the Equilibrium of a pure profile, exact when the
// game is. Its regret is 0 by construction and is measured all the same.
func (c *pureRows) equilibrium(g *game.Strategic, pure []int) Equilibrium {
	prof := make([][]float64, len(pure))
	var ex [][]*big.Rat
	if g.IsExact() {
		ex = make([][]*big.Rat, len(pure))
	}
	for p, s := range pure {
		if c.f[p][s] == nil {
			c.f[p][s] = make([]float64, len(g.Strategies[p]))
			c.f[p][s][s] = 1
		}
		prof[p] = c.f[p][s]
		if ex != nil {
			if c.r[p][s] == nil {
				row := make([]*big.Rat, len(g.Strategies[p]))
				for t := range row {
					row[t] = new(big.Rat)
				}
				row[s].SetInt64(1)
				c.r[p][s] = row
			}
			ex[p] = c.r[p][s]
		}
	}
	eq := Equilibrium{Profile: prof, Exact: ex, Component: -1}
	eq.Regret = pureRegret(g, pure)
	return eq
}

// pureRegret is the largest gain from a unilateral deviation from a pure
// profile, computed directly in O(sum of strategies).
func pureRegret(g *game.Strategic, pure []int) float64 {
	n := g.NumPlayers()
	k := g.ProfileIndex(pure)
	worst := 0.0
	stride := 1
	for p := 0; p < n; p++ {
		cur := g.Payoffs[k*n+p]
		base := k - pure[p]*stride
		for s := range g.Strategies[p] {
			if d := g.Payoffs[(base+s*stride)*n+p] - cur; d > worst {
				worst = d
			}
		}
		stride *= len(g.Strategies[p])
	}
	return worst
}
