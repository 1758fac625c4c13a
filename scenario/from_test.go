package scenario

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
)

// TestRuinFromEveryStart: figures from every start through the scenario
// layer (quantities and --from all) against the gambler's-ruin closed
// form, and the same figures from the initial state.
func TestRuinFromEveryStart(t *testing.T) {
	sc := loadFile(t, "testdata/ruin.yaml")
	r, err := Analyze(context.Background(), sc, AnalyzeOptions{From: true, States: []string{"k1"}})
	if err != nil {
		t.Fatal(err)
	}
	const p = 0.6
	q := 1 - p
	win := func(k int) float64 { return (1 - math.Pow(q/p, float64(k))) / (1 - math.Pow(q/p, 4)) }
	pr := r.Profiles["default"]
	for k, st := range []string{"broke", "k1", "k2", "k3", "rich"} {
		f := pr.From[st]
		near(t, "win from "+st, float64(f.Absorb["rich"].Mean), win(k))
		near(t, "ruin from "+st, float64(f.Absorb["broke"].Mean), 1-win(k))
		if _, ok := f.Absorb["k1"]; !ok {
			t.Errorf("from %s: no figures for the --states target k1", st)
		}
	}
	near(t, "from the initial state", float64(pr.From["k2"].Value["G"].Mean), float64(pr.Value["G"].Total.Mean))
	near(t, "absorb_from", float64(r.Hypotheses[0].Quantities[`absorb_from("rich", "default", "k3")`]), win(3))
	if r.Hypotheses[0].Verdict != "supported" {
		t.Errorf("H1 %s", r.Hypotheses[0].Verdict)
	}
	// From k1: ruin at step 1 w.p. 0.4; else k2, whence broke needs two more
	// steps at least (k1, broke): P(broke by 5 | k1) = 0.4 + 0.6·P(broke
	// within 4 | k2), counted path by path.
	byStep := map[int]float64{1: q}
	// k2 -> k1 -> broke (3 steps): p·q·q; k2 -> k3 -> k2 -> k1 -> broke or
	// k2 -> k1 -> k2 -> k1 -> broke (5 steps): 2·p·(p·q·q·q).
	byStep[3] = p * q * q
	byStep[5] = 2 * p * p * q * q * q
	want := 0.0
	for _, v := range byStep {
		want += v
	}
	near(t, "reach_from(broke, 5 | k1)", float64(r.Hypotheses[2].Quantities[`reach_from("broke", 5, "default", "k1")`]), want)
}

// TestEhrenfestScenario: a scenario without endings gets its long run:
// binomial shares, Kac recurrence times, period 2.
func TestEhrenfestScenario(t *testing.T) {
	sc := loadFile(t, "testdata/ehrenfest.yaml")
	r, err := Analyze(context.Background(), sc, AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	lr := r.Profiles["default"].LongRun
	if lr == nil {
		t.Fatal("no long run for a scenario without endings")
	}
	for k, c := range []float64{1, 4, 6, 4, 1} {
		st := fmt.Sprintf("b%d", k)
		near(t, "share "+st, float64(lr.Share[st].Mean), c/16)
		near(t, "recurrence "+st, float64(lr.Recurrence[st].Mean), 16/c)
	}
	if len(lr.Classes) != 1 || lr.Classes[0].Period != 2 {
		t.Errorf("classes %+v", lr.Classes)
	}
	near(t, "share quantity", float64(r.Hypotheses[0].Quantities[`share("b2", "default")`]), 6.0/16)
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "{b0, b1, b2, b3, b4} (period 2)") || !strings.Contains(b.String(), "the shares are averages over time") {
		t.Errorf("text output lacks the periodicity note:\n%s", b.String())
	}
}

// TestProbeReadsNewQuantities: a probe plans the figures the newer
// quantity functions read (truncated values, figures from other starts,
// the long run) and gives what Analyze gives.
func TestProbeReadsNewQuantities(t *testing.T) {
	sc := loadFile(t, "testdata/ruin.yaml")
	outs := []string{`value_by("G", 10, "default")`, `absorb_from("rich", "default", "k3")`, `share("rich", "default")`, `time_from("broke", "default", "k1")`}
	p, err := sc.NewProbe(ProbeOptions{Outputs: outs})
	if err != nil {
		t.Fatal(err)
	}
	out, holds := make([]float64, len(outs)), make([]bool, len(sc.Hypotheses))
	if err := p.Eval(context.Background(), sc.Central().Values, "central", out, holds); err != nil {
		t.Fatal(err)
	}
	src := "\n  - {id: P1, claim: c, expr: '" + strings.Join(outs, " + ") + " > -1000'}\n"
	b, err := os.ReadFile("testdata/ruin.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc2, ds := Parse("ruin.yaml", append(b, src...))
	if sc2 == nil {
		t.Fatal(ds)
	}
	r, err := Analyze(context.Background(), sc2, AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	q := r.Hypotheses[len(r.Hypotheses)-1].Quantities
	for i, o := range outs {
		near(t, o, out[i], float64(q[o]))
	}
	near(t, "share(rich)", out[2], (1-math.Pow(0.4/0.6, 2))/(1-math.Pow(0.4/0.6, 4)))
}
