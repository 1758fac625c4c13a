// Package report writes one self-contained HTML file (inline SVG charts, no
// scripts, no network) that explains a scenario analysis to a reader.
// Its Input is a plain struct of its own, filled by the caller from a
// scenario analysis, so the report does not depend on the engine's types.
package report

// Interval is a central estimate with a lower and upper bound (for a
// sampled figure, the mean and the 5–95% interval across parameter draws).
type Interval struct {
	Mean float64 `json:"mean"`
	Lo   float64 `json:"lo"`
	Hi   float64 `json:"hi"`
}

// Input is everything the report shows. Only Title and at least one of the
// sections need to be filled; empty sections are left out of the page.
type Input struct {
	Title       string
	Name        string
	Description string
	Source      string
	Period      string // what one step means, e.g. "week"
	Horizon     int
	Draws       int
	Seed        uint64
	Fixed       bool   // no parameter has a distribution: one exact analysis, no seed
	Generated   string // free text, e.g. the truce version; no clock is read

	Actors     []Actor
	Components []Component
	States     []State
	Edges      []Edge
	Parameters []Parameter

	Profiles    []Profile
	Hypotheses  []Hypothesis
	Equilibria  []Equilibrium
	Credibility []Credibility
	// CredibilityAcross is the credibility of the analysed profiles'
	// plays over parameter draws, nil when only central values were
	// checked.
	CredibilityAcross *CredibilityAcross
	// Leverage is the best responses and commitments (leverage.go), nil
	// when they were not computed.
	Leverage   *Leverage
	Tornadoes  []Tornado
	BreakEvens []BreakEven
	// Global, Discoveries and Audit are the global analyses: Sobol
	// indices, PRIM boxes and the construction check (global.go).
	Global      *Global
	Discoveries []Discovery
	Audit       *Audit
	Notes       []string // caveats printed at the top, e.g. "solver unavailable"
	// Ordinal is the graph-model section (gmcr.go), nil when there is none.
	Ordinal *Ordinal
	// Evidence is the record and the forecast ledger (evidence.go), nil
	// when there is neither.
	Evidence *Evidence
}

// Actor is one side of the scenario.
type Actor struct {
	ID          string
	Description string
	Discount    float64
	Weights     map[string]float64
}

// Component is one payoff component.
type Component struct {
	Name        string
	ZeroSum     bool
	Description string
}

// State is a situation of the scenario.
type State struct {
	ID          string
	Description string
	Initial     bool
	Terminal    bool
}

// Edge is a possible transition between two states, for the diagram.
type Edge struct {
	From, To string
	// Label is drawn beside the edge, one line per "\n": what causes the
	// move and its probability at central values, e.g. "IR hormuz · 100%".
	Label string
	// Detail lists every cause in full (tooltip and table).
	Detail []string
}

// Parameter is one assumption: a fixed number or a distribution.
type Parameter struct {
	Name        string
	Label       string // short human name, optional
	Description string // what it stands for, optional
	Dist        string // human-readable, e.g. "beta(2, 8)" or "fixed 20"
	Rationale   string
	Source      string // where the number comes from, optional
}

// Profile is the analysis of one strategy profile.
type Profile struct {
	Name       string
	Strategies map[string]string // actor -> strategy name ("equilibrium" for solved ones)
	Absorb     map[string]Interval
	Reach      map[string][]float64 // state -> mean probability of having entered by step 0..horizon
	// ReachLo and ReachHi are, per state in Reach, the 5% and 95%
	// quantiles over draws at every step (drawn as a band around the
	// curve), over the first ReachBandDraws draws; nil when not computed.
	ReachLo, ReachHi map[string][]float64
	ReachBandDraws   int
	Time             map[string]Interval
	Value            map[string]ActorValue // actor -> value
	// Endings has one entry per terminal state and Unresolved the share
	// not ended; together they sum to 1 within the horizon and eventually.
	// A profile without Endings is shown from Absorb alone (eventual
	// probabilities, no unresolved share).
	Endings    map[string]Ending
	Unresolved Unresolved
}

// Ending is how likely a profile ends in one terminal state.
type Ending struct {
	WithinHorizon Interval // entered at or before the horizon
	Eventually    Interval // ever entered, no horizon
}

// Unresolved is the share of paths that have not ended.
type Unresolved struct {
	AtHorizon  Interval            // not ended by the horizon
	Where      map[string]Interval // non-terminal state -> probability of being there at the horizon
	Eventually Interval            // never ends
}

// ActorValue is one actor's expected discounted value, in total and by component.
type ActorValue struct {
	Total      Interval
	Components map[string]Interval
}

// Hypothesis is one claim with its evaluation.
type Hypothesis struct {
	ID         string
	Label      string // short name, optional
	Claim      string
	Expr       string
	HoldsShare float64
	Verdict    string
	// Subsample says, for a claim evaluated on the first draws only (its
	// draws:), on how many and with what interval, e.g. "on 50 of 1000
	// draws: 95% interval 58.0%–84.0%, inside the uncertain range".
	Subsample  string
	Quantities []Quantity // the figures the expression reads, with central estimates
}

// Quantity is one figure a hypothesis depends on.
type Quantity struct {
	Expr string
	Interval
}

// Equilibrium is a solved (Markov-perfect) profile for central parameters or
// per draw, summarised as action probabilities per actor and state.
type Equilibrium struct {
	Profile          string
	Play             map[string]map[string]map[string]float64 // actor -> state -> action -> prob
	MaxDeviationGain float64
	Converged        bool
	Method           string
	// The set around it (EquilibriumSetFrom; empty when not searched): the
	// selection rule, a one-line summary of what else was found, and the
	// actors' values from the initial state in the selected equilibrium.
	Selection       string
	SetSummary      string
	Found, Outcomes int
	Spread          float64
	Complete        bool
	Initial         string
	Values          map[string]float64
}

// Credibility is one row of a credibility table: in a state (after a
// remembered move), the gain an actor would get from the best one-shot
// deviation from what its strategy prescribes. A prescription is credible
// when no deviation gains (Gain <= tolerance).
type Credibility struct {
	Profile string
	Actor   string
	State   string
	After   string // remembered last move, "" if none
	Action  string // what the strategy prescribes (the threat)
	Deviate string // the best deviation
	// Gain is what the best deviation adds; GainLow, below it when a row
	// stands for several steps of a clocked game, the least it adds over
	// them (the row shows the range).
	Gain     float64
	GainLow  float64
	Credible bool
	// Kind is "threat", "promise" or "reaction" (a play selected by
	// another actor's last move), or "play" (ordinary play, kept only when
	// it is not credible); Shortfall says which action of a mix loses how
	// much ("withdraw loses 1"), empty when credible.
	Kind      string
	Shortfall string
}

// CredibilityAcross summarises credibility over the first Draws of the
// analysis's parameter draws (seed Seed): per profile, actor and kind a
// count of decision points by how often they are credible, and each
// threat and promise with its share of draws and median margin.
type CredibilityAcross struct {
	Draws   int
	Seed    uint64
	Groups  []CredibilityGroup
	Threats []CredibilityShare
	// Clocked is set when a decision point's rows at consecutive steps
	// with the same play and share are merged into one (a clocked
	// scenario): Groups then count rows, not decision points.
	Clocked bool
}

// CredibilityGroup counts one profile's decision points of one kind for
// one actor: credible in at least 90% of the draws, in at most 10%, or in
// between. In a clocked scenario a point at consecutive steps with the
// same play and share counts once (equilibrium.MergeSummarySteps).
type CredibilityGroup struct {
	Profile, Actor, Kind  string
	Points                int
	Mostly, Rarely, Split int
}

// CredibilityShare is one threat or promise over the draws: the share of
// draws in which it is credible and its median margin (the worst action
// of the prescribed play minus the best deviation; negative: it loses
// that much).
type CredibilityShare struct {
	Profile, Kind, Actor, State, After, Play string
	Draws                                    int
	Share, MedianMargin                      float64
	// MarginLow is, for a row merged over consecutive steps of a clocked
	// scenario, the lowest median margin (MedianMargin the highest), else
	// MedianMargin.
	MarginLow float64
}

// Tornado is a one-at-a-time sensitivity chart for one output.
type Tornado struct {
	Output string  // e.g. `reach("war", 52, "baseline")`
	Base   float64 // output at central parameter values
	Bars   []TornadoBar
}

// TornadoBar is the range of an output as one parameter sweeps its range
// with the others at their central values.
type TornadoBar struct {
	Param          string
	ParamLo        float64
	ParamHi        float64
	OutAtLo        float64 // output with the parameter at ParamLo
	OutAtHi        float64 // output with the parameter at ParamHi
	OutMin, OutMax float64 // extremes over the whole sweep
}

// BreakEven is a parameter value at which a hypothesis's verdict flips,
// from Below (just below Value) to Above (just above).
type BreakEven struct {
	Hypothesis string
	Param      string
	Value      float64
	Below      string
	Above      string
}
