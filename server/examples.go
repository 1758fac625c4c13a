package server

import (
	"embed"
	"path"
	"strings"
)

//go:embed examples/*.yaml
var exampleFiles embed.FS

// BuiltinExamples returns the small scenarios bundled with the server for
// trying the workbench, named by file name without extension.
func BuiltinExamples() []Example {
	entries, err := exampleFiles.ReadDir("examples")
	if err != nil {
		return nil // cannot happen: the directory is embedded
	}
	var out []Example
	for _, e := range entries {
		data, err := exampleFiles.ReadFile(path.Join("examples", e.Name()))
		if err != nil {
			continue
		}
		out = append(out, Example{Name: strings.TrimSuffix(e.Name(), ".yaml"), YAML: string(data)})
	}
	return out
}
