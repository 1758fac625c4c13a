package scenario

import (
	"context"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/truce-dev/truce/markov"
)

// memoBase is testdata/leverage.yaml with ranged numbers, so that draws
// differ, and two profiles that share the soft US: figures on them differ
// only in the actor or in the profile.
const memoBase = `truce: 1
name: memo-test
horizon: 10
discount: 0.9
actors:
  - id: US
    weights: {u: 1}
  - id: IR
    weights: {u: 1}
parameters:
  gain: {dist: uniform, min: 0.2, max: 0.8}
  p_end: {dist: uniform, min: 0.6, max: 1}
states:
  - {id: truce, initial: true}
  - {id: talks_over, terminal: true}
actions:
  US: {"*": [negotiate, withdraw]}
  IR: {"*": [comply, hormuz]}
transitions:
  - from: truce
    when: {US: withdraw}
    to: {talks_over: p_end}
payoffs:
  - in: truce
    when: {US: withdraw}
    US: {u: -1}
  - in: truce
    when: {IR: hormuz}
    IR: {u: gain}
  - in: talks_over
    US: {u: -2}
    IR: {u: -3}
strategies:
  US:
    soft: {"*": negotiate}
    threat:
      "*": negotiate
      rules:
        - {after: {IR: hormuz}, play: withdraw}
  IR:
    comply: {"*": comply}
    hormuz: {"*": hormuz}
profiles:
  soft: {US: soft, IR: hormuz}
  soft_comply: {US: soft, IR: comply}
  threat: {US: threat, IR: hormuz}
hypotheses:
  - id: M1
    claim: Iran's best response to the threat is worth nothing
    expr: abs(best_response_value("IR", "threat")) < 1e-9
  - id: M2
    claim: the US's own best response to the soft profile beats Iran's
    expr: best_response_value("US", "soft") > best_response_value("IR", "soft")
  - id: M3
    claim: Iran's best response moves between soft and threat
    expr: responds("IR", "soft", "threat") && responds("IR", "threat", "soft")
  - id: M4
    claim: the threat is not credible
    expr: not credible("US", "withdraw", "threat")
  - id: M5
    claim: values differ by profile and actor
    expr: value("IR", "soft") > value("IR", "soft_comply") && value("US", "threat") < reach("talks_over", 5, "threat") + value("US", "soft")
`

// TestMemoReuseIsExact evaluates variants of memoBase on its draws with a
// Memo the file as written filled, and without: every figure and verdict
// must be the same to the last bit, figures on unchanged profiles must be
// reused, and the variant must change some figures (so that a memo keyed
// too coarsely, by the call's text alone, would have answered wrongly).
func TestMemoReuseIsExact(t *testing.T) {
	ctx := context.Background()
	const draws = 6
	parse := func(src string) *Scenario {
		t.Helper()
		sc, ds := Parse("memo.yaml", []byte(src))
		if sc == nil {
			t.Fatalf("parse: %v", ds)
		}
		return sc
	}
	outputs := []string{
		`best_response_value("IR", "threat")`, `best_response_value("IR", "soft")`, `best_response_value("US", "soft")`,
		`best_response_value("IR", "soft_comply")`, `best_response_value("US", "soft_comply")`,
		`responds("IR", "soft", "threat")`, `responds("IR", "threat", "soft")`, `credible("US", "withdraw", "threat")`,
		`value("IR", "soft")`, `value("US", "soft")`, `value("IR", "soft_comply")`, `value("US", "threat")`,
		`reach("talks_over", 5, "threat")`,
	}
	type run struct {
		out   [][]float64
		holds [][]bool
	}
	eval := func(sc *Scenario, memo *Memo) run {
		t.Helper()
		p, err := sc.NewProbe(ProbeOptions{Outputs: outputs, Memo: memo})
		if err != nil {
			t.Fatal(err)
		}
		var r run
		for i := 0; i < draws; i++ {
			out, holds := make([]float64, len(outputs)), make([]bool, len(p.Hypotheses()))
			if err := p.EvalIndexed(ctx, i, sc.DrawAt(1, i).Values, "draw", out, holds); err != nil {
				t.Fatal(err)
			}
			r.out, r.holds = append(r.out, out), append(r.holds, holds)
		}
		return r
	}
	same := func(t *testing.T, a, b run) {
		t.Helper()
		for i := range a.out {
			for k := range a.out[i] {
				if math.Float64bits(a.out[i][k]) != math.Float64bits(b.out[i][k]) {
					t.Errorf("draw %d, %s: %v with the memo, %v without", i, outputs[k], a.out[i][k], b.out[i][k])
				}
			}
			if !slices.Equal(a.holds[i], b.holds[i]) {
				t.Errorf("draw %d: verdicts %v with the memo, %v without", i, a.holds[i], b.holds[i])
			}
		}
	}
	memo := NewMemo()
	base := eval(parse(memoBase), memo)
	same(t, base, eval(parse(memoBase), nil)) // filling changes nothing
	memo.Freeze()
	kept := memo.Len()

	for _, tc := range []struct {
		name, from, to string
		hits           bool // figures on unchanged profiles are reused
	}{
		// The threat strategy withdraws half the time: the profile threat
		// changes; soft and soft_comply, and the game, do not.
		{"strategy", "{after: {IR: hormuz}, play: withdraw}", "{after: {IR: hormuz}, play: {withdraw: 0.5, negotiate: 0.5}}", true},
		// Iran's hormuz strategy mixes: soft and threat change, soft_comply does not.
		{"other actor's strategy", `hormuz: {"*": hormuz}`, `hormuz: {"*": {hormuz: 0.9, comply: 0.1}}`, true},
		// A payoff changes the game: nothing is reused.
		{"payoff", "US: {u: -2}", "US: {u: -2.5}", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(memoBase, tc.from, tc.to, 1)
			if src == memoBase {
				t.Fatalf("variant %q not applied", tc.from)
			}
			before := memo.Hits()
			with := eval(parse(src), memo)
			hits := memo.Hits() - before
			same(t, with, eval(parse(src), nil))
			if tc.hits != (hits > 0) {
				t.Errorf("%d figures reused; want reuse %v", hits, tc.hits)
			}
			if hits >= int64(draws*len(outputs)) {
				t.Errorf("every figure reused (%d): the variant changed nothing the test can see", hits)
			}
			changed := 0
			for i := range with.out {
				for k := range with.out[i] {
					if with.out[i][k] != base.out[i][k] {
						changed++
					}
				}
			}
			if changed == 0 {
				t.Errorf("the variant changes no figure: the test cannot tell a memo keyed by the call's text alone")
			}
		})
	}
	if memo.Len() != kept {
		t.Errorf("a frozen memo stored: %d figures, was %d", memo.Len(), kept)
	}
}

// TestMemoEqualitiesCoverEveryField fails when a markov type the Memo
// compares gains a field, so that gameEqual, profileEqual and
// optionsEqual are extended with it (a field left out would let a figure
// be reused where that field differs).
func TestMemoEqualitiesCoverEveryField(t *testing.T) {
	for _, tc := range []struct {
		typ    reflect.Type
		fields string
	}{
		{reflect.TypeFor[markov.Game](), "Actors Components States Initial Actions Avail Trans Flow Entry Clock Timed"},
		{reflect.TypeFor[markov.Actor](), "ID Discount Weights"},
		{reflect.TypeFor[markov.State](), "ID Terminal"},
		{reflect.TypeFor[markov.Next](), "State P"},
		{reflect.TypeFor[markov.Stage](), "Trans Flow"},
		{reflect.TypeFor[markov.Strategy](), "Base Rules Timed"},
		{reflect.TypeFor[markov.Rule](), "State After Steps Play"},
		{reflect.TypeFor[markov.Cond](), "Actor Actions"},
		{reflect.TypeFor[markov.ActionProb](), "Action P"},
		// denseLimit and unlayered are set by markov's own tests only.
		{reflect.TypeFor[markov.AnalyzeOptions](), "Horizon States From FromStates LongRun ValueSteps WithinHorizon Workers denseLimit unlayered"},
	} {
		var got []string
		for i := 0; i < tc.typ.NumField(); i++ {
			got = append(got, tc.typ.Field(i).Name)
		}
		if strings.Join(got, " ") != tc.fields {
			t.Errorf("%v has fields %v; scenario/memo.go compares %s: extend its equalities", tc.typ, got, tc.fields)
		}
	}
}

// TestMemoGameEqualSeesEveryTable changes one number of a built game at a
// time and checks that gameEqual tells the copies apart.
func TestMemoGameEqualSeesEveryTable(t *testing.T) {
	sc, ds := Parse("memo.yaml", []byte(memoBase))
	if sc == nil {
		t.Fatal(ds)
	}
	build := func() *markov.Game {
		g, _, err := sc.Build(sc.DrawAt(1, 0))
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	if !gameEqual(build(), build()) {
		t.Fatal("two builds of one draw differ")
	}
	for name, edit := range map[string]func(g *markov.Game){
		"discount":   func(g *markov.Game) { g.Actors[1].Discount = 0.95 },
		"weight":     func(g *markov.Game) { g.Actors[0].Weights[0] = 2 },
		"transition": func(g *markov.Game) { g.Trans[0][1][0].P = math.Nextafter(g.Trans[0][1][0].P, 0) },
		"flow":       func(g *markov.Game) { g.Flow[0][2][1] = math.Copysign(0, -1) },
		"entry":      func(g *markov.Game) { g.Entry[1][0] = -2.5 },
		"state":      func(g *markov.Game) { g.States[0].ID = "x" },
		"initial":    func(g *markov.Game) { g.Initial = 1 },
	} {
		g := build()
		edit(g)
		if gameEqual(build(), g) {
			t.Errorf("%s: a changed game compares equal", name)
		}
	}
}
