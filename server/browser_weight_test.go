package server_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/truce-dev/truce/server"
	"github.com/truce-dev/truce/store"
	"github.com/truce-dev/truce/web"
)

// pageLoad is what the browser says about one load of the page: bytes
// over the network (the page, its files and the API calls it makes until
// it is ready) and the time to first contentful paint.
type pageLoad struct {
	Bytes     float64 `json:"bytes"`
	Resources int     `json:"resources"`
	Cached    int     `json:"cached"`
	FCP       float64 `json:"fcp"`
}

func measureLoad(t *testing.T, tab context.Context, url string) pageLoad {
	t.Helper()
	step(t, tab, "load "+url, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="1"]`)))
	var l pageLoad
	if err := json.Unmarshal([]byte(eval[string](t, tab, `JSON.stringify((() => {
		const nav = performance.getEntriesByType('navigation')[0];
		const res = performance.getEntriesByType('resource');
		const fcp = performance.getEntriesByName('first-contentful-paint')[0];
		return {bytes: nav.transferSize + res.reduce((s, r) => s + r.transferSize, 0), resources: res.length,
			cached: res.filter((r) => r.transferSize === 0).length, fcp: fcp ? fcp.startTime : -1};
	})())`)), &l); err != nil {
		t.Fatal(err)
	}
	return l
}

// TestPageWeight loads the workbench twice in one browser and measures
// what crosses the network: the first load gets the compressed files, the
// second only the page and the API answers (the files are cached for a
// year under content-hashed names). With TRUCE_MEASURE_URL it measures
// another server (e.g. an older build) instead of its own.
func TestPageWeight(t *testing.T) {
	if testing.Short() {
		t.Skip("drives headless chromium")
	}
	url := os.Getenv("TRUCE_MEASURE_URL")
	if url == "" {
		ctx := context.Background()
		st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		srv, err := server.New(ctx, server.Config{Store: st, Runner: server.ScenarioRunner{}, Assets: web.Assets(), Examples: server.BuiltinExamples()})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Shutdown(ctx)
		hs := httptest.NewServer(srv.Handler())
		defer hs.Close()
		url = hs.URL + "/"
	}
	b := newBrowser(t)
	// The first load of a server that just started gets gzip while the
	// server prepares Brotli in the background; later first loads (a new
	// browser, an emptied cache) get Brotli.
	cold := measureLoad(t, b.root, url)
	statics := eval[[]string](t, b.root, `performance.getEntriesByType('resource').map((r) => r.name).filter((u) => u.includes('/static/'))`)
	for _, u := range statics {
		waitBrotli(t, u)
	}
	if _, err := chromedp.Call(b.root, network.ClearBrowserCache, cdp.Empty{}); err != nil {
		t.Fatalf("empty the browser's cache: %v", err)
	}
	first := measureLoad(t, b.root, url)
	repeat := measureLoad(t, b.root, url)
	t.Logf("first load of a just-started server: %.0f bytes over %d requests, first contentful paint %.0f ms", cold.Bytes, cold.Resources+1, cold.FCP)
	t.Logf("first load: %.0f bytes over %d requests, first contentful paint %.0f ms", first.Bytes, first.Resources+1, first.FCP)
	t.Logf("repeat load: %.0f bytes, %d of %d files from the cache, first contentful paint %.0f ms", repeat.Bytes, repeat.Cached, repeat.Resources, repeat.FCP)
	if os.Getenv("TRUCE_MEASURE_URL") != "" {
		return
	}
	// The editor bundle alone is 430 kB uncompressed: a first load well
	// under that means compression works; a repeat load of a few kB means
	// caching does (what remains is the page and the API answers).
	if cold.Bytes > 250_000 || first.Bytes > 250_000 {
		t.Errorf("first loads moved %.0f and %.0f bytes, want under 250 kB", cold.Bytes, first.Bytes)
	}
	if first.Bytes >= cold.Bytes {
		t.Errorf("first load with Brotli ready moved %.0f bytes, with gzip %.0f: want fewer", first.Bytes, cold.Bytes)
	}
	if repeat.Bytes > 30_000 || repeat.Cached < 7 {
		t.Errorf("repeat load moved %.0f bytes with %d files from the cache, want under 30 kB and every static file cached", repeat.Bytes, repeat.Cached)
	}
}
