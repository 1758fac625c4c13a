package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/markov"
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
			sc, diags := scenario.Parse(scenarios.USIran2026Name, scenarios.USIran2026())
			if sc == nil {
				printDiags(cmd.ErrOrStderr(), diags)
				return &exitError{1, "truce demo: the bundled scenario has errors (a bug in this build)"}
			}
			opt.Solve, opt.Sensitivity, opt.Log = true, true, cmd.ErrOrStderr()
			opt.Global.Source = scenarios.USIran2026()
			opt.SolveBudget = time.Duration(solveSec * float64(time.Second))
			start := time.Now()
			res, err := runPipeline(cmd.Context(), sc, opt)
			if err != nil {
				return &exitError{1, fmt.Sprintf("truce demo: %v", err)}
			}
			if err := writeReportFile(cmd, out, nil, res.in); err != nil {
				return &exitError{1, fmt.Sprintf("truce demo: writing %s: %v", out, err)}
			}
			writeDemoSummary(cmd.OutOrStdout(), res, out, time.Since(start))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "truce-demo.html", "HTML report to write")
	intFlag(f, &opt.Draws, "draws", scenario.DefaultDraws, 1, maxDraws, "parameter draws for the analysis")
	f.Uint64Var(&opt.Seed, "seed", scenario.DefaultSeed, "random seed for the parameter draws")
	intFlag(f, &opt.Workers, "workers", 0, 0, maxWorkers, "parallel workers (0 = all cores); output does not depend on it")
	intFlag(f, &opt.Points, "points", 9, 2, maxPoints, "points per parameter in the sensitivity sweep")
	floatFlag(f, &solveSec, "solve-budget", 10, 0, maxTimeout.Seconds(), "seconds allowed for solving the equilibrium (0 = 10)")
	addGlobalFlags(f, &opt.Global, demoAuditDraws)
	timeoutFlag(f)
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
	global := 0.0
	if res.global != nil {
		global = res.global.took.Seconds()
	}
	fmt.Fprintf(w, "%d profiles × %d parameter draws (seed %d) in %.1fs; equilibrium %.1fs; sensitivity %.1fs; global analyses %.1fs; total %.1fs\n",
		len(ar.ProfileOrder), ar.Draws, ar.Seed, res.analyzeTime.Seconds(), res.solveTime.Seconds(), res.sensTime.Seconds(), global, took.Seconds())
	fmt.Fprintln(w, "All numbers follow from the analyst's assumed ranges in the scenario; they are not forecasts.")
	fmt.Fprintln(w)
	var rows []endingsRow
	for _, name := range ar.ProfileOrder {
		if name == "baseline" || name == "walkaway_intr" || name == "engage_intr" {
			rows = append(rows, endingsRowOf(name, ar, ar.Profiles[name]))
		}
	}
	var notes []string
	for _, e := range res.eq {
		switch {
		case e.err != nil:
			notes = append(notes, fmt.Sprintf("  %-14s %v", e.name, e.err))
		case e.an != nil:
			rows = append(rows, endingsRowCentral(e.name+"*", sc, e.an))
			notes = append(notes, fmt.Sprintf("  * %s: at central values (one point, no interval), selected by the logit path from uniform play (%s), largest deviation gain %.2g", e.name, e.res.Method, e.res.MaxDeviationGain))
			if e.set != nil {
				notes = append(notes, fmt.Sprintf("    values from %s: %s; equilibrium set: %s (seed %d)", sc.States[sc.Initial].ID, demoValues(sc, e.res), e.set.Describe(res.eqGame), ar.Seed))
			}
		}
	}
	writeEndingsTable(w, ar, rows)
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
	if lines := demoThreats(sc); len(lines) > 0 {
		fmt.Fprintln(w, "Threats carried out when the moment comes? (central values; gain = what not doing it adds)")
		for _, l := range lines {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The article's claims: share of draws in which each holds; [p > x: verdict] = nearest break-even, others central")
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
		line := fmt.Sprintf("  %-4s %-9s %6s  %-52s%s", h.ID, h.Verdict, fmt.Sprintf("%.1f%%", 100*h.HoldsShare), oneLine(labels[h.ID], 52), flip)
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	writeDemoGlobal(w, res)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Report: %s   (model and its sources: docs/us-iran-2026.md; change it: truce demo --print-scenario > mine.yaml)\n", out)
}

// endingsRow is one profile in the demo's endings table: per ending (and
// "unresolved") the figure within the horizon and eventually, and where
// the unresolved paths are at the horizon.
type endingsRow struct {
	name         string
	within, ever []string // per terminal state, then unresolved
	where        string
}

func endingsRowOf(name string, ar *scenario.AnalysisReport, p *scenario.ProfileReport) endingsRow {
	r := endingsRow{name: name, where: firstN(scenario.UnresolvedWhere(ar, p, 0.005), 3)}
	for _, s := range ar.TerminalStates {
		e := p.Endings[s]
		r.within = append(r.within, pctStat(e.WithinHorizon))
		r.ever = append(r.ever, pctStat(e.Eventually))
	}
	r.within = append(r.within, pctStat(p.Unresolved.AtHorizon))
	r.ever = append(r.ever, pctStat(p.Unresolved.Eventually)+" never ends")
	return r
}

func endingsRowCentral(name string, sc *scenario.Scenario, an *markov.Analysis) endingsRow {
	r := endingsRow{name: name}
	open := 0.0
	type sh struct {
		id string
		x  float64
	}
	var where []sh
	for s, st := range sc.States {
		if st.Terminal {
			r.within = append(r.within, pctS(an.AtHorizon[s]))
			r.ever = append(r.ever, pctS(an.Absorb[s]))
		} else {
			open += an.AtHorizon[s]
			if an.AtHorizon[s] >= 0.005 {
				where = append(where, sh{st.ID, an.AtHorizon[s]})
			}
		}
	}
	sort.SliceStable(where, func(i, j int) bool { return where[i].x > where[j].x })
	var parts []string
	for _, x := range where {
		parts = append(parts, fmt.Sprintf("%s %s", x.id, pctS(x.x)))
	}
	r.where = firstN(strings.Join(parts, ", "), 3)
	r.within = append(r.within, pctS(open))
	r.ever = append(r.ever, pctS(an.NeverEnds)+" never ends")
	return r
}

// firstN keeps the first n items of a comma-separated list, with "…" when
// some were left out.
func firstN(list string, n int) string {
	parts := strings.Split(list, ", ")
	if len(parts) <= n {
		return list
	}
	return strings.Join(parts[:n], ", ") + ", …"
}

// writeEndingsTable prints two lines per profile: the endings within the
// horizon (with where the unresolved paths are) and eventually.
func writeEndingsTable(w io.Writer, ar *scenario.AnalysisReport, rows []endingsRow) {
	fmt.Fprintf(w, "How it ends: within %d %ss (mean [5–95%%]) and eventually, with no horizon; each line sums to 100%%\n", ar.Horizon, ar.Period)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  \t")
	for _, s := range ar.TerminalStates {
		fmt.Fprintf(tw, "\t%s", s)
	}
	fmt.Fprintf(tw, "\tunresolved\t\n")
	for _, r := range rows {
		fmt.Fprintf(tw, "  %s\t%d %ss\t%s\t%s\n", r.name, ar.Horizon, ar.Period, strings.Join(r.within, "\t"), r.where)
		fmt.Fprintf(tw, "  \teventually\t%s\t\n", strings.Join(r.ever, "\t"))
	}
	tw.Flush()
}

// pctStat prints a sampled probability as "76.5% [34–98%]".
func pctStat(s scenario.Stat) string {
	m, lo, hi := float64(s.Mean), float64(s.Lo), float64(s.Hi)
	if !finite(m) {
		return "—"
	}
	if !finite(lo) || !finite(hi) || pctS(lo) == pctS(hi) {
		return pctS(m)
	}
	return fmt.Sprintf("%s [%s–%s]", pctS(m), pctShort(lo), pctS(hi))
}

// pctShort is pctS without the % sign, for the low end of a range.
func pctShort(x float64) string { return strings.TrimSuffix(pctS(x), "%") }

func pctS(x float64) string {
	switch {
	case !finite(x):
		return "n/a"
	case x == 0:
		return "0%"
	case x == 1:
		return "100%"
	case x > 0 && x < 0.0005:
		return "<0.1%"
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

// demoValues lists the actors' values from the initial state.
func demoValues(sc *scenario.Scenario, r *equilibrium.Result) string {
	var parts []string
	for a, act := range sc.Actors {
		parts = append(parts, fmt.Sprintf("%s %.4g", act.ID, r.Values[a][sc.Initial]))
	}
	return strings.Join(parts, ", ")
}
