package main

import (
	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/internal/budget"
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
computes their equilibria.

Exit codes: 0 ok, 1 input or analysis error, 2 usage error (flags,
arguments), 124 time limit (--timeout) reached, 130 interrupted (Ctrl-C).
Limits on sizes, memory and time: docs/limits.md.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newAnalyzeCmd(),
		newAuditCmd(),
		newCheckCmd(),
		newCommitCmd(),
		newConvertCmd(),
		newDemoCmd(),
		newDiscoverCmd(),
		newExplainCmd(),
		newForecastCmd(),
		newGenCmd(),
		newGmcrCmd(),
		newMergeCmd(),
		newNashCmd(),
		newRecordCmd(),
		newReportCmd(),
		newRespondCmd(),
		newSensitivityCmd(),
		newServeCmd(),
		newScoreCmd(),
		newSimulateCmd(),
		newSlurmCmd(),
		newSolveCmd(),
		newUpdateCmd(),
		newVersionCmd(),
		// new commands: add one line each, keep this list sorted by name
	)
	g := &globalOptions{}
	sizeFlag(root.PersistentFlags(), &g.maxMemory, "max-memory", budget.DefaultLimit, 1<<20,
		"memory one run may plan to use, e.g. 512MiB or 8GB; work that would need more is refused with what to do instead")
	enumFlag(root.PersistentFlags(), &g.progress, "progress", "auto",
		"progress of long work on stderr: a bar on a terminal, else (auto, plain) a status line every 10s once it has lasted 3s, as text or json; none for silence",
		"auto", "plain", "json", "none")
	instrument(root, g)
	return root
}
