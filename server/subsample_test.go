package server

import (
	"context"
	"os"
	"testing"

	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/store"
)

// The workbench's report of an analysis run says, for a hypothesis with
// draws:, what truce analyze says: on how many draws, the interval, and
// "not settled" when the interval spans two verdicts.
func TestAnalysisInputSubsample(t *testing.T) {
	const file = "../scenario/testdata/subsample.yaml"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sc, ds := scenario.Parse(file, src)
	if sc == nil {
		t.Fatal(ds)
	}
	sc.Hypotheses[2].Draws = 5
	ar, err := scenario.Analyze(context.Background(), sc, scenario.AnalyzeOptions{Draws: 40, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	js, err := ar.JSON()
	if err != nil {
		t.Fatal(err)
	}
	in, ok := analysisInput(store.Run{ID: "r1", Kind: "analyze", Result: js})
	if !ok {
		t.Fatal("not read as an analysis")
	}
	for h, want := range map[int]string{0: "", 2: ar.Hypotheses[2].SubsampleLine(40), 3: ar.Hypotheses[3].SubsampleLine(40)} {
		if got := in.Hypotheses[h].Subsample; got != want || (h > 0 && got == "") {
			t.Errorf("%s: %q, want %q", in.Hypotheses[h].ID, got, want)
		}
	}
	if in.Hypotheses[2].Verdict != "not settled" {
		t.Errorf("H3's verdict reads %q, want not settled", in.Hypotheses[2].Verdict)
	}
}
