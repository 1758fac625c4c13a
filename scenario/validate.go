package scenario

import (
	"errors"
	"fmt"
)

// checkSamples is how many sampled draws validation evaluates besides the
// central draw and the parameters' bounds.
const checkSamples = 200

// checkSeed seeds the sampled validation draws; "draw i" in a message is
// draw i of `truce analyze` with its default seed.
const checkSeed = DefaultSeed

// checkDraws evaluates every probability, weight and payoff on the central
// draw, on each parameter's bounds (alone and all together) and on sampled
// draws, reporting the first failing draw of each rule with the values of
// the parameters it reads.
func (c *compiler) checkDraws() {
	sc := c.sc
	reported := map[Pos]bool{}
	for _, d := range sc.checkDrawList() {
		env, err := sc.env(d)
		if err != nil {
			var de *drawError
			if errors.As(err, &de) && !reported[de.pos] {
				reported[de.pos] = true
				c.d.errorf(de.pos, "a derived parameter must be a finite number for every value of the parameters it reads", "%s", de.msg)
			}
			continue
		}
		errs := sc.checkDraw(env, d)
		if len(c.partialDists) > 0 {
			for _, pd := range c.partialDists {
				if _, err := sc.playValues(pd, env, d); err != nil {
					var de *drawError
					if errors.As(err, &de) {
						errs = append(errs, de)
					}
				}
			}
		}
		for _, de := range errs {
			if reported[de.pos] {
				continue
			}
			reported[de.pos] = true
			hint := de.hint
			if hint == "" {
				hint = "probabilities must lie in [0, 1]; a rule's must not sum above 1 and a strategy's must sum to 1 for every parameter value"
			}
			c.d.errorf(de.pos, hint, "%s", de.msg)
		}
	}
}

func (sc *Scenario) checkDrawList() []Draw {
	central := sc.Central()
	out := []Draw{central}
	lo, hi := sc.Central(), sc.Central()
	lo.label, hi.label = "the draw with every parameter at its lower bound", "the draw with every parameter at its upper bound"
	var each []Draw
	for i, p := range sc.Parameters {
		if p.Dist.Kind == "fixed" {
			continue
		}
		l, h := p.Dist.Bounds()
		lo.Values[i], hi.Values[i] = l, h
		dl, dh := sc.Central(), sc.Central()
		dl.Values[i], dh.Values[i] = l, h
		dl.label = fmt.Sprintf("the draw with %s at its lower bound", p.Name)
		dh.label = fmt.Sprintf("the draw with %s at its upper bound", p.Name)
		each = append(each, dl, dh)
	}
	if len(each) > 0 {
		out = append(out, each...)
		out = append(out, lo, hi)
		for i := 0; i < checkSamples; i++ {
			out = append(out, sc.DrawAt(checkSeed, i))
		}
	}
	return out
}

// checkDraw collects every problem of one draw (not just the first).
func (sc *Scenario) checkDraw(env map[string]any, d Draw) []*drawError {
	var out []*drawError
	add := func(err error) {
		var de *drawError
		if errors.As(err, &de) {
			out = append(out, de)
		}
	}
	for a := range sc.Actors {
		if sc.Actors[a].disc != nil {
			_, _, err := sc.actorNumbers(a, env, d)
			add(err)
		}
	}
	for _, r := range sc.trans {
		xs := make([]*expression, len(r.to))
		for i, t := range r.to {
			xs[i] = t.p
		}
		_, err := sc.probs(xs, env, d, r.pos, "transition rule", false)
		add(err)
	}
	for _, r := range sc.pays {
		for _, pe := range r.pays {
			_, err := sc.evalExpr(pe.v, env, d)
			add(err)
		}
	}
	out = append(out, sc.checkObsDraw(env, d)...)
	for a := range sc.Strategies {
		for si := range sc.Strategies[a] {
			def := &sc.Strategies[a][si]
			var pds []*playDist
			if def.star != nil {
				pds = append(pds, def.star)
			}
			for _, pd := range def.base {
				if pd != nil {
					pds = append(pds, pd)
				}
			}
			for _, r := range def.rules {
				pds = append(pds, r.play)
			}
			for _, pd := range pds {
				_, err := sc.playValues(pd, env, d)
				add(err)
			}
		}
	}
	return out
}

// checkGraph warns about states that no sequence of actions reaches from the
// initial state, and non-terminal states that nothing ever leaves, judged on
// the central draw and the sampled check draws (whatever the strategies).
func (c *compiler) checkGraph() {
	sc := c.sc
	nS := len(sc.States)
	leaves := make([]bool, nS)
	edges := make([]map[int]bool, nS)
	for s := range edges {
		edges[s] = map[int]bool{}
	}
	draws := sc.checkDrawList()
	if len(draws) > 21 {
		draws = draws[:21]
	}
	for _, d := range draws {
		env, err := sc.env(d)
		if err != nil {
			continue
		}
		g, err := sc.buildGame(env, d)
		if err != nil {
			continue
		}
		for s := range g.Trans {
			for _, nexts := range g.Trans[s] {
				for _, nx := range nexts {
					if nx.P > 0 {
						edges[s][nx.State] = true
						if nx.State != s {
							leaves[s] = true
						}
					}
				}
			}
		}
	}
	seen := make([]bool, nS)
	seen[sc.Initial] = true
	queue := []int{sc.Initial}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for t := 0; t < nS; t++ {
			if edges[s][t] && !seen[t] {
				seen[t] = true
				queue = append(queue, t)
			}
		}
	}
	for s, st := range sc.States {
		if !seen[s] {
			c.d.warnf(st.Pos, "add a transition into it, or remove it", "state %q cannot be reached from the initial state %q", st.ID, sc.States[sc.Initial].ID)
		}
		if !st.Terminal && !leaves[s] {
			c.d.warnf(st.Pos, "mark it `terminal: true`, or add a transition out of it", "state %q can never be left but is not terminal", st.ID)
		}
	}
}
