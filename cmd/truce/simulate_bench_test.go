package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/truce-dev/truce/internal/cputime"
	"github.com/truce-dev/truce/internal/simbench"
	"github.com/truce-dev/truce/scenario"
)

// simBenchFile writes the Monte Carlo benchmark scenario of the performance
// issue (50 states × 3 actors × 4 actions, horizon 1000) and returns its
// path and the number of steps its 20,000 paths take at seed 1.
func simBenchFile(b *testing.B) (string, int64) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "mc50x3x4.yaml")
	src := simbench.Scenario()
	if err := os.WriteFile(path, src, 0o644); err != nil {
		b.Fatal(err)
	}
	sc, ds := scenario.Parse(path, src)
	if sc == nil {
		b.Fatal(ds)
	}
	rep, err := scenario.Simulate(context.Background(), sc, scenario.SimulateOptions{Runs: simbench.Runs, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	return path, rep.Stats.Steps
}

// BenchmarkSimulateCommand: `truce simulate` on the benchmark scenario,
// 20,000 paths, the whole command in process (reading, building, the exact
// figures, the paths, printing); steps per CPU-second compare with
// BenchmarkCLoop in internal/simbench (the C loop doing only the paths):
//
//	go test ./cmd/truce -run '^$' -bench SimulateCommand -benchtime 5x
//	go test ./internal/simbench -run '^$' -bench CLoop -benchtime 5x
func BenchmarkSimulateCommand(b *testing.B) {
	path, steps := simBenchFile(b)
	for _, w := range []int{1, 2} {
		b.Run("workers="+strconv.Itoa(w), func(b *testing.B) {
			args := []string{"simulate", path, "--runs", strconv.Itoa(simbench.Runs), "--workers", strconv.Itoa(w)}
			b.ReportAllocs()
			cpu0 := cputime.Now()
			for b.Loop() {
				if code := execute(context.Background(), args, strings.NewReader(""), io.Discard, io.Discard); code != 0 {
					b.Fatalf("%v: exit %d", args, code)
				}
			}
			if cpu := (cputime.Now() - cpu0).Seconds(); cpu > 0 {
				b.ReportMetric(float64(steps)*float64(b.N)/cpu, "steps/cpu-s")
				b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
			}
		})
	}
}
