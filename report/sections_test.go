package report

import (
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/truce-dev/truce/evidence/forecast"
)

// fullFixture is fixture with every optional section filled.
func fullFixture() Input {
	in := fixture()
	in.Global = &Global{Method: "test", Outputs: []GlobalOutput{{Output: "H1", Hypothesis: true, Mean: 0.5,
		Indices: []GlobalIndex{{Param: "p_war", First: 0.4, Total: 0.6, FirstCI: [2]float64{0.3, 0.5}, TotalCI: [2]float64{0.5, 0.7}}}}}}
	in.Discoveries = []Discovery{{Hypothesis: "H1", Share: 0.5, Box: "p_war ≥ 0.2", Coverage: 0.8, Density: 0.9, Events: 50,
		Tradeoff: [][2]float64{{1, 0.5}, {0.8, 0.9}}, Chosen: 1}}
	in.Leverage = &Leverage{Initial: "truce",
		Responses: []LeverageResponse{{Profile: "base", Actor: "A", ProfileValue: 1, BestValue: 2, Gain: 1, Changes: []string{"truce: wait → fight (loses 1 there)"}},
			{Profile: "base", Actor: "B", ProfileValue: 3, BestValue: 3}},
		Commitments: []LeverageCommitment{{Leader: "A", Follower: "B", Commitment: []string{"truce: wait"}, Response: []string{"truce: wait"},
			LeaderValue: 2, HasEquilibrium: true, EquilibriumValue: 1.5, ValueOfCommitment: 0.5, Method: "search", Tried: 10}},
		Notes: []string{"a note"}}
	in.Audit = &Audit{Summary: "3 variants", Flips: []AuditRow{{Hypothesis: "H1", At: "f.yaml:1:1", What: "x", Detail: "y"}}}
	in.Ordinal = &Ordinal{Title: "t", Sanctions: "s", DMs: []string{"A", "B"}, Concepts: []string{"Nash"},
		States: []OrdinalState{{Code: 0, Options: "none", Ranks: []int{1, 2}, Stable: [][]bool{{true}, {true}}},
			{Code: 1, Options: "A: go", Ranks: []int{2, 1}, Stable: [][]bool{{false}, {true}}}},
		Graph: &OrdinalGraph{From: 0, Truncated: true, Nodes: []OrdinalNode{{Code: 0}, {Code: 1, Depth: 1, Equilibrium: []string{"Nash"}}},
			Edges: []OrdinalEdge{{DM: 0, From: 0, To: 1}}}}
	in.Evidence = &Evidence{Record: "the scenario's history: 3 rows, to 2026-03-02", Where: "at the central parameter values", Sims: 1000, WarnBelow: 0.05,
		Profiles: []RetroRow{{Profile: "base", LogL: math.Log(0.0151), Surprise: 0.034}, {Profile: "alt", LogL: math.Log(0.3), Surprise: 0.6},
			{Profile: "never", LogL: math.Inf(-1), ImpossibleAt: "2026-03-02"}},
		Warnings: []string{"profile base: only 3.4% of records simulated from the model are as improbable as the dated past"}}
	var led []forecast.Scored
	for i := range 12 {
		led = append(led, forecast.Scored{Source: "model", P: float64(i) / 12, Yes: i%3 == 0}, forecast.Scored{Source: "analyst:desk", P: 0.3, Yes: i%2 == 0})
	}
	AddForecasts(&in, "sqlite:/tmp/ledger.db", forecast.Score(led, 10), len(led), 2)
	return in
}

// TestSectionRegistry: the page draws exactly the registered sections, in
// the registry's order, each with its registered heading, each listed in
// the contents in the same order; every section template is registered
// and every registered section has a template.
func TestSectionRegistry(t *testing.T) {
	ids, titles := map[string]bool{}, map[string]bool{}
	for _, s := range sections {
		if ids[s.ID] || titles[s.Title] {
			t.Errorf("section %q / %q registered twice", s.ID, s.Title)
		}
		ids[s.ID], titles[s.Title] = true, true
		if pageTmpl().Lookup("sec-"+s.ID) == nil {
			t.Errorf("section %s has no template sec-%s", s.ID, s.ID)
		}
	}
	for _, tm := range pageTmpl().Templates() {
		if id, ok := strings.CutPrefix(tm.Name(), "sec-"); ok && !ids[id] {
			t.Errorf("template %s is not a registered section", tm.Name())
		}
	}
	for _, tc := range []struct {
		name string
		in   Input
	}{{"full", fullFixture()}, {"fixture", fixture()}, {"states only", Input{Title: "x", States: []State{{ID: "a", Initial: true}}}}} {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, tc.in)
			drawn := regexp.MustCompile(`<section id="([^"]*)">\n<h2>([^<]*)</h2>`).FindAllStringSubmatch(out, -1)
			if n := strings.Count(out, "<section"); n != len(drawn) {
				t.Errorf("%d <section> elements, %d of them drawn from the registry", n, len(drawn))
			}
			toc := regexp.MustCompile(`<li><a href="#([^"]*)">([^<]*)</a></li>`).FindAllStringSubmatch(out, -1)
			if len(toc) != len(drawn) {
				t.Fatalf("contents list %d sections, the page draws %d", len(toc), len(drawn))
			}
			k := 0
			for _, s := range sections {
				if k < len(drawn) && drawn[k][1] == s.ID {
					if drawn[k][2] != esc(s.Title) || toc[k][1] != s.ID || toc[k][2] != esc(s.Title) {
						t.Errorf("section %s: heading %q, contents %q %q; registered %q", s.ID, drawn[k][2], toc[k][1], toc[k][2], s.Title)
					}
					k++
				}
			}
			if k != len(drawn) {
				t.Errorf("sections drawn out of registry order: %v", drawn)
			}
			if tc.name == "full" && k != len(sections) {
				t.Errorf("the full fixture draws %d of %d sections", k, len(sections))
			}
			// cross-references point at sections that are on the page
			for _, m := range regexp.MustCompile(`<a href="#([^"]*)">`).FindAllStringSubmatch(out, -1) {
				if !strings.Contains(out, `<section id="`+m[1]+`">`) {
					t.Errorf("link to #%s, which the page does not draw", m[1])
				}
			}
		})
	}
}
