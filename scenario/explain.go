package scenario

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/truce-dev/truce/markov"
)

// ExplainOptions selects what Explain shows.
type ExplainOptions struct {
	// State limits the transition tables to one state; empty means every
	// state.
	State string
	// Profile limits the strategies shown to those of one profile (and
	// marks the joint actions that profile plays); empty means every
	// strategy of every actor.
	Profile string
}

// Explanation is the model as truce reads it at central parameter values:
// per state, for each joint action, the next-state distribution and the
// rule that decided it (first match) with the step's payoffs; per
// terminal state, its entry payoffs; and what each strategy plays.
// Its JSON form is documented in docs/scenario.md (truce explain).
type Explanation struct {
	Scenario   string           `json:"scenario"`
	Draw       string           `json:"draw"`
	Parameters []ExplainParam   `json:"parameters"`
	Actors     []string         `json:"actors"`
	Components []string         `json:"components"`
	States     []ExplainState   `json:"states"`
	Strategies []ExplainStrat   `json:"strategies"`
	Profile    string           `json:"profile,omitempty"`
	Shadowed   []ExplainRuleRef `json:"shadowed_rules"`
}

// ExplainParam is one parameter's value on the draw explained.
type ExplainParam struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

// ExplainState is one state's effective transition table.
type ExplainState struct {
	ID       string       `json:"id"`
	Initial  bool         `json:"initial,omitempty"`
	Terminal bool         `json:"terminal,omitempty"`
	Joint    []ExplainRow `json:"joint_actions,omitempty"`
	// Entry is paid once on entering a terminal state: per actor, the
	// weighted total and each component.
	Entry map[string]ExplainPay `json:"entry,omitempty"`
	// EntryRules are the lines of the payoff rules that make up Entry.
	EntryRules []int `json:"entry_rules,omitempty"`
}

// ExplainRow is one joint action of a state.
type ExplainRow struct {
	Actions []string      `json:"actions"` // per actor, in Explanation.Actors order
	Next    []ExplainNext `json:"next"`
	// Rule is the transition rule that decided (first match); nil when
	// none matches and the process stays.
	Rule *ExplainRuleRef `json:"rule"`
	// PayRules are the lines of the payoff rules that add up to Pay.
	PayRules []int                 `json:"pay_rules"`
	Pay      map[string]ExplainPay `json:"pay"`
	// Played is the probability that the profile's strategies play this
	// joint action in this state with no reaction rule applying (their
	// base play); present with ExplainOptions.Profile.
	Played *float64 `json:"played,omitempty"`
}

// ExplainNext is one successor state and its probability.
type ExplainNext struct {
	State string  `json:"state"`
	P     float64 `json:"p"`
}

// ExplainRuleRef points at a rule of the file.
type ExplainRuleRef struct {
	Line int `json:"line"`
	Col  int `json:"col"`
}

// ExplainPay is one actor's payoff: the weighted total and each component.
type ExplainPay struct {
	Total      float64            `json:"total"`
	Components map[string]float64 `json:"components"`
}

// ExplainStrat is what one strategy plays.
type ExplainStrat struct {
	Actor    string        `json:"actor"`
	Name     string        `json:"name"`
	Line     int           `json:"line,omitempty"`
	Profiles []string      `json:"profiles"` // profiles that use it
	States   []ExplainPlay `json:"states"`
	Rules    []ExplainReac `json:"rules"`
}

// ExplainPlay is a strategy's base play in one state.
type ExplainPlay struct {
	State string             `json:"state"`
	Play  map[string]float64 `json:"play"`
}

// ExplainReac is one reaction rule of a strategy.
type ExplainReac struct {
	Line  int                `json:"line"`
	In    []string           `json:"in"`
	After string             `json:"after"`
	Play  map[string]float64 `json:"play"`
	// Shadowed is set when an earlier rule of the strategy matches
	// wherever this one does, so it never applies.
	Shadowed bool `json:"shadowed,omitempty"`
}

// Explain evaluates the scenario at central parameter values and returns
// its effective transition table, payoffs and strategies.
func (sc *Scenario) Explain(opt ExplainOptions) (*Explanation, error) {
	stateIdx := -1
	if opt.State != "" {
		for s, st := range sc.States {
			if st.ID == opt.State {
				stateIdx = s
			}
		}
		if stateIdx < 0 {
			var names []string
			for _, st := range sc.States {
				names = append(names, st.ID)
			}
			return nil, fmt.Errorf("unknown state %q%s", opt.State, hintText(suggest(opt.State, names)))
		}
	}
	profIdx := -1
	if opt.Profile != "" {
		profIdx = sc.profileByName(opt.Profile)
		if profIdx < 0 {
			var names []string
			for _, p := range sc.Profiles {
				names = append(names, p.Name)
			}
			return nil, fmt.Errorf("unknown profile %q%s", opt.Profile, hintText(suggest(opt.Profile, names)))
		}
		if sc.Profiles[profIdx].Solve != "" {
			return nil, fmt.Errorf("profile %q is computed (%s equilibrium), not written as strategies: truce solve shows what it plays", opt.Profile, sc.Profiles[profIdx].Solve)
		}
	}
	d := sc.Central()
	g, profs, err := sc.Build(d)
	if err != nil {
		return nil, err
	}
	ex := &Explanation{Scenario: sc.Name, Draw: "central values (each parameter's central value)", Profile: opt.Profile,
		Shadowed: []ExplainRuleRef{}, Strategies: []ExplainStrat{}}
	for i, p := range sc.Parameters {
		ex.Parameters = append(ex.Parameters, ExplainParam{p.Name, d.Values[i]})
	}
	for _, a := range sc.Actors {
		ex.Actors = append(ex.Actors, a.ID)
	}
	ex.Components = append(ex.Components, g.Components...)
	var prof markov.Profile
	if profIdx >= 0 {
		prof = profs[opt.Profile]
	}
	decided := make([]bool, len(sc.trans))
	k := make([]int, len(sc.Actors))
	for s, st := range sc.States {
		if st.Terminal {
			continue
		}
		for _, ri := range sc.transOf[s] {
			if ri >= 0 {
				decided[ri] = true
			}
		}
	}
	for ri, r := range sc.trans {
		if !decided[ri] {
			ex.Shadowed = append(ex.Shadowed, ExplainRuleRef{r.pos.Line, r.pos.Col})
		}
	}
	for s, st := range sc.States {
		if stateIdx >= 0 && s != stateIdx {
			continue
		}
		es := ExplainState{ID: st.ID, Initial: s == sc.Initial, Terminal: st.Terminal}
		if st.Terminal {
			if len(g.Entry[s]) > 0 {
				es.Entry = sc.splitPay(g, g.Entry[s])
			}
			for _, ri := range sc.entryPays[s] {
				es.EntryRules = append(es.EntryRules, sc.pays[ri].pos.Line)
			}
			ex.States = append(ex.States, es)
			continue
		}
		for j := range sc.transOf[s] {
			markov.DecodeJoint(sc.Avail[s], j, k)
			row := ExplainRow{PayRules: []int{}}
			for a := range sc.Actors {
				row.Actions = append(row.Actions, sc.Actions[a][sc.Avail[s][a][k[a]]])
			}
			for _, nx := range g.Trans[s][j] {
				row.Next = append(row.Next, ExplainNext{g.States[nx.State].ID, nx.P})
			}
			sort.SliceStable(row.Next, func(a, b int) bool { return row.Next[a].P > row.Next[b].P })
			if ri := sc.transOf[s][j]; ri >= 0 {
				row.Rule = &ExplainRuleRef{sc.trans[ri].pos.Line, sc.trans[ri].pos.Col}
			}
			for _, pi := range sc.paysOf[s][j] {
				row.PayRules = append(row.PayRules, sc.pays[pi].pos.Line)
			}
			row.Pay = sc.splitPay(g, g.Flow[s][j])
			if prof != nil {
				p := 1.0
				for a := range sc.Actors {
					p *= prof[a].Base[s][k[a]]
				}
				row.Played = &p
			}
			es.Joint = append(es.Joint, row)
		}
		ex.States = append(ex.States, es)
	}
	for a := range sc.Strategies {
		for si := range sc.Strategies[a] {
			def := &sc.Strategies[a][si]
			var users []string
			for _, p := range sc.Profiles {
				if a < len(p.Strategies) && p.Strategies[a] == si {
					users = append(users, p.Name)
				}
			}
			if profIdx >= 0 && sc.Profiles[profIdx].Strategies[a] != si {
				continue
			}
			strat, err := sc.buildStrategy(a, def, mustEnv(sc, d), d)
			if err != nil {
				return nil, sc.posErr(err)
			}
			es := ExplainStrat{Actor: sc.Actors[a].ID, Name: def.Name, Line: def.Pos.Line, Profiles: users, States: []ExplainPlay{}, Rules: []ExplainReac{}}
			if users == nil {
				es.Profiles = []string{}
			}
			for s, st := range sc.States {
				if st.Terminal || (stateIdx >= 0 && s != stateIdx) {
					continue
				}
				play := map[string]float64{}
				for kk, x := range sc.Avail[s][a] {
					if p := strat.Base[s][kk]; p != 0 {
						play[sc.Actions[a][x]] = p
					}
				}
				es.States = append(es.States, ExplainPlay{st.ID, play})
			}
			shadowed := sc.shadowedStratRules(def)
			for ri, r := range def.rules {
				var in []string
				applies := stateIdx < 0
				for _, s := range r.in {
					in = append(in, sc.States[s].ID)
					applies = applies || s == stateIdx
				}
				if !applies {
					continue
				}
				vals, err := sc.playValues(r.play, mustEnv(sc, d), d)
				if err != nil {
					return nil, sc.posErr(err)
				}
				play := map[string]float64{}
				for i, w := range r.play.ws {
					play[sc.Actions[a][w.action]] += vals[i]
				}
				if len(r.in) == len(sc.nonTerminalStates()) {
					in = []string{"*"}
				}
				es.Rules = append(es.Rules, ExplainReac{Line: r.pos.Line, In: in, After: sc.afterText(r.after), Play: play, Shadowed: shadowed[ri]})
			}
			ex.Strategies = append(ex.Strategies, es)
		}
	}
	return ex, nil
}

func hintText(h string) string {
	if h == "" {
		return ""
	}
	return " (hint: " + h + ")"
}

// mustEnv is the parameter environment of a draw that Build has already
// evaluated without error.
func mustEnv(sc *Scenario, d Draw) map[string]any {
	env, _ := sc.env(d)
	return env
}

// pays splits a flat per-actor, per-component payoff vector.
func (sc *Scenario) splitPay(g *markov.Game, v []float64) map[string]ExplainPay {
	nC := len(g.Components)
	out := map[string]ExplainPay{}
	for a, act := range g.Actors {
		p := ExplainPay{Components: map[string]float64{}}
		for c, comp := range g.Components {
			x := v[a*nC+c]
			if x != 0 {
				p.Components[comp] = x
			}
			p.Total += act.Weights[c] * x
		}
		out[act.ID] = p
	}
	return out
}

// afterText writes a rule's `after` as the file does: "IR: hormuz".
func (sc *Scenario) afterText(cs []markov.Cond) string {
	var parts []string
	for _, cd := range cs {
		var acts []string
		for _, x := range cd.Actions {
			acts = append(acts, sc.Actions[cd.Actor][x])
		}
		parts = append(parts, sc.Actors[cd.Actor].ID+": "+strings.Join(acts, " or "))
	}
	return strings.Join(parts, ", ")
}

// shadowedStratRules marks the rules of a strategy that never apply: an
// earlier rule matches wherever they do (see strategyRuleCases).
func (sc *Scenario) shadowedStratRules(def *StrategyDef) []bool {
	out := make([]bool, len(def.rules))
	matches, first, ok := sc.strategyRuleCases(def)
	if !ok {
		return out
	}
	for ri := range def.rules {
		out[ri] = len(matches[ri]) > 0
		for cs := range matches[ri] {
			if first[cs] == ri {
				out[ri] = false
				break
			}
		}
	}
	return out
}

// JSON returns the explanation as indented JSON with a final newline.
func (ex *Explanation) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(ex, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteText prints the explanation as tables: per state the joint actions
// with their next states, the deciding rule and each actor's weighted
// payoff for the step; per terminal state its entry payoffs; then each
// strategy's play.
func (ex *Explanation) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s at %s\n", ex.Scenario, ex.Draw)
	var ps []string
	for _, p := range ex.Parameters {
		ps = append(ps, p.Name+"="+strconv.FormatFloat(p.Value, 'g', 4, 64))
	}
	if len(ps) > 0 {
		fmt.Fprintf(&b, "parameters: %s\n", wrap(strings.Join(ps, ", "), 100, "  "))
	}
	b.WriteString("payoffs are per step, weighted by each actor's weights (--format json gives each component)\n")
	for _, st := range ex.States {
		kind := ""
		switch {
		case st.Terminal:
			kind = " (ending)"
		case st.Initial:
			kind = " (initial)"
		}
		fmt.Fprintf(&b, "\nstate %s%s\n", st.ID, kind)
		if st.Terminal {
			if len(st.Entry) == 0 {
				b.WriteString("  entry payoff: none\n")
				continue
			}
			var parts []string
			for _, a := range ex.Actors {
				parts = append(parts, fmt.Sprintf("%s %s", a, payText(st.Entry[a])))
			}
			fmt.Fprintf(&b, "  entry payoff (once): %s   (payoff rules: %s)\n", strings.Join(parts, "; "), linesText(st.EntryRules))
			continue
		}
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		head := "  " + strings.Join(ex.Actors, "\t")
		if ex.Profile != "" {
			head += "\tplayed"
		}
		head += "\tnext state\tdecided by"
		for _, a := range ex.Actors {
			head += "\t" + a + " payoff"
		}
		fmt.Fprintln(tw, head+"\tpayoff rules")
		for _, r := range st.Joint {
			line := "  " + strings.Join(r.Actions, "\t")
			if r.Played != nil {
				line += "\t" + pctText(*r.Played)
			}
			var next []string
			for _, nx := range r.Next {
				next = append(next, nx.State+" "+pctText(nx.P))
			}
			rule := "no rule: stays"
			if r.Rule != nil {
				rule = fmt.Sprintf("rule at line %d", r.Rule.Line)
			}
			line += "\t" + strings.Join(next, ", ") + "\t" + rule
			for _, a := range ex.Actors {
				line += "\t" + numText(r.Pay[a].Total)
			}
			pr := "—"
			if len(r.PayRules) > 0 {
				pr = linesText(r.PayRules)
			}
			fmt.Fprintln(tw, line+"\t"+pr)
		}
		tw.Flush()
	}
	if len(ex.Shadowed) > 0 {
		var ls []int
		for _, r := range ex.Shadowed {
			ls = append(ls, r.Line)
		}
		fmt.Fprintf(&b, "\ntransition rules that decide nothing (an earlier rule always matches first): %s\n", linesText(ls))
	}
	if len(ex.Strategies) > 0 {
		head := "\nstrategies"
		if ex.Profile != "" {
			head += " of profile " + ex.Profile
		}
		fmt.Fprintf(&b, "%s (base play per state; a reaction rule overrides it when the previous step matches, first rule first)\n", head)
	}
	for _, s := range ex.Strategies {
		used := "used by no profile"
		if len(s.Profiles) > 0 {
			used = "profiles " + strings.Join(s.Profiles, ", ")
		}
		fmt.Fprintf(&b, "  %s %s (line %d; %s)\n", s.Actor, s.Name, s.Line, used)
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, p := range s.States {
			fmt.Fprintf(tw, "    in %s\t%s\n", p.State, playText(p.Play))
		}
		for _, r := range s.Rules {
			sh := ""
			if r.Shadowed {
				sh = "   (shadowed by an earlier rule: never applies)"
			}
			after := r.After
			if after == "" {
				after = "always"
			}
			fmt.Fprintf(tw, "    rule at line %d: in %s after %s\t%s%s\n", r.Line, strings.Join(r.In, ", "), after, playText(r.Play), sh)
		}
		tw.Flush()
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func payText(p ExplainPay) string {
	keys := make([]string, 0, len(p.Components))
	for k := range p.Components {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+" "+numText(p.Components[k]))
	}
	if len(parts) == 0 {
		return numText(p.Total)
	}
	return numText(p.Total) + " (" + strings.Join(parts, ", ") + ")"
}

func playText(m map[string]float64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.SliceStable(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+" "+pctText(m[k]))
	}
	return strings.Join(parts, ", ")
}

func pctText(p float64) string { return fmtPct(Number(p)) }

func numText(x float64) string {
	if x == 0 {
		return "0"
	}
	if math.Abs(x) < 1e-12 {
		return "≈0"
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

func linesText(ls []int) string {
	if len(ls) == 0 {
		return "—"
	}
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = strconv.Itoa(l)
	}
	if len(ls) == 1 {
		return "line " + parts[0]
	}
	return "lines " + strings.Join(parts, ", ")
}

// wrap breaks a comma-separated list into lines of at most width
// characters, continuing with indent.
func wrap(s string, width int, indent string) string {
	var b strings.Builder
	n := 0
	for i, part := range strings.Split(s, ", ") {
		if i > 0 {
			if n+len(part)+2 > width {
				b.WriteString(",\n" + indent)
				n = len(indent)
			} else {
				b.WriteString(", ")
				n += 2
			}
		}
		b.WriteString(part)
		n += len(part)
	}
	return b.String()
}

// TransitionEdge is a possible move between two different states at
// central parameter values, with what causes it.
type TransitionEdge struct {
	From, To string
	Causes   []EdgeCause // largest probability first
}

// EdgeCause is one transition rule that moves the process along an edge:
// the joint actions it decides (its `when`, or "any move" / "otherwise"
// when it has none) and the probability of the move when it decides.
type EdgeCause struct {
	When string
	P    float64
	Line int
}

// TransitionEdges lists the moves between different states that have
// positive probability at central values, in the order of the states, and
// for each the rules (first match) that cause it.
func (sc *Scenario) TransitionEdges() ([]TransitionEdge, error) {
	g, _, err := sc.Build(sc.Central())
	if err != nil {
		return nil, err
	}
	var out []TransitionEdge
	for s, st := range sc.States {
		if st.Terminal {
			continue
		}
		type key struct{ to, rule int }
		probs := map[key]float64{}
		decides := map[int]int{} // rule -> joint actions it decides in s
		for j, ri := range sc.transOf[s] {
			decides[ri]++
			for _, nx := range g.Trans[s][j] {
				if nx.State != s && nx.P > 0 && ri >= 0 {
					probs[key{nx.State, ri}] = nx.P
				}
			}
		}
		for t := range sc.States {
			e := TransitionEdge{From: st.ID, To: sc.States[t].ID}
			for ri, r := range sc.trans {
				p, ok := probs[key{t, ri}]
				if !ok {
					continue
				}
				when := sc.whenText(r.when)
				if when == "" {
					when = "any move"
					if decides[ri] < len(sc.transOf[s]) {
						when = "otherwise"
					}
				}
				e.Causes = append(e.Causes, EdgeCause{When: when, P: p, Line: r.pos.Line})
			}
			if len(e.Causes) > 0 {
				sort.SliceStable(e.Causes, func(a, b int) bool { return e.Causes[a].P > e.Causes[b].P })
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// whenText writes a rule's `when` compactly: "US strike + IR hormuz".
func (sc *Scenario) whenText(cs []cond) string {
	var parts []string
	for _, cd := range cs {
		if cd.step != nil {
			parts = append(parts, "step "+cd.step.src)
			continue
		}
		var acts []string
		for _, x := range cd.actions {
			acts = append(acts, sc.Actions[cd.actor][x])
		}
		parts = append(parts, sc.Actors[cd.actor].ID+" "+strings.Join(acts, "/"))
	}
	return strings.Join(parts, " + ")
}
