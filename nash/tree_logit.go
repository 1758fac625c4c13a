package nash

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/internal/budget"
)

// TreeLogit follows the agent quantal-response equilibrium path of a tree
// with perfect recall (McKelvey–Palfrey 1998): at each information set the
// mover plays action a with probability proportional to exp(λ·V(a)), V the
// expected payoff of a given that the information set is reached (beliefs
// from the reach probabilities). From λ = 0 (uniform play) the path is
// traced by continuation in log-probabilities with Newton corrections, up
// to opts.Lambda if given, else until the profile's certificate is below
// 1e-10 or λ is very large. Any number of players; floating point. The
// result is one profile with Lambda set; its Regret is the honest distance
// from equilibrium.
func TreeLogit(ctx context.Context, t *game.Tree, opts Options) (out *Result, outErr error) {
	defer certifyTree(ctx, "logit", t, &out, &outErr)
	start := time.Now()
	if err := t.PerfectRecall(); err != nil {
		return nil, fmt.Errorf("logit: %w", err)
	}
	lg := newTreeLogit(t)
	res := &Result{Method: "logit", Complete: true, Stats: map[string]float64{}}
	K := lg.k
	// The path follower works with dense (K+1)-square matrices: the
	// Jacobian and the systems of the tangent and the corrector.
	if err := budget.Check(ctx, fmt.Sprintf("agent-logit Jacobian (%d actions)", K), budget.Mul(3, int64(K)+1, int64(K)+1, 8),
		"use --method lcp (2 players) or cfr (2-player zero-sum), which grow linearly or with the sequence form"); err != nil {
		return nil, fmt.Errorf("logit: %w", err)
	}
	y := make([]float64, K)
	for _, is := range lg.infosets {
		k := len(t.Infosets[is].Actions)
		for a := 0; a < k; a++ {
			y[lg.flat(is, a)] = -math.Log(float64(k))
		}
	}
	if K == 0 || lg.span == 0 {
		b := lg.behaviour(y)
		res.Equilibria = []Equilibrium{{Profile: b, Regret: t.Regret(b), Component: -1}}
		res.Elapsed = time.Since(start)
		return res, nil
	}
	target := 1e9
	if opts.Lambda > 0 {
		target = opts.Lambda * lg.span
	}
	// Arc-length continuation in x = (y, λ): the path may turn back in λ.
	x := append(append([]float64(nil), y...), 0)
	tau := make([]float64, K+1)
	tau[K] = 1
	h := 0.3
	steps := 0
	lam := 0.0
	for {
		if err := ctx.Err(); err != nil {
			res.Complete, res.Reason = false, reasonOf(err)
			break
		}
		J := lg.jacobian(x)
		nt, err := lg.tangent(J, tau)
		if err != nil {
			res.Complete, res.Reason = false, "logit path lost (singular tangent)"
			break
		}
		tau = nt
		var xn []float64
		for {
			pred := make([]float64, K+1)
			for i := range pred {
				pred[i] = x[i] + h*tau[i]
			}
			if opts.Lambda > 0 && pred[K] > target {
				// land exactly on the requested λ
				f := (target - x[K]) / tau[K]
				for i := range pred {
					pred[i] = x[i] + f*tau[i]
				}
			}
			var iters int
			xn, iters = lg.correct(pred, tau, opts.Lambda > 0 && pred[K] >= target)
			if xn != nil {
				if iters <= 3 {
					h = math.Min(h*1.6, 1e6)
				}
				break
			}
			h /= 2
			if h < 1e-10 {
				break
			}
		}
		if xn == nil {
			res.Complete, res.Reason = false, "logit path lost (corrector failed)"
			break
		}
		x = xn
		lam = x[K]
		steps++
		if opts.Progress != nil && steps%20 == 0 {
			opts.Progress(fmt.Sprintf("lambda %.3g", lam/lg.span))
		}
		if lam >= target*(1-1e-12) {
			break
		}
		if opts.Lambda <= 0 && lam > 10 && t.Regret(lg.behaviour(x[:K])) < 1e-12*lg.span {
			break
		}
		if steps > 100000 {
			res.Complete, res.Reason = false, "step limit reached"
			break
		}
	}
	y = x[:K]
	b := lg.behaviour(y)
	res.Equilibria = []Equilibrium{{Profile: b, Regret: t.Regret(b), Component: -1, Lambda: lam / lg.span}}
	res.Stats["steps"] = float64(steps)
	res.Stats["lambda"] = lam / lg.span
	res.Elapsed = time.Since(start)
	return res, nil
}

type treeLogit struct {
	t        *game.Tree
	k        int
	infosets []int // personal infosets in player order
	base     []int // base[is]: index of the infoset's first action in y
	span     float64
	scale    float64
}

func newTreeLogit(t *game.Tree) *treeLogit {
	lg := &treeLogit{t: t, base: make([]int, len(t.Infosets))}
	for p := range t.Players {
		for _, is := range t.PlayerInfosets[p] {
			lg.base[is] = lg.k
			lg.k += len(t.Infosets[is].Actions)
			lg.infosets = append(lg.infosets, is)
		}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, o := range t.Outcomes {
		for _, v := range o.Payoffs {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if hi > lo {
		lg.span = hi - lo
	}
	lg.scale = 1
	if lg.span > 0 {
		lg.scale = 1 / lg.span
	}
	return lg
}

func (lg *treeLogit) flat(is, a int) int { return lg.base[is] + a }

func (lg *treeLogit) behaviour(y []float64) [][]float64 {
	t := lg.t
	b := make([][]float64, len(t.Players))
	for p := range b {
		b[p] = make([]float64, t.NumActions(p))
		for _, is := range t.PlayerInfosets[p] {
			k := len(t.Infosets[is].Actions)
			sum := 0.0
			for a := 0; a < k; a++ {
				sum += math.Exp(y[lg.flat(is, a)])
			}
			for a := 0; a < k; a++ {
				b[p][t.ActionOffset(is)+a] = math.Exp(y[lg.flat(is, a)]) / sum
			}
		}
	}
	return b
}

// residual evaluates the agent-QRE equations at log-probabilities y and
// precision lam (payoffs scaled to a unit span).
func (lg *treeLogit) residual(y []float64, lam float64, out []float64) {
	t := lg.t
	n := len(t.Nodes)
	np := len(t.Players)
	prob := func(node, a int) float64 {
		s := &t.Infosets[t.Nodes[node].Infoset]
		if s.Player == game.Chance {
			return s.ProbsF[a]
		}
		return math.Exp(y[lg.flat(t.Nodes[node].Infoset, a)])
	}
	// reach excluding the mover's own probabilities is enough: under
	// perfect recall the own part is common to an information set.
	reach := make([]float64, n*np) // reach of node for beliefs of player p (others and chance)
	for p := 0; p < np; p++ {
		reach[p] = 1
	}
	for node := 0; node < n; node++ {
		nd := &t.Nodes[node]
		if nd.Infoset < 0 {
			continue
		}
		pl := t.Infosets[nd.Infoset].Player
		for a, c := range nd.Children {
			pr := prob(node, a)
			for p := 0; p < np; p++ {
				if p == pl {
					reach[c*np+p] = reach[node*np+p]
				} else {
					reach[c*np+p] = reach[node*np+p] * pr
				}
			}
		}
	}
	val := make([]float64, n*np)
	for node := n - 1; node >= 0; node-- {
		nd := &t.Nodes[node]
		for p := 0; p < np; p++ {
			v := 0.0
			if nd.Outcome >= 0 {
				v = t.Outcomes[nd.Outcome].Payoffs[p] * lg.scale
			}
			for a, c := range nd.Children {
				v += prob(node, a) * val[c*np+p]
			}
			val[node*np+p] = v
		}
	}
	for _, is := range lg.infosets {
		s := &t.Infosets[is]
		p := s.Player
		k := len(s.Actions)
		V := make([]float64, k)
		den := 0.0
		for _, h := range s.Nodes {
			den += reach[h*np+p]
		}
		for a := 0; a < k; a++ {
			for _, h := range s.Nodes {
				w := 1.0 / float64(len(s.Nodes))
				if den > 0 {
					w = reach[h*np+p] / den
				}
				V[a] += w * val[t.Nodes[h].Children[a]*np+p]
			}
		}
		b := lg.base[is]
		sum := 0.0
		for a := 0; a < k; a++ {
			sum += math.Exp(y[b+a])
		}
		out[b] = sum - 1
		for a := 1; a < k; a++ {
			out[b+a] = y[b+a] - y[b] - lam*(V[a]-V[0])
		}
	}
}

var errTreeSingular = errors.New("singular Jacobian")

// jacobian returns the K × (K+1) Jacobian of the residual in (y, λ) by
// forward differences, row-major.
func (lg *treeLogit) jacobian(x []float64) []float64 {
	K := lg.k
	f := make([]float64, K)
	f2 := make([]float64, K)
	lg.residual(x[:K], x[K], f)
	J := make([]float64, K*(K+1))
	xx := append([]float64(nil), x...)
	for j := 0; j <= K; j++ {
		hj := 1e-7 * math.Max(1, math.Abs(x[j]))
		xx[j] = x[j] + hj
		lg.residual(xx[:K], xx[K], f2)
		xx[j] = x[j]
		for i := 0; i < K; i++ {
			J[i*(K+1)+j] = (f2[i] - f[i]) / hj
		}
	}
	return J
}

// tangent solves [J; prev'] τ = e_{K+1} and normalises τ, keeping the
// direction of travel.
func (lg *treeLogit) tangent(J, prev []float64) ([]float64, error) {
	K := lg.k
	A := make([]float64, (K+1)*(K+1))
	copy(A, J)
	copy(A[K*(K+1):], prev)
	rhs := make([]float64, K+1)
	rhs[K] = 1
	tau, err := treeSolve(A, rhs, K+1)
	if err != nil {
		return nil, err
	}
	norm := 0.0
	for _, v := range tau {
		norm += v * v
	}
	norm = math.Sqrt(norm)
	for i := range tau {
		tau[i] /= norm
	}
	return tau, nil
}

// correct runs Newton on [F(x) = 0; τ·(x − pred) = 0] (or λ fixed at
// pred's when fixLam) from pred; nil when it does not converge.
func (lg *treeLogit) correct(pred, tau []float64, fixLam bool) ([]float64, int) {
	K := lg.k
	x := append([]float64(nil), pred...)
	f := make([]float64, K)
	for it := 1; it <= 10; it++ {
		lg.residual(x[:K], x[K], f)
		norm := 0.0
		for _, v := range f {
			norm = math.Max(norm, math.Abs(v))
		}
		if norm < 1e-11 {
			return x, it
		}
		J := lg.jacobian(x)
		A := make([]float64, (K+1)*(K+1))
		copy(A, J)
		rhs := make([]float64, K+1)
		copy(rhs, f)
		if fixLam {
			A[K*(K+1)+K] = 1
		} else {
			copy(A[K*(K+1):], tau)
			d := 0.0
			for i := range x {
				d += tau[i] * (x[i] - pred[i])
			}
			rhs[K] = d
		}
		dx, err := treeSolve(A, rhs, K+1)
		if err != nil {
			return nil, it
		}
		for i := range x {
			x[i] -= dx[i]
			if math.IsNaN(x[i]) {
				return nil, it
			}
		}
		for i := 0; i < K; i++ {
			if x[i] > 1e-6 {
				return nil, it
			}
		}
	}
	lg.residual(x[:K], x[K], f)
	for _, v := range f {
		if math.Abs(v) > 1e-9 {
			return nil, 10
		}
	}
	return x, 10
}

// treeSolve solves J x = f by Gaussian elimination with partial pivoting.
func treeSolve(J, f []float64, K int) ([]float64, error) {
	A := append([]float64(nil), J...)
	b := append([]float64(nil), f...)
	for c := 0; c < K; c++ {
		piv := c
		for r := c + 1; r < K; r++ {
			if math.Abs(A[r*K+c]) > math.Abs(A[piv*K+c]) {
				piv = r
			}
		}
		if math.Abs(A[piv*K+c]) < 1e-300 {
			return nil, errTreeSingular
		}
		if piv != c {
			for j := 0; j < K; j++ {
				A[c*K+j], A[piv*K+j] = A[piv*K+j], A[c*K+j]
			}
			b[c], b[piv] = b[piv], b[c]
		}
		for r := c + 1; r < K; r++ {
			m := A[r*K+c] / A[c*K+c]
			if m == 0 {
				continue
			}
			for j := c; j < K; j++ {
				A[r*K+j] -= m * A[c*K+j]
			}
			b[r] -= m * b[c]
		}
	}
	x := make([]float64, K)
	for r := K - 1; r >= 0; r-- {
		s := b[r]
		for j := r + 1; j < K; j++ {
			s -= A[r*K+j] * x[j]
		}
		x[r] = s / A[r*K+r]
	}
	return x, nil
}
