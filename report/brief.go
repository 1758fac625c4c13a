package report

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strings"
)

// brief is the page's first section: how each profile ends (one bar
// each), the claims with their verdicts and where they flip, and the
// parameters the answers move with most.
type brief struct {
	Endings template.HTML
	// EventualNote reads the eventual figures when they cannot tell the
	// profiles apart (every one ends in the only ending for certain).
	EventualNote string
	Claims       []briefClaim
	HangsOn      []briefParam
}

type briefClaim struct {
	Hypothesis
	Flip string // e.g. "rejected when p_deal > 0.124"
}

type briefParam struct {
	Name, Label string
	Swing       float64 // largest swing of any charted output
	Output      string  // the output it moves most
}

// maxBriefParams is how many parameters the brief lists.
const maxBriefParams = 5

func makeBrief(in Input) *brief {
	b := &brief{}
	if len(in.Profiles) > 0 && len(endingStates(in)) > 0 {
		b.Endings = template.HTML(briefEndings(in))
		b.EventualNote = eventualNote(in)
	}
	for _, h := range in.Hypotheses {
		c := briefClaim{Hypothesis: h}
		for _, be := range in.BreakEvens {
			if be.Hypothesis == h.ID {
				c.Flip = fmt.Sprintf("%s when %s > %s", be.Above, be.Param, fmtNum(be.Value))
				break
			}
		}
		b.Claims = append(b.Claims, c)
	}
	best := map[string]briefParam{}
	for _, t := range in.Tornadoes {
		for _, bar := range t.Bars {
			sw := bar.OutMax - bar.OutMin
			if !finite(sw) {
				continue
			}
			// Swings of different outputs are compared relative to the
			// output's own size, so probabilities and values can be ranked
			// together.
			rel := sw / math.Max(math.Abs(t.Base), 1e-9)
			if math.Abs(t.Base) < 1e-9 {
				rel = sw
			}
			if p, ok := best[bar.Param]; !ok || rel > p.Swing {
				best[bar.Param] = briefParam{Name: bar.Param, Swing: rel, Output: t.Output}
			}
		}
	}
	for _, p := range best {
		for _, q := range in.Parameters {
			if q.Name == p.Name {
				p.Label = q.Label
			}
		}
		b.HangsOn = append(b.HangsOn, p)
	}
	sort.Slice(b.HangsOn, func(i, j int) bool {
		if b.HangsOn[i].Swing != b.HangsOn[j].Swing {
			return b.HangsOn[i].Swing > b.HangsOn[j].Swing
		}
		return b.HangsOn[i].Name < b.HangsOn[j].Name
	})
	if len(b.HangsOn) > maxBriefParams {
		b.HangsOn = b.HangsOn[:maxBriefParams]
	}
	if b.Endings == "" && len(b.Claims) == 0 && len(b.HangsOn) == 0 {
		return nil
	}
	return b
}

// eventualNote says what "eventually 100%" means when a scenario has one
// ending and every profile reaches it for certain with no horizon: a
// reader would take "war 100%" for a forecast of war, when it says only
// that no other situation lasts for ever; how soon is what the bars show.
func eventualNote(in Input) string {
	ends := endingStates(in)
	if len(ends) != 1 {
		return ""
	}
	e := ends[0]
	for _, p := range in.Profiles {
		if p.Endings == nil || !(p.Endings[e].Eventually.Mean >= 0.9995) {
			return ""
		}
	}
	return fmt.Sprintf("Every profile ends in %s eventually, with no horizon: it is the only ending and no other situation lasts for ever, so \"%s 100%%\" says only that; how much of it comes within %s is what the bars show.", e, e, horizonLabel(in))
}

// briefEndings: one 100% bar per profile, split into its endings within
// the horizon and the unresolved share, each segment in its state's
// colour and labelled when wide enough, the eventual figures as text.
func briefEndings(in Input) string {
	ends := endingStates(in)
	col, _ := stateColours(in)
	const w, barH, gap, textW, lineH = 760.0, 18.0, 8.0, 230.0, 11.0
	left := labelWidth(in.Profiles)
	right := w - textW
	hz := horizonLabel(in)
	sv := newSVG("brief-endings", "brief-endings", w, 0, "How each profile ends within "+hz,
		"One bar per profile: the share of paths in each ending within "+hz+", and still unresolved then (grey); the text gives each ending's eventual probability, with no horizon.")
	x := axis{0, 1, left, right - 8}
	var items []swatch
	for _, e := range ends {
		items = append(items, swatch{e, col[e]})
	}
	top := sv.legend(append(items, swatch{"unresolved", unresolvedColour}), left, right-8, 17) + 13
	sv.text(right, 17, "start", "note", "eventually (no horizon)")
	y := top
	for _, p := range in.Profiles {
		sv.text(left-8, y+barH/2+4, "end", "lbl", fitText(p.Name, left-16, 12))
		type seg struct {
			name, fill string
			v          float64
		}
		var segs []seg
		var ever []string
		for _, e := range ends {
			if p.Endings != nil {
				segs = append(segs, seg{e, col[e], clamp01(p.Endings[e].WithinHorizon.Mean)})
				if v := p.Endings[e].Eventually.Mean; v >= 0.0005 {
					ever = append(ever, fmt.Sprintf("%s %s", e, shortPct(v)))
				}
			} else if iv, ok := p.Absorb[e]; ok && iv.Mean >= 0.0005 {
				ever = append(ever, fmt.Sprintf("%s %s", e, shortPct(iv.Mean)))
			}
		}
		if p.Endings != nil {
			segs = append(segs, seg{"unresolved", unresolvedColour, clamp01(p.Unresolved.AtHorizon.Mean)})
			if v := p.Unresolved.Eventually.Mean; v >= 0.0005 {
				ever = append(ever, "never ends "+shortPct(v))
			}
		}
		pos := 0.0
		for _, s := range segs {
			x0, x1 := x.at(pos), x.at(math.Min(1, pos+s.v))
			sv.rect(x0, y, x1-x0, barH, s.fill, fmt.Sprintf("%s: %s within %s", s.name, pct(s.v), hz))
			if t := shortPct(s.v); x1-x0 > textWidth(t, 10)+6 {
				sv.raw(`<text x="%s" y="%s" text-anchor="middle" class="val" fill="#fff" style="fill:#fff">%s</text>`, num((x0+x1)/2), num(y+barH/2+4), esc(t))
			}
			pos += s.v
		}
		// the eventual figures, wrapped in their column; a profile's row
		// grows to hold them
		lines := wrapText(strings.Join(ever, ", "), ", ", textW-8, 10)
		for i, l := range lines {
			sv.text(right, y+barH/2+4+lineH*float64(i), "start", "val", l)
		}
		y += math.Max(barH, barH/2+4+lineH*float64(len(lines)-1)+3) + gap
	}
	sv.h = y
	return sv.String()
}
