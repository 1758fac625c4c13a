package scenarios_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/truce-dev/truce/audit"
	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/scenarios"
)

// The points of issue #17, a domain reviewer's reading of the bundled
// scenario. Each is a check that must pass on the rebuilt file and fail on
// the file as it was (testdata/us-iran-2026-v1.yaml), so that the test
// shows the point was there and is fixed.

type built struct {
	sc       *scenario.Scenario
	g        *markov.Game
	profiles map[string]markov.Profile
	src      []byte
	file     string
}

func load(t *testing.T, file string, src []byte) *built {
	t.Helper()
	sc, ds := scenario.Parse(file, src)
	if sc == nil {
		t.Fatalf("%s does not parse: %v", file, ds)
	}
	g, profiles, err := sc.Build(sc.Central())
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return &built{sc: sc, g: g, profiles: profiles, src: src, file: file}
}

func (b *built) state(id string) int {
	for s, st := range b.g.States {
		if st.ID == id {
			return s
		}
	}
	return -1
}

func (b *built) actor(id string) int {
	for a, act := range b.g.Actors {
		if act.ID == id {
			return a
		}
	}
	return -1
}

func (b *built) action(a int, name string) int {
	return slices.Index(b.g.Actions[a], name)
}

// next is the distribution of the next state in state s after the joint
// action in which each actor plays the named action (nil if an action is
// not available there), once the clock has run out (in a game without a
// clock: at every step).
func (b *built) next(s int, play map[string]string) map[string]float64 {
	return b.nextAt(b.g.Clock, s, play)
}

// joint is the index of the joint action in state s in which each actor
// plays the named action (-1 if an action is not available there).
func (b *built) joint(s int, play map[string]string) int {
	k := make([]int, len(b.g.Actors))
	for a := range b.g.Actors {
		act := b.action(a, play[b.g.Actors[a].ID])
		pos := slices.Index(b.g.Avail[s][a], act)
		if act < 0 || pos < 0 {
			return -1
		}
		k[a] = pos
	}
	return b.g.Encode(s, k)
}

// nextAt is next at step t.
func (b *built) nextAt(t, s int, play map[string]string) map[string]float64 {
	if s < 0 || b.g.States[s].Terminal {
		return nil
	}
	j := b.joint(s, play)
	if j < 0 {
		return nil
	}
	out := map[string]float64{}
	for _, n := range b.g.TransAt(t, s)[j] {
		out[b.g.States[n.State].ID] += n.P
	}
	return out
}

// analysis analyses one profile at central values, optionally from
// another start state.
func (b *built) analysis(t *testing.T, profile, start string) *markov.Analysis {
	t.Helper()
	p, ok := b.profiles[profile]
	if !ok {
		t.Fatalf("%s: no profile %s", b.file, profile)
	}
	g := b.g
	if start != "" {
		cp := *g
		cp.Initial = b.state(start)
		g = &cp
	}
	an, err := markov.Analyze(context.Background(), g, p, b.sc.Horizon)
	if err != nil {
		t.Fatal(err)
	}
	return an
}

// demoStarts is the random starts with which `truce demo` searches the
// equilibrium set (cmd/truce's demoStarts).
const demoStarts = 3

var reviewPoints = []struct {
	point int
	name  string
	check func(t *testing.T, b *built) error
}{
	{1, "discounts and weights are ranged parameters; present values derived from them", func(t *testing.T, b *built) error {
		g2, _, err := b.sc.Build(b.sc.DrawAt(scenario.DefaultSeed, 1))
		if err != nil {
			return err
		}
		for a, act := range b.g.Actors {
			if act.Discount == g2.Actors[a].Discount {
				return fmt.Errorf("discount of %s is %v on two draws: fixed", act.ID, act.Discount)
			}
			for c, w := range act.Weights {
				if b.g.Components[c] != "material" && w == g2.Actors[a].Weights[c] {
					return fmt.Errorf("weight of %s for %s is %v on two draws: fixed", b.g.Components[c], act.ID, w)
				}
			}
		}
		for _, p := range b.sc.Parameters {
			if strings.HasPrefix(p.Name, "pv_") && p.Dist.Kind == "fixed" {
				return fmt.Errorf("%s is a fixed number, not derived from the discount", p.Name)
			}
		}
		return nil
	}},
	{2, "walk-away is a contingent threat: it withdraws after intransigence, negotiates after compliance", func(t *testing.T, b *built) error {
		if got := b.analysis(t, "walkaway_comply", "").Reach[b.state("walkout")][b.sc.Horizon]; got != 0 {
			return fmt.Errorf("the US walks out on a compliant Iran with probability %.3g within the horizon", got)
		}
		if got := b.analysis(t, "walkaway_intr", "").Reach[b.state("walkout")][b.sc.Horizon]; got < 0.5 {
			return fmt.Errorf("the US walks out on an intransigent Iran with probability only %.3g", got)
		}
		return nil
	}},
	{3, "stalemate and peace are not absorbing: each has exits, war is possible from the stalemate", func(t *testing.T, b *built) error {
		for _, id := range []string{"stalemate", "peace"} {
			s := b.state(id)
			if s < 0 || b.g.States[s].Terminal {
				return fmt.Errorf("%s is an ending", id)
			}
		}
		from := b.analysis(t, "baseline", "stalemate")
		if w, st := from.Absorb[b.state("war")], from.Reach[b.state("strikes")][b.sc.Horizon]; w <= 0 || st <= 0 {
			return fmt.Errorf("from the stalemate: war eventually %.3g, strikes within the horizon %.3g", w, st)
		}
		return nil
	}},
	{4, "no free veto over Hormuz: a US strike can end the confrontation, and a probe can fizzle", func(t *testing.T, b *built) error {
		h := b.state("hormuz")
		n := b.next(h, map[string]string{"US": "strike", "IR": "hormuz"})
		if n == nil {
			return fmt.Errorf("no joint action US strike, IR hormuz in hormuz")
		}
		if out := 1 - n["hormuz"] - n["war"]; out <= 0 {
			return fmt.Errorf("in hormuz, a US strike against continued pressure leaves only hormuz %.3g or war %.3g", n["hormuz"], n["war"])
		}
		for s, st := range b.g.States {
			if st.Terminal || s == h {
				continue
			}
			if n := b.next(s, map[string]string{"US": "hold", "IR": "hormuz"}); n["hormuz"] >= 1 {
				return fmt.Errorf("in %s an Iranian move in Hormuz always starts a confrontation", st.ID)
			}
		}
		return nil
	}},
	{5, "no hypothesis restates its inputs (the audit finds none definitional)", func(t *testing.T, b *built) error {
		rep, err := audit.Run(context.Background(), b.file, b.src, audit.Options{Draws: 2, Seed: 1})
		if err != nil {
			return err
		}
		if len(rep.Definitional) > 0 {
			var ids []string
			for _, d := range rep.Definitional {
				ids = append(ids, d.Hypothesis)
			}
			return fmt.Errorf("definitional hypotheses: %v", ids)
		}
		return nil
	}},
	{6, "every parameter has a source; intransigence is credited once", func(t *testing.T, b *built) error {
		for _, p := range b.sc.Parameters {
			if strings.TrimSpace(p.Info.Source) == "" {
				return fmt.Errorf("parameter %s has no source", p.Name)
			}
		}
		// Intransigence pays nothing of its own: its benefit is the
		// backlash a concession costs.
		ir, us := b.actor("IR"), b.actor("US")
		intr := b.action(ir, "intransigent")
		for s, st := range b.g.States {
			if st.Terminal {
				continue
			}
			ki := -1
			for j := range b.g.NumJoint(s) {
				k := make([]int, len(b.g.Actors))
				b.g.Decode(s, j, k)
				if b.g.Avail[s][us][k[us]] != b.action(us, "hold") {
					continue
				}
				if b.g.Avail[s][ir][k[ir]] == intr {
					ki = j
				}
			}
			if ki < 0 {
				continue
			}
			base := -1
			for j := range b.g.NumJoint(s) {
				k := make([]int, len(b.g.Actors))
				b.g.Decode(s, j, k)
				if b.g.Avail[s][us][k[us]] == b.action(us, "hold") && b.g.Avail[s][ir][k[ir]] == b.action(ir, "comply") {
					base = j
				}
			}
			if base >= 0 && !slices.Equal(b.g.Flow[s][ki][ir*len(b.g.Components):(ir+1)*len(b.g.Components)], b.g.Flow[s][base][ir*len(b.g.Components):(ir+1)*len(b.g.Components)]) {
				return fmt.Errorf("in %s Iran's intransigence pays it something compliance does not", st.ID)
			}
		}
		return nil
	}},
	{7, "Israeli-strike hazard, sanctions lever, deliberate war, the clock (the truce's expiry, the electoral calendar)", func(t *testing.T, b *built) error {
		us := b.actor("US")
		for _, a := range []string{"pressure", "war"} {
			if b.action(us, a) < 0 {
				return fmt.Errorf("the US has no %s action", a)
			}
		}
		// war declared in a quiet truce leads to war
		if n := b.next(b.state("truce"), map[string]string{"US": "war", "IR": "comply"}); n["war"] <= 0.5 {
			return fmt.Errorf("a US decision for war leads to war with probability %.3g", n["war"])
		}
		// Israel: strikes come even when both sides keep quiet
		if n := b.next(b.state("stalemate"), map[string]string{"US": "hold", "IR": "comply"}); n["strikes"] <= 0 {
			return fmt.Errorf("no exogenous strike hazard in a quiet stalemate")
		}
		// the clock: the truce's expiry and the US electoral calendar
		return checkClock(b)
	}},
	{8, "the equilibrium is reported with how it was selected and the set around it, and the page quotes what the file gives", func(t *testing.T, b *built) error {
		// The demo's summary, as docs/us-iran-2026.md quotes it, names the
		// selected equilibrium's method, its values from the start and the
		// set searched around it (how many found from how many starts,
		// whether proved complete, how far apart). Recompute them on this
		// file at central values, with the demo's starts and seed, and
		// compare. (cmd/truce's TestSelectionSameEverywhere holds solve,
		// analyze, report and demo to the same selection, and
		// TestUSIranDocSync reruns the page's commands.)
		doc, err := os.ReadFile("../docs/us-iran-2026.md")
		if err != nil {
			return err
		}
		m := regexp.MustCompile(`selected by the logit path from uniform play \(([^)]+)\), largest deviation gain (\S+); values from (\S+): US (\S+), IR (\S+)\n\s+equilibrium set: (.*) \(seed 1\): the selected one is one of several, not a prediction`).FindSubmatch(doc)
		if m == nil {
			return fmt.Errorf("docs/us-iran-2026.md quotes no demo line with the selected equilibrium and its set")
		}
		ctx := context.Background()
		sel, err := equilibrium.Solve(ctx, b.g, equilibrium.Options{})
		if err != nil {
			return err
		}
		if !sel.Converged {
			return fmt.Errorf("the selection does not converge: %s", sel.Reason)
		}
		set, err := equilibrium.SolveAll(ctx, b.g, equilibrium.SetOptions{Selection: sel, Seed: scenario.DefaultSeed, Starts: demoStarts})
		if err != nil {
			return err
		}
		a, i := b.g.Initial, b.actor("US")
		values := sel.Values // from the start: at step 0 in a clocked game
		if len(sel.TimedValues) > 0 {
			values = sel.TimedValues[0]
		}
		got := []string{sel.Method, fmt.Sprintf("%.2g", sel.MaxDeviationGain), b.g.States[a].ID,
			fmt.Sprintf("%.4g", values[i][a]), fmt.Sprintf("%.4g", values[b.actor("IR")][a]), set.Describe(b.g)}
		for k, what := range []string{"selection method", "largest deviation gain", "start state", "US value", "IR value", "equilibrium set"} {
			if string(m[k+1]) != got[k] {
				return fmt.Errorf("%s: the page quotes %q, the file gives %q", what, m[k+1], got[k])
			}
		}
		if len(set.Equilibria) < 2 || set.Complete {
			return fmt.Errorf("the set search found %d equilibria (complete: %v); the page's reading assumes several and an incomplete search", len(set.Equilibria), set.Complete)
		}
		return nil
	}},
}

// TestReviewPoints: each point of #17 holds on the rebuilt scenario and
// fails on the one before it.
func TestReviewPoints(t *testing.T) {
	old, err := os.ReadFile("testdata/us-iran-2026-v1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	now := load(t, scenarios.USIran2026Name, scenarios.USIran2026())
	before := load(t, "testdata/us-iran-2026-v1.yaml", old)
	for _, p := range reviewPoints {
		t.Run(fmt.Sprintf("%d", p.point), func(t *testing.T) {
			if err := p.check(t, now); err != nil {
				t.Errorf("point %d (%s): the rebuilt scenario fails: %v", p.point, p.name, err)
			}
			if err := p.check(t, before); err == nil {
				t.Errorf("point %d (%s): the scenario before #17 passes too, so the check shows nothing", p.point, p.name)
			}
		})
	}
}

// TestDocParameterTable: docs/us-iran-2026.md lists every parameter of the
// file with its source, so the page cannot fall behind the file.
func TestDocParameterTable(t *testing.T) {
	doc, err := os.ReadFile("../docs/us-iran-2026.md")
	if err != nil {
		t.Fatal(err)
	}
	sc := parse(t)
	for _, p := range sc.Parameters {
		src := strings.Join(strings.Fields(p.Info.Source), " ")
		row := "| `" + p.Name + "` |"
		i := strings.Index(string(doc), row)
		if i < 0 {
			t.Errorf("docs/us-iran-2026.md has no row for parameter %s", p.Name)
			continue
		}
		line := string(doc[i:])
		line = line[:strings.IndexByte(line, '\n')]
		if !strings.Contains(line, src) {
			t.Errorf("docs/us-iran-2026.md: the row of %s does not give its source %q", p.Name, src)
		}
	}
}
