package report

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strconv"
	"strings"
)

// palette is Okabe–Ito: distinguishable with common colour-vision
// deficiencies, and every series also carries a text label, so print in
// grey stays readable.
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"}

func colour(i int) string { return palette[i%len(palette)] }

// statePalette is Paul Tol's "muted" scheme: nine colours that stay
// distinct under the common colour-vision deficiencies. Each state keeps
// one colour in every chart (see stateColours); unresolvedColour, a
// neutral grey, marks paths that have not ended.
var statePalette = []string{"#332288", "#CC6677", "#117733", "#882255", "#44AA99", "#999933", "#AA4499", "#88CCEE", "#DDCC77"}

const unresolvedColour = "#9a9a9a"

// stateColours gives every state its colour for the whole page: endings
// first (they appear in most charts), then the other states, the initial
// one last (its reach curve is not drawn), in file order within each
// group. Beyond nine states colours repeat; dashed[s] then marks the
// second use so lines stay distinguishable.
func stateColours(in Input) (col map[string]string, dashed map[string]bool) {
	col, dashed = map[string]string{}, map[string]bool{}
	var order []string
	for _, pass := range []func(State) bool{
		func(s State) bool { return s.Terminal },
		func(s State) bool { return !s.Terminal && !s.Initial },
		func(s State) bool { return !s.Terminal && s.Initial },
	} {
		for _, s := range in.States {
			if pass(s) {
				order = append(order, s.ID)
			}
		}
	}
	if len(order) == 0 {
		// No states given (a report built from stored results): colour
		// the names the profiles use, sorted.
		seen := map[string]bool{}
		for _, p := range in.Profiles {
			for _, m := range []map[string]Interval{p.Absorb, endingMap(p)} {
				for k := range m {
					if !seen[k] {
						seen[k] = true
						order = append(order, k)
					}
				}
			}
		}
		sort.Strings(order)
	}
	for i, id := range order {
		if _, dup := col[id]; dup {
			continue
		}
		col[id] = statePalette[i%len(statePalette)]
		dashed[id] = i >= len(statePalette)
	}
	return col, dashed
}

// StateColours gives each state its colour by the report's rule
// (stateColours) and the colour of paths that have not ended, so that
// other views of a scenario (the workbench) colour states as the report
// does.
func StateColours(states []State) (col map[string]string, unresolved string) {
	col, _ = stateColours(Input{States: states})
	return col, unresolvedColour
}

func endingMap(p Profile) map[string]Interval {
	m := map[string]Interval{}
	for k, e := range p.Endings {
		m[k] = e.Eventually
	}
	return m
}

// svg accumulates one inline SVG document. Every chart gets a <title> and
// <desc> referenced by aria-labelledby so screen readers announce it.
// Its size may change while it is drawn (a legend that wraps, a column
// that grows): the header is written by String.
type svg struct {
	b           strings.Builder
	id, kind    string
	title, desc string
	w, h        float64
}

func newSVG(id, kind string, w, h float64, title, desc string) *svg {
	return &svg{id: id, kind: kind, title: title, desc: desc, w: w, h: h}
}

func (s *svg) raw(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

func (s *svg) text(x, y float64, anchor, class, t string) {
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" text-anchor="%s" class="%s">%s</text>`, num(x), num(y), anchor, class, esc(t))
}

func (s *svg) line(x1, y1, x2, y2 float64, stroke string, width float64, extra string) {
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"%s/>`, num(x1), num(y1), num(x2), num(y2), stroke, num(width), extra)
}

// rect draws a bar with its own <title> so hovering (or a screen reader)
// gives the exact number.
func (s *svg) rect(x, y, w, h float64, fill, tip string) {
	if w < 0 {
		x, w = x+w, -w
	}
	if h < 0 {
		y, h = y+h, -h
	}
	fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`, num(x), num(y), num(w), num(h), fill, esc(tip))
}

func (s *svg) String() string {
	var h strings.Builder
	fmt.Fprintf(&h, `<svg xmlns="http://www.w3.org/2000/svg" id="%s" class="chart chart-%s" data-chart="%s" role="img" viewBox="0 0 %s %s" width="%s" height="%s" aria-labelledby="%s-t %s-d">`,
		esc(s.id), esc(s.kind), esc(s.kind), num(s.w), num(s.h), num(s.w), num(s.h), esc(s.id), esc(s.id))
	fmt.Fprintf(&h, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(s.id), esc(s.title), esc(s.id), esc(s.desc))
	return h.String() + s.b.String() + "</svg>"
}

// swatch is one entry of a legend.
type swatch struct{ label, fill string }

// legend draws swatches with their labels from x0, left to right, starting
// a new row 16 px lower before a label would pass maxX; y is the first
// row's baseline. It returns the last row's baseline.
func (s *svg) legend(items []swatch, x0, maxX, y float64) float64 {
	x := x0
	for _, it := range items {
		label := fitText(it.label, maxX-x0-14, 12)
		wd := 30 + textWidth(label, 12) // swatch, gap, label, and room for fonts wider than the estimate
		if x > x0 && x+wd-16 > maxX {
			x, y = x0, y+16
		}
		s.rect(x, y-9, 10, 10, it.fill, it.label)
		s.text(x+14, y, "start", "lbl", label)
		x += wd
	}
	return y
}

// fitText shortens s with "…" to at most width pixels at the given size
// (textWidth's estimate); the full text stays in the tables and tooltips.
func fitText(s string, width, size float64) string {
	if textWidth(s, size) <= width {
		return s
	}
	r := []rune(s)
	n := int(width/(0.55*size)) - 1
	if n < 1 {
		return "…"
	}
	return string(r[:min(n, len(r))]) + "…"
}

func esc(s string) string { return html.EscapeString(s) }

// num prints a coordinate compactly and never as NaN/Inf, which browsers
// reject.
func num(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		x = 0
	}
	// Far-off coordinates (an axis over a huge range) are clamped: beyond
	// this no browser draws them differently, and x*100 could overflow.
	x = math.Max(-1e9, math.Min(1e9, x))
	return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
}

// axis maps a data range onto a pixel range.
type axis struct{ d0, d1, p0, p1 float64 }

func (a axis) at(v float64) float64 {
	if a.d1 == a.d0 {
		return a.p0
	}
	return a.p0 + (v-a.d0)/(a.d1-a.d0)*(a.p1-a.p0)
}

// niceTicks returns about n round tick values covering [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil // no axis to mark: never a "NaN" tick
	}
	if !(hi > lo) {
		return []float64{lo}
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

// undefined is how the page shows a figure that has no value, such as the
// first-entry time of a state that is never entered; the page explains it
// once, near the top.
const undefined = "—"

// fmtNum prints a figure for a reader: 3 significant digits, no exponent
// for ordinary sizes.
func fmtNum(x float64) string {
	switch {
	case math.IsNaN(x):
		return undefined
	case math.IsInf(x, 1):
		return "∞"
	case math.IsInf(x, -1):
		return "−∞"
	case x == 0:
		return "0"
	}
	a := math.Abs(x)
	if a >= 1e5 || a < 1e-3 {
		return strconv.FormatFloat(x, 'g', 3, 64)
	}
	d := 2 - int(math.Floor(math.Log10(a)))
	if d < 0 {
		d = 0
	}
	return strconv.FormatFloat(x, 'f', d, 64)
}

func pct(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return undefined
	}
	return strconv.FormatFloat(100*x, 'f', 1, 64) + "%"
}
