package nash

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/game/gambit"
	"github.com/truce-dev/truce/game/gen"
	"github.com/truce-dev/truce/internal/budget"
)

// The tests in this file run Gambit's own command-line tools on the .efg
// and .nfg files truce writes (gambit.WriteEFG for `truce gen`,
// gambit.WriteNFG for `truce convert`), and check that Gambit reads each
// as the game truce meant: Gambit's solvers give the same output on the
// written file as on the original, and every profile Gambit prints for
// the written file is an equilibrium of truce's game. Gambit is not part
// of the project's machines or CI; the tests skip unless its tools are
// found in $TRUCE_GAMBIT_DIR or on PATH (build Gambit 17 from source as
// scripts/bench-gambit.sh says, then
// TRUCE_GAMBIT_DIR=/path/to/bin go test ./nash -run GambitCLI).

// gambitCLITimeout bounds one run of a Gambit tool: games that Gambit
// cannot solve in that time (Leduc's strategic form, say) are checked
// with a cheaper tool or only for being read.
const gambitCLITimeout = 20 * time.Second

var errGambitTimeout = errors.New("time limit")

// gambitCLIDir returns the folder of Gambit's tools, or skips the test.
func gambitCLIDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("TRUCE_GAMBIT_DIR"); d != "" {
		if _, err := os.Stat(filepath.Join(d, "gambit-enumpure")); err == nil {
			return d
		}
		t.Fatalf("TRUCE_GAMBIT_DIR=%s holds no gambit-enumpure", d)
	}
	if p, err := exec.LookPath("gambit-enumpure"); err == nil {
		return filepath.Dir(p)
	}
	t.Skip("Gambit's command-line tools not found (Gambit is not a CI component): build Gambit 17 as scripts/bench-gambit.sh says and run TRUCE_GAMBIT_DIR=/path/to/gambit/bin go test ./nash -run GambitCLI")
	return ""
}

// runGambit runs Gambit's tool on file and returns what it printed. A
// refusal (non-zero exit, or an error message) is an error carrying
// Gambit's message; a run past gambitCLITimeout is errGambitTimeout.
func runGambit(dir, tool, file string, args ...string) (string, error) {
	return runGambitFor(gambitCLITimeout, dir, tool, file, args...)
}

// gambitFirstLine runs Gambit's tool on file until it prints its first
// line (gambit-liap -V prints its starting point once it has read the
// game; the iteration after it takes minutes on Leduc's agent form).
func gambitFirstLine(dir, tool, file string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 6*gambitCLITimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(dir, tool), append(append([]string{"-q"}, args...), file)...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	cmd.Process.Kill()
	cmd.Wait()
	if err != nil {
		return "", fmt.Errorf("%s %s: %v: %s", tool, filepath.Base(file), err, strings.TrimSpace(errb.String()))
	}
	return strings.TrimSpace(line), nil
}

// runGambitFor is runGambit with another time limit.
func runGambitFor(limit time.Duration, dir, tool, file string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(dir, tool), append(append([]string{"-q"}, args...), file)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		return "", errGambitTimeout
	}
	if err != nil || strings.Contains(errb.String(), "rror") {
		return out.String(), fmt.Errorf("%s %s: %v: %s", tool, filepath.Base(file), err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// cliProfiles parses Gambit's NE lines, each split into players by
// the number of entries each has (strategies or actions).
func cliProfiles(t *testing.T, out string, sizes []int) [][][]float64 {
	t.Helper()
	var profs [][][]float64
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "NE,") {
			continue
		}
		f := strings.Split(line[3:], ",")
		total := 0
		for _, s := range sizes {
			total += s
		}
		if len(f) != total {
			t.Fatalf("Gambit printed %d numbers, the game has %d: %s", len(f), total, line)
		}
		var prof [][]float64
		for _, s := range sizes {
			row := make([]float64, s)
			for i := range row {
				r, ok := new(big.Rat).SetString(f[0])
				if !ok {
					t.Fatalf("bad number %q in %s", f[0], line)
				}
				row[i], _ = r.Float64()
				f = f[1:]
			}
			prof = append(prof, row)
		}
		profs = append(profs, prof)
	}
	return profs
}

func writeTemp(t *testing.T, name string, write func(*bytes.Buffer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// sameGambitRun runs tool on the written file and, when given, on the
// original; both must give the same output, unless Gambit refused the
// original (Gambit 17 rejects repeated labels that truce reads and writes
// uniquely) or ran out of time on it. It returns the written file's
// output, or ok false when Gambit ran out of time on it.
func sameGambitRun(t *testing.T, dir, tool, written, orig string, recall bool, args ...string) (string, bool) {
	t.Helper()
	got, err := runGambit(dir, tool, written, args...)
	got = neLines(got)
	if errors.Is(err, errGambitTimeout) {
		t.Logf("%s: %s ran out of time on the written file", filepath.Base(written), tool)
		return "", false
	}
	if err != nil {
		if strings.Contains(err.Error(), "imperfect recall is not supported") && !recall {
			// Gambit read the file and found, as truce does, that a
			// player forgets: it solves no such game.
			return "", false
		}
		t.Errorf("Gambit refuses the file truce wrote: %v", err)
		return "", false
	}
	if orig == "" {
		return got, true
	}
	if want, ok := gambitRefOutput(t, orig, tool); ok {
		if neLines(got) != want {
			t.Errorf("%s gives on the written file\n%s\nand printed for the original (testdata)\n%s", tool, got, want)
		}
		return got, true
	}
	want, err := runGambit(dir, tool, orig, args...)
	switch {
	case err != nil:
		t.Logf("%s on the original: %v (the written file is read)", tool, err)
	case neLines(want) != got:
		t.Errorf("%s gives on the written file\n%s\nand on the original\n%s", tool, got, want)
	}
	return got, true
}

// gambitRefOutput is the NE lines of what Gambit 17.0.0-alpha.2's tool
// printed for orig, kept in testdata (testdata/gambit/X.nfg.lcp.out,
// testdata/efg/gambit-outputs/path_with_underscores.efg.lcp.out), so that
// the original need not be solved again; ok is false when there is none,
// or Gambit failed or ran out of time on it then.
func gambitRefOutput(t *testing.T, orig, tool string) (string, bool) {
	method := strings.TrimPrefix(tool, "gambit-")
	ref := orig + "." + method + ".out"
	if rel, err := filepath.Rel(filepath.Join(treeRefDir, "gambit-games"), orig); err == nil && !strings.HasPrefix(rel, "..") {
		ref = filepath.Join(treeRefDir, "gambit-outputs", strings.ReplaceAll(rel, "/", "_")+"."+method+".out")
	}
	b, err := os.ReadFile(ref)
	if err != nil || bytes.Contains(b, []byte("timeout/err")) || bytes.Contains(b, []byte("Error")) {
		return "", false
	}
	return neLines(string(b)), true
}

// neLines keeps the NE lines of a Gambit tool's output.
func neLines(out string) string {
	var b strings.Builder
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "NE,") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// TestGambitCLIReadsWrittenTrees writes every tree `truce gen` makes and
// every example tree of Gambit's library (as truce read it) with
// WriteEFG, and runs gambit-enumpure and (two players) gambit-lcp on it.
func TestGambitCLIReadsWrittenTrees(t *testing.T) {
	dir := gambitCLIDir(t)
	type tc struct {
		name string
		tr   *game.Tree
		orig string
	}
	threat, err := gen.Threat(gen.DefaultThreat())
	if err != nil {
		t.Fatal(err)
	}
	cases := []tc{{"kuhn", gen.Kuhn(), ""}, {"leduc", gen.Leduc(), ""}, {"threat", threat, ""}}
	var files []string
	filepath.WalkDir(filepath.Join(treeRefDir, "gambit-games"), func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(p, ".efg") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	if len(files) < 170 {
		t.Fatalf("only %d example trees under %s", len(files), treeRefDir)
	}
	for _, f := range files {
		cases = append(cases, tc{strings.TrimPrefix(f, filepath.Join(treeRefDir, "gambit-games")+"/"), treeLoad(t, f), f})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			written := writeTemp(t, "written.efg", func(b *bytes.Buffer) error { return gambit.WriteEFG(b, c.tr) })
			sizes := make([]int, c.tr.NumPlayers())
			for p := range sizes {
				sizes[p] = c.tr.NumActions(p)
			}
			lo, hi := c.tr.PayoffBounds()
			tol := 1e-9 * max(1, hi-lo)
			recall := c.tr.PerfectRecall() == nil
			if counts, err := c.tr.ReducedCounts(); recall && (err != nil || budget.Mul(counts...) > 1e6) {
				// Leduc: no Gambit solver finishes here (its strategic form
				// is astronomical, and gambit-lp ran past 5 minutes). One
				// iteration of gambit-liap on the agent form reads the whole
				// file and prints a profile over every action.
				start, err := gambitFirstLine(dir, "gambit-liap", written, "-A", "-n", "1", "-R", "1", "-i", "1", "-V")
				if err != nil {
					t.Fatalf("Gambit refuses the file truce wrote: %v", err)
				}
				if !strings.HasPrefix(start, "start,") {
					t.Fatalf("gambit-liap printed %q", start)
				}
				cliProfiles(t, "NE,"+strings.TrimPrefix(start, "start,"), sizes)
				return
			}
			check := func(tool, out string) {
				for _, prof := range cliProfiles(t, out, sizes) {
					if r := c.tr.Regret(prof); recall && !(r <= tol) {
						t.Errorf("%s's profile %v has regret %g in truce's game", tool, prof, r)
					}
				}
			}
			out, ok := sameGambitRun(t, dir, "gambit-enumpure", written, c.orig, recall)
			if ok {
				check("gambit-enumpure", out)
			}
			if c.tr.NumPlayers() != 2 || !recall {
				return
			}
			out, ok = sameGambitRun(t, dir, "gambit-lcp", written, c.orig, recall)
			if !ok {
				return
			}
			check("gambit-lcp", out)
			if c.orig != "" {
				return
			}
			// A generated tree: truce's sequence-form Lemke follows Gambit's
			// path (TestTreeLCPMatchesGambit), so the profile is the same.
			res, err := TreeLCP(context.Background(), c.tr, Options{Rational: true})
			if err != nil {
				t.Fatal(err)
			}
			if want := "NE," + treeRatsString(treeFlat(res.Equilibria[0].Exact)); strings.TrimSpace(out) != want {
				t.Errorf("gambit-lcp on the written file:\n%s\ntruce's lcp on the tree:\n%s", out, want)
			}
		})
	}
}

// TestGambitCLIReadsWrittenNFG writes every strategic game of the test
// data and the reduced strategic forms of the generated trees with
// WriteNFG, and runs gambit-enumpure and (two players) gambit-lcp on it.
func TestGambitCLIReadsWrittenNFG(t *testing.T) {
	dir := gambitCLIDir(t)
	type tc struct {
		name string
		g    *game.Strategic
		orig string
	}
	var cases []tc
	for _, pat := range []string{"testdata/gambit/*.nfg", "testdata/mixed/games/*.nfg", "testdata/bench/*.nfg"} {
		files, _ := filepath.Glob(pat)
		for _, f := range files {
			cases = append(cases, tc{f, readNFGFile(t, f), f})
		}
	}
	if len(cases) < 50 {
		t.Fatalf("only %d strategic games in testdata", len(cases))
	}
	threat, err := gen.Threat(gen.DefaultThreat())
	if err != nil {
		t.Fatal(err)
	}
	for name, tr := range map[string]*game.Tree{"kuhn": gen.Kuhn(), "threat": threat} {
		g, err := tr.ReducedStrategic(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, tc{name + " reduced", g, ""})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			written := writeTemp(t, "written.nfg", func(b *bytes.Buffer) error { return gambit.WriteNFG(b, c.g) })
			sizes := c.g.Shape()
			lo, hi := c.g.PayoffBounds()
			tol := 1e-9 * max(1, hi-lo)
			out, ok := sameGambitRun(t, dir, "gambit-enumpure", written, c.orig, true)
			if ok {
				// The pure equilibria are the ones truce finds.
				res, err := EnumPure(context.Background(), c.g, Options{})
				if err != nil {
					t.Fatal(err)
				}
				got := cliProfiles(t, out, sizes)
				if len(got) != len(res.Equilibria) {
					t.Errorf("gambit-enumpure finds %d pure equilibria, truce %d", len(got), len(res.Equilibria))
				}
				for _, prof := range got {
					if r := c.g.Regret(prof); !(r <= tol) {
						t.Errorf("gambit-enumpure's profile %v has regret %g in truce's game", prof, r)
					}
				}
			}
			if c.g.NumPlayers() != 2 || c.g.NumProfiles() > 2500 {
				return
			}
			out, ok = sameGambitRun(t, dir, "gambit-lcp", written, c.orig, true)
			if !ok {
				return
			}
			for _, prof := range cliProfiles(t, out, sizes) {
				if r := c.g.Regret(prof); !(r <= tol) {
					t.Errorf("gambit-lcp's profile %v has regret %g in truce's game", prof, r)
				}
			}
		})
	}
}
