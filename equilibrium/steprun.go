package equilibrium

import (
	"fmt"
	"strings"
)

// StepRunLabel says at which steps of a clocked game (clock > 0) a row
// holds that covers its decision point at steps first..last, last == clock
// standing for every step from the clock on: "at every step" when the row
// covers every step at which the point can arise (from earliest on: see
// EarliestStep), else "at step 3", "at steps 1–10" or "from step 11 on".
// Without a clock it is "".
func StepRunLabel(clock, earliest, first, last int) string {
	switch {
	case clock == 0:
		return ""
	case first <= earliest && last >= clock:
		return "at every step"
	case last >= clock:
		return fmt.Sprintf("from step %d on", first)
	case first == last:
		return fmt.Sprintf("at step %d", first)
	}
	return fmt.Sprintf("at steps %d–%d", first, last)
}

// EarliestStep is the first step at which a decision point can arise: 0,
// or 1 for a point reached after a remembered move (after or context set),
// since at step 0 nobody has moved. A row about such a point that starts
// at step 1 and runs on past the clock holds at every step, and "from step
// 1 on" would suggest that step 0 differs.
func EarliestStep(after, context string) int {
	if after != "" || context != "" {
		return 1
	}
	return 0
}

// ThreatRun is one decision point's threats at consecutive steps of a
// clocked game that prescribe the same play with the same verdict, kind and
// best deviation: one row for people, its numbers ranges over the steps.
// Without a clock every run is one threat.
type ThreatRun struct {
	Threats []Threat // in step order, at least one
}

// MergeThreatSteps groups threats into runs, in the order of each run's
// first threat. Only threats at consecutive steps join a run.
func MergeThreatSteps(ths []Threat) []ThreatRun {
	var runs []ThreatRun
	last := map[string]int{} // the latest run of each key
	for _, t := range ths {
		key := t.runKey()
		if i, ok := last[key]; ok && t.Clock > 0 {
			r := &runs[i]
			if t.Step == r.Threats[len(r.Threats)-1].Step+1 {
				r.Threats = append(r.Threats, t)
				continue
			}
		}
		last[key] = len(runs)
		runs = append(runs, ThreatRun{Threats: []Threat{t}})
	}
	return runs
}

// runKey is what threats of one run share: all but the step and the
// numbers.
func (t Threat) runKey() string {
	var short []string
	for _, s := range t.Support {
		if s.Shortfall > 0 {
			short = append(short, s.Action)
		}
	}
	return strings.Join([]string{t.Actor, t.State, t.After, t.Context, t.Kind, t.PlayText, t.BestDeviation,
		fmt.Sprint(t.Credible), strings.Join(short, ",")}, "\x00")
}

// Steps is the run's steps for people (StepRunLabel), "" without a clock.
func (r ThreatRun) Steps() string {
	t, end := r.Threats[0], r.Threats[len(r.Threats)-1]
	return StepRunLabel(t.Clock, EarliestStep(t.After, t.Context), t.Step, end.Step)
}

// String renders the run as one line, as Threat.String renders a threat,
// with the steps it covers and each number as its range over them.
func (r ThreatRun) String() string {
	t := r.Threats[0]
	if t.Clock == 0 && len(r.Threats) == 1 {
		return t.String()
	}
	span := func(get func(Threat) float64) string {
		lo, hi := get(t), get(t)
		for _, u := range r.Threats[1:] {
			lo, hi = min(lo, get(u)), max(hi, get(u))
		}
		if a, b := credNum(lo), credNum(hi); a != b {
			return a + "–" + b
		}
		return credNum(lo)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", t.Actor, t.PlayText)
	if t.After != "" {
		fmt.Fprintf(&b, " after %s", t.After)
	}
	fmt.Fprintf(&b, " in %s", t.State)
	if s := r.Steps(); s != "" {
		b.WriteString(" " + s)
	}
	if t.Context != "" {
		fmt.Fprintf(&b, " (with %s remembered)", t.Context)
	}
	b.WriteString(" — ")
	switch {
	case t.Credible:
		fmt.Fprintf(&b, "credible, margin %s", span(func(u Threat) float64 { return u.Margin }))
	case len(t.Support) > 1:
		var bad []string
		for k, s := range t.Support {
			if s.Shortfall > 0 {
				bad = append(bad, fmt.Sprintf("%s loses %s", s.Action, span(func(u Threat) float64 { return u.Support[k].Shortfall })))
			}
		}
		fmt.Fprintf(&b, "not credible: %s against %s", strings.Join(bad, ", "), t.BestDeviation)
	default:
		fmt.Fprintf(&b, "not credible, gain %s by %s", span(func(u Threat) float64 { return u.Gain }), t.BestDeviation)
	}
	return b.String()
}

// ThreatSummaryRun is one decision point's ThreatSummary at consecutive
// steps of a clocked game with the same kind, play and credible share: one
// row for people. Step is the first step, LastStep the last (the clock
// for every step from then on); the median margin ranges from MarginLow
// to MarginHigh over them.
type ThreatSummaryRun struct {
	ThreatSummary
	LastStep              int
	MarginLow, MarginHigh float64
}

// Steps is the run's steps for people (StepRunLabel), "" without a clock.
func (r ThreatSummaryRun) Steps() string {
	return StepRunLabel(r.Clock, EarliestStep(r.After, r.Context), r.Step, r.LastStep)
}

// MergeSummarySteps groups the rows of SummarizeThreats into runs over
// consecutive steps, in the order of each run's first row.
func MergeSummarySteps(sums []ThreatSummary) []ThreatSummaryRun {
	var runs []ThreatSummaryRun
	last := map[string]int{}
	for _, s := range sums {
		key := strings.Join([]string{s.Actor, s.State, s.After, s.Context, s.Kind, s.Play, fmt.Sprint(s.Draws, s.Credible)}, "\x00")
		if i, ok := last[key]; ok && s.Clock > 0 && s.Step == runs[i].LastStep+1 {
			r := &runs[i]
			r.LastStep = s.Step
			r.MarginLow, r.MarginHigh = min(r.MarginLow, s.MedianMargin), max(r.MarginHigh, s.MedianMargin)
			continue
		}
		last[key] = len(runs)
		runs = append(runs, ThreatSummaryRun{ThreatSummary: s, LastStep: s.Step, MarginLow: s.MedianMargin, MarginHigh: s.MedianMargin})
	}
	return runs
}
