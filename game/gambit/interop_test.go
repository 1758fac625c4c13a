package gambit

import (
	"bytes"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/game/gen"
	"pgregory.net/rapid"
)

// sameAsGambit writes t, reads the file by Gambit 17's rules and by
// ReadEFG, and checks that Gambit accepts it without renaming anything
// and builds the game truce reads back: players, node by node the same
// moves, labels, information sets, chance probabilities and payoffs.
// fataler is what the checks need of *testing.T and *rapid.T.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

func sameAsGambit(t fataler, name string, tr *game.Tree) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteEFG(&buf, tr); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	g, err := gambitReadEFG(buf.Bytes())
	if err != nil {
		t.Fatalf("%s: Gambit would refuse or rename: %v\n%s", name, err, buf.String())
	}
	back, err := ReadEFG(name, bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if g.title != back.Title || g.comment != back.Comment || strings.Join(g.players, "|") != strings.Join(back.Players, "|") {
		t.Fatalf("%s: header differs: %q %q %q / %q %q %q", name, g.title, g.comment, g.players, back.Title, back.Comment, back.Players)
	}
	if len(back.Nodes) != len(tr.Nodes) {
		t.Fatalf("%s: %d nodes became %d", name, len(tr.Nodes), len(back.Nodes))
	}
	i := 0
	var walk func(n *gNode)
	walk = func(n *gNode) {
		nd := &back.Nodes[i]
		orig := &tr.Nodes[i]
		i++
		if n.label != nd.Label {
			t.Fatalf("%s: node %d label %q, truce reads %q", name, i, n.label, nd.Label)
		}
		if (n.kind == 't') != (nd.Infoset < 0) || len(n.children) != len(nd.Children) || len(nd.Children) != len(orig.Children) {
			t.Fatalf("%s: node %d shape differs", name, i)
		}
		if nd.Infoset >= 0 {
			s := &back.Infosets[nd.Infoset]
			so := &tr.Infosets[orig.Infoset]
			gs := g.infosets[[2]int{n.player, n.infoset}]
			if (s.Player == game.Chance) != (n.kind == 'c') || s.Player != so.Player || n.kind == 'p' && s.Player != n.player-1 {
				t.Fatalf("%s: node %d mover differs", name, i)
			}
			if gs.label != s.Label || strings.Join(gs.actions, "|") != strings.Join(s.Actions, "|") {
				t.Fatalf("%s: node %d information set %q %q, truce reads %q %q", name, i, gs.label, gs.actions, s.Label, s.Actions)
			}
			for a := range gs.probs {
				if gs.probs[a].Cmp(so.Probs[a]) != 0 {
					t.Fatalf("%s: node %d chance probability %v, was %v", name, i, gs.probs[a], so.Probs[a])
				}
			}
			if len(s.Nodes) != len(so.Nodes) {
				t.Fatalf("%s: node %d: information set of %d nodes, was %d", name, i, len(s.Nodes), len(so.Nodes))
			}
		}
		if (n.outcome == 0) != (orig.Outcome < 0) {
			t.Fatalf("%s: node %d outcome presence differs", name, i)
		}
		if n.outcome != 0 {
			o := g.outcomes[n.outcome]
			if o.label != back.Outcomes[nd.Outcome].Label {
				t.Fatalf("%s: node %d outcome label %q, truce reads %q", name, i, o.label, back.Outcomes[nd.Outcome].Label)
			}
			for p := range tr.Players {
				want := tr.OutcomeRat(orig.Outcome, p)
				if tr.Outcomes[orig.Outcome].Exact == nil {
					// a float payoff is written as its shortest decimal
					f, _ := o.payoffs[p].Float64()
					if f != tr.Outcomes[orig.Outcome].Payoffs[p] {
						t.Fatalf("%s: node %d float payoff %v, was %v", name, i, f, tr.Outcomes[orig.Outcome].Payoffs[p])
					}
					continue
				}
				if o.payoffs[p].Cmp(want) != 0 {
					t.Fatalf("%s: node %d payoff %v, was %v", name, i, o.payoffs[p], want)
				}
			}
		}
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(g.root)
}

// Every tree truce writes, Gambit 17 reads as the same game: the built-in
// generators (Leduc's reused outcomes and its many chance information
// sets once made Gambit refuse the file) and Gambit's own example trees.
func TestGambitReadsWrittenTrees(t *testing.T) {
	sameAsGambit(t, "kuhn", gen.Kuhn())
	sameAsGambit(t, "leduc", gen.Leduc())
	th, err := gen.Threat(gen.DefaultThreat())
	if err != nil {
		t.Fatal(err)
	}
	sameAsGambit(t, "threat", th)
	for _, f := range efgRefFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := ReadEFG(f, bytes.NewReader(src))
		if err != nil {
			t.Fatal(err)
		}
		sameAsGambit(t, filepath.Base(f), tr)
	}
}

// Random trees with awkward labels (repeated, empty, white space, quotes,
// backslashes, "Chance") and exact or float payoffs.
func TestGambitReadsWrittenRandomTrees(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		label := rapid.SampledFrom([]string{"", "a", "a", "b", " x  y ", `q"uote`, `back\slash`, `end\`, `\\`, "Chance", "tab\there", "a_1"})
		np := rapid.IntRange(1, 3).Draw(rt, "players")
		players := make([]string, np)
		for p := range players {
			players[p] = label.Draw(rt, "player")
		}
		tr := game.NewTree(label.Draw(rt, "title"), players)
		exact := rapid.Bool().Draw(rt, "exact")
		var sets []int
		var outs []int
		pending := []int{0}
		for len(pending) > 0 && len(tr.Nodes) < 40 {
			n := pending[0]
			pending = pending[1:]
			out := -1
			if rapid.IntRange(0, 2).Draw(rt, "has outcome") > 0 {
				if len(outs) > 0 && rapid.Bool().Draw(rt, "reuse outcome") {
					out = outs[rapid.IntRange(0, len(outs)-1).Draw(rt, "outcome")]
				} else {
					var err error
					if exact {
						pay := make([]*big.Rat, np)
						for p := range pay {
							pay[p] = big.NewRat(rapid.Int64Range(-1e6, 1e6).Draw(rt, "num"), rapid.Int64Range(1, 1e4).Draw(rt, "den"))
						}
						out, err = tr.NewOutcome(len(outs)+1, label.Draw(rt, "outcome label"), pay)
					} else {
						pay := make([]float64, np)
						for p := range pay {
							pay[p] = rapid.Float64Range(-1e12, 1e12).Draw(rt, "payoff")
						}
						out, err = tr.NewOutcomeFloat(len(outs)+1, label.Draw(rt, "outcome label"), pay)
					}
					if err != nil {
						rt.Fatal(err)
					}
					outs = append(outs, out)
				}
			}
			is := -1
			if len(tr.Nodes) < 30 && rapid.IntRange(0, 2).Draw(rt, "internal") > 0 {
				// a new information set (each node its own: perfect recall is
				// not the point here)
				pl := rapid.IntRange(-1, np-1).Draw(rt, "mover")
				k := rapid.IntRange(1, 3).Draw(rt, "actions")
				acts := make([]string, k)
				var probs []*big.Rat
				for a := range acts {
					acts[a] = label.Draw(rt, "action")
					probs = append(probs, big.NewRat(1, int64(k)))
				}
				if pl >= 0 {
					probs = nil
				}
				var err error
				if is, err = tr.NewInfoset(pl, len(sets)+1, label.Draw(rt, "infoset label"), acts, probs); err != nil {
					rt.Fatal(err)
				}
				sets = append(sets, is)
			}
			if err := tr.SetNode(n, label.Draw(rt, "node label"), is, out); err != nil {
				rt.Fatal(err)
			}
			pending = append(pending, tr.Nodes[n].Children...)
		}
		if err := tr.Finish(); err != nil {
			rt.Fatal(err)
		}
		sameAsGambit(rt, "random", tr)
	})
}

// Every strategic game truce writes (a reference game, a tree's reduced
// form, a random game with awkward labels) Gambit 17 reads as the same
// game.
func TestGambitReadsWrittenGames(t *testing.T) {
	check := func(t fataler, name string, g *game.Strategic) {
		t.Helper()
		var buf bytes.Buffer
		if err := WriteNFG(&buf, g); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		gg, err := gambitReadNFG(buf.Bytes())
		if err != nil {
			t.Fatalf("%s: Gambit would refuse or rename: %v\n%s", name, err, buf.String())
		}
		if len(gg.payoffs) != len(g.Payoffs) {
			t.Fatalf("%s: %d payoffs, want %d", name, len(gg.payoffs), len(g.Payoffs))
		}
		for i, r := range gg.payoffs {
			if g.Exact() != nil {
				if r.Cmp(g.Exact()[i]) != 0 {
					t.Fatalf("%s: payoff %d is %v, want %v", name, i, r, g.Exact()[i])
				}
			} else if f, _ := r.Float64(); f != g.Payoffs[i] {
				t.Fatalf("%s: payoff %d is %v, want %v", name, i, f, g.Payoffs[i])
			}
		}
		back, err := ReadNFG(name, bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("%v", err)
		}
		if strings.Join(gg.players, "|") != strings.Join(back.Players, "|") || gg.title != back.Title || gg.comment != back.Comment {
			t.Fatalf("%s: header differs", name)
		}
		for p := range gg.strategies {
			if strings.Join(gg.strategies[p], "|") != strings.Join(back.Strategies[p], "|") {
				t.Fatalf("%s: strategies %q, truce reads %q", name, gg.strategies[p], back.Strategies[p])
			}
		}
	}
	for _, f := range referenceGames(t) {
		src, _ := os.ReadFile(f)
		g, err := ReadNFG(f, bytes.NewReader(src))
		if err != nil {
			t.Fatal(err)
		}
		check(t, filepath.Base(f), g)
	}
	red, err := gen.Kuhn().ReducedStrategic(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	check(t, "kuhn reduced", red)
	rapid.Check(t, func(rt *rapid.T) {
		g := genGame(rt)
		for p := range g.Strategies {
			for s := range g.Strategies[p] {
				if rapid.IntRange(0, 4).Draw(rt, "awkward") == 0 {
					g.Strategies[p][s] = rapid.SampledFrom([]string{"", "x", `a\`, `"`, "Chance", " two  spaces "}).Draw(rt, "label")
				}
			}
		}
		check(rt, "random", g)
	})
}
