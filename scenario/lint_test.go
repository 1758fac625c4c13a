package scenario

import (
	"context"
	"strings"
	"testing"
)

// lint parses src (which must be valid) and returns its lint findings.
func lint(t *testing.T, src string) []Diagnostic {
	t.Helper()
	sc, ds := Parse("t.yaml", []byte(src))
	if sc == nil {
		t.Fatalf("does not parse: %v", ds)
	}
	return sc.Lint(context.Background())
}

// wantFinding fails unless exactly one finding is at line:col with the
// given severity and a message containing every part.
func wantFinding(t *testing.T, ds []Diagnostic, line, col int, severity string, parts ...string) {
	t.Helper()
	n := 0
	for _, d := range ds {
		ok := d.Line == line && d.Col == col && d.Severity == severity
		for _, p := range parts {
			ok = ok && strings.Contains(d.String(), p)
		}
		if ok {
			n++
		}
	}
	if n != 1 {
		var all []string
		for _, d := range ds {
			all = append(all, d.String())
		}
		t.Errorf("want one %s at %d:%d containing %q; got:\n%s", severity, line, col, parts, strings.Join(all, "\n"))
	}
}

func TestLintBaseIsClean(t *testing.T) {
	if ds := lint(t, base); len(ds) != 0 {
		t.Errorf("base scenario has findings: %v", ds)
	}
}

func TestLintTypoInWeights(t *testing.T) {
	src := edit(t,
		"  - id: US\n", "  - id: US\n    weights: {material: 1, domestic: 1}\n",
		"  - id: IR\n", "  - id: IR\n    weights: {material: 1, xdomestic: 2}\n",
		"    US: {payoff: -5}\n", "    US: {material: -5}\n    IR: {material: -5, domestic: -3}\n")
	ds := lint(t, src)
	// line 9 is IR's weights: "    weights: {material: 1, xdomestic: 2}"
	wantFinding(t, ds, 9, 28, SeverityWarning, `t.yaml:9:28: warning: IR's weights name component "xdomestic", which no payoff rule pays, and leave out "domestic"`,
		`"domestic" counts 0 in IR's total`, `(hint: did you mean "domestic"?)`)
	if len(ds) != 1 {
		t.Errorf("want only the typo; got %v", ds)
	}
}

func TestLintUnusedComponent(t *testing.T) {
	src := edit(t, "parameters:", "components:\n  payoff: {}\n  prestige: {description: never paid}\nparameters:")
	ds := lint(t, src)
	wantFinding(t, ds, 10, 3, SeverityWarning, `t.yaml:10:3: warning: component "prestige" is unused: no payoff rule pays it`)
	if len(ds) != 1 {
		t.Errorf("want only the unused component; got %v", ds)
	}
}

func TestLintUnusedParameter(t *testing.T) {
	src := edit(t, "  p: {dist: uniform, min: 0.1, max: 0.3}\n", "  p: {dist: uniform, min: 0.1, max: 0.3}\n  q_unused: {dist: beta, a: 2, b: 5}\n  d_used: 'p * 2'\n  d_unused: 'q_unused + 1'\n")
	src = strings.Replace(src, "to: {war: p}", "to: {war: d_used / 2}", 1)
	ds := lint(t, src)
	wantFinding(t, ds, 10, 3, SeverityWarning, `t.yaml:10:3: warning: parameter "q_unused" is unused: no expression reads it`)
	wantFinding(t, ds, 12, 3, SeverityWarning, `derived parameter "d_unused" is unused`)
	for _, d := range ds {
		if strings.Contains(d.Msg, `"p"`) || strings.Contains(d.Msg, `"d_used"`) {
			t.Errorf("used parameter reported: %s", d)
		}
	}
}

func TestLintUnusedStrategyAndDuplicateProfile(t *testing.T) {
	src := edit(t,
		"    calm: {\"*\": {hold: 0.9, strike: 0.1}}\n", "    calm: {\"*\": {hold: 0.9, strike: 0.1}}\n    hawk: {\"*\": strike}\n",
		"  base: {US: calm, IR: calm}\n", "  base: {US: calm, IR: calm}\n  copy: {US: calm, IR: calm}\n")
	ds := lint(t, src)
	wantFinding(t, ds, 26, 5, SeverityWarning, `t.yaml:26:5: warning: strategy "hawk" of US is unused: no profile uses it`)
	wantFinding(t, ds, 31, 3, SeverityWarning, `t.yaml:31:3: warning: profile "copy" has the same strategies as profile "base" (line 30)`)
}

func TestLintShadowedRule(t *testing.T) {
	src := edit(t, "transitions:\n", `transitions:
  - from: truce
    to: {war: 0.01}
`)
	ds := lint(t, src)
	// The first rule takes every joint action of truce; the strike rule
	// (now at line 19) never applies.
	wantFinding(t, ds, 19, 5, SeverityWarning, `t.yaml:19:5: warning: transition rule is shadowed: for every joint action it matches, an earlier rule matches first (line 17), so it never applies`)
}

// A rule whose step condition holds at no step is not "shadowed by an
// earlier rule" (the rule deciding in its place comes after it): it named
// the later rule at line 12 as an earlier one.
func TestLintStepConditionNever(t *testing.T) {
	src := `truce: 1
name: c
horizon: 20
discount: 0.9
actors: [{id: US}]
clock: {deadline: 8}
states:
  - {id: truce, initial: true}
  - {id: war, terminal: true}
transitions:
  - {from: truce, when: {step: [">= 2", "< 1"]}, to: {war: 0.3}}
  - {from: truce, to: {war: 0.02}}
`
	ds := lint(t, src)
	wantFinding(t, ds, 11, 6, SeverityWarning, `t.yaml:11:6: warning: transition rule never applies: its step condition holds at no step`)
	for _, d := range ds {
		if strings.Contains(d.Msg, "shadowed") {
			t.Errorf("%s", d)
		}
	}
}

func TestLintOrderDependentRules(t *testing.T) {
	src := edit(t, "transitions:\n", `transitions:
  - from: truce
    when: {IR: resist}
    to: {war: 0.5}
`)
	ds := lint(t, src)
	// resist (line 17) and strike (line 20) overlap on (strike, resist)
	// only; neither is a special case of the other. The order may be
	// meant (a priority list), so it is a note, not a warning.
	wantFinding(t, ds, 20, 5, SeverityNote, "t.yaml:20:5: note: transition rules at lines 17 and 20 both match 1 joint action (US: strike, IR: resist in truce)", "depend on rule order")
	// An exception before its default is the usual pattern, not a warning.
	src = edit(t, "    to: {war: p}\n", "    to: {war: p}\n  - from: truce\n    to: {war: 0.001}\n")
	for _, d := range lint(t, src) {
		t.Errorf("exception before default reported: %s", d)
	}
}

func TestLintShadowedStrategyRule(t *testing.T) {
	src := edit(t, "    calm: {\"*\": {hold: 0.9, strike: 0.1}}\n", `    calm:
      "*": {hold: 0.9, strike: 0.1}
      rules:
        - {after: {IR: resist}, play: strike}
        - {in: truce, after: {IR: resist}, play: hold}
`)
	ds := lint(t, src)
	wantFinding(t, ds, 29, 12, SeverityWarning, `t.yaml:29:12: warning: rule of strategy "calm" of US is shadowed: wherever it matches, an earlier rule matches first (line 28)`)
}

func TestLintUndefinedTime(t *testing.T) {
	src := edit(t, `  - {id: H1, claim: c, expr: 'absorb("war", "base") < 0.5'}`,
		`  - {id: H1, claim: c, expr: 'absorb("war", "base") < 0.5'}
  - {id: H2, claim: war comes late, expr: 'time("war", "peaceful") > 5'}`,
		"  base: {US: calm, IR: calm}\n", "  base: {US: calm, IR: calm}\n  peaceful: {US: dove, IR: calm}\n",
		"    calm: {\"*\": {hold: 0.9, strike: 0.1}}\n", "    calm: {\"*\": {hold: 0.9, strike: 0.1}}\n    dove: {\"*\": hold}\n")
	ds := lint(t, src)
	wantFinding(t, ds, 34, 10, SeverityWarning, `t.yaml:34:10: warning: hypothesis H2 reads time("war", "peaceful"), which is undefined (NaN) on draws where "war" is never entered under "peaceful" (the central draw is one)`,
		"every comparison with an undefined value is false")
	// Under "base" war can be entered: no warning.
	src = strings.Replace(src, `time("war", "peaceful")`, `time("war", "base")`, 1)
	for _, d := range lint(t, src) {
		if strings.Contains(d.Msg, "undefined") {
			t.Errorf("reachable state reported: %s", d)
		}
	}
}

// TestLintRepositoryScenarios: every scenario shipped with truce (bundled
// and examples) is free of lint warnings (notes are allowed).
func TestLintRepositoryScenarios(t *testing.T) {
	for _, f := range scenarioFiles(t) {
		if strings.HasPrefix(f, "testdata/") {
			continue // fixtures, e.g. the format's sketch with an unused parameter
		}
		sc := loadFile(t, f)
		for _, d := range sc.Lint(context.Background()) {
			if d.Severity != SeverityNote {
				t.Errorf("%s", d)
			}
		}
	}
}
