package equilibrium

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
)

// The war of attrition with asymmetric costs (c_A = 1, c_B = 2, prize 10,
// δ = 0.9) has three MPEs: the two pure ones and the mixed one where each
// side quits with the probability that keeps the other indifferent,
// q_A = c_B/(δV_B + c_B) = 2/11 and q_B = c_A/(δV_A + c_A) = 1/10. With
// no random starts at all, the pure enumeration and the support
// enumeration find all three; the set is still not claimed complete.
func TestSolveAllSupportEnumWarOfAttrition(t *testing.T) {
	for _, tc := range []struct{ cA, cB, vA, vB float64 }{{1, 2, 10, 10}, {1, 2, 5, 8}, {0.5, 0.7, 3, 3}} {
		t.Run(fmt.Sprint(tc), func(t *testing.T) {
			g := mpeWarOfAttritionCosts(tc.cA, tc.cB, tc.vA, tc.vB, 0.9)
			set, err := SolveAll(context.Background(), g, SetOptions{Starts: -1})
			if err != nil {
				t.Fatal(err)
			}
			if len(set.Equilibria) != 3 || set.Complete {
				t.Fatalf("%d equilibria, complete %v: %s", len(set.Equilibria), set.Complete, set.Completeness)
			}
			if !strings.Contains(set.Completeness, "support enumeration") || !strings.Contains(set.Completeness, "may be missing") {
				t.Fatalf("completeness %q does not say what the support enumeration proves", set.Completeness)
			}
			qA, qB := tc.cB/(0.9*tc.vB+tc.cB), tc.cA/(0.9*tc.vA+tc.cA)
			mixed := 0
			for _, e := range set.Equilibria {
				mpeCheckEquilibrium(t, g, e.Result, 1e-9)
				pA, pB := e.Strategies[0][0][1], e.Strategies[1][0][1]
				if pA > 0 && pA < 1 {
					mixed++
					if math.Abs(pA-qA) > 1e-9 || math.Abs(pB-qB) > 1e-9 {
						t.Errorf("mixed MPE quits with %.12g, %.12g; closed form %.12g, %.12g", pA, pB, qA, qB)
					}
					if !contains(e.Sources, "support enumeration") {
						t.Errorf("mixed MPE found by %v, not by the support enumeration", e.Sources)
					}
				}
			}
			if mixed != 1 {
				t.Fatalf("%d mixed equilibria, want 1", mixed)
			}
		})
	}
}

// On small random two-state games with two actors and two actions, every
// equilibrium the support enumeration returns passes the independent
// one-shot deviation check, and every equilibrium that 40 random starts
// find is among those the enumerations found (a cross-check of the
// enumeration against the starts, which share no code with it).
func TestSupportEnumRandomGames(t *testing.T) {
	mixedSeen := 0
	for seed := uint64(1); seed <= 12; seed++ {
		g := mpeRandomGame(seed, 2, 2, 2, 0.9)
		m, err := newMPEModel(context.Background(), g)
		if err != nil {
			t.Fatal(err)
		}
		if n := m.supportCount(mpeSetSupportMax); n != 81 {
			t.Fatalf("seed %d: %d support profiles, want 3^4 = 81", seed, n)
		}
		enum, n, err := m.enumerateSupports(context.Background(), mpeDefaultTol)
		if err != nil || n != 81 {
			t.Fatalf("seed %d: %d supports, %v", seed, n, err)
		}
		for _, r := range enum {
			mpeCheckEquilibrium(t, g, r, 1e-9)
		}
		mixedSeen += len(enum)
		only, err := SolveAll(context.Background(), g, SetOptions{Starts: -1})
		if err != nil {
			t.Fatal(err)
		}
		many, err := SolveAll(context.Background(), g, SetOptions{Starts: 40, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range many.Equilibria {
			mpeCheckEquilibrium(t, g, e.Result, 1e-9)
			found := false
			for _, f := range only.Equilibria {
				found = found || mpeDist(e.Strategies, f.Strategies) <= sameTol
			}
			if !found {
				t.Errorf("seed %d: %v (found by %v) is missing from the enumeration's %d equilibria", seed, e.Strategies, e.Sources, len(only.Equilibria))
			}
		}
	}
	t.Logf("%d mixed equilibria from the support enumeration", mixedSeen)
	if mixedSeen == 0 {
		t.Fatal("no mixed equilibrium in 12 random games: the test checks nothing")
	}
}

// The support enumeration is for tiny games only: a game with more than
// mpeSetSupportMax support profiles is left to the starts.
func TestSupportEnumCap(t *testing.T) {
	for _, tc := range []struct {
		nS, nA, K int
		want      int
	}{
		{1, 2, 2, 9},
		{2, 2, 3, 7 * 7 * 7 * 7},
		{3, 2, 3, -1},    // 7^6 = 117,649
		{1, 2, 40, -1},   // 2^40 − 1 actions subsets
		{7, 2, 2, -1},    // 3^14
		{6, 1, 4, -1},    // 15^6
		{1, 3, 16, -1},   // 65535^3
		{3, 3, 2, -1},    // 3^9 = 19,683
		{2, 3, 2, 729},   // 3^6
		{2, 2, 2, 81},    // 3^4
		{1, 1, 12, 4095}, // 2^12 − 1
	} {
		g := mpeRandomGame(1, tc.nS, tc.nA, tc.K, 0.9)
		m, err := newMPEModel(context.Background(), g)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.supportCount(mpeSetSupportMax); got != tc.want {
			t.Errorf("%d states, %d actors, %d actions: %d support profiles, want %d", tc.nS, tc.nA, tc.K, got, tc.want)
		}
	}
}

// A three-actor cyclic game in the manner of Jordan (1993): actor 1 wants
// to match actor 2 (payoff 1 on both a1, 2 on both a2), actor 2 to match
// actor 3 (3 and 1), actor 3 to mismatch actor 1 (1 when playing a1
// against a2, 4 when playing a2 against a1). A pure action of any actor
// makes the one who reacts to it pure and so on round the cycle, and no
// pure profile is an equilibrium, so the only equilibrium is fully mixed:
// indifference gives P2(a1) = 2/3, P3(a1) = 1/4, P1(a1) = 1/5. Enumpure
// finds nothing; the support enumeration finds it.
func TestSupportEnumThreeActorCycle(t *testing.T) {
	pay := make([]float64, 8*3)
	for j := 0; j < 8; j++ {
		a1, a2, a3 := j&1, j>>1&1, j>>2&1
		u := pay[j*3 : j*3+3]
		if a1 == a2 {
			u[0] = float64(1 + a1)
		}
		if a2 == a3 {
			u[1] = float64(3 - 2*a2)
		}
		if a3 == 0 && a1 == 1 {
			u[2] = 1
		}
		if a3 == 1 && a1 == 0 {
			u[2] = 4
		}
	}
	g := oneStateGame([]int{2, 2, 2}, pay, 0.9)
	set, err := SolveAll(context.Background(), g, SetOptions{Starts: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Equilibria) != 1 || set.Complete || !strings.Contains(set.Completeness, "enumpure") || !strings.Contains(set.Completeness, "support enumeration") {
		t.Fatalf("%d equilibria, complete %v: %s", len(set.Equilibria), set.Complete, set.Completeness)
	}
	e := set.Equilibria[0]
	mpeCheckEquilibrium(t, g, e.Result, 1e-9)
	for a, want := range []float64{1.0 / 5, 2.0 / 3, 1.0 / 4} {
		if got := e.Strategies[a][0][0]; math.Abs(got-want) > 1e-9 {
			t.Errorf("actor %d plays a1 with %.12g, want %.12g", a+1, got, want)
		}
	}
	if !contains(e.Sources, "support enumeration") {
		t.Errorf("found by %v, not by the support enumeration", e.Sources)
	}
}
