package sensitivity

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"

	"github.com/truce-dev/truce/internal/sobol"
)

// SobolDesign is Saltelli's (2010) design for first-order and total
// indices of k inputs from a base sample of size N: two N × k matrices A
// and B taken from one scrambled 2k-dimensional Sobol' sequence (A the
// first k coordinates of point j, B the last k), and for each input i the
// matrix A_B^(i), A with column i taken from B. Row r is base point
// j = r / (k+2) and matrix m = r % (k+2): 0 is A, 1 is B, 2+i is A_B^(i).
// It has N(k+2) rows.
type SobolDesign struct {
	k, n int
	seq  *sobol.Sequence
}

// MaxSobolInputs is the most inputs a Sobol design takes (the Sobol'
// sequence has sobol.MaxDim dimensions, two per input).
const MaxSobolInputs = sobol.MaxDim / 2

// NewSobolDesign returns the design for k inputs and base sample size n
// (n >= 2), scrambled from seed.
func NewSobolDesign(k, n int, seed uint64) (*SobolDesign, error) {
	if k < 1 || k > MaxSobolInputs {
		return nil, fmt.Errorf("sobol: %d inputs; the design takes 1 to %d (screen with morris first)", k, MaxSobolInputs)
	}
	if n < 2 || n > sobol.MaxPoints {
		return nil, fmt.Errorf("sobol: base sample size %d outside [2, 2^32]", n)
	}
	if n > math.MaxInt/(k+2) {
		return nil, fmt.Errorf("sobol: %d × %d rows overflow", n, k+2)
	}
	seq, err := sobol.NewScrambled(2*k, seed)
	if err != nil {
		return nil, err
	}
	return &SobolDesign{k: k, n: n, seq: seq}, nil
}

// Dim implements Design.
func (d *SobolDesign) Dim() int { return d.k }

// Rows implements Design: N(k+2).
func (d *SobolDesign) Rows() int { return d.n * (d.k + 2) }

// N is the base sample size.
func (d *SobolDesign) N() int { return d.n }

// Point implements Design. Coordinates are the centres of the sequence's
// 2^-32 cells, so never exactly 0 or 1 (where an unbounded quantile is
// infinite).
func (d *SobolDesign) Point(r int, u []float64) {
	j, m := uint64(r/(d.k+2)), r%(d.k+2)
	cell := func(dim int) float64 { return (float64(d.seq.Coord(j, dim)) + 0.5) / sobol.MaxPoints }
	for i := range u {
		if m == 1 || m == 2+i {
			u[i] = cell(d.k + i) // from B
		} else {
			u[i] = cell(i) // from A
		}
	}
}

// SobolOptions control Sobol.
type SobolOptions struct {
	N         int    // base sample size; default 1024 (powers of two keep the sequence balanced)
	Seed      uint64 // scramble and bootstrap
	Bootstrap int    // resamples for the 95% intervals; default 1000
	Eval      EvalOptions
}

// DefaultSobolN and DefaultBootstrap are Sobol's defaults.
const (
	DefaultSobolN    = 1024
	DefaultBootstrap = 1000
)

// SobolResult holds the indices of every output.
type SobolResult struct {
	N, Rows   int
	Seed      uint64
	Bootstrap int
	Inputs    []string
	Outputs   []SobolOutput
}

// SobolOutput is one output's variance decomposition.
type SobolOutput struct {
	Output   string
	Mean     float64 // over A and B
	Variance float64 // over A and B
	// Indices per input, in input order; nil when Note says why there
	// are none.
	Indices []SobolIndex
	Note    string
}

// SobolIndex is one input's share of an output's variance. First (S_i) is
// the share the input explains alone: the expected reduction of the
// variance if it were fixed. Total (S_Ti) is the share it is involved in,
// alone or through interactions: the variance left, on average, if every
// other input were fixed. Total − First is its share in interactions; a
// Total near 0 means the input can be fixed anywhere in its range. The
// intervals are bootstrap percentile 95% intervals over the N base rows.
type SobolIndex struct {
	Input   string
	First   float64
	FirstCI [2]float64
	Total   float64
	TotalCI [2]float64
}

// Sobol evaluates m on the Saltelli design and estimates every output's
// first-order (Saltelli 2010, estimator b: mean of f(B)·(f(A_B^i) − f(A)))
// and total indices (Jansen 1999: half the mean of (f(A) − f(A_B^i))²),
// both divided by the variance of f over A and B, with bootstrap intervals.
// The indices assume independent inputs.
func Sobol(ctx context.Context, m Model, opt SobolOptions) (*SobolResult, error) {
	if opt.N == 0 {
		opt.N = DefaultSobolN
	}
	if opt.Bootstrap == 0 {
		opt.Bootstrap = DefaultBootstrap
	}
	if opt.Bootstrap < 0 {
		return nil, fmt.Errorf("sobol: %d bootstrap resamples", opt.Bootstrap)
	}
	d, err := NewSobolDesign(len(m.Inputs()), opt.N, opt.Seed)
	if err != nil {
		return nil, err
	}
	y, err := EvalDesign(ctx, m, d, 0, d.Rows(), opt.Eval)
	if err != nil {
		return nil, err
	}
	return SobolAnalyze(ctx, d, m.Inputs(), m.Outputs(), y, opt)
}

// SobolAnalyze estimates the indices from the outputs y of every row of d
// (flat, rows × len(outputs)); Sobol calls it after evaluating the design.
func SobolAnalyze(ctx context.Context, d *SobolDesign, inputs, outputs []string, y []float64, opt SobolOptions) (*SobolResult, error) {
	nOut, k, n := len(outputs), d.k, d.n
	if len(y) != d.Rows()*nOut {
		return nil, fmt.Errorf("sobol: %d values for %d rows × %d outputs", len(y), d.Rows(), nOut)
	}
	if opt.Bootstrap == 0 {
		opt.Bootstrap = DefaultBootstrap
	}
	res := &SobolResult{N: n, Rows: d.Rows(), Seed: opt.Seed, Bootstrap: opt.Bootstrap, Inputs: inputs, Outputs: make([]SobolOutput, nOut)}
	// The bootstrap resamples base rows; resample b is a pure function of
	// (seed, b), shared by every output.
	workers := opt.Eval.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(workers, max(nOut, 1)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fa, fb, fab := make([]float64, n), make([]float64, n), make([]float64, n*k)
			for o := range next {
				stride := nOut
				for j := 0; j < n; j++ {
					base := j * (k + 2)
					fa[j] = y[base*stride+o]
					fb[j] = y[(base+1)*stride+o]
					for i := 0; i < k; i++ {
						fab[i*n+j] = y[(base+2+i)*stride+o]
					}
				}
				res.Outputs[o] = sobolOutput(ctx, outputs[o], inputs, fa, fb, fab, opt)
			}
		}()
	}
	for o := 0; o < nOut; o++ {
		if ctx.Err() != nil {
			break
		}
		next <- o
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

// sobolOutput computes one output's indices; fab holds f(A_B^(i)) for
// input i at fab[i*n : (i+1)*n].
func sobolOutput(ctx context.Context, name string, inputs []string, fa, fb, fab []float64, opt SobolOptions) SobolOutput {
	n, k := len(fa), len(inputs)
	out := SobolOutput{Output: name}
	for _, v := range [][]float64{fa, fb, fab} {
		for _, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				out.Mean, out.Variance = math.NaN(), math.NaN()
				out.Note = "undefined at some design points (e.g. the first-entry time of a state not entered): no indices"
				return out
			}
		}
	}
	mean, vr := meanVar2(fa, fb, nil)
	out.Mean, out.Variance = mean, vr
	if !(vr > 1e-24*math.Max(1, mean*mean)) {
		out.Note = "constant over the design: no variance to apportion"
		return out
	}
	// Centre the outputs: the estimators' expectations do not change, and
	// estimator b's variance no longer grows with the output's mean.
	ca, cb, cab := centred(fa, mean), centred(fb, mean), centred(fab, mean)
	out.Indices = make([]SobolIndex, k)
	first, total := make([]float64, k), make([]float64, k)
	sobolEstimates(ca, cb, cab, nil, first, total)
	for i := range out.Indices {
		out.Indices[i] = SobolIndex{Input: inputs[i], First: first[i], Total: total[i]}
	}
	if opt.Bootstrap <= 0 {
		return out
	}
	B := opt.Bootstrap
	bf, bt := make([][]float64, k), make([][]float64, k)
	for i := range bf {
		bf[i], bt[i] = make([]float64, B), make([]float64, B)
	}
	idx := make([]int, n)
	for b := 0; b < B; b++ {
		if b%64 == 0 && ctx.Err() != nil {
			return out
		}
		rng := rand.New(rand.NewPCG(opt.Seed^0xb0075ec7, uint64(b)))
		for j := range idx {
			idx[j] = rng.IntN(n)
		}
		sobolEstimates(ca, cb, cab, idx, first, total)
		for i := 0; i < k; i++ {
			bf[i][b], bt[i][b] = first[i], total[i]
		}
	}
	for i := range out.Indices {
		out.Indices[i].FirstCI = percentileCI(bf[i])
		out.Indices[i].TotalCI = percentileCI(bt[i])
	}
	return out
}

func centred(v []float64, c float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x - c
	}
	return out
}

// meanVar2 is the mean and population variance of a and b together, over
// the rows idx (all rows when idx is nil).
func meanVar2(a, b []float64, idx []int) (mean, vr float64) {
	n := len(a)
	at := func(v []float64, j int) float64 {
		if idx != nil {
			return v[idx[j]]
		}
		return v[j]
	}
	s := 0.0
	for j := 0; j < n; j++ {
		s += at(a, j) + at(b, j)
	}
	mean = s / float64(2*n)
	ss := 0.0
	for j := 0; j < n; j++ {
		da, db := at(a, j)-mean, at(b, j)-mean
		ss += da*da + db*db
	}
	return mean, ss / float64(2*n)
}

// sobolEstimates writes the first-order and total indices of every input
// from rows idx (all when nil) into first and total. A resample with no
// variance gives NaN.
func sobolEstimates(fa, fb, fab []float64, idx []int, first, total []float64) {
	n, k := len(fa), len(first)
	_, vr := meanVar2(fa, fb, idx)
	for i := 0; i < k; i++ {
		ab := fab[i*n : (i+1)*n]
		s1, st := 0.0, 0.0
		for j := 0; j < n; j++ {
			r := j
			if idx != nil {
				r = idx[j]
			}
			diff := ab[r] - fa[r]
			s1 += fb[r] * diff
			st += diff * diff
		}
		first[i] = s1 / float64(n) / vr
		total[i] = st / float64(2*n) / vr
	}
}

// percentileCI is the 2.5% and 97.5% quantiles of xs (R type 7), NaNs
// left out.
func percentileCI(xs []float64) [2]float64 {
	v := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return [2]float64{math.NaN(), math.NaN()}
	}
	sort.Float64s(v)
	return [2]float64{quantileSorted(v, 0.025), quantileSorted(v, 0.975)}
}

func quantileSorted(v []float64, p float64) float64 {
	h := float64(len(v)-1) * p
	lo := int(math.Floor(h))
	if lo >= len(v)-1 {
		return v[len(v)-1]
	}
	return v[lo] + (h-float64(lo))*(v[lo+1]-v[lo])
}
