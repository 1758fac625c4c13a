package nash

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"testing"

	"pgregory.net/rapid"

	"github.com/truce-dev/truce/game"
)

// treeSpec is a random tree shape before information sets are chosen.
type treeSpec struct {
	player   int // game.Chance, 0, 1 or -2 for a leaf
	group    int // nodes of a player with the same group and arity may share an infoset
	probs    []int64
	payoff   [2]int64
	children []*treeSpec
}

func treeGenSpec(t *rapid.T, depth int, label string) *treeSpec {
	if depth == 0 || rapid.IntRange(0, 3).Draw(t, label+"leaf") == 0 {
		return &treeSpec{player: -2, payoff: [2]int64{
			rapid.Int64Range(-5, 5).Draw(t, label+"u1"), rapid.Int64Range(-5, 5).Draw(t, label+"u2")}}
	}
	s := &treeSpec{player: rapid.IntRange(-1, 1).Draw(t, label+"pl"), group: rapid.IntRange(0, 1).Draw(t, label+"grp")}
	k := rapid.IntRange(2, 3).Draw(t, label+"k")
	for a := 0; a < k; a++ {
		if s.player == game.Chance {
			s.probs = append(s.probs, rapid.Int64Range(1, 3).Draw(t, fmt.Sprintf("%sp%d", label, a)))
		}
		s.children = append(s.children, treeGenSpec(t, depth-1, fmt.Sprintf("%s%d", label, a)))
	}
	return s
}

// treeBuild turns a spec into a tree; with share, same-group nodes of a
// player with equal arity share an information set.
func treeBuild(spec *treeSpec, share bool) (*game.Tree, error) {
	tr := game.NewTree("random", []string{"1", "2"})
	groups := map[[3]int]int{}
	outs := 0
	var build func(s *treeSpec, n int) error
	build = func(s *treeSpec, n int) error {
		if s.player == -2 {
			outs++
			o, err := tr.NewOutcome(outs, "", []*big.Rat{big.NewRat(s.payoff[0], 1), big.NewRat(s.payoff[1], 1)})
			if err != nil {
				return err
			}
			return tr.SetNode(n, "", -1, o)
		}
		var is int
		var err error
		acts := make([]string, len(s.children))
		for a := range acts {
			acts[a] = fmt.Sprint(a)
		}
		if s.player == game.Chance {
			var sum int64
			for _, p := range s.probs {
				sum += p
			}
			probs := make([]*big.Rat, len(s.probs))
			for a, p := range s.probs {
				probs[a] = big.NewRat(p, sum)
			}
			is, err = tr.NewInfoset(game.Chance, len(tr.Infosets)+1, "", acts, probs)
		} else {
			key := [3]int{s.player, s.group, len(s.children)}
			if g, ok := groups[key]; ok && share {
				is = g
			} else {
				is, err = tr.NewInfoset(s.player, len(tr.Infosets)+1, "", acts, nil)
				groups[key] = is
			}
		}
		if err != nil {
			return err
		}
		if err := tr.SetNode(n, "", is, -1); err != nil {
			return err
		}
		kids := append([]int(nil), tr.Nodes[n].Children...)
		for a, c := range s.children {
			if err := build(c, kids[a]); err != nil {
				return err
			}
		}
		return nil
	}
	if err := build(spec, 0); err != nil {
		return nil, err
	}
	return tr, tr.Finish()
}

// treeRandom draws a small two-player tree with perfect recall, with
// imperfect information where sharing infosets keeps recall perfect.
func treeRandom(t *rapid.T) *game.Tree {
	spec := treeGenSpec(t, 4, "n")
	tr, err := treeBuild(spec, true)
	if err != nil {
		t.Fatal(err)
	}
	if tr.PerfectRecall() != nil {
		if tr, err = treeBuild(spec, false); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

// Kuhn's theorem, checked: every mixed profile of the reduced strategic
// form pays the same as the behaviour profile it maps to.
func TestReducedFormMatchesBehaviourPayoffs(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tr := treeRandom(t)
		red, err := tr.Reduced(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		g := red.Game
		mixed := make([][]float64, 2)
		for p := range mixed {
			mixed[p] = make([]float64, len(g.Strategies[p]))
			sum := 0.0
			for s := range mixed[p] {
				mixed[p][s] = float64(rapid.IntRange(0, 4).Draw(t, fmt.Sprintf("w%d_%d", p, s)))
				sum += mixed[p][s]
			}
			if sum == 0 {
				mixed[p][0], sum = 1, 1
			}
			for s := range mixed[p] {
				mixed[p][s] /= sum
			}
		}
		b := red.Behaviour(mixed)
		want := tr.Payoffs(b)
		for p := 0; p < 2; p++ {
			vals := make([]float64, len(g.Strategies[p]))
			g.StrategyValues(mixed, p, vals)
			got := 0.0
			for s, v := range vals {
				got += mixed[p][s] * v
			}
			if math.Abs(got-want[p]) > 1e-9 {
				t.Fatalf("player %d: reduced form pays %g, behaviour profile %g", p+1, got, want[p])
			}
		}
	})
}

// Every equilibrium any tree method returns carries a certificate of at
// most 1e-9, and the certificate is the profile's true regret.
func TestTreeCertificates(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tr := treeRandom(t)
		ctx := context.Background()
		var results []*Result
		for _, run := range []func() (*Result, error){
			func() (*Result, error) { return TreeLCP(ctx, tr, Options{}) },
			func() (*Result, error) { return TreeLCP(ctx, tr, Options{Rational: true}) },
			func() (*Result, error) { return TreeLCP(ctx, tr, Options{All: true}) },
			func() (*Result, error) { return TreeEnumPure(ctx, tr, Options{}) },
			func() (*Result, error) { return TreeSPE(ctx, tr, Options{}) },
		} {
			res, err := run()
			if err != nil {
				t.Fatal(err)
			}
			results = append(results, res)
		}
		for _, res := range results {
			for _, eq := range res.Equilibria {
				r := tr.Regret(eq.Profile)
				if eq.Regret > 1e-9 || math.Abs(r-eq.Regret) > 1e-12 {
					t.Fatalf("%s: certificate %g, regret %g", res.Method, eq.Regret, r)
				}
			}
		}
		if len(results[0].Equilibria) != 1 || len(results[2].Equilibria) == 0 {
			t.Fatalf("lcp found %d, lcp --all %d equilibria", len(results[0].Equilibria), len(results[2].Equilibria))
		}
	})
}
