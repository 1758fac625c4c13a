package scenario

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/markov"
)

// Probe evaluates a scenario at parameter vectors the caller chooses (the
// rows of a sensitivity design) instead of random draws: per vector, a list
// of numeric outputs and whether each hypothesis holds, computed exactly as
// Analyze computes one draw. Only the profiles the outputs and hypotheses
// read are analysed, and for each only the states they read. A Probe is
// safe for concurrent use.
type Probe struct {
	sc    *Scenario
	hyps  []int       // the hypotheses evaluated (indices)
	quant []*quantity // the quantities they and the outputs read
	// always marks, per quantity of quant, one an output reads or a
	// hypothesis without `draws:`: computed on every point. The others are
	// computed only where a hypothesis that reads them is evaluated
	// (EvalOnly).
	always []bool
	// hypQ[i] are the positions in quant of what hypothesis hyps[i]
	// reads.
	hypQ [][]int
	outs []probeOutput
	// profiles analysed, and per profile what its quantities read.
	profiles []int
	needs    map[int]*needs
	mpe      equilibrium.Options
	// chains keeps, per goroutine that evaluates, the chain of each
	// profile from the previous point, whose layout the next point
	// refills (markov.Chain.Refill) instead of building a new one.
	chains sync.Pool
	memo   *Memo // figures shared across points and probes; nil: none
}

// probeChains are one evaluator's chains, by profile index (and whether
// they start from every state), for the next point or draw to refill, and
// its decision-point graphs for the next one's best responses and
// credibility (equilibrium.Graphs).
type probeChains struct {
	m      map[int]*markov.Chain
	graphs *equilibrium.Graphs
	// Per-point scratch, reused from point to point: the figures
	// computed and what the evaluated hypotheses read.
	vals []float64
	need []bool
}

func newProbeChains() *probeChains {
	return &probeChains{m: map[int]*markov.Chain{}, graphs: equilibrium.NewGraphs()}
}

// chain returns the chain profile pi's strategies prof induce on g: the
// previous point's (or draw's) chain refilled where the structure is the
// same (the usual case in a design or over draws, which differ only in
// their numbers), else a new one. Either way it is the chain
// markov.BuildChainFrom would build. A chain with every state as a start
// (from) is kept apart from one without.
func (cs *probeChains) chain(ctx context.Context, g *markov.Game, prof markov.Profile, pi int, from bool) (*markov.Chain, error) {
	key := 2 * pi
	if from {
		key++
	}
	if c := cs.m[key]; c != nil {
		if ok, err := c.Refill(ctx, g, prof); ok && err == nil {
			return c, nil
		}
		delete(cs.m, key) // unspecified after a failed refill
	}
	var starts []int
	if from {
		starts = make([]int, len(g.States))
		for s := range starts {
			starts[s] = s
		}
	}
	c, err := markov.BuildChainFrom(ctx, g, prof, starts)
	if err != nil {
		return nil, err
	}
	cs.m[key] = c
	return c, nil
}

type probeOutput struct {
	key  string
	q    *quantity // the output is this quantity (at qi in Probe.quant); or
	qi   int
	prog *vm.Program // an expression of quantities and parameters
}

// ProbeOptions configure NewProbe.
type ProbeOptions struct {
	// Outputs are numeric expressions over the quantity functions of
	// hypotheses (reach, absorb, time, value) and parameters, e.g.
	// `reach("war", 52, "baseline")` or
	// `value("US", "baseline") - value("US", "engage_intr")`. Empty: every
	// quantity the evaluated hypotheses read, in file order.
	Outputs []string
	// Hypotheses are the ids of the hypotheses to evaluate; nil: all.
	Hypotheses []string
	MPE        equilibrium.Options // for profiles with `solve: markov-perfect`
	// Memo, if set, keeps figures across this probe's points and other
	// probes' (the variants of a file on the same draws) and reuses them
	// where every input is the same (see Memo).
	Memo *Memo
}

// NewProbe compiles the outputs against sc. An output that does not compile
// is reported with its column.
func (sc *Scenario) NewProbe(opt ProbeOptions) (*Probe, error) {
	p := &Probe{sc: sc, mpe: opt.MPE, memo: opt.Memo}
	if opt.Hypotheses == nil {
		for h := range sc.Hypotheses {
			p.hyps = append(p.hyps, h)
		}
	}
	for _, id := range opt.Hypotheses {
		h := slices.IndexFunc(sc.Hypotheses, func(x Hypothesis) bool { return x.ID == id })
		if h < 0 {
			var ids []string
			for _, x := range sc.Hypotheses {
				ids = append(ids, x.ID)
			}
			hint := suggest(id, ids)
			if hint != "" {
				hint = " (hint: " + hint + ")"
			}
			return nil, fmt.Errorf("no hypothesis %q%s", id, hint)
		}
		if !slices.Contains(p.hyps, h) {
			p.hyps = append(p.hyps, h)
		}
	}
	slices.Sort(p.hyps)
	used := map[*quantity]bool{}
	for _, h := range p.hyps {
		for _, q := range sc.Hypotheses[h].quant {
			used[q] = true
		}
	}
	cp := *sc // new quantities go to a copy, never to the shared scenario
	cp.quantities = slices.Clone(sc.quantities)
	c := cp.outputCompiler()
	explicit := map[*quantity]bool{}
	if len(opt.Outputs) == 0 {
		for _, q := range sc.quantities {
			if used[q] {
				p.outs = append(p.outs, probeOutput{key: q.key, q: q})
			}
		}
	}
	for _, src := range opt.Outputs {
		chk, patched, ok := c.checkExpr(src, Pos{1, 1}, false, true)
		if !ok {
			return nil, outputError(src, c.d.list)
		}
		for _, q := range chk.quants {
			used[q] = true
			explicit[q] = true
		}
		o := probeOutput{key: strings.TrimSpace(src)}
		if len(chk.quants) == 1 && strings.TrimSpace(patched) == chk.quants[0].ident {
			o.q, o.key = chk.quants[0], chk.quants[0].key
		} else {
			env := make(map[string]any, len(c.paramEnv)+len(cp.quantities))
			for k, v := range c.paramEnv {
				env[k] = v
			}
			for _, q := range cp.quantities {
				env[q.ident] = q.envZero()
			}
			prog, err := compileSafely(patched, append(baseOptions(), expr.Env(env), expr.AsFloat64()))
			if err != nil {
				return nil, fmt.Errorf("output %q: %v (an output is a number, e.g. reach(\"war\", 52, \"baseline\"))", src, firstLine(err.Error()))
			}
			o.prog = prog
		}
		p.outs = append(p.outs, o)
	}
	for _, h := range p.hyps {
		if sc.Hypotheses[h].Draws == 0 {
			for _, q := range sc.Hypotheses[h].quant {
				explicit[q] = true
			}
		}
	}
	pos := map[*quantity]int{}
	for _, q := range cp.quantities {
		if used[q] {
			pos[q] = len(p.quant)
			p.quant = append(p.quant, q)
			p.always = append(p.always, explicit[q])
		}
	}
	for i := range p.outs {
		if q := p.outs[i].q; q != nil {
			p.outs[i].qi = pos[q]
		}
	}
	p.hypQ = make([][]int, len(p.hyps))
	for i, h := range p.hyps {
		for _, q := range sc.Hypotheses[h].quant {
			p.hypQ[i] = append(p.hypQ[i], pos[q])
		}
	}
	p.plan()
	return p, nil
}

// outputCompiler is a compiler that knows sc's names, for expressions
// written after the file was read.
func (sc *Scenario) outputCompiler() *compiler {
	c := &compiler{d: &diags{file: "output"}, sc: sc,
		paramIndex: map[string]int{}, paramEnv: map[string]any{},
		stateIndex: map[string]int{}, actorIndex: map[string]int{}, compIndex: map[string]int{},
		profileIndex: map[string]int{}, brokenProfiles: map[string]bool{}, quantities: map[string]*quantity{}}
	for i, name := range sc.paramEnvNames { // drawn and derived
		c.paramIndex[name] = i
		c.paramNames = append(c.paramNames, name)
		c.paramEnv[name] = 0.0
	}
	for i, s := range sc.States {
		c.stateIndex[s.ID] = i
		c.stateNames = append(c.stateNames, s.ID)
	}
	for i, a := range sc.Actors {
		c.actorIndex[a.ID] = i
		c.actorNames = append(c.actorNames, a.ID)
	}
	// credible("US", "withdraw", ...) names an action of the actor.
	c.actionIndex = make([]map[string]int, len(sc.Actors))
	for a := range sc.Actors {
		c.actionIndex[a] = map[string]int{}
		for k, name := range sc.Actions[a] {
			c.actionIndex[a][name] = k
		}
	}
	for i, cm := range sc.Components {
		c.compIndex[cm.ID] = i
		c.compNames = append(c.compNames, cm.ID)
	}
	for i, pd := range sc.Profiles {
		c.profileIndex[pd.Name] = i
	}
	for _, q := range sc.quantities {
		c.quantities[q.key] = q
	}
	return c
}

func outputError(src string, ds []Diagnostic) error {
	var parts []string
	for _, d := range ds {
		s := fmt.Sprintf("column %d: %s", d.Col, d.Msg)
		if d.Line > 1 {
			s = fmt.Sprintf("line %d, %s", d.Line, s)
		}
		if d.Hint != "" {
			s += " (hint: " + d.Hint + ")"
		}
		parts = append(parts, s)
	}
	return fmt.Errorf("output %q: %s", src, strings.Join(parts, "; "))
}

// plan lists the profiles to analyse and, per profile, what the
// quantities read (see needs).
func (p *Probe) plan() {
	p.needs = map[int]*needs{}
	for _, q := range p.quant {
		if q.profile < 0 { // a function of no profile (commit_value)
			continue
		}
		n := p.needs[q.profile]
		if n == nil {
			n = newNeeds(len(p.sc.States))
			p.needs[q.profile] = n
			p.profiles = append(p.profiles, q.profile)
		}
		if q.fn.need != nil {
			q.fn.need(q, n)
		}
	}
	slices.Sort(p.profiles)
}

// Outputs are the outputs' names: a single quantity in its canonical form
// (reach("war", 52, "baseline")), an expression as written.
func (p *Probe) Outputs() []string {
	out := make([]string, len(p.outs))
	for i, o := range p.outs {
		out[i] = o.key
	}
	return out
}

// Hypotheses are the ids of the hypotheses Eval reports, in file order.
func (p *Probe) Hypotheses() []string {
	out := make([]string, len(p.hyps))
	for i, h := range p.hyps {
		out[i] = p.sc.Hypotheses[h].ID
	}
	return out
}

// Eval analyses the scenario with its parameters at values (one per
// Scenario.Parameters, fixed ones included) and writes each output into out
// (len Outputs) and whether each hypothesis holds into holds (len
// Hypotheses). An output that is undefined (the first-entry time of a state
// never entered) is NaN. label names the point in error messages. Every
// hypothesis is evaluated, `draws:` or not.
func (p *Probe) Eval(ctx context.Context, values []float64, label string, out []float64, holds []bool) error {
	return p.EvalIndexed(ctx, -1, values, label, out, holds)
}

// Evaluates reports whether EvalIndexed evaluates the k-th hypothesis of
// Hypotheses at point index of a sample (index < 0: always).
func (p *Probe) Evaluates(k, index int) bool {
	return index < 0 || p.sc.Hypotheses[p.hyps[k]].EvaluatedOn(index)
}

// Draws returns the `draws:` of the k-th hypothesis of Hypotheses (0:
// every point).
func (p *Probe) Draws(k int) int { return p.sc.Hypotheses[p.hyps[k]].Draws }

// EvalIndexed is Eval at the index-th point of a sample (a run's draw i):
// a hypothesis with `draws: N` is evaluated only when index < N (see
// Evaluates). index < 0 evaluates everything, as Eval does.
func (p *Probe) EvalIndexed(ctx context.Context, index int, values []float64, label string, out []float64, holds []bool) error {
	return p.evalOnly(ctx, index, values, label, out, holds, func(k int) bool { return p.Evaluates(k, index) })
}

// EvalOnly is Eval evaluating only the hypotheses k (index into
// Hypotheses) for which evaluate(k) is true; holds is false for the
// others. A quantity that no output and no evaluated hypothesis reads is
// not computed, and an output that is such a quantity is NaN.
func (p *Probe) EvalOnly(ctx context.Context, values []float64, label string, out []float64, holds []bool, evaluate func(k int) bool) error {
	return p.evalOnly(ctx, -1, values, label, out, holds, evaluate)
}

// evalOnly is EvalOnly at the index-th draw of the probe's Memo (index <
// 0: a point of no draw, which uses no Memo).
func (p *Probe) evalOnly(ctx context.Context, index int, values []float64, label string, out []float64, holds []bool, evaluate func(k int) bool) error {
	sc := p.sc
	if len(values) != len(sc.Parameters) || len(out) != len(p.outs) || len(holds) != len(p.hyps) {
		return fmt.Errorf("probe: %d values, %d outputs, %d hypotheses; want %d, %d, %d",
			len(values), len(out), len(holds), len(sc.Parameters), len(p.outs), len(p.hyps))
	}
	d := Draw{Index: -1, Values: values, label: label}
	g, profs, err := sc.Build(d)
	if err != nil {
		return err
	}
	opt := AnalyzeOptions{MPE: p.mpe}
	cs, _ := p.chains.Get().(*probeChains)
	if cs == nil {
		cs = newProbeChains()
	}
	// The analyses are read to the end of Eval; only then may another
	// point refill their chains.
	defer p.chains.Put(cs)
	// Each profile is analysed when a figure first reads it (with what
	// the probe's figures read of it, p.needs), so a profile whose
	// figures are all kept in the memo, or that no evaluated hypothesis
	// reads, is not analysed.
	ev := &drawEval{ctx: ctx, sc: sc, g: g, profs: profs, opt: &opt, an: make(map[int]*markov.Analysis, len(p.profiles)),
		needs: p.needs, chains: cs, graphs: cs.graphs}
	var pm *pointMemo
	if p.memo != nil && index >= 0 {
		pm = newPointMemo(p.memo, index, g, sc.Horizon, len(sc.Profiles))
	}
	env, err := sc.env(d)
	if err != nil {
		return sc.posErr(err)
	}
	nq := len(p.quant)
	if cap(cs.vals) < nq {
		cs.vals, cs.need = make([]float64, nq), make([]bool, nq)
	}
	vals, need := cs.vals[:nq], cs.need[:nq]
	clear(need)
	for i := range p.hyps {
		if evaluate(i) {
			for _, qi := range p.hypQ[i] {
				need[qi] = true
			}
		}
	}
	for qi, q := range p.quant {
		if !p.always[qi] && !need[qi] {
			vals[qi] = math.NaN()
			continue
		}
		var v float64
		if pm != nil {
			v, err = pm.read(q, ev)
		} else {
			v, err = q.fn.read(q, ev)
		}
		if err != nil {
			return fmt.Errorf("%s: %s: %w", label, q.key, err)
		}
		env[q.ident] = q.envValue(v)
		vals[qi] = v
	}
	for i, o := range p.outs {
		if o.q != nil {
			out[i] = vals[o.qi]
			continue
		}
		v, err := expr.Run(o.prog, env)
		if err != nil {
			return fmt.Errorf("%s: output %s: %w", label, o.key, err)
		}
		out[i], _ = toFloat(v)
	}
	for i, h := range p.hyps {
		hyp := &sc.Hypotheses[h]
		if !evaluate(i) {
			holds[i] = false
			continue
		}
		v, err := expr.Run(hyp.prog.prog, env)
		if err != nil {
			return fmt.Errorf("%s: hypothesis %s: %w", label, hyp.ID, err)
		}
		b, _ := v.(bool)
		holds[i] = b
	}
	if pm != nil {
		pm.commit(index)
	}
	return nil
}
