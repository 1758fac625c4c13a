package nash

import (
	"context"
	"math"
	"math/big"
	"path/filepath"
	"testing"

	"pgregory.net/rapid"

	"github.com/truce-dev/truce/game"
)

func TestSimpDivReferenceGames(t *testing.T) {
	names := append(nPlayerGames(t), twoPlayerGames(t)...)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			g := loadNFG(t, filepath.Join(mixedData, "games", name))
			res, err := SimpDiv(context.Background(), g, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Complete || len(res.Equilibria) != 1 {
				t.Fatalf("complete=%v (%s), %d equilibria", res.Complete, res.Reason, len(res.Equilibria))
			}
			e := res.Equilibria[0]
			checkProfile(t, e.Profile)
			if r := e.Regret / payoffRange(g); r >= 1e-8 {
				t.Errorf("relative regret %g at %v", r, e.Profile)
			}
			t.Logf("%v", res.Stats)
		})
	}
}

// TestStrategyValuesAgree checks the contracting paths of normGame.values
// (values alone, values with derivatives) against the profile-by-profile
// definition and game.Strategic.StrategyValues, on random games and
// profiles.
func TestStrategyValuesAgree(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := randomGame(t, drawShape(t), []int64{0, 1, 3, 4, 9, 17, 40})
		ng, _ := newNormGame(g)
		x := make([]float64, ng.tot)
		prof := make([][]float64, ng.n)
		for i, n := range ng.shape {
			sum := 0.0
			for h := 0; h < n; h++ {
				x[ng.off[i]+h] = rapid.Float64Range(0, 1).Draw(t, "p")
				sum += x[ng.off[i]+h]
			}
			for h := 0; h < n; h++ {
				if sum == 0 {
					x[ng.off[i]+h] = 1 / float64(n)
				} else {
					x[ng.off[i]+h] /= sum
				}
			}
			prof[i] = x[ng.off[i] : ng.off[i]+n]
		}
		fast := make([]float64, ng.tot)
		slow := make([]float64, ng.tot)
		viaDu := make([]float64, ng.tot)
		du := make([]float64, ng.tot*ng.tot)
		duRef := make([]float64, ng.tot*ng.tot)
		ng.values(x, fast, nil)
		ng.values(x, viaDu, du)
		ng.valuesByProfile(x, slow, duRef)
		for k := range du {
			if math.Abs(du[k]-duRef[k]) > 1e-12 {
				t.Fatalf("derivative %d: %v, by profile %v", k, du[k], duRef[k])
			}
		}
		for k := range viaDu {
			if math.Abs(viaDu[k]-slow[k]) > 1e-12 {
				t.Fatalf("value %d with derivatives: %v, by profile %v", k, viaDu[k], slow[k])
			}
		}
		lo, hi := g.Payoffs[0], g.Payoffs[0]
		for _, v := range g.Payoffs {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		for i, n := range ng.shape {
			ref := make([]float64, n)
			g.StrategyValues(prof, i, ref)
			for h := 0; h < n; h++ {
				want := 0.0
				if hi > lo {
					want = (ref[h] - lo) / (hi - lo)
				}
				if math.Abs(fast[ng.off[i]+h]-want) > 1e-12 || math.Abs(slow[ng.off[i]+h]-want) > 1e-12 {
					t.Fatalf("player %d strategy %d: fast %v slow %v want %v", i, h, fast[ng.off[i]+h], slow[ng.off[i]+h], want)
				}
			}
		}
	})
}

// gameOfInts builds a game from a payoff list in Gambit's order.
func gameOfInts(t *testing.T, shape []int, pay []int64) *game.Strategic {
	t.Helper()
	players := make([]string, len(shape))
	strats := make([][]string, len(shape))
	for p, n := range shape {
		players[p] = string(rune('A' + p))
		for s := 0; s < n; s++ {
			strats[p] = append(strats[p], string(rune('a'+s)))
		}
	}
	g, err := game.NewStrategic(players, strats)
	if err != nil {
		t.Fatal(err)
	}
	if len(pay) != g.NumProfiles()*len(shape) {
		t.Fatalf("%d payoffs for shape %v", len(pay), shape)
	}
	for i, v := range pay {
		g.SetPayoff(i/len(shape), i%len(shape), big.NewRat(v, 1))
	}
	return g
}

// Degenerate games on which simpdiv once crawled along a segment of
// equilibria at a very fine grid until its pivot limit, because the
// support solve picked the wrong support.
func TestSimpDivDegenerate(t *testing.T) {
	tests := []struct {
		shape []int
		pay   []int64
	}{
		{[]int{3, 3, 3}, []int64{0, 17, 0, 0, 40, 4, 0, 0, 0, 4, 4, 17, 0, 40, 9, 1, 40, 1, 40, 17, 17, 40, 3, 0, 9, 17, 1, 4, 1, 0, 1, 3, 3, 0, 0, 17, 1, 17, 4, 9, 1, 3, 4, 1, 0, 40, 4, 1, 4, 40, 0, 17, 40, 1, 0, 1, 9, 40, 1, 3, 3, 0, 1, 40, 0, 0, 4, 0, 0, 3, 4, 17, 4, 40, 3, 9, 1, 4, 17, 3, 4}},
		{[]int{2, 2, 3}, []int64{0, 0, 0, 0, 2, 2, 2, 2, 1, 1, 2, 1, 0, 2, 0, 2, 2, 1, 0, 2, 0, 0, 2, 2, 1, 0, 0, 0, 2, 1, 0, 2, 2, 2, 0, 2}},
	}
	for _, tt := range tests {
		g := gameOfInts(t, tt.shape, tt.pay)
		res, err := SimpDiv(context.Background(), g, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Complete {
			t.Errorf("%v: incomplete: %s", tt.shape, res.Reason)
			continue
		}
		checkProfile(t, res.Equilibria[0].Profile)
		if r := res.Equilibria[0].Regret; r > 1e-9 {
			t.Errorf("%v: regret %g", tt.shape, r)
		}
	}
}
