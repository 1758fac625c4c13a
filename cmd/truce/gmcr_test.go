package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGmcrJSON(t *testing.T) {
	out, stderr, code := run(t, "gmcr", "../../examples/gmcr/elmira.yaml", "--format", "json", "--state", "18", "--coalition", "MoE+UR", "--inverse", "LG=21", "--keep-top", "4")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Equilibria map[string][]struct {
			Code    uint64                     `json:"code"`
			Options map[string]map[string]bool `json:"options"`
		} `json:"equilibria"`
		StatusQuo struct {
			Paths []struct {
				Moves []any `json:"moves"`
			} `json:"paths"`
		} `json:"status_quo"`
		Coalitions map[string]any `json:"coalitions"`
		Inverse    struct {
			Checked int   `json:"checked"`
			Found   []any `json:"found"`
		} `json:"inverse"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"nash", "gmr", "smr", "seq"} {
		if _, ok := doc.Equilibria[k]; !ok {
			t.Fatalf("no %q in equilibria: %s", k, out)
		}
	}
	var nash []uint64
	for _, s := range doc.Equilibria["nash"] {
		nash = append(nash, s.Code)
	}
	if want := []uint64{8, 9, 18, 21, 24, 25}; len(nash) != len(want) {
		t.Fatalf("nash %v, want %v", nash, want)
	}
	s := doc.Equilibria["nash"][2] // code 18: UR delays, LG insists
	if s.Code != 18 || !s.Options["UR"]["delay"] || !s.Options["LG"]["insist"] || s.Options["MoE"]["modify"] || s.Options["UR"]["accept"] {
		t.Errorf("state 18 written as %+v", s)
	}
	if len(doc.StatusQuo.Paths) == 0 || doc.Coalitions["nash"] == nil || doc.Inverse.Checked == 0 {
		t.Errorf("missing sections: %s", out)
	}
}

func TestGmcrText(t *testing.T) {
	out, stderr, code := run(t, "gmcr", "../../examples/gmcr/prisoners.yaml", "--state", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Nash  0\n", "GMR   0 3\n", "why state 3 is GMR-stable for A:", "A can improve to 2 (-cooperate_a); sanctioned by B -cooperate_b -> 0, which A ranks 1 against 2 at 3"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestGmcrBadFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "bad.yaml")
	src := "truce: 1\nkind: graph-model\ndecision_makers:\n  - {id: A, options: [x]}\n  - {id: B, options: [y]}\npreferences:\n  A: {priorities: [\"x & !z\"]}\n  B: {ranking: [0, 1]}\n"
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := run(t, "gmcr", p)
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, stderr)
	}
	for _, want := range []string{"bad.yaml:7:26: error: priority: unknown option \"z\"", "bad.yaml:8:7: error: ranking of B leaves out states 2, 3"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, _, code := run(t, "gmcr", "../../examples/gmcr/prisoners.yaml", "--concepts", "nash,foo"); code != 2 {
		t.Errorf("unknown concept: exit %d, want 2", code)
	}
}

func TestGmcrHTML(t *testing.T) {
	out := filepath.Join(t.TempDir(), "o.html")
	_, stderr, code := run(t, "gmcr", "../../examples/gmcr/us-iran.yaml", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The status-quo graph: the truce (0) and the improvements to the
	// walkout (1), Hormuz (9) and the standoff (11), in an inline SVG.
	page := checkPage(t, out, []string{"<svg", `<title>state 11: equilibrium under Nash, GMR, SMR, SEQ</title>`, ">US moves<", ">IR moves<", "<td>US: walkout, strike; IR: hormuz</td>"}, nil)
	if strings.Contains(page, "<script") || strings.Contains(page, "http://") && !strings.Contains(page, `xmlns="http://www.w3.org/2000/svg"`) {
		t.Error("page is not self-contained")
	}
}

func TestGmcrBridge(t *testing.T) {
	out, stderr, code := run(t, "gmcr", "../../examples/gmcr/us-iran-bridge.yaml", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Bridge struct {
			DecisionMakers []struct {
				Derived bool `json:"derived"`
			} `json:"decision_makers"`
			Verdicts []struct {
				State string `json:"state"`
			} `json:"verdicts"`
			Unmapped []struct {
				State  string `json:"state"`
				Reason string `json:"reason"`
			} `json:"unmapped"`
			Unaccounted []string `json:"unaccounted"`
		} `json:"bridge"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Bridge.DecisionMakers) != 2 || !doc.Bridge.DecisionMakers[0].Derived || len(doc.Bridge.Verdicts) != 6 {
		t.Fatalf("%+v", doc.Bridge)
	}
	// Every scenario state is compared or left out with a reason.
	if len(doc.Bridge.Unaccounted) != 0 || len(doc.Bridge.Unmapped) == 0 || doc.Bridge.Unmapped[0].Reason == "" {
		t.Errorf("unmapped %+v, unaccounted %v", doc.Bridge.Unmapped, doc.Bridge.Unaccounted)
	}
	text, _, _ := run(t, "gmcr", "../../examples/gmcr/us-iran-bridge.yaml")
	if !strings.Contains(text, "unmapped scenario state talks: the option form has no option to hold talks") {
		t.Errorf("text output does not give the reason a state is left out:\n%s", text)
	}
}
