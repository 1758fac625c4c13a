package evidence

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// TestParameterRecovery: records of 100, 400 and 1600 steps simulated from
// known hazards (h = 0.15 into flare-ups, c = 0.4 out of them) behind noisy
// observations shrink the posterior
// around them: each longer record narrows the posterior (sd at least 30%
// smaller for four times the steps, about half in theory), and the truth
// stays within three posterior sd of the posterior mean.
func TestParameterRecovery(t *testing.T) {
	sc := loadScenario(t, "testdata/hazards.yaml")
	truth := []float64{0.15, 0.4}
	m := &modeler{sc: sc, profiles: []string{"p"}}
	dm, err := m.build(context.Background(), truth, "truth")
	if err != nil {
		t.Fatal(err)
	}
	prevSD := []float64{math.Inf(1), math.Inf(1)}
	for _, n := range []int{100, 400, 1600} {
		shape := &Data{Last: n - 1, obs: make([]*stepObs, n)}
		for i := range shape.obs {
			shape.obs[i] = &stepObs{ev: []int32{0}, w: []float64{1}, state: -1}
		}
		d := &Data{}
		dm.hmms[0].simulate(shape, n-1, rand.New(rand.NewPCG(7, uint64(n))), d)
		res, err := Update(context.Background(), sc, d, Options{Draws: 600, Seed: 1, Rejuvenate: true, Checks: -1})
		if err != nil {
			t.Fatal(err)
		}
		for j, prm := range res.Parameters {
			mean, sd := float64(prm.Posterior.Mean), float64(prm.Posterior.SD)
			t.Logf("%4d steps: %s posterior %.4f ± %.4f (truth %v), ESS %.0f, rejuvenated %v", n, prm.Name, mean, sd, truth[j], res.ESS, res.Rejuvenated)
			if math.Abs(mean-truth[j]) > 3*sd {
				t.Errorf("%d steps: %s posterior mean %v is %.1f sd from the truth %v", n, prm.Name, mean, math.Abs(mean-truth[j])/sd, truth[j])
			}
			if sd > 0.7*prevSD[j] {
				t.Errorf("%d steps: %s posterior sd %v did not shrink from %v", n, prm.Name, sd, prevSD[j])
			}
			prevSD[j] = sd
		}
	}
}
