package conflictfile

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
	"github.com/truce-dev/truce/scenario"
)

// pos is a 1-based line and column in the file.
type pos struct{ line, col int }

// reader walks the YAML tree, collecting diagnostics with positions.
type reader struct {
	file    string
	diags   []scenario.Diagnostic
	anchors map[string]ast.Node
	nodes   int // nodes visited, bounded by maxNodes
}

// maxAliasDepth bounds alias chains (as scenario files do); maxNodes bounds
// the values read, so that aliases cannot multiply a small file into a
// large walk.
const (
	maxAliasDepth = 32
	maxNodes      = 1_000_000
)

func (r *reader) errorf(p pos, hint, format string, args ...any) {
	if p.line < 1 {
		p = pos{1, 1}
	}
	if p.col < 1 {
		p.col = 1
	}
	r.diags = append(r.diags, scenario.Diagnostic{File: r.file, Line: p.line, Col: p.col, Severity: scenario.SeverityError, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

func (r *reader) failed() bool {
	for _, d := range r.diags {
		if d.Severity == scenario.SeverityError {
			return true
		}
	}
	return false
}

func posOf(n ast.Node) pos {
	switch x := n.(type) {
	case nil:
		return pos{1, 1}
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
		return pos{1, 1}
	}
	return pos{tk.Position.Line, tk.Position.Column}
}

type anchorVisitor map[string]ast.Node

func (a anchorVisitor) Visit(n ast.Node) ast.Visitor {
	if x, ok := n.(*ast.AnchorNode); ok && x.Name != nil {
		a[x.Name.GetToken().Value] = x.Value
	}
	return a
}

// resolve follows anchors, tags and aliases to the node holding the value.
func (r *reader) resolve(n ast.Node) ast.Node {
	r.nodes++
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
			t, ok := r.anchors[name]
			if !ok {
				r.errorf(posOf(x), "", "unknown alias *%s", name)
				return nil
			}
			n = t
		default:
			return n
		}
	}
	r.errorf(posOf(n), "", "aliases nested too deeply")
	return nil
}

func isNull(n ast.Node) bool {
	if n == nil {
		return true
	}
	_, ok := n.(*ast.NullNode)
	return ok
}

// entry is one key of a mapping.
type entry struct {
	key string
	at  pos
	val ast.Node
}

// mapping reads a mapping's entries (null is empty), refusing duplicate
// keys and merge keys.
func (r *reader) mapping(n ast.Node, what string) ([]entry, bool) {
	n = r.resolve(n)
	if isNull(n) {
		return nil, true
	}
	var vals []*ast.MappingValueNode
	switch x := n.(type) {
	case *ast.MappingNode:
		vals = x.Values
	case *ast.MappingValueNode:
		vals = []*ast.MappingValueNode{x}
	default:
		r.errorf(posOf(n), "", "%s must be a mapping (key: value)", what)
		return nil, false
	}
	seen := map[string]pos{}
	out := make([]entry, 0, len(vals))
	ok := true
	for _, mv := range vals {
		if mv == nil || mv.Key == nil {
			continue
		}
		if _, merge := mv.Key.(*ast.MergeKeyNode); merge {
			r.errorf(posOf(mv.Key), "repeat the entries instead", "merge keys (<<) are not supported")
			ok = false
			continue
		}
		key, kind := scalar(r.resolve(mv.Key))
		at := posOf(mv.Key)
		if kind == "" || kind == "null" {
			r.errorf(at, "", "%s: keys must be plain names", what)
			ok = false
			continue
		}
		if first, dup := seen[key]; dup {
			r.errorf(at, fmt.Sprintf("first given at line %d", first.line), "duplicate key %q in %s", key, what)
			ok = false
			continue
		}
		seen[key] = at
		out = append(out, entry{key, at, r.resolve(mv.Value)})
	}
	return out, ok
}

// sequence reads a list's items (null is empty).
func (r *reader) sequence(n ast.Node, what string) ([]ast.Node, bool) {
	n = r.resolve(n)
	if isNull(n) {
		return nil, true
	}
	s, ok := n.(*ast.SequenceNode)
	if !ok {
		r.errorf(posOf(n), "", "%s must be a list", what)
		return nil, false
	}
	out := make([]ast.Node, 0, len(s.Values))
	for _, v := range s.Values {
		out = append(out, r.resolve(v))
	}
	return out, true
}

// scalar returns a scalar's text and kind ("string", "int", "float",
// "bool", "null"; "" when not a scalar).
func scalar(n ast.Node) (string, string) {
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

// textStart is where a scalar's text begins: one past the opening quote of
// a quoted string, so that offsets into the text map to columns.
func textStart(n ast.Node) pos {
	p := posOf(n)
	if tk := n.GetToken(); tk != nil && (tk.Type == token.DoubleQuoteType || tk.Type == token.SingleQuoteType) {
		p.col++
	}
	return p
}

// name reads an identifier-like name.
func (r *reader) name(n ast.Node, what string, at pos) (string, bool) {
	if isNull(n) {
		r.errorf(at, "", "%s is missing", what)
		return "", false
	}
	s, kind := scalar(n)
	if kind != "string" && kind != "int" {
		r.errorf(posOf(n), "", "%s must be a name", what)
		return "", false
	}
	s = strings.TrimSpace(s)
	if s == "" {
		r.errorf(posOf(n), "", "%s must not be empty", what)
		return "", false
	}
	return s, true
}

// text reads free text (labels, descriptions).
func (r *reader) text(n ast.Node, what string) string {
	if isNull(n) {
		return ""
	}
	s, kind := scalar(n)
	if kind == "" {
		r.errorf(posOf(n), "", "%s must be text", what)
	}
	return s
}

func (r *reader) integer(n ast.Node, what string) (int64, bool) {
	if x, ok := n.(*ast.IntegerNode); ok {
		if v, err := strconv.ParseInt(strings.ReplaceAll(x.GetToken().Value, "_", ""), 0, 64); err == nil {
			return v, true
		}
	}
	r.errorf(posOf(n), "", "%s must be a whole number", what)
	return 0, false
}

func (r *reader) checkKeys(es []entry, what string, allowed ...string) {
	for _, e := range es {
		found := false
		for _, a := range allowed {
			if a == e.key {
				found = true
				break
			}
		}
		if !found {
			r.errorf(e.at, suggest(e.key, allowed), "unknown key %q in %s", e.key, what)
		}
	}
}

// suggest names the closest candidate, or lists a short candidate list.
func suggest(name string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		d := distance(strings.ToLower(name), strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	switch {
	case bestD < 0:
		return ""
	case bestD <= max(2, len(name)/3):
		return fmt.Sprintf("did you mean %q?", best)
	case len(candidates) <= 8:
		q := make([]string, len(candidates))
		for i, c := range candidates {
			q[i] = strconv.Quote(c)
		}
		return "expected one of " + strings.Join(q, ", ")
	}
	return ""
}

// distance is the Levenshtein distance by rune, capped in cost by the
// length of names (they are short).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return max(len(ra), len(rb))
	}
	row := make([]int, len(rb)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		diag := row[0]
		row[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			next := min(row[j]+1, row[j-1]+1, diag+cost)
			diag, row[j] = row[j], next
		}
	}
	return row[len(rb)]
}
