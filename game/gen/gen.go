// Package gen builds game trees used as test cases and benchmarks: Kuhn
// and Leduc poker, and a one-sided threat game with an audience cost. Every
// tree is exact (rational payoffs and probabilities).
package gen

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/truce-dev/truce/game"
)

// pokerSpec describes a small two-player poker game: each player antes 1
// and gets one private card; rounds of betting (check/bet, then
// fold/call/raise) follow, with a public card dealt before each round after
// the first; at showdown a pair with the public card wins, else the higher
// card, ties split the pot.
type pokerSpec struct {
	title    string
	ranks    []string // rank names, low to high
	copies   int      // cards of each rank in the deck
	betSizes []int    // bet size per round
	raises   int      // bets + raises allowed per round
}

// Kuhn returns Kuhn poker: a deck of J, Q, K, one betting round with bets
// of 1 and no raises. Its value for the first player is -1/18.
func Kuhn() *game.Tree {
	return buildPoker(pokerSpec{title: "Kuhn poker", ranks: []string{"J", "Q", "K"}, copies: 1, betSizes: []int{1}, raises: 1})
}

// Leduc returns Leduc hold'em: two each of J, Q, K, two betting rounds
// with bets of 2 then 4 and at most two bets per round, one public card.
func Leduc() *game.Tree {
	return buildPoker(pokerSpec{title: "Leduc hold'em", ranks: []string{"J", "Q", "K"}, copies: 2, betSizes: []int{2, 4}, raises: 2})
}

type pokerBuilder struct {
	spec     pokerSpec
	t        *game.Tree
	infosets map[string]int
	outcomes map[int]int
	deck     []int // rank of each card
}

func buildPoker(spec pokerSpec) *game.Tree {
	b := &pokerBuilder{spec: spec, infosets: map[string]int{}, outcomes: map[int]int{}}
	b.t = game.NewTree(spec.title, []string{"Player 1", "Player 2"})
	for r := range spec.ranks {
		for c := 0; c < spec.copies; c++ {
			b.deck = append(b.deck, r)
		}
	}
	// deal: ordered pairs of distinct cards, uniformly
	var names []string
	var probs []*big.Rat
	var pairs [][2]int
	nd := len(b.deck)
	for i := 0; i < nd; i++ {
		for j := 0; j < nd; j++ {
			if i == j {
				continue
			}
			pairs = append(pairs, [2]int{i, j})
			names = append(names, b.cardName(i)+b.cardName(j))
			probs = append(probs, big.NewRat(1, int64(nd*(nd-1))))
		}
	}
	is := b.must(b.t.NewInfoset(game.Chance, 1, "deal", names, probs))
	b.mustErr(b.t.SetNode(0, "", is, -1))
	for k, pr := range pairs {
		st := pokerState{cards: [2]int{pr[0], pr[1]}, public: -1, contrib: [2]int{1, 1}}
		b.round(b.t.Nodes[0].Children[k], st)
	}
	b.mustErr(b.t.Finish())
	return b.t
}

func (b *pokerBuilder) cardName(i int) string {
	name := b.spec.ranks[b.deck[i]]
	if b.spec.copies > 1 {
		name += fmt.Sprintf("%d", i%b.spec.copies+1)
	}
	return name
}

type pokerState struct {
	cards   [2]int
	public  int
	round   int
	contrib [2]int
	history string // all betting so far, rounds separated by "/"
	bets    int    // bets and raises this round
	toAct   int
	checked bool // the first player of the round checked
}

func (b *pokerBuilder) must(i int, err error) int {
	b.mustErr(err)
	return i
}

func (b *pokerBuilder) mustErr(err error) {
	if err != nil {
		panic("gen: " + err.Error()) // generator bug, not bad input
	}
}

func (b *pokerBuilder) outcome(u int) int {
	if o, ok := b.outcomes[u]; ok {
		return o
	}
	o := b.must(b.t.NewOutcome(len(b.outcomes)+1, fmt.Sprintf("%+d", u), []*big.Rat{big.NewRat(int64(u), 1), big.NewRat(int64(-u), 1)}))
	b.outcomes[u] = o
	return o
}

// round builds the subtree where st.toAct is to move.
func (b *pokerBuilder) round(n int, st pokerState) {
	p := st.toAct
	facing := st.contrib[1-p] > st.contrib[p]
	var actions []string
	if facing {
		actions = []string{"fold", "call"}
	} else {
		actions = []string{"check"}
	}
	if st.bets < b.spec.raises {
		if facing {
			actions = append(actions, "raise")
		} else {
			actions = append(actions, "bet")
		}
	}
	key := fmt.Sprintf("%d|%s|%s|%s", p, b.spec.ranks[b.deck[st.cards[p]]], b.publicName(st), st.history)
	is, ok := b.infosets[key]
	if !ok {
		label := b.spec.ranks[b.deck[st.cards[p]]]
		if st.public >= 0 {
			label += "/" + b.spec.ranks[b.deck[st.public]]
		}
		label += ":" + st.history
		is = b.must(b.t.NewInfoset(p, len(b.infosets)+1, label, actions, nil))
		b.infosets[key] = is
	}
	b.mustErr(b.t.SetNode(n, "", is, -1))
	children := append([]int(nil), b.t.Nodes[n].Children...)
	for a, name := range actions {
		c := children[a]
		ns := st
		ns.history = st.history + name[:1]
		ns.toAct = 1 - p
		switch name {
		case "fold":
			u := st.contrib[p] // winner's gain: what the folder put in
			if p == 0 {
				u = -u
			}
			b.mustErr(b.t.SetNode(c, "", -1, b.outcome(u)))
		case "check":
			if st.checked || p == 1 {
				b.endRound(c, ns)
			} else {
				ns.checked = true
				b.round(c, ns)
			}
		case "call":
			ns.contrib[p] = st.contrib[1-p]
			b.endRound(c, ns)
		case "bet", "raise":
			ns.contrib[p] = st.contrib[1-p] + b.spec.betSizes[st.round]
			ns.bets++
			b.round(c, ns)
		}
	}
}

func (b *pokerBuilder) publicName(st pokerState) string {
	if st.public < 0 {
		return "-"
	}
	return b.spec.ranks[b.deck[st.public]]
}

func (b *pokerBuilder) endRound(n int, st pokerState) {
	if st.round+1 >= len(b.spec.betSizes) {
		b.mustErr(b.t.SetNode(n, "", -1, b.outcome(b.showdown(st))))
		return
	}
	// deal a public card from the rest of the deck
	var names []string
	var cards []int
	for i := range b.deck {
		if i != st.cards[0] && i != st.cards[1] {
			cards = append(cards, i)
			names = append(names, b.cardName(i))
		}
	}
	probs := make([]*big.Rat, len(cards))
	for i := range probs {
		probs[i] = big.NewRat(1, int64(len(cards)))
	}
	is := b.must(b.t.NewInfoset(game.Chance, 2+len(b.t.Infosets), "public card", names, probs))
	b.mustErr(b.t.SetNode(n, "", is, -1))
	children := append([]int(nil), b.t.Nodes[n].Children...)
	for k, c := range cards {
		ns := st
		ns.public = c
		ns.round++
		ns.bets, ns.toAct, ns.checked = 0, 0, false
		ns.history = st.history + "/"
		b.round(children[k], ns)
	}
}

// showdown returns player 1's gain.
func (b *pokerBuilder) showdown(st pokerState) int {
	r1, r2 := b.deck[st.cards[0]], b.deck[st.cards[1]]
	s1, s2 := r1, r2
	if st.public >= 0 {
		pr := b.deck[st.public]
		if r1 == pr {
			s1 += 100
		}
		if r2 == pr {
			s2 += 100
		}
	}
	switch {
	case s1 > s2:
		return st.contrib[1]
	case s2 > s1:
		return -st.contrib[0]
	}
	return 0
}

// ThreatParams are the payoffs of the one-sided threat game. The
// challenger wants the target to concede Stakes; fighting costs each side
// its fight cost, and a challenger who threatens and then backs down pays
// AudienceCost (Fearon 1994).
type ThreatParams struct {
	Stakes            *big.Rat
	ChallengerCost    *big.Rat // cost of fighting to the challenger
	TargetCost        *big.Rat // cost of fighting to the target
	AudienceCost      *big.Rat
	ChallengerName    string
	TargetName        string
	StatusQuoLabel    string
	ThreatActionLabel string
}

// DefaultThreat returns stakes 1, fight costs 1/2 (challenger) and 2
// (target), audience cost 1: a credible threat that the target heeds.
func DefaultThreat() ThreatParams {
	return ThreatParams{
		Stakes:         big.NewRat(1, 1),
		ChallengerCost: big.NewRat(1, 2),
		TargetCost:     big.NewRat(2, 1),
		AudienceCost:   big.NewRat(1, 1),
	}
}

// Threat returns the one-sided threat game: the challenger threatens or
// keeps the status quo (0, 0); the target complies (stakes, -stakes) or
// defies; after defiance the challenger carries the threat out (each pays
// its fight cost) or backs down (the challenger pays the audience cost).
// By backward induction the threat is carried out exactly when the
// audience cost exceeds the challenger's cost of fighting.
func Threat(p ThreatParams) (*game.Tree, error) {
	for _, v := range []*big.Rat{p.Stakes, p.ChallengerCost, p.TargetCost, p.AudienceCost} {
		if v == nil {
			return nil, fmt.Errorf("gen: threat game needs stakes, both fight costs and the audience cost")
		}
	}
	ch, tg := p.ChallengerName, p.TargetName
	if ch == "" {
		ch = "Challenger"
	}
	if tg == "" {
		tg = "Target"
	}
	t := game.NewTree("One-sided threat with audience cost "+p.AudienceCost.RatString(), []string{ch, tg})
	t.Comment = strings.Join([]string{
		"stakes " + p.Stakes.RatString(),
		"challenger fight cost " + p.ChallengerCost.RatString(),
		"target fight cost " + p.TargetCost.RatString(),
		"audience cost " + p.AudienceCost.RatString(),
	}, ", ")
	neg := func(r *big.Rat) *big.Rat { return new(big.Rat).Neg(r) }
	zero := new(big.Rat)
	mk := func(num int, label string, a, b *big.Rat) int {
		o, err := t.NewOutcome(num, label, []*big.Rat{a, b})
		if err != nil {
			panic(err)
		}
		return o
	}
	sq := mk(1, "status quo", zero, zero)
	comply := mk(2, "target complies", p.Stakes, neg(p.Stakes))
	fight := mk(3, "war", neg(p.ChallengerCost), neg(p.TargetCost))
	back := mk(4, "challenger backs down", neg(p.AudienceCost), zero)
	i1, _ := t.NewInfoset(0, 1, "threaten?", []string{"status quo", "threaten"}, nil)
	i2, _ := t.NewInfoset(1, 1, "respond", []string{"comply", "defy"}, nil)
	i3, _ := t.NewInfoset(0, 2, "carry out?", []string{"back down", "carry out"}, nil)
	steps := []error{
		t.SetNode(0, "challenger", i1, -1),
	}
	root := t.Nodes[0].Children
	steps = append(steps, t.SetNode(root[0], "status quo", -1, sq), t.SetNode(root[1], "threat", i2, -1))
	resp := t.Nodes[root[1]].Children
	steps = append(steps, t.SetNode(resp[0], "compliance", -1, comply), t.SetNode(resp[1], "defiance", i3, -1))
	last := t.Nodes[resp[1]].Children
	steps = append(steps, t.SetNode(last[0], "backing down", -1, back), t.SetNode(last[1], "war", -1, fight), t.Finish())
	for _, err := range steps {
		if err != nil {
			return nil, fmt.Errorf("gen: threat game: %w", err)
		}
	}
	return t, nil
}

// Poker returns a two-player poker tree in the family of Kuhn and Leduc:
// ranks low to high with copies of each, one betting round per entry of
// betSizes (a public card dealt before each round after the first) and at
// most raises bets per round.
func Poker(title string, ranks []string, copies int, betSizes []int, raises int) *game.Tree {
	return buildPoker(pokerSpec{title: title, ranks: ranks, copies: copies, betSizes: betSizes, raises: raises})
}
