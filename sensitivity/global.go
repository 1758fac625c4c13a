package sensitivity

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/scenario"
)

// Scale says how a coordinate u of the unit cube becomes a parameter value.
type Scale int

const (
	// Quantiles maps u to the parameter's quantile at u: a uniform design
	// becomes a sample of the declared distribution (Sobol).
	Quantiles Scale = iota
	// ClampedQuantiles is Quantiles with the ends clamped to the range the
	// one-at-a-time sweep uses (scenario.Dist.Bounds: the support, or the
	// 0.1–99.9% quantiles of an unbounded distribution), so that a grid
	// that includes 0 and 1 (Morris) stays at plausible values.
	ClampedQuantiles
)

// ScenarioModelOptions configure NewScenarioModel.
type ScenarioModelOptions struct {
	// Outputs are numeric outputs (see scenario.ProbeOptions.Outputs);
	// empty: every quantity the chosen hypotheses read.
	Outputs []string
	// Hypotheses to include as 0/1 outputs (1: holds); nil: all, or none
	// when Outputs are given.
	Hypotheses []string
	Scale      Scale
	MPE        equilibrium.Options
	// IgnoreCorrelations draws every parameter independently from its
	// marginal even when the file declares rank correlations; without it a
	// scenario with correlations is refused (Sobol and Morris apportion an
	// output among independent inputs).
	IgnoreCorrelations bool
}

// ScenarioModel is a scenario as a Model: one input per parameter that
// has a distribution, the others at their fixed values; outputs are the
// numeric outputs followed by one 0/1 output per hypothesis, named by its
// id.
type ScenarioModel struct {
	sc      *scenario.Scenario
	probe   *scenario.Probe
	params  []int // scenario parameter per input
	inputs  []string
	outputs []string
	nNum    int // numeric outputs come first
	// LeftOut are the hypotheses with `draws:` left out of a design that
	// was not told which hypotheses to evaluate (LeftOutNote says why).
	LeftOut []string
	base    []float64
	scale   Scale
	bounds  [][2]float64
}

// NewScenarioModel prepares sc for a global method.
func NewScenarioModel(sc *scenario.Scenario, opt ScenarioModelOptions) (*ScenarioModel, error) {
	if len(sc.Correlations) > 0 && !opt.IgnoreCorrelations {
		c := sc.Correlations[0]
		more := ""
		switch n := len(sc.Correlations) - 1; {
		case n == 1:
			more = " (and 1 more pair)"
		case n > 1:
			more = fmt.Sprintf(" (and %d more pairs)", n)
		}
		return nil, fmt.Errorf("%s:%d:%d: the scenario correlates %s and %s%s: Sobol and Morris indices apportion an output among independent inputs and are not defined for correlated ones; "+
			"--ignore-correlations computes them with every parameter drawn independently from its own distribution (they then describe how the model responds to each assumption, not the spread under your correlations)",
			sc.File, c.Pos.Line, c.Pos.Col, sc.Parameters[c.A].Name, sc.Parameters[c.B].Name, more)
	}
	hyps := opt.Hypotheses
	var leftOut []string
	switch {
	case hyps == nil && len(opt.Outputs) > 0:
		hyps = []string{}
	case hyps == nil:
		// A design evaluates every hypothesis at every point; one with
		// draws: costs seconds per point and is left out unless named.
		hyps = []string{}
		for _, h := range sc.Hypotheses {
			if h.Draws > 0 {
				leftOut = append(leftOut, h.ID)
			} else {
				hyps = append(hyps, h.ID)
			}
		}
	}
	probe, err := sc.NewProbe(scenario.ProbeOptions{Outputs: opt.Outputs, Hypotheses: hyps, MPE: opt.MPE})
	if err != nil {
		return nil, err
	}
	m := &ScenarioModel{sc: sc, probe: probe, scale: opt.Scale, LeftOut: leftOut}
	for i, p := range sc.Parameters {
		m.base = append(m.base, p.Dist.Central())
		if p.Dist.Kind == "fixed" {
			continue
		}
		m.params = append(m.params, i)
		m.inputs = append(m.inputs, p.Name)
		lo, hi := p.Dist.Bounds()
		m.bounds = append(m.bounds, [2]float64{lo, hi})
	}
	if len(m.params) == 0 {
		return nil, fmt.Errorf("no parameter has a distribution: nothing varies")
	}
	m.outputs = probe.Outputs()
	m.nNum = len(m.outputs)
	m.outputs = append(m.outputs, probe.Hypotheses()...)
	if len(m.outputs) == 0 && len(leftOut) > 0 {
		return nil, fmt.Errorf("no outputs: %s", m.LeftOutNote())
	}
	if len(m.outputs) == 0 {
		return nil, fmt.Errorf("no outputs: give --output or a hypothesis")
	}
	return m, nil
}

// LeftOutNote says why LeftOut were left out and how to include them (""
// when none was).
func (m *ScenarioModel) LeftOutNote() string {
	if len(m.LeftOut) == 0 {
		return ""
	}
	return m.LeftOutReason() + "; name them with --hypothesis to evaluate them at every design point"
}

// LeftOutReason is LeftOutNote without the advice.
func (m *ScenarioModel) LeftOutReason() string {
	if len(m.LeftOut) == 0 {
		return ""
	}
	return fmt.Sprintf("%s left out: %s `draws:` (evaluated on a subsample of draws because each evaluation is costly), and a design evaluates every point",
		strings.Join(m.LeftOut, ", "), plural(len(m.LeftOut), "it has", "they have"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Inputs implements Model: the parameters with a distribution.
func (m *ScenarioModel) Inputs() []string { return m.inputs }

// Outputs implements Model.
func (m *ScenarioModel) Outputs() []string { return m.outputs }

// IsHypothesis reports whether output o is a hypothesis (0/1).
func (m *ScenarioModel) IsHypothesis(o int) bool { return o >= m.nNum }

// Values writes the parameter vector (every scenario parameter) for unit
// point u into v.
func (m *ScenarioModel) Values(u []float64, v []float64) {
	copy(v, m.base)
	for i, pi := range m.params {
		x := m.sc.Parameters[pi].Dist.Quantile(u[i])
		if m.scale == ClampedQuantiles {
			x = math.Min(math.Max(x, m.bounds[i][0]), m.bounds[i][1])
		}
		v[pi] = x
	}
}

// Eval implements Model.
func (m *ScenarioModel) Eval(ctx context.Context, row int, u []float64, y []float64) error {
	v := make([]float64, len(m.base))
	m.Values(u, v)
	return probeRow(ctx, m.probe, -1, v, fmt.Sprintf("design row %d", row), y, m.nNum)
}

// probeRow evaluates probe at parameter values v into y: its nOut numeric
// outputs, then 1 or 0 per hypothesis (holds or not). index is the point's
// draw index, which decides the hypotheses with draws: evaluated (see
// scenario.Probe.EvalIndexed; -1: every hypothesis, as a design point).
func probeRow(ctx context.Context, probe *scenario.Probe, index int, v []float64, label string, y []float64, nOut int) error {
	holds := make([]bool, len(y)-nOut)
	if err := probe.EvalIndexed(ctx, index, v, label, y[:nOut], holds); err != nil {
		return err
	}
	for h, ok := range holds {
		y[nOut+h] = 0
		if ok {
			y[nOut+h] = 1
		}
	}
	return nil
}
