package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/evidence"
	"github.com/truce-dev/truce/scenario"
)

func newCheckCmd() *cobra.Command {
	var (
		format string
		strict bool
		retro  retroFlags
	)
	cmd := &cobra.Command{
		Use:   "check FILE",
		Short: "Validate a scenario file",
		Long: `check reads a scenario file (docs/scenario.md) and reports every problem as
file:line:col: error: message (hint: ...), on stderr. It checks names
(suggesting the nearest one), probabilities for the central draw, each
parameter's bounds and 200 sampled draws, strategies, profiles and
hypotheses. It exits 1 when there are errors.

It also warns about what a valid file allows but an author rarely means:
  - a weight naming a component that no payoff rule pays (a typo such as
    xdomestic for domestic, which then counts 0 in that actor's total);
  - parameters no expression reads, strategies no profile uses, components
    nothing pays, two profiles with the same strategies;
  - hypotheses reading time() of a state a profile never enters on some
    draw: the figure is undefined (NaN) there, every comparison with it is
    false, so the hypothesis quietly counts as not holding;
  - transition and strategy rules shadowed by earlier rules (first match
    wins) for every case they match;
  - states that cannot be reached, and non-terminal states never left.
Notes (not warnings) point at overlapping rules whose outcome depends on
their order, and at equilibrium profiles no hypothesis reads. 'truce
explain FILE' shows the effective transition table behind these findings.
With --strict, warnings count as errors (exit 1); notes never do.

A scenario with a history section (or given --record) is also confronted
with the dated past at its central parameter values: how probable the
model found it and how many of the records it would produce are as
improbable; below the history's warn_below (default 5%) that is a warning
(docs/evidence.md).

--format json prints {"ok": bool, "diagnostics": [...]} on stdout instead
(with "error": {...} when ok is false). FILE "-" reads standard input.`,
		Example: `  truce check examples/tit-for-tat.yaml
  truce check --strict scenario.yaml
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
			var rd *evidence.Retrodiction
			if sc != nil {
				diags = append(diags, sc.Lint(cmd.Context())...)
				r, rdiags, err := retro.retrodict(cmd, sc, 0, scenario.DefaultSeed)
				if err != nil {
					return &exitError{codeFailure, "truce check: " + err.Error()}
				}
				rd, diags = r, append(diags, rdiags...)
				sortDiagnostics(diags)
			}
			nErr, nWarn, nNote := countDiagnostics(diags)
			failed := sc == nil || strict && nWarn > 0
			if strict {
				for i := range diags {
					if diags[i].Severity == scenario.SeverityWarning {
						diags[i].Severity = scenario.SeverityError
						diags[i].Msg += " [--strict]"
					}
				}
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
					OK          bool                   `json:"ok"`
					Diagnostics []scenario.Diagnostic  `json:"diagnostics"`
					Error       *checkError            `json:"error,omitempty"`
					Retro       *evidence.Retrodiction `json:"retrodiction,omitempty"`
				}{OK: !failed, Diagnostics: diags, Retro: rd}
				switch {
				case sc == nil:
					doc.Error = &checkError{"the scenario has errors", kindOf(codeFailure), codeFailure}
				case failed:
					doc.Error = &checkError{"the scenario has warnings (--strict)", kindOf(codeFailure), codeFailure}
				}
				b, _ := json.MarshalIndent(doc, "", "  ")
				fmt.Fprintf(out, "%s\n", b)
			} else {
				printDiagnostics(cmd.ErrOrStderr(), diags)
			}
			if failed {
				if format == "text" && sc != nil {
					fmt.Fprintf(out, "failed: %s: %s as errors (--strict)\n", args[0], plural(nWarn, "warning"))
				}
				return &cmdError{written: true}
			}
			if format == "text" {
				found := ""
				if nErr+nWarn+nNote > 0 {
					found = fmt.Sprintf("; %s, %s", plural(nWarn, "warning"), plural(nNote, "note"))
				}
				fmt.Fprintf(out, "ok: %s: scenario %s, %s, %s, %s, %s, %s%s\n",
					args[0], sc.Name, plural(len(sc.Actors), "actor"), plural(len(sc.States), "state"), plural(len(sc.Parameters), "parameter"),
					plural(len(sc.Profiles), "profile"), nounCount(len(sc.Hypotheses), "hypothesis", "hypotheses"), found)
				if rd != nil {
					return rd.WriteText(out)
				}
			}
			return nil
		},
	}
	retro.add(cmd.Flags())
	cmd.Flags().BoolVar(&strict, "strict", false, "treat warnings as errors (exit 1); notes never fail")
	formatFlag(cmd.Flags(), &format, "text", "json")
	timeoutFlag(cmd.Flags())
	return cmd
}

// countDiagnostics counts errors, warnings and notes.
func countDiagnostics(ds []scenario.Diagnostic) (errs, warns, notes int) {
	for _, d := range ds {
		switch d.Severity {
		case scenario.SeverityError:
			errs++
		case scenario.SeverityWarning:
			warns++
		default:
			notes++
		}
	}
	return
}

// sortDiagnostics puts diagnostics in file order (stable, so that two at
// one position keep the order they were found in).
func sortDiagnostics(ds []scenario.Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		if ds[i].Line != ds[j].Line {
			return ds[i].Line < ds[j].Line
		}
		return ds[i].Col < ds[j].Col
	})
}

// lintWarnings are the lint findings that every command which reads a
// scenario prints (warnings; notes are for truce check).
func lintWarnings(cmd *cobra.Command, sc *scenario.Scenario) []scenario.Diagnostic {
	var out []scenario.Diagnostic
	for _, d := range sc.Lint(cmd.Context()) {
		if d.Severity == scenario.SeverityWarning {
			out = append(out, d)
		}
	}
	return out
}

// plural writes "1 warning" or "3 warnings" (regular nouns; nounCount
// takes both forms).
func plural(n int, what string) string { return nounCount(n, what, what+"s") }

// nounCount writes "1 hypothesis", "2 hypotheses".
func nounCount(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
