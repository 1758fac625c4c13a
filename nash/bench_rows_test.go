package nash

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkGambitRows times the methods of the Gambit rows of
// docs/benchmarks.md on their games, without reading the file (the
// whole-process times, reading and start-up included, come from
// cmd/truce's BenchmarkGambitRows and scripts/bench-gambit.sh).
func BenchmarkGambitRows(b *testing.B) {
	artist2 := treeLoad(b, filepath.Join(treeRefDir, "gambit-games", "artist2.efg"))
	g10 := loadNFG(b, filepath.Join("testdata", "bench", "rand_10x10x10_s3010.nfg"))
	g75 := loadNFG(b, filepath.Join("testdata", "gambit", "_catalog_journals_dcg_vonstengel1999_6x6_game_with_75_eq.nfg"))
	g15 := loadNFG(b, filepath.Join("testdata", "bench", "rand_15x15_s2015.nfg"))
	ctx := context.Background()
	rows := []struct {
		name string
		run  func() (*Result, error)
	}{
		{"SeqLCPArtist2Exact", func() (*Result, error) { return TreeLCP(ctx, artist2, Options{Rational: true}) }},
		{"SeqLCPArtist2Float", func() (*Result, error) { return TreeLCP(ctx, artist2, Options{}) }},
		{"Logit10x10x10", func() (*Result, error) { return Logit(ctx, g10, Options{}) }},
		{"EnumMixed6x6With75Exact", func() (*Result, error) { return EnumMixed(ctx, g75, Options{Rational: true}) }},
		{"LCPAllFloat15x15", func() (*Result, error) { return LCP(ctx, g15, Options{All: true}) }},
	}
	for _, row := range rows {
		b.Run(row.name, func(b *testing.B) {
			for b.Loop() {
				res, err := row.run()
				if err != nil || !res.Complete {
					b.Fatalf("%v %v", err, res)
				}
			}
		})
	}
}
