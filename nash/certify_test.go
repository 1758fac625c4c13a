package nash

import (
	"context"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/truce-dev/truce/game"
)

// overflowGame is a 2×2 game whose payoffs span more than float64 can
// hold (the readers refuse such files; a program can still build one):
// every difference of payoffs is ±Inf, so a regret cannot be computed.
func overflowGame(t *testing.T, exact bool) *game.Strategic {
	t.Helper()
	g, err := game.NewStrategic([]string{"1", "2"}, [][]string{{"a", "b"}, {"c", "d"}})
	if err != nil {
		t.Fatal(err)
	}
	vals := []float64{1.7e308, -1.7e308, -1.7e308, 1.7e308, -1.7e308, 1.7e308, 1.7e308, -1.7e308}
	for i, v := range vals {
		if exact {
			g.SetPayoff(i/2, i%2, new(big.Rat).SetFloat64(v))
		} else {
			g.SetPayoffFloat(i/2, i%2, v)
		}
	}
	return g
}

// No method may return a profile it cannot certify as an equilibrium:
// on a game where regrets overflow, a method either finds a profile
// whose regret is computable or says the run is incomplete.
func TestMethodsNeverCertifyWhatTheyCannotCheck(t *testing.T) {
	methods := map[string]func(context.Context, *game.Strategic, Options) (*Result, error){
		"enumpure": EnumPure, "enummixed": EnumMixed, "lcp": LCP, "logit": Logit, "simpdiv": SimpDiv,
	}
	for _, exact := range []bool{false, true} {
		g := overflowGame(t, exact)
		for name, m := range methods {
			res, err := m(context.Background(), g, Options{Rational: exact})
			if err != nil {
				continue // refusing is fine
			}
			for _, eq := range res.Equilibria {
				if math.IsNaN(eq.Regret) || math.IsInf(eq.Regret, 0) {
					t.Errorf("%s (exact %v): profile %v with regret %v returned", name, exact, eq.Profile, eq.Regret)
				}
				if !eq.Approximate && !(eq.Regret <= Tolerance(g.PayoffBounds())) {
					t.Errorf("%s: profile %v with regret %v not marked approximate", name, eq.Profile, eq.Regret)
				}
			}
			if res.Complete && len(res.Equilibria) == 0 && name != "enumpure" {
				t.Errorf("%s (exact %v): complete with nothing found", name, exact)
			}
			t.Logf("%s exact %v: %d profiles, complete %v: %s", name, exact, len(res.Equilibria), res.Complete, res.Reason)
		}
	}
}

// Regret is not finite when the arithmetic overflows, so no tolerance
// check can pass a profile it could not measure; where the sums do not
// overflow it is exact (the centre of this matching-pennies game is its
// equilibrium).
func TestRegretOverflow(t *testing.T) {
	g := overflowGame(t, false)
	if r := g.Regret([][]float64{{0, 1}, {1, 0}}); !math.IsInf(r, 1) {
		t.Fatalf("regret %v, want +Inf", r)
	}
	if r := g.Regret([][]float64{{0.5, 0.5}, {0.5, 0.5}}); r != 0 {
		t.Fatalf("regret at the centre %v, want 0", r)
	}
}

// A method stopped by its context says why in Result.Err and in words.
func TestCertifyStopReasons(t *testing.T) {
	g := overflowGame(t, true)
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	<-ctx.Done()
	res, err := EnumPure(ctx, g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Complete || res.Err != context.DeadlineExceeded || !strings.HasPrefix(res.Reason, "time limit reached") {
		t.Fatalf("complete %v, err %v, reason %q", res.Complete, res.Err, res.Reason)
	}
}

// The certificate names what is wrong with a profile it drops: an
// overflow (NaN, infinite) is "not finite"; negative probabilities or a
// mix not summing to 1 is "not probability distributions" and must not be
// blamed on an overflow.
func TestCertifyProfileFaults(t *testing.T) {
	g, err := game.NewStrategic([]string{"1", "2"}, [][]string{{"a", "b"}, {"c", "d"}})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range []float64{1, 0, 0, 1, 0, 1, 1, 0} {
		g.SetPayoffFloat(i/2, i%2, v)
	}
	for _, c := range []struct {
		name      string
		prof      [][]float64
		want, not string
	}{
		{"sum above one", [][]float64{{0.536, 0.5}, {0.5, 0.5}}, "1 profile(s) found were not probability distributions", "not finite"},
		{"negative", [][]float64{{1.2, -0.2}, {0.5, 0.5}}, "not probability distributions", "not finite"},
		{"NaN", [][]float64{{math.NaN(), 1}, {0.5, 0.5}}, "1 profile(s) found were not finite", "probability distributions"},
		{"NaN beats a bad sum", [][]float64{{0.9, 0.5}, {math.Inf(1), 0}}, "not finite", "probability distributions"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := &Result{Method: "ipa", Complete: true, Equilibria: []Equilibrium{
				{Profile: c.prof, Regret: g.Regret(c.prof)},
				{Profile: [][]float64{{0.5, 0.5}, {0.5, 0.5}}, Regret: 0},
			}}
			var err error
			certifyGame(context.Background(), "ipa", g, &res, &err)
			if res.Complete || res.Err != ErrNotCertified {
				t.Fatalf("complete %v, err %v: a dropped profile must make the run incomplete", res.Complete, res.Err)
			}
			if len(res.Equilibria) != 1 {
				t.Fatalf("%d profiles kept, want the one equilibrium", len(res.Equilibria))
			}
			if !strings.Contains(res.Reason, c.want) || strings.Contains(res.Reason, c.not) {
				t.Fatalf("reason %q: want %q, not %q", res.Reason, c.want, c.not)
			}
		})
	}
	// A behaviour profile leaving an unreached information set all zero is
	// a profile; one summing to 0.5 is not.
	if f := probsFault([]float64{0, 0}, true); f != profileOK {
		t.Errorf("empty information set: fault %v", f)
	}
	if f := probsFault([]float64{0.25, 0.25}, true); f != profileNotDistribution {
		t.Errorf("half mix: fault %v", f)
	}
}
