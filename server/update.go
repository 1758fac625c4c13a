package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/truce-dev/truce/evidence"
	"github.com/truce-dev/truce/evidence/record"
	"github.com/truce-dev/truce/internal/period"
	"github.com/truce-dev/truce/scenario"
)

// recordData reads the job's record (p.Record, with p.Start as the date of
// step 0 when given) and binds it to sc.
func recordData(sc *scenario.Scenario, p Params) (*evidence.Data, *record.Record, error) {
	var start time.Time
	if p.Start != "" {
		t, err := period.ParseDate(p.Start)
		if err != nil {
			return nil, nil, fmt.Errorf("start %q: %w", p.Start, err)
		}
		start = t
	}
	cal, err := evidence.Calendar(sc, start)
	if err != nil {
		return nil, nil, err
	}
	rec, err := record.Read(recordFilename, strings.NewReader(p.Record), record.Options{Calendar: cal})
	if err != nil {
		return nil, nil, err
	}
	if len(rec.Rows) == 0 {
		return nil, nil, fmt.Errorf("%s has no rows", recordFilename)
	}
	d, err := evidence.Bind(sc, rec, cal)
	return d, rec, err
}

// retrodict confronts an analysis with the dated past, as truce analyze
// does: the job's record when it has one, else the scenario's history;
// nil when there is neither. Its draws and seed are the analysis's.
func retrodict(ctx context.Context, sc *scenario.Scenario, p Params, draws int) (*evidence.Retrodiction, error) {
	var d *evidence.Data
	switch {
	case strings.TrimSpace(p.Record) != "":
		var err error
		if d, _, err = recordData(sc, p); err != nil {
			return nil, err
		}
	case sc.History != nil && len(sc.History.Rows) > 0:
		cal, err := evidence.Calendar(sc, time.Time{})
		if err != nil {
			return nil, err
		}
		if d, err = evidence.Bind(sc, evidence.HistoryRecord(sc), cal); err != nil {
			return nil, err
		}
	default:
		return nil, nil
	}
	rd, err := evidence.Retrodict(ctx, sc, d, evidence.RetroOptions{Draws: draws, Seed: p.Seed})
	if err != nil {
		return nil, fmt.Errorf("retrodiction: %w", err)
	}
	return rd, nil
}

// recordFilename names the record in its diagnostics (file:line:col).
const recordFilename = "record.csv"

// update learns from an observed record, as `truce update FILE --record
// R.csv` does with its defaults: the record's likelihood per profile,
// posterior shares of every hypothesis beside the prior ones, where the
// process is now and what comes next (docs/evidence.md). The record is the
// job's p.Record (CSV text); p.Start is the date of step 0 when the
// scenario's history does not give it.
func update(ctx context.Context, sc *scenario.Scenario, p Params, progress func(done, total int)) (json.RawMessage, error) {
	if strings.TrimSpace(p.Record) == "" {
		return nil, errors.New("an update needs the observed record (CSV: step or date, event or state); paste it under \"record\"")
	}
	d, rec, err := recordData(sc, p)
	if err != nil {
		return nil, err
	}
	draws := p.Draws
	if draws == 0 {
		draws = scenario.DefaultDraws
	}
	profiles := p.Profiles
	if len(profiles) == 0 && p.Profile != "" {
		profiles = []string{p.Profile}
	}
	res, err := evidence.Update(ctx, sc, d, evidence.Options{
		Profiles: profiles, Draws: draws, Seed: p.Seed, Workers: p.Workers, Now: -1,
		Rejuvenate: true, // the command's default
		Progress: func(_ string, done, total int) {
			if progress != nil {
				progress(done*draws/max(total, 1), draws)
			}
		},
	})
	if err != nil {
		return nil, err
	}
	out, err := res.JSON()
	if err != nil {
		return nil, err
	}
	// The record's warnings (unused columns) join the result's own.
	if len(rec.Warnings) > 0 {
		var m map[string]any
		if json.Unmarshal(out, &m) == nil {
			w, _ := m["warnings"].([]any)
			for _, s := range rec.Warnings {
				w = append(w, s)
			}
			m["warnings"] = w
			if b, err := json.Marshal(m); err == nil {
				out = b
			}
		}
	}
	return out, nil
}
