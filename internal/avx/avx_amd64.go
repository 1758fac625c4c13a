package avx

// cpuid runs CPUID with the leaf in EAX and the subleaf in ECX.
func cpuid(leaf, sub uint32) (a, b, c, d uint32)

// xgetbv0 returns the low half of extended control register 0 (XCR0).
func xgetbv0() uint32

func supported() bool {
	const (
		osxsave = 1 << 27     // CPUID.1:ECX: the OS enabled XSAVE (and XGETBV)
		hasAVX  = 1 << 28     // CPUID.1:ECX: AVX
		ymm     = 1<<1 | 1<<2 // XCR0: the OS saves the XMM and YMM state
	)
	_, _, c, _ := cpuid(1, 0)
	if c&osxsave == 0 || c&hasAVX == 0 {
		return false
	}
	return xgetbv0()&ymm == ymm
}
