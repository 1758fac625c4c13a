package server

import (
	"context"
	"fmt"
	"math"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/scenario"
)

// solveResult is the JSON of a solve job: the Markov-perfect equilibrium of
// the scenario at its central parameter values, with its certificate, and
// the credibility of every threat in the file's own profiles.
type solveResult struct {
	Scenario    string             `json:"scenario"`
	Parameters  map[string]float64 `json:"parameters"`
	Equilibrium solveEquilibrium   `json:"equilibrium"`
	Credibility []solveThreat      `json:"credibility"`
}

type solveEquilibrium struct {
	// Play[actor][state][action] is the equilibrium probability.
	Play map[string]map[string]map[string]float64 `json:"play"`
	// Values[actor][state] is the actor's expected discounted utility from
	// the state on.
	Values           map[string]map[string]float64 `json:"values"`
	MaxDeviationGain float64                       `json:"max_deviation_gain"`
	Converged        bool                          `json:"converged"`
	Method           string                        `json:"method"`
	Iterations       int                           `json:"iterations"`
	Reason           string                        `json:"reason,omitempty"`
	// The equilibrium set searched around it (as in truce solve): the
	// selection rule, how many distinct equilibria and outcomes were
	// found, the largest difference of an actor's value from the start
	// between two of them, and a one-line summary.
	Selection string  `json:"selection"`
	Found     int     `json:"found"`
	Outcomes  int     `json:"outcomes"`
	Complete  bool    `json:"complete"`
	Spread    float64 `json:"spread"`
	Summary   string  `json:"summary"`
}

type solveThreat struct {
	Profile       string  `json:"profile"`
	Actor         string  `json:"actor"`
	State         string  `json:"state"`
	After         string  `json:"after,omitempty"`
	Play          string  `json:"play"`
	BestDeviation string  `json:"best_deviation"`
	Gain          float64 `json:"gain"`
	Margin        float64 `json:"margin"`
	Credible      bool    `json:"credible"`
}

func finite(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

// solve computes the equilibrium and the credibility table for sc.
func solve(ctx context.Context, sc *scenario.Scenario, progress func(done, total int)) (*solveResult, error) {
	d := sc.Central()
	g, profs, err := sc.Build(d)
	if err != nil {
		return nil, fmt.Errorf("building the game at central values: %w", err)
	}
	var named []string
	for _, p := range sc.Profiles {
		if _, ok := profs[p.Name]; ok && p.Solve == "" {
			named = append(named, p.Name)
		}
	}
	total := 1 + len(named)
	progress(0, total)
	set, err := equilibrium.SolveAll(ctx, g, equilibrium.SetOptions{Seed: scenario.DefaultSeed})
	if err != nil {
		return nil, fmt.Errorf("solving for a Markov-perfect equilibrium: %w", err)
	}
	res := set.Selection
	out := &solveResult{Scenario: sc.Name, Parameters: map[string]float64{}}
	for i, p := range sc.Parameters {
		out.Parameters[p.Name] = d.Values[i]
	}
	eq := solveEquilibrium{
		Play: map[string]map[string]map[string]float64{}, Values: map[string]map[string]float64{},
		MaxDeviationGain: finite(res.MaxDeviationGain), Converged: res.Converged, Method: res.Method,
		Iterations: res.Iterations, Reason: res.Reason,
		Selection: equilibrium.Selection, Found: len(set.Equilibria), Outcomes: set.Outcomes, Complete: set.Complete,
		Spread: finite(set.Spread), Summary: fmt.Sprintf("%s (seed %d)", set.Describe(g), scenario.DefaultSeed),
	}
	for a, actor := range g.Actors {
		eq.Play[actor.ID] = map[string]map[string]float64{}
		eq.Values[actor.ID] = map[string]float64{}
		for s, st := range g.States {
			if a < len(res.Values) && s < len(res.Values[a]) {
				eq.Values[actor.ID][st.ID] = finite(res.Values[a][s])
			}
			if st.Terminal || a >= len(res.Strategies) || s >= len(res.Strategies[a]) || res.Strategies[a][s] == nil {
				continue
			}
			play := map[string]float64{}
			for k, x := range g.Avail[s][a] {
				play[g.Actions[a][x]] = res.Strategies[a][s][k]
			}
			eq.Play[actor.ID][st.ID] = play
		}
	}
	out.Equilibrium = eq
	progress(1, total)
	out.Credibility = []solveThreat{}
	for i, name := range named {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("solve stopped: %w", err)
		}
		for _, t := range equilibrium.Credibility(g, profs[name]) {
			out.Credibility = append(out.Credibility, solveThreat{
				Profile: name, Actor: t.Actor, State: t.State, After: t.After, Play: t.PlayText,
				BestDeviation: t.BestDeviation, Gain: finite(t.Gain), Margin: finite(t.Margin), Credible: t.Credible,
			})
		}
		progress(2+i, total)
	}
	return out, nil
}
