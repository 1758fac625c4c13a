package nash

// The path's linear systems in reduced coordinates.
//
// Every system the path solves is bordered: M = [A; cᵀ], where A is the
// Jacobian of the d−1 path equations at y = (σ_B, w, λ) and c is one more
// row (the tangent for the arc-length condition, an event's gradient, or
// a reference direction). A has a fixed structure: each player n's row
// "Σ_{k ∈ B_n} σ_k = 1" has ones on his own support's columns, and each
// payoff row of a strategy s of n has −1 in w_n's column. Both are
// eliminated exactly: the sum row gives σ at n's first support strategy
// F_n in terms of his other ones, and the payoff row of F_n gives w_n. What
// is left is one equation "u_s − u_{F_n} + λ(g_s − g_{F_n}) = 0" per
// non-first support strategy s, in the non-first probabilities and λ: a
// system of |B| − N + 1 unknowns instead of |B| + N + 1, whose LU costs
// about ((|B|−N+1)/(|B|+N+1))³ of the full one (a quarter on a 10×10×10
// path's typical supports).
//
// The reduced matrix R is the Schur complement of the eliminated block P
// (rows: the sum rows and the first payoff rows; columns: σ_{F_n} and
// w_n), so det M = det P · det R up to the sign of the permutations that
// put that block first. det P = (−1)^N, and the two permutations' signs
// multiply to (−1)^{N(2|B|−N)} = (−1)^N (the support reorders rows and
// columns alike, so its inversions cancel): det M and det R have the same
// sign, and the orientation test of the path reads det R unchanged.

// reducedLayout records, for the current support, each player's first
// support strategy and the support positions of the others (the reduced
// unknowns, in support order). It is rebuilt when the support changes.
func (tr *gnmTracer) reducedLayout() {
	if tr.redVer == tr.supVer && tr.first != nil {
		return
	}
	if tr.first == nil {
		tr.first = make([]int, tr.n)
	}
	for n := range tr.first {
		tr.first[n] = -1
	}
	tr.rest, tr.restFirst = tr.rest[:0], tr.restFirst[:0]
	for k, s := range tr.sup {
		n := tr.owner[s]
		if tr.first[n] < 0 {
			tr.first[n] = k
		} else {
			tr.rest = append(tr.rest, k)
			tr.restFirst = append(tr.restFirst, tr.first[n])
		}
	}
	tr.singular = structurallySingular(tr.first, len(tr.sup))
	tr.redVer = tr.supVer
}

// structurallySingular reports whether a support makes the path's
// Jacobian singular whatever the payoffs: when some player n has more
// indifference equations (|B_n| − 1, one per non-first strategy) than
// the unknowns they involve, the other players' free probabilities and λ
// (Σ_{m≠n} (|B_m| − 1) + 1). Those equations are then linearly dependent,
// and the rank a rounding residual may seem to give them is noise. (The
// condition is also sufficient for structural rank: any set of equations
// of two or more players involves every unknown, so by Hall's theorem
// only single players can fall short.) first holds each player's first
// support position in a support of ns strategies sorted by player.
func structurallySingular(first []int, ns int) bool {
	free := ns - len(first) // Σ_m (|B_m| − 1)
	for n, f := range first {
		end := ns
		if n+1 < len(first) {
			end = first[n+1]
		}
		rn := end - f - 1
		if rn > free-rn+1 {
			return true
		}
	}
	return false
}

// solveReduced solves [A; cᵀ] x = b at the loaded point, where A is the
// path's Jacobian (see system) and b = (bA, bl), by the reduction above.
// x (length d) receives the solution; bA (length d−1, payoff rows then
// sum rows, as system orders them) is only read. It returns the sign of
// det[A; cᵀ] and false when the reduced system is singular (a pivot below
// 1e-14 times the largest entry of the full system).
func (tr *gnmTracer) solveReduced(bA, c []float64, bl float64, x []float64) (sign float64, ok bool) {
	tr.reducedLayout()
	if tr.singular {
		return 0, false
	}
	ns, N := len(tr.sup), tr.n
	d := ns + N + 1
	r := len(tr.rest) + 1 // reduced unknowns: the non-first probabilities and λ
	R, z, cp := tr.ra[:r*r], tr.rz[:r], tr.rc[:ns]
	first, rest, sup := tr.first, tr.rest, tr.sup
	// J(p, q) = ∂u_{sup[p]}/∂σ_{sup[q]} is js[p*ns+q], zero within a
	// player.
	js := tr.js[:ns*ns]
	bsum := bA[ns : ns+N]
	cw, cl := c[ns:ns+N], c[ns+N]
	// c'_k: the last row after w_n = Σ_k J(F_n, k) σ_k + g_{F_n} λ − b_{F_n}
	// is substituted.
	lastL, lastB := cl, bl
	// The full system's scale, for the singularity threshold: it always
	// holds entries of size one, and c, the bonuses and the Jacobian's
	// entries (taken below as they are read).
	scale := 1.0
	for _, v := range c[:d] {
		if av := abs(v); av > scale {
			scale = av
		}
	}
	for _, s := range sup {
		if av := abs(tr.pert[s]); av > scale {
			scale = av
		}
	}
	for k := range sup {
		v := c[k]
		for n, f := range first {
			j := js[f*ns+k]
			if aj := abs(j); aj > scale {
				scale = aj
			}
			if w := cw[n]; w != 0 {
				v += w * j
			}
		}
		cp[k] = v
	}
	for n, f := range first {
		if w := cw[n]; w != 0 {
			lastL += w * tr.pert[sup[f]]
			lastB += w * bA[f]
		}
	}
	// Row i: strategy s's payoff row less its player's first one, diff,
	// then each column less its player's first one (within s's player
	// both are zero).
	diff, restFirst := tr.rd[:ns], tr.restFirst
	for i, p := range rest {
		s := sup[p]
		n := tr.owner[s]
		fp := first[n]
		jp, jf := js[p*ns:(p+1)*ns], js[fp*ns:(fp+1)*ns]
		jf = jf[:len(jp)]
		diff = diff[:len(jp)]
		for q, a := range jp {
			diff[q] = a - jf[q]
			if av := abs(a); av > scale {
				scale = av
			}
		}
		row := R[i*r : (i+1)*r]
		rhs := bA[p] - bA[fp]
		for m, f := range first {
			if m != n {
				rhs -= diff[f] * bsum[m]
			}
		}
		for j, q := range rest {
			row[j] = diff[q] - diff[restFirst[j]]
		}
		row[r-1] = tr.pert[s] - tr.pert[sup[fp]]
		z[i] = rhs
	}
	last := R[(r-1)*r : r*r]
	for j, q := range rest {
		last[j] = cp[q] - cp[first[tr.owner[sup[q]]]]
	}
	last[r-1] = lastL
	for m, f := range first {
		lastB -= cp[f] * bsum[m]
	}
	z[r-1] = lastB
	if sign, ok = pathSolveScaled(R, z, r, scale); !ok {
		return 0, false
	}
	// Back to the full coordinates.
	for i, p := range rest {
		x[p] = z[i]
	}
	dl := z[r-1]
	x[d-1] = dl
	for m, f := range first {
		x[f] = bsum[m]
	}
	for _, p := range rest {
		x[first[tr.owner[sup[p]]]] -= x[p]
	}
	for n, f := range first {
		v := tr.pert[sup[f]]*dl - bA[f]
		jf := js[f*ns : (f+1)*ns]
		for k, s := range sup {
			if tr.owner[s] != n {
				v += jf[k] * x[k]
			}
		}
		x[ns+n] = v
	}
	return sign, true
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
