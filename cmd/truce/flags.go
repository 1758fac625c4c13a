package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/truce-dev/truce/internal/budget"
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
	maxTimeout    = 1000 * time.Hour
)

// intValue is an int flag with an inclusive range.
type intValue struct {
	p      *int
	lo, hi int
}

func (v *intValue) String() string { return strconv.Itoa(*v.p) }
func (v *intValue) Type() string   { return "int" }

// Set accepts an integer, also written with an exponent or underscores
// (1e6, 1_000_000), as long as it is whole and within the range.
func (v *intValue) Set(s string) error {
	t := strings.ReplaceAll(strings.TrimSpace(s), "_", "")
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(t, 64)
		if ferr != nil || f != math.Trunc(f) || math.IsInf(f, 0) {
			return fmt.Errorf("want a whole number from %d to %d", v.lo, v.hi)
		}
		if f < float64(v.lo) || f > float64(v.hi) {
			return v.rangeErr()
		}
		n = int64(f)
	}
	if n < int64(v.lo) || n > int64(v.hi) {
		return v.rangeErr()
	}
	*v.p = int(n)
	return nil
}

func (v *intValue) rangeErr() error {
	return fmt.Errorf("out of range: want %d to %d", v.lo, v.hi)
}

// intFlag defines an int flag that accepts lo..hi.
func intFlag(f *pflag.FlagSet, p *int, name string, def, lo, hi int, usage string) {
	*p = def
	f.Var(&intValue{p, lo, hi}, name, fmt.Sprintf("%s (%d to %d)", usage, lo, hi))
}

// floatValue is a float64 flag with an inclusive range; NaN and infinities
// are refused.
type floatValue struct {
	p      *float64
	lo, hi float64
}

func (v *floatValue) String() string { return strconv.FormatFloat(*v.p, 'g', -1, 64) }
func (v *floatValue) Type() string   { return "float" }

func (v *floatValue) Set(s string) error {
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Errorf("want a finite number from %g to %g", v.lo, v.hi)
	}
	if x < v.lo || x > v.hi {
		return fmt.Errorf("out of range: want %g to %g", v.lo, v.hi)
	}
	*v.p = x
	return nil
}

// floatFlag defines a float64 flag that accepts finite values in lo..hi.
func floatFlag(f *pflag.FlagSet, p *float64, name string, def, lo, hi float64, usage string) {
	*p = def
	f.Var(&floatValue{p, lo, hi}, name, fmt.Sprintf("%s (%g to %g)", usage, lo, hi))
}

// durationValue is a time.Duration flag from 0 to a maximum.
type durationValue struct {
	p  *time.Duration
	hi time.Duration
}

func (v *durationValue) String() string { return v.p.String() }
func (v *durationValue) Type() string   { return "duration" }

func (v *durationValue) Set(s string) error {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("want a duration such as 30s, 5m or 1h30m")
	}
	if d < 0 || d > v.hi {
		return fmt.Errorf("out of range: want 0 to %s", v.hi)
	}
	*v.p = d
	return nil
}

// durationFlag defines a duration flag that accepts 0..hi.
func durationFlag(f *pflag.FlagSet, p *time.Duration, name string, def, hi time.Duration, usage string) {
	*p = def
	f.Var(&durationValue{p, hi}, name, usage)
}

// timeoutFlag defines --timeout, which the command runner turns into a
// context deadline for the whole command (cli.go); commands need not read
// it themselves.
func timeoutFlag(f *pflag.FlagSet) {
	var d time.Duration
	durationFlag(f, &d, "timeout", 0, maxTimeout,
		"stop after this long with exit code 124 (e.g. 30s, 10m; 0 = no limit)")
}

// sizeValue is a byte size such as 512MiB or 4GB, at least min.
type sizeValue struct{ p, min *int64 }

func (v *sizeValue) String() string { return budget.Format(*v.p) }
func (v *sizeValue) Type() string   { return "size" }

func (v *sizeValue) Set(s string) error {
	n, err := budget.Parse(s)
	if err != nil {
		return err
	}
	if v.min != nil && n < *v.min {
		return fmt.Errorf("out of range: want at least %s", budget.Format(*v.min))
	}
	*v.p = n
	return nil
}

// sizeFlag defines a byte-size flag of at least min bytes.
func sizeFlag(f *pflag.FlagSet, p *int64, name string, def, min int64, usage string) {
	*p = def
	f.Var(&sizeValue{p, &min}, name, usage)
}

// enumValue is a string flag with a fixed set of values.
type enumValue struct {
	p      *string
	values []string
}

func (v *enumValue) String() string { return *v.p }
func (v *enumValue) Type() string   { return "string" }

func (v *enumValue) Set(s string) error {
	for _, x := range v.values {
		if s == x {
			*v.p = s
			return nil
		}
	}
	return fmt.Errorf("want %s", orList(v.values))
}

// enumFlag defines a string flag that accepts one of values.
func enumFlag(f *pflag.FlagSet, p *string, name, def, usage string, values ...string) {
	*p = def
	f.Var(&enumValue{p, values}, name, fmt.Sprintf("%s: %s", usage, orList(values)))
}

// formatFlag defines --format with the given choices, the first the default.
func formatFlag(f *pflag.FlagSet, p *string, values ...string) {
	enumFlag(f, p, "format", values[0], "output", values...)
}

// orList writes "a, b or c".
func orList(xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
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
		parts = append(parts, "--"+f.Name, shellQuote(v))
	})
	for i := 2; i < len(parts); i++ {
		if !strings.HasPrefix(parts[i], "--") {
			parts[i] = shellQuote(parts[i])
		}
	}
	return strings.Join(parts, " ")
}
