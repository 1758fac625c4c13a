package equilibrium

import (
	"context"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// Policy iteration on stage games: the profile's values are computed
// exactly (one linear solve per actor), every state's stage game is
// solved at those values, keeping the stage equilibrium closest to the
// current play (the choice of value iteration's stage solver; in closed
// form on nondegenerate 2×2 stage games, mpeStage2x2, which cut a 400-state
// iteration from about 8 to 3 ms), and the new profile is evaluated in
// turn. A profile that its own values reproduce is an MPE.
// Like value iteration it can cycle in general-sum games: when a profile
// comes back to within mpePolicyCycleTol of one of the last
// mpePolicyCycleMax profiles (a cycle of that period, or a period of 1
// when the play has settled while mixed probabilities still converge),
// the average of the cycle's profiles is polished on its support
// (support-Newton, as every method ends) and the iteration stops: it
// returns the polished profile when the certificate accepts it, else its
// last profile, not converged, with the reason.
//
// Close to an equilibrium whose supports have settled (the same as in
// the profile before, gain at most mpePolicyPolishGain) the profile is
// polished on them too, which certifies mixed equilibria the iteration
// itself approaches slowly or overshoots.
//
// On the 400-state two-actor benchmark games whose value iteration
// wanders (docs/solve.md, Benchmarks) this finds a certified equilibrium
// in 59–79 iterations from one of two starts (the logit path's point
// where auto pauses it, or uniform play), each iteration a dense solve
// per actor and a sweep of stage games.

const (
	// mpePolicyMaxIter caps the iterations of a run of its own (Options'
	// MaxIter overrides it); auto gives each start at most
	// mpeAutoPolicyIter.
	mpePolicyMaxIter = 1000
	// mpePolicyCycleMax is the longest cycle looked for.
	mpePolicyCycleMax = 12
	// mpePolicyCycleTol is how close (largest difference of any
	// probability) a profile must come to an earlier one to close a cycle.
	mpePolicyCycleTol = 1e-6
	// mpePolicyPolishGain: a profile whose largest one-shot deviation
	// gain is at most this fraction of the largest payoff, on the same
	// supports as the profile before it, is polished on them; then again
	// at each tenfold drop of the gain.
	mpePolicyPolishGain = 1e-2
)

// mpePolicyIterate runs policy iteration from start (nil: uniform play)
// for at most maxIt iterations (0: opt.MaxIter, else mpePolicyMaxIter).
func mpePolicyIterate(ctx context.Context, m *mpeModel, opt Options, start [][][]float64, maxIt int) (*Result, error) {
	return mpePolicyIterateDamped(ctx, m, opt, start, maxIt, 1)
}

// mpePolicyIterateDamped is mpePolicyIterate with the values the stage
// games are solved at damped: W ← W + beta·(V − W), V the current
// profile's exact values (W starts at the first profile's). beta = 1 is
// plain policy iteration; a smaller beta moves the stage games more
// slowly and so changes which cycles the iteration falls into. An
// equilibrium is still only what its own exact values certify.
func mpePolicyIterateDamped(ctx context.Context, m *mpeModel, opt Options, start [][][]float64, maxIt int, beta float64) (*Result, error) {
	const method = "policy iteration"
	if maxIt <= 0 {
		maxIt = opt.MaxIter
	}
	if maxIt <= 0 {
		maxIt = mpePolicyMaxIter
	}
	sig := m.uniform()
	if start != nil {
		sig = mpeCopy(start)
	}
	nA := m.nA
	var hist [][][][]float64 // the last profiles, oldest first
	u := make([]float64, 0)
	prev := make([][]float64, nA)
	var lu mpeLU
	var W [][]float64 // the values the stage games are solved at
	polishAt := mpePolicyPolishGain * m.scale
	// Large games evaluate by sparse sweeps; the largest do not polish
	// (the polish's dense system would cost more than the whole run; auto
	// skips its runs there, mpeAutoPolicyIters).
	sparse, noPolish := m.policySparse(), m.policyNoPolish()
	var Vlast [][]float64
	for it := 0; ; it++ {
		if err := ctx.Err(); err != nil {
			r, _ := m.result(sig, method, it, opt.Tol, "stopped: "+err.Error())
			return r, err
		}
		var V [][]float64
		var err error
		if sparse {
			V, err = m.policyValuesSparse(sig, Vlast)
			Vlast = V
		} else {
			V, err = m.policyValues(sig, &lu)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", method, err)
		}
		gain := m.gainAt(sig, V)
		if gain <= opt.Tol {
			if r, err := m.result(sig, method, it, opt.Tol, ""); err != nil || r.Converged {
				return r, err
			}
		}
		// Near an equilibrium, with the supports the same as in the last
		// profile, Newton's method on them (the polish) finishes what the
		// iteration itself approaches slowly or not at all: mixed play is
		// set by the other actor's indifference at values that lag one
		// iteration behind, and so overshoots.
		if !opt.policyNoPolish && !noPolish && gain > opt.Tol && gain <= polishAt && len(hist) > 0 &&
			slices.Equal(mpeSupportList(m, sig, 1e-9), mpeSupportList(m, hist[len(hist)-1], 1e-9)) {
			for polishAt >= gain {
				polishAt /= 10
			}
			if pol, pg, ok := m.polish(sig, V, mpeSupportOf(sig, 1e-9)); ok && pg <= opt.Tol {
				return m.result(pol, method, it, opt.Tol, "")
			}
		}
		if beta < 1 {
			if W == nil {
				W = V
			} else {
				for a := range W {
					for _, s := range m.nt {
						W[a][s] += beta * (V[a][s] - W[a][s])
					}
				}
			}
		} else {
			W = V
		}
		if it == maxIt {
			return m.result(sig, method, it, opt.Tol, fmt.Sprintf("no certified equilibrium in %d iterations", it))
		}
		if len(hist) == mpePolicyCycleMax {
			hist = append(hist[:0], hist[1:]...)
		}
		hist = append(hist, sig)
		next := make([][][]float64, nA)
		for a := range next {
			next[a] = make([][]float64, m.nS)
		}
		for _, s := range m.nt {
			var err error
			nj := m.nJ[s]
			if cap(u) < nj*nA {
				u = make([]float64, nj*nA)
			}
			u = u[:nj*nA]
			m.stagePayoff(s, W, u)
			for a := range prev {
				prev[a] = sig[a][s]
			}
			eq := mpeStage2x2(m.K[s], u, prev)
			if eq == nil {
				eq, err = mpeStageDefault(ctx, m.K[s], u, prev)
			}
			if err != nil {
				return m.result(sig, method, it, opt.Tol, fmt.Sprintf("state %s: %v", m.stateID(s), err))
			}
			for a := 0; a < nA; a++ {
				next[a][s] = eq[a]
			}
		}
		sig = next
		// A cycle: sig is back (to within the tolerance) where it was
		// p iterations ago; its profiles are the last p.
		for p := 1; p <= len(hist); p++ {
			if mpeDist(sig, hist[len(hist)-p]) > mpePolicyCycleTol {
				continue
			}
			avg := mpeCopy(sig)
			cyc := hist[len(hist)-p+1:]
			for a := range avg {
				for _, s := range m.nt {
					for k := range avg[a][s] {
						x := sig[a][s][k]
						for _, h := range cyc {
							x += h[a][s][k]
						}
						avg[a][s][k] = x / float64(p)
					}
				}
			}
			if _, Va, err := m.certificate(avg); err == nil && !noPolish {
				if pol, gain, ok := m.polish(avg, Va, mpeSupportOf(avg, 1e-9)); ok && gain <= opt.Tol {
					return m.result(pol, method, it+1, opt.Tol, "")
				}
			}
			why := fmt.Sprintf("cycles with period %d after %d iterations, and the polish of the cycle's average is not certified", p, it+1)
			if p == 1 {
				why = fmt.Sprintf("settled after %d iterations on a profile the polish does not certify", it+1)
			}
			return m.result(sig, method, it+1, opt.Tol, why)
		}
	}
}

// policyValues returns every actor's values of sig, as evaluate does, by
// one dense LU factorisation per actor (f's storage reused), without the
// condition estimate that gonum's solve adds (a third of evaluate's work
// at 400 states): I − δ_a P_σ is strictly diagonally dominant (δ_a < 1),
// so never singular. The bits can differ from evaluate's; every result is
// certified by evaluate.
func (m *mpeModel) policyValues(sig [][][]float64, f *mpeLU) ([][]float64, error) {
	V, solve, err := m.valuesStart()
	if !solve || err != nil {
		return V, err
	}
	n, nA := len(m.nt), m.nA
	if f.n != n {
		f.n, f.a, f.ipiv = n, make([]float64, n*n), make([]int, n)
	}
	b := make([]float64, n)
	for a := 0; a < nA; a++ {
		clear(f.a)
		for i, s := range m.nt {
			b[i] = m.bellmanRow(sig, a, s, i, f.a[i*n:(i+1)*n])
		}
		if !lapack64.Getrf(blas64.General{Rows: n, Cols: n, Stride: n, Data: f.a}, f.ipiv) {
			return nil, fmt.Errorf("evaluating profile: singular value equations")
		}
		f.solve(b)
		for i, s := range m.nt {
			V[a][s] = b[i]
		}
	}
	return V, nil
}

// mpePolicySparseSweeps caps policyValuesSparse's sweeps.
const mpePolicySparseSweeps = 20000

// policySparse reports whether policy iteration evaluates profiles of m
// by sparse sweeps (policyValuesSparse) rather than dense factorisations:
// when the dense ones would cost more than mpePolicyDenseWork operations
// an iteration (nA·⅔·states³: above about 200 two-actor states) and more
// than the sweeps are expected to (nA times the rows' entries times the
// sweeps that shrink an error by 10⁻¹⁵ at the largest discount: about
// 330 at δ = 0.9, 34,000 at δ = 0.999).
func (m *mpeModel) policySparse() bool {
	n := float64(len(m.nt))
	dense := float64(m.nA) * 2.0 / 3 * n * n * n
	if dense <= mpePolicyDenseWork {
		return false
	}
	dmax := 0.0
	for _, d := range m.disc {
		dmax = math.Max(dmax, d)
	}
	if dmax >= 1 {
		return false
	}
	nnz := 0.0
	for _, s := range m.nt {
		nnz += float64(len(m.succ[s]) + 1)
	}
	sweeps := 0.0
	if dmax > 0 {
		sweeps = math.Log(1e-15) / math.Log(dmax)
	}
	return float64(m.nA)*nnz*sweeps < dense && sweeps < mpePolicySparseSweeps
}

// mpePolicyDenseWork: see policySparse.
const mpePolicyDenseWork = 1e7

// policyNoPolish reports whether policy iteration skips its polishes on
// m: where dense evaluations, which cost about what the polish's dense
// system does, would allow fewer than mpeAutoPolicyMinIter iterations in
// mpeAutoFirstWork (above about 670 two-actor states).
func (m *mpeModel) policyNoPolish() bool {
	n := float64(len(m.nt))
	return mpeAutoFirstWork/(float64(m.nA)*2.0/3*n*n*n) < mpeAutoPolicyMinIter
}

// policyValuesSparse returns every actor's values of sig by Gauss–Seidel
// sweeps over the Bellman equations (each row holds only the state's
// successors), from warm (nil: zero) until no value moves by more than
// 10⁻¹⁵ of the largest: a contraction by the discount at least, so the
// error left is about δ/(1 − δ) times that. On a 1,000-state game a
// sweep costs some 10⁴ operations where a dense factorisation costs
// 7·10⁸. Not converged within mpePolicySparseSweeps is an error.
func (m *mpeModel) policyValuesSparse(sig [][][]float64, warm [][]float64) ([][]float64, error) {
	n, nA := len(m.nt), m.nA
	V := make([][]float64, nA)
	for a := range V {
		V[a] = make([]float64, m.nS)
		for s := 0; s < m.nS; s++ {
			switch {
			case m.ntIdx[s] < 0:
				V[a][s] = m.entry[s][a]
			case warm != nil:
				V[a][s] = warm[a][s]
			}
		}
	}
	row := make([]float64, n)
	b := make([]float64, n)
	diag := make([]float64, n)
	start := make([]int, n+1)
	var cols []int
	var vals []float64
	x := make([]float64, n)
	for a := 0; a < nA; a++ {
		cols, vals = cols[:0], vals[:0]
		for i, s := range m.nt {
			b[i] = m.bellmanRow(sig, a, s, i, row)
			diag[i] = row[i]
			row[i] = 0
			for _, t := range m.succ[s] {
				if row[t] != 0 {
					cols = append(cols, t)
					vals = append(vals, row[t])
					row[t] = 0
				}
			}
			start[i+1] = len(cols)
			x[i] = V[a][s]
		}
		converged := false
		for sweep := 0; sweep < mpePolicySparseSweeps && !converged; sweep++ {
			move, big := 0.0, 0.0
			for i := range x {
				v := b[i]
				for k := start[i]; k < start[i+1]; k++ {
					v -= vals[k] * x[cols[k]]
				}
				v /= diag[i]
				move = math.Max(move, math.Abs(v-x[i]))
				big = math.Max(big, math.Abs(v))
				x[i] = v
			}
			if math.IsNaN(move) {
				break
			}
			converged = move <= 1e-15*math.Max(big, m.scale)
		}
		if !converged {
			return nil, fmt.Errorf("evaluating profile: sparse sweeps did not converge in %d", mpePolicySparseSweeps)
		}
		for i, s := range m.nt {
			V[a][s] = x[i]
		}
	}
	return V, nil
}

// mpeStage2x2 is the stage solver's choice (mpeStageDefault) in closed
// form on a nondegenerate game of two actors with two actions each
// (payoffs u in Gambit order): the equilibrium with prev's supports if
// there is one, else the one closest to prev in L1 distance, among the
// pure equilibria and the completely mixed one. It returns nil for other
// shapes and when some action ties with the other against a pure action
// of the opponent (to within 10⁻¹² of the largest payoff), where
// equilibria come in continua and the general solver decides.
func mpeStage2x2(shape []int, u []float64, prev [][]float64) [][]float64 {
	if len(shape) != 2 || shape[0] != 2 || shape[1] != 2 {
		return nil
	}
	A := func(i, j int) float64 { return u[(i+2*j)*2] }
	B := func(i, j int) float64 { return u[(i+2*j)*2+1] }
	scale := 0.0
	for _, v := range u[:8] {
		scale = max(scale, math.Abs(v))
	}
	tol := 1e-12 * max(scale, 1e-300)
	// dA[j]: actor 0's gain from its first action against the other's j;
	// dB[i]: actor 1's from its first against actor 0's i.
	dA := [2]float64{A(0, 0) - A(1, 0), A(0, 1) - A(1, 1)}
	dB := [2]float64{B(0, 0) - B(0, 1), B(1, 0) - B(1, 1)}
	for _, d := range [...]float64{dA[0], dA[1], dB[0], dB[1]} {
		if math.Abs(d) <= tol || math.IsNaN(d) {
			return nil
		}
	}
	type eq struct{ p, q float64 } // first actions' probabilities
	var eqs [4]eq
	n := 0
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			// i best against j, j best against i
			if (dA[j] > 0) == (i == 0) && (dB[i] > 0) == (j == 0) {
				eqs[n] = eq{float64(1 - i), float64(1 - j)}
				n++
			}
		}
	}
	// completely mixed: q makes actor 0 indifferent, p actor 1
	if (dA[0] > 0) != (dA[1] > 0) && (dB[0] > 0) != (dB[1] > 0) {
		q := dA[1] / (dA[1] - dA[0])
		p := dB[1] / (dB[1] - dB[0])
		if p > 0 && p < 1 && q > 0 && q < 1 {
			eqs[n] = eq{p, q}
			n++
		}
	}
	if n == 0 {
		return nil
	}
	mixed := func(x []float64) bool { return min(x[0], x[1]) >= 1e-9*max(x[0], x[1]) }
	best, bestD := -1, math.Inf(1)
	for k, e := range eqs[:n] {
		sameSupp := (e.p != 0 && e.p != 1) == mixed(prev[0]) && (e.q != 0 && e.q != 1) == mixed(prev[1])
		if sameSupp && !mixed(prev[0]) {
			sameSupp = (e.p == 1) == (prev[0][0] > prev[0][1]) && (e.q == 1) == (prev[1][0] > prev[1][1])
		}
		if sameSupp {
			best = k
			break
		}
		d := math.Abs(e.p-prev[0][0]) + math.Abs(1-e.p-prev[0][1]) + math.Abs(e.q-prev[1][0]) + math.Abs(1-e.q-prev[1][1])
		if d < bestD {
			best, bestD = k, d
		}
	}
	e := eqs[best]
	return [][]float64{{e.p, 1 - e.p}, {e.q, 1 - e.q}}
}
