package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/scenario"
)

// CentralAnalyzer is implemented by runners that can analyse a scenario
// with every parameter fixed at its central value: one exact analysis, in
// milliseconds for most scenarios, which the page's "what if" mode runs as
// the analyst edits parameters.
type CentralAnalyzer interface {
	AnalyzeCentral(ctx context.Context, filename string, yaml []byte, profiles []string) (json.RawMessage, []Diagnostic, error)
}

// AnalyzeCentral implements CentralAnalyzer. The result has the JSON of an
// analysis (docs/analyze-json.md) with draws 1 and parameters_fixed true.
func (ScenarioRunner) AnalyzeCentral(ctx context.Context, filename string, src []byte, profiles []string) (json.RawMessage, []Diagnostic, error) {
	sc, ds := scenario.Parse(filename, src)
	if sc == nil {
		return nil, convertDiags(ds), nil
	}
	for i := range sc.Parameters {
		sc.Parameters[i].Dist = scenario.Dist{Kind: "fixed", Value: sc.Parameters[i].Dist.Central()}
	}
	if lim, size := ResultLimit(ctx), analysisSize(sc, max(len(profiles), len(sc.Profiles))); lim > 0 && size > lim {
		return nil, nil, fmt.Errorf("the result would be about %s, over this server's limit of %s", budget.Format(size), budget.Format(lim))
	}
	rep, err := scenario.Analyze(ctx, sc, scenario.AnalyzeOptions{Profiles: profiles, Draws: 1, Seed: 1, Workers: 1})
	if err != nil {
		return nil, nil, err
	}
	out, err := json.Marshal(rep)
	return out, nil, err
}

// whatIfTimeout bounds one what-if analysis: it answers a request while
// the analyst waits, so it must be quick or say it cannot be.
const whatIfTimeout = 20 * time.Second

type whatIfRequest struct {
	YAML     string   `json:"yaml"`
	Profiles []string `json:"profiles,omitempty"`
}

// whatIf analyses a scenario at its parameters' central values, at once
// (no job, nothing stored): the page compares it with the same analysis of
// the saved run's scenario to show what an edit changes.
func (s *Server) whatIf(w http.ResponseWriter, r *http.Request) {
	ca, ok := s.cfg.Runner.(CentralAnalyzer)
	if !ok {
		writeError(w, http.StatusNotFound, "not_found", "this server's engine has no what-if analysis")
		return
	}
	var req whatIfRequest
	if !s.decodeJSON(w, r, &req) || !checkText(w, "", req.YAML) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), min(whatIfTimeout, s.cfg.Limits.JobTimeout))
	defer cancel()
	ctx = withResultLimit(budget.WithLimit(ctx, s.cfg.Limits.JobMemory), s.cfg.Limits.MaxResult)
	select {
	case s.validating <- struct{}{}:
	case <-ctx.Done():
		return
	}
	defer func() { <-s.validating }()
	res, diags, err := ca.AnalyzeCentral(ctx, "scenario.yaml", []byte(req.YAML), req.Profiles)
	switch {
	case hasErrors(diags):
		writeJSON(w, http.StatusUnprocessableEntity, apiError{Error: "the scenario has errors; fix them first", Code: "invalid_scenario", Problems: diags})
	case errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusUnprocessableEntity, "too_slow", fmt.Sprintf("the analysis at central values takes longer than %s; run it as a job instead", whatIfTimeout))
	case err != nil:
		writeError(w, http.StatusUnprocessableEntity, "analysis_failed", err.Error())
	default:
		w.Header().Set("Content-Type", "application/json")
		w.Write(res)
	}
}
