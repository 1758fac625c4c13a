package bridge

import (
	"fmt"
	"strings"

	"github.com/truce-dev/truce/gmcr"
)

// Thresholds of the agreement findings: an ordinal equilibrium the
// cardinal equilibrium (almost) never ends in, and a likely cardinal
// outcome that no concept finds stable.
const (
	Rare   = 0.05
	Likely = 0.20
)

// Kind says how a finding compares the lenses.
type Kind string

const (
	Agree       Kind = "agree"
	Disagree    Kind = "disagree"
	NotCompared Kind = "not compared" // the cardinal outcome stands for no conflict state
)

// Finding is one comparison of the ordinal and cardinal answers, in words.
type Finding struct {
	Kind Kind   `json:"kind"`
	Text string `json:"text"`
}

// Findings compares the lenses: whether the cardinal equilibrium's most
// likely ending and its most visited state are stable in the ordinal
// lens, whether an ordinal equilibrium is one the cardinal equilibrium
// almost never reaches (under Rare), and whether the cardinal equilibrium
// ends or spends Likely or more in an outcome no concept finds stable.
func (rep *Report) Findings(r *gmcr.Result, concepts []gmcr.Concept) []Finding {
	verdicts := rep.Compare(r, concepts)
	byName := map[string]Verdict{}
	for _, v := range verdicts {
		byName[v.State] = v
	}
	var out []Finding
	ending, longRun := rep.MostLikely()
	said := map[string]bool{}
	for _, s := range []int{ending, longRun} {
		if s < 0 {
			continue
		}
		id := rep.Game.States[s].ID
		what := "most likely ending"
		if !rep.Game.States[s].Terminal {
			what = "most visited state"
		}
		v, mapped := byName[id]
		said[id] = true
		switch {
		case !mapped:
			why := "the bridge gives no reason: list it under bridge: unmapped:"
			if r, ok := rep.ExcludedReason(id); ok {
				why = "the bridge's reason: " + r
			}
			out = append(out, Finding{NotCompared, fmt.Sprintf("the cardinal equilibrium's %s, %s, stands for no state of the conflict (%s)", what, id, why)})
		case len(v.Concepts) > 0:
			out = append(out, Finding{Agree, fmt.Sprintf("the cardinal equilibrium's %s, %s (%s), is stable in the ordinal lens under %s", what, id, v.Cardinal(), ConceptList(v.Concepts))})
		default:
			out = append(out, Finding{Disagree, fmt.Sprintf("the cardinal equilibrium's %s, %s (%s), is stable in the ordinal lens under no concept", what, id, v.Cardinal())})
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
		case len(v.Concepts) > 0 && weight < Rare:
			out = append(out, Finding{Disagree, fmt.Sprintf("%s is stable in the ordinal lens under %s, but the cardinal equilibrium %s", v.State, ConceptList(v.Concepts), v.rarely())})
		case len(v.Concepts) == 0 && weight >= Likely:
			out = append(out, Finding{Disagree, fmt.Sprintf("the cardinal equilibrium %s, which no concept finds stable", v.likely())})
		}
	}
	return out
}

// Robust reports whether the findings let a verdict on where the standoff
// settles be called robust: at least one agreement, and no disagreement or
// outcome left uncompared.
func Robust(fs []Finding) bool {
	agree := false
	for _, f := range fs {
		switch f.Kind {
		case Agree:
			agree = true
		default:
			return false
		}
	}
	return agree
}

// Cardinal is the cardinal verdict in words: "eventually ends there 3.1%"
// for an ending (no horizon), "spends 40.0% there" (of the horizon) for a
// long-run state.
func (v Verdict) Cardinal() string {
	if v.Terminal {
		return "eventually ends there " + pct(v.Absorb)
	}
	return "spends " + pct(v.Share) + " there"
}

func (v Verdict) rarely() string {
	if v.Terminal {
		return "eventually ends there with only " + pct(v.Absorb)
	}
	return "spends only " + pct(v.Share) + " of its time there"
}

func (v Verdict) likely() string {
	if v.Terminal {
		return "eventually ends in " + v.State + " with " + pct(v.Absorb)
	}
	return "spends " + pct(v.Share) + " of its time in " + v.State
}

func pct(p float64) string { return fmt.Sprintf("%.1f%%", 100*p) }

// ConceptList names concepts for a reader: "Nash, GMR", or "none".
func ConceptList(ks []gmcr.Concept) string {
	if len(ks) == 0 {
		return "none"
	}
	var s []string
	for _, k := range ks {
		s = append(s, k.Title())
	}
	return strings.Join(s, ", ")
}
