package equilibrium

import (
	"context"
	"fmt"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// Policy iteration on stage games: the profile's values are computed
// exactly (one linear solve per actor), every state's stage game is
// solved at those values, keeping the stage equilibrium closest to the
// current play (the stage solver of value iteration), and the new profile
// is evaluated in turn. A profile that its own values reproduce is an MPE.
// Like value iteration it can cycle in general-sum games: when a profile
// comes back to within mpePolicyCycleTol of one of the last
// mpePolicyCycleMax profiles (a cycle of that period, or a period of 1
// when the play has settled while mixed probabilities still converge),
// the average of the cycle's profiles is polished on its support
// (support-Newton, as every method ends) and the iteration stops: it
// returns the polished profile when the certificate accepts it, else its
// last profile, not converged, with the reason.
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
)

// mpePolicyIterate runs policy iteration from start (nil: uniform play)
// for at most maxIt iterations (0: opt.MaxIter, else mpePolicyMaxIter).
func mpePolicyIterate(ctx context.Context, m *mpeModel, opt Options, start [][][]float64, maxIt int) (*Result, error) {
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
	for it := 0; ; it++ {
		if err := ctx.Err(); err != nil {
			r, _ := m.result(sig, method, it, opt.Tol, "stopped: "+err.Error())
			return r, err
		}
		V, err := m.policyValues(sig, &lu)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", method, err)
		}
		if gain := m.gainAt(sig, V); gain <= opt.Tol {
			if r, err := m.result(sig, method, it, opt.Tol, ""); err != nil || r.Converged {
				return r, err
			}
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
			nj := m.nJ[s]
			if cap(u) < nj*nA {
				u = make([]float64, nj*nA)
			}
			u = u[:nj*nA]
			m.stagePayoff(s, V, u)
			for a := range prev {
				prev[a] = sig[a][s]
			}
			eq, err := mpeStageDefault(ctx, m.K[s], u, prev)
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
			if _, Va, err := m.certificate(avg); err == nil {
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
	n, nA := len(m.nt), m.nA
	V := make([][]float64, nA)
	for a := range V {
		V[a] = make([]float64, m.nS)
		for s := 0; s < m.nS; s++ {
			if m.ntIdx[s] < 0 {
				V[a][s] = m.entry[s][a]
			}
		}
	}
	if n == 0 {
		return V, nil
	}
	if err := denseCheck(m.ctx, "the profile's value equations", n, "use fewer states"); err != nil {
		return nil, err
	}
	if f.n != n {
		f.n, f.a, f.ipiv = n, make([]float64, n*n), make([]int, n)
	}
	b := make([]float64, n)
	for a := 0; a < nA; a++ {
		clear(f.a)
		for i, s := range m.nt {
			row := f.a[i*n : (i+1)*n]
			row[i] = 1
			r := 0.0
			for j := 0; j < m.nJ[s]; j++ {
				kp := m.kpos[s][j*nA : (j+1)*nA]
				pj := 1.0
				for c := 0; c < nA; c++ {
					pj *= sig[c][s][kp[c]]
				}
				if pj == 0 {
					continue
				}
				r += pj * m.uflow[s][j*nA+a]
				for _, nx := range m.trans[s][j] {
					w := pj * nx.P * m.disc[a]
					if t := m.ntIdx[nx.State]; t >= 0 {
						row[t] -= w
					} else {
						r += w * m.entry[nx.State][a]
					}
				}
			}
			b[i] = r
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
