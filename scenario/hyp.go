package scenario

import (
	"fmt"
	"strconv"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// hypProgram is a compiled hypothesis: its quantity calls replaced by
// variables __q0, __q1, ... that are set per draw.
type hypProgram struct {
	prog *vm.Program
}

// Verdict thresholds on the share of draws in which a hypothesis holds.
const (
	SupportedShare = 0.9
	RejectedShare  = 0.1
)

// Verdict names the evidence for a hypothesis holding in share of draws:
// "supported" (share >= 0.9), "rejected" (share <= 0.1), else "uncertain".
func Verdict(share float64) string {
	switch {
	case share >= SupportedShare:
		return "supported"
	case share <= RejectedShare:
		return "rejected"
	}
	return "uncertain"
}

func (c *compiler) parseHypotheses(e kv) {
	items, ok := c.sequence(e.val, "hypotheses")
	if !ok {
		return
	}
	seen := map[string]bool{}
	for _, it := range items {
		kvs, ok := c.mapping(it, "a hypothesis", posOf(it))
		if !ok {
			continue
		}
		c.checkKeys(kvs, "hypothesis", withInfo("id", "claim", "expr")...)
		h := Hypothesis{Pos: posOf(it), Info: c.info(kvs)}
		var exprKV *kv
		for i, f := range kvs {
			switch f.key {
			case "id":
				h.ID, h.Pos, _ = c.name(f.val, "hypothesis id", f.kpos)
			case "claim":
				h.Claim, _ = c.text(f.val, "claim", f.kpos)
			case "expr":
				exprKV = &kvs[i]
			}
		}
		if h.ID == "" {
			c.d.errorf(posOf(it), "add `id: H1`", "hypothesis without id")
			continue
		}
		if seen[h.ID] {
			c.d.errorf(h.Pos, "", "duplicate hypothesis %q", h.ID)
			continue
		}
		seen[h.ID] = true
		if exprKV == nil {
			c.d.errorf(h.Pos, `add e.g. expr: reach("war", 52, "baseline") < 0.15`, "hypothesis %q has no `expr`", h.ID)
			continue
		}
		src, kind := scalarText(exprKV.val)
		if kind != "string" {
			c.d.errorf(posOf(exprKV.val), "", "hypothesis expr must be text")
			continue
		}
		h.Expr = src
		if !c.compileHyp(&h, src, posOf(exprKV.val), isQuoted(exprKV.val)) {
			continue
		}
		c.sc.Hypotheses = append(c.sc.Hypotheses, h)
	}
}

func (c *compiler) compileHyp(h *Hypothesis, src string, pos Pos, quoted bool) bool {
	p, patched, ok := c.checkExpr(src, pos, quoted, true)
	if !ok {
		return false
	}
	env := make(map[string]any, len(c.paramEnv)+len(c.quantities))
	for k, v := range c.paramEnv {
		env[k] = v
	}
	for _, q := range c.quantities {
		env[q.ident] = 0.0
	}
	opts := append(baseOptions(), expr.Env(env), expr.AsBool())
	prog, err := compileSafely(patched, opts)
	if err != nil {
		c.d.errorf(pos, "a hypothesis is a true/false statement, e.g. absorb(\"war\", \"baseline\") < 0.2", "invalid hypothesis: %v", firstLine(err.Error()))
		return false
	}
	h.prog = hypProgram{prog: prog}
	seen := map[*quantity]bool{}
	for _, q := range p.quants {
		if !seen[q] {
			seen[q] = true
			h.quant = append(h.quant, q)
		}
	}
	return true
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}

// quantityCall resolves reach/absorb/time/value with literal arguments.
func (c *compiler) quantityCall(n *ast.CallNode, p *exprChecker) *quantity {
	name := n.Callee.(*ast.IdentifierNode).Value
	at := p.at(n.Location())
	args := n.Arguments
	strArg := func(i int) (string, Pos, bool) {
		ap := p.at(args[i].Location())
		s, ok := args[i].(*ast.StringNode)
		if !ok {
			c.d.errorf(ap, "write the name in quotes, e.g. \"war\"", "argument %d of %s must be a quoted name", i+1, name)
			return "", ap, false
		}
		return s.Value, ap, true
	}
	q := &quantity{fn: name, comp: -1}
	var want string
	var nargs []int
	switch name {
	case "reach":
		want, nargs = `reach("state", steps, "profile")`, []int{3}
	case "absorb", "time":
		want, nargs = name+`("state", "profile")`, []int{2}
	case "value":
		want, nargs = `value("actor", "profile"[, "component"])`, []int{2, 3}
	}
	okN := false
	for _, k := range nargs {
		okN = okN || len(args) == k
	}
	if !okN {
		c.d.errorf(at, "write "+want, "%s takes %v arguments, got %d", name, nargs, len(args))
		return nil
	}
	profileArg := len(args) - 1
	if name == "value" {
		profileArg = 1
	}
	if name == "value" {
		actor, ap, ok := strArg(0)
		if !ok {
			return nil
		}
		a, ok := c.lookupActor(actor, ap)
		if !ok {
			return nil
		}
		q.actor = a
		if len(args) == 3 {
			comp, cp, ok := strArg(2)
			if !ok {
				return nil
			}
			ci, ok := c.compIndex[comp]
			if !ok {
				c.d.errorf(cp, suggest(comp, c.compNames), "unknown payoff component %q", comp)
				return nil
			}
			q.comp = ci
		}
	} else {
		st, sp, ok := strArg(0)
		if !ok {
			return nil
		}
		s, ok := c.lookupState(st, sp)
		if !ok {
			return nil
		}
		q.state = s
	}
	if name == "reach" {
		ap := p.at(args[1].Location())
		in, ok := args[1].(*ast.IntegerNode)
		if !ok {
			c.d.errorf(ap, "write a whole number of steps, e.g. 52", "argument 2 of reach must be a whole number")
			return nil
		}
		if in.Value < 0 || in.Value > c.sc.Horizon {
			c.d.errorf(ap, fmt.Sprintf("use 0 to the horizon, %d", c.sc.Horizon), "reach: %d steps is outside the horizon", in.Value)
			return nil
		}
		q.steps = in.Value
	}
	prof, pp, ok := strArg(profileArg)
	if !ok {
		return nil
	}
	pi, ok := c.profileIndex[prof]
	if !ok && c.brokenProfiles[prof] {
		return nil
	}
	if !ok {
		var cands []string
		for _, pd := range c.sc.Profiles {
			cands = append(cands, pd.Name)
		}
		c.d.errorf(pp, suggest(prof, cands), "unknown profile %q", prof)
		return nil
	}
	q.profile = pi
	switch name {
	case "reach":
		q.key = fmt.Sprintf("reach(%s, %d, %s)", strconv.Quote(c.stateNames[q.state]), q.steps, strconv.Quote(prof))
	case "absorb", "time":
		q.key = fmt.Sprintf("%s(%s, %s)", name, strconv.Quote(c.stateNames[q.state]), strconv.Quote(prof))
	case "value":
		if q.comp >= 0 {
			q.key = fmt.Sprintf("value(%s, %s, %s)", strconv.Quote(c.actorNames[q.actor]), strconv.Quote(prof), strconv.Quote(c.compNames[q.comp]))
		} else {
			q.key = fmt.Sprintf("value(%s, %s)", strconv.Quote(c.actorNames[q.actor]), strconv.Quote(prof))
		}
	}
	if old, ok := c.quantities[q.key]; ok {
		return old
	}
	q.ident = fmt.Sprintf("__q%d", len(c.quantities))
	c.quantities[q.key] = q
	c.sc.quantities = append(c.sc.quantities, q)
	return q
}
