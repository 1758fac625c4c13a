// Package nashcli is the nash command: reading a game, choosing and running
// a method, and printing the equilibria as text, Gambit's lines or JSON.
// `truce nash` (cobra) and `truce-nash` (a solver-only binary for scripts)
// both register its flag table and call Run, so they print the same bytes.
package nashcli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/internal/flagval"
	"github.com/truce-dev/truce/internal/gamefile"
	"github.com/truce-dev/truce/internal/progress"
	"github.com/truce-dev/truce/nash"
)

// Exit codes of the nash command (the same as every truce command).
const (
	CodeFailure     = 1   // the input is wrong or the analysis failed
	CodeUsage       = 2   // a flag, an argument or a flag combination is wrong
	CodeTimeLimit   = 124 // --timeout was reached
	CodeInterrupted = 130 // interrupted by Ctrl-C
)

// Caps on flags whose size drives time or memory (docs/limits.md).
const (
	maxDecimals   = 17 // a float64 has at most 17 significant decimal digits
	maxIterations = 1_000_000_000
)

// Error is a failure of Run with its exit code. Written says the command
// has already printed its answer (a partial list stopped by the time limit
// or Ctrl-C, or profiles that failed the check), so that no JSON error
// document may follow it.
type Error struct {
	Code    int
	Msg     string
	Written bool
}

func (e *Error) Error() string { return e.Msg }

func usageErrorf(format string, args ...any) error {
	return &Error{Code: CodeUsage, Msg: fmt.Sprintf(format, args...)}
}

// Env is where a run reads and writes. Prog ("truce nash", "truce-nash")
// starts every message. Stderr is normally a *progress.Sink carrying the
// progress mode.
type Env struct {
	Prog   string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// Method is the signature every strategic-form method of package nash
// shares.
type Method func(ctx context.Context, g *game.Strategic, opt nash.Options) (*nash.Result, error)

// methodTable is the table of methods `--method` offers, sorted by name.
// To add a method, add one line here (e.g. {"gnm", nash.GNM}); --help,
// Methods and the default choice pick it up. It is static data: nothing
// is built for it when the program starts.
var methodTable = [...]struct {
	name string
	run  Method
}{
	{"enummixed", nash.EnumMixed},
	{"enumpure", nash.EnumPure},
	{"gnm", nash.GNM},
	{"ipa", nash.IPA},
	{"lcp", nash.LCP},
	{"liap", nash.Liap},
	{"logit", nash.Logit},
	{"lp", nash.LP},
	{"simpdiv", nash.SimpDiv},
}

// Methods is the table of methods `--method` offers, by name.
func Methods() map[string]Method {
	m := make(map[string]Method, len(methodTable))
	for _, e := range methodTable {
		m[e.name] = e.run
	}
	return m
}

// lookupMethod is Methods()[name] without building the map.
func lookupMethod(name string) (Method, bool) {
	for _, e := range methodTable {
		if e.name == name {
			return e.run, true
		}
	}
	return nil, false
}

// methodList is the methods' names, sorted, separated by ", ".
func methodList() string {
	names := make([]string, len(methodTable))
	for i, e := range methodTable {
		names[i] = e.name
	}
	return strings.Join(names, ", ")
}

// DefaultMethod picks a method for g: enummixed (all extreme equilibria)
// for 2-player games up to 10×10, lcp for larger 2-player games, logit for
// games with more players; each falls back when the method is not in the
// table.
func DefaultMethod(g *game.Strategic, methods map[string]Method) string {
	return defaultMethod(g, func(name string) bool { _, ok := methods[name]; return ok })
}

// defaultMethod is DefaultMethod with has saying which methods exist.
func defaultMethod(g *game.Strategic, has func(string) bool) string {
	if g.NumPlayers() == 2 {
		sh := g.Shape()
		if has("enummixed") && sh[0] <= 10 && sh[1] <= 10 {
			return "enummixed"
		}
		return "lcp"
	}
	if has("logit") {
		return "logit"
	}
	return "enumpure"
}

// LoadGame reads a strategic game (gamefile.ReadGame: by extension, or
// sniffed on stdin "-"); a tree gives its reduced strategic form.
func LoadGame(ctx context.Context, path string, stdin io.Reader) (*game.Strategic, error) {
	g, t, name, err := gamefile.ReadGame(stdin, path, "")
	if err != nil || t == nil {
		return g, err
	}
	g, err = t.ReducedStrategic(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err) // the error names the reduced form
	}
	return g, nil
}

// Use, Short, Long and Example are the command's help. Long names
// truce-nash; Example is written for `truce nash`.
const (
	Use   = "nash FILE"
	Short = "Nash equilibria of a Gambit .nfg/.efg game (or truce JSON), each with its regret"
)

// Long is the command's description.
func Long() string {
	return `nash reads a strategic-form game (Gambit's .nfg, or the JSON form that
'truce convert' writes) and computes Nash equilibria with one of Gambit's
methods, each equilibrium certified by its regret (the most any player could
gain by deviating).

Methods (--method): ` + methodList() + `.
  enumpure   all pure-strategy equilibria, any number of players
  enummixed  all extreme equilibria of a 2-player game
  gnm        global Newton method (Govindan–Wilson), N players: the
             equilibria on the path from each perturbation vector
  ipa        iterated polymatrix approximation (Govindan–Wilson), N players:
             one equilibrium per perturbation vector
  lcp        Lemke–Howson, 2 players: one equilibrium, or with --all every
             equilibrium Gambit's gambit-lcp reports (all accessible ones)
  liap       Lyapunov-function minimisation from random starts, N players
  lp         value and optimal strategies of a 2-player constant-sum game
  logit      end of the logit quantal-response path (--lambda L: the QRE at L)
  simpdiv    one equilibrium by simplicial subdivision with restarts, N players
Without --method: enummixed for 2-player games up to 10×10, lcp for larger
2-player games, logit for more players.

Game trees (FILE.efg, docs/trees.md): lcp (sequence form, Gambit's path),
lp (zero-sum), spe (subgame perfect), enumpure, cfr and dcfr (zero-sum,
with --iterations and --target-exploitability), or any method above on the
reduced strategic form; profiles are behaviour strategies in Gambit's order.

gnm, ipa and liap take Gambit's flags: --starts (-n), --seed (-R, default
1), --points FILE (-s), --lambda-end (gnm's -m), --max-regret and
--max-iterations (liap's -m and -i), --verbose (-V, with --format gambit).

--rational computes in exact rational arithmetic (lcp, lp, enummixed);
--format gambit prints exactly Gambit's "NE,..." lines (fractions when
exact, else --decimals digits as the Gambit tool prints them: after the
point, as 0.000000, for lcp, lp, enummixed, gnm, ipa, liap and simpdiv;
significant for logit), json the schema documented in docs/nash.md, text
a readable table.

Every profile is checked: one whose regret is above ` + fmt.Sprint(nash.RegretTolerance) + ` of the
game's payoff scale is shown as an approximate profile, never as an
equilibrium (no NE line), and the run is marked incomplete (exit 1). A
tree's reduced strategic form is refused, with its size, when it would not
fit in memory (--max-memory).

--timeout stops the method after the given time: the equilibria found so
far are printed, stderr says the list is incomplete, and the exit code is
124 (130 after Ctrl-C). A file that cannot be read exits 1 with
file:line:col: what is wrong. FILE "-" reads standard input, its format
recognised from its first characters or given by --from.

For scripts that call a solver many times, truce-nash is this command
alone in a small binary that starts as fast as a bare Go program: the same
flags and the same output (go install
github.com/truce-dev/truce/cmd/truce-nash@latest; docs/benchmarks.md).`
}

// Example is the command's examples, each starting with prog.
func Example(prog string) string {
	return strings.ReplaceAll(`  PROG game.nfg
  PROG game.nfg --method lcp --all --rational --format gambit
  PROG big.nfg --method lcp --timeout 10s --format json
  PROG tree.efg --method spe
  PROG game3.nfg --method gnm --starts 5 --seed 7 --format gambit`, "PROG", prog)
}

// Options are the command's own flags (--timeout, --max-memory and
// --progress are the caller's: they set the context and the Sink).
// Changed reports whether a flag was given on the command line.
type Options struct {
	Method   string
	All      bool
	Rational bool
	Lambda   float64
	Format   string
	Decimals int
	From     string
	Changed  func(name string) bool

	efg    efgFlags
	search searchFlags
}

// Flags is the command's flag table, bound to o and set to the defaults,
// in the order `truce nash` registers them (help sorts them by name).
func (o *Options) Flags() []flagval.Flag {
	fl := []flagval.Flag{
		flagval.StringFlag(&o.Method, "method", "", "method: "+methodList()+" (default: chosen for the game)"),
		flagval.BoolFlag(&o.All, "all", "lcp: every accessible equilibrium, not just one"),
		flagval.BoolFlag(&o.Rational, "rational", "exact rational arithmetic"),
		flagval.FloatFlag(&o.Lambda, "lambda", 0, 0, math.MaxFloat64, "logit: stop at this precision and print the quantal-response equilibrium"),
		flagval.FormatFlag(&o.Format, "text", "gambit", "json"),
		flagval.IntFlag(&o.Decimals, "decimals", 6, 1, maxDecimals, "digits of float probabilities: after the point in --format gambit for lcp, lp, enummixed, gnm, ipa, liap and simpdiv (as Gambit's -d), significant digits otherwise"),
		flagval.EnumFlag(&o.From, "from", "", "game format (default: by extension; recognised on stdin)", gamefile.Formats...),
	}
	fl = append(fl, o.efg.flags()...)
	return append(fl, o.search.flags()...)
}

// Run is the nash command on file. Its errors are *Error (exit code and
// message) or a context's error after a partial answer.
func Run(ctx context.Context, env Env, o *Options, file string) error {
	g, t, name, err := gamefile.ReadGame(env.Stdin, file, o.From)
	if err != nil {
		return &Error{Code: CodeFailure, Msg: err.Error()}
	}
	method := o.Method
	srch, err := o.search.search(env, strings.TrimPrefix(method, "reduced-"), o.Changed, o.Format, o.Decimals)
	if err != nil {
		return err
	}
	if t != nil { // trees: efg.go
		return runEFG(ctx, env, name, t, o, srch)
	}
	if method == "" {
		method = defaultMethod(g, func(name string) bool { _, ok := lookupMethod(name); return ok })
	}
	run, ok := lookupMethod(method)
	if !ok {
		return usageErrorf("%s: unknown method %q; choose one of %s", env.Prog, method, methodList())
	}
	opt := nash.Options{All: o.All, Rational: o.Rational, Lambda: o.Lambda, GambitOrder: o.Format == "gambit"}
	opt.Search = srch
	bar := progress.New(env.Stderr, -1, "nash "+method)
	if bar != nil {
		opt.Progress = func(s string) { bar.Describe("nash " + method + ": " + s) }
	}
	res, err := run(ctx, g, opt)
	bar.Finish()
	if err != nil {
		return &Error{Code: CodeFailure, Msg: fmt.Sprintf("%s: %s: %v", env.Prog, name, err)}
	}
	return printResult(ctx, env, o, method, res,
		func(w io.Writer) error { return writeNashJSON(w, name, g, method, opt, res) },
		func(w io.Writer) { writeNashText(w, name, g, method, opt, res, o.Decimals) })
}

// printResult prints res in the format asked for (asJSON and asText for
// the game or the tree) and ends the run (finishNash).
//
// The answer goes through a buffer, written out before anything goes to
// stderr: a few system calls for the whole answer instead of one a line
// (part of a small run's cost, docs/benchmarks.md).
func printResult(ctx context.Context, env Env, o *Options, method string, res *nash.Result, asJSON func(io.Writer) error, asText func(io.Writer)) error {
	var err error
	skipped := 0
	out := bufio.NewWriter(env.Stdout)
	switch o.Format {
	case "gambit":
		skipped, err = writeGambitLines(out, res, o.Decimals, method, o.search.verbose && strings.TrimPrefix(method, "reduced-") == "gnm")
		err = firstErr(err, out.Flush())
	case "json":
		err = firstErr(asJSON(out), out.Flush())
	default:
		asText(out)
		out.Flush() // text output has never reported write errors
	}
	if err != nil {
		return &Error{Code: CodeFailure, Msg: env.Prog + ": " + err.Error()}
	}
	return finishNash(ctx, env, res, skipped)
}

// firstErr is err, or else flushErr.
func firstErr(err, flushErr error) error {
	if err != nil {
		return err
	}
	return flushErr
}

type nashJSONGame struct {
	Title      string     `json:"title"`
	Players    []string   `json:"players"`
	Strategies [][]string `json:"strategies"`
}

func writeNashJSON(w io.Writer, file string, g *game.Strategic, method string, opt nash.Options, res *nash.Result) error {
	return writeResultJSON(w, file, nashJSONGame{Title: g.Title, Players: g.Players, Strategies: g.Strategies}, method, opt, res)
}

func writeNashText(w io.Writer, file string, g *game.Strategic, method string, opt nash.Options, res *nash.Result, decimals int) {
	shape := make([]string, len(g.Strategies))
	for p, s := range g.Strategies {
		shape[p] = fmt.Sprint(len(s))
	}
	fmt.Fprintf(w, "%s: %q, %d players, %s strategies\n", file, g.Title, g.NumPlayers(), strings.Join(shape, "×"))
	writeRunSummary(w, method, opt, res)
	if note := searchSelection(method, opt.Search, res); note != "" {
		fmt.Fprintln(w, note)
	}
	for i, eq := range res.Equilibria {
		fmt.Fprintf(w, "\n%s   regret %.3g", profileHeading(i+1, eq), eq.Regret)
		if eq.Component >= 0 {
			fmt.Fprintf(w, "   component %d", eq.Component)
		}
		fmt.Fprintln(w)
		for p, sig := range eq.Profile {
			var parts []string
			for s, v := range sig {
				var txt string
				if eq.Exact != nil {
					if eq.Exact[p][s].Sign() == 0 {
						continue
					}
					txt = eq.Exact[p][s].RatString()
				} else {
					txt = nash.FormatProbability(v, decimals)
					if txt == "0" {
						continue
					}
				}
				parts = append(parts, fmt.Sprintf("%s: %s", g.Strategies[p][s], txt))
			}
			fmt.Fprintf(w, "  %-12s %s\n", g.Players[p], strings.Join(parts, "; "))
		}
	}
}
