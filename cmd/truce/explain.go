package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/scenario"
)

func scenarioExplainOptions(state, profile string) scenario.ExplainOptions {
	return scenario.ExplainOptions{State: state, Profile: profile}
}

func newExplainCmd() *cobra.Command {
	var (
		state, profile, format string
	)
	cmd := &cobra.Command{
		Use:   "explain FILE [--state S] [--profile P]",
		Short: "Show the model as truce reads it: transitions, payoffs and strategies at central values",
		Long: `explain evaluates a scenario at its parameters' central values and prints
what the engine will use, after first-match rules and defaults are applied:

  - per state, every joint action with its next-state distribution, the
    transition rule that decided it (the first that matches; "no rule:
    stays" when none does), each actor's payoff for the step (weighted by
    its weights) and the payoff rules that add up to it;
  - per ending (terminal state), the payoff paid once on entry;
  - the transition rules that decide nothing (an earlier rule always
    matches first);
  - what each strategy plays: its base play per state and its reaction
    rules, with those an earlier rule shadows.

--state limits the tables to one state; --profile shows only that profile's
strategies and adds a column "played": the probability that their base
play picks the joint action (reaction rules aside). Use it to see rule-order
mistakes that 'truce check' reports, and to check a scenario against what
you meant. --format json is documented in docs/scenario.md.`,
		Example: `  truce explain scenarios/us-iran-2026.yaml --state hormuz
  truce explain examples/crises/chicken.yaml --profile mixed
  truce explain scenario.yaml --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return &exitError{2, fmt.Sprintf("truce explain: unknown --format %q (text or json)", format)}
			}
			sc, err := mustLoadScenario(cmd, "explain", args[0])
			if err != nil {
				return err
			}
			ex, err := sc.Explain(scenarioExplainOptions(state, profile))
			if err != nil {
				return &exitError{1, fmt.Sprintf("truce explain: %v", err)}
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				b, err := ex.JSON()
				if err != nil {
					return &exitError{1, fmt.Sprintf("truce explain: %v", err)}
				}
				_, err = out.Write(b)
				return err
			}
			return ex.WriteText(out)
		},
	}
	f := cmd.Flags()
	f.StringVar(&state, "state", "", "show only this state")
	f.StringVar(&profile, "profile", "", "show only this profile's strategies, and how likely it plays each joint action")
	f.StringVar(&format, "format", "text", "output: text or json")
	return cmd
}
