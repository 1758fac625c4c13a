package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/internal/shard"
)

// truce slurm hands a sharded run to Slurm: a job array runs the shards
// (each reads its index from SLURM_ARRAY_TASK_ID) and a job that depends on
// the whole array (afterok) merges them. Slurm does the scheduling, the
// queueing and the retries; truce only writes the two batch scripts and
// reads back what is there.

// slurmRun is DIR/run.json: what was submitted, so that status and a
// resubmission need only the folder.
type slurmRun struct {
	Format  string       `json:"format"` // "truce.slurm/1"
	Truce   string       `json:"truce"`  // the binary the jobs run
	Chdir   string       `json:"chdir"`
	Args    []string     `json:"args"` // the command and its arguments, without --shard/--out
	Shards  int          `json:"shards"`
	Output  string       `json:"output_format"`
	ArrayID string       `json:"array_job,omitempty"`
	MergeID string       `json:"merge_job,omitempty"`
	Options slurmOptions `json:"options"`
}

type slurmOptions struct {
	Partition   string `json:"partition,omitempty"`
	Time        string `json:"time,omitempty"`
	CPUsPerTask int    `json:"cpus_per_task,omitempty"`
	Mem         string `json:"mem,omitempty"`
	Account     string `json:"account,omitempty"`
}

const slurmRunFormat = "truce.slurm/1"

func newSlurmCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "slurm",
		Short: "Run a sharded analysis on a Slurm cluster: a job array of shards and a dependent merge",
		Long: `slurm runs a long command (analyze, solve, sensitivity, update: the
commands truce merge merges) on a Slurm cluster. submit writes two batch
scripts into a run folder and submits them with sbatch: a job array, one
task per shard, each running the command with --shard env/N (the index is
SLURM_ARRAY_TASK_ID), and a
merge job that runs once every task has succeeded (--dependency=afterok)
and writes exactly what the command run whole prints. status reads the
queue (squeue) and the partial files to say which shards are done,
running, waiting or failed. A failed or missing shard is re-run alone by
submitting the same folder again: shards with a valid partial file are
not run again. docs/scale.md walks through a run.`,
	}
	cmd.AddCommand(newSlurmSubmitCmd(), newSlurmStatusCmd())
	return cmd
}

func newSlurmSubmitCmd() *cobra.Command {
	var (
		shards int
		dir    string
		format string
		wait   bool
		opts   slurmOptions
	)
	cmd := &cobra.Command{
		Use:   "submit --shards N --dir DIR [options] -- COMMAND ARGS...",
		Short: "Submit a command as a Slurm job array of N shards and a merge job",
		Long: `submit writes DIR/shards.sbatch and DIR/merge.sbatch and submits them. The
shards write DIR/parts/part-K-of-N.json, their logs go to DIR/logs/, and
the merge writes DIR/result.txt (or result.json with --result-format json). The
jobs run this truce binary (by its absolute path, so it must be visible
to the compute nodes, e.g. on a shared file system) in the current folder.

Submitting a folder again (without a command) resubmits only the shards
that have no valid partial file, then the merge. --wait waits for the
merge and prints the result, or says which shards failed.`,
		Example: `  truce slurm submit --shards 16 --dir runs/sobol --time 2:00:00 --cpus-per-task 4 -- \
      sensitivity scenarios/us-iran-2026.yaml --method sobol --samples 4096
  truce slurm status runs/sobol
  truce slurm submit --dir runs/sobol      # re-run failed shards, then merge`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if dir == "" {
				return usageErrorf("truce slurm submit: --dir is required (the run folder)")
			}
			return slurmSubmit(cmd, dir, args, shards, format, wait, opts)
		},
	}
	f := cmd.Flags()
	intFlag(f, &shards, "shards", 0, 0, shard.MaxCount, "number of shards (tasks of the job array)")
	f.StringVar(&dir, "dir", "", "run folder: scripts, partial files, logs and the result")
	enumFlag(f, &format, "result-format", "text", "format of the merged result (what the command prints with --format)", "text", "json")
	f.BoolVar(&wait, "wait", false, "wait for the merge; print the result or which shards failed")
	f.StringVar(&opts.Partition, "partition", "", "Slurm partition (sbatch --partition)")
	f.StringVar(&opts.Time, "time", "", "time limit per shard, e.g. 1:00:00 (sbatch --time)")
	intFlag(f, &opts.CPUsPerTask, "cpus-per-task", 0, 0, 1024, "CPUs per shard (sbatch --cpus-per-task); the shard uses that many workers")
	f.StringVar(&opts.Mem, "mem", "", "memory per shard, e.g. 4G (sbatch --mem)")
	f.StringVar(&opts.Account, "account", "", "Slurm account (sbatch --account)")
	return cmd
}

func newSlurmStatusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status DIR",
		Short: "Which shards of a Slurm run are done, running, waiting or failed",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			run, err := readSlurmRun(args[0])
			if err != nil {
				return err
			}
			st := slurmStatusOf(cmd.Context(), args[0], run)
			st.write(cmd.OutOrStdout(), args[0])
			return nil
		},
	}
}

// maxSlurmRunFile caps a run folder's run.json (a few hundred bytes as
// truce writes it).
const maxSlurmRunFile = 16 << 20

func readSlurmRun(dir string) (*slurmRun, error) {
	_, b, err := readInput(nil, filepath.Join(dir, "run.json"), maxSlurmRunFile)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s is not a truce slurm run folder (no run.json)", dir)
		}
		return nil, err
	}
	var r slurmRun
	if err := json.Unmarshal(b, &r); err != nil || r.Format != slurmRunFormat {
		return nil, fmt.Errorf("%s/run.json: not a truce slurm run (%v)", dir, err)
	}
	// The shard count sizes the status tables and the job array: an edited
	// or damaged file must not make them negative or huge.
	if r.Shards < 1 || r.Shards > shard.MaxCount {
		return nil, fmt.Errorf("%s/run.json: shards is %d; a run has 1 to %d shards", dir, r.Shards, shard.MaxCount)
	}
	return &r, nil
}

func slurmSubmit(cmd *cobra.Command, dir string, args []string, shards int, format string, wait bool, opts slurmOptions) error {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	old, oldErr := readSlurmRun(absDir)
	var run *slurmRun
	switch {
	case len(args) == 0 && oldErr != nil:
		return usageErrorf("truce slurm submit: give the command after -- (e.g. -- analyze FILE --draws 10000), or a run folder submitted before: %v", oldErr)
	case len(args) == 0:
		run = old // resubmission
	default:
		if shards < 1 {
			return usageErrorf("truce slurm submit: --shards N is required (N >= 1)")
		}
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		cwd, err := os.Getwd()
		if err != nil {
			return err
		}
		a, err := slurmCommandArgs(args)
		if err != nil {
			return err
		}
		run = &slurmRun{Format: slurmRunFormat, Truce: exe, Chdir: cwd, Args: a, Shards: shards, Output: format, Options: opts}
		if oldErr == nil && (!slices.Equal(old.Args, run.Args) || old.Shards != run.Shards) {
			return fmt.Errorf("truce slurm submit: %s holds another run (truce %s in %d shards); choose another --dir", dir, strings.Join(old.Args, " "), old.Shards)
		}
	}
	if _, err := exec.LookPath("sbatch"); err != nil {
		return fmt.Errorf("truce slurm submit: sbatch not found: this needs the client commands of a Slurm cluster (docs/scale.md); without one, run the shards with --shard K/N and truce merge")
	}
	for _, d := range []string{"parts", "logs"} {
		if err := os.MkdirAll(filepath.Join(absDir, d), 0o755); err != nil {
			return err
		}
	}
	st := slurmStatusOf(cmd.Context(), absDir, run)
	todo := st.missing()
	w := cmd.OutOrStdout()
	var deps string
	if len(todo) > 0 {
		if err := writeFileAtomic(filepath.Join(absDir, "shards.sbatch"), func(out io.Writer) error {
			return writeShardScript(out, absDir, run, todo)
		}); err != nil {
			return err
		}
		id, err := sbatch(cmd.Context(), filepath.Join(absDir, "shards.sbatch"))
		if err != nil {
			return err
		}
		run.ArrayID, deps = id, id
		fmt.Fprintf(w, "submitted truce %s: job array %s, shards %s of %d\n", run.Args[0], id, shard.Ranges(todo), run.Shards)
	} else {
		fmt.Fprintf(w, "every shard of %d has a valid partial file; submitting only the merge\n", run.Shards)
	}
	// A result or merge log of an earlier submission would pass for this
	// one's.
	for _, f := range []string{resultName(run), filepath.Join("logs", "merge.err"), filepath.Join("logs", "merge.out")} {
		if err := os.Remove(filepath.Join(absDir, f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if err := writeFileAtomic(filepath.Join(absDir, "merge.sbatch"), func(out io.Writer) error {
		return writeMergeScript(out, absDir, run, deps)
	}); err != nil {
		return err
	}
	mid, err := sbatch(cmd.Context(), filepath.Join(absDir, "merge.sbatch"))
	if err != nil {
		return err
	}
	run.MergeID = mid
	if err := writeFileAtomic(filepath.Join(absDir, "run.json"), func(out io.Writer) error {
		e := json.NewEncoder(out)
		e.SetIndent("", "  ")
		return e.Encode(run)
	}); err != nil {
		return err
	}
	result := filepath.Join(absDir, resultName(run))
	fmt.Fprintf(w, "merge job %s runs once every shard has succeeded and writes %s\n", mid, result)
	fmt.Fprintf(w, "progress: truce slurm status %s\n", dir)
	if !wait {
		return nil
	}
	if err := waitJobs(cmd.Context(), mid); err != nil {
		return err
	}
	b, err := os.ReadFile(result) // removed before the merge was submitted
	if err != nil {
		st := slurmStatusOf(cmd.Context(), absDir, run)
		st.write(cmd.ErrOrStderr(), dir)
		return fmt.Errorf("the merge did not complete (%v); resubmit with: truce slurm submit --dir %s", err, dir)
	}
	fmt.Fprintln(w)
	_, err = w.Write(b)
	return err
}

// slurmCommandArgs checks the command to run in shards.
func slurmCommandArgs(args []string) ([]string, error) {
	if !mergeable(args[0]) {
		return nil, usageErrorf("truce slurm submit: truce %s does not shard; the commands that do: analyze, solve, sensitivity, update", args[0])
	}
	root := newRootCmd()
	c, rest, err := root.Find(args)
	if err != nil || c == root {
		return nil, usageErrorf("truce slurm submit: %q is not a truce command", args[0])
	}
	if err := c.ParseFlags(rest); err != nil {
		return nil, usageErrorf("truce slurm submit: truce %s: %v", args[0], err)
	}
	for _, name := range []string{"shard", "out", "format"} {
		if c.Flags().Changed(name) {
			hint := "truce slurm sets it"
			if name == "format" {
				hint = "give truce slurm submit --result-format instead"
			}
			return nil, usageErrorf("truce slurm submit: leave --%s out of the command; %s", name, hint)
		}
	}
	pos := c.Flags().Args()
	if c.Args != nil {
		if err := c.Args(c, pos); err != nil {
			return nil, usageErrorf("truce slurm submit: truce %s: %v", args[0], err)
		}
	}
	// Paths stay as given (the output names the scenario as the user wrote
	// it): the jobs run in the current folder (--chdir).
	if len(pos) > 0 {
		if pos[0] == "-" {
			return nil, usageErrorf("truce slurm submit: a scenario on standard input cannot be sent to the cluster; give a file")
		}
		if _, err := os.Stat(pos[0]); err != nil {
			return nil, fmt.Errorf("truce slurm submit: %v", err)
		}
	}
	out := append([]string{args[0]}, rest...)
	return out, nil
}

func resultName(run *slurmRun) string {
	if run.Output == "json" {
		return "result.json"
	}
	return "result.txt"
}

// shellQuote quotes s for /bin/sh.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func sbatchHeader(w io.Writer, run *slurmRun, name string) {
	fmt.Fprintf(w, "#!/bin/sh\n# Written by truce slurm submit; docs/scale.md.\n#SBATCH --job-name=%s\n#SBATCH --chdir=%s\n", name, shellQuote(run.Chdir))
	o := run.Options
	if o.Partition != "" {
		fmt.Fprintf(w, "#SBATCH --partition=%s\n", o.Partition)
	}
	if o.Account != "" {
		fmt.Fprintf(w, "#SBATCH --account=%s\n", o.Account)
	}
	if o.Time != "" {
		fmt.Fprintf(w, "#SBATCH --time=%s\n", o.Time)
	}
	if o.Mem != "" {
		fmt.Fprintf(w, "#SBATCH --mem=%s\n", o.Mem)
	}
}

func writeShardScript(w io.Writer, dir string, run *slurmRun, todo []int) error {
	sbatchHeader(w, run, "truce-"+run.Args[0])
	var ids []string
	for _, k := range todo {
		ids = append(ids, strconv.Itoa(k))
	}
	fmt.Fprintf(w, "#SBATCH --array=%s\n", strings.Join(ids, ","))
	if run.Options.CPUsPerTask > 0 {
		fmt.Fprintf(w, "#SBATCH --cpus-per-task=%d\n", run.Options.CPUsPerTask)
	}
	fmt.Fprintf(w, "#SBATCH --output=%s\n#SBATCH --error=%s\n", shellQuote(filepath.Join(dir, "logs", "shard-%a.out")), shellQuote(filepath.Join(dir, "logs", "shard-%a.err")))
	var b strings.Builder
	for _, a := range run.Args {
		b.WriteString(" " + shellQuote(a))
	}
	fmt.Fprintf(w, "exec %s%s --shard env/%d --out %s --workers \"${SLURM_CPUS_PER_TASK:-1}\" --progress plain\n",
		shellQuote(run.Truce), b.String(), run.Shards, shellQuote(filepath.Join(dir, "parts")+"/"))
	return nil
}

func writeMergeScript(w io.Writer, dir string, run *slurmRun, after string) error {
	sbatchHeader(w, run, "truce-merge")
	if after != "" {
		// afterok on an array waits for every task; a failed task makes the
		// dependency impossible and Slurm cancels the merge instead of
		// leaving it pending for ever.
		fmt.Fprintf(w, "#SBATCH --dependency=afterok:%s\n#SBATCH --kill-on-invalid-dep=yes\n", after)
	}
	fmt.Fprintf(w, "#SBATCH --output=%s\n#SBATCH --error=%s\n", shellQuote(filepath.Join(dir, "logs", "merge.out")), shellQuote(filepath.Join(dir, "logs", "merge.err")))
	fmt.Fprintf(w, "exec %s merge %s --format %s --out %s\n", shellQuote(run.Truce), shellQuote(filepath.Join(dir, "parts")+"/"), run.Output, shellQuote(filepath.Join(dir, resultName(run))))
	return nil
}

// sbatch submits a script and returns the job id.
func sbatch(ctx context.Context, script string) (string, error) {
	var out, errb bytes.Buffer
	c := exec.CommandContext(ctx, "sbatch", "--parsable", script)
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Run(); err != nil {
		return "", fmt.Errorf("sbatch %s: %v: %s", script, err, strings.TrimSpace(errb.String()))
	}
	id, _, _ := strings.Cut(strings.TrimSpace(out.String()), ";") // "id;cluster" on multi-cluster sites
	if id == "" {
		return "", fmt.Errorf("sbatch %s printed no job id", script)
	}
	return id, nil
}

// queued lists the queued (pending or running) tasks of jobs: array task
// index (-1 for a job that is not an array) to state, per job id.
func queued(ctx context.Context, jobs ...string) (map[string]map[int]string, error) {
	var ids []string
	for _, j := range jobs {
		if j != "" {
			ids = append(ids, j)
		}
	}
	res := map[string]map[int]string{}
	if len(ids) == 0 {
		return res, nil
	}
	var out, errb bytes.Buffer
	c := exec.CommandContext(ctx, "squeue", "--noheader", "--array", "--jobs", strings.Join(ids, ","), "--format", "%F|%K|%T")
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Run(); err != nil {
		// squeue refuses ids it no longer knows (all finished): nothing queued.
		if strings.Contains(errb.String(), "Invalid job id") {
			return res, nil
		}
		return nil, fmt.Errorf("squeue: %v: %s", err, lastLine(errb.String()))
	}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		f := strings.Split(line, "|")
		if len(f) != 3 {
			continue
		}
		if res[f[0]] == nil {
			res[f[0]] = map[int]string{}
		}
		k, err := strconv.Atoi(f[1])
		if err != nil {
			k = -1 // "N/A" for a plain job, or a range of pending tasks "0-3"
			if lo, hi, ok := strings.Cut(f[1], "-"); ok {
				a, e1 := strconv.Atoi(lo)
				b, e2 := strconv.Atoi(strings.Split(hi, "%")[0])
				if e1 == nil && e2 == nil {
					for i := a; i <= b; i++ {
						res[f[0]][i] = f[2]
					}
					continue
				}
			}
		}
		res[f[0]][k] = f[2]
	}
	return res, nil
}

// waitJobs waits until none of jobs is queued, asking squeue every second.
func waitJobs(ctx context.Context, jobs ...string) error {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		q, err := queued(ctx, jobs...)
		if err != nil {
			return err
		}
		if len(q) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// slurmStatus is the state of each shard of a run.
type slurmStatus struct {
	run    *slurmRun
	state  []string // done, running, pending, failed, not run
	detail []string
	merge  string
	qerr   error
}

func slurmStatusOf(ctx context.Context, dir string, run *slurmRun) *slurmStatus {
	st := &slurmStatus{run: run, state: make([]string, run.Shards), detail: make([]string, run.Shards)}
	q, err := queued(ctx, run.ArrayID, run.MergeID)
	st.qerr = err
	for k := range st.state {
		path := filepath.Join(dir, "parts", partName(shard.Spec{Index: k, Count: run.Shards}))
		p, perr := shard.ReadFile(path)
		switch {
		case perr == nil && p.Shard.Index == k && p.Shard.Count == run.Shards:
			st.state[k] = "done"
		case q[run.ArrayID][k] != "":
			st.state[k] = strings.ToLower(q[run.ArrayID][k])
		default:
			st.state[k] = "not run"
			if perr != nil && !errors.Is(perr, fs.ErrNotExist) {
				st.state[k], st.detail[k] = "failed", perr.Error()
			}
			// The task's own last words say more than the missing part.
			if b, err := os.ReadFile(filepath.Join(dir, "logs", fmt.Sprintf("shard-%d.err", k))); err == nil {
				st.state[k] = "failed"
				if l := lastLine(string(b)); l != "" {
					st.detail[k] = l
				}
			}
		}
	}
	switch {
	case q[run.MergeID] != nil:
		for _, s := range q[run.MergeID] {
			st.merge = strings.ToLower(s)
		}
	default:
		if _, err := os.Stat(filepath.Join(dir, resultName(run))); err == nil {
			st.merge = "done"
		} else if b, err := os.ReadFile(filepath.Join(dir, "logs", "merge.err")); err == nil && len(bytes.TrimSpace(b)) > 0 {
			st.merge = "failed: " + lastLine(string(b))
		} else {
			st.merge = "not run"
		}
	}
	return st
}

// missing lists the shards without a valid part that are not queued.
func (st *slurmStatus) missing() []int {
	var ks []int
	for k, s := range st.state {
		if s != "done" && s != "running" && s != "pending" {
			ks = append(ks, k)
		}
	}
	return ks
}

func (st *slurmStatus) write(w io.Writer, dir string) {
	counts := map[string][]int{}
	var order []string
	for k, s := range st.state {
		if counts[s] == nil {
			order = append(order, s)
		}
		counts[s] = append(counts[s], k)
	}
	fmt.Fprintf(w, "truce %s in %d shards (job array %s, merge job %s)\n", strings.Join(st.run.Args, " "), st.run.Shards, orDash(st.run.ArrayID), orDash(st.run.MergeID))
	for _, s := range order {
		fmt.Fprintf(w, "  %-8s %d: shards %s\n", s, len(counts[s]), shard.Ranges(counts[s]))
	}
	for k, d := range st.detail {
		if d != "" {
			fmt.Fprintf(w, "  shard %d: %s\n", k, d)
		}
	}
	fmt.Fprintf(w, "  merge    %s\n", st.merge)
	if st.qerr != nil {
		fmt.Fprintf(w, "  (the queue could not be read: %v)\n", st.qerr)
	}
	if len(st.missing()) > 0 {
		fmt.Fprintf(w, "re-run the shards without a result, then the merge: truce slurm submit --dir %s\n", dir)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return oneLine(lines[len(lines)-1], 200)
}
