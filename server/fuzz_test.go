package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/truce-dev/truce/server"
	"github.com/truce-dev/truce/store"
)

// FuzzAPIBodies sends arbitrary bodies to every endpoint that reads one,
// with the real scenario engine behind it: bad input must get a 4xx (or a
// 2xx) with a JSON error, never a 5xx or a dead server.
//
// The requests go straight to the handler, not over TCP. Over loopback,
// each execution cost a connection round trip (0.1 to 0.5 ms against
// 15 µs for the handler itself), and that made the fuzzer look stalled:
// when an input finds new coverage, Go's fuzzer minimizes it for up to
// -fuzzminimizetime (60 s by default), byte by byte, and counts none of
// those executions until it is done. A 4 KB job body took the whole
// minute; with both workers minimizing at once the progress line read
// "0/sec" for 30 to 60 s at a time, every minute or two
// (testdata/fuzz/FuzzAPIBodies/stall-4k-job is such an input). Jobs
// that an input manages to start are canceled at once, so they do not pile
// up and eat the cores either. One server serves every input (not one per
// input), and its database sits in memory-backed /dev/shm where there is
// one: the store commits with synchronous=FULL, and on a busy disk each
// scenario or job an input created cost an fsync of milliseconds, which
// the minimizer repeats for every candidate (docs/limits.md, Fuzzing).
func FuzzAPIBodies(f *testing.F) {
	ctx := context.Background()
	dir := f.TempDir()
	if shm, err := os.MkdirTemp("/dev/shm", "truce-fuzz-"); err == nil {
		dir = shm
		f.Cleanup(func() { os.RemoveAll(shm) })
	}
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "fuzz.db"))
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
	h := srv.Handler()

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
		do := func(method, path string, body []byte) *httptest.ResponseRecorder {
			req := httptest.NewRequest(method, path, bytes.NewReader(body))
			req.Header.Set("Content-Type", contentTypeFor(path))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec
		}
		rec := do(method, path, body)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			var e struct{ Error, Code string }
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == "" || e.Code == "" {
				t.Fatalf("%s %s %q: %d without a JSON error: %s", method, path, body, rec.Code, rec.Body)
			}
		}
		if rec.Code == 202 {
			var j struct{ ID string }
			json.Unmarshal(rec.Body.Bytes(), &j)
			do("POST", "/api/jobs/"+j.ID+"/cancel", nil)
		}
	})
}
