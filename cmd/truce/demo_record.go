package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/truce-dev/truce/evidence"
	"github.com/truce-dev/truce/evidence/record"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/scenarios"
	"github.com/truce-dev/truce/sensitivity"
)

// demoRecord is the bundled record confronted with the bundled scenario:
// the rows from the scenario's start on (earlier rows are the reference
// classes its parameters are sourced from, not evidence counted twice),
// how probable each profile found them, and the claims' posterior shares.
type demoRecord struct {
	rows      int
	from, to  string
	update    *evidence.Result
	retro     *evidence.Retrodiction
	posterior map[string]evidence.HypothesisUpdate
}

// recordSince keeps the header and the rows dated on or after start (the
// record's rows begin with an ISO date); comment lines are dropped.
func recordSince(src []byte, start string) []byte {
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	header := true
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#"):
			continue
		case header:
			header = false
		case len(line) < 10 || line[:10] < start:
			continue
		}
		out.WriteString(line)
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// runDemoRecord updates the scenario on the bundled record from its start.
func runDemoRecord(ctx context.Context, sc *scenario.Scenario, opt pipelineOptions) (*demoRecord, error) {
	if sc.History == nil || sc.History.Start == "" {
		return nil, fmt.Errorf("the scenario has no dated start")
	}
	cal, err := evidence.Calendar(sc, time.Time{})
	if err != nil {
		return nil, err
	}
	slice := recordSince(scenarios.USIranRecord(), sc.History.Start)
	rec, err := record.Read(scenarios.USIranRecordName, bytes.NewReader(slice), record.Options{Calendar: cal})
	if err != nil {
		return nil, err
	}
	d, err := evidence.Bind(sc, rec, cal)
	if err != nil {
		return nil, err
	}
	dr := &demoRecord{rows: d.Rows, from: sc.History.Start, to: d.Date(d.Last)}
	if dr.update, err = evidence.Update(ctx, sc, d, evidence.Options{Draws: opt.Draws, Seed: opt.Seed, Workers: opt.Workers,
		Rejuvenate: true, Checks: -1}); err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	if dr.retro, err = evidence.Retrodict(ctx, sc, d, evidence.RetroOptions{Seed: opt.Seed, Workers: opt.Workers, Sims: 500}); err != nil {
		return nil, fmt.Errorf("retrodiction: %w", err)
	}
	dr.posterior = map[string]evidence.HypothesisUpdate{}
	for _, h := range dr.update.Hypotheses {
		dr.posterior[h.ID] = h
	}
	return dr, nil
}

// writeDemoRecord says in two lines how probable the model found the
// record and which profile explains it best.
func writeDemoRecord(w io.Writer, dr *demoRecord) {
	fmt.Fprintf(w, "The record, %s to %s (%d weeks of %s): which strategies explain it (posterior; probability at central values; share of simulated records as improbable)\n",
		dr.from, dr.to, dr.rows, scenarios.USIranRecordName)
	type row struct {
		name      string
		post      float64
		logL      float64
		surprise  float64
		possible  bool
		retroSeen bool
	}
	var rows []row
	for _, p := range dr.update.Profiles {
		r := row{name: p, post: dr.update.ProfilePosterior[p], logL: math.Inf(-1)}
		if v := dr.update.LogLikelihood[p]; finite(float64(v)) {
			r.logL, r.possible = float64(v), true
		}
		for _, rp := range dr.retro.Profiles {
			if rp.Profile == p {
				r.surprise, r.retroSeen = float64(rp.Surprise), true
			}
		}
		rows = append(rows, r)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].post > rows[j].post })
	var parts []string
	for i, r := range rows {
		if i >= 3 && r.name != "baseline" {
			continue
		}
		s := fmt.Sprintf("%s %.2f", r.name, r.post)
		if r.possible {
			s += fmt.Sprintf(" (%.2g; %s)", math.Exp(r.logL), pctS(r.surprise))
		} else {
			s += " (impossible)"
		}
		parts = append(parts, s)
	}
	writePacked(w, parts, " · ", 150)
}

// writeDemoClaims prints each claim with its prior share and, when the
// record was read, its posterior share; then the claims the model rejects
// or cannot settle, which is where it parts from the article.
func writeDemoClaims(w io.Writer, res *pipelineResult, dr *demoRecord, costly demoCostly) {
	sc, ar := res.sc, res.ar
	swept := ""
	if res.swept != nil {
		swept = fmt.Sprintf(" among the %d of %d parameters swept (those most rank-correlated with the claims; truce sensitivity %s sweeps all)", len(res.swept), res.sweepable, sc.File)
	}
	if dr != nil {
		fmt.Fprintf(w, "The article's claims: share of draws in which each holds, before the record (implied by the assumptions) → after it; [p > x: verdict] = nearest break-even%s\n", swept)
	} else {
		fmt.Fprintf(w, "The article's claims: share of draws in which each holds; [p > x: verdict] = nearest break-even, others central%s\n", swept)
	}
	labels := map[string]string{}
	for _, h := range sc.Hypotheses {
		labels[h.ID] = h.Claim
		if h.Info.Label != "" {
			labels[h.ID] = h.Info.Label
		}
	}
	var rejected, unsure []string
	for _, h := range ar.Hypotheses {
		flip := ""
		if res.sens != nil {
			if fs := res.sens.FlipsFor(h.ID); len(fs) > 0 {
				flip = fmt.Sprintf("  [%s > %s: %s]", fs[0].Param, fmtG(fs[0].Value), fs[0].Above)
			}
		}
		share := fmt.Sprintf("%.1f%%", 100*h.HoldsShare)
		verdict := scenario.VerdictText(h.Verdict)
		if dr != nil {
			if p, ok := dr.posterior[h.ID]; ok {
				share = fmt.Sprintf("%5.1f%% → %5.1f%%", 100*h.HoldsShare, 100*p.PosteriorShare)
				verdict = scenario.VerdictText(p.PosteriorVerdict)
				if p.PosteriorVerdict != h.Verdict {
					verdict = scenario.VerdictText(h.Verdict) + "→" + scenario.VerdictText(p.PosteriorVerdict)
				}
			}
		}
		if h.EvaluatedDraws > 0 { // a claim with draws: evaluated on a subsample
			share += fmt.Sprintf(" on %d of %d draws", h.EvaluatedDraws, ar.Analysed())
		}
		line := fmt.Sprintf("  %-4s %-9s %s  %-46s%s", h.ID, verdict, share, oneLine(labels[h.ID], 46), flip)
		fmt.Fprintln(w, strings.TrimRight(line, " "))
		switch final := verdictAfter(h, dr); final {
		case "rejected":
			rejected = append(rejected, h.ID)
		case "uncertain", scenario.Unsettled:
			unsure = append(unsure, h.ID)
		}
	}
	if len(costly.left) > 0 {
		for _, h := range costly.left {
			labels[h.ID] = h.Claim
			if h.Info.Label != "" {
				labels[h.ID] = h.Info.Label
			}
		}
		demoSetClaimRows(w, costly.left, costly.kept, labels)
		if costly.kept != nil {
			for _, h := range costly.kept.Hypotheses {
				switch keptVerdict(h, costly.kept.Draws) {
				case "rejected":
					rejected = append(rejected, h.ID)
				case "uncertain", scenario.Unsettled:
					unsure = append(unsure, h.ID)
				}
			}
		}
	}
	if words := demoSetWordsFrom(ar, costly.kept); words != "" {
		fmt.Fprintln(w, words)
	}
	var parts []string
	if len(rejected) > 0 {
		parts = append(parts, "rejects "+strings.Join(rejected, ", "))
	}
	if len(unsure) > 0 {
		parts = append(parts, "cannot settle "+strings.Join(unsure, ", "))
	}
	if len(parts) > 0 {
		fmt.Fprintf(w, "Where the model parts from the article (which asserts every claim): it %s.\n", strings.Join(parts, "; "))
	}
}

func verdictAfter(h scenario.HypothesisReport, dr *demoRecord) string {
	if dr != nil {
		if p, ok := dr.posterior[h.ID]; ok {
			return p.PosteriorVerdict
		}
	}
	return h.Verdict
}

// writeMovesWith lists, per claim, the parameters its verdict moves with
// most over the analysis's draws (Spearman rank correlation): what would
// change the model's mind. Used when Sobol indices are not computed.
func writeMovesWith(w io.Writer, ar *scenario.AnalysisReport, n int) {
	rc := ar.RankCorrelations
	if rc == nil {
		return
	}
	var items []string
	for _, o := range rc.Outputs {
		if o.Kind != "hypothesis" {
			continue
		}
		type pr struct {
			name string
			rho  float64
		}
		var ps []pr
		for i, r := range o.Spearman {
			if x := float64(r); finite(x) && math.Abs(x) >= 0.2 {
				ps = append(ps, pr{rc.Parameters[i], x})
			}
		}
		sort.SliceStable(ps, func(i, j int) bool { return math.Abs(ps[i].rho) > math.Abs(ps[j].rho) })
		var parts []string
		for _, p := range ps[:min(n, len(ps))] {
			parts = append(parts, fmt.Sprintf("%s %+.2f", p.name, p.rho))
		}
		if len(parts) > 0 {
			items = append(items, o.Output+" "+strings.Join(parts, ", "))
		}
	}
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(w, "What would change its mind (Spearman rank correlation of each claim with the parameters over %d draws, |ρ| >= 0.2): %s\n", rc.Draws, strings.Join(items, " · "))
}

// writeDemoBoxes says, for each claim the draws do not settle (holding on
// more than 10% and less than 90% of them), where in the parameters it
// holds or fails most often: PRIM's box over the analysis's own draws
// (the report draws each box's trade-off). A box over fewer than 20
// draws where it happens says too little and is left out.
func writeDemoBoxes(w io.Writer, d *sensitivity.DiscoverResult) {
	if d == nil {
		return
	}
	var items []string
	for _, x := range d.Discoveries {
		if x.PrimResult == nil || len(x.Restrictions) == 0 || x.Events < 20 {
			continue
		}
		holds := x.BaseDensity
		if x.Fails {
			holds = 1 - holds
		}
		if holds <= 0.1 || holds >= 0.9 {
			continue
		}
		verb := "holds"
		if x.Fails {
			verb = "fails"
		}
		items = append(items, fmt.Sprintf("%s %s on %s of the draws in the box (%s of all) when %s", x.Hypothesis, verb,
			fmtShare(x.Box.Density), fmtShare(x.BaseDensity), x.PrimResult.String()))
	}
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(w, "  and where the claims it cannot settle hold or fail most often (PRIM boxes over the %d draws; shares implied by the assumptions, not evidence): %s\n",
		d.Draws, strings.Join(items, " · "))
}
