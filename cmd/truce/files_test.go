package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenInputCap: a stream is read up to its limit; one byte more fails
// with the limit named (the caller names the file).
func TestOpenInputCap(t *testing.T) {
	for _, tc := range []struct {
		src, err string
	}{
		{"0123456789", ""},
		{"0123456789x", "file too large (more than 10 B, the limit; docs/limits.md)"},
	} {
		name, r, err := openInput(strings.NewReader(tc.src), "-", 10)
		if err != nil || name != stdinName {
			t.Fatal(name, err)
		}
		b, err := io.ReadAll(r)
		if tc.err == "" && (err != nil || string(b) != tc.src) {
			t.Errorf("%q: read %q, %v", tc.src, b, err)
		}
		if tc.err != "" && (err == nil || err.Error() != tc.err || string(b) != tc.src[:10]) {
			t.Errorf("%q: read %q, %v; want the first 10 bytes and %q", tc.src, b, err, tc.err)
		}
	}
	dir := t.TempDir()
	if _, _, err := openInput(nil, dir, 10); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
	big := filepath.Join(dir, "big")
	os.WriteFile(big, make([]byte, 11), 0o644)
	if _, _, err := openInput(nil, big, 10); err == nil || !strings.Contains(err.Error(), "big: file too large (11 B; the limit is 10 B") {
		t.Errorf("regular file over the limit: %v", err)
	}
}
