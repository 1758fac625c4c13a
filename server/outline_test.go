package server

import (
	"strings"
	"testing"
)

// textAt returns the text of line:col (characters) of length n.
func textAt(src string, line, col, n int) string {
	lines := strings.Split(src, "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	r := []rune(lines[line-1])
	if col < 1 || col-1+n > len(r) {
		return ""
	}
	return string(r[col-1 : col-1+n])
}

func TestOutlinePositions(t *testing.T) {
	src := `truce: 1
name: o
horizon: 4
discount: 0.9
actors:
  - id: A
parameters:
  fixed_one: 0.25   # a comment
  beta_flow: {dist: beta, a: 2, b: 8}
  uni_label: {label: "coût élevé", dist: uniform, min: 0.1, max: 0.35}
  tri_block:
    dist: triangular
    min: 1
    mode: 2.5
    max: 4.0
  pick: {dist: choice, values: [1, 2]}
states:
  - {id: s, initial: true}
  - {id: end, terminal: true}
actions:
  A: {"*": [go]}
transitions:
  - from: s
    to: {end: fixed_one}
`
	o, ok := ScenarioRunner{}.Outline("o.yaml", []byte(src))
	if !ok {
		t.Fatal("outline of a valid scenario failed")
	}
	byName := map[string]OutlineParameter{}
	for _, p := range o.Parameters {
		byName[p.Name] = p
		for _, f := range p.Fields {
			if got := textAt(src, f.At.Line, f.At.Col, len([]rune(f.At.Text))); got != f.At.Text {
				t.Errorf("%s.%s: text at %d:%d is %q, outline says %q", p.Name, f.Key, f.At.Line, f.At.Col, got, f.At.Text)
			}
		}
		if p.Span != nil {
			if got := textAt(src, p.Span.Line, p.Span.Col, len([]rune(p.Span.Text))); got != p.Span.Text {
				t.Errorf("%s: span text at %d:%d is %q, outline says %q", p.Name, p.Span.Line, p.Span.Col, got, p.Span.Text)
			}
		}
	}
	want := map[string]struct {
		dist     string
		keys     string
		central  float64
		span     string
		editable bool
	}{
		"fixed_one": {"fixed", "value", 0.25, "0.25", true},
		"beta_flow": {"beta", "a,b", 0.2, "{dist: beta, a: 2, b: 8}", true},
		"uni_label": {"uniform", "min,max", 0.225, `{label: "coût élevé", dist: uniform, min: 0.1, max: 0.35}`, true},
		"tri_block": {"triangular", "min,mode,max", 2.5, "", true},
		"pick":      {"choice", "", 1, "{dist: choice, values: [1, 2]}", false},
	}
	for name, w := range want {
		p, ok := byName[name]
		if !ok {
			t.Errorf("%s missing", name)
			continue
		}
		var keys []string
		for _, f := range p.Fields {
			keys = append(keys, f.Key)
		}
		span := ""
		if p.Span != nil {
			span = p.Span.Text
		}
		if p.Dist != w.dist || strings.Join(keys, ",") != w.keys || p.Central-w.central > 1e-12 || w.central-p.Central > 1e-12 || span != w.span || p.Editable != w.editable {
			t.Errorf("%s: %+v", name, p)
		}
	}
	if len(o.States) != 2 || o.States[1].ID != "end" || !o.States[1].Terminal || o.States[0].Colour == "" || o.UnresolvedColour == "" {
		t.Errorf("states %+v", o.States)
	}
}

func TestOutlineBundledScenarios(t *testing.T) {
	for _, ex := range BuiltinExamples() {
		if isConflict([]byte(ex.YAML)) {
			continue // a graph-model conflict has no parameters
		}
		o, ok := ScenarioRunner{}.Outline(ex.Name+".yaml", []byte(ex.YAML))
		if !ok {
			t.Fatalf("%s: no outline", ex.Name)
		}
		editable := 0
		for _, p := range o.Parameters {
			for _, f := range p.Fields {
				if got := textAt(ex.YAML, f.At.Line, f.At.Col, len([]rune(f.At.Text))); got != f.At.Text {
					t.Errorf("%s %s.%s: %q at %d:%d, outline says %q", ex.Name, p.Name, f.Key, got, f.At.Line, f.At.Col, f.At.Text)
				}
			}
			if p.Editable {
				editable++
			}
		}
		if editable == 0 {
			t.Errorf("%s: no editable parameter among %d", ex.Name, len(o.Parameters))
		}
	}
	if _, ok := (ScenarioRunner{}).Outline("bad.yaml", []byte("truce: [")); ok {
		t.Error("outline of an invalid scenario")
	}
}
