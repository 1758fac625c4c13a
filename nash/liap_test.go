package nash

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestLiapGambitReference runs liap from the starting points in
// testdata/liap, from which gambit-liap's outputs there were made
// (generate.sh). The two descend by different methods (Gambit: conjugate
// gradients on a penalised function; truce: projected gradient on the
// simplices, then a Newton polish), so one start may end at different
// equilibria; the test asks that truce end at an equilibrium from at
// least as many starts as Gambit kept, and find at least as many
// distinct equilibria (Gambit's kept ends have regret up to 1e-4, so its
// ends are clustered at 1e-3), every one certified by its regret.
func TestLiapGambitReference(t *testing.T) {
	outs, err := filepath.Glob("testdata/liap/*.liap.out")
	if err != nil || len(outs) == 0 {
		t.Fatalf("no reference outputs in testdata/liap: %v", err)
	}
	for _, out := range outs {
		base := strings.TrimSuffix(filepath.Base(out), ".liap.out")
		t.Run(base, func(t *testing.T) {
			game := filepath.Join("testdata/gambit", base+".nfg")
			if _, err := os.Stat(game); err != nil {
				game = filepath.Join("testdata/bench", base+".nfg")
			}
			g := readNFGFile(t, game)
			starts := readPointsFile(t, filepath.Join("testdata/liap", base+".starts"))
			ref := readFloatNE(t, out)
			var want [][]float64
			for _, p := range ref {
				if !containsFlat(want, p, 1e-3) {
					want = append(want, p)
				}
			}
			res, err := Liap(context.Background(), g, Options{Search: Search{Points: starts}})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Complete {
				t.Fatalf("incomplete: %s", res.Reason)
			}
			for _, e := range res.Equilibria {
				if e.Approximate || e.Regret > RegretTolerance {
					t.Errorf("not an equilibrium: regret %g", e.Regret)
				}
			}
			reached := len(starts) - int(res.Stats["ends not at an equilibrium"])
			t.Logf("Gambit: %d of %d starts kept, %d distinct; truce: %d reached, %d distinct", len(ref), len(starts), len(want), reached, len(res.Equilibria))
			if reached < len(ref) {
				t.Errorf("truce reached an equilibrium from %d starts, Gambit from %d", reached, len(ref))
			}
			if len(res.Equilibria) < len(want) {
				t.Errorf("truce found %d distinct equilibria, Gambit %d", len(res.Equilibria), len(want))
			}
		})
	}
}

// TestLiapDeterministic: the same seed gives the same starts and the same
// equilibria in the same order; another seed other starts.
func TestLiapDeterministic(t *testing.T) {
	g := readNFGFile(t, "testdata/gambit/2x2x2.nfg")
	run := func(seed uint64) *Result {
		res, err := Liap(context.Background(), g, Options{Search: Search{Seed: seed}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b, c := run(3), run(3), run(4)
	if !reflect.DeepEqual(a.Equilibria, b.Equilibria) || !reflect.DeepEqual(a.Stats, b.Stats) {
		t.Errorf("seed 3 twice: different results")
	}
	if reflect.DeepEqual(a.Stats, c.Stats) && reflect.DeepEqual(a.Equilibria, c.Equilibria) {
		t.Errorf("seeds 3 and 4 gave the same run: %v", a.Stats)
	}
	if a.Stats["starts"] != LiapDefaultStarts || a.Stats["seed"] != 3 {
		t.Errorf("stats %v: want %d starts, seed 3", a.Stats, LiapDefaultStarts)
	}
}

// TestLiapFindsEquilibria: on random games every profile liap returns is
// an equilibrium (certified by regret), and the game's pure equilibria
// are fixed points: started there, liap returns them.
func TestLiapFindsEquilibria(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 3).Draw(t, "players")
		shape := make([]int, n)
		for p := range shape {
			shape[p] = rapid.IntRange(1, 4).Draw(t, "strategies")
		}
		g := continuousGame(shape, rapid.Uint64().Draw(t, "seed"))
		pure, err := EnumPure(context.Background(), g, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var pts []Point
		for _, e := range pure.Equilibria {
			pts = append(pts, Point{Values: flatProfile(e.Profile), Pos: "pure"})
		}
		if len(pts) == 0 {
			return
		}
		res, err := Liap(context.Background(), g, Options{Search: Search{Points: pts}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Equilibria) != len(pts) {
			t.Fatalf("%d pure equilibria as starts, %d equilibria back", len(pts), len(res.Equilibria))
		}
		for i, e := range res.Equilibria {
			if e.Approximate {
				t.Fatalf("approximate profile, regret %g", e.Regret)
			}
			if !closeFlat(flatProfile(e.Profile), pts[i].Values, 1e-9) {
				t.Fatalf("started at pure equilibrium %v, ended at %v", pts[i].Values, flatProfile(e.Profile))
			}
		}
	})
}

// TestLiapHostile: bad starts are refused with their place; degenerate
// games end quickly.
func TestLiapHostile(t *testing.T) {
	g := readNFGFile(t, "testdata/gambit/2x2x2.nfg")
	for _, tc := range []struct {
		name   string
		pts    []Point
		opt    Search
		errHas string
	}{
		{name: "wrong length", pts: []Point{{Values: []float64{1, 0}, Pos: "s.csv:2"}}, errHas: "s.csv:2: starting point has 2 numbers, the game has 6 strategies (2+2+2)"},
		{name: "not a profile", pts: []Point{{Values: []float64{1, 1, 1, 0, 1, 0}, Pos: "s.csv:1"}}, errHas: "s.csv:1: player 1's probabilities sum to 2, not 1"},
		{name: "negative", pts: []Point{{Values: []float64{2, -1, 1, 0, 1, 0}, Pos: "s.csv:1"}}, errHas: "s.csv:1: player 1: probability -1 is not a number from 0 to 1"},
		{name: "NaN", pts: []Point{{Values: []float64{math.NaN(), 1, 1, 0, 1, 0}, Pos: "s.csv:1"}}, errHas: "probability NaN"},
		{name: "max regret", opt: Search{MaxRegret: -1}, errHas: "max regret -1: must be positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opt.Points = tc.pts
			_, err := Liap(context.Background(), g, Options{Search: tc.opt})
			if err == nil || !strings.Contains(err.Error(), tc.errHas) {
				t.Fatalf("err %v, want %q", err, tc.errHas)
			}
		})
	}
	for _, shape := range [][]int{{1, 1}, {1, 1, 1}, {3, 3, 3}} {
		for _, zero := range []bool{true, false} {
			g := continuousGame(shape, 5)
			if zero {
				for i := range g.Payoffs {
					g.Payoffs[i] = 0
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			res, err := Liap(ctx, g, Options{})
			cancel()
			if err != nil || !res.Complete {
				t.Fatalf("%v zero %v: %v %v", shape, zero, err, res)
			}
			if zero && len(res.Equilibria) == 0 {
				t.Errorf("%v all zero: no equilibrium (every profile is one)", shape)
			}
		}
	}
}
