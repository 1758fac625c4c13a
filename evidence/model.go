// Package evidence confronts a scenario with what was seen: it binds an
// observed record to the scenario's observation model, computes the record's
// likelihood under each parameter draw and profile with the forward
// algorithm, and updates the prior draws into a posterior (importance
// weights, and a small sequential Monte Carlo when they collapse), with the
// filtered state ("where are we now") and what the posterior predicts.
package evidence

import (
	"context"
	"fmt"
	"math"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/scenario"
)

// drawModel is one parameter draw's hidden Markov models, one per
// candidate profile.
type drawModel struct {
	hmms []*hmm
}

// modeler builds the models of a draw for a fixed list of profiles.
type modeler struct {
	sc       *scenario.Scenario
	profiles []string
	mpe      equilibrium.Options
}

// build evaluates the scenario at values and returns the models. label
// names the draw in errors.
func (m *modeler) build(ctx context.Context, values []float64, label string) (*drawModel, error) {
	d := scenario.Draw{Index: -1, Values: values}
	g, profs, err := m.sc.Build(d)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	var em *scenario.Emission
	if m.sc.Observed() {
		em, err = m.sc.Emissions(d)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", label, err)
		}
	} else {
		em = stateEmission(g)
	}
	dm := &drawModel{hmms: make([]*hmm, len(m.profiles))}
	for i, name := range m.profiles {
		p, err := m.sc.ProfileFor(ctx, g, profs, name, m.mpe)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", label, err)
		}
		build := markov.BuildChain
		if em.ByJoint {
			build = markov.BuildChainOutcomes
		}
		ch, err := build(ctx, g, p)
		if err != nil {
			return nil, fmt.Errorf("%s, profile %q: %w", label, name, err)
		}
		dm.hmms[i] = newHMM(ch, em)
	}
	return dm, nil
}

// stateEmission is the observation model of a scenario without one: a
// single event class nothing ever names, seen with probability 1, so that
// only the states a record names carry information.
func stateEmission(g *markov.Game) *scenario.Emission {
	em := &scenario.Emission{Events: []string{""}, Rows: [][]float64{{1}}, Of: make([][]int, len(g.States))}
	for s := range g.States {
		n := 1
		if !g.States[s].Terminal {
			n = g.NumJoint(s)
		}
		em.Of[s] = make([]int, n)
	}
	return em
}

// logMeanExp is log((1/n) Σ exp(x_i)), computed without overflow; -Inf
// when every x_i is -Inf.
func logMeanExp(xs []float64) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = math.Max(m, x)
	}
	if math.IsInf(m, -1) {
		return m
	}
	s := 0.0
	for _, x := range xs {
		s += math.Exp(x - m)
	}
	return m + math.Log(s/float64(len(xs)))
}

// normalize turns log weights into weights summing to 1 (nil when every
// log weight is -Inf).
func normalize(logw []float64) []float64 {
	m := math.Inf(-1)
	for _, x := range logw {
		m = math.Max(m, x)
	}
	if math.IsInf(m, -1) {
		return nil
	}
	w := make([]float64, len(logw))
	s := 0.0
	for i, x := range logw {
		w[i] = math.Exp(x - m)
		s += w[i]
	}
	for i := range w {
		w[i] /= s
	}
	return w
}

// ess is the effective sample size of normalized weights, (Σw)²/Σw².
func ess(w []float64) float64 {
	s2 := 0.0
	for _, x := range w {
		s2 += x * x
	}
	if s2 == 0 {
		return 0
	}
	return 1 / s2
}
