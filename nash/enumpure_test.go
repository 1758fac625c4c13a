package nash

import (
	"context"
	"errors"
	"math/big"
	"testing"

	"github.com/truce-dev/truce/game"
	"pgregory.net/rapid"
)

func TestEnumPureMatchesGambit(t *testing.T) {
	checked := 0
	for _, rg := range grefGames(t) {
		want, ok := grefOutput(t, rg.name, "enumpure")
		if !ok {
			continue
		}
		res, err := EnumPure(context.Background(), rg.g, Options{})
		if err != nil {
			t.Fatalf("%s: %v", rg.name, err)
		}
		if !res.Complete {
			t.Fatalf("%s: incomplete", rg.name)
		}
		var got [][]*big.Rat
		for _, eq := range res.Equilibria {
			if eq.Regret != 0 {
				t.Errorf("%s: pure equilibrium with regret %v", rg.name, eq.Regret)
			}
			got = append(got, flatExact(eq))
		}
		grefSameSet(t, rg.name, got, want)
		checked++
	}
	if checked < 50 {
		t.Fatalf("only %d games checked against Gambit", checked)
	}
}

// TestEnumPureByDefinition compares with a brute-force check of every
// profile on random games with many ties (payoffs in a small range).
func TestEnumPureByDefinition(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := grefRandomGame(t, rapid.IntRange(1, 4).Draw(t, "players"), 4, 3)
		res, err := EnumPure(context.Background(), g, Options{})
		if err != nil {
			t.Fatal(err)
		}
		found := map[int]bool{}
		for _, eq := range res.Equilibria {
			pure := make([]int, g.NumPlayers())
			for p, sig := range eq.Profile {
				for s, v := range sig {
					if v == 1 {
						pure[p] = s
					}
				}
			}
			found[g.ProfileIndex(pure)] = true
		}
		shape := g.Shape()
		pure := make([]int, len(shape))
		for k := 0; k < g.NumProfiles(); k++ {
			rest := k
			for p := range shape {
				pure[p] = rest % shape[p]
				rest /= shape[p]
			}
			sigma := make([][]float64, len(shape))
			for p := range shape {
				sigma[p] = make([]float64, shape[p])
				sigma[p][pure[p]] = 1
			}
			isEq := g.Regret(sigma) == 0
			if isEq != found[k] {
				t.Fatalf("profile %v: equilibrium %v, enumpure says %v", pure, isEq, found[k])
			}
		}
	})
}

// grefRandomGame draws a game with up to maxStrat strategies per player
// and integer payoffs in [0, span), so ties are frequent.
func grefRandomGame(t *rapid.T, players, maxStrat, span int) *game.Strategic {
	names := make([]string, players)
	strategies := make([][]string, players)
	for p := range names {
		names[p] = string(rune('A' + p))
		k := rapid.IntRange(1, maxStrat).Draw(t, "strategies")
		for s := 0; s < k; s++ {
			strategies[p] = append(strategies[p], string(rune('a'+s)))
		}
	}
	g, err := game.NewStrategic(names, strategies)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < g.NumProfiles(); k++ {
		for p := 0; p < players; p++ {
			g.SetPayoff(k, p, big.NewRat(int64(rapid.IntRange(0, span-1).Draw(t, "payoff")), 1))
		}
	}
	return g
}

func TestEnumPureCancelled(t *testing.T) {
	g := grefGames(t)[0].g
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := EnumPure(ctx, g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Complete || res.Reason != "interrupted" || !errors.Is(res.Err, context.Canceled) {
		t.Fatalf("complete=%v reason=%q", res.Complete, res.Reason)
	}
}
