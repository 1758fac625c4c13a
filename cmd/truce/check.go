package main

import (
	"encoding/json"
	"fmt"

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

--format json prints {"ok": bool, "diagnostics": [...]} on stdout instead
(with "error": {...} when ok is false). FILE "-" reads standard input.`,
		Example: `  truce check examples/tit-for-tat.yaml
  truce check scenario.yaml --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, diags, err := loadScenario(cmd, args[0])
			if err != nil {
				return &exitError{1, "truce check: " + err.Error()}
			}
			if err := cmd.Context().Err(); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				if diags == nil {
					diags = []scenario.Diagnostic{}
				}
				type checkError struct {
					Message  string `json:"message"`
					Code     string `json:"code"`
					ExitCode int    `json:"exit_code"`
				}
				doc := struct {
					OK          bool                  `json:"ok"`
					Diagnostics []scenario.Diagnostic `json:"diagnostics"`
					Error       *checkError           `json:"error,omitempty"`
				}{OK: sc != nil, Diagnostics: diags}
				if sc == nil {
					doc.Error = &checkError{"the scenario has errors", kindOf(codeFailure), codeFailure}
				}
				b, _ := json.MarshalIndent(doc, "", "  ")
				fmt.Fprintf(out, "%s\n", b)
			} else {
				printDiagnostics(cmd.ErrOrStderr(), diags)
			}
			if sc == nil {
				return &cmdError{written: true}
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
	formatFlag(cmd.Flags(), &format, "text", "json")
	timeoutFlag(cmd.Flags())
	return cmd
}
