package server_test

import (
	"context"
	"math"
	"testing"

	"github.com/truce-dev/truce/store"
)

// plantLedger stores five forecasts of scenario "s" (four resolved) and
// one of another scenario.
func plantLedger(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	for _, f := range []struct {
		scenario, source string
		p                float64
		outcome          *bool
	}{
		{"s", "model", 0.8, ptr(true)},
		{"s", "model", 0.3, ptr(false)},
		{"s", "model", 0.15, ptr(false)},
		{"s", "analyst", 0.5, ptr(true)},
		{"s", "analyst", 0.9, nil},
		{"other", "model", 0.1, ptr(true)},
	} {
		got, err := st.AddForecast(ctx, store.Forecast{Scenario: f.scenario, Question: "reach(war, 12)", AsOfStep: 3, ClosesStep: 15, Probability: f.p, Source: f.source})
		if err != nil {
			t.Fatal(err)
		}
		if f.outcome != nil {
			if err := st.ResolveForecast(ctx, got.ID, *f.outcome, "test"); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestForecastsAPI(t *testing.T) {
	e := newEnv(t, opts{})
	plantLedger(t, e.store)
	var list []store.Forecast
	e.wantStatus("GET", "/api/forecasts?scenario=s", nil, 200, &list)
	if len(list) != 5 {
		t.Fatalf("%d forecasts of s, want 5", len(list))
	}
	e.wantStatus("GET", "/api/forecasts?scenario=s&open=1", nil, 200, &list)
	if len(list) != 1 || list[0].Source != "analyst" || list[0].Outcome != nil {
		t.Fatalf("open forecasts: %+v", list)
	}
	e.wantStatus("GET", "/api/forecasts?scenario=nothing", nil, 200, &list)
	if list == nil || len(list) != 0 {
		t.Fatalf("no forecasts must be an empty list: %+v", list)
	}
	var sc struct {
		Forecasts, Resolved, Open, Bins int
		Sources                         []struct {
			Source      string
			N           int
			Brier, Log  *float64
			Reliability *float64
			Resolution  *float64
			Uncertainty *float64
			Skill       *float64 `json:"brier_skill"`
			Bins        []struct {
				Lo, Hi float64
				N      int
				MeanP  *float64 `json:"mean_forecast"`
				Freq   *float64 `json:"observed_frequency"`
			}
		}
	}
	e.wantStatus("GET", "/api/forecasts/scores?scenario=s&bins=5", nil, 200, &sc)
	if sc.Forecasts != 5 || sc.Resolved != 4 || sc.Open != 1 || sc.Bins != 5 || len(sc.Sources) != 2 {
		t.Fatalf("scores: %+v", sc)
	}
	an, mo := sc.Sources[0], sc.Sources[1]
	if an.Source != "analyst" || mo.Source != "model" || an.N != 1 || mo.N != 3 {
		t.Fatalf("sources %+v", sc.Sources)
	}
	// By hand: model gave 0.8 (yes), 0.3 (no), 0.15 (no).
	brier := (0.2*0.2 + 0.3*0.3 + 0.15*0.15) / 3
	logScore := (math.Log(0.8) + math.Log(0.7) + math.Log(0.85)) / 3
	if math.Abs(*mo.Brier-brier) > 1e-12 || math.Abs(*mo.Log-logScore) > 1e-12 {
		t.Errorf("model: Brier %v log %v, want %v %v", *mo.Brier, *mo.Log, brier, logScore)
	}
	// Base rate 1/3: uncertainty 2/9; bins of width 0.2: 0.15 in [0, 0.2),
	// 0.3 in [0.2, 0.4), 0.8 in [0.8, 1].
	if math.Abs(*mo.Uncertainty-2.0/9) > 1e-12 || len(mo.Bins) != 5 || mo.Bins[0].N != 1 || mo.Bins[1].N != 1 || mo.Bins[4].N != 1 || mo.Bins[2].MeanP != nil {
		t.Errorf("model's decomposition: %+v", mo)
	}
	// One forecast, every question alike: no skill score.
	if math.Abs(*an.Brier-0.25) > 1e-12 || an.Skill != nil {
		t.Errorf("analyst: %+v", an)
	}
	for _, bad := range []string{"/api/forecasts?limit=0", "/api/forecasts/scores?bins=0", "/api/forecasts/scores?bins=x", "/api/forecasts?scenario=%01"} {
		e.wantStatus("GET", bad, nil, 400, nil)
	}
}
