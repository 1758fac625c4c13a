package equilibrium

import (
	"context"
	"math"
	"reflect"
	"testing"

	"github.com/truce-dev/truce/markov"
	"pgregory.net/rapid"
)

// renumber returns a copy of g with other numbers and the same shape: the
// flows scaled by f, and every two-way split drawn as 0.3/0.7 (the shape
// keeps which transitions have positive probability).
func renumber(g *markov.Game, f float64) *markov.Game {
	u := *g
	flows := func(fl [][][]float64) [][][]float64 {
		if fl == nil {
			return nil
		}
		out := make([][][]float64, len(fl))
		for s := range fl {
			if fl[s] == nil {
				continue
			}
			out[s] = make([][]float64, len(fl[s]))
			for j, v := range fl[s] {
				out[s][j] = make([]float64, len(v))
				for i, x := range v {
					out[s][j][i] = f * x
				}
			}
		}
		return out
	}
	trans := func(tr [][][]markov.Next) [][][]markov.Next {
		if tr == nil {
			return nil
		}
		out := make([][][]markov.Next, len(tr))
		for s := range tr {
			if tr[s] == nil {
				continue
			}
			out[s] = make([][]markov.Next, len(tr[s]))
			for j, v := range tr[s] {
				out[s][j] = append([]markov.Next(nil), v...)
				if len(v) == 2 {
					out[s][j][0].P, out[s][j][1].P = 0.3, 0.7
				}
			}
		}
		return out
	}
	u.Flow, u.Trans = flows(g.Flow), trans(g.Trans)
	u.Timed = make([]markov.Stage, len(g.Timed))
	for t, st := range g.Timed {
		u.Timed[t] = markov.Stage{Flow: flows(st.Flow), Trans: trans(st.Trans)}
	}
	return &u
}

// replay returns p with the same rules and other play: every base (and
// timed) play puts all weight on its state's first available action.
func replay(g *markov.Game, p markov.Profile) markov.Profile {
	q := make(markov.Profile, len(p))
	for a, st := range p {
		q[a] = st
		q[a].Base = make([][]float64, len(st.Base))
		for s, b := range st.Base {
			if b != nil {
				q[a].Base[s] = make([]float64, len(b))
				q[a].Base[s][0] = 1
			}
		}
	}
	return q
}

// TestGraphsReuseIsRebuild: a best response, a decision process for
// responds and a credibility report computed with a Graphs that already
// holds the graph of a game of the same shape (other payoffs and
// probabilities, strategies with the same rules and other play) equal the
// ones computed from scratch, and the graph was reused; a game of another
// shape gets a graph of its own.
func TestGraphsReuseIsRebuild(t *testing.T) {
	ctx := context.Background()
	rapid.Check(t, func(t *rapid.T) {
		g := mpeDrawGame(t, false)
		if rapid.Bool().Draw(t, "clocked") {
			drawClock(t, g)
		}
		nA := len(g.Actors)
		a := rapid.IntRange(0, nA-1).Draw(t, "responder")
		p := make(markov.Profile, nA)
		for b := range p {
			p[b] = drawStrategy(t, g, b, b != a)
			if g.Clock > 0 {
				drawTimed(t, g, b, &p[b])
			}
		}
		gr := NewGraphs()
		if _, err := BestResponseWith(ctx, g, p, a, ResponseOptions{Graphs: gr}); err != nil {
			t.Fatal(err)
		}
		if gr.Builds != 1 || gr.Hits != 0 {
			t.Fatalf("first game: %d builds, %d hits; want 1, 0", gr.Builds, gr.Hits)
		}
		g2, p2 := renumber(g, rapid.SampledFrom([]float64{0.5, 2, -1}).Draw(t, "scale")), replay(g, p)
		got, want := keptAndOwn(t, g2, p2, a, gr)
		if gr.Hits != 1 || gr.Builds != 1 {
			t.Fatalf("same shape: %d builds, %d hits; want 1, 1", gr.Builds, gr.Hits)
		}
		// Without the profile's own values: the same response, and NaN
		// where those values would be.
		lean, err := BestResponseWith(ctx, g2, p2, a, ResponseOptions{Graphs: gr, NoProfileValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if !math.IsNaN(lean.ProfileValue) || !math.IsNaN(lean.Gain) || lean.Value != want.Value || !reflect.DeepEqual(lean.Nodes, want.Nodes) {
			t.Fatalf("NoProfileValue: value %v, profile value %v, gain %v; want %v, NaN, NaN and the same nodes", lean.Value, lean.ProfileValue, lean.Gain, want.Value)
		}
		got.c, want.c, got.graphs = nil, nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("best response with the reused graph differs:\n%+v\n%+v", got, want)
		}
		for b := range nA {
			th, err := AssessActor(ctx, g2, p2, b, gr)
			if err != nil {
				t.Fatal(err)
			}
			all, err := Assess(ctx, g2, p2)
			if err != nil {
				t.Fatal(err)
			}
			var mine []Threat
			for _, x := range all {
				if x.ActorIndex == b {
					mine = append(mine, x)
				}
			}
			if (len(th) > 0 || len(mine) > 0) && !reflect.DeepEqual(th, mine) {
				t.Fatalf("actor %d: credibility with the reused graph differs:\n%+v\n%+v", b, th, mine)
			}
		}
		// Another shape: every transition of the first state leads to
		// the terminal state instead.
		g3 := renumber(g2, 1)
		term := len(g.States) - 1
		for j := range g3.Trans[0] {
			g3.Trans[0][j] = []markov.Next{{State: term, P: 1}}
		}
		for _, st := range g3.Timed {
			if st.Trans != nil && st.Trans[0] != nil {
				for j := range st.Trans[0] {
					st.Trans[0][j] = []markov.Next{{State: term, P: 1}}
				}
			}
		}
		builds := gr.Builds
		got3, want3 := keptAndOwn(t, g3, p2, a, gr)
		got3.c, want3.c, got3.graphs = nil, nil, nil
		if !reflect.DeepEqual(got3, want3) {
			t.Fatalf("another shape: best response differs:\n%+v\n%+v", got3, want3)
		}
		if reflect.DeepEqual(gameShape(nil, g3), gameShape(nil, g2)) {
			return // the first state's transitions already all ended
		}
		if gr.Builds != builds+1 {
			t.Fatalf("another shape: %d builds, want %d", gr.Builds, builds+1)
		}
	})
}
