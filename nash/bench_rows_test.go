package nash

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/truce-dev/truce/internal/cputime"
)

// BenchmarkGambitRows times the methods of the Gambit rows of
// docs/benchmarks.md (those whose work was under 10x Gambit's or near it)
// on their games, without reading the file (the
// whole-process times, reading and start-up included, come from
// cmd/truce's BenchmarkGambitRows and scripts/bench-gambit.sh).
func BenchmarkGambitRows(b *testing.B) {
	artist2 := treeLoad(b, filepath.Join(treeRefDir, "gambit-games", "artist2.efg"))
	g10 := loadNFG(b, filepath.Join("testdata", "bench", "rand_10x10x10_s3010.nfg"))
	g75 := loadNFG(b, filepath.Join("testdata", "gambit", "_catalog_journals_dcg_vonstengel1999_6x6_game_with_75_eq.nfg"))
	g15 := loadNFG(b, filepath.Join("testdata", "bench", "rand_15x15_s2015.nfg"))
	g10x10 := loadNFG(b, filepath.Join("testdata", "bench", "rand_10x10_s2010.nfg"))
	g100 := loadNFG(b, filepath.Join("testdata", "bench", "rand_100x100_s2100.nfg"))
	g5 := loadNFG(b, filepath.Join("testdata", "bench", "rand_5x5x5_s3005.nfg"))
	v3 := readPointsFile(b, filepath.Join("testdata", "gnm", "rand_10x10x10_s3010.3.pert"))
	v2 := readPointsFile(b, filepath.Join("testdata", "gnm", "rand_5x5x5_s3005.2.pert"))
	v32 := readPointsFile(b, filepath.Join("testdata", "bench", "rand_10x10x10_s3010.ipa32.pert"))
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
		{"LCPAllExact10x10", func() (*Result, error) { return LCP(ctx, g10x10, Options{All: true, Rational: true}) }},
		{"LCPOneExact100x100", func() (*Result, error) { return LCP(ctx, g100, Options{Rational: true}) }},
		{"EnumPure100x100", func() (*Result, error) { return EnumPure(ctx, g100, Options{}) }},
		{"IPA10x10x10V3", func() (*Result, error) { return IPA(ctx, g10, Options{Search: Search{Points: v3}}) }},
		{"IPA5x5x5V2", func() (*Result, error) { return IPA(ctx, g5, Options{Search: Search{Points: v2}}) }},
		{"IPA10x10x10By32", func() (*Result, error) { return IPA(ctx, g10, Options{Search: Search{Points: v32}}) }},
	}
	for _, row := range rows {
		b.Run(row.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cputime.Now()
			for b.Loop() {
				res, err := row.run()
				if err != nil || !res.Complete {
					b.Fatalf("%v %v", err, res)
				}
			}
			// CPU per run, all threads (the garbage collector's included):
			// on a shared machine the wall time (ns/op) measures the load.
			if cpu := cputime.Now() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
		})
	}
}
