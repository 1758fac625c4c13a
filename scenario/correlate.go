package scenario

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/goccy/go-yaml/ast"
	"gonum.org/v1/gonum/mat"
)

// Correlated draws use a Gaussian copula. Each draw takes one standard
// normal z_k per correlated parameter from its own stream, mixes them as
// x = L·z with L·Lᵀ = R, and sets parameter k to its own quantile function
// at Φ(x_k). Every x_k is exactly standard normal, so every parameter keeps
// exactly the distribution the file declares; R is the Pearson matrix of
// the normals that gives the requested Spearman rank correlations, since
// for a Gaussian copula ρ_S = (6/π)·asin(r/2), i.e. r = 2·sin(π·ρ_S/6)
// (Kruskal 1958), for continuous marginals.
//
// The copula was chosen over Iman–Conover's reordering because it keeps
// draw i a function of (seed, i) alone: a run of 100 draws is the start of
// a run of 1000, workers and shards see the same draws, and a design of
// uniforms (Sobol', Morris) maps through the same transform. Its price is
// that the sample rank correlation of N draws scatters around the target by
// about (1 - ρ²)/√N, where Iman–Conover would match it more closely.
// Parameters with a discrete distribution (choice) have ties, which lower
// the rank correlation they reach.

// Correlation is a Spearman rank correlation between two drawn parameters
// (indices into Scenario.Parameters).
type Correlation struct {
	A, B int
	Rho  float64
	Pos  Pos
}

// copula is the compiled correlation structure.
type copula struct {
	members []int       // parameters drawn through the copula
	isMem   []bool      // per parameter
	l       [][]float64 // rows of L, len(members)²
}

func (c *compiler) parseCorrelations(e kv) {
	if e.val == nil || isNull(e.val) {
		return
	}
	sc := c.sc
	byName := map[string]int{}
	for i, p := range sc.Parameters {
		byName[p.Name] = i
	}
	param := func(name string, at Pos) (int, bool) {
		if i, ok := byName[name]; ok {
			if sc.Parameters[i].Dist.Kind == "fixed" {
				c.d.errorf(at, "give it a distribution, or leave it out of the correlations", "parameter %s is fixed: only drawn parameters can be correlated", name)
				return 0, false
			}
			return i, true
		}
		for _, d := range sc.Derived {
			if d.Name == name {
				c.d.errorf(at, "correlate the parameters it is computed from", "parameter %s is derived: it follows the parameters it reads", name)
				return 0, false
			}
		}
		c.d.errorf(at, suggest(name, c.paramNames), "unknown parameter %q", name)
		return 0, false
	}
	nerr := len(c.d.list)
	var pairs []Correlation
	secPos := posOf(e.val)
	switch e.val.(type) {
	case *ast.SequenceNode:
		pairs = c.correlationPairs(e, param)
	default:
		pairs = c.correlationMatrix(e, param)
	}
	if len(c.d.list) > nerr {
		return
	}
	sc.Correlations = pairs
	if len(pairs) == 0 {
		return
	}
	cp, err := newCopula(len(sc.Parameters), pairs)
	if err != nil {
		c.d.errorf(secPos, "lower the strongest correlations or check their signs: a~b 0.9, b~c 0.9 and a~c -0.9 cannot hold together", "correlations: %v", err)
		return
	}
	sc.copula = cp
}

// correlationPairs reads `- {between: [a, b], rho: 0.6}` entries.
func (c *compiler) correlationPairs(e kv, param func(string, Pos) (int, bool)) []Correlation {
	items, _ := c.sequence(e.val, "correlations")
	seen := map[[2]int]Pos{}
	var out []Correlation
	for _, it := range items {
		kvs, ok := c.mapping(it, "a correlation", posOf(it))
		if !ok {
			continue
		}
		c.checkKeys(kvs, "correlation", withInfo("between", "rho")...)
		get := map[string]kv{}
		for _, f := range kvs {
			get[f.key] = f
		}
		bt, hasB := get["between"]
		rk, hasR := get["rho"]
		if !hasB || !hasR {
			c.d.errorf(posOf(it), "write {between: [a, b], rho: 0.5}", "a correlation needs `between` (two parameters) and `rho` (Spearman's rank correlation)")
			continue
		}
		names, ok := c.names(bt.val, "parameter", bt.kpos)
		if !ok {
			continue
		}
		if len(names) != 2 {
			c.d.errorf(posOf(bt.val), "write between: [a, b]", "`between` names %d parameters, want 2", len(names))
			continue
		}
		a, okA := param(names[0].name, names[0].pos)
		b, okB := param(names[1].name, names[1].pos)
		rho, okR := c.constNum(rk.val, "rho", rk.kpos)
		if !okA || !okB || !okR {
			continue
		}
		if a == b {
			c.d.errorf(names[1].pos, "", "a parameter cannot be correlated with itself")
			continue
		}
		if !(rho >= -1 && rho <= 1) {
			c.d.errorf(posOf(rk.val), "Spearman's rank correlation lies in [-1, 1]", "rho %v outside [-1, 1]", rho)
			continue
		}
		key := [2]int{min(a, b), max(a, b)}
		if first, dup := seen[key]; dup {
			c.d.errorf(posOf(it), fmt.Sprintf("first given at line %d", first.Line), "correlation of %s and %s given twice", names[0].name, names[1].name)
			continue
		}
		seen[key] = posOf(it)
		out = append(out, Correlation{A: a, B: b, Rho: rho, Pos: posOf(it)})
	}
	return out
}

// correlationMatrix reads {parameters: [a, b, c], matrix: [[1, ...], ...]}.
func (c *compiler) correlationMatrix(e kv, param func(string, Pos) (int, bool)) []Correlation {
	kvs, ok := c.mapping(e.val, "correlations", e.kpos)
	if !ok {
		c.d.list[len(c.d.list)-1].Hint = "write a list of {between: [a, b], rho: 0.5}, or {parameters: [a, b], matrix: [[1, 0.5], [0.5, 1]]}"
		return nil
	}
	c.checkKeys(kvs, "correlations", withInfo("parameters", "matrix")...)
	get := map[string]kv{}
	for _, f := range kvs {
		get[f.key] = f
	}
	pk, okP := get["parameters"]
	mk, okM := get["matrix"]
	if !okP || !okM {
		c.d.errorf(e.kpos, "write {parameters: [a, b], matrix: [[1, 0.5], [0.5, 1]]}", "correlations need `parameters` and `matrix`")
		return nil
	}
	names, ok := c.names(pk.val, "parameter", pk.kpos)
	if !ok {
		return nil
	}
	idx := make([]int, len(names))
	good := true
	at := map[int]Pos{}
	for i, nm := range names {
		p, ok := param(nm.name, nm.pos)
		if !ok {
			good = false
			continue
		}
		if first, dup := at[p]; dup {
			c.d.errorf(nm.pos, fmt.Sprintf("first given at column %d", first.Col), "parameter %s listed twice", nm.name)
			good = false
		}
		at[p] = nm.pos
		idx[i] = p
	}
	rows, ok := c.sequence(mk.val, "matrix")
	if !ok || !good {
		return nil
	}
	n := len(names)
	if len(rows) != n {
		c.d.errorf(posOf(mk.val), fmt.Sprintf("one row per parameter: %d", n), "matrix has %d rows for %d parameters", len(rows), n)
		return nil
	}
	m := make([][]float64, n)
	pos := make([][]Pos, n)
	for i, r := range rows {
		items, ok := c.sequence(r, "matrix row")
		if !ok {
			return nil
		}
		if len(items) != n {
			c.d.errorf(posOf(r), fmt.Sprintf("%d numbers per row", n), "matrix row %d has %d numbers for %d parameters", i+1, len(items), n)
			return nil
		}
		m[i] = make([]float64, n)
		pos[i] = make([]Pos, n)
		for j, it := range items {
			v, ok := c.constNum(it, "correlation", posOf(it))
			if !ok {
				return nil
			}
			m[i][j], pos[i][j] = v, posOf(it)
		}
	}
	var out []Correlation
	for i := 0; i < n; i++ {
		if m[i][i] != 1 {
			c.d.errorf(pos[i][i], "a parameter's correlation with itself is 1", "matrix: diagonal entry %v, want 1", m[i][i])
			return nil
		}
		for j := i + 1; j < n; j++ {
			v := m[i][j]
			if !(v >= -1 && v <= 1) {
				c.d.errorf(pos[i][j], "Spearman's rank correlation lies in [-1, 1]", "matrix: %v outside [-1, 1]", v)
				return nil
			}
			if m[j][i] != v {
				c.d.errorf(pos[j][i], fmt.Sprintf("write %v, as in row %d", v, i+1), "matrix is not symmetric: row %d column %d is %v", j+1, i+1, m[j][i])
				return nil
			}
			if v != 0 {
				out = append(out, Correlation{A: idx[i], B: idx[j], Rho: v, Pos: pos[i][j]})
			}
		}
	}
	return out
}

// newCopula checks the rank correlations for consistency and factors the
// Pearson matrix of the normals behind them.
func newCopula(nParams int, pairs []Correlation) (*copula, error) {
	cp := &copula{isMem: make([]bool, nParams)}
	slot := map[int]int{}
	for _, pr := range pairs {
		for _, p := range []int{pr.A, pr.B} {
			if !cp.isMem[p] {
				cp.isMem[p] = true
				slot[p] = len(cp.members)
				cp.members = append(cp.members, p)
			}
		}
	}
	// Members in declaration order, so the draw does not depend on the
	// order in which the pairs are written.
	n := 0
	for p := range cp.isMem {
		if cp.isMem[p] {
			cp.members[n], slot[p] = p, n
			n++
		}
	}
	s := mat.NewSymDense(n, nil)
	r := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		s.SetSym(i, i, 1)
		r.SetSym(i, i, 1)
	}
	for _, pr := range pairs {
		i, j := slot[pr.A], slot[pr.B]
		s.SetSym(i, j, pr.Rho)
		r.SetSym(i, j, 2*math.Sin(math.Pi*pr.Rho/6))
	}
	const tol = 1e-10
	if lo := minEigen(s); lo < -tol {
		return nil, fmt.Errorf("the rank correlations cannot hold together (their matrix is not positive semi-definite: smallest eigenvalue %.3g)", lo)
	}
	var eig mat.EigenSym
	if !eig.Factorize(r, true) {
		return nil, fmt.Errorf("cannot factor the correlation matrix")
	}
	vals := eig.Values(nil)
	if vals[0] < -tol {
		return nil, fmt.Errorf("a Gaussian copula cannot reach these rank correlations (the normals' correlation matrix has eigenvalue %.3g)", vals[0])
	}
	var vec mat.Dense
	eig.VectorsTo(&vec)
	cp.l = make([][]float64, n)
	for i := 0; i < n; i++ {
		row := make([]float64, n)
		norm := 0.0
		for k := 0; k < n; k++ {
			row[k] = vec.At(i, k) * math.Sqrt(math.Max(vals[k], 0))
			norm += row[k] * row[k]
		}
		// Each row has unit length up to rounding: make it exact, so
		// that every x_k is exactly standard normal.
		norm = math.Sqrt(norm)
		for k := range row {
			row[k] /= norm
		}
		cp.l[i] = row
	}
	return cp, nil
}

func minEigen(a *mat.SymDense) float64 {
	var eig mat.EigenSym
	if !eig.Factorize(a, false) {
		return math.NaN()
	}
	return eig.Values(nil)[0]
}

// draw sets the correlated parameters of v from rng.
func (cp *copula) draw(ps []Parameter, v []float64, rng *rand.Rand) {
	n := len(cp.members)
	z := make([]float64, n)
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	for i, p := range cp.members {
		x := 0.0
		for k, l := range cp.l[i] {
			x += l * z[k]
		}
		u := 0.5 * math.Erfc(-x/math.Sqrt2)
		// Φ rounds to 0 or 1 beyond about 38 or 8.3 standard deviations,
		// where a quantile function may be infinite.
		u = math.Min(math.Max(u, 1e-300), 1-0x1p-53)
		v[p] = ps[p].Dist.Quantile(u)
	}
}
