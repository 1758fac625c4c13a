package scenario

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"sync"

	"github.com/goccy/go-yaml/ast"
	"github.com/truce-dev/truce/internal/period"
	"github.com/truce-dev/truce/markov"
)

// This file reads the two sections that turn a scenario into a hidden
// Markov model of what can be seen (docs/evidence.md):
//
//	observations:   per state (and joint action) a distribution over event classes
//	history:        the dated past: events seen and states known at given steps

// ObsRule is one rule of the `observations` section as written: where it
// applies and the event classes it emits with their probabilities.
type ObsRule struct {
	Pos  Pos
	In   []int    // states
	Emit []string // event classes, in the order written
	// when (joint-action condition) and the compiled probabilities are
	// kept unexported.
	when []cond
	p    []*expression
	ev   []int // indices into Scenario.Events
}

// obsModel is the compiled observation model.
type obsModel struct {
	rules []*ObsRule
	// of[s][j] is the rule that applies in non-terminal state s under
	// joint action j; of[s][0] the rule of terminal state s.
	of [][]int
	// byJoint: some rule's choice depends on the joint action.
	byJoint bool
}

// History is the `history` section: the dated past the model is checked
// against (retrodiction), and the date of step 0 that dated rows and
// records count steps from.
type History struct {
	Start     string  // ISO date of step 0; "" when not given
	WarnBelow float64 // retrodiction warns when the record is this surprising or more
	Rows      []HistoryRow
	Pos       Pos
}

// HistoryRow is one dated observation: an event class seen (Event) or a
// state known to hold (State) at a step, Count times (a weight when not a
// whole number).
type HistoryRow struct {
	Step   int
	Date   string // as written, "" for rows given by step
	Event  string
	State  string
	Count  float64
	Source string
	Pos    Pos
}

// DefaultWarnBelow is the retrodiction threshold when `history` does not set
// `warn_below`: warn when fewer than 5% of records simulated from the model
// are as improbable as the one observed.
const DefaultWarnBelow = 0.05

// maxHistoryStep bounds the steps a history or record may name.
const maxHistoryStep = 10_000_000

// eventRE is what an event class may be called: it travels through CSV
// records and mapping files, so no spaces or commas.
var eventRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.:-]*$`) })

// Observed reports whether the scenario has an observation model.
func (sc *Scenario) Observed() bool { return sc.obs != nil }

// ObservationRules returns the rules of the `observations` section.
func (sc *Scenario) ObservationRules() []*ObsRule {
	if sc.obs == nil {
		return nil
	}
	return sc.obs.rules
}

// PeriodLength is the calendar length of one step when the scenario's
// `period` has one (day, week, month, ...).
func (sc *Scenario) PeriodLength() (period.Length, bool) { return period.ParseLength(sc.Period) }

// EventIndex returns the index of event class name in sc.Events, or -1.
func (sc *Scenario) EventIndex(name string) int {
	for i, e := range sc.Events {
		if e == name {
			return i
		}
	}
	return -1
}

// StateIndex returns the index of state id, or -1.
func (sc *Scenario) StateIndex(id string) int {
	for i, st := range sc.States {
		if st.ID == id {
			return i
		}
	}
	return -1
}

// SuggestName returns a hint naming the candidate closest to name ("did
// you mean ...?"), for messages about names in records and mappings.
func SuggestName(name string, candidates []string) string { return suggest(name, candidates) }

func (c *compiler) parseObservations(e kv) {
	items, ok := c.sequence(e.val, "observations")
	if !ok || len(items) == 0 {
		return
	}
	m := &obsModel{}
	events := map[string]int{}
	good := true
	for _, it := range items {
		kvs, ok := c.mapping(it, "an observation rule", posOf(it))
		if !ok {
			good = false
			continue
		}
		c.checkKeys(kvs, "observation rule", withInfo("in", "when", "emit")...)
		r := &ObsRule{Pos: posOf(it)}
		get := map[string]kv{}
		for _, f := range kvs {
			get[f.key] = f
		}
		inOK := true
		if f, ok := get["in"]; ok {
			r.In, inOK = c.stateSet(f.val, "in", f.kpos, true)
		} else {
			r.In = c.nonTerminal()
		}
		good = good && inOK
		if f, ok := get["when"]; ok {
			whenOK := true
			for _, s := range r.In {
				if c.sc.States[s].Terminal {
					c.d.errorf(f.kpos, "nothing is played in a terminal state; use a separate rule for it", "`when` in an observation rule for terminal state %q", c.stateNames[s])
					whenOK = false
					break
				}
			}
			if whenOK {
				var at []int
				if inOK {
					at = r.In
				}
				r.when, whenOK = c.conds(f.val, "when", f.kpos, at)
			}
			good = good && whenOK
			m.byJoint = m.byJoint || len(r.when) > 0
		}
		f, ok := get["emit"]
		if !ok {
			c.d.errorf(r.Pos, "add emit: {quiet: 0.9, incident: 0.1}", "observation rule without `emit`")
			good = false
			continue
		}
		if !c.parseEmit(r, f, events) {
			good = false
			continue
		}
		m.rules = append(m.rules, r)
	}
	c.sc.obs = m
	if !good || c.d.hasErrors() {
		// The rules read are still checked on the draws (their
		// probabilities); coverage is not judged on a partial section.
		return
	}
	c.indexObservations(e.kpos)
	c.lintEvents()
}

// parseEmit reads `emit`: event class -> probability, or one class name
// (probability 1).
func (c *compiler) parseEmit(r *ObsRule, f kv, events map[string]int) bool {
	add := func(name string, p Pos, x *expression) bool {
		if !eventRE().MatchString(name) {
			c.d.errorf(p, "use letters, digits, _ . : - (no spaces or commas)", "invalid event class %q", name)
			return false
		}
		if contains(r.Emit, name) {
			c.d.errorf(p, "", "event class %q listed twice", name)
			return false
		}
		i, ok := events[name]
		if !ok {
			i = len(c.sc.Events)
			events[name] = i
			c.sc.Events = append(c.sc.Events, name)
		}
		r.Emit = append(r.Emit, name)
		r.ev = append(r.ev, i)
		r.p = append(r.p, x)
		return true
	}
	if nm, kind := scalarText(f.val); kind == "string" {
		return add(strings.TrimSpace(nm), posOf(f.val), &expression{src: "1", pos: posOf(f.val), konst: true, val: 1})
	}
	kvs, ok := c.mapping(f.val, "emit", f.kpos)
	if !ok {
		return false
	}
	if len(kvs) == 0 {
		c.d.errorf(f.kpos, "write {event: probability, ...}", "emit: empty distribution")
		return false
	}
	good := true
	for _, ek := range kvs {
		x := c.num(ek.val, "probability", ek.kpos)
		if x == nil {
			good = false
			continue
		}
		good = add(ek.key, ek.kpos, x) && good
	}
	return good
}

// indexObservations finds the rule that applies to every state and joint
// action (the first that matches) and reports what no rule covers.
func (c *compiler) indexObservations(at Pos) {
	sc := c.sc
	m := sc.obs
	for a := range sc.Actors {
		if c.actionsUnsure[a] {
			return
		}
	}
	m.of = make([][]int, len(sc.States))
	k := make([]int, len(sc.Actors))
	for s, st := range sc.States {
		if st.Terminal {
			m.of[s] = []int{-1}
			for ri, r := range m.rules {
				if containsInt(r.In, s) {
					m.of[s][0] = ri
					break
				}
			}
			if m.of[s][0] < 0 {
				c.d.errorf(at, fmt.Sprintf("add {in: %s, emit: {...}}: a record goes on after the process ends, so say what is seen there", st.ID),
					"terminal state %q has no observation rule", st.ID)
			}
			continue
		}
		nj := markov.JointCount(sc.Avail[s])
		m.of[s] = make([]int, nj)
		for j := 0; j < nj; j++ {
			markov.DecodeJoint(sc.Avail[s], j, k)
			m.of[s][j] = -1
			for ri, r := range m.rules {
				if containsInt(r.In, s) && sc.condsHold(r.when, s, k) {
					m.of[s][j] = ri
					break
				}
			}
			if m.of[s][j] < 0 {
				var play []string
				for a := range sc.Actors {
					play = append(play, sc.Actors[a].ID+"="+sc.Actions[a][sc.Avail[s][a][k[a]]])
				}
				c.d.errorf(at, fmt.Sprintf(`add a rule for it, e.g. {in: %s, emit: {...}} after the others`, st.ID),
					"state %q under joint action %s has no observation rule", st.ID, strings.Join(play, ", "))
				break
			}
		}
	}
}

// lintEvents warns about event classes whose names differ by one letter: a
// typo would otherwise make a new class that no record ever names.
func (c *compiler) lintEvents() {
	ev := c.sc.Events
	for i := range ev {
		for j := i + 1; j < len(ev); j++ {
			if len(ev[i]) > 3 && editDistance(ev[i], ev[j]) == 1 {
				pos := c.sc.obs.rules[0].Pos
				for _, r := range c.sc.obs.rules {
					if contains(r.Emit, ev[j]) {
						pos = r.Pos
						break
					}
				}
				c.d.warnf(pos, "check for a typo: each spelling is its own event class", "event classes %q and %q differ by one letter", ev[i], ev[j])
			}
		}
	}
}

// checkObsDraw checks every observation rule's probabilities on draw d:
// each in [0, 1] and summing to 1.
func (sc *Scenario) checkObsDraw(env map[string]any, d Draw) []*drawError {
	if sc.obs == nil {
		return nil
	}
	var out []*drawError
	for _, r := range sc.obs.rules {
		if _, err := sc.probs(r.p, env, d, r.Pos, "observation rule", true); err != nil {
			if de, ok := err.(*drawError); ok {
				out = append(out, de)
			}
		}
	}
	return out
}

// Emission is the observation model evaluated for one parameter draw.
type Emission struct {
	Events []string
	// Rows[r] is the distribution over Events of rule r.
	Rows [][]float64
	// Of[s][j] is the row that applies in non-terminal state s under joint
	// action j (numbered as in markov.Game); Of[s][0] for terminal s.
	Of [][]int
	// ByJoint reports that some rule depends on the joint action, so what
	// is seen at a step is correlated with the move to the next.
	ByJoint bool
}

// Emissions evaluates the observation model on draw d. It fails when the
// scenario has no `observations` section or a probability is invalid on d.
func (sc *Scenario) Emissions(d Draw) (*Emission, error) {
	if sc.obs == nil {
		return nil, fmt.Errorf("scenario %s has no observations section", sc.Name)
	}
	env, err := sc.env(d)
	if err != nil {
		return nil, sc.posErr(err)
	}
	em := &Emission{Events: sc.Events, Of: sc.obs.of, ByJoint: sc.obs.byJoint, Rows: make([][]float64, len(sc.obs.rules))}
	for ri, r := range sc.obs.rules {
		v, err := sc.probs(r.p, env, d, r.Pos, "observation rule", true)
		if err != nil {
			return nil, sc.posErr(err)
		}
		row := make([]float64, len(sc.Events))
		for i, e := range r.ev {
			row[e] += v[i]
		}
		em.Rows[ri] = row
	}
	return em, nil
}

// Row returns the distribution over events in state s under joint action j
// (j is ignored for terminal states).
func (em *Emission) Row(s, j int) []float64 {
	if len(em.Of[s]) == 1 {
		return em.Rows[em.Of[s][0]]
	}
	return em.Rows[em.Of[s][j]]
}

func (c *compiler) parseHistory(e kv) {
	if e.val == nil {
		return
	}
	kvs, ok := c.mapping(e.val, "history", e.kpos)
	if !ok {
		return
	}
	c.checkKeys(kvs, "history", withInfo("start", "warn_below", "events")...)
	h := &History{Pos: e.kpos, WarnBelow: DefaultWarnBelow}
	var cal *period.Calendar
	var eventsKV *kv
	for i, f := range kvs {
		switch f.key {
		case "start":
			s, p, ok := c.name(f.val, "start", f.kpos)
			if !ok {
				continue
			}
			t, err := period.ParseDate(s)
			if err != nil {
				c.d.errorf(p, "write the date of step 0 as YYYY-MM-DD", "start: %v", err)
				continue
			}
			h.Start = period.FormatDate(t)
			if l, ok := c.sc.PeriodLength(); ok {
				cl := period.New(t, l)
				cal = &cl
			} else {
				c.d.errorf(f.kpos, "set `period:` to day, week, fortnight, month, quarter or year (optionally \"2 weeks\")",
					"history: a start date needs a period with a calendar length, not %q", c.sc.Period)
			}
		case "warn_below":
			if v, ok := c.constNum(f.val, "warn_below", f.kpos); ok {
				if !(v > 0 && v < 1) {
					c.d.errorf(posOf(f.val), "a share such as 0.05", "warn_below %v outside (0, 1)", v)
				}
				h.WarnBelow = v
			}
		case "events":
			eventsKV = &kvs[i]
		}
	}
	if eventsKV != nil {
		items, ok := c.sequence(eventsKV.val, "history events")
		if ok {
			for _, it := range items {
				if r, ok := c.historyRow(it, cal); ok {
					h.Rows = append(h.Rows, r)
				}
			}
		}
	}
	c.sc.History = h
}

func (c *compiler) historyRow(it ast.Node, cal *period.Calendar) (HistoryRow, bool) {
	r := HistoryRow{Pos: posOf(it), Count: 1}
	kvs, ok := c.mapping(it, "a history row", posOf(it))
	if !ok {
		return r, false
	}
	c.checkKeys(kvs, "history row", withInfo("step", "date", "event", "state", "count", "weight")...)
	get := map[string]kv{}
	for _, f := range kvs {
		get[f.key] = f
	}
	good := true
	step, hasStep := get["step"]
	date, hasDate := get["date"]
	switch {
	case hasStep && hasDate:
		c.d.errorf(date.kpos, "give either the step or the date", "history row with both `step` and `date`")
		good = false
	case hasStep:
		v, ok := c.intNum(step.val, "step", step.kpos)
		if ok && (v < 0 || v > maxHistoryStep) {
			c.d.errorf(posOf(step.val), "", "step %d outside 0 to %d", v, maxHistoryStep)
			ok = false
		}
		r.Step, good = v, ok
	case hasDate:
		s, p, ok := c.name(date.val, "date", date.kpos)
		if !ok {
			return r, false
		}
		t, err := period.ParseDate(s)
		if err != nil {
			c.d.errorf(p, "", "%v", err)
			return r, false
		}
		if cal == nil {
			c.d.errorf(p, "add `start: YYYY-MM-DD` (the date of step 0) to history, and a calendar `period`", "a dated row needs the history's start date")
			return r, false
		}
		k, err := cal.StepOf(t)
		if err == nil && k > maxHistoryStep {
			err = fmt.Errorf("date %s is more than %d steps after the start", s, maxHistoryStep)
		}
		if err != nil {
			c.d.errorf(p, "", "%v", err)
			return r, false
		}
		r.Step, r.Date = k, period.FormatDate(t)
	default:
		c.d.errorf(r.Pos, "add step: N or date: YYYY-MM-DD", "history row without `step` or `date`")
		good = false
	}
	ev, hasEv := get["event"]
	st, hasSt := get["state"]
	switch {
	case hasEv && hasSt:
		c.d.errorf(st.kpos, "write one row for the event and one for the state", "history row with both `event` and `state`")
		good = false
	case hasEv:
		nm, p, ok := c.name(ev.val, "event", ev.kpos)
		switch {
		case !ok:
			good = false
		case c.sc.obs == nil:
			c.d.errorf(p, "add an `observations:` section, or name a state instead (state: NAME)", "history names event %q but the scenario has no observation model", nm)
			good = false
		case !contains(c.sc.Events, nm):
			c.d.errorf(p, suggest(nm, c.sc.Events), "unknown event class %q", nm)
			good = false
		}
		r.Event = nm
	case hasSt:
		nm, p, ok := c.name(st.val, "state", st.kpos)
		if ok {
			_, ok = c.lookupState(nm, p)
		}
		good = good && ok
		r.State = nm
	default:
		c.d.errorf(r.Pos, "add event: CLASS or state: NAME", "history row without `event` or `state`")
		good = false
	}
	cnt, hasCnt := get["count"]
	w, hasW := get["weight"]
	switch {
	case hasCnt && hasW:
		c.d.errorf(w.kpos, "", "history row with both `count` and `weight`")
		good = false
	case hasCnt:
		v, ok := c.intNum(cnt.val, "count", cnt.kpos)
		if ok && (v < 0 || v > 1_000_000) {
			c.d.errorf(posOf(cnt.val), "", "count %d outside 0 to 1000000", v)
			ok = false
		}
		r.Count, good = float64(v), good && ok
	case hasW:
		v, ok := c.constNum(w.val, "weight", w.kpos)
		if ok && !(v >= 0 && v <= 1_000_000) {
			c.d.errorf(posOf(w.val), "", "weight %v outside 0 to 1000000", v)
			ok = false
		}
		r.Count, good = v, good && ok
	}
	if r.State != "" && r.Count != 1 {
		c.d.errorf(r.Pos, "a state holds or not", "a history row naming a state cannot have a count or weight")
		good = false
	}
	r.Source = c.info(kvs).Source
	if math.IsNaN(r.Count) {
		good = false
	}
	return r, good
}

// Quantities returns the canonical keys of the quantities the hypothesis
// reads (reach("war", 52, "baseline"), ...), in the order they appear.
func (h *Hypothesis) Quantities() []string {
	out := make([]string, len(h.quant))
	for i, q := range h.quant {
		out[i] = q.key
	}
	return out
}
