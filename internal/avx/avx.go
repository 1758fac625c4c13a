// Package avx says whether the processor and the operating system run AVX
// (256-bit vectors of four float64), for the assembly loops of nash and
// markov. It asks the processor on the first call, not when the program
// starts: CPUID is slow where it traps to a hypervisor (10–14 µs an
// instruction on the 2-core development VM), and golang.org/x/sys/cpu,
// used before, ran about seven of them in its package initialisation, a
// sixth of a bare Go program's start, in every run of truce-nash, even
// those that never reach a vector loop (docs/benchmarks.md, "Process
// start").
package avx

import "sync/atomic"

// state is 0 before the first call, then 1 without AVX, 2 with it.
var state atomic.Int32

// Enabled reports whether AVX instructions may be used: the processor has
// AVX and the operating system saves the YMM registers (the test of
// golang.org/x/sys/cpu's X86.HasAVX). Where AVX runs, it is as cheap as
// reading a bool after the first call, which runs CPUID once.
func Enabled() bool {
	return state.Load() == 2 || slow()
}

// slow asks the processor on the first call and reads the answer after
// it. It is not inlined, so that Enabled is.
//
//go:noinline
func slow() bool {
	if s := state.Load(); s != 0 {
		return s == 2
	}
	ok := supported()
	s := int32(1)
	if ok {
		s = 2
	}
	state.Store(s)
	return ok
}
