package markov

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestBadInputs(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(g *Game, p Profile) (*Game, Profile)
		want   string
	}{
		{"nil game", func(g *Game, p Profile) (*Game, Profile) { return nil, p }, "nil game"},
		{"initial out of range", func(g *Game, p Profile) (*Game, Profile) { g.Initial = 5; return g, p }, "initial state"},
		{"discount above 1", func(g *Game, p Profile) (*Game, Profile) { g.Actors[0].Discount = 1.5; return g, p }, "discount"},
		{"transitions sum", func(g *Game, p Profile) (*Game, Profile) { g.Trans[0][3][0].P = 0.5; return g, p }, "sum to"},
		{"successor out of range", func(g *Game, p Profile) (*Game, Profile) { g.Trans[0][0][0].State = 9; return g, p }, "bad successor"},
		{"flow NaN", func(g *Game, p Profile) (*Game, Profile) { g.Flow[0][1][2] = math.NaN(); return g, p }, "not finite"},
		{"entry Inf", func(g *Game, p Profile) (*Game, Profile) { g.Entry[1][0] = math.Inf(1); return g, p }, "not finite"},
		{"weights", func(g *Game, p Profile) (*Game, Profile) { g.Actors[1].Weights = nil; return g, p }, "weights"},
		{"available action out of range", func(g *Game, p Profile) (*Game, Profile) { g.Avail[0][0] = []int{0, 7}; return g, p }, "out of range"},
		{"missing strategy", func(g *Game, p Profile) (*Game, Profile) { return g, p[:1] }, "1 strategies for 2 actors"},
		{"base length", func(g *Game, p Profile) (*Game, Profile) { p[0].Base = p[0].Base[:1]; return g, p }, "base play for 1 states"},
		{"base width", func(g *Game, p Profile) (*Game, Profile) { p[1].Base[0] = []float64{1}; return g, p }, "1 probabilities for 2"},
		{"base negative", func(g *Game, p Profile) (*Game, Profile) { p[1].Base[0] = []float64{1.5, -0.5}; return g, p }, "outside [0,1]"},
		{"base sum", func(g *Game, p Profile) (*Game, Profile) { p[1].Base[0] = []float64{0.5, 0.2}; return g, p }, "sum to 0.7"},
		{"base NaN", func(g *Game, p Profile) (*Game, Profile) { p[1].Base[0] = []float64{math.NaN(), 1}; return g, p }, "outside [0,1]"},
		{"rule state", func(g *Game, p Profile) (*Game, Profile) { p[0].Rules[0].State = 4; return g, p }, "state 4 out of range"},
		{"cond actor", func(g *Game, p Profile) (*Game, Profile) { p[0].Rules[0].After[0].Actor = 3; return g, p }, "actor 3 out of range"},
		{"cond action", func(g *Game, p Profile) (*Game, Profile) { p[0].Rules[0].After[0].Actions = []int{5}; return g, p }, "action 5"},
		{"play action", func(g *Game, p Profile) (*Game, Profile) { p[0].Rules[0].Play[0].Action = -1; return g, p }, "action -1 out of range"},
		{"play sum", func(g *Game, p Profile) (*Game, Profile) { p[0].Rules[0].Play[0].P = 0.9; return g, p }, "sum to 0.9"},
		{"play twice", func(g *Game, p Profile) (*Game, Profile) {
			p[0].Rules[0].Play = []ActionProb{{1, 0.5}, {1, 0.5}}
			return g, p
		}, "listed twice"},
		{"play unavailable", func(g *Game, p Profile) (*Game, Profile) {
			g.Actions[0] = append(g.Actions[0], "nuke")
			p[0].Rules[0].Play = []ActionProb{{2, 1}}
			return g, p
		}, "nuke, which is not available in state standoff"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, p := tc.mutate(tft(0.3, 0.25, 0.9, 0.95))
			_, err := Analyze(context.Background(), g, p, 10)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Analyze: err = %v, want it to mention %q", err, tc.want)
			}
			_, err = Simulate(context.Background(), g, p, SimOptions{Runs: 10, Horizon: 10})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Simulate: err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
	g, p := tft(0.3, 0.25, 0.9, 0.95)
	if _, err := Analyze(context.Background(), g, p, -1); err == nil {
		t.Error("negative horizon accepted")
	}
	if _, err := AnalyzeWith(context.Background(), g, p, AnalyzeOptions{Horizon: 2, States: []int{7}}); err == nil {
		t.Error("state out of range accepted")
	}
	if _, err := Simulate(context.Background(), g, p, SimOptions{Runs: 0, Horizon: 5}); err == nil {
		t.Error("zero runs accepted")
	}
	if _, err := Simulate(context.Background(), g, p, SimOptions{Runs: 5, Horizon: -5}); err == nil {
		t.Error("negative horizon accepted")
	}
	if _, err := Simulate(context.Background(), g, p, SimOptions{Runs: 5, Horizon: MaxHorizon + 1}); err == nil {
		t.Error("huge horizon accepted")
	}
	if _, err := Analyze(context.Background(), g, p, 1<<40); err == nil {
		t.Error("huge horizon accepted")
	}
}

// TestNoPanicOnMangledInput: random corruption of a valid game and profile
// yields an error or an answer, never a panic.
func TestNoPanicOnMangledInput(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		seed := rapid.Uint64().Draw(rt, "seed")
		g, p := randomGame(rand.New(rand.NewPCG(seed, 1)), 4, 2, 2, 1, true)
		val := rapid.SampledFrom([]float64{-1, 0, 0.5, 1, 2, 7, math.NaN(), math.Inf(1)}).Draw(rt, "value")
		idx := rapid.IntRange(-2, 8).Draw(rt, "index")
		at := func(n int) int { // an index that may be out of range
			if n == 0 {
				return idx
			}
			return (idx%n + n) % n
		}
		switch rapid.IntRange(0, 13).Draw(rt, "what") {
		case 0:
			g.Initial = idx
		case 1:
			g.Actors[at(2)].Discount = val
		case 2:
			s := at(3)
			if len(g.Trans[s]) > 0 {
				g.Trans[s][0][0].State = idx
			}
		case 3:
			s := at(3)
			if len(g.Trans[s]) > 0 {
				g.Trans[s][0][0].P = val
			}
		case 4:
			g.Avail[at(3)] = [][]int{{idx}}
		case 5:
			g.Flow[at(4)] = nil
		case 6:
			g.Entry[at(4)] = []float64{val}
		case 7:
			g.States[at(4)].Terminal = !g.States[at(4)].Terminal
		case 8:
			p[at(2)].Base[at(4)] = []float64{val}
		case 9:
			p[at(2)].Rules = append(p[at(2)].Rules, Rule{State: idx, Play: []ActionProb{{idx, val}}})
		case 10:
			p[at(2)].Rules = append(p[at(2)].Rules, Rule{State: -1, After: []Cond{{Actor: idx, Actions: []int{idx}}}, Play: []ActionProb{{0, 1}}})
		case 11:
			g.Actions[at(2)] = nil
		case 12:
			g.Components = append(g.Components, "extra")
		case 13:
			p = p[:at(2)]
		}
		H := rapid.IntRange(-1, 5).Draw(rt, "horizon")
		_, _ = Analyze(context.Background(), g, p, H)
		_, _ = Simulate(context.Background(), g, p, SimOptions{Runs: 3, Horizon: H, Workers: 2})
	})
}
