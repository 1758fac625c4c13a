package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// run executes the truce command line and returns stdout, stderr and the
// exit code main would use.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return runTruce(t, "", args...)
}

func TestCheckCommand(t *testing.T) {
	out, _, code := run(t, "check", "../../examples/tit-for-tat.yaml")
	if code != 0 || !strings.HasPrefix(out, "ok: ../../examples/tit-for-tat.yaml: scenario tit-for-tat, 2 actors, 2 states") {
		t.Fatalf("check ok: code %d, out %q", code, out)
	}
	_, errs, code := run(t, "check", "../../scenario/testdata/bad-names.yaml")
	if code != 1 {
		t.Fatalf("check of a bad file exited %d", code)
	}
	if !strings.Contains(errs, `../../scenario/testdata/bad-names.yaml:16:10: error: unknown state "wra" (hint: did you mean "war"?)`) {
		t.Errorf("check errors lack the position and hint:\n%s", errs)
	}
	out, _, code = run(t, "check", "--format", "json", "../../scenario/testdata/bad-names.yaml")
	if code != 1 || !strings.Contains(out, `"ok": false`) || !strings.Contains(out, `"line": 16`) {
		t.Errorf("check --format json: code %d\n%s", code, out)
	}
	_, errs, code = run(t, "check", "no/such/file.yaml")
	if code != 1 || !strings.Contains(errs, "no such file") {
		t.Errorf("missing file: code %d, %q", code, errs)
	}
}

// TestOutputIndependentOfWorkers is the determinism contract: with a seed,
// analyze and simulate print the same bytes whatever --workers.
func TestOutputIndependentOfWorkers(t *testing.T) {
	for _, tc := range [][]string{
		{"analyze", "../../scenario/testdata/uncertain.yaml", "--draws", "300", "--seed", "7", "--format", "json"},
		{"analyze", "../../scenario/testdata/uncertain.yaml", "--draws", "300", "--seed", "7"},
		{"simulate", "../../examples/tit-for-tat.yaml", "--runs", "5000", "--seed", "11", "--format", "json"},
		{"simulate", "../../examples/prestige.yaml", "--runs", "3000", "--seed", "3"},
	} {
		var first string
		for _, w := range []string{"1", "2", "8"} {
			out, errs, code := run(t, append(tc, "--workers", w)...)
			if code != 0 {
				t.Fatalf("%v --workers %s: exit %d: %s", tc, w, code, errs)
			}
			if w == "1" {
				first = out
				continue
			}
			if out != first {
				t.Errorf("%v: --workers %s output differs from --workers 1", tc, w)
			}
		}
		if len(first) < 100 {
			t.Errorf("%v: suspiciously short output %q", tc, first)
		}
	}
}

func TestAnalyzeText(t *testing.T) {
	out, errs, code := run(t, "analyze", "../../examples/two-state.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"profile baseline", "war         65.1%             100%", "unresolved  34.9%             0%", "unresolved at month 10: peace 34.9%", "0.6513", "H1  supported", "H2  rejected", `time("war", "baseline") = 10`} {
		if !strings.Contains(out, want) {
			t.Errorf("analyze text lacks %q:\n%s", want, out)
		}
	}
	_, errs, code = run(t, "analyze", "../../examples/two-state.yaml", "--profile", "basline")
	if code != 1 || !strings.Contains(errs, `unknown profile "basline" (hint: did you mean "baseline"?)`) {
		t.Errorf("unknown profile: exit %d, %q", code, errs)
	}
	_, errs, code = run(t, "analyze", "../../examples/two-state.yaml", "--format", "xml")
	if code != codeUsage || !strings.Contains(errs, `invalid argument "xml" for "--format" flag: want text or json`) {
		t.Errorf("bad format: exit %d, %q", code, errs)
	}
}

func TestSimulateText(t *testing.T) {
	out, errs, code := run(t, "simulate", "../../examples/two-state.yaml", "--runs", "2000")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"2000 paths", "entered war by month 10", "largest |z|"} {
		if !strings.Contains(out, want) {
			t.Errorf("simulate text lacks %q:\n%s", want, out)
		}
	}
}

// TestAnalyzeJSONSchema checks the documented shape of --format json
// (docs/analyze-json.md) on the uncertain example.
func TestAnalyzeJSONSchema(t *testing.T) {
	out, errs, code := run(t, "analyze", "../../scenario/testdata/uncertain.yaml", "--draws", "50", "--format", "json", "--states", "peace")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r struct {
		Scenario string  `json:"scenario"`
		Draws    int     `json:"draws"`
		Seed     *uint64 `json:"seed"`
		Profiles map[string]struct {
			Absorb map[string]map[string]*float64 `json:"absorb"`
			Reach  map[string][]float64           `json:"reach"`
			Time   map[string]map[string]*float64 `json:"time"`
			Value  map[string]struct {
				Total      map[string]*float64            `json:"total"`
				Components map[string]map[string]*float64 `json:"components"`
			} `json:"value"`
		} `json:"profiles"`
		Hypotheses []map[string]any `json:"hypotheses"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	p, ok := r.Profiles["baseline"]
	if r.Scenario != "uncertain" || r.Draws != 50 || r.Seed == nil || !ok {
		t.Fatalf("header: %+v", r)
	}
	for _, st := range []string{"peace", "war"} {
		for _, k := range []string{"mean", "lo", "hi"} {
			if p.Absorb[st][k] == nil || p.Time[st][k] == nil {
				t.Errorf("absorb/time %s lacks %s", st, k)
			}
		}
		if len(p.Reach[st]) != 25 {
			t.Errorf("reach %s has %d points, want horizon+1 = 25", st, len(p.Reach[st]))
		}
	}
	lo, mean, hi := *p.Value["A"].Total["lo"], *p.Value["A"].Total["mean"], *p.Value["A"].Total["hi"]
	if !(lo <= mean && mean <= hi && lo < hi) {
		t.Errorf("value A: lo %v mean %v hi %v", lo, mean, hi)
	}
	if p.Value["B"].Components["material"]["mean"] == nil {
		t.Errorf("value B lacks components.material")
	}
	if len(r.Hypotheses) != 2 {
		t.Fatalf("hypotheses: %v", r.Hypotheses)
	}
	for _, k := range []string{"id", "claim", "expr", "holds_share", "verdict", "quantities"} {
		if _, ok := r.Hypotheses[0][k]; !ok {
			t.Errorf("hypothesis lacks %q", k)
		}
	}
}
