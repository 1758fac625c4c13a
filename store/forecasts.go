package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// forecastsMigration creates the forecast ledger: dated probabilistic
// forecasts of resolvable questions, from the model or from analysts, and
// their outcomes once a record resolves them. Steps and dates say when the
// forecast was made (as of) and when its question closes; the date columns
// are ISO dates (YYYY-MM-DD) or empty when the scenario has no calendar.
const forecastsMigration = `CREATE TABLE forecasts (
		id TEXT PRIMARY KEY,
		scenario TEXT NOT NULL DEFAULT '',
		question TEXT NOT NULL,
		as_of_step INTEGER NOT NULL,
		as_of_date TEXT NOT NULL DEFAULT '',
		closes_step INTEGER NOT NULL,
		closes_date TEXT NOT NULL DEFAULT '',
		probability DOUBLE PRECISION NOT NULL,
		source TEXT NOT NULL,
		method TEXT NOT NULL DEFAULT '',
		created_at BIGINT NOT NULL,
		outcome INTEGER,
		resolved_at BIGINT,
		resolution TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX forecasts_scenario ON forecasts(scenario, question, as_of_step);
	CREATE INDEX forecasts_source ON forecasts(source)`

// Forecast is one entry of the ledger: the probability Source gave, as of
// step AsOfStep, that Question resolves yes by step ClosesStep. Outcome is
// nil until a record resolves it.
type Forecast struct {
	ID          string     `json:"id"`
	Scenario    string     `json:"scenario,omitempty"`
	Question    string     `json:"question"`
	AsOfStep    int        `json:"as_of_step"`
	AsOfDate    string     `json:"as_of_date,omitempty"`
	ClosesStep  int        `json:"closes_step"`
	ClosesDate  string     `json:"closes_date,omitempty"`
	Probability float64    `json:"probability"`
	Source      string     `json:"source"`
	Method      string     `json:"method,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	Outcome     *bool      `json:"outcome"`
	ResolvedAt  *time.Time `json:"resolved_at,omitempty"`
	Resolution  string     `json:"resolution,omitempty"`
}

// ForecastFilter selects forecasts for ListForecasts; zero values select
// everything.
type ForecastFilter struct {
	Scenario   string
	Source     string
	Question   string
	Unresolved bool // only forecasts without an outcome
	Limit      int  // default 1000, at most 100000
}

// AddForecast stores f as unresolved. f.ID is assigned when empty and
// CreatedAt is set to now.
func (s *Store) AddForecast(ctx context.Context, f Forecast) (Forecast, error) {
	if strings.TrimSpace(f.Question) == "" || strings.TrimSpace(f.Source) == "" {
		return Forecast{}, fmt.Errorf("store: adding forecast: question and source are required")
	}
	if !(f.Probability >= 0 && f.Probability <= 1) || math.IsNaN(f.Probability) {
		return Forecast{}, fmt.Errorf("store: adding forecast: probability %v outside [0, 1]", f.Probability)
	}
	if f.ClosesStep < f.AsOfStep {
		return Forecast{}, fmt.Errorf("store: adding forecast: closes at step %d, before it was made (step %d)", f.ClosesStep, f.AsOfStep)
	}
	if f.ID == "" {
		f.ID = NewID("f_")
	}
	f.CreatedAt = fromMS(ms(time.Now()))
	f.Outcome, f.ResolvedAt, f.Resolution = nil, nil, ""
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO forecasts (id, scenario, question, as_of_step, as_of_date, closes_step, closes_date,
		probability, source, method, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		f.ID, f.Scenario, f.Question, f.AsOfStep, f.AsOfDate, f.ClosesStep, f.ClosesDate, f.Probability, f.Source, f.Method, ms(f.CreatedAt))
	if err != nil {
		return Forecast{}, fmt.Errorf("store: adding forecast: %w", err)
	}
	return f, nil
}

// ResolveForecast records the outcome of forecast id and what resolved it.
// An outcome is final: resolving again with the same outcome changes
// nothing, with the other outcome fails with ErrConflict (a revised record
// must not silently rewrite scores).
func (s *Store) ResolveForecast(ctx context.Context, id string, outcome bool, resolution string) error {
	o := 0
	if outcome {
		o = 1
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var cur sql.NullInt64
		err := tx.QueryRowContext(ctx, s.q(`SELECT outcome FROM forecasts WHERE id = ?`), id).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("forecast %s: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if cur.Valid {
			if int(cur.Int64) != o {
				return fmt.Errorf("forecast %s already resolved the other way: %w", id, ErrConflict)
			}
			return nil
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE forecasts SET outcome = ?, resolved_at = ?, resolution = ? WHERE id = ? AND outcome IS NULL`),
			o, ms(time.Now()), resolution, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: resolving forecast: %w", err)
	}
	return nil
}

// DeleteForecast removes forecast id (a forecast entered by mistake).
func (s *Store) DeleteForecast(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM forecasts WHERE id = ?`), id)
	if err != nil {
		return fmt.Errorf("store: deleting forecast %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: forecast %s: %w", id, ErrNotFound)
	}
	return nil
}

const forecastColumns = `id, scenario, question, as_of_step, as_of_date, closes_step, closes_date, probability, source, method,
	created_at, outcome, resolved_at, resolution`

func scanForecast(sc interface{ Scan(...any) error }) (Forecast, error) {
	var f Forecast
	var created int64
	var outcome, resolved sql.NullInt64
	if err := sc.Scan(&f.ID, &f.Scenario, &f.Question, &f.AsOfStep, &f.AsOfDate, &f.ClosesStep, &f.ClosesDate,
		&f.Probability, &f.Source, &f.Method, &created, &outcome, &resolved, &f.Resolution); err != nil {
		return Forecast{}, err
	}
	f.CreatedAt = fromMS(created)
	if outcome.Valid {
		o := outcome.Int64 != 0
		f.Outcome = &o
	}
	f.ResolvedAt = fromNullMS(resolved)
	return f, nil
}

// GetForecast returns forecast id.
func (s *Store) GetForecast(ctx context.Context, id string) (Forecast, error) {
	f, err := scanForecast(s.db.QueryRowContext(ctx, s.q(`SELECT `+forecastColumns+` FROM forecasts WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return Forecast{}, fmt.Errorf("store: forecast %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Forecast{}, fmt.Errorf("store: reading forecast %s: %w", id, err)
	}
	return f, nil
}

// ListForecasts returns the forecasts f selects in the order they were
// made: by as-of step, then creation time, then id.
func (s *Store) ListForecasts(ctx context.Context, f ForecastFilter) ([]Forecast, error) {
	query := `SELECT ` + forecastColumns + ` FROM forecasts WHERE 1 = 1`
	var args []any
	if f.Scenario != "" {
		query += ` AND scenario = ?`
		args = append(args, f.Scenario)
	}
	if f.Source != "" {
		query += ` AND source = ?`
		args = append(args, f.Source)
	}
	if f.Question != "" {
		query += ` AND question = ?`
		args = append(args, f.Question)
	}
	if f.Unresolved {
		query += ` AND outcome IS NULL`
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	if limit > 100000 {
		limit = 100000
	}
	query += ` ORDER BY as_of_step, created_at, id LIMIT ?`
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("store: listing forecasts: %w", err)
	}
	defer rows.Close()
	out := []Forecast{}
	for rows.Next() {
		fc, err := scanForecast(rows)
		if err != nil {
			return nil, fmt.Errorf("store: listing forecasts: %w", err)
		}
		out = append(out, fc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: listing forecasts: %w", err)
	}
	return out, nil
}
