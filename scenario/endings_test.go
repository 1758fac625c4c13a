package scenario

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scenarioFiles lists every scenario in the repository: bundled, examples
// and the test files that describe full scenarios.
func scenarioFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{"../examples/*.yaml", "../examples/*/*.yaml", "../scenarios/*.yaml", "testdata/design.yaml", "testdata/uncertain.yaml"} {
		m, _ := filepath.Glob(pat)
		for _, f := range m {
			// examples/gmcr holds conflicts in option form (kind:
			// graph-model), another format.
			if b, err := os.ReadFile(f); err == nil && strings.Contains(string(b), "\nkind: graph-model") {
				continue
			}
			files = append(files, f)
		}
	}
	if len(files) < 8 {
		t.Fatalf("found only %v", files)
	}
	return files
}

// TestEndingsSumToOne: on every bundled and example scenario, for every
// profile analysed by default, the endings within the horizon plus the
// share unresolved at the horizon sum to 1, the eventual endings plus the
// share that never ends sum to 1, the unresolved share splits exactly over
// the non-terminal states, and within-horizon figures never exceed the
// eventual ones.
func TestEndingsSumToOne(t *testing.T) {
	for _, f := range scenarioFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc, ds := Parse(f, src)
		if sc == nil {
			t.Fatalf("%s: %v", f, ds)
		}
		rep, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: 16, Seed: 1})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		const eps = 1e-9
		for _, name := range rep.ProfileOrder {
			p := rep.Profiles[name]
			what := f + " " + name
			if len(p.Endings) != len(rep.TerminalStates) {
				t.Errorf("%s: %d endings, want one per terminal state %v", what, len(p.Endings), rep.TerminalStates)
			}
			within, eventually, where := 0.0, 0.0, 0.0
			for _, s := range rep.TerminalStates {
				e := p.Endings[s]
				within += float64(e.WithinHorizon.Mean)
				eventually += float64(e.Eventually.Mean)
				r := p.Reach[s]
				if d := math.Abs(float64(e.WithinHorizon.Mean - r[len(r)-1])); d > eps {
					t.Errorf("%s: %s within the horizon %v, reach at the horizon %v", what, s, e.WithinHorizon.Mean, r[len(r)-1])
				}
				if e.WithinHorizon.Mean > e.Eventually.Mean+eps {
					t.Errorf("%s: %s within the horizon %v > eventually %v", what, s, e.WithinHorizon.Mean, e.Eventually.Mean)
				}
			}
			for s, x := range p.Unresolved.Where {
				if contains(rep.TerminalStates, s) {
					t.Errorf("%s: terminal state %s listed as unresolved", what, s)
				}
				where += float64(x.Mean)
			}
			u := p.Unresolved
			if d := math.Abs(within + float64(u.AtHorizon.Mean) - 1); d > eps {
				t.Errorf("%s: endings within the horizon %v + unresolved %v = %v, want 1", what, within, u.AtHorizon.Mean, within+float64(u.AtHorizon.Mean))
			}
			if d := math.Abs(eventually + float64(u.Eventually.Mean) - 1); d > eps {
				t.Errorf("%s: eventual endings %v + never ending %v, want 1", what, eventually, u.Eventually.Mean)
			}
			if d := math.Abs(where - float64(u.AtHorizon.Mean)); d > eps {
				t.Errorf("%s: unresolved split over states sums to %v, want %v", what, where, u.AtHorizon.Mean)
			}
		}
		// The text output names the three figures.
		var b strings.Builder
		if err := rep.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"within", "eventually", "unresolved"} {
			if !strings.Contains(b.String(), want) {
				t.Errorf("%s: text output lacks %q:\n%s", f, want, b.String())
			}
		}
	}
}

// TestUnresolvedWhere: the stalled mass is located, e.g. a process that
// never leaves its start is "unresolved at the horizon: start 100%" both
// within the horizon and eventually.
func TestUnresolvedWhere(t *testing.T) {
	src := []byte(`truce: 1
horizon: 10
discount: 0.9
actors: [{id: A}]
states:
  - {id: start, initial: true}
  - {id: stuck}
  - {id: done, terminal: true}
actions:
  A: {"*": [wait, go]}
transitions:
  - {from: start, when: {A: go}, to: {stuck: 1}}
strategies:
  A:
    idle: {"*": wait}
    move: {"*": go}
profiles:
  idle: {A: idle}
  move: {A: move}
`)
	sc, ds := Parse("t.yaml", src)
	if sc == nil {
		t.Fatal(ds)
	}
	rep, err := Analyze(context.Background(), sc, AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"idle": "start 100%", "move": "stuck 100%"} {
		p := rep.Profiles[name]
		if got := UnresolvedWhere(rep, p, 0.001); got != want {
			t.Errorf("%s: unresolved where = %q, want %q", name, got, want)
		}
		if p.Unresolved.AtHorizon.Mean != 1 || p.Unresolved.Eventually.Mean != 1 || p.Endings["done"].Eventually.Mean != 0 {
			t.Errorf("%s: unresolved %+v, done %+v", name, p.Unresolved, p.Endings["done"])
		}
	}
}
