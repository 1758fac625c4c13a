package nash

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"testing"

	"pgregory.net/rapid"

	"github.com/truce-dev/truce/game"
)

// randomGame draws a game of the given shape with payoffs from values;
// a tiny value set makes degenerate games (ties everywhere) likely.
func randomGame(t *rapid.T, shape []int, values []int64) *game.Strategic {
	players := make([]string, len(shape))
	strats := make([][]string, len(shape))
	for p, n := range shape {
		players[p] = fmt.Sprint(p + 1)
		for s := 0; s < n; s++ {
			strats[p] = append(strats[p], fmt.Sprint(s+1))
		}
	}
	g, err := game.NewStrategic(players, strats)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < g.NumProfiles(); k++ {
		for p := range shape {
			var v int64
			switch {
			case values == nil:
				v = rapid.Int64Range(-100000, 100000).Draw(t, "payoff")
			case len(values) == 2 && values[0] == wideLo:
				v = rapid.Int64Range(values[0], values[1]).Draw(t, "payoff")
			default:
				v = rapid.SampledFrom(values).Draw(t, "payoff")
			}
			g.SetPayoff(k, p, big.NewRat(v, 1))
		}
	}
	return g
}

// TestEnumMixedNondegenerateOdd: a nondegenerate game has an odd number of
// equilibria (all extreme), since Lemke–Howson pairs them up with the
// artificial one. Payoffs from a wide range make most games nondegenerate;
// the test insists that some were.
func TestEnumMixedNondegenerateOdd(t *testing.T) {
	nondeg := 0
	rapid.Check(t, func(t *rapid.T) {
		shape := []int{rapid.IntRange(1, 6).Draw(t, "m"), rapid.IntRange(1, 6).Draw(t, "n")}
		g := randomGame(t, shape, nil)
		res, err := EnumMixed(context.Background(), g, Options{Rational: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Stats["degenerate"] != 0 {
			return
		}
		nondeg++
		if len(res.Equilibria)%2 == 0 {
			t.Fatalf("nondegenerate game with %d equilibria", len(res.Equilibria))
		}
	})
	if nondeg == 0 {
		t.Error("no nondegenerate game drawn")
	}
	t.Logf("%d nondegenerate games", nondeg)
}

// wideLo marks a values argument {wideLo, hi} of randomGame: payoffs
// uniform in [wideLo, hi] rather than drawn from the list.
const wideLo = -50

// pureEquilibria lists the pure equilibria of a 2-player game by brute force.
func pureEquilibria(g *game.Strategic) [][2]int {
	m, n := len(g.Strategies[0]), len(g.Strategies[1])
	var out [][2]int
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			k := i + j*m
			ok := true
			for i2 := 0; i2 < m && ok; i2++ {
				ok = g.Payoff(i2+j*m, 0) <= g.Payoff(k, 0)
			}
			for j2 := 0; j2 < n && ok; j2++ {
				ok = g.Payoff(i+j2*m, 1) <= g.Payoff(k, 1)
			}
			if ok {
				out = append(out, [2]int{i, j})
			}
		}
	}
	return out
}

func TestEnumMixedProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		shape := []int{rapid.IntRange(1, 6).Draw(t, "m"), rapid.IntRange(1, 6).Draw(t, "n")}
		values := rapid.SampledFrom([][]int64{{0, 1, 2}, {0, 1}, {-3, 0, 5, 7, 11, 20}}).Draw(t, "values")
		g := randomGame(t, shape, values)
		res, err := EnumMixed(context.Background(), g, Options{Rational: true})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Complete || len(res.Equilibria) == 0 {
			t.Fatalf("complete=%v, %d equilibria", res.Complete, len(res.Equilibria))
		}
		seen := map[string]bool{}
		for _, e := range res.Equilibria {
			r, err := g.ExactRegret(e.Exact)
			if err != nil || r.Sign() != 0 {
				t.Fatalf("profile %v: exact regret %v (%v)", e.Exact, r, err)
			}
			for p, s := range e.Exact {
				sum := new(big.Rat)
				for _, v := range s {
					if v.Sign() < 0 {
						t.Fatalf("negative probability in %v", e.Exact)
					}
					sum.Add(sum, v)
				}
				if sum.Cmp(big.NewRat(1, 1)) != 0 {
					t.Fatalf("player %d probabilities sum to %s", p, sum.RatString())
				}
			}
			k := ratKey(flatExact(e))
			if seen[k] {
				t.Fatalf("duplicate %s", k)
			}
			seen[k] = true
		}
		// Every pure equilibrium is an extreme equilibrium.
		m := shape[0]
		for _, pe := range pureEquilibria(g) {
			prof := make([]*big.Rat, m+shape[1])
			for i := range prof {
				prof[i] = new(big.Rat)
			}
			prof[pe[0]].SetInt64(1)
			prof[m+pe[1]].SetInt64(1)
			if !seen[ratKey(prof)] {
				t.Fatalf("pure equilibrium %v missing from %d found", pe, len(seen))
			}
		}
		// Equilibria that share a player's strategy share a component.
		for i, a := range res.Equilibria {
			for _, b := range res.Equilibria[i+1:] {
				for p := 0; p < 2; p++ {
					if ratKey(a.Exact[p]) == ratKey(b.Exact[p]) && a.Component != b.Component {
						t.Fatalf("%v and %v share player %d's strategy but not a component", a.Exact, b.Exact, p)
					}
				}
			}
		}
		// Float mode finds the same set.
		fres, err := EnumMixed(context.Background(), g, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(fres.Equilibria) != len(res.Equilibria) {
			t.Fatalf("float mode: %d equilibria, exact %d", len(fres.Equilibria), len(res.Equilibria))
		}
		for _, e := range fres.Equilibria {
			found := false
			for _, x := range res.Equilibria {
				if maxDiff(flatFloat(e), flatFloat(x)) <= 1e-9 {
					found = true
				}
			}
			if !found {
				t.Fatalf("float equilibrium %v not found exactly", e.Profile)
			}
			if e.Regret > 1e-9*payoffRange(g) {
				t.Fatalf("float regret %g", e.Regret)
			}
		}
	})
}

func checkApprox(t *rapid.T, g *game.Strategic, res *Result) {
	if len(res.Equilibria) != 1 {
		t.Fatalf("%d profiles", len(res.Equilibria))
	}
	e := res.Equilibria[0]
	for p, s := range e.Profile {
		sum := 0.0
		for _, v := range s {
			if v < 0 || v > 1 || math.IsNaN(v) {
				t.Fatalf("player %d: probability %v", p, v)
			}
			sum += v
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Fatalf("player %d: sum %v", p, sum)
		}
	}
	if !res.Complete {
		t.Fatalf("%s did not finish: %s (shape %v, payoffs %v, profile %v)", res.Method, res.Reason, g.Shape(), g.Payoffs, e.Profile)
	}
	// The method's target is 1e-8 of the payoff range; its support solve
	// normally lands far below, and the issue asks for 1e-9 outright.
	if r := g.Regret(e.Profile); r > 1e-9 {
		t.Fatalf("%s: regret %g at %v", res.Method, r, e.Profile)
	}
}

func drawShape(t *rapid.T) []int {
	n := rapid.IntRange(2, 4).Draw(t, "players")
	shape := make([]int, n)
	for p := range shape {
		shape[p] = rapid.IntRange(1, 4-n/2).Draw(t, "strategies")
	}
	return shape
}

func TestSimpDivProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		values := rapid.SampledFrom([][]int64{{0, 1, 2}, {0, 1, 3, 4, 9, 17, 40}}).Draw(t, "values")
		g := randomGame(t, drawShape(t), values)
		res, err := SimpDiv(context.Background(), g, Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkApprox(t, g, res)
	})
}

func TestLogitProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		values := rapid.SampledFrom([][]int64{{0, 1, 2}, {0, 1, 3, 4, 9, 17, 40}}).Draw(t, "values")
		g := randomGame(t, drawShape(t), values)
		res, err := Logit(context.Background(), g, Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkApprox(t, g, res)
	})
}

// TestEnumMixedContainsLCP cross-checks two methods: every equilibrium
// Lemke–Howson reaches (lcp --all, exact) is extreme, so enummixed must
// list it.
func TestEnumMixedContainsLCP(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		shape := []int{rapid.IntRange(1, 5).Draw(t, "m"), rapid.IntRange(1, 5).Draw(t, "n")}
		values := rapid.SampledFrom([][]int64{{0, 1, 2}, nil}).Draw(t, "values")
		g := randomGame(t, shape, values)
		em, err := EnumMixed(context.Background(), g, Options{Rational: true})
		if err != nil {
			t.Fatal(err)
		}
		set := map[string]bool{}
		for _, e := range em.Equilibria {
			set[ratKey(flatExact(e))] = true
		}
		lc, err := LCP(context.Background(), g, Options{Rational: true, All: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range lc.Equilibria {
			if e.Exact == nil {
				t.Fatalf("lcp --rational returned a float profile")
			}
			if k := ratKey(flatExact(e)); !set[k] {
				t.Fatalf("lcp's equilibrium %s is not among enummixed's %d", k, len(set))
			}
		}
	})
}

// TestApproxMethodsFindExtremeEquilibria: in a nondegenerate 2-player game
// every equilibrium is extreme, so what logit and simpdiv end at must be
// one of enummixed's equilibria. Payoffs lie in [-50, 50]: with payoffs
// spanning 1e5, regret 1e-8 of the range can be far from any equilibrium
// in probabilities, and the methods promise only the regret.
func TestApproxMethodsFindExtremeEquilibria(t *testing.T) {
	checked := 0
	rapid.Check(t, func(t *rapid.T) {
		shape := []int{rapid.IntRange(1, 5).Draw(t, "m"), rapid.IntRange(1, 5).Draw(t, "n")}
		g := randomGame(t, shape, []int64{wideLo, 50})
		em, err := EnumMixed(context.Background(), g, Options{Rational: true})
		if err != nil {
			t.Fatal(err)
		}
		if em.Stats["degenerate"] != 0 {
			return
		}
		checked++
		for _, m := range []func(context.Context, *game.Strategic, Options) (*Result, error){Logit, SimpDiv} {
			res, err := m(context.Background(), g, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := flatFloat(res.Equilibria[0])
			found := false
			for _, e := range em.Equilibria {
				found = found || maxDiff(got, flatFloat(e)) <= 1e-8
			}
			if !found {
				t.Fatalf("%s ends at %v, not an extreme equilibrium", res.Method, res.Equilibria[0].Profile)
			}
		}
	})
	if checked == 0 {
		t.Error("no nondegenerate game drawn")
	}
	t.Logf("%d nondegenerate games", checked)
}
