package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --hypothesis-draws none leaves out the hypotheses that carry their own
// draws: in analyze and update (audit leaves them out by default:
// TestAuditCostly): none of them gets a verdict, the
// output lists them as not evaluated with the command that evaluates them,
// and the others are as in a run without the flag.
func TestHypothesisDrawsNone(t *testing.T) {
	const file = "../../scenario/testdata/subsample.yaml"
	type hyps struct {
		Hypotheses []struct {
			ID         string  `json:"id"`
			HoldsShare float64 `json:"holds_share"`
		} `json:"hypotheses"`
		NotEvaluated *struct {
			Hypotheses []struct {
				ID    string `json:"id"`
				Draws int    `json:"draws"`
			} `json:"hypotheses"`
			Command string `json:"command"`
		} `json:"hypotheses_not_evaluated"`
	}
	decode := func(out string) hyps {
		t.Helper()
		var h hyps
		if err := json.Unmarshal([]byte(out), &h); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return h
	}
	ids := func(h hyps) string {
		var s []string
		for _, x := range h.Hypotheses {
			s = append(s, x.ID)
		}
		return strings.Join(s, ",")
	}

	out, errs, code := run(t, "analyze", file, "--draws", "20", "--seed", "4", "--hypothesis-draws", "none")
	if code != 0 {
		t.Fatalf("analyze: exit %d: %s", code, errs)
	}
	for _, want := range []string{"not evaluated (--hypothesis-draws none): 2 hypotheses", "  H3  not evaluated  (draws: 13)", "  H4  not evaluated  (draws: 9)",
		"evaluate them with: truce analyze ../../scenario/testdata/subsample.yaml --draws 20 --seed 4\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("analyze text lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 1 && (f[0] == "H3" || f[0] == "H4") && f[1] != "not" {
			t.Errorf("analyze shows a skipped hypothesis as evaluated: %q", line)
		}
	}
	out, _, code = run(t, "analyze", file, "--draws", "20", "--seed", "4", "--hypothesis-draws", "none", "--format", "json")
	none := decode(out)
	out2, _, code2 := run(t, "analyze", file, "--draws", "20", "--seed", "4", "--format", "json")
	all := decode(out2)
	if code != 0 || code2 != 0 || ids(none) != "H1,H2" || ids(all) != "H1,H2,H3,H4" || all.NotEvaluated != nil {
		t.Fatalf("analyze json: exit %d/%d, hypotheses %s (none) and %s (file), not evaluated %+v", code, code2, ids(none), ids(all), all.NotEvaluated)
	}
	for i := range none.Hypotheses {
		if none.Hypotheses[i] != all.Hypotheses[i] {
			t.Errorf("%s: %+v with --hypothesis-draws none, %+v without", none.Hypotheses[i].ID, none.Hypotheses[i], all.Hypotheses[i])
		}
	}
	if ne := none.NotEvaluated; ne == nil || len(ne.Hypotheses) != 2 || ne.Hypotheses[0].ID != "H3" || ne.Hypotheses[0].Draws != 13 || ne.Hypotheses[1].ID != "H4" ||
		ne.Command != "truce analyze ../../scenario/testdata/subsample.yaml --draws 20 --seed 4" {
		t.Errorf("analyze json: not evaluated %+v", ne)
	}
	_, errs, code = run(t, "analyze", file, "--hypothesis-draws", "some")
	if code != 2 || !strings.Contains(errs, "file, all or none") {
		t.Errorf("bad --hypothesis-draws: exit %d, %q", code, errs)
	}

	// audit: see TestAuditCostly.

	// update: the watch example with a costly claim added.
	src, err := os.ReadFile(watch)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(src), "hypotheses:\n", "hypotheses:\n  - {id: H0, claim: costly, expr: 'reach(\"war\", 52, \"restraint\") < 0.2', draws: 5}\n", 1)
	path := filepath.Join(t.TempDir(), "watch.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code = run(t, "update", path, "--record", watchRecord, "--draws", "40", "--checks", "10", "--hypothesis-draws", "none", "--format", "json")
	up := decode(out)
	if code != 0 || strings.Contains(ids(up), "H0") || !strings.Contains(ids(up), "H1") || up.NotEvaluated == nil || up.NotEvaluated.Hypotheses[0].ID != "H0" ||
		!strings.Contains(up.NotEvaluated.Command, "truce update "+path+" --checks 10 --draws 40 --record ") {
		t.Errorf("update json: exit %d: %s\nhypotheses %s, not evaluated %+v", code, errs, ids(up), up.NotEvaluated)
	}
	out, _, code = run(t, "update", path, "--record", watchRecord, "--draws", "40", "--checks", "10", "--hypothesis-draws", "none")
	if code != 0 || !strings.Contains(out, "  H0  not evaluated  (draws: 5)  costly\n") {
		t.Errorf("update text: exit %d:\n%s", code, out)
	}
}

// truce audit leaves the hypotheses with their own draws: out by default
// and lists them as not audited (costly), in text and JSON, with the
// command that audits them; --audit-costly (or the older
// --hypothesis-draws file) audits them in the file and every variant.
func TestAuditCostly(t *testing.T) {
	const file = "../../scenario/testdata/subsample.yaml"
	out, errs, code := run(t, "audit", file, "--draws", "10")
	if code != 0 {
		t.Fatalf("audit: exit %d: %s", code, errs)
	}
	for _, want := range []string{"\nNot audited (costly: 9–13 draws each): 2 hypotheses\n", "  H3  not audited  (draws: 13)  H1 on a subsample\n", "  H4  not audited  (draws: 9)   war takes",
		"  audit them too (slow): truce audit ../../scenario/testdata/subsample.yaml --audit-costly --draws 10\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("audit text lacks %q:\n%s", want, out)
		}
	}
	type auditOut struct {
		Baseline []struct {
			Hypothesis     string `json:"hypothesis"`
			EvaluatedDraws int    `json:"evaluated_draws"`
		} `json:"baseline"`
		NotAudited *struct {
			Why        string `json:"why"`
			Hypotheses []struct {
				ID    string `json:"id"`
				Draws int    `json:"draws"`
			} `json:"hypotheses"`
			Command string `json:"command"`
		} `json:"hypotheses_not_audited"`
	}
	decode := func(args ...string) auditOut {
		t.Helper()
		out, errs, code := run(t, append([]string{"audit", file, "--draws", "10", "--format", "json"}, args...)...)
		var a auditOut
		if err := json.Unmarshal([]byte(out), &a); err != nil || code != 0 {
			t.Fatalf("audit %v: exit %d, %v: %s\n%s", args, code, err, errs, out)
		}
		return a
	}
	a := decode()
	if len(a.Baseline) != 2 || a.Baseline[1].Hypothesis != "H2" || a.NotAudited == nil || len(a.NotAudited.Hypotheses) != 2 ||
		a.NotAudited.Hypotheses[0].ID != "H3" || a.NotAudited.Hypotheses[0].Draws != 13 || !strings.Contains(a.NotAudited.Why, "costly") ||
		a.NotAudited.Command != "truce audit ../../scenario/testdata/subsample.yaml --audit-costly --draws 10" {
		t.Errorf("audit json: %+v", a)
	}
	for _, args := range [][]string{{"--audit-costly"}, {"--hypothesis-draws", "file"}} {
		a := decode(args...)
		// H3's 13 draws are more than the audit's 10: it is on all 10.
		if len(a.Baseline) != 4 || a.Baseline[2].Hypothesis != "H3" || a.Baseline[3].EvaluatedDraws != 9 || a.NotAudited != nil {
			t.Errorf("audit %v json: %+v", args, a)
		}
	}
	if none := decode("--hypothesis-draws", "none"); len(none.Baseline) != 2 || none.NotAudited == nil {
		t.Errorf("audit --hypothesis-draws none (the default): %+v", none)
	}
	if _, errs, code := run(t, "audit", file, "--audit-costly", "--hypothesis-draws", "none"); code != 2 {
		t.Errorf("--audit-costly with --hypothesis-draws none: exit %d, %s", code, errs)
	}
}

// truce sensitivity (one at a time) sweeps every hypothesis at every
// point unless told which: those with their own draws: are left out and
// named (text and JSON), as the global methods leave them out; named with
// --hypothesis, one is swept.
func TestSensitivityLeavesCostlyOut(t *testing.T) {
	const file = "../../scenario/testdata/subsample.yaml"
	out, errs, code := run(t, "sensitivity", file, "--points", "3")
	if code != 0 || !strings.Contains(out, "\nNot swept: H3, H4 (each sets its own draws:") || strings.Contains(out, "  H3  ") {
		t.Errorf("sensitivity: exit %d: %s\n%s", code, errs, out)
	}
	out, _, code = run(t, "sensitivity", file, "--points", "3", "--format", "json")
	var js struct {
		Central struct {
			Shares map[string]float64 `json:"holds_share"`
		} `json:"central"`
		LeftOut []string `json:"hypotheses_left_out"`
		Note    string   `json:"hypotheses_left_out_note"`
	}
	if err := json.Unmarshal([]byte(out), &js); err != nil || code != 0 || strings.Join(js.LeftOut, ",") != "H3,H4" || js.Note == "" {
		t.Errorf("sensitivity json: exit %d, %v: %s", code, err, out)
	}
	if _, ok := js.Central.Shares["H3"]; ok || len(js.Central.Shares) != 2 {
		t.Errorf("sensitivity json swept %v", js.Central.Shares)
	}
	out, _, code = run(t, "sensitivity", file, "--points", "3", "--hypothesis", "H3")
	if code != 0 || !strings.Contains(out, "  H3  ") || strings.Contains(out, "Not swept") {
		t.Errorf("sensitivity --hypothesis H3: exit %d:\n%s", code, out)
	}
}
