package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// requireSlurm skips (or, under CI=true, fails) a test when no Slurm
// cluster answers. .ci/run starts one (deploy/slurm/local-cluster.sh).
func requireSlurm(t *testing.T) {
	t.Helper()
	why := ""
	switch {
	case os.Getenv("SLURM_CONF") == "":
		why = "SLURM_CONF is not set"
	default:
		if _, err := exec.LookPath("sbatch"); err != nil {
			why = "sbatch is not installed"
		} else if out, err := exec.Command("sinfo", "--noheader").CombinedOutput(); err != nil {
			why = "sinfo: " + strings.TrimSpace(string(out))
		}
	}
	if why == "" {
		return
	}
	msg := "no Slurm cluster (" + why + "): apt-get install slurm-wlm munge, then eval \"$(deploy/slurm/local-cluster.sh start /tmp/truce-slurm)\""
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// TestSlurm submits real sharded runs to Slurm (a job array and a merge
// that depends on it), waits, and compares the merged result with the
// single-process output byte for byte: the US–Iran analysis in text and a
// Sobol run in JSON. Then a shard that fails is reported by number, and
// submitting the folder again re-runs that shard alone.
func TestSlurm(t *testing.T) {
	requireSlurm(t)
	// The jobs run this test binary, which acts as truce with this set
	// (TestMain); sbatch passes the environment on to the jobs.
	t.Setenv("TRUCE_HOSTILE_CHILD", "1")
	for _, tc := range []struct {
		name   string
		shards string
		format string
		args   []string
	}{
		{"analyze", "3", "text", []string{"analyze", usIranFile, "--draws", "40", "--seed", "3"}},
		{"sobol", "2", "json", []string{"sensitivity", usIranFile, "--method", "sobol", "--samples", "8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			whole, stderr, code := runTruce(t, "", append(tc.args, "--format", tc.format)...)
			if code != 0 {
				t.Fatal(stderr)
			}
			dir := filepath.Join(t.TempDir(), "run")
			args := append([]string{"slurm", "submit", "--shards", tc.shards, "--dir", dir, "--result-format", tc.format, "--wait", "--"}, tc.args...)
			out, stderr, code := runTruce(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
			}
			res, err := os.ReadFile(filepath.Join(dir, map[string]string{"text": "result.txt", "json": "result.json"}[tc.format]))
			if err != nil {
				t.Fatal(err)
			}
			if string(res) != whole {
				t.Errorf("the Slurm run's result differs from the single-process run's\nslurm:\n%s\nwhole:\n%s", res, whole)
			}
			if !strings.HasSuffix(out, whole) {
				t.Errorf("--wait should print the result")
			}
			st, _, _ := runTruce(t, "", "slurm", "status", dir)
			if !strings.Contains(st, "done     "+tc.shards+": shards 0-") || !strings.Contains(st, "merge    done") {
				t.Errorf("status:\n%s", st)
			}
		})
	}

	t.Run("failed shard", func(t *testing.T) {
		args := []string{"analyze", usIranFile, "--draws", "30"}
		whole, _, _ := runTruce(t, "", args...)
		dir := filepath.Join(t.TempDir(), "run")
		// A folder where shard 1's part should go makes that shard (and
		// only it) fail.
		block := filepath.Join(dir, "parts", "part-1-of-3.json")
		if err := os.MkdirAll(block, 0o755); err != nil {
			t.Fatal(err)
		}
		out, stderr, code := runTruce(t, "", append([]string{"slurm", "submit", "--shards", "3", "--dir", dir, "--wait", "--"}, args...)...)
		if code != codeFailure || !strings.Contains(stderr, "failed   1: shards 1") || !strings.Contains(stderr, "truce slurm submit --dir "+dir) {
			t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
		}
		st, _, _ := runTruce(t, "", "slurm", "status", dir)
		if !strings.Contains(st, "done     2: shards 0, 2") || !strings.Contains(st, "failed   1: shards 1") {
			t.Errorf("status:\n%s", st)
		}
		os.Remove(block)
		out, stderr, code = runTruce(t, "", "slurm", "submit", "--dir", dir, "--wait")
		if code != 0 || !strings.Contains(out, "shards 1 of 3") {
			t.Fatalf("resubmission: exit %d\n%s\n%s", code, out, stderr)
		}
		res, _ := os.ReadFile(filepath.Join(dir, "result.txt"))
		if string(res) != whole {
			t.Errorf("the resumed run's result differs from the single-process run's")
		}
	})
}

// TestSlurmRefuses: what cannot be sharded or sent is refused before
// anything is submitted.
func TestSlurmRefuses(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"slurm", "submit", "--shards", "2", "--dir", dir, "--", "nash", "x.nfg"}, "does not shard"},
		{[]string{"slurm", "submit", "--shards", "2", "--dir", dir, "--", "analyze", usIranFile, "--shard", "0/2"}, "leave --shard out"},
		{[]string{"slurm", "submit", "--shards", "2", "--dir", dir, "--", "analyze", "-"}, "standard input"},
		{[]string{"slurm", "submit", "--shards", "2", "--dir", dir, "--", "analyze", usIranFile, "--no-such"}, "unknown flag"},
		{[]string{"slurm", "submit", "--shards", "2", "--", "analyze", usIranFile}, "--dir is required"},
		{[]string{"slurm", "submit", "--dir", dir, "--", "analyze", usIranFile}, "--shards N is required"},
		{[]string{"slurm", "submit", "--dir", dir}, "give the command after --"},
	} {
		_, stderr, code := runTruce(t, "", tc.args...)
		if code != codeUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want a usage error with %q", tc.args, code, stderr, tc.want)
		}
	}
	if _, stderr, code := runTruce(t, "", "slurm", "status", dir); code != codeFailure || !strings.Contains(stderr, "no run.json") {
		t.Errorf("status of an empty folder: exit %d, %q", code, stderr)
	}
	// A damaged run.json: its shard count sizes the status tables (a
	// negative one panicked in make, 1e12 ran out of memory).
	for _, shards := range []string{"-1", "0", "100001", "1000000000000"} {
		if err := os.WriteFile(filepath.Join(dir, "run.json"), []byte(`{"format": "truce.slurm/1", "shards": `+shards+`}`), 0o644); err != nil {
			t.Fatal(err)
		}
		want := "run.json: shards is " + shards + "; a run has 1 to 100000 shards"
		if _, stderr, code := runTruce(t, "", "slurm", "status", dir); code != codeFailure || !strings.Contains(stderr, want) {
			t.Errorf("status with %s shards: exit %d, %q; want %q", shards, code, stderr, want)
		}
	}
}
