package scenario

import (
	"fmt"
	"slices"

	"github.com/truce-dev/truce/markov"
)

// needs is what the exact analysis of one profile must compute on each
// draw, so that a run pays only for the figures it reports or reads:
// every terminal state's figures always (one pass and two solves together),
// a non-terminal state's reach curve, absorption and first-entry time only
// when asked for (each costs its own pass and solves), and the figures from
// other start states, truncated values and long-run shares only when a
// quantity reads them.
type needs struct {
	allStates  bool
	states     map[int]bool // non-terminal states whose reach, absorption and time are read
	valueSteps map[int]bool // steps t with a value over the first t steps read
	from       bool         // figures from every start state
	fromStates map[int]bool // targets of absorb_from and friends
	longRun    bool
	// reportFrom and reportLongRun: the report shows these figures too
	// (AnalyzeOptions.From, LongRun).
	reportFrom, reportLongRun bool
	nStates                   int
}

func newNeeds(nStates int) *needs {
	return &needs{states: map[int]bool{}, valueSteps: map[int]bool{}, fromStates: map[int]bool{}, nStates: nStates}
}

// options are the markov options that compute what n asks for.
func (n *needs) options(horizon int) markov.AnalyzeOptions {
	opt := markov.AnalyzeOptions{Horizon: horizon}
	if !n.allStates {
		opt.States = sortedSet(n.states)
	}
	if len(n.valueSteps) > 0 {
		opt.ValueSteps = sortedSet(n.valueSteps)
	}
	opt.From = n.from || n.reportFrom
	if opt.From {
		targets := map[int]bool{}
		for s := range n.fromStates {
			targets[s] = true
		}
		if n.reportFrom {
			if n.allStates {
				for s := 0; s < n.nStates; s++ {
					targets[s] = true
				}
			}
			for s := range n.states {
				targets[s] = true
			}
		}
		opt.FromStates = sortedSet(targets)
	}
	opt.LongRun = n.longRun || n.reportLongRun
	return opt
}

func sortedSet(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k, ok := range m {
		if ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// quantityNeeds adds what the quantities of profile pi read to n.
func (sc *Scenario) quantityNeeds(pi int, n *needs) {
	for _, q := range sc.quantities {
		if q.profile == pi && q.fn.need != nil {
			q.fn.need(q, n)
		}
	}
}

// stateIndex returns the index of state id, or -1.
func (sc *Scenario) stateIndex(id string) int {
	for i, st := range sc.States {
		if st.ID == id {
			return i
		}
	}
	return -1
}

// plan returns what to compute per needed profile: for reported profiles
// the terminal states and opt.States, and for every profile what its
// quantities read.
func (sc *Scenario) plan(needed []int, report *AnalysisReport, opt AnalyzeOptions) (map[int]*needs, error) {
	extra := newNeeds(len(sc.States))
	for _, id := range opt.States {
		if id == "*" || id == "all" {
			extra.allStates = true
			continue
		}
		s := sc.stateIndex(id)
		if s < 0 {
			var names []string
			for _, st := range sc.States {
				names = append(names, st.ID)
			}
			hint := suggest(id, names)
			if hint != "" {
				hint = " (hint: " + hint + ")"
			}
			return nil, fmt.Errorf("unknown state %q%s", id, hint)
		}
		extra.states[s] = true
	}
	reported := map[int]bool{}
	for _, name := range report.ProfileOrder {
		reported[sc.profileByName(name)] = true
	}
	out := make(map[int]*needs, len(needed))
	noEndings := true
	for _, st := range sc.States {
		noEndings = noEndings && !st.Terminal
	}
	for _, pi := range needed {
		n := newNeeds(len(sc.States))
		sc.quantityNeeds(pi, n)
		if reported[pi] {
			n.allStates = extra.allStates
			for s := range extra.states {
				n.states[s] = true
			}
			n.reportFrom = opt.From
			// A chain without endings is described by its long run.
			n.reportLongRun = opt.LongRun || noEndings
		}
		out[pi] = n
	}
	return out, nil
}
