package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/internal/shard"
	"github.com/truce-dev/truce/sensitivity"
)

// oatRun runs the one-at-a-time analysis whole, as one shard of its swept
// parameters (writing the part; the result is then nil), or as the merge
// of the parts. A unit is one swept parameter: its sweep and the
// bisections of its break-evens.
func oatRun(cmd *cobra.Command, sf shardFlags, file string, src []byte, seed uint64, ev sensitivity.Evaluator, opt sensitivity.Options) (*sensitivity.Result, error) {
	fail := func(err error) error { return &exitError{1, fmt.Sprintf("truce sensitivity: %v", err)} }
	swept, err := sensitivity.Swept(ev, opt)
	if err != nil {
		return nil, fail(err)
	}
	job, err := startShard(cmd, "sensitivity", sf, file, src, seed, len(swept))
	if err != nil {
		return nil, err
	}
	ctx := cmd.Context()
	switch {
	case job.skip:
		job.skipped(cmd)
		return nil, nil
	case job.sharding:
		lo, hi := job.Range()
		part, err := sensitivity.RunSwept(ctx, ev, opt, lo, hi)
		if err != nil {
			return nil, fail(fmt.Errorf("shard %s: %w", job.header.Shard, err))
		}
		// BinPayload keeps every float exactly, NaN included (an output
		// undefined at a point).
		payload, err := shard.NewBin(part)
		if err != nil {
			return nil, fail(err)
		}
		return nil, job.finish(cmd, payload)
	case job.merging():
		var parts []*sensitivity.Partial
		for _, p := range job.parts {
			var part sensitivity.Partial
			if err := p.DecodeBin(&part); err != nil {
				return nil, &exitError{1, fmt.Sprintf("truce merge: %v", err)}
			}
			if part.Lo != p.Lo || part.Hi != p.Hi {
				return nil, &exitError{1, fmt.Sprintf("truce merge: %s: holds parameters [%d, %d); its header says [%d, %d)", p.Path, part.Lo, part.Hi, p.Lo, p.Hi)}
			}
			parts = append(parts, &part)
		}
		res, err := sensitivity.Assemble(ctx, ev, opt, parts)
		if err != nil {
			return nil, fail(err)
		}
		return res, nil
	}
	res, err := sensitivity.Run(ctx, ev, opt)
	if err != nil {
		return nil, fail(err)
	}
	return res, nil
}
