package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/scenarios"
)

// truce solve on a clocked scenario prints the equilibrium found by
// backward induction, step by step. The set is the stationary equilibria
// of the game from the clock on, each extended back over the clock (they
// were once listed as "25 equilibria ... proved complete" without the
// extension), never proved complete, and --all lists them; and the
// credibility check, which
// needs a stationary game, no longer replaces the whole output with an
// error.
func TestSolveClocked(t *testing.T) {
	const file = "../../scenario/testdata/deadline-game.yaml"
	out, errs, code := run(t, "solve", "--all", file)
	if code != 0 {
		t.Fatalf("solve exited %d: %s", code, errs)
	}
	for _, want := range []string{"at step 0 (backward induction", "press 0.59, wait 0.41", "each a stationary equilibrium of the game from step 2 on extended back over the clock", "Outcome 1 (selected)", "US     talks  at step 0 press 0.59, wait 0.41; at step 1 wait"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	for _, bad := range []string{"ERROR", "not listed", ", proved complete"} {
		if strings.Contains(out, bad) {
			t.Errorf("%q in\n%s", bad, out)
		}
	}
	out, errs, code = run(t, "solve", "--all", "--format", "json", file)
	if code != 0 {
		t.Fatalf("solve --format json exited %d: %s", code, errs)
	}
	var rep struct {
		Set struct {
			Found        int    `json:"found"`
			Complete     bool   `json:"complete"`
			Completeness string `json:"completeness"`
		} `json:"equilibrium_set"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Set.Found < 1 || rep.Set.Complete || !strings.HasPrefix(rep.Set.Completeness, "not proved complete: the game is clocked") || rep.Error != "" {
		t.Errorf("set %+v, error %q", rep.Set, rep.Error)
	}
}

// truce solve --all on a clocked scenario lists the members of the set,
// each a stationary equilibrium of the game from the clock on extended
// back by backward induction: testdata/clock-quit.yaml, against the set
// derived by hand in its comments (three equilibria, two outcomes, each
// extension unique).
func TestSolveAllClockedMembers(t *testing.T) {
	const file = "testdata/clock-quit.yaml"
	out, errs, code := run(t, "solve", "--all", "--format", "json", file)
	if code != 0 {
		t.Fatalf("solve exited %d: %s", code, errs)
	}
	type step struct {
		Step        int                                      `json:"step"`
		Equilibrium map[string]map[string]map[string]float64 `json:"equilibrium"`
		Values      map[string]map[string]float64            `json:"values"`
	}
	var rep struct {
		Set struct {
			Found    int  `json:"found"`
			Outcomes int  `json:"outcomes"`
			Complete bool `json:"complete"`
		} `json:"equilibrium_set"`
		Equilibria []struct {
			Equilibrium map[string]map[string]map[string]float64 `json:"equilibrium"`
			Values      map[string]map[string]float64            `json:"values"`
			Outcome     int                                      `json:"outcome"`
			BeforeClock []step                                   `json:"before_clock"`
		} `json:"equilibria"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Set.Found != 3 || rep.Set.Outcomes != 2 || rep.Set.Complete || len(rep.Equilibria) != 3 {
		t.Fatalf("set %+v with %d members listed, want 3 equilibria, 2 outcomes, not proved complete", rep.Set, len(rep.Equilibria))
	}
	// Each member by R's stationary play of A: its stationary values, R's
	// play (C plays B) and both values at steps 0 and 1.
	type want struct {
		rA, cA, vR, vC float64 // stationary
		quits          bool    // R quits before the clock
		v1R, v1C       float64 // at step 1
		v0R, v0C       float64 // at step 0
	}
	wants := map[string]want{
		"both A": {1, 1, 2, 1, false, 1.8, 1.4, 1.62, 1.76},
		"both B": {0, 0, 1, 2, true, 1.2, 0.5, 1.2, 0.5},
		"mixed":  {2.0 / 3, 1.0 / 3, 2.0 / 3, 2.0 / 3, true, 1.2, 0.5, 1.2, 0.5},
	}
	near := func(x, y float64) bool { return math.Abs(x-y) <= 1e-9 }
	seen := map[string]int{} // name -> outcome
	for _, e := range rep.Equilibria {
		rA := e.Equilibrium["R"]["talks"]["A"]
		name := ""
		for n, w := range wants {
			if near(rA, w.rA) {
				name = n
			}
		}
		if name == "" {
			t.Errorf("R plays A with %g from step 2 on: not an equilibrium of the derivation", rA)
			continue
		}
		w := wants[name]
		seen[name] = e.Outcome
		if !near(e.Equilibrium["C"]["talks"]["A"], w.cA) || !near(e.Values["R"]["talks"], w.vR) || !near(e.Values["C"]["talks"], w.vC) {
			t.Errorf("%s from step 2 on: play %v, values %v", name, e.Equilibrium, e.Values)
		}
		if len(e.BeforeClock) != 2 {
			t.Errorf("%s: %d steps before the clock, want 2", name, len(e.BeforeClock))
			continue
		}
		for k, st := range e.BeforeClock {
			rPlay := "B"
			if w.quits {
				rPlay = "A"
			}
			vR, vC := w.v0R, w.v0C
			if k == 1 {
				vR, vC = w.v1R, w.v1C
			}
			if st.Step != k || !near(st.Equilibrium["R"]["talks"][rPlay], 1) || !near(st.Equilibrium["C"]["talks"]["B"], 1) ||
				!near(st.Values["R"]["talks"], vR) || !near(st.Values["C"]["talks"], vC) {
				t.Errorf("%s at step %d: play %v, values %v; want R %s, C B, values R %g, C %g", name, st.Step, st.Equilibrium, st.Values, rPlay, vR, vC)
			}
		}
	}
	if len(seen) != 3 || seen["both B"] != seen["mixed"] || seen["both A"] == seen["mixed"] {
		t.Errorf("members by outcome %v: want both B and the mixed one in one outcome, both A in another", seen)
	}

	out, errs, code = run(t, "solve", "--all", file)
	if code != 0 {
		t.Fatalf("solve exited %d: %s", code, errs)
	}
	for _, want := range []string{
		"3 equilibria found from 21 starts (2 distinct outcomes), each a stationary equilibrium of the game from step 2 on extended back over the clock by backward induction, not proved complete",
		"a stationary equilibrium of the game from step 2 on, found by enumeration",
		"extended back over the clock by backward induction; 2 equilibrium profiles with this outcome",
		"values from talks at step 0: R 1.62, C 1.76",
		"values from talks at step 0: R 1.2, C 0.5",
		"before step 2 (backward induction, each step's stage equilibrium the one nearest the next step's play; others may exist)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	for _, re := range []string{`R\s+talks\s+at steps 0-1 B\n`, `R\s+talks\s+at steps 0-1 A\n`, `C\s+talks\s+at steps 0-1 B\n`} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("no %s in\n%s", re, out)
		}
	}
	if n := strings.Count(out, "\nOutcome "); n != 2 {
		t.Errorf("%d outcomes listed, want 2:\n%s", n, out)
	}
}

// On the bundled clocked scenario, solve --all lists as many members as
// the set search finds (equilibrium.SolveAll on the central game, with
// solve's seed and starts).
func TestSolveAllClockedBundledCount(t *testing.T) {
	const starts = 3
	sc, ds := scenario.Parse(scenarios.USIran2026Name, scenarios.USIran2026())
	if sc == nil {
		t.Fatal(ds)
	}
	g, _, err := sc.Build(sc.Central())
	if err != nil {
		t.Fatal(err)
	}
	if g.Clock == 0 {
		t.Fatal("the bundled scenario has no clock")
	}
	set, err := equilibrium.SolveAll(context.Background(), g, equilibrium.SetOptions{Starts: starts, Seed: scenario.DefaultSeed, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	out, errs, code := run(t, "solve", "--all", "--starts", strconv.Itoa(starts), "--workers", "1", "../../scenarios/us-iran-2026.yaml")
	if code != 0 {
		t.Fatalf("solve exited %d: %s", code, errs)
	}
	listed, classes := 0, 0
	more := regexp.MustCompile(`; (\d+) equilibrium profiles with this outcome`)
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "Outcome ") {
			continue
		}
		classes++
		if m := more.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			listed += n
		} else {
			listed++
		}
		if !strings.Contains(line, "a stationary equilibrium of the game from step 30 on, found by ") || !strings.Contains(line, ", extended back over the clock by backward induction") {
			t.Errorf("outcome line does not say how it was found and extended: %s", line)
		}
	}
	if listed != len(set.Equilibria) || classes != set.Outcomes || listed == 0 {
		t.Errorf("listed %d equilibria in %d outcomes, the set search found %d in %d", listed, classes, len(set.Equilibria), set.Outcomes)
	}
	if want := fmt.Sprintf("Equilibrium set: %d equilibria found", len(set.Equilibria)); len(set.Equilibria) > 1 && !strings.Contains(out, want) {
		t.Errorf("no %q in the output", want)
	}
}

// The credibility of a clocked scenario names the steps of each row,
// merged over consecutive steps that play alike, and says "at every step"
// for a row covering every step its decision point can arise at (a threat
// after a remembered move from step 1 on), not "at step 1" or "from step 1
// on": testdata/clock-threat.yaml, whose verdicts its comments derive.
func TestSolveCredibilityClockSteps(t *testing.T) {
	const file = "testdata/clock-threat.yaml"
	out, errs, code := run(t, "solve", "--starts", "0", file)
	if code != 0 {
		t.Fatalf("solve exited %d: %s", code, errs)
	}
	for _, want := range []string{
		"    reaction: US: punish after IR: provoke in standoff at steps 1–2 — not credible, gain 1 by hold\n",
		"    reaction: US: punish after IR: provoke in standoff from step 3 on — credible, margin 1\n",
		"    US: hold in standoff at steps 0–2 — credible, margin 1\n",
		"    US: hold in standoff from step 3 on — not credible, gain 1 by punish\n",
		"    IR: provoke 0.5, quiet 0.5 in standoff at every step — credible, margin 0\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if cred := out[strings.Index(out, "Credibility of profile"):]; strings.Contains(cred, "at step 1 ") || strings.Contains(cred, "from step 1 on") {
		t.Errorf("a credibility row says step 1 alone:\n%s", cred)
	}

	out, errs, code = run(t, "solve", "--starts", "0", "--draws", "2", file)
	if code != 0 {
		t.Fatalf("solve --draws exited %d: %s", code, errs)
	}
	for _, re := range []string{
		`reaction\s+US: punish after IR: provoke in standoff at steps 1–2\s+credible in 0% of 2 draws\s+median margin -1\n`,
		`reaction\s+US: punish after IR: provoke in standoff from step 3 on\s+credible in 100% of 2 draws\s+median margin 1\n`,
		`play\s+US: hold in standoff at steps 0–2\s+credible in 100% of 2 draws`,
		`play\s+IR: provoke 0.5, quiet 0.5 in standoff at every step\s+credible in 100% of 2 draws`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("no %s in\n%s", re, out)
		}
	}

	// The JSON keeps a row per decision point and step, each with its step.
	out, errs, code = run(t, "solve", "--starts", "0", "--draws", "2", "--format", "json", file)
	if code != 0 {
		t.Fatalf("solve --format json exited %d: %s", code, errs)
	}
	var rep struct {
		Summary []struct {
			Actor, After string
			Step         *int    `json:"step"`
			Share        float64 `json:"credible_share"`
		} `json:"credibility_summary"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	threat := map[int]float64{}
	for _, s := range rep.Summary {
		if s.Step == nil {
			t.Fatalf("a summary row of a clocked scenario without its step: %+v", s)
		}
		if s.Actor == "US" && s.After != "" {
			threat[*s.Step] = s.Share
		}
	}
	if fmt.Sprint(threat) != "map[1:0 2:0 3:1]" {
		t.Errorf("the threat's credible share by step: %v, want map[1:0 2:0 3:1]", threat)
	}
}

// The demo's two threats on the clocked bundled scenario: each decision
// point arises at every step after Iran's move, so its line says so and
// gives the gain's range over the steps, where it once printed the row of
// step 1 alone ("at step 1", with that step's gain).
func TestDemoThreatsSteps(t *testing.T) {
	sc, ds := scenario.Parse(scenarios.USIran2026Name, scenarios.USIran2026())
	if sc == nil {
		t.Fatal(ds)
	}
	lines := demoThreats(sc)
	if len(lines) != 2 {
		t.Fatalf("%d threat lines, want 2: %q", len(lines), lines)
	}
	for _, l := range lines {
		t.Log(l)
		if strings.Contains(l, "at step 1 ") || !strings.Contains(l, " at every step — ") || !regexp.MustCompile(`gain [0-9.]+–[0-9.]+ by`).MatchString(l) {
			t.Errorf("threat line %q: want the steps it holds at and the gain's range", l)
		}
	}
}

// truce respond on the clocked bundled scenario: a decision point whose
// best response and profile play are the same at consecutive steps is one
// row, with the profile's loss as a range, and one that covers every step
// it can arise at says so, where it once printed a row per step ("truce
// after IR: comply|concede at step 1", ... at step 29, at steps ≥ 30).
func TestRespondClockRowsMerged(t *testing.T) {
	out, errs, code := run(t, "respond", "../../scenarios/us-iran-2026.yaml", "--actor", "IR", "--to", "walkaway_intr")
	if code != 0 {
		t.Fatalf("respond exited %d: %s", code, errs)
	}
	if !regexp.MustCompile(`truce after IR: comply\|concede at every step\s+comply\s+-31.52\s+intransigent 0.9317, hormuz 0.06833 \(loses [0-9.]+–[0-9.]+ here\)`).MatchString(out) {
		t.Errorf("no merged row for truce after IR: comply|concede in\n%s", out)
	}
	if strings.Contains(out, " at step 1 ") || strings.Contains(out, "at steps ≥ 1 ") {
		t.Errorf("a row of step 1 alone, or from step 1 on:\n%s", out)
	}
	rows := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "(loses ") || strings.HasSuffix(l, "the same") {
			rows++
		}
	}
	if rows == 0 || rows > 60 {
		t.Errorf("%d decision-point rows: the steps are not merged", rows)
	}
}
