// Package flagval holds truce's command-line flag values: each numeric one
// checks its range when set, so that a value out of range is a usage error
// naming the range, never a silent fallback. A Flag is a plain table entry
// (name, value, usage) that any parser can register, so that `truce nash`
// (cobra/pflag) and `truce-nash` (its own small parser) share every flag.
package flagval

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/truce-dev/truce/internal/budget"
)

// Value is a flag's value: pflag.Value's methods, so that pflag takes it
// as it is, without this package importing pflag.
type Value interface {
	String() string
	Set(string) error
	Type() string
}

// Flag is one entry of a flag table. Usage is the help text as given;
// Help adds the range or the choices of the value. The default is
// Value.String() when the table is built.
type Flag struct {
	Name  string
	Usage string
	Value Value
}

// Help is the flag's whole help text: Usage, then the range of an Int or
// a Float ("(1 to 17)") or the choices of an Enum (": text, gambit or
// json"). It is built when asked for, so that a program that reads its
// flags without printing help formats none of it.
func (f Flag) Help() string {
	switch v := f.Value.(type) {
	case *Int:
		return f.Usage + " (" + strconv.Itoa(v.Lo) + " to " + strconv.Itoa(v.Hi) + ")"
	case *Float:
		return fmt.Sprintf("%s (%g to %g)", f.Usage, v.Lo, v.Hi)
	case *Enum:
		return f.Usage + ": " + OrList(v.Values)
	}
	return f.Usage
}

// Int is an int flag with an inclusive range.
type Int struct {
	P      *int
	Lo, Hi int
}

func (v *Int) String() string { return strconv.Itoa(*v.P) }
func (v *Int) Type() string   { return "int" }

// Set accepts an integer, also written with an exponent or underscores
// (1e6, 1_000_000), as long as it is whole and within the range.
func (v *Int) Set(s string) error {
	t := strings.ReplaceAll(strings.TrimSpace(s), "_", "")
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(t, 64)
		if ferr != nil || f != math.Trunc(f) || math.IsInf(f, 0) {
			return fmt.Errorf("want a whole number from %d to %d", v.Lo, v.Hi)
		}
		if f < float64(v.Lo) || f > float64(v.Hi) {
			return v.rangeErr()
		}
		n = int64(f)
	}
	if n < int64(v.Lo) || n > int64(v.Hi) {
		return v.rangeErr()
	}
	*v.P = int(n)
	return nil
}

func (v *Int) rangeErr() error {
	return fmt.Errorf("out of range: want %d to %d", v.Lo, v.Hi)
}

// IntFlag is an int flag that accepts lo..hi, set to def; Help adds
// "(lo to hi)" to usage.
func IntFlag(p *int, name string, def, lo, hi int, usage string) Flag {
	*p = def
	return Flag{name, usage, &Int{p, lo, hi}}
}

// Float is a float64 flag with an inclusive range; NaN and infinities are
// refused.
type Float struct {
	P      *float64
	Lo, Hi float64
}

func (v *Float) String() string { return strconv.FormatFloat(*v.P, 'g', -1, 64) }
func (v *Float) Type() string   { return "float" }

func (v *Float) Set(s string) error {
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Errorf("want a finite number from %g to %g", v.Lo, v.Hi)
	}
	if x < v.Lo || x > v.Hi {
		return fmt.Errorf("out of range: want %g to %g", v.Lo, v.Hi)
	}
	*v.P = x
	return nil
}

// FloatFlag is a float64 flag that accepts finite values in lo..hi; Help
// adds "(lo to hi)" to usage.
func FloatFlag(p *float64, name string, def, lo, hi float64, usage string) Flag {
	*p = def
	return Flag{name, usage, &Float{p, lo, hi}}
}

// Duration is a time.Duration flag from 0 to a maximum.
type Duration struct {
	P  *time.Duration
	Hi time.Duration
}

func (v *Duration) String() string { return v.P.String() }
func (v *Duration) Type() string   { return "duration" }

func (v *Duration) Set(s string) error {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("want a duration such as 30s, 5m or 1h30m")
	}
	if d < 0 || d > v.Hi {
		return fmt.Errorf("out of range: want 0 to %s", v.Hi)
	}
	*v.P = d
	return nil
}

// DurationFlag is a duration flag that accepts 0..hi.
func DurationFlag(p *time.Duration, name string, def, hi time.Duration, usage string) Flag {
	*p = def
	return Flag{name, usage, &Duration{p, hi}}
}

// MaxTimeout caps --timeout.
const MaxTimeout = 1000 * time.Hour

// TimeoutFlag is --timeout, which the command runner turns into a context
// deadline for the whole command; commands need not read it themselves.
func TimeoutFlag(p *time.Duration) Flag {
	return DurationFlag(p, "timeout", 0, MaxTimeout,
		"stop after this long with exit code 124 (e.g. 30s, 10m; 0 = no limit)")
}

// Size is a byte size such as 512MiB or 4GB, at least Min.
type Size struct{ P, Min *int64 }

func (v *Size) String() string { return budget.Format(*v.P) }
func (v *Size) Type() string   { return "size" }

func (v *Size) Set(s string) error {
	n, err := budget.Parse(s)
	if err != nil {
		return err
	}
	if v.Min != nil && n < *v.Min {
		return fmt.Errorf("out of range: want at least %s", budget.Format(*v.Min))
	}
	*v.P = n
	return nil
}

// SizeFlag is a byte-size flag of at least min bytes.
func SizeFlag(p *int64, name string, def, min int64, usage string) Flag {
	*p = def
	return Flag{name, usage, &Size{p, &min}}
}

// MaxMemoryFlag is --max-memory, the memory budget every command has.
func MaxMemoryFlag(p *int64) Flag {
	return SizeFlag(p, "max-memory", budget.DefaultLimit, 1<<20,
		"memory one run may plan to use, e.g. 512MiB or 8GB; work that would need more is refused with what to do instead")
}

// ProgressFlag is --progress, how every command shows long work.
func ProgressFlag(p *string) Flag {
	return EnumFlag(p, "progress", "auto",
		"progress of long work on stderr: a bar on a terminal, else (auto, plain) a status line every 10s once it has lasted 3s, as text or json; none for silence",
		"auto", "plain", "json", "none")
}

// Enum is a string flag with a fixed set of values.
type Enum struct {
	P      *string
	Values []string
}

func (v *Enum) String() string { return *v.P }
func (v *Enum) Type() string   { return "string" }

func (v *Enum) Set(s string) error {
	for _, x := range v.Values {
		if s == x {
			*v.P = s
			return nil
		}
	}
	return fmt.Errorf("want %s", OrList(v.Values))
}

// EnumFlag is a string flag that accepts one of values; Help adds ": a, b
// or c" to usage.
func EnumFlag(p *string, name, def, usage string, values ...string) Flag {
	*p = def
	return Flag{name, usage, &Enum{p, values}}
}

// FormatFlag is --format with the given choices, the first the default.
func FormatFlag(p *string, values ...string) Flag {
	return EnumFlag(p, "format", values[0], "output", values...)
}

// Bool is a flag given without a value (or with =true, =false).
type Bool struct{ P *bool }

func (v *Bool) String() string   { return strconv.FormatBool(*v.P) }
func (v *Bool) Type() string     { return "bool" }
func (v *Bool) IsBoolFlag() bool { return true }

func (v *Bool) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("want true or false")
	}
	*v.P = b
	return nil
}

// BoolFlag is a bool flag, false by default.
func BoolFlag(p *bool, name, usage string) Flag {
	*p = false
	return Flag{name, usage, &Bool{p}}
}

// String is a string flag with any value.
type String struct{ P *string }

func (v *String) String() string     { return *v.P }
func (v *String) Type() string       { return "string" }
func (v *String) Set(s string) error { *v.P = s; return nil }

// StringFlag is a string flag set to def.
func StringFlag(p *string, name, def, usage string) Flag {
	*p = def
	return Flag{name, usage, &String{p}}
}

// Uint64 is a uint64 flag where every value is valid (seeds).
type Uint64 struct{ P *uint64 }

func (v *Uint64) String() string { return strconv.FormatUint(*v.P, 10) }
func (v *Uint64) Type() string   { return "uint64" }

func (v *Uint64) Set(s string) error {
	n, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		// strconv's own words ("strconv.ParseUint: parsing ...") name
		// Go, not what the flag wants.
		return fmt.Errorf("want a whole number from 0 to %d", uint64(math.MaxUint64))
	}
	*v.P = n
	return nil
}

// Uint64Flag is a uint64 flag set to def.
func Uint64Flag(p *uint64, name string, def uint64, usage string) Flag {
	*p = def
	return Flag{name, usage, &Uint64{p}}
}

// OrList writes "a, b or c".
func OrList(xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}
