package main

import (
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/server"
	"github.com/truce-dev/truce/store"
)

func newServeCmd() *cobra.Command {
	var (
		addr, db, token string
		allowHosts      []string
		maxConcurrent   int
		jobWorkers      int
		maxQueue        int
		jobMaxDraws     int // not maxDraws: that is the package's cap on every --draws
		jobMaxRuns      int
		maxBody         int64
		jobTimeout      time.Duration
		maxResult       int64
		jobMemory       int64
		lease           time.Duration
		verbose         bool
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the workbench: a browser UI and JSON API over stored scenarios and runs",
		Long: `serve starts the truce workbench: a web page to edit scenarios with live
validation, run analyze jobs with progress, see charts of the results,
compare runs and share a permanent link to each, and a JSON API under /api/
(docs/api.md) that does the same for scripts.

Runs and scenarios (with every saved version) are kept in a database: SQLite
by default, in the user's data directory (` + "`$XDG_DATA_HOME/truce/truce.db`" + `, else
~/.local/share/truce/truce.db; ~/Library/Application Support/truce on macOS,
%LocalAppData%\truce on Windows), or PostgreSQL with --db postgres://….

It listens on 127.0.0.1:8080, this machine only. To listen on another
address, give --token (16 characters or more): every API call must then
send "Authorization: Bearer <token>"; wrong tokens are slowed per client
address. Requests must name this server in their Host header (the listen
address, or a name given with --allow-host, e.g. a proxy's), and pages of
other sites cannot make it change anything (docs/serve.md, "Server limits
and security").

Jobs beyond --max-jobs wait in a queue of --max-queue; beyond that the API
answers 429. Each job has a time limit (--job-timeout), a memory budget
(--job-memory) and a largest result (--max-result). SIGINT or SIGTERM stops
the server gracefully: running jobs are recorded as interrupted. Several
servers can share one PostgreSQL database: each renews a lease on its own
jobs, and a job is marked interrupted only when its server has not renewed
the lease for --lease (it crashed or lost the database); finished runs are
never touched.`,
		Example: `  truce serve
  truce serve --addr 127.0.0.1:9000 --db sqlite:./team.db
  truce serve --addr 0.0.0.0:8080 --token "$(openssl rand -hex 16)" --db postgres://truce@db/truce`,
		Args: cobra.NoArgs,
		// Ctrl-C is how a server is stopped: a clean shutdown exits 0.
		Annotations: map[string]string{annGraceful: "yes"},
		RunE: func(cmd *cobra.Command, args []string) error {
			level := slog.LevelInfo
			if verbose {
				level = slog.LevelDebug
			}
			logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
			if db == "" {
				p, err := store.DefaultPath()
				if err != nil {
					return &exitError{1, "truce serve: " + err.Error()}
				}
				db = "sqlite:" + p
			}
			if cmd.Flags().Changed("token") && token == "" {
				// A token given but empty is a mistake, not "no token".
				return &exitError{2, "truce serve: --token is empty; give a random token of 16 characters or more, e.g. --token \"$(openssl rand -hex 16)\""}
			}
			if err := server.CheckToken(token); err != nil {
				return &exitError{2, "truce serve: --token: " + err.Error()}
			}
			limits := server.Limits{MaxConcurrent: maxConcurrent, MaxQueue: maxQueue,
				MaxDraws: jobMaxDraws, MaxRuns: jobMaxRuns, MaxBody: maxBody, JobTimeout: jobTimeout, LeaseTTL: lease,
				MaxResult: maxResult, JobMemory: jobMemory, MaxJobWorkers: jobWorkers}
			for _, f := range []struct {
				name string
				val  time.Duration
			}{{"job-timeout", jobTimeout}, {"lease", lease}} {
				if f.val <= 0 {
					return &exitError{2, fmt.Sprintf("truce serve: --%s %s: give a positive duration such as 30s or 15m", f.name, f.val)}
				}
			}
			err := server.ListenAndServe(cmd.Context(), server.ServeOptions{
				Addr: addr, DB: db, Token: token, AllowedHosts: allowHosts,
				Runner:   server.ScenarioRunner{},
				Examples: serveExamples(),
				Logger:   logger,
				Limits:   limits,
				Ready: func(a string) {
					fmt.Fprintf(cmd.OutOrStdout(), "truce workbench on http://%s/ (database %s)\n", a, redactDB(db))
				},
			})
			if err != nil {
				return &exitError{1, "truce serve: " + err.Error()}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (host:port); non-loopback needs --token")
	f.StringVar(&db, "db", "", "database: sqlite:PATH or postgres://… (default: SQLite in the user's data directory)")
	f.StringVar(&token, "token", os.Getenv("TRUCE_TOKEN"), "bearer token required on every API call, 16 characters or more (default $TRUCE_TOKEN)")
	f.StringSliceVar(&allowHosts, "allow-host", nil, "further host names clients may use to reach the server, e.g. a reverse proxy's (repeatable)")
	intFlag(f, &maxConcurrent, "max-jobs", 0, 0, maxWorkers, "jobs running at once (0 = number of CPUs)")
	intFlag(f, &maxQueue, "max-queue", 32, 0, 1_000_000, "jobs waiting beyond those running; more are refused with 429")
	intFlag(f, &jobWorkers, "job-workers", 0, 0, maxWorkers, "cores one job may use when no other job waits (0 = number of CPUs)")
	intFlag(f, &jobMaxDraws, "max-draws", 100000, 1, maxDraws, "largest --draws a job may ask for")
	intFlag(f, &jobMaxRuns, "max-runs", 1000000, 1, maxRuns, "largest --runs a job may ask for")
	sizeFlag(f, &maxBody, "max-body", 1<<20, 1<<10, "largest request body, e.g. 1MiB")
	durationFlag(f, &jobTimeout, "job-timeout", server.DefaultJobTimeout, maxTimeout, "time limit of one job")
	sizeFlag(f, &maxResult, "max-result", server.DefaultMaxResult, 1<<10, "largest result one job may store, e.g. 16MiB")
	sizeFlag(f, &jobMemory, "job-memory", budget.ServerLimit, 1<<20, "memory budget of one job, e.g. 1GiB")
	durationFlag(f, &lease, "lease", server.DefaultLeaseTTL, time.Hour, "how long a job stays this server's without a heartbeat; then another server on the same database marks it interrupted")
	f.BoolVarP(&verbose, "verbose", "v", false, "log every request")
	return cmd
}

// serveExamples are the scenarios the UI offers to load.
func serveExamples() []server.Example {
	return server.BuiltinExamples()
}

// redactDB hides a password in a database URL before printing it.
func redactDB(db string) string {
	if u, err := url.Parse(db); err == nil && u.User != nil {
		return u.Redacted()
	}
	return db
}
