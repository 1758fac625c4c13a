package server_test

import (
	"testing"

	"github.com/truce-dev/truce/server"
)

// TestBrowserScenario drives the page with the real scenario engine on the
// bundled example: typing "x" after "horizon: 26" (line 8) is an error there.
func TestBrowserScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("drives headless chromium")
	}
	runBrowserCase(t, browserCase{
		runner:    server.ScenarioRunner{},
		example:   standoffExample(t),
		errorLine: 8,
		typed:     "x",
		kind:      "analyze",
		draws:     "50",
	})
}
