package markov

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

const tol = 1e-12

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.IsNaN(want) && math.IsNaN(got) {
		return
	}
	if !(math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))) {
		t.Errorf("%s = %.17g, want %.17g (diff %.3g)", what, got, want, got-want)
	}
}

// twoState: A (initial) leads to terminal B with probability p per step;
// A pays flow per step, B pays entry once.
func twoState(p, flow, entry, delta float64) (*Game, Profile) {
	g := &Game{
		Actors:     []Actor{{ID: "X", Discount: delta, Weights: []float64{2}}},
		Components: []string{"m"},
		States:     []State{{ID: "A"}, {ID: "B", Terminal: true}},
		Initial:    0,
		Actions:    [][]string{{"wait"}},
		Avail:      [][][]int{{{0}}, nil},
		Trans:      [][][]Next{{{{0, 1 - p}, {1, p}}}, nil},
		Flow:       [][][]float64{{{flow}}, nil},
		Entry:      [][]float64{nil, {entry}},
	}
	return g, Profile{{Base: [][]float64{{1}, nil}}}
}

func TestTwoStateChain(t *testing.T) {
	const p, flow, entry, delta, H = 0.07, 1.5, -20, 0.97, 52
	for _, dense := range []int{0, -1} {
		g, prof := twoState(p, flow, entry, delta)
		c, err := BuildChain(context.Background(), g, prof)
		if err != nil {
			t.Fatal(err)
		}
		an, err := c.Analyze(context.Background(), AnalyzeOptions{Horizon: H, denseLimit: dense})
		if err != nil {
			t.Fatal(err)
		}
		q := 1 - p
		for tt := 0; tt <= H; tt++ {
			near(t, "reach B", an.Reach[1][tt], 1-math.Pow(q, float64(tt)))
			near(t, "reach A", an.Reach[0][tt], 1)
		}
		near(t, "absorb B", an.Absorb[1], 1)
		near(t, "absorb A", an.Absorb[0], 1)
		near(t, "time B", an.Time[1], 1/p)
		near(t, "time A", an.Time[0], 0)
		dq := delta * q
		v := (flow + delta*p*entry) / (1 - dq)
		near(t, "value", an.Value[0][0], v)
		near(t, "total", an.Total[0], 2*v)
		vh := (flow + delta*p*entry) * (1 - math.Pow(dq, H)) / (1 - dq)
		near(t, "value by H", an.ValueBy[0][0], vh)
		near(t, "total by H", an.TotalBy[0], 2*vh)
		qH := math.Pow(q, H)
		near(t, "occupancy A", an.Occupancy[0], (1-qH)/p)
		near(t, "occupancy B", an.Occupancy[1], H-(1-qH)/p)
		near(t, "steps", an.Steps, (1-qH)/p)
		near(t, "at horizon B", an.AtHorizon[1], 1-qH)
		near(t, "at horizon A", an.AtHorizon[0], qH)
		// Σ_{t=1..H} t·p·q^(t-1) = (1 - (H+1)q^H + H q^(H+1)) / p
		near(t, "time by H", an.TimeBy[1], (1-(H+1)*qH+H*qH*q)/p/(1-qH))
		near(t, "action share", an.ActionShare[0][0], 1)
		if an.Nodes != 2 {
			t.Errorf("nodes = %d, want 2", an.Nodes)
		}
	}
}

// threeState: A -> B with probability a; B -> A with b, B -> C (terminal)
// with c.
func threeState(a, b, c float64) (*Game, Profile) {
	g := &Game{
		Actors:     []Actor{{ID: "X", Discount: 0.9, Weights: []float64{1}}},
		Components: []string{"m"},
		States:     []State{{ID: "A"}, {ID: "B"}, {ID: "C", Terminal: true}},
		Actions:    [][]string{{"go"}},
		Avail:      [][][]int{{{0}}, {{0}}, nil},
		Trans: [][][]Next{
			{{{0, 1 - a}, {1, a}}},
			{{{0, b}, {1, 1 - b - c}, {2, c}}},
			nil,
		},
		Flow:  [][][]float64{{{1}}, {{-1}}, nil},
		Entry: [][]float64{nil, nil, {5}},
	}
	return g, Profile{{Base: [][]float64{{1}, {1}, nil}}}
}

func TestThreeStateChain(t *testing.T) {
	const a, b, c, H = 0.3, 0.2, 0.1, 40
	for _, dense := range []int{0, -1} {
		g, prof := threeState(a, b, c)
		an, err := AnalyzeWith(context.Background(), g, prof, AnalyzeOptions{Horizon: H, denseLimit: dense, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		for tt := 0; tt <= H; tt++ {
			near(t, "reach B", an.Reach[1][tt], 1-math.Pow(1-a, float64(tt)))
		}
		near(t, "time B", an.Time[1], 1/a)
		near(t, "absorb C", an.Absorb[2], 1)
		near(t, "absorb B", an.Absorb[1], 1)
		// T_B = (a+b)/(ac), T_A = (a+b+c)/(ac)
		near(t, "time C", an.Time[2], (a+b+c)/(a*c))
		// V_A = 1 + δ((1-a)V_A + a V_B); V_B = -1 + δ(b V_A + (1-b-c) V_B + 5c)
		d := 0.9
		m11, m12, r1 := 1-d*(1-a), -d*a, 1.0
		m21, m22, r2 := -d*b, 1-d*(1-b-c), -1+d*c*5
		det := m11*m22 - m12*m21
		near(t, "value", an.Value[0][0], (r1*m22-m12*r2)/det)
	}
}

// tft is a standoff: P0 plays tit-for-tat (C, then D after P1's D), P1
// defects with probability d; both defecting leads to war with
// probability q. Components: material (prisoner's dilemma payoffs) and
// prestige, zero-sum (+1 to whoever defects against a cooperator).
func tft(d, q, d0, d1 float64) (*Game, Profile) {
	const R, S, T, P = 3, -1, 5, 1
	g := &Game{
		Actors: []Actor{
			{ID: "P0", Discount: d0, Weights: []float64{1, 0.5}},
			{ID: "P1", Discount: d1, Weights: []float64{1, 2}},
		},
		Components: []string{"material", "prestige"},
		States:     []State{{ID: "standoff"}, {ID: "war", Terminal: true}},
		Actions:    [][]string{{"C", "D"}, {"C", "D"}},
		Avail:      [][][]int{{{0, 1}, {0, 1}}, nil},
		Trans: [][][]Next{{
			{{0, 1}}, {{0, 1}}, {{0, 1}}, {{0, 1 - q}, {1, q}},
		}, nil},
		// j = k0 + 2·k1; entries a*C+c: P0 material, P0 prestige, P1 material, P1 prestige.
		Flow: [][][]float64{{
			{R, 0, R, 0},  // C,C
			{T, 1, S, -1}, // D,C
			{S, -1, T, 1}, // C,D
			{P, 0, P, 0},  // D,D
		}, nil},
		Entry: [][]float64{nil, {-10, 0, -20, 0}},
	}
	prof := Profile{
		{Base: [][]float64{{1, 0}, nil}, Rules: []Rule{{State: 0, After: []Cond{{Actor: 1, Actions: []int{1}}}, Play: []ActionProb{{1, 1}}}}},
		{Base: [][]float64{{1 - d, d}, nil}},
	}
	return g, prof
}

func TestTitForTat(t *testing.T) {
	const d, q, H = 0.3, 0.25, 30
	for _, dense := range []int{0, -1} {
		for _, disc := range [][2]float64{{0.9, 0.95}, {0.96, 0.96}} {
			g, prof := tft(d, q, disc[0], disc[1])
			c, err := BuildChain(context.Background(), g, prof)
			if err != nil {
				t.Fatal(err)
			}
			if c.NumNodes() != 3 {
				t.Fatalf("nodes = %d, want 3 (standoff with/without retaliation, war)", c.NumNodes())
			}
			an, err := c.Analyze(context.Background(), AnalyzeOptions{Horizon: H, denseLimit: dense})
			if err != nil {
				t.Fatal(err)
			}
			near(t, "absorb war", an.Absorb[1], 1)
			// T1 = 1/(d²q), T0 = 1/d + T1.
			near(t, "time war", an.Time[1], 1/d+1/(d*d*q))
			// Reach by the two-node recurrence.
			x0, x1, w := 1.0, 0.0, 0.0
			for tt := 0; tt <= H; tt++ {
				near(t, "reach war", an.Reach[1][tt], w)
				near(t, "reach standoff", an.Reach[0][tt], 1)
				x0, x1, w = (1-d)*(x0+x1), d*x0+d*(1-q)*x1, w+d*q*x1
			}
			near(t, "at horizon", an.AtHorizon[1], an.Reach[1][H])
			// Values by Cramer's rule on the two retaliation nodes.
			rN0 := [2][2]float64{{3*(1-d) - d, -d}, {3*(1-d) + 5*d, d}}
			rN1 := [2][2]float64{{5*(1-d) + d, 1 - d}, {-(1 - d) + d, -(1 - d)}}
			entry := [2][2]float64{{-10, 0}, {-20, 0}}
			for a := 0; a < 2; a++ {
				dl := disc[a]
				det := (1-dl*(1-d))*(1-dl*d*(1-q)) - dl*dl*d*(1-d)
				for cc := 0; cc < 2; cc++ {
					b0, b1 := rN0[a][cc], rN1[a][cc]+dl*d*q*entry[a][cc]
					v0 := (b0*(1-dl*d*(1-q)) + dl*d*b1) / det
					near(t, "value", an.Value[a][cc], v0)
				}
				near(t, "total", an.Total[a], g.Actors[a].Weights[0]*an.Value[a][0]+g.Actors[a].Weights[1]*an.Value[a][1])
			}
			if disc[0] == disc[1] {
				near(t, "zero-sum prestige", an.Value[0][1], -an.Value[1][1])
				near(t, "zero-sum prestige by H", an.ValueBy[0][1], -an.ValueBy[1][1])
			}
			// P0 defects exactly at retaliation nodes: share = E[steps at N1]/E[steps].
			near(t, "shares sum", an.ActionShare[0][0]+an.ActionShare[0][1], 1)
			near(t, "P1 share D", an.ActionShare[1][1], d)
		}
	}
}

// TestMemoryCollapse: a rule reacting to an action that never changes
// play adds no node, and a rule for another state only splits that state.
func TestMemoryCollapse(t *testing.T) {
	g, prof := tft(0.3, 0.25, 0.9, 0.9)
	// P1's rule: after P0's C play the same as base.
	prof[1].Rules = []Rule{{State: -1, After: []Cond{{Actor: 0, Actions: []int{0}}}, Play: []ActionProb{{0, 0.7}, {1, 0.3}}}}
	c, err := BuildChain(context.Background(), g, prof)
	if err != nil {
		t.Fatal(err)
	}
	// P1's rule fires or not (2) × P0's rule (2), but P0's rule and P1's
	// rule exclude each other after step 0... count what is reachable.
	a1, err := Analyze(context.Background(), g, prof, 20)
	if err != nil {
		t.Fatal(err)
	}
	g2, prof2 := tft(0.3, 0.25, 0.9, 0.9)
	a2, err := Analyze(context.Background(), g2, prof2, 20)
	if err != nil {
		t.Fatal(err)
	}
	// Same play, so the same figures, whatever the node count.
	for tt := range a1.Reach[1] {
		near(t, "reach", a1.Reach[1][tt], a2.Reach[1][tt])
	}
	near(t, "value", a1.Value[0][0], a2.Value[0][0])
	if c.NumNodes() < 3 || c.NumNodes() > 5 {
		t.Errorf("nodes = %d", c.NumNodes())
	}

	// A rule for a terminal state never fires and adds no node.
	g3, prof3 := tft(0.3, 0.25, 0.9, 0.9)
	prof3[1].Rules = []Rule{{State: 1, After: []Cond{{Actor: 0, Actions: []int{1}}}, Play: []ActionProb{{1, 1}}}}
	c3, err := BuildChain(context.Background(), g3, prof3)
	if err != nil {
		t.Fatal(err)
	}
	if c3.NumNodes() != 3 {
		t.Errorf("with a rule for the terminal state: %d nodes, want 3", c3.NumNodes())
	}
}

func TestNeverAbsorbs(t *testing.T) {
	// A and B alternate forever; C is terminal but unreachable.
	g := &Game{
		Actors:     []Actor{{ID: "X", Discount: 0.5, Weights: []float64{1}}},
		Components: []string{"m"},
		States:     []State{{ID: "A"}, {ID: "B"}, {ID: "C", Terminal: true}, {ID: "D"}},
		Actions:    [][]string{{"go"}},
		Avail:      [][][]int{{{0}}, {{0}}, nil, {{0}}},
		Trans:      [][][]Next{{{{1, 1}}}, {{{0, 1}}}, nil, {{{2, 1}}}},
		Flow:       [][][]float64{{{1}}, {{0}}, nil, {{0}}},
		Entry:      [][]float64{nil, nil, {1}, nil},
	}
	prof := Profile{{Base: [][]float64{{1}, {1}, nil, {1}}}}
	for _, dense := range []int{0, -1} {
		c, err := BuildChain(context.Background(), g, prof)
		if err != nil {
			t.Fatal(err)
		}
		an, err := c.Analyze(context.Background(), AnalyzeOptions{Horizon: 5, denseLimit: dense})
		if err != nil {
			t.Fatal(err)
		}
		near(t, "absorb C", an.Absorb[2], 0)
		near(t, "absorb D", an.Absorb[3], 0)
		near(t, "absorb B", an.Absorb[1], 1)
		near(t, "time B", an.Time[1], 1)
		if !math.IsNaN(an.Time[2]) || !math.IsNaN(an.Time[3]) || !math.IsNaN(an.TimeBy[2]) {
			t.Errorf("time of never-entered states = %v %v %v, want NaN", an.Time[2], an.Time[3], an.TimeBy[2])
		}
		near(t, "value", an.Value[0][0], 1/(1-0.25))
		want := []float64{0, 1, 1, 1, 1, 1}
		for tt, w := range want {
			near(t, "reach B", an.Reach[1][tt], w)
		}
		b, err := json.Marshal(an)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"time":[0,1,null,null]`) {
			t.Errorf("json: %s", b)
		}
	}
}

func TestInitialTerminal(t *testing.T) {
	g, prof := twoState(0.5, 1, 7, 0.9)
	g.Initial = 1
	an, err := Analyze(context.Background(), g, prof, 3)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "absorb", an.Absorb[1], 1)
	near(t, "absorb A", an.Absorb[0], 0)
	near(t, "value", an.Value[0][0], 7)
	near(t, "value by", an.ValueBy[0][0], 7)
	near(t, "occupancy", an.Occupancy[1], 3)
	if !math.IsNaN(an.ActionShare[0][0]) {
		t.Errorf("action share with no steps = %v, want NaN", an.ActionShare[0][0])
	}
}

// TestIterativeMatchesDense: on chains larger than the dense limit the
// sparse solver must give what a dense LU gives.
func TestIterativeMatchesDense(t *testing.T) {
	for i := uint64(0); i < 3; i++ {
		g, prof := randomGame(rand.New(rand.NewPCG(i, 300)), 300, 2, 2, 2, i == 0)
		ctx := context.Background()
		it, err := AnalyzeWith(ctx, g, prof, AnalyzeOptions{Horizon: 10, States: []int{1, 2, 3}})
		if err != nil {
			t.Fatal(err)
		}
		if it.Nodes <= denseMax {
			t.Fatalf("chain of %d nodes does not exercise the sparse solver", it.Nodes)
		}
		de, err := AnalyzeWith(ctx, g, prof, AnalyzeOptions{Horizon: 10, States: []int{1, 2, 3}, denseLimit: 100000})
		if err != nil {
			t.Fatal(err)
		}
		for s := range g.States {
			if !closeTo(it.Absorb[s], de.Absorb[s], 1e-10) || !closeTo(it.Time[s], de.Time[s], 1e-10) {
				t.Errorf("game %d state %d: sparse absorb %v time %v, dense %v %v", i, s, it.Absorb[s], it.Time[s], de.Absorb[s], de.Time[s])
			}
		}
		for a := range g.Actors {
			for c := range g.Components {
				if !closeTo(it.Value[a][c], de.Value[a][c], 1e-10) {
					t.Errorf("game %d value[%d][%d]: sparse %v, dense %v", i, a, c, it.Value[a][c], de.Value[a][c])
				}
			}
		}
	}
}

// TestAnalyzeStatesSubset: states left out have NaN figures and no reach
// curve; the rest are unchanged.
func TestAnalyzeStatesSubset(t *testing.T) {
	g, prof := threeState(0.3, 0.2, 0.1)
	all, err := Analyze(context.Background(), g, prof, 10)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := AnalyzeWith(context.Background(), g, prof, AnalyzeOptions{Horizon: 10, States: []int{}})
	if err != nil {
		t.Fatal(err)
	}
	if sub.Reach[1] != nil || !math.IsNaN(sub.Absorb[1]) || !math.IsNaN(sub.Time[1]) {
		t.Errorf("state left out: reach %v absorb %v time %v", sub.Reach[1], sub.Absorb[1], sub.Time[1])
	}
	near(t, "terminal absorb", sub.Absorb[2], all.Absorb[2])
	near(t, "terminal time", sub.Time[2], all.Time[2])
	for tt := range all.Reach[2] {
		near(t, "terminal reach", sub.Reach[2][tt], all.Reach[2][tt])
	}
}

func TestAnalyzeCancelled(t *testing.T) {
	g, prof := randomGame(rand.New(rand.NewPCG(1, 1)), 300, 1, 1, 2, false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := AnalyzeWith(ctx, g, prof, AnalyzeOptions{Horizon: 10}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled analysis: err = %v, want context.Canceled", err)
	}
}

// TestAnalyzeWorkersIdentical: the number of workers does not change a bit
// of the analysis.
func TestAnalyzeWorkersIdentical(t *testing.T) {
	g, prof := randomGame(rand.New(rand.NewPCG(8, 8)), 80, 2, 2, 2, true)
	var first []byte
	for _, w := range []int{1, 2, 4} {
		an, err := AnalyzeWith(context.Background(), g, prof, AnalyzeOptions{Horizon: 20, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(an)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = b
		} else if string(b) != string(first) {
			t.Errorf("workers %d: analysis differs from workers 1", w)
		}
	}
}

// TestWithinHorizon: the figures up to the horizon are bit for bit those of
// the full analysis, and the ones without a horizon are not computed (NaN),
// not guessed.
func TestWithinHorizon(t *testing.T) {
	for i, memory := range []bool{false, true} {
		g, prof := randomGame(rand.New(rand.NewPCG(uint64(i), 21)), 60, 2, 3, 2, memory)
		full, err := Analyze(context.Background(), g, prof, 30)
		if err != nil {
			t.Fatal(err)
		}
		part, err := AnalyzeWith(context.Background(), g, prof, AnalyzeOptions{Horizon: 30, WithinHorizon: true})
		if err != nil {
			t.Fatal(err)
		}
		pick := func(a *Analysis) []byte {
			b, err := json.Marshal([]any{a.Reach, jsonFloats(a.TimeBy), a.AtHorizon, a.Occupancy, a.Steps, a.ActionShare, a.ValueBy, a.TotalBy})
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		if string(pick(full)) != string(pick(part)) {
			t.Errorf("memory %v: figures within the horizon differ from the full analysis", memory)
		}
		nan := math.IsNaN(part.NeverEnds)
		for s := range g.States {
			nan = nan && math.IsNaN(part.Absorb[s]) && math.IsNaN(part.Time[s])
		}
		for a := range g.Actors {
			nan = nan && math.IsNaN(part.Total[a])
			for _, v := range part.Value[a] {
				nan = nan && math.IsNaN(v)
			}
		}
		if !nan {
			t.Errorf("memory %v: a figure without a horizon was computed", memory)
		}
	}
}
