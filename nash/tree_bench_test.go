package nash

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/truce-dev/truce/game/gen"
)

func benchTreeLCP(b *testing.B, file string, rational bool) {
	tr := treeLoad(b, filepath.Join(treeRefDir, "gambit-games", file))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := TreeLCP(context.Background(), tr, Options{Rational: rational}); err != nil {
			b.Fatal(err)
		}
	}
}

// artist2.efg is the largest two-player reference tree (255 nodes); Gambit
// takes 0.74 s exact, 0.10 s in floats.
func BenchmarkTreeLCPArtist2Exact(b *testing.B) { benchTreeLCP(b, "artist2.efg", true) }
func BenchmarkTreeLCPArtist2Float(b *testing.B) { benchTreeLCP(b, "artist2.efg", false) }
func BenchmarkTreeLCPTicTacToe(b *testing.B)    { benchTreeLCP(b, "ttt.efg", true) }

func BenchmarkTreeLCPLeducFloat(b *testing.B) {
	tr := gen.Leduc()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := TreeLCP(context.Background(), tr, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(res.Stats["pivots"], "pivots")
	}
}

func BenchmarkTreeLPLeduc(b *testing.B) {
	tr := gen.Leduc()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := TreeLP(context.Background(), tr, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// One CFR+ iteration updates both players once (two tree passes).
func BenchmarkCFRPlusLeduc(b *testing.B) {
	tr := gen.Leduc()
	b.ResetTimer()
	res, err := CFR(context.Background(), tr, CFROptions{Iterations: b.N, CheckEvery: b.N + 1})
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "iter/s")
	_ = res
}

func BenchmarkReducedArtist2(b *testing.B) {
	tr := treeLoad(b, filepath.Join(treeRefDir, "gambit-games", "artist2.efg"))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tr.Reduced(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTreeEnumPureArtist2(b *testing.B) {
	tr := treeLoad(b, filepath.Join(treeRefDir, "gambit-games", "artist2.efg"))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := TreeEnumPure(context.Background(), tr, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
