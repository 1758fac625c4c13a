// Package termbar draws internal/progress's bar on a terminal with
// github.com/schollz/progressbar. It is its own package because that
// library imports net/http, and the terminal test golang.org/x/term:
// truce sets it in its progress.Sink, while truce-nash, which must start
// as fast as a bare Go program, leaves both out.
package termbar

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"github.com/truce-dev/truce/internal/progress"
	"golang.org/x/term"
)

// New is a bar of total steps (-1: unknown) on w, for progress.Sink.Terminal,
// or nil when w is not a terminal.
func New(w io.Writer, total int64, description string) progress.Terminal {
	if !IsTerminal(w) {
		return nil
	}
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(description),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100_000_000), // 100 ms
		progressbar.OptionClearOnFinish(),
		progressbar.OptionShowElapsedTimeOnFinish(),
	)
}

// IsTerminal reports whether w (or the writer inside a progress.Sink) is
// a terminal.
func IsTerminal(w io.Writer) bool {
	if s, ok := w.(*progress.Sink); ok {
		w = s.W
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
