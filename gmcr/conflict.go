// Package gmcr analyses conflicts with the Graph Model for Conflict
// Resolution (Fang, Hipel & Kilgour 1993): decision makers with yes/no
// options, feasible states, ordinal preferences, and the stability of every
// state under Nash, GMR, SMR and SEQ, with coalitions, status-quo paths and
// inverse analysis.
//
// It is the ordinal lens on a standoff beside the cardinal Markov games of
// package scenario: nothing here needs a probability or a payoff number, only
// which states each decision maker prefers to which (bridge.go derives those
// from a scenario's values).
package gmcr

import (
	"context"
	"fmt"
	"math/bits"
	"sort"
	"strings"

	"github.com/truce-dev/truce/internal/budget"
)

// Direction says which way an option may change once the conflict is under
// way: GMCR's irreversible moves.
type Direction int

const (
	// Reversible options may be taken and withdrawn.
	Reversible Direction = iota
	// TakeOnly options, once taken, cannot be withdrawn (an irreversible
	// move such as abandoning a plant or launching a strike).
	TakeOnly
	// WithdrawOnly options, once withdrawn, cannot be taken again.
	WithdrawOnly
)

// String names d the way conflict files write it.
func (d Direction) String() string {
	switch d {
	case TakeOnly:
		return "take-only"
	case WithdrawOnly:
		return "withdraw-only"
	}
	return "reversible"
}

// Option is one yes/no choice, controlled by one decision maker. Its bit in
// a state's code is its index in Conflict.Options (the first option is the
// least significant bit, GMCR's decimal convention).
type Option struct {
	ID        string    `json:"id"`
	Label     string    `json:"label,omitempty"`
	DM        int       `json:"-"`
	Direction Direction `json:"-"`
}

// DecisionMaker controls a set of options.
type DecisionMaker struct {
	ID      string `json:"id"`
	Label   string `json:"label,omitempty"`
	Options []int  `json:"-"` // indices into Conflict.Options, in file order
}

// MaxOptions bounds the options of a conflict: states are enumerated as
// 2^options codes before feasibility (docs/limits.md).
const MaxOptions = 20

// MaxDecisionMakers bounds the decision makers: coalition analysis visits
// every subset of them.
const MaxDecisionMakers = 16

// Conflict is a graph model in option form: its feasible states, each
// decision maker's moves between them, and each one's preferences.
type Conflict struct {
	Name        string
	Title       string
	Description string
	DMs         []DecisionMaker
	Options     []Option
	// Codes are the feasible states' codes, ascending. A state is named by
	// its index into Codes everywhere in this package.
	Codes []uint64
	// Rank[d][k] orders the feasible states for decision maker d: a higher
	// rank is preferred, equal ranks are ties. Ranks are dense (0 is the
	// least preferred class).
	Rank [][]int32

	index  []int32 // code -> state index or -1 (dense over all 2^options codes)
	dmMask []uint64
	moves  [][]int32 // moves[d] flattened: targets of d's moves from state k are moves[d][start[d][k]:start[d][k+1]]
	start  [][]int32
}

// Spec is what New needs to build a conflict: its parts before feasibility
// and preferences are applied.
type Spec struct {
	Name, Title, Description string
	DMs                      []DecisionMaker
	Options                  []Option
	// Infeasible reports whether a state code is infeasible; nil means every
	// combination of options is feasible.
	Infeasible func(code uint64) bool
}

// New enumerates the feasible states of spec and builds every decision
// maker's moves. Preferences are set afterwards with SetRanking; until then
// every decision maker is indifferent between all states.
func New(ctx context.Context, spec Spec) (*Conflict, error) {
	n := len(spec.Options)
	if n == 0 {
		return nil, fmt.Errorf("the conflict has no options")
	}
	if n > MaxOptions {
		return nil, fmt.Errorf("%d options: the limit is %d (2^%d states before feasibility)", n, MaxOptions, MaxOptions)
	}
	if len(spec.DMs) < 2 {
		return nil, fmt.Errorf("a conflict needs at least two decision makers, not %d", len(spec.DMs))
	}
	if len(spec.DMs) > MaxDecisionMakers {
		return nil, fmt.Errorf("%d decision makers: the limit is %d", len(spec.DMs), MaxDecisionMakers)
	}
	total := int64(1) << n
	if err := budget.Check(ctx, "the graph model's state index", budget.Mul(total, 4+8), "use fewer options"); err != nil {
		return nil, err
	}
	c := &Conflict{Name: spec.Name, Title: spec.Title, Description: spec.Description, DMs: spec.DMs, Options: spec.Options}
	c.dmMask = make([]uint64, len(c.DMs))
	for d, dm := range c.DMs {
		if len(dm.Options) == 0 {
			return nil, fmt.Errorf("decision maker %s has no options", dm.ID)
		}
		for _, o := range dm.Options {
			if o < 0 || o >= n || c.Options[o].DM != d {
				return nil, fmt.Errorf("decision maker %s: option %d does not belong to it", dm.ID, o)
			}
			c.dmMask[d] |= 1 << uint(o)
		}
	}
	c.index = make([]int32, total)
	for code := uint64(0); code < uint64(total); code++ {
		if code&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("enumerating states: %w", err)
			}
		}
		if spec.Infeasible != nil && spec.Infeasible(code) {
			c.index[code] = -1
			continue
		}
		c.index[code] = int32(len(c.Codes))
		c.Codes = append(c.Codes, code)
	}
	if len(c.Codes) == 0 {
		return nil, fmt.Errorf("no feasible state: every combination of options is ruled out")
	}
	c.Rank = make([][]int32, len(c.DMs))
	for d := range c.Rank {
		c.Rank[d] = make([]int32, len(c.Codes))
	}
	if err := c.buildMoves(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// buildMoves lists, for every decision maker and state, the feasible states
// it can reach in one move: any change of its own options (several at once
// allowed) that keeps the others' options and respects irreversibility.
func (c *Conflict) buildMoves(ctx context.Context) error {
	S := int64(len(c.Codes))
	var need int64
	for d := range c.DMs {
		k := int64(bits.OnesCount64(c.dmMask[d]))
		need = budget.Add(need, budget.Mul(S, (int64(1)<<k)-1, 4), budget.Mul(S+1, 4))
	}
	if err := budget.Check(ctx, "the graph model's moves", need, "use fewer options or rule out more states"); err != nil {
		return err
	}
	c.moves = make([][]int32, len(c.DMs))
	c.start = make([][]int32, len(c.DMs))
	for d := range c.DMs {
		mask := c.dmMask[d]
		start := make([]int32, len(c.Codes)+1)
		var mv []int32
		for k, code := range c.Codes {
			if k&0xfff == 0 {
				if err := ctx.Err(); err != nil {
					return fmt.Errorf("building moves: %w", err)
				}
			}
			start[k] = int32(len(mv))
			base := code &^ mask
			// Every non-empty subset of the mask, as the new setting of d's options.
			for sub := mask; ; sub = (sub - 1) & mask {
				to := base | sub
				if to != code && c.allowed(code, to) {
					if t := c.index[to]; t >= 0 {
						mv = append(mv, t)
					}
				}
				if sub == 0 {
					break
				}
			}
			seg := mv[start[k]:]
			sort.Slice(seg, func(i, j int) bool { return seg[i] < seg[j] })
		}
		start[len(c.Codes)] = int32(len(mv))
		c.moves[d], c.start[d] = mv, start
	}
	return nil
}

// allowed reports whether the options that differ between from and to may
// change in that direction.
func (c *Conflict) allowed(from, to uint64) bool {
	diff := from ^ to
	for diff != 0 {
		o := bits.TrailingZeros64(diff)
		diff &= diff - 1
		taken := from&(1<<uint(o)) != 0
		switch c.Options[o].Direction {
		case TakeOnly:
			if taken {
				return false
			}
		case WithdrawOnly:
			if !taken {
				return false
			}
		}
	}
	return true
}

// Moves returns the states decision maker d can reach from state s in one
// move (GMCR's reachable list R_d(s)), ascending. The slice must not be
// changed.
func (c *Conflict) Moves(d, s int) []int32 {
	return c.moves[d][c.start[d][s]:c.start[d][s+1]]
}

// Improves reports whether decision maker d strictly prefers state t to s.
func (c *Conflict) Improves(d, s, t int) bool { return c.Rank[d][t] > c.Rank[d][s] }

// Improvements returns d's unilateral improvements from s: the states it can
// move to and strictly prefers.
func (c *Conflict) Improvements(d, s int) []int32 {
	var out []int32
	for _, t := range c.Moves(d, s) {
		if c.Rank[d][t] > c.Rank[d][s] {
			out = append(out, t)
		}
	}
	return out
}

// StateOf returns the index of the feasible state with the given code.
func (c *Conflict) StateOf(code uint64) (int, bool) {
	if code >= uint64(len(c.index)) {
		return 0, false
	}
	k := c.index[code]
	return int(k), k >= 0
}

// Taken reports whether option o is taken in state s.
func (c *Conflict) Taken(s, o int) bool { return c.Codes[s]&(1<<uint(o)) != 0 }

// SetRanking sets decision maker d's preferences from ranks over the
// feasible states (higher preferred, equal tied); they are stored densely.
func (c *Conflict) SetRanking(d int, ranks []int64) error {
	if len(ranks) != len(c.Codes) {
		return fmt.Errorf("%s: %d ranks for %d feasible states", c.DMs[d].ID, len(ranks), len(c.Codes))
	}
	c.Rank[d] = denseRanks(ranks)
	return nil
}

// denseRanks maps values to 0..levels-1 keeping their order and ties.
func denseRanks(v []int64) []int32 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	out := make([]int32, len(v))
	r := int32(-1)
	for i, k := range idx {
		if i == 0 || v[k] != v[idx[i-1]] {
			r++
		}
		out[k] = r
	}
	return out
}

// Classes returns d's preference classes, most preferred first; each class
// lists tied states ascending.
func (c *Conflict) Classes(d int) [][]int {
	top := int32(-1)
	for _, r := range c.Rank[d] {
		top = max(top, r)
	}
	out := make([][]int, top+1)
	for s, r := range c.Rank[d] {
		out[top-r] = append(out[top-r], s)
	}
	return out
}

// SetClasses sets d's preferences from classes, most preferred first; every
// feasible state must be in exactly one class.
func (c *Conflict) SetClasses(d int, classes [][]int) error {
	ranks := make([]int64, len(c.Codes))
	seen := make([]bool, len(c.Codes))
	for i, cl := range classes {
		for _, s := range cl {
			if s < 0 || s >= len(c.Codes) {
				return fmt.Errorf("%s: no state %d", c.DMs[d].ID, s)
			}
			if seen[s] {
				return fmt.Errorf("%s: state %d ranked twice", c.DMs[d].ID, c.Codes[s])
			}
			seen[s] = true
			ranks[s] = int64(len(classes) - i)
		}
	}
	for s, ok := range seen {
		if !ok {
			return fmt.Errorf("%s: state %d is not ranked", c.DMs[d].ID, c.Codes[s])
		}
	}
	return c.SetRanking(d, ranks)
}

// Clone returns a copy of c whose preferences may be changed without
// touching c (the moves are shared: they do not depend on preferences).
func (c *Conflict) Clone() *Conflict {
	cp := *c
	cp.Rank = make([][]int32, len(c.Rank))
	for d := range c.Rank {
		cp.Rank[d] = append([]int32(nil), c.Rank[d]...)
	}
	return &cp
}

// DMIndex returns the index of the decision maker with the given id.
func (c *Conflict) DMIndex(id string) (int, bool) {
	for d, dm := range c.DMs {
		if dm.ID == id {
			return d, true
		}
	}
	return 0, false
}

// Describe writes state s as the options taken, grouped by decision maker:
// "US: strike; IR: hormuz", or "no option taken".
func (c *Conflict) Describe(s int) string {
	var parts []string
	for d, dm := range c.DMs {
		var taken []string
		for _, o := range dm.Options {
			if c.Taken(s, o) {
				taken = append(taken, c.Options[o].ID)
			}
		}
		if len(taken) > 0 {
			parts = append(parts, c.DMs[d].ID+": "+strings.Join(taken, ", "))
		}
	}
	if len(parts) == 0 {
		return "no option taken"
	}
	return strings.Join(parts, "; ")
}

// Pattern writes state s in GMCR's Y/N notation, options in file order.
func (c *Conflict) Pattern(s int) string {
	b := make([]byte, len(c.Options))
	for o := range c.Options {
		b[o] = 'N'
		if c.Taken(s, o) {
			b[o] = 'Y'
		}
	}
	return string(b)
}

// Changed lists the options whose setting differs between states s and t,
// as "+opt" (taken) and "-opt" (withdrawn).
func (c *Conflict) Changed(s, t int) string {
	diff := c.Codes[s] ^ c.Codes[t]
	var parts []string
	for diff != 0 {
		o := bits.TrailingZeros64(diff)
		diff &= diff - 1
		sign := "+"
		if c.Taken(s, o) {
			sign = "-"
		}
		parts = append(parts, sign+c.Options[o].ID)
	}
	return strings.Join(parts, " ")
}
