package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/truce-dev/truce/internal/browsertest"
	"github.com/truce-dev/truce/server"
	"github.com/truce-dev/truce/store"
)

// checkA11y runs axe-core on the tab's page and fails the test for any
// serious or critical violation.
func checkA11y(t *testing.T, tab context.Context, page string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, 60*time.Second)
	defer cancel()
	vs, err := browsertest.Accessibility(ctx)
	if err != nil {
		t.Fatalf("accessibility check of %s: %v", page, err)
	}
	for _, v := range vs {
		t.Errorf("%s: %s", page, v)
	}
}

// snap saves a screenshot of the tab as NAME.png in the artifact directory
// when TRUCE_SCREENSHOTS is set (for looking at the pages).
func snap(t *testing.T, tab context.Context, name string) {
	t.Helper()
	if os.Getenv("TRUCE_SCREENSHOTS") == "" {
		return
	}
	ctx, cancel := context.WithTimeout(tab, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	p := filepath.Join(browsertest.ArtifactDir(), name+".png")
	if os.WriteFile(p, png, 0o644) == nil {
		t.Logf("screenshot: %s", p)
	}
}

// apiPost sends JSON to the server and decodes the answer.
func apiPost(t *testing.T, base, path string, body, out any) int {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("POST %s: %s", path, data)
		}
	}
	return resp.StatusCode
}

// runToEnd starts a job through the API and waits for its end.
func runToEnd(t *testing.T, st *store.Store, base string, req map[string]any) string {
	t.Helper()
	var j struct{ ID string }
	if code := apiPost(t, base, "/api/jobs", req, &j); code != 202 {
		t.Fatalf("start job: %d", code)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		r, err := st.GetRun(context.Background(), j.ID)
		if err == nil && store.Final(r.Status) {
			if r.Status != store.StatusDone {
				t.Fatalf("job %s ended %s: %s", j.ID, r.Status, r.Error)
			}
			return j.ID
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("job %s did not end", j.ID)
	return ""
}

// waitFile waits until a file exists in dir under name and returns it.
func waitFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil && len(b) > 0 {
			return b
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("download %s never arrived", name)
	return nil
}

// TestBrowserWorkbench drives the workbench as an analyst: answers first,
// endings that sum to 1, a parameter edited through the form and written
// into the YAML in place, the what-if analysis, chart hover and export,
// the permanent link and "run again", a comparison with a planted verdict
// flip and the parameter diff, a run deleted after confirmation, the
// layout at 360 px, and an accessibility check of every page.
func TestBrowserWorkbench(t *testing.T) {
	if testing.Short() {
		t.Skip("drives headless chromium")
	}
	ctx := context.Background()
	ex := standoffExample(t)
	st, hs := workbenchServer(t, server.Config{Examples: []server.Example{ex}})

	b := newBrowser(t)
	tab := b.root
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	downloads := allowDownloads(t, tab)

	// The editor page.
	step(t, tab, "open the page", chromedp.Navigate(hs.URL+"/"), chromedp.WaitVisible(css(`body[data-ready="1"]`)))
	poll(t, tab, "example loaded and checked", `truce.settled() && !!truce.outline()`)
	step(t, tab, "open the parameters", chromedp.Click(css(`#params-panel > summary`)), chromedp.WaitVisible(css(`fieldset[data-param="p_deal"]`)))
	snap(t, tab, "workbench-editor")
	checkA11y(t, tab, "the editor page")

	// A run to read.
	step(t, tab, "run an analysis", chromedp.Evaluate[chromedp.Void](`void (() => {
		for (const [id, v] of [['kind', 'analyze'], ['draws', '40'], ['seed', '1']]) {
			const e = document.querySelector('#' + id); e.value = v; e.dispatchEvent(new Event('change')); }
	})()`), chromedp.Click(css(`#run-btn`)), chromedp.WaitVisible(css(`#run-status.status-done`)), chromedp.WaitVisible(css(`#answers #endings-table`)))
	runA := strings.TrimPrefix(eval[string](t, tab, `location.pathname`), "/runs/")

	// Leverage: the page lists every best-response row and every
	// commitment of the run's result, as the result has them.
	step(t, tab, "open the leverage", chromedp.Click(css(`#s-leverage > summary`)), chromedp.WaitVisible(css(`[id$="leverage-responses"] tbody tr`)))
	runRec, err := st.GetRun(ctx, runA)
	if err != nil {
		t.Fatal(err)
	}
	var lvRes struct {
		Leverage struct {
			Responses []struct {
				Profile, Actor string
				ProfileValue   float64 `json:"profile_value"`
				BestValue      float64 `json:"best_value"`
				Gain           float64 `json:"gain"`
				Changes        []string
			} `json:"responses"`
			Commitments []struct {
				Leader string
				Exact  bool
			} `json:"commitments"`
		} `json:"leverage"`
	}
	if err := json.Unmarshal(runRec.Result, &lvRes); err != nil {
		t.Fatal(err)
	}
	lvRows := eval[[][]string](t, tab, `[...document.querySelectorAll('[id$="leverage-responses"] tbody tr')].map(r => [...r.children].map(c => c.textContent))`)
	if len(lvRes.Leverage.Responses) == 0 || len(lvRows) != len(lvRes.Leverage.Responses) {
		t.Fatalf("leverage: %d rows on the page, %d in the result", len(lvRows), len(lvRes.Leverage.Responses))
	}
	for i, w := range lvRes.Leverage.Responses {
		g := lvRows[i]
		changes := strings.Join(w.Changes, "")
		if len(w.Changes) == 0 {
			changes = "nowhere: already a best response"
		}
		ok := len(g) == 6 && g[0] == w.Profile && g[1] == w.Actor && g[5] == changes
		for k, x := range []float64{w.ProfileValue, w.BestValue, w.Gain} {
			if ok {
				v, err := strconv.ParseFloat(g[2+k], 64)
				ok = err == nil && math.Abs(v-x) <= 5e-4
			}
		}
		if !ok {
			t.Errorf("leverage row %d reads %q, the result has %+v", i, g, w)
		}
	}
	lvCom := eval[[][]string](t, tab, `[...document.querySelectorAll('[id$="leverage-commitments"] tbody tr')].map(r => [...r.children].map(c => c.textContent))`)
	if len(lvCom) != len(lvRes.Leverage.Commitments) || len(lvCom) != 2 {
		t.Fatalf("commitments: %d on the page, %d in the result, want 2", len(lvCom), len(lvRes.Leverage.Commitments))
	}
	for i, w := range lvRes.Leverage.Commitments {
		if lvCom[i][0] != w.Leader || strings.HasPrefix(lvCom[i][6], "heuristic") == w.Exact {
			t.Errorf("commitment row %d reads %q, the result has leader %s, exact %v", i, lvCom[i], w.Leader, w.Exact)
		}
	}
	snap(t, tab, "workbench-leverage")

	// Endings: only terminal states and "unresolved at the horizon", summing
	// to 1 for every profile, in the overview and in each profile's chart.
	step(t, tab, "open the endings", chromedp.Click(css(`#s-endings > summary`)), chromedp.WaitVisible(css(`#s-endings .chart-endings svg`)))
	var charts []struct {
		Labels []string  `json:"labels"`
		Values []float64 `json:"values"`
	}
	if err := json.Unmarshal([]byte(eval[string](t, tab, `JSON.stringify([...document.querySelectorAll('#s-endings .chart-endings svg')].map(s => ({
		labels: [...s.querySelectorAll('g.bar')].map(g => g.dataset.label), values: [...s.querySelectorAll('g.bar')].map(g => +g.dataset.value)})))`)), &charts); err != nil {
		t.Fatal(err)
	}
	if len(charts) != 2 {
		t.Fatalf("%d endings charts, want one per profile (2)", len(charts))
	}
	for i, c := range charts {
		if strings.Join(c.Labels, ",") != "deal,war,unresolved at the horizon" {
			t.Errorf("endings chart %d lists %q, want the terminal states and unresolved", i, c.Labels)
		}
		sum := 0.0
		for _, v := range c.Values {
			sum += v
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("endings chart %d sums to %.12f, want 1", i, sum)
		}
	}
	rows := eval[[]float64](t, tab, `[...document.querySelectorAll('.chart-endings-overview svg')].flatMap(s => {
		const rows = {}; for (const r of s.querySelectorAll('rect.share')) { const y = r.getAttribute('y'); rows[y] = (rows[y] || 0) + (+r.getAttribute('width')); }
		return Object.values(rows); })`)
	for i, w := range rows {
		if math.Abs(w-rows[0]) > 0.01 || w < 100 {
			t.Errorf("overview row %d is %.2f wide, row 0 %.2f: every profile's shares must fill the bar", i, w, rows[0])
		}
	}

	// Hover shows the exact value.
	box := eval[[]float64](t, tab, `(() => { const r = document.querySelector('#s-endings .chart-endings g.bar rect:nth-of-type(2)').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`)
	step(t, tab, "hover a bar", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, box[0], box[1]), chromedp.WaitVisible(css(`#chart-tip`)))
	if tip := eval[string](t, tab, `document.querySelector('#chart-tip').textContent`); !strings.Contains(tip, "deal: ") || !strings.Contains(tip, "5–95%") {
		t.Fatalf("tooltip says %q", tip)
	}

	// Export: SVG, PNG and CSV of a chart.
	for _, kind := range []string{"svg", "png", "csv"} {
		step(t, tab, "export "+kind, chromedp.Click(css(`#chart-endings-overview button[data-export="`+kind+`"]`)))
	}
	if s := string(waitFile(t, downloads, "endings-overview.svg")); !strings.HasPrefix(s, "<svg") || !strings.Contains(s, "<title>") || !strings.Contains(s, `xmlns="http://www.w3.org/2000/svg"`) {
		t.Errorf("exported SVG: %.200q", s)
	}
	if p := waitFile(t, downloads, "endings-overview.png"); !bytes.HasPrefix(p, []byte("\x89PNG\r\n\x1a\n")) || len(p) < 1000 {
		t.Errorf("exported PNG: %d bytes, %q", len(p), p[:min(8, len(p))])
	}
	csv := strings.Split(strings.TrimSpace(string(waitFile(t, downloads, "endings-overview.csv"))), "\n")
	if len(csv) != 3 || csv[0] != "row,deal,war,unresolved at the horizon" {
		t.Errorf("exported CSV: %q", csv)
	}

	// A parameter edited through the form: the number changes in place,
	// comments and layout stay, the text stays valid.
	step(t, tab, "edit p_deal's max", chromedp.Evaluate[chromedp.Void](`void (() => {
		const i = document.querySelector('fieldset[data-param="p_deal"] input[data-key="max"]'); i.value = '0.6'; i.dispatchEvent(new Event('input')); })()`))
	want := strings.Replace(ex.YAML, "p_deal: {dist: uniform, min: 0.05, max: 0.2}", "p_deal: {dist: uniform, min: 0.05, max: 0.6}", 1)
	poll(t, tab, "the YAML holds the new max, nothing else changed, and is valid", `truce.settled() && truce.getText() === `+jsString(want)+` && !!document.querySelector('#validity.valid')`)
	step(t, tab, "move p_escalate's central value to 0.5", chromedp.Evaluate[chromedp.Void](`void (() => {
		const r = document.querySelector('fieldset[data-param="p_escalate"] input[type=range]'); r.value = '0.5'; r.dispatchEvent(new Event('input')); })()`))
	want = strings.Replace(want, "p_escalate: {dist: beta, a: 2, b: 8}", "p_escalate: {dist: beta, a: 5, b: 5}", 1)
	poll(t, tab, "the slider kept a+b and moved the mean", `truce.settled() && truce.getText() === `+jsString(want))
	step(t, tab, "make war_cost uniform", chromedp.Evaluate[chromedp.Void](`void (() => {
		const s = document.querySelector('fieldset[data-param="war_cost"] select'); s.value = 'uniform'; s.dispatchEvent(new Event('change')); })()`))
	want = strings.Replace(want, "war_cost: {dist: triangular, min: 5, mode: 8, max: 15}", "war_cost: {dist: uniform, min: 5, max: 15}", 1)
	poll(t, tab, "the distribution rewritten", `truce.settled() && truce.getText() === `+jsString(want)+` && !!document.querySelector('#validity.valid')`)
	if !strings.Contains(want, "# A small standoff for trying the workbench") {
		t.Fatal("the test lost the file's comments itself")
	}

	// What if: the change at central values beside the saved run.
	step(t, tab, "what if", chromedp.Click(css(`#whatif-mode`)), chromedp.WaitVisible(css(`#whatif-table tbody tr`)))
	deal := eval[[]string](t, tab, `[...document.querySelectorAll('#whatif-table tbody tr')].filter(r => r.children[0].textContent === 'restraint' && r.children[1].textContent === 'deal')
		.flatMap(r => [...r.children].slice(2).map(c => c.textContent))`)
	if len(deal) != 4 || deal[1] == deal[2] || !strings.HasPrefix(deal[3], "+") {
		t.Fatalf("what if for restraint/deal: saved, before, after, change = %q; want a higher chance of a deal", deal)
	}
	snap(t, tab, "workbench-run")
	checkA11y(t, tab, "a run's page with the what-if")

	// The permanent link, in a new tab: its own settings, and run again.
	tab2 := b.newTab("permalink")
	step(t, tab2, "open the permanent link", chromedp.Navigate(hs.URL+"/runs/"+runA), chromedp.WaitVisible(css(`#run-status.status-done`)))
	if got := eval[string](t, tab2, `[...document.querySelectorAll('.run-settings dd')].map(e => e.textContent).join("|")`); !strings.Contains(got, "|40|1|") {
		t.Fatalf("the link's settings: %q, want draws 40 and seed 1", got)
	}
	step(t, tab2, "run again", chromedp.Click(css(`#run-again`)))
	poll(t, tab2, "the new run shown", `location.pathname !== '/runs/`+runA+`' && !!document.querySelector('#run-status.status-done')`)
	runAgain := strings.TrimPrefix(eval[string](t, tab2, `location.pathname`), "/runs/")
	ra, err := st.GetRun(ctx, runA)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := st.GetRun(ctx, runAgain)
	if err != nil {
		t.Fatal(err)
	}
	if rb.YAML != ra.YAML || string(rb.Params) != string(ra.Params) || string(rb.Result) != string(ra.Result) {
		t.Fatalf("run again: params %s → %s, same text %v, same result %v", ra.Params, rb.Params, rb.YAML == ra.YAML, string(rb.Result) == string(ra.Result))
	}
	step(t, tab2, "open in editor at this version", chromedp.Click(css(`#open-in-editor`)))
	poll(t, tab2, "the run's text in the editor", `truce.settled() && truce.getText() === `+jsString(ra.YAML))

	// A comparison with a planted verdict flip: H1 (war under restraint
	// below 10%) holds with p_escalate ~ beta(2, 8) and fails with beta(8, 2).
	flipped := strings.Replace(ex.YAML, "p_escalate: {dist: beta, a: 2, b: 8}", "p_escalate: {dist: beta, a: 8, b: 2}", 1)
	idB := runToEnd(t, st, hs.URL, map[string]any{"kind": "analyze", "yaml": flipped, "name": "truce-standoff", "params": map[string]any{"draws": 40, "seed": 1}})
	step(t, tab2, "compare", chromedp.Navigate(hs.URL+"/compare?a="+runA+"&b="+idB), chromedp.WaitVisible(css(`#flips li.flip`)))
	first := eval[string](t, tab2, `(() => { const f = document.querySelector('#compare-body section'); return f.id + ' ' + f.querySelector('li.flip').dataset.hypothesis + ' ' + f.querySelector('li.flip').textContent; })()`)
	if !strings.HasPrefix(first, "flips H1 ") || !strings.Contains(first, "supported → rejected") {
		t.Fatalf("the comparison opens with %q, want H1's flip from supported to rejected first", first)
	}
	changes := eval[string](t, tab2, `[...document.querySelectorAll('#compare-body ul.changes li')].map(l => l.textContent).join("\n")`)
	if !strings.Contains(changes, "parameters p_escalate changed: {dist: beta, a: 2, b: 8} → {dist: beta, a: 8, b: 2}") {
		t.Fatalf("scenario changes: %q", changes)
	}
	if n := eval[int](t, tab2, `document.querySelectorAll('#s-textdiff .dl-del').length * 10 + document.querySelectorAll('#s-textdiff .dl-add').length`); n != 11 {
		t.Fatalf("text diff: %d removed and %d added lines, want 1 and 1", n/10, n%10)
	}
	if d := eval[string](t, tab2, `document.querySelector('#largest-endings tbody tr td:last-child').textContent`); !strings.HasSuffix(d, " pp") || !strings.ContainsAny(d[:1], "+−") {
		t.Errorf("the largest change in endings reads %q, want a signed change in percentage points (\"+33 pp\")", d)
	}
	snap(t, tab2, "workbench-compare")
	checkA11y(t, tab2, "the comparison page")

	// A claim evaluated on a few draws (draws: 3) whose interval spans two
	// verdicts reads "not settled", with on how many draws and between what.
	sub, err := os.ReadFile("../scenario/testdata/subsample.yaml")
	if err != nil {
		t.Fatal(err)
	}
	idSub := runToEnd(t, st, hs.URL, map[string]any{"kind": "analyze", "yaml": strings.Replace(string(sub), "    draws: 9", "    draws: 3", 1),
		"name": "subsample", "params": map[string]any{"draws": 40, "seed": 1}})
	step(t, tab2, "open a run with a claim on a subsample", chromedp.Navigate(hs.URL+"/runs/"+idSub), chromedp.WaitVisible(css(`#answers tr[data-hypothesis="H4"]`)))
	if row := eval[string](t, tab2, `document.querySelector('#answers tr[data-hypothesis="H4"]').textContent`); !strings.Contains(row, "not settled") ||
		!strings.Contains(row, "on 3 of 40 draws (95% interval") || !strings.Contains(row, "uncertain or supported") {
		t.Errorf("H4 on 3 draws reads %q", row)
	}
	if note := eval[string](t, tab2, `document.querySelector('#answers').textContent`); !strings.Contains(note, "5% and 95% quantiles over the draws") {
		t.Errorf("the endings do not say what their brackets are: %.400q", note)
	}
	checkA11y(t, tab2, "a run with a claim not settled")

	// Solve and sensitivity runs have their own answers.
	idSolve := runToEnd(t, st, hs.URL, map[string]any{"kind": "solve", "yaml": ex.YAML, "name": "truce-standoff"})
	step(t, tab2, "open a solve run", chromedp.Navigate(hs.URL+"/runs/"+idSolve), chromedp.WaitVisible(css(`#answers #equilibrium tbody tr`)))
	if txt := eval[string](t, tab2, `document.querySelector('#answers').textContent`); !strings.Contains(txt, "largest one-shot deviation gain") || !strings.Contains(txt, "Selected by") {
		t.Fatalf("solve answers: %.300q", txt)
	}
	snap(t, tab2, "workbench-solve")
	checkA11y(t, tab2, "a solve run")
	idSens := runToEnd(t, st, hs.URL, map[string]any{"kind": "sensitivity", "yaml": ex.YAML, "name": "truce-standoff"})
	step(t, tab2, "open a sensitivity run", chromedp.Navigate(hs.URL+"/runs/"+idSens), chromedp.WaitVisible(css(`#answers h4`)),
		chromedp.Click(css(`#s-tornadoes > summary`)), chromedp.WaitVisible(css(`#s-tornadoes .chart-tornado svg`)))
	snap(t, tab2, "workbench-sensitivity")
	checkA11y(t, tab2, "a sensitivity run")

	// Delete with confirmation: Cancel keeps the run, Delete removes it.
	step(t, tab2, "back to the editor", chromedp.Navigate(hs.URL+"/"), chromedp.WaitVisible(css(`body[data-ready="1"]`)),
		chromedp.WaitVisible(css(`#history-table tr[data-run="`+idB+`"]`)))
	checkA11y(t, tab2, "the run history")
	step(t, tab2, "ask to delete, then cancel", chromedp.Click(css(`tr[data-run="`+idB+`"] button[data-delete]`)), chromedp.WaitVisible(css(`#confirm[open]`)),
		chromedp.Click(css(`#confirm-cancel`)), chromedp.WaitNotPresent(css(`#confirm[open]`)))
	if _, err := st.GetRun(ctx, idB); err != nil {
		t.Fatalf("canceled delete removed the run: %v", err)
	}
	step(t, tab2, "delete", chromedp.Click(css(`tr[data-run="`+idB+`"] button[data-delete]`)), chromedp.WaitVisible(css(`#confirm[open]`)),
		chromedp.Click(css(`#confirm-ok`)), chromedp.WaitNotPresent(css(`#history-table tr[data-run="`+idB+`"]`)))
	if _, err := st.GetRun(ctx, idB); err == nil {
		t.Fatal("deleted run still stored")
	}
	// Its permalink now says the run is gone, in words, not the store's error.
	step(t, tab2, "open the deleted run's permalink", chromedp.Navigate(hs.URL+"/runs/"+idB), chromedp.WaitVisible(css(`#run-missing`)))
	if missing := eval[string](t, tab2, `document.querySelector('#run-missing').textContent`); !strings.Contains(missing, "is not stored on this server: it was deleted") || strings.Contains(missing, "store:") {
		t.Errorf("deleted run's permalink says %q", missing)
	}
	step(t, tab2, "back to the editor again", chromedp.Navigate(hs.URL+"/"), chromedp.WaitVisible(css(`body[data-ready="1"]`)))
	// Search and filter.
	step(t, tab2, "search runs", chromedp.Evaluate[chromedp.Void](`void (() => { const q = document.querySelector('#filter-q'); q.value = '`+runAgain[:10]+`'; q.dispatchEvent(new Event('input', {bubbles: true})); })()`))
	poll(t, tab2, "one run found", `document.querySelectorAll('#history-table tbody tr').length === 1 && !!document.querySelector('tr[data-run="`+runAgain+`"]')`)

	// 360 px wide: nothing sticks out sideways.
	tab3 := b.newTab("narrow")
	if _, err := chromedp.Call(tab3, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 360, Height: 780, DeviceScaleFactor: 1, Mobile: true}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"/", "/runs/" + runA, "/compare?a=" + runA + "&b=" + runAgain} {
		step(t, tab3, "open "+u+" at 360 px", chromedp.Navigate(hs.URL+u), chromedp.WaitVisible(css(`body[data-ready="1"]`)))
		if u != "/" {
			step(t, tab3, "results shown", chromedp.WaitVisible(css(`#run-status, #flips`)))
		}
		// clientWidth is the screen's 360 px; a phone widens its layout
		// viewport (innerWidth) to content that sticks out, so that is not
		// the measure.
		if w := eval[[]int](t, tab3, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
			t.Errorf("%s at 360 px: the page is %d px wide", u, w[0])
		}
		if strings.HasPrefix(u, "/runs/") {
			// The hypotheses' shares show without scrolling their table.
			step(t, tab3, "the answers drawn", chromedp.WaitVisible(css(`#answers #hypotheses`)))
			if w := eval[[]int](t, tab3, `(() => { const w = document.querySelector('#answers #hypotheses').closest('.table-wrap'); return [w.scrollWidth, w.clientWidth]; })()`); w[0] > w[1] {
				t.Errorf("%s at 360 px: the hypotheses table is %d px wide in %d px", u, w[0], w[1])
			}
		}
		snap(t, tab3, "workbench-360"+strings.NewReplacer("/", "-", "?", "-", "&", "-", "=", "-").Replace(u))
	}
	_ = fmt.Sprint
}
