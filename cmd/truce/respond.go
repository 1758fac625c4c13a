package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/scenario"
)

// respondJSON is truce respond --format json (schema in docs/solve.md).
type respondJSON struct {
	Scenario string `json:"scenario"`
	Actor    string `json:"actor"`
	To       string `json:"to"`
	// Policy[node][action] is the best response's play; a node is a state,
	// or "STATE after MOVE" where the others' strategies remember a move.
	Policy            map[string]map[string]float64 `json:"policy"`
	Value             float64                       `json:"value"`
	ProfileValue      float64                       `json:"profile_value"`
	Gain              float64                       `json:"gain"`
	Changes           []respondChange               `json:"changes"`
	BellmanResidual   float64                       `json:"bellman_residual"`
	ValueIterationGap float64                       `json:"value_iteration_gap"`
	Nodes             []respondNode                 `json:"nodes"`
}

type respondChange struct {
	Node    string             `json:"node"`
	Profile map[string]float64 `json:"profile"`
	Best    map[string]float64 `json:"best"`
	Loss    float64            `json:"loss"` // what the profile's play here loses against the best action
}

type respondNode struct {
	Node   string             `json:"node"`
	State  string             `json:"state"`
	After  string             `json:"after,omitempty"`
	Policy map[string]float64 `json:"policy"`
	Value  float64            `json:"value"`
	Q      map[string]float64 `json:"action_values"`
}

func newRespondCmd() *cobra.Command {
	var (
		actor, to, format string
	)
	cmd := &cobra.Command{
		Use:   "respond FILE --actor A --to PROFILE",
		Short: "the exact best response of one actor to the others' strategies in a profile",
		Long: `respond computes the exact best response of one actor to what the other
actors do in a profile (their strategies as written, memory-one rules
included, or the selected equilibrium for an equilibrium profile), at the
scenario's central parameter values.

The others' strategies fix a single-agent decision process for the actor:
its states are the profile's decision points (a state, and the remembered
last move the others' strategies react to), on and off the path. It is
solved exactly by policy iteration, checked against the Bellman equation
(the residual is printed) and cross-checked by value iteration.

It prints the best stationary policy at every decision point, its value
from the initial state, the gain over the actor's own strategy in the
profile, and the decision points where the best response plays something
else (with what the profile's play there loses). --format json is
documented in docs/solve.md.`,
		Example: `  truce respond scenarios/us-iran-2026.yaml --actor IR --to baseline
  truce respond scenarios/us-iran-2026.yaml --actor IR --to walkaway_intr --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := mustLoadScenario(cmd, "respond", args[0])
			if err != nil {
				return err
			}
			a, err := actorIndex(sc, actor)
			if err != nil {
				return usageErrorf("truce respond: --actor: %v", err)
			}
			g, p, err := profileAtCentral(cmd, sc, to)
			if err != nil {
				return &exitError{codeFailure, fmt.Sprintf("truce respond: %v", err)}
			}
			r, err := equilibrium.BestResponse(cmd.Context(), g, p, a)
			if err != nil {
				return fmt.Errorf("truce respond: %w", err)
			}
			rep := respondReport(sc, g, r, to)
			out := cmd.OutOrStdout()
			if format == "json" {
				b, err := json.MarshalIndent(rep, "", "  ")
				if err != nil {
					return err
				}
				_, err = out.Write(append(b, '\n'))
				return err
			}
			return writeRespondText(out, sc, rep)
		},
	}
	f := cmd.Flags()
	f.StringVar(&actor, "actor", "", "the actor who responds (required)")
	f.StringVar(&to, "to", "", "the profile whose other strategies it responds to (required)")
	_ = cmd.MarkFlagRequired("actor")
	_ = cmd.MarkFlagRequired("to")
	formatFlag(f, &format, "text", "json")
	timeoutFlag(f)
	return cmd
}

// actorIndex finds an actor by id, with a hint when it is not there.
func actorIndex(sc *scenario.Scenario, id string) (int, error) {
	var ids []string
	for a, act := range sc.Actors {
		if act.ID == id {
			return a, nil
		}
		ids = append(ids, act.ID)
	}
	return -1, fmt.Errorf("unknown actor %q (the actors are %s)", id, strings.Join(ids, ", "))
}

// profileAtCentral builds the game at central values and the named profile
// on it (an equilibrium profile is solved with the selection rule).
func profileAtCentral(cmd *cobra.Command, sc *scenario.Scenario, name string) (*markov.Game, markov.Profile, error) {
	g, profs, err := sc.Build(sc.Central())
	if err != nil {
		return nil, nil, fmt.Errorf("central parameter values: %w", err)
	}
	p, err := sc.ProfileFor(cmd.Context(), g, profs, name, equilibrium.Options{})
	if err != nil {
		var names []string
		for _, pd := range sc.Profiles {
			names = append(names, pd.Name)
		}
		return nil, nil, fmt.Errorf("%w (the profiles are %s)", err, strings.Join(names, ", "))
	}
	return g, p, nil
}

// distNames turns a distribution over Avail[s][a] into action names.
func distNames(g *markov.Game, a, s int, d []float64) map[string]float64 {
	out := map[string]float64{}
	for k, x := range d {
		if x > 0 {
			out[g.Actions[a][g.Avail[s][a][k]]] += x
		}
	}
	return out
}

func respondReport(sc *scenario.Scenario, g *markov.Game, r *equilibrium.Response, to string) respondJSON {
	rep := respondJSON{Scenario: sc.Name, Actor: r.ActorID, To: to, Policy: map[string]map[string]float64{},
		Value: r.Value, ProfileValue: r.ProfileValue, Gain: r.Gain, Changes: []respondChange{},
		BellmanResidual: r.BellmanResidual, ValueIterationGap: r.ValueIterationGap}
	a := r.Actor
	for _, n := range r.Nodes {
		label := n.Label()
		pol := distNames(g, a, n.State, n.Policy)
		rep.Policy[label] = pol
		q := map[string]float64{}
		for k, v := range n.Q {
			q[g.Actions[a][g.Avail[n.State][a][k]]] = v
		}
		rep.Nodes = append(rep.Nodes, respondNode{Node: label, State: n.StateID, After: n.After, Policy: pol, Value: n.Value, Q: q})
		if n.Changes {
			own := 0.0
			for k, x := range n.ProfilePlay {
				own += x * n.Q[k]
			}
			rep.Changes = append(rep.Changes, respondChange{Node: label, Profile: distNames(g, a, n.State, n.ProfilePlay),
				Best: pol, Loss: n.Value - own})
		}
	}
	return rep
}

func writeRespondText(w io.Writer, sc *scenario.Scenario, rep respondJSON) error {
	var b strings.Builder
	a, _ := actorIndex(sc, rep.Actor)
	init := sc.States[sc.Initial].ID
	fmt.Fprintf(&b, "%s — central values\n", rep.Scenario)
	fmt.Fprintf(&b, "Best response of %s to profile %s (the other actors play as in %s)\n", rep.Actor, rep.To, rep.To)
	fmt.Fprintf(&b, "  value from %s: %.4g; with its own strategy in the profile: %.4g; gain %.4g\n", init, solveClean(rep.Value), solveClean(rep.ProfileValue), solveClean(rep.Gain))
	fmt.Fprintf(&b, "  certificate: Bellman residual %.2g; value iteration agrees to %.2g\n", rep.BellmanResidual, rep.ValueIterationGap)
	tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  decision point\tbest response\tvalue\tthe profile plays")
	changed := map[string]respondChange{}
	for _, c := range rep.Changes {
		changed[c.Node] = c
	}
	for _, n := range rep.Nodes {
		prof := "the same"
		if c, ok := changed[n.Node]; ok {
			prof = fmt.Sprintf("%s (loses %.3g here)", playText(sc.Actions[a], c.Profile), c.Loss)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%.4g\t%s\n", n.Node, playText(sc.Actions[a], n.Policy), solveClean(n.Value), prof)
	}
	tw.Flush()
	switch len(rep.Changes) {
	case 0:
		fmt.Fprintf(&b, "%s's own strategy in %s is already a best response.\n", rep.Actor, rep.To)
	default:
		fmt.Fprintf(&b, "%s would play differently at %d decision point(s).\n", rep.Actor, len(rep.Changes))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
