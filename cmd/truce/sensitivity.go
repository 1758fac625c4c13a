package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/internal/progress"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/sensitivity"
)

func newSensitivityCmd() *cobra.Command {
	var (
		hyps    []string
		outputs []string
		draws   int
		points  int
		seed    uint64
		workers int
		format  string
		top     int
		method  string
		glob    globalFlags
		sf      shardFlags
	)
	cmd := &cobra.Command{
		Use:   "sensitivity FILE",
		Short: "Which assumptions the answers hang on: sweeps and break-evens, Morris screening, Sobol indices",
		Long: `sensitivity says which assumptions each answer hangs on, by one of three
methods (docs/sensitivity.md explains when to use which):

  --method oat (default)   one parameter at a time across its range:
                           tornado data and the values where verdicts flip
  --method morris          elementary effects: mu* (overall influence) and
                           sigma (interactions, non-linearity) per parameter,
                           r(k+1) analyses for k parameters
  --method sobol           variance-based indices: the share of each output's
                           variance a parameter explains alone (first order)
                           and with its interactions (total), with bootstrap
                           95% intervals, N(k+2) analyses

Morris and Sobol vary every parameter at once over its distribution, so
they see interactions; their outputs are every quantity the hypotheses read
(or --output) and each hypothesis as a 0/1 output (1 = holds). They assume
independent parameters: a scenario with correlations is refused unless
--ignore-correlations.

One at a time: sensitivity sweeps each parameter that has a distribution across its range
(the support, or the 0.1-99.9% quantiles of an unbounded distribution), one
at a time, through --points values, and reports:

  - for each output (by default every quantity the hypotheses read; or the
    ones given with --output), the range it spans as each parameter sweeps:
    tornado data, widest swing first;
  - for each hypothesis, every parameter value at which its verdict flips,
    found by bisection: "H3 flips when p_backlash > 0.42 (rejected ->
    supported)".

With --draws 1 (the default) the other parameters sit at their central
values (the mean; the most likely value of a choice) and each point is one
exact analysis, so a verdict is "supported" or "rejected". With --draws N
the other parameters keep their distributions, each point is an analysis
over N draws (same seed at every point) and the verdict is the one analyze
prints for that share of draws. A verdict that flips twice between two
neighbouring points can be missed; more points make that less likely.`,
		Example: `  truce sensitivity scenarios/us-iran-2026.yaml
  truce sensitivity scenarios/us-iran-2026.yaml --hypothesis H6
  truce sensitivity scenarios/us-iran-2026.yaml --output 'reach("war", 52, "baseline")' --points 17
  truce sensitivity scenarios/us-iran-2026.yaml --hypothesis H12 --draws 200 --format json
  truce sensitivity scenarios/us-iran-2026.yaml --method morris
  truce sensitivity scenarios/us-iran-2026.yaml --method sobol --samples 1024 --seed 1
  truce sensitivity scenarios/us-iran-2026.yaml --method sobol --hypothesis H12 --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// A flag of the other methods would be ignored: say so instead.
			other := []string{"samples", "bootstrap", "levels", "ignore-correlations"}
			if method != "oat" {
				other = []string{"draws", "points"}
			}
			for _, name := range other {
				if cmd.Flags().Changed(name) {
					return usageErrorf("truce sensitivity: --%s does not apply to --method %s", name, method)
				}
			}
			if method != "oat" {
				return runGlobal(cmd, args[0], method, hyps, outputs, seed, workers, format, top, glob, sf)
			}
			sc, src, err := mustLoadScenarioSrc(cmd, "sensitivity", args[0])
			if err != nil {
				return err
			}
			leftOut, swept := oatLeftOut(sc, hyps)
			if leftOut != nil && swept == 0 && len(outputs) == 0 {
				return &exitError{1, fmt.Sprintf("truce sensitivity: every hypothesis sets its own draws: (%s): name those to sweep with --hypothesis", strings.Join(leftOut, ", "))}
			}
			bar := progress.New(cmd.ErrOrStderr(), -1, "sensitivity")
			ev, opt, err := sensitivity.ScenarioRun(sc,
				sensitivity.ScenarioOptions{Draws: draws, Seed: seed, Workers: workers, Outputs: outputs, Hypotheses: hyps},
				sensitivity.Options{Points: points, Progress: func(done, _ int) { bar.Set(int64(done)) }})
			if err != nil {
				return &exitError{1, fmt.Sprintf("truce sensitivity: %v", err)}
			}
			res, err := oatRun(cmd, sf, args[0], src, seed, ev, opt)
			bar.Finish()
			if err != nil || res == nil { // nil: a shard's part was written
				return err
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				return writeSensitivityJSON(out, args[0], draws, res, leftOut)
			}
			writeSensitivityText(out, sc, draws, seed, top, res)
			if leftOut != nil {
				fmt.Fprintf(out, "\nNot swept: %s (%s)\n", strings.Join(leftOut, ", "), oatLeftOutNote)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&hyps, "hypothesis", nil, "hypotheses to analyse: their break-evens (oat), or them and the quantities they read (morris, sobol); default all; repeat or comma-separate")
	f.StringArrayVar(&outputs, "output", nil, `outputs for tornado data, e.g. 'absorb("war", "baseline")' (repeatable)`)
	intFlag(f, &draws, "draws", 1, 1, maxDraws, "oat: parameter draws per point (1: others at central values)")
	intFlag(f, &points, "points", 9, 2, maxPoints, "oat: points per parameter, ends included")
	seedFlag(f, &seed, scenario.DefaultSeed, "random seed: draws (oat with --draws > 1), design and bootstrap (morris, sobol)")
	intFlag(f, &workers, "workers", 0, 0, maxWorkers, "parallel workers (0 = all cores); output does not depend on it")
	formatFlag(f, &format, "text", "json")
	intFlag(f, &top, "top", 8, 0, 1_000_000, "tornado bars (oat) or parameters (morris, sobol) shown per output in text output")
	enumFlag(f, &method, "method", "oat", "oat (one at a time), morris (screening) or sobol (variance-based indices)", "oat", "morris", "sobol")
	intFlag(f, &glob.samples, "samples", 0, 0, maxSamples, "sobol: base sample size N (0: 1024); morris: trajectories r (0: 20)")
	intFlag(f, &glob.bootstrap, "bootstrap", sensitivity.DefaultBootstrap, 0, maxBootstrap, "morris, sobol: bootstrap resamples for the 95% intervals (0: none)")
	intFlag(f, &glob.levels, "levels", sensitivity.DefaultLevels, 2, 1000, "morris: grid levels per parameter (even)")
	sf.add(f)
	f.BoolVar(&glob.ignoreCorr, "ignore-correlations", false, "morris, sobol: draw parameters independently even if the file correlates some")
	timeoutFlag(f)
	return cmd
}

// oatLeftOutNote says why a sweep of every hypothesis leaves out those
// with their own draws: and how to sweep them.
const oatLeftOutNote = "each sets its own draws:, which marks it as costly: a search of the equilibrium set or of commitments on each draw at every point, hundreds of searches over a sweep; name it with --hypothesis to sweep it"

// oatLeftOut names the hypotheses with their own draws: that a sweep
// naming no hypotheses leaves out (sensitivity.ScenarioOptions sweeps
// them only when named), nil when hyps names some or none has its own
// draws:, and how many hypotheses the sweep covers.
func oatLeftOut(sc *scenario.Scenario, hyps []string) (left []string, swept int) {
	if len(hyps) > 0 {
		return nil, len(hyps)
	}
	for _, h := range sc.Hypotheses {
		if h.Draws > 0 {
			left = append(left, h.ID)
		} else {
			swept++
		}
	}
	return left, swept
}

func writeSensitivityText(w io.Writer, sc *scenario.Scenario, draws int, seed uint64, top int, res *sensitivity.Result) {
	mode := "other parameters at their central values"
	if draws > 1 {
		mode = fmt.Sprintf("other parameters varying over %d draws, seed %d", draws, seed)
	}
	fmt.Fprintf(w, "%s: %s swept one at a time (%s)\n\n", sc.Name, plural(len(res.Sweeps), "parameter"), mode)
	fmt.Fprintln(w, "Verdicts at the centre and where they flip:")
	for _, h := range sc.Hypotheses {
		share, ok := res.Central.Share[h.ID]
		if !ok {
			continue
		}
		flips := res.FlipsFor(h.ID)
		fmt.Fprintf(w, "  %-4s %-9s %s\n", h.ID, scenario.Verdict(share), oneLine(h.Claim, 90))
		if h.Subsampled(draws) {
			fmt.Fprintf(w, "         on the first %d of the %d draws at each point (its draws:): its share, verdicts and flips carry that subsample's sampling error\n", h.Draws, draws)
		}
		if len(flips) == 0 {
			fmt.Fprintln(w, "         no parameter flips it on its own within its range")
		}
		for _, b := range flips {
			fmt.Fprintf(w, "         flips when %s > %s (%s → %s)\n", b.Param, fmtG(b.Value), b.Below, b.Above)
		}
	}
	for _, t := range res.Tornadoes {
		fmt.Fprintf(w, "\n%s = %s at the centre; swing as each parameter sweeps its range:\n", t.Output, fmtG(t.Base))
		shown := 0
		for _, b := range t.Bars {
			if b.Swing() == 0 || shown >= top {
				continue
			}
			shown++
			fmt.Fprintf(w, "  %-18s [%s, %s]  %s → %s  (min %s, max %s)\n", b.Param, fmtG(b.ParamLo), fmtG(b.ParamHi),
				fmtG(b.AtLo), fmtG(b.AtHi), fmtG(b.OutMin), fmtG(b.OutMax))
		}
		if shown == 0 {
			fmt.Fprintln(w, "  no parameter moves it")
		}
	}
}

func fmtG(x float64) string {
	if !finite(x) {
		return "n/a"
	}
	return fmt.Sprintf("%.4g", x)
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// JSON schema of `truce sensitivity --format json` (numbers that are
// undefined are null).
type sensJSON struct {
	Scenario   string          `json:"scenario"`
	Draws      int             `json:"draws"`
	Central    sensPointJSON   `json:"central"`
	Params     []sensParamJSON `json:"parameters"`
	Tornadoes  []sensTornJSON  `json:"tornadoes"`
	BreakEvens []sensBEJSON    `json:"break_evens"`
	// LeftOut: the hypotheses with their own draws: a sweep of every
	// hypothesis leaves out (LeftOutNote says why and how to sweep them).
	LeftOut     []string `json:"hypotheses_left_out,omitempty"`
	LeftOutNote string   `json:"hypotheses_left_out_note,omitempty"`
}

type sensPointJSON struct {
	Outputs map[string]scenario.Number `json:"outputs"`
	Shares  map[string]float64         `json:"holds_share"`
}

type sensParamJSON struct {
	Name    string            `json:"name"`
	Lo      scenario.Number   `json:"lo"`
	Hi      scenario.Number   `json:"hi"`
	Central scenario.Number   `json:"central"`
	Values  []scenario.Number `json:"values,omitempty"`
	Points  []sensPointJSON   `json:"points,omitempty"`
}

type sensTornJSON struct {
	Output string          `json:"output"`
	Base   scenario.Number `json:"central"`
	Bars   []sensBarJSON   `json:"bars"`
}

type sensBarJSON struct {
	Param   string          `json:"parameter"`
	ParamLo scenario.Number `json:"param_lo"`
	ParamHi scenario.Number `json:"param_hi"`
	AtLo    scenario.Number `json:"at_lo"`
	AtHi    scenario.Number `json:"at_hi"`
	Min     scenario.Number `json:"min"`
	Max     scenario.Number `json:"max"`
}

type sensBEJSON struct {
	Hypothesis string          `json:"hypothesis"`
	Param      string          `json:"parameter"`
	Value      scenario.Number `json:"value"`
	Below      string          `json:"below"`
	Above      string          `json:"above"`
	Text       string          `json:"text"`
}

func pointJSON(p sensitivity.Point) sensPointJSON {
	out := sensPointJSON{Outputs: map[string]scenario.Number{}, Shares: p.Share}
	for k, v := range p.Outputs {
		out.Outputs[k] = scenario.Number(v)
	}
	return out
}

func writeSensitivityJSON(w io.Writer, file string, draws int, res *sensitivity.Result, leftOut []string) error {
	js := sensJSON{Scenario: file, Draws: draws, Central: pointJSON(res.Central), Tornadoes: []sensTornJSON{}, BreakEvens: []sensBEJSON{}, LeftOut: leftOut}
	if leftOut != nil {
		js.LeftOutNote = oatLeftOutNote
	}
	sweeps := map[string]sensitivity.Sweep{}
	for _, sw := range res.Sweeps {
		sweeps[sw.Param] = sw
	}
	for _, p := range res.Params {
		pj := sensParamJSON{Name: p.Name, Lo: scenario.Number(p.Lo), Hi: scenario.Number(p.Hi), Central: scenario.Number(p.Central)}
		if sw, ok := sweeps[p.Name]; ok {
			for i, v := range sw.Values {
				pj.Values = append(pj.Values, scenario.Number(v))
				pj.Points = append(pj.Points, pointJSON(sw.Points[i]))
			}
		}
		js.Params = append(js.Params, pj)
	}
	for _, t := range res.Tornadoes {
		tj := sensTornJSON{Output: t.Output, Base: scenario.Number(t.Base), Bars: []sensBarJSON{}}
		for _, b := range t.Bars {
			tj.Bars = append(tj.Bars, sensBarJSON{Param: b.Param, ParamLo: scenario.Number(b.ParamLo), ParamHi: scenario.Number(b.ParamHi),
				AtLo: scenario.Number(b.AtLo), AtHi: scenario.Number(b.AtHi), Min: scenario.Number(b.OutMin), Max: scenario.Number(b.OutMax)})
		}
		js.Tornadoes = append(js.Tornadoes, tj)
	}
	for _, b := range res.BreakEvens {
		js.BreakEvens = append(js.BreakEvens, sensBEJSON{Hypothesis: b.Hypothesis, Param: b.Param, Value: scenario.Number(b.Value), Below: b.Below, Above: b.Above, Text: b.String()})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(js)
}
