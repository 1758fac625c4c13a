package sensitivity

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/truce-dev/truce/internal/budget"
)

// Model is a function of Dim inputs on the unit cube [0,1]^Dim with named
// outputs: the global methods (Sobol, Morris) evaluate it at the rows of a
// design. A scenario model maps each coordinate through its parameter's
// quantile; the estimators only see the unit cube.
type Model interface {
	Inputs() []string
	Outputs() []string
	// Eval writes the outputs at point u into y (NaN where undefined).
	// row names the design row in error messages. Eval is called from
	// several goroutines at once and must be deterministic.
	Eval(ctx context.Context, row int, u []float64, y []float64) error
}

// Design is a list of points in the unit cube. Point is a pure function of
// the design's parameters (including its seed) and the row index, so rows
// can be computed in any order, by any worker or shard, and merged.
type Design interface {
	Dim() int
	Rows() int
	Point(row int, u []float64)
}

// EvalOptions control EvalDesign.
type EvalOptions struct {
	Workers  int                   // 0: GOMAXPROCS; results do not depend on it
	Progress func(done, total int) // called from one goroutine at a time
}

// EvalDesign evaluates m at rows lo..hi-1 of d and returns the outputs flat,
// (hi-lo) × len(m.Outputs()), in row order.
func EvalDesign(ctx context.Context, m Model, d Design, lo, hi int, opt EvalOptions) ([]float64, error) {
	if d.Dim() != len(m.Inputs()) {
		return nil, fmt.Errorf("sensitivity: design of dimension %d for a model of %d inputs", d.Dim(), len(m.Inputs()))
	}
	if lo < 0 || hi > d.Rows() || lo > hi {
		return nil, fmt.Errorf("sensitivity: rows %d..%d outside the design's %d", lo, hi, d.Rows())
	}
	nOut := len(m.Outputs())
	n := hi - lo
	need := budget.Mul(budget.Mul(int64(n), int64(nOut)), 8)
	if err := budget.Check(ctx, fmt.Sprintf("outputs of %d design rows × %d outputs", n, nOut), need, "use fewer samples or fewer outputs"); err != nil {
		return nil, err
	}
	y := make([]float64, n*nOut)
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, n))
	var (
		next   atomic.Int64
		done   int          // rows evaluated, under mu
		errRow atomic.Int64 // lowest failing row so far; hi when none
		mu     sync.Mutex   // serialises Progress and the error
		rowErr error
		wg     sync.WaitGroup
	)
	next.Store(int64(lo))
	errRow.Store(int64(hi))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := make([]float64, d.Dim())
			for {
				r := int(next.Add(1) - 1)
				// After a failure, rows below it still run, so the error
				// reported is the lowest row's whatever the scheduling.
				if r >= hi || int64(r) > errRow.Load() || ctx.Err() != nil {
					return
				}
				d.Point(r, u)
				if err := m.Eval(ctx, r, u, y[(r-lo)*nOut:(r-lo+1)*nOut]); err != nil {
					mu.Lock()
					if int64(r) < errRow.Load() {
						rowErr = err
						errRow.Store(int64(r))
					}
					mu.Unlock()
					continue
				}
				if opt.Progress != nil {
					mu.Lock()
					done++
					opt.Progress(done, n)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if rowErr != nil {
		return nil, rowErr
	}
	return y, nil
}
