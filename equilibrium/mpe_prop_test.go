package equilibrium

import (
	"context"
	"fmt"
	"testing"

	"github.com/truce-dev/truce/markov"
	"pgregory.net/rapid"
)

// mpeDrawGame draws a small game: 1–3 non-terminal states and one terminal
// state, 2–3 actors with 1–3 actions per state, small integer payoffs (so
// that degenerate stage games with ties come up often), random
// transitions. zeroSum makes two actors' payoffs opposite.
func mpeDrawGame(t *rapid.T, zeroSum bool) *markov.Game {
	nS := rapid.IntRange(1, 3).Draw(t, "states")
	nA := 2
	if !zeroSum {
		nA = rapid.IntRange(2, 3).Draw(t, "actors")
	}
	delta := rapid.SampledFrom([]float64{0, 0.5, 0.9, 0.95}).Draw(t, "discount")
	g := &markov.Game{Components: []string{"u"}}
	for a := 0; a < nA; a++ {
		g.Actors = append(g.Actors, markov.Actor{ID: fmt.Sprintf("P%d", a), Discount: delta, Weights: []float64{1}})
		g.Actions = append(g.Actions, []string{"x", "y", "z"})
	}
	pay := rapid.IntRange(-3, 3)
	for s := 0; s < nS; s++ {
		g.States = append(g.States, markov.State{ID: fmt.Sprintf("s%d", s)})
		av := make([][]int, nA)
		nj := 1
		for a := range av {
			k := rapid.IntRange(1, 3).Draw(t, "actions")
			for i := 0; i < k; i++ {
				av[a] = append(av[a], i)
			}
			nj *= k
		}
		g.Avail = append(g.Avail, av)
		fl := make([][]float64, nj)
		tr := make([][]markov.Next, nj)
		for j := 0; j < nj; j++ {
			fl[j] = make([]float64, nA)
			for a := range fl[j] {
				fl[j][a] = float64(pay.Draw(t, "flow"))
			}
			if zeroSum {
				fl[j][1] = -fl[j][0]
			}
			to := rapid.IntRange(0, nS).Draw(t, "to") // nS = the terminal state
			if rapid.Bool().Draw(t, "split") {
				other := rapid.IntRange(0, nS).Draw(t, "to2")
				tr[j] = []markov.Next{{State: to, P: 0.5}, {State: other, P: 0.5}}
			} else {
				tr[j] = []markov.Next{{State: to, P: 1}}
			}
		}
		g.Flow = append(g.Flow, fl)
		g.Trans = append(g.Trans, tr)
		g.Entry = append(g.Entry, nil)
	}
	g.States = append(g.States, markov.State{ID: "end", Terminal: true})
	g.Avail = append(g.Avail, nil)
	g.Trans = append(g.Trans, nil)
	g.Flow = append(g.Flow, nil)
	e := make([]float64, nA)
	for a := range e {
		e[a] = float64(pay.Draw(t, "entry"))
	}
	if zeroSum {
		e[1] = -e[0]
	}
	g.Entry = append(g.Entry, e)
	return g
}

// Whenever a method says it converged, the independent one-shot deviation
// check agrees that the profile is an MPE.
func TestSolveConvergedIsEquilibrium(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := mpeDrawGame(t, false)
		method := rapid.SampledFrom([]string{"auto", "iterate", "homotopy", "policy"}).Draw(t, "method")
		r, err := Solve(context.Background(), g, Options{Method: method, MaxIter: 3000})
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		gain, err := OneShotGain(g, r.Profile(g))
		if err != nil {
			t.Fatal(err)
		}
		if r.Converged && gain > 1e-8 {
			t.Fatalf("%s converged but one-shot gain is %g (solver said %g)", r.Method, gain, r.MaxDeviationGain)
		}
		if !r.Converged && r.Reason == "" {
			t.Fatalf("%s: not converged and no reason given", r.Method)
		}
	})
}

// Shapley's iteration always converges on zero-sum games (it is a
// contraction), so every draw must give a certified equilibrium.
func TestSolveShapleyAlwaysConverges(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := mpeDrawGame(t, true)
		r, err := Solve(context.Background(), g, Options{Method: "shapley"})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Converged {
			t.Fatalf("shapley did not converge: %s", r.Reason)
		}
		gain, err := OneShotGain(g, r.Profile(g))
		if err != nil {
			t.Fatal(err)
		}
		if gain > 1e-8 {
			t.Fatalf("one-shot gain %g", gain)
		}
		for s := range g.States {
			if d := r.Values[0][s] + r.Values[1][s]; d > 1e-9 || d < -1e-9 {
				t.Fatalf("values of state %d do not sum to zero: %g", s, d)
			}
		}
	})
}

// auto tries Shapley (zero-sum games), the homotopy and value iteration in
// turn: on every drawn game where any single method converges, auto must
// converge too, and its profile must pass the independent one-shot check.
func TestSolveAutoConvergesWhereAnyMethodDoes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := mpeDrawGame(t, rapid.Bool().Draw(t, "zeroSum"))
		auto, err := Solve(context.Background(), g, Options{})
		if err != nil {
			t.Fatalf("auto: %v", err)
		}
		gain, err := OneShotGain(g, auto.Profile(g))
		if err != nil {
			t.Fatal(err)
		}
		if auto.Converged {
			if gain > 1e-8 {
				t.Fatalf("auto (%s) converged but the one-shot gain is %g", auto.Method, gain)
			}
			return
		}
		for _, method := range []string{"homotopy", "iterate", "shapley", "policy"} {
			r, err := Solve(context.Background(), g, Options{Method: method})
			if err != nil {
				continue // shapley on a general-sum game
			}
			if r.Converged {
				t.Fatalf("auto did not converge (%s) but %s did", auto.Reason, method)
			}
		}
	})
}
