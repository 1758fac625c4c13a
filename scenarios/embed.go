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
