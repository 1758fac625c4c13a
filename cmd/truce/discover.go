package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/internal/progress"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/sensitivity"
)

func newDiscoverCmd() *cobra.Command {
	var (
		hyps    []string
		opt     sensitivity.DiscoverOptions
		workers int
		format  string
	)
	cmd := &cobra.Command{
		Use:   "discover FILE",
		Short: "Where in parameter space each hypothesis holds: PRIM boxes (scenario discovery)",
		Long: `discover draws the parameters --draws times as analyze does (same seed, same
draws, correlations applied), records whether each hypothesis holds on each
draw, and finds with PRIM (Friedman and Fisher's patient rule induction) a
box, one range per parameter, in which the hypothesis holds much more often
than overall: "H12 holds when walkout_cost_us <= 0.18 and p_harden >= 0.035
(coverage 81%, density 93%)".

coverage: the share of the draws where it holds that fall in the box;
density: the share of the draws in the box where it holds. Peeling trims
--alpha of the box's draws at a time from one end of one parameter, the trim
that raises the density most per draw removed, until the box holds fewer
than --min-mass of the draws: the trade-off curve of coverage against
density. The box reported is the densest with coverage at least
--min-coverage, pasted back out where that raises its density, and with each
restriction kept only if it significantly raises the density (quasi-p-value
below --significance). Shares of draws are implied by the assumptions, not
evidence. --fails looks for where each hypothesis fails instead.`,
		Example: `  truce discover scenarios/us-iran-2026.yaml --hypothesis H12
  truce discover scenarios/us-iran-2026.yaml --hypothesis H7 --fails --draws 4000
  truce discover scenarios/us-iran-2026.yaml --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := mustLoadScenario(cmd, "discover", args[0])
			if err != nil {
				return err
			}
			if len(hyps) > 0 {
				opt.Hypotheses = hyps
			}
			res, err := runDiscover(cmd, sc, opt, workers)
			if err != nil {
				return &exitError{codeFailure, fmt.Sprintf("truce discover: %v", err)}
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				return writeDiscoverJSON(out, args[0], res)
			}
			writeDiscoverText(out, sc, res)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&hyps, "hypothesis", nil, "hypotheses to explain (default all; repeat or comma-separate)")
	intFlag(f, &opt.Draws, "draws", sensitivity.DefaultDiscoverDraws, 10, maxDraws, "parameter draws")
	seedFlag(f, &opt.Seed, 1, "random seed of the draws (the same draws as analyze with this seed)")
	intFlag(f, &workers, "workers", 0, 0, maxWorkers, "parallel workers (0 = all cores); output does not depend on it")
	f.BoolVar(&opt.Fails, "fails", false, "find where each hypothesis fails instead of where it holds")
	floatFlag(f, &opt.Prim.Alpha, "alpha", 0.05, 0.001, 0.49, "share of the box's draws peeled or pasted per step")
	floatFlag(f, &opt.Prim.MinMass, "min-mass", 0.05, 0.001, 0.999, "smallest box, as a share of the draws")
	floatFlag(f, &opt.Prim.MinCoverage, "min-coverage", 0.8, 0.001, 1, "the box reported keeps at least this share of the draws where the event happens")
	floatFlag(f, &opt.Prim.Significance, "significance", 0.05, 0.000001, 1, "restrictions with a quasi-p-value at or above this are dropped (1 keeps all)")
	formatFlag(f, &format, "text", "json")
	timeoutFlag(f)
	return cmd
}

func runDiscover(cmd *cobra.Command, sc *scenario.Scenario, opt sensitivity.DiscoverOptions, workers int) (*sensitivity.DiscoverResult, error) {
	bar := progress.New(cmd.ErrOrStderr(), int64(opt.Draws), "draws")
	opt.Eval = sensitivity.EvalOptions{Workers: workers, Progress: func(done, _ int) { bar.Set(int64(done)) }}
	res, err := sensitivity.Discover(cmd.Context(), sc, opt)
	bar.Finish()
	return res, err
}

func writeDiscoverText(w io.Writer, sc *scenario.Scenario, res *sensitivity.DiscoverResult) {
	fmt.Fprintf(w, "%s: scenario discovery by PRIM over %d parameter draws (seed %d)\n", sc.Name, res.Draws, res.Seed)
	fmt.Fprintln(w, "coverage: share of the draws where it happens that fall in the box; density: share of the box's draws where it happens.")
	for _, d := range res.Discoveries {
		verb := "holds"
		if d.Fails {
			verb = "fails"
		}
		fmt.Fprintf(w, "\n%s  %s\n", d.Hypothesis, oneLine(d.Claim, 90))
		fmt.Fprintf(w, "  %s in %s of the draws (%d of %d; implied by the assumptions, not evidence)\n", verb, fmtShare(d.BaseDensity), d.Events, d.Points)
		if d.EvaluatedDraws > 0 {
			fmt.Fprintf(w, "  on the first %d of the %d draws only (its draws:): the box and its coverage and density are over those\n", d.EvaluatedDraws, res.Draws)
		}
		if d.Note != "" && len(d.Restrictions) == 0 {
			fmt.Fprintf(w, "  %s\n", d.Note)
			continue
		}
		if d.Events < 20 {
			more := "more --draws"
			if d.EvaluatedDraws > 0 {
				more = "a larger draws: on the hypothesis"
			}
			fmt.Fprintf(w, "  only %d draws where it %s: too few to say where; %s would tell\n", d.Events, verb, more)
		}
		if d.Box.Density >= 0.5 {
			fmt.Fprintf(w, "  %s when %s\n", verb, d.PrimResult.String())
		} else {
			fmt.Fprintf(w, "  %s most often (still only %s of the time) when %s\n", verb, fmtShare(d.Box.Density), d.PrimResult.String())
		}
		fmt.Fprintf(w, "    (coverage %s, density %s, %s of the draws)\n", fmtShare(d.Box.Coverage), fmtShare(d.Box.Density), fmtShare(d.Box.Mass))
		fmt.Fprintf(w, "  %-36s %-18s %s\n", "restriction", "density without", "quasi-p")
		for _, r := range d.Restrictions {
			fmt.Fprintf(w, "  %-36s %-18s %s\n", r.String(), fmtShare(r.DensityWithout), fmtP(r.PValue))
		}
		if n := len(d.Dropped); n > 6 {
			fmt.Fprintf(w, "  dropped as not significant: %s and %d more\n", strings.Join(d.Dropped[:5], ", "), n-5)
		} else if n > 0 {
			fmt.Fprintf(w, "  dropped as not significant: %s\n", strings.Join(d.Dropped, ", "))
		}
		fmt.Fprint(w, "  trade-off (peeling): coverage/density")
		for _, i := range tradeoffPoints(len(d.Trajectory), 8) {
			b := d.Trajectory[i]
			fmt.Fprintf(w, "  %.0f/%.0f", 100*b.Coverage, 100*b.Density)
		}
		fmt.Fprintln(w)
	}
}

// fmtShare writes a share as a percentage that never rounds a strict share
// to 0% or 100%.
// A share that is neither 0 nor 1 never prints as 0% or 100% (199 of 200
// draws is 99.5%, not 100%, which would read as "still every draw").
func fmtShare(x float64) string {
	switch {
	case x > 0 && x < 0.001:
		return "<0.1%"
	case x < 1 && x > 0.999:
		return ">99.9%"
	case x > 0 && x < 0.01, x < 1 && x > 0.99:
		return strconv.FormatFloat(100*x, 'f', 1, 64) + "%"
	}
	return fmt.Sprintf("%.0f%%", 100*x)
}

// fmtP writes a p-value; below 1e-15 it is beyond float64's precision.
func fmtP(p float64) string {
	if p < 1e-15 {
		return "<1e-15"
	}
	return fmt.Sprintf("%.2g", p)
}

// tradeoffPoints picks about n indices spread over a trajectory of length
// m, first and last included.
func tradeoffPoints(m, n int) []int {
	if m <= n {
		out := make([]int, m)
		for i := range out {
			out[i] = i
		}
		return out
	}
	var out []int
	for k := 0; k < n; k++ {
		i := int(math.Round(float64(k) * float64(m-1) / float64(n-1)))
		if len(out) == 0 || out[len(out)-1] != i {
			out = append(out, i)
		}
	}
	return out
}

// JSON schema of `truce discover --format json` (docs/sensitivity.md).
type discoverJSON struct {
	Scenario    string          `json:"scenario"`
	Draws       int             `json:"draws"`
	Seed        uint64          `json:"seed"`
	Parameters  []string        `json:"parameters"`
	Discoveries []discoveryJSON `json:"discoveries"`
}

type discoveryJSON struct {
	Hypothesis string  `json:"hypothesis"`
	Claim      string  `json:"claim"`
	Target     string  `json:"target"` // "holds" or "fails"
	Share      float64 `json:"share"`  // of all draws, or of the evaluated ones
	// EvaluatedDraws: a hypothesis with draws: N is discovered over the
	// first N draws only (absent when over every draw).
	EvaluatedDraws int          `json:"evaluated_draws,omitempty"`
	Box            boxJSON      `json:"box"`
	Text           string       `json:"text"`
	Dropped        []string     `json:"dropped"`
	Tradeoff       []tradeoffPt `json:"tradeoff"`
	Chosen         int          `json:"chosen"`
	Note           string       `json:"note,omitempty"`
}

type boxJSON struct {
	Restrictions []restrictionJSON `json:"restrictions"`
	Coverage     float64           `json:"coverage"`
	Density      float64           `json:"density"`
	Mass         float64           `json:"mass"`
	Draws        int               `json:"draws"`
	Events       int               `json:"events"`
}

type restrictionJSON struct {
	Parameter       string          `json:"parameter"`
	Lo              scenario.Number `json:"lo"` // null: open
	Hi              scenario.Number `json:"hi"`
	DensityWithout  float64         `json:"density_without"`
	CoverageWithout float64         `json:"coverage_without"`
	PValue          float64         `json:"p_value"`
}

type tradeoffPt struct {
	Coverage     float64 `json:"coverage"`
	Density      float64 `json:"density"`
	Mass         float64 `json:"mass"`
	Restrictions int     `json:"restrictions"`
}

func writeDiscoverJSON(w io.Writer, file string, res *sensitivity.DiscoverResult) error {
	js := discoverJSON{Scenario: file, Draws: res.Draws, Seed: res.Seed, Parameters: res.Inputs, Discoveries: []discoveryJSON{}}
	for _, d := range res.Discoveries {
		target := "holds"
		if d.Fails {
			target = "fails"
		}
		dj := discoveryJSON{Hypothesis: d.Hypothesis, Claim: d.Claim, Target: target, Share: d.BaseDensity, Text: d.PrimResult.String(), EvaluatedDraws: d.EvaluatedDraws,
			Dropped: append([]string{}, d.Dropped...), Chosen: d.Chosen, Note: d.Note, Tradeoff: []tradeoffPt{},
			Box: boxJSON{Restrictions: []restrictionJSON{}, Coverage: d.Box.Coverage, Density: d.Box.Density, Mass: d.Box.Mass, Draws: d.Box.Points, Events: d.Box.Events}}
		for _, r := range d.Restrictions {
			dj.Box.Restrictions = append(dj.Box.Restrictions, restrictionJSON{Parameter: r.Input, Lo: scenario.Number(r.Lo), Hi: scenario.Number(r.Hi),
				DensityWithout: r.DensityWithout, CoverageWithout: r.CoverageWithout, PValue: r.PValue})
		}
		for _, b := range d.Trajectory {
			n := 0
			for j := range b.Lo {
				if !math.IsInf(b.Lo[j], -1) || !math.IsInf(b.Hi[j], 1) {
					n++
				}
			}
			dj.Tradeoff = append(dj.Tradeoff, tradeoffPt{Coverage: b.Coverage, Density: b.Density, Mass: b.Mass, Restrictions: n})
		}
		js.Discoveries = append(js.Discoveries, dj)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(js)
}
