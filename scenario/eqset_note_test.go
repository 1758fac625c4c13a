package scenario

import (
	"context"
	"strings"
	"testing"

	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/internal/hostile"
)

// TestEquilibriumSetNoteSaysMemoryRefusal: when the memory budget refuses
// auto's homotopy and policy iteration selects the equilibrium instead,
// the analysis says so with the refusal's alternative (equilibrium_set's
// note and the text's "note:" line), instead of only the selection rule.
func TestEquilibriumSetNoteSaysMemoryRefusal(t *testing.T) {
	sc, diags := Parse("stage.yaml", hostile.StageGame(2, 3, 50))
	for _, d := range diags {
		if d.Severity == "error" {
			t.Fatal(d)
		}
	}
	ctx := budget.WithLimit(context.Background(), 1<<20)
	rep, err := Analyze(ctx, sc, AnalyzeOptions{Profiles: []string{"eq"}, EquilibriumStarts: -1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	e := rep.Profiles["eq"].EquilibriumSet
	if e == nil {
		t.Fatal("no equilibrium set for the equilibrium profile")
	}
	for _, want := range []string{"at central values, policy iteration: homotopy: the homotopy's Jacobian", "(--max-memory); use --method iterate", "policy iteration from uniform play used instead"} {
		if !strings.Contains(e.Note, want) {
			t.Errorf("note %q lacks %q", e.Note, want)
		}
	}
	var text strings.Builder
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "  note: "+e.Note+"\n") {
		t.Errorf("the text does not print the note:\n%s", text.String())
	}
}
