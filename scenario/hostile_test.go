package scenario

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/truce-dev/truce/internal/hostile"
)

// TestNestingDepth: the pre-parse measure of nesting counts what nests
// and ignores what only looks like it (quotes, comments, block scalars).
func TestNestingDepth(t *testing.T) {
	for _, tc := range []struct {
		src   string
		limit int
		ok    bool
	}{
		{"a: 1\n", 2, true},
		{"- - - x\n", 3, false},
		{"- - - x\n", 4, true},
		{"a:\n  b:\n    c:\n      d: 1\n", 4, false},
		{"a:\n  b:\n    c:\n      d: 1\n", 8, true},
		{"a: [[[[1]]]]\n", 4, false},
		{"a: [\n [\n  [\n   [1]]]]\n", 4, false},
		{"a: '[[[[[[[['\n", 3, true},
		{"a: \"- - - - - [[[[\"\n", 3, true},
		{"a: 1 # [[[[[[[[[[ - - - -\n", 3, true},
		{"a: |\n  [[[[[[[[\n  - - - - - -\n    - - - -\nb: 1\n", 3, true},
		{"a: it's [a] b\n", 3, true},
		{"- &x - &y - z\n", 2, false},
		{"- !!seq [!!seq [1]]\n", 2, false},
		// A lone CR ends a line, as in YAML: read as one line, these keys
		// counted a level each.
		{"a: 1\rb: 2\rc: 3\rd: 4\r", 2, true},
		{"a: 1\r\nb: 2\r\nc: 3\r\n", 2, true},
		{"a:\r  b:\r    c:\r      d: 1\r", 4, false},
	} {
		_, ok := nestingDepth([]byte(tc.src), tc.limit)
		if ok != tc.ok {
			t.Errorf("%q limit %d: ok=%v, want %v", tc.src, tc.limit, ok, tc.ok)
		}
	}
	// Positions count lines as the YAML parser does (LF, CR LF, CR).
	for _, nl := range []string{"\n", "\r\n", "\r"} {
		src := "a: 1" + nl + nl + "b: [[[[1]]]]" + nl
		if p, ok := nestingDepth([]byte(src), 3); ok || p != (Pos{3, 5}) {
			t.Errorf("%q: stop at %v (ok %v), want 3:5", src, p, ok)
		}
	}
	// Every scenario in the repository is far below MaxNesting.
	files, _ := filepath.Glob("../examples/*.yaml")
	more, _ := filepath.Glob("../examples/*/*.yaml")
	more2, _ := filepath.Glob("../scenarios/*.yaml")
	more3, _ := filepath.Glob("testdata/*.yaml")
	for _, f := range append(append(append(files, more...), more2...), more3...) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if p, ok := nestingDepth(src, 12); !ok {
			t.Errorf("%s:%d:%d: nests more than 12 levels by the measure", f, p.Line, p.Col)
		}
	}
}

// TestHostileScenarios: inputs that once crashed truce, hung it or gave a
// wrong number now give an error at file:line:col (or the right answer).
func TestHostileScenarios(t *testing.T) {
	base := "truce: 1\nhorizon: 20\ndiscount: 0.9\nactors: [{id: A}, {id: B}]\nstates:\n  - {id: peace, initial: true}\n  - {id: war, terminal: true}\n"
	for _, tc := range []struct {
		name, src, want string
	}{
		{"nested 100k", string(hostile.NestedYAML(100_000)), "1:199: error: the YAML nests more than 100 levels deep"},
		{"nested flow", string(hostile.NestedFlowYAML(5000)), "error: the YAML nests more than 100 levels deep"},
		{"value .inf", base + "parameters:\n  p: {value: .inf}\ntransitions:\n  - {from: peace, to: {war: p}}\n", "9:14: error: value must be finite, got +Inf"},
		{"fixed .nan", base + "parameters:\n  p: .nan\n", "9:6: error: parameter p must be finite, got NaN"},
		{"weight .inf", strings.Replace(base, "{id: A}", "{id: A, weights: {x: .inf}}", 1), "4:31: error: weight must be finite, got +Inf"},
		{"huge payoff", base + "payoffs:\n  - {in: peace, A: {payoff: 1e300}}\n", "9:29: error: payoff 1e+300 is too large"},
		{"huge expression", base + "payoffs:\n  - {in: peace, A: {payoff: \"10 ** 200\"}}\n", `beyond ±1e100`},
		{"tiny probability", base + "transitions:\n  - {from: peace, to: {war: 1.0e-17}}\n", "9:29: error: probability 1.0e-17 is below 1e-12"},
		{"int overflow probability", base + "transitions:\n  - {from: peace, to: {war: \"9223372036854775807 * 9223372036854775807\"}}\n", "probability 9223372036854775807 * 9223372036854775807 = 8.50706e+37 is outside [0, 1]"},
		{"two documents", "truce: 1\n---\ntruce: 1\n", "more than one YAML document"},
	} {
		_, ds := Parse("h.yaml", []byte(tc.src))
		got := ""
		for _, d := range ds {
			got += d.String() + "\n"
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: diagnostics\n%s\nlack %q", tc.name, got, tc.want)
		}
		if strings.Contains(got, "internal error") {
			t.Errorf("%s: %s", tc.name, got)
		}
	}
}

// TestNumbersExact: integer arithmetic in expressions is done in float64
// (no wrap-around), YAML 1.2 numbers are numbers, and a BOM is ignored.
func TestNumbersExact(t *testing.T) {
	src := "\uFEFFtruce: 1\nhorizon: 5\ndiscount: 9e-1\nactors: [{id: A, weights: {x: 1e0}}]\nstates:\n  - {id: s, initial: true}\n  - {id: end, terminal: true}\n" +
		"transitions:\n  - {from: s, to: {end: 1e-1}}\npayoffs:\n  - {in: s, A: {x: \"-10000000000 * 10000000000\"}}\n  - {in: s, A: {x: \"7 % 4\"}}\n  - {in: s, A: {x: 3/20}}\n"
	sc, ds := Parse("n.yaml", []byte(src))
	if sc == nil {
		t.Fatal(ds)
	}
	if sc.Actors[0].Discount != 0.9 {
		t.Errorf("discount %v", sc.Actors[0].Discount)
	}
	g, _, err := sc.Build(sc.Central())
	if err != nil {
		t.Fatal(err)
	}
	// One joint action in s: payoff -1e20 + 3 + 0.15.
	if got, want := g.Flow[0][0][0], -1e20+3+0.15; got != want {
		t.Errorf("flow payoff %v, want %v", got, want)
	}
}

// TestParseStopsWithContext: checking a large file stops when its context
// ends, saying so.
func TestParseStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sc, ds := ParseContext(ctx, "big.yaml", hostile.ManyParameters(2000))
	if sc != nil || len(ds) == 0 || !strings.Contains(ds[0].Msg, "checking stopped before the end: context canceled") {
		t.Errorf("cancelled parse: %v", ds)
	}
}

// TestLargeScenariosCheck: the sizes that took minutes (quadratic checks)
// parse, with the right warnings, at a size that keeps the test fast;
// BenchmarkParseLarge measures the time per state and parameter.
func TestLargeScenariosCheck(t *testing.T) {
	sc, ds := Parse("states.yaml", hostile.ChainStates(2000, 10))
	if sc == nil || len(sc.States) != 2001 || len(ds) != 0 {
		t.Fatalf("2000 states: %v", ds)
	}
	// A parameter's bound that breaks one rule among many is found and
	// named.
	bad := strings.Replace(string(hostile.ManyParameters(1000)), "{payoff: p999}", "{payoff: \"1e98 * p999 * 150\"}", 1)
	_, ds = Parse("bad.yaml", []byte(bad))
	if len(ds) != 1 || !strings.Contains(ds[0].Msg, "the draw with p999 at its upper bound") {
		t.Errorf("bound of p2999: %v", ds)
	}
}

// TestFailedDrawsCounted: a draw whose probabilities leave [0, 1] is left
// out and counted (with its number and error), not fatal, unless Strict;
// every figure is over the draws analysed.
func TestFailedDrawsCounted(t *testing.T) {
	// A valid file whose parameter's range is then widened behind check's
	// back: the draws with p > 1 (half of them) fail when built.
	src := "truce: 1\nhorizon: 5\ndiscount: 0.9\nactors: [{id: A}]\nparameters:\n  p: {dist: uniform, min: 0, max: 1}\n" +
		"states:\n  - {id: s, initial: true}\n  - {id: end, terminal: true}\n" +
		"transitions:\n  - {from: s, to: {end: p}}\n"
	sc, ds := Parse("f.yaml", []byte(src))
	if sc == nil {
		t.Fatal(ds)
	}
	sc.Parameters[0].Dist.Max = 2
	rep, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: 400, Seed: 1, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Failed
	if f == nil || f.Count < 150 || f.Count > 250 || len(f.Examples) != maxFailedExamples {
		t.Fatalf("failed draws %+v, want about half of 400", f)
	}
	if !strings.Contains(f.Examples[0].Error, "is outside [0, 1]") || !strings.HasPrefix(f.Examples[0].Error, "draw ") {
		t.Errorf("first failure %+v", f.Examples[0])
	}
	// absorb(end) is 1 on every analysed draw: the failed ones do not
	// count as zeros.
	if m := rep.Profiles["default"].Absorb["end"].Mean; m != 1 {
		t.Errorf("mean absorption over the analysed draws %v, want 1", m)
	}
	if _, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: 400, Seed: 1, Strict: true}); err == nil || !strings.Contains(err.Error(), "outside [0, 1]") {
		t.Errorf("strict: %v", err)
	}
}

// TestSeriesBounded: beyond ExactQuantileDraws a series keeps every k-th
// draw; its mean stays exact and its quantiles are within the documented
// error of the whole's (a uniform low-discrepancy stream, whose true 5%
// and 95% quantiles are 0.05 and 0.95).
func TestSeriesBounded(t *testing.T) {
	const draws = 3*ExactQuantileDraws + 7
	s := series{stride: quantileStride(draws)}
	if s.stride != 4 {
		t.Fatalf("stride %d for %d draws", s.stride, draws)
	}
	sum := 0.0
	for i := 0; i < draws; i++ {
		x := math.Mod(float64(i)*0.6180339887498949, 1)
		sum += x
		s.add(i, x)
	}
	if len(s.kept) > ExactQuantileDraws || len(s.kept) < ExactQuantileDraws/2 {
		t.Errorf("%d draws kept", len(s.kept))
	}
	st := s.stat()
	if float64(st.Mean) != sum/draws {
		t.Errorf("mean %v, want %v (over every draw)", st.Mean, sum/draws)
	}
	if math.Abs(float64(st.Lo)-0.05) > 0.0025 || math.Abs(float64(st.Hi)-0.95) > 0.0025 {
		t.Errorf("quantiles %v %v, want 0.05 and 0.95 within 0.0025", st.Lo, st.Hi)
	}
	// Up to ExactQuantileDraws, exactly what summarize gives over all.
	e := series{stride: quantileStride(1000)}
	var xs []float64
	for i := 0; i < 1000; i++ {
		x := math.Mod(float64(i)*0.7548776662466927, 1)
		xs = append(xs, x)
		e.add(i, x)
	}
	if e.stat() != summarize(xs) {
		t.Errorf("exact: %v, want %v", e.stat(), summarize(xs))
	}
}
