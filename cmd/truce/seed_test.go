package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
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

// TestReportCredibilityMatchesSolve: the report's credibility summary over
// draws counts each profile's decision points as truce solve --draws
// reports them on the same draws and seed (credible in >= 90%, <= 10% or
// in between).
func TestReportCredibilityMatchesSolve(t *testing.T) {
	const f = "../../examples/crises/audience-costs.yaml"
	out, errs, code := runTruce(t, "", "solve", f, "--draws", "30", "--progress", "none")
	if code != 0 {
		t.Fatalf("solve: %d %s", code, errs)
	}
	want := map[string][3]int{} // profile/actor/kind -> mostly, between, rarely
	prof := ""
	re := regexp.MustCompile(`^  (\w+)\s+(\w+): .* credible in (\d+)% of 30 draws`)
	for _, l := range strings.Split(out[strings.Index(out, "Credibility across"):], "\n") {
		if p, ok := strings.CutPrefix(l, "profile "); ok {
			prof = strings.TrimSuffix(p, ":")
			continue
		}
		m := re.FindStringSubmatch(l)
		if m == nil || prof == "equilibrium" {
			continue
		}
		k := prof + "/" + m[2] + "/" + m[1]
		c := want[k]
		switch pct, _ := strconv.Atoi(m[3]); {
		case pct >= 90:
			c[0]++
		case pct <= 10:
			c[2]++
		default:
			c[1]++
		}
		want[k] = c
	}
	if len(want) < 4 {
		t.Fatalf("read only %v from solve:\n%s", want, out)
	}
	html := filepath.Join(t.TempDir(), "r.html")
	if _, errs, code := runTruce(t, "", "report", f, "-o", html, "--draws", "30", "--no-sensitivity", "--no-solve",
		"--sobol-samples", "0", "--no-discover", "--audit-draws", "0"); code != 0 {
		t.Fatalf("report: %d %s", code, errs)
	}
	page, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][3]int{}
	row := regexp.MustCompile(`<tr><td>(\w+)</td><td>(\w+)</td><td>(\w+)</td><td class="n">\d+</td><td class="n">(\d+)</td><td class="n">(\d+)</td><td class="n">(\d+)</td></tr>`)
	for _, m := range row.FindAllStringSubmatch(string(page), -1) {
		a, _ := strconv.Atoi(m[4])
		b, _ := strconv.Atoi(m[5])
		c, _ := strconv.Atoi(m[6])
		got[m[1]+"/"+m[2]+"/"+m[3]] = [3]int{a, b, c}
	}
	if !strings.Contains(string(page), "Over the first 30 parameter draws of the analysis (seed 1)") || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("report's credibility over draws %v, solve's %v", got, want)
	}
}
