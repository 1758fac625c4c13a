// Package yamlread parses YAML text for truce's readers (scenarios, graph
// models, audits, event mappings) in time linear in its size, and hands
// back the syntax tree of goccy/go-yaml that those readers walk, with the
// line and column of every node and of every syntax error.
//
// Why two libraries: goccy/go-yaml's parser takes time quadratic in the
// number of keys of a mapping (20,000 parameters took 20 s, 100,000 took
// minutes; BenchmarkParse in this package measures both), while
// go.yaml.in/yaml/v4, the maintained successor of gopkg.in/yaml.v3, is
// linear and reports syntax errors at line and column. Its yaml.Node tree
// is converted into goccy's ast types, which the readers already use for
// positions, scalar kinds and anchors, so none of their checks changed.
//
// Plain scenario text (block and flow collections of plain or simply
// quoted scalars) is read first by a fast path (fast.go) that builds the
// same tree in one pass, four to five times faster; it gives anything
// else, and every error, to the loader.
package yamlread

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
	"go.yaml.in/yaml/v4"
	"go.yaml.in/yaml/v4/plugin/loaderlimits"
)

// MaxDepth bounds how deeply collections may nest. The scenario reader
// measures nesting itself, more tightly and before any parsing; this
// bound protects the other readers (the converter recurses once per
// level).
const MaxDepth = 1000

// Error is a syntax error at a position (line and column from 1).
type Error struct {
	Line, Col int
	Msg       string
}

func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

// Parse returns the body of the one YAML document in src, or nil when src
// holds no document (only comments or blank lines). A syntax error, a
// second document or a key that is not a scalar is an *Error.
func Parse(src []byte) (ast.Node, error) {
	if body, ok := parseFast(src); ok {
		return body, nil
	}
	return parseLoader(src)
}

// parseLoader is Parse through go.yaml.in/yaml/v4's loader and the
// converter: any YAML, and its errors.
func parseLoader(src []byte) (ast.Node, error) {
	l, err := yaml.NewLoader(bytes.NewReader(src), yaml.WithPlugin(loaderlimits.New(loaderlimits.DepthValue(MaxDepth))))
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := l.Load(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, loadError(err)
	}
	var next yaml.Node
	switch err := l.Load(&next); {
	case err == nil:
		return nil, &Error{Line: max(next.Line, 1), Col: max(next.Column, 1), Msg: "more than one YAML document"}
	case !errors.Is(err, io.EOF):
		return nil, loadError(err)
	}
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil, nil
		}
		body := doc.Content[0]
		if body.Kind == yaml.ScalarNode && body.ShortTag() == "!!null" && body.Value == "" && body.Anchor == "" {
			return nil, nil // "---" and nothing else
		}
		return newConverter(src).node(body, 0)
	}
	return newConverter(src).node(&doc, 0)
}

// loadError turns the loader's error into an *Error at its position.
func loadError(err error) error {
	var le *yaml.LoadError
	if errors.As(err, &le) {
		msg := le.Message
		var name string
		if _, e := fmt.Sscanf(msg, "unknown anchor %s referenced", &name); e == nil {
			msg = "unknown alias *" + strings.Trim(name, "'")
		}
		if le.ContextMsg != "" {
			msg += " (" + le.ContextMsg + ")"
		}
		return &Error{Line: max(le.Mark.Line, 1), Col: max(le.Mark.Column, 1), Msg: strings.TrimPrefix(msg, "yaml: ")}
	}
	var les *yaml.LoadErrors
	if errors.As(err, &les) && len(les.Errors) > 0 {
		return loadError(les.Errors[0])
	}
	return &Error{Line: 1, Col: 1, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
}

// converter builds goccy nodes from yaml.Node, finding in the text the
// positions yaml.Node does not record (a value after its anchor or tag,
// the text of a block scalar, a sequence entry's "-").
type converter struct {
	src   []byte
	lines []int  // byte offset where each line starts
	wide  []bool // whether the line holds a multi-byte character
	slab  []tokenAt

	// Nodes, allocated in slabs like the tokens: a scenario's numbers,
	// keys and entries are most of its nodes, and goccy's constructors
	// allocate each node and its BaseNode apart (ast.Float and
	// ast.Integer also parse the number again, which the converter does
	// itself).
	bases   slab[ast.BaseNode]
	strs    slab[ast.StringNode]
	floats  slab[ast.FloatNode]
	ints    slab[ast.IntegerNode]
	pairs   slab[ast.MappingValueNode]
	entries slab[ast.SequenceEntryNode]
}

// slab hands out values of T from chunks allocated together; the tree
// keeps them all alive together anyway.
type slab[T any] struct{ free []T }

func (s *slab[T]) new() *T {
	if len(s.free) == 0 {
		s.free = make([]T, 256)
	}
	p := &s.free[0]
	s.free = s.free[1:]
	return p
}

// str is ast.String(tk).
func (c *converter) str(tk *token.Token) *ast.StringNode {
	n := c.strs.new()
	*n = ast.StringNode{BaseNode: c.bases.new(), Token: tk, Value: tk.Value}
	return n
}

// tokenAt is a token with its position, allocated in slabs: a scenario of
// 100,000 parameters has more than a million tokens, and one allocation
// each for the token and its position was a fifth of what `truce check`
// allocated.
type tokenAt struct {
	tk  token.Token
	pos token.Position
}

func newConverter(src []byte) *converter {
	n := bytes.Count(src, []byte{'\n'}) + 1
	lines := make([]int, 1, n)
	wide := make([]bool, 1, n)
	for i, b := range src {
		switch {
		case b == '\n':
			lines = append(lines, i+1)
			wide = append(wide, false)
		case b >= utf8.RuneSelf:
			wide[len(wide)-1] = true
		}
	}
	return &converter{src: src, lines: lines, wide: wide}
}

// offset is the byte offset of line:col (col counts characters). On a
// line of single-byte characters it is computed, not counted: a flow
// list of thousands of numbers on one line would otherwise be read in
// time quadratic in its length.
func (c *converter) offset(line, col int) int {
	if line < 1 || line > len(c.lines) {
		return len(c.src)
	}
	i := c.lines[line-1]
	if !c.wide[line-1] {
		end := len(c.src)
		if line < len(c.lines) {
			end = c.lines[line] - 1 // the '\n'
		}
		return min(i+max(col-1, 0), end)
	}
	for k := 1; k < col && i < len(c.src) && c.src[i] != '\n'; k++ {
		_, w := utf8.DecodeRune(c.src[i:])
		i += w
	}
	return i
}

// position is the line:col of a byte offset.
func (c *converter) position(off int) (line, col int) {
	lo, hi := 0, len(c.lines)-1
	for lo < hi { // the last line start <= off
		mid := (lo + hi + 1) / 2
		if c.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if !c.wide[lo] {
		return lo + 1, max(min(off, len(c.src))-c.lines[lo], 0) + 1
	}
	return lo + 1, utf8.RuneCount(c.src[c.lines[lo]:min(off, len(c.src))]) + 1
}

func (c *converter) token(typ token.Type, value string, line, col int) *token.Token {
	if len(c.slab) == 0 {
		c.slab = make([]tokenAt, 512)
	}
	t := &c.slab[0]
	c.slab = c.slab[1:]
	t.pos = token.Position{Line: line, Column: col, Offset: c.offset(line, col)}
	t.tk = token.Token{Type: typ, Value: value, Origin: value, Position: &t.pos}
	return &t.tk
}

// skipProperties returns the position after the anchor (&a) and tag (!t)
// that start at line:col, where the node's content begins.
func (c *converter) skipProperties(n *yaml.Node) (int, int) {
	if n.Anchor == "" && n.Style&yaml.TaggedStyle == 0 {
		return n.Line, n.Column
	}
	i := c.offset(n.Line, n.Column)
	for i < len(c.src) {
		switch c.src[i] {
		case '&', '!':
			for i < len(c.src) && !isSpace(c.src[i]) {
				i++
			}
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return c.position(i)
		}
	}
	return c.position(i)
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

func (c *converter) node(n *yaml.Node, depth int) (ast.Node, error) {
	if depth > MaxDepth {
		return nil, &Error{Line: n.Line, Col: n.Column, Msg: fmt.Sprintf("the YAML nests more than %d levels deep", MaxDepth)}
	}
	var out ast.Node
	var err error
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.node(n.Content[0], depth)
	case yaml.AliasNode:
		a := ast.Alias(c.token(token.AliasType, "*", n.Line, n.Column))
		a.Value = c.str(c.token(token.StringType, n.Value, n.Line, n.Column+1))
		return a, nil // an alias has no anchor of its own
	case yaml.MappingNode:
		out, err = c.mapping(n, depth)
	case yaml.SequenceNode:
		out, err = c.sequence(n, depth)
	case yaml.ScalarNode:
		out = c.scalar(n)
	default:
		return nil, &Error{Line: n.Line, Col: n.Column, Msg: "unexpected YAML node"}
	}
	if err != nil || n.Anchor == "" {
		return out, err
	}
	a := ast.Anchor(c.token(token.AnchorType, "&", n.Line, n.Column))
	a.Name = c.str(c.token(token.StringType, n.Anchor, n.Line, n.Column+1))
	a.Value = out
	return a, nil
}

func (c *converter) mapping(n *yaml.Node, depth int) (ast.Node, error) {
	flow := n.Style&yaml.FlowStyle != 0
	line, col := c.skipProperties(n)
	m := ast.Mapping(c.token(token.MappingStartType, "{", line, col), flow)
	m.Values = make([]*ast.MappingValueNode, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		k, err := c.node(kn, depth+1)
		if err != nil {
			return nil, err
		}
		key, ok := k.(ast.MapKeyNode)
		if !ok {
			return nil, &Error{Line: kn.Line, Col: kn.Column, Msg: "a mapping key must be a plain value, not a list or mapping"}
		}
		v, err := c.node(vn, depth+1)
		if err != nil {
			return nil, err
		}
		// The entry's token is its key's (same place; no reader asks its
		// type): a token fewer per key, 4 of the 13 of a parameter like
		// `p: {dist: uniform, min: 0, max: 1}`.
		tk := key.GetToken()
		if tk == nil {
			tk = c.token(token.MappingValueType, ":", kn.Line, kn.Column)
		}
		mv := c.pairs.new()
		*mv = ast.MappingValueNode{BaseNode: c.bases.new(), Start: tk, Key: key, Value: v, IsFlowStyle: flow} // ast.MappingValue
		m.Values = append(m.Values, mv)
		if i+2 < len(n.Content) { // converted: let the collector have it (flowEnd reads only the last pair)
			n.Content[i], n.Content[i+1] = nil, nil
		}
	}
	if flow {
		m.End = c.flowEnd(n, '{', '}', func(i int) ast.Node { return m.Values[i/2].Key }, func(i int) ast.Node { return m.Values[i/2].Value })
	}
	return m, nil
}

// flowEnd is the token of the bracket (close) that ends the flow
// collection n, or nil when n does not open with the bracket open (a
// single pair "a: b" inside a flow list). yaml.Node records where a node
// starts, not where it ends: the end is found in the text, after the
// end of n's last child (a nested flow collection's End, a quoted
// scalar's closing quote, or the start of a plain one, which in a flow
// collection cannot hold a bracket), as the first closing bracket that
// is not in a comment. key and value give the converted child i of
// n.Content (for a list both are the item).
func (c *converter) flowEnd(n *yaml.Node, open, close byte, key, value func(int) ast.Node) *token.Token {
	start := c.offset(c.skipProperties(n))
	if start >= len(c.src) || c.src[start] != open {
		return nil
	}
	from := start + 1
	if k := len(n.Content); k > 0 {
		i := k - 1
		last, conv := n.Content[i], value(i)
		if n.Kind == yaml.MappingNode && isEmpty(last) {
			last, conv = n.Content[i-1], key(i-1) // "{a}" or "{a: }": scan from the key
		}
		from = c.endOf(last, conv)
		if from < 0 {
			return nil
		}
	}
	for i := from; i < len(c.src); i++ {
		switch b := c.src[i]; {
		case b == close:
			line, col := c.position(i)
			return c.token(token.MappingEndType, string(close), line, col)
		case b == '#' && (i == 0 || isSpace(c.src[i-1])):
			for i < len(c.src) && c.src[i] != '\n' {
				i++
			}
		case b == '{' || b == '[' || b == ']' || b == '}':
			return nil // not where the converter thought: give no end
		}
	}
	return nil
}

// isEmpty reports whether n is a value left out ("a:" with nothing).
func isEmpty(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Value == "" && n.Style == 0 && n.Anchor == "" && n.ShortTag() == "!!null"
}

// endOf is an offset at or before which nothing of n's text follows that
// could hold a bracket: just past a flow collection or a quoted scalar,
// the start of a plain scalar or an alias; -1 when it cannot tell.
func (c *converter) endOf(n *yaml.Node, conv ast.Node) int {
	if a, ok := conv.(*ast.AnchorNode); ok {
		conv = a.Value
	}
	off := c.offset(c.skipProperties(n))
	switch n.Kind {
	case yaml.MappingNode, yaml.SequenceNode:
		var end *token.Token
		switch x := conv.(type) {
		case *ast.MappingNode:
			end = x.End
			if end == nil && x.IsFlowStyle && len(x.Values) > 0 && len(n.Content) >= 2 { // a single pair in a list
				last := n.Content[len(n.Content)-1]
				lastConv := x.Values[len(x.Values)-1].Value
				if isEmpty(last) {
					last, lastConv = n.Content[len(n.Content)-2], x.Values[len(x.Values)-1].Key
				}
				return c.endOf(last, lastConv)
			}
		case *ast.SequenceNode:
			end = x.End
		}
		if end == nil || end.Position == nil {
			return -1
		}
		return end.Position.Offset + 1
	case yaml.ScalarNode:
		if off >= len(c.src) {
			return off
		}
		switch c.src[off] {
		case '"':
			for i := off + 1; i < len(c.src); i++ {
				switch c.src[i] {
				case '\\':
					i++
				case '"':
					return i + 1
				}
			}
			return -1
		case '\'':
			for i := off + 1; i < len(c.src); i++ {
				if c.src[i] == '\'' {
					if i+1 < len(c.src) && c.src[i+1] == '\'' {
						i++
						continue
					}
					return i + 1
				}
			}
			return -1
		}
	}
	return off
}

func (c *converter) sequence(n *yaml.Node, depth int) (ast.Node, error) {
	flow := n.Style&yaml.FlowStyle != 0
	line, col := c.skipProperties(n)
	s := ast.Sequence(c.token(token.SequenceStartType, "[", line, col), flow)
	s.Values = make([]ast.Node, 0, len(n.Content))
	s.Entries = make([]*ast.SequenceEntryNode, 0, len(n.Content))
	for i, item := range n.Content {
		v, err := c.node(item, depth+1)
		if err != nil {
			return nil, err
		}
		if i+1 < len(n.Content) { // converted (flowEnd reads only the last item)
			n.Content[i] = nil
		}
		s.Values = append(s.Values, v)
		// A block entry's "-" is the last non-space before the item.
		el, ec := item.Line, item.Column
		if !flow {
			i := c.offset(item.Line, item.Column) - 1
			for i >= 0 && isSpace(c.src[i]) {
				i--
			}
			if i >= 0 && c.src[i] == '-' {
				el, ec = c.position(i)
			}
		}
		e := c.entries.new()
		*e = ast.SequenceEntryNode{BaseNode: c.bases.new(), Start: c.token(token.SequenceEntryType, "-", el, ec), Value: v} // ast.SequenceEntry
		s.Entries = append(s.Entries, e)
	}
	if flow {
		item := func(i int) ast.Node { return s.Values[i] }
		if s.End = c.flowEnd(n, '[', ']', item, item); s.End != nil {
			s.End.Type = token.SequenceEndType
		}
	}
	return s, nil
}

// scalar converts a scalar by its resolved tag (YAML 1.2 core schema:
// 1e-3 is a number, yes is text), keeping its text as written.
func (c *converter) scalar(n *yaml.Node) ast.Node {
	line, col := c.skipProperties(n)
	typ := token.StringType
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		typ = token.DoubleQuoteType
	case n.Style&yaml.SingleQuotedStyle != 0:
		typ = token.SingleQuoteType
	}
	tk := c.token(typ, n.Value, line, col)
	quoted := typ != token.StringType
	switch tag := n.ShortTag(); {
	case quoted:
	case tag == "!!null":
		tk.Type = token.NullType
		return ast.Null(tk)
	case tag == "!!bool":
		tk.Type = token.BoolType
		nd := ast.Bool(tk)
		nd.Value = strings.EqualFold(n.Value, "true")
		return nd
	case tag == "!!int" || tag == "!!float" && isInteger(n.Value): // the loader reads -0 as a float
		tk.Type = token.IntegerType
		nd := c.ints.new()
		*nd = ast.IntegerNode{BaseNode: c.bases.new(), Token: tk, Value: intValue(n.Value)}
		return nd
	case tag == "!!float":
		v, _ := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		switch low := strings.ToLower(strings.TrimLeft(n.Value, "+-")); low {
		case ".inf":
			tk.Type = token.InfinityType
			nd := ast.Infinity(tk)
			nd.Value = math.Inf(1)
			if strings.HasPrefix(n.Value, "-") {
				nd.Value = math.Inf(-1)
			}
			return nd
		case ".nan":
			tk.Type = token.NanType
			return ast.Nan(tk)
		}
		tk.Type = token.FloatType
		nd := c.floats.new()
		*nd = ast.FloatNode{BaseNode: c.bases.new(), Token: tk, Value: v}
		return nd
	case tag == "!!merge":
		tk.Type = token.MergeKeyType
		return ast.MergeKey(tk)
	}
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		l := ast.Literal(c.token(token.LiteralType, "|", line, col))
		tl, tc := c.blockText(line, col)
		l.Value = c.str(c.token(token.StringType, n.Value, tl, tc))
		return l
	}
	return c.str(tk)
}

// isInteger reports whether s is [-+]digits.
func isInteger(s string) bool {
	s = strings.TrimLeft(s, "+-")
	if s == "" || len(s) > 0 && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return false
	}
	return true
}

// intValue is an integer's value: int64, or uint64 above the int64
// range, or nil when it fits neither (the readers then say it is not a
// number they can use).
func intValue(s string) any {
	t := strings.ReplaceAll(s, "_", "")
	if strings.HasPrefix(t, "+") {
		t = t[1:]
	}
	base := 0 // 0x, 0o, 0b prefixes
	if isInteger(t) {
		base = 10 // 017 is 17 in YAML 1.2, not octal as Go's base 0 reads it
	}
	if i, err := strconv.ParseInt(t, base, 64); err == nil {
		return i
	}
	if u, err := strconv.ParseUint(t, base, 64); err == nil {
		return u
	}
	return nil
}

// blockText is where the text of a block scalar (| or >) starts: the
// first non-blank line after its header, at its indentation.
func (c *converter) blockText(line, col int) (int, int) {
	i := c.offset(line, col)
	for i < len(c.src) && c.src[i] != '\n' {
		i++
	}
	for i < len(c.src) {
		i++ // past '\n'
		j := i
		for j < len(c.src) && (c.src[j] == ' ' || c.src[j] == '\t') {
			j++
		}
		if j < len(c.src) && c.src[j] != '\n' && c.src[j] != '\r' {
			return c.position(j)
		}
		i = j
	}
	return line + 1, 1
}
