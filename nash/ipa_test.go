package nash

import (
	"errors"
	"reflect"

	"pgregory.net/rapid"

	"context"
	"github.com/truce-dev/truce/game"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ipaGame finds the game of a testdata/gnm reference file.
func ipaGame(t *testing.T, base string) string {
	t.Helper()
	game := filepath.Join("testdata/gambit", base+".nfg")
	if _, err := os.Stat(game); err != nil {
		game = filepath.Join("testdata/bench", base+".nfg")
	}
	return game
}

// TestIPAGambitReference runs ipa from the perturbation vectors in
// testdata/gnm, from which gambit-ipa's outputs there were made
// (generate.sh; printed with ten decimals). IPA is deterministic, so the
// end of truce's iteration, before the polish, must be gambit-ipa's
// profile to the printed digits (ten decimals: 5e-11, plus rounding):
// truce computes in Gambit's order of operations, down to how Gambit turns
// a rational payoff into a float (gambitDouble; with correctly rounded
// payoffs the 5-player game's decimal payoffs drifted by 4e-9 over 98
// iterations). The polished equilibrium
// truce prints must lie within 1e-5 of it and pass the regret check.
func TestIPAGambitReference(t *testing.T) {
	outs, err := filepath.Glob("testdata/gnm/*.ipa.out")
	if err != nil || len(outs) == 0 {
		t.Fatalf("no reference outputs in testdata/gnm: %v", err)
	}
	checked := 0
	for _, out := range outs {
		base := strings.TrimSuffix(filepath.Base(out), ".ipa.out")
		gameBase := base[:strings.LastIndex(base, ".")]
		ref := readFloatNE(t, out)
		if len(ref) == 0 {
			continue
		}
		t.Run(base, func(t *testing.T) {
			g := readNFGFile(t, ipaGame(t, gameBase))
			pts := readPointsFile(t, filepath.Join("testdata/gnm", base+".pert"))
			ng, _ := newNormGame(g)
			it := newIPAIterator(shiftedGame(g, ng))
			pert, err := unitPerturbation(pts[0].Values, ng)
			if err != nil {
				t.Fatal(err)
			}
			raw, why := it.solve(context.Background(), pert)
			if why != "" {
				t.Fatalf("no end: %s", why)
			}
			if d := maxAbsDiff(raw, ref[0]); d > 6e-11 {
				t.Errorf("end of the iteration differs from gambit-ipa's by %.3g:\n truce %v\nGambit %v", d, raw, ref[0])
			}
			res, err := IPA(context.Background(), g, Options{Search: Search{Points: pts}})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Complete || len(res.Equilibria) != 1 {
				t.Fatalf("complete %v (%s), %d profiles", res.Complete, res.Reason, len(res.Equilibria))
			}
			e := res.Equilibria[0]
			if e.Approximate || e.Regret > Tolerance(g.PayoffBounds()) {
				t.Errorf("not certified: regret %g", e.Regret)
			}
			if d := maxAbsDiff(flatten(e.Profile), ref[0]); d > 1e-5 {
				t.Errorf("polished equilibrium is %.3g from gambit-ipa's", d)
			}
		})
		checked++
	}
	if checked < 40 {
		t.Errorf("only %d reference runs checked", checked)
	}
}

func maxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

func flatten(p [][]float64) []float64 {
	var out []float64
	for _, r := range p {
		out = append(out, r...)
	}
	return out
}

// TestIPAInEnumMixedList: on generic 2-player games the equilibrium ipa
// finds is one of the complete list enummixed gives (all equilibria are
// extreme in a nondegenerate game), and it is certified.
func TestIPAInEnumMixedList(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		shape := []int{rapid.IntRange(1, 5).Draw(t, "m"), rapid.IntRange(1, 5).Draw(t, "n")}
		seed := rapid.Uint64().Draw(t, "seed")
		g := continuousGame(shape, seed)
		all, err := EnumMixed(context.Background(), g, Options{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := IPA(context.Background(), g, Options{Search: Search{Seed: seed, Starts: 3}})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Complete || len(res.Equilibria) == 0 {
			t.Fatalf("complete %v (%s), %d equilibria", res.Complete, res.Reason, len(res.Equilibria))
		}
		for _, e := range res.Equilibria {
			if e.Approximate {
				t.Fatalf("approximate, regret %g", e.Regret)
			}
			found := false
			for _, a := range all.Equilibria {
				found = found || sameProfile(a.Profile, e.Profile, 1e-9)
			}
			if !found {
				t.Fatalf("ipa's %v is not among enummixed's %d equilibria", e.Profile, len(all.Equilibria))
			}
		}
	})
}

// TestIPANPlayers: on generic games of 3 and 4 players ipa ends at a
// certified equilibrium from most vectors (it can fail to converge, as
// Gambit's does, and then says so); a failure is reported, never a
// profile that is not an equilibrium.
func TestIPANPlayers(t *testing.T) {
	ok, runs := 0, 0
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(3, 4).Draw(t, "players")
		shape := make([]int, n)
		for p := range shape {
			shape[p] = rapid.IntRange(1, 4).Draw(t, "strategies")
		}
		seed := rapid.Uint64().Draw(t, "seed")
		g := continuousGame(shape, seed)
		res, err := IPA(context.Background(), g, Options{Search: Search{Seed: seed}})
		if err != nil {
			t.Fatal(err)
		}
		runs++
		for _, e := range res.Equilibria {
			if e.Approximate {
				t.Fatalf("approximate profile listed, regret %g", e.Regret)
			}
		}
		if res.Complete {
			if len(res.Equilibria) != 1 {
				t.Fatalf("complete with %d equilibria", len(res.Equilibria))
			}
			ok++
		} else if !strings.Contains(res.Reason, "perturbation vector") {
			t.Fatalf("incomplete without saying why: %q", res.Reason)
		}
	})
	if ok < runs*3/4 {
		t.Errorf("ipa converged in %d of %d runs", ok, runs)
	}
}

// TestIPAClosedForms: matching pennies has one equilibrium, (1/2, 1/2)
// each; the 3-player game where each player is paid for matching the next
// one's coin (a cyclic pennies game, Jordan 1993) has the uniform profile
// as its only equilibrium.
func TestIPAClosedForms(t *testing.T) {
	pennies := numberedGame([]int{2, 2})
	for k := 0; k < 4; k++ {
		same := k == 0 || k == 3
		pennies.Payoffs[2*k], pennies.Payoffs[2*k+1] = -1, 1
		if same {
			pennies.Payoffs[2*k], pennies.Payoffs[2*k+1] = 1, -1
		}
	}
	jordan := numberedGame([]int{2, 2, 2})
	for k := 0; k < 8; k++ {
		a := [3]int{k & 1, k >> 1 & 1, k >> 2 & 1}
		// Player 1 wants to match player 2, player 2 to mismatch player 3,
		// player 3 to match player 1: no pure equilibrium.
		jordan.Payoffs[3*k] = b2f(a[0] == a[1])
		jordan.Payoffs[3*k+1] = b2f(a[1] != a[2])
		jordan.Payoffs[3*k+2] = b2f(a[2] == a[0])
	}
	for name, g := range map[string]*game.Strategic{"pennies": pennies, "jordan": jordan} {
		res, err := IPA(context.Background(), g, Options{Search: Search{Seed: 3, Starts: 4}})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Complete || len(res.Equilibria) != 1 {
			t.Fatalf("%s: complete %v (%s), %d equilibria", name, res.Complete, res.Reason, len(res.Equilibria))
		}
		for _, row := range res.Equilibria[0].Profile {
			if math.Abs(row[0]-0.5) > 1e-12 || math.Abs(row[1]-0.5) > 1e-12 {
				t.Errorf("%s: %v, want 1/2 each", name, res.Equilibria[0].Profile)
			}
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// TestIPADeterministic: the same seed gives the same vectors and result.
func TestIPADeterministic(t *testing.T) {
	g := readNFGFile(t, "testdata/gambit/2x2x2.nfg")
	run := func(seed uint64) *Result {
		res, err := IPA(context.Background(), g, Options{Search: Search{Seed: seed, Starts: 4}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b := run(7), run(7)
	if !reflect.DeepEqual(a.Equilibria, b.Equilibria) || !reflect.DeepEqual(a.Stats, b.Stats) {
		t.Errorf("seed 7 twice: different results")
	}
	if a.Stats["seed"] != 7 || a.Stats["vectors"] != 4 {
		t.Errorf("stats %v: want seed 7 and 4 vectors", a.Stats)
	}
}

// TestIPAHostile: games and vectors that could break the iteration end
// with an answer or a clear error, quickly.
func TestIPAHostile(t *testing.T) {
	mk := payoffGame
	type hostileCase struct {
		name    string
		g       *game.Strategic
		search  Search
		wantErr string
	}
	var cases []hostileCase
	for _, tc := range []hostileCase{
		{name: "one player", g: mk([]int{3}, func(k, p int) float64 { return float64(k % 2) })},
		{name: "1x1", g: mk([]int{1, 1}, func(k, p int) float64 { return float64(p) })},
		{name: "1x1x1x1", g: mk([]int{1, 1, 1, 1}, func(k, p int) float64 { return 3 })},
		{name: "all zero 3x3x3", g: mk([]int{3, 3, 3}, func(k, p int) float64 { return 0 }), search: Search{Starts: 3}},
		{name: "huge payoffs", g: mk([]int{2, 2}, func(k, p int) float64 { return [2]float64{1e300, -1e300}[(k+p+k/2)%2] })},
		{name: "degenerate 3 players", g: mk([]int{3, 3, 3}, func(k, p int) float64 { return float64((k + p) % 2) }), search: Search{Starts: 3}},
	} {
		cases = append(cases, tc)
	}
	for _, v := range badVectorCases() {
		cases = append(cases, hostileCase(v))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := runHostile(t, tc.wantErr, func(ctx context.Context) (*Result, error) {
				return IPA(ctx, tc.g, Options{Search: tc.search})
			})
			if res == nil {
				return
			}
			if res.Complete && len(res.Equilibria) == 0 {
				t.Error("complete without an equilibrium")
			}
			if !res.Complete && res.Reason == "" {
				t.Error("incomplete without a reason")
			}
		})
	}
}

// TestIPAStops: a cancelled context stops the run with the reason.
func TestIPAStops(t *testing.T) {
	g := readNFGFile(t, "testdata/bench/rand_10x10x10_s3010.nfg")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := IPA(ctx, g, Options{Search: Search{Starts: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Complete || !errors.Is(res.Err, context.Canceled) {
		t.Errorf("complete %v, err %v", res.Complete, res.Err)
	}
}

// The whole-number shortcut of shiftedGame gives gambitDouble's bits,
// near zero and near 2^53 and 2^62 where rounding starts.
func TestShiftedIntsAsGambitDouble(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		span := rapid.SampledFrom([]int64{100, 1 << 40, 1 << 54, 1<<62 - 1}).Draw(t, "span")
		x := rapid.Int64Range(-span, span).Draw(t, "x")
		y := rapid.Int64Range(-span, span).Draw(t, "y")
		a, b, ok := smallInts(big.NewRat(x, 1), big.NewRat(y, 1))
		if !ok {
			t.Fatalf("%d, %d not taken", x, y)
		}
		var d big.Rat
		if got, want := float64(a-b), gambitDouble(d.Sub(big.NewRat(x, 1), big.NewRat(y, 1))); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%d − %d: %v, gambitDouble %v", x, y, got, want)
		}
	})
	if _, _, ok := smallInts(big.NewRat(1, 2), big.NewRat(0, 1)); ok {
		t.Error("a fraction was taken")
	}
	if _, _, ok := smallInts(big.NewRat(math.MaxInt64, 1), big.NewRat(-1, 1)); ok {
		t.Error("a difference that overflows was taken")
	}
}
