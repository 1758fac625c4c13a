package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// gcPolicy reads GOGC and the memory limit without changing them.
func gcPolicy() (int, int64) {
	pct := debug.SetGCPercent(-1)
	debug.SetGCPercent(pct)
	return pct, debug.SetMemoryLimit(-1) // a negative limit only reads it
}

// TestGCFloor: gcFloor turns collection off below the floor and restores
// the policy when the last overlapping caller returns, or, for the floor
// in force only, when the first collection frees the sentinel.
func TestGCFloor(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT is set: gcFloor leaves the policy alone")
	}
	pct0, lim0 := gcPolicy()
	if pct0 < 0 {
		t.Fatalf("collection is off before the test (GOGC %d)", pct0)
	}
	r1 := gcFloor(simulateHeapFloor)
	if pct, lim := gcPolicy(); pct != -1 || lim != simulateHeapFloor {
		t.Fatalf("under the floor: GOGC %d, limit %d; want -1, %d", pct, lim, simulateHeapFloor)
	}
	r2 := gcFloor(simulateHeapFloor) // overlapping: nothing to save
	r1()
	r1() // twice: counted once
	if pct, _ := gcPolicy(); pct != -1 {
		t.Fatalf("one of two callers returned: GOGC %d, want the floor kept (-1)", pct)
	}
	r2()
	if pct, lim := gcPolicy(); pct != pct0 || lim != lim0 {
		t.Fatalf("after the last caller: GOGC %d, limit %d; want %d, %d", pct, lim, pct0, lim0)
	}

	// The first collection lifts the floor; a stale sentinel of an
	// earlier floor does not lift a later one.
	r3 := gcFloor(simulateHeapFloor)
	gen := gcf.gen
	liftFloor(gen - 1)
	if pct, _ := gcPolicy(); pct != -1 {
		t.Fatalf("an earlier floor's sentinel lifted the floor (GOGC %d)", pct)
	}
	liftFloor(gen)
	if pct, lim := gcPolicy(); pct != pct0 || lim != lim0 {
		t.Fatalf("after the first collection: GOGC %d, limit %d; want %d, %d", pct, lim, pct0, lim0)
	}
	r3()
	if pct, lim := gcPolicy(); pct != pct0 || lim != lim0 {
		t.Fatalf("caller returned after the floor was lifted: GOGC %d, limit %d; want %d, %d", pct, lim, pct0, lim0)
	}
}
