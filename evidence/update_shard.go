package evidence

import (
	"context"
	"errors"
	"fmt"

	"github.com/truce-dev/truce/scenario"
)

// A sharded update splits the one stage of Update that is independent per
// prior draw: each draw's likelihood of the record (the importance-sampling
// stage), with the hypotheses evaluated on that draw. UpdateDraws computes
// a block of draws; UpdateMerge gathers every block, in draw order, and
// runs in one process what needs all the draws at once: the weights and
// their effective sample size, the tempered SMC when they collapse (its
// stages resample and move every particle together), the hypotheses on
// the moved particles, the filtered state, the predictions and the
// predictive checks. The result is Update's to the last bit, whatever the
// number of blocks.

// UpdateUnits is the number of prior draws Update(sc, d, opt) weighs: the
// units UpdateDraws splits.
func UpdateUnits(sc *scenario.Scenario, opt Options) int {
	return withDefaults(sc, opt).Draws
}

// DrawsPart is what UpdateDraws computed for prior draws [Lo, Hi). It is
// plain data (gob keeps every float, NaN and -Inf included).
type DrawsPart struct {
	Lo, Hi int
	Draws  []DrawRecord
}

// DrawRecord is one prior draw: its parameter values, the record's
// log-likelihood under each candidate profile and their mixture, its log
// prior density, and the hypotheses' quantities and verdicts on it (or why
// they could not be evaluated).
type DrawRecord struct {
	Values   []float64
	LogLik   []float64
	Mix      float64
	LogPrior float64
	Outputs  []float64
	Holds    []bool
	HypError string
}

// UpdateDraws computes prior draws [lo, hi) of Update(ctx, sc, d, opt).
func UpdateDraws(ctx context.Context, sc *scenario.Scenario, d *Data, opt Options, lo, hi int) (*DrawsPart, error) {
	u, _, err := newUpdater(ctx, sc, d, opt)
	if err != nil {
		return nil, err
	}
	if lo < 0 || hi > u.opt.Draws || lo > hi {
		return nil, fmt.Errorf("update: draws [%d, %d) outside the run's %d draws", lo, hi, u.opt.Draws)
	}
	prior, err := u.priorDraws(ctx, lo, hi)
	if err != nil {
		return nil, err
	}
	part := &DrawsPart{Lo: lo, Hi: hi, Draws: make([]DrawRecord, len(prior))}
	for k, p := range prior {
		part.Draws[k] = DrawRecord{Values: p.vals, LogLik: p.ll, Mix: p.mix, LogPrior: p.prior}
	}
	if len(sc.Hypotheses) == 0 {
		return part, nil
	}
	probe, err := sc.NewProbe(scenario.ProbeOptions{MPE: u.opt.MPE})
	if err != nil {
		return nil, err
	}
	nq, nh := len(probe.Outputs()), len(sc.Hypotheses)
	err = u.parallel(ctx, priorPhase, len(prior), func(k int) error {
		r := &part.Draws[k]
		r.Outputs, r.Holds = make([]float64, nq), make([]bool, nh)
		// the same label as Update's, so that an error reads the same
		if err := probe.EvalIndexed(ctx, lo+k, prior[k].vals, fmt.Sprintf("particle %d", lo+k), r.Outputs, r.Holds); err != nil {
			if ctx.Err() != nil {
				return err
			}
			r.HypError = err.Error()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return part, nil
}

// UpdateMerge gathers the parts of every prior draw, in draw order, and
// finishes Update(ctx, sc, d, opt) from them.
func UpdateMerge(ctx context.Context, sc *scenario.Scenario, d *Data, opt Options, parts []*DrawsPart) (*Result, error) {
	u, res, err := newUpdater(ctx, sc, d, opt)
	if err != nil {
		return nil, err
	}
	nP, nProf, nH := len(sc.Parameters), len(u.m.profiles), len(sc.Hypotheses)
	prior := make([]*particle, 0, u.opt.Draws)
	hyp := &hypEval{}
	next := 0
	for _, p := range parts {
		if p.Lo != next || p.Hi < p.Lo || len(p.Draws) != p.Hi-p.Lo {
			return nil, fmt.Errorf("update: a part holds draws [%d, %d) with %d records where draw %d comes next", p.Lo, p.Hi, len(p.Draws), next)
		}
		for k := range p.Draws {
			r := &p.Draws[k]
			if len(r.Values) != nP || len(r.LogLik) != nProf || (nH > 0 && r.HypError == "" && len(r.Holds) != nH) {
				return nil, fmt.Errorf("update: draw %d does not fit the scenario (parameters, candidate profiles or hypotheses differ)", p.Lo+k)
			}
			prior = append(prior, &particle{vals: r.Values, ll: r.LogLik, mix: r.Mix, prior: r.LogPrior})
			hyp.outs = append(hyp.outs, r.Outputs)
			hyp.holds = append(hyp.holds, r.Holds)
			if r.HypError != "" && hyp.err == nil {
				hyp.err = errors.New(r.HypError)
			}
		}
		next = p.Hi
	}
	if next != u.opt.Draws {
		return nil, fmt.Errorf("update: the parts end at draw %d of %d", next, u.opt.Draws)
	}
	if nH > 0 {
		u.priorHyp = hyp
	}
	if err := u.central(ctx, res); err != nil {
		return nil, err
	}
	post, err := u.weigh(ctx, res, prior)
	if err != nil {
		return nil, err
	}
	if err := u.summarize(ctx, post.res, post.prior, post.parts, post.w, post.logZ); err != nil {
		return nil, err
	}
	return post.res, nil
}
