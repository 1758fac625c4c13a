package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/internal/progress"
	"github.com/truce-dev/truce/scenario"
)

func newSimulateCmd() *cobra.Command {
	var (
		profile string
		runs    int
		seed    uint64
		workers int
		format  string
	)
	cmd := &cobra.Command{
		Use:   "simulate FILE",
		Short: "Monte Carlo paths of a scenario profile, checked against the exact analysis",
		Long: `simulate runs --runs random paths of one strategy profile (default: the first
in the file) with every parameter at its central value (the mean of its
distribution; the most likely value of a choice), for up to the horizon.
It reports per state the share of paths that entered it, the mean first-
entry step and the steps spent there, per actor how often each action is
played and the discounted payoffs up to the horizon, each with its standard
error, beside the exact value for the same parameters and the z-score
(Monte Carlo minus exact, over the standard error). A step draws the next
state; a path's plays and flow payoffs are their expectation given the
states it visited (and the play remembered there), not drawn one by one.

Path i uses its own random stream of --seed: the output is identical
whatever --workers. A progress bar is drawn on a terminal.`,
		Example: `  truce simulate examples/tit-for-tat.yaml --runs 100000
  truce simulate scenarios/us-iran-2026.yaml --profile baseline --seed 3 --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			defer gcFloor(simulateHeapFloor)()
			sc, err := mustLoadScenario(cmd, "simulate", args[0])
			if err != nil {
				return err
			}
			bar := progress.New(cmd.ErrOrStderr(), int64(runs), "paths")
			rep, err := scenario.Simulate(cmd.Context(), sc, scenario.SimulateOptions{
				Profile: profile, Runs: runs, Seed: seed, Workers: workers,
				Progress: func(done, total int) { bar.Set(int64(done)) },
			})
			bar.Finish()
			if err != nil {
				return &exitError{1, fmt.Sprintf("truce simulate: %v", err)}
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				b, err := rep.JSON()
				if err != nil {
					return &exitError{1, fmt.Sprintf("truce simulate: %v", err)}
				}
				_, err = out.Write(b)
				return err
			}
			return rep.WriteText(out)
		},
	}
	f := cmd.Flags()
	f.StringVar(&profile, "profile", "", "profile to simulate (default: the first in the file)")
	intFlag(f, &runs, "runs", scenario.DefaultRuns, 1, maxRuns, "number of paths")
	seedFlag(f, &seed, scenario.DefaultSeed, "random seed")
	intFlag(f, &workers, "workers", 0, 0, maxWorkers, "parallel workers (0 = all cores); output does not depend on it")
	formatFlag(f, &format, "text", "json")
	timeoutFlag(f)
	return cmd
}
