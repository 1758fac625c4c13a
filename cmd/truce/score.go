package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/evidence"
	"github.com/truce-dev/truce/evidence/forecast"
	"github.com/truce-dev/truce/evidence/record"
	"github.com/truce-dev/truce/store"
)

func newScoreCmd() *cobra.Command {
	var (
		recordPath string
		start      string
		db         string
		source     string
		bins       int
		svgPath    string
		format     string
	)
	cmd := &cobra.Command{
		Use:   "score FILE --record R.csv",
		Short: "Resolve the forecast ledger against a record and score every source",
		Long: `score resolves the scenario's open forecasts in the ledger (see truce
forecast) against an observed record: a question resolves yes when a row in
its window names its state (reach) or event class (event), no when every
step of the window has such a row and none names it; otherwise it stays
open. Outcomes are stored once and never rewritten.

It then scores every source's resolved forecasts: the Brier score (mean
squared error of the probability, 0 best), the log score (mean natural log
of the probability given to what happened, 0 best; -inf when a forecast of 0
or 1 failed), calibration (a reliability table of --bins bins, and Murphy's
reliability, resolution and uncertainty) and the Brier skill against always
forecasting the base rate. --svg writes the reliability diagram.`,
		Example: `  truce score scenario.yaml --record record.csv
  truce score scenario.yaml --record record.csv --svg calibration.svg --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			sc, err := mustLoadScenario(cmd, "score", args[0])
			if err != nil {
				return err
			}
			fail := func(err error) error { return &exitError{codeFailure, "truce score: " + err.Error()} }
			if recordPath == "" {
				return usageErrorf("truce score: --record is required (what happened)")
			}
			cal, err := calendarFor(sc, start)
			if err != nil {
				return fail(err)
			}
			name, src, err := readInput(cmd.InOrStdin(), recordPath, maxRecordFileSize)
			if err != nil {
				return fail(err)
			}
			rec, err := record.Read(name, bytes.NewReader(src), record.Options{Calendar: cal})
			if err != nil {
				return fail(err)
			}
			// The record's names are checked against the scenario, as
			// update and forecast do: a misspelt class would otherwise
			// resolve nothing (or resolve questions "no") without a word.
			if _, err := evidence.Bind(sc, rec, cal); err != nil {
				return fail(err)
			}
			st, err := openStore(ctx, db)
			if err != nil {
				return fail(err)
			}
			defer st.Close()
			open, err := st.ListForecasts(ctx, store.ForecastFilter{Scenario: sc.Name, Unresolved: true, Limit: 100000})
			if err != nil {
				return fail(err)
			}
			errw := cmd.ErrOrStderr()
			newly := 0
			for _, f := range open {
				q, err := forecast.Parse(f.Question)
				if err != nil {
					fmt.Fprintf(errw, "warning: forecast %s: %v\n", f.ID, err)
					continue
				}
				o := forecast.Resolve(q, f.AsOfStep, rec)
				if !o.Resolved {
					continue
				}
				if err := st.ResolveForecast(ctx, f.ID, o.Yes, o.Why); err != nil {
					if errors.Is(err, store.ErrConflict) {
						fmt.Fprintf(errw, "warning: forecast %s: %v\n", f.ID, err)
						continue
					}
					return fail(err)
				}
				newly++
			}
			all, scored, stillOpen, err := ledgerScored(ctx, st, sc.Name, source)
			if err != nil {
				return fail(err)
			}
			scores := forecast.Score(scored, bins)
			if svgPath != "" {
				title := fmt.Sprintf("%s: reliability of %d resolved forecasts", sc.Name, len(scored))
				if err := writeOutput(cmd, svgPath, []string{args[0], recordPath}, func(w io.Writer) error {
					_, err := io.WriteString(w, forecast.ReliabilitySVG(scores, title))
					return err
				}); err != nil {
					return fail(err)
				}
			}
			return writeOutput(cmd, "", nil, func(w io.Writer) error {
				if format == "json" {
					doc := struct {
						Scenario      string                 `json:"scenario"`
						Forecasts     int                    `json:"forecasts"`
						Resolved      int                    `json:"resolved"`
						NewlyResolved int                    `json:"newly_resolved"`
						Open          int                    `json:"open"`
						Sources       []forecast.SourceScore `json:"sources"`
					}{sc.Name, all, len(scored), newly, stillOpen, scores}
					b, err := json.MarshalIndent(doc, "", "  ")
					if err != nil {
						return err
					}
					_, err = fmt.Fprintf(w, "%s\n", b)
					return err
				}
				return writeScores(w, sc.Name, all, len(scored), newly, stillOpen, rec.File, scores)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&recordPath, "record", "", "the observed record that resolves the questions (CSV)")
	f.StringVar(&start, "start", "", "date of step 0 (YYYY-MM-DD) for a record with dates; default: the scenario's history start")
	dbFlag(f, &db)
	f.StringVar(&source, "source", "", "score only this source")
	intFlag(f, &bins, "bins", 10, 1, 100, "bins of the reliability table")
	f.StringVar(&svgPath, "svg", "", "write the reliability diagram to this SVG file")
	formatFlag(f, &format, "text", "json")
	timeoutFlag(f)
	return cmd
}

// fewForecasts is the number of resolved forecasts below which scores
// and calibration say little (the report's threshold too).
const fewForecasts = 30

func writeScores(w io.Writer, scenario string, total, resolved, newly, open int, file string, scores []forecast.SourceScore) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s, %d resolved (%d now, by %s), %d open\n", scenario, plural(total, "forecast"), resolved, newly, file, open)
	if len(scores) == 0 {
		b.WriteString("nothing to score yet\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	num := func(x forecast.Num) string {
		f := float64(x)
		switch {
		case math.IsInf(f, -1):
			return "-inf"
		case math.IsNaN(f):
			return "-"
		}
		return fmt.Sprintf("%.3f", f)
	}
	b.WriteString("\nscores (Brier: 0 best, 1 worst; log: mean ln of the probability given to what happened, 0 best)\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  source\tn\tBrier\tlog\treliability\tresolution\tuncertainty\tskill vs base rate\n")
	for _, s := range scores {
		fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Source, s.N, num(s.Brier), num(s.Log), num(s.Reliability), num(s.Resolution), num(s.Uncertainty), num(s.Skill))
	}
	tw.Flush()
	b.WriteString("\ncalibration (per bin: forecasts, mean forecast, share resolved yes)\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, s := range scores {
		for _, bin := range s.Bins {
			if bin.N == 0 {
				continue
			}
			fmt.Fprintf(tw, "  %s\t[%.2f, %.2f%s\t%d\t%s\t%s\n", s.Source, bin.Lo, bin.Hi, map[bool]string{true: "]", false: ")"}[bin.Hi == 1], bin.N, num(bin.MeanP), num(bin.Freq))
		}
	}
	tw.Flush()
	// As the report says it: a handful of forecasts scores luck as much
	// as skill.
	if resolved < fewForecasts {
		fmt.Fprintf(&b, "\nWith %d resolved forecasts this is far too few to judge calibration or to tell sources apart (%d or more).\n", resolved, fewForecasts)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ledgerScored reads the ledger's forecasts for a scenario (of one source,
// or all when source is ""): how many there are, the resolved ones ready
// to score, and how many are still open.
func ledgerScored(ctx context.Context, st *store.Store, scenario, source string) (total int, scored []forecast.Scored, open int, err error) {
	all, err := st.ListForecasts(ctx, store.ForecastFilter{Scenario: scenario, Source: source, Limit: 100000})
	if err != nil {
		return 0, nil, 0, err
	}
	for _, f := range all {
		if f.Outcome == nil {
			open++
			continue
		}
		scored = append(scored, forecast.Scored{Source: f.Source, P: f.Probability, Yes: *f.Outcome})
	}
	return len(all), scored, open, nil
}
