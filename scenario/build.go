package scenario

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/truce-dev/truce/markov"
)

// Draw is one value per parameter (Scenario.Parameters order).
type Draw struct {
	Index  int       // draw number, -1 for the central draw
	Values []float64 // per parameter
	label  string    // how messages name it, when not "draw Index"
}

// DrawRNG returns the generator for draw i of a run seeded with seed: each
// draw has its own stream, so results do not depend on which worker (or
// shard) computes which draw.
func DrawRNG(seed uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(i)^0x9e3779b97f4a7c15))
}

// Draw samples every parameter from rng: the independent ones in
// declaration order, then the correlated ones together (see copula).
func (sc *Scenario) Draw(rng *rand.Rand) Draw {
	v := make([]float64, len(sc.Parameters))
	cp := sc.copula
	for i, p := range sc.Parameters {
		if cp != nil && cp.isMem[i] {
			continue
		}
		v[i] = p.Dist.Sample(rng)
	}
	if cp != nil {
		cp.draw(sc.Parameters, v, rng)
	}
	return Draw{Values: v}
}

// DrawAt is draw i of the run seeded with seed (see DrawRNG).
func (sc *Scenario) DrawAt(seed uint64, i int) Draw {
	d := sc.Draw(DrawRNG(seed, i))
	d.Index = i
	return d
}

// Central is the draw with every parameter at its central value (Dist.Central).
func (sc *Scenario) Central() Draw {
	v := make([]float64, len(sc.Parameters))
	for i, p := range sc.Parameters {
		v[i] = p.Dist.Central()
	}
	return Draw{Index: -1, Values: v}
}

// describe lists the parameters an expression reads (indices into the
// names of every parameter, drawn and derived) with their values in env,
// for error messages.
func (sc *Scenario) describe(env map[string]any, params []int) string {
	var parts []string
	for _, i := range params {
		name := sc.paramEnvNames[i]
		if v, ok := env[name].(float64); ok {
			parts = append(parts, fmt.Sprintf("%s=%.6g", name, v))
		}
	}
	return strings.Join(parts, ", ")
}

// drawName is how messages name a draw.
func drawName(d Draw) string {
	if d.label != "" {
		return d.label
	}
	if d.Index < 0 {
		return "the central draw"
	}
	return fmt.Sprintf("draw %d", d.Index)
}

// index precomputes, for every state and joint action, which transition
// rule applies and which payoff rules add up, so that Build per draw only
// evaluates expressions and fills tables.
func (c *compiler) index() {
	sc := c.sc
	sc.setCentralActors()
	nS := len(sc.States)
	sc.entryPays = make([][]int, nS)
	// The rules that can apply in each state, in file order (so the
	// first match below is the file's first match): one pass over the
	// rules, not one per state, which matters for families of thousands.
	transIn := make([][]int, nS)
	for ri, r := range sc.trans {
		for _, s := range r.from {
			if len(transIn[s]) == 0 || transIn[s][len(transIn[s])-1] != ri {
				transIn[s] = append(transIn[s], ri)
			}
		}
	}
	paysIn := make([][]int, nS)
	for ri, r := range sc.pays {
		for _, s := range r.in {
			if len(paysIn[s]) == 0 || paysIn[s][len(paysIn[s])-1] != ri {
				paysIn[s] = append(paysIn[s], ri)
			}
		}
	}
	work := 0
	for s, st := range sc.States {
		if !st.Terminal {
			work += markov.JointCount(sc.Avail[s]) * (len(transIn[s]) + len(paysIn[s]))
		}
		if work > maxIndexWork {
			c.d.errorf(Pos{1, 1}, "fewer rules that apply to the same states, or fewer actions there",
				"the rules apply to more than %d (state, joint action, rule) combinations", maxIndexWork)
			return
		}
	}
	for s, st := range sc.States {
		if st.Terminal {
			sc.entryPays[s] = paysIn[s]
		}
	}
	// Which rules decide at each phase: the same at every step unless a
	// rule has a step condition.
	stepped := false
	for _, r := range sc.trans {
		stepped = stepped || stepOf(r.when) != nil
	}
	for _, r := range sc.pays {
		stepped = stepped || stepOf(r.when) != nil
	}
	sc.transOf, sc.paysOf = sc.ruleIndex(transIn, paysIn, sc.Clock)
	if sc.Clock > 0 {
		sc.transOfAt = make([][][]int, sc.Clock)
		sc.paysOfAt = make([][][][]int, sc.Clock)
		for ph := 0; ph < sc.Clock; ph++ {
			if stepped {
				sc.transOfAt[ph], sc.paysOfAt[ph] = sc.ruleIndex(transIn, paysIn, ph)
			} else {
				sc.transOfAt[ph], sc.paysOfAt[ph] = sc.transOf, sc.paysOf
			}
		}
		sc.sameTables()
	}
}

// sameTables sets sc.tablesAt: the steps before the clock runs out whose
// transition and payoff tables are those of an earlier step, or the
// stationary ones, because the same step conditions hold there and no
// transition or payoff expression reads `step`. A draw then evaluates the
// rules once per distinct set of conditions, not once per step, and the
// game shares the tables (markov checks a shared table once).
func (sc *Scenario) sameTables() {
	sc.tablesAt = nil
	for _, r := range sc.trans {
		for _, t := range r.to {
			if t.p != nil && t.p.usesStep {
				return
			}
		}
	}
	for _, r := range sc.pays {
		for _, pe := range r.pays {
			if pe.v != nil && pe.v.usesStep {
				return
			}
		}
	}
	pattern := func(ph int) string {
		b := make([]byte, 0, len(sc.trans)+len(sc.pays))
		for _, r := range sc.trans {
			if st := stepOf(r.when); st != nil && st.holds(ph) {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		}
		for _, r := range sc.pays {
			if st := stepOf(r.when); st != nil && st.holds(ph) {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		}
		return string(b)
	}
	first := map[string]int{pattern(sc.Clock): sc.Clock}
	sc.tablesAt = make([]int, sc.Clock)
	for ph := range sc.tablesAt {
		p := pattern(ph)
		f, ok := first[p]
		if !ok {
			f = ph
			first[p] = ph
		}
		sc.tablesAt[ph] = f
	}
}

// ruleIndex is, per non-terminal state and joint action, the transition
// rule that decides (first match, -1: none) and the payoff rules that add
// up at phase ph.
func (sc *Scenario) ruleIndex(transIn, paysIn [][]int, ph int) ([][]int, [][][]int) {
	nS := len(sc.States)
	transOf := make([][]int, nS)
	paysOf := make([][][]int, nS)
	k := make([]int, len(sc.Actors))
	holds := func(cs []cond) bool {
		st := stepOf(cs)
		return st == nil || st.holds(ph)
	}
	for s, st := range sc.States {
		if st.Terminal {
			continue
		}
		nj := markov.JointCount(sc.Avail[s])
		transOf[s] = make([]int, nj)
		paysOf[s] = make([][]int, nj)
		for j := 0; j < nj; j++ {
			markov.DecodeJoint(sc.Avail[s], j, k)
			transOf[s][j] = -1
			for _, ri := range transIn[s] {
				if w := sc.trans[ri].when; holds(w) && sc.condsHold(w, s, k) {
					transOf[s][j] = ri
					break
				}
			}
			for _, ri := range paysIn[s] {
				if w := sc.pays[ri].when; holds(w) && sc.condsHold(w, s, k) {
					paysOf[s][j] = append(paysOf[s][j], ri)
				}
			}
		}
	}
	return transOf, paysOf
}

// maxIndexWork bounds the matching of rules to states and joint actions
// (docs/limits.md).
const maxIndexWork = 50_000_000

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func (sc *Scenario) condsHold(cs []cond, s int, k []int) bool {
	for _, cd := range cs {
		if cd.step != nil {
			continue // judged per step
		}
		if !containsInt(cd.actions, sc.Avail[s][cd.actor][k[cd.actor]]) {
			return false
		}
	}
	return true
}

// drawError is a problem that appears only for some parameter draws.
type drawError struct {
	pos  Pos
	msg  string
	hint string // what would be right, when not the default of the draw checks
}

func (e *drawError) Error() string { return fmt.Sprintf("%d:%d: %s", e.pos.Line, e.pos.Col, e.msg) }

func (sc *Scenario) evalExpr(x *expression, env map[string]any, d Draw) (float64, error) {
	v, err := x.eval(env)
	if err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
		err = fmt.Errorf("%q is %v", x.src, v)
	}
	if err == nil && math.Abs(v) > MaxMagnitude {
		err = fmt.Errorf("%q is %g, beyond ±1e100", x.src, v)
	}
	if err != nil {
		where := ""
		if len(x.params) > 0 {
			where = " (" + sc.describe(env, x.params) + ")"
		}
		return 0, &drawError{pos: x.pos, msg: fmt.Sprintf("on %s%s: %v", drawName(d), where, err)}
	}
	return v, nil
}

// probCheck evaluates a rule's probabilities and checks that each lies in
// [0,1] and that together they do not exceed 1 (exact when sumOne).
func (sc *Scenario) probs(xs []*expression, env map[string]any, d Draw, rulePos Pos, what string, sumOne bool) ([]float64, error) {
	out := make([]float64, len(xs))
	sum := 0.0
	for i, x := range xs {
		v, err := sc.evalExpr(x, env, d)
		if err != nil {
			return nil, err
		}
		if v < 0 || v > 1 {
			where := ""
			if len(x.params) > 0 {
				where = " (" + sc.describe(env, x.params) + ")"
			}
			return nil, &drawError{pos: x.pos, msg: fmt.Sprintf("probability %s = %.6g is outside [0, 1] on %s%s", x.src, v, drawName(d), where)}
		}
		out[i] = v
		sum += v
	}
	const tol = 1e-9
	if sum <= 1+tol && (!sumOne || math.Abs(sum-1) <= tol) {
		return out, nil
	}
	// The rule fails on this draw: name the parameters it reads.
	var params []int
	seen := map[int]bool{}
	for _, x := range xs {
		for _, p := range x.params {
			if !seen[p] {
				seen[p] = true
				params = append(params, p)
			}
		}
	}
	where := ""
	if len(params) > 0 {
		sortInts(params)
		where = " (" + sc.describe(env, params) + ")"
	}
	if sum > 1+tol {
		return nil, &drawError{pos: rulePos, msg: fmt.Sprintf("%s: probabilities sum to %.6g > 1 on %s%s", what, sum, drawName(d), where)}
	}
	return nil, &drawError{pos: rulePos, msg: fmt.Sprintf("%s: weights sum to %.6g, not 1, on %s%s", what, sum, drawName(d), where)}
}

func sortInts(xs []int) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// Build evaluates the scenario for one parameter draw: the markov.Game and
// every profile whose strategies are given (profiles with `solve` are
// computed by the solver and are absent from the map). An error names the
// file position and the draw's parameter values.
func (sc *Scenario) Build(d Draw) (*markov.Game, map[string]markov.Profile, error) {
	env, err := sc.env(d)
	if err != nil {
		return nil, nil, sc.posErr(err)
	}
	g, err := sc.buildGame(env, d)
	if err != nil {
		return nil, nil, err
	}
	profs := make(map[string]markov.Profile, len(sc.Profiles))
	strats, err := sc.buildStrategies(env, d)
	if err != nil {
		return nil, nil, err
	}
	for _, pd := range sc.Profiles {
		if pd.Solve != "" {
			continue
		}
		p := make(markov.Profile, len(sc.Actors))
		for a, si := range pd.Strategies {
			p[a] = strats[a][si]
		}
		profs[pd.Name] = p
	}
	return g, profs, nil
}

func (sc *Scenario) posErr(err error) error {
	if de, ok := err.(*drawError); ok {
		return fmt.Errorf("%s:%d:%d: %s", sc.File, de.pos.Line, de.pos.Col, de.msg)
	}
	return err
}

func (sc *Scenario) buildGame(env map[string]any, d Draw) (*markov.Game, error) {
	nA, nS, nC := len(sc.Actors), len(sc.States), len(sc.Components)
	g := &markov.Game{
		Actors:     make([]markov.Actor, nA),
		Components: make([]string, nC),
		States:     make([]markov.State, nS),
		Initial:    sc.Initial,
		Actions:    sc.Actions,
		Avail:      make([][][]int, nS),
		Entry:      make([][]float64, nS),
	}
	for a, act := range sc.Actors {
		disc, w, err := sc.actorNumbers(a, env, d)
		if err != nil {
			return nil, sc.posErr(err)
		}
		g.Actors[a] = markov.Actor{ID: act.ID, Discount: disc, Weights: w}
	}
	for c, comp := range sc.Components {
		g.Components[c] = comp.ID
	}
	for s, st := range sc.States {
		g.States[s] = markov.State{ID: st.ID, Terminal: st.Terminal}
		g.Avail[s] = sc.Avail[s]
	}
	// A clocked scenario has its tables at every step before the clock
	// runs out (Game.Timed) and from then on (Trans, Flow); `step` is set
	// in env while they are filled.
	if sc.Clock > 0 {
		g.Clock = sc.Clock
		g.Timed = make([]markov.Stage, sc.Clock)
		defer delete(env, "step")
	}
	for ph := 0; ph <= sc.Clock; ph++ {
		if ph < sc.Clock && sc.tablesAt != nil {
			switch f := sc.tablesAt[ph]; {
			case f == sc.Clock:
				continue // Timed[ph] left empty: the stationary tables
			case f < ph:
				g.Timed[ph] = g.Timed[f]
				continue
			}
		}
		dp := d
		if sc.Clock > 0 {
			env["step"] = float64(ph)
			dp = atStep(d, ph, sc.Clock)
		}
		trans, flow, entry, err := sc.tables(env, dp, ph)
		if err != nil {
			return nil, err
		}
		if ph < sc.Clock {
			g.Timed[ph] = markov.Stage{Trans: trans, Flow: flow}
			continue
		}
		g.Trans, g.Flow, g.Entry = trans, flow, entry
	}
	return g, nil
}

// atStep names draw d at step ph in messages ("the central draw at step
// 3"; "from step 26 on" for the last phase).
func atStep(d Draw, ph, clock int) Draw {
	if ph < clock {
		d.label = fmt.Sprintf("%s at step %d", drawName(d), ph)
	} else {
		d.label = fmt.Sprintf("%s from step %d on", drawName(d), ph)
	}
	return d
}

// tables evaluates the rules that apply at phase ph (every step when the
// scenario has no clock) and fills the transition, flow and entry tables.
func (sc *Scenario) tables(env map[string]any, d Draw, ph int) ([][][]markov.Next, [][][]float64, [][]float64, error) {
	nA, nS, nC := len(sc.Actors), len(sc.States), len(sc.Components)
	transOf, paysOf := sc.transOf, sc.paysOf
	if ph < sc.Clock {
		transOf, paysOf = sc.transOfAt[ph], sc.paysOfAt[ph]
	}
	// Evaluate each rule once; the tables below reuse the values. A rule
	// whose step condition excludes this phase applies nowhere in it.
	trans := make([][]float64, len(sc.trans))
	for ri, r := range sc.trans {
		if st := stepOf(r.when); st != nil && !st.holds(ph) {
			continue
		}
		xs := make([]*expression, len(r.to))
		for i, t := range r.to {
			xs[i] = t.p
		}
		v, err := sc.moveProbs(xs, env, d, r.pos, "transition rule", false)
		if err != nil {
			return nil, nil, nil, sc.posErr(err)
		}
		trans[ri] = v
	}
	pays := make([][]float64, len(sc.pays))
	for ri, r := range sc.pays {
		if st := stepOf(r.when); st != nil && !st.holds(ph) {
			continue
		}
		pays[ri] = make([]float64, len(r.pays))
		for i, pe := range r.pays {
			v, err := sc.evalExpr(pe.v, env, d)
			if err != nil {
				return nil, nil, nil, sc.posErr(err)
			}
			pays[ri][i] = v
		}
	}
	addPay := func(dst []float64, r *payRule, vals []float64) {
		for i, pe := range r.pays {
			v := vals[i]
			dst[pe.actor*nC+pe.comp] += v
			if sc.Components[pe.comp].ZeroSum && nA > 1 {
				// The others share the negative equally, so the
				// component sums to zero across actors.
				share := v / float64(nA-1)
				for b := 0; b < nA; b++ {
					if b != pe.actor {
						dst[b*nC+pe.comp] -= share
					}
				}
			}
		}
	}
	gTrans := make([][][]markov.Next, nS)
	gFlow := make([][][]float64, nS)
	gEntry := make([][]float64, nS)
	for s, st := range sc.States {
		if st.Terminal {
			if len(sc.entryPays[s]) > 0 {
				e := make([]float64, nA*nC)
				for _, ri := range sc.entryPays[s] {
					addPay(e, sc.pays[ri], pays[ri])
				}
				gEntry[s] = e
			}
			continue
		}
		nj := len(transOf[s])
		gTrans[s] = make([][]markov.Next, nj)
		gFlow[s] = make([][]float64, nj)
		flows := make([]float64, nj*nA*nC)
		for j := 0; j < nj; j++ {
			ri := transOf[s][j]
			if ri < 0 {
				gTrans[s][j] = []markov.Next{{State: s, P: 1}}
			} else {
				gTrans[s][j] = nextStates(sc.trans[ri], trans[ri], s)
			}
			f := flows[j*nA*nC : (j+1)*nA*nC : (j+1)*nA*nC]
			for _, pi := range paysOf[s][j] {
				addPay(f, sc.pays[pi], pays[pi])
			}
			gFlow[s][j] = f
		}
	}
	return gTrans, gFlow, gEntry, nil
}

// nextStates turns a rule's targets into successor probabilities: targets
// in order, the leftover to `else` (default: stay), duplicates merged and
// zero probabilities dropped.
func nextStates(r *transRule, p []float64, s int) []markov.Next {
	out := make([]markov.Next, 0, len(r.to)+1)
	add := func(st int, q float64) {
		if q <= 0 {
			return
		}
		for i := range out {
			if out[i].State == st {
				out[i].P += q
				return
			}
		}
		out = append(out, markov.Next{State: st, P: q})
	}
	sum := 0.0
	for i, t := range r.to {
		add(t.state, p[i])
		sum += p[i]
	}
	other := r.other
	if other < 0 {
		other = s
	}
	add(other, 1-sum)
	if len(out) == 0 {
		out = append(out, markov.Next{State: other, P: 1})
	}
	// Renormalise away rounding so the successor probabilities sum to 1.
	tot := 0.0
	for _, nx := range out {
		tot += nx.P
	}
	if tot != 1 {
		for i := range out {
			out[i].P /= tot
		}
	}
	return out
}

// buildStrategies evaluates every strategy of every actor for draw d.
func (sc *Scenario) buildStrategies(env map[string]any, d Draw) ([][]markov.Strategy, error) {
	out := make([][]markov.Strategy, len(sc.Actors))
	for a := range sc.Actors {
		out[a] = make([]markov.Strategy, len(sc.Strategies[a]))
		for si := range sc.Strategies[a] {
			st, err := sc.buildStrategy(a, &sc.Strategies[a][si], env, d)
			if err != nil {
				return nil, sc.posErr(err)
			}
			out[a][si] = st
		}
	}
	return out, nil
}

func (sc *Scenario) playValues(pd *playDist, env map[string]any, d Draw) ([]float64, error) {
	xs := make([]*expression, len(pd.ws))
	for i, w := range pd.ws {
		xs[i] = w.p
	}
	return sc.moveProbs(xs, env, d, pd.pos, pd.what, true)
}

// MinProbability is the smallest positive probability of a move (a
// transition or an action of a strategy). Below it, 1 - p rounds to 1 in
// float64 arithmetic, or nearly so, and the exact analysis of a chain
// that leaves a state only that way would be singular or meaningless;
// over any horizon truce allows, such a move changes no figure by more
// than about 1e-7.
const MinProbability = 1e-12

// moveProbs is probs for the probabilities of moves, which must also be 0
// or at least MinProbability.
func (sc *Scenario) moveProbs(xs []*expression, env map[string]any, d Draw, rulePos Pos, what string, sumOne bool) ([]float64, error) {
	v, err := sc.probs(xs, env, d, rulePos, what, sumOne)
	if err != nil {
		return nil, err
	}
	for i, p := range v {
		if p > 0 && p < MinProbability {
			x := xs[i]
			val := ""
			if len(x.params) > 0 {
				val = fmt.Sprintf(" = %.3g on %s (%s)", p, drawName(d), sc.describe(env, x.params))
			}
			return nil, &drawError{pos: x.pos, msg: fmt.Sprintf("probability %s%s is below 1e-12, too small for exact arithmetic in float64; write 0 if the move never happens", x.src, val),
				hint: "a probability of a move is 0 or at least 1e-12"}
		}
	}
	return v, nil
}

func (sc *Scenario) buildStrategy(a int, def *StrategyDef, env map[string]any, d Draw) (markov.Strategy, error) {
	var st markov.Strategy
	dc := d
	if sc.Clock > 0 {
		// The base play from the clock's end on; before it, the steps at
		// which a distribution that reads `step` differs.
		env["step"] = float64(sc.Clock)
		defer delete(env, "step")
		dc = atStep(d, sc.Clock, sc.Clock)
	}
	base, err := sc.basePlay(a, def, env, dc, false)
	if err != nil {
		return st, err
	}
	st.Base = base
	if sc.Clock > 0 && def.readsStep() {
		st.Timed = make([][][]float64, sc.Clock)
		for ph := 0; ph < sc.Clock; ph++ {
			env["step"] = float64(ph)
			if st.Timed[ph], err = sc.basePlay(a, def, env, atStep(d, ph, sc.Clock), true); err != nil {
				return st, err
			}
		}
	}
	everywhere := len(sc.nonTerminalStates())
	add := func(r *stratRule, play []markov.ActionProb, mask []bool) {
		if len(r.in) == everywhere {
			st.Rules = append(st.Rules, markov.Rule{State: -1, After: r.after, Play: play, Steps: mask})
			return
		}
		for _, s := range r.in {
			st.Rules = append(st.Rules, markov.Rule{State: s, After: r.after, Play: play, Steps: mask})
		}
	}
	for _, r := range def.rules {
		var mask []bool
		if r.step != nil {
			mask = make([]bool, sc.Clock+1)
			for ph := range mask {
				mask[ph] = r.step.holds(ph)
			}
		}
		if sc.Clock == 0 || !r.play.readsStep() {
			play, err := sc.rulePlay(r, env, dc)
			if err != nil {
				return st, err
			}
			add(r, play, mask)
			continue
		}
		// A play that reads `step`: one rule per step, each limited to it.
		for ph := 0; ph <= sc.Clock; ph++ {
			if mask != nil && !mask[ph] {
				continue
			}
			env["step"] = float64(ph)
			play, err := sc.rulePlay(r, env, atStep(d, ph, sc.Clock))
			if err != nil {
				return st, err
			}
			one := make([]bool, sc.Clock+1)
			one[ph] = true
			add(r, play, one)
		}
	}
	return st, nil
}

// basePlay is the strategy's play in every non-terminal state (only in
// those whose distribution reads `step`, when onlyStep).
func (sc *Scenario) basePlay(a int, def *StrategyDef, env map[string]any, d Draw, onlyStep bool) ([][]float64, error) {
	out := make([][]float64, len(sc.States))
	var starVals []float64
	if def.star != nil && (!onlyStep || def.star.readsStep()) {
		v, err := sc.playValues(def.star, env, d)
		if err != nil {
			return nil, err
		}
		starVals = v
	}
	for s, state := range sc.States {
		if state.Terminal {
			continue
		}
		av := sc.Avail[s][a]
		pd, vals := def.base[s], []float64(nil)
		if pd == nil {
			pd, vals = def.star, starVals
		}
		if onlyStep && (pd == nil || !pd.readsStep()) {
			continue
		}
		if pd != nil && vals == nil {
			v, err := sc.playValues(pd, env, d)
			if err != nil {
				return nil, err
			}
			vals = v
		}
		base := make([]float64, len(av))
		if pd == nil {
			base[0] = 1 // single available action (checked at parse time)
		} else {
			for i, w := range pd.ws {
				for k, x := range av {
					if x == w.action {
						base[k] += vals[i]
					}
				}
			}
		}
		out[s] = base
	}
	return out, nil
}

func (sc *Scenario) rulePlay(r *stratRule, env map[string]any, d Draw) ([]markov.ActionProb, error) {
	vals, err := sc.playValues(r.play, env, d)
	if err != nil {
		return nil, err
	}
	play := make([]markov.ActionProb, len(r.play.ws))
	for i, w := range r.play.ws {
		play[i] = markov.ActionProb{Action: w.action, P: vals[i]}
	}
	return play, nil
}

// readsStep reports whether a distribution's probabilities read `step`.
func (pd *playDist) readsStep() bool {
	for _, w := range pd.ws {
		if w.p.usesStep {
			return true
		}
	}
	return false
}

// readsStep reports whether a strategy's base play reads `step`.
func (def *StrategyDef) readsStep() bool {
	if def.star != nil && def.star.readsStep() {
		return true
	}
	for _, pd := range def.base {
		if pd != nil && pd.readsStep() {
			return true
		}
	}
	return false
}

func (sc *Scenario) nonTerminalStates() []int {
	var out []int
	for i, st := range sc.States {
		if !st.Terminal {
			out = append(out, i)
		}
	}
	return out
}
