package equilibrium

import (
	"errors"
	"math"
)

// errInfeasible says that a linear program has no feasible point.
var errInfeasible = errors.New("linear program infeasible")

// commitSimplex solves the commitment program for one follower action:
//
//	maximise cᵀx  subject to  D x ≤ 0,  Σ x = 1,  x ≥ 0
//
// (x of length n, D with m rows) by the two-phase tableau simplex method
// with Bland's rule, which cannot cycle on the degenerate programs this
// one typically is (every right-hand side but one is zero). Tolerances
// are relative to the largest entry of D and c.
func commitSimplex(c []float64, D [][]float64) ([]float64, error) {
	n, m := len(c), len(D)
	scale := 0.0
	for _, v := range c {
		scale = math.Max(scale, math.Abs(v))
	}
	for _, row := range D {
		for _, v := range row {
			scale = math.Max(scale, math.Abs(v))
		}
	}
	eps := 1e-11 * math.Max(1, scale)
	// Columns: x (n), slacks (m), one artificial for the sum row; then the
	// right-hand side. Rows: the m constraints, the sum row.
	cols := n + m + 1
	w := cols + 1
	rows := m + 1
	T := make([]float64, rows*w)
	basis := make([]int, rows)
	for r := 0; r < m; r++ {
		copy(T[r*w:], D[r])
		T[r*w+n+r] = 1
		basis[r] = n + r
	}
	for i := 0; i < n; i++ {
		T[m*w+i] = 1
	}
	T[m*w+n+m] = 1
	T[m*w+cols] = 1
	basis[m] = n + m
	pivot := func(pr, pc int) {
		p := T[pr*w+pc]
		for k := 0; k < w; k++ {
			T[pr*w+k] /= p
		}
		for r := 0; r < rows; r++ {
			if r == pr {
				continue
			}
			f := T[r*w+pc]
			if f == 0 {
				continue
			}
			for k := 0; k < w; k++ {
				T[r*w+k] -= f * T[pr*w+k]
			}
			T[r*w+pc] = 0
		}
		basis[pr] = pc
	}
	// run maximises obj over the columns allowed, from the current basis.
	run := func(obj []float64, allowed int) {
		red := make([]float64, cols)
		for iter := 0; iter < 50*(rows+cols); iter++ {
			// reduced costs: obj_j − obj_Bᵀ T_j
			enter := -1
			for j := 0; j < allowed; j++ {
				red[j] = obj[j]
				for r := 0; r < rows; r++ {
					red[j] -= obj[basis[r]] * T[r*w+j]
				}
				if red[j] > eps && enter < 0 { // Bland: the first improving column
					enter = j
				}
			}
			if enter < 0 {
				return
			}
			leave := -1
			best := math.Inf(1)
			for r := 0; r < rows; r++ {
				a := T[r*w+enter]
				if a > eps {
					ratio := T[r*w+cols] / a
					if ratio < best-1e-15 || (math.Abs(ratio-best) <= 1e-15 && basis[r] < basis[leave]) {
						best, leave = ratio, r
					}
				}
			}
			if leave < 0 {
				return // unbounded: impossible on the simplex
			}
			pivot(leave, enter)
		}
	}
	// Phase I: drive the artificial out (maximise −a).
	obj1 := make([]float64, cols)
	obj1[n+m] = -1
	run(obj1, cols)
	a := 0.0
	for r := 0; r < rows; r++ {
		if basis[r] == n+m {
			a = T[r*w+cols]
		}
	}
	if a > 1e-9 {
		return nil, errInfeasible
	}
	// An artificial still basic at level 0: pivot it out on any x column.
	for r := 0; r < rows; r++ {
		if basis[r] == n+m {
			for j := 0; j < n+m; j++ {
				if math.Abs(T[r*w+j]) > eps {
					pivot(r, j)
					break
				}
			}
		}
	}
	// Phase II over x and slacks only.
	obj2 := make([]float64, cols)
	copy(obj2, c)
	run(obj2, n+m)
	x := make([]float64, n)
	for r := 0; r < rows; r++ {
		if basis[r] < n {
			x[basis[r]] = math.Max(0, T[r*w+cols])
		}
	}
	return x, nil
}
