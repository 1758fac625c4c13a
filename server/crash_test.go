package server_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to make a test schema

	"github.com/truce-dev/truce/server"
	"github.com/truce-dev/truce/server/internal/fakerunner"
	"github.com/truce-dev/truce/store"
)

// proc is a server running in its own process.
type proc struct {
	cmd  *exec.Cmd
	base string
}

// fakeServeBin is built once per test binary run.
var fakeServeBin struct {
	sync.Once
	path string
	out  []byte
	err  error
}

func buildFakeServe(t *testing.T) string {
	t.Helper()
	fakeServeBin.Do(func() {
		dir, err := os.MkdirTemp("", "truce-fakeserve")
		if err != nil {
			fakeServeBin.err = err
			return
		}
		fakeServeBin.path = filepath.Join(dir, "fakeserve")
		fakeServeBin.out, fakeServeBin.err = exec.Command("go", "build", "-o", fakeServeBin.path, "./internal/fakeserve").CombinedOutput()
	})
	if fakeServeBin.err != nil {
		t.Fatalf("building fakeserve: %v\n%s", fakeServeBin.err, fakeServeBin.out)
	}
	return fakeServeBin.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopChromium()
	if fakeServeBin.path != "" {
		os.RemoveAll(filepath.Dir(fakeServeBin.path))
	}
	os.Exit(code)
}

func startProc(t *testing.T, bin, db string, args ...string) *proc {
	t.Helper()
	return startCmd(t, exec.Command(bin, append([]string{"--addr", "127.0.0.1:0", "--db", db}, args...)...),
		func(l string) (string, bool) { return strings.CutPrefix(l, "listening ") })
}

// startCmd starts a server and waits for the line that gives its address.
func startCmd(t *testing.T, cmd *exec.Cmd, addrOf func(line string) (string, bool)) *proc {
	t.Helper()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
	}()
	select {
	case l := <-lines:
		addr, ok := addrOf(l)
		if !ok {
			t.Fatalf("unexpected first line %q", l)
		}
		return &proc{cmd: cmd, base: "http://" + addr}
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start")
	}
	return nil
}

func (p *proc) post(t *testing.T, body any) jobResp {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(p.base+"/api/jobs", "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var j jobResp
	json.NewDecoder(resp.Body).Decode(&j)
	if resp.StatusCode != 202 {
		t.Fatalf("start job: %d", resp.StatusCode)
	}
	return j
}

func (p *proc) run(t *testing.T, id string) store.Run {
	t.Helper()
	resp, err := http.Get(p.base + "/api/runs/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r store.Run
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

// waitStatus polls the run until it has status want (within 60 s).
func (p *proc) waitStatus(t *testing.T, id, want string) store.Run {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := p.run(t, id)
		if r.Status == want {
			return r
		}
		if store.Final(r.Status) || time.Now().After(deadline) {
			t.Fatalf("run %s is %s (%s), want %s", id, r.Status, r.Error, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitFor reads the job's events until pred holds for one of them.
func (p *proc) waitFor(t *testing.T, id string, pred func(jobResp) bool) jobResp {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", p.base+"/api/jobs/"+id+"/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var j jobResp
		json.Unmarshal([]byte(data), &j)
		if pred(j) {
			return j
		}
	}
	t.Fatalf("event stream of %s ended without the awaited state", id)
	return jobResp{}
}

// TestCrashRecovery kills the server with SIGKILL in the middle of a job,
// restarts it on the same database and checks that every completed run is
// intact and the one it was running is marked interrupted.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a server binary")
	}
	t.Run("sqlite", func(t *testing.T) { crashRecovery(t, "sqlite:"+filepath.Join(t.TempDir(), "crash.db")) })
	t.Run("postgres", func(t *testing.T) { crashRecovery(t, testPostgresURL(t)) })
}

// testPostgresURL gives the test a fresh schema in the database named by
// TRUCE_TEST_POSTGRES (skipped without it, failed without it under CI=true).
func testPostgresURL(t *testing.T) string {
	t.Helper()
	base := os.Getenv("TRUCE_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TRUCE_TEST_POSTGRES is not set but CI=true: .ci/run must start PostgreSQL")
		}
		t.Skip("TRUCE_TEST_POSTGRES not set")
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	schema := strings.ToLower(store.NewID("crash_"))
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("creating schema: %v", err)
	}
	t.Cleanup(func() {
		if db, err := sql.Open("pgx", base); err == nil {
			db.Exec("DROP SCHEMA " + schema + " CASCADE")
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func crashRecovery(t *testing.T, db string) {
	bin := buildFakeServe(t)
	p := startProc(t, bin, db, "--delay", "20ms", "--lease", "2s")

	var completed []string
	for seed := 1; seed <= 3; seed++ {
		j := p.post(t, map[string]any{"kind": "analyze", "yaml": validYAML, "params": map[string]any{"draws": 5, "seed": seed}})
		p.waitFor(t, j.ID, func(s jobResp) bool { return s.Status == store.StatusDone })
		completed = append(completed, j.ID)
	}
	// A long job, killed once it has made progress.
	long := p.post(t, map[string]any{"kind": "simulate", "yaml": validYAML, "params": map[string]any{"runs": 100000}})
	p.waitFor(t, long.ID, func(s jobResp) bool { return s.Status == store.StatusRunning && s.Done > 3 })
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait()

	p2 := startProc(t, bin, db, "--delay", "20ms", "--lease", "2s")
	for i, id := range completed {
		r := p2.run(t, id)
		if r.Status != store.StatusDone {
			t.Fatalf("completed run %s is %s after the crash", id, r.Status)
		}
		var got, want any
		json.Unmarshal(r.Result, &got)
		wb, _ := json.Marshal(fakerunner.Result(uint64(i + 1)))
		json.Unmarshal(wb, &want)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("result of %s changed by the crash:\n%s", id, r.Result)
		}
	}
	// The killed server's lease runs out 2 s after its last heartbeat;
	// then the new one marks its job interrupted.
	r := p2.waitStatus(t, long.ID, store.StatusInterrupted)
	if r.Error == "" || r.Result != nil {
		t.Fatalf("killed job after restart: %+v", r)
	}
	// The restarted server works.
	j := p2.post(t, map[string]any{"kind": "analyze", "yaml": validYAML, "params": map[string]any{"draws": 2}})
	p2.waitFor(t, j.ID, func(s jobResp) bool { return s.Status == store.StatusDone })
}

// TestGracefulShutdown sends SIGTERM during a job: the process exits 0 and
// the job is recorded as interrupted.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a server binary")
	}
	bin := buildFakeServe(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "term.db")
	p := startProc(t, bin, db, "--delay", "20ms")
	long := p.post(t, map[string]any{"kind": "analyze", "yaml": validYAML, "params": map[string]any{"draws": 100000}})
	// Hold an event stream open across the shutdown: it must end with
	// the interrupted status rather than keep the server alive.
	ended := make(chan jobResp, 1)
	go func() {
		resp, err := http.Get(p.base + "/api/jobs/" + long.ID + "/events")
		if err != nil {
			ended <- jobResp{}
			return
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var last jobResp
		for _, l := range strings.Split(string(data), "\n") {
			if d, ok := strings.CutPrefix(l, "data: "); ok {
				json.Unmarshal([]byte(d), &last)
			}
		}
		ended <- last
	}()
	p.waitFor(t, long.ID, func(s jobResp) bool { return s.Done > 2 })
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("server exit after SIGTERM: %v", err)
	}
	select {
	case last := <-ended:
		if last.Status != store.StatusInterrupted {
			t.Fatalf("event stream ended with %+v", last)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("event stream did not end at shutdown")
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, err := st.GetRun(context.Background(), long.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != store.StatusInterrupted || !strings.Contains(r.Error, "shut down") {
		t.Fatalf("run after graceful shutdown: %+v", r)
	}
}

func TestRefuseNonLoopbackWithoutToken(t *testing.T) {
	bin := buildFakeServe(t)
	out, err := exec.Command(bin, "--addr", "0.0.0.0:0", "--db", "sqlite:"+filepath.Join(t.TempDir(), "x.db")).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "--token") {
		t.Fatalf("non-loopback without token: err %v, output %s", err, out)
	}
}

// TestCrashRecoveryTruceServe does the same with the real `truce serve`
// and the scenario engine: two finished analyses of the bundled example, a
// large analysis of the US–Iran scenario killed mid-job.
func TestCrashRecoveryTruceServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs truce")
	}
	bin := filepath.Join(t.TempDir(), "truce")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/truce").CombinedOutput(); err != nil {
		t.Fatalf("building truce: %v\n%s", err, out)
	}
	db := "sqlite:" + filepath.Join(t.TempDir(), "crash.db")
	serve := func() *proc {
		return startCmd(t, exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db, "--max-jobs", "1", "--lease", "2s"), func(l string) (string, bool) {
			rest, ok := strings.CutPrefix(l, "truce workbench on http://")
			addr, _, _ := strings.Cut(rest, "/")
			return addr, ok
		})
	}
	p := serve()
	ex := standoffExample(t)
	var completed []string
	results := map[string]string{}
	for seed := 1; seed <= 2; seed++ {
		j := p.post(t, map[string]any{"kind": "analyze", "yaml": ex.YAML, "params": map[string]any{"draws": 50, "seed": seed}})
		p.waitFor(t, j.ID, func(s jobResp) bool { return s.Status == store.StatusDone })
		completed = append(completed, j.ID)
		results[j.ID] = string(p.run(t, j.ID).Result)
	}
	iran := server.BuiltinExamples()[0]
	long := p.post(t, map[string]any{"kind": "analyze", "yaml": iran.YAML, "params": map[string]any{"draws": 100000, "profiles": []string{"baseline"}}})
	p.waitFor(t, long.ID, func(s jobResp) bool { return s.Status == store.StatusRunning && s.Done > 0 })
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait()

	p2 := serve()
	for _, id := range completed {
		r := p2.run(t, id)
		if r.Status != store.StatusDone || string(r.Result) != results[id] {
			t.Fatalf("completed run %s changed by the crash: %s", id, r.Status)
		}
	}
	if r := p2.waitStatus(t, long.ID, store.StatusInterrupted); r.Result != nil {
		t.Fatalf("killed job after restart: %s %q", r.Status, r.Error)
	}
	p2.cmd.Process.Signal(syscall.SIGTERM)
	if err := p2.cmd.Wait(); err != nil {
		t.Fatalf("truce serve after SIGTERM: %v", err)
	}
}
