package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/report"
	"github.com/truce-dev/truce/scenario"
)

// analyzeResult is an analyze job's result: the analysis (as truce
// analyze --format json) and the leverage section of the report (as
// truce report), so the workbench shows both.
type analyzeResult struct {
	*scenario.AnalysisReport
	Leverage *report.Leverage `json:"leverage,omitempty"`
}

// leverageBudget bounds the leverage computation of one analyze job, as
// the report bounds its equilibrium selection: past it the job keeps its
// analysis and the section says why it is missing.
const leverageBudget = 20 * time.Second

// analyzeLeverage computes the leverage section at central values for the
// analysed profiles (order), as truce report does: best responses to each
// profile with fixed strategies and, in a two-actor scenario, each
// actor's optimal commitment against the equilibrium selected by
// equilibrium.Solve when the scenario has a solved profile. What cannot
// be computed (a build error, the memory budget, the time budget) is a
// note in the section; only the job's own cancellation is an error.
func analyzeLeverage(ctx context.Context, sc *scenario.Scenario, order []string, seed uint64) (*report.Leverage, error) {
	note := func(format string, args ...any) *report.Leverage {
		return &report.Leverage{Initial: sc.States[sc.Initial].ID, Notes: []string{fmt.Sprintf(format, args...)}}
	}
	g, profs, err := sc.Build(sc.Central())
	if err != nil {
		return note("Leverage not computed: central parameter values: %v.", err), nil
	}
	lctx, cancel := context.WithTimeout(ctx, leverageBudget)
	defer cancel()
	var sel *equilibrium.Result
	var selNote string
	solved := false
	for _, p := range sc.Profiles {
		solved = solved || p.Solve != ""
	}
	if solved { // as the report: the value of commitment is over the selected equilibrium
		r, err := equilibrium.Solve(lctx, g, equilibrium.Options{})
		switch {
		case ctx.Err() != nil:
			return nil, fmt.Errorf("leverage: selecting the equilibrium: %w", ctx.Err())
		case err != nil:
			selNote = fmt.Sprintf("No value of commitment: no equilibrium was selected (%v).", err)
		case !r.Converged:
			selNote = fmt.Sprintf("No value of commitment: the equilibrium solver did not converge (%s: %s).", r.Method, r.Reason)
		default:
			sel = r
		}
	} else {
		selNote = "No value of commitment: the scenario has no solved profile (solve: markov-perfect), so there is no selected equilibrium to compare a commitment with."
	}
	lv, err := report.ComputeLeverage(lctx, sc, g, profs, order, sel, seed)
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("leverage: %w", ctx.Err())
	case errors.Is(err, context.DeadlineExceeded):
		return note("Leverage not computed: over the workbench's time budget of %s for it (truce report computes it without this limit).", leverageBudget), nil
	case err != nil:
		return note("Leverage not computed: %v.", err), nil
	}
	if selNote != "" && len(lv.Commitments) > 0 {
		lv.Notes = append(lv.Notes, selNote)
	}
	return lv, nil
}
