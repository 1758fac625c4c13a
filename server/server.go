// Package server is truce's workbench over HTTP: a JSON API under /api/ for
// scenarios, validation, jobs and stored runs, and the embedded browser UI.
// Jobs run in a bounded queue through a Runner, and every run is kept in a
// store so it survives restarts, crashes included.
package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/truce-dev/truce/store"
)

// Limits bound what one request may ask for.
type Limits struct {
	MaxBody       int64 // bytes in a request body; default 1 MiB
	MaxDraws      int   // parameter draws of analyze/sensitivity; default 100000
	MaxRuns       int   // Monte Carlo paths of simulate; default 1000000
	MaxConcurrent int   // jobs running at once; default GOMAXPROCS
	MaxQueue      int   // jobs waiting beyond those; default 32
}

// Config configures a Server. Store and Runner are required.
type Config struct {
	Store    *store.Store
	Runner   Runner
	Token    string // when set, every /api/ request needs "Authorization: Bearer <Token>"
	Logger   *slog.Logger
	Limits   Limits
	Examples []Example // scenarios the UI offers to load
	Assets   fs.FS     // the browser UI (index.html at its root); nil serves no UI
}

// Server serves the API and the UI. Create it with New, serve Handler, and
// call Shutdown before exiting.
type Server struct {
	cfg   Config
	log   *slog.Logger
	jobs  *manager
	mux   *http.ServeMux
	done  chan struct{} // closed at Shutdown: ends event streams
	kinds []string
	// validating bounds concurrent validations: parsing a large scenario
	// takes milliseconds and megabytes, and a burst of requests should
	// queue for the cores rather than all allocate at once.
	validating chan struct{}
}

// New checks cfg, marks runs left queued or running by a previous process
// (which must have crashed) as interrupted, and starts the job workers.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Runner == nil {
		return nil, errors.New("server: Store and Runner are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	l := &cfg.Limits
	if l.MaxBody <= 0 {
		l.MaxBody = 1 << 20
	}
	if l.MaxDraws <= 0 {
		l.MaxDraws = 100000
	}
	if l.MaxRuns <= 0 {
		l.MaxRuns = 1000000
	}
	if l.MaxConcurrent <= 0 {
		l.MaxConcurrent = runtime.GOMAXPROCS(0)
	}
	if l.MaxQueue <= 0 {
		l.MaxQueue = 32
	}
	n, err := cfg.Store.MarkInterrupted(ctx, "the server stopped before the job finished")
	if err != nil {
		return nil, fmt.Errorf("server: recovering runs: %w", err)
	}
	if n > 0 {
		cfg.Logger.Warn("marked runs left unfinished by a previous server as interrupted", "count", n)
	}
	s := &Server{
		cfg:   cfg,
		log:   cfg.Logger,
		jobs:  newManager(cfg.Store, cfg.Runner, cfg.Logger, l.MaxConcurrent, l.MaxQueue),
		mux:   http.NewServeMux(),
		done:  make(chan struct{}),
		kinds: cfg.Runner.Kinds(),

		validating: make(chan struct{}, 2*runtime.GOMAXPROCS(0)),
	}
	s.routes()
	return s, nil
}

// Shutdown stops accepting jobs, interrupts the running ones (recording them
// as interrupted) and ends open event streams. Call it before
// http.Server.Shutdown, which would otherwise wait for those streams.
func (s *Server) Shutdown(ctx context.Context) error {
	select {
	case <-s.done:
	default:
		close(s.done)
	}
	return s.jobs.shutdown(ctx)
}

// Handler returns the HTTP handler for the API and UI.
func (s *Server) Handler() http.Handler { return s.logRequests(s.mux) }

func (s *Server) routes() {
	api := func(pattern string, h http.HandlerFunc) { s.mux.Handle(pattern, s.auth(h)) }
	api("GET /api/health", s.health)
	api("POST /api/validate", s.validate)
	api("GET /api/examples", s.listExamples)
	api("GET /api/examples/{name}", s.getExample)
	api("POST /api/scenarios", s.createScenario)
	api("GET /api/scenarios", s.listScenarios)
	api("GET /api/scenarios/{id}", s.getScenario)
	api("PUT /api/scenarios/{id}", s.updateScenario)
	api("DELETE /api/scenarios/{id}", s.deleteScenario)
	api("GET /api/scenarios/{id}/versions", s.listVersions)
	api("GET /api/scenarios/{id}/versions/{version}", s.getVersion)
	api("POST /api/jobs", s.startJob)
	api("GET /api/jobs", s.listJobs)
	api("GET /api/jobs/{id}", s.getJob)
	api("GET /api/jobs/{id}/events", s.jobEvents)
	api("POST /api/jobs/{id}/cancel", s.cancelJob)
	api("DELETE /api/jobs/{id}", s.cancelJob)
	api("GET /api/jobs/{id}/result", s.jobResult)
	api("GET /api/runs", s.listRuns)
	api("GET /api/runs/compare", s.compareRuns)
	api("GET /api/runs/{id}", s.getRun)
	api("GET /api/runs/{id}/report", s.runReport)
	s.mux.Handle("/api/", s.auth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The catch-all also catches known paths with the wrong method;
		// ask the mux which methods the path has to answer 405 instead.
		var allowed []string
		for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
			r2 := r.Clone(r.Context())
			r2.Method = m
			if _, pat := s.mux.Handler(r2); pat != "/api/" && pat != "" {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) > 0 {
			methods := strings.Join(allowed, ", ")
			w.Header().Set("Allow", methods)
			writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed on "+r.URL.Path+"; use "+methods)
			return
		}
		writeError(w, http.StatusNotFound, "not_found", "no API endpoint "+r.Method+" "+r.URL.Path+"; see docs/api.md")
	})))
	if s.cfg.Assets != nil {
		static := http.FileServerFS(s.cfg.Assets)
		index := func(w http.ResponseWriter, r *http.Request) {
			// The page's script reads the path (/runs/ID, /compare) and
			// shows the right view, so permanent links work on reload.
			w.Header().Set("Cache-Control", "no-cache")
			http.ServeFileFS(w, r, s.cfg.Assets, "index.html")
		}
		s.mux.HandleFunc("GET /{$}", index)
		s.mux.HandleFunc("GET /runs/{id}", index)
		s.mux.HandleFunc("GET /compare", index)
		s.mux.Handle("GET /static/", static)
	}
}

// apiError is the body of every 4xx and 5xx answer from /api/.
type apiError struct {
	Error    string       `json:"error"`
	Code     string       `json:"code"`
	Problems []Diagnostic `json:"problems,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // the API is read by programs, not pasted into HTML
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, apiError{Error: msg, Code: code})
}

func (s *Server) auth(h http.Handler) http.Handler {
	if s.cfg.Token == "" {
		return h
	}
	want := []byte("Bearer " + s.cfg.Token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="truce"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "missing or wrong bearer token: send \"Authorization: Bearer <token>\" as given to truce serve --token")
			return
		}
		h.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Flush lets event streams flush through the recorder.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *Server) logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		level := slog.LevelDebug
		if rec.status >= 500 {
			level = slog.LevelError
		}
		s.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "elapsed", time.Since(start))
	})
}

// readBody reads a body of at most MaxBody bytes, answering 413 itself when
// it is larger.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.Limits.MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, "body_too_large",
				fmt.Sprintf("request body is larger than the limit of %d bytes", mbe.Limit))
			return nil, false
		}
		writeError(w, http.StatusBadRequest, "bad_body", "reading request body: "+err.Error())
		return nil, false
	}
	return body, true
}

// decodeJSON reads a JSON body into v, rejecting unknown fields so a typo
// in a parameter name is an error rather than a silently ignored option.
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	body, ok := s.readBody(w, r)
	if !ok {
		return false
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "bad_json", "request body is not the expected JSON: "+err.Error())
		return false
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, "bad_json", "request body has data after the JSON value")
		return false
	}
	return true
}

func (s *Server) storeError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", err.Error())
	case errors.Is(err, store.ErrConflict):
		writeError(w, http.StatusConflict, "conflict", err.Error())
	default:
		s.log.Error("store", "err", err)
		writeError(w, http.StatusInternalServerError, "store_error", "the database failed: "+err.Error())
	}
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"status": "ok", "store": s.cfg.Store.Backend(), "kinds": s.kinds,
		"limits": map[string]any{
			"max_body": s.cfg.Limits.MaxBody, "max_draws": s.cfg.Limits.MaxDraws, "max_runs": s.cfg.Limits.MaxRuns,
			"max_concurrent": s.cfg.Limits.MaxConcurrent, "max_queue": s.cfg.Limits.MaxQueue,
		},
	})
}

type validateResponse struct {
	Valid    bool         `json:"valid"`
	Problems []Diagnostic `json:"problems"`
}

func (s *Server) validate(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	name := r.URL.Query().Get("filename")
	if name == "" {
		name = "scenario.yaml"
	}
	diags, ok := s.runValidate(r.Context(), name, body)
	if !ok {
		return // the client left while waiting
	}
	writeJSON(w, http.StatusOK, validateResponse{Valid: !hasErrors(diags), Problems: diags})
}

func (s *Server) listExamples(w http.ResponseWriter, r *http.Request) {
	out := make([]Example, 0, len(s.cfg.Examples))
	for _, e := range s.cfg.Examples {
		out = append(out, Example{Name: e.Name})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getExample(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	for _, e := range s.cfg.Examples {
		if e.Name == name {
			writeJSON(w, http.StatusOK, e)
			return
		}
	}
	writeError(w, http.StatusNotFound, "not_found", "no example named "+strconv.Quote(name))
}

type scenarioRequest struct {
	Name        string `json:"name"`
	YAML        string `json:"yaml"`
	BaseVersion int    `json:"base_version,omitempty"`
}

type scenarioResponse struct {
	store.Scenario
	Problems []Diagnostic `json:"problems"`
}

// runValidate validates within the concurrency bound; it reports false
// when ctx ended while waiting for a slot.
func (s *Server) runValidate(ctx context.Context, name string, yaml []byte) ([]Diagnostic, bool) {
	select {
	case s.validating <- struct{}{}:
	case <-ctx.Done():
		return nil, false
	}
	defer func() { <-s.validating }()
	d := s.cfg.Runner.Validate(name, yaml)
	if d == nil {
		d = []Diagnostic{}
	}
	return d, true
}

func (s *Server) problems(ctx context.Context, name, yaml string) []Diagnostic {
	d, _ := s.runValidate(ctx, name, []byte(yaml))
	return d
}

// createScenario stores the text even when it has problems (an analyst
// saves drafts), and returns the problems beside it.
func (s *Server) createScenario(w http.ResponseWriter, r *http.Request) {
	var req scenarioRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if strings.TrimSpace(req.Name) == "" {
		writeError(w, http.StatusBadRequest, "bad_request", `"name" is required`)
		return
	}
	sc, err := s.cfg.Store.CreateScenario(r.Context(), req.Name, req.YAML)
	if err != nil {
		s.storeError(w, err)
		return
	}
	w.Header().Set("Location", "/api/scenarios/"+sc.ID)
	writeJSON(w, http.StatusCreated, scenarioResponse{sc, s.problems(r.Context(), req.Name+".yaml", req.YAML)})
}

func (s *Server) listScenarios(w http.ResponseWriter, r *http.Request) {
	list, err := s.cfg.Store.ListScenarios(r.Context())
	if err != nil {
		s.storeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) getScenario(w http.ResponseWriter, r *http.Request) {
	sc, err := s.cfg.Store.GetScenario(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, sc)
}

func (s *Server) updateScenario(w http.ResponseWriter, r *http.Request) {
	var req scenarioRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	sc, err := s.cfg.Store.UpdateScenario(r.Context(), r.PathValue("id"), req.Name, req.YAML, req.BaseVersion)
	if err != nil {
		s.storeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, scenarioResponse{sc, s.problems(r.Context(), sc.Name+".yaml", req.YAML)})
}

func (s *Server) deleteScenario(w http.ResponseWriter, r *http.Request) {
	if err := s.cfg.Store.DeleteScenario(r.Context(), r.PathValue("id")); err != nil {
		s.storeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listVersions(w http.ResponseWriter, r *http.Request) {
	vs, err := s.cfg.Store.ScenarioVersions(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, vs)
}

func (s *Server) getVersion(w http.ResponseWriter, r *http.Request) {
	v, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || v < 1 {
		writeError(w, http.StatusBadRequest, "bad_request", "version must be a positive integer, not "+strconv.Quote(r.PathValue("version")))
		return
	}
	sv, err := s.cfg.Store.GetScenarioVersion(r.Context(), r.PathValue("id"), v)
	if err != nil {
		s.storeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, sv)
}

// jobRequest starts a job on inline YAML or on a stored scenario (its latest
// version unless Version is given).
type jobRequest struct {
	Kind       string `json:"kind"`
	YAML       string `json:"yaml,omitempty"`
	Name       string `json:"name,omitempty"`
	ScenarioID string `json:"scenario_id,omitempty"`
	Version    int    `json:"version,omitempty"`
	Params     Params `json:"params"`
}

// jobResponse is the state of a job with links to follow it.
type jobResponse struct {
	snapshot
	Links map[string]string `json:"links"`
}

func jobLinks(id string) map[string]string {
	return map[string]string{
		"self":   "/api/jobs/" + id,
		"events": "/api/jobs/" + id + "/events",
		"result": "/api/jobs/" + id + "/result",
		"cancel": "/api/jobs/" + id + "/cancel",
		"run":    "/api/runs/" + id,
		"page":   "/runs/" + id,
	}
}

func (s *Server) checkLimits(p *Params) error {
	l := s.cfg.Limits
	switch {
	case p.Draws < 0 || p.Runs < 0:
		return errors.New("draws and runs must not be negative")
	case p.Draws > l.MaxDraws:
		return fmt.Errorf("draws %d exceeds this server's limit of %d", p.Draws, l.MaxDraws)
	case p.Runs > l.MaxRuns:
		return fmt.Errorf("runs %d exceeds this server's limit of %d", p.Runs, l.MaxRuns)
	}
	// Share the cores among the jobs allowed to run at once; a client
	// cannot ask for more.
	p.Workers = max(1, runtime.GOMAXPROCS(0)/l.MaxConcurrent)
	return nil
}

func (s *Server) startJob(w http.ResponseWriter, r *http.Request) {
	var req jobRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if !slices.Contains(s.kinds, req.Kind) {
		writeError(w, http.StatusBadRequest, "bad_kind", fmt.Sprintf("kind %q is not one of %s", req.Kind, strings.Join(s.kinds, ", ")))
		return
	}
	run := store.Run{Kind: req.Kind, ScenarioName: req.Name}
	switch {
	case req.ScenarioID != "" && req.YAML != "":
		writeError(w, http.StatusBadRequest, "bad_request", `give either "yaml" or "scenario_id", not both`)
		return
	case req.ScenarioID != "":
		run.ScenarioID = req.ScenarioID
		if req.Version > 0 {
			v, err := s.cfg.Store.GetScenarioVersion(r.Context(), req.ScenarioID, req.Version)
			if err != nil {
				s.storeError(w, err)
				return
			}
			run.YAML, run.ScenarioVersion, run.ScenarioName = v.YAML, v.Version, v.Name
		} else {
			sc, err := s.cfg.Store.GetScenario(r.Context(), req.ScenarioID)
			if err != nil {
				s.storeError(w, err)
				return
			}
			run.YAML, run.ScenarioVersion, run.ScenarioName = sc.YAML, sc.Version, sc.Name
		}
	case req.YAML != "":
		run.YAML = req.YAML
	default:
		writeError(w, http.StatusBadRequest, "bad_request", `give the scenario as "yaml" or "scenario_id"`)
		return
	}
	if err := s.checkLimits(&req.Params); err != nil {
		writeError(w, http.StatusUnprocessableEntity, "job_too_large", err.Error())
		return
	}
	filename := "scenario.yaml"
	if run.ScenarioName != "" {
		filename = run.ScenarioName + ".yaml"
	}
	diags, ok := s.runValidate(r.Context(), filename, []byte(run.YAML))
	if !ok {
		return
	}
	if hasErrors(diags) {
		writeJSON(w, http.StatusUnprocessableEntity, apiError{Error: "the scenario has errors; fix them before running", Code: "invalid_scenario", Problems: diags})
		return
	}
	params, _ := json.Marshal(req.Params)
	run.Params = params
	j, err := s.jobs.submit(r.Context(), run, filename, []byte(run.YAML), req.Params)
	switch {
	case errors.Is(err, errQueueFull):
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusTooManyRequests, "queue_full",
			fmt.Sprintf("%d jobs are running or queued, the most this server takes; retry later", s.cfg.Limits.MaxConcurrent+s.cfg.Limits.MaxQueue))
		return
	case errors.Is(err, errClosed):
		writeError(w, http.StatusServiceUnavailable, "shutting_down", err.Error())
		return
	case err != nil:
		s.storeError(w, err)
		return
	}
	snap, _ := j.snapshot()
	w.Header().Set("Location", "/api/jobs/"+j.id)
	writeJSON(w, http.StatusAccepted, jobResponse{snap, jobLinks(j.id)})
}

func (s *Server) listJobs(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.jobs.list())
}

// jobState reads a job live if it is running or queued, else from the store.
func (s *Server) jobState(ctx context.Context, id string) (snapshot, <-chan struct{}, error) {
	if j := s.jobs.get(id); j != nil {
		snap, ch := j.snapshot()
		return snap, ch, nil
	}
	run, err := s.cfg.Store.GetRun(ctx, id)
	if err != nil {
		return snapshot{}, nil, err
	}
	snap := snapshot{ID: run.ID, Kind: run.Kind, Status: run.Status, Error: run.Error}
	if run.Status == store.StatusDone {
		snap.Done, snap.Total = 1, 1
	}
	return snap, nil, nil
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request) {
	snap, _, err := s.jobState(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, jobResponse{snap, jobLinks(snap.ID)})
}

// jobEvents streams the job's progress as server-sent events: "progress"
// events while it is queued or running, then one "end" event with the final
// status, after which the stream closes.
func (s *Server) jobEvents(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	snap, changed, err := s.jobState(r.Context(), id)
	if err != nil {
		s.storeError(w, err)
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "no_streaming", "this connection cannot stream events")
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func(event string, v snapshot) {
		data, _ := json.Marshal(v)
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data)
		flusher.Flush()
	}
	keepalive := time.NewTicker(15 * time.Second)
	defer keepalive.Stop()
	var last snapshot
	first := true
	stopping := s.done
	var deadline <-chan time.Time
	for {
		if store.Final(snap.Status) {
			send("end", snap)
			return
		}
		if first || snap != last {
			send("progress", snap)
			last, first = snap, false
		}
		select {
		case <-changed:
		case <-keepalive.C:
			fmt.Fprint(w, ": keepalive\n\n")
			flusher.Flush()
		case <-r.Context().Done():
			return
		case <-stopping:
			// The server is stopping: the job is being interrupted. Stay
			// a little to send its end, but do not hold up the shutdown.
			stopping = nil
			deadline = time.After(5 * time.Second)
		case <-deadline:
			return
		}
		if snap, changed, err = s.jobState(r.Context(), id); err != nil {
			return
		}
	}
}

func (s *Server) cancelJob(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if s.jobs.cancelJob(id) {
		snap, _, _ := s.jobState(r.Context(), id)
		writeJSON(w, http.StatusAccepted, jobResponse{snap, jobLinks(id)})
		return
	}
	run, err := s.cfg.Store.GetRun(r.Context(), id)
	if err != nil {
		s.storeError(w, err)
		return
	}
	writeError(w, http.StatusConflict, "already_finished", fmt.Sprintf("job %s already ended (%s)", id, run.Status))
}

func (s *Server) jobResult(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	run, err := s.cfg.Store.GetRun(r.Context(), id)
	if err != nil {
		s.storeError(w, err)
		return
	}
	switch run.Status {
	case store.StatusDone:
		w.Header().Set("Content-Type", "application/json")
		w.Write(run.Result)
	case store.StatusQueued, store.StatusRunning:
		writeError(w, http.StatusConflict, "not_finished", fmt.Sprintf("job %s is %s; follow /api/jobs/%s/events", id, run.Status, id))
	default:
		writeError(w, http.StatusConflict, "no_result", fmt.Sprintf("job %s ended %s: %s", id, run.Status, run.Error))
	}
}

func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.RunFilter{ScenarioID: q.Get("scenario_id"), Status: q.Get("status")}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, "bad_request", "limit must be a positive integer")
			return
		}
		f.Limit = n
	}
	runs, err := s.cfg.Store.ListRuns(r.Context(), f)
	if err != nil {
		s.storeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, runs)
}

func (s *Server) getRun(w http.ResponseWriter, r *http.Request) {
	run, err := s.cfg.Store.GetRun(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, run)
}

// compareResponse holds two runs and every number that differs between
// their results, keyed by its path in the result.
type compareResponse struct {
	A    store.Run   `json:"a"`
	B    store.Run   `json:"b"`
	Diff []diffEntry `json:"diff"`
}

func (s *Server) compareRuns(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ida, idb := q.Get("a"), q.Get("b")
	if ida == "" || idb == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "give two runs: /api/runs/compare?a=ID&b=ID")
		return
	}
	a, err := s.cfg.Store.GetRun(r.Context(), ida)
	if err != nil {
		s.storeError(w, err)
		return
	}
	b, err := s.cfg.Store.GetRun(r.Context(), idb)
	if err != nil {
		s.storeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, compareResponse{A: a, B: b, Diff: diffResults(a.Result, b.Result)})
}

func (s *Server) runReport(w http.ResponseWriter, r *http.Request) {
	run, err := s.cfg.Store.GetRun(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, err)
		return
	}
	if run.Status != store.StatusDone {
		writeError(w, http.StatusConflict, "no_result", fmt.Sprintf("run %s is %s; only finished runs have a report", run.ID, run.Status))
		return
	}
	var page []byte
	if rep, ok := s.cfg.Runner.(Reporter); ok {
		page, err = rep.Report(r.Context(), run)
		if err != nil {
			s.log.Error("report", "id", run.ID, "err", err)
			writeError(w, http.StatusInternalServerError, "report_failed", "writing the report failed: "+err.Error())
			return
		}
	} else if page, err = runReportHTML(run); err != nil {
		s.log.Error("report", "id", run.ID, "err", err)
		writeError(w, http.StatusInternalServerError, "report_failed", "writing the report failed: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="truce-%s-%s.html"`, run.Kind, run.ID))
	w.Write(page)
}
