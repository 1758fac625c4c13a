package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/truce-dev/truce/store"
)

// TestReportEvidence: with a record, the report carries the retrodiction
// per profile; with resolved forecasts in the ledger it scores them (the
// Brier score checked by hand) and draws the reliability diagram; without
// a ledger it opens none and creates none.
func TestReportEvidence(t *testing.T) {
	const sc, rec = "../../examples/evidence/truce-watch.yaml", "../../examples/evidence/truce-watch.csv"
	fast := []string{"--draws", "50", "--no-sensitivity", "--sobol-samples", "0", "--audit-draws", "0", "--no-discover", "--no-solve"}
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "xdg")) // no default ledger

	db := "sqlite:" + filepath.Join(dir, "ledger.db")
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	// An analyst's four forecasts, two of which came true: Brier
	// ((0.8−1)² + (0.2−0)² + (0.6−0)² + (0.4−1)²)/4 = 0.2, and one open.
	for i, f := range []struct {
		p   float64
		yes *bool
	}{{0.8, ptr(true)}, {0.2, ptr(false)}, {0.6, ptr(false)}, {0.4, ptr(true)}, {0.5, nil}} {
		fc, err := st.AddForecast(context.Background(), store.Forecast{Scenario: "truce-watch", Question: `event("strike", 4)`, AsOfStep: 2 * i, ClosesStep: 2*i + 4, Probability: f.p, Source: "analyst:desk"})
		if err != nil {
			t.Fatal(err)
		}
		if f.yes != nil {
			if err := st.ResolveForecast(context.Background(), fc.ID, *f.yes, "test"); err != nil {
				t.Fatal(err)
			}
		}
	}
	st.Close()

	for _, tc := range []struct {
		name      string
		args      []string
		want, not []string
	}{
		{"record and ledger", []string{"--record", rec, "--db", db},
			[]string{`<section id="evidence">`, "truce-watch.csv, 26 rows to 2026-06-29", "<td>restraint</td>", "<td>hawkish</td>",
				"4 resolved forecasts for this scenario in the ledger (ledger.db), 1 still open",
				`<td>analyst:desk</td><td class="n">4</td><td class="n">0.200</td>`, "reliability diagram", "most probable under"},
			[]string{"NaN", dir}},
		{"history only", nil,
			[]string{`<section id="evidence">`, "the scenario&#39;s history, 1 row to 2026-01-05", "<td>restraint</td>"},
			[]string{"Forecasts scored", "reliability diagram"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, "r.html")
			args := append(append([]string{"report", sc, "-o", out}, fast...), tc.args...)
			_, stderr, code := run(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			checkPage(t, out, tc.want, tc.not)
		})
	}
	// A record that does not fit fails before the analysis, with where.
	_, stderr, code := run(t, "report", "../../examples/two-state.yaml", "-o", filepath.Join(dir, "bad.html"), "--record", rec)
	if code != 1 || !strings.Contains(stderr, "truce-watch.csv:3:1:") {
		t.Errorf("a record without a calendar: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.html")); err == nil {
		t.Error("a report was written for a bad record")
	}
	if _, err := os.Stat(filepath.Join(dir, "xdg")); err == nil {
		t.Error("the report created the default ledger")
	}
}

func ptr[T any](v T) *T { return &v }
