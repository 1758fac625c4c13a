package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/game/gambit"
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
given by --from / --to (stdin is detected from its first character when
--from is not given).`,
		Example: `  truce convert game.nfg game.json
  truce convert game.json game.nfg
  truce convert game.nfg - --to json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, out := args[0], args[1]
			var g *game.Strategic
			var err error
			if in == "-" {
				g, err = readStdinGame(cmd.InOrStdin(), from)
			} else {
				if from != "" && from != formatOf(in) {
					return &exitError{1, fmt.Sprintf("truce convert: %s does not end in .%s", in, from)}
				}
				g, err = loadGame(in, nil)
			}
			if err != nil {
				return &exitError{1, err.Error()}
			}
			target := to
			if out != "-" {
				if target == "" {
					target = formatOf(out)
				}
				if target != formatOf(out) {
					return &exitError{1, fmt.Sprintf("truce convert: --to %s but %s ends in %s", target, out, filepath.Ext(out))}
				}
			}
			var buf bytes.Buffer
			switch target {
			case "nfg":
				err = gambit.WriteNFG(&buf, g)
			case "json":
				err = game.WriteJSON(&buf, g)
			case "efg":
				return &exitError{1, "truce convert: cannot write .efg: a strategic game has no tree (an .efg input converts to its reduced strategic form in .nfg or .json)"}
			case "":
				return &exitError{1, "truce convert: writing to stdout needs --to nfg or --to json"}
			default:
				return &exitError{1, fmt.Sprintf("truce convert: cannot write %q files; use .nfg or .json", target)}
			}
			if err != nil {
				return &exitError{1, fmt.Sprintf("truce convert: %v", err)}
			}
			if out == "-" {
				_, err = cmd.OutOrStdout().Write(buf.Bytes())
				return err
			}
			if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
				return &exitError{1, fmt.Sprintf("truce convert: %v", err)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "output format when OUT is -: nfg or json")
	cmd.Flags().StringVar(&from, "from", "", "input format when IN is -: nfg or json")
	return cmd
}

// formatOf names a file's format by its extension: nfg, json, efg, or
// the extension itself.
func formatOf(path string) string {
	return strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
}

func readStdinGame(r io.Reader, from string) (*game.Strategic, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if from == "" {
		if t := bytes.TrimSpace(src); len(t) > 0 && t[0] == '{' {
			from = "json"
		} else {
			from = "nfg"
		}
	}
	switch from {
	case "json":
		return game.ReadJSON("<stdin>", bytes.NewReader(src))
	case "nfg":
		return gambit.ReadNFG("<stdin>", bytes.NewReader(src))
	}
	return nil, fmt.Errorf("truce convert: unknown --from %q (nfg or json)", from)
}
