package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/scenarios"
)

func newDemoCmd() *cobra.Command {
	var (
		out      string
		opt      pipelineOptions
		solveSec float64
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the bundled US–Iran scenario end to end and write truce-demo.html",
		Long: `demo runs the scenario bundled in the binary (scenarios/us-iran-2026.yaml:
the US–Iran truce after the failed 2026 talks, built from the article in
docs/us-iran-2026.md) end to end:

  1. analyse every named strategy profile exactly on --draws parameter draws;
  2. solve the Markov-perfect equilibrium at central parameter values and
     check which threats of each profile are credible;
  3. evaluate the article's claims (hypotheses H1-H12);
  4. sweep each parameter across its range to find where verdicts flip;

then prints a one-screen summary and writes the HTML report. Every number
in the scenario is an analyst's assumption; the verdicts are what those
assumptions imply, not forecasts. To change an assumption, copy the file
(truce demo --print-scenario > mine.yaml), edit it and run
'truce report mine.yaml -o report.html'.`,
		Example: `  truce demo
  truce demo -o /tmp/us-iran.html --draws 2000 --seed 7
  truce demo --print-scenario > us-iran.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if p, _ := cmd.Flags().GetBool("print-scenario"); p {
				_, err := cmd.OutOrStdout().Write(scenarios.USIran2026())
				return err
			}
			if opt.Draws < 1 {
				return &exitError{1, fmt.Sprintf("truce demo: --draws must be at least 1, got %d", opt.Draws)}
			}
			sc, diags := scenario.Parse(scenarios.USIran2026Name, scenarios.USIran2026())
			if sc == nil {
				printDiags(cmd.ErrOrStderr(), diags)
				return &exitError{1, "truce demo: the bundled scenario has errors (a bug in this build)"}
			}
			opt.Solve, opt.Sensitivity, opt.Log = true, true, cmd.ErrOrStderr()
			opt.SolveBudget = time.Duration(solveSec * float64(time.Second))
			start := time.Now()
			res, err := runPipeline(cmd.Context(), sc, opt)
			if err != nil {
				return &exitError{1, fmt.Sprintf("truce demo: %v", err)}
			}
			if err := writeReportFile(out, res.in); err != nil {
				return &exitError{1, fmt.Sprintf("truce demo: writing %s: %v", out, err)}
			}
			writeDemoSummary(cmd.OutOrStdout(), res, out, time.Since(start))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "truce-demo.html", "HTML report to write")
	f.IntVar(&opt.Draws, "draws", scenario.DefaultDraws, "parameter draws for the analysis")
	f.Uint64Var(&opt.Seed, "seed", 1, "random seed for the parameter draws")
	f.IntVar(&opt.Workers, "workers", 0, "parallel workers (0 = all cores); output does not depend on it")
	f.IntVar(&opt.Points, "points", 9, "points per parameter in the sensitivity sweep")
	f.Float64Var(&solveSec, "solve-budget", 10, "seconds allowed for solving the equilibrium")
	f.Bool("print-scenario", false, "print the bundled scenario file and exit")
	return cmd
}

func printDiags(w io.Writer, ds []scenario.Diagnostic) {
	for _, d := range ds {
		fmt.Fprintln(w, d.String())
	}
}

// writeDemoSummary prints what fits on one screen: how the baseline ends,
// the equilibrium, every hypothesis with its verdict, support and the
// nearest flip, and where the report is.
func writeDemoSummary(w io.Writer, res *pipelineResult, out string, took time.Duration) {
	sc, ar := res.sc, res.ar
	fmt.Fprintf(w, "%s\n", sc.Title)
	fmt.Fprintf(w, "%d profiles × %d parameter draws (seed %d) in %.1fs; equilibrium %.1fs; sensitivity %.1fs; total %.1fs\n",
		len(ar.ProfileOrder), ar.Draws, ar.Seed, res.analyzeTime.Seconds(), res.solveTime.Seconds(), res.sensTime.Seconds(), took.Seconds())
	fmt.Fprintln(w, "All numbers follow from the analyst's assumed ranges in the scenario; they are not forecasts.")
	fmt.Fprintln(w)
	endings := func(name string) string {
		p := ar.Profiles[name]
		if p == nil {
			return ""
		}
		var parts []string
		for _, s := range ar.TerminalStates {
			st := p.Absorb[s]
			parts = append(parts, fmt.Sprintf("%s %s [%s–%s]", s, pctS(float64(st.Mean)), pctS(float64(st.Lo)), pctS(float64(st.Hi))))
		}
		if r, ok := p.Reach["war"]; ok && len(r) > 0 {
			parts = append(parts, fmt.Sprintf("war within %d %ss %s", len(r)-1, ar.Period, pctS(float64(r[len(r)-1]))))
		}
		return strings.Join(parts, ", ")
	}
	fmt.Fprintln(w, "Eventual endings (mean [5–95%]):")
	for _, name := range ar.ProfileOrder {
		if name == "baseline" || name == "walkaway_intr" || name == "engage_intr" {
			fmt.Fprintf(w, "  %-14s %s\n", name, endings(name))
		}
	}
	for _, e := range res.eq {
		switch {
		case e.err != nil:
			fmt.Fprintf(w, "  %-14s %v\n", e.name, e.err)
		case e.an != nil:
			var parts []string
			for s, st := range sc.States {
				if st.Terminal {
					parts = append(parts, fmt.Sprintf("%s %s", st.ID, pctS(e.an.Absorb[s])))
				}
			}
			var at []string
			for s, st := range sc.States {
				if !st.Terminal && e.an.AtHorizon[s] >= 0.005 {
					at = append(at, fmt.Sprintf("%s %s", st.ID, pctS(e.an.AtHorizon[s])))
				}
			}
			if len(at) > 0 {
				parts = append(parts, fmt.Sprintf("unresolved at %s %d: %s", ar.Period, sc.Horizon, strings.Join(at, ", ")))
			}
			fmt.Fprintf(w, "  %-14s %s\n  %-14s (solved at central values by %s, largest deviation gain %.2g)\n", e.name, strings.Join(parts, ", "), "", e.res.Method, e.res.MaxDeviationGain)
		}
	}
	if lines := demoThreats(sc); len(lines) > 0 {
		fmt.Fprintln(w, "Threats carried out when the moment comes? (central values; gain = what not doing it adds)")
		for _, l := range lines {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The article's claims (share of draws in which each holds; [p > x: verdict] is the nearest")
	fmt.Fprintln(w, "break-even with the other assumptions at their central values, from truce sensitivity):")
	labels := map[string]string{}
	for _, h := range sc.Hypotheses {
		labels[h.ID] = h.Claim
		if h.Info.Label != "" {
			labels[h.ID] = h.Info.Label
		}
	}
	for _, h := range ar.Hypotheses {
		flip := ""
		if res.sens != nil {
			if fs := res.sens.FlipsFor(h.ID); len(fs) > 0 {
				flip = fmt.Sprintf("  [%s > %s: %s]", fs[0].Param, fmtG(fs[0].Value), fs[0].Above)
			}
		}
		line := fmt.Sprintf("  %-4s %-9s %6s  %-52s%s", h.ID, h.Verdict, pctS(h.HoldsShare), oneLine(labels[h.ID], 52), flip)
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Report: %s   (model and its sources: docs/us-iran-2026.md; change it: truce demo --print-scenario > mine.yaml)\n", out)
}

func pctS(x float64) string {
	if !finite(x) {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", 100*x)
}

// demoThreats picks the article's two threats from the credibility report
// at central values: walking out of the truce (walk_away against
// intransigence) and striking back after Iranian pressure in Hormuz
// (selective control against intransigence).
func demoThreats(sc *scenario.Scenario) []string {
	g, profs, err := sc.Build(sc.Central())
	if err != nil {
		return nil
	}
	pick := []struct{ profile, state, after, label string }{
		{"walkaway_intr", "truce", "", "walk-away"},
		{"baseline", "hormuz", "IR: hormuz", "selective strike"},
	}
	var out []string
	for _, p := range pick {
		prof, ok := profs[p.profile]
		if !ok {
			continue
		}
		for _, t := range equilibrium.Credibility(g, prof) {
			if t.Actor == "US" && t.State == p.state && t.After == p.after {
				out = append(out, fmt.Sprintf("%-16s (%s) %s", p.label, p.profile, t.String()))
			}
		}
	}
	return out
}
