// Package markov analyses finite Markov games: given every actor's strategy,
// it computes exactly how likely each ending is, by when, and what each actor
// can expect, and samples paths by Monte Carlo. It knows nothing of files
// (package scenario builds its Games) nor of equilibria (package equilibrium).
package markov

import (
	"fmt"
	"math"
)

// Game is a finite Markov game for one parameter draw: every number is a
// plain float64, already evaluated.
//
// Timing (docs/scenario.md): at step 0 the process is in Initial; at each step every
// actor picks an action simultaneously, Flow pays the step's payoffs
// (discounted by discount^step), then Trans picks the next state. Entering a
// terminal state ends the process and pays Entry for that state once,
// discounted by discount^(step of entry).
type Game struct {
	Actors     []Actor
	Components []string // payoff component names, len C
	States     []State
	Initial    int

	// Actions[a] names every action of actor a, across all states. Strategies
	// and memory refer to actions by their index here.
	Actions [][]string
	// Avail[s][a] lists the actions (indices into Actions[a]) actor a may take
	// in state s. It is empty for terminal states.
	Avail [][][]int

	// Joint actions in state s are numbered in mixed radix over actors, actor
	// 0 varying fastest: j = Σ_a k_a·stride_a, where k_a indexes Avail[s][a].
	// A terminal state has no joint actions.

	// Trans[s][j] is the distribution of the next state after joint action j
	// in state s. Probabilities are positive and sum to 1.
	Trans [][][]Next
	// Flow[s][j][a*C+c] is the payoff of component c to actor a for one step
	// in state s with joint action j.
	Flow [][][]float64
	// Entry[s][a*C+c] is paid once on entering terminal state s (nil or
	// all zero for non-terminal states).
	Entry [][]float64

	// Clock > 0 makes the first Clock steps differ (deadlines, elections,
	// a truce that expires): at a step t < Clock the process moves by
	// Timed[t].Trans and pays Timed[t].Flow, where those are set for the
	// state (nil: Trans and Flow); from step Clock on, Trans and Flow
	// apply and the game is stationary. The chain then carries the step
	// up to Clock in its nodes (Chain.Phase). Entry payoffs do not depend
	// on the step.
	Clock int
	Timed []Stage
}

// Stage is what a clocked game does at one step before its clock runs
// out: per state, the transitions and flows of that step, nil where they
// are the stationary ones.
type Stage struct {
	Trans [][][]Next
	Flow  [][][]float64
}

// TransAt is the transition table of state s at step t.
func (g *Game) TransAt(t, s int) [][]Next {
	if t < g.Clock && g.Timed[t].Trans != nil && g.Timed[t].Trans[s] != nil {
		return g.Timed[t].Trans[s]
	}
	return g.Trans[s]
}

// FlowAt is the flow table of state s at step t.
func (g *Game) FlowAt(t, s int) [][]float64 {
	if t < g.Clock && g.Timed[t].Flow != nil && g.Timed[t].Flow[s] != nil {
		return g.Timed[t].Flow[s]
	}
	return g.Flow[s]
}

// sameStage reports whether stage t < Clock has the tables of stage t-1
// (a builder shares them between steps where nothing differs), so that
// checks of every step need not look at them again.
func (g *Game) sameStage(t int) bool {
	if t <= 0 || t >= g.Clock {
		return false
	}
	a, b := g.Timed[t], g.Timed[t-1]
	return sameBacking(a.Trans, b.Trans) && sameBacking(a.Flow, b.Flow)
}

// sameBacking reports whether a and b are the same slice.
func sameBacking[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// Phase is the step as the game distinguishes it: t before the clock runs
// out, Clock from then on.
func (g *Game) Phase(t int) int { return min(t, g.Clock) }

// Actor is one side of the game.
type Actor struct {
	ID string
	// Discount is the per-step discount factor in [0, 1]. 1 means
	// undiscounted: only values over a bounded number of steps are
	// defined (Analysis.ValueBy, ValueAt); the values without horizon are
	// NaN, and stationary equilibria need ValidateDiscounted.
	Discount float64
	Weights  []float64 // utility weight of each component, len C
}

// State is a situation the process can be in.
type State struct {
	ID       string
	Terminal bool
}

// Next is one possible successor state.
type Next struct {
	State int
	P     float64
}

// NumJoint returns the number of joint actions in state s (0 if terminal).
func (g *Game) NumJoint(s int) int {
	if g.States[s].Terminal {
		return 0
	}
	return JointCount(g.Avail[s])
}

// Decode writes into k the per-actor positions (indices into Avail[s][a]) of
// joint action j in state s.
func (g *Game) Decode(s, j int, k []int) { DecodeJoint(g.Avail[s], j, k) }

// JointCount is the number of joint actions when actor a has the actions
// avail[a]. It and DecodeJoint define the numbering of joint actions, so
// that package scenario, which builds Games, numbers them the same way.
func JointCount(avail [][]int) int {
	n := 1
	for _, av := range avail {
		n *= len(av)
	}
	return n
}

// DecodeJoint writes into k the per-actor positions (indices into avail[a])
// of joint action j: actor 0 varies fastest.
func DecodeJoint(avail [][]int, j int, k []int) {
	for a, av := range avail {
		k[a] = j % len(av)
		j /= len(av)
	}
}

// Encode is the inverse of Decode.
func (g *Game) Encode(s int, k []int) int {
	j, stride := 0, 1
	for a, av := range g.Avail[s] {
		j += k[a] * stride
		stride *= len(av)
	}
	return j
}

// Validate checks the structural invariants that every analysis relies on;
// package scenario reports user errors with positions before building a
// Game, so a failure here is a bug in the builder, reported with context.
func (g *Game) Validate() error {
	nA, nS, nC := len(g.Actors), len(g.States), len(g.Components)
	if nA == 0 || nS == 0 {
		return fmt.Errorf("markov: game needs at least one actor and one state")
	}
	if g.Initial < 0 || g.Initial >= nS {
		return fmt.Errorf("markov: initial state %d out of range", g.Initial)
	}
	if len(g.Actions) != nA || len(g.Avail) != nS || len(g.Trans) != nS || len(g.Flow) != nS || len(g.Entry) != nS {
		return fmt.Errorf("markov: table sizes do not match %d actors and %d states", nA, nS)
	}
	if g.Clock < 0 || g.Clock > MaxHorizon || len(g.Timed) != g.Clock {
		return fmt.Errorf("markov: clock %d with %d timed stages", g.Clock, len(g.Timed))
	}
	for t, st := range g.Timed {
		if (st.Trans != nil && len(st.Trans) != nS) || (st.Flow != nil && len(st.Flow) != nS) {
			return fmt.Errorf("markov: timed stage %d: tables for %d and %d states, want %d", t, len(st.Trans), len(st.Flow), nS)
		}
	}
	for a, act := range g.Actors {
		if !(act.Discount >= 0 && act.Discount <= 1) {
			return fmt.Errorf("markov: actor %s: discount %v outside [0,1]", act.ID, act.Discount)
		}
		if len(act.Weights) != nC {
			return fmt.Errorf("markov: actor %s: %d weights for %d components", act.ID, len(act.Weights), nC)
		}
		_ = a
	}
	for s, st := range g.States {
		if st.Terminal {
			if len(g.Entry[s]) != 0 && len(g.Entry[s]) != nA*nC {
				return fmt.Errorf("markov: state %s: entry payoff has %d entries, want %d", st.ID, len(g.Entry[s]), nA*nC)
			}
			continue
		}
		if len(g.Avail[s]) != nA {
			return fmt.Errorf("markov: state %s: actions for %d actors, want %d", st.ID, len(g.Avail[s]), nA)
		}
		for a, av := range g.Avail[s] {
			if len(av) == 0 {
				return fmt.Errorf("markov: state %s: actor %s has no action", st.ID, g.Actors[a].ID)
			}
			for _, x := range av {
				if x < 0 || x >= len(g.Actions[a]) {
					return fmt.Errorf("markov: state %s: actor %s: action %d out of range", st.ID, g.Actors[a].ID, x)
				}
			}
		}
		nj := g.NumJoint(s)
		for t := 0; t <= g.Clock; t++ {
			if t < g.Clock && ((g.Timed[t].Trans == nil && g.Timed[t].Flow == nil) || g.sameStage(t)) {
				continue
			}
			trans, flow := g.TransAt(t, s), g.FlowAt(t, s)
			at := ""
			if t < g.Clock {
				at = fmt.Sprintf(" at step %d", t)
			}
			if len(trans) != nj || len(flow) != nj {
				return fmt.Errorf("markov: state %s%s: %d transitions and %d flows for %d joint actions", st.ID, at, len(trans), len(flow), nj)
			}
			for j := 0; j < nj; j++ {
				sum := 0.0
				for _, nx := range trans[j] {
					if nx.State < 0 || nx.State >= nS || !(nx.P >= 0 && nx.P <= 1) {
						return fmt.Errorf("markov: state %s%s, joint action %d: bad successor %+v", st.ID, at, j, nx)
					}
					sum += nx.P
				}
				if math.Abs(sum-1) > 1e-9 {
					return fmt.Errorf("markov: state %s%s, joint action %d: successor probabilities sum to %v", st.ID, at, j, sum)
				}
				if len(flow[j]) != nA*nC {
					return fmt.Errorf("markov: state %s%s, joint action %d: flow has %d entries, want %d", st.ID, at, j, len(flow[j]), nA*nC)
				}
			}
		}
	}
	return nil
}

// ValidateDiscounted is Validate for analyses without a horizon that need
// every discount below 1 and a stationary game (stationary equilibria and
// the checks built on them): with discount 1 such a value is infinite or
// undefined unless the process surely ends.
func (g *Game) ValidateDiscounted() error {
	if err := g.Validate(); err != nil {
		return err
	}
	if g.Clock > 0 {
		return fmt.Errorf("markov: the game is clocked (its rules depend on the step until step %d): this analysis needs a stationary game", g.Clock)
	}
	for _, act := range g.Actors {
		if act.Discount >= 1 {
			return fmt.Errorf("markov: actor %s is undiscounted (discount 1): values over an unbounded future, and stationary equilibria built on them, need a discount below 1", act.ID)
		}
	}
	return nil
}

// Strategy is one actor's memory-one behaviour: in each state a distribution
// over the actions available there, overridden by the first Rule that
// matches the current state and the previous step's actions.
type Strategy struct {
	// Base[s] is a distribution over Avail[s][a] (same order); nil for
	// terminal states.
	Base  [][]float64
	Rules []Rule
	// Timed[t][s], for a step t < Game.Clock, replaces Base[s] at that
	// step where set (a clocked game).
	Timed [][][]float64
}

// Rule overrides a strategy's base play.
type Rule struct {
	State int    // the state it applies in, or -1 for every non-terminal state
	After []Cond // all must hold of the previous step; empty = always
	// Steps, in a clocked game, limits the rule to the steps t with
	// Steps[Phase(t)] true (Clock+1 entries, the last for every step from
	// Clock on); nil: every step.
	Steps []bool
	// Play is a distribution over global action indices (Actions[a]); it
	// must only name actions available in the states where the rule applies.
	Play []ActionProb
}

// Cond holds when actor Actor played one of Actions (global indices) in
// the previous step. At step 0 there is no previous step and no Cond holds.
type Cond struct {
	Actor   int
	Actions []int
}

// ActionProb is a probability on one action (global index).
type ActionProb struct {
	Action int
	P      float64
}

// Profile is one strategy per actor, indexed like Game.Actors.
type Profile []Strategy
