package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/truce-dev/truce/evidence"
	"github.com/truce-dev/truce/evidence/forecast"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/store"
)

// dbFlag defines --db, the workbench store the forecast ledger lives in.
func dbFlag(f *pflag.FlagSet, p *string) {
	f.StringVar(p, "db", "", "database: sqlite:PATH or postgres://… (default: the workbench's SQLite database, as truce serve)")
}

// openStore opens the ledger's database (the workbench's by default).
func openStore(ctx context.Context, db string) (*store.Store, error) {
	return store.Open(ctx, db)
}

func newForecastCmd() *cobra.Command {
	var (
		questions  []string
		asOf       string
		recordPath string
		start      string
		source     string
		prob       float64
		db         string
		draws      int
		seed       uint64
		workers    int
		list       bool
		dryRun     bool
		format     string
	)
	prob = -1
	cmd := &cobra.Command{
		Use:   "forecast FILE --question Q [--as-of DATE] [--record R.csv | --p P --source NAME]",
		Short: "Record dated probabilistic forecasts (the model's or an analyst's) in the ledger",
		Long: `forecast records in the forecast ledger (the workbench's database, or
--db) the probability that a resolvable question resolves yes, as of a
date or step:

  reach("STATE", N[, "PROFILE"])   the process is in STATE at some step of
                                   the N steps after the as-of step
  event("CLASS", N[, "PROFILE"])   event CLASS is seen at least once in them

Without --p the forecast is the model's: update learns from the record up
to the as-of step (--record; the rows after it are not read) and the
posterior predicts the question (source "model"). With --p an analyst's
forecast is recorded as given, under --source. truce score resolves the
ledger against a record and scores every source (docs/evidence.md).
--list prints the ledger of the scenario instead.`,
		Example: `  truce forecast scenario.yaml --question 'reach("war", 12)' --as-of 2026-10-05 --record record.csv
  truce forecast scenario.yaml --question 'event("strike", 4)' --as-of 2026-10-05 --p 0.3 --source analyst:jane
  truce forecast scenario.yaml --list`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			sc, err := mustLoadScenario(cmd, "forecast", args[0])
			if err != nil {
				return err
			}
			fail := func(err error) error { return &exitError{codeFailure, "truce forecast: " + err.Error()} }
			if list {
				st, err := openStore(ctx, db)
				if err != nil {
					return fail(err)
				}
				defer st.Close()
				fs, err := st.ListForecasts(ctx, store.ForecastFilter{Scenario: sc.Name, Limit: 100000})
				if err != nil {
					return fail(err)
				}
				return writeOutput(cmd, "", nil, func(w io.Writer) error { return writeLedger(w, fs, format) })
			}
			if len(questions) == 0 {
				return usageErrorf("truce forecast: give --question (or --list)")
			}
			analyst := cmd.Flags().Changed("p")
			if analyst && source == "" {
				return usageErrorf("truce forecast: an analyst's forecast (--p) needs --source NAME")
			}
			if !analyst && recordPath == "" {
				return usageErrorf("truce forecast: the model's forecast needs --record (what was seen up to the as-of date); an analyst's needs --p and --source")
			}
			if !analyst && source == "" {
				source = "model"
			}
			var states, profiles []string
			for _, s := range sc.States {
				states = append(states, s.ID)
			}
			for _, p := range sc.Profiles {
				profiles = append(profiles, p.Name)
			}
			qs := make([]forecast.Question, len(questions))
			for i, s := range questions {
				q, err := forecast.Parse(s)
				if err != nil {
					return usageErrorf("truce forecast: %v", err)
				}
				if err := q.Check(states, sc.Events, profiles, scenario.SuggestName); err != nil {
					return fail(err)
				}
				qs[i] = q
			}
			// The as-of step, and what was known then.
			var d *evidence.Data
			if recordPath != "" {
				if d, err = loadRecord(cmd, sc, recordPath, start); err != nil {
					return fail(err)
				}
			} else {
				cal, err := calendarFor(sc, start)
				if err != nil {
					return fail(err)
				}
				d = &evidence.Data{Last: -1, Calendar: cal, File: "(no record)"}
			}
			step := d.Last
			if asOf != "" {
				if step, err = stepOf(asOf, d); err != nil {
					return usageErrorf("truce forecast: --as-of: %v", err)
				}
			} else if step < 0 {
				return usageErrorf("truce forecast: give --as-of (a date or a step)")
			}
			known := d.Until(step)
			var out []store.Forecast
			for _, q := range qs {
				f := store.Forecast{Scenario: sc.Name, Question: q.String(), AsOfStep: step, ClosesStep: step + q.Steps, Source: source, Probability: prob}
				if d.Calendar != nil {
					f.AsOfDate, f.ClosesDate = d.Date(step), d.Date(step+q.Steps)
				}
				if !analyst {
					p, method, err := modelForecast(cmd, sc, known, step, q, draws, seed, workers)
					if err != nil {
						return fail(err)
					}
					f.Probability, f.Method = p, method
				}
				out = append(out, f)
			}
			if !dryRun {
				st, err := openStore(ctx, db)
				if err != nil {
					return fail(err)
				}
				defer st.Close()
				for i := range out {
					// One forecast per source, question and as-of step:
					// a second would count twice in the scores.
					prev, err := st.ListForecasts(ctx, store.ForecastFilter{Scenario: sc.Name, Source: out[i].Source, Question: out[i].Question, Limit: 100000})
					if err != nil {
						return fail(err)
					}
					dup := false
					for _, p := range prev {
						if p.AsOfStep == out[i].AsOfStep {
							fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s already forecast %s as of %s (%s, p = %g); not stored again\n",
								p.Source, p.Question, when(p.AsOfDate, p.AsOfStep), p.ID, p.Probability)
							out[i], dup = p, true
						}
					}
					if dup {
						continue
					}
					if out[i], err = st.AddForecast(ctx, out[i]); err != nil {
						return fail(err)
					}
				}
			}
			return writeOutput(cmd, "", nil, func(w io.Writer) error { return writeLedger(w, out, format) })
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&questions, "question", nil, `question(s): reach("STATE", N[, "PROFILE"]) or event("CLASS", N[, "PROFILE"]) (repeat for several)`)
	f.StringVar(&asOf, "as-of", "", "date (YYYY-MM-DD) or step the forecast is made as of; default: the record's last step")
	f.StringVar(&recordPath, "record", "", "the record the model learns from (rows after the as-of step are not read)")
	f.StringVar(&start, "start", "", "date of step 0 (YYYY-MM-DD); default: the scenario's history start")
	f.StringVar(&source, "source", "", `who forecasts: "model" (default without --p) or an analyst's name`)
	floatFlag(f, &prob, "p", 0.5, 0, 1, "an analyst's probability that the question resolves yes")
	dbFlag(f, &db)
	intFlag(f, &draws, "draws", 1000, 1, maxDraws, "prior draws for the model's forecast")
	seedFlag(f, &seed, scenario.DefaultSeed, "random seed for the model's forecast")
	intFlag(f, &workers, "workers", 0, 0, maxWorkers, "parallel workers (0 = all cores); output does not depend on it")
	f.BoolVar(&list, "list", false, "print the scenario's ledger instead of forecasting")
	f.BoolVar(&dryRun, "dry-run", false, "print the forecasts without storing them")
	formatFlag(f, &format, "text", "json")
	timeoutFlag(f)
	return cmd
}

// modelForecast is the posterior predictive probability of q from what was
// known at step asOf.
func modelForecast(cmd *cobra.Command, sc *scenario.Scenario, known *evidence.Data, asOf int, q forecast.Question, draws int, seed uint64, workers int) (float64, string, error) {
	opt := evidence.Options{Draws: draws, Seed: seed, Workers: workers, Now: asOf, Ahead: q.Steps, Rejuvenate: true, Checks: -1}
	if q.Profile != "" {
		opt.Profiles = []string{q.Profile}
	}
	res, err := evidence.Update(cmd.Context(), sc, known, opt)
	if err != nil {
		return 0, "", err
	}
	p := res.Predictive.Reach[q.Name]
	if q.Kind == "event" {
		p = res.Predictive.Events[q.Name]
	}
	method := fmt.Sprintf("update: %d draws, seed %d, %s", res.Draws, res.Seed, res.RecordTo())
	if res.SMC != nil {
		method += fmt.Sprintf(", rejuvenated (%d SMC stages)", res.SMC.Stages)
	}
	if len(res.Warnings) > 0 {
		method += "; warning: " + strings.Join(res.Warnings, "; ")
	}
	return p, method, nil
}

// writeLedger prints forecasts as a table or JSON.
func writeLedger(w io.Writer, fs []store.Forecast, format string) error {
	if format == "json" {
		if fs == nil {
			fs = []store.Forecast{}
		}
		b, err := json.MarshalIndent(fs, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "id\tas of\tquestion\tcloses\tsource\tprobability\toutcome\n")
	for _, f := range fs {
		outcome := "open"
		if f.Outcome != nil {
			outcome = map[bool]string{true: "yes", false: "no"}[*f.Outcome]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.ID, when(f.AsOfDate, f.AsOfStep), f.Question, when(f.ClosesDate, f.ClosesStep),
			f.Source, strconv.FormatFloat(f.Probability, 'g', 4, 64), outcome)
	}
	return tw.Flush()
}

func when(date string, step int) string {
	if date != "" {
		return date
	}
	return fmt.Sprintf("step %d", step)
}
