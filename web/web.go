// Package web holds the workbench's browser UI: one HTML page, its script
// and stylesheet, and a vendored CodeMirror bundle, embedded in the binary
// so truce serve needs no files beside it and no Node.js to build.
package web

import (
	"embed"
	"io/fs"
)

//go:embed index.html static
var files embed.FS

// Assets returns the UI's files: index.html at the root and everything else
// under static/.
func Assets() fs.FS { return files }
