package conflictfile_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/truce-dev/truce/gmcr"
	"github.com/truce-dev/truce/gmcr/conflictfile"
)

const base = `truce: 1
kind: graph-model
decision_makers:
  - id: A
    options: [x, {id: y, irreversible: true}]
  - id: B
    options: [z]
infeasible:
  - mutually_exclusive: [x, y]
preferences:
  A: {priorities: ["z", "!y", "x IFF z"]}
  B: {ranking: [0, [1, 2], "true"]}
status_quo: 0
`

func TestParseBase(t *testing.T) {
	f, ds := conflictfile.Parse(context.Background(), "t.yaml", []byte(base))
	if f == nil {
		t.Fatal(ds)
	}
	c := f.Conflict
	// x and y exclude each other: codes 3 and 7 are gone.
	if got := len(c.Codes); got != 6 {
		t.Fatalf("%d feasible states, want 6: %v", got, c.Codes)
	}
	if _, ok := c.StateOf(3); ok {
		t.Error("state 3 (x and y) should be infeasible")
	}
	// y is irreversible: A cannot withdraw it from state 2.
	s2, _ := c.StateOf(2)
	for _, t2 := range c.Moves(0, int(s2)) {
		if c.Codes[t2]&2 == 0 {
			t.Errorf("A withdraws y: 2 -> %d", c.Codes[t2])
		}
	}
	// A's priorities: z first, then !y, then x IFF z.
	rank := func(code uint64) int32 { s, _ := c.StateOf(code); return c.Rank[0][s] }
	if !(rank(5) > rank(4) && rank(4) > rank(6) && rank(0) > rank(1) && rank(1) > rank(2)) {
		t.Errorf("A's ranks: %v", c.Rank[0])
	}
	// B: 0 first, 1 and 2 tied, the rest tied last.
	rb := func(code uint64) int32 { s, _ := c.StateOf(code); return c.Rank[1][s] }
	if !(rb(0) > rb(1) && rb(1) == rb(2) && rb(2) > rb(4) && rb(4) == rb(6)) {
		t.Errorf("B's ranks: %v", c.Rank[1])
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ old, new, want string }{
		{"kind: graph-model", "kind: graph", `t.yaml:2:7: error: unknown kind "graph"`},
		{"[x, y]\npref", "[x, w]\npref", `t.yaml:9:29: error: unknown option "w" in mutually_exclusive (hint: did you mean "x"?)`},
		{`"!y"`, `"!(y"`, `t.yaml:11:29: error: priority: expected ) to close the ( at offset 1, found end of statement`},
		{`[0, [1, 2], "true"]`, `[0, [1, 2]]`, `t.yaml:12:7: error: ranking of B leaves out states 4, 5, 6`},
		{`[0, [1, 2], "true"]`, `[0, 3, "true"]`, `t.yaml:12:20: error: ranking: 3 is not a feasible state`},
		{"status_quo: 0", "status_quo: z", `t.yaml:13:13: error: status_quo matches 3 states (4, 5, 6)`},
		{"  - id: B\n", "  - id: A\n", `t.yaml:6:9: error: duplicate decision maker "A"`},
		{"irreversible: true", "irreversible: maybe", `t.yaml:5:40: error: unknown irreversible value "maybe"`},
		{"status_quo: 0", "statusquo: 0", `t.yaml:13:1: error: unknown key "statusquo" in the conflict file (hint: did you mean "status_quo"?)`},
	} {
		src := strings.Replace(base, tc.old, tc.new, 1)
		if src == base {
			t.Fatalf("%q not in the base file", tc.old)
		}
		f, ds := conflictfile.Parse(context.Background(), "t.yaml", []byte(src))
		if f != nil {
			t.Errorf("%s: parsed", tc.want)
			continue
		}
		var all []string
		found := false
		for _, d := range ds {
			all = append(all, d.String())
			found = found || strings.HasPrefix(d.String(), tc.want)
		}
		if !found {
			t.Errorf("want %s\ngot %s", tc.want, strings.Join(all, "\n"))
		}
	}
}

func TestParseNested(t *testing.T) {
	src := "truce: 1\nkind: graph-model\nx: " + strings.Repeat("[", 100_000) + "\n"
	f, ds := conflictfile.Parse(context.Background(), "n.yaml", []byte(src))
	if f != nil || len(ds) == 0 || !strings.Contains(ds[0].Msg, "nests more than") {
		t.Fatalf("%v", ds)
	}
}

// TestParseRequiresLong: a requires rule whose parts are each within the
// statement limits (4096 bytes, the nesting depth) but together are not is kept;
// it was re-parsed from "(if) & !(then)" and silently dropped, making
// states feasible that the rule excludes.
func TestParseRequiresLong(t *testing.T) {
	long := "z" + strings.Repeat(" | z", 1000)                      // 4001 bytes, means z
	deep := strings.Repeat("(", 99) + "x" + strings.Repeat(")", 99) // the deepest nesting allowed
	codes := func(ifF, thenF string) []uint64 {
		t.Helper()
		src := strings.Replace(base, "  - mutually_exclusive: [x, y]\n",
			"  - mutually_exclusive: [x, y]\n  - requires: {if: \""+ifF+"\", then: \""+thenF+"\"}\n", 1)
		f, ds := conflictfile.Parse(context.Background(), "t.yaml", []byte(src))
		if f == nil {
			t.Fatalf("if %.20q then %.20q: %v", ifF, thenF, ds)
		}
		return f.Conflict.Codes
	}
	want := codes("z", "x")
	// z without x (codes 4 and 6) is out, as x with y (3, 7) is.
	if fmt.Sprint(want) != "[0 1 2 5]" {
		t.Fatalf("requires z -> x: feasible %v, want [0 1 2 5]", want)
	}
	for _, c := range [][2]string{{long, "x"}, {long, "x" + strings.Repeat(" & x", 1000)}, {"z", deep}, {long, deep}} {
		if got := codes(c[0], c[1]); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("requires if %.20q... then %.20q...: feasible %v, want %v", c[0], c[1], got, want)
		}
	}
}

// FuzzParse: every input gets diagnostics with positions or a conflict that
// analyses; never a panic.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("../../examples/gmcr/*.yaml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(base))
	f.Fuzz(func(t *testing.T, src []byte) {
		cf, ds := conflictfile.Parse(context.Background(), "fuzz.yaml", src)
		for _, d := range ds {
			if strings.Contains(d.Msg, "internal error") {
				t.Fatalf("panic inside the reader: %s", d)
			}
			if d.Line < 1 || d.Col < 1 {
				t.Fatalf("diagnostic without position: %s", d)
			}
		}
		if cf == nil {
			return
		}
		if len(cf.Conflict.Codes) > 1<<12 {
			return // large but valid: analysing it is the benchmark's job
		}
		if _, err := gmcr.Analyze(context.Background(), cf.Conflict, gmcr.Sequences); err != nil {
			t.Fatalf("valid conflict fails to analyse: %v", err)
		}
	})
}
