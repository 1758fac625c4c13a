package nash

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/truce-dev/truce/game"
)

// Logit traces the principal branch of the logit quantal-response
// equilibrium correspondence (McKelvey–Palfrey; Turocy 2005) from the
// uniform profile at λ = 0 towards a Nash equilibrium, for any number of
// players.
//
// The path is the solution curve of
//
//	Σ_s p_is = 1,   log p_is − log p_i0 − λ (u_is − u_i0) = 0   (s ≥ 1)
//
// in log-probabilities and λ, followed by an Euler predictor and a Newton
// corrector along the tangent with adaptive arc-length steps. Payoffs are
// rescaled to [0, 1] internally; λ is reported on the game's own scale.
// When the profile is close to an equilibrium, a Newton solve on the
// profile's support finishes the job (regret below 1e-8 of the payoff range
// is the target; a path point that gets there without the solve is taken as
// is). With opt.Lambda > 0 the path stops at that λ and the QRE there is
// returned with Equilibrium.Lambda set. The number of steps is capped, so
// the method never hangs; a path that did not converge is reported with
// Complete false.
func Logit(ctx context.Context, g *game.Strategic, opt Options) (out *Result, outErr error) {
	defer certifyGame(ctx, "logit", g, &out, &outErr)
	start := time.Now()
	res := &Result{Method: "logit", Complete: true, Stats: map[string]float64{}}
	ng, span := newNormGame(g)
	x := ng.uniform()
	if span == 0 {
		// Every profile is an equilibrium; the path never leaves the centre.
		res.Equilibria = append(res.Equilibria, Equilibrium{Profile: ng.split(x), Component: -1, Lambda: opt.Lambda})
		res.Elapsed = time.Since(start)
		return res, nil
	}
	target := 0.0
	if opt.Lambda > 0 {
		target = opt.Lambda * span
	}
	tr := newTracer(ng)
	p, lam, ok, why := tr.run(ctx, target, opt.Progress)
	res.Stats["steps"] = float64(tr.steps)
	res.Stats["rejected"] = float64(tr.rejected)
	res.Stats["lambda"] = lam / span
	eq := Equilibrium{Profile: ng.split(p), Component: -1}
	if target > 0 {
		eq.Lambda = lam / span
		if ok {
			eq.Lambda = opt.Lambda // exactly, not as rescaled and back
		}
	}
	eq.Regret = g.Regret(eq.Profile)
	if !ok {
		res.Complete, res.Reason = false, why
	}
	res.Equilibria = append(res.Equilibria, eq)
	res.Elapsed = time.Since(start)
	return res, nil
}

// normGame is a strategic game with payoffs mapped affinely onto [0, 1]
// (one map for all players) and strategies numbered 0..T-1 player by player.
type normGame struct {
	n     int
	shape []int
	off   []int // first strategy index of each player
	tot   int
	pay   []float64
	nprof int
	// byPlayer[i] is player i's payoff table, and bufA/bufB scratch space,
	// for strategyValues; allocated on first use.
	byPlayer   [][]float64
	bufA, bufB []float64
	xs         [][]float64 // contract's view of x, player by player
}

func newNormGame(g *game.Strategic) (*normGame, float64) {
	ng := &normGame{n: g.NumPlayers(), shape: g.Shape(), nprof: g.NumProfiles()}
	ng.off = make([]int, ng.n)
	for i, s := range ng.shape {
		ng.off[i] = ng.tot
		ng.tot += s
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range g.Payoffs {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	span := hi - lo
	ng.pay = make([]float64, len(g.Payoffs))
	if span > 0 {
		for i, v := range g.Payoffs {
			ng.pay[i] = (v - lo) / span
		}
	}
	return ng, span
}

func (ng *normGame) uniform() []float64 {
	x := make([]float64, ng.tot)
	for i, s := range ng.shape {
		for j := 0; j < s; j++ {
			x[ng.off[i]+j] = 1 / float64(s)
		}
	}
	return x
}

// split turns a flat profile into one slice per player.
func (ng *normGame) split(x []float64) [][]float64 {
	out := make([][]float64, ng.n)
	for i, s := range ng.shape {
		out[i] = append([]float64(nil), x[ng.off[i]:ng.off[i]+s]...)
	}
	return out
}

// values computes u[is], the payoff of strategy s of player i against the
// flat profile x, and, when du is non-nil, du[is*T+jt] = ∂u_is/∂x_jt for
// j ≠ i (zero for j = i).
func (ng *normGame) values(x, u, du []float64) {
	if du == nil {
		ng.strategyValues(x, u)
		return
	}
	ng.derivatives(x, u, du)
}

// valuesByProfile is values computed profile by profile: the plain
// definition, kept as the reference the tests check the contractions
// against.
func (ng *normGame) valuesByProfile(x, u, du []float64) {
	n, T := ng.n, ng.tot
	for i := range u {
		u[i] = 0
	}
	if du != nil {
		for i := range du {
			du[i] = 0
		}
	}
	idx := make([]int, n)
	pr := make([]float64, n)
	for k := 0; k < ng.nprof; k++ {
		for q := 0; q < n; q++ {
			pr[q] = x[ng.off[q]+idx[q]]
		}
		for i := 0; i < n; i++ {
			a := ng.pay[k*n+i]
			if a == 0 {
				continue
			}
			row := ng.off[i] + idx[i]
			w := a
			for q := 0; q < n; q++ {
				if q != i {
					w *= pr[q]
				}
			}
			u[row] += w
			if du == nil {
				continue
			}
			for j := 0; j < n; j++ {
				if j == i {
					continue
				}
				w := a
				for q := 0; q < n; q++ {
					if q != i && q != j {
						w *= pr[q]
					}
				}
				du[row*T+ng.off[j]+idx[j]] += w
			}
		}
		for q := 0; q < n; q++ {
			idx[q]++
			if idx[q] < ng.shape[q] {
				break
			}
			idx[q] = 0
		}
	}
}

// strategyValues computes u[is] only, contracting each player's payoff
// table with the other players' mixed strategies one player at a time
// (the last player first, where the table is contiguous); that costs about
// one multiply-add per cell and player.
func (ng *normGame) strategyValues(x, u []float64) {
	ng.prepare()
	for i := 0; i < ng.n; i++ {
		r := ng.contract(ng.byPlayer[i], x, i, -1)
		copy(u[ng.off[i]:ng.off[i]+ng.shape[i]], r[:ng.shape[i]])
	}
}

// prepare splits the payoff table by player for contract.
func (ng *normGame) prepare() {
	if ng.byPlayer != nil {
		return
	}
	n := ng.n
	ng.byPlayer = make([][]float64, n)
	for i := range ng.byPlayer {
		t := make([]float64, ng.nprof)
		for k := range t {
			t[k] = ng.pay[k*n+i]
		}
		ng.byPlayer[i] = t
	}
	ng.bufA = make([]float64, ng.nprof)
	ng.bufB = make([]float64, ng.nprof)
}

// contract sums the table over every player but keep1 and keep2 (-1 for
// none), weighting by their mixed strategies in x, the last player first.
// The result keeps the remaining dimensions in their order (lower player
// fastest); it lives in scratch space until the next call.
func (ng *normGame) contract(table, x []float64, keep1, keep2 int) []float64 {
	if ng.xs == nil {
		ng.xs = make([][]float64, ng.n)
	}
	for q := range ng.xs {
		ng.xs[q] = x[ng.off[q] : ng.off[q]+ng.shape[q]]
	}
	return contractTable(table, ng.shape, ng.xs, keep1, keep2, ng.bufA, ng.bufB)
}

// contractTable sums a payoff table of the given shape (lower players
// varying fastest) over every player but keep1 and keep2, weighting player
// q's entries by weights[q], the last player first; zero weights are
// skipped. Each output is summed in the same order whatever the table's
// shape (gnm's support tables rely on it to reproduce normGame's values to
// the bit). The result lives in bufA or bufB, each at least the table's
// size after its first contraction.
func contractTable(table []float64, shape []int, weights [][]float64, keep1, keep2 int, bufA, bufB []float64) []float64 {
	cur := table
	size := len(table)
	dst, other := bufA, bufB
	for q := len(shape) - 1; q >= 0; q-- {
		if q == keep1 || q == keep2 {
			continue
		}
		// Every dimension before q is still there, so its stride is the
		// product of their sizes.
		inner := 1
		for r := 0; r < q; r++ {
			inner *= shape[r]
		}
		nq := shape[q]
		outer := size / (inner * nq)
		xq := weights[q][:nq]
		out := dst[:inner*outer]
		if inner == 1 {
			// The lowest remaining player: each output is a dot product
			// (the same sum, in the same order, without the row loop).
			for b := range out {
				src := cur[b*nq : (b+1)*nq]
				v := 0.0
				for c, w := range xq {
					if w != 0 {
						v += w * src[c]
					}
				}
				out[b] = v
			}
		} else {
			for b := 0; b < outer; b++ {
				o := out[b*inner : (b+1)*inner]
				base := b * inner * nq
				for a := range o {
					o[a] = 0
				}
				for c, w := range xq {
					if w == 0 {
						continue
					}
					// o[a] += w·src[a], four outputs per instruction
					// where the processor can (each output's sum in the
					// same order, each product rounded).
					addScaled(o, cur[base+c*inner:base+(c+1)*inner], w)
				}
			}
		}
		cur, size = out, inner*outer
		dst, other = other, dst
	}
	return cur
}

// derivatives fills u and du (see values) by contracting each player's
// table down to two players: about N(N−1) multiply-adds per cell.
func (ng *normGame) derivatives(x, u, du []float64) {
	ng.prepare()
	T := ng.tot
	for k := range du {
		du[k] = 0
	}
	if ng.n == 1 {
		copy(u, ng.byPlayer[0])
		return
	}
	for i := 0; i < ng.n; i++ {
		ni, oi := ng.shape[i], ng.off[i]
		for j := 0; j < ng.n; j++ {
			if j == i {
				continue
			}
			nj, oj := ng.shape[j], ng.off[j]
			r := ng.contract(ng.byPlayer[i], x, i, j)
			for s := 0; s < ni; s++ {
				row := du[(oi+s)*T+oj : (oi+s)*T+oj+nj]
				for t := range row {
					if i < j {
						row[t] = r[s+ni*t]
					} else {
						row[t] = r[t+nj*s]
					}
				}
			}
			if j == (i+1)%ng.n {
				// u_is = Σ_t ∂u_is/∂x_jt · x_jt for any one j ≠ i.
				for s := 0; s < ni; s++ {
					v := 0.0
					for t := 0; t < nj; t++ {
						v += du[(oi+s)*T+oj+t] * x[oj+t]
					}
					u[oi+s] = v
				}
			}
		}
	}
}

// regret is the largest gain from deviating, given strategy values u.
func (ng *normGame) regret(x, u []float64) float64 {
	worst := 0.0
	for i, s := range ng.shape {
		best, cur := math.Inf(-1), 0.0
		for j := 0; j < s; j++ {
			v := u[ng.off[i]+j]
			best = math.Max(best, v)
			cur += x[ng.off[i]+j] * v
		}
		worst = math.Max(worst, best-cur)
	}
	return worst
}

// tracer follows the logit path in z = (log p, λ).
type tracer struct {
	ng       *normGame
	T        int
	u, du    []float64
	p        []float64
	steps    int
	rejected int
	// noPolish leaves the support solve out until the path itself is at
	// regret logitTol (tests use it to check the path alone gets there).
	noPolish bool
}

// Path-following limits. maxSteps bounds the work; maxLambda is far beyond
// any λ at which a path on [0,1] payoffs still moves measurably.
const (
	// corrNoise is the size of a corrector step that is taken for rounding
	// noise rather than for a sign of trouble: on games whose payoffs span
	// orders of magnitude, λ and the equations' coefficients reach 1e5 and
	// more, and the corrector's steps stop shrinking near 1e-7.
	corrNoise = 1e-6

	logitMaxSteps  = 20000
	logitMaxLambda = 1e12
	logitTol       = 1e-8 // target regret on [0,1] payoffs
)

func newTracer(ng *normGame) *tracer {
	T := ng.tot
	return &tracer{ng: ng, T: T, u: make([]float64, T), du: make([]float64, T*T), p: make([]float64, T)}
}

// eval fills h = H(z) and, when jac != nil, the T×(T+1) Jacobian (row
// major). It leaves p and u for the point.
func (tr *tracer) eval(z, h, jac []float64) {
	ng, T := tr.ng, tr.T
	lam := z[T]
	for i := 0; i < T; i++ {
		tr.p[i] = math.Exp(z[i])
	}
	var du []float64
	if jac != nil {
		du = tr.du
		for i := range jac {
			jac[i] = 0
		}
	}
	ng.values(tr.p, tr.u, du)
	W := T + 1
	for i, s := range ng.shape {
		o := ng.off[i]
		sum := 0.0
		for j := 0; j < s; j++ {
			sum += tr.p[o+j]
		}
		h[o] = sum - 1
		for j := 1; j < s; j++ {
			h[o+j] = z[o+j] - z[o] - lam*(tr.u[o+j]-tr.u[o])
		}
		if jac == nil {
			continue
		}
		for j := 0; j < s; j++ {
			jac[o*W+o+j] = tr.p[o+j]
		}
		for j := 1; j < s; j++ {
			r := (o + j) * W
			jac[r+o+j] += 1
			jac[r+o] -= 1
			jac[r+T] = -(tr.u[o+j] - tr.u[o])
			for c := 0; c < T; c++ {
				d := du[(o+j)*T+c] - du[o*T+c]
				if d != 0 {
					jac[r+c] -= lam * d * tr.p[c]
				}
			}
		}
	}
}

// run traces the path. With target > 0 it stops at λ = target (rescaled
// payoffs) and returns the QRE there; otherwise it returns an approximate
// Nash equilibrium. ok is false when the path did not get there.
func (tr *tracer) run(ctx context.Context, target float64, progress func(string)) (p []float64, lam float64, ok bool, why string) {
	ng, T := tr.ng, tr.T
	W := T + 1
	z := make([]float64, W)
	x0 := ng.uniform()
	for i := range x0 {
		z[i] = math.Log(x0[i])
	}
	h := make([]float64, T)
	jac := make([]float64, T*W)
	aug := make([]float64, W*W)
	rhs := make([]float64, W)
	tan := make([]float64, W)
	prevTan := make([]float64, W)
	prevTan[T] = 1
	zp := make([]float64, W)
	step := 0.05
	polishAt := 1e-5
	best := append([]float64(nil), x0...)
	bestReg := math.Inf(1)

	// tangent solves [J; prevTanᵀ] t = e_T and normalises t.
	tangent := func() bool {
		for r := 0; r < T; r++ {
			copy(aug[r*W:(r+1)*W], jac[r*W:(r+1)*W])
			rhs[r] = 0
		}
		copy(aug[T*W:], prevTan)
		rhs[T] = 1
		if !solveDense(aug, rhs, W) {
			return false
		}
		nrm := 0.0
		for _, v := range rhs {
			nrm += v * v
		}
		nrm = math.Sqrt(nrm)
		for i := range tan {
			tan[i] = rhs[i] / nrm
		}
		return true
	}
	// correct runs Newton on H(z) = 0 with corrections orthogonal to tan;
	// fixLam keeps λ fixed instead (for the --lambda landing).
	correct := func(z []float64, fixLam bool, h0 float64) bool {
		prev := math.Inf(1)
		for it := 0; it < 8; it++ {
			tr.eval(z, h, jac)
			for r := 0; r < T; r++ {
				copy(aug[r*W:(r+1)*W], jac[r*W:(r+1)*W])
				rhs[r] = -h[r]
			}
			if fixLam {
				for c := 0; c < W; c++ {
					aug[T*W+c] = 0
				}
				aug[T*W+T] = 1
			} else {
				copy(aug[T*W:], tan)
			}
			rhs[T] = 0
			if !solveDense(aug, rhs, W) {
				return false
			}
			// Corrections are measured relative to each coordinate's size:
			// far along the path, log-probabilities of unused strategies
			// and λ itself are huge and carry proportionally large rounding.
			nrm := 0.0
			for i, v := range rhs {
				z[i] += v
				nrm = math.Max(nrm, math.Abs(v)/(1+1e-6*math.Abs(z[i])))
			}
			// Converged when the correction is tiny (Newton converges
			// quadratically, so after a correction of 1e-8 the point is
			// on the curve to rounding; the end point is polished on its
			// support anyway), or when it stops shrinking at a level that
			// is rounding noise (which grows with λ as the equations'
			// coefficients do).
			done := nrm < 1e-8
			// A first correction that is large against the step means the
			// predictor left the curve's neighbourhood (where the corrector
			// may jump to another sheet of it, e.g. across a tight fold).
			if it == 0 && nrm > math.Min(0.05, math.Max(0.1*h0, corrNoise)) || it > 0 && nrm > 0.5*prev {
				if nrm > corrNoise {
					return false
				}
				done = true
			}
			prev = nrm
			if done {
				tr.eval(z, h, nil)
				return true
			}
		}
		return false
	}

	tr.eval(z, h, jac)
	if !tangent() {
		return best, z[T], false, "singular Jacobian at the start of the logit path"
	}
	pAt := make([]float64, T)
	uAt := make([]float64, T)
	reject := func() (fail bool) {
		tr.rejected++
		step /= 2
		return step < 1e-13
	}
	for tr.steps = 0; tr.steps < logitMaxSteps; {
		if stop, reason := stopped(ctx); stop {
			return best, z[T], false, reason
		}
		for i := range zp {
			zp[i] = z[i] + step*tan[i]
		}
		ok := correct(zp, false, step)
		if ok {
			// Keep the point's profile and values, then check the tangent
			// there: a sharp turn (or a step back below λ = 0, where the
			// principal branch never goes) means the step jumped across
			// the curve, so it is retried shorter.
			copy(pAt, tr.p)
			copy(uAt, tr.u)
			tr.eval(zp, h, jac)
			copy(prevTan, tan)
			ok = tangent()
			if ok {
				dot := 0.0
				for i := range tan {
					dot += tan[i] * prevTan[i]
				}
				ok = dot >= 0.98 && zp[T] >= 0 && !turnedInP(tan, prevTan, T)
			}
			if !ok {
				copy(tan, prevTan)
			}
		}
		if !ok {
			if reject() {
				if target == 0 && bestReg < logitTol {
					return best, z[T], true, "" // the target was met before
				}
				if q, ok := polishSupport(ng, best, 1e-2); ok && target == 0 && !tr.noPolish {
					return q, z[T], true, ""
				}
				return best, z[T], false, "logit path step size underflow"
			}
			continue
		}
		tr.steps++
		if target > 0 && zp[T] >= target {
			// Land on λ = target from the last point, interpolated.
			f := (target - z[T]) / (zp[T] - z[T])
			for i := range zp {
				zp[i] = z[i] + f*(zp[i]-z[i])
			}
			zp[T] = target
			if !correct(zp, true, math.Inf(1)) {
				return best, z[T], false, "could not land on the requested lambda"
			}
			return append([]float64(nil), tr.p...), target, true, ""
		}
		copy(z, zp)
		step = math.Min(step*1.6, 1e6)
		copy(best, pAt)
		if target == 0 {
			reg := ng.regret(pAt, uAt)
			bestReg = reg
			// Near the end a support solve finishes the job: tried at each
			// tenfold drop of the regret below 1e-5, and always once the
			// target is met (then allowed to move further, since limits in
			// degenerate games are approached slowly). If it keeps failing
			// the path goes on, far below the target if it can; any later
			// failure returns the last point, which met the target.
			if (reg < polishAt || reg < logitTol && polishAt >= logitTol) && !tr.noPolish {
				polishAt = reg / 10
				move := 1e-3
				if reg < logitTol {
					move = 1e-2
				}
				if q, ok := polishSupport(ng, pAt, move); ok {
					return q, z[T], true, ""
				}
			}
			if reg < logitTol && (tr.noPolish || reg < 1e-13) {
				return best, z[T], true, ""
			}
			if z[T] > logitMaxLambda {
				return best, z[T], reg < logitTol, fmt.Sprintf("lambda reached %g with regret %.3g", z[T], reg)
			}
		}
		if progress != nil && tr.steps%200 == 0 {
			progress(fmt.Sprintf("step %d, lambda %.4g", tr.steps, z[T]))
		}
	}
	if target == 0 && bestReg < logitTol {
		return best, z[T], true, ""
	}
	return best, z[T], false, fmt.Sprintf("step limit %d reached at lambda %g", logitMaxSteps, z[T])
}

// turnedInP reports whether the profile part of the tangent (its first T
// coordinates, the log-probabilities) turned by more than about 8 degrees
// in one step. Far along the path the tangent is almost all λ, so the
// angle between whole tangents stays tiny even when the profile's
// direction reverses: a long step can then jump to another sheet of the
// logit correspondence that passes close by (in a 2×2 game, from the
// principal branch to the one that ends at the mixed equilibrium) and pass
// the whole-tangent check. Where the profile barely moves (its part of the
// tangent below 1e-9) its direction is rounding noise and is not judged.
func turnedInP(tan, prev []float64, T int) bool {
	var d, a, b float64
	for i := 0; i < T; i++ {
		d += tan[i] * prev[i]
		a += tan[i] * tan[i]
		b += prev[i] * prev[i]
	}
	if a < 1e-18 || b < 1e-18 {
		return false
	}
	return d < 0.99*math.Sqrt(a*b)
}

// polishSupport tries to turn an approximate equilibrium x into an exact
// one (up to rounding) by Newton's method on the equations "every strategy
// in the support earns the same, probabilities sum to one", for supports
// read off x at a few thresholds. It accepts a solution that is a
// probability profile with regret below logitTol/100 and, when maxMove > 0,
// lies within maxMove of x.
func polishSupport(ng *normGame, x []float64, maxMove float64) ([]float64, bool) {
	T := ng.tot
	u := make([]float64, T)
	ng.values(x, u, nil)
	// Candidate supports: strategies played with probability at least thr
	// times the player's largest; then, for limits where a best reply is
	// played with vanishing probability (degenerate games, where the
	// equilibrium sits at the end of a segment), those strategies plus every
	// strategy within delta of the player's best payoff.
	member := func(thr, delta float64) []bool {
		in := make([]bool, T)
		for i, s := range ng.shape {
			o := ng.off[i]
			mx, best := 0.0, math.Inf(-1)
			for j := 0; j < s; j++ {
				mx = math.Max(mx, x[o+j])
				best = math.Max(best, u[o+j])
			}
			for j := 0; j < s; j++ {
				in[o+j] = x[o+j] >= thr*mx || u[o+j] >= best-delta
			}
		}
		return in
	}
	for _, c := range []struct{ thr, delta float64 }{
		{1e-3, -1}, {1e-2, -1}, {1e-1, -1}, {1e-5, -1}, {1e-8, -1},
		{1e-3, 1e-7}, {1e-3, 1e-5}, {1e-3, 1e-3}, {1e-2, 1e-5},
	} {
		if q, ok := polishOn(ng, x, member(c.thr, c.delta), maxMove); ok {
			return q, true
		}
	}
	return nil, false
}

// polishOn runs the support solve with the support in, starting from x
// restricted to it (uniform on a player's support if x gives it no mass).
func polishOn(ng *normGame, x []float64, in []bool, maxMove float64) ([]float64, bool) {
	T := ng.tot
	var sup []int
	for c, ok := range in {
		if ok {
			sup = append(sup, c)
		}
	}
	q := make([]float64, T)
	for i, s := range ng.shape {
		o := ng.off[i]
		sum, cnt := 0.0, 0
		for j := 0; j < s; j++ {
			if in[o+j] {
				sum += x[o+j]
				cnt++
			}
		}
		for j := 0; j < s; j++ {
			if in[o+j] {
				if sum > 0 {
					q[o+j] = x[o+j] / sum
				} else {
					q[o+j] = 1 / float64(cnt)
				}
			}
		}
	}
	nv := len(sup)
	pos := make([]int, T)
	for k, c := range sup {
		pos[c] = k
	}
	u := make([]float64, T)
	du := make([]float64, T*T)
	a := make([]float64, nv*nv)
	b := make([]float64, nv)
	jjt := make([]float64, nv*nv)
	w := make([]float64, nv)
	for it := 0; it < 60; it++ {
		ng.values(q, u, du)
		// Rows: per player, the sum row at its first support strategy, then
		// payoff equalities against that strategy.
		for i := range a {
			a[i] = 0
		}
		r := 0
		maxRes := 0.0
		for i, s := range ng.shape {
			o := ng.off[i]
			first := -1
			for j := 0; j < s; j++ {
				if !in[o+j] {
					continue
				}
				if first < 0 {
					first = o + j
					sum := 0.0
					for jj := 0; jj < s; jj++ {
						if in[o+jj] {
							a[r*nv+pos[o+jj]] = 1
							sum += q[o+jj]
						}
					}
					b[r] = -(sum - 1)
				} else {
					for _, c := range sup {
						a[r*nv+pos[c]] = du[(o+j)*T+c] - du[first*T+c]
					}
					b[r] = -(u[o+j] - u[first])
				}
				maxRes = math.Max(maxRes, math.Abs(b[r]))
				r++
			}
		}
		if maxRes < 1e-15 {
			break
		}
		// Minimum-norm Newton step Δ = Jᵀ(JJᵀ + μI)⁻¹(−F): plain Newton when
		// J is regular, and still well defined when the equilibrium lies in
		// a continuum (degenerate games), where J is singular.
		diag := 0.0
		for r := 0; r < nv; r++ {
			for c := 0; c < nv; c++ {
				s := 0.0
				for k := 0; k < nv; k++ {
					s += a[r*nv+k] * a[c*nv+k]
				}
				jjt[r*nv+c] = s
			}
			diag = math.Max(diag, jjt[r*nv+r])
		}
		for r := 0; r < nv; r++ {
			jjt[r*nv+r] += 1e-11 * diag
		}
		copy(w, b)
		if !solveDense(jjt, w, nv) {
			return nil, false
		}
		for k, c := range sup {
			step := 0.0
			for r := 0; r < nv; r++ {
				step += a[r*nv+k] * w[r]
			}
			q[c] += step
		}
	}
	for _, v := range q {
		if v < -1e-12 || math.IsNaN(v) {
			return nil, false
		}
	}
	for i, v := range q {
		q[i] = math.Max(v, 0)
	}
	for i, s := range ng.shape {
		o := ng.off[i]
		sum := 0.0
		for j := 0; j < s; j++ {
			sum += q[o+j]
		}
		for j := 0; j < s; j++ {
			q[o+j] /= sum
		}
	}
	ng.values(q, u, nil)
	if ng.regret(q, u) > logitTol/100 {
		return nil, false
	}
	if maxMove > 0 {
		for i := range q {
			if math.Abs(q[i]-x[i]) > maxMove {
				return nil, false
			}
		}
	}
	return q, true
}

// solveDense solves a x = b in place (b becomes x) for an n×n row-major
// matrix a by Gaussian elimination with partial pivoting; a is destroyed.
// It reports false for a numerically singular matrix.
func solveDense(a, b []float64, n int) bool {
	// Equilibrate rows first: far along the logit path some equations have
	// coefficients of size λ and others of size 1, and a threshold relative
	// to the largest entry would call the system singular.
	for r := 0; r < n; r++ {
		row := a[r*n : (r+1)*n]
		mx := 0.0
		for _, v := range row {
			if av := math.Abs(v); av > mx {
				mx = av
			} else if av != av {
				return false // NaN: no solution to trust
			}
		}
		if mx == 0 || math.IsInf(mx, 0) {
			return false
		}
		divideBy(row, mx)
		b[r] /= mx
	}
	// Every row's largest entry is now 1 (±mx/mx, the others at most 1 in
	// size), so pathSolve's threshold (1e-14 times the largest entry) is
	// 1e-14: the same elimination as gnm's.
	return eliminate(a, b, n)
}

// eliminate is pathSolve(a, b, n) on a matrix whose largest entry is 1
// (solveDense's equilibrated rows), without the sign of the determinant:
// the same pivots, the same operations on every entry in the same order,
// so the same bits (TestEliminateSameBits), with each row's update
// (row −= f·pivot row) four entries per instruction where the processor
// can (subScaled). Logit's corrector spends most of its time here.
func eliminate(a, b []float64, n int) bool {
	a, b = a[:n*n], b[:n]
	const tiny = 1e-14 // 1e-14 times the largest entry, 1
	for c := 0; c < n; c++ {
		p, pv := c, math.Abs(a[c*n+c])
		for r := c + 1; r < n; r++ {
			if v := math.Abs(a[r*n+c]); v > pv {
				p, pv = r, v
			}
		}
		if pv <= tiny {
			return false
		}
		pr := a[c*n+c : c*n+n]
		if p != c {
			swapRowTails(a, b, n, c, p)
		}
		inv := 1 / pr[0]
		pr = pr[1:]
		bc := b[c]
		for r := c + 1; r < n; r++ {
			rr := a[r*n+c : r*n+n]
			f := rr[0] * inv
			if f == 0 {
				continue
			}
			subScaled(rr[1:], pr, f)
			b[r] -= f * bc
		}
	}
	backSubstitute(a, b, n)
	return true
}

// swapRowTails swaps rows c and p (p > c) of the n×n matrix a from column
// c on, and their right-hand sides in b: a partial-pivoting row swap in
// an elimination where the columns before c are already zero in both
// rows (pathSolve, eliminate).
func swapRowTails(a, b []float64, n, c, p int) {
	pr := a[c*n+c : c*n+n]
	q := a[p*n+c : p*n+n]
	q = q[:len(pr)]
	for j := range pr {
		pr[j], q[j] = q[j], pr[j]
	}
	b[c], b[p] = b[p], b[c]
}
