package nash_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/truce-dev/truce/game/gambit"
	"github.com/truce-dev/truce/nash"
)

// Lemke–Howson on a 3×2 game from Kreps and Wilson, all accessible
// equilibria in exact arithmetic, printed as Gambit prints them.
func ExampleLCP() {
	src := `NFG 1 R "Kreps-Wilson" { "Player 1" "Player 2" } { 3 2 }
0 0 -1 2 -2 -2 0 0 -1 0 3 -1`
	g, err := gambit.ReadNFG("e04.nfg", strings.NewReader(src))
	if err != nil {
		panic(err)
	}
	res, err := nash.LCP(context.Background(), g, nash.Options{All: true, Rational: true})
	if err != nil {
		panic(err)
	}
	for _, eq := range res.Equilibria {
		_ = nash.FormatGambit(os.Stdout, g, eq, 6)
	}
	fmt.Println("complete:", res.Complete)
	// Output:
	// NE,1,0,0,1,0
	// NE,1,0,0,3/5,2/5
	// NE,0,0,1,0,1
	// complete: true
}

func ExampleEnumPure() {
	src := `NFG 1 R "Prisoner's dilemma" { "Row" "Col" } { { "C" "D" } { "c" "d" } }
3 3 5 0 0 5 1 1`
	g, _ := gambit.ReadNFG("pd.nfg", strings.NewReader(src))
	res, _ := nash.EnumPure(context.Background(), g, nash.Options{})
	for _, eq := range res.Equilibria {
		_ = nash.FormatGambit(os.Stdout, g, eq, 6)
	}
	// Output:
	// NE,0,1,0,1
}

// FormatGambit prints floats as Gambit's tools do, with significant
// digits, and exact profiles as fractions.
func ExampleFormatGambit() {
	g, _ := gambit.ReadNFG("g.nfg", strings.NewReader(`NFG 1 R "" { "A" "B" } { 2 2 } 1 0 0 1 0 1 1 0`))
	eq := nash.Equilibrium{Profile: [][]float64{{0.5740459, 4.38067e-32}, {1, 0}}}
	_ = nash.FormatGambit(os.Stdout, g, eq, 6)
	// Output:
	// NE,0.574046,4.38067e-32,1,0
}

// FormatGambitFixed prints floats as gambit-lcp -d and Gambit's other
// CSV-rendering tools do: the given number of digits after the point,
// zeros included.
func ExampleFormatGambitFixed() {
	g, _ := gambit.ReadNFG("g.nfg", strings.NewReader(`NFG 1 R "" { "A" "B" } { 2 2 } 1 0 0 1 0 1 1 0`))
	eq := nash.Equilibrium{Profile: [][]float64{{0.5740459, 0.4259541}, {1, 0}}}
	_ = nash.FormatGambitFixed(os.Stdout, g, eq, 6)
	// Output:
	// NE,0.574046,0.425954,1.000000,0.000000
}
