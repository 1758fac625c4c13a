package game

import (
	"errors"
	"fmt"
	"math"
	"math/big"
)

// Chance is the player number of nature in a Tree.
const Chance = -1

// Tree is a finite game in extensive form: a rooted tree whose internal
// nodes are chance nodes or personal nodes grouped into information sets,
// with outcomes (payoff vectors) attached to any node.
//
// Nodes are stored in preorder: Nodes[0] is the root and every node comes
// before its descendants. Build a Tree with NewTree, NewInfoset, NewOutcome
// and AddNode (adding nodes depth first), then call Finish.
type Tree struct {
	Title   string
	Comment string
	Players []string

	Nodes    []Node
	Infosets []Infoset
	Outcomes []Outcome

	// PlayerInfosets[p] lists player p's information sets (indices into
	// Infosets) in the order they first appear in the preorder of the tree,
	// which is Gambit's order for behaviour profiles.
	PlayerInfosets [][]int

	// exact is false once a float-only payoff or probability was added.
	exact     bool
	finished  bool
	recallErr error
	offsets   []int // offsets[i]: index of infoset i's first action in its player's flat profile
}

// Node is one node of a Tree.
type Node struct {
	Label string
	// Infoset is the index of the node's information set in Tree.Infosets,
	// or -1 for a terminal node.
	Infoset int
	// Outcome is an index into Tree.Outcomes, or -1 for none. Outcomes at
	// internal nodes are paid to everyone passing through.
	Outcome  int
	Parent   int // -1 at the root
	Action   int // index of the action at the parent leading here
	Children []int
}

// Terminal reports whether the node has no children.
func (n *Node) Terminal() bool { return n.Infoset < 0 }

// Infoset is an information set: nodes that the moving player cannot tell
// apart, sharing the same actions.
type Infoset struct {
	Player  int // Chance or 0..N-1
	Number  int // the number the file gave it (per player), for writing back
	Label   string
	Actions []string
	// Probs are the chance probabilities, exact (chance infosets only).
	Probs  []*big.Rat
	ProbsF []float64
	Nodes  []int
	// Index is the position of the infoset in PlayerInfosets[Player]
	// (-1 for chance).
	Index int
}

// Outcome is a payoff vector with a label.
type Outcome struct {
	Number  int
	Label   string
	Payoffs []float64
	// Exact holds the payoffs as rationals, nil when not known exactly.
	Exact []*big.Rat
}

// NewTree returns a tree with the given players and a lone terminal root.
func NewTree(title string, players []string) *Tree {
	t := &Tree{Title: title, Players: players, exact: true}
	t.Nodes = []Node{{Infoset: -1, Outcome: -1, Parent: -1, Action: -1}}
	return t
}

// NumPlayers returns the number of (personal) players.
func (t *Tree) NumPlayers() int { return len(t.Players) }

// IsExact reports whether every payoff and chance probability is rational.
func (t *Tree) IsExact() bool { return t.exact }

// NewInfoset adds an information set and returns its index. For chance
// (player == Chance) probs gives the probability of each action.
func (t *Tree) NewInfoset(player, number int, label string, actions []string, probs []*big.Rat) (int, error) {
	if player != Chance && (player < 0 || player >= len(t.Players)) {
		return -1, fmt.Errorf("game: infoset for player %d, but the game has %d players", player+1, len(t.Players))
	}
	if len(actions) == 0 {
		return -1, fmt.Errorf("game: infoset with no actions")
	}
	is := Infoset{Player: player, Number: number, Label: label, Actions: actions, Index: -1}
	if player == Chance {
		if len(probs) != len(actions) {
			return -1, fmt.Errorf("game: chance infoset has %d actions but %d probabilities", len(actions), len(probs))
		}
		sum := new(big.Rat)
		for _, p := range probs {
			if p.Sign() < 0 {
				return -1, fmt.Errorf("game: negative chance probability %s", p.RatString())
			}
			sum.Add(sum, p)
			f, _ := p.Float64()
			is.ProbsF = append(is.ProbsF, f)
		}
		if sum.Cmp(big.NewRat(1, 1)) != 0 {
			return -1, fmt.Errorf("game: chance probabilities sum to %s, not 1", sum.RatString())
		}
		is.Probs = probs
	}
	t.Infosets = append(t.Infosets, is)
	return len(t.Infosets) - 1, nil
}

// NewOutcome adds an outcome with exact payoffs and returns its index.
func (t *Tree) NewOutcome(number int, label string, payoffs []*big.Rat) (int, error) {
	if len(payoffs) != len(t.Players) {
		return -1, fmt.Errorf("game: outcome %q has %d payoffs for %d players", label, len(payoffs), len(t.Players))
	}
	o := Outcome{Number: number, Label: label, Exact: payoffs}
	for _, v := range payoffs {
		f, _ := v.Float64()
		o.Payoffs = append(o.Payoffs, f)
	}
	t.Outcomes = append(t.Outcomes, o)
	return len(t.Outcomes) - 1, nil
}

// NewOutcomeFloat adds an outcome with float payoffs; the tree is no
// longer exact.
func (t *Tree) NewOutcomeFloat(number int, label string, payoffs []float64) (int, error) {
	if len(payoffs) != len(t.Players) {
		return -1, fmt.Errorf("game: outcome %q has %d payoffs for %d players", label, len(payoffs), len(t.Players))
	}
	t.exact = false
	t.Outcomes = append(t.Outcomes, Outcome{Number: number, Label: label, Payoffs: payoffs})
	return len(t.Outcomes) - 1, nil
}

// SetNode turns node n (so far a terminal leaf) into a node of the given
// infoset (or leaves it terminal when infoset < 0) with the given outcome
// (or -1), and creates its children as terminal leaves.
func (t *Tree) SetNode(n int, label string, infoset, outcome int) error {
	if n < 0 || n >= len(t.Nodes) {
		return fmt.Errorf("game: no node %d", n)
	}
	if outcome >= len(t.Outcomes) {
		return fmt.Errorf("game: no outcome %d", outcome)
	}
	if infoset >= len(t.Infosets) {
		return fmt.Errorf("game: no infoset %d", infoset)
	}
	nd := &t.Nodes[n]
	if nd.Infoset >= 0 {
		return fmt.Errorf("game: node %d already has a move", n)
	}
	nd.Label, nd.Infoset, nd.Outcome = label, infoset, outcome
	if infoset < 0 {
		return nil
	}
	t.Infosets[infoset].Nodes = append(t.Infosets[infoset].Nodes, n)
	k := len(t.Infosets[infoset].Actions)
	children := make([]int, k)
	for a := 0; a < k; a++ {
		children[a] = len(t.Nodes)
		t.Nodes = append(t.Nodes, Node{Infoset: -1, Outcome: -1, Parent: n, Action: a})
	}
	t.Nodes[n].Children = children
	t.finished = false
	return nil
}

// Finish renumbers nodes in preorder, orders each player's information
// sets by first appearance and checks perfect recall (the result is kept
// for PerfectRecall; an imperfect-recall tree is still a valid Tree).
func (t *Tree) Finish() error {
	if len(t.Players) == 0 {
		return errors.New("game: tree has no players")
	}
	// renumber nodes in preorder
	order := make([]int, 0, len(t.Nodes))
	stack := []int{0}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		order = append(order, n)
		ch := t.Nodes[n].Children
		for i := len(ch) - 1; i >= 0; i-- {
			stack = append(stack, ch[i])
		}
	}
	newID := make([]int, len(t.Nodes))
	for i, n := range order {
		newID[n] = i
	}
	nodes := make([]Node, len(order))
	for i, n := range order {
		nd := t.Nodes[n]
		if nd.Parent >= 0 {
			nd.Parent = newID[nd.Parent]
		}
		ch := make([]int, len(nd.Children))
		for a, c := range nd.Children {
			ch[a] = newID[c]
		}
		nd.Children = ch
		nodes[i] = nd
	}
	t.Nodes = nodes
	for i := range t.Infosets {
		t.Infosets[i].Nodes = t.Infosets[i].Nodes[:0]
		t.Infosets[i].Index = -1
	}
	t.PlayerInfosets = make([][]int, len(t.Players))
	for n := range t.Nodes {
		is := t.Nodes[n].Infoset
		if is < 0 {
			continue
		}
		s := &t.Infosets[is]
		if s.Player != Chance && len(s.Nodes) == 0 {
			s.Index = len(t.PlayerInfosets[s.Player])
			t.PlayerInfosets[s.Player] = append(t.PlayerInfosets[s.Player], is)
		}
		s.Nodes = append(s.Nodes, n)
	}
	t.offsets = make([]int, len(t.Infosets))
	for p := range t.Players {
		off := 0
		for _, is := range t.PlayerInfosets[p] {
			t.offsets[is] = off
			off += len(t.Infosets[is].Actions)
		}
	}
	for _, o := range t.Outcomes {
		if o.Exact == nil {
			t.exact = false
		}
	}
	t.recallErr = t.checkRecall()
	t.finished = true
	return nil
}

// checkRecall verifies that all nodes of each information set share the
// player's own last (infoset, action) on the path from the root: by
// induction the whole own history then agrees, and an infoset can never
// follow itself (absent-mindedness).
func (t *Tree) checkRecall() error {
	n := len(t.Players)
	// last[p] at a node: encoded own last move (infoset*maxA+action+1), 0 none
	type move struct{ is, a int }
	last := make([][]move, len(t.Nodes))
	last[0] = make([]move, n)
	for p := range last[0] {
		last[0][p] = move{-1, -1}
	}
	for i := 1; i < len(t.Nodes); i++ {
		par := t.Nodes[i].Parent
		lm := append([]move(nil), last[par]...)
		pis := t.Nodes[par].Infoset
		if pl := t.Infosets[pis].Player; pl != Chance {
			lm[pl] = move{pis, t.Nodes[i].Action}
		}
		last[i] = lm
	}
	for is := range t.Infosets {
		s := &t.Infosets[is]
		if s.Player == Chance {
			continue
		}
		first := s.Nodes[0]
		for _, nd := range s.Nodes[1:] {
			if last[nd][s.Player] != last[first][s.Player] {
				return fmt.Errorf("game: imperfect recall: player %d's information set %d (%q) holds nodes %s and %s that the player reaches by different own moves",
					s.Player+1, s.Index+1, s.Label, t.nodeName(first), t.nodeName(nd))
			}
		}
	}
	return nil
}

func (t *Tree) nodeName(n int) string {
	if t.Nodes[n].Label != "" {
		return fmt.Sprintf("%q", t.Nodes[n].Label)
	}
	return fmt.Sprintf("#%d (preorder)", n+1)
}

// PerfectRecall returns nil when every player remembers their own earlier
// moves, else an error naming an offending information set. Methods that
// need perfect recall (sequence form, reduced form, CFR) return it.
func (t *Tree) PerfectRecall() error {
	if !t.finished {
		return errors.New("game: tree not finished")
	}
	return t.recallErr
}

// ActionOffset returns the index of infoset is's first action in its
// player's flat behaviour strategy.
func (t *Tree) ActionOffset(is int) int { return t.offsets[is] }

// NumActions returns the length of player p's flat behaviour strategy.
func (t *Tree) NumActions(p int) int {
	k := 0
	for _, is := range t.PlayerInfosets[p] {
		k += len(t.Infosets[is].Actions)
	}
	return k
}

// UniformBehaviour returns the profile playing every action with equal
// probability: Profile[p][ActionOffset(is)+a].
func (t *Tree) UniformBehaviour() [][]float64 {
	b := make([][]float64, len(t.Players))
	for p := range b {
		b[p] = make([]float64, t.NumActions(p))
		for _, is := range t.PlayerInfosets[p] {
			k := len(t.Infosets[is].Actions)
			for a := 0; a < k; a++ {
				b[p][t.offsets[is]+a] = 1 / float64(k)
			}
		}
	}
	return b
}

// prob returns the probability of action a at node n under behaviour b.
func (t *Tree) prob(b [][]float64, n, a int) float64 {
	s := &t.Infosets[t.Nodes[n].Infoset]
	if s.Player == Chance {
		return s.ProbsF[a]
	}
	return b[s.Player][t.offsets[t.Nodes[n].Infoset]+a]
}

// Payoffs returns each player's expected payoff under behaviour profile b.
func (t *Tree) Payoffs(b [][]float64) []float64 {
	u := make([]float64, len(t.Players))
	reach := make([]float64, len(t.Nodes))
	reach[0] = 1
	for n := range t.Nodes {
		nd := &t.Nodes[n]
		if reach[n] == 0 {
			for _, c := range nd.Children {
				reach[c] = 0
			}
			continue
		}
		if nd.Outcome >= 0 {
			for p, v := range t.Outcomes[nd.Outcome].Payoffs {
				u[p] += reach[n] * v
			}
		}
		for a, c := range nd.Children {
			reach[c] = reach[n] * t.prob(b, n, a)
		}
	}
	return u
}

// BestResponse returns player p's best-response value against b (p's own
// part of b ignored) and the pure best response as a flat behaviour
// strategy. The tree must have perfect recall.
func (t *Tree) BestResponse(b [][]float64, p int) (float64, []float64) {
	// reach of the others and chance
	reach := make([]float64, len(t.Nodes))
	reach[0] = 1
	for n := range t.Nodes {
		nd := &t.Nodes[n]
		for a, c := range nd.Children {
			if t.Infosets[nd.Infoset].Player == p {
				reach[c] = reach[n]
			} else {
				reach[c] = reach[n] * t.prob(b, n, a)
			}
		}
	}
	w := make([]float64, len(t.Nodes))
	done := make([]bool, len(t.Nodes))
	choice := make([]int, len(t.Infosets))
	for i := range choice {
		choice[i] = -1
	}
	var value func(n int) float64
	var decide func(is int) int
	decide = func(is int) int {
		if choice[is] >= 0 {
			return choice[is]
		}
		s := &t.Infosets[is]
		best, bestA := 0.0, 0
		for a := range s.Actions {
			v := 0.0
			for _, nd := range s.Nodes {
				v += value(t.Nodes[nd].Children[a])
			}
			if a == 0 || v > best {
				best, bestA = v, a
			}
		}
		choice[is] = bestA
		return bestA
	}
	value = func(n int) float64 {
		if done[n] {
			return w[n]
		}
		nd := &t.Nodes[n]
		v := 0.0
		if nd.Outcome >= 0 && reach[n] != 0 {
			v = reach[n] * t.Outcomes[nd.Outcome].Payoffs[p]
		}
		if nd.Infoset >= 0 {
			if t.Infosets[nd.Infoset].Player == p {
				v += value(nd.Children[decide(nd.Infoset)])
			} else {
				for _, c := range nd.Children {
					v += value(c)
				}
			}
		}
		w[n], done[n] = v, true
		return v
	}
	val := value(0)
	br := make([]float64, t.NumActions(p))
	for _, is := range t.PlayerInfosets[p] {
		a := decide(is)
		br[t.offsets[is]+a] = 1
	}
	return val, br
}

// Regret returns the NashConv-style certificate of behaviour profile b:
// the largest gain any player gets by switching to a best response. It is
// NaN when the arithmetic overflowed, so that no tolerance check passes.
func (t *Tree) Regret(b [][]float64) float64 {
	u := t.Payoffs(b)
	worst := 0.0
	for p := range t.Players {
		v, _ := t.BestResponse(b, p)
		if d := v - u[p]; d > worst || d != d {
			worst = d
			if d != d {
				return math.NaN() // overflow inside: no certificate
			}
		}
	}
	return worst
}

// NashConv returns the sum over players of best-response gains; for
// two-player zero-sum trees it is twice the exploitability.
func (t *Tree) NashConv(b [][]float64) float64 {
	u := t.Payoffs(b)
	s := 0.0
	for p := range t.Players {
		v, _ := t.BestResponse(b, p)
		s += v - u[p]
	}
	return s
}

// IsPerfectInformation reports whether every information set holds a
// single node.
func (t *Tree) IsPerfectInformation() bool {
	for _, s := range t.Infosets {
		if s.Player != Chance && len(s.Nodes) > 1 {
			return false
		}
	}
	return true
}

// MaxPayoff returns the largest payoff of any outcome (exact when the tree
// is exact, else from floats), 0 if there are no outcomes.
func (t *Tree) MaxPayoff() *big.Rat {
	var m *big.Rat
	for _, o := range t.Outcomes {
		for p := range t.Players {
			v := outcomeRat(&o, p)
			if m == nil || v.Cmp(m) > 0 {
				m = v
			}
		}
	}
	if m == nil {
		return new(big.Rat)
	}
	return m
}

func outcomeRat(o *Outcome, p int) *big.Rat {
	if o.Exact != nil {
		return o.Exact[p]
	}
	r := new(big.Rat)
	r.SetFloat64(o.Payoffs[p])
	return r
}

// OutcomeRat returns outcome o's payoff to player p as a rational (from
// the float when the outcome is not exact).
func (t *Tree) OutcomeRat(o, p int) *big.Rat { return outcomeRat(&t.Outcomes[o], p) }
