package gmcr_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/truce-dev/truce/gmcr"
)

// benchConflict has 4 decision makers with 3 options each (12 options,
// 4,096 states before feasibility); states where a decision maker takes
// all three of its options are infeasible (4,096 -> 2,401), and
// preferences are random weak orders (seeded).
func benchConflict(b *testing.B) *gmcr.Conflict {
	var spec gmcr.Spec
	for d := 0; d < 4; d++ {
		dm := gmcr.DecisionMaker{ID: fmt.Sprintf("D%d", d)}
		for k := 0; k < 3; k++ {
			dm.Options = append(dm.Options, len(spec.Options))
			spec.Options = append(spec.Options, gmcr.Option{ID: fmt.Sprintf("o%d", len(spec.Options)), DM: d})
		}
		spec.DMs = append(spec.DMs, dm)
	}
	spec.Infeasible = func(code uint64) bool {
		for d := 0; d < 4; d++ {
			if code>>(3*d)&7 == 7 {
				return true
			}
		}
		return false
	}
	c, err := gmcr.New(context.Background(), spec)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for d := range c.DMs {
		ranks := make([]int64, len(c.Codes))
		for s := range ranks {
			ranks[s] = rng.Int64N(200)
		}
		if err := c.SetRanking(d, ranks); err != nil {
			b.Fatal(err)
		}
	}
	return c
}

// BenchmarkStability4x12: all four concepts for every state and decision
// maker, sanctions by legal sequences (docs/gmcr.md has the timing).
func BenchmarkStability4x12(b *testing.B) {
	c := benchConflict(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := gmcr.Analyze(context.Background(), c, gmcr.Sequences); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(c.Codes)), "states")
}

func BenchmarkStability4x12Single(b *testing.B) {
	c := benchConflict(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := gmcr.Analyze(context.Background(), c, gmcr.SingleMoves); err != nil {
			b.Fatal(err)
		}
	}
}
