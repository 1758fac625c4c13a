package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestDiscoverCommand(t *testing.T) {
	out, errs, code := run(t, "discover", "../../sensitivity/testdata/planted-box.yaml", "--draws", "1000")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "seed 1") || !strings.Contains(out, "holds when ") || !strings.Contains(out, "≤ a ≤") || !strings.Contains(out, "≤ b ≤") || strings.Contains(out, " c ") {
		t.Fatalf("text:\n%s", out)
	}
	out, errs, code = run(t, "discover", "../../sensitivity/testdata/planted-box.yaml", "--draws", "1000", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var js struct {
		Draws       int `json:"draws"`
		Discoveries []struct {
			Hypothesis string  `json:"hypothesis"`
			Target     string  `json:"target"`
			Share      float64 `json:"share"`
			Box        struct {
				Restrictions []struct {
					Parameter string   `json:"parameter"`
					Lo        *float64 `json:"lo"`
					Hi        *float64 `json:"hi"`
				} `json:"restrictions"`
				Coverage, Density float64
			} `json:"box"`
			Tradeoff []struct{ Coverage, Density float64 } `json:"tradeoff"`
		} `json:"discoveries"`
	}
	if err := json.Unmarshal([]byte(out), &js); err != nil {
		t.Fatal(err)
	}
	d := js.Discoveries[0]
	if js.Draws != 1000 || d.Hypothesis != "H1" || d.Target != "holds" || len(d.Box.Restrictions) != 2 || d.Box.Density != 1 || len(d.Tradeoff) < 3 {
		t.Fatalf("json: %+v", js)
	}
	for _, r := range d.Box.Restrictions {
		want := map[string][2]float64{"a": {0.2, 0.6}, "b": {0.5, 0.9}}[r.Parameter]
		if r.Lo == nil || r.Hi == nil || math.Abs(*r.Lo-want[0]) > 0.03 || math.Abs(*r.Hi-want[1]) > 0.03 {
			t.Errorf("restriction of %s: %v..%v, want %v", r.Parameter, r.Lo, r.Hi, want)
		}
	}
	var ref string
	for _, w := range []string{"1", "2", "8"} {
		out, _, code := run(t, "discover", "../../scenarios/us-iran-2026.yaml", "--hypothesis", "H12", "--draws", "300", "--seed", "4", "--workers", w)
		if code != 0 {
			t.Fatalf("workers %s: exit %d", w, code)
		}
		if ref == "" {
			ref = out
		} else if out != ref {
			t.Fatalf("workers %s: output differs", w)
		}
	}
	_, errs, code = run(t, "discover", "../../scenarios/us-iran-2026.yaml", "--hypothesis", "H21")
	if code != 1 || !strings.Contains(errs, `no hypothesis "H21"`) {
		t.Errorf("unknown hypothesis: exit %d, %q", code, errs)
	}
	_, errs, code = run(t, "discover", "../../scenarios/us-iran-2026.yaml", "--alpha", "0.7")
	if code != 2 || !strings.Contains(errs, "out of range") {
		t.Errorf("--alpha 0.7: exit %d, %q", code, errs)
	}
}

// A share strictly between 0 and 1 never prints as 0% or 100%: 199 of 200
// draws printed "100%" under "what changes that" in truce audit.
func TestFmtShare(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want string
	}{{0, "0%"}, {1, "100%"}, {0.5, "50%"}, {199.0 / 200, "99.5%"}, {1.0 / 200, "0.5%"}, {0.9999, ">99.9%"}, {0.0004, "<0.1%"}, {0.994, "99.4%"}, {0.18, "18%"}} {
		if got := fmtShare(c.x); got != c.want {
			t.Errorf("fmtShare(%v) = %s, want %s", c.x, got, c.want)
		}
	}
}
