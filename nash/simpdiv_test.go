package nash

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"pgregory.net/rapid"
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

// TestStrategyValuesAgree checks the contracting fast path of
// normGame.values against game.Strategic.StrategyValues and against the
// derivative path, on random games and profiles.
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
		ng.values(x, fast, nil)
		ng.values(x, slow, make([]float64, ng.tot*ng.tot))
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
