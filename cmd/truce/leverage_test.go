package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/truce-dev/truce/equilibrium"
)

// truce respond: the JSON names of #14 (policy, value, gain), a gain equal
// to value minus the profile's own value, a Bellman certificate, and on
// the coordination example the best response to "missed" (A on the
// hotline, B on the embassy) is B on the hotline, worth 2/0.19.
func TestRespondCommand(t *testing.T) {
	out, errs, code := run(t, "respond", "../../examples/coordination.yaml", "--actor", "B", "--to", "missed", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep struct {
		Policy          map[string]map[string]float64 `json:"policy"`
		Value           float64                       `json:"value"`
		Gain            float64                       `json:"gain"`
		ProfileValue    float64                       `json:"profile_value"`
		BellmanResidual float64                       `json:"bellman_residual"`
		Changes         []struct {
			Node string `json:"node"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rep.Policy["crisis"]["hotline"] != 1 || math.Abs(rep.Value-2/0.19) > 1e-9 || math.Abs(rep.Gain-2/0.19) > 1e-9 ||
		rep.ProfileValue != 0 || rep.BellmanResidual > 1e-12 || len(rep.Changes) != 1 || rep.Changes[0].Node != "crisis" {
		t.Fatalf("%+v", rep)
	}
	text, _, code := run(t, "respond", "../../scenarios/us-iran-2026.yaml", "--actor", "IR", "--to", "baseline")
	if code != 0 || !strings.Contains(text, "Best response of IR to profile baseline") || !strings.Contains(text, "certificate: Bellman residual") {
		t.Fatalf("exit %d:\n%s", code, text)
	}
	for _, bad := range [][]string{{"--actor", "XX", "--to", "baseline"}, {"--actor", "IR"}} {
		_, errs, code := run(t, append([]string{"respond", "../../scenarios/us-iran-2026.yaml"}, bad...)...)
		if code != codeUsage || errs == "" {
			t.Errorf("%v: exit %d, %q", bad, code, errs)
		}
	}
	if _, errs, code := run(t, "respond", "../../scenarios/us-iran-2026.yaml", "--actor", "IR", "--to", "nosuch"); code != codeFailure || !strings.Contains(errs, "the profiles are") {
		t.Errorf("unknown profile: exit %d, %q", code, errs)
	}
}

// truce commit: the JSON names of #14; the coordination example's exact
// commitment is the hotline (worth 2/0.19 to both, the same as the
// selected equilibrium: commitment adds nothing there); on the US–Iran
// scenario the search is labelled as such and beats the equilibrium.
func TestCommitCommand(t *testing.T) {
	out, errs, code := run(t, "commit", "../../examples/coordination.yaml", "--leader", "A", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep struct {
		Leader            string                        `json:"leader"`
		Follower          string                        `json:"follower"`
		Commitment        map[string]map[string]float64 `json:"commitment"`
		LeaderValue       float64                       `json:"leader_value"`
		FollowerValue     float64                       `json:"follower_value"`
		FollowerResponse  map[string]map[string]float64 `json:"follower_response"`
		Exact             bool                          `json:"exact"`
		ValueOfCommitment *float64                      `json:"value_of_commitment"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rep.Leader != "A" || rep.Follower != "B" || !rep.Exact || rep.Commitment["crisis"]["hotline"] != 1 ||
		rep.FollowerResponse["crisis"]["hotline"] != 1 || math.Abs(rep.LeaderValue-2/0.19) > 1e-9 ||
		math.Abs(rep.FollowerValue-2/0.19) > 1e-9 || rep.ValueOfCommitment == nil || math.Abs(*rep.ValueOfCommitment) > 1e-9 {
		t.Fatalf("%+v", rep)
	}
	text, errs, code := run(t, "commit", "../../scenarios/us-iran-2026.yaml", "--leader", "US")
	if code != 0 || !strings.Contains(text, "HEURISTIC search, not proved optimal") || !strings.Contains(text, "value of commitment") {
		t.Fatalf("exit %d %s:\n%s", code, errs, text)
	}
	if _, _, code := run(t, "commit", "../../examples/coordination.yaml", "--leader", "A", "--follower", "A"); code != codeUsage {
		t.Errorf("leader = follower: exit %d", code)
	}
}

// TestRespondToEquilibriumSaysWhich: a best response to an equilibrium
// profile says which equilibrium it is (the selection rule) and that
// others may exist; to written strategies it says neither.
func TestRespondToEquilibriumSaysWhich(t *testing.T) {
	out, errs, code := run(t, "respond", "../../examples/coordination.yaml", "--actor", "A", "--to", "equilibrium")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := "  profile equilibrium: the equilibrium selected by " + equilibrium.Selection + "; others may exist (truce solve --all)\n"
	if !strings.Contains(out, want) {
		t.Errorf("respond --to equilibrium does not say which equilibrium:\n%s", out)
	}
	out, _, _ = run(t, "respond", "../../examples/coordination.yaml", "--actor", "A", "--to", "missed")
	if strings.Contains(out, "others may exist") {
		t.Errorf("respond --to missed speaks of equilibria:\n%s", out)
	}
}
