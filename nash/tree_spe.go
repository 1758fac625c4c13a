package nash

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/internal/budget"
)

// treeMaxSPE caps the number of pure subgame-perfect equilibria listed on
// perfect-information trees with many ties.
const treeMaxSPE = 100000

// TreeSPE computes subgame-perfect equilibria.
//
// On a tree of perfect information it lists every pure subgame-perfect
// equilibrium by backward induction: where a mover is indifferent, each
// best action gives its own equilibrium (ties are reported, not broken).
// Payoffs are compared exactly when the tree is exact.
//
// On other trees it works bottom-up over proper subgames: each subgame,
// deepest first, is solved with the sequence-form LCP (two players; the
// logit path on its reduced form for more) with the subgames below it
// replaced by their equilibrium payoffs, and the solutions are put
// together. It returns one subgame-perfect equilibrium.
func TreeSPE(ctx context.Context, t *game.Tree, opts Options) (out *Result, outErr error) {
	defer certifyTree(ctx, "spe", t, &out, &outErr)
	start := time.Now()
	if err := t.PerfectRecall(); err != nil {
		return nil, fmt.Errorf("spe: %w", err)
	}
	var res *Result
	var err error
	if t.IsPerfectInformation() {
		res, err = treeSPEPerfect(ctx, t)
	} else {
		res, err = treeSPESubgames(ctx, t, opts)
	}
	if err != nil {
		return nil, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// speSub is one pure subgame-perfect profile of a subtree: the action
// taken at the subtree's root (is < 0 at chance and terminal nodes), the
// profiles chosen in the children's subtrees, and the payoffs. Sharing
// the children's profiles instead of copying them keeps each new profile
// at the cost of the node's children, however deep the tree.
type speSub struct {
	is, a int
	parts []*speSub
	value []*big.Rat
}

// actions writes the action of every personal infoset in the subtree.
func (s *speSub) actions(choice []int) {
	for stack := []*speSub{s}; len(stack) > 0; {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x.is >= 0 {
			choice[x.is] = x.a
		}
		stack = append(stack, x.parts...)
	}
}

// speSubBytes is the memory of one speSub with its value and parts.
const speSubBytes = 64 + 3*8

func treeSPEPerfect(ctx context.Context, t *game.Tree) (*Result, error) {
	n := t.NumPlayers()
	made := int64(0) // speSubs built, for the context and memory checks
	grow := func(k int) error {
		before := made
		made += int64(k)
		if made>>12 != before>>12 {
			if err := ctx.Err(); err != nil {
				return err
			}
			need := budget.Mul(made, speSubBytes+int64(n)*48)
			if err := budget.Check(ctx, fmt.Sprintf("%d partial subgame-perfect profiles", made), need, ""); err != nil {
				return err
			}
		}
		return nil
	}
	var solve func(node int) ([]*speSub, error)
	solve = func(node int) ([]*speSub, error) {
		if err := grow(1); err != nil {
			return nil, err
		}
		nd := &t.Nodes[node]
		own := make([]*big.Rat, n)
		for p := range own {
			own[p] = new(big.Rat)
			if nd.Outcome >= 0 {
				own[p].Set(t.OutcomeRat(nd.Outcome, p))
			}
		}
		if nd.Infoset < 0 {
			return []*speSub{{is: -1, value: own}}, nil
		}
		s := &t.Infosets[nd.Infoset]
		kids := make([][]*speSub, len(nd.Children))
		total := 1
		for a, c := range nd.Children {
			k, err := solve(c)
			if err != nil {
				return nil, err
			}
			kids[a] = k
			total *= len(k)
			if total > treeMaxSPE {
				return nil, fmt.Errorf("spe: more than %d subgame-perfect equilibria (movers are indifferent at many nodes)", treeMaxSPE)
			}
		}
		var out []*speSub
		idx := make([]int, len(kids))
		for {
			if err := grow(1); err != nil {
				return nil, err
			}
			parts := make([]*speSub, len(kids))
			for a := range kids {
				parts[a] = kids[a][idx[a]]
			}
			if s.Player == game.Chance {
				val := make([]*big.Rat, n)
				for p := range val {
					val[p] = new(big.Rat).Set(own[p])
					for a := range kids {
						val[p].Add(val[p], new(big.Rat).Mul(s.Probs[a], parts[a].value[p]))
					}
				}
				out = append(out, &speSub{is: -1, parts: parts, value: val})
			} else {
				p := s.Player
				var best *big.Rat
				for a := range kids {
					if v := parts[a].value[p]; best == nil || v.Cmp(best) > 0 {
						best = v
					}
				}
				for a := range kids {
					if parts[a].value[p].Cmp(best) != 0 {
						continue
					}
					val := make([]*big.Rat, n)
					for q := range val {
						val[q] = new(big.Rat).Add(own[q], parts[a].value[q])
					}
					out = append(out, &speSub{is: nd.Infoset, a: a, parts: parts, value: val})
				}
			}
			if len(out) > treeMaxSPE {
				return nil, fmt.Errorf("spe: more than %d subgame-perfect equilibria (movers are indifferent at many nodes)", treeMaxSPE)
			}
			i := 0
			for ; i < len(idx); i++ {
				idx[i]++
				if idx[i] < len(kids[i]) {
					break
				}
				idx[i] = 0
			}
			if i == len(idx) {
				break
			}
		}
		return out, nil
	}
	subs, err := solve(0)
	res := &Result{Method: "spe", Complete: true, Stats: map[string]float64{}}
	if err != nil {
		if ctx.Err() != nil {
			res.Complete, res.Reason = false, reasonOf(ctx.Err())
			return res, nil
		}
		return nil, err
	}
	na := 0
	for p := 0; p < n; p++ {
		na += t.NumActions(p)
	}
	if err := budget.Check(ctx, fmt.Sprintf("%d subgame-perfect equilibria of %d actions each", len(subs), na),
		budget.Mul(int64(len(subs)), int64(na), 8+8+48), ""); err != nil {
		return nil, err
	}
	choice := make([]int, len(t.Infosets))
	for i, sub := range subs {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				res.Complete, res.Reason = false, reasonOf(err)
				break
			}
		}
		sub.actions(choice)
		ex := make([][]*big.Rat, n)
		for p := 0; p < n; p++ {
			ex[p] = make([]*big.Rat, t.NumActions(p))
			for i := range ex[p] {
				ex[p][i] = new(big.Rat)
			}
			for _, is := range t.PlayerInfosets[p] {
				ex[p][t.ActionOffset(is)+choice[is]].SetInt64(1)
			}
		}
		eq := Equilibrium{Exact: ex, Profile: ratsToFloats(ex), Component: -1}
		eq.Regret = t.Regret(eq.Profile)
		if !t.IsExact() {
			eq.Exact = nil
		}
		res.Equilibria = append(res.Equilibria, eq)
	}
	return res, nil
}

// treeSubgameRoots marks the nodes that start a proper subgame: every
// information set met below the node lies wholly below it.
func treeSubgameRoots(t *game.Tree) []bool {
	N := len(t.Nodes)
	end := make([]int, N) // subtree is [n, end[n])
	for n := N - 1; n >= 0; n-- {
		end[n] = n + 1
		for _, c := range t.Nodes[n].Children {
			if end[c] > end[n] {
				end[n] = end[c]
			}
		}
	}
	isMin := make([]int, len(t.Infosets))
	isMax := make([]int, len(t.Infosets))
	for i, s := range t.Infosets {
		isMin[i], isMax[i] = s.Nodes[0], s.Nodes[0]
		for _, nd := range s.Nodes {
			isMin[i] = min(isMin[i], nd)
			isMax[i] = max(isMax[i], nd)
		}
	}
	lo := make([]int, N)
	hi := make([]int, N)
	roots := make([]bool, N)
	for n := N - 1; n >= 0; n-- {
		lo[n], hi[n] = n, n
		if is := t.Nodes[n].Infoset; is >= 0 {
			lo[n], hi[n] = min(lo[n], isMin[is]), max(hi[n], isMax[is])
		}
		for _, c := range t.Nodes[n].Children {
			lo[n], hi[n] = min(lo[n], lo[c]), max(hi[n], hi[c])
		}
		roots[n] = t.Nodes[n].Infoset >= 0 && lo[n] >= n && hi[n] < end[n]
	}
	return roots
}

func treeSPESubgames(ctx context.Context, t *game.Tree, opts Options) (*Result, error) {
	roots := treeSubgameRoots(t)
	n := t.NumPlayers()
	exact := opts.Rational && t.IsExact()
	value := map[int][]*big.Rat{} // solved subgame root -> payoffs
	valueF := map[int][]float64{}
	prof := make([][]float64, n)
	profEx := make([][]*big.Rat, n)
	for p := range prof {
		prof[p] = make([]float64, t.NumActions(p))
		profEx[p] = make([]*big.Rat, t.NumActions(p))
		for i := range profEx[p] {
			profEx[p][i] = new(big.Rat)
		}
	}
	res := &Result{Method: "spe", Complete: true, Stats: map[string]float64{}}
	solved := 0
	for r := len(t.Nodes) - 1; r >= 0; r-- {
		if !roots[r] {
			continue
		}
		piece, isMap, err := treePiece(t, r, value, valueF)
		if err != nil {
			return nil, err
		}
		var eq Equilibrium
		moves := 0
		for p := range piece.PlayerInfosets {
			moves += len(piece.PlayerInfosets[p])
		}
		switch {
		case moves == 0:
			eq = Equilibrium{Profile: make([][]float64, n), Exact: make([][]*big.Rat, n)}
			for p := range eq.Profile {
				eq.Profile[p], eq.Exact[p] = []float64{}, []*big.Rat{}
			}
		case n != 2:
			// More players: the end of the logit path on the piece's reduced
			// form, mapped back to behaviour strategies.
			eq, err = treeLogitPiece(ctx, piece)
			if err != nil {
				return nil, fmt.Errorf("spe: subgame at node %d: %w", r+1, err)
			}
		default:
			sub, err := TreeLCP(ctx, piece, Options{Rational: exact})
			if err != nil {
				return nil, fmt.Errorf("spe: subgame at node %d: %w", r+1, err)
			}
			if !sub.Complete {
				res.Complete, res.Reason = false, sub.Reason
				return res, nil
			}
			eq = sub.Equilibria[0]
		}
		solved++
		// copy the piece's behaviour into the whole profile
		for pis, is := range isMap {
			s := &t.Infosets[is]
			if s.Player == game.Chance {
				continue
			}
			off, poff := t.ActionOffset(is), piece.ActionOffset(pis)
			for a := range s.Actions {
				prof[s.Player][off+a] = eq.Profile[s.Player][poff+a]
				if eq.Exact != nil {
					profEx[s.Player][off+a].Set(eq.Exact[s.Player][poff+a])
				}
			}
		}
		valueF[r] = piece.Payoffs(eq.Profile)
		if eq.Exact != nil && piece.IsExact() {
			value[r] = treeExactPayoffs(piece, eq.Exact)
		}
	}
	out := Equilibrium{Profile: prof, Component: -1}
	if exact {
		out.Exact = profEx
	}
	out.Regret = t.Regret(prof)
	res.Equilibria = []Equilibrium{out}
	res.Stats["subgames"] = float64(solved)
	return res, nil
}

// treeLogitPiece solves a subgame with no proper subgame inside by the
// logit path on its reduced strategic form. At information sets a player's
// own strategy never reaches, actions get equal weight: any choice there
// keeps the profile an equilibrium of the piece.
func treeLogitPiece(ctx context.Context, piece *game.Tree) (Equilibrium, error) {
	red, err := piece.Reduced(ctx)
	if err != nil {
		return Equilibrium{}, err
	}
	res, err := Logit(ctx, red.Game, Options{})
	if err != nil {
		return Equilibrium{}, err
	}
	if len(res.Equilibria) == 0 {
		return Equilibrium{}, fmt.Errorf("logit found no equilibrium (%s)", res.Reason)
	}
	b := red.Behaviour(res.Equilibria[len(res.Equilibria)-1].Profile)
	for p := range b {
		for _, is := range piece.PlayerInfosets[p] {
			off, k := piece.ActionOffset(is), len(piece.Infosets[is].Actions)
			sum := 0.0
			for a := 0; a < k; a++ {
				sum += b[p][off+a]
			}
			if sum == 0 {
				for a := 0; a < k; a++ {
					b[p][off+a] = 1 / float64(k)
				}
			}
		}
	}
	return Equilibrium{Profile: b, Component: -1}, nil
}

// treePiece copies the subtree at root r, cutting it at the solved subgame
// roots below r (replaced by leaves paying their values). It returns the
// piece and, per piece infoset, the original infoset.
func treePiece(t *game.Tree, r int, value map[int][]*big.Rat, valueF map[int][]float64) (*game.Tree, []int, error) {
	pc := game.NewTree(t.Title, t.Players)
	var isMap []int
	newIs := map[int]int{}
	outMap := map[int]int{}
	var copyNode func(old, nw int) error
	copyNode = func(old, nw int) error {
		nd := &t.Nodes[old]
		if old != r {
			if v, ok := value[old]; ok || valueF[old] != nil {
				var o int
				var err error
				if ok {
					o, err = pc.NewOutcome(len(pc.Outcomes)+1, "subgame value", v)
				} else {
					o, err = pc.NewOutcomeFloat(len(pc.Outcomes)+1, "subgame value", valueF[old])
				}
				if err != nil {
					return err
				}
				return pc.SetNode(nw, nd.Label, -1, o)
			}
		}
		o := -1
		if nd.Outcome >= 0 {
			if m, ok := outMap[nd.Outcome]; ok {
				o = m
			} else {
				src := &t.Outcomes[nd.Outcome]
				var err error
				if src.Exact != nil {
					o, err = pc.NewOutcome(src.Number, src.Label, src.Exact)
				} else {
					o, err = pc.NewOutcomeFloat(src.Number, src.Label, src.Payoffs)
				}
				if err != nil {
					return err
				}
				outMap[nd.Outcome] = o
			}
		}
		is := -1
		if nd.Infoset >= 0 {
			var ok bool
			if is, ok = newIs[nd.Infoset]; !ok {
				s := &t.Infosets[nd.Infoset]
				var err error
				is, err = pc.NewInfoset(s.Player, s.Number, s.Label, s.Actions, s.Probs)
				if err != nil {
					return err
				}
				newIs[nd.Infoset] = is
				isMap = append(isMap, nd.Infoset)
			}
		}
		if err := pc.SetNode(nw, nd.Label, is, o); err != nil {
			return err
		}
		kids := append([]int(nil), pc.Nodes[nw].Children...)
		for a, c := range nd.Children {
			if err := copyNode(c, kids[a]); err != nil {
				return err
			}
		}
		return nil
	}
	if err := copyNode(r, 0); err != nil {
		return nil, nil, err
	}
	if err := pc.Finish(); err != nil {
		return nil, nil, err
	}
	return pc, isMap, nil
}

// treeExactPayoffs is Tree.Payoffs in rationals.
func treeExactPayoffs(t *game.Tree, b [][]*big.Rat) []*big.Rat {
	n := t.NumPlayers()
	u := make([]*big.Rat, n)
	for p := range u {
		u[p] = new(big.Rat)
	}
	reach := make([]*big.Rat, len(t.Nodes))
	reach[0] = big.NewRat(1, 1)
	tmp := new(big.Rat)
	for i := range t.Nodes {
		nd := &t.Nodes[i]
		if nd.Outcome >= 0 && reach[i].Sign() != 0 {
			for p := range u {
				u[p].Add(u[p], tmp.Mul(reach[i], t.OutcomeRat(nd.Outcome, p)))
			}
		}
		for a, c := range nd.Children {
			s := &t.Infosets[nd.Infoset]
			var pr *big.Rat
			if s.Player == game.Chance {
				pr = s.Probs[a]
			} else {
				pr = b[s.Player][t.ActionOffset(nd.Infoset)+a]
			}
			reach[c] = new(big.Rat).Mul(reach[i], pr)
		}
	}
	return u
}
