package markov

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
)

// Analysis is the exact analysis of one strategy profile on one Game.
// Steps follow the timing of Game: the process is in the initial state at
// step 0; "entered at or before step t" counts the initial state as entered
// at step 0. Figures that are undefined (the first-entry time of a state
// never entered, or a state left out by AnalyzeOptions.States) are NaN and
// encode as JSON null.
type Analysis struct {
	Horizon int `json:"horizon"`
	// Absorb[s] is the probability of ever entering state s, no horizon
	// (1 for the initial state).
	Absorb []float64 `json:"absorb"`
	// Reach[s][t] is the probability of having entered s at or before
	// step t, for t = 0..Horizon.
	Reach [][]float64 `json:"reach"`
	// Time[s] is the expected step of first entry into s among the paths
	// that enter it (no horizon); NaN if s is never entered.
	Time []float64 `json:"time"`
	// Value[a][c] is the expected discounted total of component c for
	// actor a, with a's own discount, from the initial state, no horizon;
	// terminal entry payoffs included. NaN for an undiscounted actor
	// (discount 1).
	Value [][]float64 `json:"value"`
	// Total[a] is Σ_c Weights[c]·Value[a][c].
	Total []float64 `json:"total"`

	// TimeBy[s] is the expected first-entry step among the paths that
	// enter s at or before the horizon; NaN if none does.
	TimeBy []float64 `json:"time_by"`
	// AtHorizon[s] is the probability of being in s at step Horizon (a
	// terminal state keeps the paths that ended in it).
	AtHorizon []float64 `json:"at_horizon"`
	// NeverEnds is the probability that no terminal state is ever
	// entered: exactly 0 when every reachable state can still reach an
	// ending, else 1 - Σ_terminal Absorb. With AtHorizon it gives the
	// endings of a profile in full: per terminal state AtHorizon[s]
	// (within the horizon) and Absorb[s] (eventually), and the share still
	// unresolved, Σ_{s non-terminal} AtHorizon[s] (see Unresolved), and
	// NeverEnds.
	NeverEnds float64 `json:"never_ends"`
	// Occupancy[s] is the expected number of steps t in 0..Horizon-1 at
	// which the process is in s, a terminal state counting every step
	// after its entry; Σ_s Occupancy[s] = Horizon.
	Occupancy []float64 `json:"occupancy"`
	// Steps is the expected number of steps before the horizon at which
	// the actors act (steps spent in non-terminal states).
	Steps float64 `json:"steps"`
	// ActionShare[a][k] is the expected number of steps before the horizon
	// at which actor a plays action k (global index), divided by Steps.
	ActionShare [][]float64 `json:"action_share"`
	// ValueBy and TotalBy are Value and Total truncated at the horizon:
	// flows of steps 0..Horizon-1 and entry payoffs of entries at steps
	// up to Horizon.
	ValueBy [][]float64 `json:"value_by"`
	TotalBy []float64   `json:"total_by"`
	// ValueAt[t] is ValueBy over the first t steps (flows of steps
	// 0..t-1, entries at steps up to t), for each t in
	// AnalyzeOptions.ValueSteps; TotalAt[t] weighs it like Total.
	ValueAt map[int][][]float64 `json:"value_at,omitempty"`
	TotalAt map[int][]float64   `json:"total_at,omitempty"`
	// From holds figures from every start state (AnalyzeOptions.From).
	From *From `json:"from,omitempty"`
	// LongRun is the long-run behaviour (AnalyzeOptions.LongRun).
	LongRun *LongRun `json:"long_run,omitempty"`
	// Nodes is the number of chain nodes (states with the memory that
	// matters).
	Nodes int `json:"nodes"`
}

// MaxHorizon bounds the horizon of Analyze and Simulate: reach curves and
// path buffers grow with it.
const MaxHorizon = 1_000_000

// maxReachValues bounds the numbers held by all reach curves together.
const maxReachValues = 100_000_000

// AnalyzeOptions tunes AnalyzeWith.
type AnalyzeOptions struct {
	Horizon int
	// States lists the states whose reach curve, absorption and
	// first-entry time are computed; nil means all. Terminal states are
	// always computed (together they cost one forward pass and two linear
	// solves); each non-terminal state costs its own forward pass and
	// linear solves, which dominates on large chains.
	States []int
	// From asks for figures from every start state (Analysis.From), for
	// the terminal states and FromStates; AnalyzeWith then builds the
	// chain from every state.
	From       bool
	FromStates []int
	// LongRun asks for the recurrent classes, their stationary
	// distributions and the long-run shares of time (Analysis.LongRun).
	LongRun bool
	// ValueSteps lists steps t (0..Horizon) at which the value over the
	// first t steps is recorded (Analysis.ValueAt); it costs a pass over
	// the nodes per step listed.
	ValueSteps []int
	// WithinHorizon computes only the figures up to the horizon (Reach,
	// TimeBy, AtHorizon, Occupancy, Steps, ActionShare, ValueBy, TotalBy,
	// ValueAt): the ones without a horizon (Absorb, Time, Value, Total,
	// NeverEnds), each a linear solve, are left NaN.
	WithinHorizon bool
	// Workers runs the values, the endings and each non-terminal state as
	// parallel tasks; 0 or 1 means sequential. Results do not depend on it.
	Workers int

	denseLimit int  // tests: 0 means denseMax, negative forces iteration
	unlayered  bool // tests: solve clocked systems as plain ones
}

// Analyze computes the exact Analysis of profile p on g up to horizon. It
// stops with ctx's error soon after ctx is done, and refuses with a
// *budget.ExceededError work whose memory is over the budget in ctx.
func Analyze(ctx context.Context, g *Game, p Profile, horizon int) (*Analysis, error) {
	return AnalyzeWith(ctx, g, p, AnalyzeOptions{Horizon: horizon})
}

// AnalyzeWith is Analyze with options.
func AnalyzeWith(ctx context.Context, g *Game, p Profile, opt AnalyzeOptions) (*Analysis, error) {
	var starts []int
	if opt.From && g != nil {
		starts = make([]int, len(g.States))
		for s := range starts {
			starts[s] = s
		}
	}
	c, err := BuildChainFrom(ctx, g, p, starts)
	if err != nil {
		return nil, err
	}
	return c.Analyze(ctx, opt)
}

// analyzer holds what the per-state computations share.
type analyzer struct {
	c          *Chain
	opt        AnalyzeOptions
	denseLimit int
	tRowPtr    []int32 // transpose of the chain: predecessors
	tCol       []int32
	tVal       []float64

	// What the horizon pass leaves for warm starts of the linear solves
	// (nil before it runs): per node, Σ_{t<H} p_t, Σ_{t<H} t·p_t and, per
	// distinct discount k, Σ_{t<H} δ_k^t·p_t (non-terminal nodes), and
	// p_H, the distribution at the horizon.
	hOcc, hTocc, hP []float64
	hDocc           []float64
	hDeltas         []float64

	valueSteps []int // opt.ValueSteps sorted, without repeats

	mem *analyzeMem // memory reused from one analysis of the chain to the next
}

// analyzeMem is the memory Chain.Analyze reuses from one call to the next
// on the same chain (a scenario's worker refills one chain per profile
// draw after draw, so its analyses need the same memory each time). A
// chain keeps one; an analysis running while another holds it uses new
// memory. Nothing in it is part of a result.
type analyzeMem struct {
	n                     int // the chain's nodes when it was sized
	tRowPtr, tCol, tFill  []int32
	tVal                  []float64
	occ, tocc, docc, dent []float64
	p, q, pm              []float64
	marked, pull          []int32    // horizonPass's nodes reached at a step
	scratch               []*scratch // one per worker
}

// takeMem returns c's analysis memory (new memory if another analysis
// holds it), sized for c; putMem gives it back.
func (c *Chain) takeMem() *analyzeMem {
	c.memMu.Lock()
	m := c.mem
	c.mem = nil
	c.memMu.Unlock()
	if m == nil || m.n != c.NumNodes() {
		m = &analyzeMem{n: c.NumNodes()}
	}
	return m
}

func (c *Chain) putMem(m *analyzeMem) {
	c.memMu.Lock()
	c.mem = m
	c.memMu.Unlock()
}

// scratch returns the i-th worker's scratch (sc.local all -1, as release
// leaves it).
func (m *analyzeMem) worker(i int) *scratch {
	for len(m.scratch) <= i {
		m.scratch = append(m.scratch, newScratch(m.n))
	}
	return m.scratch[i]
}

// memory returns the analysis memory, new memory if there is none (an
// analyzer made without Analyze).
func (an *analyzer) memory() *analyzeMem {
	if an.mem == nil {
		an.mem = &analyzeMem{n: an.c.NumNodes()}
	}
	return an.mem
}

// zeroed returns *buf resliced to n and cleared, reallocated if short.
func zeroed(buf *[]float64, n int) []float64 {
	*buf = grow(*buf, n)
	clear(*buf)
	return *buf
}

// warmStart guesses the solution of a visit equation on nodes U from the
// horizon pass: the head head(x) = Σ_{t<H} scale^t·p_t(x) is exact, and
// the tail assumes p_t ≈ λ^(t-H)·p_H beyond the horizon, the slowest mode
// having taken over (see slowRate). It returns nil when there is nothing
// to start from. A poor guess costs nothing but a residual check: the
// solver drops it if it is worse than zero.
func (an *analyzer) warmStart(ls *linSystem, U []int32, head []float64, stride, off int, scale float64) []float64 {
	H := an.opt.Horizon
	if an.hP == nil || H == 0 || ls.direct() {
		return nil
	}
	c := 0.0
	if kappa, ok := an.slowRate(ls, U); ok {
		c = math.Pow(scale, float64(H)) / kappa
	}
	x0 := make([]float64, len(U))
	for i, x := range U {
		x0[i] = head[int(x)*stride+off] + c*an.hP[x]
	}
	return x0
}

// slowRate returns κ = 1 - scale·λ, λ the decay per step of the mass at
// the horizon once the slowest mode has taken over, measured as the share
// of p_H's mass on U that (I - scale·Q_UUᵀ) removes in one step.
func (an *analyzer) slowRate(ls *linSystem, U []int32) (float64, bool) {
	pu := make([]float64, len(U))
	sumP := 0.0
	for i, x := range U {
		pu[i] = an.hP[x]
		sumP += pu[i]
	}
	if !(sumP > 0) {
		return 0, false
	}
	ap := make([]float64, len(U))
	ls.matvec(ap, pu)
	sumA := 0.0
	for _, v := range ap {
		sumA += v
	}
	kappa := sumA / sumP
	return kappa, kappa > 1e-9 && kappa <= 1
}

// linSystem is newLinSystem with the analyzer's dense limit, solved layer
// by layer on a clocked chain (newLinSystemClocked), in mem's memory (nil:
// new memory).
func (an *analyzer) linSystem(m csr, U, local []int32, scale float64, mem *lsMem) (*linSystem, error) {
	clock := an.c.Game.Clock
	if an.opt.unlayered {
		clock = 0
	}
	return newLinSystemClocked(m, U, local, scale, an.denseLimit, an.c.phase, clock, mem)
}

func (an *analyzer) transposed() csr { return csr{an.tRowPtr, an.tCol, an.tVal} }

// scratch is per-worker memory reused across target states.
type scratch struct {
	dist  []int32
	local []int32
	queue []int32
	p, q  []float64
	ls    lsMem // the linear systems built one after the other
	// Figures from every start (fromTarget, valuesFromAll): the nodes
	// solved for, two vectors over nodes, a right-hand side and the
	// values of every node.
	u          []int32
	h, g, b, v []float64
	// visits: the right-hand side and the two solutions (valid until
	// the next call).
	e0, nu, mu []float64
	// reachBlock: distances and masses per node and target.
	rdist      []int32
	rp, rq, rm []float64
	// reachBlock's nodes reached at a step (marked, pull).
	rmark, rpull []int32
	// forwardSet's nodes.
	fw []int32
}

func newScratch(n int) *scratch {
	sc := &scratch{dist: make([]int32, n), local: make([]int32, n), p: make([]float64, n), q: make([]float64, n)}
	for i := range sc.local {
		sc.local[i] = -1
	}
	return sc
}

// Analyze computes the exact Analysis of the chain. It reuses the memory
// of the chain's previous analysis (a chain refilled draw after draw needs
// the same each time); analyses of one chain may run at once (all but one
// then use new memory), and nothing of a result is reused.
func (c *Chain) Analyze(ctx context.Context, opt AnalyzeOptions) (*Analysis, error) {
	if opt.Horizon < 0 || opt.Horizon > MaxHorizon {
		return nil, fmt.Errorf("markov: horizon %d outside 0..%d", opt.Horizon, MaxHorizon)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("markov: analyze: %w", err)
	}
	g := c.Game
	nS, nA, nC := len(g.States), len(g.Actors), len(g.Components)
	want := make([]bool, nS)
	if opt.States == nil {
		for s := range want {
			want[s] = true
		}
	}
	for _, s := range opt.States {
		if s < 0 || s >= nS {
			return nil, fmt.Errorf("markov: analyze: state %d out of range", s)
		}
		want[s] = true
	}
	curves := 0
	for s := range want {
		if want[s] || g.States[s].Terminal {
			curves++
		}
	}
	if curves*(opt.Horizon+1) > maxReachValues {
		return nil, fmt.Errorf("markov: %d reach curves of %d steps are too many numbers (at most %d); analyse fewer states (AnalyzeOptions.States) or a shorter horizon",
			curves, opt.Horizon+1, maxReachValues)
	}
	an := &analyzer{c: c, opt: opt, denseLimit: denseMax, mem: c.takeMem()}
	defer c.putMem(an.mem)
	for _, t := range opt.ValueSteps {
		if t < 0 || t > opt.Horizon {
			return nil, fmt.Errorf("markov: analyze: value over %d steps is outside the horizon 0..%d", t, opt.Horizon)
		}
		if !slices.Contains(an.valueSteps, t) {
			an.valueSteps = append(an.valueSteps, t)
		}
	}
	slices.Sort(an.valueSteps)
	if opt.denseLimit > 0 {
		an.denseLimit = opt.denseLimit
	} else if opt.denseLimit < 0 {
		an.denseLimit = 0
	}
	an.transpose()

	res := &Analysis{
		Horizon:   opt.Horizon,
		Absorb:    make([]float64, nS),
		Reach:     make([][]float64, nS),
		Time:      make([]float64, nS),
		TimeBy:    make([]float64, nS),
		AtHorizon: make([]float64, nS),
		Occupancy: make([]float64, nS),
		Nodes:     c.NumNodes(),
	}
	for s := 0; s < nS; s++ {
		res.Absorb[s], res.Time[s], res.TimeBy[s] = math.NaN(), math.NaN(), math.NaN()
		if g.States[s].Terminal {
			want[s] = true
		}
	}
	res.ActionShare = make([][]float64, nA)
	res.ValueBy = make([][]float64, nA)
	res.Value = make([][]float64, nA)
	for a := 0; a < nA; a++ {
		res.ActionShare[a] = make([]float64, len(g.Actions[a]))
		res.ValueBy[a] = make([]float64, nC)
	}

	if len(an.valueSteps) > 0 {
		res.ValueAt = make(map[int][][]float64, len(an.valueSteps))
	}
	if err := an.horizonPass(ctx, res); err != nil {
		return nil, fmt.Errorf("markov: analyze: %w", err)
	}

	// Then independent tasks: values, the endings, and each non-terminal
	// state on its own. Each writes its own fields or slots, so the outcome
	// does not depend on the number of workers.
	// Tasks: -2 values, -1 terminal states, s >= 0 the absorption and
	// first-entry time of non-terminal state s, and -3-k the reach curves
	// of the k-th block of non-terminal states (one pass per block).
	todo := []int{-2, -1}
	if opt.WithinHorizon {
		todo = nil
		res.NeverEnds = math.NaN()
		for a := range res.Value {
			res.Value[a] = make([]float64, nC)
			for c := range res.Value[a] {
				res.Value[a][c] = math.NaN()
			}
		}
	}
	var targets []int
	for s := 0; s < nS; s++ {
		if want[s] && !g.States[s].Terminal {
			if !opt.WithinHorizon {
				todo = append(todo, s)
			}
			targets = append(targets, s)
		}
	}
	var blocks [][]int
	for len(targets) > 0 {
		k := min(reachBlockSize(c.NumNodes()), len(targets))
		todo = append(todo, -3-len(blocks))
		blocks = append(blocks, targets[:k])
		targets = targets[k:]
	}
	workers := min(max(opt.Workers, 1), len(todo))
	errs := make([]error, len(todo))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		sc := an.mem.worker(w)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(todo) {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[i] = err
					return
				}
				switch s := todo[i]; s {
				case -2:
					errs[i] = an.values(ctx, res, sc)
				case -1:
					errs[i] = an.terminals(ctx, res, sc)
				default:
					if s <= -3 {
						ts := blocks[-3-s]
						curves, err := an.reachBlock(ctx, ts, sc)
						if err != nil {
							errs[i] = fmt.Errorf("markov: reach curves: %w", err)
							continue
						}
						for k, t := range ts {
							res.Reach[t] = curves[k]
						}
						continue
					}
					res.Absorb[s], res.Time[s], errs[i] = an.target(ctx, s, sc)
					if errs[i] != nil {
						errs[i] = fmt.Errorf("markov: analysing state %s: %w", g.States[s].ID, errs[i])
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}

	for s := 0; s < nS; s++ {
		r := res.Reach[s]
		if r == nil {
			continue
		}
		h := r[len(r)-1]
		if h > 0 {
			sum := 0.0
			for t := 1; t < len(r); t++ {
				sum += float64(t) * (r[t] - r[t-1])
			}
			res.TimeBy[s] = sum / h
		}
	}
	res.Total = weighted(g, res.Value)
	if opt.From {
		if err := an.fromAll(ctx, res, an.mem.worker(0)); err != nil {
			return nil, err
		}
	}
	if opt.LongRun {
		if err := an.longRun(ctx, res, an.mem.worker(0)); err != nil {
			return nil, err
		}
	}
	res.TotalBy = weighted(g, res.ValueBy)
	if len(res.ValueAt) > 0 {
		res.TotalAt = make(map[int][]float64, len(res.ValueAt))
		for t, v := range res.ValueAt {
			res.TotalAt[t] = weighted(g, v)
		}
	}
	return res, nil
}

// Unresolved is the probability that the process has not ended by the
// horizon: the mass in non-terminal states at step Horizon, which is
// 1 - Σ_{s terminal} AtHorizon[s].
func (r *Analysis) Unresolved(g *Game) float64 {
	u := 0.0
	for s, st := range g.States {
		if !st.Terminal {
			u += r.AtHorizon[s]
		}
	}
	return u
}

// weighted returns Σ_c Weights[c]·v[a][c] per actor.
func weighted(g *Game, v [][]float64) []float64 {
	out := make([]float64, len(g.Actors))
	for a, act := range g.Actors {
		for c, w := range act.Weights {
			out[a] += w * v[a][c]
		}
	}
	return out
}

// transpose builds the predecessor lists of the chain.
func (an *analyzer) transpose() {
	c := an.c
	n := c.NumNodes()
	m := an.memory()
	m.tRowPtr = grow(m.tRowPtr, n+1)
	clear(m.tRowPtr)
	an.tRowPtr = m.tRowPtr
	for _, y := range c.Col {
		an.tRowPtr[y+1]++
	}
	for i := 0; i < n; i++ {
		an.tRowPtr[i+1] += an.tRowPtr[i]
	}
	m.tCol, m.tVal, m.tFill = grow(m.tCol, len(c.Col)), grow(m.tVal, len(c.Col)), grow(m.tFill, n)
	an.tCol, an.tVal = m.tCol, m.tVal
	fill := m.tFill
	copy(fill, an.tRowPtr[:n])
	for x := 0; x < n; x++ {
		for e := c.RowPtr[x]; e < c.RowPtr[x+1]; e++ {
			y := c.Col[e]
			an.tCol[fill[y]] = int32(x)
			an.tVal[fill[y]] = c.P[e]
			fill[y]++
		}
	}
}

// horizonPass propagates the distribution over nodes for Horizon steps:
// reach curves of terminal states (absorbing by nature), the distribution
// at the horizon, occupancy, action shares and truncated values. The step
// loop only accumulates per-node totals (plain and discounted per distinct
// discount); the per-state, per-action and per-component figures are
// linear in them and computed once afterwards.
func (an *analyzer) horizonPass(ctx context.Context, res *Analysis) error {
	c, g, H := an.c, an.c.Game, an.opt.Horizon
	n, nA := c.NumNodes(), len(g.Actors)
	for s, st := range g.States {
		if st.Terminal {
			res.Reach[s] = make([]float64, H+1)
		}
	}
	var deltas []float64
	group := make([]int, nA)
	for a, act := range g.Actors {
		group[a] = -1
		for k, d := range deltas {
			if d == act.Discount {
				group[a] = k
			}
		}
		if group[a] < 0 {
			group[a] = len(deltas)
			deltas = append(deltas, act.Discount)
		}
	}
	nG := len(deltas)
	// disc[k] is δ_k^t and next[k] is δ_k^(t+1), the discount of an entry
	// at the end of step t.
	disc, next := make([]float64, nG), make([]float64, nG)
	for k := range disc {
		disc[k], next[k] = 1, deltas[k]
	}
	mem := an.memory()
	occ := zeroed(&mem.occ, n)
	tocc := zeroed(&mem.tocc, n)    // Σ_t t·p_t(x), non-terminal x
	docc := zeroed(&mem.docc, n*nG) // Σ_t δ^t·p_t(x), non-terminal x
	dent := zeroed(&mem.dent, n*nG) // Σ_t δ^(t+1)·(mass entering terminal y)
	p, q := zeroed(&mem.p, n), zeroed(&mem.q, n)
	pm := zeroed(&mem.pm, n) // the mass a node moves on (0 at an ending)
	tRowPtr, tCol, tVal := an.tRowPtr, an.tCol, an.tVal
	// pull lists the nodes that receive or keep mass at step t
	// (marked[y] == t+1); the others stay at 0.
	mem.marked = grow(mem.marked, n)
	marked, pull := mem.marked, mem.pull[:0]
	clear(marked)
	defer func() { mem.pull = pull }()
	p[c.Init] = 1
	if c.term[c.Init] {
		for k := range deltas {
			dent[c.Init*nG+k] = 1
		}
	}
	snap := 0 // next entry of opt.ValueSteps (sorted) to record
	for t := 0; ; t++ {
		if t&63 == 63 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for s, st := range g.States {
			if st.Terminal && c.termNode[s] >= 0 {
				res.Reach[s][t] = p[c.termNode[s]]
			}
		}
		for ; snap < len(an.valueSteps) && an.valueSteps[snap] == t; snap++ {
			// Flows of steps 0..t-1 and entries at steps up to t.
			v := an.truncatedValue(docc, dent, group, nG)
			res.ValueAt[t] = v
		}
		if t == H {
			for x, m := range p {
				res.AtHorizon[c.State[x]] += m
			}
			break
		}
		pull = pull[:0]
		for x, m := range p {
			pm[x] = 0
			if m == 0 {
				continue
			}
			occ[x] += m
			if c.term[x] {
				if marked[x] != int32(t+1) { // an ending keeps its mass
					marked[x] = int32(t + 1)
					pull = append(pull, int32(x))
				}
				continue
			}
			pm[x] = m
			for _, y := range c.Col[c.RowPtr[x]:c.RowPtr[x+1]] {
				if marked[y] != int32(t+1) {
					marked[y] = int32(t + 1)
					pull = append(pull, y)
				}
			}
			tocc[x] += float64(t) * m
			for k, d := range disc {
				docc[x*nG+k] += d * m
			}
		}
		// Each node pulls the mass of its predecessors, in the order of
		// their rows (the transpose lists them by predecessor, then
		// edge): the sums of pushing every row in node order, the same
		// products added in the same order. An ending's own mass comes
		// in at its place among the predecessors; nodes that move no
		// mass (pm 0) add +0, which changes no sum of masses, and nodes
		// that receive none are not visited (they stay at 0).
		for _, yy := range pull {
			y := int(yy)
			lo, hi := tRowPtr[y], tRowPtr[y+1]
			acc := 0.0
			if !c.term[y] {
				for e := lo; e < hi; e++ {
					acc += pm[tCol[e]] * tVal[e]
				}
				q[y] = acc
				continue
			}
			own := false
			for e := lo; e < hi; e++ {
				x := tCol[e]
				if !own && int(x) > y {
					acc += p[y]
					own = true
				}
				w := pm[x] * tVal[e]
				acc += w
				for k, d := range next {
					dent[y*nG+k] += d * w
				}
			}
			if !own {
				acc += p[y]
			}
			q[y] = acc
		}
		for k := range disc {
			disc[k] = next[k]
			next[k] *= deltas[k]
		}
		p, q = q, p
		clear(q)
	}
	an.hOcc, an.hTocc, an.hP, an.hDocc, an.hDeltas = occ, tocc, p, docc, deltas
	for x := 0; x < n; x++ {
		m := occ[x]
		s := c.State[x]
		res.Occupancy[s] += m
		if c.term[x] || m == 0 {
			continue
		}
		res.Steps += m
		for a := 0; a < nA; a++ {
			av := g.Avail[s][a]
			for k, pk := range c.dist[x*nA+a] {
				res.ActionShare[a][av[k]] += m * pk
			}
		}
	}
	res.ValueBy = an.truncatedValue(docc, dent, group, nG)
	for a := range res.ActionShare {
		for k := range res.ActionShare[a] {
			if res.Steps > 0 {
				res.ActionShare[a][k] /= res.Steps
			} else {
				res.ActionShare[a][k] = math.NaN()
			}
		}
	}
	return nil
}

// truncatedValue is the value per actor and component over a bounded
// number of steps, from docc (per node and discount group, Σ_t δ^t·p_t(x)
// over the steps counted) and dent (per terminal node, the discounted mass
// that entered it).
func (an *analyzer) truncatedValue(docc, dent []float64, group []int, nG int) [][]float64 {
	c, g := an.c, an.c.Game
	nA, nC := len(g.Actors), len(g.Components)
	nAC := nA * nC
	v := make([][]float64, nA)
	for a := range v {
		v[a] = make([]float64, nC)
	}
	for x := 0; x < c.NumNodes(); x++ {
		s := c.State[x]
		if c.term[x] {
			if e := g.Entry[s]; len(e) > 0 {
				for a := 0; a < nA; a++ {
					f := dent[x*nG+group[a]]
					for k := 0; k < nC; k++ {
						v[a][k] += f * e[a*nC+k]
					}
				}
			}
			continue
		}
		rw := c.reward[x*nAC : x*nAC+nAC]
		for a := 0; a < nA; a++ {
			f := docc[x*nG+group[a]]
			for k := 0; k < nC; k++ {
				v[a][k] += f * rw[a*nC+k]
			}
		}
	}
	return v
}

// addEntry adds w·f[a]·Entry[s] to v[a] for every actor a.
func addEntry(g *Game, v [][]float64, s int, f []float64, w float64) {
	e := g.Entry[s]
	if len(e) == 0 {
		return
	}
	nC := len(g.Components)
	for a := range v {
		x := w * f[a]
		for k := 0; k < nC; k++ {
			v[a][k] += x * e[a*nC+k]
		}
	}
}

// backDist fills sc.dist with the number of steps from each node to the
// nearest target node, moving only through nodes that are not blocked
// (-1: the targets cannot be reached; 0: a target).
func (an *analyzer) backDist(sc *scratch, target, blocked func(x int32) bool) {
	n := int32(an.c.NumNodes())
	sc.queue = sc.queue[:0]
	for x := int32(0); x < n; x++ {
		if target(x) {
			sc.dist[x] = 0
			sc.queue = append(sc.queue, x)
		} else {
			sc.dist[x] = -1
		}
	}
	for i := 0; i < len(sc.queue); i++ {
		y := sc.queue[i]
		for e := an.tRowPtr[y]; e < an.tRowPtr[y+1]; e++ {
			x := an.tCol[e]
			if sc.dist[x] < 0 && !blocked(x) {
				sc.dist[x] = sc.dist[y] + 1
				sc.queue = append(sc.queue, x)
			}
		}
	}
}

// forwardSet returns, in breadth-first order from Init (which must qualify),
// the nodes reachable from Init through nodes that are not blocked and, if
// useDist, can reach a target (sc.dist >= 0). It sets sc.local to each
// node's position; release resets it. The nodes are in sc's memory, valid
// until the next call.
func (an *analyzer) forwardSet(sc *scratch, blocked func(x int32) bool, useDist bool) []int32 {
	c := an.c
	U := append(sc.fw[:0], int32(c.Init))
	defer func() { sc.fw = U }()
	sc.local[c.Init] = 0
	for i := 0; i < len(U); i++ {
		x := U[i]
		for e := c.RowPtr[x]; e < c.RowPtr[x+1]; e++ {
			y := c.Col[e]
			if sc.local[y] >= 0 || blocked(y) || (useDist && sc.dist[y] < 0) {
				continue
			}
			sc.local[y] = int32(len(U))
			U = append(U, y)
		}
	}
	return U
}

func release(sc *scratch, U []int32) {
	for _, x := range U {
		sc.local[x] = -1
	}
}

// visits solves the forward equations on nodes U (Init first): ν, the
// expected number of visits to each node before leaving U, solves
// ν = e_Init + Q_UUᵀ ν, and μ = Σ_t t·P(X_t = x, not yet left) solves
// μ = (ν - e_Init) + Q_UUᵀ μ. A path leaving U from x at step t enters its
// successor at step t+1, so Σ_x ν(x)·Q(x,S) is the probability of entering
// S and Σ_x (μ(x)+ν(x))·Q(x,S) the expected entry step times that
// probability.
func (an *analyzer) visits(ctx context.Context, sc *scratch, U []int32, useWarm bool) (nu, mu []float64, err error) {
	ls, err := an.linSystem(an.transposed(), U, sc.local, 1, &sc.ls)
	if err != nil {
		return nil, nil, err
	}
	// Warm starts come from the horizon pass, whose distributions are
	// those of the chain killed on leaving U only when no mass comes back
	// into U from outside (true of the endings' U, see terminals).
	useWarm = useWarm && an.hOcc != nil && an.opt.Horizon > 0 && !ls.direct()
	var x0 []float64
	if useWarm {
		x0 = an.warmStart(ls, U, an.hOcc, 1, 0, 1)
	}
	e0 := zeroed(&sc.e0, len(U))
	e0[0] = 1
	if nu, err = ls.solveInto(ctx, &sc.nu, e0, 1, x0); err != nil {
		return nil, nil, err
	}
	// μ's tail Σ_{t≥H} t·p_t is H·(ν - head) plus Σ_j j·p_{H+j}, which the
	// slowest mode makes (1-κ)/κ·(ν - head): ν's exact tail carries the
	// shape, only the correction is approximate.
	x0 = nil
	if useWarm {
		if kappa, ok := an.slowRate(ls, U); ok {
			f := float64(an.opt.Horizon) + (1-kappa)/kappa
			x0 = make([]float64, len(U))
			for i, x := range U {
				x0[i] = an.hTocc[x] + f*(nu[i]-an.hOcc[x])
			}
		}
	}
	b := append(sc.e0[:0], nu...)
	sc.e0 = b
	b[0]--
	if mu, err = ls.solveInto(ctx, &sc.mu, b, 1, x0); err != nil {
		return nil, nil, err
	}
	return nu, mu, nil
}

// terminals computes absorption probabilities and first-entry times of all
// terminal states at once, from the expected visits (see visits) over the
// nodes U that are reachable and can still end.
func (an *analyzer) terminals(ctx context.Context, res *Analysis, sc *scratch) error {
	c, g := an.c, an.c.Game
	for s, st := range g.States {
		if st.Terminal {
			res.Absorb[s] = 0
		}
	}
	if c.Terminal(c.Init) {
		res.Absorb[c.State[c.Init]], res.Time[c.State[c.Init]] = 1, 0
		return nil
	}
	term := func(x int32) bool { return c.Terminal(int(x)) }
	all := an.forwardSet(sc, term, false) // every reachable non-terminal node
	nReach := len(all)
	release(sc, all)
	an.backDist(sc, term, term)
	if sc.dist[c.Init] < 0 {
		res.NeverEnds = 1
		return nil
	}
	U := an.forwardSet(sc, term, true)
	defer release(sc, U)
	// Every node of U can end and a node outside U cannot reach U (it
	// would then reach an ending), so the horizon pass restricted to U is
	// the chain killed on leaving U: its sums warm-start the solves.
	nu, mu, err := an.visits(ctx, sc, U, true)
	if err != nil {
		return fmt.Errorf("markov: absorption: %w", err)
	}
	ent := make([]float64, len(g.States))
	for i, x := range U {
		for e := c.RowPtr[x]; e < c.RowPtr[x+1]; e++ {
			if y := c.Col[e]; c.Terminal(int(y)) {
				s := c.State[y]
				res.Absorb[s] += nu[i] * c.P[e]
				ent[s] += (mu[i] + nu[i]) * c.P[e]
			}
		}
	}
	sum := 0.0
	for s, st := range g.States {
		if st.Terminal && res.Absorb[s] > 0 {
			res.Time[s] = ent[s] / res.Absorb[s]
			sum += res.Absorb[s]
		}
	}
	// The endings' probabilities sum to exactly 1 when every reachable node
	// can still end (a finite chain then ends almost surely), and never
	// above 1. Rounding in an ill-conditioned solve (slow absorption) can
	// break either by about cond·ε; rescaling restores the constraint and
	// moves each figure by no more than its own rounding error.
	if sum > 0 && (nReach == len(U) || sum > 1) {
		for s, st := range g.States {
			if st.Terminal {
				res.Absorb[s] /= sum
			}
		}
	}
	if nReach != len(U) {
		res.NeverEnds = math.Max(0, 1-math.Min(1, sum))
	}
	return nil
}

// target computes absorption, first-entry time and the reach curve of
// non-terminal state s, treating its nodes as absorbing.
func (an *analyzer) target(ctx context.Context, s int, sc *scratch) (absorb, time float64, err error) {
	c := an.c
	if c.State[c.Init] == s {
		return 1, 0, nil
	}
	inS := func(x int32) bool { return c.State[x] == s }
	blocked := func(x int32) bool { return c.State[x] == s || c.Terminal(int(x)) }
	an.backDist(sc, inS, blocked)
	if sc.dist[c.Init] < 0 {
		return 0, math.NaN(), nil
	}
	U := an.forwardSet(sc, blocked, true)
	defer release(sc, U)

	nu, mu, err := an.visits(ctx, sc, U, false)
	if err != nil {
		return 0, 0, err
	}
	h, m := 0.0, 0.0
	for i, x := range U {
		for e := c.RowPtr[x]; e < c.RowPtr[x+1]; e++ {
			if c.State[c.Col[e]] == s {
				h += nu[i] * c.P[e]
				m += (mu[i] + nu[i]) * c.P[e]
			}
		}
	}
	time = math.NaN()
	if h > 0 {
		time = m / h
	}
	return math.Min(1, math.Max(0, h)), time, nil
}

// values computes V(Init) = Σ_x ν_δ(x)·(r(x) + δ·Σ_{y terminal} Q(x,y)·Entry(y))
// per actor, where ν_δ = e_Init + δ·Q_UUᵀ ν_δ are the discounted expected
// visits over the reachable non-terminal nodes; actors with equal
// discounts share one solve.
func (an *analyzer) values(ctx context.Context, res *Analysis, sc *scratch) error {
	c, g := an.c, an.c.Game
	nA, nC := len(g.Actors), len(g.Components)
	for a := range res.Value {
		res.Value[a] = make([]float64, nC)
	}
	if c.Terminal(c.Init) {
		ones := make([]float64, nA)
		for a := range ones {
			ones[a] = 1
		}
		addEntry(g, res.Value, c.State[c.Init], ones, 1)
		return nil
	}
	if nC == 0 {
		return nil
	}
	term := func(x int32) bool { return c.Terminal(int(x)) }
	U := an.forwardSet(sc, term, false)
	defer release(sc, U)
	e0 := make([]float64, len(U))
	e0[0] = 1
	done := make([]bool, nA)
	for a0 := 0; a0 < nA; a0++ {
		if done[a0] {
			continue
		}
		delta := g.Actors[a0].Discount
		var group []int
		for a := a0; a < nA; a++ {
			if !done[a] && g.Actors[a].Discount == delta {
				group = append(group, a)
				done[a] = true
			}
		}
		if delta >= 1 {
			// Undiscounted: a value over an unbounded future is not
			// defined; only the truncated values are (ValueBy, ValueAt).
			for _, a := range group {
				for cc := range res.Value[a] {
					res.Value[a][cc] = math.NaN()
				}
			}
			continue
		}
		ls, err := an.linSystem(an.transposed(), U, sc.local, delta, &sc.ls)
		if err != nil {
			return fmt.Errorf("markov: values: %w", err)
		}
		// U is every reachable non-terminal node, so the horizon pass's
		// discounted occupancy is the head of ν_δ.
		var x0 []float64
		if an.hDocc != nil {
			for k, d := range an.hDeltas {
				if d == delta {
					x0 = an.warmStart(ls, U, an.hDocc, len(an.hDeltas), k, delta)
				}
			}
		}
		nu, err := ls.solveFrom(ctx, e0, 1, x0)
		if err != nil {
			return fmt.Errorf("markov: values: %w", err)
		}
		for i, x := range U {
			rw := c.Reward(int(x))
			for _, a := range group {
				for cc := 0; cc < nC; cc++ {
					res.Value[a][cc] += nu[i] * rw[a*nC+cc]
				}
			}
			for e := c.RowPtr[x]; e < c.RowPtr[x+1]; e++ {
				y := c.Col[e]
				ent := g.Entry[c.State[y]]
				if !c.Terminal(int(y)) || len(ent) == 0 {
					continue
				}
				w := nu[i] * delta * c.P[e]
				for _, a := range group {
					for cc := 0; cc < nC; cc++ {
						res.Value[a][cc] += w * ent[a*nC+cc]
					}
				}
			}
		}
	}
	return nil
}

// jsonFloat encodes NaN and infinities as null.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(f))
}

func jsonFloats(v []float64) []jsonFloat {
	if v == nil {
		return nil
	}
	out := make([]jsonFloat, len(v))
	for i, x := range v {
		out[i] = jsonFloat(x)
	}
	return out
}

func jsonFloats2(v [][]float64) [][]jsonFloat {
	out := make([][]jsonFloat, len(v))
	for i, x := range v {
		out[i] = jsonFloats(x)
	}
	return out
}

func jsonAt2(m map[int][][]float64) map[int][][]jsonFloat {
	if m == nil {
		return nil
	}
	out := make(map[int][][]jsonFloat, len(m))
	for t, v := range m {
		out[t] = jsonFloats2(v)
	}
	return out
}

func jsonAt1(m map[int][]float64) map[int][]jsonFloat {
	if m == nil {
		return nil
	}
	out := make(map[int][]jsonFloat, len(m))
	for t, v := range m {
		out[t] = jsonFloats(v)
	}
	return out
}

// MarshalJSON encodes the analysis with NaN as null.
func (r Analysis) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Horizon     int                   `json:"horizon"`
		Absorb      []jsonFloat           `json:"absorb"`
		Reach       [][]jsonFloat         `json:"reach"`
		Time        []jsonFloat           `json:"time"`
		Value       [][]jsonFloat         `json:"value"`
		Total       []jsonFloat           `json:"total"`
		TimeBy      []jsonFloat           `json:"time_by"`
		AtHorizon   []jsonFloat           `json:"at_horizon"`
		NeverEnds   jsonFloat             `json:"never_ends"`
		Occupancy   []jsonFloat           `json:"occupancy"`
		Steps       jsonFloat             `json:"steps"`
		ActionShare [][]jsonFloat         `json:"action_share"`
		ValueBy     [][]jsonFloat         `json:"value_by"`
		TotalBy     []jsonFloat           `json:"total_by"`
		ValueAt     map[int][][]jsonFloat `json:"value_at,omitempty"`
		TotalAt     map[int][]jsonFloat   `json:"total_at,omitempty"`
		From        *From                 `json:"from,omitempty"`
		LongRun     *LongRun              `json:"long_run,omitempty"`
		Nodes       int                   `json:"nodes"`
	}{r.Horizon, jsonFloats(r.Absorb), jsonFloats2(r.Reach), jsonFloats(r.Time), jsonFloats2(r.Value),
		jsonFloats(r.Total), jsonFloats(r.TimeBy), jsonFloats(r.AtHorizon), jsonFloat(r.NeverEnds), jsonFloats(r.Occupancy),
		jsonFloat(r.Steps), jsonFloats2(r.ActionShare), jsonFloats2(r.ValueBy), jsonFloats(r.TotalBy), jsonAt2(r.ValueAt), jsonAt1(r.TotalAt), r.From, r.LongRun, r.Nodes})
}
