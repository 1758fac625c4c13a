package server

import (
	"net/http"
	"strconv"

	"github.com/truce-dev/truce/evidence/forecast"
	"github.com/truce-dev/truce/store"
)

// The forecast ledger (docs/evidence.md) lives in the workbench's
// database: `truce forecast` adds to it and `truce score` resolves it
// against a record. The workbench reads it: the forecasts, and every
// source's scores with its reliability diagram.

// forecastFilter reads ?scenario=&source=&open=1&limit= with the same rules
// as names elsewhere in the API.
func forecastFilter(w http.ResponseWriter, r *http.Request, limit int) (store.ForecastFilter, bool) {
	q := r.URL.Query()
	f := store.ForecastFilter{Scenario: q.Get("scenario"), Source: q.Get("source"), Unresolved: q.Get("open") == "1", Limit: limit}
	if !checkText(w, f.Scenario, "") || !checkText(w, f.Source, "") {
		return f, false
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100000 {
			writeError(w, http.StatusBadRequest, "bad_request", "limit must be an integer from 1 to 100000")
			return f, false
		}
		f.Limit = n
	}
	return f, true
}

// listForecasts answers GET /api/forecasts: the ledger's forecasts, newest
// first, filtered by scenario, source and whether they are still open.
func (s *Server) listForecasts(w http.ResponseWriter, r *http.Request) {
	f, ok := forecastFilter(w, r, 1000)
	if !ok {
		return
	}
	fs, err := s.cfg.Store.ListForecasts(r.Context(), f)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if fs == nil {
		fs = []store.Forecast{}
	}
	writeJSON(w, http.StatusOK, fs)
}

// forecastScores is the answer of GET /api/forecasts/scores, with the
// fields of `truce score --format json`.
type forecastScores struct {
	Scenario  string                 `json:"scenario,omitempty"`
	Forecasts int                    `json:"forecasts"`
	Resolved  int                    `json:"resolved"`
	Open      int                    `json:"open"`
	Bins      int                    `json:"bins"`
	Sources   []forecast.SourceScore `json:"sources"`
}

// forecastScoresHandler answers GET /api/forecasts/scores: every source's
// Brier and log scores, Murphy's decomposition and reliability bins over
// its resolved forecasts (?bins=, 10 by default), as truce score computes
// them. Resolving stays with truce score, which reads the record.
func (s *Server) forecastScoresHandler(w http.ResponseWriter, r *http.Request) {
	f, ok := forecastFilter(w, r, 100000)
	if !ok {
		return
	}
	bins := 10
	if b := r.URL.Query().Get("bins"); b != "" {
		n, err := strconv.Atoi(b)
		if err != nil || n < 1 || n > 100 {
			writeError(w, http.StatusBadRequest, "bad_request", "bins must be an integer from 1 to 100")
			return
		}
		bins = n
	}
	f.Unresolved = false
	fs, err := s.cfg.Store.ListForecasts(r.Context(), f)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	out := forecastScores{Scenario: f.Scenario, Forecasts: len(fs), Bins: bins}
	var scored []forecast.Scored
	for _, x := range fs {
		if x.Outcome == nil {
			out.Open++
			continue
		}
		scored = append(scored, forecast.Scored{Source: x.Source, P: x.Probability, Yes: *x.Outcome})
	}
	out.Resolved = len(scored)
	out.Sources = forecast.Score(scored, bins)
	writeJSON(w, http.StatusOK, out)
}
