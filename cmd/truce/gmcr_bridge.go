package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/truce-dev/truce/gmcr/bridge"
)

func (rep *gmcrReport) bridgeText(w io.Writer) {
	br := rep.bridge
	c := rep.res.C
	eq := br.Equilibrium
	fmt.Fprintf(w, "\nbridge to %s (central parameters; its Markov-perfect equilibrium by %s, largest one-shot gain %.2g%s; other equilibria may exist):\n",
		br.Scenario, eq.Method, eq.MaxDeviationGain, map[bool]string{true: "", false: ", NOT converged: " + eq.Reason}[eq.Converged])
	for d, dm := range c.DMs {
		if br.Derived[d] {
			fmt.Fprintf(w, "  %s's preferences come from the scenario: states ranked by its value of the state they map to\n", dm.ID)
		} else {
			fmt.Fprintf(w, "  %s's preferences are the file's; the scenario's values order %d of %d pairs of states differently\n", dm.ID, br.Disagree[d], br.Pairs)
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  scenario state\tcardinal: eventually ends there, or share of the %d steps spent there\tordinal: equilibrium under\n", br.Horizon)
	for _, v := range br.Compare(rep.res, rep.concepts) {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", v.State, v.Cardinal(), bridge.ConceptList(v.Concepts))
	}
	tw.Flush()
	fmt.Fprintf(w, "  never ends (cardinal): %s\n", pct(br.NeverEnds))
	for _, e := range br.Excluded {
		fmt.Fprintf(w, "  unmapped scenario state %s: %s\n", e.State, e.Reason)
	}
	if len(br.Unaccounted) > 0 {
		fmt.Fprintf(w, "  unmapped scenario states the bridge gives no reason for (list them under bridge: unmapped:): %s\n", strings.Join(br.Unaccounted, ", "))
	}
	for _, f := range br.Findings(rep.res, rep.concepts) {
		fmt.Fprintf(w, "  %s: %s\n", f.Kind, f.Text)
	}
}

func pct(p float64) string {
	return fmt.Sprintf("%.1f%%", 100*p)
}

// bridgeJSON is the bridge section of --format json.
func (rep *gmcrReport) bridgeJSON() any {
	br := rep.bridge
	c := rep.res.C
	type verdict struct {
		State     string   `json:"state"`
		Terminal  bool     `json:"terminal"`
		Absorb    float64  `json:"absorb"`
		Share     float64  `json:"share"`
		Equilibia []string `json:"equilibrium_under"`
	}
	type dmJSON struct {
		DM       string    `json:"dm"`
		Derived  bool      `json:"derived"`
		Disagree int       `json:"pairs_ordered_differently"`
		Values   []float64 `json:"values"`
	}
	var vs []verdict
	for _, v := range br.Compare(rep.res, rep.concepts) {
		vj := verdict{State: v.State, Terminal: v.Terminal, Absorb: v.Absorb, Share: v.Share, Equilibia: []string{}}
		for _, k := range v.Concepts {
			vj.Equilibia = append(vj.Equilibia, k.String())
		}
		vs = append(vs, vj)
	}
	var dms []dmJSON
	for d, dm := range c.DMs {
		dms = append(dms, dmJSON{DM: dm.ID, Derived: br.Derived[d], Disagree: br.Disagree[d], Values: br.Value[d]})
	}
	var outcome []string
	for _, s := range br.Outcome {
		outcome = append(outcome, br.Game.States[s].ID)
	}
	unmapped := append([]bridge.Exclusion{}, br.Excluded...)
	eq := br.Equilibrium
	return map[string]any{
		"scenario": br.Scenario, "method": eq.Method, "converged": eq.Converged, "max_deviation_gain": eq.MaxDeviationGain,
		"decision_makers": dms, "outcome": outcome, "verdicts": vs, "never_ends": br.NeverEnds, "pairs": br.Pairs,
		"unmapped": unmapped, "unaccounted": append([]string{}, br.Unaccounted...),
	}
}
