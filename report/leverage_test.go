package report

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/scenarios"
)

// TestResponseChangesMergeSteps: on the clocked bundled file, the
// leverage section's list of where a best response plays otherwise names
// every changed decision point at every step exactly once, with the two
// plays the point shows at that step and a loss range that holds its loss
// there, and merges only consecutive steps (a run next to another of the
// same point and plays would have been one entry). A list per step (as
// truce respond prints it) or a merge across steps whose plays differ
// fails.
func TestResponseChangesMergeSteps(t *testing.T) {
	sc, g, profs := bundledCentral(t)
	entry := regexp.MustCompile(`^(.*) (at every step|at step (\d+)|at steps (\d+)–(\d+)|from step (\d+) on): (.*) \(loses ([^ –]+)(?:–([^ ]+))? there\)$`)
	atoi := func(s string) int { x, _ := strconv.Atoi(s); return x }
	for _, name := range []string{"baseline", "walkaway_intr"} {
		for a := range sc.Actors {
			r, err := equilibrium.BestResponseWith(context.Background(), g, profs[name], a, equilibrium.ResponseOptions{NoCrossCheck: true})
			if err != nil {
				t.Fatal(err)
			}
			type key struct {
				point string
				step  int
			}
			want := map[key]string{} // the change at each changed point and step
			loss := map[key]float64{}
			for _, n := range ResponseNodes(g, r) {
				if !n.Node.Changes {
					continue
				}
				k := key{n.Node.Label(), n.Node.Step}
				want[k], loss[k] = nodeChange(sc, g, a, n)
			}
			changes := responseChanges(sc, g, r)
			if len(want) > 0 && len(changes) >= len(want) {
				t.Errorf("%s/%s: %d entries for %d changed points and steps: nothing merged", name, r.ActorID, len(changes), len(want))
			}
			seen := map[key]bool{}
			type span struct {
				change      string
				first, last int
			}
			spans := map[string][]span{}
			for _, c := range changes {
				m := entry.FindStringSubmatch(c)
				if m == nil {
					t.Fatalf("%s/%s: entry %q does not say its steps", name, r.ActorID, c)
				}
				point, change := m[1], m[7]
				first, last := 0, g.Clock
				switch {
				case m[3] != "":
					first, last = atoi(m[3]), atoi(m[3])
				case m[4] != "":
					first, last = atoi(m[4]), atoi(m[5])
				case m[6] != "":
					first = atoi(m[6])
				case strings.Contains(point, " after "):
					first = 1 // nobody has moved at step 0
				}
				lo, hi := m[8], m[8]
				if m[9] != "" {
					hi = m[9]
				}
				for st := first; st <= last; st++ {
					k := key{point, st}
					if seen[k] {
						t.Errorf("%s/%s: %s at step %d listed twice", name, r.ActorID, point, st)
					}
					seen[k] = true
					if w, ok := want[k]; !ok {
						t.Errorf("%s/%s: %q covers %s at step %d, where the best response plays as the profile", name, r.ActorID, c, point, st)
					} else if w != change {
						t.Errorf("%s/%s: %q: at step %d the change is %s", name, r.ActorID, c, st, w)
					} else if l := fmt.Sprintf("%.3g", loss[k]); l != lo && l != hi && !(parse(lo) <= loss[k] && loss[k] <= parse(hi)) {
						t.Errorf("%s/%s: %q: the loss at step %d is %s, outside %s–%s", name, r.ActorID, c, st, l, lo, hi)
					}
				}
				for _, sp := range spans[point] {
					if sp.change == change && (sp.last+1 == first || last+1 == sp.first) {
						t.Errorf("%s/%s: %s: steps %d–%d and %d–%d with the same change are not merged", name, r.ActorID, point, sp.first, sp.last, first, last)
					}
				}
				spans[point] = append(spans[point], span{change, first, last})
			}
			for k := range want {
				if !seen[k] {
					t.Errorf("%s/%s: %s at step %d changes but is not listed", name, r.ActorID, k.point, k.step)
				}
			}
		}
	}
}

func parse(s string) float64 {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return x
}

// bundledCentral is the clocked bundled scenario's game and profiles at
// central values.
func bundledCentral(tb testing.TB) (*scenario.Scenario, *markov.Game, map[string]markov.Profile) {
	tb.Helper()
	sc, ds := scenario.Parse(scenarios.USIran2026Name, scenarios.USIran2026())
	if sc == nil {
		tb.Fatalf("bundled scenario: %v", ds)
	}
	g, profs, err := sc.Build(sc.Central())
	if err != nil {
		tb.Fatal(err)
	}
	if g.Clock == 0 {
		tb.Fatal("the bundled scenario has no clock: the test shows nothing")
	}
	return sc, g, profs
}
