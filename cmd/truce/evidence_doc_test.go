package main

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// pageCommand is one "$ truce ..." line of a page's code block, the folder
// a "$ cd DIR" line before it moved to, and the lines the page shows under
// it (cuts, "...", left out).
type pageCommand struct {
	line  int
	dir   string
	args  []string
	shown []string
}

// pageCommands reads every "$ truce " line of the ``` blocks of a page;
// a block may hold several commands, each followed by what it printed.
func pageCommands(t *testing.T, path string) []pageCommand {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		out    []pageCommand
		in     bool
		cur    *pageCommand
		dir    string
		lineNo int
	)
	flush := func() {
		if cur != nil {
			out = append(out, *cur)
		}
		cur = nil
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lineNo++
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "```"):
			flush()
			in, dir = !in, ""
		case in && strings.HasPrefix(l, "$ cd "):
			flush()
			dir = strings.TrimSpace(strings.TrimPrefix(l, "$ cd "))
		case in && strings.HasPrefix(l, "$ truce "):
			flush()
			cur = &pageCommand{line: lineNo, dir: dir, args: strings.Fields(strings.TrimPrefix(l, "$ truce "))}
		case in && strings.HasPrefix(l, "$ "):
			flush()
		case in && cur != nil:
			if t := strings.TrimSpace(l); t == "..." || t == "" || strings.HasPrefix(t, "(…") {
				continue
			}
			cur.shown = append(cur.shown, strings.TrimRight(l, " "))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEvidenceDocsSync reruns the commands docs/evidence.md and
// docs/report.md show and checks that every line they quote is what the
// command prints now (stderr, then stdout), in order, so that the pages
// cannot quote output the code no longer gives. Commands that need a
// forecast ledger (forecast, score, --db) are left out; a report that
// writes a page (minutes of CPU on the bundled scenario) runs with
// TRUCE_DOCSYNC=1; its refusals of bad input always run.
func TestEvidenceDocsSync(t *testing.T) {
	rec := filepath.Join(t.TempDir(), "since-blockade.csv")
	writeSinceBlockade(t, "../../scenarios/us-iran-2019-2026.csv", rec)
	all := os.Getenv("TRUCE_DOCSYNC") != ""
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, page := range []string{"docs/evidence.md", "docs/report.md"} {
		cmds := pageCommands(t, filepath.Join(root, page))
		if len(cmds) < 3 {
			t.Fatalf("%s shows only %d commands", page, len(cmds))
		}
		for _, c := range cmds {
			refusal := len(c.shown) > 0 && strings.HasPrefix(c.shown[0], "truce "+c.args[0]+": ")
			switch {
			case c.args[0] == "forecast" || c.args[0] == "score" || slices.Contains(c.args, "--db"):
				continue
			case c.args[0] == "report" && !refusal && !all:
				continue
			}
			ran++
			args := slices.Clone(c.args)
			for i, a := range args {
				switch a {
				case "since-blockade.csv":
					args[i] = rec
				case "-o":
					args[i+1] = filepath.Join(t.TempDir(), args[i+1])
				}
			}
			t.Chdir(filepath.Join(root, c.dir))
			stdout, stderr, code := runTruce(t, "", args...)
			if (code != 0) != refusal {
				t.Errorf("%s:%d: truce %s exited %d: %s", page, c.line, strings.Join(c.args, " "), code, stderr)
				continue
			}
			got := strings.Split(stderr+stdout, "\n")
			for i, l := range got {
				got[i] = strings.TrimRight(strings.ReplaceAll(l, rec, "since-blockade.csv"), " ")
			}
			k := 0
			for _, want := range c.shown {
				for k < len(got) && got[k] != want {
					k++
				}
				if k == len(got) {
					t.Errorf("%s:%d: truce %s no longer prints (in this order)\n  %s\nit prints:\n%s", page, c.line, strings.Join(c.args, " "), want, stderr+stdout)
					break
				}
				k++
			}
		}
	}
	if ran < 4 {
		t.Fatalf("only %d commands of the pages were rerun", ran)
	}
}
