package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"github.com/truce-dev/truce/internal/nashcli"
)

// truce-nash (cmd/truce-nash) is nashcli.Main; these tests hold it to
// `truce nash`: the same stdout, stderr and exit code for every game and
// method of the nash reference tests, the same flags, the same usage
// errors. Its own build (no net, cobra, pflag, scenario...) is tested in
// cmd/truce-nash.

// runTruceNash runs truce-nash's Main in process, as runTruce runs truce.
func runTruceNash(t testing.TB, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := nashcli.Main(context.Background(), "truce-nash", args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// timing masks what differs between two runs of the same command: the
// elapsed time of the summary line, of JSON and of "found in".
var timing = regexp.MustCompile(`(, [0-9.]+(ns|µs|ms|s|m[0-9.]+s)\n|"elapsed_seconds": [0-9.e-]+|found in [0-9.]+(ns|µs|ms|s))`)

// normNash is truce-nash's output as truce nash words it (its name), with
// timings masked.
func normNash(s string) string {
	s = strings.NewReplacer("truce-nash", "truce nash", "help for truce-nash", "help for nash").Replace(s)
	return timing.ReplaceAllString(s, "<time>")
}

// sameAsTruceNash runs `truce nash ARGS` and `truce-nash ARGS` and reports
// any difference in exit code, stdout or stderr (where truce-nash names
// itself "truce-nash"), timings masked.
func sameAsTruceNash(t *testing.T, stdin string, args ...string) {
	t.Helper()
	norm := normNash
	wo, we, wc := runTruce(t, stdin, append([]string{"nash"}, args...)...)
	go_, ge, gc := runTruceNash(t, stdin, args...)
	if wc != gc {
		t.Errorf("%v: truce nash exits %d, truce-nash %d\ntruce nash stderr: %s\ntruce-nash stderr: %s", args, wc, gc, we, ge)
	}
	if norm(wo) != norm(go_) {
		t.Errorf("%v: stdout differs\ntruce nash:\n%s\ntruce-nash:\n%s", args, wo, go_)
	}
	if norm(we) != norm(ge) {
		t.Errorf("%v: stderr differs\ntruce nash:\n%s\ntruce-nash:\n%s", args, we, ge)
	}
}

// TestTruceNashSameAsTruceNash: every game of the nash reference tests
// (nash/testdata: Gambit's example games and trees, the gnm/ipa vectors,
// the liap starts) with the method and flags its reference output was
// made with, and the other formats, through both commands (gnm on the
// 10×10×10 game, seconds a run, with TRUCE_LONG_TESTS=1).
func TestTruceNashSameAsTruceNash(t *testing.T) {
	const data = "../../nash/testdata/"
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	var runs [][]string
	games, _ := filepath.Glob(data + "gambit/*.nfg")
	for _, g := range games {
		runs = append(runs,
			[]string{g, "--method", "enumpure", "--format", "gambit"},
			[]string{g, "--format", "json", "--decimals", "4"},
			[]string{g})
		if exists(g + ".lcp.out") {
			runs = append(runs, []string{g, "--method", "lcp", "--all", "--rational", "--format", "gambit"}, []string{g, "--method", "lcp"})
		}
	}
	mixed, _ := filepath.Glob(data + "mixed/gambit/*.out")
	for _, out := range mixed {
		base := strings.TrimSuffix(filepath.Base(out), ".out")
		method := filepath.Ext(base)[1:]
		g := data + "mixed/games/" + strings.TrimSuffix(base, "."+method)
		if method == "enummixed" {
			runs = append(runs, []string{g, "--method", method, "--rational", "--format", "gambit"})
		} else {
			runs = append(runs, []string{g, "--method", method, "--format", "gambit"})
		}
	}
	root := data + "efg/gambit-games/"
	filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || filepath.Ext(path) != ".efg" {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		ref := data + "efg/gambit-outputs/" + strings.ReplaceAll(rel, string(filepath.Separator), "_")
		if exists(ref + ".lcp.out") {
			runs = append(runs, []string{path, "--method", "lcp", "--rational", "--format", "gambit"})
		}
		if exists(ref + ".enumpure.out") {
			runs = append(runs, []string{path, "--method", "enumpure", "--format", "gambit"}, []string{path, "--format", "json"})
		}
		if exists(ref + ".logit.out") {
			runs = append(runs, []string{path, "--method", "logit", "--format", "gambit"}, []string{path})
		}
		return nil
	})
	perts, _ := filepath.Glob(data + "gnm/*.pert")
	for _, p := range perts {
		base := strings.TrimSuffix(filepath.Base(p), ".pert")
		name := strings.TrimSuffix(base, filepath.Ext(base)) + ".nfg"
		for _, dir := range []string{"gambit/", "mixed/games/", "mixed/", "bench/", "gnm/"} {
			if g := data + dir + name; exists(g) {
				for _, m := range []string{"gnm", "ipa"} {
					if exists(data + "gnm/" + base + "." + m + ".out") {
						runs = append(runs, []string{g, "--method", m, "--points", p, "--format", "gambit", "--decimals", "10"})
					}
				}
				break
			}
		}
	}
	starts, _ := filepath.Glob(data + "liap/*.starts")
	for _, s := range starts {
		name := strings.TrimSuffix(filepath.Base(s), ".starts") + ".nfg"
		for _, dir := range []string{"gambit/", "bench/"} {
			if g := data + dir + name; exists(g) {
				runs = append(runs, []string{g, "--method", "liap", "--points", s, "--format", "gambit"})
			}
		}
	}
	// The flag combinations of cmd/truce's nash tests.
	kuhn := filepath.Join(t.TempDir(), "kuhn.efg")
	if err := os.WriteFile(kuhn, kuhnEFG(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"lcp", "lp", "spe", "enumpure", "cfr", "dcfr", "reduced-lcp"} {
		runs = append(runs, []string{kuhn, "--method", m, "--iterations", "3000", "--format", "json"}, []string{kuhn, "--method", m})
	}
	g3 := data + "gambit/2x2x2.nfg"
	runs = append(runs,
		[]string{g3, "--method", "liap", "--seed", "9", "--starts", "4"},
		[]string{g3, "--method", "gnm", "--format", "gambit", "--verbose"},
		[]string{g3, "--method", "ipa", "--seed", "4", "--starts", "2"},
		[]string{g3, "--method", "ipa", "--format", "gambit", "--verbose"},
		[]string{g3, "--method", "gnm", "--full-path", "--format", "json"},
		[]string{g3, "--method", "liap", "--max-regret", "1e-6", "--max-iterations", "50"},
		[]string{g3, "--method", "logit", "--lambda", "2"},
		[]string{g3, "--method", "simpdiv"},
		[]string{data + "efg/gambit-games/2s2x2x2.efg", "--method", "gnm", "--starts", "3", "--seed", "5", "--timeout", "60s"},
		[]string{data + "efg/gambit-games/artist2.efg", "--method", "ipa"},
		[]string{data + "efg/gambit-games/e04.efg", "--method", "enummixed", "--rational", "--format", "gambit"},
		[]string{data + "gambit/e04.nfg", "--method", "lcp", "--all", "--rational", "--format", "json"},
		[]string{data + "gambit/pd.nfg", "--method", "lp", "--rational"},
		[]string{"--method=lcp", "--format=gambit", data + "gambit/e04.nfg", "--decimals=3"},
	)
	if len(runs) < 300 {
		t.Fatalf("only %d runs: the reference games were not found", len(runs))
	}
	long := os.Getenv("TRUCE_LONG_TESTS") == "1"
	for _, args := range runs {
		if !long && strings.Contains(args[0], "10x10x10") && args[2] == "gnm" {
			continue // 4-6 s each; the same code runs on the smaller games
		}
		sameAsTruceNash(t, "", args...)
	}
	// Standard input, sniffed and with --from.
	src, err := os.ReadFile(data + "gambit/e04.nfg")
	if err != nil {
		t.Fatal(err)
	}
	sameAsTruceNash(t, string(src), "-", "--format", "gambit")
	sameAsTruceNash(t, string(src), "--from", "nfg", "-")
	sameAsTruceNash(t, string(kuhnEFG()), "-", "--method", "lcp", "--format", "json")
}

// TestTruceNashErrorsSameAsTruceNash: usage errors, bad files and failed
// runs give the same message, JSON error document and exit code.
func TestTruceNashErrorsSameAsTruceNash(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.nfg")
	if err := os.WriteFile(bad, []byte("NFG 1 R \"x\" { \"A\" \"B\" } { 2 2 }\n1 x 3 4 5 6 7 8\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g := nashRef + "pd.nfg"
	for _, args := range [][]string{
		{},
		{g, g},
		{bad},
		{bad, "--format", "json"},
		{filepath.Join(dir, "missing.nfg")},
		{filepath.Join(dir, "missing.nfg"), "--format=json"},
		{dir},
		{g, "--method", "nope"},
		{g, "--method", "nope", "--format", "json"},
		{g, "--method", "lp"},
		{nashRef + "2x2x2.nfg", "--method", "lcp"},
		{g, "--nope"},
		{g, "--nope", "--format", "json"},
		{g, "-x"},
		{g, "-hx"},
		{g, "-h=false"},
		{g, "-h=x"},
		{g, "-h="},
		{g, "--help=maybe"},
		{g, "-test.v"},
		{g, "-\xc4"},
		{g, "---method", "lcp"},
		{g, "--=x"},
		{g, "--method"},
		{g, "--decimals", "0"},
		{g, "--decimals", "abc"},
		{g, "--decimals=1e1"},
		{g, "--lambda", "NaN"},
		{g, "--all=maybe"},
		{g, "--all=false", "--rational=true", "--method", "lcp"},
		{g, "--seed", "-1", "--method", "gnm"},
		{g, "--format", "yaml"},
		{g, "--from", "xls"},
		{g, "--timeout", "-1s"},
		{g, "--timeout", "soon"},
		{g, "--max-memory", "1KiB"},
		{g, "--max-memory", "lots"},
		{g, "--progress", "loud"},
		{g, "--method", "lcp", "--starts", "3"},
		{g, "--method", "gnm", "--starts", "3", "--points", gnmRef + "2x2x2.1.pert"},
		{g, "--method", "gnm", "--verbose"},
		{g, "--method", "gnm", "--lambda-end", "5"},
		{nashRef + "2x2x2.nfg", "--method", "gnm", "--points", gnmRef + "8x8.1.pert"},
		{g, "--method", "liap", "--points", "no-such-file"},
		{nashRef + "2x2x2.nfg", "--method", "ipa", "--lambda-end", "-3"},
		{efgRef + "gambit-games/myerson.efg", "--method", "lcp"},
		{efgRef + "gambit-games/e04.efg", "--method", "nosuch"},
		{"--", "--method"},
		{"-", "--from", "efg"},
		{"../../nash/testdata/bench/rand_20x20_s2020.nfg", "--method", "lcp", "--all", "--timeout", "1ns"},
		{"../../nash/testdata/bench/rand_20x20_s2020.nfg", "--method", "lcp", "--all", "--timeout", "1ns", "--format", "json"},
		{"../../nash/testdata/bench/rand_20x20_s2020.nfg", "--method", "enumpure", "--max-memory", "1MiB", "--format", "gambit"},
	} {
		sameAsTruceNash(t, "NFG 1", args...)
	}
}

// TestHostileTruceNash: the hostile cases of `truce nash` that fail (huge
// trees, overflowing payoffs, time limits, bad flags) through truce-nash,
// under the same CPU and memory caps: the same exit code and messages,
// never a crash or a hang.
func TestHostileTruceNash(t *testing.T) {
	if os.Getenv("TRUCE_BIN") != "" {
		t.Skip("TRUCE_BIN is a truce binary: truce-nash is tested through the test binary")
	}
	bin := []string{"env", "TRUCE_HOSTILE_CHILD=truce-nash", hostileBinary(t)[0]}
	long := os.Getenv("TRUCE_LONG_TESTS") == "1"
	n := 0
	for _, tc := range hostileCases() {
		if len(tc.args) == 0 || tc.args[0] != "nash" || tc.large || tc.pending != "" {
			continue
		}
		// Successful runs and inputs of megabytes (seconds of reading
		// each) are the same code as truce nash's, which TestHostile runs;
		// TRUCE_LONG_TESTS=1 runs them here too.
		if !long && (tc.code == 0 || tc.input != nil && len(tc.input()) > 1<<20) {
			continue
		}
		n++
		tc.args = tc.args[1:]
		t.Run(tc.name, func(t *testing.T) {
			if problems, summary := runHostile(t, bin, tc); len(problems) > 0 {
				t.Errorf("truce-nash: %s\n%s", summary, strings.Join(problems, "\n"))
			}
		})
	}
	if n < 12 {
		t.Errorf("only %d hostile nash cases", n)
	}
}

// TestTruceNashInterrupted: Ctrl-C (a cancelled context) gives the same
// partial answer, message and exit code 130 in both commands.
func TestTruceNashInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{
		{"../../nash/testdata/bench/rand_20x20_s2020.nfg", "--method", "lcp", "--all"},
		{"../../nash/testdata/bench/rand_20x20_s2020.nfg", "--method", "enumpure", "--format", "json"},
		{nashRef + "e04.nfg", "--method", "lcp", "--format", "gambit"},
	} {
		var wo, we, go_, ge bytes.Buffer
		wc := execute(ctx, append([]string{"nash"}, args...), strings.NewReader(""), &wo, &we)
		gc := nashcli.Main(ctx, "truce-nash", args, strings.NewReader(""), &go_, &ge)
		norm := normNash
		if wc != codeInterrupted || gc != wc || norm(wo.String()) != norm(go_.String()) || norm(we.String()) != norm(ge.String()) {
			t.Errorf("%v interrupted: truce nash exit %d, stdout %q, stderr %q; truce-nash exit %d, stdout %q, stderr %q",
				args, wc, wo.String(), we.String(), gc, go_.String(), ge.String())
		}
	}
}

// TestTruceNashFlags: truce-nash has every flag of `truce nash` (its own
// and the global ones), with the same type, default and help text; its
// --help lists them in the same lines.
func TestTruceNashFlags(t *testing.T) {
	cmd := newRootCmdFor("nash")
	nashCmd, _, err := cmd.Find([]string{"nash"})
	if err != nil {
		t.Fatal(err)
	}
	help, _, code := runTruceNash(t, "", "--help")
	if code != 0 {
		t.Fatalf("truce-nash --help exits %d", code)
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(help, "\n") {
		lines[strings.Join(strings.Fields(l), " ")] = true
	}
	n := 0
	check := func(f *pflag.Flag) {
		if f.Name == "help" {
			return
		}
		n++
		var one pflag.FlagSet
		one.AddFlag(f)
		want := strings.Join(strings.Fields(one.FlagUsages()), " ")
		if !lines[want] {
			t.Errorf("truce-nash --help lacks the line of --%s: %q", f.Name, want)
		}
	}
	nashCmd.LocalFlags().VisitAll(check)
	nashCmd.InheritedFlags().VisitAll(check)
	if n < 20 {
		t.Errorf("only %d flags of truce nash checked", n)
	}
	want, _, _ := runTruce(t, "", "nash", "--help")
	norm := func(s string) string {
		return strings.NewReplacer("  truce-nash ", "  truce nash ", "help for truce-nash", "help for nash").Replace(s)
	}
	if norm(help) != norm(want) {
		t.Errorf("truce-nash --help differs from truce nash --help beyond its name:\n%s\n----\n%s", help, want)
	}
	for _, args := range [][]string{{"-h"}, {"x.nfg", "--method", "lcp", "-h"}, {"--help=true", "x"}} {
		if h, _, code := runTruceNash(t, "", args...); code != 0 || h != help {
			t.Errorf("truce-nash %v: exit %d, not the help", args, code)
		}
	}
}

// FuzzTruceNashArgs: any command line on a small game gets the same exit
// code and output from both commands (the parser of truce-nash against
// pflag's).
func FuzzTruceNashArgs(f *testing.F) {
	for _, s := range []string{
		"--method lcp --all", "--method=gnm --starts=2 --seed 3", "--format json --decimals 4",
		"--all=0", "-h", "--", "--method", "--decimals=", "--rational --format=gambit",
		"--timeout 0 --max-memory 1GiB --progress none", "-", "--from nfg", "--method liap --max-iterations 5 --starts 1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := append([]string{nashRef + "e04.nfg"}, strings.Fields(line)...)
		for _, a := range args {
			if strings.Contains(a, "points") || strings.HasPrefix(a, "--timeout") || strings.Contains(a, "max-memory") {
				t.Skip("reads files or depends on time")
			}
		}
		sameAsTruceNash(t, "", args...)
	})
}
