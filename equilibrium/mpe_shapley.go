package equilibrium

import (
	"context"
	"fmt"
	"math"

	"github.com/truce-dev/truce/nash"
)

// Shapley's (1953) value iteration for two-actor zero-sum games: V_s ←
// val(stage game of s given V), each matrix game solved by linear
// programming. The map is a δ-contraction, so it converges from any start;
// once the values have settled, Newton's method on the optimal strategies'
// supports finishes the job to rounding error.

func mpeShapley(ctx context.Context, m *mpeModel, opt Options) (*Result, error) {
	maxIt := opt.MaxIter
	if maxIt <= 0 {
		maxIt = 1000000
	}
	sig := m.uniform()
	V := make([][]float64, 2)
	for a := range V {
		V[a] = make([]float64, m.nS)
		for s := 0; s < m.nS; s++ {
			if m.ntIdx[s] < 0 {
				V[a][s] = m.entry[s][a]
			}
		}
	}
	newV := [][]float64{append([]float64(nil), V[0]...), append([]float64(nil), V[1]...)}
	var u []float64
	change := math.Inf(1)
	nextPolish := 1e-6 * m.scale
	it := 0
	for it = 1; it <= maxIt; it++ {
		if err := ctx.Err(); err != nil {
			return m.result(sig, "shapley", it, opt.Tol, "stopped: "+err.Error())
		}
		change = 0
		for _, s := range m.nt {
			rows, cols := m.K[s][0], m.K[s][1]
			u = append(u[:0], make([]float64, m.nJ[s]*2)...)
			m.stagePayoff(s, V, u)
			A := make([][]float64, rows)
			for i := range A {
				A[i] = make([]float64, cols)
				for j := range A[i] {
					A[i][j] = u[(i+j*rows)*2]
				}
			}
			x, y, v, err := mpeMatrixGame(ctx, A)
			if err != nil {
				return nil, fmt.Errorf("shapley: state %s: %w", m.stateID(s), err)
			}
			sig[0][s], sig[1][s] = x, y
			newV[0][s], newV[1][s] = v, -v
			change = math.Max(change, math.Abs(v-V[0][s]))
		}
		copy(V[0], newV[0])
		copy(V[1], newV[1])
		if opt.Progress != nil && it%100 == 0 {
			opt.Progress(fmt.Sprintf("shapley: sweep %d, value change %.3g", it, change))
		}
		if change <= 1e-14*m.scale {
			break
		}
		if change <= nextPolish {
			nextPolish /= 100
			if p, gain, ok := m.polish(sig, V, mpeSupportOf(sig, 1e-9)); ok && gain <= opt.Tol {
				return m.result(p, "shapley", it, opt.Tol, "")
			}
		}
	}
	reason := ""
	if it > maxIt {
		it = maxIt
		reason = fmt.Sprintf("Shapley iteration stopped after %d sweeps (last value change %.3g)", maxIt, change)
	}
	return m.result(sig, "shapley", it, opt.Tol, reason)
}

// mpeMatrixGame returns optimal strategies of both players and the value
// of the zero-sum matrix game A (row player maximises), by package nash's
// linear programs.
func mpeMatrixGame(ctx context.Context, A [][]float64) (x, y []float64, v float64, err error) {
	m, n := len(A), len(A[0])
	pay := make([]float64, 2*m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			pay[2*(i+j*m)] = A[i][j]
			pay[2*(i+j*m)+1] = -A[i][j]
		}
	}
	res, err := nash.LP(ctx, mpeStrategic([]int{m, n}, pay), nash.Options{})
	if err != nil {
		return nil, nil, 0, fmt.Errorf("matrix game: %w", err)
	}
	if len(res.Equilibria) == 0 {
		return nil, nil, 0, fmt.Errorf("matrix game: no solution (%s)", res.Reason)
	}
	p := res.Equilibria[0].Profile
	x, y = append([]float64(nil), p[0]...), append([]float64(nil), p[1]...)
	for _, d := range [][]float64{x, y} {
		for i := range d {
			d[i] = math.Max(d[i], 0)
		}
		mpeNormalize(d)
	}
	// The value is computed from both strategies so that rounding in one
	// program does not bias it: x'Ay for optimal x, y.
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			v += x[i] * A[i][j] * y[j]
		}
	}
	return x, y, v, nil
}

func mpeNormalize(p []float64) {
	t := 0.0
	for _, v := range p {
		t += v
	}
	for i := range p {
		p[i] /= t
	}
}
