package audit

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	yast "github.com/goccy/go-yaml/ast"
	"github.com/truce-dev/truce/internal/yamlread"
	"github.com/truce-dev/truce/scenario"
)

// source is a scenario file's text with its YAML tree, for edits at the
// positions of its elements.
type source struct {
	src       []byte
	lineStart []int // byte offset of each line (1-based index)
	root      *yast.MappingNode
}

func newSource(src []byte) (*source, error) {
	body, err := yamlread.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("invalid YAML: %v", err)
	}
	s := &source{src: src, lineStart: []int{0, 0}}
	for i, b := range src {
		if b == '\n' {
			s.lineStart = append(s.lineStart, i+1)
		}
	}
	if m, ok := body.(*yast.MappingNode); ok {
		s.root = m
	}
	if s.root == nil {
		return nil, fmt.Errorf("the file is not a YAML mapping")
	}
	return s, nil
}

// offset is the byte offset of 1-based line and column (columns count
// characters), or -1 when outside the file.
func (s *source) offset(line, col int) int {
	if line < 1 || line >= len(s.lineStart) || col < 1 {
		return -1
	}
	off := s.lineStart[line]
	for c := 1; c < col; c++ {
		if off >= len(s.src) || s.src[off] == '\n' {
			return -1
		}
		_, n := utf8.DecodeRune(s.src[off:])
		off += n
	}
	return off
}

func posOfNode(n yast.Node) scenario.Pos {
	if n == nil {
		return scenario.Pos{Line: 1, Col: 1}
	}
	if m, ok := n.(*yast.MappingNode); ok && len(m.Values) > 0 && !m.IsFlowStyle {
		return posOfNode(m.Values[0].Key)
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return scenario.Pos{Line: 1, Col: 1}
	}
	return scenario.Pos{Line: tk.Position.Line, Col: tk.Position.Column}
}

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// apply returns src with the edits made (they must not overlap).
func (s *source) apply(edits []edit) []byte {
	es := append([]edit(nil), edits...)
	sort.Slice(es, func(i, j int) bool { return es[i].start > es[j].start })
	out := append([]byte(nil), s.src...)
	for _, e := range es {
		out = append(out[:e.start], append([]byte(e.text), out[e.end:]...)...)
	}
	return out
}

// scalar is a scalar value of the file: its text as written and the byte
// range of that text (quotes excluded).
type scalar struct {
	text       string
	start, end int
	pos        scenario.Pos
	number     bool // a plain YAML number
}

// scalarOf locates n's text in the source; ok is false when the text
// cannot be found exactly where the tree puts it (multi-line or escaped
// scalars), so that no edit is ever made at a guessed place.
func (s *source) scalarOf(n yast.Node) (scalar, bool) {
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return scalar{}, false
	}
	start := s.offset(tk.Position.Line, tk.Position.Column)
	if start < 0 || start >= len(s.src) {
		return scalar{}, false
	}
	text := tk.Value
	sc := scalar{text: text, pos: scenario.Pos{Line: tk.Position.Line, Col: tk.Position.Column}}
	switch n.(type) {
	case *yast.IntegerNode, *yast.FloatNode:
		sc.number = true
	case *yast.StringNode, *yast.BoolNode:
	default:
		return scalar{}, false
	}
	if q := s.src[start]; q == '"' || q == '\'' {
		start++
		sc.pos.Col++
	}
	if start+len(text) > len(s.src) || string(s.src[start:start+len(text)]) != text || strings.ContainsAny(text, "\n\\") {
		return scalar{}, false
	}
	sc.start, sc.end = start, start+len(text)
	return sc, true
}

// mapping returns n as a mapping (nil when it is not one).
func mapping(n yast.Node) *yast.MappingNode {
	switch x := n.(type) {
	case *yast.MappingNode:
		return x
	case *yast.MappingValueNode:
		return &yast.MappingNode{Values: []*yast.MappingValueNode{x}}
	}
	return nil
}

func keyOf(mv *yast.MappingValueNode) string {
	if mv.Key == nil {
		return ""
	}
	return mv.Key.GetToken().Value
}

// get returns the value under key in m.
func get(m *yast.MappingNode, key string) yast.Node {
	if m == nil {
		return nil
	}
	for _, mv := range m.Values {
		if keyOf(mv) == key {
			return mv.Value
		}
	}
	return nil
}

// exprLiterals finds the numeric literals inside an expression scalar,
// as byte ranges of the file.
func exprLiterals(sc scalar) []scalar {
	tree, err := parseExpr(sc.text)
	if err != nil {
		return nil
	}
	runes := []rune(sc.text)
	byteAt := func(r int) int { return len(string(runes[:min(r, len(runes))])) }
	var out []scalar
	ast.Walk(&tree.Node, visitor(func(n ast.Node) {
		switch n.(type) {
		case *ast.IntegerNode, *ast.FloatNode:
		default:
			return
		}
		loc := n.Location()
		from := byteAt(loc.From)
		// The literal's text is the longest number at its start.
		to := from
		for to < len(sc.text) && strings.ContainsRune("0123456789.eE_", rune(sc.text[to])) {
			to++
		}
		if to > from && (sc.text[to-1] == 'e' || sc.text[to-1] == 'E') {
			to--
		}
		lit := sc.text[from:to]
		if _, err := strconv.ParseFloat(strings.ReplaceAll(lit, "_", ""), 64); err != nil || lit == "" {
			return
		}
		out = append(out, scalar{text: lit, start: sc.start + from, end: sc.start + to,
			pos: scenario.Pos{Line: sc.pos.Line, Col: sc.pos.Col + loc.From}, number: true})
	}))
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

func parseExpr(src string) (tree *parser.Tree, err error) {
	defer func() {
		if r := recover(); r != nil {
			tree, err = nil, fmt.Errorf("cannot parse expression: %v", r)
		}
	}()
	return parser.Parse(src)
}

type visitor func(ast.Node)

func (v visitor) Visit(n *ast.Node) { v(*n) }
