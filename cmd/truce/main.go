// Command truce analyses standoffs between states: it reads scenario files and
// game files and reports equilibria, probabilities of endings and credibility.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	root := newRootCmd()
	if err := root.ExecuteContext(ctx); err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.msg != "" {
				fmt.Fprintln(os.Stderr, ee.msg)
			}
			os.Exit(ee.code)
		}
		fmt.Fprintln(os.Stderr, "truce:", err)
		os.Exit(1)
	}
}

// exitError carries an exit code through cobra; msg may be empty when the
// command already printed its diagnostics.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }
