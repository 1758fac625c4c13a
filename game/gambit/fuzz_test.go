package gambit

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadNFG checks that no input makes the reader panic or hang, that
// every error carries a file:line:col position, and that whatever it
// accepts can be written and read back to the same game.
func FuzzReadNFG(f *testing.F) {
	files, _ := filepath.Glob("../../nash/testdata/gambit/*.nfg")
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil && len(src) < 4096 {
			f.Add(src)
		}
	}
	f.Add([]byte("NFG 1 R \"x\" { \"a\" \"b\" } { 2 2 }\n1/2 -3 .5 1e2 0 0 7 8"))
	f.Add([]byte("NFG 1 D \"x\" { \"a\" } { { \"s\\\"1\" \"s2\" } } \"c\"\n{ { \"o\" 1, } }\n1 0"))
	// the limits of issue 11: a byte-order mark, spreads beyond float64,
	// labels Gambit would refuse or rename
	f.Add([]byte("\ufeffNFG 1 R \"x\" { \"a\" \"a\" } { { \"\" \"\" } { \"s\\\\\" } }\n1.7e308 -1.7e308 0 1e-320"))
	f.Fuzz(func(t *testing.T, src []byte) {
		g, err := ReadNFG("fuzz.nfg", bytes.NewReader(src))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.nfg:") {
				t.Fatalf("error without position: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := WriteNFG(&buf, g); err != nil {
			t.Fatalf("cannot write an accepted game: %v", err)
		}
		if _, err := gambitReadNFG(buf.Bytes()); err != nil {
			t.Fatalf("Gambit would refuse or rename what truce wrote: %v\n%s", err, buf.String())
		}
		h, err := ReadNFG("again.nfg", &buf)
		if err != nil {
			t.Fatalf("cannot reread: %v\n%s", err, buf.String())
		}
		for i := range g.Payoffs {
			if g.Payoffs[i] != h.Payoffs[i] || g.Exact()[i].Cmp(h.Exact()[i]) != 0 {
				t.Fatalf("payoff %d changed: %v -> %v", i, g.Exact()[i], h.Exact()[i])
			}
		}
	})
}
