package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/scenarios"
)

// keptClaims is the form of scenarios/us-iran-2026.claims.json: the rows
// `truce analyze scenarios/us-iran-2026.yaml --draws N --seed S` prints
// for the bundled claims with their own draws: (N their largest draws:),
// which the demo shows instead of running them (a search of the
// equilibrium set on each draw costs more than the rest of the demo).
type keptClaims struct {
	Command    string                      `json:"command"`
	Draws      int                         `json:"draws"`
	Seed       uint64                      `json:"seed"`
	Hypotheses []scenario.HypothesisReport `json:"hypotheses"`
}

// runKeptClaims evaluates the bundled scenario's claims with their own
// draws: alone, on their draws (seed scenarios.USIran2026ClaimsSeed), as
// `truce analyze` does on those draws: the run the kept copy records
// (TestDemoKeptClaims compares the two).
func runKeptClaims(ctx context.Context) (*keptClaims, error) {
	sc, ds := scenario.Parse(scenarios.USIran2026Name, scenarios.USIran2026())
	if sc == nil {
		return nil, fmt.Errorf("the bundled scenario: %v", ds)
	}
	n := largestDraws(sc.OnlySubsampled())
	if n == 0 {
		return nil, fmt.Errorf("the bundled scenario has no hypothesis with its own draws:")
	}
	ar, err := scenario.Analyze(ctx, sc, scenario.AnalyzeOptions{Profiles: []string{"equilibrium"}, Draws: n,
		Seed: scenarios.USIran2026ClaimsSeed, EquilibriumStarts: -1})
	if err != nil {
		return nil, err
	}
	return &keptClaims{Command: fmt.Sprintf("truce analyze %s --draws %d --seed %d", scenarios.USIran2026Name, n, scenarios.USIran2026ClaimsSeed),
		Draws: n, Seed: scenarios.USIran2026ClaimsSeed, Hypotheses: ar.Hypotheses}, nil
}

// keptClaimsJSON is the bytes of scenarios/us-iran-2026.claims.json.
func keptClaimsJSON(k *keptClaims) ([]byte, error) {
	b, err := json.MarshalIndent(k, "", " ")
	return append(b, '\n'), err
}

// loadKeptClaims reads the kept run, checking that it holds the claims
// the bundled file left out, by id and claim.
func loadKeptClaims(left []scenario.Hypothesis) (*keptClaims, error) {
	var k keptClaims
	if err := json.Unmarshal(scenarios.USIran2026Claims(), &k); err != nil {
		return nil, err
	}
	if len(k.Hypotheses) != len(left) {
		return nil, fmt.Errorf("it has %d claims, the file %d", len(k.Hypotheses), len(left))
	}
	for i, h := range left {
		if k.Hypotheses[i].ID != h.ID || k.Hypotheses[i].Claim != h.Claim {
			return nil, fmt.Errorf("it has %s where the file has %s", k.Hypotheses[i].ID, h.ID)
		}
	}
	return &k, nil
}

// demoSetClaimRows prints the rows of the claims over the equilibrium set
// the demo did not run, from their kept run, saying so; or, without a
// kept run (another --seed or --draws), that they were not run and how
// to run them.
func demoSetClaimRows(w io.Writer, left []scenario.Hypothesis, kept *keptClaims, labels map[string]string) {
	var ids []string
	for _, h := range left {
		ids = append(ids, h.ID)
	}
	n := largestDraws(left)
	if kept == nil {
		fmt.Fprintf(w, "  %s, over the equilibrium set: not run here (solving and searching the equilibria, and the commitments, of each of %d draws costs more than the rest of the demo; their kept run is for the default --seed and --draws): truce demo --set-claims runs them\n",
			idRange(ids), n)
		return
	}
	// One line, so that the summary stays on a screen: the paragraph that
	// follows (setClaimWords) says in words what each of them says.
	var parts []string
	for _, h := range kept.Hypotheses {
		parts = append(parts, fmt.Sprintf("%s %s %s", h.ID, scenario.VerdictText(keptVerdict(h, kept.Draws)), keptInterval(h, kept.Draws)))
	}
	fmt.Fprintf(w, "  %s, over the equilibrium set, before the record only (share of %d draws with its 95%% interval; kept from %s, not run now: truce demo --set-claims runs them): %s\n",
		idRange(ids), kept.Draws, kept.Command, strings.Join(parts, " · "))
}

// keptShare prints a kept claim's share with its 95% interval over the
// draws it was evaluated on: "50.0% [29–71%] of 20 draws".
func keptShare(h scenario.HypothesisReport, n int) string {
	return fmt.Sprintf("%s of %d draws", keptInterval(h, n), n)
}

// keptVerdict is the verdict of a kept claim read as what it is beside
// the demo's draws, a subsample of n draws: the category its whole 95%
// interval lies in, or not settled (as truce update and analyze say of a
// claim with its own draws:), so that 20 of 20 draws (interval 88–100%)
// is not called supported at the 90% bar.
func keptVerdict(h scenario.HypothesisReport, n int) string {
	k := int(h.HoldsShare*float64(n) + 0.5)
	v, _ := scenario.SubsampleVerdict(scenario.ShareInterval(k, n))
	return v
}

// keptInterval is keptShare without the count: "50.0% [29–71%]".
func keptInterval(h scenario.HypothesisReport, n int) string {
	k := int(h.HoldsShare*float64(n) + 0.5)
	lo, hi := scenario.ShareInterval(k, n)
	return fmt.Sprintf("%.1f%% [%s–%s]", 100*h.HoldsShare, pctShort(lo), pctS(hi))
}

// setClaimWords says in plain words what the claims over the equilibrium
// set say, from the shares of "some equilibrium found keeps war within
// the year below even odds" (some), "every one found does" (every), both
// over the same n draws, and of "the selected one does" (sel, over
// selN draws). Per draw every implies some, so some − every is the share
// of draws on which the equilibria found disagree.
func setClaimWords(some, every float64, n int, sel float64, selN int, ids setClaimIDs) string {
	var b strings.Builder
	fmt.Fprintf(&b, "What the claims over the equilibrium set say (shares of prior draws: implied by the assumptions, not evidence): on %s of %d draws every equilibrium found keeps war within the year below even odds%s, on %s none does%s, and on %s the equilibria found disagree",
		pctS(every), n, tag(ids.every), pctS(1-some), tag(ids.some, "fails"), pctS(some-every))
	switch {
	case some-every > 0:
		b.WriteString(" (war within the year then hangs on which equilibrium the two sides settle into, not only on the parameters)")
	default:
		b.WriteString(" (on every draw the verdict on war within the year is the same in every equilibrium found: it hangs on the parameters, not on which equilibrium is played)")
	}
	fmt.Fprintf(&b, "; the selected equilibrium keeps it below even odds%s on %s of %d draws. ", tag(ids.sel), pctS(sel), selN)
	b.WriteString("The search is small (the selection and 4 random starts per draw, each extended back over the clock) and not proved complete: \"every\" is every one found.")
	return b.String()
}

// setClaimIDs names the claims setClaimWords speaks of ("" leaves a
// name out): some, every and the selected equilibrium found keep war
// within the year below even odds.
type setClaimIDs struct{ some, every, sel string }

// tag is " (E2)", or " (E1 fails)" with a word after the id; "" for no id.
func tag(id string, words ...string) string {
	if id == "" {
		return ""
	}
	return " (" + strings.Join(append([]string{id}, words...), " ") + ")"
}

// demoCostly is what the demo left out of its run: the claims with their
// own draws: (left) and their kept run (nil when the run's --seed or
// --draws is not the kept run's).
type demoCostly struct {
	left []scenario.Hypothesis
	kept *keptClaims
}

// The bundled file's claims over the equilibrium set, by expression:
// some equilibrium found, every one found and the selected one keep war
// within the year below even odds.
const (
	setClaimSome  = `min_reach("war", 52, "equilibrium") < 0.5`
	setClaimEvery = `max_reach("war", 52, "equilibrium") < 0.5`
	setClaimSel   = `reach("war", 52, "equilibrium") < 0.5`
	commitClaim   = `commit_value("US") > max_value("US", "equilibrium")`
)

// demoSetWordsFrom finds the three claims over the set in the run (ar)
// or in the kept run and says what they say (setClaimWords); "" when one
// is missing or "some" and "every" are over different draws.
func demoSetWordsFrom(ar *scenario.AnalysisReport, kept *keptClaims) string {
	type found struct {
		share float64
		n     int
		ok    bool
		id    string
	}
	var some, every, sel, commit found
	look := func(hs []scenario.HypothesisReport, n int) {
		for _, h := range hs {
			m := n
			if h.EvaluatedDraws > 0 {
				m = h.EvaluatedDraws
			}
			f := found{h.HoldsShare, m, true, h.ID}
			switch h.Expr {
			case setClaimSome:
				some = f
			case setClaimEvery:
				every = f
			case setClaimSel:
				sel = f
			case commitClaim:
				commit = f
			}
		}
	}
	look(ar.Hypotheses, ar.Analysed())
	if kept != nil {
		look(kept.Hypotheses, kept.Draws)
	}
	if !some.ok || !every.ok || !sel.ok || some.n != every.n {
		return ""
	}
	words := setClaimWords(some.share, every.share, some.n, sel.share, sel.n, setClaimIDs{some.id, every.id, sel.id})
	if commit.ok {
		words += fmt.Sprintf(" Committing%s: on %s of %d draws the US does better by announcing a strategy and carrying it out (its best commitment found, Iran answering with its best response) than in every equilibrium found.", tag(commit.id), pctS(commit.share), commit.n)
	}
	return words
}

// largestDraws is the largest draws: of hs.
func largestDraws(hs []scenario.Hypothesis) int {
	n := 0
	for _, h := range hs {
		n = max(n, h.Draws)
	}
	return n
}

// idRange names ids as "E1–E4" when there are more than two, else "E1, E2".
func idRange(ids []string) string {
	if len(ids) > 2 {
		return ids[0] + "–" + ids[len(ids)-1]
	}
	return strings.Join(ids, ", ")
}

// keptClaimsNote is the report's note on the claims the demo showed from
// their kept run, or left out.
func keptClaimsNote(c demoCostly) string {
	if len(c.left) == 0 {
		return ""
	}
	var ids []string
	for _, h := range c.left {
		ids = append(ids, h.ID)
	}
	if c.kept == nil {
		return fmt.Sprintf("The claims over the equilibrium set %s were not evaluated in this run (they solve and search the equilibria of each of their %d draws): truce demo --set-claims evaluates them.", idRange(ids), largestDraws(c.left))
	}
	var parts []string
	for _, h := range c.kept.Hypotheses {
		parts = append(parts, fmt.Sprintf("%s %s (%s)", h.ID, keptShare(h, c.kept.Draws), scenario.VerdictText(keptVerdict(h, c.kept.Draws))))
	}
	return fmt.Sprintf("The claims over the equilibrium set are not in the tables of this report: they are kept from `%s`, not run now (the test suite reruns it and fails if it differs; truce demo --set-claims runs them): %s. Shares of prior draws: implied by the assumptions, not evidence.",
		c.kept.Command, strings.Join(parts, "; "))
}
