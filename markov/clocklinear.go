package markov

import (
	"context"

	"gonum.org/v1/gonum/mat"
)

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

// layered is the block-triangular form of a linSystem (see above). The
// rows of the pre-clock nodes are never copied out: substitution reads
// them from the chain's matrix (m, through local, times scale), so a
// clocked system costs memory for its stationary block only, whatever the
// clock's length.
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
	// The rows: node U[i]'s entries are m's row of U[i], restricted to
	// the columns y with local[y] >= 0 and multiplied by scale.
	m     csr
	U     []int32
	local []int32
	scale float64
	mem   *lsMem // the block's right-hand side and guess
}

// lsMem is the memory a linear system is built in, reused from system to
// system (one per worker: a system is valid until its memory's next use).
type lsMem struct {
	rows  rowsMem // a plain system's rows, or a layered one's block
	lvl   []int32
	pos   []int32
	pre   []int32
	stat  []int32
	start []int32
	bs, g []float64
	dense []float64 // the dense matrix of a factorised block
	lu    mat.LU
}

// newLayered returns the layered form of I - scale·M on nodes U, with the
// chain's phases phase, when its rows are block triangular as described
// above with at least one pre-clock node; nil when they are not.
func newLayered(m csr, U, local []int32, scale float64, denseLimit int, phase []int32, clock int, mem *lsMem) (*linSystem, error) {
	n := len(U)
	mem.lvl = grow(mem.lvl, n)
	lvl := mem.lvl
	nPre := 0
	for i, x := range U {
		ph := phase[x]
		if ph < 0 || int(ph) > clock {
			return nil, nil
		}
		lvl[i] = ph
		if int(ph) < clock {
			nPre++
		}
	}
	if nPre == 0 {
		return nil, nil
	}
	// lowerOK: every entry points to an earlier layer or within the
	// stationary block; upperOK: to a later layer or within the block.
	// Entries on the diagonal and outside U are not entries of the
	// system's off-diagonal rows.
	c := int32(clock)
	lowerOK, upperOK := true, true
	for i := 0; i < n && (lowerOK || upperOK); i++ {
		li := lvl[i]
		x := U[i]
		for e := m.rowPtr[x]; e < m.rowPtr[x+1]; e++ {
			j := local[m.col[e]]
			if j < 0 || j == int32(i) {
				continue
			}
			lj := lvl[j]
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
		return nil, nil
	}
	L := &layered{lower: lowerOK, m: m, U: U, local: local, scale: scale, mem: mem}
	// Counting sort of the pre-clock nodes by phase.
	mem.start = grow(mem.start, clock+1)
	start := mem.start
	clear(start)
	for _, l := range lvl[:n] {
		if l < c {
			start[l+1]++
		}
	}
	for t := 1; t <= clock; t++ {
		start[t] += start[t-1]
	}
	mem.pre = grow(mem.pre, nPre)
	mem.pos = grow(mem.pos, n)
	mem.stat = grow(mem.stat, n-nPre)[:0]
	L.pre, L.pos = mem.pre, mem.pos
	for i, l := range lvl[:n] {
		if l < c {
			L.pre[start[l]] = int32(i)
			start[l]++
			L.pos[i] = -1
		} else {
			L.pos[i] = int32(len(mem.stat))
			mem.stat = append(mem.stat, int32(i))
		}
	}
	L.stat = mem.stat
	if !L.lower {
		for a, b := 0, len(L.pre)-1; a < b; a, b = a+1, b-1 {
			L.pre[a], L.pre[b] = L.pre[b], L.pre[a]
		}
	}
	// The stationary block: the rows of stat restricted to stat, built as
	// buildRows would build them on U and then restrict them.
	ns := len(L.stat)
	nnz := 0
	for _, i := range L.stat {
		x := U[i]
		nnz += int(m.rowPtr[x+1] - m.rowPtr[x])
	}
	r := &mem.rows
	r.rowPtr = grow(r.rowPtr, ns+1)
	r.diag = grow(r.diag, ns)
	col, val := grow(r.col, nnz)[:0], grow(r.val, nnz)[:0]
	in := &linSystem{n: ns, rowPtr: r.rowPtr, diag: r.diag, denseLimit: denseLimit}
	in.rowPtr[0] = 0
	for p, i := range L.stat {
		x := U[i]
		d := 1.0
		for e := m.rowPtr[x]; e < m.rowPtr[x+1]; e++ {
			j := local[m.col[e]]
			if j < 0 {
				continue
			}
			if j == i {
				d -= scale * m.val[e]
				continue
			}
			if q := L.pos[j]; q >= 0 {
				col = append(col, q)
				val = append(val, scale*m.val[e])
			}
		}
		in.diag[p] = d
		in.rowPtr[p+1] = int32(len(col))
	}
	in.col, in.val = col, val
	r.col, r.val = col, val
	if err := in.factorIn(mem); err != nil {
		return nil, err
	}
	L.inner = in
	return &linSystem{n: n, denseLimit: denseLimit, lay: L}, nil
}

// direct reports whether solves are direct (a dense factorisation), so
// that an initial guess is of no use.
func (ls *linSystem) direct() bool {
	if ls.lay != nil {
		return ls.lay.inner.n == 0 || ls.lay.inner.lu != nil
	}
	return ls.lu != nil
}

// matvecLayered is matvec on a layered system, with matvec's arithmetic.
func (ls *linSystem) matvecLayered(y, x []float64) {
	L := ls.lay
	m := L.m
	for i := int32(0); int(i) < ls.n; i++ {
		lo, hi := m.rowPtr[L.U[i]], m.rowPtr[L.U[i]+1]
		d := 1.0
		for e := lo; e < hi; e++ {
			if L.local[m.col[e]] == i {
				d -= L.scale * m.val[e]
			}
		}
		acc := d * x[i]
		for e := lo; e < hi; e++ {
			if j := L.local[m.col[e]]; j >= 0 && j != i {
				acc -= L.scale * m.val[e] * x[j]
			}
		}
		y[i] = acc
	}
}

// solveLayered is solveFrom on a layered system: substitution for the
// pre-clock nodes, one solve of the stationary block (from x0's part on
// it, if given). The arithmetic is that of the rows built out: each entry
// scale·m(x,y) rounded once, added in the order of m's row.
func (ls *linSystem) solveLayered(ctx context.Context, dst *[]float64, b []float64, k int, x0 []float64) ([]float64, error) {
	L := ls.lay
	m, local, scale := L.m, L.local, L.scale
	var x []float64
	if dst != nil {
		x = zeroed(dst, ls.n*k)
	} else {
		x = make([]float64, ls.n*k)
	}
	sub := func(i int32) {
		xi := x[int(i)*k : int(i)*k+k]
		copy(xi, b[int(i)*k:int(i)*k+k])
		row := L.U[i]
		d := 1.0
		for e := m.rowPtr[row]; e < m.rowPtr[row+1]; e++ {
			j := local[m.col[e]]
			if j < 0 {
				continue
			}
			if j == i {
				d -= scale * m.val[e]
				continue
			}
			v := scale * m.val[e]
			xj := x[int(j)*k : int(j)*k+k]
			for r := range xi {
				xi[r] += v * xj[r]
			}
		}
		for r := range xi {
			xi[r] /= d
		}
	}
	block := func() error {
		if len(L.stat) == 0 {
			return nil
		}
		bs := zeroed(&L.mem.bs, len(L.stat)*k)
		for p, i := range L.stat {
			bp := bs[p*k : p*k+k]
			copy(bp, b[int(i)*k:int(i)*k+k])
			if L.lower {
				// The known pre-clock predecessors move to the right-hand
				// side (the block's own entries are in inner).
				row := L.U[i]
				for e := m.rowPtr[row]; e < m.rowPtr[row+1]; e++ {
					j := local[m.col[e]]
					if j < 0 || j == i || L.pos[j] >= 0 {
						continue
					}
					v := scale * m.val[e]
					for r := range bp {
						bp[r] += v * x[int(j)*k+r]
					}
				}
			}
		}
		var g []float64
		if k == 1 && len(x0) == ls.n {
			g = zeroed(&L.mem.g, len(L.stat))
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
