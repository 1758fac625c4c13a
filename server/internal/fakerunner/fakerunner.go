// Package fakerunner is a deterministic stand-in for the scenario engine,
// used by the server's tests: it validates by simple line rules and "runs"
// by counting steps, so tests control timing, failures and output exactly.
package fakerunner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/truce-dev/truce/server"
)

// Runner validates and runs scenarios by rules tests can reason about:
//   - a scenario without a "truce:" line has an error at 1:1;
//   - a line containing "bogus" has an error at its line and column;
//   - a line starting with a tab has an error (YAML forbids tab indentation);
//   - a line containing "warnme" has a warning;
//   - running takes Steps steps (draws or runs when given), each Delay
//     long; "fail!" in the text makes the run fail, "panic!" panics.
type Runner struct {
	Delay time.Duration
	Steps int
	// Started, when not nil, receives each job's kind as it starts.
	Started chan string
}

// Kinds implements server.Runner.
func (r *Runner) Kinds() []string { return []string{"analyze", "simulate", "solve", "sensitivity"} }

// Validate implements server.Runner.
func (r *Runner) Validate(filename string, src []byte) []server.Diagnostic {
	var out []server.Diagnostic
	text := string(src)
	if !strings.Contains(text, "truce:") {
		out = append(out, server.Diagnostic{File: filename, Line: 1, Col: 1, Severity: "error",
			Message: "missing format version", Hint: "start the file with \"truce: 1\""})
	}
	for i, line := range strings.Split(text, "\n") {
		if c := strings.Index(line, "bogus"); c >= 0 {
			out = append(out, server.Diagnostic{File: filename, Line: i + 1, Col: c + 1, Severity: "error",
				Message: "unknown name \"bogus\"", Hint: "did you mean \"truce\"?"})
		}
		if strings.HasPrefix(line, "\t") {
			out = append(out, server.Diagnostic{File: filename, Line: i + 1, Col: 1, Severity: "error",
				Message: "found a tab character where indentation is expected", Hint: "indent with spaces"})
		}
		if c := strings.Index(line, "warnme"); c >= 0 {
			out = append(out, server.Diagnostic{File: filename, Line: i + 1, Col: c + 1, Severity: "warning",
				Message: "state \"warnme\" is unreachable"})
		}
	}
	return out
}

// Run implements server.Runner; the result has the shape of the scenario
// engine's analyze output (profiles with absorb/reach/time/value, and
// hypotheses), with numbers that depend only on the seed.
func (r *Runner) Run(ctx context.Context, kind, filename string, src []byte, p server.Params, progress func(done, total int)) (json.RawMessage, error) {
	if r.Started != nil {
		r.Started <- kind
	}
	steps := r.Steps
	if p.Draws > 0 {
		steps = p.Draws
	}
	if p.Runs > 0 {
		steps = p.Runs
	}
	if steps <= 0 {
		steps = 10
	}
	text := string(src)
	for i := 1; i <= steps; i++ {
		if r.Delay > 0 {
			t := time.NewTimer(r.Delay)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, fmt.Errorf("fake %s stopped at step %d: %w", kind, i, ctx.Err())
			case <-t.C:
			}
		} else if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("fake %s stopped at step %d: %w", kind, i, err)
		}
		progress(i, steps)
	}
	if strings.Contains(text, "panic!") {
		panic("fake runner asked to panic")
	}
	if strings.Contains(text, "fail!") {
		return nil, errors.New("fake runner asked to fail")
	}
	return json.Marshal(Result(p.Seed))
}

// Result is the fake output for a seed.
func Result(seed uint64) map[string]any {
	pw := 0.1 + float64(seed%7)/20 // probability of war, in (0, 0.45]
	const horizon = 10
	reachWar := make([]float64, horizon+1)
	reachTruce := make([]float64, horizon+1)
	for t := range reachWar {
		reachWar[t] = pw * (1 - math.Pow(0.7, float64(t)))
		reachTruce[t] = 1
	}
	iv := func(m float64) map[string]float64 { return map[string]float64{"mean": m, "lo": m * 0.9, "hi": m * 1.1} }
	// Within the horizon: war reachWar[horizon], a deal half the rest, the
	// remainder unresolved (in truce); eventually: war pw, deal 1 - pw.
	warH := reachWar[horizon]
	dealH := (1 - warH) / 2
	return map[string]any{
		"kind":    "analyze",
		"horizon": horizon, "period": "week", "draws": 10, "seed": seed,
		"profiles": map[string]any{
			"baseline": map[string]any{
				"endings": map[string]any{
					"war":  map[string]any{"within_horizon": iv(warH), "eventually": iv(pw)},
					"deal": map[string]any{"within_horizon": iv(dealH), "eventually": iv(1 - pw)},
				},
				"unresolved": map[string]any{
					"at_horizon": iv(1 - warH - dealH),
					"where":      map[string]any{"truce": iv(1 - warH - dealH)},
					"eventually": iv(0),
				},
				"absorb": map[string]any{"war": iv(pw), "deal": iv(1 - pw)},
				"reach":  map[string]any{"war": reachWar, "truce": reachTruce},
				"time":   map[string]any{"war": iv(3.3)},
				"value": map[string]any{
					"US": map[string]any{"total": iv(-2 * pw), "components": map[string]any{"material": iv(-3 * pw), "symbolic": iv(pw)}},
					"IR": map[string]any{"total": iv(-4 * pw), "components": map[string]any{"material": iv(-5 * pw), "symbolic": iv(-pw)}},
				},
			},
		},
		"hypotheses": []map[string]any{
			{"id": "H1", "claim": "War stays unlikely", "holds_share": 1 - pw, "verdict": verdict(1 - pw)},
			{"id": "H2", "claim": "Iran concedes", "holds_share": pw / 2, "verdict": verdict(pw / 2)},
		},
	}
}

func verdict(share float64) string {
	switch {
	case share >= 0.9:
		return "supported"
	case share <= 0.1:
		return "rejected"
	}
	return "uncertain"
}
