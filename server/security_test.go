package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/server"
	"github.com/truce-dev/truce/server/internal/fakerunner"
	"github.com/truce-dev/truce/store"
)

// raw sends a request with exactly the given headers (no token, no content
// type added) and returns status, headers and body.
func (e *env) raw(method, path, body string, hdr map[string]string) (int, http.Header, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.http.URL+path, strings.NewReader(body))
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(data)
}

func (e *env) counts() (scenarios, runs int) {
	e.t.Helper()
	ctx := context.Background()
	sc, err := e.store.ListScenarios(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	rs, err := e.store.ListRuns(ctx, store.RunFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(sc), len(rs)
}

// TestCrossSiteRequestsRefused plays a page of another site against a
// server without a token (the default on loopback): a fetch or a form
// with text/plain or form encoding, or any request that says it comes
// from another site, must not create anything.
func TestCrossSiteRequestsRefused(t *testing.T) {
	e := newEnv(t, opts{})
	job := `{"kind": "analyze", "yaml": "` + strings.ReplaceAll(validYAML, "\n", `\n`) + `"}`
	scen := `{"name": "planted", "yaml": "truce: 1"}`
	cases := []struct {
		name, method, path, body string
		hdr                      map[string]string
		status                   int
		code                     string
	}{
		// What a cross-site fetch(..., {mode: "no-cors"}) or <form enctype="text/plain"> sends.
		{"text/plain job", "POST", "/api/jobs", job, map[string]string{"Content-Type": "text/plain;charset=UTF-8"}, 415, "unsupported_media_type"},
		{"text/plain scenario", "POST", "/api/scenarios", scen, map[string]string{"Content-Type": "text/plain"}, 415, "unsupported_media_type"},
		{"text/plain validate", "POST", "/api/validate", validYAML, map[string]string{"Content-Type": "text/plain"}, 415, "unsupported_media_type"},
		{"form job", "POST", "/api/jobs", "kind=analyze", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"},
		{"multipart scenario", "POST", "/api/scenarios", "--x--", map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, 415, "unsupported_media_type"},
		{"no type", "POST", "/api/jobs", job, nil, 415, "unsupported_media_type"},
		// A browser that says where the request comes from.
		{"cross-site fetch", "POST", "/api/jobs", job,
			map[string]string{"Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403, "cross_origin"},
		{"cross-site JSON", "POST", "/api/scenarios", scen,
			map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403, "cross_origin"},
		{"foreign origin, no Sec-Fetch-Site", "POST", "/api/scenarios", scen,
			map[string]string{"Content-Type": "application/json", "Origin": "http://evil.example"}, 403, "cross_origin"},
		{"same-site other port", "PUT", "/api/scenarios/s_x", scen,
			map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:1"}, 403, "cross_origin"},
		{"cross-site delete", "DELETE", "/api/scenarios/s_x", "",
			map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403, "cross_origin"},
		{"cross-site cancel", "POST", "/api/jobs/r_x/cancel", "",
			map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"}, 403, "cross_origin"},
	}
	for _, c := range cases {
		status, _, body := e.raw(c.method, c.path, c.body, c.hdr)
		var ae apiErr
		json.Unmarshal([]byte(body), &ae)
		if status != c.status || ae.Code != c.code || ae.Error == "" {
			t.Errorf("%s: %d %s, want %d %s", c.name, status, body, c.status, c.code)
		}
	}
	if sc, runs := e.counts(); sc != 0 || runs != 0 {
		t.Fatalf("cross-site requests created %d scenarios and %d runs", sc, runs)
	}
	// The page itself (same origin) and scripts (no Origin) still work.
	status, _, body := e.raw("POST", "/api/scenarios", scen, map[string]string{
		"Content-Type": "application/json", "Sec-Fetch-Site": "same-origin", "Origin": e.http.URL})
	if status != 201 {
		t.Fatalf("same-origin create: %d %s", status, body)
	}
	status, _, body = e.raw("POST", "/api/validate", validYAML, map[string]string{"Content-Type": "application/yaml"})
	if status != 200 {
		t.Fatalf("script validate: %d %s", status, body)
	}
	// Reading is not a state change: a cross-site GET is answered (the
	// browser's same-origin policy keeps the answer from the other page;
	// the Host check below keeps DNS rebinding out).
	if status, _, _ := e.raw("GET", "/api/health", "", map[string]string{"Sec-Fetch-Site": "cross-site"}); status != 200 {
		t.Fatalf("cross-site GET: %d", status)
	}
}

// TestForeignHostRefused: a page whose own name was rebound to 127.0.0.1
// reaches the server with its name in Host; it gets nothing, not even the
// page.
func TestForeignHostRefused(t *testing.T) {
	e := newEnv(t, opts{})
	e.wantStatus("POST", "/api/scenarios", map[string]string{"name": "secret", "yaml": "truce: 1"}, 201, nil)
	port := e.http.URL[strings.LastIndex(e.http.URL, ":")+1:]
	for _, host := range []string{"evil.example:" + port, "evil.example", "localhost.evil.example:" + port, "127.0.0.1.nip.io:" + port, "10.0.0.1:" + port} {
		for _, path := range []string{"/api/scenarios", "/", "/static/app.js", "/api/health"} {
			status, _, body := e.raw("GET", path, "", map[string]string{"Host": host})
			if status != http.StatusMisdirectedRequest || !strings.Contains(body, "bad_host") || strings.Contains(body, "secret") {
				t.Errorf("GET %s with Host %q: %d %.200s", path, host, status, body)
			}
		}
	}
	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port, "127.0.0.1"} {
		if status, _, body := e.raw("GET", "/api/scenarios", "", map[string]string{"Host": host}); status != 200 {
			t.Errorf("Host %q: %d %s", host, status, body)
		}
	}
	// A name given with --allow-host (a proxy's) is accepted.
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := server.New(ctx, server.Config{Store: st, Runner: &fakerunner.Runner{}, AllowedHosts: []string{"truce.example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(ctx)
	req, _ := http.NewRequest("GET", "/api/health", nil)
	req.Host = "truce.example.org:443"
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("allowed host: %d %s", rec.Code, rec.Body.String())
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, opts{})
	for _, path := range []string{"/", "/runs/r_x", "/static/app.js", "/api/health", "/api/nothing", "/static/missing.js"} {
		_, hdr, _ := e.do("GET", path, nil, nil)
		csp := hdr.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP allows inline code: %q", path, csp)
		}
		for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"} {
			if hdr.Get(k) != v {
				t.Errorf("%s: %s = %q, want %q", path, k, hdr.Get(k), v)
			}
		}
		if hdr.Get("X-Request-Id") == "" {
			t.Errorf("%s: no X-Request-Id", path)
		}
		if strings.HasPrefix(path, "/api/") && hdr.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", path, hdr.Get("Cache-Control"))
		}
	}
}

func TestTokenRules(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for tok, want := range map[string]string{
		"x":                     "1 characters; it needs at least 16",
		"0123456789abcde":       "15 characters",
		"                    ":  "blank",
		"\t\t":                  "blank",
		"abcdefgh ijklmnopq":    "without spaces",
		"abcdefghijklmnopé":     "printable ASCII",
		"abcdefghijklmnop\x00q": "printable ASCII",
	} {
		_, err := server.New(ctx, server.Config{Store: st, Runner: &fakerunner.Runner{}, Token: tok})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "openssl rand") {
			t.Errorf("token %q: %v, want an error saying %q and how to make one", tok, err, want)
		}
		if err := server.ListenAndServe(ctx, server.ServeOptions{Addr: "127.0.0.1:0", DB: "sqlite:" + filepath.Join(t.TempDir(), "x.db"), Token: tok, Runner: &fakerunner.Runner{}}); err == nil || !strings.Contains(err.Error(), "refusing to start") {
			t.Errorf("ListenAndServe with token %q: %v", tok, err)
		}
	}
	srv, err := server.New(ctx, server.Config{Store: st, Runner: &fakerunner.Runner{}, Token: "0123456789abcdef"})
	if err != nil {
		t.Fatalf("16-character token refused: %v", err)
	}
	srv.Shutdown(ctx)
}

// TestTokenBruteForceSlowed: wrong tokens from one address are checked 10
// at a time, then one every 2 seconds; the address is then refused even
// with the right token until it waits; other addresses are unaffected.
func TestTokenBruteForceSlowed(t *testing.T) {
	e := newEnv(t, opts{token: testToken})
	var mu sync.Mutex
	now := time.Unix(2e9, 0)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	server.SetAuthLimits(e.srv, 10, 0.5, clock)
	guess := func(tok string, from net.IP) (int, http.Header) {
		c := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: from}}).DialContext}}
		defer c.CloseIdleConnections()
		req, _ := http.NewRequest("GET", e.http.URL+"/api/scenarios", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header
	}
	attacker, other := net.ParseIP("127.0.0.1"), net.ParseIP("127.0.0.2")
	checked := 0
	start := time.Now()
	for i := 0; i < 200; i++ {
		status, _ := guess("guess-"+strconv.Itoa(i)+"-0123456789", attacker)
		switch status {
		case 401:
			checked++
		case 429:
		default:
			t.Fatalf("guess %d: status %d", i, status)
		}
	}
	t.Logf("200 wrong guesses in %v: %d checked", time.Since(start), checked)
	if checked != 10 {
		t.Fatalf("%d of 200 rapid guesses were checked, want 10", checked)
	}
	status, hdr := guess(testToken, attacker)
	if status != 429 || hdr.Get("Retry-After") != "2" {
		t.Fatalf("right token from the blocked address: %d Retry-After %q, want 429 and 2", status, hdr.Get("Retry-After"))
	}
	if status, _ := guess(testToken, other); status != 200 {
		t.Fatalf("another address with the right token: %d", status)
	}
	mu.Lock()
	now = now.Add(2 * time.Second)
	mu.Unlock()
	if status, _ := guess(testToken, attacker); status != 200 {
		t.Fatalf("right token after waiting: %d", status)
	}
	// The wait bought one more guess, not ten.
	if status, _ := guess("wrong-wrong-wrong-wrong", attacker); status != 401 {
		t.Fatalf("first guess after the wait: %d, want it checked (401)", status)
	}
	if status, _ := guess("wrong-wrong-wrong-wrong", attacker); status != 429 {
		t.Fatalf("second guess after the wait: %d, want 429", status)
	}
}

func TestBadIDs(t *testing.T) {
	e := newEnv(t, opts{})
	for _, path := range []string{
		"/api/runs/" + url.PathEscape("<img src=x onerror=alert(1)>"),
		"/api/scenarios/" + url.PathEscape("a\x00b"),
		"/api/scenarios/" + strings.Repeat("a", 65),
		"/api/jobs/" + url.PathEscape("r_x'; DROP TABLE runs;--"),
		"/api/runs/compare?a=r_x&b=" + url.QueryEscape("<b>"),
		"/api/runs?scenario_id=" + url.QueryEscape("s_x\"><script>"),
		"/api/examples/" + url.PathEscape("../../etc/passwd"),
	} {
		status, _, body := e.do("GET", path, nil, nil)
		var ae apiErr
		json.Unmarshal(body, &ae)
		if status != 400 || ae.Code != "bad_id" || strings.Contains(string(body), "<") {
			t.Errorf("GET %s: %d %s", path, status, body)
		}
	}
	ae := e.wantError("POST", "/api/jobs", map[string]any{"kind": "analyze", "scenario_id": "<script>"}, 400, "bad_id")
	if !strings.Contains(ae.Error, "letters, digits") {
		t.Fatalf("message does not say what an id is: %q", ae.Error)
	}
	e.wantError("GET", "/api/runs/r_0123456789abcdef0123", nil, 404, "not_found")
}

// TestNoDatabaseTextInAnswers: input the database cannot store is refused
// with a clear message, and a database failure answers a generic message
// with a request id, never the database's own words.
func TestNoDatabaseTextInAnswers(t *testing.T) {
	e := newEnv(t, opts{})
	ae := e.wantError("POST", "/api/scenarios", map[string]string{"name": "n", "yaml": "truce: 1\x00"}, 400, "bad_request")
	if !strings.Contains(ae.Error, "NUL byte at offset 8") {
		t.Fatalf("NUL in text: %q", ae.Error)
	}
	e.wantError("POST", "/api/scenarios", map[string]string{"name": "a\x00b", "yaml": "truce: 1"}, 400, "bad_request")
	e.wantError("POST", "/api/jobs", map[string]any{"kind": "analyze", "yaml": "truce: 1\x00"}, 400, "bad_request")
	e.store.Close() // every query now fails inside database/sql
	status, hdr, body := e.do("GET", "/api/scenarios", nil, nil)
	var got struct {
		RequestID string `json:"request_id"`
	}
	json.Unmarshal(body, &got)
	var full apiErr
	json.Unmarshal(body, &full)
	if status != 500 || full.Code != "store_error" || !strings.Contains(full.Error, hdr.Get("X-Request-Id")) || got.RequestID != hdr.Get("X-Request-Id") {
		t.Fatalf("database failure: %d %s (request id %s)", status, body, hdr.Get("X-Request-Id"))
	}
	for _, leak := range []string{"sql", "closed", "database is", "SELECT"} {
		if strings.Contains(strings.ToLower(string(body)), strings.ToLower(leak)) {
			t.Errorf("answer leaks %q: %s", leak, body)
		}
	}
}

// limitRunner records the memory budget its jobs see and returns results
// of a chosen size after a chosen delay.
type limitRunner struct {
	fakerunner.Runner
	mu      sync.Mutex
	budget  int64
	workers []int // of every job, in the order they started
	size    int
	delay   time.Duration
}

func (r *limitRunner) Run(ctx context.Context, kind, filename string, src []byte, p server.Params, progress func(int, int)) (json.RawMessage, error) {
	r.mu.Lock()
	r.budget = budget.Limit(ctx)
	r.workers = append(r.workers, p.Workers)
	r.mu.Unlock()
	select {
	case <-time.After(r.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return json.RawMessage(`{"pad":"` + strings.Repeat("x", r.size) + `"}`), nil
}

func TestJobLimits(t *testing.T) {
	lr := &limitRunner{delay: time.Hour}
	e := newEnv(t, opts{anyRunner: lr, limits: server.Limits{JobTimeout: 200 * time.Millisecond, MaxResult: 1000, JobMemory: 300 << 20}})

	j := e.start(map[string]any{"kind": "analyze", "yaml": validYAML})
	end := e.waitEnd(j.ID)
	if end.Status != store.StatusFailed || !strings.Contains(end.Error, "time limit of 200ms") || strings.Contains(end.Error, "cancel") {
		t.Fatalf("job past its time limit: %+v", end)
	}
	lr.mu.Lock()
	if lr.budget != 300<<20 {
		t.Errorf("job ran with a memory budget of %d, want %d", lr.budget, 300<<20)
	}
	lr.delay, lr.size = 0, 2000
	lr.mu.Unlock()
	j = e.start(map[string]any{"kind": "analyze", "yaml": validYAML})
	end = e.waitEnd(j.ID)
	if end.Status != store.StatusFailed || !strings.Contains(end.Error, "over this server's limit of 1000 B") {
		t.Fatalf("job with too large a result: %+v", end)
	}
	var run store.Run
	e.wantStatus("GET", "/api/runs/"+j.ID, nil, 200, &run)
	if run.Result != nil {
		t.Fatalf("too large a result was stored (%d bytes)", len(run.Result))
	}
}

// TestDefaultJobBudget: without a configured value each job gets
// budget.ServerLimit.
func TestDefaultJobBudget(t *testing.T) {
	lr := &limitRunner{}
	e := newEnv(t, opts{anyRunner: lr})
	e.waitEnd(e.start(map[string]any{"kind": "analyze", "yaml": validYAML}).ID)
	deadline := time.Now().Add(10 * time.Second)
	for {
		lr.mu.Lock()
		b := lr.budget
		lr.mu.Unlock()
		if b != 0 {
			if b != budget.ServerLimit {
				t.Fatalf("default job budget %d, want budget.ServerLimit %d", b, budget.ServerLimit)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("job never ran")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestSmallScenarioHugeResultRefused: a 500-byte scenario whose analysis
// would be tens of megabytes (10 states, horizon 100 000, 2 profiles) is
// refused before it is computed, with the estimate and the limit.
func TestSmallScenarioHugeResultRefused(t *testing.T) {
	e := newEnv(t, opts{anyRunner: server.ScenarioRunner{}})
	start := time.Now()
	j := e.start(map[string]any{"kind": "analyze", "yaml": longScenario, "params": map[string]any{"draws": 1}})
	end := e.waitEnd(j.ID)
	if end.Status != store.StatusFailed || !strings.Contains(end.Error, "the result would be about 38.1 MiB") ||
		!strings.Contains(end.Error, "limit of 16.0 MiB") || time.Since(start) > 5*time.Second {
		t.Fatalf("after %v: %+v", time.Since(start), end)
	}
	// Compare stays bounded too: both runs' results are bounded by the
	// same limit, so no answer can be larger than twice it.
	if len(longScenario) > 600 {
		t.Fatalf("the test scenario is %d bytes; it should stay tiny", len(longScenario))
	}
}

const longScenario = `truce: 1
name: long
horizon: 100000
discount: 0.99
actors:
  - id: A
states:
  - {id: s0, initial: true}
  - {id: s1}
  - {id: s2}
  - {id: s3}
  - {id: s4}
  - {id: s5}
  - {id: s6}
  - {id: s7}
  - {id: s8}
  - {id: end, terminal: true}
actions:
  A: {"*": [go, stay]}
transitions:
  - from: s0
    when: {A: go}
    to: {s1: 0.5}
  - from: s1
    to: {s2: 0.5}
strategies:
  A:
    slow: {"*": {go: 0.1, stay: 0.9}}
    fast: {"*": {go: 0.9, stay: 0.1}}
profiles:
  slow: {A: slow}
  fast: {A: fast}
`

// TestIdleServerGivesAJobItsCores: a job alone on the server gets every
// core (up to the cap); while others wait, each gets its share.
func TestIdleServerGivesAJobItsCores(t *testing.T) {
	cores := runtime.GOMAXPROCS(0)
	lr := &limitRunner{}
	e := newEnv(t, opts{anyRunner: lr, limits: server.Limits{MaxConcurrent: 1, MaxQueue: 4}})
	e.waitEnd(e.start(map[string]any{"kind": "analyze", "yaml": validYAML}).ID)
	capped := &limitRunner{}
	e2 := newEnv(t, opts{anyRunner: capped, limits: server.Limits{MaxConcurrent: 1, MaxJobWorkers: 1}})
	e2.waitEnd(e2.start(map[string]any{"kind": "analyze", "yaml": validYAML}).ID)
	// A queue: the first job runs long while three wait.
	busy := &limitRunner{delay: 300 * time.Millisecond}
	e3 := newEnv(t, opts{anyRunner: busy, limits: server.Limits{MaxConcurrent: cores, MaxQueue: 8}})
	var ids []string
	for range cores + 2 {
		ids = append(ids, e3.start(map[string]any{"kind": "analyze", "yaml": validYAML}).ID)
	}
	for _, id := range ids {
		e3.waitEnd(id)
	}
	if lr.workers[0] != cores || capped.workers[0] != 1 {
		t.Fatalf("an idle server gave %v cores (want %d) and, capped at 1, %v", lr.workers, cores, capped.workers)
	}
	total := 0
	for _, w := range busy.workers[:cores] {
		total += w
	}
	if total > 2*cores-1 || busy.workers[len(busy.workers)-1] < 1 {
		t.Fatalf("with a queue, jobs got %v cores on %d", busy.workers, cores)
	}
}

// TestNestedYAMLRefused: one POST of 100,000 nested "- " (200 kB), which
// once made the YAML parser take gigabytes and killed the server, gets a
// 422 naming the nesting, in little memory; the server keeps serving.
func TestNestedYAMLRefused(t *testing.T) {
	e := newEnv(t, opts{anyRunner: server.ScenarioRunner{}})
	nested := strings.Repeat("- ", 100000) + "x\n"
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var ae apiErr
	e.wantStatus("POST", "/api/validate", nested, http.StatusUnprocessableEntity, &ae)
	runtime.ReadMemStats(&after)
	if ae.Code != "unreadable_input" || len(ae.Problems) != 1 || !strings.Contains(ae.Problems[0].Message, "nests more than 100 levels") ||
		ae.Problems[0].Line != 1 || ae.Problems[0].Col < 2 {
		t.Fatalf("nested YAML: %+v", ae)
	}
	// The request, the scan and the answer: a few megabytes. Parsing would
	// have taken gigabytes.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Fatalf("the nested POST allocated %d MB", alloc>>20)
	}
	// Saved as a draft or run as a job, the same text is refused by the
	// scenario reader itself, with the same words.
	var sc struct{ Problems []server.Diagnostic }
	e.wantStatus("POST", "/api/scenarios", map[string]string{"name": "bomb", "yaml": nested}, 201, &sc)
	if len(sc.Problems) != 1 || !strings.Contains(sc.Problems[0].Message, "nests more than 100 levels") {
		t.Fatalf("draft's problems: %+v", sc.Problems)
	}
	e.wantError("POST", "/api/jobs", map[string]any{"kind": "analyze", "yaml": nested}, 422, "invalid_scenario")
	// Two documents are refused the same way.
	e.wantError("POST", "/api/validate", "truce: 1\n---\ntruce: 1\n", 422, "unreadable_input")
	// The server keeps serving.
	var h map[string]any
	e.wantStatus("GET", "/api/health", nil, 200, &h)
	var v struct{ Valid bool }
	e.wantStatus("POST", "/api/validate", standoffExample(t).YAML, 200, &v)
	if !v.Valid {
		t.Fatal("a valid scenario after the nested one is reported invalid")
	}
}
