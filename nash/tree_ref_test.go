package nash

import (
	"bufio"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/game/gambit"
)

// treeRefDir holds Gambit's example trees and outputs (see
// testdata/efg/README.md); tests skip when it is absent.
const treeRefDir = "testdata/efg"

// treeRefCase is one .efg with one of Gambit's outputs for it.
type treeRefCase struct {
	name   string // e.g. _catalog_books_x.efg
	efg    string // path to the game
	out    string // path to the output
	errMsg string // Gambit's error, if it failed
	failed bool   // Gambit failed or ran out of time (no equilibria listed)
	ne     [][]*big.Rat
}

func treeRefCases(t *testing.T, method string) []treeRefCase {
	t.Helper()
	outs, _ := filepath.Glob(filepath.Join(treeRefDir, "gambit-outputs", "*.efg."+method+".out"))
	if len(outs) == 0 {
		t.Skip("reference outputs not found at " + treeRefDir)
	}
	var cases []treeRefCase
	for _, o := range outs {
		base := strings.TrimSuffix(filepath.Base(o), "."+method+".out")
		rel := base
		if strings.HasPrefix(base, "_") {
			// sub-folders had "/" replaced by "_"; find the file
			rel = treeRefFind(base)
		}
		c := treeRefCase{name: base, efg: filepath.Join(treeRefDir, "gambit-games", rel), out: o}
		f, err := os.Open(o)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if line == "timeout/err" {
				c.failed = true
			}
			if strings.HasPrefix(line, "Error:") {
				c.errMsg = line
			}
			if !strings.HasPrefix(line, "NE,") {
				continue
			}
			var row []*big.Rat
			for _, s := range strings.Split(line[3:], ",") {
				r, ok := new(big.Rat).SetString(s)
				if !ok {
					t.Fatalf("%s: bad number %q", o, s)
				}
				row = append(row, r)
			}
			c.ne = append(c.ne, row)
		}
		f.Close()
		cases = append(cases, c)
	}
	return cases
}

// treeRefFind maps "_a_b_c.efg" back to a path under gambit-games by
// trying each "_" as a separator against the files that exist.
func treeRefFind(base string) string {
	var found string
	root := filepath.Join(treeRefDir, "gambit-games")
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if strings.ReplaceAll(rel, "/", "_") == base && strings.HasPrefix(base, "_") {
			found = rel
		}
		return nil
	})
	if found == "" {
		return base
	}
	return found
}

func treeLoad(t testing.TB, path string) *game.Tree {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr, err := gambit.ReadEFG(path, f)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func treeFlat(p [][]*big.Rat) []*big.Rat {
	var out []*big.Rat
	for _, r := range p {
		out = append(out, r...)
	}
	return out
}

func treeSameRats(a, b []*big.Rat) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Cmp(b[i]) != 0 {
			return false
		}
	}
	return true
}

func treeRatsString(a []*big.Rat) string {
	s := make([]string, len(a))
	for i, v := range a {
		s[i] = v.RatString()
	}
	return strings.Join(s, ",")
}
