package sensitivity

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/truce-dev/truce/scenario"
)

// ScenarioOptions configure a ScenarioEvaluator.
type ScenarioOptions struct {
	// Draws is the number of parameter draws per point. 0 or 1: every other
	// parameter sits at its central value and each point is one exact
	// analysis. More: the other parameters keep their distributions, each
	// point is an analysis over Draws draws (common seed), and a verdict is
	// the scenario's verdict on the share of draws.
	Draws   int
	Seed    uint64
	Workers int
	// Outputs are quantities to chart, written like hypothesis calls:
	// reach("war", 52, "baseline"), absorb(state, profile),
	// time(state, profile), value(actor, profile[, component]).
	// Empty: every quantity the hypotheses read.
	Outputs []string
	// Hypotheses whose break-evens are sought; empty: all but those
	// with their own draws: (costly: they are swept only when named).
	Hypotheses []string
}

// ScenarioEvaluator evaluates a parsed scenario with one parameter swept.
type ScenarioEvaluator struct {
	sc       *scenario.Scenario
	opt      ScenarioOptions
	swept    []int // scenario parameter index per Param
	params   []Param
	outputs  []output
	profiles []string
}

type output struct {
	key                     string
	fn                      string
	state, actor, comp, pro string
	steps                   int
}

var callRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*(reach|absorb|time|value)\s*\((.*)\)\s*$`) })

// parseOutput reads `fn("a", 3, "b")` into an output, checking names
// against the scenario.
func parseOutput(sc *scenario.Scenario, s string) (output, error) {
	m := callRE().FindStringSubmatch(s)
	if m == nil {
		return output{}, fmt.Errorf("output %q: want reach(state, steps, profile), absorb(state, profile), time(state, profile) or value(actor, profile[, component])", s)
	}
	var args []string
	for _, a := range strings.Split(m[2], ",") {
		args = append(args, strings.Trim(strings.TrimSpace(a), `"'`))
	}
	o := output{fn: m[1]}
	bad := func(what string) error { return fmt.Errorf("output %q: %s", s, what) }
	switch o.fn {
	case "reach":
		if len(args) != 3 {
			return o, bad("reach takes (state, steps, profile)")
		}
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 0 || n > sc.Horizon {
			return o, bad(fmt.Sprintf("steps must be an integer in [0, %d]", sc.Horizon))
		}
		o.state, o.steps, o.pro = args[0], n, args[2]
		o.key = fmt.Sprintf("reach(%q, %d, %q)", o.state, o.steps, o.pro)
	case "absorb", "time":
		if len(args) != 2 {
			return o, bad(o.fn + " takes (state, profile)")
		}
		o.state, o.pro = args[0], args[1]
		o.key = fmt.Sprintf("%s(%q, %q)", o.fn, o.state, o.pro)
	case "value":
		if len(args) != 2 && len(args) != 3 {
			return o, bad("value takes (actor, profile[, component])")
		}
		o.actor, o.pro = args[0], args[1]
		o.key = fmt.Sprintf("value(%q, %q)", o.actor, o.pro)
		if len(args) == 3 {
			o.comp = args[2]
			o.key = fmt.Sprintf("value(%q, %q, %q)", o.actor, o.pro, o.comp)
		}
	}
	if o.state != "" && !hasState(sc, o.state) {
		return o, bad(fmt.Sprintf("no state %q", o.state))
	}
	if o.actor != "" && !hasActor(sc, o.actor) {
		return o, bad(fmt.Sprintf("no actor %q", o.actor))
	}
	if o.comp != "" && !hasComp(sc, o.comp) {
		return o, bad(fmt.Sprintf("no component %q", o.comp))
	}
	if !hasProfile(sc, o.pro) {
		return o, bad(fmt.Sprintf("no profile %q", o.pro))
	}
	return o, nil
}

func hasState(sc *scenario.Scenario, id string) bool {
	for _, s := range sc.States {
		if s.ID == id {
			return true
		}
	}
	return false
}

func hasActor(sc *scenario.Scenario, id string) bool {
	for _, a := range sc.Actors {
		if a.ID == id {
			return true
		}
	}
	return false
}

func hasComp(sc *scenario.Scenario, id string) bool {
	for _, c := range sc.Components {
		if c.ID == id {
			return true
		}
	}
	return false
}

func hasProfile(sc *scenario.Scenario, id string) bool {
	for _, p := range sc.Profiles {
		if p.Name == id {
			return true
		}
	}
	return false
}

// quantityRE finds the quantity calls in a hypothesis expression: whole
// names only, so that best_response_value(...) or commit_value(...) is not
// read as value(...).
var quantityRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\b(reach|absorb|time|value)\s*\([^()]*\)`)
})

// NewScenarioEvaluator prepares sweeps of every parameter of sc that has a
// distribution, across Dist.Bounds (the support, or the 0.1–99.9%
// quantiles of an unbounded distribution).
func NewScenarioEvaluator(sc *scenario.Scenario, opt ScenarioOptions) (*ScenarioEvaluator, error) {
	ev := &ScenarioEvaluator{sc: sc, opt: opt}
	for i, p := range sc.Parameters {
		if p.Dist.Kind == "fixed" {
			continue
		}
		lo, hi := p.Dist.Bounds()
		ev.swept = append(ev.swept, i)
		ev.params = append(ev.params, Param{Name: p.Name, Lo: lo, Hi: hi, Central: p.Dist.Central()})
	}
	for _, h := range opt.Hypotheses {
		if !slices.ContainsFunc(sc.Hypotheses, func(x scenario.Hypothesis) bool { return x.ID == h }) {
			return nil, fmt.Errorf("no hypothesis %q", h)
		}
	}
	// Evaluate only the hypotheses asked for: Analyze evaluates every
	// hypothesis of the file, and one with its own draws: (the file marks
	// it as costly) searches the equilibrium set or the commitments on a
	// draw at every point of the sweep, so it is swept only when named.
	cp := *sc
	cp.NotEvaluated = slices.Clone(sc.NotEvaluated)
	if len(opt.Hypotheses) > 0 {
		cp.KeepHypotheses(opt.Hypotheses)
	} else {
		cp.SkipSubsampled()
	}
	ev.sc = &cp
	outs := opt.Outputs
	if len(outs) == 0 {
		seen := map[string]bool{}
		for _, h := range cp.Hypotheses {
			for _, q := range quantityRE().FindAllString(h.Expr, -1) {
				if !seen[q] {
					seen[q] = true
					outs = append(outs, q)
				}
			}
		}
	}
	need := map[string]bool{}
	for _, s := range outs {
		o, err := parseOutput(sc, s)
		if err != nil {
			return nil, err
		}
		ev.outputs = append(ev.outputs, o)
		if !need[o.pro] {
			need[o.pro] = true
			ev.profiles = append(ev.profiles, o.pro)
		}
	}
	if len(ev.profiles) == 0 {
		// Analyze reports every profile when given none; ask for one named
		// profile so that no equilibrium is solved needlessly.
		for _, p := range sc.Profiles {
			if p.Solve == "" {
				ev.profiles = []string{p.Name}
				break
			}
		}
	}
	return ev, nil
}

// Params implements Evaluator.
func (ev *ScenarioEvaluator) Params() []Param { return ev.params }

// WithParams returns a shallow copy of sc whose parameter i is fixed at
// value (param -1: none), and, when central is true, every other parameter
// fixed at its central value.
func WithParams(sc *scenario.Scenario, param int, value float64, central bool) *scenario.Scenario {
	cp := *sc
	cp.Parameters = append([]scenario.Parameter(nil), sc.Parameters...)
	for i := range cp.Parameters {
		switch {
		case i == param:
			cp.Parameters[i].Dist = scenario.Dist{Kind: "fixed", Value: value}
		case central:
			cp.Parameters[i].Dist = scenario.Dist{Kind: "fixed", Value: cp.Parameters[i].Dist.Central()}
		}
	}
	return &cp
}

// Eval implements Evaluator.
func (ev *ScenarioEvaluator) Eval(ctx context.Context, param int, value float64) (Point, error) {
	scIdx := -1
	if param >= 0 {
		scIdx = ev.swept[param]
	}
	sc := WithParams(ev.sc, scIdx, value, ev.opt.Draws <= 1)
	var states []string // non-terminal states the outputs read are analysed only when named
	for _, o := range ev.outputs {
		if o.state != "" {
			states = append(states, o.state)
		}
	}
	ar, err := scenario.Analyze(ctx, sc, scenario.AnalyzeOptions{Profiles: ev.profiles, Draws: max(1, ev.opt.Draws), Seed: ev.opt.Seed, Workers: ev.opt.Workers, States: states})
	if err != nil {
		return Point{}, err
	}
	pt := Point{Outputs: map[string]float64{}, Share: map[string]float64{}}
	for _, o := range ev.outputs {
		pt.Outputs[o.key] = readOutput(ar, o)
	}
	for _, h := range ar.Hypotheses { // only those asked for: ev.sc keeps no others
		pt.Share[h.ID] = h.HoldsShare
	}
	return pt, nil
}

func readOutput(ar *scenario.AnalysisReport, o output) float64 {
	p := ar.Profiles[o.pro]
	if p == nil {
		return math.NaN()
	}
	switch o.fn {
	case "reach":
		if r := p.Reach[o.state]; o.steps < len(r) {
			return float64(r[o.steps])
		}
	case "absorb":
		return float64(p.Absorb[o.state].Mean)
	case "time":
		return float64(p.Time[o.state].Mean)
	case "value":
		v := p.Value[o.actor]
		if o.comp != "" {
			return float64(v.Components[o.comp].Mean)
		}
		return float64(v.Total.Mean)
	}
	return math.NaN()
}

// RunScenario sweeps sc's parameters with the scenario's own verdict
// names (supported / uncertain / rejected) as the flips to find.
func RunScenario(ctx context.Context, sc *scenario.Scenario, sopt ScenarioOptions, opt Options) (*Result, error) {
	ev, opt, err := ScenarioRun(sc, sopt, opt)
	if err != nil {
		return nil, err
	}
	return Run(ctx, ev, opt)
}

// ScenarioRun is the evaluator and options RunScenario runs with, for a run
// split by parameter (Swept, RunSwept, Assemble).
func ScenarioRun(sc *scenario.Scenario, sopt ScenarioOptions, opt Options) (*ScenarioEvaluator, Options, error) {
	ev, err := NewScenarioEvaluator(sc, sopt)
	if err != nil {
		return nil, opt, fmt.Errorf("sensitivity: %w", err)
	}
	if opt.Verdict == nil {
		opt.Verdict = scenario.Verdict
	}
	return ev, opt, nil
}

// FlipsFor returns the break-evens of hypothesis id, nearest to the
// parameter's central value first.
func (r *Result) FlipsFor(id string) []BreakEven {
	var out []BreakEven
	for _, b := range r.BreakEvens {
		if b.Hypothesis == id {
			out = append(out, b)
		}
	}
	central := map[string]Param{}
	for _, p := range r.Params {
		central[p.Name] = p
	}
	dist := func(b BreakEven) float64 {
		p := central[b.Param]
		if p.Hi == p.Lo {
			return 0
		}
		return math.Abs(b.Value-p.Central) / (p.Hi - p.Lo)
	}
	sort.SliceStable(out, func(i, j int) bool { return dist(out[i]) < dist(out[j]) })
	return out
}
