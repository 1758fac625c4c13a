package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/evidence/forecast"
	"github.com/truce-dev/truce/gmcr"
	"github.com/truce-dev/truce/internal/progress"
	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/report"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/sensitivity"
	"github.com/truce-dev/truce/store"
)

// pipelineOptions drive the analysis behind `truce report` and `truce demo`.
type pipelineOptions struct {
	Draws    int
	Seed     uint64
	Workers  int
	Profiles []string // profiles analysed over draws; default: the named (not solved) ones
	// Solve finds the scenario's equilibrium profiles at central parameter
	// values, within SolveBudget.
	Solve       bool
	SolveBudget time.Duration
	SetStarts   int // random starts of the equilibrium-set search (0: equilibrium.DefaultStarts)
	Sensitivity bool
	// Leverage adds best responses and optimal commitments at central
	// values (the report's leverage section).
	Leverage bool
	Points   int
	// SweepTop > 0 limits the sensitivity sweep to the SweepTop drawn
	// parameters most rank-correlated with the claims over the
	// analysis's draws (the demo's size); 0 sweeps every parameter.
	SweepTop int
	// CredibilityDraws is how many of the analysis's draws the
	// credibility summary covers (0: central values only).
	CredibilityDraws int
	Outputs          []string // tornado outputs; default: the hypotheses' quantities
	Global           globalSteps
	Log              io.Writer
}

// pipelineResult is everything the report and the demo summary show.
type pipelineResult struct {
	sc     *scenario.Scenario
	ar     *scenario.AnalysisReport
	eq     []solvedProfile
	eqGame *markov.Game // the central game the equilibria were solved on
	sens   *sensitivity.Result
	// swept are the parameters the sensitivity sweep covered when
	// SweepTop limited it, of sweepable drawn parameters; nil: all.
	swept       []string
	sweepable   int
	global      *globalResult
	in          report.Input
	analyzeTime time.Duration
	solveTime   time.Duration
	sensTime    time.Duration
	recordTime  time.Duration // the demo's update on the bundled record
}

type solvedProfile struct {
	name string
	res  *equilibrium.Result
	set  *equilibrium.Set // the set searched around it
	an   *markov.Analysis // exact analysis of the equilibrium at central values
	err  error
}

// namedProfiles are the profiles with fixed strategies (no solving).
func namedProfiles(sc *scenario.Scenario) []string {
	var out []string
	for _, p := range sc.Profiles {
		if p.Solve == "" {
			out = append(out, p.Name)
		}
	}
	return out
}

// runPipeline analyses sc over draws, solves its equilibrium profiles at
// central values, checks the credibility of each analysed profile's
// reactions, runs the one-at-a-time sensitivity sweep, and fills the report.
func runPipeline(ctx context.Context, sc *scenario.Scenario, opt pipelineOptions) (*pipelineResult, error) {
	res := &pipelineResult{sc: sc}
	profiles := opt.Profiles
	if len(profiles) == 0 {
		profiles = namedProfiles(sc)
	}
	if len(profiles) == 0 {
		// only solved profiles: analyse them over draws (the user asked for a
		// model that has nothing else)
		for _, p := range sc.Profiles {
			profiles = append(profiles, p.Name)
		}
	}
	start := time.Now()
	bar := newAnalyzeProgress(opt.Log, "analyze", sc, 0, opt.Draws, true)
	// The report charts every state's reach curve on scenarios small
	// enough for that to be cheap and readable; larger ones get their
	// endings and the states hypotheses read.
	var states []string
	if len(sc.States) <= 100 {
		states = []string{"*"}
	}
	ar, err := scenario.Analyze(ctx, sc, scenario.AnalyzeOptions{Profiles: profiles, Draws: opt.Draws, Seed: opt.Seed, Workers: opt.Workers,
		States: states, Progress: bar.progress, DrawDone: bar.drawDone, Stage: bar.stage})
	bar.finish()
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	res.ar, res.analyzeTime = ar, time.Since(start)
	res.in = report.FromScenario(sc, ar)

	g, profs, err := sc.Build(sc.Central())
	if err != nil {
		return nil, fmt.Errorf("central parameter values: %w", err)
	}
	res.eqGame = g
	if opt.Solve {
		start = time.Now()
		for _, p := range sc.Profiles {
			if p.Solve == "" {
				continue
			}
			sp := solveCentral(ctx, g, sc.Horizon, p.Name, opt.SolveBudget, opt.Seed, opt.SetStarts)
			res.eq = append(res.eq, sp)
			if sp.err != nil {
				res.in.Notes = append(res.in.Notes, fmt.Sprintf("Profile %s: %v", p.Name, sp.err))
				continue
			}
			res.in.Equilibria = append(res.in.Equilibria, report.EquilibriumSetFrom(g, p.Name+" (central values)", sp.set, opt.Seed))
			if sp.res.Converged && sp.an != nil {
				res.in.Profiles = append(res.in.Profiles, centralProfile(sc, p.Name+" (central values)", sp.an))
			}
		}
		res.solveTime = time.Since(start)
	}
	for _, name := range ar.ProfileOrder {
		if mp, ok := profs[name]; ok {
			res.in.Credibility = append(res.in.Credibility, report.CredibilityFrom(name, equilibrium.Credibility(g, mp))...)
		}
	}
	if n := min(opt.CredibilityDraws, opt.Draws); n > 0 && !ar.Fixed && len(res.in.Credibility) > 0 {
		across, err := credibilityAcross(ctx, sc, ar.ProfileOrder, n, opt.Seed, opt.Workers, opt.Log)
		if err != nil {
			return nil, fmt.Errorf("credibility over draws: %w", err)
		}
		res.in.CredibilityAcross = across
	}
	if opt.Leverage {
		var sel *equilibrium.Result
		for _, sp := range res.eq {
			if sp.err == nil && sp.res != nil {
				sel = sp.res
				break
			}
		}
		lv, err := report.ComputeLeverage(ctx, sc, g, profs, ar.ProfileOrder, sel, opt.Seed)
		if err != nil {
			return nil, fmt.Errorf("leverage: %w", err)
		}
		res.in.Leverage = lv
	}
	// A sweep evaluates every hypothesis at every point: those with their
	// own draws: (a search on each draw) are left out, as truce
	// sensitivity leaves them out.
	if left, swept := oatLeftOut(sc, nil); opt.Sensitivity && left != nil {
		res.in.Notes = append(res.in.Notes, fmt.Sprintf("The sensitivity sweep leaves out %s: %s.", strings.Join(left, ", "),
			strings.Replace(oatLeftOutNote, "name it with --hypothesis to sweep it", "truce sensitivity --hypothesis sweeps it", 1)))
		if swept == 0 && len(opt.Outputs) == 0 {
			opt.Sensitivity = false
		}
	}
	if opt.Sensitivity {
		start = time.Now()
		sbar := progress.New(opt.Log, -1, "sensitivity")
		var only []string
		if opt.SweepTop > 0 {
			if top, of := mostCorrelated(ar, opt.SweepTop); len(top) < of {
				only, res.swept, res.sweepable = top, top, of
				res.in.Notes = append(res.in.Notes, fmt.Sprintf("The sensitivity sweep covers %d of the %d drawn parameters: those most rank-correlated with the claims over the %d draws (%s). Break-evens on the others were not searched; truce sensitivity sweeps every parameter.",
					len(top), of, ar.RankCorrelations.Draws, strings.Join(top, ", ")))
			}
		}
		sens, err := sensitivity.RunScenario(ctx, sc, sensitivity.ScenarioOptions{Workers: opt.Workers, Outputs: opt.Outputs},
			sensitivity.Options{Points: opt.Points, Params: only, Progress: func(done, _ int) { sbar.Set(int64(done)) }})
		sbar.Finish()
		if err != nil {
			return nil, fmt.Errorf("sensitivity: %w", err)
		}
		res.sens, res.sensTime = sens, time.Since(start)
		report.AddSensitivity(&res.in, sens)
	}
	if err := runGlobalSteps(ctx, sc, opt, res); err != nil {
		return nil, err
	}
	res.in.Generated = "truce " + versionString()
	return res, nil
}

// solveCentral solves an equilibrium profile on the central game with the
// selection rule every command uses, within budget, then searches the
// equilibrium set around it with a fixed number of starts (not a time
// budget, so that the same seed gives the same report).
func solveCentral(ctx context.Context, g *markov.Game, horizon int, name string, budget time.Duration, seed uint64, starts int) solvedProfile {
	sp := solvedProfile{name: name}
	if budget <= 0 {
		budget = 10 * time.Second
	}
	sel, err := solveBy(ctx, g, time.Now().Add(budget))
	if err != nil {
		sp.err = fmt.Errorf("no equilibrium found within %s: %v", budget, err)
		return sp
	}
	sp.res = sel
	if !sel.Converged {
		sp.err = fmt.Errorf("the solver did not converge (%s: largest deviation gain %.3g; %s); no equilibrium is reported", sel.Method, sel.MaxDeviationGain, sel.Reason)
		return sp
	}
	if sp.set, err = equilibrium.SolveAll(ctx, g, equilibrium.SetOptions{Selection: sel, Seed: seed, Starts: starts, Workers: runtime.GOMAXPROCS(0)}); err != nil {
		sp.err = fmt.Errorf("searching the equilibrium set: %w", err)
		return sp
	}
	an, err := markov.Analyze(ctx, g, sel.Profile(g), horizon)
	if err != nil {
		sp.err = fmt.Errorf("analysing the equilibrium: %w", err)
		return sp
	}
	sp.an = an
	return sp
}

// solveBy selects the equilibrium (equilibrium.Solve, default method) until
// deadline. The solver checks its context between steps; should one step
// run long, the command still returns at the deadline (plus a second) and
// leaves that goroutine to finish on its own rather than hang the report.
func solveBy(ctx context.Context, g *markov.Game, deadline time.Time) (*equilibrium.Result, error) {
	cctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	type result struct {
		r   *equilibrium.Result
		err error
	}
	ch := make(chan result, 1)
	go func() {
		r, err := equilibrium.Solve(cctx, g, equilibrium.Options{})
		ch <- result{r, err}
	}()
	grace := time.NewTimer(time.Until(deadline) + time.Second)
	defer grace.Stop()
	select {
	case res := <-ch:
		return res.r, res.err
	case <-grace.C:
		return nil, fmt.Errorf("no answer by the deadline")
	}
}

// centralProfile is a single-point analysis shown beside the profiles
// analysed over draws (its interval is the point itself).
func centralProfile(sc *scenario.Scenario, name string, an *markov.Analysis) report.Profile {
	pt := func(x float64) report.Interval { return report.Interval{Mean: x, Lo: x, Hi: x} }
	p := report.Profile{Name: name, Strategies: map[string]string{},
		Absorb: map[string]report.Interval{}, Time: map[string]report.Interval{}, Reach: map[string][]float64{}, Value: map[string]report.ActorValue{}}
	p.Endings = map[string]report.Ending{}
	open := 0.0
	p.Unresolved = report.Unresolved{Eventually: pt(an.NeverEnds), Where: map[string]report.Interval{}}
	for s, st := range sc.States {
		p.Absorb[st.ID] = pt(an.Absorb[s])
		p.Time[st.ID] = pt(an.Time[s])
		p.Reach[st.ID] = an.Reach[s]
		if st.Terminal {
			p.Endings[st.ID] = report.Ending{WithinHorizon: pt(an.AtHorizon[s]), Eventually: pt(an.Absorb[s])}
		} else {
			p.Unresolved.Where[st.ID] = pt(an.AtHorizon[s])
			open += an.AtHorizon[s]
		}
	}
	p.Unresolved.AtHorizon = pt(open)
	for a, act := range sc.Actors {
		p.Strategies[act.ID] = "equilibrium"
		v := report.ActorValue{Total: pt(an.Total[a]), Components: map[string]report.Interval{}}
		for c, comp := range sc.Components {
			v.Components[comp.ID] = pt(an.Value[a][c])
		}
		p.Value[act.ID] = v
	}
	return p
}

// versionString names the build in the report footer; it reads no clock,
// so the same inputs give the same page.
func versionString() string {
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Version == "" {
		return "(devel)"
	}
	return info.Main.Version
}

// writeReportFile writes the page atomically (writeOutput), never over
// one of inputs, so a failed run never leaves half a report.
func writeReportFile(cmd *cobra.Command, path string, inputs []string, in report.Input) error {
	return writeOutput(cmd, path, inputs, func(w io.Writer) error { return report.Write(w, in) })
}

func newReportCmd() *cobra.Command {
	var (
		out      string
		gmcrPath string
		retro    retroFlags
		db       string
		opt      pipelineOptions
		noSolve  bool
		noSens   bool
		noLever  bool
		hypDraws string
		solveSec float64
	)
	cmd := &cobra.Command{
		Use:   "report FILE -o report.html",
		Short: "Write a self-contained HTML report of a scenario",
		Long: `report analyses a scenario and writes one HTML file that needs nothing else
to be read, mailed or printed (inline SVG charts, no scripts, no network):
the scenario summary and state diagram, the assumptions with their
rationales, the probability of each ending per profile with 5-95% intervals,
reach curves (how the chance of each ending grows over time), each actor's
value by payoff component, the equilibrium and the credibility of each
profile's reactions (threats), the hypotheses with their verdicts and
support, and tornado charts with the parameter values at which verdicts flip.

What the record says: with a history: section in the scenario, or
--record R.csv, the report adds the retrodiction (how probable the model
found the dated past under each profile, over the same draws as the
analysis), and with resolved forecasts for the scenario in the ledger
(--db, or the workbench's database when it exists; see truce forecast and
truce score) their Brier and log scores and the reliability diagram.

--gmcr CONFLICT adds the ordinal lens: the conflict's stability table
(Nash, GMR, SMR, SEQ) and its status-quo graph. When the conflict has a
bridge: section tied to this scenario, the report compares the lenses and
calls the equilibrium's outcome robust only when they agree; where they
disagree it says so in the summary.

The named profiles are analysed over --draws parameter draws (as in
'truce analyze'). Profiles written {solve: markov-perfect} are solved once,
at the parameters' central values (solving them on every draw can take
long; use 'truce analyze --profile NAME' for that), and shown beside the
others. Credibility is summarised over the first 200 draws of the analysis
(--credibility-draws; per threat: the share of draws in which it is
credible, its median margin) with the table at central values behind it;
leverage is computed at central values:
every actor's best response to every named profile and, with two actors,
each one's optimal commitment (as 'truce respond' and 'truce commit'; skip
with --no-leverage). The sensitivity sweep
moves one parameter at a time across its range with the others at their
central values (see 'truce sensitivity').`,
		Example: `  truce report scenarios/us-iran-2026.yaml -o report.html
  truce report examples/crises/chicken.yaml -o chicken.html --draws 200 --no-sensitivity
  truce report scenarios/us-iran-2026.yaml -o report.html --gmcr examples/gmcr/us-iran-bridge.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErrorf("truce report: -o FILE is required (where to write the HTML)")
			}
			if err := notAnInput(out, args); err != nil {
				return &exitError{1, "truce report: " + err.Error()}
			}
			sc, err := mustLoadScenario(cmd, "report", args[0])
			if err != nil {
				return err
			}
			var notEvaluated string
			if rerun := applyHypothesisDraws(cmd, sc, hypDraws); rerun != "" {
				var ids []string
				for _, h := range sc.NotEvaluated {
					ids = append(ids, fmt.Sprintf("%s (draws: %d)", h.ID, h.Draws))
				}
				notEvaluated = fmt.Sprintf("Not evaluated (--hypothesis-draws none): %s, which set their own draws: (the file marks them as costly); no verdict or figure of this report includes them. Evaluate them with: %s",
					strings.Join(ids, ", "), rerun)
			}
			if args[0] != "-" {
				opt.Global.Source, _ = os.ReadFile(args[0]) // for the audit; a file that cannot be read again just skips it
			}
			opt.Solve, opt.Sensitivity, opt.Leverage = !noSolve, !noSens, !noLever
			opt.SolveBudget = time.Duration(solveSec * float64(time.Second))
			opt.Log = cmd.ErrOrStderr()
			// The record, the ledger and the conflict first: a bad one fails
			// before the long analysis, not after it.
			var extra report.Input
			if err := addEvidence(cmd, sc, &retro, db, &opt, &extra); err != nil {
				return err
			}
			if gmcrPath != "" {
				if extra.Ordinal, err = reportOrdinal(cmd, args[0], gmcrPath); err != nil {
					return err
				}
			}
			res, err := runPipeline(cmd.Context(), sc, opt)
			if err != nil {
				return &exitError{1, fmt.Sprintf("truce report: %v", err)}
			}
			res.in.Evidence, res.in.Ordinal = extra.Evidence, extra.Ordinal
			if notEvaluated != "" {
				res.in.Notes = append(res.in.Notes, notEvaluated)
			}
			if err := writeReportFile(cmd, out, args, res.in); err != nil {
				return &exitError{1, fmt.Sprintf("truce report: writing %s: %v", out, err)}
			}
			lens := ""
			if o := res.in.Ordinal; o != nil {
				switch {
				case !o.Compared:
					lens = "; ordinal lens not compared (no bridge)"
				case o.Robust:
					lens = "; the ordinal lens agrees"
				default:
					lens = "; the ordinal lens disagrees: not robust"
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%s, %s, %s%s)\n", out, plural(len(res.in.Profiles), "profile"), nounCount(len(res.in.Hypotheses), "hypothesis", "hypotheses"), plural(len(res.in.Tornadoes), "tornado chart"), lens)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "", "HTML file to write")
	intFlag(f, &opt.Draws, "draws", scenario.DefaultDraws, 1, maxDraws, "parameter draws for the analysis")
	seedFlag(f, &opt.Seed, scenario.DefaultSeed, "random seed for the parameter draws")
	intFlag(f, &opt.Workers, "workers", 0, 0, maxWorkers, "parallel workers (0 = all cores); output does not depend on it")
	f.StringSliceVar(&opt.Profiles, "profile", nil, "profiles to analyse over draws (default: every profile that is not solved)")
	f.BoolVar(&noSolve, "no-solve", false, "skip the equilibrium")
	floatFlag(f, &solveSec, "solve-budget", 10, 0, maxTimeout.Seconds(), "seconds allowed for solving each equilibrium profile (0 = 10)")
	f.BoolVar(&noSens, "no-sensitivity", false, "skip the sensitivity sweep")
	f.BoolVar(&noLever, "no-leverage", false, "skip best responses and optimal commitments (the leverage section)")
	intFlag(f, &opt.Points, "points", 9, 2, maxPoints, "points per parameter in the sensitivity sweep")
	intFlag(f, &opt.CredibilityDraws, "credibility-draws", 200, 0, maxDraws, "how many of the analysis's draws the credibility summary covers (0 = central values only)")
	addGlobalFlags(f, &opt.Global, reportSobolN, reportAuditDraws)
	retro.add(f)
	f.StringVar(&db, "db", "", "the forecast ledger to score in the report: sqlite:PATH or postgres://… (default: the workbench's SQLite database, read only when it exists)")
	f.StringVar(&gmcrPath, "gmcr", "", "a graph-model conflict (docs/gmcr.md) to add as the ordinal lens; with a bridge to this scenario, the report says where the lenses agree")
	f.StringSliceVar(&opt.Outputs, "tornado", nil, `outputs for tornado charts, e.g. 'reach("war", 52, "baseline")' (default: the hypotheses' quantities)`)
	hypothesisDrawsFlag(f, &hypDraws)
	timeoutFlag(f)
	return cmd
}

// credibilityAcross checks the credibility of every analysed profile's
// plays on the first n draws of the analysis (the same draws, by index and
// seed) and summarises it per profile. Draws whose game cannot be built
// are left out (the analysis reports them).
func credibilityAcross(ctx context.Context, sc *scenario.Scenario, profiles []string, n int, seed uint64, workers int, log io.Writer) (*report.CredibilityAcross, error) {
	per := make([]map[string][]equilibrium.Threat, n)
	bar := progress.New(log, int64(n), "credibility")
	defer bar.Finish()
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for i := range next {
				game, profs, err := sc.Build(sc.DrawAt(seed, i))
				if err == nil {
					m := map[string][]equilibrium.Threat{}
					for _, name := range profiles {
						if mp, ok := profs[name]; ok {
							m[name] = equilibrium.Credibility(game, mp)
						}
					}
					per[i] = m
				}
				bar.Add(1)
			}
		})
	}
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := &report.CredibilityAcross{Seed: seed}
	for _, name := range profiles {
		var draws [][]equilibrium.Threat
		for _, m := range per {
			if ths, ok := m[name]; ok {
				draws = append(draws, ths)
			}
		}
		if len(draws) == 0 {
			continue
		}
		out.Draws = max(out.Draws, len(draws))
		sums := equilibrium.SummarizeThreats(draws)
		for _, s := range sums {
			out.Clocked = out.Clocked || s.Clock > 0
		}
		groups, shares := report.CredibilitySharesFrom(name, sums)
		out.Groups = append(out.Groups, groups...)
		out.Threats = append(out.Threats, shares...)
	}
	if len(out.Groups) == 0 {
		return nil, nil
	}
	return out, nil
}

// finite reports whether x is a number a reader should see.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// reportOrdinal analyses the conflict at path for the report of the
// scenario at scenarioPath, under every concept. A bridge must tie the
// conflict to that same scenario file: comparing the lenses of two
// different models would mislead.
func reportOrdinal(cmd *cobra.Command, scenarioPath, path string) (*report.Ordinal, error) {
	rep, err := loadConflict(cmd, "report --gmcr", path, gmcr.Concepts, gmcr.Sequences)
	if err != nil {
		return nil, err
	}
	if br := rep.bridge; br != nil {
		bp := br.Scenario
		if !filepath.IsAbs(bp) {
			bp = filepath.Join(filepath.Dir(path), bp)
		}
		a, errA := os.Stat(scenarioPath)
		b, errB := os.Stat(bp)
		if errA != nil || errB != nil || !os.SameFile(a, b) {
			return nil, &exitError{codeFailure, fmt.Sprintf("truce report: --gmcr %s: its bridge ties it to %s, not to %s; the lenses would compare two different models", path, bp, scenarioPath)}
		}
	}
	if rep.sq >= 0 {
		if err := rep.statusQuo(cmd.Context()); err != nil {
			return nil, err
		}
	}
	return rep.ordinal(), nil
}

// addEvidence adds what the record says to the report: the retrodiction
// of the scenario's history or of --record, and the scored forecasts of
// the ledger (--db, or the default database when it exists, so that a
// report never creates one).
func addEvidence(cmd *cobra.Command, sc *scenario.Scenario, retro *retroFlags, db string, opt *pipelineOptions, in *report.Input) error {
	ctx := cmd.Context()
	rd, diags, err := retro.retrodict(cmd, sc, opt.Draws, opt.Seed)
	if err != nil {
		return &exitError{codeFailure, fmt.Sprintf("truce report: %v", err)}
	}
	printDiagnostics(cmd.ErrOrStderr(), diags)
	if rd != nil {
		what := "the scenario's history"
		if retro.record != "" {
			what = filepath.Base(rd.Record.File) // the file, not where it sits on this machine
		}
		to := fmt.Sprintf("step %d", rd.Record.LastStep)
		if rd.Record.LastDate != "" {
			to = rd.Record.LastDate
		}
		rows := "rows"
		if rd.Record.Rows == 1 {
			rows = "row"
		}
		report.AddRetrodiction(in, rd, fmt.Sprintf("%s, %d %s to %s", what, rd.Record.Rows, rows, to))
	}
	ledger := db
	if ledger == "" {
		p, err := store.DefaultPath()
		if err != nil {
			return nil
		}
		if _, err := os.Stat(p); err != nil {
			return nil // no ledger: nothing was forecast
		}
		ledger = "sqlite:" + p
	}
	st, err := openStore(ctx, ledger)
	if err != nil {
		return &exitError{codeFailure, fmt.Sprintf("truce report: the forecast ledger: %v", err)}
	}
	defer st.Close()
	total, scored, open, err := ledgerScored(ctx, st, sc.Name, "")
	if err != nil {
		return &exitError{codeFailure, fmt.Sprintf("truce report: the forecast ledger: %v", err)}
	}
	if total > 0 {
		report.AddForecasts(in, ledgerName(db), forecast.Score(scored, 10), len(scored), open)
	}
	return nil
}

// ledgerName names the ledger for a reader without what a report must not
// carry: a PostgreSQL URL's user and password, or a home directory.
func ledgerName(db string) string {
	switch {
	case db == "":
		return "the workbench's database"
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		u, err := url.Parse(db)
		if err != nil {
			return "a PostgreSQL database"
		}
		return fmt.Sprintf("PostgreSQL database %s on %s", strings.TrimPrefix(u.Path, "/"), u.Hostname())
	}
	return filepath.Base(strings.TrimPrefix(strings.TrimPrefix(db, "sqlite://"), "sqlite:"))
}

// mostCorrelated returns up to n drawn parameters, those with the largest
// absolute Spearman rank correlation with any claim over the analysis's
// draws (largest first, ties in the file's order), and how many drawn
// parameters there are. A claim that holds on every draw or on none has
// no correlation and ranks nothing.
func mostCorrelated(ar *scenario.AnalysisReport, n int) ([]string, int) {
	rc := ar.RankCorrelations
	if rc == nil {
		return nil, 0
	}
	best := make([]float64, len(rc.Parameters))
	for _, o := range rc.Outputs {
		if o.Kind != "hypothesis" {
			continue
		}
		for i, r := range o.Spearman {
			if x := math.Abs(float64(r)); finite(x) && x > best[i] {
				best[i] = x
			}
		}
	}
	idx := make([]int, len(best))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return best[idx[a]] > best[idx[b]] })
	var out []string
	for _, i := range idx[:min(n, len(idx))] {
		out = append(out, rc.Parameters[i])
	}
	return out, len(rc.Parameters)
}
