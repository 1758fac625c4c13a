package main

import (
	"github.com/spf13/cobra"
)

// newRootCmd builds the command tree. Each subcommand lives in its own file
// and is registered here, so that --help lists only commands that exist.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "truce",
		Short: "Strategic analysis of standoffs between states",
		Long: `truce turns a description of a standoff between states (who can do what,
what each outcome is worth to each side, how likely one situation leads to
the next) into numbers that can be checked: how likely a truce is to hold,
which threats are credible, which lever moves the other side, and which
assumptions the answer depends on. It also reads Gambit .nfg/.efg games and
computes their equilibria.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newAnalyzeCmd(),
		newCheckCmd(),
		newConvertCmd(),
		newDemoCmd(),
		newGenCmd(),
		newNashCmd(),
		newReportCmd(),
		newSensitivityCmd(),
		newServeCmd(),
		newSimulateCmd(),
		newSolveCmd(),
		newVersionCmd(),
		// new commands: add one line each, keep this list sorted by name
	)
	return root
}
