package nash

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/internal/budget"
)

// LiapDefaultMaxRegret is gambit-liap's default -m: the largest regret,
// as a share of the payoff range, at which a minimisation's end is kept.
const LiapDefaultMaxRegret = 1e-4

// LiapDefaultMaxIterations is gambit-liap's default -i.
const LiapDefaultMaxIterations = 1000

// LiapDefaultStarts is gambit-liap's default number of random starting
// points (-n).
const LiapDefaultStarts = 10

// Liap computes Nash equilibria of a game with any number of players by
// minimising the Lyapunov function of McKelvey ("A Liapunov function for
// Nash equilibria", 1991), the method of Gambit's gambit-liap:
//
//	L(σ) = Σ_players Σ_strategies max(u_s(σ) − u_p(σ), 0)²,
//
// the squared gains from deviating to each pure strategy, with payoffs
// rescaled to [0, 1]. L is zero exactly at the Nash equilibria. From each
// starting point (opt.Search: Points, or Starts random ones, default 10,
// drawn with Seed) truce descends on the product of the players' simplices
// by projected gradient steps (Barzilai–Borwein step lengths with an
// Armijo backtracking line search) for at most MaxIterations iterations
// (default 1000). An end whose regret is at most MaxRegret (a share of the
// payoff range, default 1e-4) is then polished: Newton's method on the
// equations of its support ("every played strategy earns the same")
// makes it exact to rounding. A polished end that passes the equilibrium
// check is kept; any other end (a local minimum of L that is not an
// equilibrium, or a minimisation cut by the iteration cap) is dropped and
// counted in Stats["ends not at an equilibrium"]. Gambit prints every
// kept end, once per start; truce lists each equilibrium once, in the
// order found. Which equilibria are found depends on the starts: the list
// is never all of them.
func Liap(ctx context.Context, g *game.Strategic, opt Options) (out *Result, outErr error) {
	defer certifyGame(ctx, "liap", g, &out, &outErr)
	start := time.Now()
	res := &Result{Method: "liap", Complete: true, Stats: map[string]float64{}}
	ng, span := newNormGame(g)
	T := ng.tot
	if err := budget.Check(ctx, fmt.Sprintf("liap payoff derivatives (%d strategies)", T), budget.Mul(2, int64(T), int64(T), 8),
		"use --method logit or simpdiv"); err != nil {
		return nil, fmt.Errorf("liap: %w", err)
	}
	maxIter := opt.Search.MaxIterations
	if maxIter <= 0 {
		maxIter = LiapDefaultMaxIterations
	}
	maxRegret := opt.Search.MaxRegret
	switch {
	case maxRegret == 0:
		maxRegret = LiapDefaultMaxRegret
	case !(maxRegret > 0) || math.IsInf(maxRegret, 0):
		return nil, fmt.Errorf("liap: max regret %g: must be positive", maxRegret)
	}
	starts, err := opt.Search.startPoints(ng.shape, LiapDefaultStarts, "starting point")
	if err != nil {
		return nil, fmt.Errorf("liap: %w", err)
	}
	for k, x := range starts {
		if err := checkStart(x, ng.shape); err != nil {
			return nil, fmt.Errorf("liap: %s: %w", opt.Search.pointName("starting point", k), err)
		}
	}
	if len(opt.Search.Points) == 0 {
		res.Stats["seed"] = float64(opt.Search.Seed)
	}
	res.Stats["starts"] = float64(len(starts))
	m := newLiapMinimizer(ng)
	iters, failed := 0, 0
	for k, x := range starts {
		if stop, reason := stopped(ctx); stop {
			res.Complete, res.Reason = false, fmt.Sprintf("%s after %d of %d starts", reason, k, len(starts))
			break
		}
		if opt.Search.Trace != nil {
			opt.Search.Trace("start", splitFlat(x, ng.shape))
		}
		var end []float64
		if span == 0 {
			end = append([]float64(nil), x...) // every profile is an equilibrium
		} else {
			var n int
			end, n = m.minimize(ctx, x, maxIter)
			iters += n
		}
		eq, reg, ok := m.finish(end, maxRegret)
		if !ok {
			failed++
			if opt.Search.Trace != nil {
				opt.Search.Trace("end", splitFlat(end, ng.shape))
			}
			continue
		}
		_ = reg
		prof := splitFlat(eq, ng.shape)
		res.Equilibria, _ = addDistinct(res.Equilibria, Equilibrium{Profile: prof, Regret: g.Regret(prof), Component: -1})
		if opt.Progress != nil {
			opt.Progress(fmt.Sprintf("%d of %d starts, %d equilibria", k+1, len(starts), len(res.Equilibria)))
		}
	}
	res.Stats["iterations"] = float64(iters)
	res.Stats["ends not at an equilibrium"] = float64(failed)
	res.Elapsed = time.Since(start)
	return res, nil
}

// checkStart refuses a starting point that is not a mixed profile.
func checkStart(x []float64, shape []int) error {
	off := 0
	for p, n := range shape {
		sum := 0.0
		for _, v := range x[off : off+n] {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return fmt.Errorf("player %d: probability %g is not a number from 0 to 1", p+1, v)
			}
			sum += v
		}
		if math.Abs(sum-1) > 1e-6 {
			return fmt.Errorf("player %d's probabilities sum to %g, not 1", p+1, sum)
		}
		off += n
	}
	return nil
}

// liapPolishEvery is how often (in iterations) the descent tries to
// finish by Newton's method on the current support, once its regret is
// below liapPolishNear (a share of the payoff range).
const (
	liapPolishEvery = 25
	liapPolishNear  = 1e-2
)

// liapMinimizer holds the scratch space of the descent.
type liapMinimizer struct {
	ng                *normGame
	owner             []int
	u, du, grad, r, w []float64
	x1, g1, s, sort   []float64
}

func newLiapMinimizer(ng *normGame) *liapMinimizer {
	T := ng.tot
	m := &liapMinimizer{ng: ng, owner: make([]int, T), u: make([]float64, T), du: make([]float64, T*T),
		grad: make([]float64, T), r: make([]float64, T), w: make([]float64, ng.n),
		x1: make([]float64, T), g1: make([]float64, T), s: make([]float64, T), sort: make([]float64, T)}
	for p, n := range ng.shape {
		for j := 0; j < n; j++ {
			m.owner[ng.off[p]+j] = p
		}
	}
	return m
}

// eval returns L(x) and, when grad != nil, its gradient. With r_s =
// max(u_s − v_p, 0) and v_p = Σ σ_s u_s over p's strategies,
// ∂L/∂σ_t = 2[Σ_{s not t's player} r_s ∂u_s/∂σ_t − Σ_{p ≠ t's player} R_p ∂v_p/∂σ_t − R_q u_t],
// where R_p = Σ_{s of p} r_s and ∂v_p/∂σ_t = Σ_{s of p} σ_s ∂u_s/∂σ_t.
func (m *liapMinimizer) eval(x, grad []float64) float64 {
	ng, T := m.ng, m.ng.tot
	if grad == nil {
		ng.values(x, m.u, nil)
	} else {
		ng.values(x, m.u, m.du)
	}
	L := 0.0
	for p, n := range ng.shape {
		o := ng.off[p]
		v := 0.0
		for j := 0; j < n; j++ {
			v += x[o+j] * m.u[o+j]
		}
		R := 0.0
		for j := 0; j < n; j++ {
			r := math.Max(m.u[o+j]-v, 0)
			m.r[o+j] = r
			R += r
			L += r * r
		}
		m.w[p] = R
	}
	if grad == nil {
		return L
	}
	for t := 0; t < T; t++ {
		q := m.owner[t]
		gsum := -m.w[q] * m.u[t]
		for s := 0; s < T; s++ {
			if m.owner[s] == q {
				continue
			}
			d := m.du[s*T+t]
			if d == 0 {
				continue
			}
			gsum += (m.r[s] - m.w[m.owner[s]]*x[s]) * d
		}
		grad[t] = 2 * gsum
	}
	return L
}

// project maps y onto the product of simplices (Euclidean projection,
// by sorting: Held, Wolfe and Crowder 1974).
func (m *liapMinimizer) project(y []float64) {
	for p, n := range m.ng.shape {
		o := m.ng.off[p]
		seg := y[o : o+n]
		srt := m.sort[:n]
		copy(srt, seg)
		sort.Sort(sort.Reverse(sort.Float64Slice(srt)))
		cum, theta := 0.0, 0.0
		for j, v := range srt {
			cum += v
			if t := (cum - 1) / float64(j+1); v-t > 0 {
				theta = t
			}
		}
		for j := range seg {
			seg[j] = math.Max(seg[j]-theta, 0)
		}
	}
}

// minimize descends from x0 and returns the end and the iterations used.
func (m *liapMinimizer) minimize(ctx context.Context, x0 []float64, maxIter int) ([]float64, int) {
	x := append([]float64(nil), x0...)
	T := len(x)
	f := m.eval(x, m.grad)
	g := append([]float64(nil), m.grad...)
	step := 1.0
	it := 0
	for it = 1; it <= maxIter; it++ {
		if it&63 == 0 && ctx.Err() != nil {
			break
		}
		if f < 1e-24 {
			break
		}
		if it%liapPolishEvery == 0 {
			// Projected gradient creeps near a minimum; once the end is
			// close, Newton's method on its support finishes in a few steps.
			m.ng.values(x, m.u, nil)
			if reg := m.ng.regret(x, m.u); reg < liapPolishNear {
				if q, ok := polishSupport(m.ng, x, 0); ok {
					return q, it
				}
			}
		}
		// Armijo backtracking along the projection arc.
		var f1 float64
		accepted := false
		for try := 0; try < 40; try++ {
			for i := range m.x1 {
				m.x1[i] = x[i] - step*g[i]
			}
			m.project(m.x1)
			dec := 0.0
			for i := range m.x1 {
				dec += g[i] * (x[i] - m.x1[i])
			}
			f1 = m.eval(m.x1, nil)
			if f1 <= f-1e-4*dec {
				accepted = dec > 0 || f1 < f
				break
			}
			step /= 2
		}
		if !accepted {
			break // no descent left: a stationary point of L on the simplices
		}
		f1 = m.eval(m.x1, m.g1)
		// Barzilai–Borwein step for the next iteration.
		ss, sy := 0.0, 0.0
		for i := 0; i < T; i++ {
			si, yi := m.x1[i]-x[i], m.g1[i]-g[i]
			ss += si * si
			sy += si * yi
		}
		if sy > 0 {
			step = math.Min(math.Max(ss/sy, 1e-10), 1e10)
		} else {
			step = math.Min(step*4, 1e10)
		}
		copy(x, m.x1)
		copy(g, m.g1)
		f = f1
	}
	return x, min(it, maxIter)
}

// finish polishes an end whose regret is at most maxRegret, and reports
// whether the result is an equilibrium (regret far below the tolerance).
func (m *liapMinimizer) finish(x []float64, maxRegret float64) ([]float64, float64, bool) {
	ng := m.ng
	ng.values(x, m.u, nil)
	reg := ng.regret(x, m.u)
	if !(reg <= maxRegret) {
		return nil, reg, false
	}
	if q, ok := polishSupport(ng, x, 0); ok {
		ng.values(q, m.u, nil)
		if r := ng.regret(q, m.u); r <= reg {
			return q, r, true
		}
	}
	return x, reg, reg <= RegretTolerance/10
}
