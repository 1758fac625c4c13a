package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/internal/progress"
	"github.com/truce-dev/truce/internal/progress/termbar"
	"github.com/truce-dev/truce/scenario"
)

// Exit codes of every truce command (README, docs/limits.md).
const (
	codeOK          = 0
	codeFailure     = 1   // the input is wrong or the analysis failed
	codeUsage       = 2   // a flag, an argument or a command name is wrong
	codeTimeLimit   = 124 // --timeout was reached (as timeout(1) does)
	codeInterrupted = 130 // interrupted by Ctrl-C (128 + SIGINT)
)

// exitError carries an exit code through cobra; msg may be empty when the
// command already printed its diagnostics.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// usageErrorf is an exitError with the usage code, for flag combinations
// the flag parser cannot judge alone.
func usageErrorf(format string, args ...any) error {
	return &exitError{codeUsage, fmt.Sprintf(format, args...)}
}

// cmdError is a failure with more to say than exitError: the diagnostics
// of an input file (shown in --format json errors), or that the command
// has already written its answer to stdout (a partial result stopped by
// the time limit or Ctrl-C, or check's own JSON document), so that no
// JSON error document follows it.
type cmdError struct {
	code    int // 0 means codeFailure
	msg     string
	diags   []scenario.Diagnostic
	written bool
}

func (e *cmdError) Error() string { return e.msg }

// runError marks an error returned by a command's own RunE (everything
// else cobra returns is a usage error) and keeps the context the command
// ran with, to tell a time limit from other failures.
type runError struct {
	err error
	ctx context.Context
}

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// timeLimitError is the cause of the context of a command run with
// --timeout when the time is up.
type timeLimitError struct{ d time.Duration }

func (e *timeLimitError) Error() string {
	return fmt.Sprintf("time limit of %s reached (--timeout)", e.d)
}

// globalOptions are the flags every command has.
type globalOptions struct {
	maxMemory int64
	progress  string // auto, plain, json or none
}

// execute runs the command line and returns the exit code; main and the
// tests both go through it. ctx is cancelled on Ctrl-C.
func execute(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// A command line that starts with a command's name builds that command
	// only (flags before the name, help and completion build them all).
	name := ""
	if len(args) > 0 {
		name = args[0]
	}
	root := newRootCmdFor(name)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if cmd == nil {
		cmd = root
	}
	if err == nil {
		if ctx.Err() != nil && cmd.Annotations[annGraceful] == "" {
			// The command returned normally, but only because it was
			// interrupted: what it printed may be incomplete.
			fmt.Fprintf(stderr, "%s: interrupted\n", cmd.CommandPath())
			return codeInterrupted
		}
		return codeOK
	}
	f := classify(ctx, cmd, err)
	f.print(cmd, args, stdout, stderr)
	return f.code
}

// annGraceful marks a command (serve) for which Ctrl-C is the normal way
// to stop, so that it exits 0 when it shuts down cleanly.
const annGraceful = "truce.graceful"

// failure is a classified error: what execute prints and returns.
type failure struct {
	code    int
	kind    string // JSON "code": error, usage, time_limit, interrupted
	msg     string
	diags   []scenario.Diagnostic
	written bool
}

func kindOf(code int) string {
	switch code {
	case codeUsage:
		return "usage"
	case codeTimeLimit:
		return "time_limit"
	case codeInterrupted:
		return "interrupted"
	}
	return "error"
}

// classify maps an error to its exit code and message. Errors cobra
// returns before the command runs (unknown flags or commands, bad flag
// values, wrong argument counts) are usage errors. Errors of a command
// whose context ended are reported as the time limit or the interrupt
// that ended it, whatever the command's own wording.
func classify(sig context.Context, cmd *cobra.Command, err error) failure {
	path := cmd.CommandPath()
	var re *runError
	if !errors.As(err, &re) {
		return failure{code: codeUsage, kind: "usage", msg: fmt.Sprintf("%s: %v", path, err)}
	}
	f := failure{code: codeFailure, msg: re.err.Error()}
	var ee *exitError
	var ce *cmdError
	switch {
	case errors.As(re.err, &ce):
		f.code, f.msg, f.diags, f.written = ce.code, ce.msg, ce.diags, ce.written
	case errors.As(re.err, &ee):
		f.code, f.msg = ee.code, ee.msg
	default:
		f.msg = fmt.Sprintf("%s: %v", path, re.err)
	}
	if f.code == 0 {
		f.code = codeFailure
	}
	// A partial answer keeps its own explanation after the cause.
	detail := ""
	if f.written && f.msg != "" {
		detail = "; " + strings.TrimPrefix(f.msg, path+": ")
	}
	// A memory refusal on the way (auto turning from the refused method
	// to one the time limit then stopped) is said too, with its
	// alternative: it is why the faster method was not used.
	var mem *budget.ExceededError
	if errors.As(re.err, &mem) && !strings.Contains(detail, mem.Error()) {
		detail += "; before that, " + mem.Error()
	}
	var tl *timeLimitError
	switch {
	case sig.Err() != nil:
		f.code, f.msg = codeInterrupted, path+": interrupted"+detail
	case re.ctx != nil && errors.As(context.Cause(re.ctx), &tl):
		f.code, f.msg = codeTimeLimit, fmt.Sprintf("%s: %v%s", path, tl, detail)
	}
	f.kind = kindOf(f.code)
	return f
}

// print writes the failure: the message on stderr and, when the command
// was asked for --format json and has not written its own answer, a JSON
// error document on stdout.
func (f failure) print(cmd *cobra.Command, args []string, stdout, stderr io.Writer) {
	path := cmd.CommandPath()
	if f.msg != "" {
		fmt.Fprintln(stderr, f.msg)
	}
	if f.code == codeUsage {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", path)
	}
	if f.written || !wantsJSON(cmd, args) {
		return
	}
	type errJSON struct {
		Message     string                `json:"message"`
		Code        string                `json:"code"`
		ExitCode    int                   `json:"exit_code"`
		Diagnostics []scenario.Diagnostic `json:"diagnostics"`
	}
	doc := struct {
		Error errJSON `json:"error"`
	}{errJSON{Message: strings.TrimPrefix(f.msg, path+": "), Code: f.kind, ExitCode: f.code, Diagnostics: f.diags}}
	if doc.Error.Diagnostics == nil {
		doc.Error.Diagnostics = []scenario.Diagnostic{}
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	fmt.Fprintf(stdout, "%s\n", b)
}

// wantsJSON reports whether the command line asks for --format json. When
// the flags could not be parsed, the arguments are read directly.
func wantsJSON(cmd *cobra.Command, args []string) bool {
	fl := cmd.Flags().Lookup("format")
	if fl == nil {
		return false
	}
	if fl.Changed {
		return fl.Value.String() == "json"
	}
	for i, a := range args {
		if a == "--format=json" || a == "--format" && i+1 < len(args) && args[i+1] == "json" {
			return true
		}
	}
	return false
}

// instrument wraps the RunE of c and every command below it: the run gets
// a context with the memory budget (--max-memory) and, for commands with
// --timeout, the deadline; its errors are marked as its own (see
// classify).
func instrument(c *cobra.Command, g *globalOptions) {
	for _, sub := range c.Commands() {
		instrument(sub, g)
	}
	run := c.RunE
	if run == nil {
		return
	}
	c.RunE = func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		ctx = budget.WithLimit(ctx, g.maxMemory)
		if fl := cmd.Flags().Lookup("timeout"); fl != nil {
			if dv, ok := fl.Value.(*durationValue); ok && *dv.P > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeoutCause(ctx, *dv.P, &timeLimitError{*dv.P})
				defer cancel()
			}
		}
		cmd.SetContext(ctx)
		// The progress mode travels with stderr (internal/progress.Sink),
		// so the code that draws progress needs no flag of its own.
		mode, _ := progress.ParseMode(g.progress)
		cmd.SetErr(&progress.Sink{W: cmd.ErrOrStderr(), Mode: mode, Terminal: termbar.New})
		if err := run(cmd, args); err != nil {
			return &runError{err: err, ctx: ctx}
		}
		return nil
	}
}

// stoppedEarly is the error of a command that printed what it found before
// its context ended (time limit or Ctrl-C): the exit code says the answer
// is partial and the message what the output holds.
func stoppedEarly(ctx context.Context, format string, args ...any) error {
	if ctx.Err() == nil {
		return nil
	}
	return &cmdError{msg: fmt.Sprintf(format, args...), written: true}
}
