package events

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/truce-dev/truce/internal/hostile"
	"github.com/truce-dev/truce/internal/period"
)

func mapping(t *testing.T) *Mapping {
	t.Helper()
	src, err := os.ReadFile("testdata/us-iran.map.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ReadMapping("testdata/us-iran.map.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func weekly() period.Calendar {
	return period.New(time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC), period.Length{Unit: period.Day, N: 7})
}

// aggregate reads a fixture and returns "step:class[xN]" per record row.
func aggregate(t *testing.T, m *Mapping, cal period.Calendar, format, path string) ([]string, Stats, []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a := NewAggregator(m, cal)
	if err := Read(format, path, f, a.Add); err != nil {
		t.Fatal(err)
	}
	rec, warn, err := a.Record("out.csv")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rec.Rows {
		s := fmt.Sprintf("%d:%s", r.Step, r.Name)
		if r.Count != 1 {
			s += fmt.Sprintf("x%g", r.Count)
		}
		got = append(got, s)
	}
	return got, a.Stats, warn
}

// TestFixturesPerWeek: the three formats' fixtures hold the same invented
// events with awkward fields; each maps to the same weekly record.
func TestFixturesPerWeek(t *testing.T) {
	want := "0:talks 1:quiet 2:quiet 3:strike 4:quiet 5:quiet 6:incident 7:hormuz"
	wantCounts := "0:talksx2 3:strike 6:incident 7:hormuz 7:talks"
	for _, tc := range []struct {
		format, path   string
		read, unmapped int
	}{
		{"gdelt", "testdata/gdelt.tsv", 11, 3},
		{"icews", "testdata/icews.tab", 10, 2},
		{"plover", "testdata/plover.jsonl", 10, 2},
	} {
		t.Run(tc.format, func(t *testing.T) {
			got, st, warn := aggregate(t, mapping(t), weekly(), tc.format, tc.path)
			if strings.Join(got, " ") != want {
				t.Errorf("per_period one:\n got %s\nwant %s", strings.Join(got, " "), want)
			}
			if st.Read != tc.read || st.MissingActor != 1 || st.OutOfScope != 1 || st.Unmapped != tc.unmapped || st.PerClass["talks"] != 3 || st.PerClass["strike"] != 1 {
				t.Errorf("stats %+v", st)
			}
			if len(warn) != 1 || !strings.Contains(warn[0], "1 of") || !strings.Contains(warn[0], "events lacks an actor or target code and was left out") {
				t.Errorf("warnings %q", warn)
			}
			m := mapping(t)
			m.PerPeriod, m.Empty = "counts", ""
			got, _, _ = aggregate(t, m, weekly(), tc.format, tc.path)
			if strings.Join(got, " ") != wantCounts {
				t.Errorf("per_period counts:\n got %s\nwant %s", strings.Join(got, " "), wantCounts)
			}
			// Sniffing the first line finds the format.
			src, _ := os.ReadFile(tc.path)
			first, _, _ := strings.Cut(string(src), "\n")
			if got := Sniff([]byte(first)); got != tc.format {
				t.Errorf("sniffed %q", got)
			}
		})
	}
}

// TestMonthEnds: months counted from the 31st; the fixture's end-of-month
// dates fall in the months they should.
func TestMonthEnds(t *testing.T) {
	m := mapping(t)
	m.Classes[0].MinCount = 1
	cal := period.New(time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), period.Length{Unit: period.Month, N: 1})
	// Step 0: Mar 31 - Apr 29; step 1: Apr 30 - May 30; step 2: May 31 -.
	got, _, _ := aggregate(t, m, cal, "gdelt", "testdata/gdelt.tsv")
	if s := strings.Join(got, " "); s != "0:talks 1:strike 2:hormuz" {
		t.Errorf("monthly record %s", s)
	}
}

// TestPartialPeriod: a week only partly covered by the data and without
// events is left unobserved (not called quiet), with a warning.
func TestPartialPeriod(t *testing.T) {
	m := mapping(t)
	m.To = "2026-06-03" // a Wednesday: week 8 is partly covered
	got, _, warn := aggregate(t, m, weekly(), "gdelt", "testdata/gdelt.tsv")
	if s := strings.Join(got, " "); s != "0:talks 1:quiet 2:quiet 3:strike 4:quiet 5:quiet 6:incident 7:hormuz" {
		t.Errorf("record %s", s)
	}
	if len(warn) != 2 || !strings.Contains(warn[0], "1 period(s) only partly covered by the data (2026-06-01)") {
		t.Errorf("warnings %q", warn)
	}
}

func TestMappingErrors(t *testing.T) {
	base, _ := os.ReadFile("testdata/us-iran.map.yaml")
	for _, tc := range []struct{ old, new, want string }{
		{"dyad: [US, IR]", "dyad: [US, IRN]", `m.yaml:5:`},
		{"dyad: [US, IR]", "dyad: [US, IRN]", `unknown side "IRN" (sides: IR, US)`},
		{`cameo: ["17"]`, `cameo: [7]`, `m.yaml:18:13: CAMEO code "7": root codes have two digits; write "07"`},
		{`cameo: ["17"]`, `cameo: ["1x"]`, `CAMEO code "1x": write 2 to 4 digits`},
		{"goldstein: [-10, -6]", "goldstein: [-6, -10]", "m.yaml:22:5: goldstein: write [lo, hi] with lo <= hi"},
		{"per_period: one", "per_period: some", `per_period "some": want one or counts`},
		{"    actor: US\n", "    actor: UK\n", `m.yaml:16:5: unknown side "UK"`},
		{"  - event: talks\n", "  - event: talks\n    quad: [5]\n", "quad 5: quad classes are 1 to 4"},
		{"dyad:", "dayd:", `m.yaml:5:1: unknown field "dayd"`},
		{"dyad: [US, IR]", "dyad: [US, IR]\ndyad: [IR, US]", `m.yaml:6:1: field "dyad" given twice`},
		{"per_period: one", "per_period: [one", `m.yaml:`},
		{"dyad: [US, IR]", "dyad: {US: IR}", `m.yaml:5:7: want a list, found a mapping`},
		{"  IR: [IRN, Iran]\n", "", "sides: name at least two sides"},
		{"  IR: [IRN, Iran]\n", "  IR: [IRN, Iran, usa]\n", `m.yaml:3:3: code "USA" identifies both IR and US: an actor must belong to one side`},
		{"  - event: incident\n    goldstein: [-10, -6]\n", "  - event: incident\n", `class "incident" says nothing about which events count`},
	} {
		src := strings.Replace(string(base), tc.old, tc.new, 1)
		_, err := ReadMapping("m.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q -> %q: error %v, want %q", tc.old, tc.new, err, tc.want)
		}
	}
	m := mapping(t)
	err := m.Check([]string{"quiet", "talks", "strike", "incident", "war"}, func(string, []string) string { return `did you mean "war"?` })
	if err == nil || !strings.Contains(err.Error(), `us-iran.map.yaml:17:5: "hormuz" is not an event class of the scenario (hint: did you mean "war"?)`) {
		t.Errorf("Check: %v", err)
	}
	if err := m.Check([]string{"quiet", "talks", "strike", "incident", "war", "hormuz"}, nil); err != nil {
		t.Errorf("Check of a complete list: %v", err)
	}
}

func TestReaderErrors(t *testing.T) {
	gd, _ := os.ReadFile("testdata/gdelt.tsv")
	line := strings.SplitN(string(gd), "\n", 2)[0]
	f := strings.Split(line, "\t")
	bad := func(i int, v string) string {
		g := append([]string(nil), f...)
		g[i] = v
		return strings.Join(g, "\t")
	}
	for _, tc := range []struct{ format, src, want string }{
		{"gdelt", strings.Join(f[:58], "\t"), "e:1:1: 58 tab-separated fields, want 61 (GDELT 2.0 events) (this looks like a GDELT 1.0 row"},
		{"gdelt", bad(1, "2026-13-01"), `e:1:6: SQLDATE: cannot read "2026-13-01" as a date`},
		{"gdelt", bad(26, "4x"), `EventCode: "4x" is not a CAMEO code`},
		{"gdelt", bad(30, "11"), `GoldsteinScale "11" is not a number from -10 to 10`},
		{"gdelt", bad(29, "9"), `QuadClass "9" is not 1 to 4`},
		{"gdelt", "\xff\t", "not valid UTF-8"},
		{"icews", "Event ID\tSource Country\n", `ICEWS header has no "eventdate" column`},
		{"icews", "Event Date\tCAMEO Code\n2026-04-06\tabc\n", `e:2:12: CAMEO Code: "abc" is not a CAMEO code`},
		{"icews", "Event Date\tCAMEO Code\nyesterday\t042\n", `e:2:1: Event Date: cannot read "yesterday"`},
		{"icews", "Event Date\tCAMEO Code\tIntensity\n2026-04-06\t042\tx\n", `Intensity "x" is not a number`},
		{"plover", `{"date": "2026-04-06", "event": ["CONSULT"]`, "e:1:"},
		{"plover", `[1, 2]`, "not a JSON object"},
		{"plover", `{"event": "CONSULT"}`, "no date"},
		{"plover", `{"date": "2026-04-06", "quad_code": 7}`, `quad_code "7" is not 1 to 4`},
		{"plover", `{"date": "2026-04-06", "event_scale": "high"}`, `event_scale "high" is not a number`},
		{"plover", strings.Repeat(" ", MaxLineBytes+1), "line longer than"},
		// csv.Reader has no limit of its own: an endless line or quoted
		// field was gathered whole.
		{"icews", strings.Repeat("x", 2*MaxLineBytes), "e:1:1: row longer than 1048576 bytes"},
		{"icews", "Event Date\tCAMEO Code\n2026-04-06\t042\n\"" + strings.Repeat("\n", 2*MaxLineBytes), "e:3:1: row longer than 1048576 bytes"},
		{"csv", "", `unknown event data format "csv"`},
	} {
		err := Read(tc.format, "e", strings.NewReader(tc.src), func(Event) error { return nil })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %.40q: error %v, want %q", tc.format, tc.src, err, tc.want)
		}
	}
}

// TestMappingHostile: a mapping file nested 100,000 levels deep, or with
// 50,000 sides, is refused or read in bounded time (the YAML reader is
// linear and bounds its depth; goccy/go-yaml, which read these files
// before, took memory quadratic in the depth).
func TestMappingHostile(t *testing.T) {
	_, err := ReadMapping("m.yaml", hostile.NestedYAML(100000))
	if err == nil || !strings.HasPrefix(err.Error(), "m.yaml:") {
		t.Errorf("nested: %v", err)
	}
	var b strings.Builder
	b.WriteString("sides:\n")
	for i := range 50000 {
		fmt.Fprintf(&b, "  S%d: [x%d]\n", i, i)
	}
	b.WriteString("dyad: [S0, S1]\nclasses: [{event: e, cameo: ['01']}]\n")
	m, err := ReadMapping("m.yaml", []byte(b.String()))
	if err != nil || len(m.Sides) != 50000 {
		t.Errorf("50,000 sides: %v", err)
	}
}
