package server

import (
	"context"
	"os"
	"testing"

	"github.com/truce-dev/truce/report"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/store"
)

// The workbench's report of an analysis run says, for a hypothesis with
// draws:, what truce analyze says: on how many draws, the interval, and
// "not settled" when the interval spans two verdicts.
func TestAnalysisInputSubsample(t *testing.T) {
	ar, in := analyzeAndRead(t, "../scenario/testdata/subsample.yaml", 40, func(sc *scenario.Scenario) { sc.Hypotheses[2].Draws = 5 })
	for h, want := range map[int]string{0: "", 2: ar.Hypotheses[2].SubsampleLine(40), 3: ar.Hypotheses[3].SubsampleLine(40)} {
		if got := in.Hypotheses[h].Subsample; got != want || (h > 0 && got == "") {
			t.Errorf("%s: %q, want %q", in.Hypotheses[h].ID, got, want)
		}
	}
	if in.Hypotheses[2].Verdict != "not settled" {
		t.Errorf("H3's verdict reads %q, want not settled", in.Hypotheses[2].Verdict)
	}
}

// The workbench's report of an analysis run draws the reach curves'
// 5–95% band as truce report does: the same numbers as the analysis.
func TestAnalysisInputReachBand(t *testing.T) {
	ar, in := analyzeAndRead(t, "../scenario/testdata/uncertain.yaml", 60, nil)
	bands := 0
	for _, p := range in.Profiles {
		want := ar.Profiles[p.Name]
		if want.ReachLo == nil {
			continue
		}
		if p.ReachBandDraws != want.ReachBandDraws || p.ReachLo == nil {
			t.Fatalf("%s: band over %d draws, want %d", p.Name, p.ReachBandDraws, want.ReachBandDraws)
		}
		for s, lo := range want.ReachLo {
			hi := want.ReachHi[s]
			for i := range lo {
				if p.ReachLo[s][i] != float64(lo[i]) || p.ReachHi[s][i] != float64(hi[i]) {
					t.Fatalf("%s %s step %d: band [%v, %v], want [%v, %v]", p.Name, s, i, p.ReachLo[s][i], p.ReachHi[s][i], lo[i], hi[i])
				}
			}
			bands++
		}
	}
	if bands == 0 {
		t.Fatal("no profile has a band: the test scenario must have distributions")
	}
}

// analyzeAndRead analyses file (after edit, when given) on draws draws with
// seed 1 and reads the JSON back as the workbench's report reads a run.
func analyzeAndRead(t *testing.T, file string, draws int, edit func(*scenario.Scenario)) (*scenario.AnalysisReport, report.Input) {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sc, ds := scenario.Parse(file, src)
	if sc == nil {
		t.Fatal(ds)
	}
	if edit != nil {
		edit(sc)
	}
	ar, err := scenario.Analyze(context.Background(), sc, scenario.AnalyzeOptions{Draws: draws, Seed: 1})
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
	return ar, in
}
