package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/truce-dev/truce/gmcr"
	"github.com/truce-dev/truce/gmcr/bridge"
	"github.com/truce-dev/truce/report"
)

// ordinal fills the report's graph-model section from the analysis.
func (rep *gmcrReport) ordinal() *report.Ordinal {
	c := rep.res.C
	o := &report.Ordinal{Title: c.Title, Sanctions: "legal sequences of the others' moves, no one twice in a row"}
	if o.Title == "" {
		o.Title = c.Name
	}
	if rep.res.Sanctions == gmcr.SingleMoves {
		o.Sanctions = "one move by one opponent"
	}
	for _, dm := range c.DMs {
		o.DMs = append(o.DMs, dm.ID)
	}
	for _, k := range rep.concepts {
		o.Concepts = append(o.Concepts, k.Title())
	}
	for s := range c.Codes {
		st := report.OrdinalState{Code: c.Codes[s], Options: c.Describe(s)}
		for d := range c.DMs {
			st.Ranks = append(st.Ranks, int(c.Rank[d][s]))
			var row []bool
			for _, k := range rep.concepts {
				row = append(row, rep.res.Stable(k, d, s))
			}
			st.Stable = append(st.Stable, row)
		}
		o.States = append(o.States, st)
	}
	if rep.sq >= 0 {
		g := c.StatusQuoGraph(rep.sq)
		og := &report.OrdinalGraph{From: c.Codes[rep.sq], Truncated: g.Truncated}
		for _, s := range g.Nodes {
			n := report.OrdinalNode{Code: c.Codes[s], Depth: g.Depth[s]}
			for _, k := range rep.concepts {
				if rep.res.Equilibrium(k, s) {
					n.Equilibrium = append(n.Equilibrium, k.Title())
				}
			}
			og.Nodes = append(og.Nodes, n)
		}
		for _, e := range g.Edges {
			og.Edges = append(og.Edges, report.OrdinalEdge{DM: e.DM, From: c.Codes[e.From], To: c.Codes[e.To]})
		}
		o.Graph = og
	}
	if br := rep.bridge; br != nil {
		for _, v := range br.Compare(rep.res, rep.concepts) {
			o.Bridge = append(o.Bridge, report.OrdinalVerdict{State: v.State, Cardinal: v.Cardinal(), Ordinal: bridge.ConceptList(v.Concepts)})
		}
		fs := br.Findings(rep.res, rep.concepts)
		for _, f := range fs {
			o.Findings = append(o.Findings, report.OrdinalFinding{Kind: string(f.Kind), Text: f.Text})
		}
		o.Compared, o.Robust = true, bridge.Robust(fs)
		o.Notes = append(o.Notes, fmt.Sprintf("Cardinal: the Markov-perfect equilibrium of %s at its central parameters (method %s, largest one-shot gain %.2g; other equilibria may exist). A verdict that holds in only one lens is not robust.", filepath.Base(br.Scenario), br.Equilibrium.Method, br.Equilibrium.MaxDeviationGain))
	}
	return o
}

func (rep *gmcrReport) writeHTML(w io.Writer) error { return report.WriteOrdinal(w, rep.ordinal()) }
