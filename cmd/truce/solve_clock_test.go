package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// truce solve on a clocked scenario prints the equilibrium found by
// backward induction, step by step. The set is the stationary equilibria
// of the game from the clock on, each extended back over the clock (they
// were once listed as "25 equilibria ... proved complete" without the
// extension), never proved complete; and the credibility check, which
// needs a stationary game, no longer replaces the whole output with an
// error.
func TestSolveClocked(t *testing.T) {
	const file = "../../scenario/testdata/deadline-game.yaml"
	out, errs, code := run(t, "solve", "--all", file)
	if code != 0 {
		t.Fatalf("solve exited %d: %s", code, errs)
	}
	for _, want := range []string{"at step 0 (backward induction", "press 0.59, wait 0.41", "each a stationary equilibrium of the game from step 2 on extended back over the clock", "not listed"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	for _, bad := range []string{"ERROR", "Outcome 1", ", proved complete"} {
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
