package forecast

import (
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/truce-dev/truce/evidence/record"
)

func TestParseQuestion(t *testing.T) {
	for in, want := range map[string]string{
		`reach("war", 12)`:                 `reach("war", 12)`,
		` reach( "war" ,12 , "baseline" )`: `reach("war", 12, "baseline")`,
		`event("strike", 4)`:               `event("strike", 4)`,
	} {
		q, err := Parse(in)
		if err != nil || q.String() != want {
			t.Errorf("Parse(%q) = %v, %v; want %s", in, q, err, want)
		}
		back, err := Parse(q.String())
		if err != nil || back != q {
			t.Errorf("%s does not read back: %v %v", q, back, err)
		}
	}
	for _, in := range []string{`reach(war, 12)`, `reach("war", 0)`, `reach("war", -1)`, `absorb("war", "p")`, `reach("war", 12.5)`, `event("x", 999999)`, ``} {
		if _, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) accepted", in)
		}
	}
	q, _ := Parse(`reach("war", 12)`)
	if err := q.Check([]string{"truce", "wat"}, nil, nil, nil); err == nil || !strings.Contains(err.Error(), `unknown state "war"`) {
		t.Errorf("Check: %v", err)
	}
	q, _ = Parse(`event("war", 12, "base")`)
	if err := q.Check(nil, []string{"war"}, []string{"baseline"}, nil); err == nil || !strings.Contains(err.Error(), `unknown profile "base"`) {
		t.Errorf("Check: %v", err)
	}
}

func TestResolve(t *testing.T) {
	rec := &record.Record{File: "r.csv", Rows: []record.Row{
		{Step: 2, Name: "quiet", Count: 1, Line: 2},
		{Step: 3, Name: "quiet", Count: 1, Line: 3},
		{Step: 4, Name: "strike", Count: 1, Line: 4, Date: "2026-05-04"},
		{Step: 5, Name: "quiet", Count: 1, Line: 5},
		{Step: 6, Name: "quiet", Count: 1, Line: 6},
		{Step: 8, Name: "war", State: true, Count: 1, Line: 7},
	}}
	for _, tc := range []struct {
		q             string
		asOf          int
		resolved, yes bool
		why           string
	}{
		{`event("strike", 3)`, 2, true, true, "event strike at 2026-05-04 (r.csv:4)"},
		{`event("strike", 2)`, 4, true, false, "no event strike in steps 5 to 6 of r.csv"},
		{`event("strike", 3)`, 4, false, false, "r.csv records 2 of the 3 steps 5 to 7"},
		{`reach("war", 4)`, 4, true, true, "state war at step 8 (r.csv:7)"},
		{`reach("war", 3)`, 4, false, false, "r.csv records 0 of the 3 steps 5 to 7"},
		{`event("war", 10)`, 0, false, false, "records 5 of the 10 steps"},
	} {
		q, err := Parse(tc.q)
		if err != nil {
			t.Fatal(err)
		}
		o := Resolve(q, tc.asOf, rec)
		if o.Resolved != tc.resolved || o.Yes != tc.yes || !strings.Contains(o.Why, tc.why) {
			t.Errorf("%s as of %d: %+v, want resolved %v yes %v (%s)", tc.q, tc.asOf, o, tc.resolved, tc.yes, tc.why)
		}
	}
}

// TestScoresByHand: Brier, log score and Murphy's decomposition on a small
// ledger, against values worked out by hand.
func TestScoresByHand(t *testing.T) {
	fs := []Scored{
		{"A", 0.8, true}, {"A", 0.8, false}, {"A", 0.3, false}, {"A", 0.3, false},
		{"B", 1, true}, {"B", 0.5, false},
		{"C", 0, true}, {"C", 0.9, true},
	}
	sc := Score(fs, 10)
	if len(sc) != 3 || sc[0].Source != "A" || sc[1].Source != "B" || sc[2].Source != "C" {
		t.Fatalf("sources %+v", sc)
	}
	near := func(what string, got Num, want float64) {
		t.Helper()
		if math.Abs(float64(got)-want) > 1e-12 {
			t.Errorf("%s = %.15g, want %.15g", what, float64(got), want)
		}
	}
	a := sc[0]
	// Brier: (0.2² + 0.8² + 0.3² + 0.3²)/4 = 0.86/4.
	near("A Brier", a.Brier, 0.215)
	// Log: (ln 0.8 + ln 0.2 + 2 ln 0.7)/4.
	near("A log", a.Log, (math.Log(0.8)+math.Log(0.2)+2*math.Log(0.7))/4)
	// Base rate 1/4; uncertainty 1/4·3/4 = 0.1875. Bins: 0.3 (2 forecasts,
	// none yes) and 0.8 (2, one yes). Reliability (2·0.3² + 2·0.3²)/4 =
	// 0.09; resolution (2·0.25² + 2·0.25²)/4 = 0.0625; 0.09 - 0.0625 +
	// 0.1875 = 0.215, the Brier score: forecasts are equal within bins.
	near("A base rate", a.BaseRate, 0.25)
	near("A uncertainty", a.Uncertainty, 0.1875)
	near("A reliability", a.Reliability, 0.09)
	near("A resolution", a.Resolution, 0.0625)
	near("A skill", a.Skill, 1-0.215/0.1875)
	if b := a.Bins[8]; b.N != 2 || b.MeanP != 0.8 || b.Freq != 0.5 {
		t.Errorf("bin 8 %+v", b)
	}
	if b := a.Bins[3]; b.N != 2 || math.Abs(float64(b.MeanP)-0.3) > 1e-15 || b.Freq != 0 {
		t.Errorf("bin 3 %+v", b)
	}
	// B: (0² + 0.5²)/2 and (ln 1 + ln 0.5)/2; the forecast of 1 is in the
	// last bin.
	near("B Brier", sc[1].Brier, 0.125)
	near("B log", sc[1].Log, math.Log(0.5)/2)
	if sc[1].Bins[9].N != 1 {
		t.Errorf("a forecast of 1 is not in the last bin: %+v", sc[1].Bins)
	}
	// C gave 0 to something that happened: log score -Inf, JSON null.
	if !math.IsInf(float64(sc[2].Log), -1) {
		t.Errorf("C log %v", sc[2].Log)
	}
	if b, _ := sc[2].Log.MarshalJSON(); string(b) != "null" {
		t.Errorf("C log as JSON %s", b)
	}
	near("C Brier", sc[2].Brier, (1+0.01)/2)
	if !math.IsNaN(float64(sc[2].Skill)) {
		t.Errorf("C skill %v with every question yes", sc[2].Skill)
	}
}

func TestReliabilitySVG(t *testing.T) {
	sc := Score([]Scored{{"model", 0.8, true}, {"model", 0.2, false}, {`analyst <"x">`, 0.5, true}}, 10)
	svg := ReliabilitySVG(sc, "US–Iran & co")
	for _, want := range []string{"<svg", "</svg>", "US–Iran &amp; co", "analyst &lt;&#34;x&#34;&gt;", "model (n=2, Brier 0.040)", "<circle"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if strings.Contains(svg, "NaN") {
		t.Error("SVG contains NaN")
	}
	// Well-formed XML, no element with an attribute given twice (which
	// browsers refuse to draw).
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			seen := map[string]bool{}
			for _, a := range se.Attr {
				if seen[a.Name.Local] {
					t.Errorf("<%s> has attribute %s twice", se.Name.Local, a.Name.Local)
				}
				seen[a.Name.Local] = true
			}
		}
	}
}
