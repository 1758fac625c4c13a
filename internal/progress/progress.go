// Package progress draws progress bars for long-running commands on a terminal.
// It is silent when the output is not a terminal, so piped output stays clean.
package progress

import (
	"io"
	"os"
	"sync"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Bar reports progress towards a known total. The zero value is not usable;
// a nil *Bar is, and does nothing, so callers need no terminal checks.
type Bar struct {
	mu  sync.Mutex
	bar *progressbar.ProgressBar
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// New returns a bar drawn on w when w is a terminal, and nil otherwise.
// A total of -1 draws a spinner for work of unknown size.
func New(w io.Writer, total int64, description string) *Bar {
	if !IsTerminal(w) {
		return nil
	}
	return &Bar{bar: progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(description),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100_000_000), // 100 ms
		progressbar.OptionClearOnFinish(),
		progressbar.OptionShowElapsedTimeOnFinish(),
	)}
}

// Set moves the bar to n done. Safe for concurrent use.
func (b *Bar) Set(n int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	_ = b.bar.Set64(n)
}

// Add advances the bar by n. Safe for concurrent use.
func (b *Bar) Add(n int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	_ = b.bar.Add64(n)
}

// Describe changes the text shown beside the bar (e.g. "λ=12.5").
func (b *Bar) Describe(s string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bar.Describe(s)
}

// Finish clears the bar from the terminal.
func (b *Bar) Finish() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	_ = b.bar.Finish()
}
