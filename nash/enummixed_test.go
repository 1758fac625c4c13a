package nash

import (
	"bufio"
	"context"
	"fmt"
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

const mixedData = "testdata/mixed"

// loadNFG reads a Gambit .nfg file with game/gambit's reader.
func loadNFG(t testing.TB, path string) *game.Strategic {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := gambit.ReadNFG(path, f)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// gambitProfiles reads Gambit's NE,... lines as exact rationals.
func gambitProfiles(t *testing.T, path string) [][]*big.Rat {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]*big.Rat
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "NE,") {
			continue
		}
		var prof []*big.Rat
		for _, s := range strings.Split(line[3:], ",") {
			r, ok := new(big.Rat).SetString(s)
			if !ok {
				t.Fatalf("%s: bad number %q", path, s)
			}
			prof = append(prof, r)
		}
		out = append(out, prof)
	}
	return out
}

func ratKey(p []*big.Rat) string {
	s := make([]string, len(p))
	for i, r := range p {
		s[i] = r.RatString()
	}
	return strings.Join(s, ",")
}

func flatExact(e Equilibrium) []*big.Rat {
	var out []*big.Rat
	for _, p := range e.Exact {
		out = append(out, p...)
	}
	return out
}

func flatFloat(e Equilibrium) []float64 {
	var out []float64
	for _, p := range e.Profile {
		out = append(out, p...)
	}
	return out
}

// twoPlayerGames lists the copied Gambit games with an enummixed output.
func twoPlayerGames(t *testing.T) []string {
	t.Helper()
	outs, err := filepath.Glob(filepath.Join(mixedData, "gambit", "*.nfg.enummixed.out"))
	if err != nil || len(outs) == 0 {
		t.Fatalf("no reference outputs: %v", err)
	}
	var names []string
	for _, o := range outs {
		names = append(names, strings.TrimSuffix(filepath.Base(o), ".enummixed.out"))
	}
	sort.Strings(names)
	return names
}

func TestEnumMixedMatchesGambit(t *testing.T) {
	names := twoPlayerGames(t)
	if len(names) < 44 {
		t.Fatalf("only %d reference games", len(names))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			g := loadNFG(t, filepath.Join(mixedData, "games", name))
			want := gambitProfiles(t, filepath.Join(mixedData, "gambit", name+".enummixed.out"))
			wantSet := map[string]bool{}
			for _, w := range want {
				wantSet[ratKey(w)] = true
			}

			res, err := EnumMixed(context.Background(), g, Options{Rational: true})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Complete {
				t.Fatalf("incomplete: %s", res.Reason)
			}
			got := map[string]bool{}
			for _, e := range res.Equilibria {
				k := ratKey(flatExact(e))
				if got[k] {
					t.Errorf("duplicate equilibrium %s", k)
				}
				got[k] = true
				if !wantSet[k] {
					t.Errorf("extra equilibrium %s", k)
				}
				if e.Regret != 0 {
					t.Errorf("exact equilibrium %s has regret %g", k, e.Regret)
				}
			}
			for k := range wantSet {
				if !got[k] {
					t.Errorf("missing equilibrium %s", k)
				}
			}

			fres, err := EnumMixed(context.Background(), g, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(fres.Equilibria) != len(wantSet) {
				t.Errorf("float mode: %d equilibria, want %d", len(fres.Equilibria), len(wantSet))
			}
			used := make([]bool, len(fres.Equilibria))
			for _, w := range want {
				wf := make([]float64, len(w))
				for i, r := range w {
					wf[i], _ = r.Float64()
				}
				found := false
				for i, e := range fres.Equilibria {
					if !used[i] && maxDiff(flatFloat(e), wf) <= 1e-9 {
						used[i], found = true, true
						break
					}
				}
				if !found && !isDuplicate(want, w) {
					t.Errorf("float mode misses %s", ratKey(w))
				}
			}
			for _, e := range fres.Equilibria {
				if e.Regret > 1e-9*payoffRange(g) {
					t.Errorf("float equilibrium %v has regret %g", e.Profile, e.Regret)
				}
			}
		})
	}
}

// isDuplicate reports whether w occurs more than once in list (Gambit may
// print a vertex pair twice; the float matching above consumes one each).
func isDuplicate(list [][]*big.Rat, w []*big.Rat) bool {
	n := 0
	for _, v := range list {
		if ratKey(v) == ratKey(w) {
			n++
		}
	}
	return n > 1
}

func maxDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

func payoffRange(g *game.Strategic) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range g.Payoffs {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if hi <= lo {
		return 1
	}
	return hi - lo
}

func TestEnumMixedStopsOnTimeout(t *testing.T) {
	g := loadNFG(t, filepath.Join(mixedData, "rand_15x15_s2015.nfg"))
	ctx, cancel := context.WithTimeout(context.Background(), -1)
	defer cancel()
	for _, rational := range []bool{false, true} {
		res, err := EnumMixed(ctx, g, Options{Rational: rational})
		if err != nil {
			t.Fatal(err)
		}
		if res.Complete || res.Reason != "time limit reached" {
			t.Errorf("rational=%v: complete=%v reason %q", rational, res.Complete, res.Reason)
		}
		if res.Stats["vertices1"] >= 22552 {
			t.Errorf("walked all %v vertices after the deadline", res.Stats["vertices1"])
		}
	}
}

func TestEnumMixedErrors(t *testing.T) {
	g3 := loadNFG(t, filepath.Join(mixedData, "games", "g1.nfg"))
	if _, err := EnumMixed(context.Background(), g3, Options{}); err == nil {
		t.Error("3-player game accepted")
	}
	g := loadNFG(t, filepath.Join(mixedData, "games", "pd.nfg"))
	g.SetPayoffFloat(0, 0, 0.1)
	if _, err := EnumMixed(context.Background(), g, Options{Rational: true}); err == nil {
		t.Error("--rational accepted a game with float payoffs")
	}
	if _, err := EnumMixed(context.Background(), g, Options{}); err != nil {
		t.Errorf("float mode on a float game: %v", err)
	}
}

func TestEnumMixedVonStengel75(t *testing.T) {
	g := loadNFG(t, filepath.Join(mixedData, "games", "_catalog_journals_dcg_vonstengel1999_6x6_game_with_75_eq.nfg"))
	res, err := EnumMixed(context.Background(), g, Options{Rational: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Equilibria) != 75 || res.Stats["components"] != 75 {
		t.Fatalf("%d equilibria in %v components, want 75 isolated ones", len(res.Equilibria), res.Stats["components"])
	}
}

// The 3×3 degenerate game deg1 has a connected component of equilibria
// through the vertex (0,0,1) of player 1; components group such equilibria.
func TestEnumMixedComponents(t *testing.T) {
	g := loadNFG(t, filepath.Join(mixedData, "games", "deg1.nfg"))
	res, err := EnumMixed(context.Background(), g, Options{Rational: true})
	if err != nil {
		t.Fatal(err)
	}
	comp := map[string]int{}
	for _, e := range res.Equilibria {
		comp[ratKey(flatExact(e))] = e.Component
	}
	same := func(a, b string) bool { return comp[a] == comp[b] }
	// (0,0,1) against (1,0,0), (1/2,1/2,0) and (0,0,1) form one component.
	if !same("0,0,1,1,0,0", "0,0,1,1/2,1/2,0") || !same("0,0,1,1,0,0", "0,0,1,0,0,1") {
		t.Errorf("components %v", comp)
	}
	// and (1/2,1/2,0) against (0,0,1) links it to (1,0,0) against (0,0,1).
	if !same("0,0,1,0,0,1", "1/2,1/2,0,0,0,1") || !same("1,0,0,0,0,1", "1/2,1/2,0,0,0,1") {
		t.Errorf("components %v", comp)
	}
}

func ExampleEnumMixed() {
	// Battle of the sexes: two pure equilibria and one mixed.
	g, _ := game.NewStrategic([]string{"She", "He"}, [][]string{{"Opera", "Fight"}, {"Opera", "Fight"}})
	pay := [][3]int64{{0, 3, 2}, {1, 0, 0}, {2, 0, 0}, {3, 2, 3}} // profile, her payoff, his
	for _, p := range pay {
		g.SetPayoff(int(p[0]), 0, big.NewRat(p[1], 1))
		g.SetPayoff(int(p[0]), 1, big.NewRat(p[2], 1))
	}
	res, _ := EnumMixed(context.Background(), g, Options{Rational: true})
	for _, e := range res.Equilibria {
		for _, strategy := range e.Exact {
			for _, p := range strategy {
				fmt.Print(p.RatString(), " ")
			}
			fmt.Print("| ")
		}
		fmt.Println("component", e.Component)
	}
	// Output:
	// 1 0 | 1 0 | component 0
	// 3/5 2/5 | 2/5 3/5 | component 1
	// 0 1 | 0 1 | component 2
}

// TestEnumMixedManyLabels runs a 2×64 game, whose 66 labels no longer fit
// in one machine word, in both arithmetics.
func TestEnumMixedManyLabels(t *testing.T) {
	strats := [][]string{{"a", "b"}, make([]string, 64)}
	for j := range strats[1] {
		strats[1][j] = fmt.Sprint(j)
	}
	g, err := game.NewStrategic([]string{"1", "2"}, strats)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < g.NumProfiles(); k++ {
		g.SetPayoff(k, 0, big.NewRat(int64((k*37)%11), 1))
		g.SetPayoff(k, 1, big.NewRat(int64((k*53)%13), 1))
	}
	ex, err := EnumMixed(context.Background(), g, Options{Rational: true})
	if err != nil {
		t.Fatal(err)
	}
	fl, err := EnumMixed(context.Background(), g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Equilibria) == 0 || len(ex.Equilibria) != len(fl.Equilibria) {
		t.Fatalf("exact %d, float %d equilibria", len(ex.Equilibria), len(fl.Equilibria))
	}
	for i, e := range ex.Equilibria {
		if r, _ := g.ExactRegret(e.Exact); r.Sign() != 0 {
			t.Errorf("regret %s", r.RatString())
		}
		if d := maxDiff(flatFloat(e), flatFloat(fl.Equilibria[i])); d > 1e-9 {
			t.Errorf("equilibrium %d: float differs by %g", i, d)
		}
	}
	for _, pe := range pureEquilibria(g) {
		found := false
		for _, e := range ex.Equilibria {
			found = found || e.Exact[0][pe[0]].Cmp(big.NewRat(1, 1)) == 0 && e.Exact[1][pe[1]].Cmp(big.NewRat(1, 1)) == 0
		}
		if !found {
			t.Errorf("pure equilibrium %v missing", pe)
		}
	}
}

// TestEnumMixedRandomGamesFloatMatchesExact runs the benchmark games up to
// 12×12 in both arithmetics: the same equilibria within 1e-9, with the
// counts Gambit reports (gambit-timings.md).
func TestEnumMixedRandomGamesFloatMatchesExact(t *testing.T) {
	for _, c := range []struct {
		file string
		want int
	}{{"rand_5x5_s2005.nfg", 1}, {"rand_10x10_s2010.nfg", 15}, {"rand_12x12_s2012.nfg", 17}} {
		g := loadNFG(t, filepath.Join(mixedData, c.file))
		ex, err := EnumMixed(context.Background(), g, Options{Rational: true})
		if err != nil {
			t.Fatal(err)
		}
		fl, err := EnumMixed(context.Background(), g, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ex.Equilibria) != c.want || len(fl.Equilibria) != c.want {
			t.Errorf("%s: exact %d, float %d equilibria, want %d", c.file, len(ex.Equilibria), len(fl.Equilibria), c.want)
			continue
		}
		for i := range ex.Equilibria {
			if d := maxDiff(flatFloat(ex.Equilibria[i]), flatFloat(fl.Equilibria[i])); d > 1e-9 {
				t.Errorf("%s: equilibrium %d differs by %g", c.file, i, d)
			}
			if ex.Equilibria[i].Component != fl.Equilibria[i].Component {
				t.Errorf("%s: equilibrium %d in component %d exact, %d float", c.file, i, ex.Equilibria[i].Component, fl.Equilibria[i].Component)
			}
		}
	}
}
