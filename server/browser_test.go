package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/truce-dev/truce/internal/browsertest"
	"github.com/truce-dev/truce/server"
	"github.com/truce-dev/truce/store"
	"github.com/truce-dev/truce/web"
)

// browser is one test's window on the package's headless Chromium: its
// first tab, and the tabs it opens. When the test fails, every tab is
// screenshotted.
type browser struct {
	t    *testing.T
	root context.Context
	tabs []namedTab
}

type namedTab struct {
	name string
	ctx  context.Context
}

// chromium is the one Chromium the package's browser tests share: starting
// one takes seconds, and each test gets fresh tabs in it (its own test
// server, hence its own origin and storage).
var chromium struct {
	sync.Mutex
	ctx     context.Context // the browser's first tab, kept open
	cancel  func()
	dataDir string
}

func sharedChromium(t *testing.T) context.Context {
	t.Helper()
	exe := browsertest.Chromium(t)
	chromium.Lock()
	defer chromium.Unlock()
	if chromium.ctx != nil {
		return chromium.ctx
	}
	dir, err := os.MkdirTemp("", "truce-chromium")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), browsertest.Options(exe, dir, 1400, 1600)...)
	// No timeout on the first call's context: it would stop the browser.
	ctx, cancelB := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil {
		cancelB()
		cancelA()
		os.RemoveAll(dir)
		t.Fatalf("starting chromium %s: %v", exe, err)
	}
	if os.Getenv("TRUCE_STEP_TIMES") != "" {
		t.Logf("%6.2fs starting chromium", time.Since(start).Seconds())
	}
	chromium.ctx, chromium.dataDir = ctx, dir
	chromium.cancel = func() { cancelB(); cancelA(); os.RemoveAll(dir) }
	return ctx
}

// stopChromium ends the shared browser (TestMain, after every test).
func stopChromium() {
	chromium.Lock()
	defer chromium.Unlock()
	if chromium.cancel != nil {
		chromium.cancel()
		chromium.ctx, chromium.cancel = nil, nil
	}
}

func newBrowser(t *testing.T) *browser {
	b := &browser{t: t, root: sharedChromium(t)}
	ctx := b.newTab("tab1")
	b.root = ctx
	t.Cleanup(func() {
		b.checkCSP()
		if t.Failed() {
			b.screenshots()
		}
		for _, tab := range b.tabs {
			chromedp.Cancel(tab.ctx) // closes the tab
		}
	})
	return b
}

func (b *browser) newTab(name string) context.Context {
	ctx, _ := chromedp.NewContext(b.root)
	if len(b.tabs) == 0 {
		// The first tab of a test opens in the shared browser; later ones
		// beside it.
		ctx, _ = chromedp.NewContext(sharedChromium(b.t))
	}
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("opening a tab: %v", err)
	}
	watchCSP(b.t, ctx)
	b.tabs = append(b.tabs, namedTab{name, ctx})
	return ctx
}

// watchCSP prepares a tab: focus is emulated, and every page it loads
// records each thing its Content-Security-Policy refused (the page must
// work within its policy).
func watchCSP(t *testing.T, tab context.Context) {
	t.Helper()
	// A headless tab never has the window's focus: emulate it, so that
	// the page behaves as the one a person is typing into.
	if _, err := chromedp.Call(tab, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatalf("emulating focus: %v", err)
	}
	_, err := chromedp.Call(tab, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
		window.__cspViolations = [];
		document.addEventListener("securitypolicyviolation", (e) =>
			window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " " + (e.sample || "")));`})
	if err != nil {
		t.Fatalf("watching CSP violations: %v", err)
	}
}

// checkCSP fails the test for any violation a tab recorded.
func (b *browser) checkCSP() {
	for _, tab := range b.tabs {
		ctx, cancel := context.WithTimeout(tab.ctx, 5*time.Second)
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__cspViolations || []`))
		cancel()
		if err == nil && len(v) > 0 {
			b.t.Errorf("%s: the page broke its Content-Security-Policy: %q", tab.name, v)
		}
	}
}

// step runs actions on a tab with a time limit, failing the test on error.
func step(t *testing.T, tab context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	stepWithin(t, tab, what, 30*time.Second, actions...)
}

// stepWithin is step with its own bound, for a step that waits on a job
// known to take longer than a page's reaction (the bound is a budget, not
// a measurement: the step still waits on the page's explicit state).
func stepWithin(t *testing.T, tab context.Context, what string, within time.Duration, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, within)
	defer cancel()
	start := time.Now()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if os.Getenv("TRUCE_STEP_TIMES") != "" {
		t.Logf("%6.2fs %s", time.Since(start).Seconds(), what)
	}
}

// eval evaluates a JavaScript expression in the tab.
func eval[T any](t *testing.T, tab context.Context, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

func (b *browser) screenshots() {
	dir := browsertest.ArtifactDir()
	for _, tab := range b.tabs {
		ctx, cancel := context.WithTimeout(tab.ctx, 10*time.Second)
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
		cancel()
		if err != nil {
			b.t.Logf("screenshot of %s failed: %v", tab.name, err)
			continue
		}
		name := filepath.Join(dir, fmt.Sprintf("%s-%s.png", strings.ReplaceAll(b.t.Name(), "/", "_"), tab.name))
		if err := os.WriteFile(name, png, 0o644); err == nil {
			b.t.Logf("screenshot saved: %s", name)
		}
	}
}

// insertAtLineEnd returns text with s appended to its 1-based line n.
func insertAtLineEnd(text string, n int, s string) string {
	lines := strings.SplitAfter(text, "\n")
	l := lines[n-1]
	body := strings.TrimSuffix(l, "\n")
	lines[n-1] = body + s + l[len(body):]
	return strings.Join(lines, "")
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// typeAt puts the caret at line:col (col -1: the line's end) through the
// page's API, waits until the editor has the keyboard there, types text,
// and waits until the editor holds want and has validated it.
func typeAt(t *testing.T, tab context.Context, line, col int, text, want string) {
	t.Helper()
	step(t, tab, fmt.Sprintf("put the caret at %d:%d", line, col),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`void truce.setCursor(%d, %d)`, line, col)))
	wantCol := col
	if col < 0 {
		wantCol = eval[int](t, tab, fmt.Sprintf(`truce.lineLength(%d)`, line)) + 1
	}
	poll(t, tab, "caret in place", fmt.Sprintf(`(() => { const c = truce.cursor(); return c.focused && c.line === %d && c.col === %d; })()`, line, wantCol))
	step(t, tab, "type "+strconv.Quote(text), chromedp.KeyEvent(text))
	poll(t, tab, "typed text in place and checked", `truce.settled() && truce.getText() === `+jsString(want))
}

// workbenchServer starts a workbench with the embedded page on a fresh
// SQLite store (cfg's Store and Assets are set here; Runner defaults to the
// scenario engine). Everything stops when the test ends.
func workbenchServer(t *testing.T, cfg server.Config) (*store.Store, *httptest.Server) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "ui.db"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Store, cfg.Assets = st, web.Assets()
	if cfg.Runner == nil {
		cfg.Runner = server.ScenarioRunner{}
	}
	srv, err := server.New(ctx, cfg)
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		srv.Shutdown(ctx)
		st.Close()
	})
	return st, hs
}

// allowDownloads lets the tab's browser save downloads into a fresh folder,
// which it returns.
func allowDownloads(t *testing.T, tab context.Context) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(tab, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir}); err != nil {
		t.Fatalf("allowing downloads: %v", err)
	}
	return dir
}

// browserCase is one scenario driven through the UI: which example to load,
// which line to break by typing text at its end, and what the fix is.
type browserCase struct {
	runner    server.Runner
	example   server.Example
	errorLine int    // 1-based line that the typed text breaks
	typed     string // typed at the end of errorLine
	kind      string
	draws     string
	// jobTime bounds the wait for the job to end; 0 means step's 30 s.
	jobTime time.Duration
}

// runBrowserCase opens the page, loads the example, introduces an error and
// sees it marked at its line, fixes it, runs the job, sees the charts and
// hypotheses, and opens the run's permanent link in a fresh tab.
func runBrowserCase(t *testing.T, c browserCase) {
	_, hs := workbenchServer(t, server.Config{Runner: c.runner, Examples: []server.Example{c.example}})

	b := newBrowser(t)
	tab := b.root
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	// choose sets a form control's value and fires its change event, as
	// picking from a list does.
	choose := func(sel, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`void (() => {
			const e = document.querySelector(%q);
			e.value = %q;
			e.dispatchEvent(new Event('change'));
		})()`, sel, value))
	}
	step(t, tab, "open the page",
		chromedp.Navigate(hs.URL+"/"),
		chromedp.WaitVisible(css(`body[data-ready="1"]`)),
	)
	step(t, tab, "load the example", choose(`#example-select`, c.example.Name))
	poll(t, tab, "example loaded and checked", `truce.settled()`)
	step(t, tab, "see it valid", chromedp.WaitVisible(css(`#validity.valid`)))
	if text := eval[string](t, tab, `truce.getText()`); text != c.example.YAML {
		t.Fatalf("editor holds %q, want the example", text)
	}

	// Type the error at the end of its line, as a person would: the caret
	// is put there through the page's API (not by clicking the n-th line
	// element, which is not line n once the editor scrolls), and the test
	// waits for the editor to hold exactly the text expected.
	broken := insertAtLineEnd(c.example.YAML, c.errorLine, c.typed)
	typeAt(t, tab, c.errorLine, -1, c.typed, broken)
	step(t, tab, "see the error marked",
		chromedp.WaitVisible(css(`#validity.invalid`)),
		chromedp.WaitVisible(css(fmt.Sprintf(`#problems li.error[data-line="%d"]`, c.errorLine))),
		chromedp.WaitReady(css(`.cm-lintRange-error`)),
		chromedp.WaitReady(css(`.cm-lint-marker-error`)),
	)
	if first := eval[int](t, tab, `+document.querySelector('#problems li.error').dataset.line`); first != c.errorLine {
		t.Fatalf("first error listed at line %d, want %d", first, c.errorLine)
	}
	if marked := eval[[]int](t, tab, `truce.markedLines("error")`); len(marked) == 0 || marked[0] != c.errorLine {
		t.Fatalf("errors underlined on lines %v, want the first on %d", marked, c.errorLine)
	}
	if gutter := eval[[]int](t, tab, `truce.gutterLines("error")`); len(gutter) == 0 || gutter[0] != c.errorLine {
		t.Fatalf("gutter markers beside lines %v, want the first beside %d", gutter, c.errorLine)
	}

	// Fix it: select what was typed and delete it with one key.
	end := eval[int](t, tab, fmt.Sprintf(`truce.lineLength(%d)`, c.errorLine)) + 1
	step(t, tab, "select the typed text", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`void truce.select(%d, %d, %d, %d)`,
		c.errorLine, end-len(c.typed), c.errorLine, end)))
	poll(t, tab, "editor focused with the typed text selected", `truce.cursor().focused`)
	step(t, tab, "delete it", chromedp.KeyEvent(kb.Backspace))
	poll(t, tab, "text restored and checked", `truce.settled() && truce.getText() === `+jsString(c.example.YAML))
	step(t, tab, "see it valid again", chromedp.WaitVisible(css(`#validity.valid`)))
	if n := eval[int](t, tab, `document.querySelectorAll('#problems li.error').length`); n != 0 {
		t.Fatalf("%d errors listed after the fix", n)
	}

	jobTime := c.jobTime
	if jobTime == 0 {
		jobTime = 30 * time.Second
	}
	stepWithin(t, tab, "run the job", jobTime,
		choose(`#kind`, c.kind),
		choose(`#draws`, c.draws),
		chromedp.Click(css(`#run-btn`)),
		chromedp.WaitVisible(css(`#run-status.status-done`)),
		chromedp.WaitVisible(css(`#answers #hypotheses tbody tr`)),
		chromedp.WaitVisible(css(`#answers #endings-table tbody tr`)),
		chromedp.WaitVisible(css(`#answers .chart-endings-overview svg rect.share`)),
	)
	// Answers first: the hypotheses and endings come before any detail.
	if order := eval[string](t, tab, `[...document.querySelectorAll('#run-view #answers, #run-view details.section')].map(e => e.id).join(",")`); !strings.HasPrefix(order, "answers,s-endings") {
		t.Fatalf("results open with %q, want the answers first", order)
	}
	step(t, tab, "open the details",
		chromedp.Click(css(`#s-endings > summary`)),
		chromedp.WaitVisible(css(`#run-view .chart-endings svg rect`)),
		chromedp.Click(css(`#s-reach > summary`)),
		chromedp.WaitVisible(css(`#run-view .chart-reach svg polyline`)),
		chromedp.Click(css(`#s-values > summary`)),
		chromedp.WaitVisible(css(`#run-view .chart-values svg rect`)),
	)
	hyps := eval[int](t, tab, `document.querySelectorAll('#hypotheses tbody tr').length`)
	permalink := eval[string](t, tab, `document.querySelector('#permalink').href`)
	path := eval[string](t, tab, `location.pathname`)
	if hyps == 0 {
		t.Fatal("hypotheses table is empty")
	}
	if !strings.HasPrefix(path, "/runs/r_") || !strings.HasSuffix(permalink, path) {
		t.Fatalf("page at %s, permanent link %s", path, permalink)
	}
	verdicts := eval[string](t, tab, `[...document.querySelectorAll('#hypotheses td.verdict')].map(e => e.textContent).join(",")`)
	if strings.Trim(verdicts, ",") == "" {
		t.Fatal("hypotheses have no verdicts")
	}

	// A colleague opens the link in a fresh tab.
	tab = b.newTab("permalink")
	step(t, tab, "open the permanent link",
		chromedp.Navigate(permalink+"#s-reach"),
		chromedp.WaitVisible(css(`#run-status.status-done`)),
		chromedp.WaitVisible(css(`#hypotheses tbody tr`)),
		// The address names the reach curves: that section is open.
		chromedp.WaitVisible(css(`#s-reach[open] .chart-reach svg polyline`)),
	)
	// The link shows the run's own settings, in its header and in the
	// run form.
	if got := eval[string](t, tab, `[...document.querySelectorAll('.run-settings dt, .run-settings dd')].map(e => e.textContent).join(" ")`); !strings.Contains(got, "draws "+c.draws) {
		t.Fatalf("permanent link's settings: %q, want draws %s", got, c.draws)
	}
	if got := eval[string](t, tab, `document.querySelector('#draws').value`); got != c.draws {
		t.Fatalf("run form after the permanent link: draws %s, want %s", got, c.draws)
	}
	if n := eval[int](t, tab, `document.querySelectorAll('#hypotheses tbody tr').length`); n != hyps {
		t.Fatalf("permanent link shows %d hypotheses, the run had %d", n, hyps)
	}
	if text := eval[string](t, tab, `truce.getText()`); text != c.example.YAML {
		t.Fatalf("permanent link loaded scenario %q", text)
	}
	step(t, tab, "see the run in history", chromedp.WaitVisible(css(`#history-table tbody tr`)))
	if rows := eval[int](t, tab, `document.querySelectorAll('#history-table tbody tr').length`); rows != 1 {
		t.Fatalf("history lists %d runs, want 1", rows)
	}
}
