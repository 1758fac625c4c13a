package report

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strings"

	"github.com/truce-dev/truce/audit"
	"github.com/truce-dev/truce/sensitivity"
)

// The page's sections from the global analyses: Sobol indices of each
// claim (bars with intervals), PRIM boxes of where each claim holds, and
// the construction audit. Each is left out when its Input field is empty.

// Global is a Sobol analysis of the claims.
type Global struct {
	Method  string // how it was made, e.g. "Sobol, N = 256 base samples (8,960 analyses), seed 1"
	Outputs []GlobalOutput
	// LeftOut says which claims the design left out and why (those with
	// draws:, evaluated on a subsample; empty when none was).
	LeftOut string
}

// GlobalOutput is one output's indices (Indices nil when Note says why).
type GlobalOutput struct {
	Output     string
	Hypothesis bool    // a claim: a 0/1 output
	Mean       float64 // for a claim, the share of the design where it holds
	Note       string
	// Rare is set for a claim that goes the other way at fewer than 10 of
	// the design's base points: its indices would rest on those few.
	Rare    bool
	Indices []GlobalIndex
}

// GlobalIndex is one parameter's first-order and total Sobol index with
// their 95% intervals.
type GlobalIndex struct {
	Param            string
	First, Total     float64
	FirstCI, TotalCI [2]float64
}

// Discovery is where a claim holds: a PRIM box.
type Discovery struct {
	Hypothesis string
	Fails      bool
	Share      float64 // of all draws
	Box        string  // e.g. "walkout_cost_us ≥ 0.1475 and p_harden ≥ 0.02953"
	Coverage   float64
	Density    float64
	Mass       float64
	Events     int // draws where it holds (fails)
	Note       string
	Tradeoff   [][2]float64 // (coverage, density) along the peeling
	Chosen     int
}

// Audit is the construction check.
type Audit struct {
	Summary      string // e.g. "87 variants, each analysed on the same 100 draws (seed 1)"
	Definitional []AuditRow
	Fixed        []AuditRow
	Flips        []AuditRow
	Decisive     []AuditRow
}

// AuditRow is one line of an audit table.
type AuditRow struct {
	Hypothesis string
	At         string // file:line:col
	What       string
	Detail     string
}

// AddGlobal puts a Sobol result into in; isHypothesis says which outputs
// are claims.
func AddGlobal(in *Input, r *sensitivity.SobolResult, isHypothesis func(o int) bool) {
	g := &Global{Method: fmt.Sprintf("Sobol indices, N = %d base samples (%d exact analyses), seed %d, bootstrap 95%% intervals (%d resamples)", r.N, r.Rows, r.Seed, max(r.Bootstrap, 0))}
	for o, out := range r.Outputs {
		go_ := GlobalOutput{Output: out.Output, Hypothesis: isHypothesis(o), Mean: out.Mean, Note: out.Note}
		go_.Rare = go_.Hypothesis && out.Indices != nil && math.Min(out.Mean, 1-out.Mean)*float64(2*r.N) < 10
		for _, ix := range out.Indices {
			go_.Indices = append(go_.Indices, GlobalIndex{Param: ix.Input, First: ix.First, Total: ix.Total, FirstCI: ix.FirstCI, TotalCI: ix.TotalCI})
		}
		g.Outputs = append(g.Outputs, go_)
	}
	in.Global = g
}

// AddDiscoveries puts PRIM boxes into in.
func AddDiscoveries(in *Input, r *sensitivity.DiscoverResult) {
	for _, d := range r.Discoveries {
		x := Discovery{Hypothesis: d.Hypothesis, Fails: d.Fails, Share: d.BaseDensity, Note: d.Note, Chosen: d.Chosen,
			Coverage: d.Box.Coverage, Density: d.Box.Density, Mass: d.Box.Mass, Events: d.Events}
		if len(d.Restrictions) > 0 {
			x.Box = d.PrimResult.String()
		}
		for _, b := range d.Trajectory {
			x.Tradeoff = append(x.Tradeoff, [2]float64{b.Coverage, b.Density})
		}
		in.Discoveries = append(in.Discoveries, x)
	}
}

// AddAudit puts the construction check into in.
func AddAudit(in *Input, r *audit.Report) {
	at := func(line, col int) string { return fmt.Sprintf("%s:%d:%d", r.File, line, col) }
	a := &Audit{Summary: fmt.Sprintf("%d variants of the file, each analysed on the same %d draws (seed %d)", r.Tested, r.Draws, r.Seed)}
	if len(r.NotAudited) > 0 {
		var ids []string
		for _, h := range r.NotAudited {
			ids = append(ids, fmt.Sprintf("%s (draws: %d)", h.ID, h.Draws))
		}
		a.Summary += fmt.Sprintf("; not audited, being costly (a search on each of their own draws): %s; `truce audit --audit-costly` audits them", strings.Join(ids, ", "))
	}
	for _, d := range r.Definitional {
		var parts []string
		for _, m := range d.Matches {
			parts = append(parts, fmt.Sprintf("%s is %s", m.Expr, m.Meaning))
		}
		detail := d.Kind
		if len(parts) > 0 {
			detail += ": " + strings.Join(parts, "; ")
		} else {
			detail += ": " + d.Text
		}
		a.Definitional = append(a.Definitional, AuditRow{Hypothesis: d.Hypothesis, At: at(d.Pos.Line, d.Pos.Col), Detail: detail})
	}
	for _, fx := range r.Fixed {
		verb := "holds"
		if !fx.Holds {
			verb = "fails"
		}
		row := AuditRow{Hypothesis: fx.Hypothesis, What: fmt.Sprintf("%s in all %d draws", verb, r.Draws)}
		switch {
		case len(fx.BrokenBy) > 0:
			b := fx.BrokenBy[0]
			p := b.Perturbation
			row.At, row.Detail = at(p.Pos.Line, p.Pos.Col), fmt.Sprintf("no longer when %s: %s (holds in %s)", p.What, p.Change, pct(b.After))
			if n := len(fx.BrokenBy) - 1; n > 0 {
				row.Detail += fmt.Sprintf("; and %d other variants", n)
			}
		case len(fx.Reasons) > 0:
			row.Detail = "settled by how it is written"
		default:
			row.Detail = "in every variant too"
		}
		a.Fixed = append(a.Fixed, row)
	}
	for _, f := range r.Flips {
		p := f.Perturbation
		a.Flips = append(a.Flips, AuditRow{Hypothesis: f.Hypothesis, At: at(p.Pos.Line, p.Pos.Col), What: p.What + ": " + p.Change,
			Detail: fmt.Sprintf("%s → %s (%s → %s)", f.VerdictFrom, f.VerdictTo, pct(f.Before), pct(f.After))})
	}
	for _, d := range r.Decisive {
		a.Decisive = append(a.Decisive, AuditRow{Hypothesis: strings.Join(d.Hypotheses, ", "), At: at(d.Element.Pos.Line, d.Element.Pos.Col),
			What: d.Element.What + " = " + d.Element.Value, Detail: d.Suggestion})
	}
	in.Audit = a
}

// HangsOn lists, for each claim with indices, the parameters whose total
// Sobol index is at least min, largest first, at most n.
func (g *Global) HangsOn(id string, min float64, n int) []GlobalIndex {
	if g == nil {
		return nil
	}
	for _, o := range g.Outputs {
		if !o.Hypothesis || o.Output != id {
			continue
		}
		ix := append([]GlobalIndex(nil), o.Indices...)
		sort.SliceStable(ix, func(a, b int) bool { return ix[a].Total > ix[b].Total })
		var out []GlobalIndex
		for _, x := range ix {
			if x.Total >= min && len(out) < n {
				out = append(out, x)
			}
		}
		return out
	}
	return nil
}

// sobolChart draws one output's indices: per parameter (largest total
// first), the first-order index as a dark bar and the total as a light
// one, each with its 95% interval as a whisker.
func sobolChart(idx int, o GlobalOutput) string {
	const maxBars = 8
	ix := append([]GlobalIndex(nil), o.Indices...)
	sort.SliceStable(ix, func(a, b int) bool { return ix[a].Total > ix[b].Total })
	for len(ix) > 0 && ix[len(ix)-1].TotalCI[1] < 0.01 {
		ix = ix[:len(ix)-1]
	}
	if len(ix) > maxBars {
		ix = ix[:maxBars]
	}
	const w, left, right, top = 760.0, 190.0, 60.0, 48.0
	rowH := 26.0
	h := top + float64(max(len(ix), 1))*rowH + 34
	name := o.Output
	sv := newSVG(fmt.Sprintf("sobol-%d", idx), "sobol", w, h, "Sobol indices of "+name,
		fmt.Sprintf("For %s, each parameter's first-order Sobol index (its share of the variance alone, dark) and total index (with interactions, light), with 95%% bootstrap intervals.", name))
	x := axis{0, 1, left, w - right}
	for _, tk := range []float64{0, 0.25, 0.5, 0.75, 1} {
		sv.line(x.at(tk), top-4, x.at(tk), h-28, "#e4e4e4", 1, "")
		sv.text(x.at(tk), h-14, "middle", "tick", tickNum(tk))
	}
	sv.text(8, 16, "start", "lbl", fitText(name, w-16, 12))
	sv.legend([]swatch{{"first order (alone)", colour(0)}, {"total (with interactions)", "#9ecae1"}}, left, w-8, 34)
	clamp := func(v float64) float64 { return math.Max(0, math.Min(1, v)) }
	for i, b := range ix {
		y := top + float64(i)*rowH
		sv.text(left-8, y+15, "end", "lbl", fitText(b.Param, left-16, 12))
		sv.rect(x.at(0), y+2, x.at(clamp(b.Total))-x.at(0), 10, "#9ecae1",
			fmt.Sprintf("%s: total index %s [%s, %s]", b.Param, fmtNum(b.Total), fmtNum(b.TotalCI[0]), fmtNum(b.TotalCI[1])))
		sv.line(x.at(clamp(b.TotalCI[0])), y+7, x.at(clamp(b.TotalCI[1])), y+7, "#08519c", 1.2, ` class="ci"`)
		sv.rect(x.at(0), y+13, x.at(clamp(b.First))-x.at(0), 10, colour(0),
			fmt.Sprintf("%s: first-order index %s [%s, %s]", b.Param, fmtNum(b.First), fmtNum(b.FirstCI[0]), fmtNum(b.FirstCI[1])))
		sv.line(x.at(clamp(b.FirstCI[0])), y+18, x.at(clamp(b.FirstCI[1])), y+18, "#000", 1.2, ` class="ci"`)
	}
	if len(ix) == 0 {
		sv.text(left, top+14, "start", "note", "no parameter has a total index of 0.01 or more")
	}
	return sv.String()
}

// tradeoffChart draws PRIM's peeling trajectory, coverage against density,
// with the chosen box marked.
func tradeoffChart(idx int, d Discovery) string {
	const w, h, left, bottom, top, right = 240.0, 180.0, 40.0, 30.0, 22.0, 10.0
	sv := newSVG(fmt.Sprintf("prim-%d", idx), "prim", w, h, "Trade-off of "+d.Hypothesis,
		fmt.Sprintf("Peeling trajectory for %s: coverage (share of the draws where it holds that are in the box) against density (share of the box's draws where it holds); the chosen box is marked.", d.Hypothesis))
	x, y := axis{0, 1, left, w - right}, axis{0, 1, h - bottom, top}
	for _, tk := range []float64{0, 0.5, 1} {
		sv.line(x.at(tk), top, x.at(tk), h-bottom, "#eee", 1, "")
		sv.line(left, y.at(tk), w-right, y.at(tk), "#eee", 1, "")
		sv.text(x.at(tk), h-bottom+12, "middle", "tick", tickNum(tk))
		sv.text(left-4, y.at(tk)+3, "end", "tick", tickNum(tk))
	}
	sv.text(left, 14, "start", "lbl", fitText(d.Hypothesis, w-left-right, 12))
	sv.text((left+w-right)/2, h-4, "middle", "note", "coverage")
	sv.raw(`<text x="10" y="%s" text-anchor="middle" class="note" transform="rotate(-90 10 %s)">density</text>`, num((top+h-bottom)/2), num((top+h-bottom)/2))
	var pts []string
	for _, p := range d.Tradeoff {
		pts = append(pts, num(x.at(p[0]))+","+num(y.at(p[1])))
	}
	sv.raw(`<polyline class="series" fill="none" stroke="%s" stroke-width="1.5" points="%s"><title>%s</title></polyline>`, colour(0), strings.Join(pts, " "),
		esc(fmt.Sprintf("%s: %d boxes from coverage 100%% down", d.Hypothesis, len(d.Tradeoff))))
	if d.Chosen >= 0 && d.Chosen < len(d.Tradeoff) {
		c := d.Tradeoff[d.Chosen]
		sv.raw(`<circle cx="%s" cy="%s" r="4" fill="%s"><title>%s</title></circle>`, num(x.at(c[0])), num(y.at(c[1])), colour(1),
			esc(fmt.Sprintf("chosen box before pasting: coverage %s, density %s", pct(c[0]), pct(c[1]))))
	}
	return sv.String()
}

// addGlobalTemplate adds the global-sensitivity section to the page
// template (pageTmpl).
func addGlobalTemplate(page *template.Template) {
	template.Must(page.New("global").Funcs(template.FuncMap{
		"sobolChart":    func(i int, o GlobalOutput) template.HTML { return template.HTML(sobolChart(i, o)) },
		"tradeoffChart": func(i int, d Discovery) template.HTML { return template.HTML(tradeoffChart(i, d)) },
		"hangsOn": func(g *Global, id string) string {
			var parts []string
			for _, x := range g.HangsOn(id, 0.1, 3) {
				parts = append(parts, fmt.Sprintf("%s %s", x.Param, fmtNum(x.Total)))
			}
			return strings.Join(parts, ", ")
		},
	}).Parse(globalTmpl))
}

const globalTmpl = `{{define "sec-global"}}{{with .Global}}
<p>All parameters vary at once over their distributions (drawn independently). For each claim, read as 1 where it holds and 0 where not, the share of its variance each parameter explains alone (first order, dark) and together with its interactions (total, light); whiskers are 95% bootstrap intervals. A total near 0 means the claim does not depend on that parameter; total well above first order means it depends on it through interactions, which one-at-a-time sweeps cannot see. {{.Method}}.</p>
{{$g := .}}<table class="hangs"><thead><tr><th>Claim</th><th>Holds at</th><th>Hangs on (total index ≥ 0.1, largest first)</th></tr></thead><tbody>
{{range .Outputs}}{{if .Hypothesis}}<tr><td>{{.Output}}</td><td class="n">{{pct .Mean}}</td><td>{{if .Rare}}too rare in the design to say (it goes the other way at only a few points){{else if .Indices}}{{with hangsOn $g .Output}}{{.}}{{else}}no single parameter{{end}}{{else}}{{.Note}}{{end}}</td></tr>
{{end}}{{end}}</tbody></table>
{{with .LeftOut}}<p>{{.}}.</p>{{end}}
{{range $i, $o := .Outputs}}{{if and $o.Hypothesis $o.Indices (not $o.Rare)}}{{sobolChart $i $o}}{{end}}{{end}}
{{end}}{{end}}
{{define "sec-discovery"}}{{if .Discoveries}}
<p>PRIM boxes (Friedman and Fisher 1999) over the analysis's parameter draws: the region where a claim holds much more often than overall. Coverage: the share of the draws where it holds that fall in the box; density: the share of the box's draws where it holds. The curves show the trade-off along the peeling; the dot is the box chosen (the densest keeping 80% coverage) before pasting and dropping restrictions that do not matter significantly. Shares of draws are implied by the assumptions, not evidence.</p>
<table class="discovery"><thead><tr><th>Claim</th><th>Holds in</th><th>Region</th><th>Coverage</th><th>Density</th></tr></thead><tbody>
{{range .Discoveries}}<tr><td>{{.Hypothesis}}</td><td class="n">{{pct .Share}}</td><td>{{if .Box}}{{if lt .Events 20}}only {{.Events}} draws where it {{if .Fails}}fails{{else}}holds{{end}}: too few to say where. {{end}}{{if .Fails}}fails{{else}}holds{{end}}{{if lt .Density 0.5}} most often (still only {{pct .Density}} of the time){{end}} when {{.Box}}{{else}}{{.Note}}{{end}}</td><td class="n">{{if .Box}}{{pct .Coverage}}{{end}}</td><td class="n">{{if .Box}}{{pct .Density}}{{end}}</td></tr>
{{end}}</tbody></table>
<div class="reach">{{range $i, $d := .Discoveries}}{{if $d.Box}}{{tradeoffChart $i $d}}{{end}}{{end}}</div>
{{end}}{{end}}
{{define "sec-audit"}}{{with .Audit}}
<p>Verdicts that hang on how the file is written rather than on its stated ranges: {{.Summary}}; each fixed number, discount, weight, strategy mixture, order of overlapping transition rules and ending is changed in turn (truce audit, docs/sensitivity.md).</p>
{{if .Definitional}}<h3>Claims settled by how they are written</h3>
<table class="audit"><thead><tr><th>Claim</th><th>Where</th><th>Why</th></tr></thead><tbody>
{{range .Definitional}}<tr><td>{{.Hypothesis}}</td><td><code>{{.At}}</code></td><td>{{.Detail}}</td></tr>
{{end}}</tbody></table>{{end}}
{{if .Fixed}}<h3>Claims that hold or fail in every draw of the audit</h3>
<table class="audit"><thead><tr><th>Claim</th><th></th><th>What changes that</th><th>Where</th></tr></thead><tbody>
{{range .Fixed}}<tr><td>{{.Hypothesis}}</td><td>{{.What}}</td><td>{{.Detail}}</td><td>{{with .At}}<code>{{.}}</code>{{end}}</td></tr>
{{end}}</tbody></table>{{end}}
{{if .Flips}}<h3>Changes that flip a verdict</h3>
<table class="audit"><thead><tr><th>Claim</th><th>Verdict (share where it holds)</th><th>Change</th><th>Where</th></tr></thead><tbody>
{{range .Flips}}<tr><td>{{.Hypothesis}}</td><td>{{.Detail}}</td><td>{{.What}}</td><td><code>{{.At}}</code></td></tr>
{{end}}</tbody></table>{{end}}
{{if .Decisive}}<h3>Fixed numbers that decide a verdict</h3>
<table class="audit"><thead><tr><th>Number</th><th>Flips</th><th>Suggestion</th><th>Where</th></tr></thead><tbody>
{{range .Decisive}}<tr><td>{{.What}}</td><td>{{.Hypothesis}}</td><td>{{.Detail}}</td><td><code>{{.At}}</code></td></tr>
{{end}}</tbody></table>{{end}}
{{end}}{{end}}`
