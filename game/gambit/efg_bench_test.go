package gambit

import (
	"bytes"
	"math/big"
	"os"
	"strings"
	"testing"

	"pgregory.net/rapid"
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

// efgParseNumber's shortcut for small fractions gives what big.Int's
// parser gives (the slow path it skips), and refuses what it refuses.
func TestEFGParseFractionShortcut(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		part := rapid.OneOf(
			rapid.StringMatching(`[+-]?[0-9]{1,20}`),
			rapid.SampledFrom([]string{"", "+", "-", "0", "-0", "+0", "007", "999999999999999999", "-999999999999999999", "1000000000000000000", "9223372036854775808", "1e3", "1_0"}),
		)
		s := part.Draw(t, "num") + "/" + part.Draw(t, "den")
		got, ok := efgParseNumber(s)
		// the slow path, as efgParseNumber takes it without the shortcut
		i := strings.IndexByte(s, '/')
		num, ok1 := new(big.Int).SetString(s[:i], 10)
		den, ok2 := new(big.Int).SetString(s[i+1:], 10)
		wantOK := ok1 && ok2 && den.Sign() > 0
		if ok != wantOK {
			t.Fatalf("%q: ok %v, want %v", s, ok, wantOK)
		}
		if ok {
			want := new(big.Rat).SetFrac(num, den)
			if got.Cmp(want) != 0 || got.String() != want.String() {
				t.Fatalf("%q = %v, want %v", s, got, want)
			}
		}
	})
}
