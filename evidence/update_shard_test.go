package evidence

import (
	"bytes"
	"context"
	"testing"

	"github.com/truce-dev/truce/internal/shard"
	"github.com/truce-dev/truce/scenario"
)

// TestUpdateDrawsMerge: the prior draws computed in any number of blocks,
// each through the shard payload codec (as `truce update --shard` stores
// them) with its own
// number of workers, and merged give Update's result to the last bit, with
// plain importance weights and with the tempered SMC the merge runs.
func TestUpdateDrawsMerge(t *testing.T) {
	for _, file := range []string{"testdata/coin.yaml", "testdata/coin-subsample.yaml"} {
		testUpdateDrawsMerge(t, loadScenario(t, file))
	}
}

func testUpdateDrawsMerge(t *testing.T, sc *scenario.Scenario) {
	for _, tc := range []struct {
		name string
		n, k int
		opt  Options
		smc  bool
	}{
		{"importance weights", 20, 14, Options{Draws: 60, Seed: 1, Checks: 30}, false},
		{"tempered SMC", 400, 130, Options{Draws: 50, Seed: 2, Rejuvenate: true, MinESS: 0.5, Checks: 20, Moves: 2}, true},
	} {
		t.Run(sc.Name+"/"+tc.name, func(t *testing.T) {
			d := bind(t, sc, coinRecord(tc.n, tc.k))
			whole, err := Update(context.Background(), sc, d, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if whole.Rejuvenated != tc.smc {
				t.Fatalf("rejuvenated %v, want %v (ESS %v)", whole.Rejuvenated, tc.smc, whole.ESS)
			}
			want, err := whole.JSON()
			if err != nil {
				t.Fatal(err)
			}
			units := UpdateUnits(sc, tc.opt)
			if units != tc.opt.Draws {
				t.Fatalf("UpdateUnits = %d, want %d", units, tc.opt.Draws)
			}
			for _, n := range []int{1, 2, 3, 7} {
				var parts []*DrawsPart
				for b := 0; b < n; b++ {
					o := tc.opt
					o.Workers = 1 + b%3
					p, err := UpdateDraws(context.Background(), sc, d, o, b*units/n, (b+1)*units/n)
					if err != nil {
						t.Fatal(err)
					}
					var q DrawsPart
					if err := shard.RoundTrip(p, &q); err != nil {
						t.Fatal(err)
					}
					parts = append(parts, &q)
				}
				res, err := UpdateMerge(context.Background(), sc, d, tc.opt, parts)
				if err != nil {
					t.Fatal(err)
				}
				got, err := res.JSON()
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%d blocks: the merged result differs from Update's:\n%s\nwant:\n%s", n, got, want)
				}
				var txt, wtxt bytes.Buffer
				res.WriteText(&txt)
				whole.WriteText(&wtxt)
				if txt.String() != wtxt.String() {
					t.Errorf("%d blocks: the merged text differs", n)
				}
				if n == 3 {
					for _, bad := range [][]*DrawsPart{parts[:2], parts[1:], {parts[0], parts[2], parts[1]}, {parts[0], parts[1], parts[1], parts[2]}} {
						if _, err := UpdateMerge(context.Background(), sc, d, tc.opt, bad); err == nil {
							t.Errorf("merging %d blocks out of order or incomplete: no error", len(bad))
						}
					}
				}
			}
		})
	}
}
