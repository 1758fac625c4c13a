package server_test

import (
	"strings"
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

// TestBrowserUSIran does the same with the bundled US–Iran scenario:
// typing "x" after "horizon: 52" breaks that line.
func TestBrowserUSIran(t *testing.T) {
	if testing.Short() {
		t.Skip("drives headless chromium")
	}
	iran := server.BuiltinExamples()[0]
	line := 1 + strings.Count(iran.YAML[:strings.Index(iran.YAML, "\nhorizon: ")+1], "\n")
	runBrowserCase(t, browserCase{
		runner:    server.ScenarioRunner{},
		example:   iran,
		errorLine: line,
		typed:     "x",
		kind:      "analyze",
		draws:     "20",
	})
}
