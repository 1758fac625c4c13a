package scenario

import (
	"bytes"
	"context"
	"math"
	"os"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// `draws:` must be a whole number >= 1, reported at its value.
func TestHypothesisDrawsErrors(t *testing.T) {
	const h1 = `  - {id: H1, claim: c, expr: 'absorb("war", "base") < 0.5'}`
	for _, c := range []struct{ val, want string }{
		{"0", `31:68: error: hypothesis draws 0: must be at least 1 (hint: use a whole number of draws >= 1`},
		{"-3", `31:68: error: hypothesis draws -3: must be at least 1`},
		{"2.5", `31:68: error: hypothesis draws must be a whole number`},
		{"many", `31:68: error: hypothesis draws must be a whole number`},
		{"[10]", `31:68: error: hypothesis draws must be a whole number`},
		{"1e3", `31:68: error: hypothesis draws must be a whole number`},
		{"", `31:61: error: hypothesis draws is missing`},
		{"99999999999999999999999", `31:68: error: hypothesis draws must be a whole number`},
	} {
		src := edit(t, h1, strings.TrimSuffix(h1, "}")+", draws: "+c.val+"}")
		sc, ds := Parse("t.yaml", []byte(src))
		var all []string
		found := false
		for _, d := range ds {
			all = append(all, d.String())
			found = found || strings.Contains(d.String(), c.want)
		}
		if !found || sc != nil {
			t.Errorf("draws: %s: want an error containing\n  %s\ngot\n  %s", c.val, c.want, strings.Join(all, "\n  "))
		}
	}
	for _, c := range []struct {
		val  string
		want int
	}{{"1", 1}, {"250", 250}, {"1_000", 1000}} {
		const h1 = `  - {id: H1, claim: c, expr: 'absorb("war", "base") < 0.5'}`
		src := edit(t, h1, strings.TrimSuffix(h1, "}")+", draws: "+c.val+"}")
		sc, ds := Parse("t.yaml", []byte(src))
		if sc == nil {
			t.Fatalf("draws: %s: %v", c.val, ds)
		}
		if got := sc.Hypotheses[0].Draws; got != c.want {
			t.Errorf("draws: %s: got %d, want %d", c.val, got, c.want)
		}
	}
	sc, _ := Parse("t.yaml", []byte(base))
	if sc.Hypotheses[0].Draws != 0 {
		t.Errorf("without draws: got %d, want 0 (every draw)", sc.Hypotheses[0].Draws)
	}
}

func readScenario(t testing.TB, file string) *Scenario {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sc, ds := Parse(file, src)
	if sc == nil {
		t.Fatalf("%s: %v", file, ds)
	}
	return sc
}

// A hypothesis with draws: N reports, in a run of M draws, the share of
// the first min(N, M) draws: checked against each draw's closed form
// (reach(war, 24) = 1 - (1-p)^24, time(war) = 1/p) and against the share
// its unrestricted twin H1 has in a run of N draws. The interval holds the
// share, and fields appear only for a real subsample.
func TestSubsampleShareIsPrefixShare(t *testing.T) {
	base := readScenario(t, "testdata/subsample.yaml")
	rapid.Check(t, func(rt *rapid.T) {
		m := rapid.IntRange(2, 60).Draw(rt, "draws")
		n := rapid.IntRange(1, 70).Draw(rt, "subsample")
		seed := rapid.Uint64Range(0, 1000).Draw(rt, "seed")
		sc := *base
		sc.Hypotheses = append([]Hypothesis(nil), base.Hypotheses...)
		sc.Hypotheses[2].Draws = n
		sc.Hypotheses[3].Draws = n
		rep, err := Analyze(context.Background(), &sc, AnalyzeOptions{Draws: m, Seed: seed, Workers: 1 + int(seed%3)})
		if err != nil {
			rt.Fatal(err)
		}
		k := min(n, m)
		var h3, h4 int
		for i := 0; i < k; i++ {
			p := sc.DrawAt(seed, i).Values[0]
			if 1-math.Pow(1-p, 24) > 0.85 {
				h3++
			}
			if 1/p > 8 {
				h4++
			}
		}
		for _, c := range []struct {
			h    int
			hold int
		}{{2, h3}, {3, h4}} {
			hr := rep.Hypotheses[c.h]
			if want := float64(c.hold) / float64(k); math.Abs(hr.HoldsShare-want) > 1e-12 {
				rt.Fatalf("%s: share %v, want %v (%d of the first %d draws)", hr.ID, hr.HoldsShare, want, c.hold, k)
			}
			if n < m {
				if hr.EvaluatedDraws != n || hr.ShareInterval == nil {
					rt.Fatalf("%s: evaluated %d, interval %v; want %d and an interval", hr.ID, hr.EvaluatedDraws, hr.ShareInterval, n)
				}
				if lo, hi := float64(hr.ShareInterval[0]), float64(hr.ShareInterval[1]); lo > hr.HoldsShare || hi < hr.HoldsShare {
					rt.Fatalf("%s: interval [%v, %v] misses the share %v", hr.ID, lo, hi, hr.HoldsShare)
				}
			} else if hr.EvaluatedDraws != 0 || hr.ShareInterval != nil || hr.Verdict == Unsettled {
				rt.Fatalf("%s: draws %d >= run %d must read as an ordinary hypothesis, got %+v", hr.ID, n, m, hr)
			}
		}
		small, err := Analyze(context.Background(), &sc, AnalyzeOptions{Draws: k, Seed: seed})
		if err != nil {
			rt.Fatal(err)
		}
		if small.Hypotheses[0].HoldsShare != rep.Hypotheses[2].HoldsShare {
			rt.Fatalf("H3 on the first %d of %d draws: %v; H1 over a run of %d draws: %v", k, m, rep.Hypotheses[2].HoldsShare, k, small.Hypotheses[0].HoldsShare)
		}
	})
}

// The Jeffreys interval's ends are the 2.5% and 97.5% points of
// Beta(k+½, n−k+½), checked by integrating the density independently
// (Simpson's rule after x = t², which removes the x^-½ singularity).
func TestShareInterval(t *testing.T) {
	cdf := func(a, b, x float64) float64 {
		la, _ := math.Lgamma(a)
		lb, _ := math.Lgamma(b)
		lab, _ := math.Lgamma(a + b)
		f := func(u float64) float64 { // density of t = sqrt(x)
			if u <= 0 || u >= 1 {
				if u <= 0 && a == 0.5 {
					return 2 * math.Exp(lab-la-lb)
				}
				return 0
			}
			return 2 * math.Exp(lab-la-lb+(2*a-1)*math.Log(u)+(b-1)*math.Log1p(-u*u))
		}
		const steps = 200000
		h := math.Sqrt(x) / steps
		s := f(0) + f(math.Sqrt(x))
		for i := 1; i < steps; i++ {
			w := 2.0
			if i%2 == 1 {
				w = 4
			}
			s += w * f(float64(i)*h)
		}
		return s * h / 3
	}
	for _, c := range []struct{ k, n int }{{14, 20}, {0, 20}, {20, 20}, {45, 50}, {1, 7}, {500, 1000}, {0, 1}, {1, 1}} {
		lo, hi := ShareInterval(c.k, c.n)
		a, b := float64(c.k)+0.5, float64(c.n-c.k)+0.5
		if c.k == 0 {
			if lo != 0 {
				t.Errorf("%d/%d: lower end %v, want 0", c.k, c.n, lo)
			}
		} else if got := cdf(a, b, lo); math.Abs(got-0.025) > 1e-6 {
			t.Errorf("%d/%d: CDF at the lower end %v is %v, want 0.025", c.k, c.n, lo, got)
		}
		if c.k == c.n {
			if hi != 1 {
				t.Errorf("%d/%d: upper end %v, want 1", c.k, c.n, hi)
			}
		} else if got := cdf(a, b, hi); math.Abs(got-0.975) > 1e-6 {
			t.Errorf("%d/%d: CDF at the upper end %v is %v, want 0.975", c.k, c.n, hi, got)
		}
		if share := float64(c.k) / float64(c.n); lo > share || hi < share {
			t.Errorf("%d/%d: [%v, %v] misses the share", c.k, c.n, lo, hi)
		}
	}
}

// The verdict of a subsample is the category of its whole interval, and
// "unsettled" with the categories it spans when the ends differ.
func TestSubsampleVerdict(t *testing.T) {
	for _, c := range []struct {
		lo, hi  float64
		want    string
		between string
	}{
		{0.92, 1, "supported", ""},
		{0.9, 0.99, "supported", ""},
		{0.89, 1, Unsettled, "uncertain supported"},
		{0.2, 0.8, "uncertain", ""},
		{0, 0.1, "rejected", ""},
		{0.05, 0.3, Unsettled, "rejected uncertain"},
		{0.05, 0.95, Unsettled, "rejected uncertain supported"},
	} {
		v, between := SubsampleVerdict(c.lo, c.hi)
		if v != c.want || strings.Join(between, " ") != c.between {
			t.Errorf("[%v, %v]: %s %v, want %s %s", c.lo, c.hi, v, between, c.want, c.between)
		}
	}
	// 20 of 20 draws holding does not show 90%: the interval reaches below.
	var hr HypothesisReport
	hr.SetShare(20, 20, true)
	if hr.Verdict != Unsettled || hr.HoldsShare != 1 {
		t.Errorf("20/20: %+v, want unsettled", hr)
	}
	hr.SetShare(20, 20, false)
	if hr.Verdict != "supported" || hr.ShareInterval != nil {
		t.Errorf("20/20 over every draw: %+v, want supported without interval", hr)
	}
	hr.SetShare(60, 60, true)
	if hr.Verdict != "supported" {
		t.Errorf("60/60: %+v, want supported", hr)
	}
}

// The text says on how many draws, the interval, and "not settled" when
// the subsample does not decide; the JSON carries the same.
func TestSubsampleText(t *testing.T) {
	sc := readScenario(t, "testdata/subsample.yaml")
	sc.Hypotheses[2].Draws = 5
	rep, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: 40, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	h3 := rep.Hypotheses[2]
	lo, hi := ShareInterval(int(math.Round(h3.HoldsShare*5)), 5)
	if h3.Verdict != Unsettled {
		t.Fatalf("5 draws must not settle H3: %+v", h3)
	}
	for _, want := range []string{
		"H3  not settled",
		"on 5 of 40 draws: 95% interval " + pct1(lo) + "–" + pct1(hi) + ", so the subsample does not settle the verdict (" + strings.Join(h3.VerdictBetween, " or ") + ")",
		"on 9 of 40 draws",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	js, _ := rep.JSON()
	for _, want := range []string{`"evaluated_draws": 5`, `"verdict": "unsettled"`, `"share_interval": [`, `"verdict_between": [`} {
		if !bytes.Contains(js, []byte(want)) {
			t.Errorf("JSON lacks %s", want)
		}
	}
}

// The lint notes a hypothesis that calls a costly function (the
// equilibrium set, the commitment search) without draws:, once each, and
// not one that has draws: or a scenario with a single draw.
func TestLintCostlyHypotheses(t *testing.T) {
	src, err := os.ReadFile("testdata/eqset.yaml")
	if err != nil {
		t.Fatal(err)
	}
	random := strings.Replace(strings.Replace(string(src), "to: {good: 0.1}}", "to: {good: g}}", 1),
		"states:\n", "parameters:\n  g: {dist: uniform, min: 0.05, max: 0.15}\nstates:\n", 1)
	random = strings.Replace(random, "    expr: equilibria(\"equilibrium\") == 3\n", "    expr: equilibria(\"equilibrium\") == 3\n    draws: 10\n", 1)
	for _, c := range []struct {
		name, src string
		want      []string
	}{
		{"random", random, []string{"E2", "E3", "E4", "E5"}},
		{"fixed", string(src), nil},
	} {
		sc, ds := Parse("eqset.yaml", []byte(c.src))
		if sc == nil {
			t.Fatalf("%s: %v", c.name, ds)
		}
		var got []string
		for _, d := range sc.Lint(context.Background()) {
			if strings.Contains(d.Msg, "on every draw (seconds per draw") {
				if d.Severity != SeverityNote || !strings.Contains(d.Hint, "draws: 100") {
					t.Errorf("%s: %s", c.name, d)
				}
				got = append(got, strings.Fields(d.Msg)[1])
			}
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("%s: notes for %v, want %v", c.name, got, c.want)
		}
	}
}

// Claims over the equilibrium set with draws: (testdata/eqset-draws.yaml):
// on each draw the set has three equilibria and "in every equilibrium A
// earns more than 5" holds exactly when e > 38/21 (the file derives it),
// so E1's share is 1 on its 20 draws and E3's is the share of the first 40 draws with
// e > 38/21, in a run of any size.
func TestSubsampleEquilibriumSet(t *testing.T) {
	sc := readScenario(t, "testdata/eqset-draws.yaml")
	rep, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: 90, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	held := 0
	for i := 0; i < 40; i++ {
		if sc.DrawAt(5, i).Values[0] > 38.0/21 {
			held++
		}
	}
	e1, e3 := rep.Hypotheses[0], rep.Hypotheses[1]
	// 20 of 20 is not enough to put the share above 90%: its interval
	// reaches below.
	if e1.HoldsShare != 1 || e1.EvaluatedDraws != 20 || e1.Verdict != Unsettled || strings.Join(e1.VerdictBetween, " ") != "uncertain supported" {
		t.Errorf("E1: %+v, want 1 on 20 draws, not settled between uncertain and supported", e1)
	}
	if want := float64(held) / 40; e3.HoldsShare != want || e3.EvaluatedDraws != 40 {
		t.Errorf("E3: %v on %d draws, want %v on 40", e3.HoldsShare, e3.EvaluatedDraws, want)
	}
}
