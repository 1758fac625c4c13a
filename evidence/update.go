package evidence

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/scenario"
)

// Options tunes Update.
type Options struct {
	// Profiles are the candidates for what was actually played, each with
	// equal prior probability; empty: every profile whose strategies are
	// given (equilibrium profiles are solved on every draw, so they are
	// candidates only when named).
	Profiles []string
	Draws    int    // prior draws (particles); 0: 1000
	Seed     uint64 // draw i is draw i of `truce analyze --seed Seed`
	Workers  int    // 0: GOMAXPROCS; results do not depend on it
	// Now is the step the filtered state and the predictions are for; -1
	// (or below the record's last step): the record's last step.
	Now int
	// Ahead is how many steps after Now the predictions look (0: 12).
	Ahead int
	// MinESS is the effective sample size, as a share of Draws, below
	// which the importance weights are judged collapsed and the particles
	// are rejuvenated (0: 0.1). Rejuvenate false keeps plain importance
	// sampling whatever the ESS.
	MinESS     float64
	Rejuvenate bool
	// Moves is the number of Metropolis moves per particle and SMC stage
	// (0: 5).
	Moves int
	// Checks is the number of records simulated for the predictive checks
	// (0: 200; negative: none).
	Checks int
	// Progress, when set, is called from one goroutine with the phase and
	// the work done so far.
	Progress func(phase string, done, total int)
	MPE      equilibrium.Options

	// logLik replaces the likelihood in tests (a deliberately broken one
	// shows that the calibration check catches it).
	logLik func(h *hmm, d *Data, now int) float64
	noSMC  bool
}

// DefaultAhead is how many steps ahead Update predicts by default.
const DefaultAhead = 12

// particle is one parameter vector with its log-likelihood per candidate
// profile, their mixture and its log prior density.
type particle struct {
	vals  []float64
	ll    []float64
	mix   float64
	prior float64
}

// updater carries one Update's state.
type updater struct {
	sc      *scenario.Scenario
	data    *Data
	opt     Options
	m       *modeler
	now     int
	workers int
	logPi   float64 // log prior probability of each profile
	prior   *scenario.Prior
	// priorErr says why the parameters have no joint density (SMC moves
	// need one).
	priorErr error
	// priorHyp, when set, are the hypotheses already evaluated on the
	// prior draws (UpdateMerge).
	priorHyp *hypEval
}

// hypEval is every hypothesis's quantities and verdict on each prior
// draw, and the first error in draw order.
type hypEval struct {
	outs  [][]float64
	holds [][]bool
	err   error
}

func (u *updater) progress(phase string, done, total int) {
	if u.opt.Progress != nil {
		u.opt.Progress(phase, done, total)
	}
}

// candidates resolves the profiles Options names (or the default list).
func candidates(sc *scenario.Scenario, names []string) ([]string, error) {
	var all []string
	for _, p := range sc.Profiles {
		all = append(all, p.Name)
	}
	if len(names) == 0 {
		for _, p := range sc.Profiles {
			if p.Solve == "" {
				names = append(names, p.Name)
			}
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("scenario %s has no profile with given strategies; name an equilibrium profile with --profile", sc.Name)
		}
		return names, nil
	}
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		found := false
		for _, a := range all {
			found = found || a == n
		}
		if !found {
			return nil, fmt.Errorf("unknown profile %q%s", n, hint(scenario.SuggestName(n, all)))
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, nil
}

// loglik is the log-likelihood of the data under one model.
func (u *updater) loglik(h *hmm) float64 {
	if u.opt.logLik != nil {
		return u.opt.logLik(h, u.data, u.now)
	}
	return h.forward(u.data, u.now, false).LogL
}

// evaluate fills p.ll and p.mix (and p.prior) for values.
func (u *updater) evaluate(ctx context.Context, p *particle, label string) error {
	dm, err := u.m.build(ctx, p.vals, label)
	if err != nil {
		return err
	}
	p.ll = make([]float64, len(dm.hmms))
	for i, h := range dm.hmms {
		p.ll[i] = u.loglik(h)
	}
	p.mix = logMeanExp(p.ll)
	p.prior = u.logPrior(p.vals)
	return nil
}

// logPrior is the log joint prior density of values (NaN when it has none).
func (u *updater) logPrior(vals []float64) float64 {
	if u.prior == nil {
		return math.NaN()
	}
	return u.prior.LogPDF(vals)
}

// parallel runs f(i) for i in [0, n) on the workers, reporting progress,
// and returns the first error in index order (every f(i) is independent,
// so results do not depend on scheduling).
func (u *updater) parallel(ctx context.Context, phase string, n int, f func(i int) error) error {
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for w := 0; w < min(u.workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := ctx.Err(); err != nil {
					errs[i] = err
					continue
				}
				errs[i] = f(i)
				mu.Lock()
				done++
				d := done
				mu.Unlock()
				// Every draw: a draw over a long record takes seconds, and
				// a bar that moves only every 64 draws looks stuck.
				if u.opt.Progress != nil {
					mu.Lock()
					u.progress(phase, d, n)
					mu.Unlock()
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// stream returns the random generator of particle i at SMC stage k for
// purpose tag: each has its own stream, so results do not depend on the
// number of workers.
func stream(seed uint64, tag, k, i int) *rand.Rand {
	return rand.New(rand.NewPCG(seed^0x6a09e667f3bcc909+uint64(tag)<<56+uint64(k)<<32, uint64(i)^0xbb67ae8584caa73b))
}

const (
	tagResample = iota + 1
	tagMove
	tagCheck
)

// Update confronts the scenario with the record d: the record's
// log-likelihood under every candidate profile at the central parameters,
// importance weights over opt.Draws prior draws, and, when their effective
// sample size collapses, a sequential Monte Carlo that tempers the
// likelihood in stages with Metropolis moves; then the posterior share of
// every hypothesis beside its prior share, parameter summaries, the
// filtered distribution over states at the last step and predictions.
func Update(ctx context.Context, sc *scenario.Scenario, d *Data, opt Options) (*Result, error) {
	post, err := updateParticles(ctx, sc, d, opt)
	if err != nil {
		return nil, err
	}
	if err := post.u.summarize(ctx, post.res, post.prior, post.parts, post.w, post.logZ); err != nil {
		return nil, err
	}
	return post.res, nil
}

// posterior is the particle approximation Update summarizes: the prior
// draws, the final particles with their weights, and the log evidence.
type posterior struct {
	u     *updater
	res   *Result
	prior []*particle
	parts []*particle
	w     []float64
	logZ  float64
}

// updateParticles computes the central log-likelihoods, the importance
// weights over the prior draws and, when they collapse, the SMC particles.
func updateParticles(ctx context.Context, sc *scenario.Scenario, d *Data, opt Options) (*posterior, error) {
	u, res, err := newUpdater(ctx, sc, d, opt)
	if err != nil {
		return nil, err
	}
	if err := u.central(ctx, res); err != nil {
		return nil, err
	}
	prior, err := u.priorDraws(ctx, 0, u.opt.Draws)
	if err != nil {
		return nil, err
	}
	return u.weigh(ctx, res, prior)
}

// withDefaults fills the zero fields of opt.
func withDefaults(sc *scenario.Scenario, opt Options) Options {
	if opt.Draws <= 0 {
		opt.Draws = 1000
	}
	if !sc.Random() {
		opt.Draws = 1
	}
	if opt.Ahead <= 0 {
		opt.Ahead = DefaultAhead
	}
	if opt.MinESS <= 0 {
		opt.MinESS = 0.1
	}
	if opt.Moves <= 0 {
		opt.Moves = 5
	}
	if opt.Checks == 0 {
		opt.Checks = 200
	}
	return opt
}

// newUpdater checks the options and the memory the particles need, and
// starts the result.
func newUpdater(ctx context.Context, sc *scenario.Scenario, d *Data, opt Options) (*updater, *Result, error) {
	opt = withDefaults(sc, opt)
	names, err := candidates(sc, opt.Profiles)
	if err != nil {
		return nil, nil, err
	}
	u := &updater{sc: sc, data: d, opt: opt, workers: opt.Workers,
		m:     &modeler{sc: sc, profiles: names, mpe: opt.MPE},
		logPi: -math.Log(float64(len(names)))}
	if u.workers <= 0 {
		u.workers = runtime.GOMAXPROCS(0)
	}
	u.prior, u.priorErr = sc.NewPrior()
	u.now = opt.Now
	if u.now < d.Last {
		u.now = d.Last
	}
	if u.now < 0 {
		u.now = 0
	}
	nP := len(sc.Parameters)
	if err := budget.Check(ctx, "update particles", budget.Mul(int64(opt.Draws), int64(8*(2*nP+2*len(names)+8))),
		"use fewer --draws"); err != nil {
		return nil, nil, err
	}
	return u, newResult(sc, d, u, names), nil
}

// central is the record's likelihood at the central parameters, per
// profile.
func (u *updater) central(ctx context.Context, res *Result) error {
	central := &particle{vals: u.sc.Central().Values}
	if err := u.evaluate(ctx, central, "the central draw"); err != nil {
		return err
	}
	for i, n := range u.m.profiles {
		res.LogLikelihood[n] = Number(central.ll[i])
	}
	return nil
}

// priorDraws evaluates prior draws [lo, hi): the importance-sampling
// stage, independent per draw.
func (u *updater) priorDraws(ctx context.Context, lo, hi int) ([]*particle, error) {
	prior := make([]*particle, hi-lo)
	err := u.parallel(ctx, "likelihood of prior draws", hi-lo, func(k int) error {
		i := lo + k
		p := &particle{vals: u.sc.DrawAt(u.opt.Seed, i).Values}
		prior[k] = p
		return u.evaluate(ctx, p, fmt.Sprintf("draw %d", i))
	})
	if err != nil {
		return nil, err
	}
	return prior, nil
}

// weigh turns the prior draws' likelihoods into importance weights and,
// when their effective sample size collapses, runs the tempered SMC: the
// stages that need every draw at once.
func (u *updater) weigh(ctx context.Context, res *Result, prior []*particle) (*posterior, error) {
	opt := u.opt
	logw := make([]float64, opt.Draws)
	for i, p := range prior {
		logw[i] = p.mix
	}
	w := normalize(logw)
	if w == nil {
		return nil, u.impossible(prior)
	}
	res.ESS = ess(w)
	logZ := logMeanExp(logw)

	final, fw := prior, w
	var err error
	if res.ESS < opt.MinESS*float64(opt.Draws) && opt.Draws > 1 {
		if opt.Rejuvenate {
			final, logZ, err = u.smc(ctx, prior, res)
			if err != nil {
				return nil, err
			}
			fw = make([]float64, len(final))
			for i := range fw {
				fw[i] = 1 / float64(len(final))
			}
		} else {
			res.Warnings = append(res.Warnings, fmt.Sprintf("the posterior rests on about %.0f of %d draws (ESS): its shares and summaries are unreliable; rejuvenate (the default) or use more --draws", res.ESS, opt.Draws))
		}
	}
	res.LogEvidenceAll = Number(logZ)
	return &posterior{u: u, res: res, prior: prior, parts: final, w: fw, logZ: logZ}, nil
}

// impossible explains a record that no draw can produce.
func (u *updater) impossible(prior []*particle) error {
	dm, err := u.m.build(context.Background(), prior[0].vals, "draw 0")
	if err != nil {
		return err
	}
	f := dm.hmms[0].forward(u.data, u.now, false)
	at := ""
	if f.Impossible >= 0 {
		at = fmt.Sprintf(" (under profile %q of draw 0 it becomes impossible at %s)", u.m.profiles[0], u.data.Date(f.Impossible))
	}
	return fmt.Errorf("the record has probability 0 under every draw and candidate profile%s: an event the observation model never emits there, or a state that cannot be reached by then", at)
}

// smc runs an adaptive tempered sequential Monte Carlo from the prior
// particles (whose log-likelihoods are known): in each stage the next
// temperature is chosen so the incremental weights keep an ESS of half the
// particles, then the particles are resampled and moved by Metropolis
// steps that leave prior × likelihood^temperature invariant. It returns
// equally weighted particles at temperature 1 and the log evidence.
func (u *updater) smc(ctx context.Context, prior []*particle, res *Result) ([]*particle, float64, error) {
	n := len(prior)
	parts := make([]*particle, n)
	copy(parts, prior)
	info := &SMCInfo{Moves: u.opt.Moves}
	res.SMC = info
	res.Rejuvenated = true
	if u.priorErr != nil {
		return nil, 0, fmt.Errorf("cannot rejuvenate the collapsed weights: %v; use --no-rejuvenate (and more --draws)", u.priorErr)
	}
	for _, p := range parts {
		if math.IsNaN(p.prior) {
			return nil, 0, fmt.Errorf("cannot rejuvenate: a parameter's distribution has no density; use --no-rejuvenate")
		}
	}
	beta, logZ := 0.0, 0.0
	cont, disc := u.movable()
	scale := 2.38 / math.Sqrt(float64(max(1, len(cont))))
	for stage := 1; beta < 1; stage++ {
		if stage > 1000 {
			return nil, 0, fmt.Errorf("update: tempering did not reach the posterior in 1000 stages")
		}
		if err := ctx.Err(); err != nil {
			return nil, 0, fmt.Errorf("update: %w", err)
		}
		delta := u.nextDelta(parts, beta)
		logw := make([]float64, n)
		for i, p := range parts {
			logw[i] = delta * p.mix
			if math.IsInf(p.mix, -1) {
				logw[i] = math.Inf(-1)
			}
		}
		logZ += logMeanExp(logw)
		w := normalize(logw)
		if w == nil {
			return nil, 0, u.impossible(parts)
		}
		beta = math.Min(1, beta+delta)
		if 1-beta < 1e-12 {
			beta = 1
		}
		parts = resample(parts, w, stream(u.opt.Seed, tagResample, stage, 0))
		sd := spread(parts, cont, u.sc)
		accepted := make([]int, n)
		invalid := make([]int, n)
		err := u.parallel(ctx, fmt.Sprintf("SMC stage %d (temperature %.3g)", stage, beta), n, func(i int) error {
			rng := stream(u.opt.Seed, tagMove, stage, i)
			p := parts[i]
			for k := 0; k < u.opt.Moves; k++ {
				q := &particle{vals: append([]float64(nil), p.vals...)}
				for _, j := range cont {
					q.vals[j] += scale * sd[j] * rng.NormFloat64()
				}
				for _, j := range disc {
					if rng.Float64() < 0.3 {
						vs := u.sc.Parameters[j].Dist.Values
						q.vals[j] = vs[rng.IntN(len(vs))]
					}
				}
				q.prior = u.logPrior(q.vals)
				if math.IsInf(q.prior, -1) {
					continue
				}
				if err := u.evaluate(ctx, q, fmt.Sprintf("SMC stage %d, particle %d", stage, i)); err != nil {
					if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
						return err
					}
					// A proposal whose probabilities are invalid lies
					// outside the model: rejected, and counted.
					invalid[i]++
					continue
				}
				a := q.prior - p.prior + beta*(q.mix-p.mix)
				if math.IsNaN(a) {
					continue
				}
				if a >= 0 || rng.Float64() < math.Exp(a) {
					p = q
					accepted[i]++
				}
			}
			parts[i] = p
			return nil
		})
		if err != nil {
			return nil, 0, err
		}
		acc, bad := 0, 0
		for i := range accepted {
			acc += accepted[i]
			bad += invalid[i]
		}
		rate := float64(acc) / float64(n*u.opt.Moves)
		info.Temperatures = append(info.Temperatures, beta)
		info.Acceptance = append(info.Acceptance, rate)
		info.InvalidProposals += bad
		// Keep the acceptance of the random walk in a useful range.
		switch {
		case rate < 0.15:
			scale *= 0.6
		case rate > 0.4:
			scale *= 1.5
		}
	}
	info.Stages = len(info.Temperatures)
	uniq := map[*particle]bool{}
	for _, p := range parts {
		uniq[p] = true
	}
	info.Distinct = len(uniq)
	if info.InvalidProposals > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d Metropolis proposals made a probability invalid and were rejected: the posterior is restricted to parameter values where the scenario is valid", info.InvalidProposals))
	}
	if last := info.Acceptance[len(info.Acceptance)-1]; last < 0.05 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the last SMC stage accepted %.1f%% of Metropolis moves: the particles may not have mixed; use more --moves", 100*last))
	}
	return parts, logZ, nil
}

// movable lists the parameters Metropolis moves: continuous ones by a
// random walk, choice ones by a jump to another value.
func (u *updater) movable() (cont, disc []int) {
	for j, prm := range u.sc.Parameters {
		switch {
		case prm.Dist.Continuous():
			cont = append(cont, j)
		case prm.Dist.Kind == "choice" && len(prm.Dist.Values) > 1:
			disc = append(disc, j)
		}
	}
	return cont, disc
}

// nextDelta is the temperature increment whose incremental weights keep an
// ESS of half the particles (or what is left to 1 when that already does).
func (u *updater) nextDelta(parts []*particle, beta float64) float64 {
	n := float64(len(parts))
	essAt := func(delta float64) float64 {
		logw := make([]float64, len(parts))
		for i, p := range parts {
			logw[i] = delta * p.mix
			if math.IsInf(p.mix, -1) {
				logw[i] = math.Inf(-1)
			}
		}
		w := normalize(logw)
		if w == nil {
			return 0
		}
		return ess(w)
	}
	rest := 1 - beta
	if essAt(rest) >= n/2 {
		return rest
	}
	lo, hi := 0.0, rest
	for k := 0; k < 60; k++ {
		mid := (lo + hi) / 2
		if essAt(mid) >= n/2 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return math.Max(lo, 1e-12)
}

// resample draws len(parts) particles by systematic resampling with
// weights w. Copies share the particle until a move replaces it.
func resample(parts []*particle, w []float64, rng *rand.Rand) []*particle {
	n := len(parts)
	out := make([]*particle, n)
	u0 := rng.Float64() / float64(n)
	c, i := w[0], 0
	for k := 0; k < n; k++ {
		x := u0 + float64(k)/float64(n)
		for x > c && i < n-1 {
			i++
			c += w[i]
		}
		out[k] = parts[i]
	}
	return out
}

// spread returns per parameter the standard deviation of the particles,
// the scale of the random walk; a collapsed parameter gets a hundredth of
// its prior range.
func spread(parts []*particle, cont []int, sc *scenario.Scenario) []float64 {
	sd := make([]float64, len(sc.Parameters))
	n := float64(len(parts))
	for _, j := range cont {
		m, m2 := 0.0, 0.0
		for _, p := range parts {
			m += p.vals[j]
		}
		m /= n
		for _, p := range parts {
			m2 += (p.vals[j] - m) * (p.vals[j] - m)
		}
		sd[j] = math.Sqrt(m2 / n)
		if !(sd[j] > 0) {
			lo, hi := sc.Parameters[j].Dist.Bounds()
			sd[j] = (hi - lo) / 100
		}
	}
	return sd
}

// weightedQuantile of values xs with normalized weights w at probability q.
func weightedQuantile(xs, w []float64, q float64) float64 {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return xs[idx[a]] < xs[idx[b]] })
	acc := 0.0
	for _, i := range idx {
		acc += w[i]
		if acc >= q-1e-12 {
			return xs[i]
		}
	}
	return xs[idx[len(idx)-1]]
}
