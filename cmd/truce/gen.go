package main

import (
	"fmt"
	"io"
	"math/big"

	"github.com/spf13/cobra"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/game/gambit"
	"github.com/truce-dev/truce/game/gen"
)

func newGenCmd() *cobra.Command {
	var out, audience, fight, targetCost, stakes string
	cmd := &cobra.Command{
		Use:   "gen kuhn|leduc|threat",
		Short: "Write a built-in game tree (Kuhn or Leduc poker, threat game) as .efg",
		Long: `gen writes one of truce's built-in game trees in Gambit's .efg format:

  kuhn    Kuhn poker (3 cards, one betting round); value -1/18 to player 1
  leduc   Leduc hold'em (6 cards, two rounds, one public card)
  threat  one-sided threat: the challenger threatens or keeps the status
          quo, the target complies or defies, the challenger carries the
          threat out (war) or backs down and pays the audience cost

The threat game's payoffs are exact: give numbers as 3, 0.5 or 1/2. By
backward induction the threat is carried out exactly when --audience-cost
exceeds --fight-cost.`,
		Example: `  truce gen kuhn -o kuhn.efg
  truce gen threat --audience-cost 2 --fight-cost 1 -o threat.efg
  truce gen leduc -o leduc.efg && truce nash leduc.efg --method cfr --iterations 2000`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"kuhn", "leduc", "threat"},
		RunE: func(cmd *cobra.Command, args []string) error {
			var t *game.Tree
			switch args[0] {
			case "kuhn":
				t = gen.Kuhn()
			case "leduc":
				t = gen.Leduc()
			case "threat":
				p := gen.DefaultThreat()
				for _, f := range []struct {
					name, val string
					dst       **big.Rat
				}{{"--audience-cost", audience, &p.AudienceCost}, {"--fight-cost", fight, &p.ChallengerCost},
					{"--target-fight-cost", targetCost, &p.TargetCost}, {"--stakes", stakes, &p.Stakes}} {
					if f.val == "" {
						continue
					}
					r, ok := new(big.Rat).SetString(f.val)
					if !ok {
						return &exitError{1, fmt.Sprintf("truce gen: %s %q is not a number (try 2, 0.5 or 1/2)", f.name, f.val)}
					}
					*f.dst = r
				}
				var err error
				if t, err = gen.Threat(p); err != nil {
					return &exitError{1, "truce gen: " + err.Error()}
				}
			default:
				return usageErrorf("truce gen: unknown game %q; choose kuhn, leduc or threat", args[0])
			}
			if err := writeOutput(cmd, out, nil, func(w io.Writer) error { return gambit.WriteEFG(w, t) }); err != nil {
				return &exitError{1, "truce gen: " + err.Error()}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "", "file to write (default: stdout)")
	f.StringVar(&audience, "audience-cost", "", "threat: cost to the challenger of backing down (default 1)")
	f.StringVar(&fight, "fight-cost", "", "threat: the challenger's cost of war (default 1/2)")
	f.StringVar(&targetCost, "target-fight-cost", "", "threat: the target's cost of war (default 2)")
	f.StringVar(&stakes, "stakes", "", "threat: what the target concedes by complying (default 1)")
	return cmd
}
