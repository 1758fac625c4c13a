package scenarios_test

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/truce-dev/truce/evidence"
	"github.com/truce-dev/truce/evidence/record"
	"github.com/truce-dev/truce/internal/period"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/scenarios"
)

// readUSIranRecord reads the bundled record with the reader of
// `truce update --record` on its own weekly calendar.
func readUSIranRecord(t *testing.T) (*record.Record, *period.Calendar) {
	t.Helper()
	start, err := period.ParseDate(scenarios.USIranRecordStart)
	if err != nil {
		t.Fatal(err)
	}
	week, _ := period.ParseLength("week")
	cal := period.New(start, week)
	rec, err := record.Read(scenarios.USIranRecordName, bytes.NewReader(scenarios.USIranRecord()), record.Options{Calendar: &cal})
	if err != nil {
		t.Fatalf("record does not read: %v", err)
	}
	if len(rec.Warnings) > 0 {
		t.Errorf("record reads with warnings: %v", rec.Warnings)
	}
	return rec, &cal
}

func TestUSIranRecordEmbeddedMatchesFile(t *testing.T) {
	src, err := os.ReadFile("us-iran-2019-2026.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src, scenarios.USIranRecord()) {
		t.Error("embedded record differs from us-iran-2019-2026.csv")
	}
}

// TestUSIranRecordRows: every row is dated inside 2019–2026, sourced, of a
// known class, one per week in date order; uncertainty marks give a reason;
// events listed after a row's class as "also (class)" rank below it.
func TestUSIranRecordRows(t *testing.T) {
	rec, _ := readUSIranRecord(t)
	if len(rec.Rows) < 300 {
		t.Fatalf("%d rows; want a weekly record of more than 300", len(rec.Rows))
	}
	classes := scenarios.USIranRecordClasses()
	also := regexp.MustCompile(`also \(([a-z]+)\)`)
	uncertain := regexp.MustCompile(`\[uncertain: ([^\]]*)\]`)
	outside := regexp.MustCompile(`(^|[\s(])(/[A-Za-z]|[A-Za-z]:\\|file:)|\.txt\b|\.\./`)
	prev := record.Row{Step: -1}
	for _, r := range rec.Rows {
		at := func(format string, args ...any) {
			t.Helper()
			t.Errorf("line %d (%s): "+format, append([]any{r.Line, r.Date}, args...)...)
		}
		if r.State {
			at("names a state; the record is of events only")
		}
		if r.Date == "" {
			at("no date")
		} else if r.Date < "2019-01-01" || r.Date > "2026-12-31" {
			at("date outside 2019-01-01..2026-12-31")
		}
		if r.Count != 1 {
			at("count %v; one class per week", r.Count)
		}
		if prev.Step >= 0 {
			if r.Date <= prev.Date {
				at("date not after the previous row's %s", prev.Date)
			}
			if r.Step == prev.Step {
				at("second row for week %d (line %d): one row per week", r.Step, prev.Line)
			}
		}
		k := slices.Index(classes, r.Name)
		if k < 0 {
			at("class %q is not one of %v", r.Name, classes)
		}
		if len(strings.TrimSpace(r.Source)) < 20 {
			at("source %q names no chronology", r.Source)
		}
		if outside.MatchString(r.Source) {
			at("source points at a file: %q", r.Source)
		}
		for _, m := range also.FindAllStringSubmatch(r.Source, -1) {
			if j := slices.Index(classes, m[1]); j < 0 || j <= k {
				at("lists %q after class %q: the week's class must be the highest-ranked event", m[1], r.Name)
			}
		}
		if strings.Count(r.Source, "[uncertain") != len(uncertain.FindAllString(r.Source, -1)) {
			at("malformed uncertainty mark in %q", r.Source)
		}
		for _, m := range uncertain.FindAllStringSubmatch(r.Source, -1) {
			if len(strings.TrimSpace(m[1])) < 10 {
				at("uncertainty mark without a reason: %q", m[0])
			}
		}
		prev = r
	}
}

// TestUSIranRecordAnchors: the events the record is built around are on
// their dates with their classes, and the record ends where its doc says.
func TestUSIranRecordAnchors(t *testing.T) {
	rec, cal := readUSIranRecord(t)
	byDate := map[string]record.Row{}
	for _, r := range rec.Rows {
		byDate[r.Date] = r
	}
	for _, a := range []struct{ date, class, mention string }{
		{"2019-05-12", "hormuz", "Fujairah"},
		{"2019-06-13", "hormuz", "Gulf of Oman"},
		{"2019-06-20", "hormuz", "Global Hawk"},
		{"2019-09-14", "strike", "Abqaiq"},
		{"2020-01-03", "strike", "Soleimani"},
		{"2020-01-08", "strike", "Al Asad"},
		{"2021-04-15", "talks", "Vienna"},
		{"2022-03-11", "", ""}, // within the week of 2022-03-13: no row of its own
		{"2022-08-08", "talks", "final text"},
		{"2023-09-18", "talks", "Prisoner exchange"},
		{"2024-04-13", "strike", "Israel"},
		{"2024-10-01", "strike", "Israel"},
		{"2024-10-26", "strike", "Israeli"},
		{"2025-04-12", "talks", "Muscat"},
		{"2025-05-23", "talks", "Rome"},
		{"2025-06-13", "war", "Israel"},
		{"2025-06-22", "war", "Fordow"},
		{"2025-06-23", "war", "ceasefire"},
		{"2026-02-28", "war", "Withdrawal from Negotiations as a US Strategic Option and a Tool to Pressure Iran"},
		{"2026-04-07", "war", "Islamabad"},
		{"2026-04-13", "hormuz", "blockade"},
		{"2026-05-07", "strike", "destroyers"},
		{"2026-06-01", "strike", "suspends the talks"},
	} {
		r, ok := byDate[a.date]
		if a.class == "" {
			if ok {
				t.Errorf("%s: unexpected row %s", a.date, r.Name)
			}
			continue
		}
		if !ok {
			t.Errorf("%s: no row (want %s: %s)", a.date, a.class, a.mention)
			continue
		}
		if r.Name != a.class || !strings.Contains(r.Source, a.mention) {
			t.Errorf("%s: %s %q; want %s mentioning %q", a.date, r.Name, r.Source, a.class, a.mention)
		}
	}
	// Quiet is claimed only where the chronologies were read, up to the
	// week before the talks of February 2026, and after June 2025 only with
	// an uncertainty mark; the two weeks the doc names are unobserved.
	for _, r := range rec.Rows {
		if r.Name != "quiet" {
			continue
		}
		if r.Date > "2026-02-01" {
			t.Errorf("%s: quiet after 1 February 2026", r.Date)
		}
		if r.Date >= "2025-07-01" && !strings.Contains(r.Source, "[uncertain: ") {
			t.Errorf("%s: quiet after June 2025 without an uncertainty mark", r.Date)
		}
	}
	steps := map[int]bool{}
	for _, r := range rec.Rows {
		steps[r.Step] = true
	}
	for _, d := range []string{"2023-11-27", "2026-02-09"} {
		day, _ := period.ParseDate(d)
		k, _ := cal.StepOf(day)
		if steps[k] {
			t.Errorf("week of %s has a row; the doc says it is unobserved", d)
		}
	}
	lastDay, _ := period.ParseDate("2026-06-01")
	if k, _ := cal.StepOf(lastDay); k+1-len(rec.Rows) != 2 {
		t.Errorf("%d unobserved weeks up to the last row; the doc says 2", k+1-len(rec.Rows))
	}
	if last := rec.Rows[len(rec.Rows)-1]; last.Date != "2026-06-01" {
		t.Errorf("last row %s; the doc says the record ends with the week of 1 June 2026", last.Date)
	}
}

// TestUSIranRecordBinds: `truce update` binds the record to the bundled
// scenario's observation model (or, while the scenario has none, to the
// one the evidence benchmarks append to it): every class is one the model
// knows, and every row is kept.
func TestUSIranRecordBinds(t *testing.T) {
	src := scenarios.USIran2026()
	sc, ds := scenario.Parse(scenarios.USIran2026Name, src)
	if sc == nil {
		t.Fatalf("bundled scenario does not parse: %v", ds)
	}
	name := scenarios.USIran2026Name
	if !sc.Observed() {
		obs, err := os.ReadFile("../evidence/testdata/us-iran-observations.yaml")
		if err != nil {
			t.Fatal(err)
		}
		name = "us-iran-observed.yaml"
		sc, ds = scenario.Parse(name, append(append(src, '\n'), obs...))
		if sc == nil {
			t.Fatalf("scenario with observations does not parse: %v", ds)
		}
	}
	for _, c := range scenarios.USIranRecordClasses() {
		if sc.EventIndex(c) < 0 {
			t.Errorf("%s: the observation model has no class %q, which the record uses", name, c)
		}
	}
	start, _ := period.ParseDate(scenarios.USIranRecordStart)
	cal, err := evidence.Calendar(sc, start)
	if err != nil || cal == nil {
		t.Fatalf("%s: no weekly calendar from %s: %v", name, scenarios.USIranRecordStart, err)
	}
	rec, err := record.Read(scenarios.USIranRecordName, bytes.NewReader(scenarios.USIranRecord()), record.Options{Calendar: cal})
	if err != nil {
		t.Fatal(err)
	}
	d, err := evidence.Bind(sc, rec, cal)
	if err != nil {
		t.Fatalf("%s does not bind to %s: %v", scenarios.USIranRecordName, name, err)
	}
	if d.Rows != len(rec.Rows) {
		t.Errorf("bound %d of %d rows", d.Rows, len(rec.Rows))
	}
}

// TestUSIranRecordDocCounts: the counts docs/us-iran-record.md gives per
// class are the file's, so the page cannot go stale silently.
func TestUSIranRecordDocCounts(t *testing.T) {
	doc, err := os.ReadFile("../docs/us-iran-record.md")
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := readUSIranRecord(t)
	count := map[string]int{}
	for _, r := range rec.Rows {
		count[r.Name]++
	}
	line := regexp.MustCompile(`(?m)^\| ([a-z]+) \| ([0-9]+) \|$`)
	seen := 0
	for _, m := range line.FindAllStringSubmatch(string(doc), -1) {
		if !slices.Contains(scenarios.USIranRecordClasses(), m[1]) {
			continue
		}
		seen++
		if want := strconv.Itoa(count[m[1]]); m[2] != want {
			t.Errorf("docs/us-iran-record.md: %s %s rows; the file has %s", m[1], m[2], want)
		}
	}
	if seen != len(scenarios.USIranRecordClasses()) {
		t.Errorf("docs/us-iran-record.md: %d class counts found; want one per class", seen)
	}
	if want := strconv.Itoa(len(rec.Rows)) + " rows"; !strings.Contains(string(doc), want) {
		t.Errorf("docs/us-iran-record.md does not say %q", want)
	}
}

// TestUSIranRecordFrom: the cut keeps exactly the rows from its date on,
// reads on a calendar starting that day, and refuses a date that would cut
// a week in two or leave nothing.
func TestUSIranRecordFrom(t *testing.T) {
	full, _ := readUSIranRecord(t)
	for _, from := range []string{"2018-12-31", "2025-06-09", "2026-04-13", "2026-06-01"} {
		src, err := scenarios.USIranRecordFrom(from)
		if err != nil {
			t.Fatalf("%s: %v", from, err)
		}
		start, _ := period.ParseDate(from)
		week, _ := period.ParseLength("week")
		cal := period.New(start, week)
		rec, err := record.Read("cut.csv", bytes.NewReader(src), record.Options{Calendar: &cal})
		if err != nil {
			t.Fatalf("%s: the cut does not read from its own start: %v", from, err)
		}
		var want []record.Row
		for _, r := range full.Rows {
			if r.Date >= from {
				want = append(want, r)
			}
		}
		if len(rec.Rows) != len(want) {
			t.Fatalf("%s: %d rows; want %d", from, len(rec.Rows), len(want))
		}
		offset := want[0].Step - rec.Rows[0].Step
		for i, r := range rec.Rows {
			w := want[i]
			if r.Date != w.Date || r.Name != w.Name || r.Source != w.Source || r.Step != w.Step-offset {
				t.Errorf("%s: row %d is %s %s step %d; want %s %s step %d", from, i, r.Date, r.Name, r.Step, w.Date, w.Name, w.Step-offset)
			}
		}
	}
	for _, bad := range []string{"2026-04-14", "13 April 2026", "2026-06-08", ""} {
		if _, err := scenarios.USIranRecordFrom(bad); err == nil {
			t.Errorf("USIranRecordFrom(%q): no error", bad)
		}
	}
}

// TestUSIranRecordDocYears: the per-year table of docs/us-iran-record.md
// (rows by the year of their date, then quiet, talks, strike, hormuz,
// incident, war) is the file's.
func TestUSIranRecordDocYears(t *testing.T) {
	doc, err := os.ReadFile("../docs/us-iran-record.md")
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := readUSIranRecord(t)
	cols := []string{"quiet", "talks", "strike", "hormuz", "incident", "war"}
	want := map[string][]int{}
	for _, r := range rec.Rows {
		y := r.Date[:4]
		if want[y] == nil {
			want[y] = make([]int, 1+len(cols))
		}
		want[y][0]++
		want[y][1+slices.Index(cols, r.Name)]++
	}
	line := regexp.MustCompile(`(?m)^\| (20[12][0-9]) \|((?: [0-9]+ \|){7})$`)
	seen := map[string]bool{}
	for _, m := range line.FindAllStringSubmatch(string(doc), -1) {
		var got []int
		for _, f := range strings.Fields(strings.ReplaceAll(m[2], "|", " ")) {
			n, _ := strconv.Atoi(f)
			got = append(got, n)
		}
		seen[m[1]] = true
		if !slices.Equal(got, want[m[1]]) {
			t.Errorf("docs/us-iran-record.md, %s: %v; the file has %v (rows, %s)", m[1], got, want[m[1]], strings.Join(cols, ", "))
		}
	}
	for y := range want {
		if !seen[y] {
			t.Errorf("docs/us-iran-record.md: no row for %s in the per-year table", y)
		}
	}
}
