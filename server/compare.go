package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/truce-dev/truce/scenario"
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
// in full. Entries come in natural order of their paths (H2 before H10).
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
	sort.Slice(out, func(i, j int) bool { return naturalLess(out[i].Path, out[j].Path) })
	return out
}

// naturalLess orders strings with their runs of digits compared as
// numbers: H2 before H10, draws[9] before draws[10].
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			if da != db { // equal values: fewer leading zeros first
				return da < db
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digitRun(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// verdictFlip is a hypothesis whose verdict differs between two runs.
type verdictFlip struct {
	ID     string   `json:"id"`
	Claim  string   `json:"claim"`
	A      string   `json:"a"` // verdict in run A ("" when A lacks it)
	B      string   `json:"b"`
	ShareA *float64 `json:"share_a"`
	ShareB *float64 `json:"share_b"`
	// A verdict "unsettled" (a hypothesis with draws: whose interval spans
	// two verdicts) comes with the two it lies between.
	BetweenA []string `json:"between_a,omitempty"`
	BetweenB []string `json:"between_b,omitempty"`
}

// verdictFlips lists the hypotheses whose verdict changed, in natural
// order of their ids. A hypothesis only one run has counts as a flip from
// or to "". An update's verdict is its posterior one (given the record),
// so two updates, or an analysis and an update, compare what each
// concluded.
func verdictFlips(a, b json.RawMessage) []verdictFlip {
	type hyp struct {
		ID               string   `json:"id"`
		Claim            string   `json:"claim"`
		Verdict          string   `json:"verdict"`
		HoldsShare       *float64 `json:"holds_share"`
		Between          []string `json:"verdict_between"`
		PosteriorVerdict string   `json:"posterior_verdict"`
		PosteriorShare   *float64 `json:"posterior_share"`
		Subsample        *struct {
			PosteriorBetween []string `json:"posterior_verdict_between"`
		} `json:"subsample"`
	}
	read := func(raw json.RawMessage) map[string]hyp {
		var r struct {
			Hypotheses []hyp `json:"hypotheses"`
		}
		json.Unmarshal(raw, &r)
		m := map[string]hyp{}
		for _, h := range r.Hypotheses {
			if h.Verdict == "" && h.PosteriorVerdict != "" {
				h.Verdict, h.HoldsShare, h.Between = h.PosteriorVerdict, h.PosteriorShare, nil
				if h.Subsample != nil {
					h.Between = h.Subsample.PosteriorBetween
				}
			}
			m[h.ID] = h
		}
		return m
	}
	ha, hb := read(a), read(b)
	out := []verdictFlip{}
	for id, x := range ha {
		y, ok := hb[id]
		if !ok || x.Verdict != y.Verdict || (x.Verdict == scenario.Unsettled && !slices.Equal(x.Between, y.Between)) {
			out = append(out, verdictFlip{ID: id, Claim: x.Claim, A: x.Verdict, B: y.Verdict, ShareA: x.HoldsShare, ShareB: y.HoldsShare,
				BetweenA: x.Between, BetweenB: y.Between})
		}
	}
	for id, y := range hb {
		if _, ok := ha[id]; !ok {
			out = append(out, verdictFlip{ID: id, Claim: y.Claim, B: y.Verdict, ShareB: y.HoldsShare, BetweenB: y.Between})
		}
	}
	sort.Slice(out, func(i, j int) bool { return naturalLess(out[i].ID, out[j].ID) })
	return out
}

// equilibriumChange is, for one stability concept, the states that are
// equilibria in run B and not in A (Gained) and the reverse (Lost).
type equilibriumChange struct {
	Concept string   `json:"concept"`
	Gained  []uint64 `json:"gained"`
	Lost    []uint64 `json:"lost"`
}

// equilibriumChanges compares the equilibria of two gmcr results, concept
// by concept in the order of run A's concepts; nil unless both are gmcr
// results.
func equilibriumChanges(a, b json.RawMessage) []equilibriumChange {
	type res struct {
		Kind       string `json:"kind"`
		Concepts   []string
		Equilibria map[string][]struct {
			Code uint64 `json:"code"`
		} `json:"equilibria"`
	}
	var ra, rb res
	if json.Unmarshal(a, &ra) != nil || json.Unmarshal(b, &rb) != nil || ra.Kind != "graph-model" || rb.Kind != "graph-model" {
		return nil
	}
	set := func(r res, k string) map[uint64]bool {
		m := map[uint64]bool{}
		for _, s := range r.Equilibria[k] {
			m[s.Code] = true
		}
		return m
	}
	diff := func(x, y map[uint64]bool) []uint64 {
		out := []uint64{}
		for c := range x {
			if !y[c] {
				out = append(out, c)
			}
		}
		slices.Sort(out)
		return out
	}
	out := []equilibriumChange{}
	for _, k := range ra.Concepts {
		ea, eb := set(ra, k), set(rb, k)
		if c := (equilibriumChange{Concept: k, Gained: diff(eb, ea), Lost: diff(ea, eb)}); len(c.Gained)+len(c.Lost) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// recordSummary says how two observed records differ: their rows, and the
// first line where they part.
func recordSummary(a, b string) (string, string) {
	rows := func(s string) int {
		n := 0
		for _, l := range strings.Split(s, "\n") {
			if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
				n++
			}
		}
		return max(n-1, 0) // the header
	}
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	i := 0
	for i < len(la) && i < len(lb) && la[i] == lb[i] {
		i++
	}
	where := fmt.Sprintf(" (they differ from line %d)", i+1)
	if a == "" || b == "" {
		where = ""
	}
	sa, sb := fmt.Sprintf("%d rows", rows(a)), fmt.Sprintf("%d rows", rows(b))
	if a == "" {
		sa = ""
	}
	if b == "" {
		sb = ""
	}
	return sa, sb + where
}

// largestChanges picks from diff the changes in ending probabilities
// (endings and unresolved shares) and in values, the figures an analyst
// reads first: the n largest of each, endings first, each group largest
// first. The two are kept apart because a probability and a utility are
// not on one scale.
func largestChanges(diff []diffEntry, n int) []diffEntry {
	var endings, values []diffEntry
	for _, d := range diff {
		if d.Delta == nil || !strings.HasSuffix(d.Path, ".mean") {
			continue
		}
		switch {
		case strings.Contains(d.Path, ".endings.") || strings.Contains(d.Path, ".unresolved."):
			endings = append(endings, d)
		case strings.Contains(d.Path, ".value."):
			values = append(values, d)
		}
	}
	largest := func(xs []diffEntry) []diffEntry {
		sort.SliceStable(xs, func(i, j int) bool {
			ai, aj := math.Abs(*xs[i].Delta), math.Abs(*xs[j].Delta)
			if ai != aj {
				return ai > aj
			}
			return naturalLess(xs[i].Path, xs[j].Path)
		})
		return xs[:min(n, len(xs))]
	}
	return append(largest(endings), largest(values)...)
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

var summaryTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Parse(`<!DOCTYPE html>
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
})

// summaryReport is the report of a run when the runner has no richer one:
// the run's facts, its hypotheses and its full result, in one HTML file.
func summaryReport(run store.Run) []byte {
	var parsed struct {
		Hypotheses []struct {
			ID         string   `json:"id"`
			Claim      string   `json:"claim"`
			HoldsShare *float64 `json:"holds_share"`
			Verdict    string   `json:"verdict"`
			// An update's: before and after the record.
			PriorShare       *float64 `json:"prior_share"`
			PriorVerdict     string   `json:"prior_verdict"`
			PosteriorShare   *float64 `json:"posterior_share"`
			PosteriorVerdict string   `json:"posterior_verdict"`
		} `json:"hypotheses"`
	}
	json.Unmarshal(run.Result, &parsed)
	type hyp struct{ ID, Claim, Share, Verdict string }
	var hyps []hyp
	for _, h := range parsed.Hypotheses {
		share := ""
		verdict := h.Verdict
		switch {
		case h.HoldsShare != nil:
			share = fmt.Sprintf("%.3f", *h.HoldsShare)
		case h.PriorShare != nil && h.PosteriorShare != nil:
			share = fmt.Sprintf("%.3f implied by the assumptions, %.3f given the record", *h.PriorShare, *h.PosteriorShare)
			verdict = h.PriorVerdict + " → " + h.PosteriorVerdict
		}
		hyps = append(hyps, hyp{h.ID, h.Claim, share, verdict})
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, run.Result, "", "  ") != nil {
		pretty.Reset()
		pretty.Write(run.Result)
	}
	var b bytes.Buffer
	summaryTemplate().Execute(&b, map[string]any{"Run": run, "Hypotheses": hyps, "Result": pretty.String()})
	return b.Bytes()
}
