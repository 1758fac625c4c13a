package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/internal/shard"
	"github.com/truce-dev/truce/scenario"
)

func newAnalyzeCmd() *cobra.Command {
	var (
		profiles []string
		draws    int
		seed     uint64
		workers  int
		format   string
		strict   bool
		states   []string
		retro    retroFlags
		from     string
		longRun  bool
		sf       shardFlags
		hypDraws string
	)
	cmd := &cobra.Command{
		Use:   "analyze FILE",
		Short: "Exact analysis of a scenario's profiles over parameter draws",
		Long: `analyze computes, for each strategy profile of a scenario and each of --draws
parameter draws, exactly: how likely each ending is within the horizon and
eventually, by every step up to the horizon, the expected step of first
entry, and each actor's expected discounted value per component. The same
figures for other states are computed only for the states hypotheses read
and those named with --states (--states all for every state): each costs a
pass over the chain and two linear solves per draw. It prints
the mean and the 5%-95% interval over draws, and evaluates the hypotheses
(share of draws in which each holds; supported at >= 90%, rejected at
<= 10%, uncertain between).

Draw i uses its own random stream of --seed, so the output is identical
whatever --workers. A scenario whose parameters are all fixed is analysed
once. Profiles written {solve: markov-perfect} are solved on every draw,
which can be slow: by default they run only if a hypothesis uses them;
name them with --profile to have them reported. A draw that cannot be
analysed (no equilibrium found, a probability out of range on that draw)
is left out of every figure and counted, with its number and error, at the
top of the output ("failed_draws" in JSON); --strict makes it an error.
--from all adds, per profile, the figures from every start state (the
process started there at step 0), one linear solve per figure for all starts.
--long-run adds the long-run share of steps in each state, the steps between
visits (Kac's formula), the recurrent classes and a note when one is periodic;
it is on by itself for a scenario without terminal states. A scenario whose
rules depend on the step (a clock) says how far the chain carries the step.
A scenario with a history section (or given --record) is also confronted
with the dated past over the same draws (retrodiction, docs/evidence.md).
--format json is documented in docs/analyze-json.md.
--shard K/N analyses only shard K's block of draws and writes a partial
result; truce merge folds the parts into exactly this command's output
(the retrodiction is computed at the merge; docs/scale.md).`,
		Example: `  truce analyze examples/two-state.yaml
  truce analyze scenario/testdata/ruin.yaml --from all
  truce analyze scenario/testdata/ehrenfest.yaml --long-run
  truce analyze scenarios/us-iran-2026.yaml --profile baseline --draws 500 --seed 7
  truce analyze scenario.yaml --format json > analysis.json
  truce analyze scenario.yaml --draws 8000 --shard 0/4 --out parts/   # then: truce merge parts/`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if from != "" && from != "all" {
				return usageErrorf("truce analyze: --from takes all, got %q", from)
			}
			sc, src, err := mustLoadScenarioSrc(cmd, "analyze", args[0])
			if err != nil {
				return err
			}
			rerun := applyHypothesisDraws(cmd, sc, hypDraws)
			units := draws
			if !sc.Random() {
				units = 1 // analysed once
			}
			var inputs []shard.Input // the record retrodicted at the merge travels in the parts
			if retro.record != "" && sf.spec != "" {
				in, err := recordInput(cmd, retro.record)
				if err != nil {
					return &exitError{codeFailure, "truce analyze: " + err.Error()}
				}
				inputs = append(inputs, in)
			}
			job, err := startShard(cmd, "analyze", sf, args[0], src, seed, units, inputs...)
			if err != nil {
				return err
			}
			if job.skip {
				job.skipped(cmd)
				return nil
			}
			lo, hi := job.Range()
			// The draws' bar, and one of the draws that evaluate the
			// hypotheses with their own draws: while they run.
			// (A merge computes no draw: it folds them.)
			bar := newAnalyzeProgress(cmd.ErrOrStderr(), "draws", sc, lo, hi, !job.merging())
			opt := scenario.AnalyzeOptions{
				Profiles: profiles, Draws: draws, Seed: seed, Workers: workers, Strict: strict, States: states,
				From: from == "all", LongRun: longRun,
				Progress: bar.progress, DrawDone: bar.drawDone, Stage: bar.stage,
			}
			var rep *scenario.AnalysisReport
			switch {
			case job.sharding:
				recs, err := scenario.AnalyzePart(cmd.Context(), sc, opt, lo, hi)
				bar.finish()
				if err != nil {
					return &exitError{1, fmt.Sprintf("truce analyze: shard %s: %v", job.header.Shard, err)}
				}
				return job.finish(cmd, recs)
			case job.merging():
				var blocks []*scenario.AnalyzeRecords
				for _, p := range job.parts {
					var r scenario.AnalyzeRecords
					if err := json.Unmarshal(p.Payload, &r); err != nil {
						return &exitError{1, fmt.Sprintf("truce merge: %s: the analysis records cannot be read: %v", p.Path, err)}
					}
					blocks = append(blocks, &r)
				}
				rep, err = scenario.AnalyzeMerge(cmd.Context(), sc, opt, blocks)
			default:
				rep, err = scenario.Analyze(cmd.Context(), sc, opt)
			}
			bar.finish()
			if err != nil {
				return &exitError{1, fmt.Sprintf("truce analyze: %v", err)}
			}
			rd, rdiags, err := retro.retrodict(cmd, sc, draws, seed)
			if err != nil {
				return &exitError{codeFailure, fmt.Sprintf("truce analyze: %v", err)}
			}
			printDiagnostics(cmd.ErrOrStderr(), rdiags)
			if rd != nil {
				rep.Retrodiction = rd
			}
			if rep.NotEvaluated != nil {
				rep.NotEvaluated.Command = rerun
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				b, err := rep.JSON()
				if err != nil {
					return &exitError{1, fmt.Sprintf("truce analyze: %v", err)}
				}
				_, err = out.Write(b)
				return err
			}
			if err := rep.WriteText(out); err != nil || rd == nil {
				return err
			}
			fmt.Fprintln(out)
			return rd.WriteText(out)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&profiles, "profile", nil, "profile(s) to report (repeat or comma-separate; default all)")
	intFlag(f, &draws, "draws", scenario.DefaultDraws, 1, maxDraws, "parameter draws")
	seedFlag(f, &seed, scenario.DefaultSeed, "random seed for the parameter draws")
	intFlag(f, &workers, "workers", 0, 0, maxWorkers, "parallel workers (0 = all cores); output does not depend on it")
	formatFlag(f, &format, "text", "json")
	f.BoolVar(&strict, "strict", false, "fail when any draw cannot be analysed (by default it is left out and counted)")
	hypothesisDrawsFlag(f, &hypDraws)
	timeoutFlag(f)
	retro.add(f)
	f.StringVar(&from, "from", "", "all: also every figure from every start state (one solve per figure for all starts)")
	f.BoolVar(&longRun, "long-run", false, "also the long run: share of steps in each state, recurrence times, recurrent classes (always on without terminal states)")
	sf.add(f)
	f.StringSliceVar(&states, "states", nil, "non-terminal states to report besides the endings and those hypotheses read (repeat or comma-separate; all for every state)")
	return cmd
}
