package scenario

import (
	"testing"
)

// TestRuleSemantics checks, against hand-derived answers, the rules of the
// format: first matching transition wins, `else` takes the leftover, every
// matching payoff rule adds, terminal payoffs are paid once on entry, and a
// zero-sum component gives the other actor the negative.
//
// In s, X goes or waits with probability 1/2 each. Going leads to a with
// 0.3, else to b; waiting (second rule) leads to a with 0.1, else stays.
// Per step: a 0.2, b 0.35, stay 0.45, so absorb(a) = 4/11, absorb(b) = 7/11,
// the first-entry step is geometric: E = 1/0.55 for both endings.
// X's flow is 1 + (1/2)·2 = 2 per step; entering a pays X 10, entering b
// pays X 10 and Y -4 of the zero-sum m (so X +4 more): 14.
// V_X = 2 + 0.5·(0.2·10 + 0.35·14 + 0.45·V_X) => V_X = 5.45/0.775, V_Y = -V_X.
func TestRuleSemantics(t *testing.T) {
	const src = `truce: 1
horizon: 6
discount: 0.5
actors: [{id: X}, {id: Y}]
components: {m: {zero_sum: true}}
states:
  - {id: s, initial: true}
  - {id: a, terminal: true}
  - {id: b, terminal: true}
actions:
  X: {"*": [{id: go, description: move first, source: analyst}, wait]}
transitions:
  - {from: s, when: {X: go}, to: {a: 0.3}, else: b}
  - {from: "*", to: {a: 0.1}}
payoffs:
  - {in: s, X: {m: 1}}
  - {in: s, when: {X: go}, X: {m: 2}}
  - {in: [a, b], X: {m: 10}}
  - {in: b, Y: {m: -4}}
strategies:
  X: {coin: {"*": {go: 0.5, wait: 0.5}}}
  Y: {idle: {}}
profiles:
  p: {X: coin, Y: idle}
`
	sc, ds := Parse("sem.yaml", []byte(src))
	if sc == nil {
		t.Fatal(ds)
	}
	if info := sc.ActionInfo[0]["go"]; info.Description != "move first" || info.Source != "analyst" {
		t.Errorf("action info = %+v", info)
	}
	a := analyzeCentral(t, sc, "p")
	near(t, "absorb(a)", a.Absorb[1], 4.0/11)
	near(t, "absorb(b)", a.Absorb[2], 7.0/11)
	near(t, "time(a)", a.Time[1], 1/0.55)
	near(t, "time(b)", a.Time[2], 1/0.55)
	near(t, "reach(a, 1)", a.Reach[1][1], 0.2)
	near(t, "reach(a, 2)", a.Reach[1][2], 0.29)
	near(t, "reach(b, 2)", a.Reach[2][2], 0.35+0.45*0.35)
	near(t, "value(X)", a.Total[0], 5.45/0.775)
	near(t, "value(Y)", a.Total[1], -5.45/0.775)
}

// TestRuleWithoutIn: a strategy rule without `in` applies in the states
// where the actor can play every action it names.
func TestRuleWithoutIn(t *testing.T) {
	const src = `truce: 1
horizon: 3
discount: 0.5
actors: [{id: X}]
states: [s1, s2, {id: end, terminal: true}]
actions:
  X: {s1: [a, b], s2: [a, c]}
transitions:
  - {from: s1, to: {s2: 0.5}}
  - {from: s2, to: {end: 0.5}}
strategies:
  X:
    st:
      "*": a
      rules:
        - {after: {X: a}, play: c}
profiles:
  p: {X: st}
`
	sc, ds := Parse("r.yaml", []byte(src))
	if sc == nil {
		t.Fatal(ds)
	}
	_, profs, err := sc.Build(sc.Central())
	if err != nil {
		t.Fatal(err)
	}
	rules := profs["p"][0].Rules
	if len(rules) != 1 || rules[0].State != 1 {
		t.Fatalf("rules = %+v, want one rule in s2 (state 1)", rules)
	}
}

// TestPassiveActorsAndDefaultProfile: actors with one action everywhere need
// no strategy, and a file without profiles gets "default" when every actor
// has one strategy or none is needed.
func TestPassiveActorsAndDefaultProfile(t *testing.T) {
	const src = `truce: 1
horizon: 4
discount: 0.9
actors: [{id: X}, {id: Nature}]
states: [s, {id: end, terminal: true}]
actions:
  X: {"*": [a, b]}
transitions:
  - {from: s, when: {X: a}, to: {end: 0.5}}
payoffs:
  - {in: end, X: {payoff: 1}}
strategies:
  X: {half: {"*": {a: 0.5, b: 0.5}}}
`
	sc, ds := Parse("d.yaml", []byte(src))
	if sc == nil {
		t.Fatal(ds)
	}
	if len(sc.Profiles) != 1 || sc.Profiles[0].Name != "default" {
		t.Fatalf("profiles = %+v", sc.Profiles)
	}
	a := analyzeCentral(t, sc, "default")
	// Each step ends with probability 1/4: E[δ^T] = 0.9·0.25/(1 - 0.9·0.75).
	near(t, "value(X)", a.Total[0], 0.225/0.325)
	near(t, "time(end)", a.Time[1], 4)
	// With an explicit profile the passive actor may be left out.
	sc, ds = Parse("d.yaml", []byte(src+"profiles:\n  p: {X: half}\n"))
	if sc == nil {
		t.Fatal(ds)
	}
	near(t, "value(X) in p", analyzeCentral(t, sc, "p").Total[0], 0.225/0.325)
}
