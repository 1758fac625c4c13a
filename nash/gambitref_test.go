package nash

import (
	"bufio"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/game/gambit"
)

// grefGame is one reference game in testdata/gambit with Gambit's outputs.
type grefGame struct {
	name string
	g    *game.Strategic
}

func grefGames(t testing.TB) []grefGame {
	t.Helper()
	files, err := filepath.Glob("testdata/gambit/*.nfg")
	if err != nil || len(files) == 0 {
		t.Fatalf("no reference games in testdata/gambit: %v", err)
	}
	var out []grefGame
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		g, err := gambit.ReadNFG(f, fh)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, grefGame{filepath.Base(f), g})
	}
	return out
}

// grefOutput reads Gambit's NE lines for game name and method as exact
// profiles; ok is false when Gambit has no such output.
func grefOutput(t testing.TB, name, method string) ([][]*big.Rat, bool) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata/gambit", name+"."+method+".out"))
	if err != nil {
		return nil, false
	}
	defer f.Close()
	var out [][]*big.Rat
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "NE,") {
			continue
		}
		var prof []*big.Rat
		for _, s := range strings.Split(line[3:], ",") {
			r, ok := new(big.Rat).SetString(s)
			if !ok {
				t.Fatalf("%s.%s.out: bad number %q", name, method, s)
			}
			prof = append(prof, r)
		}
		out = append(out, prof)
	}
	return out, true
}

// grefSet returns the sorted distinct keys of exact profiles.
func grefSet(profs [][]*big.Rat) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range profs {
		k := ratKey(p)
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// grefSameSet reports whether got and want hold the same profiles.
func grefSameSet(t *testing.T, what string, got, want [][]*big.Rat) {
	t.Helper()
	g, w := grefSet(got), grefSet(want)
	if strings.Join(g, "\n") != strings.Join(w, "\n") {
		t.Errorf("%s: got %d distinct profiles, Gambit %d\n got:\n  %s\n want:\n  %s", what, len(g), len(w),
			strings.Join(g, "\n  "), strings.Join(w, "\n  "))
	}
}

// grefClose reports whether every float profile is within tol of some
// exact profile and the other way round.
func grefClose(float [][]float64, exact [][]*big.Rat, tol float64) bool {
	near := func(a []float64, b []*big.Rat) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			f, _ := b[i].Float64()
			if math.Abs(a[i]-f) > tol {
				return false
			}
		}
		return true
	}
	for _, a := range float {
		found := false
		for _, b := range exact {
			if near(a, b) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	for _, b := range exact {
		found := false
		for _, a := range float {
			if near(a, b) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// grefScale is the payoff range of g: float regrets are checked relative to
// it (regret <= 1e-9 on payoffs rescaled to [0,1]), as a game with payoffs
// in the millions cannot be solved to 1e-9 in absolute terms in float64.
func grefScale(g *game.Strategic) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range g.Payoffs {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return math.Max(1, hi-lo)
}
