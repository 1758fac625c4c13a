package evidence

import (
	"fmt"
	"sort"
	"time"

	"github.com/truce-dev/truce/evidence/record"
	"github.com/truce-dev/truce/internal/period"
	"github.com/truce-dev/truce/scenario"
)

// Data is a record bound to a scenario: per step, the event classes seen
// (with their counts or weights) and the state known to hold, if any.
// Steps without a row are unobserved.
type Data struct {
	// Last is the last step with an observation (-1: none).
	Last int
	// Rows and Observed count the record's rows and the steps they cover.
	Rows, Observed int
	// Calendar dates the steps, when the scenario or the command gives one.
	Calendar *period.Calendar
	// File names the record in messages.
	File string

	obs []*stepObs // len Last+1
}

// stepObs is what was seen at one step.
type stepObs struct {
	ev    []int32   // event classes (indices into Scenario.Events)
	w     []float64 // their counts or weights
	state int32     // the state known to hold, or -1
}

// At returns the observation at step t, nil when t is unobserved.
func (d *Data) at(t int) *stepObs {
	if t < 0 || t >= len(d.obs) {
		return nil
	}
	return d.obs[t]
}

// Date names step t: its first day when there is a calendar, else "step t".
func (d *Data) Date(t int) string {
	if d.Calendar == nil {
		return fmt.Sprintf("step %d", t)
	}
	return period.FormatDate(d.Calendar.DateOf(t))
}

// Until returns the data restricted to steps 0..t: what was known at step
// t, for forecasts made as of then.
func (d *Data) Until(t int) *Data {
	out := *d
	if t+1 < len(d.obs) {
		out.obs = d.obs[:max(t+1, 0)]
	}
	out.Last, out.Rows, out.Observed = -1, 0, 0
	for s, o := range out.obs {
		if o != nil {
			out.Last = s
			out.Observed++
			out.Rows += len(o.ev)
			if o.state >= 0 {
				out.Rows++
			}
		}
	}
	out.obs = out.obs[:out.Last+1]
	return &out
}

// Calendar returns the calendar of sc: its period with the history's start
// date, or with start when it is not the zero time (a command's --start,
// which wins). It is nil when the period has no calendar length or no start
// is known.
func Calendar(sc *scenario.Scenario, start time.Time) (*period.Calendar, error) {
	l, ok := sc.PeriodLength()
	if start.IsZero() && sc.History != nil && sc.History.Start != "" {
		t, err := period.ParseDate(sc.History.Start)
		if err != nil {
			return nil, err
		}
		start = t
	}
	if start.IsZero() {
		return nil, nil
	}
	if !ok {
		return nil, fmt.Errorf("a start date needs a scenario period with a calendar length (day, week, month, ...), not %q", sc.Period)
	}
	c := period.New(start, l)
	return &c, nil
}

// Bind checks rec's names against sc (event classes of its observation
// model, states) and returns the observations per step. Unknown names are
// errors at their file position, with the nearest name as hint.
func Bind(sc *scenario.Scenario, rec *record.Record, cal *period.Calendar) (*Data, error) {
	var errs record.Errors
	fail := func(r record.Row, format string, args ...any) {
		if len(errs) < 20 {
			errs = append(errs, &record.Error{File: rec.File, Line: r.Line, Col: r.Col, Msg: fmt.Sprintf(format, args...)})
		}
	}
	var states []string
	for _, st := range sc.States {
		states = append(states, st.ID)
	}
	d := &Data{Last: rec.LastStep(), Calendar: cal, File: rec.File}
	if d.Last >= 0 {
		d.obs = make([]*stepObs, d.Last+1)
	}
	for _, r := range rec.Rows {
		o := d.obs[r.Step]
		if o == nil {
			o = &stepObs{state: -1}
		}
		if r.State {
			s := sc.StateIndex(r.Name)
			switch {
			case s < 0:
				fail(r, "unknown state %q%s", r.Name, hint(scenario.SuggestName(r.Name, states)))
				continue
			case o.state >= 0 && int(o.state) != s:
				fail(r, "step %d is already recorded in state %q: a step is in one state", r.Step, sc.States[o.state].ID)
				continue
			}
			o.state = int32(s)
		} else {
			if !sc.Observed() {
				fail(r, "the record names event %q but the scenario has no observations section (a record of states names them in a `state` column)", r.Name)
				continue
			}
			e := sc.EventIndex(r.Name)
			if e < 0 {
				fail(r, "unknown event class %q%s", r.Name, hint(scenario.SuggestName(r.Name, sc.Events)))
				continue
			}
			if r.Count == 0 {
				continue // seen zero times: no information
			}
			o.ev = append(o.ev, int32(e))
			o.w = append(o.w, r.Count)
		}
		d.obs[r.Step] = o
		d.Rows++
	}
	if len(errs) > 0 {
		return nil, errs
	}
	// Merge repeated classes at a step, so a factor is one power per class.
	for _, o := range d.obs {
		if o == nil || len(o.ev) < 2 {
			continue
		}
		idx := make([]int, len(o.ev))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool { return o.ev[idx[a]] < o.ev[idx[b]] })
		var ev []int32
		var w []float64
		for _, i := range idx {
			if n := len(ev); n > 0 && ev[n-1] == o.ev[i] {
				w[n-1] += o.w[i]
				continue
			}
			ev, w = append(ev, o.ev[i]), append(w, o.w[i])
		}
		o.ev, o.w = ev, w
	}
	d.Last = -1
	for t, o := range d.obs {
		if o != nil {
			d.Last = t
			d.Observed++
		}
	}
	d.obs = d.obs[:d.Last+1]
	return d, nil
}

func hint(h string) string {
	if h == "" {
		return ""
	}
	return " (hint: " + h + ")"
}

// HistoryRecord returns the scenario's `history` rows as a record, or nil
// when it has none.
func HistoryRecord(sc *scenario.Scenario) *record.Record {
	if sc.History == nil || len(sc.History.Rows) == 0 {
		return nil
	}
	rec := &record.Record{File: sc.File}
	for _, h := range sc.History.Rows {
		r := record.Row{Step: h.Step, Date: h.Date, Name: h.Event, Count: h.Count, Source: h.Source, Line: h.Pos.Line, Col: h.Pos.Col}
		if h.State != "" {
			r.Name, r.State = h.State, true
		}
		rec.Rows = append(rec.Rows, r)
	}
	return rec
}
