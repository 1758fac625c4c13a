package nash

import (
	"context"
	"path/filepath"
	"testing"
)

// Benchmarks on the random games of the project's reference material
// (copied into testdata/mixed); Gambit's times on the same games are in
// docs/nash-mixed.md.

func benchMixed(b *testing.B, file string, run func() (*Result, error)) {
	b.Helper()
	for b.Loop() {
		res, err := run()
		if err != nil {
			b.Fatal(err)
		}
		if !res.Complete || len(res.Equilibria) == 0 {
			b.Fatalf("%s: complete=%v (%s), %d equilibria", file, res.Complete, res.Reason, len(res.Equilibria))
		}
		b.ReportMetric(float64(len(res.Equilibria)), "equilibria")
	}
}

func BenchmarkEnumMixed(b *testing.B) {
	for _, c := range []struct{ name, file string }{
		{"5x5", "rand_5x5_s2005.nfg"},
		{"10x10", "rand_10x10_s2010.nfg"},
		{"12x12", "rand_12x12_s2012.nfg"},
		{"15x15", "rand_15x15_s2015.nfg"},
	} {
		g := loadNFG(b, filepath.Join(mixedData, c.file))
		for _, mode := range []struct {
			name string
			opt  Options
		}{{"float", Options{}}, {"exact", Options{Rational: true}}} {
			b.Run(c.name+"/"+mode.name, func(b *testing.B) {
				benchMixed(b, c.file, func() (*Result, error) { return EnumMixed(context.Background(), g, mode.opt) })
			})
		}
	}
}

func BenchmarkLogit(b *testing.B) {
	for _, c := range []struct{ name, file string }{
		{"5x5x5", "rand_5x5x5_s3005.nfg"},
		{"10x10x10", "rand_10x10x10_s3010.nfg"},
	} {
		g := loadNFG(b, filepath.Join(mixedData, c.file))
		b.Run(c.name, func(b *testing.B) {
			benchMixed(b, c.file, func() (*Result, error) { return Logit(context.Background(), g, Options{}) })
		})
	}
}

func BenchmarkSimpDiv(b *testing.B) {
	for _, c := range []struct{ name, file string }{
		{"5x5x5", "rand_5x5x5_s3005.nfg"},
		{"10x10x10", "rand_10x10x10_s3010.nfg"},
	} {
		g := loadNFG(b, filepath.Join(mixedData, c.file))
		b.Run(c.name, func(b *testing.B) {
			benchMixed(b, c.file, func() (*Result, error) { return SimpDiv(context.Background(), g, Options{}) })
		})
	}
}
