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

// Write renders in as one HTML page on w. The page has no scripts and loads
// nothing: styles and charts are inline, so it can be mailed, archived or
// printed as it is.
func Write(w io.Writer, in Input) error {
	if in.Title == "" {
		in.Title = in.Name
	}
	data := page{Input: in, Brief: makeBrief(in)}
	if len(in.States) > 0 {
		data.Diagram = template.HTML(stateDiagram(in))
	}
	if len(in.Profiles) > 0 {
		data.Endings = template.HTML(endingsChart(in))
		for i, p := range in.Profiles {
			if len(p.Reach) > 0 {
				data.Reach = append(data.Reach, template.HTML(reachChart(in, i, p)))
			}
		}
		for i, a := range actorIDs(in) {
			data.Values = append(data.Values, template.HTML(valueChart(in, i, a)))
		}
	}
	for i, t := range in.Tornadoes {
		data.Tornadoes = append(data.Tornadoes, template.HTML(tornadoChart(i, t)))
	}
	for _, e := range in.Equilibria {
		data.EqTables = append(data.EqTables, equilibriumTable(e))
	}
	if in.Ordinal != nil {
		data.OrdinalSection = ordinalSection(in.Ordinal)
	}
	t := pageTmpl()
	var err error
	if data.Contents, err = renderSections(t, data); err != nil {
		return fmt.Errorf("report: writing HTML: %w", err)
	}
	if err := t.ExecuteTemplate(w, "page", data); err != nil {
		return fmt.Errorf("report: writing HTML: %w", err)
	}
	return nil
}

// reachBandNote says what the shaded bands of the reach charts are, or ""
// when no profile has one.
func reachBandNote(in page) string {
	n, all := 0, true
	for _, p := range in.Profiles {
		if len(p.Reach) == 0 {
			continue
		}
		if p.ReachLo == nil {
			all = false
			continue
		}
		n = p.ReachBandDraws
	}
	if n == 0 {
		return ""
	}
	note := "the shaded band around it is the 5–95% interval over the draws at each step"
	if n < in.Draws {
		note += fmt.Sprintf(" (over the first %d of the %d draws, as many as the memory budget holds)", n, in.Draws)
	}
	if !all {
		note += "; profiles without a band have none computed"
	}
	return note
}

type page struct {
	Input
	Brief     *brief
	Diagram   template.HTML
	Endings   template.HTML
	Reach     []template.HTML
	Values    []template.HTML
	Tornadoes []template.HTML
	EqTables  []eqTable
	// OrdinalSection is the graph-model section's body (gmcr.go).
	OrdinalSection template.HTML
	// Contents are the sections drawn, in page order (sections.go).
	Contents []renderedSection
}

type eqTable struct {
	Equilibrium
	Actors []eqActor
}

// eqActor is one actor's part of an equilibrium: a row per state, a column
// per action of that actor.
type eqActor struct {
	Actor   string
	Actions []string
	Rows    []eqRow
}

type eqRow struct {
	State string
	Probs []string
}

func equilibriumTable(e Equilibrium) eqTable {
	t := eqTable{Equilibrium: e}
	for _, a := range sortedKeys(e.Play) {
		ea := eqActor{Actor: a}
		seen := map[string]bool{}
		for _, st := range e.Play[a] {
			for act := range st {
				if !seen[act] {
					seen[act] = true
					ea.Actions = append(ea.Actions, act)
				}
			}
		}
		sort.Strings(ea.Actions)
		for _, s := range sortedKeys(e.Play[a]) {
			row := eqRow{State: s}
			for _, act := range ea.Actions {
				if p, ok := e.Play[a][s][act]; ok {
					row.Probs = append(row.Probs, fmtNum(p))
				} else {
					row.Probs = append(row.Probs, "–")
				}
			}
			ea.Rows = append(ea.Rows, row)
		}
		t.Actors = append(t.Actors, ea)
	}
	return t
}

// pctIv prints "12.3% [4.5–20.1%]", or just the mean when the interval is
// a point or undefined.
func pctIv(v Interval) string {
	if !finite(v.Mean) {
		return "—"
	}
	if !finite(v.Lo) || !finite(v.Hi) || pct(v.Lo) == pct(v.Hi) {
		return pct(v.Mean)
	}
	return fmt.Sprintf("%s [%s–%s]", pct(v.Mean), strings.TrimSuffix(pct(v.Lo), "%"), pct(v.Hi))
}

// whereText lists where unresolved paths are, largest share first:
// "hormuz 61.2%, truce 20.4%" (shares under 0.05% left out).
func whereText(m map[string]Interval) string {
	keys := sortedKeys(m)
	sort.SliceStable(keys, func(i, j int) bool { return m[keys[i]].Mean > m[keys[j]].Mean })
	var parts []string
	for _, k := range keys {
		if m[k].Mean >= 0.0005 {
			parts = append(parts, k+" "+pct(m[k].Mean))
		}
	}
	return strings.Join(parts, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func actorIDs(in Input) []string {
	var out []string
	for _, a := range in.Actors {
		out = append(out, a.ID)
	}
	if len(out) > 0 {
		return out
	}
	seen := map[string]bool{}
	for _, p := range in.Profiles {
		for a := range p.Value {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	sort.Strings(out)
	return out
}

// funcs are the report template's functions, built with the template
// (pageTmpl, on first use), not at start.
func funcs() template.FuncMap {
	return template.FuncMap{
		"pct": pct,
		// findings joins the lens comparisons that agree (or, with false, the
		// others, each with its kind).
		"findings": func(fs []OrdinalFinding, agree bool) string {
			var parts []string
			for _, f := range fs {
				switch {
				case agree && f.Kind == "agree":
					parts = append(parts, f.Text)
				case !agree && f.Kind != "agree":
					parts = append(parts, f.Kind+": "+f.Text)
				}
			}
			return strings.Join(parts, "; ")
		},
		// ref links to another section by its registered title.
		"reachBandNote": reachBandNote,
		"ref": func(id string) template.HTML {
			return template.HTML(`<a href="#` + id + `">` + template.HTMLEscapeString(sectionTitle(id)) + `</a>`)
		},
		"num": fmtNum,
		"iv": func(v Interval) string {
			if math.IsNaN(v.Lo) || math.IsNaN(v.Hi) {
				return fmtNum(v.Mean)
			}
			return fmt.Sprintf("%s [%s, %s]", fmtNum(v.Mean), fmtNum(v.Lo), fmtNum(v.Hi))
		},
		"weights": func(m map[string]float64) string {
			var parts []string
			for _, k := range sortedKeys(m) {
				parts = append(parts, fmt.Sprintf("%s %s", k, fmtNum(m[k])))
			}
			return strings.Join(parts, ", ")
		},
		"strategies": func(m map[string]string) string {
			var parts []string
			for _, k := range sortedKeys(m) {
				parts = append(parts, k+": "+m[k])
			}
			return strings.Join(parts, " · ")
		},
		"verdictClass": func(v string) string {
			v = strings.ToLower(v)
			switch {
			case strings.Contains(v, "settled"): // "not settled" by a subsample
				return "mixed"
			case strings.Contains(v, "not") || strings.Contains(v, "reject") || strings.Contains(v, "false"):
				return "no"
			case strings.Contains(v, "mixed") || strings.Contains(v, "uncertain") || strings.Contains(v, "inconclusive"):
				return "mixed"
			}
			return "yes"
		},
		"width": func(x float64) string {
			if !(x > 0) {
				x = 0
			}
			return fmt.Sprintf("%.1f%%", 100*math.Min(1, x))
		},
		"retroReading":  retroReading,
		"probText":      probText,
		"bestRetro":     bestRetro,
		"evidenceBrief": evidenceBrief,
		"logText": func(lp float64) string {
			if math.IsInf(lp, -1) {
				return "−∞"
			}
			return fmtNum(lp)
		},
		"endingsOf": func(pg page) []string { return endingStates(pg.Input) },
		"horizon":   func(pg page) string { return horizonLabel(pg.Input) },
		"endingCell": func(p Profile, s string) template.HTML {
			if p.Endings == nil {
				if iv, ok := p.Absorb[s]; ok {
					return template.HTML(template.HTMLEscapeString(pctIv(iv)) + "<br><small>eventually</small>")
				}
				return "—"
			}
			e, ok := p.Endings[s]
			if !ok {
				return "—"
			}
			return template.HTML(template.HTMLEscapeString(pctIv(e.WithinHorizon)) + "<br><small>eventually " + template.HTMLEscapeString(pctIv(e.Eventually)) + "</small>")
		},
		"unresolvedCell": func(p Profile) template.HTML {
			if p.Endings == nil {
				return "—"
			}
			u := p.Unresolved
			out := template.HTMLEscapeString(pctIv(u.AtHorizon))
			if w := whereText(u.Where); w != "" {
				out += "<br><small>" + template.HTMLEscapeString(w) + "</small>"
			}
			if u.Eventually.Mean > 0.0005 {
				out += "<br><small>never ends " + template.HTMLEscapeString(pctIv(u.Eventually)) + "</small>"
			}
			return template.HTML(out)
		},
	}
}

// pageTmpl is parsed on first use, not when the program starts: every
// truce command would otherwise pay for it (truce version included).
var pageTmpl = sync.OnceValue(func() *template.Template {
	t := template.Must(template.New("report").Funcs(funcs()).Parse(pageSrc))
	addGlobalTemplate(t)
	addLeverageTemplate(t)
	return t
})

const pageSrc = `{{define "page"}}<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} — truce report</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;max-width:820px;margin:2em auto;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ccc;padding-bottom:.2em}
table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.92em}
th,td{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.c{text-align:center}td.e{background:#d8f0e3;font-weight:600}
code{font-size:.9em;background:#f6f6f6;padding:0 .2em}
.meta{color:#555}.elbl{font-size:10.5px;fill:#333}.note{font-size:11px;fill:#555}.lbl{font-size:12px;fill:#111}.tick{font-size:10px;fill:#444}.val{font-size:10px;fill:#222}
svg.chart{max-width:100%;height:auto;display:block;margin:.8em 0;font-family:system-ui,sans-serif}
.wide{overflow-x:auto}.wide svg.chart{max-width:none}
.reach{display:flex;flex-wrap:wrap;gap:4px}.reach svg.chart{margin:0}
.verdict{font-weight:600;padding:0 .4em;border-radius:3px}
.verdict.yes{background:#d8f0e3}.verdict.no{background:#f8dcdc}.verdict.mixed{background:#f6edcc}
.share{display:inline-block;width:80px;height:8px;background:#eee;vertical-align:middle;margin-left:.4em}
.share span{display:block;height:100%;background:#0072B2}
nav#contents{background:#f7f7f7;padding:.4em .8em;margin:1em 0}nav#contents ol{columns:2;margin:.3em 0;padding-left:1.4em}
.caveat{border-left:4px solid #E69F00;padding:.3em .8em;background:#fff8e8}
@media print{body{max-width:none;margin:0;font-size:11pt}nav#contents{break-after:page}h2{break-after:avoid}svg.chart,table{break-inside:avoid}.share span{-webkit-print-color-adjust:exact;print-color-adjust:exact}.wide{overflow:visible}.wide svg.chart{max-width:100%;height:auto}}
</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<p class="meta">{{if .Name}}<code>{{.Name}}</code> · {{end}}{{if .Period}}one step = one {{.Period}} · {{end}}{{if .Horizon}}horizon {{horizon $}} · {{end}}{{if .Fixed}}parameters fixed: one exact analysis · {{else if .Draws}}{{.Draws}} parameter draw{{if gt .Draws 1}}s{{end}}, seed {{.Seed}} · {{end}}{{.Generated}}</p>
{{with .Description}}<p>{{.}}</p>{{end}}
{{with .Source}}<p class="meta">Source: {{.}}</p>{{end}}
<p class="meta">— marks a figure that is undefined, such as the time of first entry into a situation that is never entered.</p>
<p class="caveat">Every number in this model is an analyst's assumption, given as a range. Probabilities and values below are what those assumptions imply, with 5–95% intervals over the parameter draws; they are not forecasts.</p>
{{range .Notes}}<p class="caveat">{{.}}</p>{{end}}
</header>
{{with .Contents}}<nav id="contents" aria-label="Contents"><strong>Contents</strong><ol>
{{range .}}<li><a href="#{{.ID}}">{{.Title}}</a></li>
{{end}}</ol></nav>{{end}}
{{range .Contents}}<section id="{{.ID}}">
<h2>{{.Title}}</h2>
{{.Body}}
</section>
{{end}}
<footer><p class="meta">Written by truce. Self-contained: no scripts, no external resources.</p></footer>
</body>
</html>
{{end}}

{{define "sec-summary"}}{{with .Brief}}
{{with .Endings}}<h3>How it ends, within {{horizon $}}</h3>{{.}}{{end}}
{{with .EventualNote}}<p class="meta">{{.}}</p>{{end}}
{{if .Claims}}<h3>The claims</h3>
<table class="claims"><tbody>
{{range .Claims}}<tr><td>{{.ID}}</td><td>{{if .Label}}{{.Label}}{{else}}{{.Claim}}{{end}}</td><td class="n">implied by the assumptions in {{pct .HoldsShare}} of draws{{with .Subsample}}<br><small>{{.}}</small>{{end}}</td><td><span class="verdict {{verdictClass .Verdict}}">{{.Verdict}}</span></td><td>{{with .Flip}}<small>{{.}}</small>{{end}}</td></tr>
{{end}}</tbody></table>{{end}}
{{if .HangsOn}}<h3>What the answers hang on</h3>
<p>The parameters that move a charted figure most when swept across their ranges (details under {{ref "sensitivity"}} below):
{{range $i, $p := .HangsOn}}{{if $i}}, {{end}}{{with $p.Label}}{{.}} ({{end}}<code>{{$p.Name}}</code>{{if $p.Label}}){{end}}{{end}}.</p>{{end}}{{end}}
{{with .Evidence}}{{if .Profiles}}<h3>What the record says</h3>
<p>{{evidenceBrief .}} ({{ref "evidence"}})</p>{{end}}{{end}}
{{with .Ordinal}}<h3>Two lenses: cardinal and ordinal</h3>
{{if not .Compared}}<p>The graph-model conflict ({{ref "ordinal"}}) has no bridge to this scenario, so the two lenses are not compared and no verdict here is checked against the ordinal one.</p>{{else if .Robust}}<p class="lenses robust">The Markov-perfect equilibrium (central values) and the ordinal stability analysis agree on where the standoff settles: {{findings .Findings true}}. That verdict holds in both lenses ({{ref "ordinal"}}).</p>{{else}}<p class="lenses not-robust"><strong>Not robust.</strong> The Markov-perfect equilibrium (central values) and the ordinal stability analysis disagree on where the standoff settles, so no verdict on it holds in both lenses: {{findings .Findings false}} ({{ref "ordinal"}}).</p>{{end}}{{end}}{{end}}

{{define "sec-scenario"}}{{if .Actors}}
<table><thead><tr><th>Actor</th><th>Discount</th><th>Weights</th><th>Description</th></tr></thead><tbody>
{{range .Actors}}<tr><td>{{.ID}}</td><td class="n">{{num .Discount}}</td><td>{{weights .Weights}}</td><td>{{.Description}}</td></tr>
{{end}}</tbody></table>
{{if .Components}}<table><thead><tr><th>Payoff component</th><th>Zero-sum</th><th>Description</th></tr></thead><tbody>
{{range .Components}}<tr><td>{{.Name}}</td><td>{{if .ZeroSum}}yes{{else}}no{{end}}</td><td>{{.Description}}</td></tr>
{{end}}</tbody></table>{{end}}{{end}}{{end}}

{{define "sec-states"}}{{if .Diagram}}
<p>Each arrow is a move with positive probability at central parameter values, labelled with its likeliest cause (the first transition rule that matches) and the chance of the move when it applies; "(+n)" counts other causes, listed below.</p>
<div class="wide">{{.Diagram}}</div>
{{if .Edges}}<details><summary>Every move and its causes</summary><table><thead><tr><th>From</th><th>To</th><th>Caused by (probability of the move, rule)</th></tr></thead><tbody>
{{range .Edges}}<tr><td>{{.From}}</td><td>{{.To}}</td><td>{{range $i, $d := .Detail}}{{if $i}}<br>{{end}}{{$d}}{{end}}</td></tr>
{{end}}</tbody></table></details>{{end}}
<table><thead><tr><th>State</th><th>Kind</th><th>Description</th></tr></thead><tbody>
{{range .States}}<tr><td>{{.ID}}</td><td>{{if .Terminal}}ending{{else if .Initial}}initial{{else}}transient{{end}}</td><td>{{.Description}}</td></tr>
{{end}}</tbody></table>{{end}}{{end}}

{{define "sec-parameters"}}{{if .Parameters}}
<table><thead><tr><th>Parameter</th><th>Range</th><th>What it is, and why this range (analyst's assumption)</th></tr></thead><tbody>
{{range .Parameters}}<tr><td>{{with .Label}}<strong>{{.}}</strong><br>{{end}}<code>{{.Name}}</code></td><td>{{.Dist}}</td><td>{{with .Description}}{{.}}{{end}}{{if and .Description .Rationale}}<br>{{end}}{{with .Rationale}}<em>Why:</em> {{.}}{{end}}{{with .Source}}<br><small>Source: {{.}}</small>{{end}}</td></tr>
{{end}}</tbody></table>{{end}}{{end}}

{{define "sec-endings"}}{{if .Endings}}
<p>For each ending, the probability of reaching it within {{horizon $}} and, below it, eventually (with no horizon); the last column is the share of paths not ended by then, with the situations they are in. Each row sums to 100% within the horizon, and again eventually (the rest never ends). Brackets: 5–95% over parameter draws.</p>
{{.Endings}}
<table class="endings"><thead><tr><th>Profile</th>{{range $s := endingsOf $}}<th>{{$s}}</th>{{end}}<th>unresolved at {{horizon $}}</th></tr></thead><tbody>
{{range $p := .Profiles}}<tr><td>{{$p.Name}}<br><small>{{strategies $p.Strategies}}</small></td>{{range $s := endingsOf $}}<td class="n">{{endingCell $p $s}}</td>{{end}}<td class="n">{{unresolvedCell $p}}</td></tr>
{{end}}</tbody></table>{{end}}{{end}}

{{define "sec-reach"}}{{if .Reach}}
<p>Chance of having entered each situation by each step, one panel per profile: the line is the mean over the parameter draws{{with reachBandNote $}}; {{.}}{{else}} (no interval: {{if $.Fixed}}the scenario has no uncertain parameter{{else}}not computed for this run{{end}}; the 5–95% intervals at the horizon are under {{ref "endings"}}){{end}}.</p>
<div class="reach">{{range .Reach}}{{.}}{{end}}</div>{{end}}{{end}}

{{define "sec-values"}}{{if .Values}}
<p>Expected discounted utility from the start, weighted by each actor's weights; bars are means over draws, whiskers their 5–95% intervals.</p>
{{range .Values}}{{.}}{{end}}{{end}}{{end}}

{{define "sec-equilibrium"}}{{if .EqTables}}{{with .Ordinal}}{{if .Compared}}<p>{{if .Robust}}The ordinal lens agrees with this equilibrium on where the standoff settles{{else}}<strong>The ordinal lens disagrees</strong> with this equilibrium on where the standoff settles: its outcome is not robust{{end}} ({{ref "ordinal"}}).</p>{{end}}{{end}}
{{range .EqTables}}{{$e := .}}<h3>{{.Profile}}{{with .Method}} ({{.}}){{end}}</h3>
<p>{{if .Converged}}Converged{{else}}<strong>Did not converge</strong>: not an equilibrium{{end}}; largest one-shot deviation gain {{num .MaxDeviationGain}}.</p>
{{with .Selection}}<p>Selected by {{.}}.</p>{{end}}{{with .Values}}<p>Values from {{$e.Initial}}:{{range $a, $v := .}} {{$a}} {{num $v}}.{{end}}</p>{{end}}{{with .SetSummary}}<p class="eqset">Equilibrium set: {{.}}</p>{{end}}
{{range .Actors}}<table class="equilibrium"><thead><tr><th>{{.Actor}} in state</th>{{range .Actions}}<th>{{.}}</th>{{end}}</tr></thead><tbody>
{{range .Rows}}<tr><td>{{.State}}</td>{{range .Probs}}<td class="n">{{.}}</td>{{end}}</tr>
{{end}}</tbody></table>
{{end}}{{end}}{{end}}{{end}}

{{define "sec-credibility"}}{{if .Credibility}}
<p>Threats and promises are plays selected by the other side's last move; ordinary play is the rest. A play is credible when every action in it is a best response when the moment comes; the gain is what the best one-shot deviation adds.</p>
{{with .CredibilityAcross}}<p>Over the first {{.Draws}} parameter draws of the analysis (seed {{.Seed}}): how many decision points are credible in at least 90% of the draws, in at most 10%, or in between.{{if .Clocked}} The scenario is clocked: a decision point at consecutive steps with the same play and the same share counts once, and its row in the list below names its steps.{{end}}</p>
<table class="cred-summary"><thead><tr><th>Profile</th><th>Actor</th><th>Kind</th><th>Decision points</th><th>Credible in ≥ 90% of draws</th><th>In between</th><th>In ≤ 10%</th></tr></thead><tbody>
{{range .Groups}}<tr><td>{{.Profile}}</td><td>{{.Actor}}</td><td>{{.Kind}}</td><td class="n">{{.Points}}</td><td class="n">{{.Mostly}}</td><td class="n">{{.Split}}</td><td class="n">{{.Rarely}}</td></tr>
{{end}}</tbody></table>
{{if .Threats}}<details><summary>Each threat and promise over the draws ({{len .Threats}}): credible in what share, median margin</summary>
<p>The margin is the worst action of the prescribed play minus the best deviation: negative means the play loses that much when the moment comes.</p>
<table><thead><tr><th>Profile</th><th>Kind</th><th>Actor</th><th>State</th><th>After</th><th>Prescribed (first draw)</th><th>Credible in</th><th>Median margin</th></tr></thead><tbody>
{{range .Threats}}<tr><td>{{.Profile}}</td><td>{{.Kind}}</td><td>{{.Actor}}</td><td>{{.State}}</td><td>{{.After}}</td><td>{{.Play}}</td><td class="n">{{pct .Share}} of {{.Draws}}</td><td class="n">{{if lt .MarginLow .MedianMargin}}{{num .MarginLow}} to {{end}}{{num .MedianMargin}}</td></tr>
{{end}}</tbody></table></details>{{end}}{{end}}
<details{{if not .CredibilityAcross}} open{{end}}><summary>At central values: every threat and promise, and every ordinary play that is not credible ({{len .Credibility}})</summary>
<table><thead><tr><th>Profile</th><th>Kind</th><th>Actor</th><th>State</th><th>After</th><th>Prescribed</th><th>Best deviation</th><th>Gain</th><th>Credible</th></tr></thead><tbody>
{{range .Credibility}}<tr><td>{{.Profile}}</td><td>{{.Kind}}</td><td>{{.Actor}}</td><td>{{.State}}</td><td>{{.After}}</td><td>{{.Action}}</td><td>{{.Deviate}}</td><td class="n">{{if lt .GainLow .Gain}}{{num .GainLow}}–{{end}}{{num .Gain}}</td><td>{{if .Credible}}credible{{else}}not credible{{with .Shortfall}}: {{.}}{{end}}{{end}}</td></tr>
{{end}}</tbody></table></details>{{end}}{{end}}

{{define "sec-hypotheses"}}{{if .Hypotheses}}
<p>Each claim's share is of the prior parameter draws in which it holds: what the assumptions imply, not evidence that it is true{{if .Evidence}} (for what the record says, see {{ref "evidence"}}){{end}}.</p>
<table><thead><tr><th>ID</th><th>Claim</th><th>Implied by the assumptions in (share of draws)</th><th>Verdict</th></tr></thead><tbody>
{{range .Hypotheses}}<tr class="hypothesis" data-id="{{.ID}}"><td>{{.ID}}</td><td>{{with .Label}}<strong>{{.}}</strong><br>{{end}}{{.Claim}}<br><code>{{.Expr}}</code>{{if .Quantities}}<br><small>mean over the draws: {{range $i, $q := .Quantities}}{{if $i}}; {{end}}<code>{{$q.Expr}}</code> = {{iv $q.Interval}}{{end}}</small>{{end}}</td>
<td class="n">{{pct .HoldsShare}}<span class="share" role="img" aria-label="holds in {{pct .HoldsShare}} of draws"><span style="width:{{width .HoldsShare}}"></span></span>{{with .Subsample}}<br><small>{{.}}</small>{{end}}</td>
<td><span class="verdict {{verdictClass .Verdict}}">{{.Verdict}}</span></td></tr>
{{end}}</tbody></table>{{end}}{{end}}

{{define "sec-sensitivity"}}{{if or .Tornadoes .BreakEvens}}
{{if .BreakEvens}}<table><thead><tr><th>Hypothesis</th><th>Flips when</th></tr></thead><tbody>
{{range .BreakEvens}}<tr><td>{{.Hypothesis}}</td><td><code>{{.Param}}</code> &gt; {{num .Value}} ({{.Below}} → {{.Above}})</td></tr>
{{end}}</tbody></table>{{end}}
{{range .Tornadoes}}{{.}}{{end}}{{end}}{{end}}

{{define "sec-evidence"}}{{with .Evidence}}
<p>Every share of draws above is <em>implied by the assumptions</em>: it says what the analyst's ranges entail, not that the world agrees. This section is the only one that reads what happened{{with .Record}}: {{.}}{{end}}.</p>
{{if .Profiles}}<h3>How probable the model found the record (retrodiction)</h3>
<p>Per profile, the probability of the record {{.Where}}, and the share of {{.Sims}} records simulated from the model, with the same steps observed, that are at most as probable: a small share means the model finds what happened surprising (threshold {{pct .WarnBelow}}). A probability of the record is evidence about the assumptions; it does not change the shares above (<code>truce update</code> gives the shares given the record, docs/evidence.md).</p>
<table class="retro"><thead><tr><th>Profile</th><th>Probability of the record</th><th>Log</th><th>As improbable among the model's records</th><th>Reading</th></tr></thead><tbody>
{{range .Profiles}}<tr><td>{{.Profile}}</td><td class="n">{{probText .LogL}}</td><td class="n">{{logText .LogL}}</td><td class="n">{{pct .Surprise}}</td><td>{{retroReading . $.Evidence.WarnBelow}}</td></tr>
{{end}}</tbody></table>
{{with bestRetro .Profiles}}<p>{{.}} With equal prior weights on the profiles this ratio is the Bayes factor; it compares only these profiles.</p>{{end}}
{{end}}
{{with .Forecasts}}<h3>Forecasts scored against the record</h3>
<p>{{.Resolved}} resolved forecast{{if ne .Resolved 1}}s{{end}} for this scenario in the ledger ({{.Ledger}}){{if .Open}}, {{.Open}} still open (<code>truce score</code> resolves them){{end}}. Brier score: mean squared error of the probability, 0 best, 0.25 for always 50%; log score: mean natural log of the probability given to what happened, 0 best; skill: against always forecasting the base rate (above 0 is better).</p>
<table class="scores"><thead><tr><th>Source</th><th>Forecasts</th><th>Brier</th><th>Log</th><th>Reliability</th><th>Resolution</th><th>Skill</th></tr></thead><tbody>
{{range .Sources}}<tr><td>{{.Source}}</td><td class="n">{{.N}}</td><td class="n">{{num .Brier}}</td><td class="n">{{logText .Log}}</td><td class="n">{{num .Reliability}}</td><td class="n">{{num .Resolution}}</td><td class="n">{{num .Skill}}</td></tr>
{{end}}</tbody></table>
{{.Chart}}
<p>The diagram plots, per bin of forecast probability, the share that resolved yes against the mean forecast: on the diagonal, forecasts of 30% come true 30% of the time. {{if lt .Resolved 30}}With {{.Resolved}} resolved forecasts this is far too few to judge calibration or to tell sources apart.{{end}}</p>{{end}}
{{end}}{{end}}

{{define "sec-ordinal"}}{{.OrdinalSection}}{{end}}
`
