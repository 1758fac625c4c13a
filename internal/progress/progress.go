// Package progress reports the progress of long-running commands: a bar on
// a terminal; elsewhere (piped, in CI, in a log) a one-line status every few
// seconds once the work has lasted a few seconds, as plain text or JSON.
package progress

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Mode says how progress is shown.
type Mode int

const (
	// Auto draws a bar on a terminal and writes Plain lines elsewhere.
	Auto Mode = iota
	// Plain writes a line of text every Interval once the work has
	// lasted Delay: "truce: draws 340/1000 (34%), 12s elapsed, about 23s left".
	Plain
	// JSON writes the same as one JSON object a line.
	JSON
	// None shows nothing.
	None
)

// ParseMode reads a mode by name: auto, plain, json or none.
func ParseMode(s string) (Mode, error) {
	switch s {
	case "auto", "":
		return Auto, nil
	case "plain":
		return Plain, nil
	case "json":
		return JSON, nil
	case "none":
		return None, nil
	}
	return Auto, fmt.Errorf("unknown progress mode %q (auto, plain, json or none)", s)
}

// Timing of the status lines when not on a terminal.
const (
	Delay    = 3 * time.Second  // nothing is written for work shorter than this
	Interval = 10 * time.Second // then one line every Interval
)

// Sink is a writer for progress that carries its mode: a command gives one
// to the code that calls New, which needs no other setting. Terminal draws
// the bar when the Sink's writer is a terminal and returns nil when it is
// not (internal/progress/termbar); without it a terminal gets Plain status
// lines, which keeps the bar's library (it imports net/http) and the
// terminal test (golang.org/x/term) out of binaries that do not want
// them, such as truce-nash.
type Sink struct {
	W        io.Writer
	Mode     Mode
	Terminal func(w io.Writer, total int64, description string) Terminal
	// Prog names the program at the start of a status line ("truce" when
	// empty): truce-nash's lines say truce-nash.
	Prog string
}

// Terminal is a bar drawn on a terminal.
type Terminal interface {
	Set64(n int64) error
	Add64(n int64) error
	Describe(s string)
	Finish() error
}

func (s *Sink) Write(p []byte) (int, error) { return s.W.Write(p) }

// Bar reports progress towards a known total. A nil *Bar does nothing, so
// callers need no checks.
type Bar struct {
	mu    sync.Mutex
	bar   Terminal    // on a terminal
	line  *liner      // elsewhere
	timer *time.Timer // the liner's tick; nil once Finish has run
}

// New returns a bar for work of total steps (-1: unknown) on w, drawn
// according to w's mode (a Sink's; Auto otherwise), or nil when nothing is
// to be shown.
func New(w io.Writer, total int64, description string) *Bar {
	mode := Auto
	var bar func(io.Writer, int64, string) Terminal
	prog := ""
	if s, ok := w.(*Sink); ok {
		mode, bar, prog = s.Mode, s.Terminal, s.Prog
	}
	if w == nil || mode == None {
		return nil
	}
	description = printable(description)
	if mode == Auto && bar != nil {
		if t := bar(w, total, description); t != nil {
			return &Bar{bar: t}
		}
	}
	if _, isSink := w.(*Sink); !isSink && mode == Auto {
		// A plain writer that is not a terminal (a buffer in a test, a
		// pipe given directly): silent, as before modes existed.
		return nil
	}
	b := &Bar{line: newLiner(w, total, description, mode == JSON, time.Now)}
	b.line.prog = prog
	b.mu.Lock()
	b.timer = time.AfterFunc(tick, b.tick)
	b.mu.Unlock()
	return b
}

// tick is how often the liner looks whether a status line is due when
// the work goes quiet.
const tick = Interval / 2

// printable replaces control characters (escape sequences, carriage
// returns, newlines) in a description by '?': a description may carry a
// name from an input file, and status lines going to a pipe or a log must
// hold no terminal control codes and stay one line each.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s)
}

// tick writes a status line when the work goes quiet (a long step that
// reports nothing), every tick until Finish. It is a timer's function,
// not a goroutine that waits: work that ends within the first tick, as
// most runs do, starts no goroutine for it.
func (b *Bar) tick() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.timer == nil { // Finish ran
		return
	}
	b.line.maybeWrite()
	b.timer.Reset(tick)
}

// Set moves the bar to n done. Safe for concurrent use.
func (b *Bar) Set(n int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar != nil {
		_ = b.bar.Set64(n)
		return
	}
	b.line.done = n
	b.line.maybeWrite()
}

// Add advances the bar by n. Safe for concurrent use.
func (b *Bar) Add(n int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar != nil {
		_ = b.bar.Add64(n)
		return
	}
	b.line.done += n
	b.line.maybeWrite()
}

// Describe changes the text shown beside the bar (e.g. "λ=12.5").
func (b *Bar) Describe(s string) {
	if b == nil {
		return
	}
	s = printable(s)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar != nil {
		b.bar.Describe(s)
		return
	}
	b.line.what = s
	b.line.maybeWrite()
}

// Finish clears the bar from the terminal; elsewhere, when status lines
// were written, it writes a last one saying the work is done.
func (b *Bar) Finish() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar != nil {
		_ = b.bar.Finish()
		return
	}
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	b.line.finish()
}

// liner writes the status lines away from a terminal. Lines are written
// when the work reports progress; a ticker also writes one when the work
// goes quiet for an Interval, so that a long step still shows signs of
// life.
type liner struct {
	w           io.Writer
	total, done int64
	what        string
	prog        string // "" for truce
	json        bool
	now         func() time.Time
	start, last time.Time
	wrote       bool
}

func newLiner(w io.Writer, total int64, what string, asJSON bool, now func() time.Time) *liner {
	t := now()
	return &liner{w: w, total: total, what: what, json: asJSON, now: now, start: t, last: t}
}

// maybeWrite writes a line when the work has lasted Delay and the last
// line is Interval old. The caller holds the Bar's lock.
func (l *liner) maybeWrite() {
	t := l.now()
	if t.Sub(l.start) < Delay || (l.wrote && t.Sub(l.last) < Interval) {
		return
	}
	l.write(t, false)
}

func (l *liner) write(t time.Time, final bool) {
	elapsed := t.Sub(l.start)
	l.wrote, l.last = true, t
	if l.json {
		rec := struct {
			What    string  `json:"what"`
			Done    int64   `json:"done"`
			Total   int64   `json:"total,omitempty"`
			Elapsed float64 `json:"elapsed_seconds"`
			Left    float64 `json:"left_seconds,omitempty"`
			Final   bool    `json:"finished,omitempty"`
			Stopped bool    `json:"stopped,omitempty"` // final, short of the total
		}{What: l.what, Done: l.done, Elapsed: elapsed.Seconds(), Final: final, Stopped: final && l.total > 0 && l.done < l.total}
		if l.total > 0 {
			rec.Total = l.total
			if l.done > 0 && !final {
				rec.Left = elapsed.Seconds() * float64(l.total-l.done) / float64(l.done)
			}
		}
		b, _ := json.Marshal(struct {
			Progress any `json:"progress"`
		}{rec})
		fmt.Fprintf(l.w, "%s\n", b)
		return
	}
	prog := l.prog
	if prog == "" {
		prog = "truce"
	}
	msg := fmt.Sprintf("%s: %s", prog, l.what)
	switch {
	case l.total > 0:
		msg += fmt.Sprintf(" %d/%d (%.0f%%)", l.done, l.total, 100*float64(l.done)/float64(l.total))
	case l.done > 0:
		msg += fmt.Sprintf(" %d done", l.done)
	}
	switch {
	case final && l.total > 0 && l.done < l.total:
		// Finish after a time limit, an interruption or an error: the
		// work did not reach its total, and "finished" would say it had.
		msg += fmt.Sprintf(", stopped after %s", elapsed.Round(time.Second))
	case final:
		msg += fmt.Sprintf(", finished in %s", elapsed.Round(time.Second))
	default:
		msg += fmt.Sprintf(", %s elapsed", elapsed.Round(time.Second))
		if l.total > 0 && l.done > 0 && l.done < l.total {
			left := time.Duration(float64(elapsed) * float64(l.total-l.done) / float64(l.done))
			msg += fmt.Sprintf(", about %s left", left.Round(time.Second))
		}
	}
	fmt.Fprintln(l.w, msg)
}

func (l *liner) finish() {
	if l.wrote {
		l.write(l.now(), true)
	}
}
