package main

import (
	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/internal/flagval"
)

// subcommand is a command of the tree: its name (the first word of its
// Use) and the function that builds it.
type subcommand struct {
	name string
	new  func() *cobra.Command
}

// subcommands lists every command, each in its own file. To add one, add
// one line here, sorted by name (TestSubcommandNames checks the name).
func subcommands() []subcommand {
	return []subcommand{
		{"analyze", newAnalyzeCmd},
		{"audit", newAuditCmd},
		{"check", newCheckCmd},
		{"commit", newCommitCmd},
		{"convert", newConvertCmd},
		{"demo", newDemoCmd},
		{"discover", newDiscoverCmd},
		{"explain", newExplainCmd},
		{"forecast", newForecastCmd},
		{"gen", newGenCmd},
		{"gmcr", newGmcrCmd},
		{"merge", newMergeCmd},
		{"nash", newNashCmd},
		{"record", newRecordCmd},
		{"report", newReportCmd},
		{"respond", newRespondCmd},
		{"score", newScoreCmd},
		{"sensitivity", newSensitivityCmd},
		{"serve", newServeCmd},
		{"simulate", newSimulateCmd},
		{"slurm", newSlurmCmd},
		{"solve", newSolveCmd},
		{"update", newUpdateCmd},
		{"version", newVersionCmd},
	}
}

// newRootCmd builds the whole command tree, so that --help lists only
// commands that exist.
func newRootCmd() *cobra.Command { return newRootCmdFor("") }

// newRootCmdFor builds the tree with only the command called name when
// there is one (its flags and usage are the same as in the whole tree),
// and the whole tree otherwise (help, completion, a misspelt command).
// Building every command's flags costs about 1 ms and 1,300 allocations,
// as much as a small nash run's own work.
func newRootCmdFor(name string) *cobra.Command {
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
	all := subcommands()
	for _, sc := range all {
		if sc.name == name {
			all = []subcommand{sc}
			break
		}
	}
	for _, sc := range all {
		root.AddCommand(sc.new())
	}
	g := &globalOptions{}
	register(root.PersistentFlags(), flagval.MaxMemoryFlag(&g.maxMemory))
	register(root.PersistentFlags(), flagval.ProgressFlag(&g.progress))
	instrument(root, g)
	helpFlags(root)
	return root
}

// helpFlags gives every command the -h/--help flag cobra would add, with
// the same words, before cobra does: a bad value (--help=maybe) is then
// refused in truce's words, as truce-nash refuses it, not strconv's.
func helpFlags(c *cobra.Command) {
	if c.Flags().Lookup("help") == nil {
		usage := "help for " + c.DisplayName()
		if c.DisplayName() == "" {
			usage = "help for this command"
		}
		c.Flags().VarPF(&flagval.Bool{P: new(bool)}, "help", "h", usage).NoOptDefVal = "true"
		_ = c.Flags().SetAnnotation("help", cobra.FlagSetByCobraAnnotation, []string{"true"})
	}
	for _, s := range c.Commands() {
		helpFlags(s)
	}
}
