package period

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

func date(s string) time.Time {
	t, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseLength(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Length
		ok   bool
	}{
		{"week", Length{Day, 7}, true},
		{"Weeks", Length{Day, 7}, true},
		{"2 weeks", Length{Day, 14}, true},
		{"fortnight", Length{Day, 14}, true},
		{"day", Length{Day, 1}, true},
		{"3 days", Length{Day, 3}, true},
		{"month", Length{Month, 1}, true},
		{"quarter", Length{Month, 3}, true},
		{"years", Length{Month, 12}, true},
		{"step", Length{}, false},
		{"round", Length{}, false},
		{"0 weeks", Length{}, false},
		{"two weeks", Length{}, false},
		{"", Length{}, false},
		{"1 2 weeks", Length{}, false},
	} {
		got, ok := ParseLength(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("ParseLength(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
		if ok {
			back, ok2 := ParseLength(got.String())
			if !ok2 || back != got {
				t.Errorf("%v prints as %q, which reads back as %v", got, got.String(), back)
			}
		}
	}
}

func TestStepOf(t *testing.T) {
	week := New(date("2026-04-06"), Length{Day, 7}) // a Monday
	month := New(date("2026-01-31"), Length{Month, 1})
	for _, tc := range []struct {
		cal  Calendar
		d    string
		want int
	}{
		{week, "2026-04-06", 0},
		{week, "2026-04-12", 0},
		{week, "2026-04-13", 1},
		{week, "2026-04-30", 3},
		{week, "2026-05-31", 7},
		{week, "2026-12-31", 38},
		{month, "2026-01-31", 0},
		{month, "2026-02-27", 0},
		{month, "2026-02-28", 1}, // step 1 starts on the last day of February
		{month, "2026-03-30", 1},
		{month, "2026-03-31", 2},
		{month, "2026-04-30", 3},
		{month, "2027-01-31", 12},
	} {
		got, err := tc.cal.StepOf(date(tc.d))
		if err != nil || got != tc.want {
			t.Errorf("step of %s from %s (%v) = %d, %v; want %d", tc.d, FormatDate(tc.cal.Start), tc.cal.Step, got, err, tc.want)
		}
	}
	if _, err := week.StepOf(date("2026-04-05")); err == nil {
		t.Error("a date before the start was accepted")
	}
	if got := FormatDate(month.DateOf(1)); got != "2026-02-28" {
		t.Errorf("month step 1 starts %s, want 2026-02-28", got)
	}
	if got := FormatDate(New(date("2024-01-31"), Length{Month, 1}).DateOf(1)); got != "2024-02-29" {
		t.Errorf("leap-year month step 1 starts %s, want 2024-02-29", got)
	}
}

// TestStepOfBrackets checks on random calendars and dates that a date lies
// in the step StepOf gives: on or after its first day, before the next's.
func TestStepOfBrackets(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		start := time.Date(rapid.IntRange(1990, 2030).Draw(t, "y"), time.Month(rapid.IntRange(1, 12).Draw(t, "m")),
			rapid.IntRange(1, 31).Draw(t, "d"), 0, 0, 0, 0, time.UTC)
		unit := Unit(rapid.IntRange(0, 1).Draw(t, "unit"))
		n := rapid.IntRange(1, 14).Draw(t, "n")
		cal := New(start, Length{unit, n})
		d := cal.Start.AddDate(0, 0, rapid.IntRange(0, 5000).Draw(t, "days"))
		k, err := cal.StepOf(d)
		if err != nil {
			t.Fatal(err)
		}
		if cal.DateOf(k).After(d) || !cal.DateOf(k+1).After(d) {
			t.Fatalf("%s in step %d, which runs %s to %s", FormatDate(d), k, FormatDate(cal.DateOf(k)), FormatDate(cal.DateOf(k+1)))
		}
	})
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2026-04-06":           "2026-04-06",
		"20260406":             "2026-04-06",
		" 2026-04-06 ":         "2026-04-06",
		"2026-04-06T23:30:00Z": "2026-04-06",
		"2026-04-06 01:00":     "2026-04-06",
	} {
		got, err := ParseDate(in)
		if err != nil || FormatDate(got) != want {
			t.Errorf("ParseDate(%q) = %s, %v; want %s", in, FormatDate(got), err, want)
		}
	}
	for _, in := range []string{"", "2026-02-30", "06/04/2026", "2026-4-6", "202604061", "yesterday"} {
		if _, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) accepted", in)
		}
	}
}
