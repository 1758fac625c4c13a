package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"sort"
	"strconv"

	"github.com/truce-dev/truce/store"
)

// diffEntry is one number of a result that differs between two runs, or
// that only one run has (the other side is then null).
type diffEntry struct {
	Path  string   `json:"path"`
	A     *float64 `json:"a"`
	B     *float64 `json:"b"`
	Delta *float64 `json:"delta,omitempty"`
}

// diffResults compares the numbers of two JSON results leaf by leaf. Arrays
// of objects with an "id" field (hypotheses) are matched by id, not by
// position, so reordering does not show as change; long numeric arrays
// (reach curves) are compared at their last element, which the UI charts
// in full.
func diffResults(a, b json.RawMessage) []diffEntry {
	fa, fb := map[string]float64{}, map[string]float64{}
	var va, vb any
	if len(a) > 0 {
		json.Unmarshal(a, &va)
	}
	if len(b) > 0 {
		json.Unmarshal(b, &vb)
	}
	flatten("", va, fa)
	flatten("", vb, fb)
	keys := map[string]bool{}
	for k := range fa {
		keys[k] = true
	}
	for k := range fb {
		keys[k] = true
	}
	out := []diffEntry{}
	for k := range keys {
		x, okA := fa[k]
		y, okB := fb[k]
		if okA && okB && (x == y || math.Abs(x-y) <= 1e-12*math.Max(math.Abs(x), math.Abs(y))) {
			continue
		}
		e := diffEntry{Path: k}
		if okA {
			e.A = &x
		}
		if okB {
			e.B = &y
		}
		if okA && okB {
			d := y - x
			e.Delta = &d
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func flatten(prefix string, v any, out map[string]float64) {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch x := v.(type) {
	case float64:
		out[prefix] = x
	case bool:
		if x {
			out[prefix] = 1
		} else {
			out[prefix] = 0
		}
	case map[string]any:
		for k, e := range x {
			flatten(join(k), e, out)
		}
	case []any:
		if len(x) > 8 && allNumbers(x) {
			out[prefix+"[last]"] = x[len(x)-1].(float64)
			return
		}
		for i, e := range x {
			key := prefix + "[" + strconv.Itoa(i) + "]"
			if m, ok := e.(map[string]any); ok {
				if id, ok := m["id"].(string); ok {
					key = prefix + "[" + id + "]"
				}
			}
			flatten(key, e, out)
		}
	}
}

func allNumbers(x []any) bool {
	for _, e := range x {
		if _, ok := e.(float64); !ok {
			return false
		}
	}
	return true
}

var summaryTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>truce {{.Run.Kind}} run {{.Run.ID}}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2433}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccd;padding:.25rem .6rem;text-align:left}
pre{background:#f4f5f8;padding:1rem;overflow:auto;font-size:13px}
</style></head><body>
<h1>truce {{.Run.Kind}}: {{if .Run.ScenarioName}}{{.Run.ScenarioName}}{{else}}scenario{{end}}</h1>
<table>
<tr><th>Run</th><td>{{.Run.ID}}</td></tr>
<tr><th>Status</th><td>{{.Run.Status}}</td></tr>
<tr><th>Started</th><td>{{.Run.CreatedAt.Format "2006-01-02 15:04:05 UTC"}}</td></tr>
<tr><th>Parameters</th><td><code>{{printf "%s" .Run.Params}}</code></td></tr>
</table>
{{if .Hypotheses}}<h2>Hypotheses</h2>
<table><tr><th>Id</th><th>Claim</th><th>Holds in share of draws</th><th>Verdict</th></tr>
{{range .Hypotheses}}<tr><td>{{.ID}}</td><td>{{.Claim}}</td><td>{{.Share}}</td><td>{{.Verdict}}</td></tr>
{{end}}</table>{{end}}
<h2>Result</h2>
<pre>{{.Result}}</pre>
<h2>Scenario</h2>
<pre>{{.Run.YAML}}</pre>
</body></html>
`))

// summaryReport is the report of a run when the runner has no richer one:
// the run's facts, its hypotheses and its full result, in one HTML file.
func summaryReport(run store.Run) []byte {
	var parsed struct {
		Hypotheses []struct {
			ID         string   `json:"id"`
			Claim      string   `json:"claim"`
			HoldsShare *float64 `json:"holds_share"`
			Verdict    string   `json:"verdict"`
		} `json:"hypotheses"`
	}
	json.Unmarshal(run.Result, &parsed)
	type hyp struct{ ID, Claim, Share, Verdict string }
	var hyps []hyp
	for _, h := range parsed.Hypotheses {
		share := ""
		if h.HoldsShare != nil {
			share = fmt.Sprintf("%.3f", *h.HoldsShare)
		}
		hyps = append(hyps, hyp{h.ID, h.Claim, share, h.Verdict})
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, run.Result, "", "  ") != nil {
		pretty.Reset()
		pretty.Write(run.Result)
	}
	var b bytes.Buffer
	summaryTemplate.Execute(&b, map[string]any{"Run": run, "Hypotheses": hyps, "Result": pretty.String()})
	return b.Bytes()
}
