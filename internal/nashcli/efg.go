package nashcli

import (
	"context"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/internal/flagval"
	"github.com/truce-dev/truce/internal/progress"
	"github.com/truce-dev/truce/nash"
)

// efgFlags are the flags the nash command has for trees only.
type efgFlags struct {
	iterations int
	target     float64
}

func (f *efgFlags) flags() []flagval.Flag {
	return []flagval.Flag{
		flagval.IntFlag(&f.iterations, "iterations", 1000, 1, maxIterations, "cfr/dcfr on .efg: iteration cap"),
		flagval.FloatFlag(&f.target, "target-exploitability", 0, 0, math.MaxFloat64, "cfr/dcfr on .efg: stop once the average profile is this exploitable (0 = run all iterations)"),
	}
}

// treeMethods are the methods that work on the tree itself; every other
// strategic-form method runs on the reduced strategic form ("reduced-lcp"
// forces that for a method that exists in both).
var treeMethods = []string{"agent-logit", "cfr", "dcfr", "enumpure", "lcp", "lp", "spe"}

// runEFG is the nash command on the tree t read from path; srch holds the
// search options (gnm, ipa, liap on the reduced strategic form).
func runEFG(ctx context.Context, env Env, path string, t *game.Tree, o *Options, srch nash.Search) error {
	var err error
	ef := o.efg
	method := o.Method
	if method == "" {
		switch {
		case t.NumPlayers() == 2:
			method = "lcp"
		case t.IsPerfectInformation():
			method = "spe"
		default:
			method = "logit"
		}
	}
	opt := nash.Options{All: o.All, Rational: o.Rational, Search: srch}
	errw := env.Stderr
	var bar *progress.Bar
	if method != "cfr" && method != "dcfr" {
		bar = progress.New(errw, -1, "nash "+method)
		if bar != nil {
			opt.Progress = func(s string) { bar.Describe("nash " + method + ": " + s) }
		}
	}
	var res *nash.Result
	switch method {
	case "lcp":
		res, err = nash.TreeLCP(ctx, t, opt)
	case "lp":
		res, err = nash.TreeLP(ctx, t, opt)
	case "spe":
		res, err = nash.TreeSPE(ctx, t, opt)
	case "enumpure":
		res, err = nash.TreeEnumPure(ctx, t, opt)
	case "agent-logit":
		res, err = nash.TreeLogit(ctx, t, opt)
	case "cfr", "dcfr":
		co := nash.CFROptions{Iterations: ef.iterations, TargetExploitability: ef.target}
		if method == "dcfr" {
			co.Variant = nash.DiscountedCFR
		}
		bar = progress.New(errw, int64(ef.iterations), method)
		if bar != nil {
			co.CheckEvery = max(1, ef.iterations/100)
			co.OnCheck = func(it int, e float64) {
				bar.Set(int64(it))
				bar.Describe(fmt.Sprintf("%s: exploitability %.3g", method, e))
			}
		}
		res, err = nash.CFR(ctx, t, co)
	default:
		res, err = runReducedMethod(ctx, t, strings.TrimPrefix(method, "reduced-"), opt)
	}
	bar.Finish()
	if err != nil {
		return &Error{Code: CodeFailure, Msg: fmt.Sprintf("%s: %s: %v", env.Prog, path, err)}
	}
	return printResult(ctx, env, o, method, res,
		func(w io.Writer) error { return writeTreeJSON(w, path, t, method, opt, res) },
		func(w io.Writer) { writeTreeText(w, path, t, method, opt, res, o.Decimals) })
}

// runReducedMethod runs a strategic-form method on the reduced strategic
// form and maps its mixed profiles back to behaviour profiles.
func runReducedMethod(ctx context.Context, t *game.Tree, method string, opt nash.Options) (*nash.Result, error) {
	methods := Methods()
	run, ok := methods[method]
	if !ok {
		names := append([]string(nil), treeMethods...)
		for k := range methods {
			names = append(names, "reduced-"+k)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("unknown method %q for a tree; choose one of %s", method, strings.Join(names, ", "))
	}
	red, err := t.Reduced(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	res, err := run(ctx, red.Game, opt)
	if err != nil {
		return nil, err
	}
	res.Method = "reduced-" + res.Method
	for i, eq := range res.Equilibria {
		if eq.Exact != nil {
			eq.Exact = red.BehaviourExact(eq.Exact)
			eq.Profile = nil
			for _, row := range eq.Exact {
				f := make([]float64, len(row))
				for k, r := range row {
					f[k], _ = r.Float64()
				}
				eq.Profile = append(eq.Profile, f)
			}
		} else {
			eq.Profile = red.Behaviour(eq.Profile)
		}
		eq.Regret = t.Regret(eq.Profile)
		res.Equilibria[i] = eq
	}
	return res, nil
}

type treeJSONGame struct {
	Title    string         `json:"title"`
	Players  []string       `json:"players"`
	Infosets [][]treeJSONIs `json:"infosets"` // per player, Gambit's order
}

type treeJSONIs struct {
	Label   string   `json:"label"`
	Actions []string `json:"actions"`
}

func writeTreeJSON(w io.Writer, file string, t *game.Tree, method string, opt nash.Options, res *nash.Result) error {
	gameDoc := treeJSONGame{Title: t.Title, Players: t.Players}
	for p := range t.Players {
		var list []treeJSONIs
		for _, is := range t.PlayerInfosets[p] {
			list = append(list, treeJSONIs{Label: t.Infosets[is].Label, Actions: t.Infosets[is].Actions})
		}
		gameDoc.Infosets = append(gameDoc.Infosets, list)
	}
	opt.Lambda = 0
	return writeResultJSON(w, file, gameDoc, method, opt, res)
}

func writeTreeText(w io.Writer, file string, t *game.Tree, method string, opt nash.Options, res *nash.Result, decimals int) {
	nis := 0
	for p := range t.Players {
		nis += len(t.PlayerInfosets[p])
	}
	fmt.Fprintf(w, "%s: %q, %d players, %d nodes, %d information sets\n", file, t.Title, t.NumPlayers(), len(t.Nodes), nis)
	writeRunSummary(w, method, opt, res)
	if note := searchSelection(method, opt.Search, res); note != "" {
		fmt.Fprintln(w, note+" (on the reduced strategic form)")
	}
	for i, eq := range res.Equilibria {
		fmt.Fprintf(w, "\n%s   regret %.3g   payoffs", profileHeading(i+1, eq), eq.Regret)
		for _, u := range t.Payoffs(eq.Profile) {
			fmt.Fprintf(w, " %.6g", u)
		}
		fmt.Fprintln(w)
		for p := range t.Players {
			fmt.Fprintf(w, "  %s\n", t.Players[p])
			for k, is := range t.PlayerInfosets[p] {
				s := &t.Infosets[is]
				label := s.Label
				if label == "" {
					label = fmt.Sprintf("infoset %d", k+1)
				}
				var parts []string
				for a, name := range s.Actions {
					i := t.ActionOffset(is) + a
					var txt string
					if eq.Exact != nil {
						txt = eq.Exact[p][i].RatString()
					} else {
						txt = nash.FormatProbability(eq.Profile[p][i], decimals)
					}
					parts = append(parts, fmt.Sprintf("%s %s", name, txt))
				}
				fmt.Fprintf(w, "    %-16s %s\n", label+":", strings.Join(parts, "; "))
			}
		}
	}
}
