package scenario_test

import (
	"context"
	"fmt"
	"os"

	"github.com/truce-dev/truce/scenario"
)

// Parse a scenario, then analyse it exactly.
func ExampleAnalyze() {
	src, err := os.ReadFile("../examples/two-state.yaml")
	if err != nil {
		panic(err)
	}
	sc, diags := scenario.Parse("two-state.yaml", src)
	if sc == nil {
		for _, d := range diags {
			fmt.Println(d)
		}
		return
	}
	r, err := scenario.Analyze(context.Background(), sc, scenario.AnalyzeOptions{Seed: 1})
	if err != nil {
		panic(err)
	}
	p := r.Profiles["baseline"]
	fmt.Printf("war by month 10: %.4f\n", p.Reach["war"][10])
	fmt.Printf("expected month of war: %.1f\n", p.Time["war"].Mean)
	fmt.Printf("%s: %s\n", r.Hypotheses[0].ID, r.Hypotheses[0].Verdict)
	// Output:
	// war by month 10: 0.6513
	// expected month of war: 10.0
	// H1: supported
}

// Diagnostics carry positions and hints.
func ExampleParse() {
	src := []byte("truce: 1\nhorizon: 5\ndiscount: 0.9\nactors: [{id: A}]\nstates: [{id: calm}]\ntransitions:\n  - {from: clam, to: {}}\n")
	_, diags := scenario.Parse("s.yaml", src)
	for _, d := range diags {
		fmt.Println(d)
	}
	// Output:
	// s.yaml:7:12: error: unknown state "clam" (hint: did you mean "calm"?)
}
