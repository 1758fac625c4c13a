package progress

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/term"
)

func TestNotTerminalIsSilent(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, 10, "work")
	if b != nil {
		t.Fatalf("New on a buffer returned a bar")
	}
	// A nil bar must accept every call.
	b.Add(1)
	b.Set(5)
	b.Describe("x")
	b.Finish()
	if buf.Len() != 0 {
		t.Fatalf("nil bar wrote %q", buf.String())
	}
}

// TestPlainLines: away from a terminal, nothing for short work, then a
// line every Interval with the count, the share and the time left, and a
// last line when done; JSON carries the same.
func TestPlainLines(t *testing.T) {
	for _, asJSON := range []bool{false, true} {
		var buf bytes.Buffer
		clock := time.Unix(0, 0)
		l := newLiner(&buf, 1000, "draws", asJSON, func() time.Time { return clock })
		l.done = 100
		l.maybeWrite() // at 0 s: too early
		clock = clock.Add(Delay - time.Millisecond)
		l.maybeWrite()
		if buf.Len() != 0 {
			t.Fatalf("wrote before Delay: %q", buf.String())
		}
		clock = clock.Add(2 * time.Millisecond)
		l.done = 250
		l.maybeWrite()
		clock = clock.Add(Interval / 2)
		l.maybeWrite() // too soon after the first line
		clock = clock.Add(Interval)
		l.done = 500
		l.maybeWrite()
		l.done = 1000
		l.finish()
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(lines) != 3 {
			t.Fatalf("json=%v: %d lines:\n%s", asJSON, len(lines), buf.String())
		}
		if !asJSON {
			if lines[0] != "truce: draws 250/1000 (25%), 3s elapsed, about 9s left" || !strings.HasSuffix(lines[2], "1000/1000 (100%), finished in 18s") {
				t.Errorf("lines:\n%s", buf.String())
			}
			continue
		}
		var rec struct {
			Progress struct {
				What  string `json:"what"`
				Done  int64  `json:"done"`
				Total int64  `json:"total"`
			} `json:"progress"`
		}
		if err := json.Unmarshal([]byte(lines[1]), &rec); err != nil || rec.Progress.Done != 500 || rec.Progress.Total != 1000 || rec.Progress.What != "draws" {
			t.Errorf("json line %q: %v", lines[1], err)
		}
	}
}

// TestStoppedShort: a last line for work that ended short of its total (a
// time limit, an interruption) says it stopped, not that it finished.
func TestStoppedShort(t *testing.T) {
	for _, asJSON := range []bool{false, true} {
		var buf bytes.Buffer
		clock := time.Unix(0, 0)
		l := newLiner(&buf, 50, "likelihood", asJSON, func() time.Time { return clock })
		clock = clock.Add(Delay)
		l.maybeWrite()
		clock = clock.Add(16 * time.Second)
		l.finish()
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		last := lines[len(lines)-1]
		if asJSON {
			if !strings.Contains(last, `"stopped":true`) {
				t.Errorf("json: last line %q lacks stopped", last)
			}
			continue
		}
		if last != "truce: likelihood 0/50 (0%), stopped after 19s" {
			t.Errorf("last line %q", last)
		}
	}
}

// TestModes: a Sink chooses the mode; None and a plain buffer are silent.
func TestModes(t *testing.T) {
	var buf bytes.Buffer
	if New(&Sink{W: &buf, Mode: None}, 10, "x") != nil {
		t.Error("None made a bar")
	}
	b := New(&Sink{W: &buf, Mode: Plain}, 10, "x")
	if b == nil || b.line == nil {
		t.Fatal("Plain made no liner")
	}
	b.Set(3)
	b.Finish() // short work: nothing written
	if buf.Len() != 0 {
		t.Errorf("short work wrote %q", buf.String())
	}
	for _, s := range []string{"auto", "plain", "json", "none"} {
		if _, err := ParseMode(s); err != nil {
			t.Error(err)
		}
	}
	if _, err := ParseMode("loud"); err == nil {
		t.Error("ParseMode(loud)")
	}
}

// TestAutoAwayFromTerminal: in auto mode, stderr redirected to a pipe or a
// file gets status lines (after Delay, then every Interval), never the
// terminal bar, and not one control character besides the newline ending
// each line, even when a description carries one.
func TestAutoAwayFromTerminal(t *testing.T) {
	for _, kind := range []string{"pipe", "file"} {
		t.Run(kind, func(t *testing.T) {
			var w, r *os.File
			var err error
			if kind == "pipe" {
				r, w, err = os.Pipe()
			} else {
				w, err = os.Create(filepath.Join(t.TempDir(), "stderr"))
			}
			if err != nil {
				t.Fatal(err)
			}
			if term.IsTerminal(int(w.Fd())) {
				t.Fatalf("a %s is not a terminal", kind)
			}
			// A Terminal that finds no terminal (termbar.New on a pipe or
			// a file) leaves the status lines, as no Terminal does.
			noTerm := func(io.Writer, int64, string) Terminal { return nil }
			sink := &Sink{W: w, Mode: Auto}
			if kind == "file" {
				sink.Terminal = noTerm
			}
			b := New(sink, 100, "draws\x1b[2J\r")
			if b == nil || b.bar != nil || b.line == nil {
				t.Fatalf("auto on a %s: %+v, want status lines", kind, b)
			}
			b.mu.Lock()
			clock := b.line.start
			b.line.now = func() time.Time { return clock }
			b.mu.Unlock()
			step := func(d time.Duration, f func()) {
				b.mu.Lock()
				clock = clock.Add(d)
				b.mu.Unlock()
				f()
			}
			step(Delay, func() { b.Set(40) })
			step(Interval, func() { b.Describe("phase\x1b[K 2\nnext") })
			step(time.Second, func() { b.Add(60) })
			step(0, b.Finish)
			var out []byte
			if kind == "pipe" {
				w.Close()
				out, err = io.ReadAll(r)
			} else {
				out, err = os.ReadFile(w.Name())
			}
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
			if len(lines) != 3 || !strings.HasPrefix(lines[0], "truce: draws?[2J? 40/100 (40%)") ||
				!strings.HasPrefix(lines[2], "truce: phase?[K 2?next 100/100 (100%), finished in") {
				t.Fatalf("%d lines:\n%s", len(lines), out)
			}
			for i, c := range out {
				if (c < 0x20 && c != '\n') || c == 0x7f {
					t.Fatalf("control byte %#x at %d in %q", c, i, out)
				}
			}
		})
	}
}

// TestSinkProg: a status line starts with the Sink's program name, truce
// when it names none (truce-nash's lines said "truce:").
func TestSinkProg(t *testing.T) {
	for _, c := range []struct{ prog, want string }{
		{"", "truce: nash lcp 1 done, finished in 3s\n"},
		{"truce-nash", "truce-nash: nash lcp 1 done, finished in 3s\n"},
	} {
		var buf bytes.Buffer
		b := New(&Sink{W: &buf, Mode: Plain, Prog: c.prog}, -1, "nash lcp")
		start := time.Unix(0, 0)
		b.mu.Lock()
		// A clock past Delay that never moves: no race with the tick.
		b.line.now = func() time.Time { return start.Add(Delay + time.Millisecond) }
		b.line.start, b.line.last = start, start
		b.mu.Unlock()
		b.Add(1)
		b.Finish()
		if got := buf.String(); !strings.HasSuffix(got, c.want) || !strings.HasPrefix(got, c.want[:strings.Index(c.want, " ")]) {
			t.Errorf("prog %q: %q, want lines starting %q ending %q", c.prog, got, c.want[:strings.Index(c.want, " ")], c.want)
		}
	}
}
