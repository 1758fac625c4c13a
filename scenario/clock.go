package scenario

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml/ast"
)

// The clock: rules may depend on the step. `step` in an expression is the
// current step (0 at the start), `when: {step: ">= 26"}` limits a
// transition rule, a payoff rule or a strategy rule to some steps, and
// `clock: {deadline: 8}` names steps for both. At step t the actors choose
// (their strategies at step t), the payoff rules of step t pay, and the
// transition rules of step t draw the state of step t+1: a transition rule
// with `when: {step: ">= 8"}` moves the process from step 8 on, so the
// first state it can lead to is the state at step 9.
//
// The engine carries the step in the chain only as far as the rules tell
// steps apart (Scenario.Clock): beyond the last step a condition names
// they are stationary again. An expression that reads `step` can change
// at every step, so the chain then carries it up to the horizon, and
// beyond it the rules are taken as they are at the horizon.

// maxClockTables bounds (clock + 1) × joint actions: a clocked scenario
// keeps transitions and flows per step before its clock runs out.
const maxClockTables = 1_000_000

// Date is a named step of the clock section.
type Date struct {
	Name string
	Step int
	Pos  Pos
}

// stepTest is one comparison of the step with a number.
type stepTest struct {
	op string // <, <=, >, >=, ==, !=, or ".." for an inclusive range
	a  int
	b  int // the range's end
}

// stepCond holds when every test holds.
type stepCond struct {
	tests []stepTest
	src   string
	pos   Pos
}

func (sc *stepCond) holds(t int) bool {
	for _, x := range sc.tests {
		var ok bool
		switch x.op {
		case "<":
			ok = t < x.a
		case "<=":
			ok = t <= x.a
		case ">":
			ok = t > x.a
		case ">=":
			ok = t >= x.a
		case "==":
			ok = t == x.a
		case "!=":
			ok = t != x.a
		case "..":
			ok = t >= x.a && t <= x.b
		}
		if !ok {
			return false
		}
	}
	return true
}

// settles is the first step from which the condition no longer changes.
func (sc *stepCond) settles() int {
	n := 0
	for _, x := range sc.tests {
		switch x.op {
		case "<", ">=":
			n = max(n, x.a)
		case "..":
			n = max(n, x.b+1)
		default:
			n = max(n, x.a+1)
		}
	}
	return n
}

var stepTestRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*(<=|>=|==|!=|<|>)?\s*([A-Za-z_][A-Za-z0-9_]*|\d+)\s*(?:\.\.\s*([A-Za-z_][A-Za-z0-9_]*|\d+))?\s*$`)
})

func (c *compiler) parseClock(e kv) {
	c.dates = map[string]int{}
	kvs, ok := c.mapping(e.val, "clock", e.kpos)
	if !ok {
		return
	}
	for _, f := range kvs {
		if !identRE().MatchString(f.key) || f.key == "step" || contains(reservedWords, f.key) || isQuantityFunc(f.key) {
			c.d.errorf(f.kpos, "name a date with letters, digits and _, e.g. deadline", "invalid date name %q", f.key)
			continue
		}
		if _, isParam := c.paramIndex[f.key]; isParam {
			c.d.errorf(f.kpos, "dates and parameters share one name space", "date %s has the name of a parameter", f.key)
			continue
		}
		v, ok := c.intNum(f.val, "date "+f.key, f.kpos)
		if !ok {
			continue
		}
		if v < 0 || v > maxHorizon {
			c.d.errorf(posOf(f.val), fmt.Sprintf("a step from 0 to %d", maxHorizon), "date %s = %d out of range", f.key, v)
			continue
		}
		c.dates[f.key] = v
		c.paramEnv[f.key] = float64(v) // known to every expression, hypotheses too
		c.sc.Dates = append(c.sc.Dates, Date{Name: f.key, Step: v, Pos: f.kpos})
	}
}

// stepNumber reads a step: a whole number or a date name.
func (c *compiler) stepNumber(s string, at Pos) (int, bool) {
	if s != "" && strings.Trim(s, "0123456789") == "" {
		// Steps in conditions are bounded like the clock's dates: a step
		// near the largest int overflowed the clock's table count into an
		// internal error.
		n, err := strconv.Atoi(s)
		if err != nil || n > maxHorizon {
			c.d.errorf(at, fmt.Sprintf("a step from 0 to %d", maxHorizon), "step %s out of range", s)
			return 0, false
		}
		return n, true
	}
	if n, ok := c.dates[s]; ok {
		return n, true
	}
	var names []string
	for _, d := range c.sc.Dates {
		names = append(names, d.Name)
	}
	hint := "write a whole number of steps, or a date of the clock section"
	if h := suggest(s, names); h != "" {
		hint = h
	}
	c.d.errorf(at, hint, "unknown date %q", s)
	return 0, false
}

// parseStepCond reads the value of `step` in a `when`: ">= 26", "< deadline",
// "8..47" (inclusive), a whole number (that step only), or a list of these
// (all must hold).
func (c *compiler) parseStepCond(n ast.Node, at Pos) *stepCond {
	var items []ast.Node
	if seq, ok := n.(*ast.SequenceNode); ok {
		for _, v := range seq.Values {
			items = append(items, c.resolve(v))
		}
	} else {
		items = []ast.Node{n}
	}
	cond := &stepCond{pos: posOf(n)}
	var srcs []string
	good := true
	for _, it := range items {
		src, kind := scalarText(it)
		if kind != "string" && kind != "int" {
			c.d.errorf(posOf(it), `write e.g. step: ">= 26", "< deadline" or "8..47"`, "a step condition must be text such as \">= 26\"")
			good = false
			continue
		}
		m := stepTestRE().FindStringSubmatch(src)
		if m == nil {
			c.d.errorf(posOf(it), `compare with <, <=, >, >=, == or !=, or give a range a..b: ">= 26", "8..47"`, "cannot read step condition %q", src)
			good = false
			continue
		}
		a, ok := c.stepNumber(m[2], posOf(it))
		if !ok {
			good = false
			continue
		}
		x := stepTest{op: m[1], a: a}
		if m[3] != "" {
			if m[1] != "" {
				c.d.errorf(posOf(it), `a range is written "8..47", without a comparison`, "cannot read step condition %q", src)
				good = false
				continue
			}
			b, ok := c.stepNumber(m[3], posOf(it))
			if !ok {
				good = false
				continue
			}
			if b < a {
				c.d.errorf(posOf(it), "write the earlier step first", "step range %q is empty", src)
				good = false
				continue
			}
			x.op, x.b = "..", b
		} else if x.op == "" {
			x.op = "=="
		}
		cond.tests = append(cond.tests, x)
		srcs = append(srcs, strings.TrimSpace(src))
	}
	if !good {
		return nil
	}
	cond.src = strings.Join(srcs, ", ")
	c.stepConds = append(c.stepConds, cond)
	return cond
}

// stepOf returns the step condition among a rule's conditions, or nil.
func stepOf(cs []cond) *stepCond {
	for _, cd := range cs {
		if cd.step != nil {
			return cd.step
		}
	}
	return nil
}

// setClock decides how far the chain must carry the step: to the last
// step a condition tells apart, or to the horizon when an expression
// reads the step; and says why.
func (c *compiler) setClock() {
	sc := c.sc
	why := ""
	for _, cd := range c.stepConds {
		if n := cd.settles(); n > sc.Clock {
			sc.Clock = n
			why = fmt.Sprintf("step %q at line %d", cd.src, cd.pos.Line)
		}
	}
	if c.stepExpr != nil && sc.Horizon >= sc.Clock {
		sc.Clock = sc.Horizon
		why = fmt.Sprintf("`step` in an expression at line %d, so up to the horizon; beyond it the rules stay as at step %d", c.stepExpr.Line, sc.Horizon)
	}
	if sc.Clock > 0 && len(sc.Avail) == len(sc.States) {
		// Every step before the clock runs out has its own tables: bound
		// their size before anything is built.
		joint := 0
		for s, st := range sc.States {
			if !st.Terminal {
				n := 1
				for _, av := range sc.Avail[s] {
					n *= len(av)
				}
				joint += n
			}
		}
		if float64(sc.Clock+1)*float64(max(joint, 1)) > maxClockTables {
			at := Pos{1, 1}
			if c.stepExpr != nil {
				at = *c.stepExpr
			}
			for _, cd := range c.stepConds {
				if cd.settles() == sc.Clock {
					at = cd.pos
				}
			}
			c.d.errorf(at, "an earlier date, fewer states or actions, or step conditions (step: \">= N\") in place of `step` in expressions",
				"the clock runs %d steps over %d joint actions: %d tables, more than %d", sc.Clock, joint, (sc.Clock+1)*joint, maxClockTables)
			sc.Clock = 0
			return
		}
	}
	if sc.Clock > 0 {
		sc.ClockNote = fmt.Sprintf("the rules depend on the step until step %d (%s): the chain carries the step up to there and is stationary from then on", sc.Clock, why)
	}
}

// transTables are the deciding transition rules (per state and joint
// action) at each step the clock tells apart, the last from Clock on.
func (sc *Scenario) transTables() [][][]int {
	return append(append([][][]int(nil), sc.transOfAt...), sc.transOf)
}
