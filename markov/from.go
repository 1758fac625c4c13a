package markov

import (
	"context"
	"fmt"
	"math"

	"github.com/truce-dev/truce/internal/budget"
)

// From holds figures from every start state: the process started at step 0
// in state s, with no previous step (as it starts in the initial state).
// Each is computed for all starts at once from the backward equations (one
// linear solve per figure and target), not once per start.
type From struct {
	// Targets are the states whose Absorb, Time and Reach rows are filled:
	// every terminal state and those AnalyzeOptions.FromStates names.
	Targets []int `json:"targets"`
	// Absorb[t][s] is the probability of ever entering state t from start
	// s (1 when s = t); nil rows for states not in Targets.
	Absorb [][]float64 `json:"absorb"`
	// Time[t][s] is the expected step of first entry into t from start s,
	// among the paths that enter it (0 when s = t, NaN if never entered).
	Time [][]float64 `json:"time"`
	// Reach[t][s][k] is the probability of having entered t at or before
	// step k (k = 0..Horizon) from start s.
	Reach [][][]float64 `json:"reach"`
	// Value[s][a][c] and Total[s][a] are Analysis.Value and Total from
	// start s (NaN for an undiscounted actor); at a terminal start, its
	// entry payoff.
	Value [][][]float64 `json:"value"`
	Total [][]float64   `json:"total"`
}

// fromAll computes res.From on a chain built with every state as a start.
func (an *analyzer) fromAll(ctx context.Context, res *Analysis, sc *scratch) error {
	c, g := an.c, an.c.Game
	nS, nA, nC, H := len(g.States), len(g.Actors), len(g.Components), an.opt.Horizon
	for s := range g.States {
		if c.Start[s] < 0 {
			return fmt.Errorf("markov: figures from every start need the chain built by BuildChainFrom with every state")
		}
	}
	f := &From{Absorb: make([][]float64, nS), Time: make([][]float64, nS), Reach: make([][][]float64, nS)}
	isTarget := make([]bool, nS)
	for s, st := range g.States {
		isTarget[s] = st.Terminal
	}
	for _, s := range an.opt.FromStates {
		if s < 0 || s >= nS {
			return fmt.Errorf("markov: analyze: state %d out of range", s)
		}
		isTarget[s] = true
	}
	for s := range isTarget {
		if isTarget[s] {
			f.Targets = append(f.Targets, s)
		}
	}
	n := c.NumNodes()
	curves := budget.Mul(int64(len(f.Targets)), int64(nS), int64(H+1), 8)
	work := budget.Mul(int64(n), int64(H+2), 8)
	if err := budget.Check(ctx, "reach curves from every start", budget.Add(curves, work), "name fewer target states or shorten the horizon"); err != nil {
		return err
	}
	for _, t := range f.Targets {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("markov: figures from every start: %w", err)
		}
		if err := an.fromTarget(ctx, f, t, sc); err != nil {
			return fmt.Errorf("markov: figures from every start, target %s: %w", g.States[t].ID, err)
		}
	}
	v, err := an.valuesFromAll(ctx, sc)
	if err != nil {
		return err
	}
	f.Value = make([][][]float64, nS)
	f.Total = make([][]float64, nS)
	nAC := nA * nC
	for s := range g.States {
		x := int(c.Start[s])
		f.Value[s] = make([][]float64, nA)
		for a := 0; a < nA; a++ {
			f.Value[s][a] = append([]float64(nil), v[x*nAC+a*nC:x*nAC+(a+1)*nC]...)
		}
		f.Total[s] = weighted(g, f.Value[s])
	}
	res.From = f
	return nil
}

// fromTarget fills the rows of target state t: h(x) = P(enter t | start x)
// solves (I - Q_UU) h = Q_{U,t}·1 on the nodes U that are outside t, not
// terminal, and can reach t; g(x) = E[T·1{enter}] solves (I - Q_UU) g = h,
// since a path entering from x takes one step more than from its
// successor. Reach curves follow r_{k+1}(x) = Σ_y P(x,y)·r_k(y) with r = 1
// on t.
func (an *analyzer) fromTarget(ctx context.Context, f *From, t int, sc *scratch) error {
	c, g := an.c, an.c.Game
	n, H := c.NumNodes(), an.opt.Horizon
	inT := func(x int32) bool { return c.State[x] == t }
	blocked := func(x int32) bool { return inT(x) || c.term[x] }
	// Backward reachability from t through unblocked nodes, over every
	// node (not only those reachable from the initial state).
	dist := sc.dist
	queue := sc.queue[:0]
	defer func() { sc.queue = queue }()
	for x := int32(0); x < int32(n); x++ {
		dist[x] = -1
		if inT(x) {
			dist[x] = 0
			queue = append(queue, x)
		}
	}
	for i := 0; i < len(queue); i++ {
		y := queue[i]
		for e := an.tRowPtr[y]; e < an.tRowPtr[y+1]; e++ {
			x := an.tCol[e]
			if dist[x] < 0 && !blocked(x) {
				dist[x] = dist[y] + 1
				queue = append(queue, x)
			}
		}
	}
	local := sc.local // all -1 (see release)
	U := sc.u[:0]
	for x := int32(0); x < int32(n); x++ {
		if dist[x] > 0 {
			local[x] = int32(len(U))
			U = append(U, x)
		}
	}
	sc.u = U
	defer release(sc, U)
	h := zeroed(&sc.h, n)
	gT := zeroed(&sc.g, n)
	for x := range h {
		if inT(int32(x)) {
			h[x] = 1
		}
	}
	if len(U) > 0 {
		ls, err := an.linSystem(csr{c.RowPtr, c.Col, c.P}, U, local, 1, &sc.ls)
		if err != nil {
			return err
		}
		b := zeroed(&sc.b, len(U))
		for i, x := range U {
			for e := c.RowPtr[x]; e < c.RowPtr[x+1]; e++ {
				if inT(c.Col[e]) {
					b[i] += c.P[e]
				}
			}
		}
		hu, err := ls.solve(ctx, b, 1)
		if err != nil {
			return err
		}
		gu, err := ls.solve(ctx, hu, 1)
		if err != nil {
			return err
		}
		for i, x := range U {
			h[x] = math.Min(1, math.Max(0, hu[i]))
			gT[x] = gu[i]
		}
	}
	nS := len(g.States)
	f.Absorb[t] = make([]float64, nS)
	f.Time[t] = make([]float64, nS)
	for s := range g.States {
		x := c.Start[s]
		f.Absorb[t][s] = h[x]
		switch {
		case inT(x):
			f.Time[t][s] = 0
		case h[x] > 0:
			f.Time[t][s] = gT[x] / h[x]
		default:
			f.Time[t][s] = math.NaN()
		}
	}
	// Reach curves, all starts at once. On a clocked chain a start is at
	// phase 0 and a node of phase j is first met j steps after it, so a
	// start's curve up to the horizon reads node x's r_k only for
	// k <= H - phase(x): the rest is not computed (set to 0), which
	// changes none of the curves.
	f.Reach[t] = make([][]float64, nS)
	for s := range f.Reach[t] {
		f.Reach[t][s] = make([]float64, H+1)
	}
	r, q := zeroed(&sc.p, n), zeroed(&sc.q, n)
	for x := range r {
		if inT(int32(x)) {
			r[x] = 1
		}
	}
	for k := 0; ; k++ {
		for s := range g.States {
			f.Reach[t][s][k] = r[c.Start[s]]
		}
		if k == H {
			break
		}
		if k&63 == 63 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for x := 0; x < n; x++ {
			switch {
			case inT(int32(x)):
				q[x] = 1
			case int(c.phase[x]) > H-(k+1):
				q[x] = 0 // no start's curve reads it (see above)
			case dist[x] < 0 || int(dist[x]) > k+1:
				q[x] = 0 // cannot enter t within k+1 steps
			default:
				acc := 0.0
				for e := c.RowPtr[x]; e < c.RowPtr[x+1]; e++ {
					acc += c.P[e] * r[c.Col[e]]
				}
				q[x] = math.Min(1, acc)
			}
		}
		r, q = q, r
	}
	return nil
}

// valuesFromAll returns, per node x, every actor's value per component
// (index x*A*C + a*C+c, in sc's memory): V = r + δ·Q·V on the non-terminal nodes, entry payoffs at
// terminal ones, one solve per distinct discount with a right-hand side
// per actor and component.
func (an *analyzer) valuesFromAll(ctx context.Context, sc *scratch) ([]float64, error) {
	c, g := an.c, an.c.Game
	n, nA, nC := c.NumNodes(), len(g.Actors), len(g.Components)
	nAC := nA * nC
	if err := budget.Check(ctx, "values from every start", budget.Mul(int64(n), int64(nAC), 3*8), ""); err != nil {
		return nil, err
	}
	out := zeroed(&sc.v, n*nAC)
	for x := 0; x < n; x++ {
		if c.term[x] {
			if e := g.Entry[c.State[x]]; len(e) > 0 {
				copy(out[x*nAC:x*nAC+nAC], e)
			}
		}
	}
	local := sc.local // all -1 (see release)
	U := sc.u[:0]
	for x := 0; x < n; x++ {
		if !c.term[x] {
			local[x] = int32(len(U))
			U = append(U, int32(x))
		}
	}
	sc.u = U
	defer release(sc, U)
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
			for _, x := range U {
				for _, a := range group {
					for k := 0; k < nC; k++ {
						out[int(x)*nAC+a*nC+k] = math.NaN()
					}
				}
			}
			continue
		}
		if len(U) == 0 {
			continue
		}
		ls, err := an.linSystem(csr{c.RowPtr, c.Col, c.P}, U, local, delta, &sc.ls)
		if err != nil {
			return nil, fmt.Errorf("markov: values from every start: %w", err)
		}
		k := len(group) * nC
		b := zeroed(&sc.b, len(U)*k)
		for i, x := range U {
			rw := c.Reward(int(x))
			for gi, a := range group {
				for cc := 0; cc < nC; cc++ {
					v := rw[a*nC+cc]
					for e := c.RowPtr[x]; e < c.RowPtr[x+1]; e++ {
						if y := c.Col[e]; c.term[y] {
							if ent := g.Entry[c.State[y]]; len(ent) > 0 {
								v += delta * c.P[e] * ent[a*nC+cc]
							}
						}
					}
					b[i*k+gi*nC+cc] = v
				}
			}
		}
		xs, err := ls.solve(ctx, b, k)
		if err != nil {
			return nil, fmt.Errorf("markov: values from every start: %w", err)
		}
		for i, x := range U {
			for gi, a := range group {
				for cc := 0; cc < nC; cc++ {
					out[int(x)*nAC+a*nC+cc] = xs[i*k+gi*nC+cc]
				}
			}
		}
	}
	return out, nil
}
