package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/truce-dev/truce/gmcr/conflictfile"
	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/report"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/sensitivity"
	"github.com/truce-dev/truce/store"
)

// ScenarioRunner runs jobs with the scenario engine (package scenario): the
// same validation as `truce check` and the same JSON as the CLI's
// `--format json`.
type ScenarioRunner struct{}

// Kinds implements Runner.
func (ScenarioRunner) Kinds() []string {
	return []string{"analyze", "simulate", "solve", "sensitivity", "update", "gmcr"}
}

func convertDiags(ds []scenario.Diagnostic) []Diagnostic {
	out := make([]Diagnostic, len(ds))
	for i, d := range ds {
		out[i] = Diagnostic{File: d.File, Line: d.Line, Col: d.Col, Severity: d.Severity, Message: d.Msg, Hint: d.Hint}
	}
	return out
}

// CheckInput implements InputChecker with the scan scenario.Parse makes
// before its YAML parser sees the text (its cost grows with the square of
// the nesting depth).
func (ScenarioRunner) CheckInput(filename string, src []byte) *Diagnostic {
	if len(src) > scenario.MaxFileSize {
		return &Diagnostic{File: filename, Line: 1, Col: 1, Severity: "error",
			Message: fmt.Sprintf("file too large (%d bytes, limit %d)", len(src), scenario.MaxFileSize)}
	}
	p, docs, ok := scenario.ScanYAML(bytes.TrimPrefix(src, []byte("\uFEFF")), scenario.MaxNesting)
	switch {
	case ok:
		return nil
	case docs > 1:
		return &Diagnostic{File: filename, Line: p.Line, Col: p.Col, Severity: "error", Message: "more than one YAML document", Hint: "put one scenario per file"}
	}
	return &Diagnostic{File: filename, Line: p.Line, Col: p.Col, Severity: "error",
		Message: fmt.Sprintf("the YAML nests more than %d levels deep", scenario.MaxNesting),
		Hint:    "a scenario needs fewer than ten levels; check the indentation and brackets"}
}

// Validate implements Runner.
func (ScenarioRunner) Validate(filename string, src []byte) []Diagnostic {
	if isConflict(src) {
		_, ds := validateConflict(context.Background(), filename, src)
		return ds
	}
	_, ds := scenario.Parse(filename, src)
	return convertDiags(ds)
}

type resultLimitKey struct{}

// withResultLimit tells the runner the largest result the server will
// store, so that it can refuse a job whose result would be larger before
// computing it.
func withResultLimit(ctx context.Context, n int64) context.Context {
	return context.WithValue(ctx, resultLimitKey{}, n)
}

// ResultLimit is the largest result, in bytes, the server will store for
// the job running in ctx; 0 when none was set.
func ResultLimit(ctx context.Context) int64 {
	n, _ := ctx.Value(resultLimitKey{}).(int64)
	return n
}

// analysisSize estimates the JSON size of an analysis of n profiles: its
// reach curves (one number per profile, state and step, about 20 bytes
// each) dominate.
func analysisSize(sc *scenario.Scenario, n int) int64 {
	return budget.Mul(int64(n), int64(len(sc.States)), int64(sc.Horizon)+1, 20)
}

// Run implements Runner.
func (ScenarioRunner) Run(ctx context.Context, kind, filename string, src []byte, p Params, progress func(done, total int)) (json.RawMessage, error) {
	if err := (ScenarioRunner{}).CheckKind(kind, src); err != nil {
		return nil, err
	}
	if kind == "gmcr" {
		return encodeResult(ctx, kind, func() (any, error) { return runGmcr(ctx, filename, src, p) })
	}
	sc, ds := scenario.Parse(filename, src)
	if sc == nil {
		msgs := make([]string, 0, len(ds))
		for _, d := range ds {
			msgs = append(msgs, d.String())
		}
		return nil, fmt.Errorf("the scenario has errors:\n%s", strings.Join(msgs, "\n"))
	}
	return encodeResult(ctx, kind, func() (any, error) { return runScenario(ctx, kind, sc, p, progress) })
}

// CheckKind implements KindChecker: it refuses a scenario job on a
// graph-model conflict and a gmcr job on a scenario, saying which kind the
// text wants.
func (ScenarioRunner) CheckKind(kind string, src []byte) error {
	switch conflict := isConflict(src); {
	case conflict && kind != "gmcr":
		return fmt.Errorf("%s: the text is a graph-model conflict (kind: %s); run it as kind gmcr", kind, conflictfile.Kind)
	case !conflict && kind == "gmcr":
		return fmt.Errorf("gmcr: the text is a scenario, not a graph-model conflict (a conflict file says `kind: %s`; docs/gmcr.md)", conflictfile.Kind)
	}
	return nil
}

func runScenario(ctx context.Context, kind string, sc *scenario.Scenario, p Params, progress func(done, total int)) (result any, err error) {
	switch kind {
	case "analyze":
		profiles := p.Profiles
		if len(profiles) == 0 && p.Profile != "" {
			profiles = []string{p.Profile}
		}
		n := len(profiles)
		if n == 0 {
			n = len(sc.Profiles)
		}
		if lim, size := ResultLimit(ctx), analysisSize(sc, n); lim > 0 && size > lim {
			return nil, fmt.Errorf("analyze: the result would be about %s (reach curves: %d profiles × %d states × %d steps), over this server's limit of %s per job (truce serve --max-result); analyze fewer profiles or a shorter horizon",
				budget.Format(size), n, len(sc.States), sc.Horizon+1, budget.Format(lim))
		}
		var rep *scenario.AnalysisReport
		rep, err = scenario.Analyze(ctx, sc, scenario.AnalyzeOptions{
			Profiles: profiles, Draws: p.Draws, Seed: p.Seed, Workers: p.Workers, Progress: progress,
		})
		if err != nil {
			return nil, err
		}
		// How probable the model found the dated past (its history, or
		// the job's record), over the same draws.
		rd, err := retrodict(ctx, sc, p, rep.Draws)
		if err != nil {
			return nil, err
		}
		if rd != nil {
			rep.Retrodiction = rd
		}
		lv, err := analyzeLeverage(ctx, sc, rep.ProfileOrder, rep.Seed)
		if err != nil {
			return nil, err
		}
		result = analyzeResult{AnalysisReport: rep, Leverage: lv}
	case "simulate":
		result, err = scenario.Simulate(ctx, sc, scenario.SimulateOptions{
			Profile: p.Profile, Runs: p.Runs, Seed: p.Seed, Workers: p.Workers, Progress: progress,
		})
	case "solve":
		result, err = solve(ctx, sc, progress)
	case "update":
		result, err = update(ctx, sc, p, progress)
	case "sensitivity":
		result, err = sensitivity.RunScenario(ctx, sc,
			sensitivity.ScenarioOptions{Draws: p.Draws, Seed: p.Seed, Workers: p.Workers},
			sensitivity.Options{Params: p.Parameters, Progress: progress})
	default:
		return nil, fmt.Errorf("%w: %q", ErrUnknownKind, kind)
	}
	return result, err
}

// encodeResult runs f and encodes its result, naming the kind in errors.
func encodeResult(ctx context.Context, kind string, f func() (any, error)) (json.RawMessage, error) {
	result, err := f()
	if err != nil {
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("%w (%w)", err, ctx.Err())
		}
		return nil, fmt.Errorf("%s: %w", kind, err)
	}
	out, err := json.Marshal(result)
	if err != nil {
		return nil, fmt.Errorf("%s: encoding the result: %w", kind, err)
	}
	return out, nil
}

// Report implements Reporter: an analysis is rendered by package report
// with the scenario's model (state diagram, actors, parameters) beside the
// numbers; other kinds get the generic report of their result.
func (ScenarioRunner) Report(ctx context.Context, run store.Run) ([]byte, error) {
	if run.Kind == "gmcr" {
		return gmcrReport(run)
	}
	if run.Kind != "analyze" {
		return runReportHTML(run)
	}
	sc, _ := scenario.Parse(reportFilename(run), []byte(run.YAML))
	var ar scenario.AnalysisReport
	if sc == nil || json.Unmarshal(run.Result, &ar) != nil {
		return runReportHTML(run)
	}
	// The order of profiles is not in the JSON (objects are sorted); take
	// the file's.
	for _, p := range sc.Profiles {
		if _, ok := ar.Profiles[p.Name]; ok {
			ar.ProfileOrder = append(ar.ProfileOrder, p.Name)
		}
	}
	in := report.FromScenario(sc, &ar)
	in.Generated = fmt.Sprintf("truce serve, run %s (%s) of %s", run.ID, run.Kind, run.CreatedAt.Format("2006-01-02 15:04 UTC"))
	var b bytes.Buffer
	if err := report.Write(&b, in); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func reportFilename(run store.Run) string {
	if run.ScenarioName != "" {
		return run.ScenarioName + ".yaml"
	}
	return "scenario.yaml"
}
