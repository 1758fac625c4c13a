package report

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"strings"
	"sync"
)

// Ordinal is the graph-model (GMCR) section: the stability of every state
// for every decision maker under each concept, and the improvement graph
// from the status quo. It is filled by truce gmcr (cmd/truce) from package
// gmcr, so that this package needs no import of it.
type Ordinal struct {
	Title     string
	Sanctions string   // how sanctions were counted, in words
	DMs       []string // decision makers
	Concepts  []string // "Nash", "GMR", ...
	States    []OrdinalState
	Graph     *OrdinalGraph // nil without a status quo
	Bridge    []OrdinalVerdict
	// Compared says whether the lenses were compared (the conflict has a
	// bridge to the scenario); Findings say where they agree and where
	// not, and Robust whether a verdict on where the standoff settles
	// holds in both (at least one agreement, nothing else).
	Compared bool
	Findings []OrdinalFinding
	Robust   bool
	Notes    []string // sentences printed under the table (caveats)
}

// OrdinalFinding is one comparison of the lenses: Kind is "agree",
// "disagree" or "not compared".
type OrdinalFinding struct {
	Kind, Text string
}

// OrdinalState is one feasible state.
type OrdinalState struct {
	Code    uint64
	Options string   // the options taken, in words
	Ranks   []int    // per decision maker, higher preferred
	Stable  [][]bool // [dm][concept]
}

// OrdinalGraph is the improvement graph from the status quo.
type OrdinalGraph struct {
	From      uint64
	Nodes     []OrdinalNode
	Edges     []OrdinalEdge
	Truncated bool
}

// OrdinalNode is a state of the graph, at its distance from the status quo.
type OrdinalNode struct {
	Code        uint64
	Depth       int
	Equilibrium []string // concepts under which it is an equilibrium
}

// OrdinalEdge is a unilateral improvement by decision maker DM.
type OrdinalEdge struct {
	DM       int
	From, To uint64
}

// OrdinalVerdict compares the lenses for one scenario state.
type OrdinalVerdict struct {
	State    string
	Cardinal string // "eventually ends there 3.1%", "spends 40.0% there"
	Ordinal  string // "Nash, GMR" or "none"
}

// WriteOrdinal renders the graph-model section alone as one HTML page.
func WriteOrdinal(w io.Writer, o *Ordinal) error {
	data := struct {
		Title, Heading string
		Body           template.HTML
	}{o.Title, sectionTitle("ordinal"), ordinalSection(o)}
	if err := ordinalPage().Execute(w, data); err != nil {
		return fmt.Errorf("report: writing HTML: %w", err)
	}
	return nil
}

var ordinalPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("ordinal").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} — truce gmcr</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;max-width:960px;margin:2em auto;padding:0 1em}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
th,td{border-bottom:1px solid #ddd;padding:.25em .45em;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.c{text-align:center}td.e{background:#d8f0e3;font-weight:600}
.meta{color:#555}svg.chart{max-width:100%;height:auto;display:block;margin:.8em 0;font-family:system-ui,sans-serif}
.lbl{font-size:12px;fill:#111}.note{font-size:11px;fill:#555}.wide{overflow-x:auto}
.verdict{font-weight:600;padding:0 .4em;border-radius:3px}.verdict.yes{background:#d8f0e3}.verdict.no{background:#f8dcdc}.verdict.mixed{background:#f6edcc}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<section id="ordinal">
<h2>{{.Heading}}</h2>
{{.Body}}
</section>
<footer><p class="meta">Written by truce gmcr. Self-contained: no scripts, no external resources.</p></footer>
</body>
</html>
`))
})

var ordinalTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("section").Parse(`<p class="meta">A state is stable for a decision maker when every unilateral improvement it has can be answered by the others (sanctions: {{.Sanctions}}); an equilibrium is stable for every one. E marks an equilibrium; × names the decision makers for whom the state is unstable; ranks are each side's preference levels, higher preferred.</p>
<div class="wide"><table><thead><tr><th>state</th><th>options taken</th>{{range .DMs}}<th>{{.}} rank</th>{{end}}{{range $.Concepts}}<th>{{.}}</th>{{end}}</tr></thead><tbody>
{{range .Rows}}<tr><td>{{.Code}}</td><td>{{.Options}}</td>{{range .Ranks}}<td class="c">{{.}}</td>{{end}}{{range .Cells}}<td class="c{{if .Eq}} e{{end}}">{{.Text}}</td>{{end}}</tr>
{{end}}</tbody></table></div>
{{with .Graph}}<h3>From the status quo</h3>
<p class="meta">Every state reachable from the status quo by unilateral improvements, by distance; each arrow is a decision maker's improvement, green states are equilibria under at least one concept.</p>
<div class="wide">{{.}}</div>{{end}}
{{if .Bridge}}<h3>Ordinal and cardinal answers</h3>
<table><thead><tr><th>scenario state</th><th>cardinal equilibrium</th><th>ordinal: equilibrium under</th></tr></thead><tbody>
{{range .Bridge}}<tr><td>{{.State}}</td><td>{{.Cardinal}}</td><td>{{.Ordinal}}</td></tr>
{{end}}</tbody></table>{{end}}
{{if .Compared}}<p class="lenses {{if .Robust}}robust{{else}}not-robust{{end}}"><strong>{{if .Robust}}The lenses agree: the equilibrium's outcome holds in both.{{else}}Not robust: the lenses disagree, so no verdict on where the standoff settles holds in both.{{end}}</strong></p>
<ul class="findings">{{range .Findings}}<li><span class="verdict {{if eq .Kind "agree"}}yes{{else if eq .Kind "disagree"}}no{{else}}mixed{{end}}">{{.Kind}}</span> {{.Text}}</li>
{{end}}</ul>{{else}}<p>This conflict has no bridge to a scenario: its stability results stand alone, compared with no cardinal equilibrium.</p>{{end}}
{{range .Notes}}<p>{{.}}</p>
{{end}}`))
})

type ordinalCell struct {
	Text string
	Eq   bool
}

type ordinalRow struct {
	Code    uint64
	Options string
	Ranks   []int
	Cells   []ordinalCell
}

// ordinalSection renders the section: the table and the status-quo graph.
func ordinalSection(o *Ordinal) template.HTML {
	data := struct {
		*Ordinal
		Rows  []ordinalRow
		Graph template.HTML
	}{Ordinal: o}
	for _, s := range o.States {
		r := ordinalRow{Code: s.Code, Options: s.Options, Ranks: s.Ranks}
		for k := range o.Concepts {
			var un []string
			for d, dm := range o.DMs {
				if d < len(s.Stable) && k < len(s.Stable[d]) && !s.Stable[d][k] {
					un = append(un, dm)
				}
			}
			if len(un) == 0 {
				r.Cells = append(r.Cells, ordinalCell{"E", true})
			} else {
				r.Cells = append(r.Cells, ordinalCell{"× " + strings.Join(un, ", "), false})
			}
		}
		data.Rows = append(data.Rows, r)
	}
	if o.Graph != nil {
		data.Graph = template.HTML(statusQuoSVG(o.Graph, o.DMs))
	}
	var b strings.Builder
	if err := ordinalTmpl().Execute(&b, data); err != nil {
		return template.HTML("<p>" + esc(err.Error()) + "</p>")
	}
	return template.HTML(b.String())
}

// statusQuoSVG draws the improvement graph: one column per distance from
// the status quo, states as labelled boxes, improvements as arrows coloured
// by decision maker (with a legend, so grey print stays readable).
func statusQuoSVG(g *OrdinalGraph, dms []string) string {
	const (
		colW, boxW, boxH, rowH, top, left = 130.0, 70.0, 26.0, 40.0, 40.0, 20.0
	)
	cols := map[int][]OrdinalNode{}
	maxDepth := 0
	for _, n := range g.Nodes {
		cols[n.Depth] = append(cols[n.Depth], n)
		maxDepth = max(maxDepth, n.Depth)
	}
	pos := map[uint64][2]float64{}
	maxRows := 0
	for d := 0; d <= maxDepth; d++ {
		ns := cols[d]
		sort.Slice(ns, func(i, j int) bool { return ns[i].Code < ns[j].Code })
		for i, n := range ns {
			pos[n.Code] = [2]float64{left + float64(d)*colW, top + float64(i)*rowH}
		}
		maxRows = max(maxRows, len(ns))
	}
	heading := fmt.Sprintf("distance from the status quo %d, in moves →", g.From)
	cut := "(cut at the first states found; more are reachable)"
	width := math.Max(left*2+float64(maxDepth)*colW+boxW, left*2+textWidth(heading, 11))
	if g.Truncated {
		width = math.Max(width, left*2+textWidth(cut, 11))
	}
	legendY := top + float64(maxRows)*rowH + 10
	sv := newSVG("gmcr-status-quo", "gmcr", width, 0, "States reachable from the status quo",
		fmt.Sprintf("Every state reachable from the status quo %d by unilateral improvements, by distance; arrows are improvements coloured by decision maker; green states are equilibria under at least one concept.", g.From))
	b := &sv.b
	b.WriteString(`<defs>`)
	for d := range dms {
		fmt.Fprintf(b, `<marker id="gmcr-arrow-%d" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="%s"/></marker>`, d, colour(d))
	}
	b.WriteString(`</defs>`)
	sv.text(left, 16, "start", "note", heading)
	for _, e := range g.Edges {
		p, ok1 := pos[e.From]
		q, ok2 := pos[e.To]
		if !ok1 || !ok2 {
			continue
		}
		x1, y1 := p[0]+boxW, p[1]+boxH/2
		x2, y2 := q[0], q[1]+boxH/2
		if q[0] == p[0] { // same column: a bow on the right, clear of the column's boxes
			x1, y1 = p[0]+boxW, p[1]+boxH/2
			x2, y2 = q[0]+boxW, q[1]+boxH/2
			fmt.Fprintf(b, `<path d="M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="none" stroke="%s" stroke-width="1.2" marker-end="url(#gmcr-arrow-%d)"/>`,
				x1, y1, x1+40, y1, x2+40, y2, x2, y2, colour(e.DM), e.DM)
			continue
		}
		if q[0] < p[0] {
			// backwards: through the gaps between columns, never through a
			// box; to the previous column straight across the gap, further
			// back over the top of the graph
			x1, y1 = p[0], p[1]+boxH/2
			x2, y2 = q[0]+boxW, q[1]+boxH/2
			pts := [][2]float64{{x1, y1}, {x2, y2}}
			if p[0]-q[0] > colW+1 {
				g1, g2, yTop := x1-(colW-boxW)/2, x2+(colW-boxW)/2, top-12
				pts = [][2]float64{{x1, y1}, {g1, y1}, {g1, yTop}, {g2, yTop}, {g2, y2}, {x2, y2}}
			}
			var ps []string
			for _, pt := range pts {
				ps = append(ps, fmt.Sprintf("%.1f,%.1f", pt[0], pt[1]))
			}
			fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="1.2" marker-end="url(#gmcr-arrow-%d)"/>`, strings.Join(ps, " "), colour(e.DM), e.DM)
			continue
		}
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.2" marker-end="url(#gmcr-arrow-%d)"/>`, x1, y1, x2, y2, colour(e.DM), e.DM)
	}
	for _, n := range g.Nodes {
		p := pos[n.Code]
		fill, stroke := "#fff", "#555"
		if len(n.Equilibrium) > 0 {
			fill, stroke = "#d8f0e3", "#009E73"
		}
		sw := 1.0
		if n.Code == g.From {
			sw = 2.5
		}
		title := fmt.Sprintf("state %d", n.Code)
		if len(n.Equilibrium) > 0 {
			title += ": equilibrium under " + strings.Join(n.Equilibrium, ", ")
		}
		fmt.Fprintf(b, `<g><title>%s</title><rect x="%.1f" y="%.1f" width="%.0f" height="%.0f" rx="4" fill="%s" stroke="%s" stroke-width="%.1f"/><text class="lbl" x="%.1f" y="%.1f" text-anchor="middle">%d</text></g>`,
			esc(title), p[0], p[1], boxW, boxH, fill, stroke, sw, p[0]+boxW/2, p[1]+boxH/2+4, n.Code)
	}
	var items []swatch
	for d, dm := range dms {
		items = append(items, swatch{dm + " moves", colour(d)})
	}
	y := sv.legend(items, left, width-8, legendY+4)
	if g.Truncated {
		y += 18
		sv.text(left, y, "start", "note", cut)
	}
	sv.h = y + 8
	return sv.String()
}
