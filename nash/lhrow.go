package nash

// lhRowGo is the update of one row (or column) of IPA's Lemke–Howson
// tableau by one pivot (lhReplayGo, and the reference code of the tests):
// row[j] ← (row[j]·pv − f·prow[j]) / den for every j < len(prow), each
// product rounded on its own (the float64 conversions forbid a fused
// multiply–add, which Go may otherwise emit on arm64, ppc64, s390x and
// riscv64), so that every machine and the vector version give the same
// bits.
func lhRowGo(row, prow []float64, pv, f, den float64) {
	row = row[:len(prow)]
	// Four at a time: the divisions are independent, and this keeps more
	// of them in flight.
	j := 0
	for ; j+4 <= len(prow); j += 4 {
		r0 := (float64(row[j]*pv) - float64(f*prow[j])) / den
		r1 := (float64(row[j+1]*pv) - float64(f*prow[j+1])) / den
		r2 := (float64(row[j+2]*pv) - float64(f*prow[j+2])) / den
		r3 := (float64(row[j+3]*pv) - float64(f*prow[j+3])) / den
		row[j], row[j+1], row[j+2], row[j+3] = r0, r1, r2, r3
	}
	for ; j < len(prow); j++ {
		row[j] = (float64(row[j]*pv) - float64(f*prow[j])) / den
	}
}

// elimRowsGo is the row update of the float Lemke–Howson pivot
// (lhFloat.pivotAt) in Go: every row r ≠ pr of the rows×st tableau t
// whose entry f in column pc is not zero becomes row − f·(row pr), each
// product rounded on its own (no fused multiply–add, as in lhRowGo), and
// then its entry in column pc is set to 0.
func elimRowsGo(t []float64, rows, st, pr, pc int) {
	prow := t[pr*st : pr*st+st]
	for r := 0; r < rows; r++ {
		if r == pr {
			continue
		}
		rr := t[r*st : r*st+st]
		f := rr[pc]
		if f == 0 {
			continue
		}
		rr = rr[:len(prow)] // no bounds checks in the loop
		for j, p := range prow {
			rr[j] -= float64(f * p)
		}
		rr[pc] = 0
	}
}
