package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"regexp"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

var svgRE = regexp.MustCompile(`(?s)<svg .*?</svg>`)

// TestWriteAnyInput: whatever the names (markup characters included) and
// numbers (NaN, ±Inf, huge, negative), Write succeeds, every SVG is
// well-formed XML without non-finite attributes, and names are escaped.
func TestWriteAnyInput(t *testing.T) {
	num := rapid.OneOf(
		rapid.Float64Range(-1e6, 1e6),
		rapid.Float64Range(0, 1),
		rapid.SampledFrom([]float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, 1e300, -1e-300}),
	)
	// Probabilities are in [0, 1] or undefined (the Input's contract);
	// other figures may be anything.
	prob := rapid.OneOf(rapid.Float64Range(0, 1), rapid.SampledFrom([]float64{math.NaN(), 0, 1}))
	name := rapid.StringMatching(`[a-z<>&"' ]{1,12}`)
	iv := func(t *rapid.T, label string) Interval {
		return Interval{Mean: num.Draw(t, label+".mean"), Lo: num.Draw(t, label+".lo"), Hi: num.Draw(t, label+".hi")}
	}
	piv := func(t *rapid.T, label string) Interval {
		return Interval{Mean: prob.Draw(t, label+".mean"), Lo: prob.Draw(t, label+".lo"), Hi: prob.Draw(t, label+".hi")}
	}
	rapid.Check(t, func(t *rapid.T) {
		states := rapid.SliceOfNDistinct(name, 1, 6, func(s string) string { return s }).Draw(t, "states")
		actors := rapid.SliceOfNDistinct(name, 1, 3, func(s string) string { return s }).Draw(t, "actors")
		comps := rapid.SliceOfNDistinct(name, 0, 3, func(s string) string { return s }).Draw(t, "comps")
		in := Input{Title: name.Draw(t, "title"), Period: name.Draw(t, "period")}
		for i, s := range states {
			in.States = append(in.States, State{ID: s, Initial: i == 0, Terminal: rapid.Bool().Draw(t, "terminal")})
		}
		for _, a := range actors {
			in.Actors = append(in.Actors, Actor{ID: a, Discount: num.Draw(t, "disc")})
		}
		for _, c := range comps {
			in.Components = append(in.Components, Component{Name: c})
		}
		for k := rapid.IntRange(0, 8).Draw(t, "edges"); k > 0; k-- {
			in.Edges = append(in.Edges, Edge{From: rapid.SampledFrom(states).Draw(t, "from"), To: rapid.SampledFrom(states).Draw(t, "to")})
		}
		for k := rapid.IntRange(0, 3).Draw(t, "profiles"); k > 0; k-- {
			p := Profile{Name: name.Draw(t, "profile"), Absorb: map[string]Interval{}, Reach: map[string][]float64{}, Value: map[string]ActorValue{}}
			for _, s := range states {
				p.Absorb[s] = piv(t, "absorb")
				p.Reach[s] = rapid.SliceOfN(prob, 0, 5).Draw(t, "reach")
			}
			for _, a := range actors {
				v := ActorValue{Total: iv(t, "total"), Components: map[string]Interval{}}
				for _, c := range comps {
					v.Components[c] = iv(t, "comp")
				}
				p.Value[a] = v
			}
			in.Profiles = append(in.Profiles, p)
		}
		for k := rapid.IntRange(0, 2).Draw(t, "tornadoes"); k > 0; k-- {
			tn := Tornado{Output: name.Draw(t, "output"), Base: num.Draw(t, "base")}
			for j := rapid.IntRange(0, 4).Draw(t, "bars"); j > 0; j-- {
				tn.Bars = append(tn.Bars, TornadoBar{Param: name.Draw(t, "param"), ParamLo: num.Draw(t, "plo"), ParamHi: num.Draw(t, "phi"),
					OutAtLo: num.Draw(t, "alo"), OutAtHi: num.Draw(t, "ahi"), OutMin: num.Draw(t, "min"), OutMax: num.Draw(t, "max")})
			}
			in.Tornadoes = append(in.Tornadoes, tn)
		}
		in.Hypotheses = []Hypothesis{{ID: name.Draw(t, "hid"), Claim: name.Draw(t, "claim"), HoldsShare: prob.Draw(t, "share"), Verdict: name.Draw(t, "verdict")}}
		var b bytes.Buffer
		if err := Write(&b, in); err != nil {
			t.Fatalf("Write: %v", err)
		}
		out := b.String()
		for _, s := range svgRE.FindAllString(out, -1) {
			dec := xml.NewDecoder(strings.NewReader(s))
			for {
				_, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("SVG not well-formed: %v", err)
				}
			}
			if m := regexp.MustCompile(`="[^"]*(NaN|Inf)[^"]*"`).FindString(s); m != "" {
				t.Fatalf("non-finite attribute in SVG: %s", m)
			}
		}
		checkTexts(t, out)
		for _, s := range svgRE.FindAllString(out, -1) {
			for _, m := range regexp.MustCompile(`>([^<]*)</text>`).FindAllStringSubmatch(s, -1) {
				if strings.Contains(m[1], "NaN") || strings.Contains(m[1], "Inf") {
					t.Fatalf("chart text %q", m[1])
				}
			}
		}
		if strings.Contains(out, "ZgotmplZ") {
			t.Fatal("html/template rejected a value (ZgotmplZ)")
		}
		if strings.Contains(out, "<script") {
			t.Fatal("script in output")
		}
	})
}
