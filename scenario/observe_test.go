package scenario

import (
	"math"
	"strings"
	"testing"
)

// observed is base with an observation model and a history.
const observed = base + `observations:
  - in: truce
    when: {US: strike}
    emit: {strike: 0.8, quiet: 0.2}
  - in: truce
    emit: {quiet: 1 - p, incident: p}
  - in: war
    emit: war
period: week
history:
  start: 2026-04-06
  warn_below: 0.01
  events:
    - {step: 0, event: quiet}
    - {date: 2026-04-20, event: incident, count: 2, source: "wire reports"}
    - {date: 2026-05-04, state: war}
`

func TestObservationsParse(t *testing.T) {
	sc, ds := Parse("t.yaml", []byte(observed))
	if sc == nil {
		t.Fatalf("observed scenario: %v", ds)
	}
	if len(ds) != 0 {
		t.Fatalf("unexpected diagnostics %v", ds)
	}
	if got := strings.Join(sc.Events, ","); got != "strike,quiet,incident,war" {
		t.Fatalf("events %s", got)
	}
	em, err := sc.Emissions(sc.Central())
	if err != nil {
		t.Fatal(err)
	}
	if !em.ByJoint {
		t.Fatal("a rule with `when` must make the emission depend on the joint action")
	}
	truce, war := sc.StateIndex("truce"), sc.StateIndex("war")
	// Joint actions in truce: actor 0 (US) fastest: (hold,comply)=0,
	// (strike,comply)=1, (hold,resist)=2, (strike,resist)=3.
	want := map[int][]float64{0: {0, 0.8, 0.2, 0}, 1: {0.8, 0.2, 0, 0}, 2: {0, 0.8, 0.2, 0}, 3: {0.8, 0.2, 0, 0}}
	for j, w := range want {
		row := em.Row(truce, j)
		for e := range w {
			if math.Abs(row[e]-w[e]) > 1e-15 {
				t.Fatalf("truce, joint %d: row %v, want %v", j, row, w)
			}
		}
	}
	if row := em.Row(war, 0); row[3] != 1 || row[0]+row[1]+row[2] != 0 {
		t.Fatalf("war row %v", row)
	}
	h := sc.History
	if h == nil || h.Start != "2026-04-06" || h.WarnBelow != 0.01 || len(h.Rows) != 3 {
		t.Fatalf("history %+v", h)
	}
	r := h.Rows[1]
	if r.Step != 2 || r.Date != "2026-04-20" || r.Event != "incident" || r.Count != 2 || r.Source != "wire reports" {
		t.Fatalf("row 1 %+v", r)
	}
	if r := h.Rows[2]; r.Step != 4 || r.State != "war" || r.Count != 1 {
		t.Fatalf("row 2 %+v", r)
	}
}

func TestObservationsStateOnly(t *testing.T) {
	src := strings.Replace(observed, "  - in: truce\n    when: {US: strike}\n    emit: {strike: 0.8, quiet: 0.2}\n", "", 1)
	sc, ds := Parse("t.yaml", []byte(src))
	if sc == nil {
		t.Fatal(ds)
	}
	em, err := sc.Emissions(sc.Central())
	if err != nil {
		t.Fatal(err)
	}
	if em.ByJoint {
		t.Fatal("no rule has `when`: the emission depends on the state only")
	}
	if got := em.Row(0, 3); math.Abs(got[1]-0.2) > 1e-15 || math.Abs(got[0]-0.8) > 1e-15 {
		t.Fatalf("truce row %v, want quiet 0.8 incident 0.2 at p = 0.2", got)
	}
}

func TestObservationDiagnostics(t *testing.T) {
	cases := []struct {
		name, old, new, want string
	}{
		{"sum below 1", "emit: {quiet: 1 - p, incident: p}", "emit: {quiet: 0.5, incident: p}",
			"error: observation rule: weights sum to 0.7, not 1, on the central draw (p=0.2)"},
		{"probability above 1", "emit: {quiet: 1 - p, incident: p}", "emit: {quiet: 1 - 5*p, incident: 5*p}",
			"probability 1 - 5*p = -0.5 is outside [0, 1] on the draw with p at its upper bound (p=0.3)"},
		{"unknown state", "  - in: war\n", "  - in: wra\n", `error: unknown state "wra" (hint: did you mean "war"?)`},
		{"unknown action", "when: {US: strike}", "when: {US: strik}", `error: unknown action "strik" of US (hint: did you mean "strike"?)`},
		{"terminal uncovered", "  - in: war\n    emit: war\n", "", `error: terminal state "war" has no observation rule`},
		{"joint action uncovered", "  - in: truce\n    emit: {quiet: 1 - p, incident: p}\n", "", `error: state "truce" under joint action US=hold, IR=comply has no observation rule`},
		{"when on terminal", "  - in: war\n    emit: war", "  - in: war\n    when: {US: hold}\n    emit: war", "error: `when` in an observation rule for terminal state \"war\""},
		{"bad event name", "emit: war", "emit: 'all out war'", `error: invalid event class "all out war"`},
		{"event twice", "emit: {strike: 0.8, quiet: 0.2}", "emit: {strike: 0.8, quiet: 0.1, strike: 0.1}", `duplicate key "strike" in emit (hint: first given at line 35)`},
		{"no emit", "    emit: war\n", "", "error: observation rule without `emit`"},
		{"unknown key", "    emit: war\n", "    emit: war\n    emits: x\n", `unknown key "emits" in observation rule (hint: did you mean "emit"?)`},
		{"empty emit", "emit: war", "emit: {}", "emit: empty distribution"},
		{"history unknown event", "event: incident, count: 2", "event: incidnet, count: 2", `error: unknown event class "incidnet" (hint: did you mean "incident"?)`},
		{"history unknown state", "state: war}", "state: wat}", `error: unknown state "wat" (hint: did you mean "war"?)`},
		{"history before start", "date: 2026-04-20", "date: 2026-04-01", "error: date 2026-04-01 is before the start 2026-04-06 (step 0)"},
		{"history no start", "  start: 2026-04-06\n", "", "error: a dated row needs the history's start date"},
		{"history bad date", "date: 2026-04-20", "date: 2026-04-31", `cannot read "2026-04-31" as a date`},
		{"history step and date", "{step: 0, event: quiet}", "{step: 0, date: 2026-04-06, event: quiet}", "history row with both `step` and `date`"},
		{"history no step", "{step: 0, event: quiet}", "{event: quiet}", "history row without `step` or `date`"},
		{"history negative step", "{step: 0, event: quiet}", "{step: -1, event: quiet}", "step -1 outside 0 to"},
		{"history state count", "state: war}", "state: war, count: 2}", "a history row naming a state cannot have a count or weight"},
		{"history count and weight", "count: 2,", "count: 2, weight: 0.5,", "history row with both `count` and `weight`"},
		{"history non-calendar period", "period: week\n", "period: round\n", `history: a start date needs a period with a calendar length, not "round"`},
		{"history warn_below", "warn_below: 0.01", "warn_below: 1.5", "warn_below 1.5 outside (0, 1)"},
		{"history event without model", "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := observed
			if tc.name == "history event without model" {
				i := strings.Index(src, "observations:")
				j := strings.Index(src, "period: week")
				src = src[:i] + src[j:]
				tc.want = `error: history names event "quiet" but the scenario has no observation model`
			} else {
				if !strings.Contains(src, tc.old) {
					t.Fatalf("observed lacks %q", tc.old)
				}
				src = strings.Replace(src, tc.old, tc.new, 1)
			}
			sc, ds := Parse("t.yaml", []byte(src))
			var all []string
			for _, d := range ds {
				all = append(all, d.String())
			}
			if sc != nil {
				t.Fatalf("accepted; diagnostics %v", all)
			}
			for _, s := range all {
				if strings.Contains(s, tc.want) {
					if !strings.HasPrefix(s, "t.yaml:") {
						t.Fatalf("diagnostic without position: %s", s)
					}
					return
				}
			}
			t.Fatalf("no diagnostic contains %q; got:\n%s", tc.want, strings.Join(all, "\n"))
		})
	}
}

func TestObservationTypoWarning(t *testing.T) {
	src := strings.Replace(observed, "emit: {quiet: 1 - p, incident: p}", "emit: {quiet: 1 - p, incidnt: p}", 1)
	src = strings.Replace(src, "event: incident, count: 2", "event: incidnt, count: 2", 1)
	src = strings.Replace(src, "emit: {strike: 0.8, quiet: 0.2}", "emit: {strike: 0.8, quiet: 0.1, incident: 0.1}", 1)
	sc, ds := Parse("t.yaml", []byte(src))
	if sc == nil {
		t.Fatal(ds)
	}
	for _, d := range ds {
		if d.Severity == "warning" && strings.Contains(d.Msg, `event classes "incident" and "incidnt" differ by one letter`) {
			return
		}
	}
	t.Fatalf("no typo warning: %v", ds)
}
