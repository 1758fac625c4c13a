package report

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/truce-dev/truce/evidence"
	"github.com/truce-dev/truce/evidence/forecast"
)

// Evidence is what the record says: how probable the model found the
// dated past under each profile (retrodiction), and how well the dated
// forecasts in the ledger scored. Everything else on the page is implied
// by the assumptions; this section is the only one that reads what
// happened.
type Evidence struct {
	Record    string // what was read, e.g. "the scenario's history: 2 rows, to 2026-12-07"
	Where     string // "at the central parameter values", "averaged over 1000 prior draws (seed 1)"
	Sims      int    // records simulated per profile for the surprise
	WarnBelow float64
	Profiles  []RetroRow
	Warnings  []string
	Forecasts *Forecasts // nil: no resolved forecast in the ledger
}

// RetroRow is the retrodiction under one profile.
type RetroRow struct {
	Profile string
	// LogL is the natural log of the record's probability (over the draws
	// when Where says so); -Inf when the model cannot produce the record.
	LogL float64
	// Surprise is the share of records simulated from the model that are
	// at most as probable as the recorded one: small means surprising.
	Surprise     float64
	ImpossibleAt string
}

// Forecasts are the scored forecasts of the ledger.
type Forecasts struct {
	Ledger         string // where they were read
	Resolved, Open int
	Sources        []ForecastSource
	// Chart is the reliability diagram (forecast.ReliabilitySVG).
	Chart template.HTML
}

// ForecastSource is one source's scores (forecast.SourceScore).
type ForecastSource struct {
	Source                                     string
	N                                          int
	Brier, Log, Reliability, Resolution, Skill float64
	Uncertainty, BaseRate                      float64
}

// AddRetrodiction puts a retrodiction into in; record says what was read.
func AddRetrodiction(in *Input, r *evidence.Retrodiction, record string) {
	e := ensureEvidence(in)
	e.Record, e.Sims, e.WarnBelow, e.Warnings = record, r.Sims, r.WarnBelow, r.Warnings
	e.Where = "at the central parameter values"
	if r.Draws > 0 {
		e.Where = fmt.Sprintf("averaged over %d prior draws (seed %d)", r.Draws, r.Seed)
	}
	for _, p := range r.Profiles {
		lp := float64(p.LogL)
		if p.LogEvidence != nil {
			lp = float64(*p.LogEvidence)
		}
		e.Profiles = append(e.Profiles, RetroRow{Profile: p.Profile, LogL: lp, Surprise: float64(p.Surprise), ImpossibleAt: p.ImpossibleAt})
	}
}

// AddForecasts puts the ledger's scores into in, with the reliability
// diagram; resolved and open count the scenario's forecasts.
func AddForecasts(in *Input, ledger string, scores []forecast.SourceScore, resolved, open int) {
	f := &Forecasts{Ledger: ledger, Resolved: resolved, Open: open}
	for _, s := range scores {
		f.Sources = append(f.Sources, ForecastSource{Source: s.Source, N: s.N, Brier: float64(s.Brier), Log: float64(s.Log),
			Reliability: float64(s.Reliability), Resolution: float64(s.Resolution), Uncertainty: float64(s.Uncertainty),
			BaseRate: float64(s.BaseRate), Skill: float64(s.Skill)})
	}
	if len(scores) > 0 {
		// a chart of the page like the others: scaled to the column, and
		// measured by the tests' geometric checks
		svg := forecast.ReliabilitySVG(scores, fmt.Sprintf("Reliability of %d resolved forecasts", resolved))
		f.Chart = template.HTML(strings.Replace(svg, "<svg ", `<svg id="reliability" class="chart chart-reliability" data-chart="reliability" `, 1))
	}
	ensureEvidence(in).Forecasts = f
}

func ensureEvidence(in *Input) *Evidence {
	if in.Evidence == nil {
		in.Evidence = &Evidence{}
	}
	return in.Evidence
}

// retroReading says what a retrodiction row means, in words.
func retroReading(r RetroRow, warn float64) string {
	switch {
	case math.IsInf(r.LogL, -1) || r.ImpossibleAt != "":
		at := ""
		if r.ImpossibleAt != "" {
			at = " (first at " + r.ImpossibleAt + ")"
		}
		return "impossible under this profile: the record contradicts it" + at
	case r.Surprise < warn:
		return fmt.Sprintf("surprising: fewer than %s of the model's own records are as improbable", pct(warn))
	}
	return "not surprising"
}

// probText prints a probability given as its log: "0.0151", "3.2e-12",
// "0" for impossible.
func probText(lp float64) string {
	switch {
	case math.IsNaN(lp):
		return undefined
	case math.IsInf(lp, -1):
		return "0"
	case lp < -700:
		return "< 1e-300"
	}
	p := math.Exp(lp)
	if p < 0.001 {
		return strings.Replace(fmt.Sprintf("%.2g", p), "e-0", "e-", 1)
	}
	return fmt.Sprintf("%.3g", p)
}

// bestRetro names the profile under which the record is most probable and
// by how much (a likelihood ratio, the Bayes factor of equal priors)
// against the next, "" with fewer than two possible profiles.
func bestRetro(rows []RetroRow) string {
	best, next := -1, -1
	for i, r := range rows {
		if math.IsNaN(r.LogL) || math.IsInf(r.LogL, -1) {
			continue
		}
		switch {
		case best < 0 || r.LogL > rows[best].LogL:
			best, next = i, best
		case next < 0 || r.LogL > rows[next].LogL:
			next = i
		}
	}
	if best < 0 || next < 0 {
		return ""
	}
	ratio := math.Exp(rows[best].LogL - rows[next].LogL)
	rt := fmtNum(ratio)
	if ratio > 1e6 {
		rt = "over a million"
	}
	return fmt.Sprintf("The record is most probable under %s, %s times as probable as under %s, the next.", rows[best].Profile, rt, rows[next].Profile)
}

// evidenceBrief is the summary's sentence on the record: the profiles it
// contradicts or surprises, else that it surprises none.
func evidenceBrief(e *Evidence) string {
	var impossible, surprising []string
	for _, r := range e.Profiles {
		switch {
		case math.IsInf(r.LogL, -1) || r.ImpossibleAt != "":
			impossible = append(impossible, r.Profile)
		case r.Surprise < e.WarnBelow:
			surprising = append(surprising, fmt.Sprintf("%s (%s)", r.Profile, pct(r.Surprise)))
		}
	}
	var parts []string
	if len(impossible) > 0 {
		parts = append(parts, "The record contradicts "+andList(impossible)+": the model gives it probability 0 there.")
	}
	if len(surprising) > 0 {
		parts = append(parts, fmt.Sprintf("Under %s the model finds the record surprising: fewer than %s of the records it would produce itself are as improbable.", andList(surprising), pct(e.WarnBelow)))
	}
	if len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("The record (%s) surprises the model under none of the profiles.", e.Record))
	}
	return strings.Join(parts, " ")
}

// andList joins "a", "a and b", "a, b and c".
func andList(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
