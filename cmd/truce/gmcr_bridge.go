package main

import (
	"fmt"

	"github.com/truce-dev/truce/gmcr/bridge"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/truce-dev/truce/gmcr"
)

// Thresholds of the bridge's agreement sentences: an ordinal equilibrium
// the cardinal equilibrium (almost) never ends in, and a likely cardinal
// ending that no concept finds stable.
const (
	bridgeRare   = 0.05
	bridgeLikely = 0.20
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
	verdicts := br.Compare(rep.res, rep.concepts)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  scenario state\tcardinal: ends there, or share of the %d steps spent there\tordinal: equilibrium under\n", br.Horizon)
	byName := map[string]bridgeVerdict{}
	for _, v := range verdicts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", v.State, cardinal(v), conceptList(v.Concepts))
		byName[v.State] = v
	}
	tw.Flush()
	fmt.Fprintf(w, "  never ends (cardinal): %s\n", pct(br.NeverEnds))
	ending, longRun := br.MostLikely()
	said := map[string]bool{}
	for _, s := range []int{ending, longRun} {
		if s < 0 {
			continue
		}
		id := br.Game.States[s].ID
		what := "most likely ending"
		if !br.Game.States[s].Terminal {
			what = "most visited state"
		}
		v, mapped := byName[id]
		said[id] = true
		switch {
		case !mapped:
			fmt.Fprintf(w, "  not compared: the cardinal equilibrium's %s, %s, stands for no state of the conflict\n", what, id)
		case len(v.Concepts) > 0:
			fmt.Fprintf(w, "  agree: the cardinal equilibrium's %s, %s (%s), is stable in the ordinal lens under %s\n", what, id, cardinal(v), conceptList(v.Concepts))
		default:
			fmt.Fprintf(w, "  disagree: the cardinal equilibrium's %s, %s (%s), is stable in the ordinal lens under no concept\n", what, id, cardinal(v))
		}
	}
	for _, v := range verdicts {
		if said[v.State] {
			continue
		}
		weight := v.Share
		if v.Terminal {
			weight = v.Absorb
		}
		switch {
		case len(v.Concepts) > 0 && weight < bridgeRare:
			fmt.Fprintf(w, "  disagree: %s is stable in the ordinal lens under %s, but the cardinal equilibrium %s\n", v.State, conceptList(v.Concepts), rarely(v))
		case len(v.Concepts) == 0 && weight >= bridgeLikely:
			fmt.Fprintf(w, "  disagree: the cardinal equilibrium %s, which no concept finds stable\n", likely(v))
		}
	}
}

type bridgeVerdict = bridge.Verdict

func cardinal(v bridge.Verdict) string {
	if v.Terminal {
		return "ends there " + pct(v.Absorb)
	}
	return "spends " + pct(v.Share) + " there"
}

func rarely(v bridge.Verdict) string {
	if v.Terminal {
		return "ends there with only " + pct(v.Absorb)
	}
	return "spends only " + pct(v.Share) + " of its time there"
}

func likely(v bridge.Verdict) string {
	if v.Terminal {
		return "ends in " + v.State + " with " + pct(v.Absorb)
	}
	return "spends " + pct(v.Share) + " of its time in " + v.State
}

func pct(p float64) string {
	return fmt.Sprintf("%.1f%%", 100*p)
}

func conceptList(ks []gmcr.Concept) string {
	if len(ks) == 0 {
		return "none"
	}
	var s []string
	for _, k := range ks {
		s = append(s, k.Title())
	}
	return strings.Join(s, ", ")
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
	eq := br.Equilibrium
	return map[string]any{
		"scenario": br.Scenario, "method": eq.Method, "converged": eq.Converged, "max_deviation_gain": eq.MaxDeviationGain,
		"decision_makers": dms, "outcome": outcome, "verdicts": vs, "never_ends": br.NeverEnds, "pairs": br.Pairs,
	}
}
