package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/truce-dev/truce/gmcr"
)

// json builds the document of truce gmcr --format json (docs/gmcr.md).
func (rep *gmcrReport) json() any {
	c := rep.res.C
	type dmJSON struct {
		ID      string   `json:"id"`
		Label   string   `json:"label,omitempty"`
		Options []string `json:"options"`
	}
	type stateRow struct {
		gmcrState
		Ranks        map[string]int32           `json:"ranks"`
		Stable       map[string]map[string]bool `json:"stable"`
		Improvements map[string][]uint64        `json:"improvements"`
	}
	doc := map[string]any{}
	var dms []dmJSON
	for _, dm := range c.DMs {
		d := dmJSON{ID: dm.ID, Label: dm.Label}
		for _, o := range dm.Options {
			d.Options = append(d.Options, c.Options[o].ID)
		}
		dms = append(dms, d)
	}
	doc["conflict"] = map[string]any{
		"name": c.Name, "title": c.Title, "decision_makers": dms,
		"options": len(c.Options), "states": 1 << uint(len(c.Options)), "feasible_states": len(c.Codes),
	}
	doc["sanctions"] = rep.res.Sanctions.String()
	var names []string
	eq := map[string][]gmcrState{}
	for _, k := range rep.concepts {
		names = append(names, k.String())
		list := []gmcrState{}
		for _, s := range rep.res.Equilibria(k) {
			list = append(list, stateJSON(c, s))
		}
		eq[k.String()] = list
	}
	doc["concepts"] = names
	doc["equilibria"] = eq
	rows := []stateRow{}
	for s := range c.Codes {
		row := stateRow{gmcrState: stateJSON(c, s), Ranks: map[string]int32{}, Stable: map[string]map[string]bool{}, Improvements: map[string][]uint64{}}
		for d, dm := range c.DMs {
			row.Ranks[dm.ID] = c.Rank[d][s]
			st := map[string]bool{}
			for _, k := range rep.concepts {
				st[k.String()] = rep.res.Stable(k, d, s)
			}
			row.Stable[dm.ID] = st
			ui := []uint64{}
			for _, t := range c.Improvements(d, s) {
				ui = append(ui, c.Codes[t])
			}
			row.Improvements[dm.ID] = ui
		}
		rows = append(rows, row)
	}
	doc["states"] = rows
	if rep.sq >= 0 {
		type pathJSON struct {
			To             gmcrState      `json:"to"`
			Concepts       []string       `json:"concepts"`
			Reachable      bool           `json:"reachable"`
			ByImprovements bool           `json:"by_improvements"`
			Moves          []gmcrMoveJSON `json:"moves"`
		}
		var ps []pathJSON
		for i, p := range rep.paths {
			pj := pathJSON{To: stateJSON(c, p.To), Reachable: p.Moves != nil, ByImprovements: p.ByImprovements, Moves: movesJSON(c, p.Moves)}
			for _, k := range rep.pathsFor[i] {
				pj.Concepts = append(pj.Concepts, k.String())
			}
			ps = append(ps, pj)
		}
		doc["status_quo"] = map[string]any{"state": stateJSON(c, rep.sq), "paths": ps}
	}
	if len(rep.why) > 0 {
		type answerJSON struct {
			To       gmcrState      `json:"to"`
			Sanction []gmcrMoveJSON `json:"sanction"`
			Reply    *uint64        `json:"reply,omitempty"`
		}
		type whyJSON struct {
			State   uint64       `json:"state"`
			DM      string       `json:"dm"`
			Concept string       `json:"concept"`
			Stable  bool         `json:"stable"`
			Answers []answerJSON `json:"improvements"`
		}
		var ws []whyJSON
		for _, w := range rep.why {
			wj := whyJSON{State: c.Codes[w.State], DM: c.DMs[w.DM].ID, Concept: w.Concept.String(), Stable: w.Stable, Answers: []answerJSON{}}
			for _, a := range w.Answers {
				aj := answerJSON{To: stateJSON(c, a.To)}
				if a.Sanction != nil {
					aj.Sanction = movesJSON(c, a.Sanction)
				}
				if a.Reply >= 0 {
					r := c.Codes[a.Reply]
					aj.Reply = &r
				}
				wj.Answers = append(wj.Answers, aj)
			}
			ws = append(ws, wj)
		}
		doc["why"] = ws
	}
	if len(rep.coal) > 0 {
		type upsetJSON struct {
			State     uint64         `json:"state"`
			Coalition string         `json:"coalition"`
			Moves     []gmcrMoveJSON `json:"moves"`
		}
		out := map[string]any{}
		for _, cr := range rep.coal {
			stable := []gmcrState{}
			for _, s := range cr.Stable {
				stable = append(stable, stateJSON(c, s))
			}
			ups := []upsetJSON{}
			for _, u := range cr.Upset {
				ups = append(ups, upsetJSON{State: c.Codes[u.State], Coalition: c.CoalitionName(u.Coalition), Moves: movesJSON(c, u.Moves)})
			}
			var hs []string
			for _, h := range cr.Coalitions {
				hs = append(hs, c.CoalitionName(h))
			}
			out[cr.Concept.String()] = map[string]any{"coalitions": hs, "stable": stable, "upset": ups}
		}
		doc["coalitions"] = out
	}
	if rep.bridge != nil {
		doc["bridge"] = rep.bridgeJSON()
	}
	if inv := rep.inv; inv != nil {
		type orderJSON struct {
			Order   []string   `json:"order"`
			Ranking [][]uint64 `json:"ranking"`
		}
		var found []orderJSON
		for _, o := range inv.Found {
			oj := orderJSON{Order: rep.itemNames(o.Order)}
			for _, cl := range o.Classes {
				var codes []uint64
				for _, s := range cl {
					codes = append(codes, c.Codes[s])
				}
				oj.Ranking = append(oj.Ranking, codes)
			}
			found = append(found, oj)
		}
		var always [][2]string
		for _, p := range inv.Always {
			n := rep.itemNames([]int{p[0], p[1]})
			always = append(always, [2]string{n[0], n[1]})
		}
		by := "ranking"
		if inv.Spec.Statements != nil {
			by = "priorities"
		}
		doc["inverse"] = map[string]any{
			"dm": c.DMs[inv.Spec.DM].ID, "target": stateJSON(c, inv.Spec.Target), "concept": inv.Spec.Concept.String(),
			"by": by, "keep_top": inv.Spec.Keep, "checked": inv.Checked, "found": found, "always_before": always,
		}
	}
	return doc
}

// itemNames names inverse-analysis items: statements by their text,
// classes by their states' codes.
func (rep *gmcrReport) itemNames(order []int) []string {
	inv := rep.inv
	c := rep.res.C
	out := make([]string, len(order))
	classes := c.Classes(inv.Spec.DM)
	for i, k := range order {
		if inv.Spec.Statements != nil {
			out[i] = inv.Spec.Statements[k].Src
			continue
		}
		var codes []string
		for _, s := range classes[k] {
			codes = append(codes, fmt.Sprint(c.Codes[s]))
		}
		out[i] = strings.Join(codes, "~")
	}
	return out
}

// text writes the analysis for a reader.
func (rep *gmcrReport) text(w io.Writer) error {
	c := rep.res.C
	title := c.Title
	if title == "" {
		title = c.Name
	}
	fmt.Fprintf(w, "%s: %d decision makers, %d options, %d feasible states of %d\n", title, len(c.DMs), len(c.Options), len(c.Codes), 1<<uint(len(c.Options)))
	if rep.res.Sanctions == gmcr.SingleMoves {
		fmt.Fprintln(w, "sanctions: one move by one opponent (--sanctions single)")
	} else if len(c.DMs) > 2 {
		fmt.Fprintln(w, "sanctions: any legal sequence of the other decision makers' moves (no one twice in a row)")
	}
	fmt.Fprintln(w, "\nequilibria (stable for every decision maker):")
	for _, k := range rep.concepts {
		eq := rep.res.Equilibria(k)
		var parts []string
		for _, s := range eq {
			parts = append(parts, fmt.Sprint(c.Codes[s]))
		}
		list := strings.Join(parts, " ")
		if len(eq) == 0 {
			list = "none"
		}
		fmt.Fprintf(w, "  %-5s %s\n", k.Title(), list)
	}
	fmt.Fprintln(w, "\nstates (rank: higher is preferred; a concept column shows E for an equilibrium, else the decision makers for whom the state is unstable):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"state", "options taken", "ranks " + dmList(c)}
	for _, k := range rep.concepts {
		head = append(head, k.Title())
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for s := range c.Codes {
		var ranks []string
		for d := range c.DMs {
			ranks = append(ranks, fmt.Sprint(c.Rank[d][s]))
		}
		row := []string{fmt.Sprint(c.Codes[s]), c.Describe(s), strings.Join(ranks, " ")}
		for _, k := range rep.concepts {
			var un []string
			for d, dm := range c.DMs {
				if !rep.res.Stable(k, d, s) {
					un = append(un, dm.ID)
				}
			}
			cell := "E"
			if len(un) > 0 {
				cell = "x " + strings.Join(un, ",")
			}
			row = append(row, cell)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, why := range rep.why {
		rep.writeWhy(w, why)
	}
	if rep.sq >= 0 {
		fmt.Fprintf(w, "\nfrom the status quo %d (%s):\n", c.Codes[rep.sq], c.Describe(rep.sq))
		for i, p := range rep.paths {
			var ks []string
			for _, k := range rep.pathsFor[i] {
				ks = append(ks, k.Title())
			}
			fmt.Fprintf(w, "  to %d (%s; equilibrium under %s): ", c.Codes[p.To], c.Describe(p.To), strings.Join(ks, ", "))
			switch {
			case p.Moves == nil:
				fmt.Fprintln(w, "not reachable by any sequence of moves")
			case len(p.Moves) == 0:
				fmt.Fprintln(w, "it is the status quo")
			default:
				how := "by unilateral improvements"
				if !p.ByImprovements {
					how = "only through a move its mover does not prefer"
				}
				fmt.Fprintf(w, "%s: %s\n", how, rep.pathText(p.Moves))
			}
		}
	}
	for _, cr := range rep.coal {
		var hs []string
		for _, h := range cr.Coalitions {
			hs = append(hs, c.CoalitionName(h))
		}
		fmt.Fprintf(w, "\ncoalitions (%s), %s equilibria:\n", strings.Join(hs, ", "), cr.Concept.Title())
		for _, u := range cr.Upset {
			end := u.Moves[len(u.Moves)-1].To
			fmt.Fprintf(w, "  %d is upset by %s: together they move to %d (%s), which all of them prefer, and the others cannot deter it: %s\n",
				c.Codes[u.State], c.CoalitionName(u.Coalition), c.Codes[end], c.Describe(end), rep.pathText(u.Moves))
		}
		var st []string
		for _, s := range cr.Stable {
			st = append(st, fmt.Sprint(c.Codes[s]))
		}
		if len(st) == 0 {
			st = []string{"none"}
		}
		fmt.Fprintf(w, "  coalitionally stable: %s\n", strings.Join(st, " "))
	}
	if inv := rep.inv; inv != nil {
		rep.writeInverse(w)
	}
	if rep.bridge != nil {
		rep.bridgeText(w)
	}
	return nil
}

func dmList(c *gmcr.Conflict) string {
	var ids []string
	for _, dm := range c.DMs {
		ids = append(ids, dm.ID)
	}
	return strings.Join(ids, " ")
}

// pathText writes moves as "IR takes hormuz -> 5, then US ... -> 12".
func (rep *gmcrReport) pathText(ms []gmcr.Move) string {
	c := rep.res.C
	var parts []string
	for _, m := range ms {
		parts = append(parts, fmt.Sprintf("%s %s -> %d", c.DMs[m.DM].ID, c.Changed(m.From, m.To), c.Codes[m.To]))
	}
	return strings.Join(parts, ", then ")
}

func (rep *gmcrReport) writeWhy(w io.Writer, why *gmcr.Why) {
	c := rep.res.C
	dm := c.DMs[why.DM].ID
	s := c.Codes[why.State]
	verdict := "stable"
	if !why.Stable {
		verdict = "unstable"
	}
	fmt.Fprintf(w, "\nwhy state %d is %s-%s for %s:", s, why.Concept.Title(), verdict, dm)
	if len(why.Answers) == 0 {
		fmt.Fprintf(w, " %s has no unilateral improvement from %d\n", dm, s)
		return
	}
	fmt.Fprintln(w)
	for _, a := range why.Answers {
		fmt.Fprintf(w, "  %s can improve to %d (%s)", dm, c.Codes[a.To], c.Changed(why.State, a.To))
		switch {
		case why.Concept == gmcr.Nash:
			fmt.Fprintln(w)
		case a.Sanction == nil:
			fmt.Fprintln(w, "; nothing the others can do leaves it no better off than at", s)
		default:
			end := a.Sanction[len(a.Sanction)-1].To
			fmt.Fprintf(w, "; sanctioned by %s, which %s ranks %d against %d at %d", rep.pathText(a.Sanction), dm, c.Rank[why.DM][end], c.Rank[why.DM][why.State], s)
			if why.Concept == gmcr.SMR && a.Reply >= 0 && a.Reply != end {
				fmt.Fprintf(w, "; its best reply, to %d, ranks %d", c.Codes[a.Reply], c.Rank[why.DM][a.Reply])
			}
			fmt.Fprintln(w)
		}
	}
}

func (rep *gmcrReport) writeInverse(w io.Writer) {
	inv := rep.inv
	c := rep.res.C
	dm := c.DMs[inv.Spec.DM].ID
	what := "preference classes"
	if inv.Spec.Statements != nil {
		what = "priority statements"
	}
	fmt.Fprintf(w, "\ninverse: orderings of %s's %s (top %d kept) that make %d %s-stable for %s: %d of %d\n",
		dm, what, inv.Spec.Keep, c.Codes[inv.Spec.Target], inv.Spec.Concept.Title(), dm, len(inv.Found), inv.Checked)
	const show = 20
	for i, o := range inv.Found {
		if i == show {
			fmt.Fprintf(w, "  ... %d more (--format json lists all)\n", len(inv.Found)-show)
			break
		}
		fmt.Fprintf(w, "  %s\n", strings.Join(rep.itemNames(o.Order), "  >  "))
	}
	if len(inv.Found) > 1 && len(inv.Always) > 0 {
		fmt.Fprintln(w, "  every one of them puts:")
		for _, p := range inv.Always {
			n := rep.itemNames([]int{p[0], p[1]})
			fmt.Fprintf(w, "    %s  before  %s\n", n[0], n[1])
		}
	}
}
