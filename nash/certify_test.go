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
