package main

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"fmt"

	"github.com/truce-dev/truce/equilibrium"
)

// The part of `truce solve --shard` holds each draw's report and the
// credibility the summary across draws folds. gob, not JSON, because it
// keeps every float64 exactly (NaN and infinities too) and the types as
// they are; the part's header stays JSON.

type solveDrawsPart struct {
	Lo  int    `json:"lo"`
	Hi  int    `json:"hi"`
	Gob []byte `json:"gob"` // gob of []solveDrawRecord
}

type solveDrawRecord struct {
	Draw    solveDraw
	Threats []solveThreatsRecord
}

type solveThreatsRecord struct {
	Profile string
	Threats []equilibrium.Threat
}

func encodeSolveDraws(draws []solveDraw, lo, hi int) (solveDrawsPart, error) {
	recs := make([]solveDrawRecord, len(draws))
	for i, sd := range draws {
		recs[i].Draw = sd
		for _, pt := range sd.threats {
			recs[i].Threats = append(recs[i].Threats, solveThreatsRecord{pt.profile, pt.threats})
		}
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(recs); err != nil {
		return solveDrawsPart{}, fmt.Errorf("encoding the draws: %w", err)
	}
	return solveDrawsPart{Lo: lo, Hi: hi, Gob: b.Bytes()}, nil
}

func decodeSolveDraws(payload []byte, lo, hi int) ([]solveDraw, error) {
	var p solveDrawsPart
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil, fmt.Errorf("the solved draws cannot be read: %w", err)
	}
	var recs []solveDrawRecord
	if err := gob.NewDecoder(bytes.NewReader(p.Gob)).Decode(&recs); err != nil {
		return nil, fmt.Errorf("the solved draws cannot be read: %w", err)
	}
	if p.Lo != lo || p.Hi != hi || len(recs) != hi-lo {
		return nil, fmt.Errorf("holds %d draws for [%d, %d); its header says [%d, %d)", len(recs), p.Lo, p.Hi, lo, hi)
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
