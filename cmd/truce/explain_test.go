package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCheckWarnings: the typo'd weight, the unused parameter and the
// shadowed rule are reported at file:line:col; the file is still valid
// (exit 0) unless --strict, which fails it and says why.
func TestCheckWarnings(t *testing.T) {
	const f = "testdata/lint-typo.yaml"
	out, errs, code := runTruce(t, "", "check", f)
	if code != 0 {
		t.Fatalf("check exit %d: %s", code, errs)
	}
	for _, want := range []string{
		f + `:11:28: warning: IR's weights name component "xdomestic", which no payoff rule pays, and leave out "domestic"`,
		f + `:14:3: warning: parameter "spare" is unused`,
		f + `:24:5: warning: transition rule is shadowed: for every joint action it matches, an earlier rule matches first (line 22)`,
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("check lacks %q:\n%s", want, errs)
		}
	}
	if !strings.Contains(out, "3 warnings") {
		t.Errorf("summary %q", out)
	}
	out, errs, code = runTruce(t, "", "check", "--strict", f)
	if code != 1 || !strings.Contains(errs, f+":14:3: error: parameter \"spare\" is unused") || !strings.Contains(out, "3 warnings as errors (--strict)") {
		t.Errorf("--strict: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	out, _, code = runTruce(t, "", "check", "--strict", "--format", "json", f)
	var doc struct {
		OK          bool `json:"ok"`
		Diagnostics []struct {
			Line     int    `json:"line"`
			Severity string `json:"severity"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 1 || doc.OK || len(doc.Diagnostics) != 3 {
		t.Errorf("--strict --format json: exit %d, %+v, %v:\n%s", code, doc, err, out)
	}
	// Commands that run a scenario print the warnings too (not notes).
	_, errs, code = runTruce(t, "", "analyze", f, "--draws", "5")
	if code != 0 || !strings.Contains(errs, `warning: parameter "spare" is unused`) {
		t.Errorf("analyze: exit %d, stderr %q", code, errs)
	}
	// The bundled scenario passes --strict.
	if _, errs, code := runTruce(t, "", "check", "--strict", "../../scenarios/us-iran-2026.yaml"); code != 0 {
		t.Errorf("bundled scenario fails --strict:\n%s", errs)
	}
}

// TestExplain: the effective table names the deciding rule of every joint
// action, lists the rule that decides nothing, and shows each strategy.
func TestExplain(t *testing.T) {
	const f = "testdata/lint-typo.yaml"
	out, errs, code := runTruce(t, "", "explain", f, "--state", "truce", "--profile", "base")
	if code != 0 {
		t.Fatalf("explain exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"typo at central values",
		"parameters: p=0.2, spare=3",
		"strike  resist  0%      truce 99.0%, war 1.0%  rule at line 22",
		"hold    comply  90.0%   truce 99.0%, war 1.0%  rule at line 22",
		"transition rules that decide nothing (an earlier rule always matches first): line 24",
		"US calm (line 33; profiles base)",
		"in truce  hold 90.0%, strike 10.0%",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "US dove") {
		t.Errorf("--profile base shows a strategy of another profile:\n%s", out)
	}
	out, _, code = runTruce(t, "", "explain", "../../examples/two-state.yaml", "--format", "json")
	var ex struct {
		States []struct {
			ID    string `json:"id"`
			Joint []struct {
				Next []struct {
					State string  `json:"state"`
					P     float64 `json:"p"`
				} `json:"next"`
				Rule *struct{ Line int } `json:"rule"`
			} `json:"joint_actions"`
			Entry map[string]struct {
				Total float64 `json:"total"`
			} `json:"entry"`
		} `json:"states"`
	}
	if err := json.Unmarshal([]byte(out), &ex); err != nil || code != 0 {
		t.Fatalf("json: exit %d, %v\n%s", code, err, out)
	}
	// two-state: peace -> war with probability 0.1 per month.
	if len(ex.States) != 2 || len(ex.States[0].Joint) != 1 || ex.States[0].Joint[0].Rule == nil {
		t.Fatalf("explain json: %+v", ex)
	}
	for _, nx := range ex.States[0].Joint[0].Next {
		if nx.State == "war" && nx.P != 0.1 {
			t.Errorf("peace -> war = %v, want 0.1", nx.P)
		}
	}
	for _, tc := range []struct{ args []string }{
		{[]string{"explain", f, "--state", "trcue"}},
		{[]string{"explain", f, "--profile", "bse"}},
	} {
		_, errs, code := runTruce(t, "", tc.args...)
		if code != 1 || !strings.Contains(errs, "did you mean") {
			t.Errorf("%v: exit %d, %q", tc.args, code, errs)
		}
	}
}
