package scenario

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strconv"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/markov"
)

// Number is a float64 that encodes NaN and ±Inf as JSON null (a figure that
// is undefined, e.g. the first-entry time of a state never entered).
type Number float64

// MarshalJSON implements json.Marshaler.
func (n Number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// Stat summarises a figure over parameter draws: the mean and the 5% and
// 95% quantiles (linear interpolation between order statistics, R's type 7).
type Stat struct {
	Mean Number `json:"mean"`
	Lo   Number `json:"lo"`
	Hi   Number `json:"hi"`
}

// AnalyzeOptions tunes Analyze.
type AnalyzeOptions struct {
	// Profiles to report; empty = every profile whose strategies are
	// given, plus equilibrium profiles that hypotheses use. Other
	// equilibrium profiles ({solve: markov-perfect}) are solved on every
	// draw, which can be slow, so they run only when named here; the
	// report lists them as skipped.
	Profiles []string
	Draws    int // parameter draws; 0 means 1000
	// Strict makes a draw that cannot be analysed (an equilibrium not
	// found, a probability out of range for that draw) fail the whole
	// analysis; by default it is excluded and counted in
	// AnalysisReport.Failed.
	Strict   bool
	Seed     uint64
	Workers  int                   // 0 means GOMAXPROCS; results do not depend on it
	Progress func(done, total int) // called from one goroutine, draws done so far, as each draw ends
	// DrawDone, when set, is called with draw i as its analysis ends (the
	// draws end in any order when there are several workers), from the
	// goroutine that calls Progress, before Progress counts it: a caller
	// can follow the first draws, where the hypotheses with their own
	// `draws:` are evaluated, apart.
	DrawDone func(i int)
	// Stage, when set, is called from the goroutine that calls Progress
	// when, the draws done, a long step follows (the search of the
	// equilibrium set at central values): what names it.
	Stage func(what string)
	// From adds each reported profile's figures from every start state
	// (ProfileReport.From): one backward solve per figure and target.
	From bool
	// LongRun adds the long-run shares, recurrence times and recurrent
	// classes (ProfileReport.LongRun); always on for scenarios without
	// terminal states.
	LongRun bool
	// States lists non-terminal states whose reach curve, absorption and
	// first-entry time are reported, besides those the hypotheses read;
	// "*" means every state. Terminal states are always reported. Each
	// non-terminal state costs a pass and two linear solves per draw,
	// which dominates on large chains.
	States []string
	MPE    equilibrium.Options // for profiles with `solve: markov-perfect`
	// EquilibriumStarts is the number of random starts with which the set
	// of equilibria is searched at central values for each reported
	// equilibrium profile (see ProfileReport.EquilibriumSet); 0 means
	// equilibrium.DefaultStarts, negative none.
	EquilibriumStarts int
}

// DefaultDraws is the number of parameter draws Analyze makes by default.
const DefaultDraws = 1000

// DefaultSeed is the seed every truce command uses unless told otherwise,
// so that the same figure is the same in every output (analyze, report,
// demo, simulate, solve, sensitivity, update, and the sampled draws that
// validation checks).
const DefaultSeed = 1

// AnalysisReport is the result of Analyze; its JSON form is documented in
// docs/analyze-json.md.
type AnalysisReport struct {
	Scenario string `json:"scenario"`
	Title    string `json:"title,omitempty"`
	Period   string `json:"period"`
	Horizon  int    `json:"horizon"`
	Draws    int    `json:"draws"`
	// Failed counts the draws that could not be analysed and were left
	// out of every figure (absent when none was).
	Failed     *FailedDraws              `json:"failed_draws,omitempty"`
	Seed       uint64                    `json:"seed"`
	Profiles   map[string]*ProfileReport `json:"profiles"`
	Hypotheses []HypothesisReport        `json:"hypotheses"`
	// NotEvaluated lists the hypotheses the run left out
	// (--hypothesis-draws none) and the command that evaluates them.
	NotEvaluated *NotEvaluated `json:"hypotheses_not_evaluated,omitempty"`
	// Clock is how far the rules tell steps apart (Scenario.Clock) and
	// ClockNote says so and why; absent without a clock.
	Clock     int    `json:"clock,omitempty"`
	ClockNote string `json:"clock_note,omitempty"`
	// Undiscounted lists the actors with discount 1, whose values without
	// a horizon are undefined (null); value_by gives their totals.
	Undiscounted []string `json:"undiscounted,omitempty"`
	// Skipped lists equilibrium profiles left out by default (see
	// AnalyzeOptions.Profiles).
	Skipped []string `json:"skipped_profiles,omitempty"`
	// RankCorrelations of each drawn parameter with each quantity the
	// hypotheses read and each hypothesis, from the same draws (rankcorr.go).
	RankCorrelations *RankCorrelations `json:"rank_correlations,omitempty"`
	// Fixed is set when no parameter has a distribution: the one draw is
	// exact and the seed played no part.
	Fixed bool `json:"parameters_fixed,omitempty"`
	// Verdicts[h][i] is whether hypothesis h (file order) held on draw i
	// (false where it was not evaluated), when the run analysed every one
	// of its draws and kept them all for the rank correlations (at most
	// MaxRankCorrDraws); nil otherwise. Scenario discovery over the same
	// draws reads them instead of evaluating the hypotheses again.
	Verdicts [][]bool `json:"-"`
	// Retrodiction is set by the command line when the scenario has a
	// history or is given a record (package evidence, docs/evidence.md).
	Retrodiction any `json:"retrodiction,omitempty"`

	// Order of profiles, states, actors and components as in the file,
	// for text output (JSON objects are sorted by key).
	ProfileOrder   []string `json:"-"`
	StateOrder     []string `json:"-"`
	TerminalStates []string `json:"-"`
	ActorOrder     []string `json:"-"`
	ComponentOrder []string `json:"-"`
}

// ProfileReport holds every figure of one profile over the draws.
type ProfileReport struct {
	Solve  string              `json:"solve,omitempty"`
	Absorb map[string]Stat     `json:"absorb"`
	Reach  map[string][]Number `json:"reach"`
	// ReachLo and ReachHi are, per state in Reach and step, the 5% and 95%
	// quantiles over draws of the probability of having entered the state
	// by that step (the quantile rule of Stat). They are over the first
	// ReachBandDraws draws analysed (a prefix of the draws, every draw
	// when memory allows; see ReachBandDraws); absent for a scenario
	// without distributions or when not even two draws' curves fit.
	ReachLo map[string][]Number `json:"reach_lo,omitempty"`
	ReachHi map[string][]Number `json:"reach_hi,omitempty"`
	// ReachBandDraws is how many draws ReachLo and ReachHi are over: the
	// analysed draws among the first N, N as many as the memory budget
	// holds (a quarter of --max-memory), so it does not depend on workers
	// or shards.
	ReachBandDraws int                    `json:"reach_band_draws,omitempty"`
	Time           map[string]Stat        `json:"time"`
	Value          map[string]ValueReport `json:"value"`
	// Endings has one entry per terminal state: how likely the process
	// ends there within the horizon and eventually. With Unresolved they
	// account for every path: Σ WithinHorizon + Unresolved.AtHorizon = 1
	// and Σ Eventually + Unresolved.Eventually = 1 on every draw.
	Endings    map[string]Ending `json:"endings"`
	Unresolved Unresolved        `json:"unresolved"`
	// From has the figures from every start state, keyed by the start
	// (AnalyzeOptions.From).
	From map[string]*FromReport `json:"from,omitempty"`
	// LongRun is where the process spends its time in the long run
	// (AnalyzeOptions.LongRun, or a scenario without endings).
	LongRun *LongRunReport `json:"long_run,omitempty"`
	// EquilibriumSet says, for an equilibrium profile, which rule selects
	// the equilibrium solved on every draw and what else the search of the
	// set at central values found.
	EquilibriumSet *EquilibriumSet `json:"equilibrium_set,omitempty"`
}

// Ending is how likely the process ends in one terminal state.
type Ending struct {
	// WithinHorizon is the probability of having entered the state at or
	// before step horizon (reach at the horizon).
	WithinHorizon Stat `json:"within_horizon"`
	// Eventually is the probability of ever entering it, with no horizon
	// (absorb).
	Eventually Stat `json:"eventually"`
}

// Unresolved is the share of paths that have not ended.
type Unresolved struct {
	// AtHorizon is the probability that no terminal state has been entered
	// by step horizon: 1 - Σ Endings[s].WithinHorizon.
	AtHorizon Stat `json:"at_horizon"`
	// Where splits AtHorizon by the non-terminal state the process is in
	// at step horizon (Σ over states = AtHorizon on every draw).
	Where map[string]Stat `json:"where"`
	// Eventually is the probability that the process never ends:
	// 1 - Σ Endings[s].Eventually (0 when every reachable state can still
	// reach an ending).
	Eventually Stat `json:"eventually"`
}

// ValueReport is one actor's expected discounted utility and its components.
type ValueReport struct {
	Total      Stat            `json:"total"`
	Components map[string]Stat `json:"components"`
}

// HypothesisReport is a hypothesis evaluated on every draw, or on the
// run's first draws when its `draws:` is smaller than the run (a
// subsample: EvaluatedDraws is then set).
type HypothesisReport struct {
	ID         string  `json:"id"`
	Claim      string  `json:"claim"`
	Expr       string  `json:"expr"`
	HoldsShare float64 `json:"holds_share"`
	Verdict    string  `json:"verdict"`
	// EvaluatedDraws, set only for a subsample, is the number of draws the
	// share is over: the run's first `draws:` draws, less those that
	// could not be analysed. ShareInterval is then the share's Jeffreys
	// 95% interval, and Verdict is the category the whole interval lies
	// in, or Unsettled with VerdictBetween naming the categories it spans
	// (hyp.go).
	EvaluatedDraws int               `json:"evaluated_draws,omitempty"`
	ShareInterval  *[2]Number        `json:"share_interval,omitempty"`
	VerdictBetween []string          `json:"verdict_between,omitempty"`
	Quantities     map[string]Number `json:"quantities"`
}

// SetShare fills the share and verdict of a hypothesis that holds on k of
// the n draws it was evaluated on; subsample says those are a subsample
// of the run's (its `draws:`), which adds the interval.
func (hr *HypothesisReport) SetShare(k, n int, subsample bool) {
	hr.HoldsShare = float64(k) / float64(n)
	hr.Verdict, hr.EvaluatedDraws, hr.ShareInterval, hr.VerdictBetween = Verdict(hr.HoldsShare), 0, nil, nil
	if !subsample {
		return
	}
	lo, hi := ShareInterval(k, n)
	hr.EvaluatedDraws, hr.ShareInterval = n, &[2]Number{Number(lo), Number(hi)}
	hr.Verdict, hr.VerdictBetween = SubsampleVerdict(lo, hi)
}

// figures is what one draw contributes for one profile.
type figures struct {
	absorb, time []float64   // per state
	atHorizon    []float64   // per state: probability of being there at step horizon
	never        float64     // probability of never ending
	reach        [][]float64 // per state, per step
	value        [][]float64 // per actor, per component
	total        []float64   // per actor
	an           *markov.Analysis
}

type drawResult struct {
	prof   []*figures // per needed profile
	params []float64  // the draw's parameter values
	quant  []float64  // per scenario quantity
	holds  []bool     // per hypothesis
	err    error
}

// Random reports whether any parameter has a distribution.
func (sc *Scenario) Random() bool {
	for _, p := range sc.Parameters {
		if p.Dist.Kind != "fixed" {
			return true
		}
	}
	return false
}

// Analyze runs the exact analysis of the chosen profiles on opt.Draws
// parameter draws (draw i from its own stream of opt.Seed) and evaluates the
// hypotheses on each. A scenario without distributions is analysed once and
// reports draws = 1. The result does not depend on opt.Workers.
func Analyze(ctx context.Context, sc *Scenario, opt AnalyzeOptions) (*AnalysisReport, error) {
	run, err := newAnalysisRun(ctx, sc, opt)
	if err != nil {
		return nil, err
	}
	if err := run.compute(ctx, 0, run.opt.Draws, run.fold); err != nil {
		return nil, err
	}
	return run.finish(ctx)
}

// analysisRun is one Analyze: its plan, the accumulators its draws are
// folded into in draw order, and the report they end in. Splitting it into
// compute, fold and finish lets a sharded run compute some draws here and
// fold them elsewhere (analyze_shard.go) with the same result.
type analysisRun struct {
	sc      *Scenario
	opt     AnalyzeOptions
	workers int
	report  *AnalysisReport
	needed  []int
	slot    map[int]int
	plan    map[int]*needs
	chunk   int
	// chains are each worker's chains, refilled draw after draw.
	chains []*probeChains

	nS, nA, nC, H int
	accs          []*analysisAcc
	// Per quantity: the mean over every draw, and the first keep values
	// for the rank correlations.
	quants      []series
	firstQuants [][]float64
	qlim        []int // per quantity: the run's first draws that need it (0: all)
	holds       []int
	evaluated   []int // per hypothesis: the analysed draws it was evaluated on
	// The first draws' parameters and verdicts, for rank correlations.
	keep         int
	pvals, hvals [][]float64
	ok, keptOK   int // draws analysed, and among the first keep
	// bandLim: the first draws whose reach curves are kept for the bands.
	bandLim int
}

// analysisAcc is what one profile's draws are folded into: samples of every
// figure over draws, and reach sums.
type analysisAcc struct {
	absorb, time []series // [state]
	atHorizon    []series // [state]
	unresolved   series   // not ended by the horizon
	never        series   // never ends
	value        [][]series
	total        []series
	reach        [][]float64 // sums [state][step]
	extra        *extraAcc   // figures from every start, long run
	// band[s] holds the reach curves of state s (those reported) of the
	// analysed draws among the first bandLim, draw after draw (H+1 values
	// each), for the 5–95% band; bandN counts them.
	band  [][]float64
	bandN int
}

func newAnalysisRun(ctx context.Context, sc *Scenario, opt AnalyzeOptions) (*analysisRun, error) {
	if opt.Draws <= 0 {
		opt.Draws = DefaultDraws
	}
	if !sc.Random() {
		opt.Draws = 1
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	report, err := sc.selectProfiles(opt.Profiles)
	if err != nil {
		return nil, err
	}
	report.Draws, report.Seed, report.Fixed = opt.Draws, opt.Seed, !sc.Random()
	// Profiles computed: the reported ones and those hypotheses refer to.
	need := sc.profilesRead()
	for _, name := range report.ProfileOrder {
		need[sc.profileByName(name)] = true
	}
	var needed []int
	for i := range sc.Profiles {
		if need[i] {
			needed = append(needed, i)
		}
	}
	slot := map[int]int{}
	for k, pi := range needed {
		slot[pi] = k
	}
	plan, err := sc.plan(needed, report, opt)
	if err != nil {
		return nil, err
	}
	r := &analysisRun{sc: sc, opt: opt, workers: workers, report: report, needed: needed, slot: slot, plan: plan,
		nS: len(sc.States), nA: len(sc.Actors), nC: len(sc.Components), H: sc.Horizon}
	nS, nA, nC, H := r.nS, r.nA, r.nC, r.H
	// Memory, before any of it is allocated: the reach sums, the reach
	// curves of the draws in flight (a chunk is folded in draw order) and
	// the figures kept per draw for their quantiles.
	if r.chunk, err = analyzeBudget(ctx, sc, len(needed), opt.Draws, workers); err != nil {
		return nil, err
	}
	if r.bandLim, err = reachBandBudget(ctx, sc, needed, plan, opt.Draws); err != nil {
		return nil, err
	}
	r.accs = make([]*analysisAcc, len(needed))
	stride := quantileStride(opt.Draws)
	newSeries := func(n int) []series {
		out := make([]series, n)
		for i := range out {
			out[i].stride = stride
		}
		return out
	}
	for k, pi := range needed {
		a := &analysisAcc{absorb: newSeries(nS), time: newSeries(nS), reach: make([][]float64, nS), atHorizon: newSeries(nS),
			unresolved: newSeries(1)[0], never: newSeries(1)[0], value: make([][]series, nA), total: newSeries(nA)}
		for s := range a.reach {
			a.reach[s] = make([]float64, H+1)
		}
		if r.bandLim > 0 {
			a.band = make([][]float64, nS) // filled as draws are folded, within bandLim
		}
		for x := range a.value {
			a.value[x] = newSeries(nC)
		}
		if n := plan[pi]; n.reportFrom || n.reportLongRun {
			if a.extra, err = newExtraAcc(ctx, sc, n, opt.Draws); err != nil {
				return nil, err
			}
		}
		r.accs[k] = a
	}
	r.quants = newSeries(len(sc.quantities))
	r.firstQuants = make([][]float64, len(sc.quantities))
	r.holds = make([]int, len(sc.Hypotheses))
	r.evaluated = make([]int, len(sc.Hypotheses))
	r.qlim = sc.quantDraws()
	if sc.Random() {
		r.keep = min(opt.Draws, MaxRankCorrDraws)
	}
	if err := budget.Check(ctx, fmt.Sprintf("rank correlations over %d draws", r.keep),
		budget.Mul(budget.Mul(int64(r.keep), int64(len(sc.Parameters)+len(sc.Hypotheses))), 8), "use fewer --draws"); err != nil {
		return nil, err
	}
	r.pvals = make([][]float64, len(sc.Parameters))
	r.hvals = make([][]float64, len(sc.Hypotheses))
	return r, nil
}

// compute analyses draws [lo, hi) in parallel, a chunk at a time, and hands
// each result to sink in draw order, so that what sink builds does not
// depend on scheduling. Progress counts from lo.
func (r *analysisRun) compute(ctx context.Context, lo, hi int, sink func(i int, d *drawResult) error) error {
	results := make([]drawResult, r.chunk)
	for start := lo; start < hi; start += r.chunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		end := min(start+r.chunk, hi)
		var wg sync.WaitGroup
		next := make(chan int)
		// Each draw is reported as it ends, not at the end of its chunk:
		// a chunk of draws that evaluate costly hypotheses can take
		// minutes (the bar sat at 0 for all of them).
		ended := make(chan int, end-start)
		for w := 0; w < min(r.workers, end-start); w++ {
			for len(r.chains) <= w {
				r.chains = append(r.chains, newProbeChains())
			}
			wg.Add(1)
			go func(cs *probeChains) {
				defer wg.Done()
				for i := range next {
					results[i-start] = r.sc.analyzeDraw(ctx, i, r.opt, r.needed, r.plan, r.qlim, cs)
					ended <- i
				}
			}(r.chains[w])
		}
		go func() {
			for i := start; i < end; i++ {
				next <- i
			}
			close(next)
		}()
		for k := start; k < end; k++ {
			i := <-ended
			if r.opt.DrawDone != nil {
				r.opt.DrawDone(i)
			}
			if r.opt.Progress != nil {
				r.opt.Progress(k+1-lo, hi-lo)
			}
		}
		wg.Wait()
		for i := start; i < end; i++ {
			res := &results[i-start]
			if res.err != nil && (r.opt.Strict || ctx.Err() != nil || errors.Is(res.err, budget.ErrExceeded)) {
				return res.err
			}
			if err := sink(i, res); err != nil {
				return err
			}
			*res = drawResult{}
		}
	}
	return nil
}

// fold adds draw i's result to the accumulators. Draws must come in order.
func (r *analysisRun) fold(i int, d *drawResult) error {
	sc, nS, nA, nC, H := r.sc, r.nS, r.nA, r.nC, r.H
	if d.err != nil {
		if r.opt.Strict {
			return d.err
		}
		r.report.Failed = r.report.Failed.add(i, d.err)
		return nil
	}
	r.ok++
	for k, f := range d.prof {
		a := r.accs[k]
		open := 0.0
		for s := 0; s < nS; s++ {
			a.absorb[s].add(i, f.absorb[s])
			a.time[s].add(i, f.time[s])
			a.atHorizon[s].add(i, f.atHorizon[s])
			if !sc.States[s].Terminal {
				open += f.atHorizon[s]
			}
			if f.reach[s] == nil {
				continue // not asked for
			}
			for t := 0; t <= H; t++ {
				a.reach[s][t] += f.reach[s][t]
			}
			if i < r.bandLim && reachReported(sc, r.plan[r.needed[k]], s) {
				a.band[s] = append(a.band[s], f.reach[s][:H+1]...)
			}
		}
		if i < r.bandLim {
			a.bandN++
		}
		a.unresolved.add(i, open)
		a.never.add(i, f.never)
		if a.extra != nil {
			a.extra.add(f.an)
		}
		for x := 0; x < nA; x++ {
			a.total[x].add(i, f.total[x])
			for c := 0; c < nC; c++ {
				a.value[x][c].add(i, f.value[x][c])
			}
		}
	}
	for q, v := range d.quant {
		if lim := r.qlim[q]; lim > 0 && i >= lim {
			v = math.NaN() // not computed on this draw
		} else {
			r.quants[q].add(i, v)
		}
		if i < r.keep {
			r.firstQuants[q] = append(r.firstQuants[q], v)
		}
	}
	for h, ok := range d.holds {
		if !sc.Hypotheses[h].EvaluatedOn(i) {
			continue
		}
		r.evaluated[h]++
		if ok {
			r.holds[h]++
		}
	}
	if i < r.keep {
		r.keptOK++
		for p, v := range d.params {
			r.pvals[p] = append(r.pvals[p], v)
		}
		for h, ok := range d.holds {
			v := b2f(ok)
			if !sc.Hypotheses[h].EvaluatedOn(i) {
				v = math.NaN() // left out of its correlations
			}
			r.hvals[h] = append(r.hvals[h], v)
		}
	}
	return nil
}

// finish turns the accumulators into the report.
func (r *analysisRun) finish(ctx context.Context) (*AnalysisReport, error) {
	sc, opt, report, plan, H := r.sc, r.opt, r.report, r.plan, r.H
	if r.ok == 0 {
		return nil, fmt.Errorf("every one of the %d draws failed; the first: %s", opt.Draws, report.Failed.Examples[0].Error)
	}
	// Every figure is over the draws that were analysed.
	n := float64(r.ok)
	for _, name := range report.ProfileOrder {
		pi := sc.profileByName(name)
		a := r.accs[r.slot[pi]]
		pr := report.Profiles[name]
		for s, st := range sc.States {
			pr.Absorb[st.ID] = a.absorb[s].stat()
			pr.Time[st.ID] = a.time[s].stat()
			curve := make([]Number, H+1)
			for t := range curve {
				curve[t] = Number(a.reach[s][t] / n)
			}
			if reachReported(sc, plan[pi], s) {
				pr.Reach[st.ID] = curve
				if lo, hi, ok := a.reachBand(s, H); ok {
					if pr.ReachLo == nil {
						pr.ReachLo, pr.ReachHi = map[string][]Number{}, map[string][]Number{}
					}
					pr.ReachLo[st.ID], pr.ReachHi[st.ID] = lo, hi
					pr.ReachBandDraws = a.bandN
				}
			} else {
				delete(pr.Absorb, st.ID)
				delete(pr.Time, st.ID)
			}
			if st.Terminal {
				pr.Endings[st.ID] = Ending{WithinHorizon: a.atHorizon[s].stat(), Eventually: pr.Absorb[st.ID]}
			} else {
				pr.Unresolved.Where[st.ID] = a.atHorizon[s].stat()
			}
		}
		pr.Unresolved.AtHorizon = a.unresolved.stat()
		pr.Unresolved.Eventually = a.never.stat()
		if a.extra != nil {
			a.extra.report(pr, r.ok)
		}
		for x, act := range sc.Actors {
			vr := ValueReport{Total: a.total[x].stat(), Components: map[string]Stat{}}
			for c, comp := range sc.Components {
				vr.Components[comp.ID] = a.value[x][c].stat()
			}
			pr.Value[act.ID] = vr
		}
	}
	if opt.Stage != nil {
		for _, name := range report.ProfileOrder {
			if report.Profiles[name].Solve != "" {
				// addEquilibriumSets searches the set: seconds to minutes
				// on a large game, after the last draw.
				opt.Stage("equilibrium set at central values")
				break
			}
		}
	}
	if err := sc.addEquilibriumSets(ctx, report, opt); err != nil {
		return nil, err
	}
	for h, hyp := range sc.Hypotheses {
		hr := HypothesisReport{ID: hyp.ID, Claim: hyp.Claim, Expr: hyp.Expr, Quantities: map[string]Number{}}
		if r.evaluated[h] == 0 {
			return nil, fmt.Errorf("hypothesis %s: none of the first %d draws it is evaluated on (its draws:) could be analysed", hyp.ID, hyp.Draws)
		}
		hr.SetShare(r.holds[h], r.evaluated[h], hyp.Subsampled(opt.Draws))
		for _, q := range hyp.quant {
			for qi, q2 := range sc.quantities {
				if q2 == q {
					hr.Quantities[q.key] = r.quants[qi].stat().Mean
				}
			}
		}
		report.Hypotheses = append(report.Hypotheses, hr)
	}
	if r.keep > 1 {
		kq := make([][]float64, len(r.firstQuants))
		for q := range r.firstQuants {
			kq[q] = r.firstQuants[q][:min(r.keptOK, len(r.firstQuants[q]))]
		}
		report.RankCorrelations = sc.rankCorrelations(r.pvals, kq, r.hvals)
	}
	if r.keep == opt.Draws && r.ok == opt.Draws && r.keptOK == opt.Draws {
		report.Verdicts = make([][]bool, len(r.hvals))
		for h, vs := range r.hvals {
			report.Verdicts[h] = make([]bool, len(vs))
			for i, v := range vs {
				report.Verdicts[h][i] = v == 1
			}
		}
	}
	return report, nil
}

// FailedDraws counts the draws Analyze left out, with the first few
// errors.
type FailedDraws struct {
	Count    int          `json:"count"`
	Examples []FailedDraw `json:"examples"`
}

// FailedDraw is one draw that could not be analysed.
type FailedDraw struct {
	Draw  int    `json:"draw"`
	Error string `json:"error"`
}

// maxFailedExamples is how many failed draws a report names.
const maxFailedExamples = 10

func (f *FailedDraws) add(draw int, err error) *FailedDraws {
	if f == nil {
		f = &FailedDraws{}
	}
	f.Count++
	if len(f.Examples) < maxFailedExamples {
		f.Examples = append(f.Examples, FailedDraw{Draw: draw, Error: err.Error()})
	}
	return f
}

// maxChunk is how many draws are analysed before their results are folded
// in draw order (fewer when their reach curves are large).
const maxChunk = 64

// analyzeBudget checks the memory Analyze will hold for profiles profiles
// over draws draws against the budget in ctx, and returns how many draws
// may be in flight at once.
func analyzeBudget(ctx context.Context, sc *Scenario, profiles, draws, workers int) (int, error) {
	nS, nA, nC, H := int64(len(sc.States)), int64(len(sc.Actors)), int64(len(sc.Components)), int64(sc.Horizon)
	curves := budget.Mul(int64(profiles), nS, H+1, 8) // one draw's reach curves, or their sums
	lim := budget.Limit(ctx)
	chunk := int64(maxChunk)
	if curves > 0 {
		chunk = max(1, min(chunk, lim/2/curves))
	}
	what := fmt.Sprintf("reach curves of %d states over %d steps for %d profile(s)", nS, H+1, profiles)
	if err := budget.Check(ctx, what, budget.Mul(curves, chunk+int64(workers)+1), "use a shorter horizon or fewer states, or truce simulate"); err != nil {
		return 0, err
	}
	perDraw := budget.Mul(int64(profiles), budget.Add(budget.Mul(3, nS), budget.Mul(nA, nC+1), 2), 8)
	perDraw = budget.Add(perDraw, budget.Mul(int64(len(sc.quantities)), 8))
	kept := (draws + quantileStride(draws) - 1) / quantileStride(draws)
	if err := budget.Check(ctx, fmt.Sprintf("figures of %d draws kept for their quantiles", kept), budget.Mul(perDraw, int64(kept)), "use fewer --draws"); err != nil {
		return 0, err
	}
	return int(chunk), nil
}

// reachReported says whether profile plan n reports the reach curve of
// state s: every terminal state and the non-terminal ones read or asked for.
func reachReported(sc *Scenario, n *needs, s int) bool {
	return sc.States[s].Terminal || n.allStates || n.states[s]
}

// maxBandShare is the share of the memory budget the reach bands may hold.
const maxBandShare = 4

// reachBandBudget returns how many of the first draws keep their reach
// curves for the 5–95% bands: every draw when a quarter of the memory
// budget holds them, else as many as it holds, and 0 (no band) for a
// scenario without distributions or when fewer than two fit. It depends
// on the scenario, the options and the budget only, so a sharded run's
// merge keeps the same draws as one process.
func reachBandBudget(ctx context.Context, sc *Scenario, needed []int, plan map[int]*needs, draws int) (int, error) {
	if !sc.Random() || draws < 2 {
		return 0, nil
	}
	curves := int64(0)
	for _, pi := range needed {
		for s := range sc.States {
			if reachReported(sc, plan[pi], s) {
				curves++
			}
		}
	}
	perDraw := budget.Mul(curves, int64(sc.Horizon)+1, 8)
	if perDraw == 0 {
		return 0, nil
	}
	n := min(int64(draws), budget.Limit(ctx)/maxBandShare/perDraw)
	if n < 2 {
		return 0, nil
	}
	// The per-step sort in reachBand needs one more column of n values.
	what := fmt.Sprintf("reach curves of the first %d draws (%d curves over %d steps) for their 5–95%% bands", n, curves, sc.Horizon+1)
	if err := budget.Check(ctx, what, budget.Add(budget.Mul(perDraw, n), budget.Mul(n, 8)), "use fewer --draws or a shorter horizon"); err != nil {
		return 0, err
	}
	return int(n), nil
}

// reachBand returns the 5% and 95% quantiles over the kept draws of state
// s's reach curve at every step 0..H (the quantile rule of summarize).
func (a *analysisAcc) reachBand(s, H int) (lo, hi []Number, ok bool) {
	if a.band == nil || a.bandN < 2 || len(a.band[s]) != a.bandN*(H+1) {
		return nil, nil, false
	}
	lo, hi = make([]Number, H+1), make([]Number, H+1)
	col := make([]float64, 0, a.bandN)
	for t := 0; t <= H; t++ {
		col = col[:0]
		for d := 0; d < a.bandN; d++ {
			if v := a.band[s][d*(H+1)+t]; !math.IsNaN(v) && !math.IsInf(v, 0) {
				col = append(col, v)
			}
		}
		if len(col) == 0 {
			lo[t], hi[t] = Number(math.NaN()), Number(math.NaN())
			continue
		}
		sort.Float64s(col)
		lo[t], hi[t] = Number(quantile(col, 0.05)), Number(quantile(col, 0.95))
	}
	return lo, hi, true
}

func (sc *Scenario) profileByName(name string) int {
	for i, p := range sc.Profiles {
		if p.Name == name {
			return i
		}
	}
	return -1
}

// profilesRead returns the set of profiles the hypotheses' quantities
// read. A function of no profile (commit_value, whose quantity has
// profile -1) reads none.
func (sc *Scenario) profilesRead() map[int]bool {
	read := map[int]bool{}
	for _, q := range sc.quantities {
		if q.profile >= 0 {
			read[q.profile] = true
		}
	}
	return read
}

func (sc *Scenario) selectProfiles(names []string) (*AnalysisReport, error) {
	r := &AnalysisReport{Scenario: sc.Name, Title: sc.Title, Period: sc.Period, Horizon: sc.Horizon, Clock: sc.Clock, ClockNote: sc.ClockNote,
		Profiles: map[string]*ProfileReport{}, Hypotheses: []HypothesisReport{}, NotEvaluated: sc.NotEvaluatedReport("")}
	var all []string
	for _, p := range sc.Profiles {
		all = append(all, p.Name)
	}
	if len(names) == 0 {
		used := sc.profilesRead()
		for i, p := range sc.Profiles {
			if p.Solve != "" && !used[i] {
				r.Skipped = append(r.Skipped, p.Name)
				continue
			}
			names = append(names, p.Name)
		}
	}
	for _, name := range names {
		pi := sc.profileByName(name)
		if pi < 0 {
			hint := suggest(name, all)
			if hint != "" {
				hint = " (hint: " + hint + ")"
			}
			return nil, fmt.Errorf("unknown profile %q%s", name, hint)
		}
		if _, dup := r.Profiles[name]; dup {
			continue
		}
		r.ProfileOrder = append(r.ProfileOrder, name)
		r.Profiles[name] = &ProfileReport{Solve: sc.Profiles[pi].Solve, Absorb: map[string]Stat{},
			Reach: map[string][]Number{}, Time: map[string]Stat{}, Value: map[string]ValueReport{},
			Endings: map[string]Ending{}, Unresolved: Unresolved{Where: map[string]Stat{}}}
	}
	for _, st := range sc.States {
		r.StateOrder = append(r.StateOrder, st.ID)
		if st.Terminal {
			r.TerminalStates = append(r.TerminalStates, st.ID)
		}
	}
	for _, a := range sc.Actors {
		r.ActorOrder = append(r.ActorOrder, a.ID)
		if a.Undiscounted {
			r.Undiscounted = append(r.Undiscounted, a.ID)
		}
	}
	for _, c := range sc.Components {
		r.ComponentOrder = append(r.ComponentOrder, c.ID)
	}
	return r, nil
}

// ProfileFor returns the strategy profile name stands for on game g of one
// draw: the given strategies, or a computed Markov-perfect equilibrium.
func (sc *Scenario) ProfileFor(ctx context.Context, g *markov.Game, profs map[string]markov.Profile, name string, mpe equilibrium.Options) (markov.Profile, error) {
	pi := sc.profileByName(name)
	if pi < 0 {
		return nil, fmt.Errorf("unknown profile %q", name)
	}
	pd := sc.Profiles[pi]
	if pd.Solve == "" {
		return profs[name], nil
	}
	res, err := equilibrium.Solve(ctx, g, mpe)
	return equilibriumProfile(g, name, res, err)
}

// equilibriumProfile is the profile of equilibrium profile name from the
// selection's result res (or its error err).
func equilibriumProfile(g *markov.Game, name string, res *equilibrium.Result, err error) (markov.Profile, error) {
	if err != nil {
		return nil, fmt.Errorf("profile %q: %w", name, err)
	}
	if !res.Converged {
		return nil, fmt.Errorf("profile %q: no Markov-perfect equilibrium found (%s stopped with deviation gain %.3g: %s)", name, res.Method, res.MaxDeviationGain, res.Reason)
	}
	return res.Profile(g), nil
}

// analyzeDraw analyses draw i and evaluates the hypotheses evaluated on
// it; qlim (quantDraws) says which quantities it needs. A quantity not
// needed is NaN and a hypothesis not evaluated is false: fold leaves both
// out.
func (sc *Scenario) analyzeDraw(ctx context.Context, i int, opt AnalyzeOptions, needed []int, plan map[int]*needs, qlim []int, chains *probeChains) drawResult {
	d := sc.DrawAt(opt.Seed, i)
	g, profs, err := sc.Build(d)
	if err != nil {
		return drawResult{err: fmt.Errorf("draw %d: %w", i, err)}
	}
	r := drawResult{params: d.Values}
	ev := &drawEval{ctx: ctx, sc: sc, g: g, profs: profs, opt: &opt, an: make(map[int]*markov.Analysis, len(needed)), needs: plan, chains: chains}
	if chains != nil {
		ev.graphs = chains.graphs
	}
	for _, pi := range needed {
		a, err := ev.analysis(pi)
		if err != nil {
			return drawResult{err: fmt.Errorf("draw %d: %w", i, err)}
		}
		r.prof = append(r.prof, &figures{absorb: a.Absorb, time: a.Time, atHorizon: a.AtHorizon, never: a.NeverEnds, reach: a.Reach, value: a.Value, total: a.Total, an: a})
	}
	env, err := sc.env(d)
	if err != nil {
		return drawResult{err: fmt.Errorf("draw %d: %w", i, sc.posErr(err))}
	}
	r.quant = make([]float64, len(sc.quantities))
	for qi, q := range sc.quantities {
		if qlim[qi] > 0 && i >= qlim[qi] {
			r.quant[qi] = math.NaN()
			continue
		}
		v, err := q.fn.read(q, ev)
		if err != nil {
			return drawResult{err: fmt.Errorf("draw %d: %s: %w", i, q.key, err)}
		}
		r.quant[qi] = v
		env[q.ident] = q.envValue(v)
	}
	r.holds = make([]bool, len(sc.Hypotheses))
	for h, hyp := range sc.Hypotheses {
		if !hyp.EvaluatedOn(i) {
			continue
		}
		out, err := expr.Run(hyp.prog.prog, env)
		if err != nil {
			return drawResult{err: fmt.Errorf("draw %d: hypothesis %s: %w", i, hyp.ID, err)}
		}
		b, _ := out.(bool)
		r.holds[h] = b
	}
	return r
}

// ExactQuantileDraws is the most draws whose figures Analyze keeps for the
// 5% and 95% quantiles. Up to it the quantiles are exact (over every
// draw); beyond it Analyze keeps every k-th draw (k = ⌈draws /
// ExactQuantileDraws⌉, so between half and all of ExactQuantileDraws
// draws), a sample of independent draws like the whole, and its quantiles
// estimate the whole's: with n >= 50,000 draws kept, the rank of the
// sample's 5% (or 95%) quantile has standard deviation sqrt(p(1-p)/n) <=
// 0.1%, so it lies between the true 4.75% and 5.25% quantiles with
// probability 99%. Means are always over every draw. Memory then stays
// bounded however many draws are asked for, and nothing depends on
// --workers (the draws are folded in order).
const ExactQuantileDraws = 100_000

// quantileStride is k above for draws draws.
func quantileStride(draws int) int {
	return max(1, (draws+ExactQuantileDraws-1)/ExactQuantileDraws)
}

// series accumulates one figure over draws in draw order: the sum and
// count of its finite values (the mean of every draw) and every stride-th
// draw's value (the quantiles).
type series struct {
	sum    float64
	n      int
	stride int
	kept   []float64
}

func (s *series) add(draw int, x float64) {
	if !math.IsNaN(x) && !math.IsInf(x, 0) {
		s.sum += x
		s.n++
	}
	if draw%s.stride == 0 {
		s.kept = append(s.kept, x)
	}
}

// stat is the mean over every draw and the quantiles of the kept ones
// (exact when every draw was kept).
func (s *series) stat() Stat {
	st := summarize(s.kept)
	if s.n == 0 {
		nan := Number(math.NaN())
		return Stat{nan, nan, nan}
	}
	st.Mean = Number(s.sum / float64(s.n))
	return st
}

// summarize returns mean and 5%/95% quantiles of the finite values in xs
// (all NaN when none is finite).
func summarize(xs []float64) Stat {
	v := make([]float64, 0, len(xs))
	sum := 0.0
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			v = append(v, x)
			sum += x
		}
	}
	if len(v) == 0 {
		nan := Number(math.NaN())
		return Stat{nan, nan, nan}
	}
	mean := sum / float64(len(v))
	sort.Float64s(v)
	return Stat{Number(mean), Number(quantile(v, 0.05)), Number(quantile(v, 0.95))}
}

// quantile of sorted v at p by linear interpolation (R type 7).
func quantile(v []float64, p float64) float64 {
	h := float64(len(v)-1) * p
	lo := int(math.Floor(h))
	if lo >= len(v)-1 {
		return v[len(v)-1]
	}
	return v[lo] + (h-float64(lo))*(v[lo+1]-v[lo])
}

// JSON returns the report as indented JSON with a final newline.
func (r *AnalysisReport) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
