package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/truce-dev/truce/server"
	"github.com/truce-dev/truce/store"
)

func standoffExample(t *testing.T) server.Example {
	t.Helper()
	for _, e := range server.BuiltinExamples() {
		if e.Name == "truce-standoff" {
			return e
		}
	}
	t.Fatal("bundled example truce-standoff missing")
	return server.Example{}
}

func TestScenarioRunnerValidate(t *testing.T) {
	var r server.ScenarioRunner
	ex := standoffExample(t)
	if d := r.Validate("x.yaml", []byte(ex.YAML)); len(d) != 0 {
		t.Fatalf("bundled example has problems: %+v", d)
	}
	bad := strings.Replace(ex.YAML, "    to: {strikes: 1}", "    to: {strikess: 1}", 1)
	d := r.Validate("x.yaml", []byte(bad))
	if len(d) != 1 || d[0].Line != 38 || d[0].Col != 10 || d[0].Severity != "error" || d[0].File != "x.yaml" ||
		!strings.Contains(d[0].Message, "strikess") || d[0].Hint == "" {
		t.Fatalf("diagnostics %+v", d)
	}
	if d := r.Validate("x.yaml", []byte("truce: [")); len(d) == 0 || d[0].Severity != "error" {
		t.Fatalf("malformed YAML: %+v", d)
	}
}

func TestScenarioRunnerAnalyze(t *testing.T) {
	var r server.ScenarioRunner
	ex := standoffExample(t)
	var calls int
	out, err := r.Run(context.Background(), "analyze", "x.yaml", []byte(ex.YAML), server.Params{Draws: 40, Seed: 5, Workers: 1},
		func(done, total int) {
			calls++
			if total != 40 || done > total {
				t.Errorf("progress %d/%d", done, total)
			}
		})
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 {
		t.Error("no progress reported")
	}
	var res struct {
		Draws    int
		Profiles map[string]struct {
			Absorb map[string]struct{ Mean float64 }
		}
		Hypotheses []struct {
			ID      string
			Verdict string
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	if res.Draws != 40 || len(res.Profiles) != 2 || len(res.Hypotheses) != 2 || res.Hypotheses[0].Verdict == "" {
		t.Fatalf("result %s", out)
	}
	// Same seed, other worker count: same bytes.
	out2, err := r.Run(context.Background(), "analyze", "x.yaml", []byte(ex.YAML), server.Params{Draws: 40, Seed: 5, Workers: 2}, func(int, int) {})
	if err != nil || string(out2) != string(out) {
		t.Fatalf("result depends on workers: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Run(ctx, "analyze", "x.yaml", []byte(ex.YAML), server.Params{Draws: 40}, func(int, int) {}); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled run: %v", err)
	}
	if _, err := r.Run(context.Background(), "dance", "x.yaml", []byte(ex.YAML), server.Params{}, func(int, int) {}); !errors.Is(err, server.ErrUnknownKind) {
		t.Fatalf("unknown kind: %v", err)
	}
	if _, err := r.Run(context.Background(), "analyze", "x.yaml", []byte("truce: ["), server.Params{}, func(int, int) {}); err == nil || !strings.Contains(err.Error(), "x.yaml:") {
		t.Fatalf("bad scenario: %v", err)
	}
}

func TestScenarioRunnerSimulateAndSensitivity(t *testing.T) {
	var r server.ScenarioRunner
	ex := standoffExample(t)
	out, err := r.Run(context.Background(), "simulate", "x.yaml", []byte(ex.YAML), server.Params{Runs: 2000, Seed: 3, Profile: "pressure", Workers: 1}, func(int, int) {})
	if err != nil {
		t.Fatal(err)
	}
	var sim struct {
		Profile string
		Runs    int
		Checks  []struct{ Figure string }
	}
	if err := json.Unmarshal(out, &sim); err != nil || sim.Profile != "pressure" || sim.Runs != 2000 || len(sim.Checks) == 0 {
		t.Fatalf("simulate result %+v (%v)", sim, err)
	}
	var calls int
	out, err = r.Run(context.Background(), "sensitivity", "x.yaml", []byte(ex.YAML), server.Params{Parameters: []string{"p_deal"}, Workers: 1}, func(int, int) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	var sens struct {
		Params []struct{ Name string }
		Sweeps []struct{ Param string }
	}
	if err := json.Unmarshal(out, &sens); err != nil || len(sens.Sweeps) != 1 || sens.Sweeps[0].Param != "p_deal" {
		t.Fatalf("sensitivity result %.400s (%v)", out, err)
	}
	if calls == 0 {
		t.Error("sensitivity reported no progress")
	}
}

func TestScenarioRunnerSolve(t *testing.T) {
	var r server.ScenarioRunner
	ex := standoffExample(t)
	var last [2]int
	out, err := r.Run(context.Background(), "solve", "x.yaml", []byte(ex.YAML), server.Params{}, func(d, n int) { last = [2]int{d, n} })
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Parameters  map[string]float64
		Equilibrium struct {
			Play             map[string]map[string]map[string]float64
			MaxDeviationGain float64 `json:"max_deviation_gain"`
			Converged        bool
		}
		Credibility []struct {
			Profile, Actor, State string
			Gain                  float64
			Credible              bool
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	if last[0] != last[1] || last[1] != 3 {
		t.Errorf("last progress %v, want 3 of 3 (equilibrium + two profiles)", last)
	}
	if res.Parameters["p_deal"] != 0.125 {
		t.Errorf("central p_deal %v, want 0.125", res.Parameters["p_deal"])
	}
	// The equilibrium's play in each state is a distribution over that
	// state's actions, and the certificate says whether it is one.
	for actor, states := range res.Equilibrium.Play {
		for st, play := range states {
			sum := 0.0
			for _, p := range play {
				if p < -1e-12 || p > 1+1e-12 {
					t.Errorf("%s in %s: probability %v", actor, st, p)
				}
				sum += p
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("%s in %s: play sums to %v", actor, st, sum)
			}
		}
	}
	if len(res.Equilibrium.Play["A"]) != 2 || len(res.Equilibrium.Play["B"]) != 2 {
		t.Errorf("play %v, want both actors in both non-terminal states", res.Equilibrium.Play)
	}
	if res.Equilibrium.Converged != (res.Equilibrium.MaxDeviationGain <= 1e-9) {
		t.Errorf("converged %v with max gain %v", res.Equilibrium.Converged, res.Equilibrium.MaxDeviationGain)
	}
	if len(res.Credibility) == 0 {
		t.Fatal("no credibility rows")
	}
	for _, c := range res.Credibility {
		if c.Credible != (c.Gain <= 1e-9) {
			t.Errorf("threat %+v: credible does not match gain", c)
		}
	}
}

func TestScenarioRunnerReport(t *testing.T) {
	var r server.ScenarioRunner
	ex := standoffExample(t)
	out, err := r.Run(context.Background(), "analyze", "x.yaml", []byte(ex.YAML), server.Params{Draws: 20, Seed: 1, Workers: 1}, func(int, int) {})
	if err != nil {
		t.Fatal(err)
	}
	page, err := r.Report(context.Background(), store.Run{ID: "r_x", Kind: "analyze", Status: store.StatusDone, ScenarioName: "truce-standoff", YAML: ex.YAML, Result: out})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"A fragile truce", "restraint", "pressure", "Under restraint, war within half a year", "p_escalate", "<svg"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestBuiltinExamplesValid(t *testing.T) {
	var r server.ScenarioRunner
	ex := server.BuiltinExamples()
	if len(ex) < 2 || ex[0].Name != "us-iran-2026" {
		t.Fatalf("examples %v", ex)
	}
	for _, e := range ex {
		for _, d := range r.Validate(e.Name+".yaml", []byte(e.YAML)) {
			if d.Severity == "error" {
				t.Errorf("example %s: %+v", e.Name, d)
			}
		}
	}
}

// TestJobDefaultSeed: a job without a seed runs with every command's
// default, 1, as truce analyze does, and its run records it; a seed of 0
// is a seed like any other and is recorded too (it once ran as 0 while the
// page said "default (1)").
func TestJobDefaultSeed(t *testing.T) {
	ex := standoffExample(t)
	st, hs := workbenchServer(t, server.Config{})
	for _, c := range []struct {
		params map[string]any
		want   uint64
	}{{map[string]any{"draws": 5}, 1}, {map[string]any{"draws": 5, "seed": 0}, 0}, {map[string]any{"draws": 5, "seed": 7}, 7}} {
		id := runToEnd(t, st, hs.URL, map[string]any{"kind": "analyze", "yaml": ex.YAML, "params": c.params})
		r, err := st.GetRun(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		var p struct{ Seed *uint64 }
		var res struct{ Seed uint64 }
		if json.Unmarshal(r.Params, &p) != nil || json.Unmarshal(r.Result, &res) != nil {
			t.Fatalf("params %s", r.Params)
		}
		if p.Seed == nil || *p.Seed != c.want || res.Seed != c.want {
			t.Errorf("params %v: run recorded %s and ran with seed %d, want %d", c.params, r.Params, res.Seed, c.want)
		}
	}
}
