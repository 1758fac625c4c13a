package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/truce-dev/truce/report"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/store"
)

// analysisJSON mirrors the documented JSON of an analysis (docs/analyze-json.md):
// numbers that were NaN or infinite arrive as null, hence the pointers.
type analysisJSON struct {
	Scenario string `json:"scenario"`
	Title    string `json:"title"`
	Period   string `json:"period"`
	Horizon  int    `json:"horizon"`
	Draws    int    `json:"draws"`
	Seed     uint64 `json:"seed"`
	Profiles map[string]struct {
		Absorb map[string]statJSON   `json:"absorb"`
		Reach  map[string][]*float64 `json:"reach"`
		// The 5–95% band of each reach curve over the first
		// ReachBandDraws draws (absent without distributions).
		ReachLo        map[string][]*float64 `json:"reach_lo"`
		ReachHi        map[string][]*float64 `json:"reach_hi"`
		ReachBandDraws int                   `json:"reach_band_draws"`
		Time           map[string]statJSON   `json:"time"`
		Value          map[string]struct {
			Total      statJSON            `json:"total"`
			Components map[string]statJSON `json:"components"`
		} `json:"value"`
	} `json:"profiles"`
	Hypotheses []struct {
		ID         string              `json:"id"`
		Claim      string              `json:"claim"`
		Expr       string              `json:"expr"`
		HoldsShare float64             `json:"holds_share"`
		Verdict    string              `json:"verdict"`
		Quantities map[string]*float64 `json:"quantities"`
		// A hypothesis evaluated on the first draws only (its draws:).
		EvaluatedDraws int         `json:"evaluated_draws"`
		ShareInterval  *[2]float64 `json:"share_interval"`
		VerdictBetween []string    `json:"verdict_between"`
	} `json:"hypotheses"`
	Failed *struct {
		Count int `json:"count"`
	} `json:"failed_draws"`
}

type statJSON struct {
	Mean, Lo, Hi *float64
}

func (s statJSON) interval() (report.Interval, bool) {
	if s.Mean == nil {
		return report.Interval{}, false
	}
	iv := report.Interval{Mean: *s.Mean, Lo: *s.Mean, Hi: *s.Mean}
	if s.Lo != nil {
		iv.Lo = *s.Lo
	}
	if s.Hi != nil {
		iv.Hi = *s.Hi
	}
	return iv, true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// analysisInput turns a stored analysis result into the report package's
// input. It reports false when the result is not an analysis (no profiles
// and no hypotheses), for which the plain summary is used instead.
func analysisInput(run store.Run) (report.Input, bool) {
	var a analysisJSON
	if err := json.Unmarshal(run.Result, &a); err != nil || (len(a.Profiles) == 0 && len(a.Hypotheses) == 0) {
		return report.Input{}, false
	}
	name := a.Scenario
	if name == "" {
		name = run.ScenarioName
	}
	in := report.Input{
		Title: a.Title, Name: name, Period: a.Period, Horizon: a.Horizon, Draws: a.Draws, Seed: a.Seed,
		Generated: fmt.Sprintf("truce serve, run %s (%s) of %s", run.ID, run.Kind, run.CreatedAt.Format("2006-01-02 15:04 UTC")),
	}
	if in.Title == "" {
		in.Title = name
	}
	for _, pn := range sortedKeys(a.Profiles) {
		p := a.Profiles[pn]
		rp := report.Profile{Name: pn, Absorb: map[string]report.Interval{}, Reach: map[string][]float64{},
			Time: map[string]report.Interval{}, Value: map[string]report.ActorValue{}}
		for s, st := range p.Absorb {
			if iv, ok := st.interval(); ok {
				rp.Absorb[s] = iv
			}
		}
		for s, st := range p.Time {
			if iv, ok := st.interval(); ok {
				rp.Time[s] = iv
			}
		}
		for s, curve := range p.Reach {
			rp.Reach[s] = derefCurve(curve)
		}
		if len(p.ReachLo) > 0 && p.ReachBandDraws > 0 {
			rp.ReachLo, rp.ReachHi, rp.ReachBandDraws = map[string][]float64{}, map[string][]float64{}, p.ReachBandDraws
			for s, curve := range p.ReachLo {
				rp.ReachLo[s] = derefCurve(curve)
			}
			for s, curve := range p.ReachHi {
				rp.ReachHi[s] = derefCurve(curve)
			}
		}
		for actor, v := range p.Value {
			av := report.ActorValue{Components: map[string]report.Interval{}}
			av.Total, _ = v.Total.interval()
			for c, st := range v.Components {
				if iv, ok := st.interval(); ok {
					av.Components[c] = iv
				}
			}
			rp.Value[actor] = av
		}
		in.Profiles = append(in.Profiles, rp)
	}
	for _, h := range a.Hypotheses {
		rh := report.Hypothesis{ID: h.ID, Claim: h.Claim, Expr: h.Expr, HoldsShare: h.HoldsShare, Verdict: scenario.VerdictText(h.Verdict)}
		if h.ShareInterval != nil {
			analysed := a.Draws
			if a.Failed != nil {
				analysed -= a.Failed.Count
			}
			sh := scenario.HypothesisReport{Verdict: h.Verdict, EvaluatedDraws: h.EvaluatedDraws, VerdictBetween: h.VerdictBetween,
				ShareInterval: &[2]scenario.Number{scenario.Number(h.ShareInterval[0]), scenario.Number(h.ShareInterval[1])}}
			rh.Subsample = sh.SubsampleLine(analysed)
		}
		for _, q := range sortedKeys(h.Quantities) {
			if v := h.Quantities[q]; v != nil {
				rh.Quantities = append(rh.Quantities, report.Quantity{Expr: q, Interval: report.Interval{Mean: *v, Lo: *v, Hi: *v}})
			}
		}
		in.Hypotheses = append(in.Hypotheses, rh)
	}
	return in, true
}

// runReportHTML renders a finished run: analyses through package report,
// anything else as the plain summary.
func runReportHTML(run store.Run) ([]byte, error) {
	in, ok := analysisInput(run)
	if !ok {
		return summaryReport(run), nil
	}
	var b bytes.Buffer
	if err := report.Write(&b, in); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// derefCurve turns a curve read from JSON (null for a NaN) into numbers,
// 0 where it was null.
func derefCurve(curve []*float64) []float64 {
	c := make([]float64, len(curve))
	for i, v := range curve {
		if v != nil {
			c[i] = *v
		}
	}
	return c
}
