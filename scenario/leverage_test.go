package scenario

import (
	"context"
	"os"
	"strings"
	"testing"
)

// The leverage functions in hypotheses, on a scenario whose answers are
// derived by hand in its comments: every hypothesis holds.
func TestLeverageFunctions(t *testing.T) {
	src, err := os.ReadFile("testdata/leverage.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, diags := Parse("testdata/leverage.yaml", src)
	for _, d := range diags {
		if d.Severity == "error" {
			t.Fatalf("%v", diags)
		}
	}
	r, err := Analyze(context.Background(), sc, AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range r.Hypotheses {
		if h.HoldsShare != 1 {
			t.Errorf("%s (%s) holds in %v of draws", h.ID, h.Expr, h.HoldsShare)
		}
	}
}

// Mistakes in the leverage functions are reported at the call.
func TestLeverageFunctionErrors(t *testing.T) {
	src, _ := os.ReadFile("testdata/leverage.yaml")
	for _, tc := range []struct{ expr, want string }{
		{`credible("US", "strike", "threat")`, `"strike" is neither an action of US nor a state`},
		{`credible("US", "withdraw", "equilibrium")`, `credible() of profile "equilibrium", which is an equilibrium`},
		{`responds("IR", "soft", "thraet")`, `unknown profile "thraet"`},
		{`best_response_value("XX", "soft") > 0`, `unknown actor "XX"`},
		{`responds("IR", "soft")`, `responds takes 3 arguments, got 2`},
	} {
		s := strings.Replace(string(src), `expr: abs(best_response_value("IR", "threat")) < 1e-9`, "expr: '"+tc.expr+"'", 1)
		_, diags := Parse("x.yaml", []byte(s))
		var all []string
		for _, d := range diags {
			all = append(all, d.String())
		}
		if !strings.Contains(strings.Join(all, "\n"), tc.want) {
			t.Errorf("%s: diagnostics %q lack %q", tc.expr, all, tc.want)
		}
	}
}
