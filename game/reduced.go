package game

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/truce-dev/truce/internal/budget"
)

// Reduced is the reduced strategic form of a tree together with the map
// from its pure strategies back to the tree.
type Reduced struct {
	Game *Strategic
	// Plans[p][s][k] is the action reduced strategy s of player p takes at
	// the player's k-th information set (PlayerInfosets order), or -1 where
	// the strategy's own earlier moves never lead there.
	Plans [][][]int
	tree  *Tree
}

// ReducedAlternative is what a user can do instead when a tree's reduced
// strategic form is too large to build: the methods that work on the tree
// itself (sequence form, backward induction, CFR) never build it.
const ReducedAlternative = "use a method that works on the tree itself: --method lcp (the sequence form, 2 players), spe, or cfr (2-player zero-sum)"

// ReducedCounts returns the number of reduced strategies of each player,
// counted without listing them: a player's plans at the information sets
// reached by one own (infoset, action) multiply, alternative actions add.
// Counts saturate at math.MaxInt64.
func (t *Tree) ReducedCounts() ([]int64, error) {
	if err := t.PerfectRecall(); err != nil {
		return nil, err
	}
	counts := make([]int64, len(t.Players))
	for p := range t.Players {
		pis, pa := t.ownParents(p)
		k := len(t.PlayerInfosets[p])
		// below[i][a]: plans of the infosets whose own parent is (i, a);
		// infosets come in preorder, so children follow their parent and
		// a reverse sweep sees every child before its parent.
		below := make([][]int64, k)
		for i, is := range t.PlayerInfosets[p] {
			below[i] = make([]int64, len(t.Infosets[is].Actions))
			for a := range below[i] {
				below[i][a] = 1
			}
		}
		top := int64(1)
		for i := k - 1; i >= 0; i-- {
			n := budget.Add(below[i]...)
			if pis[i] < 0 {
				top = budget.Mul(top, n)
			} else {
				below[pis[i]][pa[i]] = budget.Mul(below[pis[i]][pa[i]], n)
			}
		}
		counts[p] = top
	}
	return counts, nil
}

// ReducedBytes estimates the memory Reduced needs for a tree whose players
// have the given numbers of reduced strategies: the payoff table (floats,
// plus rationals when exact) and the plans with their labels.
func (t *Tree) ReducedBytes(counts []int64) int64 {
	n := int64(len(t.Players))
	profiles := budget.Mul(counts...)
	perCell := int64(8 + 8) // float payoff, int64 accumulator
	if t.IsExact() {
		perCell += 8 + 64 + 16 // *big.Rat, the Rat, its words
	}
	need := budget.Mul(profiles, n, perCell)
	for p, c := range counts {
		k := int64(len(t.PlayerInfosets[p]))
		// plan ([]int), label (string of k bytes), membership lists
		need = budget.Add(need, budget.Mul(c, budget.Add(24+8*k, 16+k, 8*(k+1))))
	}
	return need
}

// maxReducedProfiles is the most profiles a strategic game may have
// (NewStrategic's limit).
const maxReducedProfiles = 1 << 31

// ownParentSeq returns, per infoset of player p (local index), the local
// index of the infoset and the action the player last took before it, or
// (-1, -1) for none. Needs perfect recall.
func (t *Tree) ownParents(p int) (pis, pa []int) {
	k := len(t.PlayerInfosets[p])
	pis, pa = make([]int, k), make([]int, k)
	for i, is := range t.PlayerInfosets[p] {
		n := t.Infosets[is].Nodes[0]
		pis[i], pa[i] = -1, -1
		for c := n; t.Nodes[c].Parent >= 0; c = t.Nodes[c].Parent {
			par := t.Nodes[c].Parent
			ps := &t.Infosets[t.Nodes[par].Infoset]
			if ps.Player == p {
				pis[i], pa[i] = ps.Index, t.Nodes[c].Action
				break
			}
		}
	}
	return pis, pa
}

// ReducedStrategic returns the reduced strategic form of the tree: each
// player's pure strategies name an action only at the information sets
// their own earlier moves allow them to reach, so strategies that differ
// only where they cannot matter are merged. Payoffs are computed from
// the tree's leaves and the sequences leading to them, never by playing
// out every strategy combination.
func (t *Tree) ReducedStrategic(ctx context.Context) (*Strategic, error) {
	r, err := t.Reduced(ctx)
	if err != nil {
		return nil, err
	}
	return r.Game, nil
}

// Reduced returns the reduced strategic form with its strategy map. It
// counts the strategies first and refuses, with a *budget.ExceededError
// naming the size, when the form would not fit the memory budget in ctx;
// it stops with ctx.Err() when ctx is done.
func (t *Tree) Reduced(ctx context.Context) (*Reduced, error) {
	counts, err := t.ReducedCounts()
	if err != nil {
		return nil, err
	}
	what := "reduced strategic form (" + formatCounts(counts) + ")"
	if err := budget.Check(ctx, what, t.ReducedBytes(counts), ReducedAlternative); err != nil {
		return nil, err
	}
	if budget.Mul(counts...) > maxReducedProfiles {
		return nil, fmt.Errorf("game: %s has more than %d strategy profiles; %s", what, maxReducedProfiles, ReducedAlternative)
	}
	n := len(t.Players)
	red := &Reduced{Plans: make([][][]int, n), tree: t}
	labels := make([][]string, n)
	// contains[p][seq] = strategies of p that include sequence seq
	// (seq 0 empty, 1+offset+a otherwise).
	contains := make([][][]int, n)
	for p := 0; p < n; p++ {
		pis, pa := t.ownParents(p)
		k := len(t.PlayerInfosets[p])
		cur := make([]int, k)
		var plans [][]int
		plans = make([][]int, 0, counts[p])
		var rec func(i int) error
		rec = func(i int) error {
			if i == k {
				if len(plans)%4096 == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
				}
				plans = append(plans, append([]int(nil), cur...))
				return nil
			}
			if pis[i] >= 0 && cur[pis[i]] != pa[i] {
				cur[i] = -1
				return rec(i + 1)
			}
			for a := range t.Infosets[t.PlayerInfosets[p][i]].Actions {
				cur[i] = a
				if err := rec(i + 1); err != nil {
					return err
				}
			}
			return nil
		}
		if err := rec(0); err != nil {
			return nil, err
		}
		red.Plans[p] = plans
		contains[p] = make([][]int, 1+t.NumActions(p))
		for s, plan := range plans {
			contains[p][0] = append(contains[p][0], s)
			var sb strings.Builder
			for i, a := range plan {
				if a < 0 {
					sb.WriteByte('*')
					continue
				}
				fmt.Fprintf(&sb, "%d", a+1)
				seq := 1 + t.ActionOffset(t.PlayerInfosets[p][i]) + a
				contains[p][seq] = append(contains[p][seq], s)
			}
			if k == 0 {
				sb.WriteString("1")
			}
			labels[p] = append(labels[p], sb.String())
		}
	}
	g, err := NewStrategic(append([]string(nil), t.Players...), labels)
	if err != nil {
		return nil, err
	}
	g.Title, g.Comment = t.Title, t.Comment
	exact := t.IsExact()
	ex := g.Exact() // NewStrategic's zeros, summed into below
	if !exact {
		g.DropExact()
	}
	// Walk the tree carrying each player's current sequence and the
	// chance probability; at each outcome add its payoff to every profile
	// whose strategies contain all those sequences.
	type contrib struct {
		node  int
		lists [][]int
		rat   []*big.Rat // chance probability × payoff, exact
		f     []float64
	}
	var contribs []contrib
	seq := make([]int, n)
	var walk func(node int, prob *big.Rat, pf float64)
	walk = func(node int, prob *big.Rat, pf float64) {
		nd := &t.Nodes[node]
		if nd.Outcome >= 0 {
			o := &t.Outcomes[nd.Outcome]
			c := contrib{node: node, lists: make([][]int, n), f: make([]float64, n)}
			ok := true
			for p := 0; p < n; p++ {
				c.lists[p] = contains[p][seq[p]]
				ok = ok && len(c.lists[p]) > 0
				c.f[p] = pf * o.Payoffs[p]
				if exact {
					c.rat = append(c.rat, new(big.Rat).Mul(prob, o.Exact[p]))
				}
			}
			if ok {
				contribs = append(contribs, c)
			}
		}
		if nd.Infoset < 0 {
			return
		}
		s := &t.Infosets[nd.Infoset]
		for a, c := range nd.Children {
			if s.Player == Chance {
				if s.Probs[a].Sign() == 0 {
					continue
				}
				walk(c, new(big.Rat).Mul(prob, s.Probs[a]), pf*s.ProbsF[a])
				continue
			}
			old := seq[s.Player]
			seq[s.Player] = 1 + t.offsets[nd.Infoset] + a
			walk(c, prob, pf)
			seq[s.Player] = old
		}
	}
	walk(0, big.NewRat(1, 1), 1)
	// Exact sums: over a common denominator in int64 when that cannot
	// overflow (one division per cell at the end, no gcd per addition).
	var den *big.Int
	var nums [][]int64
	if exact {
		den = big.NewInt(1)
		for _, c := range contribs {
			for _, r := range c.rat {
				d := r.Denom()
				gcd := new(big.Int).GCD(nil, nil, den, d)
				den.Mul(den, new(big.Int).Quo(d, gcd))
			}
		}
		bound := new(big.Int)
		nums = make([][]int64, len(contribs))
		for i, c := range contribs {
			nums[i] = make([]int64, n)
			for p, r := range c.rat {
				v := new(big.Int).Mul(r.Num(), new(big.Int).Quo(den, r.Denom()))
				if !v.IsInt64() {
					nums = nil
					break
				}
				nums[i][p] = v.Int64()
				bound.Add(bound, new(big.Int).Abs(v))
			}
			if nums == nil {
				break
			}
		}
		if nums != nil && bound.BitLen() > 62 {
			nums = nil
		}
	}
	var acc []int64
	if nums != nil {
		acc = make([]int64, len(g.Payoffs))
	}
	shape := g.Shape()
	idx := make([]int, n)
	work := 0
	for ci, c := range contribs {
		for p := range idx {
			idx[p] = 0
		}
		for {
			if work++; work&(1<<16-1) == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			k, stride := 0, 1
			for p := 0; p < n; p++ {
				k += c.lists[p][idx[p]] * stride
				stride *= shape[p]
			}
			for p := 0; p < n; p++ {
				g.Payoffs[k*n+p] += c.f[p]
				switch {
				case acc != nil:
					acc[k*n+p] += nums[ci][p]
				case exact:
					e := ex[k*n+p]
					e.Add(e, c.rat[p])
				}
			}
			p := 0
			for ; p < n; p++ {
				idx[p]++
				if idx[p] < len(c.lists[p]) {
					break
				}
				idx[p] = 0
			}
			if p == n {
				break
			}
		}
	}
	if exact {
		num := new(big.Int)
		if acc != nil {
			for i, e := range ex {
				e.SetFrac(num.SetInt64(acc[i]), den)
			}
		}
		if err := g.SetExact(ex); err != nil {
			return nil, err
		}
	}
	red.Game = g
	return red, nil
}

// Behaviour converts a mixed profile over reduced strategies into the
// behaviour profile it induces (Kuhn): at an information set the
// player's own strategy mix never reaches, every action gets 0, as
// Gambit prints.
func (r *Reduced) Behaviour(mixed [][]float64) [][]float64 {
	t := r.tree
	b := make([][]float64, len(t.Players))
	for p := range b {
		b[p] = make([]float64, t.NumActions(p))
		for k, is := range t.PlayerInfosets[p] {
			off := t.offsets[is]
			den := 0.0
			for s, plan := range r.Plans[p] {
				if a := plan[k]; a >= 0 {
					den += mixed[p][s]
					b[p][off+a] += mixed[p][s]
				}
			}
			for a := range t.Infosets[is].Actions {
				if den > 0 {
					b[p][off+a] /= den
				} else {
					b[p][off+a] = 0
				}
			}
		}
	}
	return b
}

// PlanBehaviour returns the behaviour strategy of player p's reduced
// strategy s, flat in ActionOffset order: 1 on the action the plan takes
// at each information set it reaches, 0 elsewhere (also at the sets it
// never reaches, as Gambit prints pure behaviour profiles).
func (r *Reduced) PlanBehaviour(p, s int) []float64 {
	t := r.tree
	b := make([]float64, t.NumActions(p))
	for k, is := range t.PlayerInfosets[p] {
		if a := r.Plans[p][s][k]; a >= 0 {
			b[t.offsets[is]+a] = 1
		}
	}
	return b
}

// BehaviourExact is Behaviour in rationals.
func (r *Reduced) BehaviourExact(mixed [][]*big.Rat) [][]*big.Rat {
	t := r.tree
	b := make([][]*big.Rat, len(t.Players))
	for p := range b {
		b[p] = make([]*big.Rat, t.NumActions(p))
		for i := range b[p] {
			b[p][i] = new(big.Rat)
		}
		for k, is := range t.PlayerInfosets[p] {
			off := t.offsets[is]
			den := new(big.Rat)
			for s, plan := range r.Plans[p] {
				if a := plan[k]; a >= 0 {
					den.Add(den, mixed[p][s])
					b[p][off+a].Add(b[p][off+a], mixed[p][s])
				}
			}
			for a := range t.Infosets[is].Actions {
				if den.Sign() > 0 {
					b[p][off+a].Quo(b[p][off+a], den)
				} else {
					b[p][off+a].SetInt64(0)
				}
			}
		}
	}
	return b
}

// shortFloat writes a large count with three digits, 1.05e14 rather than
// Go's 1.05e+14.
func shortFloat(f float64) string {
	s := fmt.Sprintf("%.3g", f)
	if i := strings.Index(s, "e+"); i >= 0 {
		s = s[:i+1] + strings.TrimLeft(s[i+2:], "0")
	}
	return s
}

// formatCounts writes each player's number of reduced strategies:
// "12×40 strategies", or, when a count saturated, "strategies per player:
// 1.05e14 and more than 9.2e18" (a product with "more than" inside it
// reads badly).
func formatCounts(counts []int64) string {
	parts := make([]string, len(counts))
	saturated := false
	for i, c := range counts {
		switch {
		case c == math.MaxInt64:
			parts[i] = "more than 9.2e18"
			saturated = true
		case c >= 1e6:
			parts[i] = shortFloat(float64(c))
		default:
			parts[i] = fmt.Sprint(c)
		}
	}
	if !saturated {
		return strings.Join(parts, "×") + " strategies"
	}
	if len(parts) == 2 {
		return "strategies per player: " + parts[0] + " and " + parts[1]
	}
	return "strategies per player: " + strings.Join(parts, ", ")
}
