// Package server is truce's workbench over HTTP: a JSON API under /api/ for
// scenarios, validation, jobs and stored runs, and the embedded browser UI.
// Jobs run in a bounded queue through a Runner, and every run is kept in a
// store so it survives restarts, crashes included.
package server

import (
	"bytes"
	"context"
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

	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/store"
)

// Limits bound what one request or job may ask for and use.
type Limits struct {
	MaxBody       int64 // bytes in a request body; default 1 MiB
	MaxDraws      int   // parameter draws of analyze/sensitivity; default 100000
	MaxRuns       int   // Monte Carlo paths of simulate; default 1000000
	MaxConcurrent int   // jobs running at once; default GOMAXPROCS
	MaxQueue      int   // jobs waiting beyond those; default 32

	// JobTimeout ends a job that runs longer; default 15 minutes.
	JobTimeout time.Duration
	// MaxResult is the largest result a job may store, in bytes; default
	// 16 MiB. Analyses estimate theirs before they start.
	MaxResult int64
	// JobMemory is the memory budget of one job (internal/budget); default
	// budget.ServerLimit.
	JobMemory int64
	// MaxJobWorkers caps the cores one job may use when the server is
	// idle enough to give it more than its share; default GOMAXPROCS.
	MaxJobWorkers int
	// LeaseTTL is how long a job of this server stays its own without a
	// heartbeat (renewed every third of it); when it runs out, another
	// server on the same database takes the job for dead. Default 30 s.
	LeaseTTL time.Duration
}

// DefaultJobTimeout, DefaultMaxResult and DefaultLeaseTTL are the defaults
// of Limits.JobTimeout, MaxResult and LeaseTTL.
const (
	DefaultJobTimeout       = 15 * time.Minute
	DefaultMaxResult  int64 = 16 << 20
	DefaultLeaseTTL         = 30 * time.Second
)

// Config configures a Server. Store and Runner are required.
type Config struct {
	Store  *store.Store
	Runner Runner
	// Token, when set, must be sent by every /api/ request as
	// "Authorization: Bearer <Token>"; at least MinTokenLength characters.
	Token    string
	Logger   *slog.Logger
	Limits   Limits
	Examples []Example // scenarios the UI offers to load
	Assets   fs.FS     // the browser UI (index.html at its root); nil serves no UI
	// Addr is the address the server listens on (host:port); the Host
	// header of every request must name it (see hostPolicy). Empty means
	// loopback.
	Addr string
	// AllowedHosts are further host names requests may use, e.g. the
	// public name of a reverse proxy in front of the server.
	AllowedHosts []string
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

	hosts       hostPolicy
	crossOrigin *http.CrossOriginProtection
	limiter     *authLimiter
	assets      *assetSet // nil without a UI
}

// New checks cfg, marks runs left queued or running by servers that died
// (their leases ran out) as interrupted, and starts the job workers. Runs
// of other servers alive on the same database are left alone.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Runner == nil {
		return nil, errors.New("server: Store and Runner are required")
	}
	if err := CheckToken(cfg.Token); err != nil {
		return nil, fmt.Errorf("server: %w", err)
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
	if l.MaxJobWorkers <= 0 {
		l.MaxJobWorkers = runtime.GOMAXPROCS(0)
	}
	if l.JobTimeout <= 0 {
		l.JobTimeout = DefaultJobTimeout
	}
	if l.MaxResult <= 0 {
		l.MaxResult = DefaultMaxResult
	}
	if l.JobMemory <= 0 {
		l.JobMemory = budget.ServerLimit
	}
	if l.LeaseTTL <= 0 {
		l.LeaseTTL = DefaultLeaseTTL
	}
	if l.LeaseTTL < time.Second {
		return nil, fmt.Errorf("server: a lease of %s is too short to renew reliably; give 1s or more", l.LeaseTTL)
	}
	n, err := cfg.Store.ReapExpired(ctx, errServerGone)
	if err != nil {
		return nil, fmt.Errorf("server: recovering runs: %w", err)
	}
	if n > 0 {
		cfg.Logger.Warn("marked runs of servers that stopped as interrupted", "count", n)
	}
	owner := cfg.Store.Owner(store.NewID("i_"), l.LeaseTTL)
	s := &Server{
		cfg:   cfg,
		log:   cfg.Logger,
		jobs:  newManager(cfg.Store, owner, cfg.Runner, cfg.Logger, *l),
		mux:   http.NewServeMux(),
		done:  make(chan struct{}),
		kinds: cfg.Runner.Kinds(),

		validating: make(chan struct{}, 2*runtime.GOMAXPROCS(0)),

		hosts:       newHostPolicy(cfg.Addr, cfg.AllowedHosts),
		crossOrigin: newCrossOrigin(),
		limiter:     newAuthLimiter(),
	}
	if cfg.Assets != nil {
		if s.assets, err = newAssetSet(cfg.Assets); err != nil {
			s.jobs.shutdown(ctx)
			return nil, err
		}
	}
	cfg.Logger.Info("server instance", "id", owner.ID())
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
func (s *Server) Handler() http.Handler { return s.logRequests(s.guard(compress(s.mux))) }

func (s *Server) routes() {
	api := func(pattern string, h http.HandlerFunc) { s.mux.Handle(pattern, s.api(h)) }
	api("GET /api/health", s.health)
	api("POST /api/validate", s.validate)
	api("POST /api/whatif", s.whatIf)
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
	api("DELETE /api/runs/{id}", s.deleteRun)
	api("GET /api/runs/{id}/report", s.runReport)
	api("GET /api/forecasts", s.listForecasts)
	api("GET /api/forecasts/scores", s.forecastScoresHandler)
	s.mux.Handle("/api/", s.api(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	if s.assets != nil {
		index := func(w http.ResponseWriter, r *http.Request) {
			// The page's script reads the path (/runs/ID, /compare) and
			// shows the right view, so permanent links work on reload.
			page := s.assets.index
			if page == nil {
				http.NotFound(w, r)
				return
			}
			// The editor adds its styles as a <style> element; a nonce
			// fresh for every page lets exactly those in.
			nonce := newNonce()
			w.Header().Set("Content-Security-Policy", pageCSP(nonce))
			w.Header().Set("Cache-Control", "no-cache")
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(bytes.ReplaceAll(page, []byte("{{nonce}}"), []byte(nonce)))
		}
		s.mux.HandleFunc("GET /{$}", index)
		s.mux.HandleFunc("GET /runs/{id}", index)
		s.mux.HandleFunc("GET /compare", index)
		s.mux.HandleFunc("GET /forecasts", index)
		s.mux.HandleFunc("GET /static/", s.assets.serveStatic)
	}
}

// apiError is the body of every 4xx and 5xx answer from /api/.
type apiError struct {
	Error    string       `json:"error"`
	Code     string       `json:"code"`
	Problems []Diagnostic `json:"problems,omitempty"`
	// RequestID is given with server errors (500): the log has the
	// details under it.
	RequestID string `json:"request_id,omitempty"`
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
		s.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"elapsed", time.Since(start), "request", w.Header().Get("X-Request-Id"))
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

// checkText refuses a name or scenario text the database cannot hold or a
// page should not show: a NUL byte (PostgreSQL refuses it in text), or a
// name with control characters or longer than 200 bytes.
func checkText(w http.ResponseWriter, name, yaml string) bool {
	if i := strings.IndexByte(yaml, 0); i >= 0 {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("the scenario text contains a NUL byte at offset %d; scenario files are text", i))
		return false
	}
	if len(name) > 200 {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("the name is %d bytes long; the limit is 200", len(name)))
		return false
	}
	for _, c := range name {
		if c < 0x20 || c == 0x7f {
			writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("the name contains the control character %U", c))
			return false
		}
	}
	return true
}

// storeError answers a store error: 404 and 409 say what is missing or
// in conflict; anything else is the database's own failure, whose text
// (tables, columns, values) goes to the log only, under the request's id.
func (s *Server) storeError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", err.Error())
	case errors.Is(err, store.ErrConflict):
		writeError(w, http.StatusConflict, "conflict", err.Error())
	default:
		s.internalError(w, r, "store_error", "the database failed", err)
	}
}

// internalError logs err under the request's id and answers 500 with what
// failed and that id, never err's text.
func (s *Server) internalError(w http.ResponseWriter, r *http.Request, code, what string, err error) {
	id := requestID(r.Context())
	s.log.Error(what, "err", err, "request", id, "method", r.Method, "path", r.URL.Path)
	writeJSON(w, http.StatusInternalServerError, apiError{Code: code, RequestID: id,
		Error: what + "; the server log has the details under request id " + id})
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"status": "ok", "store": s.cfg.Store.Backend(), "kinds": s.kinds,
		"limits": map[string]any{
			"max_body": s.cfg.Limits.MaxBody, "max_draws": s.cfg.Limits.MaxDraws, "max_runs": s.cfg.Limits.MaxRuns,
			"max_concurrent": s.cfg.Limits.MaxConcurrent, "max_queue": s.cfg.Limits.MaxQueue,
			"max_job_workers": s.cfg.Limits.MaxJobWorkers, "max_result": s.cfg.Limits.MaxResult,
			"job_timeout_seconds": s.cfg.Limits.JobTimeout.Seconds(),
		},
	})
}

type validateResponse struct {
	Valid    bool         `json:"valid"`
	Problems []Diagnostic `json:"problems"`
	// Outline is given with ?outline=1 when the scenario is valid.
	Outline *Outline `json:"outline,omitempty"`
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
	if ic, ok := s.cfg.Runner.(InputChecker); ok {
		if d := ic.CheckInput(name, body); d != nil {
			writeJSON(w, http.StatusUnprocessableEntity, apiError{Error: "the text is beyond what the scenario reader takes: " + d.Message,
				Code: "unreadable_input", Problems: []Diagnostic{*d}})
			return
		}
	}
	var outline *Outline
	diags, ok := s.withValidationSlot(r.Context(), func() []Diagnostic {
		if o, can := s.cfg.Runner.(Outliner); can && r.URL.Query().Get("outline") == "1" {
			d, out := o.ValidateOutline(name, body)
			outline = out
			return d
		}
		return s.cfg.Runner.Validate(name, body)
	})
	if !ok {
		return // the client left while waiting
	}
	writeJSON(w, http.StatusOK, validateResponse{Valid: !hasErrors(diags), Problems: diags, Outline: outline})
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
	return s.withValidationSlot(ctx, func() []Diagnostic { return s.cfg.Runner.Validate(name, yaml) })
}

// withValidationSlot runs validate within the concurrency bound; it
// reports false when ctx ended while waiting for a slot.
func (s *Server) withValidationSlot(ctx context.Context, validate func() []Diagnostic) ([]Diagnostic, bool) {
	select {
	case s.validating <- struct{}{}:
	case <-ctx.Done():
		return nil, false
	}
	defer func() { <-s.validating }()
	d := validate()
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
	if !checkText(w, req.Name, req.YAML) {
		return
	}
	sc, err := s.cfg.Store.CreateScenario(r.Context(), req.Name, req.YAML)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/scenarios/"+sc.ID)
	writeJSON(w, http.StatusCreated, scenarioResponse{sc, s.problems(r.Context(), req.Name+".yaml", req.YAML)})
}

func (s *Server) listScenarios(w http.ResponseWriter, r *http.Request) {
	list, err := s.cfg.Store.ListScenarios(r.Context())
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) getScenario(w http.ResponseWriter, r *http.Request) {
	sc, err := s.cfg.Store.GetScenario(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sc)
}

func (s *Server) updateScenario(w http.ResponseWriter, r *http.Request) {
	var req scenarioRequest
	if !s.decodeJSON(w, r, &req) || !checkText(w, req.Name, req.YAML) {
		return
	}
	sc, err := s.cfg.Store.UpdateScenario(r.Context(), r.PathValue("id"), req.Name, req.YAML, req.BaseVersion)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, scenarioResponse{sc, s.problems(r.Context(), sc.Name+".yaml", req.YAML)})
}

func (s *Server) deleteScenario(w http.ResponseWriter, r *http.Request) {
	if err := s.cfg.Store.DeleteScenario(r.Context(), r.PathValue("id")); err != nil {
		s.storeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listVersions(w http.ResponseWriter, r *http.Request) {
	vs, err := s.cfg.Store.ScenarioVersions(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, r, err)
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
		s.storeError(w, r, err)
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
	// The server decides the cores a job uses when it starts (workersFor);
	// a client cannot ask for more.
	p.Workers = 0
	return nil
}

// resolveBridge fills in the stored scenario a gmcr job bridges to
// (params.bridge_scenario, by id and optional version). The bridge is
// always a scenario in the store, never a path: the conflict file's own
// bridge: scenario path is not opened by the server.
func (s *Server) resolveBridge(w http.ResponseWriter, r *http.Request, kind string, p *Params) bool {
	p.bridgeName, p.bridgeYAML = "", ""
	if p.BridgeScenario == "" {
		if p.BridgeVersion != 0 {
			writeError(w, http.StatusBadRequest, "bad_request", "bridge_version without bridge_scenario")
			return false
		}
		return true
	}
	if kind != "gmcr" {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("bridge_scenario is for gmcr jobs, not %s", kind))
		return false
	}
	if !ValidID(p.BridgeScenario) {
		badID(w, "bridge_scenario", p.BridgeScenario)
		return false
	}
	if p.BridgeVersion < 0 {
		writeError(w, http.StatusBadRequest, "bad_request", "bridge_version must be positive")
		return false
	}
	if p.BridgeVersion > 0 {
		v, err := s.cfg.Store.GetScenarioVersion(r.Context(), p.BridgeScenario, p.BridgeVersion)
		if err != nil {
			s.storeError(w, r, err)
			return false
		}
		p.bridgeName, p.bridgeYAML = v.Name, v.YAML
		return true
	}
	sc, err := s.cfg.Store.GetScenario(r.Context(), p.BridgeScenario)
	if err != nil {
		s.storeError(w, r, err)
		return false
	}
	p.BridgeVersion, p.bridgeName, p.bridgeYAML = sc.Version, sc.Name, sc.YAML
	return true
}

func (s *Server) startJob(w http.ResponseWriter, r *http.Request) {
	// A request without a seed gets every command's default, 1, and the
	// run records it (a seed of 0 too), so its link shows the seed it ran
	// with and "run again" repeats it. It used to run with 0 while the page
	// said "default (1)".
	req := jobRequest{Params: Params{Seed: scenario.DefaultSeed}}
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if !slices.Contains(s.kinds, req.Kind) {
		writeError(w, http.StatusBadRequest, "bad_kind", fmt.Sprintf("kind %q is not one of %s", req.Kind, strings.Join(s.kinds, ", ")))
		return
	}
	if !checkText(w, req.Name, req.YAML) {
		return
	}
	if req.ScenarioID != "" && !ValidID(req.ScenarioID) {
		badID(w, "scenario_id", req.ScenarioID)
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
				s.storeError(w, r, err)
				return
			}
			run.YAML, run.ScenarioVersion, run.ScenarioName = v.YAML, v.Version, v.Name
		} else {
			sc, err := s.cfg.Store.GetScenario(r.Context(), req.ScenarioID)
			if err != nil {
				s.storeError(w, r, err)
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
	if !s.resolveBridge(w, r, req.Kind, &req.Params) {
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
	if kc, ok := s.cfg.Runner.(KindChecker); ok {
		if err := kc.CheckKind(req.Kind, []byte(run.YAML)); err != nil {
			writeError(w, http.StatusUnprocessableEntity, "wrong_kind", err.Error())
			return
		}
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
		s.storeError(w, r, err)
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
		s.storeError(w, r, err)
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
		s.storeError(w, r, err)
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
	// A job of another server sharing the database has no live state
	// here: read the store once a second instead.
	poll := time.NewTicker(time.Second)
	defer poll.Stop()
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
		var polled <-chan time.Time
		if changed == nil {
			polled = poll.C
		}
		select {
		case <-changed:
		case <-polled:
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
	if !s.jobs.cancelJob(id) {
		// Not ours: it may run on another server sharing the database,
		// which sees the request at its next heartbeat.
		err := s.cfg.Store.RequestCancel(r.Context(), id)
		if errors.Is(err, store.ErrConflict) {
			run, gerr := s.cfg.Store.GetRun(r.Context(), id)
			if gerr != nil {
				s.storeError(w, r, gerr)
				return
			}
			writeError(w, http.StatusConflict, "already_finished", fmt.Sprintf("job %s already ended (%s)", id, run.Status))
			return
		}
		if err != nil {
			s.storeError(w, r, err)
			return
		}
	}
	snap, _, err := s.jobState(r.Context(), id)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, jobResponse{snap, jobLinks(id)})
}

func (s *Server) jobResult(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	run, err := s.cfg.Store.GetRun(r.Context(), id)
	if err != nil {
		s.storeError(w, r, err)
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
	f := store.RunFilter{ScenarioID: q.Get("scenario_id"), Status: q.Get("status"), Kind: q.Get("kind"), Query: q.Get("q")}
	if f.ScenarioID != "" && !ValidID(f.ScenarioID) {
		badID(w, "scenario_id", f.ScenarioID)
		return
	}
	if len(f.Query) > 200 {
		writeError(w, http.StatusBadRequest, "bad_request", "q is longer than 200 bytes")
		return
	}
	for _, d := range []struct {
		name string
		t    *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		v := q.Get(d.name)
		if v == "" {
			continue
		}
		t, err := parseDay(v)
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", d.name+": "+err.Error())
			return
		}
		if d.name == "until" && len(v) == len("2006-01-02") {
			t = t.AddDate(0, 0, 1) // a day: up to its end
		}
		*d.t = t
	}
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
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, runs)
}

// parseDay reads a date (2026-11-27, a whole day in UTC) or an RFC 3339
// time.
func parseDay(v string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (2026-11-27) or an RFC 3339 time", truncate(v, 40))
	}
	return t, nil
}

func (s *Server) getRun(w http.ResponseWriter, r *http.Request) {
	run, err := s.cfg.Store.GetRun(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, run)
}

// deleteRun removes a finished run and its result; a live one must be
// canceled first (409).
func (s *Server) deleteRun(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.cfg.Store.DeleteRun(r.Context(), id); err != nil {
		if errors.Is(err, store.ErrConflict) {
			writeError(w, http.StatusConflict, "not_finished", fmt.Sprintf("run %s is still queued or running; cancel it first (POST /api/jobs/%s/cancel)", id, id))
			return
		}
		s.storeError(w, r, err)
		return
	}
	s.log.Info("run deleted", "id", id, "request", requestID(r.Context()))
	w.WriteHeader(http.StatusNoContent)
}

// compareResponse holds two runs and what differs between them, most
// telling first: verdicts that flipped, the largest changes in endings and
// values, what changed in the scenario and the run's settings, then every
// number that differs, keyed by its path in the result, in natural order.
type compareResponse struct {
	A     store.Run     `json:"a"`
	B     store.Run     `json:"b"`
	Flips []verdictFlip `json:"verdict_flips"`
	// Equilibria lists, for two gmcr runs, the states that became or
	// stopped being equilibria under each concept.
	Equilibria []equilibriumChange `json:"equilibrium_changes,omitempty"`
	Largest    []diffEntry         `json:"largest_changes"`
	Scenario   scenarioDiff        `json:"scenario"`
	Settings   []scenarioChange    `json:"settings"`
	Diff       []diffEntry         `json:"diff"`
	// DiffCut counts the entries of Diff left out beyond maxDiffEntries.
	DiffCut int `json:"diff_cut,omitempty"`
}

// maxDiffEntries bounds the list of every differing number.
const maxDiffEntries = 5000

// settingsChanges compares two runs' kinds and parameters (draws, seed,
// profiles, …).
func settingsChanges(a, b store.Run) []scenarioChange {
	out := []scenarioChange{}
	if a.Kind != b.Kind {
		out = append(out, scenarioChange{Section: "kind", Change: "changed", A: a.Kind, B: b.Kind})
	}
	var pa, pb map[string]any
	json.Unmarshal(a.Params, &pa)
	json.Unmarshal(b.Params, &pb)
	keys := map[string]bool{}
	for k := range pa {
		keys[k] = true
	}
	for k := range pb {
		keys[k] = true
	}
	for _, k := range sortedKeys(keys) {
		if k == "workers" { // results do not depend on it
			continue
		}
		x, _ := json.Marshal(pa[k])
		y, _ := json.Marshal(pb[k])
		if string(x) != string(y) {
			c := scenarioChange{Section: "params", Item: k, Change: "changed", A: string(x), B: string(y)}
			if k == "record" { // a whole file: say how it differs, not what it holds
				ra, _ := pa[k].(string)
				rb, _ := pb[k].(string)
				c.A, c.B = recordSummary(ra, rb)
			}
			if pa[k] == nil {
				c.Change, c.A = "added", ""
			} else if pb[k] == nil {
				c.Change, c.B = "removed", ""
			}
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) compareRuns(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ida, idb := q.Get("a"), q.Get("b")
	if ida == "" || idb == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "give two runs: /api/runs/compare?a=ID&b=ID")
		return
	}
	for _, id := range []string{ida, idb} {
		if !ValidID(id) {
			badID(w, "run id", id)
			return
		}
	}
	a, err := s.cfg.Store.GetRun(r.Context(), ida)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	b, err := s.cfg.Store.GetRun(r.Context(), idb)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	diff := diffResults(a.Result, b.Result)
	resp := compareResponse{A: a, B: b, Flips: verdictFlips(a.Result, b.Result), Equilibria: equilibriumChanges(a.Result, b.Result), Largest: largestChanges(diff, 15),
		Scenario: diffScenarios(a.YAML, b.YAML), Settings: settingsChanges(a, b), Diff: diff}
	if len(diff) > maxDiffEntries {
		resp.Diff, resp.DiffCut = diff[:maxDiffEntries], len(diff)-maxDiffEntries
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) runReport(w http.ResponseWriter, r *http.Request) {
	run, err := s.cfg.Store.GetRun(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if run.Status != store.StatusDone {
		writeError(w, http.StatusConflict, "no_result", fmt.Sprintf("run %s is %s; only finished runs have a report", run.ID, run.Status))
		return
	}
	var page []byte
	if rep, ok := s.cfg.Runner.(Reporter); ok {
		page, err = rep.Report(r.Context(), run)
	} else {
		page, err = runReportHTML(run)
	}
	if err != nil {
		s.internalError(w, r, "report_failed", "writing the report of run "+run.ID+" failed", err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="truce-%s-%s.html"`, run.Kind, run.ID))
	w.Write(page)
}

// truncate shortens s to n bytes for a message, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
