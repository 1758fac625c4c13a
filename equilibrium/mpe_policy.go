package equilibrium

import (
	"context"
	"fmt"
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
// in 40–80 iterations from one of two starts (the logit path's point
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
	for it := 0; ; it++ {
		if err := ctx.Err(); err != nil {
			r, _ := m.result(sig, method, it, opt.Tol, "stopped: "+err.Error())
			return r, err
		}
		gain, V, err := m.certificate(sig)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", method, err)
		}
		if gain <= opt.Tol {
			return &Result{Strategies: sig, Values: V, MaxDeviationGain: gain, Converged: true,
				Method: method, Iterations: it}, nil
		}
		if it == maxIt {
			return m.result(sig, method, it, opt.Tol, fmt.Sprintf("policy iteration found no certified equilibrium in %d iterations", it))
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
			why := fmt.Sprintf("policy iteration cycles with period %d after %d iterations, and the polish of the cycle's average is not certified", p, it+1)
			if p == 1 {
				why = fmt.Sprintf("policy iteration settled after %d iterations on a profile the polish does not certify", it+1)
			}
			return m.result(sig, method, it+1, opt.Tol, why)
		}
	}
}
