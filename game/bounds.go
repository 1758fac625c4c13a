package game

import (
	"fmt"
	"math"
)

// Payoffs must be finite and their spread must fit in a float64: regrets,
// best-response gains and the shifts the pivoting methods make are
// differences of payoffs, and a difference that overflows turns into
// +Inf or NaN, which no comparison catches. Readers refuse such games with
// CheckSpread; methods still re-check every profile they return.

// CheckSpread returns an error when lo or hi (the smallest and largest
// payoff of a game) is not finite or when hi - lo overflows float64.
func CheckSpread(lo, hi float64) error {
	switch {
	case math.IsNaN(lo) || math.IsNaN(hi):
		return fmt.Errorf("a payoff is not a number")
	case math.IsInf(lo, 0) || math.IsInf(hi, 0):
		return fmt.Errorf("a payoff is too large for float64 (beyond ±1.8e308)")
	case math.IsInf(hi-lo, 0):
		return fmt.Errorf("payoffs range from %g to %g: their difference overflows float64 (1.8e308), so regrets and best responses cannot be computed; rescale the payoffs", lo, hi)
	}
	return nil
}

// PayoffBounds returns the smallest and largest payoff of the game
// (0, 0 for a game without payoffs). A NaN payoff makes both NaN.
func (g *Strategic) PayoffBounds() (lo, hi float64) {
	return bounds(g.Payoffs)
}

func bounds(xs []float64) (lo, hi float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	lo, hi = xs[0], xs[0]
	for _, v := range xs {
		if v != v {
			return math.NaN(), math.NaN()
		}
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	return lo, hi
}

// PayoffScale is the size of the game's payoffs that tolerances are
// measured against: the larger of the spread hi - lo and the largest
// magnitude, so that a game whose payoffs are all equal still has a scale.
func PayoffScale(lo, hi float64) float64 {
	return math.Max(hi-lo, math.Max(math.Abs(lo), math.Abs(hi)))
}

// PayoffBounds returns the smallest and largest total payoff any player
// collects on a path from the root to a leaf (outcomes at internal nodes
// add up), in floats; 0, 0 when the tree has no outcomes.
func (t *Tree) PayoffBounds() (lo, hi float64) {
	n := len(t.Players)
	acc := make([]float64, len(t.Nodes)*n) // total so far at each node
	first := true
	for i := range t.Nodes {
		nd := &t.Nodes[i]
		cur := acc[i*n : (i+1)*n]
		if nd.Parent >= 0 {
			copy(cur, acc[nd.Parent*n:(nd.Parent+1)*n])
		}
		if nd.Outcome >= 0 {
			for p, v := range t.Outcomes[nd.Outcome].Payoffs {
				cur[p] += v
			}
		}
		if nd.Infoset >= 0 {
			continue
		}
		l, h := bounds(cur)
		if l != l {
			return l, h
		}
		if first || l < lo {
			lo = l
		}
		if first || h > hi {
			hi = h
		}
		first = false
	}
	return lo, hi
}
