package main

import (
	"os"
	"path/filepath"
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
	fast := []string{"--draws", "20", "--no-sensitivity", "--sobol-samples", "0", "--audit-draws", "0", "--no-discover", "--no-leverage"}
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
			checkPage(t, out, tc.want, tc.not)
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
