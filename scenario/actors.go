package scenario

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
)

// Discounts and weights may be expressions over parameters, like every
// other number: they are evaluated on each draw and checked there. A
// discount lies in [0, 1) on every draw; the number 1, written as such,
// makes an actor undiscounted (see docs/scenario.md, discount 1).

// numUnlessBroken reads a number or expression, except that an expression
// is not compiled when a parameter definition had errors: its names would
// only be reported again as unknown.
func (c *compiler) numUnlessBroken(n ast.Node, what string, at Pos) *expression {
	if _, kind := scalarText(n); c.defsBroken && kind == "string" {
		return nil
	}
	return c.num(n, what, at)
}

// discountExpr reads a discount: a number in [0, 1] or an expression over
// parameters, checked on every draw.
func (c *compiler) discountExpr(n ast.Node, at Pos) *expression {
	x := c.numUnlessBroken(n, "discount", at)
	if x == nil {
		return nil
	}
	if x.konst && !(x.val >= 0 && x.val <= 1) {
		c.d.errorf(x.pos, "a per-step discount such as 0.97; 1 for none", "discount %v outside [0, 1]", x.val)
		return nil
	}
	return x
}

// actorNumbers evaluates actor a's discount and weights on a draw.
func (sc *Scenario) actorNumbers(a int, env map[string]any, d Draw) (disc float64, w []float64, err error) {
	act := &sc.Actors[a]
	disc, err = sc.evalExpr(act.disc, env, d)
	if err != nil {
		return 0, nil, err
	}
	if !act.disc.konst && !(disc >= 0 && disc < 1) {
		where := ""
		if len(act.disc.params) > 0 {
			where = " (" + sc.describe(env, act.disc.params) + ")"
		}
		return 0, nil, &drawError{pos: act.disc.pos, msg: fmt.Sprintf("discount of %s = %.6g is outside [0, 1) on %s%s", act.ID, disc, drawName(d), where),
			hint: "a drawn discount must stay below 1 on every draw; only the number 1 itself makes an actor undiscounted"}
	}
	w = make([]float64, len(act.weights))
	for c, x := range act.weights {
		if w[c], err = sc.evalExpr(x, env, d); err != nil {
			return 0, nil, err
		}
	}
	return disc, w, nil
}

// setCentralActors fills each actor's Discount and Weights with their
// values at the central draw.
func (sc *Scenario) setCentralActors() {
	env, err := sc.env(sc.Central())
	for a := range sc.Actors {
		act := &sc.Actors[a]
		act.Undiscounted = act.disc.konst && act.disc.val == 1
		if err != nil {
			continue
		}
		act.Discount, act.Weights, _ = sc.actorNumbers(a, env, sc.Central())
	}
}
