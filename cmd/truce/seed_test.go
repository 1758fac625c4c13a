package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/scenario"
)

// TestOneDefaultSeed: every command with --seed defaults to the same seed.
func TestOneDefaultSeed(t *testing.T) {
	n := 0
	walk(newRootCmd(), func(c *cobra.Command) {
		if f := c.LocalFlags().Lookup("seed"); f != nil {
			n++
			if f.DefValue != strconv.FormatUint(scenario.DefaultSeed, 10) {
				t.Errorf("%s --seed defaults to %s, want %d", c.CommandPath(), f.DefValue, scenario.DefaultSeed)
			}
		}
	})
	if n < 5 {
		t.Errorf("only %d commands have --seed", n)
	}
}

// TestReportMatchesAnalyze: with default flags, the report shows the same
// figures as analyze (same draws, same seed), and both say which seed.
func TestReportMatchesAnalyze(t *testing.T) {
	const f = "../../scenario/testdata/uncertain.yaml"
	out, errs, code := runTruce(t, "", "analyze", f, "--format", "json")
	if code != 0 {
		t.Fatalf("analyze: %d %s", code, errs)
	}
	var ar struct {
		Seed     uint64 `json:"seed"`
		Profiles map[string]struct {
			Endings map[string]struct {
				Within struct{ Mean, Lo, Hi float64 } `json:"within_horizon"`
			} `json:"endings"`
		} `json:"profiles"`
		Hypotheses []struct {
			ID    string  `json:"id"`
			Share float64 `json:"holds_share"`
		} `json:"hypotheses"`
	}
	if err := json.Unmarshal([]byte(out), &ar); err != nil {
		t.Fatal(err)
	}
	html := filepath.Join(t.TempDir(), "r.html")
	if _, errs, code := runTruce(t, "", "report", f, "-o", html, "--no-sensitivity", "--no-solve"); code != 0 {
		t.Fatalf("report: %d %s", code, errs)
	}
	page, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	pct := func(x float64) string { return strconv.FormatFloat(100*x, 'f', 1, 64) }
	w := ar.Profiles["baseline"].Endings["war"].Within
	for _, want := range []string{
		fmt.Sprintf("seed %d", ar.Seed),
		fmt.Sprintf("%s%% [%s–%s%%]", pct(w.Mean), pct(w.Lo), pct(w.Hi)),
		pct(ar.Hypotheses[0].Share) + "%",
	} {
		if !strings.Contains(string(page), want) {
			t.Errorf("report lacks %q, which analyze gives", want)
		}
	}
	if ar.Seed != scenario.DefaultSeed {
		t.Errorf("analyze used seed %d by default", ar.Seed)
	}
}

// TestSeedPrinted: every text output that used random draws names the seed.
func TestSeedPrinted(t *testing.T) {
	const f = "../../scenario/testdata/uncertain.yaml"
	for _, args := range [][]string{
		{"analyze", f, "--draws", "20"},
		{"simulate", f, "--runs", "50"},
		{"solve", "../../examples/crises/audience-costs.yaml", "--draws", "2"},
		{"sensitivity", f, "--draws", "3", "--points", "3"},
	} {
		out, errs, code := runTruce(t, "", args...)
		if code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, errs)
			continue
		}
		if !strings.Contains(out, "seed 1") {
			t.Errorf("%v does not print its seed:\n%s", args, out)
		}
	}
}
