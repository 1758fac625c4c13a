package server_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/truce-dev/truce/server"
)

// TestAnalyzeLeverage runs an analyze job on the hand-solved scenario of
// testdata/leverage.yaml and checks the leverage section of its result
// against the closed forms in the file's header (discount 0.9): Iran
// against a soft US closes Hormuz for ever, 0.5/(1−0.9) = 5, already its
// best response; against the threat closing it is worth
// 0.5 + 0.9·(0.5 − 0.9·3) = −1.48 and complying 0, so it gains 1.48 by
// complying. The US, whose payoffs do not depend on Iran, loses by
// carrying out the threat: 0.9·(−1) + 0.81·(−2) = −2.52 against 0.
// Committing helps neither side here: the US's best commitment is to
// negotiate (0 for it, 5 for Iran, as in the equilibrium), Iran's is to
// close Hormuz (5, the US 0).
func TestAnalyzeLeverage(t *testing.T) {
	src, err := os.ReadFile("testdata/leverage.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var r server.ScenarioRunner
	out, err := r.Run(context.Background(), "analyze", "leverage.yaml", src, server.Params{Draws: 1, Seed: 1, Workers: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Profiles map[string]json.RawMessage `json:"profiles"`
		Leverage *struct {
			Initial   string `json:"initial"`
			Responses []struct {
				Profile, Actor string
				ProfileValue   float64 `json:"profile_value"`
				BestValue      float64 `json:"best_value"`
				Gain           float64 `json:"gain"`
				Changes        []string
				Residual       float64 `json:"bellman_residual"`
			} `json:"responses"`
			Commitments []struct {
				Leader, Follower  string
				Commitment        []string
				Response          []string `json:"follower_response"`
				LeaderValue       float64  `json:"leader_value"`
				FollowerValue     float64  `json:"follower_value"`
				HasEquilibrium    bool     `json:"has_equilibrium"`
				EquilibriumValue  float64  `json:"equilibrium_leader_value"`
				ValueOfCommitment float64  `json:"value_of_commitment"`
				Exact             bool
				Method            string
			} `json:"commitments"`
			Notes []string `json:"notes"`
		} `json:"leverage"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Profiles) == 0 {
		t.Fatal("the analysis is missing from the result")
	}
	lv := res.Leverage
	if lv == nil {
		t.Fatalf("no leverage in the result: %s", out)
	}
	if lv.Initial != "truce" || len(lv.Notes) != 0 {
		t.Errorf("initial %q, notes %q", lv.Initial, lv.Notes)
	}
	near := func(x, y float64) bool { return math.Abs(x-y) < 1e-9 }
	wants := []struct {
		profile, actor        string
		profValue, best, gain float64
		change                string
	}{
		{"soft", "US", 0, 0, 0, ""},
		{"soft", "IR", 5, 5, 0, ""},
		{"threat", "US", -2.52, 0, 2.52, "truce after IR: hormuz: withdraw → negotiate"},
		{"threat", "IR", -1.48, 0, 1.48, "hormuz → comply"},
	}
	if len(lv.Responses) != len(wants) {
		t.Fatalf("%d response rows, want %d: %+v", len(lv.Responses), len(wants), lv.Responses)
	}
	for i, w := range wants {
		g := lv.Responses[i]
		if g.Profile != w.profile || g.Actor != w.actor || !near(g.ProfileValue, w.profValue) || !near(g.BestValue, w.best) ||
			!near(g.Gain, w.gain) || math.Abs(g.Residual) > 1e-9 {
			t.Errorf("row %d: %+v, want %+v", i, g, w)
		}
		if w.change == "" && len(g.Changes) != 0 || w.change != "" && (len(g.Changes) == 0 || !strings.Contains(strings.Join(g.Changes, "\n"), w.change)) {
			t.Errorf("row %d (%s, %s): changes %q, want %q", i, w.profile, w.actor, g.Changes, w.change)
		}
	}
	if len(lv.Commitments) != 2 {
		t.Fatalf("%d commitments: %+v", len(lv.Commitments), lv.Commitments)
	}
	us, ir := lv.Commitments[0], lv.Commitments[1]
	if us.Leader != "US" || us.Follower != "IR" || strings.Join(us.Commitment, ";") != "truce: negotiate" ||
		!near(us.LeaderValue, 0) || !near(us.FollowerValue, 5) || !us.HasEquilibrium || !near(us.EquilibriumValue, 0) || !near(us.ValueOfCommitment, 0) {
		t.Errorf("US commitment %+v", us)
	}
	if ir.Leader != "IR" || ir.Follower != "US" || strings.Join(ir.Commitment, ";") != "truce: hormuz" ||
		!near(ir.LeaderValue, 5) || !near(ir.FollowerValue, 0) || !ir.HasEquilibrium || !near(ir.EquilibriumValue, 5) || !near(ir.ValueOfCommitment, 0) {
		t.Errorf("Iran commitment %+v", ir)
	}
}
