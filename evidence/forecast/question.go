// Package forecast handles resolvable questions about a standoff, the
// probabilistic forecasts made for them (by the model or by analysts) and
// their scores once an observed record resolves them: Brier and log scores,
// calibration (reliability) and resolution, per source, with a reliability
// diagram.
package forecast

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/truce-dev/truce/evidence/record"
)

// Question is a resolvable question, asked as of a step: will the process
// be in state Name (Kind "reach"), or will event class Name be seen (Kind
// "event"), at some step of the Steps steps after it? Profile, when set,
// conditions the model's forecast on that profile.
type Question struct {
	Kind    string
	Name    string
	Steps   int
	Profile string
}

var questionRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*(reach|event)\s*\(\s*"([^"]+)"\s*,\s*([0-9]+)\s*(?:,\s*"([^"]+)"\s*)?\)\s*$`)
})

// MaxSteps bounds how far ahead a question may look.
const MaxSteps = 100000

// Parse reads a question: reach("war", 12), reach("war", 12, "baseline"),
// event("strike", 4) or event("strike", 4, "baseline").
func Parse(s string) (Question, error) {
	m := questionRE().FindStringSubmatch(s)
	if m == nil {
		return Question{}, fmt.Errorf("cannot read question %q: write reach(\"STATE\", STEPS) or event(\"CLASS\", STEPS), optionally with a profile as third argument", s)
	}
	for _, name := range []string{m[2], m[4]} {
		if !utf8.ValidString(name) || strings.ContainsAny(name, "\\\x00\n\r\t") {
			return Question{}, fmt.Errorf("question %q: names are written as they are, without escapes or control characters", s)
		}
	}
	n, err := strconv.Atoi(m[3])
	if err != nil || n < 1 || n > MaxSteps {
		return Question{}, fmt.Errorf("question %q: the number of steps must be 1 to %d", s, MaxSteps)
	}
	return Question{Kind: m[1], Name: m[2], Steps: n, Profile: m[4]}, nil
}

// String is the canonical form, as stored in the ledger.
func (q Question) String() string {
	if q.Profile != "" {
		return fmt.Sprintf(`%s("%s", %d, "%s")`, q.Kind, q.Name, q.Steps, q.Profile)
	}
	return fmt.Sprintf(`%s("%s", %d)`, q.Kind, q.Name, q.Steps)
}

// Describe says in words what the question asks, from asOf (a date or a
// step) for a scenario whose steps are called period.
func (q Question) Describe(per string) string {
	what := "the process is in state " + strconv.Quote(q.Name)
	if q.Kind == "event" {
		what = "event " + strconv.Quote(q.Name) + " is seen"
	}
	s := fmt.Sprintf("%s at least once in the next %d %ss", what, q.Steps, per)
	if q.Profile != "" {
		s += " under profile " + strconv.Quote(q.Profile)
	}
	return s
}

// Outcome is how a record resolves a question asked as of a step.
type Outcome struct {
	Resolved bool
	Yes      bool
	// Why says what resolved it, or what is missing.
	Why string
}

// Resolve judges the question asked as of step asOf against rec: yes when
// a row in steps asOf+1..asOf+Steps names it (a state row for reach, an
// event row for event); no when every step of that window has such a row
// (a state, or an event) and none names it; otherwise unresolved.
func Resolve(q Question, asOf int, rec *record.Record) Outcome {
	lo, hi := asOf+1, asOf+q.Steps
	covered := map[int]bool{}
	for _, r := range rec.Rows {
		if r.Step < lo || r.Step > hi || r.State != (q.Kind == "reach") {
			continue
		}
		if r.Name == q.Name && r.Count > 0 {
			where := fmt.Sprintf("step %d", r.Step)
			if r.Date != "" {
				where = r.Date
			}
			return Outcome{Resolved: true, Yes: true, Why: fmt.Sprintf("%s %s at %s (%s:%d)", kindWord(q), q.Name, where, rec.File, r.Line)}
		}
		covered[r.Step] = true
	}
	if len(covered) == hi-lo+1 {
		return Outcome{Resolved: true, Yes: false, Why: fmt.Sprintf("no %s %s in steps %d to %d of %s", kindWord(q), q.Name, lo, hi, rec.File)}
	}
	return Outcome{Why: fmt.Sprintf("%s records %d of the %d steps %d to %d", rec.File, len(covered), hi-lo+1, lo, hi)}
}

func kindWord(q Question) string {
	if q.Kind == "reach" {
		return "state"
	}
	return "event"
}

// Check reports a question whose name is not a state (reach) or an event
// class (event) of the scenario, or whose profile is unknown.
func (q Question) Check(states, events, profiles []string, suggest func(string, []string) string) error {
	names, what := states, "state"
	if q.Kind == "event" {
		names, what = events, "event class"
	}
	in := func(x string, xs []string) bool {
		for _, y := range xs {
			if y == x {
				return true
			}
		}
		return false
	}
	hint := func(x string, xs []string) string {
		if suggest == nil {
			return ""
		}
		if h := suggest(x, xs); h != "" {
			return " (hint: " + h + ")"
		}
		return ""
	}
	if !in(q.Name, names) {
		return fmt.Errorf("question %s: unknown %s %q%s", q, what, q.Name, hint(q.Name, names))
	}
	if q.Profile != "" && !in(q.Profile, profiles) {
		return fmt.Errorf("question %s: unknown profile %q%s", q, q.Profile, hint(q.Profile, profiles))
	}
	return nil
}
