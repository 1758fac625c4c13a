// Package conflictfile reads graph-model conflict files (`kind:
// graph-model`): decision makers with yes/no options, infeasible
// combinations, irreversible moves and preferences, in YAML with
// file:line:col diagnostics like scenario files.
//
// It builds a gmcr.Conflict; the analysis lives in package gmcr.
package conflictfile

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/goccy/go-yaml/ast"
	"github.com/truce-dev/truce/gmcr"
	"github.com/truce-dev/truce/internal/yamlread"
	"github.com/truce-dev/truce/scenario"
)

// Kind is the value of the `kind` key that marks a conflict file.
const Kind = "graph-model"

// MaxFileSize is the largest conflict file Parse reads, as for scenarios.
const MaxFileSize = scenario.MaxFileSize

// File is a parsed conflict file.
type File struct {
	Conflict *gmcr.Conflict
	Source   string
	// Priorities[d] are decision maker d's priority statements, most
	// important first, when its preferences were given that way (inverse
	// analysis can reorder them); nil otherwise.
	Priorities [][]*gmcr.Formula
	// Given[d] says whether d's preferences are in the file; a decision
	// maker without them takes them from the bridge's scenario.
	Given []bool
	// StatusQuo is the index of the status-quo state, or -1.
	StatusQuo int
	Bridge    *Bridge
}

// Bridge ties the conflict to a Markov-game scenario: which scenario state
// each conflict state stands for, and which actor each decision maker is.
type Bridge struct {
	Scenario   string // path, relative to the conflict file's folder
	ScenarioAt scenario.Pos
	Actors     []string // per decision maker
	ActorsAt   []scenario.Pos
	Outcomes   []Outcome // first match wins
	// LongRun also ranks non-terminal scenario states (by the actor's
	// equilibrium value from that state); otherwise only terminal states
	// are ranked and conflict states that map to others are left unranked.
	LongRun bool
	// Unmapped lists the scenario states no conflict state stands for, each
	// with the reason, so that the comparison can say why and a scenario
	// state that is neither mapped nor listed stands out.
	Unmapped []Unmapped
}

// Unmapped is a scenario state (or a family: "ceasefire" for every
// "ceasefire[i]") that no conflict state stands for, and why.
type Unmapped struct {
	State  string
	Reason string
	At     scenario.Pos // of the state name
}

// Outcome maps the conflict states where When holds to a scenario state.
type Outcome struct {
	When  *gmcr.Formula
	State string
	At    scenario.Pos // of the state name
}

var topKeys = []string{"truce", "kind", "name", "title", "description", "source", "decision_makers",
	"infeasible", "preferences", "status_quo", "bridge"}

var idRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })

// Parse reads a conflict file. It returns the file, or nil and the
// diagnostics (errors with file:line:col and hints) when it has errors.
func Parse(ctx context.Context, filename string, src []byte) (f *File, diags []scenario.Diagnostic) {
	r := &reader{file: filename, anchors: map[string]ast.Node{}}
	defer func() {
		if p := recover(); p != nil {
			r.errorf(pos{1, 1}, "please report this as a bug in truce", "internal error while reading the conflict: %v", p)
			f, diags = nil, r.sorted()
		}
	}()
	if len(src) > MaxFileSize {
		r.errorf(pos{1, 1}, "", "file too large (%d bytes, limit %d)", len(src), MaxFileSize)
		return nil, r.sorted()
	}
	// The same guard as scenario files: the YAML parser's cost grows with
	// the square of the nesting, so the text is measured first.
	if p, docs, ok := scenario.ScanYAML(src, scenario.MaxNesting); !ok {
		if docs > 1 {
			r.errorf(pos{p.Line, p.Col}, "put one conflict per file", "more than one YAML document")
		} else {
			r.errorf(pos{p.Line, p.Col}, "a conflict file needs a few levels; check the indentation and brackets", "the YAML nests more than %d levels deep", scenario.MaxNesting)
		}
		return nil, r.sorted()
	}
	body, err := yamlread.Parse(src)
	if err != nil {
		var ye *yamlread.Error
		switch {
		case !errors.As(err, &ye):
			r.errorf(pos{1, 1}, "", "invalid YAML: %v", err)
		case ye.Msg == "more than one YAML document":
			r.errorf(pos{ye.Line, ye.Col}, "put one conflict per file", "%s", ye.Msg)
		case strings.HasPrefix(ye.Msg, "unknown alias"):
			r.errorf(pos{ye.Line, ye.Col}, "", "%s", ye.Msg)
		default:
			r.errorf(pos{ye.Line, ye.Col}, "", "invalid YAML: %s", ye.Msg)
		}
		return nil, r.sorted()
	}
	if body == nil {
		r.errorf(pos{1, 1}, "start with `truce: 1` and `kind: graph-model`", "empty conflict file")
		return nil, r.sorted()
	}
	ast.Walk(anchorVisitor(r.anchors), body)
	f = r.file_(ctx, body)
	if r.failed() {
		return nil, r.sorted()
	}
	return f, r.sorted()
}

func (r *reader) sorted() []scenario.Diagnostic {
	out := append([]scenario.Diagnostic(nil), r.diags...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Col < out[j].Col
	})
	return out
}

// builder holds what the reader learnt so far.
type builder struct {
	r       *reader
	dms     []gmcr.DecisionMaker
	options []gmcr.Option
	optAt   []pos
	byName  map[string]int // option id and DM.id -> option
	rules   []rule
}

// rule is one infeasibility rule: states where f holds are infeasible.
type rule struct {
	f  *gmcr.Formula
	at pos
}

func (r *reader) file_(ctx context.Context, body ast.Node) *File {
	top, ok := r.mapping(body, "the conflict file")
	if !ok {
		return nil
	}
	r.checkKeys(top, "the conflict file", topKeys...)
	get := map[string]entry{}
	for _, e := range top {
		get[e.key] = e
	}
	if e, ok := get["truce"]; !ok {
		r.errorf(pos{1, 1}, "add `truce: 1` as the first line", "missing format version `truce`")
	} else if v, ok := r.integer(e.val, "truce (format version)"); ok && v != 1 {
		r.errorf(posOf(e.val), "this truce reads version 1", "unsupported format version %d", v)
	}
	if e, ok := get["kind"]; !ok {
		r.errorf(pos{1, 1}, "add `kind: graph-model`; without it the file is read as a scenario", "missing `kind`")
	} else if k, _ := scalar(e.val); k != Kind {
		r.errorf(posOf(e.val), `conflict files say kind: graph-model; scenarios have no kind`, "unknown kind %q", k)
	}
	b := &builder{r: r, byName: map[string]int{}}
	spec := gmcr.Spec{}
	if e, ok := get["name"]; ok {
		spec.Name, _ = r.name(e.val, "name", e.at)
	}
	if e, ok := get["title"]; ok {
		spec.Title = r.text(e.val, "title")
	}
	if e, ok := get["description"]; ok {
		spec.Description = r.text(e.val, "description")
	}
	f := &File{StatusQuo: -1}
	if e, ok := get["source"]; ok {
		f.Source = r.text(e.val, "source")
	}
	e, ok := get["decision_makers"]
	if !ok {
		r.errorf(pos{1, 1}, "list them under decision_makers:, each with its options", "missing `decision_makers`")
		return nil
	}
	if !b.decisionMakers(e) || r.failed() {
		return nil
	}
	if e, ok := get["infeasible"]; ok {
		b.infeasible(e)
	}
	if r.failed() {
		return nil
	}
	spec.DMs, spec.Options = b.dms, b.options
	spec.Infeasible = func(code uint64) bool {
		for _, ru := range b.rules {
			if ru.f.Eval(code) {
				return true
			}
		}
		return false
	}
	c, err := gmcr.New(ctx, spec)
	if err != nil {
		at := pos{1, 1}
		if e, ok := get["infeasible"]; ok {
			at = e.at
		}
		r.errorf(at, "", "%v", err)
		return nil
	}
	f.Conflict = c
	f.Priorities = make([][]*gmcr.Formula, len(c.DMs))
	f.Given = make([]bool, len(c.DMs))
	if e, ok := get["preferences"]; ok {
		b.preferences(c, f, e)
	}
	if e, ok := get["status_quo"]; ok {
		f.StatusQuo, _ = b.oneState(c, e.val, "status_quo")
	}
	if e, ok := get["bridge"]; ok {
		f.Bridge = b.bridge(c, e)
	}
	if r.failed() {
		return nil
	}
	for d, given := range f.Given {
		if !given && f.Bridge == nil {
			at := pos{1, 1}
			if e, ok := get["preferences"]; ok {
				at = e.at
			}
			r.errorf(at, "give priorities: or ranking: for it, or a bridge: to a scenario that ranks the states", "no preferences for decision maker %s", c.DMs[d].ID)
		}
	}
	return f
}

func (b *builder) decisionMakers(e entry) bool {
	r := b.r
	items, ok := r.sequence(e.val, "decision_makers")
	if !ok {
		return false
	}
	if len(items) < 2 {
		r.errorf(e.at, "a conflict has at least two decision makers", "%d decision makers", len(items))
		return false
	}
	seenDM := map[string]pos{}
	for _, it := range items {
		m, ok := r.mapping(it, "a decision maker")
		if !ok {
			continue
		}
		r.checkKeys(m, "a decision maker", "id", "label", "description", "options")
		var dm gmcr.DecisionMaker
		var optsEntry *entry
		at := posOf(it)
		for i := range m {
			switch m[i].key {
			case "id":
				dm.ID, _ = r.name(m[i].val, "decision maker id", m[i].at)
				at = posOf(m[i].val)
			case "label":
				dm.Label = r.text(m[i].val, "label")
			case "options":
				optsEntry = &m[i]
			}
		}
		if dm.ID == "" {
			r.errorf(at, "give it an id such as US", "decision maker without an id")
			continue
		}
		if !idRE().MatchString(dm.ID) {
			r.errorf(at, "use letters, digits and _ (starting with a letter)", "decision maker id %q is not a plain name", dm.ID)
		}
		if first, dup := seenDM[dm.ID]; dup {
			r.errorf(at, fmt.Sprintf("first given at line %d", first.line), "duplicate decision maker %q", dm.ID)
			continue
		}
		seenDM[dm.ID] = at
		d := len(b.dms)
		if optsEntry == nil {
			r.errorf(at, "every decision maker controls at least one yes/no option", "decision maker %s has no options", dm.ID)
		} else {
			opts, _ := r.sequence(optsEntry.val, "options")
			if len(opts) == 0 && !isNull(optsEntry.val) {
				r.errorf(optsEntry.at, "", "decision maker %s has no options", dm.ID)
			}
			for _, o := range opts {
				if k, ok := b.option(o, dm.ID, d); ok {
					dm.Options = append(dm.Options, k)
				}
			}
		}
		b.dms = append(b.dms, dm)
	}
	if len(b.options) > gmcr.MaxOptions {
		r.errorf(e.at, "merge options, or model part of the conflict separately", "%d options: the limit is %d (2^%d states before feasibility)", len(b.options), gmcr.MaxOptions, gmcr.MaxOptions)
	}
	if len(b.dms) > gmcr.MaxDecisionMakers {
		r.errorf(e.at, "", "%d decision makers: the limit is %d", len(b.dms), gmcr.MaxDecisionMakers)
	}
	return !r.failed()
}

func (b *builder) option(n ast.Node, dmID string, d int) (int, bool) {
	r := b.r
	var o gmcr.Option
	at := posOf(n)
	if s, kind := scalar(n); kind == "string" {
		o.ID = strings.TrimSpace(s)
	} else {
		m, ok := r.mapping(n, "an option")
		if !ok {
			return 0, false
		}
		r.checkKeys(m, "an option", "id", "label", "description", "irreversible")
		for _, e := range m {
			switch e.key {
			case "id":
				o.ID, _ = r.name(e.val, "option id", e.at)
				at = posOf(e.val)
			case "label":
				o.Label = r.text(e.val, "label")
			case "irreversible":
				v, _ := scalar(e.val)
				switch strings.ToLower(v) {
				case "false", "no":
					o.Direction = gmcr.Reversible
				case "true", "yes", "take-only":
					o.Direction = gmcr.TakeOnly
				case "withdraw-only":
					o.Direction = gmcr.WithdrawOnly
				default:
					r.errorf(posOf(e.val), "true (once taken it cannot be withdrawn), withdraw-only (once withdrawn it cannot be taken again) or false", "unknown irreversible value %q", v)
				}
			}
		}
	}
	if o.ID == "" {
		r.errorf(at, "write the option's id, e.g. strike", "option without an id")
		return 0, false
	}
	if !idRE().MatchString(o.ID) {
		r.errorf(at, "use letters, digits and _ (starting with a letter); put prose in label:", "option id %q is not a plain name", o.ID)
		return 0, false
	}
	if k, dup := b.byName[o.ID]; dup {
		r.errorf(at, fmt.Sprintf("first given at line %d; option ids are unique across the conflict", b.optAt[k].line), "duplicate option %q", o.ID)
		return 0, false
	}
	o.DM = d
	k := len(b.options)
	b.options = append(b.options, o)
	b.optAt = append(b.optAt, at)
	b.byName[o.ID] = k
	b.byName[dmID+"."+o.ID] = k
	return k, true
}

// formula reads a statement from a scalar node, mapping errors inside it to
// the file's line and column.
func (b *builder) formula(n ast.Node, what string) (*gmcr.Formula, bool) {
	r := b.r
	var src string
	switch s, kind := scalar(n); kind {
	case "string":
		src = s
	case "int":
		src = s // an option number
	case "bool":
		src = s
	default:
		r.errorf(posOf(n), `write a statement such as "strike & !hormuz"`, "%s must be a statement about options", what)
		return nil, false
	}
	names := make([]string, 0, len(b.options))
	for _, o := range b.options {
		names = append(names, o.ID)
	}
	f, err := gmcr.ParseFormula(src, len(b.options), func(name string) (int, bool) {
		k, ok := b.byName[name]
		return k, ok
	})
	if err != nil {
		var fe *gmcr.FormulaError
		at := textStart(n)
		msg, hint := err.Error(), ""
		if errors.As(err, &fe) {
			if !strings.Contains(src[:min(fe.Offset, len(src))], "\n") {
				at.col += len([]rune(src[:min(fe.Offset, len(src))]))
			}
			msg, hint = fe.Msg, fe.Hint
			if strings.HasPrefix(msg, "unknown option") {
				word := strings.TrimSuffix(strings.TrimPrefix(msg, `unknown option "`), `"`)
				hint = suggest(word, names)
			}
		}
		r.errorf(at, hint, "%s: %s", what, msg)
		return nil, false
	}
	return f, true
}

// optionList reads a list of option names for a set rule.
func (b *builder) optionList(e entry) []int {
	r := b.r
	items, ok := r.sequence(e.val, e.key)
	if !ok {
		return nil
	}
	if len(items) < 2 {
		r.errorf(e.at, "", "%s needs at least two options", e.key)
		return nil
	}
	var out []int
	names := make([]string, 0, len(b.options))
	for _, o := range b.options {
		names = append(names, o.ID)
	}
	for _, it := range items {
		s, kind := scalar(it)
		k, ok := b.byName[strings.TrimSpace(s)]
		if kind != "string" || !ok {
			r.errorf(posOf(it), suggest(s, names), "unknown option %q in %s", s, e.key)
			continue
		}
		out = append(out, k)
	}
	return out
}

var ruleKeys = []string{"mutually_exclusive", "at_least_one", "exactly_one", "requires", "never", "label", "description"}

// infeasible reads the rules that rule out states. Each becomes a formula
// that holds in the states it removes.
func (b *builder) infeasible(e entry) {
	r := b.r
	items, ok := r.sequence(e.val, "infeasible")
	if !ok {
		return
	}
	for _, it := range items {
		if _, kind := scalar(it); kind == "string" {
			if f, ok := b.formula(it, "infeasible"); ok {
				b.rules = append(b.rules, rule{f, posOf(it)})
			}
			continue
		}
		m, ok := r.mapping(it, "an infeasibility rule")
		if !ok {
			continue
		}
		r.checkKeys(m, "an infeasibility rule", ruleKeys...)
		n := 0
		for _, x := range m {
			switch x.key {
			case "mutually_exclusive", "at_least_one", "exactly_one":
				n++
				opts := b.optionList(x)
				if len(opts) < 2 {
					continue
				}
				for _, code := range setRules(x.key, opts) {
					b.rules = append(b.rules, rule{code, x.at})
				}
			case "never":
				n++
				if f, ok := b.formula(x.val, "never"); ok {
					b.rules = append(b.rules, rule{f, x.at})
				}
			case "requires":
				n++
				req, ok := r.mapping(x.val, "requires")
				if !ok {
					continue
				}
				r.checkKeys(req, "requires", "if", "then")
				var ifF, thenF *gmcr.Formula
				for _, y := range req {
					switch y.key {
					case "if":
						ifF, _ = b.formula(y.val, "requires: if")
					case "then":
						thenF, _ = b.formula(y.val, "requires: then")
					}
				}
				if ifF == nil || thenF == nil {
					if len(req) < 2 {
						r.errorf(x.at, "write requires: {if: OPTION, then: OPTION}", "requires needs both if and then")
					}
					continue
				}
				b.rules = append(b.rules, rule{gmcr.Violates(ifF, thenF), x.at})
			}
		}
		if n != 1 {
			r.errorf(posOf(it), "one of mutually_exclusive, at_least_one, exactly_one, requires or never", "an infeasibility rule needs exactly one condition, not %d", n)
		}
	}
}

// setRules turns a set rule over options into formulas that hold where the
// rule is broken.
func setRules(kind string, opts []int) []*gmcr.Formula {
	var out []*gmcr.Formula
	lit := func(o int) string { return fmt.Sprint(o + 1) }
	if kind == "mutually_exclusive" || kind == "exactly_one" {
		for i := range opts {
			for j := i + 1; j < len(opts); j++ {
				f, _ := gmcr.ParseFormula(lit(opts[i])+" & "+lit(opts[j]), gmcr.MaxOptions, func(string) (int, bool) { return 0, false })
				out = append(out, f)
			}
		}
	}
	if kind == "at_least_one" || kind == "exactly_one" {
		parts := make([]string, len(opts))
		for i, o := range opts {
			parts[i] = "!" + lit(o)
		}
		f, _ := gmcr.ParseFormula(strings.Join(parts, " & "), gmcr.MaxOptions, func(string) (int, bool) { return 0, false })
		out = append(out, f)
	}
	return out
}

// states reads one ranking entry: a code, a statement (every feasible state
// where it holds), or a list of those (a tie).
func (b *builder) states(c *gmcr.Conflict, n ast.Node, what string) ([]int, bool) {
	r := b.r
	switch x := n.(type) {
	case *ast.IntegerNode:
		v, ok := r.integer(x, what)
		if !ok {
			return nil, false
		}
		if v < 0 {
			r.errorf(posOf(n), "", "%s: state codes are not negative", what)
			return nil, false
		}
		s, ok := c.StateOf(uint64(v))
		if !ok {
			r.errorf(posOf(n), "codes add 2^k for each option k taken (the first option is 1); infeasible states cannot be ranked", "%s: %d is not a feasible state", what, v)
			return nil, false
		}
		return []int{s}, true
	case *ast.SequenceNode:
		var out []int
		good := true
		for _, v := range x.Values {
			v = r.resolve(v)
			if _, nested := v.(*ast.SequenceNode); nested {
				r.errorf(posOf(v), "a tie is one flat list", "%s: lists inside a tie", what)
				good = false
				continue
			}
			ss, ok := b.states(c, v, what)
			good = good && ok
			out = append(out, ss...)
		}
		return out, good
	}
	f, ok := b.formula(n, what)
	if !ok {
		return nil, false
	}
	var out []int
	for s, code := range c.Codes {
		if f.Eval(code) {
			out = append(out, s)
		}
	}
	return out, true
}

// oneState reads a state given by code or by a statement true in exactly
// one feasible state.
func (b *builder) oneState(c *gmcr.Conflict, n ast.Node, what string) (int, bool) {
	ss, ok := b.states(c, n, what)
	if !ok {
		return -1, false
	}
	if len(ss) != 1 {
		codes := make([]string, 0, len(ss))
		for _, s := range ss[:min(len(ss), 8)] {
			codes = append(codes, fmt.Sprint(c.Codes[s]))
		}
		r := b.r
		if len(ss) == 0 {
			r.errorf(posOf(n), "", "%s: no feasible state matches", what)
		} else {
			r.errorf(posOf(n), "add conditions until one state matches, or give its code", "%s matches %d states (%s)", what, len(ss), strings.Join(codes, ", "))
		}
		return -1, false
	}
	return ss[0], true
}

func (b *builder) preferences(c *gmcr.Conflict, f *File, e entry) {
	r := b.r
	m, ok := r.mapping(e.val, "preferences")
	if !ok {
		return
	}
	ids := make([]string, len(c.DMs))
	for d, dm := range c.DMs {
		ids[d] = dm.ID
	}
	for _, x := range m {
		d, ok := c.DMIndex(x.key)
		if !ok {
			r.errorf(x.at, suggest(x.key, ids), "preferences for unknown decision maker %q", x.key)
			continue
		}
		pm, ok := r.mapping(x.val, "preferences of "+x.key)
		if !ok {
			continue
		}
		r.checkKeys(pm, "preferences of "+x.key, "priorities", "ranking")
		if len(pm) != 1 {
			r.errorf(x.at, "priorities: (statements, most important first) or ranking: (states, most preferred first)", "give exactly one of priorities or ranking for %s", x.key)
			continue
		}
		p := pm[0]
		switch p.key {
		case "priorities":
			b.priorities(c, f, d, p)
		case "ranking":
			b.ranking(c, f, d, p)
		}
	}
}

func (b *builder) priorities(c *gmcr.Conflict, f *File, d int, e entry) {
	r := b.r
	items, ok := r.sequence(e.val, "priorities")
	if !ok {
		return
	}
	if len(items) == 0 {
		r.errorf(e.at, "list statements about options, most important first", "no priority statements")
		return
	}
	if len(items) > gmcr.MaxStatements {
		r.errorf(e.at, "", "%d priority statements: the limit is %d", len(items), gmcr.MaxStatements)
		return
	}
	var stmts []*gmcr.Formula
	for _, it := range items {
		if fm, ok := b.formula(it, "priority"); ok {
			stmts = append(stmts, fm)
		}
	}
	if len(stmts) != len(items) {
		return
	}
	f.Priorities[d] = stmts
	f.Given[d] = true
	_ = c.SetRanking(d, gmcr.PriorityRanks(c, stmts))
}

func (b *builder) ranking(c *gmcr.Conflict, f *File, d int, e entry) {
	r := b.r
	items, ok := r.sequence(e.val, "ranking")
	if !ok {
		return
	}
	placed := make([]int, len(c.Codes)) // 0 = not yet; else 1-based class
	var classes [][]int
	good := true
	for _, it := range items {
		ss, ok := b.states(c, it, "ranking")
		if !ok {
			good = false
			continue
		}
		var class []int
		for _, s := range ss {
			if placed[s] != 0 {
				// A statement takes the states not ranked before it; a code
				// or a state named twice is a mistake.
				if _, isCode := it.(*ast.IntegerNode); isCode {
					r.errorf(posOf(it), "", "ranking: state %d is already ranked (class %d)", c.Codes[s], placed[s])
					good = false
				}
				continue
			}
			placed[s] = len(classes) + 1
			class = append(class, s)
		}
		if len(class) > 0 {
			classes = append(classes, class)
		}
	}
	if !good {
		return
	}
	var missing []string
	for s, p := range placed {
		if p == 0 {
			missing = append(missing, fmt.Sprint(c.Codes[s]))
		}
	}
	if len(missing) > 0 {
		shown := missing[:min(len(missing), 12)]
		more := ""
		if len(missing) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(missing)-len(shown))
		}
		r.errorf(e.at, `rank every feasible state; end with "true" to tie all the rest last`, "ranking of %s leaves out states %s%s", c.DMs[d].ID, strings.Join(shown, ", "), more)
		return
	}
	f.Given[d] = true
	_ = c.SetClasses(d, classes)
}

func (b *builder) bridge(c *gmcr.Conflict, e entry) *Bridge {
	r := b.r
	m, ok := r.mapping(e.val, "bridge")
	if !ok {
		return nil
	}
	r.checkKeys(m, "bridge", "scenario", "actors", "outcomes", "long_run", "unmapped")
	br := &Bridge{Actors: make([]string, len(c.DMs)), ActorsAt: make([]scenario.Pos, len(c.DMs))}
	for d, dm := range c.DMs {
		br.Actors[d] = dm.ID
		br.ActorsAt[d] = scenario.Pos{Line: e.at.line, Col: e.at.col}
	}
	for _, x := range m {
		switch x.key {
		case "scenario":
			br.Scenario, _ = r.name(x.val, "bridge scenario", x.at)
			p := posOf(x.val)
			br.ScenarioAt = scenario.Pos{Line: p.line, Col: p.col}
		case "long_run":
			if bn, ok := x.val.(*ast.BoolNode); ok {
				br.LongRun = bn.Value
			} else {
				r.errorf(posOf(x.val), "write true or false", "long_run must be true or false")
			}
		case "actors":
			am, _ := r.mapping(x.val, "bridge actors")
			for _, a := range am {
				d, ok := c.DMIndex(a.key)
				if !ok {
					r.errorf(a.at, "", "unknown decision maker %q", a.key)
					continue
				}
				br.Actors[d], _ = r.name(a.val, "actor", a.at)
				p := posOf(a.val)
				br.ActorsAt[d] = scenario.Pos{Line: p.line, Col: p.col}
			}
		case "outcomes":
			items, _ := r.sequence(x.val, "bridge outcomes")
			for _, it := range items {
				om, ok := r.mapping(it, "an outcome")
				if !ok {
					continue
				}
				r.checkKeys(om, "an outcome", "when", "state")
				var o Outcome
				for _, y := range om {
					switch y.key {
					case "when":
						o.When, _ = b.formula(y.val, "when")
					case "state":
						o.State, _ = r.name(y.val, "scenario state", y.at)
						p := posOf(y.val)
						o.At = scenario.Pos{Line: p.line, Col: p.col}
					}
				}
				if o.When == nil || o.State == "" {
					if len(om) < 2 {
						r.errorf(posOf(it), `write {when: "strike & hormuz", state: war}`, "an outcome needs when and state")
					}
					continue
				}
				br.Outcomes = append(br.Outcomes, o)
			}
		case "unmapped":
			items, _ := r.sequence(x.val, "bridge unmapped")
			for _, it := range items {
				um, ok := r.mapping(it, "an unmapped state")
				if !ok {
					continue
				}
				r.checkKeys(um, "an unmapped state", "state", "reason")
				var u Unmapped
				okState, okReason := false, false
				for _, y := range um {
					switch y.key {
					case "state":
						u.State, okState = r.name(y.val, "scenario state", y.at)
						p := posOf(y.val)
						u.At = scenario.Pos{Line: p.line, Col: p.col}
					case "reason":
						u.Reason = strings.TrimSpace(r.text(y.val, "reason"))
						okReason = u.Reason != ""
					}
				}
				if !okState || !okReason {
					r.errorf(posOf(it), `write {state: talks, reason: "the option form has no option to hold talks"}`, "an unmapped scenario state needs a state and a reason")
					continue
				}
				br.Unmapped = append(br.Unmapped, u)
			}
		}
	}
	if br.Scenario == "" {
		r.errorf(e.at, "name the scenario file, relative to this file", "bridge without a scenario")
	}
	if len(br.Outcomes) == 0 {
		r.errorf(e.at, "map conflict states to scenario states under outcomes:", "bridge without outcomes")
	}
	return br
}
