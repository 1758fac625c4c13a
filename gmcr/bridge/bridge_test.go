package bridge_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/gmcr"
	"github.com/truce-dev/truce/gmcr/bridge"
	"github.com/truce-dev/truce/gmcr/conflictfile"
	"github.com/truce-dev/truce/scenario"
)

// loadExample reads the bundled US–Iran bridge and runs it.
func loadExample(t *testing.T) (*conflictfile.File, *bridge.Report) {
	t.Helper()
	path := "../../examples/gmcr/us-iran-bridge.yaml"
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := loadConflict(t, path, src)
	rep, ds, err := bridge.Load(context.Background(), f, path, "../../examples/gmcr")
	if err != nil || rep == nil {
		t.Fatal(err, ds)
	}
	return f, rep
}

func loadConflict(t *testing.T, path string, src []byte) *conflictfile.File {
	t.Helper()
	f, ds := conflictfile.Parse(context.Background(), path, src)
	if f == nil {
		t.Fatal(ds)
	}
	return f
}

// The derived preferences order every pair of conflict states as the
// actors' equilibrium values of the scenario states they map to, computed
// here separately from the scenario file.
func TestDerivedPreferences(t *testing.T) {
	f, rep := loadExample(t)
	ssrc, _ := os.ReadFile("../../scenarios/us-iran-2026.yaml")
	sc, sds := scenario.Parse("us-iran-2026.yaml", ssrc)
	if sc == nil {
		t.Fatal(sds)
	}
	g, _, err := sc.Build(sc.Central())
	if err != nil {
		t.Fatal(err)
	}
	eq, err := equilibrium.Solve(context.Background(), g, equilibrium.Options{})
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]int{}
	for s, x := range g.States {
		state[x.ID] = s
	}
	// The mapping of the file, written out: first match wins.
	outcome := func(code uint64) string {
		switch {
		case code&16 != 0:
			return "war"
		case code&4 != 0:
			return "agreement"
		case code&8 != 0:
			return "hormuz"
		case code&2 != 0:
			return "strikes"
		case code&1 != 0:
			return "walkout"
		}
		return "truce"
	}
	c := f.Conflict
	for d := range c.DMs {
		if !rep.Derived[d] {
			t.Fatalf("%s's preferences not derived", c.DMs[d].ID)
		}
		for a := range c.Codes {
			for b := range c.Codes {
				va := eq.Values[d][state[outcome(c.Codes[a])]]
				vb := eq.Values[d][state[outcome(c.Codes[b])]]
				if va > vb+1e-6 && c.Rank[d][a] <= c.Rank[d][b] {
					t.Fatalf("%s: value %g of %d above %g of %d, but ranks %d <= %d", c.DMs[d].ID, va, c.Codes[a], vb, c.Codes[b], c.Rank[d][a], c.Rank[d][b])
				}
			}
		}
	}
	// Cardinal shares are probabilities.
	total := rep.NeverEnds
	for s, x := range g.States {
		if x.Terminal {
			total += rep.Absorb[s]
		}
	}
	if total < 1-1e-9 || total > 1+1e-9 {
		t.Errorf("endings plus never-ends sum to %g", total)
	}
}

// Every state of the bundled scenario is either one a conflict state maps
// to or listed under unmapped: with a reason. The scenario is rebuilt from
// time to time; when a state is added or renamed this fails and names it.
func TestBridgeAccountsForEveryScenarioState(t *testing.T) {
	f, rep := loadExample(t)
	if len(rep.Unaccounted) > 0 {
		t.Errorf("examples/gmcr/us-iran-bridge.yaml: scenario states %s stand for no conflict state and have no reason under bridge: unmapped: (map them under outcomes: or give the reason)", strings.Join(rep.Unaccounted, ", "))
	}
	reached := map[string]bool{}
	for _, s := range rep.Outcome {
		reached[rep.Game.States[s].ID] = true
	}
	for _, x := range rep.Game.States {
		r, excluded := rep.ExcludedReason(x.ID)
		switch {
		case excluded && reached[x.ID]:
			t.Errorf("scenario state %s is mapped and also listed as unmapped (%s)", x.ID, r)
		case !excluded && !reached[x.ID] && !slices.Contains(rep.Unaccounted, x.ID):
			t.Errorf("scenario state %s is named by an outcome that no conflict state reaches (an earlier outcome matches first)", x.ID)
		}
	}
	// The text says why a state is not compared.
	for _, fd := range rep.Findings(analyzeSeq(t, f), gmcr.Concepts) {
		if fd.Kind == bridge.NotCompared && strings.Contains(fd.Text, "gives no reason") {
			t.Errorf("finding without a reason: %s", fd.Text)
		}
	}
}

func analyzeSeq(t *testing.T, f *conflictfile.File) *gmcr.Result {
	t.Helper()
	r, err := gmcr.Analyze(context.Background(), f.Conflict, gmcr.Sequences)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A bridge without unmapped: still runs, and lists what it leaves out.
func TestBridgeUnaccounted(t *testing.T) {
	path := "../../examples/gmcr/us-iran-bridge.yaml"
	src, _ := os.ReadFile(path)
	cut, _, ok := strings.Cut(string(src), "  unmapped:")
	if !ok {
		t.Fatal("no unmapped: in the example")
	}
	f := loadConflict(t, path, []byte(cut))
	rep, ds, err := bridge.Load(context.Background(), f, "b.yaml", "../../examples/gmcr")
	if err != nil || rep == nil {
		t.Fatal(err, ds)
	}
	for _, want := range []string{"talks", "stalemate", "peace"} {
		if !slices.Contains(rep.Unaccounted, want) {
			t.Errorf("unaccounted %v lacks %s", rep.Unaccounted, want)
		}
	}
	if len(rep.Excluded) != 0 {
		t.Errorf("excluded %v", rep.Excluded)
	}
}

func TestBridgeErrors(t *testing.T) {
	path := "../../examples/gmcr/us-iran-bridge.yaml"
	src, _ := os.ReadFile(path)
	bad := strings.Replace(string(src), "state: war}", "state: wat}", 1)
	f := loadConflict(t, path, []byte(bad))
	rep, ds, err := bridge.Load(context.Background(), f, "b.yaml", "../../examples/gmcr")
	if rep != nil || err != nil || len(ds) != 1 || !strings.Contains(ds[0].String(), `error: scenario ../../scenarios/us-iran-2026.yaml has no state "wat"`) || ds[0].Line < 30 {
		t.Fatalf("%v %v %v", rep, err, ds)
	}
	bad = strings.Replace(string(src), "long_run: true", "long_run: false", 1)
	f = loadConflict(t, path, []byte(bad))
	_, ds, _ = bridge.Load(context.Background(), f, "b.yaml", "../../examples/gmcr")
	if len(ds) == 0 || !strings.Contains(ds[0].Msg, `"agreement" is not an ending`) {
		t.Fatalf("%v", ds)
	}
	// An unmapped: entry must name a state (or family) of the scenario, and
	// not one the outcomes map.
	for _, tc := range []struct{ from, to, want string }{
		{"- state: talks\n", "- state: tlaks\n", `scenario ../../scenarios/us-iran-2026.yaml has no state "tlaks" (nor a family of states of that name)`},
		{"- state: peace\n", "- state: war\n", `scenario state "war" is both mapped and listed as unmapped`},
	} {
		bad = strings.Replace(string(src), tc.from, tc.to, 1)
		f = loadConflict(t, path, []byte(bad))
		rep, ds, err := bridge.Load(context.Background(), f, "b.yaml", "../../examples/gmcr")
		if rep != nil || err != nil || len(ds) != 1 || !strings.Contains(ds[0].String(), tc.want) || ds[0].Line < 40 {
			t.Errorf("%s: %v %v %v", tc.to, rep, err, ds)
		}
	}
	// A reason is required.
	bad = strings.Replace(string(src), "      reason: the option form has no option to hold talks, and with no option taken it is the truce without talks\n", "", 1)
	if _, ds := conflictfile.Parse(context.Background(), "b.yaml", []byte(bad)); len(ds) != 1 || !strings.Contains(ds[0].Msg, "needs a state and a reason") {
		t.Errorf("no reason: %v", ds)
	}
}
