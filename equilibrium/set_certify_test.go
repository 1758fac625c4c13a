package equilibrium

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

// setOutcomes lists the distinct values from the initial state (every
// actor, to 1e-6) of the set's members: what the claims over a set read.
func setOutcomes(s *Set, initial int) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range s.Equilibria {
		var parts []string
		for a := range e.Values {
			parts = append(parts, fmt.Sprintf("%.6f", e.startValue(a, initial)))
		}
		k := strings.Join(parts, " ")
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// A value-iteration start with CertifyEvery ends at a certified
// equilibrium no later than without it, and on random games with a slow
// discount (0.99: the values settle only at the discount's rate, long
// after the supports) much sooner; where the full iteration converges the
// quick one ends at an equilibrium with the same values.
func TestStartIterateCertifyEvery(t *testing.T) {
	ctx := context.Background()
	saved := 0
	for seed := uint64(1); seed <= 3; seed++ {
		g := mpeRandomGame(seed, 8, 2, 2, 0.99)
		m, err := newMPEModel(ctx, g)
		if err != nil {
			t.Fatal(err)
		}
		start := m.randomProfile(rand.New(rand.NewPCG(seed, 2)))
		full, err := mpeIterateWith(ctx, m, Options{Tol: mpeDefaultTol, MaxIter: 3000}, mpeStageDefault, start)
		if err != nil {
			t.Fatal(err)
		}
		quick := m.startIterate(ctx, start, 3000, SetOptions{Options: Options{Tol: mpeDefaultTol}, CertifyEvery: 25})
		if quick == nil || (full.Converged && !quick.Converged) {
			t.Fatalf("seed %d: converged %v without CertifyEvery, %+v with", seed, full.Converged, quick)
		}
		if !quick.Converged {
			continue
		}
		mpeCheckEquilibrium(t, g, quick, 1e-9)
		if quick.Iterations > full.Iterations {
			t.Errorf("seed %d: %d sweeps with CertifyEvery, %d without", seed, quick.Iterations, full.Iterations)
		}
		if full.Converged {
			for a := range full.Values {
				if d := math.Abs(full.Values[a][g.Initial] - quick.Values[a][g.Initial]); d > 1e-6 {
					t.Errorf("seed %d: actor %d's value %g with CertifyEvery, %g without", seed, a, quick.Values[a][g.Initial], full.Values[a][g.Initial])
				}
			}
		}
		saved += full.Iterations - quick.Iterations
	}
	t.Logf("saved %d sweeps", saved)
	if saved < 1000 {
		t.Errorf("CertifyEvery saved %d sweeps over three games", saved)
	}
}

// On the same games the whole search with CertifyEvery finds every value
// the search without it finds (it may find more: a start that does not
// converge can pass a certified point on the way), each member certified.
func TestSolveAllCertifyEvery(t *testing.T) {
	ctx := context.Background()
	for seed := uint64(1); seed <= 2; seed++ {
		g := mpeRandomGame(seed, 8, 2, 2, 0.99)
		full, err := SolveAll(ctx, g, SetOptions{Starts: 2, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		quick, err := SolveAll(ctx, g, SetOptions{Starts: 2, Seed: 3, CertifyEvery: 25})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range quick.Equilibria {
			mpeCheckEquilibrium(t, g, e.Result, 1e-9)
		}
		have := map[string]bool{}
		for _, k := range setOutcomes(quick, g.Initial) {
			have[k] = true
		}
		for _, k := range setOutcomes(full, g.Initial) {
			if !have[k] {
				t.Errorf("seed %d: the full search finds values %s, CertifyEvery does not (it finds %v)", seed, k, setOutcomes(quick, g.Initial))
			}
		}
	}
}
