package equilibrium

import (
	"context"
	"math"
	"reflect"
	"testing"

	"github.com/truce-dev/truce/markov"
	"pgregory.net/rapid"
)

// drawSharedClock gives g a clock of 2 to 7 steps whose stages redraw the
// flows and transitions of some states and where some steps reuse another
// step's tables (as a builder shares the tables of steps where nothing
// differs), and scales every payoff by a drawn factor so that sums round.
func drawSharedClock(t *rapid.T, g *markov.Game) {
	f := rapid.Float64Range(0.1, 3).Draw(t, "scale")
	for s := range g.Flow {
		for _, v := range g.Flow[s] {
			for a := range v {
				v[a] *= f
			}
		}
	}
	for _, v := range g.Entry {
		for a := range v {
			v[a] *= f / 3
		}
	}
	drawClock(t, g)
	C := rapid.IntRange(2, 7).Draw(t, "long clock")
	timed := make([]markov.Stage, C)
	for ph := range timed {
		// Each step takes the tables of one of the drawn stages or none
		// (the stationary tables): several steps share each.
		if k := rapid.IntRange(-1, g.Clock-1).Draw(t, "stage of step"); k >= 0 {
			timed[ph] = g.Timed[k]
		}
	}
	g.Clock, g.Timed = C, timed
}

// drawSharedTimed adds timed play to strategy st of actor a, the same
// slices at several steps, and step masks to its rules.
func drawSharedTimed(t *rapid.T, g *markov.Game, a int, st *markov.Strategy) {
	drawTimed(t, g, a, st)
	for ph := range st.Timed {
		if k := rapid.IntRange(-1, ph).Draw(t, "play of step"); k >= 0 {
			st.Timed[ph] = st.Timed[k]
		}
	}
}

// refValues is credChain.values without shared rows: every node's row
// worked out from the game, as before rows were shared.
func refValues(c *credChain) [][]float64 {
	g := c.g
	nA := len(g.Actors)
	V := make([][]float64, nA)
	k := make([]int, nA)
	for a := 0; a < nA; a++ {
		d := g.Actors[a].Discount
		x, err := c.linSolve(context.Background(), "reference", "", false, 0, func(n int, arc func(to int, p float64)) float64 {
			nd := c.nodes[n]
			flow, trans := g.FlowAt(nd.phase, nd.state), g.TransAt(nd.phase, nd.state)
			r := 0.0
			for j := 0; j < g.NumJoint(nd.state); j++ {
				pj := c.jointProb(n, j, -1, k)
				if pj == 0 {
					continue
				}
				r += pj * utility(g, flow[j], a)
				for i, t := range trans[j] {
					if nx := c.next[n][j][i]; nx >= 0 {
						arc(nx, pj*d*t.P)
					} else {
						r += pj * d * t.P * utility(g, g.Entry[t.State], a)
					}
				}
			}
			return r
		})
		if err != nil {
			panic(err)
		}
		V[a] = x
	}
	return V
}

// refActionValues is credChain.actionValues without shared rows.
func refActionValues(c *credChain, V [][]float64, n, a int) []float64 {
	g := c.g
	nd := c.nodes[n]
	k := make([]int, len(g.Actors))
	q := make([]float64, len(g.Avail[nd.state][a]))
	d := g.Actors[a].Discount
	flow, trans := g.FlowAt(nd.phase, nd.state), g.TransAt(nd.phase, nd.state)
	for j := 0; j < g.NumJoint(nd.state); j++ {
		p := c.jointProb(n, j, a, k)
		if p == 0 {
			continue
		}
		u := utility(g, flow[j], a)
		for i, t := range trans[j] {
			if nx := c.next[n][j][i]; nx >= 0 {
				u += d * t.P * V[a][nx]
			} else {
				u += d * t.P * utility(g, g.Entry[t.State], a)
			}
		}
		q[k[a]] += p * u
	}
	return q
}

// On random clocked games whose steps share tables and play, credibility
// and best responses computed with rows shared across nodes equal, to the
// bit, those computed with a row per node; the profile's values and
// action values equal those worked out node by node from the game; and
// best responses and responds computed in the memory a Graphs keeps from
// earlier games equal those computed in memory of their own.
func TestSharedRowsEqualUnshared(t *testing.T) {
	ctx := context.Background()
	shared := 0
	gr := NewGraphs() // kept across the drawn games
	rapid.Check(t, func(t *rapid.T) {
		g := mpeDrawGame(t, false)
		drawSharedClock(t, g)
		nA := len(g.Actors)
		p, p2 := make(markov.Profile, nA), make(markov.Profile, nA)
		for b := range p {
			p[b] = drawStrategy(t, g, b, rapid.Bool().Draw(t, "rules"))
			drawSharedTimed(t, g, b, &p[b])
			p2[b] = drawStrategy(t, g, b, rapid.Bool().Draw(t, "rules"))
		}
		build := func(noShare bool) *credChain {
			c, err := credBuild(ctx, g, p)
			if err != nil {
				t.Fatal(err)
			}
			c.noShare = noShare
			return c
		}
		cs, cu := build(false), build(true)
		ths, err := cs.assess(ctx, -1)
		if err != nil {
			t.Fatal(err)
		}
		thu, err := cu.assess(ctx, -1)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ths, thu) {
			for i := range ths {
				if !reflect.DeepEqual(ths[i], thu[i]) {
					t.Fatalf("threat %d: shared %+v, unshared %+v", i, ths[i], thu[i])
				}
			}
			t.Fatalf("%d threats shared, %d unshared", len(ths), len(thu))
		}
		if len(cs.cr.at) < len(cs.nodes) {
			shared++
		}
		// Rows keyed by bytes (games of more than three actors) are
		// grouped as rows keyed by arrays.
		for skip := -1; skip < nA; skip++ {
			byArray := shareRowsKeyed(cs, skip, nil, true)
			if byBytes := shareRowsKeyed(cs, skip, nil, false); !reflect.DeepEqual(byArray, byBytes) {
				t.Fatalf("rows without actor %d: by array %v, by bytes %v", skip, byArray, byBytes)
			}
		}
		V, err := cs.values(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ref := refValues(cs); !reflect.DeepEqual(V, ref) {
			t.Fatalf("values %v, node by node %v", V, ref)
		}
		var q []float64
		for n, nd := range cs.nodes {
			for a := 0; a < nA; a++ {
				q = append(q[:0], make([]float64, len(g.Avail[nd.state][a]))...)
				if got, want := cs.actionValues(q, V, n, a), refActionValues(cs, V, n, a); !reflect.DeepEqual(got, want) {
					t.Fatalf("node %d, actor %d: action values %v, node by node %v", n, a, got, want)
				}
			}
		}
		for a := 0; a < nA; a++ {
			rs, err := bestResponseOn(ctx, cs, a, ResponseOptions{}, true)
			if err != nil {
				t.Fatal(err)
			}
			ru, err := bestResponseOn(ctx, cu, a, ResponseOptions{}, true)
			if err != nil {
				t.Fatal(err)
			}
			rs.c, ru.c = nil, nil
			if !reflect.DeepEqual(rs, ru) && !(math.IsNaN(rs.Value) && math.IsNaN(ru.Value)) {
				t.Fatalf("actor %d: best response shared %+v, unshared %+v", a, rs, ru)
			}
			// In the memory a Graphs keeps from the draws before (other
			// games, other sizes), with the responds check after it.
			rg, r0 := keptAndOwn(t, g, p, a, gr)
			rg2, r02 := keptAndOwn(t, g, p2, a, gr)
			mg, lg, err := RespondsGiven(ctx, g, p, p2, a, rg, rg2)
			if err != nil {
				t.Fatal(err)
			}
			m0, l0, err := RespondsGiven(ctx, g, p, p2, a, r0, r02)
			if err != nil {
				t.Fatal(err)
			}
			if mg != m0 || lg != l0 {
				t.Fatalf("actor %d: responds with kept memory %v %v, without %v %v", a, mg, lg, m0, l0)
			}
			rg.c, r0.c, rg.graphs = nil, nil, nil
			if !reflect.DeepEqual(rg, r0) && !(math.IsNaN(rg.Value) && math.IsNaN(r0.Value)) {
				t.Fatalf("actor %d: best response with kept memory %+v, without %+v", a, rg, r0)
			}
		}
	})
	if shared == 0 {
		t.Fatal("no drawn game shared a row: the test compares nothing")
	}
}

// keptAndOwn returns actor a's best response to p computed with gr and
// computed without a Graphs.
func keptAndOwn(t interface{ Fatal(...any) }, g *markov.Game, p markov.Profile, a int, gr *Graphs) (kept, own *Response) {
	ctx := context.Background()
	kept, err := BestResponseWith(ctx, g, p, a, ResponseOptions{Graphs: gr})
	if err != nil {
		t.Fatal(err)
	}
	own, err = BestResponseWith(ctx, g, p, a, ResponseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return kept, own
}
