// Package period maps calendar dates to the steps of a scenario and back: a
// scenario's `period` (day, week, month, ...) and the date of step 0 fix
// which step each date falls in. Dates are civil dates (no time of day, no
// time zone), so a record means the same wherever it is read.
package period

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Unit is a calendar unit that steps can be counted in.
type Unit int

// Units. Months count calendar months (a month step starting on the 31st
// starts on the last day of shorter months); quarters are 3 months and years
// 12.
const (
	Day Unit = iota
	Month
)

// Length is one step: N days or N months.
type Length struct {
	Unit Unit
	N    int
}

// String names the length the way ParseLength reads it back.
func (l Length) String() string {
	switch {
	case l.Unit == Day && l.N == 1:
		return "day"
	case l.Unit == Day && l.N == 7:
		return "week"
	case l.Unit == Day:
		return fmt.Sprintf("%d days", l.N)
	case l.N == 1:
		return "month"
	case l.N == 3:
		return "quarter"
	case l.N == 12:
		return "year"
	}
	return fmt.Sprintf("%d months", l.N)
}

// named is the length of a period name (a switch, not a map built at
// start).
func named(name string) (Length, bool) {
	switch name {
	case "day":
		return Length{Day, 1}, true
	case "week":
		return Length{Day, 7}, true
	case "fortnight":
		return Length{Day, 14}, true
	case "month":
		return Length{Month, 1}, true
	case "quarter":
		return Length{Month, 3}, true
	case "year":
		return Length{Month, 12}, true
	}
	return Length{}, false
}

// Names lists the period names ParseLength understands (singular; plurals
// and a leading count such as "2 weeks" are understood too).
var Names = []string{"day", "week", "fortnight", "month", "quarter", "year"}

// ParseLength reads a scenario's period: "day", "week", "fortnight",
// "month", "quarter", "year", their plurals, optionally preceded by a
// whole number ("2 weeks", "3 days"). ok is false for a period that has no
// calendar length (the default "step", or a free label such as "round").
func ParseLength(s string) (l Length, ok bool) {
	f := strings.Fields(strings.ToLower(strings.TrimSpace(s)))
	n := 1
	switch len(f) {
	case 1:
	case 2:
		k, err := strconv.Atoi(f[0])
		if err != nil || k < 1 || k > 1000 {
			return Length{}, false
		}
		n = k
		f = f[1:]
	default:
		return Length{}, false
	}
	name := f[0]
	base, found := named(name)
	if !found && strings.HasSuffix(name, "s") {
		base, found = named(strings.TrimSuffix(name, "s"))
	}
	if !found {
		return Length{}, false
	}
	base.N *= n
	return base, true
}

// Calendar numbers the steps of a scenario from the date of step 0.
type Calendar struct {
	Start time.Time // civil date of step 0 (UTC midnight)
	Step  Length
}

// New returns the calendar whose step 0 starts on start.
func New(start time.Time, step Length) Calendar {
	return Calendar{Start: civil(start), Step: step}
}

// civil drops the time of day and zone, keeping the calendar date as written.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dayNumber counts days since the Unix epoch.
func dayNumber(t time.Time) int64 { return civil(t).Unix() / 86400 }

// StepOf returns the step that date falls in: the last step whose first day
// is on or before date. A date before the start is an error.
func (c Calendar) StepOf(date time.Time) (int, error) {
	date = civil(date)
	if date.Before(c.Start) {
		return 0, fmt.Errorf("date %s is before the start %s (step 0)", FormatDate(date), FormatDate(c.Start))
	}
	if c.Step.N < 1 {
		return 0, fmt.Errorf("period length %d is not positive", c.Step.N)
	}
	if c.Step.Unit == Day {
		k := (dayNumber(date) - dayNumber(c.Start)) / int64(c.Step.N)
		if k > 1<<40 {
			return 0, fmt.Errorf("date %s is too far after the start", FormatDate(date))
		}
		return int(k), nil
	}
	months := (date.Year()-c.Start.Year())*12 + int(date.Month()-c.Start.Month())
	k := months / c.Step.N
	for k > 0 && c.DateOf(k).After(date) {
		k--
	}
	return k, nil
}

// DateOf returns the first day of step k.
func (c Calendar) DateOf(k int) time.Time {
	if c.Step.Unit == Day {
		return c.Start.AddDate(0, 0, k*c.Step.N)
	}
	months := k * c.Step.N
	y := c.Start.Year() + (int(c.Start.Month())-1+months)/12
	m := time.Month((int(c.Start.Month())-1+months)%12 + 1)
	d := min(c.Start.Day(), daysIn(y, m))
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// ParseDate reads a civil date: YYYY-MM-DD (ISO 8601), YYYYMMDD (GDELT's
// SQLDATE), or an RFC 3339 timestamp whose date part is taken as written.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "20060102"} {
		if len(s) == len(layout) {
			if t, err := time.Parse(layout, s); err == nil {
				return t, nil
			}
		}
	}
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a date (write YYYY-MM-DD)", s)
}

// FormatDate writes t as YYYY-MM-DD.
func FormatDate(t time.Time) string { return t.Format("2006-01-02") }
