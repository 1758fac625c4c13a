package report

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/truce-dev/truce/internal/browsertest"
)

// TestReportRendersInChromium writes the fixture report to a file, loads it
// from a file:// URL in headless Chromium, checks that every chart exists in
// the DOM with a non-empty box, and takes a full-page screenshot (kept on
// failure).
func TestReportRendersInChromium(t *testing.T) {
	bin := browsertest.Chromium(t)
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	counts := renderInChromium(t, bin, fullFixture(), "fixture")
	want := map[string]int{"states": 1, "endings": 1, "reach": 2, "value": 2, "tornado": 1, "hyp": 2, "polyline": 5} // 4 reach curves, 1 PRIM trade-off
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("DOM has %d %s, want %d", counts[k], k, n)
		}
	}
	if counts["rect"] < 20 {
		t.Errorf("DOM has only %d SVG rects", counts["rect"])
	}
	// The state diagram's edges are polylines too (routed around the boxes);
	// the reach curves above are the .series ones.
	if counts["edge"] < 1 {
		t.Errorf("state diagram has no edge in the DOM")
	}
}

// TestBundledReportRendersInChromium renders the report `truce demo`
// writes (bundled scenario, few draws, equilibrium, credibility and
// sensitivity) and checks every chart is in the DOM.
func TestBundledReportRendersInChromium(t *testing.T) {
	bin := browsertest.Chromium(t)
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

	opts := browsertest.Options(bin, filepath.Join(dir, "profile"), 1000, 800)
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
		c.polyline = document.querySelectorAll("svg polyline.series").length;
		c.edge = document.querySelectorAll('svg[data-chart="states"] polyline.edge').length;
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
	// Every chart text as the browser lays it out (real fonts, not the
	// estimate the layouts use): inside its chart, and overlapping no other
	// text of the chart by more than a pixel.
	textProblems, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`(() => {
		const out = [];
		for (const s of document.querySelectorAll("svg.chart")) {
			const r = s.getBoundingClientRect();
			const vb = s.viewBox.baseVal;
			const k = r.width / vb.width;
			const boxes = [];
			for (const t of s.querySelectorAll("text")) {
				if (!t.textContent.trim()) continue;
				const b = t.getBoundingClientRect();
				const box = [(b.left - r.left) / k, (b.top - r.top) / k, (b.right - r.left) / k, (b.bottom - r.top) / k, t.textContent];
				if (box[0] < -1 || box[1] < -1 || box[2] > vb.width + 1 || box[3] > vb.height + 1)
					out.push(s.id + ": clipped: " + box[4] + " " + box.slice(0, 4).map(Math.round));
				boxes.push(box);
			}
			for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
				const a = boxes[i], b = boxes[j];
				// glyph boxes include line spacing: overlap by more than 2 px both ways counts
				if (a[0] < b[2] - 2 && b[0] < a[2] - 2 && a[1] < b[3] - 2 && b[1] < a[3] - 2)
					out.push(s.id + ": overlap: " + a[4] + " / " + b[4]);
			}
		}
		return out;
	})()`))
	if err != nil {
		t.Fatalf("chromium: measuring chart texts: %v", err)
	}
	for _, p := range textProblems {
		t.Errorf("chart text in the browser: %s", p)
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
		d := browsertest.ArtifactDir()
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
