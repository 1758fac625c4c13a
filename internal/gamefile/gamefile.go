// Package gamefile reads the files truce's commands take: any input file or
// standard input, whole and under a size cap, and game files (.nfg, .efg,
// truce JSON) by --from, by extension or by their first characters.
package gamefile

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/game/gambit"
	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/internal/flagval"
)

// MaxGameSize caps .nfg, .efg and game JSON files (docs/limits.md);
// scenario files have scenario.MaxFileSize.
const MaxGameSize = 256 << 20

// StdinName names standard input in messages and file:line:col positions.
const StdinName = "<stdin>"

// ReadInput reads path whole, or standard input when path is "-", refusing
// more than limit bytes; a UTF-8 byte-order mark is dropped (it does not
// move line:col positions). name is what messages call the input.
func ReadInput(stdin io.Reader, path string, limit int64) (name string, src []byte, err error) {
	var r io.Reader
	name = path
	if path == "-" {
		name = StdinName
		if stdin == nil {
			stdin = os.Stdin
		}
		r = stdin
	} else {
		src, err = readFile(path, limit)
		if err != nil {
			return name, nil, err
		}
	}
	if r != nil {
		src, err = io.ReadAll(io.LimitReader(r, limit+1))
		if err != nil {
			return name, nil, fmt.Errorf("reading %s: %w", name, err)
		}
	}
	if int64(len(src)) > limit {
		// Reading stopped one byte past the limit: how much more there
		// was is not known (a pipe, a device, standard input).
		return name, nil, tooLarge(name, -1, limit)
	}
	return name, bytes.TrimPrefix(src, []byte("\uFEFF")), nil
}

// tooLarge refuses a file of size bytes over limit; size < 0 when reading
// stopped at the limit, so that only "more than the limit" is known.
func tooLarge(name string, size, limit int64) error {
	if size < 0 {
		return fmt.Errorf("%s: file too large (more than %s, the limit; docs/limits.md)", name, budget.Format(limit))
	}
	return fmt.Errorf("%s: file too large (%s; the limit is %s, docs/limits.md)", name, budget.Format(size), budget.Format(limit))
}

// Formats are the game file formats: by extension, --from, or sniffed.
var Formats = []string{"nfg", "efg", "json"}

// FormatOf names a file's format by its extension: nfg, json, efg, or
// the extension itself.
func FormatOf(path string) string {
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

// ReadGame reads a game: a strategic game (.nfg, .json) or a tree (.efg),
// exactly one of them non-nil. The format is from, else the file's
// extension, else (stdin, or an unknown extension) sniffed from the text.
func ReadGame(stdin io.Reader, path, from string) (*game.Strategic, *game.Tree, string, error) {
	name, src, err := ReadInput(stdin, path, MaxGameSize)
	if err != nil {
		return nil, nil, name, err
	}
	format := from
	if format == "" && path != "-" {
		if f := FormatOf(path); f == "nfg" || f == "efg" || f == "json" {
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
	return nil, nil, name, fmt.Errorf("unknown game format %q (want %s)", format, flagval.OrList(Formats))
}
