package server

import (
	"embed"
	"path"
	"strings"

	"github.com/truce-dev/truce/scenarios"
)

//go:embed examples/*.yaml
var exampleFiles embed.FS

// BuiltinExamples returns the scenarios the UI offers: the bundled US–Iran
// scenario first, then the small ones shipped with the server for trying
// the workbench, named by file name without extension.
func BuiltinExamples() []Example {
	out := []Example{{Name: "us-iran-2026", YAML: string(scenarios.USIran2026())}}
	entries, err := exampleFiles.ReadDir("examples")
	if err != nil {
		return out // cannot happen: the directory is embedded
	}
	for _, e := range entries {
		data, err := exampleFiles.ReadFile(path.Join("examples", e.Name()))
		if err != nil {
			continue
		}
		out = append(out, Example{Name: strings.TrimSuffix(e.Name(), ".yaml"), YAML: string(data)})
	}
	return out
}
