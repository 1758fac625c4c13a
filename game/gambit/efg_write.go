package gambit

import (
	"bufio"
	"fmt"
	"io"
	"math/big"

	"github.com/truce-dev/truce/game"
)

// efgRat prints a rational as Gambit does: an integer or "p/q".
func efgRat(r *big.Rat) string { return r.RatString() }

// WriteEFG writes t in Gambit's current .efg dialect ("EFG 2 R"), one node
// per line in preorder, so that Gambit 17 reads it as the same game (see
// the rules in labels.go): labels cleaned and made unique where Gambit
// requires it, each outcome's payoffs given where it is first used and
// only its number afterwards. Information sets are numbered per player in
// order of first appearance and outcomes in order of first use, so a file
// read and written again keeps its structure but may be renumbered.
func WriteEFG(w io.Writer, t *game.Tree) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("EFG 2 R ")
	quote(bw, cleanText(t.Title))
	bw.WriteString(" {")
	for _, p := range playerLabels(t.Players) {
		bw.WriteByte(' ')
		quote(bw, p)
	}
	bw.WriteString(" }\n")
	quote(bw, cleanText(t.Comment))
	bw.WriteString("\n\n")

	isNum := make([]int, len(t.Infosets))
	chanceCount := 0
	for i, s := range t.Infosets {
		if s.Player != game.Chance {
			isNum[i] = s.Index + 1
		}
	}
	outNum := make([]int, len(t.Outcomes))
	var outOrder []int
	nodeLabels := make([]string, len(t.Nodes))
	var chanceSets []int
	for n := range t.Nodes {
		nd := &t.Nodes[n]
		nodeLabels[n] = cleanLabel(nd.Label)
		if nd.Infoset >= 0 && t.Infosets[nd.Infoset].Player == game.Chance && isNum[nd.Infoset] == 0 {
			chanceCount++
			isNum[nd.Infoset] = chanceCount
			chanceSets = append(chanceSets, nd.Infoset)
		}
		if nd.Outcome >= 0 && outNum[nd.Outcome] == 0 {
			outOrder = append(outOrder, nd.Outcome)
			outNum[nd.Outcome] = len(outOrder)
		}
	}
	nodeLabels = uniqueLabels(nodeLabels)
	// information set labels, unique per player (chance is a player too)
	isLabel := make([]string, len(t.Infosets))
	for p := -1; p < len(t.Players); p++ {
		sets := chanceSets
		if p >= 0 {
			sets = t.PlayerInfosets[p]
		}
		labels := make([]string, len(sets))
		for i, is := range sets {
			labels[i] = cleanLabel(t.Infosets[is].Label)
		}
		for i, l := range uniqueLabels(labels) {
			isLabel[sets[i]] = l
		}
	}
	outLabels := make([]string, len(outOrder))
	for i, o := range outOrder {
		outLabels[i] = cleanLabel(t.Outcomes[o].Label)
	}
	outLabels = normalizeLabels(outLabels)

	written := make([]bool, len(t.Infosets))
	outWritten := make([]bool, len(t.Outcomes))
	writeOutcome := func(o int) {
		if o < 0 {
			bw.WriteString(" 0")
			return
		}
		fmt.Fprintf(bw, " %d", outNum[o])
		if outWritten[o] {
			return // Gambit takes a repeated outcome by its number alone
		}
		outWritten[o] = true
		out := &t.Outcomes[o]
		bw.WriteByte(' ')
		quote(bw, outLabels[outNum[o]-1])
		bw.WriteString(" {")
		for p := range t.Players {
			if p > 0 {
				bw.WriteString(",")
			}
			bw.WriteByte(' ')
			if out.Exact != nil {
				bw.WriteString(efgRat(out.Exact[p]))
			} else {
				bw.WriteString(formatFloat(out.Payoffs[p]))
			}
		}
		bw.WriteString(" }")
	}
	for n := range t.Nodes {
		nd := &t.Nodes[n]
		if nd.Infoset < 0 {
			bw.WriteString("t ")
			quote(bw, nodeLabels[n])
			writeOutcome(nd.Outcome)
			bw.WriteString("\n")
			continue
		}
		s := &t.Infosets[nd.Infoset]
		if s.Player == game.Chance {
			bw.WriteString("c ")
			quote(bw, nodeLabels[n])
			fmt.Fprintf(bw, " %d", isNum[nd.Infoset])
		} else {
			bw.WriteString("p ")
			quote(bw, nodeLabels[n])
			fmt.Fprintf(bw, " %d %d", s.Player+1, isNum[nd.Infoset])
		}
		if !written[nd.Infoset] {
			written[nd.Infoset] = true
			bw.WriteByte(' ')
			quote(bw, isLabel[nd.Infoset])
			bw.WriteString(" {")
			for a, name := range normalizeLabels(cleanAll(s.Actions)) {
				bw.WriteByte(' ')
				quote(bw, name)
				if s.Player == game.Chance {
					bw.WriteString(" " + efgRat(s.Probs[a]))
				}
			}
			bw.WriteString(" }")
		}
		writeOutcome(nd.Outcome)
		bw.WriteString("\n")
	}
	return bw.Flush()
}
