package equilibrium

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/truce-dev/truce/markov"
)

// clockedCoordination is the 2×2 coordination game of
// TestSolveAllCoordination (both a1: 2 each, both a2: 1 each, δ = 0.9, no
// ending) with a clock of two steps during which both playing a1 pays only
// 0.8 each.
func clockedCoordination() *markov.Game {
	g := oneStateGame([]int{2, 2}, []float64{2, 2, 0, 0, 0, 0, 1, 1}, 0.9)
	g.Clock = 2
	g.Timed = make([]markov.Stage, 2)
	for t := range g.Timed {
		g.Timed[t].Flow = [][][]float64{{{0.8, 0.8}, {0, 0}, {0, 0}, {1, 1}}}
	}
	return g
}

// TestSolveAllClocked: the set of a clocked game is the stationary set of
// the game from step Clock on, each member extended back by backward
// induction. Hand-solved: the stationary equilibria are (a1, a1) worth
// 2/0.1 = 20, (a2, a2) worth 10, and a1 with probability 1/3 each, worth
// (2/3)/0.1 = 20/3. Before the clock the stage game at each step is the
// coordination game with payoffs 0.8 and 1 plus a constant continuation,
// whose equilibria are (a1, a1), (a2, a2) and a1 with probability 1/1.8 =
// 5/9; the stage equilibrium nearest the next step's play is (a1, a1),
// (a2, a2) and the mixed one (5/9 is 4/9 from 1/3 per actor, (a2, a2)
// 2/3). Values from the start: 0.8 + 0.9·(0.8 + 0.9·20) = 17.72; 10;
// and with 0.8·(5/9)² + (4/9)² = 4/9 a step, 4/9 + 0.9·(4/9 + 0.9·20/3) =
// 56.2/9. Each member is checked, independently of the backward
// induction, as an equilibrium of the game unrolled over (state, step).
func TestSolveAllClocked(t *testing.T) {
	g := clockedCoordination()
	ctx := context.Background()
	set, err := SolveAll(ctx, g, SetOptions{Starts: 10, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Equilibria) != 3 || set.Outcomes != 3 || set.Complete {
		t.Fatalf("%d equilibria, %d outcomes, complete %v (%s)", len(set.Equilibria), set.Outcomes, set.Complete, set.Completeness)
	}
	for _, w := range []string{"not proved complete", "from step 2 on", "every extreme equilibrium", "nearest the next step's play"} {
		if !strings.Contains(set.Completeness, w) {
			t.Errorf("completeness %q does not say %q", set.Completeness, w)
		}
	}
	var got []float64
	for _, e := range set.Equilibria {
		if len(e.Timed) != 2 || !e.Converged {
			t.Fatalf("member without its play before the clock: %+v", e.Result)
		}
		got = append(got, e.startValue(0, 0))
		// The unrolled game: the member is an equilibrium of it and its
		// value from the start is the same.
		u, ps, _ := unrollClock(g, e.Profile(g))
		gain, err := OneShotGain(u, ps[0])
		if err != nil || gain > 1e-9 {
			t.Errorf("member worth %g: one-shot gain %g in the unrolled game (%v)", e.startValue(0, 0), gain, err)
		}
		an, err := markov.Analyze(ctx, u, ps[0], 5)
		if err != nil {
			t.Fatal(err)
		}
		for a := 0; a < 2; a++ {
			if d := an.Total[a] - e.startValue(a, 0); math.Abs(d) > 1e-9 {
				t.Errorf("actor %d: unrolled value %g, member %g", a, an.Total[a], e.startValue(a, 0))
			}
		}
	}
	slices.Sort(got)
	want := []float64{56.2 / 9, 10, 17.72}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-9 {
			t.Fatalf("values from the start %v, want %v", got, want)
		}
	}
	if want := 17.72 - 56.2/9; math.Abs(set.Spread-want) > 1e-9 {
		t.Errorf("spread %g, want %g", set.Spread, want)
	}
	// The selection is Solve's, and one of the members.
	sel, err := Solve(ctx, g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if set.Selected < 0 || mpeDist(set.Equilibria[set.Selected].Strategies, sel.Strategies) > 1e-12 ||
		math.Abs(set.Equilibria[set.Selected].startValue(0, 0)-sel.TimedValues[0][0][0]) > 1e-12 {
		t.Errorf("selected member %d is not Solve's", set.Selected)
	}
	if d := set.Describe(g); !strings.Contains(d, "3 equilibria found from 11 starts") || !strings.Contains(d, "extended back over the clock") {
		t.Errorf("describe: %s", d)
	}
}
