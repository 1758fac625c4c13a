package audit

import (
	"context"
	"testing"

	"github.com/truce-dev/truce/internal/cputime"
)

// BenchmarkAuditUSIran is `truce audit scenarios/us-iran-2026.yaml`: every
// variant of the bundled file analysed on 200 draws. Target (#13): under a
// minute on 2 cores.
//
//	go test ./audit -run XXX -bench AuditUSIran -benchtime 1x
func BenchmarkAuditUSIran(b *testing.B) {
	benchAudit(b, "../scenarios/us-iran-2026.yaml", 0)
}

// BenchmarkAuditUSIranClock is the demo's construction check on the clocked
// model (scenarios/testdata/us-iran-2026-clock.yaml): every variant on 30
// draws. The variants that vary a strategy reuse the figures of the
// profiles they leave unchanged (scenario.Memo).
//
//	go test ./audit -run XXX -bench AuditUSIranClock -benchtime 1x
func BenchmarkAuditUSIranClock(b *testing.B) {
	benchAudit(b, "../scenarios/testdata/us-iran-2026-clock.yaml", 30)
}

// benchAudit audits the file on draws draws (0: the default), reporting
// the variants tested and the CPU seconds per run.
func benchAudit(b *testing.B, path string, draws int) {
	src := readFile(b, path)
	cpu0 := cputime.Now()
	var tested int
	for b.Loop() {
		rep, err := Run(context.Background(), path, src, Options{Draws: draws, Seed: 1, Workers: 2})
		if err != nil {
			b.Fatal(err)
		}
		tested = rep.Tested
	}
	b.ReportMetric(float64(tested), "variants")
	if cpu := (cputime.Now() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
	}
}
