package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/game/gambit"
	"github.com/truce-dev/truce/internal/budget"
)

func newConvertCmd() *cobra.Command {
	var to, from string
	cmd := &cobra.Command{
		Use:   "convert IN OUT",
		Short: "Convert games between Gambit .nfg and truce JSON; .efg to its reduced .nfg",
		Long: `convert reads a strategic-form game and writes it in another format, chosen
by the file extensions: .nfg (Gambit's format, both its payoff and outcome
forms are read; the payoff form is written) and .json (truce's JSON form,
documented in docs/nash.md); an .efg game tree is read and written as its
reduced strategic form (docs/trees.md). Payoffs stay exact: integers and fractions
are written as such. "-" reads stdin or writes stdout; the format there is
given by --from / --to (stdin is recognised from its first characters when
--from is not given). OUT is written atomically and never over IN.`,
		Example: `  truce convert game.nfg game.json
  truce convert game.json game.nfg
  truce convert game.nfg - --to json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, out := args[0], args[1]
			g, t, name, err := readGame(cmd.InOrStdin(), in, from)
			if err != nil {
				return &exitError{1, "truce convert: " + err.Error()}
			}
			if t != nil {
				if g, err = t.ReducedStrategic(cmd.Context()); err != nil {
					var ee *budget.ExceededError
					if errors.As(err, &ee) {
						ee.Alternative = "convert writes a tree as its reduced strategic form, which is too large here; solve the tree itself instead (truce nash FILE.efg --method lcp, spe or cfr)"
					}
					return &exitError{1, fmt.Sprintf("truce convert: %s: %v", name, err)}
				}
			}
			target := to
			if out != "-" {
				if target == "" {
					target = formatOf(out)
				}
				if target != formatOf(out) {
					return usageErrorf("truce convert: --to %s but %s ends in %s", target, out, filepath.Ext(out))
				}
			}
			var write func(io.Writer) error
			switch target {
			case "nfg":
				write = func(w io.Writer) error { return gambit.WriteNFG(w, g) }
			case "json":
				write = func(w io.Writer) error { return game.WriteJSON(w, g) }
			case "efg":
				return &exitError{1, "truce convert: cannot write .efg: a strategic game has no tree (an .efg input converts to its reduced strategic form in .nfg or .json)"}
			case "":
				return usageErrorf("truce convert: writing to stdout needs --to nfg or --to json")
			default:
				return &exitError{1, fmt.Sprintf("truce convert: cannot write %q files; use .nfg or .json", target)}
			}
			// Written in full before anything reaches the file, so that an
			// error leaves no partial output.
			var buf bytes.Buffer
			if err := write(&buf); err != nil {
				return &exitError{1, fmt.Sprintf("truce convert: %v", err)}
			}
			if err := writeOutput(cmd, out, []string{in}, func(w io.Writer) error {
				_, err := w.Write(buf.Bytes())
				return err
			}); err != nil {
				return &exitError{1, fmt.Sprintf("truce convert: %v", err)}
			}
			return nil
		},
	}
	enumFlag(cmd.Flags(), &to, "to", "", "output format when OUT is -", "nfg", "json")
	enumFlag(cmd.Flags(), &from, "from", "", "input format (default: by extension; sniffed on stdin)", gameFormats...)
	return cmd
}
