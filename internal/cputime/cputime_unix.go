//go:build unix

// Package cputime reads the process's CPU time, so that benchmarks on a
// shared machine can report throughput per CPU-second beside wall time.
package cputime

import (
	"syscall"
	"time"
)

// Now is the process's user+system CPU time so far.
func Now() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
