package nashcli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/internal/flagval"
	"github.com/truce-dev/truce/internal/progress"
)

// Main is the truce-nash binary: it parses args (GNU style, as `truce
// nash` does: --flag value, --flag=value, flags before or after the file,
// -h/--help), runs the nash command and returns the exit code, printing
// what `truce nash` prints on stdout and stderr with prog in place of
// "truce nash". sig is cancelled on Ctrl-C.
func Main(sig context.Context, prog string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var (
		o         Options
		timeout   time.Duration
		maxMemory int64
		mode      string
		help      bool
	)
	flags := append(o.Flags(), flagval.TimeoutFlag(&timeout))
	global := []flagval.Flag{flagval.MaxMemoryFlag(&maxMemory), flagval.ProgressFlag(&mode)}
	helpFlag := flagval.BoolFlag(&help, "help", "help for "+prog)
	p := parser{table: map[string]flagval.Flag{}, changed: map[string]bool{}}
	defaults := map[string]string{} // help shows these, whatever was given
	for _, fl := range append(append(flags, global...), helpFlag) {
		p.table[fl.Name] = fl
		defaults[fl.Name] = fl.Value.String()
	}
	err := p.parse(args)
	if err == nil && help {
		writeHelp(stdout, prog, flags, global, helpFlag, defaults)
		return 0
	}
	if err == nil && len(p.args) != 1 {
		err = fmt.Errorf("accepts 1 arg(s), received %d", len(p.args))
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", prog)
		if wantsJSON(p.changed["format"], o.Format, args) {
			writeJSONError(stdout, err.Error(), CodeUsage)
		}
		return CodeUsage
	}

	ctx := budget.WithLimit(sig, maxMemory)
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, timeout, &timeLimitError{timeout})
		defer cancel()
	}
	pm, _ := progress.ParseMode(mode)
	o.Changed = func(name string) bool { return p.changed[name] }
	env := Env{Prog: prog, Stdin: stdin, Stdout: stdout, Stderr: &progress.Sink{W: stderr, Mode: pm}}
	err = Run(ctx, env, &o, p.args[0])
	if err == nil {
		if sig.Err() != nil {
			fmt.Fprintf(stderr, "%s: interrupted\n", prog)
			return CodeInterrupted
		}
		return 0
	}
	code, msg, written := CodeFailure, fmt.Sprintf("%s: %v", prog, err), false
	var ne *Error
	if errors.As(err, &ne) {
		code, msg, written = ne.Code, ne.Msg, ne.Written
	}
	// As truce's command runner does: a partial answer keeps its own
	// explanation after the cause, and a run whose context ended reports
	// the time limit or the interrupt that ended it.
	detail := ""
	if written && msg != "" {
		detail = "; " + strings.TrimPrefix(msg, prog+": ")
	}
	var tl *timeLimitError
	switch {
	case sig.Err() != nil:
		code, msg = CodeInterrupted, prog+": interrupted"+detail
	case errors.As(context.Cause(ctx), &tl):
		code, msg = CodeTimeLimit, fmt.Sprintf("%s: %v%s", prog, tl, detail)
	}
	if msg != "" {
		fmt.Fprintln(stderr, msg)
	}
	if code == CodeUsage {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", prog)
	}
	if !written && wantsJSON(p.changed["format"], o.Format, args) {
		writeJSONError(stdout, strings.TrimPrefix(msg, prog+": "), code)
	}
	return code
}

// timeLimitError is the cause of the run's context when --timeout is up.
type timeLimitError struct{ d time.Duration }

func (e *timeLimitError) Error() string {
	return fmt.Sprintf("time limit of %s reached (--timeout)", e.d)
}

// wantsJSON reports whether the command line asks for --format json; when
// the flags could not be parsed, the arguments are read directly.
func wantsJSON(changed bool, format string, args []string) bool {
	if changed {
		return format == "json"
	}
	for i, a := range args {
		if a == "--format=json" || a == "--format" && i+1 < len(args) && args[i+1] == "json" {
			return true
		}
	}
	return false
}

// writeJSONError writes the error document of --format json (docs/nash.md).
func writeJSONError(w io.Writer, msg string, code int) {
	kind := "error"
	switch code {
	case CodeUsage:
		kind = "usage"
	case CodeTimeLimit:
		kind = "time_limit"
	case CodeInterrupted:
		kind = "interrupted"
	}
	type errJSON struct {
		Message     string `json:"message"`
		Code        string `json:"code"`
		ExitCode    int    `json:"exit_code"`
		Diagnostics []int  `json:"diagnostics"`
	}
	doc := struct {
		Error errJSON `json:"error"`
	}{errJSON{Message: msg, Code: kind, ExitCode: code, Diagnostics: []int{}}}
	b, _ := json.MarshalIndent(doc, "", "  ")
	fmt.Fprintf(w, "%s\n", b)
}

// parser reads GNU-style long flags the way pflag does, with its messages.
type parser struct {
	table   map[string]flagval.Flag
	changed map[string]bool
	args    []string
}

func (p *parser) parse(args []string) error {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			p.args = append(p.args, args[i+1:]...)
			return nil
		case strings.HasPrefix(a, "--"):
			name, value, hasValue := strings.Cut(a[2:], "=")
			if name == "" || name[0] == '-' || name[0] == '=' {
				return fmt.Errorf("bad flag syntax: %s", a)
			}
			fl, ok := p.table[name]
			if !ok {
				return fmt.Errorf("unknown flag: --%s", name)
			}
			_, isBool := fl.Value.(*flagval.Bool)
			switch {
			case hasValue:
			case isBool:
				value = "true"
			case i+1 < len(args):
				i++
				value = args[i]
			default:
				return fmt.Errorf("flag needs an argument: --%s", name)
			}
			if err := p.set(name, value); err != nil {
				return err
			}
		case len(a) > 1 && a[0] == '-':
			if err := p.shorthands(a[1:]); err != nil {
				return err
			}
		default:
			p.args = append(p.args, a)
		}
	}
	return nil
}

// set sets flag name to value, with pflag's message when it is refused.
func (p *parser) set(name, value string) error {
	if err := p.table[name].Value.Set(value); err != nil {
		shown := "--" + name
		if name == "help" {
			shown = "-h, --help"
		}
		return fmt.Errorf("invalid argument %q for %q flag: %v", value, shown, err)
	}
	p.changed[name] = true
	return nil
}

// shorthands reads one-letter flags (sh is an argument without its "-")
// as pflag does: the only one is -h, also as -hh and -h=false; an
// argument starting with "test." is go test's and is ignored.
func (p *parser) shorthands(sh string) error {
	for len(sh) > 0 && !strings.HasPrefix(sh, "test.") {
		if sh[0] != 'h' {
			// pflag names the byte through string(rune(byte))[0].
			return fmt.Errorf("unknown shorthand flag: %q in -%s", rune(string(rune(sh[0]))[0]), sh)
		}
		value := "true"
		if len(sh) > 2 && sh[1] == '=' {
			value, sh = sh[2:], ""
		} else {
			sh = sh[1:]
		}
		if err := p.set("help", value); err != nil {
			return err
		}
	}
	return nil
}

// writeHelp prints the command's help in the layout of `truce nash --help`.
func writeHelp(w io.Writer, prog string, flags, global []flagval.Flag, help flagval.Flag, defaults map[string]string) {
	fmt.Fprintf(w, "%s\n\nUsage:\n  %s FILE [flags]\n\nExamples:\n%s\n\nFlags:\n", Long(), prog, Example(prog))
	writeFlagLines(w, append(flags, help), defaults)
	fmt.Fprint(w, "\nGlobal Flags:\n")
	writeFlagLines(w, global, defaults)
}

// writeFlagLines lists flags sorted by name as pflag does: the name, the
// value's type, the usage and a default that is not the zero value.
func writeFlagLines(w io.Writer, flags []flagval.Flag, defaults map[string]string) {
	flags = append([]flagval.Flag(nil), flags...)
	sort.Slice(flags, func(i, j int) bool { return flags[i].Name < flags[j].Name })
	lines := make([]string, len(flags))
	width := 0
	for i, fl := range flags {
		l := "      --" + fl.Name
		if fl.Name == "help" {
			l = "  -h, --help"
		}
		if t := typeName(fl.Value); t != "" {
			l += " " + t
		}
		lines[i] = l
		width = max(width, len(l))
	}
	for i, fl := range flags {
		usage := fl.Usage
		if def := defaults[fl.Name]; !zeroDefault(fl.Value, def) {
			if fl.Value.Type() == "string" {
				usage += fmt.Sprintf(" (default %q)", def)
			} else {
				usage += fmt.Sprintf(" (default %s)", def)
			}
		}
		fmt.Fprintf(w, "%-*s   %s\n", width, lines[i], usage)
	}
}

func typeName(v flagval.Value) string {
	switch t := v.Type(); t {
	case "bool":
		return ""
	case "uint64":
		return "uint"
	default:
		return t
	}
}

// zeroDefault is pflag's test for a default not worth showing.
func zeroDefault(v flagval.Value, def string) bool {
	switch v.(type) {
	case *flagval.Bool:
		return def == "false"
	case *flagval.String:
		return def == ""
	case *flagval.Uint64:
		return def == "0"
	}
	return def == "false" || def == "" || def == "0"
}
