package equilibrium

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/truce-dev/truce/internal/cputime"
	"github.com/truce-dev/truce/markov"
)

// sgsGame is a game of mpeRandomGame in the arrays sGameSolver's SGame
// takes (Eibelshäuser & Poensgen's stochastic game solver): U[s][p][k0][k1]
// the period payoffs, Phi[s][k0][k1][t] the probabilities of moving to
// non-terminal state t (a row sums to less than one: the rest ends the
// game). truce's terminal state pays its entry utility once, discounted
// like the next period's payoff, so it is folded into U as
// δ·P(end|s,k)·entry. Truce holds truce's answer on the same game: its
// profile, its CPU time and path steps, for scripts/bench-sgamesolver.sh.
type sgsGame struct {
	Name  string
	Delta float64
	U     [][][][]float64
	Phi   [][][][]float64
	Truce *sgsTruce `json:",omitempty"`
}

type sgsTruce struct {
	Method     string
	Steps      int
	CPUSeconds float64
	Gain       float64
	Strategies [][][]float64 // [s][p][k]
	Values     [][]float64   // [s][p]
}

// toSGS converts a two-actor game with one payoff component, one terminal
// state (the last) and the same actions in every other state.
func toSGS(g *markov.Game) (*sgsGame, error) {
	if len(g.Actors) != 2 || len(g.Components) != 1 {
		return nil, fmt.Errorf("want 2 actors and 1 component, have %d and %d", len(g.Actors), len(g.Components))
	}
	nS := len(g.States) - 1
	if !g.States[nS].Terminal {
		return nil, fmt.Errorf("the last state is not terminal")
	}
	delta := g.Actors[0].Discount
	if g.Actors[1].Discount != delta {
		return nil, fmt.Errorf("discount factors differ")
	}
	K0, K1 := len(g.Avail[0][0]), len(g.Avail[0][1])
	out := &sgsGame{Delta: delta}
	for s := 0; s < nS; s++ {
		if g.States[s].Terminal || len(g.Avail[s][0]) != K0 || len(g.Avail[s][1]) != K1 {
			return nil, fmt.Errorf("state %d: not a %d×%d non-terminal state", s, K0, K1)
		}
		u := make([][][]float64, 2)
		for p := range u {
			u[p] = make([][]float64, K0)
			for k0 := range u[p] {
				u[p][k0] = make([]float64, K1)
			}
		}
		phi := make([][][]float64, K0)
		for k0 := range phi {
			phi[k0] = make([][]float64, K1)
			for k1 := range phi[k0] {
				phi[k0][k1] = make([]float64, nS)
			}
		}
		for k1 := 0; k1 < K1; k1++ {
			for k0 := 0; k0 < K0; k0++ {
				j := k0 + K0*k1 // actor 0 varies fastest (markov.Game)
				for p := 0; p < 2; p++ {
					u[p][k0][k1] = g.Actors[p].Weights[0] * g.Flow[s][j][p]
				}
				for _, nx := range g.Trans[s][j] {
					if nx.State == nS {
						for p := 0; p < 2; p++ {
							u[p][k0][k1] += delta * nx.P * g.Actors[p].Weights[0] * g.Entry[nS][p]
						}
						continue
					}
					phi[k0][k1][nx.State] += nx.P
				}
			}
		}
		out.U = append(out.U, u)
		out.Phi = append(out.Phi, phi)
	}
	return out, nil
}

// sgsValues are the values of a profile in the converted game: for each
// player, V = (I − δ·P_σ)⁻¹ u_σ over the non-terminal states.
func sgsValues(t *testing.T, sg *sgsGame, sigma [][][]float64) [][]float64 {
	t.Helper()
	nS := len(sg.U)
	V := make([][]float64, nS)
	for s := range V {
		V[s] = make([]float64, 2)
	}
	for p := 0; p < 2; p++ {
		A := mat.NewDense(nS, nS, nil)
		b := mat.NewVecDense(nS, nil)
		for s := 0; s < nS; s++ {
			A.Set(s, s, 1)
			for k0, x0 := range sigma[s][0] {
				for k1, x1 := range sigma[s][1] {
					w := x0 * x1
					b.SetVec(s, b.AtVec(s)+w*sg.U[s][p][k0][k1])
					for t2, q := range sg.Phi[s][k0][k1] {
						A.Set(s, t2, A.At(s, t2)-sg.Delta*w*q)
					}
				}
			}
		}
		var x mat.VecDense
		if err := x.SolveVec(A, b); err != nil {
			t.Fatalf("player %d: %v", p, err)
		}
		for s := 0; s < nS; s++ {
			V[s][p] = x.AtVec(s)
		}
	}
	return V
}

// The conversion keeps the game: under truce's equilibrium the converted
// game's values, computed independently by one linear solve per player,
// are truce's values, in every state, to rounding.
func TestSGameSolverConversion(t *testing.T) {
	for _, tc := range []struct {
		seed uint64
		nS   int
		K    int
	}{{1, 5, 2}, {2, 12, 3}, {3, 8, 4}} {
		g := mpeRandomGame(tc.seed, tc.nS, 2, tc.K, 0.9)
		r, err := Solve(context.Background(), g, Options{Method: "homotopy"})
		if err != nil || !r.Converged {
			t.Fatalf("seed %d: %v %v", tc.seed, err, r)
		}
		sg, err := toSGS(g)
		if err != nil {
			t.Fatal(err)
		}
		sigma := make([][][]float64, tc.nS)
		for s := range sigma {
			sigma[s] = [][]float64{r.Strategies[0][s], r.Strategies[1][s]}
		}
		V := sgsValues(t, sg, sigma)
		for s := 0; s < tc.nS; s++ {
			for p := 0; p < 2; p++ {
				if d := math.Abs(V[s][p] - r.Values[p][s]); d > 1e-9 {
					t.Errorf("seed %d state %d player %d: converted value %.12g, truce's %.12g", tc.seed, s, p, V[s][p], r.Values[p][s])
				}
			}
		}
	}
	// Entry payoffs matter: a game whose every flow is zero is worth only
	// its discounted entry payoffs, so dropping them would fail above;
	// check the fold directly on one state too.
	g := mpeRandomGame(4, 3, 2, 2, 0.9)
	sg, err := toSGS(g)
	if err != nil {
		t.Fatal(err)
	}
	j := 1 // k0 = 1, k1 = 0
	want := g.Flow[0][j][0]
	for _, nx := range g.Trans[0][j] {
		if nx.State == 3 {
			want += 0.9 * nx.P * g.Entry[3][0]
		}
	}
	if got := sg.U[0][0][1][0]; math.Abs(got-want) > 1e-15 {
		t.Errorf("U[0][0][1][0] = %v, want %v", got, want)
	}
}

// TestWriteSGameSolverGames writes the games scripts/bench-sgamesolver.sh
// gives sGameSolver, with truce's homotopy answer and CPU time on each,
// when TRUCE_SGS_OUT names a directory; without it there is nothing to
// write (the conversion itself is tested above).
func TestWriteSGameSolverGames(t *testing.T) {
	dir := os.Getenv("TRUCE_SGS_OUT")
	if dir == "" {
		t.Skip("set TRUCE_SGS_OUT=dir to write the sGameSolver comparison's games (scripts/bench-sgamesolver.sh)")
	}
	type size struct{ nS, K int }
	sizes := []size{{5, 2}, {10, 2}, {15, 2}, {20, 2}, {50, 2}, {10, 4}, {20, 4}, {50, 4}}
	for _, sz := range sizes {
		for seed := uint64(1); seed <= 5; seed++ {
			g := mpeRandomGame(seed, sz.nS, 2, sz.K, 0.9)
			sg, err := toSGS(g)
			if err != nil {
				t.Fatal(err)
			}
			sg.Name = fmt.Sprintf("%dx2x%d-seed%d", sz.nS, sz.K, seed)
			// The best of three runs' CPU, as the script takes for sGameSolver.
			var r *Result
			best := math.Inf(1)
			for i := 0; i < 3; i++ {
				c0 := cputime.Now()
				r, err = Solve(context.Background(), g, Options{Method: "homotopy"})
				if c := (cputime.Now() - c0).Seconds(); c < best {
					best = c
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			tr := &sgsTruce{Method: r.Method, Steps: r.Iterations, CPUSeconds: best, Gain: r.MaxDeviationGain}
			for s := 0; s < sz.nS; s++ {
				tr.Strategies = append(tr.Strategies, [][]float64{r.Strategies[0][s], r.Strategies[1][s]})
				tr.Values = append(tr.Values, []float64{r.Values[0][s], r.Values[1][s]})
			}
			if !r.Converged {
				t.Logf("%s: truce did not converge: %s", sg.Name, r.Reason)
			}
			sg.Truce = tr
			b, err := json.Marshal(sg)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, sg.Name+".json"), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
