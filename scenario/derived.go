package scenario

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Derived is a parameter computed from others on every draw, written as an
// expression: `pv_us: 1 / (1 - d_us)`, or `{value: "1 / (1 - d_us)",
// description: ...}` to say why. Derived parameters are evaluated in
// dependency order after the drawn ones, so they follow every draw and every
// sweep of the parameters they read.
type Derived struct {
	Name string
	Expr string
	Info Info
	Pos  Pos
	x    *expression
}

// isDerived reports whether a parameter's value is an expression: a string,
// or a mapping whose `value` is a string.
func (c *compiler) isDerived(n ast.Node) bool {
	if _, kind := scalarText(n); kind == "string" {
		return true
	}
	m, ok := n.(*ast.MappingNode)
	if !ok {
		return false
	}
	for _, mv := range m.Values {
		if mv == nil || mv.Key == nil {
			continue
		}
		if k, _ := scalarText(c.resolve(mv.Key)); k == "value" {
			_, kind := scalarText(c.resolve(mv.Value))
			return kind == "string"
		}
	}
	return false
}

// parseDerived compiles the derived parameters and orders them so that each
// comes after the derived parameters it reads; a cycle is an error at the
// position of its first parameter.
func (c *compiler) parseDerived(kvs []kv) {
	var ds []Derived
	for _, p := range kvs {
		d := Derived{Name: p.key, Pos: p.kpos}
		n := p.val
		if m, ok := n.(*ast.MappingNode); ok {
			body, ok := c.mapping(m, "parameter "+p.key, p.kpos)
			if !ok {
				c.defsBroken = true
				continue
			}
			c.checkKeys(body, "derived parameter "+p.key, withInfo("value")...)
			d.Info = c.info(body)
			for _, f := range body {
				if f.key == "value" {
					n = f.val
				}
			}
		}
		d.Expr, _ = scalarText(n)
		d.x = c.num(n, "parameter "+p.key, p.kpos)
		if d.x == nil {
			c.defsBroken = true
			continue
		}
		ds = append(ds, d)
	}
	// dep[i]: the derived parameters (indices into ds) that ds[i] reads.
	byName := map[string]int{}
	for i, d := range ds {
		byName[d.Name] = i
	}
	dep := make([][]int, len(ds))
	for i, d := range ds {
		for _, pi := range d.x.params {
			if j, ok := byName[c.paramNames[pi]]; ok {
				dep[i] = append(dep[i], j)
			}
		}
	}
	// Depth-first search: state 1 on the stack, 2 done.
	state := make([]int, len(ds))
	var order []int
	var stack []int
	var visit func(i int) bool
	visit = func(i int) bool {
		switch state[i] {
		case 1:
			k := 0
			for stack[k] != i {
				k++
			}
			cyc := append(append([]int(nil), stack[k:]...), i)
			names := make([]string, len(cyc))
			for x, j := range cyc {
				names[x] = ds[j].Name
			}
			c.d.errorf(ds[i].Pos, "a derived parameter cannot depend on itself, directly or through others",
				"parameter %s depends on itself: %s", ds[i].Name, strings.Join(names, " -> "))
			return false
		case 2:
			return true
		}
		state[i] = 1
		stack = append(stack, i)
		ok := true
		for _, j := range dep[i] {
			if !visit(j) {
				ok = false
				break
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = 2
		if ok {
			order = append(order, i)
		}
		return ok
	}
	for i := range ds {
		if state[i] == 0 && !visit(i) {
			c.defsBroken = true
		}
	}
	for _, i := range order {
		c.sc.Derived = append(c.sc.Derived, ds[i])
	}
}

// env returns the values of every parameter on draw d: the drawn ones, then
// the derived ones in dependency order (an error names the derived
// parameter whose value is not a finite number on d).
func (sc *Scenario) env(d Draw) (map[string]any, error) {
	return sc.envInto(nil, d)
}

// envInto is env writing into a map that an earlier call returned (its
// keys are the same), or into a new one when env is nil: validation
// evaluates hundreds of draws, and a new map of every parameter for each
// was most of the time `truce check` took on 100,000 parameters.
func (sc *Scenario) envInto(env map[string]any, d Draw) (map[string]any, error) {
	if env == nil {
		env = make(map[string]any, len(sc.Parameters)+len(sc.Derived)+len(sc.Dates)+len(sc.quantities)+1)
	}
	for i, p := range sc.Parameters {
		env[p.Name] = d.Values[i]
	}
	for _, dt := range sc.Dates {
		env[dt.Name] = float64(dt.Step)
	}
	for i := range sc.Derived {
		dv := &sc.Derived[i]
		v, err := sc.evalExpr(dv.x, env, d)
		if err != nil {
			if de, ok := err.(*drawError); ok {
				de.msg = fmt.Sprintf("parameter %s %s", dv.Name, de.msg)
			}
			return nil, err
		}
		env[dv.Name] = v
	}
	return env, nil
}

// DerivedValues returns the values of the derived parameters (sc.Derived
// order) on draw d.
func (sc *Scenario) DerivedValues(d Draw) ([]float64, error) {
	env, err := sc.env(d)
	if err != nil {
		return nil, sc.posErr(err)
	}
	out := make([]float64, len(sc.Derived))
	for i, dv := range sc.Derived {
		out[i] = env[dv.Name].(float64)
	}
	return out, nil
}
