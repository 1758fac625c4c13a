package gamefile

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestReadInputFiles: ReadInput reads files as os.ReadFile does, refuses
// directories and files over the limit with its messages, and fails on a
// missing file with os.Open's error, word for word.
func TestReadInputFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 1000) // 16,000 bytes, past the first buffer
	for _, tc := range []struct {
		name  string
		data  []byte
		limit int64
	}{
		{"empty", nil, 100},
		{"small", []byte("NFG 1 R \"x\" { \"a\" \"b\" } { 1 1 }\n0 0\n"), 100},
		{"big", big, 1 << 20},
		{"exactly the limit", big, int64(len(big))},
		{"bom", append([]byte("\uFEFF"), "NFG"...), 100},
	} {
		p := write(tc.name, tc.data)
		name, got, err := ReadInput(nil, p, tc.limit)
		want, _ := os.ReadFile(p)
		want = bytes.TrimPrefix(want, []byte("\uFEFF"))
		if err != nil || name != p || !bytes.Equal(got, want) {
			t.Errorf("%s: %q, %d bytes, %v; want %d bytes", tc.name, name, len(got), err, len(want))
		}
	}
	p := write("over", big)
	if _, _, err := ReadInput(nil, p, int64(len(big))-1); err == nil || err.Error() != tooLarge(p, int64(len(big)), int64(len(big))-1).Error() {
		t.Errorf("over the limit: %v", err)
	}
	if _, _, err := ReadInput(nil, dir, 100); err == nil || err.Error() != dir+" is a directory, not a file" {
		t.Errorf("directory: %v", err)
	}
	missing := filepath.Join(dir, "missing.nfg")
	_, werr := os.Open(missing)
	if _, _, err := ReadInput(nil, missing, 100); err == nil || err.Error() != werr.Error() || !os.IsNotExist(err) {
		t.Errorf("missing: %v, want %v", err, werr)
	}
}

// TestReadInputPipe: a path that is a pipe (a shell's <(...)) is read to
// its end, and one that sends more than the limit is refused.
func TestReadInputPipe(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc/self/fd is Linux's")
	}
	for _, n := range []int{3000, 5000} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		data := strings.Repeat("x", n)
		go func() {
			w.WriteString(data)
			w.Close()
		}()
		p := "/proc/self/fd/" + strconv.Itoa(int(r.Fd()))
		_, got, err := ReadInput(nil, p, 4000)
		r.Close()
		switch {
		case n <= 4000 && (err != nil || string(got) != data):
			t.Errorf("pipe of %d bytes: %d bytes, %v", n, len(got), err)
		case n > 4000 && (err == nil || !strings.HasSuffix(err.Error(), ": file too large (more than 3.9 KiB, the limit; docs/limits.md)")):
			// Only "more than the limit" is known of a pipe: no size that
			// is the limit's own, as "4001 B; the limit is 4000 B" was.
			t.Errorf("pipe of %d bytes over a limit of 4000: %v", n, err)
		}
	}
}
