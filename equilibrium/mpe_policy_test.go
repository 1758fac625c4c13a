package equilibrium

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// A game on which value iteration cycles (damped to 1/64, no convergence in
// 3,000 sweeps) and policy iteration from uniform play certifies an
// equilibrium; the independent one-shot check confirms it.
func TestPolicyIterationWhereValueIterationCycles(t *testing.T) {
	ctx := context.Background()
	g := mpeRandomGame(6, 6, 2, 2, 0.9)
	it, err := Solve(ctx, g, Options{Method: "iterate", MaxIter: 3000})
	if err != nil {
		t.Fatal(err)
	}
	if it.Converged {
		t.Fatalf("value iteration converged (%d sweeps): the game no longer tests the fallback", it.Iterations)
	}
	r, err := Solve(ctx, g, Options{Method: "policy"})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Converged || r.Method != "policy iteration" {
		t.Fatalf("policy iteration: converged %v (%s): %s", r.Converged, r.Method, r.Reason)
	}
	mpeCheckEquilibrium(t, g, r, 1e-9)
}

// A game on which policy iteration cycles: it stops at the cycle (not at
// its iteration cap), says so, and does not claim an equilibrium; the
// profile it returns carries its true one-shot gain.
func TestPolicyIterationCycleReported(t *testing.T) {
	ctx := context.Background()
	g := mpeRandomGame(44, 6, 2, 2, 0.9)
	r, err := Solve(ctx, g, Options{Method: "policy"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Converged || !strings.Contains(r.Reason, "cycles with period") || r.Iterations >= mpePolicyMaxIter {
		t.Fatalf("policy iteration: converged %v after %d iterations: %s", r.Converged, r.Iterations, r.Reason)
	}
	gain, err := OneShotGain(g, r.Profile(g))
	if err != nil {
		t.Fatal(err)
	}
	if gain <= 1e-9 {
		t.Fatalf("policy iteration reports no convergence, but its profile's one-shot gain is %g", gain)
	}
}

// auto with its path paused early (as on a large game): on the game where
// value iteration cycles, policy iteration answers, and the result says
// that it, not the path's limit, selected the equilibrium.
func TestAutoPolicyIterationFallback(t *testing.T) {
	g := mpeRandomGame(6, 6, 2, 2, 0.9)
	r, err := Solve(context.Background(), g, Options{autoFirstSteps: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Converged || r.Method != "policy iteration" || !strings.Contains(r.Reason, "selected by policy iteration from ") ||
		!strings.Contains(r.Reason, "not by the logit path's limit") {
		t.Fatalf("auto: converged %v by %s: %s", r.Converged, r.Method, r.Reason)
	}
	mpeCheckEquilibrium(t, g, r, 1e-9)
}

// auto with its path paused early, on a game where policy iteration cycles
// from both starts, plain and damped, and value iteration cycles too: the path, resumed,
// still answers, with the equilibrium the homotopy alone selects.
func TestAutoHomotopyAfterPolicyIterationFails(t *testing.T) {
	ctx := context.Background()
	g := mpeRandomGame(44, 6, 2, 2, 0.9)
	alone, err := Solve(ctx, g, Options{Method: "homotopy"})
	if err != nil || !alone.Converged {
		t.Fatalf("homotopy: %v %+v", err, alone)
	}
	m, err := newMPEModel(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	p, err := mpeTraceStart(m, Options{Tol: mpeDefaultTol}, nil)
	if err != nil {
		t.Fatal(err)
	}
	at, _, _ := p.advance(ctx, 5)
	for _, beta := range mpeAutoPolicyDamping {
		for _, start := range [][][][]float64{at, nil} {
			if r, err := mpePolicyIterateDamped(ctx, m, Options{Tol: mpeDefaultTol}, start, mpeAutoPolicyIters(m), beta); err != nil || r.Converged {
				t.Fatalf("policy iteration (values damped by %g) converged (%v): the game no longer tests the fallback", beta, err)
			}
		}
	}
	r, err := Solve(ctx, g, Options{autoFirstSteps: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Converged || r.Method != "homotopy" || !mpeSame(r.Strategies, alone.Strategies) {
		t.Fatalf("auto: converged %v by %s (%s), the homotopy's equilibrium: %v", r.Converged, r.Method, r.Reason, mpeSame(r.Strategies, alone.Strategies))
	}
}

// policyValues (LAPACK's LU, no condition estimate) and
// policyValuesSparse (Gauss–Seidel sweeps, from zero and from the values
// of uniform play) give the values evaluate gives (gonum's solve), to
// rounding, on a random profile of a
// random game, the terminal state's entry payoffs included.
func TestPolicyValuesMatchEvaluate(t *testing.T) {
	ctx := context.Background()
	m, err := newMPEModel(ctx, mpeRandomGame(3, 40, 3, 2, 0.95))
	if err != nil {
		t.Fatal(err)
	}
	sig := m.uniform()
	r := rand.New(rand.NewPCG(7, 7))
	for a := range sig {
		for _, s := range m.nt {
			tot := 0.0
			for k := range sig[a][s] {
				sig[a][s][k] = r.Float64()
				tot += sig[a][s][k]
			}
			for k := range sig[a][s] {
				sig[a][s][k] /= tot
			}
		}
	}
	want, err := m.evaluate(sig)
	if err != nil {
		t.Fatal(err)
	}
	var lu mpeLU
	for rep := 0; rep < 4; rep++ { // rep 1: policyValues on reused storage
		var got [][]float64
		var err error
		switch rep {
		case 0, 1:
			got, err = m.policyValues(sig, &lu)
		case 2: // sparse sweeps from zero
			got, err = m.policyValuesSparse(sig, nil)
		case 3: // sparse sweeps from other values
			var warm [][]float64
			if warm, err = m.evaluate(m.uniform()); err == nil {
				got, err = m.policyValuesSparse(sig, warm)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		for a := range want {
			for s := range want[a] {
				if d := math.Abs(got[a][s] - want[a][s]); d > 1e-12*(1+math.Abs(want[a][s])) {
					t.Fatalf("actor %d state %d: %v, evaluate %v", a, s, got[a][s], want[a][s])
				}
			}
		}
	}
}

// The closed-form 2×2 stage solver picks the equilibrium the general one
// (mpeStageDefault: prev's supports first, else the closest) picks, to
// rounding, on random games and previous plays (pure, mixed, uniform, and
// the previous answer, as in an iteration), and leaves games with ties to
// the general solver.
func TestStage2x2MatchesStageDefault(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(2, 2))
	shape := []int{2, 2}
	prevs := [][][]float64{{{1, 0}, {1, 0}}, {{0, 1}, {1, 0}}, {{1, 0}, {0, 1}}, {{0, 1}, {0, 1}}, {{0.5, 0.5}, {0.5, 0.5}}}
	mixedSeen := 0
	for n := 0; n < 3000; n++ {
		u := make([]float64, 8)
		for i := range u {
			u[i] = 4*r.Float64() - 2
		}
		p := r.Float64()
		prev := append(prevs, [][]float64{{p, 1 - p}, {1 - p, p}})
		for _, pv := range prev {
			got := mpeStage2x2(shape, u, pv)
			want, err := mpeStageDefault(ctx, shape, u, pv)
			if err != nil || got == nil {
				t.Fatalf("game %v, prev %v: closed form %v, general %v (%v)", u, pv, got, want, err)
			}
			for a := range want {
				for k := range want[a] {
					if math.Abs(got[a][k]-want[a][k]) > 1e-9 {
						t.Fatalf("game %v, prev %v: closed form %v, general %v", u, pv, got, want)
					}
				}
			}
			if min(got[0][0], got[0][1]) > 0 {
				mixedSeen++
			}
		}
	}
	if mixedSeen == 0 {
		t.Fatal("no mixed equilibrium among the draws")
	}
	tie := []float64{1, 0, 1, 0, 0, 1, 0, 1} // actor 0 indifferent against the other's first action
	if mpeStage2x2(shape, tie, prevs[0]) != nil {
		t.Fatal("a game with ties is not left to the general solver")
	}
	if mpeStage2x2([]int{2, 3}, make([]float64, 12), prevs[0]) != nil {
		t.Fatal("a 2×3 game is not left to the general solver")
	}
}

// Damping the values the stage games are solved at changes the cycles:
// on this game plain policy iteration cycles (period 3) and the damped one
// (auto's later runs) certifies an equilibrium.
func TestPolicyIterationDampedEndsCycle(t *testing.T) {
	ctx := context.Background()
	g := mpeRandomGame(16, 6, 2, 2, 0.9)
	m, err := newMPEModel(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := mpePolicyIterate(ctx, m, Options{Tol: mpeDefaultTol}, nil, mpeAutoPolicyIter)
	if err != nil || plain.Converged || !strings.Contains(plain.Reason, "cycles with period 3") {
		t.Fatalf("plain policy iteration: %v, converged %v: %s", err, plain.Converged, plain.Reason)
	}
	r, err := mpePolicyIterateDamped(ctx, m, Options{Tol: mpeDefaultTol}, nil, mpeAutoPolicyIter, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	mpeCheckEquilibrium(t, g, r, 1e-9)
}

// Near an equilibrium whose supports have settled, policy iteration
// polishes its profile on them: on this 10-state game plain policy
// iteration from uniform play, polish turned off, does not certify an
// equilibrium in 200 iterations, and with it does, after a few.
func TestPolicyIterationPolishesSettledSupports(t *testing.T) {
	ctx := context.Background()
	g := mpeRandomGame(276, 10, 2, 2, 0.9)
	m, err := newMPEModel(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	without, err := mpePolicyIterate(ctx, m, Options{Tol: mpeDefaultTol, policyNoPolish: true}, nil, mpeAutoPolicyIter)
	if err != nil || without.Converged {
		t.Fatalf("without the polish: %v, converged %v: the game no longer tests it", err, without != nil && without.Converged)
	}
	r, err := mpePolicyIterate(ctx, m, Options{Tol: mpeDefaultTol}, nil, mpeAutoPolicyIter)
	if err != nil {
		t.Fatal(err)
	}
	mpeCheckEquilibrium(t, g, r, 1e-9)
	if r.Iterations >= 20 {
		t.Fatalf("certified after %d iterations: not by the polish of settled supports", r.Iterations)
	}
}

// auto's later runs of policy iteration, damped by ½ and ⅒: on this
// 10-state game, its path paused after 5 steps, the four runs plain and
// damped by ¼ fail and the first damped by ½ certifies an equilibrium,
// which auto returns and says so.
func TestAutoPolicyIterationLaterDamping(t *testing.T) {
	g := mpeRandomGame(189, 10, 2, 2, 0.9)
	r, err := Solve(context.Background(), g, Options{autoFirstSteps: 5})
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "policy iteration" || !strings.HasPrefix(r.Reason, "selected by policy iteration from the logit path's point after 5 steps with values damped by 0.5, not by the logit path's limit") {
		t.Fatalf("auto: converged %v by %s: %s", r.Converged, r.Method, r.Reason)
	}
	mpeCheckEquilibrium(t, g, r, 1e-9)
}

// When the eight runs from the path's point and uniform play fail, auto
// runs policy iteration from random profiles of a fixed seed: on this
// 10-state game, its path paused after 5 steps, the second draw (damped
// by ¼) certifies an equilibrium, which auto returns and says so; the
// same run alone gives the same profile.
func TestAutoPolicyIterationRandomStarts(t *testing.T) {
	ctx := context.Background()
	g := mpeRandomGame(86, 10, 2, 2, 0.9)
	r, err := Solve(ctx, g, Options{autoFirstSteps: 5})
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "policy iteration" || !strings.HasPrefix(r.Reason, "selected by policy iteration from random play (draw 2 of seed 1) with values damped by 0.25, not by the logit path's limit") {
		t.Fatalf("auto: converged %v by %s: %s", r.Converged, r.Method, r.Reason)
	}
	mpeCheckEquilibrium(t, g, r, 1e-9)
	m, err := newMPEModel(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(mpeAutoPolicySeed, 0))
	m.randomPlay(rng)
	alone, err := mpePolicyIterateDamped(ctx, m, Options{Tol: mpeDefaultTol}, m.randomPlay(rng), mpeAutoPolicyIters(m), 0.25)
	if err != nil || !alone.Converged || !mpeSame(alone.Strategies, r.Strategies) {
		t.Fatalf("the second draw's run alone: %v, converged %v, same profile %v", err, alone != nil && alone.Converged, alone != nil && mpeSame(alone.Strategies, r.Strategies))
	}
}

// Games of three actors get auto's runs of policy iteration too, the
// damped ones first: on this 6-state three-actor game, its path paused
// after 5 steps, the run from the path's point damped by ½ fails and the
// one damped by ¼ certifies an equilibrium, which auto returns.
func TestAutoPolicyIterationThreeActors(t *testing.T) {
	g := mpeRandomGame(3, 6, 3, 2, 0.9)
	r, err := Solve(context.Background(), g, Options{autoFirstSteps: 5})
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "policy iteration" || !strings.HasPrefix(r.Reason, "selected by policy iteration from the logit path's point after 5 steps with values damped by 0.25, not by the logit path's limit") {
		t.Fatalf("auto: converged %v by %s: %s", r.Converged, r.Method, r.Reason)
	}
	mpeCheckEquilibrium(t, g, r, 1e-9)
}

// Sparse sweeps evaluate large games' profiles only where they are
// expected to cost less than the dense factorisations: a 400-state game
// at δ = 0.9 (about 330 sweeps), not at δ = 0.9999 (about 345,000), nor
// a 100-state game (dense work under mpePolicyDenseWork).
func TestPolicySparseChoice(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		states int
		delta  float64
		want   bool
	}{{400, 0.9, true}, {400, 0.9999, false}, {100, 0.9, false}} {
		m, err := newMPEModel(ctx, mpeRandomGame(1, c.states, 2, 2, c.delta))
		if err != nil {
			t.Fatal(err)
		}
		if got := m.policySparse(); got != c.want {
			t.Errorf("%d states, δ = %g: sparse %v, want %v", c.states, c.delta, got, c.want)
		}
	}
}
