package nashcli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
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
	return run(func() context.Context { return sig }, prog, args, stdin, stdout, stderr)
}

// MainInterruptible is Main with Ctrl-C (os.Interrupt) handled by the
// run: after the first one the run winds down (what it found so far is
// printed, exit code 130); a second one kills the process at once.
//
// The handler is installed InterruptDelay into the run, not at its start:
// os/signal starts two threads of its own (one waits for signals, one
// keeps a thread that can take them), about a twelfth of the CPU time of
// a run on a small game, which is over by then. Before it is installed,
// Ctrl-C ends the process as it ends any program (killed by SIGINT, which
// a shell reports as exit code 130), with nothing printed: a run that
// young has nothing to print. --help and usage errors never install it.
func MainInterruptible(prog string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(interrupts, prog, args, stdin, stdout, stderr)
}

// InterruptDelay is how long into a run MainInterruptible installs its
// Ctrl-C handler.
const InterruptDelay = 50 * time.Millisecond

// interrupts is a context cancelled by the first Ctrl-C once the handler
// is in place (after InterruptDelay), after which the signal has its
// default effect again (the process ends).
func interrupts() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(InterruptDelay, func() {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, os.Interrupt)
		<-ch
		signal.Stop(ch)
		cancel()
	})
	return ctx
}

// run is Main; sig gives the context cancelled on Ctrl-C, called once the
// command line has been read and is to run.
func run(sigFn func() context.Context, prog string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var v flagVars
	p := parser{table: v.table(prog)}
	err := p.parse(args)
	if err == nil && v.help {
		// Help shows the defaults, whatever was given: those of a fresh
		// table over variables of its own. One write, not one per line.
		var b strings.Builder
		writeHelp(&b, prog, new(flagVars).table(prog))
		io.WriteString(stdout, b.String())
		return 0
	}
	if err == nil && len(p.args) != 1 {
		err = fmt.Errorf("accepts 1 arg(s), received %d", len(p.args))
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", prog)
		if wantsJSON(p.isChanged("format"), v.o.Format, args) {
			writeJSONError(stdout, err.Error(), CodeUsage)
		}
		return CodeUsage
	}

	sig := sigFn()
	ctx := budget.WithLimit(sig, v.maxMemory)
	if v.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, v.timeout, &timeLimitError{v.timeout})
		defer cancel()
	}
	pm, _ := progress.ParseMode(v.mode)
	v.o.Changed = p.isChanged
	env := Env{Prog: prog, Stdin: stdin, Stdout: stdout, Stderr: &progress.Sink{W: stderr, Mode: pm, Prog: prog}}
	err = Run(ctx, env, &v.o, p.args[0])
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
	if !written && wantsJSON(p.isChanged("format"), v.o.Format, args) {
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

// flagTable is truce-nash's flags: the command's own (its Options and
// --timeout), the global ones (--max-memory, --progress) and --help. help
// lists them in that order, the global ones apart.
type flagTable struct {
	flags  []flagval.Flag
	global int // flags[global:] are the global flags, then --help last
}

// flagVars are the variables the command's flags set.
type flagVars struct {
	o         Options
	timeout   time.Duration
	maxMemory int64
	mode      string
	help      bool
}

// table is the flag table bound to v, setting v to the defaults (a new
// flagVars: the defaults' table, as help shows it).
func (v *flagVars) table(prog string) flagTable {
	fl := append(v.o.Flags(), flagval.TimeoutFlag(&v.timeout))
	n := len(fl)
	fl = append(fl, flagval.MaxMemoryFlag(&v.maxMemory), flagval.ProgressFlag(&v.mode), flagval.BoolFlag(&v.help, "help", "help for "+prog))
	return flagTable{fl, n}
}

func (t flagTable) lookup(name string) int {
	for i := range t.flags {
		if t.flags[i].Name == name {
			return i
		}
	}
	return -1
}

// parser reads GNU-style long flags the way pflag does, with its messages.
type parser struct {
	table   flagTable
	changed []bool // by index in table.flags
	args    []string
}

// isChanged reports whether flag name was given on the command line.
func (p *parser) isChanged(name string) bool {
	i := p.table.lookup(name)
	return i >= 0 && i < len(p.changed) && p.changed[i]
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
			k := p.table.lookup(name)
			if k < 0 {
				return fmt.Errorf("unknown flag: --%s", name)
			}
			_, isBool := p.table.flags[k].Value.(*flagval.Bool)
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
			if err := p.set(k, value); err != nil {
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

// set sets flag i to value, with pflag's message when it is refused.
func (p *parser) set(i int, value string) error {
	fl := p.table.flags[i]
	if err := fl.Value.Set(value); err != nil {
		shown := "--" + fl.Name
		if fl.Name == "help" {
			shown = "-h, --help"
		}
		return fmt.Errorf("invalid argument %q for %q flag: %v", value, shown, err)
	}
	if p.changed == nil {
		p.changed = make([]bool, len(p.table.flags))
	}
	p.changed[i] = true
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
		if err := p.set(p.table.lookup("help"), value); err != nil {
			return err
		}
	}
	return nil
}

// writeHelp prints the command's help in the layout of `truce nash
// --help`; t is a fresh table, so its values are the defaults.
func writeHelp(w io.Writer, prog string, t flagTable) {
	fmt.Fprintf(w, "%s\n\nUsage:\n  %s FILE [flags]\n\nExamples:\n%s\n\nFlags:\n", Long(), prog, Example(prog))
	n := len(t.flags) - 1 // --help is last
	writeFlagLines(w, append(t.flags[:t.global:t.global], t.flags[n]))
	fmt.Fprint(w, "\nGlobal Flags:\n")
	writeFlagLines(w, t.flags[t.global:n])
}

// writeFlagLines lists flags sorted by name as pflag does: the name, the
// value's type, the usage and a default that is not the zero value.
func writeFlagLines(w io.Writer, flags []flagval.Flag) {
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
		usage := fl.Help()
		if def := fl.Value.String(); !zeroDefault(fl.Value, def) {
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
