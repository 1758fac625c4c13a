package server

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/truce-dev/truce/store"
)

// Diagnostic is one problem found in a scenario, with the same fields as
// `truce check` prints: file:line:col, severity ("error" or "warning"), what
// is wrong and, where possible, what would be right.
type Diagnostic struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
}

// Params are the options of a job. Each kind reads the fields it needs:
// analyze (Profiles, Draws, Seed), simulate (Profile, Runs, Seed), solve,
// sensitivity (Profile, Draws, Parameters), update (Record, Start,
// Profiles, Draws, Seed; analyze reads Record and Start too, to retrodict), gmcr (Sanctions: "sequence", the default, or
// "single"). Workers is set by the server.
type Params struct {
	Profile    string   `json:"profile,omitempty"`
	Profiles   []string `json:"profiles,omitempty"`
	Draws      int      `json:"draws,omitempty"`
	Runs       int      `json:"runs,omitempty"`
	Seed       uint64   `json:"seed"` // 0 is a seed: always recorded
	Parameters []string `json:"parameters,omitempty"`
	Sanctions  string   `json:"sanctions,omitempty"`
	// Record is the observed record of an update, as CSV text
	// (docs/evidence.md); Start the date of its step 0 (YYYY-MM-DD) when
	// the scenario's history does not give it.
	Record  string `json:"record,omitempty"`
	Start   string `json:"start,omitempty"`
	Workers int    `json:"workers,omitempty"`
	// BridgeScenario is the id of a scenario stored in this workbench that
	// a gmcr job bridges the conflict to (its bridge: section's mapping,
	// with this scenario instead of the file the section names: the
	// server never opens a path a request gives). BridgeVersion is its
	// version: the one asked for, or the server records the latest.
	BridgeScenario string `json:"bridge_scenario,omitempty"`
	BridgeVersion  int    `json:"bridge_version,omitempty"`
	// bridgeName and bridgeYAML are that scenario's name and text, filled
	// in by the server from its store when the job is submitted.
	bridgeName, bridgeYAML string
}

// Runner does the work behind the API: it validates scenario text and runs
// jobs on it. The server knows nothing of scenarios beyond this interface,
// which lets its tests use a fake and lets the real engine be wired in one
// adapter (runner_scenario.go).
type Runner interface {
	// Kinds lists the job kinds Run accepts, e.g. "analyze", "simulate".
	Kinds() []string
	// Validate returns every problem in the scenario; none means valid.
	// Diagnostics with Severity "error" make the scenario unrunnable.
	Validate(filename string, yaml []byte) []Diagnostic
	// Run performs one job and returns its JSON result. It must return
	// promptly once ctx is done, with an error wrapping ctx's error.
	// progress may be called from any goroutine.
	Run(ctx context.Context, kind string, filename string, yaml []byte, p Params, progress func(done, total int)) (json.RawMessage, error)
}

// Reporter is implemented by runners that can render a finished run as a
// standalone HTML report. Without it the server writes a plain summary.
type Reporter interface {
	Report(ctx context.Context, run store.Run) ([]byte, error)
}

// InputChecker is implemented by runners that refuse some texts before
// parsing them at all: texts beyond the parser's own limits (a YAML that
// nests deeper than any scenario needs, several documents, an oversized
// file). The server answers such a validation 422, not 200 with a list of
// problems: the text is not a draft with mistakes but input it will not
// read.
type InputChecker interface {
	CheckInput(filename string, yaml []byte) *Diagnostic
}

// KindChecker is implemented by runners whose texts are of several
// formats, each run by its own kinds (a graph-model conflict by gmcr, a
// scenario by the others): a job of the wrong kind is refused before it is
// queued, with what to run instead.
type KindChecker interface {
	CheckKind(kind string, text []byte) error
}

// Example is a scenario the UI offers to load, with an observed record
// for an update when it has one.
type Example struct {
	Name   string `json:"name"`
	YAML   string `json:"yaml,omitempty"`
	Record string `json:"record,omitempty"`
}

// ErrUnknownKind is returned by runners for a kind they do not support.
var ErrUnknownKind = errors.New("unknown job kind")

func hasErrors(diags []Diagnostic) bool {
	for _, d := range diags {
		if d.Severity != "warning" && d.Severity != "info" {
			return true
		}
	}
	return false
}
