package scenario

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/expr-lang/expr/ast"
	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/markov"
)

// The functions hypotheses may call to read a figure of one draw are
// declared in quantityFuncs, one entry each: the name, the kinds of its
// literal arguments (which say how each is checked and where it is
// stored), and how the figure is read from the draw. The canonical key of a
// call (its text in reports) is built from the name and the resolved
// arguments, so adding a function is one table entry.

// argKind is the kind of one literal argument of a quantity function.
type argKind int

const (
	argState     argKind = iota // a quoted state name; sets quantity.state
	argStart                    // a quoted state name used as the start; sets quantity.start
	argActor                    // a quoted actor id; sets quantity.actor
	argProfile                  // a quoted profile name; sets quantity.profile
	argComponent                // a quoted payoff component; sets quantity.comp
	argSteps                    // a whole number of steps in [0, horizon]; sets quantity.steps
	argProfile2                 // a second quoted profile name; sets quantity.profile2
	argPlay                     // a quoted action of quantity.actor or a state; sets quantity.what
)

// usage is how the argument is written in a hint.
func (k argKind) usage() string {
	switch k {
	case argState:
		return `"state"`
	case argStart:
		return `"start"`
	case argActor:
		return `"actor"`
	case argProfile:
		return `"profile"`
	case argComponent:
		return `"component"`
	case argSteps:
		return "steps"
	case argProfile2:
		return `"profile_b"`
	case argPlay:
		return `"action or state"`
	}
	return "?"
}

// quantityFunc declares one function hypotheses may call.
type quantityFunc struct {
	name string
	args []argKind
	// optional is how many trailing args may be left out.
	optional int
	// read returns the figure for the resolved call q on one draw.
	read func(q *quantity, d *drawEval) (float64, error)
	// need adds what read uses to the analysis of q's profile (nil:
	// nothing beyond what every analysis computes).
	need func(q *quantity, n *needs)
	// check, if set, judges the resolved call at parse time (at is the
	// call's position) and reports why it cannot be computed.
	check func(c *compiler, q *quantity, at Pos) bool
	// boolean marks a true/false figure: read returns 1 or 0, which
	// hypotheses see as true or false (and summaries as a share of draws).
	boolean bool
}

// quantityFuncs are the functions only hypotheses may call, built on
// first use (not at start: the table's closures are allocated when it is
// built, and most commands never read a hypothesis).
var quantityFuncs = sync.OnceValue(func() []*quantityFunc {
	return []*quantityFunc{
		{name: "reach", args: []argKind{argState, argSteps, argProfile}, need: needState, read: fromAnalysis(readReach)},
		{name: "absorb", args: []argKind{argState, argProfile}, need: needState, read: fromAnalysis(readAbsorb)},
		{name: "time", args: []argKind{argState, argProfile}, need: needState,
			read: fromAnalysis(func(q *quantity, a *markov.Analysis) float64 { return a.Time[q.state] })},
		{name: "value", args: []argKind{argActor, argProfile, argComponent}, optional: 1, check: checkDiscounted, read: fromAnalysis(readValue)},
		{name: "value_by", args: []argKind{argActor, argSteps, argProfile, argComponent}, optional: 1,
			need: func(q *quantity, n *needs) { n.valueSteps[q.steps] = true },
			read: fromAnalysis(func(q *quantity, a *markov.Analysis) float64 {
				if q.comp >= 0 {
					return a.ValueAt[q.steps][q.actor][q.comp]
				}
				return a.TotalAt[q.steps][q.actor]
			})},
		// Answers from another start state: the process started there at
		// step 0, with no previous step. One backward solve per figure gives
		// every start at once.
		{name: "value_from", args: []argKind{argActor, argProfile, argStart, argComponent}, optional: 1, check: checkDiscounted,
			need: func(q *quantity, n *needs) { n.from = true },
			read: fromAnalysis(func(q *quantity, a *markov.Analysis) float64 {
				if q.comp >= 0 {
					return a.From.Value[q.start][q.actor][q.comp]
				}
				return a.From.Total[q.start][q.actor]
			})},
		{name: "absorb_from", args: []argKind{argState, argProfile, argStart}, need: needFrom,
			read: fromAnalysis(func(q *quantity, a *markov.Analysis) float64 { return a.From.Absorb[q.state][q.start] })},
		{name: "time_from", args: []argKind{argState, argProfile, argStart}, need: needFrom,
			read: fromAnalysis(func(q *quantity, a *markov.Analysis) float64 { return a.From.Time[q.state][q.start] })},
		{name: "reach_from", args: []argKind{argState, argSteps, argProfile, argStart}, need: needFrom,
			read: fromAnalysis(func(q *quantity, a *markov.Analysis) float64 { return a.From.Reach[q.state][q.start][q.steps] })},
		// Leverage and credibility (package equilibrium; docs/solve.md): the
		// actor's exact best response to the others' strategies in a profile,
		// whether it changes between two profiles, and whether the actor's
		// threats in a profile are credible.
		{name: "best_response_value", args: []argKind{argActor, argProfile}, check: checkDiscounted, read: readBestResponseValue},
		{name: "responds", args: []argKind{argActor, argProfile, argProfile2}, boolean: true, check: checkDiscounted, read: readResponds},
		{name: "credible", args: []argKind{argActor, argPlay, argProfile}, boolean: true, check: checkCredible, read: readCredible},
		// Commitment (package equilibrium; docs/solve.md, truce commit): the
		// leader's best commitment found, the follower answering with its
		// best response (ties in the leader's favour); the leader's value,
		// the follower's, and the leader's gain over a profile.
		{name: "commit_value", args: []argKind{argActor}, check: checkCommit, read: readCommitValue},
		{name: "commit_follower_value", args: []argKind{argActor}, check: checkCommit, read: readCommitFollowerValue},
		{name: "commit_gain", args: []argKind{argActor, argProfile}, check: checkCommit, read: readCommitGain},
		// The equilibrium set of an equilibrium profile, searched on each draw
		// (eqquant.go): how many equilibria were found, and the smallest and
		// largest figure over them.
		{name: "equilibria", args: []argKind{argProfile}, check: checkSetProfile, read: readEquilibria},
		{name: "min_value", args: []argKind{argActor, argProfile, argComponent}, optional: 1, check: checkSetValue, read: overSet(false, readValue)},
		{name: "max_value", args: []argKind{argActor, argProfile, argComponent}, optional: 1, check: checkSetValue, read: overSet(true, readValue)},
		{name: "min_absorb", args: []argKind{argState, argProfile}, need: needState, check: checkSetProfile, read: overSet(false, readAbsorb)},
		{name: "max_absorb", args: []argKind{argState, argProfile}, need: needState, check: checkSetProfile, read: overSet(true, readAbsorb)},
		{name: "min_reach", args: []argKind{argState, argSteps, argProfile}, need: needState, check: checkSetProfile, read: overSet(false, readReach)},
		{name: "max_reach", args: []argKind{argState, argSteps, argProfile}, need: needState, check: checkSetProfile, read: overSet(true, readReach)},
		// The long run: the share of steps spent in a state.
		{name: "share", args: []argKind{argState, argProfile},
			need: func(q *quantity, n *needs) { n.longRun = true },
			read: fromAnalysis(func(q *quantity, a *markov.Analysis) float64 { return a.LongRun.Share[q.state] })},
	}
})

// IsQuantityFunc reports whether name is a function only hypotheses may
// call, one that reads a result of the model (reach, value, best
// responses, ...) rather than the parameters.
func IsQuantityFunc(name string) bool {
	for _, f := range quantityFuncs() {
		if f.name == name {
			return true
		}
	}
	return false
}

func needState(q *quantity, n *needs) { n.states[q.state] = true }

func needFrom(q *quantity, n *needs) {
	n.from = true
	n.fromStates[q.state] = true
}

// checkDiscounted refuses a value over an unbounded future for an
// undiscounted actor.
func checkDiscounted(c *compiler, q *quantity, at Pos) bool {
	x := c.sc.Actors[q.actor].disc
	if x == nil || !x.konst || x.val < 1 {
		return true
	}
	id := c.actorNames[q.actor]
	c.d.errorf(at, fmt.Sprintf(`ask for a bounded number of steps: value_by(%q, %d, %q)`, id, c.sc.Horizon, c.sc.Profiles[q.profile].Name),
		"%s is undiscounted (discount 1), so its value over an unbounded future is infinite or undefined unless the process surely ends", id)
	return false
}

// fromAnalysis reads a figure from the exact analysis of the call's profile.
func fromAnalysis(f func(q *quantity, a *markov.Analysis) float64) func(*quantity, *drawEval) (float64, error) {
	return func(q *quantity, d *drawEval) (float64, error) {
		a, err := d.analysis(q.profile)
		if err != nil {
			return 0, err
		}
		return f(q, a), nil
	}
}

func lookupQuantityFunc(name string) *quantityFunc {
	for _, f := range quantityFuncs() {
		if f.name == name {
			return f
		}
	}
	return nil
}

func isQuantityFunc(name string) bool { return lookupQuantityFunc(name) != nil }

// usage is the call as a hint writes it, e.g. value("actor", "profile"[, "component"]).
func (f *quantityFunc) usage() string {
	var b strings.Builder
	b.WriteString(f.name + "(")
	req := len(f.args) - f.optional
	for i, k := range f.args {
		switch {
		case i == req && i > 0:
			b.WriteString("[, ")
		case i == req:
			b.WriteString("[")
		case i > 0:
			b.WriteString(", ")
		}
		b.WriteString(k.usage())
	}
	if f.optional > 0 {
		b.WriteString("]")
	}
	return b.String() + ")"
}

// arity says how many arguments f takes, e.g. "2" or "2 or 3".
func (f *quantityFunc) arity() string {
	n := len(f.args)
	if f.optional == 0 {
		return strconv.Itoa(n)
	}
	var parts []string
	for k := n - f.optional; k <= n; k++ {
		parts = append(parts, strconv.Itoa(k))
	}
	return strings.Join(parts, " or ")
}

// quantity is one call of a quantity function in a hypothesis, with its
// literal arguments resolved.
type quantity struct {
	key     string // canonical text, e.g. reach("war", 52, "baseline")
	ident   string // variable replacing the call in the compiled hypothesis
	fn      *quantityFunc
	state   int
	start   int // -1: the initial state
	steps   int
	profile int
	actor   int
	comp    int // -1: weighted total
	// profile2 and what are the second profile and the action or state
	// name of the leverage functions.
	profile2 int
	what     string
}

// envValue is how a hypothesis sees the figure v: a number, or for a
// boolean function true when v is 1.
func (q *quantity) envValue(v float64) any {
	if q.fn.boolean {
		return v != 0
	}
	return v
}

// envZero is the value that types the figure when a hypothesis compiles.
func (q *quantity) envZero() any { return q.envValue(0) }

// drawEval is what quantity functions read on one parameter draw: the
// draw's game and profiles, and the exact analyses computed so far.
type drawEval struct {
	ctx   context.Context
	sc    *Scenario
	g     *markov.Game
	profs map[string]markov.Profile
	opt   *AnalyzeOptions
	an    map[int]*markov.Analysis // by profile index
	needs map[int]*needs           // by profile index; nil: what its quantities read
	// profiles and responses cache the profiles built on this draw and
	// the best responses computed (by actor and profile).
	profiles  map[int]markov.Profile
	responses map[[2]int]*equilibrium.Response
	// set is the equilibrium set searched on this draw, sets its members
	// analysed for each profile (eqquant.go).
	set  *equilibrium.Set
	sets map[int]*drawSet
	// commits caches the commitments found on this draw, by leader.
	commits map[int]*equilibrium.Commitment
	// sel is the selected equilibrium on this draw (solved once, selErr
	// its error), shared by every equilibrium profile (they all solve
	// with d.opt.MPE) and by the set search, which starts from it.
	sel    *equilibrium.Result
	selErr error
	solved bool
	// chains, if set, are the worker's chains from its previous draw,
	// refilled for this one (nil: a new chain per analysis); graphs, if
	// set, its decision-point graphs (equilibrium.Graphs).
	chains *probeChains
	graphs *equilibrium.Graphs
}

// selection returns the equilibrium the selection rule picks on this
// draw, solving once.
func (d *drawEval) selection() (*equilibrium.Result, error) {
	if !d.solved {
		d.sel, d.selErr = equilibrium.Solve(d.ctx, d.g, d.opt.MPE)
		d.solved = true
	}
	return d.sel, d.selErr
}

// profile returns profile pi on this draw (solving an equilibrium profile
// once).
func (d *drawEval) profile(pi int) (markov.Profile, error) {
	if p, ok := d.profiles[pi]; ok {
		return p, nil
	}
	var p markov.Profile
	var err error
	if pd := d.sc.Profiles[pi]; pd.Solve != "" {
		res, serr := d.selection()
		p, err = equilibriumProfile(d.g, pd.Name, res, serr)
	} else {
		p, err = d.sc.ProfileFor(d.ctx, d.g, d.profs, pd.Name, d.opt.MPE)
	}
	if err != nil {
		return nil, err
	}
	if d.profiles == nil {
		d.profiles = map[int]markov.Profile{}
	}
	d.profiles[pi] = p
	return p, nil
}

// analysis returns the exact analysis of profile pi on this draw,
// computing it on first use.
func (d *drawEval) analysis(pi int) (*markov.Analysis, error) {
	if a, ok := d.an[pi]; ok {
		return a, nil
	}
	name := d.sc.Profiles[pi].Name
	p, err := d.profile(pi)
	if err != nil {
		return nil, err
	}
	n := d.needs[pi]
	if n == nil {
		n = newNeeds(len(d.sc.States))
		d.sc.quantityNeeds(pi, n)
	}
	opt := n.options(d.sc.Horizon)
	var a *markov.Analysis
	if d.chains != nil {
		// The worker's chain of the previous draw, refilled: the same
		// analysis without building the layout again.
		c, err := d.chains.chain(d.ctx, d.g, p, pi, opt.From)
		if err != nil {
			return nil, fmt.Errorf("profile %q: %w", name, err)
		}
		a, err = c.Analyze(d.ctx, opt)
		if err != nil {
			return nil, fmt.Errorf("profile %q: %w", name, err)
		}
	} else if a, err = markov.AnalyzeWith(d.ctx, d.g, p, opt); err != nil {
		return nil, fmt.Errorf("profile %q: %w", name, err)
	}
	d.an[pi] = a
	return a, nil
}

// quantityCall resolves a call of a quantity function with literal
// arguments, recording diagnostics at the arguments' positions.
func (c *compiler) quantityCall(n *ast.CallNode, p *exprChecker) *quantity {
	f := lookupQuantityFunc(n.Callee.(*ast.IdentifierNode).Value)
	at := p.at(n.Location())
	args := n.Arguments
	if len(args) < len(f.args)-f.optional || len(args) > len(f.args) {
		c.d.errorf(at, "write "+f.usage(), "%s takes %s arguments, got %d", f.name, f.arity(), len(args))
		return nil
	}
	q := &quantity{fn: f, comp: -1, start: -1}
	if !slices.Contains(f.args, argProfile) {
		q.profile = -1 // reads no profile's analysis
	}
	keyArgs := make([]string, len(args))
	for i, kind := range f.args[:len(args)] {
		ap := p.at(args[i].Location())
		if kind == argSteps {
			in, ok := args[i].(*ast.IntegerNode)
			if !ok {
				c.d.errorf(ap, "write a whole number of steps, e.g. 52", "argument %d of %s must be a whole number", i+1, f.name)
				return nil
			}
			if in.Value < 0 || (in.Value > c.sc.Horizon && !c.horizonBroken) {
				c.d.errorf(ap, fmt.Sprintf("use 0 to the horizon, %d", c.sc.Horizon), "%s: %d steps is outside the horizon", f.name, in.Value)
				return nil
			}
			q.steps = in.Value
			keyArgs[i] = strconv.Itoa(in.Value)
			continue
		}
		s, ok := args[i].(*ast.StringNode)
		if !ok {
			c.d.errorf(ap, "write the name in quotes, e.g. \"war\"", "argument %d of %s must be a quoted name", i+1, f.name)
			return nil
		}
		if !c.resolveArg(q, kind, s.Value, ap) {
			return nil
		}
		keyArgs[i] = strconv.Quote(s.Value)
	}
	if f.check != nil && !f.check(c, q, at) {
		return nil
	}
	q.key = f.name + "(" + strings.Join(keyArgs, ", ") + ")"
	if old, ok := c.quantities[q.key]; ok {
		return old
	}
	// A new name: the scenario's list can have lost quantities
	// (SkipSubsampled), so its length may be taken.
	taken := make(map[string]bool, len(c.quantities))
	for _, o := range c.quantities {
		taken[o.ident] = true
	}
	for n := len(c.quantities); q.ident == "" || taken[q.ident]; n++ {
		q.ident = fmt.Sprintf("__q%d", n)
	}
	c.quantities[q.key] = q
	c.sc.quantities = append(c.sc.quantities, q)
	return q
}

// resolveArg checks the quoted name of one argument and stores its index.
func (c *compiler) resolveArg(q *quantity, kind argKind, name string, at Pos) bool {
	var ok bool
	switch kind {
	case argState:
		q.state, ok = c.lookupState(name, at)
	case argStart:
		q.start, ok = c.lookupState(name, at)
	case argActor:
		q.actor, ok = c.lookupActor(name, at)
	case argComponent:
		q.comp, ok = c.compIndex[name]
		if !ok {
			c.d.errorf(at, suggest(name, c.compNames), "unknown payoff component %q", name)
		}
	case argPlay:
		q.what = name
		_, isAction := c.actionIndex[q.actor][name]
		_, isState := c.stateIndex[name]
		ok = isAction || isState
		if !ok {
			c.d.errorf(at, suggest(name, append(append([]string(nil), c.sc.Actions[q.actor]...), c.stateNames...)),
				"%q is neither an action of %s nor a state", name, c.actorNames[q.actor])
		}
	case argProfile2:
		q.profile2, ok = c.lookupProfile(name, at)
	case argProfile:
		q.profile, ok = c.lookupProfile(name, at)
	}
	return ok
}

// lookupProfile finds a profile named in a hypothesis.
func (c *compiler) lookupProfile(name string, at Pos) (int, bool) {
	pi, ok := c.profileIndex[name]
	if !ok && !c.brokenProfiles[name] {
		var cands []string
		for _, pd := range c.sc.Profiles {
			cands = append(cands, pd.Name)
		}
		c.d.errorf(at, suggest(name, cands), "unknown profile %q", name)
	}
	return pi, ok
}
