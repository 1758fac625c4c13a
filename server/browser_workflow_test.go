package server_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/truce-dev/truce/server"
)

// poll evaluates expr until it is true or the time runs out.
func poll(t *testing.T, tab context.Context, what, expr string) {
	t.Helper()
	start := time.Now()
	deadline := start.Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if eval[bool](t, tab, expr) {
			if os.Getenv("TRUCE_STEP_TIMES") != "" {
				t.Logf("%6.2fs %s", time.Since(start).Seconds(), what)
			}
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: %s never became true", what, expr)
}

// TestBrowserTokenVersionsCompare walks through a team's day on a server
// with a token: enter the token, save a scenario twice and reopen the first
// version, run two analyses with different seeds and compare them side by
// side.
func TestBrowserTokenVersionsCompare(t *testing.T) {
	if testing.Short() {
		t.Skip("drives headless chromium")
	}
	ex := standoffExample(t)
	_, hs := workbenchServer(t, server.Config{Token: testToken, Examples: []server.Example{ex}})

	b := newBrowser(t)
	tab := b.root
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	step(t, tab, "open the page and give the token",
		chromedp.Navigate(hs.URL+"/"),
		chromedp.WaitVisible(css(`#token-box`)),
		chromedp.SendKeys(css(`#token`), testToken+kb.Enter),
		chromedp.WaitVisible(css(`body[data-ready="1"]`)),
	)
	poll(t, tab, "example loaded and checked", `truce.settled()`)
	step(t, tab, "see it valid", chromedp.WaitVisible(css(`#validity.valid`)))
	if text := eval[string](t, tab, `truce.getText()`); text != ex.YAML {
		t.Fatalf("example not loaded after the token: %q", text)
	}

	step(t, tab, "save version 1", chromedp.Click(css(`#save-btn`)), chromedp.WaitVisible(css(`#version-select`)))
	poll(t, tab, "saved", `document.querySelector('#save-status').textContent === 'saved as version 1'`)
	typeAt(t, tab, 8, -1, "0", insertAtLineEnd(ex.YAML, 8, "0"))
	step(t, tab, "save version 2",
		chromedp.WaitVisible(css(`#validity.valid`)),
		chromedp.Click(css(`#save-btn`)),
	)
	poll(t, tab, "saved again", `document.querySelector('#save-status').textContent === 'saved as version 2'`)
	// The version list is refreshed after the status line: wait for it.
	poll(t, tab, "two versions listed", `document.querySelectorAll('#version-select option').length === 2`)
	if !strings.Contains(eval[string](t, tab, `truce.getText()`), "horizon: 260") {
		t.Fatal("edit not in the editor")
	}
	step(t, tab, "reopen version 1", chromedp.Evaluate[chromedp.Void](`void (() => {
		const s = document.querySelector('#version-select'); s.value = '1'; s.dispatchEvent(new Event('change')); })()`))
	poll(t, tab, "version 1 loaded", `truce.settled() && truce.getText().includes('horizon: 26\n')`)
	if text := eval[string](t, tab, `truce.getText()`); text != ex.YAML {
		t.Fatalf("version 1 is %q", text)
	}

	runs := []string{}
	for _, seed := range []string{"1", "2"} {
		before := eval[string](t, tab, `location.pathname`)
		step(t, tab, "run seed "+seed, chromedp.Evaluate[chromedp.Void](`void (() => {
			for (const [id, v] of [['kind', 'analyze'], ['draws', '30'], ['seed', '`+seed+`']]) {
				const e = document.querySelector('#' + id); e.value = v; e.dispatchEvent(new Event('change')); }
		})()`), chromedp.Click(css(`#run-btn`)))
		poll(t, tab, "run "+seed+" done", `location.pathname !== '`+before+`' && !!document.querySelector('#run-status.status-done')`)
		runs = append(runs, eval[string](t, tab, `location.pathname`))
	}
	poll(t, tab, "history lists both", `document.querySelectorAll('#history-table tbody tr').length === 2`)
	step(t, tab, "compare them",
		chromedp.Click(css(`#history-table tbody tr:nth-child(1) input`)),
		chromedp.Click(css(`#history-table tbody tr:nth-child(2) input`)),
		chromedp.Click(css(`#compare-btn`)),
		chromedp.WaitVisible(css(`#flips`)),
		chromedp.Click(css(`#s-every-number > summary`)),
		chromedp.WaitVisible(css(`#diff-table tbody tr`)),
		chromedp.Click(css(`#s-side-by-side > summary`)),
		chromedp.WaitVisible(css(`#compare-a .chart-endings-overview svg rect`)),
		chromedp.WaitVisible(css(`#compare-b .chart-endings-overview svg rect`)),
	)
	if !strings.HasPrefix(eval[string](t, tab, `location.pathname + location.search`), "/compare?a=r_") {
		t.Fatal("comparison has no shareable address")
	}
	if n := eval[int](t, tab, `document.querySelectorAll('#diff-table tbody tr').length`); n == 0 {
		t.Fatal("two seeds gave identical results")
	}
	ids := eval[string](t, tab, `[...document.querySelectorAll('#compare-view a.run-link')].map(a => a.getAttribute('href')).sort().join(' ')`)
	want := []string{runs[0], runs[1]}
	if want[0] > want[1] {
		want[0], want[1] = want[1], want[0]
	}
	if ids != strings.Join(want, " ") {
		t.Fatalf("compared %q, want %q", ids, want)
	}
}
