// Package audit checks how a scenario's verdicts depend on the way the file
// is built rather than on its stated uncertainty: it flags hypotheses that
// restate the payoff rules, and re-analyses the file with each fixed
// number, strategy mixture, overlapping rule order and ending changed in
// turn, naming the elements whose change flips a verdict.
package audit

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/sensitivity"
)

// Options control Run.
type Options struct {
	Draws    int // parameter draws each variant is analysed on; default 200
	Seed     uint64
	Workers  int
	MPE      equilibrium.Options
	Progress func(done, total int) // variants analysed so far
	// Costly audits the hypotheses with their own draws: (those the file
	// marks as costly: a search of the equilibrium set or of commitments
	// on each draw) on their first N draws, in the file and in every
	// variant (truce audit --audit-costly). Without it they are left out
	// of the file's shares and of every variant, and Report.NotAudited
	// lists them: each would cost N searches per variant, and a variant
	// changes one element of the file, so the audit of the other
	// hypotheses does not need them. The definitional check reads them
	// either way (it runs no analysis).
	Costly bool
}

// DefaultDraws is the number of draws each variant is analysed on.
const DefaultDraws = 200

// Report is the construction check of one file.
type Report struct {
	File  string
	Draws int
	Seed  uint64
	// Baseline is each hypothesis on the file as written.
	Baseline []Verdict
	// Tested is the number of variants analysed, TestedByKind per element
	// kind; NotTested those the scenario rejects (with why).
	Tested       int
	TestedByKind map[string]int
	NotTested    []NotTested
	// Fixed are the hypotheses that hold, or fail, in every draw, with
	// why.
	Fixed []Fixed
	// Definitional hypotheses are settled by how they are written.
	Definitional []Definitional
	// Flips are the variants that change a verdict (supported, uncertain,
	// rejected), largest change of share first.
	Flips []Flip
	// Decisive are the fixed numbers whose change flips a verdict.
	Decisive []Decisive
	// Marginal verdicts are within MinChange of a verdict threshold: the
	// smallest change can flip them.
	Marginal []Verdict
	// NotAudited are the costly hypotheses left out (without
	// Options.Costly), in file order: no share, flip or fixed verdict
	// above is about them; only Definitional may name them.
	NotAudited []scenario.SkippedHypothesis
}

// MinChange is the smallest change of a hypothesis's share of draws that
// counts as a flip of its verdict: a verdict that sits at a threshold
// changes with one draw, which says little about the element changed.
const MinChange = 0.05

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// Verdict is a hypothesis on some variant of the file.
type Verdict struct {
	Hypothesis string
	Claim      string
	Pos        scenario.Pos
	Share      float64 // of the draws where it holds
	Verdict    string
	// Evaluated is set for a hypothesis with draws: N below the audit's
	// draws: its shares, on the file and on every variant, are over the
	// first N draws (the same draws for all, so a change is paired).
	Evaluated int
}

// Fixed is a hypothesis that holds (or fails) in every draw.
type Fixed struct {
	Hypothesis string
	Holds      bool
	// Reasons from the definitional checks; BrokenBy the variants under
	// which it no longer holds (fails) in every draw, largest effect first.
	Reasons  []string
	BrokenBy []Flip
}

// Flip is a variant that changes a hypothesis's verdict or share.
type Flip struct {
	Hypothesis   string
	Perturbation Perturbation
	Before       float64
	After        float64
	VerdictFrom  string
	VerdictTo    string
}

// Decisive is a fixed number whose change flips verdicts.
type Decisive struct {
	Element    Element
	Hypotheses []string
	Tried      []float64
	Suggestion string
}

// NotTested is a variant the scenario does not accept.
type NotTested struct {
	Perturbation Perturbation
	Why          string
}

// Run audits the scenario file src (named file).
func Run(ctx context.Context, file string, src []byte, opt Options) (*Report, error) {
	if opt.Draws == 0 {
		opt.Draws = DefaultDraws
	}
	sc, diags := scenario.Parse(file, src)
	if sc == nil {
		return nil, fmt.Errorf("%s has errors: %s", file, firstError(diags))
	}
	s, err := newSource(src)
	if err != nil {
		return nil, err
	}
	rep := &Report{File: file, Draws: opt.Draws, Seed: opt.Seed, TestedByKind: map[string]int{}}
	// The definitional check runs no analysis: it reads every hypothesis,
	// the costly ones too.
	rep.Definitional = definitional(sc, payoffRulesByState(s), opt.Seed)
	if !opt.Costly {
		for _, h := range sc.SkipSubsampled() {
			rep.NotAudited = append(rep.NotAudited, scenario.SkippedHypothesis{ID: h.ID, Claim: h.Claim, Draws: h.Draws})
		}
	}
	if len(sc.Hypotheses) == 0 {
		if len(rep.NotAudited) > 0 {
			return nil, fmt.Errorf("%s: every hypothesis sets its own draws: (the file marks them as costly), which the audit leaves out unless asked (--audit-costly): there is no other verdict to audit", file)
		}
		return nil, fmt.Errorf("%s has no hypotheses: there is no verdict to audit", file)
	}
	pert := perturbations(s, sc)
	total := len(pert) + 1
	tick := func(done int) {
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
	}
	eval := sensitivity.EvalOptions{Workers: opt.Workers}
	draws := opt.Draws
	if !sc.Random() {
		draws = 1
		rep.Draws = 1
	}
	// The file as written fills a memo of its figures on the draws; a
	// variant reuses those whose every input it leaves as it was (a
	// varied strategy leaves the game and the profiles without it
	// unchanged), so each variant computes only what it changes. Without
	// the memory for it, every variant computes everything.
	var memo *scenario.Memo
	if budget.Check(ctx, "the audit's memo of figures", sc.MemoBytes(draws), "") == nil {
		memo = scenario.NewMemo()
	}
	ids, base, err := sensitivity.HypothesisDrawsMemo(ctx, sc, nil, draws, opt.Seed, opt.MPE, eval, memo)
	if err != nil {
		return nil, err
	}
	if memo != nil {
		memo.Freeze()
	}
	tick(1)
	baseShare := shares(sc, base)
	for h, id := range ids {
		hy := sc.Hypotheses[h]
		v := Verdict{Hypothesis: id, Claim: hy.Claim, Pos: hy.Pos, Share: baseShare[h], Verdict: scenario.Verdict(baseShare[h])}
		if hy.Subsampled(draws) {
			v.Evaluated = hy.Draws
		}
		rep.Baseline = append(rep.Baseline, v)
	}
	broken := make([][]Flip, len(ids))
	for i, p := range pert {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tick(i + 2)
		if p.skip != "" {
			rep.NotTested = append(rep.NotTested, NotTested{Perturbation: p, Why: p.skip})
			continue
		}
		vsc, ds := scenario.Parse(file, s.apply(p.edits))
		if vsc == nil {
			rep.NotTested = append(rep.NotTested, NotTested{Perturbation: p, Why: firstError(ds)})
			continue
		}
		if !opt.Costly {
			vsc.SkipSubsampled()
		}
		vids, holds, err := sensitivity.HypothesisDrawsMemo(ctx, vsc, nil, draws, opt.Seed, opt.MPE, eval, memo)
		if err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				return nil, err
			}
			rep.NotTested = append(rep.NotTested, NotTested{Perturbation: p, Why: err.Error()})
			continue
		}
		if strings.Join(vids, ",") != strings.Join(ids, ",") {
			rep.NotTested = append(rep.NotTested, NotTested{Perturbation: p, Why: "the variant has other hypotheses"})
			continue
		}
		rep.Tested++
		rep.TestedByKind[p.Kind]++
		after := shares(sc, holds)
		for h := range ids {
			f := Flip{Hypothesis: ids[h], Perturbation: p, Before: baseShare[h], After: after[h],
				VerdictFrom: scenario.Verdict(baseShare[h]), VerdictTo: scenario.Verdict(after[h])}
			if f.VerdictFrom != f.VerdictTo && flipSize(f) >= MinChange {
				rep.Flips = append(rep.Flips, f)
			}
			if (baseShare[h] == 1 && after[h] < 1) || (baseShare[h] == 0 && after[h] > 0) {
				broken[h] = append(broken[h], f)
			}
		}
	}
	sort.SliceStable(rep.Flips, func(i, j int) bool { return flipSize(rep.Flips[i]) > flipSize(rep.Flips[j]) })
	for h, id := range ids {
		if baseShare[h] != 0 && baseShare[h] != 1 {
			continue
		}
		fx := Fixed{Hypothesis: id, Holds: baseShare[h] == 1, BrokenBy: broken[h]}
		sort.SliceStable(fx.BrokenBy, func(i, j int) bool { return flipSize(fx.BrokenBy[i]) > flipSize(fx.BrokenBy[j]) })
		for _, d := range rep.Definitional {
			if d.Hypothesis == id {
				fx.Reasons = append(fx.Reasons, d.Text)
			}
		}
		rep.Fixed = append(rep.Fixed, fx)
	}
	rep.Decisive = decisive(rep.Flips, pert)
	for _, v := range rep.Baseline {
		if v.Share != 0 && v.Share != 1 && (abs(v.Share-scenario.SupportedShare) < MinChange || abs(v.Share-scenario.RejectedShare) < MinChange) {
			rep.Marginal = append(rep.Marginal, v)
		}
	}
	return rep, nil
}

func flipSize(f Flip) float64 { return abs(f.After - f.Before) }

// shares are, per hypothesis of sc, the share of the draws in which it
// holds: of the first N draws for a hypothesis with draws: N (the ones it
// is evaluated on).
func shares(sc *scenario.Scenario, holds [][]bool) []float64 {
	out := make([]float64, len(holds))
	for h, hs := range holds {
		if d := sc.Hypotheses[h].Draws; d > 0 && d < len(hs) {
			hs = hs[:d]
		}
		n := 0
		for _, b := range hs {
			if b {
				n++
			}
		}
		out[h] = float64(n) / float64(max(len(hs), 1))
	}
	return out
}

func firstError(ds []scenario.Diagnostic) string {
	for _, d := range ds {
		if d.Severity == "error" {
			return fmt.Sprintf("%d:%d: %s", d.Line, d.Col, d.Msg)
		}
	}
	return "the file has errors"
}

// decisive gathers, per fixed number, the hypotheses its changes flip and
// suggests making it a parameter over the range tried.
func decisive(flips []Flip, pert []Perturbation) []Decisive {
	type key struct {
		pos  scenario.Pos
		what string
	}
	tried := map[key][]float64{}
	for _, p := range pert {
		if p.IsNumber {
			k := key{p.Pos, p.What}
			tried[k] = append(tried[k], p.To)
		}
	}
	idx := map[key]int{}
	var out []Decisive
	for _, f := range flips {
		p := f.Perturbation
		if !p.IsNumber {
			continue
		}
		k := key{p.Pos, p.What}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			lo, hi := p.From, p.From
			for _, x := range tried[k] {
				lo, hi = min(lo, x), max(hi, x)
			}
			out = append(out, Decisive{Element: p.Element, Tried: tried[k], Suggestion: suggestion(p, lo, hi)})
		}
		if d := &out[i]; !containsStr(d.Hypotheses, f.Hypothesis) {
			d.Hypotheses = append(d.Hypotheses, f.Hypothesis)
		}
	}
	return out
}

// suggestion says how to turn a decisive fixed number into a parameter
// with the range the audit tried, its value as the most likely one.
func suggestion(p Perturbation, lo, hi float64) string {
	rng := fmt.Sprintf("{dist: triangular, min: %s, mode: %s, max: %s}", shortNum(lo), shortNum(p.From), shortNum(hi))
	switch {
	case p.InExpr:
		return fmt.Sprintf("name %s as a parameter with a range, e.g. %s, and use the name in the expression", p.Value, rng)
	case p.Kind == KindNumber && strings.HasPrefix(p.What, "parameter "):
		return fmt.Sprintf("give %s a distribution instead of the fixed %s, e.g. %s", strings.TrimPrefix(p.What, "parameter "), p.Value, rng)
	}
	return fmt.Sprintf("make it a parameter with a range, e.g. %s, and write the parameter's name in place of %s", rng, p.Value)
}

func containsStr(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
