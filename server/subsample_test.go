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

// The workbench's report of an analysis run draws the reach curves'
// 5–95% band as truce report does: the same numbers as the analysis.
func TestAnalysisInputReachBand(t *testing.T) {
	const file = "../scenario/testdata/uncertain.yaml"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sc, ds := scenario.Parse(file, src)
	if sc == nil {
		t.Fatal(ds)
	}
	ar, err := scenario.Analyze(context.Background(), sc, scenario.AnalyzeOptions{Draws: 60, Seed: 1})
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
