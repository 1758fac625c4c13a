package sensitivity

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// MorrisDesign is Morris's (1991) one-at-a-time trajectory design for k
// inputs on a grid of p levels {0, 1/(p−1), ..., 1}: each of r trajectories
// starts at a random grid point x* with every coordinate in
// {0, ..., 1−Δ}, Δ = p/(2(p−1)), then moves one input at a time, in a
// random order, by +Δ or −Δ (each input's direction at random, its start
// at x* or x*+Δ so the move stays on the grid): k+1 points, each step an
// elementary effect of one input. Trajectories are drawn independently;
// Campolongo's selection of spread-out trajectories is not used. Row
// t(k+1)+m is step m of trajectory t, a pure function of (seed, t, m).
type MorrisDesign struct {
	k, r, p int
	delta   float64
	seed    uint64
}

// NewMorrisDesign returns the design of r trajectories over k inputs on p
// levels (p even, at least 2), drawn from seed.
func NewMorrisDesign(k, r, p int, seed uint64) (*MorrisDesign, error) {
	if k < 1 {
		return nil, fmt.Errorf("morris: no inputs")
	}
	if r < 2 {
		return nil, fmt.Errorf("morris: %d trajectories; at least 2 are needed for σ", r)
	}
	if p < 2 || p%2 != 0 || p > 1<<20 {
		return nil, fmt.Errorf("morris: %d levels; use an even number, e.g. 4", p)
	}
	if r > math.MaxInt/(k+1) {
		return nil, fmt.Errorf("morris: %d × %d rows overflow", r, k+1)
	}
	return &MorrisDesign{k: k, r: r, p: p, delta: float64(p) / float64(2*(p-1)), seed: seed}, nil
}

// Dim implements Design.
func (d *MorrisDesign) Dim() int { return d.k }

// Rows implements Design: r(k+1).
func (d *MorrisDesign) Rows() int { return d.r * (d.k + 1) }

// Delta is the step Δ on the unit scale.
func (d *MorrisDesign) Delta() float64 { return d.delta }

// trajectory draws trajectory t: the starting point (before any move), the
// order in which inputs move and the sign of each input's move.
func (d *MorrisDesign) trajectory(t int, start []float64, order []int, sign []float64) {
	rng := rand.New(rand.NewPCG(d.seed^0x30221541, uint64(t)))
	half := d.p / 2
	for i := 0; i < d.k; i++ {
		xs := float64(rng.IntN(half)) / float64(d.p-1)
		if rng.IntN(2) == 0 {
			sign[i], start[i] = 1, xs
		} else {
			sign[i], start[i] = -1, xs+d.delta
		}
	}
	for i := range order {
		order[i] = i
	}
	rng.Shuffle(d.k, func(a, b int) { order[a], order[b] = order[b], order[a] })
}

// Point implements Design.
func (d *MorrisDesign) Point(row int, u []float64) {
	t, m := row/(d.k+1), row%(d.k+1)
	order, sign := make([]int, d.k), make([]float64, d.k)
	d.trajectory(t, u, order, sign)
	for s := 0; s < m; s++ {
		i := order[s]
		u[i] += sign[i] * d.delta
	}
	// The grid points l/(p−1) exactly, without the rounding of the sums.
	for i := range u {
		u[i] = math.Round(u[i]*float64(d.p-1)) / float64(d.p-1)
	}
}

// MorrisOptions control Morris.
type MorrisOptions struct {
	Trajectories int // r; default 20
	Levels       int // p; default 4
	Seed         uint64
	Bootstrap    int // resamples of the trajectories for μ*'s 95% interval; default 1000
	Eval         EvalOptions
}

// Morris's defaults.
const (
	DefaultTrajectories = 20
	DefaultLevels       = 4
)

// MorrisResult holds the elementary-effect statistics of every output.
type MorrisResult struct {
	Trajectories, Levels, Rows int
	Bootstrap                  int // resamples behind MuStarCI (<= 0: none)
	Delta                      float64
	Seed                       uint64
	Inputs                     []string
	Outputs                    []MorrisOutput
}

// MorrisOutput is one output's screening; Effects is nil when Note says why.
type MorrisOutput struct {
	Output  string
	Effects []MorrisEffect // in input order
	Note    string
}

// MorrisEffect summarises the r elementary effects of one input on one
// output, EE = (f(x + Δe_i) − f(x)) / Δ on the unit scale, so in output
// units per whole range of the input. MuStar (Campolongo et al. 2007) is
// the mean of |EE|, the input's overall influence; Mu the mean of EE (signs
// may cancel); Sigma their standard deviation (n−1), large when the effect
// depends on the other inputs (interactions) or is non-linear. MuStarCI is
// a bootstrap percentile 95% interval over trajectories.
type MorrisEffect struct {
	Input    string
	MuStar   float64
	MuStarCI [2]float64
	Mu       float64
	Sigma    float64
}

// Morris evaluates m on a Morris design and screens every input of every
// output.
func Morris(ctx context.Context, m Model, opt MorrisOptions) (*MorrisResult, error) {
	if opt.Trajectories == 0 {
		opt.Trajectories = DefaultTrajectories
	}
	if opt.Levels == 0 {
		opt.Levels = DefaultLevels
	}
	d, err := NewMorrisDesign(len(m.Inputs()), opt.Trajectories, opt.Levels, opt.Seed)
	if err != nil {
		return nil, err
	}
	y, err := EvalDesign(ctx, m, d, 0, d.Rows(), opt.Eval)
	if err != nil {
		return nil, err
	}
	return MorrisAnalyze(d, m.Inputs(), m.Outputs(), y, opt)
}

// MorrisAnalyze computes the statistics from the outputs y of every row of
// d (flat, rows × len(outputs)).
func MorrisAnalyze(d *MorrisDesign, inputs, outputs []string, y []float64, opt MorrisOptions) (*MorrisResult, error) {
	nOut, k, r := len(outputs), d.k, d.r
	if len(y) != d.Rows()*nOut {
		return nil, fmt.Errorf("morris: %d values for %d rows × %d outputs", len(y), d.Rows(), nOut)
	}
	if opt.Bootstrap == 0 {
		opt.Bootstrap = DefaultBootstrap
	}
	res := &MorrisResult{Trajectories: r, Levels: d.p, Rows: d.Rows(), Bootstrap: opt.Bootstrap, Delta: d.delta, Seed: opt.Seed, Inputs: inputs}
	// ee[o][i][t]: elementary effect of input i on output o in trajectory t.
	ee := make([][][]float64, nOut)
	for o := range ee {
		ee[o] = make([][]float64, k)
		for i := range ee[o] {
			ee[o][i] = make([]float64, r)
		}
	}
	start, order, sign := make([]float64, k), make([]int, k), make([]float64, k)
	for t := 0; t < r; t++ {
		d.trajectory(t, start, order, sign)
		for s := 0; s < k; s++ {
			i := order[s]
			before, after := (t*(k+1)+s)*nOut, (t*(k+1)+s+1)*nOut
			for o := 0; o < nOut; o++ {
				ee[o][i][t] = (y[after+o] - y[before+o]) / (sign[i] * d.delta)
			}
		}
	}
	for o := 0; o < nOut; o++ {
		out := MorrisOutput{Output: outputs[o]}
		undefined := false
		for i := 0; i < k && !undefined; i++ {
			for _, e := range ee[o][i] {
				if math.IsNaN(e) || math.IsInf(e, 0) {
					undefined = true
					break
				}
			}
		}
		if undefined {
			out.Note = "undefined at some design points (e.g. the first-entry time of a state not entered): no effects"
			res.Outputs = append(res.Outputs, out)
			continue
		}
		for i := 0; i < k; i++ {
			e := ee[o][i]
			mu, muStar := 0.0, 0.0
			for _, x := range e {
				mu += x
				muStar += math.Abs(x)
			}
			mu /= float64(r)
			muStar /= float64(r)
			ss := 0.0
			for _, x := range e {
				ss += (x - mu) * (x - mu)
			}
			eff := MorrisEffect{Input: inputs[i], MuStar: muStar, Mu: mu, Sigma: math.Sqrt(ss / float64(r-1))}
			eff.MuStarCI = [2]float64{muStar, muStar}
			if opt.Bootstrap > 0 {
				bs := make([]float64, opt.Bootstrap)
				for b := range bs {
					rng := rand.New(rand.NewPCG(opt.Seed^0x30221541b0, uint64(b)))
					s := 0.0
					for range r {
						s += math.Abs(e[rng.IntN(r)])
					}
					bs[b] = s / float64(r)
				}
				eff.MuStarCI = percentileCI(bs)
			}
			out.Effects = append(out.Effects, eff)
		}
		res.Outputs = append(res.Outputs, out)
	}
	return res, nil
}

// Ranked returns the effects of o sorted by μ*, largest first (input order
// on ties).
func (o MorrisOutput) Ranked() []MorrisEffect {
	out := append([]MorrisEffect(nil), o.Effects...)
	sort.SliceStable(out, func(a, b int) bool { return out[a].MuStar > out[b].MuStar })
	return out
}
