package evidence

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/truce-dev/truce/scenario"
)

// usIranObserved is the US–Iran scenario as first bundled, with the observation
// model of testdata/us-iran-observations.yaml.
func usIranObserved(tb testing.TB) *scenario.Scenario {
	tb.Helper()
	// The scenario as bundled before its rebuild (the observation model
	// below maps its states; the bundled one now has its own), so that the
	// figures in docs/evidence.md stay comparable.
	src, err := os.ReadFile("../scenarios/testdata/us-iran-2026-v1.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	obs, err := os.ReadFile("testdata/us-iran-observations.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	sc, ds := scenario.Parse("us-iran-observed.yaml", append(append(src, '\n'), obs...))
	if sc == nil {
		tb.Fatal(ds)
	}
	return sc
}

// simulatedRecord is an n-step weekly record simulated from profile of sc
// at the central parameter values, but for those set.
func simulatedRecord(tb testing.TB, sc *scenario.Scenario, profile string, n int, seed uint64, set map[string]float64) *Data {
	tb.Helper()
	m := &modeler{sc: sc, profiles: []string{profile}}
	vals := sc.Central().Values
	for j, p := range sc.Parameters {
		if v, ok := set[p.Name]; ok {
			vals[j] = v
		}
	}
	dm, err := m.build(context.Background(), vals, "central")
	if err != nil {
		tb.Fatal(err)
	}
	shape := &Data{Last: n - 1, Observed: n, Rows: n, obs: make([]*stepObs, n)}
	for i := range shape.obs {
		shape.obs[i] = &stepObs{ev: []int32{0}, w: []float64{1}, state: -1}
	}
	d := &Data{}
	dm.hmms[0].simulate(shape, n-1, rand.New(rand.NewPCG(seed, 0)), d)
	return d
}

// BenchmarkUpdateUSIran is update on the US–Iran scenario with a 400-step
// record simulated from the baseline profile: at the central values (most
// paths soon end in the stalemate, the record says little and importance
// sampling suffices) and with the stalemate and calm made rare
// (p_harden = 0.003, p_calm = 0.15: 400 eventful weeks that pin the
// parameters down, so the weights collapse and SMC rejuvenates). Every profile with given
// strategies is a candidate (9); TRUCE_BENCH_DRAWS draws (default 10,000);
// the hypotheses on every particle; no predictive checks.
//
//	go test ./evidence/ -run '^$' -bench UpdateUSIran -benchtime 1x
func BenchmarkUpdateUSIran(b *testing.B) {
	sc := usIranObserved(b)
	draws := benchDraws(b)
	for _, tc := range []struct {
		name string
		set  map[string]float64
	}{
		{"central", nil},
		{"eventful", map[string]float64{"p_harden": 0.003, "p_calm": 0.15}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			d := simulatedRecord(b, sc, "baseline", 400, 16, tc.set)
			var res *Result
			for b.Loop() {
				var err error
				res, err = Update(context.Background(), sc, d, Options{Draws: draws, Seed: 1, Rejuvenate: true, Checks: -1})
				if err != nil {
					b.Fatal(err)
				}
			}
			reportUpdate(b, res)
		})
	}
}

// BenchmarkUpdateUSIranBundled is update on the bundled US–Iran scenario as
// it ships (its clock, its own observation model and its 13 hypotheses,
// best responses and a credibility claim among them) with a 400-step weekly record
// simulated from the baseline profile at the central values: every
// profile with given strategies a candidate (9); TRUCE_BENCH_DRAWS draws
// (default 10,000); no predictive checks.
//
//	TRUCE_BENCH_DRAWS=1000 go test ./evidence/ -run '^$' -bench UpdateUSIranBundled -benchtime 1x
func BenchmarkUpdateUSIranBundled(b *testing.B) {
	src, err := os.ReadFile("../scenarios/us-iran-2026.yaml")
	if err != nil {
		b.Fatal(err)
	}
	sc, ds := scenario.Parse("us-iran-2026.yaml", src)
	if sc == nil {
		b.Fatal(ds)
	}
	if !sc.Observed() {
		b.Fatal("the bundled scenario has no observation model")
	}
	draws := benchDraws(b)
	d := simulatedRecord(b, sc, "baseline", 400, 16, nil)
	var res *Result
	for b.Loop() {
		res, err = Update(context.Background(), sc, d, Options{Draws: draws, Seed: 1, Rejuvenate: true, Checks: -1})
		if err != nil {
			b.Fatal(err)
		}
	}
	reportUpdate(b, res)
}

// benchDraws is TRUCE_BENCH_DRAWS, default 10,000.
func benchDraws(b *testing.B) int {
	draws := 10000
	if v := os.Getenv("TRUCE_BENCH_DRAWS"); v != "" {
		if _, err := fmt.Sscan(v, &draws); err != nil {
			b.Fatal(err)
		}
	}
	return draws
}

// reportUpdate adds an update's effective sample size and SMC stages to
// the benchmark's line.
func reportUpdate(b *testing.B, res *Result) {
	b.ReportMetric(res.ESS, "ess")
	stages := 0.0
	if res.SMC != nil {
		stages = float64(res.SMC.Stages)
	}
	b.ReportMetric(stages, "smc-stages")
}

// BenchmarkForward is one forward pass of the 400-step record through the
// baseline chain of the US–Iran scenario at the central values.
func BenchmarkForward(b *testing.B) {
	sc := usIranObserved(b)
	d := simulatedRecord(b, sc, "baseline", 400, 16, map[string]float64{"p_harden": 0.003, "p_calm": 0.15})
	m := &modeler{sc: sc, profiles: []string{"baseline"}}
	dm, err := m.build(context.Background(), sc.Central().Values, "central")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		dm.hmms[0].forward(d, d.Last, false)
	}
}

// BenchmarkBuildModels is what every particle costs besides the forward
// passes: the scenario at one draw, its observation model and the chains of
// the 9 candidate profiles.
func BenchmarkBuildModels(b *testing.B) {
	sc := usIranObserved(b)
	names, _ := candidates(sc, nil)
	m := &modeler{sc: sc, profiles: names}
	vals := sc.Central().Values
	for b.Loop() {
		if _, err := m.build(context.Background(), vals, "central"); err != nil {
			b.Fatal(err)
		}
	}
}
