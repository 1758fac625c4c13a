package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestReportGmcr: truce report --gmcr adds the ordinal lens and calls the
// equilibrium's outcome robust only when the lenses agree: on the bundled
// US–Iran bridge they disagree and the summary says "Not robust"; on a
// conflict whose stable states are where the cardinal equilibrium goes
// they agree; a conflict without a bridge is shown but compared with
// nothing; a bridge to another scenario is refused.
func TestReportGmcr(t *testing.T) {
	// The bundled file's case with an equilibrium keeps the leverage
	// section (about 1.5 CPU-s on the clocked game): it is the only report
	// of a clocked game with commitments the tests run, checked against
	// truce commit below. The other cases leave it out. The claims with
	// their own draws: are not what this tests.
	fast := []string{"--draws", "20", "--no-sensitivity", "--sobol-samples", "0", "--audit-draws", "0", "--no-discover", "--hypothesis-draws", "none"}
	for _, tc := range []struct {
		name, scenario, conflict string
		solve                    bool
		code                     int
		want, not                []string
		stdout                   string
	}{
		{"us-iran disagrees", "../../scenarios/us-iran-2026.yaml", "../../examples/gmcr/us-iran-bridge.yaml", true, 0,
			[]string{`<section id="ordinal">`, "<strong>Not robust.</strong>", "most visited state, ", "<strong>The ordinal lens disagrees</strong> with this equilibrium", `href="#ordinal"`},
			[]string{"That verdict holds in both lenses", "The lenses agree"}, "the ordinal lens disagrees: not robust"},
		{"agree", "../../gmcr/bridge/testdata/agree-scenario.yaml", "../../gmcr/bridge/testdata/agree.yaml", true, 0,
			[]string{"That verdict holds in both lenses", "The lenses agree"},
			[]string{"Not robust", "disagree"}, "the ordinal lens agrees"},
		{"no bridge", "../../scenarios/us-iran-2026.yaml", "../../examples/gmcr/us-iran.yaml", false, 0,
			[]string{`<section id="ordinal">`, "has no bridge to this scenario", "compared with no cardinal equilibrium"},
			[]string{"robust", "holds in both"}, "ordinal lens not compared"},
		{"another scenario", "../../examples/two-state.yaml", "../../examples/gmcr/us-iran-bridge.yaml", false, 1, nil, nil, "its bridge ties it to"},
		{"no such conflict", "../../examples/two-state.yaml", "no/such.yaml", false, 1, nil, nil, "no/such.yaml"},
		{"not a conflict", "../../examples/two-state.yaml", "../../examples/two-state.yaml", false, 1, nil, nil, "has errors; nothing was run"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "r.html")
			args := append([]string{"report", tc.scenario, "-o", out, "--gmcr", tc.conflict}, fast...)
			if !tc.solve {
				args = append(args, "--no-solve")
			}
			leverage := tc.solve && strings.Contains(tc.scenario, "us-iran")
			if !leverage {
				args = append(args, "--no-leverage")
			}
			stdout, stderr, code := run(t, args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, stderr)
			}
			if tc.code != 0 {
				if !strings.Contains(stderr, tc.stdout) { // for a failure, what stderr must say
					t.Errorf("stderr does not say why: %s", stderr)
				}
				if _, err := os.Stat(out); err == nil {
					t.Error("a report was written anyway")
				}
				return
			}
			if !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout %q lacks %q", stdout, tc.stdout)
			}
			page := checkPage(t, out, tc.want, tc.not)
			if leverage {
				checkClockedCommitments(t, page, tc.scenario)
			}
		})
	}
}

// checkPage reads the page written at path and fails on each of want it
// lacks and each of not it has (quoting where).
func checkPage(t *testing.T, path string, want, not []string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	for _, w := range not {
		if i := strings.Index(page, w); i >= 0 {
			t.Errorf("page has %q: …%s…", w, page[max(0, i-100):min(len(page), i+60)])
		}
	}
	return page
}

// checkClockedCommitments checks the leverage section of a report of the
// clocked scenario file against truce commit: per leader, the leader's
// value, its value in the selected equilibrium and the commitments the
// search evaluated, and the commitment read by step.
func checkClockedCommitments(t *testing.T, page, file string) {
	t.Helper()
	i := strings.Index(page, `id="leverage"`)
	if i < 0 {
		t.Fatal("no leverage section")
	}
	sec := page[i:]
	if j := strings.Index(sec[1:], "<section"); j > 0 {
		sec = sec[:j+1]
	}
	for _, leader := range []string{"US", "IR"} {
		js, stderr, code := run(t, "commit", file, "--leader", leader, "--format", "json")
		if code != 0 {
			t.Fatal(stderr)
		}
		var c commitJSON
		if err := json.Unmarshal([]byte(js), &c); err != nil {
			t.Fatal(err)
		}
		if c.Clock == 0 || c.EquilibriumLeaderValue == nil {
			t.Fatalf("truce commit --leader %s: clock %d, equilibrium value %v: want a clocked game with a selected equilibrium", leader, c.Clock, c.EquilibriumLeaderValue)
		}
		row := fmt.Sprintf(`<tr><td>%s</td>`, leader)
		k := strings.Index(sec, row)
		if k < 0 {
			t.Fatalf("no commitment row of %s", leader)
		}
		r := sec[k:]
		r = r[:strings.Index(r, "</tr>")]
		// the report prints three significant digits: each cell within
		// half a unit of the third of truce commit's value
		cells := regexp.MustCompile(`<td class="n">([^<]+)</td>`).FindAllStringSubmatch(r, -1)
		if len(cells) < 2 {
			t.Fatalf("%s's commitment row has %d numbers:\n%s", leader, len(cells), r)
		}
		for ci, want := range []float64{c.LeaderValue, *c.EquilibriumLeaderValue} {
			got, err := strconv.ParseFloat(cells[ci][1], 64)
			unit := math.Pow(10, math.Floor(math.Log10(math.Abs(want)))-2)
			if err != nil || math.Abs(got-want) > unit/2 {
				t.Errorf("%s's commitment row: number %d is %s, truce commit says %.6g", leader, ci+1, cells[ci][1], want)
			}
		}
		for _, want := range []string{
			fmt.Sprintf("; %d commitments evaluated", c.Tried),
			"at every step",
		} {
			if !strings.Contains(r, want) {
				t.Errorf("%s's commitment row lacks %q (truce commit: %d tried):\n%s", leader, want, c.Tried, r)
			}
		}
	}
}
