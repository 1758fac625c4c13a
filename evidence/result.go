package evidence

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/truce-dev/truce/scenario"
)

// Number is a float64 that encodes NaN and ±Inf as JSON null (a record
// impossible under a profile has log-likelihood -Inf), as in analyze.
type Number = scenario.Number

// Result is what Update found; its JSON form is documented in
// docs/evidence.md.
type Result struct {
	Scenario string     `json:"scenario"`
	Period   string     `json:"period"`
	Record   RecordInfo `json:"record"`
	Draws    int        `json:"draws"`
	Seed     uint64     `json:"seed"`
	// Profiles are the candidates for what was played, equally likely a
	// priori.
	Profiles []string `json:"profiles"`
	// LogLikelihood is the natural log of the record's probability under
	// each profile at the central parameter values (null: impossible).
	LogLikelihood map[string]Number `json:"log_likelihood"`
	// LogEvidence is the log of the record's probability under each
	// profile averaged over the prior of the parameters (the marginal
	// likelihood); differences are log Bayes factors.
	LogEvidence map[string]Number `json:"log_evidence"`
	// LogEvidenceAll averages over the profiles too.
	LogEvidenceAll Number `json:"log_evidence_all"`
	// ProfilePosterior is each candidate's posterior probability.
	ProfilePosterior map[string]float64 `json:"profile_posterior"`
	// ESS is the effective sample size of the importance weights over the
	// prior draws.
	ESS         float64  `json:"ess"`
	Rejuvenated bool     `json:"rejuvenated"`
	SMC         *SMCInfo `json:"smc,omitempty"`

	Hypotheses []HypothesisUpdate `json:"hypotheses"`
	// NotEvaluated, set by the command line, lists the hypotheses left
	// out (--hypothesis-draws none) and the command that evaluates them.
	NotEvaluated *scenario.NotEvaluated `json:"hypotheses_not_evaluated,omitempty"`
	Parameters   []ParameterUpdate      `json:"parameters"`
	Now          NowInfo                `json:"now"`
	Predictive   Predictive             `json:"predictive"`
	Checks       *Checks                `json:"checks,omitempty"`
	Warnings     []string               `json:"warnings"`

	states []string
	events []string
}

// RecordInfo describes the record the update used.
type RecordInfo struct {
	File      string `json:"file"`
	Rows      int    `json:"rows"`
	Observed  int    `json:"observed_steps"`
	LastStep  int    `json:"last_step"`
	LastDate  string `json:"last_date,omitempty"`
	StartDate string `json:"start_date,omitempty"`
}

// SMCInfo says how the particles were rejuvenated.
type SMCInfo struct {
	Stages           int       `json:"stages"`
	Temperatures     []float64 `json:"temperatures"`
	Acceptance       []float64 `json:"acceptance"`
	Moves            int       `json:"moves"`
	Distinct         int       `json:"distinct_particles"`
	InvalidProposals int       `json:"invalid_proposals"`
}

// HypothesisUpdate is a hypothesis's share of prior draws and of the
// posterior.
type HypothesisUpdate struct {
	ID               string  `json:"id"`
	Claim            string  `json:"claim"`
	Expr             string  `json:"expr"`
	PriorShare       float64 `json:"prior_share"`
	PosteriorShare   float64 `json:"posterior_share"`
	PriorVerdict     string  `json:"prior_verdict"`
	PosteriorVerdict string  `json:"posterior_verdict"`
	// Subsample, set only for a hypothesis with `draws: N` below the
	// run's draws, says which draws and particles the shares are over.
	Subsample  *SubsampleUpdate          `json:"subsample,omitempty"`
	Quantities map[string]PriorPosterior `json:"quantities"`
}

// SubsampleUpdate describes the shares of a hypothesis evaluated on a
// subsample (`draws: N`). The prior share is over the first N prior draws
// (analyze's subsample); the posterior share is over the first N prior
// draws with their importance weights renormalised over them, or, after
// rejuvenation (whose systematic resampling orders the particles by
// ancestor, so that a prefix would descend from few ancestors), over N
// particles evenly spaced in the population (positions ⌊k·M/N⌋). Each
// share has a 95% interval (Jeffreys; for the posterior with the
// subsample's effective sample size, an approximation that is narrower
// than it should be when particles share ancestors), and each verdict is
// the category of its whole interval, or "unsettled".
type SubsampleUpdate struct {
	Draws             int       `json:"draws"`               // prior draws evaluated
	Particles         int       `json:"posterior_particles"` // posterior particles evaluated
	ESS               Number    `json:"posterior_ess"`       // their effective sample size
	PriorInterval     [2]Number `json:"prior_interval"`
	PosteriorInterval [2]Number `json:"posterior_interval"`
	PriorBetween      []string  `json:"prior_verdict_between,omitempty"`
	PosteriorBetween  []string  `json:"posterior_verdict_between,omitempty"`
}

// spreadOver reports whether position i of m is one of the n positions
// ⌊k·m/n⌋, k = 0..n-1, spread evenly over m (n < m).
func spreadOver(i, n, m int) bool {
	k := (i*n + m - 1) / m // the smallest k with k·m/n >= i
	return k < n && k*m/n == i
}

// PriorPosterior is a figure's mean over the prior draws and over the
// posterior.
type PriorPosterior struct {
	Prior     Number `json:"prior"`
	Posterior Number `json:"posterior"`
}

// Summary describes a parameter's distribution over draws.
type Summary struct {
	Mean   Number `json:"mean"`
	SD     Number `json:"sd"`
	Lo     Number `json:"lo"`
	Median Number `json:"median"`
	Hi     Number `json:"hi"`
}

// ParameterUpdate is a parameter's prior and posterior summaries.
type ParameterUpdate struct {
	Name      string  `json:"name"`
	Prior     Summary `json:"prior"`
	Posterior Summary `json:"posterior"`
}

// NowInfo is the filtered distribution over states: where the process is
// at step Step given the record.
type NowInfo struct {
	Step   int                `json:"step"`
	Date   string             `json:"date,omitempty"`
	States map[string]float64 `json:"states"`
}

// Predictive is what the posterior predicts for the Ahead steps after Now.
type Predictive struct {
	Ahead  int    `json:"ahead"`
	ToStep int    `json:"to_step"`
	ToDate string `json:"to_date,omitempty"`
	// Reach[s] is the probability that the process is in state s at some
	// step from Now+1 to Now+Ahead (for a terminal state: has ended there
	// by Now+Ahead, including before Now).
	Reach map[string]float64 `json:"reach"`
	// At[s] is the probability of being in s at step Now+Ahead.
	At map[string]float64 `json:"at"`
	// Events[e] is the probability that event class e is seen at least
	// once from Now+1 to Now+Ahead.
	Events map[string]float64 `json:"events,omitempty"`
}

// Checks are predictive checks of the model against the record: the share
// of records simulated from the model (same steps observed) whose
// log-likelihood is at most the observed one's (ties count half). A small
// share means the record is surprising to the model.
type Checks struct {
	Sims      int    `json:"sims"`
	Prior     Number `json:"prior_p"`
	Posterior Number `json:"posterior_p"`
}

func newResult(sc *scenario.Scenario, d *Data, u *updater, names []string) *Result {
	r := &Result{Scenario: sc.Name, Period: sc.Period, Draws: u.opt.Draws, Seed: u.opt.Seed, Profiles: names,
		LogLikelihood: map[string]Number{}, LogEvidence: map[string]Number{}, ProfilePosterior: map[string]float64{},
		Hypotheses: []HypothesisUpdate{}, Parameters: []ParameterUpdate{}, Warnings: []string{},
		Record: RecordInfo{File: d.File, Rows: d.Rows, Observed: d.Observed, LastStep: d.Last}}
	if d.Calendar != nil {
		r.Record.StartDate = d.Date(0)
		if d.Last >= 0 {
			r.Record.LastDate = d.Date(d.Last)
		}
	}
	for _, st := range sc.States {
		r.states = append(r.states, st.ID)
	}
	r.events = sc.Events
	return r
}

// summarize fills the posterior figures from the final particles.
func (u *updater) summarize(ctx context.Context, res *Result, prior, final []*particle, fw []float64, logZ float64) error {
	sc := u.sc
	nProf := len(u.m.profiles)
	// Profile posterior: per particle, P(profile | θ, record).
	post := make([]float64, nProf)
	for i, p := range final {
		r := normalize(p.ll)
		if r == nil {
			continue
		}
		for k := range post {
			post[k] += fw[i] * r[k]
		}
	}
	for k, n := range u.m.profiles {
		res.ProfilePosterior[n] = clamp01(post[k])
		res.LogEvidence[n] = Number(logZ + math.Log(post[k]) - u.logPi)
	}
	// Parameters.
	pw := make([]float64, len(prior))
	for i := range pw {
		pw[i] = 1 / float64(len(prior))
	}
	for j, prm := range sc.Parameters {
		pv := make([]float64, len(prior))
		for i, p := range prior {
			pv[i] = p.vals[j]
		}
		fv := make([]float64, len(final))
		for i, p := range final {
			fv[i] = p.vals[j]
		}
		res.Parameters = append(res.Parameters, ParameterUpdate{Name: prm.Name, Prior: summary(pv, pw), Posterior: summary(fv, fw)})
	}
	// Hypotheses, on the prior draws and on the posterior particles.
	if err := u.hypotheses(ctx, res, prior, pw, final, fw); err != nil {
		return err
	}
	// Where are we now, and what comes next.
	if err := u.nowAndNext(ctx, res, final, fw); err != nil {
		return err
	}
	if u.opt.Checks > 0 {
		ch, err := u.checks(ctx, prior, pw, final, fw)
		if err != nil {
			return err
		}
		res.Checks = ch
		if float64(ch.Posterior) < warnShare(sc) {
			res.Warnings = append(res.Warnings, fmt.Sprintf("only %.1f%% of records simulated from the posterior are as improbable as this one: the model does not reproduce the record (prior-data conflict or a wrong observation model); do not read the posterior as evidence", 100*float64(ch.Posterior)))
		} else if float64(ch.Prior) < warnShare(sc) {
			res.Warnings = append(res.Warnings, fmt.Sprintf("only %.1f%% of records simulated from the prior are as improbable as this one: the record conflicts with the assumptions; the posterior leans on the record more than on them", 100*float64(ch.Prior)))
		}
	}
	return nil
}

func warnShare(sc *scenario.Scenario) float64 {
	if sc.History != nil {
		return sc.History.WarnBelow
	}
	return scenario.DefaultWarnBelow
}

// summary is the weighted mean, sd, 5%, 50% and 95% quantiles of xs.
func summary(xs, w []float64) Summary {
	if constant(xs) {
		// A fixed parameter: its weighted mean rounds to a hair off the
		// value and its sd to a hair above 0, which the text output
		// would rank as "most moved" (relative to that sd).
		x := Number(xs[0])
		return Summary{Mean: x, Lo: x, Median: x, Hi: x}
	}
	m := 0.0
	for i, x := range xs {
		m += w[i] * x
	}
	v := 0.0
	for i, x := range xs {
		v += w[i] * (x - m) * (x - m)
	}
	return Summary{Mean: Number(m), SD: Number(math.Sqrt(v)), Lo: Number(weightedQuantile(xs, w, 0.05)),
		Median: Number(weightedQuantile(xs, w, 0.5)), Hi: Number(weightedQuantile(xs, w, 0.95))}
}

// constant reports whether xs holds one value (at least once).
func constant(xs []float64) bool {
	for _, x := range xs {
		if x != xs[0] {
			return false
		}
	}
	return len(xs) > 0
}

// hypotheses evaluates every hypothesis on the prior draws and on the
// final particles (the same when nothing was rejuvenated).
func (u *updater) hypotheses(ctx context.Context, res *Result, prior []*particle, pw []float64, final []*particle, fw []float64) error {
	sc := u.sc
	if len(sc.Hypotheses) == 0 {
		return nil
	}
	probe, err := sc.NewProbe(scenario.ProbeOptions{MPE: u.opt.MPE})
	if err != nil {
		return err
	}
	nq, nh := len(probe.Outputs()), len(sc.Hypotheses)
	eval := func(phase string, parts []*particle) ([][]float64, [][]bool, error) {
		outs := make([][]float64, len(parts))
		holds := make([][]bool, len(parts))
		err := u.parallel(ctx, phase, len(parts), func(i int) error {
			outs[i], holds[i] = make([]float64, nq), make([]bool, nh)
			return probe.EvalOnly(ctx, parts[i].vals, fmt.Sprintf("particle %d", i), outs[i], holds[i],
				func(h int) bool {
					return posteriorEvaluates(sc.Hypotheses[h].Draws, i, len(parts), phase != priorPhase)
				})
		})
		return outs, holds, err
	}
	var po [][]float64
	var ph [][]bool
	if u.priorHyp != nil {
		// computed with the likelihoods (a sharded run: UpdateDraws)
		po, ph, err = u.priorHyp.outs, u.priorHyp.holds, u.priorHyp.err
	} else {
		po, ph, err = eval(priorPhase, prior)
	}
	if err != nil {
		return err
	}
	fo, fh := po, ph
	if !samePointers(prior, final) {
		if fo, fh, err = eval("hypotheses on posterior particles", final); err != nil {
			return err
		}
	}
	keys := probe.Outputs()
	for h, hyp := range sc.Hypotheses {
		hu := HypothesisUpdate{ID: hyp.ID, Claim: hyp.Claim, Expr: hyp.Expr, Quantities: map[string]PriorPosterior{}}
		// The prior draws weigh alike: count them, so the share is
		// exactly analyze's holds_share.
		// A hypothesis with draws: N is evaluated on a subsample
		// (SubsampleUpdate): its prior share is over the first N draws,
		// its posterior share over the particles it was evaluated on,
		// their weights renormalised.
		rejuvenated := !samePointers(prior, final)
		held, n := 0, 0
		for i := range prior {
			if hyp.EvaluatedOn(i) {
				n++
				if ph[i][h] {
					held++
				}
			}
		}
		hu.PriorShare = float64(held) / float64(n)
		var wsum, wsq, whold float64
		parts := 0
		for i := range final {
			if !posteriorEvaluates(hyp.Draws, i, len(final), rejuvenated) {
				continue
			}
			parts++
			wsum += fw[i]
			wsq += fw[i] * fw[i]
			if fh[i][h] {
				whold += fw[i]
			}
		}
		if wsum > 0 {
			hu.PosteriorShare = whold / wsum
		}
		hu.PriorVerdict, hu.PosteriorVerdict = scenario.Verdict(hu.PriorShare), scenario.Verdict(hu.PosteriorShare)
		if hyp.Subsampled(len(prior)) {
			ss := &SubsampleUpdate{Draws: n, Particles: parts}
			if wsum > 0 {
				ss.ESS = Number(wsum * wsum / wsq)
			}
			lo, hi := scenario.ShareInterval(held, n)
			ss.PriorInterval = [2]Number{Number(lo), Number(hi)}
			hu.PriorVerdict, ss.PriorBetween = scenario.SubsampleVerdict(lo, hi)
			lo, hi = scenario.WeightedShareInterval(hu.PosteriorShare, float64(ss.ESS))
			ss.PosteriorInterval = [2]Number{Number(lo), Number(hi)}
			hu.PosteriorVerdict, ss.PosteriorBetween = scenario.SubsampleVerdict(lo, hi)
			hu.Subsample = ss
		}
		for _, q := range hyp.Quantities() {
			k := indexOf(keys, q)
			if k < 0 {
				continue
			}
			hu.Quantities[q] = PriorPosterior{Prior: Number(wmean(po, pw, k)), Posterior: Number(wmean(fo, fw, k))}
		}
		res.Hypotheses = append(res.Hypotheses, hu)
	}
	return nil
}

const priorPhase = "hypotheses on prior draws"

// posteriorEvaluates reports whether a hypothesis with `draws: n` is
// evaluated on particle i of m: every particle when n is 0 or at least m;
// else the first n (prior draws, and the posterior when it is those draws
// reweighted), or n particles spread evenly over a rejuvenated population
// (SubsampleUpdate says why).
func posteriorEvaluates(n, i, m int, rejuvenated bool) bool {
	switch {
	case n == 0 || n >= m:
		return true
	case rejuvenated:
		return spreadOver(i, n, m)
	}
	return i < n
}

func samePointers(a, b []*particle) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func indexOf(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

// wmean is the weighted mean of column k over the finite values.
func wmean(rows [][]float64, w []float64, k int) float64 {
	s, ws := 0.0, 0.0
	for i, r := range rows {
		if v := r[k]; !math.IsNaN(v) && !math.IsInf(v, 0) {
			s += w[i] * v
			ws += w[i]
		}
	}
	if ws == 0 {
		return math.NaN()
	}
	return s / ws
}

// nowAndNext mixes, over the particles and the profiles' posterior
// probabilities, the filtered distribution at Now and the predictions.
func (u *updater) nowAndNext(ctx context.Context, res *Result, final []*particle, fw []float64) error {
	sc := u.sc
	nS, nE := len(sc.States), len(sc.Events)
	K := u.opt.Ahead
	type part struct {
		now, at, reach, ev []float64
	}
	parts := make([]part, len(final))
	err := u.parallel(ctx, "where are we now", len(final), func(i int) error {
		p := final[i]
		r := normalize(p.ll)
		if r == nil || fw[i] == 0 {
			return nil
		}
		dm, err := u.m.build(ctx, p.vals, fmt.Sprintf("particle %d", i))
		if err != nil {
			return err
		}
		pp := part{now: make([]float64, nS), at: make([]float64, nS), reach: make([]float64, nS), ev: make([]float64, nE)}
		for k, h := range dm.hmms {
			if r[k] < 1e-15 {
				continue
			}
			f := h.forward(u.data, u.now, true)
			if f.Now == nil {
				continue
			}
			for s, q := range h.byState(f.Now, nS) {
				pp.now[s] += r[k] * q
			}
			for s, q := range h.byState(h.advance(f.Next, K-1), nS) {
				pp.at[s] += r[k] * q
			}
			for s := 0; s < nS; s++ {
				pp.reach[s] += r[k] * h.reachWithin(f.Next, s, K)
			}
			if sc.Observed() {
				for e := 0; e < nE; e++ {
					pp.ev[e] += r[k] * h.eventWithin(f.Next, e, K)
				}
			}
		}
		parts[i] = pp
		return nil
	})
	if err != nil {
		return err
	}
	now, at, reach, ev := make([]float64, nS), make([]float64, nS), make([]float64, nS), make([]float64, nE)
	for i, pp := range parts {
		if pp.now == nil {
			continue
		}
		for s := 0; s < nS; s++ {
			now[s] += fw[i] * pp.now[s]
			at[s] += fw[i] * pp.at[s]
			reach[s] += fw[i] * pp.reach[s]
		}
		for e := 0; e < nE; e++ {
			ev[e] += fw[i] * pp.ev[e]
		}
	}
	res.Now = NowInfo{Step: u.now, States: map[string]float64{}}
	res.Predictive = Predictive{Ahead: K, ToStep: u.now + K, Reach: map[string]float64{}, At: map[string]float64{}}
	if u.data.Calendar != nil {
		res.Now.Date = u.data.Date(u.now)
		res.Predictive.ToDate = u.data.Date(u.now + K)
	}
	for s, st := range sc.States {
		res.Now.States[st.ID] = clamp01(now[s])
		res.Predictive.At[st.ID] = clamp01(at[s])
		res.Predictive.Reach[st.ID] = clamp01(reach[s])
	}
	if sc.Observed() {
		res.Predictive.Events = map[string]float64{}
		for e, name := range sc.Events {
			res.Predictive.Events[name] = clamp01(ev[e])
		}
	}
	return nil
}

// JSON returns the result as indented JSON with a final newline.
func (r *Result) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// clamp01 keeps a probability summed in floating point within [0, 1].
func clamp01(p float64) float64 { return math.Min(1, math.Max(0, p)) }

// subsampleLine says what a subsampled hypothesis's shares are over, e.g.
// "on the first 50 of 1000 prior draws (95% interval 81.2%–97.9%); posterior
// over them reweighted (effective 12.3 draws; 95% interval 40.1%–99.0%, not
// settled: uncertain or supported)". Empty for a hypothesis evaluated on
// every draw.
func (h *HypothesisUpdate) subsampleLine(draws int, rejuvenated bool) string {
	ss := h.Subsample
	if ss == nil {
		return ""
	}
	iv := func(x [2]Number, verdict string, between []string) string {
		s := fmt.Sprintf("%.0f%% interval %.1f%%–%.1f%%", 100*scenario.ShareLevel, 100*float64(x[0]), 100*float64(x[1]))
		if verdict == scenario.Unsettled {
			s += ", not settled: " + strings.Join(between, " or ")
		}
		return s
	}
	post := "posterior over them reweighted"
	if rejuvenated {
		post = fmt.Sprintf("posterior over %d particles spread evenly over the %d", ss.Particles, draws)
	}
	return fmt.Sprintf("on the first %d of %d prior draws (%s); %s (effective %.1f draws; %s)", ss.Draws, draws,
		iv(ss.PriorInterval, h.PriorVerdict, ss.PriorBetween), post, float64(ss.ESS), iv(ss.PosteriorInterval, h.PosteriorVerdict, ss.PosteriorBetween))
}
