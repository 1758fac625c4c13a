package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/audit"
	"github.com/truce-dev/truce/internal/progress"
	"github.com/truce-dev/truce/scenario"
)

func newAuditCmd() *cobra.Command {
	var (
		opt      audit.Options
		format   string
		hypDraws string
	)
	cmd := &cobra.Command{
		Use:   "audit FILE",
		Short: "Construction check: verdicts that hang on how the file is built, not on its ranges",
		Long: `audit asks which verdicts the scenario file decides by construction rather
than through the uncertainty it declares:

  - hypotheses settled by how they are written: those that read no model
    result, those that restate the payoff rules (a part of the claim equals
    the worth of an ending on every test draw), and those comparing a value
    whose sign every payoff rule fixes with a number of the other sign;
  - every variant of the file with one element changed: each fixed number
    (parameter values, payoffs, probabilities and the numbers inside
    expressions other than 0 and 1) 25% down and up, each discount's
    half-life divided and multiplied by 10, each weight 25% down and up,
    each strategy's mixture (and each reaction rule's) with a quarter of
    its probability moved onto each action it plays (weights written as
    expressions become 0.75 * (expr)), or, for a pure one (an action's
    name), spread over the other actions available there, each
    pair of overlapping transition rules in the other order, and each state
    made an ending or not. Each variant is analysed on the same --draws
    draws as the file, and audit names, with file:line:col, the elements
    whose change flips a verdict (supported, uncertain, rejected; by at
    least 5 points of share) and those that make a hypothesis that holds (or
    fails) in every draw stop doing so;
  - fixed numbers that decide a verdict, with a suggested range to make
    them parameters.

The numbers of the hypotheses themselves are the claims, not assumptions,
and are left alone; so are the distributions' own numbers, which
truce sensitivity varies.

Hypotheses that set their own draws: (the file marks them as costly: a
search of the equilibrium set or of commitments on each draw) are not
audited by default: they are left out of the file's shares and of every
variant, and the output lists them as "not audited (costly: N draws
each)". Auditing them costs N searches per variant (a hundred variants of
the bundled file, a few CPU-s per search); --audit-costly audits them, on
their first N draws, in the file and in every variant. The definitional
check reads them either way.`,
		Example: `  truce audit scenarios/us-iran-2026.yaml
  truce audit scenarios/us-iran-2026.yaml --draws 500 --format json
  truce audit scenarios/us-iran-2026.yaml --audit-costly   # the set and commitment claims too (slow)`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// The audit edits the file's text, so it reads the text itself.
			name, src, err := readInput(cmd.InOrStdin(), args[0], scenario.MaxFileSize)
			if err != nil {
				return &exitError{codeFailure, fmt.Sprintf("truce audit: %v", err)}
			}
			if sc, diags := scenario.ParseContext(cmd.Context(), name, src); sc == nil {
				if !wantsJSON(cmd, nil) {
					printDiagnostics(cmd.ErrOrStderr(), diags)
				}
				return &cmdError{msg: fmt.Sprintf("truce audit: %s has errors; nothing was run", name), diags: diags}
			}
			if hypDraws != "" {
				// cobra's deprecation note goes to stdout, into the JSON.
				fmt.Fprintln(cmd.ErrOrStderr(), "truce audit: --hypothesis-draws is deprecated: --audit-costly audits the hypotheses with their own draws:, which are not audited by default")
			}
			switch {
			case hypDraws == "file":
				// --hypothesis-draws file, before --audit-costly existed.
				opt.Costly = true
			case hypDraws == "none" && opt.Costly:
				return &exitError{codeUsage, "truce audit: --audit-costly and --hypothesis-draws none contradict each other (the latter is the default now)"}
			}
			bar := progress.New(cmd.ErrOrStderr(), -1, "variants")
			opt.Progress = func(done, _ int) { bar.Set(int64(done)) }
			rep, err := audit.Run(cmd.Context(), name, src, opt)
			bar.Finish()
			if err != nil {
				return &exitError{codeFailure, fmt.Sprintf("truce audit: %v", err)}
			}
			var na *auditNotAudited
			if len(rep.NotAudited) > 0 {
				na = &auditNotAudited{Why: notAuditedWhy, Hypotheses: rep.NotAudited,
					Command: rerunCommand(cmd, map[string]string{"audit-costly": "true", "hypothesis-draws": ""})}
			}
			if format == "json" {
				return writeAuditJSON(cmd.OutOrStdout(), rep, na)
			}
			writeAuditText(cmd.OutOrStdout(), rep)
			writeNotAudited(cmd.OutOrStdout(), na)
			return nil
		},
	}
	f := cmd.Flags()
	intFlag(f, &opt.Draws, "draws", audit.DefaultDraws, 1, 100_000, "parameter draws each variant is analysed on (the same draws for all)")
	seedFlag(f, &opt.Seed, 1, "random seed of the draws")
	intFlag(f, &opt.Workers, "workers", 0, 0, maxWorkers, "parallel workers (0 = all cores); output does not depend on it")
	formatFlag(f, &format, "text", "json")
	f.BoolVar(&opt.Costly, "audit-costly", false, "audit the hypotheses with their own draws: N too (set and commitment claims), on their first N draws in the file and in every variant; slow: without it they are listed as not audited")
	// --hypothesis-draws file|none was the flag before --audit-costly
	// (none is now the default); kept so that scripts still run.
	enumFlag(f, &hypDraws, "hypothesis-draws", "", "file: as --audit-costly; none: the default", "file", "none")
	_ = f.MarkHidden("hypothesis-draws")
	timeoutFlag(f)
	return cmd
}

func at(file string, p scenario.Pos) string { return fmt.Sprintf("%s:%d:%d", file, p.Line, p.Col) }

func writeAuditText(w io.Writer, rep *audit.Report) {
	fmt.Fprintf(w, "%s: construction check, %d variants of the file each analysed on the same %d draws (seed %d)\n",
		rep.File, rep.Tested, rep.Draws, rep.Seed)
	var kinds []string
	for _, k := range []string{audit.KindNumber, audit.KindDiscount, audit.KindWeight, audit.KindMixture, audit.KindOrder, audit.KindEnding} {
		if n := rep.TestedByKind[k]; n > 0 {
			flips := 0
			for _, f := range rep.Flips {
				if f.Perturbation.Kind == k {
					flips++
				}
			}
			kinds = append(kinds, fmt.Sprintf("%d %s (%s)", n, kindPlural(k, n), plural(flips, "flip")))
		}
	}
	fmt.Fprintf(w, "variants: %s\n", strings.Join(kinds, ", "))
	fmt.Fprintln(w, "Shares are of the draws where a hypothesis holds, implied by the assumptions, not evidence.")
	evaluated := map[string]int{}
	for _, v := range rep.Baseline {
		if v.Evaluated > 0 {
			evaluated[v.Hypothesis] = v.Evaluated
			fmt.Fprintf(w, "%s is evaluated on the first %d of the %d draws only (its draws:), in the file and in every variant alike: its shares are over those.\n", v.Hypothesis, v.Evaluated, rep.Draws)
		}
	}
	everyDraw := func(id string) string {
		if n := evaluated[id]; n > 0 {
			return fmt.Sprintf("every one of its %d draws", n)
		}
		return "every draw"
	}

	fmt.Fprintln(w, "\nHypotheses settled by how they are written:")
	if len(rep.Definitional) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, d := range rep.Definitional {
		fmt.Fprintf(w, "  %s  %s (%s): %s\n", at(rep.File, d.Pos), d.Hypothesis, d.Kind, firstClause(d.Text))
		for _, m := range d.Matches {
			var rules []string
			for _, r := range m.Rules {
				rules = append(rules, fmt.Sprintf("%d:%d", r.Line, r.Col))
			}
			where := ""
			if len(rules) > 0 {
				where = "; payoff rule at " + strings.Join(rules, ", ")
			}
			fmt.Fprintf(w, "      `%s` is %s%s\n", oneLine(m.Expr, 70), m.Meaning, where)
		}
	}

	fmt.Fprintln(w, "\nVerdicts that hold or fail in every draw, and what changes that:")
	if len(rep.Fixed) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, fx := range rep.Fixed {
		verb := "holds"
		if !fx.Holds {
			verb = "fails"
		}
		fmt.Fprintf(w, "  %s %s in %s", fx.Hypothesis, verb, everyDraw(fx.Hypothesis))
		if len(fx.BrokenBy) == 0 {
			fmt.Fprintf(w, ", and in every draw of all %d variants", rep.Tested)
			if len(fx.Reasons) == 0 {
				fmt.Fprint(w, ": it does not hang on any single element the audit changes")
			}
		}
		fmt.Fprintln(w)
		if len(fx.Reasons) > 0 {
			fmt.Fprintln(w, "      settled by how it is written (above)")
		}
		for i, b := range fx.BrokenBy {
			if i == 5 {
				fmt.Fprintf(w, "      and %d more variants\n", len(fx.BrokenBy)-5)
				break
			}
			p := b.Perturbation
			fmt.Fprintf(w, "      %s  %s: %s → holds in %s\n", at(rep.File, p.Pos), p.What, p.Change, fmtShare(b.After))
		}
	}

	fmt.Fprintln(w, "\nVariants that flip a verdict (share where it holds, file → variant):")
	if len(rep.Flips) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, g := range groupFlips(rep.Flips) {
		p := g[0].Perturbation
		fmt.Fprintf(w, "  %s  %s\n      %s\n", at(rep.File, p.Pos), p.What, p.Change)
		for _, f := range g {
			fmt.Fprintf(w, "      %s %s → %s (%s → %s)\n", f.Hypothesis, f.VerdictFrom, f.VerdictTo, fmtShare(f.Before), fmtShare(f.After))
		}
	}

	fmt.Fprintln(w, "\nFixed numbers that decide a verdict:")
	if len(rep.Decisive) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, d := range rep.Decisive {
		fmt.Fprintf(w, "  %s  %s = %s flips %s\n      %s\n", at(rep.File, d.Element.Pos), d.Element.What, d.Element.Value, strings.Join(d.Hypotheses, ", "), d.Suggestion)
	}
	if len(rep.Marginal) > 0 {
		var parts []string
		for _, v := range rep.Marginal {
			parts = append(parts, fmt.Sprintf("%s (%s)", v.Hypothesis, fmtShare(v.Share)))
		}
		fmt.Fprintf(w, "\nVerdicts within %.0f points of a threshold, which the smallest change flips: %s\n", 100*audit.MinChange, strings.Join(parts, ", "))
	}
	if len(rep.NotTested) > 0 {
		fmt.Fprintf(w, "\nVariants not tested: %d\n", len(rep.NotTested))
		for _, n := range rep.NotTested {
			fmt.Fprintf(w, "  %s  %s: %s\n", at(rep.File, n.Perturbation.Pos), n.Perturbation.Change, oneLine(n.Why, 100))
		}
	}
}

func kindPlural(k string, n int) string {
	if n == 1 {
		return k
	}
	switch k {
	case audit.KindOrder:
		return "rule orders"
	case audit.KindMixture:
		return "mixtures"
	}
	return k + "s"
}

// firstClause cuts a definitional text before its list of restatements,
// which the text output prints one per line.
func firstClause(s string) string {
	if i := strings.Index(s, ": `"); i >= 0 {
		return s[:i]
	}
	return s
}

// groupFlips groups flips by the variant that causes them, keeping the
// order of each group's largest flip.
func groupFlips(flips []audit.Flip) [][]audit.Flip {
	idx := map[string]int{}
	var out [][]audit.Flip
	for _, f := range flips {
		k := fmt.Sprintf("%v|%s|%s", f.Perturbation.Pos, f.Perturbation.What, f.Perturbation.Change)
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], f)
	}
	return out
}

// JSON schema of `truce audit --format json` (docs/sensitivity.md).
type auditJSON struct {
	Scenario     string           `json:"scenario"`
	Draws        int              `json:"draws"`
	Seed         uint64           `json:"seed"`
	Tested       int              `json:"variants_tested"`
	Baseline     []auditVerdict   `json:"baseline"`
	Definitional []auditDefJSON   `json:"definitional"`
	Fixed        []auditFixedJSON `json:"fixed"`
	Flips        []auditFlipJSON  `json:"flips"`
	Decisive     []auditDecisive  `json:"decisive_numbers"`
	Marginal     []auditVerdict   `json:"marginal"`
	NotTested    []auditNotTested `json:"not_tested"`
	// NotAudited: the costly hypotheses left out (without --audit-costly).
	NotAudited *auditNotAudited `json:"hypotheses_not_audited,omitempty"`
}

// auditNotAudited lists the hypotheses with their own draws: the audit
// left out, why, and the command that audits them.
type auditNotAudited struct {
	Why        string                       `json:"why"`
	Hypotheses []scenario.SkippedHypothesis `json:"hypotheses"`
	Command    string                       `json:"command"`
}

const notAuditedWhy = "each sets its own draws:, which marks it as costly (a search of the equilibrium set or of commitments on each draw, say): auditing it costs that many evaluations in the file and in every variant. No share, flip or fixed verdict of this audit is about it; the definitional check reads it"

// writeNotAudited writes the note listing the costly hypotheses the audit
// left out and the command that audits them.
func writeNotAudited(w io.Writer, na *auditNotAudited) {
	if na == nil {
		return
	}
	lo, hi := na.Hypotheses[0].Draws, na.Hypotheses[0].Draws
	for _, h := range na.Hypotheses {
		lo, hi = min(lo, h.Draws), max(hi, h.Draws)
	}
	draws := fmt.Sprint(hi)
	if lo < hi {
		draws = fmt.Sprintf("%d–%d", lo, hi)
	}
	fmt.Fprintf(w, "\nNot audited (costly: %s draws each): %s\n", draws, nounCount(len(na.Hypotheses), "hypothesis", "hypotheses"))
	fmt.Fprintln(w, "  Each sets its own draws:, which marks it as costly (a search of the equilibrium set or of")
	fmt.Fprintln(w, "  commitments on each draw, say): auditing it costs that many evaluations in the file and in")
	fmt.Fprintln(w, "  every variant. No share, flip or fixed verdict above is about them; the definitional check")
	fmt.Fprintln(w, "  reads them.")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, h := range na.Hypotheses {
		fmt.Fprintf(tw, "  %s\tnot audited\t(draws: %d)\t%s\n", h.ID, h.Draws, oneLine(h.Claim, 100))
	}
	tw.Flush()
	fmt.Fprintf(w, "  audit them too (slow): %s\n", na.Command)
}

type auditVerdict struct {
	Hypothesis string  `json:"hypothesis"`
	At         string  `json:"at"`
	Share      float64 `json:"share"`
	Verdict    string  `json:"verdict"`
	// EvaluatedDraws: a hypothesis with draws: N is audited on the first
	// N draws only (absent when on every draw).
	EvaluatedDraws int `json:"evaluated_draws,omitempty"`
}

type auditDefJSON struct {
	Hypothesis string           `json:"hypothesis"`
	At         string           `json:"at"`
	Kind       string           `json:"kind"`
	Text       string           `json:"text"`
	Matches    []auditMatchJSON `json:"restatements"`
}

type auditMatchJSON struct {
	Expr    string   `json:"expr"`
	Meaning string   `json:"meaning"`
	Rules   []string `json:"payoff_rules"`
}

type auditElementJS struct {
	Kind   string `json:"kind"`
	What   string `json:"what"`
	At     string `json:"at"`
	Value  string `json:"value"`
	Change string `json:"change"`
}

type auditFixedJSON struct {
	Hypothesis string          `json:"hypothesis"`
	Holds      bool            `json:"holds"`
	Reasons    []string        `json:"reasons"`
	BrokenBy   []auditFlipJSON `json:"broken_by"`
}

type auditFlipJSON struct {
	Hypothesis string         `json:"hypothesis"`
	Element    auditElementJS `json:"element"`
	Before     float64        `json:"share_before"`
	After      float64        `json:"share_after"`
	From       string         `json:"verdict_before"`
	To         string         `json:"verdict_after"`
}

type auditDecisive struct {
	Element    auditElementJS `json:"element"`
	Hypotheses []string       `json:"hypotheses"`
	Tried      []float64      `json:"tried"`
	Suggestion string         `json:"suggestion"`
}

type auditNotTested struct {
	Element auditElementJS `json:"element"`
	Why     string         `json:"why"`
}

func writeAuditJSON(w io.Writer, rep *audit.Report, na *auditNotAudited) error {
	el := func(p audit.Perturbation) auditElementJS {
		return auditElementJS{Kind: p.Kind, What: p.What, At: at(rep.File, p.Pos), Value: p.Value, Change: p.Change}
	}
	flip := func(f audit.Flip) auditFlipJSON {
		return auditFlipJSON{Hypothesis: f.Hypothesis, Element: el(f.Perturbation), Before: f.Before, After: f.After, From: f.VerdictFrom, To: f.VerdictTo}
	}
	verdicts := func(vs []audit.Verdict) []auditVerdict {
		out := []auditVerdict{}
		for _, v := range vs {
			out = append(out, auditVerdict{Hypothesis: v.Hypothesis, At: at(rep.File, v.Pos), Share: v.Share, Verdict: v.Verdict, EvaluatedDraws: v.Evaluated})
		}
		return out
	}
	js := auditJSON{Scenario: rep.File, Draws: rep.Draws, Seed: rep.Seed, Tested: rep.Tested, Baseline: verdicts(rep.Baseline), Marginal: verdicts(rep.Marginal),
		Definitional: []auditDefJSON{}, Fixed: []auditFixedJSON{}, Flips: []auditFlipJSON{}, Decisive: []auditDecisive{}, NotTested: []auditNotTested{}, NotAudited: na}
	for _, d := range rep.Definitional {
		dj := auditDefJSON{Hypothesis: d.Hypothesis, At: at(rep.File, d.Pos), Kind: d.Kind, Text: d.Text, Matches: []auditMatchJSON{}}
		for _, m := range d.Matches {
			mj := auditMatchJSON{Expr: m.Expr, Meaning: m.Meaning, Rules: []string{}}
			for _, r := range m.Rules {
				mj.Rules = append(mj.Rules, at(rep.File, r))
			}
			dj.Matches = append(dj.Matches, mj)
		}
		js.Definitional = append(js.Definitional, dj)
	}
	for _, fx := range rep.Fixed {
		fj := auditFixedJSON{Hypothesis: fx.Hypothesis, Holds: fx.Holds, Reasons: append([]string{}, fx.Reasons...), BrokenBy: []auditFlipJSON{}}
		for _, b := range fx.BrokenBy {
			fj.BrokenBy = append(fj.BrokenBy, flip(b))
		}
		js.Fixed = append(js.Fixed, fj)
	}
	for _, f := range rep.Flips {
		js.Flips = append(js.Flips, flip(f))
	}
	for _, d := range rep.Decisive {
		js.Decisive = append(js.Decisive, auditDecisive{Element: auditElementJS{Kind: d.Element.Kind, What: d.Element.What, At: at(rep.File, d.Element.Pos), Value: d.Element.Value},
			Hypotheses: d.Hypotheses, Tried: d.Tried, Suggestion: d.Suggestion})
	}
	for _, n := range rep.NotTested {
		js.NotTested = append(js.NotTested, auditNotTested{Element: el(n.Perturbation), Why: n.Why})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(js)
}
