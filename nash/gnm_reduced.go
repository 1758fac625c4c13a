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
	tr.pertMax = 0
	for _, s := range tr.sup {
		if av := abs(tr.pert[s]); av > tr.pertMax {
			tr.pertMax = av
		}
	}
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
	r := len(tr.rest) + 1 // reduced unknowns: the non-first probabilities and λ
	R, z := tr.ra[:r*r], tr.rz[:r]
	scale := tr.reducedRows(R, r, bA, z)
	if sc := tr.reducedLast(c, bl, bA, R[(r-1)*r:r*r], &z[r-1]); sc > scale {
		scale = sc
	}
	if sign, ok = pathSolveScaled(R, z, r, scale); !ok {
		return 0, false
	}
	tr.expand(z, bA, x)
	return sign, true
}

// solveReducedTangent is solveReduced that also solves [A; cᵀ] t = e_d
// with the same LU (the tangent along c when c is the last tangent, as in
// tangentLU) and normalises t.
func (tr *gnmTracer) solveReducedTangent(bA, c []float64, bl float64, x, t []float64) (sign float64, ok bool) {
	tr.reducedLayout()
	if tr.singular {
		return 0, false
	}
	r := len(tr.rest) + 1
	R, z := tr.ra[:r*r], tr.rz[:r]
	scale := tr.reducedRows(R, r, bA, z)
	if sc := tr.reducedLast(c, bl, bA, R[(r-1)*r:r*r], &z[r-1]); sc > scale {
		scale = sc
	}
	// The tangent's right-hand side, reduced: its rows are zero and its
	// last entry one (reducedRows and reducedLast of bA = 0, bl = 1).
	zt := tr.rt[:r]
	clear(zt)
	zt[r-1] = 1
	if sign, ok = pathSolveScaled2(R, z, zt, r, scale, tr.rpiv); !ok {
		return 0, false
	}
	tr.expand(z, bA, x)
	d := tr.dim()
	tr.expand(zt, tr.rzero[:d-1], t[:d])
	normalize(t[:d])
	return sign, true
}

// chordSolve solves [A; cᵀ] x = b as solveReduced does, but with the
// Jacobian and the LU factors of the last solveReducedTangent (on this
// support, with the same c): a chord iteration of Newton's method, whose
// right-hand side b = (bA, bl) is the only thing reduced afresh.
func (tr *gnmTracer) chordSolve(bA, c []float64, bl float64, x []float64) {
	ns, N := len(tr.sup), tr.n
	r := len(tr.rest) + 1
	z := tr.rz[:r]
	first, sup, js := tr.first, tr.sup, tr.js[:ns*ns]
	bsum := bA[ns : ns+N]
	// The right-hand sides of reducedRows, in its order.
	for i, p := range tr.rest {
		n := tr.owner[sup[p]]
		fp := first[n]
		rhs := bA[p] - bA[fp]
		for m, f := range first {
			if m != n {
				rhs -= (js[p*ns+f] - js[fp*ns+f]) * bsum[m]
			}
		}
		z[i] = rhs
	}
	// reducedLast's right-hand side, which reads c's reduced entries at
	// the first positions only.
	cw := c[ns : ns+N]
	lastB := bl
	for n, f := range first {
		if w := cw[n]; w != 0 {
			lastB += w * bA[f]
		}
	}
	for m, fm := range first {
		v := c[fm]
		for n, f := range first {
			if w := cw[n]; w != 0 {
				v += w * js[f*ns+fm]
			}
		}
		lastB -= v * bA[ns+m]
	}
	z[r-1] = lastB
	pathLUSolve(tr.ra[:r*r], tr.rpiv[:r], z, r)
	tr.expand(z, bA, x)
}

// tangentReduced is tangent (see there) by the reduction above: the null
// vector z of the reduced rows by Householder QR, taken back to the full
// coordinates. The sign of det[A; tᵀ] is that of det[R_A; ℓᵀ], ℓ the
// reduced last row of c = t; ℓ is α z plus a vector in R_A's row space,
// with α = ℓ·z/z·z, so it is the sign of det[R_A; zᵀ] times that of ℓ·z.
func (tr *gnmTracer) tangentReduced(t []float64) (sign float64, ok bool) {
	tr.reducedLayout()
	if tr.singular {
		return 0, false
	}
	r := len(tr.rest) + 1
	R, z := tr.ra[:r*r], tr.rz[:r]
	scale := tr.reducedRows(R, r, nil, nil)
	if sign, ok = qrNull(R, r-1, r, scale, tr.q, z); !ok {
		return 0, false
	}
	d := tr.dim()
	tr.expand(z, nil, t[:d])
	normalize(t[:d])
	ell := tr.rx[:r]
	var unused float64
	tr.reducedLast(t[:d], 0, nil, ell, &unused)
	if dot(ell, z) < 0 {
		sign = -sign
	}
	return sign, true
}

// reducedRows writes the reduced rows (all but the last) into R (r
// columns) and, when bA != nil, their right-hand sides into z, and
// returns the scale of the full system they stand for: its largest entry
// among the bonuses, the Jacobian's and the ones it always holds.
func (tr *gnmTracer) reducedRows(R []float64, r int, bA, z []float64) float64 {
	ns, N := len(tr.sup), tr.n
	first, rest, sup := tr.first, tr.rest, tr.sup
	// J(p, q) = ∂u_{sup[p]}/∂σ_{sup[q]} is js[p*ns+q], zero within a
	// player.
	js := tr.js[:ns*ns]
	scale := max(1, tr.jsMax, tr.pertMax) // js's largest entry, kept as it is computed
	var bsum []float64
	if bA != nil {
		bsum = bA[ns : ns+N]
	}
	// Row i: strategy s's payoff row less its player's first one, then
	// each column less its player's first one (within s's player both are
	// zero). The rest positions are each player's support positions after
	// his first, in order: player m's are first[m]+1 to the next player's
	// first (or ns).
	for i, p := range rest {
		s := sup[p]
		n := tr.owner[s]
		fp := first[n]
		jp, jf := js[p*ns:(p+1)*ns], js[fp*ns:(fp+1)*ns]
		jf = jf[:len(jp)]
		row := R[i*r : (i+1)*r]
		j := 0
		rhs := 0.0
		if bA != nil {
			rhs = bA[p] - bA[fp]
		}
		for m, f := range first {
			end := ns
			if m+1 < len(first) {
				end = first[m+1]
			}
			d0 := jp[f] - jf[f]
			out := row[j : j+end-f-1]
			for k := range out {
				out[k] = (jp[f+1+k] - jf[f+1+k]) - d0
			}
			j += len(out)
			if bA != nil && m != n {
				rhs -= d0 * bsum[m]
			}
		}
		row[r-1] = tr.pert[s] - tr.pert[sup[fp]]
		if bA != nil {
			z[i] = rhs
		}
	}
	return scale
}

// reducedLast writes the reduced form of the bordering row c into last
// (r entries) and of its right-hand side bl (with bA, nil for zero) into
// *zl, and returns c's largest entry (or 1). w_n = Σ_k J(F_n, k) σ_k +
// g_{F_n} λ − b_{F_n} is substituted, then each σ_{F_m}.
func (tr *gnmTracer) reducedLast(c []float64, bl float64, bA, last []float64, zl *float64) float64 {
	ns, N := len(tr.sup), tr.n
	d := ns + N + 1
	first, rest, sup := tr.first, tr.rest, tr.sup
	js := tr.js[:ns*ns]
	cp := tr.rc[:ns]
	cw, cl := c[ns:ns+N], c[ns+N]
	scale := 1.0
	for _, v := range c[:d] {
		if av := abs(v); av > scale {
			scale = av
		}
	}
	for k := range sup {
		v := c[k]
		for n, f := range first {
			if w := cw[n]; w != 0 {
				v += w * js[f*ns+k]
			}
		}
		cp[k] = v
	}
	lastL, lastB := cl, bl
	for n, f := range first {
		if w := cw[n]; w != 0 {
			lastL += w * tr.pert[sup[f]]
			if bA != nil {
				lastB += w * bA[f]
			}
		}
	}
	for j, q := range rest {
		last[j] = cp[q] - cp[tr.restFirst[j]]
	}
	last[len(rest)] = lastL
	if bA != nil {
		for m, f := range first {
			lastB -= cp[f] * bA[ns+m]
		}
	}
	*zl = lastB
	return scale
}

// expand takes the reduced unknowns z back to the full coordinates x:
// each player's first probability from his sum row (right-hand side from
// bA, nil for zero) and his value from his first payoff row.
func (tr *gnmTracer) expand(z, bA, x []float64) {
	ns, N := len(tr.sup), tr.n
	first, rest, sup := tr.first, tr.rest, tr.sup
	js := tr.js[:ns*ns]
	r := len(rest) + 1
	for i, p := range rest {
		x[p] = z[i]
	}
	dl := z[r-1]
	x[ns+N] = dl
	for m, f := range first {
		x[f] = 0
		if bA != nil {
			x[f] = bA[ns+m]
		}
	}
	for j, p := range rest {
		x[tr.restFirst[j]] -= x[p]
	}
	for n, f := range first {
		v := tr.pert[sup[f]] * dl
		if bA != nil {
			v -= bA[f]
		}
		jf := js[f*ns : (f+1)*ns]
		for k, s := range sup {
			if tr.owner[s] != n {
				v += jf[k] * x[k]
			}
		}
		x[ns+n] = v
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
