package report

import (
	"math"
	"strings"
	"testing"
)

// TestEvidenceSection: the record's section says, per profile, what the
// retrodiction means (impossible, surprising, not surprising), compares
// the profiles by likelihood ratio, scores the ledger with its diagram,
// and the page words prior shares as implied by the assumptions.
func TestEvidenceSection(t *testing.T) {
	page := render(t, fullFixture())
	sec := page[strings.Index(page, `<section id="evidence">`):]
	sec = sec[:strings.Index(sec, "</section>")]
	for _, want := range []string{
		"<td>never</td><td class=\"n\">0</td><td class=\"n\">−∞</td>",
		"impossible under this profile: the record contradicts it (first at 2026-03-02)",
		"<td>base</td><td class=\"n\">0.0151</td>",
		"surprising: fewer than 5.0% of the model&#39;s own records are as improbable",
		"<td>alt</td><td class=\"n\">0.3</td>", "not surprising",
		// 0.3 / 0.0151
		"most probable under alt, 19.9 times as probable as under base, the next",
		"24 resolved forecasts", "2 still open", `aria-label="reliability diagram: Reliability of 24 resolved forecasts"`,
		"far too few to judge calibration",
		// always 30%, 6 of 12 came true: Brier (0.7²·6 + 0.3²·6)/12 = 0.29
		"<td>analyst:desk</td><td class=\"n\">12</td><td class=\"n\">0.290</td>",
	} {
		if !strings.Contains(sec, want) {
			t.Errorf("evidence section lacks %q", want)
		}
	}
	for _, want := range []string{
		"implied by the assumptions in 93.0% of draws", "The record contradicts never", "Under base (3.4%) the model finds the record surprising",
		`for what the record says, see <a href="#evidence">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	in := fixture()
	if p := render(t, in); strings.Contains(p, `id="evidence"`) || strings.Contains(p, `href="#evidence"`) {
		t.Error("evidence section or link without evidence")
	}
}

func TestProbText(t *testing.T) {
	for lp, want := range map[float64]string{math.Inf(-1): "0", math.Log(0.5): "0.5", math.Log(3.2e-12): "3.2e-12", -800: "< 1e-300", math.NaN(): "—"} {
		if got := probText(lp); got != want {
			t.Errorf("probText(%v) = %q, want %q", lp, got, want)
		}
	}
}

func TestBestRetro(t *testing.T) {
	for _, tc := range []struct {
		rows []RetroRow
		want string
	}{
		{nil, ""},
		{[]RetroRow{{Profile: "a", LogL: -1}}, ""},
		{[]RetroRow{{Profile: "a", LogL: -1}, {Profile: "b", LogL: math.Inf(-1)}}, ""},
		{[]RetroRow{{Profile: "a", LogL: math.Log(0.1)}, {Profile: "b", LogL: math.Log(0.4)}, {Profile: "c", LogL: math.Log(0.2)}}, "most probable under b, 2.00 times as probable as under c"},
		{[]RetroRow{{Profile: "a", LogL: -30}, {Profile: "b", LogL: -1}}, "under b, over a million times"},
	} {
		got := bestRetro(tc.rows)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("bestRetro(%v) = %q, want %q", tc.rows, got, tc.want)
		}
	}
}
