package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/truce-dev/truce/store"
	"github.com/truce-dev/truce/web"
)

// ServeOptions configure ListenAndServe.
type ServeOptions struct {
	Addr  string // host:port; default 127.0.0.1:8080
	DB    string // store URL (see store.Open); empty = SQLite in the user's data directory
	Token string
	// AllowedHosts are host names beyond the listen address's that
	// requests may use (Config.AllowedHosts).
	AllowedHosts []string
	Runner       Runner
	Examples     []Example
	Limits       Limits
	Logger       *slog.Logger
	Assets       fs.FS // default: the embedded UI
	// Ready, when set, is called with the address actually listened on
	// (useful with port 0) once the server accepts connections.
	Ready func(addr string)
	// ShutdownTimeout bounds how long shutdown waits for running jobs to
	// stop; default 10s.
	ShutdownTimeout time.Duration
}

// ErrNeedToken is returned when asked to listen beyond loopback without a
// token: anyone on the network could otherwise run jobs.
var ErrNeedToken = errors.New("refusing to listen on a non-loopback address without --token")

// IsLoopback reports whether addr's host only accepts connections from this
// machine. An empty host or 0.0.0.0 listens everywhere, so it is not.
func IsLoopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("address %q: %w (want host:port, e.g. 127.0.0.1:8080)", addr, err)
	}
	if host == "localhost" {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}

// ListenAndServe opens the store, serves the API and UI on o.Addr until ctx
// ends or SIGINT/SIGTERM arrives, then shuts down gracefully: running jobs
// are stopped and recorded as interrupted before it returns.
func ListenAndServe(ctx context.Context, o ServeOptions) error {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:8080"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if o.Assets == nil {
		o.Assets = web.Assets()
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 10 * time.Second
	}
	loop, err := IsLoopback(o.Addr)
	if err != nil {
		return err
	}
	if err := CheckToken(o.Token); err != nil {
		return fmt.Errorf("refusing to start: %w", err)
	}
	if !loop && o.Token == "" {
		return fmt.Errorf("%w: %s is reachable from other machines; pass --token T (clients send \"Authorization: Bearer T\") or listen on 127.0.0.1", ErrNeedToken, o.Addr)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := store.Open(ctx, o.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	srv, err := New(ctx, Config{Store: st, Runner: o.Runner, Token: o.Token, Logger: o.Logger, Limits: o.Limits,
		Examples: o.Examples, Assets: o.Assets, Addr: o.Addr, AllowedHosts: o.AllowedHosts})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		srv.Shutdown(context.Background())
		return fmt.Errorf("listening on %s: %w", o.Addr, err)
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(o.Logger.Handler(), slog.LevelWarn),
		// No WriteTimeout: event streams stay open as long as a job runs.
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	o.Logger.Info("truce serve listening", "addr", ln.Addr().String(), "store", st.Backend(), "token", o.Token != "")
	if o.Ready != nil {
		o.Ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		srv.Shutdown(context.Background())
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	o.Logger.Info("shutting down: interrupting running jobs")
	sctx, cancel := context.WithTimeout(context.Background(), o.ShutdownTimeout)
	defer cancel()
	jobErr := srv.Shutdown(sctx)
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
	}
	if jobErr != nil {
		return fmt.Errorf("shutting down: %w", jobErr)
	}
	o.Logger.Info("stopped")
	return nil
}
