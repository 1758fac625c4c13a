package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

// The Gambit rows of docs/benchmarks.md, run in process through the same
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
}

func BenchmarkGambitRows(b *testing.B) {
	for _, row := range gambitRows {
		b.Run(row.name, func(b *testing.B) {
			for b.Loop() {
				if code := execute(context.Background(), row.args, strings.NewReader(""), io.Discard, io.Discard); code != 0 {
					b.Fatalf("%v: exit %d", row.args, code)
				}
			}
		})
	}
}
