package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// fontSizes are the page's text classes (the page's <style>), in px.
var fontSizes = map[string]float64{"elbl": 10.5, "note": 11, "lbl": 12, "tick": 10, "val": 10}

// drawnText is one <text> of a chart with the box its glyphs take: its
// width estimated as textWidth does (what the layouts reserve), its height
// from 0.8 em above the baseline to 0.2 em below.
type drawnText struct {
	s   string
	box [4]float64 // x0, y0, x1, y1
}

var rotateRE = regexp.MustCompile(`^rotate\((-?90) ([-0-9.]+) ([-0-9.]+)\)$`)

// chartTexts parses one SVG element: its viewBox and every text with its
// box. It fails on a text whose size it cannot tell (no known class, no
// font-size) or whose transform it does not know.
func chartTexts(svg string) (w, h float64, texts []drawnText, err error) {
	dec := xml.NewDecoder(strings.NewReader(svg))
	type frame struct {
		size float64
		text *drawnText
		x, y float64
		anc  string
		tr   string
	}
	var stack []frame
	inherited := func() float64 {
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i].size > 0 {
				return stack[i].size
			}
		}
		return 0
	}
	for {
		tok, e := dec.Token()
		if e == io.EOF {
			break
		}
		if e != nil {
			return 0, 0, nil, e
		}
		switch t := tok.(type) {
		case xml.StartElement:
			fr := frame{}
			attr := map[string]string{}
			for _, a := range t.Attr {
				attr[a.Name.Local] = a.Value
			}
			if v, ok := attr["font-size"]; ok {
				fr.size, _ = strconv.ParseFloat(strings.TrimSuffix(v, "px"), 64)
			}
			for _, c := range strings.Fields(attr["class"]) {
				if s, ok := fontSizes[c]; ok {
					fr.size = s
				}
			}
			switch t.Name.Local {
			case "svg":
				if len(stack) == 0 {
					vb := strings.Fields(attr["viewBox"])
					if len(vb) != 4 {
						return 0, 0, nil, fmt.Errorf("svg without a viewBox")
					}
					w, _ = strconv.ParseFloat(vb[2], 64)
					h, _ = strconv.ParseFloat(vb[3], 64)
				}
			case "text":
				fr.x, _ = strconv.ParseFloat(attr["x"], 64)
				fr.y, _ = strconv.ParseFloat(attr["y"], 64)
				fr.anc, fr.tr = attr["text-anchor"], attr["transform"]
				fr.text = &drawnText{}
			}
			stack = append(stack, fr)
		case xml.CharData:
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].text != nil {
					stack[i].text.s += string(t)
					break
				}
			}
		case xml.EndElement:
			fr := stack[len(stack)-1]
			size := inherited()
			stack = stack[:len(stack)-1]
			if fr.text == nil || strings.TrimSpace(fr.text.s) == "" {
				continue
			}
			if size == 0 {
				return 0, 0, nil, fmt.Errorf("text %q: no known class or font-size", fr.text.s)
			}
			tw := textWidth(fr.text.s, size)
			x0 := fr.x
			switch fr.anc {
			case "middle":
				x0 -= tw / 2
			case "end":
				x0 -= tw
			}
			b := [4]float64{x0, fr.y - 0.8*size, x0 + tw, fr.y + 0.2*size}
			if fr.tr != "" {
				m := rotateRE.FindStringSubmatch(fr.tr)
				if m == nil {
					return 0, 0, nil, fmt.Errorf("text %q: unknown transform %q", fr.text.s, fr.tr)
				}
				cx, _ := strconv.ParseFloat(m[2], 64)
				cy, _ := strconv.ParseFloat(m[3], 64)
				// rotate(-90 cx cy) maps (x, y) to (cx + (y-cy), cy - (x-cx))
				b = [4]float64{cx + (b[1] - cy), cy - (b[2] - cx), cx + (b[3] - cy), cy - (b[0] - cx)}
				if m[1] == "90" {
					b = [4]float64{cx - (b[3] - cy), cy + (b[0] - cx), cx - (b[1] - cy), cy + (b[2] - cx)}
				}
			}
			fr.text.box = b
			texts = append(texts, *fr.text)
		}
	}
	return w, h, texts, nil
}

// checkTexts fails on a chart text that would be clipped (its box leaves
// the viewBox) or that overlaps another text of the same chart, in every
// SVG of page.
func checkTexts(t tb, page string) int {
	t.Helper()
	n := 0
	for _, svg := range svgRE.FindAllString(page, -1) {
		id := regexp.MustCompile(`id="([^"]*)"`).FindStringSubmatch(svg)
		name := "svg"
		if id != nil {
			name = id[1]
		}
		w, h, texts, err := chartTexts(svg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		const tol = 0.5
		for i, a := range texts {
			n++
			if a.box[0] < -tol || a.box[1] < -tol || a.box[2] > w+tol || a.box[3] > h+tol {
				t.Errorf("%s: text %q at %v leaves the chart (0 0 %v %v): clipped", name, a.s, fmtBox(a.box), w, h)
			}
			for _, b := range texts[i+1:] {
				if a.box[0] < b.box[2]-tol && b.box[0] < a.box[2]-tol && a.box[1] < b.box[3]-tol && b.box[1] < a.box[3]-tol {
					t.Errorf("%s: texts %q %v and %q %v overlap", name, a.s, fmtBox(a.box), b.s, fmtBox(b.box))
				}
			}
		}
	}
	return n
}

func fmtBox(b [4]float64) string {
	r := func(x float64) float64 { return math.Round(x*10) / 10 }
	return fmt.Sprintf("[%v,%v–%v,%v]", r(b[0]), r(b[1]), r(b[2]), r(b[3]))
}

// TestChartTextsGeometry: in every chart of the fixture, the full fixture
// and the bundled scenario's report, no text leaves its chart and no two
// texts overlap.
func TestChartTextsGeometry(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   func(testing.TB) Input
	}{
		{"fixture", func(testing.TB) Input { return fixture() }},
		{"full", func(testing.TB) Input { return fullFixture() }},
		{"bundled", bundledInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if n := checkTexts(t, render(t, tc.in(t))); n < 30 {
				t.Errorf("only %d texts checked", n)
			}
		})
	}
}

// TestChartTextsCheckFails: the check sees a clipped and an overlapping
// label (a check that cannot fail proves nothing).
func TestChartTextsCheckFails(t *testing.T) {
	for _, svg := range []string{
		`<svg viewBox="0 0 100 50"><text x="95" y="20" class="lbl">long label</text></svg>`,
		`<svg viewBox="0 0 200 50"><text x="10" y="20" class="lbl">abc</text><text x="15" y="24" class="tick">def</text></svg>`,
		`<svg viewBox="0 0 200 200"><text x="10" y="100" class="note" transform="rotate(-90 10 100)">a vertical axis label</text></svg>`,
	} {
		rec := &recorder{}
		checkTexts(rec, svg)
		if rec.errs == 0 {
			t.Errorf("no error for %s", svg)
		}
	}
}

type recorder struct{ errs int }

func (r *recorder) Helper()                   {}
func (r *recorder) Errorf(string, ...any)     { r.errs++ }
func (r *recorder) Fatalf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }
