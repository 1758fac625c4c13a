package scenario

import (
	"bytes"
	"context"
	"math"
	"sort"
	"testing"

	"github.com/truce-dev/truce/internal/budget"
)

// hazardBand is a one-step hazard p ~ uniform[0.05, 0.25] into war: on
// each draw reach(war, t) = 1 - (1-p)^t, increasing in p, so the 5% and
// 95% quantiles of reach(war, t) over draws are 1 - (1-p_q)^t at the
// quantiles p_q = a + q(b-a) of p.
const hazardBand = `truce: 1
name: hazard-band
horizon: 20
discount: 0.9
actors:
  - {id: A, weights: {m: 1}}
components:
  m: {}
parameters:
  p: {dist: uniform, min: 0.05, max: 0.25}
states:
  - {id: peace, initial: true}
  - {id: war, terminal: true}
transitions:
  - {from: peace, to: {war: p}}
payoffs:
  - {in: peace, A: {m: 1}}
strategies:
  A: {idle: {}}
profiles:
  baseline: {A: idle}
`

func parseBand(t *testing.T) *Scenario {
	t.Helper()
	sc, diags := Parse("hazard-band.yaml", []byte(hazardBand))
	if sc == nil {
		t.Fatalf("%v", diags)
	}
	return sc
}

// The band is the 5–95% quantile over draws at every step: against the
// closed form at the uniform's quantiles (within three standard deviations
// of the rank of the sample quantile, sqrt(0.05·0.95/n)), and exactly
// against the type-7 quantile of 1 - (1-p_i)^t over the draws' own p_i.
func TestAnalyzeReachBandClosedForm(t *testing.T) {
	sc := parseBand(t)
	const n = 2000
	rep, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: n, Seed: 4, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	pr := rep.Profiles["baseline"]
	if pr.ReachBandDraws != n {
		t.Fatalf("band over %d draws, want %d", pr.ReachBandDraws, n)
	}
	lo, hi := pr.ReachLo["war"], pr.ReachHi["war"]
	if len(lo) != 21 || len(hi) != 21 {
		t.Fatalf("band lengths %d, %d, want 21", len(lo), len(hi))
	}
	a, b := 0.05, 0.25
	reach := func(p float64, t int) float64 { return 1 - math.Pow(1-p, float64(t)) }
	pq := func(q float64) float64 { return a + q*(b-a) }
	slack := 3 * math.Sqrt(0.05*0.95/n)
	ps := make([]float64, n)
	for i := range ps {
		ps[i] = sc.DrawAt(4, i).Values[0]
	}
	col := make([]float64, n)
	for k := 0; k <= 20; k++ {
		for _, c := range []struct {
			q   float64
			got Number
		}{{0.05, lo[k]}, {0.95, hi[k]}} {
			g := float64(c.got)
			if min, max := reach(pq(c.q-slack), k), reach(pq(c.q+slack), k); g < min-1e-12 || g > max+1e-12 {
				t.Errorf("step %d: %v quantile %.5f outside the closed form's [%.5f, %.5f] (1-(1-p)^t at p = %.4f)", k, c.q, g, min, max, pq(c.q))
			}
			for i, p := range ps {
				col[i] = reach(p, k)
			}
			sort.Float64s(col)
			if want := quantile(col, c.q); math.Abs(g-want) > 1e-12 {
				t.Errorf("step %d: %v quantile %.15g, want %.15g from the draws' p", k, c.q, g, want)
			}
		}
		if m := float64(pr.Reach["war"][k]); !(float64(lo[k]) <= m && m <= float64(hi[k])) {
			t.Errorf("step %d: mean %.4f outside its band [%.4f, %.4f]", k, m, lo[k], hi[k])
		}
	}
	if lo[0] != 0 || hi[0] != 0 {
		t.Errorf("step 0 band [%v, %v], want [0, 0]", lo[0], hi[0])
	}
	// The JSON carries the band.
	js, _ := rep.JSON()
	for _, key := range []string{`"reach_lo"`, `"reach_hi"`, `"reach_band_draws": 2000`} {
		if !bytes.Contains(js, []byte(key)) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

// Under a small memory budget the band is over a prefix of the draws that
// fits, the same for one process and for any sharding; a scenario
// without distributions gets no band.
func TestAnalyzeReachBandPrefixShardMerge(t *testing.T) {
	sc := parseBand(t)
	// One curve of 21 steps: 168 bytes a draw; a quarter of 40,000 bytes
	// holds 59 of them.
	ctx := budget.WithLimit(context.Background(), 40_000)
	opt := AnalyzeOptions{Draws: 150, Seed: 9}
	want, err := Analyze(ctx, sc, opt)
	if err != nil {
		t.Fatal(err)
	}
	pr := want.Profiles["baseline"]
	if pr.ReachBandDraws != 59 {
		t.Fatalf("band over %d draws, want the 59 that fit", pr.ReachBandDraws)
	}
	col := make([]float64, 59)
	for i := range col {
		p := sc.DrawAt(9, i).Values[0]
		col[i] = 1 - math.Pow(1-p, 20)
	}
	sort.Float64s(col)
	if got, w := float64(pr.ReachHi["war"][20]), quantile(col, 0.95); math.Abs(got-w) > 1e-12 {
		t.Errorf("95%% at the horizon %.15g, want %.15g over the first 59 draws", got, w)
	}
	wantJSON, _ := want.JSON()
	for _, cut := range [][]int{{0, 150}, {0, 30, 58, 59, 60, 150}, {0, 1, 100, 150}} {
		var parts []*AnalyzeRecords
		for k := 0; k+1 < len(cut); k++ {
			o := opt
			o.Workers = 1 + k%2
			p, err := AnalyzePart(ctx, sc, o, cut[k], cut[k+1])
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, p)
		}
		got, err := AnalyzeMerge(ctx, sc, opt, parts)
		if err != nil {
			t.Fatal(err)
		}
		gotJSON, _ := got.JSON()
		if !bytes.Equal(gotJSON, wantJSON) {
			t.Errorf("merge of blocks %v differs from Analyze", cut)
		}
	}
	fixed, _ := Parse("fixed.yaml", bytes.Replace([]byte(hazardBand), []byte("{dist: uniform, min: 0.05, max: 0.25}"), []byte("{value: 0.1}"), 1))
	if fixed == nil {
		t.Fatal("fixed scenario does not parse")
	}
	rep, err := Analyze(context.Background(), fixed, AnalyzeOptions{Draws: 10})
	if err != nil {
		t.Fatal(err)
	}
	if fp := rep.Profiles["baseline"]; fp.ReachLo != nil || fp.ReachBandDraws != 0 {
		t.Errorf("fixed scenario has a band over %d draws", fp.ReachBandDraws)
	}
}
