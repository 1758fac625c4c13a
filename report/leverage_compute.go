package report

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/scenario"
)

// ComputeLeverage computes the leverage section at central values on the
// central game g: every actor's exact best response to every profile with
// fixed strategies in profs (in the order given, as truce respond), and in
// a two-actor scenario each actor's optimal commitment against the
// selected equilibrium sel (as truce commit; sel may be nil, then no value
// of commitment). What cannot be computed becomes a note; a cancelled or
// timed-out ctx is returned as an error.
func ComputeLeverage(ctx context.Context, sc *scenario.Scenario, g *markov.Game, profs map[string]markov.Profile, order []string, sel *equilibrium.Result, seed uint64) (*Leverage, error) {
	lv := &Leverage{Initial: sc.States[sc.Initial].ID}
	for _, name := range order {
		p, ok := profs[name]
		if !ok {
			continue
		}
		for a, act := range sc.Actors {
			// The section shows the Bellman residual, the response's
			// certificate, not the value-iteration cross-check (thousands of
			// sweeps over every step's decision points for weekly discounts).
			r, err := equilibrium.BestResponseWith(ctx, g, p, a, equilibrium.ResponseOptions{NoCrossCheck: true})
			if err != nil {
				if ctx.Err() != nil {
					return nil, fmt.Errorf("best response of %s to %s: %w", act.ID, name, ctx.Err())
				}
				lv.Notes = append(lv.Notes, fmt.Sprintf("Best response of %s to %s: %v", act.ID, name, err))
				continue
			}
			row := LeverageResponse{Profile: name, Actor: r.ActorID, ProfileValue: clean(r.ProfileValue),
				BestValue: clean(r.Value), Gain: clean(r.Gain), Residual: r.BellmanResidual,
				Changes: responseChanges(sc, g, r)}
			lv.Responses = append(lv.Responses, row)
		}
	}
	if len(sc.Actors) != 2 {
		lv.Notes = append(lv.Notes, fmt.Sprintf("Optimal commitment is computed for two actors; this scenario has %d.", len(sc.Actors)))
		return lv, nil
	}
	for l := range 2 {
		f := 1 - l
		c, err := equilibrium.Commit(ctx, g, l, f, equilibrium.CommitOptions{Seed: seed, Equilibrium: sel})
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("optimal commitment of %s: %w", sc.Actors[l].ID, ctx.Err())
			}
			lv.Notes = append(lv.Notes, fmt.Sprintf("Optimal commitment of %s: %v", sc.Actors[l].ID, err))
			continue
		}
		row := LeverageCommitment{Leader: c.LeaderID, Follower: c.FollowerID, LeaderValue: clean(c.LeaderValue),
			FollowerValue: clean(c.FollowerValue), Exact: c.Exact, Method: c.Method, Tried: c.Tried}
		if !math.IsNaN(c.EquilibriumLeaderValue) {
			row.HasEquilibrium = true
			row.EquilibriumValue, row.ValueOfCommitment = clean(c.EquilibriumLeaderValue), clean(c.ValueOfCommitment)
		}
		for _, r := range CommitmentRows(sc, g, c) {
			row.Commitment = append(row.Commitment, r[0]+": "+r[1])
		}
		for _, r := range FollowerRows(sc, g, c) {
			row.Response = append(row.Response, r[0]+": "+r[1])
		}
		lv.Commitments = append(lv.Commitments, row)
	}
	return lv, nil
}

// responseChanges lists the decision points where best response r plays
// otherwise than the profile: "point: the profile's play → the best
// response's (loses x there)". In a clocked game a point comes once per
// step; consecutive steps with the same two plays are one entry that says
// its steps ("truce at steps 0–14", "from step 15 on", "at every step":
// equilibrium.StepRunLabel) with the loss as a range over them.
func responseChanges(sc *scenario.Scenario, g *markov.Game, r *equilibrium.Response) []string {
	type run struct {
		point, change, after string
		first, last          int
		lo, hi               float64
	}
	var out []string
	var cur *run
	flush := func() {
		if cur == nil {
			return
		}
		label := cur.point
		if r.Clock > 0 {
			label += " " + equilibrium.StepRunLabel(r.Clock, equilibrium.EarliestStep(cur.after, ""), cur.first, cur.last)
		}
		loss := fmt.Sprintf("%.3g", cur.hi)
		if lo := fmt.Sprintf("%.3g", cur.lo); lo != loss {
			loss = lo + "–" + loss
		}
		out = append(out, fmt.Sprintf("%s: %s (loses %s there)", label, cur.change, loss))
		cur = nil
	}
	for _, n := range ResponseNodes(g, r) {
		if !n.Node.Changes {
			continue
		}
		point := n.Node.Label()
		change, loss := nodeChange(sc, g, r.Actor, n)
		if cur != nil && r.Clock > 0 && cur.point == point && cur.change == change && n.Node.Step == cur.last+1 {
			cur.last = n.Node.Step
			cur.lo, cur.hi = math.Min(cur.lo, loss), math.Max(cur.hi, loss)
			continue
		}
		flush()
		cur = &run{point: point, change: change, after: n.Node.After, first: n.Node.Step, last: n.Node.Step, lo: loss, hi: loss}
	}
	flush()
	return out
}

// nodeChange is what actor a's best response changes at decision point
// n ("the profile's play → the best response's") and what the profile's
// play loses there.
func nodeChange(sc *scenario.Scenario, g *markov.Game, a int, n ResponseNode) (string, float64) {
	own := 0.0
	for k, x := range n.Node.ProfilePlay {
		own += x * n.Node.Q[k]
	}
	return PlayText(sc.Actions[a], DistNames(g, a, n.Node.State, n.Node.ProfilePlay)) + " → " + PlayText(sc.Actions[a], n.Policy), n.Node.Value - own
}

// clean prints rounding noise around zero as 0.
func clean(x float64) float64 {
	if x < 1e-12 && x > -1e-12 {
		return 0
	}
	return x
}

// ResponseNode is one decision point of a best response with its label
// ("state", "state after move", with " at step …" in a clocked game) and
// its play by action name.
type ResponseNode struct {
	Label  string
	Node   equilibrium.ResponseNode
	Policy map[string]float64
}

// ResponseNodes lists r's decision points by state (as declared), then
// remembered move, then step: the solver's node order follows its search,
// which interleaves states.
func ResponseNodes(g *markov.Game, r *equilibrium.Response) []ResponseNode {
	nodes := append([]equilibrium.ResponseNode(nil), r.Nodes...)
	sort.SliceStable(nodes, func(i, j int) bool {
		if nodes[i].State != nodes[j].State {
			return nodes[i].State < nodes[j].State
		}
		if nodes[i].After != nodes[j].After {
			return nodes[i].After < nodes[j].After
		}
		return nodes[i].Step < nodes[j].Step
	})
	out := make([]ResponseNode, len(nodes))
	for i, n := range nodes {
		label := n.Label()
		if r.Clock > 0 {
			label += " at " + n.StepLabel(r.Clock)
		}
		out[i] = ResponseNode{Label: label, Node: n, Policy: DistNames(g, r.Actor, n.State, n.Policy)}
	}
	return out
}

// DistNames turns a distribution over Avail[s][a] into action names.
func DistNames(g *markov.Game, a, s int, d []float64) map[string]float64 {
	out := map[string]float64{}
	for k, x := range d {
		if x > 0 {
			out[g.Actions[a][g.Avail[s][a][k]]] += x
		}
	}
	return out
}

// CommitmentRows are a commitment's rows: the state and the leader's play
// (by step in a clocked game).
func CommitmentRows(sc *scenario.Scenario, g *markov.Game, c *equilibrium.Commitment) [][2]string {
	l := c.Leader
	var out [][2]string
	for _, st := range sc.States {
		s := -1
		for i, gs := range g.States {
			if gs.ID == st.ID && !gs.Terminal {
				s = i
				break
			}
		}
		if s < 0 {
			continue
		}
		if g.Clock == 0 {
			out = append(out, [2]string{st.ID, PlayText(sc.Actions[l], DistNames(g, l, s, c.Strategy[s]))})
			continue
		}
		plays := make([]string, 0, g.Clock+1)
		for _, row := range c.Timed {
			plays = append(plays, PlayText(sc.Actions[l], DistNames(g, l, s, row[s])))
		}
		plays = append(plays, PlayText(sc.Actions[l], DistNames(g, l, s, c.Strategy[s])))
		out = append(out, [2]string{st.ID, StepPlays(plays)})
	}
	return out
}

// FollowerRows are the rows of the follower's response to a commitment:
// the decision point and its play (by step in a clocked game).
func FollowerRows(sc *scenario.Scenario, g *markov.Game, c *equilibrium.Commitment) [][2]string {
	f := c.Follower
	nodes := ResponseNodes(g, c.Response)
	var out [][2]string
	if g.Clock == 0 {
		m := map[string]map[string]float64{}
		for _, n := range nodes {
			m[n.Label] = n.Policy
		}
		for _, k := range SortedNodeLabels(sc, m) {
			out = append(out, [2]string{k, PlayText(sc.Actions[f], m[k])})
		}
		return out
	}
	labels, plays := make([]string, len(nodes)), make([]string, len(nodes))
	for i, n := range nodes {
		labels[i], plays[i] = n.Label, PlayText(sc.Actions[f], n.Policy)
	}
	return StepGroups(labels, plays, g.Clock)
}

// StepGroups merges the plays at decision points labelled "point at step
// N" (in a game with clock clock; a label without a step is the point
// from the clock on) into one row per point, its plays by step:
// "truce", "negotiate at steps 0-2; withdraw from step 3 on". Labels come
// sorted by point, then step.
func StepGroups(labels, plays []string, clock int) [][2]string {
	var out [][2]string
	var key string
	var ps []string
	var steps []int
	flush := func() {
		if key != "" {
			out = append(out, [2]string{key, StepPlaysAt(ps, steps, clock)})
		}
	}
	for i, k := range labels {
		at := strings.LastIndex(k, " at step")
		if at < 0 {
			at = len(k)
		}
		base, step := k[:at], clock
		fmt.Sscanf(k[at:], " at step %d", &step)
		if base != key {
			flush()
			key, ps, steps = base, nil, nil
		}
		ps, steps = append(ps, plays[i]), append(steps, step)
	}
	flush()
	return out
}

// SortedNodeLabels orders decision points by state order, base node first.
func SortedNodeLabels(sc *scenario.Scenario, m map[string]map[string]float64) []string {
	var out []string
	for _, st := range sc.States {
		if _, ok := m[st.ID]; ok {
			out = append(out, st.ID)
		}
		var more []string
		for k := range m {
			if strings.HasPrefix(k, st.ID+" after ") {
				more = append(more, k)
			}
		}
		sort.Strings(more)
		out = append(out, more...)
	}
	return out
}

// PlayText writes a distribution over named actions in their order:
// "withdraw" or "strike 0.6, hold 0.4".
func PlayText(names []string, play map[string]float64) string {
	var parts []string
	for _, name := range names {
		if p, ok := play[name]; ok {
			if p == 1 {
				parts = append(parts, name)
			} else {
				parts = append(parts, name+" "+ProbDigits(p, 4))
			}
		}
	}
	return strings.Join(parts, ", ")
}

// ProbDigits prints a probability with digits significant digits, 0 for
// zero (and below), "<1e-9" for a positive figure too small to matter and
// "-" for NaN.
func ProbDigits(p float64, digits int) string {
	switch {
	case math.IsNaN(p):
		return "-"
	case p <= 0:
		return "0"
	case p < 1e-9:
		return "<1e-9"
	}
	return strconv.FormatFloat(p, 'g', digits, 64)
}

// StepPlays describes a play per step 0 … Clock (the last from the clock
// on): "wait at steps 0-1; strike from step 2 on", or "strike at every
// step".
func StepPlays(plays []string) string {
	steps := make([]int, len(plays))
	for i := range steps {
		steps[i] = i
	}
	return StepPlaysAt(plays, steps, len(plays)-1)
}

// StepPlaysAt is StepPlays for the plays at the given steps (increasing,
// clock the last possible).
func StepPlaysAt(plays []string, steps []int, clock int) string {
	type run struct {
		play  string
		steps []int
	}
	var runs []run
	for i, p := range plays {
		if len(runs) > 0 && runs[len(runs)-1].play == p {
			runs[len(runs)-1].steps = append(runs[len(runs)-1].steps, steps[i])
			continue
		}
		runs = append(runs, run{p, []int{steps[i]}})
	}
	if len(runs) == 1 && len(steps) == clock+1 {
		return runs[0].play + " at every step"
	}
	var parts []string
	for _, r := range runs {
		parts = append(parts, r.play+" "+StepsText(StepRuns(r.steps, clock)))
	}
	return strings.Join(parts, "; ")
}

// StepRuns writes increasing steps as runs: "0-2, 5, ≥ 8" (≥ for a run
// that reaches clock).
func StepRuns(steps []int, clock int) string {
	var parts []string
	emit := func(a, b int) {
		switch {
		case b == clock:
			parts = append(parts, fmt.Sprintf("≥ %d", a))
		case a == b:
			parts = append(parts, fmt.Sprint(a))
		default:
			parts = append(parts, fmt.Sprintf("%d-%d", a, b))
		}
	}
	lo, prev := steps[0], steps[0]
	for _, st := range steps[1:] {
		if st != prev+1 {
			emit(lo, prev)
			lo = st
		}
		prev = st
	}
	emit(lo, prev)
	return strings.Join(parts, ", ")
}

// StepsText reads a StepRuns for people: "at steps 0-1", "from step 2 on".
func StepsText(r string) string {
	parts := strings.Split(r, ", ")
	for i, p := range parts {
		if strings.HasPrefix(p, "≥ ") {
			parts[i] = "from step " + strings.TrimPrefix(p, "≥ ") + " on"
		} else if strings.Contains(p, "-") {
			parts[i] = "at steps " + p
		} else {
			parts[i] = "at step " + p
		}
	}
	return strings.Join(parts, " and ")
}
