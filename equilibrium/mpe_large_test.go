package equilibrium

import (
	"context"
	"math"
	"os"
	"testing"
)

// mpeNearDegenerateStage is the stage game (3 actors × 3 actions, payoffs
// in Gambit order) at state s23 of the 50-state three-actor benchmark game
// (mpeRandomGame(2, 50, 3, 3, 0.9)) in value iteration's 14th sweep. Its
// logit path approaches an equilibrium in which the third actor mixes
// three actions, to within 1e-6 of a triple tie, while no exact
// equilibrium has that support: the polish of the path's end fails on
// every threshold, and both package nash's logit and this package's own
// tracer gave up on it (value iteration then stopped at this state).
var mpeNearDegenerateStage = []float64{
	2.2784250629192684, 1.4821794085507682, 3.5565299604581058,
	2.4598903312355924, 2.3151871066358805, 3.453753640878916,
	2.9218421107979045, 2.5180537809382066, 2.2111633456041186,
	3.6451082794283964, 2.1945345795396483, 3.347638897508345,
	1.4249733555918558, 1.5432248154059158, 2.4973156544204382,
	2.0199139596739615, 3.742596012666158, 2.5485557169925634,
	3.3308756898787863, 2.2839882536771623, 4.4106240004366475,
	3.4002954100600578, 2.6883648804836016, 2.160289064862899,
	2.159990307939068, 1.8378453313821175, 2.698742177466541,
	2.503051624100695, 2.4642797578991784, 2.499316371831854,
	1.8824457054567847, 2.96452508426047, 3.7097505878479247,
	3.3668449415871513, 1.7664151189119177, 2.67886307488987,
	2.735380358849736, 2.31376910702231, 2.4670178882665055,
	2.31870004165937, 2.4621551062364073, 1.6503731008768672,
	1.8637909684826182, 2.6543247462195256, 2.187394898308727,
	3.545585146132063, 1.8794796572454, 2.617513095923891,
	2.8397398683569204, 1.3529565051421382, 3.1911783765165427,
	2.8750708765266246, 1.855695421519435, 3.9286894464907203,
	3.0547886725284332, 1.8347702915511215, 2.6184579224935822,
	2.103230811859648, 2.311939088142953, 2.7602124362505323,
	2.657883227169406, 2.271817113440197, 2.8315494146089035,
	3.75475702601691, 1.9221129384529507, 3.735990947405684,
	1.5355176734645446, 2.8364952075414616, 3.5769374610897238,
	2.3756404484228937, 1.8466911552415761, 3.4321394815546293,
	2.893076695823797, 1.8840027006962665, 3.813831804890645,
	2.79701496414476, 1.9834382230876613, 2.503392138600969,
	3.292518556727112, 3.6651939290835687, 2.3489356091882376,
}

// The stage solver finds an exact equilibrium of the near-degenerate stage
// game on a sub-support of the logit path's end; the certificate (an
// independent check of every action's payoff) confirms it.
func TestStageSolverNearDegenerate(t *testing.T) {
	shape := []int{3, 3, 3}
	prev := [][]float64{{1, 0, 0}, {1, 0, 0}, {1, 0, 0}}
	eq, err := mpeStageDefault(context.Background(), shape, mpeNearDegenerateStage, prev)
	if err != nil {
		t.Fatal(err)
	}
	sm := newMPEStageModel(context.Background(), shape, mpeNearDegenerateStage)
	sig := make([][][]float64, len(eq))
	for a := range eq {
		tot := 0.0
		for _, p := range eq[a] {
			if p < 0 || math.IsNaN(p) {
				t.Fatalf("actor %d: not a distribution: %v", a, eq[a])
			}
			tot += p
		}
		if math.Abs(tot-1) > 1e-12 {
			t.Fatalf("actor %d: probabilities sum to %v", a, tot)
		}
		sig[a] = [][]float64{eq[a]}
	}
	gain, _, err := sm.certificate(sig)
	if err != nil {
		t.Fatal(err)
	}
	if gain > 1e-12*sm.scale {
		t.Fatalf("one-shot gain %g at %v", gain, eq)
	}
}

// The random games of the performance issue's sizes, each required to
// converge with a certified equilibrium: behind TRUCE_MPE_LARGE=1, as they
// take minutes (docs/solve.md, Benchmarks).
func TestSolveLargeRandomGames(t *testing.T) {
	if os.Getenv("TRUCE_MPE_LARGE") == "" {
		t.Skip("set TRUCE_MPE_LARGE=1 to solve the large random games (minutes)")
	}
	cases := []struct {
		name           string
		seed           uint64
		states, nA, nK int
		method         string
	}{
		{"15x2x2", 3, 15, 2, 2, "auto"},
		{"20x3x3", 2, 20, 3, 3, "auto"},
		{"50x2x4", 1, 50, 2, 4, "auto"},
		{"50x3x3 iterate", 2, 50, 3, 3, "iterate"},
		{"50x3x3 auto", 2, 50, 3, 3, "auto"},
		{"200x2x2", 4, 200, 2, 2, "auto"},
		{"400x2x2", 5, 400, 2, 2, "auto"},
		{"1000x2x2", 6, 1000, 2, 2, "auto"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := mpeRandomGame(c.seed, c.states, c.nA, c.nK, 0.9)
			r, err := Solve(context.Background(), g, Options{Method: c.method})
			if err != nil {
				t.Fatal(err)
			}
			if !r.Converged {
				t.Fatalf("%s: not converged: %s", r.Method, r.Reason)
			}
			gain, err := OneShotGain(g, r.Profile(g))
			if err != nil {
				t.Fatal(err)
			}
			if gain > 1e-8 {
				t.Fatalf("%s converged but the one-shot gain is %g", r.Method, gain)
			}
		})
	}
}
