package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/store"
)

// Causes of a job's context being canceled; they decide its final status.
var (
	errCanceledByUser = errors.New("canceled by request")
	errShutdown       = errors.New("server shut down while the job was running")
)

// timeLimitError is the cause of a job's context ending at the server's
// per-job time limit.
type timeLimitError struct{ limit time.Duration }

func (e *timeLimitError) Error() string {
	return fmt.Sprintf("stopped at this server's time limit of %s per job (truce serve --job-timeout)", e.limit)
}

// errQueueFull and errClosed are returned by submit; handlers turn them into
// 429 and 503.
var (
	errQueueFull = errors.New("job queue full")
	errClosed    = errors.New("server is shutting down")
)

// job is the live state of one run while it is queued or running. Finished
// jobs leave the manager; their state is then read from the store.
type job struct {
	id, kind string
	filename string
	yaml     []byte
	params   Params
	ctx      context.Context
	cancel   context.CancelCauseFunc

	mu         sync.Mutex
	status     string
	done       int
	total      int
	errMsg     string
	finishing  bool
	changed    chan struct{} // closed and replaced on every change
	lastNotify time.Time
}

// snapshot is what SSE and GET /api/jobs/{id} report.
type snapshot struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
	Done   int    `json:"done"`
	Total  int    `json:"total"`
	Error  string `json:"error,omitempty"`
}

func (j *job) snapshot() (snapshot, <-chan struct{}) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return snapshot{ID: j.id, Kind: j.kind, Status: j.status, Done: j.done, Total: j.total, Error: j.errMsg}, j.changed
}

// notifyLocked wakes every watcher; j.mu must be held.
func (j *job) notifyLocked() {
	close(j.changed)
	j.changed = make(chan struct{})
	j.lastNotify = time.Now()
}

func (j *job) progress(done, total int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.done, j.total = done, total
	// Progress callbacks can come thousands of times a second; watchers
	// only need a few updates a second and always get the last one.
	if done >= total || time.Since(j.lastNotify) >= 50*time.Millisecond {
		j.notifyLocked()
	}
}

// manager runs jobs: at most maxConcurrent at a time, at most maxQueue
// waiting; beyond that submit refuses with errQueueFull.
type manager struct {
	store  *store.Store
	owner  *store.Owner // this server instance's claim on its runs
	runner Runner
	log    *slog.Logger
	limits Limits
	// maxConcurrent and maxQueue are limits.MaxConcurrent and MaxQueue.
	maxConcurrent int
	maxQueue      int

	mu     sync.Mutex
	jobs   map[string]*job
	active int // queued + running
	// running and coresInUse count the jobs running and the cores given
	// to them (workersFor).
	running, coresInUse int
	closed              bool

	queue chan *job
	stop  chan struct{}
	wg    sync.WaitGroup
}

func newManager(st *store.Store, owner *store.Owner, r Runner, log *slog.Logger, l Limits) *manager {
	m := &manager{
		store: st, owner: owner, runner: r, log: log, limits: l,
		maxConcurrent: l.MaxConcurrent, maxQueue: l.MaxQueue,
		jobs:  map[string]*job{},
		queue: make(chan *job, l.MaxConcurrent+l.MaxQueue),
		stop:  make(chan struct{}),
	}
	for i := 0; i < l.MaxConcurrent; i++ {
		m.wg.Add(1)
		go m.worker()
	}
	m.wg.Add(1)
	go m.heartbeat()
	return m
}

// heartbeat renews the leases of this instance's runs, so that other
// servers on the same database leave them alone; takes cancel requests
// made through other servers; and reaps the runs of servers that died
// (their leases ran out), here as at start.
func (m *manager) heartbeat() {
	defer m.wg.Done()
	every := m.limits.LeaseTTL / 3
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), every)
		ids, err := m.owner.Heartbeat(ctx)
		if err != nil {
			m.log.Warn("renewing job leases", "err", err)
		}
		for _, id := range ids {
			m.cancelJob(id)
		}
		if n, err := m.store.ReapExpired(ctx, errServerGone); err != nil {
			m.log.Warn("reaping runs of stopped servers", "err", err)
		} else if n > 0 {
			m.log.Warn("marked runs of a server that stopped renewing its lease as interrupted", "count", n)
		}
		cancel()
	}
}

// errServerGone is the error of runs whose server stopped (crashed, was
// killed or lost the database) before they finished.
const errServerGone = "the server running the job stopped before it finished"

// submit stores a new queued run and hands it to the workers.
func (m *manager) submit(ctx context.Context, run store.Run, filename string, yaml []byte, p Params) (*job, error) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil, errClosed
	}
	if m.active >= m.maxConcurrent+m.maxQueue {
		m.mu.Unlock()
		return nil, errQueueFull
	}
	m.active++
	m.mu.Unlock()

	run, err := m.owner.CreateRun(ctx, run)
	if err != nil {
		m.mu.Lock()
		m.active--
		m.mu.Unlock()
		return nil, err
	}
	// Each job has its own memory budget (internal/budget) and, when it
	// starts, its own time limit (execute).
	jctx, cancel := context.WithCancelCause(budget.WithLimit(context.Background(), m.limits.JobMemory))
	j := &job{id: run.ID, kind: run.Kind, filename: filename, yaml: yaml, params: p, ctx: jctx, cancel: cancel,
		status: store.StatusQueued, changed: make(chan struct{})}
	m.mu.Lock()
	m.jobs[j.id] = j
	closed := m.closed
	m.mu.Unlock()
	if closed {
		// Shutdown began while the run was being stored.
		m.finish(j, store.StatusInterrupted, nil, errShutdown.Error())
		return j, nil
	}
	m.queue <- j // never blocks: the channel holds maxConcurrent+maxQueue
	m.log.Info("job queued", "id", j.id, "kind", j.kind)
	return j, nil
}

func (m *manager) get(id string) *job {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.jobs[id]
}

func (m *manager) list() []snapshot {
	m.mu.Lock()
	jobs := make([]*job, 0, len(m.jobs))
	for _, j := range m.jobs {
		jobs = append(jobs, j)
	}
	m.mu.Unlock()
	out := make([]snapshot, 0, len(jobs))
	for _, j := range jobs {
		s, _ := j.snapshot()
		out = append(out, s)
	}
	return out
}

func (m *manager) worker() {
	defer m.wg.Done()
	for {
		select {
		case <-m.stop:
			return
		case j := <-m.queue:
			m.execute(j)
		}
	}
}

func (m *manager) execute(j *job) {
	j.mu.Lock()
	if j.status != store.StatusQueued || j.finishing || j.ctx.Err() != nil {
		j.mu.Unlock()
		return // canceled while queued; whoever canceled it finished it
	}
	j.status = store.StatusRunning
	j.notifyLocked()
	j.mu.Unlock()
	if err := m.owner.StartRun(context.Background(), j.id); err != nil {
		m.log.Error("starting run", "id", j.id, "err", err)
		m.finish(j, store.StatusFailed, nil, "the job could not be started: the database failed (see the server log)")
		return
	}
	workers := m.workersFor()
	defer m.releaseCores(workers)
	j.params.Workers = workers
	m.log.Info("job started", "id", j.id, "kind", j.kind, "workers", workers)
	start := time.Now()
	rctx, stopTimer := context.WithTimeoutCause(j.ctx, m.limits.JobTimeout, &timeLimitError{m.limits.JobTimeout})
	result, err := m.safeRun(rctx, j)
	var tl *timeLimitError
	switch {
	case j.ctx.Err() != nil:
		cause := context.Cause(j.ctx)
		status := store.StatusCanceled
		if errors.Is(cause, errShutdown) {
			status = store.StatusInterrupted
		}
		m.finish(j, status, nil, cause.Error())
	case rctx.Err() != nil && errors.As(context.Cause(rctx), &tl):
		m.finish(j, store.StatusFailed, nil, tl.Error())
	case err != nil:
		m.finish(j, store.StatusFailed, nil, err.Error())
	case int64(len(result)) > m.limits.MaxResult:
		m.finish(j, store.StatusFailed, nil, fmt.Sprintf("the result is %s, over this server's limit of %s per job (truce serve --max-result); ask for fewer profiles, a shorter horizon or fewer parameters",
			budget.Format(int64(len(result))), budget.Format(m.limits.MaxResult)))
	default:
		m.finish(j, store.StatusDone, result, "")
	}
	stopTimer()
	m.log.Info("job ended", "id", j.id, "kind", j.kind, "elapsed", time.Since(start).Round(time.Millisecond))
}

// workersFor decides how many cores a job starting now may use. While
// other jobs wait, each gets its share of the cores (so the queue moves);
// while none waits, a job gets the cores no running job uses, up to
// Limits.MaxJobWorkers, so one analysis on an idle server uses them all.
// Results do not depend on the number of workers.
func (m *manager) workersFor() int {
	cores := runtime.GOMAXPROCS(0)
	m.mu.Lock()
	defer m.mu.Unlock()
	waiting := m.active - m.running - 1 // this job is still counted as queued
	var w int
	if waiting > 0 {
		w = cores / m.maxConcurrent
	} else {
		w = cores - m.coresInUse
	}
	w = min(max(w, 1), m.limits.MaxJobWorkers)
	m.running++
	m.coresInUse += w
	return w
}

func (m *manager) releaseCores(w int) {
	m.mu.Lock()
	m.running--
	m.coresInUse -= w
	m.mu.Unlock()
}

// safeRun turns a panic in the runner into a failed job instead of a dead
// server: one bad scenario must not lose every other job.
func (m *manager) safeRun(ctx context.Context, j *job) (res json.RawMessage, err error) {
	defer func() {
		if r := recover(); r != nil {
			m.log.Error("runner panicked", "id", j.id, "panic", r)
			err = fmt.Errorf("internal error while running the job: %v", r)
		}
	}()
	return m.runner.Run(withResultLimit(ctx, m.limits.MaxResult), j.kind, j.filename, j.yaml, j.params, j.progress)
}

// finish records j's final status once; later calls do nothing. The store
// is written before watchers are told, so a client that hears "done" and
// then fetches the run finds the result.
func (m *manager) finish(j *job, status string, result json.RawMessage, errMsg string) {
	j.mu.Lock()
	if j.finishing {
		j.mu.Unlock()
		return
	}
	j.finishing = true
	j.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m.owner.FinishRun(ctx, j.id, status, result, errMsg); err != nil {
		m.log.Error("recording end of run", "id", j.id, "status", status, "err", err)
		if !errors.Is(err, store.ErrConflict) {
			// The database's own words stay in the log: they can name
			// tables, columns and values.
			status, errMsg = store.StatusFailed, "the result could not be stored: the database failed (see the server log)"
		}
	}
	j.cancel(nil) // release the context's resources
	j.mu.Lock()
	j.status, j.errMsg = status, errMsg
	j.notifyLocked()
	j.mu.Unlock()
	m.mu.Lock()
	delete(m.jobs, j.id)
	m.active--
	m.mu.Unlock()
}

// cancel stops job id: a queued job ends at once, a running one as soon as
// its runner notices. It reports false when the job is not live.
func (m *manager) cancelJob(id string) bool {
	j := m.get(id)
	if j == nil {
		return false
	}
	j.mu.Lock()
	queued := j.status == store.StatusQueued
	j.mu.Unlock()
	j.cancel(errCanceledByUser)
	if queued {
		m.finish(j, store.StatusCanceled, nil, errCanceledByUser.Error())
	}
	return true
}

// shutdown refuses new jobs, interrupts every live one and waits (until ctx
// ends) for the workers to record it. Anything still unrecorded is then
// marked interrupted in the store directly.
func (m *manager) shutdown(ctx context.Context) error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	live := make([]*job, 0, len(m.jobs))
	for _, j := range m.jobs {
		live = append(live, j)
	}
	m.mu.Unlock()
	for _, j := range live {
		j.mu.Lock()
		queued := j.status == store.StatusQueued
		j.mu.Unlock()
		j.cancel(errShutdown)
		if queued {
			m.finish(j, store.StatusInterrupted, nil, errShutdown.Error())
		}
	}
	// Wait for running jobs to be recorded before stopping the workers.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		m.mu.Lock()
		n := len(m.jobs)
		ids := make([]string, 0, n)
		for id := range m.jobs {
			ids = append(ids, id)
		}
		m.mu.Unlock()
		if n == 0 {
			break
		}
		select {
		case <-tick.C:
			continue
		case <-ctx.Done():
			// A runner ignored its context; record the runs anyway.
			mctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_, err := m.owner.MarkInterrupted(mctx, errShutdown.Error(), ids...)
			cancel()
			close(m.stop)
			if err != nil {
				return err
			}
			return fmt.Errorf("server: %d jobs still running at shutdown deadline: %w", n, ctx.Err())
		}
	}
	close(m.stop)
	m.wg.Wait()
	return nil
}
