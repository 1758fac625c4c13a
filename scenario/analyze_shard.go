package scenario

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/truce-dev/truce/internal/shard"
	"github.com/truce-dev/truce/markov"
)

// A sharded analysis computes a block of draws in one process (AnalyzePart)
// and folds every block, in draw order, in another (AnalyzeMerge). A block
// holds each draw's figures exactly as Analyze folds them, so the merged
// report is Analyze's to the last bit, whatever the number of shards.

// AnalyzeRecords are the exact per-draw figures of draws [Lo, Hi), the
// payload of a partial result of `truce analyze --shard`. Its size grows
// with draws × profiles × (states + the reach curves asked for).
type AnalyzeRecords struct {
	Lo    int          `json:"lo"`
	Hi    int          `json:"hi"`
	Draws []drawRecord `json:"draws"`
}

type drawRecord struct {
	Err    string       `json:"error,omitempty"`
	Params shard.Floats `json:"params,omitempty"`
	Quant  shard.Floats `json:"quant,omitempty"`
	Holds  string       `json:"holds,omitempty"` // per hypothesis 0 or 1, or - when not evaluated on the draw (its draws:)
	Prof   []figRecord  `json:"profiles,omitempty"`
}

type figRecord struct {
	Absorb    shard.Floats            `json:"absorb"`
	Time      shard.Floats            `json:"time"`
	AtHorizon shard.Floats            `json:"at_horizon"`
	Never     shard.Floats            `json:"never"` // one number (JSON numbers cannot hold NaN)
	Reach     map[string]shard.Floats `json:"reach,omitempty"`
	Value     shard.Floats            `json:"value"` // actor-major, nA × nC
	Total     shard.Floats            `json:"total"`
	From      *fromRecord             `json:"from,omitempty"`
	LongRun   *longRunRecord          `json:"long_run,omitempty"`
}

// fromRecord keeps of markov.From what Analyze reports: per target state
// and start, absorption, reach at the horizon and first-entry time; per
// start and actor, the total value.
type fromRecord struct {
	Targets []int        `json:"targets"`
	Absorb  shard.Floats `json:"absorb"` // target-major, len(Targets) × nS
	Reach   shard.Floats `json:"reach"`
	Time    shard.Floats `json:"time"`
	Total   shard.Floats `json:"total"` // start-major, nS × nA
}

type longRunRecord struct {
	Share   shard.Floats  `json:"share"`
	Classes []classRecord `json:"classes"`
}

type classRecord struct {
	States     []int        `json:"states"`
	Terminal   bool         `json:"terminal,omitempty"`
	Prob       shard.Floats `json:"prob"`
	Stationary shard.Floats `json:"stationary"`
	Recurrence shard.Floats `json:"recurrence"`
	Period     int          `json:"period"`
}

// AnalyzePart analyses draws [lo, hi) of the run Analyze(sc, opt) would
// make and returns their records. A draw that cannot be analysed is
// recorded with its error (and counted by the merge), unless opt.Strict;
// a time limit, an interrupt or the memory budget fails the part.
func AnalyzePart(ctx context.Context, sc *Scenario, opt AnalyzeOptions, lo, hi int) (*AnalyzeRecords, error) {
	run, err := newAnalysisRun(ctx, sc, opt)
	if err != nil {
		return nil, err
	}
	if lo < 0 || hi > run.opt.Draws || lo > hi {
		return nil, fmt.Errorf("draws [%d, %d) outside the run's %d draws", lo, hi, run.opt.Draws)
	}
	recs := &AnalyzeRecords{Lo: lo, Hi: hi, Draws: make([]drawRecord, 0, hi-lo)}
	err = run.compute(ctx, lo, hi, func(i int, d *drawResult) error {
		recs.Draws = append(recs.Draws, run.encodeDraw(i, d))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return recs, nil
}

// AnalyzeMerge folds the records of every draw of the run Analyze(sc, opt)
// would make, given as blocks in draw order, into the report Analyze
// returns. It checks that the blocks cover the draws exactly once and fit
// the scenario.
func AnalyzeMerge(ctx context.Context, sc *Scenario, opt AnalyzeOptions, parts []*AnalyzeRecords) (*AnalysisReport, error) {
	run, err := newAnalysisRun(ctx, sc, opt)
	if err != nil {
		return nil, err
	}
	next := 0
	for _, p := range parts {
		if p.Lo != next || p.Hi < p.Lo || len(p.Draws) != p.Hi-p.Lo {
			return nil, fmt.Errorf("merge: a block holds draws [%d, %d) with %d records where draw %d comes next", p.Lo, p.Hi, len(p.Draws), next)
		}
		for k := range p.Draws {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			i := p.Lo + k
			d, err := run.decodeDraw(i, &p.Draws[k])
			if err != nil {
				return nil, fmt.Errorf("merge: draw %d: %w", i, err)
			}
			if err := run.fold(i, d); err != nil {
				return nil, err
			}
		}
		next = p.Hi
		if run.opt.Progress != nil {
			run.opt.Progress(next, run.opt.Draws)
		}
	}
	if next != run.opt.Draws {
		return nil, fmt.Errorf("merge: the blocks end at draw %d of %d", next, run.opt.Draws)
	}
	return run.finish(ctx)
}

func (r *analysisRun) encodeDraw(i int, d *drawResult) drawRecord {
	if d.err != nil {
		return drawRecord{Err: d.err.Error()}
	}
	rec := drawRecord{Params: d.params, Quant: d.quant, Prof: make([]figRecord, len(d.prof))}
	holds := make([]byte, len(d.holds))
	for h, ok := range d.holds {
		switch {
		case !r.sc.Hypotheses[h].EvaluatedOn(i):
			holds[h] = '-'
		case ok:
			holds[h] = '1'
		default:
			holds[h] = '0'
		}
	}
	rec.Holds = string(holds)
	for k, f := range d.prof {
		fr := figRecord{Absorb: f.absorb, Time: f.time, AtHorizon: f.atHorizon, Never: shard.Floats{f.never}, Total: f.total}
		for _, row := range f.value {
			fr.Value = append(fr.Value, row...)
		}
		for s, curve := range f.reach {
			if curve != nil {
				if fr.Reach == nil {
					fr.Reach = map[string]shard.Floats{}
				}
				fr.Reach[strconv.Itoa(s)] = curve
			}
		}
		if f.an != nil && f.an.From != nil {
			fr.From = encodeFrom(f.an.From)
		}
		if f.an != nil && f.an.LongRun != nil {
			lr := &longRunRecord{Share: f.an.LongRun.Share}
			for _, c := range f.an.LongRun.Classes {
				lr.Classes = append(lr.Classes, classRecord{States: c.States, Terminal: c.Terminal, Prob: shard.Floats{c.Prob},
					Stationary: c.Stationary, Recurrence: c.Recurrence, Period: c.Period})
			}
			fr.LongRun = lr
		}
		rec.Prof[k] = fr
	}
	return rec
}

func encodeFrom(f *markov.From) *fromRecord {
	r := &fromRecord{Targets: f.Targets}
	for _, t := range f.Targets {
		r.Absorb = append(r.Absorb, f.Absorb[t]...)
		r.Time = append(r.Time, f.Time[t]...)
		for _, curve := range f.Reach[t] {
			r.Reach = append(r.Reach, curve[len(curve)-1])
		}
	}
	for _, row := range f.Total {
		r.Total = append(r.Total, row...)
	}
	return r
}

// decodeDraw is encodeDraw's inverse, checking every size against the
// scenario so that a damaged or foreign record is refused, not misread.
func (r *analysisRun) decodeDraw(i int, rec *drawRecord) (*drawResult, error) {
	if rec.Err != "" {
		return &drawResult{err: errors.New(rec.Err)}, nil
	}
	sc, nS, nA, nC, H := r.sc, r.nS, r.nA, r.nC, r.H
	if len(rec.Params) != len(sc.Parameters) || len(rec.Quant) != len(sc.quantities) || len(rec.Holds) != len(sc.Hypotheses) || len(rec.Prof) != len(r.needed) {
		return nil, errors.New("the record does not fit the scenario (parameters, quantities, hypotheses or profiles differ)")
	}
	d := &drawResult{params: rec.Params, quant: rec.Quant, holds: make([]bool, len(rec.Holds))}
	for h := range rec.Holds {
		evaluated := sc.Hypotheses[h].EvaluatedOn(i)
		switch c := rec.Holds[h]; {
		case (c == '-') == evaluated:
			if evaluated {
				return nil, fmt.Errorf("hypothesis %s: not evaluated in the record, but evaluated on this draw (was the partial made with other hypothesis draws?)", sc.Hypotheses[h].ID)
			}
			return nil, fmt.Errorf("hypothesis %s: evaluated in the record, but not on this draw (its draws: %d; was the partial made with other hypothesis draws?)", sc.Hypotheses[h].ID, sc.Hypotheses[h].Draws)
		case c == '1':
			d.holds[h] = true
		case c == '0' || c == '-':
		default:
			return nil, fmt.Errorf("hypothesis verdicts %q: want 0s, 1s and -s", rec.Holds)
		}
	}
	for _, fr := range rec.Prof {
		if len(fr.Absorb) != nS || len(fr.Time) != nS || len(fr.AtHorizon) != nS || len(fr.Never) != 1 || len(fr.Value) != nA*nC || len(fr.Total) != nA {
			return nil, errors.New("a profile's figures do not fit the scenario's states, actors or components")
		}
		f := &figures{absorb: fr.Absorb, time: fr.Time, atHorizon: fr.AtHorizon, never: fr.Never[0], total: fr.Total,
			reach: make([][]float64, nS), value: make([][]float64, nA)}
		for x := range f.value {
			f.value[x] = fr.Value[x*nC : (x+1)*nC]
		}
		for key, curve := range fr.Reach {
			s, err := strconv.Atoi(key)
			if err != nil || s < 0 || s >= nS || len(curve) != H+1 {
				return nil, fmt.Errorf("reach curve %q does not fit the scenario", key)
			}
			f.reach[s] = curve
		}
		an := &markov.Analysis{}
		if fr.From != nil {
			from, err := decodeFrom(fr.From, nS, nA)
			if err != nil {
				return nil, err
			}
			an.From = from
		}
		if fr.LongRun != nil {
			if len(fr.LongRun.Share) != nS {
				return nil, errors.New("long-run shares do not fit the scenario's states")
			}
			lr := &markov.LongRun{Share: fr.LongRun.Share}
			for _, c := range fr.LongRun.Classes {
				if len(c.Prob) != 1 || len(c.Stationary) != nS || len(c.Recurrence) != nS {
					return nil, errors.New("a recurrent class does not fit the scenario's states")
				}
				for _, s := range c.States {
					if s < 0 || s >= nS {
						return nil, errors.New("a recurrent class names a state outside the scenario")
					}
				}
				lr.Classes = append(lr.Classes, markov.RecurrentClass{States: c.States, Terminal: c.Terminal, Prob: c.Prob[0],
					Stationary: c.Stationary, Recurrence: c.Recurrence, Period: c.Period})
			}
			an.LongRun = lr
		}
		f.an = an
		d.prof = append(d.prof, f)
	}
	return d, nil
}

func decodeFrom(r *fromRecord, nS, nA int) (*markov.From, error) {
	k := len(r.Targets)
	if len(r.Absorb) != k*nS || len(r.Time) != k*nS || len(r.Reach) != k*nS || len(r.Total) != nS*nA {
		return nil, errors.New("figures from every start do not fit the scenario")
	}
	f := &markov.From{Targets: r.Targets, Absorb: make([][]float64, nS), Time: make([][]float64, nS),
		Reach: make([][][]float64, nS), Total: make([][]float64, nS)}
	for i, t := range r.Targets {
		if t < 0 || t >= nS {
			return nil, errors.New("figures from every start name a state outside the scenario")
		}
		f.Absorb[t] = r.Absorb[i*nS : (i+1)*nS]
		f.Time[t] = r.Time[i*nS : (i+1)*nS]
		f.Reach[t] = make([][]float64, nS)
		for s := 0; s < nS; s++ {
			f.Reach[t][s] = []float64{r.Reach[i*nS+s]}
		}
	}
	for s := 0; s < nS; s++ {
		f.Total[s] = r.Total[s*nA : (s+1)*nA]
	}
	return f, nil
}
