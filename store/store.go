// Package store keeps the workbench's scenarios (with every saved version)
// and runs (queued, running and finished jobs with their results) in SQLite by
// default or in PostgreSQL when given a postgres:// URL. Both backends share
// one implementation over database/sql and one schema, migrated on Open.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// ErrNotFound is returned (wrapped) when an id names nothing stored.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned (wrapped) when an update was based on a version of
// a scenario that is no longer the latest.
var ErrConflict = errors.New("conflict")

// Run statuses. A run is created queued, becomes running when a worker picks
// it up and ends in exactly one of the final statuses.
const (
	StatusQueued      = "queued"
	StatusRunning     = "running"
	StatusDone        = "done"
	StatusFailed      = "failed"
	StatusCanceled    = "canceled"
	StatusInterrupted = "interrupted"
)

// Final reports whether status is one a run never leaves.
func Final(status string) bool {
	switch status {
	case StatusDone, StatusFailed, StatusCanceled, StatusInterrupted:
		return true
	}
	return false
}

// Scenario is the latest version of a stored scenario.
type Scenario struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Version   int       `json:"version"`
	YAML      string    `json:"yaml,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ScenarioVersion is one saved version of a scenario.
type ScenarioVersion struct {
	ScenarioID string    `json:"scenario_id"`
	Version    int       `json:"version"`
	Name       string    `json:"name"`
	YAML       string    `json:"yaml,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// Run is one job and, once done, its result. The scenario text is copied
// into the run so a run stays reproducible after its scenario is edited or
// deleted.
type Run struct {
	ID              string          `json:"id"`
	Kind            string          `json:"kind"`
	Status          string          `json:"status"`
	ScenarioID      string          `json:"scenario_id,omitempty"`
	ScenarioVersion int             `json:"scenario_version,omitempty"`
	ScenarioName    string          `json:"scenario_name,omitempty"`
	YAML            string          `json:"yaml,omitempty"`
	Params          json.RawMessage `json:"params,omitempty"`
	Result          json.RawMessage `json:"result,omitempty"`
	Error           string          `json:"error,omitempty"`
	CreatedAt       time.Time       `json:"created_at"`
	StartedAt       *time.Time      `json:"started_at,omitempty"`
	FinishedAt      *time.Time      `json:"finished_at,omitempty"`
	// Owner is the server instance that queued the run and alone may
	// start, heartbeat and finish it; empty for runs made without one.
	Owner string `json:"-"`
}

// RunFilter selects runs for List; zero values select everything.
type RunFilter struct {
	ScenarioID string
	Status     string
	Kind       string
	// Query matches runs whose scenario name or id contains it, ignoring
	// case.
	Query string
	// Since and Until bound the creation time (Since inclusive, Until
	// exclusive).
	Since, Until time.Time
	Limit        int // default 100, at most 1000
}

// Store is a handle on one database. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect dialect
	backend string
}

type dialect int

const (
	sqliteDialect dialect = iota
	postgresDialect
)

// DefaultPath is where the SQLite database lives when no --db is given:
// $XDG_DATA_HOME/truce/truce.db, else ~/.local/share/truce/truce.db on
// Unix, ~/Library/Application Support/truce/truce.db on macOS and
// %LocalAppData%\truce\truce.db on Windows.
func DefaultPath() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "truce", "truce.db"), nil
	}
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "truce", "truce.db"), nil
		}
	case "darwin":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("store: locating data directory: %w", err)
		}
		return filepath.Join(home, "Library", "Application Support", "truce", "truce.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("store: locating data directory: %w", err)
	}
	return filepath.Join(home, ".local", "share", "truce", "truce.db"), nil
}

// Open connects to the database named by url and migrates its schema:
// "postgres://…" or "postgresql://…" selects PostgreSQL; "sqlite:PATH" or a
// plain path selects SQLite (the file and its directory are created); an
// empty url selects SQLite at DefaultPath.
func Open(ctx context.Context, url string) (*Store, error) {
	var s *Store
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		db, err := sql.Open("pgx", url)
		if err != nil {
			return nil, fmt.Errorf("store: opening PostgreSQL: %w", err)
		}
		db.SetMaxOpenConns(16)
		s = &Store{db: db, dialect: postgresDialect, backend: "postgres"}
	default:
		path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite://"), "sqlite:")
		if path == "" {
			p, err := DefaultPath()
			if err != nil {
				return nil, err
			}
			path = p
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("store: creating directory for %s: %w", path, err)
		}
		// WAL lets readers proceed while a result is written; synchronous=FULL
		// makes a committed run survive even a power cut, busy_timeout waits
		// out another process's write lock instead of failing, and
		// _txlock=immediate takes the write lock at BEGIN so two writers
		// never deadlock upgrading read locks.
		dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
			"&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate"
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: opening SQLite %s: %w", path, err)
		}
		// One writer at a time is SQLite's model anyway; one connection
		// avoids SQLITE_BUSY between our own goroutines.
		db.SetMaxOpenConns(1)
		s = &Store{db: db, dialect: sqliteDialect, backend: "sqlite"}
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("store: connecting to %s: %w", s.backend, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// Backend names the database kind: "sqlite" or "postgres".
func (s *Store) Backend() string { return s.backend }

// Close releases the database.
func (s *Store) Close() error { return s.db.Close() }

// q rewrites ? placeholders to $n for PostgreSQL. Queries here never contain
// a literal question mark, so a plain scan is enough.
func (s *Store) q(query string) string {
	if s.dialect != postgresDialect {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// migrations are applied in order, each once, in its own transaction. Types
// are chosen to mean the same in SQLite and PostgreSQL; times are Unix
// milliseconds so both compare and sort them alike.
var migrations = []string{
	`CREATE TABLE scenarios (
		id TEXT PRIMARY KEY,
		name TEXT NOT NULL,
		version INTEGER NOT NULL,
		created_at BIGINT NOT NULL,
		updated_at BIGINT NOT NULL
	);
	CREATE TABLE scenario_versions (
		scenario_id TEXT NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
		version INTEGER NOT NULL,
		name TEXT NOT NULL,
		yaml TEXT NOT NULL,
		created_at BIGINT NOT NULL,
		PRIMARY KEY (scenario_id, version)
	);
	CREATE TABLE runs (
		id TEXT PRIMARY KEY,
		kind TEXT NOT NULL,
		status TEXT NOT NULL,
		scenario_id TEXT NOT NULL DEFAULT '',
		scenario_version INTEGER NOT NULL DEFAULT 0,
		scenario_name TEXT NOT NULL DEFAULT '',
		yaml TEXT NOT NULL,
		params TEXT NOT NULL DEFAULT '',
		result TEXT NOT NULL DEFAULT '',
		error TEXT NOT NULL DEFAULT '',
		created_at BIGINT NOT NULL,
		started_at BIGINT,
		finished_at BIGINT
	);
	CREATE INDEX runs_created ON runs(created_at);
	CREATE INDEX runs_scenario ON runs(scenario_id, created_at);
	CREATE INDEX runs_status ON runs(status)`,
	// 2: the forecast ledger (forecasts.go).
	forecastsMigration,
	// 3: job ownership. Several servers may share one database; each run
	// belongs to the server instance that queued it (owner), which renews
	// lease_until (Unix ms, database clock) while it lives. Only runs whose
	// lease has run out are taken for dead and marked interrupted.
	// cancel_requested lets any server ask the owner to stop a run.
	`ALTER TABLE runs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
	ALTER TABLE runs ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
	ALTER TABLE runs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
	CREATE INDEX runs_owner ON runs(owner, status)`,
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("store: creating migrations table: %w", err)
	}
	for i, m := range migrations {
		version := i + 1
		err := s.tx(ctx, func(tx *sql.Tx) error {
			if s.dialect == postgresDialect {
				// Two servers starting at once on one database must not
				// both apply a migration.
				if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(727365)`); err != nil {
					return err
				}
			}
			var n int
			if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			for _, stmt := range strings.Split(m, ";") {
				if strings.TrimSpace(stmt) == "" {
					continue
				}
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`), version, ms(time.Now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("store: applying migration %d: %w", version, err)
		}
	}
	return nil
}

// SchemaVersion returns the number of migrations applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: reading schema version: %w", err)
	}
	return int(v.Int64), nil
}

func (s *Store) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// NewID returns a random identifier with the given prefix, e.g. "r_3f9a…".
// IDs are unguessable so a permanent link does not enumerate other runs.
func NewID(prefix string) string {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("store: reading random bytes: %v", err)) // crypto/rand never fails on supported platforms
	}
	return prefix + hex.EncodeToString(b[:])
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func fromNullMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

// CreateScenario stores a new scenario as its version 1.
func (s *Store) CreateScenario(ctx context.Context, name, yaml string) (Scenario, error) {
	now := time.Now()
	sc := Scenario{ID: NewID("s_"), Name: name, Version: 1, YAML: yaml, CreatedAt: fromMS(ms(now)), UpdatedAt: fromMS(ms(now))}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO scenarios (id, name, version, created_at, updated_at) VALUES (?, ?, 1, ?, ?)`),
			sc.ID, name, ms(now), ms(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO scenario_versions (scenario_id, version, name, yaml, created_at) VALUES (?, 1, ?, ?, ?)`),
			sc.ID, name, yaml, ms(now))
		return err
	})
	if err != nil {
		return Scenario{}, fmt.Errorf("store: creating scenario: %w", err)
	}
	return sc, nil
}

// UpdateScenario saves yaml (and name) as a new version of scenario id.
// When baseVersion is positive and not the latest version, nothing is saved
// and the error wraps ErrConflict, so two analysts editing at once do not
// silently overwrite each other.
func (s *Store) UpdateScenario(ctx context.Context, id, name, yaml string, baseVersion int) (Scenario, error) {
	var out Scenario
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var cur int
		var created int64
		var curName string
		// FOR UPDATE makes concurrent PostgreSQL updates queue on the row
		// (SQLite's immediate transactions already serialize writers).
		sel := `SELECT version, name, created_at FROM scenarios WHERE id = ?`
		if s.dialect == postgresDialect {
			sel += ` FOR UPDATE`
		}
		err := tx.QueryRowContext(ctx, s.q(sel), id).Scan(&cur, &curName, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("scenario %s: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if baseVersion > 0 && baseVersion != cur {
			return fmt.Errorf("scenario %s is at version %d, not %d: %w", id, cur, baseVersion, ErrConflict)
		}
		if name == "" {
			name = curName
		}
		now := time.Now()
		next := cur + 1
		res, err := tx.ExecContext(ctx, s.q(`UPDATE scenarios SET version = ?, name = ?, updated_at = ? WHERE id = ? AND version = ?`),
			next, name, ms(now), id, cur)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("scenario %s changed during update: %w", id, ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO scenario_versions (scenario_id, version, name, yaml, created_at) VALUES (?, ?, ?, ?, ?)`),
			id, next, name, yaml, ms(now)); err != nil {
			return err
		}
		out = Scenario{ID: id, Name: name, Version: next, YAML: yaml, CreatedAt: fromMS(created), UpdatedAt: fromMS(ms(now))}
		return nil
	})
	if err != nil {
		return Scenario{}, fmt.Errorf("store: updating scenario: %w", err)
	}
	return out, nil
}

// GetScenario returns the latest version of scenario id, with its YAML.
func (s *Store) GetScenario(ctx context.Context, id string) (Scenario, error) {
	var sc Scenario
	var created, updated int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT s.id, s.name, s.version, v.yaml, s.created_at, s.updated_at
		FROM scenarios s JOIN scenario_versions v ON v.scenario_id = s.id AND v.version = s.version
		WHERE s.id = ?`), id).Scan(&sc.ID, &sc.Name, &sc.Version, &sc.YAML, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Scenario{}, fmt.Errorf("store: scenario %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Scenario{}, fmt.Errorf("store: reading scenario %s: %w", id, err)
	}
	sc.CreatedAt, sc.UpdatedAt = fromMS(created), fromMS(updated)
	return sc, nil
}

// ListScenarios returns every scenario, most recently updated first,
// without YAML.
func (s *Store) ListScenarios(ctx context.Context) ([]Scenario, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, version, created_at, updated_at FROM scenarios ORDER BY updated_at DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("store: listing scenarios: %w", err)
	}
	defer rows.Close()
	out := []Scenario{}
	for rows.Next() {
		var sc Scenario
		var created, updated int64
		if err := rows.Scan(&sc.ID, &sc.Name, &sc.Version, &created, &updated); err != nil {
			return nil, fmt.Errorf("store: listing scenarios: %w", err)
		}
		sc.CreatedAt, sc.UpdatedAt = fromMS(created), fromMS(updated)
		out = append(out, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: listing scenarios: %w", err)
	}
	return out, nil
}

// ScenarioVersions lists every version of scenario id, newest first, without
// YAML.
func (s *Store) ScenarioVersions(ctx context.Context, id string) ([]ScenarioVersion, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT scenario_id, version, name, created_at FROM scenario_versions WHERE scenario_id = ? ORDER BY version DESC`), id)
	if err != nil {
		return nil, fmt.Errorf("store: listing versions of %s: %w", id, err)
	}
	defer rows.Close()
	out := []ScenarioVersion{}
	for rows.Next() {
		var v ScenarioVersion
		var created int64
		if err := rows.Scan(&v.ScenarioID, &v.Version, &v.Name, &created); err != nil {
			return nil, fmt.Errorf("store: listing versions of %s: %w", id, err)
		}
		v.CreatedAt = fromMS(created)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: listing versions of %s: %w", id, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("store: scenario %s: %w", id, ErrNotFound)
	}
	return out, nil
}

// GetScenarioVersion returns one saved version of scenario id, with YAML.
func (s *Store) GetScenarioVersion(ctx context.Context, id string, version int) (ScenarioVersion, error) {
	v := ScenarioVersion{ScenarioID: id, Version: version}
	var created int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT name, yaml, created_at FROM scenario_versions WHERE scenario_id = ? AND version = ?`), id, version).
		Scan(&v.Name, &v.YAML, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return ScenarioVersion{}, fmt.Errorf("store: scenario %s version %d: %w", id, version, ErrNotFound)
	}
	if err != nil {
		return ScenarioVersion{}, fmt.Errorf("store: reading scenario %s version %d: %w", id, version, err)
	}
	v.CreatedAt = fromMS(created)
	return v, nil
}

// DeleteScenario removes scenario id and all its versions. Runs made from
// it keep their own copy of the text.
func (s *Store) DeleteScenario(ctx context.Context, id string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM scenario_versions WHERE scenario_id = ?`), id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM scenarios WHERE id = ?`), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("scenario %s: %w", id, ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: deleting scenario: %w", err)
	}
	return nil
}

// nowMS is the database's clock in Unix milliseconds. Leases are written
// and compared with it, so servers on different machines whose clocks
// disagree still agree on whose lease has run out.
func (s *Store) nowMS() string {
	if s.dialect == postgresDialect {
		return `(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT`
	}
	return `CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`
}

// Owner is one server instance's claim on the runs it queued. Several
// servers can share a database: each starts, heartbeats and finishes only
// its own runs, and a run is taken for dead (ReapExpired) only when its
// owner has not renewed its lease for TTL.
type Owner struct {
	s   *Store
	id  string
	ttl time.Duration
}

// Owner returns the claim of instance id, whose leases last ttl without a
// heartbeat. Use a fresh id per process (NewID("i_")): a restarted server
// must not take over the runs of the process it replaces, which it cannot
// continue.
func (s *Store) Owner(id string, ttl time.Duration) *Owner {
	return &Owner{s: s, id: id, ttl: ttl}
}

// ID is the instance id of the claim.
func (o *Owner) ID() string { return o.id }

// unowned is the claim of code that runs jobs without a server instance
// (tests, scripts): its runs have no lease, so any server reaps them.
func (s *Store) unowned() *Owner { return &Owner{s: s} }

// CreateRun stores r as queued, with no owner: see Owner.CreateRun.
func (s *Store) CreateRun(ctx context.Context, r Run) (Run, error) {
	return s.unowned().CreateRun(ctx, r)
}

// StartRun marks a queued run with no owner running: see Owner.StartRun.
func (s *Store) StartRun(ctx context.Context, id string) error { return s.unowned().StartRun(ctx, id) }

// FinishRun records the end of a run with no owner: see Owner.FinishRun.
func (s *Store) FinishRun(ctx context.Context, id, status string, result json.RawMessage, errMsg string) error {
	return s.unowned().FinishRun(ctx, id, status, result, errMsg)
}

func (o *Owner) ttlMS() int64 {
	if o.id == "" {
		return -1 << 40 // no owner: expired from the start
	}
	return o.ttl.Milliseconds()
}

// CreateRun stores r as queued and owned by o, leased for o's TTL. r.ID is
// assigned when empty; CreatedAt is set to now.
func (o *Owner) CreateRun(ctx context.Context, r Run) (Run, error) {
	s := o.s
	if r.ID == "" {
		r.ID = NewID("r_")
	}
	r.Status = StatusQueued
	r.CreatedAt = fromMS(ms(time.Now()))
	r.Result, r.Error, r.StartedAt, r.FinishedAt = nil, "", nil, nil
	r.Owner = o.id
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO runs (id, kind, status, scenario_id, scenario_version, scenario_name, yaml, params, created_at, owner, lease_until)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, `+s.nowMS()+` + ?)`),
		r.ID, r.Kind, r.Status, r.ScenarioID, r.ScenarioVersion, r.ScenarioName, r.YAML, string(r.Params), ms(r.CreatedAt), o.id, o.ttlMS())
	if err != nil {
		return Run{}, fmt.Errorf("store: creating run: %w", err)
	}
	return r, nil
}

// StartRun marks a queued run of o's running and renews its lease. It fails
// with ErrConflict when the run is no longer queued (for example it was
// canceled meanwhile) or is not o's.
func (o *Owner) StartRun(ctx context.Context, id string) error {
	s := o.s
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE runs SET status = ?, started_at = ?, lease_until = `+s.nowMS()+` + ? WHERE id = ? AND status = ? AND owner = ?`),
		StatusRunning, ms(time.Now()), o.ttlMS(), id, StatusQueued, o.id)
	if err != nil {
		return fmt.Errorf("store: starting run %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("store: starting run %s: not queued: %w", id, ErrConflict)
	}
	return nil
}

// FinishRun records the final status of one of o's runs, its result (for
// done) or its error, in one statement: a reader sees either the unfinished
// run or the whole result, never half. Done, failed and canceled runs are
// never rewritten (the error wraps ErrConflict). An interrupted run is
// rewritten only by its own owner: when another server took it for dead
// because its heartbeat stalled, the owner that finishes it after all
// still records its result rather than throw it away.
func (o *Owner) FinishRun(ctx context.Context, id, status string, result json.RawMessage, errMsg string) error {
	s := o.s
	if !Final(status) {
		return fmt.Errorf("store: finishing run %s: %q is not a final status", id, status)
	}
	live := `status IN (?, ?)`
	args := []any{status, string(result), errMsg, ms(time.Now()), id, o.id, StatusQueued, StatusRunning}
	if o.id != "" {
		live = `status IN (?, ?, ?)`
		args = append(args, StatusInterrupted)
	}
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE runs SET status = ?, result = ?, error = ?, finished_at = ?, cancel_requested = 0
		WHERE id = ? AND owner = ? AND `+live), args...)
	if err != nil {
		return fmt.Errorf("store: finishing run %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("store: finishing run %s: already final, unknown or another server's: %w", id, ErrConflict)
	}
	return nil
}

// Heartbeat renews the lease of every queued or running run of o's and
// returns those that someone asked to cancel (RequestCancel), which o
// should stop.
func (o *Owner) Heartbeat(ctx context.Context) (cancel []string, err error) {
	s := o.s
	if _, err := s.db.ExecContext(ctx, s.q(`UPDATE runs SET lease_until = `+s.nowMS()+` + ? WHERE owner = ? AND status IN (?, ?)`),
		o.ttlMS(), o.id, StatusQueued, StatusRunning); err != nil {
		return nil, fmt.Errorf("store: renewing leases of %s: %w", o.id, err)
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id FROM runs WHERE owner = ? AND cancel_requested = 1 AND status IN (?, ?)`),
		o.id, StatusQueued, StatusRunning)
	if err != nil {
		return nil, fmt.Errorf("store: reading cancel requests of %s: %w", o.id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: reading cancel requests of %s: %w", o.id, err)
		}
		cancel = append(cancel, id)
	}
	return cancel, rows.Err()
}

// MarkInterrupted ends o's queued or running runs as interrupted, with msg
// as their error: those named by ids, or all of o's when none are named.
// A server calls it for its own jobs at shutdown. It returns how many runs
// it marked; other servers' runs are never touched.
func (o *Owner) MarkInterrupted(ctx context.Context, msg string, ids ...string) (int, error) {
	s := o.s
	query := `UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE owner = ? AND status IN (?, ?)`
	args := []any{StatusInterrupted, msg, ms(time.Now()), o.id, StatusQueued, StatusRunning}
	if len(ids) > 0 {
		query += ` AND id IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	res, err := s.db.ExecContext(ctx, s.q(query), args...)
	if err != nil {
		return 0, fmt.Errorf("store: marking runs interrupted: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// ReapExpired ends every queued or running run whose owner's lease has run
// out (its server died or lost the database for longer than the lease) as
// interrupted, with msg as its error, and returns how many. Runs whose
// owner is alive and heartbeating are never touched, so a server starting
// or restarting beside others on one database leaves their jobs alone.
func (s *Store) ReapExpired(ctx context.Context, msg string) (int, error) {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE runs SET status = ?, error = ?, finished_at = ?
		WHERE status IN (?, ?) AND lease_until < `+s.nowMS()),
		StatusInterrupted, msg, ms(time.Now()), StatusQueued, StatusRunning)
	if err != nil {
		return 0, fmt.Errorf("store: reaping runs of dead servers: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// RequestCancel asks the owner of a queued or running run to cancel it; the
// owner sees the request at its next heartbeat. It fails with ErrNotFound
// for an unknown run and ErrConflict for one that already ended.
func (s *Store) RequestCancel(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE runs SET cancel_requested = 1 WHERE id = ? AND status IN (?, ?)`),
		id, StatusQueued, StatusRunning)
	if err != nil {
		return fmt.Errorf("store: requesting cancel of run %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	if _, err := s.GetRun(ctx, id); err != nil {
		return err
	}
	return fmt.Errorf("store: run %s already ended: %w", id, ErrConflict)
}

// DeleteRun removes a finished run and its result. A queued or running run
// is not deleted (the error wraps ErrConflict): cancel it first.
func (s *Store) DeleteRun(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM runs WHERE id = ? AND status NOT IN (?, ?)`), id, StatusQueued, StatusRunning)
	if err != nil {
		return fmt.Errorf("store: deleting run %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	if _, err := s.GetRun(ctx, id); err != nil {
		return err
	}
	return fmt.Errorf("store: run %s is still queued or running; cancel it first: %w", id, ErrConflict)
}

const runColumns = `id, kind, status, scenario_id, scenario_version, scenario_name, yaml, params, result, error, created_at, started_at, finished_at, owner`

func scanRun(sc interface{ Scan(...any) error }) (Run, error) {
	var r Run
	var params, result string
	var created int64
	var started, finished sql.NullInt64
	if err := sc.Scan(&r.ID, &r.Kind, &r.Status, &r.ScenarioID, &r.ScenarioVersion, &r.ScenarioName, &r.YAML,
		&params, &result, &r.Error, &created, &started, &finished, &r.Owner); err != nil {
		return Run{}, err
	}
	if params != "" {
		r.Params = json.RawMessage(params)
	}
	if result != "" {
		r.Result = json.RawMessage(result)
	}
	r.CreatedAt = fromMS(created)
	r.StartedAt, r.FinishedAt = fromNullMS(started), fromNullMS(finished)
	return r, nil
}

// GetRun returns run id with its scenario text and result.
func (s *Store) GetRun(ctx context.Context, id string) (Run, error) {
	r, err := scanRun(s.db.QueryRowContext(ctx, s.q(`SELECT `+runColumns+` FROM runs WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, fmt.Errorf("store: run %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Run{}, fmt.Errorf("store: reading run %s: %w", id, err)
	}
	return r, nil
}

// ListRuns returns runs newest first, without scenario text or result.
func (s *Store) ListRuns(ctx context.Context, f RunFilter) ([]Run, error) {
	query := `SELECT id, kind, status, scenario_id, scenario_version, scenario_name, '', params, '', error, created_at, started_at, finished_at, owner FROM runs WHERE 1 = 1`
	var args []any
	if f.ScenarioID != "" {
		query += ` AND scenario_id = ?`
		args = append(args, f.ScenarioID)
	}
	if f.Status != "" {
		query += ` AND status = ?`
		args = append(args, f.Status)
	}
	if f.Kind != "" {
		query += ` AND kind = ?`
		args = append(args, f.Kind)
	}
	if f.Query != "" {
		// LIKE with the pattern's own % and _ escaped, on lower case (the
		// same in SQLite and PostgreSQL).
		pat := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(f.Query)) + "%"
		query += ` AND (LOWER(scenario_name) LIKE ? ESCAPE '\' OR LOWER(id) LIKE ? ESCAPE '\')`
		args = append(args, pat, pat)
	}
	if !f.Since.IsZero() {
		query += ` AND created_at >= ?`
		args = append(args, ms(f.Since))
	}
	if !f.Until.IsZero() {
		query += ` AND created_at < ?`
		args = append(args, ms(f.Until))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	if limit > 1000 {
		limit = 1000
	}
	query += ` ORDER BY created_at DESC, id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("store: listing runs: %w", err)
	}
	defer rows.Close()
	out := []Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("store: listing runs: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: listing runs: %w", err)
	}
	return out, nil
}
