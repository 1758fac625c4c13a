package scenario

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/markov"
)

// FromReport holds a profile's figures from one start state: the process
// started there at step 0 (with no previous step), over the draws.
type FromReport struct {
	// Absorb, Reach and Time are per target state (every terminal state,
	// and the states named with --states): the probability of ever
	// entering it, of having entered it by the horizon, and the expected
	// step of first entry among the paths that enter it.
	Absorb map[string]Stat `json:"absorb"`
	Reach  map[string]Stat `json:"reach"`
	Time   map[string]Stat `json:"time"`
	// Value is each actor's expected discounted utility (no horizon).
	Value map[string]Stat `json:"value"`
}

// LongRunReport is where the process spends its time in the long run.
type LongRunReport struct {
	// Share[s] is the long-run share of steps spent in state s (a terminal
	// state counting every step after the process ended there).
	Share map[string]Stat `json:"share"`
	// Recurrence[s] is the expected number of steps between two visits to
	// s (Kac's formula: 1/stationary probability), over the draws in which
	// s is recurrent; absent for states never recurrent.
	Recurrence map[string]Stat `json:"recurrence"`
	// Classes are the recurrent classes met on the draws.
	Classes []ClassReport `json:"classes"`
}

// ClassReport is one recurrent class: a set of states the process never
// leaves once inside (a terminal state is one).
type ClassReport struct {
	States   []string `json:"states"`
	Terminal bool     `json:"terminal"`
	// Draws is the share of draws on which the class exists.
	Draws float64 `json:"draws"`
	// Prob is the probability of ending up in the class from the initial
	// state, over the draws on which it exists.
	Prob Stat `json:"prob"`
	// Stationary is the class's stationary distribution.
	Stationary map[string]Stat `json:"stationary"`
	// Period is the largest period seen (1: aperiodic; 0: terminal). With
	// period d > 1 the process cycles through d groups of states: the
	// probabilities at a given step do not settle, only their averages.
	Period int `json:"period"`
}

// extraAcc collects the figures from every start and the long run over
// draws, for one reported profile.
type extraAcc struct {
	sc      *Scenario
	from    bool
	longRun bool
	targets []int
	// fromVals[start][k][draw]: k = 3 per target (absorb, reach, time),
	// then one per actor (value).
	fromVals [][][]float64
	share    [][]float64 // [state][draw]
	recur    [][]float64 // [state][draw], NaN when not recurrent
	classes  map[string]*classAcc
	order    []string
}

type classAcc struct {
	states   []int
	terminal bool
	n        int
	prob     []float64
	stat     [][]float64 // [state in class][draw]
	period   int
}

func newExtraAcc(ctx context.Context, sc *Scenario, n *needs, draws int) (*extraAcc, error) {
	e := &extraAcc{sc: sc, from: n.reportFrom, longRun: n.reportLongRun, classes: map[string]*classAcc{}}
	nS := len(sc.States)
	if e.from {
		for s, st := range sc.States {
			if st.Terminal || n.allStates || n.states[s] {
				e.targets = append(e.targets, s)
			}
		}
		k := 3*len(e.targets) + len(sc.Actors)
		if err := budget.Check(ctx, "figures from every start over the draws", budget.Mul(int64(nS), int64(k), int64(draws), 8),
			"fewer draws, or fewer states named with --states"); err != nil {
			return nil, err
		}
		e.fromVals = make([][][]float64, nS)
		for s := range e.fromVals {
			e.fromVals[s] = make([][]float64, k)
		}
	}
	if e.longRun {
		e.share, e.recur = make([][]float64, nS), make([][]float64, nS)
	}
	return e, nil
}

func (e *extraAcc) add(a *markov.Analysis) {
	sc := e.sc
	if e.from && a.From != nil {
		f := a.From
		for s := range sc.States {
			row := e.fromVals[s]
			for i, t := range e.targets {
				row[3*i] = append(row[3*i], f.Absorb[t][s])
				row[3*i+1] = append(row[3*i+1], f.Reach[t][s][len(f.Reach[t][s])-1])
				row[3*i+2] = append(row[3*i+2], f.Time[t][s])
			}
			for x := range sc.Actors {
				k := 3*len(e.targets) + x
				row[k] = append(row[k], f.Total[s][x])
			}
		}
	}
	if e.longRun && a.LongRun != nil {
		lr := a.LongRun
		rec := make([]float64, len(sc.States))
		for s := range rec {
			rec[s] = math.NaN()
		}
		for _, rc := range lr.Classes {
			var names []string
			for _, s := range rc.States {
				names = append(names, sc.States[s].ID)
				if !rc.Terminal {
					rec[s] = rc.Recurrence[s]
				}
			}
			key := strings.Join(names, ",")
			ca := e.classes[key]
			if ca == nil {
				ca = &classAcc{states: rc.States, terminal: rc.Terminal, stat: make([][]float64, len(rc.States))}
				e.classes[key] = ca
				e.order = append(e.order, key)
			}
			ca.n++
			ca.prob = append(ca.prob, rc.Prob)
			for i, s := range rc.States {
				ca.stat[i] = append(ca.stat[i], rc.Stationary[s])
			}
			ca.period = max(ca.period, rc.Period)
		}
		for s := range sc.States {
			e.share[s] = append(e.share[s], lr.Share[s])
			e.recur[s] = append(e.recur[s], rec[s])
		}
	}
}

func (e *extraAcc) report(pr *ProfileReport, draws int) {
	sc := e.sc
	if e.from {
		pr.From = map[string]*FromReport{}
		for s, st := range sc.States {
			fr := &FromReport{Absorb: map[string]Stat{}, Reach: map[string]Stat{}, Time: map[string]Stat{}, Value: map[string]Stat{}}
			row := e.fromVals[s]
			for i, t := range e.targets {
				id := sc.States[t].ID
				fr.Absorb[id] = summarize(row[3*i])
				fr.Reach[id] = summarize(row[3*i+1])
				fr.Time[id] = summarize(row[3*i+2])
			}
			for x, act := range sc.Actors {
				fr.Value[act.ID] = summarize(row[3*len(e.targets)+x])
			}
			pr.From[st.ID] = fr
		}
	}
	if e.longRun {
		lr := &LongRunReport{Share: map[string]Stat{}, Recurrence: map[string]Stat{}}
		for s, st := range sc.States {
			lr.Share[st.ID] = summarize(e.share[s])
			if r := summarize(e.recur[s]); !isNaN(r.Mean) {
				lr.Recurrence[st.ID] = r
			}
		}
		for _, key := range e.order {
			ca := e.classes[key]
			cr := ClassReport{Terminal: ca.terminal, Draws: float64(ca.n) / float64(draws), Prob: summarize(ca.prob),
				Stationary: map[string]Stat{}, Period: ca.period}
			for i, s := range ca.states {
				cr.States = append(cr.States, sc.States[s].ID)
				cr.Stationary[sc.States[s].ID] = summarize(ca.stat[i])
			}
			lr.Classes = append(lr.Classes, cr)
		}
		pr.LongRun = lr
	}
}

func isNaN(x Number) bool { return x != x }

// String names a class for messages, e.g. "{truce, clash}".
func (c ClassReport) String() string { return "{" + strings.Join(c.States, ", ") + "}" }

// periodicNote says which classes cycle, or "".
func (lr *LongRunReport) periodicNote() string {
	var parts []string
	for _, c := range lr.Classes {
		if c.Period > 1 {
			parts = append(parts, fmt.Sprintf("%s has period %d", c, c.Period))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ") + ": the process cycles through its states, so the probability of being in a state at a given step does not settle; the shares are averages over time"
}
