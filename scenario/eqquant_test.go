package scenario

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
)

// The functions over the equilibrium set on the coordination game of
// testdata/eqset.yaml, against its hand-solved three equilibria; and with
// the hotline's payoff h a parameter, against the closed forms at each
// point: values h/0.19, 1/0.19 and (h/(1+h))/0.19 (the mixed equilibrium
// plays the hotline with probability 1/(1+h)), a bad ending with
// probability 2p(1−p) per ending in the mixed one.
func TestEquilibriumSetFunctions(t *testing.T) {
	outs := []string{
		`equilibria("equilibrium")`,
		`min_value("A", "equilibrium")`, `max_value("B", "equilibrium", "u")`,
		`min_absorb("bad", "equilibrium")`, `max_absorb("bad", "equilibrium")`,
		`max_reach("bad", 10, "equilibrium")`, `min_absorb("good", "equilibrium")`,
		`value("A", "equilibrium")`,
	}
	want := func(h float64) []float64 {
		p := 1 / (1 + h)
		bad := 2 * p * (1 - p)
		return []float64{3, math.Min(1, h/(1+h)) / 0.19, math.Max(h, 1) / 0.19, 0, bad,
			bad * (1 - math.Pow(0.9, 10)), 1 - bad, math.Max(h, 1) / 0.19}
	}
	check := func(what string, got, want []float64) {
		t.Helper()
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-7*math.Max(1, math.Abs(want[i])) {
				t.Errorf("%s: %s = %.10g, want %.10g", what, outs[i], got[i], want[i])
			}
		}
	}
	ctx := context.Background()

	sc := loadFile(t, "testdata/eqset.yaml")
	p, err := sc.NewProbe(ProbeOptions{Outputs: outs})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]float64, len(outs))
	holds := make([]bool, len(p.Hypotheses()))
	if err := p.Eval(ctx, sc.Central().Values, "central", got, holds); err != nil {
		t.Fatal(err)
	}
	check("eqset.yaml", got, want(2))
	if fmt.Sprint(holds) != "[true true false true true]" {
		t.Errorf("E1…E5 hold: %v, want [true true false true true]", holds)
	}

	src, err := os.ReadFile("testdata/eqset.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(src), "states:\n", "parameters:\n  h: {dist: uniform, min: 0.5, max: 4}\nstates:\n", 1)
	s = strings.Replace(s, "A: {u: 2}, B: {u: 2}", "A: {u: h}, B: {u: h}", 1)
	sh, ds := Parse("eqset-h.yaml", []byte(s))
	if sh == nil {
		t.Fatal(ds)
	}
	ph, err := sh.NewProbe(ProbeOptions{Outputs: outs})
	if err != nil {
		t.Fatal(err)
	}
	holds = make([]bool, len(ph.Hypotheses()))
	for _, h := range []float64{0.5, 0.8, 1.5, 3.7} {
		if err := ph.Eval(ctx, []float64{h}, "h", got, holds); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("h = %v", h), got, want(h))
	}

	// Over draws: the same answer for any number of workers.
	var ref string
	for _, w := range []int{1, 3} {
		r, err := Analyze(ctx, sh, AnalyzeOptions{Draws: 12, Seed: 4, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := r.JSON()
		if w == 1 {
			ref = string(b)
		} else if string(b) != ref {
			t.Error("the set functions depend on the number of workers")
		}
	}
}

// The set functions name an equilibrium profile; anything else is an
// error at the call.
func TestEquilibriumSetFunctionErrors(t *testing.T) {
	src, err := os.ReadFile("testdata/eqset.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ expr, want string }{
		{`min_value("A", "missed") > 0`, `min_value of profile "missed", which is not an equilibrium profile`},
		{`equilibria("missed") > 1`, `equilibria of profile "missed", which is not an equilibrium profile`},
		{`max_absorb("bad", "equilibrum") > 0`, `unknown profile "equilibrum"`},
		{`min_reach("bad", 11, "equilibrium") > 0`, `horizon`},
	} {
		s := strings.Replace(string(src), `expr: equilibria("equilibrium") == 3`, "expr: '"+c.expr+"'", 1)
		_, ds := Parse("e.yaml", []byte(s))
		if got := fmt.Sprint(ds); !strings.Contains(got, c.want) || !strings.Contains(got, "e.yaml:46:") {
			t.Errorf("%s: want %q at line 46 in %s", c.expr, c.want, got)
		}
	}
}

// In a clocked scenario the set is the stationary set of the game from
// the clock on, each member extended back over the clock by backward
// induction: testdata/eqset-clock.yaml, against the closed forms in its
// comments (the extension itself is checked against the game unrolled
// over (state, step) by equilibrium's TestSolveAllClocked).
func TestEquilibriumSetFunctionsClocked(t *testing.T) {
	outs := []string{
		`equilibria("equilibrium")`, `value("A", "equilibrium")`,
		`min_value("A", "equilibrium")`, `max_value("B", "equilibrium", "u")`,
		`min_absorb("bad", "equilibrium")`, `max_absorb("bad", "equilibrium")`,
		`max_reach("bad", 10, "equilibrium")`, `min_absorb("good", "equilibrium")`,
	}
	hot := 0.8 + 0.81*(0.8+0.81*2/0.19)
	mixed := 4.0/9 + 0.81*(4.0/9+0.81*(2.0/3)/0.19)
	bad := 0.1*1.9*40/81 + 0.81*4/9
	badBy10 := 0.1*1.9*40/81 + 4.0/9*(0.81-math.Pow(0.9, 10))
	want := []float64{3, hot, mixed, hot, 0, bad, badBy10, 1 - bad}
	sc := loadFile(t, "testdata/eqset-clock.yaml")
	p, err := sc.NewProbe(ProbeOptions{Outputs: outs})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]float64, len(outs))
	holds := make([]bool, len(p.Hypotheses()))
	if err := p.Eval(context.Background(), sc.Central().Values, "central", got, holds); err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-9*math.Max(1, math.Abs(want[i])) {
			t.Errorf("%s = %.12g, want %.12g", outs[i], got[i], want[i])
		}
	}
	if fmt.Sprint(holds) != "[true false true true]" {
		t.Errorf("E1…E4 hold: %v, want [true false true true]", holds)
	}
}
