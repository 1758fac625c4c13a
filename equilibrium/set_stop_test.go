package equilibrium

import (
	"context"
	"errors"
	"testing"

	"github.com/truce-dev/truce/internal/budget"
)

// TestSolveAllStoppedKeepsMemoryRefusal: when auto's homotopy is refused
// by the memory budget and the context then ends value iteration, the
// error says both, so that the user learns the refusal and its
// alternative, not only that the time ran out.
func TestSolveAllStoppedKeepsMemoryRefusal(t *testing.T) {
	g := mpeRandomGame(1, 100, 2, 3, 0.9) // homotopy Jacobian 601 × 601: about 3 MiB
	ctx, cancel := context.WithCancel(budget.WithLimit(context.Background(), 1<<20))
	cancel()
	_, err := SolveAll(ctx, g, SetOptions{Starts: 2, Seed: 1})
	if err == nil {
		t.Fatal("SolveAll with an ended context returned no error")
	}
	var mem *budget.ExceededError
	if !errors.As(err, &mem) || mem.Alternative == "" {
		t.Errorf("the error does not hold the homotopy's memory refusal and its alternative: %v", err)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("the error does not say the context ended: %v", err)
	}
}
