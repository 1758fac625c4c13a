package server_test

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/truce-dev/truce/server/internal/fakerunner"
	"github.com/truce-dev/truce/store"
)

// TestTwoServersOneDatabase runs two servers on one database, restarts one
// of them gracefully and then kills it, while the other runs a job: the
// other's job is never marked interrupted and its result is kept. The
// living server marks the killed one's job interrupted once that server's
// lease has run out, and a job can be canceled through either server.
func TestTwoServersOneDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs server binaries")
	}
	t.Run("sqlite", func(t *testing.T) { twoServers(t, "sqlite:"+filepath.Join(t.TempDir(), "shared.db")) })
	t.Run("postgres", func(t *testing.T) { twoServers(t, testPostgresURL(t)) })
}

func twoServers(t *testing.T, db string) {
	bin := buildFakeServe(t)
	// A lease of 3 s (renewed every second) keeps the test short; the
	// default is 30 s.
	args := []string{"--delay", "20ms", "--lease", "3s"}
	a := startProc(t, bin, db, args...)
	b := startProc(t, bin, db, args...)

	// A's job: 400 steps of 20 ms, about 8 s, across B's restarts.
	long := a.post(t, map[string]any{"kind": "analyze", "yaml": validYAML, "params": map[string]any{"draws": 400, "seed": 5}})
	a.waitFor(t, long.ID, func(s jobResp) bool { return s.Status == store.StatusRunning && s.Done > 2 })

	// B stops gracefully and starts again: it records its own jobs as
	// interrupted, and must leave A's alone.
	b.cmd.Process.Signal(syscall.SIGTERM)
	if err := b.cmd.Wait(); err != nil {
		t.Fatalf("B after SIGTERM: %v", err)
	}
	b = startProc(t, bin, db, args...)
	if r := b.run(t, long.ID); r.Status != store.StatusRunning {
		t.Fatalf("A's job after B restarted: %s %q", r.Status, r.Error)
	}
	// B dies with a job of its own running, and starts again.
	mine := b.post(t, map[string]any{"kind": "simulate", "yaml": validYAML, "params": map[string]any{"runs": 100000}})
	b.waitFor(t, mine.ID, func(s jobResp) bool { return s.Status == store.StatusRunning && s.Done > 2 })
	b.cmd.Process.Signal(syscall.SIGKILL)
	b.cmd.Wait()
	b = startProc(t, bin, db, args...)
	if r := b.run(t, long.ID); r.Status != store.StatusRunning {
		t.Fatalf("A's job after B was killed and restarted: %s %q", r.Status, r.Error)
	}
	// The dead B's job is marked interrupted when its lease runs out (by
	// A or the new B, whichever renews first).
	if r := a.waitStatus(t, mine.ID, store.StatusInterrupted); r.Result != nil || !strings.Contains(r.Error, "stopped") {
		t.Fatalf("the killed server's job: %+v", r)
	}

	// A's job ends with its whole result, seen from both servers.
	end := b.waitFor(t, long.ID, func(s jobResp) bool { return store.Final(s.Status) })
	if end.Status != store.StatusDone {
		t.Fatalf("A's job ended %s: %s", end.Status, end.Error)
	}
	var got, want any
	json.Unmarshal(b.run(t, long.ID).Result, &got)
	wb, _ := json.Marshal(fakerunner.Result(5))
	json.Unmarshal(wb, &want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("A's result as stored: %v", got)
	}

	// A job of A's canceled through B.
	c := a.post(t, map[string]any{"kind": "analyze", "yaml": validYAML, "params": map[string]any{"draws": 100000}})
	a.waitFor(t, c.ID, func(s jobResp) bool { return s.Status == store.StatusRunning })
	req, _ := http.NewRequest("POST", b.base+"/api/jobs/"+c.ID+"/cancel", nil)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("cancel through B: %d", resp.StatusCode)
	}
	if end := b.waitFor(t, c.ID, func(s jobResp) bool { return store.Final(s.Status) }); end.Status != store.StatusCanceled {
		t.Fatalf("job canceled through the other server ended %s: %s", end.Status, end.Error)
	}
}
