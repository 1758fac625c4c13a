package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// The JSON of --method sobol has the documented names, and its indices for
// the Ishigami scenario match the closed forms.
func TestSensitivitySobolJSON(t *testing.T) {
	out, errs, code := run(t, "sensitivity", "../../sensitivity/testdata/ishigami.yaml", "--method", "sobol", "--samples", "2048", "--bootstrap", "200", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var js struct {
		Method   string   `json:"method"`
		Seed     uint64   `json:"seed"`
		Samples  int      `json:"samples"`
		Analyses int      `json:"analyses"`
		Params   []string `json:"parameters"`
		Global   []struct {
			Output string `json:"output"`
			Kind   string `json:"kind"`
			Sobol  []struct {
				Parameter string     `json:"parameter"`
				First     float64    `json:"first"`
				FirstCI   [2]float64 `json:"first_ci"`
				Total     float64    `json:"total"`
				TotalCI   [2]float64 `json:"total_ci"`
			} `json:"sobol"`
		} `json:"global"`
	}
	// The names of an index entry are exactly the documented ones.
	var raw struct {
		Global []struct {
			Sobol []map[string]any `json:"sobol"`
		} `json:"global"`
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	for k := range raw.Global[0].Sobol[0] {
		if !strings.Contains(" parameter first first_ci total total_ci ", " "+k+" ") {
			t.Errorf("unexpected key %q in a sobol entry", k)
		}
	}
	if len(raw.Global[0].Sobol[0]) != 5 {
		t.Errorf("sobol entry %v", raw.Global[0].Sobol[0])
	}
	if err := json.Unmarshal([]byte(out), &js); err != nil {
		t.Fatal(err)
	}
	if js.Method != "sobol" || js.Seed != 1 || js.Samples != 2048 || js.Analyses != 2048*5 || len(js.Params) != 3 || len(js.Global) != 2 {
		t.Fatalf("header: %+v", js)
	}
	if g := js.Global[1]; g.Output != "H1" || g.Kind != "hypothesis" || len(g.Sobol) != 3 {
		t.Fatalf("hypothesis output: %+v", g)
	}
	// Ishigami closed forms (see sensitivity/sobol_test.go).
	first := []float64{0.3139, 0.4424, 0}
	total := []float64{0.5576, 0.4424, 0.2437}
	for i, ix := range js.Global[0].Sobol {
		if ix.Parameter != js.Params[i] || math.Abs(ix.First-first[i]) > 0.03 || math.Abs(ix.Total-total[i]) > 0.03 ||
			!(ix.FirstCI[0] <= ix.First && ix.First <= ix.FirstCI[1]) || !(ix.TotalCI[0] <= ix.Total && ix.Total <= ix.TotalCI[1]) {
			t.Errorf("index %+v, want first %v total %v", ix, first[i], total[i])
		}
	}
}

// Same seed, same bytes, whatever --workers (text and JSON, both methods).
func TestSensitivityGlobalDeterministic(t *testing.T) {
	for _, args := range [][]string{
		{"--method", "sobol", "--samples", "32", "--bootstrap", "50"},
		{"--method", "morris", "--samples", "4", "--format", "json"},
	} {
		var ref string
		for _, w := range []string{"1", "2", "8"} {
			a := append([]string{"sensitivity", "../../scenarios/us-iran-2026.yaml", "--hypothesis", "H12,H5", "--seed", "7", "--workers", w}, args...)
			out, errs, code := run(t, a...)
			if code != 0 {
				t.Fatalf("%v: exit %d: %s", a, code, errs)
			}
			if ref == "" {
				ref = out
			} else if out != ref {
				t.Fatalf("%v: output differs from --workers 1", a)
			}
		}
		if !strings.Contains(ref, "seed 7") && !strings.Contains(ref, `"seed": 7`) {
			t.Errorf("output does not print its seed:\n%s", ref)
		}
	}
}

func TestSensitivityMorrisText(t *testing.T) {
	out, errs, code := run(t, "sensitivity", "../../sensitivity/testdata/linear.yaml", "--method", "morris", "--samples", "6")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// μ* = |b|·range: x5 6, x2 1.5, x1 and x4 1, x3 0 (not listed).
	lines := strings.Split(out, "\n")
	var order []string
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) > 1 && strings.HasPrefix(f[0], "x") && len(order) < 4 {
			order = append(order, f[0]+"="+f[1])
		}
	}
	if strings.Join(order, " ") != "x5=6 x2=1.5 x1=1 x4=1" {
		t.Fatalf("ranking %v in\n%s", order, out)
	}
	if strings.Contains(out, "x3 ") {
		t.Errorf("x3 has no effect but is listed:\n%s", out)
	}
}

func TestSensitivityGlobalErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--method", "anova"}, 2, "want oat, morris or sobol"},
		{[]string{"--method", "sobol", "--samples", "1"}, 2, "--samples must be at least 2"},
		{[]string{"--method", "morris", "--levels", "3"}, 2, "even number"},
		{[]string{"--method", "sobol", "--samples", "1e9"}, 2, "out of range"},
		{[]string{"--method", "sobol", "--bootstrap", "-1"}, 2, "out of range"},
		{[]string{"--method", "sobol", "--points", "5"}, 2, "--points does not apply to --method sobol"},
		{[]string{"--samples", "64"}, 2, "--samples does not apply to --method oat"},
		{[]string{"--method", "sobol", "--hypothesis", "H99"}, 1, `no hypothesis "H99"`},
		{[]string{"--method", "sobol", "--output", `reach("wr", 52, "baseline")`}, 1, `unknown state "wr"`},
	} {
		_, errs, code := run(t, append([]string{"sensitivity", "../../scenarios/us-iran-2026.yaml"}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, errs, c.code, c.want)
		}
	}
	_, errs, code := run(t, "sensitivity", "../../scenario/testdata/params.yaml", "--method", "sobol", "--samples", "8")
	if code != 1 || !strings.Contains(errs, "params.yaml:15:") || !strings.Contains(errs, "--ignore-correlations") {
		t.Errorf("correlated inputs: exit %d, %q", code, errs)
	}
	out, errs, code := run(t, "sensitivity", "../../scenario/testdata/params.yaml", "--method", "sobol", "--samples", "8", "--ignore-correlations")
	if code != 0 || !strings.Contains(out, "correlations ignored") {
		t.Errorf("--ignore-correlations: exit %d, %q\n%s", code, errs, out)
	}
}
