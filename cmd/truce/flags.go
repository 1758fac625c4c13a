package main

import (
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/truce-dev/truce/internal/flagval"
	"github.com/truce-dev/truce/scenario"
)

// Every numeric flag of truce is one of the values below: each checks its
// range when the command line is parsed, so that a value out of range is a
// usage error (exit 2) naming the flag and the range, never a silent
// fallback, a crash or a run that cannot finish. TestNumericFlagsChecked
// holds every command to this.

// Caps on flags whose size drives time or memory (docs/limits.md).
const (
	maxWorkers    = 1024
	maxDraws      = 10_000_000 // analyze, report, demo, sensitivity: quantiles stream beyond scenario.ExactQuantileDraws
	maxSolveDraws = 10_000     // solve keeps and prints every draw's equilibrium
	maxRuns       = 1_000_000_000
	maxPoints     = 1001
	maxDecimals   = 17 // a float64 has at most 17 significant decimal digits
	maxIterations = 1_000_000_000
	maxTimeout    = flagval.MaxTimeout
)

// The range-checked values live in internal/flagval, shared with
// cmd/truce-nash; the names below keep this package's spelling.
type (
	intValue      = flagval.Int
	floatValue    = flagval.Float
	durationValue = flagval.Duration
	sizeValue     = flagval.Size
	enumValue     = flagval.Enum
)

// register adds a flag of a flagval table to f. Bools, strings and seeds
// are pflag's own values, so that a bool flag needs no value.
func register(f *pflag.FlagSet, fl flagval.Flag) {
	switch v := fl.Value.(type) {
	case *flagval.Bool:
		// flagval's own Set (its words on a bad value, not strconv's);
		// a bare --flag means true, as pflag's BoolVar has it.
		f.VarPF(v, fl.Name, "", fl.Help()).NoOptDefVal = "true"
	case *flagval.String:
		f.StringVar(v.P, fl.Name, *v.P, fl.Help())
	default:
		f.Var(fl.Value, fl.Name, fl.Help())
	}
}

// intFlag defines an int flag that accepts lo..hi.
func intFlag(f *pflag.FlagSet, p *int, name string, def, lo, hi int, usage string) {
	register(f, flagval.IntFlag(p, name, def, lo, hi, usage))
}

// floatFlag defines a float64 flag that accepts finite values in lo..hi.
func floatFlag(f *pflag.FlagSet, p *float64, name string, def, lo, hi float64, usage string) {
	register(f, flagval.FloatFlag(p, name, def, lo, hi, usage))
}

// durationFlag defines a duration flag that accepts 0..hi.
func durationFlag(f *pflag.FlagSet, p *time.Duration, name string, def, hi time.Duration, usage string) {
	register(f, flagval.DurationFlag(p, name, def, hi, usage))
}

// timeoutFlag defines --timeout, which the command runner turns into a
// context deadline for the whole command (cli.go); commands need not read
// it themselves.
func timeoutFlag(f *pflag.FlagSet) {
	var d time.Duration
	register(f, flagval.TimeoutFlag(&d))
}

// sizeFlag defines a byte-size flag of at least min bytes.
func sizeFlag(f *pflag.FlagSet, p *int64, name string, def, min int64, usage string) {
	register(f, flagval.SizeFlag(p, name, def, min, usage))
}

// enumFlag defines a string flag that accepts one of values.
func enumFlag(f *pflag.FlagSet, p *string, name, def, usage string, values ...string) {
	register(f, flagval.EnumFlag(p, name, def, usage, values...))
}

// formatFlag defines --format with the given choices, the first the default.
func formatFlag(f *pflag.FlagSet, p *string, values ...string) {
	register(f, flagval.FormatFlag(p, values...))
}

// hypothesisDrawsFlag adds --hypothesis-draws: "file" keeps each
// hypothesis's draws: (evaluated on the run's first N draws), "all"
// evaluates every hypothesis on every draw, "none" leaves out the
// hypotheses that carry their own draws: (the file marks them as costly).
func hypothesisDrawsFlag(f *pflag.FlagSet, p *string) {
	enumFlag(f, p, "hypothesis-draws", "file", "draws a hypothesis with draws: N is evaluated on: its first N (file), every draw (all), or none, leaving it out and saying so", "file", "all", "none")
}

// applyHypothesisDraws applies --hypothesis-draws to sc; with none it
// returns the command that evaluates the hypotheses left out (this
// command line with --hypothesis-draws file), else "".
func applyHypothesisDraws(cmd *cobra.Command, sc *scenario.Scenario, v string) string {
	switch v {
	case "all":
		sc.EvaluateEveryDraw()
	case "none":
		if len(sc.SkipSubsampled()) > 0 {
			return rerunCommand(cmd, map[string]string{"hypothesis-draws": "file"})
		}
	}
	return ""
}

// rerunCommand is the command line of cmd as given, with the flags in set
// changed (a flag at its default is left out), minus the flags that do
// not change the answer (workers, shards, output, timeout).
func rerunCommand(cmd *cobra.Command, set map[string]string) string {
	parts := []string{"truce", cmd.Name()}
	parts = append(parts, cmd.Flags().Args()...)
	skip := map[string]bool{"workers": true, "shard": true, "out": true, "timeout": true, "format": true}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if skip[f.Name] {
			return
		}
		v, ok := set[f.Name]
		if !ok {
			if !f.Changed {
				return
			}
			v = f.Value.String()
			if sv, isSlice := f.Value.(pflag.SliceValue); isSlice {
				v = strings.Join(sv.GetSlice(), ",")
			}
		} else if v == f.DefValue {
			return
		}
		if f.Value.Type() == "bool" {
			// "--flag true" would read true as an argument.
			if v == "true" {
				parts = append(parts, "--"+f.Name)
			} else {
				parts = append(parts, "--"+f.Name+"="+v)
			}
			return
		}
		parts = append(parts, "--"+f.Name, shellQuote(v))
	})
	for i := 2; i < len(parts); i++ {
		if !strings.HasPrefix(parts[i], "--") {
			parts[i] = shellQuote(parts[i])
		}
	}
	return strings.Join(parts, " ")
}

// seedFlag defines --seed: any uint64, refused in truce's words (not
// strconv's) otherwise.
func seedFlag(f *pflag.FlagSet, p *uint64, def uint64, usage string) {
	register(f, flagval.Uint64Flag(p, "seed", def, usage))
}
