package avx

import (
	"testing"

	"golang.org/x/sys/cpu"
)

// TestSameAsXSysCPU: the answer is golang.org/x/sys/cpu's (which the
// assembly loops used before), on the first call and on later ones.
func TestSameAsXSysCPU(t *testing.T) {
	want := cpu.X86.HasAVX
	if got := Enabled(); got != want {
		t.Fatalf("Enabled() = %v on the first call, x/sys/cpu says %v", got, want)
	}
	if got := Enabled(); got != want {
		t.Fatalf("Enabled() = %v on the second call, x/sys/cpu says %v", got, want)
	}
	if s := state.Load(); s != 1 && s != 2 {
		t.Fatalf("state %d after a call", s)
	}
}
