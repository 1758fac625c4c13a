package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/truce-dev/truce/server"
	"github.com/truce-dev/truce/store"
)

// FuzzAPIBodies sends arbitrary bodies to every endpoint that reads one,
// with the real scenario engine behind it: bad input must get a 4xx (or a
// 2xx), never a 5xx or a dead server.
func FuzzAPIBodies(f *testing.F) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	srv, err := server.New(ctx, server.Config{Store: st, Runner: server.ScenarioRunner{},
		Limits: server.Limits{MaxBody: 64 << 10, MaxDraws: 5, MaxRuns: 50, MaxQueue: 1000}})
	if err != nil {
		f.Fatal(err)
	}
	defer srv.Shutdown(ctx)
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()

	f.Add(uint8(0), []byte("truce: 1\nname: x\n"))
	f.Add(uint8(1), []byte(`{"kind": "analyze", "yaml": "truce: 1", "params": {"draws": 2}}`))
	f.Add(uint8(1), []byte(`{"kind": "solve", "yaml": "truce: [", "params": {"seed": -1}}`))
	f.Add(uint8(2), []byte(`{"name": "n", "yaml": "truce: 1\nstates: [{id: a, initial: true}]"}`))
	f.Add(uint8(3), []byte(`{"yaml": "x", "base_version": "2"}`))
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		var method, path string
		switch which % 4 {
		case 0:
			method, path = "POST", "/api/validate"
		case 1:
			method, path = "POST", "/api/jobs"
		case 2:
			method, path = "POST", "/api/scenarios"
		case 3:
			method, path = "PUT", "/api/scenarios/s_missing"
		}
		req, _ := http.NewRequest(method, hs.URL+path, strings.NewReader(string(body)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, resp.StatusCode, data)
		}
	})
}
