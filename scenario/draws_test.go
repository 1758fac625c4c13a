package scenario

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"testing"
)

func loadFile(t testing.TB, path string) *Scenario {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc, ds := Parse(path, src)
	if sc == nil {
		t.Fatalf("%s: %v", path, ds)
	}
	return sc
}

// r7 is the 5%/95% quantile definition of the report, written out again.
func r7(xs []float64, p float64) float64 {
	v := append([]float64(nil), xs...)
	sort.Float64s(v)
	h := float64(len(v)-1) * p
	i := int(h)
	if i+1 >= len(v) {
		return v[len(v)-1]
	}
	return v[i] + (h-float64(i))*(v[i+1]-v[i])
}

// TestAnalyzeOverDraws checks mean, quantiles and hypothesis shares over
// draws against the per-draw closed forms of testdata/uncertain.yaml.
func TestAnalyzeOverDraws(t *testing.T) {
	sc := loadFile(t, "testdata/uncertain.yaml")
	const draws, seed = 300, 5
	r, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: draws, Seed: seed, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	var times, values, reach24 []float64
	h1, h2 := 0, 0
	for i := 0; i < draws; i++ {
		p := sc.DrawAt(seed, i).Values[0]
		if !(p > 0 && p < 1) {
			t.Fatalf("draw %d: p = %v outside (0,1)", i, p)
		}
		times = append(times, 1/p)
		v := (1 - 10*0.9*p) / (1 - 0.9*(1-p))
		values = append(values, v)
		r24 := 1 - math.Pow(1-p, 24)
		reach24 = append(reach24, r24)
		if r24 > 0.85 {
			h1++
		}
		if v > 0 && p < 0.5 {
			h2++
		}
	}
	mean := func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	}
	check := func(what string, got Stat, xs []float64) {
		t.Helper()
		near(t, what+" mean", float64(got.Mean), mean(xs))
		near(t, what+" lo", float64(got.Lo), r7(xs, 0.05))
		near(t, what+" hi", float64(got.Hi), r7(xs, 0.95))
	}
	p := r.Profiles["baseline"]
	check("time(war)", p.Time["war"], times)
	check("value(A)", p.Value["A"].Total, values)
	near(t, "mean reach(war, 24)", float64(p.Reach["war"][24]), mean(reach24))
	negValues := make([]float64, len(values))
	for i, v := range values {
		negValues[i] = -v
	}
	check("value(B) zero-sum", p.Value["B"].Components["material"], negValues)
	if r.Draws != draws || r.Seed != seed {
		t.Errorf("draws/seed = %d/%d", r.Draws, r.Seed)
	}
	near(t, "H1 share", r.Hypotheses[0].HoldsShare, float64(h1)/draws)
	near(t, "H2 share", r.Hypotheses[1].HoldsShare, float64(h2)/draws)
	if h1 == 0 || h1 == draws {
		t.Errorf("H1 holds in %d of %d draws: the test should exercise both outcomes", h1, draws)
	}
	if want := Verdict(float64(h1) / draws); r.Hypotheses[0].Verdict != want {
		t.Errorf("verdict %q, want %q", r.Hypotheses[0].Verdict, want)
	}
}

func TestVerdictThresholds(t *testing.T) {
	for _, tc := range []struct {
		share float64
		want  string
	}{{1, "supported"}, {0.9, "supported"}, {0.89, "uncertain"}, {0.5, "uncertain"}, {0.11, "uncertain"}, {0.1, "rejected"}, {0, "rejected"}} {
		if got := Verdict(tc.share); got != tc.want {
			t.Errorf("Verdict(%v) = %q, want %q", tc.share, got, tc.want)
		}
	}
}

// TestMonteCarloAgreesWithExact: every Monte Carlo figure lies within 4
// standard errors of the exact value of the same draw.
func TestMonteCarloAgreesWithExact(t *testing.T) {
	for _, f := range []string{"../examples/two-state.yaml", "../examples/tit-for-tat.yaml", "../examples/prestige.yaml", "testdata/uncertain.yaml"} {
		sc := loadFile(t, f)
		r, err := Simulate(context.Background(), sc, SimulateOptions{Runs: 20000, Seed: 42, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Checks) < 6 {
			t.Fatalf("%s: only %d checks", f, len(r.Checks))
		}
		for _, c := range r.Checks {
			z := float64(c.Z)
			if math.IsNaN(z) || math.Abs(z) > 4 {
				t.Errorf("%s: %s: monte carlo %v ± %v, exact %v (z = %v)", f, c.Figure, c.Mean, c.SE, c.Exact, z)
			}
		}
		if float64(r.MaxAbsZ) > 4 {
			t.Errorf("%s: max |z| = %v", f, r.MaxAbsZ)
		}
	}
}

func TestAnalyzeDeterministicAcrossWorkers(t *testing.T) {
	sc := loadFile(t, "testdata/uncertain.yaml")
	var first []byte
	for _, w := range []int{1, 2, 8} {
		r, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: 150, Seed: 9, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		b, err := r.JSON()
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = b
		} else if string(b) != string(first) {
			t.Errorf("workers %d: JSON differs", w)
		}
	}
}

func TestAnalyzeCancelled(t *testing.T) {
	sc := loadFile(t, "testdata/uncertain.yaml")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Analyze(ctx, sc, AnalyzeOptions{Draws: 100}); err == nil {
		t.Fatal("cancelled Analyze returned no error")
	}
}

func TestDistributions(t *testing.T) {
	dists := []Dist{
		{Kind: "uniform", Min: 1, Max: 3},
		{Kind: "triangular", Min: 1, Mode: 3, Max: 8},
		{Kind: "normal", Mean: 2, SD: 0.5},
		{Kind: "normal", Mean: 0, SD: 1, Min: 0.5, HasMin: true, Max: 2, HasMax: true},
		{Kind: "lognormal", Mu: 0.1, Sigma: 0.3},
		{Kind: "beta", A: 2, B: 5},
		{Kind: "choice", Values: []float64{1, 2, 10}, Weights: []float64{1, 3, 0}},
	}
	// Means by formula (truncated normal: φ(a)-φ(b) over Φ(b)-Φ(a)).
	phi := func(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }
	cdf := func(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
	means := []float64{2, 4, 2, (phi(0.5) - phi(2)) / (cdf(2) - cdf(0.5)), math.Exp(0.1 + 0.09/2), 2.0 / 7, 1.75}
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 200000
	for i, d := range dists {
		lo, hi := d.Bounds()
		sum, sq := 0.0, 0.0
		for k := 0; k < n; k++ {
			x := d.Sample(rng)
			sum += x
			sq += x * x
			bounded := d.Kind == "uniform" || d.Kind == "triangular" || d.Kind == "choice" || d.Kind == "beta" || d.HasMin
			if bounded && d.Kind != "beta" && (x < lo || x > hi) {
				t.Fatalf("%s: sample %v outside [%v, %v]", d.Kind, x, lo, hi)
			}
			if d.Kind == "beta" && (x < 0 || x > 1) {
				t.Fatalf("beta sample %v outside [0,1]", x)
			}
			if d.Kind == "choice" && x == 10 {
				t.Fatalf("choice drew a value of weight 0")
			}
		}
		m := sum / n
		se := math.Sqrt((sq/n - m*m) / n)
		if math.Abs(m-means[i]) > 5*se {
			t.Errorf("%s: sample mean %v, want %v (se %v)", d.Kind, m, means[i], se)
		}
		if d.Kind != "normal" || !d.HasMin {
			if c := d.Central(); d.Kind != "choice" && math.Abs(c-means[i]) > 1e-12 {
				t.Errorf("%s: central %v, want the mean %v", d.Kind, c, means[i])
			}
		}
	}
	if c := dists[6].Central(); c != 2 {
		t.Errorf("choice central = %v, want the most likely value 2", c)
	}
}

// TestEquilibriumProfiles: {solve: markov-perfect} profiles are skipped by
// default and solved on every draw when asked for.
func TestEquilibriumProfiles(t *testing.T) {
	src := replaceOnce(base, "  base: {US: calm, IR: calm}", "  base: {US: calm, IR: calm}\n  eq: {solve: markov-perfect}\n  eq2: equilibrium")
	src = replaceOnce(src, "    US: {payoff: -5}", "    US: {payoff: -5}\n    IR: {payoff: -5}\n  - {in: truce, when: {US: strike}, US: {payoff: 1}}")
	sc, ds := Parse("eq.yaml", []byte(src))
	if sc == nil {
		t.Fatal(ds)
	}
	r, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Profiles["eq"]; ok || len(r.Skipped) != 2 || r.Skipped[0] != "eq" || r.Skipped[1] != "eq2" {
		t.Fatalf("default run: profiles %v, skipped %v", r.ProfileOrder, r.Skipped)
	}
	const draws = 20
	r, err = Analyze(context.Background(), sc, AnalyzeOptions{Profiles: []string{"eq"}, Draws: draws, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := r.Profiles["eq"]
	if p == nil || p.Solve != "markov-perfect" {
		t.Fatalf("eq not analysed: %+v", r.Profiles)
	}
	// Striking pays the US 1 per step and brings war (-5 on entry) with
	// probability p. Holding forever is worth 0; deviating to one strike
	// is worth 1 - 0.9·5p, so the US strikes in the (unique) MPE iff
	// p < 2/9, and then war is certain; otherwise it never comes.
	want, both := 0.0, map[bool]bool{}
	for i := 0; i < draws; i++ {
		strikes := sc.DrawAt(1, i).Values[0] < 2.0/9
		both[strikes] = true
		if strikes {
			want++
		}
	}
	if len(both) != 2 {
		t.Fatalf("draws do not exercise both equilibria")
	}
	near(t, "absorb(war) in equilibrium", float64(p.Absorb["war"].Mean), want/draws)
}
