package yamlread

import (
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
	"github.com/truce-dev/truce/internal/hostile"
)

// FuzzParse: any text gives a tree or an *Error at a line:col inside the
// text, never a panic; every node of a tree is placed inside the text.
//
//	go test ./internal/yamlread -run '^$' -fuzz FuzzParse -fuzztime 2m
func FuzzParse(f *testing.F) {
	for _, p := range []string{"../../examples/two-state.yaml", "../../examples/tit-for-tat.yaml", "../../scenarios/us-iran-2026.yaml"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add(hostile.NestedYAML(2000))
	f.Add(hostile.NestedFlowYAML(2000))
	f.Add(hostile.MultiDocYAML(3))
	for _, s := range []string{"a: |\n\n  x\n", "a: &x !!str 1\nb: *x\n", "? [a]\n: 1\n", "- - - x\n", "a: {b: max(1, 2)}\n", "\uFEFFa: 1\n", "a: 'x\n", "{", "a: b: c\n", "a:\n- 1\n-\n  2\n", "a: {x: '}', y: [\"]\", {z: }], # }\n  w}\n", "a: [b: c, {d}, 'e']\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		// Lines end at LF, CR LF or a lone CR, for YAML and its parser.
		lines := strings.Count(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n") + strings.Count(strings.ReplaceAll(string(src), "\r\n", "\n"), "\r") + 2
		body, err := Parse(src)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error of another type: %v", err)
			}
			if e.Line < 1 || e.Col < 1 || e.Line > lines {
				t.Fatalf("error outside the text (%d lines): %v", lines, err)
			}
			return
		}
		if body == nil {
			return
		}
		ast.Walk(visitor(func(n ast.Node) {
			if tk := n.GetToken(); tk != nil && tk.Position != nil && (tk.Position.Line < 1 || tk.Position.Column < 1 || tk.Position.Line > lines) {
				t.Fatalf("%T at %d:%d, outside the text (%d lines)", n, tk.Position.Line, tk.Position.Column, lines)
			}
			// A flow collection's end is its closing bracket, after its start.
			var st, en *token.Token
			want := byte('}')
			switch x := n.(type) {
			case *ast.MappingNode:
				st, en = x.Start, x.End
			case *ast.SequenceNode:
				st, en, want = x.Start, x.End, ']'
			}
			if en != nil {
				if en.Position.Offset >= len(src) || src[en.Position.Offset] != want || en.Position.Offset <= st.Position.Offset {
					t.Fatalf("%T from offset %d ends at offset %d (%d:%d), not at a %q", n, st.Position.Offset, en.Position.Offset, en.Position.Line, en.Position.Column, want)
				}
				if l, c := lineCol(src, en.Position.Offset); l != en.Position.Line || c != en.Position.Column {
					t.Fatalf("end at offset %d is %d:%d, token says %d:%d", en.Position.Offset, l, c, en.Position.Line, en.Position.Column)
				}
			}
		}), body)
	})
}

// lineCol is the line:col (col in characters) of a byte offset.
func lineCol(src []byte, off int) (int, int) {
	line, start := 1, 0
	for i := 0; i < off; i++ {
		if src[i] == '\n' || src[i] == '\r' && (i+1 == len(src) || src[i+1] != '\n') {
			line, start = line+1, i+1
		}
	}
	return line, utf8.RuneCount(src[start:off]) + 1
}

type visitor func(ast.Node)

func (v visitor) Visit(n ast.Node) ast.Visitor {
	v(n)
	return v
}
