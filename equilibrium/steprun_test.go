package equilibrium

import "testing"

func TestStepRunLabel(t *testing.T) {
	cases := []struct {
		clock, earliest, first, last int
		want                         string
	}{
		{0, 0, 0, 0, ""},
		{5, 0, 0, 5, "at every step"},
		{5, 1, 1, 5, "at every step"}, // a point after a remembered move: step 0 cannot have it
		{5, 0, 1, 5, "from step 1 on"},
		{5, 1, 3, 5, "from step 3 on"},
		{5, 0, 5, 5, "from step 5 on"},
		{5, 1, 1, 1, "at step 1"},
		{5, 0, 0, 4, "at steps 0–4"},
		{5, 1, 1, 4, "at steps 1–4"},
	}
	for _, c := range cases {
		if got := StepRunLabel(c.clock, c.earliest, c.first, c.last); got != c.want {
			t.Errorf("StepRunLabel(%d, %d, %d, %d) = %q, want %q", c.clock, c.earliest, c.first, c.last, got, c.want)
		}
	}
}

// Threats at consecutive steps with the same play and verdict are one
// run, its numbers ranges; a change of verdict or a gap starts another;
// without a clock each threat is its own run, printed as Threat.String.
func TestMergeThreatSteps(t *testing.T) {
	th := func(step int, credible bool, gain, margin float64) Threat {
		dev := "hold"
		if credible {
			dev = "" // credible: no profitable deviation
		}
		return Threat{Actor: "US", State: "truce", After: "IR: hormuz", Step: step, Clock: 4, Kind: KindThreat,
			PlayText: "strike", Credible: credible, Gain: gain, Margin: margin, BestDeviation: dev,
			Support: []SupportAction{{Action: "strike", P: 1, Shortfall: gain}}}
	}
	ths := []Threat{th(1, false, 2, -2), th(2, false, 2.5, -2.5), th(3, true, 0, 1), th(4, true, 0, 1.5)}
	other := ths[0]
	other.State = "talks"
	ths = append(ths, other)
	runs := MergeThreatSteps(ths)
	want := []string{
		"US: strike after IR: hormuz in truce at steps 1–2 — not credible, gain 2–2.5 by hold",
		"US: strike after IR: hormuz in truce from step 3 on — credible, margin 1–1.5",
		"US: strike after IR: hormuz in talks at step 1 — not credible, gain 2 by hold",
	}
	if len(runs) != len(want) {
		t.Fatalf("%d runs, want %d: %v", len(runs), len(want), runs)
	}
	for i, r := range runs {
		if got := r.String(); got != want[i] {
			t.Errorf("run %d: %q, want %q", i, got, want[i])
		}
	}
	// A gap splits a run.
	if runs := MergeThreatSteps([]Threat{th(1, false, 2, -2), th(3, false, 2, -2)}); len(runs) != 2 {
		t.Errorf("steps 1 and 3 merged: %v", runs)
	}
	// Without a clock nothing merges and the text is Threat.String's.
	a, b := th(0, false, 2, -2), th(0, false, 2, -2)
	a.Clock, b.Clock = 0, 0
	runs = MergeThreatSteps([]Threat{a, b})
	if len(runs) != 2 || runs[0].String() != a.String() {
		t.Errorf("unclocked: %d runs, %q against %q", len(runs), runs[0].String(), a.String())
	}
}

func TestMergeSummarySteps(t *testing.T) {
	s := func(step, credible int, margin float64) ThreatSummary {
		return ThreatSummary{Actor: "US", State: "truce", Step: step, Clock: 3, Kind: KindPlay, Play: "hold", Draws: 4, Credible: credible, MedianMargin: margin}
	}
	runs := MergeSummarySteps([]ThreatSummary{s(0, 4, 1), s(1, 4, 0.5), s(2, 2, 0.1), s(3, 2, -0.1)})
	if len(runs) != 2 {
		t.Fatalf("%d runs, want 2: %+v", len(runs), runs)
	}
	if r := runs[0]; r.Steps() != "at steps 0–1" || r.MarginLow != 0.5 || r.MarginHigh != 1 {
		t.Errorf("first run %s, margins %g to %g", r.Steps(), r.MarginLow, r.MarginHigh)
	}
	if r := runs[1]; r.Steps() != "from step 2 on" || r.MarginLow != -0.1 || r.MarginHigh != 0.1 {
		t.Errorf("second run %s, margins %g to %g", r.Steps(), r.MarginLow, r.MarginHigh)
	}
}
