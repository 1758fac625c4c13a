package markov

import "context"

// Linear systems on a clocked chain. A node before the clock runs out
// (phase t < Game.Clock) leads only to nodes of phase t+1 (the last phase,
// Clock, standing for every step from then on) or to endings, so the
// chain's nodes before the clock form layers that are each passed once.
// In the rows of I - scale·M every entry of a pre-clock node then lies in
// another layer: an earlier one when M is the transposed chain (the
// forward equations: visits, discounted visits) and a later one when M is
// the chain (the backward equations: absorption, values from every
// start). The system is block triangular: each pre-clock node is one
// substitution, layer after layer (a sparse matrix-vector product per
// step, like backward induction or forward propagation), and only the
// stationary nodes (phase Clock) form a system to factorise or iterate,
// as large as the chain of the same game without its clock.
//
// The split is checked on the rows themselves, not assumed: any entry that
// breaks the order makes the system a plain one.

// layered is the block-triangular form of a linSystem (see above).
type layered struct {
	// pre lists the local indices of the pre-clock nodes in the order of
	// substitution: by ascending phase when rows point to earlier phases
	// (lower), else by descending phase, after the stationary block.
	pre   []int32
	lower bool
	// stat lists the local indices of the stationary nodes; inner is the
	// system on them alone (rows restricted to stat, indexed by position
	// in stat).
	stat  []int32
	inner *linSystem
	// pos[i] is local node i's position in stat, -1 before the clock.
	pos []int32
}

// layer sets ls.lay when the rows of ls, on nodes U with the chain's
// phases phase, are block triangular as described above, with at least
// one pre-clock node; it reports whether they are.
func (ls *linSystem) layer(U []int32, phase []int32, clock int) (bool, error) {
	n := ls.n
	lvl := make([]int32, n)
	nPre := 0
	for i, x := range U {
		ph := phase[x]
		if ph < 0 || int(ph) > clock {
			return false, nil
		}
		lvl[i] = ph
		if int(ph) < clock {
			nPre++
		}
	}
	if nPre == 0 {
		return false, nil
	}
	// lowerOK: every entry points to an earlier layer or within the
	// stationary block; upperOK: to a later layer or within the block.
	c := int32(clock)
	lowerOK, upperOK := true, true
	for i := 0; i < n && (lowerOK || upperOK); i++ {
		li := lvl[i]
		for e := ls.rowPtr[i]; e < ls.rowPtr[i+1]; e++ {
			lj := lvl[ls.col[e]]
			if li == c && lj == c {
				continue
			}
			if lj >= li {
				lowerOK = false
			}
			if lj <= li {
				upperOK = false
			}
		}
	}
	if !lowerOK && !upperOK {
		return false, nil
	}
	L := &layered{lower: lowerOK}
	// Counting sort of the pre-clock nodes by phase.
	start := make([]int32, clock+1)
	for _, l := range lvl {
		if l < c {
			start[l+1]++
		}
	}
	for t := 1; t <= clock; t++ {
		start[t] += start[t-1]
	}
	L.pre = make([]int32, nPre)
	pos := make([]int32, n) // position in stat, or -1
	for i, l := range lvl {
		if l < c {
			L.pre[start[l]] = int32(i)
			start[l]++
			pos[i] = -1
		} else {
			pos[i] = int32(len(L.stat))
			L.stat = append(L.stat, int32(i))
		}
	}
	if !L.lower {
		for a, b := 0, len(L.pre)-1; a < b; a, b = a+1, b-1 {
			L.pre[a], L.pre[b] = L.pre[b], L.pre[a]
		}
	}
	in := &linSystem{n: len(L.stat), rowPtr: make([]int32, len(L.stat)+1), diag: make([]float64, len(L.stat)), denseLimit: ls.denseLimit}
	for p, i := range L.stat {
		in.diag[p] = ls.diag[i]
		for e := ls.rowPtr[i]; e < ls.rowPtr[i+1]; e++ {
			if q := pos[ls.col[e]]; q >= 0 {
				in.col = append(in.col, q)
				in.val = append(in.val, ls.val[e])
			}
		}
		in.rowPtr[p+1] = int32(len(in.col))
	}
	if err := in.factor(); err != nil {
		return false, err
	}
	L.inner, L.pos = in, pos
	ls.lay = L
	return true, nil
}

// direct reports whether solves are direct (a dense factorisation), so
// that an initial guess is of no use.
func (ls *linSystem) direct() bool {
	if ls.lay != nil {
		return ls.lay.inner.n == 0 || ls.lay.inner.lu != nil
	}
	return ls.lu != nil
}

// solveLayered is solveFrom on a layered system: substitution for the
// pre-clock nodes, one solve of the stationary block (from x0's part on
// it, if given).
func (ls *linSystem) solveLayered(ctx context.Context, b []float64, k int, x0 []float64) ([]float64, error) {
	L := ls.lay
	x := make([]float64, ls.n*k)
	sub := func(i int32) {
		xi := x[int(i)*k : int(i)*k+k]
		copy(xi, b[int(i)*k:int(i)*k+k])
		for e := ls.rowPtr[i]; e < ls.rowPtr[i+1]; e++ {
			v, j := ls.val[e], int(ls.col[e])
			xj := x[j*k : j*k+k]
			for r := range xi {
				xi[r] += v * xj[r]
			}
		}
		d := ls.diag[i]
		for r := range xi {
			xi[r] /= d
		}
	}
	block := func() error {
		if len(L.stat) == 0 {
			return nil
		}
		bs := make([]float64, len(L.stat)*k)
		for p, i := range L.stat {
			bp := bs[p*k : p*k+k]
			copy(bp, b[int(i)*k:int(i)*k+k])
			if L.lower {
				// The known pre-clock predecessors move to the right-hand
				// side (the block's own entries are in inner).
				for e := ls.rowPtr[i]; e < ls.rowPtr[i+1]; e++ {
					if j := int(ls.col[e]); L.pos[j] < 0 {
						v := ls.val[e]
						for r := range bp {
							bp[r] += v * x[j*k+r]
						}
					}
				}
			}
		}
		var g []float64
		if k == 1 && len(x0) == ls.n {
			g = make([]float64, len(L.stat))
			for p, i := range L.stat {
				g[p] = x0[i]
			}
		}
		xs, err := L.inner.solveFrom(ctx, bs, k, g)
		if err != nil {
			return err
		}
		for p, i := range L.stat {
			copy(x[int(i)*k:int(i)*k+k], xs[p*k:p*k+k])
		}
		return nil
	}
	if !L.lower {
		if err := block(); err != nil {
			return nil, err
		}
	}
	for _, i := range L.pre {
		sub(i)
	}
	if L.lower {
		if err := block(); err != nil {
			return nil, err
		}
	}
	return x, nil
}
