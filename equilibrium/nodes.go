package equilibrium

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/markov"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// A memory-one strategy plays by the first of its rules that matches the
// state and the previous step's joint action, else by its base play. For a
// set of tracked strategies, a decision point (node) is a state together
// with the rule each tracked strategy follows there: two histories that
// select the same rules are the same node. The nodes are every state at
// the start, plus every state as entered after any joint action of any
// state, on or off the path, because threats are about what happens off
// the path. Credibility tracks every actor's strategy; a best response
// tracks the others' only.
//
// In a clocked game (markov.Game.Clock > 0) a node also carries its phase,
// the step as the game tells steps apart (markov.Game.Phase: the step t
// before the clock runs out, Clock from then on), because the rules, the
// payoffs and the strategies' play may differ by step. The nodes of phase
// 0 are every non-terminal state at the start; those of phase t+1 every
// state as entered after any joint action of any state at step t; those of
// phase Clock, the stationary block, also every state as entered from it.
// Arcs lead from phase t to phase min(t+1, Clock), so the nodes before the
// clock runs out form layers without cycles: their values follow from the
// stationary block's by backward induction.

// maxNodes bounds the decision points of one node graph.
const maxNodes = 1 << 20

// node is one decision point.
type node struct {
	state int
	phase int   // min(step, Clock); 0 in a game without a clock
	fired []int // per tracked strategy: the rule in force, -1 for base play
	// combo numbers the combination fired: nodes with the same number
	// share one (read-only) fired slice, so that what depends on the
	// rules in force alone is worked out once per combination.
	combo int32
}

// nodeGraph is the node set of some tracked strategies on a game.
type nodeGraph struct {
	g      *markov.Game
	strats []markov.Strategy
	owner  []int // owner[i] is the actor of strats[i]
	nodes  []node
	// at[ph*nS+s] lists the nodes of state s at phase ph (a few: one per
	// combination of rules in force), which find and lookup scan.
	at [][]int32
	// next[n][j][i] is the node entered after joint action j in node n's
	// state when Trans[s][j][i] is drawn, or -1 for a terminal state.
	next [][][]int
	// start[s] is the node of state s entered at step 0 (or with no memory
	// condition holding), -1 if none was made.
	start []int
	// layers[t] lists the nodes of phase t, t = 0 … Clock; layers[Clock]
	// is the stationary block, the only one with cycles.
	layers [][]int
	// pos[n] is node n's row in the stationary block, -1 before the clock
	// runs out.
	pos []int
}

// checkStrategy checks that a memory-one strategy of actor a refers only
// to states, actors and actions of g.
func checkStrategy(g *markov.Game, a int, st markov.Strategy) error {
	nA := len(g.Actors)
	if len(st.Timed) != 0 && len(st.Timed) != g.Clock {
		return fmt.Errorf("actor %s: play for %d steps, want the clock's %d", g.Actors[a].ID, len(st.Timed), g.Clock)
	}
	for t, base := range st.Timed {
		if base != nil && len(base) != len(g.States) {
			return fmt.Errorf("actor %s: play at step %d for %d states, want %d", g.Actors[a].ID, t, len(base), len(g.States))
		}
	}
	for ri, r := range st.Rules {
		if r.State < -1 || r.State >= len(g.States) {
			return fmt.Errorf("actor %s: rule %d: state %d out of range", g.Actors[a].ID, ri+1, r.State)
		}
		if r.Steps != nil && len(r.Steps) != g.Clock+1 {
			return fmt.Errorf("actor %s: rule %d: step mask of %d entries, want clock + 1 = %d", g.Actors[a].ID, ri+1, len(r.Steps), g.Clock+1)
		}
		for _, cd := range r.After {
			if cd.Actor < 0 || cd.Actor >= nA {
				return fmt.Errorf("actor %s: rule %d: condition on actor %d out of range", g.Actors[a].ID, ri+1, cd.Actor)
			}
			for _, x := range cd.Actions {
				if x < 0 || x >= len(g.Actions[cd.Actor]) {
					return fmt.Errorf("actor %s: rule %d: condition on action %d out of range", g.Actors[a].ID, ri+1, x)
				}
			}
		}
	}
	return nil
}

// firedRule returns the rule strategy st follows in state s at phase ph
// after the previous step's global actions mem (nil at the start), or -1.
func firedRule(st markov.Strategy, s, ph int, mem []int) int {
	for ri, r := range st.Rules {
		if r.State != s && r.State != -1 {
			continue
		}
		if r.Steps != nil && !r.Steps[ph] {
			continue
		}
		ok := true
		for _, cd := range r.After {
			hit := false
			if mem != nil {
				for _, x := range cd.Actions {
					hit = hit || mem[cd.Actor] == x
				}
			}
			ok = ok && hit
		}
		if ok {
			return ri
		}
	}
	return -1
}

// appendPlay appends to buf what strategy st of actor a plays in state s
// at phase ph under rule ri (-1: base play, the step's own where the
// strategy has one), as a distribution over Avail[s][a].
func appendPlay(buf []float64, g *markov.Game, a int, st markov.Strategy, s, ri, ph int) ([]float64, error) {
	av := g.Avail[s][a]
	at := len(buf)
	buf = append(buf, make([]float64, len(av))...)
	play := buf[at:]
	if ri < 0 {
		base := st.Base
		if ph < g.Clock && ph < len(st.Timed) && st.Timed[ph] != nil && st.Timed[ph][s] != nil {
			base = st.Timed[ph]
		}
		if s >= len(base) || len(base[s]) != len(av) {
			return nil, fmt.Errorf("actor %s: no base play for the %d actions of state %s%s", g.Actors[a].ID, len(av), g.States[s].ID, atPhase(g, ph))
		}
		copy(play, base[s])
	} else {
		for _, ap := range st.Rules[ri].Play {
			pos := -1
			for k, x := range av {
				if x == ap.Action {
					pos = k
				}
			}
			if pos < 0 {
				if ap.P == 0 {
					continue
				}
				return nil, fmt.Errorf("actor %s: rule %d plays an action not available in state %s", g.Actors[a].ID, ri+1, g.States[s].ID)
			}
			play[pos] += ap.P
		}
	}
	tot := 0.0
	for _, x := range play {
		if !(x >= 0) {
			return nil, fmt.Errorf("actor %s: negative probability in state %s%s", g.Actors[a].ID, g.States[s].ID, atPhase(g, ph))
		}
		tot += x
	}
	if math.Abs(tot-1) > 1e-9 {
		return nil, fmt.Errorf("actor %s: play in state %s%s sums to %v", g.Actors[a].ID, g.States[s].ID, atPhase(g, ph), tot)
	}
	return buf, nil
}

// atPhase is " at step t" for a phase before the clock runs out, "" else.
func atPhase(g *markov.Game, ph int) string {
	if ph < g.Clock {
		return fmt.Sprintf(" at step %d", ph)
	}
	return ""
}

// PhaseLabel names a phase for people: "" in a game without a clock,
// "step t" before the clock runs out, "steps ≥ Clock" after.
func PhaseLabel(clock, ph int) string {
	switch {
	case clock == 0:
		return ""
	case ph < clock:
		return fmt.Sprintf("step %d", ph)
	}
	return fmt.Sprintf("steps ≥ %d", clock)
}

// buildNodes enumerates the nodes of the strategies strats (of actors
// owner) on g.
func buildNodes(ctx context.Context, g *markov.Game, strats []markov.Strategy, owner []int) (*nodeGraph, error) {
	for i, st := range strats {
		if err := checkStrategy(g, owner[i], st); err != nil {
			return nil, err
		}
	}
	C := g.Clock
	nS := len(g.States)
	ng := &nodeGraph{g: g, strats: strats, owner: owner, start: make([]int, nS), at: make([][]int32, (C+1)*nS)}
	// get is called for every transition of every state, joint action and
	// phase: its fired rules live in scratch space, and only a new node
	// allocates.
	fired := make([]int, len(strats))
	var key []byte
	// The distinct combinations of rules in force, numbered: nodes share
	// their combination's slice.
	comboOf := map[string]int32{}
	var combos [][]int
	intern := func(fired []int) int32 {
		key = appendNodeKey(key[:0], 0, 0, fired)
		c, ok := comboOf[string(key)]
		if !ok {
			c = int32(len(combos))
			comboOf[string(key)] = c
			combos = append(combos, append([]int(nil), fired...))
		}
		return c
	}
	// getFired is the node of state s at phase ph with the rules fired.
	getFired := func(s, ph int, fired []int) (int, error) {
		if id, ok := ng.find(s, ph, fired); ok {
			return id, nil
		}
		if len(ng.nodes) >= maxNodes {
			return 0, fmt.Errorf("more than %d decision points (states × remembered moves × steps before the clock runs out)", maxNodes)
		}
		id := len(ng.nodes)
		ng.at[ph*nS+s] = append(ng.at[ph*nS+s], int32(id))
		c := intern(fired)
		ng.nodes = append(ng.nodes, node{state: s, phase: ph, fired: combos[c], combo: c})
		return id, nil
	}
	get := func(s, ph int, mem []int) (int, error) {
		for i, st := range strats {
			fired[i] = firedRule(st, s, ph, mem)
		}
		return getFired(s, ph, fired)
	}
	// Start nodes: without a clock, the initial state and the states with
	// no way in other than the start; with one, every state at step 0.
	entered := make([]bool, nS)
	for s, st := range g.States {
		ng.start[s] = -1
		if st.Terminal || C > 0 {
			continue
		}
		for j := range g.Trans[s] {
			for _, nx := range g.Trans[s][j] {
				if nx.P > 0 {
					entered[nx.State] = true
				}
			}
		}
	}
	for s, st := range g.States {
		if !st.Terminal && (s == g.Initial || !entered[s]) {
			id, err := get(s, 0, nil)
			if err != nil {
				return nil, err
			}
			ng.start[s] = id
		}
	}
	nA := len(g.Actors)
	k := make([]int, nA)
	mem := make([]int, nA)
	// succ[off[ph*nS+s]+j] is the next node per transition after joint
	// action j in state s at phase ph.
	off := make([]int, (C+1)*nS+1)
	for i := 0; i < (C+1)*nS; i++ {
		off[i+1] = off[i] + g.NumJoint(i%nS)
	}
	succ := make([][]int, off[len(off)-1])
	// On a clocked game most steps repeat another's transitions (a builder
	// shares the tables of steps where nothing differs) and the step masks
	// of the rules: the rules that fire on entering each successor are
	// then the same, and only the phase of the node differs. The fired
	// rules per transition are worked out once per such class of steps, as
	// indices into the distinct combinations (combo), and each phase looks
	// its nodes up by (state, phase, combination).
	classes := map[string][]int32{}
	// byCombo[ph*nS+s][c] is the node of state s at phase ph with
	// combination c, -1 (or beyond the end) if not yet looked up.
	byCombo := make([][]int32, (C+1)*nS)
	// One backing array for every transition's successor of every phase.
	arcs := 0
	for ph := 0; ph <= C; ph++ {
		for s, st := range g.States {
			if !st.Terminal {
				for _, tr := range g.TransAt(ph, s) {
					arcs += len(tr)
				}
			}
		}
	}
	if err := budget.Check(ctx, "decision points' successors at every step", budget.Mul(int64(arcs), 8), "an earlier date for the clock's last step"); err != nil {
		return nil, err
	}
	arcBuf := make([]int, arcs)
	var ckey []byte
	tableID := map[*[]markov.Next]uint32{} // a step's transition table, by address
	classKey := func(ph, nph int) string {
		ckey = ckey[:0]
		for s, st := range g.States {
			if !st.Terminal {
				tr := g.TransAt(ph, s)
				x := uint32(0) // no joint action (Validate refuses it)
				if len(tr) > 0 {
					var ok bool
					if x, ok = tableID[&tr[0]]; !ok {
						x = uint32(len(tableID) + 1)
						tableID[&tr[0]] = x
					}
				}
				ckey = binary.LittleEndian.AppendUint32(ckey, x)
			}
		}
		for _, st := range strats {
			for _, r := range st.Rules {
				switch {
				case r.Steps == nil:
					ckey = append(ckey, 2)
				case r.Steps[nph]:
					ckey = append(ckey, 1)
				default:
					ckey = append(ckey, 0)
				}
			}
		}
		return string(ckey)
	}
	for ph := 0; ph <= C; ph++ {
		nph := min(ph+1, C)
		ck := classKey(ph, nph)
		fir, known := classes[ck]
		if !known {
			for s, st := range g.States {
				if st.Terminal {
					continue
				}
				trans := g.TransAt(ph, s)
				for j := 0; j < g.NumJoint(s); j++ {
					g.Decode(s, j, k)
					for a := 0; a < nA; a++ {
						mem[a] = g.Avail[s][a][k[a]]
					}
					for _, t := range trans[j] {
						if g.States[t.State].Terminal {
							fir = append(fir, -1)
							continue
						}
						for i, st := range strats {
							fired[i] = firedRule(st, t.State, nph, mem)
						}
						fir = append(fir, intern(fired))
					}
				}
			}
			classes[ck] = fir
		}
		f := 0
		for s, st := range g.States {
			if st.Terminal {
				continue
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			trans := g.TransAt(ph, s)
			for j := 0; j < g.NumJoint(s); j++ {
				tr := trans[j]
				nx := arcBuf[:len(tr):len(tr)]
				arcBuf = arcBuf[len(tr):]
				for i, t := range tr {
					c := fir[f]
					f++
					nx[i] = -1
					if c < 0 {
						continue
					}
					row := byCombo[nph*nS+t.State]
					if int(c) < len(row) && row[c] >= 0 {
						nx[i] = int(row[c])
						continue
					}
					id, err := getFired(t.State, nph, combos[c])
					if err != nil {
						return nil, err
					}
					for len(row) <= int(c) {
						row = append(row, -1)
					}
					row[c] = int32(id)
					byCombo[nph*nS+t.State] = row
					nx[i] = id
				}
				succ[off[ph*nS+s]+j] = nx
			}
		}
	}
	ng.next = make([][][]int, len(ng.nodes))
	ng.layers = make([][]int, C+1)
	ng.pos = make([]int, len(ng.nodes))
	for n, nd := range ng.nodes {
		nj := g.NumJoint(nd.state)
		o := off[nd.phase*nS+nd.state]
		ng.next[n] = succ[o : o+nj : o+nj]
		ng.pos[n] = -1
		if nd.phase == C {
			ng.pos[n] = len(ng.layers[C])
		}
		ng.layers[nd.phase] = append(ng.layers[nd.phase], n)
	}
	return ng, nil
}

// nodeKey is the key of the node of state s at phase ph with the rules
// fired: bytes, not text (buildNodes looks one up per transition).
func nodeKey(s, ph int, fired []int) string {
	return string(appendNodeKey(nil, s, ph, fired))
}

// appendNodeKey appends nodeKey's bytes to b: s and ph as four bytes
// each, each fired rule (+1, so base play is 0) as four.
func appendNodeKey(b []byte, s, ph int, fired []int) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(s))
	b = binary.LittleEndian.AppendUint32(b, uint32(ph))
	for _, f := range fired {
		b = binary.LittleEndian.AppendUint32(b, uint32(f+1))
	}
	return b
}

// lookup finds the node of state s at phase ph whose tracked strategies
// follow the rules fired.
func (ng *nodeGraph) lookup(s, ph int, fired []int) (int, bool) {
	if ph < 0 || s < 0 || s >= len(ng.g.States) || (ph+1)*len(ng.g.States) > len(ng.at) {
		return 0, false
	}
	return ng.find(s, ph, fired)
}

// find scans the nodes of state s at phase ph for the rules fired.
func (ng *nodeGraph) find(s, ph int, fired []int) (int, bool) {
	for _, id := range ng.at[ph*len(ng.g.States)+s] {
		if slices.Equal(ng.nodes[id].fired, fired) {
			return int(id), true
		}
	}
	return 0, false
}

// linSolve solves x[n] = b_n + Σ p·x[to] over the graph's nodes, where
// row(n, arc) returns b_n and calls arc(to, p) for each of node n's arcs
// (the coefficients of one fixed policy, discount included). The
// stationary block is one dense system (or, when gaussSeidel is set and
// the memory budget refuses the dense matrix, Gauss–Seidel sweeps to
// rounding error, which converge at the discount's rate); the nodes
// before the clock runs out, whose arcs lead one phase on, then follow by
// backward substitution, phase Clock-1 down to 0.
func (ng *nodeGraph) linSolve(ctx context.Context, what, alternative string, gaussSeidel bool, scale float64,
	row func(n int, arc func(to int, p float64)) float64) ([]float64, error) {
	return ng.linSolveTo(ctx, what, alternative, gaussSeidel, scale, true, nil, row)
}

// linScratch is the memory of repeated solves on one graph (policy
// iteration solves once per improvement): the dense system, its pivots
// and the solution, which each solve overwrites.
type linScratch struct {
	x, a, b []float64
	ipiv    []int
}

// grow returns buf resized to n entries, all zero.
func grow[T any](buf []T, n int) []T {
	buf = slices.Grow(buf[:0], n)[:n]
	clear(buf)
	return buf
}

// linSolveTo is linSolve; without preClock it solves the stationary block
// only and leaves the nodes before the clock runs out at 0 (policy
// iteration improves the stationary block alone, and backward induction
// then gives every earlier node its value). With sc (may be nil) it
// solves in sc's memory and returns sc.x, which the next solve with sc
// overwrites.
func (ng *nodeGraph) linSolveTo(ctx context.Context, what, alternative string, gaussSeidel bool, scale float64, preClock bool,
	sc *linScratch, row func(n int, arc func(to int, p float64)) float64) ([]float64, error) {
	if sc == nil {
		sc = &linScratch{}
	}
	sc.x = grow(sc.x, len(ng.nodes))
	x := sc.x
	stat := ng.layers[len(ng.layers)-1]
	// One callback each for the whole solve (a closure made per row would
	// be allocated per row: on a clocked game, per node of every step).
	acc := 0.0
	accumulate := func(to int, p float64) { acc += p * x[to] }
	N := len(stat)
	if N > 0 {
		if err := denseCheck(ctx, what, N, alternative); err == nil {
			// LAPACK's LU (getrf, getrs) directly: the same arithmetic as
			// mat.VecDense.SolveVec without its condition estimate, which
			// cost more than the solve on the small systems the
			// commitment search solves thousands of times. I − P with
			// P ≥ 0 discounted (every row sums to at most δ < 1) is
			// strictly diagonally dominant, so it is nonsingular with
			// condition below about N(1+δ)/(1−δ).
			sc.a, sc.b = grow(sc.a, N*N), grow(sc.b, N)
			A := blas64.General{Rows: N, Cols: N, Stride: N, Data: sc.a}
			b := blas64.General{Rows: N, Cols: 1, Stride: 1, Data: sc.b}
			var Ai []float64
			subtract := func(to int, p float64) { Ai[ng.pos[to]] -= p }
			for i, n := range stat {
				A.Data[i*N+i]++
				Ai = A.Data[i*N : i*N+N]
				b.Data[i] = row(n, subtract)
			}
			sc.ipiv = grow(sc.ipiv, N)
			ipiv := sc.ipiv
			if !lapack64.Getrf(A, ipiv) {
				return nil, fmt.Errorf("%s: %w", what, mat.Condition(math.Inf(1)))
			}
			lapack64.Getrs(blas.NoTrans, A, b, ipiv)
			for i, n := range stat {
				x[n] = b.Data[i]
			}
		} else if !gaussSeidel {
			return nil, err
		} else {
			for sweep := 0; ; sweep++ {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				change := 0.0
				for _, n := range stat {
					acc = 0
					b := row(n, accumulate)
					v := b + acc
					change = math.Max(change, math.Abs(v-x[n]))
					x[n] = v
				}
				if change <= 1e-15*math.Max(1, scale) || sweep > 1_000_000 {
					break
				}
			}
		}
	}
	for ph := len(ng.layers) - 2; ph >= 0 && preClock; ph-- {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, n := range ng.layers[ph] {
			acc = 0
			b := row(n, accumulate)
			x[n] = b + acc
		}
	}
	return x, nil
}

// after describes the remembered move that selects node n's rules
// ("IR: hormuz"), empty for base play everywhere.
func (ng *nodeGraph) after(n int) string {
	g := ng.g
	var parts []string
	seen := map[string]bool{}
	for i, ri := range ng.nodes[n].fired {
		if ri < 0 {
			continue
		}
		for _, cd := range ng.strats[i].Rules[ri].After {
			names := make([]string, 0, len(cd.Actions))
			for _, x := range cd.Actions {
				names = append(names, g.Actions[cd.Actor][x])
			}
			s := g.Actors[cd.Actor].ID + ": " + strings.Join(names, "|")
			if !seen[s] {
				seen[s] = true
				parts = append(parts, s)
			}
		}
	}
	return strings.Join(parts, ", ")
}

// utility is actor a's weighted utility of a payoff vector indexed a*C+c.
func utility(g *markov.Game, vec []float64, a int) float64 {
	if len(vec) == 0 {
		return 0
	}
	nC := len(g.Components)
	u := 0.0
	for c := 0; c < nC; c++ {
		u += g.Actors[a].Weights[c] * vec[a*nC+c]
	}
	return u
}

// denseCheck asks the budget for an n×n dense float64 matrix.
func denseCheck(ctx context.Context, what string, n int, alternative string) error {
	return budget.Check(ctx, fmt.Sprintf("%s (%d × %d dense)", what, n, n), budget.Mul(int64(n), int64(n), 8), alternative)
}
