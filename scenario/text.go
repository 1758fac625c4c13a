package scenario

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

func fmtNum(x Number) string {
	f := float64(x)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "-"
	}
	if f == 0 {
		return "0"
	}
	a := math.Abs(f)
	switch {
	case a >= 1000 || a < 0.001:
		return fmt.Sprintf("%.3g", f)
	case a >= 100:
		return fmt.Sprintf("%.1f", f)
	default:
		return fmt.Sprintf("%.4g", f)
	}
}

// fmtStat prints "mean [lo, hi]", or just the mean when all draws agree.
func fmtStat(s Stat) string {
	if math.IsNaN(float64(s.Mean)) {
		return "-"
	}
	if fmtNum(s.Lo) == fmtNum(s.Hi) {
		return fmtNum(s.Mean)
	}
	return fmt.Sprintf("%s [%s, %s]", fmtNum(s.Mean), fmtNum(s.Lo), fmtNum(s.Hi))
}

// WriteText prints the report as readable tables: per profile the states'
// probabilities and first-entry times, the actors' values, then the
// hypotheses with their verdicts.
func (r *AnalysisReport) WriteText(w io.Writer) error {
	var b strings.Builder
	title := r.Scenario
	if r.Title != "" {
		title += " — " + r.Title
	}
	fmt.Fprintf(&b, "%s\n", title)
	draws := fmt.Sprintf("%d parameter draws (seed %d), figures are mean [5%%, 95%%]", r.Draws, r.Seed)
	if r.Fixed {
		draws = "parameters fixed: one exact analysis"
	}
	fmt.Fprintf(&b, "%s; horizon %d %ss\n", draws, r.Horizon, r.Period)
	if r.ClockNote != "" {
		fmt.Fprintf(&b, "clock: %s\n", r.ClockNote)
	}
	if f := r.Failed; f != nil {
		fmt.Fprintf(&b, "%d of the %d draws could not be analysed and are left out of every figure (--strict makes this an error):\n", f.Count, r.Draws)
		for _, e := range f.Examples {
			fmt.Fprintf(&b, "  %s\n", e.Error)
		}
		if more := f.Count - len(f.Examples); more > 0 {
			fmt.Fprintf(&b, "  … and %d more\n", more)
		}
	}
	for _, name := range r.ProfileOrder {
		p := r.Profiles[name]
		head := "profile " + name
		if p.Solve != "" {
			head += " (" + p.Solve + " equilibrium)"
		}
		fmt.Fprintf(&b, "\n%s\n", head)
		if e := p.EquilibriumSet; e != nil {
			fmt.Fprintf(&b, "  the equilibrium on every draw is %s\n  %s\n", e.Selection, e.Summary)
			if e.Note != "" {
				fmt.Fprintf(&b, "  note: %s\n", e.Note)
			}
		}
		writeEndings(&b, r, p)
		writeStates(&b, r, p)
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  value\ttotal")
		for _, c := range r.ComponentOrder {
			fmt.Fprintf(tw, "\t%s", c)
		}
		fmt.Fprintln(tw)
		for _, a := range r.ActorOrder {
			v := p.Value[a]
			fmt.Fprintf(tw, "  %s\t%s", a, fmtStat(v.Total))
			for _, c := range r.ComponentOrder {
				fmt.Fprintf(tw, "\t%s", fmtStat(v.Components[c]))
			}
			fmt.Fprintln(tw)
		}
		tw.Flush()
		for _, a := range r.Undiscounted {
			fmt.Fprintf(&b, "  note: %s is undiscounted (discount 1): its value over an unbounded future is undefined; value_by(%q, %d, %q) is its expected total over the horizon\n", a, a, r.Horizon, name)
		}
		writeFrom(&b, r, p)
		writeLongRun(&b, r, p)
	}
	for _, name := range r.Skipped {
		fmt.Fprintf(&b, "\nprofile %s (equilibrium) not computed: solving it on every draw is slow; ask with --profile %s\n", name, name)
	}
	if len(r.Hypotheses) > 0 {
		fmt.Fprintf(&b, "\nhypotheses: share of draws in which each is implied by the assumptions, not evidence (supported: >= %.0f%%, rejected: <= %.0f%%)\n", SupportedShare*100, RejectedShare*100)
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, h := range r.Hypotheses {
			fmt.Fprintf(tw, "  %s\t%s\t%.1f%%\t%s\n", h.ID, VerdictText(h.Verdict), h.HoldsShare*100, h.Claim)
			if line := h.SubsampleLine(r.Analysed()); line != "" {
				fmt.Fprintf(tw, "  \t\t\t  %s\n", line)
			}
			for _, k := range sortedKeys(h.Quantities) {
				fmt.Fprintf(tw, "  \t\t\t  %s = %s\n", k, fmtNum(h.Quantities[k]))
			}
		}
		tw.Flush()
	}
	if err := r.NotEvaluated.WriteText(&b); err != nil {
		return err
	}
	writeRankCorrelations(&b, r)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeRankCorrelations lists, per hypothesis that is not settled in every
// draw, the parameters its verdict moves with most.
func writeRankCorrelations(b *strings.Builder, r *AnalysisReport) {
	rc := r.RankCorrelations
	if rc == nil {
		return
	}
	var lines []string
	for _, o := range rc.Outputs {
		if o.Kind != "hypothesis" {
			continue
		}
		names, rhos := rc.Strongest(o, 3)
		var parts []string
		for i, n := range names {
			if math.Abs(rhos[i]) >= 0.1 {
				parts = append(parts, fmt.Sprintf("%s %+.2f", n, rhos[i]))
			}
		}
		if len(parts) > 0 {
			line := fmt.Sprintf("  %s\t%s", o.Output, strings.Join(parts, ", "))
			if o.Draws > 0 {
				line += fmt.Sprintf(" (over its %d draws)", o.Draws)
			}
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(b, "\nwhat each verdict moves with (Spearman rank correlation with holding, over %d draws; |ρ| >= 0.1, strongest 3)\n", rc.Draws)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, l := range lines {
		fmt.Fprintln(tw, l)
	}
	tw.Flush()
}

// writeStates prints the non-terminal states analysed (those asked for
// with --states or read by a hypothesis) with their probabilities and
// first-entry times.
func writeStates(b *strings.Builder, r *AnalysisReport, p *ProfileReport) {
	var rows []string
	for _, st := range r.StateOrder {
		if !contains(r.TerminalStates, st) && p.Reach[st] != nil {
			rows = append(rows, st)
		}
	}
	if len(rows) == 0 {
		return
	}
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  state\tever entered\tby %s %d\tfirst entry (%s, if ever)\n", r.Period, r.Horizon, r.Period)
	for _, st := range rows {
		reach := p.Reach[st]
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", st, fmtStat(p.Absorb[st]), fmtNum(reach[len(reach)-1]), fmtStat(p.Time[st]))
	}
	tw.Flush()
	b.WriteString("\n")
}

// writeEndings prints how a profile ends: per terminal state the
// probability within the horizon and eventually, and the share unresolved
// at the horizon with the states it sits in; each column sums to 100%.
func writeEndings(b *strings.Builder, r *AnalysisReport, p *ProfileReport) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  ending\twithin %d %ss\teventually (no horizon)\tfirst entry (%s, if ever)\n", r.Horizon, r.Period, r.Period)
	for _, st := range r.TerminalStates {
		e := p.Endings[st]
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", st, fmtPctStat(e.WithinHorizon), fmtPctStat(e.Eventually), fmtStat(p.Time[st]))
	}
	u := p.Unresolved
	fmt.Fprintf(tw, "  unresolved\t%s\t%s\t\n", fmtPctStat(u.AtHorizon), fmtPctStat(u.Eventually))
	tw.Flush()
	if where := UnresolvedWhere(r, p, 0.0005); where != "" {
		fmt.Fprintf(b, "  unresolved at %s %d: %s\n", r.Period, r.Horizon, where)
	}
	if float64(u.Eventually.Mean) > 0.0005 {
		fmt.Fprintf(b, "  %s of paths never end: they stay in states from which no ending can be reached\n", fmtPct(u.Eventually.Mean))
	}
	b.WriteString("\n")
}

// UnresolvedWhere lists the non-terminal states the process is in at the
// horizon, largest share first, e.g. "hormuz 61.2%, truce 20.4%"; shares
// below min are left out.
func UnresolvedWhere(r *AnalysisReport, p *ProfileReport, min float64) string {
	type sh struct {
		st string
		x  Number
	}
	var list []sh
	for _, st := range r.StateOrder {
		if x, ok := p.Unresolved.Where[st]; ok && float64(x.Mean) >= min {
			list = append(list, sh{st, x.Mean})
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].x > list[j].x })
	parts := make([]string, len(list))
	for i, x := range list {
		parts[i] = x.st + " " + fmtPct(x.x)
	}
	return strings.Join(parts, ", ")
}

// fmtPct prints a probability as a percentage: one decimal from 1%, two
// significant digits below, "0%" and "100%" exactly.
func fmtPct(x Number) string {
	f := float64(x)
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return "-"
	case f == 1:
		return "100%"
	case math.Abs(f) < 1e-6:
		// Below 0.0001% a figure is rounding noise or as good as none;
		// "1.3e-17%" would only distract.
		if f > 0 {
			return "<0.0001%"
		}
		return "0%"
	case math.Abs(f) < 0.01:
		return strconv.FormatFloat(100*f, 'g', 2, 64) + "%"
	}
	// Rounding noise must not decide the last digit: an exact 1/16 computed
	// as 0.06249999999999999 and as 0.0625000000000001 (the Ehrenfest urn's
	// two ends) both print 6.3%, halves rounded away from zero.
	v, _ := strconv.ParseFloat(strconv.FormatFloat(100*f, 'g', 10, 64), 64)
	return strconv.FormatFloat(math.Round(10*v)/10, 'f', 1, 64) + "%"
}

// fmtPctStat is fmtStat in percent.
func fmtPctStat(s Stat) string {
	if math.IsNaN(float64(s.Mean)) {
		return "-"
	}
	if fmtPct(s.Lo) == fmtPct(s.Hi) {
		return fmtPct(s.Mean)
	}
	return fmt.Sprintf("%s [%s, %s]", fmtPct(s.Mean), fmtPct(s.Lo), fmtPct(s.Hi))
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
