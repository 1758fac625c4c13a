package markov_test

import (
	"context"
	"fmt"

	"github.com/truce-dev/truce/markov"
)

// standoff is a one-actor game: each week in "truce" the side either holds
// (war breaks out with probability 0.1) or talks (probability 0.02); war
// is terminal and costs 10 on entry, the truce is worth 1 a week.
func standoff() (*markov.Game, markov.Profile) {
	g := &markov.Game{
		Actors:     []markov.Actor{{ID: "US", Discount: 0.9, Weights: []float64{1}}},
		Components: []string{"material"},
		States:     []markov.State{{ID: "truce"}, {ID: "war", Terminal: true}},
		Actions:    [][]string{{"hold", "talk"}},
		Avail:      [][][]int{{{0, 1}}, nil},
		Trans: [][][]markov.Next{{
			{{State: 0, P: 0.9}, {State: 1, P: 0.1}},   // hold
			{{State: 0, P: 0.98}, {State: 1, P: 0.02}}, // talk
		}, nil},
		Flow:  [][][]float64{{{1}, {1}}, nil},
		Entry: [][]float64{nil, {-10}},
	}
	// Talk three weeks in four.
	return g, markov.Profile{{Base: [][]float64{{0.25, 0.75}, nil}}}
}

func ExampleAnalyze() {
	g, p := standoff()
	an, err := markov.Analyze(context.Background(), g, p, 52)
	if err != nil {
		fmt.Println(err)
		return
	}
	// War comes with probability 0.25·0.1 + 0.75·0.02 = 0.04 a week:
	// 1 - 0.96^52 within a year, after 1/0.04 weeks on average, and the
	// value is (1 + 0.9·0.04·(-10)) / (1 - 0.9·0.96).
	fmt.Printf("war within a year: %.4f\n", an.Reach[1][52])
	fmt.Printf("eventually: %.4f, after %.1f weeks on average\n", an.Absorb[1], an.Time[1])
	fmt.Printf("value to US: %.4f\n", an.Value[0][0])
	// Output:
	// war within a year: 0.8803
	// eventually: 1.0000, after 25.0 weeks on average
	// value to US: 4.7059
}

func ExampleSimulate() {
	g, p := standoff()
	st, err := markov.Simulate(context.Background(), g, p, markov.SimOptions{Runs: 20000, Horizon: 52, Seed: 7, Workers: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	war := st.States[1].Entered
	fmt.Printf("war within a year: %.3f ± %.3f\n", war.Mean, 2*war.SE)
	fmt.Printf("US talks at %.2f of its steps\n", st.Actors[0].Actions[1].Share.Mean)
	// Output:
	// war within a year: 0.876 ± 0.005
	// US talks at 0.75 of its steps
}

// A chain built once serves the exact analysis and the Monte Carlo paths,
// as `truce simulate` uses it: the same draws as markov.Simulate.
func ExampleChain_Simulate() {
	g, p := standoff()
	c, err := markov.BuildChain(context.Background(), g, p)
	if err != nil {
		fmt.Println(err)
		return
	}
	an, err := c.Analyze(context.Background(), markov.AnalyzeOptions{Horizon: 52, WithinHorizon: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err := c.Simulate(context.Background(), markov.SimOptions{Runs: 20000, Horizon: 52, Seed: 7, Workers: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	war := st.States[1].Entered
	fmt.Printf("war within a year: exact %.4f, paths %.3f ± %.3f\n", an.Reach[1][52], war.Mean, 2*war.SE)
	// Output:
	// war within a year: exact 0.8803, paths 0.876 ± 0.005
}
