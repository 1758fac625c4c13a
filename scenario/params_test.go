package scenario

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// paramBase is a two-state chain whose parameters the tests below replace.
const paramBase = `truce: 1
horizon: 10
discount: 0.9
actors: [{id: A}]
parameters:
PARAMS
states:
  - {id: peace, initial: true}
  - {id: war, terminal: true}
transitions:
  - {from: peace, to: {war: p}}
payoffs:
  - {in: peace, A: {payoff: pay}}
`

func paramScenario(t *testing.T, params string) (*Scenario, []Diagnostic) {
	t.Helper()
	src := strings.Replace(paramBase, "PARAMS", params, 1)
	return Parse("p.yaml", []byte(src))
}

func mustParams(t *testing.T, params string) *Scenario {
	t.Helper()
	sc, ds := paramScenario(t, params)
	if sc == nil {
		t.Fatalf("%v", ds)
	}
	return sc
}

// TestDerivedParameters: a perpetuity of the discount follows every draw
// of the discount, derived parameters may use each other in any order, and
// the analysis uses their values (value = pay / (1 - 0.9(1-p)) per draw).
func TestDerivedParameters(t *testing.T) {
	sc := mustParams(t, `  pay: "pv * (1 - d)"      # = 1, through two derived parameters
  pv: {value: "1 / (1 - d)", description: perpetuity of one per step}
  d: {dist: uniform, min: 0.5, max: 0.95}
  p: {dist: uniform, min: 0.05, max: 0.2}`)
	if len(sc.Derived) != 2 || sc.Derived[0].Name != "pv" || sc.Derived[1].Name != "pay" {
		t.Fatalf("derived order: %+v", sc.Derived)
	}
	if sc.Derived[0].Info.Description != "perpetuity of one per step" || sc.Derived[0].Expr != "1 / (1 - d)" {
		t.Errorf("derived pv: %+v", sc.Derived[0])
	}
	for i := 0; i < 20; i++ {
		d := sc.DrawAt(3, i)
		dv, err := sc.DerivedValues(d)
		if err != nil {
			t.Fatal(err)
		}
		near(t, "pv", dv[0], 1/(1-d.Values[0]))
		near(t, "pay", dv[1], 1)
	}
	r, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: 50, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for i := 0; i < 50; i++ {
		p := sc.DrawAt(3, i).Values[1]
		sum += 1 / (1 - 0.9*(1-p))
	}
	near(t, "mean value", float64(r.Profiles["default"].Value["A"].Total.Mean), sum/50)
}

func TestDerivedParameterErrors(t *testing.T) {
	for _, c := range []struct{ name, params, want string }{
		{"cycle", `  p: 0.1
  a: "b + 1"
  b: "2 * c"
  c: "a - pay"
  pay: 1`, `p.yaml:7:3: error: parameter a depends on itself: a -> b -> c -> a`},
		{"self", `  p: 0.1
  pay: "pay + 1"`, `p.yaml:7:3: error: parameter pay depends on itself: pay -> pay`},
		{"unknown name", `  p: 0.1
  pay: "1 / (1 - dd)"`, `p.yaml:7:18: error: unknown parameter "dd"`},
		{"infinite on a checked draw", `  p: 0.1
  d: {dist: uniform, min: 0, max: 1}
  pay: "1 / (d - 0.5)"`, `p.yaml:8:8: error: parameter pay on the central draw (d=0.5): "1 / (d - 0.5)" is +Inf`},
		{"unknown key", `  p: 0.1
  pay: {value: "2", why: x}`, `p.yaml:7:21: error: unknown key "why" in derived parameter pay`},
		{"correlated", `  p: {dist: uniform, min: 0, max: 0.5}
  pay: "2 * p"
correlations:
  - {between: [p, pay], rho: 0.5}`, `p.yaml:9:19: error: parameter pay is derived`},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc, ds := paramScenario(t, c.params)
			if sc != nil {
				t.Fatal("accepted")
			}
			var got []string
			for _, d := range ds {
				got = append(got, d.String())
			}
			if !strings.Contains(strings.Join(got, "\n"), c.want) {
				t.Errorf("want %q in\n%s", c.want, strings.Join(got, "\n"))
			}
		})
	}
}

// TestPert checks the pert distribution's moments, quantile function and
// sampling against the beta distribution it rescales, and the fit of
// min/max to an expert's quantiles.
func TestPert(t *testing.T) {
	d := Dist{Kind: "pert", Min: 1, Mode: 2, Max: 6, Lambda: 4}
	// α = 1 + 4·(2-1)/5 = 1.8, β = 1 + 4·(6-2)/5 = 4.2; mean 1 + 5·1.8/6 = 2.5 = (1 + 8 + 6)/6.
	near(t, "central", d.Central(), 2.5)
	b := distuv.Beta{Alpha: 1.8, Beta: 4.2}
	for _, u := range []float64{0.01, 0.3, 0.5, 0.9} {
		near(t, "quantile", d.Quantile(u), 1+5*b.Quantile(u))
	}
	rng := DrawRNG(1, 0)
	const n = 40000
	sum, sum2 := 0.0, 0.0
	for i := 0; i < n; i++ {
		x := d.Sample(rng)
		if x < 1 || x > 6 {
			t.Fatalf("sample %v outside [1, 6]", x)
		}
		sum += x
		sum2 += x * x
	}
	mean := sum / n
	sd := 5 * math.Sqrt(b.Variance())
	if math.Abs(mean-2.5) > 4*sd/math.Sqrt(n) {
		t.Errorf("sample mean %v, want 2.5 ± %v", mean, 4*sd/math.Sqrt(n))
	}

	// "Most likely 0.2, between 0.1 and 0.4 with 80% confidence": the
	// fitted pert has exactly these 10% and 90% quantiles and that mode.
	for _, c := range []struct{ mode, plo, lo, phi, hi, lambda float64 }{
		{0.2, 0.1, 0.1, 0.9, 0.4, 4},
		{0.2, 0.05, 0.1, 0.95, 0.4, 4},
		{5, 0.1, 4, 0.9, 6, 4},      // symmetric: support symmetric about the mode
		{0.5, 0.2, 0.45, 0.8, 3, 2}, // strongly right-skewed, other lambda
	} {
		min, max := FitPert(c.mode, c.plo, c.lo, c.phi, c.hi, c.lambda)
		f := Dist{Kind: "pert", Min: min, Mode: c.mode, Max: max, Lambda: c.lambda}
		if !(min < c.lo && c.hi < max) {
			t.Errorf("%+v: support [%v, %v] does not contain the quantiles", c, min, max)
		}
		if math.Abs(f.Quantile(c.plo)-c.lo) > 1e-9 || math.Abs(f.Quantile(c.phi)-c.hi) > 1e-9 {
			t.Errorf("%+v: fitted quantiles %v, %v", c, f.Quantile(c.plo), f.Quantile(c.phi))
		}
		if c.mode == 5 {
			near(t, "symmetric fit", min+max, 10)
		}
	}

	sc := mustParams(t, `  p: {dist: pert, mode: 0.2, p10: 0.1, p90: 0.4}
  pay: 1`)
	pd := sc.Parameters[0].Dist
	if !pd.Fitted || pd.PLo != 0.1 || pd.PHi != 0.9 {
		t.Fatalf("parsed %+v", pd)
	}
	if math.Abs(pd.Quantile(0.1)-0.1) > 1e-9 || math.Abs(pd.Quantile(0.9)-0.4) > 1e-9 {
		t.Errorf("parsed pert quantiles %v %v", pd.Quantile(0.1), pd.Quantile(0.9))
	}
	if !strings.Contains(pd.String(), "fitted to p10 0.1, p90 0.4") {
		t.Errorf("String: %s", pd.String())
	}
	for _, c := range []struct{ params, want string }{
		{`  p: {dist: pert, min: 0, mode: 0.5, max: 0.4}`, "need min <= mode <= max"},
		{`  p: {dist: pert, mode: 0.2, p10: 0.1}`, "pert needs min and max, or two quantiles"},
		{`  p: {dist: pert, mode: 0.2, min: 0, p90: 0.4}`, "pert needs min and max, or two quantiles"},
		{`  p: {dist: pert, mode: 0.05, p10: 0.1, p90: 0.4}`, "need p10 < mode < p90"},
		{`  p: {dist: pert, mode: 0.2, p10: 0.1, p010: 0.4}`, "two quantiles at the same level"},
		{`  p: {dist: pert, mode: 0.2, min: 0, max: 1, lambda: 0}`, "lambda must be positive"},
		{`  p: {dist: pert, mode: 0.2, min: 0, max: 1, p100: 1}`, `unknown key "p100"`},
	} {
		sc, ds := paramScenario(t, c.params+"\n  pay: 1")
		if sc != nil || len(ds) == 0 || !strings.Contains(ds[0].String(), c.want) {
			t.Errorf("%s: want %q, got %v", c.params, c.want, ds)
		}
	}
}

// ksStat is the Kolmogorov–Smirnov distance between the sample xs and the
// continuous distribution function cdf.
func ksStat(xs []float64, cdf func(float64) float64) float64 {
	v := append([]float64(nil), xs...)
	sort.Float64s(v)
	n := float64(len(v))
	d := 0.0
	for i, x := range v {
		f := cdf(x)
		d = math.Max(d, math.Max(f-float64(i)/n, float64(i+1)/n-f))
	}
	return d
}

// TestCorrelatedDraws: with rank correlations, every parameter keeps its
// declared distribution (Kolmogorov–Smirnov at the 0.1% level) and the
// sample rank correlations match the targets within four standard errors;
// an uncorrelated parameter stays independent. The pair and the matrix
// forms give the same draws.
func TestCorrelatedDraws(t *testing.T) {
	params := `  p: {dist: beta, a: 2, b: 18}
  cost: {dist: lognormal, mu: 1, sigma: 0.5}
  dur: {dist: triangular, min: 1, mode: 2, max: 8}
  free: {dist: uniform, min: 0, max: 1}
  pay: "-cost"`
	pairs := mustParams(t, params+`
correlations:
  - {between: [p, cost], rho: 0.7}
  - {between: [dur, p], rho: -0.4}`)
	matrix := mustParams(t, params+`
correlations:
  parameters: [cost, p, dur]
  matrix:
    - [1, 0.7, 0]
    - [0.7, 1, -0.4]
    - [0, -0.4, 1]`)
	const n = 20000
	cols := make([][]float64, 4)
	for i := 0; i < n; i++ {
		d := pairs.DrawAt(11, i)
		dm := matrix.DrawAt(11, i)
		for k := range cols {
			if d.Values[k] != dm.Values[k] {
				t.Fatalf("draw %d: pair form %v, matrix form %v", i, d.Values, dm.Values)
			}
			cols[k] = append(cols[k], d.Values[k])
		}
	}
	crit := 1.95 / math.Sqrt(n) // KS, 0.1% level
	cdfs := []func(float64) float64{
		distuv.Beta{Alpha: 2, Beta: 18}.CDF,
		distuv.LogNormal{Mu: 1, Sigma: 0.5}.CDF,
		distuv.NewTriangle(1, 8, 2, nil).CDF,
		distuv.Uniform{Min: 0, Max: 1}.CDF,
	}
	for k, cdf := range cdfs {
		if d := ksStat(cols[k], cdf); d > crit {
			t.Errorf("%s: KS distance %v > %v: marginal changed", pairs.Parameters[k].Name, d, crit)
		}
	}
	for _, c := range []struct {
		a, b int
		rho  float64
	}{{0, 1, 0.7}, {0, 2, -0.4}, {1, 2, 0}, {0, 3, 0}, {1, 3, 0}} {
		got := spearman(cols[c.a], cols[c.b])
		se := (1 - c.rho*c.rho) / math.Sqrt(n-1)
		if math.Abs(got-c.rho) > 4*se {
			t.Errorf("rank correlation %d~%d = %.4f, want %.2f ± %.4f", c.a, c.b, got, c.rho, 4*se)
		}
	}
}

func TestCorrelationErrors(t *testing.T) {
	params := `  p: {dist: uniform, min: 0, max: 0.5}
  pay: {dist: normal, mean: 0, sd: 1}
  q: {dist: uniform, min: 0, max: 1}
  k: 3
correlations:
`
	for _, c := range []struct{ name, corr, want string }{
		{"unknown", `  - {between: [p, pya], rho: 0.5}`, `p.yaml:11:19: error: unknown parameter "pya"`},
		{"fixed", `  - {between: [p, k], rho: 0.5}`, `p.yaml:11:19: error: parameter k is fixed`},
		{"range", `  - {between: [p, pay], rho: 1.5}`, `p.yaml:11:30: error: rho 1.5 outside [-1, 1]`},
		{"self", `  - {between: [p, p], rho: 0.5}`, `p.yaml:11:19: error: a parameter cannot be correlated with itself`},
		{"three names", `  - {between: [p, q, pay], rho: 0.5}`, "`between` names 3 parameters, want 2"},
		{"missing rho", `  - {between: [p, q]}`, "a correlation needs `between` (two parameters) and `rho`"},
		{"twice", "  - {between: [p, q], rho: 0.5}\n  - {between: [q, p], rho: 0.2}", `p.yaml:12:6: error: correlation of q and p given twice (hint: first given at line 11)`},
		{"not PSD", "  - {between: [p, q], rho: 0.9}\n  - {between: [q, pay], rho: 0.9}\n  - {between: [p, pay], rho: -0.9}",
			`p.yaml:11:3: error: correlations: the rank correlations cannot hold together (their matrix is not positive semi-definite: smallest eigenvalue`},
		{"asymmetric", "  parameters: [p, q]\n  matrix: [[1, 0.5], [0.4, 1]]", `p.yaml:12:23: error: matrix is not symmetric: row 2 column 1 is 0.4 (hint: write 0.5, as in row 1)`},
		{"diagonal", "  parameters: [p, q]\n  matrix: [[1, 0.5], [0.5, 0.9]]", `p.yaml:12:28: error: matrix: diagonal entry 0.9, want 1`},
		{"rows", "  parameters: [p, q]\n  matrix: [[1, 0.5]]", `matrix has 1 rows for 2 parameters`},
		{"matrix range", "  parameters: [p, q]\n  matrix: [[1, -2], [-2, 1]]", `p.yaml:12:16: error: matrix: -2 outside [-1, 1]`},
		{"scalar", "  0.5", `correlations must be a mapping`},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc, ds := paramScenario(t, params+c.corr)
			if sc != nil {
				t.Fatal("accepted")
			}
			var got []string
			for _, d := range ds {
				got = append(got, d.String())
			}
			if !strings.Contains(strings.Join(got, "\n"), c.want) {
				t.Errorf("want %q in\n%s", c.want, strings.Join(got, "\n"))
			}
		})
	}
}

// TestCorrelatedAnalyzeDeterministic: correlated draws give the same
// analysis whatever the number of workers, and draw i does not depend on
// how many draws are made.
func TestCorrelatedAnalyzeDeterministic(t *testing.T) {
	sc := mustParams(t, `  p: {dist: uniform, min: 0.05, max: 0.3}
  pay: {dist: pert, mode: 1, p5: 0.5, p95: 3}
correlations:
  - {between: [p, pay], rho: -0.6}`)
	var outs []string
	for _, w := range []int{1, 2, 5} {
		r, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: 130, Seed: 9, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := r.JSON()
		outs = append(outs, string(b))
	}
	if outs[0] != outs[1] || outs[0] != outs[2] {
		t.Error("analysis depends on the number of workers")
	}
	if a, b := sc.DrawAt(9, 7), sc.DrawAt(9, 7); a.Values[0] != b.Values[0] || a.Values[1] != b.Values[1] {
		t.Error("draw 7 is not a function of (seed, 7)")
	}
}

// TestUndiscounted: with discount 1, value_by gives the expected cost over
// the first steps (closed form of the two-state chain: flows
// Σ_{t<T} (1-p)^t·pay, no entry payoff), and a value over an unbounded
// future or an equilibrium is refused with the reason.
func TestUndiscounted(t *testing.T) {
	src := strings.Replace(paramBase, "discount: 0.9", "discount: 1", 1)
	src = strings.Replace(src, "PARAMS", "  p: 0.1\n  pay: -2", 1) + `hypotheses:
  - {id: H1, claim: c, expr: 'value_by("A", 10, "default") < -10'}
  - {id: H2, claim: c, expr: 'value_by("A", 3, "default", "payoff") < 0'}
`
	sc, ds := Parse("u.yaml", []byte(src))
	if sc == nil {
		t.Fatal(ds)
	}
	if !sc.Actors[0].Undiscounted {
		t.Error("actor not marked undiscounted")
	}
	r, err := Analyze(context.Background(), sc, AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := func(T int) float64 { return -2 * (1 - math.Pow(0.9, float64(T))) / 0.1 }
	near(t, "value_by 10", float64(r.Hypotheses[0].Quantities[`value_by("A", 10, "default")`]), want(10))
	near(t, "value_by 3", float64(r.Hypotheses[1].Quantities[`value_by("A", 3, "default", "payoff")`]), want(3))
	if !math.IsNaN(float64(r.Profiles["default"].Value["A"].Total.Mean)) {
		t.Error("undiscounted value without horizon is not NaN")
	}
	for _, c := range []struct{ edit, want string }{
		{`value_by("A", 10, "default") < -10`, ``},
		{`value("A", "default") < 0`, `u.yaml:16:31: error: A is undiscounted (discount 1), so its value over an unbounded future is infinite or undefined unless the process surely ends (hint: ask for a bounded number of steps: value_by("A", 10, "default"))`},
		{`value_by("A", 11, "default") < 0`, `value_by: 11 steps is outside the horizon`},
	} {
		s2 := strings.Replace(src, `value_by("A", 10, "default") < -10`, c.edit, 1)
		sc, ds := Parse("u.yaml", []byte(s2))
		if c.want == "" {
			if sc == nil {
				t.Errorf("%s: %v", c.edit, ds)
			}
			continue
		}
		if sc != nil || !strings.Contains(fmt.Sprint(ds), c.want) {
			t.Errorf("%s: want %q, got %v", c.edit, c.want, ds)
		}
	}
	eq := src + "profiles:\n  eq: equilibrium\n"
	if _, ds := Parse("u.yaml", []byte(eq)); !strings.Contains(fmt.Sprint(ds), `profile "eq": a Markov-perfect equilibrium needs every discount below 1, and A is undiscounted`) {
		t.Errorf("equilibrium with discount 1: %v", ds)
	}
}

// TestUncertainDiscountAndWeights: a drawn discount and weight enter each
// draw's value, (w·pay)/(1 - d(1-p)), and are validated there.
func TestUncertainDiscountAndWeights(t *testing.T) {
	src := strings.Replace(paramBase, "discount: 0.9", "discount: d", 1)
	src = strings.Replace(src, "actors: [{id: A}]", "actors: [{id: A, weights: {payoff: w}}]", 1)
	src = strings.Replace(src, "PARAMS", `  p: 0.1
  pay: 2
  d: {dist: uniform, min: 0.5, max: 0.99}
  w: {dist: normal, mean: 1, sd: 0.3}`, 1)
	sc, ds := Parse("u.yaml", []byte(src))
	if sc == nil {
		t.Fatal(ds)
	}
	r, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: 40, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	var vals []float64
	for i := 0; i < 40; i++ {
		v := sc.DrawAt(2, i).Values
		d, w := v[2], v[3]
		vals = append(vals, w*2/(1-d*0.9))
	}
	got := r.Profiles["default"].Value["A"].Total
	want := summarize(vals)
	near(t, "mean value", float64(got.Mean), float64(want.Mean))
	near(t, "5% value", float64(got.Lo), float64(want.Lo))
	if sc.Actors[0].Discount != 0.745 || sc.Actors[0].Weights[0] != 1 {
		t.Errorf("central discount and weight: %v %v", sc.Actors[0].Discount, sc.Actors[0].Weights)
	}
}
