package markov

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
)

// SimOptions configures Simulate.
type SimOptions struct {
	Runs    int    // number of paths, > 0
	Horizon int    // steps per path, >= 0
	Seed    uint64 // path i uses its own stream derived from (Seed, i)
	Workers int    // goroutines; 0 means GOMAXPROCS. Results do not depend on it.
	// Progress, if set, is called with the number of paths done after
	// each chunk, from one goroutine at a time.
	Progress func(done int)
}

// Estimate is a Monte Carlo mean and its standard error. Undefined figures
// (no path to average over) are NaN and encode as JSON null.
type Estimate struct {
	Mean float64 `json:"mean"`
	SE   float64 `json:"se"`
}

// MarshalJSON writes NaN as null.
func (e Estimate) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Mean jsonFloat `json:"mean"`
		SE   jsonFloat `json:"se"`
	}{jsonFloat(e.Mean), jsonFloat(e.SE)})
}

// SimStats are the statistics of Simulate's paths. Every path runs from the
// initial state for Horizon steps or until it enters a terminal state.
type SimStats struct {
	Runs    int    `json:"runs"`
	Horizon int    `json:"horizon"`
	Seed    uint64 `json:"seed"`
	// Steps is the total number of steps simulated (steps at which the
	// actors act).
	Steps  int64      `json:"steps"`
	States []StateSim `json:"states"`
	Actors []ActorSim `json:"actors"`
}

// StateSim are the statistics of one state.
type StateSim struct {
	ID string `json:"id"`
	// Steps spent in the state among steps 0..Horizon-1 (a terminal state
	// counts every step after entry); compare Analysis.Occupancy.
	Steps Estimate `json:"steps"`
	// Entered is the share of paths that entered the state at or before
	// the horizon; compare Analysis.Reach[s][Horizon].
	Entered Estimate `json:"entered"`
	// FirstEntry is the mean first-entry step among those paths; compare
	// Analysis.TimeBy.
	FirstEntry Estimate `json:"first_entry"`
}

// ActorSim are the statistics of one actor.
type ActorSim struct {
	ID string `json:"id"`
	// Actions gives, per action, the share of the actor's steps at which
	// it was played (ratio estimator over paths); compare
	// Analysis.ActionShare.
	Actions []ActionSim `json:"actions"`
	// Components is the discounted payoff per component, truncated at the
	// horizon; compare Analysis.ValueBy.
	Components []ComponentSim `json:"components"`
	// Total is Σ_c Weights[c]·component; compare Analysis.TotalBy.
	Total Estimate `json:"total"`
}

// ActionSim is how often one action was played.
type ActionSim struct {
	Action string   `json:"action"`
	Share  Estimate `json:"share"`
}

// ComponentSim is the discounted payoff of one component.
type ComponentSim struct {
	Component string   `json:"component"`
	Value     Estimate `json:"value"`
}

// simChunk is the number of paths one worker runs before handing over its
// sums. It is fixed so that results do not depend on the worker count.
const simChunk = 1024

// simNode is what a step needs of its node, packed in one record.
type simNode struct {
	off   int32  // first alias slot
	cnt   uint32 // number of slots (0 = terminal)
	state int32
	term  bool
}

// simSlot is one alias-table slot: keep outcome 0 when the draw's low bits
// are below thr, else outcome 1 (the alias), each a successor node and a
// flat (state, joint action) index. Packing both outcomes makes a step one
// memory access into the table.
type simSlot struct {
	thr  uint64
	next [2]int32
	sj   [2]int32
}

// sampler holds the flat tables the inner loop reads.
type sampler struct {
	nA, nC, H int
	nodes     []simNode
	slots     []simSlot
	flows     []float64
	acts      []int32 // per (state, joint action) and actor: counter index
	entry     [][]float64
	pow       []float64 // pow[i*(H+1)+t]: δ^t of the actor of (actor, component) slot i
	weights   [][]float64
	nCounters int
	actBase   []int
	// sameDiscount: every actor has the same discount, so the rows of
	// pow are equal.
	sameDiscount bool
}

// simSums are sums over paths, merged chunk by chunk in order. Sums about
// one state, counter or component sit side by side, so folding a path
// into them touches one cache line per item.
type simSums struct {
	n     float64
	steps int64
	nSum  float64 // Σ steps per path
	nSq   float64
	// st[5s:5s+5]: paths that entered s, Σ steps in s, Σ steps², Σ first
	// entry, Σ first entry².
	st []float64
	// act[3i:3i+3]: Σ plays, Σ plays², Σ plays·steps for counter i.
	act []float64
	// pay[2i:2i+2]: Σ value, Σ value² for (actor, component) i; tot the
	// same per actor for the weighted total.
	pay, tot []float64
}

func newSums(nS, nAct, nAC, nA int) *simSums {
	return &simSums{st: make([]float64, 5*nS), act: make([]float64, 3*nAct), pay: make([]float64, 2*nAC), tot: make([]float64, 2*nA)}
}

func (s *simSums) reset() {
	s.n, s.steps, s.nSum, s.nSq = 0, 0, 0, 0
	clear(s.st)
	clear(s.act)
	clear(s.pay)
	clear(s.tot)
}

func (s *simSums) add(o *simSums) {
	s.n += o.n
	s.steps += o.steps
	s.nSum += o.nSum
	s.nSq += o.nSq
	for _, p := range [][2][]float64{{s.st, o.st}, {s.act, o.act}, {s.pay, o.pay}, {s.tot, o.tot}} {
		for k, v := range p[1] {
			p[0][k] += v
		}
	}
}

// Simulate samples opt.Runs paths of profile p on g and returns their
// statistics. Path i draws from its own PCG stream seeded from
// (opt.Seed, i), and sums are merged in path order chunk by chunk, so the
// result is byte-identical whatever opt.Workers.
func Simulate(ctx context.Context, g *Game, p Profile, opt SimOptions) (*SimStats, error) {
	if opt.Runs <= 0 {
		return nil, fmt.Errorf("markov: simulate: runs must be positive, got %d", opt.Runs)
	}
	if opt.Horizon < 0 || opt.Horizon > MaxHorizon {
		return nil, fmt.Errorf("markov: simulate: horizon %d outside 0..%d", opt.Horizon, MaxHorizon)
	}
	c, err := buildChain(ctx, g, p, true, nil)
	if err != nil {
		return nil, err
	}
	return c.simulate(ctx, opt)
}

// newSampler builds alias tables for every node's (joint action,
// successor) outcomes.
func (c *Chain) newSampler(H int) *sampler {
	g := c.Game
	nA, nC, nS := len(g.Actors), len(g.Components), len(g.States)
	n := c.NumNodes()
	sm := &sampler{nA: nA, nC: nC, H: H,
		nodes: make([]simNode, n), slots: make([]simSlot, len(c.outP)), entry: g.Entry,
		weights: make([][]float64, nA), actBase: make([]int, nA+1)}
	for a, act := range g.Actors {
		for cc := 0; cc < nC; cc++ {
			d := 1.0
			for t := 0; t <= H; t++ {
				sm.pow = append(sm.pow, d)
				d *= act.Discount
			}
		}
		sm.weights[a] = act.Weights
		sm.actBase[a+1] = sm.actBase[a] + len(g.Actions[a])
	}
	sm.nCounters = sm.actBase[nA]
	sm.sameDiscount = true
	for _, act := range g.Actors {
		sm.sameDiscount = sm.sameDiscount && act.Discount == g.Actors[0].Discount
	}
	thr := make([]uint64, len(c.outP))
	alias := make([]int32, len(c.outP))
	for x := 0; x < n; x++ {
		lo, hi := c.outOff[x], c.outOff[x+1]
		sm.nodes[x] = simNode{off: lo, cnt: uint32(hi - lo), state: int32(c.State[x]), term: c.Terminal(x)}
		buildAlias(c.outP[lo:hi], thr[lo:hi], alias[lo:hi], lo)
		for i := lo; i < hi; i++ {
			a := alias[i]
			sm.slots[i] = simSlot{thr: thr[i], next: [2]int32{c.outNext[i], c.outNext[a]}, sj: [2]int32{c.outSJ[i], c.outSJ[a]}}
		}
	}
	nSJ := int(c.sjOff[len(c.sjOff)-1])
	sm.flows = make([]float64, nSJ*nA*nC)
	sm.acts = make([]int32, nSJ*nA)
	k := make([]int, nA)
	for i := 0; i < len(c.sjOff)-1; i++ { // (phase, state) pairs
		ph, s := i/nS, i%nS
		flows := g.FlowAt(ph, s)
		for j := 0; j < g.NumJoint(s); j++ {
			f := int(c.sjOff[i]) + j
			copy(sm.flows[f*nA*nC:], flows[j])
			g.Decode(s, j, k)
			for a := 0; a < nA; a++ {
				sm.acts[f*nA+a] = int32(sm.actBase[a] + g.Avail[s][a][k[a]])
			}
		}
	}
	return sm
}

// buildAlias fills Vose alias tables for weights w: outcome i is kept when
// the low 64 bits of the scaled draw are below thr[i], else alias[i] (an
// absolute index: base + position) is taken.
func buildAlias(w []float64, thr []uint64, alias []int32, base int32) {
	n := len(w)
	if n == 0 {
		return
	}
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	scaled := make([]float64, n)
	var small, large []int
	for i, x := range w {
		scaled[i] = x / sum * float64(n)
		if scaled[i] < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		thr[s] = probToThreshold(scaled[s])
		alias[s] = base + int32(l)
		scaled[l] -= 1 - scaled[s]
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	// What is left has (up to rounding) probability one of being kept.
	for _, i := range append(small, large...) {
		thr[i] = math.MaxUint64
		alias[i] = base + int32(i)
	}
}

func probToThreshold(p float64) uint64 {
	if p <= 0 {
		return 0
	}
	if p >= 1 {
		return math.MaxUint64
	}
	return uint64(p * (1 << 64))
}

// splitmix64 scrambles a seed so that neighbouring path indices give
// unrelated streams.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// pathSeeds returns the two PCG seeds of path i.
func pathSeeds(seed uint64, i int) (uint64, uint64) {
	a := splitmix64(seed ^ splitmix64(uint64(i)))
	return a, splitmix64(a ^ 0x6a09e667f3bcc909)
}

type chunkResult struct {
	idx  int
	sums *simSums
}

func (c *Chain) simulate(ctx context.Context, opt SimOptions) (*SimStats, error) {
	g := c.Game
	nS, nA, nC := len(g.States), len(g.Actors), len(g.Components)
	sm := c.newSampler(opt.Horizon)
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	nChunks := (opt.Runs + simChunk - 1) / simChunk
	if workers > nChunks {
		workers = nChunks
	}
	total := newSums(nS, sm.nCounters, nA*nC, nA)
	pool := make(chan *simSums, 2*workers+1)
	getSums := func() *simSums {
		select {
		case s := <-pool:
			s.reset()
			return s
		default:
			return newSums(nS, sm.nCounters, nA*nC, nA)
		}
	}
	results := make(chan chunkResult, workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var pws [simLanes]*pathWork
			for k := range pws {
				pws[k] = newPathWork(sm, nS)
			}
			for {
				i := int(next.Add(1)) - 1
				if i >= nChunks || ctx.Err() != nil {
					return
				}
				sums := getSums()
				hi := min((i+1)*simChunk, opt.Runs)
				for path := i * simChunk; path < hi; path += simLanes {
					runGroup(sm, c.Init, opt.Seed, path, pws[:min(simLanes, hi-path)], sums)
				}
				select {
				case results <- chunkResult{i, sums}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	// Merge in chunk order so that floating-point sums do not depend on
	// which worker finished first.
	pending := make(map[int]*simSums)
	merged := 0
	for r := range results {
		pending[r.idx] = r.sums
		for {
			s, ok := pending[merged]
			if !ok {
				break
			}
			delete(pending, merged)
			total.add(s)
			select {
			case pool <- s:
			default:
			}
			merged++
			if opt.Progress != nil {
				opt.Progress(min(merged*simChunk, opt.Runs))
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("markov: simulate: %w", err)
	}
	if merged != nChunks {
		return nil, fmt.Errorf("markov: simulate: %d of %d chunks done", merged, nChunks)
	}
	return sm.stats(g, total, opt), nil
}

// pathWork is one worker's per-path scratch.
type pathWork struct {
	occ     []int32 // per state: steps this path
	seen    []int64 // per state: path index+1 when entered
	tau     []int32 // per state: first-entry step
	entered []int32 // states entered, in order
	act     []int32 // per counter: plays this path
	pay     []float64
	traj    []int32 // per step: flat (state, joint action) index
}

func newPathWork(sm *sampler, nS int) *pathWork {
	return &pathWork{occ: make([]int32, nS), seen: make([]int64, nS), tau: make([]int32, nS),
		entered: make([]int32, nS+1), act: make([]int32, sm.nCounters), pay: make([]float64, sm.nA*sm.nC), traj: make([]int32, sm.H)}
}

// pcg is math/rand/v2's PCG (128-bit LCG, DXSM output), drawing the same
// numbers from the same seeds (TestPCGMatchesStdlib), with its state in
// local variables of the sampling loop instead of behind a pointer.
type pcg struct{ hi, lo uint64 }

func (p *pcg) next() uint64 {
	const (
		mulHi    = 2549297995355413924
		mulLo    = 4865540595714422341
		incHi    = 6364136223846793005
		incLo    = 1442695040888963407
		cheapMul = 0xda942042e4dd58b5
	)
	hi, lo := bits.Mul64(p.lo, mulLo)
	hi += p.hi*mulLo + p.lo*mulHi
	lo, c := bits.Add64(lo, incLo, 0)
	hi, _ = bits.Add64(hi, incHi, c)
	p.lo, p.hi = lo, hi
	hi ^= hi >> 32
	hi *= cheapMul
	hi ^= hi >> 48
	hi *= lo | 1
	return hi
}

// simLanes is how many paths one worker samples together, a step of each
// in turn: a step waits on memory (its node, then its alias slot), and the
// steps of independent paths overlap those waits, where one path alone
// leaves the core idle.
const simLanes = 4

// lane is the state of one path of a group while it is sampled.
type lane struct {
	rng       pcg
	nd        simNode
	mark      int64 // path index + 1, for pathWork.seen
	ne, steps int   // states entered, steps sampled
	termState int32 // terminal state entered, or -1
	termStep  int
	live      bool
}

// runGroup samples paths lo, lo+1, … (one per pathWork, at most
// simLanes) together and adds them to sums in path order: each path draws
// from its own stream, so the sums are those of sampling them one after
// the other.
func runGroup(sm *sampler, init int, seed uint64, lo int, pws []*pathWork, sums *simSums) {
	var ls [simLanes]lane
	H, n := sm.H, len(pws)
	nodes, slots := sm.nodes, sm.slots
	alive := 0
	for k, pw := range pws {
		l := &ls[k]
		s1, s2 := pathSeeds(seed, lo+k)
		l.rng = pcg{s1, s2}
		l.mark = int64(lo+k) + 1
		l.termState = -1
		nd := nodes[init]
		l.nd = nd
		s0 := nd.state
		pw.seen[s0] = l.mark
		pw.tau[s0] = 0
		pw.entered[0] = s0
		l.ne = 1
		if nd.term {
			l.termState = s0
			pw.occ[s0] += int32(H)
		} else if H > 0 {
			l.live = true
			alive++
		}
	}
	// A lane stops at step H at the latest, so t stays below H.
	for t := 0; alive > 0; t++ {
		for k := range ls[:n] {
			l := &ls[k]
			if !l.live {
				continue
			}
			pw := pws[k]
			nd := l.nd
			pw.occ[nd.state]++
			hi, lo := bits.Mul64(l.rng.next(), uint64(nd.cnt))
			slot := &slots[nd.off+int32(hi)]
			sel := 0
			if lo >= slot.thr {
				sel = 1
			}
			pw.traj[t] = slot.sj[sel]
			nd = nodes[slot.next[sel]]
			l.nd = nd
			// First entry, without a branch: in a game with many states
			// whether a state is new is unpredictable.
			ns := nd.state
			seen := &pw.seen[ns]
			tv := pw.tau[ns]
			inc := 0
			if *seen != l.mark {
				tv = int32(t + 1)
				inc = 1
			}
			*seen = l.mark
			pw.tau[ns] = tv
			pw.entered[l.ne] = ns
			l.ne += inc
			l.steps = t + 1
			if nd.term {
				l.termState, l.termStep = ns, t+1
				pw.occ[ns] += int32(H - t - 1)
				l.live = false
				alive--
			} else if t+1 == H {
				l.live = false
				alive--
			}
		}
	}
	for k, pw := range pws {
		l := &ls[k]
		pw.account(sm, l.steps, l.ne, l.termState, l.termStep, sums)
	}
}

// account adds a sampled path to sums: steps steps recorded in traj, ne
// states entered, ended in termState at termStep (termState -1: not
// ended). It clears the path's counters for the next one.
func (pw *pathWork) account(sm *sampler, steps, ne int, termState int32, termStep int, sums *simSums) {
	nA, nC, H := sm.nA, sm.nC, sm.H
	nAC := nA * nC
	occ, tau, act, pay := pw.occ, pw.tau, pw.act, pw.pay
	// Actions and payoffs from the trajectory, off the sampling loop's
	// critical path, in one pass over it: pay[i] = Σ_t δ^t·flow[sj_t][i]
	// with δ^t from a table, each pay[i] summed in step order.
	tr := pw.traj[:steps]
	acts, flows := sm.acts, sm.flows
	switch {
	case nAC == 0:
		for _, f := range tr {
			for _, ci := range acts[int(f)*nA : int(f)*nA+nA] {
				act[ci]++
			}
		}
	case sm.sameDiscount:
		// One row of powers serves every (actor, component).
		pw := sm.pow[:H+1]
		clear(pay)
		for t, f := range tr {
			for _, ci := range acts[int(f)*nA : int(f)*nA+nA] {
				act[ci]++
			}
			d := pw[t]
			fl := flows[int(f)*nAC : int(f)*nAC+nAC]
			for i, v := range fl {
				pay[i] += d * v
			}
		}
	default:
		for _, f := range tr {
			for _, ci := range acts[int(f)*nA : int(f)*nA+nA] {
				act[ci]++
			}
		}
		for i := range pay {
			pw := sm.pow[i*(H+1) : i*(H+1)+H+1]
			acc := 0.0
			for t, f := range tr {
				acc += pw[t] * flows[int(f)*nAC+i]
			}
			pay[i] = acc
		}
	}
	if termState >= 0 {
		if e := sm.entry[termState]; len(e) > 0 {
			for i := range pay {
				pay[i] += sm.pow[i*(H+1)+termStep] * e[i]
			}
		}
	}
	entered := pw.entered[:ne]

	// Fold the path into the sums.
	sums.n++
	sums.steps += int64(steps)
	n := float64(steps)
	sums.nSum += n
	sums.nSq += n * n
	for _, s := range entered {
		o, tt := float64(occ[s]), float64(tau[s])
		a := sums.st[5*int(s) : 5*int(s)+5]
		a[0]++
		a[1] += o
		a[2] += o * o
		a[3] += tt
		a[4] += tt * tt
		occ[s] = 0
	}
	for i, cnt := range act {
		if cnt == 0 {
			continue
		}
		v := float64(cnt)
		a := sums.act[3*i : 3*i+3]
		a[0] += v
		a[1] += v * v
		a[2] += v * n
		act[i] = 0
	}
	for a := 0; a < nA; a++ {
		tot := 0.0
		for cc := 0; cc < nC; cc++ {
			i := a*nC + cc
			v := pay[i]
			sums.pay[2*i] += v
			sums.pay[2*i+1] += v * v
			tot += sm.weights[a][cc] * v
		}
		sums.tot[2*a] += tot
		sums.tot[2*a+1] += tot * tot
	}
}

// mean returns the sample mean and its standard error from sums.
func mean(n, sum, sq float64) Estimate {
	if n == 0 {
		return Estimate{math.NaN(), math.NaN()}
	}
	m := sum / n
	if n < 2 {
		return Estimate{m, math.NaN()}
	}
	v := math.Max(0, (sq-sum*m)/(n-1))
	return Estimate{m, math.Sqrt(v / n)}
}

// ratio returns ΣY/ΣX over n paths with the delta-method standard error.
func ratio(n, sy, syy, syx, sx, sxx float64) Estimate {
	if sx == 0 {
		return Estimate{math.NaN(), math.NaN()}
	}
	r := sy / sx
	if n < 2 {
		return Estimate{r, math.NaN()}
	}
	v := math.Max(0, (syy-2*r*syx+r*r*sxx)/(n-1))
	return Estimate{r, math.Sqrt(v/n) / (sx / n)}
}

func (sm *sampler) stats(g *Game, t *simSums, opt SimOptions) *SimStats {
	st := &SimStats{Runs: opt.Runs, Horizon: opt.Horizon, Seed: opt.Seed, Steps: t.steps}
	for s, state := range g.States {
		st.States = append(st.States, StateSim{
			ID:         state.ID,
			Steps:      mean(t.n, t.st[5*s+1], t.st[5*s+2]),
			Entered:    mean(t.n, t.st[5*s], t.st[5*s]),
			FirstEntry: mean(t.st[5*s], t.st[5*s+3], t.st[5*s+4]),
		})
	}
	nC := len(g.Components)
	for a, actor := range g.Actors {
		as := ActorSim{ID: actor.ID, Total: mean(t.n, t.tot[2*a], t.tot[2*a+1])}
		for k, name := range g.Actions[a] {
			i := sm.actBase[a] + k
			as.Actions = append(as.Actions, ActionSim{Action: name, Share: ratio(t.n, t.act[3*i], t.act[3*i+1], t.act[3*i+2], t.nSum, t.nSq)})
		}
		for cc, name := range g.Components {
			i := a*nC + cc
			as.Components = append(as.Components, ComponentSim{Component: name, Value: mean(t.n, t.pay[2*i], t.pay[2*i+1])})
		}
		st.Actors = append(st.Actors, as)
	}
	return st
}
