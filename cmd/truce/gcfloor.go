package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"sync"
)

// simulateHeapFloor is the Go heap (runtime memory, as GOMEMLIMIT counts
// it) below which `truce simulate` does not collect garbage.
const simulateHeapFloor = 64 << 20

// gcFloor turns the garbage collector off until the process's Go memory
// reaches floor bytes; the first collection (the heap reached the floor)
// or the returned function, whichever comes first, restores the policy
// that was in force. A command whose heap stays small (simulate reads a
// 165 kB scenario with 18 MB of short-lived allocations and keeps a few
// MB) then pays for no collection at all: with the default policy it ran
// five, whose mark workers took the idle core, 5–8 % of the command's CPU
// time. A larger heap is collected as before from the floor on.
//
// Nothing changes when GOGC or GOMEMLIMIT is set (the user's choice).
// Calls may overlap (commands run concurrently in tests): the first saves
// the policy, the last to return restores it.
func gcFloor(floor int64) (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	gcf.Lock()
	defer gcf.Unlock()
	if gcf.users == 0 {
		gcf.gen++
		gcf.pct = debug.SetGCPercent(-1)
		gcf.limit = debug.SetMemoryLimit(floor)
		gcf.on = true
		// The sentinel is unreachable from the start: the first
		// collection frees it and its cleanup lifts the floor.
		runtime.AddCleanup(new(gcSentinel), liftFloor, gcf.gen)
	}
	gcf.users++
	var once sync.Once
	return func() {
		once.Do(func() {
			gcf.Lock()
			defer gcf.Unlock()
			gcf.users--
			if gcf.users == 0 {
				gcf.lift()
			}
		})
	}
}

// gcSentinel is allocated on its own (not combined with other small
// objects, whose cleanups may be delayed) and never referenced.
type gcSentinel struct{ _ [64]byte }

// gcFloorState is the policy saved by gcFloor.
type gcFloorState struct {
	sync.Mutex
	users int
	gen   int   // which setting of the floor is in force
	on    bool  // the floor is in force
	pct   int   // GOGC before the floor
	limit int64 // memory limit before the floor
}

var gcf gcFloorState

// liftFloor restores the saved policy after the first collection since
// floor gen was set (a later floor is not lifted by an earlier sentinel).
func liftFloor(gen int) {
	gcf.Lock()
	defer gcf.Unlock()
	if gen == gcf.gen {
		gcf.lift()
	}
}

// lift restores the saved policy if the floor is in force; gcf is locked.
func (s *gcFloorState) lift() {
	if s.on {
		debug.SetMemoryLimit(s.limit)
		debug.SetGCPercent(s.pct)
		s.on = false
	}
}
