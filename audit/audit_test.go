package audit

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/truce-dev/truce/scenario"
)

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// The planted definitional hypothesis and rule-order artefact are flagged
// at their lines.
func TestAuditPlanted(t *testing.T) {
	src := readFile(t, "testdata/planted.yaml")
	rep, err := Run(context.Background(), "planted.yaml", src, Options{Draws: 100, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var def *Definitional
	for i := range rep.Definitional {
		if rep.Definitional[i].Hypothesis == "H1" {
			def = &rep.Definitional[i]
		}
		if h := rep.Definitional[i].Hypothesis; h != "H1" {
			t.Errorf("%s flagged as definitional: %s", h, rep.Definitional[i].Text)
		}
	}
	if def == nil || def.Kind != DefRestates || def.Pos.Line != 62 || len(def.Matches) != 1 ||
		def.Matches[0].Expr != "-war_cost" || len(def.Matches[0].Rules) != 1 || def.Matches[0].Rules[0].Line != 48 ||
		!strings.Contains(def.Matches[0].Meaning, "worth to A of entering war") {
		t.Fatalf("H1 definitional: %+v", def)
	}
	var order *Flip
	for i, f := range rep.Flips {
		if f.Hypothesis == "H2" && f.Perturbation.Kind == KindOrder {
			order = &rep.Flips[i]
		}
	}
	if order == nil {
		t.Fatalf("no rule-order flip of H2 among %d flips", len(rep.Flips))
	}
	p := order.Perturbation
	if p.Pos.Line != 38 || !strings.Contains(p.What, "lines 35 and 38") || !strings.Contains(p.What, "A: attack, B: defend") ||
		order.VerdictFrom != "supported" || order.VerdictTo != "rejected" {
		t.Fatalf("rule-order flip: %+v", order)
	}
	// H1 holds in every draw and nothing in the file moves it: its reason
	// is that it restates a payoff.
	var h1 *Fixed
	for i := range rep.Fixed {
		if rep.Fixed[i].Hypothesis == "H1" {
			h1 = &rep.Fixed[i]
		}
	}
	if h1 == nil || !h1.Holds || len(h1.Reasons) != 1 || len(h1.BrokenBy) != 0 {
		t.Fatalf("H1 fixed: %+v", h1)
	}
	if rep.Tested == 0 || len(rep.NotTested) == 0 {
		t.Errorf("tested %d, not tested %d", rep.Tested, len(rep.NotTested))
	}
}

// Every variant of the bundled scenario is a valid scenario that differs
// from the original exactly where the element is.
func TestVariantsParse(t *testing.T) {
	for _, path := range []string{"../scenarios/us-iran-2026.yaml", "../scenarios/testdata/us-iran-2026-v1.yaml", "testdata/planted.yaml", "../examples/crises/brinkmanship.yaml"} {
		src := readFile(t, path)
		sc, ds := scenario.Parse(path, src)
		if sc == nil {
			t.Fatal(ds)
		}
		s, err := newSource(src)
		if err != nil {
			t.Fatal(err)
		}
		pert := perturbations(s, sc)
		kinds := map[string]int{}
		for _, p := range pert {
			kinds[p.Kind]++
			if p.skip != "" {
				continue // not varied, with why (TestEndingVariantsParse)
			}
			v := s.apply(p.edits)
			if string(v) == string(src) {
				t.Errorf("%s: %s %s: the variant is the file itself", path, p.What, p.Change)
			}
			vsc, ds := scenario.Parse(path, v)
			if vsc == nil {
				t.Errorf("%s: %s (%s) does not parse: %v", path, p.What, p.Change, ds[0])
			}
			if vsc != nil && len(vsc.Hypotheses) != len(sc.Hypotheses) {
				t.Errorf("%s: %s changes the hypotheses", path, p.What)
			}
		}
		// The rebuilt scenario writes its pure strategies as action names
		// and its mixtures as expressions of parameters: both are varied
		// (they were not before, and the audit tried no strategy of it).
		if path == "../scenarios/us-iran-2026.yaml" {
			want := map[string]string{
				// "*": hold of selective_control
				`"*": {hold: 0.75, pressure: 0.08333333333333333, strike: 0.08333333333333333, war: 0.08333333333333333}`: "",
				// intransigence's "*" mixture, a quarter moved onto hormuz
				`"*": {intransigent: 0.75 * (1 - ir_probe), hormuz: 0.75 * (ir_probe) + 0.25}`: "",
				// a reaction rule's play
				`{after: {IR: hormuz}, play: {strike: 0.75, pressure: 0.08333333333333333, war: 0.08333333333333333, hold: 0.08333333333333333}}`: "",
			}
			for _, p := range pert {
				if p.Kind != KindMixture {
					continue
				}
				v := string(s.apply(p.edits))
				for w := range want {
					if strings.Contains(v, w) && !strings.Contains(string(src), w) {
						want[w] = fmt.Sprintf("%d:%d", p.Pos.Line, p.Pos.Col)
					}
				}
			}
			for w, at := range want {
				if at == "" {
					t.Errorf("no mixture variant writes %s", w)
				}
			}
		}
		// The scenario before #17 has a variant of every kind (the rebuilt
		// one writes its discounts as parameters).
		if path == "../scenarios/testdata/us-iran-2026-v1.yaml" {
			for _, k := range []string{KindNumber, KindDiscount, KindWeight, KindMixture, KindOrder, KindEnding} {
				if kinds[k] == 0 {
					t.Errorf("no %s variant of the scenario before #17", k)
				}
			}
		}
	}
}

// A seeded audit gives the same report for any number of workers.
func TestAuditWorkers(t *testing.T) {
	src := readFile(t, "testdata/planted.yaml")
	var ref string
	for _, w := range []int{1, 2, 8} {
		rep, err := Run(context.Background(), "planted.yaml", src, Options{Draws: 30, Seed: 4, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprintf("%+v", rep)
		if w == 1 {
			ref = got
			continue
		}
		if got != ref {
			t.Fatalf("workers %d: report differs from workers 1", w)
		}
	}
}

// A state made an ending absorbs: the variant drops what the file plays
// or decides there, so it is analysed (not refused) and the planted
// ending that decides H1 is flagged at its line; the initial state is
// not varied, with why.
func TestAuditPlantedEnding(t *testing.T) {
	src := readFile(t, "testdata/planted-ending.yaml")
	rep, err := Run(context.Background(), "planted-ending.yaml", src, Options{Draws: 50, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var endings []Flip
	for _, f := range rep.Flips {
		if f.Perturbation.Kind == KindEnding {
			endings = append(endings, f)
		}
	}
	if len(endings) != 1 {
		t.Fatalf("ending flips: %+v", endings)
	}
	f := endings[0]
	if f.Hypothesis != "H1" || f.Perturbation.Pos != (scenario.Pos{Line: 32, Col: 9}) || f.VerdictFrom != "supported" || f.VerdictTo != "rejected" || f.After != 0 ||
		!strings.Contains(f.Perturbation.Change, "crisis made an ending") || !strings.Contains(f.Perturbation.Change, "drops its actions, 1 strategy entry, 1 rule from it alone, its name from 3 lists") {
		t.Fatalf("ending flip: %+v", f)
	}
	if rep.TestedByKind[KindEnding] != 3 { // crisis, brink, war
		t.Errorf("%d endings tested, want 3", rep.TestedByKind[KindEnding])
	}
	if len(rep.NotTested) != 1 || rep.NotTested[0].Perturbation.Pos.Line != 31 || !strings.Contains(rep.NotTested[0].Why, "calm is the initial state") {
		t.Errorf("not tested: %+v", rep.NotTested)
	}
}

// Every ending of the bundled scenario except the initial state's makes a
// valid variant.
func TestEndingVariantsParse(t *testing.T) {
	const file = "../scenarios/us-iran-2026.yaml"
	src := readFile(t, file)
	sc, ds := scenario.Parse(file, src)
	if sc == nil {
		t.Fatal(firstError(ds))
	}
	s, err := newSource(src)
	if err != nil {
		t.Fatal(err)
	}
	n, skipped := 0, 0
	for _, p := range perturbations(s, sc) {
		if p.Kind != KindEnding {
			continue
		}
		n++
		if p.skip != "" {
			skipped++
			if !strings.Contains(p.skip, "initial state") {
				t.Errorf("%s not varied: %s", p.What, p.skip)
			}
			continue
		}
		if vsc, ds := scenario.Parse(file, s.apply(p.edits)); vsc == nil {
			t.Errorf("%s: variant refused: %s", p.What, firstError(ds))
		}
	}
	if n != 9 || skipped != 1 {
		t.Errorf("%d endings, %d not varied; want 9 and 1", n, skipped)
	}
}
