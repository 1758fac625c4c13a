package events

import (
	"fmt"
	"strings"
	"time"

	"github.com/truce-dev/truce/evidence/record"
	"github.com/truce-dev/truce/internal/period"
)

// Stats counts what happened to the events read.
type Stats struct {
	Read         int            `json:"read"`
	MissingActor int            `json:"missing_actor"` // an actor or target code left empty
	OutOfScope   int            `json:"out_of_scope"`  // not between the sides (or the dyad)
	OutOfRange   int            `json:"out_of_range"`  // dated before the start or outside from..to
	Unmapped     int            `json:"unmapped"`      // between the sides but matching no class
	PerClass     map[string]int `json:"per_class"`
}

// Aggregator counts mapped events per period and class.
type Aggregator struct {
	m        *Mapping
	cal      period.Calendar
	from, to time.Time // set when the mapping fixes them
	first    time.Time // first and last dates read
	last     time.Time
	counts   map[int][]int
	sources  map[int][]string
	Stats    Stats
}

// NewAggregator counts events into the periods of cal.
func NewAggregator(m *Mapping, cal period.Calendar) *Aggregator {
	a := &Aggregator{m: m, cal: cal, counts: map[int][]int{}, sources: map[int][]string{}, Stats: Stats{PerClass: map[string]int{}}}
	if m.From != "" {
		a.from, _ = period.ParseDate(m.From)
	}
	if m.To != "" {
		a.to, _ = period.ParseDate(m.To)
	}
	return a
}

// sideOf names the side one of ids identifies, "" if none: a code or name
// equal to one of the side's (ignoring case), or a CAMEO actor code that
// starts with a side's three-letter code (USAGOV is USA's government).
func (m *Mapping) sideOf(ids []string) string {
	for _, id := range ids {
		for _, side := range sortedSides(m.Sides) {
			for _, alias := range m.Sides[side] {
				if strings.EqualFold(id, alias) {
					return side
				}
				if len(alias) == 3 && isCode(alias) && len(id) > 3 && isCode(id) && strings.EqualFold(id[:3], alias) {
					return side
				}
			}
		}
	}
	return ""
}

// isCode reports whether s looks like a CAMEO actor code: upper-case
// letters and digits.
func isCode(s string) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// classOf returns the index of the first class ev matches, or -1.
func (m *Mapping) classOf(ev Event, actor, target string) int {
	for i, c := range m.Classes {
		if len(c.Cameo) > 0 || len(c.Plover) > 0 {
			ok := false
			for _, code := range c.Cameo {
				ok = ok || (ev.Cameo != "" && strings.HasPrefix(ev.Cameo, code))
			}
			for _, p := range c.Plover {
				for _, q := range ev.Plover {
					ok = ok || p == q
				}
			}
			if !ok {
				continue
			}
		}
		if len(c.Goldstein) == 2 && !(ev.Goldstein >= c.Goldstein[0] && ev.Goldstein <= c.Goldstein[1]) {
			continue
		}
		if len(c.Quad) > 0 {
			ok := false
			for _, q := range c.Quad {
				ok = ok || q == ev.Quad
			}
			if !ok {
				continue
			}
		}
		if (c.Actor != "" && c.Actor != actor) || (c.Target != "" && c.Target != target) {
			continue
		}
		return i
	}
	return -1
}

// Add counts one event.
func (a *Aggregator) Add(ev Event) error {
	a.Stats.Read++
	if a.first.IsZero() || ev.Date.Before(a.first) {
		a.first = ev.Date
	}
	if ev.Date.After(a.last) {
		a.last = ev.Date
	}
	if len(ev.Actor) == 0 || len(ev.Target) == 0 {
		a.Stats.MissingActor++
		return nil
	}
	actor, target := a.m.sideOf(ev.Actor), a.m.sideOf(ev.Target)
	if actor == "" || target == "" || actor == target {
		a.Stats.OutOfScope++
		return nil
	}
	if d := a.m.Dyad; len(d) == 2 && !(actor == d[0] && target == d[1] || actor == d[1] && target == d[0]) {
		a.Stats.OutOfScope++
		return nil
	}
	if ev.Date.Before(a.cal.Start) || (!a.from.IsZero() && ev.Date.Before(a.from)) || (!a.to.IsZero() && ev.Date.After(a.to)) {
		a.Stats.OutOfRange++
		return nil
	}
	c := a.m.classOf(ev, actor, target)
	if c < 0 {
		a.Stats.Unmapped++
		return nil
	}
	step, err := a.cal.StepOf(ev.Date)
	if err != nil {
		return err
	}
	if step > record.MaxStep {
		return fmt.Errorf("event dated %s is more than %d steps after the start", period.FormatDate(ev.Date), record.MaxStep)
	}
	if a.counts[step] == nil {
		if len(a.counts) >= 1_000_000 {
			return fmt.Errorf("events fall in more than a million periods")
		}
		a.counts[step] = make([]int, len(a.m.Classes))
		a.sources[step] = make([]string, len(a.m.Classes))
	}
	a.counts[step][c]++
	if a.sources[step][c] == "" {
		a.sources[step][c] = ev.Source
	}
	a.Stats.PerClass[a.m.Classes[c].Event]++
	return nil
}

// Record returns the periods as record rows, dated by their first day,
// with warnings about what may mislead (partial periods, dropped events).
func (a *Aggregator) Record(file string) (*record.Record, []string, error) {
	rec := &record.Record{File: file}
	var warn []string
	from, to := a.from, a.to
	if from.IsZero() {
		from = a.first
	}
	if to.IsZero() {
		to = a.last
	}
	if from.IsZero() || to.Before(from) {
		return rec, []string{"no events read: the record is empty"}, nil
	}
	if from.Before(a.cal.Start) {
		from = a.cal.Start
	}
	if to.Before(from) {
		return rec, []string{"every event is dated before the start"}, nil
	}
	s0, err := a.cal.StepOf(from)
	if err != nil {
		return nil, nil, err
	}
	s1, err := a.cal.StepOf(to)
	if err != nil {
		return nil, nil, err
	}
	if s1-s0 > record.MaxStep {
		return nil, nil, fmt.Errorf("the data span more than %d periods", record.MaxStep)
	}
	var partial []int
	for s := s0; s <= s1; s++ {
		cnt := a.counts[s]
		start, end := a.cal.DateOf(s), a.cal.DateOf(s+1).AddDate(0, 0, -1)
		full := !start.Before(from) && !end.After(to)
		switch a.m.PerPeriod {
		case "counts":
			for i, n := range cnt {
				if n > 0 {
					rec.Rows = append(rec.Rows, record.Row{Step: s, Date: period.FormatDate(start), Name: a.m.Classes[i].Event,
						Count: float64(n), Source: describe(n, a.sources[s][i])})
				}
			}
		default:
			row := -1
			for i, n := range cnt {
				if n >= a.m.Classes[i].MinCount {
					row = i
					break
				}
			}
			switch {
			case row >= 0:
				rec.Rows = append(rec.Rows, record.Row{Step: s, Date: period.FormatDate(start), Name: a.m.Classes[row].Event,
					Count: 1, Source: describe(cnt[row], a.sources[s][row])})
			case a.m.Empty != "" && full:
				rec.Rows = append(rec.Rows, record.Row{Step: s, Date: period.FormatDate(start), Name: a.m.Empty, Count: 1, Source: "no mapped event"})
			case a.m.Empty != "":
				partial = append(partial, s)
			}
		}
		if !full && cnt != nil && a.m.PerPeriod == "counts" {
			partial = append(partial, s)
		}
	}
	if len(partial) > 0 {
		warn = append(warn, fmt.Sprintf("%d period(s) only partly covered by the data (%s): left unobserved or counted in part", len(partial), stepsText(partial, a.cal)))
	}
	if a.Stats.MissingActor > 0 {
		verb := "lack an actor or target code and were"
		if a.Stats.MissingActor == 1 {
			verb = "lacks an actor or target code and was"
		}
		warn = append(warn, fmt.Sprintf("%d of %d events %s left out", a.Stats.MissingActor, a.Stats.Read, verb))
	}
	if a.Stats.OutOfRange > 0 {
		what := "events between the sides are dated before the start or outside from..to and were"
		if a.Stats.OutOfRange == 1 {
			what = "event between the sides is dated before the start or outside from..to and was"
		}
		warn = append(warn, fmt.Sprintf("%d %s left out", a.Stats.OutOfRange, what))
	}
	return rec, warn, nil
}

func describe(n int, src string) string {
	s := fmt.Sprintf("%d event", n)
	if n != 1 {
		s += "s"
	}
	if src != "" {
		s += ", e.g. " + src
	}
	return s
}

func stepsText(steps []int, cal period.Calendar) string {
	parts := []string{}
	for i, s := range steps {
		if i == 3 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, period.FormatDate(cal.DateOf(s)))
	}
	return strings.Join(parts, ", ")
}
