package evidence

import (
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/truce-dev/truce/scenario"
)

// Retrodiction says how probable the model found the dated past: per
// profile, the record's probability and how surprising it is among records
// the model itself would produce.
type Retrodiction struct {
	Record RecordInfo `json:"record"`
	// Draws is 0 when only the central parameter values were used.
	Draws     int            `json:"draws"`
	Seed      uint64         `json:"seed"`
	Sims      int            `json:"sims"`
	WarnBelow float64        `json:"warn_below"`
	Profiles  []RetroProfile `json:"profiles"`
	Warnings  []string       `json:"warnings"`
}

// RetroProfile is the retrodiction under one profile.
type RetroProfile struct {
	Profile string `json:"profile"`
	// LogL is the natural log of the record's probability at the central
	// parameter values (null: impossible).
	LogL Number `json:"log_likelihood"`
	// LogEvidence averages the probability over the prior draws (absent
	// with Draws 0).
	LogEvidence *Number `json:"log_evidence,omitempty"`
	// Surprise is the share of records simulated from the model (at the
	// central values, or over the draws) that are at most as probable as
	// the recorded one, ties counted half: small means surprising.
	Surprise Number `json:"surprise"`
	// ImpossibleAt dates the first observation the model gives
	// probability 0 ("" when possible).
	ImpossibleAt string `json:"impossible_at,omitempty"`
}

// RetroOptions tunes Retrodict.
type RetroOptions struct {
	Profiles []string // default: every profile with given strategies
	Draws    int      // 0: the central parameter values only
	Seed     uint64
	Sims     int // records simulated per profile (0: 1000)
	Workers  int
}

// Retrodict computes the retrodiction of the record d under each profile.
// The simulated records have the record's shape: the same steps observed,
// as many events at each, a state where the record names one.
func Retrodict(ctx context.Context, sc *scenario.Scenario, d *Data, opt RetroOptions) (*Retrodiction, error) {
	names, err := candidates(sc, opt.Profiles)
	if err != nil {
		return nil, err
	}
	if opt.Sims <= 0 {
		opt.Sims = 1000
	}
	if !sc.Random() {
		opt.Draws = 0
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	r := &Retrodiction{Draws: opt.Draws, Seed: opt.Seed, Sims: opt.Sims, WarnBelow: warnShare(sc), Warnings: []string{}}
	r.Record = newResult(sc, d, &updater{opt: Options{}}, names).Record
	m := &modeler{sc: sc, profiles: names}
	u := &updater{sc: sc, data: d, now: max(d.Last, 0), m: m, workers: workers, opt: Options{Seed: opt.Seed}}
	central, err := m.build(ctx, sc.Central().Values, "the central draw")
	if err != nil {
		return nil, err
	}
	// The parameter vectors the simulations use: the central one, or the
	// prior draws in turn.
	var draws [][]float64
	var lls [][]float64 // per draw, per profile
	if opt.Draws > 0 {
		draws = make([][]float64, opt.Draws)
		lls = make([][]float64, opt.Draws)
		err := u.parallel(ctx, "likelihood of prior draws", opt.Draws, func(i int) error {
			p := &particle{vals: sc.DrawAt(opt.Seed, i).Values}
			dm, err := m.build(ctx, p.vals, fmt.Sprintf("draw %d", i))
			if err != nil {
				return err
			}
			draws[i] = p.vals
			lls[i] = make([]float64, len(names))
			for k, h := range dm.hmms {
				lls[i][k] = h.forward(d, u.now, false).LogL
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for k, name := range names {
		f := central.hmms[k].forward(d, u.now, false)
		rp := RetroProfile{Profile: name, LogL: Number(f.LogL)}
		if f.Impossible >= 0 {
			rp.ImpossibleAt = d.Date(f.Impossible)
		}
		if opt.Draws > 0 {
			col := make([]float64, opt.Draws)
			for i := range col {
				col[i] = lls[i][k]
			}
			ev := Number(logMeanExp(col))
			rp.LogEvidence = &ev
		}
		score := make([]float64, opt.Sims)
		err := u.parallel(ctx, "simulated records", opt.Sims, func(i int) error {
			rng := stream(opt.Seed, tagCheck, 100+k, i)
			h, obs := central.hmms[k], f.LogL
			if opt.Draws > 0 {
				j := i % opt.Draws
				dm, err := m.build(ctx, draws[j], fmt.Sprintf("draw %d", j))
				if err != nil {
					return err
				}
				h, obs = dm.hmms[k], lls[j][k]
			}
			buf := &Data{}
			h.simulate(d, u.now, rng, buf)
			sim := h.forward(buf, u.now, false).LogL
			switch {
			case math.Abs(sim-obs) <= 1e-9*math.Max(1, math.Abs(obs)):
				score[i] = 0.5
			case sim < obs || math.IsInf(obs, -1):
				score[i] = 1
			}
			if math.IsInf(obs, -1) {
				score[i] = 0
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		s := 0.0
		for _, x := range score {
			s += x
		}
		rp.Surprise = Number(s / float64(opt.Sims))
		r.Profiles = append(r.Profiles, rp)
		where := "at the central parameter values"
		if opt.Draws > 0 {
			where = fmt.Sprintf("over %d prior draws", opt.Draws)
		}
		switch {
		case rp.ImpossibleAt != "":
			r.Warnings = append(r.Warnings, fmt.Sprintf("profile %s: the model gives probability 0 to what was recorded at %s: the record contradicts this profile", name, rp.ImpossibleAt))
		case float64(rp.Surprise) < r.WarnBelow:
			r.Warnings = append(r.Warnings, fmt.Sprintf("profile %s: only %.1f%% of records simulated from the model %s are as improbable as the dated past (threshold %.0f%%): the model finds what happened surprising", name, 100*float64(rp.Surprise), where, 100*r.WarnBelow))
		}
	}
	return r, nil
}

// WriteText prints the retrodiction as a short table (its warnings go out
// as diagnostics).
func (r *Retrodiction) WriteText(w io.Writer) error {
	var b strings.Builder
	to := fmt.Sprintf("step %d", r.Record.LastStep)
	if r.Record.LastDate != "" {
		to = r.Record.LastDate
	}
	where := "at the central parameter values"
	if r.Draws > 0 {
		where = fmt.Sprintf("averaged over %d prior draws (seed %d)", r.Draws, r.Seed)
	}
	fmt.Fprintf(&b, "retrodiction: how probable the model found the dated past (%d rows to %s), %s\n", r.Record.Rows, to, where)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  profile\tprobability\tlog\tas improbable among %d simulated\n", r.Sims)
	for _, p := range r.Profiles {
		lp := float64(p.LogL)
		if p.LogEvidence != nil {
			lp = float64(*p.LogEvidence)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", p.Profile, fmtProb(lp), fmtNum(Number(lp)), pct(float64(p.Surprise)))
	}
	tw.Flush()
	_, err := io.WriteString(w, b.String())
	return err
}

// fmtProb prints exp(lp) when it is not vanishingly small.
func fmtProb(lp float64) string {
	switch {
	case math.IsInf(lp, -1):
		return "0"
	case lp < -700:
		return "<1e-300"
	}
	p := math.Exp(lp)
	if p < 0.001 {
		return fmt.Sprintf("%.2g", p)
	}
	return fmt.Sprintf("%.3g", p)
}
