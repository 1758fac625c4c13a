package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/internal/progress"
	"github.com/truce-dev/truce/nash"
)

// nashMethod is the signature every strategic-form method of package nash
// shares.
type nashMethod func(ctx context.Context, g *game.Strategic, opt nash.Options) (*nash.Result, error)

// nashMethods is the table of methods `truce nash --method` offers. To add
// a method, add one line here (e.g. "gnm": nash.GNM); --help and
// the default choice pick it up.
func nashMethods() map[string]nashMethod {
	return map[string]nashMethod{
		"enumpure":  nash.EnumPure,
		"gnm":       nash.GNM,
		"enummixed": nash.EnumMixed,
		"ipa":       nash.IPA,
		"lcp":       nash.LCP,
		"liap":      nash.Liap,
		"logit":     nash.Logit,
		"lp":        nash.LP,
		"simpdiv":   nash.SimpDiv,
	}
}

// defaultNashMethod picks a method for g: enummixed (all extreme
// equilibria) for 2-player games up to 10×10, lcp for larger 2-player
// games, logit for games with more players; each falls back when the
// method is not in the table.
func defaultNashMethod(g *game.Strategic, methods map[string]nashMethod) string {
	if g.NumPlayers() == 2 {
		sh := g.Shape()
		if _, ok := methods["enummixed"]; ok && sh[0] <= 10 && sh[1] <= 10 {
			return "enummixed"
		}
		return "lcp"
	}
	if _, ok := methods["logit"]; ok {
		return "logit"
	}
	return "enumpure"
}

// loadGame reads a strategic game (readGame in files.go: by extension, or
// sniffed on stdin "-"); a tree gives its reduced strategic form.
func loadGame(ctx context.Context, path string, stdin io.Reader) (*game.Strategic, error) {
	g, t, name, err := readGame(stdin, path, "")
	if err != nil || t == nil {
		return g, err
	}
	return reducedOf(ctx, name, t)
}

func newNashCmd() *cobra.Command {
	var (
		method   string
		all      bool
		rational bool
		lambda   float64
		format   string
		decimals int
		from     string
		efgOpts  nashEFGFlags
		search   nashSearchFlags
	)
	methods := nashMethods()
	names := make([]string, 0, len(methods))
	for k := range methods {
		names = append(names, k)
	}
	sort.Strings(names)
	cmd := &cobra.Command{
		Use:   "nash FILE",
		Short: "Nash equilibria of a Gambit .nfg/.efg game (or truce JSON), each with its regret",
		Long: `nash reads a strategic-form game (Gambit's .nfg, or the JSON form that
'truce convert' writes) and computes Nash equilibria with one of Gambit's
methods, each equilibrium certified by its regret (the most any player could
gain by deviating).

Methods (--method): ` + strings.Join(names, ", ") + `.
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
exact, else --decimals significant digits), json the schema documented in
docs/nash.md, text a readable table.

Every profile is checked: one whose regret is above ` + fmt.Sprint(nash.RegretTolerance) + ` of the
game's payoff scale is shown as an approximate profile, never as an
equilibrium (no NE line), and the run is marked incomplete (exit 1). A
tree's reduced strategic form is refused, with its size, when it would not
fit in memory (--max-memory).

--timeout stops the method after the given time: the equilibria found so
far are printed, stderr says the list is incomplete, and the exit code is
124 (130 after Ctrl-C). A file that cannot be read exits 1 with
file:line:col: what is wrong. FILE "-" reads standard input, its format
recognised from its first characters or given by --from.`,
		Example: `  truce nash game.nfg
  truce nash game.nfg --method lcp --all --rational --format gambit
  truce nash big.nfg --method lcp --timeout 10s --format json
  truce nash tree.efg --method spe
  truce nash game3.nfg --method gnm --starts 5 --seed 7 --format gambit`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, t, name, err := readGame(cmd.InOrStdin(), args[0], from)
			if err != nil {
				return &exitError{1, err.Error()}
			}
			srch, err := search.search(strings.TrimPrefix(method, "reduced-"), cmd.Flags(), cmd.InOrStdin(), format, decimals, cmd.OutOrStdout())
			if err != nil {
				return err
			}
			if t != nil { // trees: nash_efg.go
				return runNashEFG(cmd, name, t, nashEFGArgs{method, all, rational, format, decimals, srch}, efgOpts)
			}
			if method == "" {
				method = defaultNashMethod(g, methods)
			}
			run, ok := methods[method]
			if !ok {
				return usageErrorf("truce nash: unknown method %q; choose one of %s", method, strings.Join(names, ", "))
			}
			ctx := cmd.Context()
			opt := nash.Options{All: all, Rational: rational, Lambda: lambda}
			opt.Search = srch
			bar := progress.New(cmd.ErrOrStderr(), -1, "nash "+method)
			if bar != nil {
				opt.Progress = func(s string) { bar.Describe("nash " + method + ": " + s) }
			}
			res, err := run(ctx, g, opt)
			bar.Finish()
			if err != nil {
				return &exitError{1, fmt.Sprintf("truce nash: %s: %v", name, err)}
			}
			out := cmd.OutOrStdout()
			skipped := 0
			switch format {
			case "gambit":
				skipped, err = writeGambitLines(out, res, decimals)
			case "json":
				err = writeNashJSON(out, name, g, method, opt, res)
			default:
				writeNashText(out, name, g, method, opt, res, decimals)
			}
			if err != nil {
				return &exitError{1, "truce nash: " + err.Error()}
			}
			return finishNash(ctx, cmd.ErrOrStderr(), res, skipped)
		},
	}
	f := cmd.Flags()
	f.StringVar(&method, "method", "", "method: "+strings.Join(names, ", ")+" (default: chosen for the game)")
	f.BoolVar(&all, "all", false, "lcp: every accessible equilibrium, not just one")
	f.BoolVar(&rational, "rational", false, "exact rational arithmetic")
	floatFlag(f, &lambda, "lambda", 0, 0, math.MaxFloat64, "logit: stop at this precision and print the quantal-response equilibrium")
	formatFlag(f, &format, "text", "gambit", "json")
	intFlag(f, &decimals, "decimals", 6, 1, maxDecimals, "significant digits of float probabilities (gambit and text formats)")
	enumFlag(f, &from, "from", "", "game format (default: by extension; recognised on stdin)", gameFormats...)
	timeoutFlag(f)
	efgOpts.register(f)
	search.register(f)
	return cmd
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
