package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
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
		out       string
		opt       pipelineOptions
		solveSec  float64
		setClaims bool
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the bundled US–Iran scenario end to end and write truce-demo.html",
		Long: `demo runs the scenario bundled in the binary (scenarios/us-iran-2026.yaml:
the US–Iran truce after the failed 2026 talks, built from the article in
docs/us-iran-2026.md) end to end:

  1. analyse every named strategy profile exactly on --draws parameter draws;
  2. solve the Markov-perfect equilibrium at central parameter values,
     search the equilibrium set (--starts) and check which threats of each
     profile are credible;
  3. evaluate the article's claims (hypotheses H1-H13); the claims over
     the equilibrium set (E1-E4) solve and search the equilibria (E4 also
     the commitments) on each of their 20 draws, which costs more than the
     rest of the demo, so they are shown from their kept run (checked by
     the test suite against a fresh one), said to be kept, with what they
     say in plain words; --set-claims runs them now;
  4. sweep the parameters most rank-correlated with the claims (--sweep-top)
     across their ranges to find where verdicts flip;
  5. confront the model with the bundled weekly record from the scenario's
     start (scenarios/us-iran-2019-2026.csv, rows from 13 April 2026): how
     probable each profile found it, and each claim's share after it;
  6. show the construction audit (truce audit: the file's encoding choices
     varied one at a time) from its kept run, which the test suite checks
     against a fresh one; --audit-draws N runs it now;

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
			// The claims with their own draws: (a search of the
			// equilibrium set on each draw) cost more than the rest of the
			// demo: their kept run, which the test suite checks against a
			// fresh one, is shown instead unless --set-claims.
			var costly demoCostly
			if !setClaims {
				costly.left = sc.SkipSubsampled()
				// The kept run is over the first draws: of seed 1, which
				// are this run's first draws when the seed is the same.
				if len(costly.left) > 0 && opt.Seed == scenarios.USIran2026ClaimsSeed && opt.Draws >= largestDraws(costly.left) {
					k, err := loadKeptClaims(costly.left)
					if err != nil {
						return &exitError{1, fmt.Sprintf("truce demo: the kept run of the claims over the equilibrium set: %v (a bug in this build)", err)}
					}
					costly.kept = k
				}
			}
			opt.Solve, opt.Sensitivity, opt.Log = true, true, cmd.ErrOrStderr()
			opt.Global.Source = scenarios.USIran2026()
			if opt.Global.AuditDraws == 0 && opt.Seed == scenarios.USIran2026AuditSeed {
				// The audit costs several times the rest of the demo: its
				// kept run, which the test suite checks against a fresh
				// one, is shown instead, and said to be kept.
				opt.Global.KeptAudit = scenarios.USIran2026Audit()
			}
			opt.SolveBudget = time.Duration(solveSec * float64(time.Second))
			start := time.Now()
			// The record's update reads the scenario only, so it runs
			// beside the pipeline: the pipeline leaves part of the
			// second core idle (its equilibrium solve and its stages'
			// tails are serial). Both are seeded, so the output is the
			// same as run one after the other.
			ctx, cancel := context.WithCancel(cmd.Context())
			defer cancel()
			type recordDone struct {
				dr      *demoRecord
				err     error
				elapsed time.Duration
			}
			recCh := make(chan recordDone, 1)
			go func() {
				t := time.Now()
				dr, err := runDemoRecord(ctx, sc, opt)
				recCh <- recordDone{dr, err, time.Since(t)}
			}()
			res, err := runPipeline(ctx, sc, opt)
			if err != nil {
				cancel()
				<-recCh
				return &exitError{1, fmt.Sprintf("truce demo: %v", err)}
			}
			rd := <-recCh
			if rd.err != nil {
				return &exitError{1, fmt.Sprintf("truce demo: the bundled record: %v", rd.err)}
			}
			dr := rd.dr
			res.recordTime = rd.elapsed
			if note := keptClaimsNote(costly); note != "" {
				res.in.Notes = append(res.in.Notes, note)
			}
			if err := writeReportFile(cmd, out, nil, res.in); err != nil {
				return &exitError{1, fmt.Sprintf("truce demo: writing %s: %v", out, err)}
			}
			writeDemoSummary(cmd.OutOrStdout(), res, dr, costly, out, time.Since(start))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "truce-demo.html", "HTML report to write")
	// Fewer draws, points and starts than the standalone commands, so that
	// the whole run stays within seconds on two cores (docs/us-iran-2026.md
	// gives the full-size commands).
	intFlag(f, &opt.Draws, "draws", demoDraws, 1, maxDraws, "parameter draws for the analysis and the record's update")
	seedFlag(f, &opt.Seed, scenario.DefaultSeed, "random seed for the parameter draws")
	intFlag(f, &opt.Workers, "workers", 0, 0, maxWorkers, "parallel workers (0 = all cores); output does not depend on it")
	intFlag(f, &opt.Points, "points", demoPoints, 2, maxPoints, "points per parameter in the sensitivity sweep")
	intFlag(f, &opt.SweepTop, "sweep-top", demoSweepTop, 0, 100_000, "parameters the sensitivity sweep covers: the N most rank-correlated with the claims over the draws (0: every parameter)")
	intFlag(f, &opt.SetStarts, "starts", demoStarts, 1, 10_000, "random starts of the equilibrium-set search")
	floatFlag(f, &solveSec, "solve-budget", 10, 0, maxTimeout.Seconds(), "seconds allowed for solving the equilibrium (0 = 10)")
	// No Sobol indices and no fresh construction audit by default: with
	// the bundled scenario's 60-odd parameters and its clock, each costs
	// more than the rest of the demo together. The summary gives each
	// claim's rank correlations over the draws instead, and the audit's
	// kept run (scenarios.USIran2026Audit, which the test suite checks
	// against a fresh one), saying it is kept.
	addGlobalFlags(f, &opt.Global, 0, 0)
	f.Lookup("audit-draws").Usage = fmt.Sprintf("draws per variant of the construction audit, run now (0: show its kept run, %d draws, seed %d; another --seed shows none)",
		scenarios.USIran2026AuditDraws, scenarios.USIran2026AuditSeed)
	timeoutFlag(f)
	f.BoolVar(&setClaims, "set-claims", false, "evaluate the claims over the equilibrium set (those with their own draws:) now, before and after the record, instead of showing their kept run: a search of the set on each of their draws, about 20 CPU-s more, twice")
	f.Bool("print-scenario", false, "print the bundled scenario file and exit")
	return cmd
}

// The demo's sizes (the standalone commands default to 1000 draws and 20
// starts, and sweep every parameter).
const (
	demoDraws    = 200
	demoStarts   = 3
	demoPoints   = 4
	demoSweepTop = 16
)

func printDiags(w io.Writer, ds []scenario.Diagnostic) {
	for _, d := range ds {
		fmt.Fprintln(w, d.String())
	}
}

// writeDemoSummary prints what fits on one screen: how the standoff ends
// under the main profiles and the equilibrium, the threats, how probable
// the record was, every claim with its prior and posterior share and the
// nearest flip, what the claims hang on, where the model parts from the
// article, and where the report is.
func writeDemoSummary(w io.Writer, res *pipelineResult, dr *demoRecord, costly demoCostly, out string, took time.Duration) {
	sc, ar := res.sc, res.ar
	fmt.Fprintf(w, "%s. All numbers follow from the analyst's assumed ranges in the scenario (each with its source); they are not forecasts.\n", sc.Title)
	global := 0.0
	if res.global != nil {
		global = res.global.took.Seconds()
	}
	fmt.Fprintf(w, "%d profiles × %d parameter draws (seed %d) in %.1fs; equilibrium %.1fs; sensitivity %.1fs; global analyses %.1fs; record %.1fs (beside the others); total %.1fs\n",
		len(ar.ProfileOrder), ar.Draws, ar.Seed, res.analyzeTime.Seconds(), res.solveTime.Seconds(), res.sensTime.Seconds(), global, res.recordTime.Seconds(), took.Seconds())
	var rows []endingsRow
	for _, name := range ar.ProfileOrder {
		if name == "baseline" || name == "walkaway_intr" || name == "sanctions_intr" {
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
			notes = append(notes, fmt.Sprintf("  * %s: central values, selected by the logit path from uniform play (%s), largest deviation gain %.2g; values from %s: %s",
				e.name, e.res.Method, e.res.MaxDeviationGain, sc.States[sc.Initial].ID, demoValues(sc, e.res)))
			if e.set != nil {
				// One line (the summary fits a screen): the set, then the
				// outcome over every equilibrium found.
				line := fmt.Sprintf("    equilibrium set: %s (seed %d): the selected one is one of several, not a prediction", e.set.Describe(res.eqGame), ar.Seed)
				over, words, err := demoSetClaims(res.eqGame, sc.Horizon, ar.Period, e.set)
				if err != nil {
					line += fmt.Sprintf("; over the set: %v", err)
				} else if over != "" {
					line += "; " + over
				}
				if words != "" {
					// Same line: the summary fits a screen.
					line += ". What it says: " + words
				}
				notes = append(notes, line)
			}
		}
	}
	step0 := ""
	if sc.History != nil && sc.History.Start != "" {
		step0 = fmt.Sprintf(" (%s 0 = %s)", ar.Period, sc.History.Start)
	}
	writeEndingsTable(w, ar, step0, rows)
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
	if lines := demoThreats(sc); len(lines) > 0 {
		fmt.Fprintln(w, "Threats carried out when the moment comes? (central values; gain = what not doing it adds)")
		for _, l := range lines {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	if dr != nil {
		writeDemoRecord(w, dr)
	}
	writeDemoClaims(w, res, dr, costly)
	if res.global != nil && res.global.sobol != nil {
		writeDemoGlobal(w, res)
	} else {
		writeMovesWith(w, ar, 2)
		if res.global != nil {
			writeDemoBoxes(w, res.global.disc)
		}
		writeDemoGlobal(w, res)
	}
	fmt.Fprintf(w, "Report: %s   (model, sources, audit: docs/us-iran-2026.md; change it: truce demo --print-scenario > mine.yaml)\n", out)
}

// endingsRow is one profile in the demo's endings table: per ending (and
// "unresolved") the figure within the horizon, where the unresolved paths
// are at the horizon, and, with no horizon, how likely each ending is and
// when it comes (the expected step of its first entry among the paths
// that enter it).
type endingsRow struct {
	name   string
	within []string // per terminal state, then unresolved
	where  string
	ever   []ending // per terminal state, with no horizon
	never  string   // share of paths that never end
}

// ending is one terminal state's figures with no horizon: its
// probability (certain when every draw gives 1) and its expected step of
// first entry.
type ending struct {
	share   string
	certain bool
	when    string
}

func endingsRowOf(name string, ar *scenario.AnalysisReport, p *scenario.ProfileReport) endingsRow {
	r := endingsRow{name: name, where: firstN(scenario.UnresolvedWhere(ar, p, 0.005), 3)}
	for _, s := range ar.TerminalStates {
		e := p.Endings[s]
		r.within = append(r.within, pctStat(e.WithinHorizon))
		ev := e.Eventually
		r.ever = append(r.ever, ending{share: pctStat(ev), certain: float64(ev.Mean) == 1 && float64(ev.Lo) == 1, when: weekStat(p.Time[s])})
	}
	r.within = append(r.within, pctStat(p.Unresolved.AtHorizon))
	r.never = pctStat(p.Unresolved.Eventually)
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
			r.ever = append(r.ever, ending{share: pctS(an.Absorb[s]), certain: an.Absorb[s] == 1, when: weekOne(an.Time[s])})
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
	r.never = pctS(an.NeverEnds)
	return r
}

// weekStat prints an expected step over the draws as "95 [41–180]" (mean
// [5–95%]).
func weekStat(s scenario.Stat) string {
	m, lo, hi := float64(s.Mean), float64(s.Lo), float64(s.Hi)
	if !finite(m) {
		return "—"
	}
	if !finite(lo) || !finite(hi) || fmt.Sprintf("%.0f", lo) == fmt.Sprintf("%.0f", hi) {
		return fmt.Sprintf("%.0f", m)
	}
	return fmt.Sprintf("%.0f [%.0f–%.0f]", m, lo, hi)
}

func weekOne(x float64) string {
	if !finite(x) {
		return "—"
	}
	return fmt.Sprintf("%.0f", x)
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
// horizon (with where the unresolved paths are), then the endings with no
// horizon. When one ending is certain eventually under every profile
// shown (the bundled scenario's war: its only ending, and no state is
// safe from it), "eventually 100%" carries no information, so that line
// gives when it comes instead: the expected week of its first entry.
func writeEndingsTable(w io.Writer, ar *scenario.AnalysisReport, step0 string, rows []endingsRow) {
	sure := -1 // the terminal state certain under every row, if any
	for k := range ar.TerminalStates {
		all := len(rows) > 0
		for _, r := range rows {
			all = all && k < len(r.ever) && r.ever[k].certain
		}
		if all {
			sure = k
		}
	}
	if sure >= 0 {
		fmt.Fprintf(w, "How it ends: within %d %ss (mean [5–95%%] over the draws; each line sums to 100%%), and with no horizon: %s is then certain under every profile below (no path avoids it for ever), so the second line says when: its expected %s of first entry%s\n",
			ar.Horizon, ar.Period, ar.TerminalStates[sure], ar.Period, step0)
	} else {
		fmt.Fprintf(w, "How it ends: within %d %ss (mean [5–95%%] over the draws), and with no horizon (eventually); each line sums to 100%%\n", ar.Horizon, ar.Period)
	}
	// The table goes through a buffer so that the padding tabwriter puts
	// after a line's last cell (the header's and the no-horizon line's
	// last columns are tab-terminated to keep the columns aligned) is not
	// printed as trailing spaces.
	var buf bytes.Buffer
	defer func() {
		for _, line := range strings.SplitAfter(buf.String(), "\n") {
			if line == "" {
				continue
			}
			fmt.Fprintln(w, strings.TrimRight(line, " \n"))
		}
	}()
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  \t")
	for _, s := range ar.TerminalStates {
		fmt.Fprintf(tw, "\t%s", s)
	}
	fmt.Fprintf(tw, "\tunresolved\t\n")
	for _, r := range rows {
		fmt.Fprintf(tw, "  %s\t%d %ss\t%s\t%s\n", r.name, ar.Horizon, ar.Period, strings.Join(r.within, "\t"), r.where)
		var ever []string
		for k, e := range r.ever {
			if k == sure {
				ever = append(ever, fmt.Sprintf("certain, expected in %s %s", ar.Period, e.when))
			} else {
				ever = append(ever, e.share)
			}
		}
		label := "eventually"
		if sure >= 0 {
			label = "no horizon"
		}
		fmt.Fprintf(tw, "  \t%s\t%s\t%s never ends\t\n", label, strings.Join(ever, "\t"), r.never)
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
		{"walkaway_intr", "truce", "IR: intransigent", "walk-away"},
		{"baseline", "hormuz", "IR: hormuz", "selective strike"},
	}
	var out []string
	for _, p := range pick {
		prof, ok := profs[p.profile]
		if !ok {
			continue
		}
		// In a clocked game the point comes once per step: its rows
		// merged over the steps that play alike say at which steps and
		// give the gain's range (the first step's row alone said "at step
		// 1", a step of no note).
		var rows []string
		for _, r := range equilibrium.MergeThreatSteps(equilibrium.Credibility(g, prof)) {
			if t := r.Threats[0]; t.Actor == "US" && t.State == p.state && t.After == p.after && t.Context == "" {
				rows = append(rows, r.String())
			}
		}
		if len(rows) > 0 {
			out = append(out, fmt.Sprintf("%-16s (%s) %s", p.label, p.profile, strings.Join(rows, "; ")))
		}
	}
	return out
}

// demoWarBar is the article's "a comprehensive conflict does not erupt
// for now" as H6 puts it: war within the year below 15%.
const demoWarBar = 0.15

// demoSetClaims analyses every equilibrium the set search found (at
// central values) and states the article's outcome claims over the set
// rather than over the selected equilibrium: the range of war, stalemate
// and agreement within the horizon, and whether war stays below
// demoWarBar within the year in every equilibrium found, in some or in
// none. The set is not proved complete, so "every" means every one found.
// words says the same in plain words: what the selected equilibrium is,
// how far the others found are from it, and where that leaves the
// article's "no comprehensive conflict for now".
func demoSetClaims(g *markov.Game, horizon int, period string, set *equilibrium.Set) (over, words string, err error) {
	if g == nil || set == nil || len(set.Equilibria) == 0 {
		return "", "", nil
	}
	ids := []string{"war", "stalemate", "agreement"}
	idx := make([]int, len(ids))
	for i, id := range ids {
		idx[i] = -1
		for s, st := range g.States {
			if st.ID == id {
				idx[i] = s
			}
		}
		if idx[i] < 0 {
			return "", "", nil
		}
	}
	year := min(horizon, 52)
	lo := []float64{1, 1, 1}
	hi := []float64{0, 0, 0}
	below := 0
	yearLo, yearHi := 1.0, 0.0 // war within the year over the set
	yearSel := math.NaN()      // and in the selected equilibrium
	var calmest *equilibrium.Member
	for i := range set.Equilibria {
		m := &set.Equilibria[i]
		an, err := markov.Analyze(context.Background(), g, m.Profile(g), horizon)
		if err != nil {
			return "", "", fmt.Errorf("equilibrium %d of the set: %w", i+1, err)
		}
		for k, s := range idx {
			x := an.Reach[s][horizon]
			lo[k], hi[k] = min(lo[k], x), max(hi[k], x)
		}
		y := an.Reach[idx[0]][year]
		if y < demoWarBar {
			below++
		}
		if y < yearLo {
			yearLo, calmest = y, m
		}
		if m.Selected {
			yearSel = y
		}
		yearHi = max(yearHi, y)
	}
	var parts []string
	for k, id := range ids {
		r := pctS(lo[k])
		if pctS(lo[k]) != pctS(hi[k]) {
			r = pctShort(lo[k]) + "–" + pctS(hi[k])
		}
		parts = append(parts, id+" "+r)
	}
	n := len(set.Equilibria)
	var where string
	switch below {
	case n:
		where = fmt.Sprintf("in every one of the %d found", n)
	case 0:
		where = fmt.Sprintf("in none of the %d found", n)
	default:
		where = fmt.Sprintf("in %d of the %d found", below, n)
	}
	over = fmt.Sprintf("over them, within %d %ss: %s; war below %.0f%% within the year (H6's bar) %s",
		horizon, period, strings.Join(parts, ", "), 100*demoWarBar, where)
	return over, demoSetWords(g, set, yearLo, yearHi, yearSel, calmest), nil
}

// demoSetWords says in plain words what the equilibrium set found at
// central values means for the article's claim that no comprehensive war
// comes for now: whether the selected equilibrium is the two sides
// driving each other to war, and how much better the calmest equilibrium
// found would be for each side. Empty unless the scenario has the
// bundled one's actors US and IR.
func demoSetWords(g *markov.Game, set *equilibrium.Set, yearLo, yearHi, yearSel float64, calmest *equilibrium.Member) string {
	us, ir := -1, -1
	for a, act := range g.Actors {
		switch act.ID {
		case "US":
			us = a
		case "IR":
			ir = a
		}
	}
	sel := set.Selection
	if us < 0 || ir < 0 || sel == nil || calmest == nil {
		return ""
	}
	s0 := g.Initial
	plays := func(a int, action string) bool {
		for k, ai := range g.Avail[s0][a] {
			if g.Actions[a][ai] == action {
				return startPlay(sel, a, s0)[k] > 0.99
			}
		}
		return false
	}
	var b strings.Builder
	if plays(us, "war") && plays(ir, "escalate") {
		b.WriteString("the selected equilibrium is the two sides driving each other to war (the US goes to war because Iran escalates every week; Iran escalates because, with war coming anyway, escalating changes nothing but its own payoff, and its symbolic gain exceeds its cost); ")
	}
	if yearLo < yearHi {
		fmt.Fprintf(&b, "in the one found with the least war within the year (%s) Iran gets %.4g against %.4g, the US %.4g against %.4g. ",
			pctS(yearLo), startValue(calmest.Result, ir, s0), startValue(sel, ir, s0), startValue(calmest.Result, us, s0), startValue(sel, us, s0))
	} else {
		fmt.Fprintf(&b, "every one found gives war within the year %s. ", pctS(yearHi))
	}
	switch {
	case yearSel >= demoWarBar:
		fmt.Fprintf(&b, "Where it parts from the article: its \"a comprehensive conflict does not erupt for now\" fails in the selected equilibrium (war within the year %s). ", pctS(yearSel))
	case yearSel < demoWarBar:
		fmt.Fprintf(&b, "The article's \"a comprehensive conflict does not erupt for now\" holds in the selected equilibrium (war within the year %s). ", pctS(yearSel))
	}
	b.WriteString("A small search, not complete: truce solve --all searches wider (docs/us-iran-2026.md).")
	return b.String()
}

// demoValues lists the actors' values from the initial state at step 0.
func demoValues(sc *scenario.Scenario, r *equilibrium.Result) string {
	var parts []string
	for a, act := range sc.Actors {
		parts = append(parts, fmt.Sprintf("%s %.4g", act.ID, startValue(r, a, sc.Initial)))
	}
	return strings.Join(parts, ", ")
}

// startValue is actor a's value of the equilibrium from state s at step
// 0: in a clocked game the value backward induction found for step 0, not
// the stationary value from the clock's end on.
func startValue(r *equilibrium.Result, a, s int) float64 {
	if len(r.TimedValues) > 0 {
		return r.TimedValues[0][a][s]
	}
	return r.Values[a][s]
}

// startPlay is actor a's play in state s at step 0 (in a clocked game,
// not the stationary play from the clock's end on).
func startPlay(r *equilibrium.Result, a, s int) []float64 {
	if len(r.Timed) > 0 {
		return r.Timed[0][a][s]
	}
	return r.Strategies[a][s]
}
