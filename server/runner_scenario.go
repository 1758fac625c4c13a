package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/sensitivity"
)

// ScenarioRunner runs jobs with the scenario engine (package scenario): the
// same validation as `truce check` and the same JSON as the CLI's
// `--format json`.
type ScenarioRunner struct{}

// Kinds implements Runner.
func (ScenarioRunner) Kinds() []string {
	return []string{"analyze", "simulate", "solve", "sensitivity"}
}

func convertDiags(ds []scenario.Diagnostic) []Diagnostic {
	out := make([]Diagnostic, len(ds))
	for i, d := range ds {
		out[i] = Diagnostic{File: d.File, Line: d.Line, Col: d.Col, Severity: d.Severity, Message: d.Msg, Hint: d.Hint}
	}
	return out
}

// Validate implements Runner.
func (ScenarioRunner) Validate(filename string, src []byte) []Diagnostic {
	_, ds := scenario.Parse(filename, src)
	return convertDiags(ds)
}

// Run implements Runner.
func (ScenarioRunner) Run(ctx context.Context, kind, filename string, src []byte, p Params, progress func(done, total int)) (json.RawMessage, error) {
	sc, ds := scenario.Parse(filename, src)
	if sc == nil {
		msgs := make([]string, 0, len(ds))
		for _, d := range ds {
			msgs = append(msgs, d.String())
		}
		return nil, fmt.Errorf("the scenario has errors:\n%s", strings.Join(msgs, "\n"))
	}
	var result any
	var err error
	switch kind {
	case "analyze":
		profiles := p.Profiles
		if len(profiles) == 0 && p.Profile != "" {
			profiles = []string{p.Profile}
		}
		result, err = scenario.Analyze(ctx, sc, scenario.AnalyzeOptions{
			Profiles: profiles, Draws: p.Draws, Seed: p.Seed, Workers: p.Workers, Progress: progress,
		})
	case "simulate":
		result, err = scenario.Simulate(ctx, sc, scenario.SimulateOptions{
			Profile: p.Profile, Runs: p.Runs, Seed: p.Seed, Workers: p.Workers, Progress: progress,
		})
	case "solve":
		result, err = solve(ctx, sc, progress)
	case "sensitivity":
		result, err = sensitivity.RunScenario(ctx, sc,
			sensitivity.ScenarioOptions{Draws: p.Draws, Seed: p.Seed, Workers: p.Workers},
			sensitivity.Options{Params: p.Parameters, Progress: progress})
	default:
		return nil, fmt.Errorf("%w: %q", ErrUnknownKind, kind)
	}
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
