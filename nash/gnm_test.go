package nash

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/game/gambit"
)

// readNFGFile reads a Gambit .nfg test file.
func readNFGFile(t testing.TB, path string) *game.Strategic {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	g, err := gambit.ReadNFG(path, fh)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// readPointsFile reads a -s file of perturbation vectors or starts.
func readPointsFile(t testing.TB, path string) []Point {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	pts, err := ReadPoints(fh, path)
	if err != nil {
		t.Fatal(err)
	}
	return pts
}

// readFloatNE reads the NE lines of a Gambit output printed with -d.
func readFloatNE(t testing.TB, path string) [][]float64 {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out [][]float64
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "NE,") {
			continue
		}
		var prof []float64
		for _, s := range strings.Split(line[3:], ",") {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			prof = append(prof, v)
		}
		out = append(out, prof)
	}
	return out
}

func flatProfile(p [][]float64) []float64 {
	var out []float64
	for _, row := range p {
		out = append(out, row...)
	}
	return out
}

func closeFlat(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if d := a[i] - b[i]; d > tol || d < -tol {
			return false
		}
	}
	return true
}

// gnmRefCases lists the Gambit reference runs in testdata/gnm: the game,
// the perturbation vector file and Gambit's output for it.
func gnmRefCases(t testing.TB, method string) [][3]string {
	t.Helper()
	perts, err := filepath.Glob("testdata/gnm/*.pert")
	if err != nil || len(perts) == 0 {
		t.Fatalf("no perturbation vectors in testdata/gnm: %v", err)
	}
	var out [][3]string
	for _, p := range perts {
		stem := strings.TrimSuffix(p, ".pert")
		ref := stem + "." + method + ".out"
		if _, err := os.Stat(ref); err != nil {
			continue
		}
		base := strings.TrimSuffix(filepath.Base(stem), filepath.Ext(stem)) // drop ".SEED"
		game := filepath.Join("testdata/gambit", base+".nfg")
		if _, err := os.Stat(game); err != nil {
			game = filepath.Join("testdata/bench", base+".nfg")
		}
		out = append(out, [3]string{game, p, ref})
	}
	return out
}

// TestGNMGambitReference follows the path from the perturbation vectors
// gambit-gnm drew and compares the equilibria with what gambit-gnm printed
// for them (testdata/gnm/generate.sh). Every equilibrium Gambit found must
// be found, every profile truce finds is certified by its regret, and in
// 2-player games, where the path is piecewise linear and both programs
// follow it exactly, the lists must be the same. With more players
// Gambit's float path following loses the path or drops equilibria it
// cannot refine (it found none at all on rand_5x5x5 with vector 1, where
// truce finds 13), so there truce may find more; the game of Nau et al.
// has a segment of equilibria whose two ends truce reports, Gambit one.
// The 10×10×10 runs take seconds: TRUCE_LONG_TESTS=1.
func TestGNMGambitReference(t *testing.T) {
	for _, c := range gnmRefCases(t, "gnm") {
		t.Run(filepath.Base(c[1]), func(t *testing.T) {
			if strings.Contains(c[0], "10x10x10") && os.Getenv("TRUCE_LONG_TESTS") == "" {
				t.Skip("seconds per run: TRUCE_LONG_TESTS=1")
			}
			g := readNFGFile(t, c[0])
			want := distinctFlat(readFloatNE(t, c[2]))
			res, err := GNM(context.Background(), g, Options{Search: Search{Points: readPointsFile(t, c[1])}})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Complete {
				t.Errorf("incomplete: %s", res.Reason)
			}
			var got [][]float64
			for _, e := range res.Equilibria {
				if e.Approximate || e.Regret > RegretTolerance {
					t.Errorf("not an equilibrium: regret %g", e.Regret)
				}
				got = append(got, flatProfile(e.Profile))
			}
			for _, w := range want {
				if !containsFlat(got, w, 1e-6) {
					t.Errorf("Gambit's equilibrium %.6f not found; truce found %d: %v", w, len(got), fmtProfiles(got))
				}
			}
			if g.NumPlayers() == 2 && len(got) != len(want) {
				t.Errorf("truce found %d equilibria, Gambit %d: %v", len(got), len(want), fmtProfiles(got))
			}
		})
	}
}

// distinctFlat drops profiles within 1e-6 of an earlier one (Gambit lists
// an equilibrium again each time its path crosses it).
func distinctFlat(ps [][]float64) [][]float64 {
	var out [][]float64
	for _, p := range ps {
		if !containsFlat(out, p, 1e-6) {
			out = append(out, p)
		}
	}
	return out
}

func containsFlat(ps [][]float64, p []float64, tol float64) bool {
	for _, q := range ps {
		if closeFlat(p, q, tol) {
			return true
		}
	}
	return false
}

func fmtProfiles(ps [][]float64) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "\n  %.6f", p)
	}
	return b.String()
}

// TestGNMOddCrossings: followed to its end, the path crosses λ = 0 an
// odd number of times in a generic game (the structure theorem of
// Kohlberg and Mertens: it starts at the unique equilibrium for λ large
// and leaves for λ → −∞, changing side at each crossing). A path that
// jumped between branches, or missed or invented a crossing, breaks the
// parity. Every profile is an equilibrium (its regret is certified).
func TestGNMOddCrossings(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 4).Draw(t, "players")
		shape := make([]int, n)
		for p := range shape {
			shape[p] = rapid.IntRange(1, 4).Draw(t, "strategies")
		}
		// Payoffs from a continuous distribution, drawn from a seed so that
		// shrinking cannot make them tie: the theorem is about generic games.
		seed := rapid.Uint64().Draw(t, "seed")
		checkOddCrossings(t, shape, seed)
	})
}

// TestGNMOddCrossingsDraws replays the random draws of TestGNMOddCrossings
// that once failed, each with the number of crossings its full path has.
func TestGNMOddCrossingsDraws(t *testing.T) {
	for _, c := range []struct {
		name      string
		shape     []int
		seed      uint64
		crossings int
	}{
		// At a turn of 26° or 18° per step the path jumped between branches
		// and crossed λ = 0 24 times (the largest turn is now 11.5°,
		// gnmMinCos).
		{"4x3x4x2 seed 0x17a8d52f754dec", []int{4, 3, 4, 2}, 0x17a8d52f754dec, 25},
		// The path crossed λ = 0 (an equilibrium), dipped below it and
		// came back within one step: λ is exactly 0 at the step's start, so
		// the return crossing went unseen and 8 equilibria were reported in
		// two close pairs. The ninth, (0.0361, 0, 0.9639, 0), (1, 0),
		// (0.5072, 0.4928), (0, 0, 0.7662, 0.2338), is now landed on.
		{"4x2x2x4 seed 2", []int{4, 2, 2, 4}, 2, 9},
		// A landing 1.47 long into a cell where all four players mix, with
		// its ends' checks passed, ended on another branch of the cell's
		// solution set, and the path went round a loop at λ = 0.152 with
		// no equilibrium found; the landing's midpoint is now checked
		// (gnmMidTol).
		{"4x3x4x3 seed 0xa4c4247d7", []int{4, 3, 4, 3}, 0xa4c4247d7, 9},
		// From an equilibrium (λ = 0) the path dips below λ = 0 and comes
		// back through it at another one (the same support) before the
		// next change of support; the landing on that change, from λ = 0
		// straight to λ > 0, skipped the second crossing (20 crossings):
		// a landing now checks λ as an ordinary step does
		// (TestGNMOddCrossings at -rapid.checks=20000 -rapid.seed=2).
		{"4x4x3x4 seed 0x34f5a", []int{4, 4, 3, 4}, 0x34f5a, 21},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := checkOddCrossings(t, c.shape, c.seed)
			if got := int(res.Stats["equilibria crossed"]); got != c.crossings || len(res.Equilibria) != c.crossings {
				t.Errorf("%d crossings, %d distinct equilibria: want %d of each", got, len(res.Equilibria), c.crossings)
			}
		})
	}
}

// checkOddCrossings follows the full path of the continuous game of the
// given shape and seed (perturbation drawn from the same seed) and checks
// that it is complete, crosses λ = 0 an odd number of times and finds
// certified equilibria only.
func checkOddCrossings(t interface {
	Helper()
	Fatal(...any)
	Fatalf(string, ...any)
}, shape []int, seed uint64) *Result {
	t.Helper()
	g := continuousGame(shape, seed)
	res, err := GNM(context.Background(), g, Options{Search: Search{Seed: seed, LambdaEnd: math.Inf(-1)}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Complete {
		t.Fatalf("incomplete: %s", res.Reason)
	}
	if c := int(res.Stats["equilibria crossed"]); c%2 != 1 {
		t.Fatalf("%d crossings of lambda = 0 on a full path", c)
	}
	if res.Stats["paths cut at lambda end"] != 0 {
		t.Fatalf("a full path was cut: %v", res.Stats)
	}
	for _, e := range res.Equilibria {
		if e.Approximate {
			t.Fatalf("approximate profile, regret %g", e.Regret)
		}
	}
	return res
}

// TestGNMDeterministic: the same seed gives the same vectors and the same
// equilibria in the same order; another seed other vectors.
func TestGNMDeterministic(t *testing.T) {
	g := readNFGFile(t, "testdata/gambit/2x2x2.nfg")
	run := func(seed uint64) *Result {
		res, err := GNM(context.Background(), g, Options{Search: Search{Seed: seed, Starts: 4}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b, c := run(7), run(7), run(8)
	if !reflect.DeepEqual(a.Equilibria, b.Equilibria) || !reflect.DeepEqual(a.Stats, b.Stats) {
		t.Errorf("seed 7 twice: different results")
	}
	if reflect.DeepEqual(a.Stats, c.Stats) && reflect.DeepEqual(a.Equilibria, c.Equilibria) {
		t.Errorf("seeds 7 and 8 gave the same run: %v", a.Stats)
	}
	if a.Stats["seed"] != 7 || a.Stats["paths"] != 4 {
		t.Errorf("stats %v: want seed 7 and 4 paths", a.Stats)
	}
	// Four paths on the 9-equilibrium game of McKelvey and McLennan find
	// more than one path's 7.
	if len(a.Equilibria) < 7 || len(a.Equilibria) > 9 {
		t.Errorf("%d equilibria, want 7 to 9", len(a.Equilibria))
	}
}

// TestGNMHostile: games and vectors that could break the path end with an
// answer or a clear error, quickly.
func TestGNMHostile(t *testing.T) {
	mk := payoffGame
	type hostileCase struct {
		name    string
		g       *game.Strategic
		search  Search
		wantEqs int    // equilibria, when no error
		wantErr string // error text, when one is expected
	}
	var cases []hostileCase
	for _, tc := range []hostileCase{
		{name: "1x1", g: mk([]int{1, 1}, func(k, p int) float64 { return float64(p) }), wantEqs: 1},
		{name: "1x1x1x1", g: mk([]int{1, 1, 1, 1}, func(k, p int) float64 { return 3 }), wantEqs: 1},
		{name: "all zero 3x3x3", g: mk([]int{3, 3, 3}, func(k, p int) float64 { return 0 }), search: Search{Starts: 3}, wantEqs: -1},
		{name: "huge payoffs", g: mk([]int{2, 2}, func(k, p int) float64 { return [2]float64{1e300, -1e300}[(k+p+k/2)%2] }), wantEqs: 1},
		{name: "positive lambda end", g: mk([]int{2, 2}, func(k, p int) float64 { return float64(k) }), search: Search{LambdaEnd: 3}, wantErr: "must be negative"},
	} {
		cases = append(cases, tc)
	}
	for _, v := range badVectorCases() {
		cases = append(cases, hostileCase{name: v.name, g: v.g, search: v.search, wantErr: v.wantErr})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := runHostile(t, tc.wantErr, func(ctx context.Context) (*Result, error) {
				return GNM(ctx, tc.g, Options{Search: tc.search})
			})
			if res == nil {
				return
			}
			if tc.wantEqs >= 0 && len(res.Equilibria) != tc.wantEqs {
				t.Errorf("%d equilibria, want %d", len(res.Equilibria), tc.wantEqs)
			}
			if len(res.Equilibria) == 0 {
				t.Error("no equilibrium")
			}
		})
	}
}

// TestGNMDegenerateSaysSo: in a degenerate game the path can reach a
// point where it cannot go on; the equilibria found before are kept and
// the run says it is incomplete and why, instead of inventing more.
func TestGNMDegenerateSaysSo(t *testing.T) {
	g := readNFGFile(t, "testdata/gnm/degenerate.nfg")
	res, err := GNM(context.Background(), g, Options{Search: Search{Seed: 1, Starts: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Equilibria) == 0 {
		t.Fatal("no equilibrium")
	}
	for _, e := range res.Equilibria {
		if e.Approximate {
			t.Errorf("approximate profile, regret %g", e.Regret)
		}
	}
	if !res.Complete && !strings.Contains(res.Reason, "degenerate") {
		t.Errorf("incomplete without saying why: %q", res.Reason)
	}
}

// continuousGame is a game of the given shape with payoffs uniform in
// [0, 1), drawn from seed: generic with probability one.
func continuousGame(shape []int, seed uint64) *game.Strategic {
	g := numberedGame(shape)
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := range g.Payoffs {
		g.Payoffs[i] = rng.Float64()
	}
	return g
}

// payoffGame is a game of the given shape whose player p gets pay(k, p)
// at profile k (floats only: Exact is left as numberedGame made it).
func payoffGame(shape []int, pay func(k, p int) float64) *game.Strategic {
	g := numberedGame(shape)
	for k := 0; k < g.NumProfiles(); k++ {
		for p := range shape {
			g.Payoffs[k*len(shape)+p] = pay(k, p)
		}
	}
	return g
}

// runHostile runs one hostile case: the run must give the error wantErr
// (when not empty) or finish within 10 s with certified profiles only. It
// returns the result for the case's own checks (nil after an error).
func runHostile(t *testing.T, wantErr string, run func(ctx context.Context) (*Result, error)) *Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := run(ctx)
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("err %v, want %q", err, wantErr)
		}
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatal("did not finish in 10 s")
	}
	for _, e := range res.Equilibria {
		if e.Approximate {
			t.Errorf("approximate profile, regret %g", e.Regret)
		}
	}
	return res
}

// badVectorCase is a perturbation vector gnm and ipa must refuse.
type badVectorCase struct {
	name    string
	g       *game.Strategic
	search  Search
	wantErr string
}

// badVectorCases are the perturbation vectors gnm and ipa refuse, with
// the error each must give.
func badVectorCases() []badVectorCase {
	g := payoffGame([]int{2, 2}, func(k, p int) float64 { return float64(k) })
	pts := func(vals ...float64) Search { return Search{Points: []Point{{Values: vals, Pos: "v.csv:1"}}} }
	return []badVectorCase{
		{"wrong length", g, pts(1, 2, 3), "v.csv:1: perturbation vector has 3 numbers, the game has 4 strategies (2+2)"},
		{"zero vector", g, pts(0, 0, 0, 0), "v.csv:1: every entry is zero"},
		{"tied largest", g, pts(1, 1, 0, 1), "player 1's largest entry is not unique"},
		{"not finite", g, pts(math.NaN(), 1, 0, 1), "not a finite number"},
	}
}

// numberedGame is a game of the given shape with zero payoffs, players
// and strategies named by their numbers.
func numberedGame(shape []int) *game.Strategic {
	players := make([]string, len(shape))
	strats := make([][]string, len(shape))
	for p, n := range shape {
		players[p] = fmt.Sprint(p + 1)
		for s := 0; s < n; s++ {
			strats[p] = append(strats[p], fmt.Sprint(s+1))
		}
	}
	g, err := game.NewStrategic(players, strats)
	if err != nil {
		panic(err)
	}
	return g
}

// TestGNMTangentLUMatchesQR: at random points of random supports, the
// tangent from the LU of [A; refᵀ] (the path's steps) is the QR's null
// vector turned towards ref, and the orientation sign det[A; tᵀ] is the
// same, so a path traced with either turns back at the same places.
// TestGNMSupportJacobianMatchesDerivatives: the support's Jacobian and
// values that the path loads (supportJacobian, and supportJacobian3 for
// three players) are normGame.derivatives' to the bit, for the support's
// rows (js) and the other strategies' rows (du, support columns), with
// all rows, with the support's only, with the others' only (loadOutside)
// and with the support's and one entering strategy's (enteringRow3).
func TestGNMSupportJacobianMatchesDerivatives(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		tr, y, _, _ := drawSupportPoint(rt, 2, 4)
		ng, T, ns := tr.ng, tr.T, len(tr.sup)
		u, du := make([]float64, T), make([]float64, T*T)
		ng.derivatives(tr.sigma, u, du)
		same := func(a, b float64) bool { return a == b } // +0 and −0 alike: both sum exact zeros
		var checkRows func(full, sup bool)
		check := func(full bool) {
			checkRows(full, true)
		}
		checkRows = func(full, sup bool) {
			for p, s := range tr.sup {
				if !sup {
					break
				}
				if !same(tr.u[s], u[s]) {
					rt.Fatalf("full %v: u[%d] = %v, derivatives %v", full, s, tr.u[s], u[s])
				}
				for q, k := range tr.sup {
					if tr.owner[k] != tr.owner[s] && !same(tr.js[p*ns+q], du[s*T+k]) {
						rt.Fatalf("full %v: js[%d][%d] = %v, derivatives %v", full, s, k, tr.js[p*ns+q], du[s*T+k])
					}
				}
			}
			if !full {
				return
			}
			for j := 0; j < T; j++ {
				if tr.in[j] {
					continue
				}
				if !same(tr.u[j], u[j]) {
					rt.Fatalf("u[%d] = %v, derivatives %v", j, tr.u[j], u[j])
				}
				for _, k := range tr.sup {
					if tr.owner[k] != tr.owner[j] && !same(tr.du[j*T+k], du[j*T+k]) {
						rt.Fatalf("du[%d][%d] = %v, derivatives %v", j, k, tr.du[j*T+k], du[j*T+k])
					}
				}
			}
		}
		check(true) // drawSupportPoint loaded y with every row
		tr.cached = false
		tr.loadSupport(y)
		check(false)
		// The other strategies' rows alone, their values poisoned first.
		tr.cached = false
		for j := 0; j < T; j++ {
			if !tr.in[j] {
				clear(tr.du[j*T : (j+1)*T])
				tr.u[j] = math.NaN()
			}
		}
		tr.loadOutside(y)
		checkRows(true, false)
		// The support's rows added to them at the same point (poisoned
		// first unless loadOutside computed them too, as it does with
		// other than three players).
		if tr.cacheRows&rowsSup == 0 {
			for _, s := range tr.sup {
				tr.u[s] = math.NaN()
			}
			clear(tr.js[:ns*ns])
		}
		tr.loadSupport(y)
		check(true)
		if tr.n != 3 {
			return
		}
		// A landing on a strategy's entry: the support's rows and its row.
		for j := 0; j < T; j++ {
			if tr.in[j] {
				continue
			}
			clear(tr.du[j*T : (j+1)*T])
			tr.u[j] = math.NaN()
			tr.enteringRow3(j)
			if !same(tr.u[j], u[j]) {
				rt.Fatalf("enteringRow3: u[%d] = %v, derivatives %v", j, tr.u[j], u[j])
			}
			for _, k := range tr.sup {
				if tr.owner[k] != tr.owner[j] && !same(tr.du[j*T+k], du[j*T+k]) {
					rt.Fatalf("enteringRow3: du[%d][%d] = %v, derivatives %v", j, k, tr.du[j*T+k], du[j*T+k])
				}
			}
		}
	})
}

// TestGNMNewtonTangentMatchesLU: the tangent that correct solves for
// with its last Newton system's LU (solveReducedTangent) is tangentLU's at
// the same point, with the same orientation, and the Newton correction
// solved alongside it is solveReduced's to the bit.
func TestGNMNewtonTangentMatchesLU(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		tr, y, r, _ := drawSupportPoint(rt, 2, 4)
		ng, n, d := tr.ng, tr.n, tr.dim()
		ref := make([]float64, d)
		for i := range ref {
			ref[i] = r.Float64() - 0.5
		}
		normalize(ref)
		tl := make([]float64, ng.tot+n+1)
		sl, okL := tr.tangentLU(y, ref, tl)
		// A Newton system at y: the path's residual, the arc-length row ref.
		bA := make([]float64, d-1)
		tr.system(y, bA, nil)
		for i := range bA {
			bA[i] = -bA[i]
		}
		x1, x2 := make([]float64, d), make([]float64, d)
		_, ok1 := tr.solveReduced(bA, ref, 0.25, x1)
		tn := make([]float64, ng.tot+n+1)
		sn, ok2 := tr.solveReducedTangent(bA, ref, 0.25, x2, tn)
		if ok1 != ok2 || okL != ok2 {
			rt.Fatalf("solvable: tangentLU %v, solveReduced %v, solveReducedTangent %v", okL, ok1, ok2)
		}
		if !ok2 {
			return
		}
		if sn != sl {
			rt.Fatalf("orientation: Newton's LU %v, tangentLU %v", sn, sl)
		}
		for i := 0; i < d; i++ {
			if math.Float64bits(x1[i]) != math.Float64bits(x2[i]) {
				rt.Fatalf("Newton corrections differ: %v and %v", x1[:d], x2[:d])
			}
			if math.Abs(tn[i]-tl[i]) > 1e-12 {
				rt.Fatalf("tangents differ: Newton's LU %v, tangentLU %v", tn[:d], tl[:d])
			}
		}
	})
}

func TestGNMTangentLUMatchesQR(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		tr, y, r, _ := drawSupportPoint(rt, 2, 4)
		ng, n, d := tr.ng, tr.n, tr.dim()
		tq := make([]float64, ng.tot+n+1)
		sq, ok := tr.tangent(y, tq)
		if !ok {
			return // rank lost at this point: neither is used there
		}
		// The tangent is defined only where the system has full row rank.
		// Structurally singular supports are refused above (see
		// TestGNMStructurallySingularSupport); a random point can still be
		// close to singular: the comparison is made where the singular
		// values say the tangent is unique.
		if jacobianCond(rt, tr, y) < 1e-10 {
			return
		}
		// A reference direction within 60° of the tangent, either way.
		ref := make([]float64, d)
		sign := 1.0
		if r.IntN(2) == 0 {
			sign = -1
		}
		for i := range ref {
			ref[i] = sign*tq[i] + 0.5*(r.Float64()-0.5)/math.Sqrt(float64(d))
		}
		normalize(ref)
		sq = orientLike(tq[:d], ref, sq)
		tl := make([]float64, ng.tot+n+1)
		sl, ok := tr.tangentLU(y, ref, tl)
		if !ok {
			rt.Fatalf("LU failed where the QR did not")
		}
		if sl != sq {
			rt.Fatalf("orientation: LU %v, QR %v", sl, sq)
		}
		for i := 0; i < d; i++ {
			if math.Abs(tl[i]-tq[i]) > 1e-8 {
				rt.Fatalf("tangents differ: LU %v, QR %v", tl[:d], tq[:d])
			}
		}
	})
}

// TestGNMReducedSolveMatchesFull: at random points of random supports,
// the reduced solve (the sum and first payoff rows eliminated) gives the
// solution of the full bordered system [A; cᵀ] x = b and the sign of its
// determinant, both taken by dense LU of the full system.
func TestGNMReducedSolveMatchesFull(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		tr, y, _, seed := drawSupportPoint(rt, 1, 4)
		r := rand.New(rand.NewPCG(seed, 2))
		d := tr.dim()
		m := d - 1
		c := make([]float64, d)
		b := make([]float64, d)
		for i := range c {
			c[i] = 2*r.Float64() - 1
			b[i] = 2*r.Float64() - 1
		}
		a := make([]float64, d*d)
		tr.system(y, make([]float64, m), a)
		copy(a[m*d:], c)
		full := append([]float64(nil), b...)
		fs, fok := pathSolve(append([]float64(nil), a...), full, d)
		x := make([]float64, d)
		rs, rok := tr.solveReduced(b[:m], c, b[m], x)
		if !fok || !rok {
			return // singular here (a random support can be): compared where both solve
		}
		if fs != rs {
			rt.Fatalf("sign of the determinant: full %v, reduced %v", fs, rs)
		}
		// The tangent: the reduced QR's against the full QR's, turned the
		// same way, with the same orientation sign.
		{
			af := make([]float64, d*d)
			tr.system(y, make([]float64, m), af)
			scale := 0.0
			for _, v := range af[:m*d] {
				scale = math.Max(scale, math.Abs(v))
			}
			tf, tq := make([]float64, d), make([]float64, d)
			sf, okf := qrNull(af, m, d, scale, make([]float64, d), tf)
			sq, okq := tr.tangent(y, tq)
			if okf && okq {
				sq = orientLike(tq, tf, sq)
				if sf != sq {
					rt.Fatalf("tangent orientation: full QR %v, reduced %v", sf, sq)
				}
				for i := range tf {
					if math.Abs(tf[i]-tq[i]) > 1e-8 {
						rt.Fatalf("tangents differ: full %v, reduced %v", tf, tq)
					}
				}
			}
		}
		// Residual of the reduced solution in the full system, relative.
		for i := 0; i < d; i++ {
			v := -b[i]
			for j := 0; j < d; j++ {
				v += a[i*d+j] * x[j]
			}
			if math.Abs(v) > 1e-9*(1+math.Abs(b[i])) {
				rt.Fatalf("row %d: residual %g; reduced %v, full %v", i, v, x, full)
			}
		}
	})
}

// jacobianCond is σ_min/σ_max of the path's Jacobian at the loaded
// point y.
func jacobianCond(rt *rapid.T, tr *gnmTracer, y []float64) float64 {
	d := tr.dim()
	m := d - 1
	a := make([]float64, m*d)
	tr.system(y, make([]float64, m), a)
	var sv mat.SVD
	if !sv.Factorize(mat.NewDense(m, d, a), mat.SVDNone) {
		rt.Fatalf("SVD failed")
	}
	vals := sv.Values(nil)
	return vals[len(vals)-1] / vals[0]
}

// drawSupportPoint draws a game shape (minPlayers to 4 players, 1 to
// maxStrategies strategies each) and a seed, and returns
// randomSupportPoint's tracer, point and random source for them, and the
// seed.
func drawSupportPoint(rt *rapid.T, minPlayers, maxStrategies int) (*gnmTracer, []float64, *rand.Rand, uint64) {
	n := rapid.IntRange(minPlayers, 4).Draw(rt, "players")
	shape := make([]int, n)
	for p := range shape {
		shape[p] = rapid.IntRange(1, maxStrategies).Draw(rt, "strategies")
	}
	seed := rapid.Uint64().Draw(rt, "seed")
	tr, y, r := randomSupportPoint(shape, seed)
	return tr, y, r, seed
}

// randomSupportPoint is a tracer on a random game of the given shape with
// a random perturbation, a random support (at least one strategy per
// player) and a random point y of it, loaded, and the random source
// drawn from, for more.
func randomSupportPoint(shape []int, seed uint64) (*gnmTracer, []float64, *rand.Rand) {
	ng, _ := newNormGame(continuousGame(shape, seed))
	tr := newGNMTracer(ng)
	r := rand.New(rand.NewPCG(seed, 1))
	tr.pert = make([]float64, ng.tot)
	for i := range tr.pert {
		tr.pert[i] = r.Float64()
	}
	var sup []int
	for p, s := range ng.shape {
		for j := 0; j < s; j++ {
			if j == 0 || r.IntN(2) == 0 {
				sup = append(sup, ng.off[p]+j)
			}
		}
	}
	return tr, tr.setSupportAt(sup, r), r
}

// setSupportAt puts the tracer on support sup (sorted) at a random point,
// loaded, and returns the point.
func (tr *gnmTracer) setSupportAt(sup []int, r *rand.Rand) []float64 {
	tr.sup = append(tr.sup[:0], sup...)
	for i := range tr.in {
		tr.in[i] = false
	}
	for _, s := range tr.sup {
		tr.in[s] = true
	}
	tr.supVer++
	y := make([]float64, tr.dim())
	for i := range y {
		y[i] = r.Float64()
	}
	tr.load(y, true)
	return y
}

// TestGNMStructurallySingularSupport: a support on which some player has
// more indifference equations than the others' free probabilities and λ
// (the support {2, 4, 1} of a 2×4×4 game: player 2's three equations in
// two unknowns) is refused by the QR tangent, the LU tangent and the
// reduced solve; and on random supports of random games the structural
// test agrees with the singular values of the Jacobian.
func TestGNMStructurallySingularSupport(t *testing.T) {
	ng, _ := newNormGame(continuousGame([]int{2, 4, 4}, 11))
	tr := newGNMTracer(ng)
	r := rand.New(rand.NewPCG(11, 1))
	tr.pert = make([]float64, ng.tot)
	for i := range tr.pert {
		tr.pert[i] = r.Float64()
	}
	y := tr.setSupportAt([]int{0, 1, 2, 3, 4, 5, 6}, r) // {2, 4, 1}
	if tr.reducedLayout(); !tr.singular {
		t.Fatal("support {2, 4, 1} of 2×4×4 not flagged")
	}
	tq := make([]float64, ng.tot+ng.n+1)
	if _, ok := tr.tangent(y, tq); ok {
		t.Error("QR tangent accepted the support")
	}
	ref := make([]float64, tr.dim())
	ref[len(ref)-1] = 1
	if _, ok := tr.tangentLU(y, ref, tq); ok {
		t.Error("LU tangent accepted the support")
	}
	// One strategy fewer for player 2, {2, 3, 1}: two equations in two
	// unknowns, regular.
	y = tr.setSupportAt([]int{0, 1, 2, 3, 4, 6}, r)
	if tr.reducedLayout(); tr.singular {
		t.Error("support {2, 3, 1} flagged")
	}
	if _, ok := tr.tangent(y, tq); !ok {
		t.Error("QR tangent refused support {2, 3, 1}")
	}

	rapid.Check(t, func(rt *rapid.T) {
		tr, y, _, _ := drawSupportPoint(rt, 1, 5)
		cond := jacobianCond(rt, tr, y)
		tr.reducedLayout()
		switch {
		case tr.singular && cond > 1e-12:
			rt.Fatalf("support %v flagged singular, but σ_min/σ_max = %g", tr.sup, cond)
		case !tr.singular && cond < 1e-12:
			rt.Fatalf("support %v not flagged, but σ_min/σ_max = %g", tr.sup, cond)
		}
	})
}

// TestGNMContract3MatchesContractTable: the one-pass contraction of a
// 3-player support table gives contractTable's two contractions to the
// bit (the same sums in the same order), zero weights included.
func TestGNMContract3MatchesContractTable(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		shape := []int{rapid.IntRange(1, 5).Draw(rt, "n0"), rapid.IntRange(1, 5).Draw(rt, "n1"), rapid.IntRange(1, 5).Draw(rt, "n2")}
		i := rapid.IntRange(0, 2).Draw(rt, "player")
		r := rand.New(rand.NewPCG(rapid.Uint64().Draw(rt, "seed"), 3))
		size := shape[0] * shape[1] * shape[2]
		table := make([]float64, size)
		for k := range table {
			table[k] = r.Float64()
		}
		tr := &gnmTracer{xsup: make([][]float64, 3), f3: make([][]float64, 2)}
		for q, nq := range shape {
			tr.xsup[q] = make([]float64, nq)
			for c := range tr.xsup[q] {
				if r.IntN(4) > 0 {
					tr.xsup[q][c] = r.Float64()
				}
			}
		}
		tr.contract3(i, table, shape)
		others := []int{0, 1, 2}
		others = append(others[:i], others[i+1:]...)
		for h, j := range others {
			want := contractTable(table, shape, tr.xsup, i, j, make([]float64, size), make([]float64, size))
			ni, nj := shape[i], shape[j]
			for a := 0; a < ni; a++ {
				for c := 0; c < nj; c++ {
					w := want[a+ni*c] // contractTable keeps i and j in table order
					if j < i {
						w = want[c+nj*a]
					}
					if got := tr.f3[h][a*nj+c]; math.Float64bits(got) != math.Float64bits(w) {
						rt.Fatalf("player %d, other %d, entry (%d, %d): %v, contractTable %v", i, j, a, c, got, w)
					}
				}
			}
		}
	})
}

// TestFNVWordMatchesHashFNV: the state hash of gnm's loop test (fnvWord)
// is hash/fnv's New64a over the values' little-endian bytes.
func TestFNVWordMatchesHashFNV(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 50; n++ {
		h := fnv.New64a()
		k := fnvOffset
		var buf [8]byte
		for i := 0; i < n; i++ {
			v := r.Uint64()
			binary.LittleEndian.PutUint64(buf[:], v)
			h.Write(buf[:])
			k = fnvWord(k, v)
		}
		if k != h.Sum64() {
			t.Fatalf("%d words: %x, hash/fnv %x", n, k, h.Sum64())
		}
	}
}

// TestGNMChordSolveMatchesLU: on a random support point, the chord solve
// with the factors solveReducedTangent kept gives the same correction, to
// the bit, as that solve, for the same right-hand side; for another one it
// agrees with a fresh solveReduced to rounding.
func TestGNMChordSolveMatchesLU(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		tr, y, r, _ := drawSupportPoint(rt, 2, 5)
		d := tr.dim()
		ref := make([]float64, d)
		for i := range ref {
			ref[i] = r.Float64() - 0.5
		}
		normalize(ref)
		bA := make([]float64, d-1)
		tr.system(y, bA, nil)
		for i := range bA {
			bA[i] = -bA[i]
		}
		x1, x2, tn := make([]float64, d), make([]float64, d), make([]float64, d)
		if _, ok := tr.solveReducedTangent(bA, ref, 0.25, x1, tn); !ok {
			return
		}
		tr.chordSolve(bA, ref, 0.25, x2)
		for i := 0; i < d; i++ {
			if math.Float64bits(x1[i]) != math.Float64bits(x2[i]) {
				rt.Fatalf("chord solve %v, LU solve %v", x2, x1)
			}
		}
		b2 := make([]float64, d-1)
		for i := range b2 {
			b2[i] = r.Float64() - 0.5
		}
		x3, x4 := make([]float64, d), make([]float64, d)
		tr.chordSolve(b2, ref, -0.5, x3)
		if _, ok := tr.solveReduced(b2, ref, -0.5, x4); !ok {
			return
		}
		for i := 0; i < d; i++ {
			if math.Abs(x3[i]-x4[i]) > 1e-9*(1+math.Abs(x4[i])) {
				rt.Fatalf("chord solve %v, fresh solve %v", x3, x4)
			}
		}
	})
}

// TestGNMSupportValues3MatchesLoad: the support's values that the chord
// iterations compute alone are those of a full load, to rounding.
func TestGNMSupportValues3MatchesLoad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		shape := make([]int, 3)
		for p := range shape {
			shape[p] = rapid.IntRange(1, 6).Draw(rt, "strategies")
		}
		tr, y, _ := randomSupportPoint(shape, rapid.Uint64().Draw(rt, "seed"))
		want := append([]float64(nil), tr.u...)
		clear(tr.u)
		tr.supportValues3(y)
		for _, s := range tr.sup {
			if math.Abs(tr.u[s]-want[s]) > 1e-14 {
				rt.Fatalf("strategy %d: value %v, load %v", s, tr.u[s], want[s])
			}
		}
	})
}

// TestGNMEventsAtMatchesRows: the events of a 3-player game read
// straight from the tables outside the support (eventsAt) are those
// computed from the loaded rows (loadOutside and events), to rounding.
func TestGNMEventsAtMatchesRows(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		shape := make([]int, 3)
		for p := range shape {
			shape[p] = rapid.IntRange(1, 6).Draw(rt, "strategies")
		}
		tr, y, r := randomSupportPoint(shape, rapid.Uint64().Draw(rt, "seed"))
		d := tr.dim()
		dir := make([]float64, d)
		for i := range dir {
			dir[i] = r.Float64() - 0.5
		}
		T := tr.T
		v, s := make([]float64, T+1), make([]float64, T+1)
		wv, ws := make([]float64, T+1), make([]float64, T+1)
		tr.cached = false
		tr.loadOutside(y)
		tr.events(y, dir, wv, ws)
		tr.eventsAt(y, dir, v, s)
		for j := range v {
			if math.Abs(v[j]-wv[j]) > 1e-13 || math.Abs(s[j]-ws[j]) > 1e-13 {
				rt.Fatalf("event %d: value %v slope %v, from the rows %v and %v", j, v[j], s[j], wv[j], ws[j])
			}
		}
	})
}
