package gambit

import (
	"bufio"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"

	"github.com/truce-dev/truce/game"
)

// efgQuote writes s as an .efg string, escaping quotes and backslashes.
func efgQuote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// efgRat prints a rational as Gambit does: an integer or "p/q".
func efgRat(r *big.Rat) string { return r.RatString() }

// WriteEFG writes t in Gambit's current .efg dialect ("EFG 2 R"), one node
// per line in preorder. Information sets are numbered per player in order
// of first appearance and outcomes in order of first use, so a file read
// and written again keeps its structure but may be renumbered.
func WriteEFG(w io.Writer, t *game.Tree) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "EFG 2 R %s {", efgQuote(t.Title))
	for _, p := range t.Players {
		fmt.Fprintf(bw, " %s", efgQuote(p))
	}
	fmt.Fprintf(bw, " }\n%s\n\n", efgQuote(t.Comment))

	isNum := make([]int, len(t.Infosets))
	written := make([]bool, len(t.Infosets))
	chanceCount := 0
	for i, s := range t.Infosets {
		if s.Player != game.Chance {
			isNum[i] = s.Index + 1
		}
	}
	outNum := make([]int, len(t.Outcomes))
	outCount := 0
	for n := range t.Nodes {
		nd := &t.Nodes[n]
		if nd.Infoset >= 0 && t.Infosets[nd.Infoset].Player == game.Chance && isNum[nd.Infoset] == 0 {
			chanceCount++
			isNum[nd.Infoset] = chanceCount
		}
		if nd.Outcome >= 0 && outNum[nd.Outcome] == 0 {
			outCount++
			outNum[nd.Outcome] = outCount
		}
	}
	outWritten := make([]bool, len(t.Outcomes))
	writeOutcome := func(o int) {
		if o < 0 {
			bw.WriteString(" 0")
			return
		}
		fmt.Fprintf(bw, " %d", outNum[o])
		out := &t.Outcomes[o]
		if outWritten[o] {
			fmt.Fprintf(bw, " %s", efgQuote(out.Label))
		} else {
			outWritten[o] = true
			fmt.Fprintf(bw, " %s {", efgQuote(out.Label))
			for p := range t.Players {
				if p > 0 {
					bw.WriteString(",")
				}
				if out.Exact != nil {
					fmt.Fprintf(bw, " %s", efgRat(out.Exact[p]))
				} else {
					fmt.Fprintf(bw, " %s", strconv.FormatFloat(out.Payoffs[p], 'g', -1, 64))
				}
			}
			bw.WriteString(" }")
		}
	}
	for n := range t.Nodes {
		nd := &t.Nodes[n]
		if nd.Infoset < 0 {
			fmt.Fprintf(bw, "t %s", efgQuote(nd.Label))
			writeOutcome(nd.Outcome)
			bw.WriteString("\n")
			continue
		}
		s := &t.Infosets[nd.Infoset]
		if s.Player == game.Chance {
			fmt.Fprintf(bw, "c %s %d", efgQuote(nd.Label), isNum[nd.Infoset])
		} else {
			fmt.Fprintf(bw, "p %s %d %d", efgQuote(nd.Label), s.Player+1, isNum[nd.Infoset])
		}
		if !written[nd.Infoset] {
			written[nd.Infoset] = true
			fmt.Fprintf(bw, " %s {", efgQuote(s.Label))
			for a, name := range s.Actions {
				fmt.Fprintf(bw, " %s", efgQuote(name))
				if s.Player == game.Chance {
					fmt.Fprintf(bw, " %s", efgRat(s.Probs[a]))
				}
			}
			bw.WriteString(" }")
		}
		writeOutcome(nd.Outcome)
		bw.WriteString("\n")
	}
	return bw.Flush()
}
