package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/truce-dev/truce/server"
)

// TestBrowserGmcrUpdateForecasts drives the lenses beside the scenario
// runs: a graph-model conflict typed into the editor runs as gmcr and opens
// on its equilibria, the status quo and the improvement graph (exported as
// SVG), with the stability of every state in a section; an update with the
// example's record shows the verdicts before and after it; and the forecast
// ledger's page shows each source's scores and its reliability diagram.
// Every page passes axe-core and fits 360 px.
func TestBrowserGmcrUpdateForecasts(t *testing.T) {
	if testing.Short() {
		t.Skip("drives headless chromium")
	}
	ctx := context.Background()
	prisoners := server.Example{Name: "prisoners", YAML: readExample(t, "../examples/gmcr/prisoners.yaml")}
	usIran := server.Example{Name: "us-iran-graph-model", YAML: readExample(t, "../examples/gmcr/us-iran.yaml")}
	st, hs := workbenchServer(t, server.Config{Examples: []server.Example{standoffExample(t), prisoners, exampleNamed(t, "truce-watch")}})
	plantLedger(t, st)

	b := newBrowser(t)
	tab := b.root
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	downloads := allowDownloads(t, tab)

	// The conflict in the editor: validated as a conflict, run as gmcr.
	step(t, tab, "open the page", chromedp.Navigate(hs.URL+"/"), chromedp.WaitVisible(css(`body[data-ready="1"]`)))
	poll(t, tab, "the scenario example loaded", `truce.settled() && !!truce.outline()`)
	step(t, tab, "load the conflict", chromedp.Evaluate[chromedp.Void](`void truce.loadExample("prisoners")`))
	poll(t, tab, "the conflict checked valid and the kind set to gmcr", `truce.settled() && truce.getText() === `+jsString(prisoners.YAML)+
		` && !!document.querySelector('#validity.valid') && document.querySelector('#kind').value === 'gmcr' && !!document.querySelector('#sanctions').offsetParent && !document.querySelector('#draws').offsetParent && !document.querySelector('#seed').offsetParent`)
	step(t, tab, "run gmcr", chromedp.Click(css(`#run-btn`)), chromedp.WaitVisible(css(`#run-status.status-done`)), chromedp.WaitVisible(css(`#gmcr-equilibria`)))
	pdRun := strings.TrimPrefix(eval[string](t, tab, `location.pathname`), "/runs/")
	eq := eval[map[string][]string](t, tab, `Object.fromEntries([...document.querySelectorAll('#gmcr-equilibria tbody tr')].map(r =>
		[r.dataset.concept, [...r.querySelectorAll('li')].map(l => l.dataset.code)]))`)
	want := map[string]string{"nash": "0", "gmr": "0,3", "smr": "0,3", "seq": "0,3"}
	for k, w := range want {
		if got := strings.Join(eq[k], ","); got != w {
			t.Errorf("%s equilibria on the page: %q, want %q (hand-checked)", k, got, w)
		}
	}
	if why := eval[string](t, tab, `document.querySelector('.gmcr-why').textContent`); !strings.Contains(why, "A: stable under Nash, GMR, SMR, SEQ") {
		t.Errorf("why the status quo is stable: %q", why)
	}
	if p := eval[string](t, tab, `document.querySelector('.gmcr-paths li[data-code="3"]').textContent`); !strings.Contains(p, "reachable only through a move its mover does not prefer in 2 moves") {
		t.Errorf("path to mutual cooperation: %q", p)
	}
	step(t, tab, "open the stability table", chromedp.Click(css(`#s-gmcr-stability > summary`)), chromedp.WaitVisible(css(`#gmcr-stability`)))
	if row := eval[[]string](t, tab, `[...document.querySelectorAll('#gmcr-stability tr[data-code="3"] td')].map(c => c.textContent)`); strings.Join(row, "|") != "A: cooperate_a; B: cooperate_b|2|2|× A, B|E|E|E" {
		t.Errorf("state 3's row: %q", row)
	}
	snap(t, tab, "gmcr-prisoners")
	checkA11y(t, tab, "a gmcr run")

	// The US–Iran conflict by the API, opened by its link: the graph on
	// the page is the one in the result.
	id := runToEnd(t, st, hs.URL, map[string]any{"kind": "gmcr", "yaml": usIran.YAML, "name": "us-iran"})
	step(t, tab, "open the US–Iran gmcr run", chromedp.Navigate(hs.URL+"/runs/"+id), chromedp.WaitVisible(css(`#chart-gmcr-graph svg`)))
	run, err := st.GetRun(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		StatusQuo struct {
			Graph struct {
				Nodes []struct{ Code uint64 }
				Edges []struct {
					DM       string
					From, To uint64
				}
			}
		} `json:"status_quo"`
	}
	if err := json.Unmarshal(run.Result, &res); err != nil {
		t.Fatal(err)
	}
	g := res.StatusQuo.Graph
	if len(g.Edges) == 0 {
		t.Fatal("the US–Iran conflict has no improvement from its status quo; the test needs one")
	}
	drawn := eval[[]int](t, tab, `[document.querySelectorAll('#chart-gmcr-graph g.gmcr-node').length, document.querySelectorAll('#chart-gmcr-graph .gmcr-edge').length]`)
	if drawn[0] != len(g.Nodes) || drawn[1] != len(g.Edges) {
		t.Errorf("the graph draws %d states and %d arrows; the result has %d and %d", drawn[0], drawn[1], len(g.Nodes), len(g.Edges))
	}
	snap(t, tab, "gmcr-us-iran")
	step(t, tab, "export the graph as SVG and CSV", chromedp.Click(css(`#chart-gmcr-graph button[data-export="svg"]`)), chromedp.Click(css(`#chart-gmcr-graph button[data-export="csv"]`)))
	if s := string(waitFile(t, downloads, "gmcr-graph.svg")); !strings.HasPrefix(s, "<svg") || strings.Count(s, `class="gmcr-node"`) != len(g.Nodes) {
		t.Errorf("exported graph: %.300q", s)
	}
	if csv := strings.Split(strings.TrimSpace(string(waitFile(t, downloads, "gmcr-graph.csv"))), "\n"); len(csv) != len(g.Edges)+1 || csv[0] != "dm,from,to,change" {
		t.Errorf("exported edges: %q", csv)
	}

	// The bridge: the conflict compared with a scenario saved in the
	// workbench, chosen in the run form (the path in its bridge: section is
	// never opened); the page shows the comparison the result holds.
	saved, err := st.CreateScenario(ctx, "us-iran-2026", readExample(t, "../scenarios/us-iran-2026.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	bridged := readExample(t, "../examples/gmcr/us-iran-bridge.yaml")
	step(t, tab, "back to the editor for the bridge", chromedp.Navigate(hs.URL+"/"), chromedp.WaitVisible(css(`body[data-ready="1"]`)))
	poll(t, tab, "the saved scenario offered as a bridge", `[...document.querySelectorAll('#bridge option')].some(o => o.value === `+jsString(saved.ID)+`)`)
	step(t, tab, "type the bridged conflict", chromedp.Evaluate[chromedp.Void](`void truce.setText(`+jsString(bridged)+`)`))
	poll(t, tab, "the bridged conflict checked, with the bridge choice shown", `truce.settled() && document.querySelector('#kind').value === 'gmcr' && !!document.querySelector('#bridge').offsetParent`)
	step(t, tab, "choose the saved scenario and run", chromedp.SetValue(css(`#bridge`), saved.ID), chromedp.Click(css(`#run-btn`)),
		chromedp.WaitVisible(css(`#run-status.status-done`)), chromedp.WaitVisible(css(`#gmcr-bridge`)))
	bridgeRun, err := st.GetRun(ctx, strings.TrimPrefix(eval[string](t, tab, `location.pathname`), "/runs/"))
	if err != nil {
		t.Fatal(err)
	}
	var bres struct {
		Bridge struct {
			Verdicts []struct{ State string }
			Findings []struct{ Kind, Text string }
		}
	}
	if err := json.Unmarshal(bridgeRun.Result, &bres); err != nil {
		t.Fatal(err)
	}
	rows := eval[[]string](t, tab, `[...document.querySelectorAll('#gmcr-bridge tbody tr')].map(r => r.dataset.state)`)
	finds := eval[[]string](t, tab, `[...document.querySelectorAll('.gmcr-findings li')].map(l => l.textContent)`)
	if len(rows) != len(bres.Bridge.Verdicts) || len(rows) == 0 || len(finds) != len(bres.Bridge.Findings) {
		t.Errorf("the page shows %d verdicts and %d findings; the result has %+v", len(rows), len(finds), bres.Bridge)
	}
	for i, f := range bres.Bridge.Findings {
		if i < len(finds) && finds[i] != f.Kind+": "+f.Text {
			t.Errorf("finding %d on the page %q, in the result %q", i, finds[i], f.Kind+": "+f.Text)
		}
	}
	if n := eval[int](t, tab, `document.querySelectorAll('.gmcr-unmapped li').length`); n == 0 {
		t.Error("the page does not say which scenario states the conflict leaves out")
	}
	checkA11y(t, tab, "a bridged gmcr run")

	// Two gmcr runs compared: the equilibria that changed come first.
	selfish := strings.Replace(prisoners.YAML, `priorities: [cooperate_b, "!cooperate_a"]`, `priorities: ["!cooperate_a", cooperate_b]`, 1)
	idSelfish := runToEnd(t, st, hs.URL, map[string]any{"kind": "gmcr", "yaml": selfish, "name": "prisoners"})
	step(t, tab, "compare the two conflicts", chromedp.Navigate(hs.URL+"/compare?a="+pdRun+"&b="+idSelfish), chromedp.WaitVisible(css(`#equilibrium-changes`)))
	if got := eval[string](t, tab, `[...document.querySelectorAll('#compare-body section')][0].id + ': ' + [...document.querySelectorAll('#equilibrium-changes li.flip')].map(l => l.textContent).join('; ')`); got != "equilibrium-changes: GMR: no longer 3; SMR: no longer 3; SEQ: no longer 3" {
		t.Errorf("the comparison opens with %q", got)
	}
	if txt := eval[string](t, tab, `document.querySelector('#compare-body').textContent`); strings.Contains(txt, "changes in endings") || strings.Contains(txt, "null") {
		t.Errorf("a comparison of conflicts speaks of endings: %.300q", txt)
	}
	checkA11y(t, tab, "a comparison of two conflicts")

	// An update: the example's record is loaded with it; the verdicts
	// before and after the record, the profiles, where it is now.
	step(t, tab, "back to the editor", chromedp.Navigate(hs.URL+"/"), chromedp.WaitVisible(css(`body[data-ready="1"]`)))
	step(t, tab, "load the watched truce", chromedp.Evaluate[chromedp.Void](`void truce.loadExample("truce-watch")`))
	poll(t, tab, "the scenario and its record loaded", `truce.settled() && !!truce.outline() && document.querySelector('#record').value.startsWith('# What the news showed')`)
	step(t, tab, "choose update", chromedp.Evaluate[chromedp.Void](`void (() => {
		for (const [id, v] of [['kind', 'update'], ['draws', '300'], ['seed', '3']]) {
			const e = document.querySelector('#' + id); e.value = v; e.dispatchEvent(new Event('change')); }
	})()`), chromedp.WaitVisible(css(`#record`)), chromedp.Click(css(`#run-btn`)), chromedp.WaitVisible(css(`#run-status.status-done`)), chromedp.WaitVisible(css(`#posterior-hypotheses`)))
	h2 := eval[[]string](t, tab, `[...document.querySelectorAll('#posterior-hypotheses tr[data-hypothesis="H2"] td')].map(c => c.textContent)`)
	if len(h2) != 4 || h2[2] != "uncertain (in 56% of draws)" || !strings.HasPrefix(h2[3], "uncertain (14% of the posterior)") {
		t.Errorf("H2 before and after the record: %q", h2)
	}
	if head := eval[string](t, tab, `document.querySelector('#posterior-hypotheses thead').textContent`); !strings.Contains(head, "given the record to 2026-06-29") || !strings.Contains(head, "implied by the assumptions") {
		t.Errorf("the verdicts' headings: %q", head)
	}
	if n := eval[int](t, tab, `document.querySelectorAll('#profile-evidence tbody tr').length + document.querySelectorAll('#chart-now g.bar').length * 10`); n != 2+4*10 {
		t.Errorf("%d profiles and %d states now, want 2 and 4", n%10, n/10)
	}
	if rec := eval[string](t, tab, `[...document.querySelectorAll('.run-settings dd')].map(e => e.textContent).join("|")`); !strings.Contains(rec, "|26 rows|") {
		t.Errorf("the run's settings: %q, want the record's 26 rows", rec)
	}
	snap(t, tab, "update")
	checkA11y(t, tab, "an update run")

	// An analysis of a scenario with a history says how probable the
	// model found it.
	idAn := runToEnd(t, st, hs.URL, map[string]any{"kind": "analyze", "yaml": exampleNamed(t, "truce-watch").YAML, "name": "truce-watch", "params": map[string]any{"draws": 50, "seed": 1}})
	step(t, tab, "open the analysis", chromedp.Navigate(hs.URL+"/runs/"+idAn), chromedp.WaitVisible(css(`#retrodiction`)))
	if n := eval[int](t, tab, `document.querySelectorAll('#retrodiction tbody tr').length`); n != 2 {
		t.Errorf("the dated past: %d profiles, want 2", n)
	}

	// The forecast ledger: scores per source and the reliability diagram.
	step(t, tab, "open the forecasts", chromedp.Navigate(hs.URL+"/forecasts?scenario=s"), chromedp.WaitVisible(css(`#scores-table`)))
	scores := eval[[]string](t, tab, `[...document.querySelectorAll('#scores-table tr[data-source="model"] td')].map(c => c.textContent)`)
	// By hand: (0.2² + 0.3² + 0.15²) / 3 = 0.0508.
	if len(scores) < 2 || scores[0] != "3" || scores[1] != "0.0508" {
		t.Errorf("model's scores: %q, want 3 resolved and Brier 0.0508", scores)
	}
	if n := eval[int](t, tab, `document.querySelectorAll('#chart-reliability .rel-point').length`); n != 4 {
		t.Errorf("%d points in the reliability diagram, want 4 (3 bins of the model, 1 of the analyst)", n)
	}
	if n := eval[int](t, tab, `document.querySelectorAll('#ledger-table tbody tr').length`); n != 5 {
		t.Errorf("%d forecasts in the ledger of s, want 5", n)
	}
	snap(t, tab, "forecasts")
	checkA11y(t, tab, "the forecasts page")

	// 360 px wide: nothing sticks out sideways.
	narrow := b.newTab("narrow")
	if _, err := chromedp.Call(narrow, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 360, Height: 780, DeviceScaleFactor: 1, Mobile: true}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct{ path, ready string }{{"/runs/" + id, `#chart-gmcr-graph svg`}, {"/forecasts?scenario=s", `#chart-reliability svg`}} {
		step(t, narrow, "open "+u.path+" at 360 px", chromedp.Navigate(hs.URL+u.path), chromedp.WaitVisible(css(u.ready)))
		if w := eval[[]int](t, narrow, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
			t.Errorf("%s at 360 px: the page is %d px wide", u.path, w[0])
		}
	}
}
