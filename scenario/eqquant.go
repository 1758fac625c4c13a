package scenario

import (
	"fmt"
	"math"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/markov"
)

// Hypotheses about the whole equilibrium set (docs/scenario.md): on each
// draw the set of a `solve: markov-perfect` profile is searched as `truce
// solve --all` searches it (the selection, random starts, enumeration
// where feasible), every equilibrium found is analysed exactly, and
//
//	equilibria("profile")                       the number of distinct equilibria found
//	min_value("US", "profile"[, "component"])   the smallest value of US over them ("in every equilibrium ... >")
//	max_value("US", "profile"[, "component"])   the largest ("in some equilibrium ... >")
//	min_absorb("war", "profile"), max_absorb    the same for the probability of ever entering a state
//	min_reach("war", 52, "profile"), max_reach  and of entering it by a step
//
// so "in every equilibrium the US does better than in the baseline" is
// min_value("US", "equilibrium") > value("US", "baseline"), and "some
// equilibrium ends in war more often than not" is max_absorb("war",
// "equilibrium") > 0.5.
//
// In a clocked scenario the set is that of equilibrium.SolveAll: the
// stationary equilibria found of the game from the clock on, each extended
// back over the clock by backward induction with the stage selection of
// the profile's own equilibrium (the stage equilibrium nearest the next
// step's play), so the selected equilibrium is one of them; each member is
// analysed with its play before the clock.

// setStartsPerDraw is the random starts of the search on each draw, as
// `truce solve --draws` makes them.
const setStartsPerDraw = 4

// setStartSweeps caps the sweeps of the search's value-iteration starts on
// each draw (the logit paths keep their 20,000 steps). On draws 0–29 of
// the bundled US–Iran file (seed 1) every iteration start that converged
// did so within 3,050 sweeps, and the four that ran past 5,000 had not
// converged at 20,000 either: the cap finds the same equilibria there,
// at about 30% less CPU per draw.
const setStartSweeps = 5000

// setCertifyEvery: every that many sweeps of an iteration start, and at
// that many path steps times 1, 2, 4, ... of a logit start, the search on
// a draw tries whether the polish of the start's current point is
// certified, and ends the start there if it is
// (equilibrium.SetOptions.CertifyEvery). On draws 0–29 of the US–Iran
// scenario, clocked and not, the same equilibrium values are found as
// without it, with 27–41% fewer path steps and 45–82% fewer sweeps in the
// starts that converge (docs/solve.md).
const setCertifyEvery = 100

// drawSet is the equilibrium set of one profile on one draw, each member
// analysed.
type drawSet struct {
	an []*markov.Analysis
}

// eqSet searches and analyses the equilibrium set of profile pi on this
// draw, once. The search is seeded with DefaultSeed on every draw, so a
// draw's answer does not depend on the workers or on the other draws.
func (d *drawEval) eqSet(pi int) (*drawSet, error) {
	if s, ok := d.sets[pi]; ok {
		return s, nil
	}
	name := d.sc.Profiles[pi].Name
	// The set starts from the draw's selection, already solved for the
	// profile itself (SolveAll would solve it again, the same way).
	// Every equilibrium profile has the same set (they all solve with
	// d.opt.MPE): it is searched once per draw.
	if d.set == nil {
		sel, err := d.selection()
		if err != nil {
			return nil, fmt.Errorf("profile %q, equilibrium set: %w", name, err)
		}
		if d.set, err = equilibrium.SolveAll(d.ctx, d.g, equilibrium.SetOptions{Options: d.opt.MPE, Starts: setStartsPerDraw, StartSweeps: setStartSweeps,
			CertifyEvery: setCertifyEvery, Seed: DefaultSeed, Selection: sel}); err != nil {
			return nil, fmt.Errorf("profile %q, equilibrium set: %w", name, err)
		}
	}
	set := d.set
	if len(set.Equilibria) == 0 {
		return nil, fmt.Errorf("profile %q: no Markov-perfect equilibrium found in %d starts", name, set.Starts)
	}
	n := d.needs[pi]
	if n == nil {
		n = newNeeds(len(d.sc.States))
		d.sc.quantityNeeds(pi, n)
	}
	opt := n.options(d.sc.Horizon)
	s := &drawSet{}
	for i, m := range set.Equilibria {
		a, err := markov.AnalyzeWith(d.ctx, d.g, m.Profile(d.g), opt)
		if err != nil {
			return nil, fmt.Errorf("profile %q, equilibrium %d of the set: %w", name, i+1, err)
		}
		s.an = append(s.an, a)
	}
	if d.sets == nil {
		d.sets = map[int]*drawSet{}
	}
	d.sets[pi] = s
	return s, nil
}

// overSet reads f from every equilibrium of the call's profile and keeps
// the smallest (max false) or the largest (max true). A figure undefined in
// some equilibrium (NaN) makes the answer NaN: no claim holds of it.
func overSet(max bool, f func(q *quantity, a *markov.Analysis) float64) func(*quantity, *drawEval) (float64, error) {
	return func(q *quantity, d *drawEval) (float64, error) {
		s, err := d.eqSet(q.profile)
		if err != nil {
			return 0, err
		}
		best := f(q, s.an[0])
		for _, a := range s.an[1:] {
			v := f(q, a)
			switch {
			case math.IsNaN(v) || math.IsNaN(best):
				best = math.NaN()
			case max && v > best, !max && v < best:
				best = v
			}
		}
		return best, nil
	}
}

func readEquilibria(q *quantity, d *drawEval) (float64, error) {
	s, err := d.eqSet(q.profile)
	if err != nil {
		return 0, err
	}
	return float64(len(s.an)), nil
}

// checkSetProfile refuses the set functions on a profile of written
// strategies: there is no set to range over.
func checkSetProfile(c *compiler, q *quantity, at Pos) bool {
	pd := c.sc.Profiles[q.profile]
	if pd.Solve == "" {
		c.d.errorf(at, "name a profile written {solve: markov-perfect}; for written strategies use value, absorb or reach",
			"%s of profile %q, which is not an equilibrium profile", q.fn.name, pd.Name)
		return false
	}
	return true
}

func checkSetValue(c *compiler, q *quantity, at Pos) bool {
	return checkSetProfile(c, q, at) && checkDiscounted(c, q, at)
}

// readValue, readAbsorb and readReach read value, absorb and reach from one
// analysis, for a profile's own figure and for each member of a set.
func readValue(q *quantity, a *markov.Analysis) float64 {
	if q.comp >= 0 {
		return a.Value[q.actor][q.comp]
	}
	return a.Total[q.actor]
}

func readAbsorb(q *quantity, a *markov.Analysis) float64 { return a.Absorb[q.state] }

func readReach(q *quantity, a *markov.Analysis) float64 { return a.Reach[q.state][q.steps] }
