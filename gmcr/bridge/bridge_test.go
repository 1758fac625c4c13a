package bridge_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/gmcr/bridge"
	"github.com/truce-dev/truce/gmcr/conflictfile"
	"github.com/truce-dev/truce/scenario"
)

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
}
