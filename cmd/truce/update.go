package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/evidence"
	"github.com/truce-dev/truce/evidence/record"
	"github.com/truce-dev/truce/internal/period"
	"github.com/truce-dev/truce/internal/progress"
	"github.com/truce-dev/truce/internal/shard"
	"github.com/truce-dev/truce/scenario"
)

// maxRecordFileSize caps a record file (docs/limits.md).
const maxRecordFileSize = 512 << 20

func newUpdateCmd() *cobra.Command {
	var (
		recordPath string
		hypDraws   string
		start      string
		now        string
		profiles   []string
		draws      int
		seed       uint64
		workers    int
		ahead      int
		moves      int
		checks     int
		minESS     float64
		noRejuv    bool
		format     string
		sf         shardFlags
	)
	cmd := &cobra.Command{
		Use:   "update FILE --record R.csv",
		Short: "Learn from an observed record: posterior verdicts, where the process is now, what comes next",
		Long: `update confronts a scenario with what was seen (docs/evidence.md). The
scenario's observations section says which event classes each state shows;
the record (CSV: step or date, event or state, optional count or weight)
says what was seen when. The forward algorithm gives the record's
likelihood under each parameter draw and each candidate profile (what was
actually played); the prior draws of analyze (same --draws and --seed) are
weighted by it. When the weights collapse (effective sample size below
--min-ess of the draws), a sequential Monte Carlo tempers the likelihood in
stages with Metropolis moves, and says so.

It prints the record's log-likelihood per profile at the central parameters
and averaged over the prior (Bayes factors), every hypothesis's share of the
prior draws ("implied by the assumptions") beside its posterior share
("given the record to DATE"), the filtered distribution over states at the
last step, the chance of each state and event within --ahead steps, the
parameters the record moved, and predictive checks (how surprising the
record is to the model). A seeded run gives the same output whatever
--workers. --format json is documented in docs/evidence.md.

--shard K/N computes only shard K's block of prior draws and writes a
partial result; truce merge prints what the whole run prints, byte for
byte (docs/scale.md). Sharded: the importance-sampling stage, each prior
draw's likelihood of the record and its hypotheses, independent per draw
and the bulk of the work. Run at the merge, in one process: the central
likelihood, the weights and their effective sample size, the tempered SMC
when they collapse (each stage resamples and moves every particle
together, so it cannot be split by draw), the hypotheses on the moved
particles, where the process is now, the predictions and the predictive
checks. The part carries the scenario and the record.`,
		Example: `  truce update scenario.yaml --record record.csv
  truce update scenario.yaml --record weekly.csv --start 2026-04-06 --ahead 12 --format json
  truce update scenario.yaml --record record.csv --profile baseline --draws 10000 --seed 7`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, src, err := mustLoadScenarioSrc(cmd, "update", args[0])
			if err != nil {
				return err
			}
			rerun := applyHypothesisDraws(cmd, sc, hypDraws)
			if recordPath == "" {
				return usageErrorf("truce update: --record is required (a CSV file: step or date, event or state)")
			}
			rin, err := recordInput(cmd, recordPath)
			if err != nil {
				return &exitError{codeFailure, "truce update: " + err.Error()}
			}
			d, err := bindRecord(cmd, sc, rin, start)
			if err != nil {
				return &exitError{codeFailure, "truce update: " + err.Error()}
			}
			nowStep := -1
			if now != "" {
				if nowStep, err = stepOf(now, d); err != nil {
					return usageErrorf("truce update: --now: %v", err)
				}
				if nowStep < d.Last {
					return usageErrorf("truce update: --now %s is before the record's last step %d; to look from an earlier step, cut the record there", now, d.Last)
				}
			}
			opt := evidence.Options{
				Profiles: profiles, Draws: draws, Seed: seed, Workers: workers, Now: nowStep, Ahead: ahead,
				MinESS: minESS, Rejuvenate: !noRejuv, Moves: moves, Checks: checks,
			}
			job, err := startShard(cmd, "update", sf, args[0], src, seed, evidence.UpdateUnits(sc, opt), rin)
			if err != nil {
				return err
			}
			if job.skip {
				job.skipped(cmd)
				return nil
			}
			lo, hi := job.Range()
			bar := progress.New(cmd.ErrOrStderr(), int64(hi-lo), "likelihood")
			opt.Progress = func(phase string, done, total int) {
				bar.Describe(phase)
				bar.Set(int64(done * (hi - lo) / max(total, 1)))
			}
			var res *evidence.Result
			switch {
			case job.sharding:
				part, err := evidence.UpdateDraws(cmd.Context(), sc, d, opt, lo, hi)
				bar.Finish()
				if err != nil {
					return &exitError{codeFailure, fmt.Sprintf("truce update: shard %s: %v", job.header.Shard, err)}
				}
				payload, err := shard.NewBin(part)
				if err != nil {
					return &exitError{codeFailure, fmt.Sprintf("truce update: %v", err)}
				}
				return job.finish(cmd, payload)
			case job.merging():
				var parts []*evidence.DrawsPart
				for _, p := range job.parts {
					var part evidence.DrawsPart
					if err := p.DecodeBin(&part); err != nil {
						return &exitError{codeFailure, fmt.Sprintf("truce merge: %v", err)}
					}
					if part.Lo != p.Lo || part.Hi != p.Hi {
						return &exitError{codeFailure, fmt.Sprintf("truce merge: %s: holds draws [%d, %d); its header says [%d, %d)", p.Path, part.Lo, part.Hi, p.Lo, p.Hi)}
					}
					parts = append(parts, &part)
				}
				res, err = evidence.UpdateMerge(cmd.Context(), sc, d, opt, parts)
			default:
				res, err = evidence.Update(cmd.Context(), sc, d, opt)
			}
			bar.Finish()
			if err != nil {
				return &exitError{codeFailure, fmt.Sprintf("truce update: %v", err)}
			}
			res.NotEvaluated = sc.NotEvaluatedReport(rerun)
			return writeOutput(cmd, "", nil, func(w io.Writer) error {
				if format == "json" {
					b, err := res.JSON()
					if err != nil {
						return err
					}
					_, err = w.Write(b)
					return err
				}
				if err := res.WriteText(w); err != nil {
					return err
				}
				return res.NotEvaluated.WriteText(w)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&recordPath, "record", "", "the observed record, CSV (- for stdin)")
	f.StringVar(&start, "start", "", "date of step 0 (YYYY-MM-DD) for a record with dates; default: the scenario's history start")
	f.StringVar(&now, "now", "", "the step (or date) to say where the process is and to predict from; default: the record's last step")
	f.StringSliceVar(&profiles, "profile", nil, "candidate profile(s) for what was played (repeat or comma-separate; default: every profile with given strategies)")
	intFlag(f, &draws, "draws", 1000, 1, maxDraws, "prior draws (particles)")
	hypothesisDrawsFlag(f, &hypDraws)
	seedFlag(f, &seed, scenario.DefaultSeed, "random seed: the prior draws are those of analyze with this seed")
	intFlag(f, &workers, "workers", 0, 0, maxWorkers, "parallel workers (0 = all cores); output does not depend on it")
	intFlag(f, &ahead, "ahead", evidence.DefaultAhead, 1, 100000, "steps after now that the predictions cover")
	intFlag(f, &moves, "moves", 5, 1, 1000, "Metropolis moves per particle and SMC stage")
	intFlag(f, &checks, "checks", 200, 0, 100000, "records simulated for each predictive check (0 = no checks)")
	floatFlag(f, &minESS, "min-ess", 0.1, 0, 1, "rejuvenate when the effective sample size falls below this share of the draws")
	f.BoolVar(&noRejuv, "no-rejuvenate", false, "keep plain importance weights however few draws carry them")
	sf.add(f)
	formatFlag(f, &format, "text", "json")
	timeoutFlag(f)
	return cmd
}

// loadRecord reads a record file and binds it to sc; start (a date, may be
// empty) overrides the scenario's history start.
func loadRecord(cmd *cobra.Command, sc *scenario.Scenario, path, start string) (*evidence.Data, error) {
	in, err := recordInput(cmd, path)
	if err != nil {
		return nil, err
	}
	return bindRecord(cmd, sc, in, start)
}

// recordInput reads the record file path names; in a merge (truce merge),
// the one the parts carry.
func recordInput(cmd *cobra.Command, path string) (shard.Input, error) {
	if m := mergeFrom(cmd.Context()); m != nil {
		if in, ok := m.parts[0].Input("record"); ok {
			return in, nil
		}
	}
	name, src, err := readInput(cmd.InOrStdin(), path, maxRecordFileSize)
	if err != nil {
		return shard.Input{}, err
	}
	return shard.NewInput("record", name, src), nil
}

// bindRecord reads a record and binds it to sc; start (a date, may be
// empty) overrides the scenario's history start.
func bindRecord(cmd *cobra.Command, sc *scenario.Scenario, in shard.Input, start string) (*evidence.Data, error) {
	cal, err := calendarFor(sc, start)
	if err != nil {
		return nil, err
	}
	name := in.Name
	rec, err := record.Read(name, strings.NewReader(in.Source), record.Options{Calendar: cal})
	if err != nil {
		return nil, err
	}
	for _, w := range rec.Warnings {
		fmt.Fprintln(cmd.ErrOrStderr(), "warning:", w)
	}
	if len(rec.Rows) == 0 {
		return nil, fmt.Errorf("%s has no rows", name)
	}
	return evidence.Bind(sc, rec, cal)
}

// calendarFor is the scenario's calendar, from --start (which may be
// empty) or the history's start; nil when neither gives a date.
func calendarFor(sc *scenario.Scenario, start string) (*period.Calendar, error) {
	var st time.Time
	if start != "" {
		t, err := period.ParseDate(start)
		if err != nil {
			return nil, fmt.Errorf("--start: %v", err)
		}
		st = t
	}
	return evidence.Calendar(sc, st)
}

// stepOf reads a step number or a date on the record's calendar.
func stepOf(s string, d *evidence.Data) (int, error) {
	if k, err := strconv.Atoi(s); err == nil {
		if k < 0 || k > record.MaxStep {
			return 0, fmt.Errorf("step %d outside 0 to %d", k, record.MaxStep)
		}
		return k, nil
	}
	t, err := period.ParseDate(s)
	if err != nil {
		return 0, fmt.Errorf("want a step number or a date YYYY-MM-DD")
	}
	if d.Calendar == nil {
		return 0, fmt.Errorf("a date needs the date of step 0: give --start or the scenario's history start")
	}
	return d.Calendar.StepOf(t)
}
