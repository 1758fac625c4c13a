package main

import (
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/internal/progress"
	"github.com/truce-dev/truce/scenario"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/internal/shard"
)

// The part of `truce solve --shard` holds each draw's report and the
// credibility the summary across draws folds, as shard.BinPayload: it
// keeps every float and type exactly.

type solveDrawRecord struct {
	Draw    solveDraw
	Threats []solveThreatsRecord
}

type solveThreatsRecord struct {
	Profile string
	Threats []equilibrium.Threat
}

func encodeSolveDraws(draws []solveDraw) (shard.BinPayload, error) {
	recs := make([]solveDrawRecord, len(draws))
	for i, sd := range draws {
		recs[i].Draw = sd
		for _, pt := range sd.threats {
			recs[i].Threats = append(recs[i].Threats, solveThreatsRecord{pt.profile, pt.threats})
		}
	}
	return shard.NewBin(recs)
}

func decodeSolveDraws(p *shard.Part) ([]solveDraw, error) {
	var recs []solveDrawRecord
	if err := p.DecodeBin(&recs); err != nil {
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

// Without --draws, solve shards over the starts of its one draw's
// equilibrium set (equilibrium.SetUnits: unit 0 the selection and the
// enumeration, unit i start i). The part holds those units' results as
// shard.BinPayload; the merge folds them with equilibrium.MergeSet and then does what
// the whole run does after the search (endings, credibility), once.

// solveStartsRecord is the payload of a part over starts.
type solveStartsRecord struct {
	// BuildError: the central draw's game could not be built (the merge
	// builds it again and reports it as the whole run does).
	BuildError string
	Set        *equilibrium.SetPart
}

// solveStartsShard computes the job's block of starts of the central draw
// and writes the part.
func solveStartsShard(cmd *cobra.Command, job *shardJob, sc *scenario.Scenario, opt solveOptions) error {
	var rec solveStartsRecord
	g, _, err := sc.Build(sc.Central())
	if err != nil {
		rec.BuildError = err.Error()
	} else {
		lo, hi := job.Range()
		set := opt.setOptions()
		bar := progress.New(cmd.ErrOrStderr(), int64(hi-max(lo, 1)), "starts") // unit 0 is the selection
		var done atomic.Int64
		set.Progress = func(status string) {
			if strings.HasSuffix(status, " starts done") { // not the selection's own reports
				bar.Set(done.Add(1))
			}
		}
		rec.Set, err = equilibrium.SolveSetPart(cmd.Context(), g, set, lo, hi)
		bar.Finish()
		if err != nil {
			return &exitError{1, fmt.Sprintf("truce solve: shard %s: %v", job.header.Shard, err)}
		}
	}
	payload, err := shard.NewBin(rec)
	if err != nil {
		return &exitError{1, fmt.Sprintf("truce solve: %v", err)}
	}
	return job.finish(cmd, payload)
}

// decodeSetParts reads the parts over starts, in shard order.
func decodeSetParts(parts []*shard.Part) ([]*equilibrium.SetPart, error) {
	var out []*equilibrium.SetPart
	for _, p := range parts {
		var rec solveStartsRecord
		if err := p.DecodeBin(&rec); err != nil {
			return nil, err
		}
		if rec.BuildError != "" {
			continue // the merge fails to build the draw too, and says why
		}
		if rec.Set == nil || rec.Set.Lo != p.Lo || rec.Set.Hi != p.Hi {
			return nil, fmt.Errorf("%s: does not hold the starts [%d, %d) its header names", p.Path, p.Lo, p.Hi)
		}
		out = append(out, rec.Set)
	}
	return out, nil
}
