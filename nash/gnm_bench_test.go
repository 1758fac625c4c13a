package nash

import (
	"context"
	"testing"
)

// BenchmarkGNM follows gnm's path from the perturbation vectors gambit-gnm
// drew for the benchmark games (testdata/gnm, -n 1 -R SEED), to Gambit's
// default end (λ at −10 times its start), so that the time compares with
// gambit-gnm -s on the same vector. See docs/nash.md for Gambit's times.
func BenchmarkGNM(b *testing.B) {
	for _, c := range []string{"rand_5x5x5_s3005.1", "rand_5x5x5_s3005.2", "rand_5x5x5_s3005.3",
		"rand_10x10x10_s3010.1", "rand_10x10x10_s3010.2", "rand_10x10x10_s3010.3"} {
		game := c[:len(c)-2] + ".nfg"
		g := benchGame(b, game)
		pts := readPointsFile(b, "testdata/gnm/"+c+".pert")
		b.Run(c, func(b *testing.B) {
			var res *Result
			for b.Loop() {
				var err error
				if res, err = GNM(context.Background(), g, Options{Search: Search{Points: pts}}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(res.Equilibria)), "equilibria")
			b.ReportMetric(res.Stats["support changes"], "support-changes")
		})
	}
}

// BenchmarkLiap minimises from the ten starts of testdata/liap (the ones
// gambit-liap -s was timed on) and, for 10×10×10, from ten random ones.
func BenchmarkLiap(b *testing.B) {
	for _, c := range []struct {
		name, game string
		search     Search
	}{
		{"rand_5x5x5/10-starts", "rand_5x5x5_s3005.nfg", Search{Points: readPointsFile(b, "testdata/liap/rand_5x5x5_s3005.starts")}},
		{"rand_10x10x10/10-starts", "rand_10x10x10_s3010.nfg", Search{Seed: 1}},
	} {
		g := benchGame(b, c.game)
		b.Run(c.name, func(b *testing.B) {
			var res *Result
			for b.Loop() {
				var err error
				if res, err = Liap(context.Background(), g, Options{Search: c.search}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(res.Equilibria)), "equilibria")
		})
	}
}

// BenchmarkIPA runs ipa from the perturbation vectors of testdata/gnm (the
// ones gambit-ipa -s was given), so that the time compares with gambit-ipa
// on the same vector; the iterations and Lemke–Howson calls are Gambit's
// too (the same iterates, see TestIPAGambitReference).
func BenchmarkIPA(b *testing.B) {
	for _, c := range []string{"rand_5x5x5_s3005.2", "rand_10x10x10_s3010.1", "rand_10x10x10_s3010.3", "rand_10x10_s2010.1"} {
		game := c[:len(c)-2] + ".nfg"
		g := benchGame(b, game)
		pts := readPointsFile(b, "testdata/gnm/"+c+".pert")
		b.Run(c, func(b *testing.B) { benchIPA(b, g, pts) })
	}
}
