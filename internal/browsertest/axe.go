package browsertest

import (
	"context"
	_ "embed"
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core (axe/README.md).
//
//go:embed axe/axe.min.js
var axeSource string

// AxeViolation is one accessibility rule a page breaks, with the elements
// that break it.
type AxeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

func (v AxeViolation) String() string {
	n := v.Nodes
	if len(n) > 3 {
		n = append(n[:3:3], fmt.Sprintf("… %d more", len(v.Nodes)-3))
	}
	return fmt.Sprintf("%s (%s): %s [%s]", v.ID, v.Impact, v.Help, strings.Join(n, "; "))
}

// Accessibility runs axe-core on the page open in tab (injected through
// DevTools, so the page's Content-Security-Policy does not apply to it)
// against WCAG 2.1 A and AA and best practices, and returns the
// violations of serious or critical impact.
func Accessibility(tab context.Context) ([]AxeViolation, error) {
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](axeSource+"\n;true")); err != nil {
		return nil, fmt.Errorf("loading axe-core: %w", err)
	}
	const run = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
		.then((r) => r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
			.map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" "))})))`
	out, err := chromedp.Run(tab, chromedp.Evaluate[[]AxeViolation](run, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("running axe-core: %w", err)
	}
	return out, nil
}
