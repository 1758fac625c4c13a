package termbar

import (
	"bytes"
	"os"
	"testing"

	"github.com/truce-dev/truce/internal/progress"
)

// TestNotTerminal: a buffer, a pipe and a Sink around a pipe are not
// terminals, and New gives no bar for them (progress.New then writes
// status lines).
func TestNotTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	var buf bytes.Buffer
	for _, x := range []struct {
		name string
		w    interface{ Write([]byte) (int, error) }
	}{{"buffer", &buf}, {"pipe", w}, {"sink on a pipe", &progress.Sink{W: w, Mode: progress.Auto}}} {
		if IsTerminal(x.w) {
			t.Errorf("%s: IsTerminal", x.name)
		}
		if b := New(x.w, 10, "work"); b != nil {
			t.Errorf("%s: New drew a bar", x.name)
		}
	}
	b := progress.New(&progress.Sink{W: w, Mode: progress.Auto, Terminal: New}, 10, "work")
	if b == nil {
		t.Fatal("progress.New with termbar on a pipe: nil, want status lines")
	}
	b.Finish()
}
