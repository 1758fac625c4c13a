package nash

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/truce-dev/truce/game"
)

// nPlayerGames lists the copied Gambit games with more than two players.
func nPlayerGames(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(mixedData, "games", "*.nfg"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		g := loadNFG(t, f)
		if g.NumPlayers() > 2 {
			out = append(out, filepath.Base(f))
		}
	}
	sort.Strings(out)
	if len(out) < 16 {
		t.Fatalf("only %d N-player games", len(out))
	}
	return out
}

func TestLogitNPlayerGames(t *testing.T) {
	for _, name := range nPlayerGames(t) {
		t.Run(name, func(t *testing.T) {
			g := loadNFG(t, filepath.Join(mixedData, "games", name))
			res, err := Logit(context.Background(), g, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Complete || len(res.Equilibria) != 1 {
				t.Fatalf("complete=%v (%s), %d equilibria", res.Complete, res.Reason, len(res.Equilibria))
			}
			e := res.Equilibria[0]
			checkProfile(t, e.Profile)
			if r := e.Regret / payoffRange(g); r >= 1e-8 {
				t.Errorf("relative regret %g", r)
			}
			ref := filepath.Join(mixedData, "gambit", name+".logit.out")
			want := gambitProfiles(t, ref)
			if len(want) == 0 {
				return
			}
			wf := make([]float64, len(want[0]))
			for i, r := range want[0] {
				wf[i], _ = r.Float64()
			}
			// Gambit's printed end is not always an equilibrium (on 2x2x2.nfg
			// it stops at the bifurcation at λ≈0.597, where player 3 still
			// gains 0.21 by deviating); compare only against ends that are
			// equilibria.
			gp := make([][]float64, len(e.Profile))
			k := 0
			for p := range gp {
				gp[p] = wf[k : k+len(e.Profile[p])]
				k += len(e.Profile[p])
			}
			if gr := g.Regret(gp) / payoffRange(g); gr > 1e-6 {
				t.Logf("Gambit's end %v has relative regret %.3g: not compared", wf, gr)
				return
			}
			if d := maxDiff(flatFloat(e), wf); d > 1e-4 {
				t.Errorf("ends at %v, Gambit at %v (max diff %g)", flatFloat(e), wf, d)
			}
			t.Logf("steps %v lambda %v regret %g", res.Stats["steps"], res.Stats["lambda"], e.Regret)
		})
	}
}

// checkProfile asserts every player's probabilities are in [0,1] and sum to 1.
func checkProfile(t *testing.T, prof [][]float64) {
	t.Helper()
	for p, s := range prof {
		sum := 0.0
		for _, v := range s {
			if v < 0 || v > 1 {
				t.Errorf("player %d: probability %v", p, v)
			}
			sum += v
		}
		if d := sum - 1; d > 1e-12 || d < -1e-12 {
			t.Errorf("player %d: probabilities sum to %v", p, sum)
		}
	}
}

func TestLogitLambda(t *testing.T) {
	g := loadNFG(t, filepath.Join(mixedData, "games", "g1.nfg"))
	res, err := Logit(context.Background(), g, Options{Lambda: 2})
	if err != nil {
		t.Fatal(err)
	}
	e := res.Equilibria[0]
	if e.Lambda != 2 {
		t.Fatalf("lambda %v", e.Lambda)
	}
	checkProfile(t, e.Profile)
	// A QRE at λ is a fixed point of the logit response at λ.
	for p := range e.Profile {
		vals := make([]float64, len(e.Profile[p]))
		g.StrategyValues(e.Profile, p, vals)
		z := 0.0
		for _, v := range vals {
			z += expf(2 * (v - vals[0]))
		}
		for s, v := range vals {
			want := expf(2*(v-vals[0])) / z
			if d := e.Profile[p][s] - want; d > 1e-9 || d < -1e-9 {
				t.Errorf("player %d strategy %d: %v, logit response %v", p, s, e.Profile[p][s], want)
			}
		}
	}
	if !strings.Contains(res.Method, "logit") {
		t.Errorf("method %q", res.Method)
	}
}

func expf(x float64) float64 { return math.Exp(x) }

// TestLogitDegenerateContinuum is the 2×3×3 game with payoffs in {0,1,2}
// on which the path once ran into a step-size underflow near λ = 1e7: its
// limit lies in a continuum of equilibria, where the support polish has to
// take minimum-norm steps.
func TestLogitDegenerateContinuum(t *testing.T) {
	pay := []int64{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0}
	g, err := game.NewStrategic([]string{"1", "2", "3"}, [][]string{{"a", "b"}, {"a", "b", "c"}, {"a", "b", "c"}})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range pay {
		g.SetPayoff(i/3, i%3, big.NewRat(v, 1))
	}
	res, err := Logit(context.Background(), g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Complete {
		t.Fatalf("incomplete: %s", res.Reason)
	}
	e := res.Equilibria[0]
	checkProfile(t, e.Profile)
	if e.Regret >= 1e-8*payoffRange(g) {
		t.Errorf("regret %g", e.Regret)
	}
	// The path's limit (read off λ = 1e5 on the path) is
	// (1,0), (1/2,0,1/2), (1/4,1/2,1/4).
	want := []float64{1, 0, 0.5, 0, 0.5, 0.25, 0.5, 0.25}
	if d := maxDiff(flatFloat(e), want); d > 1e-4 {
		t.Errorf("ends at %v, want %v", flatFloat(e), want)
	}
}

// TestLogitFold is a 2×2 game (two dummy players added) where player 1's
// second strategy dominates and player 2 is indifferent against it: the
// QRE correspondence folds back near λ = 2.43 and forward again, with
// nearby sheets the corrector once jumped between until it walked the path
// back to λ = 0. On the far sheet player 2 tends to (1/2, 1/2).
func TestLogitFold(t *testing.T) {
	g := gameOfInts(t, []int{2, 2, 1, 1}, []int64{0, 40, 4, 17, 1, 3, 17, 9, 9, 4, 3, 40, 40, 3, 40, 9})
	res, err := Logit(context.Background(), g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Complete {
		t.Fatalf("incomplete: %s", res.Reason)
	}
	e := res.Equilibria[0]
	if e.Regret > 1e-9 {
		t.Errorf("regret %g", e.Regret)
	}
	if d := maxDiff(flatFloat(e), []float64{0, 1, 0.5, 0.5, 1, 1}); d > 1e-3 {
		t.Errorf("ends at %v", e.Profile)
	}
	// Before the fold the path is smooth in λ: λ = 2 is on the first sheet.
	q, err := Logit(context.Background(), g, Options{Lambda: 2})
	if err != nil || !q.Complete {
		t.Fatalf("lambda 2: %v %v", err, q.Reason)
	}
	if p := q.Equilibria[0].Profile; math.Abs(p[0][0]-0.1179) > 1e-3 || math.Abs(p[1][0]-0.9998) > 1e-3 {
		t.Errorf("QRE at lambda 2: %v", p)
	}
}

func TestLogitAndSimpDivStopWhenCancelled(t *testing.T) {
	g := loadNFG(t, filepath.Join(mixedData, "rand_10x10x10_s3010.nfg"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, m := range []func(context.Context, *game.Strategic, Options) (*Result, error){Logit, SimpDiv} {
		res, err := m(ctx, g, Options{})
		if err != nil {
			t.Fatal(err)
		}
		// The starting point is all that was found: shown, but as an
		// approximation, never as an equilibrium.
		if res.Complete || !strings.HasPrefix(res.Reason, "interrupted") || !errors.Is(res.Err, context.Canceled) ||
			len(res.Equilibria) != 1 || !res.Equilibria[0].Approximate {
			t.Fatalf("%s: complete=%v reason %q, %d profiles", res.Method, res.Complete, res.Reason, len(res.Equilibria))
		}
		checkProfile(t, res.Equilibria[0].Profile)
	}
}

func ExampleLogit() {
	// Matching pennies: the logit path stays at the unique equilibrium.
	g, _ := game.NewStrategic([]string{"1", "2"}, [][]string{{"H", "T"}, {"H", "T"}})
	for k, u := range []int64{1, -1, -1, 1} {
		g.SetPayoff(k, 0, big.NewRat(u, 1))
		g.SetPayoff(k, 1, big.NewRat(-u, 1))
	}
	res, _ := Logit(context.Background(), g, Options{})
	fmt.Printf("%.4f complete=%v\n", res.Equilibria[0].Profile, res.Complete)
	// Output:
	// [[0.5000 0.5000] [0.5000 0.5000]] complete=true
}

// TestLogitPathAlone follows the path without the early support solve: the
// path itself must reach regret 1e-8 (rescaled), near the polished end.
func TestLogitPathAlone(t *testing.T) {
	names := nPlayerGames(t)
	names = append(names, "../rand_5x5x5_s3005.nfg", "../rand_10x10x10_s3010.nfg")
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			g := loadNFG(t, filepath.Join(mixedData, "games", name))
			ng, span := newNormGame(g)
			if span == 0 {
				t.Skip("constant payoffs")
			}
			tr := newTracer(ng)
			tr.noPolish = true
			p, lam, ok, why := tr.run(context.Background(), 0, nil)
			if !ok {
				t.Fatalf("path stopped at lambda %g: %s", lam, why)
			}
			prof := ng.split(p)
			if r := g.Regret(prof) / span; r >= 1e-8 {
				t.Errorf("regret %g at lambda %g", r, lam)
			}
			res, err := Logit(context.Background(), g, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if d := maxDiff(p, flatFloat(res.Equilibria[0])); d > 1e-4 {
				t.Errorf("path alone ends %g away from the polished end", d)
			}
			t.Logf("lambda %.4g, %d steps", lam/span, tr.steps)
		})
	}
}

// TestLogitWidePayoffs is a 3×4 game whose payoffs span 1e5 while the
// equilibrium turns on differences of about 1: the path must go to
// λ ≈ 1e5 on rescaled payoffs, where the corrector's steps stop shrinking
// near 1e-7; the path once died there of a step-size underflow.
func TestLogitWidePayoffs(t *testing.T) {
	g := gameOfInts(t, []int{3, 4}, []int64{0, -74, 1, 0, 0, 0, -4, -1, -5, -1, -2, 0, 814, -21, -77797, -534, 0, -79, -22, -95301, -5, -2275, -100000, 162})
	res, err := Logit(context.Background(), g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Complete {
		t.Fatalf("incomplete: %s", res.Reason)
	}
	if r := res.Equilibria[0].Regret; r > 1e-9 {
		t.Errorf("regret %g", r)
	}
}

// TestLogitStaysOnPrincipalBranch: a generic 2×2 game with two pure
// equilibria and a mixed one, where the principal branch passes close to
// the sheet that ends at the mixed equilibrium. The tracer used to step
// across (λ from 9 to 15 in one step: the whole tangent, almost all λ,
// barely turned while its profile part reversed) and returned the mixed
// equilibrium. Found by equilibrium's TestHomotopyMatchesNashLogitOneState
// (payoff seed 0x19b5557735c6); the homotopy there and a plain
// continuation in λ with 0.5% steps both end at (row 1, column 2).
func TestLogitStaysOnPrincipalBranch(t *testing.T) {
	g := &game.Strategic{
		Players:    []string{"1", "2"},
		Strategies: [][]string{{"1", "2"}, {"1", "2"}},
		Payoffs: []float64{5.974560480986813, -4.75083110337108, 6.977032060902623, 6.237275952204641,
			-1.9464134909255382, -0.2696818646937533, -3.0464760832528315, 1.566452201301816},
	}
	res, err := Logit(context.Background(), g, Options{})
	if err != nil || !res.Complete {
		t.Fatalf("logit: %v %+v", err, res)
	}
	if d := maxDiff(flatFloat(res.Equilibria[0]), []float64{1, 0, 0, 1}); d > 1e-9 {
		t.Fatalf("ends at %v, want the pure equilibrium (row 1, column 2) the principal branch reaches", res.Equilibria[0].Profile)
	}
}
