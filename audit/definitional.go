package audit

import (
	"fmt"
	"math"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	yast "github.com/goccy/go-yaml/ast"
	"github.com/truce-dev/truce/scenario"
)

// Definitional kinds.
const (
	// The hypothesis reads no model result, only parameters: its verdict
	// is a statement about the inputs, settled before any analysis.
	DefParametersOnly = "parameters only"
	// Parts of the hypothesis are the worth of an ending written out
	// again from the payoff rules.
	DefRestates = "restates payoffs"
	// The hypothesis compares a value whose sign the payoff rules fix
	// (every payoff of that component to that actor has one sign) with a
	// number on the other side of 0.
	DefSignFixed = "sign fixed by the payoffs"
)

// Definitional is a hypothesis whose verdict the file settles by how it is
// written rather than by the model's dynamics.
type Definitional struct {
	Hypothesis string
	Pos        scenario.Pos
	Kind       string
	Text       string
	Matches    []Restatement
}

// Restatement is a part of a hypothesis that equals a payoff figure on
// every test draw.
type Restatement struct {
	Expr    string
	Meaning string         // e.g. "the worth to US of entering stalemate"
	Rules   []scenario.Pos // the payoff rules that pay it
}

// testDraws is how many draws (the central one first) a restatement must
// hold on.
const testDraws = 12

// paramEnv is the parameter and derived values of draw d by name.
func paramEnv(sc *scenario.Scenario, d scenario.Draw) (map[string]any, error) {
	env := make(map[string]any, len(sc.Parameters)+len(sc.Derived))
	for i, p := range sc.Parameters {
		env[p.Name] = d.Values[i]
	}
	dv, err := sc.DerivedValues(d)
	if err != nil {
		return nil, err
	}
	for i, x := range sc.Derived {
		env[x.Name] = dv[i]
	}
	return env, nil
}

// figure is a payoff figure of one draw that a hypothesis may restate.
type figure struct {
	meaning string
	state   string
	vals    []float64 // per test draw
}

// definitional finds the hypotheses of sc that are settled by how they
// are written; payoffRules maps a state to the payoff rules naming it.
func definitional(sc *scenario.Scenario, payoffRules map[string][]scenario.Pos, seed uint64) []Definitional {
	draws := []scenario.Draw{sc.Central()}
	for i := 0; len(draws) < testDraws && sc.Random(); i++ {
		draws = append(draws, sc.DrawAt(seed, i))
	}
	var envs []map[string]any
	var figs []*figure
	signs := map[[2]int]int{} // (actor, component or -1 for the total) → +1, -1, 0 mixed/none
	seen := map[[2]int]bool{}
	for k, d := range draws {
		env, err := paramEnv(sc, d)
		if err != nil {
			return nil
		}
		g, _, err := sc.Build(d)
		if err != nil {
			return nil
		}
		envs = append(envs, env)
		nC := len(sc.Components)
		fi := 0
		add := func(meaning, state string, v float64) {
			if k == 0 {
				figs = append(figs, &figure{meaning: meaning, state: state})
			}
			figs[fi].vals = append(figs[fi].vals, v)
			fi++
		}
		for s, st := range sc.States {
			if !st.Terminal || g.Entry[s] == nil {
				continue
			}
			for a, act := range sc.Actors {
				w := 0.0
				for c := 0; c < nC; c++ {
					w += g.Actors[a].Weights[c] * g.Entry[s][a*nC+c]
				}
				add(fmt.Sprintf("the worth to %s of entering %s, its entry payoffs weighted by %s's weights", act.ID, st.ID, act.ID), st.ID, w)
				for c, comp := range sc.Components {
					add(fmt.Sprintf("the %s payoff to %s of entering %s", comp.ID, act.ID, st.ID), st.ID, g.Entry[s][a*nC+c])
				}
			}
		}
		// Signs of every payoff each actor receives, per component and
		// weighted, over flows and entries.
		note := func(a, c int, v float64) {
			key := [2]int{a, c}
			sg := 0
			if v > 0 {
				sg = 1
			} else if v < 0 {
				sg = -1
			}
			if sg == 0 {
				return
			}
			if !seen[key] {
				seen[key], signs[key] = true, sg
			} else if signs[key] != sg {
				signs[key] = 0
			}
		}
		visit := func(pay []float64) {
			for a := range sc.Actors {
				tot := 0.0
				for c := 0; c < nC; c++ {
					v := pay[a*nC+c]
					note(a, c, v)
					tot += g.Actors[a].Weights[c] * v
				}
				note(a, -1, tot)
			}
		}
		for s := range sc.States {
			if g.Entry[s] != nil {
				visit(g.Entry[s])
			}
			for _, f := range g.Flow[s] {
				visit(f)
			}
		}
	}
	var out []Definitional
	for _, h := range sc.Hypotheses {
		tree, err := parseExpr(h.Expr)
		if err != nil {
			continue
		}
		readsModel := false
		ast.Walk(&tree.Node, visitor(func(n ast.Node) {
			if isQuantityCall(n) {
				readsModel = true
			}
		}))
		var matches []Restatement
		var walk func(n ast.Node)
		walk = func(n ast.Node) {
			// max and min pick one of their arguments: name what each
			// argument is rather than the one picked on these draws.
			_, call := n.(*ast.CallNode)
			_, builtin := n.(*ast.BuiltinNode)
			if !call && !builtin {
				if m, ok := restates(n, envs, figs, payoffRules); ok {
					matches = append(matches, m)
					return
				}
			}
			for _, c := range children(n) {
				walk(c)
			}
		}
		walk(tree.Node)
		switch {
		case !readsModel && len(matches) > 0:
			var parts []string
			for _, m := range matches {
				parts = append(parts, fmt.Sprintf("`%s` is %s", m.Expr, m.Meaning))
			}
			out = append(out, Definitional{Hypothesis: h.ID, Pos: h.Pos, Kind: DefRestates, Matches: matches,
				Text: "it reads no model result and restates the payoff rules: " + strings.Join(parts, "; ") +
					"; its verdict follows from the parameter draws alone, not from the dynamics"})
		case !readsModel:
			out = append(out, Definitional{Hypothesis: h.ID, Pos: h.Pos, Kind: DefParametersOnly,
				Text: "it reads no model result (no reach, absorb, time, value or other function of the model), only parameters: its verdict is a statement about the inputs"})
		default:
			if t := signFixed(sc, tree.Node, envs, signs); t != "" {
				out = append(out, Definitional{Hypothesis: h.ID, Pos: h.Pos, Kind: DefSignFixed, Text: t})
			}
		}
	}
	return out
}

func isQuantityCall(n ast.Node) bool {
	c, ok := n.(*ast.CallNode)
	if !ok {
		return false
	}
	id, ok := c.Callee.(*ast.IdentifierNode)
	return ok && scenario.IsQuantityFunc(id.Value)
}

// children are the sub-expressions of n worth comparing with payoffs.
func children(n ast.Node) []ast.Node {
	switch x := n.(type) {
	case *ast.BinaryNode:
		return []ast.Node{x.Left, x.Right}
	case *ast.UnaryNode:
		return []ast.Node{x.Node}
	case *ast.CallNode:
		if isQuantityCall(x) {
			return nil
		}
		return x.Arguments
	case *ast.BuiltinNode:
		return x.Arguments
	case *ast.ConditionalNode:
		return []ast.Node{x.Cond, x.Exp1, x.Exp2}
	}
	return nil
}

// restates reports whether n, an expression of parameters only, equals a
// payoff figure on every test draw (and that figure is not always 0).
func restates(n ast.Node, envs []map[string]any, figs []*figure, payoffRules map[string][]scenario.Pos) (Restatement, bool) {
	switch n.(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.StringNode, *ast.NilNode:
		return Restatement{}, false
	}
	quantity := false
	ast.Walk(&n, visitor(func(x ast.Node) {
		if isQuantityCall(x) {
			quantity = true
		}
	}))
	if quantity {
		return Restatement{}, false
	}
	src := n.String()
	prog, err := expr.Compile(src, expr.Env(envs[0]), expr.AsFloat64())
	if err != nil {
		return Restatement{}, false
	}
	vals := make([]float64, len(envs))
	for k, env := range envs {
		out, err := expr.Run(prog, env)
		if err != nil {
			return Restatement{}, false
		}
		vals[k], _ = out.(float64)
	}
	for _, f := range figs {
		zero, same := true, true
		for k, v := range vals {
			w := f.vals[k]
			zero = zero && w == 0
			same = same && math.Abs(v-w) <= 1e-9*math.Max(1, math.Abs(w))
		}
		if same && !zero {
			return Restatement{Expr: src, Meaning: f.meaning, Rules: payoffRules[f.state]}, true
		}
	}
	return Restatement{}, false
}

// signFixed says why a comparison of value(actor, profile[, component])
// with a number is settled by the signs of the payoffs, or "".
func signFixed(sc *scenario.Scenario, root ast.Node, envs []map[string]any, signs map[[2]int]int) string {
	var found string
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		if found != "" {
			return
		}
		b, ok := n.(*ast.BinaryNode)
		if ok && (b.Operator == "<" || b.Operator == "<=" || b.Operator == ">" || b.Operator == ">=") {
			for side, q := range []ast.Node{b.Left, b.Right} {
				other := []ast.Node{b.Right, b.Left}[side]
				a, c, ok := valueCall(sc, q)
				if !ok {
					continue
				}
				sg, known := signs[[2]int{a, c}]
				if !known || sg == 0 {
					continue
				}
				k, ok := constSign(other, envs)
				if !ok || !settled(b.Operator, side == 1, sg, k) {
					continue
				}
				what := "its weighted total"
				if c >= 0 {
					what = "component " + sc.Components[c].ID
				}
				word := "positive"
				if sg < 0 {
					word = "negative"
				}
				found = fmt.Sprintf("`%s` compares %s with a number of the other sign, but every payoff %s receives in %s is %s or zero on every test draw, so the value cannot change sign: the verdict is fixed by the payoff rules, whatever the dynamics",
					b.String(), q.String(), sc.Actors[a].ID, what, word)
				return
			}
		}
		for _, c := range children(n) {
			walk(c)
		}
	}
	walk(root)
	return found
}

// settled reports whether v op k is the same on every draw when v has sign
// sg or is 0 (v is on the right of op when swapped) and k has sign ks:
// when k is of the other sign, or k is 0 and op asks whether v crosses it.
func settled(op string, swapped bool, sg, ks int) bool {
	if swapped {
		op = map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
	}
	if ks == -sg {
		return true
	}
	if ks != 0 {
		return false
	}
	if sg > 0 {
		return op == ">=" || op == "<"
	}
	return op == "<=" || op == ">"
}

// valueCall reads value("actor", "profile"[, "component"]) and returns the
// actor and the component (-1: weighted total).
func valueCall(sc *scenario.Scenario, n ast.Node) (actor, comp int, ok bool) {
	c, isCall := n.(*ast.CallNode)
	if !isCall || !isQuantityCall(c) || c.Callee.(*ast.IdentifierNode).Value != "value" || len(c.Arguments) < 2 {
		return 0, 0, false
	}
	str := func(i int) string {
		if s, ok := c.Arguments[i].(*ast.StringNode); ok {
			return s.Value
		}
		return ""
	}
	actor = actorIndex(sc, str(0))
	comp = -1
	if len(c.Arguments) == 3 {
		comp = -2
		for i, cm := range sc.Components {
			if cm.ID == str(2) {
				comp = i
			}
		}
	}
	return actor, comp, actor >= 0 && comp != -2
}

// constSign is the sign of a parameter-only expression when it is the same
// on every test draw (0 counts as its own sign).
func constSign(n ast.Node, envs []map[string]any) (int, bool) {
	quantity := false
	ast.Walk(&n, visitor(func(x ast.Node) {
		if isQuantityCall(x) {
			quantity = true
		}
	}))
	if quantity {
		return 0, false
	}
	prog, err := expr.Compile(n.String(), expr.Env(envs[0]), expr.AsFloat64())
	if err != nil {
		return 0, false
	}
	sign := 2
	for _, env := range envs {
		out, err := expr.Run(prog, env)
		if err != nil {
			return 0, false
		}
		v, _ := out.(float64)
		s := 0
		if v > 0 {
			s = 1
		} else if v < 0 {
			s = -1
		}
		if sign != 2 && s != sign {
			return 0, false
		}
		sign = s
	}
	return sign, true
}

// payoffRulesByState maps each state to the payoff rules whose `in` names
// it, from the source.
func payoffRulesByState(s *source) map[string][]scenario.Pos {
	out := map[string][]scenario.Pos{}
	seq, ok := get(s.root, "payoffs").(*yast.SequenceNode)
	if !ok {
		return out
	}
	for _, it := range seq.Values {
		in := get(mapping(it), "in")
		var names []string
		switch x := in.(type) {
		case *yast.SequenceNode:
			for _, v := range x.Values {
				names = append(names, v.GetToken().Value)
			}
		case nil:
		default:
			names = append(names, x.GetToken().Value)
		}
		for _, n := range names {
			out[n] = append(out[n], posOfNode(it))
		}
	}
	return out
}
