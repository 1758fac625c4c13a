// Package events turns coded event data (GDELT 2.0 event rows, ICEWS-style
// rows, PLOVER/POLECAT JSON lines) into an observed record: a mapping file
// says which actors are the scenario's sides and which event codes count as
// which of the scenario's event classes, and the events are aggregated per
// period (docs/evidence.md).
package events

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/truce-dev/truce/evidence/record"
	"github.com/truce-dev/truce/internal/period"
	"github.com/truce-dev/truce/internal/yamlread"
)

// Mapping is a mapping file: who the sides are and which events count as
// which class.
type Mapping struct {
	File string `yaml:"-"`
	// Sides maps each side (a scenario actor, say US) to the codes and
	// names that identify it in event data (USA, "United States").
	Sides map[string][]string `yaml:"sides"`
	// Dyad restricts events to those between these two sides, either way
	// round; empty: between any two different sides.
	Dyad []string `yaml:"dyad"`
	// Period and Start override the scenario's calendar.
	Period string `yaml:"period"`
	Start  string `yaml:"start"`
	// From and To are the first and last dates the data cover; default:
	// the first and last date read.
	From string `yaml:"from"`
	To   string `yaml:"to"`
	// PerPeriod is "one" (one row per period: the first class in Classes
	// order that occurs at least its min_count times) or "counts" (a row
	// per class with its count).
	PerPeriod string `yaml:"per_period"`
	// Empty is the class of a fully covered period without any mapped
	// event (per_period: one); empty: such periods are unobserved.
	Empty   string  `yaml:"empty"`
	Classes []Class `yaml:"classes"`

	pos map[string]pos // YAML path -> position, for messages
}

// Class says which events count as one event class. Every criterion given
// must hold; cameo and plover are alternatives (one data set has CAMEO
// codes, another PLOVER categories), so an event matches either.
type Class struct {
	Event string `yaml:"event"`
	// Cameo lists CAMEO codes or their prefixes: "19" (a root code)
	// matches 190, 1951, ...; codes are strings of digits with their
	// leading zeros ("04"), numbers are read as written.
	Cameo []string `yaml:"cameo"`
	// Plover lists PLOVER categories (ASSAULT, CONSULT, ...).
	Plover []string `yaml:"plover"`
	// Goldstein is an inclusive range [lo, hi] on the Goldstein scale
	// (GDELT GoldsteinScale, ICEWS Intensity, PLOVER event_scale).
	Goldstein []float64 `yaml:"goldstein"`
	// Quad lists CAMEO/PLOVER quad classes 1-4 (verbal/material
	// cooperation/conflict).
	Quad []int `yaml:"quad"`
	// Actor and Target are the sides that must act and be acted upon.
	Actor  string `yaml:"actor"`
	Target string `yaml:"target"`
	// MinCount is the number of such events a period needs for the class
	// to count in it (per_period: one); default 1.
	MinCount int `yaml:"min_count"`
}

type pos struct{ line, col int }

// Error is a problem in a mapping or an event file, at a position (the
// same as a record file's).
type Error = record.Error

// ReadMapping reads a mapping file (YAML) and checks it; classes are
// checked against the scenario's event classes by Check.
func ReadMapping(name string, src []byte) (*Mapping, error) {
	m := &Mapping{File: name}
	body, err := yamlread.Parse(src)
	if err == nil {
		err = yamlread.DecodeNode(body, m)
	}
	if err != nil {
		e := &Error{File: name, Msg: err.Error()}
		var ye *yamlread.Error
		if errors.As(err, &ye) {
			e.Line, e.Col, e.Msg = ye.Line, ye.Col, ye.Msg
		}
		return nil, e
	}
	m.File = name
	m.pos = map[string]pos{}
	if body != nil {
		m.locate(body)
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return m, nil
}

// locate records the position of every key and list item of the file, by
// its YAML path ($.classes[0].event), for messages.
func (m *Mapping) locate(body ast.Node) {
	var walk func(n ast.Node, path string)
	walk = func(n ast.Node, path string) {
		switch x := n.(type) {
		case *ast.MappingNode:
			for _, v := range x.Values {
				walk(v, path)
			}
		case *ast.MappingValueNode:
			if x.Key == nil {
				return
			}
			p := path + "." + x.Key.GetToken().Value
			if tk := x.Key.GetToken(); tk != nil && tk.Position != nil {
				m.pos[p] = pos{tk.Position.Line, tk.Position.Column}
			}
			walk(x.Value, p)
		case *ast.SequenceNode:
			for i, v := range x.Values {
				p := fmt.Sprintf("%s[%d]", path, i)
				if tk := v.GetToken(); tk != nil && tk.Position != nil {
					m.pos[p] = pos{tk.Position.Line, tk.Position.Column}
				}
				walk(v, p)
			}
		case *ast.AnchorNode:
			walk(x.Value, path)
		case *ast.TagNode:
			walk(x.Value, path)
		}
	}
	walk(body, "$")
}

func (m *Mapping) errorf(path, format string, args ...any) *Error {
	// The nearest enclosing path that has a position.
	p, ok := m.pos[path]
	for !ok && path != "$" && path != "" {
		if i := strings.LastIndexAny(path, ".["); i > 0 {
			path = path[:i]
		} else {
			break
		}
		p, ok = m.pos[path]
	}
	return &Error{File: m.File, Line: p.line, Col: p.col, Msg: fmt.Sprintf(format, args...)}
}

func (m *Mapping) check() error {
	if len(m.Sides) < 2 {
		return m.errorf("$.sides", "sides: name at least two sides and the codes that identify each, e.g. {US: [USA], IR: [IRN, Iran]}")
	}
	owner := map[string]string{} // code or name (any case) -> side
	for _, side := range sortedSides(m.Sides) {
		codes := m.Sides[side]
		if len(codes) == 0 {
			return m.errorf("$.sides."+side, "side %s has no codes or names", side)
		}
		for _, c := range codes {
			if strings.TrimSpace(c) == "" {
				return m.errorf("$.sides."+side, "side %s has an empty code", side)
			}
			// A code of two sides would make every event between them
			// one "between other actors", without a word.
			k := strings.ToLower(strings.TrimSpace(c))
			if o, ok := owner[k]; ok && o != side {
				return m.errorf("$.sides."+side, "code %q identifies both %s and %s: an actor must belong to one side", c, o, side)
			}
			owner[k] = side
		}
	}
	isSide := func(path, s string) error {
		if _, ok := m.Sides[s]; !ok {
			return m.errorf(path, "unknown side %q (sides: %s)", s, strings.Join(sortedSides(m.Sides), ", "))
		}
		return nil
	}
	if len(m.Dyad) != 0 {
		if len(m.Dyad) != 2 || m.Dyad[0] == m.Dyad[1] {
			return m.errorf("$.dyad", "dyad: name two different sides")
		}
		for i, s := range m.Dyad {
			if err := isSide(fmt.Sprintf("$.dyad[%d]", i), s); err != nil {
				return err
			}
		}
	}
	if m.Period != "" {
		if _, ok := period.ParseLength(m.Period); !ok {
			return m.errorf("$.period", "period %q has no calendar length (use day, week, fortnight, month, quarter or year)", m.Period)
		}
	}
	for _, k := range []struct{ path, v string }{{"$.start", m.Start}, {"$.from", m.From}, {"$.to", m.To}} {
		if k.v != "" {
			if _, err := period.ParseDate(k.v); err != nil {
				return m.errorf(k.path, "%v", err)
			}
		}
	}
	switch m.PerPeriod {
	case "":
		m.PerPeriod = "one"
	case "one", "counts":
	default:
		return m.errorf("$.per_period", "per_period %q: want one or counts", m.PerPeriod)
	}
	if m.Empty != "" && m.PerPeriod != "one" {
		return m.errorf("$.empty", "empty applies to per_period: one")
	}
	if len(m.Classes) == 0 {
		return m.errorf("$.classes", "classes: list at least one {event: CLASS, cameo: [...]}")
	}
	for i := range m.Classes {
		c := &m.Classes[i]
		at := fmt.Sprintf("$.classes[%d]", i)
		if c.Event == "" {
			return m.errorf(at, "class %d has no `event`", i+1)
		}
		if len(c.Cameo) == 0 && len(c.Plover) == 0 && len(c.Goldstein) == 0 && len(c.Quad) == 0 {
			return m.errorf(at, "class %q says nothing about which events count (give cameo, plover, goldstein or quad)", c.Event)
		}
		for j, code := range c.Cameo {
			if code == "" || strings.Trim(code, "0123456789") != "" || len(code) > 4 {
				return m.errorf(fmt.Sprintf("%s.cameo[%d]", at, j), "CAMEO code %q: write 2 to 4 digits as a string, e.g. \"04\" or \"190\"", code)
			}
			if len(code) == 1 {
				return m.errorf(fmt.Sprintf("%s.cameo[%d]", at, j), "CAMEO code %q: root codes have two digits; write \"0%s\"", code, code)
			}
		}
		for j, p := range c.Plover {
			c.Plover[j] = strings.ToUpper(strings.TrimSpace(p))
		}
		if len(c.Goldstein) != 0 {
			if len(c.Goldstein) != 2 || !(c.Goldstein[0] <= c.Goldstein[1]) || math.IsNaN(c.Goldstein[0]+c.Goldstein[1]) {
				return m.errorf(at+".goldstein", "goldstein: write [lo, hi] with lo <= hi (the scale runs from -10 to 10)")
			}
		}
		for _, q := range c.Quad {
			if q < 1 || q > 4 {
				return m.errorf(at+".quad", "quad %d: quad classes are 1 to 4", q)
			}
		}
		for _, s := range []struct{ path, v string }{{at + ".actor", c.Actor}, {at + ".target", c.Target}} {
			if s.v != "" {
				if err := isSide(s.path, s.v); err != nil {
					return err
				}
			}
		}
		if c.MinCount < 0 {
			return m.errorf(at+".min_count", "min_count must not be negative")
		}
		if c.MinCount == 0 {
			c.MinCount = 1
		}
	}
	return nil
}

// Check reports mapping classes (and the empty class) that are not event
// classes of the scenario.
func (m *Mapping) Check(events []string, suggest func(string, []string) string) error {
	known := map[string]bool{}
	for _, e := range events {
		known[e] = true
	}
	bad := func(path, name string) error {
		h := ""
		if s := suggest(name, events); s != "" {
			h = " (hint: " + s + ")"
		}
		return m.errorf(path, "%q is not an event class of the scenario%s", name, h)
	}
	for i, c := range m.Classes {
		if !known[c.Event] {
			return bad(fmt.Sprintf("$.classes[%d].event", i), c.Event)
		}
	}
	if m.Empty != "" && !known[m.Empty] {
		return bad("$.empty", m.Empty)
	}
	return nil
}

func sortedSides(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
