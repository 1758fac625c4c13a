package sensitivity

import (
	"context"
	"fmt"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/scenario"
)

// DiscoverOptions configure Discover.
type DiscoverOptions struct {
	Hypotheses []string // nil: all
	Draws      int      // parameter draws; default 2000
	Seed       uint64
	// Fails looks for where each hypothesis fails instead of where it
	// holds.
	Fails bool
	Prim  PrimOptions
	Eval  EvalOptions
	MPE   equilibrium.Options
	// Verdicts, if set, are whether each hypothesis of the scenario (file
	// order) holds on draws 0..Draws-1 of Seed as an analysis of those
	// draws found them (scenario.AnalysisReport.Verdicts): Discover then
	// runs PRIM over them instead of evaluating the hypotheses again. They
	// are used only for every hypothesis (Hypotheses nil) and when they
	// cover exactly Draws draws.
	Verdicts [][]bool
}

// DefaultDiscoverDraws is Discover's default number of draws.
const DefaultDiscoverDraws = 2000

// Discovery is PRIM's box for one hypothesis.
type Discovery struct {
	Hypothesis string
	Claim      string
	Fails      bool // the event is "fails" rather than "holds"
	// EvaluatedDraws, set only for a hypothesis with draws: N below the
	// run's draws, is N: PRIM ran over the first N draws, the ones it is
	// evaluated on.
	EvaluatedDraws int
	*PrimResult
}

// DiscoverResult is scenario discovery for some hypotheses.
type DiscoverResult struct {
	Draws       int
	Seed        uint64
	Inputs      []string
	Discoveries []Discovery
}

// Discover draws the parameters as analyze does (draw i from its own
// stream of Seed, correlations applied), records whether each hypothesis
// holds on each draw, and runs PRIM on the draws of each: the box of
// parameter space in which it holds (or fails) much more often than
// overall. Density and coverage are shares of draws, so they are implied by
// the assumptions, not evidence.
func Discover(ctx context.Context, sc *scenario.Scenario, opt DiscoverOptions) (*DiscoverResult, error) {
	if opt.Draws == 0 {
		opt.Draws = DefaultDiscoverDraws
	}
	if opt.Draws < 2 {
		return nil, fmt.Errorf("discover: %d draws", opt.Draws)
	}
	hyps := opt.Hypotheses
	if hyps == nil {
		hyps = []string{}
		for _, h := range sc.Hypotheses {
			hyps = append(hyps, h.ID)
		}
	}
	if len(hyps) == 0 {
		return nil, fmt.Errorf("discover: the scenario has no hypotheses")
	}
	var params []int
	var inputs []string
	for i, p := range sc.Parameters {
		if p.Dist.Kind != "fixed" {
			params = append(params, i)
			inputs = append(inputs, p.Name)
		}
	}
	if len(params) == 0 {
		return nil, fmt.Errorf("discover: no parameter has a distribution: nothing varies")
	}
	var ids []string
	var holds [][]bool
	if verdictsCover(sc, opt) {
		ids, holds = hyps, opt.Verdicts
	} else {
		var err error
		if ids, holds, err = HypothesisDraws(ctx, sc, hyps, opt.Draws, opt.Seed, opt.MPE, opt.Eval); err != nil {
			return nil, err
		}
	}
	x := make([][]float64, opt.Draws)
	for i := range x {
		d := sc.DrawAt(opt.Seed, i)
		x[i] = make([]float64, len(params))
		for j, pi := range params {
			x[i][j] = d.Values[pi]
		}
	}
	res := &DiscoverResult{Draws: opt.Draws, Seed: opt.Seed, Inputs: inputs}
	for h, id := range ids {
		var hyp scenario.Hypothesis
		for _, hy := range sc.Hypotheses {
			if hy.ID == id {
				hyp = hy
			}
		}
		// A hypothesis with draws: N was evaluated on the first N draws
		// only: PRIM looks at those.
		n, sub := opt.Draws, 0
		if hyp.Subsampled(opt.Draws) {
			n, sub = hyp.Draws, hyp.Draws
		}
		ev := make([]bool, n)
		for i := range ev {
			ev[i] = holds[h][i] != opt.Fails
		}
		pr, err := Prim(ctx, inputs, x[:n], ev, opt.Prim)
		if err != nil {
			return nil, fmt.Errorf("discover %s: %w", id, err)
		}
		res.Discoveries = append(res.Discoveries, Discovery{Hypothesis: id, Claim: hyp.Claim, Fails: opt.Fails, EvaluatedDraws: sub, PrimResult: pr})
	}
	return res, nil
}

// verdictsCover reports whether opt.Verdicts give every hypothesis of sc
// on each of opt.Draws draws.
func verdictsCover(sc *scenario.Scenario, opt DiscoverOptions) bool {
	if opt.Verdicts == nil || opt.Hypotheses != nil || len(opt.Verdicts) != len(sc.Hypotheses) {
		return false
	}
	for _, v := range opt.Verdicts {
		if len(v) != opt.Draws {
			return false
		}
	}
	return true
}

// HypothesisDraws evaluates the hypotheses hyps (nil: all) on draws
// 0..n-1 of seed, the draws analyze makes, and returns their ids and
// holds[h][i], whether hypothesis h holds on draw i. Only the profiles and
// states they read are analysed.
func HypothesisDraws(ctx context.Context, sc *scenario.Scenario, hyps []string, n int, seed uint64, mpe equilibrium.Options, eval EvalOptions) ([]string, [][]bool, error) {
	return HypothesisDrawsMemo(ctx, sc, hyps, n, seed, mpe, eval, nil)
}

// HypothesisDrawsMemo is HypothesisDraws keeping and reusing figures in
// memo (nil: none), which several scenarios evaluated on the same draws
// may share (the construction audit's variants; see scenario.Memo).
func HypothesisDrawsMemo(ctx context.Context, sc *scenario.Scenario, hyps []string, n int, seed uint64, mpe equilibrium.Options, eval EvalOptions, memo *scenario.Memo) ([]string, [][]bool, error) {
	probe, err := sc.NewProbe(scenario.ProbeOptions{Hypotheses: hyps, MPE: mpe, Memo: memo})
	if err != nil {
		return nil, nil, err
	}
	ids := probe.Hypotheses()
	nH, nOut := len(ids), len(probe.Outputs())
	need := budget.Mul(budget.Mul(int64(n), int64(nH+nOut)), 8)
	if err := budget.Check(ctx, fmt.Sprintf("%d draws × %d hypotheses and quantities", n, nH+nOut), need, "use fewer draws"); err != nil {
		return nil, nil, err
	}
	m := &drawModel{probe: probe, nOut: nOut, nHyp: nH,
		inputs: make([]string, len(sc.Parameters)), outNames: append(probe.Outputs(), ids...)}
	y, err := EvalDesign(ctx, m, drawDesign{sc: sc, seed: seed, n: n}, 0, n, eval)
	if err != nil {
		return nil, nil, err
	}
	holds := make([][]bool, nH)
	for h := range holds {
		holds[h] = make([]bool, n)
		for i := range holds[h] {
			holds[h][i] = y[i*(nOut+nH)+nOut+h] == 1
		}
	}
	return ids, holds, nil
}

// drawDesign is the random draws of a scenario as a design: row i is
// DrawAt(seed, i), every parameter's value (not a point of the unit cube).
type drawDesign struct {
	sc   *scenario.Scenario
	seed uint64
	n    int
}

func (d drawDesign) Dim() int                   { return len(d.sc.Parameters) }
func (d drawDesign) Rows() int                  { return d.n }
func (d drawDesign) Point(row int, v []float64) { copy(v, d.sc.DrawAt(d.seed, row).Values) }

// drawModel evaluates the probe at a draw's parameter values; its outputs
// are the probe's outputs, then 1/0 per hypothesis.
type drawModel struct {
	probe            *scenario.Probe
	nOut, nHyp       int
	inputs, outNames []string
}

func (m *drawModel) Inputs() []string  { return m.inputs }
func (m *drawModel) Outputs() []string { return m.outNames }

func (m *drawModel) Eval(ctx context.Context, row int, v []float64, y []float64) error {
	return probeRow(ctx, m.probe, row, v, fmt.Sprintf("draw %d", row), y, m.nOut)
}
