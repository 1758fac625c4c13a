package equilibrium

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/markov"
)

// mpeTestGame builds a Game with one utility component (weight 1 for every
// actor) from a compact description, for the MPE tests.
type mpeTestState struct {
	id       string
	terminal bool
	entry    []float64 // per actor, terminal only
	avail    [][]int   // per actor, global action indices
	// flow[j] per actor and next[j] successor distribution, per joint j
	flow [][]float64
	next [][]markov.Next
}

func mpeTestGame(actors []string, disc []float64, actions [][]string, states []mpeTestState) *markov.Game {
	nA := len(actors)
	g := &markov.Game{Components: []string{"u"}, Actions: actions}
	for a, id := range actors {
		g.Actors = append(g.Actors, markov.Actor{ID: id, Discount: disc[a], Weights: []float64{1}})
	}
	for _, st := range states {
		g.States = append(g.States, markov.State{ID: st.id, Terminal: st.terminal})
		if st.terminal {
			g.Avail = append(g.Avail, nil)
			g.Trans = append(g.Trans, nil)
			g.Flow = append(g.Flow, nil)
			g.Entry = append(g.Entry, append([]float64(nil), st.entry...))
			continue
		}
		g.Avail = append(g.Avail, st.avail)
		g.Trans = append(g.Trans, st.next)
		fl := make([][]float64, len(st.flow))
		for j := range st.flow {
			fl[j] = append([]float64(nil), st.flow[j]...)
			if len(fl[j]) != nA {
				panic("bad test game")
			}
		}
		g.Flow = append(g.Flow, fl)
		g.Entry = append(g.Entry, nil)
	}
	return g
}

func mpeTo(s int) []markov.Next { return []markov.Next{{State: s, P: 1}} }

// mpeShapleyGame is a two-state zero-sum stochastic game whose value we
// derive by hand (the construction is of the kind in Shapley 1953, §3).
//
// State s2 is a sink where P1 wins 1 per step: V(s2) = 1/(1−δ) = 2 for
// δ = 1/2. In s1, P1 picks T/B and P2 picks L/R:
//
//	(T,L): P1 gets 3, stay in s1     (T,R): 0, move to s2
//	(B,L): 0, move to s2             (B,R): 2, stay in s1
//
// With x = δV(s1) = V(s1)/2 and δV(s2) = 1 the stage game of s1 is
// [[3+x, 1], [1, 2+x]], which has no saddle point for x ≥ 0, so its value
// is (ad−bc)/(a+d−b−c) = ((3+x)(2+x)−1)/(2x+3). Shapley's equation
// V(s1) = 2x = ((3+x)(2+x)−1)/(2x+3) gives 3x² + x − 5 = 0, so
// x = (√61 − 1)/6 and V(s1) = (√61 − 1)/3 ≈ 2.2701. Both players put
// (d−c)/(a+d−b−c) = (1+x)/(2x+3) on T (resp. L).
func mpeShapleyGame() *markov.Game {
	return mpeTestGame([]string{"P1", "P2"}, []float64{0.5, 0.5},
		[][]string{{"T", "B", "wait"}, {"L", "R", "wait"}},
		[]mpeTestState{
			{id: "s1", avail: [][]int{{0, 1}, {0, 1}},
				flow: [][]float64{{3, -3}, {0, 0}, {0, 0}, {2, -2}},
				next: [][]markov.Next{mpeTo(0), mpeTo(1), mpeTo(1), mpeTo(0)}},
			{id: "s2", avail: [][]int{{2}, {2}},
				flow: [][]float64{{1, -1}},
				next: [][]markov.Next{mpeTo(1)}},
		})
}

// mpeCheckEquilibrium re-checks a converged result with the independent
// one-shot deviation computation.
func mpeCheckEquilibrium(t *testing.T, g *markov.Game, r *Result, tol float64) {
	t.Helper()
	if !r.Converged {
		t.Fatalf("%s did not converge: %s (gain %g)", r.Method, r.Reason, r.MaxDeviationGain)
	}
	if r.MaxDeviationGain > tol {
		t.Fatalf("%s: reported certificate %g > %g", r.Method, r.MaxDeviationGain, tol)
	}
	gain, err := OneShotGain(g, r.Profile(g))
	if err != nil {
		t.Fatal(err)
	}
	if gain > tol {
		t.Fatalf("%s: independent one-shot gain %g > %g (solver said %g)", r.Method, gain, tol, r.MaxDeviationGain)
	}
}

func TestSolveShapleyTwoStateValue(t *testing.T) {
	g := mpeShapleyGame()
	x := (math.Sqrt(61) - 1) / 6
	wantV := 2 * x
	wantP := (1 + x) / (2*x + 3)
	for _, method := range []string{"shapley", "auto", "homotopy", "iterate"} {
		t.Run(method, func(t *testing.T) {
			r, err := Solve(context.Background(), g, Options{Method: method})
			if err != nil {
				t.Fatal(err)
			}
			mpeCheckEquilibrium(t, g, r, 1e-9)
			if method == "auto" && r.Method != "shapley" {
				t.Errorf("auto used %s on a zero-sum game, want shapley", r.Method)
			}
			if d := math.Abs(r.Values[0][0] - wantV); d > 1e-9 {
				t.Errorf("V(s1) = %.15g, want %.15g (off by %g)", r.Values[0][0], wantV, d)
			}
			if d := math.Abs(r.Values[1][0] + wantV); d > 1e-9 {
				t.Errorf("P2's V(s1) = %.15g, want %.15g", r.Values[1][0], -wantV)
			}
			if d := math.Abs(r.Values[0][1] - 2); d > 1e-9 {
				t.Errorf("V(s2) = %.15g, want 2", r.Values[0][1])
			}
			if d := math.Abs(r.Strategies[0][0][0] - wantP); d > 1e-9 {
				t.Errorf("P(T) = %.15g, want %.15g", r.Strategies[0][0][0], wantP)
			}
			if d := math.Abs(r.Strategies[1][0][0] - wantP); d > 1e-9 {
				t.Errorf("P(L) = %.15g, want %.15g", r.Strategies[1][0][0], wantP)
			}
		})
	}
}

func TestSolveShapleyRejectsGeneralSum(t *testing.T) {
	g := mpeWarOfAttrition(1, 5, 5, 0.9)
	if _, err := Solve(context.Background(), g, Options{Method: "shapley"}); err == nil {
		t.Fatal("shapley accepted a general-sum game")
	}
	if _, err := Solve(context.Background(), g, Options{Method: "bogus"}); err == nil {
		t.Fatal("unknown method accepted")
	}
}

// mpeWarOfAttrition: in state fight both choose stay/quit; both staying
// costs each c this step and the fight goes on; a lone quitter hands the
// other the prize (vA or vB, paid on entering the ending); both quitting
// ends in a draw worth 0.
func mpeWarOfAttrition(c, vA, vB, delta float64) *markov.Game {
	return mpeTestGame([]string{"A", "B"}, []float64{delta, delta},
		[][]string{{"stay", "quit"}, {"stay", "quit"}},
		[]mpeTestState{
			{id: "fight", avail: [][]int{{0, 1}, {0, 1}},
				// j = kA + 2 kB
				flow: [][]float64{{-c, -c}, {0, 0}, {0, 0}, {0, 0}},
				next: [][]markov.Next{mpeTo(0), mpeTo(2), mpeTo(1), mpeTo(3)}},
			{id: "A_wins", terminal: true, entry: []float64{vA, 0}},
			{id: "B_wins", terminal: true, entry: []float64{0, vB}},
			{id: "draw", terminal: true, entry: []float64{0, 0}},
		})
}

// In a war of attrition quitting is worth 0 whatever the other does, so in
// a mixed MPE the fight is worth 0 to both and staying must be worth 0
// too: with the other quitting with probability q, staying earns
// (1−q)(−c + δ·0) + q·δV = 0, i.e. q = c/(δV + c). With prizes vA, vB, A
// is kept indifferent by B's quitting probability q_B = c/(δ vA + c) and
// vice versa. The other MPEs are the two pure ones in which one side always
// stays and the other always quits. In a symmetric game the homotopy stays
// on the symmetric path and selects the mixed MPE; with different prizes the
// logit path bends to the pure MPE in which the side with less to win quits
// (TestHomotopyWarOfAttritionSelection checks that against an independent
// trace of the path).
func TestSolveWarOfAttrition(t *testing.T) {
	cases := []struct{ c, vA, vB, delta float64 }{
		{1, 5, 5, 0.9},
		{2, 10, 10, 0.95},
		{0.5, 3, 3, 0.5},
		{1, 1, 1, 0},
		{3, 4, 4, 0.99},
		{1, 5, 8, 0.9},
		{0.2, 2, 7, 0.8},
	}
	for _, tc := range cases {
		g := mpeWarOfAttrition(tc.c, tc.vA, tc.vB, tc.delta)
		qA := tc.c / (tc.delta*tc.vB + tc.c) // A's quitting probability keeps B indifferent
		qB := tc.c / (tc.delta*tc.vA + tc.c)
		for _, method := range []string{"homotopy", "iterate", "auto"} {
			t.Run(fmt.Sprintf("c=%v,V=%v/%v,δ=%v/%s", tc.c, tc.vA, tc.vB, tc.delta, method), func(t *testing.T) {
				r, err := Solve(context.Background(), g, Options{Method: method})
				if err != nil {
					t.Fatal(err)
				}
				mpeCheckEquilibrium(t, g, r, 1e-9)
				gotA, gotB := r.Strategies[0][0][1], r.Strategies[1][0][1]
				mixed := math.Abs(gotA-qA) <= 1e-9 && math.Abs(gotB-qB) <= 1e-9
				pureA := gotA == 0 && gotB == 1 // A stays, B quits
				pureB := gotA == 1 && gotB == 0
				if method == "homotopy" && tc.vA == tc.vB && !mixed {
					t.Fatalf("homotopy quit probabilities %.12g, %.12g; want the mixed MPE %.12g, %.12g", gotA, gotB, qA, qB)
				}
				if !mixed && !pureA && !pureB {
					t.Fatalf("quit probabilities %.12g, %.12g are none of the known MPEs", gotA, gotB)
				}
				if mixed {
					for a := 0; a < 2; a++ {
						if math.Abs(r.Values[a][0]) > 1e-9 {
							t.Errorf("actor %d's value of the fight %g, want 0", a, r.Values[a][0])
						}
					}
				}
			})
		}
	}
}

// OneShotGain is checked against a hand computation: if both always stay,
// the fight is worth −c/(1−δ) and quitting once is worth 0, a gain of
// c/(1−δ).
func TestOneShotGainNonEquilibrium(t *testing.T) {
	g := mpeWarOfAttrition(1, 5, 5, 0.9)
	stay := markov.Strategy{Base: [][]float64{{1, 0}, nil, nil, nil}}
	gain, err := OneShotGain(g, markov.Profile{stay, stay})
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 / (1 - 0.9); math.Abs(gain-want) > 1e-9 {
		t.Fatalf("gain %g, want %g", gain, want)
	}
	if _, err := OneShotGain(g, markov.Profile{stay}); err == nil {
		t.Fatal("profile with too few strategies accepted")
	}
	bad := markov.Strategy{Base: [][]float64{{0.5, 0.6}, nil, nil, nil}}
	if _, err := OneShotGain(g, markov.Profile{bad, stay}); err == nil {
		t.Fatal("distribution summing to 1.1 accepted")
	}
}

// A game whose states pass through several actors with more actions:
// three actors each choose among three actions in two states.
func TestSolveThreeActors(t *testing.T) {
	g := mpeRandomGame(7, 4, 3, 3, 0.9)
	for _, method := range []string{"homotopy", "iterate"} {
		t.Run(method, func(t *testing.T) {
			r, err := Solve(context.Background(), g, Options{Method: method})
			if err != nil {
				t.Fatal(err)
			}
			mpeCheckEquilibrium(t, g, r, 1e-9)
		})
	}
}

func TestSolveCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g := mpeRandomGame(3, 10, 2, 3, 0.95)
	for _, method := range []string{"homotopy", "iterate"} {
		r, err := Solve(ctx, g, Options{Method: method})
		if err == nil && r.Converged {
			t.Fatalf("%s: cancelled solve reported an equilibrium", method)
		}
	}
}

// A method stopped before it converges says so, and its last profile is
// indeed not an equilibrium by the independent check.
func TestSolveReportsNonConvergence(t *testing.T) {
	g := mpeRandomGame(5, 20, 2, 4, 0.9)
	for _, method := range []string{"homotopy", "iterate"} {
		r, err := Solve(context.Background(), g, Options{Method: method, MaxIter: 2})
		if err != nil {
			t.Fatal(err)
		}
		if r.Converged || r.Reason == "" {
			t.Fatalf("%s after 2 iterations: converged %v, reason %q", method, r.Converged, r.Reason)
		}
		gain, err := OneShotGain(g, r.Profile(g))
		if err != nil {
			t.Fatal(err)
		}
		if gain <= 1e-9 || math.Abs(gain-r.MaxDeviationGain) > 1e-9*(1+gain) {
			t.Errorf("%s: independent gain %g, reported %g", method, gain, r.MaxDeviationGain)
		}
	}
}

// A game whose homotopy Jacobian is over the memory budget is refused
// before anything is allocated, with the size and what to do instead
// (#11: 3 actors × 20 actions × 200 states asked for 1.27 GB); auto falls
// back to value iteration and says why; a cancelled context stops it.
func TestSolveMemoryBudget(t *testing.T) {
	g := mpeRandomGame(1, 50, 3, 20, 0.9) // Jacobian (3·21·50+1)² floats: 79 MB
	ctx := budget.WithLimit(context.Background(), 32<<20)
	_, err := Solve(ctx, g, Options{Method: "homotopy"})
	var be *budget.ExceededError
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "3151 × 3151") || !strings.Contains(err.Error(), "--method iterate") {
		t.Fatalf("homotopy over budget: %v", err)
	}
	cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	r, err := Solve(cctx, g, Options{})
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("auto took %v after its context ended", took)
	}
	// Whichever way auto ends, the homotopy's refusal is kept: in the
	// error (which still says the time limit ended the run), or in the
	// reason of the last profile.
	if err != nil {
		if !errors.As(err, &be) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "3151 × 3151") {
			t.Fatalf("auto: %v", err)
		}
	} else if r.Converged || !strings.Contains(r.Reason, "3151 × 3151") {
		t.Fatalf("auto: converged %v, reason %q", r.Converged, r.Reason)
	}
	// the payoff tables themselves are checked too
	tiny := budget.WithLimit(context.Background(), 1<<20)
	if _, err := Solve(tiny, g, Options{Method: "iterate"}); !errors.As(err, &be) {
		t.Fatalf("iterate with 1 MiB: %v", err)
	}
	if _, err := SolveAll(tiny, g, SetOptions{}); !errors.As(err, &be) {
		t.Fatalf("solve all with 1 MiB: %v", err)
	}
}

// Plain value iteration cycled on these random games (the stage
// equilibria chosen for the values earn values that select others); the
// damped iteration converges, and the independent one-shot check agrees.
func TestIterateDampingEndsCycles(t *testing.T) {
	for _, c := range []struct {
		seed      uint64
		nS, nA, K int
	}{{8, 10, 2, 3}, {8, 8, 3, 2}} {
		g := mpeRandomGame(c.seed, c.nS, c.nA, c.K, 0.9)
		r, err := Solve(context.Background(), g, Options{Method: "iterate", MaxIter: 3000})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Converged {
			t.Fatalf("%d×%d×%d seed %d: %s", c.nS, c.nA, c.K, c.seed, r.Reason)
		}
		gain, err := OneShotGain(g, r.Profile(g))
		if err != nil {
			t.Fatal(err)
		}
		if gain > 1e-8 {
			t.Fatalf("%d×%d×%d seed %d: one-shot gain %g", c.nS, c.nA, c.K, c.seed, gain)
		}
	}
}
