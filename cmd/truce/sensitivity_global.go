package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/internal/progress"
	"github.com/truce-dev/truce/internal/shard"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/sensitivity"
)

// Caps of the global methods' flags: a design row is one exact analysis.
const (
	maxSamples   = 1 << 24
	maxBootstrap = 100_000
)

// globalFlags are the flags of --method morris and sobol.
type globalFlags struct {
	samples    int
	bootstrap  int
	levels     int
	ignoreCorr bool
}

// globalRun is the result of a Morris or Sobol run with what the output
// writers need to say how it was made.
type globalRun struct {
	file   string
	sc     *scenario.Scenario
	model  *sensitivity.ScenarioModel
	method string
	sobol  *sensitivity.SobolResult
	morris *sensitivity.MorrisResult
	seed   uint64
	ignore bool // correlations in the file were ignored
}

func runGlobal(cmd *cobra.Command, file, method string, hyps, outputs []string, seed uint64, workers int, format string, top int, gf globalFlags, sf shardFlags) error {
	if gf.samples == 1 {
		return usageErrorf("truce sensitivity: --samples must be at least 2 (or 0 for the default), got 1")
	}
	if method == "morris" && gf.levels%2 != 0 {
		return usageErrorf("truce sensitivity: --levels must be an even number, e.g. 4; got %d", gf.levels)
	}
	sc, src, err := mustLoadScenarioSrc(cmd, "sensitivity", file)
	if err != nil {
		return err
	}
	run, err := globalAnalysis(cmd, sc, file, method, hyps, outputs, seed, workers, gf, &globalShard{flags: sf, src: src})
	if err != nil || run == nil { // nil: a shard's part was written
		return err
	}
	out := cmd.OutOrStdout()
	if format == "json" {
		return writeGlobalJSON(out, run)
	}
	writeGlobalText(out, run, top)
	return nil
}

// globalShard is what a sharded global analysis needs: the flags and the
// scenario's bytes.
type globalShard struct {
	flags shardFlags
	src   []byte
}

// globalRows are a shard's design rows: the payload of its partial result.
type globalRows struct {
	Lo int          `json:"lo"`
	Hi int          `json:"hi"`
	Y  shard.Floats `json:"y"` // (Hi-Lo) × outputs, row-major
}

// globalAnalysis runs Morris or Sobol on sc with a progress bar. With sh,
// it may instead run one shard of the design rows and write its part (the
// run returned is then nil), or fold the parts of a merge.
func globalAnalysis(cmd *cobra.Command, sc *scenario.Scenario, file, method string, hyps, outputs []string, seed uint64, workers int, gf globalFlags, sh *globalShard) (*globalRun, error) {
	name := "truce sensitivity"
	scale := sensitivity.Quantiles
	if method == "morris" {
		scale = sensitivity.ClampedQuantiles
	}
	m, err := sensitivity.NewScenarioModel(sc, sensitivity.ScenarioModelOptions{Outputs: outputs, Hypotheses: hyps, Scale: scale, IgnoreCorrelations: gf.ignoreCorr})
	if err != nil {
		return nil, &exitError{1, fmt.Sprintf("%s: %v", name, err)}
	}
	run := &globalRun{file: file, sc: sc, model: m, method: method, seed: seed, ignore: gf.ignoreCorr && len(sc.Correlations) > 0}
	boot := gf.bootstrap
	if boot == 0 {
		boot = -1 // the packages read 0 as "default"; the flag's 0 means none
	}
	k := len(m.Inputs())
	var rows int
	switch method {
	case "sobol":
		if gf.samples == 0 {
			gf.samples = sensitivity.DefaultSobolN
		}
		rows = gf.samples * (k + 2)
	case "morris":
		if gf.samples == 0 {
			gf.samples = sensitivity.DefaultTrajectories
		}
		rows = gf.samples * (k + 1)
	}
	var job *shardJob
	if sh != nil {
		if job, err = startShard(cmd, "sensitivity", sh.flags, file, sh.src, seed, rows); err != nil {
			return nil, err
		}
		if job.skip {
			job.skipped(cmd)
			return nil, nil
		}
	}
	if job != nil && (job.sharding || job.merging()) {
		return shardedGlobal(cmd, run, job, gf, boot, workers)
	}
	bar := progress.New(cmd.ErrOrStderr(), int64(rows), method+" analyses")
	eval := sensitivity.EvalOptions{Workers: workers, Progress: func(done, _ int) { bar.Set(int64(done)) }}
	switch method {
	case "sobol":
		run.sobol, err = sensitivity.Sobol(cmd.Context(), m, sensitivity.SobolOptions{N: gf.samples, Seed: seed, Bootstrap: boot, Eval: eval})
	case "morris":
		run.morris, err = sensitivity.Morris(cmd.Context(), m, sensitivity.MorrisOptions{Trajectories: gf.samples, Levels: gf.levels, Seed: seed, Bootstrap: boot, Eval: eval})
	}
	bar.Finish()
	if err != nil {
		return nil, &exitError{1, fmt.Sprintf("%s: %v", name, err)}
	}
	return run, nil
}

// shardedGlobal evaluates one shard's design rows and writes its part, or
// folds a merge's parts and estimates the indices from every row: the same
// design, rows and estimator as the whole run, so the same numbers.
func shardedGlobal(cmd *cobra.Command, run *globalRun, job *shardJob, gf globalFlags, boot, workers int) (*globalRun, error) {
	name := "truce sensitivity"
	m := run.model
	var (
		d      sensitivity.Design
		sobolD *sensitivity.SobolDesign
		morD   *sensitivity.MorrisDesign
		err    error
	)
	levels := gf.levels
	if levels == 0 {
		levels = sensitivity.DefaultLevels
	}
	switch run.method {
	case "sobol":
		sobolD, err = sensitivity.NewSobolDesign(len(m.Inputs()), gf.samples, run.seed)
		d = sobolD
	case "morris":
		morD, err = sensitivity.NewMorrisDesign(len(m.Inputs()), gf.samples, levels, run.seed)
		d = morD
	}
	if err != nil {
		return nil, &exitError{1, fmt.Sprintf("%s: %v", name, err)}
	}
	if d.Rows() != job.header.Units {
		return nil, &exitError{1, fmt.Sprintf("%s: the design has %d rows, the parts %d", name, d.Rows(), job.header.Units)}
	}
	nOut := len(m.Outputs())
	var y []float64
	if job.sharding {
		lo, hi := job.Range()
		bar := progress.New(cmd.ErrOrStderr(), int64(hi-lo), run.method+" analyses")
		y, err = sensitivity.EvalDesign(cmd.Context(), m, d, lo, hi, sensitivity.EvalOptions{Workers: workers, Progress: func(done, _ int) { bar.Set(int64(done)) }})
		bar.Finish()
		if err != nil {
			return nil, &exitError{1, fmt.Sprintf("%s: shard %s: %v", name, job.header.Shard, err)}
		}
		return nil, job.finish(cmd, globalRows{Lo: lo, Hi: hi, Y: y})
	}
	for _, p := range job.parts {
		var r globalRows
		if err := json.Unmarshal(p.Payload, &r); err != nil {
			return nil, &exitError{1, fmt.Sprintf("truce merge: %s: the design rows cannot be read: %v", p.Path, err)}
		}
		if r.Lo != p.Lo || r.Hi != p.Hi || len(r.Y) != (r.Hi-r.Lo)*nOut {
			return nil, &exitError{1, fmt.Sprintf("truce merge: %s: holds %d values for rows [%d, %d) of %d outputs", p.Path, len(r.Y), r.Lo, r.Hi, nOut)}
		}
		y = append(y, r.Y...)
	}
	eval := sensitivity.EvalOptions{Workers: workers}
	switch run.method {
	case "sobol":
		run.sobol, err = sensitivity.SobolAnalyze(cmd.Context(), sobolD, m.Inputs(), m.Outputs(), y, sensitivity.SobolOptions{N: gf.samples, Seed: run.seed, Bootstrap: boot, Eval: eval})
	case "morris":
		run.morris, err = sensitivity.MorrisAnalyze(morD, m.Inputs(), m.Outputs(), y, sensitivity.MorrisOptions{Trajectories: gf.samples, Levels: levels, Seed: run.seed, Bootstrap: boot, Eval: eval})
	}
	if err != nil {
		return nil, &exitError{1, fmt.Sprintf("%s: %v", name, err)}
	}
	return run, nil
}

// JSON schema of `truce sensitivity --method morris|sobol --format json`
// (docs/sensitivity.md). Undefined numbers are null.
type globalJSON struct {
	Scenario    string          `json:"scenario"`
	Method      string          `json:"method"`
	Seed        uint64          `json:"seed"`
	Samples     int             `json:"samples"`
	Levels      int             `json:"levels,omitempty"`
	Delta       scenario.Number `json:"delta,omitempty"`
	Analyses    int             `json:"analyses"`
	Bootstrap   int             `json:"bootstrap"`
	Independent bool            `json:"correlations_ignored"`
	Parameters  []string        `json:"parameters"`
	Global      []globalOutJSON `json:"global"`
	// LeftOut are the hypotheses with draws: not evaluated (Note says why).
	LeftOut     []string `json:"hypotheses_left_out,omitempty"`
	LeftOutNote string   `json:"hypotheses_left_out_note,omitempty"`
}

type globalOutJSON struct {
	Output   string            `json:"output"`
	Kind     string            `json:"kind"` // "quantity" or "hypothesis"
	Mean     *scenario.Number  `json:"mean,omitempty"`
	Variance *scenario.Number  `json:"variance,omitempty"`
	Sobol    []sobolIndexJSON  `json:"sobol,omitempty"`
	Morris   []morrisIndexJSON `json:"morris,omitempty"`
	Note     string            `json:"note,omitempty"`
}

type sobolIndexJSON struct {
	Parameter string             `json:"parameter"`
	First     scenario.Number    `json:"first"`
	FirstCI   [2]scenario.Number `json:"first_ci"`
	Total     scenario.Number    `json:"total"`
	TotalCI   [2]scenario.Number `json:"total_ci"`
}

type morrisIndexJSON struct {
	Parameter string             `json:"parameter"`
	MuStar    scenario.Number    `json:"mu_star"`
	MuStarCI  [2]scenario.Number `json:"mu_star_ci"`
	Mu        scenario.Number    `json:"mu"`
	Sigma     scenario.Number    `json:"sigma"`
}

func num2(x [2]float64) [2]scenario.Number {
	return [2]scenario.Number{scenario.Number(x[0]), scenario.Number(x[1])}
}

func outputKind(m *sensitivity.ScenarioModel, o int) string {
	if m.IsHypothesis(o) {
		return "hypothesis"
	}
	return "quantity"
}

func writeGlobalJSON(w io.Writer, run *globalRun) error {
	js := globalJSON{Scenario: run.file, Method: run.method, Seed: run.seed, Independent: run.ignore, Parameters: run.model.Inputs(), Global: []globalOutJSON{},
		LeftOut: run.model.LeftOut, LeftOutNote: run.model.LeftOutNote()}
	switch {
	case run.sobol != nil:
		r := run.sobol
		js.Samples, js.Analyses, js.Bootstrap = r.N, r.Rows, max(r.Bootstrap, 0)
		for o, out := range r.Outputs {
			mean, vr := scenario.Number(out.Mean), scenario.Number(out.Variance)
			oj := globalOutJSON{Output: out.Output, Kind: outputKind(run.model, o), Mean: &mean, Variance: &vr, Note: out.Note, Sobol: []sobolIndexJSON{}}
			for _, ix := range out.Indices {
				oj.Sobol = append(oj.Sobol, sobolIndexJSON{Parameter: ix.Input, First: scenario.Number(ix.First), FirstCI: num2(ix.FirstCI),
					Total: scenario.Number(ix.Total), TotalCI: num2(ix.TotalCI)})
			}
			js.Global = append(js.Global, oj)
		}
	case run.morris != nil:
		r := run.morris
		js.Samples, js.Analyses, js.Levels, js.Delta = r.Trajectories, r.Rows, r.Levels, scenario.Number(r.Delta)
		js.Bootstrap = max(r.Bootstrap, 0)
		for o, out := range r.Outputs {
			oj := globalOutJSON{Output: out.Output, Kind: outputKind(run.model, o), Note: out.Note, Morris: []morrisIndexJSON{}}
			for _, e := range out.Effects {
				oj.Morris = append(oj.Morris, morrisIndexJSON{Parameter: e.Input, MuStar: scenario.Number(e.MuStar), MuStarCI: num2(e.MuStarCI),
					Mu: scenario.Number(e.Mu), Sigma: scenario.Number(e.Sigma)})
			}
			js.Global = append(js.Global, oj)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(js)
}

func writeGlobalText(out io.Writer, run *globalRun, top int) {
	w := &strings.Builder{}
	defer writeTrimmed(out, w)
	sc, m := run.sc, run.model
	k := len(m.Inputs())
	indep := "drawn independently from their distributions"
	if run.ignore {
		indep = "drawn independently (the file's correlations ignored, --ignore-correlations)"
	}
	claims := map[string]string{}
	for _, h := range sc.Hypotheses {
		claims[h.ID] = oneLine(h.Claim, 80)
	}
	if note := m.LeftOutNote(); note != "" {
		defer fmt.Fprintf(w, "\nnote: %s\n", note)
	}
	switch {
	case run.sobol != nil:
		r := run.sobol
		fmt.Fprintf(w, "%s: Sobol indices over %d parameters %s\n", sc.Name, k, indep)
		fmt.Fprintf(w, "N = %d base samples, %d exact analyses (Saltelli design on a scrambled Sobol' sequence), seed %d; intervals: bootstrap 95%%, %d resamples\n",
			r.N, r.Rows, r.Seed, max(r.Bootstrap, 0))
		fmt.Fprintln(w, "first: share of the output's variance the parameter explains alone; total: with its interactions.")
		fmt.Fprintln(w, "A hypothesis is an output that is 1 where it holds; its mean is the share of the design where it holds.")
		for o, out := range r.Outputs {
			fmt.Fprintln(w)
			writeOutputHeader(w, m, o, out.Output, claims, out.Mean, out.Variance)
			if out.Note != "" {
				fmt.Fprintf(w, "  %s\n", out.Note)
				continue
			}
			if m.IsHypothesis(o) {
				if few := int(math.Round(math.Min(out.Mean, 1-out.Mean) * float64(2*r.N))); few < 30 {
					fmt.Fprintf(w, "  it goes the other way at only %d of the %d base points: the indices rest on those few and say little (truce discover finds where)\n", few, 2*r.N)
				}
			}
			ranked := append([]sensitivity.SobolIndex(nil), out.Indices...)
			sort.SliceStable(ranked, func(a, b int) bool { return ranked[a].Total > ranked[b].Total })
			fmt.Fprintf(w, "  %-20s %-22s %-22s\n", "parameter", "first [95%]", "total [95%]")
			shown, sumFirst, wide := 0, 0.0, false
			for _, ix := range out.Indices {
				sumFirst += ix.First
			}
			for _, ix := range ranked {
				if shown >= top || ix.TotalCI[1] < 0.01 {
					continue
				}
				shown++
				wide = wide || ix.TotalCI[1]-ix.TotalCI[0] > 0.2 || ix.FirstCI[1]-ix.FirstCI[0] > 0.2
				fmt.Fprintf(w, "  %-20s %-22s %-22s %s\n", ix.Input, fmtIdx(ix.First, ix.FirstCI), fmtIdx(ix.Total, ix.TotalCI), bar(ix.Total, 20))
			}
			if rest := len(ranked) - shown; rest > 0 {
				fmt.Fprintf(w, "  (%d more parameters", rest)
				if shown < top {
					fmt.Fprint(w, ", each with a total index below 0.01")
				}
				fmt.Fprintln(w, ")")
			}
			// 1 − ΣS_i is the interactions' share; the estimates can sum
			// below 0 or above 1 at small N (sampling error), where a
			// share of "108%" would be nonsense.
			switch {
			case sumFirst < 0:
				fmt.Fprintf(w, "  first-order indices sum to %.2f (below 0 by sampling error): nearly all of the variance comes from interactions\n", sumFirst)
			case sumFirst > 1:
				fmt.Fprintf(w, "  first-order indices sum to %.2f (above 1 by sampling error): little or none of the variance comes from interactions\n", sumFirst)
			default:
				fmt.Fprintf(w, "  first-order indices sum to %.2f: about %.0f%% of the variance comes from interactions\n", sumFirst, 100*(1-sumFirst))
			}
			if wide {
				fmt.Fprintln(w, "  some intervals are wider than 0.2: raise --samples for firmer indices")
			}
		}
	case run.morris != nil:
		r := run.morris
		fmt.Fprintf(w, "%s: Morris elementary effects over %d parameters %s\n", sc.Name, k, indep)
		fmt.Fprintf(w, "%d trajectories on a %d-level grid (step Δ = %.3g of each parameter's probability scale), %d exact analyses, seed %d\n",
			r.Trajectories, r.Levels, r.Delta, r.Rows, r.Seed)
		fmt.Fprintln(w, "mu*: mean |effect| of moving the parameter across its whole range (its 0.1-99.9% quantiles, or its support), in output units;")
		fmt.Fprintln(w, "sigma: spread of the effects (interactions or non-linearity). For a hypothesis (0/1 output), flips is the share of the")
		fmt.Fprintf(w, "parameter's %d moves (by Δ) that changed whether it holds (mu*·Δ).\n", r.Trajectories)
		for o, out := range r.Outputs {
			fmt.Fprintln(w)
			writeOutputHeader(w, m, o, out.Output, claims, math.NaN(), math.NaN())
			if out.Note != "" {
				fmt.Fprintf(w, "  %s\n", out.Note)
				continue
			}
			ranked := out.Ranked()
			maxMu := 0.0
			if len(ranked) > 0 {
				maxMu = ranked[0].MuStar
			}
			hyp := m.IsHypothesis(o)
			if hyp {
				fmt.Fprintf(w, "  %-20s %-7s %-24s %-10s %-10s\n", "parameter", "flips", "mu* [95%]", "mu", "sigma")
			} else {
				fmt.Fprintf(w, "  %-20s %-24s %-10s %-10s\n", "parameter", "mu* [95%]", "mu", "sigma")
			}
			shown := 0
			for _, e := range ranked {
				if shown >= top || e.MuStar == 0 {
					continue
				}
				shown++
				b := bar(e.MuStar/math.Max(maxMu, 1e-300), 20)
				if hyp {
					fmt.Fprintf(w, "  %-20s %-7s %-24s %-10s %-10s %s\n", e.Input, fmt.Sprintf("%.0f%%", 100*e.MuStar*r.Delta), fmtMu(e), fmtG(e.Mu), fmtG(e.Sigma), b)
					continue
				}
				fmt.Fprintf(w, "  %-20s %-24s %-10s %-10s %s\n", e.Input, fmtMu(e), fmtG(e.Mu), fmtG(e.Sigma), b)
			}
			if shown == 0 {
				fmt.Fprintln(w, "  no parameter moves it")
			} else if rest := len(ranked) - shown; rest > 0 {
				fmt.Fprintf(w, "  (%d more parameters with smaller mu*)\n", rest)
			}
		}
	}
}

// writeTrimmed writes b's text to w without trailing spaces on any line.
func writeTrimmed(w io.Writer, b *strings.Builder) {
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	io.WriteString(w, strings.Join(lines, "\n"))
}

func writeOutputHeader(w io.Writer, m *sensitivity.ScenarioModel, o int, name string, claims map[string]string, mean, vr float64) {
	if m.IsHypothesis(o) {
		fmt.Fprintf(w, "%s  %s\n", name, claims[name])
		if finite(mean) {
			fmt.Fprintf(w, "  holds at %.0f%% of the design points (implied by the assumptions, not evidence)\n", 100*mean)
		}
		return
	}
	fmt.Fprintln(w, name)
	if finite(mean) {
		fmt.Fprintf(w, "  mean %s, standard deviation %s over the design\n", fmtG(mean), fmtG(math.Sqrt(vr)))
	}
}

func fmtIdx(x float64, ci [2]float64) string {
	if ci[0] == ci[1] && ci[0] == x {
		return fmt.Sprintf("%.2f", x)
	}
	return fmt.Sprintf("%.2f [%.2f, %.2f]", x, ci[0], ci[1])
}

func fmtMu(e sensitivity.MorrisEffect) string {
	if e.MuStarCI[0] == e.MuStarCI[1] {
		return fmtG(e.MuStar)
	}
	return fmt.Sprintf("%s [%s, %s]", fmtG(e.MuStar), fmtG(e.MuStarCI[0]), fmtG(e.MuStarCI[1]))
}

// bar draws x in [0,1] as up to width blocks.
func bar(x float64, width int) string {
	if !finite(x) || x <= 0 {
		return ""
	}
	n := int(math.Round(math.Min(x, 1) * float64(width)))
	return strings.Repeat("█", n)
}
