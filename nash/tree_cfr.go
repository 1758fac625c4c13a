package nash

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/truce-dev/truce/game"
)

// CFRVariant selects the regret update of CFR.
type CFRVariant int

const (
	// CFRPlus is CFR+ (Tammelin 2014): regrets floored at zero, alternating
	// updates, average strategy weighted linearly after a short delay.
	CFRPlus CFRVariant = iota
	// DiscountedCFR is DCFR with α = 1.5, β = 0, γ = 2 (Brown and
	// Sandholm 2019).
	DiscountedCFR
)

// CFROptions tunes CFR.
type CFROptions struct {
	Variant CFRVariant
	// Iterations caps the number of iterations (default 1000).
	Iterations int
	// TargetExploitability stops once the average profile's exploitability
	// falls to this level (checked every CheckEvery iterations); 0: never.
	TargetExploitability float64
	// CheckEvery is how often exploitability is measured (default 10).
	CheckEvery int
	// OnCheck, if set, is called with each measurement.
	OnCheck func(iteration int, exploitability float64)
}

// cfrTree is a tree flattened for fast passes: preorder arrays.
type cfrTree struct {
	t        *game.Tree
	n        int
	player   []int     // -2 terminal, Chance, 0, 1
	infoset  []int     // infoset index or -1
	off      []int     // action offset in its player's flat profile
	children [][]int   // children per node
	chance   []float64 // chance probability of reaching the node from its parent (1 otherwise)
	pay      [2][]float64
}

func newCFRTree(t *game.Tree) *cfrTree {
	c := &cfrTree{t: t, n: len(t.Nodes)}
	c.player = make([]int, c.n)
	c.infoset = make([]int, c.n)
	c.off = make([]int, c.n)
	c.children = make([][]int, c.n)
	c.chance = make([]float64, c.n)
	c.pay[0] = make([]float64, c.n)
	c.pay[1] = make([]float64, c.n)
	for i := range c.chance {
		c.chance[i] = 1
	}
	for i := range t.Nodes {
		nd := &t.Nodes[i]
		c.infoset[i] = nd.Infoset
		if nd.Outcome >= 0 {
			c.pay[0][i] = t.Outcomes[nd.Outcome].Payoffs[0]
			c.pay[1][i] = t.Outcomes[nd.Outcome].Payoffs[1]
		}
		if nd.Infoset < 0 {
			c.player[i] = -2
			continue
		}
		s := &t.Infosets[nd.Infoset]
		c.player[i] = s.Player
		if s.Player != game.Chance {
			c.off[i] = t.ActionOffset(nd.Infoset)
		}
		c.children[i] = nd.Children
		if s.Player == game.Chance {
			for a, ch := range nd.Children {
				c.chance[ch] = s.ProbsF[a]
			}
		}
	}
	return c
}

// CFR runs counterfactual regret minimisation on a two-player zero-sum tree
// with perfect recall and returns the average profile, which converges to a
// Nash equilibrium. Result.Stats holds "iterations", "exploitability"
// (NashConv/2 of the returned profile) and "value" (player 1's expected
// payoff). Complete is false when the iteration cap or the context ended
// the run before the target exploitability was reached.
func CFR(ctx context.Context, t *game.Tree, opts CFROptions) (out *Result, outErr error) {
	defer certifyTree(ctx, cfrMethodName(opts), t, &out, &outErr)
	start := time.Now()
	if err := treeCheck(t, "cfr"); err != nil {
		return nil, err
	}
	if !treeZeroSum(t) {
		return nil, fmt.Errorf("cfr: the tree is not zero-sum (CFR's average converges to equilibrium only there); use lcp")
	}
	if opts.Iterations <= 0 {
		opts.Iterations = 1000
	}
	if opts.CheckEvery <= 0 {
		opts.CheckEvery = 10
	}
	c := newCFRTree(t)
	var regret, avg, sigma [2][]float64
	for p := 0; p < 2; p++ {
		k := t.NumActions(p)
		regret[p] = make([]float64, k)
		avg[p] = make([]float64, k)
		sigma[p] = make([]float64, k)
	}
	reachOpp := make([]float64, c.n)
	reachOwn := make([]float64, c.n)
	val := make([]float64, c.n)
	cfv := make([]float64, 0)
	res := &Result{Method: cfrMethodName(opts), Stats: map[string]float64{}}
	expl := math.Inf(1)
	it := 0
	for p := 0; p < 2; p++ {
		c.regretMatch(regret[p], sigma[p], p)
	}
	for it = 1; it <= opts.Iterations; it++ {
		if it%16 == 0 {
			if err := ctx.Err(); err != nil {
				res.Reason = reasonOf(err)
				break
			}
		}
		for p := 0; p < 2; p++ {
			if cap(cfv) < len(regret[p]) {
				cfv = make([]float64, len(regret[p]))
			}
			cfv = cfv[:len(regret[p])]
			for i := range cfv {
				cfv[i] = 0
			}
			c.pass(p, sigma, reachOpp, reachOwn, val, cfv)
			// regret update
			tf := float64(it)
			pos, neg := 1.0, 1.0
			if opts.Variant == DiscountedCFR {
				a := math.Pow(tf, 1.5)
				pos = a / (a + 1)
				neg = 0.5
			}
			for _, is := range t.PlayerInfosets[p] {
				off := t.ActionOffset(is)
				na := len(t.Infosets[is].Actions)
				ev := 0.0
				for a := 0; a < na; a++ {
					ev += sigma[p][off+a] * cfv[off+a]
				}
				for a := 0; a < na; a++ {
					r := regret[p][off+a]
					if opts.Variant == DiscountedCFR {
						if r > 0 {
							r *= pos
						} else {
							r *= neg
						}
						r += cfv[off+a] - ev
					} else {
						r += cfv[off+a] - ev
						if r < 0 {
							r = 0
						}
					}
					regret[p][off+a] = r
				}
				// average strategy, weighted by the player's own reach
				w := 0.0
				if opts.Variant == DiscountedCFR {
					w = math.Pow(tf/(tf+1), 2)
					for a := 0; a < na; a++ {
						avg[p][off+a] *= w
					}
					w = 1
				} else {
					w = math.Max(tf-cfrDelay, 0)
				}
				if w > 0 {
					own := reachOwn[t.Infosets[is].Nodes[0]]
					for a := 0; a < na; a++ {
						avg[p][off+a] += w * own * sigma[p][off+a]
					}
				}
			}
			c.regretMatch(regret[p], sigma[p], p)
		}
		if it%opts.CheckEvery == 0 || it == opts.Iterations {
			prof := c.normalise(avg, sigma)
			expl = t.NashConv(prof) / 2
			if opts.OnCheck != nil {
				opts.OnCheck(it, expl)
			}
			if opts.TargetExploitability > 0 && expl <= opts.TargetExploitability {
				res.Complete = true
				break
			}
		}
	}
	if it > opts.Iterations {
		it = opts.Iterations
		if opts.TargetExploitability <= 0 {
			res.Complete = true
		}
	}
	if !res.Complete && res.Reason == "" {
		res.Reason = "iteration limit reached"
	}
	prof := c.normalise(avg, sigma)
	eq := Equilibrium{Profile: prof, Regret: t.Regret(prof), Component: -1}
	res.Equilibria = []Equilibrium{eq}
	expl = t.NashConv(prof) / 2
	res.Stats["iterations"] = float64(it)
	res.Stats["exploitability"] = expl
	res.Stats["value"] = t.Payoffs(prof)[0]
	res.Elapsed = time.Since(start)
	return res, nil
}

// cfrDelay is CFR+'s averaging delay: iterations before it count nothing.
const cfrDelay = 0

// regretMatch sets sigma from positive regrets (uniform if none).
func (c *cfrTree) regretMatch(regret, sigma []float64, p int) {
	t := c.t
	for _, is := range t.PlayerInfosets[p] {
		off := t.ActionOffset(is)
		na := len(t.Infosets[is].Actions)
		sum := 0.0
		for a := 0; a < na; a++ {
			if r := regret[off+a]; r > 0 {
				sum += r
			}
		}
		for a := 0; a < na; a++ {
			if sum > 0 {
				sigma[off+a] = math.Max(regret[off+a], 0) / sum
			} else {
				sigma[off+a] = 1 / float64(na)
			}
		}
	}
}

// pass computes, for player p, reach probabilities top-down and values
// bottom-up, accumulating p's counterfactual action values in cfv.
func (c *cfrTree) pass(p int, sigma [2][]float64, reachOpp, reachOwn, val, cfv []float64) {
	reachOpp[0], reachOwn[0] = 1, 1
	for n := 0; n < c.n; n++ {
		pl := c.player[n]
		if pl == -2 {
			continue
		}
		for a, ch := range c.children[n] {
			switch {
			case pl == game.Chance:
				reachOpp[ch] = reachOpp[n] * c.chance[ch]
				reachOwn[ch] = reachOwn[n]
			case pl == p:
				reachOpp[ch] = reachOpp[n]
				reachOwn[ch] = reachOwn[n] * sigma[p][c.off[n]+a]
			default:
				reachOpp[ch] = reachOpp[n] * sigma[pl][c.off[n]+a]
				reachOwn[ch] = reachOwn[n]
			}
		}
	}
	pay := c.pay[p]
	for n := c.n - 1; n >= 0; n-- {
		v := pay[n]
		pl := c.player[n]
		switch {
		case pl == -2:
		case pl == game.Chance:
			for _, ch := range c.children[n] {
				v += c.chance[ch] * val[ch]
			}
		default:
			s := sigma[pl][c.off[n]:]
			for a, ch := range c.children[n] {
				v += s[a] * val[ch]
				if pl == p {
					cfv[c.off[n]+a] += reachOpp[n] * val[ch]
				}
			}
		}
		val[n] = v
	}
}

// normalise turns strategy sums into a behaviour profile (current
// strategy where nothing was accumulated).
func (c *cfrTree) normalise(avg, sigma [2][]float64) [][]float64 {
	t := c.t
	prof := make([][]float64, 2)
	for p := 0; p < 2; p++ {
		prof[p] = make([]float64, len(avg[p]))
		for _, is := range t.PlayerInfosets[p] {
			off := t.ActionOffset(is)
			na := len(t.Infosets[is].Actions)
			sum := 0.0
			for a := 0; a < na; a++ {
				sum += avg[p][off+a]
			}
			for a := 0; a < na; a++ {
				if sum > 0 {
					prof[p][off+a] = avg[p][off+a] / sum
				} else {
					prof[p][off+a] = sigma[p][off+a]
				}
			}
		}
	}
	return prof
}

// treeZeroSum reports whether every leaf's total payoff sums to zero
// (outcomes along a path add up).
func treeZeroSum(t *game.Tree) bool {
	if t.NumPlayers() != 2 {
		return false
	}
	for _, o := range t.Outcomes {
		if o.Exact != nil {
			if new(big.Rat).Add(o.Exact[0], o.Exact[1]).Sign() != 0 {
				return false
			}
		} else if math.Abs(o.Payoffs[0]+o.Payoffs[1]) > 1e-12 {
			return false
		}
	}
	return true
}

// cfrMethodName is Result.Method for a CFR variant.
func cfrMethodName(opts CFROptions) string {
	if opts.Variant == DiscountedCFR {
		return "dcfr"
	}
	return "cfr+"
}
