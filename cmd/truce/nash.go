package main

import (
	"errors"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/internal/nashcli"
)

// newNashCmd is `truce nash`: internal/nashcli's flag table and run, the
// same code cmd/truce-nash calls, so that both print the same bytes.
func newNashCmd() *cobra.Command {
	var o nashcli.Options
	cmd := &cobra.Command{
		Use:     nashcli.Use,
		Short:   nashcli.Short,
		Long:    nashcli.Long(),
		Example: nashcli.Example("truce nash"),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Changed = cmd.Flags().Changed
			env := nashcli.Env{Prog: cmd.CommandPath(), Stdin: cmd.InOrStdin(), Stdout: cmd.OutOrStdout(), Stderr: cmd.ErrOrStderr()}
			err := nashcli.Run(cmd.Context(), env, &o, args[0])
			var ne *nashcli.Error
			if errors.As(err, &ne) {
				if ne.Written {
					return &cmdError{code: ne.Code, msg: ne.Msg, written: true}
				}
				return &exitError{ne.Code, ne.Msg}
			}
			return err
		},
	}
	f := cmd.Flags()
	for _, fl := range o.Flags() {
		register(f, fl)
	}
	timeoutFlag(f)
	return cmd
}
