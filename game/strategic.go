// Package game holds the games truce solves: strategic-form games with any
// number of players and, built on them, game trees. Payoffs are stored flat
// for speed, with exact rationals kept beside them when the source is exact.
package game

import (
	"fmt"
	"math"
	"math/big"
)

// Strategic is an N-player game in strategic (normal) form.
//
// Pure-strategy profiles are numbered in Gambit's order: player 0's strategy
// varies fastest. The payoff of player p at profile k is Payoffs[k*N+p],
// where N is the number of players.
type Strategic struct {
	Title      string
	Comment    string
	Players    []string   // player names, len N
	Strategies [][]string // strategy labels per player

	// Payoffs holds every payoff as a float64, in profile order. Setting
	// an entry directly makes the game a float game: the exact payoffs
	// (see Exact) no longer match and are no longer reported.
	Payoffs []float64

	// exact holds the same payoffs as rationals, or is nil when some payoff
	// is not known exactly; exactSum is the fingerprint of Payoffs (see
	// payoffSum) when they were last set together, so that a caller who
	// changes Payoffs directly cannot leave stale rationals behind.
	exact    []*big.Rat
	exactSum uint64
}

// payoffMix is the contribution of payoff v at index i to payoffSum:
// splitmix64's finaliser of its bits and position.
func payoffMix(i int, v float64) uint64 {
	z := math.Float64bits(v) + uint64(i)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// payoffSum is a fingerprint of the payoffs: the sum (mod 2⁶⁴) of each
// entry's payoffMix, so that SetPayoff can update it in constant time.
func payoffSum(pay []float64) uint64 {
	var s uint64
	for i, v := range pay {
		s += payoffMix(i, v)
	}
	return s
}

// Exact returns the payoffs as rationals, in the order of Payoffs, or nil
// when some payoff is not known exactly, including when Payoffs were
// changed directly since the rationals were set. It checks one pass over
// Payoffs (about a nanosecond per entry): call it once per solve. The
// slice is the game's own: change payoffs with SetPayoff or SetExact.
func (g *Strategic) Exact() []*big.Rat {
	if g.exact == nil || len(g.exact) != len(g.Payoffs) || payoffSum(g.Payoffs) != g.exactSum {
		return nil
	}
	return g.exact
}

// SetExact sets every payoff to the rationals vals (in the order of
// Payoffs; the game keeps the slice) and the floats to their nearest
// float64.
func (g *Strategic) SetExact(vals []*big.Rat) error {
	if len(vals) != len(g.Payoffs) {
		return fmt.Errorf("game: %d exact payoffs for %d entries", len(vals), len(g.Payoffs))
	}
	for i, v := range vals {
		if v == nil {
			return fmt.Errorf("game: exact payoff %d is missing", i)
		}
		g.Payoffs[i], _ = v.Float64()
	}
	g.exact, g.exactSum = vals, payoffSum(g.Payoffs)
	return nil
}

// AdoptExact records vals as the exact payoffs behind the floats now in
// Payoffs, for readers that parsed both from the same text (each float
// the nearest to its rational) and need not convert again; the game keeps
// the slice.
func (g *Strategic) AdoptExact(vals []*big.Rat) error {
	if len(vals) != len(g.Payoffs) {
		return fmt.Errorf("game: %d exact payoffs for %d entries", len(vals), len(g.Payoffs))
	}
	g.exact, g.exactSum = vals, payoffSum(g.Payoffs)
	return nil
}

// DropExact makes the game a float game: Exact returns nil from now on.
func (g *Strategic) DropExact() { g.exact = nil }

// NewStrategic returns a game with the given players and strategy labels
// and all payoffs zero (exactly).
func NewStrategic(players []string, strategies [][]string) (*Strategic, error) {
	if len(players) == 0 {
		return nil, fmt.Errorf("game: no players")
	}
	if len(strategies) != len(players) {
		return nil, fmt.Errorf("game: %d players but strategies for %d", len(players), len(strategies))
	}
	n := 1
	for p, s := range strategies {
		if len(s) == 0 {
			return nil, fmt.Errorf("game: player %q has no strategies", players[p])
		}
		if n > (1<<31)/len(s) {
			return nil, fmt.Errorf("game: too many strategy profiles")
		}
		n *= len(s)
	}
	g := &Strategic{
		Players:    players,
		Strategies: strategies,
		Payoffs:    make([]float64, n*len(players)),
		exact:      make([]*big.Rat, n*len(players)),
	}
	// One slab for all the rationals, not an allocation each (a 100×100
	// game has 20,000 payoffs).
	rats := make([]big.Rat, len(g.exact))
	for i := range g.exact {
		g.exact[i] = &rats[i]
	}
	g.exactSum = payoffSum(g.Payoffs)
	return g, nil
}

// NumPlayers returns N.
func (g *Strategic) NumPlayers() int { return len(g.Players) }

// Shape returns the number of strategies of each player.
func (g *Strategic) Shape() []int {
	s := make([]int, len(g.Strategies))
	for p := range s {
		s[p] = len(g.Strategies[p])
	}
	return s
}

// NumProfiles returns the number of pure-strategy profiles.
func (g *Strategic) NumProfiles() int {
	if len(g.Players) == 0 {
		return 0
	}
	return len(g.Payoffs) / len(g.Players)
}

// ProfileIndex returns the index of the pure profile in which player p plays
// strategy pure[p].
func (g *Strategic) ProfileIndex(pure []int) int {
	k, stride := 0, 1
	for p, s := range pure {
		k += s * stride
		stride *= len(g.Strategies[p])
	}
	return k
}

// Payoff returns player p's payoff at pure profile k.
func (g *Strategic) Payoff(k, p int) float64 { return g.Payoffs[k*len(g.Players)+p] }

// SetPayoff sets player p's payoff at profile k to an exact value.
func (g *Strategic) SetPayoff(k, p int, v *big.Rat) {
	i := k*len(g.Players) + p
	old := g.Payoffs[i]
	g.Payoffs[i], _ = v.Float64()
	if g.exact != nil {
		// Kept in step incrementally: a fingerprint already off (Payoffs
		// changed directly before) stays off.
		g.exact[i] = new(big.Rat).Set(v)
		g.exactSum += payoffMix(i, g.Payoffs[i]) - payoffMix(i, old)
	}
}

// SetPayoffFloat sets player p's payoff at profile k to a float value; the
// game is no longer exact afterwards.
func (g *Strategic) SetPayoffFloat(k, p int, v float64) {
	g.Payoffs[k*len(g.Players)+p] = v
	g.exact = nil
}

// IsExact reports whether every payoff is known as a rational (see Exact).
func (g *Strategic) IsExact() bool { return g.Exact() != nil }

// StrategyValues writes into out[s] the expected payoff to player p of pure
// strategy s when every other player q plays the mixed strategy sigma[q].
// sigma[p] is ignored. out must have len(g.Strategies[p]).
func (g *Strategic) StrategyValues(sigma [][]float64, p int, out []float64) {
	for i := range out {
		out[i] = 0
	}
	n := len(g.Players)
	shape := g.Shape()
	idx := make([]int, n)
	// weight of the other players' part of the profile
	for k := 0; k < g.NumProfiles(); k++ {
		w := 1.0
		for q := 0; q < n; q++ {
			if q != p {
				w *= sigma[q][idx[q]]
				if w == 0 {
					break
				}
			}
		}
		if w != 0 {
			out[idx[p]] += w * g.Payoffs[k*n+p]
		}
		for q := 0; q < n; q++ {
			idx[q]++
			if idx[q] < shape[q] {
				break
			}
			idx[q] = 0
		}
	}
}

// Regret returns the largest gain any player can get by deviating from the
// mixed profile sigma to a pure strategy: 0 exactly at a Nash equilibrium.
// It is NaN when the arithmetic overflowed (a NaN or infinite value in
// sigma or in the expected payoffs), so that no comparison with a
// tolerance can pass.
func (g *Strategic) Regret(sigma [][]float64) float64 {
	worst := 0.0
	for p := range g.Players {
		vals := make([]float64, len(g.Strategies[p]))
		g.StrategyValues(sigma, p, vals)
		cur, best := 0.0, vals[0]
		for s, v := range vals {
			cur += sigma[p][s] * v
			if v > best {
				best = v
			}
		}
		if d := best - cur; d > worst || d != d {
			worst = d
			if d != d {
				return math.NaN() // overflow inside: no certificate
			}
		}
	}
	return worst
}

// ExactRegret is Regret in rational arithmetic. It needs an exact game.
func (g *Strategic) ExactRegret(sigma [][]*big.Rat) (*big.Rat, error) {
	exact := g.Exact()
	if exact == nil {
		return nil, fmt.Errorf("game: ExactRegret on a game without exact payoffs")
	}
	n := len(g.Players)
	shape := g.Shape()
	worst := new(big.Rat)
	tmp := new(big.Rat)
	for p := 0; p < n; p++ {
		vals := make([]*big.Rat, shape[p])
		for i := range vals {
			vals[i] = new(big.Rat)
		}
		idx := make([]int, n)
		for k := 0; k < g.NumProfiles(); k++ {
			w := big.NewRat(1, 1)
			for q := 0; q < n && w.Sign() != 0; q++ {
				if q != p {
					w.Mul(w, sigma[q][idx[q]])
				}
			}
			if w.Sign() != 0 {
				vals[idx[p]].Add(vals[idx[p]], tmp.Mul(w, exact[k*n+p]))
			}
			for q := 0; q < n; q++ {
				idx[q]++
				if idx[q] < shape[q] {
					break
				}
				idx[q] = 0
			}
		}
		cur, best := new(big.Rat), vals[0]
		for s, v := range vals {
			cur.Add(cur, tmp.Mul(sigma[p][s], v))
			if v.Cmp(best) > 0 {
				best = v
			}
		}
		d := new(big.Rat).Sub(best, cur)
		if d.Cmp(worst) > 0 {
			worst = d
		}
	}
	return worst, nil
}
