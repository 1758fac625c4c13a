package record

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/truce-dev/truce/internal/period"
)

func weekly() *period.Calendar {
	c := period.New(time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC), period.Length{Unit: period.Day, N: 7})
	return &c
}

func TestRead(t *testing.T) {
	src := "\ufeffStep, Event ,count,source,notes\n" +
		"# a comment\n" +
		"0,quiet,,,\n" +
		"3,incident,2,\"Reuters, AP\",x\n" +
		"\n" +
		"5,war,1,,\n"
	rec, err := Read("r.csv", strings.NewReader(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Rows) != 3 {
		t.Fatalf("rows %+v", rec.Rows)
	}
	want := []Row{
		{Step: 0, Name: "quiet", Count: 1, Line: 3, Col: 3},
		{Step: 3, Name: "incident", Count: 2, Source: "Reuters, AP", Line: 4, Col: 3},
		{Step: 5, Name: "war", Count: 1, Line: 6, Col: 3},
	}
	for i, w := range want {
		if rec.Rows[i] != w {
			t.Errorf("row %d = %+v, want %+v", i, rec.Rows[i], w)
		}
	}
	if len(rec.Warnings) != 1 || !strings.Contains(rec.Warnings[0], `r.csv:1:`) || !strings.Contains(rec.Warnings[0], `column "notes" is not used`) {
		t.Errorf("warnings %q", rec.Warnings)
	}
	if rec.LastStep() != 5 {
		t.Errorf("last step %d", rec.LastStep())
	}
}

func TestReadDates(t *testing.T) {
	src := "date,event,state,weight\n" +
		"2026-04-06,quiet,,\n" +
		"2026-04-30,incident,,0.5\n" + // a Thursday in week 3
		"20260531,,war,\n" // GDELT-style date, Sunday ending week 7
	rec, err := Read("r.csv", strings.NewReader(src), Options{Calendar: weekly()})
	if err != nil {
		t.Fatal(err)
	}
	got := []Row{rec.Rows[0], rec.Rows[1], rec.Rows[2]}
	want := []Row{
		{Step: 0, Date: "2026-04-06", Name: "quiet", Count: 1, Line: 2, Col: 12},
		{Step: 3, Date: "2026-04-30", Name: "incident", Count: 0.5, Line: 3, Col: 12},
		{Step: 7, Date: "2026-05-31", Name: "war", State: true, Count: 1, Line: 4, Col: 11},
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestReadErrors(t *testing.T) {
	cal := weekly()
	cases := []struct {
		name, src string
		cal       *period.Calendar
		want      string
	}{
		{"empty", "", nil, "r.csv: empty record"},
		{"no step", "event\nquiet\n", nil, "r.csv:1:1: the header needs a `step` or a `date` column"},
		{"no event", "step,count\n1,2\n", nil, "r.csv:1:1: the header needs an `event` (or `state`) column"},
		{"count and weight", "step,event,count,weight\n", nil, "r.csv:1:4: give `count` or `weight`, not both"},
		{"duplicate column", "step,event,Step\n", nil, `r.csv:1:12: column "step" given twice`},
		{"date without calendar", "date,event\n2026-04-06,quiet\n", nil, "a `date` column needs the date of step 0"},
		{"bad step", "step,event\nx,quiet\n", nil, `r.csv:2:1: step "x" is not a whole number`},
		{"negative step", "step,event\n-1,quiet\n", nil, `r.csv:2:1: step "-1" is not a whole number`},
		{"huge step", "step,event\n99999999999,quiet\n", nil, `step "99999999999" is not a whole number from 0 to 100000`},
		{"step past the longest horizon", "step,event\n100001,quiet\n", nil, `r.csv:2:1: step "100001" is not a whole number from 0 to 100000`},
		{"date a year typed 4000", "date,event\n4000-01-03,quiet\n", cal, "r.csv:2:1: date 4000-01-03 is more than 100000 steps after the start"},
		{"bad date", "date,event\n2026-02-30,quiet\n", cal, `r.csv:2:1: cannot read "2026-02-30" as a date`},
		{"date before start", "date,event\n2026-04-05,quiet\n", cal, "r.csv:2:1: date 2026-04-05 is before the start 2026-04-06"},
		{"step and date disagree", "step,date,event\n1,2026-04-06,quiet\n", cal, "r.csv:2:3: date 2026-04-06 is in step 0, but the row says step 1"},
		{"missing name", "step,event\n3,\n", nil, "r.csv:2:3: row without an event or a state"},
		{"both names", "step,event,state\n3,quiet,war\n", nil, "r.csv:2:9: a row names an event or a state, not both"},
		{"bad count", "step,event,count\n3,quiet,1.5\n", nil, `r.csv:2:9: count "1.5" is not a whole number`},
		{"bad weight", "step,event,weight\n3,quiet,NaN\n", nil, `r.csv:2:9: weight "NaN" is not a number`},
		{"inf weight", "step,event,weight\n3,quiet,Inf\n", nil, `weight "Inf" is not a number`},
		{"state count", "step,state,count\n3,war,2\n", nil, "r.csv:2:3: a row naming a state cannot have a count"},
		{"no step in row", "step,event\n,quiet\n", nil, "r.csv:2:1: row without a step or a date"},
		{"bad quote", "step,event\n1,\"quiet\n", nil, "r.csv:2:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read("r.csv", strings.NewReader(tc.src), Options{Calendar: tc.cal})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestReadCollectsErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("step,event\n")
	for i := 0; i < 100; i++ {
		b.WriteString("x,quiet\n")
	}
	_, err := Read("r.csv", strings.NewReader(b.String()), Options{})
	es, ok := err.(Errors)
	if !ok || len(es) != maxErrors {
		t.Fatalf("got %T with %d errors, want %d", err, len(es), maxErrors)
	}
	if es[0].Line != 2 || es[19].Line != 21 {
		t.Fatalf("errors at lines %d..%d", es[0].Line, es[19].Line)
	}
}

func TestMaxRows(t *testing.T) {
	src := "step,event\n0,a\n1,b\n2,c\n"
	if _, err := Read("r.csv", strings.NewReader(src), Options{MaxRows: 2}); err == nil || !strings.Contains(err.Error(), "more than 2 rows") {
		t.Fatalf("error %v", err)
	}
}

func TestWriteReadsBack(t *testing.T) {
	for _, cal := range []*period.Calendar{nil, weekly()} {
		rec := &Record{Rows: []Row{
			{Step: 0, Name: "quiet", Count: 1},
			{Step: 2, Name: "incident", Count: 3, Source: `wire, "A"`},
			{Step: 4, Name: "war", State: true, Count: 1},
		}}
		var buf bytes.Buffer
		if err := Write(&buf, rec, cal); err != nil {
			t.Fatal(err)
		}
		back, err := Read("w.csv", &buf, Options{Calendar: cal})
		if err != nil {
			t.Fatalf("%v\n%s", err, buf.String())
		}
		for i, r := range rec.Rows {
			b := back.Rows[i]
			if b.Step != r.Step || b.Name != r.Name || b.State != r.State || b.Count != r.Count || b.Source != r.Source {
				t.Errorf("row %d: wrote %+v, read %+v", i, r, b)
			}
		}
	}
	// A fractional count is written as a weight.
	var buf bytes.Buffer
	if err := Write(&buf, &Record{Rows: []Row{{Step: 1, Name: "a", Count: 0.25}}}, nil); err != nil {
		t.Fatal(err)
	}
	back, err := Read("w.csv", &buf, Options{})
	if err != nil || back.Rows[0].Count != 0.25 {
		t.Fatalf("weight round trip: %v %+v", err, back)
	}
}
