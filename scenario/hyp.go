package scenario

import (
	"github.com/expr-lang/expr"
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
	opts := append(baseOptions(), expr.Env(c.usedEnv(p)), expr.AsBool())
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
