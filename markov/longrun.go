package markov

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
)

// LongRun is where the chain spends its time in the long run, from the
// initial state. The nodes reachable from it split into transient ones and
// recurrent classes (closed sets the chain never leaves once inside, each
// terminal state being one); the chain ends up in class C with probability
// Prob, and then spends a share π_C(s) of its steps in each state s.
type LongRun struct {
	Classes []RecurrentClass `json:"classes"`
	// Share[s] is the long-run share of steps spent in state s,
	// lim_{T→∞} (1/T)·Σ_{t<T} P(X_t = s) = Σ_C Prob_C·π_C(s), a terminal
	// state counting every step after its entry (as Analysis.Occupancy).
	// The limit of the average always exists; for a periodic class the
	// distribution itself keeps cycling (see RecurrentClass.Period).
	Share []float64 `json:"share"`
}

// RecurrentClass is a closed communicating class of chain nodes.
type RecurrentClass struct {
	// States are the game states of its nodes, in state order.
	States []int `json:"states"`
	// Terminal is set for the class of a terminal state: the process has
	// ended there.
	Terminal bool `json:"terminal"`
	// Prob is the probability of ending up in the class from the initial
	// state.
	Prob float64 `json:"prob"`
	// Stationary[s] is the class's stationary distribution summed over
	// the nodes of state s (0 outside the class).
	Stationary []float64 `json:"stationary"`
	// Recurrence[s] is the expected number of steps between two visits to
	// state s once in the class, 1/Stationary[s] by Kac's formula (for a
	// state with several memory nodes, the start among them distributed
	// as the stationary distribution); NaN outside the class and for a
	// terminal class.
	Recurrence []float64 `json:"recurrence"`
	// Period is the class's period: the greatest common divisor of the
	// lengths of its cycles (1: aperiodic; 0 for a terminal class). With
	// period d > 1 the chain visits its states in d cyclic groups and the
	// probabilities at step t do not converge, only their averages.
	Period int `json:"period"`
}

// longRun computes res.LongRun.
func (an *analyzer) longRun(ctx context.Context, res *Analysis, sc *scratch) error {
	c, g := an.c, an.c.Game
	n, nS := c.NumNodes(), len(g.States)
	// Nodes reachable from the initial state.
	reach := make([]bool, n)
	order := []int32{int32(c.Init)}
	reach[c.Init] = true
	for i := 0; i < len(order); i++ {
		x := order[i]
		for e := c.RowPtr[x]; e < c.RowPtr[x+1]; e++ {
			if y := c.Col[e]; !reach[y] {
				reach[y] = true
				order = append(order, y)
			}
		}
	}
	comp, nComp := an.scc(reach)
	// A component is closed when no edge leaves it.
	closed := make([]bool, nComp)
	for i := range closed {
		closed[i] = true
	}
	for _, x := range order {
		for e := c.RowPtr[x]; e < c.RowPtr[x+1]; e++ {
			if comp[c.Col[e]] != comp[x] {
				closed[comp[x]] = false
			}
		}
	}
	// Classes in order of their first node (breadth-first from Init), so
	// the output does not depend on how the components were found.
	classOf := make([]int, nComp)
	for i := range classOf {
		classOf[i] = -1
	}
	var members [][]int32
	for _, x := range order {
		k := comp[x]
		if !closed[k] {
			continue
		}
		if classOf[k] < 0 {
			classOf[k] = len(members)
			members = append(members, nil)
		}
		members[classOf[k]] = append(members[classOf[k]], x)
	}
	lr := &LongRun{Share: make([]float64, nS)}
	inClass := make([]int, n) // class of each node, -1 transient or unreachable
	for x := range inClass {
		inClass[x] = -1
	}
	for k, m := range members {
		for _, x := range m {
			inClass[x] = k
		}
	}
	for _, m := range members {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("markov: long run: %w", err)
		}
		rc, err := an.recurrentClass(ctx, m, inClass)
		if err != nil {
			return fmt.Errorf("markov: long run: %w", err)
		}
		lr.Classes = append(lr.Classes, rc)
	}
	// Probability of ending in each class: expected visits ν to the
	// transient nodes from Init, then Σ_x ν(x)·P(x, C).
	if k := inClass[c.Init]; k >= 0 {
		lr.Classes[k].Prob = 1
	} else {
		transient := func(x int32) bool { return inClass[x] >= 0 }
		U := an.forwardSet(sc, transient, false)
		ls, err := an.linSystem(an.transposed(), U, sc.local, 1, &sc.ls)
		if err != nil {
			release(sc, U)
			return fmt.Errorf("markov: long run: %w", err)
		}
		e0 := make([]float64, len(U))
		e0[0] = 1
		nu, err := ls.solve(ctx, e0, 1)
		release(sc, U)
		if err != nil {
			return fmt.Errorf("markov: long run: %w", err)
		}
		sum := 0.0
		for i, x := range U {
			for e := c.RowPtr[x]; e < c.RowPtr[x+1]; e++ {
				if k := inClass[c.Col[e]]; k >= 0 {
					lr.Classes[k].Prob += nu[i] * c.P[e]
				}
			}
		}
		for k := range lr.Classes {
			sum += lr.Classes[k].Prob
		}
		// A finite chain leaves its transient nodes surely: the class
		// probabilities sum to 1 up to the solve's rounding.
		if sum > 0 {
			for k := range lr.Classes {
				lr.Classes[k].Prob /= sum
			}
		}
	}
	for _, rc := range lr.Classes {
		for s, p := range rc.Stationary {
			lr.Share[s] += rc.Prob * p
		}
	}
	res.LongRun = lr
	return nil
}

// recurrentClass computes the stationary distribution, recurrence times
// and period of the closed class whose nodes are m (breadth-first order).
// With r = m[0], the expected visits ν to the other nodes between two
// visits to r solve ν = P(r,·) + ν·Q on m \ {r}; π = (1, ν)/(1 + Σν), and
// 1 + Σν is the mean return time to r.
func (an *analyzer) recurrentClass(ctx context.Context, m []int32, inClass []int) (RecurrentClass, error) {
	c, g := an.c, an.c.Game
	nS := len(g.States)
	rc := RecurrentClass{Stationary: make([]float64, nS), Recurrence: make([]float64, nS)}
	for s := range rc.Recurrence {
		rc.Recurrence[s] = math.NaN()
	}
	r := m[0]
	if c.term[r] {
		s := c.State[r]
		rc.States, rc.Terminal = []int{s}, true
		rc.Stationary[s] = 1
		return rc, nil
	}
	pi := make([]float64, len(m))
	pi[0] = 1
	if len(m) > 1 {
		local := make([]int32, c.NumNodes())
		for i := range local {
			local[i] = -1
		}
		rest := m[1:]
		for i, x := range rest {
			local[x] = int32(i)
		}
		ls, err := an.linSystem(an.transposed(), rest, local, 1, nil)
		if err != nil {
			return rc, err
		}
		b := make([]float64, len(rest))
		for e := c.RowPtr[r]; e < c.RowPtr[r+1]; e++ {
			if l := local[c.Col[e]]; l >= 0 {
				b[l] += c.P[e]
			}
		}
		nu, err := ls.solve(ctx, b, 1)
		if err != nil {
			return rc, err
		}
		for i, v := range nu {
			pi[i+1] = math.Max(0, v)
		}
	}
	tot := 0.0
	for _, v := range pi {
		tot += v
	}
	for i, x := range m {
		rc.Stationary[c.State[x]] += pi[i] / tot
	}
	for s, p := range rc.Stationary {
		if p > 0 {
			rc.States = append(rc.States, s)
			rc.Recurrence[s] = 1 / p
		}
	}
	// Period: gcd over the class's edges of level(u) + 1 - level(v), with
	// breadth-first levels from r.
	level := make(map[int32]int, len(m))
	level[r] = 0
	queue := []int32{r}
	for i := 0; i < len(queue); i++ {
		x := queue[i]
		for e := c.RowPtr[x]; e < c.RowPtr[x+1]; e++ {
			y := c.Col[e]
			if _, ok := level[y]; !ok && inClass[y] == inClass[r] {
				level[y] = level[x] + 1
				queue = append(queue, y)
			}
		}
	}
	d := 0
	for _, x := range m {
		for e := c.RowPtr[x]; e < c.RowPtr[x+1]; e++ {
			y := c.Col[e]
			k := level[x] + 1 - level[y]
			if k < 0 {
				k = -k
			}
			d = gcd(d, k)
		}
	}
	rc.Period = d
	return rc, nil
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// scc labels the strongly connected components of the nodes marked in
// use (Tarjan's algorithm, iteratively so that long chains cannot
// overflow the stack).
func (an *analyzer) scc(use []bool) (comp []int, n int) {
	c := an.c
	nn := c.NumNodes()
	index := make([]int32, nn)
	low := make([]int32, nn)
	onStack := make([]bool, nn)
	comp = make([]int, nn)
	for i := range index {
		index[i] = -1
		comp[i] = -1
	}
	var stack []int32
	type frame struct {
		x int32
		e int32 // next edge to look at
	}
	next := int32(0)
	for root := int32(0); root < int32(nn); root++ {
		if !use[root] || index[root] >= 0 {
			continue
		}
		call := []frame{{root, c.RowPtr[root]}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			x := f.x
			if f.e < c.RowPtr[x+1] {
				y := c.Col[f.e]
				f.e++
				if index[y] < 0 {
					index[y], low[y] = next, next
					next++
					stack = append(stack, y)
					onStack[y] = true
					call = append(call, frame{y, c.RowPtr[y]})
				} else if onStack[y] {
					low[x] = min(low[x], index[y])
				}
				continue
			}
			if low[x] == index[x] {
				for {
					y := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[y] = false
					comp[y] = n
					if y == x {
						break
					}
				}
				n++
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].x
				low[p] = min(low[p], low[x])
			}
		}
	}
	return comp, n
}

// MarshalJSON encodes NaN as null.
func (rc RecurrentClass) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		States     []int       `json:"states"`
		Terminal   bool        `json:"terminal"`
		Prob       jsonFloat   `json:"prob"`
		Stationary []jsonFloat `json:"stationary"`
		Recurrence []jsonFloat `json:"recurrence"`
		Period     int         `json:"period"`
	}{rc.States, rc.Terminal, jsonFloat(rc.Prob), jsonFloats(rc.Stationary), jsonFloats(rc.Recurrence), rc.Period})
}

// MarshalJSON encodes NaN as null.
func (f From) MarshalJSON() ([]byte, error) {
	reach := make([][][]jsonFloat, len(f.Reach))
	for i, r := range f.Reach {
		if r != nil {
			reach[i] = jsonFloats2(r)
		}
	}
	value := make([][][]jsonFloat, len(f.Value))
	for i, v := range f.Value {
		value[i] = jsonFloats2(v)
	}
	return json.Marshal(struct {
		Targets []int           `json:"targets"`
		Absorb  [][]jsonFloat   `json:"absorb"`
		Time    [][]jsonFloat   `json:"time"`
		Reach   [][][]jsonFloat `json:"reach"`
		Value   [][][]jsonFloat `json:"value"`
		Total   [][]jsonFloat   `json:"total"`
	}{f.Targets, jsonFloats2(f.Absorb), jsonFloats2(f.Time), reach, value, jsonFloats2(f.Total)})
}
