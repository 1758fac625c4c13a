package equilibrium

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/truce-dev/truce/markov"
	"pgregory.net/rapid"
)

// bimatrix builds pay in Gambit order for a game where actor 0 (rows) has
// payoffs A and actor 1 (columns) B.
func bimatrix(A, B [][]float64) ([]int, []float64) {
	m, n := len(A), len(A[0])
	pay := make([]float64, 2*m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			pay[2*(i+j*m)] = A[i][j]
			pay[2*(i+j*m)+1] = B[i][j]
		}
	}
	return []int{m, n}, pay
}

// Closed forms for one-state games (played once: discount 0), leader the
// row player:
//
//   - the example of the kind Conitzer & Sandholm (2006) open with: rows
//     U, D; columns L, R; (U,L) = (1,1), (U,R) = (3,0), (D,L) = (0,0),
//     (D,R) = (2,1). U dominates D, so the Nash (and the pure
//     commitment) outcome is (U, L) worth 1; committing to U with
//     probability p leaves the follower L worth p against R worth 1 − p,
//     so any p ≤ 1/2 induces R (ties to the leader) and the leader gets
//     3p + 2(1 − p), best at p = 1/2: 2.5.
//   - an inspection game (Avenhaus, von Stengel & Zamir 2002): the
//     inspector inspects or not, the inspectee complies or violates.
//     Violating gains b = 2 if not inspected and costs d = 3 if inspected;
//     the inspector loses 1 to an undetected violation and pays e = 0.5 per
//     inspection. Committed to inspect with probability p, the inspectee
//     complies (ties to the leader) iff p(−d) + (1−p)b ≤ 0, i.e. p ≥
//     b/(b+d) = 0.4, so the leader inspects with probability 0.4 and gets
//     −e·0.4 = −0.2 (in the simultaneous game the inspectee violates with
//     positive probability and the inspector gets less).
//   - a three-action follower, to exercise several linear programs:
//     leader rows a, b; follower x, y, z with follower payoffs
//     x: (3, 0), y: (0, 3), z: (2, 2) and leader payoffs x: (4, 0),
//     y: (0, 4), z: (1, 1). z is a best response for p(a) ∈ [1/3, 2/3]
//     (2 ≥ 3p and 2 ≥ 3(1−p)); x needs p ≥ 2/3 (3p ≥ 2 and 3p ≥ 3 − 3p),
//     worth 4p, best at p = 1: 4.
func TestCommitOneStateClosedForms(t *testing.T) {
	cases := []struct {
		name    string
		A, B    [][]float64
		p0      float64 // leader's probability of its first action
		value   float64
		fAction int // follower's response
	}{
		{"conitzer-sandholm", [][]float64{{1, 3}, {0, 2}}, [][]float64{{1, 0}, {0, 1}}, 0.5, 2.5, 1},
		{"inspection", [][]float64{{-0.5, -0.5}, {0, -1}}, [][]float64{{0, -3}, {0, 2}}, 0.4, -0.2, 0},
		{"three-responses", [][]float64{{4, 0, 1}, {0, 4, 1}}, [][]float64{{3, 0, 2}, {0, 3, 2}}, 1, 4, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			shape, pay := bimatrix(tc.A, tc.B)
			g := oneStateGame(shape, pay, 0)
			c, err := Commit(context.Background(), g, 0, 1, CommitOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !c.Exact {
				t.Fatalf("not exact: %s", c.Method)
			}
			if math.Abs(c.Strategy[0][0]-tc.p0) > 1e-9 || math.Abs(c.LeaderValue-tc.value) > 1e-9 {
				t.Fatalf("commits to %v worth %g; want p = %g worth %g", c.Strategy[0], c.LeaderValue, tc.p0, tc.value)
			}
			if pol := c.Response.Nodes[c.Response.Init].Policy; pol[tc.fAction] != 1 {
				t.Fatalf("follower plays %v, want action %d", pol, tc.fAction)
			}
			if c.Response.BellmanResidual > 1e-9 {
				t.Fatalf("follower's response: Bellman residual %g", c.Response.BellmanResidual)
			}
		})
	}
}

// A Stackelberg quantity duopoly (von Stackelberg 1934; e.g. Fudenberg &
// Tirole §3.1): price 12 − q_L − q_F, no costs. With continuous quantities
// the leader produces 6, the follower 3, and they earn 18 and 9. Here the
// leader chooses on a grid of step 0.5 and the follower on one of step
// 0.25, so the follower's best reply (12 − q_L)/2 to a pure quantity is on
// its grid and unique, and committing to 6 earns exactly 18: the optimum is
// at least 18. A mixed commitment can make the follower indifferent
// between two neighbouring quantities, which it resolves in the leader's
// favour, but no more: its reply is within 0.125 of (12 − μ)/2 for the
// leader's mean μ, so the leader earns at most 6.125μ − μ²/2 ≤ 18.758.
func TestCommitStackelbergDuopoly(t *testing.T) {
	var ql, qf []float64
	for q := 0.0; q <= 12; q += 0.5 {
		ql = append(ql, q)
	}
	for q := 0.0; q <= 12; q += 0.25 {
		qf = append(qf, q)
	}
	A := make([][]float64, len(ql))
	B := make([][]float64, len(ql))
	for i, x := range ql {
		A[i] = make([]float64, len(qf))
		B[i] = make([]float64, len(qf))
		for j, y := range qf {
			p := math.Max(0, 12-x-y)
			A[i][j], B[i][j] = x*p, y*p
		}
	}
	shape, pay := bimatrix(A, B)
	c, err := Commit(context.Background(), oneStateGame(shape, pay, 0), 0, 1, CommitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mean := 0.0
	for i, x := range c.Strategy[0] {
		mean += x * ql[i]
	}
	reply := 0.0
	for j, x := range c.Response.Nodes[c.Response.Init].Policy {
		reply += x * qf[j]
	}
	if c.LeaderValue < 18-1e-9 || c.LeaderValue > 18.758 || math.Abs(mean-6) > 0.5 || math.Abs(reply-3) > 0.5 {
		t.Fatalf("leader commits to mean quantity %g worth %g, follower replies %g; the continuous answer is 6, 3, worth 18", mean, c.LeaderValue, reply)
	}
}

// The search for stochastic games never does better than the optimum
// where the optimum is known (one-state games, solved by it instead when
// forced), never worse than the best pure commitment, and every
// commitment's follower response satisfies the Bellman equation.
func TestCommitSearchBounds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		shape := rapid.SampledFrom([][]int{{2, 2}, {3, 2}, {2, 3}, {3, 3}}).Draw(t, "shape")
		pay := seededPayoffs(t, shape)
		g := oneStateGame(shape, pay, 0)
		exact, err := Commit(context.Background(), g, 0, 1, CommitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		m, _ := newMPEModel(context.Background(), g)
		cs := &commitSearch{ctx: context.Background(), g: g, m: m, leader: 0, follower: 1}
		found, err := cs.search(CommitOptions{Candidates: 4096})
		if err != nil {
			t.Fatal(err)
		}
		tol := 1e-9 * 100
		if found.vL > exact.LeaderValue+tol {
			t.Fatalf("search found %g, above the proved optimum %g", found.vL, exact.LeaderValue)
		}
		bestPure := math.Inf(-1)
		for i := 0; i < shape[0]; i++ {
			sig := m.uniform()[0]
			clear(sig[0])
			sig[0][i] = 1
			e, err := cs.eval(sig, nil)
			if err != nil {
				t.Fatal(err)
			}
			bestPure = math.Max(bestPure, e.vL)
		}
		if found.vL < bestPure-tol || exact.LeaderValue < bestPure-tol {
			t.Fatalf("search %g, exact %g, best pure commitment %g", found.vL, exact.LeaderValue, bestPure)
		}
		// The state-by-state linear programs reach the optimum of a
		// one-state game (the continuation is the same for every action).
		if found.vL < exact.LeaderValue-1e-6*(1+math.Abs(exact.LeaderValue)) {
			t.Fatalf("search %g below the optimum %g of a one-state game", found.vL, exact.LeaderValue)
		}
	})
}

// On small stochastic games the commitment is at least as good for the
// leader as every pure stationary commitment (brute force), and the
// follower's response is exact.
func TestCommitStochastic(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			g := mpeRandomGame(seed, 3, 2, 3, 0.9)
			sel, err := Solve(context.Background(), g, Options{})
			if err != nil {
				t.Fatal(err)
			}
			c, err := Commit(context.Background(), g, 0, 1, CommitOptions{Seed: 1, Equilibrium: sel})
			if err != nil {
				t.Fatal(err)
			}
			if c.Exact || c.Response.BellmanResidual > 1e-9*(1+math.Abs(c.FollowerValue)) {
				t.Fatalf("exact %v, residual %g", c.Exact, c.Response.BellmanResidual)
			}
			// brute force over pure stationary commitments, each follower
			// response from BestResponse with the leader's value from
			// package markov (ties aside, which random payoffs avoid)
			best := math.Inf(-1)
			for _, st := range pureStrategies(g, 0) {
				p := markov.Profile{st, {Base: [][]float64{{1, 0, 0}, {1, 0, 0}, {1, 0, 0}, nil}}}
				r, err := BestResponse(context.Background(), g, p, 1)
				if err != nil {
					t.Fatal(err)
				}
				p[1] = r.Strategy()
				best = math.Max(best, valueOf(t, g, p, 0))
			}
			if c.LeaderValue < best-1e-9*(1+math.Abs(best)) {
				t.Fatalf("commitment worth %g to the leader, a pure one %g", c.LeaderValue, best)
			}
			if sel.Converged && c.LeaderValue < sel.Values[0][g.Initial]-1e-9*(1+math.Abs(best)) && !math.IsNaN(c.ValueOfCommitment) {
				// not a theorem for stationary commitments in stochastic
				// games, but the equilibrium's play is a candidate
				t.Fatalf("commitment %g below the equilibrium's %g", c.LeaderValue, sel.Values[0][g.Initial])
			}
		})
	}
}

// With two leader actions the commitment is one number p, and the strong
// Stackelberg value of each p can be computed directly (the follower's best
// replies to p, ties to the leader). The multiple LPs' optimum is at least
// the best value on a grid of p and at most that plus what the leader's
// payoffs can change over one grid step.
func TestCommitTwoActionsGrid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		nF := rapid.IntRange(2, 5).Draw(t, "follower actions")
		shape := []int{2, nF}
		pay := seededPayoffs(t, shape)
		c, err := Commit(context.Background(), oneStateGame(shape, pay, 0), 0, 1, CommitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		u := func(a, i, j int) float64 { return pay[2*(i+2*j)+a] }
		const steps = 2000
		best, span := math.Inf(-1), 0.0
		for k := 0; k <= steps; k++ {
			p := float64(k) / steps
			fb, lv := math.Inf(-1), math.Inf(-1)
			for j := 0; j < nF; j++ {
				f := p*u(1, 0, j) + (1-p)*u(1, 1, j)
				l := p*u(0, 0, j) + (1-p)*u(0, 1, j)
				switch {
				case f > fb+1e-12:
					fb, lv = f, l
				case f >= fb-1e-12:
					lv = math.Max(lv, l)
				}
			}
			best = math.Max(best, lv)
		}
		for j := 0; j < nF; j++ {
			span = math.Max(span, math.Abs(u(0, 0, j)-u(0, 1, j)))
		}
		if c.LeaderValue < best-1e-9 || c.LeaderValue > best+span/steps+1e-9 {
			t.Fatalf("multiple LPs %.12g, grid %.12g (step worth %.3g)", c.LeaderValue, best, span/steps)
		}
	})
}
