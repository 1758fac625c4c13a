package yamlread

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// yamlFiles is every YAML file of the repository's examples, bundled
// scenarios and test data.
func yamlFiles(t *testing.T) []string {
	var files []string
	for _, dir := range []string{"../../examples", "../../scenarios", "../../scenario/testdata", "../../gmcr", "../../cmd/truce/testdata", "../../audit", "../../evidence"} {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) < 20 {
		t.Fatalf("only %d YAML files found", len(files))
	}
	return files
}

// TestSameTreeAsGoccy: on every YAML file of the repository that
// goccy/go-yaml's own parser reads, Parse gives the same tree: node kinds,
// scalar texts and values, quoting, and the line:col of every scalar and
// key (the positions of truce's messages). goccy's parser is the
// independent reference the converter must match.
func TestSameTreeAsGoccy(t *testing.T) {
	compared := 0
	for _, file := range yamlFiles(t) {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		// goccy reads a byte-order mark as part of the first key; the
		// readers strip it before parsing.
		src = bytes.TrimPrefix(src, []byte("\uFEFF"))
		f, err := parser.ParseBytes(src, 0)
		if err != nil || len(f.Docs) != 1 || f.Docs[0].Body == nil {
			continue // not one document: the error tests cover these
		}
		got, err := Parse(src)
		if err != nil {
			t.Errorf("%s: %v (goccy reads it)", file, err)
			continue
		}
		var diffs []string
		compare(file, f.Docs[0].Body, got, &diffs)
		if len(diffs) > 0 {
			if len(diffs) > 5 {
				diffs = append(diffs[:5], fmt.Sprintf("… %d more", len(diffs)-5))
			}
			t.Errorf("%s:\n%s", file, strings.Join(diffs, "\n"))
		}
		compared++
	}
	t.Logf("%d files compared", compared)
}

func pos(n ast.Node) string {
	if n == nil {
		return "nil"
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return "?"
	}
	return fmt.Sprintf("%d:%d", tk.Position.Line, tk.Position.Column)
}

func compare(where string, want, got ast.Node, diffs *[]string) {
	if want == nil || got == nil {
		if (want == nil) != (got == nil) {
			*diffs = append(*diffs, fmt.Sprintf("%s: node %T, want %T", where, got, want))
		}
		return
	}
	// goccy gives a lone "key: value" as a MappingValueNode and a tagged
	// value as a TagNode around it; Parse gives a one-entry mapping and
	// the value its tag resolves to. Both readers accept either.
	if mv, ok := want.(*ast.MappingValueNode); ok {
		want = ast.Mapping(mv.Start, mv.IsFlowStyle, mv)
	}
	if tg, ok := want.(*ast.TagNode); ok {
		want = tg.Value
	}
	// YAML 1.2 numbers that goccy reads as text (1e-3): the readers
	// parsed that text as a number anyway.
	if s, ok := want.(*ast.StringNode); ok && !quoted(s.Token) {
		if _, isFloat := got.(*ast.FloatNode); isFloat && s.Value == got.GetToken().Value {
			return
		}
	}
	if reflect.TypeOf(want) != reflect.TypeOf(got) {
		*diffs = append(*diffs, fmt.Sprintf("%s (%s): node %T, want %T", where, pos(want), got, want))
		return
	}
	switch w := want.(type) {
	case *ast.MappingNode:
		g := got.(*ast.MappingNode)
		if len(w.Values) != len(g.Values) {
			*diffs = append(*diffs, fmt.Sprintf("%s (%s): %d entries, want %d", where, pos(w), len(g.Values), len(w.Values)))
			return
		}
		if w.IsFlowStyle && w.End != nil && w.End.Position != nil && tokPos(w.End) != tokPos(g.End) {
			*diffs = append(*diffs, fmt.Sprintf("%s (%s): mapping ends at %s, want %s", where, pos(w), tokPos(g.End), tokPos(w.End)))
		}
		for i := range w.Values {
			k := fmt.Sprint(w.Values[i].Key.GetToken().Value)
			compare(where+"."+k+"(key)", w.Values[i].Key, g.Values[i].Key, diffs)
			compare(where+"."+k, w.Values[i].Value, g.Values[i].Value, diffs)
		}
	case *ast.SequenceNode:
		g := got.(*ast.SequenceNode)
		if len(w.Values) != len(g.Values) {
			*diffs = append(*diffs, fmt.Sprintf("%s (%s): %d items, want %d", where, pos(w), len(g.Values), len(w.Values)))
			return
		}
		if pos(w) != pos(g) {
			*diffs = append(*diffs, fmt.Sprintf("%s: list at %s, want %s", where, pos(g), pos(w)))
		}
		if w.IsFlowStyle && w.End != nil && w.End.Position != nil && tokPos(w.End) != tokPos(g.End) {
			*diffs = append(*diffs, fmt.Sprintf("%s (%s): list ends at %s, want %s", where, pos(w), tokPos(g.End), tokPos(w.End)))
		}
		for i := range w.Values {
			compare(fmt.Sprintf("%s[%d]", where, i), w.Values[i], g.Values[i], diffs)
			if i < len(w.Entries) && i < len(g.Entries) && !w.IsFlowStyle && pos(w.Entries[i]) != pos(g.Entries[i]) {
				*diffs = append(*diffs, fmt.Sprintf("%s[%d]: entry at %s, want %s", where, i, pos(g.Entries[i]), pos(w.Entries[i])))
			}
		}
	case *ast.AnchorNode:
		g := got.(*ast.AnchorNode)
		compare(where+"&", w.Value, g.Value, diffs)
	case *ast.AliasNode:
		g := got.(*ast.AliasNode)
		if w.Value.GetToken().Value != g.Value.GetToken().Value || pos(w) != pos(g) {
			*diffs = append(*diffs, fmt.Sprintf("%s: alias %s at %s, want %s at %s", where, g.Value.GetToken().Value, pos(g), w.Value.GetToken().Value, pos(w)))
		}
	case *ast.LiteralNode:
		g := got.(*ast.LiteralNode)
		// goccy places the text at column 0 of its last line; Parse at
		// its first character (TestPositions).
		if w.Value.Value != g.Value.Value {
			*diffs = append(*diffs, fmt.Sprintf("%s: block text %q, want %q", where, g.Value.Value, w.Value.Value))
		}
	default:
		wt, gt := want.GetToken(), got.GetToken()
		if wt.Value != gt.Value || pos(want) != pos(got) || quoted(wt) != quoted(gt) {
			*diffs = append(*diffs, fmt.Sprintf("%s: %T %q at %s (quoted %v), want %q at %s (quoted %v)", where, got, gt.Value, pos(got), quoted(gt), wt.Value, pos(want), quoted(wt)))
		}
		if v := reflect.ValueOf(want).Elem().FieldByName("Value"); v.IsValid() && v.Kind() != reflect.Pointer {
			gv := reflect.ValueOf(got).Elem().FieldByName("Value")
			if fmt.Sprint(v.Interface()) != fmt.Sprint(gv.Interface()) {
				*diffs = append(*diffs, fmt.Sprintf("%s (%s): value %v, want %v", where, pos(want), gv.Interface(), v.Interface()))
			}
		}
	}
}

func tokPos(tk *token.Token) string {
	if tk == nil || tk.Position == nil {
		return "nil"
	}
	return fmt.Sprintf("%d:%d", tk.Position.Line, tk.Position.Column)
}

// TestFlowSpans: a flow mapping or list starts at its opening bracket and
// ends at its closing one, whatever comes between (quotes holding
// brackets, comments, nesting, a trailing comma, several lines); a pair
// inside a list (no brackets of its own) has no end.
func TestFlowSpans(t *testing.T) {
	for _, c := range []struct{ src, start, end string }{
		{"a: {x: 1, y: 2}\n", "1:4", "1:15"},
		{"a: {x: '}', y: \"]\\\"}\"}\n", "1:4", "1:22"},
		{"a: {x: [1, {z: 2}], }\n", "1:4", "1:21"},
		{"a: {x: 1, # a } comment\n  y}\n", "1:4", "2:4"},
		{"a: &k !!map {x: *k2}\n", "1:13", "1:18"},
		{"a: {}\n", "1:4", "1:5"},
		{"a: {x: }\n", "1:4", "1:8"},
		{"a: {x: a#b}\n", "1:4", "1:11"},
		{"a: {é: 'ü'}\n", "1:4", "1:11"},
		{"a: [1, [2, 3], 'x]']\n", "1:4", "1:20"},
		{"a: [b: c, d: [e]]\n", "1:4", "1:17"},
		{"a: [\n  1,\n  2\n]\n", "1:4", "4:1"},
	} {
		src := strings.Replace(c.src, "*k2", "1", 1)
		body, err := Parse([]byte(src))
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		v := body.(*ast.MappingNode).Values[0].Value
		if a, ok := v.(*ast.AnchorNode); ok {
			v = a.Value
		}
		var st, en *token.Token
		switch x := v.(type) {
		case *ast.MappingNode:
			st, en = x.Start, x.End
		case *ast.SequenceNode:
			st, en = x.Start, x.End
		}
		if tokPos(st) != c.start || tokPos(en) != c.end {
			t.Errorf("%q: from %s to %s, want %s to %s", src, tokPos(st), tokPos(en), c.start, c.end)
			continue
		}
		if b := src[en.Position.Offset]; b != '}' && b != ']' {
			t.Errorf("%q: end offset %d holds %q", src, en.Position.Offset, b)
		}
	}
	body, _ := Parse([]byte("a: [b: c]\n"))
	pair := body.(*ast.MappingNode).Values[0].Value.(*ast.SequenceNode).Values[0].(*ast.MappingNode)
	if pair.End != nil {
		t.Errorf("a pair in a list has an end at %s", tokPos(pair.End))
	}
}

func quoted(tk *token.Token) bool {
	return tk.Type == token.DoubleQuoteType || tk.Type == token.SingleQuoteType
}

// TestPositions: where goccy's tree differs or says nothing, Parse places
// nodes where a message about them should point.
func TestPositions(t *testing.T) {
	src := "a: |\n\n  text here\n  more\nb: &x 12\nc: !!str 7\nd: *x\ne:\n  - one\n  -\n    two\nf: +.inf\ng: 1e-3\nh: yes\ni: 0x1F\nj: 017\nk: -017\n"
	body, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m := body.(*ast.MappingNode)
	get := func(k string) ast.Node {
		for _, mv := range m.Values {
			if mv.Key.GetToken().Value == k {
				return mv.Value
			}
		}
		t.Fatalf("no key %s", k)
		return nil
	}
	lit := get("a").(*ast.LiteralNode)
	if lit.Value.Value != "\ntext here\nmore\n" || pos(lit.Value) != "3:3" {
		t.Errorf("block text %q at %s, want at 3:3", lit.Value.Value, pos(lit.Value))
	}
	an := get("b").(*ast.AnchorNode)
	if an.Name.GetToken().Value != "x" || pos(an.Value) != "5:7" {
		t.Errorf("anchored value at %s, want 5:7 (after the anchor)", pos(an.Value))
	}
	if s, ok := get("c").(*ast.StringNode); !ok || s.Value != "7" || pos(s) != "6:10" {
		t.Errorf("!!str 7: %T at %s, want a string at 6:10", get("c"), pos(get("c")))
	}
	if al := get("d").(*ast.AliasNode); al.Value.GetToken().Value != "x" || pos(al) != "7:4" {
		t.Errorf("alias %v at %s", al.Value, pos(al))
	}
	seq := get("e").(*ast.SequenceNode)
	if pos(seq.Entries[0]) != "9:3" || pos(seq.Entries[1]) != "10:3" || pos(seq.Values[1]) != "11:5" {
		t.Errorf("entries at %s and %s, second value at %s", pos(seq.Entries[0]), pos(seq.Entries[1]), pos(seq.Values[1]))
	}
	if inf, ok := get("f").(*ast.InfinityNode); !ok || inf.Value <= 0 {
		t.Errorf("+.inf: %#v", get("f"))
	}
	if f, ok := get("g").(*ast.FloatNode); !ok || f.Value != 1e-3 {
		t.Errorf("1e-3 (a YAML 1.2 number): %#v", get("g"))
	}
	if s, ok := get("h").(*ast.StringNode); !ok || s.Value != "yes" {
		t.Errorf("yes (text in YAML 1.2): %#v", get("h"))
	}
	if i, ok := get("i").(*ast.IntegerNode); !ok || i.Value != int64(31) {
		t.Errorf("0x1F: %#v", get("i"))
	}
	// YAML 1.2: a leading zero does not make a number octal.
	if i, ok := get("j").(*ast.IntegerNode); !ok || i.Value != int64(17) {
		t.Errorf("017: %#v", get("j"))
	}
	if i, ok := get("k").(*ast.IntegerNode); !ok || i.Value != int64(-17) {
		t.Errorf("-017: %#v", get("k"))
	}
}

// TestErrors: syntax errors and what a reader cannot use come back as an
// *Error at line:col.
func TestErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"a: [1, 2\nb: 3\n", "2:2: did not find expected ',' or ']' (while parsing a flow sequence)"},
		{"a: 1\n---\nb: 2\n", "2:1: more than one YAML document"},
		{"a: 1\nb: *nope\n", "2:4: unknown alias *nope"},
		{"a: 1\n? [x, y]\n: 2\n", "2:3: a mapping key must be a plain value, not a list or mapping"},
		{"\ta: 1\n", "1:1: found character that cannot start any token (while scanning for the next token)"},
		{"a: 'open\n", "2:1: found unexpected end of stream (while scanning a quoted scalar)"},
		{strings.Repeat("[", MaxDepth+5) + strings.Repeat("]", MaxDepth+5) + "\n", "exceeded max depth of 1000"},
	} {
		_, err := Parse([]byte(c.src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.src, err, c.want)
		}
	}
	for _, empty := range []string{"", "# only a comment\n", "---\n", "\n\n"} {
		if n, err := Parse([]byte(empty)); n != nil || err != nil {
			t.Errorf("%q: got %v, %v; want no document", empty, n, err)
		}
	}
}

// TestOffsetPosition: the computed offsets and columns of single-byte
// lines agree with counting characters, on every line and column (and
// past the end of each line), in text that mixes single-byte lines,
// multi-byte ones, invalid bytes, CRLF and a last line without newline.
func TestOffsetPosition(t *testing.T) {
	countOffset := func(src []byte, lines []int, line, col int) int {
		if line < 1 || line > len(lines) {
			return len(src)
		}
		i := lines[line-1]
		for k := 1; k < col && i < len(src) && src[i] != '\n'; k++ {
			_, w := utf8.DecodeRune(src[i:])
			i += w
		}
		return i
	}
	for _, src := range []string{
		"", "a", "\n", "a: 1\nb: [1, 2, 3]\n", "é: 1\nb: [1, 2]\r\nc: \"ü\"\n\nlast",
		"x: [0.1, 0.25, 1e-3]\n\xff\xfe: 2\n  - ä\n", "a\n\n\nb",
	} {
		c := newConverter([]byte(src))
		for line := 0; line <= len(c.lines)+1; line++ {
			for col := 0; col <= len(src)+2; col++ {
				got, want := c.offset(line, col), countOffset(c.src, c.lines, line, col)
				if got != want {
					t.Fatalf("%q: offset(%d, %d) = %d, want %d", src, line, col, got, want)
				}
			}
		}
		for off := 0; off <= len(src); off++ {
			lo := 0
			for lo+1 < len(c.lines) && c.lines[lo+1] <= off {
				lo++
			}
			wantCol := utf8.RuneCount(c.src[c.lines[lo]:off]) + 1
			if l, col := c.position(off); l != lo+1 || col != wantCol {
				t.Fatalf("%q: position(%d) = %d:%d, want %d:%d", src, off, l, col, lo+1, wantCol)
			}
		}
	}
}
