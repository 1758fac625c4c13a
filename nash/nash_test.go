package nash

import "testing"

// Progress lines count equilibria with the right noun ("1 equilibria" was
// printed by lcp, the tree's lcp and enummixed).
func TestEquilibriaCount(t *testing.T) {
	for n, want := range map[int]string{0: "0 equilibria", 1: "1 equilibrium", 2: "2 equilibria"} {
		if got := equilibria(n); got != want {
			t.Errorf("equilibria(%d) = %q, want %q", n, got, want)
		}
	}
}
