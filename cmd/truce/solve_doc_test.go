package main

import (
	"strings"
	"testing"
)

// TestSolveDocSync reruns every command docs/solve.md shows with its
// output (solve, respond, commit and analyze of the hypotheses over the
// set and of leverage; each a second or less of CPU) and checks that every
// line the page quotes is what the command prints now, in the same order
// (cuts marked "..." or "(… cut here)"), so that the page's outputs
// cannot go stale.
func TestSolveDocSync(t *testing.T) {
	blocks := usIranDocBlocks(t, "../../docs/solve.md")
	if len(blocks) < 8 {
		t.Fatalf("docs/solve.md shows %d commands with their output; it shows solve --all, respond, commit and analyze", len(blocks))
	}
	t.Chdir("../..")
	for _, b := range blocks {
		stdout, stderr, code := runTruce(t, "", append(b.args, "--progress", "none")...)
		if code != 0 {
			t.Errorf("docs/solve.md:%d: truce %s exited %d: %s", b.line, strings.Join(b.args, " "), code, stderr)
			continue
		}
		if want, ok := docShown(b.shown, stdout); !ok {
			t.Errorf("docs/solve.md:%d: truce %s no longer prints (in this order)\n  %s\nit prints:\n%s", b.line, strings.Join(b.args, " "), want, stdout)
		}
	}
}

// docShown reports whether every line a page shows is among the lines of
// stdout, in the same order; if not, the first line that is not.
func docShown(shown []string, stdout string) (string, bool) {
	var got []string
	for _, l := range strings.Split(stdout, "\n") {
		got = append(got, strings.TrimRight(l, " "))
	}
	k := 0
	for _, want := range shown {
		for k < len(got) && got[k] != want {
			k++
		}
		if k == len(got) {
			return want, false
		}
		k++
	}
	return "", true
}
