package server_test

import (
	"testing"

	"github.com/truce-dev/truce/server"
	"github.com/truce-dev/truce/server/internal/fakerunner"
)

func TestBrowserFakeRunner(t *testing.T) {
	if testing.Short() {
		t.Skip("drives headless chromium")
	}
	runBrowserCase(t, browserCase{
		runner:    &fakerunner.Runner{},
		example:   server.Example{Name: "tiny", YAML: "truce: 1\nname: tiny\nstates:\n  - {id: truce, initial: true}\n  - {id: war, terminal: true}\n"},
		errorLine: 3,
		typed:     " bogus",
		kind:      "analyze",
		draws:     "20",
	})
}
