package gambit

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkReadEFGArtist2 reads the sequence-form benchmark tree of
// docs/benchmarks.md's seqlcp rows (8.5 kB, the Gambit catalogue's
// artist2.efg).
func BenchmarkReadEFGArtist2(b *testing.B) {
	src, err := os.ReadFile("../../nash/testdata/efg/gambit-games/artist2.efg")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadEFG("artist2.efg", bytes.NewReader(src)); err != nil {
			b.Fatal(err)
		}
	}
}
