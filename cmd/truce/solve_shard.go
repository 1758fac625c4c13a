package main

import (
	"fmt"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/internal/shard"
)

// The part of `truce solve --shard` holds each draw's report and the
// credibility the summary across draws folds, as gob (shard.GobPayload):
// it keeps every float and type exactly.

type solveDrawRecord struct {
	Draw    solveDraw
	Threats []solveThreatsRecord
}

type solveThreatsRecord struct {
	Profile string
	Threats []equilibrium.Threat
}

func encodeSolveDraws(draws []solveDraw) (shard.GobPayload, error) {
	recs := make([]solveDrawRecord, len(draws))
	for i, sd := range draws {
		recs[i].Draw = sd
		for _, pt := range sd.threats {
			recs[i].Threats = append(recs[i].Threats, solveThreatsRecord{pt.profile, pt.threats})
		}
	}
	return shard.NewGob(recs)
}

func decodeSolveDraws(p *shard.Part) ([]solveDraw, error) {
	var recs []solveDrawRecord
	if err := p.DecodeGob(&recs); err != nil {
		return nil, err
	}
	if len(recs) != p.Hi-p.Lo {
		return nil, fmt.Errorf("%s: holds %d draws for [%d, %d)", p.Path, len(recs), p.Lo, p.Hi)
	}
	out := make([]solveDraw, len(recs))
	for i, r := range recs {
		out[i] = r.Draw
		for _, t := range r.Threats {
			out[i].threats = append(out[i].threats, profileThreats{t.Profile, t.Threats})
		}
	}
	return out, nil
}
