package scenario

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/truce-dev/truce/markov"
)

// Severity "note" marks a lint finding that is worth knowing but is not a
// likely mistake; `truce check --strict` fails on warnings, not notes.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
	SeverityNote    = "note"
)

// exprRead is one expression of the file and the parameters it reads
// (indices into the names of every parameter, drawn and derived).
type exprRead struct {
	pos    Pos
	params map[int]bool
}

// maxLintCombos bounds the (state, previous moves) combinations the
// strategy-rule check enumerates; beyond it that check is skipped.
const maxLintCombos = 200_000

// lintDraws bounds the parameter draws the undefined-quantity check runs
// the exact analysis on (the central draw first, then each parameter at
// its bounds).
const lintDraws = 41

// Lint looks for what a valid scenario allows but an author rarely means:
// weights naming a component no payoff rule pays (a typo of one that is
// paid), parameters no expression reads, strategies no profile uses,
// profiles that repeat another, components nothing pays, hypotheses that
// read a figure that can be undefined (the first-entry time of a state
// never entered), transition and strategy rules that an earlier rule
// shadows for every case they match, and rules that overlap an earlier
// one only in part with a different outcome, so that probabilities depend
// on their order. It returns warnings and notes in file order; it never
// returns errors. ctx bounds the exact analyses of the undefined-quantity
// check (skipped, with a note, when it is cancelled).
func (sc *Scenario) Lint(ctx context.Context) []Diagnostic {
	l := &linter{sc: sc, d: &diags{file: sc.File}}
	l.weights()
	l.unusedParameters()
	l.unusedStrategies()
	l.profiles()
	l.transitionRules()
	l.strategyRules()
	l.undefinedQuantities(ctx)
	l.costlyHypotheses()
	return l.d.sorted()
}

type linter struct {
	sc *Scenario
	d  *diags
}

func (l *linter) notef(p Pos, hint, format string, args ...any) {
	p = at(p)
	l.d.list = append(l.d.list, Diagnostic{File: l.d.file, Line: p.Line, Col: p.Col, Severity: SeverityNote, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// weights: a component that no payoff rule pays adds nothing to anyone's
// total. When an actor's weights name such a component and give 0 to a
// similar one that is paid to that actor, the weight is almost surely a
// typo that also drops the real component from the actor's total.
func (l *linter) weights() {
	sc := l.sc
	nA, nC := len(sc.Actors), len(sc.Components)
	paid := make([]bool, nC)
	paidTo := make([][]bool, nA)
	for a := range paidTo {
		paidTo[a] = make([]bool, nC)
	}
	for _, r := range sc.pays {
		for _, pe := range r.pays {
			if pe.v != nil && pe.v.konst && pe.v.val == 0 {
				continue
			}
			paid[pe.comp] = true
			paidTo[pe.actor][pe.comp] = true
			if sc.Components[pe.comp].ZeroSum {
				for b := range paidTo {
					paidTo[b][pe.comp] = true
				}
			}
		}
	}
	var paidNames []string
	for c, comp := range sc.Components {
		if paid[c] {
			paidNames = append(paidNames, comp.ID)
		}
	}
	for c, comp := range sc.Components {
		if paid[c] || comp.ID == "payoff" && comp.Pos == (Pos{}) {
			continue
		}
		// The typo case: an actor weighs c but gives 0 to a paid
		// component whose name is close to c's.
		typo := false
		for a, act := range sc.Actors {
			if c >= len(act.Weights) || act.Weights[c] == 0 {
				continue
			}
			for k, other := range sc.Components {
				if k == c || !paidTo[a][k] || act.Weights[k] != 0 || !closeNames(comp.ID, other.ID) {
					continue
				}
				l.d.warnf(comp.Pos, fmt.Sprintf("did you mean %q?", other.ID),
					"%s's weights name component %q, which no payoff rule pays, and leave out %q, which payoff rules pay to %s: %q counts 0 in %s's total",
					act.ID, comp.ID, other.ID, act.ID, other.ID, act.ID)
				typo = true
			}
		}
		if typo {
			continue
		}
		hint := "pay it in a payoff rule, or remove it"
		if s := suggest(comp.ID, paidNames); strings.HasPrefix(s, "did you mean") {
			hint = s
		}
		l.d.warnf(comp.Pos, hint, "component %q is unused: no payoff rule pays it, so its weight adds nothing to any actor's total", comp.ID)
	}
}

// closeNames reports whether b is a likely misspelling of a (or a of b).
func closeNames(a, b string) bool {
	d := editDistance(strings.ToLower(a), strings.ToLower(b))
	return d > 0 && d <= max(1, min(len(a), len(b))/3)
}

// unusedParameters: a parameter that no expression reads (directly, or
// through a derived parameter that is itself read) changes nothing.
func (l *linter) unusedParameters() {
	sc := l.sc
	derivedAt := map[Pos]int{} // position of a derived parameter's expression -> its index
	for _, d := range sc.Derived {
		if d.x == nil {
			continue
		}
		for i, n := range sc.paramEnvNames {
			if n == d.Name {
				derivedAt[d.x.pos] = i
			}
		}
	}
	used := make([]bool, len(sc.paramEnvNames))
	reads := map[int][]int{} // derived index -> what its expression reads
	for _, r := range sc.reads {
		if di, ok := derivedAt[r.pos]; ok {
			for p := range r.params {
				reads[di] = append(reads[di], p)
			}
			continue
		}
		for p := range r.params {
			if p < len(used) {
				used[p] = true
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for di, ps := range reads {
			if !used[di] {
				continue
			}
			for _, p := range ps {
				if p < len(used) && !used[p] {
					used[p] = true
					changed = true
				}
			}
		}
	}
	index := map[string]int{}
	for i, n := range sc.paramEnvNames {
		index[n] = i
	}
	for _, p := range sc.Parameters {
		if i, ok := index[p.Name]; ok && !used[i] {
			l.d.warnf(p.Pos, "use it in a rule, payoff, strategy or hypothesis, or remove it", "parameter %q is unused: no expression reads it, so it changes nothing", p.Name)
		}
	}
	for _, d := range sc.Derived {
		if i, ok := index[d.Name]; ok && !used[i] {
			l.d.warnf(d.Pos, "use it in a rule, payoff, strategy or hypothesis, or remove it", "derived parameter %q is unused: no expression reads it", d.Name)
		}
	}
}

// unusedStrategies: a strategy that no profile uses is never analysed.
func (l *linter) unusedStrategies() {
	sc := l.sc
	for a := range sc.Strategies {
		for si, st := range sc.Strategies[a] {
			if st.Pos == (Pos{}) {
				continue // implicit strategy of a passive actor
			}
			used := false
			for _, p := range sc.Profiles {
				used = used || (a < len(p.Strategies) && p.Strategies[a] == si)
			}
			if !used {
				l.d.warnf(st.Pos, fmt.Sprintf("add a profile that uses it, e.g. {%s: %s, ...}, or remove it", sc.Actors[a].ID, st.Name),
					"strategy %q of %s is unused: no profile uses it, so nothing analyses it", st.Name, sc.Actors[a].ID)
			}
		}
	}
}

// profiles: two profiles with the same strategies are the same analysis
// under two names (often a copy whose strategy was not changed); an
// equilibrium profile that no hypothesis reads is computed only on demand.
func (l *linter) profiles() {
	sc := l.sc
	usedByHyp := sc.profilesRead()
	for i, p := range sc.Profiles {
		if p.Solve != "" {
			if !usedByHyp[i] && p.Pos != (Pos{1, 1}) {
				l.notef(p.Pos, fmt.Sprintf("truce analyze --profile %s computes it on every draw; truce report and truce solve at central values", p.Name),
					"profile %q (%s equilibrium) is read by no hypothesis, so truce analyze leaves it out unless asked", p.Name, p.Solve)
			}
			continue
		}
		for k := 0; k < i; k++ {
			q := sc.Profiles[k]
			if q.Solve == "" && equalInts(p.Strategies, q.Strategies) {
				l.d.warnf(p.Pos, "change one of its strategies, or remove one of the two",
					"profile %q has the same strategies as profile %q (line %d): the same analysis under two names", p.Name, q.Name, q.Pos.Line)
				break
			}
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// ruleCase is one situation a rule can match: a state and, for transition
// rules, a joint action; for strategy rules, the previous step's moves.
type ruleCase struct{ state, j int }

// transitionRules: which joint actions each rule matches on its own, and
// which rule decides each (first match). A rule that never decides is
// shadowed; a rule that matches nothing is dead; two rules that overlap
// without one being a special case of the other, with different outcomes,
// make the probabilities on the overlap depend on their order.
func (l *linter) transitionRules() {
	sc := l.sc
	if sc.transOf == nil {
		return
	}
	nR := len(sc.trans)
	matches := sc.transMatches()
	tables := sc.transTables()
	for ri, r := range sc.trans {
		if len(matches[ri]) == 0 {
			l.d.warnf(r.pos, "check its `from` and `when`: the actions it names are never available together there",
				"transition rule matches no joint action in the states it names, so it never applies")
			continue
		}
		deciders := map[int]bool{}
		decides := false
		for cs := range matches[ri] {
			for _, tab := range tables { // at every step a clock tells apart
				d := tab[cs.state][cs.j]
				if d == ri {
					decides = true
					break
				}
				deciders[d] = true
			}
			if decides {
				break
			}
		}
		if !decides {
			// Only earlier rules shadow it; a later rule (or none) decides
			// where its step condition holds at no step.
			var lines []string
			for _, d := range sortedIntKeys(deciders) {
				if d >= 0 && d < ri {
					lines = append(lines, fmt.Sprintf("line %d", sc.trans[d].pos.Line))
				}
			}
			if len(lines) == 0 {
				l.d.warnf(r.pos, "check its when: {step: ...}: every condition of the list must hold at once",
					"transition rule never applies: its step condition holds at no step")
				continue
			}
			l.d.warnf(r.pos, "move it above the rule(s) that take its cases, or remove it",
				"transition rule is shadowed: for every joint action it matches, an earlier rule matches first (%s), so it never applies", strings.Join(lines, ", "))
		}
	}
	decider := func(cs ruleCase) int { return sc.transOf[cs.state][cs.j] }
	for r2 := 0; r2 < nR; r2++ {
		for _, r1 := range earlierDeciders(r2, matches[r2], decider) {
			if !equalInts(sc.trans[r1].from, sc.trans[r2].from) || sameOutcome(sc.trans[r1], sc.trans[r2]) {
				continue
			}
			m1, m2 := matches[r1], matches[r2]
			// Cases both match and the earlier decides: an overlap that an
			// even earlier rule settles is settled on purpose.
			var overlap []ruleCase
			both := 0
			for cs := range m2 {
				if m1[cs] {
					both++
					if sc.transOf[cs.state][cs.j] == r1 {
						overlap = append(overlap, cs)
					}
				}
			}
			if len(overlap) == 0 || both == len(m1) || both == len(m2) {
				// disjoint or settled earlier; the earlier a special case
				// of the later (exception before default); or the later
				// shadowed (reported above)
				continue
			}
			sort.Slice(overlap, func(i, j int) bool {
				if overlap[i].state != overlap[j].state {
					return overlap[i].state < overlap[j].state
				}
				return overlap[i].j < overlap[j].j
			})
			ex := overlap[0]
			l.notef(sc.trans[r2].pos, fmt.Sprintf("if the rule at line %d should not win there, write a rule for the overlap above both", sc.trans[r1].pos.Line),
				"transition rules at lines %d and %d both match %s (%s%s in %s) with different next states; the earlier decides there, so those probabilities depend on rule order",
				sc.trans[r1].pos.Line, sc.trans[r2].pos.Line, plural(len(overlap), "joint action", "joint actions"), eg(len(overlap)), sc.jointText(ex.state, ex.j), sc.States[ex.state].ID)
		}
	}
}

// sameOutcome reports whether two transition rules give the same
// next-state distribution wherever both apply.
func sameOutcome(a, b *transRule) bool {
	key := func(r *transRule) string {
		var parts []string
		for _, t := range r.to {
			parts = append(parts, fmt.Sprintf("%d=%s", t.state, strings.Join(strings.Fields(t.p.src), "")))
		}
		sort.Strings(parts)
		return fmt.Sprintf("%v else %d", parts, r.other)
	}
	return key(a) == key(b)
}

// jointText names joint action j of state s, e.g. "US: strike, IR: hormuz".
func (sc *Scenario) jointText(s, j int) string {
	k := make([]int, len(sc.Actors))
	markov.DecodeJoint(sc.Avail[s], j, k)
	parts := make([]string, len(sc.Actors))
	for a, act := range sc.Actors {
		parts[a] = act.ID + ": " + sc.Actions[a][sc.Avail[s][a][k[a]]]
	}
	return strings.Join(parts, ", ")
}

// plural writes "1 case" or "3 cases".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func eg(n int) string {
	if n == 1 {
		return ""
	}
	return "e.g. "
}

func sortedIntKeys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// strategyRules: within one strategy the first rule that matches the state
// and the previous step's moves decides. The check enumerates every state
// and every combination of previous moves (each actor's action, or no
// previous step) and reports rules that never decide, and partial
// overlaps with different plays, as for transition rules.
func (l *linter) strategyRules() {
	sc := l.sc
	for a := range sc.Strategies {
		for _, def := range sc.Strategies[a] {
			if len(def.rules) < 2 {
				continue
			}
			matches, first, ok := sc.strategyRuleCases(&def)
			if !ok {
				return
			}
			nR := len(def.rules)
			for ri, r := range def.rules {
				if len(matches[ri]) == 0 {
					continue
				}
				decides := false
				deciders := map[int]bool{}
				for cs := range matches[ri] {
					if first[cs] == ri {
						decides = true
						break
					}
					deciders[first[cs]] = true
				}
				if !decides {
					var lines []string
					for _, d := range sortedIntKeys(deciders) {
						lines = append(lines, fmt.Sprintf("line %d", def.rules[d].pos.Line))
					}
					l.d.warnf(r.pos, "move it above the rule(s) that take its cases, or remove it",
						"rule of strategy %q of %s is shadowed: wherever it matches, an earlier rule matches first (%s), so it never applies", def.Name, sc.Actors[a].ID, strings.Join(lines, ", "))
				}
			}
			decider := func(cs ruleCase) int { return first[cs] }
			for r2 := 0; r2 < nR; r2++ {
				for _, r1 := range earlierDeciders(r2, matches[r2], decider) {
					a1, a2 := def.rules[r1], def.rules[r2]
					if !equalInts(a1.in, a2.in) || samePlay(a1.play, a2.play) {
						continue
					}
					n, both := 0, 0
					for cs := range matches[r2] {
						if matches[r1][cs] {
							both++
							if first[cs] == r1 {
								n++
							}
						}
					}
					if n == 0 || both == len(matches[r1]) || both == len(matches[r2]) {
						continue
					}
					l.notef(a2.pos, fmt.Sprintf("if the rule at line %d should not win there, add a rule for the overlap above both", a1.pos.Line),
						"rules at lines %d and %d of strategy %q of %s both match in %s (a state and the previous moves) with different plays; the earlier decides there, so what %s plays depends on rule order",
						a1.pos.Line, a2.pos.Line, def.Name, sc.Actors[a].ID, plural(n, "case", "cases"), sc.Actors[a].ID)
				}
			}
		}
	}
}

// strategyRuleCases enumerates, for a strategy's reaction rules, the cases
// each matches (a non-terminal state and the previous step's moves: each
// actor's action, or no previous step) and which rule decides each case
// (the first that matches). ok is false when there are too many cases to
// enumerate (see maxLintCombos).
func (sc *Scenario) strategyRuleCases(def *StrategyDef) (matches []map[ruleCase]bool, first map[ruleCase]int, ok bool) {
	nA := len(sc.Actors)
	combos := 1
	for a := 0; a < nA; a++ {
		combos *= len(sc.Actions[a]) + 1
		if combos > maxLintCombos {
			return nil, nil, false
		}
	}
	if combos*len(sc.States) > maxLintCombos {
		return nil, nil, false
	}
	prev := make([]int, nA) // -1: no previous step
	holds := func(cs []markov.Cond) bool {
		for _, cd := range cs {
			p := prev[cd.Actor]
			if p < 0 || !containsInt(cd.Actions, p) {
				return false
			}
		}
		return true
	}
	matches = make([]map[ruleCase]bool, len(def.rules))
	for i := range matches {
		matches[i] = map[ruleCase]bool{}
	}
	first = map[ruleCase]int{}
	for c := 0; c < combos; c++ {
		x := c
		for b := 0; b < nA; b++ {
			n := len(sc.Actions[b]) + 1
			prev[b] = x%n - 1
			x /= n
		}
		for s := range sc.States {
			if sc.States[s].Terminal {
				continue
			}
			cs := ruleCase{s, c}
			for ri, r := range def.rules {
				if containsInt(r.in, s) && holds(r.after) {
					matches[ri][cs] = true
					if _, ok := first[cs]; !ok {
						first[cs] = ri
					}
				}
			}
		}
	}
	return matches, first, true
}

func samePlay(a, b *playDist) bool {
	key := func(p *playDist) string {
		var parts []string
		for _, w := range p.ws {
			parts = append(parts, fmt.Sprintf("%d=%s", w.action, strings.Join(strings.Fields(w.p.src), "")))
		}
		sort.Strings(parts)
		return strings.Join(parts, ",")
	}
	return key(a) == key(b)
}

// undefinedQuantities: time(S, P) is undefined (NaN) on a draw where S is
// never entered under P; every comparison with NaN is false, so such a
// hypothesis quietly counts as not holding there. The check runs the exact
// analysis on the central draw and on each parameter at its bounds.
func (l *linter) undefinedQuantities(ctx context.Context) {
	sc := l.sc
	type use struct {
		h *Hypothesis
		q *quantity
	}
	var uses []use
	for i := range sc.Hypotheses {
		h := &sc.Hypotheses[i]
		for _, q := range h.quant {
			if q.fn != nil && q.fn.name == "time" && q.profile >= 0 && q.profile < len(sc.Profiles) && sc.Profiles[q.profile].Solve == "" {
				uses = append(uses, use{h, q})
			}
		}
	}
	if len(uses) == 0 {
		return
	}
	draws := sc.checkDrawList()
	if len(draws) > lintDraws {
		draws = draws[:lintDraws]
	}
	undefinedOn := map[*quantity]Draw{}
	for _, d := range draws {
		if ctx.Err() != nil {
			l.notef(Pos{1, 1}, "", "the check for undefined first-entry times in hypotheses was cut short: %v", ctx.Err())
			break
		}
		g, profs, err := sc.Build(d)
		if err != nil {
			continue // reported by validation
		}
		for _, u := range uses {
			if _, done := undefinedOn[u.q]; done {
				continue
			}
			p, ok := profs[sc.Profiles[u.q.profile].Name]
			if !ok {
				continue
			}
			a, err := markov.AnalyzeWith(ctx, g, p, markov.AnalyzeOptions{Horizon: 0, States: []int{u.q.state}})
			if err != nil {
				continue
			}
			if !(a.Absorb[u.q.state] > 0) {
				undefinedOn[u.q] = d
			}
		}
	}
	for _, u := range uses {
		d, ok := undefinedOn[u.q]
		if !ok {
			continue
		}
		st, prof := sc.States[u.q.state].ID, sc.Profiles[u.q.profile].Name
		l.d.warnf(u.h.Pos, fmt.Sprintf("guard it, e.g. absorb(%q, %q) > 0 && %s < 20", st, prof, u.q.key),
			"hypothesis %s reads %s, which is undefined (NaN) on draws where %q is never entered under %q (%s is one); every comparison with an undefined value is false, so on those draws the hypothesis counts as not holding, whatever it claims",
			u.h.ID, u.q.key, st, prof, drawName(d))
	}
}
