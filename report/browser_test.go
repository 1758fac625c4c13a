package report

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's Chromium. In CI (CI=true) a missing browser
// is a failure, since .ci/run installs it; elsewhere the test is skipped.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium not found (CI=true): .ci/run must install Debian's chromium")
	}
	t.Skip("chromium not found; install Debian's chromium to run the browser test")
	return ""
}

// artifactDir is where a failing browser test leaves its screenshot:
// $TRUCE_ARTIFACTS if set (CI collects it), else a directory kept after
// the test.
func artifactDir(t *testing.T) string {
	if d := os.Getenv("TRUCE_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err == nil {
			return d
		}
	}
	d, err := os.MkdirTemp("", "truce-report-artifacts-")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestReportRendersInChromium writes the fixture report to a file, loads it
// from a file:// URL in headless Chromium, checks that every chart exists in
// the DOM with a non-empty box, and takes a full-page screenshot (kept on
// failure).
func TestReportRendersInChromium(t *testing.T) {
	bin := chromiumPath(t)
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	counts := renderInChromium(t, bin, fixture(), "fixture")
	want := map[string]int{"states": 1, "endings": 1, "reach": 2, "value": 2, "tornado": 1, "hyp": 2, "polyline": 4}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("DOM has %d %s, want %d", counts[k], k, n)
		}
	}
	if counts["rect"] < 20 {
		t.Errorf("DOM has only %d SVG rects", counts["rect"])
	}
}

// TestBundledReportRendersInChromium renders the report `truce demo`
// writes (bundled scenario, few draws, equilibrium, credibility and
// sensitivity) and checks every chart is in the DOM.
func TestBundledReportRendersInChromium(t *testing.T) {
	bin := chromiumPath(t)
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	in := bundledInput(t)
	counts := renderInChromium(t, bin, in, "bundled")
	want := map[string]int{"states": 1, "endings": 1, "reach": len(in.Profiles), "value": len(in.Actors),
		"tornado": len(in.Tornadoes), "hyp": len(in.Hypotheses), "eq": len(in.Equilibria)}
	for k, n := range want {
		if counts[k] != n || n == 0 {
			t.Errorf("DOM has %d %s, want %d (and at least one)", counts[k], k, n)
		}
	}
}

// renderInChromium loads the page for in and returns element counts.
func renderInChromium(t *testing.T, bin string, in Input, name string) map[string]int {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, name+".html")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(f, in); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(1000, 800),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()

	// The first action starts the browser; its context must not carry a
	// timeout (chromedp would stop the browser with it), later ones may.
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+file)); err != nil {
		t.Fatalf("chromium: loading the report: %v", err)
	}
	tctx, tcancel := context.WithTimeout(ctx, 60*time.Second)
	defer tcancel()
	if err := chromedp.Do(tctx, chromedp.WaitReady("footer")); err != nil {
		t.Fatalf("chromium: waiting for the page: %v", err)
	}
	title, err := chromedp.Run(tctx, chromedp.Title())
	if err != nil {
		t.Fatalf("chromium: title: %v", err)
	}
	counts, err := chromedp.Run(tctx, chromedp.Evaluate[map[string]int](`(() => {
		const c = {};
		for (const k of ["states","endings","reach","value","tornado"]) c[k] = document.querySelectorAll('svg[data-chart="'+k+'"]').length;
		c.rect = document.querySelectorAll("svg rect").length;
		c.polyline = document.querySelectorAll("svg polyline").length;
		c.hyp = document.querySelectorAll("tr.hypothesis").length;
		c.eq = document.querySelectorAll("#equilibrium h3").length;
		c.resources = performance.getEntriesByType("resource").length;
		return c;
	})()`))
	if err != nil {
		t.Fatalf("chromium: counting charts: %v", err)
	}
	empty, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("svg.chart")).filter(s => { const r = s.getBoundingClientRect(); return !(r.width > 50 && r.height > 50); }).map(s => s.id)`))
	if err != nil {
		t.Fatalf("chromium: measuring charts: %v", err)
	}
	shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("chromium: screenshot: %v", err)
	}
	if len(empty) > 0 {
		t.Errorf("charts rendered without a visible box: %v", empty)
	}
	if counts["resources"] != 0 {
		t.Errorf("the page loaded %d external resources", counts["resources"])
	}
	if title == "" {
		t.Error("page has no title")
	}
	if len(shot) < 1000 {
		t.Errorf("screenshot is only %d bytes", len(shot))
	}
	t.Cleanup(func() {
		if !t.Failed() && os.Getenv("TRUCE_KEEP_SCREENSHOT") == "" {
			return
		}
		d := artifactDir(t)
		p := filepath.Join(d, name+"-screenshot.png")
		if err := os.WriteFile(p, shot, 0o644); err == nil {
			t.Logf("screenshot kept at %s", p)
		}
		_ = os.WriteFile(filepath.Join(d, name+".html"), mustRead(t, file), 0o644)
	})
	return counts
}

func mustRead(t *testing.T, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
