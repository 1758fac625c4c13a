//go:build !amd64

package nash

// luEliminate is luEliminateGo: step k of IPA's LU factorisation
// (luSolveFast).
func luEliminate(a []float64, n, k int, inv float64) bool { return luEliminateGo(a, n, k, inv) }

// rowMaxAbs is rowMaxAbsGo.
func rowMaxAbs(x []float64) (float64, bool) { return rowMaxAbsGo(x) }

// lhReplay is lhReplayGo.
func lhReplay(col, hist []float64, steps []ipaStep) { lhReplayGo(col, hist, steps) }

// lhReplayInRange is lhReplayGo.
func lhReplayInRange(col, hist []float64, steps []ipaStep) { lhReplayGo(col, hist, steps) }

// lhRatios is lhRatiosGo.
func lhRatios(a, b, q []float64) { lhRatiosGo(a, b, q) }

// firstMin is firstMinGo.
func firstMin(q []float64) int { return firstMinGo(q) }

// lastMax is lastMaxGo.
func lastMax(w []float64) int { return lastMaxGo(w) }
