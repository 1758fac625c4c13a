package scenario

import (
	"strings"
	"testing"
)

// multiErr is the scenario of the issue: four independent mistakes that a
// single `truce check` must all report.
const multiErr = `truce: 1
name: x
horizon: 10
discount: 0.9
states:
  - {id: calm, initial: true}
  - {id: war, terminal: true}
actors:
  - id: US
actions:
  US: {"*": [hold, strike]}
transitions:
  - from: clam
    when: {US: strke}
    to: {war: 1.4}
strategies:
  US:
    s: {"*": {hold: 0.5, strike: 0.6}}
profiles:
  p: {US: s}
`

// TestMultipleErrors checks that independent mistakes are all reported in
// one run, each once and at its own position, and that a mistake does not
// bring a cascade of follow-on messages: the list must match exactly.
func TestMultipleErrors(t *testing.T) {
	const drawHint = " (hint: probabilities must lie in [0, 1]; a rule's must not sum above 1 and a strategy's must sum to 1 for every parameter value)"
	cases := []struct {
		name string
		src  string
		want []string
	}{
		{"issue example", multiErr, []string{
			`m.yaml:13:11: error: unknown state "clam" (hint: did you mean "calm"?)`,
			`m.yaml:14:16: error: unknown action "strke" of US (hint: did you mean "strike"?)`,
			`m.yaml:15:15: error: probability 1.4 = 1.4 is outside [0, 1] on the central draw` + drawHint,
			`m.yaml:18:15: error: strategy "s" of US ("*"): probabilities sum to 1.1 > 1 on the central draw` + drawHint,
		}},
		{"missing horizon does not hide names", strings.Replace(strings.Replace(base, "horizon: 10\n", "", 1),
			"when: {US: strike}", "when: {US: strik}", 1), []string{
			"m.yaml:1:1: error: missing `horizon` (number of steps analysed) (hint: add e.g. `horizon: 52`)",
			`m.yaml:17:16: error: unknown action "strik" of US (hint: did you mean "strike"?)`,
		}},
		{"discount out of range with bad payoff component", strings.Replace(strings.Replace(base,
			"discount: 0.9", "discount: 1.5", 1), "US: {payoff: -5}", "US: {payof: -5}", 1), []string{
			"m.yaml:4:11: error: discount 1.5 outside [0, 1] (hint: a per-step discount such as 0.97; 1 for none)",
			`m.yaml:22:10: error: unknown payoff component "payof" (hint: did you mean "payoff"?)`,
		}},
		{"unknown when actor keeps to checked", strings.Replace(base, "when: {US: strike}\n    to: {war: p}",
			"when: {UX: strike}\n    to: {war: -0.5}", 1), []string{
			`m.yaml:18:12: error: unknown actor "UX" (hint: did you mean "US"?)`,
			"m.yaml:19:15: error: probability -0.5 = -0.5 is outside [0, 1] on the central draw" + drawHint,
		}},
		{"unknown payoff state keeps payoffs checked", strings.Replace(base, "  - in: war\n    US: {payoff: -5}",
			"  - in: wra\n    US: {payoff: -5, cost: 1}", 1), []string{
			`m.yaml:21:9: error: unknown state "wra" (hint: did you mean "war"?)`,
			`m.yaml:22:22: error: unknown payoff component "cost" (hint: expected one of "payoff")`,
		}},
		{"strategy with an unknown state still has its sums checked", strings.Replace(base,
			`calm: {"*": {hold: 0.9, strike: 0.1}}`, `calm: {"*": {hold: 0.9, strike: 0.2}, truse: hold}`, 1), []string{
			`m.yaml:25:18: error: strategy "calm" of US ("*"): probabilities sum to 1.1 > 1 on the central draw` + drawHint,
			`m.yaml:25:43: error: unknown state "truse" in strategy "calm" of US (hint: did you mean "truce"?)`,
		}},
		{"strategy rule with an unknown state still has its weights checked", strings.Replace(base,
			`calm: {"*": {hold: 0.9, strike: 0.1}}`,
			`calm: {"*": hold, rules: [{in: truse, play: {hold: 0.5}}]}`, 1), []string{
			`m.yaml:25:36: error: unknown state "truse" (hint: did you mean "truce"?)`,
			`m.yaml:25:50: error: rule of strategy "calm" of US: weights sum to 0.5, not 1, on the central draw` + drawHint,
		}},
		{"unknown state in a definition stops the cascade", strings.Replace(multiErr,
			"  - {id: calm, initial: true}", "  - {idd: calm, initial: true}", 1), []string{
			`m.yaml:6:6: error: unknown key "idd" in state (hint: did you mean "id"?)`,
			"m.yaml:6:6: error: state without id (hint: add `id: NAME`)",
		}},
		{"broken strategy is not reported again as unknown in a profile", strings.Replace(multiErr,
			"s: {\"*\": {hold: 0.5, strike: 0.6}}", "s: {\"*\": {hold: 0.5, strik: 0.5}}", 1), []string{
			`m.yaml:13:11: error: unknown state "clam" (hint: did you mean "calm"?)`,
			`m.yaml:14:16: error: unknown action "strke" of US (hint: did you mean "strike"?)`,
			`m.yaml:15:15: error: probability 1.4 = 1.4 is outside [0, 1] on the central draw` + drawHint,
			`m.yaml:18:26: error: unknown action "strik" of US (hint: did you mean "strike"?)`,
		}},
		// Issue #12, point 7: one bad value gave a second, misleading
		// error ("reach: 5 steps is outside the horizon (hint: use 0 to
		// the horizon, 0)").
		{"a bad horizon is not compared with step counts", strings.Replace(strings.Replace(base,
			"horizon: 10", "horizon: ten", 1), `absorb("war", "base") < 0.5`, `reach("war", 5, "base") < 0.5`, 1), []string{
			"m.yaml:3:10: error: horizon must be a whole number",
		}},
		{"a horizon out of range is not compared with step counts", strings.Replace(strings.Replace(base,
			"horizon: 10", "horizon: 0", 1), `absorb("war", "base") < 0.5`, `reach("war", 5, "base") < 0.5`, 1), []string{
			"m.yaml:3:10: error: horizon 0 out of range (hint: use 1 to 100000)",
		}},
		// Issue #12, point 7: a comma inside {...} split an expression
		// with no hint, and the second piece was reported as an unknown
		// state.
		{"a comma inside {...} is named once, with the quoted fix", strings.Replace(base,
			"to: {war: p}", "to: {war: max(p, 0.05)}", 1), []string{
			`m.yaml:19:15: error: a comma inside {...} ends an entry: max(p, 0.05) was cut after "max(p" (hint: put it in quotes, war: "max(p, 0.05)", or write the mapping as an indented block)`,
		}},
		{"a comma inside {...} of a payoff and of a label", strings.Replace(strings.Replace(base,
			"US: {payoff: -5}", "US: {payoff: min(-5, -p * max(1, p))}", 1),
			"{id: war, terminal: true}", "{id: war, label: War (open, declared), terminal: true}", 1), []string{
			`m.yaml:12:22: error: a comma inside {...} ends an entry: War (open, declared) was cut after "War (open" (hint: put it in quotes, label: "War (open, declared)", or write the mapping as an indented block)`,
			`m.yaml:22:18: error: a comma inside {...} ends an entry: min(-5, -p * max(1, p)) was cut after "min(-5" (hint: put it in quotes, payoff: "min(-5, -p * max(1, p))", or write the mapping as an indented block)`,
		}},
		{"a quoted expression with a comma is fine; one whose pieces never close its ( is left as YAML read it", strings.Replace(strings.Replace(base,
			"to: {war: p}", `to: {war: "max(p, 0.05)"}`, 1), "US: {payoff: -5}", "US: {payoff: min(-5, -p}", 1), []string{
			"m.yaml:22:23: error: invalid expression: unexpected token EOF",
			`m.yaml:22:26: error: unknown payoff component "-p" (hint: expected one of "payoff")`,
		}},
		{"a step count beyond a good horizon is still reported", strings.Replace(base,
			`absorb("war", "base") < 0.5`, `reach("war", 11, "base") < 0.5`, 1), []string{
			"m.yaml:31:44: error: reach: 11 steps is outside the horizon (hint: use 0 to the horizon, 10)",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc, ds := Parse("m.yaml", []byte(tc.src))
			if sc != nil {
				t.Errorf("file with errors parsed")
			}
			var got []string
			for _, d := range ds {
				got = append(got, d.String())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestActionListErrorsDoNotCascade checks that a mistake in the actions
// section is reported once, not again at every use of the actions it hides,
// while unrelated mistakes elsewhere are still reported.
func TestActionListErrorsDoNotCascade(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string
	}{
		{"misspelt actor in actions", strings.Replace(strings.Replace(base,
			`US: {"*": [hold, strike]}`, `UX: {"*": [hold, strike]}`, 1), "horizon: 10", "horizon: 0", 1), []string{
			"t.yaml:3:10: error: horizon 0 out of range (hint: use 1 to 100000)",
			`t.yaml:14:3: error: unknown actor "UX" (hint: did you mean "US"?)`,
		}},
		{"unknown state in an action list", strings.Replace(base,
			`US: {"*": [hold, strike]}`, `US: {truse: [hold, strike]}`, 1), []string{
			`t.yaml:14:8: error: unknown state "truse" (hint: did you mean "truce"?)`,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc, ds := Parse("t.yaml", []byte(tc.src))
			if sc != nil {
				t.Errorf("file with errors parsed")
			}
			var got []string
			for _, d := range ds {
				got = append(got, d.String())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
