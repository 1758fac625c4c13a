package equilibrium

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/markov"
)

// The stage models of a long clock, built before the backward induction,
// are refused by a tight memory budget with a message that names them and
// the way out, although each model alone fits; the same budget lets a
// short clock through.
func TestClockedStageModelsBudget(t *testing.T) {
	long := clockedRandomGame(4, 3000) // 3,000 steps with tables of their own
	one := mpeModelBytes(long)
	if one > 64<<10 {
		t.Fatalf("one stage model needs %d bytes: the test wants it far under the limit", one)
	}
	ctx := budget.WithLimit(context.Background(), 1<<20)
	_, err := Solve(ctx, long, Options{})
	var be *budget.ExceededError
	if !errors.As(err, &be) || !errors.Is(err, budget.ErrExceeded) {
		t.Fatalf("a 3000-step clock under 1 MiB: %v", err)
	}
	for _, want := range []string{"stage models of the clock's 3000 steps (3000 with tables of their own)", "an earlier date for the clock's last step"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	short := clockedRandomGame(4, 20)
	r, err := Solve(ctx, short, Options{})
	if err != nil || !r.Converged {
		t.Fatalf("a 20-step clock under 1 MiB: %v", err)
	}
}

// Steps whose tables are the same slices share one stage model, and the
// equilibrium found is the one found with a model per step.
func TestStageModelsShareEqualSteps(t *testing.T) {
	g := clockedRandomGame(4, 6)
	// Steps 2, 3 and 5 reuse step 1's tables; step 4 the stationary ones.
	g.Timed[2], g.Timed[3], g.Timed[5] = g.Timed[1], g.Timed[1], g.Timed[1]
	g.Timed[4] = markov.Stage{}
	if got, want := stageClasses(g), []int{0, 1, 1, 1, 4, 1}; !slices.Equal(got, want) {
		t.Fatalf("classes %v, want %v", got, want)
	}
	ctx := context.Background()
	ms, err := stageModels(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	if ms[2] != ms[1] || ms[5] != ms[1] || ms[4] == ms[1] || ms[0] == ms[1] {
		t.Fatal("equal steps do not share their model")
	}
	own := make([]*mpeModel, g.Clock+1)
	for s := 0; s < g.Clock; s++ {
		if own[s], err = stageModel(ctx, g, s); err != nil {
			t.Fatal(err)
		}
	}
	own[g.Clock] = ms[g.Clock]
	stat, err := Solve(ctx, stationaryPart(g), Options{})
	if err != nil || !stat.Converged {
		t.Fatal(err)
	}
	a, err := extendClocked(ctx, g, stat, Options{}, ms)
	if err != nil {
		t.Fatal(err)
	}
	b, err := extendClocked(ctx, g, stat, Options{}, own)
	if err != nil {
		t.Fatal(err)
	}
	for st := range a.Timed {
		for ac := range a.Timed[st] {
			for s := range a.Timed[st][ac] {
				if !slices.Equal(a.Timed[st][ac][s], b.Timed[st][ac][s]) || a.TimedValues[st][ac][s] != b.TimedValues[st][ac][s] {
					t.Fatalf("step %d, actor %d, state %d: shared %v %v, own %v %v", st, ac, s,
						a.Timed[st][ac][s], a.TimedValues[st][ac][s], b.Timed[st][ac][s], b.TimedValues[st][ac][s])
				}
			}
		}
	}
}
