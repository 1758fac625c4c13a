package evidence

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// sbcRanks runs simulation-based calibration (Talts et al. 2018) of Update
// on the noisy HMM: reps times, draw the parameters from the prior,
// simulate a record of n steps from them, update, and find the posterior
// probability that the parameter is below its true value (the rank of the
// truth among posterior draws, in the limit of many draws). With a correct
// likelihood and an exact posterior it is uniform on [0, 1]; the counts
// per tenth of [0, 1] are returned. Ranks among a few draws resampled from
// weighted particles would clump (the same particle drawn repeatedly), so
// the weighted share is used instead.
func sbcRanks(t *testing.T, reps, n, draws, bins int, opt Options) [][]int {
	sc := loadScenario(t, "testdata/noisy.yaml")
	shape := &Data{Last: n - 1, obs: make([]*stepObs, n)}
	for i := range shape.obs {
		shape.obs[i] = &stepObs{ev: []int32{0}, w: []float64{1}, state: -1}
	}
	m := &modeler{sc: sc, profiles: []string{"p"}}
	ranks := make([][]int, len(sc.Parameters))
	for j := range ranks {
		ranks[j] = make([]int, bins)
	}
	for r := 0; r < reps; r++ {
		rng := rand.New(rand.NewPCG(2018, uint64(r)))
		truth := sc.Draw(rng).Values
		dm, err := m.build(context.Background(), truth, "truth")
		if err != nil {
			t.Fatal(err)
		}
		d := &Data{}
		dm.hmms[0].simulate(shape, n-1, rng, d)
		o := opt
		o.Draws, o.Seed, o.Checks, o.Workers, o.Rejuvenate = draws, uint64(r)+1, -1, 1, !opt.noSMC
		res, err := updateParticles(context.Background(), sc, d, o)
		if err != nil {
			t.Fatal(err)
		}
		for j := range sc.Parameters {
			below := 0.0
			for i, p := range res.parts {
				if p.vals[j] < truth[j] {
					below += res.w[i]
				}
			}
			ranks[j][min(int(below*float64(bins)), bins-1)]++
		}
	}
	return ranks
}

// chi2p is the p-value of Pearson's χ² test of counts against the uniform.
func chi2p(counts []int) float64 {
	total := 0
	for _, c := range counts {
		total += c
	}
	e := float64(total) / float64(len(counts))
	x := 0.0
	for _, c := range counts {
		x += (float64(c) - e) * (float64(c) - e) / e
	}
	return 1 - distuv.ChiSquared{K: float64(len(counts) - 1)}.CDF(x)
}

// TestSimulationBasedCalibration: the ranks of the true parameters among
// posterior draws pass a χ² uniformity test (p > 0.01), and two broken
// likelihoods fail it: one counting the record twice (an overconfident
// posterior, ranks piled at the ends) and one reading each event as the
// other class (an indexing slip; a biased posterior, ranks piled at one
// end).
// TRUCE_SBC_LONG=1 runs a larger study.
func TestSimulationBasedCalibration(t *testing.T) {
	reps, n, draws, bins := 200, 60, 300, 10
	if os.Getenv("TRUCE_SBC_LONG") != "" {
		reps, draws = 1000, 2000
	}
	correct := sbcRanks(t, reps, n, draws, bins, Options{})
	for j, c := range correct {
		if p := chi2p(c); p < 0.01 {
			t.Errorf("parameter %d: ranks %v fail the uniformity test (p = %.3g) with the correct likelihood", j, c, p)
		} else {
			t.Logf("correct likelihood, parameter %d: ranks %v, p = %.3g", j, c, p)
		}
	}
	broken := map[string]func(h *hmm, d *Data, now int) float64{
		"record counted twice":  func(h *hmm, d *Data, now int) float64 { return 2 * h.forward(d, now, false).LogL },
		"event classes swapped": func(h *hmm, d *Data, now int) float64 { return h.forward(swapped(d), now, false).LogL },
	}
	for name, f := range broken {
		// Importance sampling alone: a likelihood this wrong makes the
		// tempering take many stages, and the check needs no more.
		ranks := sbcRanks(t, reps, n, draws, bins, Options{logLik: f, noSMC: true})
		worst := 1.0
		for _, c := range ranks {
			worst = math.Min(worst, chi2p(c))
		}
		if worst >= 0.01 {
			t.Errorf("broken likelihood (%s) passes the check: ranks %v, smallest p %.3g", name, ranks, worst)
		} else {
			t.Logf("broken likelihood (%s): ranks %v, smallest p %.3g", name, ranks, worst)
		}
	}
}

// swapped returns d with event classes 0 and 1 exchanged, computed once
// per record.
var swapped = func() func(d *Data) *Data {
	var mu sync.Mutex
	cache := map[*Data]*Data{}
	return func(d *Data) *Data {
		mu.Lock()
		defer mu.Unlock()
		if s, ok := cache[d]; ok {
			return s
		}
		s := swapEvents(d)
		cache[d] = s
		return s
	}
}()

// swapEvents returns d with event classes 0 and 1 exchanged.
func swapEvents(d *Data) *Data {
	out := *d
	out.obs = make([]*stepObs, len(d.obs))
	for t, o := range d.obs {
		if o == nil {
			continue
		}
		c := &stepObs{state: o.state, w: o.w}
		for _, e := range o.ev {
			c.ev = append(c.ev, 1-e)
		}
		out.obs[t] = c
	}
	return &out
}
