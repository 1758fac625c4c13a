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

// respondJSON is truce respond --format json (schema in docs/solve.md).
type respondJSON struct {
	Scenario string `json:"scenario"`
	Actor    string `json:"actor"`
	To       string `json:"to"`
	// Clock is the scenario's clock (absent without one): the steps
	// before it runs out are decision points of their own.
	Clock int `json:"clock,omitempty"`
	// Policy[node][action] is the best response's play; a node is a state,
	// or "STATE after MOVE" where the others' strategies remember a move,
	// followed in a clocked scenario by " at step T" or " at steps ≥ C".
	Policy            map[string]map[string]float64 `json:"policy"`
	Value             float64                       `json:"value"`
	ProfileValue      float64                       `json:"profile_value"`
	Gain              float64                       `json:"gain"`
	Changes           []respondChange               `json:"changes"`
	BellmanResidual   float64                       `json:"bellman_residual"`
	ValueIterationGap float64                       `json:"value_iteration_gap"`
	Nodes             []respondNode                 `json:"nodes"`
	// ByStep lists, in a clocked scenario, the decision points whose best
	// response differs by step, with the steps of each play.
	ByStep []respondByStep `json:"by_step,omitempty"`
}

type respondByStep struct {
	Node  string            `json:"node"` // the state and remembered move, without the step
	Plays []respondStepPlay `json:"plays"`
}

type respondStepPlay struct {
	Steps  string             `json:"steps"` // "0-3", "5", or "≥ 8"
	Policy map[string]float64 `json:"policy"`
}

type respondChange struct {
	Node    string             `json:"node"`
	Profile map[string]float64 `json:"profile"`
	Best    map[string]float64 `json:"best"`
	Loss    float64            `json:"loss"` // what the profile's play here loses against the best action
}

type respondNode struct {
	Node  string `json:"node"`
	State string `json:"state"`
	After string `json:"after,omitempty"`
	// Step is, in a clocked scenario, the step of the decision point, or
	// the clock for every step from then on (absent without a clock).
	Step   *int               `json:"step,omitempty"`
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
else (with what the profile's play there loses).

In a clocked scenario the decision points carry the step until the clock
runs out: the process from then on is solved as above, the steps before
it by backward induction, and the output says at which steps the best
response changes. --format json is documented in docs/solve.md.`,
		Example: `  truce respond scenarios/us-iran-2026.yaml --actor IR --to baseline
  truce respond examples/deadline-leverage.yaml --actor IR --to deadline
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
	return report.DistNames(g, a, s, d)
}

func respondReport(sc *scenario.Scenario, g *markov.Game, r *equilibrium.Response, to string) respondJSON {
	rep := respondJSON{Scenario: sc.Name, Actor: r.ActorID, To: to, Clock: r.Clock, Policy: map[string]map[string]float64{},
		Value: r.Value, ProfileValue: r.ProfileValue, Gain: r.Gain, Changes: []respondChange{},
		BellmanResidual: r.BellmanResidual, ValueIterationGap: r.ValueIterationGap}
	a := r.Actor
	rns := report.ResponseNodes(g, r) // by state, remembered move, step
	nodes := make([]equilibrium.ResponseNode, len(rns))
	for i, rn := range rns {
		nodes[i] = rn.Node
	}
	for _, x := range rns {
		n, label, pol := x.Node, x.Label, x.Policy
		rep.Policy[label] = pol
		q := map[string]float64{}
		for k, v := range n.Q {
			q[g.Actions[a][g.Avail[n.State][a][k]]] = v
		}
		rn := respondNode{Node: label, State: n.StateID, After: n.After, Policy: pol, Value: n.Value, Q: q}
		if r.Clock > 0 {
			rn.Step = &n.Step
		}
		rep.Nodes = append(rep.Nodes, rn)
		if n.Changes {
			own := 0.0
			for k, x := range n.ProfilePlay {
				own += x * n.Q[k]
			}
			rep.Changes = append(rep.Changes, respondChange{Node: label, Profile: distNames(g, a, n.State, n.ProfilePlay),
				Best: pol, Loss: n.Value - own})
		}
	}
	rep.ByStep = byStep(r.Clock, nodes, func(n equilibrium.ResponseNode) (string, []float64) { return n.Label(), n.Policy },
		func(n equilibrium.ResponseNode) (int, map[string]float64) {
			return n.Step, distNames(g, a, n.State, n.Policy)
		})
	return rep
}

// byStep lists, for a clocked game, the decision points whose play
// differs by step: nodes sorted by decision point (key) and step, each run
// of steps with the same play as one entry.
func byStep[N any](clock int, nodes []N, key func(N) (string, []float64), play func(N) (int, map[string]float64)) []respondByStep {
	if clock == 0 {
		return nil
	}
	var out []respondByStep
	for i := 0; i < len(nodes); {
		k, _ := key(nodes[i])
		j := i
		for j < len(nodes) {
			if kj, _ := key(nodes[j]); kj != k {
				break
			}
			j++
		}
		var runs []respondStepPlay
		var first, last int
		var cur []float64
		flush := func() {
			_, pol := play(nodes[first])
			runs = append(runs, respondStepPlay{Steps: stepRange(clock, first, last, nodes, play), Policy: pol})
		}
		for x := i; x < j; x++ {
			_, p := key(nodes[x])
			if x > i && !sameDist(p, cur) {
				flush()
				first = x
			} else if x == i {
				first = x
			}
			cur, last = p, x
		}
		flush()
		if len(runs) > 1 {
			out = append(out, respondByStep{Node: k, Plays: runs})
		}
		i = j
	}
	return out
}

// stepRange writes the steps of nodes[first..last] (sorted, distinct)
// as stepRuns does.
func stepRange[N any](clock, first, last int, nodes []N, play func(N) (int, map[string]float64)) string {
	steps := make([]int, 0, last-first+1)
	for x := first; x <= last; x++ {
		st, _ := play(nodes[x])
		steps = append(steps, st)
	}
	return stepRuns(steps, clock)
}

// stepRuns writes increasing steps as runs of consecutive steps, "0-3",
// the run that reaches the clock as "≥ 5": "0-1, ≥ 5".
func stepRuns(steps []int, clock int) string { return report.StepRuns(steps, clock) }

// stepsText reads a stepRange for people: "at steps 0-1", "from step 2 on".
func stepsText(r string) string { return report.StepsText(r) }

func sameDist(p, q []float64) bool {
	if len(p) != len(q) {
		return false
	}
	for i := range p {
		if math.Abs(p[i]-q[i]) > 1e-12 {
			return false
		}
	}
	return true
}

func writeRespondText(w io.Writer, sc *scenario.Scenario, rep respondJSON) error {
	var b strings.Builder
	a, _ := actorIndex(sc, rep.Actor)
	init := sc.States[sc.Initial].ID
	fmt.Fprintf(&b, "%s — central values\n", rep.Scenario)
	fmt.Fprintf(&b, "Best response of %s to profile %s (the other actors play as in %s)\n", rep.Actor, rep.To, rep.To)
	for _, pd := range sc.Profiles {
		if pd.Name == rep.To && pd.Solve != "" {
			// Which equilibrium: the game may have others (truce solve).
			fmt.Fprintf(&b, "  profile %s: the equilibrium selected by %s; others may exist (truce solve --all)\n", rep.To, equilibrium.Selection)
		}
	}
	fmt.Fprintf(&b, "  value from %s: %.4g; with its own strategy in the profile: %.4g; gain %.4g\n", init, solveClean(rep.Value), solveClean(rep.ProfileValue), solveClean(rep.Gain))
	fmt.Fprintf(&b, "  certificate: Bellman residual %.2g; value iteration agrees to %.2g\n", rep.BellmanResidual, rep.ValueIterationGap)
	tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  decision point\tbest response\tvalue\tthe profile plays")
	changed := map[string]respondChange{}
	for _, c := range rep.Changes {
		changed[c.Node] = c
	}
	for i := 0; i < len(rep.Nodes); i++ {
		n := rep.Nodes[i]
		c, isChanged := changed[n.Node]
		profText := ""
		if isChanged {
			profText = playText(sc.Actions[a], c.Profile)
		}
		// With a clock, consecutive steps of one decision point that play
		// the same, and where the profile plays the same (as the best
		// response, or another play), share a row; the profile's loss is
		// then the range over them.
		j := i
		lossLo, lossHi := c.Loss, c.Loss
		for n.Step != nil && j+1 < len(rep.Nodes) {
			m := rep.Nodes[j+1]
			mc, mChanged := changed[m.Node]
			if mChanged != isChanged || m.State != n.State || m.After != n.After || *m.Step != *rep.Nodes[j].Step+1 ||
				playText(sc.Actions[a], m.Policy) != playText(sc.Actions[a], n.Policy) ||
				(isChanged && playText(sc.Actions[a], mc.Profile) != profText) {
				break
			}
			lossLo, lossHi = min(lossLo, mc.Loss), max(lossHi, mc.Loss)
			j++
		}
		prof := "the same"
		if isChanged {
			loss := fmt.Sprintf("%.3g", lossLo)
			if hi := fmt.Sprintf("%.3g", lossHi); hi != loss {
				loss += "–" + hi
			}
			prof = fmt.Sprintf("%s (loses %s here)", profText, loss)
		}
		label, value := n.Node, fmt.Sprintf("%.4g", solveClean(n.Value))
		if j > i {
			last := rep.Nodes[j]
			base := n.State
			if n.After != "" {
				base += " after " + n.After
			}
			// A point after a remembered move cannot arise at step 0:
			// from step 1 on is every step it can arise at.
			label = fmt.Sprintf("%s at steps %d-%d", base, *n.Step, *last.Step)
			switch {
			case *last.Step == rep.Clock && *n.Step <= equilibrium.EarliestStep(n.After, ""):
				label = base + " at every step"
			case *last.Step == rep.Clock:
				label = fmt.Sprintf("%s at steps ≥ %d", base, *n.Step)
			}
			if v, w := fmt.Sprintf("%.4g", solveClean(n.Value)), fmt.Sprintf("%.4g", solveClean(last.Value)); v != w {
				value = v + " … " + w
			}
			i = j
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", label, playText(sc.Actions[a], n.Policy), value, prof)
	}
	tw.Flush()
	if len(rep.ByStep) > 0 {
		fmt.Fprintf(&b, "Where the best response changes with the step (the clock runs out at step %d):\n", rep.Clock)
		for _, bs := range rep.ByStep {
			var parts []string
			for _, p := range bs.Plays {
				parts = append(parts, fmt.Sprintf("%s %s", playText(sc.Actions[a], p.Policy), stepsText(p.Steps)))
			}
			fmt.Fprintf(&b, "  %s: %s\n", bs.Node, strings.Join(parts, "; "))
		}
	} else if rep.Clock > 0 {
		fmt.Fprintf(&b, "The best response is the same at every step (the clock runs out at step %d).\n", rep.Clock)
	}
	switch len(rep.Changes) {
	case 0:
		fmt.Fprintf(&b, "%s's own strategy in %s is already a best response.\n", rep.Actor, rep.To)
	default:
		fmt.Fprintf(&b, "%s would play differently at %d decision point(s).\n", rep.Actor, len(rep.Changes))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
