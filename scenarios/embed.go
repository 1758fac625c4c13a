// Package scenarios bundles the scenario files shipped with truce into the
// binary, so that `truce demo` runs anywhere without the source tree.
// The files themselves are the documentation: read them as YAML.
package scenarios

import _ "embed"

// usIran2026 is embedded as a string so that no caller can change it.
//
//go:embed us-iran-2026.yaml
var usIran2026 string

// USIran2026Name is the file name the bundled US–Iran scenario is reported
// under in diagnostics and reports.
const USIran2026Name = "scenarios/us-iran-2026.yaml"

// USIran2026 returns scenarios/us-iran-2026.yaml: the US–Iran truce after
// the failed 2026 talks (docs/us-iran-2026.md maps it to its source
// article). Each call returns a fresh copy.
func USIran2026() []byte { return []byte(usIran2026) }

// The demo's construction audit of the bundled scenario, kept because it
// costs several times the rest of the demo: the JSON of audit.Report from
// `truce audit scenarios/us-iran-2026.yaml` (200 draws, seed 1). The test
// suite runs that audit afresh and fails when this copy differs
// (TestKeptAudit in this package, which also rewrites it with
// TRUCE_UPDATE_AUDIT=1).
//
//go:embed us-iran-2026.audit.json
var usIran2026Audit string

// USIran2026AuditDraws and USIran2026AuditSeed are the settings of the kept
// audit.
const (
	USIran2026AuditDraws = 200
	USIran2026AuditSeed  = 1
)

// USIran2026Audit returns the kept audit of the bundled scenario (JSON of
// audit.Report; see above). Each call returns a fresh copy.
func USIran2026Audit() []byte { return []byte(usIran2026Audit) }

// The demo's kept run of the bundled scenario's claims with their own
// draws: (E1 and E2 search the equilibrium set on each draw, which costs
// more than the rest of the demo): the rows `truce analyze
// scenarios/us-iran-2026.yaml --draws 20 --seed 1` prints for them, as
// JSON (cmd/truce keptClaims). cmd/truce TestDemoKeptClaims runs them afresh and
// fails when this copy differs (TRUCE_UPDATE_AUDIT=1 rewrites it).
//
//go:embed us-iran-2026.claims.json
var usIran2026Claims string

// USIran2026ClaimsSeed is the seed of the kept run of the claims.
const USIran2026ClaimsSeed = 1

// USIran2026Claims returns the kept run of the claims with their own
// draws: (see above). Each call returns a fresh copy.
func USIran2026Claims() []byte { return []byte(usIran2026Claims) }
