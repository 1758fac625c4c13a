package report

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/truce-dev/truce/equilibrium"
)

// fixture is a small but complete report input: three states, two
// profiles, both actors, a tornado and every table.
func fixture() Input {
	reach := func(p float64, n int) []float64 {
		out := make([]float64, n+1)
		for k := range out {
			out[k] = 1 - math.Pow(1-p, float64(k))
		}
		return out
	}
	return Input{
		Title: "Test <standoff> & co", Name: "test", Period: "week", Horizon: 10, Draws: 100, Seed: 7,
		Description: "A tiny standoff for tests.",
		Actors: []Actor{
			{ID: "A", Discount: 0.9, Weights: map[string]float64{"material": 1, "symbolic": 2}},
			{ID: "B", Discount: 0.95, Weights: map[string]float64{"material": 1, "symbolic": 1}},
		},
		Components: []Component{{Name: "material"}, {Name: "symbolic", ZeroSum: true}},
		States: []State{
			{ID: "truce", Initial: true, Description: "quiet"},
			{ID: "war", Terminal: true},
			{ID: "peace", Terminal: true},
		},
		Edges:      []Edge{{From: "truce", To: "war"}, {From: "truce", To: "peace"}},
		Parameters: []Parameter{{Name: "p_war", Dist: "beta(1, 9)", Rationale: "analyst's assumption: rare"}},
		Profiles: []Profile{
			{
				Name: "base", Strategies: map[string]string{"A": "hawk", "B": "dove"},
				Absorb:         map[string]Interval{"war": {0.3, 0.1, 0.5}, "peace": {0.7, 0.5, 0.9}},
				Reach:          map[string][]float64{"truce": reach(0, 10), "war": reach(0.03, 10), "peace": reach(0.07, 10)},
				ReachLo:        map[string][]float64{"truce": reach(0, 10), "war": reach(0.01, 10), "peace": reach(0.04, 10)},
				ReachHi:        map[string][]float64{"truce": reach(0, 10), "war": reach(0.06, 10), "peace": reach(0.12, 10)},
				ReachBandDraws: 80,
				Value: map[string]ActorValue{
					"A": {Total: Interval{-2, -3, -1}, Components: map[string]Interval{"material": {-3, -4, -2}, "symbolic": {1, 0, 2}}},
					"B": {Total: Interval{1, 0, 2}, Components: map[string]Interval{"material": {2, 1, 3}, "symbolic": {-1, -2, 0}}},
				},
			},
			{
				Name: "alt", Strategies: map[string]string{"A": "dove", "B": "dove"},
				Absorb: map[string]Interval{"war": {0.05, 0, 0.1}, "peace": {0.95, 0.9, 1}},
				Reach:  map[string][]float64{"war": reach(0.005, 10), "peace": reach(0.1, 10)},
				Value: map[string]ActorValue{
					"A": {Total: Interval{1, 0, 2}, Components: map[string]Interval{"material": {1, 0, 2}, "symbolic": {0, 0, 0}}},
					"B": {Total: Interval{1, 0, 2}, Components: map[string]Interval{"material": {1, 0, 2}, "symbolic": {0, 0, 0}}},
				},
			},
		},
		Hypotheses: []Hypothesis{
			{ID: "H1", Claim: "War is unlikely", Expr: `absorb("war", "base") < 0.5`, HoldsShare: 0.93, Verdict: "supported",
				Quantities: []Quantity{{Expr: `absorb("war", "base")`, Interval: Interval{0.3, 0.1, 0.5}}}},
			{ID: "H2", Claim: "Peace is certain", Expr: `absorb("peace", "alt") > 0.99`, HoldsShare: 0.1, Verdict: "not supported"},
		},
		Equilibria: []Equilibrium{{Profile: "equilibrium", Converged: true, MaxDeviationGain: 1e-12, Method: "iterate",
			Play: map[string]map[string]map[string]float64{"A": {"truce": {"fight": 0.2, "wait": 0.8}}, "B": {"truce": {"fight": 0, "wait": 1}}}}},
		Credibility: []Credibility{{Profile: "base", Actor: "A", State: "truce", After: "B: fight", Action: "fight", Deviate: "wait", Gain: 0.4}},
		Tornadoes: []Tornado{{Output: `absorb("war", "base")`, Base: 0.3, Bars: []TornadoBar{
			{Param: "p_war", ParamLo: 0.01, ParamHi: 0.4, OutAtLo: 0.05, OutAtHi: 0.8, OutMin: 0.05, OutMax: 0.8},
			{Param: "cost", ParamLo: 1, ParamHi: 3, OutAtLo: 0.35, OutAtHi: 0.25, OutMin: 0.25, OutMax: 0.35},
		}}},
		BreakEvens: []BreakEven{{Hypothesis: "H1", Param: "p_war", Value: 0.21, Below: "supported", Above: "rejected"}},
	}
}

func render(t testing.TB, in Input) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, in); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestWriteStructure checks that every chart and table is present, that
// every SVG is well-formed XML with an accessible title, and that the page
// references nothing outside itself.
func TestWriteStructure(t *testing.T) {
	out := render(t, fixture())
	for _, want := range []string{
		`data-chart="states"`, `data-chart="endings"`, `data-chart="reach"`, `data-chart="value"`, `data-chart="tornado"`,
		`id="equilibrium"`, `id="credibility"`, `id="hypotheses"`, `id="sensitivity"`, `id="parameters"`,
		`data-id="H1"`, `data-id="H2"`, "not credible", "Test &lt;standoff&gt; &amp; co",
		`<code>p_war</code> &gt; 0.210 (supported → rejected)`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if n := strings.Count(out, `data-chart="reach"`); n != 2 {
		t.Errorf("%d reach charts, want one per profile (2)", n)
	}
	if n := strings.Count(out, `data-chart="value"`); n != 2 {
		t.Errorf("%d value charts, want one per actor (2)", n)
	}
	// 5–95% bands: one per drawn curve of the profile that has them, in the
	// curve's colour, under the curves, and the note says over how many
	// draws.
	if n := strings.Count(out, `<polygon class="band"`); n != 2 {
		t.Errorf("%d reach bands, want 2 (war and peace of profile base)", n)
	}
	col, _ := stateColours(fixture())
	for _, s := range []string{"war", "peace"} {
		band := strings.Index(out, `<polygon class="band" data-state="`+s+`" fill="`+col[s]+`"`)
		curve := strings.Index(out, `class="series" data-state="`+s+`"`)
		if band < 0 || curve < 0 || band > curve {
			t.Errorf("%s: band at %d, curve at %d: want a band in the curve's colour %s drawn before it", s, band, curve, col[s])
		}
	}
	if !strings.Contains(out, "5–95% interval over the draws at each step (over the first 80 of the 100 draws") {
		t.Error("reach note does not describe the band and its draws")
	}
	if strings.Contains(out, `mean over the parameter draws (the 5–95% intervals at the horizon`) {
		t.Error("reach note still says the curves show means only")
	}
	// the initial state's reach curve (1 from step 0) is not drawn
	if strings.Contains(out, `class="series" data-state="truce"`) {
		t.Error("initial state's reach curve drawn")
	}
	if strings.Contains(out, "ZgotmplZ") {
		t.Error("html/template rejected a value (ZgotmplZ in output)")
	}
	checkSelfContained(t, out)
	if n := checkSVGs(t, out); n != 8 { // brief endings, diagram, endings, 2 reach, 2 value, 1 tornado
		t.Fatalf("%d SVG elements, want 8", n)
	}
}

// checkSelfContained fails on anything that would make a browser fetch:
// scripts, links, URLs other than the SVG namespace and in-page fragments.
func checkSelfContained(t *testing.T, out string) {
	t.Helper()
	for _, bad := range []string{"<script", "<link", "<img", "<iframe", "@import", "url(http", "src="} {
		if strings.Contains(out, bad) {
			t.Errorf("report contains %q", bad)
		}
	}
	for _, m := range regexp.MustCompile(`(?:https?:)?//[^\s"'<>)]+`).FindAllString(out, -1) {
		if m != "http://www.w3.org/2000/svg" {
			t.Errorf("external URL in report: %s", m)
		}
	}
	for _, m := range regexp.MustCompile(`url\(([^)]*)\)`).FindAllStringSubmatch(out, -1) {
		if !strings.HasPrefix(m[1], "#") {
			t.Errorf("non-fragment url() in report: %s", m[0])
		}
	}
}

// TestWriteSections checks that empty sections are left out rather than
// drawn as empty charts.
func TestWriteSections(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*Input)
		absent  []string
		present []string
	}{
		{"no tornadoes", func(in *Input) { in.Tornadoes, in.BreakEvens = nil, nil }, []string{`id="sensitivity"`, `data-chart="tornado"`}, []string{`data-chart="endings"`}},
		{"no profiles", func(in *Input) { in.Profiles = nil }, []string{`data-chart="endings"`, `data-chart="reach"`, `data-chart="value"`}, []string{`data-chart="states"`}},
		{"no equilibrium", func(in *Input) { in.Equilibria, in.Credibility = nil, nil }, []string{`id="equilibrium"`, `id="credibility"`}, []string{`id="hypotheses"`}},
		{"no states", func(in *Input) { in.States, in.Edges = nil, nil }, []string{`data-chart="states"`}, []string{`data-chart="endings"`, `data-chart="reach"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := fixture()
			tc.mutate(&in)
			out := render(t, in)
			for _, s := range tc.absent {
				if strings.Contains(out, s) {
					t.Errorf("has %q", s)
				}
			}
			for _, s := range tc.present {
				if !strings.Contains(out, s) {
					t.Errorf("lacks %q", s)
				}
			}
			checkSelfContained(t, out)
		})
	}
}

// TestNonFinite: NaN and infinite figures (an ending never entered has no
// expected time) must not produce invalid SVG.
func TestNonFinite(t *testing.T) {
	in := fixture()
	in.Profiles[0].Absorb["war"] = Interval{math.NaN(), math.Inf(-1), math.Inf(1)}
	in.Tornadoes[0].Bars[0].OutMax = math.Inf(1)
	out := render(t, in)
	for _, s := range regexp.MustCompile(`(?s)<svg .*?</svg>`).FindAllString(out, -1) {
		if regexp.MustCompile(`="[^"]*(NaN|Inf)`).MatchString(s) {
			t.Errorf("non-finite attribute in %.200s", s)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		n      int
		want   []float64
	}{
		{0, 1, 5, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{0, 52, 4, []float64{0, 20, 40}},
		{-3, 2, 5, []float64{-3, -2, -1, 0, 1, 2}},
		{1, 1, 5, []float64{1}},
	}
	for _, tc := range tests {
		got := niceTicks(tc.lo, tc.hi, tc.n)
		if len(got) != len(tc.want) {
			t.Errorf("niceTicks(%v, %v, %d) = %v, want %v", tc.lo, tc.hi, tc.n, got, tc.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-12 {
				t.Errorf("niceTicks(%v, %v, %d) = %v, want %v", tc.lo, tc.hi, tc.n, got, tc.want)
				break
			}
		}
	}
}

func TestFmtNum(t *testing.T) {
	tests := map[float64]string{0: "0", 0.5: "0.500", 12.345: "12.3", -150: "-150", 1234: "1234", 1e-5: "1e-05", math.NaN(): "—"}
	for x, want := range tests {
		if got := fmtNum(x); got != want {
			t.Errorf("fmtNum(%v) = %q, want %q", x, got, want)
		}
	}
}

func BenchmarkWrite(b *testing.B) {
	in := fixture()
	for b.Loop() {
		if err := Write(io.Discard, in); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleWrite() {
	in := Input{Title: "Two endings", States: []State{{ID: "truce", Initial: true}, {ID: "war", Terminal: true}},
		Edges: []Edge{{From: "truce", To: "war"}}}
	var b bytes.Buffer
	if err := Write(&b, in); err != nil {
		fmt.Println(err)
	}
	fmt.Println(strings.Count(b.String(), "<svg "), "chart:", strings.Contains(b.String(), `data-chart="states"`))
	// Output: 1 chart: true
}

// TestNumFinite: coordinates are always finite numbers (found by
// TestWriteAnyInput: 1e307 overflowed to "+Inf" when rounded).
func TestNumFinite(t *testing.T) {
	for _, x := range []float64{1e307, -1e307, math.MaxFloat64, math.Inf(1), math.NaN(), 1.005, -3.333} {
		s := num(x)
		if strings.ContainsAny(s, "IN") || s == "" {
			t.Errorf("num(%v) = %q", x, s)
		}
	}
	if num(-3.333) != "-3.33" || num(12) != "12" {
		t.Errorf("num rounding: %q %q", num(-3.333), num(12))
	}
}

// TestValueChartWhiskers: every value bar whose interval is not a point
// carries a whisker from Lo to Hi that contains the bar's end (the mean)
// and sits within the bar's height, and the axis holds every whisker.
func TestValueChartWhiskers(t *testing.T) {
	in := fixture()
	in.Profiles[0].Value["A"].Components["material"] = Interval{-3, -9, 4} // wider than any mean
	svg := valueChart(in, 0, "A")
	re := regexp.MustCompile(`<rect x="([^"]*)" y="([^"]*)" width="([^"]*)" height="([^"]*)" fill="[^"]*"><title>A, ([^,]*), ([^:]*): ([^ ]*) \(5–95%: ([^ ]*) to ([^)]*)\)</title></rect>(<line x1="([^"]*)" y1="([^"]*)" x2="([^"]*)" y2="[^"]*" stroke="#111" stroke-width="1" class="errbar"/>)?`)
	ms := re.FindAllStringSubmatch(svg, -1)
	if len(ms) != 2*3 { // 2 profiles × (2 components + total)
		t.Fatalf("%d value bars, want 6", len(ms))
	}
	f := func(s string) float64 {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("bad number %q", s)
		}
		return x
	}
	vb := regexp.MustCompile(`viewBox="0 0 ([^ ]*) ([^"]*)"`).FindStringSubmatch(svg)
	w := f(vb[1])
	whiskers := 0
	for _, m := range ms {
		lo, hi := f(m[8]), f(m[9])
		if lo == hi {
			if m[10] != "" {
				t.Errorf("%s %s: whisker on a point interval", m[5], m[6])
			}
			continue
		}
		if m[10] == "" {
			t.Errorf("%s %s: interval [%v, %v] has no whisker", m[5], m[6], lo, hi)
			continue
		}
		whiskers++
		x, y, bw, bh := f(m[1]), f(m[2]), f(m[3]), f(m[4])
		x1, y1, x2 := f(m[11]), f(m[12]), f(m[13])
		if y1 < y || y1 > y+bh {
			t.Errorf("%s %s: whisker at y=%v outside the bar %v–%v", m[5], m[6], y1, y, y+bh)
		}
		// the bar runs from the zero line to the mean: one of its ends is the mean
		if !(x1-0.01 <= x+bw && x <= x2+0.01) {
			t.Errorf("%s %s: whisker %v–%v misses the bar %v–%v", m[5], m[6], x1, x2, x, x+bw)
		}
		if x1 < 0 || x2 > w {
			t.Errorf("%s %s: whisker %v–%v outside the chart (width %v)", m[5], m[6], x1, x2, w)
		}
		if x2-x1 <= 0 {
			t.Errorf("%s %s: empty whisker", m[5], m[6])
		}
	}
	if whiskers < 5 {
		t.Errorf("only %d whiskers", whiskers)
	}
}

// TestProfileNamesWhole: a profile name that fits the widest label margin
// is drawn whole in every chart (found on the demo: "equilibrium (central
// values)" lost its last letters); a longer one is shortened with "…" and
// still fits (TestChartTextsGeometry checks the fit).
func TestProfileNamesWhole(t *testing.T) {
	in := fixture()
	in.Profiles[1].Name = "equilibrium (central values)"
	page := render(t, in)
	for _, chart := range []string{"brief-endings", "endings", "value-0"} {
		svg := regexp.MustCompile(`(?s)<svg[^>]*id="` + chart + `".*?</svg>`).FindString(page)
		if !strings.Contains(svg, ">equilibrium (central values)</text>") {
			t.Errorf("%s: the profile name is not drawn whole", chart)
		}
	}
	in.Profiles[1].Name = strings.Repeat("a very long profile name ", 4)
	page = render(t, in)
	if !strings.Contains(page, "…</text>") {
		t.Error("a name longer than the margin is not shortened")
	}
	checkTexts(t, page)
}

// TestCredibilityAcrossDraws: the credibility section leads with the count
// per profile, actor and kind of decision points by how often they are
// credible over the draws (one screen), keeps each threat's share and
// median margin and the central-values table behind <details>, and counts
// a threat credible in 95 of 100 draws as mostly, 5 of 100 as rarely.
func TestCredibilityAcrossDraws(t *testing.T) {
	sums := []equilibrium.ThreatSummary{
		{Actor: "A", State: "truce", After: "B: fight", Kind: equilibrium.KindThreat, Play: "fight", Draws: 100, Credible: 95, MedianMargin: 0.3},
		{Actor: "A", State: "crisis", After: "B: fight", Kind: equilibrium.KindThreat, Play: "fight", Draws: 100, Credible: 5, MedianMargin: -1.5},
		{Actor: "B", State: "truce", Kind: equilibrium.KindPlay, Play: "wait", Draws: 100, Credible: 50},
		{Actor: "A", State: "war", After: "B: wait", Context: "A: fight", Kind: equilibrium.KindPromise, Play: "wait", Draws: 80, Credible: 40, MedianMargin: 0},
	}
	groups, shares := CredibilitySharesFrom("base", sums)
	wantGroups := []CredibilityGroup{
		{Profile: "base", Actor: "A", Kind: "threat", Points: 2, Mostly: 1, Rarely: 1},
		{Profile: "base", Actor: "A", Kind: "promise", Points: 1, Split: 1},
		{Profile: "base", Actor: "B", Kind: "play", Points: 1, Split: 1},
	}
	if !reflect.DeepEqual(groups, wantGroups) {
		t.Errorf("groups\n got %+v\nwant %+v", groups, wantGroups)
	}
	if len(shares) != 3 || shares[0].Share != 0.95 || shares[1].MedianMargin != -1.5 || shares[2].After != "B: wait; with A: fight" || shares[2].Share != 0.5 {
		t.Errorf("shares %+v", shares)
	}
	in := fixture()
	in.CredibilityAcross = &CredibilityAcross{Draws: 100, Seed: 1, Groups: groups, Threats: shares}
	out := render(t, in)
	sec := out[strings.Index(out, `<section id="credibility"`):]
	sec = sec[:strings.Index(sec, "</section>")]
	summary, details := strings.Index(sec, `class="cred-summary"`), strings.Index(sec, "<details")
	if summary < 0 || details < 0 || summary > details {
		t.Fatalf("the summary table should come before the details:\n%s", sec)
	}
	for _, want := range []string{"Over the first 100 parameter draws of the analysis (seed 1)", "95.0% of 100", "−1.50", "At central values"} {
		if !strings.Contains(sec, want) && !strings.Contains(sec, strings.ReplaceAll(want, "−", "-")) {
			t.Errorf("credibility section lacks %q:\n%s", want, sec)
		}
	}
	if strings.Contains(sec, "<details open>") {
		t.Error("with a summary over draws, the central-values table should be closed")
	}
	in.CredibilityAcross = nil
	if out := render(t, in); !strings.Contains(out, "<details open><summary>At central values") {
		t.Error("without a summary over draws, the central-values table should be open")
	}
}

// TestCredibilityAcrossClocked: in a clocked scenario the summary has a
// row per decision point and step; the report merges consecutive steps
// with the same play and share into one row that names its steps ("at
// every step" for a threat after a remembered move from step 1 on, which
// cannot arise at step 0) and gives the range of the median margin, and
// counts it once.
func TestCredibilityAcrossClocked(t *testing.T) {
	row := func(step, credible int, margin float64) equilibrium.ThreatSummary {
		return equilibrium.ThreatSummary{Actor: "US", State: "truce", After: "IR: hormuz", Step: step, Clock: 3, Kind: equilibrium.KindThreat,
			Play: "strike", Draws: 10, Credible: credible, MedianMargin: margin}
	}
	groups, shares := CredibilitySharesFrom("base", []equilibrium.ThreatSummary{row(1, 0, -2), row(2, 0, -1), row(3, 10, 0.5)})
	if len(shares) != 2 || shares[0].State != "truce at steps 1–2" || shares[0].MarginLow != -2 || shares[0].MedianMargin != -1 ||
		shares[1].State != "truce from step 3 on" || shares[1].MarginLow != 0.5 {
		t.Errorf("shares %+v", shares)
	}
	if len(groups) != 1 || groups[0].Points != 2 || groups[0].Rarely != 1 || groups[0].Mostly != 1 {
		t.Errorf("groups %+v", groups)
	}
	_, shares = CredibilitySharesFrom("base", []equilibrium.ThreatSummary{row(1, 0, -2), row(2, 0, -1), row(3, 0, -1.5)})
	if len(shares) != 1 || shares[0].State != "truce at every step" {
		t.Errorf("shares %+v", shares)
	}
	in := fixture()
	in.CredibilityAcross = &CredibilityAcross{Draws: 10, Seed: 1, Groups: groups, Threats: shares, Clocked: true}
	out := render(t, in)
	for _, want := range []string{"truce at every step", "−2.00 to −1.00", "a decision point at consecutive steps with the same play and the same share counts once"} {
		if !strings.Contains(out, want) && !strings.Contains(out, strings.ReplaceAll(want, "−", "-")) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// TestEventualNote: when a scenario has one ending and every profile ends
// there for certain with no horizon, the brief says what "war 100%" means
// (no other situation lasts for ever) and points to the bars; with two
// endings, or a profile that may never end, it says nothing.
func TestEventualNote(t *testing.T) {
	one := func(ev float64) Input {
		in := fixture()
		in.States = []State{{ID: "truce", Initial: true}, {ID: "war", Terminal: true}}
		in.Profiles = in.Profiles[:1]
		in.Profiles[0].Endings = map[string]Ending{"war": {WithinHorizon: Interval{0.3, 0.1, 0.5}, Eventually: Interval{ev, ev, ev}}}
		in.Profiles[0].Unresolved = Unresolved{AtHorizon: Interval{0.7, 0.5, 0.9}, Where: map[string]Interval{"truce": {0.7, 0.5, 0.9}}, Eventually: Interval{1 - ev, 0, 0}}
		return in
	}
	const note = "Every profile ends in war eventually, with no horizon: it is the only ending and no other situation lasts for ever"
	if out := render(t, one(1)); !strings.Contains(out, note) {
		t.Errorf("single certain ending: no note in the brief")
	}
	if out := render(t, one(0.9)); strings.Contains(out, note) {
		t.Errorf("an ending short of certain got the note")
	}
	in := fixture()
	if len(endingStates(in)) < 2 {
		t.Fatalf("fixture endings %v", endingStates(in))
	}
	if out := render(t, in); strings.Contains(out, "lasts for ever") {
		t.Errorf("two endings got the note")
	}
}

// TestPrintScalesWideCharts: on screen a wide chart (the state diagram)
// scrolls sideways; in print nothing scrolls, so the print style scales it
// to the page instead of cutting it at the margin.
func TestPrintScalesWideCharts(t *testing.T) {
	out := render(t, fixture())
	i := strings.Index(out, "@media print{")
	if i < 0 {
		t.Fatal("no print style")
	}
	print := out[i:]
	print = print[:strings.Index(print, "}}")+2]
	for _, want := range []string{".wide{overflow:visible}", ".wide svg.chart{max-width:100%;height:auto}"} {
		if !strings.Contains(print, want) {
			t.Errorf("print style %q lacks %q", print, want)
		}
	}
}
