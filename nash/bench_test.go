package nash

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"os"
	"testing"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/game/gambit"
)

// benchGame loads one of the random benchmark games of the project's
// reference material, copied into testdata/bench (see testdata/README.md).
func benchGame(b *testing.B, name string) *game.Strategic {
	b.Helper()
	f, err := os.Open("testdata/bench/" + name)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	g, err := gambit.ReadNFG(name, f)
	if err != nil {
		b.Fatal(err)
	}
	return g
}

var benchSquare = map[int]string{
	10:  "rand_10x10_s2010.nfg",
	15:  "rand_15x15_s2015.nfg",
	20:  "rand_20x20_s2020.nfg",
	50:  "rand_50x50_s2050.nfg",
	100: "rand_100x100_s2100.nfg",
	200: "rand_200x200_s2200.nfg",
}

func benchMethod(b *testing.B, g *game.Strategic, method func(context.Context, *game.Strategic, Options) (*Result, error), opt Options) {
	b.Helper()
	var res *Result
	for b.Loop() {
		var err error
		res, err = method(context.Background(), g, opt)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(res.Equilibria)), "equilibria")
	b.ReportMetric(res.Stats["pivots"], "pivots")
}

func BenchmarkLCPOne(b *testing.B) {
	for _, n := range []int{10, 20, 50, 100, 200} {
		g := benchGame(b, benchSquare[n])
		b.Run(fmt.Sprintf("%dx%d/float", n, n), func(b *testing.B) { benchMethod(b, g, LCP, Options{}) })
		b.Run(fmt.Sprintf("%dx%d/rational", n, n), func(b *testing.B) { benchMethod(b, g, LCP, Options{Rational: true}) })
	}
}

func BenchmarkLCPAll(b *testing.B) {
	for _, n := range []int{10, 15, 20} {
		g := benchGame(b, benchSquare[n])
		b.Run(fmt.Sprintf("%dx%d/float", n, n), func(b *testing.B) { benchMethod(b, g, LCP, Options{All: true}) })
		b.Run(fmt.Sprintf("%dx%d/rational", n, n), func(b *testing.B) { benchMethod(b, g, LCP, Options{All: true, Rational: true}) })
	}
}

func BenchmarkEnumPure(b *testing.B) {
	for _, n := range []int{100, 200} {
		g := benchGame(b, benchSquare[n])
		b.Run(fmt.Sprintf("%dx%d", n, n), func(b *testing.B) { benchMethod(b, g, EnumPure, Options{}) })
	}
}

func BenchmarkReadNFG200(b *testing.B) {
	src, err := os.ReadFile("testdata/bench/rand_200x200_s2200.nfg")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := gambit.ReadNFG("bench.nfg", bytesReader(src)); err != nil {
			b.Fatal(err)
		}
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// BenchmarkLP solves the zero-sum games whose row player's payoffs are
// those of the benchmark games.
func BenchmarkLP(b *testing.B) {
	for _, n := range []int{20, 50, 100} {
		g := benchGame(b, benchSquare[n])
		for k := 0; k < g.NumProfiles(); k++ {
			g.SetPayoff(k, 1, new(big.Rat).Neg(g.Exact()[2*k]))
		}
		b.Run(fmt.Sprintf("%dx%d/float", n, n), func(b *testing.B) { benchMethod(b, g, LP, Options{}) })
		b.Run(fmt.Sprintf("%dx%d/rational", n, n), func(b *testing.B) { benchMethod(b, g, LP, Options{Rational: true}) })
	}
}
