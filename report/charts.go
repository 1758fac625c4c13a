package report

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// diagram lays out the state graph (see layoutLayered): states as boxes
// in their page colours, endings in the last column, each edge labelled
// with what causes the move.
func diagram(in Input) (drawing, []State, []Edge) {
	idx := map[string]int{}
	for i, s := range in.States {
		idx[s.ID] = i
	}
	var es []Edge
	for _, e := range in.Edges {
		_, okA := idx[e.From]
		_, okB := idx[e.To]
		if okA && okB && e.From != e.To {
			es = append(es, e)
		}
	}
	ports := make([]int, len(in.States))
	var ledges []ledge
	for _, e := range es {
		a, b := idx[e.From], idx[e.To]
		ports[a]++
		ports[b]++
		lw, lh := 0.0, 0.0
		if e.Label != "" {
			lines := edgeLines(e)
			for _, l := range lines {
				lw = math.Max(lw, textWidth(l, 10.5)+8)
			}
			lh = 12 * float64(len(lines))
		}
		ledges = append(ledges, ledge{from: a, to: b, lw: lw, lh: lh})
	}
	nodes := make([]lnode, len(in.States))
	first := 0
	for i, s := range in.States {
		nodes[i] = lnode{w: textWidth(s.ID, 12.5) + 24, h: math.Max(28, 7*float64(ports[i]+1)), last: s.Terminal}
		if s.Initial {
			first = i
		}
	}
	return layoutLayered(nodes, ledges, first), in.States, es
}

// edgeLines is an edge's label as drawn: the target first (labels sit
// next to the source, and a long edge is easier to read than to follow),
// then the label's own lines.
func edgeLines(e Edge) []string {
	return append([]string{"→ " + e.To}, strings.Split(e.Label, "\n")...)
}

// stateDiagram draws the layout of diagram.
func stateDiagram(in Input) string {
	dr, states, es := diagram(in)
	col, _ := stateColours(in)
	nEnd := 0
	for _, s := range states {
		if s.Terminal {
			nEnd++
		}
	}
	w := math.Max(dr.w, 300)
	legend := wrapText("thick border: initial state · double border: ending · labels: what causes the move · its probability at central values (first matching rule)", " · ", w-16, 11)
	h := dr.h + 8 + 14*float64(len(legend))
	sv := newSVG("state-diagram", "states", w, h, "State diagram of "+in.Title,
		fmt.Sprintf("%d situations (%d endings, in the last column) and the moves between them with positive probability at central parameter values; each arrow says which actions cause the move and how likely it is then.", len(states), nEnd))
	sv.raw(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>`)
	for i, e := range es {
		r := dr.edges[i]
		var pts []string
		for _, p := range r.pts {
			pts = append(pts, num(p[0])+","+num(p[1]))
		}
		tip := e.From + " → " + e.To
		if len(e.Detail) > 0 {
			tip += ": " + strings.Join(e.Detail, "; ")
		}
		sv.raw(`<polyline class="edge" data-from="%s" data-to="%s" points="%s" fill="none" stroke="#666" stroke-width="1.2" stroke-linejoin="round" marker-end="url(#arrow)"><title>%s</title></polyline>`,
			esc(e.From), esc(e.To), strings.Join(pts, " "), esc(tip))
		if e.Label != "" {
			lines := edgeLines(e)
			sv.raw(`<g class="edge-label" data-from="%s" data-to="%s" data-x="%s" data-y="%s" data-w="%s" data-h="%s">`,
				esc(e.From), esc(e.To), num(r.label.x), num(r.label.y), num(r.label.w), num(r.label.h))
			for k, l := range lines {
				sv.text(r.label.x, r.label.top()+10+12*float64(k), "middle", "elbl", l)
			}
			sv.raw(`</g>`)
		}
	}
	for i, s := range states {
		b := dr.nodes[i]
		sw := 1.6
		if s.Initial {
			sw = 3.2
		}
		tip := s.ID
		if s.Description != "" {
			tip += ": " + s.Description
		}
		sv.raw(`<g class="state" data-state="%s" data-x="%s" data-y="%s" data-w="%s" data-h="%s"><title>%s</title>`,
			esc(s.ID), num(b.x), num(b.y), num(b.w), num(b.h), esc(tip))
		sv.raw(`<rect x="%s" y="%s" width="%s" height="%s" rx="7" fill="#fff" stroke="%s" stroke-width="%s"/>`,
			num(b.left()), num(b.top()), num(b.w), num(b.h), col[s.ID], num(sw))
		if s.Terminal {
			sv.raw(`<rect x="%s" y="%s" width="%s" height="%s" rx="5" fill="none" stroke="%s"/>`,
				num(b.left()+3), num(b.top()+3), num(b.w-6), num(b.h-6), col[s.ID])
		}
		sv.text(b.x, b.y+4, "middle", "lbl", s.ID)
		sv.raw(`</g>`)
	}
	for i, l := range legend {
		sv.text(8, dr.h+18+14*float64(i), "start", "note", l)
	}
	return sv.String()
}

// endingStates returns the terminal states, in file order; without states
// (a report built from stored results), the names the profiles' endings
// use, or every state with an absorption figure when there are none.
func endingStates(in Input) []string {
	var out []string
	for _, s := range in.States {
		if s.Terminal {
			out = append(out, s.ID)
		}
	}
	if len(out) > 0 || len(in.States) > 0 {
		return out
	}
	seen := map[string]bool{}
	for _, p := range in.Profiles {
		src := endingMap(p)
		if p.Endings == nil {
			src = p.Absorb
		}
		for k := range src {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// horizonLabel is "52 weeks" or "52 steps".
func horizonLabel(in Input) string {
	unit := "step"
	if in.Period != "" {
		unit = in.Period
	}
	if in.Horizon == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", in.Horizon, unit)
}

// endingsChart: per profile, one row per ending and one for the paths not
// ended. The solid bar is the probability within the horizon with its
// 5–95% whisker; the dashed outline is the eventual probability (no
// horizon). Solid bars of a profile sum to 1, and so do the outlines
// (the unresolved row's outline is the share that never ends). Each row
// carries its numbers as text in a column of its own.
func endingsChart(in Input) string {
	ends := endingStates(in)
	col, _ := stateColours(in)
	w := 760.0
	left := labelWidth(in.Profiles)
	// the text column fits the longest row's text ("war 12.3% · eventually
	// 45.6%"); the chart widens rather than clip it
	textW := 200.0
	for _, e := range append(append([]string(nil), ends...), "unresolved") {
		textW = math.Max(textW, textWidth(e+" 100.0% · eventually 100.0%", 10)+8)
	}
	w = math.Max(w, left+260+textW)
	right := w - textW
	barH, gap := 13.0, 12.0
	rows := len(ends) + 1
	groupH := float64(rows)*barH + gap
	hz := horizonLabel(in)
	sv := newSVG("endings", "endings", w, 0, "How each profile ends",
		fmt.Sprintf("Per profile: solid bars, the probability of each ending within %s and of being still unresolved then (they sum to 100%%), with 5–95%% whiskers over parameter draws; dashed outlines, the probability of each ending eventually, with no horizon, and of never ending.", hz))
	items := []swatch{}
	for _, e := range ends {
		items = append(items, swatch{e, col[e]})
	}
	ly := sv.legend(append(items, swatch{"unresolved", unresolvedColour}), 8, w-8, 17)
	note := wrapText(fmt.Sprintf("solid bar: within %s (whisker 5–95%%) · dashed outline: eventually, no horizon", hz), " · ", w-16, 11)
	for i, l := range note {
		sv.text(8, ly+19+14*float64(i), "start", "note", l)
	}
	top := ly + 19 + 14*float64(len(note)-1) + 14
	h := top + float64(len(in.Profiles))*groupH + 30
	sv.h = h
	x := axis{0, 1, left, right - 10}
	for _, t := range niceTicks(0, 1, 5) {
		sv.line(x.at(t), top-6, x.at(t), h-28, "#e4e4e4", 1, "")
		sv.text(x.at(t), h-14, "middle", "tick", pct(t))
	}
	for pi, p := range in.Profiles {
		y0 := top + float64(pi)*groupH
		sv.text(left-8, y0+float64(rows)*barH/2+4, "end", "lbl", fitText(p.Name, left-16, 12))
		type row struct {
			name, fill, text string
			within, ever     Interval
			hasWithin        bool
		}
		var rs []row
		for _, e := range ends {
			if p.Endings != nil {
				en := p.Endings[e]
				rs = append(rs, row{e, col[e], fmt.Sprintf("%s %s · eventually %s", e, pct(en.WithinHorizon.Mean), pct(en.Eventually.Mean)), en.WithinHorizon, en.Eventually, true})
			} else if iv, ok := p.Absorb[e]; ok {
				rs = append(rs, row{e, col[e], fmt.Sprintf("%s eventually %s", e, pct(iv.Mean)), Interval{}, iv, false})
			}
		}
		if p.Endings != nil {
			u := p.Unresolved
			rs = append(rs, row{"unresolved", unresolvedColour, fmt.Sprintf("unresolved %s · never ends %s", pct(u.AtHorizon.Mean), pct(u.Eventually.Mean)), u.AtHorizon, u.Eventually, true})
		}
		for i, r := range rs {
			y := y0 + float64(i)*barH
			ym := y + (barH-2)/2
			if r.hasWithin {
				sv.raw(`<rect class="within" data-profile="%s" data-ending="%s" data-p="%s" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`,
					esc(p.Name), esc(r.name), strconv.FormatFloat(clamp01(r.within.Mean), 'g', 6, 64),
					num(x.at(0)), num(y), num(x.at(clamp01(r.within.Mean))-x.at(0)), num(barH-2), r.fill,
					esc(fmt.Sprintf("%s, %s within %s: %s (5–95%%: %s–%s)", p.Name, r.name, hz, pct(r.within.Mean), pct(r.within.Lo), pct(r.within.Hi))))
				if finite(r.within.Lo) && finite(r.within.Hi) {
					whisker(sv, x, Interval{Lo: clamp01(r.within.Lo), Hi: clamp01(r.within.Hi)}, ym, 3)
				}
			}
			if finite(r.ever.Mean) {
				dash := ` stroke-dasharray="3 2"`
				if !r.hasWithin {
					dash = ""
				}
				sv.raw(`<rect class="eventually" x="%s" y="%s" width="%s" height="%s" fill="none" stroke="%s" stroke-width="1.2"%s><title>%s</title></rect>`,
					num(x.at(0)), num(y-0.5), num(x.at(clamp01(r.ever.Mean))-x.at(0)), num(barH-1), r.fill, dash,
					esc(fmt.Sprintf("%s, %s eventually: %s (5–95%%: %s–%s)", p.Name, r.name, pct(r.ever.Mean), pct(r.ever.Lo), pct(r.ever.Hi))))
			}
			sv.text(right, y+barH-3, "start", "val", r.text)
		}
	}
	return sv.String()
}

// whisker draws iv's interval [Lo, Hi] on axis x at height y as a line
// with end caps of half-height cap, when it is a finite, non-empty range.
func whisker(sv *svg, x axis, iv Interval, y, cap float64) {
	if !finite(iv.Lo) || !finite(iv.Hi) || !(iv.Hi > iv.Lo) {
		return
	}
	lo, hi := x.at(iv.Lo), x.at(iv.Hi)
	sv.line(lo, y, hi, y, "#111", 1, ` class="errbar"`)
	sv.line(lo, y-cap, lo, y+cap, "#111", 1, "")
	sv.line(hi, y-cap, hi, y+cap, "#111", 1, "")
}

// spanOf widens [lo, hi] to hold iv's mean and its finite bounds.
func spanOf(lo, hi float64, iv Interval) (float64, float64) {
	for _, v := range []float64{iv.Mean, iv.Lo, iv.Hi} {
		if finite(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	return lo, hi
}

func clamp01(x float64) float64 {
	if !(x > 0) {
		return 0
	}
	return math.Min(1, x)
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// textWidth estimates the width in pixels of s at the given font size
// (system sans-serif averages about 0.55 em per character).
func textWidth(s string, size float64) float64 {
	return 0.55 * size * float64(len([]rune(s)))
}

// wrapText breaks s into lines of at most width pixels at the given font
// size (textWidth's estimate), at sep where it can, else at spaces; a word
// longer than a line is shortened (fitText).
func wrapText(s, sep string, width, size float64) []string {
	var lines []string
	cur := ""
	for _, part := range strings.Split(s, sep) {
		cand := part
		if cur != "" {
			cand = cur + sep + part
		}
		if textWidth(cand, size) <= width {
			cur = cand
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
			cur = ""
		}
		for _, word := range strings.Fields(part) {
			cand := word
			if cur != "" {
				cand = cur + " " + word
			}
			if textWidth(cand, size) <= width {
				cur = cand
				continue
			}
			if cur != "" {
				lines = append(lines, cur)
			}
			cur = fitText(word, width, size)
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// reachStates are the states whose reach curves are drawn: every state with
// data except the initial one (which is reached at step 0 by definition).
func reachStates(in Input, p Profile) []string {
	var out []string
	for _, s := range in.States {
		if _, ok := p.Reach[s.ID]; ok && !s.Initial {
			out = append(out, s.ID)
		}
	}
	if len(in.States) == 0 {
		for k := range p.Reach {
			out = append(out, k)
		}
		sort.Strings(out)
	}
	return out
}

// reachChart draws, for one profile, the probability of having entered each
// state by each step.
func reachChart(in Input, idx int, p Profile) string {
	states := reachStates(in, p)
	const left, top, bottom, lineH = 44.0, 24.0, 34.0, 11.0
	// The end labels ("war 12.3%") sit right of the plot, one line each:
	// the margin fits the longest and the chart is tall enough for all.
	right := 92.0
	for _, s := range states {
		right = math.Max(right, textWidth(s+" 100.0%", 10)+8)
	}
	w := 278 + right
	h := math.Max(250, top+bottom+lineH*float64(len(states)+1))
	desc := "Probability of having entered each state at or before each step, profile " + p.Name + ": the mean over draws"
	if p.ReachLo != nil {
		desc += fmt.Sprintf(", shaded 5–95%% over %d draws", p.ReachBandDraws)
	}
	sv := newSVG(fmt.Sprintf("reach-%d", idx), "reach", w, h, "Reach curves: "+p.Name, desc+".")
	steps := 0
	for _, s := range states {
		steps = max(steps, len(p.Reach[s])-1)
	}
	x := axis{0, float64(max(1, steps)), left, w - right}
	y := axis{0, 1, h - bottom, top}
	for _, t := range niceTicks(0, 1, 4) {
		sv.line(left, y.at(t), w-right, y.at(t), "#e4e4e4", 1, "")
		sv.text(left-4, y.at(t)+4, "end", "tick", pct(t))
	}
	for _, t := range niceTicks(0, float64(max(1, steps)), 4) {
		sv.text(x.at(t), h-bottom+14, "middle", "tick", tickNum(t))
	}
	xl := "step"
	if in.Period != "" {
		xl = in.Period + "s"
	}
	sv.text((left+w-right)/2, h-4, "middle", "note", xl)
	sv.text(left, 14, "start", "lbl", fitText(p.Name, w-left-8, 12))
	sv.line(left, h-bottom, w-right, h-bottom, "#333", 1, "")
	sv.line(left, top, left, h-bottom, "#333", 1, "")
	type lab struct {
		y    float64
		name string
		c    string
	}
	var labs []lab
	col, dashed := stateColours(in)
	// The 5–95% bands first, under every curve.
	for _, s := range states {
		if poly := reachBand(p.ReachLo[s], p.ReachHi[s], len(p.Reach[s]), x, y); poly != "" {
			lo, hi := p.ReachLo[s], p.ReachHi[s]
			sv.raw(`<polygon class="band" data-state="%s" fill="%s" fill-opacity="0.18" stroke="none" points="%s"><title>%s: 5–95%% over %d draws, %s–%s by step %d</title></polygon>`,
				esc(s), col[s], poly, esc(s), p.ReachBandDraws, pct(lo[len(lo)-1]), pct(hi[len(hi)-1]), len(hi)-1)
		}
	}
	for _, s := range states {
		r := p.Reach[s]
		if len(r) == 0 {
			continue
		}
		var pts []string
		for k, v := range r {
			pts = append(pts, num(x.at(float64(k)))+","+num(y.at(v)))
		}
		dash := ""
		if dashed[s] {
			dash = ` stroke-dasharray="4 2"`
		}
		sv.raw(`<polyline class="series" data-state="%s" fill="none" stroke="%s" stroke-width="1.8"%s points="%s"><title>%s: %s by step %d</title></polyline>`,
			esc(s), col[s], dash, strings.Join(pts, " "), esc(s), pct(r[len(r)-1]), len(r)-1)
		labs = append(labs, lab{y.at(clamp01(r[len(r)-1])), fmt.Sprintf("%s %s", s, pct(r[len(r)-1])), col[s]})
	}
	// end labels, pushed apart so they do not overlap, within the plot
	sort.SliceStable(labs, func(i, j int) bool { return labs[i].y < labs[j].y })
	for i := range labs {
		if i > 0 && labs[i].y < labs[i-1].y+lineH {
			labs[i].y = labs[i-1].y + lineH
		}
	}
	for i := len(labs) - 1; i >= 0; i-- {
		limit := h - bottom
		if i+1 < len(labs) {
			limit = labs[i+1].y - lineH
		}
		labs[i].y = math.Min(labs[i].y, limit)
	}
	for _, l := range labs {
		sv.raw(`<text x="%s" y="%s" class="val" fill="%s">%s</text>`, num(w-right+4), num(l.y+3), l.c, esc(l.name))
	}
	return sv.String()
}

// reachBand is the SVG points of the area between the lo and hi curves
// (n steps each, the curve's length), or "" when the band is missing,
// does not match the curve or holds a non-finite value.
func reachBand(lo, hi []float64, n int, x, y axis) string {
	if n == 0 || len(lo) != n || len(hi) != n {
		return ""
	}
	pts := make([]string, 0, 2*n)
	for k := 0; k < n; k++ {
		if math.IsNaN(hi[k]) || math.IsInf(hi[k], 0) || math.IsNaN(lo[k]) || math.IsInf(lo[k], 0) {
			return ""
		}
		pts = append(pts, num(x.at(float64(k)))+","+num(y.at(clamp01(hi[k]))))
	}
	for k := n - 1; k >= 0; k-- {
		pts = append(pts, num(x.at(float64(k)))+","+num(y.at(clamp01(lo[k]))))
	}
	return strings.Join(pts, " ")
}

// valueChart shows one actor's expected value by component for every
// profile, as grouped bars around zero, with the total marked.
func valueChart(in Input, idx int, actor string) string {
	comps := componentNames(in)
	const w, right = 760.0, 30.0
	top := 40.0
	left := labelWidth(in.Profiles)
	barH, gap := 9.0, 12.0
	groupH := float64(len(comps)+1)*barH + gap
	var rows []Profile
	lo, hi := 0.0, 0.0
	for _, p := range in.Profiles {
		v, ok := p.Value[actor]
		if !ok {
			continue
		}
		rows = append(rows, p)
		for _, c := range comps {
			if iv, ok := v.Components[c]; ok {
				lo, hi = spanOf(lo, hi, iv)
			}
		}
		lo, hi = spanOf(lo, hi, v.Total)
	}
	if hi-lo == 0 {
		hi = lo + 1
	}
	pad := (hi - lo) * 0.05
	lo, hi = lo-pad, hi+pad
	series := append(append([]string(nil), comps...), "total")
	var items []swatch
	for i, c := range series {
		fill := colour(i)
		if c == "total" {
			fill = "#444"
		}
		items = append(items, swatch{c, fill})
	}
	// the actor's name on the first line, the legend below it (it wraps)
	probe := newSVG("", "", w, 0, "", "")
	top = probe.legend(items, left, w-8, 36) + 22
	h := top + float64(len(rows))*groupH + 30
	sv := newSVG(fmt.Sprintf("value-%d", idx), "value", w, h, "Expected value by component: "+actor,
		"Expected discounted utility of "+actor+" per profile: one bar per payoff component (weighted), and the total, each with its 5–95% interval over the parameter draws as a whisker.")
	sv.text(8, 17, "start", "lbl", fitText(actor, w-16, 12))
	sv.legend(items, left, w-8, 36)
	x := axis{lo, hi, left, w - right}
	for _, t := range niceTicks(lo, hi, 6) {
		sv.line(x.at(t), top-6, x.at(t), h-28, "#e4e4e4", 1, "")
		sv.text(x.at(t), h-14, "middle", "tick", tickNum(t))
	}
	sv.line(x.at(0), top-6, x.at(0), h-28, "#333", 1, "")
	for pi, p := range rows {
		v := p.Value[actor]
		y0 := top + float64(pi)*groupH
		sv.text(left-8, y0+groupH/2, "end", "lbl", fitText(p.Name, left-16, 12))
		for i, c := range series {
			iv, ok := v.Components[c]
			fill := colour(i)
			if c == "total" {
				iv, ok, fill = v.Total, true, "#444"
			}
			if !ok {
				continue
			}
			y := y0 + float64(i)*barH
			sv.rect(x.at(0), y, x.at(iv.Mean)-x.at(0), barH-1, fill,
				fmt.Sprintf("%s, %s, %s: %s (5–95%%: %s to %s)", actor, p.Name, c, fmtNum(iv.Mean), fmtNum(iv.Lo), fmtNum(iv.Hi)))
			whisker(sv, x, iv, y+(barH-1)/2, 2.5)
		}
	}
	return sv.String()
}

func componentNames(in Input) []string {
	var out []string
	for _, c := range in.Components {
		out = append(out, c.Name)
	}
	if len(out) > 0 {
		return out
	}
	seen := map[string]bool{}
	for _, p := range in.Profiles {
		for _, v := range p.Value {
			for k := range v.Components {
				if !seen[k] {
					seen[k] = true
					out = append(out, k)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// tornadoChart draws one output's swing as each parameter sweeps its range,
// widest swing on top (at most maxBars bars).
func tornadoChart(idx int, t Tornado) string {
	const maxBars = 12
	bars := append([]TornadoBar(nil), t.Bars...)
	sort.SliceStable(bars, func(i, j int) bool {
		return bars[i].OutMax-bars[i].OutMin > bars[j].OutMax-bars[j].OutMin
	})
	if len(bars) > maxBars {
		bars = bars[:maxBars]
	}
	const w, right, top = 760.0, 70.0, 48.0
	// the bar labels ("p_war [0.01, 0.4]") fit the left margin, within limits
	left := 250.0
	barLabel := func(b TornadoBar) string {
		return fmt.Sprintf("%s [%s, %s]", b.Param, fmtNum(b.ParamLo), fmtNum(b.ParamHi))
	}
	for _, b := range bars {
		left = math.Max(left, math.Min(400, textWidth(barLabel(b), 12)+16))
	}
	barH := 18.0
	h := top + float64(len(bars))*barH + 34
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range []float64{t.Base} {
		if finite(v) {
			lo, hi = v, v
		}
	}
	for _, b := range bars {
		lo, hi = spanOf(lo, hi, Interval{Mean: b.OutMin, Lo: b.OutMin, Hi: b.OutMax})
	}
	if lo > hi { // nothing finite to show
		lo, hi = 0, 0
	}
	if hi-lo == 0 {
		hi, lo = hi+0.5, lo-0.5
	}
	sv := newSVG(fmt.Sprintf("tornado-%d", idx), "tornado", w, h, "Sensitivity of "+t.Output,
		fmt.Sprintf("Tornado chart: range of %s as each parameter sweeps its range with the others at their central values (central value %s).", t.Output, fmtNum(t.Base)))
	x := axis{lo, hi, left, w - right}
	for _, tk := range niceTicks(lo, hi, 6) {
		sv.line(x.at(tk), top-4, x.at(tk), h-28, "#e4e4e4", 1, "")
		sv.text(x.at(tk), h-14, "middle", "tick", tickNum(tk))
	}
	sv.text(8, 16, "start", "lbl", fitText(t.Output, w-16, 12))
	sv.legend([]swatch{{"parameter at the low end", colour(0)}, {"at the high end", colour(1)}}, left, w-8, 34)
	for i, b := range bars {
		y := top + float64(i)*barH
		sv.text(left-8, y+12, "end", "lbl", fitText(barLabel(b), left-16, 12))
		sv.rect(x.at(b.OutMin), y+2, x.at(b.OutMax)-x.at(b.OutMin), barH-4, "#ddd",
			fmt.Sprintf("%s: output from %s to %s over the sweep", b.Param, fmtNum(b.OutMin), fmtNum(b.OutMax)))
		sv.rect(x.at(t.Base), y+4, x.at(b.OutAtLo)-x.at(t.Base), barH-8, colour(0),
			fmt.Sprintf("%s = %s: %s", b.Param, fmtNum(b.ParamLo), fmtNum(b.OutAtLo)))
		sv.rect(x.at(t.Base), y+4, x.at(b.OutAtHi)-x.at(t.Base), barH-8, colour(1),
			fmt.Sprintf("%s = %s: %s", b.Param, fmtNum(b.ParamHi), fmtNum(b.OutAtHi)))
	}
	sv.line(x.at(t.Base), top-4, x.at(t.Base), h-28, "#000", 1.5, ` class="base"`)
	return sv.String()
}

// labelWidth is the left margin that fits the longest profile name at the
// label font size (about 6.6 px per character) with the 8 px gap before
// the plot and some slack, within limits (longer names are shortened).
func labelWidth(ps []Profile) float64 {
	n := 0
	for _, p := range ps {
		n = max(n, len([]rune(p.Name)))
	}
	return math.Min(300, math.Max(150, 6.6*float64(n)+20))
}

// tickNum prints an axis tick without trailing zeros ("20", "0.25").
func tickNum(x float64) string {
	if math.Abs(x) < 1e-12 {
		x = 0
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}
