package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/truce-dev/truce/internal/shard"
)

// A long command over independent units (draws, design rows) runs in one of
// three modes: whole (the default), one shard (--shard K/N: it computes
// units [lo, hi) and writes a partial result), or merge (`truce merge` runs
// the command again with the parts in its context: it folds them instead of
// computing, and prints what the whole run prints, through the same code).

// shardFlags are --shard and --out.
type shardFlags struct {
	spec, out string
}

func (f *shardFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&f.spec, "shard", "", "run only shard K of N (0-based: 0/4 ... 3/4; env/N reads K from TRUCE_SHARD_INDEX, JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID) and write a partial result for truce merge (docs/scale.md)")
	fs.StringVar(&f.out, "out", "", "with --shard: the partial result's file, or a folder to write part-K-of-N.json into (default: standard output); a valid partial of the same run already there is kept and the shard skipped")
}

// unshardedFlags do not change a result: shards may differ in them, and a
// merge does not repeat them.
func unshardedFlags(name string) bool {
	switch name {
	case "shard", "out", "workers", "format", "progress", "timeout", "max-memory", "help":
		return true
	}
	return false
}

// mergeKey carries the parts of a merge in the context of the command run
// again by `truce merge`.
type mergeKey struct{}

type mergeInput struct {
	parts []*shard.Part // checked, in shard order
}

func mergeFrom(ctx context.Context) *mergeInput {
	m, _ := ctx.Value(mergeKey{}).(*mergeInput)
	return m
}

// shardJob is a command's run in one of the three modes.
type shardJob struct {
	header shard.Header
	// shard mode
	sharding bool
	outPath  string // "" = stdout
	skip     bool   // a valid identical partial exists at outPath
	// merge mode
	parts []*shard.Part
}

// Range is the block of units this run computes: all of them unless sharding.
func (j *shardJob) Range() (lo, hi int) {
	if j.sharding {
		return j.header.Lo, j.header.Hi
	}
	return 0, j.header.Units
}

// merging reports whether the command folds parts instead of computing.
func (j *shardJob) merging() bool { return j.parts != nil }

// startShard decides the mode of command name over units units; src is the
// scenario's bytes and file its name as given.
func startShard(cmd *cobra.Command, name string, sf shardFlags, file string, src []byte, seed uint64, units int, inputs ...shard.Input) (*shardJob, error) {
	settings, args := runSettings(cmd)
	if m := mergeFrom(cmd.Context()); m != nil {
		p := m.parts[0]
		switch {
		case p.Command != name:
			return nil, fmt.Errorf("the parts are from truce %s, not truce %s", p.Command, name)
		case p.Units != units:
			return nil, fmt.Errorf("the parts cover %d units; this run has %d", p.Units, units)
		case p.Seed != seed:
			return nil, fmt.Errorf("the parts have seed %d; this run %d", p.Seed, seed)
		}
		return &shardJob{header: p.Header, parts: m.parts}, nil
	}
	if sf.spec == "" {
		if sf.out != "" {
			return nil, usageErrorf("truce %s: --out writes a partial result and needs --shard K/N", name)
		}
		return &shardJob{header: shard.Header{Units: units}}, nil
	}
	spec, err := shard.Parse(sf.spec, nil)
	if err != nil {
		return nil, usageErrorf("truce %s: %v", name, err)
	}
	h := shard.NewPart(name, settings, src, file, seed, spec, units)
	h.Args = args
	h.Truce = buildID()
	h.Inputs = inputs
	j := &shardJob{header: h, sharding: true}
	if sf.out == "" || sf.out == "-" {
		return j, nil
	}
	j.outPath = sf.out
	if st, err := os.Stat(sf.out); (err == nil && st.IsDir()) || strings.HasSuffix(sf.out, string(os.PathSeparator)) {
		if err := os.MkdirAll(sf.out, 0o755); err != nil {
			return nil, fmt.Errorf("truce %s: %w", name, err)
		}
		j.outPath = filepath.Join(sf.out, partName(spec))
	}
	// Resumption: a valid part of this very run is kept.
	old, err := shard.ReadFile(j.outPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		fmt.Fprintf(cmd.ErrOrStderr(), "truce %s: %v; computing shard %s again\n", name, err, spec)
	case sameRun(old.Header, h):
		j.skip = true
	default:
		return nil, fmt.Errorf("truce %s: %s holds shard %s of another run (%s); remove it or choose another --out", name, j.outPath, old.Shard, describeDiff(old.Header, h))
	}
	return j, nil
}

// partName is the file name of shard spec in an --out folder.
func partName(spec shard.Spec) string {
	return fmt.Sprintf("part-%d-of-%d.json", spec.Index, spec.Count)
}

// sameRun: a and b are the same shard of the same run.
func sameRun(a, b shard.Header) bool {
	return len(shard.Compare(a, b)) == 0 && a.Shard == b.Shard
}

// describeDiff says in a few words how the runs of a and b differ.
func describeDiff(a, b shard.Header) string {
	var d []string
	for _, m := range shard.Compare(a, b) {
		d = append(d, m.String())
	}
	return strings.Join(d, ", ")
}

// finish writes the part (shard mode) with its payload. It reports on
// stderr what was written or skipped.
func (j *shardJob) finish(cmd *cobra.Command, payload any) error {
	w := func(out io.Writer) error { return shard.Write(out, j.header, payload) }
	if j.outPath == "" {
		return w(cmd.OutOrStdout())
	}
	if err := writeFileAtomic(j.outPath, w); err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "shard %s: units %d-%d of %d written to %s\n", j.header.Shard, j.header.Lo, j.header.Hi-1, j.header.Units, j.outPath)
	return nil
}

// skipped reports a resumed shard.
func (j *shardJob) skipped(cmd *cobra.Command) {
	fmt.Fprintf(cmd.ErrOrStderr(), "shard %s: %s already holds it (same run); skipped\n", j.header.Shard, j.outPath)
}

// runSettings lists the flags that change results: every such flag's value
// (for comparing parts) and the arguments to give again (those set on the
// command line, and the positional arguments).
func runSettings(cmd *cobra.Command) (map[string]string, []string) {
	settings := map[string]string{}
	var args []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if unshardedFlags(f.Name) {
			return
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			vals := sv.GetSlice()
			settings[f.Name] = strings.Join(vals, ",")
			if f.Changed {
				for _, v := range vals {
					args = append(args, "--"+f.Name+"="+csvField(v))
				}
			}
			return
		}
		settings[f.Name] = f.Value.String()
		if f.Changed {
			args = append(args, "--"+f.Name+"="+f.Value.String())
		}
	})
	sort.Strings(args)
	args = append(args, "--")
	args = append(args, cmd.Flags().Args()...)
	return settings, args
}

// csvField quotes a slice element the way pflag's slice flags read it back.
func csvField(v string) string {
	if !strings.ContainsAny(v, ",\"\n") {
		return v
	}
	return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
}

// buildID names the build: module version and VCS revision.
func buildID() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v += " " + s.Value
		case "vcs.modified":
			if s.Value == "true" {
				v += "+modified"
			}
		}
	}
	return v
}

func withMerge(ctx context.Context, m *mergeInput) context.Context {
	return context.WithValue(ctx, mergeKey{}, m)
}
