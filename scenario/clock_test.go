package scenario

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/truce-dev/truce/equilibrium"
)

// TestDeadlineClosedForm: testdata/deadline.yaml, by hand. Before the
// deadline (steps 0..7) the truce survives a step with q1 = 0.93 (war 0.02,
// deal 0.05); from step 8 on, with the US escalating, with q2 = 0.65 (war
// 0.3, deal 0.05). So
//
//	reach(war, t) = 0.02·(1-q1^t)/0.07                        t <= 8
//	              = 0.02·(1-q1^8)/0.07 + q1^8·0.3·(1-q2^(t-8))/0.35   t > 8
//	absorb(war)   = 0.02·(1-q1^8)/0.07 + q1^8·0.3/0.35
//	value(US)     = Σ_{t<8} (0.9·q1)^t + (0.9·q1)^8·0.5/(1-0.9·q2)
//
// (the truce pays 1 a step, 0.5 from the deadline on).
func TestDeadlineClosedForm(t *testing.T) {
	sc := loadFile(t, "testdata/deadline.yaml")
	if sc.Clock != 8 || !strings.Contains(sc.ClockNote, "until step 8") {
		t.Fatalf("clock %d: %s", sc.Clock, sc.ClockNote)
	}
	r, err := Analyze(context.Background(), sc, AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	q1, q2 := 0.93, 0.65
	reach := func(t int) float64 {
		if t <= 8 {
			return 0.02 * (1 - math.Pow(q1, float64(t))) / 0.07
		}
		return 0.02*(1-math.Pow(q1, 8))/0.07 + math.Pow(q1, 8)*0.3*(1-math.Pow(q2, float64(t-8)))/0.35
	}
	p := r.Profiles["default"]
	for _, step := range []int{0, 1, 7, 8, 9, 20} {
		near(t, fmt.Sprint("reach war ", step), float64(p.Reach["war"][step]), reach(step))
	}
	near(t, "absorb war", float64(p.Absorb["war"].Mean), 0.02*(1-math.Pow(q1, 8))/0.07+math.Pow(q1, 8)*0.3/0.35)
	v := (1 - math.Pow(0.9*q1, 8)) / (1 - 0.9*q1)
	v += math.Pow(0.9*q1, 8) * 0.5 / (1 - 0.9*q2)
	near(t, "value US", float64(p.Value["US"].Total.Mean), v)
}

// TestClockEqualsTimeExpansion: the clock gives the same figures as the
// same truce written with the step in the states (a family truce[0..8]
// whose last member stands for every step from the deadline on), which
// is what the engine does inside the chain.
func TestClockEqualsTimeExpansion(t *testing.T) {
	clocked := loadFile(t, "testdata/deadline.yaml")
	expanded, ds := Parse("expanded.yaml", []byte(`truce: 1
horizon: 20
discount: 0.9
actors: [{id: US}, {id: IR}]
states:
  - {id: "truce[0..8]", initial: i == 0}
  - {id: war, terminal: true}
  - {id: deal, terminal: true}
actions:
  US: {"truce[i]": [hold, escalate]}
transitions:
  - {from: "truce[i]", when: {US: escalate}, to: {war: 0.3, deal: 0.05, "truce[min(i+1, 8)]": 0.65}}
  - {from: "truce[i]", to: {war: 0.02, deal: 0.05, "truce[min(i+1, 8)]": 0.93}}
payoffs:
  - {in: "truce[i]", US: {payoff: 1}}
  - {in: "truce[8]", US: {payoff: -0.5}}
strategies:
  US:
    ultimatum:
      "truce[0..7]": hold
      "truce[8]": escalate
`))
	if expanded == nil {
		t.Fatal(ds)
	}
	a, err := Analyze(context.Background(), clocked, AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Analyze(context.Background(), expanded, AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pa, pb := a.Profiles["default"], b.Profiles["default"]
	for _, end := range []string{"war", "deal"} {
		for step := range pa.Reach[end] {
			near(t, fmt.Sprint("reach ", end, step), float64(pa.Reach[end][step]), float64(pb.Reach[end][step]))
		}
		near(t, "absorb "+end, float64(pa.Absorb[end].Mean), float64(pb.Absorb[end].Mean))
		near(t, "time "+end, float64(pa.Time[end].Mean), float64(pb.Time[end].Mean))
	}
	near(t, "value", float64(pa.Value["US"].Total.Mean), float64(pb.Value["US"].Total.Mean))
}

// TestStepInExpressions: `step` in a probability makes the chain carry the
// step to the horizon (and says so); reach follows the product of the
// per-step survivals.
func TestStepInExpressions(t *testing.T) {
	src := strings.Replace(mustRead(t, "testdata/deadline.yaml"), `to: {war: 0.02, deal: 0.05}`, `to: {war: "0.01 * min(step, 4)", deal: 0.05}`, 1)
	sc, ds := Parse("d.yaml", []byte(src))
	if sc == nil {
		t.Fatal(ds)
	}
	if sc.Clock != 20 || !strings.Contains(sc.ClockNote, "`step` in an expression at line 19") {
		t.Errorf("clock %d: %s", sc.Clock, sc.ClockNote)
	}
	r, err := Analyze(context.Background(), sc, AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	surv, war := 1.0, 0.0
	for step := 0; step < 8; step++ {
		w := 0.01 * math.Min(float64(step), 4)
		war += surv * w
		surv *= 1 - w - 0.05
	}
	near(t, "reach war 8", float64(r.Profiles["default"].Reach["war"][8]), war)
}

func TestClockErrors(t *testing.T) {
	base := mustRead(t, "testdata/deadline.yaml")
	for _, c := range []struct{ name, old, new, want string }{
		{"unknown date", `step: ">= deadline"}, US: {payoff`, `step: ">= dedline"}, US: {payoff`, `d.yaml:22:30: error: unknown date "dedline" (hint: did you mean "deadline"?)`},
		{"bad condition", `step: ">= deadline"}, US: {payoff`, `step: "about 8"}, US: {payoff`, `d.yaml:22:30: error: cannot read step condition "about 8"`},
		{"empty range", `step: ">= deadline"}, US: {payoff`, `step: "9..3"}, US: {payoff`, `step range "9..3" is empty`},
		// Near the largest int these overflowed the clock's table count
		// into "internal error … makeslice" (hostile input).
		{"step near the largest int", `step: ">= deadline"}, US: {payoff`, `step: ">= 9223372036854775807"}, US: {payoff`, `d.yaml:22:30: error: step 9223372036854775807 out of range (hint: a step from 0 to 100000)`},
		{"step past int64", `step: ">= deadline"}, US: {payoff`, `step: "== 99999999999999999999"}, US: {payoff`, `step 99999999999999999999 out of range`},
		{"range ending near the largest int", `step: ">= deadline"}, US: {payoff`, `step: "3..9223372036854775806"}, US: {payoff`, `step 9223372036854775806 out of range`},
		{"step in a hypothesis", `expr: 'absorb("war", "default") > absorb("deal", "default")'`, `expr: 'step > 3'`, "`step` cannot be used here"},
		{"step in after", `{when: {step: ">= deadline"}, play: escalate}`, `{after: {step: ">= deadline"}, play: escalate}`, "`step` cannot be a condition here (after)"},
		{"actor in a strategy when", `{when: {step: ">= deadline"}, play: escalate}`, `{when: {US: hold}, play: escalate}`, "`when` of a strategy rule takes only step"},
		{"step in an ending's payoff", `{in: truce, US: {payoff: 1}}`, `{in: war, US: {payoff: -step}}`, `a payoff on entering terminal state "war" cannot depend on the step`},
		{"date name", `clock: {deadline: 8}`, `clock: {deadline: 8, step: 3}`, `invalid date name "step"`},
		{"probability out of range at one step", `to: {war: 0.02, deal: 0.05}`, `to: {war: "0.2 * step", deal: 0.05}`, `d.yaml:19:6: error: transition rule: probabilities sum to 1.05 > 1 on the central draw at step 5`},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := strings.Replace(base, c.old, c.new, 1)
			if s == base {
				t.Fatalf("%q not found", c.old)
			}
			sc, ds := Parse("d.yaml", []byte(s))
			if sc != nil {
				t.Fatal("accepted")
			}
			if got := fmt.Sprint(ds); !strings.Contains(got, c.want) {
				t.Errorf("want %q in %s", c.want, got)
			}
		})
	}
}

// TestClockBound: a clock that would keep too many tables (steps × joint
// actions) is an error at the condition that sets it, before anything is
// built.
func TestClockBound(t *testing.T) {
	src := `truce: 1
horizon: 10
discount: 0.9
actors: [{id: A}]
states:
  - {id: "s[0..4999]", terminal: i == 4999}
transitions:
  - {from: "s[i]", when: {step: ">= 300"}, to: {"s[i+1]": 0.5}}
`
	_, ds := Parse("c.yaml", []byte(src))
	if got := fmt.Sprint(ds); !strings.Contains(got, "c.yaml:8:33: error: the clock runs 300 steps over 4999 joint actions: 1504699 tables, more than 1000000") {
		t.Errorf("got %s", got)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	s, err := readFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDeadlineGameBackwardInduction: testdata/deadline-game.yaml solved on
// paper. From step 2 on talks end in war: V2 = 0.9·(-5, -6) = (-4.5, -5.4).
// Step 1, payoffs flow + 0.9·next: concede gives the US 3.6 (3.1 pressing),
// Iran -1.8; stall gives (-5.05, -5.86) if pressed, (-6.05, -3.86) if not:
// conceding dominates, so the US waits; V1 = (3.6, -1.8). Step 0 with V1:
// concede (3.1 | 3.6, -1.8), stall (2.24 | 1.24; -2.62 | -0.62) has no
// pure equilibrium; Iran's indifference -1.8 = -0.62 - 2x gives the US
// pressing x = 0.59, the US's 1 - 1.5y = 0 gives Iran conceding y = 2/3;
// V0 = (2/3·3.6 + 1/3·1.24, -1.8) = (2.81333..., -1.8). The deal comes
// for sure, at step 1 with 2/3 and step 2 with 1/3: time 4/3.
func TestDeadlineGameBackwardInduction(t *testing.T) {
	sc := loadFile(t, "testdata/deadline-game.yaml")
	g, _, err := sc.Build(sc.Central())
	if err != nil {
		t.Fatal(err)
	}
	res, err := equilibrium.Solve(context.Background(), g, equilibrium.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converged || len(res.Timed) != 2 || res.MaxDeviationGain > 1e-9 {
		t.Fatalf("converged %v, %d steps, gain %v: %s", res.Converged, len(res.Timed), res.MaxDeviationGain, res.Reason)
	}
	const US, IR, talks = 0, 1, 0
	near(t, "step 1: US waits", res.Timed[1][US][talks][1], 1)
	near(t, "step 1: Iran concedes", res.Timed[1][IR][talks][0], 1)
	near(t, "V1 US", res.TimedValues[1][US][talks], 3.6)
	near(t, "step 0: US presses", res.Timed[0][US][talks][0], 0.59)
	near(t, "step 0: Iran concedes", res.Timed[0][IR][talks][0], 2.0/3)
	near(t, "V0 US", res.TimedValues[0][US][talks], 2.0/3*3.6+1.0/3*1.24)
	near(t, "V0 IR", res.TimedValues[0][IR][talks], -1.8)
	r, err := Analyze(context.Background(), sc, AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := r.Profiles["eq"]
	near(t, "value US", float64(p.Value["US"].Total.Mean), 2.0/3*3.6+1.0/3*1.24)
	near(t, "absorb deal", float64(p.Absorb["deal"].Mean), 1)
	near(t, "time deal", float64(p.Time["deal"].Mean), 4.0/3)
}
