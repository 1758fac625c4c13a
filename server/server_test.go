package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/truce-dev/truce/server"
	"github.com/truce-dev/truce/server/internal/fakerunner"
	"github.com/truce-dev/truce/store"
)

const validYAML = "truce: 1\nname: t\nstates:\n  - {id: truce, initial: true}\n"

type env struct {
	t     *testing.T
	srv   *server.Server
	http  *httptest.Server
	store *store.Store
	token string
}

type opts struct {
	runner    *fakerunner.Runner
	anyRunner server.Runner // used instead of runner when set
	token     string
	limits    server.Limits
}

func newEnv(t *testing.T, o opts) *env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	var runner server.Runner = o.anyRunner
	if runner == nil {
		if o.runner == nil {
			o.runner = &fakerunner.Runner{}
		}
		runner = o.runner
	}
	srv, err := server.New(ctx, server.Config{
		Store: st, Runner: runner, Token: o.token, Limits: o.limits,
		Examples: []server.Example{{Name: "tiny", YAML: validYAML}},
		Assets:   fstest.MapFS{"index.html": {Data: []byte("<!DOCTYPE html><title>truce</title>")}, "static/app.js": {Data: []byte("//js")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	e := &env{t: t, srv: srv, http: hs, store: st, token: o.token}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		hs.Close()
		st.Close()
	})
	return e
}

// do sends a request (body: string, []byte or anything JSON-encodable) and
// returns the status and body; out, when not nil, receives the decoded body.
func (e *env) do(method, path string, body any, out any) (int, http.Header, []byte) {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = strings.NewReader(string(b))
	default:
		j, _ := json.Marshal(b)
		r = strings.NewReader(string(j))
	}
	req, _ := http.NewRequest(method, e.http.URL+path, r)
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	if method == "POST" || method == "PUT" {
		req.Header.Set("Content-Type", contentTypeFor(path))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: decoding %q: %v", method, path, data, err)
		}
	}
	return resp.StatusCode, resp.Header, data
}

// contentTypeFor is the type a client declares for a body sent to path.
func contentTypeFor(path string) string {
	if strings.HasPrefix(path, "/api/validate") {
		return "application/yaml"
	}
	return "application/json"
}

func (e *env) wantStatus(method, path string, body any, want int, out any) []byte {
	e.t.Helper()
	got, _, data := e.do(method, path, body, nil)
	if got != want {
		e.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, got, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: decoding %q: %v", method, path, data, err)
		}
	}
	return data
}

type apiErr struct {
	Error    string              `json:"error"`
	Code     string              `json:"code"`
	Problems []server.Diagnostic `json:"problems"`
}

func (e *env) wantError(method, path string, body any, status int, code string) apiErr {
	e.t.Helper()
	var ae apiErr
	e.wantStatus(method, path, body, status, &ae)
	if ae.Code != code || ae.Error == "" {
		e.t.Fatalf("%s %s: error %+v, want code %q with a message", method, path, ae, code)
	}
	return ae
}

type jobResp struct {
	ID     string            `json:"id"`
	Kind   string            `json:"kind"`
	Status string            `json:"status"`
	Done   int               `json:"done"`
	Total  int               `json:"total"`
	Error  string            `json:"error"`
	Links  map[string]string `json:"links"`
}

type event struct {
	Name string
	Data jobResp
}

// events reads the job's event stream to its end.
func (e *env) events(id string) []event {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.http.URL+"/api/jobs/"+id+"/events", nil)
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		e.t.Fatalf("events: status %d type %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var out []event
	sc := bufio.NewScanner(resp.Body)
	var name string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			var d jobResp
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &d); err != nil {
				e.t.Fatalf("bad event data %q: %v", line, err)
			}
			out = append(out, event{name, d})
		}
	}
	return out
}

func (e *env) start(req map[string]any) jobResp {
	e.t.Helper()
	var j jobResp
	e.wantStatus("POST", "/api/jobs", req, http.StatusAccepted, &j)
	if j.ID == "" || j.Links["events"] == "" {
		e.t.Fatalf("job response %+v", j)
	}
	return j
}

func (e *env) waitEnd(id string) jobResp {
	e.t.Helper()
	ev := e.events(id)
	if len(ev) == 0 || ev[len(ev)-1].Name != "end" {
		e.t.Fatalf("event stream of %s did not end with an end event: %+v", id, ev)
	}
	return ev[len(ev)-1].Data
}

func TestValidate(t *testing.T) {
	e := newEnv(t, opts{})
	var v struct {
		Valid    bool                `json:"valid"`
		Problems []server.Diagnostic `json:"problems"`
	}
	data := e.wantStatus("POST", "/api/validate", validYAML, 200, &v)
	if !v.Valid || v.Problems == nil || len(v.Problems) != 0 {
		t.Fatalf("valid scenario: %s", data)
	}
	if !strings.Contains(string(data), `"problems": []`) {
		t.Fatalf("problems must be an empty list, not null: %s", data)
	}
	bad := "truce: 1\nstates:\n  - {id: bogus}\n\tx: 1\nwarnme: 2\n"
	e.wantStatus("POST", "/api/validate?filename=mine.yaml", bad, 200, &v)
	want := []server.Diagnostic{
		{File: "mine.yaml", Line: 3, Col: 10, Severity: "error", Message: `unknown name "bogus"`, Hint: `did you mean "truce"?`},
		{File: "mine.yaml", Line: 4, Col: 1, Severity: "error", Message: "found a tab character where indentation is expected", Hint: "indent with spaces"},
		{File: "mine.yaml", Line: 5, Col: 1, Severity: "warning", Message: `state "warnme" is unreachable`},
	}
	if v.Valid || !reflect.DeepEqual(v.Problems, want) {
		t.Fatalf("got %+v\nwant %+v", v, want)
	}
	// Warnings alone leave a scenario valid.
	e.wantStatus("POST", "/api/validate", "truce: 1\nwarnme: 1\n", 200, &v)
	if !v.Valid || len(v.Problems) != 1 {
		t.Fatalf("warnings only: %+v", v)
	}
	// Empty body: the runner's verdict, still 200.
	e.wantStatus("POST", "/api/validate", "", 200, &v)
	if v.Valid {
		t.Fatal("empty scenario reported valid")
	}
}

func TestMethodNotAllowed(t *testing.T) {
	e := newEnv(t, opts{})
	e.wantError("GET", "/api/validate", nil, http.StatusMethodNotAllowed, "method_not_allowed")
	got, hdr, _ := e.do("PATCH", "/api/scenarios/s_x", nil, nil)
	if got != http.StatusMethodNotAllowed || hdr.Get("Allow") != "GET, PUT, DELETE" {
		t.Fatalf("status %d allow %q", got, hdr.Get("Allow"))
	}
}

func TestBodyLimit(t *testing.T) {
	e := newEnv(t, opts{limits: server.Limits{MaxBody: 1024}})
	huge := "truce: 1\n" + strings.Repeat("# padding\n", 200)
	ae := e.wantError("POST", "/api/validate", huge, http.StatusRequestEntityTooLarge, "body_too_large")
	if !strings.Contains(ae.Error, "1024") {
		t.Fatalf("message does not give the limit: %q", ae.Error)
	}
	e.wantError("POST", "/api/scenarios", map[string]string{"name": "x", "yaml": huge}, http.StatusRequestEntityTooLarge, "body_too_large")
	e.wantError("POST", "/api/jobs", map[string]any{"kind": "analyze", "yaml": huge}, http.StatusRequestEntityTooLarge, "body_too_large")
	// Just under the limit is fine.
	e.wantStatus("POST", "/api/validate", "truce: 1\n"+strings.Repeat("x", 1000), 200, nil)
}

func TestDefaultBodyLimitIsOneMiB(t *testing.T) {
	e := newEnv(t, opts{})
	e.wantError("POST", "/api/validate", strings.Repeat("a", 1<<20+1), http.StatusRequestEntityTooLarge, "body_too_large")
	e.wantStatus("POST", "/api/validate", strings.Repeat("a", 1<<20), 200, nil)
}

const testToken = "s3cret-s3cret-s3cret"

func TestToken(t *testing.T) {
	e := newEnv(t, opts{token: testToken})
	// 32 wrong tokens follow: let them all be checked (the limiter has its
	// own test, TestTokenBruteForceSlowed).
	server.SetAuthLimits(e.srv, 1000, 1000, nil)
	paths := []struct{ method, path string }{
		{"GET", "/api/health"}, {"POST", "/api/validate"}, {"GET", "/api/scenarios"}, {"POST", "/api/jobs"},
		{"GET", "/api/runs"}, {"GET", "/api/runs/r_x"}, {"GET", "/api/jobs/r_x/events"}, {"GET", "/api/nothing"},
	}
	for _, p := range paths {
		for _, hdr := range []string{"", "Bearer wrong", testToken, "Basic " + testToken, "Bearer " + testToken[:15]} {
			req, _ := http.NewRequest(p.method, e.http.URL+p.path, strings.NewReader(validYAML))
			req.Header.Set("Content-Type", contentTypeFor(p.path))
			if hdr != "" {
				req.Header.Set("Authorization", hdr)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var ae apiErr
			json.NewDecoder(resp.Body).Decode(&ae)
			resp.Body.Close()
			if resp.StatusCode != 401 || ae.Code != "unauthorized" || resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s with %q: status %d %+v", p.method, p.path, hdr, resp.StatusCode, ae)
			}
		}
	}
	e.wantStatus("POST", "/api/validate", validYAML, 200, nil)
	// The page itself carries no data and loads without the token.
	req, _ := http.NewRequest("GET", e.http.URL+"/", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("UI without token: %d", resp.StatusCode)
	}
}

func TestScenarios(t *testing.T) {
	e := newEnv(t, opts{})
	var sc struct {
		ID       string              `json:"id"`
		Name     string              `json:"name"`
		Version  int                 `json:"version"`
		YAML     string              `json:"yaml"`
		Problems []server.Diagnostic `json:"problems"`
	}
	status, hdr, data := e.do("POST", "/api/scenarios", map[string]string{"name": "draft", "yaml": "truce: 1\nx: bogus\n"}, &sc)
	if status != 201 || sc.Version != 1 || hdr.Get("Location") != "/api/scenarios/"+sc.ID {
		t.Fatalf("create: %d %s %s", status, hdr.Get("Location"), data)
	}
	if len(sc.Problems) != 1 || sc.Problems[0].Line != 2 {
		t.Fatalf("draft saved without its problems: %s", data)
	}
	id := sc.ID
	e.wantStatus("GET", "/api/scenarios/"+id, nil, 200, &sc)
	if sc.YAML != "truce: 1\nx: bogus\n" || sc.Name != "draft" {
		t.Fatalf("get: %+v", sc)
	}
	e.wantStatus("PUT", "/api/scenarios/"+id, map[string]any{"yaml": validYAML, "base_version": 1}, 200, &sc)
	if sc.Version != 2 || sc.Name != "draft" || len(sc.Problems) != 0 {
		t.Fatalf("update: %+v", sc)
	}
	e.wantError("PUT", "/api/scenarios/"+id, map[string]any{"yaml": "stale", "base_version": 1}, 409, "conflict")
	e.wantStatus("PUT", "/api/scenarios/"+id, map[string]any{"name": "final", "yaml": validYAML + "# v3\n"}, 200, &sc)
	if sc.Version != 3 || sc.Name != "final" {
		t.Fatalf("rename: %+v", sc)
	}
	var list []map[string]any
	e.wantStatus("GET", "/api/scenarios", nil, 200, &list)
	if len(list) != 1 || list[0]["id"] != id || list[0]["version"] != 3.0 {
		t.Fatalf("list: %+v", list)
	}
	var versions []map[string]any
	e.wantStatus("GET", "/api/scenarios/"+id+"/versions", nil, 200, &versions)
	if len(versions) != 3 || versions[0]["version"] != 3.0 || versions[2]["name"] != "draft" {
		t.Fatalf("versions: %+v", versions)
	}
	var v1 map[string]any
	e.wantStatus("GET", "/api/scenarios/"+id+"/versions/1", nil, 200, &v1)
	if v1["yaml"] != "truce: 1\nx: bogus\n" {
		t.Fatalf("version 1: %+v", v1)
	}
	e.wantError("GET", "/api/scenarios/"+id+"/versions/9", nil, 404, "not_found")
	e.wantError("GET", "/api/scenarios/"+id+"/versions/zero", nil, 400, "bad_request")
	e.wantStatus("DELETE", "/api/scenarios/"+id, nil, 204, nil)
	e.wantError("GET", "/api/scenarios/"+id, nil, 404, "not_found")
	e.wantError("DELETE", "/api/scenarios/"+id, nil, 404, "not_found")
	e.wantError("PUT", "/api/scenarios/s_nope", map[string]any{"yaml": "x"}, 404, "not_found")
	e.wantError("GET", "/api/scenarios/s_nope/versions", nil, 404, "not_found")
	// Bad input.
	e.wantError("POST", "/api/scenarios", `{"name": "x", "yaml": `, 400, "bad_json")
	e.wantError("POST", "/api/scenarios", `{"name": "x", "yml": "typo"}`, 400, "bad_json")
	e.wantError("POST", "/api/scenarios", `{"yaml": "truce: 1"}`, 400, "bad_request")
	e.wantError("POST", "/api/scenarios", `{"name": "x"} {"name": "y"}`, 400, "bad_json")
}

func TestExamplesAndHealth(t *testing.T) {
	e := newEnv(t, opts{})
	var list []server.Example
	e.wantStatus("GET", "/api/examples", nil, 200, &list)
	if len(list) != 1 || list[0].Name != "tiny" || list[0].YAML != "" {
		t.Fatalf("examples: %+v", list)
	}
	var ex server.Example
	e.wantStatus("GET", "/api/examples/tiny", nil, 200, &ex)
	if ex.YAML != validYAML {
		t.Fatalf("example: %+v", ex)
	}
	e.wantError("GET", "/api/examples/huge", nil, 404, "not_found")
	var h map[string]any
	e.wantStatus("GET", "/api/health", nil, 200, &h)
	if h["status"] != "ok" || h["store"] != "sqlite" {
		t.Fatalf("health: %+v", h)
	}
	e.wantError("GET", "/api/nothing/here", nil, 404, "not_found")
}

func TestUIRoutes(t *testing.T) {
	e := newEnv(t, opts{})
	for _, p := range []string{"/", "/runs/r_anything", "/compare"} {
		_, _, data := e.do("GET", p, nil, nil)
		if !strings.Contains(string(data), "<title>truce</title>") {
			t.Errorf("%s does not serve the page: %q", p, data)
		}
	}
	if _, _, data := e.do("GET", "/static/app.js", nil, nil); string(data) != "//js" {
		t.Errorf("static asset: %q", data)
	}
	if st, _, _ := e.do("GET", "/static/missing.js", nil, nil); st != 404 {
		t.Errorf("missing asset: %d", st)
	}
}

func TestJobLifecycle(t *testing.T) {
	e := newEnv(t, opts{runner: &fakerunner.Runner{Delay: 2 * time.Millisecond}})
	j := e.start(map[string]any{"kind": "analyze", "yaml": validYAML, "name": "tiny", "params": map[string]any{"draws": 25, "seed": 3}})
	if j.Kind != "analyze" || (j.Status != store.StatusQueued && j.Status != store.StatusRunning) {
		t.Fatalf("new job %+v", j)
	}
	ev := e.events(j.ID)
	last := ev[len(ev)-1]
	if last.Name != "end" || last.Data.Status != store.StatusDone {
		t.Fatalf("last event %+v", last)
	}
	sawProgress := false
	for _, x := range ev[:len(ev)-1] {
		if x.Name != "progress" {
			t.Fatalf("unexpected event %+v", x)
		}
		if x.Data.Total == 25 && x.Data.Done > 0 {
			sawProgress = true
		}
	}
	if !sawProgress {
		t.Fatalf("no progress event with done>0 of 25: %+v", ev)
	}
	var result, want any
	e.wantStatus("GET", "/api/jobs/"+j.ID+"/result", nil, 200, &result)
	wb, _ := json.Marshal(fakerunner.Result(3))
	json.Unmarshal(wb, &want)
	if !reflect.DeepEqual(result, want) {
		t.Fatalf("result %v\nwant %v", result, want)
	}
	var run store.Run
	e.wantStatus("GET", "/api/runs/"+j.ID, nil, 200, &run)
	if run.Status != store.StatusDone || run.YAML != validYAML || run.ScenarioName != "tiny" || run.FinishedAt == nil {
		t.Fatalf("run %+v", run)
	}
	var params server.Params
	json.Unmarshal(run.Params, &params)
	if params.Draws != 25 || params.Seed != 3 || params.Workers != 0 {
		t.Fatalf("stored params %s", run.Params)
	}
	var got jobResp
	e.wantStatus("GET", "/api/jobs/"+j.ID, nil, 200, &got)
	if got.Status != store.StatusDone {
		t.Fatalf("job after end %+v", got)
	}
	// The stream of a finished job is one end event.
	if ev := e.events(j.ID); len(ev) != 1 || ev[0].Name != "end" || ev[0].Data.Status != store.StatusDone {
		t.Fatalf("events of finished job: %+v", ev)
	}
	var runs []store.Run
	e.wantStatus("GET", "/api/runs", nil, 200, &runs)
	if len(runs) != 1 || runs[0].ID != j.ID || runs[0].Result != nil {
		t.Fatalf("runs list %+v", runs)
	}
	e.wantStatus("GET", "/api/runs?status=failed", nil, 200, &runs)
	if len(runs) != 0 {
		t.Fatalf("status filter: %+v", runs)
	}
	e.wantError("GET", "/api/runs?limit=-1", nil, 400, "bad_request")
	status, hdr, page := e.do("GET", "/api/runs/"+j.ID+"/report", nil, nil)
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") ||
		!strings.Contains(hdr.Get("Content-Disposition"), "attachment") ||
		!strings.Contains(string(page), "War stays unlikely") || !strings.Contains(string(page), "<svg") {
		t.Fatalf("report: %d %v %.200s", status, hdr, page)
	}
	e.wantError("POST", "/api/jobs/"+j.ID+"/cancel", nil, 409, "already_finished")
}

func TestJobFromStoredScenario(t *testing.T) {
	e := newEnv(t, opts{})
	var sc struct{ ID string }
	e.wantStatus("POST", "/api/scenarios", map[string]string{"name": "stored", "yaml": validYAML}, 201, &sc)
	e.wantStatus("PUT", "/api/scenarios/"+sc.ID, map[string]string{"yaml": validYAML + "# second\n"}, 200, nil)
	j := e.start(map[string]any{"kind": "simulate", "scenario_id": sc.ID, "version": 1, "params": map[string]any{"runs": 5}})
	if end := e.waitEnd(j.ID); end.Status != store.StatusDone {
		t.Fatalf("end %+v", end)
	}
	var run store.Run
	e.wantStatus("GET", "/api/runs/"+j.ID, nil, 200, &run)
	if run.ScenarioID != sc.ID || run.ScenarioVersion != 1 || run.YAML != validYAML || run.ScenarioName != "stored" || run.Kind != "simulate" {
		t.Fatalf("run %+v", run)
	}
	j = e.start(map[string]any{"kind": "solve", "scenario_id": sc.ID})
	e.waitEnd(j.ID)
	e.wantStatus("GET", "/api/runs/"+j.ID, nil, 200, &run)
	if run.ScenarioVersion != 2 {
		t.Fatalf("latest version not used: %+v", run)
	}
	var runs []store.Run
	e.wantStatus("GET", "/api/runs?scenario_id="+sc.ID, nil, 200, &runs)
	if len(runs) != 2 {
		t.Fatalf("runs of scenario: %d", len(runs))
	}
	e.wantError("POST", "/api/jobs", map[string]any{"kind": "analyze", "scenario_id": "s_nope"}, 404, "not_found")
	e.wantError("POST", "/api/jobs", map[string]any{"kind": "analyze", "scenario_id": sc.ID, "version": 7}, 404, "not_found")
}

func TestJobBadInput(t *testing.T) {
	e := newEnv(t, opts{limits: server.Limits{MaxDraws: 50, MaxRuns: 60}})
	e.wantError("POST", "/api/jobs", map[string]any{"kind": "dance", "yaml": validYAML}, 400, "bad_kind")
	e.wantError("POST", "/api/jobs", map[string]any{"kind": "analyze"}, 400, "bad_request")
	e.wantError("POST", "/api/jobs", map[string]any{"kind": "analyze", "yaml": validYAML, "scenario_id": "s_x"}, 400, "bad_request")
	e.wantError("POST", "/api/jobs", map[string]any{"kind": "analyze", "yaml": validYAML, "params": map[string]any{"drawz": 5}}, 400, "bad_json")
	e.wantError("POST", "/api/jobs", `{"kind": "analyze", "yaml": 5}`, 400, "bad_json")
	e.wantError("POST", "/api/jobs", "kind: analyze", 400, "bad_json")
	ae := e.wantError("POST", "/api/jobs", map[string]any{"kind": "analyze", "yaml": validYAML, "params": map[string]any{"draws": 51}}, 422, "job_too_large")
	if !strings.Contains(ae.Error, "50") {
		t.Fatalf("limit not named: %q", ae.Error)
	}
	e.wantError("POST", "/api/jobs", map[string]any{"kind": "simulate", "yaml": validYAML, "params": map[string]any{"runs": 61}}, 422, "job_too_large")
	e.wantError("POST", "/api/jobs", map[string]any{"kind": "simulate", "yaml": validYAML, "params": map[string]any{"runs": -1}}, 422, "job_too_large")
	ae = e.wantError("POST", "/api/jobs", map[string]any{"kind": "analyze", "yaml": "truce: 1\nstate: bogus\n"}, 422, "invalid_scenario")
	if len(ae.Problems) != 1 || ae.Problems[0].Line != 2 || ae.Problems[0].Col != 8 {
		t.Fatalf("problems %+v", ae.Problems)
	}
	e.wantError("GET", "/api/jobs/r_nope", nil, 404, "not_found")
	e.wantError("GET", "/api/jobs/r_nope/events", nil, 404, "not_found")
	e.wantError("GET", "/api/jobs/r_nope/result", nil, 404, "not_found")
	e.wantError("POST", "/api/jobs/r_nope/cancel", nil, 404, "not_found")
	e.wantError("GET", "/api/runs/r_nope", nil, 404, "not_found")
	e.wantError("GET", "/api/runs/r_nope/report", nil, 404, "not_found")
	var runs []store.Run
	e.wantStatus("GET", "/api/runs", nil, 200, &runs)
	if len(runs) != 0 {
		t.Fatalf("rejected jobs were stored: %+v", runs)
	}
}

func TestCancel(t *testing.T) {
	fr := &fakerunner.Runner{Delay: time.Second, Steps: 1000, Started: make(chan string, 4)}
	e := newEnv(t, opts{runner: fr})
	j := e.start(map[string]any{"kind": "analyze", "yaml": validYAML})
	<-fr.Started
	e.wantError("GET", "/api/jobs/"+j.ID+"/result", nil, 409, "not_finished")
	var c jobResp
	for _, m := range []string{"POST"} {
		e.wantStatus(m, "/api/jobs/"+j.ID+"/cancel", nil, 202, &c)
	}
	end := e.waitEnd(j.ID)
	if end.Status != store.StatusCanceled || end.Error == "" {
		t.Fatalf("end %+v", end)
	}
	var run store.Run
	e.wantStatus("GET", "/api/runs/"+j.ID, nil, 200, &run)
	if run.Status != store.StatusCanceled || run.Result != nil {
		t.Fatalf("run %+v", run)
	}
	e.wantError("GET", "/api/jobs/"+j.ID+"/result", nil, 409, "no_result")
	e.wantError("GET", "/api/runs/"+j.ID+"/report", nil, 409, "no_result")
	e.wantError("DELETE", "/api/jobs/"+j.ID, nil, 409, "already_finished")
}

func TestQueueFullAndCancelQueued(t *testing.T) {
	fr := &fakerunner.Runner{Delay: time.Second, Steps: 1000, Started: make(chan string, 8)}
	e := newEnv(t, opts{runner: fr, limits: server.Limits{MaxConcurrent: 1, MaxQueue: 1}})
	running := e.start(map[string]any{"kind": "analyze", "yaml": validYAML})
	<-fr.Started
	queued := e.start(map[string]any{"kind": "analyze", "yaml": validYAML})
	var q jobResp
	e.wantStatus("GET", "/api/jobs/"+queued.ID, nil, 200, &q)
	if q.Status != store.StatusQueued {
		t.Fatalf("second job %+v, want queued", q)
	}
	var list []jobResp
	e.wantStatus("GET", "/api/jobs", nil, 200, &list)
	if len(list) != 2 {
		t.Fatalf("live jobs %+v", list)
	}
	status, hdr, data := e.do("POST", "/api/jobs", map[string]any{"kind": "analyze", "yaml": validYAML}, nil)
	if status != 429 || hdr.Get("Retry-After") == "" || !strings.Contains(string(data), "queue_full") {
		t.Fatalf("third job: %d %v %s", status, hdr, data)
	}
	// Canceling the queued job ends it at once and frees its slot.
	e.wantStatus("DELETE", "/api/jobs/"+queued.ID, nil, 202, nil)
	if end := e.waitEnd(queued.ID); end.Status != store.StatusCanceled {
		t.Fatalf("queued job end %+v", end)
	}
	third := e.start(map[string]any{"kind": "analyze", "yaml": validYAML})
	e.wantStatus("POST", "/api/jobs/"+running.ID+"/cancel", nil, 202, nil)
	<-fr.Started // the third job starts once the first is gone
	e.wantStatus("POST", "/api/jobs/"+third.ID+"/cancel", nil, 202, nil)
	if end := e.waitEnd(third.ID); end.Status != store.StatusCanceled {
		t.Fatalf("third job end %+v", end)
	}
	select {
	case k := <-fr.Started:
		t.Fatalf("the canceled queued job was run anyway (%s)", k)
	default:
	}
}

func TestFailureAndPanic(t *testing.T) {
	e := newEnv(t, opts{})
	j := e.start(map[string]any{"kind": "analyze", "yaml": validYAML + "# fail!\n"})
	if end := e.waitEnd(j.ID); end.Status != store.StatusFailed || !strings.Contains(end.Error, "asked to fail") {
		t.Fatalf("failed job end %+v", end)
	}
	j = e.start(map[string]any{"kind": "analyze", "yaml": validYAML + "# panic!\n"})
	if end := e.waitEnd(j.ID); end.Status != store.StatusFailed || !strings.Contains(end.Error, "internal error") {
		t.Fatalf("panicking job end %+v", end)
	}
	// The server still works after a panicking job.
	j = e.start(map[string]any{"kind": "analyze", "yaml": validYAML})
	if end := e.waitEnd(j.ID); end.Status != store.StatusDone {
		t.Fatalf("job after panic %+v", end)
	}
}

func TestShutdownMarksInterrupted(t *testing.T) {
	fr := &fakerunner.Runner{Delay: time.Second, Steps: 1000, Started: make(chan string, 4)}
	e := newEnv(t, opts{runner: fr, limits: server.Limits{MaxConcurrent: 1, MaxQueue: 4}})
	done := e.start(map[string]any{"kind": "analyze", "yaml": validYAML, "params": map[string]any{"draws": 1}})
	<-fr.Started
	e.waitEnd(done.ID)
	running := e.start(map[string]any{"kind": "analyze", "yaml": validYAML})
	<-fr.Started
	queued := e.start(map[string]any{"kind": "simulate", "yaml": validYAML})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{done.ID: store.StatusDone, running.ID: store.StatusInterrupted, queued.ID: store.StatusInterrupted} {
		r, err := e.store.GetRun(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != want {
			t.Errorf("run %s: %s, want %s", id, r.Status, want)
		}
	}
	e.wantError("POST", "/api/jobs", map[string]any{"kind": "analyze", "yaml": validYAML}, 503, "shutting_down")
}

func TestRestartMarksStaleRunsInterrupted(t *testing.T) {
	ctx := context.Background()
	path := "sqlite:" + filepath.Join(t.TempDir(), "crash.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	// What a killed server leaves behind: one finished, one running, one queued.
	done, _ := st.CreateRun(ctx, store.Run{Kind: "analyze", YAML: validYAML})
	st.StartRun(ctx, done.ID)
	st.FinishRun(ctx, done.ID, store.StatusDone, json.RawMessage(`{"x":1}`), "")
	running, _ := st.CreateRun(ctx, store.Run{Kind: "analyze", YAML: validYAML})
	st.StartRun(ctx, running.ID)
	queued, _ := st.CreateRun(ctx, store.Run{Kind: "analyze", YAML: validYAML})
	srv, err := server.New(ctx, server.Config{Store: st, Runner: &fakerunner.Runner{}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(ctx)
	for id, want := range map[string]string{done.ID: store.StatusDone, running.ID: store.StatusInterrupted, queued.ID: store.StatusInterrupted} {
		r, _ := st.GetRun(ctx, id)
		if r.Status != want {
			t.Errorf("run %s: %s, want %s", id, r.Status, want)
		}
	}
	if r, _ := st.GetRun(ctx, done.ID); string(r.Result) != `{"x":1}` {
		t.Errorf("finished run's result changed: %s", r.Result)
	}
}

func TestCompare(t *testing.T) {
	e := newEnv(t, opts{})
	a := e.start(map[string]any{"kind": "analyze", "yaml": validYAML, "params": map[string]any{"seed": 1}})
	b := e.start(map[string]any{"kind": "analyze", "yaml": validYAML, "params": map[string]any{"seed": 2}})
	e.waitEnd(a.ID)
	e.waitEnd(b.ID)
	var cmp struct {
		A, B store.Run
		Diff []struct {
			Path  string
			A, B  *float64
			Delta *float64
		}
	}
	e.wantStatus("GET", fmt.Sprintf("/api/runs/compare?a=%s&b=%s", a.ID, b.ID), nil, 200, &cmp)
	if cmp.A.ID != a.ID || cmp.B.ID != b.ID {
		t.Fatalf("compare ids %s %s", cmp.A.ID, cmp.B.ID)
	}
	found := false
	for _, d := range cmp.Diff {
		if d.Path == "hypotheses[H1].holds_share" {
			found = true
			// seed 1: pw = 0.15, seed 2: pw = 0.2.
			if d.A == nil || d.B == nil || d.Delta == nil || *d.A < 0.849 || *d.A > 0.851 || *d.B < 0.799 || *d.B > 0.801 {
				t.Fatalf("diff entry %+v", d)
			}
		}
		if strings.HasPrefix(d.Path, "profiles.baseline.reach.truce") {
			t.Fatalf("equal numbers listed as different: %s", d.Path)
		}
	}
	if !found {
		t.Fatalf("no diff for H1: %+v", cmp.Diff)
	}
	e.wantStatus("GET", fmt.Sprintf("/api/runs/compare?a=%s&b=%s", a.ID, a.ID), nil, 200, &cmp)
	if len(cmp.Diff) != 0 {
		t.Fatalf("a run differs from itself: %+v", cmp.Diff)
	}
	e.wantError("GET", "/api/runs/compare?a="+a.ID, nil, 400, "bad_request")
	e.wantError("GET", "/api/runs/compare?a="+a.ID+"&b=r_nope", nil, 404, "not_found")
}

func TestIsLoopback(t *testing.T) {
	tests := []struct {
		addr string
		want bool
		err  bool
	}{
		{"127.0.0.1:8080", true, false},
		{"127.3.4.5:1", true, false},
		{"[::1]:8080", true, false},
		{"localhost:8080", true, false},
		{":8080", false, false},
		{"0.0.0.0:8080", false, false},
		{"[::]:8080", false, false},
		{"192.168.1.4:8080", false, false},
		{"example.org:80", false, false},
		{"8080", false, true},
	}
	for _, tt := range tests {
		got, err := server.IsLoopback(tt.addr)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("IsLoopback(%q) = %v, %v", tt.addr, got, err)
		}
	}
}

func ExampleIsLoopback() {
	for _, addr := range []string{"127.0.0.1:8080", "localhost:8080", "0.0.0.0:8080", ":8080"} {
		ok, _ := server.IsLoopback(addr)
		fmt.Println(addr, ok)
	}
	// Output:
	// 127.0.0.1:8080 true
	// localhost:8080 true
	// 0.0.0.0:8080 false
	// :8080 false
}

// TestCompareSaysWhatChanged: a verdict that flips comes first, then the
// largest changes, and the scenario's and settings' changes are listed.
func TestCompareSaysWhatChanged(t *testing.T) {
	e := newEnv(t, opts{})
	yamlA := validYAML + "parameters:\n  p: {dist: uniform, min: 0, max: 1}\n"
	yamlB := validYAML + "parameters:\n  p: {dist: uniform, min: 0, max: 0.5}\n"
	// The fake engine's H1 holds in 1 - pw of the draws, pw = 0.1 + (seed mod 7)/20:
	// seed 7 gives 0.9 (supported), seed 1 gives 0.85 (uncertain).
	a := e.start(map[string]any{"kind": "analyze", "yaml": yamlA, "params": map[string]any{"seed": 7, "draws": 3}})
	b := e.start(map[string]any{"kind": "analyze", "yaml": yamlB, "params": map[string]any{"seed": 1, "draws": 3}})
	e.waitEnd(a.ID)
	e.waitEnd(b.ID)
	var cmp struct {
		Flips []struct {
			ID, A, B string
		} `json:"verdict_flips"`
		Largest []struct {
			Path  string
			Delta float64
		} `json:"largest_changes"`
		Scenario struct {
			Same    bool
			Changes []struct{ Section, Item, Change, A, B string }
			Lines   []struct{ Op, Text string }
		}
		Settings []struct{ Section, Item, Change, A, B string }
	}
	e.wantStatus("GET", "/api/runs/compare?a="+a.ID+"&b="+b.ID, nil, 200, &cmp)
	if len(cmp.Flips) != 1 || cmp.Flips[0].ID != "H1" || cmp.Flips[0].A != "supported" || cmp.Flips[0].B != "uncertain" {
		t.Fatalf("flips %+v", cmp.Flips)
	}
	if len(cmp.Scenario.Changes) != 1 || cmp.Scenario.Changes[0].Item != "p" || cmp.Scenario.Changes[0].B != "{dist: uniform, min: 0, max: 0.5}" {
		t.Fatalf("scenario changes %+v", cmp.Scenario.Changes)
	}
	if len(cmp.Settings) != 1 || cmp.Settings[0].Item != "seed" || cmp.Settings[0].A != "7" || cmp.Settings[0].B != "1" {
		t.Fatalf("settings %+v", cmp.Settings)
	}
	if cmp.Scenario.Same || len(cmp.Scenario.Lines) == 0 {
		t.Fatalf("no line diff: %+v", cmp.Scenario)
	}
}
