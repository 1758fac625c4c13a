package equilibrium

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/truce-dev/truce/internal/shard"
	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/nash"
	"pgregory.net/rapid"
)

// The 2×2 coordination game has exactly three equilibria: both play a1,
// both play a2, and the mixed one where each plays a1 with probability 1/3
// (making the other indifferent: 2p = 1 − p). The set proves it complete;
// the selection is the risk-dominant (a1, a1).
func TestSolveAllCoordination(t *testing.T) {
	pay := []float64{2, 2, 0, 0, 0, 0, 1, 1}
	g := oneStateGame([]int{2, 2}, pay, 0.9)
	set, err := SolveAll(context.Background(), g, SetOptions{Starts: 10, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Equilibria) != 3 || !set.Complete || set.Outcomes != 3 {
		t.Fatalf("%d equilibria, %d outcomes, complete %v (%s)", len(set.Equilibria), set.Outcomes, set.Complete, set.Completeness)
	}
	want := [][]float64{{1, 0}, {0, 1}, {1.0 / 3, 2.0 / 3}}
	found := make([]bool, len(want))
	for _, e := range set.Equilibria {
		mpeCheckEquilibrium(t, g, e.Result, 1e-9)
		for i, w := range want {
			if math.Abs(e.Strategies[0][0][0]-w[0]) < 1e-9 && math.Abs(e.Strategies[1][0][0]-w[0]) < 1e-9 {
				found[i] = true
			}
		}
	}
	if !reflect.DeepEqual(found, []bool{true, true, true}) {
		t.Fatalf("found %v of (a1,a1), (a2,a2), mixed", found)
	}
	if set.Selected != 0 || set.Equilibria[0].Strategies[0][0][0] != 1 || !set.Equilibria[0].Selected {
		t.Fatalf("selected %d: %v", set.Selected, set.Equilibria[0].Strategies)
	}
	// values per step 2, 1 and 2/9 + 4/9 = 2/3 (mixed) for ever at δ = 0.9:
	// 20, 10 and 20/3 from the start, so the spread is 20 − 20/3.
	if want := 40.0 / 3; math.Abs(set.Spread-want) > 1e-9*want {
		t.Fatalf("spread %g, want %g", set.Spread, want)
	}
	total := 0.0
	for _, e := range set.Equilibria {
		total += e.BasinShare
	}
	if total > 1+1e-12 || set.Starts != 11 {
		t.Fatalf("basin shares sum to %g over %d starts", total, set.Starts)
	}
}

// On one-state two-actor games the set holds every extreme equilibrium
// enummixed finds, each certified, and every equilibrium a random start
// reached is one of them (the games are generic).
func TestSolveAllMatchesEnumMixed(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		shape := rapid.SampledFrom([][]int{{2, 2}, {3, 3}, {2, 4}, {4, 3}}).Draw(t, "shape")
		pay := seededPayoffs(t, shape)
		ref, err := nash.EnumMixed(context.Background(), mpeStrategic(shape, pay), nash.Options{})
		if err != nil || !ref.Complete {
			t.Fatalf("enummixed: %v", err)
		}
		g := oneStateGame(shape, pay, 0.5)
		set, err := SolveAll(context.Background(), g, SetOptions{Starts: 6, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		if !set.Complete || len(set.Equilibria) != len(ref.Equilibria) {
			t.Fatalf("%d equilibria (complete %v), enummixed %d", len(set.Equilibria), set.Complete, len(ref.Equilibria))
		}
		for _, e := range set.Equilibria {
			if e.MaxDeviationGain > 1e-9 {
				t.Fatalf("certificate %g", e.MaxDeviationGain)
			}
			near := false
			for _, r := range ref.Equilibria {
				near = near || mpeL1(mpeUnstage(e.Strategies), r.Profile) < 1e-6
			}
			if !near {
				t.Fatalf("%v (from %v) is not one of enummixed's", e.Strategies, e.Sources)
			}
		}
	})
}

// The war of attrition is not a one-state game in the sense above (the
// continuation depends on who quits), so its set is searched from starts:
// they find all three MPEs, the two pure ones and the mixed one.
func TestSolveAllWarOfAttrition(t *testing.T) {
	for _, tc := range []struct{ cA, cB, vA, vB float64 }{{1, 1, 5, 5}, {1, 2, 5, 8}} {
		t.Run(fmt.Sprint(tc), func(t *testing.T) {
			g := mpeWarOfAttritionCosts(tc.cA, tc.cB, tc.vA, tc.vB, 0.9)
			set, err := SolveAll(context.Background(), g, SetOptions{Starts: 20, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			qA, qB := tc.cB/(0.9*tc.vB+tc.cB), tc.cA/(0.9*tc.vA+tc.cA)
			want := [][2]float64{{0, 1}, {1, 0}, {qA, qB}}
			if len(set.Equilibria) != 3 || set.Complete {
				t.Fatalf("%d equilibria, complete %v: %s", len(set.Equilibria), set.Complete, set.Completeness)
			}
			for _, w := range want {
				ok := false
				for _, e := range set.Equilibria {
					mpeCheckEquilibrium(t, g, e.Result, 1e-9)
					ok = ok || math.Abs(e.Strategies[0][0][1]-w[0]) < 1e-9 && math.Abs(e.Strategies[1][0][1]-w[1]) < 1e-9
				}
				if !ok {
					t.Errorf("quit probabilities %v not found", w)
				}
			}
		})
	}
}

// The set depends on the seed only, not on the number of workers.
func TestSolveAllDeterministic(t *testing.T) {
	g := mpeRandomGame(11, 3, 2, 3, 0.9)
	a, err := SolveAll(context.Background(), g, SetOptions{Starts: 8, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	b, err := SolveAll(context.Background(), g, SetOptions{Starts: 8, Seed: 5, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with the same seed differ")
	}
	for _, e := range a.Equilibria {
		mpeCheckEquilibrium(t, g, e.Result, 1e-9)
	}
}

// SolveSetPart over any split of the units, each part through the shard
// payload codec (as a partial result of `truce solve --shard` stores it), and MergeSet give
// SolveAll's set exactly, whatever the workers of each part.
func TestSolveSetParts(t *testing.T) {
	games := map[string]*markov.Game{
		"coordination": oneStateGame([]int{2, 2}, []float64{2, 2, 0, 0, 0, 0, 1, 1}, 0.9),
		"attrition":    mpeWarOfAttritionCosts(1, 2, 5, 8, 0.9),
		"random":       mpeRandomGame(11, 3, 2, 3, 0.9),
	}
	for name, g := range games {
		t.Run(name, func(t *testing.T) {
			opt := SetOptions{Starts: 9, Seed: 5}
			whole, err := SolveAll(context.Background(), g, opt)
			if err != nil {
				t.Fatal(err)
			}
			units := SetUnits(opt)
			if units != 10 {
				t.Fatalf("SetUnits = %d, want 10", units)
			}
			for _, n := range []int{1, 2, 3, 10} {
				var parts []*SetPart
				for k := 0; k < n; k++ {
					lo, hi := k*units/n, (k+1)*units/n
					o := opt
					o.Workers = 1 + k%3
					p, err := SolveSetPart(context.Background(), g, o, lo, hi)
					if err != nil {
						t.Fatal(err)
					}
					var q SetPart
					if err := shard.RoundTrip(p, &q); err != nil {
						t.Fatal(err)
					}
					parts = append(parts, &q)
				}
				merged, err := MergeSet(context.Background(), g, opt, parts)
				if err != nil {
					t.Fatal(err)
				}
				if normSet(merged) != normSet(whole) {
					t.Errorf("%d parts: the merged set differs from SolveAll's:\n%+v\n%+v", n, merged, whole)
				}
				if n == 3 {
					for _, bad := range [][]*SetPart{parts[:2], {parts[0], parts[2], parts[1]}, {parts[0], parts[1], parts[1], parts[2]}, {parts[1], parts[2]}} {
						if _, err := MergeSet(context.Background(), g, opt, bad); err == nil {
							t.Errorf("merging %d parts out of order or incomplete: no error", len(bad))
						}
					}
				}
			}
		})
	}
}

// normSet is the set's gob: every number exactly, pointers followed, and
// an empty slice the same as nil (gob cannot tell them apart).
func normSet(s *Set) string {
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(s); err != nil {
		panic(err)
	}
	return b.String()
}

// StartSweeps caps the value-iteration starts only: with it every member
// found by an iteration start alone took at most that many sweeps, the
// logit paths are untouched, and the set is otherwise the same search.
func TestSolveAllStartSweeps(t *testing.T) {
	g := mpeRandomGame(11, 3, 2, 3, 0.9)
	ctx := context.Background()
	full, err := SolveAll(ctx, g, SetOptions{Starts: 8, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	longest := 0
	for _, e := range full.Equilibria {
		if e.Method == "iterate" {
			longest = max(longest, e.Iterations)
		}
	}
	if longest < 2 {
		t.Fatalf("no iteration start took more than one sweep (longest %d): pick another game", longest)
	}
	capped, err := SolveAll(ctx, g, SetOptions{Starts: 8, Seed: 5, StartSweeps: longest - 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range capped.Equilibria {
		if e.Method == "iterate" && e.Iterations > longest-1 {
			t.Errorf("an iteration start ran %d sweeps past the cap %d", e.Iterations, longest-1)
		}
	}
	if capped.Failed <= full.Failed && len(capped.Equilibria) == len(full.Equilibria) && normSet(capped) == normSet(full) {
		t.Errorf("the cap changed nothing (%d failed starts both)", full.Failed)
	}
}
