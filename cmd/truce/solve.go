package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/internal/progress"
	"github.com/truce-dev/truce/scenario"
)

// solveDraw is the JSON form of one draw's Markov-perfect equilibrium and
// the credibility report (schema in docs/solve.md).
type solveDraw struct {
	Draw             string                                   `json:"draw"`
	Parameters       map[string]float64                       `json:"parameters,omitempty"`
	Method           string                                   `json:"method"`
	Iterations       int                                      `json:"iterations"`
	Converged        bool                                     `json:"converged"`
	MaxDeviationGain float64                                  `json:"max_deviation_gain"`
	Reason           string                                   `json:"reason,omitempty"`
	Equilibrium      map[string]map[string]map[string]float64 `json:"equilibrium"`
	Values           map[string]map[string]float64            `json:"values"`
	Credibility      map[string][]solveThreat                 `json:"credibility"`
	Error            string                                   `json:"error,omitempty"`
}

type solveThreat struct {
	Actor         string             `json:"actor"`
	State         string             `json:"state"`
	After         string             `json:"after,omitempty"`
	Play          map[string]float64 `json:"play"`
	BestDeviation string             `json:"best_deviation,omitempty"`
	Gain          float64            `json:"gain"`
	Credible      bool               `json:"credible"`
	Margin        float64            `json:"margin"`
	Text          string             `json:"text"`
}

type solveReport struct {
	Scenario string      `json:"scenario"`
	Draws    []solveDraw `json:"draws"`
	// the first draw's fields, repeated at the top level for the common
	// single-draw case
	solveDraw
}

func newSolveCmd() *cobra.Command {
	var (
		method string
		draws  int
		seed   uint64
		format string
	)
	cmd := &cobra.Command{
		Use:   "solve FILE",
		Short: "Markov-perfect equilibrium of a scenario and the credibility of its threats",
		Long: `solve computes a stationary Markov-perfect equilibrium (MPE) of a scenario:
in every state, a mix of actions for each actor such that no actor gains by
deviating in any state, given what everybody does afterwards. Every
equilibrium printed carries its certificate, the largest gain any actor gets
from a one-shot deviation (0 up to rounding in an MPE); a method that did
not converge says so and the command exits with status 1.

It then reports the credibility of every named profile: for each actor,
state and remembered last move the profile reacts to, whether carrying out
what the profile prescribes is in that actor's interest when the moment
comes (credible), with the margin by which it beats the best alternative,
or the gain of the best deviation.

Methods: shapley (two-actor zero-sum games: Shapley's value iteration with
linear-programming stage games), homotopy (traces the logit Markov
quantal-response equilibrium from uniform play to an MPE; selects a unique
equilibrium), iterate (value iteration on stage games, following the
previous iterate). auto: shapley when zero-sum, else homotopy, falling back
to iterate.

By default the parameters are at their central values; --draws N solves N
sampled draws (seeded by --seed). --format json is documented in
docs/solve.md.`,
		Example: `  truce solve examples/crises/war-of-attrition.yaml
  truce solve examples/crises/audience-costs.yaml --draws 20 --seed 3
  truce solve scenarios/us-iran-2026.yaml --method iterate --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := mustLoadScenario(cmd, "solve", args[0])
			if err != nil {
				return err
			}
			rep := solveReport{Scenario: sc.Name}
			bar := progress.New(cmd.ErrOrStderr(), int64(draws), "draws")
			failed := 0
			for i := 0; i < draws; i++ {
				if err := cmd.Context().Err(); err != nil {
					bar.Finish()
					return err
				}
				d := sc.Central()
				if draws > 1 {
					d = sc.DrawAt(seed, i)
				}
				sd := solveOneDraw(cmd, sc, d, method)
				if draws > 1 {
					sd.Draw = fmt.Sprintf("draw %d (seed %d)", i, seed)
				}
				if !sd.Converged {
					failed++
				}
				rep.Draws = append(rep.Draws, sd)
				bar.Set(int64(i + 1))
			}
			bar.Finish()
			rep.solveDraw = rep.Draws[0]
			out := cmd.OutOrStdout()
			if format == "json" {
				b, err := json.MarshalIndent(rep, "", "  ")
				if err != nil {
					return &exitError{1, fmt.Sprintf("truce solve: %v", err)}
				}
				if _, err := out.Write(append(b, '\n')); err != nil {
					return err
				}
			} else if err := writeSolveText(out, sc, rep); err != nil {
				return err
			}
			if failed > 0 {
				return &exitError{1, fmt.Sprintf("truce solve: no certified Markov-perfect equilibrium in %d of %d draws", failed, draws)}
			}
			return nil
		},
	}
	f := cmd.Flags()
	enumFlag(f, &method, "method", "auto", "method", "auto", "iterate", "homotopy", "shapley")
	intFlag(f, &draws, "draws", 1, 1, maxSolveDraws, "parameter draws to solve (1 = central values)")
	f.Uint64Var(&seed, "seed", scenario.DefaultSeed, "random seed for the parameter draws")
	formatFlag(f, &format, "text", "json")
	timeoutFlag(f)
	return cmd
}

// solveOneDraw builds, solves and checks one draw; failures are recorded
// in the draw rather than stopping the run.
func solveOneDraw(cmd *cobra.Command, sc *scenario.Scenario, d scenario.Draw, method string) solveDraw {
	sd := solveDraw{Draw: "central", Credibility: map[string][]solveThreat{}}
	if d.Index >= 0 {
		sd.Draw = fmt.Sprintf("draw %d", d.Index)
	}
	if len(sc.Parameters) > 0 {
		sd.Parameters = map[string]float64{}
		for i, p := range sc.Parameters {
			sd.Parameters[p.Name] = d.Values[i]
		}
	}
	g, profs, err := sc.Build(d)
	if err != nil {
		sd.Error = err.Error()
		sd.Reason = "the scenario could not be built for this draw"
		return sd
	}
	res, err := equilibrium.Solve(cmd.Context(), g, equilibrium.Options{Method: method})
	if err != nil {
		sd.Error = err.Error()
		sd.Reason = "the solver failed"
		return sd
	}
	sd.Method, sd.Iterations, sd.Converged = res.Method, res.Iterations, res.Converged
	sd.MaxDeviationGain, sd.Reason = res.MaxDeviationGain, res.Reason
	sd.Equilibrium = map[string]map[string]map[string]float64{}
	sd.Values = map[string]map[string]float64{}
	for a, act := range g.Actors {
		eq := map[string]map[string]float64{}
		vals := map[string]float64{}
		for s, st := range g.States {
			vals[st.ID] = res.Values[a][s]
			if st.Terminal {
				continue
			}
			play := map[string]float64{}
			for k, x := range g.Avail[s][a] {
				if p := res.Strategies[a][s][k]; p > 0 {
					play[g.Actions[a][x]] = p
				}
			}
			eq[st.ID] = play
		}
		sd.Equilibrium[act.ID] = eq
		sd.Values[act.ID] = vals
	}
	for _, pd := range sc.Profiles {
		p, ok := profs[pd.Name]
		if pd.Solve != "" {
			if !res.Converged {
				continue
			}
			p, ok = res.Profile(g), true
		}
		if !ok {
			continue
		}
		var list []solveThreat
		for _, th := range equilibrium.Credibility(g, p) {
			st := solveThreat{Actor: th.Actor, State: th.State, After: th.After, Play: map[string]float64{},
				BestDeviation: th.BestDeviation, Gain: th.Gain, Credible: th.Credible, Margin: th.Margin, Text: th.String()}
			for _, ap := range th.Play {
				st.Play[g.Actions[th.ActorIndex][ap.Action]] += ap.P
			}
			list = append(list, st)
		}
		sd.Credibility[pd.Name] = list
	}
	return sd
}

func writeSolveText(w io.Writer, sc *scenario.Scenario, rep solveReport) error {
	var b strings.Builder
	for i, sd := range rep.Draws {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s — %s", rep.Scenario, sd.Draw)
		if sd.Draw != "central" && len(sd.Parameters) > 0 {
			var ps []string
			for _, p := range sc.Parameters {
				ps = append(ps, fmt.Sprintf("%s=%.4g", p.Name, sd.Parameters[p.Name]))
			}
			fmt.Fprintf(&b, " (%s)", strings.Join(ps, ", "))
		}
		b.WriteString("\n")
		if sd.Error != "" {
			fmt.Fprintf(&b, "  ERROR: %s: %s\n", sd.Reason, sd.Error)
			continue
		}
		if !sd.Converged {
			fmt.Fprintf(&b, "  NO EQUILIBRIUM: %s stopped after %d iterations: %s\n", sd.Method, sd.Iterations, sd.Reason)
			fmt.Fprintf(&b, "  (its last profile has a one-shot deviation gain of %.3g, so it is not printed)\n", sd.MaxDeviationGain)
			continue
		}
		fmt.Fprintf(&b, "Markov-perfect equilibrium (%s, %d iterations), largest one-shot deviation gain %.2g\n",
			sd.Method, sd.Iterations, sd.MaxDeviationGain)
		if sd.Reason != "" {
			fmt.Fprintf(&b, "  note: %s\n", sd.Reason)
		}
		tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  actor\tstate\tplay\tvalue")
		for a, act := range sc.Actors {
			for _, st := range sc.States {
				play, ok := sd.Equilibrium[act.ID][st.ID]
				if !ok {
					continue
				}
				var parts []string
				for _, name := range sc.Actions[a] {
					if p, ok := play[name]; ok {
						if p == 1 {
							parts = append(parts, name)
						} else {
							parts = append(parts, fmt.Sprintf("%s %.4g", name, p))
						}
					}
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%.4g\n", act.ID, st.ID, strings.Join(parts, ", "), solveClean(sd.Values[act.ID][st.ID]))
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, pd := range sc.Profiles {
			list, ok := sd.Credibility[pd.Name]
			if !ok {
				continue
			}
			fmt.Fprintf(&b, "Credibility of profile %s:\n", pd.Name)
			if len(list) == 0 {
				b.WriteString("  (no actor has a choice anywhere: nothing to threaten)\n")
			}
			for _, th := range list {
				fmt.Fprintf(&b, "  %s\n", th.Text)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// solveClean prints rounding noise around zero as 0.
func solveClean(x float64) float64 {
	if x < 1e-12 && x > -1e-12 {
		return 0
	}
	return x
}
