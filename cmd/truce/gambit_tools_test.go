package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/truce-dev/truce/game/gambit"
)

// TestGambitToolsReadWhatTruceWrites hands what truce writes to Gambit's
// own tools, built from Gambit's source (GAMBIT_DIR names the folder with
// gambit-enumpure and gambit-lp, as for scripts/bench-gambit.sh):
// every reference tree and game, read by truce and written again, must
// give Gambit the pure equilibria truce finds in the original, and the
// generated trees (Leduc among them, whose file Gambit 17 once refused)
// must be read without an error. Without GAMBIT_DIR the test is skipped:
// Gambit is not something the project installs.
func TestGambitToolsReadWhatTruceWrites(t *testing.T) {
	dir := os.Getenv("GAMBIT_DIR")
	if dir == "" {
		t.Skip("set GAMBIT_DIR to a folder with Gambit's command-line tools to run this check")
	}
	tool := func(name string) string {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("GAMBIT_DIR has no %s: %v", name, err)
		}
		return p
	}
	enumpure, lp := tool("gambit-enumpure"), tool("gambit-lp")
	tmp := t.TempDir()
	runGambit := func(bin string, file string, wait time.Duration) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		var out, errb bytes.Buffer
		cmd := exec.CommandContext(ctx, bin, "-q", file)
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		if ctx.Err() != nil {
			return out.String(), ctx.Err()
		}
		if err != nil || strings.Contains(errb.String(), "Error") {
			t.Fatalf("%s %s: %v %s", filepath.Base(bin), file, err, errb.String())
		}
		return out.String(), nil
	}
	sameNE := func(name, a, b string) {
		if strings.Join(sortedLines(a), "\n") != strings.Join(sortedLines(b), "\n") {
			t.Errorf("%s: Gambit on truce's file:\n%s\ntruce on the original:\n%s", name, a, b)
		}
	}

	// Trees: read, written by truce, solved by gambit-enumpure.
	trees, _ := filepath.Glob(efgRef + "gambit-games/*.efg")
	checked := 0
	for _, f := range trees {
		src, _ := os.ReadFile(f)
		if len(src) > 8000 {
			continue // the reduced strategic form of the big ones takes Gambit long
		}
		want, _, code := runTruce(t, "", "nash", f, "--method", "enumpure", "--format", "gambit")
		if code != 0 {
			continue // imperfect recall and the like: not the point here
		}
		tr, err := gambit.ReadEFG(f, bytes.NewReader(src))
		if err != nil {
			t.Fatal(err)
		}
		var w bytes.Buffer
		if err := gambit.WriteEFG(&w, tr); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(tmp, filepath.Base(f))
		if err := os.WriteFile(out, w.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := runGambit(enumpure, out, 60*time.Second)
		if err != nil {
			t.Logf("%s: gambit-enumpure still running after 60s, skipped", filepath.Base(f))
			continue
		}
		sameNE(filepath.Base(f), got, want)
		checked++
	}
	if checked < 20 {
		t.Fatalf("only %d trees compared", checked)
	}
	t.Logf("%d trees: same pure equilibria", checked)

	// Games: written by convert, solved by gambit-enumpure.
	games, _ := filepath.Glob(nashRef + "*.nfg")
	checked = 0
	for _, f := range games {
		out := filepath.Join(tmp, "w-"+filepath.Base(f))
		if _, errs, code := runTruce(t, "", "convert", f, out); code != 0 {
			t.Fatalf("convert %s: %s", f, errs)
		}
		want, _, _ := runTruce(t, "", "nash", f, "--method", "enumpure", "--format", "gambit")
		got, err := runGambit(enumpure, out, 60*time.Second)
		if err != nil {
			continue
		}
		sameNE(filepath.Base(f), got, want)
		checked++
	}
	if checked < 40 {
		t.Fatalf("only %d games compared", checked)
	}
	t.Logf("%d games: same pure equilibria", checked)

	// Generated trees: Kuhn's and the threat game's equilibria agree;
	// Leduc is read (gambit-lp would take long to solve it: a read error
	// shows at once, so a run still going after a few seconds has read it).
	for _, name := range []string{"kuhn", "threat", "leduc"} {
		f := filepath.Join(tmp, name+".efg")
		if _, errs, code := runTruce(t, "", "gen", name, "-o", f); code != 0 {
			t.Fatal(errs)
		}
		if name == "leduc" {
			if _, err := runGambit(lp, f, 5*time.Second); err != nil && err != context.DeadlineExceeded {
				t.Fatal(err)
			}
			continue
		}
		want, _, _ := runTruce(t, "", "nash", f, "--method", "enumpure", "--format", "gambit")
		got, _ := runGambit(enumpure, f, 60*time.Second)
		sameNE(name, got, want)
	}
}
