package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/internal/progress"
	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/report"
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
	Set              *solveSetJSON                            `json:"equilibrium_set,omitempty"`
	// BeforeClock is the play and values at each step before a clocked
	// scenario's clock runs out (backward induction); Equilibrium and
	// Values hold from then on.
	BeforeClock []solveStep `json:"before_clock,omitempty"`
	Equilibria  []solveEq   `json:"equilibria,omitempty"`
	Error       string      `json:"error,omitempty"`

	threats []profileThreats // for the summary across draws
	err     error            // the error Error holds, for a draw cut short
}

type profileThreats struct {
	profile string
	threats []equilibrium.Threat
}

type solveStep struct {
	Step        int                                      `json:"step"`
	Equilibrium map[string]map[string]map[string]float64 `json:"equilibrium"`
	Values      map[string]map[string]float64            `json:"values"`
}

type solveThreat struct {
	Actor string `json:"actor"`
	State string `json:"state"`
	// Step is, in a clocked scenario, the step of the decision point, or
	// the clock for every step from then on.
	Step          *int               `json:"step,omitempty"`
	Kind          string             `json:"kind"`
	After         string             `json:"after,omitempty"`
	Target        string             `json:"target,omitempty"`
	Context       string             `json:"context,omitempty"`
	Play          map[string]float64 `json:"play"`
	Support       []solveSupport     `json:"support"`
	BestDeviation string             `json:"best_deviation,omitempty"`
	Gain          float64            `json:"gain"`
	Credible      bool               `json:"credible"`
	Margin        float64            `json:"margin"`
	TargetEffect  float64            `json:"target_effect,omitempty"`
	Text          string             `json:"text"`
}

type solveSupport struct {
	Action    string  `json:"action"`
	P         float64 `json:"p"`
	Shortfall float64 `json:"shortfall"`
}

// solveThreatSummary is one decision point's credibility across draws.
type solveThreatSummary struct {
	Profile string `json:"profile"`
	Actor   string `json:"actor"`
	State   string `json:"state"`
	Kind    string `json:"kind"`
	After   string `json:"after,omitempty"`
	Context string `json:"context,omitempty"`
	// Step is, in a clocked scenario, the step of the decision point, or
	// the clock for every step from then on (as in solveThreat).
	Step          *int    `json:"step,omitempty"`
	Play          string  `json:"play"`
	Draws         int     `json:"draws"`
	CredibleShare float64 `json:"credible_share"`
	MedianMargin  float64 `json:"median_margin"`
}

type solveReport struct {
	Scenario string      `json:"scenario"`
	Seed     uint64      `json:"seed"`
	Draws    []solveDraw `json:"draws"`
	// CredibilitySummary aggregates every profile's credibility over the
	// draws (also with one draw, where each share is 0 or 1).
	CredibilitySummary []solveThreatSummary `json:"credibility_summary"`
	// summaryRuns are CredibilitySummary's rows per profile, merged over
	// consecutive steps of a clocked scenario, for the text.
	summaryRuns []profileSummaryRuns
	// the first draw's fields, repeated at the top level for the common
	// single-draw case
	solveDraw
}

// solveSetJSON summarises the equilibrium set of one draw.
type solveSetJSON struct {
	Found        int     `json:"found"`
	Outcomes     int     `json:"outcomes"`
	Starts       int     `json:"starts"`
	Failed       int     `json:"failed"`
	Complete     bool    `json:"complete"`
	Completeness string  `json:"completeness"`
	Spread       float64 `json:"spread"`
	Selected     int     `json:"selected"`
	Selection    string  `json:"selection"`
	Summary      string  `json:"summary"`
	Stopped      string  `json:"stopped,omitempty"`
}

// solveEq is one equilibrium of the set: shaped like the selected result
// plus how it was found.
type solveEq struct {
	Equilibrium      map[string]map[string]map[string]float64 `json:"equilibrium"`
	Values           map[string]map[string]float64            `json:"values"`
	MaxDeviationGain float64                                  `json:"max_deviation_gain"`
	BasinShare       float64                                  `json:"basin_share"`
	Hits             int                                      `json:"hits"`
	Sources          []string                                 `json:"sources"`
	Selected         bool                                     `json:"selected"`
	Outcome          int                                      `json:"outcome"`
	Method           string                                   `json:"method"`
	Endings          map[string]endingJSON                    `json:"endings,omitempty"`
	Unresolved       *unresolvedJSON                          `json:"unresolved,omitempty"`
	// BeforeClock is, in a clocked scenario, the member's play and values
	// at each step before the clock runs out (the stationary equilibrium
	// in Equilibrium and Values extended back by backward induction), as
	// in solveDraw.
	BeforeClock []solveStep `json:"before_clock,omitempty"`
}

type endingJSON struct {
	WithinHorizon float64 `json:"within_horizon"`
	Eventually    float64 `json:"eventually"`
}

type unresolvedJSON struct {
	AtHorizon  float64            `json:"at_horizon"`
	Where      map[string]float64 `json:"where,omitempty"`
	Eventually float64            `json:"eventually"`
}

// solveOptions are the flags of solve that shape one draw's work.
type solveOptions struct {
	method  string
	starts  int
	seed    uint64
	workers int
	// setParts, when set, are the parts of the one draw's equilibrium set
	// (truce merge of solve --shard without --draws): folded instead of
	// searched.
	setParts []*equilibrium.SetPart
}

// setOptions are the options of the equilibrium set search.
func (opt solveOptions) setOptions() equilibrium.SetOptions {
	workers := opt.workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	starts := opt.starts
	if starts == 0 {
		starts = -1 // none; SolveAll reads 0 as its default
	}
	return equilibrium.SetOptions{Options: equilibrium.Options{Method: opt.method}, Starts: starts, Seed: opt.seed, Workers: workers}
}

func newSolveCmd() *cobra.Command {
	var (
		opt     solveOptions
		draws   int
		all     bool
		details bool
		format  string
		sf      shardFlags
	)
	cmd := &cobra.Command{
		Use:   "solve FILE",
		Short: "Markov-perfect equilibria of a scenario, and the credibility of its threats",
		Long: `solve computes the stationary Markov-perfect equilibria (MPE) of a scenario:
in every state, a mix of actions for each actor such that no actor gains by
deviating in any state, given what everybody does afterwards. Every
equilibrium printed carries its certificate, the largest gain any actor gets
from a one-shot deviation (0 up to rounding in an MPE); a method that did
not converge says so and the command exits with status 1.

A game can have several equilibria. solve prints the one selected by
` + equilibrium.Selection + `, and searches for others from --starts
random starts (logit paths from random priors and value iteration from
random profiles, seeded by --seed), plus exact enumeration where it is
feasible (one-state games; pure profiles of small games). It says how many
distinct equilibria it found, how far apart their values are, and whether
the list is proved complete; --all lists them, each with its certificate,
values, endings and basin share (the share of starts that ended there).

It then reports the credibility of every named profile: for each actor,
state and remembered last move the profile reacts to, whether carrying out
what the profile prescribes is in that actor's interest when the moment
comes (credible), with the margin by which it beats the best alternative,
or the gain of the best deviation.

Methods (the selection): auto (the default: shapley when zero-sum, else
homotopy, falling back to policy iteration and iterate), homotopy (the
limit of the logit Markov quantal-response path from uniform play),
iterate (value iteration on stage games, following the previous
iterate), shapley (two-actor zero-sum games), policy (policy iteration
from uniform play: each profile's exact values, then every state's stage
equilibrium closest to the current play; it can cycle, and says so).

By default the parameters are at their central values; --draws N solves N
sampled draws (draw i uses its own stream of --seed). --format json is
documented in docs/solve.md.

--shard K/N runs only shard K's block of the work and writes a partial
result; truce merge prints what the whole run prints, byte for byte
(docs/scale.md). With --draws N > 1 the units are the draws. Without
--draws the units are the one draw's equilibrium search: unit 0 the
selection and the exact enumeration, unit i the random start i (seeded by
i, so the number of shards changes nothing); the merge then lists the set
and checks credibility once.`,
		Example: `  truce solve examples/crises/war-of-attrition.yaml
  truce solve scenarios/us-iran-2026.yaml --all --starts 50
  truce solve examples/crises/audience-costs.yaml --draws 20 --seed 3
  truce solve scenarios/us-iran-2026.yaml --method iterate --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, src, err := mustLoadScenarioSrc(cmd, "solve", args[0])
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("starts") && draws > 1 {
				opt.starts = solveStartsPerDraw
			}
			// Over draws with --draws, else over the starts of the one draw.
			units := draws
			if draws == 1 {
				units = equilibrium.SetUnits(opt.setOptions())
			}
			job, err := startShard(cmd, "solve", sf, args[0], src, opt.seed, units)
			if err != nil {
				return err
			}
			if job.skip {
				job.skipped(cmd)
				return nil
			}
			ctx := cmd.Context()
			if draws == 1 && job.sharding {
				return solveStartsShard(cmd, job, sc, opt)
			}
			if draws == 1 && job.merging() {
				if opt.setParts, err = decodeSetParts(job.parts); err != nil {
					return &exitError{1, fmt.Sprintf("truce merge: %v", err)}
				}
			}
			rep := solveReport{Scenario: sc.Name, Seed: opt.seed}
			lo, hi := job.Range()
			if draws == 1 {
				lo, hi = 0, 1
			}
			bar := progress.New(cmd.ErrOrStderr(), int64(hi-lo), "draws")
			failed := 0
			var cut error // the error of a draw cut short by the context
			if job.merging() && draws > 1 {
				for _, p := range job.parts {
					sds, err := decodeSolveDraws(p)
					if err != nil {
						return &exitError{1, fmt.Sprintf("truce merge: %v", err)}
					}
					rep.Draws = append(rep.Draws, sds...)
				}
				for _, sd := range rep.Draws {
					if !sd.Converged {
						failed++
					}
				}
				lo = hi // nothing to compute
			}
			for i := lo; i < hi && ctx.Err() == nil; i++ {
				d := sc.Central()
				if draws > 1 {
					d = sc.DrawAt(opt.seed, i)
				}
				sd := solveOneDraw(cmd, sc, d, opt)
				if draws > 1 {
					sd.Draw = fmt.Sprintf("draw %d (seed %d)", i, opt.seed)
				}
				if ctx.Err() != nil {
					// A draw cut short is not reported, but a memory
					// refusal on its way is: the time limit is not
					// all that stopped it.
					cut = sd.err
					break
				}
				if !sd.Converged {
					failed++
				}
				rep.Draws = append(rep.Draws, sd)
				bar.Set(int64(i - lo + 1))
			}
			if job.sharding {
				bar.Finish()
				if err := ctx.Err(); err != nil {
					return fmt.Errorf("truce solve: shard %s: %w", job.header.Shard, err)
				}
				payload, err := encodeSolveDraws(rep.Draws)
				if err != nil {
					return &exitError{1, fmt.Sprintf("truce solve: %v", err)}
				}
				return job.finish(cmd, payload)
			}
			bar.Finish()
			if len(rep.Draws) == 0 {
				if cut != nil && !errors.Is(cut, ctx.Err()) {
					cut = errors.Join(ctx.Err(), cut)
				}
				if cut == nil {
					cut = ctx.Err()
				}
				return fmt.Errorf("truce solve: %w", cut)
			}
			rep.solveDraw = rep.Draws[0]
			rep.CredibilitySummary, rep.summaryRuns = summarizeCredibility(sc, rep.Draws)
			out := cmd.OutOrStdout()
			if format == "json" {
				b, err := json.MarshalIndent(rep, "", "  ")
				if err != nil {
					return &exitError{1, fmt.Sprintf("truce solve: %v", err)}
				}
				if _, err := out.Write(append(b, '\n')); err != nil {
					return err
				}
			} else if err := writeSolveText(out, sc, rep, all, details); err != nil {
				return err
			}
			if err := stoppedEarly(ctx, "truce solve: stopped after %d of %d draws", len(rep.Draws), draws); err != nil {
				return err
			}
			if failed > 0 {
				return &exitError{1, fmt.Sprintf("truce solve: no certified Markov-perfect equilibrium in %d of %d draws", failed, draws)}
			}
			return nil
		},
	}
	f := cmd.Flags()
	enumFlag(f, &opt.method, "method", "auto", "selection method", "auto", "iterate", "homotopy", "shapley", "policy")
	intFlag(f, &draws, "draws", 1, 1, maxSolveDraws, "parameter draws to solve (1 = central values)")
	sf.add(f)
	f.BoolVar(&all, "all", false, "list every equilibrium found, not only the selected one")
	f.BoolVar(&details, "details", false, "list the credibility of every decision point of every draw, ordinary play included")
	intFlag(f, &opt.starts, "starts", equilibrium.DefaultStarts, 0, maxStarts,
		fmt.Sprintf("random starts searching for other equilibria (default %d; %d per draw with --draws)", equilibrium.DefaultStarts, solveStartsPerDraw))
	seedFlag(f, &opt.seed, scenario.DefaultSeed, "random seed for the parameter draws and the starts")
	intFlag(f, &opt.workers, "workers", 0, 0, maxWorkers, "parallel workers for the starts (0 = all cores); output does not depend on it")
	formatFlag(f, &format, "text", "json")
	timeoutFlag(f)
	return cmd
}

// solveStartsPerDraw is solve's default --starts when it solves several
// draws: the set is searched on every draw.
const solveStartsPerDraw = 4

// maxStarts bounds --starts.
const maxStarts = 100_000

// eqPlay is a stationary profile as actor → state → action → probability
// (actions with positive probability, non-terminal states).
func eqPlay(g *markov.Game, sig [][][]float64) map[string]map[string]map[string]float64 {
	out := map[string]map[string]map[string]float64{}
	for a, act := range g.Actors {
		eq := map[string]map[string]float64{}
		for s, st := range g.States {
			if st.Terminal {
				continue
			}
			play := map[string]float64{}
			for k, x := range g.Avail[s][a] {
				if p := sig[a][s][k]; p > 0 {
					play[g.Actions[a][x]] = p
				}
			}
			eq[st.ID] = play
		}
		out[act.ID] = eq
	}
	return out
}

// eqValues is actor → state → value.
func eqValues(g *markov.Game, V [][]float64) map[string]map[string]float64 {
	out := map[string]map[string]float64{}
	for a, act := range g.Actors {
		vals := map[string]float64{}
		for s, st := range g.States {
			vals[st.ID] = V[a][s]
		}
		out[act.ID] = vals
	}
	return out
}

// eqEndings analyses a stationary profile for its endings.
func eqEndings(ctx context.Context, g *markov.Game, p markov.Profile, horizon int) (map[string]endingJSON, *unresolvedJSON, error) {
	an, err := markov.Analyze(ctx, g, p, horizon)
	if err != nil {
		return nil, nil, err
	}
	end := map[string]endingJSON{}
	un := &unresolvedJSON{AtHorizon: an.Unresolved(g), Eventually: an.NeverEnds, Where: map[string]float64{}}
	for s, st := range g.States {
		if st.Terminal {
			end[st.ID] = endingJSON{WithinHorizon: an.AtHorizon[s], Eventually: an.Absorb[s]}
		} else if an.AtHorizon[s] > 0 {
			un.Where[st.ID] = an.AtHorizon[s]
		}
	}
	return end, un, nil
}

// solveOneDraw builds, solves and checks one draw; failures are recorded
// in the draw rather than stopping the run.
func solveOneDraw(cmd *cobra.Command, sc *scenario.Scenario, d scenario.Draw, opt solveOptions) solveDraw {
	ctx := cmd.Context()
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
	var set *equilibrium.Set
	if opt.setParts != nil {
		set, err = equilibrium.MergeSet(ctx, g, opt.setOptions(), opt.setParts)
	} else {
		set, err = equilibrium.SolveAll(ctx, g, opt.setOptions())
	}
	if err != nil {
		sd.Error, sd.err = err.Error(), err
		sd.Reason = "the solver failed"
		return sd
	}
	res := set.Selection
	sd.Method, sd.Iterations, sd.Converged = res.Method, res.Iterations, res.Converged
	sd.MaxDeviationGain, sd.Reason = res.MaxDeviationGain, res.Reason
	sd.Equilibrium = eqPlay(g, res.Strategies)
	sd.Values = eqValues(g, res.Values)
	for t := range res.Timed {
		sd.BeforeClock = append(sd.BeforeClock, solveStep{Step: t, Equilibrium: eqPlay(g, res.Timed[t]), Values: eqValues(g, res.TimedValues[t])})
	}
	sd.Set = &solveSetJSON{Found: len(set.Equilibria), Outcomes: set.Outcomes, Starts: set.Starts, Failed: set.Failed,
		Complete: set.Complete, Completeness: set.Completeness, Spread: set.Spread, Selected: set.Selected,
		Selection: equilibrium.Selection, Summary: set.Describe(g), Stopped: set.Stopped}
	if opt.method != "auto" {
		sd.Set.Selection = "method " + opt.method
	}
	for _, mb := range set.Equilibria {
		e := solveEq{Equilibrium: eqPlay(g, mb.Strategies), Values: eqValues(g, mb.Values), MaxDeviationGain: mb.MaxDeviationGain,
			BasinShare: mb.BasinShare, Hits: mb.Hits, Sources: mb.Sources, Selected: mb.Selected, Outcome: mb.Outcome, Method: mb.Method}
		for t := range mb.Timed {
			e.BeforeClock = append(e.BeforeClock, solveStep{Step: t, Equilibrium: eqPlay(g, mb.Timed[t]), Values: eqValues(g, mb.TimedValues[t])})
		}
		if end, un, err := eqEndings(ctx, g, mb.Profile(g), sc.Horizon); err == nil {
			e.Endings, e.Unresolved = end, un
		}
		sd.Equilibria = append(sd.Equilibria, e)
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
		ths, err := equilibrium.Assess(ctx, g, p)
		if err != nil {
			sd.Error = err.Error()
			sd.Reason = fmt.Sprintf("the credibility of profile %s could not be checked", pd.Name)
			continue
		}
		for _, th := range ths {
			st := solveThreat{Actor: th.Actor, State: th.State, Kind: th.Kind, After: th.After, Target: th.Target, Context: th.Context,
				Play: map[string]float64{}, BestDeviation: th.BestDeviation, Gain: th.Gain, Credible: th.Credible,
				Margin: th.Margin, TargetEffect: th.TargetEffect, Text: th.String()}
			if th.Clock > 0 {
				step := th.Step
				st.Step = &step
			}
			for _, ap := range th.Play {
				st.Play[g.Actions[th.ActorIndex][ap.Action]] += ap.P
			}
			for _, sa := range th.Support {
				st.Support = append(st.Support, solveSupport{Action: sa.Action, P: sa.P, Shortfall: sa.Shortfall})
			}
			list = append(list, st)
		}
		sd.threats = append(sd.threats, profileThreats{pd.Name, ths})
		sd.Credibility[pd.Name] = list
	}
	return sd
}

func writeSolveText(w io.Writer, sc *scenario.Scenario, rep solveReport, all, details bool) error {
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
			fmt.Fprintf(&b, "  NO EQUILIBRIUM SELECTED: %s stopped after %s: %s\n", sd.Method, plural(sd.Iterations, "iteration"), sd.Reason)
			fmt.Fprintf(&b, "  (its last profile has a one-shot deviation gain of %.3g, so it is not printed)\n", sd.MaxDeviationGain)
		} else {
			fmt.Fprintf(&b, "Markov-perfect equilibrium (%s, %s), largest one-shot deviation gain %.2g\n",
				sd.Method, plural(sd.Iterations, "iteration"), sd.MaxDeviationGain)
			fmt.Fprintf(&b, "  selected by %s\n", sd.Set.Selection)
			if sd.Reason != "" {
				fmt.Fprintf(&b, "  note: %s\n", sd.Reason)
			}
			if len(sd.BeforeClock) > 0 {
				b.WriteString("  before the clock runs out: backward induction, each step's stage equilibrium the one nearest the next step's play (others may exist)\n")
				fmt.Fprintf(&b, "  from step %d on (the clock has run out):\n", len(sd.BeforeClock))
			}
			writeEqTable(&b, sc, sd.Equilibrium, sd.Values)
			for k := len(sd.BeforeClock) - 1; k >= 0; k-- {
				st := sd.BeforeClock[k]
				fmt.Fprintf(&b, "  at step %d (backward induction from the step after):\n", st.Step)
				writeEqTable(&b, sc, st.Equilibrium, st.Values)
			}
		}
		fmt.Fprintf(&b, "Equilibrium set: %s (seed %d).\n", sd.Set.Summary, rep.Seed)
		if sd.Set.Stopped != "" {
			fmt.Fprintf(&b, "  %s\n", sd.Set.Stopped)
		}
		if all {
			writeEqSet(&b, sc, sd)
		} else if sd.Set.Found > 1 {
			b.WriteString("  truce solve --all lists them.\n")
		}
		if len(rep.Draws) == 1 || details {
			writeCredibility(&b, sc, sd, details)
		}
	}
	if len(rep.Draws) > 1 {
		writeCredibilitySummary(&b, rep)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeEqTable prints a stationary profile and its values, one row per
// actor and non-terminal state.
func writeEqTable(b *strings.Builder, sc *scenario.Scenario, eq map[string]map[string]map[string]float64, vals map[string]map[string]float64) {
	tw := tabwriter.NewWriter(b, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  actor\tstate\tplay\tvalue")
	for a, act := range sc.Actors {
		for _, st := range sc.States {
			play, ok := eq[act.ID][st.ID]
			if !ok {
				continue
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%.4g\n", act.ID, st.ID, playText(sc.Actions[a], play), solveClean(vals[act.ID][st.ID]))
		}
	}
	tw.Flush()
}

// playText writes a distribution over named actions in their order:
// "withdraw" or "strike 0.6, hold 0.4".
func playText(names []string, play map[string]float64) string { return report.PlayText(names, play) }

// writeEqSet lists the equilibria of one draw by outcome class: one
// profile per class in full, its values from the start and endings, and
// how the others in the class differ.
func writeEqSet(b *strings.Builder, sc *scenario.Scenario, sd solveDraw) {
	init := sc.States[sc.Initial].ID
	byOutcome := map[int][]int{}
	var order []int
	for i, e := range sd.Equilibria {
		if _, ok := byOutcome[e.Outcome]; !ok {
			order = append(order, e.Outcome)
		}
		byOutcome[e.Outcome] = append(byOutcome[e.Outcome], i)
	}
	for _, o := range order {
		members := byOutcome[o]
		e := sd.Equilibria[members[0]]
		share, hits := 0.0, 0
		var sources []string
		for _, i := range members {
			share += sd.Equilibria[i].BasinShare
			hits += sd.Equilibria[i].Hits
			sources = append(sources, sd.Equilibria[i].Sources...)
		}
		fmt.Fprintf(b, "\nOutcome %d", o+1)
		if e.Selected {
			b.WriteString(" (selected)")
		}
		clock := len(e.BeforeClock)
		if clock > 0 {
			// The search's starts and enumeration find stationary
			// equilibria of the game from the clock on; assemble extends
			// each back (equilibrium.SolveAll).
			fmt.Fprintf(b, ": basin share %.0f%% (%d of %d starts); a stationary equilibrium of the game from step %d on, found by %s, extended back over the clock by backward induction",
				100*share, hits, sd.Set.Starts, clock, foundBy(sources))
		} else {
			fmt.Fprintf(b, ": basin share %.0f%% (%d of %d starts), found by %s", 100*share, hits, sd.Set.Starts, foundBy(sources))
		}
		if len(members) > 1 {
			fmt.Fprintf(b, "; %d equilibrium profiles with this outcome, differing only off the path or in choices that change nothing", len(members))
		}
		fmt.Fprintf(b, "\n  largest one-shot deviation gain %.2g (%s)\n", e.MaxDeviationGain, e.Method)
		vals, at := e.Values, ""
		if clock > 0 {
			vals, at = e.BeforeClock[0].Values, " at step 0"
		}
		var vs []string
		for _, act := range sc.Actors {
			vs = append(vs, fmt.Sprintf("%s %.4g", act.ID, solveClean(vals[act.ID][init])))
		}
		fmt.Fprintf(b, "  values from %s%s: %s\n", init, at, strings.Join(vs, ", "))
		if e.Endings != nil {
			var es []string
			for _, st := range sc.States {
				if en, ok := e.Endings[st.ID]; ok {
					es = append(es, fmt.Sprintf("%s %s (eventually %s)", st.ID, solveProb(en.WithinHorizon), solveProb(en.Eventually)))
				}
			}
			un := "unresolved " + solveProb(e.Unresolved.AtHorizon)
			if solveProb(e.Unresolved.Eventually) != "0" {
				un += fmt.Sprintf(" (never ends: %s)", solveProb(e.Unresolved.Eventually))
			}
			if len(es) == 0 {
				es = []string{"no terminal state"}
			}
			fmt.Fprintf(b, "  endings within the horizon (%d steps): %s; %s\n", sc.Horizon, strings.Join(es, ", "), un)
		}
		if clock > 0 {
			fmt.Fprintf(b, "  from step %d on (the clock has run out):\n", clock)
		}
		writeEqTable(b, sc, e.Equilibrium, e.Values)
		if clock > 0 {
			writeClockPlay(b, sc, e.BeforeClock)
		}
	}
}

// writeClockPlay prints a clocked equilibrium's play before the clock runs
// out, one row per actor and non-terminal state, consecutive steps with the
// same play (as printed) merged: "at steps 0-14 negotiate; at step 15 hold".
// Listing every step's table, as the selected equilibrium's is, would take
// a screen per step and member.
func writeClockPlay(b *strings.Builder, sc *scenario.Scenario, steps []solveStep) {
	fmt.Fprintf(b, "  before step %d (backward induction, each step's stage equilibrium the one nearest the next step's play; others may exist):\n", len(steps))
	tw := tabwriter.NewWriter(b, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  actor\tstate\tplay")
	for a, act := range sc.Actors {
		for _, st := range sc.States {
			if _, ok := steps[0].Equilibrium[act.ID][st.ID]; !ok {
				continue
			}
			var runs []string
			first := 0
			for t := range steps {
				txt := playText(sc.Actions[a], steps[t].Equilibrium[act.ID][st.ID])
				if t+1 < len(steps) && playText(sc.Actions[a], steps[t+1].Equilibrium[act.ID][st.ID]) == txt {
					continue
				}
				run := make([]int, 0, t+1-first)
				for k := first; k <= t; k++ {
					run = append(run, k)
				}
				runs = append(runs, stepsText(stepRuns(run, len(steps)))+" "+txt)
				first = t + 1
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", act.ID, st.ID, strings.Join(runs, "; "))
		}
	}
	tw.Flush()
}

// foundBy says how an outcome's equilibria were found, from their
// sources: "the selection, enumeration and 9 logit paths from random
// priors". The starts are counted, so that an equilibrium that
// enumeration found is not read as found by enumeration alone when random
// starts reached it too.
func foundBy(sources []string) string {
	var parts []string
	seen := map[string]bool{}
	logit, iter := 0, 0
	for _, src := range sources {
		switch {
		case seen[src]:
		case src == "selection":
			parts = append(parts, "the selection")
		case strings.HasPrefix(src, "logit path from prior "):
			logit++
		case strings.HasPrefix(src, "iteration from profile "):
			iter++
		default:
			parts = append(parts, src)
		}
		seen[src] = true
	}
	switch {
	case logit == 1:
		parts = append(parts, "1 logit path from a random prior")
	case logit > 1:
		parts = append(parts, fmt.Sprintf("%d logit paths from random priors", logit))
	}
	switch {
	case iter == 1:
		parts = append(parts, "1 value iteration from a random profile")
	case iter > 1:
		parts = append(parts, fmt.Sprintf("%d value iterations from random profiles", iter))
	}
	switch len(parts) {
	case 0:
		return "nothing recorded"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// solveProb prints a probability in solve's text: three significant
// digits, 0 for zero (and for rounding noise below it), "<1e-9" for a
// positive figure too small to matter ("unresolved 4.88e-39" would read as
// a number worth attention). The JSON output keeps the exact figure.
func solveProb(p float64) string { return solveProbDigits(p, 3) }

// solveProbDigits is solveProb with digits significant digits.
func solveProbDigits(p float64, digits int) string { return report.ProbDigits(p, digits) }

// solveClean prints rounding noise around zero as 0.
func solveClean(x float64) float64 {
	if x < 1e-12 && x > -1e-12 {
		return 0
	}
	return x
}

// writeCredibility prints one draw's credibility: per profile the threats
// and promises (plays that react to another actor's last move) one by one,
// and ordinary play as a count unless details are asked for. In a clocked
// scenario a decision point's rows at consecutive steps that prescribe the
// same play with the same verdict are one row, which names its steps and
// gives each number's range over them (equilibrium.MergeThreatSteps).
func writeCredibility(b *strings.Builder, sc *scenario.Scenario, sd solveDraw, details bool) {
	byProfile := map[string][]equilibrium.Threat{}
	for _, pt := range sd.threats {
		byProfile[pt.profile] = pt.threats
	}
	for _, pd := range sc.Profiles {
		if _, ok := sd.Credibility[pd.Name]; !ok {
			continue
		}
		fmt.Fprintf(b, "Credibility of profile %s:\n", pd.Name)
		runs := equilibrium.MergeThreatSteps(byProfile[pd.Name])
		if len(runs) == 0 {
			b.WriteString("  (no actor has a choice anywhere: nothing to threaten)\n")
			continue
		}
		clocked := runs[0].Threats[0].Clock > 0
		var reactions, plain []equilibrium.ThreatRun
		for _, r := range runs {
			if r.Threats[0].Kind == equilibrium.KindPlay {
				plain = append(plain, r)
			} else {
				reactions = append(reactions, r)
			}
		}
		if len(reactions) == 0 {
			b.WriteString("  no threats or promises (no play reacts to another actor's last move)\n")
		} else {
			b.WriteString("  threats and promises (plays that react to another actor's last move):\n")
			for _, r := range reactions {
				fmt.Fprintf(b, "    %s: %s\n", r.Threats[0].Kind, r)
			}
		}
		bad := 0
		for _, r := range plain {
			if !r.Threats[0].Credible {
				bad++
			}
		}
		if details || len(plain) <= maxPlainListed {
			if len(plain) > 0 {
				b.WriteString("  ordinary play:\n")
			}
			for _, r := range plain {
				fmt.Fprintf(b, "    %s\n", r)
			}
		} else if clocked {
			fmt.Fprintf(b, "  ordinary play: %d rows (a decision point over consecutive steps that play alike), %d where the play is not a best response (--details lists them)\n", len(plain), bad)
		} else {
			fmt.Fprintf(b, "  ordinary play: %d decision points, %d where the play is not a best response (--details lists them)\n", len(plain), bad)
		}
	}
}

// maxPlainListed is the number of ordinary decision points per profile
// listed without --details; beyond it they are counted.
const maxPlainListed = 6

// profileSummaryRuns is one profile's credibility across draws, rows
// merged over consecutive steps (equilibrium.MergeSummarySteps).
type profileSummaryRuns struct {
	profile string
	runs    []equilibrium.ThreatSummaryRun
}

// summarizeCredibility aggregates the draws' credibility per profile: the
// rows of the JSON, one per decision point (and step), and the runs of the
// text.
func summarizeCredibility(sc *scenario.Scenario, draws []solveDraw) ([]solveThreatSummary, []profileSummaryRuns) {
	var out []solveThreatSummary
	var runs []profileSummaryRuns
	for _, pd := range sc.Profiles {
		var per [][]equilibrium.Threat
		for _, sd := range draws {
			for _, pt := range sd.threats {
				if pt.profile == pd.Name {
					per = append(per, pt.threats)
				}
			}
		}
		if len(per) == 0 {
			continue
		}
		sums := equilibrium.SummarizeThreats(per)
		for _, s := range sums {
			row := solveThreatSummary{Profile: pd.Name, Actor: s.Actor, State: s.State, Kind: s.Kind, After: s.After,
				Context: s.Context, Play: s.Play, Draws: s.Draws, CredibleShare: s.CredibleShare(), MedianMargin: s.MedianMargin}
			if s.Clock > 0 {
				step := s.Step
				row.Step = &step
			}
			out = append(out, row)
		}
		runs = append(runs, profileSummaryRuns{pd.Name, equilibrium.MergeSummarySteps(sums)})
	}
	return out, runs
}

// writeCredibilitySummary prints, per profile, each threat and promise:
// in how many draws it was credible and its median margin; ordinary play
// is summarised in one line per profile. In a clocked scenario a decision
// point's rows at consecutive steps with the same play and share are one,
// which names its steps and gives the range of the median margin.
func writeCredibilitySummary(b *strings.Builder, rep solveReport) {
	fmt.Fprintf(b, "\nCredibility across %d draws (seed %d): share of draws in which the play is credible, median margin\n", len(rep.Draws), rep.Seed)
	for _, pr := range rep.summaryRuns {
		fmt.Fprintf(b, "profile %s:\n", pr.profile)
		var plain []equilibrium.ThreatSummaryRun
		tw := tabwriter.NewWriter(b, 2, 4, 2, ' ', 0)
		row := func(s equilibrium.ThreatSummaryRun) {
			what := s.Actor + ": " + s.Play
			if s.After != "" {
				what += " after " + s.After
			}
			what += " in " + s.State
			if st := s.Steps(); st != "" {
				what += " " + st
			}
			if s.Context != "" {
				what += " (with " + s.Context + ")"
			}
			margin := strconv.FormatFloat(solveClean(s.MarginHigh), 'g', 3, 64)
			if lo := strconv.FormatFloat(solveClean(s.MarginLow), 'g', 3, 64); lo != margin {
				margin = lo + " to " + margin
			}
			fmt.Fprintf(tw, "  %s\t%s\tcredible in %.0f%% of %d draws\tmedian margin %s\n", s.Kind, what, 100*s.CredibleShare(), s.Draws, margin)
		}
		for _, s := range pr.runs {
			if s.Kind == equilibrium.KindPlay {
				plain = append(plain, s)
				continue
			}
			row(s)
		}
		if len(plain) <= maxPlainListed {
			for _, s := range plain {
				row(s)
			}
			tw.Flush()
			continue
		}
		tw.Flush()
		always := 0
		for _, s := range plain {
			if s.CredibleShare() == 1 {
				always++
			}
		}
		if plain[0].Clock > 0 {
			fmt.Fprintf(b, "  ordinary play: %d rows (a decision point over consecutive steps alike), credible in every draw at %d of them (--details lists each draw)\n", len(plain), always)
		} else {
			fmt.Fprintf(b, "  ordinary play: %d decision points, credible in every draw at %d of them (--details lists each draw)\n", len(plain), always)
		}
	}
}
