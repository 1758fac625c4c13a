package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/truce-dev/truce/audit"
	"github.com/truce-dev/truce/internal/progress"
	"github.com/truce-dev/truce/report"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/sensitivity"
)

// globalSteps are the global analyses of the report and the demo: Sobol
// indices of the claims, PRIM boxes of where they hold, and the
// construction audit.
type globalSteps struct {
	SobolN     int    // base sample size; 0 skips Sobol
	NoDiscover bool   // skip PRIM over the analysis's draws
	AuditDraws int    // draws per audit variant; 0 skips the audit
	Source     []byte // the file's text, which the audit edits; nil skips it
	// KeptAudit, when AuditDraws is 0, is a kept audit of this very file
	// with the run's seed (JSON of audit.Report): the demo's, whose fresh
	// run would cost several times the rest of the demo.
	KeptAudit []byte
}

// rareBelow is the number of the Sobol design's base points going the
// other way below which a claim's indices are not shown: they would rest
// on those few points.
const rareBelow = 10

// Defaults of the report and the demo: a fraction of a standalone run's
// size, so that they stay quick (docs/sensitivity.md gives the full-size
// commands).
const (
	reportSobolN     = 256
	reportAuditDraws = 100
	demoAuditDraws   = 30
)

func addGlobalFlags(f *pflag.FlagSet, g *globalSteps, sobolN, auditDraws int) {
	intFlag(f, &g.SobolN, "sobol-samples", sobolN, 0, maxSamples, "base sample size of the Sobol indices of the claims (0: skip them)")
	intFlag(f, &g.AuditDraws, "audit-draws", auditDraws, 0, 100_000, "draws per variant of the construction audit (0: skip it)")
	f.BoolVar(&g.NoDiscover, "no-discover", false, "skip the PRIM boxes of where each claim holds")
}

// globalResult is what the global steps found, for the demo's summary.
type globalResult struct {
	sobol *sensitivity.SobolResult
	model *sensitivity.ScenarioModel
	disc  *sensitivity.DiscoverResult
	audit *audit.Report
	kept  bool // audit is the kept copy, not run now
	took  time.Duration
}

// runGlobalSteps runs the global analyses and adds their sections to
// res.in. A step that cannot run on this scenario leaves a note instead.
func runGlobalSteps(ctx context.Context, sc *scenario.Scenario, opt pipelineOptions, res *pipelineResult) error {
	g, gr := opt.Global, &globalResult{}
	res.global = gr
	start := time.Now()
	defer func() { gr.took = time.Since(start) }()
	if !sc.Random() || len(sc.Hypotheses) == 0 {
		return nil
	}
	if g.SobolN > 0 {
		if len(sc.Correlations) > 0 {
			res.in.Notes = append(res.in.Notes, "Sobol indices are left out: the scenario correlates some parameters, and the indices are defined for independent ones (truce sensitivity --method sobol --ignore-correlations computes them with independent draws).")
		} else {
			m, err := sensitivity.NewScenarioModel(sc, sensitivity.ScenarioModelOptions{Hypotheses: nil})
			if err != nil {
				return fmt.Errorf("sobol: %w", err)
			}
			bar := progress.New(opt.Log, int64(g.SobolN*(len(m.Inputs())+2)), "sobol")
			r, err := sensitivity.Sobol(ctx, m, sensitivity.SobolOptions{N: g.SobolN, Seed: opt.Seed,
				Eval: sensitivity.EvalOptions{Workers: opt.Workers, Progress: func(done, _ int) { bar.Set(int64(done)) }}})
			bar.Finish()
			if err != nil {
				return fmt.Errorf("sobol: %w", err)
			}
			gr.sobol, gr.model = r, m
			report.AddGlobal(&res.in, r, m.IsHypothesis)
			res.in.Global.LeftOut = m.LeftOutReason()
		}
	}
	if !g.NoDiscover {
		bar := progress.New(opt.Log, int64(opt.Draws), "discover")
		// PRIM runs over the analysis's own draws and verdicts (the
		// same seed and draws) rather than evaluating them again.
		d, err := sensitivity.Discover(ctx, sc, sensitivity.DiscoverOptions{Draws: max(opt.Draws, 10), Seed: opt.Seed, Verdicts: res.ar.Verdicts,
			Eval: sensitivity.EvalOptions{Workers: opt.Workers, Progress: func(done, _ int) { bar.Set(int64(done)) }}})
		bar.Finish()
		if err != nil {
			return fmt.Errorf("discover: %w", err)
		}
		gr.disc = d
		report.AddDiscoveries(&res.in, d)
	}
	if g.AuditDraws > 0 && g.Source != nil {
		bar := progress.New(opt.Log, -1, "audit")
		a, err := audit.Run(ctx, sc.File, g.Source, audit.Options{Draws: g.AuditDraws, Seed: opt.Seed, Workers: opt.Workers,
			Progress: func(done, _ int) { bar.Set(int64(done)) }})
		bar.Finish()
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		gr.audit = a
		report.AddAudit(&res.in, a)
	} else if g.AuditDraws == 0 && g.KeptAudit != nil {
		var a audit.Report
		if err := json.Unmarshal(g.KeptAudit, &a); err != nil {
			return fmt.Errorf("the kept audit: %w (a bug in this build)", err)
		}
		gr.audit, gr.kept = &a, true
		report.AddAudit(&res.in, &a)
		res.in.Audit.Summary += fmt.Sprintf(" — kept from `truce audit %s --draws %d --seed %d`, not run now; the test suite reruns it and fails if it differs", a.File, a.Draws, a.Seed)
	}
	return nil
}

// hangsOn is what a claim's verdict hangs on by the Sobol total index:
// up to n parameters with a total index of at least 0.1, largest first,
// as "p_deal .85, relief .61"; "" when there is no Sobol result for it, and
// a note when the claim goes the other way at too few design points.
func hangsOn(res *pipelineResult, id string, n int) string {
	if res.global == nil || res.global.sobol == nil {
		return ""
	}
	for o, out := range res.global.sobol.Outputs {
		if !res.global.model.IsHypothesis(o) || out.Output != id || out.Indices == nil {
			continue
		}
		if few := math.Min(out.Mean, 1-out.Mean) * float64(2*res.global.sobol.N); few < rareBelow {
			return "(too rare in the design to say)"
		}
		ix := append([]sensitivity.SobolIndex(nil), out.Indices...)
		sort.SliceStable(ix, func(a, b int) bool { return ix[a].Total > ix[b].Total })
		var parts []string
		for _, x := range ix[:min(n, len(ix))] {
			if x.Total >= 0.1 {
				parts = append(parts, fmt.Sprintf("%s %s", x.Input, strings.TrimPrefix(fmt.Sprintf("%.2f", math.Min(x.Total, 1)), "0")))
			}
		}
		if len(parts) == 0 {
			return "(no single parameter)"
		}
		return strings.Join(parts, ", ")
	}
	return ""
}

// writeDemoGlobal prints what the global analyses add to the demo's
// summary, in a few lines: what each verdict hangs on, and the audit's
// findings.
func writeDemoGlobal(w io.Writer, res *pipelineResult) {
	gr := res.global
	if gr == nil {
		return
	}
	if gr.sobol != nil {
		fmt.Fprintf(w, "What each verdict hangs on (Sobol total index, interactions included; all parameters varying, N = %d, ±0.1):\n", gr.sobol.N)
		var items []string
		for _, h := range res.sc.Hypotheses {
			if s := hangsOn(res, h.ID, 2); s != "" {
				items = append(items, h.ID+" "+s)
			}
		}
		writePacked(w, items, " · ", 150)
	}
	a := gr.audit
	if a != nil && gr.kept {
		writeKeptAudit(w, a)
		return
	}
	if a == nil {
		// Said, so that no one reads the summary as audited.
		fmt.Fprintf(w, "Construction check: not run here (it analyses every variant of the file, several times the rest of the demo): truce audit %s, or truce demo --audit-draws %d; docs/us-iran-2026.md gives its findings.\n",
			res.sc.File, demoAuditDraws)
		return
	}
	if parts := auditFindings(a); len(parts) > 0 {
		fmt.Fprintf(w, "Construction check: %s (truce audit; the report lists where).\n", strings.Join(parts, "; "))
	}
}

// auditFindings says which hypotheses an audit found definitional, and
// which some fixed number decides ("H1, H3 restate the payoff rules", "2
// fixed numbers decide H1, H4"); empty when it found neither.
func auditFindings(a *audit.Report) []string {
	var defs, decided []string
	for _, d := range a.Definitional {
		defs = append(defs, d.Hypothesis)
	}
	for _, d := range a.Decisive {
		for _, h := range d.Hypotheses {
			if !slices.Contains(decided, h) {
				decided = append(decided, h)
			}
		}
	}
	var parts []string
	if len(defs) > 0 {
		verb := " restate"
		if len(defs) == 1 {
			verb = " restates"
		}
		parts = append(parts, strings.Join(defs, ", ")+verb+" the payoff rules")
	}
	if len(decided) > 0 {
		sort.Strings(decided)
		verb := "decide"
		if len(a.Decisive) == 1 {
			verb = "decides"
		}
		parts = append(parts, fmt.Sprintf("%s %s %s", plural(len(a.Decisive), "fixed number"), verb, strings.Join(decided, ", ")))
	}
	if len(a.NotAudited) > 0 {
		var ids []string
		draws := fmt.Sprintf("%d draws", a.NotAudited[0].Draws)
		for _, h := range a.NotAudited {
			ids = append(ids, h.ID)
			if h.Draws != a.NotAudited[0].Draws {
				draws = "their own draws"
			}
		}
		parts = append(parts, fmt.Sprintf("%s not audited (costly: a search on each of %s; truce audit --audit-costly)", strings.Join(ids, ", "), draws))
	}
	return parts
}

// writeKeptAudit sums up the demo's kept audit in one line: what it
// tested, what it found, and that it was not run now.
func writeKeptAudit(w io.Writer, a *audit.Report) {
	found := auditFindings(a)
	if len(a.Definitional) == 0 {
		found = append(found, "no claim restates the payoff rules")
	}
	if len(a.Decisive) == 0 {
		found = append(found, "no fixed number decides a verdict")
	}
	found = append(found, fmt.Sprintf("a verdict changed by %s (the report lists them; docs/us-iran-2026.md explains each kind)", plural(len(a.Flips), "variant")))
	fmt.Fprintf(w, "Construction check (%d variants of the file, %d draws each; kept from truce audit %s --draws %d --seed %d, not run now): %s.\n",
		a.Tested, a.Draws, a.File, a.Draws, a.Seed, strings.Join(found, "; "))
}

// writePacked writes items separated by sep on indented lines of at most
// width characters.
func writePacked(w io.Writer, items []string, sep string, width int) {
	line := ""
	for _, it := range items {
		switch {
		case line == "":
			line = it
		case len([]rune(line+sep+it)) > width:
			fmt.Fprintf(w, "  %s\n", line)
			line = it
		default:
			line += sep + it
		}
	}
	if line != "" {
		fmt.Fprintf(w, "  %s\n", line)
	}
}
