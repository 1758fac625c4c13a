package scenarios_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/truce-dev/truce/audit"
	"github.com/truce-dev/truce/report"
	"github.com/truce-dev/truce/scenarios"
)

// TestKeptAudit runs afresh the construction audit the demo shows from a
// kept run (us-iran-2026.audit.json, embedded as USIran2026Audit), with the
// settings of `truce audit scenarios/us-iran-2026.yaml` (200 draws, seed
// 1), and fails when the kept copy differs: the demo could then not show
// it as that command's result. TRUCE_UPDATE_AUDIT=1 rewrites the copy
// instead (after a change that moves its numbers on purpose; review the
// diff). It lives here, beside the copy, rather than with the demo in
// cmd/truce: it is the suite's longest single run (about 75 CPU-s) and
// each package has its own time budget under go test.
func TestKeptAudit(t *testing.T) {
	fresh, err := audit.Run(context.Background(), scenarios.USIran2026Name, scenarios.USIran2026(),
		audit.Options{Draws: scenarios.USIran2026AuditDraws, Seed: scenarios.USIran2026AuditSeed})
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.MarshalIndent(fresh, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	kept := scenarios.USIran2026Audit()
	if os.Getenv("TRUCE_UPDATE_AUDIT") != "" {
		if err := os.WriteFile("us-iran-2026.audit.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Skip("rewrote scenarios/us-iran-2026.audit.json; rerun without TRUCE_UPDATE_AUDIT")
	}
	if !bytes.Equal(kept, want) {
		t.Fatalf("scenarios/us-iran-2026.audit.json is not what the audit gives now (%d bytes against %d): rerun with TRUCE_UPDATE_AUDIT=1 go test ./scenarios -run TestKeptAudit and review the diff", len(kept), len(want))
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
