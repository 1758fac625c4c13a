package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/truce-dev/truce/audit"
	"github.com/truce-dev/truce/report"
	"github.com/truce-dev/truce/scenarios"
)

// keptAuditJSON is the form of scenarios/us-iran-2026.audit.json.
func keptAuditJSON(r *audit.Report) ([]byte, error) {
	b, err := json.MarshalIndent(r, "", " ")
	return append(b, '\n'), err
}

// TestDemoAuditCache runs the bundled scenario's construction audit afresh,
// with the settings of the copy the demo shows (`truce audit
// scenarios/us-iran-2026.yaml`: 200 draws, seed 1), and fails when the
// kept copy differs: the demo may then not show it as that command's
// result. TRUCE_UPDATE_AUDIT=1 rewrites the copy instead (after a change
// that moves the audit's numbers on purpose; review the diff).
func TestDemoAuditCache(t *testing.T) {
	fresh, err := audit.Run(context.Background(), scenarios.USIran2026Name, scenarios.USIran2026(),
		audit.Options{Draws: scenarios.USIran2026AuditDraws, Seed: scenarios.USIran2026AuditSeed})
	if err != nil {
		t.Fatal(err)
	}
	want, err := keptAuditJSON(fresh)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("TRUCE_UPDATE_AUDIT") != "" {
		if err := os.WriteFile(filepath.Join("..", "..", "scenarios", "us-iran-2026.audit.json"), want, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Skip("rewrote scenarios/us-iran-2026.audit.json; rebuild and rerun without TRUCE_UPDATE_AUDIT")
	}
	kept := scenarios.USIran2026Audit()
	if !bytes.Equal(kept, want) {
		t.Fatalf("scenarios/us-iran-2026.audit.json is not what the audit gives now (%d bytes against %d): rerun with TRUCE_UPDATE_AUDIT=1 go test ./cmd/truce -run TestDemoAuditCache and review the diff", len(kept), len(want))
	}
	// What the demo reads back from the copy is what the fresh run says:
	// the report's audit section is the same, field for field.
	var back audit.Report
	if err := json.Unmarshal(kept, &back); err != nil {
		t.Fatal(err)
	}
	var a, b report.Input
	report.AddAudit(&a, fresh)
	report.AddAudit(&b, &back)
	ja, _ := json.Marshal(a.Audit)
	jb, _ := json.Marshal(b.Audit)
	if !bytes.Equal(ja, jb) {
		t.Errorf("the report's audit section from the kept copy differs from the fresh run's:\n%s\n%s", jb, ja)
	}
	if scenarios.USIran2026AuditDraws != audit.DefaultDraws {
		t.Errorf("the kept audit has %d draws, truce audit's default %d: the demo would not show what the plain command gives", scenarios.USIran2026AuditDraws, audit.DefaultDraws)
	}
	if fresh.Tested < 50 {
		t.Errorf("the audit tested %d variants of the bundled file; it varies every element", fresh.Tested)
	}
}

// TestDemoShowsKeptAudit: the demo with its default settings shows the
// kept audit, says it is kept and not run now, and puts it in the report;
// with another seed it says the audit was not run.
func TestDemoShowsKeptAudit(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo.html")
	stdout, stderr, code := runTruce(t, "", "demo", "--draws", "20", "--points", "2", "--no-discover", "-o", out)
	if code != 0 {
		t.Fatalf("demo exited %d: %s", code, stderr)
	}
	line := regexp.MustCompile(`(?m)^Construction check \((\d+) variants of the file, 200 draws each; kept from truce audit scenarios/us-iran-2026.yaml --draws 200 --seed 1, not run now\): .*a verdict changed by \d+ variants?`).FindStringSubmatch(stdout)
	if line == nil {
		t.Fatalf("summary lacks the kept audit's line:\n%s", stdout)
	}
	var kept audit.Report
	if err := json.Unmarshal(scenarios.USIran2026Audit(), &kept); err != nil {
		t.Fatal(err)
	}
	if line[1] != strconv.Itoa(kept.Tested) {
		t.Errorf("summary says %s variants, the kept audit tested %d", line[1], kept.Tested)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte("kept from `truce audit scenarios/us-iran-2026.yaml --draws 200 --seed 1`, not run now")) {
		t.Error("the report's audit section does not say it is the kept run")
	}
	stdout, stderr, code = runTruce(t, "", "demo", "--draws", "20", "--points", "2", "--no-discover", "--seed", "2", "-o", out)
	if code != 0 {
		t.Fatalf("demo --seed 2 exited %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Construction check: not run here") || strings.Contains(stdout, "kept from truce audit") {
		t.Errorf("with --seed 2 the kept audit (seed 1) must not be shown:\n%s", stdout)
	}
}
