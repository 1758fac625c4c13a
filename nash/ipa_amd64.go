package nash

import "math"

// luEliminateAVX is luEliminateGo in assembly (ipa_amd64.s), four entries
// of a row per instruction, multiply and subtract separate (no fused
// multiply–add): bit for bit luEliminateGo's results.
//
//go:noescape
func luEliminateAVX(a []float64, n, k int, inv float64) bool

// luEliminate is luEliminateGo, in assembly where the processor has AVX:
// step k of IPA's LU factorisation (luSolveFast).
func luEliminate(a []float64, n, k int, inv float64) bool {
	if hasAVX() && 0 <= k && k < n && len(a) >= n*n {
		return luEliminateAVX(a, n, k, inv)
	}
	return luEliminateGo(a, n, k, inv)
}

// rowMaxAbsAVX is rowMaxAbsGo in assembly, four entries per instruction; mask
// is the bits 0x7fff…f (|v| is v's bits and mask).
//
//go:noescape
func rowMaxAbsAVX(x []float64, mask float64) (float64, bool)

// rowMaxAbs is rowMaxAbsGo, in assembly where the processor has AVX.
func rowMaxAbs(x []float64) (float64, bool) {
	if hasAVX() {
		return rowMaxAbsAVX(x, math.Float64frombits(1<<63-1))
	}
	return rowMaxAbsGo(x)
}

// lhReplayAVX is lhReplayGo in assembly, four entries per instruction,
// each multiplication, subtraction and division rounded as the scalar
// ones: bit for bit lhReplayGo's results.
//
//go:noescape
func lhReplayAVX(col, hist []float64, steps []ipaStep)

// lhReplay is lhReplayGo, in assembly where the processor has AVX.
func lhReplay(col, hist []float64, steps []ipaStep) {
	if hasAVX() && len(hist) >= len(steps)*len(col) && lhStepsInRange(steps, len(col)) {
		lhReplayAVX(col, hist, steps)
		return
	}
	lhReplayGo(col, hist, steps)
}

// lhReplayInRange is lhReplay for steps already known to update at most
// len(col) rows each, their pivot rows among them (ipaTableau checks each
// step once, when it records it, instead of at every replay).
func lhReplayInRange(col, hist []float64, steps []ipaStep) {
	if hasAVX() && len(hist) >= len(steps)*len(col) {
		lhReplayAVX(col, hist, steps)
		return
	}
	lhReplayGo(col, hist, steps)
}

// lhRatiosAVX is lhRatiosGo in assembly, four quotients per instruction.
//
//go:noescape
func lhRatiosAVX(a, b, q []float64, inf float64)

// lhRatios is lhRatiosGo, in assembly where the processor has AVX.
func lhRatios(a, b, q []float64) {
	if hasAVX() && len(a) >= len(q) && len(b) >= len(q) {
		lhRatiosAVX(a, b, q, math.Inf(1))
		return
	}
	lhRatiosGo(a, b, q)
}

// firstMinAVX is firstMinGo in assembly: the smallest number (NaNs
// skipped) four at a time, then the first index holding it (compared
// as numbers, so ±0 alike, as v < m does), without the mispredicted
// branches of the running minimum; inf is +∞.
//
//go:noescape
func firstMinAVX(q []float64, inf float64) int

// firstMin is firstMinGo, in assembly where the processor has AVX.
func firstMin(q []float64) int {
	if hasAVX() {
		return firstMinAVX(q, math.Inf(1))
	}
	return firstMinGo(q)
}

// lastMaxAVX is lastMaxGo in assembly: the largest number (NaNs skipped)
// four at a time, then the last index holding it; ninf is −∞.
//
//go:noescape
func lastMaxAVX(w []float64, ninf float64) int

// lastMax is lastMaxGo, in assembly where the processor has AVX.
func lastMax(w []float64) int {
	if hasAVX() {
		return lastMaxAVX(w, math.Inf(-1))
	}
	return lastMaxGo(w)
}
