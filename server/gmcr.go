package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/truce-dev/truce/gmcr"
	"github.com/truce-dev/truce/gmcr/bridge"
	"github.com/truce-dev/truce/gmcr/conflictfile"
	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/report"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/store"
)

// conflictKindRE finds a top-level `kind: graph-model` line: such a text
// is a graph-model conflict (docs/gmcr.md), read by package conflictfile,
// not a scenario.
var conflictKindRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^kind[ \t]*:[ \t]*["']?` + conflictfile.Kind + `["']?[ \t]*(#.*)?\r?$`)
})

// isConflict reports whether src is a graph-model conflict file.
func isConflict(src []byte) bool { return conflictKindRE().Match(src) }

// validateConflict reads a conflict file as `truce gmcr` does. The bridge
// to a scenario names a file beside the conflict; the workbench never opens
// a path from a request, so it says that the bridge takes a scenario stored
// in the workbench instead.
func validateConflict(ctx context.Context, filename string, src []byte) (*conflictfile.File, []Diagnostic) {
	f, ds := conflictfile.Parse(ctx, filename, src)
	diags := convertDiags(ds)
	if f != nil && f.Bridge != nil {
		diags = append(diags, Diagnostic{File: filename, Line: f.Bridge.ScenarioAt.Line, Col: f.Bridge.ScenarioAt.Col, Severity: "warning",
			Message: fmt.Sprintf("the workbench does not open %s: pick a scenario saved in the workbench to bridge to (the run form's \"bridge to\"); without one the analysis uses only the file's preferences", f.Bridge.Scenario),
			Hint:    "save the scenario in the workbench and choose it, or run `truce gmcr FILE` beside the scenario file"})
	}
	return f, diags
}

// gmcrBridgeJSON is the bridge section of a gmcr result: as in `truce gmcr
// --format json`, with the findings in words.
type gmcrBridgeJSON struct {
	Scenario         string              `json:"scenario"`
	ScenarioID       string              `json:"scenario_id"`
	ScenarioVersion  int                 `json:"scenario_version"`
	Method           string              `json:"method"`
	Converged        bool                `json:"converged"`
	MaxDeviationGain float64             `json:"max_deviation_gain"`
	DecisionMakers   []gmcrBridgeDM      `json:"decision_makers"`
	Pairs            int                 `json:"pairs"`
	Horizon          int                 `json:"horizon"`
	Verdicts         []gmcrBridgeVerdict `json:"verdicts"`
	NeverEnds        float64             `json:"never_ends"`
	Unmapped         []bridge.Exclusion  `json:"unmapped"`
	Unaccounted      []string            `json:"unaccounted"`
	Findings         []bridge.Finding    `json:"findings"`
	Robust           bool                `json:"robust"`
}

type gmcrBridgeDM struct {
	DM       string `json:"dm"`
	Actor    string `json:"actor"`
	Derived  bool   `json:"derived"`
	Disagree int    `json:"pairs_ordered_differently"`
}

type gmcrBridgeVerdict struct {
	State      string   `json:"state"`
	Terminal   bool     `json:"terminal"`
	Absorb     float64  `json:"absorb"`
	Share      float64  `json:"share"`
	Cardinal   string   `json:"cardinal"`
	Equilibria []string `json:"equilibrium_under"`
}

// gmcrBridge runs the conflict's bridge against the stored scenario the
// job names: it sets the derived preferences of the decision makers the
// file gives none, as `truce gmcr` does with the file the section names.
func gmcrBridge(ctx context.Context, f *conflictfile.File, filename string, p Params) (*bridge.Report, error) {
	sc, sds := scenario.ParseContext(ctx, p.bridgeName+".yaml", []byte(p.bridgeYAML))
	if sc == nil {
		return nil, fmt.Errorf("the bridge scenario %s (version %d) has errors:\n%s", p.bridgeName, p.BridgeVersion, diagLines(convertDiags(sds)))
	}
	rep, ds, err := bridge.FromScenario(ctx, f, filename, sc, p.bridgeName)
	if err != nil {
		return nil, err
	}
	if rep == nil {
		return nil, fmt.Errorf("the bridge to %s does not fit it:\n%s", p.bridgeName, diagLines(convertDiags(ds)))
	}
	return rep, nil
}

func diagLines(diags []Diagnostic) string {
	msgs := make([]string, 0, len(diags))
	for _, d := range diags {
		msgs = append(msgs, fmt.Sprintf("%s:%d:%d: %s: %s", d.File, d.Line, d.Col, d.Severity, d.Message))
	}
	return strings.Join(msgs, "\n")
}

func gmcrBridgeOf(rep *bridge.Report, res *gmcr.Result, f *conflictfile.File, p Params) *gmcrBridgeJSON {
	c := res.C
	eq := rep.Equilibrium
	fs := rep.Findings(res, gmcr.Concepts)
	out := &gmcrBridgeJSON{Scenario: rep.Scenario, ScenarioID: p.BridgeScenario, ScenarioVersion: p.BridgeVersion, Method: eq.Method,
		Converged: eq.Converged, MaxDeviationGain: eq.MaxDeviationGain, Pairs: rep.Pairs, Horizon: rep.Horizon, NeverEnds: rep.NeverEnds,
		Unmapped: append([]bridge.Exclusion{}, rep.Excluded...), Unaccounted: append([]string{}, rep.Unaccounted...),
		Findings: append([]bridge.Finding{}, fs...), Robust: bridge.Robust(fs)}
	for d, dm := range c.DMs {
		out.DecisionMakers = append(out.DecisionMakers, gmcrBridgeDM{dm.ID, f.Bridge.Actors[d], rep.Derived[d], rep.Disagree[d]})
	}
	for _, v := range rep.Compare(res, gmcr.Concepts) {
		ks := []string{}
		for _, k := range v.Concepts {
			ks = append(ks, k.String())
		}
		out.Verdicts = append(out.Verdicts, gmcrBridgeVerdict{v.State, v.Terminal, v.Absorb, v.Share, v.Cardinal(), ks})
	}
	return out
}

// gmcrState is a state as `truce gmcr --format json` writes it
// (gmcr.StateJSON), with the options taken in words.
type gmcrState struct {
	gmcr.StateJSON
	Taken string `json:"taken"`
}

func gmcrStateOf(c *gmcr.Conflict, s int) gmcrState {
	return gmcrState{StateJSON: c.StateJSON(s), Taken: c.Describe(s)}
}

// gmcrMove is one decision maker's move.
type gmcrMove struct {
	DM   string `json:"dm"`
	From uint64 `json:"from"`
	To   uint64 `json:"to"`
	// Change lists the options taken (+) and withdrawn (-).
	Change string `json:"change"`
}

func gmcrMoves(c *gmcr.Conflict, ms []gmcr.Move) []gmcrMove {
	out := make([]gmcrMove, 0, len(ms))
	for _, m := range ms {
		out = append(out, gmcrMove{DM: c.DMs[m.DM].ID, From: c.Codes[m.From], To: c.Codes[m.To], Change: c.Changed(m.From, m.To)})
	}
	return out
}

// gmcrResult is the result of a gmcr job: the fields of `truce gmcr
// --format json` the page shows (conflict, sanctions, concepts, equilibria,
// states, status_quo), the status-quo graph the report draws, and why the
// status quo is or is not stable for each decision maker.
type gmcrResult struct {
	Kind     string `json:"kind"` // "graph-model"
	Conflict struct {
		Name           string       `json:"name"`
		Title          string       `json:"title,omitempty"`
		DecisionMakers []gmcrDMJSON `json:"decision_makers"`
		Options        int          `json:"options"`
		States         uint64       `json:"states"`
		FeasibleStates int          `json:"feasible_states"`
	} `json:"conflict"`
	Sanctions  string                 `json:"sanctions"`
	Concepts   []string               `json:"concepts"`
	Equilibria map[string][]gmcrState `json:"equilibria"`
	States     []gmcrStateRow         `json:"states"`
	StatusQuo  *gmcrStatusQuo         `json:"status_quo,omitempty"`
	Bridge     *gmcrBridgeJSON        `json:"bridge,omitempty"`
}

type gmcrDMJSON struct {
	ID      string   `json:"id"`
	Label   string   `json:"label,omitempty"`
	Options []string `json:"options"`
}

type gmcrStateRow struct {
	gmcrState
	Ranks        map[string]int32           `json:"ranks"`
	Stable       map[string]map[string]bool `json:"stable"`
	Improvements map[string][]uint64        `json:"improvements"`
}

type gmcrStatusQuo struct {
	State gmcrState  `json:"state"`
	Paths []gmcrPath `json:"paths"`
	Graph gmcrGraph  `json:"graph"`
	Why   []gmcrWhy  `json:"why"`
}

type gmcrPath struct {
	To             gmcrState  `json:"to"`
	Concepts       []string   `json:"concepts"`
	Reachable      bool       `json:"reachable"`
	ByImprovements bool       `json:"by_improvements"`
	Moves          []gmcrMove `json:"moves"`
}

// gmcrGraph is the improvement graph from the status quo: every state
// reachable by unilateral improvements (at most gmcr.MaxGraphNodes), with
// its distance and the concepts under which it is an equilibrium.
type gmcrGraph struct {
	Nodes []struct {
		Code        uint64   `json:"code"`
		Depth       int      `json:"depth"`
		Equilibrium []string `json:"equilibrium"`
	} `json:"nodes"`
	Edges     []gmcrMove `json:"edges"`
	Truncated bool       `json:"truncated"`
}

type gmcrWhy struct {
	DM      string `json:"dm"`
	Concept string `json:"concept"`
	Stable  bool   `json:"stable"`
	Answers []struct {
		To       uint64     `json:"to"`
		Change   string     `json:"change"`
		Sanction []gmcrMove `json:"sanction"`
	} `json:"improvements"`
}

// gmcrResultSize estimates the JSON size of a gmcr result: about 120
// bytes per option setting, rank and stability flag of every state.
func gmcrResultSize(c *gmcr.Conflict) int64 {
	return budget.Mul(int64(len(c.Codes)), budget.Add(int64(len(c.Options)), 6*int64(len(c.DMs))), 40)
}

// runGmcr analyses a conflict file under every stability concept, as
// `truce gmcr FILE` does with its defaults.
func runGmcr(ctx context.Context, filename string, src []byte, p Params) (*gmcrResult, error) {
	f, diags := validateConflict(ctx, filename, src)
	if f == nil {
		return nil, fmt.Errorf("the conflict has errors:\n%s", diagLines(diags))
	}
	c := f.Conflict
	var br *bridge.Report
	switch {
	case p.bridgeYAML != "" && f.Bridge == nil:
		return nil, fmt.Errorf("bridge_scenario %s: the conflict has no bridge: section saying which scenario state each conflict state stands for (docs/gmcr.md)", p.bridgeName)
	case p.bridgeYAML != "":
		var err error
		if br, err = gmcrBridge(ctx, f, filename, p); err != nil {
			return nil, err
		}
	default:
		for d, given := range f.Given {
			if !given {
				return nil, fmt.Errorf("%s has no preferences in the file: they come from the bridge's scenario, and the workbench does not open %s; choose a scenario saved in the workbench to bridge to", c.DMs[d].ID, f.Bridge.Scenario)
			}
		}
	}
	if lim, size := ResultLimit(ctx), gmcrResultSize(c); lim > 0 && size > lim {
		return nil, fmt.Errorf("the result would be about %s (%d feasible states), over this server's limit of %s per job (truce serve --max-result); use truce gmcr FILE",
			budget.Format(size), len(c.Codes), budget.Format(lim))
	}
	mode := gmcr.Sequences
	switch p.Sanctions {
	case "", "sequence":
	case "single":
		mode = gmcr.SingleMoves
	default:
		return nil, fmt.Errorf("sanctions %q: want sequence or single", p.Sanctions)
	}
	res, err := gmcr.Analyze(ctx, c, mode)
	if err != nil {
		return nil, err
	}
	out := &gmcrResult{Kind: conflictfile.Kind, Sanctions: mode.String(), Equilibria: map[string][]gmcrState{}}
	out.Conflict.Name, out.Conflict.Title = c.Name, c.Title
	for _, dm := range c.DMs {
		d := gmcrDMJSON{ID: dm.ID, Label: dm.Label, Options: []string{}}
		for _, o := range dm.Options {
			d.Options = append(d.Options, c.Options[o].ID)
		}
		out.Conflict.DecisionMakers = append(out.Conflict.DecisionMakers, d)
	}
	out.Conflict.Options, out.Conflict.States, out.Conflict.FeasibleStates = len(c.Options), uint64(1)<<uint(len(c.Options)), len(c.Codes)
	for _, k := range gmcr.Concepts {
		out.Concepts = append(out.Concepts, k.String())
		list := []gmcrState{}
		for _, s := range res.Equilibria(k) {
			list = append(list, gmcrStateOf(c, s))
		}
		out.Equilibria[k.String()] = list
	}
	out.States = make([]gmcrStateRow, 0, len(c.Codes))
	for s := range c.Codes {
		if s%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("writing the stability table: %w", err)
			}
		}
		row := gmcrStateRow{gmcrState: gmcrStateOf(c, s), Ranks: map[string]int32{}, Stable: map[string]map[string]bool{}, Improvements: map[string][]uint64{}}
		for d, dm := range c.DMs {
			row.Ranks[dm.ID] = c.Rank[d][s]
			st := map[string]bool{}
			for _, k := range gmcr.Concepts {
				st[k.String()] = res.Stable(k, d, s)
			}
			row.Stable[dm.ID] = st
			ui := []uint64{}
			for _, t := range c.Improvements(d, s) {
				ui = append(ui, c.Codes[t])
			}
			row.Improvements[dm.ID] = ui
		}
		out.States = append(out.States, row)
	}
	if f.StatusQuo >= 0 {
		if out.StatusQuo, err = gmcrStatusQuoOf(ctx, res, f.StatusQuo); err != nil {
			return nil, err
		}
	}
	if br != nil {
		out.Bridge = gmcrBridgeOf(br, res, f, p)
	}
	return out, nil
}

// gmcrStatusQuoOf finds the paths from the status quo to every
// equilibrium, the improvement graph, and why the status quo is or is not
// stable for each decision maker under each concept.
func gmcrStatusQuoOf(ctx context.Context, res *gmcr.Result, sq int) (*gmcrStatusQuo, error) {
	c := res.C
	out := &gmcrStatusQuo{State: gmcrStateOf(c, sq), Paths: []gmcrPath{}, Why: []gmcrWhy{}}
	eqUnder := func(s int) []string {
		ks := []string{}
		for _, k := range gmcr.Concepts {
			if res.Equilibrium(k, s) {
				ks = append(ks, k.String())
			}
		}
		return ks
	}
	var targets []int
	for s := range c.Codes {
		if len(eqUnder(s)) > 0 {
			targets = append(targets, s)
		}
	}
	paths, err := c.StatusQuo(ctx, sq, targets)
	if err != nil {
		return nil, fmt.Errorf("status-quo analysis: %w", err)
	}
	for _, p := range paths {
		out.Paths = append(out.Paths, gmcrPath{To: gmcrStateOf(c, p.To), Concepts: eqUnder(p.To), Reachable: p.Moves != nil,
			ByImprovements: p.ByImprovements, Moves: gmcrMoves(c, p.Moves)})
	}
	g := c.StatusQuoGraph(sq)
	out.Graph.Truncated = g.Truncated
	for _, s := range g.Nodes {
		out.Graph.Nodes = append(out.Graph.Nodes, struct {
			Code        uint64   `json:"code"`
			Depth       int      `json:"depth"`
			Equilibrium []string `json:"equilibrium"`
		}{c.Codes[s], g.Depth[s], eqUnder(s)})
	}
	out.Graph.Edges = gmcrMoves(c, g.Edges)
	for d, dm := range c.DMs {
		for _, k := range gmcr.Concepts {
			w, err := res.Explain(ctx, k, d, sq)
			if err != nil {
				return nil, err
			}
			wj := gmcrWhy{DM: dm.ID, Concept: k.String(), Stable: w.Stable}
			for _, a := range w.Answers {
				wj.Answers = append(wj.Answers, struct {
					To       uint64     `json:"to"`
					Change   string     `json:"change"`
					Sanction []gmcrMove `json:"sanction"`
				}{c.Codes[a.To], c.Changed(sq, a.To), gmcrMoves(c, a.Sanction)})
			}
			out.Why = append(out.Why, wj)
		}
	}
	return out, nil
}

// gmcrReport renders a finished gmcr run as the report's graph-model page
// (report.WriteOrdinal): the stability table and the status-quo graph.
func gmcrReport(run store.Run) ([]byte, error) {
	var r gmcrResult
	if err := json.Unmarshal(run.Result, &r); err != nil {
		return nil, fmt.Errorf("reading the stored result: %w", err)
	}
	o := &report.Ordinal{Title: r.Conflict.Title, Sanctions: "legal sequences of the others' moves, no one twice in a row"}
	if o.Title == "" {
		o.Title = r.Conflict.Name
	}
	if r.Sanctions == gmcr.SingleMoves.String() {
		o.Sanctions = "one move by one opponent"
	}
	dmIndex := map[string]int{}
	for i, dm := range r.Conflict.DecisionMakers {
		o.DMs = append(o.DMs, dm.ID)
		dmIndex[dm.ID] = i
	}
	var concepts []gmcr.Concept
	for _, name := range r.Concepts {
		k, err := gmcr.ParseConcept(name)
		if err != nil {
			return nil, err
		}
		concepts = append(concepts, k)
		o.Concepts = append(o.Concepts, k.Title())
	}
	title := func(names []string) []string {
		out := make([]string, 0, len(names))
		for _, n := range names {
			if k, err := gmcr.ParseConcept(n); err == nil {
				out = append(out, k.Title())
			}
		}
		return out
	}
	for _, s := range r.States {
		st := report.OrdinalState{Code: s.Code, Options: s.Taken}
		for _, dm := range o.DMs {
			st.Ranks = append(st.Ranks, int(s.Ranks[dm]))
			row := make([]bool, 0, len(concepts))
			for _, k := range concepts {
				row = append(row, s.Stable[dm][k.String()])
			}
			st.Stable = append(st.Stable, row)
		}
		o.States = append(o.States, st)
	}
	if sq := r.StatusQuo; sq != nil {
		og := &report.OrdinalGraph{From: sq.State.Code, Truncated: sq.Graph.Truncated}
		for _, n := range sq.Graph.Nodes {
			og.Nodes = append(og.Nodes, report.OrdinalNode{Code: n.Code, Depth: n.Depth, Equilibrium: title(n.Equilibrium)})
		}
		for _, e := range sq.Graph.Edges {
			og.Edges = append(og.Edges, report.OrdinalEdge{DM: dmIndex[e.DM], From: e.From, To: e.To})
		}
		o.Graph = og
	}
	o.Notes = append(o.Notes, fmt.Sprintf("truce serve, run %s of %s (%s).", run.ID, run.CreatedAt.Format("2006-01-02 15:04 UTC"), reportFilename(run)))
	var b bytes.Buffer
	if err := report.WriteOrdinal(&b, o); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
