// Package record reads and writes observed records: what was seen of a
// standoff, step by step (event classes) or known for certain (states), as
// CSV with a header (docs/evidence.md). It knows nothing of scenarios:
// package evidence binds a record's names to a scenario's event classes and
// states.
package record

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/truce-dev/truce/internal/period"
)

// Row is one observation: Count events of class Name seen at Step (a
// weight when not a whole number), or, when State is set, the process known
// to be in state Name at Step.
type Row struct {
	Step   int
	Date   string // YYYY-MM-DD when the row was dated, else ""
	Name   string
	State  bool
	Count  float64
	Source string
	// Line and Col locate Name in the file (1-based), for messages.
	Line, Col int
}

// Record is a record file's rows, in file order.
type Record struct {
	File     string
	Rows     []Row
	Warnings []string
}

// Options tunes Read.
type Options struct {
	// Calendar maps a `date` column to steps; without it a record with
	// dates is an error.
	Calendar *period.Calendar
	// MaxRows bounds the rows read (0: DefaultMaxRows).
	MaxRows int
}

// DefaultMaxRows bounds a record so a hostile file cannot exhaust memory.
const DefaultMaxRows = 10_000_000

// MaxStep bounds the steps a record may name: the longest horizon a
// scenario may have (100,000 steps, about 1,900 years of weeks). Reading a
// record costs time in proportion to its last step for every draw, so a
// looser bound let one stray row (a year typed 3900) keep update busy for
// hours.
const MaxStep = 100_000

// maxErrors is how many errors Read collects before it stops.
const maxErrors = 20

// Error is one problem in a record file, at a position.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Errors is every problem Read found (at most 20), in file order.
type Errors []*Error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Columns a record may have; others are ignored with a warning.
var Columns = []string{"step", "date", "event", "state", "count", "weight", "source"}

// Read reads a record in CSV: a header naming the columns (any order,
// case-insensitive), then one row per observation. It needs `step` or `date`
// and `event` or `state`; `count` (a whole number) or `weight` (a number)
// default to 1; `source` is kept as text. Lines starting with # are
// comments. Steps without a row are unobserved.
func Read(name string, r io.Reader, opt Options) (*Record, error) {
	maxRows := opt.MaxRows
	if maxRows <= 0 {
		maxRows = DefaultMaxRows
	}
	rec := &Record{File: name}
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var errs Errors
	fail := func(line, col int, format string, args ...any) {
		errs = append(errs, &Error{File: name, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
	}
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &Error{File: name, Msg: "empty record: the first line must name the columns, e.g. step,event"}
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	col := map[string]int{}
	hline, _ := cr.FieldPos(0)
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // a spreadsheet's byte-order mark
		}
		key := strings.ToLower(strings.TrimSpace(h))
		_, c := cr.FieldPos(i)
		if !contains(Columns, key) {
			rec.Warnings = append(rec.Warnings, fmt.Sprintf("%s:%d:%d: column %q is not used (known: %s)", name, hline, c, h, strings.Join(Columns, ", ")))
			continue
		}
		if _, dup := col[key]; dup {
			fail(hline, c, "column %q given twice", key)
			continue
		}
		col[key] = i
	}
	_, hasStep := col["step"]
	_, hasDate := col["date"]
	_, hasEvent := col["event"]
	_, hasState := col["state"]
	_, hasCount := col["count"]
	_, hasWeight := col["weight"]
	if !hasStep && !hasDate {
		fail(hline, 1, "the header needs a `step` or a `date` column")
	}
	if !hasEvent && !hasState {
		fail(hline, 1, "the header needs an `event` (or `state`) column")
	}
	if hasCount && hasWeight {
		fail(hline, col["weight"]+1, "give `count` or `weight`, not both")
	}
	if hasDate && opt.Calendar == nil {
		fail(hline, 1, "a `date` column needs the date of step 0 and a calendar period: set `history: {start: YYYY-MM-DD}` and `period: week` (or day, month, ...) in the scenario, or give --start")
	}
	if len(errs) > 0 {
		return nil, errs
	}
	field := func(rowv []string, key string) (string, int, bool) {
		i, ok := col[key]
		if !ok || i >= len(rowv) {
			return "", 0, false
		}
		_, c := cr.FieldPos(i)
		return strings.TrimSpace(rowv[i]), c, true
	}
	for {
		rowv, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && pe.Err == csv.ErrFieldCount {
				continue // not set: FieldsPerRecord is -1
			}
			errs = append(errs, csvError(name, err))
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rowv) == 1 && strings.TrimSpace(rowv[0]) == "" {
			continue
		}
		if len(rec.Rows) >= maxRows {
			fail(line, 1, "more than %d rows", maxRows)
			break
		}
		row := Row{Count: 1, Line: line}
		ok := true
		step, stepCol, stepOK := field(rowv, "step")
		stepOK = stepOK && step != ""
		if stepOK {
			k, err := strconv.Atoi(step)
			if err != nil || k < 0 || k > MaxStep {
				fail(line, stepCol, "step %q is not a whole number from 0 to %d", step, MaxStep)
				ok = false
			}
			row.Step = k
		}
		date, dateCol, dateOK := field(rowv, "date")
		dateOK = dateOK && date != ""
		if dateOK && opt.Calendar != nil {
			t, err := period.ParseDate(date)
			if err != nil {
				fail(line, dateCol, "%v", err)
				ok = false
			} else if k, err := opt.Calendar.StepOf(t); err != nil {
				fail(line, dateCol, "%v", err)
				ok = false
			} else if k > MaxStep {
				fail(line, dateCol, "date %s is more than %d steps after the start", date, MaxStep)
				ok = false
			} else if stepOK && k != row.Step {
				fail(line, dateCol, "date %s is in step %d, but the row says step %d", date, k, row.Step)
				ok = false
			} else {
				row.Step, row.Date = k, period.FormatDate(t)
			}
		}
		if !stepOK && !dateOK {
			fail(line, 1, "row without a step or a date")
			ok = false
		}
		ev, evCol, _ := field(rowv, "event")
		st, stCol, _ := field(rowv, "state")
		switch {
		case ev != "" && st != "":
			fail(line, stCol, "a row names an event or a state, not both")
			ok = false
		case ev != "":
			row.Name, row.Col = ev, evCol
		case st != "":
			row.Name, row.Col, row.State = st, stCol, true
		default:
			c := evCol
			if !hasEvent {
				c = stCol
			}
			fail(line, max(c, 1), "row without an event or a state")
			ok = false
		}
		if !utf8.ValidString(row.Name) {
			fail(line, row.Col, "name is not valid UTF-8")
			ok = false
		}
		if v, c, present := field(rowv, "count"); present && v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 1_000_000 {
				fail(line, c, "count %q is not a whole number from 0 to 1000000", v)
				ok = false
			}
			row.Count = float64(n)
		}
		if v, c, present := field(rowv, "weight"); present && v != "" {
			w, err := strconv.ParseFloat(v, 64)
			if err != nil || !(w >= 0 && w <= 1_000_000) || math.IsInf(w, 0) {
				fail(line, c, "weight %q is not a number from 0 to 1000000", v)
				ok = false
			}
			row.Count = w
		}
		if row.State && row.Count != 1 {
			fail(line, row.Col, "a row naming a state cannot have a count or weight other than 1")
			ok = false
		}
		if v, _, present := field(rowv, "source"); present {
			row.Source = v
		}
		if len(errs) >= maxErrors {
			break
		}
		if ok {
			rec.Rows = append(rec.Rows, row)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return rec, nil
}

func csvError(name string, err error) *Error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{File: name, Line: pe.Line, Col: pe.Column, Msg: pe.Err.Error()}
	}
	return &Error{File: name, Msg: err.Error()}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// LastStep is the largest step a row names (-1 for an empty record).
func (r *Record) LastStep() int {
	last := -1
	for _, row := range r.Rows {
		last = max(last, row.Step)
	}
	return last
}

// Write writes rec as CSV with the columns step, date (when cal is given),
// event (and state, when a row names one), count (weight when a row's is
// not whole) and source, one row per Row in order, so that
// Read gives the same rows back.
func Write(w io.Writer, rec *Record, cal *period.Calendar) error {
	cw := csv.NewWriter(w)
	states := false
	for _, r := range rec.Rows {
		states = states || r.State
	}
	head := []string{"step"}
	if cal != nil {
		head = append(head, "date")
	}
	head = append(head, "event")
	if states {
		head = append(head, "state")
	}
	counts := "count"
	for _, r := range rec.Rows {
		if r.Count != math.Trunc(r.Count) {
			counts = "weight"
		}
	}
	head = append(head, counts, "source")
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range rec.Rows {
		out := []string{strconv.Itoa(r.Step)}
		if cal != nil {
			d := r.Date
			if d == "" {
				d = period.FormatDate(cal.DateOf(r.Step))
			}
			out = append(out, d)
		}
		ev, st := r.Name, ""
		if r.State {
			ev, st = "", r.Name
		}
		out = append(out, ev)
		if states {
			out = append(out, st)
		}
		out = append(out, strconv.FormatFloat(r.Count, 'g', -1, 64), r.Source)
		if err := cw.Write(out); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
