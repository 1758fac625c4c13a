package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/scenario"
)

func newCheckCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "check FILE",
		Short: "Validate a scenario file",
		Long: `check reads a scenario file (docs/scenario.md) and reports every problem as
file:line:col: error: message (hint: ...), on stderr. It checks names
(suggesting the nearest one), probabilities for the central draw, each
parameter's bounds and 200 sampled draws, strategies, profiles and
hypotheses, and warns about unreachable states and states that can never be
left but are not terminal. It exits 1 when there are errors.

--format json prints {"ok": bool, "diagnostics": [...]} on stdout instead.`,
		Example: `  truce check examples/tit-for-tat.yaml
  truce check scenario.yaml --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return &exitError{1, fmt.Sprintf("truce check: unknown --format %q (text or json)", format)}
			}
			sc, diags, err := loadScenario(args[0])
			if err != nil {
				return &exitError{1, "truce check: " + err.Error()}
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				if diags == nil {
					diags = []scenario.Diagnostic{}
				}
				b, _ := json.MarshalIndent(struct {
					OK          bool                  `json:"ok"`
					Diagnostics []scenario.Diagnostic `json:"diagnostics"`
				}{sc != nil, diags}, "", "  ")
				fmt.Fprintf(out, "%s\n", b)
			} else {
				printDiagnostics(cmd.ErrOrStderr(), diags)
			}
			if sc == nil {
				return &exitError{1, ""}
			}
			if format == "text" {
				warn := ""
				if n := len(diags); n > 0 {
					warn = fmt.Sprintf(", %d warning(s)", n)
				}
				fmt.Fprintf(out, "ok: %s: scenario %s, %d actors, %d states, %d parameters, %d profiles, %d hypotheses%s\n",
					args[0], sc.Name, len(sc.Actors), len(sc.States), len(sc.Parameters), len(sc.Profiles), len(sc.Hypotheses), warn)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output: text or json")
	return cmd
}

// loadScenario reads and parses a scenario file. A nil scenario with a nil
// error means the file has errors, listed in the diagnostics.
func loadScenario(path string) (*scenario.Scenario, []scenario.Diagnostic, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	sc, diags := scenario.Parse(path, src)
	return sc, diags, nil
}

func printDiagnostics(w io.Writer, diags []scenario.Diagnostic) {
	for _, d := range diags {
		fmt.Fprintln(w, d.String())
	}
}

// mustLoadScenario is loadScenario for commands that need a valid file:
// diagnostics go to stderr and errors become exit code 1.
func mustLoadScenario(cmd *cobra.Command, name, path string) (*scenario.Scenario, error) {
	sc, diags, err := loadScenario(path)
	if err != nil {
		return nil, &exitError{1, fmt.Sprintf("truce %s: %v", name, err)}
	}
	printDiagnostics(cmd.ErrOrStderr(), diags)
	if sc == nil {
		return nil, &exitError{1, fmt.Sprintf("truce %s: %s has errors; nothing was run", name, path)}
	}
	return sc, nil
}
