package evidence

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

// simulate draws a record with the same shape as d (the same steps
// observed, as many events at each, a state where d records one) from the
// model h, into out (reusing its slices).
func (h *hmm) simulate(d *Data, now int, rng *rand.Rand, out *Data) {
	if cap(out.obs) < len(d.obs) {
		out.obs = make([]*stepObs, len(d.obs))
	}
	out.obs = out.obs[:len(d.obs)]
	out.Last, out.Observed, out.Rows = d.Last, d.Observed, d.Rows
	x := h.ch.Init
	c := h.ch
	for t := 0; t <= now; t++ {
		// The joint action and successor together (they share the step's
		// emission when the model depends on the joint action).
		row := int(h.rowOf[x])
		next := x
		if !h.term[x] {
			if h.joint {
				lo, hi := h.outOff[x], h.outOff[x+1]
				k := pick(rng, h.outP[lo:hi]) + int(lo)
				row, next = int(h.outRow[k]), int(h.outY[k])
			} else {
				lo, hi := c.RowPtr[x], c.RowPtr[x+1]
				next = int(c.Col[int(lo)+pick(rng, c.P[lo:hi])])
			}
		}
		if o := d.at(t); o != nil {
			ro := out.obs[t]
			if ro == nil {
				ro = &stepObs{}
				out.obs[t] = ro
			}
			ro.ev, ro.w, ro.state = ro.ev[:0], ro.w[:0], -1
			if o.state >= 0 {
				ro.state = h.state[x]
			}
			n := 0.0
			for _, w := range o.w {
				n += w
			}
			counts := map[int32]float64{}
			for i := 0; i < int(math.Round(n)); i++ {
				counts[int32(pick(rng, h.em.Rows[row]))]++
			}
			for e := int32(0); int(e) < h.nE; e++ {
				if counts[e] > 0 {
					ro.ev, ro.w = append(ro.ev, e), append(ro.w, counts[e])
				}
			}
		} else if t < len(out.obs) {
			out.obs[t] = nil
		}
		x = next
	}
}

// pick draws an index with probabilities p (summing to 1 up to rounding).
func pick(rng *rand.Rand, p []float64) int {
	u := rng.Float64()
	for i, q := range p {
		if u < q {
			return i
		}
		u -= q
	}
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] > 0 {
			return i
		}
	}
	return 0
}

// surprise is the predictive check at one parameter vector: draw a
// profile from its probability r, simulate a record like d from it, and
// compare the mixture log-likelihood of the simulated record with the
// observed one's (obs). It returns 1 when the simulated record is at most
// as probable, 0.5 on a tie, else 0.
func (u *updater) surprise(dm *drawModel, r []float64, obs float64, rng *rand.Rand, buf *Data) float64 {
	k := pick(rng, r)
	dm.hmms[k].simulate(u.data, u.now, rng, buf)
	ll := make([]float64, len(dm.hmms))
	for i, h := range dm.hmms {
		ll[i] = h.forward(buf, u.now, false).LogL
	}
	sim := logMeanExp(ll)
	switch {
	case math.Abs(sim-obs) <= 1e-9*math.Max(1, math.Abs(obs)):
		return 0.5
	case sim < obs:
		return 1
	}
	return 0
}

// checks runs the prior and posterior predictive checks, each on Checks
// parameter vectors spread over the weighted particles.
func (u *updater) checks(ctx context.Context, prior []*particle, pw []float64, final []*particle, fw []float64) (*Checks, error) {
	n := u.opt.Checks
	run := func(tag int, parts []*particle, w []float64) (float64, error) {
		picks := resample(parts, w, stream(u.opt.Seed, tagCheck, tag, 0))
		if len(picks) > n {
			// Systematic resampling spreads the picks over the weights;
			// keep every (len/n)-th.
			step := float64(len(picks)) / float64(n)
			sel := make([]*particle, n)
			for i := range sel {
				sel[i] = picks[int(float64(i)*step)]
			}
			picks = sel
		}
		score := make([]float64, len(picks))
		err := u.parallel(ctx, "predictive checks", len(picks), func(i int) error {
			p := picks[i]
			r := normalize(p.ll)
			if r == nil {
				return nil
			}
			dm, err := u.m.build(ctx, p.vals, fmt.Sprintf("check %d", i))
			if err != nil {
				return err
			}
			score[i] = u.surprise(dm, r, p.mix, stream(u.opt.Seed, tagCheck, tag, i+1), &Data{})
			return nil
		})
		if err != nil {
			return 0, err
		}
		s := 0.0
		for _, x := range score {
			s += x
		}
		return s / float64(len(picks)), nil
	}
	pp, err := run(1, prior, pw)
	if err != nil {
		return nil, err
	}
	fp, err := run(2, final, fw)
	if err != nil {
		return nil, err
	}
	return &Checks{Sims: min(n, len(prior)), Prior: Number(pp), Posterior: Number(fp)}, nil
}
