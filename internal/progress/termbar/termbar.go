// Package termbar draws internal/progress's bar on a terminal with
// github.com/schollz/progressbar. It is its own package because that
// library imports net/http: truce sets it in its progress.Sink, while
// truce-nash, which must start as fast as a bare Go program, leaves it out.
package termbar

import (
	"io"

	"github.com/schollz/progressbar/v3"
	"github.com/truce-dev/truce/internal/progress"
)

// New is a bar of total steps (-1: unknown) on w, for progress.Sink.Terminal.
func New(w io.Writer, total int64, description string) progress.Terminal {
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
