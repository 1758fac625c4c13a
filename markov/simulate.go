package markov

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
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

	// hooks switch the fast loops off for tests comparing them with the
	// plain ones.
	hooks simHooks
}

// simHooks are SimOptions' switches for tests: accountByLoops makes the
// sampler account paths with the per-node loops instead of accountRows,
// stepByGo makes runGroup step its lanes by the Go loop instead of
// stepLanes.
type simHooks struct {
	accountByLoops, stepByGo bool
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
	// it is played (ratio estimator over paths; a path's plays are their
	// expectation given the nodes it visited, see sampler); compare
	// Analysis.ActionShare.
	Actions []ActionSim `json:"actions"`
	// Components is the discounted payoff per component, truncated at the
	// horizon (a path's flow payoffs are their expectation given the
	// nodes it visited); compare Analysis.ValueBy.
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

// simNode is what a step needs of its node, packed in 8 bytes.
type simNode struct {
	off int32  // first alias slot
	cnt uint32 // number of slots; 0 for a terminal node (and only then)
}

// simSlot is one alias-table slot over a node's successors: keep next[0]
// when the draw's low bits are below thr, else next[1] (the alias).
// Packing both makes a step one memory access into the table.
type simSlot struct {
	thr  uint64
	next [2]int32
}

// sampler holds the flat tables the inner loop reads. A step draws the
// next node of the chain (one draw from that node's row of P, which sums
// over the joint actions). What the actors play at a node enters the
// statistics through its expectation given the node (Chain.dist and
// Chain.reward): the play at step t is drawn from the node's mix whatever
// came before, so E[flow at t] = E[expected flow of the node at t], and
// likewise for plays. The estimates stay unbiased (their standard errors
// come from the spread over paths), and the plays themselves are never
// drawn: a step is one random number and one table entry among the
// node's successors (not its joint actions times successors).
type sampler struct {
	nA, nC, H int
	stepByGo  bool // simHooks
	nodes     []simNode
	slots     []simSlot
	nodeState []int32
	// oneNodeEach: no two nodes share a state (no memory, no clock), so
	// per-node figures are per-state figures.
	oneNodeEach bool
	// share[x*nCounters+ci]: probability that node x's actor of counter
	// ci plays its action (0 for terminal nodes).
	share  []float64
	reward []float64 // Chain.reward: per node, nA*nC expected flows
	// Distinct discount factors: actor a's payoffs use discount
	// discIdx[a]; pow[d*(H+1)+t] is δ_d^t.
	nD      int
	discIdx []int
	pow     []float64
	entry   [][]float64
	weights [][]float64
	// hasPay: some flow or entry payoff is non-zero; otherwise discounted
	// visits are not recorded.
	hasPay    bool
	nCounters int
	actBase   []int
	// acct[x*acctWidth:]: node x's shares (columns 0..nCounters−1) and,
	// from column acctSplit, its expected flows, for accountRows; nil
	// when they do not fit in acctWidth columns or the actors discount
	// by more than one factor.
	acct      []float64
	acctSplit int
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
	c, err := BuildChain(ctx, g, p)
	if err != nil {
		return nil, err
	}
	return c.Simulate(ctx, opt)
}

// Simulate is the package's Simulate on a chain already built (by
// BuildChain or its variants), so that a caller that also analyses the
// chain (Chain.Analyze) builds it once. Paths start at c.Init.
func (c *Chain) Simulate(ctx context.Context, opt SimOptions) (*SimStats, error) {
	if opt.Runs <= 0 {
		return nil, fmt.Errorf("markov: simulate: runs must be positive, got %d", opt.Runs)
	}
	if opt.Horizon < 0 || opt.Horizon > MaxHorizon {
		return nil, fmt.Errorf("markov: simulate: horizon %d outside 0..%d", opt.Horizon, MaxHorizon)
	}
	return c.simulate(ctx, opt)
}

// newSampler builds alias tables over every node's successors.
func (c *Chain) newSampler(H int, hooks simHooks) *sampler {
	g := c.Game
	nA, nC, nS := len(g.Actors), len(g.Components), len(g.States)
	n := c.NumNodes()
	sm := &sampler{nA: nA, nC: nC, H: H, stepByGo: hooks.stepByGo,
		nodes: make([]simNode, n), slots: make([]simSlot, len(c.P)), nodeState: make([]int32, n),
		reward: c.reward, entry: g.Entry,
		weights: make([][]float64, nA), actBase: make([]int, nA+1), discIdx: make([]int, nA)}
	var discs []float64
	for a, act := range g.Actors {
		d := slices.Index(discs, act.Discount)
		if d < 0 {
			d = len(discs)
			discs = append(discs, act.Discount)
			f := 1.0
			for t := 0; t <= H; t++ {
				sm.pow = append(sm.pow, f)
				f *= act.Discount
			}
		}
		sm.discIdx[a] = d
		sm.weights[a] = act.Weights
		sm.actBase[a+1] = sm.actBase[a] + len(g.Actions[a])
	}
	sm.nD = len(discs)
	sm.nCounters = sm.actBase[nA]
	sm.oneNodeEach = true
	nodeOf := make([]bool, nS)
	for _, v := range c.reward {
		sm.hasPay = sm.hasPay || v != 0
	}
	for _, e := range g.Entry {
		for _, v := range e {
			sm.hasPay = sm.hasPay || v != 0
		}
	}
	sm.share = make([]float64, n*sm.nCounters)
	nAC := nA * nC
	if split := (sm.nCounters + 3) &^ 3; split+nAC <= acctWidth && (sm.nD == 1 || !sm.hasPay) && !hooks.accountByLoops {
		sm.acct, sm.acctSplit = make([]float64, n*acctWidth), split
	}
	thr := make([]uint64, len(c.P))
	alias := make([]int32, len(c.P))
	for x := 0; x < n; x++ {
		s := c.State[x]
		sm.nodeState[x] = int32(s)
		sm.oneNodeEach = sm.oneNodeEach && !nodeOf[s]
		nodeOf[s] = true
		lo, hi := c.RowPtr[x], c.RowPtr[x+1]
		term := c.Terminal(x)
		if term {
			hi = lo // a terminal node's row, if any, is never sampled
		}
		sm.nodes[x] = simNode{off: lo, cnt: uint32(hi - lo)}
		buildAlias(c.P[lo:hi], thr[lo:hi], alias[lo:hi], lo)
		for i := lo; i < hi; i++ {
			sm.slots[i] = simSlot{thr: thr[i], next: [2]int32{c.Col[i], c.Col[alias[i]]}}
		}
		if sm.acct != nil {
			copy(sm.acct[x*acctWidth+sm.acctSplit:], c.reward[x*nAC:x*nAC+nAC])
		}
		if term {
			continue
		}
		for a := 0; a < nA; a++ {
			av := g.Avail[s][a]
			for k, p := range c.dist[x*nA+a] {
				sm.share[x*sm.nCounters+sm.actBase[a]+av[k]] += p
			}
		}
		if sm.acct != nil {
			copy(sm.acct[x*acctWidth:], sm.share[x*sm.nCounters:x*sm.nCounters+sm.nCounters])
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
	sm := c.newSampler(opt.Horizon, opt.hooks)
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
				pws[k] = newPathWork(sm, len(sm.nodes), nS)
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
	rec []nodeRec // per node
	// dvx[x*(nD-1)+d-1]: discounted steps at node x for discount d >= 1
	// (actors with other discounts than the first).
	dvx     []float64
	visited []int32 // nodes visited, in order
	// Per state, when nodes are not states: the nodes' records folded.
	sOcc, sTau []int32
	sSeen      []int64 // stamp of the path that last entered the state
	entered    []int32
	stamp      int64
	plays      []float64 // per counter: expected plays this path
	pay        []float64
	wo, wd     []float64 // per visited node: steps there, discounted steps (accountRows)
}

// nodeRec is what a path records about one node, in one place so that a
// step touches one cache line for it.
type nodeRec struct {
	occ int32   // steps at the node (a terminal node: every step after entry)
	tau int32   // first-visit step
	dv  float64 // discounted steps, by the first discount
}

func newPathWork(sm *sampler, n, nS int) *pathWork {
	pw := &pathWork{rec: make([]nodeRec, n), visited: make([]int32, n+1),
		plays: make([]float64, sm.nCounters), pay: make([]float64, sm.nA*sm.nC)}
	if sm.acct != nil {
		pw.wo, pw.wd = make([]float64, n+1), make([]float64, n+1)
	}
	if sm.hasPay && sm.nD > 1 {
		pw.dvx = make([]float64, n*(sm.nD-1))
	}
	if !sm.oneNodeEach {
		pw.sOcc, pw.sTau, pw.sSeen, pw.entered = make([]int32, nS), make([]int32, nS), make([]int64, nS), make([]int32, 0, nS)
	}
	return pw
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

// lane is the state of one path of a group while it is sampled, with its
// pathWork's records at hand.
type lane struct {
	rng      pcg
	x        int32 // current node
	nd       simNode
	nv       int   // nodes visited
	termNode int32 // terminal node entered, or -1
	termStep int
	live     bool
	rec      []nodeRec
	visited  []int32
}

// runGroup samples paths lo, lo+1, … (one per pathWork, at most
// simLanes) together and adds them to sums in path order: each path draws
// from its own stream, so the sums are those of sampling them one after
// the other. Each step of a path is one draw from its node's alias table;
// the loop records per node the steps spent there, the first visit and
// (only when there are payoffs) the discounted steps.
func runGroup(sm *sampler, init int, seed uint64, lo int, pws []*pathWork, sums *simSums) {
	var ls [simLanes]lane
	H, n := sm.H, len(pws)
	nodes, slots := sm.nodes, sm.slots
	alive := 0
	for k, pw := range pws {
		l := &ls[k]
		s1, s2 := pathSeeds(seed, lo+k)
		l.rng = pcg{s1, s2}
		l.termNode = -1
		l.x = int32(init)
		l.rec, l.visited = pw.rec, pw.visited
		nd := nodes[init]
		l.nd = nd
		if nd.cnt == 0 {
			l.termNode = int32(init)
			l.rec[init] = nodeRec{occ: int32(H)}
			l.visited[0] = int32(init)
			l.nv = 1
		} else if H > 0 {
			l.live = true
			alive++
		} else {
			l.visited[0] = int32(init) // entered at step 0 = H
			l.nv = 1
		}
	}
	// The discounted steps are recorded per distinct discount: none
	// without payoffs, one in the usual case of a common discount.
	var pow0 []float64
	pow := sm.pow
	nD := 0
	if sm.hasPay {
		nD = sm.nD
		pow0 = sm.pow[:H+1]
	}
	t0 := 0 // where the Go loop below starts
	if stepLanesAsm && !sm.stepByGo && nD <= 1 && alive > 0 {
		var p0 *float64
		if nD == 1 {
			p0 = &pow0[0]
		}
		// In pieces of steps, so that a long horizon does not hold the
		// goroutine past the scheduler's preemption for long.
		for t := 0; t < H && alive > 0; {
			t, alive = stepLanes(&ls[0], n, t, min(H, t+1<<12), H, alive, &nodes[0], &slots[0], p0)
		}
		t0 = H // every lane is at the horizon or ended
	}
	for t := t0; t < H && alive > 0; t++ {
		for k := range ls[:n] {
			l := &ls[k]
			if !l.live {
				continue
			}
			x, nd := l.x, l.nd
			// The step at x; the first one is its first visit (a node
			// is recorded when first stepped from, and every node a
			// path steps from is cleared after it). Without a branch:
			// whether a node is new is unpredictable in a chain with
			// many nodes.
			r := &l.rec[x]
			o, tv := r.occ, r.tau
			inc := 0
			if o == 0 {
				tv, inc = int32(t), 1
			}
			r.occ, r.tau = o+1, tv
			l.visited[l.nv] = x
			l.nv += inc
			switch nD {
			case 0:
			case 1:
				r.dv += pow0[t]
			default:
				r.dv += pow0[t]
				dvx := pws[k].dvx[int(x)*(nD-1) : int(x)*(nD-1)+nD-1]
				for d := range dvx {
					dvx[d] += pow[(d+1)*(H+1)+t]
				}
			}
			hi, lo := bits.Mul64(l.rng.next(), uint64(nd.cnt))
			slot := &slots[nd.off+int32(hi)]
			// The alias or not, without a branch: which it is is a coin
			// flip the predictor cannot learn.
			sel := 0
			if lo >= slot.thr {
				sel = 1
			}
			x = slot.next[sel&1]
			nd = nodes[x]
			l.x, l.nd = x, nd
			if nd.cnt == 0 {
				// Entered at step t+1 and never left: its one visit.
				l.termNode, l.termStep = x, t+1
				l.rec[x] = nodeRec{occ: int32(H - t - 1), tau: int32(t + 1)}
				l.visited[l.nv] = x
				l.nv++
				l.live = false
				alive--
			}
		}
	}
	for k, pw := range pws {
		l := &ls[k]
		steps := H
		if l.termNode >= 0 {
			steps = l.termStep
		} else if r := &l.rec[l.x]; l.live && r.occ == 0 {
			// Entered at the horizon for the first time.
			r.tau = int32(H)
			l.visited[l.nv] = l.x
			l.nv++
		}
		pw.account(sm, steps, l.nv, l.termNode, l.termStep, sums)
	}
}

// account adds a sampled path to sums: steps steps, nv nodes visited
// (pw.visited), ended in termNode at termStep (termNode -1: not ended).
// The plays and payoffs of the path are their expectations given the
// nodes it visited: Σ steps at x × share of x, Σ discounted steps at x ×
// reward of x. It clears the path's per-node records for the next one.
func (pw *pathWork) account(sm *sampler, steps, nv int, termNode int32, termStep int, sums *simSums) {
	nA, nC, H, nD, nK := sm.nA, sm.nC, sm.H, sm.nD, sm.nCounters
	nAC := nA * nC
	plays, pay := pw.plays, pw.pay
	clear(plays)
	clear(pay)
	visited := pw.visited[:nv]
	switch {
	case sm.acct != nil:
		// The same sums in the same order, in vector registers: a
		// terminal node's shares are zero and add +0 to sums that are
		// +0 or positive, where the loops below skip it; without
		// payoffs every flow and discounted step is 0.
		var sum [acctWidth]float64
		wo, wd := pw.wo[:nv], pw.wd[:nv]
		for j, x := range visited {
			r := &pw.rec[x]
			wo[j], wd[j] = float64(r.occ), r.dv
		}
		accountRows(&sum, sm.acct, visited, wo, wd, sm.acctSplit)
		copy(plays, sum[:nK])
		copy(pay, sum[sm.acctSplit:sm.acctSplit+nAC])
	default:
		for _, x := range visited {
			if sm.nodes[x].cnt == 0 {
				continue
			}
			o := float64(pw.rec[x].occ)
			for ci, p := range sm.share[int(x)*nK : int(x)*nK+nK] {
				plays[ci] += o * p
			}
		}
	}
	switch {
	case sm.acct != nil || !sm.hasPay:
	case nD == 1:
		for _, x := range visited {
			d := pw.rec[x].dv
			for i, w := range sm.reward[int(x)*nAC : int(x)*nAC+nAC] {
				pay[i] += d * w
			}
		}
	default:
		for _, x := range visited {
			rw := sm.reward[int(x)*nAC : int(x)*nAC+nAC]
			dvx := pw.dvx[int(x)*(nD-1) : int(x)*(nD-1)+nD-1]
			for a := 0; a < nA; a++ {
				d := pw.rec[x].dv
				if di := sm.discIdx[a]; di > 0 {
					d = dvx[di-1]
				}
				for cc := 0; cc < nC; cc++ {
					pay[a*nC+cc] += d * rw[a*nC+cc]
				}
			}
			clear(dvx)
		}
	}
	if sm.hasPay && termNode >= 0 {
		if e := sm.entry[sm.nodeState[termNode]]; len(e) > 0 {
			for a := 0; a < nA; a++ {
				p := sm.pow[sm.discIdx[a]*(H+1)+termStep]
				for cc := 0; cc < nC; cc++ {
					pay[a*nC+cc] += p * e[a*nC+cc]
				}
			}
		}
	}

	// Fold the path into the sums: per state the nodes' records (one
	// node per state unless there is memory or a clock).
	sums.n++
	sums.steps += int64(steps)
	n := float64(steps)
	sums.nSum += n
	sums.nSq += n * n
	if sm.oneNodeEach {
		for _, x := range visited {
			r := &pw.rec[x]
			sums.addState(int(sm.nodeState[x]), r.occ, r.tau)
			*r = nodeRec{}
		}
	} else {
		pw.stamp++
		entered := pw.entered[:0]
		for _, x := range visited {
			r := &pw.rec[x]
			s := sm.nodeState[x]
			if pw.sSeen[s] != pw.stamp {
				pw.sSeen[s] = pw.stamp
				pw.sOcc[s], pw.sTau[s] = 0, r.tau
				entered = append(entered, s)
			}
			pw.sOcc[s] += r.occ
			pw.sTau[s] = min(pw.sTau[s], r.tau)
			*r = nodeRec{}
		}
		for _, s := range entered {
			sums.addState(int(s), pw.sOcc[s], pw.sTau[s])
		}
	}
	sums.addPlaysPay(n, plays, pay, sm.weights, nC)
}

// addPlaysPay adds to the sums a path of n steps with the given plays per
// counter and payoffs per (actor, component), nC components each, and
// each actor's weighted total.
func (s *simSums) addPlaysPay(n float64, plays, pay []float64, weights [][]float64, nC int) {
	for i, v := range plays {
		if v == 0 {
			continue
		}
		a := s.act[3*i : 3*i+3]
		a[0] += v
		a[1] += v * v
		a[2] += v * n
	}
	for a, w := range weights {
		tot := 0.0
		for cc := 0; cc < nC; cc++ {
			i := a*nC + cc
			v := pay[i]
			s.pay[2*i] += v
			s.pay[2*i+1] += v * v
			tot += w[cc] * v
		}
		s.tot[2*a] += tot
		s.tot[2*a+1] += tot * tot
	}
}

// addState adds to the sums a path that entered state s at step tau and
// spent occ steps there.
func (s *simSums) addState(st int, occ, tau int32) {
	o, tt := float64(occ), float64(tau)
	a := s.st[5*st : 5*st+5]
	a[0]++
	a[1] += o
	a[2] += o * o
	a[3] += tt
	a[4] += tt * tt
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
