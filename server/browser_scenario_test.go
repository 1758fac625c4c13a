package server_test

import (
	"strings"
	"testing"
	"time"

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
		// The bundled file's claims over the equilibrium set (E1–E4)
		// solve and search the equilibria, and the commitments, of each
		// of the 20 draws: about 32 CPU-s, 20 s on two idle cores, more
		// beside the browser.
		jobTime: 3 * time.Minute,
	})
}
