// Package sensitivity finds which assumptions a scenario's answers hang on:
// one-at-a-time sweeps of each parameter across its range (tornado data for
// any output) and, for each hypothesis, the parameter values at which its
// verdict flips, located by bisection.
package sensitivity

import (
	"context"
	"fmt"
	"math"
	"sort"
)

// Param is one swept parameter: its range and the value it is held at while
// the others sweep.
type Param struct {
	Name    string
	Lo, Hi  float64
	Central float64
}

// Point is what the model says at one parameter vector.
type Point struct {
	// Outputs are the figures to chart, by name (e.g. `reach("war", 52, "baseline")`).
	Outputs map[string]float64
	// Share is, per hypothesis id, the share of draws in which it holds
	// (0 or 1 when the point is a single draw).
	Share map[string]float64
}

// Evaluator computes a Point with parameter number param (index into
// Params) set to value and every other parameter at its central value (or,
// for an evaluator over draws, left to vary). param = -1 asks for the
// central point. Implementations must be deterministic.
type Evaluator interface {
	Params() []Param
	Eval(ctx context.Context, param int, value float64) (Point, error)
}

// VerdictFunc names the verdict for a share of draws; a flip is a change of
// name.
type VerdictFunc func(share float64) string

// Options control a sweep.
type Options struct {
	Points  int         // points per parameter, ends included; default 9
	Verdict VerdictFunc // default: holds (share >= 0.5) or not
	// Tolerance of a break-even, as a fraction of the parameter's range;
	// default 1e-4.
	Tolerance float64
	// Only these parameters (by name); all when empty.
	Params []string
	// Progress, if set, is called after each evaluation with the number
	// done and the total expected for the sweep (bisection steps come on top).
	Progress func(done, total int)
}

// Result is a complete one-at-a-time analysis.
type Result struct {
	Central    Point
	Params     []Param
	Sweeps     []Sweep
	Tornadoes  []Tornado
	BreakEvens []BreakEven
}

// Sweep is one parameter's sweep.
type Sweep struct {
	Param  string
	Values []float64
	Points []Point
}

// Tornado is one output's swing as each parameter sweeps its range.
type Tornado struct {
	Output string
	Base   float64
	Bars   []Bar // widest swing first
}

// Bar is one parameter's effect on one output.
type Bar struct {
	Param          string
	ParamLo        float64
	ParamHi        float64
	AtLo, AtHi     float64
	OutMin, OutMax float64
}

// Swing is the width of the bar.
func (b Bar) Swing() float64 { return b.OutMax - b.OutMin }

// BreakEven is a value of Param at which Hypothesis's verdict changes from
// Below (verdict just below Value) to Above (just above).
type BreakEven struct {
	Hypothesis string
	Param      string
	Value      float64
	Below      string
	Above      string
}

// String reads like "H3 flips when p_backlash > 0.42 (uncertain → supported)".
func (b BreakEven) String() string {
	return fmt.Sprintf("%s flips when %s > %.4g (%s → %s)", b.Hypothesis, b.Param, b.Value, b.Below, b.Above)
}

func holdsVerdict(share float64) string {
	if share >= 0.5 {
		return "holds"
	}
	return "fails"
}

// Run sweeps every parameter with a non-degenerate range through
// opt.Points values with the others at their central values, builds a
// tornado per output and bisects every verdict change between neighbouring
// points down to opt.Tolerance. A verdict that changes twice within one
// step of the grid can be missed; more points make that less likely.
func Run(ctx context.Context, ev Evaluator, opt Options) (*Result, error) {
	swept, err := Swept(ev, opt)
	if err != nil {
		return nil, err
	}
	part, err := RunSwept(ctx, ev, opt, 0, len(swept))
	if err != nil {
		return nil, err
	}
	return Assemble(ctx, ev, opt, []*Partial{part})
}

// A one-at-a-time run can be split by swept parameter: RunSwept sweeps
// (and bisects) a block of them, Assemble evaluates the central point and
// puts the blocks together, in order. Each parameter's sweep is a pure
// function of the evaluator and the options, so the blocks may be computed
// anywhere and Assemble returns what Run does.

// Partial is the sweeps and break-evens of swept parameters [Lo, Hi)
// (positions in Swept's list).
type Partial struct {
	Lo, Hi     int
	Sweeps     []Sweep
	BreakEvens []BreakEven
}

func (opt *Options) defaults() {
	if opt.Points < 2 {
		opt.Points = 9
	}
	if opt.Verdict == nil {
		opt.Verdict = holdsVerdict
	}
	if opt.Tolerance <= 0 {
		opt.Tolerance = 1e-4
	}
}

// Swept lists the indices (into ev.Params) of the parameters a run
// sweeps: those with a non-degenerate range, limited to opt.Params.
func Swept(ev Evaluator, opt Options) ([]int, error) {
	params := ev.Params()
	only := map[string]bool{}
	for _, n := range opt.Params {
		only[n] = true
	}
	for n := range only {
		found := false
		for _, p := range params {
			found = found || p.Name == n
		}
		if !found {
			return nil, fmt.Errorf("sensitivity: no parameter %q", n)
		}
	}
	var swept []int
	for i, p := range params {
		if p.Hi > p.Lo && (len(only) == 0 || only[p.Name]) {
			swept = append(swept, i)
		}
	}
	return swept, nil
}

// RunSwept sweeps and bisects the swept parameters [lo, hi) of Swept's
// list. Progress counts points from 0 to (hi-lo)·Points (bisection steps
// come on top).
func RunSwept(ctx context.Context, ev Evaluator, opt Options, lo, hi int) (*Partial, error) {
	opt.defaults()
	swept, err := Swept(ev, opt)
	if err != nil {
		return nil, err
	}
	if lo < 0 || hi > len(swept) || lo > hi {
		return nil, fmt.Errorf("sensitivity: parameters [%d, %d) outside the %d swept", lo, hi, len(swept))
	}
	params := ev.Params()
	total, done := (hi-lo)*opt.Points, 0
	part := &Partial{Lo: lo, Hi: hi}
	for _, i := range swept[lo:hi] {
		p := params[i]
		sw := Sweep{Param: p.Name}
		for k := 0; k < opt.Points; k++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			x := p.Lo + (p.Hi-p.Lo)*float64(k)/float64(opt.Points-1)
			pt, err := ev.Eval(ctx, i, x)
			if err != nil {
				return nil, fmt.Errorf("sensitivity: %s = %g: %w", p.Name, x, err)
			}
			done++
			if opt.Progress != nil {
				opt.Progress(done, total)
			}
			sw.Values = append(sw.Values, x)
			sw.Points = append(sw.Points, pt)
		}
		part.Sweeps = append(part.Sweeps, sw)
		bes, err := breakEvens(ctx, ev, i, p, sw, opt)
		if err != nil {
			return nil, err
		}
		part.BreakEvens = append(part.BreakEvens, bes...)
	}
	return part, nil
}

// Assemble evaluates the central point and joins the blocks of every
// swept parameter, given in order, into the run's result.
func Assemble(ctx context.Context, ev Evaluator, opt Options, parts []*Partial) (*Result, error) {
	swept, err := Swept(ev, opt)
	if err != nil {
		return nil, err
	}
	base, err := ev.Eval(ctx, -1, 0)
	if err != nil {
		return nil, fmt.Errorf("sensitivity: central values: %w", err)
	}
	params := ev.Params()
	res := &Result{Central: base, Params: params}
	next := 0
	for _, p := range parts {
		if p.Lo != next || len(p.Sweeps) != p.Hi-p.Lo {
			return nil, fmt.Errorf("sensitivity: a block holds parameters [%d, %d) with %d sweeps where parameter %d comes next", p.Lo, p.Hi, len(p.Sweeps), next)
		}
		for k, sw := range p.Sweeps {
			if want := params[swept[p.Lo+k]].Name; sw.Param != want {
				return nil, fmt.Errorf("sensitivity: the block's sweep %d is of %s, expected %s", p.Lo+k, sw.Param, want)
			}
		}
		res.Sweeps = append(res.Sweeps, p.Sweeps...)
		res.BreakEvens = append(res.BreakEvens, p.BreakEvens...)
		next = p.Hi
	}
	if next != len(swept) {
		return nil, fmt.Errorf("sensitivity: the blocks end at parameter %d of %d", next, len(swept))
	}
	res.Tornadoes = tornadoes(base, res.Sweeps, params)
	return res, nil
}

// breakEvens bisects each verdict change between neighbouring sweep points.
func breakEvens(ctx context.Context, ev Evaluator, i int, p Param, sw Sweep, opt Options) ([]BreakEven, error) {
	var out []BreakEven
	for _, h := range sortedKeys(sw.Points[0].Share) {
		for k := 0; k+1 < len(sw.Points); k++ {
			vLo, vHi := opt.Verdict(sw.Points[k].Share[h]), opt.Verdict(sw.Points[k+1].Share[h])
			if vLo == vHi {
				continue
			}
			bes, err := bisect(ctx, ev, i, h, sw.Values[k], sw.Values[k+1], vLo, vHi, opt.Tolerance*(p.Hi-p.Lo), opt.Verdict)
			if err != nil {
				return nil, fmt.Errorf("sensitivity: %s: %w", p.Name, err)
			}
			for _, b := range bes {
				b.Param = p.Name
				out = append(out, b)
			}
		}
	}
	return out, nil
}

// bisect narrows a verdict change from vLo at lo to vHi at hi down to tol.
// A third verdict met in between (say "uncertain" between "supported" and
// "rejected") splits the interval, so each boundary is found.
func bisect(ctx context.Context, ev Evaluator, i int, h string, lo, hi float64, vLo, vHi string, tol float64, verdict VerdictFunc) ([]BreakEven, error) {
	for hi-lo > tol {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		mid := (lo + hi) / 2
		pt, err := ev.Eval(ctx, i, mid)
		if err != nil {
			return nil, fmt.Errorf("at %g: %w", mid, err)
		}
		switch vm := verdict(pt.Share[h]); vm {
		case vLo:
			lo = mid
		case vHi:
			hi = mid
		default:
			left, err := bisect(ctx, ev, i, h, lo, mid, vLo, vm, tol, verdict)
			if err != nil {
				return nil, err
			}
			right, err := bisect(ctx, ev, i, h, mid, hi, vm, vHi, tol, verdict)
			if err != nil {
				return nil, err
			}
			return append(left, right...), nil
		}
	}
	return []BreakEven{{Hypothesis: h, Value: (lo + hi) / 2, Below: vLo, Above: vHi}}, nil
}

func tornadoes(base Point, sweeps []Sweep, params []Param) []Tornado {
	var out []Tornado
	for _, name := range sortedKeys(base.Outputs) {
		t := Tornado{Output: name, Base: base.Outputs[name]}
		for _, sw := range sweeps {
			b := Bar{Param: sw.Param, ParamLo: sw.Values[0], ParamHi: sw.Values[len(sw.Values)-1],
				AtLo: sw.Points[0].Outputs[name], AtHi: sw.Points[len(sw.Points)-1].Outputs[name],
				OutMin: math.Inf(1), OutMax: math.Inf(-1)}
			for _, pt := range sw.Points {
				v := pt.Outputs[name]
				if math.IsNaN(v) {
					continue
				}
				b.OutMin, b.OutMax = math.Min(b.OutMin, v), math.Max(b.OutMax, v)
			}
			if b.OutMin > b.OutMax { // every point NaN
				b.OutMin, b.OutMax = math.NaN(), math.NaN()
			}
			t.Bars = append(t.Bars, b)
		}
		sort.SliceStable(t.Bars, func(i, j int) bool { return swingKey(t.Bars[i]) > swingKey(t.Bars[j]) })
		out = append(out, t)
	}
	return out
}

func swingKey(b Bar) float64 {
	s := b.Swing()
	if math.IsNaN(s) {
		return -1
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
