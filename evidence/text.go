package evidence

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/truce-dev/truce/scenario"
)

// fmtP prints a probability with three significant digits, "<0.001" for
// tiny ones.
func fmtP(p float64) string {
	switch {
	case math.IsNaN(p):
		return "-"
	case p == 0:
		return "0"
	case p < 0.001:
		return "<0.001"
	case p > 0.999 && p < 1:
		return ">0.999"
	}
	return fmt.Sprintf("%.3g", p)
}

func fmtNum(x Number) string {
	f := float64(x)
	switch {
	case math.IsInf(f, -1):
		return "impossible"
	case math.IsNaN(f) || math.IsInf(f, 0):
		return "-"
	case f == 0:
		return "0"
	case math.Abs(f) >= 1000 || math.Abs(f) < 0.001:
		return fmt.Sprintf("%.3g", f)
	}
	return fmt.Sprintf("%.4g", f)
}

// RecordTo names how far the record goes: "the record to 2026-12-28" or
// "the record to step 38".
func (r *Result) RecordTo() string {
	if r.Record.LastDate != "" {
		return "the record to " + r.Record.LastDate
	}
	return fmt.Sprintf("the record to step %d", r.Record.LastStep)
}

// WriteText prints the update for a reader: the record, the profiles'
// likelihoods, how far the posterior rests on the draws, the hypotheses'
// prior and posterior verdicts, where the process is now, what comes next,
// the parameters that moved, the checks and warnings.
// count is "1 row", "2 rows".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func (r *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s (%s, %s observed", r.Scenario, r.Record.File, count(r.Record.Rows, "row"), count(r.Record.Observed, "step"))
	if r.Record.LastDate != "" {
		fmt.Fprintf(&b, ", %s to %s", r.Record.StartDate, r.Record.LastDate)
	} else {
		fmt.Fprintf(&b, ", to step %d", r.Record.LastStep)
	}
	fmt.Fprintf(&b, ")\n%s (seed %d); candidate profiles for what was played, equally likely a priori: %s\n",
		count(r.Draws, "prior draw"), r.Seed, strings.Join(r.Profiles, ", "))

	fmt.Fprintf(&b, "\nlikelihood of the record (natural log; differences of log evidence are log Bayes factors)\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  profile\tlog L at central values\tlog evidence\tposterior probability\n")
	order := append([]string(nil), r.Profiles...)
	sort.SliceStable(order, func(i, j int) bool { return r.ProfilePosterior[order[i]] > r.ProfilePosterior[order[j]] })
	for _, p := range order {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", p, fmtNum(r.LogLikelihood[p]), fmtNum(r.LogEvidence[p]), fmtP(r.ProfilePosterior[p]))
	}
	tw.Flush()

	fmt.Fprintf(&b, "\nimportance weights over the prior draws: effective sample size %.1f of %d", r.ESS, r.Draws)
	if r.SMC != nil {
		fmt.Fprintf(&b, "\nrejuvenated (sequential Monte Carlo): %d tempering stages, %d Metropolis moves per particle and stage, acceptance %s; %d distinct particles",
			r.SMC.Stages, r.SMC.Moves, fmtRates(r.SMC.Acceptance), r.SMC.Distinct)
	}
	b.WriteString("\n")

	if len(r.Hypotheses) > 0 {
		fmt.Fprintf(&b, "\nhypotheses: prior = implied by the assumptions in the share of draws shown; posterior = given %s\n", r.RecordTo())
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, h := range r.Hypotheses {
			fmt.Fprintf(tw, "  %s\tprior %s %.1f%%\t→ posterior %s %.1f%%\t%s\n", h.ID, scenario.VerdictText(h.PriorVerdict), 100*h.PriorShare,
				scenario.VerdictText(h.PosteriorVerdict), 100*h.PosteriorShare, h.Claim)
			if line := h.subsampleLine(r.Draws, r.Rejuvenated); line != "" {
				fmt.Fprintf(tw, "  \t\t\t  %s\n", line)
			}
			for _, k := range slices.Sorted(maps.Keys(h.Quantities)) {
				q := h.Quantities[k]
				fmt.Fprintf(tw, "  \t\t\t  %s: %s → %s\n", k, fmtNum(q.Prior), fmtNum(q.Posterior))
			}
		}
		tw.Flush()
		fmt.Fprintf(&b, "  (supported: holds in >= %.0f%%, rejected: <= %.0f%%)\n", scenario.SupportedShare*100, scenario.RejectedShare*100)
	}

	when := fmt.Sprintf("step %d", r.Now.Step)
	if r.Now.Date != "" {
		when = fmt.Sprintf("%s (step %d)", r.Now.Date, r.Now.Step)
	}
	fmt.Fprintf(&b, "\nwhere the process is at %s, given %s\n", when, r.RecordTo())
	r.writeStates(&b, r.Now.States)
	to := fmt.Sprintf("step %d", r.Predictive.ToStep)
	if r.Predictive.ToDate != "" {
		to = r.Predictive.ToDate
	}
	fmt.Fprintf(&b, "\nwithin the next %d %ss (to %s), given %s\n", r.Predictive.Ahead, r.Period, to, r.RecordTo())
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  state\tin it at some step\tin it at %s\n", to)
	for _, s := range r.states {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", s, fmtP(r.Predictive.Reach[s]), fmtP(r.Predictive.At[s]))
	}
	tw.Flush()
	if len(r.Predictive.Events) > 0 {
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  event\tseen at least once\n")
		for _, e := range r.events {
			fmt.Fprintf(tw, "  %s\t%s\n", e, fmtP(r.Predictive.Events[e]))
		}
		tw.Flush()
	}

	b.WriteString("\nparameters (prior → posterior: mean [5%, 95%]), most moved first\n")
	ps := append([]ParameterUpdate(nil), r.Parameters...)
	moved := func(p ParameterUpdate) float64 {
		sd := float64(p.Prior.SD)
		if !(sd > 0) {
			return 0
		}
		return math.Abs(float64(p.Posterior.Mean-p.Prior.Mean))/sd + math.Abs(math.Log(float64(p.Posterior.SD)/sd))
	}
	sort.SliceStable(ps, func(i, j int) bool { return moved(ps[i]) > moved(ps[j]) })
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, p := range ps {
		if !(float64(p.Prior.SD) > 0) {
			continue
		}
		fmt.Fprintf(tw, "  %s\t%s [%s, %s]\t→ %s [%s, %s]\n", p.Name, fmtNum(p.Prior.Mean), fmtNum(p.Prior.Lo), fmtNum(p.Prior.Hi),
			fmtNum(p.Posterior.Mean), fmtNum(p.Posterior.Lo), fmtNum(p.Posterior.Hi))
	}
	tw.Flush()

	if r.Checks != nil {
		fmt.Fprintf(&b, "\npredictive checks (%d simulated records each): records as improbable as this one are %s of those from the prior, %s of those from the posterior\n",
			r.Checks.Sims, pct(float64(r.Checks.Prior)), pct(float64(r.Checks.Posterior)))
	}
	for _, wn := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", wn)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Result) writeStates(b *strings.Builder, m map[string]float64) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, s := range r.states {
		fmt.Fprintf(tw, "  %s\t%s\n", s, fmtP(m[s]))
	}
	tw.Flush()
}

func pct(p float64) string { return fmt.Sprintf("%.1f%%", 100*p) }

func fmtRates(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.0f%%", 100*x)
	}
	if len(parts) > 8 {
		parts = append(parts[:4], append([]string{"…"}, parts[len(parts)-3:]...)...)
	}
	return strings.Join(parts, " ")
}
