package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// docBlock is a command docs/us-iran-2026.md shows and the lines it says
// the command printed.
type docBlock struct {
	line  int      // of the "$ truce ..." line
	args  []string // after "truce"
	shown []string // the printed lines the page shows, cuts ("...") left out
}

// usIranDocBlocks reads the ``` blocks of the page that start with
// "$ truce " (pageCommands, without the folder).
func usIranDocBlocks(t *testing.T, path string) []docBlock {
	t.Helper()
	var out []docBlock
	for _, c := range pageCommands(t, path) {
		out = append(out, docBlock{line: c.line, args: c.args, shown: c.shown})
	}
	return out
}

// TestUSIranDocSync reruns the commands docs/us-iran-2026.md shows and
// checks that every line the page quotes is what the command prints now,
// in the same order (the page may cut lines, marked "..."), so that the
// page cannot quote a scenario that has since changed. The quick commands
// run always; the ones that take a minute or more of CPU (demo, update,
// sensitivity, discover, audit, a solve with a wide set search) with
// TRUCE_DOCSYNC=1 and a longer
// -timeout (docs/us-iran-2026.md, "Results").
func TestUSIranDocSync(t *testing.T) {
	blocks := usIranDocBlocks(t, "../../docs/us-iran-2026.md")
	if len(blocks) < 8 {
		t.Fatalf("docs/us-iran-2026.md shows %d commands with their output; it shows the demo, check, update, solve, respond, commit, sensitivity, discover and audit", len(blocks))
	}
	quick := map[string]bool{"solve": true, "respond": true, "commit": true, "check": true}
	all := os.Getenv("TRUCE_DOCSYNC") != ""
	// The page's record: the rows from the scenario's start, which the page
	// makes with grep (the command above its check block).
	rec := filepath.Join(t.TempDir(), "since-blockade.csv")
	writeSinceBlockade(t, "../../scenarios/us-iran-2019-2026.csv", rec)
	t.Chdir("../..")
	ran := 0
	for _, b := range blocks {
		if (!quick[b.args[0]] || wideSearch(b.args)) && !all {
			continue
		}
		ran++
		args := make([]string, len(b.args))
		for i, a := range b.args {
			switch a {
			case "since-blockade.csv":
				a = rec
			}
			args[i] = a
		}
		page := filepath.Join(t.TempDir(), "truce-demo.html")
		if args[0] == "demo" {
			args = append(args, "-o", page) // not into the repository
		}
		stdout, stderr, code := runTruce(t, "", args...)
		if code != 0 {
			t.Errorf("docs/us-iran-2026.md:%d: truce %s exited %d: %s", b.line, strings.Join(b.args, " "), code, stderr)
			continue
		}
		stdout = strings.NewReplacer(rec, "since-blockade.csv", page, "truce-demo.html").Replace(stdout)
		shown := b.shown
		if b.args[0] == "demo" {
			shown = nil
			for _, want := range b.shown {
				if !strings.Contains(want, " parameter draws (seed ") { // the timings line
					shown = append(shown, want)
				}
			}
		}
		if want, ok := docShown(shown, stdout); !ok {
			t.Errorf("docs/us-iran-2026.md:%d: truce %s no longer prints (in this order)\n  %s\nit prints:\n%s", b.line, strings.Join(b.args, " "), want, stdout)
		}
	}
	if ran == 0 {
		t.Fatal("no command of the page was rerun")
	}
}

// wideSearch reports a solve whose set search is wider than the default
// (the page's --starts 200, minutes of CPU): it runs with the slow ones.
func wideSearch(args []string) bool {
	for i, a := range args {
		if a == "--starts" && i+1 < len(args) {
			n, err := strconv.Atoi(args[i+1])
			return err != nil || n > 20
		}
	}
	return false
}

// writeSinceBlockade writes the record's header and its rows from
// 2026-04-13 on, as the page's grep does.
func writeSinceBlockade(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		if strings.HasPrefix(l, "date,") || (len(l) >= 10 && l[0] >= '0' && l[0] <= '9' && l[:10] >= "2026-04-13") {
			out = append(out, l)
		}
	}
	if err := os.WriteFile(to, []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
