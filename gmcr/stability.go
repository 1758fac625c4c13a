package gmcr

import (
	"context"
	"fmt"
	"strings"

	"github.com/truce-dev/truce/internal/budget"
)

// Concept is a stability concept of the graph model.
type Concept int

const (
	// Nash (R): the decision maker has no unilateral improvement.
	Nash Concept = iota
	// GMR (general metarationality): every unilateral improvement can be
	// sanctioned by the others' moves, whether or not those moves help them.
	GMR
	// SMR (symmetric metarationality): every unilateral improvement can be
	// sanctioned so that the decision maker's own best reply afterwards
	// still does not leave it better off than where it started.
	SMR
	// SEQ (sequential stability): every unilateral improvement can be
	// sanctioned by the others' unilateral improvements (credible sanctions).
	SEQ
)

// Concepts are all concepts, in the order output lists them.
var Concepts = []Concept{Nash, GMR, SMR, SEQ}

var conceptNames = [...]string{"nash", "gmr", "smr", "seq"}

// String is the concept's name as the command line and JSON write it.
func (k Concept) String() string {
	if k >= 0 && int(k) < len(conceptNames) {
		return conceptNames[k]
	}
	return fmt.Sprintf("concept(%d)", int(k))
}

// Title is the concept's name as text output writes it.
func (k Concept) Title() string {
	switch k {
	case Nash:
		return "Nash"
	case GMR, SMR, SEQ:
		return strings.ToUpper(k.String())
	}
	return k.String()
}

// ParseConcept reads a concept name (nash, r, gmr, smr, seq), any case.
func ParseConcept(s string) (Concept, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "nash", "r":
		return Nash, nil
	case "gmr":
		return GMR, nil
	case "smr":
		return SMR, nil
	case "seq":
		return SEQ, nil
	}
	return 0, fmt.Errorf("unknown stability concept %q (want nash, gmr, smr or seq)", s)
}

// Sanctions says which countermoves by the other decision makers count when
// they answer a unilateral improvement.
type Sanctions int

const (
	// Sequences is the definition of the literature (Fang, Hipel & Kilgour
	// 1993): any legal sequence of unilateral moves by the others, in which
	// no decision maker moves twice in a row (for SEQ, each move a
	// unilateral improvement for its mover). With two decision makers this
	// is one move by the opponent.
	Sequences Sanctions = iota
	// SingleMoves counts only one move by one opponent: the definition of
	// gmcr-py before its October 2016 change, kept to reproduce results
	// computed with it.
	SingleMoves
)

// String names s as the command line writes it.
func (s Sanctions) String() string {
	if s == SingleMoves {
		return "single"
	}
	return "sequence"
}

// Result is the stability of every state for every decision maker under
// each concept.
type Result struct {
	C         *Conflict
	Sanctions Sanctions
	// stable[k][d][s] for each concept k.
	stable [len(conceptNames)][][]bool
}

// Stable reports whether state s is stable for decision maker d under k.
func (r *Result) Stable(k Concept, d, s int) bool { return r.stable[k][d][s] }

// Equilibrium reports whether s is stable for every decision maker under k.
func (r *Result) Equilibrium(k Concept, s int) bool {
	for d := range r.C.DMs {
		if !r.stable[k][d][s] {
			return false
		}
	}
	return true
}

// Equilibria lists the states stable for every decision maker under k.
func (r *Result) Equilibria(k Concept) []int {
	var out []int
	for s := range r.C.Codes {
		if r.Equilibrium(k, s) {
			out = append(out, s)
		}
	}
	return out
}

// Analyze computes the stability of every state for every decision maker
// under all four concepts.
func Analyze(ctx context.Context, c *Conflict, sanctions Sanctions) (*Result, error) {
	r := &Result{C: c, Sanctions: sanctions}
	S := len(c.Codes)
	N := len(c.DMs)
	if err := budget.Check(ctx, "the stability table", budget.Mul(int64(S), int64(N), int64(len(Concepts))), "use fewer options or rule out more states"); err != nil {
		return nil, err
	}
	for k := range r.stable {
		r.stable[k] = make([][]bool, N)
		for d := range r.stable[k] {
			r.stable[k][d] = make([]bool, S)
		}
	}
	for d := range c.DMs {
		m, err := sanctionMinima(ctx, c, d, sanctions)
		if err != nil {
			return nil, err
		}
		rank := c.Rank[d]
		for s := 0; s < S; s++ {
			nash, gmr, smr, seq := true, true, true, true
			for _, t := range c.Moves(d, s) {
				if rank[t] <= rank[s] {
					continue
				}
				nash = false
				gmr = gmr && m.gmr[t] <= rank[s]
				smr = smr && m.smr[t] <= rank[s]
				seq = seq && m.seq[t] <= rank[s]
			}
			r.stable[Nash][d][s] = nash
			r.stable[GMR][d][s] = gmr
			r.stable[SMR][d][s] = smr
			r.stable[SEQ][d][s] = seq
		}
	}
	return r, nil
}

// minima holds, for a focal decision maker and every state t it might move
// to, the least value of a sanction the others can reach from t: comparing
// it with the focal rank at the starting state decides the concept.
type minima struct{ gmr, smr, seq []int32 }

// noSanction is above every rank: the others have no move at all.
const noSanction = int32(1 << 30)

// sanctionMinima computes, for focal decision maker i and each state t:
//   - gmr[t]: the least rank for i of a state the others can reach from t;
//   - smr[t]: the least, over those states u, of the best rank i can get at
//     u or by one move from u (SMR's sanction must survive i's reply);
//   - seq[t]: the least rank for i of a state the others can reach from t
//     by their own unilateral improvements.
//
// With Sequences the reachable states are those of legal sequences (no
// decision maker twice in a row): nodes are (state, last mover) and the
// least value over everything reachable from a node is computed on the
// graph's strongly connected components, in time linear in its size.
func sanctionMinima(ctx context.Context, c *Conflict, i int, sanctions Sanctions) (*minima, error) {
	S := len(c.Codes)
	h := others(c, i)
	rank := c.Rank[i]
	reply := make([]int32, S) // SMR value: max of i's rank at u and after i's best move from u
	for u := 0; u < S; u++ {
		v := rank[u]
		for _, w := range c.Moves(i, u) {
			v = max(v, rank[w])
		}
		reply[u] = v
	}
	m := &minima{gmr: make([]int32, S), smr: make([]int32, S), seq: make([]int32, S)}
	if sanctions == SingleMoves {
		for t := 0; t < S; t++ {
			g, r, q := noSanction, noSanction, noSanction
			for _, j := range h {
				for _, u := range c.Moves(j, t) {
					g = min(g, rank[u])
					r = min(r, reply[u])
					if c.Rank[j][u] > c.Rank[j][t] {
						q = min(q, rank[u])
					}
				}
			}
			m.gmr[t], m.smr[t], m.seq[t] = g, r, q
		}
		return m, nil
	}
	all := newSeqGraph(c, h, false)
	vals, err := all.reachMin(ctx, [][]int32{rank, reply})
	if err != nil {
		return nil, err
	}
	ui := newSeqGraph(c, h, true)
	uiVals, err := ui.reachMin(ctx, [][]int32{rank})
	if err != nil {
		return nil, err
	}
	H := len(h)
	for t := 0; t < S; t++ {
		g, r, q := noSanction, noSanction, noSanction
		for p, j := range h {
			for _, u := range c.Moves(j, t) {
				n := int(u)*H + p
				g = min(g, vals[0][n])
				r = min(r, vals[1][n])
				if c.Rank[j][u] > c.Rank[j][t] {
					q = min(q, uiVals[0][n])
				}
			}
		}
		m.gmr[t], m.smr[t], m.seq[t] = g, r, q
	}
	return m, nil
}

// others lists every decision maker but i.
func others(c *Conflict, i int) []int {
	var h []int
	for d := range c.DMs {
		if d != i {
			h = append(h, d)
		}
	}
	return h
}

// seqGraph is the graph of legal move sequences by the members of a
// coalition h: node (s, p) is "state s, just reached by a move of h[p]", and
// its successors are the moves of every other member from s (with uiOnly,
// only those each mover strictly prefers).
type seqGraph struct {
	c      *Conflict
	h      []int
	uiOnly bool
}

func newSeqGraph(c *Conflict, h []int, uiOnly bool) *seqGraph {
	return &seqGraph{c: c, h: h, uiOnly: uiOnly}
}

func (g *seqGraph) nodes() int { return len(g.c.Codes) * len(g.h) }

// succ calls f for each successor of node n.
func (g *seqGraph) succ(n int, f func(int)) {
	H := len(g.h)
	s, p := n/H, n%H
	for q, j := range g.h {
		if q == p {
			continue
		}
		for _, t := range g.c.Moves(j, s) {
			if g.uiOnly && g.c.Rank[j][t] <= g.c.Rank[j][s] {
				continue
			}
			f(int(t)*H + q)
		}
	}
}

// reachMin returns, for each value array v (indexed by state) and each node
// n, the least v[state] over the nodes reachable from n, n included.
// Strongly connected components by Tarjan's algorithm (iterative, so a long
// chain cannot exhaust the stack); they come out sinks first, so one pass
// fills every component's minimum from its successors'.
func (g *seqGraph) reachMin(ctx context.Context, v [][]int32) ([][]int32, error) {
	N := g.nodes()
	if err := budget.Check(ctx, "the sanction graph", budget.Mul(int64(N), int64(4*5+4*len(v))), "use fewer options or rule out more states"); err != nil {
		return nil, err
	}
	H := len(g.h)
	const unvisited = -1
	index := make([]int32, N)
	low := make([]int32, N)
	comp := make([]int32, N)
	for n := range index {
		index[n] = unvisited
		comp[n] = -1
	}
	out := make([][]int32, len(v))
	compMin := make([][]int32, len(v))
	for i := range out {
		out[i] = make([]int32, N)
	}
	var stack []int32 // Tarjan's stack
	type frame struct {
		n     int32
		succs []int32
		next  int
	}
	var call []frame
	var counter int32
	nComp := int32(0)
	succBuf := func(n int) []int32 {
		var s []int32
		g.succ(n, func(m int) { s = append(s, int32(m)) })
		return s
	}
	for root := 0; root < N; root++ {
		if index[root] != unvisited {
			continue
		}
		if root&0xfff == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("sanction graph: %w", err)
			}
		}
		index[root], low[root] = counter, counter
		counter++
		stack = append(stack, int32(root))
		call = append(call, frame{n: int32(root), succs: succBuf(root)})
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.next < len(f.succs) {
				m := f.succs[f.next]
				f.next++
				if index[m] == unvisited {
					index[m], low[m] = counter, counter
					counter++
					stack = append(stack, m)
					call = append(call, frame{n: m, succs: succBuf(int(m))})
				} else if comp[m] < 0 {
					low[f.n] = min(low[f.n], index[m])
				}
				continue
			}
			n := f.n
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].n
				low[p] = min(low[p], low[n])
			}
			if low[n] != index[n] {
				continue
			}
			// Pop the component; its successors outside it are finished.
			at := len(stack) - 1
			for stack[at] != n {
				at--
			}
			members := stack[at:]
			for _, x := range members {
				comp[x] = nComp
			}
			for i := range v {
				best := noSanction
				for _, x := range members {
					best = min(best, v[i][int(x)/H])
					g.succ(int(x), func(y int) {
						if comp[y] != nComp {
							best = min(best, compMin[i][comp[y]])
						}
					})
				}
				compMin[i] = append(compMin[i], best)
				for _, x := range members {
					out[i][x] = best
				}
			}
			stack = stack[:at]
			nComp++
		}
	}
	return out, nil
}
