package audit

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	yast "github.com/goccy/go-yaml/ast"
	"github.com/truce-dev/truce/scenario"
)

// Element kinds.
const (
	KindNumber   = "number"     // a fixed number: parameter value, payoff, probability, literal in an expression
	KindDiscount = "discount"   // a discount factor
	KindWeight   = "weight"     // an actor's weight of a component
	KindMixture  = "mixture"    // a strategy's distribution over actions
	KindOrder    = "rule order" // the order of two overlapping transition rules
	KindEnding   = "ending"     // whether a state is terminal
)

// Element is one piece of the file the audit changes.
type Element struct {
	Kind  string
	What  string // e.g. "discount of IR"
	Pos   scenario.Pos
	Value string // as written
}

// Perturbation is one change of one element.
type Perturbation struct {
	Element
	Change string // e.g. "0.95 → 0.9949 (half-life ×10)"
	// For fixed numbers (kinds number, discount, weight): the value and
	// the value tried.
	IsNumber    bool
	From, To    float64
	InExpr      bool // a literal inside an expression
	probability bool
	edits       []edit
	skip        string // why the variant is not made, when it is not
}

// Share of a number moved up and down, and the factor on a discount's
// half-life.
const (
	numberStep   = 0.25
	halfLifeStep = 10
)

// infoKeys are the descriptive keys any element may carry.
func infoKeys(key string) bool {
	switch key {
	case "label", "description", "rationale", "source":
		return true
	}
	return false
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func shortNum(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }

// perturbations lists every change the audit tries on sc, read from its
// source s.
func perturbations(s *source, sc *scenario.Scenario) []Perturbation {
	var out []Perturbation
	root := s.root
	if n := get(root, "discount"); n != nil {
		out = append(out, s.discount(n, "discount (every actor without its own)")...)
	}
	if seq, ok := get(root, "actors").(*yast.SequenceNode); ok {
		for _, it := range seq.Values {
			m := mapping(it)
			id := ""
			if n := get(m, "id"); n != nil {
				id = n.GetToken().Value
			}
			if n := get(m, "discount"); n != nil {
				out = append(out, s.discount(n, "discount of "+id)...)
			}
			if w := mapping(get(m, "weights")); w != nil {
				for _, mv := range w.Values {
					out = append(out, s.numbers(mv.Value, KindWeight, fmt.Sprintf("weight of %s for %s", keyOf(mv), id), false)...)
				}
			}
		}
	}
	if pm := mapping(get(root, "parameters")); pm != nil {
		for _, mv := range pm.Values {
			v := mv.Value
			if m := mapping(v); m != nil {
				if get(m, "dist") != nil {
					continue // a distribution: its spread is what sensitivity varies
				}
				v = get(m, "value")
			}
			if v != nil {
				out = append(out, s.numbers(v, KindNumber, "parameter "+keyOf(mv), false)...)
			}
		}
	}
	if seq, ok := get(root, "transitions").(*yast.SequenceNode); ok {
		for _, it := range seq.Values {
			m := mapping(it)
			p := posOfNode(it)
			if to := mapping(get(m, "to")); to != nil {
				for _, mv := range to.Values {
					out = append(out, s.numbers(mv.Value, KindNumber, fmt.Sprintf("probability of moving to %s (transition rule at line %d)", keyOf(mv), p.Line), true)...)
				}
			}
		}
	}
	if seq, ok := get(root, "payoffs").(*yast.SequenceNode); ok {
		for _, it := range seq.Values {
			m := mapping(it)
			p := posOfNode(it)
			for _, mv := range m.Values {
				actor := keyOf(mv)
				if actor == "in" || actor == "when" || infoKeys(actor) {
					continue
				}
				if comps := mapping(mv.Value); comps != nil {
					for _, cv := range comps.Values {
						out = append(out, s.numbers(cv.Value, KindNumber, fmt.Sprintf("payoff %s to %s (payoff rule at line %d)", keyOf(cv), actor, p.Line), false)...)
					}
				}
			}
		}
	}
	if sm := mapping(get(root, "strategies")); sm != nil {
		for _, av := range sm.Values {
			actor := keyOf(av)
			a := actorIndex(sc, actor)
			strats := mapping(av.Value)
			if strats == nil || a < 0 {
				continue
			}
			for _, stv := range strats.Values {
				body := mapping(stv.Value)
				for _, kv := range body.Values {
					key := keyOf(kv)
					switch {
					case infoKeys(key):
					case key == "rules":
						if rs, ok := kv.Value.(*yast.SequenceNode); ok {
							for _, r := range rs.Values {
								if play := get(mapping(r), "play"); play != nil {
									out = append(out, s.mixture(play, sc, a, "*", fmt.Sprintf("reaction of %s's strategy %s (rule at line %d)", actor, keyOf(stv), posOfNode(r).Line))...)
								}
							}
						}
					default:
						out = append(out, s.mixture(kv.Value, sc, a, key, fmt.Sprintf("%s's strategy %s in %s", actor, keyOf(stv), stateWord(key)))...)
					}
				}
			}
		}
	}
	if seq, ok := get(root, "transitions").(*yast.SequenceNode); ok && !seq.IsFlowStyle && len(seq.Entries) == len(seq.Values) {
		for _, o := range sc.TransitionOverlaps() {
			if p, ok := s.moveRule(seq, o); ok {
				out = append(out, p)
			}
		}
	}
	if seq, ok := get(root, "states").(*yast.SequenceNode); ok {
		for _, it := range seq.Values {
			if p, ok := s.toggleTerminal(it, sc); ok {
				out = append(out, p)
			}
		}
	}
	return out
}

func stateWord(key string) string {
	if key == "*" {
		return `every state ("*")`
	}
	return "state " + key
}

func actorIndex(sc *scenario.Scenario, id string) int {
	for i, a := range sc.Actors {
		if a.ID == id {
			return i
		}
	}
	return -1
}

// numbers perturbs a value that is a number (±25%) or an expression (each
// literal other than 0 and 1, which are structural in 1 - p or 0 * x).
// Probabilities are kept in [0, 1].
func (s *source) numbers(n yast.Node, kind, what string, probability bool) []Perturbation {
	sc, ok := s.scalarOf(n)
	if !ok {
		return nil
	}
	if sc.number {
		return numberSteps(Element{Kind: kind, What: what, Pos: sc.pos, Value: sc.text}, sc, false, probability)
	}
	var out []Perturbation
	for _, lit := range exprLiterals(sc) {
		v, _ := strconv.ParseFloat(strings.ReplaceAll(lit.text, "_", ""), 64)
		if v == 0 || v == 1 {
			continue
		}
		el := Element{Kind: kind, What: fmt.Sprintf("%s in %s = %q", lit.text, what, sc.text), Pos: lit.pos, Value: lit.text}
		out = append(out, numberSteps(el, lit, true, false)...)
	}
	return out
}

// numberSteps moves a literal down and up by numberStep of its value.
func numberSteps(el Element, lit scalar, inExpr, probability bool) []Perturbation {
	v, err := strconv.ParseFloat(strings.ReplaceAll(lit.text, "_", ""), 64)
	if err != nil || v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	var out []Perturbation
	for _, f := range []float64{1 - numberStep, 1 + numberStep} {
		x := v * f
		if probability {
			x = math.Min(math.Max(x, 0), 1)
		}
		if x == v {
			continue
		}
		out = append(out, Perturbation{Element: el, IsNumber: true, From: v, To: x, InExpr: inExpr, probability: probability,
			Change: fmt.Sprintf("%s → %s (%+.0f%%)", lit.text, shortNum(x), 100*(x/v-1)),
			edits:  []edit{{lit.start, lit.end, fmtNum(x)}}})
	}
	return out
}

// discount moves a discount's half-life (the steps after which a payoff is
// worth half) down and up tenfold: ±25% of a factor near 1 would move it
// past 1 or barely change the horizon it stands for.
func (s *source) discount(n yast.Node, what string) []Perturbation {
	sc, ok := s.scalarOf(n)
	if !ok {
		return nil
	}
	if !sc.number {
		return s.numbers(n, KindDiscount, what, false)
	}
	d, err := strconv.ParseFloat(sc.text, 64)
	if err != nil || !(d > 0 && d < 1) {
		return nil
	}
	el := Element{Kind: KindDiscount, What: what, Pos: sc.pos, Value: sc.text}
	h := math.Log(0.5) / math.Log(d)
	var out []Perturbation
	for _, f := range []float64{1.0 / halfLifeStep, halfLifeStep} {
		x := math.Pow(0.5, 1/(h*f))
		word := "÷"
		if f > 1 {
			word = "×"
		}
		out = append(out, Perturbation{Element: el, IsNumber: true, From: d, To: x,
			Change: fmt.Sprintf("%s → %s (half-life %.3g → %.3g steps, %s%d)", sc.text, strconv.FormatFloat(x, 'g', 5, 64), h, h*f, word, halfLifeStep),
			edits:  []edit{{sc.start, sc.end, fmtNum(x)}}})
	}
	return out
}

// mixture perturbs a strategy's distribution over actions: a quarter of
// the probability moved onto each action it plays in turn (each weight
// scaled by 3/4, the quarter added to one: a weight written as an
// expression of parameters becomes 0.75 * (expr), so the mixture's
// structure is tested while its parameters keep the spread sensitivity
// varies), or, for a pure strategy (an action name, or a flow mapping
// with one action), a quarter spread evenly over the other actions
// available in state (in every non-terminal state for "*").
func (s *source) mixture(n yast.Node, sc *scenario.Scenario, actor int, state, what string) []Perturbation {
	if lit, ok := s.scalarOf(n); ok && !lit.number && actionOf(sc, actor, lit.text) {
		return s.pureAction(lit, sc, actor, state, what)
	}
	m := mapping(n)
	if m == nil || len(m.Values) == 0 {
		return nil
	}
	names := make([]string, len(m.Values))
	lits := make([]scalar, len(m.Values))
	texts := make([]string, len(m.Values))
	vals := make([]float64, len(m.Values))
	numeric := true
	for i, mv := range m.Values {
		lit, ok := s.scalarOf(mv.Value)
		if !ok {
			return nil
		}
		names[i], lits[i], texts[i] = keyOf(mv), lit, lit.text
		if !actionOf(sc, actor, names[i]) {
			return nil
		}
		v, err := strconv.ParseFloat(lit.text, 64)
		if !lit.number || err != nil {
			numeric = false
			continue
		}
		vals[i] = v
	}
	value := mixText(names, vals)
	if !numeric {
		value = mixExprText(names, texts)
	}
	el := Element{Kind: KindMixture, What: what, Pos: posOfNode(m), Value: value}
	var out []Perturbation
	if len(m.Values) >= 2 {
		for i := range names {
			nv := make([]float64, len(vals))
			nt := make([]string, len(vals))
			var edits []edit
			for j := range vals {
				if numeric {
					nv[j] = (1 - numberStep) * vals[j]
					if j == i {
						nv[j] += numberStep
					}
					nt[j] = fmtNum(nv[j])
				} else {
					nt[j] = fmt.Sprintf("%s * (%s)", fmtNum(1-numberStep), texts[j])
					if j == i {
						nt[j] += " + " + fmtNum(numberStep)
					}
				}
				edits = append(edits, edit{lits[j].start, lits[j].end, nt[j]})
			}
			shown := mixText(names, nv)
			if !numeric {
				shown = mixExprText(names, nt)
			}
			out = append(out, Perturbation{Element: el, Change: fmt.Sprintf("%.0f%% moved onto %s: %s", 100*numberStep, names[i], shown), edits: edits})
		}
		return out
	}
	// A pure strategy written as a flow mapping: rewrite the mapping with
	// the other actions.
	if !numeric || !m.IsFlowStyle || m.Start == nil || m.Start.Position == nil {
		return nil
	}
	start := s.offset(m.Start.Position.Line, m.Start.Position.Column)
	if start < 0 || s.src[start] != '{' {
		return nil
	}
	end := start + strings.IndexByte(string(s.src[start:]), '}') + 1
	if end <= start {
		return nil
	}
	p, ok := spread(sc, actor, state, names[0], el)
	if !ok {
		return nil
	}
	p.edits = []edit{{start, end, p.edits[0].text}}
	return []Perturbation{p}
}

// pureAction perturbs a pure strategy written as an action's name
// (`"*": hold`, `play: strike`): the name is replaced by a mixture with a
// quarter spread over the other actions.
func (s *source) pureAction(lit scalar, sc *scenario.Scenario, actor int, state, what string) []Perturbation {
	start, end := lit.start, lit.end
	if start > 0 && end < len(s.src) && (s.src[start-1] == '"' || s.src[start-1] == '\'') && s.src[end] == s.src[start-1] {
		start, end = start-1, end+1 // the quotes go with the name
	}
	el := Element{Kind: KindMixture, What: what, Pos: lit.pos, Value: lit.text}
	p, ok := spread(sc, actor, state, lit.text, el)
	if !ok {
		return nil
	}
	p.edits = []edit{{start, end, p.edits[0].text}}
	return []Perturbation{p}
}

// spread is the variant of a pure strategy playing action in state with a
// quarter of its probability spread over the other actions available
// there; its one edit holds the flow mapping to write (the caller places
// it).
func spread(sc *scenario.Scenario, actor int, state, action string, el Element) (Perturbation, bool) {
	others := otherActions(sc, actor, state, action)
	if len(others) == 0 {
		return Perturbation{}, false
	}
	nn, nv := []string{action}, []float64{1 - numberStep}
	for _, o := range others {
		nn = append(nn, o)
		nv = append(nv, numberStep/float64(len(others)))
	}
	var parts []string
	for i := range nn {
		parts = append(parts, fmt.Sprintf("%s: %s", nn[i], fmtNum(nv[i])))
	}
	return Perturbation{Element: el, Change: fmt.Sprintf("%.0f%% spread over the other actions: %s", 100*numberStep, mixText(nn, nv)),
		edits: []edit{{0, 0, "{" + strings.Join(parts, ", ") + "}"}}}, true
}

// actionOf says whether name is one of actor's actions.
func actionOf(sc *scenario.Scenario, actor int, name string) bool {
	for _, a := range sc.Actions[actor] {
		if a == name {
			return true
		}
	}
	return false
}

// mixExprText shows a mixture whose weights are expressions.
func mixExprText(names, texts []string) string {
	var parts []string
	for i := range names {
		parts = append(parts, fmt.Sprintf("%s: %s", names[i], texts[i]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func mixText(names []string, vals []float64) string {
	var parts []string
	for i := range names {
		parts = append(parts, fmt.Sprintf("%s: %s", names[i], strconv.FormatFloat(vals[i], 'g', 3, 64)))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// otherActions are the actions of actor available in state (in every
// non-terminal state for "*") other than skip, in file order.
func otherActions(sc *scenario.Scenario, actor int, state, skip string) []string {
	count := map[int]int{}
	nStates := 0
	fam := ""
	if i := strings.IndexByte(state, '['); i > 0 && strings.HasSuffix(state, "]") {
		fam = state[:i+1] // a family rule (ceasefire[i], ladder[2..5]): every member, conservatively
	}
	for s, st := range sc.States {
		if st.Terminal || (state != "*" && st.ID != state && (fam == "" || !strings.HasPrefix(st.ID, fam))) {
			continue
		}
		nStates++
		for _, k := range sc.Avail[s][actor] {
			count[k]++
		}
	}
	var idx []int
	for k, c := range count {
		if c == nStates && sc.Actions[actor][k] != skip {
			idx = append(idx, k)
		}
	}
	sort.Ints(idx)
	var out []string
	for _, k := range idx {
		out = append(out, sc.Actions[actor][k])
	}
	return out
}

// moveRule moves the later rule of an overlap to just above the earlier
// one, so that it decides the cases they share.
func (s *source) moveRule(seq *yast.SequenceNode, o scenario.RuleOverlap) (Perturbation, bool) {
	if o.Second >= len(seq.Entries) || o.First >= o.Second {
		return Perturbation{}, false
	}
	lineOf := func(i int) int { return seq.Entries[i].Start.Position.Line }
	from := s.lineStart[lineOf(o.Second)]
	var to int
	if o.Second+1 < len(seq.Entries) {
		to = s.lineStart[lineOf(o.Second+1)]
	} else {
		last := maxLine(seq.Values[o.Second])
		if last+1 < len(s.lineStart) {
			to = s.lineStart[last+1]
		} else {
			return Perturbation{}, false // the rule ends the file without a newline
		}
	}
	at := s.lineStart[lineOf(o.First)]
	text := string(s.src[from:to])
	el := Element{Kind: KindOrder, What: fmt.Sprintf("order of the transition rules at lines %d and %d (both match %s)", o.FirstPos.Line, o.SecondPos.Line, o.Example),
		Pos: o.SecondPos, Value: fmt.Sprintf("line %d first", o.FirstPos.Line)}
	return Perturbation{Element: el, Change: fmt.Sprintf("the rule at line %d moved above the rule at line %d", o.SecondPos.Line, o.FirstPos.Line),
		edits: []edit{{from, to, ""}, {at, at, text}}}, true
}

// maxLine is the last line holding a token of n.
func maxLine(n yast.Node) int {
	last := 0
	yast.Walk(lineVisitor(func(x yast.Node) {
		if tk := x.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line > last {
			last = tk.Position.Line
		}
	}), n)
	return last
}

type lineVisitor func(yast.Node)

func (v lineVisitor) Visit(n yast.Node) yast.Visitor {
	v(n)
	return v
}

// toggleTerminal makes a terminal state non-terminal or the reverse. A
// state made an ending absorbs: the variant drops what the file plays or
// decides there (its own actions, strategies and `from` rules, and its
// name from lists of states where it would be refused), so that the
// variant is a valid scenario meaning just that change. The initial state
// is not varied: as an ending every path would stop before its first step.
func (s *source) toggleTerminal(item yast.Node, sc *scenario.Scenario) (Perturbation, bool) {
	m := mapping(item)
	idn := get(m, "id")
	if m == nil || idn == nil {
		return Perturbation{}, false
	}
	id := idn.GetToken().Value
	el := Element{Kind: KindEnding, Pos: posOfNode(idn)}
	if t := get(m, "terminal"); t != nil {
		lit, ok := s.scalarOf(t)
		if !ok || t.GetToken().Value != "true" {
			return Perturbation{}, false
		}
		if _, isBool := t.(*yast.BoolNode); !isBool {
			return Perturbation{}, false
		}
		el.What, el.Value = fmt.Sprintf("ending %s (terminal)", id), "terminal"
		return Perturbation{Element: el, Change: fmt.Sprintf("%s no longer an ending: its payoffs are paid every step it lasts and the rules for every state (\"*\") apply there", id),
			edits: []edit{{lit.start, lit.end, "false"}}}, true
	}
	el.What, el.Value = fmt.Sprintf("state %s (not terminal)", id), "not terminal"
	change := fmt.Sprintf("%s made an ending: paths stop there and its payoffs are paid once on entry", id)
	// The states this declaration makes (every member of a family).
	names := map[string]bool{}
	for _, st := range sc.States {
		if st.Pos == el.Pos {
			names[st.ID] = true
			if st.Initial {
				return Perturbation{Element: el, Change: change,
					skip: fmt.Sprintf("not varied: %s is the initial state (every path would stop before its first step)", st.ID)}, true
			}
		}
	}
	if len(names) == 0 {
		names[id] = true
	}
	lit, ok := s.scalarOf(idn)
	if !ok {
		return Perturbation{}, false
	}
	var edits []edit
	if m.IsFlowStyle {
		edits = append(edits, edit{lit.end, lit.end, ", terminal: true"})
	} else {
		// Block mapping: a line after the id's, indented like it.
		line := lit.pos.Line
		if line+1 >= len(s.lineStart) {
			return Perturbation{}, false
		}
		indent := strings.Repeat(" ", posOfNode(m).Col-1)
		at := s.lineStart[line+1]
		edits = append(edits, edit{at, at, indent + "terminal: true\n"})
	}
	absorb, why := s.absorb(names)
	if why != "" {
		return Perturbation{Element: el, Change: change, skip: why}, true
	}
	if w := absorbWhat(absorb); len(w) > 0 {
		change += fmt.Sprintf(" (the variant drops %s)", strings.Join(w, ", "))
	}
	for _, a := range absorb {
		if a.what == "observe" {
			change += "; the record there reads as the catch-all observation rule says"
		}
	}
	for _, a := range absorb {
		edits = append(edits, a.edits...)
	}
	return Perturbation{Element: el, Change: change, edits: edits}, true
}

// removal is one piece of the file dropped to make states absorbing.
type removal struct {
	what  string // actions, strategy, rule, name or observe (an added rule)
	edits []edit
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// absorbWhat counts the removals by kind, for the variant's description.
func absorbWhat(rs []removal) []string {
	n := map[string]int{}
	for _, r := range rs {
		n[r.what]++
	}
	var out []string
	for _, k := range []string{"actions", "strategy", "rule", "name", "observe"} {
		c := n[k]
		switch {
		case c == 0:
		case k == "actions":
			out = append(out, "its actions")
		case k == "strategy":
			out = append(out, plural(c, "strategy entry", "strategy entries"))
		case k == "rule":
			out = append(out, plural(c, "rule", "rules")+" from it alone")
		case k == "name":
			out = append(out, "its name from "+plural(c, "list", "lists")+" of states")
		}
	}
	return out
}

// absorb lists the removals that make the named states valid endings:
// their entries under actions and in strategies, the transition rules
// `from` them alone (a list of states loses their names), and their names
// in the `in` lists of strategy reactions and of payoff and observation
// rules with a `when` (nothing is played in an ending). why says what
// cannot be removed in place, when something cannot.
func (s *source) absorb(names map[string]bool) (rs []removal, why string) {
	if am := mapping(get(s.root, "actions")); am != nil {
		for _, av := range am.Values {
			if pm := mapping(av.Value); pm != nil {
				for _, sv := range pm.Values {
					if names[keyOf(sv)] {
						r, w := s.dropEntry(pm, sv, "actions")
						if w != "" {
							return nil, w
						}
						rs = append(rs, r)
					}
				}
			}
		}
	}
	if seq, ok := get(s.root, "transitions").(*yast.SequenceNode); ok {
		for i, it := range seq.Values {
			r, w := s.dropStates(seq, i, get(mapping(it), "from"), names, fmt.Sprintf("the transition rule at line %d", posOfNode(it).Line))
			if w != "" {
				return nil, w
			}
			rs = append(rs, r...)
		}
	}
	for _, key := range []string{"payoffs", "observations"} {
		seq, ok := get(s.root, key).(*yast.SequenceNode)
		if !ok {
			continue
		}
		for i, it := range seq.Values {
			if get(mapping(it), "when") == nil {
				continue // paid or seen on entry: an ending keeps it
			}
			r, w := s.dropStates(seq, i, get(mapping(it), "in"), names, fmt.Sprintf("the %s rule at line %d", strings.TrimSuffix(key, "s"), posOfNode(it).Line))
			if w != "" {
				return nil, w
			}
			rs = append(rs, r...)
		}
	}
	if seq, ok := get(s.root, "observations").(*yast.SequenceNode); ok {
		r, w := s.observeEnding(seq, names)
		if w != "" {
			return nil, w
		}
		rs = append(rs, r...)
	}
	if sm := mapping(get(s.root, "strategies")); sm != nil {
		for _, av := range sm.Values {
			strats := mapping(av.Value)
			if strats == nil {
				continue
			}
			for _, stv := range strats.Values {
				body := mapping(stv.Value)
				if body == nil {
					continue
				}
				for _, kv := range body.Values {
					key := keyOf(kv)
					if names[key] {
						r, w := s.dropEntry(body, kv, "strategy")
						if w != "" {
							return nil, w
						}
						rs = append(rs, r)
					}
					if key != "rules" {
						continue
					}
					seq, ok := kv.Value.(*yast.SequenceNode)
					if !ok {
						continue
					}
					for i, r := range seq.Values {
						d, w := s.dropStates(seq, i, get(mapping(r), "in"), names, fmt.Sprintf("the reaction at line %d", posOfNode(r).Line))
						if w != "" {
							return nil, w
						}
						rs = append(rs, d...)
					}
				}
			}
		}
	}
	return rs, ""
}

// dropStates removes the named states from a rule's list of states n (the
// rule's `from` or `in`), or the whole rule (item i of seq) when it names
// only them.
func (s *source) dropStates(seq *yast.SequenceNode, i int, n yast.Node, names map[string]bool, rule string) ([]removal, string) {
	if n == nil {
		return nil, ""
	}
	var items []yast.Node
	if l, ok := n.(*yast.SequenceNode); ok {
		items = l.Values
	} else {
		items = []yast.Node{n}
	}
	var hit []int
	for k, it := range items {
		if names[it.GetToken().Value] {
			hit = append(hit, k)
		}
	}
	if len(hit) == 0 {
		return nil, ""
	}
	if len(hit) == len(items) {
		r, ok := s.dropItem(seq, i)
		if !ok {
			return nil, fmt.Sprintf("not varied: %s names only this state and cannot be removed in place", rule)
		}
		return []removal{{what: "rule", edits: []edit{r}}}, ""
	}
	l := n.(*yast.SequenceNode)
	if !l.IsFlowStyle {
		return nil, fmt.Sprintf("not varied: the state's name cannot be removed in place from the block list of %s", rule)
	}
	var out []removal
	for _, k := range hit {
		lit, ok := s.scalarOf(items[k])
		if !ok {
			return nil, fmt.Sprintf("not varied: the state's name cannot be located in %s", rule)
		}
		start, end := lit.start, lit.end
		if start > 0 && end < len(s.src) && (s.src[start-1] == '"' || s.src[start-1] == '\'') && s.src[end] == s.src[start-1] {
			start, end = start-1, end+1
		}
		// Take the separator after the name, or before it for the last.
		if k+1 < len(items) {
			for end < len(s.src) && (s.src[end] == ',' || s.src[end] == ' ') {
				end++
			}
		} else {
			for start > 0 && (s.src[start-1] == ',' || s.src[start-1] == ' ') {
				start--
			}
		}
		out = append(out, removal{what: "name", edits: []edit{{start, end, ""}}})
	}
	return out, ""
}

// dropItem is the edit removing item i of a block sequence, whole lines.
func (s *source) dropItem(seq *yast.SequenceNode, i int) (edit, bool) {
	if seq.IsFlowStyle || len(seq.Entries) != len(seq.Values) || i >= len(seq.Entries) || seq.Entries[i].Start == nil || seq.Entries[i].Start.Position == nil {
		return edit{}, false
	}
	from := s.lineStart[seq.Entries[i].Start.Position.Line]
	last := maxLine(seq.Values[i])
	if i+1 < len(seq.Entries) {
		return edit{from, s.lineStart[seq.Entries[i+1].Start.Position.Line], ""}, true
	}
	if last+1 >= len(s.lineStart) {
		return edit{}, false
	}
	return edit{from, s.lineStart[last+1], ""}, true
}

// dropEntry is the removal of entry mv of block mapping m (whole lines). An
// anchor on its value moves to the first alias of it, so that the file's
// other uses keep their meaning.
func (s *source) dropEntry(m *yast.MappingNode, mv *yast.MappingValueNode, what string) (removal, string) {
	key := keyOf(mv)
	if m.IsFlowStyle {
		return removal{}, fmt.Sprintf("not varied: the entry %q is in a flow mapping and cannot be removed in place", key)
	}
	first := posOfNode(mv.Key).Line
	last := maxLine(mv.Value)
	if l := posOfNode(mv.Key).Line; l > last {
		last = l
	}
	if last+1 >= len(s.lineStart) {
		return removal{}, fmt.Sprintf("not varied: the entry %q ends the file", key)
	}
	r := removal{what: what, edits: []edit{{s.lineStart[first], s.lineStart[last+1], ""}}}
	an, ok := mv.Value.(*yast.AnchorNode)
	if !ok {
		return r, ""
	}
	name := an.Name.GetToken().Value
	var alias *yast.AliasNode
	yast.Walk(lineVisitor(func(x yast.Node) {
		if a, ok := x.(*yast.AliasNode); ok && alias == nil && a.Value != nil && a.Value.GetToken().Value == name {
			alias = a
		}
	}), s.root)
	if alias == nil {
		return r, ""
	}
	seqv, ok := an.Value.(*yast.SequenceNode)
	if !ok || !seqv.IsFlowStyle || seqv.Start == nil || seqv.End == nil || seqv.Start.Position.Line != seqv.End.Position.Line {
		return removal{}, fmt.Sprintf("not varied: the entry %q holds the anchor &%s, used elsewhere, on a value that is not a one-line list", key, name)
	}
	vs := s.offset(seqv.Start.Position.Line, seqv.Start.Position.Column)
	ve := s.offset(seqv.End.Position.Line, seqv.End.Position.Column)
	at := s.offset(alias.Start.Position.Line, alias.Start.Position.Column)
	if vs < 0 || ve < 0 || at < 0 || s.src[at] != '*' {
		return removal{}, fmt.Sprintf("not varied: the anchor &%s cannot be moved in place", name)
	}
	r.edits = append(r.edits, edit{at, at + 1 + len(name), "&" + name + " " + string(s.src[vs:ve+1])})
	return r, ""
}

// observeEnding adds, at the end of the observation rules, a rule saying
// what is seen in the named states as endings (a record goes on after the
// process ends): what the last catch-all rule (neither in nor when) emits,
// which saw them before.
func (s *source) observeEnding(seq *yast.SequenceNode, names map[string]bool) ([]removal, string) {
	var ids []string
	for n := range names {
		ids = append(ids, n)
	}
	sort.Strings(ids)
	var emit yast.Node
	for _, it := range seq.Values {
		m := mapping(it)
		if get(m, "in") == nil && get(m, "when") == nil && get(m, "emit") != nil {
			emit = get(m, "emit")
		}
	}
	if emit == nil {
		return nil, fmt.Sprintf("not varied: no observation rule without in or when says what is seen in %s, which an ending needs", strings.Join(ids, ", "))
	}
	var text string
	if em, ok := emit.(*yast.MappingNode); ok && em.IsFlowStyle && em.Start != nil && em.End != nil && em.Start.Position.Line == em.End.Position.Line {
		a := s.offset(em.Start.Position.Line, em.Start.Position.Column)
		b := s.offset(em.End.Position.Line, em.End.Position.Column)
		if a < 0 || b < a {
			return nil, "not varied: the catch-all observation rule cannot be copied"
		}
		text = string(s.src[a : b+1])
	} else if lit, ok := s.scalarOf(emit); ok {
		text = lit.text
	} else {
		return nil, "not varied: the catch-all observation rule's emit is not on one line"
	}
	if seq.IsFlowStyle || len(seq.Entries) != len(seq.Values) || len(seq.Entries) == 0 {
		return nil, "not varied: the observation rules are not a block list"
	}
	last := len(seq.Entries) - 1
	end := maxLine(seq.Values[last])
	if end+1 >= len(s.lineStart) {
		return nil, "not varied: the observation rules end the file"
	}
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = strconv.Quote(id)
	}
	indent := strings.Repeat(" ", seq.Entries[last].Start.Position.Column-1)
	at := s.lineStart[end+1]
	return []removal{{what: "observe", edits: []edit{{at, at, fmt.Sprintf("%s- {in: [%s], emit: %s}\n", indent, strings.Join(quoted, ", "), text)}}}}, ""
}
