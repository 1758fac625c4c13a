package nash

import (
	"context"
	"path/filepath"
	"testing"
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
