package nash

import (
	"context"
	"testing"

	"github.com/truce-dev/truce/game"
)

// BenchmarkIPA32 runs ipa from the 32 perturbation vectors of the
// ipa-10x10x10-32v row of scripts/bench-gambit.sh (testdata/bench), the
// row whose time is the work rather than the process start.
func BenchmarkIPA32(b *testing.B) {
	g := benchGame(b, "rand_10x10x10_s3010.nfg")
	pts := readPointsFile(b, "testdata/bench/rand_10x10x10_s3010.ipa32.pert")
	res := benchIPA(b, g, pts)
	b.ReportMetric(float64(len(res.Equilibria)), "equilibria")
}

// benchIPA runs ipa from pts in b's loop and reports its iterations and
// Lemke–Howson calls; it returns the last result.
func benchIPA(b *testing.B, g *game.Strategic, pts []Point) *Result {
	var res *Result
	for b.Loop() {
		var err error
		if res, err = IPA(context.Background(), g, Options{Search: Search{Points: pts}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(res.Stats["iterations"], "iterations")
	b.ReportMetric(res.Stats["Lemke-Howson calls"], "LH-calls")
	return res
}
