package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"github.com/andybalholm/brotli"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/truce-dev/truce/server"
	"github.com/truce-dev/truce/server/internal/fakerunner"
	"github.com/truce-dev/truce/store"
	"github.com/truce-dev/truce/web"
)

func get(t *testing.T, url string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	// The transport must not decompress on its own: the test looks at the
	// bytes on the wire.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAssetsHashedCachedCompressed: the page names its script and
// stylesheet by content hash; those are cached for a year and sent
// gzip-compressed; the script's import of the editor is rewritten to the
// editor's hashed name too; API answers are compressed.
func TestAssetsHashedCachedCompressed(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := server.New(ctx, server.Config{Store: st, Runner: &fakerunner.Runner{}, Assets: web.Assets()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(ctx)
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()

	resp, page := get(t, hs.URL+"/", map[string]string{"Accept-Encoding": "gzip"})
	if resp.Header.Get("Content-Encoding") == "gzip" {
		page = gunzip(t, page)
	}
	// The first request that accepts Brotli is answered at once, gzip,
	// while the files are compressed in the background.
	if u := regexp.MustCompile(`src="(/static/[^"]+)"`).FindSubmatch(page); u == nil {
		t.Fatalf("the page names no script")
	} else if r, _ := get(t, hs.URL+string(u[1]), map[string]string{"Accept-Encoding": "gzip, deflate, br"}); r.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("the first request accepting br: encoding %q, want gzip while Brotli is prepared", r.Header.Get("Content-Encoding"))
	}
	if resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("page Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	refs := regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`).FindAllStringSubmatch(string(page), -1)
	if len(refs) < 2 {
		t.Fatalf("page links %d assets: %s", len(refs), page)
	}
	hashed := regexp.MustCompile(`\.[0-9a-f]{12}\.(js|css)$`)
	for _, r := range refs {
		u := r[1]
		if !hashed.MatchString(u) {
			t.Errorf("page links %s, not a content-hashed name", u)
			continue
		}
		resp, body := get(t, hs.URL+u, map[string]string{"Accept-Encoding": "gzip, deflate"})
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
			resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: %d %v", u, resp.StatusCode, resp.Header)
			continue
		}
		plain := gunzip(t, body)
		if len(body) >= len(plain) {
			t.Errorf("%s: %d bytes compressed, %d plain", u, len(body), len(plain))
		}
		// A browser that takes Brotli gets it once it is ready (gzip
		// until then, never a wait): the same bytes, smaller than gzip's.
		bresp, bbody := waitBrotli(t, hs.URL+u)
		if bresp.Header.Get("Content-Encoding") != "br" {
			t.Errorf("%s with br accepted: encoding %q", u, bresp.Header.Get("Content-Encoding"))
		} else if unbr, err := io.ReadAll(brotli.NewReader(bytes.NewReader(bbody))); err != nil || !bytes.Equal(unbr, plain) {
			t.Errorf("%s: the Brotli body does not decode to the file (%v)", u, err)
		} else if len(bbody) >= len(body) {
			t.Errorf("%s: Brotli %d bytes, gzip %d", u, len(bbody), len(body))
		}
		if r2, _ := get(t, hs.URL+u, map[string]string{"Accept-Encoding": "br;q=0, gzip"}); r2.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: br;q=0 answered with %q", u, r2.Header.Get("Content-Encoding"))
		}
		if strings.HasPrefix(u, "/static/app.") && strings.HasSuffix(u, ".js") {
			imp := regexp.MustCompile(`from "(\./vendor/codemirror[^"]*)"`).FindSubmatch(plain)
			if imp == nil || !hashed.Match(imp[1]) {
				t.Errorf("%s imports %q, want the editor's hashed name", u, imp)
			} else if resp, _ := get(t, hs.URL+"/static/"+strings.TrimPrefix(string(imp[1]), "./"), nil); resp.StatusCode != 200 ||
				!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
				t.Errorf("the editor at %s: %d %s", imp[1], resp.StatusCode, resp.Header.Get("Content-Type"))
			}
		}
		// Without gzip in Accept-Encoding: the plain bytes.
		if resp, b := get(t, hs.URL+u, nil); resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(b, plain) {
			t.Errorf("%s without gzip: encoding %q, %d bytes", u, resp.Header.Get("Content-Encoding"), len(b))
		}
	}
	// The plain names still work, with revalidation.
	resp, _ = get(t, hs.URL+"/static/app.js", nil)
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-cache" || etag == "" {
		t.Fatalf("plain name: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := get(t, hs.URL+"/static/app.js", map[string]string{"If-None-Match": etag}); resp.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidation: %d", resp.StatusCode)
	}
	if resp, _ := get(t, hs.URL+"/static/app.0123456789ab.js", nil); resp.StatusCode != 404 {
		t.Fatalf("unknown hash: %d", resp.StatusCode)
	}
	// API answers are compressed for clients that accept it.
	resp, body := get(t, hs.URL+"/api/health", map[string]string{"Accept-Encoding": "gzip"})
	if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(string(gunzip(t, body)), `"status": "ok"`) {
		t.Fatalf("API answer: %v %q", resp.Header, body)
	}
}

// waitBrotli asks for url with Brotli accepted until it is served Brotli
// (compressed in the background after the first such request), for up to
// two minutes, and returns the last answer.
func waitBrotli(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, body := get(t, url, map[string]string{"Accept-Encoding": "gzip, deflate, br"})
		if resp.Header.Get("Content-Encoding") != "gzip" || time.Now().After(deadline) {
			return resp, body
		}
		time.Sleep(50 * time.Millisecond)
	}
}
