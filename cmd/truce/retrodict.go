package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/truce-dev/truce/evidence"
	"github.com/truce-dev/truce/scenario"
)

// retroFlags are the flags check and analyze take to confront a scenario
// with a record besides its own history.
type retroFlags struct {
	record, start string
}

func (r *retroFlags) add(f *pflag.FlagSet) {
	f.StringVar(&r.record, "record", "", "an observed record (CSV) to retrodict besides the scenario's history (docs/evidence.md)")
	f.StringVar(&r.start, "start", "", "date of step 0 (YYYY-MM-DD) for a record with dates; default: the scenario's history start")
}

// retrodict runs the retrodiction of the scenario's history, or of the
// record --record names, over draws prior draws (0: the central values).
// It returns nil when there is nothing to retrodict, and its warnings as
// diagnostics at the history (or the record file).
func (r *retroFlags) retrodict(cmd *cobra.Command, sc *scenario.Scenario, draws int, seed uint64) (*evidence.Retrodiction, []scenario.Diagnostic, error) {
	var d *evidence.Data
	file, at := sc.File, scenario.Pos{Line: 1, Col: 1}
	switch {
	case r.record != "":
		var err error
		if d, err = loadRecord(cmd, sc, r.record, r.start); err != nil {
			return nil, nil, err
		}
		file = d.File
	case sc.History != nil && len(sc.History.Rows) > 0:
		cal, err := evidence.Calendar(sc, time.Time{})
		if err != nil {
			return nil, nil, err
		}
		if d, err = evidence.Bind(sc, evidence.HistoryRecord(sc), cal); err != nil {
			return nil, nil, err
		}
		at = sc.History.Pos
	default:
		return nil, nil, nil
	}
	rd, err := evidence.Retrodict(cmd.Context(), sc, d, evidence.RetroOptions{Draws: draws, Seed: seed})
	if err != nil {
		return nil, nil, fmt.Errorf("retrodiction: %w", err)
	}
	var diags []scenario.Diagnostic
	for _, w := range rd.Warnings {
		diags = append(diags, scenario.Diagnostic{File: file, Line: at.Line, Col: at.Col, Severity: scenario.SeverityWarning,
			Msg:  "retrodiction: " + w,
			Hint: "check the history and the observation model, or revise the assumptions it contradicts"})
	}
	return rd, diags, nil
}
