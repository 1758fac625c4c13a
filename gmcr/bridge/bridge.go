// Package bridge derives a graph model's ordinal preferences from a
// Markov-game scenario and compares the ordinal and cardinal answers: the
// same standoff seen through GMCR's stability concepts and through the
// scenario's Markov-perfect equilibrium.
//
// A conflict file's `bridge:` section maps each conflict state to a
// scenario state (its ending, or with long_run a state the process may
// stay in) and each decision maker to an actor.
package bridge

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/gmcr"
	"github.com/truce-dev/truce/gmcr/conflictfile"
	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/scenario"
)

// Report is what the bridge found.
type Report struct {
	Scenario string // path as read
	// Outcome[k] is the scenario state conflict state k stands for.
	Outcome []int
	Game    *markov.Game
	// Equilibrium is the scenario's Markov-perfect equilibrium at its
	// central parameters, selected by equilibrium.Solve's default method;
	// it certifies itself (MaxDeviationGain) and may not be the only one.
	Equilibrium *equilibrium.Result
	// Value[d][k] is the value to decision maker d's actor of conflict
	// state k's scenario state under that equilibrium: the entry payoff of
	// an ending, the equilibrium value from a long-run state.
	Value [][]float64
	// Derived[d] says whether d's preferences came from the scenario (it had
	// none in the file); for the others, Disagree counts the pairs of
	// states the file and the scenario order differently.
	Derived  []bool
	Disagree []int
	Pairs    int // pairs of states compared per decision maker
	// Absorb[s] is the probability that the equilibrium eventually ends in
	// scenario state s, from the scenario's initial state (0 for
	// non-terminal states).
	Absorb []float64
	// NeverEnds is the probability that it never ends.
	NeverEnds float64
	// Share[s] is the share of the scenario's horizon the equilibrium
	// spends in non-terminal state s (expected steps there / Horizon).
	Share   []float64
	Horizon int
	// Excluded lists the scenario states the file says no conflict state
	// stands for (bridge: unmapped:), with its reasons, in scenario order;
	// Unaccounted those neither mapped nor listed there.
	Excluded    []Exclusion
	Unaccounted []string
}

// Exclusion is a scenario state no conflict state stands for, and why.
type Exclusion struct {
	State  string `json:"state"`
	Reason string `json:"reason"`
}

// ExcludedReason returns the reason the file gives for leaving scenario state id
// unmapped, if it gives one.
func (rep *Report) ExcludedReason(id string) (string, bool) {
	for _, e := range rep.Excluded {
		if e.State == id {
			return e.Reason, true
		}
	}
	return "", false
}

// unmappedMatches reports whether an unmapped: entry names scenario state
// id: the id itself, or its family ("ceasefire" for "ceasefire[1]").
func unmappedMatches(entry, id string) bool {
	return id == entry || strings.HasPrefix(id, entry+"[")
}

// tieTol is the relative difference below which two values tie.
const tieTol = 1e-9

// Load reads the bridge's scenario (relative to the conflict file's folder
// dir), solves its equilibrium at the central parameters, maps the conflict
// states and sets the derived preferences of every decision maker the file
// gives none. Problems in the conflict file come back as diagnostics with
// its positions; problems of the scenario file with the scenario's.
func Load(ctx context.Context, f *conflictfile.File, conflictName, dir string) (*Report, []scenario.Diagnostic, error) {
	br := f.Bridge
	diag := func(p scenario.Pos, hint, format string, args ...any) scenario.Diagnostic {
		return scenario.Diagnostic{File: conflictName, Line: p.Line, Col: p.Col, Severity: scenario.SeverityError, Msg: fmt.Sprintf(format, args...), Hint: hint}
	}
	path := br.Scenario
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, []scenario.Diagnostic{diag(br.ScenarioAt, "the path is relative to the conflict file's folder", "bridge scenario: %v", err)}, nil
	}
	if st.Size() > scenario.MaxFileSize {
		return nil, []scenario.Diagnostic{diag(br.ScenarioAt, "", "bridge scenario %s: file too large", path)}, nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, []scenario.Diagnostic{diag(br.ScenarioAt, "", "bridge scenario: %v", err)}, nil
	}
	sc, sds := scenario.ParseContext(ctx, path, src)
	if sc == nil {
		return nil, sds, nil
	}
	return FromScenario(ctx, f, conflictName, sc, br.Scenario)
}

// FromScenario is Load with the scenario already read (the workbench
// bridges to a scenario it stores, never to a path a request names);
// scenarioName is how messages name it.
func FromScenario(ctx context.Context, f *conflictfile.File, conflictName string, sc *scenario.Scenario, scenarioName string) (*Report, []scenario.Diagnostic, error) {
	br := f.Bridge
	c := f.Conflict
	diag := func(p scenario.Pos, hint, format string, args ...any) scenario.Diagnostic {
		return scenario.Diagnostic{File: conflictName, Line: p.Line, Col: p.Col, Severity: scenario.SeverityError, Msg: fmt.Sprintf(format, args...), Hint: hint}
	}
	g, _, err := sc.Build(sc.Central())
	if err != nil {
		return nil, nil, fmt.Errorf("bridge scenario %s at its central parameters: %w", scenarioName, err)
	}
	rep := &Report{Scenario: scenarioName, Game: g, Outcome: make([]int, len(c.Codes))}
	stateIdx := map[string]int{}
	var stateNames []string
	for s, x := range g.States {
		stateIdx[x.ID] = s
		stateNames = append(stateNames, x.ID)
	}
	actorIdx := map[string]int{}
	for a, x := range g.Actors {
		actorIdx[x.ID] = a
	}
	var ds []scenario.Diagnostic
	actors := make([]int, len(c.DMs))
	for d := range c.DMs {
		a, ok := actorIdx[br.Actors[d]]
		if !ok {
			ds = append(ds, diag(br.ActorsAt[d], fmt.Sprintf("map it under bridge: actors: {%s: ACTOR}", c.DMs[d].ID), "decision maker %s: scenario %s has no actor %q", c.DMs[d].ID, scenarioName, br.Actors[d]))
		}
		actors[d] = a
	}
	outIdx := make([]int, len(br.Outcomes))
	for i, o := range br.Outcomes {
		s, ok := stateIdx[o.State]
		if !ok {
			ds = append(ds, diag(o.At, "", "scenario %s has no state %q", scenarioName, o.State))
			continue
		}
		if !g.States[s].Terminal && !br.LongRun {
			ds = append(ds, diag(o.At, "set long_run: true to rank it by the equilibrium value from it, or map to an ending", "%q is not an ending of %s", o.State, scenarioName))
		}
		outIdx[i] = s
	}
	mapped := map[string]bool{}
	for _, o := range br.Outcomes {
		mapped[o.State] = true
	}
	reason := map[string]string{}
	for _, u := range br.Unmapped {
		n := 0
		for _, id := range stateNames {
			if !unmappedMatches(u.State, id) {
				continue
			}
			n++
			if mapped[id] {
				ds = append(ds, diag(u.At, "drop it from unmapped: or from outcomes:", "scenario state %q is both mapped and listed as unmapped", id))
			}
			if _, dup := reason[id]; !dup {
				reason[id] = u.Reason
			}
		}
		if n == 0 {
			ds = append(ds, diag(u.At, "its states are "+strings.Join(stateNames, ", "), "scenario %s has no state %q (nor a family of states of that name)", scenarioName, u.State))
		}
	}
	for _, id := range stateNames {
		if r, ok := reason[id]; ok {
			rep.Excluded = append(rep.Excluded, Exclusion{State: id, Reason: r})
		} else if !mapped[id] {
			rep.Unaccounted = append(rep.Unaccounted, id)
		}
	}
	if len(ds) > 0 {
		return nil, ds, nil
	}
	for k, code := range c.Codes {
		rep.Outcome[k] = -1
		for i, o := range br.Outcomes {
			if o.When.Eval(code) {
				rep.Outcome[k] = outIdx[i]
				break
			}
		}
		if rep.Outcome[k] < 0 {
			ds = append(ds, diag(br.Outcomes[len(br.Outcomes)-1].At, `end with {when: "true", state: ...} to map the rest`, "no outcome matches conflict state %d (%s)", code, c.Describe(k)))
			break
		}
	}
	if len(ds) > 0 {
		return nil, ds, nil
	}
	eq, err := equilibrium.Solve(ctx, g, equilibrium.Options{})
	if err != nil {
		return nil, nil, fmt.Errorf("bridge: the scenario's equilibrium: %w", err)
	}
	rep.Equilibrium = eq
	an, err := markov.Analyze(ctx, g, eq.Profile(g), sc.Horizon)
	if err != nil {
		return nil, nil, fmt.Errorf("bridge: analysing the scenario's equilibrium: %w", err)
	}
	rep.Absorb = make([]float64, len(g.States))
	rep.Share = make([]float64, len(g.States))
	rep.Horizon = sc.Horizon
	rep.NeverEnds = 1
	for s, x := range g.States {
		if x.Terminal {
			rep.Absorb[s] = an.Absorb[s]
			rep.NeverEnds -= an.Absorb[s]
		} else if sc.Horizon > 0 {
			rep.Share[s] = an.Occupancy[s] / float64(sc.Horizon)
		}
	}
	rep.NeverEnds = math.Max(0, rep.NeverEnds)
	rep.Value = make([][]float64, len(c.DMs))
	rep.Derived = make([]bool, len(c.DMs))
	rep.Disagree = make([]int, len(c.DMs))
	n := len(c.Codes)
	rep.Pairs = n * (n - 1) / 2
	for d := range c.DMs {
		v := make([]float64, n)
		for k := range c.Codes {
			v[k] = eq.Values[actors[d]][rep.Outcome[k]]
			if math.IsNaN(v[k]) {
				return nil, nil, fmt.Errorf("bridge: %s's value of %s is undefined (an undiscounted actor?)", br.Actors[d], g.States[rep.Outcome[k]].ID)
			}
		}
		rep.Value[d] = v
		ranks := ordinal(v)
		if !f.Given[d] {
			rep.Derived[d] = true
			if err := c.SetRanking(d, ranks); err != nil {
				return nil, nil, err
			}
			continue
		}
		for a := 0; a < n; a++ {
			for b := a + 1; b < n; b++ {
				if sign(int64(c.Rank[d][a])-int64(c.Rank[d][b])) != sign(ranks[a]-ranks[b]) {
					rep.Disagree[d]++
				}
			}
		}
	}
	return rep, nil, nil
}

func sign(x int64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// ordinal turns values into ranks, values within tieTol (relative) tied.
func ordinal(v []float64) []int64 {
	out := make([]int64, len(v))
	for i := range v {
		for j := range v {
			if v[j] < v[i] && !close(v[i], v[j]) {
				out[i]++
			}
		}
	}
	return out
}

func close(a, b float64) bool {
	return math.Abs(a-b) <= tieTol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// Verdict compares the lenses for one scenario state that conflict states
// map to.
type Verdict struct {
	State string
	// Concepts under which at least one conflict state mapped here is an
	// equilibrium.
	Concepts []gmcr.Concept
	// Terminal says whether the state is an ending of the scenario.
	Terminal bool
	// Absorb is the cardinal equilibrium's probability of ending here, for
	// an ending; Share the share of the horizon it spends here, for a
	// long-run state.
	Absorb, Share float64
}

// Compare lists, for every scenario state some conflict state maps to, the
// ordinal verdict (equilibria under which concepts) and the cardinal one
// (probability of ending there), in scenario state order.
func (rep *Report) Compare(r *gmcr.Result, concepts []gmcr.Concept) []Verdict {
	used := map[int]bool{}
	for _, s := range rep.Outcome {
		used[s] = true
	}
	var out []Verdict
	for s, x := range rep.Game.States {
		if !used[s] {
			continue
		}
		v := Verdict{State: x.ID, Terminal: x.Terminal, Absorb: rep.Absorb[s], Share: rep.Share[s]}
		for _, k := range concepts {
			for cs, o := range rep.Outcome {
				if o == s && r.Equilibrium(k, cs) {
					v.Concepts = append(v.Concepts, k)
					break
				}
			}
		}
		out = append(out, v)
	}
	return out
}

// MostLikely returns the ending the equilibrium most likely reaches (-1 if
// it never ends) and the non-terminal state where it spends the largest
// share of the horizon, as scenario state indices.
func (rep *Report) MostLikely() (ending, longRun int) {
	ending, longRun = -1, -1
	for s, x := range rep.Game.States {
		if x.Terminal {
			if rep.Absorb[s] > 0 && (ending < 0 || rep.Absorb[s] > rep.Absorb[ending]) {
				ending = s
			}
		} else if longRun < 0 || rep.Share[s] > rep.Share[longRun] {
			longRun = s
		}
	}
	return ending, longRun
}
