package scenario

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/expr-lang/expr/vm"
	"github.com/goccy/go-yaml/ast"
	"github.com/truce-dev/truce/internal/yamlread"
	"github.com/truce-dev/truce/markov"
)

// compiler turns the YAML tree into a Scenario, collecting diagnostics.
type compiler struct {
	ctx         context.Context // checked in the long loops; nil means never done
	interrupted bool            // the context's end was reported
	nonTerm     []int           // cache of nonTerminal, for nonTermOf states
	nonTermOf   int
	d           *diags
	sc          *Scenario
	anchors     anchorCollector

	paramIndex map[string]int
	paramNames []string
	paramEnv   map[string]any

	stateIndex   map[string]int
	stateNames   []string
	actorIndex   map[string]int
	actorNames   []string
	compIndex    map[string]int
	compNames    []string
	actionIndex  []map[string]int // per actor
	stratIndex   []map[string]int // per actor
	profileIndex map[string]int
	// Names whose definition had errors: references to them are not
	// reported again as unknown.
	brokenStrats   []map[string]bool
	brokenProfiles map[string]bool
	quantities     map[string]*quantity
	discountSet    bool
	discount       *expression // the top-level discount; nil if absent or broken
	// defsBroken is set when a parameter, component, actor or state could
	// not be defined: references to it elsewhere would only be reported as
	// unknown, a cascade of one mistake, so the sections that refer to
	// them are not read.
	defsBroken bool
	// horizonBroken is set when the horizon is missing or invalid: step
	// counts are then not compared with it (each would be a second,
	// misleading error, "10 steps is outside the horizon, 0").
	horizonBroken bool
	// drawsOK is set once the sections that expressions and rules refer to
	// were read, so the draw checks can run even when other parts of the
	// file have errors.
	drawsOK bool
	// partialDists are the distributions read from strategies that have
	// errors elsewhere; the draw checks still judge them.
	partialDists []*playDist
	// actionsUnsure[a] is set when part of actor a's action lists could not
	// be read (or may have been written under a misspelt actor): its
	// actions are then not reported as unknown or unavailable elsewhere,
	// since that would only repeat the one mistake.
	actionsUnsure []bool
	// reads are the parameters each expression reads (lint.go).
	reads []exprRead

	// State families (families.go): the families by name, the binding of
	// the family rule being read (nil outside one), how many family rules
	// were read in all, and compiled index expressions.
	families   map[string]*family
	bind       *binding
	expansions int
	indexProgs map[string]*vm.Program
	exprCache  map[exprKey]*compiledNum

	// The clock (clock.go): named dates, every step condition read, the
	// first expression that reads `step`, and whether `step` may be read
	// in the section being parsed.
	dates     map[string]int
	stepConds []*stepCond
	stepExpr  *Pos
	stepOK    bool
}

// Limits that keep a hostile file from exhausting memory or time.
const (
	maxHorizon    = 100000
	maxJointTotal = 2_000_000
)

// MaxFileSize is the largest scenario file Parse reads (docs/limits.md).
const MaxFileSize = 4 << 20

// Parse reads a scenario file. It returns the scenario and every warning,
// or nil and the diagnostics when the file has errors.
func Parse(filename string, src []byte) (*Scenario, []Diagnostic) {
	return ParseContext(context.Background(), filename, src)
}

// ParseContext is Parse that stops early, with a diagnostic saying so,
// once ctx is done.
func ParseContext(ctx context.Context, filename string, src []byte) (*Scenario, []Diagnostic) {
	d := &diags{file: filename}
	sc := parse(ctx, filename, src, d)
	if d.hasErrors() {
		return nil, d.sorted()
	}
	return sc, d.sorted()
}

func parse(ctx context.Context, filename string, src []byte, d *diags) (sc *Scenario) {
	defer func() {
		// A panic here is a bug in truce, but the user still gets a
		// diagnostic instead of a crash.
		if r := recover(); r != nil {
			d.errorf(Pos{1, 1}, "please report this as a bug in truce", "internal error while reading the scenario: %v", r)
			sc = nil
		}
	}()
	if len(src) > MaxFileSize {
		d.errorf(Pos{1, 1}, "", "file too large (%d bytes, limit %d)", len(src), MaxFileSize)
		return nil
	}
	// A byte-order mark is not part of the YAML text (and moves no
	// line:col position).
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	if p, docs, ok := scanYAML(src, MaxNesting); !ok {
		if docs > 1 {
			d.errorf(p, "put one scenario per file", "more than one YAML document")
		} else {
			d.errorf(p, "a scenario needs fewer than ten levels; check the indentation and brackets", "the YAML nests more than %d levels deep", MaxNesting)
		}
		return nil
	}
	body, err := yamlread.Parse(src)
	if err != nil {
		var ye *yamlread.Error
		if errors.As(err, &ye) {
			hint := ""
			if ye.Msg == "more than one YAML document" {
				hint = "put one scenario per file"
			}
			d.errorf(Pos{ye.Line, ye.Col}, hint, "%s", yamlMessage(ye.Msg))
		} else {
			d.errorf(Pos{1, 1}, "", "invalid YAML: %v", err)
		}
		return nil
	}
	if body == nil {
		d.errorf(Pos{1, 1}, "start with `truce: 1`", "empty scenario file")
		return nil
	}
	c := &compiler{ctx: ctx, d: d, anchors: anchorCollector{}, quantities: map[string]*quantity{}}
	ast.Walk(c.anchors, body)
	sc = &Scenario{File: filename}
	c.sc = sc
	c.compile(body)
	sc.reads = c.reads
	if c.drawsOK {
		// Probabilities and weights that were read are checked even when
		// other parts of the file have errors, so that one run reports
		// every independent mistake.
		c.checkDraws()
	}
	if d.hasErrors() {
		return nil
	}
	c.checkGraph()
	return sc
}

// yamlMessage words a YAML reading error: the parser's own messages
// are syntax errors ("invalid YAML: ...").
func yamlMessage(msg string) string {
	if msg == "more than one YAML document" || strings.HasPrefix(msg, "unknown alias") {
		return msg
	}
	return "invalid YAML: " + msg
}

func (c *compiler) compile(body ast.Node) {
	top, ok := c.mapping(body, "the scenario", Pos{1, 1})
	if !ok {
		return
	}
	c.checkKeys(top, "the scenario", withInfo("truce", "name", "title", "period", "horizon", "discount", "actors", "components",
		"parameters", "correlations", "clock", "states", "actions", "transitions", "payoffs", "strategies", "profiles", "hypotheses",
		"observations", "history")...)
	get := map[string]kv{}
	for _, e := range top {
		get[e.key] = e
	}
	sc := c.sc
	sc.Info = c.info(top)

	if e, ok := get["truce"]; !ok {
		c.d.errorf(Pos{1, 1}, "add `truce: 1` as the first line", "missing format version `truce`")
	} else if v, ok := c.intNum(e.val, "truce (format version)", e.kpos); ok {
		if v != 1 {
			c.d.errorf(posOf(e.val), "this truce reads version 1", "unsupported format version %d", v)
		}
		sc.Version = v
	}
	sc.Name = strings.TrimSuffix(filepath.Base(sc.File), filepath.Ext(sc.File))
	if e, ok := get["name"]; ok {
		sc.Name, _, _ = c.name(e.val, "name", e.kpos)
	}
	if e, ok := get["title"]; ok {
		sc.Title, _ = c.text(e.val, "title", e.kpos)
	}
	sc.Period = "step"
	if e, ok := get["period"]; ok {
		sc.Period, _, _ = c.name(e.val, "period", e.kpos)
	}
	c.horizonBroken = true
	if e, ok := get["horizon"]; !ok {
		c.d.errorf(Pos{1, 1}, "add e.g. `horizon: 52`", "missing `horizon` (number of steps analysed)")
	} else if v, ok := c.intNum(e.val, "horizon", e.kpos); ok {
		if v < 1 || v > maxHorizon {
			c.d.errorf(posOf(e.val), fmt.Sprintf("use 1 to %d", maxHorizon), "horizon %d out of range", v)
		} else {
			c.horizonBroken = false
		}
		sc.Horizon = v
	}
	c.parseParameters(get["parameters"])
	if !c.defsBroken {
		c.parseCorrelations(get["correlations"])
	}
	if e, ok := get["discount"]; ok {
		// Read after the parameters: a discount may be an expression.
		c.discountSet = true
		c.discount = c.discountExpr(e.val, e.kpos)
	}
	c.parseClock(get["clock"])
	c.parseComponents(get["components"])
	c.parseActors(get["actors"])
	c.parseStates(get["states"])
	if c.defsBroken {
		// Later sections refer to actors, states and parameters; with a
		// definition missing, their messages would only repeat the same
		// cause. Errors that leave every name defined (a bad horizon, a
		// discount out of range) do not stop the rest from being read.
		return
	}
	c.parseActions(get["actions"])
	c.stepOK = true // `step` may be read in transitions, payoffs and strategies
	c.parseTransitions(get["transitions"])
	c.parsePayoffs(get["payoffs"])
	c.parseStrategies(get["strategies"])
	c.stepOK = false
	if e, ok := get["profiles"]; ok {
		c.parseProfiles(e)
	} else {
		c.parseProfiles(kv{})
		c.defaultProfile()
	}
	c.parseHypotheses(get["hypotheses"])
	c.setClock()
	c.parseObservations(get["observations"]) // observe.go
	c.parseHistory(get["history"])
	c.drawsOK = true
	if c.d.hasErrors() {
		return
	}
	c.index()
}

var identRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })

// reservedWords cannot name parameters: expr gives them meaning.
var reservedWords = []string{"true", "false", "nil", "and", "or", "not", "in", "if", "else", "let", "matches",
	"contains", "startsWith", "endsWith", "abs", "ceil", "floor", "round", "max", "min", "clamp", "sqrt", "exp",
	"log", "pow", "reach", "absorb", "time", "value", "len", "all", "none", "any", "one", "filter", "map", "count", "sum"}

func (c *compiler) parseParameters(e kv) {
	kvs, ok := c.mapping(e.val, "parameters", e.kpos)
	// Sized once: grown by appends, 100,000 parameters (about 800 bytes
	// each) copied 170 MB.
	c.paramIndex = make(map[string]int, len(kvs))
	c.paramEnv = make(map[string]any, len(kvs))
	c.paramNames = make([]string, 0, len(kvs))
	c.sc.Parameters = make([]Parameter, 0, len(kvs))
	if !ok {
		c.defsBroken = true
		return
	}
	// Derived parameters (expressions of others) are compiled once every
	// name is known, so that they may refer to parameters declared later.
	var derived []kv
	for _, p := range kvs {
		if !identRE().MatchString(p.key) || contains(reservedWords, p.key) || isQuantityFunc(p.key) || p.key == "step" || strings.HasPrefix(p.key, "__") {
			c.d.errorf(p.kpos, "use letters, digits and _ (not starting with a digit), and not a function or keyword name", "invalid parameter name %q", p.key)
			c.defsBroken = true
			continue
		}
		if c.isDerived(p.val) {
			derived = append(derived, p)
		} else {
			dist, info, ok := c.parseDist(p)
			if !ok {
				c.defsBroken = true
				continue
			}
			c.sc.Parameters = append(c.sc.Parameters, Parameter{Name: p.key, Dist: dist, Info: info, Pos: p.kpos})
		}
		c.paramIndex[p.key] = len(c.paramNames)
		c.paramNames = append(c.paramNames, p.key)
		c.paramEnv[p.key] = 0.0
	}
	c.sc.paramEnvNames = c.paramNames
	c.parseDerived(derived)
}

func (c *compiler) parseComponents(e kv) {
	c.compIndex = map[string]int{}
	kvs, ok := c.mapping(e.val, "components", e.kpos)
	if !ok {
		c.defsBroken = true
		return
	}
	for _, k := range kvs {
		comp := Component{ID: k.key, Pos: k.kpos}
		body, ok := c.mapping(k.val, "component "+k.key, k.kpos)
		if !ok {
			c.defsBroken = true
			continue
		}
		c.checkKeys(body, "component "+k.key, withInfo("zero_sum")...)
		comp.Info = c.info(body)
		for _, f := range body {
			if f.key == "zero_sum" {
				comp.ZeroSum, _ = c.boolean(f.val, "zero_sum")
			}
		}
		c.addComponent(comp)
	}
}

func (c *compiler) addComponent(comp Component) int {
	if i, ok := c.compIndex[comp.ID]; ok {
		return i
	}
	c.compIndex[comp.ID] = len(c.compNames)
	c.compNames = append(c.compNames, comp.ID)
	c.sc.Components = append(c.sc.Components, comp)
	return len(c.compNames) - 1
}

func (c *compiler) parseActors(e kv) {
	c.actorIndex = map[string]int{}
	items, ok := c.sequence(e.val, "actors")
	if !ok {
		c.defsBroken = true
		return
	}
	if e.val == nil || len(items) == 0 {
		c.d.errorf(e.kpos, "add `actors:` with at least one `- id: NAME`", "no actors")
		c.defsBroken = true
		return
	}
	type rawWeights struct {
		actor int
		kvs   []kv
	}
	var weights []rawWeights
	for _, it := range items {
		kvs, ok := c.mapping(it, "an actor", posOf(it))
		if !ok {
			c.defsBroken = true
			continue
		}
		c.checkKeys(kvs, "actor", withInfo("id", "discount", "weights")...)
		a := Actor{Info: c.info(kvs), Pos: posOf(it)}
		var wk []kv
		hasID, hasDisc := false, false
		for _, f := range kvs {
			switch f.key {
			case "id":
				a.ID, a.Pos, hasID = c.name(f.val, "actor id", f.kpos)
			case "discount":
				hasDisc = true
				a.disc = c.discountExpr(f.val, f.kpos)
			case "weights":
				wk, _ = c.mapping(f.val, "weights", f.kpos)
			}
		}
		if !hasID {
			c.d.errorf(posOf(it), "add `id: NAME`", "actor without id")
			c.defsBroken = true
			continue
		}
		if _, dup := c.actorIndex[a.ID]; dup {
			c.d.errorf(a.Pos, "", "duplicate actor %q", a.ID)
			continue
		}
		if !hasDisc {
			if !c.discountSet {
				c.d.errorf(a.Pos, "add `discount: 0.97` at the top or in the actor", "actor %q has no discount", a.ID)
			}
			a.disc = c.discount
		}
		c.actorIndex[a.ID] = len(c.actorNames)
		c.actorNames = append(c.actorNames, a.ID)
		c.sc.Actors = append(c.sc.Actors, a)
		weights = append(weights, rawWeights{len(c.actorNames) - 1, wk})
		for _, w := range wk {
			c.addComponent(Component{ID: w.key, Pos: w.kpos})
		}
	}
	// Weights are read once every component is known. An actor without
	// `weights` values every component at 1; with `weights`, the components
	// it does not list count 0 for it.
	if len(c.compNames) == 0 {
		// Payoffs need at least one component; "payoff" is the implicit one.
		c.addComponent(Component{ID: "payoff"})
	}
	for _, rw := range weights {
		a := &c.sc.Actors[rw.actor]
		a.weights = make([]*expression, len(c.compNames))
		w := 0.0
		if rw.kvs == nil {
			w = 1
		}
		for i := range a.weights {
			a.weights[i] = &expression{src: fmt.Sprint(w), konst: true, val: w}
		}
		for _, wk := range rw.kvs {
			if x := c.numUnlessBroken(wk.val, "weight", wk.kpos); x != nil {
				a.weights[c.compIndex[wk.key]] = x
			}
		}
	}
}

func (c *compiler) parseStates(e kv) {
	c.stateIndex = map[string]int{}
	items, ok := c.sequence(e.val, "states")
	if !ok {
		c.defsBroken = true
		return
	}
	if len(items) == 0 {
		c.d.errorf(e.kpos, "add `states:` with `- {id: NAME, initial: true}`", "no states")
		c.defsBroken = true
		return
	}
	initial := -1
	broken := c.defsBroken
	defer func() { c.defsBroken = c.defsBroken || broken }()
	c.defsBroken = false
	c.families = map[string]*family{}
	add := func(st State) {
		if st.ID == "*" || st.ID == "rules" {
			c.d.errorf(st.Pos, "choose another name", "%q cannot name a state", st.ID)
			c.defsBroken = true
			return
		}
		if _, dup := c.stateIndex[st.ID]; dup {
			c.d.errorf(st.Pos, "", "duplicate state %q", st.ID)
			return
		}
		if st.Initial {
			if initial >= 0 {
				c.d.errorf(st.Pos, fmt.Sprintf("%q is already initial", c.stateNames[initial]), "more than one initial state")
			} else if st.Terminal {
				c.d.errorf(st.Pos, "", "the initial state cannot be terminal")
			}
			initial = len(c.stateNames)
		}
		c.stateIndex[st.ID] = len(c.stateNames)
		c.stateNames = append(c.stateNames, st.ID)
		c.sc.States = append(c.sc.States, st)
	}
	for _, it := range items {
		st := State{Pos: posOf(it)}
		var kvs []kv
		if _, kind := scalarText(it); kind == "string" {
			st.ID, st.Pos, ok = c.name(it, "state id", posOf(it))
			if !ok {
				c.defsBroken = true
				continue
			}
		} else {
			kvs, ok = c.mapping(it, "a state", posOf(it))
			if !ok {
				c.defsBroken = true
				continue
			}
			c.checkKeys(kvs, "state", withInfo("id", "initial", "terminal")...)
			st.Info = c.info(kvs)
			hasID := false
			for _, f := range kvs {
				if f.key == "id" {
					hasID = true
					st.ID, st.Pos, _ = c.name(f.val, "state id", f.kpos)
				}
			}
			if !famRangeRE().MatchString(st.ID) {
				// A family's initial and terminal may be conditions on
				// its index, read with the family.
				for _, f := range kvs {
					switch f.key {
					case "initial":
						st.Initial, _ = c.boolean(f.val, "initial")
					case "terminal":
						st.Terminal, _ = c.boolean(f.val, "terminal")
					}
				}
			}
			if st.ID == "" {
				if !hasID {
					c.d.errorf(posOf(it), "add `id: NAME`", "state without id")
				}
				c.defsBroken = true
				continue
			}
		}
		if famRangeRE().MatchString(st.ID) {
			members, ok := c.familyStates(st.ID, st.Pos, kvs, st.Info)
			if !ok {
				c.defsBroken = true
				continue
			}
			for _, m := range members {
				add(m)
			}
			continue
		}
		add(st)
	}
	if initial < 0 && len(c.sc.States) > 0 {
		// Without an explicit initial state the first one is the start.
		initial = 0
		// With a state dropped for its own error, the first state may not
		// be the one the author meant to start from: say nothing more.
		if c.sc.States[0].Terminal && !c.defsBroken {
			c.d.errorf(c.sc.States[0].Pos, "mark a non-terminal state `initial: true`", "the first state is terminal and no state is initial")
		}
		c.sc.States[0].Initial = true
	}
	c.sc.Initial = initial
}

// nonTerminal lists the non-terminal states.
// nonTerminal lists the non-terminal states. Every rule without `from`
// or `in` shares the one list (callers must not modify it), so that many
// such rules in a file with many states cost no memory each.
func (c *compiler) nonTerminal() []int {
	if c.nonTerm != nil && c.nonTermOf == len(c.sc.States) {
		return c.nonTerm[:len(c.nonTerm):len(c.nonTerm)]
	}
	out := []int{}
	for i, st := range c.sc.States {
		if !st.Terminal {
			out = append(out, i)
		}
	}
	c.nonTerm, c.nonTermOf = out, len(c.sc.States)
	return out[:len(out):len(out)]
}

func (c *compiler) lookupActor(name string, p Pos) (int, bool) {
	if i, ok := c.actorIndex[name]; ok {
		return i, true
	}
	c.d.errorf(p, suggest(name, c.actorNames), "unknown actor %q", name)
	return 0, false
}

func (c *compiler) lookupState(name string, p Pos) (int, bool) {
	if i, ok := c.stateIndex[name]; ok {
		return i, true
	}
	if i, ok, handled := c.familyMember(name, p); handled {
		return i, ok
	}
	c.d.errorf(p, suggest(name, c.stateNames), "unknown state %q", name)
	return 0, false
}

func (c *compiler) lookupAction(a int, name string, p Pos) (int, bool) {
	if i, ok := c.actionIndex[a][name]; ok {
		return i, true
	}
	if c.actionsUnsure[a] {
		return 0, false
	}
	c.d.errorf(p, suggest(name, c.sc.Actions[a]), "unknown action %q of %s", name, c.actorNames[a])
	return 0, false
}

// stateSet reads `from`/`in`: a state, "*" (every non-terminal state) or a
// list. Terminal states are rejected unless allowTerminal.
func (c *compiler) stateSet(n ast.Node, what string, at Pos, allowTerminal bool) ([]int, bool) {
	if isNull(n) {
		return c.nonTerminal(), true
	}
	names, ok := c.names(n, what, at)
	if !ok {
		return nil, false
	}
	seen := map[int]bool{}
	var out []int
	for _, nm := range names {
		if nm.name == "*" {
			for _, s := range c.nonTerminal() {
				if !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
			}
			continue
		}
		s, ok2 := c.lookupState(nm.name, nm.pos)
		if !ok2 {
			ok = false
			continue
		}
		if c.sc.States[s].Terminal && !allowTerminal {
			c.d.errorf(nm.pos, "a terminal state ends the process", "%s: state %q is terminal", what, nm.name)
			ok = false
			continue
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out, ok
}

func (c *compiler) parseActions(e kv) {
	sc := c.sc
	nA, nS := len(sc.Actors), len(sc.States)
	sc.Actions = make([][]string, nA)
	sc.ActionInfo = make([]map[string]Info, nA)
	for a := range sc.ActionInfo {
		sc.ActionInfo[a] = map[string]Info{}
	}
	c.actionIndex = make([]map[string]int, nA)
	for a := range c.actionIndex {
		c.actionIndex[a] = map[string]int{}
	}
	// lists[a][s] is the action list actor a has in state s; nil = none given.
	lists := make([][][]posName, nA)
	star := make([][]posName, nA)
	for a := range lists {
		lists[a] = make([][]posName, nS)
	}
	// On a malformed section, go on with no actions listed: the tables
	// below must exist for the sections that follow.
	c.actionsUnsure = make([]bool, nA)
	listed := make([]bool, nA)
	misspelt := false
	kvs, ok := c.mapping(e.val, "actions", e.kpos)
	misspelt = !ok
	for _, ak := range kvs {
		a, ok := c.lookupActor(ak.key, ak.kpos)
		if !ok {
			misspelt = true
			continue
		}
		listed[a] = true
		per, ok := c.mapping(ak.val, "actions of "+ak.key, ak.kpos)
		if !ok {
			c.actionsUnsure[a] = true
			if per == nil {
				continue
			}
		}
		for _, sk := range per {
			acts, ok := c.actionList(a, sk.val, sk.kpos)
			if !ok {
				c.actionsUnsure[a] = true
				if acts == nil {
					continue
				}
			}
			seen := map[string]bool{}
			var uniq []posName
			for _, x := range acts {
				if seen[x.name] {
					c.d.errorf(x.pos, "", "action %q listed twice", x.name)
					continue
				}
				seen[x.name] = true
				uniq = append(uniq, x)
				if _, ok := c.actionIndex[a][x.name]; !ok {
					c.actionIndex[a][x.name] = len(sc.Actions[a])
					sc.Actions[a] = append(sc.Actions[a], x.name)
				}
			}
			if sk.key == "*" {
				star[a] = uniq
				continue
			}
			if bs, ok := c.bindingsOf(sk.key, sk.kpos, false); !ok {
				c.actionsUnsure[a] = true
				continue
			} else if bs != nil {
				for _, b := range bs { // every non-terminal member of a family
					c.bind = b
					s, _ := c.lookupState(sk.key, sk.kpos)
					lists[a][s] = uniq
				}
				c.bind = nil
				continue
			}
			s, ok := c.lookupState(sk.key, sk.kpos)
			if !ok {
				c.actionsUnsure[a] = true
				continue
			}
			if sc.States[s].Terminal {
				c.d.errorf(sk.kpos, "a terminal state ends the process", "actions in terminal state %q", sk.key)
				continue
			}
			lists[a][s] = uniq
		}
	}
	if misspelt {
		// An entry under an unknown actor may have been meant for any
		// actor that has none.
		for a := range listed {
			if !listed[a] {
				c.actionsUnsure[a] = true
			}
		}
	}
	// An actor with nothing listed for a state has the single action
	// "none" there, so that passive sides need no boilerplate.
	sc.Avail = make([][][]int, nS)
	for s := range sc.States {
		if sc.States[s].Terminal {
			sc.Avail[s] = nil
			continue
		}
		sc.Avail[s] = make([][]int, nA)
		for a := range sc.Actors {
			l := lists[a][s]
			if l == nil {
				l = star[a]
			}
			if l == nil {
				l = []posName{{name: "none"}}
				if _, ok := c.actionIndex[a]["none"]; !ok {
					c.actionIndex[a]["none"] = len(sc.Actions[a])
					sc.Actions[a] = append(sc.Actions[a], "none")
				}
			}
			av := make([]int, len(l))
			for i, x := range l {
				av[i] = c.actionIndex[a][x.name]
			}
			sc.Avail[s][a] = av
		}
	}
	total := 0
	for s := range sc.States {
		n := 1
		for _, av := range sc.Avail[s] {
			n *= len(av)
			if n > maxJointTotal {
				break
			}
		}
		total += n
		if total > maxJointTotal {
			c.d.errorf(e.kpos, "fewer actions per state or fewer states", "more than %d joint actions in all", maxJointTotal)
			return
		}
	}
}

// actionList reads a state's actions: names, or {id: NAME, description:
// ...} entries that say what an action stands for.
func (c *compiler) actionList(a int, n ast.Node, at Pos) ([]posName, bool) {
	seq, isSeq := n.(*ast.SequenceNode)
	if !isSeq {
		return c.names(n, "action", at)
	}
	var out []posName
	good := true
	for _, v := range seq.Values {
		v = c.resolve(v)
		if _, kind := scalarText(v); kind != "" && kind != "null" {
			nm, p, ok := c.name(v, "action", posOf(v))
			if ok {
				out = append(out, posName{nm, p})
			} else {
				good = false
			}
			continue
		}
		kvs, ok := c.mapping(v, "an action", posOf(v))
		if !ok {
			good = false
			continue
		}
		c.checkKeys(kvs, "action", withInfo("id")...)
		var id *kv
		for i := range kvs {
			if kvs[i].key == "id" {
				id = &kvs[i]
			}
		}
		if id == nil {
			c.d.errorf(posOf(v), "add `id: NAME`", "action without id")
			good = false
			continue
		}
		nm, p, ok := c.name(id.val, "action", id.kpos)
		if !ok {
			good = false
			continue
		}
		if info := c.info(kvs); info != (Info{}) {
			c.sc.ActionInfo[a][nm] = info
		}
		out = append(out, posName{nm, p})
	}
	if len(out) == 0 && good {
		c.d.errorf(posOf(n), "", "action: empty list")
		return nil, false
	}
	return out, good
}

// when reads `when`/`after`: actor -> action or list of actions. states,
// when given, are where the condition is tested: an action none of them
// offers is an error because the rule could never match through it.
func (c *compiler) conds(n ast.Node, what string, at Pos, states []int) ([]cond, bool) {
	kvs, ok := c.mapping(n, what, at)
	if !ok {
		return nil, false
	}
	var out []cond
	for _, ak := range kvs {
		if ak.key == "step" && what == "when" && c.stepOK {
			if sc := c.parseStepCond(ak.val, ak.kpos); sc != nil {
				out = append(out, cond{actor: -1, step: sc, pos: ak.kpos})
			} else {
				ok = false
			}
			continue
		}
		if ak.key == "step" {
			c.d.errorf(ak.kpos, "a condition on the step goes in the when of a transition, payoff or strategy rule: when: {step: \">= 26\"}", "`step` cannot be a condition here (%s)", what)
			ok = false
			continue
		}
		a, ok2 := c.lookupActor(ak.key, ak.kpos)
		if !ok2 {
			ok = false
			continue
		}
		acts, ok2 := c.names(ak.val, "action", ak.kpos)
		if !ok2 {
			ok = false
			continue
		}
		cd := cond{actor: a, pos: ak.kpos}
		for _, x := range acts {
			i, ok2 := c.lookupAction(a, x.name, x.pos)
			if !ok2 {
				ok = false
				continue
			}
			if states != nil && !c.actionsUnsure[a] && !c.availSomewhere(a, i, states) {
				c.d.errorf(x.pos, "available there: "+c.availList(a, states[0]), "%s cannot %q in %s", c.actorNames[a], x.name, c.describeStates(states))
				ok = false
				continue
			}
			cd.actions = append(cd.actions, i)
		}
		out = append(out, cd)
	}
	return out, ok
}

func (c *compiler) availSomewhere(a, act int, states []int) bool {
	for _, s := range states {
		if c.sc.States[s].Terminal {
			continue
		}
		for _, x := range c.sc.Avail[s][a] {
			if x == act {
				return true
			}
		}
	}
	return false
}

func (c *compiler) availIn(a, act, s int) bool {
	for _, x := range c.sc.Avail[s][a] {
		if x == act {
			return true
		}
	}
	return false
}

func (c *compiler) availList(a, s int) string {
	if c.sc.States[s].Terminal {
		return "nothing (terminal)"
	}
	var names []string
	for _, x := range c.sc.Avail[s][a] {
		names = append(names, c.sc.Actions[a][x])
	}
	return strings.Join(names, ", ")
}

func (c *compiler) describeStates(states []int) string {
	if len(states) == 1 {
		return fmt.Sprintf("state %q", c.stateNames[states[0]])
	}
	var names []string
	for _, s := range states {
		names = append(names, c.stateNames[s])
	}
	return "states " + strings.Join(quoteAll(names), ", ")
}

func (c *compiler) parseTransitions(e kv) {
	items, ok := c.sequence(e.val, "transitions")
	if !ok {
		return
	}
	for _, it := range items {
		c.perMember(it, "from", false, func() { c.parseTransition(it) })
	}
}

// parseTransition reads one transition rule (once per member for a
// family rule).
func (c *compiler) parseTransition(it ast.Node) {
	kvs, ok := c.mapping(it, "a transition rule", posOf(it))
	if !ok {
		return
	}
	c.checkKeys(kvs, "transition rule", withInfo("from", "when", "to", "else")...)
	r := &transRule{pos: posOf(it), other: -1}
	get := map[string]kv{}
	for _, f := range kvs {
		get[f.key] = f
	}
	// A broken part of a rule does not stop the others from being
	// checked: with an unknown `from`, the `when` names and the `to`
	// probabilities are still read (the actions' availability, which
	// depends on `from`, is not judged), so one run reports every
	// independent mistake. A rule with errors is kept only for the
	// draw checks of its probabilities; the file is rejected anyway.
	var from []int
	fromOK := true
	if f, ok := get["from"]; ok {
		from, fromOK = c.stateSet(f.val, "from", f.kpos, false)
	} else {
		from = c.nonTerminal()
	}
	r.from = from
	if f, ok := get["when"]; ok {
		var at []int
		if fromOK {
			at = from
		}
		r.when, _ = c.conds(f.val, "when", f.kpos, at)
	}
	if f, ok := get["to"]; ok {
		tos, ok := c.mapping(f.val, "to", f.kpos)
		if !ok && tos == nil {
			return
		}
		for _, t := range tos {
			s, ok := c.lookupState(t.key, t.kpos)
			if !ok {
				continue
			}
			if x := c.num(t.val, "probability", t.kpos); x != nil {
				r.to = append(r.to, target{state: s, p: x})
			}
		}
	}
	if f, ok := get["else"]; ok {
		nm, p, ok := c.name(f.val, "else", f.kpos)
		if ok {
			if s, ok := c.lookupState(nm, p); ok {
				r.other = s
			}
		}
	}
	c.sc.trans = append(c.sc.trans, r)
}

func (c *compiler) parsePayoffs(e kv) {
	items, ok := c.sequence(e.val, "payoffs")
	if !ok {
		return
	}
	for _, it := range items {
		c.perMember(it, "in", true, func() { c.parsePayoff(it) })
	}
}

// parsePayoff reads one payoff rule (once per member for a family rule).
func (c *compiler) parsePayoff(it ast.Node) {
	kvs, ok := c.mapping(it, "a payoff rule", posOf(it))
	if !ok {
		return
	}
	r := &payRule{pos: posOf(it)}
	get := map[string]kv{}
	for _, f := range kvs {
		get[f.key] = f
	}
	// As for transitions, a broken `in` or `when` does not stop the
	// payoffs themselves from being checked.
	inOK := true
	if f, ok := get["in"]; ok {
		r.in, inOK = c.stateSet(f.val, "in", f.kpos, true)
	} else {
		r.in = c.nonTerminal()
	}
	if f, ok := get["when"]; ok {
		for _, s := range r.in {
			if c.sc.States[s].Terminal {
				c.d.errorf(f.kpos, "terminal payoffs are paid on entry, whatever was played; use a separate rule", "`when` in a payoff rule for terminal state %q", c.stateNames[s])
				ok = false
				break
			}
		}
		if ok {
			var at []int
			if inOK {
				at = r.in
			}
			r.when, _ = c.conds(f.val, "when", f.kpos, at)
		}
	}
	allowed := withInfo("in", "when")
	for _, f := range kvs {
		if contains(allowed, f.key) {
			continue
		}
		a, isActor := c.actorIndex[f.key]
		if !isActor {
			c.d.errorf(f.kpos, suggest(f.key, append(append([]string(nil), c.actorNames...), "in", "when")), "unknown actor %q in payoff rule", f.key)
			continue
		}
		comps, ok := c.mapping(f.val, "payoffs of "+f.key, f.kpos)
		if !ok {
			continue
		}
		for _, ck := range comps {
			ci, ok := c.compIndex[ck.key]
			if !ok {
				c.d.errorf(ck.kpos, suggest(ck.key, c.compNames), "unknown payoff component %q", ck.key)
				continue
			}
			if x := c.num(ck.val, "payoff", ck.kpos); x != nil {
				if x.usesStep {
					for _, s := range r.in {
						if c.sc.States[s].Terminal {
							c.d.errorf(x.pos, "the worth of an ending is paid once on entry, whenever it comes; make the step matter in the transitions or flows before it",
								"a payoff on entering terminal state %q cannot depend on the step", c.stateNames[s])
							x = nil
							break
						}
					}
				}
				if x != nil {
					r.pays = append(r.pays, payEntry{actor: a, comp: ci, v: x})
				}
			}
		}
	}
	c.sc.pays = append(c.sc.pays, r)
}

// playDist reads a distribution over actions (action: weight, or a single
// action name for weight 1) and checks availability in states.
func (c *compiler) playDist(n ast.Node, a int, at Pos, states []int, what string) *playDist {
	pd := &playDist{pos: posOf(n), what: what}
	if isNull(n) {
		c.d.errorf(at, "write {action: probability, ...}", "%s: empty distribution", what)
		return nil
	}
	if nm, kind := scalarText(n); kind == "string" {
		i, ok := c.lookupAction(a, nm, posOf(n))
		if !ok {
			return nil
		}
		pd.ws = []weighted{{action: i, p: &expression{src: "1", pos: posOf(n), konst: true, val: 1}, pos: posOf(n)}}
	} else {
		kvs, ok := c.mapping(n, what, at)
		if !ok {
			return nil
		}
		if len(kvs) == 0 {
			c.d.errorf(at, "write {action: probability, ...}", "%s: empty distribution", what)
			return nil
		}
		for _, w := range kvs {
			i, ok2 := c.lookupAction(a, w.key, w.kpos)
			if !ok2 {
				ok = false
				continue
			}
			x := c.num(w.val, "probability", w.kpos)
			if x == nil {
				ok = false
				continue
			}
			pd.ws = append(pd.ws, weighted{action: i, p: x, pos: w.kpos})
		}
		if !ok {
			return nil
		}
	}
	good := true
	for _, w := range pd.ws {
		for _, s := range states {
			if c.actionsUnsure[a] {
				// Not judged: the lists are incomplete (reported where
				// they are written).
				good = false
				break
			}
			if !c.availIn(a, w.action, s) {
				c.d.errorf(w.pos, "available there: "+c.availList(a, s), "%s puts weight on %q, which %s cannot take in state %q", what, c.sc.Actions[a][w.action], c.actorNames[a], c.stateNames[s])
				good = false
				break
			}
		}
	}
	if !good {
		return nil
	}
	return pd
}

func (c *compiler) parseStrategies(e kv) {
	sc := c.sc
	sc.Strategies = make([][]StrategyDef, len(sc.Actors))
	c.stratIndex = make([]map[string]int, len(sc.Actors))
	c.brokenStrats = make([]map[string]bool, len(sc.Actors))
	for a := range c.stratIndex {
		c.stratIndex[a] = map[string]int{}
		c.brokenStrats[a] = map[string]bool{}
	}
	kvs, ok := c.mapping(e.val, "strategies", e.kpos)
	if !ok {
		return
	}
	for _, ak := range kvs {
		a, ok := c.lookupActor(ak.key, ak.kpos)
		if !ok {
			continue
		}
		named, ok := c.mapping(ak.val, "strategies of "+ak.key, ak.kpos)
		if !ok {
			continue
		}
		for _, sk := range named {
			st := c.parseStrategy(a, sk)
			if st == nil {
				c.brokenStrats[a][sk.key] = true
				continue
			}
			c.stratIndex[a][st.Name] = len(sc.Strategies[a])
			sc.Strategies[a] = append(sc.Strategies[a], *st)
		}
	}
}

func (c *compiler) parseStrategy(a int, sk kv) *StrategyDef {
	sc := c.sc
	actor := c.actorNames[a]
	st := &StrategyDef{Name: sk.key, Pos: sk.kpos, base: make([]*playDist, len(sc.States))}
	body, ok := c.mapping(sk.val, fmt.Sprintf("strategy %q of %s", sk.key, actor), sk.kpos)
	if !ok {
		return nil
	}
	st.Info = c.info(body)
	var starKV *kv
	good := true
	for i := range body {
		f := body[i]
		switch {
		case contains(infoKeys, f.key):
		case f.key == "rules":
		case f.key == "*":
			starKV = &body[i]
		default:
			if bs, ok := c.bindingsOf(f.key, f.kpos, false); !ok {
				good = false
				continue
			} else if bs != nil {
				// A family's members, each with its index bound.
				c.eachMember(bs, func() {
					s, _ := c.lookupState(f.key, f.kpos)
					pd := c.playDist(f.val, a, f.kpos, []int{s}, fmt.Sprintf("strategy %q of %s in state %q", sk.key, actor, c.stateNames[s]))
					if pd == nil {
						good = false
						return
					}
					st.base[s] = pd
				})
				continue
			}
			s, ok := c.stateIndex[f.key]
			if !ok {
				cands := append(append([]string{"*", "rules"}, c.stateNames...), infoKeys...)
				c.d.errorf(f.kpos, suggest(f.key, cands), "unknown state %q in strategy %q of %s", f.key, sk.key, actor)
				good = false
				continue
			}
			if sc.States[s].Terminal {
				c.d.errorf(f.kpos, "a terminal state ends the process", "strategy %q of %s: state %q is terminal", sk.key, actor, f.key)
				good = false
				continue
			}
			pd := c.playDist(f.val, a, f.kpos, []int{s}, fmt.Sprintf("strategy %q of %s in state %q", sk.key, actor, f.key))
			if pd == nil {
				good = false
				continue
			}
			st.base[s] = pd
		}
	}
	if starKV != nil {
		var states []int
		for _, s := range c.nonTerminal() {
			if st.base[s] == nil {
				states = append(states, s)
			}
		}
		pd := c.playDist(starKV.val, a, starKV.kpos, states, fmt.Sprintf("strategy %q of %s (\"*\")", sk.key, actor))
		if pd == nil {
			good = false
		}
		st.star = pd
	}
	// States the strategy leaves open: fine when the actor has a single
	// action there (it is played), an error otherwise.
	if st.star == nil && good {
		for _, s := range c.nonTerminal() {
			if st.base[s] == nil && len(sc.Avail[s][a]) > 1 {
				c.d.errorf(sk.kpos, fmt.Sprintf("add \"*\": {...} or an entry for %s", c.stateNames[s]), "strategy %q of %s says nothing about state %q", sk.key, actor, c.stateNames[s])
				good = false
			}
		}
	}
	for _, f := range body {
		if f.key != "rules" {
			continue
		}
		items, ok := c.sequence(f.val, "rules")
		if !ok {
			good = false
			continue
		}
		for _, it := range items {
			c.perMember(it, "in", false, func() {
				r := c.parseStratRule(a, sk.key, it)
				if r == nil {
					good = false
					return
				}
				st.rules = append(st.rules, r)
			})
		}
	}
	if !good {
		// The parts that were read are still checked on the draws, so a
		// strategy with an unknown state does not hide a distribution
		// elsewhere in it that does not sum to 1.
		if st.star != nil {
			c.partialDists = append(c.partialDists, st.star)
		}
		for _, pd := range st.base {
			if pd != nil {
				c.partialDists = append(c.partialDists, pd)
			}
		}
		for _, r := range st.rules {
			c.partialDists = append(c.partialDists, r.play)
		}
		return nil
	}
	return st
}

func (c *compiler) parseStratRule(a int, strat string, it ast.Node) *stratRule {
	actor := c.actorNames[a]
	kvs, ok := c.mapping(it, "a strategy rule", posOf(it))
	if !ok {
		return nil
	}
	c.checkKeys(kvs, "strategy rule", withInfo("in", "after", "when", "play")...)
	r := &stratRule{pos: posOf(it)}
	get := map[string]kv{}
	for _, f := range kvs {
		get[f.key] = f
	}
	// A broken `in` or `after` does not stop `play` from being checked;
	// the rule is dropped afterwards (its play kept for the draw checks).
	good := true
	if f, ok := get["in"]; ok {
		r.in, ok = c.stateSet(f.val, "in", f.kpos, false)
		good = good && ok
	} else {
		r.in = c.nonTerminal()
	}
	if f, ok := get["after"]; ok {
		cs, ok := c.conds(f.val, "after", f.kpos, nil)
		good = good && ok
		for _, cd := range cs {
			r.after = append(r.after, markovCond(cd))
		}
	}
	if f, ok := get["when"]; ok {
		cs, ok := c.conds(f.val, "when", f.kpos, nil)
		good = good && ok
		for _, cd := range cs {
			if cd.step == nil {
				c.d.errorf(cd.pos, "a strategy rule reacts to the previous step's actions in after: {"+c.actorNames[cd.actor]+": ...}", "`when` of a strategy rule takes only step")
				good = false
				continue
			}
			r.step = cd.step
		}
	}
	f, ok := get["play"]
	if !ok {
		c.d.errorf(r.pos, "add play: {action: probability}", "strategy rule without `play`")
		return nil
	}
	what := fmt.Sprintf("rule of strategy %q of %s", strat, actor)
	if !good {
		// Where the rule applies is unknown: judge only the actions'
		// names and the weights, not their availability.
		if pd := c.playDist(f.val, a, f.kpos, nil, what); pd != nil {
			c.partialDists = append(c.partialDists, pd)
		}
		return nil
	}
	if _, given := get["in"]; given {
		r.play = c.playDist(f.val, a, f.kpos, r.in, what)
		if r.play == nil {
			return nil
		}
		return r
	}
	// Without `in`, the rule applies wherever the actor can play every
	// action it names.
	r.play = c.playDist(f.val, a, f.kpos, nil, what)
	if r.play == nil {
		return nil
	}
	if c.actionsUnsure[a] {
		// Where it applies cannot be judged on incomplete action lists.
		c.partialDists = append(c.partialDists, r.play)
		return nil
	}
	var where []int
	for _, s := range r.in {
		all := true
		for _, w := range r.play.ws {
			all = all && c.availIn(a, w.action, s)
		}
		if all {
			where = append(where, s)
		}
	}
	if len(where) == 0 {
		c.d.errorf(f.kpos, "check the actions listed for "+actor, "%s plays actions that %s cannot take together in any state", what, actor)
		return nil
	}
	r.in = where
	return r
}

var solveKinds = []string{"markov-perfect"}

func (c *compiler) parseProfiles(e kv) {
	sc := c.sc
	c.profileIndex = map[string]int{}
	c.brokenProfiles = map[string]bool{}
	kvs, ok := c.mapping(e.val, "profiles", e.kpos)
	if !ok {
		return
	}
	for _, pk := range kvs {
		// The format's shorthand: a profile written `equilibrium` (or
		// `markov-perfect`) is {solve: markov-perfect}.
		if nm, kind := scalarText(pk.val); kind == "string" && (nm == "equilibrium" || nm == "markov-perfect") {
			if !c.solvable(pk) {
				c.brokenProfiles[pk.key] = true
				continue
			}
			c.profileIndex[pk.key] = len(sc.Profiles)
			sc.Profiles = append(sc.Profiles, ProfileDef{Name: pk.key, Pos: pk.kpos, Solve: "markov-perfect"})
			continue
		}
		body, ok := c.mapping(pk.val, "profile "+pk.key, pk.kpos)
		if !ok {
			c.brokenProfiles[pk.key] = true
			c.d.list[len(c.d.list)-1].Hint = "write {ACTOR: STRATEGY, ...}, or {solve: markov-perfect}"
			continue
		}
		pd := ProfileDef{Name: pk.key, Pos: pk.kpos, Info: c.info(body)}
		good := true
		var solveKV *kv
		for i, f := range body {
			if f.key == "solve" {
				solveKV = &body[i]
			}
		}
		if solveKV != nil {
			nm, p, ok := c.name(solveKV.val, "solve", solveKV.kpos)
			if ok && !contains(solveKinds, nm) {
				c.d.errorf(p, suggest(nm, solveKinds), "unknown equilibrium kind %q", nm)
				ok = false
			}
			for _, f := range body {
				if f.key != "solve" && !contains(infoKeys, f.key) {
					c.d.errorf(f.kpos, "an equilibrium profile is computed; remove the strategies or the `solve`", "profile %q has both `solve` and strategies", pk.key)
					ok = false
				}
			}
			if ok && !c.solvable(pk) {
				ok = false
			}
			if !ok {
				c.brokenProfiles[pk.key] = true
				continue
			}
			pd.Solve = nm
		} else {
			pd.Strategies = make([]int, len(sc.Actors))
			for i := range pd.Strategies {
				pd.Strategies[i] = -1
			}
			for _, f := range body {
				if contains(infoKeys, f.key) {
					continue
				}
				a, ok := c.actorIndex[f.key]
				if !ok {
					c.d.errorf(f.kpos, suggest(f.key, append(append([]string(nil), c.actorNames...), "solve")), "unknown actor %q in profile %q", f.key, pk.key)
					good = false
					continue
				}
				nm, p, ok := c.name(f.val, "strategy", f.kpos)
				if !ok {
					good = false
					continue
				}
				si, ok := c.stratIndex[a][nm]
				if !ok && c.brokenStrats[a][nm] {
					good = false
					continue
				}
				if !ok {
					var cands []string
					for _, s := range sc.Strategies[a] {
						cands = append(cands, s.Name)
					}
					hint := suggest(nm, cands)
					if len(cands) == 0 {
						hint = fmt.Sprintf("define it under strategies: %s:", f.key)
					}
					c.d.errorf(p, hint, "unknown strategy %q of %s", nm, f.key)
					good = false
					continue
				}
				pd.Strategies[a] = si
			}
			for a, si := range pd.Strategies {
				if si < 0 && good && c.passive(a) {
					pd.Strategies[a] = c.implicitStrategy(a)
					continue
				}
				if si < 0 && good {
					c.d.errorf(pk.kpos, fmt.Sprintf("add %s: STRATEGY", c.actorNames[a]), "profile %q gives no strategy for actor %s", pk.key, c.actorNames[a])
					good = false
				}
			}
		}
		if !good {
			c.brokenProfiles[pk.key] = true
			continue
		}
		c.profileIndex[pk.key] = len(sc.Profiles)
		sc.Profiles = append(sc.Profiles, pd)
	}
}

// solvable reports whether an equilibrium profile can be computed: a
// stationary equilibrium weighs an unbounded future, so every actor needs
// a discount below 1.
func (c *compiler) solvable(pk kv) bool {
	for a := range c.sc.Actors {
		if x := c.sc.Actors[a].disc; x != nil && x.konst && x.val >= 1 {
			c.d.errorf(pk.kpos, "give every actor a discount below 1, or study given strategies",
				"profile %q: a Markov-perfect equilibrium needs every discount below 1, and %s is undiscounted (discount 1)", pk.key, c.actorNames[a])
			return false
		}
	}
	return true
}

// passive reports whether actor a has a single action in every state, so
// that it needs no strategy.
func (c *compiler) passive(a int) bool {
	if len(c.sc.Avail) != len(c.sc.States) {
		return false
	}
	for s, st := range c.sc.States {
		if !st.Terminal && len(c.sc.Avail[s][a]) != 1 {
			return false
		}
	}
	return true
}

// implicitStrategy returns the index of the strategy of a passive actor
// that plays its only action, adding it (named "only") on first use.
func (c *compiler) implicitStrategy(a int) int {
	if i, ok := c.stratIndex[a]["only"]; ok {
		return i
	}
	sc := c.sc
	c.stratIndex[a]["only"] = len(sc.Strategies[a])
	sc.Strategies[a] = append(sc.Strategies[a], StrategyDef{Name: "only", base: make([]*playDist, len(sc.States))})
	return c.stratIndex[a]["only"]
}

// defaultProfile adds the profile "default" to a file without `profiles`
// when it is unambiguous: every actor has exactly one strategy or is
// passive.
func (c *compiler) defaultProfile() {
	if c.d.hasErrors() {
		// References to "default" would only repeat the errors above.
		c.brokenProfiles["default"] = true
		return
	}
	sc := c.sc
	pd := ProfileDef{Name: "default", Pos: Pos{1, 1}, Strategies: make([]int, len(sc.Actors))}
	for a := range sc.Actors {
		switch {
		case len(sc.Strategies[a]) == 1:
			pd.Strategies[a] = 0
		case len(sc.Strategies[a]) == 0 && c.passive(a):
			pd.Strategies[a] = c.implicitStrategy(a)
		default:
			return
		}
	}
	c.profileIndex[pd.Name] = len(sc.Profiles)
	sc.Profiles = append(sc.Profiles, pd)
}

func markovCond(cd cond) markov.Cond {
	return markov.Cond{Actor: cd.actor, Actions: append([]int(nil), cd.actions...)}
}
