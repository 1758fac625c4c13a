package report

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/sensitivity"
)

// FromScenario fills an Input from a parsed scenario and its analysis (ar
// may be nil: the page then shows the model only). The state diagram's
// arrows are the transitions possible at central parameter values.
func FromScenario(sc *scenario.Scenario, ar *scenario.AnalysisReport) Input {
	in := Input{
		Title: sc.Title, Name: sc.Name, Period: sc.Period, Horizon: sc.Horizon,
		Description: sc.Info.Description, Source: sc.Info.Source,
	}
	if in.Title == "" {
		in.Title = sc.Name
	}
	for _, a := range sc.Actors {
		w := map[string]float64{}
		for c, comp := range sc.Components {
			w[comp.ID] = a.Weights[c]
		}
		in.Actors = append(in.Actors, Actor{ID: a.ID, Description: infoText(a.Info), Discount: a.Discount, Weights: w})
	}
	for _, c := range sc.Components {
		in.Components = append(in.Components, Component{Name: c.ID, ZeroSum: c.ZeroSum, Description: infoText(c.Info)})
	}
	for _, s := range sc.States {
		in.States = append(in.States, State{ID: s.ID, Description: infoText(s.Info), Initial: s.Initial, Terminal: s.Terminal})
	}
	for _, p := range sc.Parameters {
		in.Parameters = append(in.Parameters, Parameter{Name: p.Name, Label: p.Info.Label, Description: p.Info.Description,
			Dist: DistText(p.Dist), Rationale: p.Info.Rationale, Source: p.Info.Source})
	}
	for _, d := range sc.Derived {
		in.Parameters = append(in.Parameters, Parameter{Name: d.Name, Label: d.Info.Label, Description: d.Info.Description, Dist: "derived: " + d.Expr, Rationale: d.Info.Rationale, Source: d.Info.Source})
	}
	in.Edges = edges(sc)
	if ar == nil {
		return in
	}
	in.Draws, in.Seed, in.Fixed = ar.Draws, ar.Seed, ar.Fixed
	for _, name := range ar.ProfileOrder {
		pr := ar.Profiles[name]
		p := Profile{Name: name, Strategies: strategiesOf(sc, name),
			Absorb: map[string]Interval{}, Time: map[string]Interval{}, Reach: map[string][]float64{}, Value: map[string]ActorValue{}}
		for s, st := range pr.Absorb {
			p.Absorb[s] = iv(st)
		}
		for s, st := range pr.Time {
			p.Time[s] = iv(st)
		}
		p.Reach = floatCurves(pr.Reach)
		if pr.ReachLo != nil {
			p.ReachLo, p.ReachHi, p.ReachBandDraws = floatCurves(pr.ReachLo), floatCurves(pr.ReachHi), pr.ReachBandDraws
		}
		p.Endings = map[string]Ending{}
		for s, e := range pr.Endings {
			p.Endings[s] = Ending{WithinHorizon: iv(e.WithinHorizon), Eventually: iv(e.Eventually)}
		}
		p.Unresolved = Unresolved{AtHorizon: iv(pr.Unresolved.AtHorizon), Eventually: iv(pr.Unresolved.Eventually), Where: map[string]Interval{}}
		for s, st := range pr.Unresolved.Where {
			p.Unresolved.Where[s] = iv(st)
		}
		for a, v := range pr.Value {
			av := ActorValue{Total: iv(v.Total), Components: map[string]Interval{}}
			for c, st := range v.Components {
				av.Components[c] = iv(st)
			}
			p.Value[a] = av
		}
		in.Profiles = append(in.Profiles, p)
	}
	for _, h := range ar.Hypotheses {
		hh := Hypothesis{ID: h.ID, Claim: h.Claim, Expr: h.Expr, HoldsShare: h.HoldsShare, Verdict: scenario.VerdictText(h.Verdict), Subsample: h.SubsampleLine(ar.Analysed())}
		for _, sh := range sc.Hypotheses {
			if sh.ID == h.ID {
				hh.Label = sh.Info.Label
			}
		}
		for _, k := range sortedKeys(h.Quantities) {
			v := float64(h.Quantities[k])
			hh.Quantities = append(hh.Quantities, Quantity{Expr: k, Interval: Interval{Mean: v, Lo: math.NaN(), Hi: math.NaN()}})
		}
		in.Hypotheses = append(in.Hypotheses, hh)
	}
	return in
}

func iv(s scenario.Stat) Interval {
	return Interval{Mean: float64(s.Mean), Lo: float64(s.Lo), Hi: float64(s.Hi)}
}

func infoText(i scenario.Info) string {
	parts := []string{}
	for _, s := range []string{i.Label, i.Description, i.Rationale} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " — ")
}

// DistText describes a distribution for a reader, e.g. "beta(2, 8), mean 0.2".
func DistText(d scenario.Dist) string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }
	var s string
	switch d.Kind {
	case "fixed":
		return "fixed " + f(d.Value)
	case "uniform":
		s = fmt.Sprintf("uniform(%s, %s)", f(d.Min), f(d.Max))
	case "triangular":
		s = fmt.Sprintf("triangular(%s, %s, %s)", f(d.Min), f(d.Mode), f(d.Max))
	case "normal":
		s = fmt.Sprintf("normal(%s, %s)", f(d.Mean), f(d.SD))
		if d.HasMin || d.HasMax {
			s += fmt.Sprintf(" in [%s, %s]", f(d.Min), f(d.Max))
		}
	case "lognormal":
		s = fmt.Sprintf("lognormal(%s, %s)", f(d.Mu), f(d.Sigma))
	case "beta":
		s = fmt.Sprintf("beta(%s, %s)", f(d.A), f(d.B))
	case "pert":
		s = d.String()
	case "choice":
		var vs []string
		for _, v := range d.Values {
			vs = append(vs, f(v))
		}
		s = "choice(" + strings.Join(vs, ", ") + ")"
	default:
		return d.Kind
	}
	lo, hi := d.Bounds()
	return fmt.Sprintf("%s: central %s, range %s to %s", s, f(d.Central()), f(lo), f(hi))
}

// edges are the transitions with positive probability at central values,
// each labelled with what causes it, "when · probability" of its likeliest
// cause (the number of other causes in brackets).
func edges(sc *scenario.Scenario) []Edge {
	tes, err := sc.TransitionEdges()
	if err != nil {
		return nil
	}
	var out []Edge
	for _, te := range tes {
		var all []string
		for _, c := range te.Causes {
			all = append(all, fmt.Sprintf("%s · %s (rule at line %d)", c.When, shortPct(c.P), c.Line))
		}
		// The label names the likeliest cause; the others are counted
		// (all of them are in the tooltip and the transitions table).
		c := te.Causes[0]
		label := fmt.Sprintf("%s · %s", c.When, shortPct(c.P))
		if n := len(te.Causes) - 1; n > 0 {
			label += fmt.Sprintf(" (+%d)", n)
		}
		out = append(out, Edge{From: te.From, To: te.To, Label: label, Detail: all})
	}
	return out
}

// shortPct prints a probability without needless digits: "100%", "50%",
// "14.3%", "0.05%".
func shortPct(x float64) string {
	switch {
	case x >= 0.9995 && x <= 1:
		return "100%"
	case x < 0.001:
		return strconv.FormatFloat(100*x, 'g', 2, 64) + "%"
	}
	return strings.TrimSuffix(strconv.FormatFloat(100*x, 'f', 1, 64), ".0") + "%"
}

func strategiesOf(sc *scenario.Scenario, profile string) map[string]string {
	out := map[string]string{}
	for _, p := range sc.Profiles {
		if p.Name != profile {
			continue
		}
		for a, act := range sc.Actors {
			switch {
			case p.Solve != "":
				out[act.ID] = p.Solve
			case a < len(p.Strategies) && p.Strategies[a] >= 0 && p.Strategies[a] < len(sc.Strategies[a]):
				out[act.ID] = sc.Strategies[a][p.Strategies[a]].Name
			}
		}
	}
	return out
}

// EquilibriumFrom turns a solved MPE of g into the report's table.
func EquilibriumFrom(g *markov.Game, profile string, res *equilibrium.Result) Equilibrium {
	e := Equilibrium{Profile: profile, MaxDeviationGain: res.MaxDeviationGain, Converged: res.Converged, Method: res.Method,
		Play: map[string]map[string]map[string]float64{}}
	for a, act := range g.Actors {
		e.Play[act.ID] = map[string]map[string]float64{}
		for s, st := range g.States {
			if st.Terminal || a >= len(res.Strategies) || s >= len(res.Strategies[a]) || res.Strategies[a][s] == nil {
				continue
			}
			row := map[string]float64{}
			for k, x := range g.Avail[s][a] {
				row[g.Actions[a][x]] = res.Strategies[a][s][k]
			}
			e.Play[act.ID][st.ID] = row
		}
	}
	return e
}

// EquilibriumSetFrom is EquilibriumFrom for the selected equilibrium of a
// searched set, with what the search found around it. A set whose
// selection did not converge gives a table marked as not converged.
func EquilibriumSetFrom(g *markov.Game, profile string, set *equilibrium.Set, seed uint64) Equilibrium {
	e := EquilibriumFrom(g, profile, set.Selection)
	e.Selection = equilibrium.Selection
	e.SetSummary = fmt.Sprintf("%s (seed %d).", set.Describe(g), seed)
	if set.Stopped != "" {
		e.SetSummary += " The search " + set.Stopped + "."
	}
	e.Found, e.Outcomes, e.Spread, e.Complete = len(set.Equilibria), set.Outcomes, set.Spread, set.Complete
	if set.Selection.Converged {
		e.Values = map[string]float64{}
		for a, act := range g.Actors {
			e.Values[act.ID] = set.Selection.Values[a][g.Initial]
		}
		e.Initial = g.States[g.Initial].ID
	}
	return e
}

// CredibilityFrom keeps the rows of a credibility report that a reader
// needs: the threats and promises (plays selected by another actor's last
// move), then every ordinary play that is not credible. In a clocked game
// each decision point comes once per step before the clock runs out and
// once for every step from then on; rows that differ only in the step
// (and the gain) over consecutive steps are merged into one whose state
// says the steps ("truce at steps 1–14", "truce from step 15 on", "truce
// at every step": equilibrium.StepRunLabel) and whose gain is the range
// over them.
func CredibilityFrom(profile string, threats []equilibrium.Threat) []Credibility {
	type run struct {
		c          Credibility
		first, end int // steps first..end-1
		clock      int
		earliest   int // equilibrium.EarliestStep
		gains      []float64
	}
	var out, plain []*run
	last := map[Credibility]*run{} // the latest run of each row, the step and gain left out
	for _, t := range threats {
		if t.Kind == equilibrium.KindPlay && t.Credible {
			continue
		}
		var short []string
		for _, s := range t.Support {
			if s.Shortfall > 0 {
				short = append(short, fmt.Sprintf("%s loses %.3g", s.Action, s.Shortfall))
			}
		}
		after := t.After
		if t.Context != "" {
			after = strings.TrimPrefix(after+"; with "+t.Context, "; ")
		}
		c := Credibility{Profile: profile, Actor: t.Actor, State: t.State, After: after,
			Action: t.PlayText, Deviate: t.BestDeviation, Credible: t.Credible, Kind: t.Kind}
		if r := last[c]; r != nil && t.Clock > 0 && t.Step == r.end {
			r.end++
			r.gains = append(r.gains, t.Gain)
			if t.Gain > r.c.Gain {
				r.c.Gain, r.c.Shortfall = t.Gain, strings.Join(short, ", ")
			}
			continue
		}
		c.Gain, c.Shortfall = t.Gain, strings.Join(short, ", ")
		r := &run{c: c, first: t.Step, end: t.Step + 1, clock: t.Clock, earliest: equilibrium.EarliestStep(t.After, t.Context), gains: []float64{t.Gain}}
		key := c
		key.Gain, key.Shortfall = 0, ""
		last[key] = r
		if t.Kind == equilibrium.KindPlay {
			plain = append(plain, r)
		} else {
			out = append(out, r)
		}
	}
	var rows []Credibility
	for _, r := range append(out, plain...) {
		c := r.c
		if r.clock > 0 {
			c.State += " " + equilibrium.StepRunLabel(r.clock, r.earliest, r.first, r.end-1)
			c.GainLow = slices.Min(r.gains)
		} else {
			c.GainLow = c.Gain
		}
		rows = append(rows, c)
	}
	return rows
}

// CredibilitySharesFrom turns the summary over draws of one profile's
// credibility (equilibrium.SummarizeThreats) into the report's rows: a
// count per actor and kind, threats and reactions before ordinary play,
// and every threat, promise and reaction with its share and median
// margin.
func CredibilitySharesFrom(profile string, sums []equilibrium.ThreatSummary) ([]CredibilityGroup, []CredibilityShare) {
	var groups []CredibilityGroup
	index := map[string]int{}
	var shares []CredibilityShare
	runs := equilibrium.MergeSummarySteps(sums)
	for _, plain := range []bool{false, true} {
		for _, s := range runs {
			if (s.Kind == equilibrium.KindPlay) != plain {
				continue
			}
			key := s.Actor + "\x00" + s.Kind
			i, ok := index[key]
			if !ok {
				i = len(groups)
				index[key] = i
				groups = append(groups, CredibilityGroup{Profile: profile, Actor: s.Actor, Kind: s.Kind})
			}
			g := &groups[i]
			g.Points++
			switch sh := s.CredibleShare(); {
			case sh >= 0.9:
				g.Mostly++
			case sh <= 0.1:
				g.Rarely++
			default:
				g.Split++
			}
			if plain {
				continue
			}
			after := s.After
			if s.Context != "" {
				after = strings.TrimPrefix(after+"; with "+s.Context, "; ")
			}
			state := s.State
			if st := s.Steps(); st != "" {
				state += " " + st
			}
			shares = append(shares, CredibilityShare{Profile: profile, Kind: s.Kind, Actor: s.Actor, State: state, After: after,
				Play: s.Play, Draws: s.Draws, Share: s.CredibleShare(), MedianMargin: s.MarginHigh, MarginLow: s.MarginLow})
		}
	}
	return groups, shares
}

// AddSensitivity adds tornado charts (the outputs named, or all when none)
// and break-evens to in.
func AddSensitivity(in *Input, res *sensitivity.Result, outputs ...string) {
	want := map[string]bool{}
	for _, o := range outputs {
		want[o] = true
	}
	for _, t := range res.Tornadoes {
		if len(want) > 0 && !want[t.Output] {
			continue
		}
		tn := Tornado{Output: t.Output, Base: t.Base}
		for _, b := range t.Bars {
			if b.Swing() == 0 {
				continue // parameters that do not move this output
			}
			tn.Bars = append(tn.Bars, TornadoBar{Param: b.Param, ParamLo: b.ParamLo, ParamHi: b.ParamHi,
				OutAtLo: b.AtLo, OutAtHi: b.AtHi, OutMin: b.OutMin, OutMax: b.OutMax})
		}
		if len(tn.Bars) > 0 {
			in.Tornadoes = append(in.Tornadoes, tn)
		}
	}
	bes := append([]sensitivity.BreakEven(nil), res.BreakEvens...)
	sort.SliceStable(bes, func(i, j int) bool { return hypLess(bes[i].Hypothesis, bes[j].Hypothesis) })
	for _, b := range bes {
		in.BreakEvens = append(in.BreakEvens, BreakEven{Hypothesis: b.Hypothesis, Param: b.Param, Value: b.Value, Below: b.Below, Above: b.Above})
	}
}

// hypLess orders ids like H2 < H10 (numeric suffixes compared as numbers).
func hypLess(a, b string) bool {
	pa, na := splitNum(a)
	pb, nb := splitNum(b)
	if pa != pb {
		return pa < pb
	}
	return na < nb
}

func splitNum(s string) (string, int) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n := 0
	for _, c := range s[i:] {
		n = n*10 + int(c-'0')
		if n > 1e8 {
			break
		}
	}
	return s[:i], n
}

// floatCurves converts curves per state to plain floats.
func floatCurves(in map[string][]scenario.Number) map[string][]float64 {
	out := make(map[string][]float64, len(in))
	for s, r := range in {
		c := make([]float64, len(r))
		for i, v := range r {
			c[i] = float64(v)
		}
		out[s] = c
	}
	return out
}
