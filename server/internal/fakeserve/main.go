// Command fakeserve is truce serve with the fake runner in place of the
// scenario engine. The crash test builds it to kill a server mid-job and
// restart it, with jobs whose length the test controls.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/truce-dev/truce/server"
	"github.com/truce-dev/truce/server/internal/fakerunner"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	db := flag.String("db", "", "store URL")
	token := flag.String("token", "", "bearer token")
	delay := flag.Duration("delay", 10*time.Millisecond, "time per fake step")
	lease := flag.Duration("lease", 0, "job lease without heartbeat (default server.DefaultLeaseTTL)")
	flag.Parse()
	err := server.ListenAndServe(context.Background(), server.ServeOptions{
		Addr: *addr, DB: *db, Token: *token,
		Limits: server.Limits{LeaseTTL: *lease},
		Runner: &fakerunner.Runner{Delay: *delay},
		Logger: slog.New(slog.NewTextHandler(os.Stderr, nil)),
		Ready:  func(a string) { fmt.Printf("listening %s\n", a) },
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeserve:", err)
		os.Exit(1)
	}
}
