package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/internal/gamefile"
	"github.com/truce-dev/truce/scenario"
)

// Every file truce reads goes through readInput and every file it writes
// through writeOutput: "-" is stdin or stdout, inputs have a size cap, and
// outputs are written atomically and never over an input.

// stdinName names standard input in messages and file:line:col positions.
const stdinName = gamefile.StdinName

// readInput reads path whole, or standard input when path is "-", refusing
// more than limit bytes (gamefile.ReadInput).
func readInput(stdin io.Reader, path string, limit int64) (name string, src []byte, err error) {
	return gamefile.ReadInput(stdin, path, limit)
}

// openInput opens path, or standard input when path is "-", to be read
// as a stream (the caller closes it): a directory, or a regular file
// already over limit bytes, is refused at once with readInput's errors,
// and a read past limit bytes (a growing file, a pipe, a device) fails
// with "file too large (more than ..., the limit; ...)", which does not
// name the file: the reader of the stream names it.
func openInput(stdin io.Reader, path string, limit int64) (name string, r io.ReadCloser, err error) {
	if path == "-" {
		if stdin == nil {
			stdin = os.Stdin
		}
		return stdinName, io.NopCloser(&capReader{r: stdin, left: limit, limit: limit}), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return path, nil, err
	}
	st, err := f.Stat()
	switch {
	case err != nil:
	case st.IsDir():
		err = fmt.Errorf("%s is a directory, not a file", path)
	case st.Mode().IsRegular() && st.Size() > limit:
		err = fmt.Errorf("%s: file too large (%s; the limit is %s, docs/limits.md)", path, budget.Format(st.Size()), budget.Format(limit))
	}
	if err != nil {
		f.Close()
		return path, nil, err
	}
	return path, struct {
		io.Reader
		io.Closer
	}{&capReader{r: f, left: limit, limit: limit}, f}, nil
}

// capReader reads r up to limit bytes; a read beyond them fails.
type capReader struct {
	r           io.Reader
	left, limit int64
	over        bool
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.over {
		return 0, fmt.Errorf("file too large (more than %s, the limit; docs/limits.md)", budget.Format(c.limit))
	}
	if len(p) == 0 {
		return 0, nil
	}
	if c.left == 0 {
		// At the limit: one more byte means the input is over it.
		var one [1]byte
		if n, err := c.r.Read(one[:]); n == 0 {
			return 0, err
		}
		c.over = true
		return c.Read(p)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// gameFormats are the game file formats: by extension, --from, or sniffed.
var gameFormats = gamefile.Formats

// formatOf names a file's format by its extension.
func formatOf(path string) string { return gamefile.FormatOf(path) }

// readGame reads a strategic game or a tree (gamefile.ReadGame).
func readGame(stdin io.Reader, path, from string) (*game.Strategic, *game.Tree, string, error) {
	return gamefile.ReadGame(stdin, path, from)
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
