package nash

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"sort"

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
	// entries lists the pairs of sequences (s1, s2) that reach some
	// outcome, sorted by s1 then s2: at most one per node, so the payoff
	// matrices are kept sparse.
	entries []seqEntry
}

// seqEntry is one reached pair of sequences: pay[p] is the expected
// payoff to p over the outcomes the pair reaches (chance probabilities
// folded in); shift[p] is Gambit's variant with the largest payoff + 1
// subtracted at each leaf, which keeps every entry negative.
type seqEntry struct {
	s1, s2     int
	pay, shift [2]num
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
	n2 := int64(sf.ns[1])
	index := map[int64]int{}
	entry := func(seq [2]int) *seqEntry {
		k := int64(seq[0])*n2 + int64(seq[1])
		i, ok := index[k]
		if !ok {
			i = len(sf.entries)
			index[k] = i
			sf.entries = append(sf.entries, seqEntry{s1: seq[0], s2: seq[1], pay: [2]num{numZero, numZero}, shift: [2]num{numZero, numZero}})
		}
		return &sf.entries[i]
	}
	// Outcome payoffs and chance probabilities as exact nums, once.
	pays := make([][2]num, len(t.Outcomes))
	for o := range t.Outcomes {
		for p := 0; p < 2; p++ {
			pays[o][p] = numOf(t.OutcomeRat(o, p))
		}
	}
	probs := make([][]num, len(t.Infosets))
	for i, s := range t.Infosets {
		if s.Player == game.Chance {
			probs[i] = make([]num, len(s.Probs))
			for a, pr := range s.Probs {
				probs[i][a] = numOf(pr)
			}
		}
	}
	maxpay := numAdd(treeMaxPathPayoff(t, pays), num{q: qrat{1, 1}})
	// acc carries the payoffs of outcomes met on the path so far: Gambit's
	// lcp shifts each leaf's total by the largest payoff + 1 (weighted by
	// the chance probability), which keeps every pair's entry negative.
	var walk func(n int, prob num, seq [2]int, acc [2]num)
	walk = func(n int, prob num, seq [2]int, acc [2]num) {
		nd := &t.Nodes[n]
		if nd.Outcome >= 0 {
			e := entry(seq)
			for p := 0; p < 2; p++ {
				v := pays[nd.Outcome][p]
				e.pay[p] = numAdd(e.pay[p], numMul(prob, v))
				acc[p] = numAdd(acc[p], v)
			}
		}
		if nd.Infoset < 0 {
			e := entry(seq)
			for p := 0; p < 2; p++ {
				e.shift[p] = numAdd(e.shift[p], numMul(numSub(acc[p], maxpay), prob))
			}
			return
		}
		s := &t.Infosets[nd.Infoset]
		if s.Player == game.Chance {
			for a, c := range nd.Children {
				if probs[nd.Infoset][a].Sign() == 0 {
					continue
				}
				walk(c, numMul(prob, probs[nd.Infoset][a]), seq, acc)
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
	walk(0, num{q: qrat{1, 1}}, [2]int{0, 0}, [2]num{numZero, numZero})
	sort.Slice(sf.entries, func(i, j int) bool {
		a, b := &sf.entries[i], &sf.entries[j]
		return a.s1 < b.s1 || a.s1 == b.s1 && a.s2 < b.s2
	})
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
// 0 when there are no outcomes; pays are the outcomes' payoffs.
func treeMaxPathPayoff(t *game.Tree, pays [][2]num) num {
	best, found := numZero, false
	acc := make([][2]num, len(t.Nodes))
	for n := range t.Nodes {
		nd := &t.Nodes[n]
		cur := [2]num{numZero, numZero}
		if nd.Parent >= 0 {
			cur = acc[nd.Parent]
		}
		if nd.Outcome >= 0 {
			for p := range cur {
				cur[p] = numAdd(cur[p], pays[nd.Outcome][p])
			}
		}
		acc[n] = cur
		if nd.Infoset < 0 {
			for _, v := range cur {
				if !found || numCmp(v, best) > 0 {
					best, found = v, true
				}
			}
		}
	}
	return best
}
