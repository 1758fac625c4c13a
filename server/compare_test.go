package server

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
)

func TestDiffResults(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want map[string][2]*float64 // path -> (a, b)
	}{
		{"equal", `{"x": 1, "y": [1,2]}`, `{"x": 1, "y": [1,2]}`, map[string][2]*float64{}},
		{"changed", `{"x": 1}`, `{"x": 2}`, map[string][2]*float64{"x": {f(1), f(2)}}},
		{"only one side", `{"x": 1}`, `{"y": 2}`, map[string][2]*float64{"x": {f(1), nil}, "y": {nil, f(2)}}},
		{"hypotheses by id", `{"h": [{"id": "H1", "s": 0.5}, {"id": "H2", "s": 0.1}]}`, `{"h": [{"id": "H2", "s": 0.1}, {"id": "H1", "s": 0.7}]}`,
			map[string][2]*float64{"h[H1].s": {f(0.5), f(0.7)}}},
		{"long curve at its end", `{"r": [0,0,0,0,0,0,0,0,0,0.5]}`, `{"r": [0,0,0,0,0,0,0,0,0.1,0.6]}`,
			map[string][2]*float64{"r[last]": {f(0.5), f(0.6)}}},
		{"bools and nulls", `{"ok": true, "n": null}`, `{"ok": false, "n": 3}`, map[string][2]*float64{"ok": {f(1), f(0)}, "n": {nil, f(3)}}},
		{"empty", ``, `{"x": 1}`, map[string][2]*float64{"x": {nil, f(1)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := diffResults(json.RawMessage(tt.a), json.RawMessage(tt.b))
			if len(got) != len(tt.want) {
				t.Fatalf("diff %+v, want %d entries", got, len(tt.want))
			}
			for _, e := range got {
				w, ok := tt.want[e.Path]
				if !ok || !eqp(e.A, w[0]) || !eqp(e.B, w[1]) {
					t.Errorf("entry %s: a=%v b=%v", e.Path, val(e.A), val(e.B))
				}
				if e.A != nil && e.B != nil && (e.Delta == nil || *e.Delta != *e.B-*e.A) {
					t.Errorf("entry %s: delta %v", e.Path, val(e.Delta))
				}
			}
		})
	}
}

func f(x float64) *float64 { return &x }

func eqp(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func val(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// FuzzDiffResults: any pair of inputs, JSON or not, gives a diff without
// panicking, and a result compared with itself has no differences.
func FuzzDiffResults(f *testing.F) {
	f.Add([]byte(`{"profiles": {"b": {"absorb": {"war": {"mean": 0.2}}}}, "hypotheses": [{"id": "H1", "holds_share": 0.4}]}`), []byte(`{"x": [1, 2, 3]}`))
	f.Add([]byte(`[1, {"id": 5}, "s", null]`), []byte(`not json`))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		diffResults(a, b)
		var v any
		if json.Unmarshal(a, &v) == nil {
			if d := diffResults(a, a); len(d) != 0 {
				// NaN cannot come from JSON, so every number equals itself.
				t.Fatalf("a result differs from itself: %+v", d)
			}
		}
	})
}

func TestNaturalLess(t *testing.T) {
	sorted := []string{"H1", "H2", "H9", "H10", "H11", "H100", "a", "a0", "a00", "a1", "b[2].x", "b[10].x", "x"}
	for i := range sorted {
		for j := range sorted {
			if got := naturalLess(sorted[i], sorted[j]); got != (i < j) {
				t.Errorf("naturalLess(%q, %q) = %v", sorted[i], sorted[j], got)
			}
		}
	}
}

func TestVerdictFlipsAndLargestChanges(t *testing.T) {
	a := json.RawMessage(`{"hypotheses": [
		{"id": "H10", "claim": "ten", "verdict": "supported", "holds_share": 0.95},
		{"id": "H2", "claim": "two", "verdict": "supported", "holds_share": 0.92},
		{"id": "H1", "claim": "one", "verdict": "uncertain", "holds_share": 0.5},
		{"id": "H3", "claim": "gone", "verdict": "rejected", "holds_share": 0}],
		"profiles": {"p": {"endings": {"war": {"within_horizon": {"mean": 0.1}}}, "value": {"A": {"total": {"mean": 3}}}}}}`)
	b := json.RawMessage(`{"hypotheses": [
		{"id": "H1", "claim": "one", "verdict": "uncertain", "holds_share": 0.6},
		{"id": "H2", "claim": "two", "verdict": "uncertain", "holds_share": 0.7},
		{"id": "H10", "claim": "ten", "verdict": "rejected", "holds_share": 0.05},
		{"id": "H4", "claim": "new", "verdict": "supported", "holds_share": 1}],
		"profiles": {"p": {"endings": {"war": {"within_horizon": {"mean": 0.4}}}, "value": {"A": {"total": {"mean": 2.95}}}}}}`)
	flips := verdictFlips(a, b)
	var got []string
	for _, f := range flips {
		got = append(got, f.ID+":"+f.A+">"+f.B)
	}
	want := "H2:supported>uncertain H3:rejected> H4:>supported H10:supported>rejected"
	if strings.Join(got, " ") != want {
		t.Fatalf("flips %q, want %q", strings.Join(got, " "), want)
	}
	// An update's verdict is its posterior one.
	up := json.RawMessage(`{"hypotheses": [
		{"id": "H1", "claim": "one", "prior_verdict": "uncertain", "prior_share": 0.5, "posterior_verdict": "supported", "posterior_share": 0.93},
		{"id": "H2", "claim": "two", "prior_verdict": "supported", "prior_share": 0.92, "posterior_verdict": "supported", "posterior_share": 0.91}]}`)
	got = nil
	for _, f := range verdictFlips(a, up) {
		got = append(got, f.ID+":"+f.A+">"+f.B)
	}
	if want := "H1:uncertain>supported H3:rejected> H10:supported>"; strings.Join(got, " ") != want {
		t.Fatalf("flips against an update %q, want %q", strings.Join(got, " "), want)
	}
	// A verdict not settled by its subsample reads with the two it lies
	// between; the same "not settled" between other verdicts is a change.
	sa := json.RawMessage(`{"hypotheses": [
		{"id": "H1", "verdict": "uncertain", "holds_share": 0.6},
		{"id": "H2", "verdict": "unsettled", "verdict_between": ["uncertain", "supported"], "holds_share": 0.9},
		{"id": "H3", "verdict": "unsettled", "verdict_between": ["rejected", "uncertain"], "holds_share": 0.1}]}`)
	sb := json.RawMessage(`{"hypotheses": [
		{"id": "H1", "verdict": "unsettled", "verdict_between": ["uncertain", "supported"], "holds_share": 0.8},
		{"id": "H2", "verdict": "unsettled", "verdict_between": ["uncertain", "supported"], "holds_share": 0.85},
		{"id": "H3", "verdict": "unsettled", "verdict_between": ["uncertain", "supported"], "holds_share": 0.5}]}`)
	got = nil
	for _, f := range verdictFlips(sa, sb) {
		got = append(got, fmt.Sprintf("%s:%s%v>%s%v", f.ID, f.A, f.BetweenA, f.B, f.BetweenB))
	}
	if want := "H1:uncertain[]>unsettled[uncertain supported] H3:unsettled[rejected uncertain]>unsettled[uncertain supported]"; strings.Join(got, " ") != want {
		t.Fatalf("flips with unsettled verdicts %q, want %q", strings.Join(got, " "), want)
	}
	// The value moved by 0.05 and the ending by 0.3: endings come first
	// anyway, values after, each group by size.
	largest := largestChanges(diffResults(a, b), 5)
	if len(largest) != 2 || largest[0].Path != "profiles.p.endings.war.within_horizon.mean" || largest[1].Path != "profiles.p.value.A.total.mean" {
		t.Fatalf("largest changes %+v", largest)
	}
	bigValue := json.RawMessage(`{"profiles": {"p": {"endings": {"war": {"within_horizon": {"mean": 0.1}}}, "value": {"A": {"total": {"mean": 30}}}}}}`)
	if l := largestChanges(diffResults(a, bigValue), 5); len(l) != 1 || l[0].Path != "profiles.p.value.A.total.mean" {
		t.Fatalf("largest changes with only a value changed: %+v", l)
	}
	diff := diffResults(a, b)
	var paths []string
	for _, d := range diff {
		if strings.HasPrefix(d.Path, "hypotheses[") {
			paths = append(paths, d.Path[:strings.Index(d.Path, "]")+1])
		}
	}
	if !sort.SliceIsSorted(paths, func(i, j int) bool { return naturalLess(paths[i], paths[j]) }) || paths[0] != "hypotheses[H1]" {
		t.Fatalf("diff not in natural order: %q", paths)
	}
}

func TestDiffScenarios(t *testing.T) {
	a := `truce: 1
# a comment that stays
horizon: 26
parameters:
  p_deal: {dist: uniform, min: 0.05, max: 0.2}
  war_cost: 8
transitions:
  - from: truce
    when: {B: talk}
    to: {deal: p_deal}
  - from: strikes
    to: {truce: 0.5}
hypotheses:
  - {id: H1, claim: x, expr: "1 > 0"}
`
	b := strings.NewReplacer("max: 0.2", "max: 0.3", "to: {truce: 0.5}", "to: {truce: 0.4}", "horizon: 26", "horizon: 52").Replace(a) +
		"  - {id: H2, claim: y, expr: \"2 > 0\"}\n"
	b = strings.Replace(b, "  war_cost: 8\n", "", 1)
	d := diffScenarios(a, b)
	var got []string
	for _, c := range d.Changes {
		got = append(got, c.Section+"/"+c.Item+"/"+c.Change+": "+c.A+" → "+c.B)
	}
	want := []string{
		"parameters/p_deal/changed: {dist: uniform, min: 0.05, max: 0.2} → {dist: uniform, min: 0.05, max: 0.3}",
		"parameters/war_cost/removed: 8 → ",
		"horizon//changed: 26 → 52",
		"transitions/from strikes/changed: {from: strikes, to: {truce: 0.5}} → {from: strikes, to: {truce: 0.4}}",
		// y is text in YAML 1.2 (the scenario reader's), so it needs no quotes.
		"hypotheses/H2/added:  → {id: H2, claim: y, expr: 2 > 0}",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var minus, plus []string
	for _, l := range d.Lines {
		switch l.Op {
		case "-":
			minus = append(minus, l.Text)
		case "+":
			plus = append(plus, l.Text)
		}
	}
	if len(minus) != 4 || len(plus) != 4 || minus[0] != "horizon: 26" || plus[0] != "horizon: 52" {
		t.Fatalf("line diff -%q +%q", minus, plus)
	}
	if same := diffScenarios(a, a); !same.Same || len(same.Changes) != 0 || len(same.Lines) != 0 {
		t.Fatalf("a scenario against itself: %+v", same)
	}
	// Texts that YAML 1.2 would read as something else keep their quotes;
	// aliases are shown as written, not expanded (an alias bomb costs
	// nothing); a long value is cut at 240 bytes.
	c := diffScenarios("x: &a [1]\ny: a\n", "x: &a [1]\ny: {p: \"true\", q: '1.5', r: 'a: b', s: *a, t: '', u: null, v: ~}\nz: ["+strings.Repeat("1, ", 200)+"1]\n")
	if len(c.Changes) != 2 || c.Changes[0].B != `{p: "true", q: "1.5", r: "a: b", s: *a, t: "", u: null, v: null}` ||
		len(c.Changes[1].B) != 240+len("…") || !strings.HasSuffix(c.Changes[1].B, "…") {
		t.Fatalf("quoting, aliases, cut: %+v", c.Changes)
	}
	// Not YAML at all: one change, and still a line diff.
	if d := diffScenarios("a: [", "b: ]"); len(d.Changes) != 1 || d.Changes[0].Section != "text" || len(d.Lines) != 2 {
		t.Fatalf("non-YAML: %+v", d)
	}
}
