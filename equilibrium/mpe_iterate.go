package equilibrium

import (
	"context"
	"fmt"
	"math"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/nash"
)

// Value iteration on stage games: given continuation values V, every
// state's one-shot game (flow plus discounted continuation) is solved, the
// equilibrium closest to the previous iterate's play is kept, and V becomes
// what that play earns. A fixed point is an MPE; the iteration can cycle in
// general-sum games, which is reported, never hidden.

const (
	mpeIterateMaxSweeps = 20000
	mpeStageMaxSteps    = 2000 // path steps for one stage game
	mpeSupportEnumMax   = 5000 // support pairs enumerated before Lemke–Howson
)

// mpeStageSolver solves one stage game: shape[a] actions per actor, payoffs
// pay[j*N+a] in Gambit order (actor 0 fastest), returning an equilibrium
// that follows prev where it can. It is a function type so that the stage
// solver can be swapped (for package nash's Lemke–Howson or logit) without
// touching the iteration.
type mpeStageSolver func(ctx context.Context, shape []int, pay []float64, prev [][]float64) ([][]float64, error)

func mpeIterate(ctx context.Context, m *mpeModel, opt Options) (*Result, error) {
	return mpeIterateWith(ctx, m, opt, mpeStageDefault, nil)
}

// mpeIterateWith runs value iteration with the stage solver solve from the
// profile start (nil: uniform play).
func mpeIterateWith(ctx context.Context, m *mpeModel, opt Options, solve mpeStageSolver, start [][][]float64) (*Result, error) {
	it, err := mpeIterateStart(m, opt, solve, start)
	if err != nil {
		return nil, err
	}
	r, st, err := it.advance(ctx, it.maxSweeps)
	if st == mpePathCapped {
		return it.finish()
	}
	return r, err
}

// mpeIter is value iteration that can be paused (at a sweep limit or when
// a context ends) and resumed where it stopped, as auto does.
type mpeIter struct {
	maxSweeps int
	// advance sweeps until the values settle (or a stage game cannot be
	// solved), until limit sweeps in all, or until ctx ends. Its result is
	// nil when it stopped at the limit.
	advance func(ctx context.Context, limit int) (*Result, mpePathStatus, error)
	// finish polishes the last iterate and returns it, not converged
	// unless the polish certifies it.
	finish func() (*Result, error)
}

// mpeIterateStart prepares the value iteration of mpeIterateWith.
func mpeIterateStart(m *mpeModel, opt Options, solve mpeStageSolver, start [][][]float64) (*mpeIter, error) {
	maxIt := opt.MaxIter
	if maxIt <= 0 {
		maxIt = mpeIterateMaxSweeps
	}
	sig := m.uniform()
	if start != nil {
		sig = mpeCopy(start)
	}
	V, err := m.evaluate(sig)
	if err != nil {
		return nil, fmt.Errorf("iterate: %w", err)
	}
	nA := m.nA
	newV := make([][]float64, nA)
	for a := range newV {
		newV[a] = append([]float64(nil), V[a]...)
	}
	u := make([]float64, 0)
	change := math.Inf(1)
	nextPolish := 1e-6 * m.scale
	// Damping. Plain value iteration (alpha = 1) can cycle in general-sum
	// games: the stage equilibria chosen for the current values earn values
	// for which other stage equilibria are chosen, and so on. When the
	// value change has not halved within a window (several half-lives of
	// the slowest discount's contraction, so that a converging iteration
	// is never damped), the step V ← V + alpha (V' − V) is halved, down to
	// 1/64. A fixed point is the same MPE whatever alpha: V' = V.
	alpha, best, bestAt := 1.0, math.Inf(1), 0
	window := mpeDampWindow(m.disc)
	it := 0 // sweeps done
	advance := func(ctx context.Context, limit int) (*Result, mpePathStatus, error) {
		for it < limit {
			if err := ctx.Err(); err != nil {
				r, err := m.result(sig, "iterate", it, opt.Tol, "stopped: "+err.Error())
				return r, mpePathStopped, err
			}
			it++
			change = 0
			for _, s := range m.nt {
				nj := m.nJ[s]
				if cap(u) < nj*nA {
					u = make([]float64, nj*nA)
				}
				u = u[:nj*nA]
				m.stagePayoff(s, V, u)
				prev := make([][]float64, nA)
				for a := range prev {
					prev[a] = sig[a][s]
				}
				eq, err := solve(ctx, m.K[s], u, prev)
				if err != nil {
					// A stage game no method could solve ends the iteration; it is
					// non-convergence, reported with its reason, not a failure of
					// the call (the certificate still judges the last profile).
					r, err := m.result(sig, "iterate", it, opt.Tol, fmt.Sprintf("state %s: %v", m.stateID(s), err))
					return r, mpePathDone, err
				}
				for a := 0; a < nA; a++ {
					sig[a][s] = eq[a]
				}
				// value of the chosen stage equilibrium
				for a := 0; a < nA; a++ {
					newV[a][s] = 0
				}
				for j := 0; j < nj; j++ {
					p := 1.0
					kp := m.kpos[s][j*nA : (j+1)*nA]
					for a := 0; a < nA; a++ {
						p *= eq[a][kp[a]]
					}
					if p == 0 {
						continue
					}
					for a := 0; a < nA; a++ {
						newV[a][s] += p * u[j*nA+a]
					}
				}
				for a := 0; a < nA; a++ {
					change = math.Max(change, math.Abs(newV[a][s]-V[a][s]))
				}
			}
			if change <= 0.5*best {
				best, bestAt = change, it
			} else if it-bestAt >= window && alpha > 1.0/64 {
				alpha /= 2
				best, bestAt = change, it
			}
			for a := range V {
				if alpha == 1 {
					copy(V[a], newV[a])
					continue
				}
				for _, s := range m.nt {
					V[a][s] += alpha * (newV[a][s] - V[a][s])
				}
			}
			if opt.Progress != nil && it%100 == 0 {
				opt.Progress(fmt.Sprintf("iterate: sweep %d, value change %.3g", it, change))
			}
			if change <= 1e-13*m.scale {
				r, err := m.polished(sig, V, it, opt.Tol, "")
				return r, mpePathDone, err
			}
			if change <= nextPolish {
				nextPolish /= 100
				if p, gain, ok := m.polish(sig, V, mpeSupportOf(sig, 1e-9)); ok && gain <= opt.Tol {
					r, err := m.result(p, "iterate", it, opt.Tol, "")
					return r, mpePathDone, err
				}
			}
		}
		return nil, mpePathCapped, nil
	}
	finish := func() (*Result, error) {
		return m.polished(sig, V, it, opt.Tol, fmt.Sprintf("value iteration did not converge in %d sweeps (last value change %.3g, damping %g)", it, change, alpha))
	}
	return &mpeIter{maxSweeps: maxIt, advance: advance, finish: finish}, nil
}

// polished returns value iteration's last iterate sig (values V) polished
// on its support when that certifies it, else sig itself with reason.
func (m *mpeModel) polished(sig [][][]float64, V [][]float64, sweeps int, tol float64, reason string) (*Result, error) {
	if p, gain, ok := m.polish(sig, V, mpeSupportOf(sig, 1e-9)); ok && gain <= tol {
		return m.result(p, "iterate", sweeps, tol, "")
	}
	return m.result(sig, "iterate", sweeps, tol, reason)
}

// mpeDampWindow is the number of sweeps value iteration waits for its
// value change to halve before damping its steps: 300 plus ten half-lives
// of the slowest discount's contraction (δ^h = 1/2), so an iteration that
// converges at the contraction's rate is never damped, nor one that
// plateaus for a while as supports change (a 50-state two-actor random
// game converges undamped after a plateau of more than 69 sweeps, and
// damping it there made it cycle).
func mpeDampWindow(disc []float64) int {
	w := 300.0
	for _, d := range disc {
		if d > 0 && d < 1 {
			w = math.Max(w, 300+10*math.Ln2/-math.Log(d))
		}
	}
	return int(math.Min(w, 5000))
}

// mpeSupportOf returns the support test "probability above thr times the
// largest in that state".
func mpeSupportOf(sig [][][]float64, thr float64) func(a, s, k int) bool {
	return func(a, s, k int) bool {
		mx := 0.0
		for _, p := range sig[a][s] {
			mx = math.Max(mx, p)
		}
		return sig[a][s][k] >= thr*mx
	}
}

// mpeStageDefault first tries to continue the previous stage equilibrium
// (same supports, re-solved for the new payoffs). Failing that it asks
// package nash: every Lemke–Howson-accessible equilibrium for two actors
// (keeping the one closest to prev), the logit path for more; each answer
// is polished on its support to rounding error. Support enumeration and
// this package's own logit tracing are the fallbacks.
func mpeStageDefault(ctx context.Context, shape []int, pay []float64, prev [][]float64) ([][]float64, error) {
	sm := newMPEStageModel(ctx, shape, pay)
	tol := 1e-12 * sm.scale
	try := func(sig [][]float64) [][]float64 {
		if sig == nil {
			return nil
		}
		ps := make([][][]float64, len(shape))
		V0 := make([][]float64, len(shape))
		for a := range ps {
			if len(sig[a]) != shape[a] {
				return nil
			}
			ps[a] = [][]float64{sig[a]}
			V0[a] = []float64{0}
		}
		if p, gain, ok := sm.polish(ps, V0, mpeSupportOf(ps, 1e-9)); ok && gain <= tol {
			return mpeUnstage(p)
		}
		return nil
	}
	if eq := try(prev); eq != nil {
		return eq, nil
	}
	g := mpeStrategic(shape, pay)
	if len(shape) == 2 && mpeSupportPairs(shape[0], shape[1]) <= mpeSupportEnumMax {
		// Exact for nondegenerate games and it sees every equilibrium,
		// so the one closest to the previous play is really the closest.
		if eq := try(mpeSupportEnum(shape[0], shape[1], pay, prev, tol)); eq != nil {
			return eq, nil
		}
	}
	if len(shape) == 2 {
		if res, err := nash.LCP(ctx, g, nash.Options{All: true}); err == nil {
			var best [][]float64
			bestD := math.Inf(1)
			for _, e := range res.Equilibria {
				if d := mpeL1(e.Profile, prev); d < bestD {
					best, bestD = e.Profile, d
				}
			}
			if eq := try(best); eq != nil {
				return eq, nil
			}
		}
		if eq := try(mpeSupportEnum(shape[0], shape[1], pay, prev, tol)); eq != nil {
			return eq, nil
		}
	} else if res, err := nash.Logit(ctx, g, nash.Options{}); err == nil && len(res.Equilibria) > 0 {
		if eq := try(res.Equilibria[0].Profile); eq != nil {
			return eq, nil
		}
	}
	sig, _, reason, err := mpeTrace(ctx, sm, Options{Tol: tol, MaxIter: mpeStageMaxSteps}, nil)
	if err != nil {
		return nil, fmt.Errorf("stage game: %w", err)
	}
	if gain, _, _ := sm.certificate(sig); gain > tol {
		if eq := sm.subSupportPolish(sig, tol); eq != nil {
			return mpeUnstage(eq), nil
		}
		return nil, fmt.Errorf("stage game: no equilibrium found (%s)", reason)
	}
	return mpeUnstage(sig), nil
}

// mpeSubSupportMax caps the support profiles subSupportPolish tries.
const mpeSubSupportMax = 4096

// subSupportPolish looks for an exact equilibrium of the one-state model
// sm near sig, the end of a logit path that the polish could not confirm:
// in a (nearly) degenerate stage game the path can approach its limit
// with more actions in play than the limit's support, so every profile of
// non-empty subsets of sig's supports is polished, and the equilibrium
// closest to sig within tol is returned (nil if none, or if there are more
// than mpeSubSupportMax profiles).
func (sm *mpeModel) subSupportPolish(sig [][][]float64, tol float64) [][][]float64 {
	nA := sm.nA
	base := make([][]int, nA) // actions in sig's support, per actor
	total := 1
	for a := 0; a < nA; a++ {
		mx := 0.0
		for _, p := range sig[a][0] {
			mx = math.Max(mx, p)
		}
		for k, p := range sig[a][0] {
			if p >= 1e-9*mx {
				base[a] = append(base[a], k)
			}
		}
		if len(base[a]) > 12 {
			return nil
		}
		total *= 1<<len(base[a]) - 1
		if total > mpeSubSupportMax {
			return nil
		}
	}
	V0 := make([][]float64, nA)
	for a := range V0 {
		V0[a] = []float64{0}
	}
	mask := make([]int, nA) // current subset of base[a], as a bit mask
	for a := range mask {
		mask[a] = 1
	}
	in := func(a, s, k int) bool {
		for i, b := range base[a] {
			if b == k {
				return mask[a]&(1<<i) != 0
			}
		}
		return false
	}
	var best [][][]float64
	bestD := math.Inf(1)
	for {
		if sm.ctx.Err() != nil {
			return nil
		}
		if p, gain, ok := sm.polish(sig, V0, in); ok && gain <= tol {
			if d := mpeDist(p, sig); d < bestD {
				best, bestD = p, d
			}
		}
		// next profile of subsets (odometer)
		a := 0
		for ; a < nA; a++ {
			if mask[a]++; mask[a] < 1<<len(base[a]) {
				break
			}
			mask[a] = 1
		}
		if a == nA {
			return best
		}
	}
}

// mpeStrategic wraps stage payoffs as a game.Strategic for package nash.
func mpeStrategic(shape []int, pay []float64) *game.Strategic {
	g := &game.Strategic{Payoffs: pay}
	for a, k := range shape {
		g.Players = append(g.Players, fmt.Sprint(a+1))
		labels := make([]string, k)
		for i := range labels {
			labels[i] = fmt.Sprint(i + 1)
		}
		g.Strategies = append(g.Strategies, labels)
	}
	return g
}

func mpeL1(x, y [][]float64) float64 {
	d := 0.0
	for a := range x {
		for k := range x[a] {
			if a < len(y) && k < len(y[a]) {
				d += math.Abs(x[a][k] - y[a][k])
			}
		}
	}
	return d
}

func mpeUnstage(sig [][][]float64) [][]float64 {
	out := make([][]float64, len(sig))
	for a := range sig {
		out[a] = sig[a][0]
	}
	return out
}

// mpeSupportEnum finds every equilibrium of the bimatrix game with equal
// support sizes (all of them in a nondegenerate game) plus every pure one,
// and returns the one closest to prev in L1 distance, or nil.
func mpeSupportEnum(m, n int, pay []float64, prev [][]float64, tol float64) [][]float64 {
	A := func(i, j int) float64 { return pay[(i+j*m)*2] }
	B := func(i, j int) float64 { return pay[(i+j*m)*2+1] }
	var best [][]float64
	bestD := math.Inf(1)
	consider := func(x, y []float64) {
		d := 0.0
		for i := range x {
			d += math.Abs(x[i] - prev[0][i])
		}
		for j := range y {
			d += math.Abs(y[j] - prev[1][j])
		}
		if d < bestD {
			bestD = d
			best = [][]float64{append([]float64(nil), x...), append([]float64(nil), y...)}
		}
	}
	// pure profiles (catches degenerate games' pure equilibria)
	x := make([]float64, m)
	y := make([]float64, n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			ok := true
			for i2 := 0; i2 < m && ok; i2++ {
				ok = A(i2, j) <= A(i, j)+tol
			}
			for j2 := 0; j2 < n && ok; j2++ {
				ok = B(i, j2) <= B(i, j)+tol
			}
			if ok {
				clear(x)
				clear(y)
				x[i], y[j] = 1, 1
				consider(x, y)
			}
		}
	}
	rowsOf := func(mask int, size int) []int {
		var r []int
		for i := 0; i < size; i++ {
			if mask&(1<<i) != 0 {
				r = append(r, i)
			}
		}
		return r
	}
	for mi := 1; mi < 1<<m; mi++ {
		I := rowsOf(mi, m)
		if len(I) < 2 {
			continue
		}
		for mj := 1; mj < 1<<n; mj++ {
			J := rowsOf(mj, n)
			if len(J) != len(I) {
				continue
			}
			k := len(I)
			// y on J making rows in I indifferent at value v
			yJ, v, ok := mpeIndiff(k, func(r, c int) float64 { return A(I[r], J[c]) })
			if !ok {
				continue
			}
			xI, w, ok := mpeIndiff(k, func(r, c int) float64 { return B(I[c], J[r]) })
			if !ok {
				continue
			}
			clear(x)
			clear(y)
			for c, j := range J {
				y[j] = yJ[c]
			}
			for c, i := range I {
				x[i] = xI[c]
			}
			// no profitable deviation outside the supports
			good := true
			for i := 0; i < m && good; i++ {
				s := 0.0
				for j := 0; j < n; j++ {
					s += A(i, j) * y[j]
				}
				good = s <= v+tol
			}
			for j := 0; j < n && good; j++ {
				s := 0.0
				for i := 0; i < m; i++ {
					s += B(i, j) * x[i]
				}
				good = s <= w+tol
			}
			if good {
				consider(x, y)
			}
		}
	}
	return best
}

// mpeSupportPairs counts the equal-size support pairs of an m×n game.
func mpeSupportPairs(m, n int) int {
	if m > 16 || n > 16 {
		return math.MaxInt // far too many, and the masks below are ints
	}
	tot, cm, cn := 0, 1, 1
	for k := 1; k <= min(m, n); k++ {
		cm = cm * (m - k + 1) / k
		cn = cn * (n - k + 1) / k
		tot += cm * cn
	}
	return tot
}

// mpeIndiff solves Σ_c M(r,c) p_c = v for every row r, Σ p = 1, for a
// probability vector p (len k) and v; ok is false when singular or some
// p_c is negative.
func mpeIndiff(k int, M func(r, c int) float64) ([]float64, float64, bool) {
	n := k + 1
	a := make([]float64, n*(n+1)) // augmented matrix
	for r := 0; r < k; r++ {
		for c := 0; c < k; c++ {
			a[r*(n+1)+c] = M(r, c)
		}
		a[r*(n+1)+k] = -1
	}
	for c := 0; c < k; c++ {
		a[k*(n+1)+c] = 1
	}
	a[k*(n+1)+n] = 1
	sol, ok := mpeGauss(n, a)
	if !ok {
		return nil, 0, false
	}
	for c := 0; c < k; c++ {
		if sol[c] < -1e-12 {
			return nil, 0, false
		}
		sol[c] = math.Max(sol[c], 0)
	}
	return sol[:k], sol[k], true
}

// mpeGauss solves the n×n system in augmented row-major form by Gaussian
// elimination with partial pivoting.
func mpeGauss(n int, a []float64) ([]float64, bool) {
	w := n + 1
	scale := 0.0
	for _, v := range a {
		scale = math.Max(scale, math.Abs(v))
	}
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r*w+c]) > math.Abs(a[p*w+c]) {
				p = r
			}
		}
		if math.Abs(a[p*w+c]) <= 1e-13*scale {
			return nil, false
		}
		if p != c {
			for i := 0; i < w; i++ {
				a[p*w+i], a[c*w+i] = a[c*w+i], a[p*w+i]
			}
		}
		for r := c + 1; r < n; r++ {
			f := a[r*w+c] / a[c*w+c]
			if f == 0 {
				continue
			}
			for i := c; i < w; i++ {
				a[r*w+i] -= f * a[c*w+i]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := a[r*w+n]
		for i := r + 1; i < n; i++ {
			s -= a[r*w+i] * x[i]
		}
		x[r] = s / a[r*w+r]
	}
	return x, true
}
