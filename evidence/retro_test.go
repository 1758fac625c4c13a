package evidence

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/truce-dev/truce/scenario"
)

// twoState is examples/two-state.yaml (peace turns into war with
// probability 0.1 a month) with a history.
func twoState(t *testing.T, history string) *scenario.Scenario {
	t.Helper()
	src, err := os.ReadFile("../examples/two-state.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, ds := scenario.Parse("two-state.yaml", append(src, []byte(history)...))
	if sc == nil {
		t.Fatal(ds)
	}
	return sc
}

func historyData(t *testing.T, sc *scenario.Scenario) *Data {
	t.Helper()
	cal, err := Calendar(sc, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := Bind(sc, HistoryRecord(sc), cal)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestRetrodictClosedForm: war recorded at month 10 has probability
// 1 - 0.9^10; the records the model produces at month 10 are war (as
// probable, counted half) or peace (0.9^10, less probable), so the share
// as improbable is 0.9^10 + (1 - 0.9^10)/2.
func TestRetrodictClosedForm(t *testing.T) {
	sc := twoState(t, "history:\n  start: 2026-01-15\n  events:\n    - {date: 2026-11-20, state: war}\n")
	d := historyData(t, sc)
	if d.Last != 10 {
		t.Fatalf("2026-11-20 is step %d of a monthly calendar from 2026-01-15, want 10", d.Last)
	}
	r, err := Retrodict(context.Background(), sc, d, RetroOptions{Seed: 1, Sims: 4000})
	if err != nil {
		t.Fatal(err)
	}
	p := r.Profiles[0]
	q := math.Pow(0.9, 10)
	if math.Abs(float64(p.LogL)-math.Log(1-q)) > 1e-12 {
		t.Errorf("log L %v, want %v", p.LogL, math.Log(1-q))
	}
	want := q + (1-q)/2
	if math.Abs(float64(p.Surprise)-want) > 4*math.Sqrt(want*(1-want)/4000) {
		t.Errorf("surprise %v, want %v", p.Surprise, want)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("warnings %q", r.Warnings)
	}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil || !strings.Contains(b.String(), "baseline  0.651") {
		t.Errorf("text %q", b.String())
	}
}

// TestRetrodictWarns: war in the first month (probability 0.1, as
// improbable as 5% of the model's own records) is below a 10% threshold,
// and peace after war is impossible.
func TestRetrodictWarns(t *testing.T) {
	sc := twoState(t, "history:\n  warn_below: 0.1\n  events:\n    - {step: 1, state: war}\n")
	r, err := Retrodict(context.Background(), sc, historyData(t, sc), RetroOptions{Seed: 1, Sims: 2000})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "records simulated from the model at the central parameter values are as improbable as the dated past (threshold 10%)") {
		t.Errorf("warnings %q (surprise %v)", r.Warnings, r.Profiles[0].Surprise)
	}
	sc = twoState(t, "history:\n  events:\n    - {step: 1, state: war}\n    - {step: 3, state: peace}\n")
	r, err = Retrodict(context.Background(), sc, historyData(t, sc), RetroOptions{Seed: 1, Sims: 100})
	if err != nil {
		t.Fatal(err)
	}
	if p := r.Profiles[0]; !math.IsInf(float64(p.LogL), -1) || p.ImpossibleAt != "step 3" || p.Surprise != 0 {
		t.Errorf("impossible history: %+v", p)
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "gives probability 0 to what was recorded at step 3") {
		t.Errorf("warnings %q", r.Warnings)
	}
}

// TestUpdateStatesOnly: a scenario without an observation model learns
// from a record of states; with war known at month 10, the process is in
// war now, and stays there.
func TestUpdateStatesOnly(t *testing.T) {
	sc := twoState(t, "history:\n  events:\n    - {step: 10, state: war}\n")
	res, err := Update(context.Background(), sc, historyData(t, sc), Options{Checks: 50})
	if err != nil {
		t.Fatal(err)
	}
	if res.Draws != 1 || res.Now.States["war"] != 1 || res.Predictive.At["war"] != 1 || res.Predictive.Events != nil {
		t.Errorf("draws %d, now %v, at %v, events %v", res.Draws, res.Now.States, res.Predictive.At, res.Predictive.Events)
	}
	if math.Abs(float64(res.LogLikelihood["baseline"])-math.Log(1-math.Pow(0.9, 10))) > 1e-12 {
		t.Errorf("log L %v", res.LogLikelihood["baseline"])
	}
}

// TestRetrodictWorkers: the simulated records of a retrodiction at central
// values share one model across goroutines; the result is the same for any
// number of workers (it was not while the filter kept its scratch in the
// model: run with -race).
func TestRetrodictWorkers(t *testing.T) {
	sc := twoState(t, "history:\n  events:\n    - {step: 1, state: war}\n")
	var first []Number
	for _, w := range []int{1, 2, 8} {
		r, err := Retrodict(context.Background(), sc, historyData(t, sc), RetroOptions{Seed: 1, Sims: 3000, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		var got []Number
		for _, p := range r.Profiles {
			got = append(got, p.Surprise)
		}
		if first == nil {
			first = got
		} else if fmt.Sprint(got) != fmt.Sprint(first) {
			t.Errorf("workers %d: surprise %v, with 1 worker %v", w, got, first)
		}
	}
}
