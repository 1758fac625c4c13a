package nash

import "github.com/truce-dev/truce/internal/avx"

// hasAVX: the processor and the operating system run AVX (256-bit
// vectors of four float64). Asked on first use, not at start
// (internal/avx).
func hasAVX() bool { return avx.Enabled() }

// elimRowsAVX is elimRowsGo in assembly (lhrow_amd64.s), four entries
// of a row per instruction, with the same multiplication and subtraction
// per entry (no fused multiply–add): bit for bit elimRowsGo's results.
//
//go:noescape
func elimRowsAVX(t []float64, rows, st, pr, pc int)

// elimRows is elimRowsGo, in assembly where the processor has AVX: the
// inner loop of the float Lemke–Howson pivot (lcp).
func elimRows(t []float64, rows, st, pr, pc int) {
	if hasAVX() && len(t) >= rows*st && 0 <= pr && pr < rows && 0 <= pc && pc < st {
		elimRowsAVX(t, rows, st, pr, pc)
		return
	}
	elimRowsGo(t, rows, st, pr, pc)
}
