package scenario

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"github.com/goccy/go-yaml/ast"
)

// State families: `ladder[0..9]` in `states` stands for the ten states
// ladder[0] ... ladder[9], each written out as if listed one by one (at
// the family's position). A rule whose `from` (transitions) or `in`
// (payoffs, strategy rules) is `ladder[i]` is read once per member, with i
// bound to the member's index: its state names may be `ladder[i+1]`
// (any integer expression of i) and its numbers may use i. `ladder[2..7]`
// binds i over that range only. Rules over a family skip its terminal
// members where a terminal state cannot be (transitions, strategy rules).

// family is one indexed family of states.
type family struct {
	name   string
	lo, hi int
	pos    Pos
}

// binding is the index of a family rule being read.
type binding struct {
	name    string // the index variable, e.g. "i"
	val     int
	pattern string // the from/in text that binds it, e.g. "ladder[i]"
}

// Limits on expansion, so that a short file cannot ask for unbounded work.
const (
	maxFamilyStates = 100_000   // states in all, families included
	maxExpansions   = 1_000_000 // family rules read, all members counted
)

var (
	famRangeRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\[\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*\]$`)
	})
	famRefRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\[(.+)\]$`) })
	digitsRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`-?\d+(\.\d+)?`) })
	identOnlyRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })
)

// familyStates expands a family entry of `states` (id `name[lo..hi]`) into
// its members, reading `initial` and `terminal` as true/false or as a
// condition on the index i (`terminal: i == 0 or i == 9`).
func (c *compiler) familyStates(id string, idPos Pos, kvs []kv, info Info) ([]State, bool) {
	m := famRangeRE().FindStringSubmatch(id)
	lo, err1 := strconv.Atoi(m[2])
	hi, err2 := strconv.Atoi(m[3])
	if err1 != nil || err2 != nil || lo > hi || lo < 0 {
		c.d.errorf(idPos, "write name[FIRST..LAST] with 0 <= FIRST <= LAST, e.g. ladder[0..9]", "state family %q: bad range", id)
		return nil, false
	}
	// hi - lo cannot overflow (0 <= lo <= hi); hi - lo + 1 can, at hi =
	// MaxInt, so the count is compared before the 1 is added.
	if hi-lo >= maxFamilyStates {
		c.d.errorf(idPos, fmt.Sprintf("at most %d states in all", maxFamilyStates), "state family %s has %s members: too many", id, new(big.Int).Add(big.NewInt(int64(hi-lo)), big.NewInt(1)))
		return nil, false
	}
	n := hi - lo + 1
	if before := len(c.stateNames); before+n > maxFamilyStates {
		c.d.errorf(idPos, fmt.Sprintf("at most %d states in all", maxFamilyStates),
			"state family %s has %d members, which with the %d states before it makes %d: too many", id, n, before, before+n)
		return nil, false
	}
	name := m[1]
	if _, dup := c.families[name]; dup {
		c.d.errorf(idPos, "", "duplicate state family %q", name)
		return nil, false
	}
	if _, dup := c.stateIndex[name]; dup {
		c.d.errorf(idPos, "", "state family %q has the name of a state", name)
		return nil, false
	}
	c.families[name] = &family{name: name, lo: lo, hi: hi, pos: idPos}
	cond := func(key string) func(int) bool {
		for _, f := range kvs {
			if f.key != key {
				continue
			}
			if b, ok := f.val.(*ast.BoolNode); ok {
				return func(int) bool { return b.Value }
			}
			src, kind := scalarText(f.val)
			if kind != "string" {
				c.d.errorf(posOf(f.val), "write true, false or a condition on i such as i == 9", "%s of a state family must be true, false or a condition on i", key)
				return nil
			}
			prog, err := compileSafely(src, append(baseOptions(), expr.Env(map[string]any{"i": 0}), expr.AsBool()))
			if err != nil {
				c.d.errorf(posOf(f.val), "a condition on the index i, e.g. i == 0 or i == 9", "%s: %s", key, firstLine(err.Error()))
				return nil
			}
			return func(i int) bool {
				out, err := expr.Run(prog, map[string]any{"i": i})
				b, _ := out.(bool)
				return err == nil && b
			}
		}
		return func(int) bool { return false }
	}
	initial, terminal := cond("initial"), cond("terminal")
	if initial == nil || terminal == nil {
		return nil, false
	}
	out := make([]State, 0, n)
	for k := lo; k <= hi; k++ {
		out = append(out, State{ID: fmt.Sprintf("%s[%d]", name, k), Pos: idPos, Info: info, Initial: initial(k), Terminal: terminal(k)})
	}
	return out, true
}

// bindings returns the members a family rule is read for: one binding per
// member when pattern (the rule's from/in) is `name[VAR]` or
// `name[lo..hi]`, skipping terminal members unless allowTerminal; nil and
// ok when the rule is not a family rule.
func (c *compiler) bindings(n ast.Node, allowTerminal bool) ([]*binding, bool) {
	text, kind := scalarText(n)
	if kind != "string" || len(c.families) == 0 {
		return nil, true
	}
	return c.bindingsOf(text, posOf(n), allowTerminal)
}

// bindingsOf is bindings for a pattern written as a mapping key.
func (c *compiler) bindingsOf(text string, at Pos, allowTerminal bool) ([]*binding, bool) {
	text = strings.TrimSpace(text)
	var fam *family
	var lo, hi int
	varName := "i"
	if m := famRangeRE().FindStringSubmatch(text); m != nil {
		f, ok := c.families[m[1]]
		if !ok {
			return nil, true // reported as an unknown state
		}
		lo, _ = strconv.Atoi(m[2])
		hi, _ = strconv.Atoi(m[3])
		if lo > hi || lo < f.lo || hi > f.hi {
			c.d.errorf(at, fmt.Sprintf("%s has members %d..%d", f.name, f.lo, f.hi), "%s: range outside the family", text)
			return nil, false
		}
		fam = f
	} else if m := famRefRE().FindStringSubmatch(text); m != nil && identOnlyRE().MatchString(strings.TrimSpace(m[2])) {
		f, ok := c.families[m[1]]
		if !ok {
			return nil, true
		}
		fam, lo, hi, varName = f, f.lo, f.hi, strings.TrimSpace(m[2])
		if _, isParam := c.paramIndex[varName]; isParam {
			c.d.errorf(at, "name the index otherwise, e.g. i", "index %s of %s is also a parameter", varName, text)
			return nil, false
		}
	} else {
		return nil, true
	}
	var out []*binding
	for k := lo; k <= hi; k++ {
		s := c.stateIndex[fmt.Sprintf("%s[%d]", fam.name, k)]
		if !allowTerminal && c.sc.States[s].Terminal {
			continue
		}
		out = append(out, &binding{name: varName, val: k, pattern: text})
	}
	c.expansions += len(out)
	if c.expansions > maxExpansions {
		c.d.errorf(at, "fewer or smaller family rules", "family rules expand to more than %d rules in all", maxExpansions)
		return nil, false
	}
	if len(out) == 0 {
		c.d.errorf(at, "", "%s: every member is terminal", text)
		return nil, false
	}
	return out, true
}

// familyMember resolves a state name of the form name[expr] against the
// families and the binding of the rule being read. handled is false when
// name is not of that form or names no family.
func (c *compiler) familyMember(name string, p Pos) (s int, ok, handled bool) {
	m := famRefRE().FindStringSubmatch(strings.TrimSpace(name))
	if m == nil {
		return 0, false, false
	}
	f, isFam := c.families[m[1]]
	if !isFam {
		return 0, false, false
	}
	if c.bind != nil && strings.TrimSpace(name) == c.bind.pattern {
		return c.stateIndex[fmt.Sprintf("%s[%d]", f.name, c.bind.val)], true, true
	}
	src := m[2]
	if famRangeRE().MatchString(strings.TrimSpace(name)) {
		c.d.errorf(p, "a range binds i only as a rule's from (transitions) or in (payoffs, strategy rules)", "%s: a range of states cannot be used here", name)
		return 0, false, true
	}
	env := map[string]any{}
	if c.bind != nil {
		env[c.bind.name] = c.bind.val
	}
	prog, err := c.indexProgram(src, env)
	if err != nil {
		hint := "an index is a whole number or, in a family rule, an expression of its index such as i+1"
		if c.bind == nil {
			hint = "an index variable is bound by a family rule's from or in, e.g. from: " + f.name + "[i]"
		}
		c.d.errorf(p, hint, "state %s: %s", name, firstLine(err.Error()))
		return 0, false, true
	}
	out, err := expr.Run(prog, env)
	k, isInt := wholeIndex(out)
	if err != nil || !isInt {
		where, got := "", fmt.Sprint(out)
		if c.bind != nil {
			where = fmt.Sprintf(" for %s = %d", c.bind.name, c.bind.val)
		}
		if err != nil {
			got = firstLine(err.Error())
		}
		c.d.errorf(p, "an index is a whole number: round it with floor or ceil, e.g. "+f.name+"[floor(i/2)]",
			"state %s: index %s is %s%s, not a whole number", name, strings.TrimSpace(src), got, where)
		return 0, false, true
	}
	if k < f.lo || k > f.hi {
		where := ""
		if c.bind != nil {
			where = fmt.Sprintf(" for %s = %d", c.bind.name, c.bind.val)
		}
		c.d.errorf(p, fmt.Sprintf("restrict the rule to the members where it fits, e.g. from: %s[%d..%d], or clamp the index with min/max", f.name, f.lo, f.hi-1),
			"state %s is %s[%d]%s, outside %s[%d..%d]", name, f.name, k, where, f.name, f.lo, f.hi)
		return 0, false, true
	}
	return c.stateIndex[fmt.Sprintf("%s[%d]", f.name, k)], true, true
}

// wholeIndex is the member index an index expression evaluated to: an int,
// or a float that is a whole number within int range (i/2 is a float in
// expr, 1 for i = 2 and 0.5 for i = 1, which is an error rather than a
// member silently truncated to).
func wholeIndex(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case float64:
		switch {
		case x != math.Trunc(x) || math.IsInf(x, 0): // a fraction, NaN or an infinity
		case x >= 1<<53:
			return math.MaxInt, true // outside any family
		case x <= -(1 << 53):
			return math.MinInt, true
		default:
			return int(x), true
		}
	}
	return 0, false
}

// indexProgram compiles an index expression once per source.
func (c *compiler) indexProgram(src string, env map[string]any) (*vm.Program, error) {
	key := src
	for k := range env {
		key += "\x00" + k
	}
	if p, ok := c.indexProgs[key]; ok {
		return p, nil
	}
	if c.indexProgs == nil {
		c.indexProgs = map[string]*vm.Program{}
	}
	// Not expr.AsInt: it truncates a float result, so that ladder[i+0.5]
	// would silently be ladder[i]; wholeIndex checks the value instead.
	opts := []expr.Option{expr.DisableAllBuiltins(), expr.EnableBuiltin("abs"), expr.EnableBuiltin("max"), expr.EnableBuiltin("min"),
		expr.EnableBuiltin("floor"), expr.EnableBuiltin("ceil"), expr.Env(env), expr.MaxNodes(200)}
	p, err := compileSafely(src, opts)
	if err != nil {
		return nil, err
	}
	c.indexProgs[key] = p
	return p, nil
}

// perMember reads rule it with read, once per member when the rule's key
// (from or in) names a family, else once; a diagnostic that several
// members share is kept once.
func (c *compiler) perMember(it ast.Node, key string, allowTerminal bool, read func()) {
	var bs []*binding
	if m, ok := it.(*ast.MappingNode); ok && len(c.families) > 0 {
		for _, mv := range m.Values {
			if mv == nil || mv.Key == nil {
				continue
			}
			if k, _ := scalarText(c.resolve(mv.Key)); k == key {
				var ok bool
				if bs, ok = c.bindings(c.resolve(mv.Value), allowTerminal); !ok {
					return
				}
			}
		}
	}
	if bs == nil {
		read()
		return
	}
	c.eachMember(bs, read)
}

// eachMember calls read with each binding in turn; a diagnostic that
// several members share is kept once, and one that differs between members
// only in its numbers (the member's index, the value it gave) is kept for
// the first member, with a count of the others.
func (c *compiler) eachMember(bs []*binding, read func()) {
	seen := map[Diagnostic]bool{}
	for _, d := range c.d.list {
		seen[d] = true
	}
	first := map[Diagnostic]int{} // a diagnostic's shape -> its place in c.d.list
	more := map[int]int{}         // that place -> members left out
	for _, b := range bs {
		c.bind = b
		n := len(c.d.list)
		read()
		kept := c.d.list[:n]
		for _, d := range c.d.list[n:] {
			if seen[d] {
				continue
			}
			seen[d] = true
			shape := d
			shape.Msg = digitsRE().ReplaceAllString(d.Msg, "#")
			if at, ok := first[shape]; ok {
				more[at]++
				continue
			}
			first[shape] = len(kept)
			kept = append(kept, d)
		}
		c.d.list = kept
	}
	c.bind = nil
	for at, k := range more {
		c.d.list[at].Msg += fmt.Sprintf(" (and the same for %d more members)", k)
	}
}
