package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/truce-dev/truce/gmcr"
	"github.com/truce-dev/truce/gmcr/bridge"
	"github.com/truce-dev/truce/gmcr/conflictfile"
	"github.com/truce-dev/truce/server"
	"github.com/truce-dev/truce/store"
)

func readExample(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type gmcrDoc struct {
	Kind       string `json:"kind"`
	Sanctions  string `json:"sanctions"`
	Concepts   []string
	Equilibria map[string][]struct {
		Code    uint64                     `json:"code"`
		Options map[string]map[string]bool `json:"options"`
	} `json:"equilibria"`
	States []struct {
		Code   uint64                     `json:"code"`
		Taken  string                     `json:"taken"`
		Stable map[string]map[string]bool `json:"stable"`
		Ranks  map[string]int32           `json:"ranks"`
	} `json:"states"`
	StatusQuo *struct {
		State struct {
			Code uint64 `json:"code"`
		} `json:"state"`
		Paths []struct {
			To struct {
				Code uint64 `json:"code"`
			} `json:"to"`
			Concepts       []string `json:"concepts"`
			Reachable      bool     `json:"reachable"`
			ByImprovements bool     `json:"by_improvements"`
			Moves          []struct {
				DM     string `json:"dm"`
				From   uint64 `json:"from"`
				To     uint64 `json:"to"`
				Change string `json:"change"`
			} `json:"moves"`
		} `json:"paths"`
		Graph struct {
			Nodes []struct {
				Code  uint64 `json:"code"`
				Depth int    `json:"depth"`
			} `json:"nodes"`
			Edges []struct {
				DM       string `json:"dm"`
				From, To uint64
			} `json:"edges"`
		} `json:"graph"`
		Why []struct {
			DM      string `json:"dm"`
			Concept string `json:"concept"`
			Stable  bool   `json:"stable"`
		} `json:"why"`
	} `json:"status_quo"`
}

func runGmcr(t *testing.T, src string, p server.Params) gmcrDoc {
	t.Helper()
	out, err := server.ScenarioRunner{}.Run(context.Background(), "gmcr", "c.yaml", []byte(src), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	var doc gmcrDoc
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func codes(list []struct {
	Code    uint64                     `json:"code"`
	Options map[string]map[string]bool `json:"options"`
}) []uint64 {
	out := []uint64{}
	for _, s := range list {
		out = append(out, s.Code)
	}
	return out
}

// The prisoner's dilemma in option form, checked by hand (docs/gmcr.md):
// mutual defection (0) is the only Nash equilibrium; mutual cooperation
// (3) is GMR-, SMR- and SEQ-stable too, because either prisoner's
// defection is answered by the other's.
func TestGmcrJobPrisoners(t *testing.T) {
	doc := runGmcr(t, readExample(t, "../examples/gmcr/prisoners.yaml"), server.Params{})
	if doc.Kind != "graph-model" || doc.Sanctions != "sequence" || strings.Join(doc.Concepts, ",") != "nash,gmr,smr,seq" {
		t.Fatalf("header: %+v", doc)
	}
	want := map[string][]uint64{"nash": {0}, "gmr": {0, 3}, "smr": {0, 3}, "seq": {0, 3}}
	for k, w := range want {
		if got := codes(doc.Equilibria[k]); !reflect.DeepEqual(got, w) {
			t.Errorf("%s equilibria %v, want %v", k, got, w)
		}
	}
	if o := doc.Equilibria["seq"][1].Options; !o["A"]["cooperate_a"] || !o["B"]["cooperate_b"] {
		t.Errorf("state 3's options %v, want both cooperating", o)
	}
	if len(doc.States) != 4 || doc.States[3].Taken != "A: cooperate_a; B: cooperate_b" {
		t.Fatalf("states %+v", doc.States)
	}
	// State 1 (only A cooperates): A improves by defecting to 0, B cannot
	// answer with anything A likes less, so it is unstable for A under
	// every concept; B is at its best.
	for _, k := range doc.Concepts {
		if doc.States[1].Stable["A"][k] || !doc.States[1].Stable["B"][k] {
			t.Errorf("state 1 under %s: %v", k, doc.States[1].Stable)
		}
	}
	sq := doc.StatusQuo
	if sq == nil || sq.State.Code != 0 {
		t.Fatalf("status quo %+v", sq)
	}
	// From mutual defection no one improves: the graph is the status quo
	// alone; state 3 is reachable, but not by improvements.
	if len(sq.Graph.Nodes) != 1 || len(sq.Graph.Edges) != 0 {
		t.Errorf("graph %+v", sq.Graph)
	}
	var to3 bool
	for _, p := range sq.Paths {
		if p.To.Code == 3 {
			to3 = true
			if !p.Reachable || p.ByImprovements || len(p.Moves) != 2 || p.Moves[0].From != 0 || p.Moves[1].To != 3 || p.Moves[0].DM == p.Moves[1].DM {
				t.Errorf("path to 3: %+v", p)
			}
		}
	}
	if !to3 {
		t.Error("no path to state 3")
	}
	if len(sq.Why) != 2*4 {
		t.Errorf("%d explanations of the status quo, want 2 decision makers × 4 concepts", len(sq.Why))
	}
	for _, w := range sq.Why {
		if !w.Stable {
			t.Errorf("the status quo is unstable for %s under %s; mutual defection is stable under every concept", w.DM, w.Concept)
		}
	}
}

// The job's table agrees with package gmcr state by state, concept by
// concept, on a published conflict with three decision makers (Elmira),
// under both definitions of sanctions.
func TestGmcrJobMatchesPackage(t *testing.T) {
	src := readExample(t, "../examples/gmcr/elmira.yaml")
	f, ds := conflictfile.Parse(context.Background(), "elmira.yaml", []byte(src))
	if f == nil {
		t.Fatal(ds)
	}
	c := f.Conflict
	for _, mode := range []gmcr.Sanctions{gmcr.Sequences, gmcr.SingleMoves} {
		res, err := gmcr.Analyze(context.Background(), c, mode)
		if err != nil {
			t.Fatal(err)
		}
		doc := runGmcr(t, src, server.Params{Sanctions: mode.String()})
		if doc.Sanctions != mode.String() || len(doc.States) != len(c.Codes) {
			t.Fatalf("%s: %d states, sanctions %q", mode, len(doc.States), doc.Sanctions)
		}
		for s, row := range doc.States {
			if row.Code != c.Codes[s] {
				t.Fatalf("row %d is state %d, want %d", s, row.Code, c.Codes[s])
			}
			for d, dm := range c.DMs {
				if row.Ranks[dm.ID] != c.Rank[d][s] {
					t.Errorf("state %d: %s rank %d, want %d", row.Code, dm.ID, row.Ranks[dm.ID], c.Rank[d][s])
				}
				for _, k := range gmcr.Concepts {
					if row.Stable[dm.ID][k.String()] != res.Stable(k, d, s) {
						t.Errorf("%s: state %d for %s under %s: %v", mode, row.Code, dm.ID, k, row.Stable[dm.ID][k.String()])
					}
				}
			}
		}
		for _, k := range gmcr.Concepts {
			var want []uint64
			for _, s := range res.Equilibria(k) {
				want = append(want, c.Codes[s])
			}
			if got := codes(doc.Equilibria[k.String()]); !reflect.DeepEqual(got, append([]uint64{}, want...)) {
				t.Errorf("%s %s equilibria %v, want %v", mode, k, got, want)
			}
		}
	}
}

func TestGmcrJobErrors(t *testing.T) {
	var r server.ScenarioRunner
	conflict := readExample(t, "../examples/gmcr/prisoners.yaml")
	ex := standoffExample(t)
	ctx := context.Background()
	if _, err := r.Run(ctx, "analyze", "c.yaml", []byte(conflict), server.Params{}, nil); err == nil || !strings.Contains(err.Error(), "run it as kind gmcr") {
		t.Errorf("analyze on a conflict: %v", err)
	}
	if _, err := r.Run(ctx, "gmcr", "s.yaml", []byte(ex.YAML), server.Params{}, nil); err == nil || !strings.Contains(err.Error(), "not a graph-model conflict") {
		t.Errorf("gmcr on a scenario: %v", err)
	}
	if _, err := r.Run(ctx, "gmcr", "c.yaml", []byte(conflict), server.Params{Sanctions: "many"}, nil); err == nil || !strings.Contains(err.Error(), `sanctions "many"`) {
		t.Errorf("bad sanctions: %v", err)
	}
	// A conflict is validated as a conflict: its errors at file:line:col.
	bad := strings.Replace(conflict, "priorities: [cooperate_b, \"!cooperate_a\"]", "priorities: [cooperate_c]", 1)
	ds := r.Validate("c.yaml", []byte(bad))
	if len(ds) == 0 || ds[0].Severity != "error" || ds[0].Line != 18 || !strings.Contains(ds[0].Message, "cooperate_c") {
		t.Errorf("diagnostics of a bad conflict: %+v", ds)
	}
	if ds := r.Validate("c.yaml", []byte(conflict)); len(ds) != 0 {
		t.Errorf("valid conflict: %+v", ds)
	}
	// The bridge's scenario is a file the workbench does not have: a
	// warning, and the job refuses decision makers that need it.
	bridged := readExample(t, "../examples/gmcr/us-iran-bridge.yaml")
	ds = r.Validate("b.yaml", []byte(bridged))
	var warned bool
	for _, d := range ds {
		if d.Severity == "error" {
			t.Errorf("bridged conflict: %+v", d)
		}
		warned = warned || d.Severity == "warning" && strings.Contains(d.Message, "bridge")
	}
	if !warned {
		t.Errorf("no warning about the bridge: %+v", ds)
	}
}

func TestGmcrJobThroughAPI(t *testing.T) {
	e := newEnv(t, opts{anyRunner: server.ScenarioRunner{}})
	conflict := readExample(t, "../examples/gmcr/prisoners.yaml")
	var body struct {
		Code  string `json:"code"`
		Error string `json:"error"`
	}
	if code, _, b := e.do("POST", "/api/jobs", map[string]any{"kind": "analyze", "yaml": conflict}, &body); code != 422 || body.Code != "wrong_kind" {
		t.Fatalf("analyze on a conflict: %d %s", code, b)
	}
	job := e.start(map[string]any{"kind": "gmcr", "yaml": conflict, "name": "prisoners"})
	if end := e.waitEnd(job.ID); end.Status != store.StatusDone {
		t.Fatalf("gmcr run ended %+v", end)
	}
	code, hdr, page := e.do("GET", "/api/runs/"+job.ID+"/report", nil, nil)
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
		t.Fatalf("report: %d %s", code, hdr.Get("Content-Type"))
	}
	for _, want := range []string{"The ordinal lens", "<svg", "A: cooperate_a; B: cooperate_b", "<th>SEQ</th>"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// The workbench's example is the repository's, unchanged.
func TestGmcrExampleIsTheRepositorys(t *testing.T) {
	want := readExample(t, "../examples/gmcr/us-iran.yaml")
	for _, ex := range server.BuiltinExamples() {
		if ex.Name == "us-iran-graph-model" {
			if ex.YAML != want {
				t.Fatal("server/examples/us-iran-graph-model.yaml differs from examples/gmcr/us-iran.yaml; copy it again")
			}
			doc := runGmcr(t, ex.YAML, server.Params{})
			if doc.StatusQuo == nil || len(doc.Equilibria["nash"]) == 0 {
				t.Errorf("the US–Iran conflict: %+v", doc)
			}
			return
		}
	}
	t.Fatal("no us-iran-graph-model example")
}

// Two gmcr runs compare by their equilibria: when A comes to care first
// about not cooperating itself, mutual cooperation is no longer stable
// under any concept, and mutual defection stays the Nash equilibrium.
func TestGmcrCompare(t *testing.T) {
	e := newEnv(t, opts{anyRunner: server.ScenarioRunner{}})
	pd := readExample(t, "../examples/gmcr/prisoners.yaml")
	selfish := strings.Replace(pd, `priorities: [cooperate_b, "!cooperate_a"]`, `priorities: ["!cooperate_a", cooperate_b]`, 1)
	if selfish == pd {
		t.Fatal("the example's preferences moved; update the test")
	}
	var ids []string
	for _, src := range []string{pd, selfish} {
		j := e.start(map[string]any{"kind": "gmcr", "yaml": src, "name": "prisoners"})
		if end := e.waitEnd(j.ID); end.Status != store.StatusDone {
			t.Fatalf("run ended %+v", end)
		}
		ids = append(ids, j.ID)
	}
	var cmp struct {
		Equilibria []struct {
			Concept      string
			Gained, Lost []uint64
		} `json:"equilibrium_changes"`
		Scenario struct {
			Changes []struct{ Section, Item, Change string }
		}
	}
	e.wantStatus("GET", "/api/runs/compare?a="+ids[0]+"&b="+ids[1], nil, 200, &cmp)
	var got []string
	for _, c := range cmp.Equilibria {
		got = append(got, fmt.Sprintf("%s+%v-%v", c.Concept, c.Gained, c.Lost))
	}
	if want := "gmr+[]-[3] smr+[]-[3] seq+[]-[3]"; strings.Join(got, " ") != want {
		t.Errorf("equilibrium changes %q, want %q", strings.Join(got, " "), want)
	}
	if len(cmp.Scenario.Changes) == 0 {
		t.Error("the comparison does not say that the preferences changed")
	}
}

func TestRecordSummary(t *testing.T) {
	a := "# note\nstep,event\n0,quiet\n1,quiet\n"
	b := "# note\nstep,event\n0,quiet\n1,incident\n2,quiet\n"
	if x, y := server.RecordSummary(a, b); x != "2 rows" || y != "3 rows (they differ from line 4)" {
		t.Errorf("record summary %q → %q", x, y)
	}
	if x, y := server.RecordSummary("", b); x != "" || y != "3 rows" {
		t.Errorf("record added: %q → %q", x, y)
	}
}

// The workbench bridges a conflict to a scenario stored in it, named by id
// (params.bridge_scenario), never to the path the conflict file names: the
// same comparison as `truce gmcr` on the file (package bridge reading the
// scenario from disk), with the version used recorded in the run.
func TestGmcrBridgeThroughAPI(t *testing.T) {
	e := newEnv(t, opts{anyRunner: server.ScenarioRunner{}})
	scen := readExample(t, "../scenarios/us-iran-2026.yaml")
	var saved struct {
		ID      string `json:"id"`
		Version int    `json:"version"`
	}
	e.wantStatus("POST", "/api/scenarios", map[string]any{"name": "us-iran-2026", "yaml": scen}, 201, &saved)
	conflict := readExample(t, "../examples/gmcr/us-iran-bridge.yaml")
	// The path the file names does not exist here: the server does not open it.
	conflict = strings.Replace(conflict, "scenario: ../../scenarios/us-iran-2026.yaml", "scenario: /nonexistent/us-iran-2026.yaml", 1)
	job := e.start(map[string]any{"kind": "gmcr", "yaml": conflict, "name": "us-iran-bridge", "params": map[string]any{"bridge_scenario": saved.ID}})
	if end := e.waitEnd(job.ID); end.Status != store.StatusDone {
		t.Fatalf("gmcr run ended %+v", end)
	}
	var doc struct {
		gmcrDoc
		Bridge struct {
			Scenario        string `json:"scenario"`
			ScenarioID      string `json:"scenario_id"`
			ScenarioVersion int    `json:"scenario_version"`
			DecisionMakers  []struct {
				DM      string `json:"dm"`
				Derived bool   `json:"derived"`
			} `json:"decision_makers"`
			Verdicts []struct {
				State      string   `json:"state"`
				Absorb     float64  `json:"absorb"`
				Equilibria []string `json:"equilibrium_under"`
			} `json:"verdicts"`
			Unmapped []struct {
				State, Reason string
			} `json:"unmapped"`
			Unaccounted []string `json:"unaccounted"`
			Findings    []struct {
				Kind, Text string
			} `json:"findings"`
			Robust bool `json:"robust"`
		} `json:"bridge"`
	}
	e.wantStatus("GET", "/api/jobs/"+job.ID+"/result", nil, 200, &doc)
	b := doc.Bridge
	if b.Scenario != "us-iran-2026" || b.ScenarioID != saved.ID || b.ScenarioVersion != saved.Version {
		t.Errorf("bridge header %+v", b)
	}
	if len(b.DecisionMakers) != 2 || !b.DecisionMakers[0].Derived || !b.DecisionMakers[1].Derived {
		t.Errorf("decision makers %+v", b.DecisionMakers)
	}
	if len(b.Unaccounted) != 0 || len(b.Unmapped) != 3 || b.Unmapped[0].Reason == "" {
		t.Errorf("unmapped %+v, unaccounted %v", b.Unmapped, b.Unaccounted)
	}

	// The same analysis as the CLI's: the file with its scenario read from
	// disk by package bridge.
	src := readExample(t, "../examples/gmcr/us-iran-bridge.yaml")
	f, ds := conflictfile.Parse(context.Background(), "us-iran-bridge.yaml", []byte(src))
	if f == nil {
		t.Fatal(ds)
	}
	rep, bds, err := bridge.Load(context.Background(), f, "us-iran-bridge.yaml", "../examples/gmcr")
	if err != nil || rep == nil {
		t.Fatal(err, bds)
	}
	res, err := gmcr.Analyze(context.Background(), f.Conflict, gmcr.Sequences)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range gmcr.Concepts {
		want := []uint64{}
		for _, s := range res.Equilibria(k) {
			want = append(want, f.Conflict.Codes[s])
		}
		if got := codes(doc.Equilibria[k.String()]); !reflect.DeepEqual(got, want) {
			t.Errorf("%s equilibria %v, the CLI's %v", k, got, want)
		}
	}
	verdicts := rep.Compare(res, gmcr.Concepts)
	if len(b.Verdicts) != len(verdicts) {
		t.Fatalf("verdicts %+v, the CLI's %+v", b.Verdicts, verdicts)
	}
	for i, v := range verdicts {
		if b.Verdicts[i].State != v.State || b.Verdicts[i].Absorb != v.Absorb || len(b.Verdicts[i].Equilibria) != len(v.Concepts) {
			t.Errorf("verdict %d: %+v, the CLI's %+v", i, b.Verdicts[i], v)
		}
	}
	fs := rep.Findings(res, gmcr.Concepts)
	if len(b.Findings) != len(fs) || b.Robust != bridge.Robust(fs) {
		t.Fatalf("findings %+v, the CLI's %+v", b.Findings, fs)
	}
	for i, fd := range fs {
		if b.Findings[i].Kind != string(fd.Kind) || b.Findings[i].Text != fd.Text {
			t.Errorf("finding %d: %+v, the CLI's %+v", i, b.Findings[i], fd)
		}
	}
	// The run records the scenario and version it bridged to.
	var run struct {
		Params map[string]any `json:"params"`
	}
	e.wantStatus("GET", "/api/runs/"+job.ID, nil, 200, &run)
	if run.Params["bridge_scenario"] != saved.ID || run.Params["bridge_version"] != float64(saved.Version) {
		t.Errorf("run params %v", run.Params)
	}
}

func TestGmcrBridgeErrors(t *testing.T) {
	e := newEnv(t, opts{anyRunner: server.ScenarioRunner{}})
	bridged := readExample(t, "../examples/gmcr/us-iran-bridge.yaml")
	prisoners := readExample(t, "../examples/gmcr/prisoners.yaml")
	var saved struct {
		ID string `json:"id"`
	}
	e.wantStatus("POST", "/api/scenarios", map[string]any{"name": "standoff", "yaml": standoffExample(t).YAML}, 201, &saved)
	for _, tc := range []struct {
		name   string
		req    map[string]any
		status int
		code   string
	}{
		{"bridge on a scenario job", map[string]any{"kind": "analyze", "yaml": standoffExample(t).YAML, "params": map[string]any{"bridge_scenario": saved.ID}}, 400, "bad_request"},
		{"bad id", map[string]any{"kind": "gmcr", "yaml": bridged, "params": map[string]any{"bridge_scenario": "../etc/passwd"}}, 400, "bad_id"},
		{"unknown id", map[string]any{"kind": "gmcr", "yaml": bridged, "params": map[string]any{"bridge_scenario": "0123456789abcdef"}}, 404, "not_found"},
		{"version without id", map[string]any{"kind": "gmcr", "yaml": bridged, "params": map[string]any{"bridge_version": 1}}, 400, "bad_request"},
	} {
		t.Run(tc.name, func(t *testing.T) { e.wantError("POST", "/api/jobs", tc.req, tc.status, tc.code) })
	}
	// Jobs that start and fail, saying why.
	for _, tc := range []struct {
		name string
		req  map[string]any
		want string
	}{
		{"no bridge section", map[string]any{"kind": "gmcr", "yaml": prisoners, "params": map[string]any{"bridge_scenario": saved.ID}}, "the conflict has no bridge: section"},
		{"no scenario chosen", map[string]any{"kind": "gmcr", "yaml": bridged}, "choose a scenario saved in the workbench"},
		{"a scenario without the states", map[string]any{"kind": "gmcr", "yaml": bridged, "params": map[string]any{"bridge_scenario": saved.ID}}, "has no state"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			job := e.start(tc.req)
			end := e.waitEnd(job.ID)
			if end.Status != store.StatusFailed || !strings.Contains(end.Error, tc.want) {
				t.Errorf("ended %+v, want failed with %q", end, tc.want)
			}
		})
	}
}
