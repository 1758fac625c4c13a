package store

import (
	"context"
	"errors"
	"math"
	"testing"
)

// TestForecasts runs the ledger's tests against every backend.
func TestForecasts(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Run("Lifecycle", func(t *testing.T) { testForecastLifecycle(t, open(t)) })
			t.Run("BadInput", func(t *testing.T) { testForecastBadInput(t, open(t)) })
		})
	}
}

func testForecastLifecycle(t *testing.T, s *Store) {
	ctx := context.Background()
	a, err := s.AddForecast(ctx, Forecast{Scenario: "us-iran", Question: `reach("war", 12)`, AsOfStep: 30, AsOfDate: "2026-11-02",
		ClosesStep: 42, ClosesDate: "2027-01-25", Probability: 0.125, Source: "model", Method: "update, 1000 draws, seed 1"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.AddForecast(ctx, Forecast{Scenario: "us-iran", Question: `reach("war", 12)`, AsOfStep: 20, ClosesStep: 32,
		Probability: 0.3, Source: "analyst:jane"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddForecast(ctx, Forecast{Scenario: "other", Question: `event("strike", 4)`, AsOfStep: 1, ClosesStep: 5,
		Probability: 1, Source: "model"}); err != nil {
		t.Fatal(err)
	}
	all, err := s.ListForecasts(ctx, ForecastFilter{Scenario: "us-iran"})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != b.ID || all[1].ID != a.ID {
		t.Fatalf("list by scenario gave %+v, want b then a (by as-of step)", all)
	}
	got := all[1]
	if got.Probability != 0.125 || got.AsOfDate != "2026-11-02" || got.ClosesDate != "2027-01-25" || got.Method != a.Method || got.Outcome != nil {
		t.Fatalf("stored %+v, want %+v", got, a)
	}
	if err := s.ResolveForecast(ctx, a.ID, true, "record r.csv: war at step 35"); err != nil {
		t.Fatal(err)
	}
	// Same outcome again: no change, no error; the other outcome: conflict.
	if err := s.ResolveForecast(ctx, a.ID, true, "again"); err != nil {
		t.Fatal(err)
	}
	if err := s.ResolveForecast(ctx, a.ID, false, "revised"); !errors.Is(err, ErrConflict) {
		t.Fatalf("re-resolving the other way: %v, want ErrConflict", err)
	}
	got, err = s.GetForecast(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Outcome == nil || !*got.Outcome || got.ResolvedAt == nil || got.Resolution != "record r.csv: war at step 35" {
		t.Fatalf("after resolving: %+v", got)
	}
	open, err := s.ListForecasts(ctx, ForecastFilter{Unresolved: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 2 {
		t.Fatalf("%d unresolved, want 2", len(open))
	}
	bySource, _ := s.ListForecasts(ctx, ForecastFilter{Source: "analyst:jane"})
	if len(bySource) != 1 || bySource[0].ID != b.ID {
		t.Fatalf("by source: %+v", bySource)
	}
	byQ, _ := s.ListForecasts(ctx, ForecastFilter{Question: `event("strike", 4)`})
	if len(byQ) != 1 || byQ[0].Probability != 1 {
		t.Fatalf("by question: %+v", byQ)
	}
	if err := s.DeleteForecast(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetForecast(ctx, b.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if err := s.ResolveForecast(ctx, b.ID, true, ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("resolving a deleted forecast: %v", err)
	}
}

func testForecastBadInput(t *testing.T, s *Store) {
	ctx := context.Background()
	for _, f := range []Forecast{
		{Question: "q", Source: "model", Probability: 1.5},
		{Question: "q", Source: "model", Probability: -0.1},
		{Question: "q", Source: "model", Probability: math.NaN()},
		{Question: "", Source: "model", Probability: 0.5},
		{Question: "q", Source: " ", Probability: 0.5},
		{Question: "q", Source: "model", Probability: 0.5, AsOfStep: 5, ClosesStep: 4},
	} {
		if _, err := s.AddForecast(ctx, f); err == nil {
			t.Errorf("AddForecast(%+v) accepted", f)
		}
	}
	if all, _ := s.ListForecasts(ctx, ForecastFilter{}); len(all) != 0 {
		t.Fatalf("bad forecasts were stored: %+v", all)
	}
}
