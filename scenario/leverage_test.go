package scenario

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/truce-dev/truce/equilibrium"
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

// The commitment functions hold their closed forms (derived in the
// files' comments) on a one-state game, exact by Conitzer & Sandholm's
// linear programs, and on a clocked deadline game, found by search; and
// they read what truce commit reports (equilibrium.Commit with the default
// seed and the selected equilibrium) at the same parameter values.
func TestCommitFunctions(t *testing.T) {
	for _, file := range []string{"testdata/commit.yaml", "../examples/deadline-leverage.yaml"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		sc, diags := Parse(file, src)
		for _, d := range diags {
			if d.Severity == "error" {
				t.Fatalf("%v", diags)
			}
		}
		r, err := Analyze(context.Background(), sc, AnalyzeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, h := range r.Hypotheses {
			if h.HoldsShare != 1 {
				t.Errorf("%s: %s (%s) holds in %v of draws", file, h.ID, h.Expr, h.HoldsShare)
			}
			for k, v := range h.Quantities {
				got[k] = float64(v)
			}
		}
		g, _, err := sc.Build(sc.Central())
		if err != nil {
			t.Fatal(err)
		}
		leader := sc.Actors[0].ID
		sel, err := equilibrium.Solve(context.Background(), g, equilibrium.Options{})
		if err != nil {
			t.Fatal(err)
		}
		c, err := equilibrium.Commit(context.Background(), g, 0, 1, equilibrium.CommitOptions{Seed: DefaultSeed, Equilibrium: sel})
		if err != nil {
			t.Fatal(err)
		}
		for key, want := range map[string]float64{
			`commit_value("` + leader + `")`:          c.LeaderValue,
			`commit_follower_value("` + leader + `")`: c.FollowerValue,
			`commit_gain("` + leader + `", "eq")`:     c.ValueOfCommitment,
		} {
			v, ok := got[key]
			if !ok {
				continue // the file does not ask for it
			}
			if math.Abs(v-want) > 1e-9*(1+math.Abs(want)) {
				t.Errorf("%s: %s = %v, truce commit says %v", file, key, v, want)
			}
		}
		if _, ok := got[`commit_value("`+leader+`")`]; !ok {
			t.Errorf("%s asks for no commit_value", file)
		}
	}
}

// Mistakes in the commitment functions are reported at the call.
func TestCommitFunctionErrors(t *testing.T) {
	src, _ := os.ReadFile("testdata/commit.yaml")
	old := `expr: 'abs(commit_value("L") - 3.5/0.19) < 1e-9'`
	for _, tc := range []struct{ expr, want string }{
		{`commit_value("X") > 0`, `x.yaml:42:83: error: unknown actor "X"`},
		{`commit_value("X") > 0`, `unknown actor "X"`},
		{`commit_gain("L") > 0`, `commit_gain takes 2 arguments, got 1`},
		{`commit_gain("L", "nsah") > 0`, `unknown profile "nsah"`},
		{`commit_value("L", "eq") > 0`, `commit_value takes 1 argument`},
		{`commit_value(L) > 0`, `must be a quoted name`},
	} {
		s := strings.Replace(string(src), old, "expr: '"+tc.expr+"'", 1)
		_, diags := Parse("x.yaml", []byte(s))
		var all []string
		for _, d := range diags {
			all = append(all, d.String())
		}
		if !strings.Contains(strings.Join(all, "\n"), tc.want) {
			t.Errorf("%s: diagnostics %q lack %q", tc.expr, all, tc.want)
		}
	}
	// three actors, and an undiscounted one
	three := strings.Replace(string(src), "  - {id: F, weights: {u: 1}}", "  - {id: F, weights: {u: 1}}\n  - {id: G, weights: {u: 1}}", 1)
	undiscounted := strings.Replace(string(src), "discount: 0.9", "discount: 1", 1)
	for _, tc := range []struct{ src, want string }{
		{three, "x.yaml:43:74: error: commit_value needs a scenario of two actors, this one has 3"},
		{undiscounted, "x.yaml:42:74: error: commit_value: L is undiscounted (discount 1)"},
	} {
		_, diags := Parse("x.yaml", []byte(tc.src))
		var all []string
		for _, d := range diags {
			all = append(all, d.String())
		}
		if !strings.Contains(strings.Join(all, "\n"), tc.want) {
			t.Errorf("diagnostics %q lack %q", all, tc.want)
		}
	}
}
