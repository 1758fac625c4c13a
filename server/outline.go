package server

import (
	"bytes"
	"math"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/truce-dev/truce/internal/yamlread"
	"github.com/truce-dev/truce/report"
	"github.com/truce-dev/truce/scenario"
)

// Outline is what the page needs to know about a valid scenario beyond its
// text: states in file order with their colours (the report's rule, so
// both agree), profiles, hypotheses, and the parameters with where each
// number sits in the text, so that a form control can rewrite exactly
// that number and leave comments and layout alone.
type Outline struct {
	States           []OutlineState     `json:"states"`
	UnresolvedColour string             `json:"unresolved_colour"`
	Profiles         []string           `json:"profiles"`
	Hypotheses       []OutlineHyp       `json:"hypotheses"`
	Parameters       []OutlineParameter `json:"parameters"`
	Horizon          int                `json:"horizon"`
	Period           string             `json:"period,omitempty"`
}

// OutlineState is one state of the scenario.
type OutlineState struct {
	ID       string `json:"id"`
	Label    string `json:"label,omitempty"`
	Initial  bool   `json:"initial,omitempty"`
	Terminal bool   `json:"terminal,omitempty"`
	Colour   string `json:"colour"`
}

// OutlineHyp is one hypothesis.
type OutlineHyp struct {
	ID    string `json:"id"`
	Claim string `json:"claim"`
}

// OutlineParameter is one parameter: its distribution, central value and
// range, and the place in the text of the whole value (Span) and of each
// of its numbers (Fields).
type OutlineParameter struct {
	Name        string         `json:"name"`
	Label       string         `json:"label,omitempty"`
	Description string         `json:"description,omitempty"`
	Dist        string         `json:"dist"` // fixed, uniform, triangular, normal, lognormal, beta, pert, choice
	Central     float64        `json:"central"`
	Lo          float64        `json:"lo"`
	Hi          float64        `json:"hi"`
	Span        *TextSpan      `json:"span,omitempty"`
	Fields      []OutlineField `json:"fields"`
	// Editable is false when the value is not plain numbers in place
	// (an alias, a list of choices, an expression): the page then shows
	// it without form controls.
	Editable bool `json:"editable"`
}

// OutlineField is one number of a parameter's value: for `{dist: beta,
// a: 2, b: 8}` the fields a and b; for a plain number the field "value".
type OutlineField struct {
	Key   string   `json:"key"`
	Value float64  `json:"value"`
	At    TextSpan `json:"at"`
}

// TextSpan is a stretch of the text: it starts at Line:Col (1-based; Col
// counts characters) and holds exactly Text.
type TextSpan struct {
	Line int    `json:"line"`
	Col  int    `json:"col"`
	Text string `json:"text"`
}

// Outliner is implemented by runners that can outline a scenario as they
// validate it (one parse for both).
type Outliner interface {
	// ValidateOutline is Validate, and the outline when the scenario is
	// valid (nil otherwise).
	ValidateOutline(filename string, yaml []byte) ([]Diagnostic, *Outline)
}

// ValidateOutline implements Outliner.
func (r ScenarioRunner) ValidateOutline(filename string, src []byte) ([]Diagnostic, *Outline) {
	if isConflict(src) {
		return r.Validate(filename, src), nil
	}
	sc, ds := scenario.Parse(filename, src)
	if sc == nil {
		return convertDiags(ds), nil
	}
	return convertDiags(ds), outlineOf(sc, src)
}

// Outline returns the outline of a valid scenario; false when it has
// errors.
func (r ScenarioRunner) Outline(filename string, src []byte) (*Outline, bool) {
	_, o := r.ValidateOutline(filename, src)
	return o, o != nil
}

func finiteOr0(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

// outlineOf builds the outline of a parsed scenario; src is its text,
// parsed again here only for positions (it passed scenario.Parse, whose
// limits it therefore meets).
func outlineOf(sc *scenario.Scenario, src []byte) *Outline {
	o := &Outline{Horizon: sc.Horizon, Period: sc.Period, Profiles: []string{}, Hypotheses: []OutlineHyp{}, Parameters: []OutlineParameter{}}
	var rs []report.State
	for _, s := range sc.States {
		rs = append(rs, report.State{ID: s.ID, Initial: s.Initial, Terminal: s.Terminal})
	}
	col, unresolved := report.StateColours(rs)
	o.UnresolvedColour = unresolved
	for _, s := range sc.States {
		o.States = append(o.States, OutlineState{ID: s.ID, Label: s.Info.Label, Initial: s.Initial, Terminal: s.Terminal, Colour: col[s.ID]})
	}
	for _, p := range sc.Profiles {
		o.Profiles = append(o.Profiles, p.Name)
	}
	for _, h := range sc.Hypotheses {
		o.Hypotheses = append(o.Hypotheses, OutlineHyp{ID: h.ID, Claim: h.Claim})
	}
	nodes := parameterNodes(src)
	lines := strings.Split(string(src), "\n")
	for _, p := range sc.Parameters {
		lo, hi := p.Dist.Bounds()
		op := OutlineParameter{Name: p.Name, Label: p.Info.Label, Description: p.Info.Description, Dist: p.Dist.Kind,
			Central: finiteOr0(p.Dist.Central()), Lo: finiteOr0(lo), Hi: finiteOr0(hi), Fields: []OutlineField{}}
		if n, ok := nodes[p.Name]; ok {
			op.Span, op.Fields, op.Editable = fieldsOf(n, lines)
		}
		o.Parameters = append(o.Parameters, op)
	}
	return o
}

// parameterNodes finds the value node of every entry of the top-level
// `parameters` mapping.
func parameterNodes(src []byte) map[string]ast.Node {
	out := map[string]ast.Node{}
	// The reader of scenarios (linear in the number of keys; goccy's own
	// parser is quadratic), after the byte-order mark that scenario.Parse
	// also skips.
	body, err := yamlread.Parse(bytes.TrimPrefix(src, []byte("\uFEFF")))
	if err != nil {
		return out
	}
	top, ok := body.(*ast.MappingNode)
	if !ok {
		return out
	}
	for _, mv := range top.Values {
		if mv.Key == nil || mv.Key.String() != "parameters" {
			continue
		}
		params, ok := mv.Value.(*ast.MappingNode)
		if !ok {
			return out
		}
		for _, p := range params.Values {
			if p.Key != nil {
				out[p.Key.String()] = p.Value
			}
		}
	}
	return out
}

// numberAt returns the span and value of a plain number node.
func numberAt(n ast.Node) (TextSpan, float64, bool) {
	switch n.(type) {
	case *ast.IntegerNode, *ast.FloatNode:
	default:
		return TextSpan{}, 0, false
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return TextSpan{}, 0, false
	}
	v, err := strconv.ParseFloat(tk.Value, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return TextSpan{}, 0, false
	}
	return TextSpan{Line: tk.Position.Line, Col: tk.Position.Column, Text: tk.Value}, v, true
}

// fieldsOf lists the numbers of a parameter's value node: the value itself
// when it is a number, else each numeric entry of its mapping. Span is the
// whole value when it is written on one line (a number or a flow mapping),
// which the page may replace to change the distribution.
func fieldsOf(n ast.Node, lines []string) (*TextSpan, []OutlineField, bool) {
	if at, v, ok := numberAt(n); ok {
		return &at, []OutlineField{{Key: "value", Value: v, At: at}}, true
	}
	m, ok := n.(*ast.MappingNode)
	if !ok {
		return nil, []OutlineField{}, false
	}
	fields := []OutlineField{}
	editable := true
	for _, mv := range m.Values {
		if mv.Key == nil {
			continue
		}
		k := mv.Key.String()
		switch k {
		case "dist", "label", "description", "rationale", "source":
			continue
		}
		at, v, ok := numberAt(mv.Value)
		if !ok {
			editable = false // a list (choice), an expression, an alias
			continue
		}
		fields = append(fields, OutlineField{Key: k, Value: v, At: at})
	}
	var span *TextSpan
	if m.IsFlowStyle && m.Start != nil && m.End != nil && m.Start.Position != nil && m.End.Position != nil {
		a, b := m.Start.Position, m.End.Position
		if a.Line == b.Line && a.Line <= len(lines) {
			line := []rune(lines[a.Line-1])
			if a.Column >= 1 && b.Column <= len(line) && a.Column <= b.Column {
				span = &TextSpan{Line: a.Line, Col: a.Column, Text: string(line[a.Column-1 : b.Column])}
			}
		}
	}
	return span, fields, editable && len(fields) > 0
}
