package scenario

import (
	"fmt"
	"sort"
	"strings"
)

// Diagnostic is one problem found in a scenario file, with the position of
// the offending text and, where one exists, a hint of what would be right.
type Diagnostic struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Severity string `json:"severity"` // "error" or "warning"
	Msg      string `json:"message"`
	Hint     string `json:"hint"`
}

// String formats d the way compilers do: "file:line:col: error: msg (hint: ...)".
func (d Diagnostic) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: %s: %s", d.File, d.Line, d.Col, d.Severity, d.Msg)
	if d.Hint != "" {
		fmt.Fprintf(&b, " (hint: %s)", d.Hint)
	}
	return b.String()
}

// Pos is a position in the scenario file (1-based line and column).
type Pos struct{ Line, Col int }

// diags collects diagnostics for one file.
type diags struct {
	file string
	list []Diagnostic
}

// at clamps a position into the file: a missing section has no position of
// its own, and its diagnostic then points at the file's start.
func at(p Pos) Pos {
	if p.Line < 1 {
		return Pos{1, 1}
	}
	if p.Col < 1 {
		p.Col = 1
	}
	return p
}

func (d *diags) errorf(p Pos, hint string, format string, args ...any) {
	p = at(p)
	d.list = append(d.list, Diagnostic{File: d.file, Line: p.Line, Col: p.Col, Severity: "error", Msg: fmt.Sprintf(format, args...), Hint: hint})
}

func (d *diags) warnf(p Pos, hint string, format string, args ...any) {
	p = at(p)
	d.list = append(d.list, Diagnostic{File: d.file, Line: p.Line, Col: p.Col, Severity: "warning", Msg: fmt.Sprintf(format, args...), Hint: hint})
}

func (d *diags) hasErrors() bool {
	for _, x := range d.list {
		if x.Severity == "error" {
			return true
		}
	}
	return false
}

// sorted returns the diagnostics in file order, so output does not depend on
// the order in which checks ran.
func (d *diags) sorted() []Diagnostic {
	out := append([]Diagnostic(nil), d.list...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Col < out[j].Col
	})
	return out
}

// suggest returns a hint naming the candidate closest to name by edit
// distance, or a list of the candidates when none is close.
func suggest(name string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(name), strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 {
		return ""
	}
	if bestD <= max(2, len(name)/3) {
		return fmt.Sprintf("did you mean %q?", best)
	}
	if len(candidates) <= 8 {
		return "expected one of " + strings.Join(quoteAll(candidates), ", ")
	}
	return ""
}

func quoteAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmt.Sprintf("%q", x)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b (by rune).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
