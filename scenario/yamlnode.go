package scenario

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// kv is one entry of a YAML mapping, with positions.
type kv struct {
	key  string
	kpos Pos
	val  ast.Node // resolved (anchors, tags and aliases followed); may be nil
}

// posOf returns the position where n starts.
func posOf(n ast.Node) Pos {
	switch x := n.(type) {
	case nil:
		return Pos{1, 1}
	case *ast.MappingNode:
		if len(x.Values) > 0 {
			return posOf(x.Values[0])
		}
	case *ast.MappingValueNode:
		if x.Key != nil {
			return posOf(x.Key)
		}
	case *ast.AnchorNode:
		if x.Value != nil {
			return posOf(x.Value)
		}
	case *ast.TagNode:
		if x.Value != nil {
			return posOf(x.Value)
		}
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return Pos{1, 1}
	}
	return Pos{tk.Position.Line, tk.Position.Column}
}

// maxAliasDepth bounds alias chains so that a self-referencing anchor cannot
// loop forever.
const maxAliasDepth = 32

// resolve follows anchors, tags and aliases to the node that holds the value.
func (c *compiler) resolve(n ast.Node) ast.Node {
	for depth := 0; depth < maxAliasDepth; depth++ {
		switch x := n.(type) {
		case *ast.AnchorNode:
			n = x.Value
		case *ast.TagNode:
			n = x.Value
		case *ast.AliasNode:
			name := ""
			if x.Value != nil {
				name = x.Value.GetToken().Value
			}
			target, ok := c.anchors[name]
			if !ok {
				c.d.errorf(posOf(x), "", "unknown alias *%s", name)
				return nil
			}
			n = target
		default:
			return n
		}
	}
	c.d.errorf(posOf(n), "", "aliases nested too deeply")
	return nil
}

// anchorCollector records every anchor of the document before the walk.
type anchorCollector map[string]ast.Node

func (a anchorCollector) Visit(n ast.Node) ast.Visitor {
	if x, ok := n.(*ast.AnchorNode); ok && x.Name != nil {
		a[x.Name.GetToken().Value] = x.Value
	}
	return a
}

func isNull(n ast.Node) bool {
	if n == nil {
		return true
	}
	_, ok := n.(*ast.NullNode)
	return ok
}

// mapping returns the entries of a mapping node; null counts as empty.
func (c *compiler) mapping(n ast.Node, what string, at Pos) ([]kv, bool) {
	n = c.resolve(n)
	if isNull(n) {
		return nil, true
	}
	var vals []*ast.MappingValueNode
	flow := false
	switch x := n.(type) {
	case *ast.MappingNode:
		vals, flow = x.Values, x.IsFlowStyle
	case *ast.MappingValueNode:
		vals = []*ast.MappingValueNode{x}
	default:
		c.d.errorf(posOf(n), "", "%s must be a mapping (key: value)", what)
		return nil, false
	}
	out := make([]kv, 0, len(vals))
	seen := map[string]Pos{}
	ok := true
	for i := 0; i < len(vals); i++ {
		mv := vals[i]
		if mv == nil || mv.Key == nil {
			continue
		}
		if _, isMerge := mv.Key.(*ast.MergeKeyNode); isMerge {
			c.d.errorf(posOf(mv.Key), "repeat the entries instead", "merge keys (<<) are not supported")
			ok = false
			continue
		}
		kn := c.resolve(mv.Key)
		key, kind := scalarText(kn)
		kp := posOf(mv.Key)
		if kind == "" || kind == "null" {
			c.d.errorf(kp, "", "%s: keys must be plain names", what)
			ok = false
			continue
		}
		if first, dup := seen[key]; dup {
			c.d.errorf(kp, fmt.Sprintf("first given at line %d", first.Line), "duplicate key %q in %s", key, what)
			ok = false
			continue
		}
		seen[key] = kp
		val := c.resolve(mv.Value)
		if flow {
			// {war: max(p, 0.05)} reads as war: "max(p" and a key
			// "0.05)": the pieces are joined back and the comma reported
			// once, here, instead of an invalid expression and an
			// unknown name.
			var pieces []string
			for j := i + 1; j < len(vals) && isNull(c.resolve(vals[j].Value)); j++ {
				if s, kind := scalarText(c.resolve(vals[j].Key)); kind != "" && kind != "null" {
					pieces = append(pieces, s)
					continue
				}
				break
			}
			if joined, used := c.rejoinComma(val, pieces, key); used > 0 {
				val = joined
				i += used
			}
		}
		out = append(out, kv{key: key, kpos: kp, val: val})
	}
	return out, ok
}

// openParens is how many more "(" than ")" s has.
func openParens(s string) int { return strings.Count(s, "(") - strings.Count(s, ")") }

// rejoinComma mends a value of key that a comma of a {...} mapping cut:
// when n is an unquoted text with a "(" left open and the next pieces
// (keys without values) close it, it reports the cut at n, with the
// quoted text as the fix, and returns the text whole, so that nothing
// else is reported about the pieces. used is how many pieces it took (0:
// n is left as it is).
func (c *compiler) rejoinComma(n ast.Node, pieces []string, key string) (ast.Node, int) {
	s, ok := n.(*ast.StringNode)
	if !ok || isQuoted(s) || openParens(s.Value) <= 0 {
		return n, 0
	}
	parts, open := []string{s.Value}, openParens(s.Value)
	for _, p := range pieces {
		if open <= 0 {
			break
		}
		parts = append(parts, strings.TrimSpace(p))
		open += openParens(p)
	}
	if open != 0 || len(parts) == 1 {
		return n, 0
	}
	whole := strings.Join(parts, ", ")
	c.d.errorf(posOf(s), fmt.Sprintf("put it in quotes, %s: %q, or write the mapping as an indented block", key, whole),
		"a comma inside {...} ends an entry: %s was cut after %q", whole, s.Value)
	tk := *s.GetToken()
	tk.Value = whole
	return ast.String(&tk), len(parts) - 1
}

// sequence returns the items of a sequence node; null counts as empty.
func (c *compiler) sequence(n ast.Node, what string) ([]ast.Node, bool) {
	n = c.resolve(n)
	if isNull(n) {
		return nil, true
	}
	s, ok := n.(*ast.SequenceNode)
	if !ok {
		c.d.errorf(posOf(n), "", "%s must be a list", what)
		return nil, false
	}
	out := make([]ast.Node, 0, len(s.Values))
	for _, v := range s.Values {
		out = append(out, c.resolve(v))
	}
	return out, true
}

// scalarText returns the text of a scalar node and its kind: "string",
// "int", "float", "bool", "null", or "" when n is not a scalar.
func scalarText(n ast.Node) (string, string) {
	switch x := n.(type) {
	case *ast.StringNode:
		return x.Value, "string"
	case *ast.LiteralNode:
		if x.Value != nil {
			return x.Value.Value, "string"
		}
		return "", "string"
	case *ast.IntegerNode:
		return x.GetToken().Value, "int"
	case *ast.FloatNode:
		return x.GetToken().Value, "float"
	case *ast.BoolNode:
		return x.GetToken().Value, "bool"
	case *ast.NullNode, nil:
		return "", "null"
	case *ast.InfinityNode, *ast.NanNode:
		return x.GetToken().Value, "float"
	}
	return "", ""
}

func isQuoted(n ast.Node) bool {
	tk := n.GetToken()
	return tk != nil && (tk.Type == token.DoubleQuoteType || tk.Type == token.SingleQuoteType)
}

// name reads a name (state, action, actor, ...): a string or a number's text.
func (c *compiler) name(n ast.Node, what string, at Pos) (string, Pos, bool) {
	if isNull(n) {
		c.d.errorf(at, "", "%s is missing", what)
		return "", at, false
	}
	s, kind := scalarText(n)
	p := posOf(n)
	if kind != "string" && kind != "int" && kind != "float" {
		c.d.errorf(p, "", "%s must be a name", what)
		return "", p, false
	}
	s = strings.TrimSpace(s)
	if s == "" {
		c.d.errorf(p, "", "%s must not be empty", what)
		return "", p, false
	}
	return s, p, true
}

type posName struct {
	name string
	pos  Pos
}

// names reads one name or a list of names.
func (c *compiler) names(n ast.Node, what string, at Pos) ([]posName, bool) {
	if s, ok := n.(*ast.SequenceNode); ok {
		var out []posName
		good := true
		for _, v := range s.Values {
			nm, p, ok := c.name(c.resolve(v), what, posOf(v))
			if ok {
				out = append(out, posName{nm, p})
			} else {
				good = false
			}
		}
		if len(out) == 0 && good {
			c.d.errorf(posOf(n), "", "%s: empty list", what)
			return nil, false
		}
		return out, good
	}
	nm, p, ok := c.name(n, what, at)
	if !ok {
		return nil, false
	}
	return []posName{{nm, p}}, true
}

// text reads a free-text string (descriptions, claims).
func (c *compiler) text(n ast.Node, what string, at Pos) (string, bool) {
	if isNull(n) {
		return "", true
	}
	s, kind := scalarText(n)
	if kind == "" {
		c.d.errorf(posOf(n), "", "%s must be text", what)
		return "", false
	}
	return s, true
}

func (c *compiler) boolean(n ast.Node, what string) (bool, bool) {
	if b, ok := n.(*ast.BoolNode); ok {
		return b.Value, true
	}
	c.d.errorf(posOf(n), "write true or false", "%s must be true or false", what)
	return false, false
}

// MaxMagnitude bounds every number of a scenario, written or computed:
// sums of payoffs over many discounted steps must stay far from the
// float64 limit (about 1.8e308), where they would turn into infinities.
const MaxMagnitude = 1e100

// constNum reads a plain number (no expression): finite and within
// ±MaxMagnitude. YAML 1.2 numbers that YAML 1.1 reads as text (1e-3,
// 2E+1) are numbers here too.
func (c *compiler) constNum(n ast.Node, what string, at Pos) (float64, bool) {
	if isNull(n) {
		c.d.errorf(at, "", "%s is missing", what)
		return 0, false
	}
	v, ok := 0.0, false
	switch x := n.(type) {
	case *ast.IntegerNode:
		v, ok = toFloat(x.Value)
	case *ast.FloatNode:
		v, ok = x.Value, true
	case *ast.InfinityNode:
		v, ok = x.Value, true
	case *ast.NanNode:
		v, ok = math.NaN(), true
	case *ast.StringNode:
		if !isQuoted(x) {
			v, ok = yamlNumber(x.Value)
		}
	}
	if !ok {
		c.d.errorf(posOf(n), "", "%s must be a number", what)
		return 0, false
	}
	return v, c.inRange(v, posOf(n), what)
}

// inRange reports a number that is not finite or beyond ±MaxMagnitude.
func (c *compiler) inRange(v float64, p Pos, what string) bool {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		c.d.errorf(p, "write a finite number", "%s must be finite, got %v", what, v)
		return false
	case math.Abs(v) > MaxMagnitude:
		c.d.errorf(p, "choose units that keep numbers within ±1e100", "%s %g is too large", what, v)
		return false
	}
	return true
}

// yamlNumber reads a YAML 1.2 decimal number ([-+] digits [. digits]
// [e [-+] digits]); ok is false for anything else.
func yamlNumber(s string) (float64, bool) {
	if !isDecimal(strings.TrimSpace(s), true) {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return v, err == nil || errors.Is(err, strconv.ErrRange)
}

// isDecimal reports whether s is a decimal number: an optional sign (when
// signed), digits with at most one point (at least one digit), and an
// optional exponent.
func isDecimal(s string, signed bool) bool {
	i := 0
	if signed && i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits := func() int {
		n := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			n++
		}
		return n
	}
	n := digits()
	if i < len(s) && s[i] == '.' {
		i++
		n += digits()
	}
	if n == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

func (c *compiler) intNum(n ast.Node, what string, at Pos) (int, bool) {
	if isNull(n) {
		c.d.errorf(at, "", "%s is missing", what)
		return 0, false
	}
	if x, ok := n.(*ast.IntegerNode); ok {
		if i, err := strconv.Atoi(strings.ReplaceAll(x.GetToken().Value, "_", "")); err == nil {
			return i, true
		}
	}
	c.d.errorf(posOf(n), "", "%s must be a whole number", what)
	return 0, false
}

// num reads a number or an expression over parameters.
func (c *compiler) num(n ast.Node, what string, at Pos) *expression {
	if isNull(n) {
		c.d.errorf(at, "", "%s is missing", what)
		return nil
	}
	p := posOf(n)
	switch x := n.(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		v, ok := c.constNum(n, what, at)
		if !ok {
			return nil
		}
		return &expression{src: x.GetToken().Value, pos: p, konst: true, val: v}
	case *ast.StringNode:
		if v, ok := plainNumber(x.Value); ok {
			if !c.inRange(v, p, what) {
				return nil
			}
			return &expression{src: x.Value, pos: p, konst: true, val: v}
		}
		return c.compileNum(x.Value, p, isQuoted(x))
	case *ast.LiteralNode:
		if x.Value == nil {
			break
		}
		return c.compileNum(x.Value.Value, posOf(x.Value), false)
	}
	c.d.errorf(p, "write a number or an expression such as 1 - p", "%s must be a number or an expression", what)
	return nil
}

// keys reports keys of a mapping that are not in allowed.
func (c *compiler) checkKeys(kvs []kv, what string, allowed ...string) {
	for _, e := range kvs {
		if !contains(allowed, e.key) {
			c.d.errorf(e.kpos, suggest(e.key, allowed), "unknown key %q in %s", e.key, what)
		}
	}
}

var infoKeys = []string{"label", "description", "rationale", "source"}

// info reads the descriptive fields present in kvs.
func (c *compiler) info(kvs []kv) Info {
	var in Info
	for _, e := range kvs {
		var dst *string
		switch e.key {
		case "label":
			dst = &in.Label
		case "description":
			dst = &in.Description
		case "rationale":
			dst = &in.Rationale
		case "source":
			dst = &in.Source
		default:
			continue
		}
		*dst, _ = c.text(e.val, e.key, e.kpos)
	}
	return in
}

func withInfo(keys ...string) []string { return append(keys, infoKeys...) }
