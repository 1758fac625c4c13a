package equilibrium

import (
	"context"
	"fmt"
	"math"

	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/markov"
)

// A clocked game (markov.Game.Clock > 0) is stationary only from step
// Clock on. Its Markov-perfect equilibria are non-stationary: play may
// depend on the state and, before the clock runs out, on the step. Solve
// finds one by backward induction over the clock: a stationary equilibrium
// of the game from step Clock on (by the method Options asks for) gives the
// values V_Clock; then for t = Clock-1 down to 0, in every state, the stage
// game whose payoffs are step t's flows plus the discounted V_{t+1} of the
// state each joint action leads to (step t's transitions) is solved, and
// its equilibrium's expected payoffs are V_t. A one-shot deviation at any
// step then gains at most the certificate, so the profile is subgame
// perfect in (state, step) up to it.
//
// Selection: each stage game's equilibrium is the one nearest (in L1) to
// the play of the same state one step later, starting from the stationary
// equilibrium; Lemke–Howson's accessible equilibria (two actors) or the
// logit path (more) supply the candidates. Other equilibria may exist at
// each step, as for the stationary part.

// solveClocked is Solve for a game with a clock.
func solveClocked(ctx context.Context, g *markov.Game, opt Options) (*Result, error) {
	stat := stationaryPart(g)
	r, err := Solve(ctx, stat, opt)
	if err != nil || !r.Converged {
		if r != nil {
			r.Reason = "the stationary game from step " + fmt.Sprint(g.Clock) + " on: " + r.Reason
		}
		return r, err
	}
	return extendClocked(ctx, g, r, opt, nil)
}

// stationaryPart is the game g plays from step g.Clock on.
func stationaryPart(g *markov.Game) *markov.Game {
	stat := *g
	stat.Clock, stat.Timed = 0, nil
	return &stat
}

// extendClocked extends a stationary equilibrium r of the game from step
// g.Clock on back over the clock by backward induction, with the stage
// selection described above, and returns it as a new Result (r is not
// changed). stages, if not nil, holds the models of steps 0..Clock-1
// (stageModels), shared by every extension of one game.
func extendClocked(ctx context.Context, g *markov.Game, r *Result, opt Options, stages []*mpeModel) (*Result, error) {
	out := *r
	r = &out
	if stages == nil {
		var err error
		if stages, err = stageModels(ctx, g); err != nil {
			return nil, err
		}
	}
	m := stages[g.Clock]
	nA := m.nA
	V := r.Values // V_{t+1}, per actor and state (entry utility at endings)
	next := r.Strategies
	r.Timed = make([][][][]float64, g.Clock)
	r.TimedValues = make([][][]float64, g.Clock)
	gain := r.MaxDeviationGain
	for t := g.Clock - 1; t >= 0; t-- {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("solve MPE: backward induction: %w", err)
		}
		mt := stages[t]
		sig := make([][][]float64, nA)
		Vt := make([][]float64, nA)
		for a := range sig {
			sig[a] = make([][]float64, m.nS)
			Vt[a] = make([]float64, m.nS)
			for s := 0; s < m.nS; s++ {
				if m.ntIdx[s] < 0 {
					Vt[a][s] = m.entry[s][a]
				}
			}
		}
		for _, s := range m.nt {
			u := make([]float64, m.nJ[s]*nA)
			mt.stagePayoff(s, V, u)
			prev := make([][]float64, nA)
			for a := range prev {
				prev[a] = next[a][s]
			}
			eq, err := mpeStageDefault(ctx, m.K[s], u, prev)
			if err != nil {
				return nil, fmt.Errorf("solve MPE: step %d, state %s: %w", t, m.stateID(s), err)
			}
			for a := 0; a < nA; a++ {
				sig[a][s] = eq[a]
			}
			// The stage values under eq, and how much any actor could
			// gain by deviating at this step alone.
			q := mt.newQ()
			mt.actionValues(s, sig, u, q)
			for a := 0; a < nA; a++ {
				cur, best := 0.0, math.Inf(-1)
				for k := 0; k < m.K[s][a]; k++ {
					cur += eq[a][k] * q[a][k]
					best = math.Max(best, q[a][k])
				}
				Vt[a][s] = cur
				gain = math.Max(gain, best-cur)
			}
		}
		r.Timed[t], r.TimedValues[t] = sig, Vt
		V, next = Vt, sig
	}
	if math.IsNaN(gain) {
		gain = math.Inf(1)
	}
	tol := opt.Tol
	if tol <= 0 {
		tol = mpeDefaultTol
	}
	r.MaxDeviationGain, r.Converged = gain, gain <= tol
	r.Method += " + backward induction"
	if !r.Converged {
		r.Reason = fmt.Sprintf("largest one-shot deviation gain %.3g exceeds tolerance %.3g", gain, tol)
	}
	return r, nil
}

// stageModels returns the models of steps 0..g.Clock-1 and, last, of the
// stationary game from step g.Clock on. Steps whose tables are the same
// (a builder shares the tables of steps where nothing differs) share one
// model: a model only reads its tables, so the shared one is the model
// each would have had. Their memory, and that of the non-stationary
// equilibrium the backward induction keeps for every step, grow with the
// clock: the budget is asked for both before any is made.
func stageModels(ctx context.Context, g *markov.Game) ([]*mpeModel, error) {
	rep := stageClasses(g)
	distinct := int64(1) // the stationary game's
	for t, r := range rep {
		if r == t {
			distinct++
		}
	}
	if err := budget.Check(ctx, fmt.Sprintf("the stage models of the clock's %d steps (%d with tables of their own) and the play kept for each step", g.Clock, distinct-1),
		budget.Add(budget.Mul(distinct, mpeModelBytes(g)), budget.Mul(int64(g.Clock), timedPlayBytes(g))),
		"an earlier date for the clock's last step"); err != nil {
		return nil, fmt.Errorf("solve MPE: %w", err)
	}
	ms := make([]*mpeModel, g.Clock+1)
	for t := range ms {
		var err error
		switch {
		case t < g.Clock && rep[t] < t:
			ms[t] = ms[rep[t]]
		case t < g.Clock:
			ms[t], err = stageModel(ctx, g, t)
		default:
			ms[t], err = newMPEModel(ctx, stationaryPart(g))
		}
		if err != nil {
			return nil, fmt.Errorf("solve MPE: %w", err)
		}
	}
	return ms, nil
}

// stageClasses returns, for each step t before the clock runs out, the
// first step whose flow and transition tables are those of t in every
// non-terminal state (the same slices, not only equal numbers: a builder
// shares the tables of steps where nothing differs).
func stageClasses(g *markov.Game) []int {
	rep := make([]int, g.Clock)
	var firsts []int // the first step of each class
	same := func(t, u int) bool {
		for s, st := range g.States {
			if st.Terminal {
				continue
			}
			ft, fu := g.FlowAt(t, s), g.FlowAt(u, s)
			tt, tu := g.TransAt(t, s), g.TransAt(u, s)
			if len(ft) != len(fu) || len(tt) != len(tu) ||
				(len(ft) > 0 && &ft[0] != &fu[0]) || (len(tt) > 0 && &tt[0] != &tu[0]) {
				return false
			}
		}
		return true
	}
	for t := range rep {
		rep[t] = t
		for _, u := range firsts {
			if same(t, u) {
				rep[t] = u
				break
			}
		}
		if rep[t] == t {
			firsts = append(firsts, t)
		}
	}
	return rep
}

// timedPlayBytes estimates the memory of one step's play and values as
// extendClocked keeps them: per actor and state a distribution over the
// actor's actions and a value, with their slice headers.
func timedPlayBytes(g *markov.Game) int64 {
	var n int64
	for s := range g.States {
		for a := range g.Actors {
			k := 0
			if s < len(g.Avail) && a < len(g.Avail[s]) {
				k = len(g.Avail[s][a])
			}
			n = budget.Add(n, budget.Mul(int64(k), 8), 8+24)
		}
	}
	return n
}

// stageModel is the game's model at step t: its flows and transitions.
func stageModel(ctx context.Context, g *markov.Game, t int) (*mpeModel, error) {
	gt := *g
	gt.Clock, gt.Timed = 0, nil
	gt.Trans = make([][][]markov.Next, len(g.States))
	gt.Flow = make([][][]float64, len(g.States))
	for s, st := range g.States {
		if !st.Terminal {
			gt.Trans[s], gt.Flow[s] = g.TransAt(t, s), g.FlowAt(t, s)
		}
	}
	return newMPEModel(ctx, &gt)
}
