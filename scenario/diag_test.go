package scenario

import (
	"strings"
	"testing"
)

// base is a small valid scenario; each case below breaks one thing in it.
const base = `truce: 1
name: t
horizon: 10
discount: 0.9
actors:
  - id: US
  - id: IR
parameters:
  p: {dist: uniform, min: 0.1, max: 0.3}
states:
  - {id: truce, initial: true}
  - {id: war, terminal: true}
actions:
  US: {"*": [hold, strike]}
  IR: {"*": [comply, resist]}
transitions:
  - from: truce
    when: {US: strike}
    to: {war: p}
payoffs:
  - in: war
    US: {payoff: -5}
strategies:
  US:
    calm: {"*": {hold: 0.9, strike: 0.1}}
  IR:
    calm: {"*": comply}
profiles:
  base: {US: calm, IR: calm}
hypotheses:
  - {id: H1, claim: c, expr: 'absorb("war", "base") < 0.5'}
`

func TestBaseIsValid(t *testing.T) {
	sc, ds := Parse("t.yaml", []byte(base))
	if sc == nil || len(ds) != 0 {
		t.Fatalf("base scenario: %v", ds)
	}
}

// edit replaces old by new in base, failing the test if old is absent.
func edit(t *testing.T, pairs ...string) string {
	t.Helper()
	s := base
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("base lacks %q", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

// TestDiagnostics shows every validation message: each case must produce a
// diagnostic containing want (position, severity, message and hint).
func TestDiagnostics(t *testing.T) {
	cases := []struct {
		name string
		src  func(t *testing.T) string
		want string
	}{
		// YAML and top level
		{"invalid yaml", func(t *testing.T) string { return "truce: 1\nname: [a\n" }, "error: invalid YAML"},
		{"file too large", func(t *testing.T) string { return base + "# " + strings.Repeat("x", 4<<20) + "\n" }, "1:1: error: file too large"},
		{"empty file", func(t *testing.T) string { return "# nothing\n" }, "1:1: error: empty scenario file (hint: start with `truce: 1`)"},
		{"two documents", func(t *testing.T) string { return base + "---\ntruce: 1\n" }, "error: more than one YAML document"},
		{"not a mapping", func(t *testing.T) string { return "- a\n- b\n" }, "1:1: error: the scenario must be a mapping"},
		{"unknown top key", func(t *testing.T) string { return edit(t, "name: t", "nmae: t") }, `2:1: error: unknown key "nmae" in the scenario (hint: did you mean "name"?)`},
		{"missing version", func(t *testing.T) string { return edit(t, "truce: 1\n", "") }, "1:1: error: missing format version `truce` (hint: add `truce: 1` as the first line)"},
		{"bad version", func(t *testing.T) string { return edit(t, "truce: 1", "truce: 2") }, "1:8: error: unsupported format version 2"},
		{"version not integer", func(t *testing.T) string { return edit(t, "truce: 1", "truce: one") }, "1:8: error: truce (format version) must be a whole number"},
		{"missing horizon", func(t *testing.T) string { return edit(t, "horizon: 10\n", "") }, "error: missing `horizon`"},
		{"horizon range", func(t *testing.T) string { return edit(t, "horizon: 10", "horizon: 0") }, "3:10: error: horizon 0 out of range"},
		{"discount range", func(t *testing.T) string { return edit(t, "discount: 0.9", "discount: 1.5") }, "4:11: error: discount 1.5 outside [0, 1]"},
		{"discount not number", func(t *testing.T) string { return edit(t, "discount: 0.9", "discount: [high]") }, "4:11: error: discount must be a number or an expression"},
		{"discount unknown parameter", func(t *testing.T) string { return edit(t, "discount: 0.9", "discount: high") }, `4:11: error: unknown parameter "high"`},
		{"drawn discount reaches 1", func(t *testing.T) string { return edit(t, "discount: 0.9", "discount: 0.5 + 2 * p") }, `4:11: error: discount of US = 1.1 is outside [0, 1) on the draw with p at its upper bound (p=0.3) (hint: a drawn discount must stay below 1`},
		{"weight not finite", func(t *testing.T) string {
			return edit(t, "  - id: IR", "  - id: IR\n    weights: {payoff: 1 / (p - 0.2)}")
		}, `8:23: error: on the central draw (p=0.2): "1 / (p - 0.2)" is +Inf`},
		{"duplicate key", func(t *testing.T) string { return edit(t, "name: t\n", "name: t\nname: u\n") }, `3:1: error: duplicate key "name" in the scenario (hint: first given at line 2)`},
		{"merge key", func(t *testing.T) string {
			return edit(t, "  - id: US\n", "  - id: US\n    <<: {discount: 0.5}\n")
		}, "error: merge keys (<<) are not supported"},
		{"unknown alias", func(t *testing.T) string { return edit(t, "horizon: 10", "horizon: *nope") }, "3:10: error: unknown alias *nope"},
		{"not a list", func(t *testing.T) string { return edit(t, "actors:\n  - id: US\n  - id: IR", "actors: {US: 1}") }, "5:10: error: actors must be a list"},
		{"title not text", func(t *testing.T) string { return edit(t, "name: t", "name: t\ntitle: [a]") }, "3:8: error: title must be text"},
		{"complex key", func(t *testing.T) string { return edit(t, "name: t", "name: t\n? [a, b]\n: 1") }, "3:3: error: invalid YAML: a mapping key must be a plain value, not a list or mapping"},
		{"null key", func(t *testing.T) string { return edit(t, "name: t", "name: t\n~: 1") }, "3:1: error: the scenario: keys must be plain names"},

		// actors, components, states
		{"no actors", func(t *testing.T) string { return edit(t, "actors:\n  - id: US\n  - id: IR\n", "actors: []\n") }, "5:1: error: no actors"},
		{"actor without id", func(t *testing.T) string { return edit(t, "  - id: IR", "  - discount: 0.5") }, "7:5: error: actor without id"},
		{"duplicate actor", func(t *testing.T) string { return edit(t, "  - id: IR", "  - id: US") }, `7:9: error: duplicate actor "US"`},
		{"actor without discount", func(t *testing.T) string { return edit(t, "discount: 0.9\n", "") }, `error: actor "US" has no discount (hint: add`},
		{"unknown actor key", func(t *testing.T) string { return edit(t, "  - id: IR", "  - id: IR\n    wieghts: {payoff: 1}") }, `8:5: error: unknown key "wieghts" in actor (hint: did you mean "weights"?)`},
		{"weight not number", func(t *testing.T) string { return edit(t, "  - id: IR", "  - id: IR\n    weights: {payoff: lots}") }, "8:23: error: unknown parameter \"lots\""},
		{"zero_sum not bool", func(t *testing.T) string {
			return edit(t, "parameters:", "components:\n  payoff: {zero_sum: yes please}\nparameters:")
		}, "9:22: error: zero_sum must be true or false (hint: write true or false)"},
		{"no states", func(t *testing.T) string {
			return edit(t, "states:\n  - {id: truce, initial: true}\n  - {id: war, terminal: true}\n", "states: []\n")
		}, "10:1: error: no states"},
		{"state without id", func(t *testing.T) string { return edit(t, "{id: war, terminal: true}", "{terminal: true}") }, "12:6: error: state without id (hint: add `id: NAME`)"},
		{"state named star", func(t *testing.T) string { return edit(t, "{id: war, terminal: true}", `{id: "*", terminal: true}`) }, `error: "*" cannot name a state`},
		{"duplicate state", func(t *testing.T) string { return edit(t, "{id: war, terminal: true}", "{id: truce}") }, `12:10: error: duplicate state "truce"`},
		{"two initial states", func(t *testing.T) string { return edit(t, "{id: war, terminal: true}", "{id: war, initial: true}") }, `12:10: error: more than one initial state (hint: "truce" is already initial)`},
		{"terminal initial", func(t *testing.T) string {
			return edit(t, "{id: truce, initial: true}", "{id: truce, initial: true, terminal: true}")
		}, "11:10: error: the initial state cannot be terminal"},
		{"first state terminal", func(t *testing.T) string {
			return edit(t, "  - {id: truce, initial: true}\n  - {id: war, terminal: true}", "  - {id: war, terminal: true}\n  - {id: truce}")
		}, "11:10: error: the first state is terminal and no state is initial"},
		{"bool not bool", func(t *testing.T) string { return edit(t, "initial: true", "initial: 1") }, "11:26: error: initial must be true or false (hint: write true or false)"},
		{"state id empty", func(t *testing.T) string { return edit(t, "{id: war, terminal: true}", `{id: "", terminal: true}`) }, "error: state id must not be empty"},
		{"state id not a name", func(t *testing.T) string { return edit(t, "{id: war, terminal: true}", "{id: [w], terminal: true}") }, "12:10: error: state id must be a name"},

		// parameters
		{"bad parameter name", func(t *testing.T) string { return edit(t, "  p: {dist", "  max: {dist") }, `9:3: error: invalid parameter name "max"`},
		{"parameter infinite", func(t *testing.T) string { return edit(t, "parameters:", "parameters:\n  q: .inf") }, "9:6: error: parameter q must be finite"},
		{"parameter neither", func(t *testing.T) string { return edit(t, "{dist: uniform, min: 0.1, max: 0.3}", "{min: 0.1}") }, "9:3: error: parameter p has neither `value` nor `dist`"},
		{"parameter not map", func(t *testing.T) string { return edit(t, "{dist: uniform, min: 0.1, max: 0.3}", "[1, 2]") }, "9:6: error: parameter p must be a mapping (key: value) (hint: write a number, or a distribution"},
		{"unknown dist", func(t *testing.T) string { return edit(t, "dist: uniform", "dist: unifrom") }, `9:13: error: unknown distribution "unifrom" (hint: did you mean "uniform"?)`},
		{"missing dist field", func(t *testing.T) string { return edit(t, ", max: 0.3}", "}") }, `9:3: error: parameter p: missing "max"`},
		{"unknown dist field", func(t *testing.T) string { return edit(t, ", max: 0.3}", ", max: 0.3, mode: 0.2}") }, `9:42: error: unknown key "mode" in parameter p`},
		{"uniform max below min", func(t *testing.T) string { return edit(t, "max: 0.3", "max: 0.05") }, "9:37: error: parameter p: max 0.05 below min 0.1"},
		{"triangular order", func(t *testing.T) string {
			return edit(t, "{dist: uniform, min: 0.1, max: 0.3}", "{dist: triangular, min: 0.1, mode: 0.5, max: 0.3}")
		}, "error: parameter p: need min <= mode <= max and min < max"},
		{"normal sd", func(t *testing.T) string {
			return edit(t, "{dist: uniform, min: 0.1, max: 0.3}", "{dist: normal, mean: 0.2, sd: 0}")
		}, "error: parameter p: sd must be positive"},
		{"normal bounds", func(t *testing.T) string {
			return edit(t, "{dist: uniform, min: 0.1, max: 0.3}", "{dist: normal, mean: 0.2, sd: 0.1, min: 0.3, max: 0.1}")
		}, "error: parameter p: max 0.1 must be above min 0.3"},
		{"lognormal sigma", func(t *testing.T) string {
			return edit(t, "{dist: uniform, min: 0.1, max: 0.3}", "{dist: lognormal, mu: 0, sigma: -1}")
		}, "error: parameter p: sigma must be positive"},
		{"beta a", func(t *testing.T) string {
			return edit(t, "{dist: uniform, min: 0.1, max: 0.3}", "{dist: beta, a: 0, b: 2}")
		}, "error: parameter p: a must be positive"},
		{"beta b", func(t *testing.T) string {
			return edit(t, "{dist: uniform, min: 0.1, max: 0.3}", "{dist: beta, a: 2, b: -2}")
		}, "error: parameter p: b must be positive"},
		{"choice weights length", func(t *testing.T) string {
			return edit(t, "{dist: uniform, min: 0.1, max: 0.3}", "{dist: choice, values: [0.1, 0.2], weights: [1]}")
		}, "error: parameter p: 1 weights for 2 values"},
		{"choice negative weight", func(t *testing.T) string {
			return edit(t, "{dist: uniform, min: 0.1, max: 0.3}", "{dist: choice, values: [0.1, 0.2], weights: [1, -1]}")
		}, "error: parameter p: weights must not be negative"},
		{"choice zero weights", func(t *testing.T) string {
			return edit(t, "{dist: uniform, min: 0.1, max: 0.3}", "{dist: choice, values: [0.1, 0.2], weights: [0, 0]}")
		}, "error: parameter p: weights must not all be zero"},
		{"choice empty", func(t *testing.T) string {
			return edit(t, "{dist: uniform, min: 0.1, max: 0.3}", "{dist: choice, values: []}")
		}, "9:29: error: parameter p: choice needs at least one value"},
		{"choice infinite", func(t *testing.T) string {
			return edit(t, "{dist: uniform, min: 0.1, max: 0.3}", "{dist: choice, values: [.inf]}")
		}, "error: values must be finite"},
		{"dist field not finite", func(t *testing.T) string { return edit(t, "min: 0.1", "min: -.inf") }, "error: min must be finite"},
		{"fixed value", func(t *testing.T) string { return edit(t, "{dist: uniform, min: 0.1, max: 0.3}", "{value: [1]}") }, "9:14: error: value must be a number"},
		{"derived value", func(t *testing.T) string { return edit(t, "{dist: uniform, min: 0.1, max: 0.3}", "{value: x}") }, `9:14: error: unknown parameter "x"`},

		// actions, transitions
		{"unknown actor in actions", func(t *testing.T) string { return edit(t, `  IR: {"*": [comply`, `  IRN: {"*": [comply`) }, `15:3: error: unknown actor "IRN" (hint: did you mean "IR"?)`},
		{"unknown state in actions", func(t *testing.T) string {
			return edit(t, `US: {"*": [hold, strike]}`, `US: {"*": [hold, strike], truse: [hold]}`)
		}, `14:29: error: unknown state "truse" (hint: did you mean "truce"?)`},
		{"actions in terminal", func(t *testing.T) string {
			return edit(t, `US: {"*": [hold, strike]}`, `US: {"*": [hold, strike], war: [hold]}`)
		}, `14:29: error: actions in terminal state "war" (hint: a terminal state ends the process)`},
		{"action without id", func(t *testing.T) string { return edit(t, "[hold, strike]", "[hold, {description: hit}]") }, "14:21: error: action without id (hint: add `id: NAME`)"},
		{"unknown action key", func(t *testing.T) string { return edit(t, "[hold, strike]", "[hold, {id: strike, descripton: hit}]") }, `14:33: error: unknown key "descripton" in action (hint: did you mean "description"?)`},
		{"action twice", func(t *testing.T) string { return edit(t, "[hold, strike]", "[hold, hold]") }, `14:20: error: action "hold" listed twice`},
		{"empty action list", func(t *testing.T) string { return edit(t, "[hold, strike]", "[]") }, "error: action: empty list"},
		{"too many joint actions", func(t *testing.T) string {
			var acts []string
			for i := 0; i < 1500; i++ {
				acts = append(acts, "a"+strings.Repeat("x", i%3)+string(rune('a'+i%26))+strings.Repeat("y", i/26))
			}
			l := "[" + strings.Join(acts, ", ") + "]"
			return edit(t, "[hold, strike]", l, "[comply, resist]", l)
		}, "error: more than 2000000 joint actions in all"},
		{"unknown state in from", func(t *testing.T) string { return edit(t, "from: truce", "from: truse") }, `17:11: error: unknown state "truse" (hint: did you mean "truce"?)`},
		{"terminal from", func(t *testing.T) string { return edit(t, "from: truce", "from: war") }, `17:11: error: from: state "war" is terminal`},
		{"unknown actor in when", func(t *testing.T) string { return edit(t, "when: {US: strike}", "when: {UK: strike}") }, `18:12: error: unknown actor "UK" (hint: did you mean "US"?)`},
		{"unknown action in when", func(t *testing.T) string { return edit(t, "when: {US: strike}", "when: {US: strik}") }, `18:16: error: unknown action "strik" of US (hint: did you mean "strike"?)`},
		{"unavailable action in when", func(t *testing.T) string {
			return edit(t, `US: {"*": [hold, strike]}`, `US: {"*": [hold, strike], truce: [hold]}`)
		}, `18:16: error: US cannot "strike" in state "truce" (hint: available there: hold)`},
		{"unknown state in to", func(t *testing.T) string { return edit(t, "to: {war: p}", "to: {wra: p}") }, `19:10: error: unknown state "wra" (hint: did you mean "war"?)`},
		{"unknown key in transition", func(t *testing.T) string { return edit(t, "to: {war: p}", "to: {war: p}\n    otherwise: truce") }, `20:5: error: unknown key "otherwise" in transition rule`},
		{"unknown else", func(t *testing.T) string { return edit(t, "to: {war: p}", "to: {war: p}\n    else: peace") }, `20:11: error: unknown state "peace"`},
		{"probability not number", func(t *testing.T) string { return edit(t, "to: {war: p}", "to: {war: [p]}") }, "19:15: error: probability must be a number or an expression"},
		{"missing probability", func(t *testing.T) string { return edit(t, "to: {war: p}", "to: {war: }") }, "error: probability is missing"},

		// expressions
		{"unknown parameter", func(t *testing.T) string { return edit(t, "to: {war: p}", "to: {war: 2 * q}") }, `19:19: error: unknown parameter "q"`},
		{"unknown parameter hint", func(t *testing.T) string {
			return edit(t, "  p: {dist", "  p_war: 0.1\n  p: {dist", "to: {war: p}", "to: {war: p_wra}")
		}, `error: unknown parameter "p_wra" (hint: did you mean "p_war"?)`},
		{"quoted expression position", func(t *testing.T) string { return edit(t, "to: {war: p}", `to: {war: "p + zz"}`) }, `19:20: error: unknown parameter "zz"`},
		{"unknown function", func(t *testing.T) string { return edit(t, "to: {war: p}", "to: {war: 'clmap(p, 0, 1)'}") }, `19:16: error: unknown function "clmap" (hint: did you mean "clamp"?)`},
		{"builtin not allowed", func(t *testing.T) string { return edit(t, "to: {war: p}", "to: {war: len(p)}") }, `error: unknown function "len"`},
		{"quantity outside hypothesis", func(t *testing.T) string { return edit(t, "to: {war: p}", `to: {war: 'reach("war", 1, "base")'}`) }, `error: unknown function "reach" (hint: reach is only available in hypotheses)`},
		{"method call", func(t *testing.T) string { return edit(t, "to: {war: p}", "to: {war: 'p.f(1)'}") }, "error: only named functions can be called"},
		{"unsupported construct", func(t *testing.T) string { return edit(t, "to: {war: p}", "to: {war: '[p][0]'}") }, "error: unsupported construct in expression"},
		{"range operator", func(t *testing.T) string { return edit(t, "to: {war: p}", "to: {war: 'max(1..100000000)'}") }, `19:21: error: operator ".." is not supported in expressions`},
		{"syntax error", func(t *testing.T) string { return edit(t, "to: {war: p}", "to: {war: p +* 2}") }, "error: invalid expression:"},
		{"bool where number", func(t *testing.T) string { return edit(t, "to: {war: p}", "to: {war: p > 1}") }, "error: invalid expression:"},
		// expr-lang's words for these were "compilation failed: expression
		// exceeds maximum allowed nodes" (at the expression's end) and
		// "invalid float literal: strconv.ParseFloat: parsing ..." (at the
		// number's last character).
		{"too many nodes", func(t *testing.T) string {
			return edit(t, "to: {war: p}", "to: {war: "+strings.Repeat("p+", 1500)+"p}")
		}, `19:15: error: invalid expression: more than 2000 syntax nodes (the limit for one expression) (hint: split it`},
		{"number out of range", func(t *testing.T) string { return edit(t, "to: {war: p}", `to: {war: "p * 1e400"}`) }, `19:20: error: invalid expression: number 1e400 is out of range (float64 holds up to ±1.8e308) (hint: every number must be finite, within ±1e100; docs/limits.md)`},
		{"empty expression", func(t *testing.T) string { return edit(t, "to: {war: p}", `to: {war: " "}`) }, "error: empty expression"},
		{"expression too long", func(t *testing.T) string {
			return edit(t, "to: {war: p}", "to: {war: "+strings.Repeat("p+", 10001)+"p}")
		}, "error: expression too long"},

		// draws
		{"probability above 1", func(t *testing.T) string { return edit(t, "to: {war: p}", "to: {war: p * 4}") }, `19:15: error: probability p * 4 = 1.2 is outside [0, 1] on the draw with p at its upper bound (p=0.3)`},
		{"probability below 0", func(t *testing.T) string { return edit(t, "to: {war: p}", "to: {war: p - 0.2}") }, `19:15: error: probability p - 0.2 = -0.1 is outside [0, 1] on the draw with p at its lower bound (p=0.1)`},
		{"sum above 1", func(t *testing.T) string { return edit(t, "to: {war: p}", "to: {war: p, truce: 0.75}") }, `17:5: error: transition rule: probabilities sum to 1.05 > 1 on the draw with p at its upper bound (p=0.3)`},
		{"sum above 1 sampled", func(t *testing.T) string {
			return edit(t, "{dist: uniform, min: 0.1, max: 0.3}", "{dist: choice, values: [0, 0.5, 1], weights: [1, 1, 5]}", "to: {war: p}", "to: {war: 'p == 0.5 ? 0.9 : 0.1', truce: 0.2}")
		}, `17:5: error: transition rule: probabilities sum to 1.1 > 1 on draw `},
		{"weights not 1", func(t *testing.T) string { return edit(t, "{hold: 0.9, strike: 0.1}", "{hold: 0.7, strike: p}") }, `25:18: error: strategy "calm" of US ("*"): weights sum to 0.9, not 1, on the central draw (p=0.2)`},
		{"infinite payoff", func(t *testing.T) string { return edit(t, "{payoff: -5}", "{payoff: 1/(p-p)}") }, `22:18: error: on the central draw (p=0.2): "1/(p-p)" is +Inf`},

		// payoffs
		{"when in terminal payoff", func(t *testing.T) string { return edit(t, "  - in: war\n", "  - in: war\n    when: {US: hold}\n") }, `22:5: error: ` + "`when`" + ` in a payoff rule for terminal state "war"`},
		{"unknown actor in payoff", func(t *testing.T) string { return edit(t, "    US: {payoff: -5}", "    UZ: {payoff: -5}") }, `22:5: error: unknown actor "UZ" in payoff rule (hint: did you mean "US"?)`},
		{"unknown component", func(t *testing.T) string { return edit(t, "{payoff: -5}", "{payof: -5}") }, `22:10: error: unknown payoff component "payof" (hint: did you mean "payoff"?)`},

		// strategies
		{"unknown action in strategy", func(t *testing.T) string { return edit(t, "{hold: 0.9, strike: 0.1}", "{hold: 0.9, strik: 0.1}") }, `25:29: error: unknown action "strik" of US (hint: did you mean "strike"?)`},
		{"unavailable action in strategy", func(t *testing.T) string {
			return edit(t, `US: {"*": [hold, strike]}`, `US: {"*": [hold, strike], truce: [hold]}`, "when: {US: strike}", "when: {US: hold}")
		}, `25:29: error: strategy "calm" of US ("*") puts weight on "strike", which US cannot take in state "truce" (hint: available there: hold)`},
		{"empty distribution", func(t *testing.T) string { return edit(t, "{hold: 0.9, strike: 0.1}", "{}") }, `error: strategy "calm" of US ("*"): empty distribution`},
		{"unknown state in strategy", func(t *testing.T) string { return edit(t, `calm: {"*": comply}`, `calm: {"*": comply, trce: comply}`) }, `27:25: error: unknown state "trce" in strategy "calm" of IR (hint: did you mean "truce"?)`},
		{"terminal state in strategy", func(t *testing.T) string { return edit(t, `calm: {"*": comply}`, `calm: {"*": comply, war: comply}`) }, `27:25: error: strategy "calm" of IR: state "war" is terminal`},
		{"strategy silent", func(t *testing.T) string { return edit(t, `calm: {"*": comply}`, `calm: {}`) }, `27:5: error: strategy "calm" of IR says nothing about state "truce" (hint: add "*": {...} or an entry for truce)`},
		{"rule without play", func(t *testing.T) string {
			return edit(t, `calm: {"*": comply}`, "calm:\n      \"*\": comply\n      rules:\n        - {after: {US: strike}}")
		}, "30:12: error: strategy rule without `play` (hint: add play: {action: probability})"},
		{"rule bad after", func(t *testing.T) string {
			return edit(t, `calm: {"*": comply}`, "calm:\n      \"*\": comply\n      rules:\n        - {after: {US: strke}, play: resist}")
		}, `30:24: error: unknown action "strke" of US (hint: did you mean "strike"?)`},
		{"rule unknown key", func(t *testing.T) string {
			return edit(t, `calm: {"*": comply}`, "calm:\n      \"*\": comply\n      rules:\n        - {after: {US: strike}, plya: resist}")
		}, `30:33: error: unknown key "plya" in strategy rule (hint: did you mean "play"?)`},
		{"rule plays nowhere", func(t *testing.T) string {
			return edit(t, `IR: {"*": [comply, resist]}`, `IR: {"*": [comply, resist], truce: [comply, wait]}`, `calm: {"*": comply}`, "calm:\n      \"*\": comply\n      rules:\n        - {after: {US: strike}, play: {resist: 0.5, wait: 0.5}}")
		}, `30:33: error: rule of strategy "calm" of IR plays actions that IR cannot take together in any state`},
		{"rule unavailable in given state", func(t *testing.T) string {
			return edit(t, `IR: {"*": [comply, resist]}`, `IR: {"*": [comply, resist], truce: [comply, wait]}`, `calm: {"*": comply}`, "calm:\n      \"*\": comply\n      rules:\n        - {in: truce, play: resist}")
		}, `30:29: error: rule of strategy "calm" of IR puts weight on "resist", which IR cannot take in state "truce" (hint: available there: comply, wait)`},
		{"unknown actor in strategies", func(t *testing.T) string { return edit(t, "  IR:\n    calm", "  IRR:\n    calm") }, `26:3: error: unknown actor "IRR"`},

		// profiles
		{"unknown strategy", func(t *testing.T) string { return edit(t, "{US: calm, IR: calm}", "{US: clam, IR: calm}") }, `29:14: error: unknown strategy "clam" of US (hint: did you mean "calm"?)`},
		{"unknown actor in profile", func(t *testing.T) string { return edit(t, "{US: calm, IR: calm}", "{US: calm, IR: calm, UK: calm}") }, `29:30: error: unknown actor "UK" in profile "base" (hint: did you mean "US"?)`},
		{"actor without strategy", func(t *testing.T) string { return edit(t, "{US: calm, IR: calm}", "{US: calm}") }, `29:3: error: profile "base" gives no strategy for actor IR (hint: add IR: STRATEGY)`},
		{"profile not a mapping", func(t *testing.T) string { return edit(t, "{US: calm, IR: calm}", "calm") }, `29:9: error: profile base must be a mapping (key: value) (hint: write {ACTOR: STRATEGY, ...}, or {solve: markov-perfect})`},
		{"unknown solve", func(t *testing.T) string { return edit(t, "{US: calm, IR: calm}", "{solve: nash}") }, `29:17: error: unknown equilibrium kind "nash" (hint: expected one of "markov-perfect")`},
		{"solve and strategies", func(t *testing.T) string { return edit(t, "{US: calm, IR: calm}", "{solve: markov-perfect, US: calm}") }, `29:33: error: profile "base" has both` + " `solve` " + `and strategies`},

		// hypotheses
		{"hypothesis without id", func(t *testing.T) string { return edit(t, "{id: H1, claim", "{claim") }, "31:6: error: hypothesis without id"},
		{"duplicate hypothesis", func(t *testing.T) string {
			return base + `  - {id: H1, claim: c, expr: 'absorb("war", "base") < 0.5'}` + "\n"
		}, `32:10: error: duplicate hypothesis "H1"`},
		{"hypothesis without expr", func(t *testing.T) string { return edit(t, `, expr: 'absorb("war", "base") < 0.5'}`, "}") }, `31:10: error: hypothesis "H1" has no`},
		{"hypothesis expr not text", func(t *testing.T) string { return edit(t, `'absorb("war", "base") < 0.5'`, "[1]") }, "31:30: error: hypothesis expr must be text"},
		{"hypothesis not bool", func(t *testing.T) string { return edit(t, `'absorb("war", "base") < 0.5'`, `'absorb("war", "base")'`) }, "31:30: error: invalid hypothesis: expected bool, but got float64"},
		{"hypothesis unknown state", func(t *testing.T) string { return edit(t, `absorb("war"`, `absorb("wra"`) }, `31:38: error: unknown state "wra" (hint: did you mean "war"?)`},
		{"hypothesis unknown profile", func(t *testing.T) string { return edit(t, `"war", "base")`, `"war", "bsae")`) }, `31:45: error: unknown profile "bsae" (hint: did you mean "base"?)`},
		{"hypothesis unquoted name", func(t *testing.T) string { return edit(t, `absorb("war", "base")`, `absorb(p, "base")`) }, `31:38: error: argument 1 of absorb must be a quoted name`},
		{"hypothesis arity", func(t *testing.T) string { return edit(t, `absorb("war", "base")`, `absorb("war")`) }, `31:31: error: absorb takes 2 arguments, got 1 (hint: write absorb("state", "profile"))`},
		{"reach steps", func(t *testing.T) string { return edit(t, `absorb("war", "base")`, `reach("war", p, "base")`) }, "error: argument 2 of reach must be a whole number"},
		{"reach beyond horizon", func(t *testing.T) string { return edit(t, `absorb("war", "base")`, `reach("war", 11, "base")`) }, "31:44: error: reach: 11 steps is outside the horizon (hint: use 0 to the horizon, 10)"},
		{"value unknown actor", func(t *testing.T) string { return edit(t, `absorb("war", "base")`, `value("UK", "base")`) }, `31:37: error: unknown actor "UK" (hint: did you mean "US"?)`},
		{"value unknown component", func(t *testing.T) string { return edit(t, `absorb("war", "base")`, `value("US", "base", "pay")`) }, `31:51: error: unknown payoff component "pay" (hint: expected one of "payoff")`},

		// warnings
		{"unreachable state", func(t *testing.T) string {
			return edit(t, "  - {id: war, terminal: true}", "  - {id: war, terminal: true}\n  - {id: limbo}")
		}, `13:10: warning: state "limbo" cannot be reached from the initial state "truce"`},
		{"never left", func(t *testing.T) string {
			return edit(t, "  - {id: war, terminal: true}", "  - {id: war, terminal: true}\n  - {id: limbo}", "to: {war: p}", "to: {war: p, limbo: 0.1}")
		}, `13:10: warning: state "limbo" can never be left but is not terminal (hint: mark it`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.src(t)
			sc, ds := Parse("t.yaml", []byte(src))
			var all []string
			found := false
			for _, d := range ds {
				s := d.String()
				all = append(all, s)
				if strings.Contains(s, tc.want) {
					found = true
				}
				if d.File != "t.yaml" || d.Line < 1 || d.Col < 1 {
					t.Errorf("bad position in %s", s)
				}
			}
			if !found {
				t.Errorf("want a diagnostic containing\n  %s\ngot\n  %s", tc.want, strings.Join(all, "\n  "))
			}
			isWarning := strings.Contains(tc.want, "warning:")
			if isWarning && sc == nil {
				t.Errorf("a warning must not fail the parse")
			}
			if !isWarning && sc != nil {
				t.Errorf("an error must fail the parse")
			}
		})
	}
}
