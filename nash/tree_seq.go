package nash

import (
	"errors"
	"fmt"
	"math"
	"math/big"

	"github.com/truce-dev/truce/game"
)

// seqForm is the sequence form of a two-player tree with perfect recall.
// Sequence 0 of each player is the empty sequence; the sequence ending with
// action a at the player's information set is (1 + offset of the infoset's
// first action + a), i.e. sequences follow Gambit's order (infosets in order
// of first appearance, actions in file order).
type seqForm struct {
	t  *game.Tree
	ns [2]int // sequences, empty one included
	// parent[p][k]: the sequence leading to player p's k-th infoset.
	parent [2][]int
	// pay[p][s1*ns2+s2]: expected payoff to p over leaves reached when the
	// players play sequences s1 and s2 (chance probabilities folded in);
	// payShift is Gambit's variant with the max payoff subtracted at each
	// outcome; reached marks pairs that reach some outcome.
	pay      [2][]*big.Rat
	payShift [2][]*big.Rat
	reached  []bool
}

var errNotTwoPlayer = errors.New("the sequence form needs exactly two players")

func newSeqForm(t *game.Tree) (*seqForm, error) {
	if t.NumPlayers() != 2 {
		return nil, errNotTwoPlayer
	}
	if err := t.PerfectRecall(); err != nil {
		return nil, err
	}
	sf := &seqForm{t: t}
	for p := 0; p < 2; p++ {
		sf.ns[p] = 1 + t.NumActions(p)
		sf.parent[p] = make([]int, len(t.PlayerInfosets[p]))
	}
	n1, n2 := sf.ns[0], sf.ns[1]
	for p := 0; p < 2; p++ {
		sf.pay[p] = make([]*big.Rat, n1*n2)
		sf.payShift[p] = make([]*big.Rat, n1*n2)
		for i := range sf.pay[p] {
			sf.pay[p][i] = new(big.Rat)
			sf.payShift[p][i] = new(big.Rat)
		}
	}
	sf.reached = make([]bool, n1*n2)
	maxpay := new(big.Rat).Add(treeMaxPathPayoff(t), big.NewRat(1, 1))
	tmp := new(big.Rat)
	// acc carries the payoffs of outcomes met on the path so far: Gambit's
	// lcp shifts each leaf's total by the largest payoff + 1 (weighted by
	// the chance probability), which keeps every pair's entry negative.
	var walk func(n int, prob *big.Rat, seq [2]int, acc [2]*big.Rat)
	walk = func(n int, prob *big.Rat, seq [2]int, acc [2]*big.Rat) {
		nd := &t.Nodes[n]
		k := seq[0]*n2 + seq[1]
		if nd.Outcome >= 0 {
			sf.reached[k] = true
			var nacc [2]*big.Rat
			for p := 0; p < 2; p++ {
				v := t.OutcomeRat(nd.Outcome, p)
				sf.pay[p][k].Add(sf.pay[p][k], tmp.Mul(prob, v))
				nacc[p] = new(big.Rat).Add(acc[p], v)
			}
			acc = nacc
		}
		if nd.Infoset < 0 {
			sf.reached[k] = true
			for p := 0; p < 2; p++ {
				tmp.Sub(acc[p], maxpay)
				sf.payShift[p][k].Add(sf.payShift[p][k], tmp.Mul(tmp, prob))
			}
			return
		}
		s := &t.Infosets[nd.Infoset]
		if s.Player == game.Chance {
			for a, c := range nd.Children {
				if s.Probs[a].Sign() == 0 {
					continue
				}
				walk(c, new(big.Rat).Mul(prob, s.Probs[a]), seq, acc)
			}
			return
		}
		p := s.Player
		sf.parent[p][s.Index] = seq[p]
		for a, c := range nd.Children {
			ns := seq
			ns[p] = 1 + t.ActionOffset(nd.Infoset) + a
			walk(c, prob, ns, acc)
		}
	}
	walk(0, big.NewRat(1, 1), [2]int{0, 0}, [2]*big.Rat{new(big.Rat), new(big.Rat)})
	return sf, nil
}

// behaviour turns realization plans into a behaviour profile; at an
// information set its own player never reaches, actions get equal weight
// (Gambit's UndefinedToCentroid).
func (sf *seqForm) behaviour(x [2][]float64) [][]float64 {
	t := sf.t
	b := make([][]float64, 2)
	for p := 0; p < 2; p++ {
		b[p] = make([]float64, t.NumActions(p))
		for k, is := range t.PlayerInfosets[p] {
			off := t.ActionOffset(is)
			na := len(t.Infosets[is].Actions)
			par := x[p][sf.parent[p][k]]
			// In exact arithmetic the actions' realizations sum to the
			// parent's; in floats they do so up to round-off, which
			// dominates where the parent is barely reached, so divide by
			// their sum to keep a distribution.
			sum := 0.0
			for a := 0; a < na; a++ {
				sum += x[p][1+off+a]
			}
			if math.Abs(sum-par) > 1e-9*par {
				par = sum
			}
			for a := 0; a < na; a++ {
				if par > 0 {
					b[p][off+a] = x[p][1+off+a] / par
				} else {
					b[p][off+a] = 1 / float64(na)
				}
			}
		}
	}
	return b
}

func (sf *seqForm) behaviourExact(x [2][]*big.Rat) [][]*big.Rat {
	t := sf.t
	b := make([][]*big.Rat, 2)
	for p := 0; p < 2; p++ {
		b[p] = make([]*big.Rat, t.NumActions(p))
		for k, is := range t.PlayerInfosets[p] {
			off := t.ActionOffset(is)
			na := len(t.Infosets[is].Actions)
			par := x[p][sf.parent[p][k]]
			for a := 0; a < na; a++ {
				if par.Sign() > 0 {
					b[p][off+a] = new(big.Rat).Quo(x[p][1+off+a], par)
				} else {
					b[p][off+a] = big.NewRat(1, int64(na))
				}
			}
		}
	}
	return b
}

// ratsToFloats converts a rational profile.
func ratsToFloats(r [][]*big.Rat) [][]float64 {
	f := make([][]float64, len(r))
	for p := range r {
		f[p] = make([]float64, len(r[p]))
		for i, v := range r[p] {
			f[p][i], _ = v.Float64()
		}
	}
	return f
}

// treeCheck returns the error for trees a two-player sequence-form method
// cannot handle.
func treeCheck(t *game.Tree, method string) error {
	if t.NumPlayers() != 2 {
		return fmt.Errorf("%s: %w (this tree has %d)", method, errNotTwoPlayer, t.NumPlayers())
	}
	if err := t.PerfectRecall(); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	return nil
}

// treeMaxPathPayoff returns the largest total payoff any player collects
// on a path from the root to a leaf (outcomes at internal nodes add up),
// 0 when there are no outcomes.
func treeMaxPathPayoff(t *game.Tree) *big.Rat {
	var best *big.Rat
	acc := make([][]*big.Rat, len(t.Nodes))
	for n := range t.Nodes {
		nd := &t.Nodes[n]
		var base []*big.Rat
		if nd.Parent >= 0 {
			base = acc[nd.Parent]
		} else {
			base = make([]*big.Rat, t.NumPlayers())
			for p := range base {
				base[p] = new(big.Rat)
			}
		}
		cur := base
		if nd.Outcome >= 0 {
			cur = make([]*big.Rat, len(base))
			for p := range base {
				cur[p] = new(big.Rat).Add(base[p], t.OutcomeRat(nd.Outcome, p))
			}
		}
		acc[n] = cur
		if nd.Infoset < 0 {
			for _, v := range cur {
				if best == nil || v.Cmp(best) > 0 {
					best = v
				}
			}
		}
	}
	if best == nil {
		return new(big.Rat)
	}
	return best
}
