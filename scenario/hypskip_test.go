package scenario

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// SkipSubsampled (truce analyze --hypothesis-draws none) leaves out the
// hypotheses with their own draws: and the quantities only they read; the
// others keep the shares they have in a full run, and the report lists
// what it left out instead of giving it a verdict.
func TestSkipSubsampled(t *testing.T) {
	ctx := context.Background()
	opt := AnalyzeOptions{Draws: 20, Seed: 3, Workers: 2}
	full, err := Analyze(ctx, readScenario(t, "testdata/subsample.yaml"), opt)
	if err != nil {
		t.Fatal(err)
	}
	sc := readScenario(t, "testdata/subsample.yaml")
	skipped := sc.SkipSubsampled()
	if len(skipped) != 2 || skipped[0].ID != "H3" || skipped[1].ID != "H4" {
		t.Fatalf("skipped %v, want H3 and H4", skipped)
	}
	for _, q := range sc.quantities {
		if strings.HasPrefix(q.key, "time(") {
			t.Errorf("quantity %s, read only by the skipped H4, is still computed", q.key)
		}
	}
	rep, err := Analyze(ctx, sc, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Hypotheses) != 2 {
		t.Fatalf("report has %d hypotheses, want H1 and H2", len(rep.Hypotheses))
	}
	for i, h := range rep.Hypotheses {
		if h.ID != full.Hypotheses[i].ID || h.HoldsShare != full.Hypotheses[i].HoldsShare || h.Verdict != full.Hypotheses[i].Verdict {
			t.Errorf("%s: %v %s with the others skipped, %v %s in the full run", h.ID, h.HoldsShare, h.Verdict, full.Hypotheses[i].HoldsShare, full.Hypotheses[i].Verdict)
		}
	}
	ne := rep.NotEvaluated
	if ne == nil || len(ne.Hypotheses) != 2 || ne.Hypotheses[0] != (SkippedHypothesis{"H3", "H1 on a subsample", 13}) || ne.Hypotheses[1].ID != "H4" || ne.Hypotheses[1].Draws != 9 {
		t.Fatalf("not evaluated: %+v", ne)
	}
	ne.Command = "truce analyze x.yaml"
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"  H3  not evaluated  (draws: 13)  H1 on a subsample\n", "  H4  not evaluated  (draws: 9)", "evaluate them with: truce analyze x.yaml\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) > 1 && (f[0] == "H3" || f[0] == "H4") && f[1] != "not" {
			t.Errorf("a skipped hypothesis is shown as evaluated: %q", line)
		}
	}
	// Nothing to skip: nothing changes and nothing is listed.
	sc = readScenario(t, "testdata/uncertain.yaml")
	n := len(sc.Hypotheses)
	if got := sc.SkipSubsampled(); got != nil || len(sc.Hypotheses) != n || sc.NotEvaluatedReport("x") != nil {
		t.Errorf("a file without draws: lost hypotheses: %v", got)
	}
}

// A quantity compiled after SkipSubsampled dropped others (an output of a
// probe) gets a name of its own, not one a kept quantity already has.
func TestSkipSubsampledNewQuantityName(t *testing.T) {
	text, err := readFile("testdata/subsample.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(text, "hypotheses:\n",
		"hypotheses:\n  - {id: H0, claim: slow, expr: 'time(\"war\", \"baseline\") > 8', draws: 5}\n", 1)
	sc, ds := Parse("t.yaml", []byte(src))
	if sc == nil {
		t.Fatal(ds)
	}
	sc.SkipSubsampled()
	p, err := sc.NewProbe(ProbeOptions{Outputs: []string{`time("war", "baseline") + reach("war", 24, "baseline")`, `absorb("war", "baseline")`}})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, q := range p.quant {
		if other, ok := seen[q.ident]; ok {
			t.Errorf("%s and %s share the name %s", other, q.key, q.ident)
		}
		seen[q.ident] = q.key
	}
	if len(seen) != 4 {
		t.Errorf("probe reads %d quantities, want the hypotheses' reach and value, and time and absorb: %v", len(seen), seen)
	}
}
