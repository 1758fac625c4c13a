package scenario

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// writeFrom prints the figures from every start state: per target the
// probability of ever entering it and per actor the value.
func writeFrom(b *strings.Builder, r *AnalysisReport, p *ProfileReport) {
	if p.From == nil {
		return
	}
	var targets []string
	for _, st := range r.StateOrder {
		if _, ok := p.From[r.StateOrder[0]].Absorb[st]; ok {
			targets = append(targets, st)
		}
	}
	fmt.Fprintf(b, "\n  from each start state (the process started there at %s 0):\n", r.Period)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  start")
	for _, t := range targets {
		what := "enters"
		if contains(r.TerminalStates, t) {
			what = "ends in"
		}
		fmt.Fprintf(tw, "\t%s %s: eventually\tby %s %d", what, t, r.Period, r.Horizon)
	}
	for _, a := range r.ActorOrder {
		fmt.Fprintf(tw, "\tvalue %s", a)
	}
	fmt.Fprintln(tw)
	for _, st := range r.StateOrder {
		f := p.From[st]
		fmt.Fprintf(tw, "  %s", st)
		for _, t := range targets {
			fmt.Fprintf(tw, "\t%s\t%s", fmtPctStat(f.Absorb[t]), fmtPctStat(f.Reach[t]))
		}
		for _, a := range r.ActorOrder {
			fmt.Fprintf(tw, "\t%s", fmtStat(f.Value[a]))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

// writeLongRun prints the long-run shares, recurrence times and classes.
func writeLongRun(b *strings.Builder, r *AnalysisReport, p *ProfileReport) {
	lr := p.LongRun
	if lr == nil {
		return
	}
	fmt.Fprintf(b, "\n  long run: share of %ss spent in each state, and %ss between visits (Kac: 1/stationary probability)\n", r.Period, r.Period)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  state\tshare\tbetween visits\n")
	for _, st := range r.StateOrder {
		rec := "-"
		if x, ok := lr.Recurrence[st]; ok {
			rec = fmtStat(x)
		}
		if contains(r.TerminalStates, st) {
			rec = "(ends)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", st, fmtPctStat(lr.Share[st]), rec)
	}
	tw.Flush()
	var parts []string
	for _, c := range lr.Classes {
		s := c.String()
		if c.Terminal {
			s = c.States[0] + " (ends)"
		} else if c.Period > 1 {
			s += fmt.Sprintf(" (period %d)", c.Period)
		}
		s += " " + fmtPctStat(c.Prob)
		if c.Draws < 1 {
			s += fmt.Sprintf(" on %.0f%% of draws", 100*c.Draws)
		}
		parts = append(parts, s)
	}
	fmt.Fprintf(b, "  ends up in: %s\n", strings.Join(parts, "; "))
	if note := lr.periodicNote(); note != "" {
		fmt.Fprintf(b, "  note: %s\n", note)
	}
}
