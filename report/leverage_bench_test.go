package report

import (
	"context"
	"os"
	"testing"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/internal/cputime"
	"github.com/truce-dev/truce/scenario"
)

// BenchmarkComputeLeverage is the report's leverage section at central
// values (every actor's best response to every named profile, each
// actor's optimal commitment against the selected equilibrium) on the
// clocked bundled file and on the file before the clock. Run on a shared
// machine with
//
//	go test ./report -run '^$' -bench ComputeLeverage -benchtime 3x
//
// and read cpu-s/op.
func BenchmarkComputeLeverage(b *testing.B) {
	for _, c := range []struct{ name, file string }{
		{"clocked", "../scenarios/us-iran-2026.yaml"},
		{"unclocked", "../scenarios/testdata/us-iran-2026-unclocked.yaml"},
	} {
		b.Run(c.name, func(b *testing.B) {
			src, err := os.ReadFile(c.file)
			if err != nil {
				b.Fatal(err)
			}
			sc, ds := scenario.Parse(c.file, src)
			if sc == nil {
				b.Fatal(ds)
			}
			g, profs, err := sc.Build(sc.Central())
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			sel, err := equilibrium.Solve(ctx, g, equilibrium.Options{})
			if err != nil {
				b.Fatal(err)
			}
			var order []string
			for _, p := range sc.Profiles {
				order = append(order, p.Name)
			}
			cpu0 := cputime.Now().Seconds()
			for b.Loop() {
				if _, err := ComputeLeverage(ctx, sc, g, profs, order, sel, 1); err != nil {
					b.Fatal(err)
				}
			}
			if cpu := cputime.Now().Seconds() - cpu0; cpu > 0 {
				b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
			}
		})
	}
}
