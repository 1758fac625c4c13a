// Package scenario reads truce scenario files (YAML, see docs/scenario.md):
// it validates them with file:line:col diagnostics, samples their parameters
// and builds one markov.Game with its strategy profiles per parameter draw.
// Analyze and Simulate run the exact analysis and Monte Carlo over draws and
// evaluate the file's hypotheses.
package scenario

import "github.com/truce-dev/truce/markov"

// Info holds the optional descriptive fields that scenario elements may
// carry so that a file can say why each number was chosen.
type Info struct {
	Label       string `json:"label,omitempty"`
	Description string `json:"description,omitempty"`
	Rationale   string `json:"rationale,omitempty"`
	Source      string `json:"source,omitempty"`
}

// Scenario is a validated scenario file. Its exported fields describe the
// file; the compiled rules behind Build are unexported.
type Scenario struct {
	File    string
	Version int
	Name    string
	Title   string
	Period  string
	Horizon int
	Info    Info

	Actors     []Actor
	Components []Component
	Parameters []Parameter
	// Derived are the parameters computed from others, in the order they
	// are evaluated on each draw (each after those it reads).
	Derived []Derived
	// Correlations are the Spearman rank correlations between drawn
	// parameters (see docs/scenario.md, correlations).
	Correlations []Correlation
	// Dates are the named steps of the clock section.
	Dates []Date
	// Clock is how far the rules tell steps apart: they may differ at
	// each step before Clock and are the same at every step from Clock on
	// (0: they never depend on the step). ClockNote says why.
	Clock     int
	ClockNote string
	States    []State
	Initial   int
	Actions   [][]string // Actions[a]: every action name of actor a (global indices)
	// ActionInfo[a][name] is what the file says about an action written
	// as {id: NAME, description: ...}.
	ActionInfo []map[string]Info
	Profiles   []ProfileDef
	Hypotheses []Hypothesis
	// NotEvaluated are the hypotheses SkipSubsampled took out of
	// Hypotheses (truce analyze --hypothesis-draws none).
	NotEvaluated []Hypothesis
	Strategies   [][]StrategyDef // Strategies[a]: named strategies of actor a

	// Avail[s][a] are the indices of actions available to actor a in state s
	// (empty for terminal states).
	Avail [][][]int

	// Events are the event classes of the observation model, History the
	// dated past (observe.go); both empty when the file has no such section.
	Events  []string
	History *History
	obs     *obsModel

	paramEnvNames []string
	copula        *copula
	trans         []*transRule
	pays          []*payRule
	quantities    []*quantity
	// reads records, for every expression in the file, the parameters it
	// reads (lint.go: unused parameters).
	reads []exprRead
	// per non-terminal state and joint action: index of the transition rule
	// that applies (-1: none, stay), and the payoff rules that add up.
	transOf [][]int
	paysOf  [][][]int
	// transOfAt and paysOfAt are transOf and paysOf at each step before
	// the clock runs out (transOf and paysOf hold from step Clock on).
	transOfAt [][][]int
	paysOfAt  [][][][]int
	// tablesAt[t], for a step t before the clock runs out, is the first
	// step whose tables step t's are (Clock: the stationary ones); nil
	// when every step has its own (build.go, sameTables).
	tablesAt []int
	// entryPays[s]: payoff rules paid on entering terminal state s.
	entryPays [][]int
}

// Actor is one side of the standoff. Discount and Weights are the values
// at the central draw; written as expressions, they may differ per draw.
// Undiscounted is set when the discount is written as 1: such an actor has
// values over a bounded number of steps only (value_by).
type Actor struct {
	ID           string
	Discount     float64
	Weights      []float64 // per component (Scenario.Components order)
	Undiscounted bool
	Info         Info
	Pos          Pos
	disc         *expression
	weights      []*expression
}

// Component is a payoff component (material, influence, ...).
type Component struct {
	ID      string
	ZeroSum bool
	Info    Info
	Pos     Pos
}

// Parameter is a named number, fixed or drawn from a distribution per draw.
type Parameter struct {
	Name string
	Dist Dist
	Info Info
	Pos  Pos
}

// State is a situation of the standoff.
type State struct {
	ID       string
	Initial  bool
	Terminal bool
	Info     Info
	Pos      Pos
}

// StrategyDef is a named strategy of one actor.
type StrategyDef struct {
	Name  string
	Info  Info
	Pos   Pos
	base  []*playDist // per state; nil where not given
	star  *playDist
	rules []*stratRule
}

// ProfileDef is a named strategy profile: a strategy per actor, or an
// equilibrium to compute (Solve, e.g. "markov-perfect").
type ProfileDef struct {
	Name       string
	Strategies []int // per actor, index into Scenario.Strategies[a]; nil when Solve is set
	Solve      string
	Info       Info
	Pos        Pos
}

// Hypothesis is a claim evaluated on every parameter draw, or on the
// first Draws draws of a run when Draws > 0 (see EvaluatedOn).
type Hypothesis struct {
	ID    string
	Claim string
	Expr  string
	// Draws is the `draws: N` of the file: the hypothesis is evaluated on
	// the run's first N draws only (draw indices 0..N-1); 0 means every
	// draw.
	Draws int
	Info  Info
	Pos   Pos
	prog  hypProgram
	quant []*quantity
}

// cond is "actor played one of these actions" (global action indices).
type cond struct {
	actor   int // -1 for a condition on the step
	actions []int
	step    *stepCond
	pos     Pos
}

type target struct {
	state int
	p     *expression
}

type transRule struct {
	pos   Pos
	from  []int // states it applies in
	when  []cond
	to    []target
	other int // state taking the leftover probability
}

type payEntry struct {
	actor, comp int
	v           *expression
}

type payRule struct {
	pos  Pos
	in   []int
	when []cond
	pays []payEntry
}

type weighted struct {
	action int // global action index
	p      *expression
	pos    Pos
}

type playDist struct {
	pos  Pos
	ws   []weighted
	what string // for messages, e.g. `strategy "tit" of US in state "truce"`
}

type stratRule struct {
	pos   Pos
	in    []int // states; every non-terminal state when "in" is omitted
	after []markov.Cond
	step  *stepCond // when: {step: ...}; nil: every step
	play  *playDist
}
