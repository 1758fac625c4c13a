package main

import (
	"encoding/json"
	"html"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The selected equilibrium is the same in solve, analyze, report and demo
// (#14): all four use equilibrium.Solve's default rule and search the set
// the same way, so on the bundled US–Iran scenario, whose set has two
// outcomes 56.6 apart in the US's value, they agree on the values of the
// selected one and on the one-line summary of the set. (Before, the demo
// and report selected with value iteration and showed the other one.)
func TestSelectionSameEverywhere(t *testing.T) {
	// The scenario before #17: its equilibrium set is quick to search (the
	// rebuilt one takes minutes on a shared machine for the runs below).
	const file = "../../scenarios/testdata/us-iran-2026-v1.yaml"
	// solve at central values
	out, errs, code := run(t, "solve", "--format", "json", file)
	if code != 0 {
		t.Fatalf("solve exited %d: %s", code, errs)
	}
	var sol struct {
		Values map[string]map[string]float64 `json:"values"`
		Set    struct {
			Summary string `json:"summary"`
			Found   int    `json:"found"`
			Spread  float64
		} `json:"equilibrium_set"`
	}
	if err := json.Unmarshal([]byte(out), &sol); err != nil {
		t.Fatal(err)
	}
	us, ir := sol.Values["US"]["truce"], sol.Values["IR"]["truce"]
	if sol.Set.Found < 2 || !strings.Contains(sol.Set.Summary, "differ by up to") {
		t.Fatalf("solve found %d equilibria: %q", sol.Set.Found, sol.Set.Summary)
	}
	close4 := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 5e-4*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: %.6g, solve's selected equilibrium %.6g", what, got, want)
		}
	}

	// analyze: the set at central values, and the selected equilibrium on
	// draw 0, which solve --draws 2 also solves first
	out, errs, code = run(t, "analyze", "--profile", "equilibrium", "--draws", "1", "--format", "json", file)
	if code != 0 {
		t.Fatalf("analyze exited %d: %s", code, errs)
	}
	var an struct {
		Profiles map[string]struct {
			Value map[string]struct {
				Total struct{ Mean float64 } `json:"total"`
			} `json:"value"`
			Set struct {
				Summary string `json:"summary"`
			} `json:"equilibrium_set"`
		} `json:"profiles"`
	}
	if err := json.Unmarshal([]byte(out), &an); err != nil {
		t.Fatal(err)
	}
	if got := an.Profiles["equilibrium"].Set.Summary; got != "at central values: "+sol.Set.Summary+" (seed 1)" {
		t.Errorf("analyze's set %q, solve's %q", got, sol.Set.Summary)
	}
	out, errs, code = run(t, "solve", "--format", "json", "--draws", "2", "--starts", "0", file)
	if code != 0 {
		t.Fatalf("solve --draws 2 exited %d: %s", code, errs)
	}
	var draws struct {
		Draws []struct {
			Values map[string]map[string]float64 `json:"values"`
		} `json:"draws"`
	}
	if err := json.Unmarshal([]byte(out), &draws); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"US", "IR"} {
		close4("analyze draw 0, "+a, an.Profiles["equilibrium"].Value[a].Total.Mean, draws.Draws[0].Values[a]["truce"])
	}

	// report at central values
	page := filepath.Join(t.TempDir(), "r.html")
	if _, errs, code := run(t, "report", file, "--draws", "10", "--no-sensitivity", "-o", page); code != 0 {
		t.Fatalf("report exited %d: %s", code, errs)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	text := html.UnescapeString(string(b))
	m := regexp.MustCompile(`Values from truce: IR (\S+)\. US (\S+)\.`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("report shows no values of the selected equilibrium")
	}
	for i, want := range []float64{ir, us} {
		got, _ := strconv.ParseFloat(m[i+1], 64)
		if math.Abs(got-want) > 0.05*math.Max(1, math.Abs(want)) { // the report rounds to 3 digits
			t.Errorf("report value %s, solve %.6g", m[i+1], want)
		}
	}
	if !strings.Contains(text, "Equilibrium set: "+sol.Set.Summary+" (seed 1).") {
		t.Errorf("report's set line differs from solve's %q", sol.Set.Summary)
	}

	// demo: it always runs the bundled scenario, whose set it searches
	// from demoStarts starts; solve with the same starts selects and finds
	// the same.
	const bundled = "../../scenarios/us-iran-2026.yaml"
	out, errs, code = run(t, "solve", "--format", "json", "--starts", strconv.Itoa(demoStarts), bundled)
	if code != 0 {
		t.Fatalf("solve of the bundled scenario exited %d: %s", code, errs)
	}
	var bsol struct {
		Values      map[string]map[string]float64 `json:"values"`
		BeforeClock []struct {
			Step   int                           `json:"step"`
			Values map[string]map[string]float64 `json:"values"`
		} `json:"before_clock"`
		Set struct {
			Summary string `json:"summary"`
		} `json:"equilibrium_set"`
	}
	if err := json.Unmarshal([]byte(out), &bsol); err != nil {
		t.Fatal(err)
	}
	stdout, errs, code := run(t, "demo", "--draws", "10", "--points", "2", "--audit-draws", "0", "-o", filepath.Join(t.TempDir(), "d.html"))
	if code != 0 {
		t.Fatalf("demo exited %d: %s", code, errs)
	}
	dm := regexp.MustCompile(`values from truce: US (\S+), IR (\S+)\n\s+equilibrium set: (.*) \(seed 1\):`).FindStringSubmatch(stdout)
	if dm == nil {
		t.Fatalf("demo shows no selected equilibrium:\n%s", stdout)
	}
	// The demo gives the values from the start, at step 0 of the clock.
	if len(bsol.BeforeClock) == 0 || bsol.BeforeClock[0].Step != 0 {
		t.Fatalf("solve gives no values at step 0 of the bundled scenario's clock")
	}
	start := bsol.BeforeClock[0].Values
	for i, want := range []float64{start["US"]["truce"], start["IR"]["truce"]} {
		got, _ := strconv.ParseFloat(dm[i+1], 64)
		close4("demo", got, want)
	}
	if dm[3] != bsol.Set.Summary {
		t.Errorf("demo's set %q, solve's %q", dm[3], bsol.Set.Summary)
	}
}
