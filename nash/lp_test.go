package nash

import (
	"context"
	"math"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/game/gambit"
	"pgregory.net/rapid"
)

// grefZeroSum draws a constant-sum game: player 2 gets c minus player 1's
// payoff.
func grefZeroSum(t *rapid.T) *game.Strategic {
	g := grefRandomGame(t, 2, 6, rapid.IntRange(2, 50).Draw(t, "span"))
	c := big.NewRat(int64(rapid.IntRange(-5, 5).Draw(t, "constant")), 1)
	for k := 0; k < g.NumProfiles(); k++ {
		g.SetPayoff(k, 1, new(big.Rat).Sub(c, g.Exact()[2*k]))
	}
	return g
}

// minmax returns what x guarantees player 1 (min over player 2's pure
// strategies) and what y concedes at most (max over player 1's).
func minmax(g *game.Strategic, x, y []float64) (lo, hi float64) {
	m, n := len(x), len(y)
	lo, hi = math.Inf(1), math.Inf(-1)
	for j := 0; j < n; j++ {
		v := 0.0
		for i := 0; i < m; i++ {
			v += x[i] * g.Payoffs[2*(i+j*m)]
		}
		lo = math.Min(lo, v)
	}
	for i := 0; i < m; i++ {
		v := 0.0
		for j := 0; j < n; j++ {
			v += y[j] * g.Payoffs[2*(i+j*m)]
		}
		hi = math.Max(hi, v)
	}
	return lo, hi
}

func TestLPValueIsMinMax(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := grefZeroSum(t)
		res, err := LP(context.Background(), g, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Equilibria) != 1 {
			t.Fatalf("%d profiles", len(res.Equilibria))
		}
		eq := res.Equilibria[0]
		v := res.Stats["value"]
		lo, hi := minmax(g, eq.Profile[0], eq.Profile[1])
		if math.Abs(lo-v) > 1e-9 || math.Abs(hi-v) > 1e-9 {
			t.Fatalf("value %v but strategies guarantee %v and concede %v", v, lo, hi)
		}
		if eq.Regret > 1e-9 {
			t.Fatalf("regret %v", eq.Regret)
		}
		// exact: the same value from exact Lemke–Howson, and the exact
		// strategies guarantee it exactly
		ex, err := LP(context.Background(), g, Options{Rational: true})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(ex.Stats["value"]-v) > 1e-9 {
			t.Fatalf("float value %v, exact %v", v, ex.Stats["value"])
		}
		if r, _ := g.ExactRegret(ex.Equilibria[0].Exact); r.Sign() != 0 {
			t.Fatalf("exact regret %v", r)
		}
		// and every equilibrium LCP finds gives player 1 the same value
		all, err := LCP(context.Background(), g, Options{All: true, Rational: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, eq := range all.Equilibria {
			w, _ := exactValue(g, eq.Exact).Float64()
			if math.Abs(w-v) > 1e-9 {
				t.Fatalf("an LCP equilibrium has value %v, LP %v", w, v)
			}
		}
	})
}

func TestLPRejectsNonConstantSum(t *testing.T) {
	for _, rg := range grefGames(t) {
		if rg.name != "pd.nfg" {
			continue
		}
		_, err := LP(context.Background(), rg.g, Options{})
		if err == nil || !strings.Contains(err.Error(), "not constant-sum") {
			t.Fatalf("pd.nfg: error %v", err)
		}
		return
	}
	t.Fatal("pd.nfg not found")
}

func TestLPReferenceConstantSum(t *testing.T) {
	for _, name := range []string{"_test_games_const_sum_game.nfg", "2x2const.nfg"} {
		for _, rg := range grefGames(t) {
			if rg.name != name {
				continue
			}
			res, err := LP(context.Background(), rg.g, Options{})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			eq := res.Equilibria[0]
			lo, hi := minmax(rg.g, eq.Profile[0], eq.Profile[1])
			if math.Abs(lo-hi) > 1e-9 || eq.Regret > 1e-9 {
				t.Fatalf("%s: guarantees %v, concedes %v, regret %v", name, lo, hi, eq.Regret)
			}
		}
	}
}

// TestLPLargerZeroSum: zero-sum versions of the 20×20 and 50×50 benchmark
// games; the float simplex and exact Lemke–Howson agree on the value, and
// the float strategies guarantee it.
func TestLPLargerZeroSum(t *testing.T) {
	for _, name := range []string{"rand_20x20_s2020.nfg", "rand_50x50_s2050.nfg"} {
		f, err := os.Open("testdata/bench/" + name)
		if err != nil {
			t.Fatal(err)
		}
		g, err := gambit.ReadNFG(name, f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < g.NumProfiles(); k++ {
			g.SetPayoff(k, 1, new(big.Rat).Neg(g.Exact()[2*k]))
		}
		fl, err := LP(context.Background(), g, Options{})
		if err != nil {
			t.Fatal(err)
		}
		ex, err := LP(context.Background(), g, Options{Rational: true})
		if err != nil {
			t.Fatal(err)
		}
		v := fl.Stats["value"]
		if math.Abs(v-ex.Stats["value"]) > 1e-9 {
			t.Fatalf("%s: float value %v, exact %v", name, v, ex.Stats["value"])
		}
		eq := fl.Equilibria[0]
		lo, hi := minmax(g, eq.Profile[0], eq.Profile[1])
		if math.Abs(lo-v) > 1e-9 || math.Abs(hi-v) > 1e-9 {
			t.Fatalf("%s: value %v, guarantees %v, concedes %v", name, v, lo, hi)
		}
	}
}
