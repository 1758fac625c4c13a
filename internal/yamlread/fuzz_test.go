package yamlread

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/ast"
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
	for _, s := range []string{"a: |\n\n  x\n", "a: &x !!str 1\nb: *x\n", "? [a]\n: 1\n", "- - - x\n", "a: {b: max(1, 2)}\n", "\uFEFFa: 1\n", "a: 'x\n", "{", "a: b: c\n", "a:\n- 1\n-\n  2\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		lines := strings.Count(string(src), "\n") + 2
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
		}), body)
	})
}

type visitor func(ast.Node)

func (v visitor) Visit(n ast.Node) ast.Visitor {
	v(n)
	return v
}
