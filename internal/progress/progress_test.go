package progress

import (
	"bytes"
	"testing"
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
	if IsTerminal(&buf) {
		t.Fatal("a buffer is not a terminal")
	}
}
