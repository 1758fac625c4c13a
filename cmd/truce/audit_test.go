package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAuditCommand(t *testing.T) {
	const file = "../../audit/testdata/planted.yaml"
	var ref string
	for _, w := range []string{"1", "2", "8"} {
		out, errs, code := run(t, "audit", file, "--draws", "60", "--workers", w)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if ref == "" {
			ref = out
		} else if out != ref {
			t.Fatalf("--workers %s: output differs from --workers 1", w)
		}
	}
	for _, want := range []string{
		file + ":62:9  H1 (restates payoffs)",
		"`-war_cost` is the worth to A of entering war",
		"payoff rule at 48:5",
		file + ":38:5  order of the transition rules at lines 35 and 38",
		"H2 supported → rejected (100% → 0%)",
		"seed 1",
	} {
		if !strings.Contains(ref, want) {
			t.Errorf("audit output lacks %q:\n%s", want, ref)
		}
	}
	out, errs, code := run(t, "audit", file, "--draws", "60", "--format", "json")
	if code != 0 {
		t.Fatalf("json: exit %d: %s", code, errs)
	}
	var js struct {
		Draws        int `json:"draws"`
		Definitional []struct {
			Hypothesis, At, Kind string
		} `json:"definitional"`
		Flips []struct {
			Hypothesis string `json:"hypothesis"`
			Element    struct {
				Kind, At string
			} `json:"element"`
			To string `json:"verdict_after"`
		} `json:"flips"`
	}
	if err := json.Unmarshal([]byte(out), &js); err != nil {
		t.Fatal(err)
	}
	if js.Draws != 60 || len(js.Definitional) != 1 || js.Definitional[0].At != file+":62:9" || js.Definitional[0].Kind != "restates payoffs" {
		t.Fatalf("json definitional: %+v", js)
	}
	found := false
	for _, f := range js.Flips {
		found = found || (f.Hypothesis == "H2" && f.Element.Kind == "rule order" && f.Element.At == file+":38:5" && f.To == "rejected")
	}
	if !found {
		t.Fatalf("json flips lack the rule-order flip of H2: %+v", js.Flips)
	}
	_, errs, code = run(t, "audit", "../../scenario/testdata/bad-names.yaml")
	if code != 1 || !strings.Contains(errs, "bad-names.yaml:16:10") {
		t.Errorf("bad file: exit %d, %q", code, errs)
	}
}
