package server

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/truce-dev/truce/internal/yamlread"
)

// scenarioDiff says how two scenario texts differ: a readable list of what
// changed (parameters, rules, states, hypotheses, settings), and the line
// diff of the texts.
type scenarioDiff struct {
	Same    bool             `json:"same"`
	Changes []scenarioChange `json:"changes"`
	Lines   []diffLine       `json:"lines"`
	// LinesCut is true when the line diff was cut short (too long to show,
	// or not finished within its time bound).
	LinesCut bool `json:"lines_cut,omitempty"`
}

// scenarioChange is one changed item: Section is the top-level key
// ("parameters", "transitions", "horizon", …), Item names the entry
// within it ("p_deal", "from strikes when {A: strike}"), Change is
// "changed", "added" or "removed", A and B the item as written, compact.
type scenarioChange struct {
	Section string `json:"section"`
	Item    string `json:"item,omitempty"`
	Change  string `json:"change"`
	A       string `json:"a,omitempty"`
	B       string `json:"b,omitempty"`
}

// diffLine is one line of a unified diff: Op is ' ' (in both), '-' (only
// in A), '+' (only in B) or '…' (unchanged lines left out); LineA and
// LineB are 1-based line numbers (0 where the line is not in that text).
type diffLine struct {
	Op    string `json:"op"`
	LineA int    `json:"a,omitempty"`
	LineB int    `json:"b,omitempty"`
	Text  string `json:"text"`
}

// Bounds of the scenario diff: the texts come from stored runs (at most
// the body limit each), the answer goes to a browser.
const (
	maxDiffLines   = 2000
	maxChangeItems = 500
	diffContext    = 3
	diffTimeout    = time.Second
)

func diffScenarios(a, b string) scenarioDiff {
	d := scenarioDiff{Same: a == b, Changes: []scenarioChange{}, Lines: []diffLine{}}
	if d.Same {
		return d
	}
	d.Changes = structuralChanges(a, b)
	d.Lines, d.LinesCut = lineDiff(a, b)
	return d
}

// compact writes a YAML value on one line, at most 240 characters: flow
// style, each text quoted only where YAML 1.2 would read it otherwise,
// aliases as written (*name, never expanded).
func compact(n ast.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	writeCompact(&b, n)
	s := b.String()
	if len(s) > 240 {
		s = s[:240] + "…"
	}
	return s
}

// writeCompact writes n in flow style, stopping soon after 240 bytes so
// that a huge value costs no more than a short one.
func writeCompact(b *strings.Builder, n ast.Node) {
	if b.Len() > 240 {
		return
	}
	switch x := n.(type) {
	case *ast.MappingNode:
		b.WriteByte('{')
		for i, mv := range x.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			writeCompact(b, mv.Key)
			b.WriteString(": ")
			writeCompact(b, mv.Value)
		}
		b.WriteByte('}')
	case *ast.SequenceNode:
		b.WriteByte('[')
		for i, v := range x.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			writeCompact(b, v)
		}
		b.WriteByte(']')
	case *ast.AnchorNode:
		writeCompact(b, x.Value)
	case *ast.AliasNode:
		b.WriteString("*" + x.Value.GetToken().Value)
	case *ast.StringNode:
		b.WriteString(plainOrQuoted(x.Value))
	case *ast.LiteralNode:
		b.WriteString(plainOrQuoted(x.Value.Value))
	case *ast.NullNode:
		b.WriteString("null")
	default: // numbers, booleans, .inf, .nan: as written
		if tk := n.GetToken(); tk != nil {
			b.WriteString(tk.Value)
		}
	}
}

// plainOrQuoted writes a text plain when YAML 1.2 reads it back as the
// same text inside a flow collection, and double-quoted otherwise.
func plainOrQuoted(s string) string {
	if s == "" || strings.TrimSpace(s) != s || strings.ContainsAny(s, ":#,[]{}\"'\n\t\\") ||
		strings.ContainsAny(s[:1], "-?!&*|>%@`") || !readsAsText(s) {
		return strconv.Quote(s)
	}
	return s
}

// readsAsText reports whether YAML 1.2 reads the plain scalar s as text (not
// null, a boolean or a number).
func readsAsText(s string) bool {
	switch strings.ToLower(s) {
	case "null", "~", "true", "false", ".inf", "+.inf", "-.inf", ".nan":
		return false
	}
	if _, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64); err == nil {
		return false
	}
	if _, err := strconv.ParseInt(s, 0, 64); err == nil {
		return false
	}
	return true
}

// entry is one key and value of a mapping, or one item of a list.
type entry struct {
	key   string
	value ast.Node
}

// mappingEntries lists a mapping's entries in order; false when n is not
// a mapping.
func mappingEntries(n ast.Node) ([]entry, bool) {
	if a, ok := n.(*ast.AnchorNode); ok {
		n = a.Value
	}
	m, ok := n.(*ast.MappingNode)
	if !ok {
		return nil, false
	}
	out := make([]entry, 0, len(m.Values))
	for _, mv := range m.Values {
		out = append(out, entry{scalarText(mv.Key), mv.Value})
	}
	return out, true
}

// scalarText is a key's or id's text as written (compact for anything else).
func scalarText(n ast.Node) string {
	switch x := n.(type) {
	case *ast.StringNode:
		return x.Value
	case *ast.MappingKeyNode:
		return scalarText(x.Value)
	}
	if tk := n.GetToken(); tk != nil && n.Type() != ast.MappingType && n.Type() != ast.SequenceType {
		return tk.Value
	}
	return compact(n)
}

// keyed lists the entries of a section as (item name, value) in order: a
// mapping by key; a list by each entry's id, or for rules (transitions,
// payoffs) by where and when they apply.
func keyed(v ast.Node) ([]string, map[string]ast.Node) {
	names, vals := []string{}, map[string]ast.Node{}
	add := func(name string, x ast.Node) {
		base, n := name, 2
		for _, dup := vals[name]; dup; _, dup = vals[name] {
			name = fmt.Sprintf("%s (#%d)", base, n)
			n++
		}
		names = append(names, name)
		vals[name] = x
	}
	if es, ok := mappingEntries(v); ok {
		for _, e := range es {
			add(e.key, e.value)
		}
		return names, vals
	}
	if s, ok := v.(*ast.SequenceNode); ok {
		for i, e := range s.Values {
			add(itemName(e, i), e)
		}
		return names, vals
	}
	add("", v)
	return names, vals
}

// itemName names a list entry: its id, or the rule's from/in and when.
func itemName(e ast.Node, i int) string {
	es, ok := mappingEntries(e)
	if !ok {
		return fmt.Sprintf("#%d", i+1)
	}
	get := func(k string) (ast.Node, bool) {
		for _, it := range es {
			if it.key == k {
				return it.value, true
			}
		}
		return nil, false
	}
	if id, ok := get("id"); ok {
		return scalarText(id)
	}
	var parts []string
	for _, k := range []string{"from", "in", "on", "when", "after"} {
		if v, ok := get(k); ok {
			parts = append(parts, k+" "+compact(v))
		}
	}
	if len(parts) == 0 {
		return fmt.Sprintf("#%d", i+1)
	}
	return strings.Join(parts, " ")
}

// structuralChanges compares two scenario texts section by section. Texts
// that are not YAML mappings give one change for the whole text. The
// texts are read by the scenario reader's YAML parser (linear time, depth
// bounded), not decoded into Go values.
func structuralChanges(a, b string) []scenarioChange {
	na, errA := yamlread.Parse(bytes.TrimPrefix([]byte(a), []byte("\uFEFF")))
	nb, errB := yamlread.Parse(bytes.TrimPrefix([]byte(b), []byte("\uFEFF")))
	ma, okA := mappingEntries(na)
	mb, okB := mappingEntries(nb)
	if errA != nil || errB != nil || !okA || !okB {
		return []scenarioChange{{Section: "text", Change: "changed"}}
	}
	sa, sb := map[string]ast.Node{}, map[string]ast.Node{}
	var order []string
	for _, m := range []struct {
		s  []entry
		to map[string]ast.Node
	}{{ma, sa}, {mb, sb}} {
		for _, it := range m.s {
			k := it.key
			if _, seen := sa[k]; !seen {
				if _, seen := sb[k]; !seen {
					order = append(order, k)
				}
			}
			m.to[k] = it.value
		}
	}
	out := []scenarioChange{}
	for _, sec := range order {
		va, inA := sa[sec]
		vb, inB := sb[sec]
		switch {
		case !inA:
			out = append(out, scenarioChange{Section: sec, Change: "added", B: compact(vb)})
			continue
		case !inB:
			out = append(out, scenarioChange{Section: sec, Change: "removed", A: compact(va)})
			continue
		}
		ca, cb := compact(va), compact(vb)
		if ca == cb {
			continue
		}
		_, isMapA := mappingEntries(va)
		_, isListA := va.(*ast.SequenceNode)
		if !isMapA && !isListA {
			out = append(out, scenarioChange{Section: sec, Change: "changed", A: ca, B: cb})
			continue
		}
		na, ia := keyed(va)
		nb, ib := keyed(vb)
		for _, n := range na {
			x := ia[n]
			y, ok := ib[n]
			switch {
			case !ok:
				out = append(out, scenarioChange{Section: sec, Item: n, Change: "removed", A: compact(x)})
			case compact(x) != compact(y):
				out = append(out, scenarioChange{Section: sec, Item: n, Change: "changed", A: compact(x), B: compact(y)})
			}
		}
		for _, n := range nb {
			if _, ok := ia[n]; !ok {
				out = append(out, scenarioChange{Section: sec, Item: n, Change: "added", B: compact(ib[n])})
			}
		}
		if len(out) > maxChangeItems {
			return out[:maxChangeItems]
		}
	}
	// Parameters first: they are what analysts change most and read first.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Section == "parameters" && out[j].Section != "parameters" })
	return out
}

// lineDiff is a unified diff of two texts by lines, with diffContext
// unchanged lines around each change and the rest folded into one "…"
// line. It stops at maxDiffLines lines, and the diff itself at
// diffTimeout (then the rest is shown as removed and added).
func lineDiff(a, b string) (lines []diffLine, cut bool) {
	defer func() {
		if recover() != nil { // more distinct lines than the library encodes
			lines, cut = nil, true
		}
	}()
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = diffTimeout
	ra, rb, table := dmp.DiffLinesToRunes(a, b)
	diffs := dmp.DiffCharsToLines(dmp.DiffMainRunes(ra, rb, false), table)
	type row struct {
		op     byte
		la, lb int
		text   string
	}
	var rows []row
	la, lb := 1, 1
	for _, d := range diffs {
		for _, l := range strings.SplitAfter(d.Text, "\n") {
			if l == "" {
				continue
			}
			l = strings.TrimSuffix(l, "\n")
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				rows = append(rows, row{' ', la, lb, l})
				la++
				lb++
			case diffmatchpatch.DiffDelete:
				rows = append(rows, row{'-', la, 0, l})
				la++
			case diffmatchpatch.DiffInsert:
				rows = append(rows, row{'+', 0, lb, l})
				lb++
			}
		}
	}
	// Keep diffContext lines of context either side of each change.
	keep := make([]bool, len(rows))
	for i, r := range rows {
		if r.op == ' ' {
			continue
		}
		for j := max(0, i-diffContext); j <= min(len(rows)-1, i+diffContext); j++ {
			keep[j] = true
		}
	}
	lines = []diffLine{}
	skipped := false
	for i, r := range rows {
		if !keep[i] {
			skipped = true
			continue
		}
		if skipped {
			lines = append(lines, diffLine{Op: "…", Text: ""})
			skipped = false
		}
		if len(lines) >= maxDiffLines {
			return lines, true
		}
		lines = append(lines, diffLine{Op: string(r.op), LineA: r.la, LineB: r.lb, Text: r.text})
	}
	if skipped {
		lines = append(lines, diffLine{Op: "…"})
	}
	return lines, false
}
