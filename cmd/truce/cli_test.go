package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/truce-dev/truce/internal/budget"
)

// walk calls f on every command of the tree.
func walk(c *cobra.Command, f func(*cobra.Command)) {
	f(c)
	for _, sub := range c.Commands() {
		walk(sub, f)
	}
}

// TestNumericFlagsChecked: every numeric flag of every command checks its
// range when parsed (flags.go); only seeds, where every value is valid,
// may be plain.
func TestNumericFlagsChecked(t *testing.T) {
	walk(newRootCmd(), func(c *cobra.Command) {
		check := func(f *pflag.Flag) {
			switch f.Value.(type) {
			case *intValue, *floatValue, *durationValue, *sizeValue, *enumValue:
				return
			}
			switch f.Value.Type() {
			case "string", "bool", "stringSlice", "stringArray":
				return
			case "uint64":
				if f.Name == "seed" {
					return
				}
			}
			t.Errorf("%s --%s: a plain %s flag; define it with intFlag, floatFlag, durationFlag or sizeFlag so its range is checked",
				c.CommandPath(), f.Name, f.Value.Type())
		}
		c.LocalFlags().VisitAll(check)
	})
}

// TestExitCodes: the documented codes, for each kind of failure.
func TestExitCodes(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		args []string
		code int
		want string
	}{
		{"ok", nil, []string{"check", "../../examples/tit-for-tat.yaml"}, codeOK, ""},
		{"unknown command", nil, []string{"analyse", "x.yaml"}, codeUsage, `unknown command "analyse"`},
		{"unknown flag", nil, []string{"analyze", "--drawz", "3", "x.yaml"}, codeUsage, "unknown flag: --drawz"},
		{"missing argument", nil, []string{"analyze"}, codeUsage, "accepts 1 arg(s), received 0"},
		{"workers -3", nil, []string{"analyze", "--workers", "-3", "x.yaml"}, codeUsage, `invalid argument "-3" for "--workers" flag: out of range: want 0 to 1024`},
		{"seed -1", nil, []string{"analyze", "--seed", "-1", "x.yaml"}, codeUsage, `invalid argument "-1" for "--seed" flag: want a whole number from 0 to 18446744073709551615`},
		{"solve seed 2^64", nil, []string{"solve", "--seed", "18446744073709551616", "x.yaml"}, codeUsage, `"--seed" flag: want a whole number from 0 to 18446744073709551615`},
		{"help maybe", nil, []string{"audit", "--help=maybe"}, codeUsage, `invalid argument "maybe" for "-h, --help" flag: want true or false`},
		{"decimals 100000", nil, []string{"nash", "--decimals", "100000", "x.nfg"}, codeUsage, `"--decimals" flag: out of range: want 1 to 17`},
		{"timeout -1s", nil, []string{"nash", "--timeout", "-1s", "x.nfg"}, codeUsage, `"--timeout" flag: out of range: want 0 to`},
		{"lambda NaN", nil, []string{"nash", "--lambda", "NaN", "x.nfg"}, codeUsage, `"--lambda" flag: want a finite number`},
		{"draws 1e9", nil, []string{"analyze", "--draws", "1e9", "x.yaml"}, codeUsage, `"--draws" flag: out of range: want 1 to 10000000`},
		{"solve draws 1e9", nil, []string{"solve", "--draws", "1e9", "x.yaml"}, codeUsage, `"--draws" flag: out of range: want 1 to 10000`},
		{"draws 2.5", nil, []string{"analyze", "--draws", "2.5", "x.yaml"}, codeUsage, `"--draws" flag: want a whole number`},
		{"max-memory", nil, []string{"check", "--max-memory", "12 parsecs", "x.yaml"}, codeUsage, `"--max-memory" flag`},
		{"progress", nil, []string{"check", "--progress", "loud", "x.yaml"}, codeUsage, `"--progress" flag: want auto, plain, json or none`},
		{"missing file", nil, []string{"analyze", "no/such/file.yaml"}, codeFailure, "no such file"},
		{"bad file", nil, []string{"check", "../../scenario/testdata/bad-names.yaml"}, codeFailure, "16:10: error: unknown state"},
		{"interrupted", cancelled, []string{"analyze", "../../scenario/testdata/uncertain.yaml", "--draws", "100"}, codeInterrupted, "truce analyze: interrupted"},
		{"interrupted solve", cancelled, []string{"solve", "../../examples/crises/war-of-attrition.yaml"}, codeInterrupted, "truce solve: interrupted"},
		{"interrupted nash", cancelled, []string{"nash", "../../nash/testdata/gambit/8x8.nfg", "--method", "enummixed"}, codeInterrupted, "truce nash: interrupted"},
		{"interrupted nash on a tree", cancelled, []string{"nash", "../../nash/testdata/efg/gambit-games/cs.efg", "--method", "lcp"}, codeInterrupted, "truce nash: interrupted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.ctx
			if ctx == nil {
				ctx = t.Context()
			}
			var out, errb bytes.Buffer
			code := execute(ctx, tc.args, strings.NewReader(""), &out, &errb)
			if code != tc.code || !strings.Contains(errb.String(), tc.want) {
				t.Errorf("%v: exit %d (want %d), stderr %q (want %q)", tc.args, code, tc.code, errb.String(), tc.want)
			}
			if tc.code == codeUsage && !strings.Contains(errb.String(), "--help' for usage") {
				t.Errorf("usage error without the pointer to --help: %q", errb.String())
			}
		})
	}
}

// TestTimeLimit: a time limit stops long work with exit 124 and says
// "time limit", never "cancelled". The limit (1ns) has passed before the
// first of the analysis's checks, whose work would take minutes without it.
func TestTimeLimit(t *testing.T) {
	for _, args := range [][]string{
		{"analyze", "../../scenario/testdata/uncertain.yaml", "--draws", "10000000", "--timeout", "1ns"},
		{"analyze", "../../scenario/testdata/uncertain.yaml", "--draws", "10000000", "--timeout", "1ns", "--format", "json"},
	} {
		out, errs, code := runTruce(t, "", args...)
		if code != codeTimeLimit || !strings.Contains(errs, "truce analyze: time limit of 1ns reached (--timeout)") || strings.Contains(errs, "cancel") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
		if args[len(args)-1] == "json" {
			var doc struct {
				Error struct {
					Code     string `json:"code"`
					ExitCode int    `json:"exit_code"`
				} `json:"error"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Error.Code != "time_limit" || doc.Error.ExitCode != codeTimeLimit {
				t.Errorf("json error %q: %v", out, err)
			}
		}
	}
}

// TestJSONErrors: every command with --format json reports a failure as
// a JSON document on stdout, with a non-zero exit.
func TestJSONErrors(t *testing.T) {
	n := 0
	walk(newRootCmd(), func(c *cobra.Command) {
		fl := c.LocalFlags().Lookup("format")
		if fl == nil {
			return
		}
		ev, ok := fl.Value.(*enumValue)
		if !ok || !strings.Contains(strings.Join(ev.Values, " "), "json") {
			return
		}
		n++
		name := c.Name()
		// Required flags get a value, so that the missing file is what fails.
		var req []string
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if _, ok := f.Annotations[cobra.BashCompOneRequiredFlag]; ok {
				req = append(req, "--"+f.Name, "x")
			}
		})
		for _, tc := range []struct {
			args []string
			kind string
			code int
		}{
			{append([]string{name, "no/such/file", "--format", "json"}, req...), "error", codeFailure},
			{[]string{name, "--format", "json", "--no-such-flag", "no/such/file"}, "usage", codeUsage},
		} {
			out, errs, code := runTruce(t, "", tc.args...)
			var doc struct {
				Error struct {
					Message     string            `json:"message"`
					Code        string            `json:"code"`
					ExitCode    int               `json:"exit_code"`
					Diagnostics []json.RawMessage `json:"diagnostics"`
				} `json:"error"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Errorf("%v: stdout is not one JSON document (%v): %q", tc.args, err, out)
				continue
			}
			if code != tc.code || doc.Error.Code != tc.kind || doc.Error.ExitCode != code || doc.Error.Message == "" || doc.Error.Diagnostics == nil {
				t.Errorf("%v: exit %d, error %+v, stderr %q", tc.args, code, doc.Error, errs)
			}
		}
	})
	if n < 5 {
		t.Errorf("only %d commands with --format json", n)
	}
	// A scenario with errors: its diagnostics are in the document.
	out, _, code := runTruce(t, "", "analyze", "../../scenario/testdata/bad-names.yaml", "--format", "json")
	if code != codeFailure || !strings.Contains(out, `"line": 16`) || !strings.Contains(out, `unknown state \"wra\"`) {
		t.Errorf("analyze of a bad file: exit %d\n%s", code, out)
	}
	// check writes its own document, with "error" when the file is wrong.
	out, _, code = runTruce(t, "", "check", "../../scenario/testdata/bad-names.yaml", "--format", "json")
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != codeFailure || doc["ok"] != false || doc["error"] == nil {
		t.Errorf("check of a bad file: exit %d, %v\n%s", code, err, out)
	}
}

// TestStdin: every command that reads a file reads standard input for "-".
func TestStdin(t *testing.T) {
	scen, err := os.ReadFile("../../examples/tit-for-tat.yaml")
	if err != nil {
		t.Fatal(err)
	}
	nfg, _ := os.ReadFile(nashRef + "pd.nfg")
	efg, _ := os.ReadFile(efgRef + "gambit-games/e04.efg")
	dir := t.TempDir()
	for _, tc := range []struct {
		stdin []byte
		args  []string
		want  string
	}{
		{scen, []string{"check", "-"}, "ok: -: scenario tit-for-tat"},
		{append([]byte("\uFEFF"), scen...), []string{"check", "-"}, "ok: -: scenario"},
		{scen, []string{"analyze", "-"}, "tit-for-tat"},
		{scen, []string{"simulate", "-", "--runs", "100"}, "tit-for-tat"},
		{scen, []string{"solve", "-"}, "Markov-perfect equilibrium"},
		{scen, []string{"sensitivity", "-"}, "swept one at a time"},
		{scen, []string{"report", "-", "-o", filepath.Join(dir, "r.html"), "--no-sensitivity", "--draws", "10"}, "wrote"},
		{nfg, []string{"nash", "-", "--method", "enumpure"}, "equilibrium 1"},
		{efg, []string{"nash", "-", "--method", "lcp"}, "information sets"},
		{efg, []string{"nash", "-", "--from", "efg", "--method", "spe"}, "information sets"},
		{nfg, []string{"convert", "-", "-", "--to", "json"}, `"players"`},
		{efg, []string{"convert", "-", "-", "--to", "nfg"}, "NFG 1 R"},
	} {
		out, errs, code := runTruce(t, string(tc.stdin), tc.args...)
		if code != 0 || !strings.Contains(out, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, stdout lacks %q:\n%.500s", tc.args, code, errs, tc.want, out)
		}
	}
	_, errs, code := runTruce(t, "not a game", "nash", "-")
	if code != codeFailure || !strings.Contains(errs, "<stdin>: cannot tell the game format") {
		t.Errorf("unrecognised stdin: exit %d, %q", code, errs)
	}
	_, errs, code = runTruce(t, "truce: 1\nhorizon: [\n", "check", "-")
	if code != codeFailure || !strings.Contains(errs, "<stdin>:") {
		t.Errorf("bad stdin scenario: exit %d, %q", code, errs)
	}
}

// TestOutputFiles: outputs never overwrite an input and are replaced
// whole, keeping the permissions of the file they replace.
func TestOutputFiles(t *testing.T) {
	dir := t.TempDir()
	game := filepath.Join(dir, "a.nfg")
	src, _ := os.ReadFile(nashRef + "pd.nfg")
	if err := os.WriteFile(game, src, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.nfg")
	if err := os.Symlink(game, link); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"convert", game, game},
		{"convert", game, link},
		{"convert", game, filepath.Join(dir, ".", "a.nfg")},
	} {
		_, errs, code := runTruce(t, "", args...)
		if code != codeFailure || !strings.Contains(errs, "refusing to write") {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
	if b, _ := os.ReadFile(game); !bytes.Equal(b, src) {
		t.Fatal("the input was changed")
	}
	out := filepath.Join(dir, "kuhn.efg")
	if err := os.WriteFile(out, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := runTruce(t, "", "gen", "kuhn", "-o", out); code != 0 {
		t.Fatalf("gen: %d %s", code, errs)
	}
	st, err := os.Stat(out)
	if err != nil || st.Mode().Perm() != 0o640 {
		t.Errorf("replaced file: %v, mode %v, want 0640", err, st.Mode())
	}
	if b, _ := os.ReadFile(out); !bytes.HasPrefix(b, []byte("EFG 2 R")) {
		t.Errorf("replaced file holds %.40q", b)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	// An output that cannot be written leaves nothing behind either.
	if _, _, code := runTruce(t, "", "gen", "kuhn", "-o", filepath.Join(dir, "no", "such", "x.efg")); code != codeFailure {
		t.Errorf("unwritable output: exit %d", code)
	}
}

// TestClassifyKeepsMemoryRefusal: a run stopped by the time limit after
// a memory refusal (auto's homotopy refused, value iteration then out of
// time) says the time limit, exit 124, and after it the refusal with its
// alternative. (equilibrium's TestSolveAllStoppedKeepsMemoryRefusal
// checks that the solver's error holds both.)
func TestClassifyKeepsMemoryRefusal(t *testing.T) {
	mem := &budget.ExceededError{What: "the homotopy's Jacobian (601 × 601 dense)", Need: 3 << 20, Limit: 1 << 20, Alternative: "use --method iterate"}
	ctx, cancel := context.WithTimeoutCause(context.Background(), 0, &timeLimitError{4 * time.Second})
	defer cancel()
	<-ctx.Done()
	err := &runError{err: fmt.Errorf("truce solve: %w", errors.Join(context.DeadlineExceeded, fmt.Errorf("solve all: %w", mem))), ctx: ctx}
	f := classify(context.Background(), &cobra.Command{Use: "solve"}, err)
	want := "solve: time limit of 4s reached (--timeout); before that, the homotopy's Jacobian (601 × 601 dense) needs about 3.0 MiB of memory, over the limit of 1.0 MiB (--max-memory); use --method iterate"
	if f.code != codeTimeLimit || f.msg != want {
		t.Errorf("classify: exit %d, %q; want %d, %q", f.code, f.msg, codeTimeLimit, want)
	}
	// Without a time limit the refusal is the message itself, once.
	f = classify(context.Background(), &cobra.Command{Use: "solve"}, &runError{err: fmt.Errorf("solve all: %w", mem), ctx: context.Background()})
	if f.code != codeFailure || strings.Count(f.msg, "(--max-memory)") != 1 {
		t.Errorf("classify without a time limit: exit %d, %q", f.code, f.msg)
	}
}
