package main

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/evidence"
	"github.com/truce-dev/truce/evidence/record"
	"github.com/truce-dev/truce/internal/period"
	"github.com/truce-dev/truce/internal/progress"
	"github.com/truce-dev/truce/scenario"
)

// maxRecordFileSize caps a record file (docs/limits.md).
const maxRecordFileSize = 512 << 20

func newUpdateCmd() *cobra.Command {
	var (
		recordPath string
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
--workers. --format json is documented in docs/evidence.md.`,
		Example: `  truce update scenario.yaml --record record.csv
  truce update scenario.yaml --record weekly.csv --start 2026-04-06 --ahead 12 --format json
  truce update scenario.yaml --record record.csv --profile baseline --draws 10000 --seed 7`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := mustLoadScenario(cmd, "update", args[0])
			if err != nil {
				return err
			}
			if recordPath == "" {
				return usageErrorf("truce update: --record is required (a CSV file: step or date, event or state)")
			}
			d, err := loadRecord(cmd, sc, recordPath, start)
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
			bar := progress.New(cmd.ErrOrStderr(), int64(draws), "likelihood")
			res, err := evidence.Update(cmd.Context(), sc, d, evidence.Options{
				Profiles: profiles, Draws: draws, Seed: seed, Workers: workers, Now: nowStep, Ahead: ahead,
				MinESS: minESS, Rejuvenate: !noRejuv, Moves: moves, Checks: checks,
				Progress: func(phase string, done, total int) {
					bar.Describe(phase)
					bar.Set(int64(done * draws / max(total, 1)))
				},
			})
			bar.Finish()
			if err != nil {
				return &exitError{codeFailure, fmt.Sprintf("truce update: %v", err)}
			}
			return writeOutput(cmd, "", nil, func(w io.Writer) error {
				if format == "json" {
					b, err := res.JSON()
					if err != nil {
						return err
					}
					_, err = w.Write(b)
					return err
				}
				return res.WriteText(w)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&recordPath, "record", "", "the observed record, CSV (- for stdin)")
	f.StringVar(&start, "start", "", "date of step 0 (YYYY-MM-DD) for a record with dates; default: the scenario's history start")
	f.StringVar(&now, "now", "", "the step (or date) to say where the process is and to predict from; default: the record's last step")
	f.StringSliceVar(&profiles, "profile", nil, "candidate profile(s) for what was played (repeat or comma-separate; default: every profile with given strategies)")
	intFlag(f, &draws, "draws", 1000, 1, maxDraws, "prior draws (particles)")
	f.Uint64Var(&seed, "seed", scenario.DefaultSeed, "random seed: the prior draws are those of analyze with this seed")
	intFlag(f, &workers, "workers", 0, 0, maxWorkers, "parallel workers (0 = all cores); output does not depend on it")
	intFlag(f, &ahead, "ahead", evidence.DefaultAhead, 1, 100000, "steps after now that the predictions cover")
	intFlag(f, &moves, "moves", 5, 1, 1000, "Metropolis moves per particle and SMC stage")
	intFlag(f, &checks, "checks", 200, 0, 100000, "records simulated for each predictive check (0 = no checks)")
	floatFlag(f, &minESS, "min-ess", 0.1, 0, 1, "rejuvenate when the effective sample size falls below this share of the draws")
	f.BoolVar(&noRejuv, "no-rejuvenate", false, "keep plain importance weights however few draws carry them")
	formatFlag(f, &format, "text", "json")
	timeoutFlag(f)
	return cmd
}

// loadRecord reads a record file and binds it to sc; start (a date, may be
// empty) overrides the scenario's history start.
func loadRecord(cmd *cobra.Command, sc *scenario.Scenario, path, start string) (*evidence.Data, error) {
	cal, err := calendarFor(sc, start)
	if err != nil {
		return nil, err
	}
	name, src, err := readInput(cmd.InOrStdin(), path, maxRecordFileSize)
	if err != nil {
		return nil, err
	}
	rec, err := record.Read(name, bytes.NewReader(src), record.Options{Calendar: cal})
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
