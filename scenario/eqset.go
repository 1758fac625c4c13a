package scenario

import (
	"context"
	"fmt"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/markov"
)

// EquilibriumSet summarises the search for the equilibria of an
// equilibrium profile at central parameter values: how the one analysed is
// selected, how many others were found and how far apart they are.
type EquilibriumSet struct {
	Selection    string  `json:"selection"`
	Found        int     `json:"found"`
	Outcomes     int     `json:"outcomes"`
	Starts       int     `json:"starts"`
	Seed         uint64  `json:"seed"`
	Complete     bool    `json:"complete"`
	Completeness string  `json:"completeness"`
	Spread       float64 `json:"spread"`
	Summary      string  `json:"summary"`
	// Note is the selection's own note at central values: a fallback
	// auto took and why (a memory refusal with its alternative, a path
	// longer than auto's first share), so that it is not hidden.
	Note string `json:"note,omitempty"`
}

// addEquilibriumSets searches the equilibrium set at central values for
// every reported equilibrium profile. The draws themselves are solved with
// the selection rule only: searching the set on every draw would multiply
// the cost by the number of starts.
func (sc *Scenario) addEquilibriumSets(ctx context.Context, r *AnalysisReport, opt AnalyzeOptions) error {
	var g *markov.Game
	// Every equilibrium profile solves with opt.MPE, so they share one set.
	var set *equilibrium.Set
	for _, name := range r.ProfileOrder {
		pr := r.Profiles[name]
		if pr.Solve == "" {
			continue
		}
		if g == nil {
			var err error
			if g, _, err = sc.Build(sc.Central()); err != nil {
				return fmt.Errorf("central parameter values: %w", err)
			}
		}
		if set == nil {
			var err error
			if set, err = equilibrium.SolveAll(ctx, g, equilibrium.SetOptions{Options: opt.MPE, Starts: opt.EquilibriumStarts,
				Seed: opt.Seed, Workers: opt.Workers}); err != nil {
				return fmt.Errorf("profile %q: equilibrium set at central values: %w", name, err)
			}
		}
		sel := equilibrium.Selection
		if m := opt.MPE.Method; m != "" && m != "auto" {
			sel = "the one method " + m + " finds"
		}
		pr.EquilibriumSet = &EquilibriumSet{Selection: sel, Found: len(set.Equilibria), Outcomes: set.Outcomes,
			Starts: set.Starts, Seed: opt.Seed, Complete: set.Complete, Completeness: set.Completeness, Spread: set.Spread,
			Summary: fmt.Sprintf("at central values: %s (seed %d)", set.Describe(g), opt.Seed)}
		if set.Selection != nil && set.Selection.Reason != "" {
			pr.EquilibriumSet.Note = "at central values, " + set.Selection.Method + ": " + set.Selection.Reason
		}
	}
	return nil
}
