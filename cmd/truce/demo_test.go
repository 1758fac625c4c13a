package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/scenarios"
)

// TestDemo runs `truce demo` with few draws: the summary lists every
// hypothesis with a verdict and support share, and the report is written
// with every kind of chart.
func TestDemo(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo.html")
	// Every step at its smallest (40 draws, 3 points on the 4 parameters
	// most rank-correlated with the claims, Sobol N = 4, audit on 2 draws)
	// keeps the test quick on the clocked scenario; the numbers are not
	// the demo's, the summary's and the report's structure is.
	demo := []string{"demo", "--draws", "40", "--points", "3", "--sweep-top", "4", "--sobol-samples", "4", "--audit-draws", "2", "-o"}
	stdout, stderr, code := runTruce(t, "", append(demo, out)...)
	if code != 0 {
		t.Fatalf("demo exited %d: %s", code, stderr)
	}
	sc, _ := scenario.Parse(scenarios.USIran2026Name, scenarios.USIran2026())
	for _, h := range sc.Hypotheses {
		re := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(h.ID) + `\s+(supported|uncertain|rejected)(→(supported|uncertain|rejected))?\s+\d+\.\d% → +\d+\.\d%`)
		if h.Draws > 0 {
			// The claims with their own draws: come from the kept run,
			// before the record only, with the interval of their share.
			re = regexp.MustCompile(`(?m)^  E1–E4, over the equilibrium set, before the record only \(share of ` + strconv.Itoa(h.Draws) + ` draws .*[:·] ` +
				regexp.QuoteMeta(h.ID) + ` (supported|uncertain|rejected|not settled) \d+\.\d% \[\d+(\.\d)?–\d+(\.\d)?%\]( ·|$)`)
		}
		if !re.MatchString(stdout) {
			t.Errorf("summary lacks %s with verdict and share:\n%s", h.ID, stdout)
		}
	}
	for _, want := range []string{"What each verdict hangs on (Sobol total index", "equilibrium set: ", "nearest break-even among the 4 of 63 parameters swept (those most rank-correlated with the claims; truce sensitivity scenarios/us-iran-2026.yaml sweeps all)",
		"Construction check: 1 fixed number decides H1", "The record, 2026-04-13 to 2026-06-01 (8 weeks of scenarios/us-iran-2019-2026.csv)",
		"sanctions_intr 1.00", "Where the model parts from the article", ". What it says: the selected equilibrium is the two sides driving each other to war",
		"Where it parts from the article: its \"a comprehensive conflict does not erupt for now\" fails in the selected equilibrium (war within the year 100%)", "walk-away        (walkaway_intr) US: withdraw after IR: intransigent in truce"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	// War is the bundled scenario's only ending and no path avoids it for
	// ever, so "eventually 100%" would say nothing: the no-horizon line
	// gives the expected week of war instead, apart from the year's line.
	if !regexp.MustCompile(`(?m)^  baseline +52 weeks +\d+\.\d% \[`).MatchString(stdout) ||
		!regexp.MustCompile(`(?m)^ +no horizon +certain, expected in week \d+ \[\d+–\d+\] +0% never ends`).MatchString(stdout) {
		t.Errorf("endings table lacks the year's line or the no-horizon line with the expected week of war:\n%s", stdout)
	}
	if m := regexp.MustCompile(`(?m)^.*[ \t]$`).FindString(stdout); m != "" {
		t.Errorf("summary line ends in white space (tabwriter padding): %q", m)
	}
	if strings.Contains(stdout, "eventually  100%") {
		t.Errorf("endings table still prints an uninformative 'eventually 100%%':\n%s", stdout)
	}
	if n := strings.Count(stdout, "\n"); n > 40 {
		t.Errorf("summary is %d lines; it should fit one screen", n)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"states", "endings", "reach", "value", "tornado"} {
		if !strings.Contains(string(page), `data-chart="`+kind+`"`) {
			t.Errorf("report lacks a %s chart", kind)
		}
	}
	for _, sec := range []string{`id="equilibrium"`, `id="credibility"`, `id="hypotheses"`, `id="sensitivity"`, `id="global"`, `id="discovery"`, `id="audit"`} {
		if !strings.Contains(string(page), sec) {
			t.Errorf("report lacks section %s", sec)
		}
	}
	// same seed, same bytes
	out2 := filepath.Join(t.TempDir(), "demo.html")
	if _, stderr, code := runTruce(t, "", append(demo, out2, "--workers", "1")...); code != 0 {
		t.Fatalf("second demo exited %d: %s", code, stderr)
	}
	page2, _ := os.ReadFile(out2)
	if string(page) != string(page2) {
		t.Error("demo report differs between runs with the same seed (and different --workers)")
	}
	stdout, _, code = runTruce(t, "", "demo", "--print-scenario")
	if code != 0 || stdout != string(scenarios.USIran2026()) {
		t.Error("--print-scenario does not print the bundled file")
	}
}

func TestReportCmd(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "chicken.html")
	stdout, stderr, code := runTruce(t, "", "report", "../../examples/crises/chicken.yaml", "-o", out, "--draws", "10")
	if code != 0 {
		t.Fatalf("report exited %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "wrote "+out) {
		t.Errorf("stdout %q", stdout)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `data-chart="endings"`) || !strings.Contains(string(page), "crash_rare") {
		t.Error("chicken report lacks endings chart or hypotheses")
	}
	tests := []struct {
		args []string
		want string
		code int
	}{
		{[]string{"report", "../../examples/crises/chicken.yaml"}, "-o FILE is required", codeUsage},
		{[]string{"report", "no/such.yaml", "-o", filepath.Join(dir, "x.html")}, "no such file", codeFailure},
		{[]string{"report", "../../examples/crises/chicken.yaml", "-o", filepath.Join(dir, "x.html"), "--draws", "0"}, `invalid argument "0" for "--draws" flag: out of range: want 1 to`, codeUsage},
		{[]string{"report", "../../examples/crises/chicken.yaml", "-o", filepath.Join(dir, "no", "such", "dir", "x.html")}, "writing", codeFailure},
		{[]string{"report", "../../examples/crises/chicken.yaml", "-o", "../../examples/crises/chicken.yaml"}, "refusing to write ../../examples/crises/chicken.yaml: it is the input", codeFailure},
	}
	for _, tc := range tests {
		_, stderr, code := runTruce(t, "", tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: code %d, stderr %q, want %q", tc.args, code, stderr, tc.want)
		}
	}
}

func TestSensitivityCmd(t *testing.T) {
	stdout, stderr, code := runTruce(t, "", "sensitivity", "../../examples/crises/audience-costs.yaml", "--points", "5")
	if code != 0 {
		t.Fatalf("sensitivity exited %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "flips when audience_cost > 1 (rejected → supported)") {
		t.Errorf("text output lacks the audience-cost break-even:\n%s", stdout)
	}
	stdout, stderr, code = runTruce(t, "", "sensitivity", "../../scenarios/us-iran-2026.yaml", "--hypothesis", "H12",
		"--output", `reach("war", 52, "baseline")`, "--format", "json", "--points", "5")
	if code != 0 {
		t.Fatalf("sensitivity json exited %d: %s", code, stderr)
	}
	var js struct {
		Central struct {
			Shares map[string]float64 `json:"holds_share"`
		} `json:"central"`
		Tornadoes []struct {
			Output string `json:"output"`
		} `json:"tornadoes"`
		BreakEvens []struct {
			Hypothesis string `json:"hypothesis"`
			Text       string `json:"text"`
		} `json:"break_evens"`
	}
	if err := json.Unmarshal([]byte(stdout), &js); err != nil {
		t.Fatalf("json: %v\n%s", err, stdout)
	}
	if len(js.Central.Shares) != 1 {
		t.Errorf("--hypothesis H12: shares for %v", js.Central.Shares)
	}
	if len(js.Tornadoes) != 1 || js.Tornadoes[0].Output != `reach("war", 52, "baseline")` {
		t.Errorf("tornadoes %+v", js.Tornadoes)
	}
	for _, b := range js.BreakEvens {
		if b.Hypothesis != "H12" || !strings.HasPrefix(b.Text, "H12 flips when ") {
			t.Errorf("break-even %+v", b)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"sensitivity", "../../scenarios/us-iran-2026.yaml", "--hypothesis", "H99"}, `no hypothesis "H99"`, codeFailure},
		{[]string{"sensitivity", "../../scenarios/us-iran-2026.yaml", "--output", "war"}, "want reach", codeFailure},
		{[]string{"sensitivity", "../../scenarios/us-iran-2026.yaml", "--points", "1"}, `"--points" flag: out of range: want 2 to`, codeUsage},
		{[]string{"sensitivity", "../../scenarios/us-iran-2026.yaml", "--format", "xml"}, `"--format" flag: want text or json`, codeUsage},
	} {
		_, stderr, code := runTruce(t, "", tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: code %d, stderr %q, want %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestSolveCentralBudget: with no time to solve, the report says so
// instead of printing a non-equilibrium.
func TestSolveCentralBudget(t *testing.T) {
	sc, _ := scenario.Parse(scenarios.USIran2026Name, scenarios.USIran2026())
	g, _, err := sc.Build(sc.Central())
	if err != nil {
		t.Fatal(err)
	}
	sp := solveCentral(context.Background(), g, sc.Horizon, "equilibrium", time.Nanosecond, 1, 2)
	if sp.err == nil && (sp.res == nil || !sp.res.Converged) {
		t.Fatalf("no error and no converged result: %+v", sp)
	}
	sp = solveCentral(context.Background(), g, sc.Horizon, "equilibrium", 30*time.Second, 1, 2)
	if sp.err != nil || !sp.res.Converged || sp.an == nil {
		t.Fatalf("central equilibrium: %v", sp.err)
	}
	sum := 0.0
	for s := range sc.States {
		sum += sp.an.AtHorizon[s]
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("equilibrium analysis: at-horizon probabilities sum to %v", sum)
	}
}

// TestDemoSaysWhatItLeftOut: the summary of a demo run without the
// audit (another seed than the kept audit's) says that the construction
// check was not run (and how to run it), and that the break-evens were
// searched on some parameters only, and that the claims over the
// equilibrium set were not run, so that nothing left out reads as
// evaluated. TestDemoShowsKeptAudit covers the default, the kept audit.
func TestDemoSaysWhatItLeftOut(t *testing.T) {
	sc, ds := scenario.Parse(scenarios.USIran2026Name, scenarios.USIran2026())
	if sc == nil {
		t.Fatal(ds)
	}
	left := sc.SkipSubsampled()
	res := &pipelineResult{sc: sc, ar: &scenario.AnalysisReport{}, global: &globalResult{}, swept: []string{"ir_probe", "p_isr"}, sweepable: 63}
	var b strings.Builder
	writeDemoClaims(&b, res, nil, demoCostly{left: left})
	writeDemoGlobal(&b, res)
	for _, want := range []string{
		"nearest break-even, others central among the 2 of 63 parameters swept (those most rank-correlated with the claims; truce sensitivity scenarios/us-iran-2026.yaml sweeps all)",
		"Construction check: not run here (it analyses every variant of the file, several times the rest of the demo): truce audit scenarios/us-iran-2026.yaml, or truce demo --audit-draws 30",
		"  E1–E4, over the equilibrium set: not run here (solving and searching the equilibria, and the commitments, of each of 20 draws costs more than the rest of the demo; their kept run is for the default --seed and --draws): truce demo --set-claims runs them\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
	if f := newDemoCmd().Flags(); f.Lookup("audit-draws").DefValue != "0" || f.Lookup("sweep-top").DefValue != strconv.Itoa(demoSweepTop) {
		t.Errorf("demo defaults: --audit-draws %s, --sweep-top %s", f.Lookup("audit-draws").DefValue, f.Lookup("sweep-top").DefValue)
	}
}

// TestMostCorrelated: the demo's sweep takes the parameters with the
// largest absolute rank correlation with any claim (quantities and
// undefined correlations rank nothing), largest first.
func TestMostCorrelated(t *testing.T) {
	ar := &scenario.AnalysisReport{RankCorrelations: &scenario.RankCorrelations{Draws: 10, Parameters: []string{"a", "b", "c", "d"},
		Outputs: []scenario.RankCorrOutput{
			{Output: "H1", Kind: "hypothesis", Spearman: []scenario.Number{0.1, -0.5, scenario.Number(math.NaN()), 0}},
			{Output: "H2", Kind: "hypothesis", Spearman: []scenario.Number{0.3, 0.2, scenario.Number(math.NaN()), 0}},
			{Output: `reach("war", 52, "baseline")`, Kind: "quantity", Spearman: []scenario.Number{0, 0, 0.9, 0}},
		}}}
	top, of := mostCorrelated(ar, 2)
	if strings.Join(top, ",") != "b,a" || of != 4 {
		t.Errorf("mostCorrelated = %v of %d, want [b a] of 4", top, of)
	}
	if top, _ := mostCorrelated(&scenario.AnalysisReport{}, 2); top != nil {
		t.Errorf("no rank correlations: %v", top)
	}
}
