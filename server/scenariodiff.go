package server

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/sergi/go-diff/diffmatchpatch"
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

// compact writes a YAML value on one line, at most 240 characters.
func compact(v any) string {
	if v == nil {
		return ""
	}
	out, err := yaml.MarshalWithOptions(v, yaml.Flow(true))
	if err != nil {
		return fmt.Sprint(v)
	}
	s := strings.TrimSpace(string(out))
	if len(s) > 240 {
		s = s[:240] + "…"
	}
	return s
}

// keyed lists the entries of a section as (item name, value) in order: a
// mapping by key; a list by each entry's id, or for rules (transitions,
// payoffs) by where and when they apply.
func keyed(v any) ([]string, map[string]any) {
	names, vals := []string{}, map[string]any{}
	add := func(name string, x any) {
		base, n := name, 2
		for _, dup := vals[name]; dup; _, dup = vals[name] {
			name = fmt.Sprintf("%s (#%d)", base, n)
			n++
		}
		names = append(names, name)
		vals[name] = x
	}
	switch x := v.(type) {
	case yaml.MapSlice:
		for _, it := range x {
			add(fmt.Sprint(it.Key), it.Value)
		}
	case []any:
		for i, e := range x {
			add(itemName(e, i), e)
		}
	default:
		add("", v)
	}
	return names, vals
}

// itemName names a list entry: its id, or the rule's from/in and when.
func itemName(e any, i int) string {
	m, ok := e.(yaml.MapSlice)
	if !ok {
		return fmt.Sprintf("#%d", i+1)
	}
	get := func(k string) (any, bool) {
		for _, it := range m {
			if fmt.Sprint(it.Key) == k {
				return it.Value, true
			}
		}
		return nil, false
	}
	if id, ok := get("id"); ok {
		return fmt.Sprint(id)
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
// that are not YAML mappings give one change for the whole text.
func structuralChanges(a, b string) []scenarioChange {
	var ma, mb yaml.MapSlice
	if yaml.UnmarshalWithOptions([]byte(a), &ma, yaml.UseOrderedMap()) != nil ||
		yaml.UnmarshalWithOptions([]byte(b), &mb, yaml.UseOrderedMap()) != nil {
		return []scenarioChange{{Section: "text", Change: "changed"}}
	}
	sa, sb := map[string]any{}, map[string]any{}
	var order []string
	for _, m := range []struct {
		s  yaml.MapSlice
		to map[string]any
	}{{ma, sa}, {mb, sb}} {
		for _, it := range m.s {
			k := fmt.Sprint(it.Key)
			if _, seen := sa[k]; !seen {
				if _, seen := sb[k]; !seen {
					order = append(order, k)
				}
			}
			m.to[k] = it.Value
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
		_, isMapA := va.(yaml.MapSlice)
		_, isListA := va.([]any)
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
