package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/game/gambit"
	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/scenario"
)

// Every file truce reads goes through readInput and every file it writes
// through writeOutput: "-" is stdin or stdout, inputs have a size cap, and
// outputs are written atomically and never over an input.

// maxGameFileSize caps .nfg, .efg and game JSON files (docs/limits.md);
// scenario files have scenario.MaxFileSize.
const maxGameFileSize = 256 << 20

// stdinName names standard input in messages and file:line:col positions.
const stdinName = "<stdin>"

// readInput reads path whole, or standard input when path is "-", refusing
// more than limit bytes; a UTF-8 byte-order mark is dropped (it does not
// move line:col positions). name is what messages call the input.
func readInput(stdin io.Reader, path string, limit int64) (name string, src []byte, err error) {
	var r io.Reader
	name = path
	if path == "-" {
		name = stdinName
		if stdin == nil {
			stdin = os.Stdin
		}
		r = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return name, nil, err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return name, nil, err
		}
		if st.IsDir() {
			return name, nil, fmt.Errorf("%s is a directory, not a file", path)
		}
		if st.Mode().IsRegular() && st.Size() > limit {
			return name, nil, tooLarge(name, st.Size(), limit)
		}
		r = f
	}
	src, err = io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return name, nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if int64(len(src)) > limit {
		return name, nil, tooLarge(name, int64(len(src)), limit)
	}
	return name, bytes.TrimPrefix(src, []byte("\uFEFF")), nil
}

func tooLarge(name string, size, limit int64) error {
	more := ""
	if name == stdinName {
		more = "more than "
	}
	return fmt.Errorf("%s: file too large (%s%s; the limit is %s, docs/limits.md)", name, more, budget.Format(size), budget.Format(limit))
}

// gameFormats are the game file formats: by extension, --from, or sniffed.
var gameFormats = []string{"nfg", "efg", "json"}

// formatOf names a file's format by its extension: nfg, json, efg, or
// the extension itself.
func formatOf(path string) string {
	return strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
}

// sniffGame tells a game file's format from its first characters: Gambit
// files start with NFG or EFG, truce's JSON with {.
func sniffGame(src []byte) string {
	t := bytes.TrimLeft(src, " \t\r\n")
	switch {
	case bytes.HasPrefix(t, []byte("{")):
		return "json"
	case bytes.HasPrefix(t, []byte("NFG")):
		return "nfg"
	case bytes.HasPrefix(t, []byte("EFG")):
		return "efg"
	}
	return ""
}

// readGame reads a game: a strategic game (.nfg, .json) or a tree (.efg),
// exactly one of them non-nil. The format is from, else the file's
// extension, else (stdin, or an unknown extension) sniffed from the text.
func readGame(stdin io.Reader, path, from string) (*game.Strategic, *game.Tree, string, error) {
	name, src, err := readInput(stdin, path, maxGameFileSize)
	if err != nil {
		return nil, nil, name, err
	}
	format := from
	if format == "" && path != "-" {
		if f := formatOf(path); f == "nfg" || f == "efg" || f == "json" {
			format = f
		}
	}
	if format == "" {
		if format = sniffGame(src); format == "" {
			return nil, nil, name, fmt.Errorf("%s: cannot tell the game format (not .nfg, .efg or JSON); give --from nfg, efg or json", name)
		}
	}
	switch format {
	case "nfg":
		g, err := gambit.ReadNFG(name, bytes.NewReader(src))
		return g, nil, name, err
	case "json":
		g, err := game.ReadJSON(name, bytes.NewReader(src))
		return g, nil, name, err
	case "efg":
		t, err := gambit.ReadEFG(name, bytes.NewReader(src))
		return nil, t, name, err
	}
	return nil, nil, name, fmt.Errorf("unknown game format %q (want %s)", format, orList(gameFormats))
}

// reducedOf is the reduced strategic form of a tree, so that every command
// that takes a strategic game also takes a tree.
func reducedOf(ctx context.Context, name string, t *game.Tree) (*game.Strategic, error) {
	g, err := t.ReducedStrategic(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err) // the error names the reduced form
	}
	return g, nil
}

// loadScenario reads and parses a scenario file ("-" = stdin). A nil
// scenario with a nil error means the file has errors, listed in the
// diagnostics.
func loadScenario(cmd *cobra.Command, path string) (*scenario.Scenario, []scenario.Diagnostic, error) {
	sc, _, diags, err := loadScenarioSrc(cmd, path)
	return sc, diags, err
}

// loadScenarioSrc is loadScenario that also returns the file's bytes. In a
// merge (truce merge), the scenario is the one the parts carry.
func loadScenarioSrc(cmd *cobra.Command, path string) (*scenario.Scenario, []byte, []scenario.Diagnostic, error) {
	var (
		name = path
		src  []byte
		err  error
	)
	if m := mergeFrom(cmd.Context()); m != nil && path == m.parts[0].Scenario {
		src = []byte(m.parts[0].Source)
		if path == "-" {
			name = stdinName
		}
	} else if name, src, err = readInput(cmd.InOrStdin(), path, scenario.MaxFileSize); err != nil {
		return nil, nil, nil, err
	}
	sc, diags := scenario.ParseContext(cmd.Context(), name, src)
	return sc, src, diags, nil
}

// mustLoadScenario is loadScenario for commands that need a valid file:
// diagnostics go to stderr (or into the --format json error) and a file
// with errors fails the command.
func mustLoadScenario(cmd *cobra.Command, name, path string) (*scenario.Scenario, error) {
	sc, _, err := mustLoadScenarioSrc(cmd, name, path)
	return sc, err
}

// mustLoadScenarioSrc is mustLoadScenario that also returns the file's bytes.
func mustLoadScenarioSrc(cmd *cobra.Command, name, path string) (*scenario.Scenario, []byte, error) {
	sc, src, diags, err := loadScenarioSrc(cmd, path)
	if err != nil {
		return nil, nil, &exitError{codeFailure, fmt.Sprintf("truce %s: %v", name, err)}
	}
	if sc != nil {
		diags = append(diags, lintWarnings(cmd, sc)...)
		sortDiagnostics(diags)
	}
	json := wantsJSON(cmd, nil)
	if !json || sc != nil {
		printDiagnostics(cmd.ErrOrStderr(), diags)
	}
	if sc == nil {
		shown := path
		if path == "-" {
			shown = stdinName
		}
		return nil, nil, &cmdError{msg: fmt.Sprintf("truce %s: %s has errors; nothing was run", name, shown), diags: diags}
	}
	return sc, src, nil
}

func printDiagnostics(w io.Writer, diags []scenario.Diagnostic) {
	for _, d := range diags {
		fmt.Fprintln(w, d.String())
	}
}

// writeOutput writes what write produces to path, or to the command's
// stdout when path is "" or "-". A file is written atomically (see
// writeFileAtomic) and never over one of the command's inputs.
func writeOutput(cmd *cobra.Command, path string, inputs []string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(cmd.OutOrStdout())
	}
	if err := notAnInput(path, inputs); err != nil {
		return err
	}
	return writeFileAtomic(path, write)
}

// notAnInput refuses an output path that is the same file as an input
// (also through a link or another spelling of the path).
func notAnInput(out string, inputs []string) error {
	ost, err := os.Stat(out)
	if err != nil {
		return nil // a file that does not exist yet is no input
	}
	for _, in := range inputs {
		if in == "" || in == "-" {
			continue
		}
		if ist, err := os.Stat(in); err == nil && os.SameFile(ost, ist) {
			return fmt.Errorf("refusing to write %s: it is the input %s; choose another output file", out, in)
		}
	}
	return nil
}

// writeFileAtomic writes path through a temporary file in the same folder,
// flushed to disk and then renamed over path, so that a crash, a kill or a
// full disk leaves either the old file or the new one, never half of one.
// An existing file keeps its permissions; a link is followed. A path that
// is not a regular file (/dev/null, a pipe) is written in place.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	target := path
	if t, err := filepath.EvalSymlinks(path); err == nil {
		target = t
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(target); err == nil {
		if st.IsDir() {
			return fmt.Errorf("%s is a directory", path)
		}
		if !st.Mode().IsRegular() {
			f, err := os.OpenFile(target, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			if err := write(f); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		}
		mode = st.Mode().Perm()
	}
	dir := filepath.Dir(target)
	f, err := os.CreateTemp(dir, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Chmod(mode); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, target); err != nil {
		return err
	}
	// Make the rename itself durable; not every system can sync a folder.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
