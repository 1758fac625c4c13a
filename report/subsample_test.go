package report

import (
	"bytes"
	"context"
	"html"
	"os"
	"strings"
	"testing"

	"github.com/truce-dev/truce/scenario"
)

// A claim evaluated on a subsample (draws:) shows on how many draws, its
// interval, and "not settled" where the interval spans two verdicts.
func TestReportSubsample(t *testing.T) {
	const file = "../scenario/testdata/subsample.yaml"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sc, ds := scenario.Parse(file, src)
	if sc == nil {
		t.Fatal(ds)
	}
	sc.Hypotheses[2].Draws = 5 // too few to settle anything
	ar, err := scenario.Analyze(context.Background(), sc, scenario.AnalyzeOptions{Draws: 40, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	in := FromScenario(sc, ar)
	var b bytes.Buffer
	if err := Write(&b, in); err != nil {
		t.Fatal(err)
	}
	out := html.UnescapeString(b.String())
	want := ar.Hypotheses[2].SubsampleLine(40)
	if !strings.HasPrefix(want, "on 5 of 40 draws: 95% interval") || !strings.Contains(want, "does not settle") {
		t.Fatalf("H3's line %q", want)
	}
	for _, w := range []string{want, `<span class="verdict mixed">not settled</span>`, ar.Hypotheses[3].SubsampleLine(40)} {
		if !strings.Contains(out, w) {
			t.Errorf("the report lacks %q", w)
		}
	}
}
