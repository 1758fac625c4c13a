package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// outside matches the ways a text can point outside the repository: the
// design notes and the reference folder that sit beside a checkout, and
// paths on the machine it was built on (/work/...), which mean nothing to
// a reader of a fresh checkout (a URL's /work/ follows a word character).
var outside = regexp.MustCompile(`(\.\./)+shared/|\bshared/(seed|reference|DESIGN)|DESIGN\.md|(^|[^\w.])/work/`)

// repoRoot is the repository's top folder, seen from this package.
const repoRoot = "../.."

// TestNothingPointsOutside: no doc, source, scenario, help text or
// generated report names a path outside the repository, and every
// relative link in the Markdown docs resolves to a file inside it.
func TestNothingPointsOutside(t *testing.T) {
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]bool{".md": true, ".go": true, ".yaml": true, ".yml": true, ".json": true, ".html": true, ".js": true, ".css": true, ".txt": true, ".sh": true}
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	n := 0
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(filepath.Ext(path))
		if !texts[ext] && filepath.Base(path) != "run" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		rel, _ := filepath.Rel(root, path)
		for i, line := range strings.Split(string(b), "\n") {
			if m := outside.FindString(line); m != "" && rel != "cmd/truce/links_test.go" {
				t.Errorf("%s:%d points outside the repository (%q): %s", rel, i+1, m, strings.TrimSpace(line))
			}
			if ext != ".md" {
				continue
			}
			for _, m := range link.FindAllStringSubmatch(line, -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				target, _, _ = strings.Cut(target, "#")
				abs := filepath.Clean(filepath.Join(filepath.Dir(path), target))
				if r, err := filepath.Rel(root, abs); err != nil || strings.HasPrefix(r, "..") {
					t.Errorf("%s:%d links outside the repository: %s", rel, i+1, m[1])
				} else if _, err := os.Stat(abs); err != nil {
					t.Errorf("%s:%d links to a missing file: %s", rel, i+1, m[1])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Fatalf("only %d text files found under %s", n, root)
	}
	walk(newRootCmd(), func(c *cobra.Command) {
		for _, s := range []string{c.Short, c.Long, c.Example, c.UsageString()} {
			if m := outside.FindString(s); m != "" {
				t.Errorf("help of %s points outside the repository (%q)", c.CommandPath(), m)
			}
		}
	})
}

// TestDocsCodeBlocksClosed: every Markdown code fence opens and closes on
// a line of its own, so no doc swallows the text after a block.
func TestDocsCodeBlocksClosed(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	files = append(files, filepath.Join(repoRoot, "README.md"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		open := false
		for i, line := range strings.Split(string(b), "\n") {
			s := strings.TrimSpace(line)
			if !strings.HasPrefix(s, "```") {
				if strings.Contains(s, "```") && !strings.Contains(s, "````") && strings.Count(s, "```")%2 == 1 {
					t.Errorf("%s:%d: a code fence inside a line of text", f, i+1)
				}
				continue
			}
			if open && s != "```" {
				t.Errorf("%s:%d: text after a closing code fence: %q", f, i+1, s)
			}
			open = !open
		}
		if open {
			t.Errorf("%s: a code block is never closed", f)
		}
	}
}
