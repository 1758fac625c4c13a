package nash

import (
	"context"
	"errors"
	"math/big"
	"testing"

	"pgregory.net/rapid"
)

func TestLCPAllMatchesGambit(t *testing.T) {
	checked := 0
	for _, rg := range grefGames(t) {
		if rg.g.NumPlayers() != 2 {
			continue
		}
		want, ok := grefOutput(t, rg.name, "lcp")
		if !ok {
			continue
		}
		t.Run(rg.name, func(t *testing.T) {
			res, err := LCP(context.Background(), rg.g, Options{All: true, Rational: true})
			if err != nil {
				t.Fatal(err)
			}
			var got [][]*big.Rat
			for _, eq := range res.Equilibria {
				r, err := rg.g.ExactRegret(eq.Exact)
				if err != nil || r.Sign() != 0 {
					t.Errorf("regret %v (%v) of %s", r, err, ratKey(flatExact(eq)))
				}
				got = append(got, flatExact(eq))
			}
			grefSameSet(t, "lcp --all --rational", got, want)

			fres, err := LCP(context.Background(), rg.g, Options{All: true})
			if err != nil {
				t.Fatal(err)
			}
			var fl [][]float64
			for _, eq := range fres.Equilibria {
				if eq.Regret > 1e-9*grefScale(rg.g) {
					t.Errorf("float equilibrium with regret %v (payoff range %v)", eq.Regret, grefScale(rg.g))
				}
				fl = append(fl, flatFloat(eq))
			}
			if !grefClose(fl, want, 1e-9) {
				t.Errorf("float lcp --all found %d profiles, not the %d of Gambit within 1e-9: %v", len(fl), len(want), fl)
			}
		})
		checked++
	}
	if checked < 30 {
		t.Fatalf("only %d 2-player games checked", checked)
	}
}

func TestLCPOneEquilibrium(t *testing.T) {
	for _, rg := range grefGames(t) {
		if rg.g.NumPlayers() != 2 {
			continue
		}
		want, ok := grefOutput(t, rg.name, "lcp")
		if !ok {
			continue
		}
		res, err := LCP(context.Background(), rg.g, Options{Rational: true})
		if err != nil {
			t.Fatalf("%s: %v", rg.name, err)
		}
		if len(res.Equilibria) != 1 {
			t.Fatalf("%s: %d equilibria, want 1", rg.name, len(res.Equilibria))
		}
		// the end of label 1's path is one of the accessible equilibria
		key := ratKey(flatExact(res.Equilibria[0]))
		found := false
		for _, w := range want {
			found = found || ratKey(w) == key
		}
		if !found {
			t.Errorf("%s: %s is not among Gambit's lcp equilibria", rg.name, key)
		}
		if res.Equilibria[0].Regret != 0 {
			t.Errorf("%s: regret %v", rg.name, res.Equilibria[0].Regret)
		}
	}
}

// TestLCPRandomDegenerate: on random games with repeated payoffs every
// equilibrium LCP returns has zero regret (exactly in rational mode), and
// float mode finds the same profiles as rational mode.
func TestLCPRandomDegenerate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := grefRandomGame(t, 2, 5, rapid.IntRange(1, 6).Draw(t, "span"))
		ex, err := LCP(context.Background(), g, Options{All: true, Rational: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(ex.Equilibria) == 0 {
			t.Fatal("no equilibrium found")
		}
		var exact [][]*big.Rat
		for _, eq := range ex.Equilibria {
			r, err := g.ExactRegret(eq.Exact)
			if err != nil || r.Sign() != 0 {
				t.Fatalf("regret %v of %s", r, ratKey(flatExact(eq)))
			}
			exact = append(exact, flatExact(eq))
		}
		fl, err := LCP(context.Background(), g, Options{All: true})
		if err != nil {
			t.Fatal(err)
		}
		var float [][]float64
		for _, eq := range fl.Equilibria {
			if eq.Regret > 1e-9 {
				t.Fatalf("float regret %v", eq.Regret)
			}
			float = append(float, flatFloat(eq))
		}
		if !grefClose(float, exact, 1e-9) {
			t.Fatalf("float and rational lcp --all differ:\n%v\n%v", float, grefSet(exact))
		}
	})
}

func TestLCPRejects(t *testing.T) {
	g := grefGames(t)
	for _, rg := range g {
		if rg.g.NumPlayers() == 3 {
			if _, err := LCP(context.Background(), rg.g, Options{}); err == nil {
				t.Fatalf("%s: no error for a 3-player game", rg.name)
			}
			return
		}
	}
}

func TestLCPTimeout(t *testing.T) {
	rg := grefGames(t)[0]
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := LCP(ctx, rg.g, Options{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Complete || res.Reason != "interrupted" || !errors.Is(res.Err, context.Canceled) {
		t.Fatalf("cancelled run: complete=%v reason=%q", res.Complete, res.Reason)
	}
}

// TestLCPHybridEqualsPureExact: the float-guided exact mode reaches the
// same bases, in the same order, as pure exact pivoting, on random games
// with many ties, and does take exact decisions on them.
func TestLCPHybridEqualsPureExact(t *testing.T) {
	exactDecisions := 0
	rapid.Check(t, func(t *rapid.T) {
		g := grefRandomGame(t, 2, 6, rapid.IntRange(1, 8).Draw(t, "span"))
		all := rapid.Bool().Draw(t, "all")
		hy, failed, err := lcpRun(context.Background(), g, Options{All: all, Rational: true}, false, rapid.IntRange(0, 3).Draw(t, "keepDepth"))
		if err != nil || failed {
			t.Fatalf("hybrid: %v (failed check %v)", err, failed)
		}
		pure, _, err := lcpRun(context.Background(), g, Options{All: all, Rational: true}, true, lhKeepDepth)
		if err != nil {
			t.Fatal(err)
		}
		if len(hy.Equilibria) != len(pure.Equilibria) {
			t.Fatalf("hybrid found %d equilibria, pure exact %d", len(hy.Equilibria), len(pure.Equilibria))
		}
		for i := range hy.Equilibria {
			a, b := ratKey(flatExact(hy.Equilibria[i])), ratKey(flatExact(pure.Equilibria[i]))
			if a != b {
				t.Fatalf("equilibrium %d: hybrid %s, pure exact %s", i, a, b)
			}
		}
		if hy.Stats["pivots"] != pure.Stats["pivots"] {
			t.Fatalf("hybrid made %v pivots, pure exact %v", hy.Stats["pivots"], pure.Stats["pivots"])
		}
		exactDecisions += int(hy.Stats["exact_pivots"])
	})
	if exactDecisions == 0 {
		t.Fatal("no decision was ever taken exactly: the guard is not exercised")
	}
}

// TestExactRegret2 checks the 2-player shortcut against the game's own
// exact regret on random (not necessarily equilibrium) profiles.
func TestExactRegret2(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := grefRandomGame(t, 2, 5, 7)
		ex := make([][]*big.Rat, 2)
		for p := range ex {
			k := len(g.Strategies[p])
			w := make([]int64, k)
			var sum int64
			for s := range w {
				w[s] = int64(rapid.IntRange(0, 3).Draw(t, "w"))
				sum += w[s]
			}
			if sum == 0 {
				w[0], sum = 1, 1
			}
			for s := range w {
				ex[p] = append(ex[p], big.NewRat(w[s], sum))
			}
		}
		want, err := g.ExactRegret(ex)
		if err != nil {
			t.Fatal(err)
		}
		if got := exactRegret2(g, ex); got.Cmp(want) != 0 {
			t.Fatalf("exactRegret2 %v, ExactRegret %v", got, want)
		}
	})
}
