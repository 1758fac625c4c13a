package main

import (
	"context"
	"fmt"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/report"
	"github.com/truce-dev/truce/scenario"
)

// reportLeverage computes the report's leverage section at central values:
// every actor's exact best response to every profile with fixed
// strategies (as truce respond), and in a two-actor scenario each actor's
// optimal commitment against the selected equilibrium sel (as truce
// commit; sel may be nil). What cannot be computed becomes a note.
func reportLeverage(ctx context.Context, sc *scenario.Scenario, g *markov.Game, profs map[string]markov.Profile, order []string, sel *equilibrium.Result, seed uint64) *report.Leverage {
	lv := &report.Leverage{Initial: sc.States[sc.Initial].ID}
	for _, name := range order {
		p, ok := profs[name]
		if !ok {
			continue
		}
		for a, act := range sc.Actors {
			r, err := equilibrium.BestResponse(ctx, g, p, a)
			if err != nil {
				lv.Notes = append(lv.Notes, fmt.Sprintf("Best response of %s to %s: %v", act.ID, name, err))
				continue
			}
			rep := respondReport(sc, g, r, name)
			row := report.LeverageResponse{Profile: name, Actor: rep.Actor, ProfileValue: solveClean(rep.ProfileValue),
				BestValue: solveClean(rep.Value), Gain: solveClean(rep.Gain), Residual: rep.BellmanResidual}
			for _, c := range rep.Changes {
				row.Changes = append(row.Changes, fmt.Sprintf("%s: %s → %s (loses %.3g there)", c.Node,
					playText(sc.Actions[a], c.Profile), playText(sc.Actions[a], c.Best), c.Loss))
			}
			lv.Responses = append(lv.Responses, row)
		}
	}
	if len(sc.Actors) != 2 {
		lv.Notes = append(lv.Notes, fmt.Sprintf("Optimal commitment is computed for two actors; this scenario has %d.", len(sc.Actors)))
		return lv
	}
	for l := range 2 {
		f := 1 - l
		c, err := equilibrium.Commit(ctx, g, l, f, equilibrium.CommitOptions{Seed: seed, Equilibrium: sel})
		if err != nil {
			lv.Notes = append(lv.Notes, fmt.Sprintf("Optimal commitment of %s: %v", sc.Actors[l].ID, err))
			continue
		}
		rep := commitReport(sc, g, c, seed)
		row := report.LeverageCommitment{Leader: rep.Leader, Follower: rep.Follower, LeaderValue: solveClean(rep.LeaderValue),
			FollowerValue: solveClean(rep.FollowerValue), Exact: rep.Exact, Method: rep.Method, Tried: rep.Tried}
		if rep.EquilibriumLeaderValue != nil {
			row.HasEquilibrium = true
			row.EquilibriumValue, row.ValueOfCommitment = solveClean(*rep.EquilibriumLeaderValue), solveClean(*rep.ValueOfCommitment)
		}
		for _, r := range commitRows(sc, rep, l) {
			row.Commitment = append(row.Commitment, r[0]+": "+r[1])
		}
		for _, r := range responseRows(sc, rep, f) {
			row.Response = append(row.Response, r[0]+": "+r[1])
		}
		lv.Commitments = append(lv.Commitments, row)
	}
	return lv
}
