package report

import (
	"context"
	"encoding/xml"
	"io"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/truce-dev/truce/audit"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/sensitivity"
	"pgregory.net/rapid"
)

func parseTestFile(t testing.TB, path string) (*scenario.Scenario, []byte) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc, ds := scenario.Parse(path, src)
	if sc == nil {
		t.Fatal(ds)
	}
	return sc, src
}

// fataler is what checkSVGs needs of a *testing.T or *rapid.T.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// checkSVGs fails on an SVG that is not well-formed XML, lacks its
// accessible title or has non-finite numbers.
func checkSVGs(t fataler, out string) int {
	t.Helper()
	svgs := svgRE.FindAllString(out, -1)
	for _, s := range svgs {
		dec := xml.NewDecoder(strings.NewReader(s))
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("SVG not well-formed: %v\n%.300s", err, s)
			}
		}
		if !strings.Contains(s, `role="img"`) || !strings.Contains(s, "<title") || !strings.Contains(s, "aria-labelledby") {
			t.Fatalf("SVG lacks accessible title: %.200s", s)
		}
		if strings.Contains(s, "NaN") || strings.Contains(s, "Inf") {
			t.Fatalf("SVG has non-finite coordinates: %.200s", s)
		}
	}
	return len(svgs)
}

// The global sections from real results: Sobol bars with whiskers for each
// claim, PRIM boxes with their trade-off curves, and the audit tables with
// file:line:col.
func TestGlobalSections(t *testing.T) {
	ctx := context.Background()
	in := Input{Title: "global"}
	sc, _ := parseTestFile(t, "../sensitivity/testdata/ishigami.yaml")
	m, err := sensitivity.NewScenarioModel(sc, sensitivity.ScenarioModelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sr, err := sensitivity.Sobol(ctx, m, sensitivity.SobolOptions{N: 256, Seed: 1, Bootstrap: 100})
	if err != nil {
		t.Fatal(err)
	}
	AddGlobal(&in, sr, m.IsHypothesis)
	box, _ := parseTestFile(t, "../sensitivity/testdata/planted-box.yaml")
	dr, err := sensitivity.Discover(ctx, box, sensitivity.DiscoverOptions{Draws: 600, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	AddDiscoveries(&in, dr)
	_, src := parseTestFile(t, "../audit/testdata/planted.yaml")
	ar, err := audit.Run(ctx, "planted.yaml", src, audit.Options{Draws: 30, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	AddAudit(&in, ar)
	out := render(t, in)
	checkSelfContained(t, out)
	if n := checkSVGs(t, out); n != 2 {
		t.Errorf("%d SVGs, want 2 (H1's Sobol bars, H1's trade-off)", n)
	}
	for _, want := range []string{`id="global"`, `id="discovery"`, `id="audit"`, `data-chart="sobol"`, `data-chart="prim"`,
		"planted.yaml:62:9", "planted.yaml:38:5", "restates payoffs", "supported → rejected", "≤ a ≤"} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Three parameters with a total index: two bars and two whiskers each.
	if n := strings.Count(out, `class="ci"`); n != 6 {
		t.Errorf("%d interval whiskers, want 6", n)
	}
	if strings.Contains(out, "ZgotmplZ") {
		t.Error("html/template rejected a value")
	}
	// The value output is not a claim: it has no chart of its own.
	if strings.Contains(out, `Sobol indices of value(`) {
		t.Error("a non-claim output was charted")
	}
}

// Whatever the numbers (NaN, ±Inf, outside [0, 1]) and names, the global
// sections render well-formed SVG without non-finite coordinates.
func TestGlobalAnyInput(t *testing.T) {
	num := rapid.OneOf(rapid.Float64Range(-2, 2), rapid.SampledFrom([]float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, 1}))
	name := rapid.StringMatching(`[a-z<>&"' ]{1,10}`)
	rapid.Check(t, func(t *rapid.T) {
		in := Input{Title: "x", Global: &Global{Method: name.Draw(t, "method")}}
		for k := rapid.IntRange(0, 3).Draw(t, "outputs"); k > 0; k-- {
			o := GlobalOutput{Output: name.Draw(t, "out"), Hypothesis: rapid.Bool().Draw(t, "hyp"), Mean: num.Draw(t, "mean")}
			for j := rapid.IntRange(0, 10).Draw(t, "params"); j > 0; j-- {
				o.Indices = append(o.Indices, GlobalIndex{Param: name.Draw(t, "p"), First: num.Draw(t, "f"), Total: num.Draw(t, "t"),
					FirstCI: [2]float64{num.Draw(t, "f0"), num.Draw(t, "f1")}, TotalCI: [2]float64{num.Draw(t, "t0"), num.Draw(t, "t1")}})
			}
			in.Global.Outputs = append(in.Global.Outputs, o)
		}
		for k := rapid.IntRange(0, 2).Draw(t, "disc"); k > 0; k-- {
			d := Discovery{Hypothesis: name.Draw(t, "h"), Box: name.Draw(t, "box"), Share: num.Draw(t, "s"), Coverage: num.Draw(t, "c"),
				Density: num.Draw(t, "d"), Chosen: rapid.IntRange(-1, 3).Draw(t, "chosen")}
			for j := rapid.IntRange(0, 4).Draw(t, "pts"); j > 0; j-- {
				d.Tradeoff = append(d.Tradeoff, [2]float64{num.Draw(t, "x"), num.Draw(t, "y")})
			}
			in.Discoveries = append(in.Discoveries, d)
		}
		var b strings.Builder
		if err := Write(&b, in); err != nil {
			t.Fatal(err)
		}
		checkSVGs(t, b.String())
	})
}
