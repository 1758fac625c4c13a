package scenario

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// checkSamples is how many sampled draws validation evaluates besides the
// central draw and the parameters' bounds; large models get fewer (see
// sampleCount).
const checkSamples = 200

// checkSeed seeds the sampled validation draws; "draw i" in a message is
// draw i of `truce analyze` with its default seed.
const checkSeed = DefaultSeed

// checkEvalBudget bounds the expression evaluations of the sampled draws,
// so that validation stays linear in the size of the model: a model with
// more than checkEvalBudget/checkSamples expressions over parameters is
// checked on fewer sampled draws (at least minCheckSamples).
const (
	checkEvalBudget = 2_000_000
	minCheckSamples = 20
)

// checkUnit is one part of the model that validation evaluates: a
// transition rule, a payoff, a distribution over actions, the observation
// rules. params are the drawn parameters it depends on (directly or through
// derived ones): a unit is evaluated on the draws that move one of them,
// and only once when it has none.
type checkUnit struct {
	params []int
	check  func(env map[string]any, d Draw) []*drawError
	hint   string // for the diagnostics of its failures
}

// checkDraws evaluates every probability, weight and payoff on the central
// draw, on each parameter's bounds (alone and all together) and on sampled
// draws, reporting the first failing draw of each rule with the values of
// the parameters it reads. A draw that moves one parameter re-evaluates
// only what reads it, so the work grows with the size of the model, not
// with its square.
func (c *compiler) checkDraws() {
	sc := c.sc
	reported := map[Pos]bool{}
	report := func(errs []*drawError, hint string) {
		for _, de := range errs {
			if reported[de.pos] {
				continue
			}
			reported[de.pos] = true
			h := de.hint
			if h == "" {
				h = hint
			}
			c.d.errorf(de.pos, h, "%s", de.msg)
		}
	}
	const derivedHint = "a derived parameter must be a finite number for every value of the parameters it reads"
	units := c.checkUnits()
	run := func(env map[string]any, d Draw, which []int) bool {
		for k, u := range which {
			if k%256 == 0 && c.stopped() {
				return false
			}
			report(units[u].check(env, d), units[u].hint)
		}
		return true
	}
	all := make([]int, len(units))
	var varying []int // units that read a parameter
	byParam := make([][]int, len(sc.Parameters))
	for u := range units {
		all[u] = u
		if len(units[u].params) > 0 {
			varying = append(varying, u)
		}
		for _, p := range units[u].params {
			byParam[p] = append(byParam[p], u)
		}
	}

	central := sc.Central()
	env, err := sc.env(central)
	if err != nil {
		report(drawErrs(err), derivedHint)
		return
	}
	if !run(env, central, all) {
		return
	}
	random := false
	// One parameter at a time at each bound: only what reads it, with the
	// derived parameters that read it re-evaluated.
	derivedOf := sc.derivedByParam()
	for i, p := range sc.Parameters {
		if p.Dist.Kind == "fixed" {
			continue
		}
		random = true
		if len(byParam[i]) == 0 && len(derivedOf[i]) == 0 {
			continue
		}
		l, h := p.Dist.Bounds()
		mid := central.Values[i]
		// set moves parameter i (in place: copying every value for each
		// parameter would be quadratic) and the derived ones that read it.
		set := func(d Draw, v float64) bool {
			d.Values[i] = v
			env[p.Name] = v
			for _, k := range derivedOf[i] {
				dv := &sc.Derived[k]
				x, err := sc.evalExpr(dv.x, env, d)
				if err != nil {
					report(derivedErrs(err, dv.Name), derivedHint)
					return false
				}
				env[dv.Name] = x
			}
			return true
		}
		for _, b := range []struct {
			v     float64
			label string
		}{{l, "lower"}, {h, "upper"}} {
			d := central
			d.label = fmt.Sprintf("the draw with %s at its %s bound", p.Name, b.label)
			if set(d, b.v) && !run(env, d, byParam[i]) {
				return
			}
		}
		set(central, mid)
	}
	if !random || len(varying) == 0 && len(sc.Derived) == 0 {
		return // nothing read varies from draw to draw
	}
	draws := sc.checkDrawList()[1:3] // every parameter at its bounds
	for i := 0; i < sampleCount(len(varying)); i++ {
		draws = append(draws, sc.DrawAt(checkSeed, i))
	}
	env = nil // the central draw's map was changed above; start afresh, then reuse
	for _, d := range draws {
		env, err = sc.envInto(env, d)
		if err != nil {
			report(drawErrs(err), derivedHint)
			continue
		}
		if !run(env, d, varying) {
			return
		}
	}
}

// sampleCount is how many sampled draws validation evaluates for a model
// with n units that read parameters (checkEvalBudget).
func sampleCount(n int) int {
	if n == 0 {
		return checkSamples
	}
	return max(minCheckSamples, min(checkSamples, checkEvalBudget/n))
}

// stopped reports, once, that the context of the parse is done.
func (c *compiler) stopped() bool {
	if c.ctx == nil || c.ctx.Err() == nil {
		return false
	}
	if !c.interrupted {
		c.interrupted = true
		c.d.errorf(Pos{1, 1}, "", "checking stopped before the end: %v", context.Cause(c.ctx))
	}
	return true
}

func drawErrs(err error) []*drawError {
	var de *drawError
	if errors.As(err, &de) {
		return []*drawError{de}
	}
	return nil
}

// derivedErrs is drawErrs for the value of derived parameter name.
func derivedErrs(err error, name string) []*drawError {
	errs := drawErrs(err)
	for _, de := range errs {
		de.msg = fmt.Sprintf("parameter %s %s", name, de.msg)
	}
	return errs
}

const probHint = "probabilities must lie in [0, 1]; a rule's must not sum above 1 and a strategy's must sum to 1 for every parameter value"

// checkUnits lists what validation evaluates on each draw.
func (c *compiler) checkUnits() []checkUnit {
	sc := c.sc
	deps := sc.drawnDeps()
	paramsOf := func(xs ...*expression) []int {
		var out []int
		for _, x := range xs {
			for _, p := range x.params {
				out = append(out, deps[p]...)
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	// perStep checks an expression that reads `step` at every step the
	// clock tells apart.
	perStep := func(check func(env map[string]any, d Draw) []*drawError, xs ...*expression) func(env map[string]any, d Draw) []*drawError {
		uses := false
		for _, x := range xs {
			uses = uses || x.usesStep
		}
		if !uses || sc.Clock == 0 {
			return check
		}
		return func(env map[string]any, d Draw) []*drawError {
			defer delete(env, "step")
			for ph := 0; ph <= sc.Clock; ph++ {
				env["step"] = float64(ph)
				if errs := check(env, atStep(d, ph, sc.Clock)); len(errs) > 0 {
					return errs
				}
			}
			return nil
		}
	}
	var units []checkUnit
	for a := range sc.Actors {
		if act := &sc.Actors[a]; act.disc != nil {
			units = append(units, checkUnit{paramsOf(append([]*expression{act.disc}, act.weights...)...), func(env map[string]any, d Draw) []*drawError {
				_, _, err := sc.actorNumbers(a, env, d)
				return drawErrs(err)
			}, "a discount must lie in [0, 1) and a weight be finite for every parameter value"})
		}
	}
	for _, r := range sc.trans {
		xs := make([]*expression, len(r.to))
		for i, t := range r.to {
			xs[i] = t.p
		}
		units = append(units, checkUnit{paramsOf(xs...), perStep(func(env map[string]any, d Draw) []*drawError {
			_, err := sc.moveProbs(xs, env, d, r.pos, "transition rule", false)
			return drawErrs(err)
		}, xs...), probHint})
	}
	for _, r := range sc.pays {
		for _, pe := range r.pays {
			units = append(units, checkUnit{paramsOf(pe.v), perStep(func(env map[string]any, d Draw) []*drawError {
				_, err := sc.evalExpr(pe.v, env, d)
				return drawErrs(err)
			}, pe.v), "a payoff must be a finite number within ±1e100 for every parameter value"})
		}
	}
	if sc.obs != nil {
		var xs []*expression
		for _, r := range sc.obs.rules {
			xs = append(xs, r.p...)
		}
		units = append(units, checkUnit{paramsOf(xs...), sc.checkObsDraw, probHint})
	}
	pds := append([]*playDist(nil), c.partialDists...)
	for a := range sc.Strategies {
		for si := range sc.Strategies[a] {
			def := &sc.Strategies[a][si]
			if def.star != nil {
				pds = append(pds, def.star)
			}
			for _, pd := range def.base {
				if pd != nil {
					pds = append(pds, pd)
				}
			}
			for _, r := range def.rules {
				pds = append(pds, r.play)
			}
		}
	}
	for _, pd := range pds {
		xs := make([]*expression, len(pd.ws))
		for i, w := range pd.ws {
			xs[i] = w.p
		}
		units = append(units, checkUnit{paramsOf(xs...), perStep(func(env map[string]any, d Draw) []*drawError {
			_, err := sc.playValues(pd, env, d)
			return drawErrs(err)
		}, xs...), probHint})
	}
	return units
}

// drawnDeps maps each parameter index of expressions (drawn and derived
// names, paramEnvNames) to the drawn parameters (indices into Parameters)
// its value depends on.
func (sc *Scenario) drawnDeps() [][]int {
	drawn := make(map[string]int, len(sc.Parameters))
	for i, p := range sc.Parameters {
		drawn[p.Name] = i
	}
	derived := make(map[string]*Derived, len(sc.Derived))
	for i := range sc.Derived {
		derived[sc.Derived[i].Name] = &sc.Derived[i]
	}
	deps := make([][]int, len(sc.paramEnvNames))
	done := make([]bool, len(sc.paramEnvNames))
	var of func(i int) []int
	of = func(i int) []int {
		if done[i] {
			return deps[i]
		}
		done[i] = true // derived parameters have no cycles (parseDerived)
		name := sc.paramEnvNames[i]
		if p, ok := drawn[name]; ok {
			deps[i] = []int{p}
		} else if dv := derived[name]; dv != nil && dv.x != nil {
			var out []int
			for _, j := range dv.x.params {
				out = append(out, of(j)...)
			}
			slices.Sort(out)
			deps[i] = slices.Compact(out)
		}
		return deps[i]
	}
	for i := range deps {
		of(i)
	}
	return deps
}

// derivedByParam lists, per drawn parameter, the derived parameters (indices
// into Derived, in evaluation order) whose value depends on it.
func (sc *Scenario) derivedByParam() [][]int {
	deps := sc.drawnDeps()
	index := make(map[string]int, len(sc.paramEnvNames))
	for i, n := range sc.paramEnvNames {
		index[n] = i
	}
	out := make([][]int, len(sc.Parameters))
	for k, dv := range sc.Derived {
		for _, p := range deps[index[dv.Name]] {
			out[p] = append(out[p], k)
		}
	}
	return out
}

// graphDraws is how many draws checkDrawList returns.
const graphDraws = 21

// checkDrawList is a few draws that stand for the parameters' range: the
// central one, then (when some parameter is drawn) every parameter at its
// lower and at its upper bound, then sampled draws, graphDraws in all.
// Checks that build the whole game per draw use these.
func (sc *Scenario) checkDrawList() []Draw {
	draws := []Draw{sc.Central()}
	if !sc.Random() {
		return draws
	}
	lo, hi := sc.Central(), sc.Central()
	lo.label, hi.label = "the draw with every parameter at its lower bound", "the draw with every parameter at its upper bound"
	for i, p := range sc.Parameters {
		if p.Dist.Kind != "fixed" {
			lo.Values[i], hi.Values[i] = p.Dist.Bounds()
		}
	}
	draws = append(draws, lo, hi)
	for i := 0; len(draws) < graphDraws; i++ {
		draws = append(draws, sc.DrawAt(checkSeed, i))
	}
	return draws
}

// checkGraph warns about states that no sequence of actions reaches from the
// initial state, and non-terminal states that nothing ever leaves, judged on
// the draws of checkDrawList (whatever the strategies).
func (c *compiler) checkGraph() {
	sc := c.sc
	nS := len(sc.States)
	leaves := make([]bool, nS)
	edges := make([][]int32, nS) // successors, with repeats
	var env map[string]any       // one map for every draw (a new one each took 120 MB at 100,000 parameters)
	for _, d := range sc.checkDrawList() {
		if c.stopped() {
			return
		}
		var err error
		env, err = sc.envInto(env, d)
		if err != nil {
			continue
		}
		g, err := sc.buildGame(env, d)
		if err != nil {
			continue
		}
		for s := range g.Trans {
			for t := 0; t <= g.Clock; t++ { // every step a clock tells apart
				if g.States[s].Terminal || (t < g.Clock && g.Timed[t].Trans == nil) {
					continue
				}
				for _, nexts := range g.TransAt(t, s) {
					for _, nx := range nexts {
						if nx.P > 0 && nx.State != s {
							edges[s] = append(edges[s], int32(nx.State))
							leaves[s] = true
						}
					}
				}
			}
			if len(edges[s]) > 1 {
				slices.Sort(edges[s])
				edges[s] = slices.Compact(edges[s])
			}
		}
	}
	seen := make([]bool, nS)
	seen[sc.Initial] = true
	queue := []int{sc.Initial}
	for k := 0; k < len(queue); k++ {
		for _, t := range edges[queue[k]] {
			if !seen[t] {
				seen[t] = true
				queue = append(queue, int(t))
			}
		}
	}
	for s, st := range sc.States {
		if !seen[s] {
			c.d.warnf(st.Pos, "add a transition into it, or remove it", "state %q cannot be reached from the initial state %q", st.ID, sc.States[sc.Initial].ID)
		}
		if !st.Terminal && !leaves[s] {
			c.d.warnf(st.Pos, "mark it `terminal: true`, or add a transition out of it", "state %q can never be left but is not terminal", st.ID)
		}
	}
}
