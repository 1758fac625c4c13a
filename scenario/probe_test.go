package scenario

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
)

// fixedAt is sc with every parameter fixed at values.
func fixedAt(sc *Scenario, values []float64) *Scenario {
	cp := *sc
	cp.Parameters = append([]Parameter(nil), sc.Parameters...)
	for i := range cp.Parameters {
		cp.Parameters[i].Dist = Dist{Kind: "fixed", Value: values[i]}
	}
	return &cp
}

// A probe at a draw's parameter values gives the figures Analyze reports
// for that single draw: every hypothesis quantity and every verdict.
func TestProbeMatchesAnalyze(t *testing.T) {
	sc := loadFile(t, "../scenarios/us-iran-2026.yaml")
	// The claims with their own draws: (a set search per draw) are not
	// what this tests: left out, as --hypothesis-draws none does.
	sc.SkipSubsampled()
	p, err := sc.NewProbe(ProbeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	keys := p.Outputs()
	if len(keys) != len(sc.quantities) {
		t.Fatalf("%d default outputs, want the %d hypothesis quantities", len(keys), len(sc.quantities))
	}
	out := make([]float64, len(keys))
	holds := make([]bool, len(sc.Hypotheses))
	ctx := context.Background()
	for i := range 3 {
		d := sc.DrawAt(5, i)
		if err := p.Eval(ctx, d.Values, "test point", out, holds); err != nil {
			t.Fatal(err)
		}
		ar, err := Analyze(ctx, fixedAt(sc, d.Values), AnalyzeOptions{Draws: 1, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		for h, hr := range ar.Hypotheses {
			if holds[h] != (hr.HoldsShare == 1) {
				t.Errorf("draw %d, %s: probe holds=%v, analyze share %v", i, hr.ID, holds[h], hr.HoldsShare)
			}
			for k, v := range hr.Quantities {
				j := indexOf(keys, k)
				if j < 0 {
					t.Fatalf("quantity %s of %s is not an output", k, hr.ID)
				}
				if math.Abs(out[j]-float64(v)) > 1e-12*math.Max(1, math.Abs(float64(v))) {
					t.Errorf("draw %d, %s: probe %v, analyze %v", i, k, out[j], v)
				}
			}
		}
	}
}

func indexOf(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

func TestProbeOutputs(t *testing.T) {
	sc := loadFile(t, "../scenarios/us-iran-2026.yaml")
	sc.SkipSubsampled() // its set claims cost a search per point
	quantities := len(sc.quantities)
	p, err := sc.NewProbe(ProbeOptions{Outputs: []string{
		`reach("war", 10, "baseline")`,
		`value("US", "baseline") - value("US", "engage_intr")`,
		`reach( 'war' , 52 , "baseline" )`,
		`2 * p_talks`,
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`reach("war", 10, "baseline")`, `value("US", "baseline") - value("US", "engage_intr")`, `reach("war", 52, "baseline")`, `2 * p_talks`}
	if got := p.Outputs(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("outputs %q, want %q", got, want)
	}
	// The scenario itself gains no quantity.
	if n := len(sc.quantities); n != quantities {
		t.Fatalf("probe changed the scenario's quantities (%d)", n)
	}
	c := sc.Central()
	out := make([]float64, 4)
	holds := make([]bool, len(sc.Hypotheses))
	if err := p.Eval(context.Background(), c.Values, "centre", out, holds); err != nil {
		t.Fatal(err)
	}
	all, _ := sc.NewProbe(ProbeOptions{Outputs: []string{`reach("war", 10, "baseline")`, `value("US", "baseline")`, `value("US", "engage_intr")`, `reach("war", 52, "baseline")`}})
	ref := make([]float64, 4)
	if err := all.Eval(context.Background(), c.Values, "centre", ref, holds); err != nil {
		t.Fatal(err)
	}
	pt := c.Values[indexOfParam(sc, "p_talks")]
	for i, w := range []float64{ref[0], ref[1] - ref[2], ref[3], 2 * pt} {
		if math.Abs(out[i]-w) > 1e-12 {
			t.Errorf("output %s = %v, want %v", want[i], out[i], w)
		}
	}
	if !(out[0] > 0 && out[0] < out[2]) {
		t.Errorf("reach of war by step 10 (%v) should be positive and below that by step 52 (%v)", out[0], out[2])
	}
}

func indexOfParam(sc *Scenario, name string) int {
	for i, p := range sc.Parameters {
		if p.Name == name {
			return i
		}
	}
	return -1
}

func TestProbeBadOutputs(t *testing.T) {
	sc := loadFile(t, "../scenarios/us-iran-2026.yaml")
	for _, c := range []struct{ out, want string }{
		{`reach("wr", 52, "baseline")`, `column 7: unknown state "wr" (hint: did you mean "war"?)`},
		{`reach("war", 99, "baseline")`, `outside the horizon`},
		{`value("US", "nope")`, `unknown profile "nope"`},
		{`reach("war", 52, "baseline") < 0.1`, `an output is a number`},
		{`p_tlks`, `unknown parameter "p_tlks"`},
		{``, `empty expression`},
	} {
		_, err := sc.NewProbe(ProbeOptions{Outputs: []string{c.out}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("output %q: error %v, want it to contain %q", c.out, err, c.want)
		}
	}
}

// Every name a hypothesis may use is known to the output compiler: each
// hypothesis, turned into a 0/1 number, compiles as an output and agrees
// with the hypothesis.
func TestProbeOutputsKnowHypothesisNames(t *testing.T) {
	sc := loadFile(t, "../scenarios/us-iran-2026.yaml")
	// The claims with their own draws: (a set search per draw) are not
	// what this tests: left out, as --hypothesis-draws none does.
	sc.SkipSubsampled()
	var outs []string
	for _, h := range sc.Hypotheses {
		outs = append(outs, "("+h.Expr+") ? 1 : 0")
	}
	p, err := sc.NewProbe(ProbeOptions{Outputs: outs})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, len(outs))
	holds := make([]bool, len(sc.Hypotheses))
	d := sc.DrawAt(1, 3)
	if err := p.Eval(context.Background(), d.Values, "test", out, holds); err != nil {
		t.Fatal(err)
	}
	for h := range holds {
		if (out[h] == 1) != holds[h] {
			t.Errorf("%s: as output %v, as hypothesis %v", sc.Hypotheses[h].ID, out[h], holds[h])
		}
	}
}

// BenchmarkProbeUSIran is one design point of a global sensitivity run on
// the bundled scenario: every hypothesis quantity and verdict (seven
// profiles analysed, only the states read).
func BenchmarkProbeUSIran(b *testing.B) {
	sc := loadFile(b, "../scenarios/us-iran-2026.yaml")
	p, err := sc.NewProbe(ProbeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	out := make([]float64, len(p.Outputs()))
	holds := make([]bool, len(sc.Hypotheses))
	draws := make([][]float64, 64)
	for i := range draws {
		draws[i] = sc.DrawAt(1, i).Values
	}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Eval(context.Background(), draws[i%len(draws)], "bench", out, holds); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func TestProbeHypothesisSubset(t *testing.T) {
	// The scenario before #17, whose H1 reads parameters only.
	sc := loadFile(t, "../scenarios/testdata/us-iran-2026-v1.yaml")
	p, err := sc.NewProbe(ProbeOptions{Hypotheses: []string{"H6", "H1"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.Hypotheses(), ","); got != "H1,H6" {
		t.Fatalf("hypotheses %s", got)
	}
	if got := strings.Join(p.Outputs(), ","); got != `reach("war", 52, "baseline")` {
		t.Fatalf("outputs %s", got)
	}
	if len(p.profiles) != 1 || sc.Profiles[p.profiles[0]].Name != "baseline" || len(p.needs[p.profiles[0]].states) != 1 {
		t.Fatalf("analyses planned: profiles %v, needs %+v", p.profiles, p.needs)
	}
	all, _ := sc.NewProbe(ProbeOptions{})
	d := sc.DrawAt(2, 0)
	out, holds := make([]float64, 1), make([]bool, 2)
	allOut, allHolds := make([]float64, len(all.Outputs())), make([]bool, len(sc.Hypotheses))
	if err := p.Eval(context.Background(), d.Values, "x", out, holds); err != nil {
		t.Fatal(err)
	}
	if err := all.Eval(context.Background(), d.Values, "x", allOut, allHolds); err != nil {
		t.Fatal(err)
	}
	if holds[0] != allHolds[0] || holds[1] != allHolds[5] || out[0] != allOut[indexOf(all.Outputs(), p.Outputs()[0])] {
		t.Fatalf("subset %v %v, all %v %v", out, holds, allOut, allHolds)
	}
	if _, err := sc.NewProbe(ProbeOptions{Hypotheses: []string{"H13"}}); err == nil || !strings.Contains(err.Error(), `no hypothesis "H13"`) {
		t.Fatalf("unknown hypothesis: %v", err)
	}
	none, err := sc.NewProbe(ProbeOptions{Hypotheses: []string{}, Outputs: []string{`absorb("peace", "engage_comply")`}})
	if err != nil || len(none.Hypotheses()) != 0 || len(none.profiles) != 1 {
		t.Fatalf("no hypotheses: %v %v", none, err)
	}
}

// A probe reuses each profile's chain layout from one point to the next
// (markov.Chain.Refill); the figures are bit for bit those of a probe that
// builds every chain afresh, on scenarios with memory-one rules, a clock,
// figures from every start and an equilibrium profile.
func TestProbeReuseMatchesFresh(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		file string
		opt  ProbeOptions
	}{
		{"../scenarios/us-iran-2026.yaml", ProbeOptions{}},
		{"../examples/tit-for-tat.yaml", ProbeOptions{}},
		{"testdata/deadline.yaml", ProbeOptions{}},
		{"testdata/ruin.yaml", ProbeOptions{}},
		{"testdata/leverage.yaml", ProbeOptions{Outputs: []string{`value("US", "equilibrium")`, `absorb("talks_over", "threat")`}}},
		{"testdata/uncertain.yaml", ProbeOptions{}},
	} {
		sc := loadFile(t, c.file)
		sc.SkipSubsampled() // the bundled file's set claims cost a search per point
		reused, err := sc.NewProbe(c.opt)
		if err != nil {
			t.Fatal(err)
		}
		n, h := len(reused.Outputs()), len(reused.Hypotheses())
		points := make([][]float64, 12)
		for i := range points {
			points[i] = sc.DrawAt(3, i).Values
		}
		if c.file == "testdata/uncertain.yaml" {
			// war unreachable, then reachable, then not again: the
			// layout changes and the probe must build anew each time
			points = append(points, []float64{0}, []float64{0.2}, []float64{0}, []float64{1}, []float64{0.5})
		}
		for i, v := range points {
			d := Draw{Values: v}
			got, gotH := make([]float64, n), make([]bool, h)
			if err := reused.Eval(ctx, d.Values, "reused", got, gotH); err != nil {
				t.Fatalf("%s: %v", c.file, err)
			}
			fresh, err := sc.NewProbe(c.opt)
			if err != nil {
				t.Fatal(err)
			}
			want, wantH := make([]float64, n), make([]bool, h)
			if err := fresh.Eval(ctx, d.Values, "fresh", want, wantH); err != nil {
				t.Fatalf("%s: %v", c.file, err)
			}
			for k := range got {
				if math.Float64bits(got[k]) != math.Float64bits(want[k]) {
					t.Fatalf("%s point %d: %s = %v reusing the chain, %v afresh", c.file, i, reused.Outputs()[k], got[k], want[k])
				}
			}
			if !slices.Equal(gotH, wantH) {
				t.Fatalf("%s point %d: verdicts %v reusing the chain, %v afresh", c.file, i, gotH, wantH)
			}
		}
	}
}
