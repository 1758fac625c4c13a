package server_test

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/truce-dev/truce/server"
	"github.com/truce-dev/truce/store"
)

func exampleNamed(t *testing.T, name string) server.Example {
	t.Helper()
	for _, e := range server.BuiltinExamples() {
		if e.Name == name {
			return e
		}
	}
	t.Fatalf("no example %s", name)
	return server.Example{}
}

// An update job is truce update: its prior shares are those of analyze
// with the same draws and seed (the same draws, by construction), and the
// record moves them.
func TestUpdateJob(t *testing.T) {
	ex := exampleNamed(t, "truce-watch")
	if ex.Record != readExample(t, "../examples/evidence/truce-watch.csv") || ex.YAML != readExample(t, "../examples/evidence/truce-watch.yaml") {
		t.Fatal("server/examples/truce-watch.{yaml,csv} differ from examples/evidence; copy them again")
	}
	var r server.ScenarioRunner
	ctx := context.Background()
	var calls int
	out, err := r.Run(ctx, "update", "w.yaml", []byte(ex.YAML), server.Params{Draws: 300, Seed: 3, Workers: 1, Record: ex.Record}, func(done, total int) {
		calls++
		if total != 300 || done > total {
			t.Errorf("progress %d/%d", done, total)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 {
		t.Error("no progress reported")
	}
	var up struct {
		Draws  int
		Seed   uint64
		Record struct {
			Rows     int
			LastStep int `json:"last_step"`
		} `json:"record"`
		LogLikelihood    map[string]*float64 `json:"log_likelihood"`
		ProfilePosterior map[string]float64  `json:"profile_posterior"`
		ESS              float64
		Hypotheses       []struct {
			ID             string
			PriorShare     float64 `json:"prior_share"`
			PosteriorShare float64 `json:"posterior_share"`
			PriorVerdict   string  `json:"prior_verdict"`
		}
	}
	if err := json.Unmarshal(out, &up); err != nil {
		t.Fatal(err)
	}
	if up.Draws != 300 || up.Seed != 3 || up.Record.Rows != 26 || up.Record.LastStep != 25 || len(up.LogLikelihood) != 2 || up.ESS <= 0 || up.ESS > 300 {
		t.Fatalf("update: %+v", up)
	}
	sum := 0.0
	for _, p := range up.ProfilePosterior {
		sum += p
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("profile posterior sums to %v", sum)
	}
	an, err := r.Run(ctx, "analyze", "w.yaml", []byte(ex.YAML), server.Params{Draws: 300, Seed: 3, Workers: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Hypotheses []struct {
			ID         string
			HoldsShare float64 `json:"holds_share"`
			Verdict    string
		}
	}
	if err := json.Unmarshal(an, &a); err != nil {
		t.Fatal(err)
	}
	if len(a.Hypotheses) != len(up.Hypotheses) {
		t.Fatalf("%d hypotheses in analyze, %d in update", len(a.Hypotheses), len(up.Hypotheses))
	}
	moved := false
	for i, h := range up.Hypotheses {
		if h.ID != a.Hypotheses[i].ID || h.PriorShare != a.Hypotheses[i].HoldsShare || h.PriorVerdict != a.Hypotheses[i].Verdict {
			t.Errorf("%s: prior %v %s, analyze %v %s", h.ID, h.PriorShare, h.PriorVerdict, a.Hypotheses[i].HoldsShare, a.Hypotheses[i].Verdict)
		}
		moved = moved || math.Abs(h.PosteriorShare-h.PriorShare) > 0.05
	}
	if !moved {
		t.Error("the record moved no hypothesis by 5 points; the example's record is meant to")
	}
}

func TestUpdateJobErrors(t *testing.T) {
	ex := exampleNamed(t, "truce-watch")
	var r server.ScenarioRunner
	ctx := context.Background()
	for _, c := range []struct {
		name string
		p    server.Params
		want string
	}{
		{"no record", server.Params{}, "needs the observed record"},
		{"unknown event", server.Params{Record: "step,event\n0,quiet\n1,incidnet\n"}, `record.csv:3:3: unknown event class "incidnet"`},
		{"bad start", server.Params{Record: ex.Record, Start: "2026-13-01"}, `start "2026-13-01"`},
	} {
		_, err := r.Run(ctx, "update", "w.yaml", []byte(ex.YAML), c.p, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	// A record of dates needs the date of step 0: the scenario's history
	// gives it, and without one the job says how to give it.
	block := "history:\n  start: 2026-01-05\n  events:\n    - {date: 2026-01-05, state: truce, source: \"the truce takes effect\"}\n"
	noHistory := strings.Replace(ex.YAML, block, "", 1)
	if noHistory == ex.YAML {
		t.Fatal("the example's history block moved; update the test")
	}
	if _, err := r.Run(ctx, "update", "w.yaml", []byte(noHistory), server.Params{Record: ex.Record}, nil); err == nil || !strings.Contains(err.Error(), "date of step 0") {
		t.Errorf("dates without a start: %v", err)
	}
	if _, err := r.Run(ctx, "update", "w.yaml", []byte(noHistory), server.Params{Record: ex.Record, Start: "2026-01-05", Draws: 50}, nil); err != nil {
		t.Errorf("with start: %v", err)
	}
}

// An update run's report gives each verdict before and after the record.
func TestUpdateReport(t *testing.T) {
	ex := exampleNamed(t, "truce-watch")
	var r server.ScenarioRunner
	out, err := r.Run(context.Background(), "update", "w.yaml", []byte(ex.YAML), server.Params{Draws: 100, Seed: 1, Record: ex.Record}, nil)
	if err != nil {
		t.Fatal(err)
	}
	page, err := r.Report(context.Background(), store.Run{ID: "r_u", Kind: "update", Status: store.StatusDone, ScenarioName: "truce-watch", YAML: ex.YAML, Result: out})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "given the record</td><td>supported → ") {
		t.Errorf("the report's hypotheses: %s", page[:min(len(page), 3000)])
	}
}

// An analysis says how probable the model found the dated past: the
// scenario's history, or the job's record when it gives one.
func TestAnalyzeRetrodiction(t *testing.T) {
	ex := exampleNamed(t, "truce-watch")
	var r server.ScenarioRunner
	for _, c := range []struct {
		name string
		p    server.Params
		rows int
	}{
		{"history", server.Params{Draws: 50, Seed: 2}, 1},
		{"record", server.Params{Draws: 50, Seed: 2, Record: ex.Record}, 26},
	} {
		out, err := r.Run(context.Background(), "analyze", "w.yaml", []byte(ex.YAML), c.p, nil)
		if err != nil {
			t.Fatal(err)
		}
		var a struct {
			Retrodiction *struct {
				Record   struct{ Rows int }
				Draws    int
				Seed     uint64
				Profiles []struct {
					Profile  string
					Surprise float64
				}
			}
		}
		if err := json.Unmarshal(out, &a); err != nil {
			t.Fatal(err)
		}
		rd := a.Retrodiction
		if rd == nil || rd.Record.Rows != c.rows || rd.Draws != 50 || rd.Seed != 2 || len(rd.Profiles) != 2 {
			t.Fatalf("%s: retrodiction %+v", c.name, rd)
		}
		for _, p := range rd.Profiles {
			if p.Surprise < 0 || p.Surprise > 1 {
				t.Errorf("%s: %s's surprise %v", c.name, p.Profile, p.Surprise)
			}
		}
	}
	// Without a history or a record there is nothing to retrodict.
	out, err := r.Run(context.Background(), "analyze", "s.yaml", []byte(standoffExample(t).YAML), server.Params{Draws: 10}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), `"retrodiction"`) {
		t.Error("a scenario without history got a retrodiction")
	}
}
