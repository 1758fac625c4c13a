package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/report"
	"github.com/truce-dev/truce/scenario"
)

// commitJSON is truce commit --format json (schema in docs/solve.md).
type commitJSON struct {
	Scenario string `json:"scenario"`
	Seed     uint64 `json:"seed"`
	Leader   string `json:"leader"`
	Follower string `json:"follower"`
	// Clock is the scenario's clock (absent without one).
	Clock int `json:"clock,omitempty"`
	// Commitment[state][action] is the leader's committed play (in a
	// clocked scenario, from step Clock on).
	Commitment map[string]map[string]float64 `json:"commitment"`
	// BeforeClock[t][state][action] is, in a clocked scenario, the
	// committed play at step t before the clock runs out.
	BeforeClock []map[string]map[string]float64 `json:"commitment_before_clock,omitempty"`
	// FollowerResponse[node][action] is the follower's best response, ties
	// broken in the leader's favour (nodes as in truce respond).
	FollowerResponse       map[string]map[string]float64 `json:"follower_response"`
	LeaderValue            float64                       `json:"leader_value"`
	FollowerValue          float64                       `json:"follower_value"`
	Exact                  bool                          `json:"exact"`
	Method                 string                        `json:"method"`
	Tried                  int                           `json:"commitments_tried"`
	EquilibriumLeaderValue *float64                      `json:"equilibrium_leader_value,omitempty"`
	ValueOfCommitment      *float64                      `json:"value_of_commitment,omitempty"`
	BellmanResidual        float64                       `json:"bellman_residual"`

	responseOrder []string // FollowerResponse's keys in the order of truce respond
}

func newCommitCmd() *cobra.Command {
	var (
		leader, follower, format string
		seed                     uint64
	)
	cmd := &cobra.Command{
		Use:   "commit FILE --leader A [--follower B]",
		Short: "the policy a leader should announce and carry out, given the follower's best response",
		Long: `commit finds the leader's optimal commitment at the scenario's central
parameter values: the stationary strategy the leader should announce and
carry out, knowing that the follower answers with its exact best response
(ties broken in the leader's favour: strong Stackelberg).

In a one-state game (one situation whose chance of continuing does not
depend on the actions) the optimum is exact, by the multiple linear
programs of Conitzer & Sandholm (2006). In a stochastic game finding it is
NP-hard; commit searches (every pure stationary commitment when there are
at most 4096, else a sample, the leader's play in the selected equilibrium,
random mixed commitments, then state-by-state improvement by the same
linear programs) and says plainly that the result is the best commitment
found, not a proved optimum. Every follower response is exact and checked
against the Bellman equation.

In a clocked scenario the leader commits to a play per state and step
until the clock runs out and a stationary one from then on; the follower's
response is its exact best response step by step.

It prints the commitment, the follower's response, both values, the
leader's value in the selected equilibrium and the difference (the value
of commitment). Needs a two-actor scenario. --format json is documented in
docs/solve.md.`,
		Example: `  truce commit scenarios/us-iran-2026.yaml --leader US
  truce commit examples/coordination.yaml --leader A --format json
  truce commit examples/deadline-leverage.yaml --leader US`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := mustLoadScenario(cmd, "commit", args[0])
			if err != nil {
				return err
			}
			l, err := actorIndex(sc, leader)
			if err != nil {
				return usageErrorf("truce commit: --leader: %v", err)
			}
			if len(sc.Actors) != 2 {
				return &exitError{codeFailure, fmt.Sprintf("truce commit: needs a scenario with two actors, this one has %d", len(sc.Actors))}
			}
			f := 1 - l
			if follower != "" {
				if f, err = actorIndex(sc, follower); err != nil {
					return usageErrorf("truce commit: --follower: %v", err)
				}
				if f == l {
					return usageErrorf("truce commit: the leader and the follower must differ")
				}
			}
			g, _, err := sc.Build(sc.Central())
			if err != nil {
				return &exitError{codeFailure, fmt.Sprintf("truce commit: central parameter values: %v", err)}
			}
			ctx := cmd.Context()
			sel, err := equilibrium.Solve(ctx, g, equilibrium.Options{})
			if err != nil {
				return fmt.Errorf("truce commit: %w", err)
			}
			c, err := equilibrium.Commit(ctx, g, l, f, equilibrium.CommitOptions{Seed: seed, Equilibrium: sel})
			if err != nil {
				return fmt.Errorf("truce commit: %w", err)
			}
			rep := commitReport(sc, g, c, seed)
			out := cmd.OutOrStdout()
			if format == "json" {
				b, err := json.MarshalIndent(rep, "", "  ")
				if err != nil {
					return err
				}
				_, err = out.Write(append(b, '\n'))
				return err
			}
			return writeCommitText(out, sc, rep, l, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&leader, "leader", "", "the actor who commits (required)")
	fl.StringVar(&follower, "follower", "", "the actor who responds (default: the other one)")
	_ = cmd.MarkFlagRequired("leader")
	seedFlag(fl, &seed, scenario.DefaultSeed, "random seed for the search's random commitments")
	formatFlag(fl, &format, "text", "json")
	timeoutFlag(fl)
	return cmd
}

// commitReport is the JSON form of a commitment (truce commit, and the
// report's leverage section).
func commitReport(sc *scenario.Scenario, g *markov.Game, c *equilibrium.Commitment, seed uint64) commitJSON {
	l := c.Leader
	rep := commitJSON{Scenario: sc.Name, Seed: seed, Leader: c.LeaderID, Follower: c.FollowerID, Clock: g.Clock,
		Commitment: map[string]map[string]float64{}, FollowerResponse: map[string]map[string]float64{},
		LeaderValue: c.LeaderValue, FollowerValue: c.FollowerValue, Exact: c.Exact, Method: c.Method, Tried: c.Tried,
		BellmanResidual: c.Response.BellmanResidual}
	for s, st := range g.States {
		if !st.Terminal {
			rep.Commitment[st.ID] = distNames(g, l, s, c.Strategy[s])
		}
	}
	for _, row := range c.Timed {
		m := map[string]map[string]float64{}
		for s, st := range g.States {
			if !st.Terminal {
				m[st.ID] = distNames(g, l, s, row[s])
			}
		}
		rep.BeforeClock = append(rep.BeforeClock, m)
	}
	for _, n := range respondReport(sc, g, c.Response, "").Nodes {
		rep.FollowerResponse[n.Node] = n.Policy
		rep.responseOrder = append(rep.responseOrder, n.Node)
	}
	if !math.IsNaN(c.EquilibriumLeaderValue) {
		e, v := c.EquilibriumLeaderValue, c.ValueOfCommitment
		rep.EquilibriumLeaderValue, rep.ValueOfCommitment = &e, &v
	}
	return rep
}

func writeCommitText(w io.Writer, sc *scenario.Scenario, rep commitJSON, l, f int) error {
	var b strings.Builder
	init := sc.States[sc.Initial].ID
	fmt.Fprintf(&b, "%s — central values\n", rep.Scenario)
	fmt.Fprintf(&b, "Optimal commitment of %s, %s answering with its best response (ties in %s's favour)\n", rep.Leader, rep.Follower, rep.Leader)
	if rep.Exact {
		fmt.Fprintf(&b, "  %s\n", rep.Method)
	} else {
		fmt.Fprintf(&b, "  HEURISTIC %s; %d commitments evaluated exactly (seed %d)\n", rep.Method, rep.Tried, rep.Seed)
	}
	tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  state\t%s commits to\n", rep.Leader)
	for _, r := range commitRows(sc, rep, l) {
		fmt.Fprintf(tw, "  %s\t%s\n", r[0], r[1])
	}
	tw.Flush()
	tw = tabwriter.NewWriter(&b, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  decision point\t%s responds\n", rep.Follower)
	for _, r := range responseRows(sc, rep, f) {
		fmt.Fprintf(tw, "  %s\t%s\n", r[0], r[1])
	}
	tw.Flush()
	fmt.Fprintf(&b, "  values from %s: %s %.4g, %s %.4g (follower's response: Bellman residual %.2g)\n", init,
		rep.Leader, solveClean(rep.LeaderValue), rep.Follower, solveClean(rep.FollowerValue), rep.BellmanResidual)
	if rep.EquilibriumLeaderValue != nil {
		fmt.Fprintf(&b, "  %s's value in the selected equilibrium: %.4g; value of commitment: %.4g", rep.Leader,
			solveClean(*rep.EquilibriumLeaderValue), solveClean(*rep.ValueOfCommitment))
		if !rep.Exact {
			b.WriteString(" (at least this much, if the search missed the optimum)")
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// commitRows are the commitment's rows: the state and the leader's play
// (by step in a clocked scenario).
func commitRows(sc *scenario.Scenario, rep commitJSON, l int) [][2]string {
	var out [][2]string
	for _, st := range sc.States {
		p, ok := rep.Commitment[st.ID]
		if !ok {
			continue
		}
		if rep.Clock == 0 {
			out = append(out, [2]string{st.ID, playText(sc.Actions[l], p)})
			continue
		}
		plays := make([]string, 0, rep.Clock+1)
		for _, row := range rep.BeforeClock {
			plays = append(plays, playText(sc.Actions[l], row[st.ID]))
		}
		plays = append(plays, playText(sc.Actions[l], p))
		out = append(out, [2]string{st.ID, stepPlays(plays)})
	}
	return out
}

// responseRows are the follower's response rows: the decision point and
// its play (by step in a clocked scenario).
func responseRows(sc *scenario.Scenario, rep commitJSON, f int) [][2]string {
	var out [][2]string
	if rep.Clock == 0 {
		for _, k := range sortedNodeLabels(sc, rep.FollowerResponse) {
			out = append(out, [2]string{k, playText(sc.Actions[f], rep.FollowerResponse[k])})
		}
		return out
	}
	plays := make([]string, len(rep.responseOrder))
	for i, k := range rep.responseOrder {
		plays[i] = playText(sc.Actions[f], rep.FollowerResponse[k])
	}
	return report.StepGroups(rep.responseOrder, plays, rep.Clock)
}

// stepPlays describes a play per step 0 … Clock (the last from the clock
// on): "wait at steps 0-1; strike from step 2 on", or "strike at every
// step".
func stepPlays(plays []string) string { return report.StepPlays(plays) }

// sortedNodeLabels orders decision points by state order, base node first.
func sortedNodeLabels(sc *scenario.Scenario, m map[string]map[string]float64) []string {
	return report.SortedNodeLabels(sc, m)
}
