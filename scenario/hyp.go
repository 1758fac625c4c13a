package scenario

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"gonum.org/v1/gonum/stat/distuv"
	"strconv"
	"strings"
)

// hypProgram is a compiled hypothesis: its quantity calls replaced by
// variables __q0, __q1, ... that are set per draw.
type hypProgram struct {
	prog *vm.Program
}

// Verdict thresholds on the share of draws in which a hypothesis holds.
const (
	SupportedShare = 0.9
	RejectedShare  = 0.1
)

// Verdict names the evidence for a hypothesis holding in share of draws:
// "supported" (share >= 0.9), "rejected" (share <= 0.1), else "uncertain".
func Verdict(share float64) string {
	switch {
	case share >= SupportedShare:
		return "supported"
	case share <= RejectedShare:
		return "rejected"
	}
	return "uncertain"
}

func (c *compiler) parseHypotheses(e kv) {
	items, ok := c.sequence(e.val, "hypotheses")
	if !ok {
		return
	}
	seen := map[string]bool{}
	for _, it := range items {
		kvs, ok := c.mapping(it, "a hypothesis", posOf(it))
		if !ok {
			continue
		}
		c.checkKeys(kvs, "hypothesis", withInfo("id", "claim", "expr", "draws")...)
		h := Hypothesis{Pos: posOf(it), Info: c.info(kvs)}
		var exprKV *kv
		for i, f := range kvs {
			switch f.key {
			case "id":
				h.ID, h.Pos, _ = c.name(f.val, "hypothesis id", f.kpos)
			case "claim":
				h.Claim, _ = c.text(f.val, "claim", f.kpos)
			case "expr":
				exprKV = &kvs[i]
			case "draws":
				h.Draws = c.hypDraws(f)
			}
		}
		if h.ID == "" {
			c.d.errorf(posOf(it), "add `id: H1`", "hypothesis without id")
			continue
		}
		if seen[h.ID] {
			c.d.errorf(h.Pos, "", "duplicate hypothesis %q", h.ID)
			continue
		}
		seen[h.ID] = true
		if exprKV == nil {
			c.d.errorf(h.Pos, `add e.g. expr: reach("war", 52, "baseline") < 0.15`, "hypothesis %q has no `expr`", h.ID)
			continue
		}
		src, kind := scalarText(exprKV.val)
		if kind != "string" {
			c.d.errorf(posOf(exprKV.val), "", "hypothesis expr must be text")
			continue
		}
		h.Expr = src
		if !c.compileHyp(&h, src, posOf(exprKV.val), isQuoted(exprKV.val)) {
			continue
		}
		c.sc.Hypotheses = append(c.sc.Hypotheses, h)
	}
}

func (c *compiler) compileHyp(h *Hypothesis, src string, pos Pos, quoted bool) bool {
	p, patched, ok := c.checkExpr(src, pos, quoted, true)
	if !ok {
		return false
	}
	opts := append(baseOptions(), expr.Env(c.usedEnv(p)), expr.AsBool())
	prog, err := compileSafely(patched, opts)
	if err != nil {
		c.d.errorf(pos, "a hypothesis is a true/false statement, e.g. absorb(\"war\", \"baseline\") < 0.2", "invalid hypothesis: %v", firstLine(err.Error()))
		return false
	}
	h.prog = hypProgram{prog: prog}
	seen := map[*quantity]bool{}
	for _, q := range p.quants {
		if !seen[q] {
			seen[q] = true
			h.quant = append(h.quant, q)
		}
	}
	return true
}

// hypDraws reads a hypothesis's `draws: N`, a whole number >= 1 (0 when
// it is invalid, after reporting why).
func (c *compiler) hypDraws(f kv) int {
	n, ok := c.intNum(f.val, "hypothesis draws", f.kpos)
	if !ok {
		return 0
	}
	if n < 1 {
		c.d.errorf(posOf(f.val), "use a whole number of draws >= 1, e.g. `draws: 100`, or leave `draws:` out to evaluate on every draw", "hypothesis draws %d: must be at least 1", n)
		return 0
	}
	return n
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}

// EvaluatedOn reports whether the hypothesis is evaluated on draw i of a
// run (0-based, in the run's order): always without `draws:`, else on
// draws 0..Draws-1. The subsample is a prefix, so it is the same for any
// number of workers or shards and a bigger run contains a smaller one's.
func (h *Hypothesis) EvaluatedOn(i int) bool { return h.Draws == 0 || i < h.Draws }

// Subsampled reports whether a run of draws draws evaluates h on fewer of
// them than it makes.
func (h *Hypothesis) Subsampled(draws int) bool { return h.Draws > 0 && h.Draws < draws }

// quantDraws returns, per quantity of sc.quantities, how many of a run's
// first draws need it: 0 (every draw) when a hypothesis evaluated on every
// draw reads it or none does, else the largest `draws:` of the hypotheses
// that read it.
func (sc *Scenario) quantDraws() []int {
	lim := make([]int, len(sc.quantities))
	read := make([]bool, len(sc.quantities))
	idx := make(map[*quantity]int, len(sc.quantities))
	for i, q := range sc.quantities {
		idx[q] = i
	}
	all := make([]bool, len(sc.quantities))
	for _, h := range sc.Hypotheses {
		for _, q := range h.quant {
			i, ok := idx[q]
			if !ok {
				continue
			}
			read[i] = true
			if h.Draws == 0 {
				all[i] = true
			}
			lim[i] = max(lim[i], h.Draws)
		}
	}
	for i := range lim {
		if all[i] || !read[i] {
			lim[i] = 0
		}
	}
	return lim
}

// The share of a subsample. A hypothesis evaluated on n of a run's draws,
// holding on k, reports the share k/n with its Jeffreys 95% interval (the
// 2.5% and 97.5% quantiles of Beta(k+½, n−k+½), lower end 0 when k = 0 and
// upper end 1 when k = n; Brown, Cai and DasGupta 2001, "Interval
// estimation for a binomial proportion"): an interval for the share of
// draws in which the claim holds under the assumptions, i.e. the share an
// unlimited run would find. Its verdict is the category both ends of the
// interval fall in; when they fall in different categories the subsample
// does not settle it and the verdict is "unsettled" (VerdictRange names the
// categories the interval spans).

// ShareLevel is the coverage of the interval of a subsample's share.
const ShareLevel = 0.95

// Unsettled is the verdict of a hypothesis whose subsample's interval
// spans more than one verdict category.
const Unsettled = "unsettled"

// ShareInterval returns the Jeffreys interval at ShareLevel for a share of
// k successes in n trials (n >= 1).
func ShareInterval(k, n int) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	return WeightedShareInterval(float64(k)/float64(n), float64(n))
}

// WeightedShareInterval is ShareInterval for a weighted share of draws
// (importance weights) whose effective sample size is ess (Kish: (Σw)² /
// Σw²): Beta(share·ess+½, (1−share)·ess+½). It is an approximation, exact
// for equal weights; with ess 0 nothing is known and it is [0, 1].
func WeightedShareInterval(share, ess float64) (lo, hi float64) {
	if !(ess > 0) {
		return 0, 1
	}
	a := (1 - ShareLevel) / 2
	b := distuv.Beta{Alpha: share*ess + 0.5, Beta: (1-share)*ess + 0.5}
	lo, hi = 0, 1
	if share > 0 {
		lo = b.Quantile(a)
	}
	if share < 1 {
		hi = b.Quantile(1 - a)
	}
	return lo, hi
}

// SubsampleVerdict is the verdict of a share whose interval is [lo, hi]:
// the category of both ends when they agree, else Unsettled; between
// lists the categories from the lower end's to the upper end's.
func SubsampleVerdict(lo, hi float64) (verdict string, between []string) {
	vlo, vhi := Verdict(lo), Verdict(hi)
	if vlo == vhi {
		return vlo, nil
	}
	between = []string{vlo}
	if vlo == "rejected" && vhi == "supported" {
		between = append(between, "uncertain")
	}
	return Unsettled, append(between, vhi)
}

// VerdictText is how text output writes a verdict: Unsettled as "not
// settled", the others as they are.
func VerdictText(v string) string {
	if v == Unsettled {
		return "not settled"
	}
	return v
}

// Analysed is the number of draws analysed: Draws less the failed ones.
func (r *AnalysisReport) Analysed() int {
	if r.Failed != nil {
		return r.Draws - r.Failed.Count
	}
	return r.Draws
}

// SubsampleLine says, for a hypothesis evaluated on a subsample of the
// run's of analysed draws, what its share is over and how sure it is, e.g.
// "on 50 of 1000 draws: 95% interval 81.2%–97.9%, so the subsample does not
// settle the verdict (uncertain or supported)". It is empty for a hypothesis
// evaluated on every draw.
func (h *HypothesisReport) SubsampleLine(of int) string {
	if h.EvaluatedDraws == 0 || h.ShareInterval == nil {
		return ""
	}
	s := fmt.Sprintf("on %d of %d draws: %.0f%% interval %s–%s", h.EvaluatedDraws, of, 100*ShareLevel,
		pct1(float64(h.ShareInterval[0])), pct1(float64(h.ShareInterval[1])))
	if h.Verdict == Unsettled {
		return s + ", so the subsample does not settle the verdict (" + strings.Join(h.VerdictBetween, " or ") + ")"
	}
	return s + ", inside the " + h.Verdict + " range"
}

// pct1 writes a share as a percentage with one decimal.
func pct1(x float64) string { return strconv.FormatFloat(100*x, 'f', 1, 64) + "%" }

// costlyFuncs are the hypothesis functions that run a search on every
// draw (the equilibrium set, the commitment search): seconds per draw on a
// scenario the size of the bundled one, where the others take
// milliseconds. The lint suggests `draws:` for a hypothesis that calls one.
func costlyFuncs(name string) (what string, costly bool) {
	switch name {
	case "equilibria", "min_value", "max_value", "min_absorb", "max_absorb", "min_reach", "max_reach":
		return "searches the equilibrium set", true
	case "commit_value", "commit_follower_value", "commit_gain":
		return "searches the commitments", true
	}
	return "", false
}

// costlyHypotheses notes each hypothesis without `draws:` that calls a
// costly function: evaluated on every one of analyze's draws (1000 by
// default) it can take many minutes.
func (l *linter) costlyHypotheses() {
	if !l.sc.Random() {
		return // one draw: nothing to subsample
	}
	for _, h := range l.sc.Hypotheses {
		if h.Draws > 0 {
			continue
		}
		for _, q := range h.quant {
			if what, ok := costlyFuncs(q.fn.name); ok {
				l.notef(h.Pos, "add `draws: 100` to evaluate it on each run's first 100 draws only: its share is then over those, with a 95% interval (docs/scenario.md, Hypotheses)",
					"hypothesis %s calls %s, which %s on every draw (seconds per draw on a scenario of some size): over analyze's %d default draws that can take many minutes", h.ID, q.key, what, DefaultDraws)
				break
			}
		}
	}
}

// EvaluateEveryDraw drops every hypothesis's `draws:`, so that each is
// evaluated on every draw (truce analyze --hypothesis-draws all).
func (sc *Scenario) EvaluateEveryDraw() {
	for i := range sc.Hypotheses {
		sc.Hypotheses[i].Draws = 0
	}
}

// SkipSubsampled removes from sc every hypothesis with its own `draws:`
// (those the file marks as costly), and the quantities only they read, so
// that a run evaluates none of them (truce analyze --hypothesis-draws
// none). What it removed is kept in sc.NotEvaluated, in file order, for
// the reports to list as not evaluated; it returns them.
func (sc *Scenario) SkipSubsampled() []Hypothesis {
	dropped := sc.keepHypotheses(func(h Hypothesis) bool { return h.Draws == 0 })
	if dropped == nil {
		return nil
	}
	sc.NotEvaluated = append(sc.NotEvaluated, dropped...)
	return sc.NotEvaluated
}

// OnlySubsampled removes from sc every hypothesis without its own
// `draws:`, and the quantities only they read, so that a run evaluates
// the costly ones alone (the demo's kept run of them). It returns the
// hypotheses kept.
func (sc *Scenario) OnlySubsampled() []Hypothesis {
	sc.keepHypotheses(func(h Hypothesis) bool { return h.Draws > 0 })
	return sc.Hypotheses
}

// KeepHypotheses removes from sc every hypothesis not named in ids, and
// the quantities only those read, so that a run evaluates only the named
// ones (a sweep of one hypothesis must not pay, at every point, for a
// search of the equilibrium set another one asks for). It returns those
// removed, nil when none. Unknown ids are ignored: callers check them.
func (sc *Scenario) KeepHypotheses(ids []string) []Hypothesis {
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	return sc.keepHypotheses(func(h Hypothesis) bool { return want[h.ID] })
}

// keepHypotheses keeps the hypotheses for which keep is true, and the
// quantities they read; it returns those dropped, nil when none.
func (sc *Scenario) keepHypotheses(keep func(Hypothesis) bool) []Hypothesis {
	kept := sc.Hypotheses[:0:0]
	var dropped []Hypothesis
	read := map[*quantity]bool{}
	for _, h := range sc.Hypotheses {
		if !keep(h) {
			dropped = append(dropped, h)
			continue
		}
		kept = append(kept, h)
		for _, q := range h.quant {
			read[q] = true
		}
	}
	if len(dropped) == 0 {
		return nil
	}
	sc.Hypotheses = kept
	// A quantity no hypothesis reads would still be computed on every
	// draw (quantDraws): drop it.
	var quants []*quantity
	for _, q := range sc.quantities {
		if read[q] {
			quants = append(quants, q)
		}
	}
	sc.quantities = quants
	return dropped
}

// NotEvaluated lists hypotheses a run left out (--hypothesis-draws none)
// and the command that evaluates them, so that no report shows them as
// evaluated.
type NotEvaluated struct {
	Hypotheses []SkippedHypothesis `json:"hypotheses"`
	// Command evaluates them on the file's draws (set by the command line).
	Command string `json:"command,omitempty"`
}

// SkippedHypothesis is one hypothesis a run left out: its own `draws:`
// marks it as costly.
type SkippedHypothesis struct {
	ID    string `json:"id"`
	Claim string `json:"claim"`
	Draws int    `json:"draws"`
}

// NotEvaluatedReport describes sc.NotEvaluated for a report, with the
// command that evaluates them; nil when nothing was left out.
func (sc *Scenario) NotEvaluatedReport(command string) *NotEvaluated {
	return NewNotEvaluated(sc.NotEvaluated, command)
}

// NewNotEvaluated describes the hypotheses hs left out of a run, with the
// command that evaluates them; nil when hs is empty.
func NewNotEvaluated(hs []Hypothesis, command string) *NotEvaluated {
	if len(hs) == 0 {
		return nil
	}
	ne := &NotEvaluated{Command: command}
	for _, h := range hs {
		ne.Hypotheses = append(ne.Hypotheses, SkippedHypothesis{ID: h.ID, Claim: h.Claim, Draws: h.Draws})
	}
	return ne
}

// WriteText writes the note that says which hypotheses were not
// evaluated and how to evaluate them.
func (ne *NotEvaluated) WriteText(w io.Writer) error {
	if ne == nil || len(ne.Hypotheses) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nnot evaluated (--hypothesis-draws none): %d hypothes", len(ne.Hypotheses))
	if len(ne.Hypotheses) == 1 {
		b.WriteString("is that sets its")
	} else {
		b.WriteString("es that set their")
	}
	b.WriteString(" own draws: (the file marks them as costly); no verdict or figure of this run includes them\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, h := range ne.Hypotheses {
		fmt.Fprintf(tw, "  %s\tnot evaluated\t(draws: %d)\t%s\n", h.ID, h.Draws, h.Claim)
	}
	tw.Flush()
	if ne.Command != "" {
		fmt.Fprintf(&b, "  evaluate them with: %s\n", ne.Command)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
