package evidence

import (
	"math"

	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/scenario"
)

// hmm is the hidden Markov model one parameter draw and one profile make:
// the chain the profile induces (nodes are states with the remembered play
// that matters) and the distribution over event classes seen at each step.
//
// Timing: at step t the process is at a node; the actors play, the event
// classes of step t are seen (drawn from the row of the state and, if the
// model depends on it, the joint action), then the chain moves. A terminal
// node stays where it is and goes on being seen.
type hmm struct {
	ch    *markov.Chain
	em    *scenario.Emission
	nE    int
	joint bool
	state []int32 // per node
	term  []bool  // per node
	// rowOf[x] is the emission row of node x (every node when !joint;
	// terminal nodes when joint).
	rowOf []int32
	// outRow[k] is the emission row of outcome k (joint only).
	outRow []int32
	// outJ, outY, outP cache the chain's outcomes (joint only).
	outOff []int32
	outY   []int32
	outP   []float64
}

// newHMM joins a chain and an observation model. With a joint-action
// dependent model the chain must have been built by BuildChainOutcomes.
func newHMM(ch *markov.Chain, em *scenario.Emission) *hmm {
	n := ch.NumNodes()
	h := &hmm{ch: ch, em: em, nE: len(em.Events), joint: em.ByJoint, state: make([]int32, n), term: make([]bool, n), rowOf: make([]int32, n)}
	for x := 0; x < n; x++ {
		s := ch.State[x]
		h.state[x] = int32(s)
		h.term[x] = ch.Terminal(x)
		h.rowOf[x] = int32(em.Of[s][0])
	}
	if h.joint {
		h.outOff = make([]int32, n+1)
		for x := 0; x < n; x++ {
			lo, hi := ch.OutcomeRange(x)
			h.outOff[x] = int32(lo)
			h.outOff[x+1] = int32(hi)
			for k := lo; k < hi; k++ {
				j, y, p := ch.Outcome(x, k)
				h.outRow = append(h.outRow, int32(em.Of[ch.State[x]][j]))
				h.outY = append(h.outY, int32(y))
				h.outP = append(h.outP, p)
			}
		}
	}
	return h
}

func (h *hmm) numNodes() int { return len(h.state) }

// factors fills F[r] with the probability that row r gives the events of
// o: Π_i row[e_i]^{w_i} (the events of a step are independent draws given
// the node and joint action). Weights that are not whole numbers temper
// the factor. With o == nil every factor is 1.
func (h *hmm) factors(o *stepObs, F []float64) {
	for r, row := range h.em.Rows {
		f := 1.0
		if o != nil {
			for i, e := range o.ev {
				p := row[e]
				switch w := o.w[i]; {
				case w == 1:
					f *= p
				case p == 0:
					f = 0
				default:
					f *= math.Pow(p, w)
				}
			}
		}
		F[r] = f
	}
}

// avoidFactors fills F[r] with the probability that row r does not give
// event e: 1 - row[e].
func (h *hmm) avoidFactors(e int, F []float64) {
	for r, row := range h.em.Rows {
		F[r] = 1 - row[e]
	}
}

// weigh writes into g the probability, at each node, of what is seen at
// the step (F per row; state the node's state must be, or -1).
func (h *hmm) weigh(F []float64, state int32, g []float64) {
	for x := range g {
		if state >= 0 && h.state[x] != state {
			g[x] = 0
			continue
		}
		if !h.joint || h.term[x] {
			g[x] = F[h.rowOf[x]]
			continue
		}
		s := 0.0
		for k := h.outOff[x]; k < h.outOff[x+1]; k++ {
			s += h.outP[k] * F[h.outRow[k]]
		}
		g[x] = s
	}
}

// move writes into next the joint probability of what is seen at the step
// (F, state; F nil: nothing) and of each node at the next step, from alpha
// at this one. Nodes with absorb set stay where they are (first-entry
// questions); terminal nodes always do.
func (h *hmm) move(alpha, F []float64, state int32, absorb []bool, next []float64) {
	clear(next)
	c := h.ch
	for x, a := range alpha {
		if a == 0 {
			continue
		}
		if state >= 0 && h.state[x] != state {
			continue
		}
		if h.term[x] || (absorb != nil && absorb[x]) {
			if F != nil && !h.term[x] && h.joint {
				// An absorbing non-terminal node still has its step's
				// observation weighed (first-entry questions ask none).
				s := 0.0
				for k := h.outOff[x]; k < h.outOff[x+1]; k++ {
					s += h.outP[k] * F[h.outRow[k]]
				}
				next[x] += a * s
				continue
			}
			if F != nil {
				a *= F[h.rowOf[x]]
			}
			next[x] += a
			continue
		}
		if h.joint && F != nil {
			for k := h.outOff[x]; k < h.outOff[x+1]; k++ {
				next[h.outY[k]] += a * h.outP[k] * F[h.outRow[k]]
			}
			continue
		}
		if F != nil {
			a *= F[h.rowOf[x]]
		}
		for i := c.RowPtr[x]; i < c.RowPtr[x+1]; i++ {
			next[c.Col[i]] += a * c.P[i]
		}
	}
}

// filter is the result of a forward pass.
type filter struct {
	// LogL is the natural log of the probability of the record (-Inf when
	// the record is impossible under the model).
	LogL float64
	// Impossible is the first step at which the record had probability 0,
	// or -1.
	Impossible int
	// Now is the distribution over nodes at step now given the record
	// (filtered); Next the distribution at step now+1 given the record.
	// Both nil unless asked for.
	Now, Next []float64
}

// forward runs the scaled forward algorithm over the record d up to step
// now (>= d.Last; steps after d.Last are unobserved). With keep it also
// returns the filtered distribution at now and the predictive one at now+1.
func (h *hmm) forward(d *Data, now int, keep bool) filter {
	n := h.numNodes()
	alpha := make([]float64, n)
	next := make([]float64, n)
	alpha[h.ch.Init] = 1
	// Per call, not per hmm: one hmm is filtered from several goroutines
	// at once (the simulated records of a retrodiction share it).
	F := make([]float64, len(h.em.Rows))
	var g []float64
	res := filter{Impossible: -1}
	for t := 0; t <= now; t++ {
		o := d.at(t)
		last := t == now
		if o == nil {
			if last && keep {
				res.Now = append([]float64(nil), alpha...)
			}
			if !last || keep {
				h.move(alpha, nil, -1, nil, next)
				alpha, next = next, alpha
			}
			continue
		}
		h.factors(o, F)
		// c_t = P(what is seen at t | the record before t).
		if g == nil {
			g = make([]float64, n)
		}
		h.weigh(F, o.state, g)
		c := 0.0
		for x, a := range alpha {
			c += a * g[x]
		}
		if !(c > 0) {
			res.LogL, res.Impossible = math.Inf(-1), t
			return res
		}
		res.LogL += math.Log(c)
		if last && keep {
			res.Now = make([]float64, n)
			for x, a := range alpha {
				res.Now[x] = a * g[x] / c
			}
		}
		if !last || keep {
			h.move(alpha, F, o.state, nil, next)
			inv := 1 / c
			for x := range next {
				next[x] *= inv
			}
			alpha, next = next, alpha
		}
	}
	if keep {
		res.Next = alpha
	}
	return res
}

// advance returns the distribution k steps after dist, nothing observed.
func (h *hmm) advance(dist []float64, k int) []float64 {
	cur := append([]float64(nil), dist...)
	next := make([]float64, len(dist))
	for i := 0; i < k; i++ {
		h.move(cur, nil, -1, nil, next)
		cur, next = next, cur
	}
	return cur
}

// reachWithin is the probability that the process is in state s at some
// step of the k steps starting with the one dist describes (k >= 1).
func (h *hmm) reachWithin(dist []float64, s int, k int) float64 {
	absorb := make([]bool, len(dist))
	for x := range absorb {
		absorb[x] = int(h.state[x]) == s
	}
	cur := append([]float64(nil), dist...)
	next := make([]float64, len(dist))
	for i := 1; i < k; i++ {
		h.move(cur, nil, -1, absorb, next)
		cur, next = next, cur
	}
	p := 0.0
	for x, a := range cur {
		if absorb[x] {
			p += a
		}
	}
	return p
}

// eventWithin is the probability that event e is seen at least once in the
// k steps starting with the one dist describes (k >= 1).
func (h *hmm) eventWithin(dist []float64, e int, k int) float64 {
	F := make([]float64, len(h.em.Rows))
	h.avoidFactors(e, F)
	cur := append([]float64(nil), dist...)
	next := make([]float64, len(dist))
	for i := 1; i < k; i++ {
		h.move(cur, F, -1, nil, next)
		cur, next = next, cur
	}
	g := make([]float64, len(dist))
	h.weigh(F, -1, g)
	none := 0.0
	for x, a := range cur {
		none += a * g[x]
	}
	return 1 - none
}

// byState sums a distribution over nodes into one over states.
func (h *hmm) byState(dist []float64, nS int) []float64 {
	out := make([]float64, nS)
	for x, a := range dist {
		out[h.state[x]] += a
	}
	return out
}
