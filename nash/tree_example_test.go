package nash_test

import (
	"context"
	"fmt"
	"math/big"

	"github.com/truce-dev/truce/game/gen"
	"github.com/truce-dev/truce/nash"
)

// The one-sided threat game: with an audience cost (1) above the cost of
// fighting (1/2), the challenger would carry out the threat, so the target
// complies.
func ExampleTreeSPE() {
	p := gen.DefaultThreat()
	p.AudienceCost = big.NewRat(1, 1)
	tr, _ := gen.Threat(p)
	res, _ := nash.TreeSPE(context.Background(), tr, nash.Options{})
	for _, eq := range res.Equilibria {
		fmt.Println("challenger", eq.Exact[0], "target", eq.Exact[1])
	}
	// Output: challenger [0/1 1/1 0/1 1/1] target [1/1 0/1]
}

// Kuhn poker by the sequence-form LCP: player 1's value is -1/18.
func ExampleTreeLCP() {
	tr := gen.Kuhn()
	res, _ := nash.TreeLCP(context.Background(), tr, nash.Options{Rational: true})
	eq := res.Equilibria[0]
	fmt.Printf("value %.6f, certificate below 1e-12: %v\n", tr.Payoffs(eq.Profile)[0], eq.Regret < 1e-12)
	// Output: value -0.055556, certificate below 1e-12: true
}

// CFR+ on Kuhn poker until the average profile is 1e-3-exploitable.
func ExampleCFR() {
	res, _ := nash.CFR(context.Background(), gen.Kuhn(), nash.CFROptions{Iterations: 10000, TargetExploitability: 1e-3})
	fmt.Printf("exploitability below 1e-3: %v, value %.3f\n", res.Stats["exploitability"] < 1e-3, res.Stats["value"])
	// Output: exploitability below 1e-3: true, value -0.056
}
