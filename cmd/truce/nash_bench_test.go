package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/truce-dev/truce/internal/cputime"
)

// The Gambit rows of docs/benchmarks.md (all those under 10x as whole
// processes), run in process through the same
// command line a user types (reading the file, solving, printing), without
// the cost of starting a process. scripts/bench-gambit.sh times the
// same rows as whole processes, side by side with Gambit's tools.
var gambitRows = []struct {
	name string
	args []string
}{
	{"SeqLCPArtist2Exact", []string{"nash", efgRef + "gambit-games/artist2.efg", "--method", "lcp", "--rational", "--format", "gambit"}},
	{"SeqLCPArtist2Float", []string{"nash", efgRef + "gambit-games/artist2.efg", "--method", "lcp", "--format", "gambit"}},
	{"Logit10x10x10", []string{"nash", "../../nash/testdata/bench/rand_10x10x10_s3010.nfg", "--method", "logit", "--format", "gambit"}},
	{"EnumMixed6x6With75Exact", []string{"nash", nashRef + "_catalog_journals_dcg_vonstengel1999_6x6_game_with_75_eq.nfg", "--method", "enummixed", "--rational", "--format", "gambit"}},
	{"LCPAllFloat15x15", []string{"nash", "../../nash/testdata/bench/rand_15x15_s2015.nfg", "--method", "lcp", "--all", "--format", "gambit"}},
	{"LCPAllExact10x10", []string{"nash", "../../nash/testdata/bench/rand_10x10_s2010.nfg", "--method", "lcp", "--all", "--rational", "--format", "gambit"}},
	{"LCPOneExact100x100", []string{"nash", "../../nash/testdata/bench/rand_100x100_s2100.nfg", "--method", "lcp", "--rational", "--format", "gambit"}},
	{"EnumPure100x100", []string{"nash", "../../nash/testdata/bench/rand_100x100_s2100.nfg", "--method", "enumpure", "--format", "gambit"}},
	{"GNM10x10x10V3", []string{"nash", "../../nash/testdata/bench/rand_10x10x10_s3010.nfg", "--method", "gnm", "--points", "../../nash/testdata/gnm/rand_10x10x10_s3010.3.pert", "--decimals", "10", "--format", "gambit"}},
	{"IPA10x10x10V3", []string{"nash", "../../nash/testdata/bench/rand_10x10x10_s3010.nfg", "--method", "ipa", "--points", "../../nash/testdata/gnm/rand_10x10x10_s3010.3.pert", "--decimals", "10", "--format", "gambit"}},
	{"IPA5x5x5V2", []string{"nash", "../../nash/testdata/bench/rand_5x5x5_s3005.nfg", "--method", "ipa", "--points", "../../nash/testdata/gnm/rand_5x5x5_s3005.2.pert", "--decimals", "10", "--format", "gambit"}},
	{"IPA10x10x10By32", []string{"nash", "../../nash/testdata/bench/rand_10x10x10_s3010.nfg", "--method", "ipa", "--points", "../../nash/testdata/bench/rand_10x10x10_s3010.ipa32.pert", "--decimals", "10", "--format", "gambit"}},
}

func BenchmarkGambitRows(b *testing.B) {
	for _, row := range gambitRows {
		b.Run(row.name, func(b *testing.B) {
			cpu0 := cputime.Now()
			for b.Loop() {
				if code := execute(context.Background(), row.args, strings.NewReader(""), io.Discard, io.Discard); code != 0 {
					b.Fatalf("%v: exit %d", row.args, code)
				}
			}
			// CPU per run, all threads (the garbage collector's included):
			// on a shared machine the wall time (ns/op) measures the load.
			if cpu := cputime.Now() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
		})
	}
}
