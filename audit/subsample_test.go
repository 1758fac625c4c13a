package audit

import (
	"context"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/truce-dev/truce/scenario"
)

// With Costly, a hypothesis with draws: N is audited on the first N draws: its share
// is the share of those draws (closed form 1 - (1-p)^24 > 0.85 per draw)
// and the report says on how many it was evaluated.
func TestAuditSubsample(t *testing.T) {
	const file = "../scenario/testdata/subsample.yaml"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), file, src, Options{Draws: 40, Seed: 3, Workers: 1, Costly: true})
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := scenario.Parse(file, src)
	held := 0
	for i := 0; i < 13; i++ {
		if p := sc.DrawAt(3, i).Values[0]; 1-math.Pow(1-p, 24) > 0.85 {
			held++
		}
	}
	h1, h3 := rep.Baseline[0], rep.Baseline[2]
	if h1.Evaluated != 0 || h3.Evaluated != 13 {
		t.Errorf("evaluated: H1 %d, H3 %d; want 0 and 13", h1.Evaluated, h3.Evaluated)
	}
	if want := float64(held) / 13; h3.Share != want {
		t.Errorf("H3 share %v, want %v (%d of the first 13 draws)", h3.Share, want, held)
	}
}

// By default the hypotheses with their own draws: are left out of the
// file's shares and of every variant and listed as not audited; the
// definitional check still reads them (H5 reads only a parameter). The
// other hypotheses' shares, in the file and in every variant, are those
// of the run that audits everything (Costly): leaving the costly ones out
// changes nothing else.
func TestAuditLeavesCostlyOut(t *testing.T) {
	const file = "../scenario/testdata/subsample.yaml"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	src = append(src, "  - {id: H5, claim: war is unlikely each step, expr: 'p_war < 0.5', draws: 5}\n"...)
	def, err := Run(context.Background(), file, src, Options{Draws: 20, Seed: 3, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	all, err := Run(context.Background(), file, src, Options{Draws: 20, Seed: 3, Workers: 1, Costly: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []scenario.SkippedHypothesis{
		{ID: "H3", Claim: "H1 on a subsample", Draws: 13},
		{ID: "H4", Claim: "war takes more than eight steps on average", Draws: 9},
		{ID: "H5", Claim: "war is unlikely each step", Draws: 5},
	}
	if !reflect.DeepEqual(def.NotAudited, want) || all.NotAudited != nil {
		t.Errorf("not audited: %+v by default, %+v with Costly", def.NotAudited, all.NotAudited)
	}
	var ids []string
	for _, v := range def.Baseline {
		ids = append(ids, v.Hypothesis)
	}
	if !reflect.DeepEqual(ids, []string{"H1", "H2"}) || len(all.Baseline) != 5 {
		t.Fatalf("baseline: %v by default, %d hypotheses with Costly", ids, len(all.Baseline))
	}
	if !reflect.DeepEqual(def.Baseline, all.Baseline[:2]) {
		t.Errorf("H1, H2 on the file: %+v by default, %+v with Costly", def.Baseline, all.Baseline[:2])
	}
	costly := map[string]bool{"H3": true, "H4": true, "H5": true}
	var kept []Flip
	for _, f := range all.Flips {
		if !costly[f.Hypothesis] {
			kept = append(kept, f)
		}
	}
	for _, f := range def.Flips {
		if costly[f.Hypothesis] {
			t.Errorf("a flip of %s, which is not audited: %+v", f.Hypothesis, f)
		}
	}
	if !reflect.DeepEqual(def.Flips, kept) || def.Tested != all.Tested || def.Tested == 0 {
		t.Errorf("flips of H1, H2: %d by default, %d with Costly; variants %d and %d", len(def.Flips), len(kept), def.Tested, all.Tested)
	}
	for _, fx := range def.Fixed {
		if costly[fx.Hypothesis] {
			t.Errorf("%s listed as fixed, but it is not audited", fx.Hypothesis)
		}
	}
	flagged := func(r *Report) bool {
		for _, d := range r.Definitional {
			if d.Hypothesis == "H5" && d.Kind == DefParametersOnly {
				return true
			}
		}
		return false
	}
	if !flagged(def) || !flagged(all) {
		t.Errorf("H5 reads only a parameter: definitional %+v by default, %+v with Costly", def.Definitional, all.Definitional)
	}
}

// A file whose every hypothesis is costly has nothing to audit by default:
// the error names the flag that audits them.
func TestAuditAllCostly(t *testing.T) {
	src := []byte(strings.Replace(string(readFile(t, "../scenario/testdata/subsample.yaml")), "hypotheses:\n", "hypotheses:\n  - {id: H0, claim: x, expr: 'p_war < 0.5', draws: 3}\n", 1))
	i := strings.Index(string(src), "  - {id: H1")
	j := strings.Index(string(src), "  - {id: H3")
	src = append(src[:i:i], src[j:]...)
	_, err := Run(context.Background(), "f.yaml", src, Options{Draws: 5, Seed: 1})
	if err == nil || !strings.Contains(err.Error(), "--audit-costly") {
		t.Fatalf("all costly: %v", err)
	}
	if _, err := Run(context.Background(), "f.yaml", src, Options{Draws: 5, Seed: 1, Costly: true}); err != nil {
		t.Fatalf("all costly, audited: %v", err)
	}
}
