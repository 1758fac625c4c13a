package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/truce-dev/truce/internal/shard"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/scenarios"
)

const usIranFile = "../../scenarios/us-iran-2026.yaml"

var fixedTime = time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)

// cheapHyps are claims of the bundled file that read only reach curves of
// one profile: a sweep of them shards and merges as a sweep of every
// claim does (break-evens among them), at a twelfth of the cost (oat at 3
// points: 0.33 against 4.2 CPU-s a run).
const cheapHyps = "H6,H9,H10"

// shardedRuns are the commands that shard, small enough for a test.
var shardedRuns = []struct {
	name string
	args []string
	// shard counts for text and JSON (default 2 and 5, 1 and 3)
	counts []int
}{
	{"analyze", []string{"analyze", usIranFile, "--draws", "37", "--seed", "7", "--hypothesis-draws", "none"}, nil},
	{"analyze from all", []string{"analyze", "../../scenario/testdata/ruin.yaml", "--draws", "11", "--from", "all", "--long-run"}, nil},
	{"analyze with --record", []string{"analyze", watch, "--record", watchRecord, "--draws", "12"}, []int{2}},
	{"sobol", []string{"sensitivity", usIranFile, "--method", "sobol", "--samples", "8", "--bootstrap", "50", "--hypothesis", cheapHyps}, nil},
	{"morris", []string{"sensitivity", usIranFile, "--method", "morris", "--samples", "3", "--hypothesis", cheapHyps}, nil},
	{"oat", []string{"sensitivity", usIranFile, "--points", "3", "--hypothesis", cheapHyps}, nil},
	{"oat over draws", []string{"sensitivity", "../../examples/crises/audience-costs.yaml", "--points", "3", "--draws", "4"}, nil},
	{"solve", []string{"solve", "../../examples/crises/audience-costs.yaml", "--draws", "7", "--seed", "3", "--all"}, nil},
	// solve without --draws shards over the starts of its one draw
	{"solve --all over starts", []string{"solve", "../../examples/crises/brinkmanship.yaml", "--all", "--starts", "9", "--seed", "4"}, []int{1, 2, 3, 10}},
	{"solve over starts, enumeration complete", []string{"solve", "../../examples/coordination.yaml", "--all", "--starts", "5"}, []int{1, 2, 3}},
	{"solve over starts, no starts", []string{"solve", "../../examples/coordination.yaml", "--starts", "0"}, []int{1, 2}},
	// update shards its importance-sampling stage; the merge weighs (and
	// runs the SMC when the weights collapse, forced here by --min-ess)
	{"update", []string{"update", watch, "--record", watchRecord, "--draws", "60", "--checks", "30"}, []int{1, 2, 3, 7}},
	{"update with SMC", []string{"update", watch, "--record", watchRecord, "--draws", "40", "--min-ess", "0.6", "--moves", "2", "--checks", "10"}, []int{1, 2, 3}},
	{"solve over starts, clocked", []string{"solve", "../../scenario/testdata/deadline-game.yaml", "--all", "--starts", "4"}, []int{1, 3}},
}

// TestShardMerge: for 1, 2, 3 and 5 shards (or the counts a case names),
// run in reverse order with different --workers, merging the parts prints
// what the whole run prints, byte for byte, text (2 and 5 shards) and JSON
// (1 and 3).
func TestShardMerge(t *testing.T) {
	for _, tc := range shardedRuns {
		t.Run(tc.name, func(t *testing.T) {
			for _, format := range []string{"text", "json"} {
				whole, stderr, code := runTruce(t, "", append(tc.args, "--format", format)...)
				if code != 0 {
					t.Fatalf("whole run exited %d: %s", code, stderr)
				}
				counts := []int{2, 5}
				if format == "json" {
					counts = []int{1, 3}
				}
				if tc.counts != nil {
					counts = tc.counts
				}
				for _, n := range counts {
					dir := t.TempDir()
					for k := n - 1; k >= 0; k-- {
						// workers differ between shards: they must not matter
						args := append(tc.args, "--shard", fmt.Sprintf("%d/%d", k, n), "--out", dir+"/", "--workers", fmt.Sprint(1+k%2))
						if _, stderr, code := runTruce(t, "", args...); code != 0 {
							t.Fatalf("shard %d/%d exited %d: %s", k, n, code, stderr)
						}
					}
					merged, stderr, code := runTruce(t, "", "merge", dir, "--format", format, "--workers", fmt.Sprint(1+n%2))
					if code != 0 {
						t.Fatalf("merge of %d exited %d: %s", n, code, stderr)
					}
					if merged != whole {
						t.Errorf("%s, %d shards: merged output differs from the whole run's\nwhole:\n%s\nmerged:\n%s", format, n, whole, merged)
					}
				}
			}
		})
	}
}

// TestShardStdout: without --out the part goes to standard output, and
// merge takes part files by name.
func TestShardStdout(t *testing.T) {
	args := []string{"analyze", usIranFile, "--draws", "9", "--hypothesis-draws", "none"}
	whole, _, _ := runTruce(t, "", args...)
	dir := t.TempDir()
	var files []string
	for k := 0; k < 2; k++ {
		out, stderr, code := runTruce(t, "", append(args, "--shard", fmt.Sprintf("%d/2", k))...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		f := filepath.Join(dir, fmt.Sprintf("s%d.json", k))
		if err := os.WriteFile(f, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	merged, stderr, code := runTruce(t, "", "merge", files[1], files[0])
	if code != 0 || merged != whole {
		t.Fatalf("merge: exit %d, %s\ngot:\n%s\nwant:\n%s", code, stderr, merged, whole)
	}
}

// writeParts runs a command in n shards into dir.
func writeParts(t *testing.T, dir string, n int, args ...string) {
	t.Helper()
	for k := 0; k < n; k++ {
		a := append(append([]string{}, args...), "--shard", fmt.Sprintf("%d/%d", k, n), "--out", dir+"/")
		if _, stderr, code := runTruce(t, "", a...); code != 0 {
			t.Fatalf("%v: exit %d: %s", a, code, stderr)
		}
	}
}

// TestMergeRefuses: parts that do not belong together, missing or
// duplicated shards and altered files are refused with errors naming the
// files and what differs.
func TestMergeRefuses(t *testing.T) {
	base := []string{"analyze", usIranFile, "--draws", "12", "--hypothesis-draws", "none"}
	a := t.TempDir()
	writeParts(t, a, 3, base...)
	part := func(dir string, k, n int) string { return filepath.Join(dir, fmt.Sprintf("part-%d-of-%d.json", k, n)) }

	seed := t.TempDir()
	writeParts(t, seed, 3, append(base, "--seed", "2")...)
	draws := t.TempDir()
	writeParts(t, draws, 3, "analyze", usIranFile, "--draws", "13", "--hypothesis-draws", "none")
	prof := t.TempDir()
	sc, err := scenario.Parse(scenarios.USIran2026Name, scenarios.USIran2026())
	if err != nil {
		t.Fatal(err)
	}
	writeParts(t, prof, 3, append(base, "--profile", sc.Profiles[0].Name)...)
	other := t.TempDir()
	writeParts(t, other, 3, "analyze", "../../examples/two-state.yaml", "--draws", "12")
	sens := t.TempDir()
	writeParts(t, sens, 3, "sensitivity", usIranFile, "--method", "morris", "--samples", "2")

	// solve over the starts of one draw: another --starts or --method
	brink := "../../examples/crises/brinkmanship.yaml"
	st5 := t.TempDir()
	writeParts(t, st5, 3, "solve", brink, "--starts", "5")
	st6 := t.TempDir()
	writeParts(t, st6, 3, "solve", brink, "--starts", "6")
	stIter := t.TempDir()
	writeParts(t, stIter, 3, "solve", brink, "--starts", "5", "--method", "iterate")
	stDraws := t.TempDir()
	writeParts(t, stDraws, 3, "solve", brink, "--starts", "5", "--draws", "6")

	// update on another record, and a record altered inside a part
	upd := t.TempDir()
	writeParts(t, upd, 2, "update", watch, "--record", watchRecord, "--draws", "20", "--checks", "5")
	cut := filepath.Join(t.TempDir(), "cut.csv")
	rb, rerr := os.ReadFile(watchRecord)
	if rerr != nil {
		t.Fatal(rerr)
	}
	os.WriteFile(cut, rb[:bytes.LastIndexByte(rb[:len(rb)-1], '\n')+1], 0o644) // the last row dropped
	updCut := t.TempDir()
	writeParts(t, updCut, 2, "update", watch, "--record", cut, "--draws", "20", "--checks", "5")
	updCutSame := t.TempDir() // the same flags, another record's bytes at the same path
	os.WriteFile(filepath.Join(updCutSame, "r.csv"), rb, 0o644)
	writeParts(t, updCutSame, 2, "update", watch, "--record", filepath.Join(updCutSame, "r.csv"), "--draws", "20", "--checks", "5")
	os.WriteFile(filepath.Join(updCutSame, "r.csv"), rb[:len(rb)/2], 0o644)
	os.Rename(part(updCutSame, 1, 2), filepath.Join(t.TempDir(), "x"))
	writeParts1 := func(dir string, k, n int, args ...string) {
		a := append(append([]string{}, args...), "--shard", fmt.Sprintf("%d/%d", k, n), "--out", dir+"/")
		if _, stderr, code := runTruce(t, "", a...); code != 0 {
			t.Fatalf("%v: exit %d: %s", a, code, stderr)
		}
	}
	writeParts1(updCutSame, 1, 2, "update", watch, "--record", filepath.Join(updCutSame, "r.csv"), "--draws", "20", "--checks", "5")
	alteredRec := filepath.Join(t.TempDir(), "altered-record.json")
	{
		b, _ := os.ReadFile(part(upd, 1, 2))
		var p map[string]any
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		in := p["inputs"].([]any)[0].(map[string]any)
		in["source"] = in["source"].(string) + "2026-07-06,war\n"
		b2, _ := json.Marshal(p)
		os.WriteFile(alteredRec, b2, 0o644)
	}

	// An altered scenario inside a part, and a truncated part.
	altered := filepath.Join(t.TempDir(), "altered.json")
	b, _ := os.ReadFile(part(a, 1, 3))
	var p map[string]any
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	p["source"] = p["source"].(string) + "\n# edited"
	b2, _ := json.Marshal(p)
	os.WriteFile(altered, b2, 0o644)
	truncated := filepath.Join(t.TempDir(), "truncated.json")
	os.WriteFile(truncated, b[:len(b)/2], 0o644)
	empty := t.TempDir()

	for _, tc := range []struct {
		name  string
		parts []string
		want  []string
	}{
		{"missing", []string{part(a, 0, 3), part(a, 2, 3)}, []string{"1 of 3 shards missing: 1", "--shard K/3"}},
		{"duplicate", []string{a, part(a, 1, 3)}, []string{"shard 1/3 is in both"}},
		{"seed", []string{part(a, 0, 3), part(seed, 1, 3), part(a, 2, 3)}, []string{"seed 2", "seed 1"}},
		{"draws", []string{part(a, 0, 3), part(draws, 1, 3), part(a, 2, 3)}, []string{"run of 13 units", "of 12"}},
		{"settings", []string{part(a, 0, 3), part(prof, 1, 3), part(a, 2, 3)}, []string{"different settings", "profile"}},
		{"scenario", []string{part(a, 0, 3), part(other, 1, 3), part(a, 2, 3)}, []string{"different scenario files"}},
		{"command", []string{part(a, 0, 3), part(sens, 1, 3), part(a, 2, 3)}, []string{"truce sensitivity", "truce analyze"}},
		{"altered", []string{part(a, 0, 3), altered, part(a, 2, 3)}, []string{"altered.json", "does not match its hash"}},
		{"solve: other --starts", []string{part(st5, 0, 3), part(st6, 1, 3), part(st5, 2, 3)}, []string{"run of 7 units", "of 6"}},
		{"solve: other --method", []string{part(st5, 0, 3), part(stIter, 1, 3), part(st5, 2, 3)}, []string{"different settings", `method "auto" vs "iterate"`}},
		{"solve: draws and starts", []string{part(st5, 0, 3), part(stDraws, 1, 3), part(st5, 2, 3)}, []string{"different settings", "draws"}},
		{"solve: missing start shards", []string{part(st5, 1, 3)}, []string{"2 of 3 shards missing: 0, 2"}},
		{"update: another record", []string{part(upd, 0, 2), part(updCut, 1, 2)}, []string{"were run on different --record files"}},
		{"update: another record at the same path", []string{updCutSame}, []string{"were run on different --record files"}},
		{"update: altered record", []string{part(upd, 0, 2), alteredRec}, []string{"altered-record.json", "--record file it carries does not match its hash"}},
		{"update: missing", []string{part(upd, 1, 2)}, []string{"1 of 2 shards missing: 0"}},
		{"truncated", []string{truncated}, []string{"truncated.json", "not a truce partial result"}},
		{"empty folder", []string{empty}, []string{"holds no part-K-of-N.json"}},
		{"not a part", []string{usIranFile}, []string{"us-iran-2026.yaml", "not a truce partial result"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, code := runTruce(t, "", append([]string{"merge"}, tc.parts...)...)
			if code != codeFailure || out != "" {
				t.Errorf("exit %d (want %d), stdout %q", code, codeFailure, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("error lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}

// TestShardFlags: misuse of --shard and --out is a usage error.
func TestShardFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"analyze", usIranFile, "--out", "x.json"}, "needs --shard"},
		{[]string{"analyze", usIranFile, "--shard", "3/3"}, "from 0 to 2"},
		{[]string{"analyze", usIranFile, "--shard", "1"}, "want K/N"},
		{[]string{"analyze", usIranFile, "--shard", "0/0"}, "from 1 to"},
	} {
		_, stderr, code := runTruce(t, "", tc.args...)
		if code != codeUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want usage error with %q", tc.args, code, stderr, tc.want)
		}
	}
	t.Setenv("TRUCE_SHARD_INDEX", "")
	t.Setenv("JOB_COMPLETION_INDEX", "")
	t.Setenv("SLURM_ARRAY_TASK_ID", "")
	_, stderr, code := runTruce(t, "", "analyze", usIranFile, "--shard", "env/4")
	if code != codeUsage || !strings.Contains(stderr, "JOB_COMPLETION_INDEX") {
		t.Errorf("env/4 without an index: exit %d, %q", code, stderr)
	}
}

// TestShardResume: a shard whose valid part exists is skipped (the file
// is not rewritten); a part of another run in its place is an error, and
// an unreadable one is computed again.
func TestShardResume(t *testing.T) {
	dir := t.TempDir()
	args := []string{"analyze", usIranFile, "--draws", "10", "--hypothesis-draws", "none", "--shard", "1/2", "--out", dir + "/"}
	if _, stderr, code := runTruce(t, "", args...); code != 0 {
		t.Fatal(stderr)
	}
	f := filepath.Join(dir, "part-1-of-2.json")
	before, _ := os.ReadFile(f)
	os.Chtimes(f, fixedTime, fixedTime)
	_, stderr, code := runTruce(t, "", args...)
	if code != 0 || !strings.Contains(stderr, "skipped") {
		t.Fatalf("second run: exit %d, %q", code, stderr)
	}
	if st, _ := os.Stat(f); !st.ModTime().Equal(fixedTime) {
		t.Error("the existing part was rewritten")
	}
	// another seed in the same place
	_, stderr, code = runTruce(t, "", append(args, "--seed", "9")...)
	if code != codeFailure || !strings.Contains(stderr, "another run") || !strings.Contains(stderr, "seed") {
		t.Errorf("another run's part: exit %d, %q", code, stderr)
	}
	// a damaged part is computed again
	os.WriteFile(f, before[:100], 0o644)
	_, stderr, code = runTruce(t, "", args...)
	after, _ := os.ReadFile(f)
	if code != 0 || !strings.Contains(stderr, "computing shard 1/2 again") || !bytes.Equal(after, before) {
		t.Errorf("damaged part: exit %d, %q, same bytes %v", code, stderr, bytes.Equal(after, before))
	}

	// update: a part of the same flags on another record (edited in
	// place) is not taken for this run's
	rec := filepath.Join(t.TempDir(), "r.csv")
	rb, _ := os.ReadFile(watchRecord)
	os.WriteFile(rec, rb, 0o644)
	uargs := []string{"update", watch, "--record", rec, "--draws", "10", "--checks", "5", "--shard", "0/2", "--out", dir + "/u/"}
	if _, stderr, code := runTruce(t, "", uargs...); code != 0 {
		t.Fatal(stderr)
	}
	if _, stderr, code := runTruce(t, "", uargs...); code != 0 || !strings.Contains(stderr, "skipped") {
		t.Fatalf("same record: exit %d, %q", code, stderr)
	}
	os.WriteFile(rec, rb[:len(rb)*2/3], 0o644)
	_, stderr, code = runTruce(t, "", uargs...)
	if code != codeFailure || !strings.Contains(stderr, "another run") || !strings.Contains(stderr, "different --record files") {
		t.Errorf("edited record: exit %d, %q", code, stderr)
	}
}

// TestShardProcessesIndexedJob is the Kubernetes path: N processes with
// JOB_COMPLETION_INDEX set (as an Indexed Job sets it) run one command
// line, `--shard env/N`, and the merge equals the whole run.
func TestShardProcessesIndexedJob(t *testing.T) {
	bin := hostileBinary(t)
	args := []string{"sensitivity", usIranFile, "--method", "sobol", "--samples", "8", "--format", "json"}
	whole, stderr, code := runTruce(t, "", args...)
	if code != 0 {
		t.Fatal(stderr)
	}
	dir := t.TempDir()
	const n = 3
	var cmds []*exec.Cmd
	for k := 0; k < n; k++ {
		c := exec.Command(bin[0], append(args, "--shard", fmt.Sprintf("env/%d", n), "--out", dir+"/")...)
		c.Env = append(os.Environ(), "TRUCE_HOSTILE_CHILD=1", fmt.Sprintf("JOB_COMPLETION_INDEX=%d", k), "TRUCE_SHARD_INDEX=", "SLURM_ARRAY_TASK_ID=")
		var eb bytes.Buffer
		c.Stderr = &eb
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, c)
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("shard %d: %s", k, eb.String())
			}
		})
	}
	for k, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("shard process %d: %v", k, err)
		}
	}
	for k := 0; k < n; k++ {
		p, err := shard.ReadFile(filepath.Join(dir, fmt.Sprintf("part-%d-of-%d.json", k, n)))
		if err != nil {
			t.Fatal(err)
		}
		if p.Shard.Index != k {
			t.Errorf("process with JOB_COMPLETION_INDEX=%d wrote shard %d", k, p.Shard.Index)
		}
	}
	merged, stderr, code := runTruce(t, "", "merge", dir, "--format", "json")
	if code != 0 || merged != whole {
		t.Fatalf("merge: exit %d %s; equal to the whole run: %v", code, stderr, merged == whole)
	}
}
