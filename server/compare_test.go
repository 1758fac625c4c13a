package server

import (
	"encoding/json"
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
