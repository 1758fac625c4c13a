package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// backends lists the databases the one suite runs against. PostgreSQL comes
// from TRUCE_TEST_POSTGRES (set by .ci/run); without it the PostgreSQL half
// is skipped, except under CI=true where a missing database is a failure.
func backends(t *testing.T) map[string]func(t *testing.T) *Store {
	return map[string]func(t *testing.T) *Store{
		"sqlite": func(t *testing.T) *Store {
			s, err := Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		"postgres": openTestPostgres,
	}
}

// openTestPostgres gives each test its own schema in the test database, so
// tests never see each other's rows, and drops it afterwards.
func openTestPostgres(t *testing.T) *Store {
	base := os.Getenv("TRUCE_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TRUCE_TEST_POSTGRES is not set but CI=true: .ci/run must start PostgreSQL")
		}
		t.Skip("TRUCE_TEST_POSTGRES not set; PostgreSQL half of the store suite skipped")
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	schema := strings.ToLower(NewID("t_"))
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating schema on %s: %v", redact(base), err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err == nil {
			a.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	qv := u.Query()
	qv.Set("search_path", schema)
	u.RawQuery = qv.Encode()
	s, err := Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	return p.Redacted()
}

// TestStore runs the whole suite against every backend.
func TestStore(t *testing.T) {
	tests := []struct {
		name string
		f    func(t *testing.T, s *Store)
	}{
		{"Migrate", testMigrate},
		{"ScenarioLifecycle", testScenarioLifecycle},
		{"ScenarioConflict", testScenarioConflict},
		{"ScenarioNotFound", testScenarioNotFound},
		{"RunLifecycle", testRunLifecycle},
		{"RunFinalIsFinal", testRunFinalIsFinal},
		{"MarkInterrupted", testMarkInterrupted},
		{"Leases", testLeases},
		{"CancelRequest", testCancelRequest},
		{"DeleteRun", testDeleteRun},
		{"ListRunsFilter", testListRunsFilter},
		{"ConcurrentWrites", testConcurrentWrites},
		{"RunSurvivesScenarioDelete", testRunSurvivesScenarioDelete},
	}
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) { tt.f(t, open(t)) })
			}
		})
	}
}

func testMigrate(t *testing.T, s *Store) {
	ctx := context.Background()
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v != len(migrations) {
		t.Fatalf("schema version %d, want %d", v, len(migrations))
	}
	// Migrating again is a no-op, not an error.
	if err := s.migrate(ctx); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if v2, _ := s.SchemaVersion(ctx); v2 != v {
		t.Fatalf("schema version changed to %d on re-migrate", v2)
	}
}

func testScenarioLifecycle(t *testing.T, s *Store) {
	ctx := context.Background()
	sc, err := s.CreateScenario(ctx, "alpha", "truce: 1\nname: a\n")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Version != 1 || !strings.HasPrefix(sc.ID, "s_") {
		t.Fatalf("created %+v", sc)
	}
	got, err := s.GetScenario(ctx, sc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.YAML != "truce: 1\nname: a\n" || got.Name != "alpha" || got.Version != 1 {
		t.Fatalf("got %+v", got)
	}
	up, err := s.UpdateScenario(ctx, sc.ID, "", "truce: 1\nname: b\n", 1)
	if err != nil {
		t.Fatal(err)
	}
	if up.Version != 2 || up.Name != "alpha" {
		t.Fatalf("update gave %+v, want version 2 keeping name", up)
	}
	up, err = s.UpdateScenario(ctx, sc.ID, "beta", "truce: 1\nname: c\n", 0)
	if err != nil {
		t.Fatal(err)
	}
	if up.Version != 3 || up.Name != "beta" {
		t.Fatalf("update gave %+v", up)
	}
	vs, err := s.ScenarioVersions(ctx, sc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 3 || vs[0].Version != 3 || vs[2].Version != 1 {
		t.Fatalf("versions %+v", vs)
	}
	v1, err := s.GetScenarioVersion(ctx, sc.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v1.YAML != "truce: 1\nname: a\n" || v1.Name != "alpha" {
		t.Fatalf("version 1 is %+v", v1)
	}
	latest, _ := s.GetScenario(ctx, sc.ID)
	if latest.YAML != "truce: 1\nname: c\n" || latest.Version != 3 {
		t.Fatalf("latest %+v", latest)
	}
	if _, err := s.CreateScenario(ctx, "other", "x"); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListScenarios(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("list has %d scenarios, want 2", len(list))
	}
	for _, l := range list {
		if l.YAML != "" {
			t.Errorf("list carries YAML for %s", l.ID)
		}
	}
	if err := s.DeleteScenario(ctx, sc.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetScenario(ctx, sc.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v, want ErrNotFound", err)
	}
	if _, err := s.ScenarioVersions(ctx, sc.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("versions after delete: %v, want ErrNotFound", err)
	}
	if list, _ := s.ListScenarios(ctx); len(list) != 1 {
		t.Fatalf("after delete list has %d", len(list))
	}
}

func testScenarioConflict(t *testing.T, s *Store) {
	ctx := context.Background()
	sc, _ := s.CreateScenario(ctx, "a", "v1")
	if _, err := s.UpdateScenario(ctx, sc.ID, "", "v2", 1); err != nil {
		t.Fatal(err)
	}
	// A second editor still on version 1 must not overwrite version 2.
	_, err := s.UpdateScenario(ctx, sc.ID, "", "v2-other", 1)
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("stale update: %v, want ErrConflict", err)
	}
	got, _ := s.GetScenario(ctx, sc.ID)
	if got.YAML != "v2" || got.Version != 2 {
		t.Fatalf("after conflict %+v", got)
	}
}

func testScenarioNotFound(t *testing.T, s *Store) {
	ctx := context.Background()
	checks := map[string]error{}
	_, checks["get"] = s.GetScenario(ctx, "s_missing")
	_, checks["update"] = s.UpdateScenario(ctx, "s_missing", "", "x", 0)
	_, checks["versions"] = s.ScenarioVersions(ctx, "s_missing")
	_, checks["version"] = s.GetScenarioVersion(ctx, "s_missing", 1)
	checks["delete"] = s.DeleteScenario(ctx, "s_missing")
	_, checks["run"] = s.GetRun(ctx, "r_missing")
	for op, err := range checks {
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", op, err)
		}
	}
}

func testRunLifecycle(t *testing.T, s *Store) {
	ctx := context.Background()
	r, err := s.CreateRun(ctx, Run{Kind: "analyze", YAML: "truce: 1", ScenarioName: "x", Params: json.RawMessage(`{"draws":10}`)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != StatusQueued || !strings.HasPrefix(r.ID, "r_") {
		t.Fatalf("created %+v", r)
	}
	if err := s.StartRun(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.StartRun(ctx, r.ID); !errors.Is(err, ErrConflict) {
		t.Fatalf("second start: %v, want ErrConflict", err)
	}
	got, _ := s.GetRun(ctx, r.ID)
	if got.Status != StatusRunning || got.StartedAt == nil || got.FinishedAt != nil {
		t.Fatalf("running run %+v", got)
	}
	result := json.RawMessage(`{"profiles":{"baseline":{"absorb":{"war":{"mean":0.25}}}}}`)
	if err := s.FinishRun(ctx, r.ID, StatusDone, result, ""); err != nil {
		t.Fatal(err)
	}
	got, err = s.GetRun(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != StatusDone || string(got.Result) != string(result) || got.FinishedAt == nil ||
		got.YAML != "truce: 1" || string(got.Params) != `{"draws":10}` || got.Kind != "analyze" {
		t.Fatalf("finished run %+v", got)
	}
	if err := s.FinishRun(ctx, r.ID, StatusRunning, nil, ""); err == nil {
		t.Fatal("FinishRun accepted a non-final status")
	}
}

func testRunFinalIsFinal(t *testing.T, s *Store) {
	ctx := context.Background()
	r, _ := s.CreateRun(ctx, Run{Kind: "simulate", YAML: "y"})
	if err := s.FinishRun(ctx, r.ID, StatusCanceled, nil, "canceled by user"); err != nil {
		t.Fatal(err)
	}
	// A worker finishing late must not overwrite the cancellation.
	if err := s.FinishRun(ctx, r.ID, StatusDone, json.RawMessage(`{}`), ""); !errors.Is(err, ErrConflict) {
		t.Fatalf("finish after cancel: %v, want ErrConflict", err)
	}
	if err := s.StartRun(ctx, r.ID); !errors.Is(err, ErrConflict) {
		t.Fatalf("start after cancel: %v, want ErrConflict", err)
	}
	got, _ := s.GetRun(ctx, r.ID)
	if got.Status != StatusCanceled || got.Error != "canceled by user" || got.Result != nil {
		t.Fatalf("got %+v", got)
	}
}

func testMarkInterrupted(t *testing.T, s *Store) {
	ctx := context.Background()
	me, other := s.Owner("i_me", time.Hour), s.Owner("i_other", time.Hour)
	done, _ := me.CreateRun(ctx, Run{Kind: "analyze", YAML: "y"})
	me.StartRun(ctx, done.ID)
	me.FinishRun(ctx, done.ID, StatusDone, json.RawMessage(`{"ok":true}`), "")
	running, _ := me.CreateRun(ctx, Run{Kind: "analyze", YAML: "y"})
	if err := me.StartRun(ctx, running.ID); err != nil {
		t.Fatal(err)
	}
	queued, _ := me.CreateRun(ctx, Run{Kind: "analyze", YAML: "y"})
	mine, _ := me.CreateRun(ctx, Run{Kind: "analyze", YAML: "y"})
	theirs, _ := other.CreateRun(ctx, Run{Kind: "analyze", YAML: "y"})

	n, err := me.MarkInterrupted(ctx, "shutdown", running.ID, queued.ID, theirs.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("marked %d, want 2 (another server's run named too)", n)
	}
	if g, _ := s.GetRun(ctx, mine.ID); g.Status != StatusQueued {
		t.Fatalf("run not named was marked: %+v", g)
	}
	if n, err = me.MarkInterrupted(ctx, "restart"); err != nil || n != 1 {
		t.Fatalf("second mark %d %v, want 1", n, err)
	}
	want := map[string]string{done.ID: StatusDone, running.ID: StatusInterrupted, queued.ID: StatusInterrupted,
		mine.ID: StatusInterrupted, theirs.ID: StatusQueued}
	for id, st := range want {
		g, err := s.GetRun(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if g.Status != st {
			t.Errorf("run %s status %s, want %s", id, g.Status, st)
		}
	}
	if g, _ := s.GetRun(ctx, done.ID); string(g.Result) != `{"ok":true}` {
		t.Errorf("completed run's result changed: %s", g.Result)
	}
	if g, _ := s.GetRun(ctx, running.ID); g.Error != "shutdown" || g.FinishedAt == nil {
		t.Errorf("interrupted run %+v", g)
	}
}

// testLeases: a server reaps only the runs whose owner stopped renewing its
// lease; the owner can still record the result of a run reaped that way;
// nobody finishes another server's run.
func testLeases(t *testing.T, s *Store) {
	ctx := context.Background()
	alive := s.Owner("i_alive", time.Hour)
	dead := s.Owner("i_dead", -time.Second) // its leases ran out as they were written
	a, _ := alive.CreateRun(ctx, Run{Kind: "analyze", YAML: "y"})
	if err := alive.StartRun(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	aq, _ := alive.CreateRun(ctx, Run{Kind: "analyze", YAML: "y"})
	d, _ := dead.CreateRun(ctx, Run{Kind: "analyze", YAML: "y"})
	if err := dead.StartRun(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	// A server whose lease ran out but which renews it by a heartbeat
	// before anyone reaps.
	late := s.Owner("i_late", -time.Second)
	renewed, _ := late.CreateRun(ctx, Run{Kind: "simulate", YAML: "y"})
	legacy, _ := s.CreateRun(ctx, Run{Kind: "analyze", YAML: "y"}) // no owner, no lease

	// Another server must not start or finish them.
	if err := s.Owner("i_x", time.Hour).StartRun(ctx, aq.ID); !errors.Is(err, ErrConflict) {
		t.Fatalf("another server started a run: %v", err)
	}
	if err := s.Owner("i_x", time.Hour).FinishRun(ctx, a.ID, StatusDone, json.RawMessage(`{}`), ""); !errors.Is(err, ErrConflict) {
		t.Fatalf("another server finished a run: %v", err)
	}
	if _, err := s.Owner("i_late", time.Hour).Heartbeat(ctx); err != nil {
		t.Fatal(err)
	}
	n, err := s.ReapExpired(ctx, "its server stopped")
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("reaped %d runs, want 2 (the dead server's running run and the run without owner)", n)
	}
	want := map[string]string{a.ID: StatusRunning, aq.ID: StatusQueued, d.ID: StatusInterrupted,
		renewed.ID: StatusQueued, legacy.ID: StatusInterrupted}
	for id, st := range want {
		if g, _ := s.GetRun(ctx, id); g.Status != st {
			t.Errorf("run %s: %s, want %s", id, g.Status, st)
		}
	}
	// The owner of the reaped run was alive after all and finishes it: the
	// result is kept.
	if err := dead.FinishRun(ctx, d.ID, StatusDone, json.RawMessage(`{"late":true}`), ""); err != nil {
		t.Fatalf("owner finishing its reaped run: %v", err)
	}
	if g, _ := s.GetRun(ctx, d.ID); g.Status != StatusDone || string(g.Result) != `{"late":true}` {
		t.Fatalf("reaped run after its owner finished it: %+v", g)
	}
	// Done is final, for the owner too.
	if err := dead.FinishRun(ctx, d.ID, StatusFailed, nil, "x"); !errors.Is(err, ErrConflict) {
		t.Fatalf("done run rewritten: %v", err)
	}
	// A run without owner, once interrupted, stays so.
	if err := s.FinishRun(ctx, legacy.ID, StatusDone, json.RawMessage(`{}`), ""); !errors.Is(err, ErrConflict) {
		t.Fatalf("interrupted run without owner rewritten: %v", err)
	}
	if err := alive.FinishRun(ctx, a.ID, StatusDone, json.RawMessage(`{"n":1}`), ""); err != nil {
		t.Fatal(err)
	}
}

func testCancelRequest(t *testing.T, s *Store) {
	ctx := context.Background()
	o := s.Owner("i_o", time.Hour)
	r, _ := o.CreateRun(ctx, Run{Kind: "analyze", YAML: "y"})
	q, _ := o.CreateRun(ctx, Run{Kind: "analyze", YAML: "y"})
	if ids, err := o.Heartbeat(ctx); err != nil || len(ids) != 0 {
		t.Fatalf("cancel requests before any: %v %v", ids, err)
	}
	if err := s.RequestCancel(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if ids, err := s.Owner("i_other", time.Hour).Heartbeat(ctx); err != nil || len(ids) != 0 {
		t.Fatalf("another server sees the request: %v %v", ids, err)
	}
	ids, err := o.Heartbeat(ctx)
	if err != nil || len(ids) != 1 || ids[0] != r.ID {
		t.Fatalf("owner sees %v %v, want [%s]", ids, err, r.ID)
	}
	o.FinishRun(ctx, r.ID, StatusCanceled, nil, "canceled")
	if ids, _ := o.Heartbeat(ctx); len(ids) != 0 {
		t.Fatalf("finished run still asked to cancel: %v", ids)
	}
	if err := s.RequestCancel(ctx, r.ID); !errors.Is(err, ErrConflict) {
		t.Fatalf("cancel of an ended run: %v", err)
	}
	if err := s.RequestCancel(ctx, "r_missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("cancel of an unknown run: %v", err)
	}
	_ = q
}

func testDeleteRun(t *testing.T, s *Store) {
	ctx := context.Background()
	live, _ := s.CreateRun(ctx, Run{Kind: "analyze", YAML: "y"})
	done, _ := s.CreateRun(ctx, Run{Kind: "analyze", YAML: "y"})
	s.FinishRun(ctx, done.ID, StatusDone, json.RawMessage(`{}`), "")
	if err := s.DeleteRun(ctx, live.ID); !errors.Is(err, ErrConflict) {
		t.Fatalf("deleting a queued run: %v", err)
	}
	if err := s.DeleteRun(ctx, done.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetRun(ctx, done.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted run: %v", err)
	}
	if err := s.DeleteRun(ctx, done.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
	if _, err := s.GetRun(ctx, live.ID); err != nil {
		t.Fatalf("live run gone: %v", err)
	}
}

func testListRunsFilter(t *testing.T, s *Store) {
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		sid := "s_a"
		if i%2 == 1 {
			sid = "s_b"
		}
		r, err := s.CreateRun(ctx, Run{Kind: "analyze", YAML: fmt.Sprintf("y%d", i), ScenarioID: sid})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			s.FinishRun(ctx, r.ID, StatusFailed, nil, "boom")
		}
	}
	all, err := s.ListRuns(ctx, RunFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 {
		t.Fatalf("%d runs, want 5", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].CreatedAt.After(all[i-1].CreatedAt) {
			t.Fatalf("runs not newest first")
		}
	}
	for _, r := range all {
		if r.YAML != "" || r.Result != nil {
			t.Fatalf("list carries YAML or result: %+v", r)
		}
	}
	a, _ := s.ListRuns(ctx, RunFilter{ScenarioID: "s_a"})
	if len(a) != 3 {
		t.Fatalf("scenario filter: %d, want 3", len(a))
	}
	failed, _ := s.ListRuns(ctx, RunFilter{Status: StatusFailed})
	if len(failed) != 1 || failed[0].Error != "boom" {
		t.Fatalf("status filter: %+v", failed)
	}
	two, _ := s.ListRuns(ctx, RunFilter{Limit: 2})
	if len(two) != 2 {
		t.Fatalf("limit: %d, want 2", len(two))
	}
	// Search, kind and dates.
	named, _ := s.CreateRun(ctx, Run{Kind: "simulate", YAML: "y", ScenarioName: "US–Iran 50%_case"})
	// "n%5" and "n_5" would match the name if % and _ were wildcards.
	for q, want := range map[string]int{"iran": 1, "IRAN 50%": 1, "50%_": 1, "%": 1, "n%5": 0, "n_5": 0, named.ID: 1, "r_": 6, "nothing": 0} {
		got, err := s.ListRuns(ctx, RunFilter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != want {
			t.Errorf("query %q: %d runs, want %d", q, len(got), want)
		}
	}
	if sim, _ := s.ListRuns(ctx, RunFilter{Kind: "simulate"}); len(sim) != 1 || sim[0].ID != named.ID {
		t.Errorf("kind filter: %+v", sim)
	}
	cut := named.CreatedAt
	if after, _ := s.ListRuns(ctx, RunFilter{Since: cut}); len(after) < 1 || after[0].ID != named.ID {
		t.Errorf("since: %+v", after)
	}
	if before, _ := s.ListRuns(ctx, RunFilter{Until: cut}); len(before) > 5 {
		t.Errorf("until: %d runs, want at most the 5 made before", len(before))
	}
	if none, _ := s.ListRuns(ctx, RunFilter{Since: cut.Add(time.Hour)}); len(none) != 0 {
		t.Errorf("since an hour later: %d runs", len(none))
	}
}

func testConcurrentWrites(t *testing.T, s *Store) {
	ctx := context.Background()
	sc, _ := s.CreateScenario(ctx, "c", "v")
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := 0; i < n; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			r, err := s.CreateRun(ctx, Run{Kind: "analyze", YAML: "y"})
			if err == nil {
				err = s.StartRun(ctx, r.ID)
			}
			if err == nil {
				err = s.FinishRun(ctx, r.ID, StatusDone, json.RawMessage(`{"n":1}`), "")
			}
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := s.UpdateScenario(ctx, sc.ID, "", "v", 0)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	got, _ := s.GetScenario(ctx, sc.ID)
	if got.Version != n+1 {
		t.Fatalf("version %d after %d concurrent updates, want %d", got.Version, n, n+1)
	}
	done, _ := s.ListRuns(ctx, RunFilter{Status: StatusDone})
	if len(done) != n {
		t.Fatalf("%d done runs, want %d", len(done), n)
	}
}

func testRunSurvivesScenarioDelete(t *testing.T, s *Store) {
	ctx := context.Background()
	sc, _ := s.CreateScenario(ctx, "c", "text")
	r, _ := s.CreateRun(ctx, Run{Kind: "analyze", YAML: "text", ScenarioID: sc.ID, ScenarioVersion: 1})
	if err := s.DeleteScenario(ctx, sc.ID); err != nil {
		t.Fatal(err)
	}
	g, err := s.GetRun(ctx, r.ID)
	if err != nil || g.YAML != "text" || g.ScenarioID != sc.ID {
		t.Fatalf("run after scenario delete: %+v %v", g, err)
	}
}

func TestOpenDefaultPathUsesXDG(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	p, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if p != filepath.Join(dir, "truce", "truce.db") {
		t.Fatalf("DefaultPath %s", p)
	}
	s, err := Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Backend() != "sqlite" {
		t.Fatalf("backend %s", s.Backend())
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("database file not created: %v", err)
	}
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q (%v), want wal", mode, err)
	}
}

func TestOpenBadPostgres(t *testing.T) {
	// Port 1 on loopback: nothing listens, so Open must fail with context.
	_, err := Open(context.Background(), "postgres://nobody:x@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err == nil || !strings.Contains(err.Error(), "postgres") {
		t.Fatalf("err %v", err)
	}
}

func TestPlaceholderRewrite(t *testing.T) {
	s := &Store{dialect: postgresDialect}
	got := s.q(`SELECT a FROM t WHERE x = ? AND y IN (?, ?)`)
	if got != `SELECT a FROM t WHERE x = $1 AND y IN ($2, $3)` {
		t.Fatal(got)
	}
	s.dialect = sqliteDialect
	if got := s.q(`x = ?`); got != `x = ?` {
		t.Fatal(got)
	}
}
