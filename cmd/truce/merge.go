package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/internal/shard"
)

func newMergeCmd() *cobra.Command {
	var (
		format string
		out    string
	)
	cmd := &cobra.Command{
		Use:   "merge PART|FOLDER...",
		Short: "Merge the partial results of a sharded run into what the whole run prints",
		Long: `merge reads the partial results that a command run with --shard K/N wrote
(files, or folders holding part-K-of-N.json files), checks that they belong
together (same command, arguments, scenario file, seed, truce build and
shard count; every shard exactly once) and prints exactly what the command
run whole prints, text or JSON, byte for byte. Each part carries the
scenario file, so merge needs nothing else. A refusal names the files and
what differs, or which shards are missing (run those again alone with
--shard K/N). Commands that shard: analyze (over draws), solve (over
draws with --draws, else over the starts of the equilibrium search),
sensitivity (every method) and update (over prior draws: their
likelihood of the record; the SMC stages run at the merge). The shard/merge contract and Slurm and Kubernetes
walkthroughs: docs/scale.md.`,
		Example: `  truce analyze scenarios/us-iran-2026.yaml --draws 4000 --shard 0/2 --out parts/
  truce analyze scenarios/us-iran-2026.yaml --draws 4000 --shard 1/2 --out parts/
  truce merge parts/
  truce merge parts/ --format json --out analysis.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			parts, err := readParts(args)
			if err != nil {
				return err
			}
			parts, err = shard.Check(parts)
			if err != nil {
				return err
			}
			h := parts[0].Header
			if !mergeable(h.Command) {
				return fmt.Errorf("the parts are from truce %s, which this build does not merge", h.Command)
			}
			flags, pos := splitArgs(h.Args)
			argv := append([]string{h.Command}, flags...)
			argv = append(argv, "--format="+format)
			for _, name := range []string{"max-memory", "progress", "workers"} {
				if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
					argv = append(argv, "--"+name+"="+f.Value.String())
				}
			}
			argv = append(argv, "--")
			argv = append(argv, pos...)
			ctx := cmd.Context()
			return writeOutput(cmd, out, args, func(w io.Writer) error {
				root := newRootCmd()
				root.SetArgs(argv)
				root.SetIn(strings.NewReader(""))
				root.SetOut(w)
				root.SetErr(cmd.ErrOrStderr())
				_, err := root.ExecuteContextC(withMerge(ctx, &mergeInput{parts: parts}))
				var re *runError
				switch {
				case err == nil:
					return nil
				case errors.As(err, &re):
					return re.err
				default:
					return fmt.Errorf("running truce %s again on the parts: %w", strings.Join(argv, " "), err)
				}
			})
		},
	}
	f := cmd.Flags()
	formatFlag(f, &format, "text", "json")
	f.StringVarP(&out, "out", "o", "", "write the merged output to this file (atomically) instead of standard output")
	var workers int
	intFlag(f, &workers, "workers", 0, 0, maxWorkers, "parallel workers for what the merge computes (update's SMC stages, the bootstrap...; 0 = all cores); output does not depend on it")
	return cmd
}

// mergeable are the commands that write parts.
func mergeable(command string) bool {
	switch command {
	case "analyze", "sensitivity", "solve", "update":
		return true
	}
	return false
}

// readParts reads the parts named: files, or folders of part-K-of-N.json.
func readParts(args []string) ([]*shard.Part, error) {
	var parts []*shard.Part
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("%w", err)
		}
		files := []string{a}
		if st.IsDir() {
			files, err = filepath.Glob(filepath.Join(a, "part-*-of-*.json"))
			if err != nil {
				return nil, fmt.Errorf("%w", err)
			}
			if len(files) == 0 {
				return nil, fmt.Errorf("%s holds no part-K-of-N.json files (write them with --shard K/N --out %s)", a, a)
			}
			sort.Strings(files)
		}
		for _, file := range files {
			p, err := shard.ReadFile(file)
			if err != nil {
				return nil, fmt.Errorf("%w", err)
			}
			parts = append(parts, p)
		}
	}
	return parts, nil
}

// splitArgs splits stored arguments at "--" into flags and positionals.
func splitArgs(args []string) (flags, pos []string) {
	for i, a := range args {
		if a == "--" {
			return args[:i], args[i+1:]
		}
	}
	return args, nil
}
