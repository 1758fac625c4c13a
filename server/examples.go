package server

import (
	"embed"
	"path"
	"strings"

	"github.com/truce-dev/truce/scenarios"
)

//go:embed examples/*.yaml examples/*.csv
var exampleFiles embed.FS

// BuiltinExamples returns the scenarios the UI offers: the bundled US–Iran
// scenario first, then the small ones shipped with the server for trying
// the workbench, named by file name without extension. A scenario with a
// CSV file of the same name carries it as its observed record.
func BuiltinExamples() []Example {
	out := []Example{{Name: "us-iran-2026", YAML: string(scenarios.USIran2026())}}
	entries, err := exampleFiles.ReadDir("examples")
	if err != nil {
		return out // cannot happen: the directory is embedded
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".yaml")
		if !ok {
			continue
		}
		data, err := exampleFiles.ReadFile(path.Join("examples", e.Name()))
		if err != nil {
			continue
		}
		ex := Example{Name: name, YAML: string(data)}
		if rec, err := exampleFiles.ReadFile(path.Join("examples", name+".csv")); err == nil {
			ex.Record = string(rec)
		}
		out = append(out, ex)
	}
	return out
}
